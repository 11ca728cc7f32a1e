/*
 * cli/cmd_extend.c - tamga extend: raise the signatures already in a PDF to
 * PAdES B-LT or B-LTA (validation data in the /DSS, a document time-stamp),
 * and re-time-stamp archives; those of an office document (OOXML, ODF) to
 * XAdES B-LT.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define MAX_CRLS 16

static void extend_help(FILE *out)
{
	fputs("Usage: tamga extend --level B-LT|B-LTA [--tsa URL] [OPTIONS] -o OUT IN\n"
	      "\n"
	      "Add to the signed PDF IN, as incremental updates, the validation data of every\n"
	      "signature and document time-stamp in it that has none yet (certificates, OCSP\n"
	      "responses and CRLs in the document security store, a /VRI entry each), whoever\n"
	      "made them; at B-LTA then a document time-stamp over the whole file.  IN stays\n"
	      "an exact prefix of OUT.  Extending a B-LTA document at B-LTA again adds the\n"
	      "data of its last document time-stamp and a new one: do it before that\n"
	      "time-stamp's TSA certificate expires.\n"
	      "\n"
	      "An office document IN (DOCX, XLSX, PPTX, ODT, ODS) is raised to XAdES B-LT\n"
	      "only: each XML signature without them gets a signature time-stamp (from --tsa,\n"
	      "required then) and CertificateValues + RevocationValues, in its unsigned\n"
	      "properties; only the signature part changes, every other ZIP entry is copied\n"
	      "byte for byte.  Signatures with RevocationValues already are left as they are.\n"
	      "\n"
	      "Nothing is written when any signature is malformed, fails its integrity check\n"
	      "or was followed by changes it does not allow, or when its signer's certificate\n"
	      "was revoked before its signature time-stamp (or at all, when it has none).\n"
	      "\n"
	      "Options:\n"
	      "  --level B-LT|B-LTA     the level to reach (required)\n"
	      "  --tsa URL              the time-stamp authority (http:// or https://): PDF\n"
	      "                         B-LTA, the document time-stamp; office B-LT, the\n"
	      "                         signature time-stamp of a signature without one\n"
	      "  --revocation auto|crl|ocsp|both\n"
	      "                         revocation data to embed for each certificate of the\n"
	      "                         signers' and the TSAs' paths: auto (default) an OCSP\n"
	      "                         response where the certificate names a responder\n"
	      "                         that answers, else CRLs; ocsp: OCSP where named\n"
	      "                         (a failing responder is an error), CRLs elsewhere;\n"
	      "                         both: OCSP where named and CRLs for all; crl: CRLs\n"
	      "  --crl FILE             a CRL to embed instead of fetching CRLs\n"
	      "                         (repeatable, up to 16)\n"
	      "  --allow-revoked        extend even a signature whose signer was revoked\n"
	      "                         before its time-stamp (embeds the evidence of it)\n"
	      "  -o, --out FILE         the extended document (never IN itself)\n"
	      "  --force                replace OUT if it exists\n"
	      "  -q, --quiet            print nothing on success\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "Only the http:// URLs written in the certificates are contacted (AIA OCSP,\n"
	      "CRL distribution points, caIssuers for a missing issuer), besides --tsa.\n"
	      "Exit status: 0 extended; 1 refused because a signature is not valid (broken,\n"
	      "or revoked before its time); 3 any other error.  Nothing is written unless 0.\n",
	      out);
}

int cmd_extend(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "level", required_argument, NULL, 'l' },
		{ "tsa", required_argument, NULL, 't' },
		{ "revocation", required_argument, NULL, 'r' },
		{ "crl", required_argument, NULL, 'V' },
		{ "allow-revoked", no_argument, NULL, 'R' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'x' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "extend";
	tamga_extend_options o = TAMGA_EXTEND_OPTIONS_INIT;
	tamga_extend_result res;
	const char *out = NULL, *level = NULL, *crls[MAX_CRLS];
	char when[TAMGA_TIME_BUFSIZE];
	int c, quiet = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': level = optarg; break;
		case 't': o.tsa_url = optarg; break;
		case 'r':
			if (tamga_revdata_parse(&o.revocation, optarg) < 0)
				return cli_usage_error(cmd, "%s", tamga_error_last()->message);
			break;
		case 'V':
			if (o.crl_file_count == MAX_CRLS)
				return cli_usage_error(cmd, "at most %d --crl files", MAX_CRLS);
			crls[o.crl_file_count++] = optarg;
			break;
		case 'R': o.allow_revoked = 1; break;
		case 'o': out = optarg; break;
		case 'x': o.overwrite = 1; break;
		case 'q': quiet = 1; break;
		case 'h': extend_help(stdout); return 0;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	o.crl_files = crls;
	if (optind != argc - 1)
		return cli_usage_error(cmd, "give exactly one input document");
	if (out == NULL)
		return cli_usage_error(cmd, "-o OUT is required");
	if (level == NULL)
		return cli_usage_error(cmd, "--level B-LT or --level B-LTA is required");
	if (tamga_level_parse(&o.level, level) < 0)
		return cli_usage_error(cmd, "%s", tamga_error_last()->message);
	if (o.level != TAMGA_LEVEL_B_LT && o.level != TAMGA_LEVEL_B_LTA)
		return cli_usage_error(cmd, "signatures are extended to B-LT or B-LTA; B-B and B-T are made by "
		                       "'tamga sign'");
	if (o.level == TAMGA_LEVEL_B_LTA && o.tsa_url == NULL)
		return cli_usage_error(cmd, "B-LTA needs --tsa URL");

	if (tamga_extend_file(argv[optind], out, &o, &res) < 0) {
		int refused = tamga_error_last()->code == TAMGA_ESTATE;

		cli_lib_error(cmd);
		return refused ? EXIT_INVALID : EXIT_ERROR;
	}
	if (res.notes[0] != '\0')
		fprintf(stderr, "tamga extend: note: %s\n", res.notes);
	if (!quiet) {
		printf("extended %s -> %s\n", argv[optind], out);
		printf("  signatures  %zu (%zu given validation data now)\n", res.signatures, res.extended);
		printf("  added       %zu certificates, %zu OCSP responses, %zu CRLs\n", res.certs, res.ocsps, res.crls);
		if (res.timestamped) {
			if (res.timestamp_expires != 0) {
				tamga_time_format(when, res.timestamp_expires);
				printf("  time-stamp  added; extend again before %s\n", when);
			} else {
				printf("  time-stamp  added\n");
			}
		}
		printf("  sha256      %s\n", res.sha256);
	}
	return 0;
}
