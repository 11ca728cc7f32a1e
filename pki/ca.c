/*
 * pki/ca.c - the agency CA: init, open, issue, revoke, release, CRLs, list.
 *
 * ca.db is the source of truth: a certificate is recorded (and committed)
 * before any file holding it is written, and files are written atomically.
 * CA certificates and keys are read from ca.db and D/private/, never from
 * the published copies in D/.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "pki/cadb.h"
#include "pki/crl.h"
#include "pki/profile.h"

#define DEFAULT_ORG "Tamga Dev PKI"
#define DEFAULT_COUNTRY "MN"
#define DEFAULT_BASE_URL "http://127.0.0.1:8080"
#define DEFAULT_POLICY "2.999.1"
#define DEFAULT_CRL_DAYS 7
#define DAY 86400

struct tamga_ca {
	char *dir;
	sqlite3 *db;
	char *pass;
	size_t pass_len;
	char *org, *country, *base_url, *policy_oid;
	tamga_key_type key_type;
	/* Loaded on first use. */
	X509 *cert[2];          /* TAMGA_CA_ISSUING, TAMGA_CA_ROOT */
	EVP_PKEY *key[2];
};

static const char *ca_name(tamga_ca_which which)
{
	return which == TAMGA_CA_ROOT ? "root" : "issuing";
}

/* ------------------------------------------------------------ small helpers */

static int check_url(const char *url)
{
	const char *p;

	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return tamga__error_set(TAMGA_EINVAL, "base URL '%s' must start with http:// or https://", url);
	for (p = url; *p; p++)
		/* ',' separates values in extension syntax; no quoting is allowed. */
		if ((unsigned char)*p <= ' ' || *p == ',' || *p == '"' || *p == '\\' || (unsigned char)*p >= 0x7f)
			return tamga__error_set(TAMGA_EINVAL, "base URL '%s' has a character not allowed in a URL", url);
	if (strlen(url) > 200)
		return tamga__error_set(TAMGA_EINVAL, "base URL is longer than 200 characters");
	return 0;
}

static int check_oid(const char *oid)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);

	if (obj == NULL)
		return tamga__error_set(TAMGA_EINVAL, "policy '%s' is not a dotted OID", oid);
	ASN1_OBJECT_free(obj);
	return 0;
}

static int check_pass(const char *pass, size_t len, const char *what)
{
	if (pass == NULL)
		return tamga__error_set(TAMGA_EPASSPHRASE, "%s: no passphrase given", what);
	if (len < TAMGA__PASS_MIN)
		return tamga__error_set(TAMGA_EPASSPHRASE, "%s: the passphrase must have at least %d bytes", what,
		                        TAMGA__PASS_MIN);
	return 0;
}

static int x509_pem(tamga_buf *out, X509 *x)
{
	tamga_cert *c = NULL;
	int error;

	if ((error = tamga__cert_wrap(&c, x)) < 0)
		return error;
	error = tamga_cert_to_pem(out, c);
	tamga_cert_free(c);
	return error;
}

/* Record x in ca.db (inside the caller's transaction). */
static int record_cert(sqlite3 *db, X509 *x, const char *issuer, enum tamga__role role, tamga_time now)
{
	tamga_cert *c = NULL;
	struct tamga__cadb_cert row;
	int error;

	if ((error = tamga__cert_wrap(&c, x)) < 0)
		return error;
	memset(&row, 0, sizeof(row));
	row.serial = c->serial;
	row.issuer = issuer;
	row.role = tamga__role_name(role);
	row.subject = c->subject;
	row.sha256 = c->sha256;
	row.not_before = tamga_cert_not_before(c);
	row.not_after = tamga_cert_not_after(c);
	row.issued_at = now;
	row.der = c->der;
	row.der_len = c->der_len;
	error = tamga__cadb_insert_cert(db, &row);
	tamga_cert_free(c);
	return error;
}

/* A list of files written so far, removed again if the operation fails. */
struct written {
	char *paths[16];
	int count;
};

static int write_file(struct written *w, const char *dir, const char *name, const void *data, size_t len,
                      mode_t mode, int overwrite)
{
	char *path = tamga__path_join(dir, name);
	int error;

	if (path == NULL)
		return TAMGA_ENOMEM;
	error = tamga__file_write(path, data, len, mode, overwrite);
	if (error == 0 && w != NULL && w->count < (int)(sizeof(w->paths) / sizeof(w->paths[0])))
		w->paths[w->count++] = path;
	else
		free(path);
	return error;
}

static void written_forget(struct written *w, int remove)
{
	int i;

	for (i = 0; i < w->count; i++) {
		if (remove)
			unlink(w->paths[i]);
		free(w->paths[i]);
	}
	w->count = 0;
}

/* ------------------------------------------------------------ init */

struct init_item {
	enum tamga__role role;
	const char *file;        /* base name of .crt and private/.key */
	const char *cn_suffix;
	EVP_PKEY *key;
	X509 *cert;
};

int tamga_ca_init(const char *dir, const tamga_ca_init_options *opts)
{
	tamga_ca_init_options o;
	struct init_item items[] = {
		{ TAMGA__ROLE_ROOT, "root", "Root CA", NULL, NULL },
		{ TAMGA__ROLE_ISSUING, "issuing", "Issuing CA", NULL, NULL },
		{ TAMGA__ROLE_OCSP, "ocsp", "OCSP Responder", NULL, NULL },
		{ TAMGA__ROLE_TSA, "tsa", "Time-Stamping Authority", NULL, NULL },
	};
	const size_t n_items = sizeof(items) / sizeof(items[0]);
	struct written w = { { NULL }, 0 };
	sqlite3 *db = NULL;
	char *db_path = NULL, *db_new = NULL;
	char base_url[256], cn[400];
	tamga_buf buf = TAMGA_BUF_INIT;
	X509_CRL *crl = NULL;
	tamga_time now;
	size_t i;
	int error = 0;

	if (dir == NULL || opts == NULL || opts->version != TAMGA_CA_INIT_OPTIONS_VERSION)
		return tamga__error_set(TAMGA_EINVAL, "tamga_ca_init: bad arguments");
	o = *opts;
	if (o.org == NULL) o.org = DEFAULT_ORG;
	if (o.country == NULL) o.country = DEFAULT_COUNTRY;
	if (o.key_type == 0) o.key_type = TAMGA_KEY_P256;
	if (o.base_url == NULL) o.base_url = DEFAULT_BASE_URL;
	if (o.policy_oid == NULL) o.policy_oid = DEFAULT_POLICY;
	if (o.root_days == 0) o.root_days = 7305;
	if (o.issuing_days == 0) o.issuing_days = 3652;
	if (o.service_days == 0) o.service_days = 1095;
	now = o.now ? o.now : tamga_time_now();

	if ((error = check_pass(o.passphrase, o.passphrase_len, "CA keys")) < 0 ||
	    (error = check_url(o.base_url)) < 0 || (error = check_oid(o.policy_oid)) < 0 ||
	    (error = tamga__profile_check_subject("x", o.org, o.country)) < 0)
		return error;
	if (tamga_key_type_name(o.key_type)[0] == '?')
		return tamga__error_set(TAMGA_EINVAL, "unknown key type %d", (int)o.key_type);
	if (o.root_days > 36525 || o.issuing_days > o.root_days || o.service_days > o.issuing_days)
		return tamga__error_set(TAMGA_EINVAL, "validity periods must nest: service <= issuing <= root <= 100 years");
	snprintf(base_url, sizeof(base_url), "%s", o.base_url);
	while (strlen(base_url) > 8 && base_url[strlen(base_url) - 1] == '/')
		base_url[strlen(base_url) - 1] = '\0';

	if ((error = tamga__mkdir(dir, 0755)) < 0)
		return error;
	if ((db_path = tamga__path_join(dir, "ca.db")) == NULL || (db_new = tamga__path_join(dir, "ca.db.new")) == NULL) {
		error = TAMGA_ENOMEM;
		goto done;
	}
	if ((error = tamga__file_absent(db_path)) < 0) {
		tamga__error_set(TAMGA_EEXISTS, "%s already holds a CA (ca.db exists)", dir);
		goto done;
	}
	unlink(db_new); /* left over from an init that crashed */

	/* Keys and certificates, in memory. */
	for (i = 0; i < n_items; i++) {
		struct tamga__profile p;
		int is_ca_issued = items[i].role != TAMGA__ROLE_ROOT;
		X509 *issuer = items[i].role == TAMGA__ROLE_ROOT ? NULL
		             : items[i].role == TAMGA__ROLE_ISSUING ? items[0].cert : items[1].cert;
		EVP_PKEY *issuer_key = items[i].role == TAMGA__ROLE_ROOT ? NULL
		                     : items[i].role == TAMGA__ROLE_ISSUING ? items[0].key : items[1].key;
		unsigned int days = items[i].role == TAMGA__ROLE_ROOT ? o.root_days
		                  : items[i].role == TAMGA__ROLE_ISSUING ? o.issuing_days : o.service_days;

		if ((size_t)snprintf(cn, sizeof(cn), "%s %s", o.org, items[i].cn_suffix) >= sizeof(cn) ||
		    tamga__utf8_chars(cn) > 64) {
			error = tamga__error_set(TAMGA_EINVAL, "the organisation name is too long to name the CA "
			                         "certificates (\"%s %s\" exceeds 64 characters)", o.org,
			                         items[i].cn_suffix);
			goto done;
		}
		if ((error = tamga__key_generate(&items[i].key, o.key_type)) < 0)
			goto done;
		memset(&p, 0, sizeof(p));
		p.role = items[i].role;
		p.cn = cn;
		p.org = o.org;
		p.country = o.country;
		p.subject_key = items[i].key;
		p.issuer_cert = issuer;
		p.issuer_key = issuer_key ? issuer_key : items[i].key;
		p.not_before = now;
		p.not_after = now + (tamga_time)days * DAY;
		p.base_url = base_url;
		p.issuer_name = items[i].role == TAMGA__ROLE_ISSUING ? "root" : "issuing";
		p.policy_oid = is_ca_issued ? o.policy_oid : NULL;
		if ((error = tamga__profile_issue(&items[i].cert, &p)) < 0)
			goto done;
	}

	/* The database, under a temporary name until everything is in place. */
	if ((error = tamga__cadb_open(&db, db_new, 1)) < 0 || (error = tamga__cadb_begin(db)) < 0)
		goto done;
	if ((error = tamga__cadb_meta_set(db, "org", o.org)) < 0 ||
	    (error = tamga__cadb_meta_set(db, "country", o.country)) < 0 ||
	    (error = tamga__cadb_meta_set(db, "key_type", tamga_key_type_name(o.key_type))) < 0 ||
	    (error = tamga__cadb_meta_set(db, "base_url", base_url)) < 0 ||
	    (error = tamga__cadb_meta_set(db, "policy_oid", o.policy_oid)) < 0)
		goto done;
	for (i = 0; i < n_items; i++) {
		char *serial = tamga__serial_hex(X509_get0_serialNumber(items[i].cert));
		char key[32];

		if (serial == NULL) {
			error = tamga_error_last()->code;
			goto done;
		}
		snprintf(key, sizeof(key), "%s_serial", items[i].file);
		error = tamga__cadb_meta_set(db, key, serial);
		free(serial);
		if (error < 0 || (error = record_cert(db, items[i].cert, i == 0 ? "root" : i == 1 ? "root" : "issuing",
		                                      items[i].role, now)) < 0)
			goto done;
	}
	/* First CRLs, so that paths validate with revocation checking from the start. */
	for (i = 0; i < 2; i++) {
		int64_t number = 1;
		unsigned char *der = NULL;
		int n;

		if ((error = tamga__crl_new(&crl, items[i].cert, number, now, now + DEFAULT_CRL_DAYS * DAY)) < 0 ||
		    (error = tamga__crl_sign(crl, items[i].key)) < 0)
			goto done;
		if ((n = i2d_X509_CRL(crl, &der)) <= 0) {
			error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot encode a CRL");
			goto done;
		}
		error = tamga__cadb_insert_crl(db, items[i].file, number, now, now + DEFAULT_CRL_DAYS * DAY, der, (size_t)n);
		OPENSSL_free(der);
		X509_CRL_free(crl);
		crl = NULL;
		if (error < 0)
			goto done;
	}
	if ((error = tamga__cadb_commit(db)) < 0)
		goto done;
	tamga__cadb_close(db);
	db = NULL;

	/* Files: keys, certificates, CRLs. */
	if ((error = tamga__mkdir(dir, 0755)) < 0)
		goto done;
	{
		char *priv = tamga__path_join(dir, "private"), *crldir = tamga__path_join(dir, "crl");

		if (priv == NULL || crldir == NULL || (error = tamga__mkdir(priv, 0700)) < 0 ||
		    (error = tamga__mkdir(crldir, 0755)) < 0 || chmod(priv, 0700) != 0) {
			if (error == 0)
				error = tamga__error_set(TAMGA_EIO, "%s: cannot create", priv ? priv : dir);
			free(priv);
			free(crldir);
			goto done;
		}
		free(priv);
		free(crldir);
	}
	for (i = 0; i < n_items; i++) {
		char name[64];

		buf.size = 0;
		snprintf(name, sizeof(name), "private/%s.key", items[i].file);
		if ((error = tamga__key_to_pem(&buf, items[i].key, o.passphrase, o.passphrase_len)) < 0 ||
		    (error = write_file(&w, dir, name, buf.ptr, buf.size, 0600, 0)) < 0)
			goto done;
		buf.size = 0;
		snprintf(name, sizeof(name), "%s.crt", items[i].file);
		if ((error = x509_pem(&buf, items[i].cert)) < 0 ||
		    (error = write_file(&w, dir, name, buf.ptr, buf.size, 0644, 0)) < 0)
			goto done;
	}
	/* The CRLs again from the database, as `tamga pki crl` would publish them. */
	if ((error = tamga__cadb_open(&db, db_new, 0)) < 0)
		goto done;
	for (i = 0; i < 2; i++) {
		char name[64];

		buf.size = 0;
		snprintf(name, sizeof(name), "crl/%s.crl", items[i].file);
		if ((error = tamga__cadb_latest_crl(db, items[i].file, &buf)) < 0 ||
		    (error = write_file(&w, dir, name, buf.ptr, buf.size, 0644, 1)) < 0)
			goto done;
	}
	tamga__cadb_close(db);
	db = NULL;
	/* The commit point: from here on dir holds a CA. */
	if (link(db_new, db_path) != 0) {
		error = tamga__error_set(TAMGA_EEXISTS, "%s: cannot install ca.db (does a CA exist already?)", dir);
		goto done;
	}
	unlink(db_new);

done:
	if (db != NULL)
		tamga__cadb_rollback(db);
	tamga__cadb_close(db);
	if (error < 0 && db_new != NULL) {
		char *sub;

		unlink(db_new);
		written_forget(&w, 1);
		/* Empty now unless they held something before: rmdir keeps those. */
		if ((sub = tamga__path_join(dir, "private")) != NULL)
			rmdir(sub);
		free(sub);
		if ((sub = tamga__path_join(dir, "crl")) != NULL)
			rmdir(sub);
		free(sub);
	}
	written_forget(&w, 0);
	for (i = 0; i < n_items; i++) {
		EVP_PKEY_free(items[i].key);
		X509_free(items[i].cert);
	}
	X509_CRL_free(crl);
	tamga_buf_dispose(&buf);
	free(db_path);
	free(db_new);
	return error;
}

/* ------------------------------------------------------------ open */

int tamga_ca_open(tamga_ca **out, const char *dir, const char *passphrase, size_t passphrase_len)
{
	tamga_ca *ca;
	char *path = NULL, *kt = NULL;
	int error = 0;

	*out = NULL;
	if (dir == NULL)
		return tamga__error_set(TAMGA_EINVAL, "no CA directory given");
	if ((ca = calloc(1, sizeof(*ca))) == NULL)
		return tamga__error_oom();
	if ((ca->dir = tamga__strdup(dir)) == NULL || (path = tamga__path_join(dir, "ca.db")) == NULL) {
		error = TAMGA_ENOMEM;
		goto done;
	}
	if (access(path, F_OK) != 0) {
		error = tamga__error_set(TAMGA_ENOTFOUND, "%s holds no CA (no ca.db); create one with tamga pki init",
		                         dir);
		goto done;
	}
	if ((error = tamga__cadb_open(&ca->db, path, 0)) < 0)
		goto done;
	if ((error = tamga__cadb_meta_get(ca->db, "org", &ca->org)) < 0 ||
	    (error = tamga__cadb_meta_get(ca->db, "country", &ca->country)) < 0 ||
	    (error = tamga__cadb_meta_get(ca->db, "base_url", &ca->base_url)) < 0 ||
	    (error = tamga__cadb_meta_get(ca->db, "policy_oid", &ca->policy_oid)) < 0 ||
	    (error = tamga__cadb_meta_get(ca->db, "key_type", &kt)) < 0 ||
	    (error = tamga_key_type_parse(&ca->key_type, kt)) < 0)
		goto done;
	if (passphrase != NULL) {
		if ((ca->pass = malloc(passphrase_len + 1)) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
		memcpy(ca->pass, passphrase, passphrase_len);
		ca->pass[passphrase_len] = '\0';
		ca->pass_len = passphrase_len;
	}
	*out = ca;
	ca = NULL;
done:
	free(kt);
	free(path);
	tamga_ca_free(ca);
	return error;
}

void tamga_ca_free(tamga_ca *ca)
{
	int i;

	if (ca == NULL)
		return;
	tamga__cadb_close(ca->db);
	if (ca->pass != NULL) {
		OPENSSL_cleanse(ca->pass, ca->pass_len);
		free(ca->pass);
	}
	for (i = 0; i < 2; i++) {
		X509_free(ca->cert[i]);
		EVP_PKEY_free(ca->key[i]);
	}
	free(ca->dir);
	free(ca->org);
	free(ca->country);
	free(ca->base_url);
	free(ca->policy_oid);
	free(ca);
}

struct der_copy {
	X509 *x509;
};

static int take_der(const struct tamga__cadb_cert *row, void *payload)
{
	struct der_copy *c = payload;
	const unsigned char *p = row->der;

	c->x509 = d2i_X509(NULL, &p, (long)row->der_len);
	if (c->x509 == NULL)
		return tamga__error_openssl(TAMGA_EDB, "CA database: certificate %s is corrupt", row->serial);
	return 0;
}

/* The CA certificate from ca.db, and (when need_key) its private key. */
static int load_ca(tamga_ca *ca, tamga_ca_which which, int need_key)
{
	char key[32], *serial = NULL, *path = NULL;
	struct der_copy c = { NULL };
	tamga_buf pem = TAMGA_BUF_INIT;
	int error = 0;

	if (ca->cert[which] == NULL) {
		snprintf(key, sizeof(key), "%s_serial", ca_name(which));
		if ((error = tamga__cadb_meta_get(ca->db, key, &serial)) < 0 ||
		    (error = tamga__cadb_find_cert(ca->db, serial, take_der, &c)) < 0)
			goto done;
		ca->cert[which] = c.x509;
	}
	if (!need_key || ca->key[which] != NULL)
		goto done;
	if ((error = check_pass(ca->pass, ca->pass_len, "the CA key")) < 0)
		goto done;
	snprintf(key, sizeof(key), "private/%s.key", ca_name(which));
	if ((path = tamga__path_join(ca->dir, key)) == NULL) {
		error = TAMGA_ENOMEM;
		goto done;
	}
	if ((error = tamga__file_read(&pem, path, 1 << 20)) < 0 ||
	    (error = tamga__key_from_pem(&ca->key[which], pem.ptr, pem.size, ca->pass, ca->pass_len, path)) < 0)
		goto done;
	if (X509_check_private_key(ca->cert[which], ca->key[which]) != 1) {
		EVP_PKEY_free(ca->key[which]);
		ca->key[which] = NULL;
		error = tamga__error_openssl(TAMGA_ECRYPTO, "%s does not belong to the %s CA certificate", path,
		                             ca_name(which));
	}
done:
	tamga_buf_dispose(&pem);
	free(path);
	free(serial);
	return error;
}

/* ------------------------------------------------------------ CRLs */

struct crl_fill {
	X509_CRL *crl;
};

static int add_revoked(const struct tamga__cadb_cert *row, void *payload)
{
	struct crl_fill *f = payload;
	struct tamga__crl_entry e;

	e.serial = row->serial;
	e.revoked_at = row->revoked_at;
	e.reason = row->reason;
	e.invalidity = row->invalidity;
	return tamga__crl_add(f->crl, &e);
}

/* Sign and record the next CRL of a CA; inside the caller's transaction.
 * The DER is left in der for the caller to publish after commit. */
static int next_crl(tamga_ca *ca, tamga_ca_which which, unsigned int days, tamga_time now, tamga_buf *der)
{
	struct crl_fill f = { NULL };
	int64_t number = 0;
	unsigned char *p = NULL;
	int n, error;

	if ((error = load_ca(ca, which, 1)) < 0 ||
	    (error = tamga__cadb_last_crl_number(ca->db, ca_name(which), &number)) < 0)
		return error;
	if ((error = tamga__crl_new(&f.crl, ca->cert[which], number + 1, now, now + (tamga_time)days * DAY)) < 0)
		return error;
	if ((error = tamga__cadb_foreach_cert(ca->db, ca_name(which), "revoked", add_revoked, &f)) < 0 ||
	    (error = tamga__cadb_foreach_cert(ca->db, ca_name(which), "hold", add_revoked, &f)) < 0 ||
	    (error = tamga__crl_sign(f.crl, ca->key[which])) < 0)
		goto done;
	if ((n = i2d_X509_CRL(f.crl, &p)) <= 0) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot encode the CRL");
		goto done;
	}
	if ((error = tamga__cadb_insert_crl(ca->db, ca_name(which), number + 1, now, now + (tamga_time)days * DAY,
	                                    p, (size_t)n)) < 0)
		goto done;
	error = tamga__buf_append(der, p, (size_t)n);
done:
	OPENSSL_free(p);
	X509_CRL_free(f.crl);
	return error;
}

/* How long the CRLs published by revoke and release are valid: the days last
 * given to tamga_ca_crl(), else DEFAULT_CRL_DAYS. */
static int crl_days(tamga_ca *ca, unsigned int *out)
{
	char *v = NULL;
	int error = tamga__cadb_meta_get(ca->db, "crl_days", &v);

	*out = DEFAULT_CRL_DAYS;
	if (error == TAMGA_ENOTFOUND) {
		tamga_error_clear();
		return 0;
	}
	if (error == 0) {
		unsigned long d = strtoul(v, NULL, 10);

		if (d >= 1 && d <= 366)
			*out = (unsigned int)d;
	}
	free(v);
	return error;
}

static int publish_crl(tamga_ca *ca, tamga_ca_which which, const tamga_buf *der)
{
	char name[32];

	snprintf(name, sizeof(name), "crl/%s.crl", ca_name(which));
	return write_file(NULL, ca->dir, name, der->ptr, der->size, 0644, 1);
}

int tamga_ca_crl(tamga_ca *ca, const tamga_ca_crl_options *opts, tamga_buf *out)
{
	tamga_ca_crl_options o = TAMGA_CA_CRL_OPTIONS_INIT;
	tamga_buf der = TAMGA_BUF_INIT;
	int error;

	if (opts != NULL) {
		if (opts->version != TAMGA_CA_CRL_OPTIONS_VERSION)
			return tamga__error_set(TAMGA_EINVAL, "tamga_ca_crl: unknown options version");
		o = *opts;
	}
	if (o.which != TAMGA_CA_ISSUING && o.which != TAMGA_CA_ROOT)
		return tamga__error_set(TAMGA_EINVAL, "unknown CA");
	if (o.days > 366)
		return tamga__error_set(TAMGA_EINVAL, "a CRL may be valid for at most 366 days");
	if (o.now == 0)
		o.now = tamga_time_now();
	if ((error = tamga__cadb_begin(ca->db)) < 0)
		return error;
	if (o.days != 0) {
		char days[16];

		snprintf(days, sizeof(days), "%u", o.days);
		error = tamga__cadb_meta_set(ca->db, "crl_days", days);
	} else {
		error = crl_days(ca, &o.days);
	}
	if (error < 0 || (error = next_crl(ca, o.which, o.days, o.now, &der)) < 0 ||
	    (error = tamga__cadb_commit(ca->db)) < 0) {
		tamga__cadb_rollback(ca->db);
		goto done;
	}
	if ((error = publish_crl(ca, o.which, &der)) < 0)
		goto done;
	if (out != NULL)
		error = tamga__buf_append(out, der.ptr, der.size);
done:
	tamga_buf_dispose(&der);
	return error;
}

/* ------------------------------------------------------------ issue */

static int output_path(char **out, const char *prefix, const char *suffix)
{
	size_t a = strlen(prefix), b = strlen(suffix);

	if ((*out = malloc(a + b + 1)) == NULL)
		return tamga__error_oom();
	memcpy(*out, prefix, a);
	memcpy(*out + a, suffix, b + 1);
	return 0;
}

int tamga_ca_issue(tamga_ca *ca, const tamga_ca_issue_options *opts, tamga_cert **out)
{
	static const char *const suffixes[3] = { ".key", ".crt", "-chain.pem" };
	tamga_ca_issue_options o;
	struct tamga__profile p;
	char *paths[3] = { NULL, NULL, NULL };
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	tamga_buf keypem = TAMGA_BUF_INIT, crt = TAMGA_BUF_INIT, chain = TAMGA_BUF_INIT;
	tamga_time now, ca_end;
	int i, error = 0;

	if (out != NULL)
		*out = NULL;
	if (ca == NULL || opts == NULL || opts->version != TAMGA_CA_ISSUE_OPTIONS_VERSION)
		return tamga__error_set(TAMGA_EINVAL, "tamga_ca_issue: bad arguments");
	o = *opts;
	if (o.org == NULL) o.org = ca->org;
	if (o.country == NULL) o.country = ca->country;
	if (o.key_type == 0) o.key_type = ca->key_type;
	if (o.days == 0) o.days = 730;
	now = o.now ? o.now : tamga_time_now();

	if (o.out_prefix == NULL || *o.out_prefix == '\0')
		return tamga__error_set(TAMGA_EINVAL, "no output path given");
	if (o.no_encrypt && o.key_passphrase != NULL)
		return tamga__error_set(TAMGA_EINVAL, "a key passphrase and no-encrypt exclude each other");
	if (!o.no_encrypt && (error = check_pass(o.key_passphrase, o.key_passphrase_len, "the new key")) < 0)
		return error;
	if ((error = tamga__profile_check_subject(o.cn, o.org, o.country)) < 0)
		return error;
	if (o.days > 3653)
		return tamga__error_set(TAMGA_EINVAL, "signer certificates may be valid for at most 10 years");
	for (i = 0; i < 3; i++) {
		if ((error = output_path(&paths[i], o.out_prefix, suffixes[i])) < 0)
			goto done;
		if (!o.overwrite && (error = tamga__file_absent(paths[i])) < 0) {
			tamga__error_prefix("will not overwrite (use --force)");
			goto done;
		}
	}
	if ((error = load_ca(ca, TAMGA_CA_ISSUING, 1)) < 0 || (error = load_ca(ca, TAMGA_CA_ROOT, 0)) < 0)
		goto done;
	ca_end = tamga__asn1_time_get(X509_get0_notAfter(ca->cert[TAMGA_CA_ISSUING]));
	if (now + (tamga_time)o.days * DAY > ca_end) {
		char end[TAMGA_TIME_BUFSIZE];

		error = tamga__error_set(TAMGA_EINVAL, "the certificate would outlive the issuing CA (valid until %s); "
		                         "choose fewer days", tamga_time_format(end, ca_end));
		goto done;
	}
	if ((error = tamga__key_generate(&key, o.key_type)) < 0)
		goto done;
	memset(&p, 0, sizeof(p));
	p.role = TAMGA__ROLE_SIGNER;
	p.cn = o.cn;
	p.org = o.org;
	p.country = o.country;
	p.subject_key = key;
	p.issuer_cert = ca->cert[TAMGA_CA_ISSUING];
	p.issuer_key = ca->key[TAMGA_CA_ISSUING];
	p.not_before = now;
	p.not_after = now + (tamga_time)o.days * DAY;
	p.base_url = ca->base_url;
	p.issuer_name = "issuing";
	p.policy_oid = ca->policy_oid;
	if ((error = tamga__profile_issue(&x, &p)) < 0)
		goto done;

	/* Encode everything before recording: after the commit only writes remain. */
	if ((error = tamga__key_to_pem(&keypem, key, o.no_encrypt ? NULL : o.key_passphrase,
	                               o.key_passphrase_len)) < 0 ||
	    (error = x509_pem(&crt, x)) < 0 || (error = x509_pem(&chain, ca->cert[TAMGA_CA_ISSUING])) < 0 ||
	    (error = x509_pem(&chain, ca->cert[TAMGA_CA_ROOT])) < 0)
		goto done;

	if ((error = tamga__cadb_begin(ca->db)) < 0)
		goto done;
	if ((error = record_cert(ca->db, x, "issuing", TAMGA__ROLE_SIGNER, now)) < 0 ||
	    (error = tamga__cadb_commit(ca->db)) < 0) {
		tamga__cadb_rollback(ca->db);
		goto done;
	}
	if ((error = tamga__file_write(paths[0], keypem.ptr, keypem.size, 0600, o.overwrite)) < 0 ||
	    (error = tamga__file_write(paths[1], crt.ptr, crt.size, 0644, o.overwrite)) < 0 ||
	    (error = tamga__file_write(paths[2], chain.ptr, chain.size, 0644, o.overwrite)) < 0)
		goto done;
	if (out != NULL)
		error = tamga__cert_wrap(out, x);
done:
	for (i = 0; i < 3; i++)
		free(paths[i]);
	tamga_buf_dispose(&keypem);
	tamga_buf_dispose(&crt);
	tamga_buf_dispose(&chain);
	EVP_PKEY_free(key);
	X509_free(x);
	return error;
}

/* ------------------------------------------------------------ revoke, release */

struct found {
	char issuer[16];
	char role[16];
	char status[16];
	tamga_time revoked_at;
	int reason;
};

static int take_found(const struct tamga__cadb_cert *row, void *payload)
{
	struct found *f = payload;

	snprintf(f->issuer, sizeof(f->issuer), "%s", row->issuer);
	snprintf(f->role, sizeof(f->role), "%s", row->role);
	snprintf(f->status, sizeof(f->status), "%s", row->status);
	f->revoked_at = row->revoked_at;
	f->reason = row->reason;
	return 0;
}

/* Change a certificate's status and publish its issuer's next CRL, in one transaction. */
static int change_status(tamga_ca *ca, const char *serial_in, int release, tamga_reason reason, tamga_time when,
                         tamga_time invalidity)
{
	struct found f;
	char *serial = NULL;
	tamga_ca_which which;
	tamga_buf der = TAMGA_BUF_INIT;
	unsigned int days;
	int error;

	if ((error = tamga__serial_normalise(&serial, serial_in)) < 0)
		return error;
	if (when == 0)
		when = tamga_time_now();
	if ((error = tamga__cadb_begin(ca->db)) < 0)
		goto done;
	memset(&f, 0, sizeof(f));
	if ((error = tamga__cadb_find_cert(ca->db, serial, take_found, &f)) < 0)
		goto fail;
	if (strcmp(f.role, "root") == 0) {
		error = tamga__error_set(TAMGA_ESTATE, "the root certificate cannot be revoked; withdraw it from "
		                         "relying parties' trust stores instead");
		goto fail;
	}
	if (release) {
		if (strcmp(f.status, "hold") != 0) {
			error = tamga__error_set(TAMGA_ESTATE, "certificate %s is not on hold (status: %s)", serial,
			                         f.status);
			goto fail;
		}
		error = tamga__cadb_set_status(ca->db, serial, "good", 0, 0, 0);
	} else {
		if (strcmp(f.status, "revoked") == 0 ||
		    (strcmp(f.status, "hold") == 0 && reason == TAMGA_REASON_CERTIFICATE_HOLD)) {
			char t[TAMGA_TIME_BUFSIZE];

			error = tamga__error_set(TAMGA_ESTATE, "certificate %s is already %s since %s (%s)", serial,
			                         strcmp(f.status, "hold") == 0 ? "on hold" : "revoked",
			                         tamga_time_format(t, f.revoked_at), tamga_reason_name(f.reason));
			goto fail;
		}
		/* From hold to revoked, the revocation date stays the hold's. */
		error = tamga__cadb_set_status(ca->db, serial, reason == TAMGA_REASON_CERTIFICATE_HOLD ? "hold" : "revoked",
		                               strcmp(f.status, "hold") == 0 ? f.revoked_at : when, reason, invalidity);
	}
	if (error < 0)
		goto fail;
	which = strcmp(f.issuer, "root") == 0 ? TAMGA_CA_ROOT : TAMGA_CA_ISSUING;
	if ((error = crl_days(ca, &days)) < 0 || (error = next_crl(ca, which, days, when, &der)) < 0 ||
	    (error = tamga__cadb_commit(ca->db)) < 0)
		goto fail;
	error = publish_crl(ca, which, &der);
	goto done;
fail:
	tamga__cadb_rollback(ca->db);
done:
	tamga_buf_dispose(&der);
	free(serial);
	return error;
}

int tamga_ca_revoke(tamga_ca *ca, const char *serial, tamga_reason reason, tamga_time when, tamga_time invalidity)
{
	if (ca == NULL || tamga_reason_name(reason)[0] == '?')
		return tamga__error_set(TAMGA_EINVAL, "tamga_ca_revoke: bad arguments");
	return change_status(ca, serial, 0, reason, when, invalidity);
}

int tamga_ca_release(tamga_ca *ca, const char *serial, tamga_time when)
{
	if (ca == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_ca_release: bad arguments");
	return change_status(ca, serial, 1, TAMGA_REASON_UNSPECIFIED, when, 0);
}

/* ------------------------------------------------------------ list */

struct foreach_ctx {
	tamga_ca_foreach_cb cb;
	void *payload;
};

static int each_entry(const struct tamga__cadb_cert *row, void *payload)
{
	struct foreach_ctx *ctx = payload;
	tamga_ca_entry e;

	e.serial = row->serial;
	e.role = row->role;
	e.subject = row->subject;
	e.status = row->status;
	e.sha256 = row->sha256;
	e.not_before = row->not_before;
	e.not_after = row->not_after;
	e.revoked_at = row->revoked_at;
	e.reason = (tamga_reason)row->reason;
	return ctx->cb(&e, ctx->payload);
}

int tamga_ca_foreach(tamga_ca *ca, tamga_ca_foreach_cb cb, void *payload)
{
	struct foreach_ctx ctx = { cb, payload };

	if (ca == NULL || cb == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_ca_foreach: bad arguments");
	return tamga__cadb_foreach_cert(ca->db, NULL, NULL, each_entry, &ctx);
}
