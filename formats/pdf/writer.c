/*
 * formats/pdf/writer.c - incremental updates (ISO 32000-1 §7.5.6).
 *
 *     original bytes, untouched ... %%EOF
 *     N 0 obj ... endobj            new and replaced objects
 *     xref / xref stream            in the style of the newest section
 *     trailer << /Size /Prev /Root /Info /ID >>
 *     startxref NNN
 *     %%EOF
 *
 * The original file is an exact byte prefix of the result: earlier
 * signatures keep covering exactly what they covered.  The update's
 * cross-reference section has the same style as the file's newest one
 * (classic table, or stream), because some readers handle a file whose
 * sections mix styles only if it was made hybrid on purpose.
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/pdf/pdf.h"

/* Highest object number an update may allocate (§ C.2: 8 388 607). */
#define MAX_OBJECT_NUMBER 8388607u

struct entry {
	uint32_t num;
	uint16_t gen;
	pdf_obj *obj;
	size_t offset;           /* set while writing */
};

struct pdf_update {
	pdf_doc *doc;
	pdf_arena *arena;
	struct entry *entries;
	size_t count, cap;
	uint32_t next;           /* next fresh object number */
};

int tamga__pdf_update_new(pdf_update **out, pdf_doc *doc)
{
	pdf_update *up;

	*out = NULL;
	if ((up = calloc(1, sizeof(*up))) == NULL)
		return tamga__error_oom();
	if ((up->arena = tamga__pdf_arena_new(0)) == NULL) {
		free(up);
		return TAMGA_ENOMEM;
	}
	up->doc = doc;
	up->next = tamga__pdf_size(doc);
	if (up->next == 0)
		up->next = 1;
	*out = up;
	return 0;
}

void tamga__pdf_update_free(pdf_update *up)
{
	if (up == NULL)
		return;
	tamga__pdf_arena_free(up->arena);
	free(up->entries);
	free(up);
}

pdf_arena *tamga__pdf_update_arena(pdf_update *up)
{
	return up->arena;
}

int tamga__pdf_update_alloc(pdf_update *up, uint32_t *num)
{
	if (up->next > MAX_OBJECT_NUMBER)
		return tamga__error_set(TAMGA_ELIMIT, "PDF: no object number left for the update");
	*num = up->next++;
	return 0;
}

static struct entry *find_entry(pdf_update *up, uint32_t num)
{
	size_t i;

	for (i = 0; i < up->count; i++)
		if (up->entries[i].num == num)
			return &up->entries[i];
	return NULL;
}

int tamga__pdf_update_set(pdf_update *up, uint32_t num, pdf_obj *obj)
{
	struct entry *e;
	uint16_t gen = 0;
	int error;

	if (obj == NULL || num == 0 || num >= up->next)
		return tamga__error_set(TAMGA_EINVAL, "PDF: object number %u was not allocated", num);
	if ((e = find_entry(up, num)) != NULL) {
		e->obj = obj;
		return 0;
	}
	if (num < tamga__pdf_size(up->doc) && (error = tamga__pdf_object_gen(up->doc, num, &gen)) < 0)
		return error;
	if (up->count == up->cap) {
		size_t ncap = up->cap ? up->cap * 2 : 16;
		struct entry *n = realloc(up->entries, ncap * sizeof(*n));

		if (n == NULL)
			return tamga__error_oom();
		up->entries = n;
		up->cap = ncap;
	}
	e = &up->entries[up->count++];
	e->num = num;
	e->gen = gen;
	e->obj = obj;
	e->offset = 0;
	return 0;
}

static int sink_alloc(void *ctx, uint32_t *num)
{
	return tamga__pdf_update_alloc(ctx, num);
}

static int sink_put(void *ctx, uint32_t num, pdf_obj *obj)
{
	return tamga__pdf_update_set(ctx, num, obj);
}

void tamga__pdf_update_sink(pdf_update *up, struct pdf_sink *out)
{
	out->arena = up->arena;
	out->ctx = up;
	out->alloc = sink_alloc;
	out->put = sink_put;
}

static int by_num(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	return x->num < y->num ? -1 : x->num > y->num;
}

/* Copy /Root, /Info and /ID from the newest trailer: what identifies the
 * document stays; /XRefStm, /Encrypt (refused anyway) and the rest do not. */
static int copy_trailer_keys(pdf_update *up, pdf_obj *trailer)
{
	static const char *const keys[] = { "Root", "Info", "ID" };
	pdf_obj *old = tamga__pdf_trailer(up->doc);
	size_t i;
	int error;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		pdf_obj *v = tamga__pdf_dict_get(old, keys[i]);

		if (v == NULL)
			continue;
		if ((v = tamga__pdf_copy(up->arena, v)) == NULL)
			return tamga_error_last()->code;
		if ((error = tamga__pdf_dict_set(up->arena, trailer, keys[i], v)) < 0)
			return error;
	}
	if (tamga__pdf_dict_get(trailer, "Root") == NULL)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: the trailer has no /Root");
	return 0;
}

/* Runs of consecutive object numbers: [first count]... for /Index or the
 * subsection headers of a table.  Entries must be sorted. */
static size_t next_run(const struct entry *e, size_t n, size_t from)
{
	size_t to = from + 1;

	while (to < n && e[to].num == e[to - 1].num + 1)
		to++;
	return to;
}

static int write_table(pdf_update *up, tamga_buf *out, size_t base, pdf_obj *trailer, size_t *xref_at)
{
	size_t i, j;
	int error;

	*xref_at = base + out->size;
	if ((error = tamga__buf_puts(out, "xref\n")) < 0)
		return error;
	for (i = 0; i < up->count; i = j) {
		j = next_run(up->entries, up->count, i);
		if ((error = tamga__buf_printf(out, "%u %zu\n", up->entries[i].num, j - i)) < 0)
			return error;
		for (; i < j; i++)
			/* Exactly 20 bytes per entry (§7.5.4). */
			if ((error = tamga__buf_printf(out, "%010zu %05u n\r\n", up->entries[i].offset,
			                               (unsigned)up->entries[i].gen)) < 0)
				return error;
	}
	if ((error = tamga__buf_puts(out, "trailer\n")) < 0 ||
	    (error = tamga__pdf_serialize(out, trailer, NULL)) < 0)
		return error;
	return tamga__buf_puts(out, "\n");
}

static void put_be(unsigned char *p, uint64_t v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

/* An xref stream (§7.5.8) for the entries plus itself, uncompressed. */
static int write_stream(pdf_update *up, tamga_buf *out, size_t base, pdf_obj *trailer, size_t *xref_at)
{
	pdf_arena *a = up->arena;
	pdf_obj *w, *index, *stream;
	unsigned char *rows = NULL;
	uint32_t self = 0;
	size_t i, j, n, width = 1, max;
	int error;

	/* The stream itself is an entry too, written last. */
	if ((error = tamga__pdf_update_alloc(up, &self)) < 0 || (error = tamga__pdf_update_set(up, self, trailer)) < 0)
		return error;
	n = up->count;
	up->entries[n - 1].offset = base + out->size;
	*xref_at = up->entries[n - 1].offset;
	for (max = *xref_at; max > 0xff; max >>= 8)
		width++;

	if ((rows = calloc(n, 1 + width + 2)) == NULL)
		return tamga__error_oom();
	for (i = 0; i < n; i++) {
		unsigned char *r = rows + i * (1 + width + 2);

		r[0] = 1;
		put_be(r + 1, up->entries[i].offset, (int)width);
		put_be(r + 1 + width, up->entries[i].gen, 2);
	}
	error = TAMGA_ENOMEM;
	if ((w = tamga__pdf_array(a)) == NULL || (index = tamga__pdf_array(a)) == NULL ||
	    tamga__pdf_array_push(a, w, tamga__pdf_int(a, 1)) < 0 ||
	    tamga__pdf_array_push(a, w, tamga__pdf_int(a, (int64_t)width)) < 0 ||
	    tamga__pdf_array_push(a, w, tamga__pdf_int(a, 2)) < 0)
		goto done;
	for (i = 0; i < n; i = j) {
		j = next_run(up->entries, n, i);
		if (tamga__pdf_array_push(a, index, tamga__pdf_int(a, up->entries[i].num)) < 0 ||
		    tamga__pdf_array_push(a, index, tamga__pdf_int(a, (int64_t)(j - i))) < 0)
			goto done;
	}
	if (tamga__pdf_dict_set(a, trailer, "Type", tamga__pdf_name(a, "XRef")) < 0 ||
	    tamga__pdf_dict_set(a, trailer, "W", w) < 0 || tamga__pdf_dict_set(a, trailer, "Index", index) < 0 ||
	    (stream = tamga__pdf_stream(a, trailer, rows, n * (1 + width + 2))) == NULL)
		goto done;
	if ((error = tamga__buf_printf(out, "%u 0 obj\n", self)) < 0 ||
	    (error = tamga__pdf_serialize(out, stream, NULL)) < 0)
		goto done;
	error = tamga__buf_puts(out, "\nendobj\n");
done:
	if (error == TAMGA_ENOMEM && tamga_error_last()->code != TAMGA_ENOMEM)
		error = tamga_error_last()->code;
	free(rows);
	return error;
}

int tamga__pdf_update_write(pdf_update *up, tamga_buf *out, size_t base, struct pdf_marks *marks)
{
	const struct pdf_revision *last;
	const unsigned char *data;
	size_t len, i, xref_at = 0, n_rev;
	struct pdf_marks m = { SIZE_MAX, 0, SIZE_MAX, 0 };
	pdf_obj *trailer;
	uint32_t size;
	int error;

	if (marks != NULL)
		*marks = m;
	n_rev = tamga__pdf_revision_count(up->doc);
	if (n_rev == 0)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: the document has no cross-reference section");
	last = tamga__pdf_revision(up->doc, n_rev - 1);
	data = tamga__pdf_data(up->doc, &len);

	/* The update starts on a line of its own. */
	if (len > 0 && data[len - 1] != '\n' && data[len - 1] != '\r' && (error = tamga__buf_puts(out, "\n")) < 0)
		return error;

	qsort(up->entries, up->count, sizeof(*up->entries), by_num);
	for (i = 0; i < up->count; i++) {
		struct entry *e = &up->entries[i];

		e->offset = base + out->size;
		if ((error = tamga__buf_printf(out, "%u %u obj\n", e->num, (unsigned)e->gen)) < 0)
			return error;
		m.contents = m.byterange = SIZE_MAX;
		if ((error = tamga__pdf_serialize(out, e->obj, &m)) < 0)
			return error;
		if (marks != NULL && m.contents != SIZE_MAX) {
			marks->contents = base + m.contents;
			marks->contents_len = m.contents_len;
		}
		if (marks != NULL && m.byterange != SIZE_MAX) {
			marks->byterange = base + m.byterange;
			marks->byterange_len = m.byterange_len;
		}
		if ((error = tamga__buf_puts(out, "\nendobj\n")) < 0)
			return error;
	}

	if ((trailer = tamga__pdf_dict(up->arena)) == NULL)
		return tamga_error_last()->code;
	if ((error = copy_trailer_keys(up, trailer)) < 0 ||
	    (error = tamga__pdf_dict_set(up->arena, trailer, "Prev",
	                                 tamga__pdf_int(up->arena, (int64_t)last->xref_offset))) < 0)
		return error;
	/* /Size counts the xref stream's own number when there is one. */
	size = up->next + (last->is_stream ? 1 : 0);
	if (size < tamga__pdf_size(up->doc))
		size = tamga__pdf_size(up->doc);
	if ((error = tamga__pdf_dict_set(up->arena, trailer, "Size", tamga__pdf_int(up->arena, size))) < 0)
		return error;

	error = last->is_stream ? write_stream(up, out, base, trailer, &xref_at)
	                        : write_table(up, out, base, trailer, &xref_at);
	if (error < 0)
		return error;
	return tamga__buf_printf(out, "startxref\n%zu\n%%%%EOF\n", xref_at);
}
