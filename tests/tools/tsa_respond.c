/*
 * tests/tools/tsa_respond.c - answer one RFC 3161 request file with
 * libtamga's TSA (tamga/tsa.h, the public API only), for tests/cli/tsa.sh.
 *
 * Usage: tsa_respond --key K --cert C [--chain F] --serial-file S
 *                    [--policy OID] [--accuracy N] [--pass-file F] REQ RESP
 *
 * The key's passphrase comes from --pass-file (first line) when given.
 * Writes the TimeStampResp to RESP in every case tamga_tsa_respond yields
 * one.  Exit 0 when it returned 0 (granted or the request rejected), 1 with
 * "tsa_respond: TAMGA_E...: message" on stderr otherwise, 2 on a usage
 * error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/tsa.h>

static int lib_fail(void)
{
	const tamga_error *e = tamga_error_last();

	fprintf(stderr, "tsa_respond: %s: %s\n", tamga_error_name(e->code), e->message);
	return 1;
}

static int usage(const char *why)
{
	fprintf(stderr, "tsa_respond: %s\nUsage: tsa_respond --key K --cert C [--chain F] --serial-file S "
	        "[--policy OID] [--accuracy N] [--pass-file F] REQ RESP\n", why);
	return 2;
}

/* Read at most max bytes of path into a malloc'd buffer. */
static unsigned char *slurp(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data;

	if (f == NULL || (data = malloc(max + 1)) == NULL) {
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	*len = fread(data, 1, max + 1, f);
	fclose(f);
	return data;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "chain", required_argument, NULL, 'C' },
		{ "serial-file", required_argument, NULL, 's' },
		{ "policy", required_argument, NULL, 'p' },
		{ "accuracy", required_argument, NULL, 'a' },
		{ "pass-file", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	tamga_tsa_options o = TAMGA_TSA_OPTIONS_INIT;
	tamga_tsa *tsa = NULL;
	tamga_buf resp = TAMGA_BUF_INIT;
	unsigned char *req = NULL, *pass = NULL;
	size_t req_len = 0, pass_len = 0;
	const char *pass_file = NULL;
	FILE *f;
	int c, rc = 1, error;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': o.key_path = optarg; break;
		case 'c': o.cert_path = optarg; break;
		case 'C': o.chain_path = optarg; break;
		case 's': o.serial_file = optarg; break;
		case 'p': o.policy = optarg; break;
		case 'a': o.accuracy_seconds = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'P': pass_file = optarg; break;
		default: return usage("unknown option");
		}
	}
	if (argc - optind != 2)
		return usage("REQ and RESP are required");
	if (pass_file != NULL) {
		if ((pass = slurp(pass_file, 4096, &pass_len)) == NULL) {
			fprintf(stderr, "tsa_respond: cannot read %s\n", pass_file);
			return 1;
		}
		while (pass_len > 0 && (pass[pass_len - 1] == '\n' || pass[pass_len - 1] == '\r'))
			pass_len--;
		o.passphrase = (const char *)pass;
		o.passphrase_len = pass_len;
	}
	/* Read a little more than the TSA accepts, so that it sees an oversized request. */
	if ((req = slurp(argv[optind], 2 * TAMGA_TSA_MAX_REQUEST, &req_len)) == NULL) {
		fprintf(stderr, "tsa_respond: cannot read %s\n", argv[optind]);
		goto done;
	}
	if (tamga_tsa_open(&tsa, &o) != 0) {
		rc = lib_fail();
		goto done;
	}
	error = tamga_tsa_respond(tsa, req, req_len, &resp);
	if (error != 0)
		rc = lib_fail();
	if (resp.size > 0) {
		if ((f = fopen(argv[optind + 1], "wb")) == NULL || fwrite(resp.ptr, 1, resp.size, f) != resp.size ||
		    fclose(f) != 0) {
			fprintf(stderr, "tsa_respond: cannot write %s\n", argv[optind + 1]);
			rc = 1;
			goto done;
		}
	}
	if (error == 0)
		rc = 0;
done:
	if (pass != NULL) {
		memset(pass, 0, pass_len);
		free(pass);
	}
	free(req);
	tamga_buf_dispose(&resp);
	tamga_tsa_free(tsa);
	return rc;
}
