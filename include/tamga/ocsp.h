/*
 * tamga/ocsp.h - the CA's online services: an RFC 6960 OCSP responder and
 * the CRL publication point, both answering from the CA directory's ca.db
 * (see ca.h) so that `tamga pki revoke` is seen by the next request.
 *
 * Responses for certificates the issuing CA signed are signed by the
 * delegated OCSP responder (D/ocsp.crt, D/private/ocsp.key), which is
 * included in the response; those for certificates the root signed (the
 * issuing CA's own certificate) are signed by the root itself.  The
 * responder ID is always byKey.
 *
 * A responder is safe to share between threads (one lock inside).
 */
#ifndef TAMGA_OCSP_H
#define TAMGA_OCSP_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tamga_ocsp_responder tamga_ocsp_responder;

/** Largest request tamga_ocsp_respond() reads, and most CertIDs in one. */
#define TAMGA_OCSP_MAX_REQUEST (16 * 1024)
#define TAMGA_OCSP_MAX_SINGLE 10

/**
 * Open the CA in ca_dir for answering: its root and issuing certificates,
 * the OCSP responder's certificate and the keys, decrypted with the CA
 * passphrase (copied; cleansed by tamga_ocsp_responder_free()).
 * Errors: TAMGA_ENOTFOUND (no CA there), TAMGA_EPASSPHRASE (missing or
 * wrong passphrase), TAMGA_EDB, TAMGA_ECRYPTO, TAMGA_ENOMEM.
 */
TAMGA_EXTERN(int) tamga_ocsp_responder_open(tamga_ocsp_responder **out, const char *ca_dir, const char *pass,
                                            size_t pass_len);
TAMGA_EXTERN(void) tamga_ocsp_responder_free(tamga_ocsp_responder *r);

#define TAMGA_OCSP_RESPONDER_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	unsigned int next_update;   /**< seconds from thisUpdate to nextUpdate; default 3600 */
	unsigned int cache;         /**< seconds a response without nonce is reused; default 300,
	                                 never beyond a change of ca.db; must be < next_update */
	unsigned int crl_margin;    /**< tamga_ocsp_crl() signs a new CRL when the newest has
	                                 less than this many seconds left; default 3600 */
} tamga_ocsp_responder_options;

#define TAMGA_OCSP_RESPONDER_OPTIONS_INIT { TAMGA_OCSP_RESPONDER_OPTIONS_VERSION, 0, 0, 0 }

/** Change the timings (0 keeps the default).  TAMGA_EINVAL for bad values. */
TAMGA_EXTERN(int) tamga_ocsp_responder_configure(tamga_ocsp_responder *r, const tamga_ocsp_responder_options *opts);

/** What tamga_ocsp_respond() answered. */
typedef struct {
	int status;                 /**< OCSPResponseStatus: 0 successful, 1 malformedRequest,
	                                 2 internalError, 6 unauthorized */
	int has_nonce;              /**< the response echoes the request's nonce */
	tamga_time next_update;     /**< earliest nextUpdate of the answers; 0 unless successful */
	int cached;                 /**< the response was pre-produced */
} tamga_ocsp_result;

/**
 * Answer the DER OCSPRequest req[len]: a DER OCSPResponse is appended to out
 * in every case the request is at fault (malformedRequest: not DER, over
 * TAMGA_OCSP_MAX_REQUEST bytes, no or over TAMGA_OCSP_MAX_SINGLE CertIDs,
 * a nonce not 1..32 bytes (RFC 8954); unauthorized: a CertID of another CA,
 * or CertIDs of both of this CA's CAs in one request) and when the
 * database cannot be read (internalError).  Certificate status comes from
 * ca.db: good, revoked (time and reason), certificateHold as revoked with
 * reason certificateHold, unknown for serials this CA never issued.
 * result, when not NULL, describes the answer.  A negative return (only
 * TAMGA_ENOMEM or TAMGA_EINVAL for NULL arguments) leaves out unchanged.
 */
TAMGA_EXTERN(int) tamga_ocsp_respond(tamga_ocsp_responder *r, const void *req, size_t len, tamga_buf *out,
                                     tamga_ocsp_result *result);

/**
 * The newest CRL (DER) of the CA named which ("root" or "issuing") appended
 * to out.  When it has less than crl_margin seconds left (or is past its
 * nextUpdate, or there is none) the next CRL is signed, recorded and
 * published first, exactly as `tamga pki crl` does (BEGIN IMMEDIATE, so
 * both can share ca.db).  *next_update, when not NULL, receives its
 * nextUpdate.  Errors: TAMGA_EINVAL (unknown name), TAMGA_EDB, TAMGA_ECRYPTO.
 */
TAMGA_EXTERN(int) tamga_ocsp_crl(tamga_ocsp_responder *r, const char *which, tamga_buf *out,
                                 tamga_time *next_update);

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_OCSP_H */
