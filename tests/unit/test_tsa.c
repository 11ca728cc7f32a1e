/*
 * tests/unit/test_tsa.c - the RFC 3161 time-stamp authority (tamga/tsa.h)
 * over a CA made by tamga_ca_init (its tsa.crt, private/tsa.key and chain).
 *
 * Requests are built and answers read with OpenSSL's TS API, and granted
 * tokens are verified by TS_RESP_verify_response with the CA's root as the
 * only trust anchor: the oracle is OpenSSL, not tamga.  tamga's own client
 * check (pki/tsp.c) must accept the answers too.
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

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <tamga/ca.h>
#include <tamga/tsa.h>

#include "pki/tsp.h"

#define CA_PASS "CA passphrase for unit tests"
#define POLICY "2.999.77.9"

struct fixture {
	char root[256];
	char ca[300], key[320], cert[320], chain[320], serial[320];
	char ocsp_key[320], ocsp_cert[320], issuing[320], rootcrt[320];
};

static struct fixture *FX;

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static int group_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	tamga_ca_init_options o = TAMGA_CA_INIT_OPTIONS_INIT;
	const char *tmp = getenv("TMPDIR");

	if (fx == NULL)
		return -1;
	snprintf(fx->root, sizeof(fx->root), "%s/tamga-tsa.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(fx->root) == NULL)
		return -1;
	snprintf(fx->ca, sizeof(fx->ca), "%s/ca", fx->root);
	snprintf(fx->key, sizeof(fx->key), "%s/private/tsa.key", fx->ca);
	snprintf(fx->cert, sizeof(fx->cert), "%s/tsa.crt", fx->ca);
	snprintf(fx->chain, sizeof(fx->chain), "%s/issuing.crt", fx->ca);
	snprintf(fx->issuing, sizeof(fx->issuing), "%s/issuing.crt", fx->ca);
	snprintf(fx->rootcrt, sizeof(fx->rootcrt), "%s/root.crt", fx->ca);
	snprintf(fx->ocsp_key, sizeof(fx->ocsp_key), "%s/private/ocsp.key", fx->ca);
	snprintf(fx->ocsp_cert, sizeof(fx->ocsp_cert), "%s/ocsp.crt", fx->ca);
	snprintf(fx->serial, sizeof(fx->serial), "%s/serial", fx->root);
	o.passphrase = CA_PASS;
	o.passphrase_len = strlen(CA_PASS);
	if (tamga_ca_init(fx->ca, &o) != 0) {
		fprintf(stderr, "CA setup failed: %s\n", tamga_error_last()->message);
		return -1;
	}
	FX = fx;
	*state = fx;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *fx = *state;

	nftw(fx->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static tamga_tsa_options options(const char *serial)
{
	tamga_tsa_options o = TAMGA_TSA_OPTIONS_INIT;

	o.key_path = FX->key;
	o.cert_path = FX->cert;
	o.chain_path = FX->chain;
	o.passphrase = CA_PASS;
	o.passphrase_len = strlen(CA_PASS);
	o.policy = POLICY;
	o.accuracy_seconds = 3;
	o.serial_file = serial;
	return o;
}

static tamga_tsa *open_tsa(const char *serial)
{
	tamga_tsa_options o = options(serial);
	tamga_tsa *t = NULL;

	if (tamga_tsa_open(&t, &o) != 0)
		print_message("tamga_tsa_open: %s\n", tamga_error_last()->message);
	assert_non_null(t);
	return t;
}

/* A DER TimeStampReq; digest_len may differ from the hash's size. */
static TS_REQ *make_req(int md_nid, const unsigned char *digest, size_t digest_len, const char *policy,
                        long nonce, int cert_req)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_OBJECT *pol = NULL;
	ASN1_INTEGER *n = NULL;

	assert_non_null(req);
	assert_true(X509_ALGOR_set0(alg, OBJ_nid2obj(md_nid), V_ASN1_NULL, NULL));
	assert_true(TS_MSG_IMPRINT_set_algo(mi, alg));
	assert_true(TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)digest, (int)digest_len));
	assert_true(TS_REQ_set_version(req, 1));
	assert_true(TS_REQ_set_msg_imprint(req, mi));
	if (policy != NULL) {
		assert_non_null(pol = OBJ_txt2obj(policy, 1));
		assert_true(TS_REQ_set_policy_id(req, pol));
	}
	if (nonce > 0) {
		assert_non_null(n = ASN1_INTEGER_new());
		assert_true(ASN1_INTEGER_set(n, nonce));
		assert_true(TS_REQ_set_nonce(req, n));
	}
	assert_true(TS_REQ_set_cert_req(req, cert_req));
	ASN1_INTEGER_free(n);
	ASN1_OBJECT_free(pol);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	return req;
}

static size_t req_der(unsigned char *buf, size_t size, TS_REQ *req)
{
	unsigned char *der = NULL;
	int n = i2d_TS_REQ(req, &der);

	assert_true(n > 0 && (size_t)n <= size);
	memcpy(buf, der, (size_t)n);
	OPENSSL_free(der);
	return (size_t)n;
}

/* Answer req, parse the answer (whole DER) and return it. */
static TS_RESP *respond(tamga_tsa *t, const void *req, size_t len)
{
	tamga_buf out = TAMGA_BUF_INIT;
	const unsigned char *p;
	TS_RESP *resp;
	int rc = tamga_tsa_respond(t, req, len, &out);

	if (rc != 0)
		print_message("tamga_tsa_respond: %s\n", tamga_error_last()->message);
	assert_int_equal(rc, 0);
	p = out.ptr;
	resp = d2i_TS_RESP(NULL, &p, (long)out.size);
	assert_non_null(resp);
	assert_ptr_equal(p, out.ptr + out.size);
	tamga_buf_dispose(&out);
	return resp;
}

static long status_of(TS_RESP *resp)
{
	return ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp)));
}

static void expect_rejected(TS_RESP *resp, int failure)
{
	const ASN1_BIT_STRING *bits = TS_STATUS_INFO_get0_failure_info(TS_RESP_get_status_info(resp));

	assert_int_equal(status_of(resp), TS_STATUS_REJECTION);
	assert_non_null(bits);
	assert_true(ASN1_BIT_STRING_get_bit(bits, failure));
	assert_null(TS_RESP_get_token(resp));
	TS_RESP_free(resp);
}

static uint64_t serial_of(TS_RESP *resp)
{
	uint64_t v = 0;

	assert_int_equal(status_of(resp), TS_STATUS_GRANTED);
	assert_true(ASN1_INTEGER_get_uint64(&v, TS_TST_INFO_get_serial(TS_RESP_get_tst_info(resp))));
	TS_RESP_free(resp);
	return v;
}

static X509 *read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	return x;
}

/* ------------------------------------------------------------ tests */

static void test_granted_verifies(void **state)
{
	struct fixture *fx = *state;
	unsigned char digest[32], der[512];
	char oid[64];
	tamga_tsa *t;
	TS_REQ *req;
	TS_RESP *resp;
	TS_VERIFY_CTX *vctx;
	X509_STORE *store;
	STACK_OF(X509) *untrusted;
	X509 *root;
	STACK_OF(PKCS7_SIGNER_INFO) *sis;
	PKCS7 *token;
	TS_TST_INFO *tst;
	const TS_ACCURACY *acc;
	size_t len;
	int ok;

	(void)state;
	RAND_bytes(digest, sizeof(digest));
	req = make_req(NID_sha256, digest, 32, NULL, 0x1234567, 1);
	len = req_der(der, sizeof(der), req);
	t = open_tsa(fx->serial);
	resp = respond(t, der, len);
	assert_int_equal(status_of(resp), TS_STATUS_GRANTED);

	/* OpenSSL verifies it: signature, version, imprint, nonce, signer, up to the root. */
	vctx = TS_REQ_to_TS_VERIFY_CTX(req, NULL);
	assert_non_null(vctx);
	assert_non_null(store = X509_STORE_new());
	root = read_cert(fx->rootcrt);
	assert_true(X509_STORE_add_cert(store, root) == 1);
	X509_free(root);
	TS_VERIFY_CTX_set_store(vctx, store);
	assert_non_null(untrusted = sk_X509_new_null());
	sk_X509_push(untrusted, read_cert(fx->issuing));
	TS_VERIFY_CTX_set_certs(vctx, untrusted);
	ok = TS_RESP_verify_response(vctx, resp);
	if (ok != 1)
		ERR_print_errors_fp(stderr);
	assert_int_equal(ok, 1);
	TS_VERIFY_CTX_free(vctx);

	tst = TS_RESP_get_tst_info(resp);
	OBJ_obj2txt(oid, sizeof(oid), TS_TST_INFO_get_policy_id(tst), 1);
	assert_string_equal(oid, POLICY);
	assert_non_null(acc = TS_TST_INFO_get_accuracy(tst));
	assert_int_equal(ASN1_INTEGER_get(TS_ACCURACY_get_seconds(acc)), 3);
	assert_int_equal(TS_TST_INFO_get_ordering(tst), 0);
	assert_int_equal(ASN1_INTEGER_get(TS_TST_INFO_get_nonce(tst)), 0x1234567);

	/* signing-certificate-v2 (ESSCertIDv2), not v1; the TSA certificate and the chain sent. */
	token = TS_RESP_get_token(resp);
	sis = PKCS7_get_signer_info(token);
	assert_int_equal(sk_PKCS7_SIGNER_INFO_num(sis), 1);
	assert_non_null(PKCS7_get_signed_attribute(sk_PKCS7_SIGNER_INFO_value(sis, 0),
	                                           NID_id_smime_aa_signingCertificateV2));
	assert_null(PKCS7_get_signed_attribute(sk_PKCS7_SIGNER_INFO_value(sis, 0),
	                                       NID_id_smime_aa_signingCertificate));
	assert_int_equal(sk_X509_num(token->d.sign->cert), 2);

	TS_RESP_free(resp);
	TS_REQ_free(req);
	tamga_tsa_free(t);
}

/* tamga's own RFC 3161 client (pki/tsp.c) accepts what the TSA says. */
static void test_client_accepts(void **state)
{
	struct fixture *fx = *state;
	unsigned char digest[48];
	tamga_buf req = TAMGA_BUF_INIT, resp = TAMGA_BUF_INIT, token = TAMGA_BUF_INIT;
	ASN1_INTEGER *nonce = NULL;
	struct tamga__tsp_query q = { EVP_sha384(), digest, sizeof(digest), POLICY };
	tamga_tsa *t = open_tsa(fx->serial);

	RAND_bytes(digest, sizeof(digest));
	assert_int_equal(tamga__tsp_request(&req, &nonce, &q), 0);
	assert_int_equal(tamga_tsa_respond(t, req.ptr, req.size, &resp), 0);
	if (tamga__tsp_check_response(&token, resp.ptr, resp.size, &q, nonce) != 0)
		print_message("%s\n", tamga_error_last()->message);
	assert_true(token.size > 100);
	/* And refuses it as the answer to another nonce. */
	ASN1_INTEGER_set(nonce, 42);
	tamga_buf_dispose(&token);
	assert_int_equal(tamga__tsp_check_response(&token, resp.ptr, resp.size, &q, nonce), TAMGA_EFORMAT);
	ASN1_INTEGER_free(nonce);
	tamga_buf_dispose(&req);
	tamga_buf_dispose(&resp);
	tamga_buf_dispose(&token);
	tamga_tsa_free(t);
}

static void test_serials_increase(void **state)
{
	struct fixture *fx = *state;
	unsigned char digest[32] = { 1 }, der[512];
	char path[340];
	tamga_tsa *a, *b;
	TS_REQ *req = make_req(NID_sha256, digest, 32, NULL, 7, 0);
	size_t len = req_der(der, sizeof(der), req);
	uint64_t last = 0, s;
	int i;

	snprintf(path, sizeof(path), "%s/serial-two", fx->root);
	a = open_tsa(path);
	b = open_tsa(path);
	for (i = 0; i < 6; i++) {
		s = serial_of(respond(i % 3 ? a : b, der, len));
		assert_true(s > last);
		last = s;
	}
	assert_int_equal(last, 6);   /* a fresh file starts at 1, no serial skipped */
	tamga_tsa_free(a);
	tamga_tsa_free(b);
	a = open_tsa(path);
	s = serial_of(respond(a, der, len));
	assert_true(s > last);
	tamga_tsa_free(a);
	TS_REQ_free(req);
}

static void test_rejections(void **state)
{
	struct fixture *fx = *state;
	unsigned char digest[64] = { 2 }, der[512], big[TAMGA_TSA_MAX_REQUEST + 1];
	const char *garbage = "\x30\x03\x02\x01\x01 this is not a request";
	tamga_tsa *t = open_tsa(fx->serial);
	TS_REQ *req;
	size_t len;

	expect_rejected(respond(t, garbage, strlen(garbage)), TS_INFO_BAD_DATA_FORMAT);
	expect_rejected(respond(t, "", 0), TS_INFO_BAD_DATA_FORMAT);

	req = make_req(NID_sha1, digest, 20, NULL, 1, 1);
	len = req_der(der, sizeof(der), req);
	expect_rejected(respond(t, der, len), TS_INFO_BAD_ALG);
	TS_REQ_free(req);

	req = make_req(NID_sha256, digest, 31, NULL, 1, 1);
	len = req_der(der, sizeof(der), req);
	expect_rejected(respond(t, der, len), TS_INFO_BAD_DATA_FORMAT);
	TS_REQ_free(req);

	req = make_req(NID_sha512, digest, 64, "2.999.77.10", 1, 1);
	len = req_der(der, sizeof(der), req);
	expect_rejected(respond(t, der, len), TS_INFO_UNACCEPTED_POLICY);
	TS_REQ_free(req);

	/* A good request with a byte after it is not one whole request. */
	req = make_req(NID_sha256, digest, 32, POLICY, 1, 1);
	len = req_der(der, sizeof(der) - 1, req);
	der[len] = 0;
	expect_rejected(respond(t, der, len + 1), TS_INFO_BAD_DATA_FORMAT);
	TS_REQ_free(req);

	memset(big, 0, sizeof(big));
	expect_rejected(respond(t, big, sizeof(big)), TS_INFO_BAD_REQUEST);
	tamga_tsa_free(t);
}

static void test_open_refuses(void **state)
{
	struct fixture *fx = *state;
	tamga_tsa_options o = options(fx->serial);
	tamga_tsa *t = NULL;
	char bad[340];
	FILE *f;

	/* The OCSP certificate: EKU OCSPSigning, not timeStamping. */
	o.key_path = fx->ocsp_key;
	o.cert_path = fx->ocsp_cert;
	assert_int_equal(tamga_tsa_open(&t, &o), TAMGA_EINVAL);
	assert_null(t);
	assert_non_null(strstr(tamga_error_last()->message, "timeStamping"));
	/* The issuing CA: no EKU at all. */
	o = options(fx->serial);
	o.cert_path = fx->issuing;
	assert_int_equal(tamga_tsa_open(&t, &o), TAMGA_EINVAL);
	/* A key of another certificate. */
	o = options(fx->serial);
	o.key_path = fx->ocsp_key;
	assert_int_equal(tamga_tsa_open(&t, &o), TAMGA_EINVAL);
	o = options(fx->serial);
	o.passphrase = "wrong passphrase";
	o.passphrase_len = strlen(o.passphrase);
	assert_int_equal(tamga_tsa_open(&t, &o), TAMGA_EPASSPHRASE);
	o = options(NULL);
	assert_int_equal(tamga_tsa_open(&t, &o), TAMGA_EINVAL);
	o = options(fx->serial);
	o.policy = "not.an.oid";
	assert_int_equal(tamga_tsa_open(&t, &o), TAMGA_EINVAL);
	o.version = 99;
	assert_int_equal(tamga_tsa_open(&t, &o), TAMGA_EINVAL);
	snprintf(bad, sizeof(bad), "%s/serial-bad", fx->root);
	assert_non_null(f = fopen(bad, "w"));
	fputs("00000000000000000001\nx", f);
	fclose(f);
	o = options(bad);
	assert_int_equal(tamga_tsa_open(&t, &o), TAMGA_EFORMAT);
	assert_null(t);
	tamga_tsa_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_granted_verifies),
		cmocka_unit_test(test_client_accepts),
		cmocka_unit_test(test_serials_increase),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_open_refuses),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
