/*
 * tests/unit/test_serial.c - serial numbers as text (pki/cert.c):
 * tamga__serial_hex, tamga__serial_normalise, tamga__serial_parse.
 *
 * Canonical text is lowercase hex without leading zeros, "0" for zero.
 * Regression: serials whose first octet is below 0x10 (0x059F...), or
 * whose content octets start with 0x00, must not print a leading '0'.
 * Expected strings are derived from the test's own input bytes
 * (printf's %x), never from tamga's output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>

#include <tamga/common.h>

#include "pki/pki.h"

/* ------------------------------------------------------------ helpers */

/* An INTEGER from big-endian magnitude bytes, through BIGNUM (minimal). */
static ASN1_INTEGER *int_from_bytes(const unsigned char *bytes, size_t len)
{
	BIGNUM *bn = BN_bin2bn(bytes, (int)len, NULL);
	ASN1_INTEGER *ai;

	assert_non_null(bn);
	ai = BN_to_ASN1_INTEGER(bn, NULL);
	assert_non_null(ai);
	BN_free(bn);
	return ai;
}

/* An INTEGER whose content octets are exactly these bytes, leading zeros
 * included (what a sloppy encoder or a hand-built structure holds). */
static ASN1_INTEGER *int_raw(const unsigned char *bytes, size_t len)
{
	ASN1_INTEGER *ai = ASN1_INTEGER_new();

	assert_non_null(ai);
	assert_int_equal(ASN1_STRING_set(ai, bytes, (int)len), 1);
	return ai;
}

/* Canonical text of big-endian bytes, computed independently: %02x per
 * byte, then leading '0' characters dropped (keeping one for zero). */
static void expected_hex(char *out, size_t outsize, const unsigned char *bytes, size_t len)
{
	char *tmp = malloc(2 * len + 2);
	size_t i, skip = 0;

	assert_non_null(tmp);
	tmp[0] = '\0';
	for (i = 0; i < len; i++)
		snprintf(tmp + 2 * i, 3, "%02x", bytes[i]);
	while (tmp[skip] == '0')
		skip++;
	snprintf(out, outsize, "%s", tmp[skip] ? tmp + skip : "0");
	free(tmp);
}

static void check_hex(const ASN1_INTEGER *ai, const char *want)
{
	char *got = tamga__serial_hex(ai);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void check_norm(const char *in, const char *want)
{
	char *out = (char *)"sentinel";

	assert_int_equal(tamga__serial_normalise(&out, in), 0);
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void check_norm_rejected(const char *in)
{
	char *out = (char *)"sentinel";

	int rc;

	tamga_error_clear();
	rc = tamga__serial_normalise(&out, in);
	if (rc == 0) {
		print_message("'%s' accepted as '%s'\n", in, out);
		free(out); /* no leak report on failure */
		out = NULL;
	}
	assert_int_equal(rc, TAMGA_EINVAL);
	assert_null(out);
	assert_int_equal(tamga_error_last()->code, TAMGA_EINVAL);
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* ------------------------------------------------------------ serial_hex */

static void test_hex_first_byte_below_0x10(void **state)
{
	static const unsigned char b1[] = { 0x05, 0x9f };
	static const unsigned char b2[] = { 0x05, 0x9f, 0xab, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
	                                    0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc };
	static const unsigned char b3[] = { 0x0f, 0xff };
	static const unsigned char b4[] = { 0x01, 0x00, 0x00 };
	ASN1_INTEGER *ai;

	(void)state;
	ai = int_from_bytes(b1, sizeof(b1));
	check_hex(ai, "59f");
	ASN1_INTEGER_free(ai);
	ai = int_from_bytes(b2, sizeof(b2));
	check_hex(ai, "59fab00112233445566778899aabbcc");
	ASN1_INTEGER_free(ai);
	ai = int_from_bytes(b3, sizeof(b3));
	check_hex(ai, "fff");
	ASN1_INTEGER_free(ai);
	ai = int_from_bytes(b4, sizeof(b4));
	check_hex(ai, "10000");
	ASN1_INTEGER_free(ai);
}

static void test_hex_leading_zero_octets(void **state)
{
	static const unsigned char b1[] = { 0x00, 0x05, 0x9f };
	static const unsigned char b2[] = { 0x00, 0x00, 0x00, 0x01 };
	static const unsigned char b3[] = { 0x00, 0xff };
	ASN1_INTEGER *ai;

	(void)state;
	ai = int_raw(b1, sizeof(b1));
	check_hex(ai, "59f");
	ASN1_INTEGER_free(ai);
	ai = int_raw(b2, sizeof(b2));
	check_hex(ai, "1");
	ASN1_INTEGER_free(ai);
	ai = int_raw(b3, sizeof(b3));
	check_hex(ai, "ff");
	ASN1_INTEGER_free(ai);
}

/* From DER: 0x8001 needs a 0x00 sign octet on the wire (02 03 00 80 01). */
static void test_hex_from_der_with_sign_octet(void **state)
{
	static const unsigned char der1[] = { 0x02, 0x03, 0x00, 0x80, 0x01 };
	static const unsigned char der2[] = { 0x02, 0x02, 0x05, 0x9f };
	static const unsigned char der3[] = { 0x02, 0x11, 0x00, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01 };
	const unsigned char *p;
	ASN1_INTEGER *ai;

	(void)state;
	p = der1;
	ai = d2i_ASN1_INTEGER(NULL, &p, (long)sizeof(der1));
	assert_non_null(ai);
	check_hex(ai, "8001");
	ASN1_INTEGER_free(ai);
	p = der2;
	ai = d2i_ASN1_INTEGER(NULL, &p, (long)sizeof(der2));
	assert_non_null(ai);
	check_hex(ai, "59f");
	ASN1_INTEGER_free(ai);
	p = der3;
	ai = d2i_ASN1_INTEGER(NULL, &p, (long)sizeof(der3));
	assert_non_null(ai);
	check_hex(ai, "80000000000000000000000000000001");
	ASN1_INTEGER_free(ai);
}

static void test_hex_zero_and_small(void **state)
{
	ASN1_INTEGER *ai = ASN1_INTEGER_new();

	(void)state;
	assert_non_null(ai);
	assert_int_equal(ASN1_INTEGER_set(ai, 0), 1);
	check_hex(ai, "0");
	assert_int_equal(ASN1_INTEGER_set(ai, 1), 1);
	check_hex(ai, "1");
	assert_int_equal(ASN1_INTEGER_set(ai, 0x10), 1);
	check_hex(ai, "10");
	assert_int_equal(ASN1_INTEGER_set(ai, 0xabc), 1);
	check_hex(ai, "abc");
	ASN1_INTEGER_free(ai);
}

/* Every first-octet value, and random 1..20-octet serials, against printf. */
static void test_hex_matches_printf(void **state)
{
	uint64_t s = 0xfeedface;
	unsigned v;
	int i;

	(void)state;
	for (v = 0; v < 256; v++) {
		unsigned char b[3] = { (unsigned char)v, 0xab, 0x0c };
		char want[16];
		ASN1_INTEGER *ai = int_from_bytes(b, sizeof(b));

		snprintf(want, sizeof(want), "%x", (v << 16) | 0xab0c);
		check_hex(ai, want);
		ASN1_INTEGER_free(ai);
	}
	for (i = 0; i < 2000; i++) {
		unsigned char b[20];
		size_t len = 1 + (size_t)(rng_next(&s) % 20), k;
		char want[64];
		ASN1_INTEGER *ai;

		for (k = 0; k < len; k++)
			b[k] = (unsigned char)rng_next(&s);
		b[0] &= (unsigned char)(rng_next(&s) & 1 ? 0x0f : 0x7f); /* often below 0x10 */
		expected_hex(want, sizeof(want), b, len);
		ai = int_from_bytes(b, len);
		check_hex(ai, want);
		ASN1_INTEGER_free(ai);
		/* With extra zero octets in front: the same text. */
		{
			unsigned char z[22] = { 0, 0 };

			memcpy(z + 2, b, len);
			ai = int_raw(z, len + 2);
			check_hex(ai, want);
			ASN1_INTEGER_free(ai);
		}
	}
}

/* ------------------------------------------------------------ normalise */

static void test_normalise_forms(void **state)
{
	(void)state;
	check_norm("0x00:05:9F", "59f");
	check_norm("059F", "59f");
	check_norm("59f", "59f");
	check_norm("0X059f", "59f");
	check_norm("05:9f", "59f");
	check_norm("ABCDEF0123456789", "abcdef0123456789");
	check_norm("aa:bb:cc", "aabbcc");
	check_norm("0", "0");
	check_norm("000", "0");
	check_norm("0x0", "0");
	check_norm("00:00", "0");
	check_norm("100", "100");       /* inner and trailing zeros stay */
	check_norm("0x1000", "1000");
}

static void test_normalise_rejects(void **state)
{
	char *out = (char *)"sentinel";

	(void)state;
	check_norm_rejected("");
	check_norm_rejected("xyz");
	check_norm_rejected("12g4");
	check_norm_rejected("0x12 34");
	check_norm_rejected("-1");
	check_norm_rejected("59f\n");
	check_norm_rejected("0x0x12");
	/* NULL is "no serial given". */
	tamga_error_clear();
	assert_int_equal(tamga__serial_normalise(&out, NULL), TAMGA_EINVAL);
	assert_null(out);
}

/* A prefix or separators with no digit at all is not a serial number: it
 * must not silently become "0". */
static void test_normalise_rejects_no_digits(void **state)
{
	(void)state;
	check_norm_rejected("0x");
	check_norm_rejected(":");
	check_norm_rejected("0x:");
}

static void test_normalise_length_limit(void **state)
{
	char in[200];

	(void)state;
	/* 128 characters are accepted... */
	memset(in, 'a', 128);
	in[128] = '\0';
	check_norm(in, in);
	/* ...and a "0x" prefix does not count. */
	in[0] = '0';
	in[1] = 'x';
	memset(in + 2, 'b', 128);
	in[130] = '\0';
	check_norm(in, in + 2);
	/* 129 are not. */
	memset(in, 'c', 129);
	in[129] = '\0';
	check_norm_rejected(in);
	memset(in, '0', 150);
	in[150] = '\0';
	check_norm_rejected(in);
}

/* ------------------------------------------------------------ parse */

static void test_parse_values(void **state)
{
	static const struct {
		const char *text;
		const char *hex;   /* the same value for BN_hex2bn */
	} cases[] = {
		{ "0x00:05:9F", "59F" },
		{ "059f", "59F" },
		{ "0", "0" },
		{ "1", "1" },
		{ "7f", "7F" },
		{ "80", "80" },
		{ "ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff:ff", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF" },
		{ "4a3b2c1d0e0f00112233445566778899", "4A3B2C1D0E0F00112233445566778899" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASN1_INTEGER *got = NULL, *want;
		BIGNUM *bn = NULL;

		assert_int_equal(tamga__serial_parse(&got, cases[i].text), 0);
		assert_non_null(got);
		assert_true(BN_hex2bn(&bn, cases[i].hex) > 0);
		want = BN_to_ASN1_INTEGER(bn, NULL);
		assert_non_null(want);
		assert_int_equal(ASN1_INTEGER_cmp(got, want), 0);
		/* Positive, never negative. */
		assert_int_equal(ASN1_STRING_type(got), V_ASN1_INTEGER);
		ASN1_INTEGER_free(want);
		ASN1_INTEGER_free(got);
		BN_free(bn);
	}
}

static void test_parse_small_value(void **state)
{
	ASN1_INTEGER *ai = NULL;
	int64_t v = 0;

	(void)state;
	assert_int_equal(tamga__serial_parse(&ai, "0x00:05:9F"), 0);
	assert_int_equal(ASN1_INTEGER_get_int64(&v, ai), 1);
	assert_int_equal(v, 0x059f);
	ASN1_INTEGER_free(ai);
}

static void test_parse_rejects(void **state)
{
	ASN1_INTEGER *ai = (ASN1_INTEGER *)&ai; /* not NULL */

	(void)state;
	assert_int_equal(tamga__serial_parse(&ai, "not hex"), TAMGA_EINVAL);
	assert_null(ai);
	ai = (ASN1_INTEGER *)&ai;
	assert_int_equal(tamga__serial_parse(&ai, ""), TAMGA_EINVAL);
	assert_null(ai);
}

/* hex(parse(x)) == normalise(x), and the text of random serials survives. */
static void test_round_trip(void **state)
{
	uint64_t s = 99;
	int i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		unsigned char b[20];
		size_t len = 1 + (size_t)(rng_next(&s) % 20), k;
		char want[64], text[80], *norm = NULL, *back;
		ASN1_INTEGER *ai = NULL;
		size_t n = 0;

		for (k = 0; k < len; k++)
			b[k] = (unsigned char)rng_next(&s);
		expected_hex(want, sizeof(want), b, len);
		/* Uppercase, colon-separated, "0x", with every leading zero octet. */
		n += (size_t)snprintf(text + n, sizeof(text) - n, "0x");
		for (k = 0; k < len && n < sizeof(text); k++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, k ? ":%02X" : "%02X", b[k]);
		if (n >= sizeof(text))
			continue; /* too long for the 128-character limit anyway */
		assert_int_equal(tamga__serial_normalise(&norm, text), 0);
		assert_string_equal(norm, want);
		assert_int_equal(tamga__serial_parse(&ai, text), 0);
		back = tamga__serial_hex(ai);
		assert_non_null(back);
		assert_string_equal(back, want);
		free(back);
		free(norm);
		ASN1_INTEGER_free(ai);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hex_first_byte_below_0x10),
		cmocka_unit_test(test_hex_leading_zero_octets),
		cmocka_unit_test(test_hex_from_der_with_sign_octet),
		cmocka_unit_test(test_hex_zero_and_small),
		cmocka_unit_test(test_hex_matches_printf),
		cmocka_unit_test(test_normalise_forms),
		cmocka_unit_test(test_normalise_rejects),
		cmocka_unit_test(test_normalise_rejects_no_digits),
		cmocka_unit_test(test_normalise_length_limit),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_parse_small_value),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests_name("serial", tests, NULL, NULL);
}
