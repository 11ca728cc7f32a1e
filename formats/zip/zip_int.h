/*
 * formats/zip/zip_int.h - what zip.c (reading) and edit.c (editing) share
 * inside formats/zip/ (internal to the module).
 */
#ifndef TAMGA_FORMATS_ZIP_ZIP_INT_H
#define TAMGA_FORMATS_ZIP_ZIP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* One entry, as the central directory declares it and where its bytes are. */
struct tamga__zip_entry {
	const char *name;      /* NUL-terminated copy (names with NUL are refused) */
	size_t name_len;
	uint16_t flags, method;
	uint32_t crc, csize, usize;
	size_t local_off;      /* local header */
	size_t data_off;       /* compressed data */
	size_t local_end;      /* after the data and its descriptor: the next entry */
	size_t central_off;    /* central directory entry */
	size_t central_len;
};

struct tamga__zip {
	const unsigned char *data;   /* borrowed */
	size_t len;
	size_t count;
	struct tamga__zip_entry *entries;        /* directory (= file) order */
	struct tamga__zip_entry **by_name;       /* sorted by strcmp, for find */
	char *names;
	size_t cd_off, eocd_off, comment_off, comment_len;
};

/* Longest quoted name in a message, quotes and NUL included. */
#define TAMGA__ZIP_QUOTE_MAX TAMGA__QUOTE_MAX

void tamga__zip_quote(char out[TAMGA__ZIP_QUOTE_MAX], const char *name, size_t len);
/* Why the reader refuses name, or NULL when it is fine. */
const char *tamga__zip_name_problem(const char *name, size_t len);
/* strcmp with ASCII letters folded. */
int tamga__zip_casecmp(const char *a, const char *b);

#endif
