/*
 * pki/ocsp_responder.c - RFC 6960 responder and CRL publication point over
 * the CA directory (include/tamga/ocsp.h).
 *
 *   OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] }
 *   TBSRequest  ::= SEQUENCE { version [0], requestorName [1],
 *                              requestList SEQUENCE OF Request, requestExtensions [2] }
 *   Request     ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] }
 *   CertID      ::= SEQUENCE { hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }
 *
 * Every answer is an OCSPResponse: the requester's mistakes become
 * malformedRequest / unauthorized, never a missing answer.  The request's
 * optional signature is not checked: status is public information.
 *
 * Status is read from ca.db for each request.  Responses without a nonce
 * are kept per CertID for a few minutes (RFC 5019 pre-production) and are
 * dropped as soon as ca.db changes: SQLite's PRAGMA data_version moves
 * whenever another connection (tamga pki revoke, the CRL code) commits,
 * which the file's mtime would not show under WAL.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "common/sqlite.h"
#include "pki/cadb.h"
#include "pki/pki.h"

#include <tamga/ocsp.h>

#define CACHE_MAX 256
#define NONCE_MAX 32

enum { CA_ISSUING = 0, CA_ROOT = 1 };

struct cached {
	unsigned char *certid;     /* DER of the CertID: the key */
	size_t certid_len;
	unsigned char *resp;
	size_t resp_len;
	tamga_time made, next_update;
	int64_t data_version;
};

struct tamga_ocsp_responder {
	pthread_mutex_t lock;
	sqlite3 *db;
	tamga_ca *ca;              /* for signing CRLs through the CA's own code */
	X509 *ca_cert[2];          /* CA_ISSUING, CA_ROOT */
	X509 *ocsp_cert;
	EVP_PKEY *ocsp_key, *root_key;
	unsigned int next_update, cache_secs, crl_margin;
	struct cached cache[CACHE_MAX];
	size_t ncache;
};

/* ------------------------------------------------------------ loading */

struct take_x509 {
	X509 *x509;
	char issuer[16];
};

static int take_cert(const struct tamga__cadb_cert *row, void *payload)
{
	struct take_x509 *t = payload;
	const unsigned char *p = row->der;

	t->x509 = d2i_X509(NULL, &p, (long)row->der_len);
	if (t->x509 == NULL)
		return tamga__error_openssl(TAMGA_EDB, "CA database: certificate %s is corrupt", row->serial);
	snprintf(t->issuer, sizeof(t->issuer), "%s", row->issuer);
	return 0;
}

/* The certificate recorded as NAME_serial in ca.db's settings. */
static int load_cert(sqlite3 *db, const char *name, struct take_x509 *t)
{
	char key[32], *serial = NULL;
	int error;

	snprintf(key, sizeof(key), "%s_serial", name);
	if ((error = tamga__cadb_meta_get(db, key, &serial)) == 0)
		error = tamga__cadb_find_cert(db, serial, take_cert, t);
	free(serial);
	return error;
}

static int load_key(EVP_PKEY **out, const char *dir, const char *name, X509 *cert, const char *pass,
                    size_t pass_len)
{
	char rel[64], *path;
	tamga_buf pem = TAMGA_BUF_INIT;
	int error;

	snprintf(rel, sizeof(rel), "private/%s.key", name);
	if ((path = tamga__path_join(dir, rel)) == NULL)
		return tamga__error_oom();
	if ((error = tamga__file_read(&pem, path, 1 << 20)) < 0 ||
	    (error = tamga__key_from_pem(out, pem.ptr, pem.size, pass, pass_len, path)) < 0)
		goto done;
	if (X509_check_private_key(cert, *out) != 1) {
		EVP_PKEY_free(*out);
		*out = NULL;
		error = tamga__error_openssl(TAMGA_ECRYPTO, "%s does not belong to the %s certificate", path, name);
	}
done:
	tamga_buf_dispose(&pem);
	free(path);
	return error;
}

int tamga_ocsp_responder_open(tamga_ocsp_responder **out, const char *ca_dir, const char *pass, size_t pass_len)
{
	tamga_ocsp_responder *r = NULL;
	struct take_x509 t;
	char *path = NULL;
	int error = 0;

	if (out == NULL || ca_dir == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_ocsp_responder_open: bad arguments");
	*out = NULL;
	if (pass == NULL || pass_len == 0)
		return tamga__error_set(TAMGA_EPASSPHRASE, "the CA passphrase is needed to sign OCSP responses and CRLs");
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return tamga__error_oom();
	pthread_mutex_init(&r->lock, NULL);
	r->next_update = 3600;
	r->cache_secs = 300;
	r->crl_margin = 3600;
	if ((error = tamga_ca_open(&r->ca, ca_dir, pass, pass_len)) < 0)
		goto done;
	if ((path = tamga__path_join(ca_dir, "ca.db")) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if ((error = tamga__cadb_open(&r->db, path, 0)) < 0)
		goto done;
	memset(&t, 0, sizeof(t));
	if ((error = load_cert(r->db, "issuing", &t)) < 0)
		goto done;
	r->ca_cert[CA_ISSUING] = t.x509;
	memset(&t, 0, sizeof(t));
	if ((error = load_cert(r->db, "root", &t)) < 0)
		goto done;
	r->ca_cert[CA_ROOT] = t.x509;
	memset(&t, 0, sizeof(t));
	if ((error = load_cert(r->db, "ocsp", &t)) < 0)
		goto done;
	r->ocsp_cert = t.x509;
	if (strcmp(t.issuer, "issuing") != 0) {
		error = tamga__error_set(TAMGA_EDB, "CA database: the OCSP certificate was not issued by the issuing CA");
		goto done;
	}
	if ((error = load_key(&r->ocsp_key, ca_dir, "ocsp", r->ocsp_cert, pass, pass_len)) < 0 ||
	    (error = load_key(&r->root_key, ca_dir, "root", r->ca_cert[CA_ROOT], pass, pass_len)) < 0)
		goto done;
	*out = r;
	r = NULL;
done:
	free(path);
	tamga_ocsp_responder_free(r);
	return error;
}

static void cache_drop(struct cached *c)
{
	free(c->certid);
	free(c->resp);
	memset(c, 0, sizeof(*c));
}

void tamga_ocsp_responder_free(tamga_ocsp_responder *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->ncache; i++)
		cache_drop(&r->cache[i]);
	X509_free(r->ca_cert[0]);
	X509_free(r->ca_cert[1]);
	X509_free(r->ocsp_cert);
	EVP_PKEY_free(r->ocsp_key);
	EVP_PKEY_free(r->root_key);
	tamga__cadb_close(r->db);
	tamga_ca_free(r->ca);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

int tamga_ocsp_responder_configure(tamga_ocsp_responder *r, const tamga_ocsp_responder_options *opts)
{
	unsigned int next_update, cache, margin;

	if (r == NULL || opts == NULL || opts->version != TAMGA_OCSP_RESPONDER_OPTIONS_VERSION)
		return tamga__error_set(TAMGA_EINVAL, "tamga_ocsp_responder_configure: bad arguments");
	next_update = opts->next_update ? opts->next_update : 3600;
	cache = opts->cache ? opts->cache : 300;
	margin = opts->crl_margin ? opts->crl_margin : 3600;
	if (next_update < 60 || next_update > 7 * 86400)
		return tamga__error_set(TAMGA_EINVAL, "OCSP nextUpdate must be 60 seconds to 7 days ahead");
	if (cache >= next_update)
		cache = next_update / 2;
	if (margin > 366u * 86400)
		return tamga__error_set(TAMGA_EINVAL, "the CRL margin must be at most 366 days");
	pthread_mutex_lock(&r->lock);
	r->next_update = next_update;
	r->cache_secs = cache;
	r->crl_margin = margin;
	pthread_mutex_unlock(&r->lock);
	return 0;
}

/* ------------------------------------------------------------ answering */

static int64_t data_version(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Which of our CAs a CertID names: CA_ISSUING, CA_ROOT, or -1. */
static int certid_issuer(tamga_ocsp_responder *r, OCSP_CERTID *cid)
{
	ASN1_OCTET_STRING *name_hash = NULL, *key_hash = NULL;
	ASN1_OBJECT *alg = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen;
	const EVP_MD *dgst;
	int i;

	if (!OCSP_id_get0_info(&name_hash, &alg, &key_hash, NULL, cid) || name_hash == NULL || key_hash == NULL)
		return -1;
	switch (OBJ_obj2nid(alg)) {
	case NID_sha1: dgst = EVP_sha1(); break;
	case NID_sha256: dgst = EVP_sha256(); break;
	default: return -1;
	}
	for (i = 0; i < 2; i++) {
		X509 *ca = r->ca_cert[i];
		const ASN1_BIT_STRING *key = X509_get0_pubkey_bitstr(ca);

		if (!X509_NAME_digest(X509_get_subject_name(ca), dgst, md, &mdlen) ||
		    (size_t)name_hash->length != mdlen || CRYPTO_memcmp(name_hash->data, md, mdlen) != 0)
			continue;
		if (key == NULL || !EVP_Digest(key->data, (size_t)key->length, md, &mdlen, dgst, NULL) ||
		    (size_t)key_hash->length != mdlen || CRYPTO_memcmp(key_hash->data, md, mdlen) != 0)
			continue;
		return i;
	}
	return -1;
}

struct status {
	int found;
	char issuer[16];
	int status;                /* V_OCSP_CERTSTATUS_* */
	int reason;
	tamga_time revoked_at;
};

static int take_status(const struct tamga__cadb_cert *row, void *payload)
{
	struct status *s = payload;

	s->found = 1;
	snprintf(s->issuer, sizeof(s->issuer), "%s", row->issuer);
	s->revoked_at = row->revoked_at;
	s->reason = row->reason;
	if (strcmp(row->status, "good") == 0) {
		s->status = V_OCSP_CERTSTATUS_GOOD;
	} else {
		s->status = V_OCSP_CERTSTATUS_REVOKED;
		if (strcmp(row->status, "hold") == 0)
			s->reason = TAMGA_REASON_CERTIFICATE_HOLD;
	}
	return 0;
}

/* Status of one serial issued by CA which; *unknown for serials it never issued. */
static int lookup(tamga_ocsp_responder *r, OCSP_CERTID *cid, int which, struct status *s)
{
	ASN1_INTEGER *serial = NULL;
	char *hex;
	int error;

	memset(s, 0, sizeof(*s));
	s->status = V_OCSP_CERTSTATUS_UNKNOWN;
	if (!OCSP_id_get0_info(NULL, NULL, NULL, &serial, cid) || serial == NULL ||
	    serial->type == V_ASN1_NEG_INTEGER || (hex = tamga__serial_hex(serial)) == NULL) {
		tamga_error_clear();
		return 0;
	}
	error = tamga__cadb_find_cert(r->db, hex, take_status, s);
	free(hex);
	if (error == TAMGA_ENOTFOUND) {
		tamga_error_clear();
		error = 0;
	}
	/* The same serial under the other CA's name is not ours to answer good. */
	if (error == 0 && s->found && strcmp(s->issuer, which == CA_ROOT ? "root" : "issuing") != 0) {
		memset(s, 0, sizeof(*s));
		s->status = V_OCSP_CERTSTATUS_UNKNOWN;
	}
	return error;
}

/* RFC 8954: the nonce is an OCTET STRING of 1..32 bytes.  -1: present but bad. */
static int check_nonce(OCSP_REQUEST *req, int *present)
{
	int i = OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, -1);
	X509_EXTENSION *ext;
	ASN1_OCTET_STRING *v, *inner;
	const unsigned char *p;
	long len;

	*present = 0;
	if (i < 0)
		return 0;
	if (OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, i) >= 0)
		return -1;   /* twice */
	ext = OCSP_REQUEST_get_ext(req, i);
	if (ext == NULL || (v = X509_EXTENSION_get_data(ext)) == NULL)
		return -1;
	p = v->data;
	if ((inner = d2i_ASN1_OCTET_STRING(NULL, &p, v->length)) == NULL)
		return -1;
	len = inner->length;
	ASN1_OCTET_STRING_free(inner);
	if (p != v->data + v->length || len < 1 || len > NONCE_MAX)
		return -1;
	*present = 1;
	return 0;
}

static int encode_status(tamga_buf *out, int status)
{
	OCSP_RESPONSE *resp = OCSP_response_create(status, NULL);
	unsigned char *der = NULL;
	int n, error = 0;

	if (resp == NULL || (n = i2d_OCSP_RESPONSE(resp, &der)) <= 0)
		error = tamga__error_openssl(TAMGA_ENOMEM, "cannot encode an OCSP response");
	else
		error = tamga__buf_append(out, der, (size_t)n);
	OPENSSL_free(der);
	OCSP_RESPONSE_free(resp);
	return error;
}

static struct cached *cache_find(tamga_ocsp_responder *r, const unsigned char *id, size_t len, tamga_time now,
                                 int64_t version)
{
	size_t i;

	for (i = 0; i < r->ncache; i++) {
		struct cached *c = &r->cache[i];

		if (c->certid_len != len || memcmp(c->certid, id, len) != 0)
			continue;
		if (c->data_version != version || now < c->made || now - c->made >= (tamga_time)r->cache_secs) {
			cache_drop(c);
			r->cache[i] = r->cache[--r->ncache];
			return NULL;
		}
		return c;
	}
	return NULL;
}

static void cache_put(tamga_ocsp_responder *r, const unsigned char *id, size_t len, const tamga_buf *resp,
                      tamga_time now, tamga_time next_update, int64_t version)
{
	struct cached *c;
	size_t i, oldest = 0;

	if (r->ncache == CACHE_MAX) {
		for (i = 1; i < r->ncache; i++)
			if (r->cache[i].made < r->cache[oldest].made)
				oldest = i;
		cache_drop(&r->cache[oldest]);
		c = &r->cache[oldest];
	} else {
		c = &r->cache[r->ncache++];
	}
	c->certid = malloc(len);
	c->resp = malloc(resp->size);
	if (c->certid == NULL || c->resp == NULL) {
		cache_drop(c);
		if (c == &r->cache[r->ncache - 1])
			r->ncache--;
		else
			*c = r->cache[--r->ncache];
		return;   /* only a cache */
	}
	memcpy(c->certid, id, len);
	c->certid_len = len;
	memcpy(c->resp, resp->ptr, resp->size);
	c->resp_len = resp->size;
	c->made = now;
	c->next_update = next_update;
	c->data_version = version;
}

/*
 * The whole answer, under r->lock.  Returns an OCSPResponseStatus (the
 * answer in out when successful) or a negative error for internalError.
 */
static int answer(tamga_ocsp_responder *r, const unsigned char *der, size_t len, tamga_buf *out,
                  tamga_ocsp_result *res)
{
	const unsigned char *p = der;
	OCSP_REQUEST *req = NULL;
	OCSP_BASICRESP *bs = NULL;
	OCSP_RESPONSE *resp = NULL;
	ASN1_TIME *this_upd = NULL, *next_upd = NULL, *rev = NULL;
	unsigned char *certid = NULL, *rder = NULL;
	tamga_buf made = TAMGA_BUF_INIT;
	int n, i, which = -1, nonce = 0, status = OCSP_RESPONSE_STATUS_SUCCESSFUL, certid_len = 0;
	int64_t version;
	tamga_time now = tamga_time_now();
	int error = 0;

	if (len == 0 || len > TAMGA_OCSP_MAX_REQUEST ||
	    (req = d2i_OCSP_REQUEST(NULL, &p, (long)len)) == NULL || p != der + len) {
		status = OCSP_RESPONSE_STATUS_MALFORMEDREQUEST;
		goto done;
	}
	n = OCSP_request_onereq_count(req);
	if (n < 1 || n > TAMGA_OCSP_MAX_SINGLE || check_nonce(req, &nonce) < 0) {
		status = OCSP_RESPONSE_STATUS_MALFORMEDREQUEST;
		goto done;
	}
	for (i = 0; i < n; i++) {
		int w = certid_issuer(r, OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, i)));

		/* One response has one signer: the delegated responder speaks only
		 * for the issuing CA, the root for itself.  A mix is refused. */
		if (w < 0 || (which >= 0 && w != which)) {
			status = OCSP_RESPONSE_STATUS_UNAUTHORIZED;
			goto done;
		}
		which = w;
	}

	version = data_version(r->db);
	if (!nonce && n == 1) {
		struct cached *c;

		certid_len = i2d_OCSP_CERTID(OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, 0)), &certid);
		if (certid_len > 0 && version >= 0 &&
		    (c = cache_find(r, certid, (size_t)certid_len, now, version)) != NULL) {
			if ((error = tamga__buf_append(out, c->resp, c->resp_len)) < 0)
				goto done;
			res->next_update = c->next_update;
			res->cached = 1;
			goto done;
		}
	}

	if ((bs = OCSP_BASICRESP_new()) == NULL || (this_upd = ASN1_TIME_new()) == NULL ||
	    (next_upd = ASN1_TIME_new()) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if ((error = tamga__asn1_time_set(this_upd, now)) < 0 ||
	    (error = tamga__asn1_time_set(next_upd, now + r->next_update)) < 0)
		goto done;
	/* Read every status in one snapshot of the database. */
	if ((error = tamga__sql_exec(r->db, "CA database", "BEGIN")) < 0)
		goto done;
	for (i = 0; i < n && error == 0; i++) {
		OCSP_CERTID *cid = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, i));
		struct status s;

		if ((error = lookup(r, cid, which, &s)) < 0)
			break;
		ASN1_TIME_free(rev);
		rev = NULL;
		if (s.status == V_OCSP_CERTSTATUS_REVOKED &&
		    ((rev = ASN1_TIME_new()) == NULL || (error = tamga__asn1_time_set(rev, s.revoked_at)) < 0)) {
			if (rev == NULL)
				error = tamga__error_oom();
			break;
		}
		/* reasonCode unspecified is left out, as in the CRL (RFC 5280 §5.3.1) */
		if (OCSP_basic_add1_status(bs, cid, s.status,
		                           s.status == V_OCSP_CERTSTATUS_REVOKED && s.reason != 0 ? s.reason : -1,
		                           rev, this_upd, next_upd) == NULL)
			error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot add an OCSP answer");
	}
	tamga__sql_exec(r->db, "CA database", "COMMIT");
	if (error < 0)
		goto done;
	if (nonce && !OCSP_copy_nonce(bs, req)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot echo the nonce");
		goto done;
	}
	if (which == CA_ROOT) {
		if (!OCSP_basic_sign(bs, r->ca_cert[CA_ROOT], r->root_key, tamga__key_md(r->root_key), NULL,
		                     OCSP_RESPID_KEY | OCSP_NOCERTS)) {
			error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot sign the OCSP response");
			goto done;
		}
	} else if (!OCSP_basic_sign(bs, r->ocsp_cert, r->ocsp_key, tamga__key_md(r->ocsp_key), NULL,
	                            OCSP_RESPID_KEY)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot sign the OCSP response");
		goto done;
	}
	if ((resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs)) == NULL ||
	    (n = i2d_OCSP_RESPONSE(resp, &rder)) <= 0) {
		error = tamga__error_openssl(TAMGA_ENOMEM, "cannot encode the OCSP response");
		goto done;
	}
	if ((error = tamga__buf_append(&made, rder, (size_t)n)) < 0 ||
	    (error = tamga__buf_append(out, rder, (size_t)n)) < 0)
		goto done;
	res->next_update = now + r->next_update;
	res->has_nonce = nonce;
	if (certid_len > 0 && version >= 0)
		cache_put(r, certid, (size_t)certid_len, &made, now, res->next_update, version);
done:
	tamga_buf_dispose(&made);
	OPENSSL_free(rder);
	OPENSSL_free(certid);
	ASN1_TIME_free(rev);
	ASN1_TIME_free(this_upd);
	ASN1_TIME_free(next_upd);
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	OCSP_REQUEST_free(req);
	return error < 0 ? error : status;
}

int tamga_ocsp_respond(tamga_ocsp_responder *r, const void *req, size_t len, tamga_buf *out,
                       tamga_ocsp_result *result)
{
	tamga_ocsp_result res;
	size_t before;
	int status, error = 0;

	if (r == NULL || out == NULL || (req == NULL && len != 0))
		return tamga__error_set(TAMGA_EINVAL, "tamga_ocsp_respond: bad arguments");
	memset(&res, 0, sizeof(res));
	before = out->size;
	pthread_mutex_lock(&r->lock);
	status = answer(r, req, len, out, &res);
	pthread_mutex_unlock(&r->lock);
	if (status == TAMGA_ENOMEM) {
		out->size = before;
		return status;
	}
	if (status < 0) {
		/* The database or signing failed: the client still gets an answer. */
		out->size = before;
		status = OCSP_RESPONSE_STATUS_INTERNALERROR;
	}
	if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
		memset(&res, 0, sizeof(res));
		if ((error = encode_status(out, status)) < 0)
			return error;
	}
	res.status = status;
	if (result != NULL)
		*result = res;
	return 0;
}

/* ------------------------------------------------------------ CRLs */

static int newest_crl(sqlite3 *db, const char *issuer, tamga_buf *out, tamga_time *next_update)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = tamga__sql_prepare(db, "CA database",
	                                "SELECT der, next_update FROM crls WHERE issuer = ? ORDER BY number DESC LIMIT 1",
	                                &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, issuer, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*next_update = sqlite3_column_int64(st, 1);
		error = tamga__buf_append(out, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	} else if (rc == SQLITE_DONE) {
		error = TAMGA_ENOTFOUND;
	} else {
		error = tamga__sql_error(db, "CA database", "reading CRLs");
	}
	sqlite3_finalize(st);
	return error;
}

int tamga_ocsp_crl(tamga_ocsp_responder *r, const char *which, tamga_buf *out, tamga_time *next_update)
{
	tamga_ca_crl_options o = TAMGA_CA_CRL_OPTIONS_INIT;
	tamga_buf der = TAMGA_BUF_INIT;
	tamga_time next = 0, now = tamga_time_now();
	int error;

	if (r == NULL || which == NULL || out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_ocsp_crl: bad arguments");
	if (strcmp(which, "root") == 0)
		o.which = TAMGA_CA_ROOT;
	else if (strcmp(which, "issuing") == 0)
		o.which = TAMGA_CA_ISSUING;
	else
		return tamga__error_set(TAMGA_EINVAL, "no CA named '%s' (root or issuing)", which);
	pthread_mutex_lock(&r->lock);
	error = newest_crl(r->db, which, &der, &next);
	if (error == 0 && next - now >= (tamga_time)r->crl_margin)
		goto done;
	if (error < 0 && error != TAMGA_ENOTFOUND)
		goto done;
	/* Stale or missing: sign the next one through the CA's own code, which
	 * records it under BEGIN IMMEDIATE and publishes D/crl/NAME.crl.  A
	 * concurrent `tamga pki crl` may sign one as well; both are valid. */
	der.size = 0;
	o.now = now;
	if ((error = tamga_ca_crl(r->ca, &o, &der)) < 0)
		goto done;
	der.size = 0;
	error = newest_crl(r->db, which, &der, &next);
done:
	pthread_mutex_unlock(&r->lock);
	if (error == 0) {
		error = tamga__buf_append(out, der.ptr, der.size);
		if (error == 0 && next_update != NULL)
			*next_update = next;
	}
	tamga_buf_dispose(&der);
	return error;
}
