/*
 * tests/fuzz/fuzz_time.c - the RFC 3339 parser (common/time.c).
 * Any input must give 0 or TAMGA_EFORMAT/TAMGA_EINVAL, never a crash; a
 * parsed time must format and parse back to the same instant.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/common.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	tamga_time t, back;
	char buf[TAMGA_TIME_BUFSIZE];
	int rc;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	rc = tamga_time_parse(&t, s);
	if (rc == 0) {
		tamga_time_format(buf, t);
		if (tamga_time_parse(&back, buf) != 0 || back != t)
			abort();
	} else if (rc != TAMGA_EFORMAT && rc != TAMGA_EINVAL) {
		abort();
	}
	free(s);
	return 0;
}
