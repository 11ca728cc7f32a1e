/*
 * cli/cmd_check.c - tamga check: a document's registry status from a
 * tamga verification server, for bank clerks and scripts.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define DEFAULT_SERVER "http://127.0.0.1:8080"
#define SERVER_ENV "TAMGA_SERVER"

static void check_help(FILE *out)
{
	fputs("Usage: tamga check [--server URL] [--format text|json] CODE...\n"
	      "\n"
	      "Ask a tamga verification server for the registry status of documents by\n"
	      "their code (printed beside the QR code; case, dashes and O/0, I/1 mix-ups\n"
	      "do not matter): valid, revoked or superseded, with the issuing agency,\n"
	      "title and dates.  This checks the registry only; `tamga verify` checks a\n"
	      "file's signatures (and, with --server, its registry status too).\n"
	      "\n"
	      "Options:\n"
	      "  --server URL           the verification server (default $" SERVER_ENV ",\n"
	      "                         else " DEFAULT_SERVER ")\n"
	      "  --timeout SECONDS      per request (default 10)\n"
	      "  --format text|json     text for people (default) or one JSON object per\n"
	      "                         code (an array when several codes are given)\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "Exit status: 0 every document is valid; 1 some is revoked, superseded or\n"
	      "unknown (not registered there, or not a document code); 3 usage error or\n"
	      "no answer from the server.  With several codes the worst status wins.\n",
	      out);
}

static void json_string_out(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void print_json(const char *asked, const tamga_document *d, const char *status, const char *error)
{
	char t[TAMGA_TIME_BUFSIZE];

	fputs("{\"input\": ", stdout);
	json_string_out(asked);
	fputs(", \"status\": ", stdout);
	json_string_out(status);
	if (d != NULL) {
		fputs(", \"code\": ", stdout);
		json_string_out(d->code);
		fputs(", \"agency\": ", stdout);
		json_string_out(d->agency);
		fputs(", \"doc_type\": ", stdout);
		json_string_out(d->doc_type);
		fputs(", \"title\": ", stdout);
		json_string_out(d->title);
		printf(", \"issued_at\": \"%s\"", tamga_time_format(t, d->issued_at));
		fputs(", \"sha256\": ", stdout);
		json_string_out(d->sha256);
		if (d->status_time)
			printf(", \"status_time\": \"%s\"", tamga_time_format(t, d->status_time));
		if (d->status_reason[0]) {
			fputs(", \"reason\": ", stdout);
			json_string_out(d->status_reason);
		}
		if (d->replaced_by[0]) {
			fputs(", \"replaced_by\": ", stdout);
			json_string_out(d->replaced_by);
		}
	}
	if (error != NULL) {
		fputs(", \"error\": ", stdout);
		json_string_out(error);
	}
	putchar('}');
}

static void print_text(const char *asked, const tamga_document *d, const char *status, const char *error)
{
	char t[TAMGA_TIME_BUFSIZE];

	if (d == NULL) {
		printf("%s: %s%s%s\n", asked, status, error ? ": " : "", error ? error : "");
		return;
	}
	printf("%s: %s\n", d->code, status);
	printf("  agency:  %s\n  type:    %s\n  title:   %s\n  issued:  %s\n  sha256:  %s\n", d->agency, d->doc_type,
	       d->title, tamga_time_format(t, d->issued_at), d->sha256);
	if (d->status_time)
		printf("  %s: %s%s%s\n", status, tamga_time_format(t, d->status_time), d->status_reason[0] ? ", " : "",
		       d->status_reason);
	if (d->replaced_by[0])
		printf("  replaced by: %s\n", d->replaced_by);
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cmd = "check", *server = getenv(SERVER_ENV);
	long timeout = 10;
	int json = 0, rc = EXIT_VALID, c, i, n;

	if (server == NULL || server[0] == '\0')
		server = DEFAULT_SERVER;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': server = optarg; break;
		case 't':
			if ((timeout = cli_parse_uint(optarg, 3600)) <= 0)
				return cli_usage_error(cmd, "--timeout takes seconds, 1 to 3600");
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = 1;
			else if (strcmp(optarg, "text") != 0)
				return cli_usage_error(cmd, "--format is text or json");
			break;
		case 'h': check_help(stdout); return 0;
		default: return cli_usage_error(cmd, "bad option");
		}
	}
	n = argc - optind;
	if (n < 1)
		return cli_usage_error(cmd, "give the document codes to check");
	if (strncmp(server, "http://", 7) != 0 && strncmp(server, "https://", 8) != 0)
		return cli_usage_error(cmd, "--server takes an http:// or https:// URL");
	if (json && n > 1)
		fputs("[\n", stdout);
	for (i = optind; i < argc; i++) {
		tamga_document d;
		const char *status, *error = NULL;
		int e = tamga_document_lookup(server, argv[i], timeout, &d), found = e == 0;

		if (e == 0) {
			status = tamga_doc_status_name(d.status);
			if (d.status != TAMGA_DOC_VALID && rc != EXIT_ERROR)
				rc = EXIT_INVALID;
		} else if (e == TAMGA_ENOTFOUND || e == TAMGA_EFORMAT) {
			/* Not registered there, or not a code at all: not valid. */
			status = "unknown";
			error = e == TAMGA_ENOTFOUND ? "no document with this code is registered there"
			                             : tamga_error_last()->message;
			if (rc != EXIT_ERROR)
				rc = EXIT_INVALID;
		} else {
			status = "unavailable";
			error = tamga_error_last()->message;
			rc = EXIT_ERROR;
			if (json) /* text output says it already */
				fprintf(stderr, "tamga check: %s\n", error);
		}
		if (json) {
			print_json(argv[i], found ? &d : NULL, status, error);
			fputs(n > 1 && i + 1 < argc ? ",\n" : "\n", stdout);
		} else {
			print_text(argv[i], found ? &d : NULL, status, error);
		}
	}
	if (json && n > 1)
		fputs("]\n", stdout);
	return rc;
}
