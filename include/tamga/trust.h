/*
 * tamga/trust.h - trust store and certificate path validation.
 *
 * A trust store holds trust anchors, untrusted intermediates (used only to
 * build paths) and CRLs.  Validation builds a path from a certificate to an
 * anchor and checks it per RFC 5280 at a given time with OpenSSL's
 * X509_verify_cert (policy processing, extended CRL support, delta CRLs and
 * revocation checking of every certificate in the path switched on), then
 * applies what a document-signing validator adds: the end-entity
 * certificate must be fit for the purpose asked for.
 */
#ifndef TAMGA_TRUST_H
#define TAMGA_TRUST_H

#include "common.h"
#include "cert.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tamga_trust tamga_trust;

TAMGA_EXTERN(int) tamga_trust_new(tamga_trust **out);
TAMGA_EXTERN(void) tamga_trust_free(tamga_trust *trust);

/*
 * Adding material.  Files may be PEM (any number of objects) or DER (one
 * object); a file with no object of the expected kind is TAMGA_EFORMAT.
 * Every certificate is copied; the store does not keep the file.
 */
TAMGA_EXTERN(int) tamga_trust_add_anchors_file(tamga_trust *trust, const char *path);
TAMGA_EXTERN(int) tamga_trust_add_intermediates_file(tamga_trust *trust, const char *path);
TAMGA_EXTERN(int) tamga_trust_add_crls_file(tamga_trust *trust, const char *path);
TAMGA_EXTERN(int) tamga_trust_add_anchors_mem(tamga_trust *trust, const void *data, size_t len);
TAMGA_EXTERN(int) tamga_trust_add_intermediates_mem(tamga_trust *trust, const void *data, size_t len);
TAMGA_EXTERN(int) tamga_trust_add_crls_mem(tamga_trust *trust, const void *data, size_t len);
TAMGA_EXTERN(int) tamga_trust_add_anchor(tamga_trust *trust, const tamga_cert *cert);
TAMGA_EXTERN(int) tamga_trust_add_intermediate(tamga_trust *trust, const tamga_cert *cert);

/**
 * Add what a tamga CA directory publishes: its root as anchor, its CA and
 * service certificates as intermediates, and the newest CRL of each CA
 * from its database.
 */
TAMGA_EXTERN(int) tamga_trust_add_ca_dir(tamga_trust *trust, const char *dir);

/** Counts, for reports and tests. */
TAMGA_EXTERN(size_t) tamga_trust_anchor_count(const tamga_trust *trust);
TAMGA_EXTERN(size_t) tamga_trust_crl_count(const tamga_trust *trust);

/** What the end-entity certificate must be fit for. */
typedef enum {
	/** Key usage digitalSignature or nonRepudiation; no EKU, or one of
	 *  documentSigning (1.3.6.1.5.5.7.3.36), emailProtection,
	 *  anyExtendedKeyUsage, Adobe authentic documents (1.2.840.113583.1.1.5);
	 *  not a CA. */
	TAMGA_PURPOSE_DOCUMENT_SIGNING = 0,
	/** RFC 3161 §2.3: EKU timeStamping alone and critical; a keyUsage, when
	 *  present, allows digitalSignature or nonRepudiation. */
	TAMGA_PURPOSE_TIMESTAMPING = 1,
	/** RFC 6960 §4.2.2.2: EKU OCSPSigning; a keyUsage, when present,
	 *  allows digitalSignature. */
	TAMGA_PURPOSE_OCSP_SIGNING = 2,
	/** RFC 5280 path rules only: no key usage or EKU check of the end entity. */
	TAMGA_PURPOSE_ANY = 3
} tamga_purpose;

/** "document-signing", "timestamping", "ocsp-signing", "any". */
TAMGA_EXTERN(int) tamga_purpose_parse(tamga_purpose *out, const char *name);
TAMGA_EXTERN(const char *) tamga_purpose_name(tamga_purpose purpose);

typedef enum {
	/** Every certificate in the path needs a current CRL from the store;
	 *  none means the path cannot be validated (INDETERMINATE). */
	TAMGA_REVOCATION_REQUIRE = 0,
	/** No revocation checking: the result says so in a warning. */
	TAMGA_REVOCATION_NONE = 1
} tamga_revocation_mode;

#define TAMGA_VALIDATE_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	tamga_time at;                  /**< validation time; 0 = now */
	tamga_purpose purpose;          /**< default document signing */
	tamga_revocation_mode revocation;
	const char *const *policies;    /**< initial-policy-set (dotted OIDs); */
	size_t policies_count;          /**< none = any-policy */
	int explicit_policy;            /**< initial-explicit-policy */
	int inhibit_policy_mapping;     /**< initial-policy-mapping-inhibit */
	int inhibit_any_policy;         /**< initial-any-policy-inhibit */
} tamga_validate_options;

#define TAMGA_VALIDATE_OPTIONS_INIT { TAMGA_VALIDATE_OPTIONS_VERSION, 0, TAMGA_PURPOSE_DOCUMENT_SIGNING, \
                                      TAMGA_REVOCATION_REQUIRE, NULL, 0, 0, 0, 0 }

typedef enum {
	TAMGA_PATH_VALID = 0,
	TAMGA_PATH_INVALID = 1,        /**< the path is definitely not acceptable */
	TAMGA_PATH_INDETERMINATE = 2   /**< data is missing: no path, no revocation data */
} tamga_path_status;

/**
 * Why a path is not valid, in ETSI EN 319 102-1 sub-indication words where
 * one fits; the message gives the detail.
 */
typedef enum {
	TAMGA_PATH_OK = 0,
	TAMGA_PATH_NO_CERTIFICATE_CHAIN_FOUND = 1, /**< no path to a trust anchor */
	TAMGA_PATH_OUT_OF_BOUNDS = 2,       /**< a certificate expired before the validation time */
	TAMGA_PATH_NOT_YET_VALID = 3,       /**< a certificate not yet valid at the validation time */
	TAMGA_PATH_REVOKED = 4,             /**< the end-entity certificate is revoked (or on hold) */
	TAMGA_PATH_REVOKED_CA = 5,          /**< a CA certificate in the path is revoked */
	TAMGA_PATH_TRY_LATER = 6,           /**< no current revocation data */
	TAMGA_PATH_CHAIN_CONSTRAINTS_FAILURE = 7, /**< basic/name/policy constraints, CA key usage, critical extensions */
	TAMGA_PATH_CRYPTO_CONSTRAINTS_FAILURE = 8, /**< algorithm or key too weak */
	TAMGA_PATH_SIGNATURE_FAILURE = 9,   /**< a certificate or CRL signature does not verify */
	TAMGA_PATH_PURPOSE_FAILURE = 10,    /**< end entity not fit for the purpose */
	TAMGA_PATH_GENERAL_FAILURE = 11     /**< anything else */
} tamga_path_reason;

/** "NO_CERTIFICATE_CHAIN_FOUND", "REVOKED", ...; "OK" for TAMGA_PATH_OK. */
TAMGA_EXTERN(const char *) tamga_path_reason_name(tamga_path_reason reason);
/** "VALID", "INVALID", "INDETERMINATE". */
TAMGA_EXTERN(const char *) tamga_path_status_name(tamga_path_status status);

typedef struct tamga_validation tamga_validation;

/**
 * Validate cert against the store.  Returns 0 when validation ran, whatever
 * its verdict (read it from *out, owned by the caller); a negative code only
 * when it could not run (bad options, out of memory).
 */
TAMGA_EXTERN(int) tamga_trust_validate(tamga_validation **out, const tamga_trust *trust,
                                       const tamga_cert *cert, const tamga_validate_options *opts);

TAMGA_EXTERN(void) tamga_validation_free(tamga_validation *v);
TAMGA_EXTERN(tamga_path_status) tamga_validation_status(const tamga_validation *v);
TAMGA_EXTERN(tamga_path_reason) tamga_validation_reason(const tamga_validation *v);
/** Human-readable reason naming the certificate concerned; "" when valid. */
TAMGA_EXTERN(const char *) tamga_validation_message(const tamga_validation *v);
/** Position in the path of the certificate concerned (0 = end entity), -1 if none. */
TAMGA_EXTERN(int) tamga_validation_depth(const tamga_validation *v);
/** OpenSSL's X509_V_ERR_* code behind the verdict, 0 when none: a detail for experts. */
TAMGA_EXTERN(int) tamga_validation_openssl_code(const tamga_validation *v);
/** Warnings (e.g. "revocation not checked"); index < count. */
TAMGA_EXTERN(size_t) tamga_validation_warning_count(const tamga_validation *v);
TAMGA_EXTERN(const char *) tamga_validation_warning(const tamga_validation *v, size_t index);
/** The path built, end entity first, anchor last (may be partial when invalid). */
TAMGA_EXTERN(size_t) tamga_validation_chain_length(const tamga_validation *v);
/** Borrowed from v. */
TAMGA_EXTERN(const tamga_cert *) tamga_validation_chain_cert(const tamga_validation *v, size_t index);

/*
 * tamga_trust_validate with more: DER OCSP responses (borrowed: they must
 * outlive the call) and flags.  TAMGA_VALIDATE_ONLINE fetches CRLs from the
 * certificates' distribution points and OCSP responses from their AIA
 * responders (http:// only, 10 s per request, a cache for this call) when
 * no usable data is at hand.  TAMGA_VALIDATE_POE takes opts->at as a proof
 * of existence (a verified time-stamp): revocation data issued after it is
 * usable, and a revocation dated after it does not fail the path (it
 * becomes a warning).
 */
#define TAMGA_VALIDATE_ONLINE 0x1u
#define TAMGA_VALIDATE_POE 0x2u
TAMGA_EXTERN(int) tamga_trust_validate_with(tamga_validation **out, const tamga_trust *trust, const tamga_cert *cert,
                                            const tamga_validate_options *opts, const unsigned char *const *ocsps,
                                            const size_t *ocsp_lens, size_t ocsp_count, unsigned int flags);
/** The end entity's revocation: "good", "revoked", "unknown"; its source
 *  "crl", "ocsp", "embedded", "none"; the revocation time (0 when none). */
TAMGA_EXTERN(const char *) tamga_validation_revocation_status(const tamga_validation *v);
TAMGA_EXTERN(const char *) tamga_validation_revocation_source(const tamga_validation *v);
TAMGA_EXTERN(tamga_time) tamga_validation_revocation_time(const tamga_validation *v);

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_TRUST_H */
