/*
 * tests/fuzz/fuzz_tsa.c - the time-stamp authority (pki/tsa.c,
 * tamga_tsa_respond): any bytes as a TimeStampReq.
 *
 * The TSA needs a key and a certificate: on the first call a throw-away
 * P-256 key and a self-signed certificate with the critical timeStamping
 * EKU alone are made in memory and written, with an empty serial file, to
 * a temporary directory (removed at exit).
 *
 * Checked for every input: tamga_tsa_respond returns 0 (only the TSA's own
 * failures may be negative, and a sane TSA has none), and what it yields is
 * one whole DER TimeStampResp; a granted one carries a token.
 *
 * Seeds (tests/fuzz/corpus/tsa/): `openssl ts -query` requests (SHA-256
 * with certReq, SHA-512 without nonce, SHA-1, another policy) and a
 * truncated one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <tamga/tsa.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[256], key_path[300], cert_path[300], serial_path[300];
static tamga_tsa *tsa;

static void cleanup(void)
{
	tamga_tsa_free(tsa);
	unlink(key_path);
	unlink(cert_path);
	unlink(serial_path);
	rmdir(dir);
}

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	tamga_tsa_options o = TAMGA_TSA_OPTIONS_INIT;
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/fuzz-tsa.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (key == NULL || x == NULL || name == NULL || mkdtemp(dir) == NULL)
		abort();
	snprintf(key_path, sizeof(key_path), "%s/tsa.key", dir);
	snprintf(cert_path, sizeof(cert_path), "%s/tsa.crt", dir);
	snprintf(serial_path, sizeof(serial_path), "%s/serial", dir);
	if (!X509_set_version(x, 2) || !ASN1_INTEGER_set(X509_get_serialNumber(x), 1) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"fuzz TSA", -1, -1, 0) ||
	    !X509_set_subject_name(x, name) || !X509_set_issuer_name(x, name) ||
	    X509_gmtime_adj(X509_getm_notBefore(x), -3600) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(x), 86400L * 365) == NULL || !X509_set_pubkey(x, key) ||
	    !add_ext(x, NID_key_usage, "critical,digitalSignature") ||
	    !add_ext(x, NID_ext_key_usage, "critical,timeStamping") || !X509_sign(x, key, EVP_sha256()))
		abort();
	if ((f = fopen(key_path, "w")) == NULL || !PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) ||
	    fclose(f) != 0)
		abort();
	if ((f = fopen(cert_path, "w")) == NULL || !PEM_write_X509(f, x) || fclose(f) != 0)
		abort();
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(key);
	o.key_path = key_path;
	o.cert_path = cert_path;
	o.serial_file = serial_path;
	if (tamga_tsa_open(&tsa, &o) != 0) {
		fprintf(stderr, "fuzz_tsa: %s\n", tamga_error_last()->message);
		abort();
	}
	atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tamga_buf out = TAMGA_BUF_INIT;
	const unsigned char *p;
	TS_RESP *resp;
	long status;

	if (tsa == NULL)
		setup();
	if (tamga_tsa_respond(tsa, data, size, &out) != 0)
		__builtin_trap();
	p = out.ptr;
	if ((resp = d2i_TS_RESP(NULL, &p, (long)out.size)) == NULL || p != out.ptr + out.size)
		__builtin_trap();
	status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp)));
	if ((status == TS_STATUS_GRANTED) != (TS_RESP_get_token(resp) != NULL))
		__builtin_trap();
	TS_RESP_free(resp);
	tamga_buf_dispose(&out);
	return 0;
}
