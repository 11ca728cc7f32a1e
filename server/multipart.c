/*
 * server/multipart.c - the multipart/form-data splitter of multipart.h.
 * Every length is checked against the end of the body before it is used:
 * the body is hostile, and tests/fuzz/fuzz_multipart.c says so.
 */
#include <string.h>
#include <strings.h>

#include "multipart.h"

/* Copy the value of parameter param ("name", "filename") from a header
 * value such as 'form-data; name="document"; filename="a.pdf"'. */
static void header_param(const char *v, size_t vlen, const char *param, char *out, size_t size)
{
	size_t plen = strlen(param), i = 0;

	out[0] = '\0';
	while (i < vlen) {
		size_t n = 0;

		/* to the next ';' outside quotes */
		while (i < vlen && v[i] != ';') {
			if (v[i] == '"') {
				for (i++; i < vlen && v[i] != '"'; i++)
					if (v[i] == '\\' && i + 1 < vlen)
						i++;
			}
			if (i < vlen)
				i++;
		}
		if (i >= vlen)
			return;
		i++;
		while (i < vlen && (v[i] == ' ' || v[i] == '\t'))
			i++;
		if (vlen - i <= plen || strncasecmp(v + i, param, plen) != 0 || v[i + plen] != '=')
			continue;
		i += plen + 1;
		if (i < vlen && v[i] == '"') {
			for (i++; i < vlen && v[i] != '"'; i++) {
				if (v[i] == '\\' && i + 1 < vlen)
					i++;
				if (n + 1 < size)
					out[n++] = v[i];
			}
		} else {
			for (; i < vlen && v[i] != ';' && v[i] != ' ' && v[i] != '\t'; i++)
				if (n + 1 < size)
					out[n++] = v[i];
		}
		out[n] = '\0';
		return;
	}
}

int mp_boundary(const char *content_type, char out[MP_BOUNDARY_MAX + 1])
{
	static const char mt[] = "multipart/form-data";
	char tmp[MP_BOUNDARY_MAX + 2];
	size_t len;

	out[0] = '\0';
	if (content_type == NULL)
		return -1;
	while (*content_type == ' ' || *content_type == '\t')
		content_type++;
	if (strncasecmp(content_type, mt, sizeof(mt) - 1) != 0)
		return -1;
	len = strlen(content_type);
	header_param(content_type, len, "boundary", tmp, sizeof(tmp));
	len = strlen(tmp);
	if (len == 0 || len > MP_BOUNDARY_MAX)
		return -1;
	memcpy(out, tmp, len + 1);
	return 0;
}

static const unsigned char *find(const unsigned char *hay, size_t hlen, const void *needle, size_t nlen)
{
	return memmem(hay, hlen, needle, nlen);
}

/* Parse one part's header block [h, h + hlen) (lines separated by CRLF). */
static void part_headers(const unsigned char *h, size_t hlen, struct mp_part *part)
{
	const char *p = (const char *)h, *end = p + hlen;

	while (p < end) {
		const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
		const char *colon;
		size_t llen;

		if (eol == NULL)
			eol = end;
		llen = (size_t)(eol - p);
		colon = memchr(p, ':', llen);
		if (colon != NULL) {
			size_t nlen = (size_t)(colon - p);
			const char *v = colon + 1;

			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			if (nlen == 19 && strncasecmp(p, "Content-Disposition", 19) == 0) {
				header_param(v, (size_t)(eol - v), "name", part->name, sizeof(part->name));
				header_param(v, (size_t)(eol - v), "filename", part->filename, sizeof(part->filename));
			} else if (nlen == 12 && strncasecmp(p, "Content-Type", 12) == 0) {
				size_t n = (size_t)(eol - v);

				if (n >= sizeof(part->content_type))
					n = sizeof(part->content_type) - 1;
				memcpy(part->content_type, v, n);
				part->content_type[n] = '\0';
			}
		}
		if (eol == end)
			break;
		p = eol + 2;
	}
}

int mp_parse(const unsigned char *body, size_t len, const char *boundary, struct mp_part *parts, size_t max,
             const char **err)
{
	unsigned char delim[MP_BOUNDARY_MAX + 4];
	size_t blen = boundary ? strlen(boundary) : 0, dlen;
	const unsigned char *p, *end = body + len;
	int count = 0;

	*err = "bad multipart body";
	if (blen == 0 || blen > MP_BOUNDARY_MAX) {
		*err = "bad multipart boundary";
		return -1;
	}
	/* delim = CRLF "--" boundary; the first may start the body without CRLF */
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, boundary, blen);
	dlen = blen + 4;
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		p = body + dlen - 2;
	} else {
		const unsigned char *d = len ? find(body, len, delim, dlen) : NULL;

		if (d == NULL) {
			*err = "the multipart body has no boundary";
			return -1;
		}
		p = d + dlen;
	}
	for (;;) {
		const unsigned char *hend, *next;
		struct mp_part *part;

		/* after a delimiter: "--" closes; else transport padding, CRLF */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return count;
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			*err = "the multipart body ends without its final boundary";
			return -1;
		}
		p += 2;
		if ((size_t)count >= max) {
			*err = "too many parts in the multipart body";
			return -1;
		}
		/* header block: up to an empty line (possibly none at all) */
		if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
			hend = p;
		} else {
			size_t room = (size_t)(end - p);

			if (room > MP_HEADERS_MAX + 4)
				room = MP_HEADERS_MAX + 4;
			hend = find(p, room, "\r\n\r\n", 4);
			if (hend == NULL) {
				*err = "a multipart header block does not end";
				return -1;
			}
			hend += 2;
		}
		part = &parts[count];
		memset(part, 0, sizeof(*part));
		part_headers(p, (size_t)(hend - p), part);
		p = hend + 2;
		next = find(p, (size_t)(end - p), delim, dlen);
		if (next == NULL) {
			*err = "the multipart body ends without its final boundary";
			return -1;
		}
		part->data = p;
		part->len = (size_t)(next - p);
		count++;
		p = next + dlen;
	}
}

const struct mp_part *mp_find(const struct mp_part *parts, int count, const char *name)
{
	for (int i = 0; i < count; i++)
		if (strcmp(parts[i].name, name) == 0)
			return &parts[i];
	return NULL;
}
