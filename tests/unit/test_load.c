/*
 * tests/unit/test_load.c - certificates and CRLs from bytes (pki/load.c:
 * tamga__load_certs, tamga__load_crls) and tamga_cert values (pki/cert.c:
 * tamga_cert_load_file, tamga_cert_from_der and the accessors).
 *
 * Every certificate and CRL is made here with OpenSSL; expected values are
 * the test's own inputs (names, serials, times) or computed with OpenSSL
 * (DER, SHA-256, certificate comparison).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <tamga/cert.h>

#include "common/buf.h"
#include "pki/pki.h"

/* 2022-05-01T00:00:00Z and 2051-01-01T00:00:00Z (GNU date -u -d ... +%s). */
#define T_2022_05_01 INT64_C(1651363200)
#define T_2051_01_01 INT64_C(2556144000)

#define CN_MN "Өгөөмөр Үйлс"
#define ORG_MN "Тамга ХХК"

struct fixture {
	EVP_PKEY *key;
	X509 *cert[3];
	char dir[256];
};

/* ------------------------------------------------------------ making objects */

static X509 *make_cert(EVP_PKEY *key, const char *cn, const char *org, const unsigned char *serial,
                       size_t serial_len, const char *not_before, const char *not_after)
{
	X509 *x = X509_new();
	X509_NAME *name;
	BIGNUM *bn = BN_bin2bn(serial, (int)serial_len, NULL);
	ASN1_INTEGER *sn;

	assert_non_null(x);
	assert_non_null(bn);
	sn = BN_to_ASN1_INTEGER(bn, NULL);
	assert_non_null(sn);
	assert_int_equal(X509_set_version(x, X509_VERSION_3), 1);
	assert_int_equal(X509_set_serialNumber(x, sn), 1);
	name = X509_get_subject_name(x);
	if (cn != NULL) {
		assert_int_equal(X509_NAME_add_entry_by_NID(name, NID_countryName, MBSTRING_ASC,
		                                            (const unsigned char *)"MN", -1, -1, 0), 1);
		assert_int_equal(X509_NAME_add_entry_by_NID(name, NID_organizationName, MBSTRING_UTF8,
		                                            (const unsigned char *)org, -1, -1, 0), 1);
		assert_int_equal(X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
		                                            (const unsigned char *)cn, -1, -1, 0), 1);
	}
	assert_int_equal(X509_set_issuer_name(x, name), 1);
	assert_int_equal(ASN1_TIME_set_string(X509_getm_notBefore(x), not_before), 1);
	assert_int_equal(ASN1_TIME_set_string(X509_getm_notAfter(x), not_after), 1);
	assert_int_equal(X509_set_pubkey(x, key), 1);
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	ASN1_INTEGER_free(sn);
	BN_free(bn);
	return x;
}

static X509 *simple_cert(EVP_PKEY *key, const char *cn, unsigned char serial_byte)
{
	unsigned char serial[2] = { serial_byte, 0x42 };

	return make_cert(key, cn, "Test Org", serial, sizeof(serial), "220501000000Z", "20510101000000Z");
}

static X509_CRL *make_crl(EVP_PKEY *key, X509 *issuer)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();

	assert_non_null(crl);
	assert_non_null(t);
	assert_int_equal(X509_CRL_set_version(crl, X509_CRL_VERSION_2), 1);
	assert_int_equal(X509_CRL_set_issuer_name(crl, X509_get_subject_name(issuer)), 1);
	assert_int_equal(ASN1_TIME_set_string(t, "220501000000Z"), 1);
	assert_int_equal(X509_CRL_set1_lastUpdate(crl, t), 1);
	assert_int_equal(ASN1_TIME_set_string(t, "220601000000Z"), 1);
	assert_int_equal(X509_CRL_set1_nextUpdate(crl, t), 1);
	assert_true(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
	ASN1_TIME_free(t);
	return crl;
}

/* DER of x, malloc'd with room for extra bytes. */
static unsigned char *cert_der(X509 *x, size_t *len, size_t extra)
{
	unsigned char *tmp = NULL, *out;
	int n = i2d_X509(x, &tmp);

	assert_true(n > 0);
	out = malloc((size_t)n + extra);
	assert_non_null(out);
	memcpy(out, tmp, (size_t)n);
	OPENSSL_free(tmp);
	*len = (size_t)n;
	return out;
}

/* Append the text a BIO holds to b. */
static void bio_append(tamga_buf *b, BIO *bio)
{
	char *data;
	long n = BIO_get_mem_data(bio, &data);

	assert_true(n > 0);
	assert_int_equal(tamga__buf_append(b, data, (size_t)n), 0);
}

static void append_cert_pem(tamga_buf *b, X509 *x)
{
	BIO *bio = BIO_new(BIO_s_mem());

	assert_non_null(bio);
	assert_int_equal(PEM_write_bio_X509(bio, x), 1);
	bio_append(b, bio);
	BIO_free(bio);
}

static void append_key_pem(tamga_buf *b, EVP_PKEY *key)
{
	BIO *bio = BIO_new(BIO_s_mem());

	assert_non_null(bio);
	assert_int_equal(PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL), 1);
	bio_append(b, bio);
	BIO_free(bio);
}

static void append_crl_pem(tamga_buf *b, X509_CRL *crl)
{
	BIO *bio = BIO_new(BIO_s_mem());

	assert_non_null(bio);
	assert_int_equal(PEM_write_bio_X509_CRL(bio, crl), 1);
	bio_append(b, bio);
	BIO_free(bio);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void path_in(char *out, size_t size, const struct fixture *fx, const char *name)
{
	assert_true((size_t)snprintf(out, size, "%s/%s", fx->dir, name) < size);
}

static void hex_lower(char *out, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
	out[2 * n] = '\0';
}

static void assert_error(int rc, int code, const char *fragment)
{
	assert_int_equal(rc, code);
	assert_int_equal(tamga_error_last()->code, code);
	if (fragment != NULL && strstr(tamga_error_last()->message, fragment) == NULL) {
		print_message("message '%s' lacks '%s'\n", tamga_error_last()->message, fragment);
		fail();
	}
}

/* ------------------------------------------------------------ setup */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	const char *tmp = getenv("TMPDIR");
	int i;

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/tamga-load.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	fx->key = EVP_EC_gen("P-256");
	if (fx->key == NULL)
		return -1;
	for (i = 0; i < 3; i++) {
		char cn[32];

		snprintf(cn, sizeof(cn), "Bundle cert %d", i + 1);
		fx->cert[i] = simple_cert(fx->key, cn, (unsigned char)(0x10 + i));
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	int i;

	nftw(fx->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	for (i = 0; i < 3; i++)
		X509_free(fx->cert[i]);
	EVP_PKEY_free(fx->key);
	free(fx);
	return 0;
}

/* ------------------------------------------------------------ load_certs */

static void test_pem_bundle_of_three(void **state)
{
	struct fixture *fx = *state;
	tamga_buf pem = TAMGA_BUF_INIT;
	STACK_OF(X509) *sk = NULL;
	int i;

	for (i = 0; i < 3; i++)
		append_cert_pem(&pem, fx->cert[i]);
	assert_int_equal(tamga__load_certs(&sk, pem.ptr, pem.size, "bundle"), 0);
	assert_non_null(sk);
	assert_int_equal(sk_X509_num(sk), 3);
	for (i = 0; i < 3; i++)
		assert_int_equal(X509_cmp(sk_X509_value(sk, i), fx->cert[i]), 0);
	sk_X509_pop_free(sk, X509_free);
	tamga_buf_dispose(&pem);
}

static void test_pem_with_text_around(void **state)
{
	struct fixture *fx = *state;
	tamga_buf pem = TAMGA_BUF_INIT;
	STACK_OF(X509) *sk = NULL;

	/* Like `openssl x509 -text` output or a commented bundle. */
	assert_int_equal(tamga__buf_puts(&pem, "# first\nSubject: CN=Bundle cert 1\n"), 0);
	append_cert_pem(&pem, fx->cert[0]);
	assert_int_equal(tamga__buf_puts(&pem, "\n# second\n\n"), 0);
	append_cert_pem(&pem, fx->cert[1]);
	assert_int_equal(tamga__buf_puts(&pem, "trailing words\n"), 0);
	assert_int_equal(tamga__load_certs(&sk, pem.ptr, pem.size, "bundle"), 0);
	assert_int_equal(sk_X509_num(sk), 2);
	assert_int_equal(X509_cmp(sk_X509_value(sk, 0), fx->cert[0]), 0);
	assert_int_equal(X509_cmp(sk_X509_value(sk, 1), fx->cert[1]), 0);
	sk_X509_pop_free(sk, X509_free);
	tamga_buf_dispose(&pem);
}

static void test_pem_x509_certificate_label(void **state)
{
	struct fixture *fx = *state;
	tamga_buf pem = TAMGA_BUF_INIT;
	unsigned char *der;
	size_t len;
	STACK_OF(X509) *sk = NULL;

	/* "X509 CERTIFICATE" is an old label for the same structure. */
	der = cert_der(fx->cert[2], &len, 0);
	assert_int_equal(tamga_pem_encode(&pem, "X509 CERTIFICATE", der, len), 0);
	assert_int_equal(tamga__load_certs(&sk, pem.ptr, pem.size, "old label"), 0);
	assert_int_equal(sk_X509_num(sk), 1);
	assert_int_equal(X509_cmp(sk_X509_value(sk, 0), fx->cert[2]), 0);
	sk_X509_pop_free(sk, X509_free);
	tamga_buf_dispose(&pem);
	free(der);
}

static void test_single_der(void **state)
{
	struct fixture *fx = *state;
	STACK_OF(X509) *sk = NULL;
	size_t len;
	unsigned char *der = cert_der(fx->cert[1], &len, 0);

	assert_int_equal(tamga__load_certs(&sk, der, len, "der"), 0);
	assert_int_equal(sk_X509_num(sk), 1);
	assert_int_equal(X509_cmp(sk_X509_value(sk, 0), fx->cert[1]), 0);
	sk_X509_pop_free(sk, X509_free);
	free(der);
}

static void test_der_trailing_byte(void **state)
{
	struct fixture *fx = *state;
	STACK_OF(X509) *sk = (STACK_OF(X509) *)&sk;
	size_t len;
	unsigned char *der = cert_der(fx->cert[1], &len, 1);

	der[len] = 0x00;
	assert_error(tamga__load_certs(&sk, der, len + 1, "der+1"), TAMGA_EFORMAT, "der+1");
	assert_null(sk);
	/* One byte short is just as wrong. */
	sk = (STACK_OF(X509) *)&sk;
	assert_error(tamga__load_certs(&sk, der, len - 1, "der-1"), TAMGA_EFORMAT, NULL);
	assert_null(sk);
	free(der);
}

static void test_pem_key_between_certs_skipped(void **state)
{
	struct fixture *fx = *state;
	tamga_buf pem = TAMGA_BUF_INIT;
	STACK_OF(X509) *sk = NULL;

	append_cert_pem(&pem, fx->cert[0]);
	append_key_pem(&pem, fx->key);
	append_cert_pem(&pem, fx->cert[2]);
	assert_non_null(strstr((const char *)pem.ptr, "-----BEGIN PRIVATE KEY-----"));
	assert_int_equal(tamga__load_certs(&sk, pem.ptr, pem.size, "mixed"), 0);
	assert_int_equal(sk_X509_num(sk), 2);
	assert_int_equal(X509_cmp(sk_X509_value(sk, 0), fx->cert[0]), 0);
	assert_int_equal(X509_cmp(sk_X509_value(sk, 1), fx->cert[2]), 0);
	sk_X509_pop_free(sk, X509_free);
	tamga_buf_dispose(&pem);
}

static void test_pem_corrupt_base64(void **state)
{
	struct fixture *fx = *state;
	tamga_buf pem = TAMGA_BUF_INIT;
	STACK_OF(X509) *sk = NULL;
	char *body;

	append_cert_pem(&pem, fx->cert[0]);
	append_cert_pem(&pem, fx->cert[1]);
	/* A character outside the base64 alphabet inside the second body. */
	body = strstr((const char *)pem.ptr + 10, "-----BEGIN CERTIFICATE-----\n");
	assert_non_null(body);
	body += strlen("-----BEGIN CERTIFICATE-----\n") + 10;
	*body = '!';
	assert_error(tamga__load_certs(&sk, pem.ptr, pem.size, "corrupt.pem"), TAMGA_EFORMAT, "corrupt.pem");
	assert_null(sk);
	tamga_buf_dispose(&pem);
}

static void test_pem_valid_base64_bad_der(void **state)
{
	struct fixture *fx = *state;
	tamga_buf pem = TAMGA_BUF_INIT;
	STACK_OF(X509) *sk = NULL;
	size_t len;
	unsigned char *der = cert_der(fx->cert[0], &len, 0);

	append_cert_pem(&pem, fx->cert[1]);
	/* Well-formed PEM whose DER is cut short. */
	assert_int_equal(tamga_pem_encode(&pem, "CERTIFICATE", der, len - 10), 0);
	assert_error(tamga__load_certs(&sk, pem.ptr, pem.size, "bad.pem"), TAMGA_EFORMAT, "bad.pem");
	assert_null(sk);
	tamga_buf_dispose(&pem);
	free(der);
}

/* A bundle cut off in the middle of its last certificate (no END line) is
 * corrupt: the certificates before it must not be returned as if the file
 * were whole. */
static void test_pem_truncated_bundle(void **state)
{
	struct fixture *fx = *state;
	tamga_buf pem = TAMGA_BUF_INIT;
	STACK_OF(X509) *sk = NULL;
	char *end;

	append_cert_pem(&pem, fx->cert[0]);
	append_cert_pem(&pem, fx->cert[1]);
	end = strstr(strstr((const char *)pem.ptr, "-----END CERTIFICATE-----") + 5, "-----END CERTIFICATE-----");
	assert_non_null(end);
	pem.size = (size_t)(end - (char *)pem.ptr);
	pem.ptr[pem.size] = '\0';
	assert_error(tamga__load_certs(&sk, pem.ptr, pem.size, "truncated.pem"), TAMGA_EFORMAT, "truncated.pem");
	assert_null(sk);
	tamga_buf_dispose(&pem);
}

static void test_empty_input(void **state)
{
	STACK_OF(X509) *sk = NULL;
	STACK_OF(X509_CRL) *crls = NULL;

	(void)state;
	assert_error(tamga__load_certs(&sk, "", 0, "empty"), TAMGA_EFORMAT, "empty");
	assert_null(sk);
	assert_error(tamga__load_crls(&crls, "", 0, "empty"), TAMGA_EFORMAT, "empty");
	assert_null(crls);
	/* No buffer at all (the trust store passes NULL with length 0 on). */
	assert_error(tamga__load_certs(&sk, NULL, 0, "null"), TAMGA_EFORMAT, NULL);
	assert_null(sk);
	/* Whitespace only, and a PEM-looking file with nothing in it. */
	assert_error(tamga__load_certs(&sk, "\n\n  \n", 5, "blank"), TAMGA_EFORMAT, NULL);
	assert_error(tamga__load_certs(&sk, "-----BEGIN \n", 12, "stub"), TAMGA_EFORMAT, NULL);
	assert_null(sk);
}

static void test_crl_only_when_asking_for_certs(void **state)
{
	struct fixture *fx = *state;
	X509_CRL *crl = make_crl(fx->key, fx->cert[0]);
	tamga_buf pem = TAMGA_BUF_INIT;
	STACK_OF(X509) *sk = NULL;
	STACK_OF(X509_CRL) *crls = NULL;

	append_crl_pem(&pem, crl);
	assert_error(tamga__load_certs(&sk, pem.ptr, pem.size, "only.crl"), TAMGA_EFORMAT, "no certificate found");
	assert_null(sk);
	/* The same bytes are a fine CRL file. */
	assert_int_equal(tamga__load_crls(&crls, pem.ptr, pem.size, "only.crl"), 0);
	assert_int_equal(sk_X509_CRL_num(crls), 1);
	assert_int_equal(X509_CRL_cmp(sk_X509_CRL_value(crls, 0), crl), 0);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	tamga_buf_dispose(&pem);
	X509_CRL_free(crl);
}

static void test_crls_der_and_pem(void **state)
{
	struct fixture *fx = *state;
	X509_CRL *c1 = make_crl(fx->key, fx->cert[0]), *c2 = make_crl(fx->key, fx->cert[1]);
	unsigned char *der = NULL;
	int n = i2d_X509_CRL(c1, &der);
	tamga_buf pem = TAMGA_BUF_INIT;
	STACK_OF(X509_CRL) *crls = NULL;
	size_t len;
	unsigned char *cder;

	assert_true(n > 0);
	/* One DER CRL. */
	assert_int_equal(tamga__load_crls(&crls, der, (size_t)n, "crl.der"), 0);
	assert_int_equal(sk_X509_CRL_num(crls), 1);
	assert_int_equal(X509_CRL_cmp(sk_X509_CRL_value(crls, 0), c1), 0);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	crls = NULL;
	/* Two PEM CRLs with a certificate between them (skipped). */
	append_crl_pem(&pem, c1);
	append_cert_pem(&pem, fx->cert[2]);
	append_crl_pem(&pem, c2);
	assert_int_equal(tamga__load_crls(&crls, pem.ptr, pem.size, "crls.pem"), 0);
	assert_int_equal(sk_X509_CRL_num(crls), 2);
	assert_int_equal(X509_CRL_cmp(sk_X509_CRL_value(crls, 1), c2), 0);
	sk_X509_CRL_pop_free(crls, X509_CRL_free);
	crls = NULL;
	/* A DER certificate is not a CRL. */
	cder = cert_der(fx->cert[0], &len, 0);
	assert_error(tamga__load_crls(&crls, cder, len, "cert.der"), TAMGA_EFORMAT, "cert.der");
	assert_null(crls);
	/* Nor a PEM certificate. */
	tamga_buf_dispose(&pem);
	append_cert_pem(&pem, fx->cert[0]);
	assert_error(tamga__load_crls(&crls, pem.ptr, pem.size, "cert.pem"), TAMGA_EFORMAT, "no CRL found");
	free(cder);
	tamga_buf_dispose(&pem);
	OPENSSL_free(der);
	X509_CRL_free(c1);
	X509_CRL_free(c2);
}

/* A DER certificate may hold any bytes in its names, "-----BEGIN " too; it
 * is still one DER certificate and must load as one. */
static void test_der_containing_pem_marker(void **state)
{
	struct fixture *fx = *state;
	unsigned char serial[1] = { 0x07 };
	X509 *x = make_cert(fx->key, "-----BEGIN CERTIFICATE-----", "Org", serial, 1, "220501000000Z",
	                    "20510101000000Z");
	STACK_OF(X509) *sk = NULL;
	size_t len;
	unsigned char *der = cert_der(x, &len, 0);
	int rc, n = 0, same = 0;

	rc = tamga__load_certs(&sk, der, len, "marker.der");
	if (rc != 0)
		print_message("DER certificate refused: %s\n", tamga_error_last()->message);
	if (sk != NULL) {
		n = sk_X509_num(sk);
		same = n == 1 && X509_cmp(sk_X509_value(sk, 0), x) == 0;
	}
	/* Freed before asserting, so that a failure reports no leak. */
	sk_X509_pop_free(sk, X509_free);
	free(der);
	X509_free(x);
	assert_int_equal(rc, 0);
	assert_int_equal(n, 1);
	assert_true(same);
}

/* ------------------------------------------------------------ tamga_cert */

static void test_accessors_cyrillic(void **state)
{
	struct fixture *fx = *state;
	static const unsigned char serial[] = { 0x05, 0x9f, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	                                        0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e };
	X509 *x = make_cert(fx->key, CN_MN, ORG_MN, serial, sizeof(serial), "220501000000Z", "20510101000000Z");
	tamga_cert *c = NULL;
	size_t len, got_len = 0;
	unsigned char *der = cert_der(x, &len, 0), md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char want_sha[2 * EVP_MAX_MD_SIZE + 1];
	const unsigned char *got;

	assert_int_equal(EVP_Digest(der, len, md, &mdlen, EVP_sha256(), NULL), 1);
	assert_int_equal(mdlen, 32);
	hex_lower(want_sha, md, mdlen);

	assert_int_equal(tamga_cert_from_der(&c, der, len), 0);
	assert_non_null(c);
	/* RFC 2253: most specific RDN first; UTF-8 kept, not \XX-escaped. */
	assert_string_equal(tamga_cert_subject(c), "CN=" CN_MN ",O=" ORG_MN ",C=MN");
	assert_string_equal(tamga_cert_issuer(c), "CN=" CN_MN ",O=" ORG_MN ",C=MN");
	assert_string_equal(tamga_cert_serial(c), "59f0102030405060708090a0b0c0d0e");
	assert_string_equal(tamga_cert_sha256(c), want_sha);
	assert_int_equal(tamga_cert_not_before(c), T_2022_05_01);
	assert_int_equal(tamga_cert_not_after(c), T_2051_01_01);
	got = tamga_cert_der(c, &got_len);
	assert_int_equal(got_len, len);
	assert_memory_equal(got, der, len);
	tamga_cert_free(c);
	free(der);
	X509_free(x);
}

static void test_subject_rfc2253_escaping(void **state)
{
	struct fixture *fx = *state;
	unsigned char serial[1] = { 0x01 };
	X509 *x = make_cert(fx->key, "A+B", "Acme, Inc.", serial, 1, "220501000000Z", "220601000000Z");
	tamga_cert *c = NULL;
	size_t len;
	unsigned char *der = cert_der(x, &len, 0);

	assert_int_equal(tamga_cert_from_der(&c, der, len), 0);
	/* RFC 2253 section 2.4: ',' and '+' in a value are escaped with '\'. */
	assert_string_equal(tamga_cert_subject(c), "CN=A\\+B,O=Acme\\, Inc.,C=MN");
	assert_string_equal(tamga_cert_serial(c), "1");
	tamga_cert_free(c);
	free(der);
	X509_free(x);
}

static void test_empty_subject(void **state)
{
	struct fixture *fx = *state;
	unsigned char serial[1] = { 0x02 };
	X509 *x = make_cert(fx->key, NULL, NULL, serial, 1, "220501000000Z", "220601000000Z");
	tamga_cert *c = NULL;
	size_t len;
	unsigned char *der = cert_der(x, &len, 0);

	assert_int_equal(tamga_cert_from_der(&c, der, len), 0);
	assert_string_equal(tamga_cert_subject(c), "");
	assert_string_equal(tamga_cert_issuer(c), "");
	tamga_cert_free(c);
	free(der);
	X509_free(x);
}

static void test_times_utc_and_generalized(void **state)
{
	struct fixture *fx = *state;
	unsigned char serial[1] = { 0x03 };
	/* Times that need GeneralizedTime: before 1970 and in 9999. */
	X509 *x = make_cert(fx->key, "Times", "Org", serial, 1, "19691231235959Z", "99991231235959Z");
	tamga_cert *c = NULL;
	size_t len;
	unsigned char *der = cert_der(x, &len, 0);

	assert_int_equal(tamga_cert_from_der(&c, der, len), 0);
	assert_int_equal(tamga_cert_not_before(c), -1);
	assert_int_equal(tamga_cert_not_after(c), INT64_C(253402300799));
	tamga_cert_free(c);
	free(der);
	X509_free(x);
}

static void test_from_der_rejects(void **state)
{
	struct fixture *fx = *state;
	tamga_cert *c = (tamga_cert *)&c;
	size_t len;
	unsigned char *der = cert_der(fx->cert[0], &len, 1);

	der[len] = 0x30;
	assert_error(tamga_cert_from_der(&c, der, len + 1), TAMGA_EFORMAT, NULL);
	assert_null(c);
	c = (tamga_cert *)&c;
	assert_error(tamga_cert_from_der(&c, der, 10), TAMGA_EFORMAT, NULL);
	assert_null(c);
	c = (tamga_cert *)&c;
	assert_error(tamga_cert_from_der(&c, (const unsigned char *)"hello", 5), TAMGA_EFORMAT, NULL);
	assert_null(c);
	free(der);
	tamga_cert_free(NULL);
}

static void test_to_pem_round_trip(void **state)
{
	struct fixture *fx = *state;
	tamga_cert *c = NULL;
	tamga_buf pem = TAMGA_BUF_INIT;
	size_t len;
	unsigned char *der = cert_der(fx->cert[1], &len, 0);
	BIO *bio;
	X509 *back;

	assert_int_equal(tamga_cert_from_der(&c, der, len), 0);
	assert_int_equal(tamga__buf_puts(&pem, "kept\n"), 0);
	assert_int_equal(tamga_cert_to_pem(&pem, c), 0);
	assert_memory_equal(pem.ptr, "kept\n", 5);
	bio = BIO_new_mem_buf(pem.ptr + 5, (int)(pem.size - 5));
	assert_non_null(bio);
	back = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	assert_non_null(back);
	assert_int_equal(X509_cmp(back, fx->cert[1]), 0);
	X509_free(back);
	BIO_free(bio);
	tamga_buf_dispose(&pem);
	tamga_cert_free(c);
	free(der);
}

static void test_load_file_pem_bundle_and_der(void **state)
{
	struct fixture *fx = *state;
	tamga_buf pem = TAMGA_BUF_INIT;
	char path[512], want_sha[65];
	tamga_cert *c = NULL;
	size_t len;
	unsigned char *der = cert_der(fx->cert[0], &len, 0), md[32];
	unsigned int mdlen = 0;

	assert_int_equal(EVP_Digest(der, len, md, &mdlen, EVP_sha256(), NULL), 1);
	hex_lower(want_sha, md, 32);

	/* PEM bundle: the first certificate. */
	append_cert_pem(&pem, fx->cert[0]);
	append_cert_pem(&pem, fx->cert[1]);
	path_in(path, sizeof(path), fx, "bundle.pem");
	write_file(path, pem.ptr, pem.size);
	assert_int_equal(tamga_cert_load_file(&c, path), 0);
	assert_string_equal(tamga_cert_subject(c), "CN=Bundle cert 1,O=Test Org,C=MN");
	assert_string_equal(tamga_cert_serial(c), "1042");
	assert_string_equal(tamga_cert_sha256(c), want_sha);
	assert_int_equal(tamga_cert_not_before(c), T_2022_05_01);
	assert_int_equal(tamga_cert_not_after(c), T_2051_01_01);
	tamga_cert_free(c);
	c = NULL;

	/* DER file. */
	path_in(path, sizeof(path), fx, "cert.der");
	write_file(path, der, len);
	assert_int_equal(tamga_cert_load_file(&c, path), 0);
	assert_string_equal(tamga_cert_sha256(c), want_sha);
	tamga_cert_free(c);
	c = NULL;

	/* A file that is not there; a file with a CRL only. */
	path_in(path, sizeof(path), fx, "missing.pem");
	c = (tamga_cert *)&c;
	assert_error(tamga_cert_load_file(&c, path), TAMGA_EIO, "missing.pem");
	assert_null(c);
	{
		X509_CRL *crl = make_crl(fx->key, fx->cert[0]);

		tamga_buf_dispose(&pem);
		append_crl_pem(&pem, crl);
		path_in(path, sizeof(path), fx, "only.crl");
		write_file(path, pem.ptr, pem.size);
		c = (tamga_cert *)&c;
		assert_error(tamga_cert_load_file(&c, path), TAMGA_EFORMAT, "no certificate found");
		assert_null(c);
		X509_CRL_free(crl);
	}
	tamga_buf_dispose(&pem);
	free(der);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pem_bundle_of_three),
		cmocka_unit_test(test_pem_with_text_around),
		cmocka_unit_test(test_pem_x509_certificate_label),
		cmocka_unit_test(test_single_der),
		cmocka_unit_test(test_der_trailing_byte),
		cmocka_unit_test(test_pem_key_between_certs_skipped),
		cmocka_unit_test(test_pem_corrupt_base64),
		cmocka_unit_test(test_pem_valid_base64_bad_der),
		cmocka_unit_test(test_pem_truncated_bundle),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_crl_only_when_asking_for_certs),
		cmocka_unit_test(test_crls_der_and_pem),
		cmocka_unit_test(test_der_containing_pem_marker),
		cmocka_unit_test(test_accessors_cyrillic),
		cmocka_unit_test(test_subject_rfc2253_escaping),
		cmocka_unit_test(test_empty_subject),
		cmocka_unit_test(test_times_utc_and_generalized),
		cmocka_unit_test(test_from_der_rejects),
		cmocka_unit_test(test_to_pem_round_trip),
		cmocka_unit_test(test_load_file_pem_bundle_and_der),
	};

	return cmocka_run_group_tests_name("load", tests, setup, teardown);
}
