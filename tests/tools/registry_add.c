/*
 * tests/tools/registry_add.c - sign a document as an agency and register
 * it, the way tamgad's sign role does, for tests/cli/registry.sh (there is
 * no tamga command that registers documents: issuing is the server's job).
 *
 * Usage: registry_add --data DIR --token TOKEN --in FILE --out SIGNED
 *                     [--pass-file F] [--title T] [--type T] [--subject REF]
 *                     [--code CODE]
 *
 * The token picks the agency (tamga_registry_token_check), whose stored key
 * paths load the signer; the passphrase comes from --pass-file or
 * $TAMGA_PASS.  Prints "code CODE", "sha256 HEX" and "agency NAME".  Exit
 * 0, or 1 with "registry_add: TAMGA_E...: message" on stderr, 2 on a usage
 * error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include <tamga/tamga.h>

#include "common/buf.h"
#include "common/fileio.h"

#define INPUT_MAX ((size_t)64 << 20)

static int lib_fail(void)
{
	const tamga_error *e = tamga_error_last();

	fprintf(stderr, "registry_add: %s: %s\n", tamga_error_name(e->code), e->message);
	return 1;
}

static int usage(const char *why)
{
	fprintf(stderr, "registry_add: %s\nUsage: registry_add --data DIR --token TOKEN --in FILE --out SIGNED "
	                "[--pass-file F] [--title T] [--type T] [--subject REF] [--code CODE]\n", why);
	return 2;
}

/* First line of a file, or $TAMGA_PASS; NULL when neither. */
static char *read_pass(const char *file)
{
	char line[1024];
	FILE *f;

	if (file == NULL)
		return getenv("TAMGA_PASS") ? strdup(getenv("TAMGA_PASS")) : NULL;
	if ((f = fopen(file, "r")) == NULL || fgets(line, sizeof(line), f) == NULL) {
		if (f)
			fclose(f);
		return NULL;
	}
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	return strdup(line);
}

static void set(char *dst, size_t size, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n >= size)
		n = size - 1;
	memcpy(dst, s ? s : "", n);
	dst[n] = '\0';
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "token", required_argument, NULL, 't' },
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "pass-file", required_argument, NULL, 'p' },
		{ "title", required_argument, NULL, 'T' },
		{ "type", required_argument, NULL, 'y' },
		{ "subject", required_argument, NULL, 's' },
		{ "code", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	const char *dir = NULL, *token = NULL, *in = NULL, *out = NULL, *pass_file = NULL;
	const char *title = NULL, *type = NULL, *subject = NULL, *code = NULL;
	tamga_signer_options so = TAMGA_SIGNER_OPTIONS_INIT;
	tamga_sign_options o = TAMGA_SIGN_OPTIONS_INIT;
	tamga_buf input = TAMGA_BUF_INIT, signed_doc = TAMGA_BUF_INIT;
	tamga_sign_result res;
	tamga_registry *reg = NULL;
	tamga_signer *signer = NULL;
	tamga_agency agency;
	tamga_document *doc = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char *pass = NULL;
	int c, rc = 1;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 't': token = optarg; break;
		case 'i': in = optarg; break;
		case 'o': out = optarg; break;
		case 'p': pass_file = optarg; break;
		case 'T': title = optarg; break;
		case 'y': type = optarg; break;
		case 's': subject = optarg; break;
		case 'c': code = optarg; break;
		default: return usage("bad option");
		}
	}
	if (dir == NULL || token == NULL || in == NULL || out == NULL || optind < argc)
		return usage("--data, --token, --in and --out are required");
	if ((doc = calloc(1, sizeof(*doc))) == NULL)
		return usage("out of memory");
	if (tamga_registry_open(&reg, dir, 0) < 0 || tamga_registry_token_check(reg, token, &agency) < 0)
		goto fail;
	pass = read_pass(pass_file);
	if (agency.cert_path[0]) {
		so.key_path = agency.key_path;
		so.cert_path = agency.cert_path;
	} else {
		so.p12_path = agency.key_path;
	}
	so.chain_path = agency.chain_path[0] ? agency.chain_path : NULL;
	so.passphrase = pass;
	so.passphrase_len = pass ? strlen(pass) : 0;
	if (tamga_signer_load(&signer, &so) < 0 || tamga__file_read(&input, in, INPUT_MAX) < 0)
		goto fail;
	o.signer = signer;
	o.code = code;
	if (tamga_sign_buffer(&signed_doc, input.ptr, input.size, &o, &res) < 0)
		goto fail;
	set(doc->code, sizeof(doc->code), res.code);
	doc->agency_id = agency.id;
	set(doc->doc_type, sizeof(doc->doc_type), type ? type : "reference");
	set(doc->title, sizeof(doc->title), title);
	if (subject && tamga_registry_subject_hash(reg, subject, doc->subject_hash) < 0)
		goto fail;
	set(doc->format, sizeof(doc->format), res.format);
	set(doc->sha256, sizeof(doc->sha256), res.sha256);
	EVP_Digest(input.ptr, input.size, md, &mdlen, EVP_sha256(), NULL);
	tamga__hex(doc->original_sha256, md, 32);
	doc->size = signed_doc.size;
	set(doc->signer_subject, sizeof(doc->signer_subject), tamga_cert_subject(tamga_signer_cert(signer)));
	set(doc->signer_sha256, sizeof(doc->signer_sha256), tamga_cert_sha256(tamga_signer_cert(signer)));
	/* Registered first: a signed file exists only for a committed row. */
	if (tamga_registry_register(reg, doc, signed_doc.ptr, signed_doc.size) < 0 ||
	    tamga__file_write(out, signed_doc.ptr, signed_doc.size, 0644, 1) < 0)
		goto fail;
	printf("code %s\nsha256 %s\nagency %s\n", doc->code, doc->sha256, agency.name);
	rc = 0;
	goto done;
fail:
	rc = lib_fail();
done:
	free(pass);
	free(doc);
	tamga_buf_dispose(&input);
	tamga_buf_dispose(&signed_doc);
	tamga_signer_free(signer);
	tamga_registry_close(reg);
	return rc;
}
