/*
 * pki/validate_internal.h - what path validation (validate.c), revocation
 * checking (revocation.c), OCSP (ocsp.c) and fetching (fetch.c) share
 * (internal).
 */
#ifndef TAMGA_PKI_VALIDATE_INTERNAL_H
#define TAMGA_PKI_VALIDATE_INTERNAL_H

#include <openssl/x509.h>

#include "common/buf.h"
#include "pki/revocation.h"
#include "pki/trust_internal.h"

#define TAMGA__MAX_WARNINGS 8

struct tamga_validation {
	tamga_path_status status;
	tamga_path_reason reason;
	int depth;
	int openssl_code;
	char *message;
	char *warnings[TAMGA__MAX_WARNINGS];
	size_t warning_count;
	tamga_cert **chain;
	size_t chain_len;
	/* The end entity's revocation checking. */
	tamga__rev_status rev_status;
	tamga__rev_source rev_source;
	tamga_time rev_time;
};

/* validate.c: add a warning (silently dropped past TAMGA__MAX_WARNINGS). */
int tamga__validation_warn(tamga_validation *v, const char *text);

/* ------------------------------------------------------------ revocation.c */

/* "keyCompromise", ...; "unspecified" for -1. */
const char *tamga__rev_reason_name(long reason);

/* What is known of one certificate of the path during a validation: kept
 * across the two passes (before and after fetching CRLs), keyed by the
 * X509 object, which is the same in both. */
struct tamga__rev_record {
	X509 *cert;
	int ocsp_done;                 /* OCSP was looked at (embedded, then online) */
	tamga__rev_status ocsp_status; /* GOOD / REVOKED from a usable response, else UNKNOWN */
	tamga__rev_source ocsp_source;
	int revoked;                   /* revoked, by CRL or OCSP */
	tamga__rev_source rev_source;
	tamga_time rev_time;
	long rev_reason;               /* CRL reason code, -1 none */
	int after_poe;                 /* revoked after the proof of existence: a warning */
	int missing;                   /* pass 1: no usable data, CRLs to fetch */
	tamga_buf notes;               /* why there is no data: "; fetching URL: error" */
};

struct tamga__rev_run {
	const struct tamga__validate_extra *extra; /* never NULL (an empty one) */
	const tamga_trust *trust;
	STACK_OF(X509) *intermediates;  /* store's + document's (borrowed pointers) */
	STACK_OF(X509_CRL) *crls;       /* store's + fetched + document's (borrowed) */
	STACK_OF(X509_CRL) *fetched;    /* owned */
	tamga_time at;
	int poe, online, defer;         /* defer: pass 1, missing CRLs are collected */
	long timeout;
	struct tamga__rev_record *records;
	size_t record_count;
	int error;                      /* a negative code met inside the callback */
};

void tamga__rev_run_dispose(struct tamga__rev_run *run);
/* The X509_verify_cert callback; the run is the context's app data. */
int tamga__rev_verify_cb(int ok, X509_STORE_CTX *ctx);
struct tamga__rev_record *tamga__rev_record_find(const struct tamga__rev_run *run, const X509 *x);
/* Pass 1 left certificates without revocation data: fetch their CRLs.
 * Returns 1 when something was fetched (validate again), 0 when not, <0. */
int tamga__rev_fetch_missing(struct tamga__rev_run *run);
/* Whether crl came from the document (extra->crls). */
int tamga__rev_crl_embedded(const struct tamga__rev_run *run, const X509_CRL *crl);

/* ------------------------------------------------------------ ocsp.c */

#define TAMGA__OCSP_SKEW 300 /* seconds of clock skew allowed on thisUpdate */
#define TAMGA__OCSP_MAX_RESPONSE (64u * 1024u)

struct tamga__ocsp_answer {
	int usable;          /* the response counts for the certificate */
	int status;          /* V_OCSP_CERTSTATUS_GOOD, _REVOKED or _UNKNOWN */
	tamga_time revoked_at;
	long reason;         /* CRL reason code, -1 when none given */
	tamga_time this_update, next_update; /* next_update 0 when absent */
};

/*
 * Judge a DER OCSPResponse for cert (issued by issuer) at time at
 * (a proof of existence when poe).  The responder is the issuer itself or
 * a certificate the issuer issued for OCSPSigning, found in the response,
 * in others or being the issuer; its status is checked against crls
 * unless it carries id-pkix-ocsp-nocheck.  Returns 0 and fills *out
 * (out->usable 0 with the reason in why when it does not count), or a
 * negative code (out of memory).
 */
int tamga__ocsp_check(struct tamga__ocsp_answer *out, const unsigned char *der, size_t len, X509 *cert,
                      X509 *issuer, STACK_OF(X509) *others, STACK_OF(X509_CRL) *crls, tamga_time at, int poe,
                      tamga_buf *why);
/* A DER OCSPRequest for cert (SHA-1 CertID, no nonce: answers are cached). */
int tamga__ocsp_request(tamga_buf *out, X509 *cert, X509 *issuer);
/* Until when a response may be reused: the earliest nextUpdate, else 0. */
tamga_time tamga__ocsp_next_update(const unsigned char *der, size_t len);

/* ------------------------------------------------------------ fetch.c */

/* The http:// URLs of x's CRL distribution points / AIA OCSP entries,
 * malloc'd strings in a NULL-terminated malloc'd array (*out NULL when
 * there is none).  Free with tamga__urls_free. */
int tamga__cert_crl_urls(char ***out, X509 *x);
int tamga__cert_ocsp_urls(char ***out, X509 *x);
void tamga__urls_free(char **urls);

/* GET a CRL (DER or PEM, at most 10 MiB), through the cache.  *out holds
 * new references.  Errors name the URL. */
int tamga__fetch_crls(STACK_OF(X509_CRL) **out, tamga__fetch_cache *cache, const char *url, long timeout);
/* POST an OCSP request for cert to url, through the cache (keyed by the
 * issuer's key hash and the serial).  Errors name the URL. */
int tamga__fetch_ocsp(tamga_buf *out, tamga__fetch_cache *cache, const char *url, X509 *cert, X509 *issuer,
                      long timeout);

#endif
