/*
 * pki/revocation.h - path validation with the material a signed document
 * brings, OCSP, and online fetching of revocation data.  (internal)
 *
 * tamga_trust_validate() checks a path against the store alone.  The
 * verifier also has certificates and CRLs from the signature container and
 * the document's DSS, OCSP responses, a proof of existence (a verified
 * time-stamp) and, unless offline, the network: only the URLs written in
 * the certificates (CRL distribution points, AIA OCSP), http:// only,
 * with timeouts, size limits and a cache.
 */
#ifndef TAMGA_PKI_REVOCATION_H
#define TAMGA_PKI_REVOCATION_H

#include <openssl/x509.h>

#include <tamga/trust.h>

#include "formats/evidence.h"

/* Fetched CRLs and OCSP responses, kept for one verifier run (shared by all
 * signatures of all files of a batch).  Keyed by URL (CRL) and by issuer +
 * serial (OCSP); an entry is reused while it is fresh (nextUpdate ahead). */
typedef struct tamga__fetch_cache tamga__fetch_cache;

int tamga__fetch_cache_new(tamga__fetch_cache **out);
void tamga__fetch_cache_free(tamga__fetch_cache *cache);

struct tamga__validate_extra {
	STACK_OF(X509) *intermediates;    /* for building paths only (never anchors); may be NULL */
	STACK_OF(X509_CRL) *crls;         /* used like the store's CRLs; may be NULL */
	const struct tamga__blob *ocsps;  /* OCSP responses (DER), from the document */
	size_t ocsp_count;
	/*
	 * The validation time (options->at) is a proof of existence of the
	 * signature (a verified time-stamp's genTime), not the present: CRLs
	 * and OCSP responses produced after it are usable, and a revocation
	 * dated after it does not fail the path (it becomes a warning).
	 */
	int poe;
	int online;                       /* fetch from CDP / AIA OCSP when no usable data */
	tamga__fetch_cache *cache;        /* required when online */
	long timeout_seconds;             /* per request; 0 = 10 */
};

/* What revocation checking of the end-entity certificate relied on. */
typedef enum {
	TAMGA__REV_UNKNOWN = 0,           /* not checked, or no data */
	TAMGA__REV_GOOD = 1,
	TAMGA__REV_REVOKED = 2
} tamga__rev_status;

typedef enum {
	TAMGA__REV_SRC_NONE = 0,
	TAMGA__REV_SRC_CRL = 1,           /* the store's CRL or one fetched from a CDP */
	TAMGA__REV_SRC_OCSP = 2,          /* fetched OCSP */
	TAMGA__REV_SRC_EMBEDDED = 3       /* CRL or OCSP from the document */
} tamga__rev_source;

/* "good", "revoked", "unknown"; "crl", "ocsp", "embedded", "none". */
const char *tamga__rev_status_name(tamga__rev_status s);
const char *tamga__rev_source_name(tamga__rev_source s);

/*
 * As tamga_trust_validate(), with extra material.  The result carries
 * the end entity's revocation status and source (below).  With poe set
 * and the certificate revoked after options->at, the path is VALID with a
 * warning naming the revocation time.
 */
int tamga__trust_validate_ex(tamga_validation **out, const tamga_trust *trust, X509 *cert,
                             const tamga_validate_options *options, const struct tamga__validate_extra *extra);

tamga__rev_status tamga__validation_rev_status(const tamga_validation *v);
tamga__rev_source tamga__validation_rev_source(const tamga_validation *v);
/* Revocation time of the end entity when revoked (also when after a POE), else 0. */
tamga_time tamga__validation_rev_time(const tamga_validation *v);

#endif
