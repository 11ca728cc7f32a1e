/*
 * tests/unit/test_ca.c - the CA API (tamga/ca.h) and path validation against
 * a CA directory (tamga/trust.h), at fixed times so that nothing depends on
 * today's date.
 *
 * One CA is made for the whole group (key encryption with PBKDF2 at 600 000
 * iterations makes an init cost about a second).  The tests run in array
 * order and every CA operation uses a time later than the one before, so
 * that the newest CRL is always current where a test validates:
 *
 *     T0 = 2026-01-01T00:00:00Z   init, every signer issued
 *     T0 + 1h .. 8h               revocation state tests, CRL numbers
 *     T0 + 12h, 18h               CRLs re-signed before validating
 *     2026-01-02 .. 2026-01-06    validation: valid, revoked, hold/release
 *     2026-06-01, 2030-01-01      stale CRLs, expired signer
 *
 * Expected values come from the test's inputs, from facts documented in the
 * headers (default validities, roles), or from OpenSSL reading the files the
 * CA wrote (signatures, serials, SHA-256, CRL contents).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <tamga/tamga.h>

#define T0 INT64_C(1767225600)            /* 2026-01-01T00:00:00Z */
#define HOUR INT64_C(3600)
#define DAY INT64_C(86400)
#define T_2026_01_02 INT64_C(1767312000)
#define T_2026_01_03 INT64_C(1767398400)
#define T_2026_06_01 INT64_C(1780272000)
#define T_2030_01_01 INT64_C(1893456000)

#define CA_PASS "CA passphrase for unit tests"
#define KEY_PASS "signer key passphrase"
#define CN_MN "Өгөөмөр Үйлс"

struct fixture {
	char root[256];      /* mkdtemp directory */
	char dir[300];       /* root/ca: the CA */
	tamga_ca *ca;        /* opened with the passphrase */
	int seq;             /* numbers output prefixes */
};

/* ------------------------------------------------------------ small helpers */

static void join(char *out, size_t size, const char *a, const char *b)
{
	assert_true((size_t)snprintf(out, size, "%s/%s", a, b) < size);
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static void expect_error(int rc, int code)
{
	if (rc != code)
		print_message("expected %s, got %s: %s\n", tamga_error_name(code), tamga_error_name(rc),
		              tamga_error_last()->message);
	assert_int_equal(rc, code);
	assert_int_equal(tamga_error_last()->code, code);
}

static void expect_ok(int rc)
{
	if (rc != 0)
		print_message("failed: %s: %s\n", tamga_error_name(rc), tamga_error_last()->message);
	assert_int_equal(rc, 0);
}

/* Whole file into a malloc'd buffer. */
static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	p[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* The first certificate of a PEM file, read by OpenSSL. */
static X509 *read_pem_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	assert_non_null(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	return x;
}

static X509 *ca_file_cert(const struct fixture *fx, const char *name)
{
	char path[512];

	join(path, sizeof(path), fx->dir, name);
	return read_pem_cert(path);
}

static X509_CRL *read_der_crl(const char *path)
{
	size_t len;
	unsigned char *der = slurp(path, &len);
	const unsigned char *p = der;
	X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);

	assert_non_null(crl);
	assert_ptr_equal(p, der + len);
	free(der);
	return crl;
}

/* Serial as lowercase hex without leading zeros, computed with OpenSSL. */
static void openssl_serial(char *out, size_t size, const X509 *x)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = BN_bn2hex(bn), *p;

	assert_non_null(hex);
	for (p = hex; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (p = hex; p[0] == '0' && p[1] != '\0'; p++)
		;
	snprintf(out, size, "%s", p);
	OPENSSL_free(hex);
	BN_free(bn);
}

static void openssl_sha256(char out[65], const X509 *x)
{
	unsigned char *der = NULL, md[32];
	unsigned int mdlen = 0;
	int n = i2d_X509(x, &der), i;

	assert_true(n > 0);
	assert_int_equal(EVP_Digest(der, (size_t)n, md, &mdlen, EVP_sha256(), NULL), 1);
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	OPENSSL_free(der);
}

/* a == t (seconds since the epoch). */
static void assert_asn1_time(const ASN1_TIME *a, tamga_time t)
{
	ASN1_TIME *want = ASN1_TIME_set(NULL, (time_t)t);

	assert_non_null(want);
	assert_int_equal(ASN1_TIME_compare(a, want), 0);
	ASN1_TIME_free(want);
}

static long crl_number(const X509_CRL *crl)
{
	ASN1_INTEGER *n = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
	long v;

	assert_non_null(n);
	v = ASN1_INTEGER_get(n);
	ASN1_INTEGER_free(n);
	return v;
}

static void remove_tree(const char *dir);

/* ------------------------------------------------------------ CA helpers */

struct entries {
	int count;
	struct {
		char serial[80];
		char role[16];
		char status[16];
		tamga_time revoked_at;
		tamga_reason reason;
		char sha256[65];
		tamga_time not_before, not_after;
	} e[64];
};

static int collect(const tamga_ca_entry *entry, void *payload)
{
	struct entries *es = payload;

	if (es->count < (int)(sizeof(es->e) / sizeof(es->e[0]))) {
		snprintf(es->e[es->count].serial, sizeof(es->e[0].serial), "%s", entry->serial);
		snprintf(es->e[es->count].role, sizeof(es->e[0].role), "%s", entry->role);
		snprintf(es->e[es->count].status, sizeof(es->e[0].status), "%s", entry->status);
		snprintf(es->e[es->count].sha256, sizeof(es->e[0].sha256), "%s", entry->sha256);
		es->e[es->count].revoked_at = entry->revoked_at;
		es->e[es->count].reason = entry->reason;
		es->e[es->count].not_before = entry->not_before;
		es->e[es->count].not_after = entry->not_after;
	}
	es->count++;
	return 0;
}

static int count_entries(tamga_ca *ca)
{
	struct entries *es = calloc(1, sizeof(*es));
	int n;

	assert_non_null(es);
	expect_ok(tamga_ca_foreach(ca, collect, es));
	n = es->count;
	free(es);
	return n;
}

/* The entry with this serial; fails the test when there is none. */
static void find_entry(tamga_ca *ca, const char *serial, char status[16], tamga_time *revoked_at,
                       tamga_reason *reason)
{
	struct entries *es = calloc(1, sizeof(*es));
	int i, found = 0;

	assert_non_null(es);
	expect_ok(tamga_ca_foreach(ca, collect, es));
	for (i = 0; i < es->count; i++)
		if (strcmp(es->e[i].serial, serial) == 0) {
			snprintf(status, 16, "%s", es->e[i].status);
			if (revoked_at)
				*revoked_at = es->e[i].revoked_at;
			if (reason)
				*reason = es->e[i].reason;
			found = 1;
		}
	free(es);
	assert_true(found);
}

static void next_prefix(struct fixture *fx, char *out, size_t size)
{
	char name[32];

	snprintf(name, sizeof(name), "signer%d", ++fx->seq);
	join(out, size, fx->root, name);
}

/* Issue a signer (unencrypted key: PBKDF2 is tested once, elsewhere) at T0,
 * valid for days; its serial, as OpenSSL reads it from P.crt, goes to serial. */
static tamga_cert *issue_signer(struct fixture *fx, const char *cn, unsigned int days, char *serial,
                                size_t serial_size)
{
	tamga_ca_issue_options o = TAMGA_CA_ISSUE_OPTIONS_INIT;
	char prefix[300], crt[320];
	tamga_cert *c = NULL;
	X509 *x;

	next_prefix(fx, prefix, sizeof(prefix));
	o.cn = cn;
	o.days = days;
	o.out_prefix = prefix;
	o.no_encrypt = 1;
	o.now = T0;
	expect_ok(tamga_ca_issue(fx->ca, &o, &c));
	assert_non_null(c);
	snprintf(crt, sizeof(crt), "%s.crt", prefix);
	x = read_pem_cert(crt);
	openssl_serial(serial, serial_size, x);
	X509_free(x);
	return c;
}

static void sign_crls(struct fixture *fx, tamga_time at)
{
	tamga_ca_crl_options o = TAMGA_CA_CRL_OPTIONS_INIT;

	o.now = at;
	o.days = 7; /* explicit: tamga_ca_crl remembers the last days given */
	o.which = TAMGA_CA_ROOT;
	expect_ok(tamga_ca_crl(fx->ca, &o, NULL));
	o.which = TAMGA_CA_ISSUING;
	expect_ok(tamga_ca_crl(fx->ca, &o, NULL));
}

static tamga_validation *validate(const struct fixture *fx, const tamga_cert *cert, tamga_time at,
                                  tamga_purpose purpose, tamga_revocation_mode revocation)
{
	tamga_trust *t = NULL;
	tamga_validation *v = NULL;
	tamga_validate_options o = TAMGA_VALIDATE_OPTIONS_INIT;

	expect_ok(tamga_trust_new(&t));
	expect_ok(tamga_trust_add_ca_dir(t, fx->dir));
	o.at = at;
	o.purpose = purpose;
	o.revocation = revocation;
	expect_ok(tamga_trust_validate(&v, t, cert, &o));
	assert_non_null(v);
	tamga_trust_free(t);
	return v;
}

static void expect_verdict(tamga_validation *v, tamga_path_status status, tamga_path_reason reason)
{
	if (tamga_validation_status(v) != status || tamga_validation_reason(v) != reason)
		print_message("verdict %s/%s (%s), expected %s/%s\n",
		              tamga_path_status_name(tamga_validation_status(v)),
		              tamga_path_reason_name(tamga_validation_reason(v)), tamga_validation_message(v),
		              tamga_path_status_name(status), tamga_path_reason_name(reason));
	assert_int_equal(tamga_validation_status(v), status);
	assert_int_equal(tamga_validation_reason(v), reason);
}

/* ------------------------------------------------------------ group setup */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int group_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	tamga_ca_init_options o = TAMGA_CA_INIT_OPTIONS_INIT;
	const char *tmp = getenv("TMPDIR");

	if (fx == NULL)
		return -1;
	snprintf(fx->root, sizeof(fx->root), "%s/tamga-ca.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(fx->root) == NULL) {
		free(fx);
		return -1;
	}
	snprintf(fx->dir, sizeof(fx->dir), "%s/ca", fx->root);
	o.passphrase = CA_PASS;
	o.passphrase_len = strlen(CA_PASS);
	o.now = T0;
	if (tamga_ca_init(fx->dir, &o) != 0 ||
	    tamga_ca_open(&fx->ca, fx->dir, CA_PASS, strlen(CA_PASS)) != 0) {
		fprintf(stderr, "CA setup failed: %s\n", tamga_error_last()->message);
		remove_tree(fx->root);
		free(fx);
		return -1;
	}
	*state = fx;
	return 0;
}

static int group_teardown(void **state)
{
	struct fixture *fx = *state;

	tamga_ca_free(fx->ca);
	remove_tree(fx->root);
	free(fx);
	return 0;
}

/* ------------------------------------------------------------ init, open */

static void test_init_layout(void **state)
{
	static const char *const files[] = {
		"ca.db", "root.crt", "issuing.crt", "ocsp.crt", "tsa.crt", "crl/root.crl", "crl/issuing.crl",
		"private/root.key", "private/issuing.key", "private/ocsp.key", "private/tsa.key",
	};
	struct fixture *fx = *state;
	X509 *root = ca_file_cert(fx, "root.crt"), *issuing = ca_file_cert(fx, "issuing.crt");
	X509 *ocsp = ca_file_cert(fx, "ocsp.crt"), *tsa = ca_file_cert(fx, "tsa.crt");
	struct entries *es = calloc(1, sizeof(*es));
	char path[512], root_serial[80], root_sha[65];
	struct stat st;
	size_t i, len;
	unsigned char *pem;
	EVP_PKEY *key;
	BIO *bio;

	assert_non_null(es);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		join(path, sizeof(path), fx->dir, files[i]);
		if (!exists(path))
			print_message("missing %s\n", files[i]);
		assert_true(exists(path));
	}
	join(path, sizeof(path), fx->dir, "private");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	join(path, sizeof(path), fx->dir, "private/issuing.key");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* Signatures: root self-signed; issuing by root; OCSP and TSA by issuing. */
	assert_int_equal(X509_verify(root, X509_get0_pubkey(root)), 1);
	assert_int_equal(X509_verify(issuing, X509_get0_pubkey(root)), 1);
	assert_int_equal(X509_verify(ocsp, X509_get0_pubkey(issuing)), 1);
	assert_int_equal(X509_verify(tsa, X509_get0_pubkey(issuing)), 1);
	assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(tsa), X509_get_subject_name(issuing)), 0);

	/* Times: opts.now, and the documented default validities. */
	assert_asn1_time(X509_get0_notBefore(root), T0);
	assert_asn1_time(X509_get0_notAfter(root), T0 + 7305 * DAY);
	assert_asn1_time(X509_get0_notAfter(issuing), T0 + 3652 * DAY);
	assert_asn1_time(X509_get0_notAfter(tsa), T0 + 1095 * DAY);

	/* The database lists the four certificates, all good. */
	expect_ok(tamga_ca_foreach(fx->ca, collect, es));
	assert_int_equal(es->count, 4);
	assert_string_equal(es->e[0].role, "root");
	assert_string_equal(es->e[1].role, "issuing");
	for (i = 0; i < 4; i++) {
		assert_string_equal(es->e[i].status, "good");
		assert_int_equal(es->e[i].revoked_at, 0);
	}
	openssl_serial(root_serial, sizeof(root_serial), root);
	openssl_sha256(root_sha, root);
	assert_string_equal(es->e[0].serial, root_serial);
	assert_string_equal(es->e[0].sha256, root_sha);
	assert_int_equal(es->e[0].not_before, T0);
	assert_int_equal(es->e[0].not_after, T0 + 7305 * DAY);

	/* The root key is encrypted PKCS#8 that OpenSSL opens with the passphrase. */
	join(path, sizeof(path), fx->dir, "private/root.key");
	pem = slurp(path, &len);
	assert_memory_equal(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38);
	bio = BIO_new_mem_buf(pem, (int)len);
	key = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)CA_PASS);
	assert_non_null(key);
	assert_int_equal(EVP_PKEY_eq(key, X509_get0_pubkey(root)), 1);
	EVP_PKEY_free(key);
	BIO_free(bio);
	free(pem);

	free(es);
	X509_free(root);
	X509_free(issuing);
	X509_free(ocsp);
	X509_free(tsa);
}

static void test_init_again_exists(void **state)
{
	struct fixture *fx = *state;
	tamga_ca_init_options o = TAMGA_CA_INIT_OPTIONS_INIT;
	char other[300], db[400];
	int before = count_entries(fx->ca);

	o.passphrase = CA_PASS;
	o.passphrase_len = strlen(CA_PASS);
	o.now = T0;
	expect_error(tamga_ca_init(fx->dir, &o), TAMGA_EEXISTS);
	assert_int_equal(count_entries(fx->ca), before);

	/* A passphrase under 8 bytes: refused before anything is created. */
	join(other, sizeof(other), fx->root, "shortpass");
	o.passphrase = "short";
	o.passphrase_len = 5;
	expect_error(tamga_ca_init(other, &o), TAMGA_EPASSPHRASE);
	join(db, sizeof(db), other, "ca.db");
	assert_false(exists(db));

	/* Unknown options version. */
	o.version = 99;
	o.passphrase = CA_PASS;
	o.passphrase_len = strlen(CA_PASS);
	expect_error(tamga_ca_init(other, &o), TAMGA_EINVAL);
	assert_false(exists(db));
}

static void test_open_missing(void **state)
{
	struct fixture *fx = *state;
	tamga_ca *ca = (tamga_ca *)&ca;
	char path[300];

	join(path, sizeof(path), fx->root, "no-such-ca");
	expect_error(tamga_ca_open(&ca, path, CA_PASS, strlen(CA_PASS)), TAMGA_ENOTFOUND);
	assert_null(ca);
}

static void test_reason_parse(void **state)
{
	tamga_reason r = TAMGA_REASON_UNSPECIFIED;

	(void)state;
	expect_ok(tamga_reason_parse(&r, "keyCompromise"));
	assert_int_equal(r, TAMGA_REASON_KEY_COMPROMISE);
	r = TAMGA_REASON_UNSPECIFIED;
	expect_ok(tamga_reason_parse(&r, "key-compromise"));
	assert_int_equal(r, TAMGA_REASON_KEY_COMPROMISE);
	r = TAMGA_REASON_UNSPECIFIED;
	expect_ok(tamga_reason_parse(&r, "KEY_COMPROMISE"));
	assert_int_equal(r, TAMGA_REASON_KEY_COMPROMISE);
	expect_ok(tamga_reason_parse(&r, "certificateHold"));
	assert_int_equal(r, TAMGA_REASON_CERTIFICATE_HOLD);
	expect_ok(tamga_reason_parse(&r, "aACompromise"));
	assert_int_equal(r, TAMGA_REASON_AA_COMPROMISE);
	/* RFC 5280 values are fixed: keyCompromise (1), certificateHold (6), privilegeWithdrawn (9). */
	assert_int_equal(TAMGA_REASON_KEY_COMPROMISE, 1);
	assert_int_equal(TAMGA_REASON_CERTIFICATE_HOLD, 6);
	assert_int_equal(TAMGA_REASON_PRIVILEGE_WITHDRAWN, 9);

	r = TAMGA_REASON_SUPERSEDED;
	expect_error(tamga_reason_parse(&r, "removeFromCRL"), TAMGA_EINVAL);
	assert_int_equal(r, TAMGA_REASON_SUPERSEDED);
	expect_error(tamga_reason_parse(&r, "keyCompromised"), TAMGA_EINVAL);
	expect_error(tamga_reason_parse(&r, ""), TAMGA_EINVAL);
	expect_error(tamga_reason_parse(&r, NULL), TAMGA_EINVAL);
}

/* ------------------------------------------------------------ issue */

static void test_issue_signer_files(void **state)
{
	struct fixture *fx = *state;
	tamga_ca_issue_options o = TAMGA_CA_ISSUE_OPTIONS_INIT;
	char prefix[300], path[320], want_serial[80], want_sha[65];
	tamga_cert *c = NULL;
	X509 *x, *issuing = ca_file_cert(fx, "issuing.crt"), *root = ca_file_cert(fx, "root.crt"), *chain[2];
	int before = count_entries(fx->ca);
	struct stat st;
	unsigned char *pem;
	size_t len;
	EVP_PKEY *key;
	BIO *bio;
	FILE *f;
	char status[16];

	next_prefix(fx, prefix, sizeof(prefix));
	o.cn = CN_MN;
	o.days = 365;
	o.out_prefix = prefix;
	o.key_passphrase = KEY_PASS;
	o.key_passphrase_len = strlen(KEY_PASS);
	o.now = T0;
	expect_ok(tamga_ca_issue(fx->ca, &o, &c));
	assert_non_null(c);

	snprintf(path, sizeof(path), "%s.crt", prefix);
	x = read_pem_cert(path);
	assert_int_equal(X509_verify(x, X509_get0_pubkey(issuing)), 1);
	assert_int_equal(X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(issuing)), 0);
	assert_asn1_time(X509_get0_notBefore(x), T0);
	assert_asn1_time(X509_get0_notAfter(x), T0 + 365 * DAY);
	openssl_serial(want_serial, sizeof(want_serial), x);
	openssl_sha256(want_sha, x);

	/* The returned certificate is the one written, and its accessors agree
	 * with OpenSSL; the organisation and country are the CA's defaults. */
	assert_string_equal(tamga_cert_serial(c), want_serial);
	assert_string_equal(tamga_cert_sha256(c), want_sha);
	assert_string_equal(tamga_cert_subject(c), "CN=" CN_MN ",O=Tamga Dev PKI,C=MN");
	assert_int_equal(tamga_cert_not_before(c), T0);
	assert_int_equal(tamga_cert_not_after(c), T0 + 365 * DAY);

	/* P.key: 0600, encrypted, opens with the key passphrase, matches. */
	snprintf(path, sizeof(path), "%s.key", prefix);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	pem = slurp(path, &len);
	assert_memory_equal(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 38);
	bio = BIO_new_mem_buf(pem, (int)len);
	key = PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)KEY_PASS);
	assert_non_null(key);
	assert_int_equal(EVP_PKEY_eq(key, X509_get0_pubkey(x)), 1);
	EVP_PKEY_free(key);
	BIO_free(bio);
	free(pem);

	/* P-chain.pem: issuing CA, then root. */
	snprintf(path, sizeof(path), "%s-chain.pem", prefix);
	f = fopen(path, "r");
	assert_non_null(f);
	chain[0] = PEM_read_X509(f, NULL, NULL, NULL);
	chain[1] = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(chain[0]);
	assert_non_null(chain[1]);
	assert_int_equal(X509_cmp(chain[0], issuing), 0);
	assert_int_equal(X509_cmp(chain[1], root), 0);

	/* Recorded once, as good. */
	assert_int_equal(count_entries(fx->ca), before + 1);
	find_entry(fx->ca, want_serial, status, NULL, NULL);
	assert_string_equal(status, "good");

	X509_free(chain[0]);
	X509_free(chain[1]);
	X509_free(x);
	X509_free(issuing);
	X509_free(root);
	tamga_cert_free(c);
}

static void test_issue_no_encrypt_key(void **state)
{
	struct fixture *fx = *state;
	char serial[80], path[320], prefix[300];
	tamga_cert *c = issue_signer(fx, "Plain Key Signer", 30, serial, sizeof(serial));
	unsigned char *pem;
	size_t len;

	snprintf(prefix, sizeof(prefix), "%s/signer%d", fx->root, fx->seq);
	snprintf(path, sizeof(path), "%s.key", prefix);
	pem = slurp(path, &len);
	assert_memory_equal(pem, "-----BEGIN PRIVATE KEY-----\n", 28);
	free(pem);
	tamga_cert_free(c);
}

static void test_issue_key_option_conflicts(void **state)
{
	struct fixture *fx = *state;
	tamga_ca_issue_options o = TAMGA_CA_ISSUE_OPTIONS_INIT;
	char prefix[300], path[320];
	tamga_cert *c = (tamga_cert *)&c;
	int before = count_entries(fx->ca);

	next_prefix(fx, prefix, sizeof(prefix));
	o.cn = "Conflict";
	o.out_prefix = prefix;
	o.now = T0;
	/* Both an encryption passphrase and no_encrypt. */
	o.no_encrypt = 1;
	o.key_passphrase = KEY_PASS;
	o.key_passphrase_len = strlen(KEY_PASS);
	expect_error(tamga_ca_issue(fx->ca, &o, &c), TAMGA_EINVAL);
	assert_null(c);
	/* Neither: a key is never written unencrypted by accident. */
	o.no_encrypt = 0;
	o.key_passphrase = NULL;
	o.key_passphrase_len = 0;
	expect_error(tamga_ca_issue(fx->ca, &o, NULL), TAMGA_EPASSPHRASE);
	/* More days than the issuing CA has left (3652 from T0). */
	o.no_encrypt = 1;
	o.days = 3653;
	expect_error(tamga_ca_issue(fx->ca, &o, NULL), TAMGA_EINVAL);
	/* Unknown options version. */
	o.days = 0;
	o.version = 2;
	expect_error(tamga_ca_issue(fx->ca, &o, NULL), TAMGA_EINVAL);

	assert_int_equal(count_entries(fx->ca), before);
	snprintf(path, sizeof(path), "%s.crt", prefix);
	assert_false(exists(path));
	snprintf(path, sizeof(path), "%s.key", prefix);
	assert_false(exists(path));
}

static void test_issue_existing_prefix(void **state)
{
	struct fixture *fx = *state;
	tamga_ca_issue_options o = TAMGA_CA_ISSUE_OPTIONS_INIT;
	char prefix[300], crt[320], key[320];
	int before = count_entries(fx->ca);
	unsigned char *content;
	size_t len;
	FILE *f;

	next_prefix(fx, prefix, sizeof(prefix));
	snprintf(crt, sizeof(crt), "%s.crt", prefix);
	snprintf(key, sizeof(key), "%s.key", prefix);
	f = fopen(crt, "w");
	assert_non_null(f);
	fputs("precious\n", f);
	fclose(f);

	o.cn = "Existing Prefix";
	o.out_prefix = prefix;
	o.no_encrypt = 1;
	o.now = T0;
	expect_error(tamga_ca_issue(fx->ca, &o, NULL), TAMGA_EEXISTS);
	/* Nothing recorded, nothing written, the old file untouched. */
	assert_int_equal(count_entries(fx->ca), before);
	assert_false(exists(key));
	content = slurp(crt, &len);
	assert_string_equal((const char *)content, "precious\n");
	free(content);
}

static void test_open_wrong_passphrase(void **state)
{
	struct fixture *fx = *state;
	tamga_ca *ca = NULL;
	tamga_ca_issue_options o = TAMGA_CA_ISSUE_OPTIONS_INIT;
	char prefix[300], crt[320];
	int before = count_entries(fx->ca);

	expect_ok(tamga_ca_open(&ca, fx->dir, "not the passphrase", strlen("not the passphrase")));
	next_prefix(fx, prefix, sizeof(prefix));
	o.cn = "Wrong Pass";
	o.out_prefix = prefix;
	o.no_encrypt = 1;
	o.now = T0;
	expect_error(tamga_ca_issue(ca, &o, NULL), TAMGA_EPASSPHRASE);
	tamga_ca_free(ca);
	assert_int_equal(count_entries(fx->ca), before);
	snprintf(crt, sizeof(crt), "%s.crt", prefix);
	assert_false(exists(crt));
}

static void test_open_without_passphrase(void **state)
{
	struct fixture *fx = *state;
	tamga_ca *ro = NULL;
	tamga_ca_issue_options o = TAMGA_CA_ISSUE_OPTIONS_INIT;
	tamga_ca_crl_options co = TAMGA_CA_CRL_OPTIONS_INIT;
	char serial[80], prefix[300], status[16], crl_path[400];
	tamga_cert *c = issue_signer(fx, "Read Only Target", 30, serial, sizeof(serial));
	int before = count_entries(fx->ca);
	size_t len0, len1;
	unsigned char *crl0, *crl1;

	join(crl_path, sizeof(crl_path), fx->dir, "crl/issuing.crl");
	crl0 = slurp(crl_path, &len0);
	expect_ok(tamga_ca_open(&ro, fx->dir, NULL, 0));
	/* Reading works. */
	assert_int_equal(count_entries(ro), before);
	/* Signing does not: issue, revoke, CRL. */
	next_prefix(fx, prefix, sizeof(prefix));
	o.cn = "Read Only";
	o.out_prefix = prefix;
	o.no_encrypt = 1;
	o.now = T0;
	expect_error(tamga_ca_issue(ro, &o, NULL), TAMGA_EPASSPHRASE);
	expect_error(tamga_ca_revoke(ro, serial, TAMGA_REASON_KEY_COMPROMISE, T0 + HOUR, 0), TAMGA_EPASSPHRASE);
	co.now = T0 + HOUR;
	expect_error(tamga_ca_crl(ro, &co, NULL), TAMGA_EPASSPHRASE);
	tamga_ca_free(ro);

	/* The failed revocation changed nothing: status and published CRL. */
	assert_int_equal(count_entries(fx->ca), before);
	find_entry(fx->ca, serial, status, NULL, NULL);
	assert_string_equal(status, "good");
	crl1 = slurp(crl_path, &len1);
	assert_int_equal(len0, len1);
	assert_memory_equal(crl0, crl1, len0);
	free(crl0);
	free(crl1);
	tamga_cert_free(c);
}

/* ------------------------------------------------------------ revoke, release */

static void test_revoke_unknown(void **state)
{
	struct fixture *fx = *state;
	int before = count_entries(fx->ca);

	expect_error(tamga_ca_revoke(fx->ca, "0x0123456789abcdef", TAMGA_REASON_KEY_COMPROMISE, T0 + HOUR, 0),
	             TAMGA_ENOTFOUND);
	expect_error(tamga_ca_release(fx->ca, "7777", T0 + HOUR), TAMGA_ENOTFOUND);
	expect_error(tamga_ca_revoke(fx->ca, "not-hex", TAMGA_REASON_KEY_COMPROMISE, T0 + HOUR, 0), TAMGA_EINVAL);
	/* 7 is not a reason RFC 5280 defines. */
	expect_error(tamga_ca_revoke(fx->ca, "7777", (tamga_reason)7, T0 + HOUR, 0), TAMGA_EINVAL);
	assert_int_equal(count_entries(fx->ca), before);
}

static void test_revoke_twice(void **state)
{
	struct fixture *fx = *state;
	char serial[80], upper[100], status[16];
	tamga_cert *c = issue_signer(fx, "Revoke Twice", 30, serial, sizeof(serial));
	tamga_time at = 0;
	tamga_reason reason = TAMGA_REASON_UNSPECIFIED;
	size_t i;

	/* The serial as a user might type it: "0x", leading zeros, uppercase. */
	snprintf(upper, sizeof(upper), "0x00%s", serial);
	for (i = 0; upper[i]; i++)
		upper[i] = (char)toupper((unsigned char)upper[i]);
	upper[1] = 'x';
	expect_ok(tamga_ca_revoke(fx->ca, upper, TAMGA_REASON_KEY_COMPROMISE, T0 + HOUR, 0));
	find_entry(fx->ca, serial, status, &at, &reason);
	assert_string_equal(status, "revoked");
	assert_int_equal(at, T0 + HOUR);
	assert_int_equal(reason, TAMGA_REASON_KEY_COMPROMISE);

	expect_error(tamga_ca_revoke(fx->ca, serial, TAMGA_REASON_SUPERSEDED, T0 + 2 * HOUR, 0), TAMGA_ESTATE);
	expect_error(tamga_ca_revoke(fx->ca, serial, TAMGA_REASON_CERTIFICATE_HOLD, T0 + 2 * HOUR, 0), TAMGA_ESTATE);
	/* Still the first revocation. */
	find_entry(fx->ca, serial, status, &at, &reason);
	assert_string_equal(status, "revoked");
	assert_int_equal(at, T0 + HOUR);
	assert_int_equal(reason, TAMGA_REASON_KEY_COMPROMISE);
	tamga_cert_free(c);
}

static void test_release_not_on_hold(void **state)
{
	struct fixture *fx = *state;
	char serial[80], status[16];
	tamga_cert *c = issue_signer(fx, "Release Not Held", 30, serial, sizeof(serial));

	expect_error(tamga_ca_release(fx->ca, serial, T0 + 2 * HOUR), TAMGA_ESTATE);
	find_entry(fx->ca, serial, status, NULL, NULL);
	assert_string_equal(status, "good");
	/* Revoked for good cannot be released either. */
	expect_ok(tamga_ca_revoke(fx->ca, serial, TAMGA_REASON_CESSATION_OF_OPERATION, T0 + 2 * HOUR, 0));
	expect_error(tamga_ca_release(fx->ca, serial, T0 + 2 * HOUR + 60), TAMGA_ESTATE);
	find_entry(fx->ca, serial, status, NULL, NULL);
	assert_string_equal(status, "revoked");
	tamga_cert_free(c);
}

static void test_hold_then_revoke_for_good(void **state)
{
	struct fixture *fx = *state;
	char serial[80], status[16];
	tamga_cert *c = issue_signer(fx, "Held Then Revoked", 30, serial, sizeof(serial));
	tamga_time at = 0;
	tamga_reason reason = TAMGA_REASON_UNSPECIFIED;

	expect_ok(tamga_ca_revoke(fx->ca, serial, TAMGA_REASON_CERTIFICATE_HOLD, T0 + 3 * HOUR, 0));
	find_entry(fx->ca, serial, status, &at, &reason);
	assert_string_equal(status, "hold");
	assert_int_equal(at, T0 + 3 * HOUR);
	assert_int_equal(reason, TAMGA_REASON_CERTIFICATE_HOLD);
	/* On hold twice: no. */
	expect_error(tamga_ca_revoke(fx->ca, serial, TAMGA_REASON_CERTIFICATE_HOLD, T0 + 3 * HOUR + 60, 0),
	             TAMGA_ESTATE);
	/* From hold to revoked for good: allowed (ca.h), and the revocation
	 * date stays the hold's: nothing signed after the hold is trusted. */
	expect_ok(tamga_ca_revoke(fx->ca, serial, TAMGA_REASON_KEY_COMPROMISE, T0 + 4 * HOUR, 0));
	find_entry(fx->ca, serial, status, &at, &reason);
	assert_string_equal(status, "revoked");
	assert_int_equal(at, T0 + 3 * HOUR);
	assert_int_equal(reason, TAMGA_REASON_KEY_COMPROMISE);
	tamga_cert_free(c);
}

static void test_revoke_root(void **state)
{
	struct fixture *fx = *state;
	X509 *root = ca_file_cert(fx, "root.crt");
	char serial[80], status[16];
	char path[400];
	size_t len0, len1;
	unsigned char *crl0, *crl1;

	join(path, sizeof(path), fx->dir, "crl/root.crl");
	crl0 = slurp(path, &len0);
	openssl_serial(serial, sizeof(serial), root);
	expect_error(tamga_ca_revoke(fx->ca, serial, TAMGA_REASON_CA_COMPROMISE, T0 + 4 * HOUR, 0), TAMGA_ESTATE);
	expect_error(tamga_ca_revoke(fx->ca, serial, TAMGA_REASON_CERTIFICATE_HOLD, T0 + 4 * HOUR, 0), TAMGA_ESTATE);
	find_entry(fx->ca, serial, status, NULL, NULL);
	assert_string_equal(status, "good");
	crl1 = slurp(path, &len1);
	assert_int_equal(len0, len1);
	assert_memory_equal(crl0, crl1, len0);
	free(crl0);
	free(crl1);
	X509_free(root);
}

/* ------------------------------------------------------------ CRLs */

static void test_crl_numbers_and_contents(void **state)
{
	struct fixture *fx = *state;
	tamga_ca_crl_options o = TAMGA_CA_CRL_OPTIONS_INIT;
	tamga_buf out1 = TAMGA_BUF_INIT, out2 = TAMGA_BUF_INIT, out3 = TAMGA_BUF_INIT;
	X509 *root = ca_file_cert(fx, "root.crt"), *issuing = ca_file_cert(fx, "issuing.crt"), *x;
	X509_CRL *c1, *c2, *c3, *published;
	X509_REVOKED *r = NULL;
	ASN1_ENUMERATED *code;
	ASN1_GENERALIZEDTIME *inv;
	const unsigned char *p;
	char serial[80], path[400], crt[320];
	tamga_cert *c = issue_signer(fx, "On The CRL", 30, serial, sizeof(serial));
	long before_issuing;
	size_t len;
	unsigned char *file;

	/* A revocation with an invalidity date, published in the issuing CRL. */
	expect_ok(tamga_ca_revoke(fx->ca, serial, TAMGA_REASON_KEY_COMPROMISE, T0 + 5 * HOUR, T0 + 4 * HOUR));
	join(path, sizeof(path), fx->dir, "crl/issuing.crl");
	published = read_der_crl(path);
	before_issuing = crl_number(published);
	X509_CRL_free(published);

	/* Two root CRLs: consecutive numbers, times, issuer, signature. */
	o.which = TAMGA_CA_ROOT;
	o.now = T0 + 6 * HOUR;
	expect_ok(tamga_ca_crl(fx->ca, &o, &out1));
	o.now = T0 + 7 * HOUR;
	expect_ok(tamga_ca_crl(fx->ca, &o, &out2));
	p = out1.ptr;
	c1 = d2i_X509_CRL(NULL, &p, (long)out1.size);
	assert_non_null(c1);
	assert_ptr_equal(p, out1.ptr + out1.size);
	p = out2.ptr;
	c2 = d2i_X509_CRL(NULL, &p, (long)out2.size);
	assert_non_null(c2);
	assert_int_equal(crl_number(c2), crl_number(c1) + 1);
	assert_true(crl_number(c1) >= 2); /* init published number 1 */
	assert_asn1_time(X509_CRL_get0_lastUpdate(c1), T0 + 6 * HOUR);
	assert_asn1_time(X509_CRL_get0_lastUpdate(c2), T0 + 7 * HOUR);
	assert_asn1_time(X509_CRL_get0_nextUpdate(c2), T0 + 7 * HOUR + 7 * DAY); /* default 7 days */
	assert_int_equal(X509_NAME_cmp(X509_CRL_get_issuer(c2), X509_get_subject_name(root)), 0);
	assert_int_equal(X509_CRL_verify(c2, X509_get0_pubkey(root)), 1);
	assert_int_equal(X509_CRL_get_version(c2), X509_CRL_VERSION_2);
	/* The newest one is published at crl/root.crl. */
	join(path, sizeof(path), fx->dir, "crl/root.crl");
	file = slurp(path, &len);
	assert_int_equal(len, out2.size);
	assert_memory_equal(file, out2.ptr, len);
	free(file);

	/* The next issuing CRL: number, and the revoked certificate in it. */
	o.which = TAMGA_CA_ISSUING;
	o.now = T0 + 8 * HOUR;
	o.days = 3;
	expect_ok(tamga_ca_crl(fx->ca, &o, &out3));
	p = out3.ptr;
	c3 = d2i_X509_CRL(NULL, &p, (long)out3.size);
	assert_non_null(c3);
	assert_int_equal(crl_number(c3), before_issuing + 1);
	assert_asn1_time(X509_CRL_get0_nextUpdate(c3), T0 + 8 * HOUR + 3 * DAY);
	assert_int_equal(X509_CRL_verify(c3, X509_get0_pubkey(issuing)), 1);
	snprintf(crt, sizeof(crt), "%s/signer%d.crt", fx->root, fx->seq);
	x = read_pem_cert(crt);
	assert_int_equal(X509_CRL_get0_by_serial(c3, &r, X509_get0_serialNumber(x)), 1);
	assert_non_null(r);
	assert_asn1_time(X509_REVOKED_get0_revocationDate(r), T0 + 5 * HOUR);
	code = X509_REVOKED_get_ext_d2i(r, NID_crl_reason, NULL, NULL);
	assert_non_null(code);
	assert_int_equal(ASN1_ENUMERATED_get(code), 1); /* keyCompromise */
	ASN1_ENUMERATED_free(code);
	inv = X509_REVOKED_get_ext_d2i(r, NID_invalidity_date, NULL, NULL);
	assert_non_null(inv);
	assert_asn1_time(inv, T0 + 4 * HOUR);
	ASN1_GENERALIZEDTIME_free(inv);

	/* Option checks. */
	o.days = 367;
	expect_error(tamga_ca_crl(fx->ca, &o, NULL), TAMGA_EINVAL);
	o.days = 0;
	o.version = 5;
	expect_error(tamga_ca_crl(fx->ca, &o, NULL), TAMGA_EINVAL);

	X509_free(x);
	X509_CRL_free(c1);
	X509_CRL_free(c2);
	X509_CRL_free(c3);
	X509_free(root);
	X509_free(issuing);
	tamga_buf_dispose(&out1);
	tamga_buf_dispose(&out2);
	tamga_buf_dispose(&out3);
	tamga_cert_free(c);
}

/* ------------------------------------------------------------ validation */

static void test_validate_valid_signer(void **state)
{
	struct fixture *fx = *state;
	char serial[80], sha[3][65];
	tamga_cert *c = issue_signer(fx, "Valid Signer", 365, serial, sizeof(serial));
	X509 *issuing = ca_file_cert(fx, "issuing.crt"), *root = ca_file_cert(fx, "root.crt");
	tamga_validation *v;
	size_t i;

	sign_crls(fx, T0 + 12 * HOUR);
	v = validate(fx, c, T_2026_01_02, TAMGA_PURPOSE_DOCUMENT_SIGNING, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_VALID, TAMGA_PATH_OK);
	assert_string_equal(tamga_validation_message(v), "");
	assert_int_equal(tamga_validation_warning_count(v), 0);
	assert_int_equal(tamga_validation_openssl_code(v), 0);
	/* signer -> issuing -> root */
	assert_int_equal(tamga_validation_chain_length(v), 3);
	snprintf(sha[0], sizeof(sha[0]), "%s", tamga_cert_sha256(c));
	openssl_sha256(sha[1], issuing);
	openssl_sha256(sha[2], root);
	for (i = 0; i < 3; i++)
		assert_string_equal(tamga_cert_sha256(tamga_validation_chain_cert(v, i)), sha[i]);
	assert_null(tamga_validation_chain_cert(v, 3));
	tamga_validation_free(v);

	/* Before the signer's notBefore (T0): not yet valid. */
	v = validate(fx, c, T0 - DAY, TAMGA_PURPOSE_DOCUMENT_SIGNING, TAMGA_REVOCATION_NONE);
	expect_verdict(v, TAMGA_PATH_INVALID, TAMGA_PATH_NOT_YET_VALID);
	tamga_validation_free(v);

	X509_free(issuing);
	X509_free(root);
	tamga_cert_free(c);
}

static void test_validate_purposes(void **state)
{
	struct fixture *fx = *state;
	char serial[80], path[400];
	tamga_cert *signer = issue_signer(fx, "Purpose Signer", 365, serial, sizeof(serial));
	tamga_cert *tsa = NULL, *ocsp = NULL, *issuing = NULL;
	tamga_validation *v;

	join(path, sizeof(path), fx->dir, "tsa.crt");
	expect_ok(tamga_cert_load_file(&tsa, path));
	join(path, sizeof(path), fx->dir, "ocsp.crt");
	expect_ok(tamga_cert_load_file(&ocsp, path));
	join(path, sizeof(path), fx->dir, "issuing.crt");
	expect_ok(tamga_cert_load_file(&issuing, path));

	v = validate(fx, tsa, T_2026_01_02, TAMGA_PURPOSE_TIMESTAMPING, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_VALID, TAMGA_PATH_OK);
	tamga_validation_free(v);

	v = validate(fx, signer, T_2026_01_02, TAMGA_PURPOSE_TIMESTAMPING, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_INVALID, TAMGA_PATH_PURPOSE_FAILURE);
	assert_int_equal(tamga_validation_depth(v), 0);
	assert_non_null(strstr(tamga_validation_message(v), serial));
	tamga_validation_free(v);

	v = validate(fx, tsa, T_2026_01_02, TAMGA_PURPOSE_DOCUMENT_SIGNING, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_INVALID, TAMGA_PATH_PURPOSE_FAILURE);
	tamga_validation_free(v);

	v = validate(fx, ocsp, T_2026_01_02, TAMGA_PURPOSE_OCSP_SIGNING, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_VALID, TAMGA_PATH_OK);
	tamga_validation_free(v);

	v = validate(fx, signer, T_2026_01_02, TAMGA_PURPOSE_OCSP_SIGNING, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_INVALID, TAMGA_PATH_PURPOSE_FAILURE);
	tamga_validation_free(v);

	v = validate(fx, signer, T_2026_01_02, TAMGA_PURPOSE_ANY, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_VALID, TAMGA_PATH_OK);
	tamga_validation_free(v);

	/* A CA certificate is not a document signer. */
	v = validate(fx, issuing, T_2026_01_02, TAMGA_PURPOSE_DOCUMENT_SIGNING, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_INVALID, TAMGA_PATH_PURPOSE_FAILURE);
	tamga_validation_free(v);

	tamga_cert_free(tsa);
	tamga_cert_free(ocsp);
	tamga_cert_free(issuing);
	tamga_cert_free(signer);
}

static void test_validate_revocation_none_warns(void **state)
{
	struct fixture *fx = *state;
	char serial[80], path[400];
	tamga_cert *c = issue_signer(fx, "Unchecked Signer", 365, serial, sizeof(serial));
	tamga_validation *v;
	tamga_trust *t = NULL;
	tamga_validate_options o = TAMGA_VALIDATE_OPTIONS_INIT;

	v = validate(fx, c, T_2026_01_02, TAMGA_PURPOSE_DOCUMENT_SIGNING, TAMGA_REVOCATION_NONE);
	expect_verdict(v, TAMGA_PATH_VALID, TAMGA_PATH_OK);
	assert_int_equal(tamga_validation_warning_count(v), 1);
	assert_string_equal(tamga_validation_warning(v, 0), "revocation was not checked");
	assert_null(tamga_validation_warning(v, 1));
	tamga_validation_free(v);

	/* A store without CRLs: revocation required -> indeterminate. */
	expect_ok(tamga_trust_new(&t));
	join(path, sizeof(path), fx->dir, "root.crt");
	expect_ok(tamga_trust_add_anchors_file(t, path));
	join(path, sizeof(path), fx->dir, "issuing.crt");
	expect_ok(tamga_trust_add_intermediates_file(t, path));
	assert_int_equal(tamga_trust_anchor_count(t), 1);
	assert_int_equal(tamga_trust_crl_count(t), 0);
	o.at = T_2026_01_02;
	expect_ok(tamga_trust_validate(&v, t, c, &o));
	expect_verdict(v, TAMGA_PATH_INDETERMINATE, TAMGA_PATH_TRY_LATER);
	tamga_validation_free(v);
	o.revocation = TAMGA_REVOCATION_NONE;
	expect_ok(tamga_trust_validate(&v, t, c, &o));
	expect_verdict(v, TAMGA_PATH_VALID, TAMGA_PATH_OK);
	assert_int_equal(tamga_validation_warning_count(v), 1);
	assert_string_equal(tamga_validation_warning(v, 0), "revocation was not checked");
	tamga_validation_free(v);
	tamga_trust_free(t);
	tamga_cert_free(c);
}

static void test_validate_revoked(void **state)
{
	struct fixture *fx = *state;
	char serial[80], path[400], crt[320];
	tamga_cert *c = issue_signer(fx, "Revoked Signer", 365, serial, sizeof(serial));
	tamga_validation *v;
	X509_CRL *crl;
	X509_REVOKED *r = NULL;
	X509 *x;
	ASN1_ENUMERATED *code;

	snprintf(crt, sizeof(crt), "%s/signer%d.crt", fx->root, fx->seq);
	sign_crls(fx, T0 + 18 * HOUR);
	v = validate(fx, c, T_2026_01_02, TAMGA_PURPOSE_DOCUMENT_SIGNING, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_VALID, TAMGA_PATH_OK);
	tamga_validation_free(v);

	expect_ok(tamga_ca_revoke(fx->ca, serial, TAMGA_REASON_KEY_COMPROMISE, T_2026_01_03, 0));
	v = validate(fx, c, T_2026_01_03 + DAY, TAMGA_PURPOSE_DOCUMENT_SIGNING, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_INVALID, TAMGA_PATH_REVOKED);
	assert_int_equal(tamga_validation_depth(v), 0);
	assert_int_equal(tamga_validation_openssl_code(v), X509_V_ERR_CERT_REVOKED);
	assert_non_null(strstr(tamga_validation_message(v), serial));
	assert_non_null(strstr(tamga_validation_message(v), "2026-01-03T00:00:00Z"));
	tamga_validation_free(v);

	/* The published CRL, read by OpenSSL, lists it. */
	join(path, sizeof(path), fx->dir, "crl/issuing.crl");
	crl = read_der_crl(path);
	x = read_pem_cert(crt);
	assert_int_equal(X509_CRL_get0_by_serial(crl, &r, X509_get0_serialNumber(x)), 1);
	assert_asn1_time(X509_REVOKED_get0_revocationDate(r), T_2026_01_03);
	code = X509_REVOKED_get_ext_d2i(r, NID_crl_reason, NULL, NULL);
	assert_non_null(code);
	assert_int_equal(ASN1_ENUMERATED_get(code), 1);
	ASN1_ENUMERATED_free(code);
	assert_asn1_time(X509_CRL_get0_lastUpdate(crl), T_2026_01_03);
	X509_free(x);
	X509_CRL_free(crl);
	tamga_cert_free(c);
}

static void test_validate_hold_and_release(void **state)
{
	struct fixture *fx = *state;
	char serial[80], status[16];
	tamga_cert *c = issue_signer(fx, "Held Signer", 365, serial, sizeof(serial));
	tamga_validation *v;
	tamga_time at = 1;

	expect_ok(tamga_ca_revoke(fx->ca, serial, TAMGA_REASON_CERTIFICATE_HOLD, T_2026_01_03 + DAY, 0));
	v = validate(fx, c, T_2026_01_03 + 2 * DAY, TAMGA_PURPOSE_DOCUMENT_SIGNING, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_INVALID, TAMGA_PATH_REVOKED);
	tamga_validation_free(v);

	expect_ok(tamga_ca_release(fx->ca, serial, T_2026_01_03 + 2 * DAY));
	find_entry(fx->ca, serial, status, &at, NULL);
	assert_string_equal(status, "good");
	assert_int_equal(at, 0);
	v = validate(fx, c, T_2026_01_03 + 3 * DAY, TAMGA_PURPOSE_DOCUMENT_SIGNING, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_VALID, TAMGA_PATH_OK);
	tamga_validation_free(v);
	tamga_cert_free(c);
}

static void test_validate_stale_crl(void **state)
{
	struct fixture *fx = *state;
	char serial[80];
	tamga_cert *c = issue_signer(fx, "Stale CRL Signer", 365, serial, sizeof(serial));
	tamga_validation *v;

	/* Signer valid until 2027-01-01, but every CRL's nextUpdate is past. */
	v = validate(fx, c, T_2026_06_01, TAMGA_PURPOSE_DOCUMENT_SIGNING, TAMGA_REVOCATION_REQUIRE);
	expect_verdict(v, TAMGA_PATH_INDETERMINATE, TAMGA_PATH_TRY_LATER);
	tamga_validation_free(v);
	tamga_cert_free(c);
}

static void test_validate_after_expiry(void **state)
{
	struct fixture *fx = *state;
	char serial[80];
	tamga_cert *c = issue_signer(fx, "Expired Signer", 365, serial, sizeof(serial));
	tamga_validation *v;

	/* 2030: the signer (365 days from 2026-01-01) has expired, and the CRLs
	 * are stale; expiry is the definite answer. */
	v = validate(fx, c, T_2030_01_01, TAMGA_PURPOSE_DOCUMENT_SIGNING, TAMGA_REVOCATION_REQUIRE);
	assert_int_not_equal(tamga_validation_status(v), TAMGA_PATH_VALID);
	expect_verdict(v, TAMGA_PATH_INVALID, TAMGA_PATH_OUT_OF_BOUNDS);
	assert_int_equal(tamga_validation_depth(v), 0);
	assert_non_null(strstr(tamga_validation_message(v), "2027-01-01T00:00:00Z"));
	tamga_validation_free(v);
	/* Without revocation checking too. */
	v = validate(fx, c, T_2030_01_01, TAMGA_PURPOSE_DOCUMENT_SIGNING, TAMGA_REVOCATION_NONE);
	expect_verdict(v, TAMGA_PATH_INVALID, TAMGA_PATH_OUT_OF_BOUNDS);
	tamga_validation_free(v);
	tamga_cert_free(c);
}

static void test_validate_bad_options(void **state)
{
	struct fixture *fx = *state;
	char path[400];
	tamga_cert *root = NULL;
	tamga_trust *t = NULL;
	tamga_validation *v = (tamga_validation *)&v;
	tamga_validate_options o = TAMGA_VALIDATE_OPTIONS_INIT;

	join(path, sizeof(path), fx->dir, "root.crt");
	expect_ok(tamga_cert_load_file(&root, path));
	expect_ok(tamga_trust_new(&t));
	expect_ok(tamga_trust_add_ca_dir(t, fx->dir));
	o.at = T_2026_01_02;
	o.version = TAMGA_VALIDATE_OPTIONS_VERSION + 1;
	expect_error(tamga_trust_validate(&v, t, root, &o), TAMGA_EINVAL);
	assert_null(v);
	o.version = TAMGA_VALIDATE_OPTIONS_VERSION;
	o.purpose = (tamga_purpose)42;
	v = (tamga_validation *)&v;
	expect_error(tamga_trust_validate(&v, t, root, &o), TAMGA_EINVAL);
	assert_null(v);
	expect_error(tamga_trust_validate(&v, t, NULL, &o), TAMGA_EINVAL);
	tamga_trust_free(t);
	tamga_cert_free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_layout),
		cmocka_unit_test(test_init_again_exists),
		cmocka_unit_test(test_open_missing),
		cmocka_unit_test(test_reason_parse),
		cmocka_unit_test(test_issue_signer_files),
		cmocka_unit_test(test_issue_no_encrypt_key),
		cmocka_unit_test(test_issue_key_option_conflicts),
		cmocka_unit_test(test_issue_existing_prefix),
		cmocka_unit_test(test_open_wrong_passphrase),
		cmocka_unit_test(test_open_without_passphrase),
		cmocka_unit_test(test_revoke_unknown),
		cmocka_unit_test(test_revoke_twice),
		cmocka_unit_test(test_release_not_on_hold),
		cmocka_unit_test(test_hold_then_revoke_for_good),
		cmocka_unit_test(test_revoke_root),
		cmocka_unit_test(test_crl_numbers_and_contents),
		cmocka_unit_test(test_validate_valid_signer),
		cmocka_unit_test(test_validate_purposes),
		cmocka_unit_test(test_validate_revocation_none_warns),
		cmocka_unit_test(test_validate_revoked),
		cmocka_unit_test(test_validate_hold_and_release),
		cmocka_unit_test(test_validate_stale_crl),
		cmocka_unit_test(test_validate_after_expiry),
		cmocka_unit_test(test_validate_bad_options),
	};

	return cmocka_run_group_tests_name("ca", tests, group_setup, group_teardown);
}
