/*
 * server/sbuf.c - tamgad's byte strings and the escaping every page and
 * JSON answer goes through.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

void sb_free(struct sbuf *sb)
{
	free(sb->ptr);
	sb->ptr = NULL;
	sb->len = sb->cap = 0;
	sb->failed = 0;
}

static int grow(struct sbuf *sb, size_t extra)
{
	size_t want, cap;
	char *p;

	if (sb->failed)
		return -1;
	if (extra > (size_t)-1 / 2 - sb->len) {
		sb->failed = 1;
		return -1;
	}
	want = sb->len + extra + 1;
	if (want <= sb->cap)
		return 0;
	cap = sb->cap ? sb->cap : 256;
	while (cap < want)
		cap *= 2;
	if ((p = realloc(sb->ptr, cap)) == NULL) {
		sb->failed = 1;
		return -1;
	}
	sb->ptr = p;
	sb->cap = cap;
	return 0;
}

void sb_add(struct sbuf *sb, const void *data, size_t len)
{
	if (grow(sb, len) < 0)
		return;
	if (len)
		memcpy(sb->ptr + sb->len, data, len);
	sb->len += len;
	sb->ptr[sb->len] = '\0';
}

void sb_puts(struct sbuf *sb, const char *s)
{
	sb_add(sb, s, strlen(s));
}

void sb_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		sb->failed = 1;
		return;
	}
	if (grow(sb, (size_t)n) < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(sb->ptr + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void sb_html(struct sbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': sb_puts(sb, "&amp;"); break;
		case '<': sb_puts(sb, "&lt;"); break;
		case '>': sb_puts(sb, "&gt;"); break;
		case '"': sb_puts(sb, "&quot;"); break;
		case '\'': sb_puts(sb, "&#39;"); break;
		default: sb_add(sb, s, 1); break;
		}
	}
}

void sb_json(struct sbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			sb_printf(sb, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			sb_printf(sb, "\\u%04x", c);
		else if (c == '<' || c == '>' || c == '&') /* safe inside <script> too */
			sb_printf(sb, "\\u%04x", c);
		else
			sb_add(sb, s, 1);
	}
}

char *sb_take(struct sbuf *sb, size_t *len)
{
	char *p = sb->failed ? NULL : sb->ptr;

	if (p == NULL)
		free(sb->ptr);
	else if (len)
		*len = sb->len;
	if (p == NULL && sb->len == 0 && !sb->failed) { /* nothing appended yet */
		p = malloc(1);
		if (p)
			*p = '\0';
		if (len)
			*len = 0;
	}
	sb->ptr = NULL;
	sb->len = sb->cap = 0;
	sb->failed = 0;
	return p;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void sb_base64(struct sbuf *sb, const void *data, size_t len)
{
	const unsigned char *p = data;
	char q[4];

	if (grow(sb, (len + 2) / 3 * 4) < 0)
		return;
	for (; len >= 3; p += 3, len -= 3) {
		q[0] = b64[p[0] >> 2];
		q[1] = b64[(p[0] & 3) << 4 | p[1] >> 4];
		q[2] = b64[(p[1] & 15) << 2 | p[2] >> 6];
		q[3] = b64[p[2] & 63];
		sb_add(sb, q, 4);
	}
	if (len) {
		q[0] = b64[p[0] >> 2];
		q[1] = b64[(p[0] & 3) << 4 | (len > 1 ? p[1] >> 4 : 0)];
		q[2] = len > 1 ? b64[(p[1] & 15) << 2] : '=';
		q[3] = '=';
		sb_add(sb, q, 4);
	}
}

int sb_unbase64(struct sbuf *sb, const char *text, size_t len)
{
	size_t start = sb->len, pad = 0;
	unsigned acc = 0;
	int bits = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		const char *at;
		unsigned char b;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || (at = memchr(b64, c, 64)) == NULL || c == '\0')
			goto bad;
		acc = (acc << 6 | (unsigned)(at - b64)) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			b = (unsigned char)(acc >> bits);
			sb_add(sb, &b, 1);
		}
	}
	if (pad > 2 || bits >= 6)
		goto bad;
	return sb->failed ? -1 : 0;
bad:
	if (!sb->failed && sb->ptr) {
		sb->len = start;
		sb->ptr[start] = '\0';
	}
	return -1;
}
