/*
 * cli/cmd_pki.c - tamga pki init | issue | revoke | release | crl | list.
 * (tamga pki validate lives in cmd_pki_validate.c.)
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CA_PASS_ENV "TAMGA_CA_PASS"
#define KEY_PASS_ENV "TAMGA_PASS"

/* Reset getopt for a subcommand's own argv (glibc: 0 re-initialises). */
static void getopt_reset(void)
{
	optind = 0;
}

static int open_ca(const char *cmd, const char *dir, const char *pass_file, int need_pass, tamga_ca **out)
{
	char *pass = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (dir == NULL)
		return cli_usage_error(cmd, "--dir is required");
	if (need_pass) {
		if ((rc = cli_pass_read(cmd, pass_file, CA_PASS_ENV, &pass, &len)) != 0)
			return rc;
		if (pass == NULL)
			return cli_fail(cmd, 0, "the CA keys are encrypted: give their passphrase with --ca-pass-file FILE "
			                        "or $" CA_PASS_ENV);
	}
	rc = tamga_ca_open(out, dir, pass, len);
	cli_pass_free(pass, len);
	if (rc < 0)
		return cli_lib_error(cmd);
	return 0;
}

/* ------------------------------------------------------------ init */

static void init_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga pki init --dir DIR [OPTIONS]\n"
	        "\n"
	        "Create a certificate authority in DIR: a root CA, an issuing CA, an OCSP\n"
	        "responder and a time-stamping certificate, their encrypted keys, first CRLs\n"
	        "and the CA database.  The trust anchor is DIR/root.crt.\n"
	        "\n"
	        "Options:\n"
	        "  --dir DIR              CA directory (created; must not hold a CA yet)\n"
	        "  --org NAME             organisation (default \"Tamga Dev PKI\")\n"
	        "  --country CC           ISO 3166 country code (default MN)\n"
	        "  --key-type TYPE        p256 (default), p384 or rsa3072\n"
	        "  --base-url URL         where CRLs, OCSP and CA certificates are published\n"
	        "                         (default http://127.0.0.1:8080)\n"
	        "  --policy OID           certificate policy of issued certificates\n"
	        "                         (default 2.999.1, an example OID: development only)\n"
	        "  --root-days N          root validity (default 7305)\n"
	        "  --issuing-days N       issuing CA validity (default 3652)\n"
	        "  --service-days N       OCSP and TSA certificate validity (default 1095)\n"
	        "  --ca-pass-file FILE    passphrase that encrypts the CA keys (first line;\n"
	        "                         '-' reads standard input); else $" CA_PASS_ENV "\n"
	        "  -h, --help             show this help\n");
}

static int pki_init(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "org", required_argument, NULL, 'o' },
		{ "country", required_argument, NULL, 'c' },
		{ "key-type", required_argument, NULL, 'k' },
		{ "base-url", required_argument, NULL, 'u' },
		{ "policy", required_argument, NULL, 'p' },
		{ "root-days", required_argument, NULL, 'R' },
		{ "issuing-days", required_argument, NULL, 'I' },
		{ "service-days", required_argument, NULL, 'S' },
		{ "ca-pass-file", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "pki init";
	tamga_ca_init_options o = TAMGA_CA_INIT_OPTIONS_INIT;
	const char *dir = NULL, *pass_file = NULL;
	char *pass = NULL;
	size_t pass_len = 0;
	long n;
	int c, rc;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'o': o.org = optarg; break;
		case 'c': o.country = optarg; break;
		case 'k':
			if (tamga_key_type_parse(&o.key_type, optarg) < 0)
				return cli_usage_error(cmd, "%s", tamga_error_last()->message);
			break;
		case 'u': o.base_url = optarg; break;
		case 'p': o.policy_oid = optarg; break;
		case 'R': case 'I': case 'S':
			if ((n = cli_parse_uint(optarg, 36525)) <= 0)
				return cli_usage_error(cmd, "'%s' is not a number of days (1-36525)", optarg);
			if (c == 'R') o.root_days = (unsigned int)n;
			else if (c == 'I') o.issuing_days = (unsigned int)n;
			else o.service_days = (unsigned int)n;
			break;
		case 'P': pass_file = optarg; break;
		case 'h': init_help(stdout); return 0;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (dir == NULL)
		return cli_usage_error(cmd, "--dir is required");
	if ((rc = cli_pass_read(cmd, pass_file, CA_PASS_ENV, &pass, &pass_len)) != 0)
		return rc;
	if (pass == NULL)
		return cli_fail(cmd, 0, "the CA keys must be encrypted: give a passphrase with --ca-pass-file FILE "
		                        "or $" CA_PASS_ENV);
	o.passphrase = pass;
	o.passphrase_len = pass_len;
	rc = tamga_ca_init(dir, &o);
	cli_pass_free(pass, pass_len);
	if (rc < 0)
		return cli_lib_error(cmd);
	printf("created a CA in %s\n", dir);
	printf("  trust anchor   %s/root.crt\n", dir);
	printf("  issuing CA     %s/issuing.crt\n", dir);
	printf("  OCSP responder %s/ocsp.crt\n", dir);
	printf("  time-stamping  %s/tsa.crt\n", dir);
	printf("  CRLs           %s/crl/root.crl, %s/crl/issuing.crl\n", dir, dir);
	return 0;
}

/* ------------------------------------------------------------ issue */

static void issue_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga pki issue --dir DIR --cn NAME --out PREFIX [OPTIONS]\n"
	        "\n"
	        "Issue an agency signer certificate from the issuing CA.  Writes PREFIX.key\n"
	        "(PKCS#8, encrypted), PREFIX.crt and PREFIX-chain.pem (issuing CA and root).\n"
	        "\n"
	        "Options:\n"
	        "  --dir DIR              CA directory\n"
	        "  --cn NAME              subject common name (UTF-8, e.g. the agency's name)\n"
	        "  --org ORG              subject organisation (default: the CA's)\n"
	        "  --country CC           subject country (default: the CA's)\n"
	        "  --key-type TYPE        p256, p384 or rsa3072 (default: the CA's)\n"
	        "  --days N               validity in days (default 730)\n"
	        "  --out PREFIX           output path prefix\n"
	        "  --pass-file FILE       passphrase for the new key; else $" KEY_PASS_ENV "\n"
	        "  --no-encrypt           write the new key unencrypted (not recommended)\n"
	        "  --ca-pass-file FILE    passphrase of the CA keys; else $" CA_PASS_ENV "\n"
	        "  --force                overwrite existing output files\n"
	        "  -h, --help             show this help\n");
}

static int pki_issue(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "cn", required_argument, NULL, 'n' },
		{ "org", required_argument, NULL, 'o' },
		{ "country", required_argument, NULL, 'c' },
		{ "key-type", required_argument, NULL, 'k' },
		{ "days", required_argument, NULL, 'D' },
		{ "out", required_argument, NULL, 'O' },
		{ "pass-file", required_argument, NULL, 'p' },
		{ "no-encrypt", no_argument, NULL, 'N' },
		{ "ca-pass-file", required_argument, NULL, 'P' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "pki issue";
	tamga_ca_issue_options o = TAMGA_CA_ISSUE_OPTIONS_INIT;
	const char *dir = NULL, *pass_file = NULL, *ca_pass_file = NULL;
	char *pass = NULL, when[TAMGA_TIME_BUFSIZE];
	size_t pass_len = 0;
	tamga_ca *ca = NULL;
	tamga_cert *cert = NULL;
	long n;
	int c, rc;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'n': o.cn = optarg; break;
		case 'o': o.org = optarg; break;
		case 'c': o.country = optarg; break;
		case 'k':
			if (tamga_key_type_parse(&o.key_type, optarg) < 0)
				return cli_usage_error(cmd, "%s", tamga_error_last()->message);
			break;
		case 'D':
			if ((n = cli_parse_uint(optarg, 3653)) <= 0)
				return cli_usage_error(cmd, "'%s' is not a number of days (1-3653)", optarg);
			o.days = (unsigned int)n;
			break;
		case 'O': o.out_prefix = optarg; break;
		case 'p': pass_file = optarg; break;
		case 'N': o.no_encrypt = 1; break;
		case 'P': ca_pass_file = optarg; break;
		case 'f': o.overwrite = 1; break;
		case 'h': issue_help(stdout); return 0;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (o.cn == NULL || o.out_prefix == NULL)
		return cli_usage_error(cmd, "--cn and --out are required");
	if (pass_file != NULL && strcmp(pass_file, "-") == 0 && ca_pass_file != NULL && strcmp(ca_pass_file, "-") == 0)
		return cli_usage_error(cmd, "only one passphrase can come from standard input");
	if (o.no_encrypt && pass_file != NULL)
		return cli_usage_error(cmd, "--no-encrypt and --pass-file exclude each other");
	if (!o.no_encrypt) {
		if ((rc = cli_pass_read(cmd, pass_file, KEY_PASS_ENV, &pass, &pass_len)) != 0)
			return rc;
		if (pass == NULL)
			return cli_fail(cmd, 0, "the new key is encrypted: give a passphrase with --pass-file FILE or $"
			                        KEY_PASS_ENV " (or --no-encrypt)");
		o.key_passphrase = pass;
		o.key_passphrase_len = pass_len;
	}
	if ((rc = open_ca(cmd, dir, ca_pass_file, 1, &ca)) != 0)
		goto done;
	if (tamga_ca_issue(ca, &o, &cert) < 0) {
		rc = cli_lib_error(cmd);
		goto done;
	}
	if (o.no_encrypt)
		fprintf(stderr, "tamga %s: warning: %s.key is not encrypted\n", cmd, o.out_prefix);
	printf("issued %s.crt\n", o.out_prefix);
	printf("  subject  %s\n", tamga_cert_subject(cert));
	printf("  serial   %s\n", tamga_cert_serial(cert));
	printf("  valid    until %s\n", tamga_time_format(when, tamga_cert_not_after(cert)));
	printf("  sha256   %s\n", tamga_cert_sha256(cert));
	printf("  files    %s.key %s.crt %s-chain.pem\n", o.out_prefix, o.out_prefix, o.out_prefix);
done:
	tamga_cert_free(cert);
	tamga_ca_free(ca);
	cli_pass_free(pass, pass_len);
	return rc;
}

/* ------------------------------------------------------------ revoke, release */

struct match_ctx {
	const tamga_cert *cert;
	int found, same;
};

static int match_cert(const tamga_ca_entry *e, void *payload)
{
	struct match_ctx *m = payload;

	if (strcmp(e->serial, tamga_cert_serial(m->cert)) == 0) {
		m->found = 1;
		m->same = strcmp(e->sha256, tamga_cert_sha256(m->cert)) == 0;
	}
	return 0;
}

/* The serial of --cert FILE, checked to be this CA's certificate. */
static int serial_of_file(const char *cmd, tamga_ca *ca, const char *file, char **out)
{
	struct match_ctx m = { NULL, 0, 0 };
	tamga_cert *cert = NULL;
	int rc = 0;

	*out = NULL;
	if (tamga_cert_load_file(&cert, file) < 0)
		return cli_lib_error(cmd);
	m.cert = cert;
	if (tamga_ca_foreach(ca, match_cert, &m) < 0)
		rc = cli_lib_error(cmd);
	else if (!m.found || !m.same)
		rc = cli_fail(cmd, 0, "%s was not issued by this CA (serial %s is %s)", file, tamga_cert_serial(cert),
		              m.found ? "another certificate" : "unknown");
	else if ((*out = strdup(tamga_cert_serial(cert))) == NULL)
		rc = cli_fail(cmd, 0, "out of memory");
	tamga_cert_free(cert);
	return rc;
}

static void revoke_help(FILE *out, int release)
{
	if (release)
		fprintf(out,
		        "Usage: tamga pki release --dir DIR (--serial HEX | --cert FILE) [OPTIONS]\n"
		        "\n"
		        "Lift a certificateHold (suspension) and publish a new CRL without the entry.\n");
	else
		fprintf(out,
		        "Usage: tamga pki revoke --dir DIR (--serial HEX | --cert FILE) --reason REASON [OPTIONS]\n"
		        "\n"
		        "Revoke a certificate and publish its issuer's new CRL at once (valid for\n"
		        "the days last given to tamga pki crl --days, 7 by default).\n"
		        "REASON (RFC 5280): unspecified, keyCompromise, cACompromise, affiliationChanged,\n"
		        "superseded, cessationOfOperation, certificateHold (suspension, lifted with\n"
		        "tamga pki release), privilegeWithdrawn, aACompromise.\n");
	fprintf(out,
	        "\n"
	        "Options:\n"
	        "  --dir DIR              CA directory\n"
	        "  --serial HEX           serial number of the certificate\n"
	        "  --cert FILE            the certificate itself (PEM or DER)\n");
	if (!release)
		fprintf(out,
		        "  --reason REASON        why (required)\n"
		        "  --invalidity-date T    when the key is known or suspected to have been\n"
		        "                         compromised (RFC 3339), as a CRL entry extension\n");
	fprintf(out,
	        "  --ca-pass-file FILE    passphrase of the CA keys; else $" CA_PASS_ENV "\n"
	        "  -h, --help             show this help\n");
}

static int revoke_or_release(int argc, char **argv, int release)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "serial", required_argument, NULL, 's' },
		{ "cert", required_argument, NULL, 'c' },
		{ "reason", required_argument, NULL, 'r' },
		{ "invalidity-date", required_argument, NULL, 'i' },
		{ "ca-pass-file", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = release ? "pki release" : "pki revoke";
	const char *dir = NULL, *serial = NULL, *cert_file = NULL, *reason_name = NULL, *pass_file = NULL;
	tamga_reason reason = TAMGA_REASON_UNSPECIFIED;
	tamga_time invalidity = 0;
	tamga_ca *ca = NULL;
	char *file_serial = NULL;
	int c, rc;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 's': serial = optarg; break;
		case 'c': cert_file = optarg; break;
		case 'r':
			if (release)
				return cli_usage_error(cmd, "--reason is for tamga pki revoke");
			reason_name = optarg;
			if (tamga_reason_parse(&reason, optarg) < 0)
				return cli_usage_error(cmd, "%s", tamga_error_last()->message);
			break;
		case 'i':
			if (release)
				return cli_usage_error(cmd, "--invalidity-date is for tamga pki revoke");
			if (tamga_time_parse(&invalidity, optarg) < 0)
				return cli_usage_error(cmd, "%s", tamga_error_last()->message);
			break;
		case 'P': pass_file = optarg; break;
		case 'h': revoke_help(stdout, release); return 0;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if ((serial == NULL) == (cert_file == NULL))
		return cli_usage_error(cmd, "give exactly one of --serial and --cert");
	if (!release && reason_name == NULL)
		return cli_usage_error(cmd, "--reason is required");
	if ((rc = open_ca(cmd, dir, pass_file, 1, &ca)) != 0)
		return rc;
	if (cert_file != NULL) {
		if ((rc = serial_of_file(cmd, ca, cert_file, &file_serial)) != 0)
			goto done;
		serial = file_serial;
	}
	if ((release ? tamga_ca_release(ca, serial, 0) : tamga_ca_revoke(ca, serial, reason, 0, invalidity)) < 0) {
		rc = cli_lib_error(cmd);
		goto done;
	}
	if (release)
		printf("released %s from hold; new CRL published\n", serial);
	else
		printf("revoked %s (%s); new CRL published\n", serial, tamga_reason_name(reason));
done:
	free(file_serial);
	tamga_ca_free(ca);
	return rc;
}

static int pki_revoke(int argc, char **argv) { return revoke_or_release(argc, argv, 0); }
static int pki_release(int argc, char **argv) { return revoke_or_release(argc, argv, 1); }

/* ------------------------------------------------------------ crl */

static void crl_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga pki crl --dir DIR [OPTIONS]\n"
	        "\n"
	        "Sign the next CRL of a CA (CRL number + 1) and publish it in DIR/crl/.\n"
	        "\n"
	        "Options:\n"
	        "  --dir DIR              CA directory\n"
	        "  --ca issuing|root      which CA's CRL (default issuing)\n"
	        "  --days N               nextUpdate = now + N days; remembered for the CRLs\n"
	        "                         that revoke and release publish (default 7)\n"
	        "  --out FILE             also write the CRL to FILE\n"
	        "  --pem                  write FILE as PEM (default DER)\n"
	        "  --ca-pass-file FILE    passphrase of the CA keys; else $" CA_PASS_ENV "\n"
	        "  -h, --help             show this help\n");
}

static int write_out(const char *cmd, const char *path, const tamga_buf *der, int pem)
{
	tamga_buf text = TAMGA_BUF_INIT;
	const tamga_buf *data = der;
	FILE *f;
	int ok;

	if (pem) {
		if (tamga_pem_encode(&text, "X509 CRL", der->ptr, der->size) < 0)
			return cli_lib_error(cmd);
		data = &text;
	}
	if ((f = fopen(path, "wb")) == NULL) {
		tamga_buf_dispose(&text);
		return cli_fail(cmd, 0, "%s: cannot write", path);
	}
	ok = fwrite(data->ptr, 1, data->size, f) == data->size;
	tamga_buf_dispose(&text);
	if (fclose(f) != 0 || !ok)
		return cli_fail(cmd, 0, "%s: write failed", path);
	return 0;
}

static int pki_crl(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "ca", required_argument, NULL, 'c' },
		{ "days", required_argument, NULL, 'D' },
		{ "out", required_argument, NULL, 'o' },
		{ "pem", no_argument, NULL, 'p' },
		{ "ca-pass-file", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "pki crl";
	tamga_ca_crl_options o = TAMGA_CA_CRL_OPTIONS_INIT;
	const char *dir = NULL, *out = NULL, *pass_file = NULL;
	tamga_buf der = TAMGA_BUF_INIT;
	tamga_ca *ca = NULL;
	int c, rc, pem = 0;
	long n;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'c':
			if (strcmp(optarg, "issuing") == 0)
				o.which = TAMGA_CA_ISSUING;
			else if (strcmp(optarg, "root") == 0)
				o.which = TAMGA_CA_ROOT;
			else
				return cli_usage_error(cmd, "--ca must be issuing or root");
			break;
		case 'D':
			if ((n = cli_parse_uint(optarg, 366)) <= 0)
				return cli_usage_error(cmd, "'%s' is not a number of days (1-366)", optarg);
			o.days = (unsigned int)n;
			break;
		case 'o': out = optarg; break;
		case 'p': pem = 1; break;
		case 'P': pass_file = optarg; break;
		case 'h': crl_help(stdout); return 0;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (pem && out == NULL)
		return cli_usage_error(cmd, "--pem needs --out");
	if ((rc = open_ca(cmd, dir, pass_file, 1, &ca)) != 0)
		return rc;
	if (tamga_ca_crl(ca, &o, &der) < 0) {
		rc = cli_lib_error(cmd);
		goto done;
	}
	if (out != NULL && (rc = write_out(cmd, out, &der, pem)) != 0)
		goto done;
	printf("published %s/crl/%s.crl%s%s\n", dir, o.which == TAMGA_CA_ROOT ? "root" : "issuing",
	       out ? " and " : "", out ? out : "");
done:
	tamga_buf_dispose(&der);
	tamga_ca_free(ca);
	return rc;
}

/* ------------------------------------------------------------ list */

static void list_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga pki list --dir DIR\n"
	        "\n"
	        "List every certificate the CA has issued, oldest first: serial, role,\n"
	        "status (good, revoked, hold), expiry, subject.  Needs no passphrase.\n"
	        "\n"
	        "Options:\n"
	        "  --dir DIR              CA directory\n"
	        "  -h, --help             show this help\n");
}

static int print_entry(const tamga_ca_entry *e, void *payload)
{
	char until[TAMGA_TIME_BUFSIZE], when[TAMGA_TIME_BUFSIZE];

	(void)payload;
	printf("%-32s  %-7s  %-7s  %s  %s", e->serial, e->role, e->status, tamga_time_format(until, e->not_after),
	       e->subject);
	if (e->revoked_at)
		printf("  [%s %s]", tamga_reason_name(e->reason), tamga_time_format(when, e->revoked_at));
	putchar('\n');
	return 0;
}

static int pki_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "pki list";
	const char *dir = NULL;
	tamga_ca *ca = NULL;
	int c, rc;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'h': list_help(stdout); return 0;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if ((rc = open_ca(cmd, dir, NULL, 0, &ca)) != 0)
		return rc;
	printf("%-32s  %-7s  %-7s  %-20s  %s\n", "SERIAL", "ROLE", "STATUS", "NOT AFTER", "SUBJECT");
	if (tamga_ca_foreach(ca, print_entry, NULL) < 0)
		rc = cli_lib_error(cmd);
	tamga_ca_free(ca);
	return rc;
}

static const struct cli_command pki_commands[] = {
	{ "init", pki_init, "create a CA: root, issuing CA, OCSP and TSA certificates" },
	{ "issue", pki_issue, "issue an agency signer certificate" },
	{ "revoke", pki_revoke, "revoke (or suspend) a certificate; publishes a CRL" },
	{ "release", pki_release, "lift a suspension (certificateHold)" },
	{ "crl", pki_crl, "sign and publish the next CRL" },
	{ "list", pki_list, "list issued certificates" },
	{ "validate", cmd_pki_validate, "validate a certificate path at a given time" },
	{ NULL, NULL, NULL }
};

int cmd_pki(int argc, char **argv)
{
	return cli_dispatch("pki", pki_commands, argc, argv);
}
