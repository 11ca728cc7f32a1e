/*
 * cli/cmd_registry.c - tamga registry token add|revoke|list, agency show,
 * list, show, revoke, supersede, audit: the operator's view of the document registry
 * (tamga/registry.h) in a data directory.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define KEY_PASS_ENV "TAMGA_PASS"

static void getopt_reset(void)
{
	optind = 0;
}

static int open_registry(const char *cmd, const char *dir, int create, tamga_registry **out)
{
	*out = NULL;
	if (dir == NULL)
		return cli_usage_error(cmd, "--data DIR is required");
	if (tamga_registry_open(out, dir, create) < 0)
		return cli_lib_error(cmd);
	return 0;
}

static const char *when(char buf[TAMGA_TIME_BUFSIZE], tamga_time t)
{
	return t ? tamga_time_format(buf, t) : "-";
}

/* ------------------------------------------------------------ JSON output */

static void json_str(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* A string, or null when empty. */
static void json_opt(FILE *out, const char *s)
{
	if (*s)
		json_str(out, s);
	else
		fputs("null", out);
}

static void json_time(FILE *out, tamga_time t)
{
	char buf[TAMGA_TIME_BUFSIZE];

	if (t)
		fprintf(out, "\"%s\"", tamga_time_format(buf, t));
	else
		fputs("null", out);
}

static void doc_json(FILE *out, const tamga_document *d, const char *indent)
{
	fprintf(out, "{\n%s  \"code\": ", indent);
	json_str(out, d->code);
	fprintf(out, ",\n%s  \"agency_id\": %lld,\n%s  \"agency\": ", indent, (long long)d->agency_id, indent);
	json_str(out, d->agency);
	fprintf(out, ",\n%s  \"doc_type\": ", indent);
	json_opt(out, d->doc_type);
	fprintf(out, ",\n%s  \"title\": ", indent);
	json_opt(out, d->title);
	fprintf(out, ",\n%s  \"subject_hash\": ", indent);
	json_opt(out, d->subject_hash);
	fprintf(out, ",\n%s  \"issued_at\": ", indent);
	json_time(out, d->issued_at);
	fprintf(out, ",\n%s  \"format\": ", indent);
	json_opt(out, d->format);
	fprintf(out, ",\n%s  \"sha256\": ", indent);
	json_str(out, d->sha256);
	fprintf(out, ",\n%s  \"original_sha256\": ", indent);
	json_opt(out, d->original_sha256);
	fprintf(out, ",\n%s  \"size\": %llu,\n%s  \"signer_subject\": ", indent, (unsigned long long)d->size, indent);
	json_opt(out, d->signer_subject);
	fprintf(out, ",\n%s  \"signer_sha256\": ", indent);
	json_opt(out, d->signer_sha256);
	fprintf(out, ",\n%s  \"status\": \"%s\",\n%s  \"status_time\": ", indent, tamga_doc_status_name(d->status),
	        indent);
	json_time(out, d->status_time);
	fprintf(out, ",\n%s  \"status_reason\": ", indent);
	json_opt(out, d->status_reason);
	fprintf(out, ",\n%s  \"replaced_by\": ", indent);
	json_opt(out, d->replaced_by);
	fprintf(out, "\n%s}", indent);
}

static int parse_format(const char *cmd, const char *arg, int *json)
{
	if (strcmp(arg, "json") == 0)
		*json = 1;
	else if (strcmp(arg, "text") == 0)
		*json = 0;
	else
		return cli_usage_error(cmd, "--format is text or json");
	return 0;
}

/* ------------------------------------------------------------ token add */

static void token_add_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga registry token add --data DIR --agency NAME\n"
	        "                                (--key KEY --cert CERT [--chain PEM] | --p12 FILE)\n"
	        "                                [--pass-file FILE] [--caption TEXT]...\n"
	        "                                [--placement first|last] [--no-stamp]\n"
	        "\n"
	        "Register an agency (or update the key paths of the agency of that name) and\n"
	        "issue a new bearer token for tamgad's sign role.  The registry in DIR is\n"
	        "created when missing.  The key must load with the passphrase and belong to\n"
	        "the certificate; the paths are stored absolute.  The token is printed once,\n"
	        "as the last line of the output: only its SHA-256 is kept.\n"
	        "\n"
	        "The stamp settings (--caption, --placement, --no-stamp) say how tamgad stamps\n"
	        "the agency's documents.  For an agency that exists already, giving any of\n"
	        "them replaces all three (what is not given goes back to its default); giving\n"
	        "none keeps them.  tamgad reads them at start.\n"
	        "\n"
	        "Options:\n"
	        "  --data DIR             registry data directory\n"
	        "  --agency NAME          agency name (UTF-8), unique in the registry\n"
	        "  --key KEY              the agency's private key (PEM)\n"
	        "  --cert CERT            its certificate\n"
	        "  --chain PEM            CA certificates above it\n"
	        "  --p12 FILE             PKCS#12 file instead of --key and --cert\n"
	        "  --pass-file FILE       passphrase of the key (first line; '-' reads standard\n"
	        "                         input); else $" KEY_PASS_ENV "\n"
	        "  --caption TEXT         caption line in place of the organisation from the\n"
	        "                         certificate (UTF-8, at most %d bytes); repeat for up\n"
	        "                         to %d lines\n"
	        "  --placement first|last the stamp's page, bottom right (default first)\n"
	        "  --no-stamp             invisible signatures: no QR code, no caption\n"
	        "  -h, --help             show this help\n",
	        TAMGA_AGENCY_CAPTION_MAX, TAMGA_AGENCY_CAPTION_LINES);
}

/* realpath of an optional file into dst ("" when path is NULL). */
static int absolute(const char *cmd, const char *path, char *dst, size_t size)
{
	char *r;

	dst[0] = '\0';
	if (path == NULL)
		return 0;
	if ((r = realpath(path, NULL)) == NULL)
		return cli_fail(cmd, 0, "%s: %s", path, strerror(errno));
	if (strlen(r) >= size) {
		free(r);
		return cli_fail(cmd, 0, "%s: the absolute path is longer than %zu bytes", path, size - 1);
	}
	memcpy(dst, r, strlen(r) + 1);
	free(r);
	return 0;
}

static int check_signer(const char *cmd, const char *key, const char *cert, const char *chain, const char *p12,
                        const char *pass_file)
{
	tamga_signer_options o = TAMGA_SIGNER_OPTIONS_INIT;
	tamga_signer *signer = NULL;
	char *pass = NULL;
	size_t len = 0;
	int rc;

	if ((rc = cli_pass_read(cmd, pass_file, KEY_PASS_ENV, &pass, &len)) != 0)
		return rc;
	o.key_path = key;
	o.cert_path = cert;
	o.chain_path = chain;
	o.p12_path = p12;
	o.passphrase = pass;
	o.passphrase_len = len;
	rc = tamga_signer_load(&signer, &o);
	cli_pass_free(pass, len);
	if (rc < 0)
		return cli_fail(cmd, 1, "the agency's key cannot be used");
	if (tamga_signer_key_was_plain(signer))
		fprintf(stderr, "tamga %s: warning: the agency's key is not encrypted\n", cmd);
	tamga_signer_free(signer);
	return 0;
}

static int token_add(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "agency", required_argument, NULL, 'a' },
		{ "key", required_argument, NULL, 'k' },
		{ "cert", required_argument, NULL, 'c' },
		{ "chain", required_argument, NULL, 'C' },
		{ "p12", required_argument, NULL, 'P' },
		{ "pass-file", required_argument, NULL, 'p' },
		{ "caption", required_argument, NULL, 't' },
		{ "placement", required_argument, NULL, 'l' },
		{ "no-stamp", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "registry token add";
	const char *captions[TAMGA_AGENCY_CAPTION_LINES];
	unsigned int ncaptions = 0, i;
	tamga_placement placement = TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT;
	int placement_set = 0, no_stamp = 0;
	const char *dir = NULL, *name = NULL, *key = NULL, *cert = NULL, *chain = NULL, *p12 = NULL, *pass_file = NULL;
	char token[TAMGA_TOKEN_BUFSIZE], id[TAMGA_TOKEN_ID_BUFSIZE];
	tamga_registry *reg = NULL;
	tamga_agency *a = NULL;
	int c, rc;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'a': name = optarg; break;
		case 'k': key = optarg; break;
		case 'c': cert = optarg; break;
		case 'C': chain = optarg; break;
		case 'P': p12 = optarg; break;
		case 'p': pass_file = optarg; break;
		case 't':
			if (ncaptions == TAMGA_AGENCY_CAPTION_LINES)
				return cli_usage_error(cmd, "at most %d --caption lines", TAMGA_AGENCY_CAPTION_LINES);
			if (*optarg == '\0' || strlen(optarg) > TAMGA_AGENCY_CAPTION_MAX)
				return cli_usage_error(cmd, "a --caption line is 1 to %d bytes", TAMGA_AGENCY_CAPTION_MAX);
			captions[ncaptions++] = optarg;
			break;
		case 'l':
			if (strcmp(optarg, "first") == 0)
				placement = TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT;
			else if (strcmp(optarg, "last") == 0)
				placement = TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT;
			else
				return cli_usage_error(cmd, "--placement is first or last");
			placement_set = 1;
			break;
		case 'n': no_stamp = 1; break;
		case 'h': token_add_help(stdout); return 0;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (dir == NULL || name == NULL)
		return cli_usage_error(cmd, "--data and --agency are required");
	if (p12 ? (key != NULL || cert != NULL) : (key == NULL || cert == NULL))
		return cli_usage_error(cmd, "give --key and --cert, or --p12");
	if (*name == '\0' || strlen(name) >= TAMGA_REGISTRY_TEXT_MAX)
		return cli_usage_error(cmd, "the agency name must be 1 to %d bytes", TAMGA_REGISTRY_TEXT_MAX - 1);
	if (no_stamp && (ncaptions > 0 || placement_set))
		return cli_usage_error(cmd, "--no-stamp draws no stamp: give it without --caption and --placement");
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return cli_fail(cmd, 0, "out of memory");
	memcpy(a->name, name, strlen(name) + 1);
	for (i = 0; i < ncaptions; i++)
		memcpy(a->caption[i], captions[i], strlen(captions[i]) + 1);
	a->caption_count = ncaptions;
	a->placement = placement;
	a->no_stamp = no_stamp;
	a->stamp_update = ncaptions > 0 || placement_set || no_stamp;
	if ((rc = absolute(cmd, p12 ? p12 : key, a->key_path, sizeof(a->key_path))) != 0 ||
	    (rc = absolute(cmd, cert, a->cert_path, sizeof(a->cert_path))) != 0 ||
	    (rc = absolute(cmd, chain, a->chain_path, sizeof(a->chain_path))) != 0 ||
	    (rc = check_signer(cmd, key, cert, chain, p12, pass_file)) != 0 ||
	    (rc = open_registry(cmd, dir, 1, &reg)) != 0)
		goto done;
	if (tamga_registry_token_add(reg, a, token) < 0 || tamga_registry_token_id(token, id) < 0) {
		rc = cli_lib_error(cmd);
		goto done;
	}
	printf("agency   %s\n", a->name);
	printf("token id %s\n", id);
	fprintf(stderr, "tamga %s: the token below is shown only now; give it to the agency's system\n", cmd);
	fflush(stderr);
	printf("%s\n", token);
	memset(token, 0, sizeof(token));
done:
	tamga_registry_close(reg);
	free(a);
	return rc;
}

/* ------------------------------------------------------------ token revoke, list */

static void token_revoke_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga registry token revoke --data DIR TOKEN|ID\n"
	        "\n"
	        "Revoke a bearer token, given as the token itself or as its id (the 12 hex\n"
	        "digits 'tamga registry token list' shows; 8 or more digits that name one\n"
	        "token are enough).\n"
	        "\n"
	        "Options:\n"
	        "  --data DIR             registry data directory\n"
	        "  -h, --help             show this help\n");
}

static void token_list_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga registry token list --data DIR\n"
	        "\n"
	        "List the bearer tokens: id, when created, when revoked ('-' while active) and\n"
	        "agency.  The tokens themselves are not stored and cannot be shown.\n"
	        "\n"
	        "Options:\n"
	        "  --data DIR             registry data directory\n"
	        "  -h, --help             show this help\n");
}

/* Options of the commands that take only --data (and maybe --format). */
static int data_opts(const char *cmd, int argc, char **argv, void (*help)(FILE *), const char **dir, int *json)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, rc;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': *dir = optarg; break;
		case 'f':
			if (json == NULL)
				return cli_usage_error(cmd, "bad option");
			if ((rc = parse_format(cmd, optarg, json)) != 0)
				return rc;
			break;
		case 'h': help(stdout); return -1;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	if (*dir == NULL)
		return cli_usage_error(cmd, "--data DIR is required");
	return 0;
}

static int token_revoke(int argc, char **argv)
{
	const char *cmd = "registry token revoke", *dir = NULL;
	char id[TAMGA_TOKEN_ID_BUFSIZE];
	tamga_registry *reg = NULL;
	int rc;

	if ((rc = data_opts(cmd, argc, argv, token_revoke_help, &dir, NULL)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind + 1 != argc)
		return cli_usage_error(cmd, "give one token or token id");
	if ((rc = open_registry(cmd, dir, 0, &reg)) != 0)
		return rc;
	if (tamga_registry_token_revoke(reg, argv[optind]) < 0)
		rc = cli_lib_error(cmd);
	else if (tamga_registry_token_id(argv[optind], id) == 0)
		printf("revoked token %s\n", id);   /* never echo the token itself */
	else
		printf("revoked token %s\n", argv[optind]);
	tamga_registry_close(reg);
	return rc;
}

static int print_token(void *ctx, const tamga_token_info *t)
{
	char c[TAMGA_TIME_BUFSIZE], r[TAMGA_TIME_BUFSIZE];

	(void)ctx;
	printf("%-12s  %-20s  %-20s  %s\n", t->id, when(c, t->created), when(r, t->revoked_at), t->agency);
	return 0;
}

static int token_list(int argc, char **argv)
{
	const char *cmd = "registry token list", *dir = NULL;
	tamga_registry *reg = NULL;
	int rc;

	if ((rc = data_opts(cmd, argc, argv, token_list_help, &dir, NULL)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if ((rc = open_registry(cmd, dir, 0, &reg)) != 0)
		return rc;
	printf("%-12s  %-20s  %-20s  %s\n", "ID", "CREATED", "REVOKED", "AGENCY");
	if (tamga_registry_tokens(reg, print_token, NULL) < 0)
		rc = cli_lib_error(cmd);
	tamga_registry_close(reg);
	return rc;
}

static const struct cli_command token_commands[] = {
	{ "add", token_add, "register an agency and issue a bearer token" },
	{ "revoke", token_revoke, "revoke a bearer token" },
	{ "list", token_list, "list bearer tokens (ids, never the tokens)" },
	{ NULL, NULL, NULL }
};

static int registry_token(int argc, char **argv)
{
	return cli_dispatch("registry token", token_commands, argc, argv);
}

/* ------------------------------------------------------------ agency show */

static void agency_show_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga registry agency show --data DIR NAME\n"
	        "\n"
	        "Show an agency: its id, key paths and stamp settings (placement, caption\n"
	        "lines, or none).  Exit status 0 when found, 1 when no agency has that name.\n"
	        "\n"
	        "Options:\n"
	        "  --data DIR             registry data directory\n"
	        "  -h, --help             show this help\n");
}

struct agency_find {
	const char *name;
	tamga_agency *out;
	int found;
};

static int find_agency(void *ctx, const tamga_agency *a)
{
	struct agency_find *f = ctx;

	if (strcmp(a->name, f->name) != 0)
		return 0;
	*f->out = *a;
	f->found = 1;
	return 1;
}

static void agency_text(const tamga_agency *a)
{
	unsigned int i;

	printf("agency     %s (id %lld)\n", a->name, (long long)a->id);
	printf("key        %s\n", a->key_path);
	printf("cert       %s\n", a->cert_path[0] ? a->cert_path : "-");
	printf("chain      %s\n", a->chain_path[0] ? a->chain_path : "-");
	if (a->no_stamp) {
		printf("stamp      none (invisible signatures)\n");
		return;
	}
	printf("stamp      %s page, bottom right\n", a->placement == TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT ? "last" : "first");
	if (a->caption_count == 0)
		printf("caption    (the organisation in the certificate)\n");
	for (i = 0; i < a->caption_count; i++)
		printf("caption    %s\n", a->caption[i]);
}

static int agency_show(int argc, char **argv)
{
	const char *cmd = "registry agency show", *dir = NULL;
	struct agency_find f = { NULL, NULL, 0 };
	tamga_registry *reg = NULL;
	int rc;

	if ((rc = data_opts(cmd, argc, argv, agency_show_help, &dir, NULL)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind + 1 != argc)
		return cli_usage_error(cmd, "give one agency name");
	f.name = argv[optind];
	if ((f.out = malloc(sizeof(*f.out))) == NULL)
		return cli_fail(cmd, 0, "out of memory");
	if ((rc = open_registry(cmd, dir, 0, &reg)) != 0)
		goto done;
	if (tamga_registry_agencies(reg, find_agency, &f) < 0) {
		rc = cli_lib_error(cmd);
	} else if (!f.found) {
		fprintf(stderr, "tamga %s: no agency named '%s'\n", cmd, f.name);
		rc = EXIT_INVALID;
	} else {
		agency_text(f.out);
	}
done:
	tamga_registry_close(reg);
	free(f.out);
	return rc;
}

static const struct cli_command agency_commands[] = {
	{ "show", agency_show, "show an agency's key paths and stamp settings" },
	{ NULL, NULL, NULL }
};

static int registry_agency(int argc, char **argv)
{
	return cli_dispatch("registry agency", agency_commands, argc, argv);
}

/* ------------------------------------------------------------ list */

static void list_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga registry list --data DIR [--limit N] [--format text|json]\n"
	        "\n"
	        "List registered documents, newest first: code, status, issue time, agency\n"
	        "and title (text), or a JSON array of document objects.\n"
	        "\n"
	        "Options:\n"
	        "  --data DIR             registry data directory\n"
	        "  --limit N              at most N documents (default: all)\n"
	        "  --format text|json     output format (default text)\n"
	        "  -h, --help             show this help\n");
}

struct list_ctx {
	int json;
	size_t n;
};

static int print_doc_line(void *ctx, const tamga_document *d)
{
	struct list_ctx *l = ctx;
	char t[TAMGA_TIME_BUFSIZE];

	if (l->json) {
		fputs(l->n ? ",\n  " : "\n  ", stdout);
		doc_json(stdout, d, "  ");
	} else {
		printf("%s  %-10s  %s  %s  %s\n", d->code, tamga_doc_status_name(d->status), when(t, d->issued_at),
		       d->agency, d->title);
	}
	l->n++;
	return 0;
}

static int registry_list(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "limit", required_argument, NULL, 'n' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "registry list", *dir = NULL;
	struct list_ctx l = { 0, 0 };
	tamga_registry *reg = NULL;
	long limit = 0;
	int c, rc;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'n':
			if ((limit = cli_parse_uint(optarg, LONG_MAX)) < 0)
				return cli_usage_error(cmd, "'%s' is not a number", optarg);
			break;
		case 'f':
			if ((rc = parse_format(cmd, optarg, &l.json)) != 0)
				return rc;
			break;
		case 'h': list_help(stdout); return 0;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if ((rc = open_registry(cmd, dir, 0, &reg)) != 0)
		return rc;
	if (l.json)
		fputs("[", stdout);
	if (tamga_registry_list(reg, (size_t)limit, print_doc_line, &l) < 0)
		rc = cli_lib_error(cmd);
	if (l.json)
		fputs(l.n ? "\n]\n" : "]\n", stdout);
	tamga_registry_close(reg);
	return rc;
}

/* ------------------------------------------------------------ show */

static void show_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga registry show --data DIR CODE [--format text|json]\n"
	        "\n"
	        "Show a registered document.  CODE may be typed in any case, with or without\n"
	        "dashes.  Exit status 0 when found, 1 when no such document is registered.\n"
	        "\n"
	        "Options:\n"
	        "  --data DIR             registry data directory\n"
	        "  --format text|json     output format (default text)\n"
	        "  -h, --help             show this help\n");
}

static void doc_text(const tamga_document *d)
{
	char t[TAMGA_TIME_BUFSIZE];

	printf("code            %s\n", d->code);
	printf("status          %s\n", tamga_doc_status_name(d->status));
	if (d->status != TAMGA_DOC_VALID) {
		printf("status time     %s\n", when(t, d->status_time));
		printf("reason          %s\n", d->status_reason);
	}
	if (d->replaced_by[0])
		printf("replaced by     %s\n", d->replaced_by);
	printf("agency          %s (id %lld)\n", d->agency, (long long)d->agency_id);
	printf("type            %s\n", d->doc_type);
	printf("title           %s\n", d->title);
	printf("issued          %s\n", when(t, d->issued_at));
	printf("format          %s\n", d->format);
	printf("size            %llu\n", (unsigned long long)d->size);
	printf("sha256          %s\n", d->sha256);
	if (d->original_sha256[0])
		printf("original sha256 %s\n", d->original_sha256);
	if (d->signer_subject[0])
		printf("signer          %s\n", d->signer_subject);
	if (d->signer_sha256[0])
		printf("signer sha256   %s\n", d->signer_sha256);
	if (d->subject_hash[0])
		printf("subject hash    %s\n", d->subject_hash);
}

static int registry_show(int argc, char **argv)
{
	const char *cmd = "registry show", *dir = NULL;
	tamga_registry *reg = NULL;
	tamga_document *d = NULL;
	int json = 0, rc;

	if ((rc = data_opts(cmd, argc, argv, show_help, &dir, &json)) != 0)
		return rc < 0 ? 0 : rc;
	if (optind + 1 != argc)
		return cli_usage_error(cmd, "give one document code");
	if ((rc = open_registry(cmd, dir, 0, &reg)) != 0)
		return rc;
	if ((d = malloc(sizeof(*d))) == NULL) {
		rc = cli_fail(cmd, 0, "out of memory");
	} else if (tamga_registry_get(reg, argv[optind], d) < 0) {
		rc = cli_lib_error(cmd);
		if (tamga_error_last()->code == TAMGA_ENOTFOUND)
			rc = EXIT_INVALID;
	} else if (json) {
		doc_json(stdout, d, "");
		fputc('\n', stdout);
	} else {
		doc_text(d);
	}
	free(d);
	tamga_registry_close(reg);
	return rc;
}

/* ------------------------------------------------------------ revoke, supersede */

static void revoke_help(FILE *out, int supersede)
{
	if (supersede)
		fprintf(out,
		        "Usage: tamga registry supersede --data DIR CODE --by NEWCODE [--reason TEXT]\n"
		        "\n"
		        "Mark a valid document as superseded by another registered, valid document:\n"
		        "its status page then points to the new one.\n");
	else
		fprintf(out,
		        "Usage: tamga registry revoke --data DIR CODE --reason TEXT\n"
		        "\n"
		        "Revoke a valid document: its status page says so from now on.\n");
	fprintf(out,
	        "The operator acts for any agency; the change is written to the audit log.\n"
	        "\n"
	        "Options:\n"
	        "  --data DIR             registry data directory\n");
	if (supersede)
		fprintf(out, "  --by NEWCODE           the document that replaces it\n");
	fprintf(out,
	        "  --reason TEXT          why%s\n"
	        "  -h, --help             show this help\n", supersede ? "" : " (required)");
}

static int change(int argc, char **argv, int supersede)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "reason", required_argument, NULL, 'r' },
		{ "by", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = supersede ? "registry supersede" : "registry revoke";
	const char *dir = NULL, *reason = NULL, *by = NULL;
	tamga_registry *reg = NULL;
	tamga_document *d = NULL;
	int c, rc, error;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'r': reason = optarg; break;
		case 'b':
			if (!supersede)
				return cli_usage_error(cmd, "bad option");
			by = optarg;
			break;
		case 'h': revoke_help(stdout, supersede); return 0;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(cmd, "give one document code");
	if (supersede && by == NULL)
		return cli_usage_error(cmd, "--by NEWCODE is required");
	if (!supersede && (reason == NULL || *reason == '\0'))
		return cli_usage_error(cmd, "--reason TEXT is required");
	if ((rc = open_registry(cmd, dir, 0, &reg)) != 0)
		return rc;
	error = supersede ? tamga_registry_supersede(reg, argv[optind], 0, by, reason)
	                  : tamga_registry_revoke(reg, argv[optind], 0, reason);
	if (error < 0) {
		rc = cli_lib_error(cmd);
	} else if ((d = malloc(sizeof(*d))) != NULL && tamga_registry_get(reg, argv[optind], d) == 0) {
		if (supersede)
			printf("superseded %s by %s\n", d->code, d->replaced_by);
		else
			printf("revoked %s\n", d->code);
	}
	free(d);
	tamga_registry_close(reg);
	return rc;
}

static int registry_revoke(int argc, char **argv) { return change(argc, argv, 0); }
static int registry_supersede(int argc, char **argv) { return change(argc, argv, 1); }

/* ------------------------------------------------------------ audit */

static void audit_help(FILE *out)
{
	fprintf(out,
	        "Usage: tamga registry audit --data DIR [--witness N:HASH]\n"
	        "\n"
	        "Check the audit log's hash chain: every entry's hash over the previous\n"
	        "entry's hash and its own contents.  Exit status 0 and \"N entries, chain\n"
	        "intact, head N:HASH\", or 1 naming the first entry that was changed, removed\n"
	        "or inserted.  A chain cannot show that its newest entries were removed, or\n"
	        "that it was rewritten whole: keep the head it prints somewhere else (a\n"
	        "ticket, a signed log) and give it back later with --witness.\n"
	        "\n"
	        "Options:\n"
	        "  --data DIR             registry data directory\n"
	        "  --witness N:HASH       entry N must still be in the log with this hash\n"
	        "                         (a head an earlier audit printed); repeatable\n"
	        "  -h, --help             show this help\n");
}

#define MAX_WITNESSES 16

static int registry_audit(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "witness", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "registry audit", *dir = NULL, *witness[MAX_WITNESSES];
	tamga_registry *reg = NULL;
	char head[65];
	size_t nw = 0, i;
	uint64_t n = 0;
	int c, rc = 0;

	getopt_reset();
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'w':
			if (nw == MAX_WITNESSES)
				return cli_usage_error(cmd, "at most %d --witness", MAX_WITNESSES);
			witness[nw++] = optarg;
			break;
		case 'h': audit_help(stdout); return 0;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	if (dir == NULL)
		return cli_usage_error(cmd, "--data DIR is required");
	if (optind < argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	for (i = 0; i < nw; i++) {
		const char *colon = strchr(witness[i], ':');
		char *end;

		if (colon == NULL || colon == witness[i] || strtoull(witness[i], &end, 10) == 0 || end != colon ||
		    strlen(colon + 1) != 64)
			return cli_usage_error(cmd, "--witness takes N:HASH as an audit printed it, not '%s'",
			                       witness[i]);
	}
	if ((rc = open_registry(cmd, dir, 0, &reg)) != 0)
		return rc;
	for (i = 0; i <= nw && rc == 0; i++) {
		uint64_t seq = i < nw ? strtoull(witness[i], NULL, 10) : 0;
		const char *hash = i < nw ? strchr(witness[i], ':') + 1 : NULL;

		if (tamga_registry_audit_check(reg, &n, head, seq, hash) == 0) {
			if (i == nw)
				printf("%llu entries, chain intact, head %llu:%s\n", (unsigned long long)n,
				       (unsigned long long)n, head[0] ? head : "-");
			else
				printf("witness %llu:%.12s... present\n", (unsigned long long)seq, hash);
		} else if (tamga_error_last()->code == TAMGA_EFORMAT) {
			printf("chain broken: %s (%llu entries before it are intact)\n", tamga_error_last()->message,
			       (unsigned long long)n);
			rc = EXIT_INVALID;
		} else {
			rc = cli_lib_error(cmd);
		}
	}
	tamga_registry_close(reg);
	return rc;
}

/* ------------------------------------------------------------ dispatch */

static const struct cli_command registry_commands[] = {
	{ "token", registry_token, "agencies' bearer tokens: add, revoke, list" },
	{ "agency", registry_agency, "an agency's key paths and stamp settings: show" },
	{ "list", registry_list, "list registered documents, newest first" },
	{ "show", registry_show, "show one document by its code" },
	{ "revoke", registry_revoke, "revoke a document" },
	{ "supersede", registry_supersede, "mark a document superseded by another" },
	{ "audit", registry_audit, "check the audit log's hash chain" },
	{ NULL, NULL, NULL }
};

int cmd_registry(int argc, char **argv)
{
	return cli_dispatch("registry", registry_commands, argc, argv);
}
