/*
 * tamga/signer.h - a signing identity: the agency's private key, its
 * certificate and the chain of CA certificates above it.
 *
 * Keys tamga signs with: RSA of at least 2048 bits, or EC on the NIST
 * curves P-256, P-384 and P-521 (ETSI TS 119 312).  Anything else (DSA,
 * shorter RSA, other curves, EdDSA) is TAMGA_EUNSUPPORTED.
 *
 * Sources:
 *   - key_path + cert_path (+ chain_path): PEM files.  The key may be
 *     PKCS#8 (encrypted or not) or a traditional PEM key ("BEGIN EC PRIVATE
 *     KEY", "BEGIN RSA PRIVATE KEY", with or without a Proc-Type header).
 *     cert_path may hold more certificates after the signer's: they join
 *     the chain.
 *   - p12_path (+ chain_path): PKCS#12 (RFC 7292) with the key, its
 *     certificate and usually the chain.  Files written by OpenSSL 3
 *     (AES-256-CBC, PBKDF2, HMAC-SHA256) and legacy ones (3DES, RC2-40,
 *     HMAC-SHA1, as Windows and older tools export them) are both read; the
 *     legacy algorithms are used for this file only, never for signing.
 */
#ifndef TAMGA_SIGNER_H
#define TAMGA_SIGNER_H

#include "common.h"
#include "cert.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tamga_signer tamga_signer;

/** Upper bound on the size of a key or PKCS#12 file tamga reads. */
#define TAMGA_SIGNER_FILE_MAX (1u * 1024u * 1024u)

#define TAMGA_SIGNER_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	const char *key_path;       /**< PEM private key (with cert_path) */
	const char *cert_path;      /**< PEM or DER signer certificate (with key_path) */
	const char *chain_path;     /**< optional PEM bundle (or one DER certificate) of CA
	                                 certificates; with either source */
	const char *p12_path;       /**< PKCS#12 file, instead of key_path and cert_path */
	const char *passphrase;     /**< of the key or the PKCS#12 file; NULL (or length 0)
	                                 for an unencrypted one.  Not kept: it may be wiped
	                                 as soon as tamga_signer_load() returns. */
	size_t passphrase_len;
} tamga_signer_options;

#define TAMGA_SIGNER_OPTIONS_INIT { TAMGA_SIGNER_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, 0 }

/**
 * Load a signing identity.  *out belongs to the caller (tamga_signer_free).
 *
 * The chain is kept in the order given, without duplicates (a certificate
 * given twice, or the signer's own certificate, is kept once) and without
 * judging it: path validation is the verifier's job.
 *
 * Errors: TAMGA_EINVAL (options: key_path and cert_path, or p12_path, are
 * required, not both; or the key does not belong to the certificate),
 * TAMGA_EIO (a file cannot be read), TAMGA_ELIMIT (a key or PKCS#12 file
 * larger than TAMGA_SIGNER_FILE_MAX, a certificate file larger than
 * TAMGA_CERT_FILE_MAX), TAMGA_EFORMAT (not a key, certificate or PKCS#12
 * file; a PKCS#12 file without a key or without its certificate),
 * TAMGA_EPASSPHRASE (the key or PKCS#12 file is encrypted and the
 * passphrase is missing or wrong), TAMGA_EUNSUPPORTED (key algorithm or
 * size, see above; a PKCS#12 algorithm OpenSSL cannot provide).
 */
TAMGA_EXTERN(int) tamga_signer_load(tamga_signer **out, const tamga_signer_options *opts);

/** Release a signer (the key is wiped); NULL is a no-op. */
TAMGA_EXTERN(void) tamga_signer_free(tamga_signer *signer);

/**
 * 1 when the private key was stored without encryption (a plain PEM key,
 * or a PKCS#12 file opened without a passphrase), so that tools can warn;
 * 0 otherwise.
 */
TAMGA_EXTERN(int) tamga_signer_key_was_plain(const tamga_signer *signer);

/** The signer's certificate; borrowed, lives as long as signer. */
TAMGA_EXTERN(const tamga_cert *) tamga_signer_cert(const tamga_signer *signer);

/** Number of chain certificates (the signer's own certificate not counted). */
TAMGA_EXTERN(size_t) tamga_signer_chain_length(const tamga_signer *signer);

/** Chain certificate index (< tamga_signer_chain_length), NULL when out of
 *  range; borrowed, lives as long as signer. */
TAMGA_EXTERN(const tamga_cert *) tamga_signer_chain_cert(const tamga_signer *signer, size_t index);

/**
 * The key's algorithm and size for people: "EC P-256", "EC P-384",
 * "EC P-521", "RSA 3072".  Borrowed, lives as long as signer.
 */
TAMGA_EXTERN(const char *) tamga_signer_key_description(const tamga_signer *signer);

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_SIGNER_H */
