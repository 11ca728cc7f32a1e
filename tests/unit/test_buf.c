/*
 * tests/unit/test_buf.c - growing buffers, hex, path joining and PEM
 * encoding (common/buf.c).  PEM output is read back with OpenSSL's own PEM
 * reader and base64 decoder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <tamga/common.h>

#include "common/buf.h"

/* ------------------------------------------------------------ helpers */

/* The buffer's invariants: contents followed by a NUL inside the allocation. */
static void check_invariants(const tamga_buf *b)
{
	assert_non_null(b->ptr);
	assert_true(b->asize >= b->size + 1);
	assert_int_equal(b->ptr[b->size], '\0');
}

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 131u + seed * 7u + (i >> 8)) & 0xff);
}

/* ------------------------------------------------------------ append */

static void test_append_grows_and_keeps_contents(void **state)
{
	tamga_buf b = TAMGA_BUF_INIT;
	unsigned char *want;
	size_t total = 0, i, chunk;

	(void)state;
	/* 3000 appends of sizes 1..97: many reallocations. */
	want = malloc(3000 * 97);
	assert_non_null(want);
	for (i = 0; i < 3000; i++) {
		unsigned char piece[97];

		chunk = 1 + i % 97;
		fill_pattern(piece, chunk, (unsigned)i);
		assert_int_equal(tamga__buf_append(&b, piece, chunk), 0);
		memcpy(want + total, piece, chunk);
		total += chunk;
		assert_int_equal(b.size, total);
		check_invariants(&b);
	}
	assert_memory_equal(b.ptr, want, total);
	free(want);
	tamga_buf_dispose(&b);
}

static void test_append_binary_with_nul(void **state)
{
	tamga_buf b = TAMGA_BUF_INIT;
	static const unsigned char data[] = { 'a', 0, 'b', 0, 0, 0xff };

	(void)state;
	assert_int_equal(tamga__buf_append(&b, data, sizeof(data)), 0);
	assert_int_equal(b.size, sizeof(data));
	assert_memory_equal(b.ptr, data, sizeof(data));
	check_invariants(&b);
	tamga_buf_dispose(&b);
}

static void test_append_nothing_still_terminates(void **state)
{
	tamga_buf b = TAMGA_BUF_INIT;

	(void)state;
	/* Zero bytes (data may then be NULL): the buffer is a valid empty string. */
	assert_int_equal(tamga__buf_append(&b, NULL, 0), 0);
	assert_int_equal(b.size, 0);
	check_invariants(&b);
	assert_string_equal((const char *)b.ptr, "");
	assert_int_equal(tamga__buf_append(&b, "xy", 2), 0);
	assert_int_equal(tamga__buf_append(&b, "zz", 0), 0);
	assert_int_equal(b.size, 2);
	assert_string_equal((const char *)b.ptr, "xy");
	tamga_buf_dispose(&b);
}

static void test_append_after_reset_size(void **state)
{
	tamga_buf b = TAMGA_BUF_INIT;

	(void)state;
	/* Callers reuse a buffer by setting size to 0. */
	assert_int_equal(tamga__buf_puts(&b, "first contents, rather long"), 0);
	b.size = 0;
	assert_int_equal(tamga__buf_puts(&b, "new"), 0);
	assert_int_equal(b.size, 3);
	assert_string_equal((const char *)b.ptr, "new");
	tamga_buf_dispose(&b);
}

static void test_append_huge_length_fails_cleanly(void **state)
{
	tamga_buf b = TAMGA_BUF_INIT;

	(void)state;
	assert_int_equal(tamga__buf_puts(&b, "keep"), 0);
	tamga_error_clear();
	/* A length no allocation can satisfy: ENOMEM and the buffer unchanged. */
	assert_int_equal(tamga__buf_append(&b, "x", SIZE_MAX - 2), TAMGA_ENOMEM);
	assert_int_equal(tamga_error_last()->code, TAMGA_ENOMEM);
	assert_int_equal(b.size, 4);
	assert_string_equal((const char *)b.ptr, "keep");
	tamga_buf_dispose(&b);
}

/* ------------------------------------------------------------ puts, printf */

static void test_puts(void **state)
{
	tamga_buf b = TAMGA_BUF_INIT;

	(void)state;
	assert_int_equal(tamga__buf_puts(&b, "Hello"), 0);
	assert_int_equal(tamga__buf_puts(&b, ", "), 0);
	assert_int_equal(tamga__buf_puts(&b, ""), 0);
	assert_int_equal(tamga__buf_puts(&b, "Өгөөмөр"), 0);
	assert_string_equal((const char *)b.ptr, "Hello, Өгөөмөр");
	assert_int_equal(b.size, strlen("Hello, Өгөөмөр"));
	check_invariants(&b);
	tamga_buf_dispose(&b);
}

static void test_printf_small(void **state)
{
	tamga_buf b = TAMGA_BUF_INIT;

	(void)state;
	assert_int_equal(tamga__buf_printf(&b, "%s=%d;", "a", 1), 0);
	assert_int_equal(tamga__buf_printf(&b, "%05x|%c", 0xbeef, 'z'), 0);
	assert_string_equal((const char *)b.ptr, "a=1;0beef|z");
	assert_int_equal(b.size, 11);
	check_invariants(&b);
	tamga_buf_dispose(&b);
}

/* Output longer than printf's internal 512-byte stack buffer. */
static void test_printf_large(void **state)
{
	static const size_t sizes[] = { 510, 511, 512, 513, 4000, 100000 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		tamga_buf b = TAMGA_BUF_INIT;
		char *arg = malloc(sizes[i] + 1), *want;
		size_t wantlen;

		assert_non_null(arg);
		memset(arg, 'q', sizes[i]);
		arg[sizes[i]] = '\0';
		arg[0] = 'A';
		arg[sizes[i] - 1] = 'Z';
		wantlen = sizes[i] + 4;
		want = malloc(wantlen + 1);
		assert_non_null(want);
		snprintf(want, wantlen + 1, "<%s>%d", arg, 42);

		assert_int_equal(tamga__buf_puts(&b, "pre"), 0);
		assert_int_equal(tamga__buf_printf(&b, "<%s>%d", arg, 42), 0);
		assert_int_equal(b.size, 3 + wantlen);
		assert_memory_equal(b.ptr, "pre", 3);
		assert_string_equal((const char *)b.ptr + 3, want);
		check_invariants(&b);
		tamga_buf_dispose(&b);
		free(arg);
		free(want);
	}
}

/* ------------------------------------------------------------ dispose */

static void test_dispose(void **state)
{
	tamga_buf b = TAMGA_BUF_INIT;

	(void)state;
	tamga_buf_dispose(NULL);          /* no-op */
	tamga_buf_dispose(&b);            /* never used: fine */
	assert_null(b.ptr);
	assert_int_equal(tamga__buf_puts(&b, "secret"), 0);
	tamga_buf_dispose(&b);
	assert_null(b.ptr);
	assert_int_equal(b.size, 0);
	assert_int_equal(b.asize, 0);
	tamga_buf_dispose(&b);            /* twice: no double free (ASan checks) */
	assert_null(b.ptr);
	/* Usable again after dispose. */
	assert_int_equal(tamga__buf_puts(&b, "again"), 0);
	assert_string_equal((const char *)b.ptr, "again");
	tamga_buf_dispose(&b);
}

/* ------------------------------------------------------------ hex, path_join */

static void test_hex(void **state)
{
	static const unsigned char data[] = { 0x00, 0x01, 0x0f, 0x10, 0xab, 0xcd, 0xef, 0xff, 0x7f, 0x80 };
	char out[2 * sizeof(data) + 1];
	char one[3];
	unsigned v;

	(void)state;
	memset(out, 'X', sizeof(out));
	tamga__hex(out, data, sizeof(data));
	assert_string_equal(out, "00010f10abcdefff7f80");

	out[0] = 'X';
	tamga__hex(out, data, 0);
	assert_string_equal(out, "");

	/* Every byte value against printf's %02x. */
	for (v = 0; v < 256; v++) {
		unsigned char byte = (unsigned char)v;
		char want[3];

		snprintf(want, sizeof(want), "%02x", v);
		tamga__hex(one, &byte, 1);
		assert_string_equal(one, want);
	}
}

static void test_hexval(void **state)
{
	(void)state;
	assert_int_equal(tamga__hexval('0'), 0);
	assert_int_equal(tamga__hexval('9'), 9);
	assert_int_equal(tamga__hexval('a'), 10);
	assert_int_equal(tamga__hexval('F'), 15);
	assert_int_equal(tamga__hexval('g'), -1);
	assert_int_equal(tamga__hexval('/'), -1);
	assert_int_equal(tamga__hexval(0xC3), -1);
}

/* Names from documents in messages: printable ASCII kept, the rest and the
 * quote characters escaped, long names cut. */
static void test_quote(void **state)
{
	char q[TAMGA__QUOTE_MAX], long_name[400];

	(void)state;
	assert_string_equal(tamga__quote(q, "word/document.xml", 17), "\"word/document.xml\"");
	assert_string_equal(tamga__quote(q, "a\"b\\c\n\xd3\xa8", 8), "\"a\\x22b\\x5cc\\x0a\\xd3\\xa8\"");
	assert_string_equal(tamga__quote(q, "x\0y", 3), "\"x\\x00y\"");
	assert_string_equal(tamga__quote(q, NULL, 0), "\"\"");
	memset(long_name, 'a', sizeof(long_name));
	tamga__quote(q, long_name, sizeof(long_name));
	assert_true(strlen(q) < TAMGA__QUOTE_MAX);
	assert_non_null(strstr(q, "...\""));
}

static void test_path_join(void **state)
{
	char *p;

	(void)state;
	p = tamga__path_join("dir", "name");
	assert_non_null(p);
	assert_string_equal(p, "dir/name");
	free(p);
	p = tamga__path_join("/var/lib/tamga", "private/root.key");
	assert_non_null(p);
	assert_string_equal(p, "/var/lib/tamga/private/root.key");
	free(p);
	p = tamga__path_join("", "x");
	assert_non_null(p);
	assert_string_equal(p, "/x");
	free(p);
	p = tamga__path_join("d", "");
	assert_non_null(p);
	assert_string_equal(p, "d/");
	free(p);
}

static void test_strdup(void **state)
{
	const char *s = "Тамга";
	char *p;

	(void)state;
	p = tamga__strdup(s);
	assert_non_null(p);
	assert_ptr_not_equal(p, s);
	assert_string_equal(p, s);
	free(p);
}

/* ------------------------------------------------------------ PEM */

/* Read the single PEM object in text with OpenSSL; returns its DER. */
static unsigned char *openssl_pem_read(const char *text, size_t len, const char *label, long *derlen)
{
	BIO *bio = BIO_new_mem_buf(text, (int)len);
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;

	assert_non_null(bio);
	assert_int_equal(PEM_read_bio(bio, &name, &header, &der, derlen), 1);
	assert_string_equal(name, label);
	assert_string_equal(header, "");
	OPENSSL_free(name);
	OPENSSL_free(header);
	BIO_free(bio);
	return der;
}

/* Check the RFC 7468 layout by hand and decode the body with EVP_DecodeBlock. */
static void check_pem_layout(const char *pem, size_t len, const char *label, const unsigned char *der,
                             size_t derlen)
{
	char begin[128], end[128];
	const char *body, *stop, *line;
	unsigned char *b64 = malloc(len + 1), *decoded = malloc(len + 1);
	size_t b64len = 0;
	int n, pad = 0;

	assert_non_null(b64);
	assert_non_null(decoded);
	snprintf(begin, sizeof(begin), "-----BEGIN %s-----\n", label);
	snprintf(end, sizeof(end), "-----END %s-----\n", label);
	assert_true(len >= strlen(begin) + strlen(end));
	assert_memory_equal(pem, begin, strlen(begin));
	assert_memory_equal(pem + len - strlen(end), end, strlen(end));
	body = pem + strlen(begin);
	stop = pem + len - strlen(end);
	/* Lines of at most 64 base64 characters, all but the last exactly 64. */
	for (line = body; line < stop;) {
		const char *nl = memchr(line, '\n', (size_t)(stop - line));

		assert_non_null(nl);
		assert_true(nl - line <= 64 && nl - line > 0);
		if (nl + 1 < stop)
			assert_int_equal(nl - line, 64);
		memcpy(b64 + b64len, line, (size_t)(nl - line));
		b64len += (size_t)(nl - line);
		line = nl + 1;
	}
	assert_int_equal(b64len % 4, 0);
	if (b64len > 0) {
		pad = (b64[b64len - 1] == '=') + (b64[b64len - 2] == '=');
		n = EVP_DecodeBlock(decoded, b64, (int)b64len);
		assert_true(n >= 0);
		assert_int_equal((size_t)n - (size_t)pad, derlen);
		assert_memory_equal(decoded, der, derlen);
	} else {
		assert_int_equal(derlen, 0);
	}
	free(b64);
	free(decoded);
}

static void test_pem_encode_matches_openssl(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 47, 48, 49, 50, 1000, 4099 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		tamga_buf pem = TAMGA_BUF_INIT;
		unsigned char *der = malloc(sizes[i]), *back;
		long backlen = 0;

		assert_non_null(der);
		fill_pattern(der, sizes[i], (unsigned)sizes[i]);
		assert_int_equal(tamga_pem_encode(&pem, "X509 CRL", der, sizes[i]), 0);
		check_invariants(&pem);
		assert_int_equal(strlen((const char *)pem.ptr), pem.size);
		back = openssl_pem_read((const char *)pem.ptr, pem.size, "X509 CRL", &backlen);
		assert_int_equal((size_t)backlen, sizes[i]);
		assert_memory_equal(back, der, sizes[i]);
		check_pem_layout((const char *)pem.ptr, pem.size, "X509 CRL", der, sizes[i]);
		OPENSSL_free(back);
		free(der);
		tamga_buf_dispose(&pem);
	}
}

static void test_pem_encode_known_vector(void **state)
{
	/* base64("Man") = "TWFu" (RFC 4648 section 4 example bytes). */
	tamga_buf pem = TAMGA_BUF_INIT;

	(void)state;
	assert_int_equal(tamga_pem_encode(&pem, "TEST", "Man", 3), 0);
	assert_string_equal((const char *)pem.ptr, "-----BEGIN TEST-----\nTWFu\n-----END TEST-----\n");
	tamga_buf_dispose(&pem);
	/* "foobar" -> "Zm9vYmFy", "fo" -> "Zm8=" (RFC 4648 section 10). */
	assert_int_equal(tamga_pem_encode(&pem, "A", "fo", 2), 0);
	assert_string_equal((const char *)pem.ptr, "-----BEGIN A-----\nZm8=\n-----END A-----\n");
	tamga_buf_dispose(&pem);
}

static void test_pem_encode_appends(void **state)
{
	tamga_buf pem = TAMGA_BUF_INIT;
	static const unsigned char a[] = { 1, 2, 3, 4, 5 }, c[] = { 0xff, 0xfe };
	BIO *bio;
	char *name = NULL, *header = NULL;
	unsigned char *der = NULL;
	long len = 0;

	(void)state;
	assert_int_equal(tamga__buf_puts(&pem, "# a bundle\n"), 0);
	assert_int_equal(tamga_pem_encode(&pem, "CERTIFICATE", a, sizeof(a)), 0);
	assert_int_equal(tamga_pem_encode(&pem, "X509 CRL", c, sizeof(c)), 0);
	assert_memory_equal(pem.ptr, "# a bundle\n", 11);

	bio = BIO_new_mem_buf(pem.ptr, (int)pem.size);
	assert_non_null(bio);
	assert_int_equal(PEM_read_bio(bio, &name, &header, &der, &len), 1);
	assert_string_equal(name, "CERTIFICATE");
	assert_int_equal(len, sizeof(a));
	assert_memory_equal(der, a, sizeof(a));
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	assert_int_equal(PEM_read_bio(bio, &name, &header, &der, &len), 1);
	assert_string_equal(name, "X509 CRL");
	assert_int_equal(len, sizeof(c));
	assert_memory_equal(der, c, sizeof(c));
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
	BIO_free(bio);
	tamga_buf_dispose(&pem);
}

static void test_pem_encode_bad_arguments(void **state)
{
	tamga_buf pem = TAMGA_BUF_INIT;

	(void)state;
	assert_int_equal(tamga_pem_encode(NULL, "X", "a", 1), TAMGA_EINVAL);
	assert_int_equal(tamga_pem_encode(&pem, NULL, "a", 1), TAMGA_EINVAL);
	assert_int_equal(tamga_pem_encode(&pem, "X", NULL, 1), TAMGA_EINVAL);
	assert_int_equal(tamga_error_last()->code, TAMGA_EINVAL);
	assert_int_equal(pem.size, 0);
	tamga_buf_dispose(&pem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_grows_and_keeps_contents),
		cmocka_unit_test(test_hexval),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_append_binary_with_nul),
		cmocka_unit_test(test_append_nothing_still_terminates),
		cmocka_unit_test(test_append_after_reset_size),
		cmocka_unit_test(test_append_huge_length_fails_cleanly),
		cmocka_unit_test(test_puts),
		cmocka_unit_test(test_printf_small),
		cmocka_unit_test(test_printf_large),
		cmocka_unit_test(test_dispose),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_path_join),
		cmocka_unit_test(test_strdup),
		cmocka_unit_test(test_pem_encode_matches_openssl),
		cmocka_unit_test(test_pem_encode_known_vector),
		cmocka_unit_test(test_pem_encode_appends),
		cmocka_unit_test(test_pem_encode_bad_arguments),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
