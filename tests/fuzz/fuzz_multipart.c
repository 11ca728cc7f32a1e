/*
 * tests/fuzz/fuzz_multipart.c - tamgad's upload parsers (server/multipart.c,
 * and server/json.c for the "metadata" part), included as source: the
 * server is not part of libtamga.
 *
 * Input: the first line is the Content-Type header value, the rest the
 * body.  Any input must give a count or -1, never a crash; every part
 * must lie inside the body, in order, without overlap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../server/json.c"
#include "../../server/multipart.c"
#include "../../server/sbuf.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char ct[512], boundary[MP_BOUNDARY_MAX + 1];
	struct mp_part parts[MP_PARTS_MAX];
	const unsigned char *body, *prev_end;
	const char *err;
	size_t clen, blen;
	int n;

	if (nl == NULL)
		return 0;
	clen = (size_t)(nl - data);
	if (clen >= sizeof(ct))
		return 0;
	memcpy(ct, data, clen);
	ct[clen] = '\0';
	blen = size - clen - 1;
	/* an exact-size copy, so that a read past the body is caught */
	body = malloc(blen ? blen : 1);
	if (body == NULL)
		return 0;
	memcpy((void *)body, nl + 1, blen);
	if (mp_boundary(ct, boundary) == 0) {
		if (strlen(boundary) == 0 || strlen(boundary) > MP_BOUNDARY_MAX)
			abort();
		n = mp_parse(body, blen, boundary, parts, MP_PARTS_MAX, &err);
		if (n < -1 || n > MP_PARTS_MAX || (n < 0 && err == NULL))
			abort();
		prev_end = body;
		for (int i = 0; i < n; i++) {
			if (parts[i].data < prev_end || parts[i].data + parts[i].len > body + blen)
				abort();
			prev_end = parts[i].data + parts[i].len;
			if (strcmp(parts[i].name, "metadata") == 0) {
				struct json *j = json_parse((const char *)parts[i].data, parts[i].len, &err);

				if (j && j->type == JSON_OBJECT)
					(void)json_get_str(j, "title");
				json_free(j);
			}
		}
		if (n > 0 && mp_find(parts, n, parts[0].name) != &parts[0])
			abort();
	}
	free((void *)body);
	return 0;
}
