/*
 * pki/fetch.c - fetching CRLs (CRL distribution points, GET) and OCSP
 * responses (AIA OCSP, POST application/ocsp-request), with a per-run cache.
 *
 * Only URLs written in the certificates are ever contacted, and only
 * http:// ones: revocation data is signed, so TLS adds nothing, and an
 * https:// or other URL in a hostile certificate must not make the
 * verifier speak anything else.  Answers are bounded (CRLs 10 MiB, OCSP
 * 64 KiB), redirects are not followed (common/http.c), and failures are
 * cached for a minute so a dead server costs one time-out per run, not one
 * per signature.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "common/error.h"
#include "common/http.h"
#include "pki/validate_internal.h"

#define CRL_MAX_RESPONSE (10u * 1024u * 1024u)
#define URL_MAX 2048
#define MAX_URLS 8
#define FAILURE_TTL 60   /* seconds a failed fetch is remembered */
#define NO_NEXT_TTL 300  /* seconds an answer without nextUpdate is reused */

struct entry {
	char *key;
	STACK_OF(X509_CRL) *crls;   /* CRL entries */
	unsigned char *der;         /* OCSP entries */
	size_t der_len;
	int code;                   /* a failure: the error code and message */
	char *message;
	tamga_time fresh_until;
	struct entry *next;
};

struct tamga__fetch_cache {
	struct entry *head;
};

int tamga__fetch_cache_new(tamga__fetch_cache **out)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return tamga__error_oom();
	return 0;
}

static void entry_free(struct entry *e)
{
	free(e->key);
	sk_X509_CRL_pop_free(e->crls, X509_CRL_free);
	free(e->der);
	free(e->message);
	free(e);
}

void tamga__fetch_cache_free(tamga__fetch_cache *cache)
{
	struct entry *e, *next;

	if (cache == NULL)
		return;
	for (e = cache->head; e != NULL; e = next) {
		next = e->next;
		entry_free(e);
	}
	free(cache);
}

/* The fresh entry for key; stale ones are dropped. */
static struct entry *lookup(tamga__fetch_cache *cache, const char *key)
{
	struct entry **p, *e;
	tamga_time now = tamga_time_now();

	for (p = &cache->head; (e = *p) != NULL; p = &e->next) {
		if (strcmp(e->key, key) != 0)
			continue;
		if (e->fresh_until > now)
			return e;
		*p = e->next;
		entry_free(e);
		return NULL;
	}
	return NULL;
}

static struct entry *insert(tamga__fetch_cache *cache, const char *key)
{
	struct entry *e = calloc(1, sizeof(*e));

	if (e == NULL || (e->key = tamga__strdup(key)) == NULL) {
		free(e);
		return NULL;
	}
	e->next = cache->head;
	cache->head = e;
	return e;
}

/* Remember the current error for key (best effort); returns its code. */
static int remember_failure(tamga__fetch_cache *cache, const char *key)
{
	const tamga_error *err = tamga_error_last();
	int code = err->code < 0 ? err->code : TAMGA_EIO;
	char *message;
	struct entry *e;

	if (code == TAMGA_ENOMEM || (message = strdup(err->message)) == NULL)
		return code;
	if ((e = insert(cache, key)) == NULL) {
		free(message);
		return code;
	}
	e->code = code;
	e->message = message;
	e->fresh_until = tamga_time_now() + FAILURE_TTL;
	return code;
}

static int replay_failure(const struct entry *e)
{
	return tamga__error_set(e->code, "%s", e->message ? e->message : "fetching failed before");
}

/* ------------------------------------------------------------ URLs */

static int url_ok(const char *url, size_t len)
{
	size_t i;

	if (len < 8 || len > URL_MAX || strncasecmp(url, "http://", 7) != 0)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)url[i] <= 0x20 || (unsigned char)url[i] >= 0x7f)
			return 0;
	return 1;
}

static int urls_add(char ***list, size_t *n, const char *url, size_t len)
{
	char **grown, *copy;

	if (!url_ok(url, len) || *n >= MAX_URLS)
		return 0;
	if ((grown = realloc(*list, (*n + 2) * sizeof(*grown))) == NULL)
		return tamga__error_oom();
	*list = grown;
	if ((copy = malloc(len + 1)) == NULL)
		return tamga__error_oom();
	memcpy(copy, url, len);
	copy[len] = '\0';
	grown[(*n)++] = copy;
	grown[*n] = NULL;
	return 0;
}

void tamga__urls_free(char **urls)
{
	size_t i;

	for (i = 0; urls != NULL && urls[i] != NULL; i++)
		free(urls[i]);
	free(urls);
}

int tamga__cert_crl_urls(char ***out, X509 *x)
{
	STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
	size_t n = 0;
	int i, j, error = 0;

	*out = NULL;
	for (i = 0; i < sk_DIST_POINT_num(dps) && error == 0; i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);

		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		for (j = 0; j < sk_GENERAL_NAME_num(dp->distpoint->name.fullname) && error == 0; j++) {
			GENERAL_NAME *gn = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, j);

			if (gn->type == GEN_URI)
				error = urls_add(out, &n, (const char *)ASN1_STRING_get0_data(gn->d.uniformResourceIdentifier),
				                 (size_t)ASN1_STRING_length(gn->d.uniformResourceIdentifier));
		}
	}
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	ERR_clear_error();
	if (error < 0) {
		tamga__urls_free(*out);
		*out = NULL;
	}
	return error;
}

int tamga__cert_ocsp_urls(char ***out, X509 *x)
{
	AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	size_t n = 0;
	int i, error = 0;

	*out = NULL;
	for (i = 0; i < sk_ACCESS_DESCRIPTION_num(aia) && error == 0; i++) {
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);

		if (OBJ_obj2nid(ad->method) == NID_ad_OCSP && ad->location->type == GEN_URI)
			error = urls_add(out, &n, (const char *)ASN1_STRING_get0_data(ad->location->d.uniformResourceIdentifier),
			                 (size_t)ASN1_STRING_length(ad->location->d.uniformResourceIdentifier));
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	ERR_clear_error();
	if (error < 0) {
		tamga__urls_free(*out);
		*out = NULL;
	}
	return error;
}

/* ------------------------------------------------------------ CRLs */

static int copy_crls(STACK_OF(X509_CRL) **out, STACK_OF(X509_CRL) *from)
{
	int i;

	if ((*out = sk_X509_CRL_new_null()) == NULL)
		return tamga__error_oom();
	for (i = 0; i < sk_X509_CRL_num(from); i++) {
		X509_CRL *crl = sk_X509_CRL_value(from, i);

		if (!sk_X509_CRL_push(*out, crl))
			return tamga__error_oom();
		X509_CRL_up_ref(crl);
	}
	return 0;
}

/* Fresh while every CRL's nextUpdate is ahead. */
static tamga_time crls_fresh_until(STACK_OF(X509_CRL) *crls)
{
	tamga_time until = tamga_time_now() + NO_NEXT_TTL;
	int i, any = 0;

	for (i = 0; i < sk_X509_CRL_num(crls); i++) {
		const ASN1_TIME *next = X509_CRL_get0_nextUpdate(sk_X509_CRL_value(crls, i));
		tamga_time t = next ? tamga__asn1_time_get(next) : 0;

		if (t != 0 && (!any || t < until)) {
			until = t;
			any = 1;
		}
	}
	return until;
}

int tamga__fetch_crls(STACK_OF(X509_CRL) **out, tamga__fetch_cache *cache, const char *url, long timeout)
{
	struct tamga__http_limits lim = { timeout, timeout, CRL_MAX_RESPONSE, NULL };
	STACK_OF(X509_CRL) *crls = NULL;
	tamga_buf body = TAMGA_BUF_INIT, key = TAMGA_BUF_INIT;
	struct entry *e;
	char shown[256];
	int error;

	*out = NULL;
	if (!url_ok(url, strlen(url)))
		return tamga__error_set(TAMGA_EINVAL, "%.200s: only http:// URLs are fetched", url);
	if ((error = tamga__buf_printf(&key, "crl %s", url)) < 0)
		return error;
	if ((e = lookup(cache, (const char *)key.ptr)) != NULL) {
		error = e->crls ? copy_crls(out, e->crls) : replay_failure(e);
		goto done;
	}
	tamga__http_url_for_message(shown, sizeof(shown), url);
	if ((error = tamga__http_get(&body, url, &lim)) < 0 ||
	    (error = tamga__load_crls(&crls, body.ptr, body.size, shown)) < 0) {
		if (error != TAMGA_ENOMEM && tamga_error_last()->message != NULL &&
		    strstr(tamga_error_last()->message, shown) == NULL)
			tamga__error_prefix("%s", shown);
		error = remember_failure(cache, (const char *)key.ptr);
		goto done;
	}
	if ((e = insert(cache, (const char *)key.ptr)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	e->crls = crls;
	e->fresh_until = crls_fresh_until(crls);
	crls = NULL;
	error = copy_crls(out, e->crls);
done:
	if (error < 0 && *out != NULL) {
		sk_X509_CRL_pop_free(*out, X509_CRL_free);
		*out = NULL;
	}
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	tamga_buf_dispose(&body);
	tamga_buf_dispose(&key);
	return error;
}

/* ------------------------------------------------------------ OCSP */

/* "ocsp <sha1 of the issuer's key> <serial>" */
static int ocsp_key(tamga_buf *key, X509 *cert, X509 *issuer)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	unsigned int n = 0;
	char *serial;
	int error;

	if (!X509_pubkey_digest(issuer, EVP_sha1(), md, &n))
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the issuer's key");
	tamga__hex(hex, md, n);
	if ((serial = tamga__serial_hex(X509_get0_serialNumber(cert))) == NULL)
		return tamga__error_oom();
	error = tamga__buf_printf(key, "ocsp %s %s", hex, serial);
	free(serial);
	return error;
}

int tamga__fetch_ocsp(tamga_buf *out, tamga__fetch_cache *cache, const char *url, X509 *cert, X509 *issuer,
                      long timeout)
{
	static const char *const types[] = { "application/ocsp-response", NULL };
	struct tamga__http_limits lim = { timeout, timeout, TAMGA__OCSP_MAX_RESPONSE, types };
	tamga_buf req = TAMGA_BUF_INIT, body = TAMGA_BUF_INIT, key = TAMGA_BUF_INIT;
	struct entry *e;
	tamga_time next;
	int error;

	if (!url_ok(url, strlen(url)))
		return tamga__error_set(TAMGA_EINVAL, "%.200s: only http:// URLs are fetched", url);
	if ((error = ocsp_key(&key, cert, issuer)) < 0)
		goto done;
	if ((e = lookup(cache, (const char *)key.ptr)) != NULL) {
		error = e->der ? tamga__buf_append(out, e->der, e->der_len) : replay_failure(e);
		goto done;
	}
	if ((error = tamga__ocsp_request(&req, cert, issuer)) < 0)
		goto done;
	if ((error = tamga__http_post(&body, url, "application/ocsp-request", req.ptr, req.size, &lim)) < 0) {
		error = remember_failure(cache, (const char *)key.ptr);
		goto done;
	}
	if ((e = insert(cache, (const char *)key.ptr)) == NULL || (e->der = malloc(body.size ? body.size : 1)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	memcpy(e->der, body.ptr, body.size);
	e->der_len = body.size;
	next = tamga__ocsp_next_update(body.ptr, body.size);
	e->fresh_until = next > tamga_time_now() ? next : tamga_time_now() + NO_NEXT_TTL;
	error = tamga__buf_append(out, body.ptr, body.size);
done:
	tamga_buf_dispose(&req);
	tamga_buf_dispose(&body);
	tamga_buf_dispose(&key);
	return error;
}
