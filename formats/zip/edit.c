/*
 * formats/zip/edit.c - byte-preserving editing of ZIP packages (PKWARE
 * APPNOTE 6.3.x §4.3): what a signature adds to an OOXML or ODF package
 * must leave every signed part exactly as it was.
 *
 *   input:  [L1 D1][L2 D2][L3 D3] [C1 C2 C3] [EOCD comment]
 *   put L2, remove L3, put new L4:
 *   output: [L1 D1][L2' D2'][L4 D4] [C1* C2' C4] [EOCD' comment]
 *
 * Kept entries (L1 D1 and its descriptor) are copied as they are; their
 * central entries (C1*) too, with only the local header offset rewritten
 * (and the offset in a ZIP64 extra field, when a writer put one there).
 * Replaced entries keep their place; new ones go at the end in the order
 * they were added, without data descriptors or extra fields, so an ODF
 * "mimetype" written here satisfies ODF 1.2 Part 3 §3.3.  The central
 * directory and the end record are written here, not by libzip, which
 * does not promise to keep the bytes of entries it did not change.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/zip/zip.h"
#include "formats/zip/zip_int.h"

#define KEEP SIZE_MAX
#define REMOVED (SIZE_MAX - 1)

/* An entry written by the edit: its data already compressed. */
struct new_entry {
	char *name;
	size_t name_len;
	unsigned char *data;
	size_t csize, usize;
	uint32_t crc;
	int method;
};

struct tamga__zip_edit {
	const struct tamga__zip *zip;
	uint16_t dos_time, dos_date;
	size_t *state;                 /* per original entry: KEEP, REMOVED or an index into news */
	struct new_entry *news;
	size_t n_news, cap_news;
	size_t *added;                 /* indices into news, in the order added */
	size_t n_added;
};

static void wr16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)(v >> 8 & 0xff);
}

static void wr32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)(v >> 8 & 0xff);
	p[2] = (unsigned char)(v >> 16 & 0xff);
	p[3] = (unsigned char)(v >> 24 & 0xff);
}

/* MS-DOS date and time (APPNOTE §4.4.6), UTC: no time zone is recorded, so
 * the same edit gives the same bytes anywhere.  Before 1980: 1980-01-01. */
static void dos_datetime(tamga_time t, uint16_t *time_out, uint16_t *date_out)
{
	struct tm tm;
	time_t tt;

	*time_out = 0;
	*date_out = 1 << 5 | 1;
	if (t <= 0 || (tt = (time_t)t) != t || gmtime_r(&tt, &tm) == NULL || tm.tm_year < 80)
		return;
	if (tm.tm_year > 207) {
		*date_out = (uint16_t)(127 << 9 | 12 << 5 | 31);
		*time_out = (uint16_t)(23 << 11 | 59 << 5 | 29);
		return;
	}
	*date_out = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
	*time_out = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
}

int tamga__zip_edit_new(struct tamga__zip_edit **out, const struct tamga__zip *zip, tamga_time mtime)
{
	struct tamga__zip_edit *edit = NULL;
	size_t i;
	int error = 0;

	*out = NULL;
	if (zip == NULL) {
		error = tamga__error_set(TAMGA_EINVAL, "ZIP: no package to edit");
		goto done;
	}
	if ((edit = calloc(1, sizeof(*edit))) == NULL ||
	    (edit->state = calloc(zip->count ? zip->count : 1, sizeof(*edit->state))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	edit->zip = zip;
	for (i = 0; i < zip->count; i++)
		edit->state[i] = KEEP;
	dos_datetime(mtime, &edit->dos_time, &edit->dos_date);
	*out = edit;
	edit = NULL;
done:
	tamga__zip_edit_free(edit);
	return error;
}

static void new_entry_clear(struct new_entry *n)
{
	free(n->name);
	free(n->data);
	memset(n, 0, sizeof(*n));
}

void tamga__zip_edit_free(struct tamga__zip_edit *edit)
{
	size_t i;

	if (edit == NULL)
		return;
	for (i = 0; i < edit->n_news; i++)
		new_entry_clear(&edit->news[i]);
	free(edit->news);
	free(edit->added);
	free(edit->state);
	free(edit);
}

/* Compress len bytes of data into n (deflate unless store; stored when
 * deflating does not shrink it, or would exceed the reader's ratio limit). */
static int compress_into(struct new_entry *n, const void *data, size_t len, int store)
{
	z_stream z;
	unsigned char *buf = NULL;
	uLong bound;
	int rc, error = 0;

	n->usize = len;
	n->crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)len);
	if (!store && len > 0) {
		memset(&z, 0, sizeof(z));
		if ((rc = deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY)) != Z_OK) {
			error = rc == Z_MEM_ERROR ? tamga__error_oom()
			                          : tamga__error_set(TAMGA_ERROR, "ZIP: zlib deflateInit2 failed (%d)", rc);
			goto done;
		}
		bound = deflateBound(&z, (uLong)len);
		if ((buf = malloc(bound)) == NULL) {
			deflateEnd(&z);
			error = tamga__error_oom();
			goto done;
		}
		z.next_in = (unsigned char *)(uintptr_t)data;
		z.avail_in = (uInt)len;
		z.next_out = buf;
		z.avail_out = (uInt)bound;
		rc = deflate(&z, Z_FINISH);
		deflateEnd(&z);
		if (rc != Z_STREAM_END) {
			error = tamga__error_set(TAMGA_ERROR, "ZIP: zlib deflate failed (%d)", rc);
			goto done;
		}
		if (z.total_out < len &&
		    !(len > ((size_t)1 << 20) && (uint64_t)len > (uint64_t)z.total_out * TAMGA__ZIP_MAX_RATIO)) {
			n->data = buf;
			n->csize = z.total_out;
			n->method = 8;
			buf = NULL;
			goto done;
		}
	}
	if ((n->data = malloc(len ? len : 1)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if (len)
		memcpy(n->data, data, len);
	n->csize = len;
	n->method = 0;
done:
	free(buf);
	return error;
}

/* The live entry named name: an original (*orig set) or an added one (*add
 * set to its place in edit->added).  0 when none. */
static int lookup(const struct tamga__zip_edit *edit, const char *name, size_t *orig, size_t *add)
{
	long i = tamga__zip_find(edit->zip, name);
	size_t k;

	*orig = *add = SIZE_MAX;
	if (i >= 0 && edit->state[i] != REMOVED) {
		*orig = (size_t)i;
		return 1;
	}
	for (k = 0; k < edit->n_added; k++) {
		if (strcmp(edit->news[edit->added[k]].name, name) == 0) {
			*add = k;
			return 1;
		}
	}
	return 0;
}

static const char *live_name(const struct tamga__zip_edit *edit, size_t i)
{
	if (edit->state[i] == REMOVED)
		return NULL;
	if (edit->state[i] == KEEP)
		return edit->zip->entries[i].name;
	return edit->news[edit->state[i]].name;
}

/* A free slot in edit->news. */
static int news_slot(struct tamga__zip_edit *edit, size_t *out)
{
	size_t i;

	for (i = 0; i < edit->n_news; i++) {
		if (edit->news[i].name == NULL) {
			*out = i;
			return 0;
		}
	}
	if (edit->n_news == edit->cap_news) {
		size_t cap = edit->cap_news ? edit->cap_news * 2 : 8;
		struct new_entry *p = realloc(edit->news, cap * sizeof(*p));
		size_t *a;

		if (p == NULL)
			return tamga__error_oom();
		edit->news = p;
		if ((a = realloc(edit->added, cap * sizeof(*a))) == NULL)
			return tamga__error_oom();
		edit->added = a;
		edit->cap_news = cap;
	}
	memset(&edit->news[edit->n_news], 0, sizeof(edit->news[0]));
	*out = edit->n_news++;
	return 0;
}

int tamga__zip_edit_put(struct tamga__zip_edit *edit, const char *name, const void *data, size_t len, int flags)
{
	struct new_entry n;
	char q[TAMGA__ZIP_QUOTE_MAX];
	const char *problem;
	size_t name_len, orig, add, i, live = 0, slot = 0;
	int error = 0, found;

	memset(&n, 0, sizeof(n));
	if (edit == NULL || name == NULL || (data == NULL && len > 0) || (flags & ~TAMGA__ZIP_STORE) != 0) {
		error = tamga__error_set(TAMGA_EINVAL, "ZIP: bad arguments to put");
		goto done;
	}
	name_len = strlen(name);
	tamga__zip_quote(q, name, name_len);
	if ((problem = tamga__zip_name_problem(name, name_len)) != NULL || name_len > 0xffff) {
		error = tamga__error_set(TAMGA_EINVAL, "ZIP: cannot add entry %s: %s", q,
		                         problem ? problem : "name too long");
		goto done;
	}
	if (name[name_len - 1] == '/' && len > 0) {
		error = tamga__error_set(TAMGA_EINVAL, "ZIP: directory entry %s cannot hold data", q);
		goto done;
	}
	if (len > TAMGA__ZIP_MAX_ENTRY) {
		error = tamga__error_set(TAMGA_ELIMIT, "ZIP: entry %s: %zu bytes, more than the limit of %zu", q, len,
		                         TAMGA__ZIP_MAX_ENTRY);
		goto done;
	}
	found = lookup(edit, name, &orig, &add);
	/* A name that differs from a live one only in case would make the
	 * package one the reader refuses. */
	for (i = 0; i < edit->zip->count + edit->n_added; i++) {
		const char *other = i < edit->zip->count ? live_name(edit, i)
		                                         : edit->news[edit->added[i - edit->zip->count]].name;

		if (other == NULL)
			continue;
		live++;
		if (strcmp(other, name) != 0 && tamga__zip_casecmp(other, name) == 0) {
			char oq[TAMGA__ZIP_QUOTE_MAX];

			tamga__zip_quote(oq, other, strlen(other));
			error = tamga__error_set(TAMGA_EINVAL, "ZIP: cannot add entry %s: it differs only in case from %s",
			                         q, oq);
			goto done;
		}
	}
	if (!found && live >= TAMGA__ZIP_MAX_ENTRIES) {
		error = tamga__error_set(TAMGA_ELIMIT, "ZIP: more than %d entries", TAMGA__ZIP_MAX_ENTRIES);
		goto done;
	}
	if ((n.name = tamga__strdup(name)) == NULL) {
		error = TAMGA_ENOMEM;
		goto done;
	}
	n.name_len = name_len;
	/* ODF 1.2 Part 3 §3.3: "mimetype" is stored, never compressed. */
	if ((error = compress_into(&n, data, len, (flags & TAMGA__ZIP_STORE) || strcmp(name, "mimetype") == 0)) < 0)
		goto done;
	if (orig != SIZE_MAX && edit->state[orig] != KEEP) {
		slot = edit->state[orig];
		new_entry_clear(&edit->news[slot]);
	} else if (add != SIZE_MAX) {
		slot = edit->added[add];
		new_entry_clear(&edit->news[slot]);
	} else if ((error = news_slot(edit, &slot)) < 0) {
		goto done;
	}
	edit->news[slot] = n;
	memset(&n, 0, sizeof(n));
	if (orig != SIZE_MAX)
		edit->state[orig] = slot;
	else if (add == SIZE_MAX)
		edit->added[edit->n_added++] = slot;
done:
	new_entry_clear(&n);
	return error;
}

int tamga__zip_edit_remove(struct tamga__zip_edit *edit, const char *name)
{
	char q[TAMGA__ZIP_QUOTE_MAX];
	size_t orig, add;

	if (edit == NULL || name == NULL)
		return tamga__error_set(TAMGA_EINVAL, "ZIP: bad arguments to remove");
	if (!lookup(edit, name, &orig, &add)) {
		tamga__zip_quote(q, name, strlen(name));
		return tamga__error_set(TAMGA_ENOTFOUND, "ZIP: no entry %s to remove", q);
	}
	if (orig != SIZE_MAX) {
		if (edit->state[orig] != KEEP)
			new_entry_clear(&edit->news[edit->state[orig]]);
		edit->state[orig] = REMOVED;
	} else {
		new_entry_clear(&edit->news[edit->added[add]]);
		memmove(edit->added + add, edit->added + add + 1, (edit->n_added - add - 1) * sizeof(*edit->added));
		edit->n_added--;
	}
	return 0;
}

/* Local header and data of a new entry into out, its central entry into cd. */
static int write_new(const struct tamga__zip_edit *edit, const struct new_entry *n, size_t offset, tamga_buf *out,
                     tamga_buf *cd)
{
	unsigned char h[46];
	unsigned flags = 0, needed = n->method == 8 ? 20 : 10;
	size_t i;
	int error;

	/* Bit 11: the name is UTF-8 (APPNOTE Appendix D), said whenever it is
	 * not plain ASCII. */
	for (i = 0; i < n->name_len; i++)
		if ((unsigned char)n->name[i] >= 0x80)
			flags = 1u << 11;
	wr32(h, 0x04034b50u);
	wr16(h + 4, needed);
	wr16(h + 6, flags);
	wr16(h + 8, (unsigned)n->method);
	wr16(h + 10, edit->dos_time);
	wr16(h + 12, edit->dos_date);
	wr32(h + 14, n->crc);
	wr32(h + 18, (uint32_t)n->csize);
	wr32(h + 22, (uint32_t)n->usize);
	wr16(h + 26, (unsigned)n->name_len);
	wr16(h + 28, 0);
	if ((error = tamga__buf_append(out, h, 30)) < 0 || (error = tamga__buf_append(out, n->name, n->name_len)) < 0 ||
	    (error = tamga__buf_append(out, n->data, n->csize)) < 0)
		return error;
	wr32(h, 0x02014b50u);
	wr16(h + 4, 20);                 /* made by: MS-DOS attributes, APPNOTE 2.0 */
	wr16(h + 6, needed);
	wr16(h + 8, flags);
	wr16(h + 10, (unsigned)n->method);
	wr16(h + 12, edit->dos_time);
	wr16(h + 14, edit->dos_date);
	wr32(h + 16, n->crc);
	wr32(h + 20, (uint32_t)n->csize);
	wr32(h + 24, (uint32_t)n->usize);
	wr16(h + 28, (unsigned)n->name_len);
	wr16(h + 30, 0);
	wr16(h + 32, 0);
	wr16(h + 34, 0);
	wr16(h + 36, 0);
	wr32(h + 38, n->name[n->name_len - 1] == '/' ? 0x10 : 0);   /* MS-DOS directory attribute */
	wr32(h + 42, (uint32_t)offset);
	if ((error = tamga__buf_append(cd, h, 46)) < 0 || (error = tamga__buf_append(cd, n->name, n->name_len)) < 0)
		return error;
	return 0;
}

/* A kept entry: local bytes as they are, central entry with the new offset. */
static int write_kept(const struct tamga__zip *zip, const struct tamga__zip_entry *e, size_t offset, tamga_buf *out,
                      tamga_buf *cd)
{
	const unsigned char *c = zip->data + e->central_off;
	size_t at = cd->size, x, i, n;
	unsigned char *p;
	int error;

	if ((error = tamga__buf_append(out, zip->data + e->local_off, e->local_end - e->local_off)) < 0 ||
	    (error = tamga__buf_append(cd, c, e->central_len)) < 0)
		return error;
	p = cd->ptr + at;
	wr32(p + 42, (uint32_t)offset);
	/* The ZIP64 extra field, when present, may repeat the offset as its
	 * third value: the reader checks it, so it moves too. */
	x = (size_t)(p[30] | p[31] << 8);
	p += 46 + e->name_len;
	for (i = 0; x - i >= 4; i += 4 + n) {
		n = (size_t)(p[i + 2] | p[i + 3] << 8);
		if (n > x - i - 4)
			break;
		if ((p[i] | p[i + 1] << 8) == 0x0001 && n >= 24) {
			wr32(p + i + 4 + 16, (uint32_t)offset);
			wr32(p + i + 4 + 20, 0);
		}
	}
	return 0;
}

int tamga__zip_edit_finish(struct tamga__zip_edit *edit, tamga_buf *out)
{
	const struct tamga__zip *zip;
	tamga_buf cd = TAMGA_BUF_INIT;
	unsigned char eocd[22];
	size_t base, i, count = 0, total = 0;
	int error = 0;

	if (edit == NULL || out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "ZIP: bad arguments to finish");
	zip = edit->zip;
	base = out->size;
	for (i = 0; i < zip->count + edit->n_added; i++) {
		size_t offset = out->size - base;

		if (offset > 0xfffffffeu) {
			error = tamga__error_set(TAMGA_EUNSUPPORTED, "ZIP: the package would need ZIP64 (over 4 GiB)");
			goto done;
		}
		if (i >= zip->count) {
			const struct new_entry *n = &edit->news[edit->added[i - zip->count]];

			error = write_new(edit, n, offset, out, &cd);
			total += n->usize;
		} else if (edit->state[i] == REMOVED) {
			continue;
		} else if (edit->state[i] == KEEP) {
			error = write_kept(zip, &zip->entries[i], offset, out, &cd);
			total += zip->entries[i].usize;
		} else {
			error = write_new(edit, &edit->news[edit->state[i]], offset, out, &cd);
			total += edit->news[edit->state[i]].usize;
		}
		if (error < 0)
			goto done;
		count++;
	}
	if (total > TAMGA__ZIP_MAX_TOTAL) {
		error = tamga__error_set(TAMGA_ELIMIT, "ZIP: more than %zu bytes uncompressed in all", TAMGA__ZIP_MAX_TOTAL);
		goto done;
	}
	if (out->size - base > 0xfffffffeu || cd.size > 0xfffffffeu - (out->size - base)) {
		error = tamga__error_set(TAMGA_EUNSUPPORTED, "ZIP: the package would need ZIP64 (over 4 GiB)");
		goto done;
	}
	wr32(eocd, 0x06054b50u);
	wr16(eocd + 4, 0);
	wr16(eocd + 6, 0);
	wr16(eocd + 8, (unsigned)count);
	wr16(eocd + 10, (unsigned)count);
	wr32(eocd + 12, (uint32_t)cd.size);
	wr32(eocd + 16, (uint32_t)(out->size - base));
	wr16(eocd + 20, (unsigned)zip->comment_len);
	if ((error = tamga__buf_append(out, cd.ptr, cd.size)) < 0 || (error = tamga__buf_append(out, eocd, 22)) < 0 ||
	    (error = tamga__buf_append(out, zip->data + zip->comment_off, zip->comment_len)) < 0)
		goto done;
done:
	if (error < 0 && out->ptr != NULL) {
		out->size = base;
		out->ptr[base] = '\0';
	}
	tamga_buf_dispose(&cd);
	return error;
}
