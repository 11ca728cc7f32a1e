/*
 * pki/cert.c - tamga_cert, and the small X.509 conversions every pki/ file
 * needs (names, serials, times).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pem.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "common/timeutil.h"
#include "pki/pki.h"

char *tamga__name_string(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out = NULL;
	long n;

	if (bio == NULL) {
		tamga__error_oom();
		return NULL;
	}
	/* RFC 2253 order, UTF-8 kept as UTF-8 (not escaped): Cyrillic must
	 * read as Cyrillic.  Control characters are still escaped. */
	if (X509_NAME_print_ex(bio, name, 0, (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB)) < 0) {
		tamga__error_openssl(TAMGA_EFORMAT, "cannot print a distinguished name");
		goto done;
	}
	n = BIO_get_mem_data(bio, &data);
	out = malloc((size_t)n + 1);
	if (out == NULL) {
		tamga__error_oom();
		goto done;
	}
	if (n > 0) /* an empty name leaves data NULL */
		memcpy(out, data, (size_t)n);
	out[n] = '\0';
done:
	BIO_free(bio);
	return out;
}

char *tamga__serial_hex(const ASN1_INTEGER *serial)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	char *hex = NULL, *out = NULL, *p;

	if (bn == NULL || (hex = BN_bn2hex(bn)) == NULL) {
		tamga__error_openssl(TAMGA_EFORMAT, "bad serial number");
		goto done;
	}
	/* Canonical text: lowercase, no leading zeros (BN_bn2hex pads to whole
	 * bytes), the same form tamga__serial_normalise() gives user input. */
	for (p = hex; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (p = hex; p[0] == '0' && p[1] != '\0'; p++)
		;
	out = tamga__strdup(p);
done:
	OPENSSL_free(hex);
	BN_free(bn);
	return out;
}

int tamga__serial_normalise(char **out, const char *hex)
{
	size_t i, n = 0, len;
	char *s;

	*out = NULL;
	if (hex == NULL || *hex == '\0')
		return tamga__error_set(TAMGA_EINVAL, "no serial number given");
	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	len = strlen(hex);
	if (len > 128)
		return tamga__error_set(TAMGA_EINVAL, "serial number '%.40s...' is too long", hex);
	s = malloc(len + 2);
	if (s == NULL)
		return tamga__error_oom();
	for (i = 0; i < len; i++) {
		char c = (char)tolower((unsigned char)hex[i]);

		if (c == ':')
			continue;
		if (!isxdigit((unsigned char)c)) {
			free(s);
			return tamga__error_set(TAMGA_EINVAL, "serial number '%s' is not hexadecimal", hex);
		}
		if (n == 0 && c == '0')
			continue;
		s[n++] = c;
	}
	if (n == 0) {
		/* All zeros is zero; no digit at all ("0x", ":") is no serial. */
		if (strspn(hex, ":") == len) {
			free(s);
			return tamga__error_set(TAMGA_EINVAL, "serial number '%s' has no hexadecimal digit", hex);
		}
		s[n++] = '0';
	}
	s[n] = '\0';
	*out = s;
	return 0;
}

int tamga__serial_parse(ASN1_INTEGER **out, const char *hex)
{
	char *norm = NULL;
	BIGNUM *bn = NULL;
	int error;

	*out = NULL;
	if ((error = tamga__serial_normalise(&norm, hex)) < 0)
		return error;
	if (BN_hex2bn(&bn, norm) == 0 || (*out = BN_to_ASN1_INTEGER(bn, NULL)) == NULL)
		error = tamga__error_openssl(TAMGA_EINVAL, "bad serial number '%s'", hex);
	BN_free(bn);
	free(norm);
	return error;
}

tamga_time tamga__asn1_time_get(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return 0;
	return tamga__time_from_tm(&tm);
}

int tamga__asn1_time_set(ASN1_TIME *t, tamga_time value)
{
	/* ASN1_TIME_set picks UTCTime for 1950-2049, GeneralizedTime otherwise. */
	if (ASN1_TIME_set(t, (time_t)value) == NULL)
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot encode a time");
	return 0;
}

int tamga__cert_attr(const tamga_cert *cert, const char *short_name, char **out)
{
	X509_NAME *name = X509_get_subject_name(cert->x509);
	int nid = OBJ_sn2nid(short_name), i;
	unsigned char *utf8 = NULL;
	int n;

	*out = NULL;
	if (nid == NID_undef)
		return tamga__error_set(TAMGA_EINVAL, "unknown attribute '%s'", short_name);
	if ((i = X509_NAME_get_index_by_NID(name, nid, -1)) < 0)
		return 0;
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	if (n < 0)
		return tamga__error_openssl(TAMGA_EFORMAT, "the certificate's %s cannot be read as text", short_name);
	*out = malloc((size_t)n + 1);
	if (*out != NULL) {
		memcpy(*out, utf8, (size_t)n);
		(*out)[n] = '\0';
	}
	OPENSSL_free(utf8);
	return *out ? 0 : tamga__error_oom();
}

int tamga__cert_wrap(tamga_cert **out, X509 *x509)
{
	tamga_cert *c;
	unsigned char md[32];
	unsigned int mdlen = 0;
	int n;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return tamga__error_oom();
	if (!X509_up_ref(x509)) {
		free(c);
		return tamga__error_openssl(TAMGA_ECRYPTO, "X509_up_ref");
	}
	c->x509 = x509;
	if ((c->subject = tamga__name_string(X509_get_subject_name(x509))) == NULL ||
	    (c->issuer = tamga__name_string(X509_get_issuer_name(x509))) == NULL ||
	    (c->serial = tamga__serial_hex(X509_get0_serialNumber(x509))) == NULL) {
		int error = tamga_error_last()->code;

		tamga_cert_free(c);
		return error;
	}
	n = i2d_X509(x509, &c->der);
	if (n <= 0) {
		tamga_cert_free(c);
		return tamga__error_openssl(TAMGA_EFORMAT, "cannot encode a certificate");
	}
	c->der_len = (size_t)n;
	if (!EVP_Digest(c->der, c->der_len, md, &mdlen, EVP_sha256(), NULL) || mdlen != sizeof(md)) {
		tamga_cert_free(c);
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash a certificate");
	}
	tamga__hex(c->sha256, md, sizeof(md));
	*out = c;
	return 0;
}

X509 *tamga__cert_x509(const tamga_cert *cert)
{
	return cert->x509;
}

int tamga_cert_from_der(tamga_cert **out, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x;
	int error;

	*out = NULL;
	if (len > TAMGA_CERT_FILE_MAX)
		return tamga__error_set(TAMGA_ELIMIT, "certificate of %zu bytes is too large", len);
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL)
		return tamga__error_openssl(TAMGA_EFORMAT, "not a DER certificate");
	if (p != der + len) {
		X509_free(x);
		return tamga__error_set(TAMGA_EFORMAT, "%zu bytes after the certificate", (size_t)(der + len - p));
	}
	error = tamga__cert_wrap(out, x);
	X509_free(x);
	return error;
}

int tamga_cert_load_file(tamga_cert **out, const char *path)
{
	tamga_buf data = TAMGA_BUF_INIT;
	STACK_OF(X509) *certs = NULL;
	int error;

	*out = NULL;
	if ((error = tamga__file_read(&data, path, TAMGA_CERT_FILE_MAX)) < 0)
		goto done;
	if ((error = tamga__load_certs(&certs, data.ptr, data.size, path)) < 0)
		goto done;
	error = tamga__cert_wrap(out, sk_X509_value(certs, 0));
done:
	sk_X509_pop_free(certs, X509_free);
	tamga_buf_dispose(&data);
	return error;
}

void tamga_cert_free(tamga_cert *cert)
{
	if (cert == NULL)
		return;
	X509_free(cert->x509);
	free(cert->subject);
	free(cert->issuer);
	free(cert->serial);
	OPENSSL_free(cert->der);
	free(cert);
}

const char *tamga_cert_subject(const tamga_cert *cert) { return cert->subject; }
const char *tamga_cert_issuer(const tamga_cert *cert) { return cert->issuer; }
const char *tamga_cert_serial(const tamga_cert *cert) { return cert->serial; }
const char *tamga_cert_sha256(const tamga_cert *cert) { return cert->sha256; }

tamga_time tamga_cert_not_before(const tamga_cert *cert)
{
	return tamga__asn1_time_get(X509_get0_notBefore(cert->x509));
}

tamga_time tamga_cert_not_after(const tamga_cert *cert)
{
	return tamga__asn1_time_get(X509_get0_notAfter(cert->x509));
}

const unsigned char *tamga_cert_der(const tamga_cert *cert, size_t *len)
{
	*len = cert->der_len;
	return cert->der;
}

int tamga_cert_to_pem(tamga_buf *out, const tamga_cert *cert)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;
	int error = 0;

	if (bio == NULL)
		return tamga__error_oom();
	if (!PEM_write_bio_X509(bio, cert->x509)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot write PEM");
		goto done;
	}
	n = BIO_get_mem_data(bio, &data);
	error = tamga__buf_append(out, data, (size_t)n);
done:
	BIO_free(bio);
	return error;
}
