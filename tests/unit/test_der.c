/*
 * tests/unit/test_der.c - the DER writer (formats/cms/der.c).
 *
 * Expected bytes come from ITU-T X.690 (its worked examples and the rules
 * spelled out byte by byte below) and from OpenSSL's own encoder: lengths
 * from ASN1_put_object, OCTET STRINGs, INTEGERs and OBJECT IDENTIFIERs from
 * i2d_*, and SET OF order from i2d_X509_ATTRIBUTE, whose values are a
 * SET OF ANY that OpenSSL sorts.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <tamga/common.h>

#include "common/buf.h"
#include "formats/cms/der.h"

/* ------------------------------------------------------------ helpers */

static void finish_equal(struct tamga__der *w, const unsigned char *want, size_t want_len)
{
	tamga_buf out = TAMGA_BUF_INIT;

	assert_int_equal(tamga__der_finish(w, &out), 0);
	assert_int_equal(out.size, want_len);
	assert_memory_equal(out.ptr, want, want_len);
	tamga_buf_dispose(&out);
}

static void fill(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + 3);
}

/* ------------------------------------------------------------ lengths */

/* X.690 §8.1.3: short form below 128, else 0x80|n and n big-endian bytes,
 * the fewest (§10.1). */
static void test_length_vectors(void **state)
{
	static const struct {
		size_t len;
		unsigned char hdr[6];
		size_t hdr_len;
	} v[] = {
		{ 0, { 0x04, 0x00 }, 2 },
		{ 1, { 0x04, 0x01 }, 2 },
		{ 127, { 0x04, 0x7f }, 2 },
		{ 128, { 0x04, 0x81, 0x80 }, 3 },
		{ 255, { 0x04, 0x81, 0xff }, 3 },
		{ 256, { 0x04, 0x82, 0x01, 0x00 }, 4 },
		{ 65535, { 0x04, 0x82, 0xff, 0xff }, 4 },
		{ 65536, { 0x04, 0x83, 0x01, 0x00, 0x00 }, 5 },
		{ 16777216, { 0x04, 0x84, 0x01, 0x00, 0x00, 0x00 }, 6 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tamga_buf b = TAMGA_BUF_INIT;
		unsigned char ossl[16], *p = ossl;

		assert_int_equal(tamga__der_header(&b, 0x04, v[i].len), 0);
		assert_int_equal(b.size, v[i].hdr_len);
		assert_memory_equal(b.ptr, v[i].hdr, v[i].hdr_len);
		assert_int_equal(tamga__der_header_size(v[i].len), v[i].hdr_len);
		/* OpenSSL's header writer agrees. */
		ASN1_put_object(&p, 0, (int)v[i].len, V_ASN1_OCTET_STRING, V_ASN1_UNIVERSAL);
		assert_int_equal((size_t)(p - ossl), v[i].hdr_len);
		assert_memory_equal(ossl, v[i].hdr, v[i].hdr_len);
		tamga_buf_dispose(&b);
	}
}

/* OCTET STRINGs of the interesting lengths, against i2d_ASN1_OCTET_STRING. */
static void test_octets_match_openssl(void **state)
{
	static const size_t lens[] = { 0, 1, 127, 128, 255, 256, 65535, 65536, 70000 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		unsigned char *data = malloc(lens[i] + 1), *ossl = NULL;
		ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
		struct tamga__der w;
		int n;

		assert_non_null(data);
		assert_non_null(os);
		fill(data, lens[i]);
		assert_int_equal(ASN1_OCTET_STRING_set(os, data, (int)lens[i]), 1);
		n = i2d_ASN1_OCTET_STRING(os, &ossl);
		assert_true(n > 0);
		tamga__der_init(&w);
		assert_int_equal(tamga__der_octets(&w, data, lens[i]), 0);
		finish_equal(&w, ossl, (size_t)n);
		OPENSSL_free(ossl);
		ASN1_OCTET_STRING_free(os);
		free(data);
	}
}

/* A constructed element's length is written when it is closed: content of
 * 0, 127, 128, 255, 256 and 65536 bytes inside a SEQUENCE, read back with
 * OpenSSL's ASN1_get_object. */
static void test_constructed_lengths(void **state)
{
	static const size_t lens[] = { 0, 127, 128, 255, 256, 65536 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t n = lens[i];
		unsigned char *raw = malloc(n + 1);
		struct tamga__der w;
		tamga_buf out = TAMGA_BUF_INIT;
		const unsigned char *p;
		long plen;
		int tag, cls, r;

		assert_non_null(raw);
		fill(raw, n);
		tamga__der_init(&w);
		tamga__der_begin(&w, TAMGA__DER_SEQUENCE);
		tamga__der_raw(&w, raw, n);
		tamga__der_end(&w);
		assert_int_equal(tamga__der_finish(&w, &out), 0);
		assert_int_equal(out.size, tamga__der_header_size(n) + n);
		p = out.ptr;
		r = ASN1_get_object(&p, &plen, &tag, &cls, (long)out.size);
		assert_int_equal(r, V_ASN1_CONSTRUCTED);
		assert_int_equal(tag, V_ASN1_SEQUENCE);
		assert_int_equal(plen, (long)n);
		assert_int_equal((size_t)(p - out.ptr), tamga__der_header_size(n));
		if (n)
			assert_memory_equal(p, raw, n);
		tamga_buf_dispose(&out);
		free(raw);
	}
}

/* Nested elements, written out by hand from X.690 §8.9 and §8.14:
 *   SEQUENCE { INTEGER 5, [0] { NULL }, [2] IMPLICIT primitive 'ab' } */
static void test_nested_vector(void **state)
{
	static const unsigned char want[] = { 0x30, 0x0b, 0x02, 0x01, 0x05, 0xa0, 0x02, 0x05, 0x00,
	                                      0x82, 0x02, 'a', 'b' };
	struct tamga__der w;

	(void)state;
	tamga__der_init(&w);
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);
	tamga__der_uint(&w, 5);
	tamga__der_begin(&w, TAMGA__DER_CTX(0));
	tamga__der_null(&w);
	tamga__der_end(&w);
	tamga__der_tlv(&w, TAMGA__DER_CTX_PRIM(2), "ab", 2);
	tamga__der_end(&w);
	finish_equal(&w, want, sizeof(want));
}

/* A content of 200 bytes two levels down: both outer lengths need the
 * long form, and the inner length octets shift the outer ones. */
static void test_nested_long_form(void **state)
{
	unsigned char raw[200], want[3 + 3 + 3 + 200];
	struct tamga__der w;

	(void)state;
	fill(raw, sizeof(raw));
	/* SET { SEQUENCE { OCTET STRING (200) } }: 203, 206 content bytes. */
	want[0] = 0x31; want[1] = 0x81; want[2] = 206;
	want[3] = 0x30; want[4] = 0x81; want[5] = 203;
	want[6] = 0x04; want[7] = 0x81; want[8] = 200;
	memcpy(want + 9, raw, sizeof(raw));
	tamga__der_init(&w);
	tamga__der_begin(&w, TAMGA__DER_SET);
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);
	tamga__der_octets(&w, raw, sizeof(raw));
	tamga__der_end(&w);
	tamga__der_end(&w);
	finish_equal(&w, want, 9 + sizeof(raw));
}

/* ------------------------------------------------------------ SET OF */

/* X.690 §11.6 by hand: encodings compared as octet strings. */
static void test_set_of_vector(void **state)
{
	static const unsigned char e1[] = { 0x04, 0x01, 0x02 };
	static const unsigned char e2[] = { 0x04, 0x01, 0x01 };
	static const unsigned char e3[] = { 0x02, 0x01, 0x05 };
	static const unsigned char e4[] = { 0x04, 0x02, 0x01, 0x00 };
	static const unsigned char e5[] = { 0x04, 0x00 };
	static const unsigned char want[] = { 0x31, 0x0f,
	                                      0x02, 0x01, 0x05,
	                                      0x04, 0x00,
	                                      0x04, 0x01, 0x01,
	                                      0x04, 0x01, 0x02,
	                                      0x04, 0x02, 0x01, 0x00 };
	struct tamga__der w;

	(void)state;
	tamga__der_init(&w);
	tamga__der_begin_set_of(&w, TAMGA__DER_SET);
	tamga__der_raw(&w, e1, sizeof(e1));
	tamga__der_raw(&w, e2, sizeof(e2));
	tamga__der_raw(&w, e3, sizeof(e3));
	tamga__der_raw(&w, e4, sizeof(e4));
	tamga__der_raw(&w, e5, sizeof(e5));
	tamga__der_end(&w);
	finish_equal(&w, want, sizeof(want));
}

/* A plain SET (begin, not begin_set_of) keeps the written order: the
 * writer sorts only what it is told is a SET OF. */
static void test_plain_set_keeps_order(void **state)
{
	static const unsigned char want[] = { 0x31, 0x06, 0x04, 0x01, 0x02, 0x04, 0x01, 0x01 };
	struct tamga__der w;

	(void)state;
	tamga__der_init(&w);
	tamga__der_begin(&w, TAMGA__DER_SET);
	tamga__der_octets(&w, "\x02", 1);
	tamga__der_octets(&w, "\x01", 1);
	tamga__der_end(&w);
	finish_equal(&w, want, sizeof(want));
}

/* The same values through OpenSSL's encoder (an X509_ATTRIBUTE's values are
 * a SET OF ANY, sorted by i2d) and through begin_set_of in another order. */
static void test_set_of_matches_openssl(void **state)
{
	/* Lengths around the short/long boundary, equal prefixes, duplicates,
	 * empty, and two types. */
	static const struct {
		int type;
		size_t len;
		unsigned char first;
	} v[] = {
		{ V_ASN1_OCTET_STRING, 3, 0x10 }, { V_ASN1_OCTET_STRING, 127, 0x00 }, { V_ASN1_OCTET_STRING, 128, 0x00 },
		{ V_ASN1_OCTET_STRING, 0, 0 },    { V_ASN1_UTF8STRING, 5, 'a' },      { V_ASN1_OCTET_STRING, 3, 0x10 },
		{ V_ASN1_OCTET_STRING, 300, 0xff }, { V_ASN1_OCTET_STRING, 2, 0x10 }, { V_ASN1_UTF8STRING, 1, 'Z' },
		{ V_ASN1_OCTET_STRING, 256, 0x01 },
	};
	const size_t n = sizeof(v) / sizeof(v[0]);
	X509_ATTRIBUTE *attr = X509_ATTRIBUTE_new();
	ASN1_OBJECT *obj = OBJ_txt2obj("1.2.3.4", 1);
	unsigned char *ossl = NULL, data[400];
	struct tamga__der w;
	size_t i;
	int len;

	(void)state;
	assert_non_null(attr);
	assert_non_null(obj);
	assert_int_equal(X509_ATTRIBUTE_set1_object(attr, obj), 1);
	for (i = 0; i < n; i++) {
		memset(data, 0x41, sizeof(data));
		fill(data + 1, v[i].len);
		data[0] = v[i].first;
		assert_int_equal(X509_ATTRIBUTE_set1_data(attr, v[i].type, data, (int)v[i].len), 1);
	}
	len = i2d_X509_ATTRIBUTE(attr, &ossl);
	assert_true(len > 0);

	tamga__der_init(&w);
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);
	tamga__der_oid(&w, "1.2.3.4");
	tamga__der_begin_set_of(&w, TAMGA__DER_SET);
	for (i = n; i-- > 0;) { /* reverse order: the writer must sort */
		memset(data, 0x41, sizeof(data));
		fill(data + 1, v[i].len);
		data[0] = v[i].first;
		tamga__der_tlv(&w, (unsigned char)v[i].type, data, v[i].len);
	}
	tamga__der_end(&w);
	tamga__der_end(&w);
	finish_equal(&w, ossl, (size_t)len);

	OPENSSL_free(ossl);
	ASN1_OBJECT_free(obj);
	X509_ATTRIBUTE_free(attr);
}

/* An IMPLICIT [0] SET OF (CMS certificates) sorts like a SET OF. */
static void test_tagged_set_of(void **state)
{
	static const unsigned char want[] = { 0xa0, 0x06, 0x30, 0x01, 0x00, 0x30, 0x01, 0x01 };
	struct tamga__der w;

	(void)state;
	tamga__der_init(&w);
	tamga__der_begin_set_of(&w, TAMGA__DER_CTX(0));
	tamga__der_raw(&w, "\x30\x01\x01", 3);
	tamga__der_raw(&w, "\x30\x01\x00", 3);
	tamga__der_end(&w);
	finish_equal(&w, want, sizeof(want));
}

/* A SET OF member that is not whole DER is an error, not a silent mess. */
static void test_set_of_bad_member(void **state)
{
	struct tamga__der w;
	tamga_buf out = TAMGA_BUF_INIT;

	(void)state;
	tamga__der_init(&w);
	tamga__der_begin_set_of(&w, TAMGA__DER_SET);
	tamga__der_raw(&w, "\x04\x05\x01", 3); /* says 5 bytes, has 1 */
	assert_int_equal(tamga__der_end(&w), TAMGA_EFORMAT);
	assert_int_equal(tamga__der_finish(&w, &out), TAMGA_EFORMAT);
	assert_int_equal(out.size, 0);
	tamga_buf_dispose(&out);
}

/* ------------------------------------------------------------ OIDs */

static void oid_equal(const char *dotted, const unsigned char *want, size_t want_len)
{
	struct tamga__der w;

	tamga__der_init(&w);
	assert_int_equal(tamga__der_oid(&w, dotted), 0);
	finish_equal(&w, want, want_len);
}

/* Vectors from X.690 §8.19.5 (the {2 999 3} example) and well-known OIDs
 * as the RFCs print them. */
static void test_oid_vectors(void **state)
{
	(void)state;
	oid_equal("2.999.3", (const unsigned char *)"\x06\x03\x88\x37\x03", 5);
	oid_equal("1.2.840.113549", (const unsigned char *)"\x06\x06\x2a\x86\x48\x86\xf7\x0d", 8);
	oid_equal("1.2.840.113549.1.7.2", (const unsigned char *)"\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02", 11);
	oid_equal("2.16.840.1.101.3.4.2.1", (const unsigned char *)"\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01", 11);
	oid_equal("2.5.4.3", (const unsigned char *)"\x06\x03\x55\x04\x03", 5);
	oid_equal("0.0", (const unsigned char *)"\x06\x01\x00", 3);
	oid_equal("1.39", (const unsigned char *)"\x06\x01\x4f", 3);
	oid_equal("2.40", (const unsigned char *)"\x06\x01\x78", 3);
	/* 2 * 40 + 48 = 128 needs two base-128 groups. */
	oid_equal("2.48", (const unsigned char *)"\x06\x02\x81\x00", 4);
}

/* Many OIDs against OBJ_txt2obj + i2d_ASN1_OBJECT. */
static void test_oid_matches_openssl(void **state)
{
	static const char *const oids[] = {
		"1.2.840.113549.1.9.16.2.47", "1.2.840.113549.1.9.16.2.14", "1.2.840.10045.4.3.2",
		"1.2.840.113549.1.1.10", "1.2.840.113549.1.1.8", "2.999", "2.47", "2.48", "2.127", "2.128",
		"2.16383", "2.16384", "1.3.6.1.4.1.311.60.2.1.3", "0.39", "1.0.127.128.16383.16384.2097151.2097152",
		"1.2.4294967295", "1.2.4294967296", "1.2.9223372036854775807", "1.2.18446744073709551615",
		"2.18446744073709551535", "1.2.840.113583.1.1.5",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(oids) / sizeof(oids[0]); i++) {
		ASN1_OBJECT *o = OBJ_txt2obj(oids[i], 1);
		unsigned char *der = NULL;
		int n;

		assert_non_null(o);
		n = i2d_ASN1_OBJECT(o, &der);
		assert_true(n > 0);
		oid_equal(oids[i], der, (size_t)n);
		OPENSSL_free(der);
		ASN1_OBJECT_free(o);
	}
}

static void test_oid_refused(void **state)
{
	static const char *const bad[] = {
		"", "1", "3.1", "0.40", "1.40", "1..2", "1.2.", ".1.2", "01.2", "1.02", "1.2.a", "1.2 ", " 1.2",
		"1.-2", "+1.2", "1.18446744073709551616", "1.2.18446744073709551616", "2.18446744073709551536",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tamga__der w;
		tamga_buf out = TAMGA_BUF_INIT;

		tamga__der_init(&w);
		assert_int_equal(tamga__der_oid(&w, bad[i]), TAMGA_EINVAL);
		assert_int_equal(tamga__der_finish(&w, &out), TAMGA_EINVAL);
		assert_int_equal(out.size, 0);
		tamga_buf_dispose(&out);
	}
}

/* ------------------------------------------------------------ INTEGER */

static void test_integers_match_openssl(void **state)
{
	static const struct {
		unsigned char be[40];
		size_t len;
	} v[] = {
		{ { 0 }, 0 }, { { 0 }, 1 }, { { 0, 0, 0 }, 3 }, { { 1 }, 1 }, { { 0x7f }, 1 }, { { 0x80 }, 1 },
		{ { 0xff }, 1 }, { { 0x01, 0x00 }, 2 }, { { 0x00, 0x00, 0x80 }, 3 }, { { 0x7f, 0xff }, 2 },
		{ { 0x80, 0, 0, 0, 0, 0, 0, 0 }, 8 },
		{ { 0xc3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
		    26, 27, 28, 29, 30, 31 }, 32 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		BIGNUM *bn = BN_bin2bn(v[i].be, (int)v[i].len, NULL);
		ASN1_INTEGER *ai;
		unsigned char *der = NULL;
		struct tamga__der w;
		int n;

		assert_non_null(bn);
		ai = BN_to_ASN1_INTEGER(bn, NULL);
		assert_non_null(ai);
		n = i2d_ASN1_INTEGER(ai, &der);
		assert_true(n > 0);
		tamga__der_init(&w);
		assert_int_equal(tamga__der_integer(&w, v[i].be, v[i].len), 0);
		finish_equal(&w, der, (size_t)n);
		OPENSSL_free(der);
		ASN1_INTEGER_free(ai);
		BN_free(bn);
	}
}

static void test_uint_vectors(void **state)
{
	struct tamga__der w;

	(void)state;
	tamga__der_init(&w);
	tamga__der_uint(&w, 0);
	tamga__der_uint(&w, 1);
	tamga__der_uint(&w, 128);
	tamga__der_uint(&w, 256);
	tamga__der_uint(&w, UINT64_MAX);
	finish_equal(&w, (const unsigned char *)"\x02\x01\x00" "\x02\x01\x01" "\x02\x02\x00\x80" "\x02\x02\x01\x00"
	             "\x02\x09\x00\xff\xff\xff\xff\xff\xff\xff\xff", 3 + 3 + 4 + 4 + 11);
}

/* ------------------------------------------------------------ errors */

static void test_sticky_errors(void **state)
{
	struct tamga__der w;
	tamga_buf out = TAMGA_BUF_INIT;
	int i;

	(void)state;
	/* end without begin */
	tamga__der_init(&w);
	assert_int_equal(tamga__der_end(&w), TAMGA_EINVAL);
	assert_int_equal(tamga__der_null(&w), TAMGA_EINVAL); /* sticky */
	assert_int_equal(tamga__der_finish(&w, &out), TAMGA_EINVAL);
	assert_int_equal(out.size, 0);

	/* left open */
	tamga__der_init(&w);
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);
	assert_int_equal(tamga__der_finish(&w, &out), TAMGA_EINVAL);
	assert_int_equal(out.size, 0);

	/* too deep */
	tamga__der_init(&w);
	for (i = 0; i < TAMGA__DER_DEPTH; i++)
		assert_int_equal(tamga__der_begin(&w, TAMGA__DER_SEQUENCE), 0);
	assert_int_equal(tamga__der_begin(&w, TAMGA__DER_SEQUENCE), TAMGA_ELIMIT);
	assert_int_equal(tamga__der_finish(&w, &out), TAMGA_ELIMIT);

	/* multi-byte tags are not written */
	tamga__der_init(&w);
	assert_int_equal(tamga__der_begin(&w, 0x1f), TAMGA_EINVAL);
	tamga__der_dispose(&w);

	/* finish appends: earlier contents stay */
	assert_int_equal(tamga__buf_append(&out, "x", 1), 0);
	tamga__der_init(&w);
	tamga__der_null(&w);
	assert_int_equal(tamga__der_finish(&w, &out), 0);
	assert_int_equal(out.size, 3);
	assert_memory_equal(out.ptr, "x\x05\x00", 3);
	tamga_buf_dispose(&out);
}

/* ------------------------------------------------------------ the reader */

static void test_read(void **state)
{
	size_t hdr = 0, total = 0;
	unsigned char big[300];

	(void)state;
	assert_int_equal(tamga__der_read((const unsigned char *)"\x04\x00", 2, &hdr, &total), 0);
	assert_int_equal(hdr, 2);
	assert_int_equal(total, 2);
	assert_int_equal(tamga__der_read((const unsigned char *)"\x30\x01\x05\xff", 4, &hdr, &total), 0);
	assert_int_equal(total, 3); /* trailing bytes belong to the next element */
	memset(big, 0, sizeof(big));
	big[0] = 0x04; big[1] = 0x82; big[2] = 0x01; big[3] = 0x00;
	assert_int_equal(tamga__der_read(big, 260, &hdr, &total), 0);
	assert_int_equal(hdr, 4);
	assert_int_equal(total, 260);
	assert_int_equal(tamga__der_read(big, 259, &hdr, &total), TAMGA_EFORMAT); /* overrun */
	/* high tag number form: [31] is 0xbf 0x1f */
	assert_int_equal(tamga__der_read((const unsigned char *)"\xbf\x1f\x01\x00", 4, &hdr, &total), 0);
	assert_int_equal(hdr, 3);
	assert_int_equal(total, 4);

	assert_int_equal(tamga__der_read((const unsigned char *)"\x30\x80\x00\x00", 4, &hdr, &total), TAMGA_EFORMAT);
	assert_int_equal(tamga__der_read((const unsigned char *)"\x04\x81\x05\0\0\0\0\0", 8, &hdr, &total),
	                 TAMGA_EFORMAT); /* long form for a short length */
	assert_int_equal(tamga__der_read((const unsigned char *)"\x04\x82\x00\x80", 4, &hdr, &total),
	                 TAMGA_EFORMAT); /* leading zero length octet */
	assert_int_equal(tamga__der_read((const unsigned char *)"\x04", 1, &hdr, &total), TAMGA_EFORMAT);
	assert_int_equal(tamga__der_read((const unsigned char *)"\x04\x89\x01\x01\x01\x01\x01\x01\x01\x01\x01", 11,
	                                 &hdr, &total), TAMGA_EFORMAT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length_vectors),
		cmocka_unit_test(test_octets_match_openssl),
		cmocka_unit_test(test_constructed_lengths),
		cmocka_unit_test(test_nested_vector),
		cmocka_unit_test(test_nested_long_form),
		cmocka_unit_test(test_set_of_vector),
		cmocka_unit_test(test_plain_set_keeps_order),
		cmocka_unit_test(test_set_of_matches_openssl),
		cmocka_unit_test(test_tagged_set_of),
		cmocka_unit_test(test_set_of_bad_member),
		cmocka_unit_test(test_oid_vectors),
		cmocka_unit_test(test_oid_matches_openssl),
		cmocka_unit_test(test_oid_refused),
		cmocka_unit_test(test_integers_match_openssl),
		cmocka_unit_test(test_uint_vectors),
		cmocka_unit_test(test_sticky_errors),
		cmocka_unit_test(test_read),
	};

	return cmocka_run_group_tests_name("der", tests, NULL, NULL);
}
