/*
 * server/upload.c - small request helpers both roles use (server.h).
 */
#include <string.h>
#include <strings.h>

#include "server.h"

int req_is_type(const struct request *req, const char *mt)
{
	const char *ct = req_header(req, "Content-Type");
	size_t n = strlen(mt);

	if (ct == NULL)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return strncasecmp(ct, mt, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

int req_wants_json(const struct request *req)
{
	const char *accept = req_header(req, "Accept");

	return accept != NULL && strcasestr(accept, "application/json") != NULL;
}

int text_ok(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;

	if (strlen(s) > max)
		return 0;
	while (*p) {
		unsigned cp;
		int n;

		if (*p < 0x20 || *p == 0x7f)
			return 0;
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0)
			cp = *p & 0x1f, n = 1;
		else if ((*p & 0xf0) == 0xe0)
			cp = *p & 0x0f, n = 2;
		else if ((*p & 0xf8) == 0xf0)
			cp = *p & 0x07, n = 3;
		else
			return 0;
		p++;
		for (int i = 0; i < n; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (*p & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

int path_segment(const char *path, const char *prefix, char *out, size_t size, const char **rest)
{
	size_t plen = strlen(prefix), n;

	if (strncmp(path, prefix, plen) != 0)
		return -1;
	path += plen;
	n = strcspn(path, "/");
	if (n == 0 || n >= size)
		return -1;
	memcpy(out, path, n);
	out[n] = '\0';
	*rest = path + n;
	return 0;
}

void json_str_or_null(struct sbuf *sb, const char *s)
{
	if (s == NULL || *s == '\0') {
		sb_puts(sb, "null");
		return;
	}
	sb_puts(sb, "\"");
	sb_json(sb, s);
	sb_puts(sb, "\"");
}

void str_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}
