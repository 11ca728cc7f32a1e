/*
 * formats/cms/verify.c - integrity of a CMS signature container: RFC 5652
 * §5.4 and §5.6 (message digest, signature value), RFC 5035 / RFC 2634
 * §5.4 (ESS signing-certificate(-v2)), RFC 3161 §2.4.2 and Appendix A
 * (time-stamp tokens, signature time-stamps), ETSI EN 319 122-1 (CAdES)
 * and ISO 32000-1 §12.8.3.3 (adbe.pkcs7.detached / .sha1), Adobe's
 * adbe-revocationInfoArchival.
 *
 *   ContentInfo { id-signedData, [0] SignedData {
 *     version, digestAlgorithms,
 *     encapContentInfo { eContentType, [0] eContent OPTIONAL },
 *         -- detached: absent; adbe.pkcs7.sha1: id-data, SHA-1(covered);
 *         -- time-stamp token: id-ct-TSTInfo, TSTInfo DER
 *     certificates [0] OPTIONAL, crls [1] OPTIONAL,
 *     signerInfos SET { SignerInfo {           -- exactly one
 *       version, sid,                          -- issuerAndSerialNumber or [0] SKI
 *       digestAlgorithm H,
 *       signedAttrs [0] {                      -- signed as SET (tag 0x31)
 *         contentType, messageDigest H(content),
 *         signingCertificate(V2)?, signingTime?, adbe-revocationInfoArchival? },
 *       signatureAlgorithm, signature,
 *       unsignedAttrs [1] { signatureTimeStampToken* } } } } }
 *
 * The same check (parse, then verify) runs for the container and for each
 * time-stamp token in it; a token's verdict is its own.  The signature is
 * verified over the signedAttrs bytes as found in the container (tag
 * changed to SET), not over OpenSSL's re-encoding: what was signed is what
 * is checked, and a re-encoding cannot make a non-DER SET verify.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/cms/cms_verify.h"
#include "formats/cms/der.h"
#include "pki/pki.h"

#define MAX_CONTAINER (16u * 1024u * 1024u)
#define MAX_CERTS 256
#define MAX_CRLS 256
#define MAX_OCSPS 256
#define MAX_TIMESTAMPS 16
#define MAX_DEPTH 48

#define OID_ADBE_REVOCATION "1.2.840.113583.1.1.8"

/* Internal return value: a verdict was reached, stop checking. */
#define STOP 1

/* ------------------------------------------------------------ algorithms */

struct md_info {
	int nid;
	const char *name;
	const EVP_MD *(*md)(void);
};

static const struct md_info md_table[] = {
	{ NID_md5, "md5", EVP_md5 },
	{ NID_sha1, "sha1", EVP_sha1 },
	{ NID_sha224, "sha224", EVP_sha224 },
	{ NID_sha256, "sha256", EVP_sha256 },
	{ NID_sha384, "sha384", EVP_sha384 },
	{ NID_sha512, "sha512", EVP_sha512 },
};

static const struct md_info *md_by_nid(int nid)
{
	size_t i;

	for (i = 0; i < sizeof(md_table) / sizeof(md_table[0]); i++)
		if (md_table[i].nid == nid)
			return &md_table[i];
	return NULL;
}

static const struct md_info *md_by_alg(const X509_ALGOR *alg)
{
	const ASN1_OBJECT *oid = NULL;

	if (alg == NULL)
		return NULL;
	X509_ALGOR_get0(&oid, NULL, NULL, alg);
	return oid == NULL ? NULL : md_by_nid(OBJ_obj2nid(oid));
}

static void oid_text(char *buf, size_t size, const X509_ALGOR *alg)
{
	const ASN1_OBJECT *oid = NULL;

	buf[0] = '\0';
	if (alg != NULL)
		X509_ALGOR_get0(&oid, NULL, NULL, alg);
	if (oid == NULL || OBJ_obj2txt(buf, (int)size, oid, 1) <= 0)
		snprintf(buf, size, "?");
}

/* Signature algorithms: which key, which hash it names (NID_undef: any, the
 * digestAlgorithm's), and the name tamga reports. */
struct sig_info {
	int nid;
	const char *key;       /* EVP_PKEY_is_a name */
	int md_nid;
	const char *name;
};

static const struct sig_info sig_table[] = {
	{ NID_rsaEncryption, "RSA", NID_undef, "rsa-pkcs1" },
	{ NID_md5WithRSAEncryption, "RSA", NID_md5, "rsa-pkcs1" },
	{ NID_sha1WithRSAEncryption, "RSA", NID_sha1, "rsa-pkcs1" },
	{ NID_sha224WithRSAEncryption, "RSA", NID_sha224, "rsa-pkcs1" },
	{ NID_sha256WithRSAEncryption, "RSA", NID_sha256, "rsa-pkcs1" },
	{ NID_sha384WithRSAEncryption, "RSA", NID_sha384, "rsa-pkcs1" },
	{ NID_sha512WithRSAEncryption, "RSA", NID_sha512, "rsa-pkcs1" },
	{ NID_rsassaPss, "RSA", NID_undef, "rsa-pss" },
	{ NID_X9_62_id_ecPublicKey, "EC", NID_undef, "ecdsa" },
	{ NID_ecdsa_with_SHA1, "EC", NID_sha1, "ecdsa" },
	{ NID_ecdsa_with_SHA224, "EC", NID_sha224, "ecdsa" },
	{ NID_ecdsa_with_SHA256, "EC", NID_sha256, "ecdsa" },
	{ NID_ecdsa_with_SHA384, "EC", NID_sha384, "ecdsa" },
	{ NID_ecdsa_with_SHA512, "EC", NID_sha512, "ecdsa" },
	{ NID_ED25519, "ED25519", NID_sha512, "ed25519" },
};

static const struct sig_info *sig_by_nid(int nid)
{
	size_t i;

	for (i = 0; i < sizeof(sig_table) / sizeof(sig_table[0]); i++)
		if (sig_table[i].nid == nid)
			return &sig_table[i];
	return NULL;
}

/* ------------------------------------------------------------ results */

static const char *const status_names[] = {
	"OK", "FORMAT_FAILURE", "HASH_FAILURE", "SIG_CRYPTO_FAILURE", "NO_SIGNING_CERTIFICATE_FOUND",
	"SIG_CONSTRAINTS_FAILURE", "CRYPTO_CONSTRAINTS_FAILURE",
};

const char *tamga__cms_status_name(tamga__cms_status status)
{
	if ((unsigned)status < sizeof(status_names) / sizeof(status_names[0]))
		return status_names[status];
	return "?";
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list aq;
	char *s;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

/* Where a check's verdict goes: the result's or a time-stamp's. */
struct verdict {
	tamga__cms_status *status;
	char **message;
};

/* Record a failure (the first one wins): STOP, or TAMGA_ENOMEM. */
static int fail(const struct verdict *v, tamga__cms_status status, const char *fmt, ...) TAMGA__PRINTF(3, 4);
static int fail(const struct verdict *v, tamga__cms_status status, const char *fmt, ...)
{
	va_list ap;

	if (*v->status != TAMGA__CMS_OK)
		return STOP;
	va_start(ap, fmt);
	*v->message = vformat(fmt, ap);
	va_end(ap);
	if (*v->message == NULL)
		return tamga__error_oom();
	*v->status = status;
	ERR_clear_error();
	return STOP;
}

static int warn(struct tamga__cms_result *r, const char *fmt, ...) TAMGA__PRINTF(2, 3);
static int warn(struct tamga__cms_result *r, const char *fmt, ...)
{
	char **w;
	char *s;
	va_list ap;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (s == NULL || (w = realloc(r->warnings, (r->warning_count + 1) * sizeof(*w))) == NULL) {
		free(s);
		return tamga__error_oom();
	}
	w[r->warning_count++] = s;
	r->warnings = w;
	return 0;
}

static void hex_short(char *out, size_t size, const unsigned char *p, size_t len)
{
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; i < len && n + 3 < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%02x", p[i]);
}

/* ------------------------------------------------------------ content */

/* Bytes to hash: ranges of data, in order. */
struct content {
	const unsigned char *data;
	const struct tamga__range *ranges;
	size_t count;
};

static int content_hash(unsigned char *out, unsigned int *out_len, const EVP_MD *md, const struct content *c)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t i;
	int ok;

	if (ctx == NULL)
		return tamga__error_oom();
	ok = EVP_DigestInit_ex(ctx, md, NULL) == 1;
	for (i = 0; ok && i < c->count; i++)
		if (c->ranges[i].len > 0)
			ok = EVP_DigestUpdate(ctx, c->data + c->ranges[i].offset, c->ranges[i].len) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, out, out_len) == 1;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash with %s", EVP_MD_get0_name(md));
}

/* The content as one buffer (Ed25519 without signed attributes only). */
static int content_join(tamga_buf *out, const struct content *c)
{
	size_t i;
	int error = 0;

	for (i = 0; error == 0 && i < c->count; i++)
		if (c->ranges[i].len > 0)
			error = tamga__buf_append(out, c->data + c->ranges[i].offset, c->ranges[i].len);
	return error;
}

/* ------------------------------------------------------------ raw walk (BER tolerant) */

struct elem {
	int tag, cls, constructed;
	const unsigned char *start, *content; /* header, contents */
	size_t content_len, total;            /* total: header + contents (+ EOC) */
	int indefinite;
};

/* Parse the element at p (at most end): 0, or -1 when malformed. */
static int elem_read(struct elem *e, const unsigned char *p, const unsigned char *end, int depth)
{
	const unsigned char *q = p;
	long len = 0;
	int ret;
	struct elem child;

	if (depth > MAX_DEPTH || p >= end || end - p > LONG_MAX)
		return -1;
	memset(e, 0, sizeof(*e));
	ret = ASN1_get_object(&q, &len, &e->tag, &e->cls, (long)(end - p));
	if (ret & 0x80)
		return -1;
	e->start = p;
	e->content = q;
	e->constructed = (ret & V_ASN1_CONSTRUCTED) != 0;
	e->indefinite = (ret & 0x01) != 0;
	if (!e->indefinite) {
		e->content_len = (size_t)len;
		e->total = (size_t)(q - p) + (size_t)len;
		return 0;
	}
	/* Indefinite length: children up to the end-of-contents octets. */
	while (!(end - q >= 2 && q[0] == 0 && q[1] == 0)) {
		if (elem_read(&child, q, end, depth + 1) < 0)
			return -1;
		q += child.total;
	}
	e->content_len = (size_t)(q - e->content);
	e->total = (size_t)(q + 2 - p);
	return 0;
}

/* Children of a constructed element. */
struct walk {
	const unsigned char *p, *end;
	int depth;
};

static int walk_in(struct walk *w, const struct elem *e, int depth)
{
	if (!e->constructed)
		return -1;
	w->p = e->content;
	w->end = e->content + e->content_len;
	w->depth = depth + 1;
	return 0;
}

static int walk_next(struct walk *w, struct elem *e)
{
	if (w->p >= w->end || elem_read(e, w->p, w->end, w->depth) < 0)
		return -1;
	w->p += e->total;
	return 0;
}

/*
 * The signedAttrs of the (first) SignerInfo, as found in der: *attrs NULL
 * when absent.  -1 when the structure cannot be walked.
 */
static int find_signed_attrs(const unsigned char *der, size_t len, const unsigned char **attrs,
                             size_t *attrs_len)
{
	struct elem e;
	struct walk w;
	int depth = 0;

	*attrs = NULL;
	*attrs_len = 0;
	if (elem_read(&e, der, der + len, depth) < 0 || walk_in(&w, &e, depth++) < 0 ||  /* ContentInfo */
	    walk_next(&w, &e) < 0 ||                                                    /* contentType */
	    walk_next(&w, &e) < 0 || walk_in(&w, &e, depth++) < 0 ||                    /* [0] */
	    walk_next(&w, &e) < 0 || walk_in(&w, &e, depth++) < 0 ||                    /* SignedData */
	    walk_next(&w, &e) < 0 || walk_next(&w, &e) < 0 || walk_next(&w, &e) < 0)    /* version, algs, encap */
		return -1;
	do {                                                                             /* certificates, crls */
		if (walk_next(&w, &e) < 0)
			return -1;
	} while (e.cls == V_ASN1_CONTEXT_SPECIFIC);
	if (e.tag != V_ASN1_SET || walk_in(&w, &e, depth++) < 0 ||                      /* signerInfos */
	    walk_next(&w, &e) < 0 || walk_in(&w, &e, depth++) < 0 ||                    /* SignerInfo */
	    walk_next(&w, &e) < 0 || walk_next(&w, &e) < 0 || walk_next(&w, &e) < 0)    /* version, sid, digestAlg */
		return -1;
	if (walk_next(&w, &e) < 0)
		return -1;
	if (e.cls == V_ASN1_CONTEXT_SPECIFIC && e.tag == 0) {
		*attrs = e.start;
		*attrs_len = e.total;
	}
	return 0;
}

/* ------------------------------------------------------------ strict DER reading */

struct rd {
	const unsigned char *p, *end;
};

/* The next element: its tag, its contents (*in_out), the whole element. */
static int rd_next(struct rd *in, unsigned char *tag, struct rd *inner, const unsigned char **whole, size_t *len)
{
	size_t hdr, total;

	if (in->p >= in->end || tamga__der_read(in->p, (size_t)(in->end - in->p), &hdr, &total) < 0)
		return -1;
	*tag = in->p[0];
	if (inner != NULL) {
		inner->p = in->p + hdr;
		inner->end = in->p + total;
	}
	if (whole != NULL) {
		*whole = in->p;
		*len = total;
	}
	in->p += total;
	return 0;
}

static int rd_peek(const struct rd *in)
{
	return in->p < in->end ? in->p[0] : -1;
}

/* ------------------------------------------------------------ attributes */

/*
 * The single value of the signed attribute nid in *out (NULL when absent):
 * 0, or STOP with FORMAT_FAILURE (repeated, not one value, wrong type).
 */
static int signed_attr(const struct verdict *v, CMS_SignerInfo *si, int nid, int type, ASN1_TYPE **out)
{
	int loc = CMS_signed_get_attr_by_NID(si, nid, -1);
	X509_ATTRIBUTE *a;

	*out = NULL;
	if (loc < 0)
		return 0;
	if (CMS_signed_get_attr_by_NID(si, nid, loc) >= 0)
		return fail(v, TAMGA__CMS_FORMAT_FAILURE, "the %s signed attribute occurs twice", OBJ_nid2ln(nid));
	a = CMS_signed_get_attr(si, loc);
	if (X509_ATTRIBUTE_count(a) != 1)
		return fail(v, TAMGA__CMS_FORMAT_FAILURE, "the %s signed attribute has %d values, not one",
		            OBJ_nid2ln(nid), X509_ATTRIBUTE_count(a));
	*out = X509_ATTRIBUTE_get0_type(a, 0);
	if (*out == NULL || (type >= 0 && ASN1_TYPE_get(*out) != type)) {
		*out = NULL;
		return fail(v, TAMGA__CMS_FORMAT_FAILURE, "the %s signed attribute's value has the wrong type",
		            OBJ_nid2ln(nid));
	}
	return 0;
}

/* ------------------------------------------------------------ one SignedData */

struct sd {
	/* in */
	struct tamga__cms_result *r;   /* for warnings */
	const char *who;               /* "signature" or "time-stamp N" */
	const STACK_OF(X509) *extra;
	struct verdict v;
	/* out */
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	STACK_OF(X509) *certs;         /* never NULL after sd_parse */
	X509 *signer;                  /* a reference */
	const struct md_info *md;
	const char *sigalg;
	int key_bits;
	int has_signed_attrs, has_signing_cert;
};

static void sd_dispose(struct sd *s)
{
	CMS_ContentInfo_free(s->cms);
	sk_X509_pop_free(s->certs, X509_free);
	X509_free(s->signer);
}

static int sd_parse(struct sd *s, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	STACK_OF(CMS_SignerInfo) *infos;
	int n;

	ERR_clear_error();
	if (len > MAX_CONTAINER)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s container has %zu bytes, more than the %u "
		            "allowed", s->who, len, MAX_CONTAINER);
	if (len == 0 || (s->cms = d2i_CMS_ContentInfo(NULL, &p, (long)len)) == NULL)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s container is not a CMS ContentInfo", s->who);
	if (p != der + len)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "%zu bytes follow the %s's CMS ContentInfo",
		            (size_t)(der + len - p), s->who);
	if (OBJ_obj2nid(CMS_get0_type(s->cms)) != NID_pkcs7_signed)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s container is not a CMS SignedData", s->who);
	infos = CMS_get0_SignerInfos(s->cms);
	if ((n = sk_CMS_SignerInfo_num(infos)) != 1)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's SignedData has %d SignerInfos, not one",
		            s->who, n < 0 ? 0 : n);
	s->si = sk_CMS_SignerInfo_value(infos, 0);
	s->certs = CMS_get1_certs(s->cms);
	if (s->certs == NULL && (s->certs = sk_X509_new_null()) == NULL)
		return tamga__error_oom();
	if (sk_X509_num(s->certs) > MAX_CERTS)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's SignedData has %d certificates, more than "
		            "the %d allowed", s->who, sk_X509_num(s->certs), MAX_CERTS);
	return 0;
}

static int find_signer(struct sd *s)
{
	ASN1_OCTET_STRING *keyid = NULL;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *serial = NULL;
	const STACK_OF(X509) *where[2] = { s->certs, s->extra };
	char *name, *hex;
	int i, j, error;

	for (i = 0; i < 2; i++) {
		for (j = 0; where[i] != NULL && j < sk_X509_num(where[i]); j++) {
			X509 *x = sk_X509_value(where[i], j);

			if (CMS_SignerInfo_cert_cmp(s->si, x) == 0) {
				if (!X509_up_ref(x))
					return tamga__error_oom();
				s->signer = x;
				return 0;
			}
		}
	}
	if (CMS_SignerInfo_get0_signer_id(s->si, &keyid, &issuer, &serial) != 1)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's signer identifier is unreadable", s->who);
	if (keyid != NULL) {
		char buf[2 * 32 + 1];

		hex_short(buf, sizeof(buf), ASN1_STRING_get0_data(keyid), (size_t)ASN1_STRING_length(keyid));
		return fail(&s->v, TAMGA__CMS_NO_SIGNING_CERTIFICATE_FOUND, "the %s's signer certificate "
		            "(subjectKeyIdentifier %s) is not in the container nor among the extra certificates",
		            s->who, buf);
	}
	name = tamga__name_string(issuer);
	hex = tamga__serial_hex(serial);
	error = fail(&s->v, TAMGA__CMS_NO_SIGNING_CERTIFICATE_FOUND, "the %s's signer certificate (issuer %s, "
	             "serial %s) is not in the container nor among the extra certificates", s->who,
	             name ? name : "?", hex ? hex : "?");
	free(name);
	free(hex);
	return error;
}

/* RSASSA-PSS-params (RFC 4055 §3.1), for checking and for verifying. */
struct pss {
	const struct md_info *md, *mgf1_md;
	long salt;
};

static int pss_params(struct sd *s, const X509_ALGOR *alg, struct pss *out)
{
	const void *pval = NULL;
	const ASN1_STRING *seq;
	const unsigned char *p;
	RSA_PSS_PARAMS *pp = NULL;
	X509_ALGOR *mgf_md = NULL;
	int ptype = V_ASN1_UNDEF, error = 0;

	out->md = out->mgf1_md = md_by_nid(NID_sha1);
	out->salt = 20;
	X509_ALGOR_get0(NULL, &ptype, &pval, alg);
	if (ptype != V_ASN1_SEQUENCE)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's RSASSA-PSS parameters are missing", s->who);
	seq = pval;
	p = ASN1_STRING_get0_data(seq);
	if ((pp = d2i_RSA_PSS_PARAMS(NULL, &p, ASN1_STRING_length(seq))) == NULL) {
		error = fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's RSASSA-PSS parameters are malformed", s->who);
		goto done;
	}
	if (pp->hashAlgorithm != NULL && (out->md = md_by_alg(pp->hashAlgorithm)) == NULL) {
		error = fail(&s->v, TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE, "the %s's RSASSA-PSS hash is not supported",
		             s->who);
		goto done;
	}
	out->mgf1_md = out->md == NULL ? md_by_nid(NID_sha1) : out->md;
	if (pp->maskGenAlgorithm != NULL) {
		const void *mval = NULL;
		const ASN1_OBJECT *moid = NULL;
		int mtype = V_ASN1_UNDEF;

		X509_ALGOR_get0(&moid, &mtype, &mval, pp->maskGenAlgorithm);
		if (OBJ_obj2nid(moid) != NID_mgf1 || mtype != V_ASN1_SEQUENCE ||
		    (p = ASN1_STRING_get0_data(mval),
		     (mgf_md = d2i_X509_ALGOR(NULL, &p, ASN1_STRING_length(mval))) == NULL) ||
		    (out->mgf1_md = md_by_alg(mgf_md)) == NULL) {
			error = fail(&s->v, TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE, "the %s's RSASSA-PSS mask "
			             "generation function is not MGF1 with a supported hash", s->who);
			goto done;
		}
	} else {
		out->mgf1_md = md_by_nid(NID_sha1);
	}
	if (pp->saltLength != NULL) {
		out->salt = ASN1_INTEGER_get(pp->saltLength);
		if (out->salt < 0 || out->salt > 1024) {
			error = fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's RSASSA-PSS salt length is invalid",
			             s->who);
			goto done;
		}
	}
	if (pp->trailerField != NULL && ASN1_INTEGER_get(pp->trailerField) != 1)
		error = fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's RSASSA-PSS trailer field is not 1", s->who);
done:
	X509_ALGOR_free(mgf_md);
	RSA_PSS_PARAMS_free(pp);
	return error;
}

/*
 * digestAlgorithm, signatureAlgorithm and the key agree (RFC 5652 §10.1,
 * RFC 4055, RFC 5758, RFC 8419); MD5 anywhere is refused, SHA-1 noted.
 */
static int check_algorithms(struct sd *s, struct pss *pss)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	const struct sig_info *si_info;
	const ASN1_OBJECT *oid = NULL;
	EVP_PKEY *key = X509_get0_pubkey(s->signer);
	char dtext[80], stext[80];
	int error, md_nid;

	CMS_SignerInfo_get0_algs(s->si, NULL, NULL, &dig, &sig);
	oid_text(dtext, sizeof(dtext), dig);
	oid_text(stext, sizeof(stext), sig);
	if ((s->md = md_by_alg(dig)) == NULL)
		return fail(&s->v, TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE, "the %s's digest algorithm %s is not "
		            "supported", s->who, dtext);
	if (s->md->nid == NID_md5)
		return fail(&s->v, TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE, "the %s's digest algorithm is MD5",
		            s->who);
	if (sig != NULL)
		X509_ALGOR_get0(&oid, NULL, NULL, sig);
	if ((si_info = sig_by_nid(OBJ_obj2nid(oid))) == NULL)
		return fail(&s->v, TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE, "the %s's signature algorithm %s is not "
		            "supported", s->who, stext);
	s->sigalg = si_info->name;
	if (key == NULL)
		return fail(&s->v, TAMGA__CMS_SIG_CONSTRAINTS_FAILURE, "the %s's signer certificate has an "
		            "unreadable public key", s->who);
	s->key_bits = EVP_PKEY_get_bits(key);
	if (!EVP_PKEY_is_a(key, si_info->key) && !(si_info->nid == NID_rsassaPss && EVP_PKEY_is_a(key, "RSA-PSS")))
		return fail(&s->v, TAMGA__CMS_SIG_CONSTRAINTS_FAILURE, "the %s's signature algorithm %s does not "
		            "fit the signer's %s key", s->who, stext, EVP_PKEY_get0_type_name(key));
	if (EVP_PKEY_is_a(key, "RSA-PSS") && si_info->nid != NID_rsassaPss)
		return fail(&s->v, TAMGA__CMS_SIG_CONSTRAINTS_FAILURE, "the %s's signer key is restricted to "
		            "RSASSA-PSS but the signature algorithm is %s", s->who, stext);
	md_nid = si_info->md_nid;
	if (si_info->nid == NID_rsassaPss) {
		if ((error = pss_params(s, sig, pss)) != 0)
			return error;
		if (pss->md->nid == NID_md5 || pss->mgf1_md->nid == NID_md5)
			return fail(&s->v, TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE, "the %s's RSASSA-PSS parameters "
			            "name MD5", s->who);
		md_nid = pss->md->nid;
	}
	if (md_nid == NID_md5)
		return fail(&s->v, TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE, "the %s's signature algorithm is %s (MD5)",
		            s->who, stext);
	if (md_nid != NID_undef && md_nid != s->md->nid)
		return fail(&s->v, TAMGA__CMS_SIG_CONSTRAINTS_FAILURE, "the %s's signature algorithm %s names "
		            "another hash than its digest algorithm %s", s->who, stext, s->md->name);
	if (s->md->nid == NID_sha1 || md_nid == NID_sha1 ||
	    (si_info->nid == NID_rsassaPss && pss->mgf1_md->nid == NID_sha1))
		return warn(s->r, "SHA-1 in the %s (digest %s, signature algorithm %s)", s->who, s->md->name, stext);
	return 0;
}

/* Verify the signature value over tbs (one buffer) or over content. */
static int verify_value(struct sd *s, const struct pss *pss, const unsigned char *tbs, size_t tbs_len,
                        const struct content *c)
{
	EVP_PKEY *key = X509_get0_pubkey(s->signer);
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(s->si);
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	tamga_buf joined = TAMGA_BUF_INIT;
	int eddsa = EVP_PKEY_is_a(key, "ED25519"), ok, error = 0;
	size_t i;

	if (mctx == NULL)
		return tamga__error_oom();
	ERR_clear_error();
	ok = EVP_DigestVerifyInit(mctx, &pctx, eddsa ? NULL : s->md->md(), NULL, key) == 1;
	if (ok && strcmp(s->sigalg, "rsa-pss") == 0)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
		     EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, pss->mgf1_md->md()) == 1 &&
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, (int)pss->salt) == 1;
	else if (ok && strcmp(s->sigalg, "rsa-pkcs1") == 0)
		ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1;
	if (!ok) {
		error = fail(&s->v, TAMGA__CMS_SIG_CRYPTO_FAILURE, "the %s's signature cannot be checked with the "
		             "signer's key", s->who);
		goto done;
	}
	if (tbs == NULL && eddsa) {
		if ((error = content_join(&joined, c)) < 0)
			goto done;
		tbs = joined.ptr;
		tbs_len = joined.size;
	}
	if (tbs != NULL) {
		ok = EVP_DigestVerify(mctx, sig->data, (size_t)sig->length, tbs, tbs_len) == 1;
	} else {
		for (i = 0; ok && i < c->count; i++)
			if (c->ranges[i].len > 0)
				ok = EVP_DigestVerifyUpdate(mctx, c->data + c->ranges[i].offset, c->ranges[i].len) == 1;
		ok = ok && EVP_DigestVerifyFinal(mctx, sig->data, (size_t)sig->length) == 1;
	}
	if (!ok)
		error = fail(&s->v, TAMGA__CMS_SIG_CRYPTO_FAILURE, "the %s's signature value does not verify with "
		             "the signer certificate's key (%s %d bits)", s->who, EVP_PKEY_get0_type_name(key),
		             s->key_bits);
done:
	tamga_buf_dispose(&joined);
	EVP_MD_CTX_free(mctx);
	ERR_clear_error();
	return error;
}

/* Does the GeneralNames + serial of an IssuerSerial name the signer's issuer and serial? */
static int issuer_serial_match(X509 *x, struct rd *is)
{
	struct rd names, dummy;
	const unsigned char *gn_der = NULL, *int_der = NULL, *q;
	size_t gn_len = 0, int_len = 0;
	unsigned char tag;
	GENERAL_NAMES *gns = NULL;
	ASN1_INTEGER *serial = NULL;
	int i, match = 0;

	if (rd_next(is, &tag, &names, &gn_der, &gn_len) < 0 || tag != 0x30 ||
	    rd_next(is, &tag, &dummy, &int_der, &int_len) < 0 || tag != 0x02 || is->p != is->end)
		return -1;
	q = gn_der;
	gns = d2i_GENERAL_NAMES(NULL, &q, (long)gn_len);
	q = int_der;
	serial = d2i_ASN1_INTEGER(NULL, &q, (long)int_len);
	if (gns == NULL || serial == NULL) {
		match = -1;
		goto done;
	}
	if (ASN1_INTEGER_cmp(serial, X509_get0_serialNumber(x)) != 0)
		goto done;
	for (i = 0; i < sk_GENERAL_NAME_num(gns); i++) {
		GENERAL_NAME *gn = sk_GENERAL_NAME_value(gns, i);

		if (gn->type == GEN_DIRNAME && X509_NAME_cmp(gn->d.dirn, X509_get_issuer_name(x)) == 0)
			match = 1;
	}
done:
	GENERAL_NAMES_free(gns);
	ASN1_INTEGER_free(serial);
	return match;
}

/*
 * ESS signing-certificate-v2 (RFC 5035) or v1 (RFC 2634 §5.4): the first
 * ESSCertID binds the signer certificate into what is signed, so another
 * certificate for the same key cannot be substituted.
 */
static int check_signing_cert(struct sd *s)
{
	ASN1_TYPE *v2 = NULL, *v1 = NULL, *t;
	const unsigned char *alg_der = NULL, *p;
	size_t alg_len = 0;
	struct rd in, outer, certs, id, hash, is;
	unsigned char tag, want[EVP_MAX_MD_SIZE], *cder = NULL;
	unsigned int want_len = 0;
	const struct md_info *md;
	X509_ALGOR *alg = NULL;
	const char *attr;
	int error, clen, m;

	if ((error = signed_attr(&s->v, s->si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE, &v2)) != 0 ||
	    (error = signed_attr(&s->v, s->si, NID_id_smime_aa_signingCertificate, V_ASN1_SEQUENCE, &v1)) != 0)
		return error;
	if (v2 == NULL && v1 == NULL)
		return warn(s->r, "the %s has no signing-certificate(-v2) attribute: its signer certificate is not "
		            "bound into what is signed", s->who);
	t = v2 != NULL ? v2 : v1;
	attr = v2 != NULL ? "signing-certificate-v2" : "signing-certificate";
	md = md_by_nid(v2 != NULL ? NID_sha256 : NID_sha1);
	in.p = ASN1_STRING_get0_data(t->value.sequence);
	in.end = in.p + ASN1_STRING_length(t->value.sequence);
	if (rd_next(&in, &tag, &outer, NULL, NULL) < 0 || tag != 0x30 || in.p != in.end ||
	    rd_next(&outer, &tag, &certs, NULL, NULL) < 0 || tag != 0x30 ||
	    rd_next(&certs, &tag, &id, NULL, NULL) < 0 || tag != 0x30)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's %s attribute is malformed", s->who, attr);
	if (v2 != NULL && rd_peek(&id) == 0x30) {
		if (rd_next(&id, &tag, NULL, &alg_der, &alg_len) < 0 ||
		    (p = alg_der, (alg = d2i_X509_ALGOR(NULL, &p, (long)alg_len)) == NULL)) {
			error = fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's %s attribute is malformed", s->who, attr);
			goto done;
		}
		md = md_by_alg(alg);
		if (md == NULL || md->nid == NID_md5) {
			error = fail(&s->v, md ? TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE : TAMGA__CMS_SIG_CONSTRAINTS_FAILURE,
			             "the %s's %s attribute uses an unsupported hash (%s)", s->who, attr,
			             md ? "MD5" : "unknown");
			goto done;
		}
	}
	if (rd_next(&id, &tag, &hash, NULL, NULL) < 0 || tag != 0x04) {
		error = fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's %s attribute is malformed", s->who, attr);
		goto done;
	}
	if ((clen = i2d_X509(s->signer, &cder)) <= 0) {
		error = tamga__error_openssl(TAMGA_ENOMEM, "cannot encode the signer certificate");
		goto done;
	}
	if (!EVP_Digest(cder, (size_t)clen, want, &want_len, md->md(), NULL)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the signer certificate");
		goto done;
	}
	if ((size_t)(hash.end - hash.p) != want_len || CRYPTO_memcmp(hash.p, want, want_len) != 0) {
		char got[2 * EVP_MAX_MD_SIZE + 1], exp[2 * EVP_MAX_MD_SIZE + 1];

		hex_short(got, sizeof(got), hash.p, (size_t)(hash.end - hash.p));
		hex_short(exp, sizeof(exp), want, want_len);
		error = fail(&s->v, TAMGA__CMS_SIG_CONSTRAINTS_FAILURE, "the %s's %s attribute names another "
		             "certificate: certHash %s, but the %s of the signer certificate is %s", s->who, attr,
		             got, md->name, exp);
		goto done;
	}
	if (id.p != id.end) {
		if (rd_next(&id, &tag, &is, NULL, NULL) < 0 || tag != 0x30 || id.p != id.end ||
		    (m = issuer_serial_match(s->signer, &is)) < 0) {
			error = fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's %s attribute has a malformed "
			             "issuerSerial", s->who, attr);
			goto done;
		}
		if (m == 0) {
			error = fail(&s->v, TAMGA__CMS_SIG_CONSTRAINTS_FAILURE, "the %s's %s attribute's issuerSerial "
			             "does not name the signer certificate", s->who, attr);
			goto done;
		}
	}
	s->has_signing_cert = 1;
	if (md->nid == NID_sha1 && v2 != NULL)
		error = warn(s->r, "SHA-1 in the %s's signing-certificate-v2 attribute", s->who);
done:
	OPENSSL_free(cder);
	X509_ALGOR_free(alg);
	return error;
}

/*
 * The signer, its algorithms, the signed attributes against content
 * (contentType, messageDigest = H(content), signing certificate) and the
 * signature value.  der is the container as found (for the signedAttrs
 * bytes).
 */
static int sd_verify(struct sd *s, const unsigned char *der, size_t len, const struct content *c)
{
	const unsigned char *attrs = NULL;
	unsigned char *tbs = NULL, want[EVP_MAX_MD_SIZE];
	unsigned int want_len = 0;
	size_t attrs_len = 0;
	ASN1_TYPE *ct = NULL, *mdv = NULL;
	const ASN1_OCTET_STRING *got;
	struct pss pss;
	int error;

	memset(&pss, 0, sizeof(pss));
	if ((error = find_signer(s)) != 0 || (error = check_algorithms(s, &pss)) != 0)
		return error;
	if (find_signed_attrs(der, len, &attrs, &attrs_len) < 0)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's SignerInfo cannot be read", s->who);
	s->has_signed_attrs = attrs != NULL;
	if (attrs == NULL) {
		if (OBJ_obj2nid(CMS_get0_eContentType(s->cms)) != NID_pkcs7_data)
			return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s has no signed attributes although its "
			            "content is not id-data (RFC 5652 §5.3)", s->who);
		return verify_value(s, &pss, NULL, 0, c);
	}
	/* RFC 5652 §5.3: signed attributes are DER; a definite length at least. */
	if (attrs[0] != 0xa0 || tamga__der_read(attrs, attrs_len, &(size_t){ 0 }, &(size_t){ 0 }) < 0)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's signed attributes are not DER", s->who);
	if ((error = signed_attr(&s->v, s->si, NID_pkcs9_contentType, V_ASN1_OBJECT, &ct)) != 0)
		return error;
	if (ct == NULL)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s has no contentType signed attribute", s->who);
	if (OBJ_cmp(ct->value.object, CMS_get0_eContentType(s->cms)) != 0)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s's contentType attribute differs from its "
		            "eContentType", s->who);
	if ((error = signed_attr(&s->v, s->si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, &mdv)) != 0)
		return error;
	if (mdv == NULL)
		return fail(&s->v, TAMGA__CMS_FORMAT_FAILURE, "the %s has no messageDigest signed attribute", s->who);
	if ((error = content_hash(want, &want_len, s->md->md(), c)) < 0)
		return error;
	got = mdv->value.octet_string;
	if ((size_t)ASN1_STRING_length(got) != want_len ||
	    CRYPTO_memcmp(ASN1_STRING_get0_data(got), want, want_len) != 0) {
		char g[2 * EVP_MAX_MD_SIZE + 1], w[2 * EVP_MAX_MD_SIZE + 1];

		hex_short(g, sizeof(g), ASN1_STRING_get0_data(got), (size_t)ASN1_STRING_length(got));
		hex_short(w, sizeof(w), want, want_len);
		return fail(&s->v, TAMGA__CMS_HASH_FAILURE, "the %s's messageDigest %s differs from the %s of the "
		            "signed bytes %s", s->who, g, s->md->name, w);
	}
	if ((error = check_signing_cert(s)) != 0)
		return error;
	/* RFC 5652 §5.4: the signature is over the DER of SET OF, tag 0x31. */
	if ((tbs = malloc(attrs_len)) == NULL)
		return tamga__error_oom();
	memcpy(tbs, attrs, attrs_len);
	tbs[0] = 0x31;
	error = verify_value(s, &pss, tbs, attrs_len, NULL);
	free(tbs);
	return error;
}

/* ------------------------------------------------------------ time-stamp tokens */

/* The eContent of the SignedData as a content, or NULL when absent. */
static const ASN1_OCTET_STRING *econtent(CMS_ContentInfo *cms)
{
	ASN1_OCTET_STRING **pos = CMS_get0_content(cms);

	return pos == NULL ? NULL : *pos;
}

static void one_range(struct content *c, struct tamga__range *range, const ASN1_OCTET_STRING *os)
{
	range->offset = 0;
	range->len = (size_t)ASN1_STRING_length(os);
	c->data = ASN1_STRING_get0_data(os);
	c->ranges = range;
	c->count = 1;
}

static int tstinfo_fill(struct tamga__cms_timestamp *ts, const TS_TST_INFO *tst)
{
	char oid[128];
	const ASN1_OBJECT *policy = TS_TST_INFO_get_policy_id((TS_TST_INFO *)tst);
	const ASN1_INTEGER *serial = TS_TST_INFO_get_serial(tst);
	const ASN1_GENERALIZEDTIME *t = TS_TST_INFO_get_time(tst);

	if (t != NULL)
		ts->gen_time = tamga__asn1_time_get(t);
	if (policy != NULL && OBJ_obj2txt(oid, sizeof(oid), policy, 1) > 0 &&
	    (ts->policy = tamga__strdup(oid)) == NULL)
		return TAMGA_ENOMEM;
	if (serial != NULL && (ts->serial = tamga__serial_hex(serial)) == NULL)
		return TAMGA_ENOMEM;
	return 0;
}

/*
 * A TimeStampToken (RFC 3161 §2.4.2): a SignedData over a TSTInfo whose
 * messageImprint must be the hash of imprinted.  The verdict goes to ts.
 */
static int check_token(struct tamga__cms_result *r, struct tamga__cms_timestamp *ts, const char *who,
                       const unsigned char *der, size_t len, const struct content *imprinted,
                       const STACK_OF(X509) *extra, int is_document)
{
	struct sd s;
	const ASN1_OCTET_STRING *os;
	const unsigned char *p;
	struct content tst_content;
	struct tamga__range range;
	TS_TST_INFO *tst = NULL;
	TS_MSG_IMPRINT *mi;
	const ASN1_OCTET_STRING *hashed;
	const struct md_info *imd;
	unsigned char want[EVP_MAX_MD_SIZE];
	unsigned int want_len = 0;
	int error;

	memset(&s, 0, sizeof(s));
	s.r = r;
	s.who = who;
	s.extra = extra;
	s.v.status = &ts->status;
	s.v.message = &ts->message;
	if ((error = sd_parse(&s, der, len)) != 0)
		goto done;
	if (OBJ_obj2nid(CMS_get0_eContentType(s.cms)) != NID_id_smime_ct_TSTInfo ||
	    (os = econtent(s.cms)) == NULL) {
		error = fail(&s.v, TAMGA__CMS_FORMAT_FAILURE, "the %s is not a time-stamp token (no TSTInfo)", who);
		goto done;
	}
	p = ASN1_STRING_get0_data(os);
	if ((tst = d2i_TS_TST_INFO(NULL, &p, ASN1_STRING_length(os))) == NULL ||
	    p != ASN1_STRING_get0_data(os) + ASN1_STRING_length(os) || TS_TST_INFO_get_version(tst) != 1) {
		error = fail(&s.v, TAMGA__CMS_FORMAT_FAILURE, "the %s's TSTInfo is malformed", who);
		goto done;
	}
	if ((error = tstinfo_fill(ts, tst)) < 0)
		goto done;
	mi = TS_TST_INFO_get_msg_imprint(tst);
	imd = md_by_alg(TS_MSG_IMPRINT_get_algo(mi));
	ts->digest = imd != NULL ? imd->name : NULL;
	one_range(&tst_content, &range, os);
	if ((error = sd_verify(&s, der, len, &tst_content)) != 0)
		goto done;
	/* RFC 3161 §2.3: a TSA's certificate is for time-stamping only. */
	if ((X509_get_extension_flags(s.signer) & EXFLAG_INVALID) ||
	    !(X509_get_extension_flags(s.signer) & EXFLAG_XKUSAGE) ||
	    !(X509_get_extended_key_usage(s.signer) & XKU_TIMESTAMP)) {
		error = fail(&s.v, TAMGA__CMS_SIG_CONSTRAINTS_FAILURE, "the %s's signer certificate is not a "
		             "time-stamping certificate (no timeStamping extended key usage)", who);
		goto done;
	}
	if (imd == NULL || imd->nid == NID_md5) {
		error = fail(&s.v, TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE, "the %s's messageImprint uses %s", who,
		             imd ? "MD5" : "an unsupported hash");
		goto done;
	}
	if (imd->nid == NID_sha1 && (error = warn(r, "SHA-1 in the %s's messageImprint", who)) < 0)
		goto done;
	if ((error = content_hash(want, &want_len, imd->md(), imprinted)) < 0)
		goto done;
	hashed = TS_MSG_IMPRINT_get_msg(mi);
	if (hashed == NULL || (size_t)ASN1_STRING_length(hashed) != want_len ||
	    CRYPTO_memcmp(ASN1_STRING_get0_data(hashed), want, want_len) != 0) {
		char g[2 * EVP_MAX_MD_SIZE + 1], w[2 * EVP_MAX_MD_SIZE + 1];

		hex_short(g, sizeof(g), hashed ? ASN1_STRING_get0_data(hashed) : NULL,
		          hashed ? (size_t)ASN1_STRING_length(hashed) : 0);
		hex_short(w, sizeof(w), want, want_len);
		error = fail(&s.v, TAMGA__CMS_HASH_FAILURE, "the %s's messageImprint %s differs from the %s of the "
		             "time-stamped bytes %s", who, g, imd->name, w);
		goto done;
	}
done:
	if (is_document) {
		r->signature_alg = s.sigalg;
		r->key_bits = s.key_bits;
		r->has_signed_attributes = s.has_signed_attrs;
		r->has_signing_certificate = s.has_signing_cert;
	}
	if (error >= 0 && s.signer != NULL) {
		ts->tsa_cert = s.signer;
		s.signer = NULL;
	}
	if (error >= 0 && s.certs != NULL) {
		ts->certs = s.certs;
		s.certs = NULL;
	}
	TS_TST_INFO_free(tst);
	sd_dispose(&s);
	return error < 0 ? error : 0;
}

static int timestamp_add(struct tamga__cms_result *r, struct tamga__cms_timestamp **out)
{
	struct tamga__cms_timestamp *t;

	if ((t = realloc(r->timestamps, (r->timestamp_count + 1) * sizeof(*t))) == NULL)
		return tamga__error_oom();
	r->timestamps = t;
	*out = &t[r->timestamp_count++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* Unsigned id-aa-signatureTimeStampToken values: imprint = H(signature value). */
static int signature_timestamps(struct tamga__cms_result *r, const struct verdict *v, CMS_SignerInfo *si,
                                const STACK_OF(X509) *extra)
{
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	struct tamga__range range;
	struct content c;
	struct tamga__cms_timestamp *ts;
	char who[32];
	int loc = -1, i, error;

	one_range(&c, &range, sig);
	while ((loc = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, loc)) >= 0) {
		X509_ATTRIBUTE *a = CMS_unsigned_get_attr(si, loc);

		for (i = 0; i < X509_ATTRIBUTE_count(a); i++) {
			ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(a, i);

			if (r->timestamp_count >= MAX_TIMESTAMPS)
				return fail(v, TAMGA__CMS_FORMAT_FAILURE, "the signature has more than %d time-stamps",
				            MAX_TIMESTAMPS);
			if ((error = timestamp_add(r, &ts)) < 0)
				return error;
			snprintf(who, sizeof(who), "time-stamp %zu", r->timestamp_count);
			if (t == NULL || ASN1_TYPE_get(t) != V_ASN1_SEQUENCE) {
				if (fail(&(struct verdict){ &ts->status, &ts->message }, TAMGA__CMS_FORMAT_FAILURE,
				         "the %s is not a SEQUENCE", who) < 0)
					return TAMGA_ENOMEM;
				continue;
			}
			if ((error = check_token(r, ts, who, ASN1_STRING_get0_data(t->value.sequence),
			                         (size_t)ASN1_STRING_length(t->value.sequence), &c, extra, 0)) < 0)
				return error;
		}
	}
	return 0;
}

/* ------------------------------------------------------------ revocation material */

static int add_crl_der(struct tamga__cms_result *r, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509_CRL *crl;

	if (r->crls == NULL && (r->crls = sk_X509_CRL_new_null()) == NULL)
		return tamga__error_oom();
	if (sk_X509_CRL_num(r->crls) >= MAX_CRLS)
		return STOP;
	if ((crl = d2i_X509_CRL(NULL, &p, (long)len)) == NULL || p != der + len) {
		X509_CRL_free(crl);
		return STOP;
	}
	if (!sk_X509_CRL_push(r->crls, crl)) {
		X509_CRL_free(crl);
		return tamga__error_oom();
	}
	return 0;
}

static int add_ocsp_der(struct tamga__cms_result *r, const unsigned char *der, size_t len)
{
	struct tamga__blob *b;

	if (r->ocsp_count >= MAX_OCSPS)
		return STOP;
	if ((b = realloc(r->ocsps, (r->ocsp_count + 1) * sizeof(*b))) == NULL)
		return tamga__error_oom();
	r->ocsps = b;
	if ((b[r->ocsp_count].data = malloc(len)) == NULL)
		return tamga__error_oom();
	memcpy(b[r->ocsp_count].data, der, len);
	b[r->ocsp_count++].len = len;
	return 0;
}

/*
 * adbe-revocationInfoArchival ::= SEQUENCE {
 *   crl [0] EXPLICIT SEQUENCE OF CertificateList OPTIONAL,
 *   ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse OPTIONAL,
 *   otherRevInfo [2] EXPLICIT SEQUENCE OF OtherRevInfo OPTIONAL }
 * Malformed: a warning (the material is only a help to the verifier).
 */
static int adbe_revocation(struct tamga__cms_result *r, CMS_SignerInfo *si)
{
	ASN1_OBJECT *oid = OBJ_txt2obj(OID_ADBE_REVOCATION, 1);
	const char *why = NULL;
	X509_ATTRIBUTE *a;
	ASN1_TYPE *t;
	struct rd in, seq, field, list;
	const unsigned char *whole;
	size_t whole_len;
	unsigned char tag, itag;
	int loc, error = 0;

	if (oid == NULL)
		return tamga__error_oom();
	loc = CMS_signed_get_attr_by_OBJ(si, oid, -1);
	ASN1_OBJECT_free(oid);
	if (loc < 0)
		return 0;
	a = CMS_signed_get_attr(si, loc);
	t = X509_ATTRIBUTE_count(a) == 1 ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;
	if (t == NULL || ASN1_TYPE_get(t) != V_ASN1_SEQUENCE) {
		why = "not one SEQUENCE";
		goto done;
	}
	in.p = ASN1_STRING_get0_data(t->value.sequence);
	in.end = in.p + ASN1_STRING_length(t->value.sequence);
	if (rd_next(&in, &tag, &seq, NULL, NULL) < 0 || tag != 0x30) {
		why = "not a SEQUENCE";
		goto done;
	}
	while (seq.p < seq.end) {
		if (rd_next(&seq, &tag, &field, NULL, NULL) < 0 || (tag != 0xa0 && tag != 0xa1 && tag != 0xa2) ||
		    rd_next(&field, &itag, &list, NULL, NULL) < 0 || itag != 0x30 || field.p != field.end) {
			why = "an element is malformed";
			goto done;
		}
		if (tag == 0xa2)
			continue;
		while (list.p < list.end) {
			if (rd_next(&list, &itag, NULL, &whole, &whole_len) < 0 || itag != 0x30) {
				why = tag == 0xa0 ? "a CRL is malformed" : "an OCSP response is malformed";
				goto done;
			}
			error = tag == 0xa0 ? add_crl_der(r, whole, whole_len) : add_ocsp_der(r, whole, whole_len);
			if (error < 0)
				return error;
			if (error == STOP) {
				why = tag == 0xa0 ? "a CRL is malformed or there are too many"
				                  : "there are too many OCSP responses";
				goto done;
			}
		}
	}
done:
	if (why != NULL)
		return warn(r, "the adbe-revocationInfoArchival attribute is malformed (%s); ignored from there", why);
	return 0;
}

static int signing_time(struct tamga__cms_result *r, const struct verdict *v, CMS_SignerInfo *si)
{
	ASN1_TYPE *t = NULL;
	int error = signed_attr(v, si, NID_pkcs9_signingTime, -1, &t);

	if (error != 0 || t == NULL)
		return error;
	if (ASN1_TYPE_get(t) != V_ASN1_UTCTIME && ASN1_TYPE_get(t) != V_ASN1_GENERALIZEDTIME)
		return fail(v, TAMGA__CMS_FORMAT_FAILURE, "the signingTime attribute is not a time");
	/* UTCTime and GeneralizedTime both are ASN1_STRINGs, i.e. ASN1_TIMEs. */
	r->signing_time = tamga__asn1_time_get((const ASN1_TIME *)t->value.asn1_string);
	return warn(r, "signingTime attribute present (a claimed time only; PAdES baseline signatures must not "
	            "carry it, EN 319 142-1 §5.2.2)");
}

/* ------------------------------------------------------------ the container */

static int check_signature(struct tamga__cms_result *r, const unsigned char *der, size_t len,
                           tamga__sig_kind kind, const struct content *covered, const STACK_OF(X509) *extra)
{
	struct sd s;
	STACK_OF(X509_CRL) *crls = NULL;
	const ASN1_OCTET_STRING *os;
	struct content ec;
	struct tamga__range range;
	unsigned char sha1[SHA_DIGEST_LENGTH];
	unsigned int sha1_len = 0;
	int error;

	memset(&s, 0, sizeof(s));
	s.r = r;
	s.who = "signature";
	s.extra = extra;
	s.v.status = &r->status;
	s.v.message = &r->message;
	if ((error = sd_parse(&s, der, len)) != 0)
		goto done;
	crls = CMS_get1_crls(s.cms);
	if (sk_X509_CRL_num(crls) > MAX_CRLS) {
		error = fail(&s.v, TAMGA__CMS_FORMAT_FAILURE, "the SignedData has %d CRLs, more than the %d allowed",
		             sk_X509_CRL_num(crls), MAX_CRLS);
		goto done;
	}
	r->crls = crls;
	crls = NULL;
	os = econtent(s.cms);
	if (kind == TAMGA__SIG_CMS_DETACHED) {
		if (os != NULL) {
			error = fail(&s.v, TAMGA__CMS_FORMAT_FAILURE, "the detached signature encapsulates content "
			             "(%d bytes of eContent)", ASN1_STRING_length(os));
			goto done;
		}
		error = sd_verify(&s, der, len, covered);
	} else {
		if (os == NULL || OBJ_obj2nid(CMS_get0_eContentType(s.cms)) != NID_pkcs7_data) {
			error = fail(&s.v, TAMGA__CMS_FORMAT_FAILURE, "the adbe.pkcs7.sha1 signature does not "
			             "encapsulate id-data content");
			goto done;
		}
		one_range(&ec, &range, os);
		if ((error = sd_verify(&s, der, len, &ec)) != 0)
			goto done;
		if ((error = content_hash(sha1, &sha1_len, EVP_sha1(), covered)) < 0)
			goto done;
		if ((size_t)ASN1_STRING_length(os) != sha1_len ||
		    CRYPTO_memcmp(ASN1_STRING_get0_data(os), sha1, sha1_len) != 0) {
			char g[2 * EVP_MAX_MD_SIZE + 1], w[2 * EVP_MAX_MD_SIZE + 1];

			hex_short(g, sizeof(g), ASN1_STRING_get0_data(os), (size_t)ASN1_STRING_length(os));
			hex_short(w, sizeof(w), sha1, sha1_len);
			error = fail(&s.v, TAMGA__CMS_HASH_FAILURE, "the encapsulated SHA-1 %s differs from the SHA-1 "
			             "of the signed bytes %s", g, w);
			goto done;
		}
		error = warn(r, "SHA-1: adbe.pkcs7.sha1 signs the SHA-1 of the document");
	}
done:
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	if (error < 0)
		goto out;
	/* What can be collected is collected, whatever the verdict. */
	if (s.si != NULL) {
		if ((error = signing_time(r, &s.v, s.si)) < 0 || (error = adbe_revocation(r, s.si)) < 0 ||
		    (error = signature_timestamps(r, &s.v, s.si, extra)) < 0)
			goto out;
	}
	r->has_signed_attributes = s.has_signed_attrs;
	r->has_signing_certificate = s.has_signing_cert;
	r->digest = s.md != NULL ? s.md->name : NULL;
	r->signature_alg = s.sigalg;
	r->key_bits = s.key_bits;
	r->signer = s.signer;
	s.signer = NULL;
	r->certs = s.certs;
	s.certs = NULL;
	error = 0;
out:
	sd_dispose(&s);
	return error;
}

/* ETSI.RFC3161: the container is a token over the covered bytes. */
static int check_doc_timestamp(struct tamga__cms_result *r, const unsigned char *der, size_t len,
                               const struct content *covered, const STACK_OF(X509) *extra)
{
	struct tamga__cms_timestamp *ts;
	int error, i;

	if ((error = timestamp_add(r, &ts)) < 0 ||
	    (error = check_token(r, ts, "document time-stamp", der, len, covered, extra, 1)) < 0)
		return error;
	r->status = ts->status;
	if (ts->message != NULL && (r->message = tamga__strdup(ts->message)) == NULL)
		return TAMGA_ENOMEM;
	if (ts->tsa_cert != NULL) {
		if (!X509_up_ref(ts->tsa_cert))
			return tamga__error_oom();
		r->signer = ts->tsa_cert;
	}
	if (ts->certs != NULL) {
		if ((r->certs = sk_X509_new_null()) == NULL)
			return tamga__error_oom();
		for (i = 0; i < sk_X509_num(ts->certs); i++) {
			X509 *x = sk_X509_value(ts->certs, i);

			if (!X509_up_ref(x))
				return tamga__error_oom();
			if (!sk_X509_push(r->certs, x)) {
				X509_free(x);
				return tamga__error_oom();
			}
		}
	}
	r->digest = ts->digest;
	return 0;
}

int tamga__cms_verify(struct tamga__cms_result *r, const unsigned char *der, size_t der_len,
                      tamga__sig_kind kind, const unsigned char *data, size_t data_len,
                      const struct tamga__range *ranges, size_t range_count,
                      const STACK_OF(X509) *extra_certs)
{
	struct content covered = { data, ranges, range_count };
	size_t i;
	int error;

	if (r == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga__cms_verify: no result");
	memset(r, 0, sizeof(*r));
	if ((der == NULL && der_len != 0) || (data == NULL && data_len != 0) || (ranges == NULL && range_count != 0))
		return tamga__error_set(TAMGA_EINVAL, "tamga__cms_verify: missing argument");
	for (i = 0; i < range_count; i++)
		if (ranges[i].offset > data_len || ranges[i].len > data_len - ranges[i].offset)
			return tamga__error_set(TAMGA_EINVAL, "tamga__cms_verify: range %zu [%zu, +%zu) is outside the "
			                        "%zu bytes of data", i, ranges[i].offset, ranges[i].len, data_len);
	switch (kind) {
	case TAMGA__SIG_CMS_DETACHED:
	case TAMGA__SIG_CMS_SHA1:
		error = check_signature(r, der, der_len, kind, &covered, extra_certs);
		break;
	case TAMGA__SIG_DOC_TIMESTAMP:
		error = check_doc_timestamp(r, der, der_len, &covered, extra_certs);
		break;
	default:
		return tamga__error_set(TAMGA_EINVAL, "tamga__cms_verify: unknown signature kind %d", (int)kind);
	}
	ERR_clear_error();
	return error < 0 ? error : 0;
}

static void timestamp_dispose(struct tamga__cms_timestamp *ts)
{
	free(ts->message);
	free(ts->policy);
	free(ts->serial);
	X509_free(ts->tsa_cert);
	sk_X509_pop_free(ts->certs, X509_free);
}

void tamga__cms_result_free(struct tamga__cms_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->message);
	X509_free(r->signer);
	sk_X509_pop_free(r->certs, X509_free);
	sk_X509_CRL_pop_free(r->crls, X509_CRL_free);
	for (i = 0; r->ocsps != NULL && i < r->ocsp_count; i++)
		free(r->ocsps[i].data);
	free(r->ocsps);
	for (i = 0; r->timestamps != NULL && i < r->timestamp_count; i++)
		timestamp_dispose(&r->timestamps[i]);
	free(r->timestamps);
	for (i = 0; r->warnings != NULL && i < r->warning_count; i++)
		free(r->warnings[i]);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}
