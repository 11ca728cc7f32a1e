/*
 * cli/cmd_pki_validate.c - tamga pki validate: certificate path validation.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_POLICIES 64
#define MAX_OCSP 16
#define MAX_OCSP_SIZE (64L * 1024L)

static void validate_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga pki validate (--trust TA | --ca-dir DIR) [OPTIONS] CERT\n"
	        "\n"
	        "Build a path from CERT to a trust anchor and validate it (RFC 5280) at a\n"
	        "given time, with revocation checking of every certificate in the path.\n"
	        "Exit status: 0 the path is valid, 1 it is not (the reason is printed),\n"
	        "3 usage or I/O error.\n"
	        "\n"
	        "Options:\n"
	        "  --trust FILE           trust anchors (PEM bundle or DER); repeatable\n"
	        "  --untrusted FILE       intermediate certificates; repeatable\n"
	        "  --crl FILE             CRLs (PEM bundle or DER); repeatable\n"
	        "  --ca-dir DIR           trust what a tamga CA directory publishes: its root,\n"
	        "                         its CA certificates and current CRLs\n"
	        "  --at TIME              validation time, RFC 3339 (default: now)\n"
	        "  --purpose P            document-signing (default), timestamping,\n"
	        "                         ocsp-signing, or any (RFC 5280 rules only)\n"
	        "  --policy OID           initial policy set; repeatable (default any-policy)\n"
	        "  --explicit-policy      initial-explicit-policy\n"
	        "  --inhibit-mapping      initial-policy-mapping-inhibit\n"
	        "  --inhibit-any          initial-any-policy-inhibit\n"
	        "  --no-revocation        do not check revocation (the result says so)\n"
	        "  --ocsp-response FILE   a DER OCSP response to use like a CRL; repeatable\n"
	        "  --online               fetch CRLs (distribution points) and OCSP responses\n"
	        "                         (AIA) from the http:// URLs in the certificates\n"
	        "                         when no usable revocation data is at hand\n"
	        "  --poe                  --at is a proof of existence: later CRLs and OCSP\n"
	        "                         responses count, a later revocation is a warning\n"
	        "  -q, --quiet            print nothing; use the exit status\n"
	        "  -h, --help             show this help\n");
}

static void print_result(const tamga_validation *v, const tamga_cert *cert, tamga_time at, tamga_purpose purpose)
{
	char when[TAMGA_TIME_BUFSIZE];
	size_t i, n = tamga_validation_chain_length(v);

	if (tamga_validation_status(v) == TAMGA_PATH_VALID)
		printf("VALID: '%s' for %s at %s\n", tamga_cert_subject(cert), tamga_purpose_name(purpose),
		       tamga_time_format(when, at));
	else
		printf("%s (%s): %s\n", tamga_path_status_name(tamga_validation_status(v)),
		       tamga_path_reason_name(tamga_validation_reason(v)), tamga_validation_message(v));
	for (i = 0; i < n; i++) {
		const tamga_cert *c = tamga_validation_chain_cert(v, i);

		printf("  %zu: %s%s\n", i, tamga_cert_subject(c), i + 1 == n && n > 1 ? "  (trust anchor)" : "");
	}
	if (strcmp(tamga_validation_revocation_status(v), "unknown") != 0) {
		printf("  revocation: %s (%s)", tamga_validation_revocation_status(v),
		       tamga_validation_revocation_source(v));
		if (tamga_validation_revocation_time(v) != 0)
			printf(" at %s", tamga_time_format(when, tamga_validation_revocation_time(v)));
		printf("\n");
	}
	for (i = 0; i < tamga_validation_warning_count(v); i++)
		printf("  warning: %s\n", tamga_validation_warning(v, i));
}

/* Read a DER OCSP response file (at most 64 KiB). */
static int read_ocsp(const char *cmd, const char *path, unsigned char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "tamga %s: %s: cannot open\n", cmd, path);
		return EXIT_ERROR;
	}
	if ((buf = malloc(MAX_OCSP_SIZE + 1)) == NULL) {
		fclose(f);
		fprintf(stderr, "tamga %s: out of memory\n", cmd);
		return EXIT_ERROR;
	}
	n = fread(buf, 1, MAX_OCSP_SIZE + 1, f);
	if (ferror(f) || n > MAX_OCSP_SIZE) {
		fclose(f);
		free(buf);
		fprintf(stderr, "tamga %s: %s: %s\n", cmd, path, n > MAX_OCSP_SIZE ? "larger than 64 KiB" : "cannot read");
		return EXIT_ERROR;
	}
	fclose(f);
	*out = buf;
	*len = n;
	return 0;
}

int cmd_pki_validate(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "untrusted", required_argument, NULL, 'u' },
		{ "crl", required_argument, NULL, 'c' },
		{ "ca-dir", required_argument, NULL, 'd' },
		{ "at", required_argument, NULL, 'a' },
		{ "purpose", required_argument, NULL, 'p' },
		{ "policy", required_argument, NULL, 'P' },
		{ "explicit-policy", no_argument, NULL, 'E' },
		{ "inhibit-mapping", no_argument, NULL, 'M' },
		{ "inhibit-any", no_argument, NULL, 'A' },
		{ "no-revocation", no_argument, NULL, 'N' },
		{ "ocsp-response", required_argument, NULL, 'O' },
		{ "online", no_argument, NULL, 'L' },
		{ "poe", no_argument, NULL, 'T' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "pki validate";
	tamga_validate_options o = TAMGA_VALIDATE_OPTIONS_INIT;
	const char *policies[MAX_POLICIES];
	tamga_trust *trust = NULL;
	tamga_cert *cert = NULL;
	tamga_validation *v = NULL;
	unsigned char *ocsps[MAX_OCSP];
	size_t ocsp_lens[MAX_OCSP], ocsp_count = 0, i;
	unsigned int flags = 0;
	int c, rc = 0, quiet = 0;

	if (tamga_trust_new(&trust) < 0)
		return cli_lib_error(cmd);
	optind = 0;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		int error = 0;

		switch (c) {
		case 't': error = tamga_trust_add_anchors_file(trust, optarg); break;
		case 'u': error = tamga_trust_add_intermediates_file(trust, optarg); break;
		case 'c': error = tamga_trust_add_crls_file(trust, optarg); break;
		case 'd': error = tamga_trust_add_ca_dir(trust, optarg); break;
		case 'a':
			if (tamga_time_parse(&o.at, optarg) < 0) {
				rc = cli_usage_error(cmd, "--at: %s", tamga_error_last()->message);
				goto done;
			}
			break;
		case 'p':
			if (tamga_purpose_parse(&o.purpose, optarg) < 0) {
				rc = cli_usage_error(cmd, "%s", tamga_error_last()->message);
				goto done;
			}
			break;
		case 'P':
			if (o.policies_count == MAX_POLICIES) {
				rc = cli_usage_error(cmd, "more than %d policies", MAX_POLICIES);
				goto done;
			}
			policies[o.policies_count++] = optarg;
			break;
		case 'E': o.explicit_policy = 1; break;
		case 'M': o.inhibit_policy_mapping = 1; break;
		case 'A': o.inhibit_any_policy = 1; break;
		case 'N': o.revocation = TAMGA_REVOCATION_NONE; break;
		case 'O':
			if (ocsp_count == MAX_OCSP) {
				rc = cli_usage_error(cmd, "more than %d OCSP responses", MAX_OCSP);
				goto done;
			}
			if ((rc = read_ocsp(cmd, optarg, &ocsps[ocsp_count], &ocsp_lens[ocsp_count])) != 0)
				goto done;
			ocsp_count++;
			break;
		case 'L': flags |= TAMGA_VALIDATE_ONLINE; break;
		case 'T': flags |= TAMGA_VALIDATE_POE; break;
		case 'q': quiet = 1; break;
		case 'h': validate_help(stdout); goto done;
		default: rc = cli_usage_error(cmd, "bad option"); goto done;
		}
		if (error < 0) {
			rc = cli_lib_error(cmd);
			goto done;
		}
	}
	o.policies = policies;
	if (optind != argc - 1) {
		rc = cli_usage_error(cmd, "give exactly one certificate to validate");
		goto done;
	}
	if (tamga_trust_anchor_count(trust) == 0) {
		rc = cli_usage_error(cmd, "no trust anchor: give --trust FILE or --ca-dir DIR");
		goto done;
	}
	if (o.at == 0)
		o.at = tamga_time_now();
	if (tamga_cert_load_file(&cert, argv[optind]) < 0 || tamga_trust_validate_with(&v, trust, cert, &o, (const unsigned char *const *)ocsps, ocsp_lens, ocsp_count,
	                                                                   flags) < 0) {
		rc = cli_lib_error(cmd);
		goto done;
	}
	if (!quiet)
		print_result(v, cert, o.at, o.purpose);
	rc = tamga_validation_status(v) == TAMGA_PATH_VALID ? EXIT_VALID : EXIT_INVALID;
done:
	for (i = 0; i < ocsp_count; i++)
		free(ocsps[i]);
	tamga_validation_free(v);
	tamga_cert_free(cert);
	tamga_trust_free(trust);
	return rc;
}
