/*
 * server/sbuf.h - a growing byte string for tamgad (the server sees only
 * libtamga's public headers, so it keeps its own).  Every function is safe
 * to call after a failure: the first out-of-memory sticks in sb->failed and
 * later appends do nothing, so a page is built with plain calls and checked
 * once at the end.
 */
#ifndef TAMGAD_SBUF_H
#define TAMGAD_SBUF_H

#include <stddef.h>

struct sbuf {
	char *ptr;        /* NUL-terminated while !failed */
	size_t len, cap;
	int failed;
};

#define SBUF_INIT { NULL, 0, 0, 0 }

void sb_free(struct sbuf *sb);
void sb_add(struct sbuf *sb, const void *data, size_t len);
void sb_puts(struct sbuf *sb, const char *s);
void sb_printf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s escaped for HTML text and attribute values (& < > " '). */
void sb_html(struct sbuf *sb, const char *s);
/* s escaped as the inside of a JSON string (UTF-8 kept, controls as \u00XX). */
void sb_json(struct sbuf *sb, const char *s);
/* data as base64 (RFC 4648 §4, with padding, no line breaks). */
void sb_base64(struct sbuf *sb, const void *data, size_t len);
/* Decode base64 text (RFC 4648 §4; whitespace ignored, padding optional)
 * and append the bytes; -1 (sb unchanged but for failed) on bad input. */
int sb_unbase64(struct sbuf *sb, const char *text, size_t len);
/* Take the string (caller frees); NULL when failed.  sb is reset. */
char *sb_take(struct sbuf *sb, size_t *len);

#endif
