/*
 * formats/pdf/ltv.c - PAdES baseline B-LT and B-LTA (ETSI EN 319 142-1
 * §5.4, §5.5; ISO 32000-2 §12.8.4.3 DSS, §12.8.5 document time-stamp).
 *
 * After B-T signatures, B-LT appends one incremental update with the
 * validation data a verifier needs offline, and B-LTA one more with a
 * document time-stamp over the whole file:
 *
 *     ... signed revision %%EOF
 *     catalog /DSS << /Certs [s s ...] /CRLs [s ...] /OCSPs [s ...]
 *                     /VRI << /<SHA-1 of /Contents, upper hex>
 *                             << /Cert [...] /CRL [...] /OCSP [...] >> ... >> >>
 *     %%EOF
 *     sig << /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 /ByteRange /Contents >>
 *     field/widget with an empty /Rect, in /AcroForm /Fields and page 1 /Annots
 *     %%EOF
 *
 * For each subject (a signature's CMS, or a time-stamp token) the paths of
 * its signer and of its time-stamp authorities are built from the
 * certificates the CMS and tokens carry (an issuer missing there is fetched
 * from the AIA caIssuers URL).  Each non-root certificate of those paths
 * gets revocation data (tamga_revdata): an OCSP response from its AIA OCSP
 * URL, checked by pki/ocsp.c before it is embedded, and/or the CRLs of its
 * issuer (the caller's files, else its CRL distribution points).  Only
 * http:// URLs are contacted (pki/fetch.c).  A delegated OCSP responder
 * without id-pkix-ocsp-nocheck brings its own CRL.  A DSS already there is
 * kept and added to; an object already in it is not embedded twice.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <tamga/sign.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "common/http.h"
#include "formats/pdf/ltv.h"
#include "formats/pdf/pdf.h"
#include "pki/pki.h"
#include "pki/revocation.h"
#include "pki/tsp.h"
#include "pki/validate_internal.h"

#define CRL_FILE_MAX ((size_t)10 << 20)
#define CERT_FETCH_MAX ((size_t)1 << 20)
#define DOC_TS_RESERVE (16u * 1024u)
#define FETCH_TIMEOUT 10
#define MAX_PATH 12           /* certificates in one path we follow */
#define MAX_ITEMS 4096        /* objects one update may add */

static int err_code(void)
{
	int code = tamga_error_last()->code;

	return code < 0 ? code : TAMGA_ENOMEM;
}

static void upper_hex(char *out, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The VRI key of a subject: SHA-1 of its DER, upper-case hex. */
static int vri_key(char key[41], const unsigned char *der, size_t len)
{
	unsigned char md[20];

	if (!EVP_Digest(der, len, md, NULL, EVP_sha1(), NULL))
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the signature");
	upper_hex(key, md, sizeof(md));
	return 0;
}

static void time_text(char *out, tamga_time t)
{
	tamga_time_format(out, t);
}

/* ------------------------------------------------------------------ the material */

enum { ITEM_CERT = 0, ITEM_CRL = 1, ITEM_OCSP = 2 };

/* One DER object for the /DSS. */
struct item {
	int kind;
	unsigned char *der;
	size_t len;
	unsigned char sha[32];
	uint32_t num;             /* its object number once written (or found in the DSS), else 0 */
};

/* A set of item indices. */
struct idlist {
	size_t *v;
	size_t n, cap;
};

/* What is known of one certificate's revocation. */
struct rev {
	X509 *cert;               /* a reference */
	struct idlist items;      /* CRLs, OCSP responses (and a responder's certificate and CRLs) */
	int revoked;
	tamga_time when;
	long reason;
	const char *how;          /* "OCSP" or "CRL" */
};

struct ltv {
	const struct tamga__pdf_ltv *o;
	struct tamga__ltv_stats *st;
	tamga__fetch_cache *cache;
	tamga_time now;
	STACK_OF(X509) *pool;     /* every certificate at hand */
	STACK_OF(X509_CRL) *given; /* the caller's CRL files */
	STACK_OF(X509_CRL) *crls; /* given and fetched: for OCSP responders without nocheck */
	struct item *items;
	size_t nitems, capitems;
	struct rev *revs;
	size_t nrevs, caprevs;
	struct idlist global;     /* written even when no /VRI entry names them (the CRL files) */
};

static int idlist_add(struct idlist *l, size_t id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == id)
			return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		size_t *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return tamga__error_oom();
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = id;
	return 0;
}

static int idlist_merge(struct idlist *to, const struct idlist *from)
{
	size_t i;
	int error;

	for (i = 0; i < from->n; i++)
		if ((error = idlist_add(to, from->v[i])) < 0)
			return error;
	return 0;
}

/* The item for this DER (deduplicated by kind and SHA-256); *out its index. */
static int item_add(struct ltv *l, int kind, const unsigned char *der, size_t len, size_t *out)
{
	unsigned char md[32];
	struct item *it;
	size_t i;

	if (der == NULL || len == 0)
		return tamga__error_set(TAMGA_ERROR, "LTV: an empty object");
	if (!EVP_Digest(der, len, md, NULL, EVP_sha256(), NULL))
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash validation data");
	for (i = 0; i < l->nitems; i++)
		if (l->items[i].kind == kind && memcmp(l->items[i].sha, md, sizeof(md)) == 0) {
			*out = i;
			return 0;
		}
	if (l->nitems >= MAX_ITEMS)
		return tamga__error_set(TAMGA_ELIMIT, "LTV: more than %d objects of validation data", MAX_ITEMS);
	if (l->nitems == l->capitems) {
		size_t cap = l->capitems ? 2 * l->capitems : 32;
		struct item *v = realloc(l->items, cap * sizeof(*v));

		if (v == NULL)
			return tamga__error_oom();
		l->items = v;
		l->capitems = cap;
	}
	it = &l->items[l->nitems];
	memset(it, 0, sizeof(*it));
	if ((it->der = malloc(len)) == NULL)
		return tamga__error_oom();
	memcpy(it->der, der, len);
	it->len = len;
	it->kind = kind;
	memcpy(it->sha, md, sizeof(md));
	*out = l->nitems++;
	return 0;
}

static int item_cert(struct ltv *l, X509 *x, struct idlist *to)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der), error;
	size_t id;

	if (len <= 0)
		return tamga__error_openssl(TAMGA_ENOMEM, "cannot encode a certificate");
	error = item_add(l, ITEM_CERT, der, (size_t)len, &id);
	OPENSSL_free(der);
	return error < 0 ? error : idlist_add(to, id);
}

static int item_crl(struct ltv *l, X509_CRL *c, struct idlist *to)
{
	unsigned char *der = NULL;
	int len = i2d_X509_CRL(c, &der), error;
	size_t id;

	if (len <= 0)
		return tamga__error_openssl(TAMGA_ENOMEM, "cannot encode a CRL");
	error = item_add(l, ITEM_CRL, der, (size_t)len, &id);
	OPENSSL_free(der);
	return error < 0 ? error : idlist_add(to, id);
}

/* x into the pool (a new reference) unless an equal one is there; *out the pool's. */
static int pool_add(struct ltv *l, X509 *x, X509 **out)
{
	int i;

	for (i = 0; i < sk_X509_num(l->pool); i++)
		if (X509_cmp(sk_X509_value(l->pool, i), x) == 0) {
			if (out != NULL)
				*out = sk_X509_value(l->pool, i);
			return 0;
		}
	if (!X509_up_ref(x))
		return tamga__error_oom();
	if (!sk_X509_push(l->pool, x)) {
		X509_free(x);
		return tamga__error_oom();
	}
	if (out != NULL)
		*out = x;
	return 0;
}

static int crl_keep(STACK_OF(X509_CRL) *sk, X509_CRL *c)
{
	int i;

	for (i = 0; i < sk_X509_CRL_num(sk); i++)
		if (sk_X509_CRL_value(sk, i) == c)
			return 0;
	if (!X509_CRL_up_ref(c))
		return tamga__error_oom();
	if (!sk_X509_CRL_push(sk, c)) {
		X509_CRL_free(c);
		return tamga__error_oom();
	}
	return 0;
}

static int self_issued(X509 *x)
{
	int r = X509_check_issued(x, x) == X509_V_OK;

	ERR_clear_error();
	return r;
}

/* Whether cand issued x: names, key identifiers and the signature. */
static int issued_by(X509 *cand, X509 *x)
{
	EVP_PKEY *key;
	int r;

	if (X509_check_issued(cand, x) != X509_V_OK || (key = X509_get0_pubkey(cand)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	r = X509_verify(x, key) == 1;
	ERR_clear_error();
	return r;
}

static X509 *pool_issuer(struct ltv *l, X509 *x)
{
	int i;

	for (i = 0; i < sk_X509_num(l->pool); i++)
		if (issued_by(sk_X509_value(l->pool, i), x))
			return sk_X509_value(l->pool, i);
	return NULL;
}

/* The issuer of x from its AIA caIssuers URLs (http:// only), into the
 * pool; NULL when there is none to be had (not an error: the verifier's
 * trust store may hold it). */
static X509 *fetch_issuer(struct ltv *l, X509 *x)
{
	AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	struct tamga__http_limits lim = { FETCH_TIMEOUT, FETCH_TIMEOUT, CERT_FETCH_MAX, NULL };
	X509 *found = NULL;
	int i, j;

	for (i = 0; found == NULL && i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		tamga_buf body = TAMGA_BUF_INIT;
		STACK_OF(X509) *got = NULL;
		char url[2048];
		int n;

		if (OBJ_obj2nid(ad->method) != NID_ad_ca_issuers || ad->location->type != GEN_URI)
			continue;
		n = ASN1_STRING_length(ad->location->d.uniformResourceIdentifier);
		if (n < 8 || (size_t)n >= sizeof(url))
			continue;
		memcpy(url, ASN1_STRING_get0_data(ad->location->d.uniformResourceIdentifier), (size_t)n);
		url[n] = '\0';
		if (strncasecmp(url, "http://", 7) != 0 || strlen(url) != (size_t)n)
			continue;
		if (tamga__http_get(&body, url, &lim) == 0 && tamga__load_certs(&got, body.ptr, body.size, url) == 0) {
			for (j = 0; found == NULL && j < sk_X509_num(got); j++)
				if (issued_by(sk_X509_value(got, j), x) && pool_add(l, sk_X509_value(got, j), &found) < 0)
					found = NULL;
		}
		tamga_error_clear();
		sk_X509_pop_free(got, X509_free);
		tamga_buf_dispose(&body);
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	ERR_clear_error();
	return found;
}

static char *cert_name(X509 *x)
{
	char *s = tamga__name_string(X509_get_subject_name(x));

	if (s == NULL)
		tamga_error_clear();
	return s;
}

static int note(struct ltv *l, tamga_buf *to, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int note(struct ltv *l, tamga_buf *to, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n, error;

	(void)l;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return tamga__error_oom();
	error = tamga__buf_printf(to, "%s%s", to->size ? "; " : "", s);
	free(s);
	return error;
}

/* ------------------------------------------------------------------ revocation data */

static int rev_for(struct ltv *l, X509 *x, X509 *issuer, int crl_only, struct rev **out);

static long crl_reason(X509_REVOKED *r)
{
	ASN1_ENUMERATED *e = X509_REVOKED_get_ext_d2i(r, NID_crl_reason, NULL, NULL);
	long v = e ? ASN1_ENUMERATED_get(e) : -1;

	ASN1_ENUMERATED_free(e);
	ERR_clear_error();
	return v;
}

/* The responder certificate of an OCSP response, into the pool and
 * r->items; when it is a delegated responder without
 * id-pkix-ocsp-nocheck, its issuer's CRL too (the verifier needs it, and
 * pki/ocsp.c needs it to accept the response). */
static int ocsp_responder(struct ltv *l, size_t idx, const tamga_buf *der, X509 *issuer)
{
	const unsigned char *p = der->ptr;
	OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)der->size);
	OCSP_BASICRESP *bs = resp ? OCSP_response_get1_basic(resp) : NULL;
	X509 *signer = NULL, *kept = NULL;
	struct rev *rr = NULL;
	int error = 0;

	if (bs == NULL || OCSP_resp_get0_signer(bs, &signer, l->pool) != 1 || signer == NULL)
		goto done;
	if ((error = pool_add(l, signer, &kept)) < 0 || (error = item_cert(l, kept, &l->revs[idx].items)) < 0)
		goto done;
	if (X509_cmp(kept, issuer) == 0 || X509_get_ext_by_NID(kept, NID_id_pkix_OCSP_noCheck, -1) >= 0)
		goto done;
	if (rev_for(l, kept, issuer, 1, &rr) < 0) {
		tamga_error_clear();   /* the response will say why it is not usable */
		goto done;
	}
	/* rev_for may have moved l->revs: index again. */
	error = idlist_merge(&l->revs[idx].items, &rr->items);
done:
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	ERR_clear_error();
	return error;
}

/* OCSP for x from its AIA OCSP URLs; *got 1 when a usable response was kept. */
static int rev_ocsp(struct ltv *l, size_t idx, X509 *x, X509 *issuer, tamga_buf *why, int *got, int *named)
{
	char **urls = NULL;
	size_t u;
	int error;

	*got = 0;
	*named = 0;
	if ((error = tamga__cert_ocsp_urls(&urls, x)) < 0)
		return error;
	for (u = 0; urls != NULL && urls[u] != NULL && !*got; u++) {
		tamga_buf der = TAMGA_BUF_INIT, reason = TAMGA_BUF_INIT;
		struct tamga__ocsp_answer a;
		size_t id;

		*named = 1;
		if (tamga__fetch_ocsp(&der, l->cache, urls[u], x, issuer, FETCH_TIMEOUT) < 0) {
			error = note(l, why, "OCSP %s: %s", urls[u], tamga_error_last()->message);
			tamga_error_clear();
		} else if ((error = ocsp_responder(l, idx, &der, issuer)) == 0 &&
		           (error = tamga__ocsp_check(&a, der.ptr, der.size, x, issuer, l->pool, l->crls, l->now, 0,
		                                      &reason)) == 0) {
			struct rev *r = &l->revs[idx];

			if (!a.usable || a.status == V_OCSP_CERTSTATUS_UNKNOWN) {
				error = note(l, why, "OCSP %s: %s", urls[u],
				             !a.usable && reason.size ? (const char *)reason.ptr : "status unknown");
			} else if ((error = item_add(l, ITEM_OCSP, der.ptr, der.size, &id)) == 0 &&
			           (error = idlist_add(&r->items, id)) == 0) {
				*got = 1;
				if (a.status == V_OCSP_CERTSTATUS_REVOKED && (!r->revoked || a.revoked_at < r->when)) {
					r->revoked = 1;
					r->when = a.revoked_at;
					r->reason = a.reason;
					r->how = "OCSP";
				}
			}
		}
		tamga_buf_dispose(&der);
		tamga_buf_dispose(&reason);
		if (error < 0)
			break;
	}
	tamga__urls_free(urls);
	return error;
}

/* CRLs for x: the caller's, else those at its distribution points; only a
 * CRL its issuer signed counts.  *got 1 when one was kept. */
static int rev_crl(struct ltv *l, struct rev *r, X509 *x, X509 *issuer, tamga_buf *why, int *got)
{
	STACK_OF(X509_CRL) *cands = NULL;
	EVP_PKEY *key = issuer ? X509_get0_pubkey(issuer) : NULL;
	char **urls = NULL;
	size_t u;
	int i, error = 0;

	*got = 0;
	if ((cands = sk_X509_CRL_new_null()) == NULL)
		return tamga__error_oom();
	if (sk_X509_CRL_num(l->given) > 0) {
		for (i = 0; error == 0 && i < sk_X509_CRL_num(l->given); i++)
			error = crl_keep(cands, sk_X509_CRL_value(l->given, i));
	} else {
		if ((error = tamga__cert_crl_urls(&urls, x)) < 0)
			goto done;
		if (urls == NULL)
			error = note(l, why, "no CRL distribution point (http://)");
		for (u = 0; error == 0 && urls != NULL && urls[u] != NULL; u++) {
			STACK_OF(X509_CRL) *f = NULL;

			if (tamga__fetch_crls(&f, l->cache, urls[u], FETCH_TIMEOUT) < 0) {
				error = note(l, why, "CRL %s: %s", urls[u], tamga_error_last()->message);
				tamga_error_clear();
				continue;
			}
			for (i = 0; error == 0 && i < sk_X509_CRL_num(f); i++)
				error = crl_keep(cands, sk_X509_CRL_value(f, i));
			sk_X509_CRL_pop_free(f, X509_CRL_free);
		}
	}
	for (i = 0; error == 0 && i < sk_X509_CRL_num(cands); i++) {
		X509_CRL *c = sk_X509_CRL_value(cands, i);
		X509_REVOKED *entry = NULL;

		if (X509_NAME_cmp(X509_CRL_get_issuer(c), X509_get_issuer_name(x)) != 0 ||
		    (key != NULL && X509_CRL_verify(c, key) != 1)) {
			ERR_clear_error();
			continue;
		}
		if ((error = item_crl(l, c, &r->items)) < 0 || (error = crl_keep(l->crls, c)) < 0)
			break;
		*got = 1;
		if (X509_CRL_get0_by_cert(c, &entry, x) == 1 && entry != NULL) {
			tamga_time t = tamga__asn1_time_get(X509_REVOKED_get0_revocationDate(entry));

			if (!r->revoked || t < r->when) {
				r->revoked = 1;
				r->when = t;
				r->reason = crl_reason(entry);
				r->how = "CRL";
			}
		}
	}
	if (error == 0 && !*got && sk_X509_CRL_num(cands) > 0)
		error = note(l, why, "no CRL %s covers it", sk_X509_CRL_num(l->given) > 0 ? "among the files given" :
		                                                                          "at its distribution points");
done:
	ERR_clear_error();
	tamga__urls_free(urls);
	sk_X509_CRL_pop_free(cands, X509_CRL_free);
	return error;
}

/* What revocation data x (issued by issuer, NULL when unknown) gets; found
 * once per run.  crl_only: CRLs whatever the mode (OCSP responders). */
static int rev_for(struct ltv *l, X509 *x, X509 *issuer, int crl_only, struct rev **out)
{
	int mode = crl_only ? TAMGA_REVDATA_CRL : l->o->revocation;
	tamga_buf why = TAMGA_BUF_INIT;
	struct rev *r;
	size_t i, idx;
	int error = 0, ocsp = 0, named = 0, crl = 0;
	char *name = NULL;

	for (i = 0; i < l->nrevs; i++)
		if (X509_cmp(l->revs[i].cert, x) == 0) {
			*out = &l->revs[i];
			return 0;
		}
	if (l->nrevs == l->caprevs) {
		size_t cap = l->caprevs ? 2 * l->caprevs : 16;
		struct rev *v = realloc(l->revs, cap * sizeof(*v));

		if (v == NULL)
			return tamga__error_oom();
		l->revs = v;
		l->caprevs = cap;
	}
	if (!X509_up_ref(x))
		return tamga__error_oom();
	idx = l->nrevs++;
	r = &l->revs[idx];
	memset(r, 0, sizeof(*r));
	r->cert = x;
	r->reason = -1;

	if (mode != TAMGA_REVDATA_CRL && issuer != NULL &&
	    (error = rev_ocsp(l, idx, x, issuer, &why, &ocsp, &named)) < 0)
		goto done;
	r = &l->revs[idx];   /* rev_ocsp may have grown l->revs (a responder's CRLs) */
	if (!ocsp && named && (mode == TAMGA_REVDATA_OCSP || mode == TAMGA_REVDATA_BOTH)) {
		name = cert_name(x);
		error = tamga__error_set(TAMGA_EIO, "LTV: no usable OCSP response for '%s': %s", name ? name : "?",
		                         why.size ? (const char *)why.ptr : "?");
		goto done;
	}
	if (mode == TAMGA_REVDATA_CRL || mode == TAMGA_REVDATA_BOTH || !ocsp) {
		if ((error = rev_crl(l, r, x, issuer, &why, &crl)) < 0)
			goto done;
	}
	if (!ocsp && !crl) {
		name = cert_name(x);
		error = tamga__error_set(TAMGA_ENOTFOUND, "LTV: no revocation data for '%s'%s%s (give --crl)",
		                         name ? name : "?", why.size ? ": " : "", why.size ? (const char *)why.ptr : "");
		goto done;
	}
	*out = &l->revs[idx];
done:
	free(name);
	tamga_buf_dispose(&why);
	return error;
}

/* ------------------------------------------------------------------ subjects */

static CMS_ContentInfo *cms_parse(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = len <= 0x7fffffff ? d2i_CMS_ContentInfo(NULL, &p, (long)len) : NULL;

	ERR_clear_error();
	return cms;
}

/* The certificate the first SignerInfo names: among the CMS's own, then the pool. */
static X509 *cms_signer(struct ltv *l, CMS_ContentInfo *cms)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	STACK_OF(X509) *certs;
	CMS_SignerInfo *si;
	X509 *found = NULL;
	int i;

	if (sk_CMS_SignerInfo_num(sis) < 1)
		return NULL;
	si = sk_CMS_SignerInfo_value(sis, 0);
	certs = CMS_get1_certs(cms);
	for (i = 0; found == NULL && i < sk_X509_num(certs); i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs, i)) == 0)
			(void)pool_add(l, sk_X509_value(certs, i), &found);
	sk_X509_pop_free(certs, X509_free);
	for (i = 0; found == NULL && i < sk_X509_num(l->pool); i++)
		if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(l->pool, i)) == 0)
			found = sk_X509_value(l->pool, i);
	ERR_clear_error();
	return found;
}

static int cms_certs(struct ltv *l, CMS_ContentInfo *cms, struct idlist *vri)
{
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	int i, error = 0;

	for (i = 0; error == 0 && i < sk_X509_num(certs); i++)
		if ((error = pool_add(l, sk_X509_value(certs, i), NULL)) == 0)
			error = item_cert(l, sk_X509_value(certs, i), vri);
	sk_X509_pop_free(certs, X509_free);
	ERR_clear_error();
	return error;
}

static tamga_time token_time(CMS_ContentInfo *tok)
{
	ASN1_OCTET_STRING **content = CMS_get0_content(tok);
	const unsigned char *p;
	TS_TST_INFO *info;
	tamga_time t = 0;

	if (content == NULL || *content == NULL)
		return 0;
	p = ASN1_STRING_get0_data(*content);
	if ((info = d2i_TS_TST_INFO(NULL, &p, ASN1_STRING_length(*content))) != NULL) {
		const ASN1_GENERALIZEDTIME *g = TS_TST_INFO_get_time(info);

		t = g ? tamga__asn1_time_get(g) : 0;
		TS_TST_INFO_free(info);
	}
	ERR_clear_error();
	return t;
}

/* The signature time-stamp tokens of cms: certificates into the pool and
 * vri, their signers appended to ends, the earliest genTime in *earliest. */
static int cms_tokens(struct ltv *l, CMS_ContentInfo *cms, struct idlist *vri, STACK_OF(X509) *ends,
                      tamga_time *earliest)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	int i, error = 0;

	*earliest = 0;
	for (i = 0; error == 0 && i < sk_CMS_SignerInfo_num(sis); i++) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, i);
		int loc = -1;

		while (error == 0 && (loc = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, loc)) >= 0) {
			ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, loc), 0);
			CMS_ContentInfo *tok;
			X509 *tsa;
			tamga_time when;

			if (t == NULL || t->type != V_ASN1_SEQUENCE ||
			    (tok = cms_parse(t->value.sequence->data, (size_t)t->value.sequence->length)) == NULL)
				continue;
			if ((error = cms_certs(l, tok, vri)) == 0 && (tsa = cms_signer(l, tok)) != NULL &&
			    !sk_X509_push(ends, tsa))
				error = tamga__error_oom();
			when = token_time(tok);
			if (when != 0 && (*earliest == 0 || when < *earliest))
				*earliest = when;
			CMS_ContentInfo_free(tok);
		}
	}
	ERR_clear_error();
	return error;
}

/* A signer revoked by the fetched data: fine after its proof of existence
 * (a note), else refused unless allowed. */
static int judge(struct ltv *l, const struct tamga__ltv_subject *s, X509 *ee, const struct rev *r)
{
	char when[TAMGA_TIME_BUFSIZE], poe[TAMGA_TIME_BUFSIZE], *name;
	const char *reason = r->reason >= 0 ? tamga__rev_reason_name(r->reason) : "no reason given";
	int error;

	if (!r->revoked)
		return 0;
	time_text(when, r->when);
	if (s->poe != 0)
		time_text(poe, s->poe);
	if (s->poe != 0 && r->when > s->poe)
		return note(l, &l->st->notes, "signature '%s': its signer's certificate was revoked at %s (%s), after "
		            "its time-stamp of %s, so it stays valid on that proof of existence", s->id, when, reason,
		            poe);
	if (l->o->allow_revoked)
		return note(l, &l->st->notes, "signature '%s': extended as asked although its signer's certificate "
		            "was revoked at %s (%s)%s%s: it is not valid", s->id, when, reason,
		            s->poe ? ", before its time-stamp of " : " and it has no time-stamp", s->poe ? poe : "");
	name = cert_name(ee);
	error = tamga__error_set(TAMGA_ESTATE, "signature '%s': its signer's certificate '%s' was revoked at %s (%s, "
	                         "per the %s fetched)%s%s: the signature is not valid, and validation data is not "
	                         "added to it unless revoked signatures are allowed", s->id, name ? name : "?", when, reason, r->how,
	                         s->poe ? ", at or before its time-stamp of " : " and the signature has no time-stamp",
	                         s->poe ? poe : "");
	free(name);
	return error;
}

/* One subject: its certificates, paths and revocation data into vri. */
static int do_subject(struct ltv *l, const struct tamga__ltv_subject *s, struct idlist *vri)
{
	CMS_ContentInfo *cms = cms_parse(s->der, s->len);
	STACK_OF(X509) *ends = sk_X509_new_null();
	X509 *ee = NULL;
	tamga_time earliest = 0;
	int i, error = 0;

	if (ends == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if (cms == NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "LTV: '%s' is not a CMS structure", s->id);
		goto done;
	}
	if ((error = cms_certs(l, cms, vri)) < 0)
		goto done;
	for (i = 0; i < sk_X509_num(s->extra); i++)
		if ((error = pool_add(l, sk_X509_value(s->extra, i), NULL)) < 0 ||
		    (error = item_cert(l, sk_X509_value(s->extra, i), vri)) < 0)
			goto done;
	if (s->signer != NULL && (error = pool_add(l, s->signer, &ee)) < 0)
		goto done;
	if (ee == NULL && (ee = cms_signer(l, cms)) == NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "LTV: the signer certificate of '%s' is not in it", s->id);
		goto done;
	}
	if (!sk_X509_push(ends, ee)) {
		error = tamga__error_oom();
		goto done;
	}
	if (!s->timestamp && (error = cms_tokens(l, cms, vri, ends, &earliest)) < 0)
		goto done;

	/* Each end's path up to a root (or as far as the issuers are known). */
	for (i = 0; i < sk_X509_num(ends); i++) {
		X509 *x = sk_X509_value(ends, i);
		int depth;

		for (depth = 0; x != NULL && depth < MAX_PATH; depth++) {
			X509 *issuer;
			struct rev *r;

			if ((error = item_cert(l, x, vri)) < 0)
				goto done;
			if (self_issued(x))
				break;
			if ((issuer = pool_issuer(l, x)) == NULL)
				issuer = fetch_issuer(l, x);
			if ((error = rev_for(l, x, issuer, 0, &r)) < 0 || (error = idlist_merge(vri, &r->items)) < 0)
				goto done;
			if (i == 0 && depth == 0 && !s->timestamp && (error = judge(l, s, ee, r)) < 0)
				goto done;
			x = issuer;
		}
	}
done:
	sk_X509_free(ends);
	CMS_ContentInfo_free(cms);
	return error;
}

/* ------------------------------------------------------------------ the DSS update */

/* A copy of the value of key in dict, resolved, when it has type; else a new one. */
static pdf_obj *copy_or_new(pdf_doc *doc, pdf_arena *a, const pdf_obj *dict, const char *key, pdf_type type)
{
	pdf_obj *v = NULL;

	if (dict != NULL && tamga__pdf_dict_resolve(doc, dict, key, &v) < 0)
		tamga_error_clear();
	if (v != NULL && v->type == type)
		return tamga__pdf_copy(a, v);
	return type == PDF_ARRAY ? tamga__pdf_array(a) : tamga__pdf_dict(a);
}

/* Items already in the DSS array arr keep their object there. */
static void seed_existing(struct ltv *l, pdf_doc *doc, const pdf_obj *arr, int kind)
{
	size_t i, k;

	for (i = 0; i < arr->u.array.len; i++) {
		pdf_obj *ref = arr->u.array.items[i], *s = NULL;
		tamga_buf data = TAMGA_BUF_INIT;
		unsigned char md[32];

		if (ref->type != PDF_REF || tamga__pdf_resolve(doc, ref, &s) < 0 || s->type != PDF_STREAM ||
		    tamga__pdf_stream_decode(doc, s, &data) < 0 || !EVP_Digest(data.ptr, data.size, md, NULL, EVP_sha256(), NULL)) {
			tamga_error_clear();
			ERR_clear_error();
			tamga_buf_dispose(&data);
			continue;
		}
		for (k = 0; k < l->nitems; k++)
			if (l->items[k].kind == kind && l->items[k].num == 0 && memcmp(l->items[k].sha, md, 32) == 0)
				l->items[k].num = ref->u.ref.num;
		tamga_buf_dispose(&data);
	}
}

/* The object of item id (written now unless it is already in the file),
 * pushed to entry (a VRI array; may be NULL). */
static int put_item(struct ltv *l, pdf_arena *a, struct pdf_sink *sink, size_t id, pdf_obj *const globals[3],
                    pdf_obj *entry)
{
	struct item *it = &l->items[id];
	int error;

	if (it->num == 0) {
		pdf_obj *d = tamga__pdf_dict(a), *s;

		if (d == NULL || (s = tamga__pdf_stream(a, d, it->der, it->len)) == NULL)
			return err_code();
		if ((error = sink->alloc(sink->ctx, &it->num)) < 0 || (error = sink->put(sink->ctx, it->num, s)) < 0 ||
		    (error = tamga__pdf_array_push(a, globals[it->kind], tamga__pdf_ref(a, it->num, 0))) < 0)
			return error;
		if (it->kind == ITEM_CERT)
			l->st->certs++;
		else if (it->kind == ITEM_CRL)
			l->st->crls++;
		else
			l->st->ocsps++;
	}
	if (entry == NULL)
		return 0;
	return tamga__pdf_array_push(a, entry, tamga__pdf_ref(a, it->num, 0));
}

static int dss_update(struct ltv *l, tamga_buf *file, const struct tamga__ltv_subject *subs,
                      const struct idlist *vris, size_t count)
{
	static const char *const global_keys[3] = { "Certs", "CRLs", "OCSPs" };
	static const char *const vri_keys[3] = { "Cert", "CRL", "OCSP" };
	pdf_doc *doc = NULL;
	pdf_update *up = NULL;
	pdf_arena *a;
	struct pdf_sink sink;
	tamga_buf tail = TAMGA_BUF_INIT;
	pdf_obj *cat, *root = NULL, *old = NULL, *dss, *vri, *globals[3];
	size_t s, i;
	int k, error;

	if ((error = tamga__pdf_open(&doc, file->ptr, file->size, NULL)) < 0 ||
	    (error = tamga__pdf_update_new(&up, doc)) < 0 || (error = tamga__pdf_catalog(doc, &root)) < 0)
		goto done;
	a = tamga__pdf_update_arena(up);
	tamga__pdf_update_sink(up, &sink);
	cat = tamga__pdf_dict_get(tamga__pdf_trailer(doc), "Root");
	if (cat == NULL || cat->type != PDF_REF) {
		error = tamga__error_set(TAMGA_EFORMAT, "PDF: the trailer's /Root is not an indirect reference");
		goto done;
	}
	if ((root = tamga__pdf_copy(a, root)) == NULL || (dss = tamga__pdf_dict(a)) == NULL) {
		error = err_code();
		goto done;
	}
	/* A DSS already there (an earlier B-LT) is kept and added to. */
	if (tamga__pdf_dict_resolve(doc, root, "DSS", &old) < 0)
		tamga_error_clear();
	if (old != NULL && old->type != PDF_DICT)
		old = NULL;
	for (k = 0; k < 3; k++) {
		if ((globals[k] = copy_or_new(doc, a, old, global_keys[k], PDF_ARRAY)) == NULL) {
			error = err_code();
			goto done;
		}
		seed_existing(l, doc, globals[k], k);
	}
	if ((vri = copy_or_new(doc, a, old, "VRI", PDF_DICT)) == NULL) {
		error = err_code();
		goto done;
	}
	for (i = 0; i < l->global.n; i++)
		if ((error = put_item(l, a, &sink, l->global.v[i], globals, NULL)) < 0)
			goto done;
	for (s = 0; s < count; s++) {
		pdf_obj *entry = tamga__pdf_dict(a), *arr[3];
		char key[41];

		if (entry == NULL) {
			error = err_code();
			goto done;
		}
		for (k = 0; k < 3; k++)
			if ((arr[k] = tamga__pdf_array(a)) == NULL) {
				error = err_code();
				goto done;
			}
		for (i = 0; i < vris[s].n; i++)
			if ((error = put_item(l, a, &sink, vris[s].v[i], globals, arr[l->items[vris[s].v[i]].kind])) < 0)
				goto done;
		for (k = 0; k < 3; k++)
			if ((k == 0 || arr[k]->u.array.len > 0) &&
			    (error = tamga__pdf_dict_set(a, entry, vri_keys[k], arr[k])) < 0)
				goto done;
		if ((error = vri_key(key, subs[s].der, subs[s].len)) < 0 ||
		    (error = tamga__pdf_dict_set(a, vri, key, entry)) < 0)
			goto done;
	}
	if ((error = tamga__pdf_dict_set(a, dss, "Type", tamga__pdf_name(a, "DSS"))) < 0)
		goto done;
	for (k = 0; k < 3; k++)
		if ((k == 0 || globals[k]->u.array.len > 0) &&
		    (error = tamga__pdf_dict_set(a, dss, global_keys[k], globals[k])) < 0)
			goto done;
	if ((error = tamga__pdf_dict_set(a, dss, "VRI", vri)) < 0 ||
	    (error = tamga__pdf_dict_set(a, root, "DSS", dss)) < 0 ||
	    (error = tamga__pdf_update_set(up, cat->u.ref.num, root)) < 0 ||
	    (error = tamga__pdf_update_write(up, &tail, file->size, NULL)) < 0)
		goto done;
done:
	tamga__pdf_update_free(up);
	tamga__pdf_close(doc);
	if (error == 0)
		error = tamga__buf_append(file, tail.ptr, tail.size);
	tamga_buf_dispose(&tail);
	return error;
}

/* ------------------------------------------------------------------ document time-stamp */

/* Append item to dict's array key (direct, or an indirect array replaced). */
static int append_to(pdf_doc *doc, pdf_update *up, pdf_obj *dict, const char *key, pdf_obj *item)
{
	pdf_arena *a = tamga__pdf_update_arena(up);
	pdf_obj *v = tamga__pdf_dict_get(dict, key), *arr = NULL;
	int error;

	if (item == NULL)
		return err_code();
	if (v != NULL && v->type == PDF_REF) {
		if ((error = tamga__pdf_resolve(doc, v, &arr)) < 0)
			return error;
		if (arr->type != PDF_ARRAY)
			return tamga__error_set(TAMGA_EFORMAT, "PDF: /%s is not an array", key);
		if ((arr = tamga__pdf_copy(a, arr)) == NULL || (error = tamga__pdf_array_push(a, arr, item)) < 0)
			return err_code();
		return tamga__pdf_update_set(up, v->u.ref.num, arr);
	}
	if (v != NULL && v->type == PDF_ARRAY)
		return tamga__pdf_array_push(a, v, item);
	if (v != NULL && v->type != PDF_NULL)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: /%s is not an array", key);
	if ((arr = tamga__pdf_array(a)) == NULL || (error = tamga__pdf_array_push(a, arr, item)) < 0)
		return err_code();
	return tamga__pdf_dict_set(a, dict, key, arr);
}

static int doc_ts_build(pdf_doc *doc, pdf_update *up, const char *field_name)
{
	pdf_arena *a = tamga__pdf_update_arena(up);
	pdf_obj *root_ref = tamga__pdf_dict_get(tamga__pdf_trailer(doc), "Root");
	pdf_obj *catalog = NULL, *cat = NULL, *acro_v, *acro, *sig, *br, *zeros, *widget, *page, *rect;
	struct pdf_page pg;
	unsigned char *pad;
	uint32_t sig_num, widget_num, acro_num = 0;
	int i, error;

	if (root_ref == NULL || root_ref->type != PDF_REF)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: the trailer's /Root is not an indirect reference");
	if ((error = tamga__pdf_catalog(doc, &catalog)) < 0 || (error = tamga__pdf_page(doc, 0, &pg)) < 0 ||
	    (error = tamga__pdf_update_alloc(up, &sig_num)) < 0 ||
	    (error = tamga__pdf_update_alloc(up, &widget_num)) < 0)
		return error;
	if ((pad = calloc(1, DOC_TS_RESERVE)) == NULL)
		return tamga__error_oom();
	zeros = tamga__pdf_string(a, pad, DOC_TS_RESERVE, PDF_STR_PLACEHOLDER);
	free(pad);
	if (zeros == NULL || (sig = tamga__pdf_dict(a)) == NULL || (br = tamga__pdf_array(a)) == NULL ||
	    (widget = tamga__pdf_dict(a)) == NULL || (rect = tamga__pdf_array(a)) == NULL)
		return err_code();
	br->flags |= PDF_ARR_PLACEHOLDER;
	for (i = 0; i < 4; i++)
		if ((error = tamga__pdf_array_push(a, rect, tamga__pdf_int(a, 0))) < 0)
			return error;
	if ((error = tamga__pdf_dict_set(a, sig, "Type", tamga__pdf_name(a, "DocTimeStamp"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, sig, "Filter", tamga__pdf_name(a, "Adobe.PPKLite"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, sig, "SubFilter", tamga__pdf_name(a, "ETSI.RFC3161"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, sig, "ByteRange", br)) < 0 ||
	    (error = tamga__pdf_dict_set(a, sig, "Contents", zeros)) < 0 ||
	    (error = tamga__pdf_update_set(up, sig_num, sig)) < 0)
		return error;
	if ((error = tamga__pdf_dict_set(a, widget, "Type", tamga__pdf_name(a, "Annot"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "Subtype", tamga__pdf_name(a, "Widget"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "FT", tamga__pdf_name(a, "Sig"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "T", tamga__pdf_string(a, field_name, strlen(field_name), 0))) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "V", tamga__pdf_ref(a, sig_num, 0))) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "F", tamga__pdf_int(a, 132))) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "Rect", rect)) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "P", tamga__pdf_ref(a, pg.num, pg.gen))) < 0 ||
	    (error = tamga__pdf_update_set(up, widget_num, widget)) < 0)
		return error;
	if ((page = tamga__pdf_copy(a, pg.dict)) == NULL)
		return err_code();
	if ((error = append_to(doc, up, page, "Annots", tamga__pdf_ref(a, widget_num, 0))) < 0 ||
	    (error = tamga__pdf_update_set(up, pg.num, page)) < 0)
		return error;

	acro_v = tamga__pdf_dict_get(catalog, "AcroForm");
	if (acro_v != NULL && acro_v->type == PDF_REF) {
		pdf_obj *cur = NULL;

		if ((error = tamga__pdf_resolve(doc, acro_v, &cur)) < 0)
			return error;
		if (cur->type != PDF_DICT)
			return tamga__error_set(TAMGA_EFORMAT, "PDF: /AcroForm is not a dictionary");
		acro_num = acro_v->u.ref.num;
		acro = tamga__pdf_copy(a, cur);
	} else {
		if ((cat = tamga__pdf_copy(a, catalog)) == NULL)
			return err_code();
		acro = acro_v != NULL && acro_v->type == PDF_DICT ? tamga__pdf_dict_get(cat, "AcroForm") : tamga__pdf_dict(a);
	}
	if (acro == NULL)
		return err_code();
	if ((error = append_to(doc, up, acro, "Fields", tamga__pdf_ref(a, widget_num, 0))) < 0 ||
	    (error = tamga__pdf_dict_set(a, acro, "SigFlags", tamga__pdf_int(a, 3))) < 0)
		return error;
	if (acro_num != 0)
		return tamga__pdf_update_set(up, acro_num, acro);
	if ((error = tamga__pdf_dict_set(a, cat, "AcroForm", acro)) < 0)
		return error;
	return tamga__pdf_update_set(up, root_ref->u.ref.num, cat);
}

/* notAfter of the certificate that signed the token (0 when not found). */
static tamga_time token_expiry(const tamga_buf *token)
{
	CMS_ContentInfo *cms = cms_parse(token->ptr, token->size);
	STACK_OF(CMS_SignerInfo) *sis = cms ? CMS_get0_SignerInfos(cms) : NULL;
	STACK_OF(X509) *certs = cms ? CMS_get1_certs(cms) : NULL;
	tamga_time t = 0;
	int i;

	for (i = 0; sk_CMS_SignerInfo_num(sis) > 0 && i < sk_X509_num(certs); i++)
		if (CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(sis, 0), sk_X509_value(certs, i)) == 0) {
			t = tamga__asn1_time_get(X509_get0_notAfter(sk_X509_value(certs, i)));
			break;
		}
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return t;
}

/* Append a document time-stamp update to file. */
static int doc_timestamp(tamga_buf *file, const char *tsa_url, const char *field_name, tamga_time *expires,
                         tamga_buf *token_out)
{
	static const char hex[] = "0123456789ABCDEF";
	pdf_doc *doc = NULL;
	pdf_update *up = NULL;
	tamga_buf tail = TAMGA_BUF_INIT, token = TAMGA_BUF_INIT;
	struct pdf_marks marks;
	struct tamga__tsp_query q;
	unsigned char md[32];
	size_t base = file->size, br[4], i;
	char brtext[4 * (PDF_BYTERANGE_DIGITS + 1) + 8];
	EVP_MD_CTX *c = NULL;
	int n, error;

	if ((error = tamga__pdf_open(&doc, file->ptr, file->size, NULL)) < 0 ||
	    (error = tamga__pdf_update_new(&up, doc)) < 0 || (error = doc_ts_build(doc, up, field_name)) < 0 ||
	    (error = tamga__pdf_update_write(up, &tail, base, &marks)) < 0)
		goto done;
	if (marks.contents == SIZE_MAX || marks.byterange == SIZE_MAX || marks.byterange > marks.contents ||
	    marks.contents_len != 2 * DOC_TS_RESERVE + 2) {
		error = tamga__error_set(TAMGA_ERROR, "PDF: time-stamp placeholders were not written as expected");
		goto done;
	}
	br[0] = 0;
	br[1] = marks.contents;
	br[2] = marks.contents + marks.contents_len;
	br[3] = base + tail.size - br[2];
	n = snprintf(brtext, sizeof(brtext), "[%zu %zu %zu %zu", br[0], br[1], br[2], br[3]);
	if (n < 0 || (size_t)n + 1 > marks.byterange_len) {
		error = tamga__error_set(TAMGA_ELIMIT, "PDF: the document is too large for a byte range");
		goto done;
	}
	memset(tail.ptr + (marks.byterange - base), ' ', marks.byterange_len);
	memcpy(tail.ptr + (marks.byterange - base), brtext, (size_t)n);
	tail.ptr[marks.byterange - base + marks.byterange_len - 1] = ']';

	c = EVP_MD_CTX_new();
	if (c == NULL || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) || !EVP_DigestUpdate(c, file->ptr, base) ||
	    !EVP_DigestUpdate(c, tail.ptr, br[1] - base) || !EVP_DigestUpdate(c, tail.ptr + (br[2] - base), br[3]) ||
	    !EVP_DigestFinal_ex(c, md, NULL)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the document");
		goto done;
	}
	memset(&q, 0, sizeof(q));
	q.md = EVP_sha256();
	q.digest = md;
	q.digest_len = sizeof(md);
	if ((error = tamga__tsp_timestamp(&token, tsa_url, 0, &q)) < 0) {
		tamga__error_prefix("document time-stamp");
		goto done;
	}
	if (token.size > DOC_TS_RESERVE) {
		error = tamga__error_set(TAMGA_ELIMIT, "the document time-stamp (%zu bytes) is larger than the %u "
		                         "bytes reserved", token.size, DOC_TS_RESERVE);
		goto done;
	}
	for (i = 0; i < token.size; i++) {
		unsigned char *p = tail.ptr + (marks.contents - base) + 1 + 2 * i;

		p[0] = (unsigned char)hex[token.ptr[i] >> 4];
		p[1] = (unsigned char)hex[token.ptr[i] & 15];
	}
	*expires = token_expiry(&token);
	error = tamga__buf_append(token_out, token.ptr, token.size);
done:
	EVP_MD_CTX_free(c);
	tamga__pdf_update_free(up);
	tamga__pdf_close(doc);
	if (error == 0)
		error = tamga__buf_append(file, tail.ptr, tail.size);
	tamga_buf_dispose(&tail);
	tamga_buf_dispose(&token);
	return error;
}

/* ------------------------------------------------------------------ entry points */

static int load_given(struct ltv *l)
{
	size_t k;
	int j, error = 0;

	for (k = 0; error == 0 && k < l->o->crl_file_count; k++) {
		tamga_buf b = TAMGA_BUF_INIT;
		STACK_OF(X509_CRL) *crls = NULL;

		if ((error = tamga__file_read(&b, l->o->crl_files[k], CRL_FILE_MAX)) == 0)
			error = tamga__load_crls(&crls, b.ptr, b.size, l->o->crl_files[k]);
		tamga_buf_dispose(&b);
		for (j = 0; error == 0 && j < sk_X509_CRL_num(crls); j++)
			if ((error = crl_keep(l->given, sk_X509_CRL_value(crls, j))) == 0 &&
			    (error = crl_keep(l->crls, sk_X509_CRL_value(crls, j))) == 0)
				error = item_crl(l, sk_X509_CRL_value(crls, j), &l->global);
		sk_X509_CRL_pop_free(crls, X509_CRL_free);
	}
	return error;
}

/* Whether the catalog's /DSS /Certs already holds x. */
static int dss_has_cert(const tamga_buf *file, X509 *x)
{
	unsigned char *der = NULL, md[32], got[32];
	int len = i2d_X509(x, &der), found = 0;
	pdf_doc *doc = NULL;
	pdf_obj *root = NULL, *dss = NULL, *certs = NULL;
	size_t i;

	if (len <= 0 || !EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL))
		goto done;
	if (tamga__pdf_open(&doc, file->ptr, file->size, NULL) < 0 || tamga__pdf_catalog(doc, &root) < 0 ||
	    tamga__pdf_dict_resolve(doc, root, "DSS", &dss) < 0 || dss == NULL ||
	    tamga__pdf_dict_resolve(doc, dss, "Certs", &certs) < 0 || certs == NULL || certs->type != PDF_ARRAY)
		goto done;
	for (i = 0; !found && i < certs->u.array.len; i++) {
		tamga_buf data = TAMGA_BUF_INIT;
		pdf_obj *s = NULL;

		if (tamga__pdf_resolve(doc, certs->u.array.items[i], &s) == 0 && s->type == PDF_STREAM &&
		    tamga__pdf_stream_decode(doc, s, &data) == 0 &&
		    EVP_Digest(data.ptr, data.size, got, NULL, EVP_sha256(), NULL))
			found = memcmp(md, got, sizeof(md)) == 0;
		tamga_buf_dispose(&data);
	}
done:
	tamga__pdf_close(doc);
	OPENSSL_free(der);
	tamga_error_clear();
	ERR_clear_error();
	return found;
}

/*
 * After a document time-stamp: when its TSA's certificate is not in the
 * /DSS yet (a TSA no signature of the document used), one more update with
 * that TSA's validation data, so the new time-stamp validates offline too.
 * When it is there (the usual case: the signature's own TSA) the data is
 * there as well and the time-stamp stays the file's last revision.
 */
static int new_tsa_data(struct ltv *l, tamga_buf *file, const tamga_buf *token)
{
	struct tamga__ltv_subject s;
	struct idlist vri = { NULL, 0, 0 };
	CMS_ContentInfo *cms = cms_parse(token->ptr, token->size);
	X509 *tsa = cms ? cms_signer(l, cms) : NULL;
	int error = 0;

	if (tsa == NULL || dss_has_cert(file, tsa))
		goto done;
	memset(&s, 0, sizeof(s));
	s.der = token->ptr;
	s.len = token->size;
	s.signer = tsa;
	s.timestamp = 1;
	s.id = l->o->field_name ? l->o->field_name : "the document time-stamp";
	if ((error = do_subject(l, &s, &vri)) == 0)
		error = dss_update(l, file, &s, &vri, 1);
done:
	free(vri.v);
	CMS_ContentInfo_free(cms);
	return error;
}

int tamga__pdf_ltv_run(tamga_buf *file, const struct tamga__ltv_subject *subjects, size_t count,
                       const struct tamga__pdf_ltv *o, struct tamga__ltv_stats *stats)
{
	struct ltv l;
	struct idlist *vris = NULL;
	tamga_buf token = TAMGA_BUF_INIT;
	size_t i;
	int error;

	memset(&l, 0, sizeof(l));
	l.o = o;
	l.st = stats;
	l.now = o->now ? o->now : tamga_time_now();
	if (o->revocation < TAMGA_REVDATA_AUTO || o->revocation > TAMGA_REVDATA_BOTH) {
		error = tamga__error_set(TAMGA_EINVAL, "unknown revocation data choice %d", o->revocation);
		goto done;
	}
	if ((l.pool = sk_X509_new_null()) == NULL || (l.given = sk_X509_CRL_new_null()) == NULL ||
	    (l.crls = sk_X509_CRL_new_null()) == NULL || (count > 0 && (vris = calloc(count, sizeof(*vris))) == NULL)) {
		error = tamga__error_oom();
		goto done;
	}
	if ((error = tamga__fetch_cache_new(&l.cache)) < 0 || (error = load_given(&l)) < 0)
		goto done;
	for (i = 0; i < count; i++)
		if ((error = do_subject(&l, &subjects[i], &vris[i])) < 0)
			goto done;
	if (count > 0 && (error = dss_update(&l, file, subjects, vris, count)) < 0)
		goto done;
	if (o->tsa_url != NULL) {
		if ((error = doc_timestamp(file, o->tsa_url, o->field_name ? o->field_name : "Tamga DocTimeStamp",
		                           &stats->timestamp_expires, &token)) < 0)
			goto done;
		stats->timestamped = 1;
		if ((error = new_tsa_data(&l, file, &token)) < 0)
			goto done;
	}
done:
	tamga_buf_dispose(&token);
	for (i = 0; vris != NULL && i < count; i++)
		free(vris[i].v);
	free(vris);
	for (i = 0; i < l.nitems; i++)
		free(l.items[i].der);
	free(l.items);
	for (i = 0; i < l.nrevs; i++) {
		X509_free(l.revs[i].cert);
		free(l.revs[i].items.v);
	}
	free(l.revs);
	free(l.global.v);
	tamga__fetch_cache_free(l.cache);
	sk_X509_pop_free(l.pool, X509_free);
	sk_X509_CRL_pop_free(l.given, X509_CRL_free);
	sk_X509_CRL_pop_free(l.crls, X509_CRL_free);
	return error;
}

/* Signing (pdf.h): the new signature is the one subject; its time-stamp
 * was checked a moment ago, so its genTime is the proof of existence. */
int tamga__pdf_ltv(tamga_buf *file, const unsigned char *cms, size_t cms_len, const struct tamga__pdf_ltv *o)
{
	struct tamga__ltv_subject s;
	struct tamga__ltv_stats st;
	STACK_OF(X509) *chain = sk_X509_new_null();
	CMS_ContentInfo *parsed = NULL;
	size_t k;
	int error = 0;

	memset(&s, 0, sizeof(s));
	memset(&st, 0, sizeof(st));
	if (chain == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	s.der = cms;
	s.len = cms_len;
	s.id = o->field_name ? o->field_name : "the new signature";
	if (o->signer != NULL) {
		s.signer = tamga__cert_x509(tamga_signer_cert(o->signer));
		for (k = 0; k < tamga_signer_chain_length(o->signer); k++)
			if (!sk_X509_push(chain, tamga__cert_x509(tamga_signer_chain_cert(o->signer, k)))) {
				error = tamga__error_oom();
				goto done;
			}
		s.extra = chain;
	}
	if ((parsed = cms_parse(cms, cms_len)) != NULL) {
		STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(parsed);
		int loc;

		/* The earliest signature time-stamp's genTime. */
		if (sk_CMS_SignerInfo_num(sis) > 0) {
			CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);

			for (loc = -1; (loc = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, loc)) >= 0;) {
				ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, loc), 0);
				CMS_ContentInfo *tok;
				tamga_time when;

				if (t == NULL || t->type != V_ASN1_SEQUENCE ||
				    (tok = cms_parse(t->value.sequence->data, (size_t)t->value.sequence->length)) == NULL)
					continue;
				when = token_time(tok);
				CMS_ContentInfo_free(tok);
				if (when != 0 && (s.poe == 0 || when < s.poe))
					s.poe = when;
			}
		}
	}
	error = tamga__pdf_ltv_run(file, &s, 1, o, &st);
done:
	CMS_ContentInfo_free(parsed);
	sk_X509_free(chain);
	tamga_buf_dispose(&st.notes);
	return error;
}
