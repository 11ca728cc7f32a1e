/*
 * bench/verify_bench.c - verification throughput as a ratio to the crypto
 * limit.
 *
 *   verify_bench --trust ROOT.pem [--crl CRL]... --path SIGNER+CHAIN.pem [--seconds S] SIGNED...
 *
 * Each SIGNED document (PDF, DOCX, ODT, ...; signed by the benchmark's
 * signer) is verified offline in a loop with tamga_verifier_verify_buffer()
 * (probe, reader, signature discovery, change analysis or package coverage,
 * CMS or XML-DSig integrity, path and CRL validation, report) and with the
 * JSON report rendered.  The ratio is documents per
 * second to OpenSSL's raw rate, in the same run, of the work no verifier
 * can skip for one signature: one EVP_DigestVerify with the signer's key
 * plus one with each CA key in its path (the certificate signatures).
 * Peak memory: a child that verifies the document once, minus an idle child.
 * Median of 5 rounds of S/5 seconds each (default S = 5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <tamga/tamga.h>

#include "bench/bench.h"

#include "common/buf.h"
#include "common/fileio.h"
#include "pki/pki.h"

#define MAX_KEYS 8

/* The raw work: one signature verification per key of the path, each over
 * a signature made here with a throw-away key of the same type and size. */
struct raw {
	EVP_PKEY *keys[MAX_KEYS];
	unsigned char sigs[MAX_KEYS][1024];
	size_t siglens[MAX_KEYS];
	int n;
};

static int raw_verify(void *arg)
{
	struct raw *r = arg;
	unsigned char msg[32] = { 1 };
	int i, ok = 1;

	for (i = 0; i < r->n && ok; i++) {
		EVP_MD_CTX *c = EVP_MD_CTX_new();

		ok = c != NULL && EVP_DigestVerifyInit(c, NULL, EVP_sha256(), NULL, r->keys[i]) == 1 &&
		     EVP_DigestVerify(c, r->sigs[i], r->siglens[i], msg, sizeof(msg)) == 1;
		EVP_MD_CTX_free(c);
	}
	return ok ? 0 : -1;
}

/* A fresh key like pub (same algorithm and size) and a signature with it. */
static int raw_add(struct raw *r, EVP_PKEY *pub)
{
	unsigned char msg[32] = { 1 };
	EVP_PKEY_CTX *kc = NULL;
	EVP_MD_CTX *c = NULL;
	EVP_PKEY *k = NULL;
	int ok;

	if (r->n == MAX_KEYS)
		return 0;
	if (EVP_PKEY_is_a(pub, "RSA"))
		k = EVP_RSA_gen((unsigned int)EVP_PKEY_get_bits(pub));
	else if (EVP_PKEY_is_a(pub, "EC"))
		k = EVP_EC_gen(EVP_PKEY_get_bits(pub) > 256 ? "P-384" : "P-256");
	ok = k != NULL && (c = EVP_MD_CTX_new()) != NULL && EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, k) == 1;
	r->siglens[r->n] = sizeof(r->sigs[0]);
	ok = ok && EVP_DigestSign(c, r->sigs[r->n], &r->siglens[r->n], msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(c);
	EVP_PKEY_CTX_free(kc);
	if (!ok) {
		EVP_PKEY_free(k);
		return -1;
	}
	r->keys[r->n++] = k;
	return 0;
}

struct doc {
	tamga_buf in;
	tamga_verifier *v;
	const char *name;
};

static int doc_verify(void *arg)
{
	struct doc *d = arg;
	tamga_report *r = NULL;
	tamga_buf json = TAMGA_BUF_INIT;
	int e = tamga_verifier_verify_buffer(d->v, &r, d->in.ptr, d->in.size, d->name);

	if (e == 0 && tamga_report_verdict(r) != TAMGA_VERDICT_TOTAL_PASSED) {
		fprintf(stderr, "verify_bench: %s is not TOTAL-PASSED: the benchmark measures the full path\n",
		        d->name);
		e = -1;
	}
	if (e == 0)
		e = tamga_report_json(r, &json);
	tamga_report_free(r);
	tamga_buf_dispose(&json);
	return e;
}

/* The raw work for the first document: its signer's path, from a report-free
 * walk (trust store validation of the signer certificate as embedded). */
static int raw_from_chain(struct raw *raw, const char *chain_pem)
{
	STACK_OF(X509) *certs = NULL;
	tamga_buf b = TAMGA_BUF_INIT;
	int i, e;

	if ((e = tamga__file_read(&b, chain_pem, 1 << 20)) < 0 ||
	    (e = tamga__load_certs(&certs, b.ptr, b.size, chain_pem)) < 0) {
		tamga_buf_dispose(&b);
		return e;
	}
	for (i = 0; i < sk_X509_num(certs) && e == 0; i++)
		e = raw_add(raw, X509_get0_pubkey(sk_X509_value(certs, i)));
	sk_X509_pop_free(certs, X509_free);
	tamga_buf_dispose(&b);
	return e;
}

int main(int argc, char **argv)
{
	tamga_verify_options o = TAMGA_VERIFY_OPTIONS_INIT;
	tamga_trust *trust = NULL;
	tamga_verifier *v = NULL;
	struct raw raw;
	const char *path_pem = NULL;
	double seconds = 5, raw_rate;
	long base_kib;
	int i;

	memset(&raw, 0, sizeof(raw));
	if (tamga_trust_new(&trust) < 0)
		return 1;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		int e = 0;

		if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc)
			e = tamga_trust_add_anchors_file(trust, argv[++i]);
		else if (strcmp(argv[i], "--crl") == 0 && i + 1 < argc)
			e = tamga_trust_add_crls_file(trust, argv[++i]);
		else if (strcmp(argv[i], "--path") == 0 && i + 1 < argc)
			path_pem = argv[++i];
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else {
			fprintf(stderr, "usage: verify_bench --trust ROOT [--crl CRL]... --path SIGNER+CHAIN.pem "
			                "[--seconds S] SIGNED...\n");
			return 2;
		}
		if (e < 0) {
			fprintf(stderr, "verify_bench: %s\n", tamga_error_last()->message);
			return 1;
		}
	}
	if (i == argc || path_pem == NULL || seconds <= 0) {
		fprintf(stderr, "verify_bench: --trust, --path and at least one document are required\n");
		return 2;
	}
	o.trust = trust;
	o.offline = 1;
	if (tamga_verifier_new(&v, &o) < 0 || raw_from_chain(&raw, path_pem) < 0) {
		fprintf(stderr, "verify_bench: %s\n", tamga_error_last()->message);
		return 1;
	}
	raw_rate = rate("verify_bench", raw_verify, &raw, seconds / ROUNDS);
	base_kib = child_peak_kib(NULL, NULL);
	printf("path of %d keys: OpenSSL raw verify rate %.1f paths/s (median of %d)\n", raw.n, raw_rate, ROUNDS);
	printf("%-24s %10s %9s %9s %7s %10s\n", "document", "bytes", "docs/s", "ms/doc", "ratio", "peak+KiB");
	for (; i < argc; i++) {
		struct doc d = { TAMGA_BUF_INIT, v, argv[i] };
		double r;
		long peak;

		if (tamga__file_read(&d.in, argv[i], (size_t)1 << 30) < 0) {
			fprintf(stderr, "verify_bench: %s\n", tamga_error_last()->message);
			return 1;
		}
		r = rate("verify_bench", doc_verify, &d, seconds / ROUNDS);
		peak = child_peak_kib(doc_verify, &d);
		peak = peak < 0 || base_kib < 0 ? -1 : peak - base_kib;
		printf("%-24s %10zu %9.1f %9.2f %7.3f %10ld\n",
		       strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i], d.in.size, r, 1000.0 / r, r / raw_rate,
		       peak);
		tamga_buf_dispose(&d.in);
	}
	for (i = 0; i < raw.n; i++)
		EVP_PKEY_free(raw.keys[i]);
	tamga_verifier_free(v);
	tamga_trust_free(trust);
	return 0;
}
