/*
 * common/buf.c - growing byte buffers, hex, small string helpers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>

#include "common/buf.h"
#include "common/error.h"

void tamga_buf_dispose(tamga_buf *buf)
{
	if (buf == NULL)
		return;
	if (buf->ptr != NULL) {
		OPENSSL_cleanse(buf->ptr, buf->asize);
		free(buf->ptr);
	}
	buf->ptr = NULL;
	buf->size = 0;
	buf->asize = 0;
}

static int grow_to(tamga_buf *buf, size_t need, int exact)
{
	unsigned char *p;
	size_t asize;

	if (need > buf->asize) {
		asize = buf->asize ? buf->asize : 64;
		if (exact)
			asize = need;
		while (asize < need)
			asize *= 2;
		/* Not realloc: it could leave a secret's old copy behind. */
		p = malloc(asize);
		if (p == NULL)
			return tamga__error_oom();
		if (buf->size)
			memcpy(p, buf->ptr, buf->size);
		if (buf->ptr != NULL) {
			OPENSSL_cleanse(buf->ptr, buf->asize);
			free(buf->ptr);
		}
		buf->ptr = p;
		buf->asize = asize;
	}
	return 0;
}

int tamga__buf_reserve(tamga_buf *buf, size_t extra)
{
	if (extra > SIZE_MAX / 2 - buf->size - 1)
		return tamga__error_oom();
	return grow_to(buf, buf->size + extra + 1, 1);
}

int tamga__buf_append(tamga_buf *buf, const void *data, size_t len)
{
	int error;

	if (len > SIZE_MAX / 2 - buf->size - 1)
		return tamga__error_oom();
	if ((error = grow_to(buf, buf->size + len + 1, 0)) < 0)
		return error;
	if (len)
		memcpy(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
	return 0;
}

int tamga__buf_puts(tamga_buf *buf, const char *s)
{
	return tamga__buf_append(buf, s, strlen(s));
}

int tamga__buf_printf(tamga_buf *buf, const char *fmt, ...)
{
	va_list ap;
	char small[512], *big = NULL;
	int n, error;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return tamga__error_set(TAMGA_ERROR, "formatting failed");
	if ((size_t)n < sizeof(small))
		return tamga__buf_append(buf, small, (size_t)n);

	big = malloc((size_t)n + 1);
	if (big == NULL)
		return tamga__error_oom();
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	error = tamga__buf_append(buf, big, (size_t)n);
	free(big);
	return error;
}

void tamga__hex(char *out, const unsigned char *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 15];
	}
	out[2 * len] = '\0';
}

char *tamga__path_join(const char *dir, const char *name)
{
	size_t a = strlen(dir), b = strlen(name);
	char *p = malloc(a + b + 2);

	if (p == NULL) {
		tamga__error_oom();
		return NULL;
	}
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, name, b + 1);
	return p;
}

int tamga__hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *tamga__quote(char out[TAMGA__QUOTE_MAX], const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	out[o++] = '"';
	for (i = 0; s != NULL && i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 8 >= TAMGA__QUOTE_MAX) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			out[o++] = (char)c;
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

char *tamga__strdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		tamga__error_oom();
	return p;
}

int tamga_pem_encode(tamga_buf *out, const char *label, const void *der, size_t len)
{
	BIO *bio;
	char *data;
	long n;
	int error;

	if (out == NULL || label == NULL || (der == NULL && len > 0) || len > INT32_MAX)
		return tamga__error_set(TAMGA_EINVAL, "tamga_pem_encode: bad arguments");
	if ((bio = BIO_new(BIO_s_mem())) == NULL)
		return tamga__error_oom();
	if (PEM_write_bio(bio, label, "", der, (long)len) <= 0) {
		BIO_free(bio);
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot write PEM");
	}
	n = BIO_get_mem_data(bio, &data);
	error = tamga__buf_append(out, data, (size_t)n);
	BIO_free(bio);
	return error;
}
