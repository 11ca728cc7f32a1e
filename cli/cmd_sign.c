/*
 * cli/cmd_sign.c - tamga sign: stamp a document with its QR verification
 * code and caption, and sign it (PAdES for PDF, XAdES for OOXML and ODF).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define KEY_PASS_ENV "TAMGA_PASS"
#define MAX_CAPTION 4
#define MAX_CRLS 16

static void sign_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga sign (--key KEY --cert CERT [--chain CHAIN] | --p12 FILE) [OPTIONS] -o OUT IN\n"
	        "\n"
	        "Stamp IN with a QR verification code and a caption (Mongolian and English),\n"
	        "sign it with the agency's key and write OUT.  PDF: PAdES baseline B-B, B-T,\n"
	        "B-LT or B-LTA as incremental updates; IN stays an exact prefix of OUT, so earlier\n"
	        "signatures stay valid.  DOCX, XLSX, PPTX (OOXML) and ODT, ODS (ODF): an XML\n"
	        "signature with XAdES B-B or B-T, as Office and LibreOffice write them; the QR\n"
	        "code goes on the first page, sheet or slide.  A signed ODF or OOXML file can\n"
	        "only be signed again with --no-stamp (the stamp would change signed content).\n"
	        "\n"
	        "Signing key:\n"
	        "  --key FILE             private key (PEM, PKCS#8 encrypted or plain)\n"
	        "  --cert FILE            the signer's certificate\n"
	        "  --chain FILE           intermediate CA certificates to embed (PEM bundle)\n"
	        "  --p12 FILE             key, certificate and chain in one PKCS#12 file\n"
	        "  --pass-file FILE       the key's passphrase (first line; '-' = stdin);\n"
	        "                         else $" KEY_PASS_ENV "\n"
	        "\n"
	        "Signature:\n"
	        "  --level B-B|B-T|B-LT|B-LTA\n"
	        "                         B-T adds an RFC 3161 time-stamp (default: B-T when\n"
	        "                         --tsa is given, else B-B); B-LT then adds the\n"
	        "                         certificates, OCSP responses and CRLs of the signer's\n"
	        "                         and the TSA's paths in the document security store\n"
	        "                         (/DSS); B-LTA then a document time-stamp from the\n"
	        "                         same TSA\n"
	        "  --tsa URL              time-stamp authority (http:// or https://)\n"
	        "  --crl FILE             B-LT/B-LTA: a CRL to embed (repeatable); without\n"
	        "                         one, CRLs are fetched from the certificates' CRL\n"
	        "                         distribution points (http:// only)\n"
	        "  --revocation auto|crl|ocsp|both\n"
	        "                         B-LT/B-LTA: revocation data for each certificate of\n"
	        "                         the paths: auto (default) an OCSP response where the\n"
	        "                         certificate names a responder that answers, else\n"
	        "                         CRLs; ocsp: OCSP where named (a failing responder is\n"
	        "                         an error), CRLs elsewhere; both; crl: CRLs only\n"
	        "  --hash ALG             sha256 (default), sha384 or sha512\n"
	        "  --pss                  RSA keys: RSASSA-PSS instead of PKCS#1 v1.5\n"
	        "  --certify P            a certification signature with DocMDP permissions\n"
	        "                         1 (no changes), 2 (form filling, signing) or 3 (also\n"
	        "                         annotations); only for a document not yet signed\n"
	        "  --reason TEXT, --location TEXT   recorded in the signature\n"
	        "\n"
	        "Stamp:\n"
	        "  --qr-url URL           verification URL; the document code is appended as the\n"
	        "                         last path segment unless URL contains {code}\n"
	        "                         (default https://verify.tamga.invalid/v/{code})\n"
	        "  --code CODE            the document code (default: a new random one)\n"
	        "  --caption TEXT         caption line in place of the agency name (from the\n"
	        "                         certificate); repeatable, up to %d\n"
	        "  --first-page, --last-page  bottom right of the first (default) or last page\n"
	        "  --page N --rect X,Y,W,H    explicit place, in points from the lower left of\n"
	        "                         the page as displayed (rotation and crop box applied)\n"
	        "  --font FILE            TrueType font for the caption (default DejaVu Sans)\n"
	        "  --no-stamp             an invisible signature: no QR code, no caption\n"
	        "\n"
	        "Output:\n"
	        "  -o, --out FILE         the signed document (never IN itself)\n"
	        "  --force                replace OUT if it exists\n"
	        "  -q, --quiet            print nothing on success\n"
	        "  -h, --help             show this help\n"
	        "\n"
	        "On success prints the document code, the URL in the QR code and the SHA-256 of\n"
	        "OUT.  Exit status 0, or 3 on any error (nothing is written then).\n",
	        MAX_CAPTION);
}

static int parse_rect(const char *s, double r[4])
{
	char *end;
	int i;

	for (i = 0; i < 4; i++) {
		r[i] = strtod(s, &end);
		if (end == s || (i < 3 && *end != ',') || (i == 3 && *end != '\0') || r[i] < 0 || r[i] > 14400)
			return -1;
		s = end + 1;
	}
	return 0;
}

int cmd_sign(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "chain", required_argument, NULL, 'C' },
		{ "p12", required_argument, NULL, 'P' },
		{ "pass-file", required_argument, NULL, 'p' },
		{ "level", required_argument, NULL, 'l' },
		{ "tsa", required_argument, NULL, 't' },
		{ "crl", required_argument, NULL, 'V' },
		{ "revocation", required_argument, NULL, 'O' },
		{ "hash", required_argument, NULL, 'H' },
		{ "pss", no_argument, NULL, 'S' },
		{ "certify", required_argument, NULL, 'y' },
		{ "reason", required_argument, NULL, 'r' },
		{ "location", required_argument, NULL, 'L' },
		{ "qr-url", required_argument, NULL, 'u' },
		{ "code", required_argument, NULL, 'd' },
		{ "caption", required_argument, NULL, 'a' },
		{ "first-page", no_argument, NULL, 'F' },
		{ "last-page", no_argument, NULL, 'E' },
		{ "page", required_argument, NULL, 'g' },
		{ "rect", required_argument, NULL, 'R' },
		{ "font", required_argument, NULL, 'f' },
		{ "no-stamp", no_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'x' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "sign";
	tamga_sign_options o = TAMGA_SIGN_OPTIONS_INIT;
	tamga_signer_options so = TAMGA_SIGNER_OPTIONS_INIT;
	tamga_sign_result res;
	tamga_signer *signer = NULL;
	const char *pass_file = NULL, *out = NULL, *level = NULL, *captions[MAX_CAPTION], *crls[MAX_CRLS];
	char *pass = NULL;
	size_t pass_len = 0;
	int c, rc = 0, quiet = 0, have_rect = 0, have_page = 0, preset = 0, have_revocation = 0;
	long n;

	optind = 0;
	while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': so.key_path = optarg; break;
		case 'c': so.cert_path = optarg; break;
		case 'C': so.chain_path = optarg; break;
		case 'P': so.p12_path = optarg; break;
		case 'p': pass_file = optarg; break;
		case 'l': level = optarg; break;
		case 't': o.tsa_url = optarg; break;
		case 'V':
			if (o.crl_file_count == MAX_CRLS)
				return cli_usage_error(cmd, "at most %d --crl files", MAX_CRLS);
			crls[o.crl_file_count++] = optarg;
			break;
		case 'O':
			if (tamga_revdata_parse(&o.revocation, optarg) < 0)
				return cli_usage_error(cmd, "%s", tamga_error_last()->message);
			have_revocation = 1;
			break;
		case 'H': o.digest = optarg; break;
		case 'S': o.rsa_pss = 1; break;
		case 'y':
			if ((n = cli_parse_uint(optarg, 3)) < 1)
				return cli_usage_error(cmd, "--certify takes 1, 2 or 3");
			o.certify = (int)n;
			break;
		case 'r': o.reason = optarg; break;
		case 'L': o.location = optarg; break;
		case 'u': o.qr_url = optarg; break;
		case 'd': o.code = optarg; break;
		case 'a':
			if (o.caption_count == MAX_CAPTION)
				return cli_usage_error(cmd, "at most %d --caption lines", MAX_CAPTION);
			captions[o.caption_count++] = optarg;
			break;
		case 'F': o.placement = TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT; preset++; break;
		case 'E': o.placement = TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT; preset++; break;
		case 'g':
			if ((n = cli_parse_uint(optarg, 1000000)) < 1)
				return cli_usage_error(cmd, "--page takes a page number from 1");
			o.page = (unsigned int)n;
			have_page = 1;
			break;
		case 'R':
			if (parse_rect(optarg, o.rect) < 0)
				return cli_usage_error(cmd, "--rect takes X,Y,W,H in points, e.g. 300,40,260,84");
			have_rect = 1;
			break;
		case 'f': o.font_path = optarg; break;
		case 'n': o.no_stamp = 1; break;
		case 'o': out = optarg; break;
		case 'x': o.overwrite = 1; break;
		case 'q': quiet = 1; break;
		case 'h': sign_help(stdout); return 0;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	o.caption = captions;
	o.crl_files = crls;
	if (optind != argc - 1)
		return cli_usage_error(cmd, "give exactly one input document");
	if (out == NULL)
		return cli_usage_error(cmd, "-o OUT is required");
	if ((so.p12_path != NULL) == (so.key_path != NULL || so.cert_path != NULL))
		return cli_usage_error(cmd, "give --key and --cert, or --p12");
	if (so.p12_path == NULL && (so.key_path == NULL || so.cert_path == NULL))
		return cli_usage_error(cmd, "--key and --cert go together");
	if (so.p12_path != NULL && so.chain_path != NULL)
		return cli_usage_error(cmd, "a PKCS#12 file carries its own chain: --chain goes with --key");
	if (have_rect != have_page)
		return cli_usage_error(cmd, "--page and --rect go together");
	if (have_rect && preset)
		return cli_usage_error(cmd, "--page/--rect or --first-page/--last-page, not both");
	if (preset > 1)
		return cli_usage_error(cmd, "--first-page or --last-page, not both");
	if (have_rect)
		o.placement = TAMGA_PLACE_RECT;
	if (o.no_stamp && (have_rect || preset || o.caption_count || o.font_path))
		return cli_usage_error(cmd, "--no-stamp makes an invisible signature: no placement, caption or font");
	if (level != NULL) {
		if (tamga_level_parse(&o.level, level) < 0)
			return cli_usage_error(cmd, "%s", tamga_error_last()->message);
	} else if (o.tsa_url != NULL) {
		o.level = TAMGA_LEVEL_B_T;
	}
	if (o.level != TAMGA_LEVEL_B_B && o.tsa_url == NULL)
		return cli_usage_error(cmd, "level %s needs --tsa URL", level ? level : "B-T");
	if (o.level == TAMGA_LEVEL_B_B && o.tsa_url != NULL)
		return cli_usage_error(cmd, "--tsa is for levels B-T, B-LT and B-LTA");
	if (o.crl_file_count > 0 && o.level < TAMGA_LEVEL_B_LT)
		return cli_usage_error(cmd, "--crl is for levels B-LT and B-LTA");
	if (have_revocation && o.level < TAMGA_LEVEL_B_LT)
		return cli_usage_error(cmd, "--revocation is for levels B-LT and B-LTA");

	if ((rc = cli_pass_read(cmd, pass_file, KEY_PASS_ENV, &pass, &pass_len)) != 0)
		return rc;
	so.passphrase = pass;
	so.passphrase_len = pass_len;
	if (tamga_signer_load(&signer, &so) < 0) {
		rc = cli_lib_error(cmd);
		goto done;
	}
	if (tamga_signer_key_was_plain(signer))
		fprintf(stderr, "tamga sign: warning: the private key is stored unencrypted\n");
	o.signer = signer;
	if (tamga_sign_file(argv[optind], out, &o, &res) < 0) {
		rc = cli_lib_error(cmd);
		goto done;
	}
	if (!quiet) {
		printf("signed %s -> %s\n", argv[optind], out);
		printf("  code    %s\n", res.code);
		printf("  url     %s\n", res.url);
		printf("  sha256  %s\n", res.sha256);
	}
done:
	tamga_signer_free(signer);
	cli_pass_free(pass, pass_len);
	return rc;
}
