/*
 * formats/cms/cms.h - CAdES signatures for the format handlers: a detached
 * CMS SignedData (RFC 5652) over a digest the handler computed, baseline
 * B-B or B-T (ETSI EN 319 122-1), as PAdES embeds it (EN 319 142-1 §6.3).
 * (internal)
 */
#ifndef TAMGA_FORMATS_CMS_CMS_H
#define TAMGA_FORMATS_CMS_CMS_H

#include <openssl/evp.h>

#include <tamga/common.h>
#include <tamga/signer.h>

/* Bytes reserved for the signature time-stamp token (B-T) in
 * tamga__cades_max_size(); a larger token is refused (TAMGA_ELIMIT). */
#define TAMGA__CADES_TSA_ALLOWANCE (12u * 1024u)

struct tamga__cades_options {
	const tamga_signer *signer;
	const char *digest;           /**< "sha256" (also NULL), "sha384", "sha512" */
	int rsa_pss;                  /**< RSA keys: RSASSA-PSS, MGF1 with the same hash, salt =
	                                   hash length; else PKCS#1 v1.5.  EC keys: must be 0. */
	const char *tsa_url;          /**< NULL: no time-stamp (B-B); else B-T from this TSA */
	long tsa_timeout_seconds;     /**< 0: the HTTP default (30) */
	const char *tsa_policy;       /**< reqPolicy (dotted OID); NULL: the TSA's default */
};

/**
 * The hash named name: "sha256" (NULL too), "sha384", "sha512", any case.
 * TAMGA_EUNSUPPORTED for weaker hashes tamga refuses to sign with (sha1,
 * sha224, md5), TAMGA_EINVAL for anything else.
 */
int tamga__cades_digest_md(const EVP_MD **out, const char *name);

/**
 * Sign: append the DER of a ContentInfo holding the SignedData to out_der.
 * digest is the hash of the signed content (for PDF: the ByteRange bytes)
 * with o->digest's algorithm.  The result is never larger than
 * tamga__cades_max_size(o).
 *
 * Errors: TAMGA_EINVAL (options, a digest of the wrong length, PSS with an
 * EC key), TAMGA_EUNSUPPORTED (the digest name), TAMGA_ECRYPTO (signing
 * failed), and for B-T what tamga__tsp_timestamp() returns (TAMGA_EIO,
 * TAMGA_EFORMAT, ...) or TAMGA_ELIMIT for a token larger than
 * TAMGA__CADES_TSA_ALLOWANCE.  On error out_der is unchanged.
 */
int tamga__cades_sign(tamga_buf *out_der, const struct tamga__cades_options *o, const unsigned char *digest,
                      size_t digest_len);

/**
 * An upper bound of the DER size tamga__cades_sign() gives for o (0 when
 * o or its signer is missing), for the placeholder the handler reserves:
 *
 *     sum of the DER sizes of the signer and chain certificates
 *   + 2 * (DER size of the signer's issuer Name + of its serial INTEGER)
 *   + EVP_PKEY_get_size(key)          (largest signature value)
 *   + 2 * EVP_MAX_MD_SIZE             (messageDigest and certHash)
 *   + 1024                            (every other header, OID, version,
 *                                      algorithm identifier: 329 at most)
 *   + TAMGA__CADES_TSA_ALLOWANCE      (only with tsa_url)
 */
size_t tamga__cades_max_size(const struct tamga__cades_options *o);

#endif
