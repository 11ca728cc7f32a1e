/*
 * tests/tools/cades_sign.c - sign a file's hash with a detached CAdES
 * signature (formats/cms/cades.c), for the shell tests, which check the
 * result with OpenSSL's command-line tools.
 *
 * Usage: cades_sign (--key K --cert C | --p12 F) [--chain F] [--pass-file F]
 *                   [--digest sha256|sha384|sha512] [--pss] [--tsa URL]
 *                   [--tsa-timeout SECONDS] [--tsa-policy OID]
 *                   [--info] [--max-size] --content FILE --out SIG.der
 *
 *   --info       print the signer: key description, plain/encrypted key, chain length
 *   --max-size   print "max_size N" (tamga__cades_max_size) before signing
 *
 * Exit 0 on success; 1 with "cades_sign: TAMGA_E...: message" on stderr when
 * the library fails (nothing is written then); 2 on a usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <tamga/signer.h>

#include "common/buf.h"
#include "common/fileio.h"
#include "formats/cms/cms.h"

#define CONTENT_MAX ((size_t)256 << 20)

static int lib_fail(void)
{
	const tamga_error *e = tamga_error_last();

	fprintf(stderr, "cades_sign: %s: %s\n", tamga_error_name(e->code), e->message);
	return 1;
}

static int usage(const char *why)
{
	fprintf(stderr, "cades_sign: %s\nUsage: cades_sign (--key K --cert C | --p12 F) [--chain F] "
	        "[--pass-file F] [--digest NAME] [--pss] [--tsa URL] [--tsa-timeout S] [--tsa-policy OID] "
	        "[--info] [--max-size] --content FILE --out SIG.der\n", why);
	return 2;
}

/* The first line of a file, without its end of line. */
static int read_pass(tamga_buf *out, const char *path)
{
	tamga_buf all = TAMGA_BUF_INIT;
	size_t n;
	int error;

	if ((error = tamga__file_read(&all, path, 4096)) < 0)
		return error;
	n = strcspn((const char *)all.ptr, "\r\n");
	error = tamga__buf_append(out, all.ptr, n);
	tamga_buf_dispose(&all);
	return error;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "chain", required_argument, NULL, 'C' },
		{ "p12", required_argument, NULL, 'P' },
		{ "pass-file", required_argument, NULL, 'p' },
		{ "digest", required_argument, NULL, 'd' },
		{ "pss", no_argument, NULL, 's' },
		{ "tsa", required_argument, NULL, 't' },
		{ "tsa-timeout", required_argument, NULL, 'T' },
		{ "tsa-policy", required_argument, NULL, 'y' },
		{ "info", no_argument, NULL, 'i' },
		{ "max-size", no_argument, NULL, 'm' },
		{ "content", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	tamga_signer_options so = TAMGA_SIGNER_OPTIONS_INIT;
	struct tamga__cades_options co;
	tamga_signer *signer = NULL;
	tamga_buf pass = TAMGA_BUF_INIT, content = TAMGA_BUF_INIT, sig = TAMGA_BUF_INIT;
	const char *pass_file = NULL, *content_path = NULL, *out = NULL;
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;
	const EVP_MD *md;
	int c, rc = 1, info = 0, max_size = 0;
	size_t i;

	memset(&co, 0, sizeof(co));
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': so.key_path = optarg; break;
		case 'c': so.cert_path = optarg; break;
		case 'C': so.chain_path = optarg; break;
		case 'P': so.p12_path = optarg; break;
		case 'p': pass_file = optarg; break;
		case 'd': co.digest = optarg; break;
		case 's': co.rsa_pss = 1; break;
		case 't': co.tsa_url = optarg; break;
		case 'T': co.tsa_timeout_seconds = strtol(optarg, NULL, 10); break;
		case 'y': co.tsa_policy = optarg; break;
		case 'i': info = 1; break;
		case 'm': max_size = 1; break;
		case 'f': content_path = optarg; break;
		case 'o': out = optarg; break;
		default: return usage("bad option");
		}
	}
	if (optind != argc)
		return usage("unexpected argument");
	if (content_path == NULL || out == NULL)
		return usage("--content and --out are required");

	if (pass_file != NULL) {
		if (read_pass(&pass, pass_file) < 0)
			goto fail;
		so.passphrase = (const char *)pass.ptr;
		so.passphrase_len = pass.size;
	}
	if (tamga_signer_load(&signer, &so) < 0)
		goto fail;
	if (info) {
		printf("key %s\n", tamga_signer_key_description(signer));
		printf("plain %d\n", tamga_signer_key_was_plain(signer));
		printf("subject %s\n", tamga_cert_subject(tamga_signer_cert(signer)));
		printf("chain %zu\n", tamga_signer_chain_length(signer));
		for (i = 0; i < tamga_signer_chain_length(signer); i++)
			printf("chain[%zu] %s\n", i, tamga_cert_subject(tamga_signer_chain_cert(signer, i)));
	}
	co.signer = signer;
	if (max_size)
		printf("max_size %zu\n", tamga__cades_max_size(&co));
	if (tamga__cades_digest_md(&md, co.digest) < 0 ||
	    tamga__file_read(&content, content_path, CONTENT_MAX) < 0)
		goto fail;
	if (!EVP_Digest(content.ptr, content.size, digest, &digest_len, md, NULL)) {
		fprintf(stderr, "cades_sign: cannot hash %s\n", content_path);
		goto done;
	}
	if (tamga__cades_sign(&sig, &co, digest, digest_len) < 0 ||
	    tamga__file_write(out, sig.ptr, sig.size, 0644, 1) < 0)
		goto fail;
	rc = 0;
	goto done;
fail:
	rc = lib_fail();
done:
	tamga_signer_free(signer);
	tamga_buf_dispose(&sig);
	tamga_buf_dispose(&content);
	tamga_buf_dispose(&pass);
	return rc;
}
