/*
 * pki/pki.h - what the pki/ files share with each other and with the rest of
 * libtamga (internal).  OpenSSL types appear here, never in include/tamga/.
 */
#ifndef TAMGA_PKI_PKI_H
#define TAMGA_PKI_PKI_H

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <tamga/ca.h>
#include <tamga/cert.h>
#include <tamga/trust.h>

struct tamga_cert {
	X509 *x509;
	char *subject;
	char *issuer;
	char *serial;
	char sha256[65];
	unsigned char *der;   /* OPENSSL_malloc'd */
	size_t der_len;
};

/** Wrap x509 (one reference is taken, the caller keeps its own). */
int tamga__cert_wrap(tamga_cert **out, X509 *x509);

/** Borrowed OpenSSL view of a certificate. */
X509 *tamga__cert_x509(const tamga_cert *cert);

/** The first subject attribute with this short name ("CN", "O") as UTF-8,
 *  malloc'd into *out; *out NULL (and 0 returned) when there is none. */
int tamga__cert_attr(const tamga_cert *cert, const char *short_name, char **out);

/** RFC 2253, UTF-8, malloc'd; NULL with the error set. */
char *tamga__name_string(const X509_NAME *name);

/** Lowercase hex of a non-negative INTEGER without leading zeros; malloc'd. */
char *tamga__serial_hex(const ASN1_INTEGER *serial);

/** Parse a hex serial ("0x" prefix, case, ':' separators and leading zeros ignored). */
int tamga__serial_parse(ASN1_INTEGER **out, const char *hex);

/** Normalise a hex serial to tamga's canonical text (lowercase, no leading zeros). */
int tamga__serial_normalise(char **out, const char *hex);

tamga_time tamga__asn1_time_get(const ASN1_TIME *t);
/** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
int tamga__asn1_time_set(ASN1_TIME *t, tamga_time value);

/**
 * Every certificate (or CRL) in data: PEM with any number of objects, or a
 * single DER object.  what names the source for messages.  TAMGA_EFORMAT
 * when there is none or a PEM object is corrupt.
 */
int tamga__load_certs(STACK_OF(X509) **out, const void *data, size_t len, const char *what);
int tamga__load_crls(STACK_OF(X509_CRL) **out, const void *data, size_t len, const char *what);

/* Keys (pki/key.c). */
int tamga__key_generate(EVP_PKEY **out, tamga_key_type type);
/** PKCS#8 PEM, encrypted (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) unless pass is NULL. */
int tamga__key_to_pem(tamga_buf *out, EVP_PKEY *key, const char *pass, size_t pass_len);
/** Load a PEM private key (PKCS#8 encrypted or not, or traditional).
 *  TAMGA_EPASSPHRASE when it is encrypted and pass is NULL or wrong. */
int tamga__key_from_pem(EVP_PKEY **out, const void *pem, size_t len, const char *pass,
                        size_t pass_len, const char *what);
/** Digest to sign certificates and CRLs with under this key. */
const EVP_MD *tamga__key_md(const EVP_PKEY *key);

/** Minimum passphrase length for keys tamga encrypts. */
#define TAMGA__PASS_MIN 8

#endif
