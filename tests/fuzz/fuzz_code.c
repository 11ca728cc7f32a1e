/*
 * tests/fuzz/fuzz_code.c - reading document codes (formats/qr/code.c).
 * Any input must give 0 or TAMGA_EFORMAT, never a crash; a code read
 * must be in printed form, read back to itself, and agree with the
 * compact form; a failure must leave out empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/code.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char out[TAMGA_CODE_BUFSIZE], again[TAMGA_CODE_BUFSIZE], compact[TAMGA_CODE_BUFSIZE];
	int rc, i, n;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	rc = tamga_code_normalize(out, s);
	if (rc == 0) {
		if (strlen(out) != TAMGA_CODE_LEN)
			abort();
		for (i = 4; i < TAMGA_CODE_LEN; i += 5)
			if (out[i] != '-')
				abort();
		if (tamga_code_normalize(again, out) != 0 || strcmp(again, out) != 0)
			abort();
		if (tamga_code_compact(compact, s) != 0 || strlen(compact) != TAMGA_CODE_COMPACT_LEN)
			abort();
		for (i = 0, n = 0; out[i]; i++)
			if (out[i] != '-' && out[i] != compact[n++])
				abort();
	} else if (rc != TAMGA_EFORMAT || out[0] != '\0') {
		abort();
	}
	free(s);
	return 0;
}
