/*
 * tamga/ca.h - the agency certificate authority: a root CA, an issuing CA,
 * an OCSP-responder and a time-stamping certificate, agency signer
 * certificates, revocation and CRLs.
 *
 * A CA lives in one directory:
 *
 *     D/ca.db            SQLite (WAL): every certificate issued, revocations,
 *                        CRL numbers; the single source of truth
 *     D/root.crt         the trust anchor (PEM)
 *     D/issuing.crt      the issuing CA (PEM); D/ocsp.crt, D/tsa.crt
 *     D/private/NAME.key encrypted PKCS#8 keys (mode 0600, directory 0700)
 *     D/crl/root.crl     current CRLs (DER), published at the
 *     D/crl/issuing.crl  distribution-point URLs written into certificates
 *
 * Profiles follow RFC 5280 and ETSI EN 319 412-2/-3; docs/man/tamga-pki.1
 * lists every extension.  Serial numbers are positive, 128 bits long, with
 * 126 random bits.
 */
#ifndef TAMGA_CA_H
#define TAMGA_CA_H

#include "common.h"
#include "cert.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	TAMGA_KEY_P256 = 1,
	TAMGA_KEY_P384 = 2,
	TAMGA_KEY_RSA3072 = 3
} tamga_key_type;

/** "p256", "p384", "rsa3072" -> type; TAMGA_EINVAL otherwise. */
TAMGA_EXTERN(int) tamga_key_type_parse(tamga_key_type *out, const char *name);
TAMGA_EXTERN(const char *) tamga_key_type_name(tamga_key_type type);

/** RFC 5280 CRLReason values (removeFromCRL is for delta CRLs and not accepted). */
typedef enum {
	TAMGA_REASON_UNSPECIFIED = 0,
	TAMGA_REASON_KEY_COMPROMISE = 1,
	TAMGA_REASON_CA_COMPROMISE = 2,
	TAMGA_REASON_AFFILIATION_CHANGED = 3,
	TAMGA_REASON_SUPERSEDED = 4,
	TAMGA_REASON_CESSATION_OF_OPERATION = 5,
	TAMGA_REASON_CERTIFICATE_HOLD = 6,
	TAMGA_REASON_PRIVILEGE_WITHDRAWN = 9,
	TAMGA_REASON_AA_COMPROMISE = 10
} tamga_reason;

/** RFC 5280 names ("keyCompromise"; case and '-' / '_' are ignored). */
TAMGA_EXTERN(int) tamga_reason_parse(tamga_reason *out, const char *name);
TAMGA_EXTERN(const char *) tamga_reason_name(tamga_reason reason);

#define TAMGA_CA_INIT_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	const char *org;            /**< organisation; default "Tamga Dev PKI" */
	const char *country;        /**< ISO 3166 two letters; default "MN" */
	tamga_key_type key_type;    /**< of every CA key; default P-256 */
	const char *base_url;       /**< CRL/OCSP/caIssuers URLs; default http://127.0.0.1:8080 */
	const char *policy_oid;     /**< certificate policy of issued certificates;
	                                 default 2.999.1 (the example arc: dev only) */
	unsigned int root_days;     /**< default 7305 (20 years) */
	unsigned int issuing_days;  /**< default 3652 */
	unsigned int service_days;  /**< OCSP and TSA certificates; default 1095 */
	const char *passphrase;     /**< encrypts the CA keys; required, >= 8 bytes */
	size_t passphrase_len;
	tamga_time now;             /**< issuing time; 0 = now */
} tamga_ca_init_options;

#define TAMGA_CA_INIT_OPTIONS_INIT { TAMGA_CA_INIT_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, 0, 0, 0, NULL, 0, 0 }

/**
 * Create a CA in dir (created if missing; refused with TAMGA_EEXISTS when it
 * already holds a CA).  Nothing is left behind on failure: files written
 * and subdirectories made are removed (dir itself stays if it existed).
 */
TAMGA_EXTERN(int) tamga_ca_init(const char *dir, const tamga_ca_init_options *opts);

typedef struct tamga_ca tamga_ca;

/**
 * Open the CA in dir.  passphrase may be NULL for read-only use (list,
 * trust); operations that sign then fail with TAMGA_EPASSPHRASE.  The
 * passphrase is copied and cleansed by tamga_ca_free().
 */
TAMGA_EXTERN(int) tamga_ca_open(tamga_ca **out, const char *dir, const char *passphrase,
                                size_t passphrase_len);
TAMGA_EXTERN(void) tamga_ca_free(tamga_ca *ca);

#define TAMGA_CA_ISSUE_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	const char *cn;             /**< subject commonName; required */
	const char *org;            /**< default: the CA's organisation */
	const char *country;        /**< default: the CA's country */
	tamga_key_type key_type;    /**< default: the CA's key type */
	unsigned int days;          /**< validity; default 730; refused (TAMGA_EINVAL) when the
	                                 certificate would outlive the issuing CA */
	const char *out_prefix;     /**< writes P.key, P.crt, P-chain.pem; required */
	const char *key_passphrase; /**< encrypts P.key; NULL only with no_encrypt */
	size_t key_passphrase_len;
	int no_encrypt;             /**< write P.key unencrypted (explicit opt-in) */
	int overwrite;              /**< replace existing output files */
	tamga_time now;             /**< 0 = now */
} tamga_ca_issue_options;

#define TAMGA_CA_ISSUE_OPTIONS_INIT { TAMGA_CA_ISSUE_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, 0, 0, 0 }

/**
 * Issue an agency signer certificate from the issuing CA and write its files.
 * The certificate is recorded in ca.db before any file is written.  *out,
 * when out is not NULL, receives the new certificate.
 */
TAMGA_EXTERN(int) tamga_ca_issue(tamga_ca *ca, const tamga_ca_issue_options *opts, tamga_cert **out);

/**
 * Revoke the certificate with the given serial (hex, case and leading zeros
 * ignored) and publish a new CRL for its issuer.  A certificate on hold may
 * be revoked for good (the revocation date stays that of the hold: nothing
 * signed after it can be trusted); anything else already revoked is
 * TAMGA_ESTATE.
 * when and invalidity: 0 = now / none.
 */
TAMGA_EXTERN(int) tamga_ca_revoke(tamga_ca *ca, const char *serial, tamga_reason reason,
                                  tamga_time when, tamga_time invalidity);

/** Lift a certificateHold and publish a new CRL; TAMGA_ESTATE when not on hold. */
TAMGA_EXTERN(int) tamga_ca_release(tamga_ca *ca, const char *serial, tamga_time when);

typedef enum {
	TAMGA_CA_ISSUING = 0,       /**< the CA that issues signer certificates */
	TAMGA_CA_ROOT = 1
} tamga_ca_which;

#define TAMGA_CA_CRL_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	tamga_ca_which which;
	unsigned int days;          /**< nextUpdate - thisUpdate; default 7 */
	tamga_time now;             /**< thisUpdate; 0 = now */
} tamga_ca_crl_options;

#define TAMGA_CA_CRL_OPTIONS_INIT { TAMGA_CA_CRL_OPTIONS_VERSION, TAMGA_CA_ISSUING, 0, 0 }

/**
 * Sign the next CRL (CRLNumber one more than the last), record it, publish
 * it at D/crl/{root,issuing}.crl and, when out is not NULL, append its DER.
 * days (when set) is remembered: the CRLs that revoke and release publish
 * use it too.
 */
TAMGA_EXTERN(int) tamga_ca_crl(tamga_ca *ca, const tamga_ca_crl_options *opts, tamga_buf *out);

/** One certificate of the CA's database; strings borrowed for the callback. */
typedef struct {
	const char *serial;         /**< lowercase hex */
	const char *role;           /**< "root", "issuing", "ocsp", "tsa", "signer" */
	const char *subject;
	const char *status;         /**< "good", "revoked", "hold" */
	const char *sha256;
	tamga_time not_before, not_after;
	tamga_time revoked_at;      /**< 0 unless revoked or on hold */
	tamga_reason reason;
} tamga_ca_entry;

typedef int (*tamga_ca_foreach_cb)(const tamga_ca_entry *entry, void *payload);

/** Call cb for every certificate in issuing order; a non-zero return stops and is returned. */
TAMGA_EXTERN(int) tamga_ca_foreach(tamga_ca *ca, tamga_ca_foreach_cb cb, void *payload);

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_CA_H */
