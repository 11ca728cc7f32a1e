/*
 * tamga/cert.h - X.509 certificates as opaque, immutable values.
 */
#ifndef TAMGA_CERT_H
#define TAMGA_CERT_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tamga_cert tamga_cert;

/** Upper bound on the size of a certificate or CRL file tamga reads. */
#define TAMGA_CERT_FILE_MAX (8u * 1024u * 1024u)

/**
 * Load the first certificate of a file, PEM (a bundle is allowed) or DER.
 * *out belongs to the caller (tamga_cert_free).  Errors: TAMGA_EIO,
 * TAMGA_ELIMIT (file larger than TAMGA_CERT_FILE_MAX), TAMGA_EFORMAT.
 */
TAMGA_EXTERN(int) tamga_cert_load_file(tamga_cert **out, const char *path);

/** Parse one DER certificate; trailing bytes are an error (TAMGA_EFORMAT). */
TAMGA_EXTERN(int) tamga_cert_from_der(tamga_cert **out, const unsigned char *der, size_t len);

/** Release a certificate; NULL is a no-op. */
TAMGA_EXTERN(void) tamga_cert_free(tamga_cert *cert);

/* Accessors.  Strings are borrowed: they live as long as the certificate. */

/** Subject as an RFC 2253 string ("CN=Alice,O=Agency,C=MN"), UTF-8. */
TAMGA_EXTERN(const char *) tamga_cert_subject(const tamga_cert *cert);
/** Issuer as an RFC 2253 string. */
TAMGA_EXTERN(const char *) tamga_cert_issuer(const tamga_cert *cert);
/** Serial number, lowercase hex without leading zeros ("0" for zero). */
TAMGA_EXTERN(const char *) tamga_cert_serial(const tamga_cert *cert);
/** SHA-256 of the DER encoding, lowercase hex. */
TAMGA_EXTERN(const char *) tamga_cert_sha256(const tamga_cert *cert);
TAMGA_EXTERN(tamga_time) tamga_cert_not_before(const tamga_cert *cert);
TAMGA_EXTERN(tamga_time) tamga_cert_not_after(const tamga_cert *cert);
/** The DER encoding; *len receives its size. */
TAMGA_EXTERN(const unsigned char *) tamga_cert_der(const tamga_cert *cert, size_t *len);

/** PEM encoding of the certificate, appended to out. */
TAMGA_EXTERN(int) tamga_cert_to_pem(tamga_buf *out, const tamga_cert *cert);

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_CERT_H */
