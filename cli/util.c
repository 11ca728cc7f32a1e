/*
 * cli/util.c - errors, passphrases, numbers, subcommand dispatch.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_fail(const char *cmd, int with_lib, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tamga %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (with_lib && tamga_error_last()->code != TAMGA_OK)
		fprintf(stderr, "%s%s", *fmt ? ": " : "", tamga_error_last()->message);
	fputc('\n', stderr);
	return EXIT_ERROR;
}

int cli_lib_error(const char *cmd)
{
	const tamga_error *e = tamga_error_last();

	fprintf(stderr, "tamga %s: %s\n", cmd, e->code != TAMGA_OK ? e->message : "unknown error");
	return EXIT_ERROR;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tamga %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'tamga %s --help'.\n", cmd);
	return EXIT_ERROR;
}

void cli_pass_free(char *pass, size_t len)
{
	if (pass == NULL)
		return;
	/* volatile so the compiler keeps the wipe */
	for (volatile char *p = pass; len > 0; len--)
		*p++ = 0;
	free(pass);
}

int cli_pass_read(const char *cmd, const char *file, const char *env, char **out, size_t *len)
{
	char buf[1024];
	size_t n = 0;
	FILE *f;
	int c;

	*out = NULL;
	*len = 0;
	if (file == NULL) {
		const char *v = env ? getenv(env) : NULL;

		if (v == NULL)
			return 0;
		n = strlen(v);
		if (n >= sizeof(buf))
			return cli_fail(cmd, 0, "$%s is longer than %zu bytes", env, sizeof(buf) - 1);
		memcpy(buf, v, n);
	} else {
		f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
		if (f == NULL)
			return cli_fail(cmd, 0, "%s: %s", file, strerror(errno));
		while ((c = getc(f)) != EOF && c != '\n') {
			if (n + 1 >= sizeof(buf)) {
				if (f != stdin)
					fclose(f);
				memset(buf, 0, sizeof(buf));
				return cli_fail(cmd, 0, "%s: the passphrase line is longer than %zu bytes", file,
				                sizeof(buf) - 2);
			}
			buf[n++] = (char)c;
		}
		if (f != stdin)
			fclose(f);
		if (n > 0 && buf[n - 1] == '\r')
			n--;
	}
	if (n == 0) {
		memset(buf, 0, sizeof(buf));
		return cli_fail(cmd, 0, "the passphrase from %s is empty", file ? file : env);
	}
	*out = malloc(n + 1);
	if (*out == NULL) {
		memset(buf, 0, sizeof(buf));
		return cli_fail(cmd, 0, "out of memory");
	}
	memcpy(*out, buf, n);
	(*out)[n] = '\0';
	*len = n;
	for (volatile char *p = buf; p < buf + sizeof(buf); p++)
		*p = 0;
	return 0;
}

long cli_parse_uint(const char *s, long max)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	return v;
}

int cli_dispatch(const char *group, const struct cli_command *table, int argc, char **argv)
{
	const struct cli_command *c;
	const char *sp = group ? " " : "";

	if (group == NULL)
		group = "";
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		FILE *out = argc < 2 ? stderr : stdout;

		fprintf(out, "Usage: tamga%s%s COMMAND [OPTIONS]\n\nCommands:\n", sp, group);
		for (c = table; c->name; c++)
			fprintf(out, "  %-10s %s\n", c->name, c->summary);
		fprintf(out, "\nRun 'tamga%s%s COMMAND --help' for a command's options.\n", sp, group);
		return argc < 2 ? EXIT_ERROR : 0;
	}
	for (c = table; c->name; c++)
		if (strcmp(c->name, argv[1]) == 0)
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "tamga%s%s: unknown command '%s'\nTry 'tamga%s%s --help'.\n", sp, group, argv[1], sp, group);
	return EXIT_ERROR;
}
