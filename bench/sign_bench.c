/*
 * bench/sign_bench.c - signing throughput as a ratio to the crypto limit.
 *
 *   sign_bench --key KEY.pem --cert CERT.pem [--chain CHAIN.pem] [--seconds S] [--no-stamp] DOC...
 *
 * DOC is any document tamga signs (PDF, DOCX, XLSX, PPTX, ODT, ODS):
 * tamga_sign_buffer() picks the format from the bytes.
 *
 * For the key given, measures in the same run:
 *   raw     OpenSSL's EVP_DigestSign rate over a 32-byte digest-sized input
 *           (the most a signer can do with this key on this machine)
 *   per DOC tamga_sign_buffer() in a loop (no file I/O): documents per second.
 *           PDF: parse, stamp, incremental update, hash, CAdES, embed;
 *           OOXML/ODF: unzip, stamp parts, digest every part, XAdES
 *           (XML-DSig, C14N), zip again
 * and prints docs/s, the ratio docs/s : raw signs/s, and the peak resident
 * memory of a child process that signs the document once (so each size
 * stands alone) minus that of a child that only loaded the key.
 *
 * Median of 5 rounds of S/5 seconds each (default S = 5).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <tamga/tamga.h>

#include "bench/bench.h"

#include "common/buf.h"
#include "common/fileio.h"


struct raw {
	EVP_PKEY *key;
	unsigned char sig[1024];
};

static int raw_sign(void *arg)
{
	struct raw *r = arg;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned char msg[32] = { 1 };
	size_t len = sizeof(r->sig);
	int ok = c != NULL && EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, r->key) == 1 &&
	         EVP_DigestSign(c, r->sig, &len, msg, sizeof(msg)) == 1;

	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

struct doc {
	tamga_buf in;
	tamga_sign_options *opts;
};

static int doc_sign(void *arg)
{
	struct doc *d = arg;
	tamga_buf out = TAMGA_BUF_INIT;
	int error = tamga_sign_buffer(&out, d->in.ptr, d->in.size, d->opts, NULL);

	tamga_buf_dispose(&out);
	return error;
}

int main(int argc, char **argv)
{
	tamga_signer_options so = TAMGA_SIGNER_OPTIONS_INIT;
	tamga_sign_options o = TAMGA_SIGN_OPTIONS_INIT;
	tamga_signer *signer = NULL;
	struct raw raw = { NULL, { 0 } };
	double seconds = 5, raw_rate;
	const char *key = NULL;
	long base_kib;
	int i;
	FILE *f;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			key = so.key_path = argv[++i];
		else if (strcmp(argv[i], "--cert") == 0 && i + 1 < argc)
			so.cert_path = argv[++i];
		else if (strcmp(argv[i], "--chain") == 0 && i + 1 < argc)
			so.chain_path = argv[++i];
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (strcmp(argv[i], "--no-stamp") == 0)
			o.no_stamp = 1;
		else {
			fprintf(stderr, "usage: sign_bench --key KEY.pem --cert CERT.pem [--chain F] [--seconds S] "
			                "[--no-stamp] DOC...\n");
			return 2;
		}
	}
	if (key == NULL || so.cert_path == NULL || i == argc || seconds <= 0) {
		fprintf(stderr, "sign_bench: --key, --cert and at least one document are required\n");
		return 2;
	}
	if (tamga_signer_load(&signer, &so) < 0) {
		fprintf(stderr, "sign_bench: %s\n", tamga_error_last()->message);
		return 1;
	}
	if ((f = fopen(key, "r")) == NULL || (raw.key = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL) {
		fprintf(stderr, "sign_bench: %s: an unencrypted PEM key is needed for the raw rate\n", key);
		return 1;
	}
	fclose(f);
	o.signer = signer;
	o.now = 1767225600; /* fixed: 2026-01-01, so every round does the same work */
	o.code = NULL;

	raw_rate = rate("sign_bench", raw_sign, &raw, seconds / ROUNDS);
	base_kib = child_peak_kib(NULL, NULL);
	printf("key %s: OpenSSL raw sign rate %.1f/s (median of %d)\n", key, raw_rate, ROUNDS);
	printf("%-24s %10s %9s %9s %7s %10s %10s\n", "document", "bytes", "docs/s", "ms/doc", "ratio", "peak+KiB",
	       "extraKiB");
	for (; i < argc; i++) {
		struct doc d = { TAMGA_BUF_INIT, &o };
		double r;
		long peak;

		if (tamga__file_read(&d.in, argv[i], (size_t)1 << 30) < 0) {
			fprintf(stderr, "sign_bench: %s\n", tamga_error_last()->message);
			return 1;
		}
		r = rate("sign_bench", doc_sign, &d, seconds / ROUNDS);
		peak = child_peak_kib(doc_sign, &d);
		/* peak+: the signing child's peak over an idle child's; extra: that
		 * minus the input itself (which the child holds): the working set. */
		peak = peak < 0 || base_kib < 0 ? -1 : peak - base_kib;
		printf("%-24s %10zu %9.1f %9.2f %7.3f %10ld %10ld\n",
		       strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i], d.in.size, r, 1000.0 / r, r / raw_rate,
		       peak, peak < 0 ? -1 : peak - (long)(d.in.size / 1024));
		tamga_buf_dispose(&d.in);
	}
	EVP_PKEY_free(raw.key);
	tamga_signer_free(signer);
	return 0;
}
