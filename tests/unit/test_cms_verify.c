/*
 * tests/unit/test_cms_verify.c - integrity checks of CMS containers
 * (formats/cms/verify.c): CAdES from tamga__cades_sign, SignedData from
 * OpenSSL's CMS_sign (with signingTime, without signing-certificate),
 * adbe.pkcs7.sha1, RFC 3161 tokens made here with OpenSSL's TS_RESP_CTX
 * (document time-stamps and signature time-stamps), and each failure.
 *
 * Oracles: digests are computed here with OpenSSL's EVP_Digest; the
 * containers are made by OpenSSL or by tamga's signer (whose output is
 * checked against OpenSSL by tests/cli/cades.sh); broken containers are
 * derived from good ones by OpenSSL re-encoding or by flipping bytes.
 *
 * With TAMGA_CMS_SEEDS=DIR, the good containers are written there in the
 * fuzz_cms input format (tests/fuzz/fuzz_cms.c), to refresh the corpus.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <tamga/signer.h>

#include "common/buf.h"
#include "formats/cms/cms.h"
#include "formats/cms/cms_verify.h"

/* The covered bytes: a "document" with a hole, covered in three pieces. */
static const char doc[] = "%PDF-1.7 first part of the document<0000000000>second part, and a third";
#define DOC_LEN (sizeof(doc) - 1)
static const struct tamga__range pieces[3] = { { 0, 20 }, { 20, 15 }, { 47, DOC_LEN - 47 } };

struct pki {
	EVP_PKEY *key, *ec_key, *other_key, *tsa_key;
	X509 *cert, *ec_cert, *other_cert, *tsa_cert;
};

static struct pki P;

/* ------------------------------------------------------------ helpers */

static X509 *make_cert(EVP_PKEY *key, const char *cn, long serial, int tsa)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	X509V3_CTX ctx;
	X509_EXTENSION *ext;

	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, name);
	X509_NAME_free(name);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365);
	X509_set_pubkey(x, key);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_key_identifier, "hash");
	assert_non_null(ext);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (tsa) {
		ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_ext_key_usage, "critical,timeStamping");
		assert_non_null(ext);
		X509_add_ext(x, ext, -1);
		X509_EXTENSION_free(ext);
	}
	assert_true(X509_sign(x, key, EVP_sha256()) > 0);
	return x;
}

static void write_pem(const char *path, EVP_PKEY *key, X509 *cert)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	if (key != NULL)
		assert_int_equal(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
	else
		assert_int_equal(PEM_write_X509(f, cert), 1);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	P.key = EVP_RSA_gen(2048);
	P.other_key = EVP_RSA_gen(2048);
	P.tsa_key = EVP_RSA_gen(2048);
	P.ec_key = EVP_EC_gen("P-256");
	assert_non_null(P.key);
	assert_non_null(P.ec_key);
	P.cert = make_cert(P.key, "Signer", 1001, 0);
	P.ec_cert = make_cert(P.ec_key, "EC Signer", 1002, 0);
	P.other_cert = make_cert(P.other_key, "Someone Else", 1003, 0);
	P.tsa_cert = make_cert(P.tsa_key, "Test TSA", 1004, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(P.key);
	EVP_PKEY_free(P.ec_key);
	EVP_PKEY_free(P.other_key);
	EVP_PKEY_free(P.tsa_key);
	X509_free(P.cert);
	X509_free(P.ec_cert);
	X509_free(P.other_cert);
	X509_free(P.tsa_cert);
	return 0;
}

static void hash_pieces(unsigned char *out, unsigned int *len, const EVP_MD *md)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	size_t i;

	assert_int_equal(EVP_DigestInit_ex(c, md, NULL), 1);
	for (i = 0; i < 3; i++)
		EVP_DigestUpdate(c, doc + pieces[i].offset, pieces[i].len);
	assert_int_equal(EVP_DigestFinal_ex(c, out, len), 1);
	EVP_MD_CTX_free(c);
}

/* The covered bytes as one buffer (what OpenSSL signs). */
static BIO *covered_bio(void)
{
	BIO *b = BIO_new(BIO_s_mem());
	size_t i;

	for (i = 0; i < 3; i++)
		BIO_write(b, doc + pieces[i].offset, (int)pieces[i].len);
	return b;
}

static void cms_der(tamga_buf *out, CMS_ContentInfo *cms)
{
	unsigned char *der = NULL;
	int n = i2d_CMS_ContentInfo(cms, &der);

	assert_true(n > 0);
	assert_int_equal(tamga__buf_append(out, der, (size_t)n), 0);
	OPENSSL_free(der);
}

static void seed(const char *name, int kind, const tamga_buf *der)
{
	const char *dir = getenv("TAMGA_CMS_SEEDS");
	char path[512];
	unsigned char head[3] = { (unsigned char)kind, (unsigned char)(DOC_LEN >> 8), (unsigned char)DOC_LEN };
	FILE *f;

	if (dir == NULL)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(head, 1, 3, f);
	fwrite(doc, 1, DOC_LEN, f);
	fwrite(der->ptr, 1, der->size, f);
	fclose(f);
}

static tamga__cms_status check(struct tamga__cms_result *r, const tamga_buf *der, tamga__sig_kind kind,
                               const char *doc_bytes, const STACK_OF(X509) *extra)
{
	assert_int_equal(tamga__cms_verify(r, der->ptr, der->size, kind, (const unsigned char *)doc_bytes, DOC_LEN,
	                                   pieces, 3, extra), 0);
	if (r->status != TAMGA__CMS_OK)
		assert_non_null(r->message);
	return r->status;
}

static void expect(const tamga_buf *der, tamga__sig_kind kind, const char *doc_bytes, const STACK_OF(X509) *extra,
                   tamga__cms_status want, const char *in_message)
{
	struct tamga__cms_result r;

	if (check(&r, der, kind, doc_bytes, extra) != want)
		fail_msg("status %s (%s), expected %s", tamga__cms_status_name(r.status),
		         r.message ? r.message : "", tamga__cms_status_name(want));
	if (in_message != NULL && (r.message == NULL || strstr(r.message, in_message) == NULL))
		fail_msg("message '%s' lacks '%s'", r.message ? r.message : "", in_message);
	tamga__cms_result_free(&r);
}

static int has_warning(const struct tamga__cms_result *r, const char *what)
{
	size_t i;

	for (i = 0; i < r->warning_count; i++)
		if (strstr(r->warnings[i], what) != NULL)
			return 1;
	return 0;
}

/* A tamga CAdES signature over the pieces. */
static void cades(tamga_buf *out, const char *key_path, const char *cert_path, const char *digest, int pss)
{
	tamga_signer_options so = TAMGA_SIGNER_OPTIONS_INIT;
	struct tamga__cades_options co;
	tamga_signer *signer = NULL;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	const EVP_MD *md;

	so.key_path = key_path;
	so.cert_path = cert_path;
	assert_int_equal(tamga_signer_load(&signer, &so), 0);
	memset(&co, 0, sizeof(co));
	co.signer = signer;
	co.digest = digest;
	co.rsa_pss = pss;
	assert_int_equal(tamga__cades_digest_md(&md, digest), 0);
	hash_pieces(h, &hl, md);
	assert_int_equal(tamga__cades_sign(out, &co, h, hl), 0);
	tamga_signer_free(signer);
}

static void rsa_cades(tamga_buf *out)
{
	write_pem("k.pem", P.key, NULL);
	write_pem("c.pem", NULL, P.cert);
	cades(out, "k.pem", "c.pem", "sha256", 0);
}

/* ------------------------------------------------------------ tamga's CAdES */

static void test_cades_ok(void **state)
{
	static const struct { const char *digest; int pss, ec; const char *alg; } v[] = {
		{ "sha256", 0, 0, "rsa-pkcs1" }, { "sha384", 1, 0, "rsa-pss" }, { "sha512", 0, 1, "ecdsa" },
	};
	struct tamga__cms_result r;
	size_t i;

	(void)state;
	write_pem("k.pem", P.key, NULL);
	write_pem("c.pem", NULL, P.cert);
	write_pem("ek.pem", P.ec_key, NULL);
	write_pem("ec.pem", NULL, P.ec_cert);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		tamga_buf der = TAMGA_BUF_INIT;

		cades(&der, v[i].ec ? "ek.pem" : "k.pem", v[i].ec ? "ec.pem" : "c.pem", v[i].digest, v[i].pss);
		if (check(&r, &der, TAMGA__SIG_CMS_DETACHED, doc, NULL) != TAMGA__CMS_OK)
			fail_msg("%s: %s", v[i].digest, r.message);
		assert_string_equal(r.digest, v[i].digest);
		assert_string_equal(r.signature_alg, v[i].alg);
		assert_int_equal(r.key_bits, v[i].ec ? 256 : 2048);
		assert_int_equal(r.has_signing_certificate, 1);
		assert_int_equal(r.has_signed_attributes, 1);
		assert_int_equal(r.signing_time, 0);
		assert_int_equal(r.timestamp_count, 0);
		assert_non_null(r.signer);
		assert_int_equal(X509_cmp(r.signer, v[i].ec ? P.ec_cert : P.cert), 0);
		assert_int_equal(sk_X509_num(r.certs), 1);
		assert_int_equal(r.warning_count, 0);
		if (i == 0)
			seed("cades-rsa", TAMGA__SIG_CMS_DETACHED, &der);
		tamga__cms_result_free(&r);
		tamga__cms_result_free(&r); /* idempotent on a freed (zeroed) result */
		tamga_buf_dispose(&der);
	}
}

static void test_cades_content_changed(void **state)
{
	tamga_buf der = TAMGA_BUF_INIT;
	char changed[sizeof(doc)];

	(void)state;
	rsa_cades(&der);
	memcpy(changed, doc, sizeof(doc));
	changed[3] ^= 1;
	expect(&der, TAMGA__SIG_CMS_DETACHED, changed, NULL, TAMGA__CMS_HASH_FAILURE, "messageDigest");
	/* The hole is not covered: changing it changes nothing. */
	memcpy(changed, doc, sizeof(doc));
	changed[40] = 'x';
	expect(&der, TAMGA__SIG_CMS_DETACHED, changed, NULL, TAMGA__CMS_OK, NULL);
	tamga_buf_dispose(&der);
}

static void test_cades_signature_flipped(void **state)
{
	tamga_buf der = TAMGA_BUF_INIT;
	const unsigned char *p;
	CMS_ContentInfo *cms;
	ASN1_OCTET_STRING *sig;
	unsigned char *at;

	(void)state;
	rsa_cades(&der);
	p = der.ptr;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)der.size);
	assert_non_null(cms);
	sig = CMS_SignerInfo_get0_signature(sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0));
	at = memmem(der.ptr, der.size, ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig));
	assert_non_null(at);
	at[100] ^= 0x40;
	CMS_ContentInfo_free(cms);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_SIG_CRYPTO_FAILURE, "does not verify");
	tamga_buf_dispose(&der);
}

static void test_garbage_and_truncated(void **state)
{
	tamga_buf der = TAMGA_BUF_INIT, cut = TAMGA_BUF_INIT, junk = TAMGA_BUF_INIT;
	struct tamga__cms_result r;
	size_t n;

	(void)state;
	rsa_cades(&der);
	for (n = 0; n < der.size; n += 97) {
		cut.size = 0;
		assert_int_equal(tamga__buf_append(&cut, der.ptr, n), 0);
		expect(&cut, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_FORMAT_FAILURE, NULL);
	}
	assert_int_equal(tamga__buf_append(&junk, "\x30\x03\x02\x01\x01garbage", 12), 0);
	expect(&junk, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_FORMAT_FAILURE, "ContentInfo");
	/* Trailing bytes after the container. */
	assert_int_equal(tamga__buf_append(&der, "\x01", 1), 0);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_FORMAT_FAILURE, "follow");
	/* Arguments. */
	assert_int_equal(tamga__cms_verify(&r, der.ptr, der.size, TAMGA__SIG_CMS_DETACHED,
	                                   (const unsigned char *)doc, 10, pieces, 3, NULL), TAMGA_EINVAL);
	tamga__cms_result_free(&r);
	tamga_buf_dispose(&der);
	tamga_buf_dispose(&cut);
	tamga_buf_dispose(&junk);
}

/* ------------------------------------------------------------ OpenSSL's SignedData */

static CMS_ContentInfo *openssl_sign(X509 *cert, EVP_PKEY *key, const EVP_MD *md, unsigned flags)
{
	BIO *in = covered_bio();
	CMS_ContentInfo *cms;

	cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY | flags);
	assert_non_null(cms);
	assert_non_null(CMS_add1_signer(cms, cert, key, md, CMS_BINARY | (flags & (CMS_NOCERTS | CMS_NOATTR |
	                                                                         CMS_USE_KEYID))));
	assert_int_equal(CMS_final(cms, in, NULL, CMS_BINARY | flags), 1);
	BIO_free(in);
	return cms;
}

static void test_openssl_ok(void **state)
{
	CMS_ContentInfo *cms = openssl_sign(P.ec_cert, P.ec_key, EVP_sha384(), CMS_DETACHED);
	tamga_buf der = TAMGA_BUF_INIT;
	struct tamga__cms_result r;
	tamga_time now = (tamga_time)time(NULL);

	(void)state;
	cms_der(&der, cms);
	assert_int_equal(check(&r, &der, TAMGA__SIG_CMS_DETACHED, doc, NULL), TAMGA__CMS_OK);
	assert_string_equal(r.digest, "sha384");
	assert_string_equal(r.signature_alg, "ecdsa");
	assert_int_equal(r.has_signing_certificate, 0);
	assert_true(has_warning(&r, "signing-certificate"));
	assert_true(has_warning(&r, "signingTime"));
	assert_true(r.signing_time > now - 60 && r.signing_time < now + 60);
	seed("openssl-ec", TAMGA__SIG_CMS_DETACHED, &der);
	tamga__cms_result_free(&r);
	tamga_buf_dispose(&der);
	CMS_ContentInfo_free(cms);
}

static void test_econtent_in_detached(void **state)
{
	CMS_ContentInfo *cms = openssl_sign(P.cert, P.key, EVP_sha256(), 0);
	tamga_buf der = TAMGA_BUF_INIT;

	(void)state;
	cms_der(&der, cms);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_FORMAT_FAILURE, "encapsulates");
	tamga_buf_dispose(&der);
	CMS_ContentInfo_free(cms);
}

static void test_two_signers(void **state)
{
	BIO *in = covered_bio();
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY | CMS_DETACHED);
	tamga_buf der = TAMGA_BUF_INIT;

	(void)state;
	assert_non_null(CMS_add1_signer(cms, P.cert, P.key, EVP_sha256(), CMS_BINARY));
	assert_non_null(CMS_add1_signer(cms, P.ec_cert, P.ec_key, EVP_sha256(), CMS_BINARY));
	assert_int_equal(CMS_final(cms, in, NULL, CMS_BINARY | CMS_DETACHED), 1);
	cms_der(&der, cms);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_FORMAT_FAILURE, "2 SignerInfos");
	tamga_buf_dispose(&der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
}

static void test_certificate_missing(void **state)
{
	CMS_ContentInfo *cms = openssl_sign(P.cert, P.key, EVP_sha256(), CMS_DETACHED | CMS_NOCERTS);
	STACK_OF(X509) *extra = sk_X509_new_null();
	tamga_buf der = TAMGA_BUF_INIT;
	struct tamga__cms_result r;

	(void)state;
	cms_der(&der, cms);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_NO_SIGNING_CERTIFICATE_FOUND, "serial 3e9");
	sk_X509_push(extra, P.other_cert);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, extra, TAMGA__CMS_NO_SIGNING_CERTIFICATE_FOUND, NULL);
	sk_X509_push(extra, P.cert);
	assert_int_equal(check(&r, &der, TAMGA__SIG_CMS_DETACHED, doc, extra), TAMGA__CMS_OK);
	assert_int_equal(X509_cmp(r.signer, P.cert), 0);
	tamga__cms_result_free(&r);
	sk_X509_free(extra);
	tamga_buf_dispose(&der);
	CMS_ContentInfo_free(cms);
}

static void test_wrong_signing_certificate(void **state)
{
	BIO *in = covered_bio();
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY | CMS_DETACHED);
	CMS_SignerInfo *si;
	ESS_SIGNING_CERT_V2 *sc;
	unsigned char *ess = NULL;
	tamga_buf der = TAMGA_BUF_INIT;
	int n;

	(void)state;
	si = CMS_add1_signer(cms, P.cert, P.key, EVP_sha256(), CMS_BINARY);
	assert_non_null(si);
	sc = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), P.other_cert, NULL, 0);
	assert_non_null(sc);
	n = i2d_ESS_SIGNING_CERT_V2(sc, &ess);
	assert_true(n > 0);
	assert_int_equal(CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, V_ASN1_SEQUENCE,
	                                             ess, n), 1);
	assert_int_equal(CMS_final(cms, in, NULL, CMS_BINARY | CMS_DETACHED), 1);
	cms_der(&der, cms);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_SIG_CONSTRAINTS_FAILURE, "another certificate");
	tamga_buf_dispose(&der);
	OPENSSL_free(ess);
	ESS_SIGNING_CERT_V2_free(sc);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
}

static void test_digest_mismatch(void **state)
{
	CMS_ContentInfo *cms = openssl_sign(P.cert, P.key, EVP_sha256(), CMS_DETACHED);
	X509_ALGOR *dig = NULL, *sig = NULL;
	tamga_buf der = TAMGA_BUF_INIT;

	(void)state;
	CMS_SignerInfo_get0_algs(sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0), NULL, NULL, &dig, &sig);
	assert_int_equal(X509_ALGOR_set0(sig, OBJ_nid2obj(NID_sha384WithRSAEncryption), V_ASN1_NULL, NULL), 1);
	cms_der(&der, cms);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_SIG_CONSTRAINTS_FAILURE, "another hash");
	/* ecdsa-with-SHA256 with an RSA key. */
	assert_int_equal(X509_ALGOR_set0(sig, OBJ_nid2obj(NID_ecdsa_with_SHA256), V_ASN1_UNDEF, NULL), 1);
	der.size = 0;
	cms_der(&der, cms);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_SIG_CONSTRAINTS_FAILURE, "does not fit");
	/* The matching sha256WithRSAEncryption is fine. */
	assert_int_equal(X509_ALGOR_set0(sig, OBJ_nid2obj(NID_sha256WithRSAEncryption), V_ASN1_NULL, NULL), 1);
	der.size = 0;
	cms_der(&der, cms);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_OK, NULL);
	tamga_buf_dispose(&der);
	CMS_ContentInfo_free(cms);
}

static void test_md5_and_sha1(void **state)
{
	CMS_ContentInfo *cms = openssl_sign(P.cert, P.key, EVP_md5(), CMS_DETACHED);
	tamga_buf der = TAMGA_BUF_INIT;
	struct tamga__cms_result r;

	(void)state;
	cms_der(&der, cms);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE, "MD5");
	CMS_ContentInfo_free(cms);
	der.size = 0;
	cms = openssl_sign(P.cert, P.key, EVP_sha1(), CMS_DETACHED);
	cms_der(&der, cms);
	assert_int_equal(check(&r, &der, TAMGA__SIG_CMS_DETACHED, doc, NULL), TAMGA__CMS_OK);
	assert_string_equal(r.digest, "sha1");
	assert_true(has_warning(&r, "SHA-1"));
	tamga__cms_result_free(&r);
	tamga_buf_dispose(&der);
	CMS_ContentInfo_free(cms);
}

/* Old adbe.pkcs7.detached: no signed attributes, the signature is over the content. */
static void test_no_signed_attributes(void **state)
{
	CMS_ContentInfo *cms = openssl_sign(P.cert, P.key, EVP_sha256(), CMS_DETACHED | CMS_NOATTR);
	tamga_buf der = TAMGA_BUF_INIT;
	struct tamga__cms_result r;
	char changed[sizeof(doc)];

	(void)state;
	cms_der(&der, cms);
	assert_int_equal(check(&r, &der, TAMGA__SIG_CMS_DETACHED, doc, NULL), TAMGA__CMS_OK);
	assert_int_equal(r.has_signed_attributes, 0);
	tamga__cms_result_free(&r);
	memcpy(changed, doc, sizeof(doc));
	changed[DOC_LEN - 1] ^= 4;
	expect(&der, TAMGA__SIG_CMS_DETACHED, changed, NULL, TAMGA__CMS_SIG_CRYPTO_FAILURE, NULL);
	tamga_buf_dispose(&der);
	CMS_ContentInfo_free(cms);
}

/* sid as subjectKeyIdentifier. */
static void test_key_identifier(void **state)
{
	CMS_ContentInfo *cms = openssl_sign(P.cert, P.key, EVP_sha256(), CMS_DETACHED | CMS_USE_KEYID);
	STACK_OF(X509) *extra = sk_X509_new_null();
	tamga_buf der = TAMGA_BUF_INIT;

	(void)state;
	cms_der(&der, cms);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_OK, NULL);
	CMS_ContentInfo_free(cms);
	der.size = 0;
	cms = openssl_sign(P.cert, P.key, EVP_sha256(), CMS_DETACHED | CMS_USE_KEYID | CMS_NOCERTS);
	cms_der(&der, cms);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_NO_SIGNING_CERTIFICATE_FOUND,
	       "subjectKeyIdentifier");
	sk_X509_push(extra, P.cert);
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, extra, TAMGA__CMS_OK, NULL);
	sk_X509_free(extra);
	tamga_buf_dispose(&der);
	CMS_ContentInfo_free(cms);
}

/* CRLs in SignedData.crls and adbe-revocationInfoArchival; a malformed archival is only a warning. */
static void test_revocation_material(void **state)
{
	static const unsigned char ocsp[] = { 0x30, 0x03, 0x0a, 0x01, 0x06 }; /* OCSPResponse, unauthorized */
	X509_CRL *crl = X509_CRL_new();
	ASN1_OBJECT *adbe = OBJ_txt2obj("1.2.840.113583.1.1.8", 1);
	unsigned char *crl_der = NULL, attr[2048], *p;
	int crl_len, attr_len, body;
	BIO *in;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	tamga_buf der = TAMGA_BUF_INIT;
	struct tamga__cms_result r;
	int bad;

	(void)state;
	X509_CRL_set_version(crl, 1);
	X509_CRL_set_issuer_name(crl, X509_get_subject_name(P.cert));
	{
		ASN1_TIME *t = ASN1_TIME_new();

		X509_gmtime_adj(t, 0);
		X509_CRL_set1_lastUpdate(crl, t);
		X509_gmtime_adj(t, 86400);
		X509_CRL_set1_nextUpdate(crl, t);
		ASN1_TIME_free(t);
	}
	assert_true(X509_CRL_sign(crl, P.key, EVP_sha256()) > 0);
	crl_len = i2d_X509_CRL(crl, &crl_der);
	assert_true(crl_len > 0 && crl_len < 1500);
	for (bad = 0; bad < 2; bad++) {
		/* SEQUENCE { [0] { SEQUENCE { crl } } [1] { SEQUENCE { ocsp } } }, lengths < 65536. */
		body = 4 + 4 + crl_len + 2 + 2 + (int)sizeof(ocsp);
		p = attr;
		*p++ = 0x30; *p++ = 0x82; *p++ = (unsigned char)(body >> 8); *p++ = (unsigned char)body;
		*p++ = 0xa0; *p++ = 0x82; *p++ = (unsigned char)((crl_len + 4) >> 8); *p++ = (unsigned char)(crl_len + 4);
		*p++ = 0x30; *p++ = 0x82; *p++ = (unsigned char)(crl_len >> 8); *p++ = (unsigned char)crl_len;
		memcpy(p, crl_der, (size_t)crl_len);
		p += crl_len;
		*p++ = 0xa1; *p++ = (unsigned char)(2 + sizeof(ocsp));
		*p++ = 0x30; *p++ = (unsigned char)sizeof(ocsp);
		memcpy(p, ocsp, sizeof(ocsp));
		if (bad)
			p[0] = 0x04; /* not an OCSPResponse SEQUENCE */
		p += sizeof(ocsp);
		attr_len = (int)(p - attr);
		assert_int_equal(attr_len, 4 + body);

		in = covered_bio();
		cms = CMS_sign(NULL, NULL, NULL, NULL, CMS_PARTIAL | CMS_BINARY | CMS_DETACHED);
		si = CMS_add1_signer(cms, P.cert, P.key, EVP_sha256(), CMS_BINARY);
		assert_non_null(si);
		assert_int_equal(CMS_signed_add1_attr_by_OBJ(si, adbe, V_ASN1_SEQUENCE, attr, attr_len), 1);
		assert_int_equal(CMS_add1_crl(cms, crl), 1);
		assert_int_equal(CMS_final(cms, in, NULL, CMS_BINARY | CMS_DETACHED), 1);
		der.size = 0;
		cms_der(&der, cms);
		assert_int_equal(check(&r, &der, TAMGA__SIG_CMS_DETACHED, doc, NULL), TAMGA__CMS_OK);
		if (!bad) {
			assert_int_equal(sk_X509_CRL_num(r.crls), 2);
			assert_int_equal(X509_CRL_cmp(sk_X509_CRL_value(r.crls, 1), crl), 0);
			assert_int_equal(r.ocsp_count, 1);
			assert_int_equal(r.ocsps[0].len, sizeof(ocsp));
			assert_memory_equal(r.ocsps[0].data, ocsp, sizeof(ocsp));
			assert_false(has_warning(&r, "adbe-revocationInfoArchival"));
			seed("adbe-revocation", TAMGA__SIG_CMS_DETACHED, &der);
		} else {
			assert_int_equal(r.ocsp_count, 0);
			assert_true(has_warning(&r, "adbe-revocationInfoArchival"));
		}
		tamga__cms_result_free(&r);
		CMS_ContentInfo_free(cms);
		BIO_free(in);
	}
	tamga_buf_dispose(&der);
	OPENSSL_free(crl_der);
	ASN1_OBJECT_free(adbe);
	X509_CRL_free(crl);
}

/* adbe.pkcs7.sha1: the SignedData encapsulates SHA-1(covered). */
static void test_sha1_kind(void **state)
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	BIO *in;
	CMS_ContentInfo *cms;
	tamga_buf der = TAMGA_BUF_INIT;
	char changed[sizeof(doc)];
	struct tamga__cms_result r;

	(void)state;
	hash_pieces(h, &hl, EVP_sha1());
	in = BIO_new_mem_buf(h, (int)hl);
	cms = CMS_sign(P.cert, P.key, NULL, in, CMS_BINARY);
	assert_non_null(cms);
	cms_der(&der, cms);
	assert_int_equal(check(&r, &der, TAMGA__SIG_CMS_SHA1, doc, NULL), TAMGA__CMS_OK);
	assert_true(has_warning(&r, "SHA-1"));
	tamga__cms_result_free(&r);
	seed("sha1-kind", TAMGA__SIG_CMS_SHA1, &der);
	memcpy(changed, doc, sizeof(doc));
	changed[60] ^= 2;
	expect(&der, TAMGA__SIG_CMS_SHA1, changed, NULL, TAMGA__CMS_HASH_FAILURE, "SHA-1");
	/* The same container is not a detached signature. */
	expect(&der, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_FORMAT_FAILURE, NULL);
	tamga_buf_dispose(&der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
}

/* ------------------------------------------------------------ time-stamps */

static ASN1_INTEGER *serial_cb(TS_RESP_CTX *ctx, void *data)
{
	ASN1_INTEGER *s = ASN1_INTEGER_new();

	(void)ctx;
	(void)data;
	ASN1_INTEGER_set(s, 0x1234);
	return s;
}

/* A TimeStampToken over imprint (SHA-256), from OpenSSL's TSA code. */
static void make_token(tamga_buf *out, const unsigned char *imprint)
{
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_OBJECT *policy = OBJ_txt2obj("1.2.3.4.5", 1);
	BIO *b = BIO_new(BIO_s_mem());
	TS_RESP *resp;
	unsigned char *der = NULL;
	int n;

	X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
	TS_MSG_IMPRINT_set_algo(mi, alg);
	TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)imprint, 32);
	TS_REQ_set_version(req, 1);
	TS_REQ_set_msg_imprint(req, mi);
	TS_REQ_set_cert_req(req, 1);
	i2d_TS_REQ_bio(b, req);
	assert_int_equal(TS_RESP_CTX_set_signer_cert(ctx, P.tsa_cert), 1);
	assert_int_equal(TS_RESP_CTX_set_signer_key(ctx, P.tsa_key), 1);
	assert_int_equal(TS_RESP_CTX_set_def_policy(ctx, policy), 1);
	assert_int_equal(TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256()), 1);
	TS_RESP_CTX_add_md(ctx, EVP_sha256());
	TS_RESP_CTX_set_serial_cb(ctx, serial_cb, NULL);
	resp = TS_RESP_create_response(ctx, b);
	assert_non_null(resp);
	assert_int_equal(ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp))), 0);
	n = i2d_PKCS7(TS_RESP_get_token(resp), &der);
	assert_true(n > 0);
	assert_int_equal(tamga__buf_append(out, der, (size_t)n), 0);
	OPENSSL_free(der);
	TS_RESP_free(resp);
	BIO_free(b);
	ASN1_OBJECT_free(policy);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	TS_RESP_CTX_free(ctx);
}

static void test_doc_timestamp(void **state)
{
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	tamga_buf tok = TAMGA_BUF_INIT;
	struct tamga__cms_result r;
	char changed[sizeof(doc)];
	tamga_time now = (tamga_time)time(NULL);

	(void)state;
	hash_pieces(h, &hl, EVP_sha256());
	make_token(&tok, h);
	if (check(&r, &tok, TAMGA__SIG_DOC_TIMESTAMP, doc, NULL) != TAMGA__CMS_OK)
		fail_msg("%s", r.message);
	assert_int_equal(r.timestamp_count, 1);
	assert_int_equal(r.timestamps[0].status, TAMGA__CMS_OK);
	assert_true(r.timestamps[0].gen_time > now - 60 && r.timestamps[0].gen_time < now + 60);
	assert_string_equal(r.timestamps[0].policy, "1.2.3.4.5");
	assert_string_equal(r.timestamps[0].serial, "1234");
	assert_string_equal(r.timestamps[0].digest, "sha256");
	assert_int_equal(X509_cmp(r.timestamps[0].tsa_cert, P.tsa_cert), 0);
	assert_int_equal(X509_cmp(r.signer, P.tsa_cert), 0);
	assert_int_equal(r.has_signing_certificate, 1);
	assert_int_equal(sk_X509_num(r.certs), 1);
	tamga__cms_result_free(&r);
	seed("doc-timestamp", TAMGA__SIG_DOC_TIMESTAMP, &tok);
	memcpy(changed, doc, sizeof(doc));
	changed[0] = '#';
	expect(&tok, TAMGA__SIG_DOC_TIMESTAMP, changed, NULL, TAMGA__CMS_HASH_FAILURE, "messageImprint");
	/* A token is not a detached signature. */
	expect(&tok, TAMGA__SIG_CMS_DETACHED, doc, NULL, TAMGA__CMS_FORMAT_FAILURE, NULL);
	tamga_buf_dispose(&tok);
}

/* CAdES B-T by hand: a token over H(signature value) as unsigned attribute. */
static void add_sig_timestamp(tamga_buf *out, const tamga_buf *der, int bad)
{
	const unsigned char *p = der->ptr;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)der->size);
	CMS_SignerInfo *si;
	ASN1_OCTET_STRING *sig;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	tamga_buf tok = TAMGA_BUF_INIT;

	assert_non_null(cms);
	si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0);
	sig = CMS_SignerInfo_get0_signature(si);
	assert_int_equal(EVP_Digest(ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), h, &hl,
	                            EVP_sha256(), NULL), 1);
	h[0] ^= (unsigned char)bad;
	make_token(&tok, h);
	assert_int_equal(CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
	                                               tok.ptr, (int)tok.size), 1);
	cms_der(out, cms);
	tamga_buf_dispose(&tok);
	CMS_ContentInfo_free(cms);
}

static void test_signature_timestamp(void **state)
{
	tamga_buf der = TAMGA_BUF_INIT, bt = TAMGA_BUF_INIT, bad = TAMGA_BUF_INIT;
	struct tamga__cms_result r;

	(void)state;
	rsa_cades(&der);
	add_sig_timestamp(&bt, &der, 0);
	if (check(&r, &bt, TAMGA__SIG_CMS_DETACHED, doc, NULL) != TAMGA__CMS_OK)
		fail_msg("%s", r.message);
	assert_int_equal(r.timestamp_count, 1);
	if (r.timestamps[0].status != TAMGA__CMS_OK)
		fail_msg("%s", r.timestamps[0].message);
	assert_int_equal(X509_cmp(r.timestamps[0].tsa_cert, P.tsa_cert), 0);
	assert_string_equal(r.timestamps[0].policy, "1.2.3.4.5");
	tamga__cms_result_free(&r);
	seed("cades-bt", TAMGA__SIG_CMS_DETACHED, &bt);

	add_sig_timestamp(&bad, &der, 1);
	assert_int_equal(check(&r, &bad, TAMGA__SIG_CMS_DETACHED, doc, NULL), TAMGA__CMS_OK);
	assert_int_equal(r.timestamp_count, 1);
	assert_int_equal(r.timestamps[0].status, TAMGA__CMS_HASH_FAILURE);
	assert_non_null(strstr(r.timestamps[0].message, "messageImprint"));
	assert_non_null(r.timestamps[0].tsa_cert);
	tamga__cms_result_free(&r);
	tamga_buf_dispose(&der);
	tamga_buf_dispose(&bt);
	tamga_buf_dispose(&bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cades_ok),
		cmocka_unit_test(test_cades_content_changed),
		cmocka_unit_test(test_cades_signature_flipped),
		cmocka_unit_test(test_garbage_and_truncated),
		cmocka_unit_test(test_openssl_ok),
		cmocka_unit_test(test_econtent_in_detached),
		cmocka_unit_test(test_two_signers),
		cmocka_unit_test(test_certificate_missing),
		cmocka_unit_test(test_wrong_signing_certificate),
		cmocka_unit_test(test_digest_mismatch),
		cmocka_unit_test(test_md5_and_sha1),
		cmocka_unit_test(test_sha1_kind),
		cmocka_unit_test(test_no_signed_attributes),
		cmocka_unit_test(test_key_identifier),
		cmocka_unit_test(test_revocation_material),
		cmocka_unit_test(test_doc_timestamp),
		cmocka_unit_test(test_signature_timestamp),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
