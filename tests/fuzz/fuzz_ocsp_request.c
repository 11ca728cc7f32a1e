/*
 * tests/fuzz/fuzz_ocsp_request.c - the OCSP responder's request side
 * (pki/ocsp_responder.c, tamga_ocsp_respond): any input must give 0 and a
 * DER OCSPResponse, never a crash.
 *
 * The responder needs a CA: on the first call a throw-away one is made with
 * the public tamga_ca API in a temporary directory (removed at exit).  Its
 * keys are new on every run, so seeds cannot carry its real issuer hashes;
 * instead every 20-byte run of 0xAA in the input is replaced with the SHA-1
 * issuerNameHash of its issuing CA and every run of 0xBB with the
 * issuerKeyHash, so a seed written with those placeholders reaches the
 * status lookup and signing, not only the refusals.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <tamga/tamga.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[4096];
static tamga_ocsp_responder *responder;
static unsigned char name_hash[20], key_hash[20];
static const char pass[] = "fuzzing passphrase";

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void cleanup(void)
{
	tamga_ocsp_responder_free(responder);
	if (dir[0])
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
	tamga_ca_init_options o = TAMGA_CA_INIT_OPTIONS_INIT;
	const char *tmp = getenv("TMPDIR");
	char ca[4200], crt[4300];
	X509 *x = NULL;
	FILE *f;
	unsigned int n;

	snprintf(dir, sizeof(dir), "%s/fuzz-ocsp-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	snprintf(ca, sizeof(ca), "%s/ca", dir);
	o.passphrase = pass;
	o.passphrase_len = strlen(pass);
	if (tamga_ca_init(ca, &o) < 0 || tamga_ocsp_responder_open(&responder, ca, pass, strlen(pass)) < 0) {
		fprintf(stderr, "fuzz_ocsp_request: %s\n", tamga_error_last()->message);
		abort();
	}
	snprintf(crt, sizeof(crt), "%s/issuing.crt", ca);
	if ((f = fopen(crt, "r")) == NULL || (x = PEM_read_X509(f, NULL, NULL, NULL)) == NULL)
		abort();
	fclose(f);
	if (!X509_NAME_digest(X509_get_subject_name(x), EVP_sha1(), name_hash, &n) ||
	    !EVP_Digest(X509_get0_pubkey_bitstr(x)->data, (size_t)X509_get0_pubkey_bitstr(x)->length, key_hash, &n,
	                EVP_sha1(), NULL))
		abort();
	X509_free(x);
}

static void patch(uint8_t *p, size_t size, uint8_t marker, const unsigned char *with)
{
	size_t i, run = 0;

	for (i = 0; i < size; i++) {
		run = p[i] == marker ? run + 1 : 0;
		if (run == 20) {
			memcpy(p + i - 19, with, 20);
			run = 0;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tamga_buf out = TAMGA_BUF_INIT;
	tamga_ocsp_result res;
	uint8_t *copy;
	const unsigned char *p;
	int rc;

	if (responder == NULL)
		setup();
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	patch(copy, size, 0xAA, name_hash);
	patch(copy, size, 0xBB, key_hash);
	rc = tamga_ocsp_respond(responder, copy, size, &out, &res);
	if (rc == 0) {
		/* always a DER OCSPResponse */
		p = out.ptr;
		OCSP_RESPONSE *r = d2i_OCSP_RESPONSE(NULL, &p, (long)out.size);

		if (r == NULL || p != out.ptr + out.size || OCSP_response_status(r) != res.status)
			abort();
		OCSP_RESPONSE_free(r);
	} else if (rc != TAMGA_ENOMEM) {
		abort();
	}
	tamga_buf_dispose(&out);
	free(copy);
	return 0;
}
