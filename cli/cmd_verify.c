/*
 * cli/cmd_verify.c - tamga verify: one report per document, text or JSON,
 * and an exit status a script can act on (DESIGN.md §4).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void verify_help(FILE *out)
{
	fputs("Usage: tamga verify [--trust PEM]... [--crl FILE]... [OPTIONS] FILE...\n"
	      "\n"
	      "Verify every signature of each signed document (PDF, DOCX, XLSX, PPTX, ODT,\n"
	      "ODS): the signature container, the integrity of the signed bytes (for office\n"
	      "files: every part of the package), the signer's certificate path\n"
	      "to a trusted root and its revocation at the right time, and every change\n"
	      "made to the document after it was signed.  A signature is TOTAL-PASSED only\n"
	      "when what a reader sees is exactly what was signed.\n"
	      "\n"
	      "Trust:\n"
	      "  --trust FILE           trusted root certificates (PEM or DER); repeatable\n"
	      "  --ca-dir DIR           trust a tamga CA directory (root, CA certs, CRLs)\n"
	      "  --intermediate FILE    more CA certificates for building paths (untrusted)\n"
	      "  --crl FILE             CRLs to check revocation with; repeatable\n"
	      "  --offline              never fetch CRLs or OCSP responses from the network\n"
	      "                         (default: fetch from the URLs in the certificates)\n"
	      "  --at TIME              validate at this RFC 3339 time instead of now\n"
	      "  --server URL           also ask this tamga verification server for the\n"
	      "                         registry status of the document code the document\n"
	      "                         carries: revoked or superseded fails the document\n"
	      "\n"
	      "Output:\n"
	      "  --format text|json     text for people (default) or the JSON report; several\n"
	      "                         files give a JSON array of reports\n"
	      "  -q, --quiet            no output: only the exit status\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "Exit status: 0 every signature TOTAL-PASSED; 1 some signature TOTAL-FAILED,\n"
	      "or a document without signatures or that cannot be read as a document;\n"
	      "2 otherwise INDETERMINATE (e.g. an untrusted root, no revocation data);\n"
	      "3 usage or I/O error.  With several files, the worst status wins.\n",
	      out);
}

static int exit_of(tamga_verdict v)
{
	switch (v) {
	case TAMGA_VERDICT_TOTAL_PASSED: return EXIT_VALID;
	case TAMGA_VERDICT_TOTAL_FAILED:
	case TAMGA_VERDICT_NO_SIGNATURE: return EXIT_INVALID;
	case TAMGA_VERDICT_INDETERMINATE: return EXIT_INDETERMINATE;
	}
	return EXIT_INDETERMINATE;
}

/* Worse exit codes are larger, except that I/O errors (3) are worst. */
static int worst(int a, int b)
{
	if (a == EXIT_ERROR || b == EXIT_ERROR)
		return EXIT_ERROR;
	if (a == EXIT_INVALID || b == EXIT_INVALID)
		return EXIT_INVALID;
	return a > b ? a : b;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "trust", required_argument, NULL, 't' },
		{ "ca-dir", required_argument, NULL, 'D' },
		{ "intermediate", required_argument, NULL, 'i' },
		{ "crl", required_argument, NULL, 'c' },
		{ "offline", no_argument, NULL, 'o' },
		{ "at", required_argument, NULL, 'a' },
		{ "server", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "verify";
	tamga_verify_options o = TAMGA_VERIFY_OPTIONS_INIT;
	tamga_trust *trust = NULL;
	tamga_verifier *v = NULL;
	tamga_buf out = TAMGA_BUF_INIT;
	int json = 0, quiet = 0, rc = EXIT_VALID, c, i, nfiles, anchors = 0, printed = 0;

	if (tamga_trust_new(&trust) < 0)
		return cli_lib_error(cmd);
	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
		int e = 0;

		switch (c) {
		case 't': e = tamga_trust_add_anchors_file(trust, optarg); anchors++; break;
		case 'D': e = tamga_trust_add_ca_dir(trust, optarg); anchors++; break;
		case 'i': e = tamga_trust_add_intermediates_file(trust, optarg); break;
		case 'c': e = tamga_trust_add_crls_file(trust, optarg); break;
		case 'o': o.offline = 1; break;
		case 's': o.registry_url = optarg; break;
		case 'a':
			if (tamga_time_parse(&o.at, optarg) < 0) {
				rc = cli_usage_error(cmd, "--at: %s", tamga_error_last()->message);
				goto done;
			}
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0) {
				json = 1;
			} else if (strcmp(optarg, "text") != 0) {
				rc = cli_usage_error(cmd, "--format is text or json");
				goto done;
			}
			break;
		case 'q': quiet = 1; break;
		case 'h':
			verify_help(stdout);
			goto done;
		default:
			rc = cli_usage_error(cmd, "bad option");
			goto done;
		}
		if (e < 0) {
			rc = cli_lib_error(cmd);
			goto done;
		}
	}
	nfiles = argc - optind;
	if (nfiles < 1) {
		rc = cli_usage_error(cmd, "give the documents to verify");
		goto done;
	}
	if (anchors == 0) {
		rc = cli_usage_error(cmd, "give the trusted roots with --trust FILE (or --ca-dir DIR): "
		                          "tamga trusts nothing by default");
		goto done;
	}
	o.trust = trust;
	if (tamga_verifier_new(&v, &o) < 0) {
		rc = cli_lib_error(cmd);
		goto done;
	}
	if (json && nfiles > 1 && !quiet)
		fputs("[\n", stdout);
	for (i = optind; i < argc; i++) {
		tamga_report *r = NULL;

		if (tamga_verifier_verify_file(v, &r, argv[i]) < 0) {
			cli_fail(cmd, 1, "%s", argv[i]);
			rc = worst(rc, EXIT_ERROR);
			continue;
		}
		rc = worst(rc, exit_of(tamga_report_verdict(r)));
		out.size = 0;
		if ((json ? tamga_report_json(r, &out) : tamga_report_text(r, &out)) < 0) {
			tamga_report_free(r);
			rc = cli_lib_error(cmd);
			goto done;
		}
		tamga_report_free(r);
		if (quiet)
			continue;
		if (json && nfiles > 1 && printed++ > 0)
			fputs(",\n", stdout);
		fwrite(out.ptr, 1, out.size, stdout);
		if (!json || nfiles == 1)
			fputs(json ? "\n" : "", stdout);
	}
	if (json && nfiles > 1 && !quiet)
		fputs("\n]\n", stdout);
	if (fflush(stdout) != 0)
		rc = cli_fail(cmd, 0, "cannot write the report");
done:
	tamga_buf_dispose(&out);
	tamga_verifier_free(v);
	tamga_trust_free(trust);
	return rc;
}
