/*
 * pki/load.c - certificates and CRLs from bytes: PEM (RFC 7468, any number
 * of objects, other object kinds skipped) or one DER object.
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/error.h"
#include "pki/pki.h"

/* A PEM bundle with more objects than this is hostile, not a trust store. */
#define MAX_OBJECTS 10000

/*
 * PEM or DER?  DER is a SEQUENCE (0x30) whose length covers the input;
 * anything else with a PEM boundary is PEM.  (Looking for "-----BEGIN "
 * alone would misread a DER certificate whose subject contains that text.)
 */
static int looks_like_der(const unsigned char *p, size_t len)
{
	size_t n, body, i;

	if (len < 2 || p[0] != 0x30)
		return 0;
	if (p[1] < 0x80)
		return (size_t)p[1] + 2 == len;
	n = p[1] & 0x7f;
	if (n == 0 || n > 4 || len < 2 + n)
		return 0;
	for (body = 0, i = 0; i < n; i++)
		body = (body << 8) | p[2 + i];
	return body == len - 2 - n;
}

static int looks_like_pem(const void *data, size_t len)
{
	static const char marker[] = "-----BEGIN ";

	return !looks_like_der(data, len) && len >= sizeof(marker) - 1 &&
	       memmem(data, len, marker, sizeof(marker) - 1) != NULL;
}

typedef void *(*d2i_fn)(const unsigned char **p, long len);

static void *d2i_cert(const unsigned char **p, long len) { return d2i_X509(NULL, p, len); }
static void *d2i_crl(const unsigned char **p, long len) { return d2i_X509_CRL(NULL, p, len); }

/* Decode one DER object that must fill exactly len bytes. */
static void *decode_exact(d2i_fn d2i, const unsigned char *der, long len, void (*freefn)(void *))
{
	const unsigned char *p = der;
	void *obj = d2i(&p, len);

	if (obj != NULL && p != der + len) {
		freefn(obj);
		return NULL;
	}
	return obj;
}

static void free_cert(void *p) { X509_free(p); }
static void free_crl(void *p) { X509_CRL_free(p); }

/*
 * Walk data, calling push() for every object whose PEM label is one of
 * labels (or the single DER object).  kind names the object for messages.
 */
static int load_objects(OPENSSL_STACK *out, const void *data, size_t len, const char *what,
                        const char *const *labels, const char *kind, d2i_fn d2i,
                        void (*freefn)(void *))
{
	BIO *bio = NULL;
	int error = 0, count = 0;

	if (len > (size_t)INT32_MAX)
		return tamga__error_set(TAMGA_ELIMIT, "%s: too large", what);

	if (!looks_like_pem(data, len)) {
		void *obj = decode_exact(d2i, data, (long)len, freefn);

		if (obj == NULL)
			return tamga__error_openssl(TAMGA_EFORMAT, "%s: not a PEM or DER %s", what, kind);
		if (!OPENSSL_sk_push(out, obj)) {
			freefn(obj);
			return tamga__error_oom();
		}
		return 0;
	}

	bio = BIO_new_mem_buf(data, (int)len);
	if (bio == NULL)
		return tamga__error_oom();
	for (;;) {
		char *name = NULL, *header = NULL;
		unsigned char *der = NULL;
		long derlen = 0;
		const char *const *l;
		int wanted = 0;

		if (!PEM_read_bio(bio, &name, &header, &der, &derlen)) {
			unsigned long e = ERR_peek_last_error();

			if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
				ERR_clear_error();
				break;
			}
			error = tamga__error_openssl(TAMGA_EFORMAT, "%s: corrupt PEM after %d %s(s)", what, count, kind);
			goto done;
		}
		for (l = labels; *l; l++)
			if (strcmp(name, *l) == 0)
				wanted = 1;
		if (wanted) {
			void *obj = decode_exact(d2i, der, derlen, freefn);

			if (obj == NULL)
				error = tamga__error_openssl(TAMGA_EFORMAT, "%s: %s number %d is malformed",
				                             what, kind, count + 1);
			else if (++count > MAX_OBJECTS)
				error = tamga__error_set(TAMGA_ELIMIT, "%s: more than %d objects", what, MAX_OBJECTS);
			else if (!OPENSSL_sk_push(out, obj))
				error = tamga__error_oom();
			if (error < 0 && obj != NULL)
				freefn(obj);
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(der);
		if (error < 0)
			goto done;
	}
	if (count == 0)
		error = tamga__error_set(TAMGA_EFORMAT, "%s: no %s found", what, kind);
done:
	BIO_free(bio);
	return error;
}

int tamga__load_certs(STACK_OF(X509) **out, const void *data, size_t len, const char *what)
{
	static const char *const labels[] = { "CERTIFICATE", "X509 CERTIFICATE", NULL };
	STACK_OF(X509) *sk = sk_X509_new_null();
	int error;

	*out = NULL;
	if (sk == NULL)
		return tamga__error_oom();
	error = load_objects((OPENSSL_STACK *)sk, data, len, what, labels, "certificate", d2i_cert, free_cert);
	if (error < 0) {
		sk_X509_pop_free(sk, X509_free);
		return error;
	}
	*out = sk;
	return 0;
}

int tamga__load_crls(STACK_OF(X509_CRL) **out, const void *data, size_t len, const char *what)
{
	static const char *const labels[] = { "X509 CRL", NULL };
	STACK_OF(X509_CRL) *sk = sk_X509_CRL_new_null();
	int error;

	*out = NULL;
	if (sk == NULL)
		return tamga__error_oom();
	error = load_objects((OPENSSL_STACK *)sk, data, len, what, labels, "CRL", d2i_crl, free_crl);
	if (error < 0) {
		sk_X509_CRL_pop_free(sk, X509_CRL_free);
		return error;
	}
	*out = sk;
	return 0;
}
