/*
 * pki/ltvdata.c - the validation data of a signature for a long-term level
 * (ETSI EN 319 142-1 §5.4 PAdES B-LT, EN 319 132-1 §5.5 XAdES B-LT),
 * gathered without regard to where it goes (pki/ltvdata.h).
 *
 * For each subject (a signature: its CMS or, for XML-DSig, its signer and
 * time-stamp token; or a time-stamp token) the paths of its signer and of
 * its time-stamp authorities are built from the certificates at hand (an
 * issuer missing there is fetched from the AIA caIssuers URL).  Each
 * non-root certificate of those paths gets revocation data (tamga_revdata):
 * an OCSP response from its AIA OCSP URL, checked by pki/ocsp.c before it
 * is kept, and/or the CRLs of its issuer (the caller's files, else its CRL
 * distribution points).  A delegated OCSP responder without
 * id-pkix-ocsp-nocheck brings its own CRL.
 *
 *   items[]  one DER object each (certificate, CRL, OCSP response), once
 *   ids      per subject: the items it needs
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
#include "pki/ltvdata.h"
#include "pki/pki.h"
#include "pki/revocation.h"
#include "pki/validate_internal.h"

#define CRL_FILE_MAX ((size_t)10 << 20)
#define CERT_FETCH_MAX ((size_t)1 << 20)
#define FETCH_TIMEOUT 10
#define MAX_PATH 12           /* certificates in one path we follow */
#define MAX_ITEMS 4096        /* objects one run may gather */

static void time_text(char *out, tamga_time t)
{
	tamga_time_format(out, t);
}
/* ------------------------------------------------------------------ the material */

/* What is known of one certificate's revocation. */
struct tamga__ltv_rev {
	X509 *cert;               /* a reference */
	struct tamga__ltv_ids items;      /* CRLs, OCSP responses (and a responder's certificate and CRLs) */
	int revoked;
	tamga_time when;
	long reason;
	const char *how;          /* "OCSP" or "CRL" */
};


static int idlist_add(struct tamga__ltv_ids *l, size_t id)
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

static int idlist_merge(struct tamga__ltv_ids *to, const struct tamga__ltv_ids *from)
{
	size_t i;
	int error;

	for (i = 0; i < from->n; i++)
		if ((error = idlist_add(to, from->v[i])) < 0)
			return error;
	return 0;
}

/* The item for this DER (deduplicated by kind and SHA-256); *out its index. */
static int item_add(struct tamga__ltvdata *l, int kind, const unsigned char *der, size_t len, size_t *out)
{
	unsigned char md[32];
	struct tamga__ltv_item *it;
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
		struct tamga__ltv_item *v = realloc(l->items, cap * sizeof(*v));

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

static int item_cert(struct tamga__ltvdata *l, X509 *x, struct tamga__ltv_ids *to)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der), error;
	size_t id;

	if (len <= 0)
		return tamga__error_openssl(TAMGA_ENOMEM, "cannot encode a certificate");
	error = item_add(l, TAMGA__LTV_CERT, der, (size_t)len, &id);
	OPENSSL_free(der);
	return error < 0 ? error : idlist_add(to, id);
}

static int item_crl(struct tamga__ltvdata *l, X509_CRL *c, struct tamga__ltv_ids *to)
{
	unsigned char *der = NULL;
	int len = i2d_X509_CRL(c, &der), error;
	size_t id;

	if (len <= 0)
		return tamga__error_openssl(TAMGA_ENOMEM, "cannot encode a CRL");
	error = item_add(l, TAMGA__LTV_CRL, der, (size_t)len, &id);
	OPENSSL_free(der);
	return error < 0 ? error : idlist_add(to, id);
}

/* x into the pool (a new reference) unless an equal one is there; *out the pool's. */
static int pool_add(struct tamga__ltvdata *l, X509 *x, X509 **out)
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

static X509 *pool_issuer(struct tamga__ltvdata *l, X509 *x)
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
static X509 *fetch_issuer(struct tamga__ltvdata *l, X509 *x)
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

static int note(struct tamga__ltvdata *l, tamga_buf *to, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int note(struct tamga__ltvdata *l, tamga_buf *to, const char *fmt, ...)
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

static int rev_for(struct tamga__ltvdata *l, X509 *x, X509 *issuer, int crl_only, struct tamga__ltv_rev **out);

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
static int ocsp_responder(struct tamga__ltvdata *l, size_t idx, const tamga_buf *der, X509 *issuer)
{
	const unsigned char *p = der->ptr;
	OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)der->size);
	OCSP_BASICRESP *bs = resp ? OCSP_response_get1_basic(resp) : NULL;
	X509 *signer = NULL, *kept = NULL;
	struct tamga__ltv_rev *rr = NULL;
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
static int rev_ocsp(struct tamga__ltvdata *l, size_t idx, X509 *x, X509 *issuer, tamga_buf *why, int *got, int *named)
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
			struct tamga__ltv_rev *r = &l->revs[idx];

			if (!a.usable || a.status == V_OCSP_CERTSTATUS_UNKNOWN) {
				error = note(l, why, "OCSP %s: %s", urls[u],
				             !a.usable && reason.size ? (const char *)reason.ptr : "status unknown");
			} else if ((error = item_add(l, TAMGA__LTV_OCSP, der.ptr, der.size, &id)) == 0 &&
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
static int rev_crl(struct tamga__ltvdata *l, struct tamga__ltv_rev *r, X509 *x, X509 *issuer, tamga_buf *why, int *got)
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
static int rev_for(struct tamga__ltvdata *l, X509 *x, X509 *issuer, int crl_only, struct tamga__ltv_rev **out)
{
	int mode = crl_only ? TAMGA_REVDATA_CRL : l->revocation;
	tamga_buf why = TAMGA_BUF_INIT;
	struct tamga__ltv_rev *r;
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
		struct tamga__ltv_rev *v = realloc(l->revs, cap * sizeof(*v));

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

CMS_ContentInfo *tamga__ltvdata_cms_parse(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = len <= 0x7fffffff ? d2i_CMS_ContentInfo(NULL, &p, (long)len) : NULL;

	ERR_clear_error();
	return cms;
}

/* The certificate the first SignerInfo names: among the CMS's own, then the pool. */
X509 *tamga__ltvdata_cms_signer(struct tamga__ltvdata *l, CMS_ContentInfo *cms)
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

static int cms_certs(struct tamga__ltvdata *l, CMS_ContentInfo *cms, struct tamga__ltv_ids *vri)
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

tamga_time tamga__ltvdata_token_time(CMS_ContentInfo *tok)
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
static int cms_tokens(struct tamga__ltvdata *l, CMS_ContentInfo *cms, struct tamga__ltv_ids *vri, STACK_OF(X509) *ends,
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
			    (tok = tamga__ltvdata_cms_parse(t->value.sequence->data, (size_t)t->value.sequence->length)) == NULL)
				continue;
			if ((error = cms_certs(l, tok, vri)) == 0 && (tsa = tamga__ltvdata_cms_signer(l, tok)) != NULL &&
			    !sk_X509_push(ends, tsa))
				error = tamga__error_oom();
			when = tamga__ltvdata_token_time(tok);
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
static int judge(struct tamga__ltvdata *l, const struct tamga__ltv_subject *s, X509 *ee, const struct tamga__ltv_rev *r)
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
		return note(l, l->notes, "signature '%s': its signer's certificate was revoked at %s (%s), after "
		            "its time-stamp of %s, so it stays valid on that proof of existence", s->id, when, reason,
		            poe);
	if (l->allow_revoked)
		return note(l, l->notes, "signature '%s': extended as asked although its signer's certificate "
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

/* A signature time-stamp token kept outside the signature (XAdES): its
 * certificates into the pool and vri, its signer appended to ends. */
static int outer_token(struct tamga__ltvdata *l, const struct tamga__ltv_subject *s, struct tamga__ltv_ids *vri,
                       STACK_OF(X509) *ends)
{
	CMS_ContentInfo *tok = tamga__ltvdata_cms_parse(s->token, s->token_len);
	X509 *tsa;
	int error = 0;

	if (tok == NULL)
		return tamga__error_set(TAMGA_EFORMAT, "LTV: the time-stamp of '%s' is not a CMS structure", s->id);
	if ((error = cms_certs(l, tok, vri)) == 0 && (tsa = tamga__ltvdata_cms_signer(l, tok)) != NULL &&
	    !sk_X509_push(ends, tsa))
		error = tamga__error_oom();
	CMS_ContentInfo_free(tok);
	return error;
}

/* One subject: its certificates, paths and revocation data into vri. */
int tamga__ltvdata_subject(struct tamga__ltvdata *l, const struct tamga__ltv_subject *s, struct tamga__ltv_ids *vri)
{
	CMS_ContentInfo *cms = s->der != NULL ? tamga__ltvdata_cms_parse(s->der, s->len) : NULL;
	STACK_OF(X509) *ends = sk_X509_new_null();
	X509 *ee = NULL;
	tamga_time earliest = 0;
	int i, error = 0;

	if (ends == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if (cms == NULL && (s->der != NULL || s->signer == NULL)) {
		error = tamga__error_set(TAMGA_EFORMAT, "LTV: '%s' is not a CMS structure", s->id);
		goto done;
	}
	if (cms != NULL && (error = cms_certs(l, cms, vri)) < 0)
		goto done;
	for (i = 0; i < sk_X509_num(s->extra); i++)
		if ((error = pool_add(l, sk_X509_value(s->extra, i), NULL)) < 0 ||
		    (error = item_cert(l, sk_X509_value(s->extra, i), vri)) < 0)
			goto done;
	if (s->signer != NULL && (error = pool_add(l, s->signer, &ee)) < 0)
		goto done;
	if (ee == NULL && (ee = tamga__ltvdata_cms_signer(l, cms)) == NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "LTV: the signer certificate of '%s' is not in it", s->id);
		goto done;
	}
	if (!sk_X509_push(ends, ee)) {
		error = tamga__error_oom();
		goto done;
	}
	if (cms != NULL && !s->timestamp && (error = cms_tokens(l, cms, vri, ends, &earliest)) < 0)
		goto done;
	if (s->token != NULL && (error = outer_token(l, s, vri, ends)) < 0)
		goto done;

	/* Each end's path up to a root (or as far as the issuers are known). */
	for (i = 0; i < sk_X509_num(ends); i++) {
		X509 *x = sk_X509_value(ends, i);
		int depth;

		for (depth = 0; x != NULL && depth < MAX_PATH; depth++) {
			X509 *issuer;
			struct tamga__ltv_rev *r;

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

/* ------------------------------------------------------------------ the run */

static int load_given(struct tamga__ltvdata *l)
{
	size_t k;
	int j, error = 0;

	for (k = 0; error == 0 && k < l->crl_file_count; k++) {
		tamga_buf b = TAMGA_BUF_INIT;
		STACK_OF(X509_CRL) *crls = NULL;

		if ((error = tamga__file_read(&b, l->crl_files[k], CRL_FILE_MAX)) == 0)
			error = tamga__load_crls(&crls, b.ptr, b.size, l->crl_files[k]);
		tamga_buf_dispose(&b);
		for (j = 0; error == 0 && j < sk_X509_CRL_num(crls); j++)
			if ((error = crl_keep(l->given, sk_X509_CRL_value(crls, j))) == 0 &&
			    (error = crl_keep(l->crls, sk_X509_CRL_value(crls, j))) == 0)
				error = item_crl(l, sk_X509_CRL_value(crls, j), &l->global);
		sk_X509_CRL_pop_free(crls, X509_CRL_free);
	}
	return error;
}

int tamga__ltvdata_init(struct tamga__ltvdata *l, const struct tamga__ltvdata_options *o, tamga_buf *notes)
{
	memset(l, 0, sizeof(*l));
	if (o == NULL || notes == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga__ltvdata_init: bad arguments");
	if (o->revocation < TAMGA_REVDATA_AUTO || o->revocation > TAMGA_REVDATA_BOTH)
		return tamga__error_set(TAMGA_EINVAL, "unknown revocation data choice %d", o->revocation);
	l->revocation = o->revocation;
	l->allow_revoked = o->allow_revoked;
	l->crl_files = o->crl_files;
	l->crl_file_count = o->crl_file_count;
	l->notes = notes;
	l->now = o->now ? o->now : tamga_time_now();
	if ((l->pool = sk_X509_new_null()) == NULL || (l->given = sk_X509_CRL_new_null()) == NULL ||
	    (l->crls = sk_X509_CRL_new_null()) == NULL)
		return tamga__error_oom();
	if (tamga__fetch_cache_new(&l->cache) < 0)
		return tamga_error_last()->code < 0 ? tamga_error_last()->code : TAMGA_ENOMEM;
	return load_given(l);
}

void tamga__ltvdata_dispose(struct tamga__ltvdata *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nitems; i++)
		free(l->items[i].der);
	free(l->items);
	for (i = 0; i < l->nrevs; i++) {
		X509_free(l->revs[i].cert);
		free(l->revs[i].items.v);
	}
	free(l->revs);
	free(l->global.v);
	tamga__fetch_cache_free(l->cache);
	sk_X509_pop_free(l->pool, X509_free);
	sk_X509_CRL_pop_free(l->given, X509_CRL_free);
	sk_X509_CRL_pop_free(l->crls, X509_CRL_free);
	memset(l, 0, sizeof(*l));
}
