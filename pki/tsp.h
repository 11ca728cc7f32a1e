/*
 * pki/tsp.h - RFC 3161 time-stamp protocol, the client side (internal).
 *
 * What a signer needs: ask a TSA to time-stamp a hash and get back a
 * TimeStampToken that really answers the question.  The token's signature
 * is checked against the TSA certificate it carries, and that certificate
 * must be meant for time-stamping; whether the TSA is trusted (its path,
 * its revocation status) is the verifier's question, not the signer's.
 */
#ifndef TAMGA_PKI_TSP_H
#define TAMGA_PKI_TSP_H

#include <openssl/asn1.h>
#include <openssl/evp.h>

#include <tamga/common.h>

/* Bytes of a TimeStampResp tamga accepts from a TSA. */
#define TAMGA__TSP_MAX_RESPONSE (256u * 1024u)

struct tamga__tsp_query {
	const EVP_MD *md;              /**< hash algorithm of the imprint */
	const unsigned char *digest;   /**< the hashed message, EVP_MD_get_size(md) bytes */
	size_t digest_len;
	const char *policy;            /**< reqPolicy as a dotted OID; NULL: the TSA's default */
};

/**
 * Encode a TimeStampReq: version 1, messageImprint, the policy when given,
 * a fresh random 64-bit nonce (*nonce receives it, the caller frees it with
 * ASN1_INTEGER_free), certReq TRUE.  The DER is appended to out.
 */
int tamga__tsp_request(tamga_buf *out, ASN1_INTEGER **nonce, const struct tamga__tsp_query *q);

/**
 * Check that resp (len bytes) is a TimeStampResp granting q with this
 * nonce, and append the TimeStampToken (a CMS ContentInfo; the TSA's own
 * bytes) to token.  Checked: the DER parses and nothing follows it; status
 * granted or grantedWithMods (anything else is TAMGA_EIO quoting the
 * TSA's status, text and failure bits); the token holds one SignerInfo and
 * the certificate it names; that certificate has the timeStamping
 * extended key usage; the signature verifies with it; TSTInfo version 1,
 * the messageImprint equals q's (algorithm and hash) and the nonce equals
 * nonce.  Errors: TAMGA_EFORMAT (malformed or mismatched), TAMGA_EIO
 * (refused), TAMGA_ECRYPTO (the token's signature does not verify),
 * TAMGA_ELIMIT (larger than TAMGA__TSP_MAX_RESPONSE).
 */
int tamga__tsp_check_response(tamga_buf *token, const unsigned char *resp, size_t len,
                              const struct tamga__tsp_query *q, const ASN1_INTEGER *nonce);

/**
 * The whole exchange with the TSA at url (http:// or https://): request,
 * POST application/timestamp-query, check the answer; the token is appended
 * to token.  timeout in seconds, 0 for the default.
 */
int tamga__tsp_timestamp(tamga_buf *token, const char *url, long timeout, const struct tamga__tsp_query *q);

#endif
