/*
 * server/pass.c - key passphrases for tamgad's roles: the first line of a
 * file, else an environment variable; never the command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

int read_pass(const char *file, const char *flag, const char *env, int required, char *buf, size_t size,
              size_t *len)
{
	const char *value;
	FILE *f;
	int c;

	*len = 0;
	if (file[0] == '\0') {
		if ((value = getenv(env)) == NULL || *value == '\0') {
			if (required)
				fprintf(stderr, "tamgad: the key passphrase is missing: give --%s FILE or set $%s\n",
				        flag, env);
			return required ? -1 : 0;
		}
		if (strlen(value) >= size) {
			fprintf(stderr, "tamgad: $%s is longer than %zu bytes\n", env, size - 1);
			return -1;
		}
		*len = strlen(value);
		memcpy(buf, value, *len);
		return 0;
	}
	if ((f = fopen(file, "r")) == NULL) {
		fprintf(stderr, "tamgad: cannot read the pass file %s: %s\n", file, strerror(errno));
		return -1;
	}
	while ((c = getc(f)) != EOF && c != '\n') {
		if (*len + 1 >= size) {
			fclose(f);
			fprintf(stderr, "tamgad: %s: the passphrase line is too long\n", file);
			return -1;
		}
		buf[(*len)++] = (char)c;
	}
	fclose(f);
	if (*len > 0 && buf[*len - 1] == '\r')
		(*len)--;
	if (*len == 0) {
		fprintf(stderr, "tamgad: the passphrase in %s is empty\n", file);
		return -1;
	}
	return 0;
}
