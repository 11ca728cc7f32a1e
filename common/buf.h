/*
 * common/buf.h - growing byte buffers, hex (internal).
 */
#ifndef TAMGA_COMMON_BUF_H
#define TAMGA_COMMON_BUF_H

#include <tamga/common.h>

/** Append len bytes; TAMGA_ENOMEM on failure (buf unchanged).  The buffer
 *  always keeps one NUL byte after its contents, so text can be read as a
 *  C string. */
int tamga__buf_append(tamga_buf *buf, const void *data, size_t len);
int tamga__buf_puts(tamga_buf *buf, const char *s);
/** Make room for at least extra more bytes without changing the contents. */
int tamga__buf_reserve(tamga_buf *buf, size_t extra);
int tamga__buf_printf(tamga_buf *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Lowercase hex of len bytes into out (2*len+1 bytes). */
void tamga__hex(char *out, const unsigned char *data, size_t len);

/** Value of one hex digit (either case), or -1. */
int tamga__hexval(int c);

/** Size of the buffer tamga__quote() fills. */
#define TAMGA__QUOTE_MAX 120

/** A name taken from a document, ready for an error message: in double
 *  quotes, anything but printable ASCII (and '"', '\\') as \xNN, cut
 *  with "..." when long.  len bytes of s (NULL: ""); returns out. */
const char *tamga__quote(char out[TAMGA__QUOTE_MAX], const char *s, size_t len);

/** malloc'd "a/b"; NULL on out of memory (error set). */
char *tamga__path_join(const char *dir, const char *name);

/** strdup that records TAMGA_ENOMEM. */
char *tamga__strdup(const char *s);

#endif
