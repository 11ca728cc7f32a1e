/*
 * tamga/tsa.h - an RFC 3161 time-stamp authority: TimeStampReq in,
 * TimeStampResp out (the protocol core of tamgad's role `tsa`; the HTTP
 * side, RFC 3161 §3.4, is the daemon's).
 *
 * What a granted response holds (RFC 3161 §2.4.2, RFC 5816):
 *   - a TimeStampToken signed with SHA-256 by the TSA key, carrying the
 *     signing-certificate-v2 attribute (ESSCertIDv2 with SHA-256);
 *   - TSTInfo: version 1, our policy, the request's messageImprint, a
 *     serial number (below), genTime now in UTC to the second, accuracy,
 *     ordering FALSE, the request's nonce when it had one, and the TSA's
 *     name;
 *   - the TSA certificate and the chain when the request set certReq.
 *
 * Serial numbers are monotonic and unique across restarts and across every
 * process that opens the same serial_file: the file holds the last serial
 * issued, a 64-bit unsigned counter written as 20 decimal digits and a
 * newline (21 bytes).  For each token the responder takes an exclusive
 * flock(2) on the file, reads the counter, adds one, writes it back in one
 * pwrite and fsyncs, and only then lets the token be signed; the token's
 * serialNumber is the new counter value (1 for the first token of a fresh
 * file).  A serial may thus be used up by a token that is then never sent
 * (a failure while signing) but is never given twice.  An empty file starts
 * at 0; a file that is anything else than the 21 bytes is refused rather
 * than risk a repeated serial.  flock(2) works between processes on one
 * host (and between handles in one process): do not put the file on NFS.
 *
 * Thread safety: a tamga_tsa handle is used by one thread at a time (hold a
 * lock around tamga_tsa_respond, or open one handle per thread on the same
 * serial_file: serials stay unique).
 */
#ifndef TAMGA_TSA_H
#define TAMGA_TSA_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The default TSA policy: an OID under the X.660 example arc 2.999 that
 *  tamga uses for development (like the CA's 2.999.1).  Development only:
 *  a production TSA names its own documented policy. */
#define TAMGA_TSA_DEFAULT_POLICY "2.999.1.2"

/** Largest TimeStampReq accepted (a real one is about 100 bytes). */
#define TAMGA_TSA_MAX_REQUEST 4096

#define TAMGA_TSA_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	const char *key_path;        /**< PEM private key (PKCS#8, may be encrypted); required */
	const char *passphrase;      /**< for an encrypted key; NULL when it is not */
	size_t passphrase_len;
	const char *cert_path;       /**< PEM TSA certificate; required.  It must carry the
	                                  extended key usage timeStamping alone, marked
	                                  critical (RFC 3161 §2.3), match the key and be
	                                  valid now */
	const char *chain_path;      /**< PEM certificates sent with the token when the
	                                  request asks (issuing CA, root); NULL: none */
	const char *policy;          /**< TSA policy, dotted OID; NULL: TAMGA_TSA_DEFAULT_POLICY */
	unsigned int accuracy_seconds; /**< accuracy of genTime; 0: the default, 1 */
	const char *serial_file;     /**< serial counter state (see above); required.  Made
	                                  (mode 0600, empty) when missing; the file and its
	                                  directory are fsynced at open */
} tamga_tsa_options;

#define TAMGA_TSA_OPTIONS_INIT { TAMGA_TSA_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, NULL, 0, NULL }

typedef struct tamga_tsa tamga_tsa;

/**
 * Load the key and certificates and open the serial file.  *out belongs to
 * the caller (tamga_tsa_free).  The passphrase is used while loading and
 * not kept.  Errors: TAMGA_EINVAL (missing option, unknown version, a bad
 * policy OID, a certificate not fit for time-stamping, a key that does not
 * match it), TAMGA_EPASSPHRASE, TAMGA_EIO (unreadable files),
 * TAMGA_EFORMAT (bad PEM, a corrupt serial file), TAMGA_ECRYPTO.
 */
TAMGA_EXTERN(int) tamga_tsa_open(tamga_tsa **out, const tamga_tsa_options *opts);

/**
 * Answer the DER TimeStampReq req (len bytes): a DER TimeStampResp is
 * appended to out in every case the request decides, and 0 returned:
 *   granted                 a token, as described at the top;
 *   rejection, badDataFormat  not one whole DER TimeStampReq, or an imprint
 *                           whose length is not its hash's;
 *   rejection, badRequest   longer than TAMGA_TSA_MAX_REQUEST, or version
 *                           other than 1;
 *   rejection, badAlg       an imprint hash other than SHA-256/384/512 (or
 *                           with parameters other than NULL);
 *   rejection, unacceptedPolicy  a reqPolicy other than ours;
 *   rejection, unacceptedExtension  any request extension.
 * A negative return (TAMGA_EIO: the serial file; TAMGA_ECRYPTO: signing;
 * TAMGA_ENOMEM) is the TSA's own failure, with the detail in
 * tamga_error_last(); out then holds a rejection with systemFailure (or
 * addInfoNotAvailable for a serial that could not be had) to send, unless
 * even that could not be encoded (out unchanged).
 */
TAMGA_EXTERN(int) tamga_tsa_respond(tamga_tsa *tsa, const void *req, size_t len, tamga_buf *out);

/** Free the handle (closing the serial file); NULL is a no-op. */
TAMGA_EXTERN(void) tamga_tsa_free(tamga_tsa *tsa);

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_TSA_H */
