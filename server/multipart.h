/*
 * server/multipart.h - multipart/form-data (RFC 7578 over RFC 2046 §5.1)
 * for uploads: the whole body is in memory (tamgad bounds it by max_body),
 * and parts point into it.  No libmicrohttpd here, so that the fuzz target
 * (tests/fuzz/fuzz_multipart.c) can include the .c file.
 *
 *     --BOUNDARY CRLF
 *     Content-Disposition: form-data; name="document"; filename="a.pdf" CRLF
 *     Content-Type: application/pdf CRLF
 *     CRLF
 *     <bytes> CRLF
 *     --BOUNDARY CRLF
 *     ...
 *     --BOUNDARY-- [epilogue]
 */
#ifndef TAMGAD_MULTIPART_H
#define TAMGAD_MULTIPART_H

#include <stddef.h>

#define MP_BOUNDARY_MAX 70      /* RFC 2046 §5.1.1 */
#define MP_PARTS_MAX 64         /* more parts is an error, not a truncation */
#define MP_HEADERS_MAX 8192     /* bytes of one part's header block */

struct mp_part {
	char name[128];
	char filename[256];
	char content_type[128];
	const unsigned char *data;  /* borrowed from the body */
	size_t len;
};

/*
 * The boundary parameter of a Content-Type value, if it is
 * multipart/form-data: 0 and the boundary in out (MP_BOUNDARY_MAX + 1
 * bytes), or -1.
 */
int mp_boundary(const char *content_type, char out[MP_BOUNDARY_MAX + 1]);

/*
 * Split body into at most max parts: the count (>= 0), or -1 with *err a
 * short static message for people (a missing boundary, no final
 * delimiter, a header block that never ends, too many parts).
 */
int mp_parse(const unsigned char *body, size_t len, const char *boundary, struct mp_part *parts, size_t max,
             const char **err);

/* The first part named name, or NULL. */
const struct mp_part *mp_find(const struct mp_part *parts, int count, const char *name);

#endif
