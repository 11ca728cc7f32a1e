/*
 * cli/cli.h - what the tamga commands share.  Tools see only <tamga/...>.
 */
#ifndef TAMGA_CLI_H
#define TAMGA_CLI_H

#include <stddef.h>

#include <tamga/tamga.h>

/* Exit codes shared by every command (DESIGN.md §4). */
#define EXIT_VALID 0
#define EXIT_INVALID 1        /* a negative verdict */
#define EXIT_INDETERMINATE 2  /* verdict needs data we do not have */
#define EXIT_ERROR 3          /* usage, I/O or any other error */

struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Print "tamga CMD: " + formatted text (+ ": " + libtamga's last error when
 * with_lib) to stderr; returns EXIT_ERROR. */
int cli_fail(const char *cmd, int with_lib, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Print "tamga CMD: " + libtamga's last error; returns EXIT_ERROR. */
int cli_lib_error(const char *cmd);

/* "Try 'tamga CMD --help'." after a usage error; returns EXIT_ERROR. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A passphrase from a file (first line; "-" is standard input) or, when
 * file is NULL, from the environment variable env.  Never from argv.
 * Returns 0 with *out NULL when neither is set.  The caller frees with
 * cli_pass_free().
 */
int cli_pass_read(const char *cmd, const char *file, const char *env, char **out, size_t *len);
void cli_pass_free(char *pass, size_t len);

/* Parse a non-negative decimal; -1 on error. */
long cli_parse_uint(const char *s, long max);

/* Subcommand dispatch over a table; argv[0] is the group name. */
int cli_dispatch(const char *group, const struct cli_command *table, int argc, char **argv);

int cmd_pki(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_extend(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_pki_validate(int argc, char **argv);
int cmd_registry(int argc, char **argv);

#endif
