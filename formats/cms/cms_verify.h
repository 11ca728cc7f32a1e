/*
 * formats/cms/cms_verify.h - checking a CMS signature container's integrity
 * (RFC 5652, ETSI EN 319 122-1 CAdES, RFC 3161 tokens), for the verifier.
 * (internal)
 *
 * Integrity only: digests, the signature value with the signer
 * certificate's key, the signing-certificate(-v2) binding, algorithm
 * consistency and strength.  Trust (paths, revocation, time) is the
 * verifier's, with the certificates and material found here.
 */
#ifndef TAMGA_FORMATS_CMS_CMS_VERIFY_H
#define TAMGA_FORMATS_CMS_CMS_VERIFY_H

#include <openssl/x509.h>

#include <tamga/common.h>

#include "formats/evidence.h"

/* Why integrity failed, in ETSI EN 319 102-1 sub-indication words. */
typedef enum {
	TAMGA__CMS_OK = 0,
	TAMGA__CMS_FORMAT_FAILURE,      /* not DER/BER CMS, not SignedData, not exactly one
	                                   signer, missing mandatory attribute, ... */
	TAMGA__CMS_HASH_FAILURE,        /* messageDigest (or the imprint) != digest of the content */
	TAMGA__CMS_SIG_CRYPTO_FAILURE,  /* the signature value does not verify with the key */
	TAMGA__CMS_NO_SIGNING_CERTIFICATE_FOUND, /* signer certificate not among the certificates */
	TAMGA__CMS_SIG_CONSTRAINTS_FAILURE, /* signing-certificate(-v2) does not bind the signer
	                                   certificate; algorithm identifiers inconsistent */
	TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE /* weak algorithm per policy (MD5; SHA-1 signature
	                                   after the cut-off; RSA < 2048) */
} tamga__cms_status;

/* "FORMAT_FAILURE", "HASH_FAILURE", ...; "OK". */
const char *tamga__cms_status_name(tamga__cms_status status);

/* A time-stamp token found in (or being) the container. */
struct tamga__cms_timestamp {
	tamga__cms_status status;       /* its own integrity (imprint, signature, ESS cert id) */
	char *message;                  /* why, when status != OK; else NULL */
	tamga_time gen_time;            /* TSTInfo genTime (0 when unreadable) */
	char *policy;                   /* TSTInfo policy, dotted */
	char *serial;                   /* TSTInfo serialNumber, hex */
	X509 *tsa_cert;                 /* the token's signer certificate (owned), NULL if not found */
	STACK_OF(X509) *certs;          /* every certificate in the token (owned) */
	const char *digest;             /* imprint hash: "sha256", ... */
};

struct tamga__cms_result {
	tamga__cms_status status;       /* integrity of the signature itself */
	char *message;                  /* why, when status != OK: names what failed */
	X509 *signer;                   /* the signer certificate (owned), NULL if not found */
	STACK_OF(X509) *certs;          /* every certificate in the container (owned) */
	STACK_OF(X509_CRL) *crls;       /* CRLs: SignedData crls and adbe-revocationInfoArchival */
	struct tamga__blob *ocsps;      /* OCSP responses (DER) from adbe-revocationInfoArchival */
	size_t ocsp_count;
	const char *digest;             /* the signer's digest algorithm: "sha256", "sha1", ... */
	const char *signature_alg;      /* "rsa-pkcs1", "rsa-pss", "ecdsa", "ed25519", ... */
	int key_bits;                   /* the signer key's size in bits (EVP_PKEY_get_bits), 0 unknown */
	int has_signing_certificate;    /* 1 when ESS signing-certificate(-v2) is present (and bound) */
	int has_signed_attributes;
	tamga_time signing_time;        /* signingTime attribute (claimed), 0 when absent */
	/* Signature time-stamps (unsigned attribute id-aa-signatureTimeStampToken,
	 * imprint over the SignerInfo's signature value); for kind
	 * TAMGA__SIG_DOC_TIMESTAMP, the container itself is timestamps[0]. */
	struct tamga__cms_timestamp *timestamps;
	size_t timestamp_count;
	char **warnings;                /* e.g. "SHA-1 digest", "signingTime attribute present" */
	size_t warning_count;
};

/*
 * Check the container der (as found in the document) against the covered
 * bytes: data[ranges[i].offset .. + len) concatenated, in order.
 * kind selects how the content is bound (see tamga__sig_kind).
 * extra_certs (may be NULL) are searched for the signer certificate when
 * the container lacks it (e.g. a DSS).
 *
 * Returns 0 when the check ran, whatever the verdict (in r->status; r must
 * be freed with tamga__cms_result_free even on error); a negative code only
 * for out-of-memory or bad arguments.  Never trusts anything the container
 * says about time.
 */
int tamga__cms_verify(struct tamga__cms_result *r, const unsigned char *der, size_t der_len,
                      tamga__sig_kind kind, const unsigned char *data, size_t data_len,
                      const struct tamga__range *ranges, size_t range_count,
                      const STACK_OF(X509) *extra_certs);

void tamga__cms_result_free(struct tamga__cms_result *r);

#endif
