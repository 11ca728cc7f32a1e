/*
 * formats/pdf/xref.c - file trailer and cross-reference sections
 * (ISO 32000-1 §7.5.4 tables, §7.5.5 trailer, §7.5.6 incremental updates,
 * §7.5.8 cross-reference streams, §7.5.8.4 hybrid-reference files).
 *
 *     ... xref                              ... N 0 obj
 *         0 6                                   << /Type /XRef /Size 6 /W [1 2 1]
 *         0000000000 65535 f \n                    /Index [0 6] /Prev P >>
 *         0000000017 00000 n \n                 stream <binary rows> endstream
 *         ...                                   endobj
 *         trailer << /Size 6 /Root 1 0 R /Prev P [/XRefStm S] >>
 *         startxref\nX\n%%EOF\n                 startxref\nX\n%%EOF\n
 *
 * The newest startxref (the last one in the final 1024 bytes) names the
 * newest section; each section's /Prev names the one before.  Sections are
 * merged newest first: the first section that mentions an object number
 * decides it (a free entry too, hiding older ones).
 *
 * Never repaired: an offset must point exactly at "xref" or at "N G obj";
 * a table entry is exactly 20 bytes; a section is followed by its own
 * "startxref N %%EOF".  Attacks this defeats: a /Prev loop (refused, and the
 * chain is bounded by max_revisions), an object number given twice in one
 * section (two readers could pick different entries), a hybrid section
 * whose table and /XRefStm disagree about an object (qpdf and poppler
 * resolve that differently; a conforming hybrid file hides objects from
 * PDF 1.4 readers with free entries in the previous section, §7.5.8.4),
 * an /XRefStm or /Prev shared between sections, an
 * older section claiming a larger /Size than the newest (objects a viewer
 * might still show although the newest trailer says they do not exist).
 */
#include <stdlib.h>
#include <string.h>

#include "formats/pdf/reader.h"

/* One entry as a section states it. */
struct xraw {
	uint64_t f2;
	uint32_t num;
	uint32_t f3;
	uint16_t gen;
	uint8_t type;
};

struct section {
	size_t offset, end;
	size_t body_end;          /* just past the trailer dictionary or "endobj" */
	int tail;                 /* followed by its own startxref ... %%EOF */
	int is_stream, hybrid;
	pdf_obj *trailer;
	uint64_t size;
	tamga_buf table;          /* struct xraw: the table's or the stream's entries */
	tamga_buf stm;            /* struct xraw: a hybrid table's /XRefStm entries */
};

static int ferr(size_t pos, int code, const char *fmt, const char *a)
{
	return tamga__error_set(code, "PDF: offset %zu: %s%s", pos, fmt, a ? a : "");
}

static int add(tamga_buf *b, uint32_t num, uint8_t type, uint64_t f2, uint32_t f3, uint16_t gen)
{
	struct xraw x;

	memset(&x, 0, sizeof(x));
	x.num = num;
	x.type = type;
	x.f2 = f2;
	x.f3 = f3;
	x.gen = gen;
	return tamga__buf_append(b, &x, sizeof(x));
}

/* Digits at data[*pos], advanced past them; at most max. */
static int digits(pdf_doc *doc, size_t *pos, uint64_t max, uint64_t *out)
{
	size_t p = *pos;
	uint64_t v = 0;

	if (p >= doc->len || doc->data[p] < '0' || doc->data[p] > '9')
		return ferr(p, TAMGA_EFORMAT, "expected a number", NULL);
	while (p < doc->len && doc->data[p] >= '0' && doc->data[p] <= '9') {
		unsigned d = doc->data[p++] - '0';

		if (v > (max - d) / 10)
			return ferr(*pos, TAMGA_EFORMAT, "number too large", NULL);
		v = v * 10 + d;
	}
	*pos = p;
	*out = v;
	return 0;
}

static size_t skip_space(pdf_doc *doc, size_t p)
{
	while (p < doc->len && tamga__pdf_is_ws(doc->data[p]))
		p++;
	return p;
}

static int at(pdf_doc *doc, size_t p, const char *s)
{
	size_t n = strlen(s);

	return p <= doc->len && doc->len - p >= n && memcmp(doc->data + p, s, n) == 0;
}

/*
 * "startxref" EOL offset EOL "%%EOF" [EOL] at p (white space allowed
 * between them, no comments): *xref receives the offset, *end the position
 * just past the %%EOF line.
 */
static int read_tail(pdf_doc *doc, size_t p, uint64_t *xref, size_t *end)
{
	int error;

	p = skip_space(doc, p);
	if (!at(doc, p, "startxref"))
		return ferr(p, TAMGA_EFORMAT, "expected 'startxref' after the cross-reference section", NULL);
	p = skip_space(doc, p + 9);
	if ((error = digits(doc, &p, UINT64_MAX / 2, xref)) < 0)
		return error;
	p = skip_space(doc, p);
	if (!at(doc, p, "%%EOF"))
		return ferr(p, TAMGA_EFORMAT, "expected '%%EOF' after 'startxref'", NULL);
	p += 5;
	if (p < doc->len && doc->data[p] == '\r')
		p++;
	if (p < doc->len && doc->data[p] == '\n')
		p++;
	*end = p;
	return 0;
}

/* The last "startxref" in the last 1024 bytes (§7.5.5). */
static int find_startxref(pdf_doc *doc, uint64_t *xref)
{
	size_t from = doc->len > 1024 ? doc->len - 1024 : 0, i, end;

	for (i = doc->len >= 9 ? doc->len - 9 + 1 : 0; i-- > from;) {
		if (memcmp(doc->data + i, "startxref", 9) == 0)
			return read_tail(doc, i, xref, &end);
	}
	return tamga__error_set(TAMGA_EFORMAT, "PDF: no 'startxref' in the last 1024 bytes (file of %zu bytes)",
	                        doc->len);
}

/* A trailer integer, direct (nothing can be resolved yet). */
static int trailer_uint(pdf_obj *trailer, const char *key, uint64_t max, size_t pos, int required, uint64_t *out,
                        int *present)
{
	pdf_obj *v = tamga__pdf_dict_get(trailer, key);

	*present = v != NULL;
	if (v == NULL) {
		if (required)
			return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: trailer has no /%s", pos, key);
		return 0;
	}
	if (v->type != PDF_INT || v->u.integer < 0 || (uint64_t)v->u.integer > max)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: trailer /%s must be a direct integer from 0 to %llu",
		                        pos, key, (unsigned long long)max);
	*out = (uint64_t)v->u.integer;
	return 0;
}

/* ------------------------------------------------------------------ classic tables */

static int read_table(pdf_doc *doc, struct section *sec)
{
	struct pdf_lexer lx;
	size_t p = sec->offset + 4;
	uint64_t start, count, i, off, gen;
	int error;

	if (!at(doc, sec->offset, "xref") || p >= doc->len || !tamga__pdf_is_ws(doc->data[p]))
		return ferr(sec->offset, TAMGA_EFORMAT, "expected 'xref' or an object", NULL);
	for (;;) {
		p = skip_space(doc, p);
		if (at(doc, p, "trailer"))
			break;
		/* Subsection: "start count" EOL, then count entries of 20 bytes. */
		if ((error = digits(doc, &p, UINT32_MAX, &start)) < 0)
			return error;
		while (p < doc->len && (doc->data[p] == ' ' || doc->data[p] == '\t'))
			p++;
		if ((error = digits(doc, &p, UINT32_MAX, &count)) < 0)
			return error;
		while (p < doc->len && (doc->data[p] == ' ' || doc->data[p] == '\t'))
			p++;
		if (p < doc->len && doc->data[p] == '\r')
			p++;
		if (p < doc->len && doc->data[p] == '\n')
			p++;
		else if (p == 0 || doc->data[p - 1] != '\r')
			return ferr(p, TAMGA_EFORMAT, "expected an end of line after the subsection header", NULL);
		if (start + count > (uint64_t)UINT32_MAX + 1)
			return ferr(p, TAMGA_EFORMAT, "cross-reference subsection beyond object number 2^32", NULL);
		if (count > (doc->len - p) / 20)
			return ferr(p, TAMGA_EFORMAT, "cross-reference subsection runs past the end of the file", NULL);
		for (i = 0; i < count; i++, p += 20) {
			const unsigned char *e = doc->data + p;
			size_t q1 = p, q2 = p + 11;
			int bad;

			/* nnnnnnnnnn ggggg n EOL, EOL two bytes: SP CR, SP LF or CR LF */
			bad = digits(doc, &q1, UINT64_MAX, &off) < 0 || q1 != p + 10 || e[10] != ' ';
			bad = bad || digits(doc, &q2, UINT64_MAX, &gen) < 0 || q2 != p + 16 || e[16] != ' ';
			bad = bad || (e[17] != 'n' && e[17] != 'f');
			bad = bad || !((e[18] == ' ' && (e[19] == '\r' || e[19] == '\n')) || (e[18] == '\r' && e[19] == '\n'));
			if (bad)
				return ferr(p, TAMGA_EFORMAT,
				            "malformed cross-reference entry (20 bytes: 10-digit offset, 5-digit generation, "
				            "n or f, 2-byte end of line)",
				            NULL);
			if (gen > UINT16_MAX)
				return ferr(p, TAMGA_EFORMAT, "generation number above 65535", NULL);
			if ((error = add(&sec->table, (uint32_t)(start + i), e[17] == 'n' ? PDF_XREF_USED : PDF_XREF_FREE,
			                 off, 0, (uint16_t)gen)) < 0)
				return error;
		}
	}
	tamga__pdf_lexer_init(&lx, doc->data, doc->len, p + 7, doc->arena, &doc->limits);
	if ((error = tamga__pdf_parse_object(&lx, &sec->trailer)) < 0)
		return error;
	if (sec->trailer->type != PDF_DICT)
		return ferr(p, TAMGA_EFORMAT, "trailer is not a dictionary", NULL);
	sec->body_end = lx.pos;
	return 0;
}

/* ------------------------------------------------------------------ streams */

static uint64_t be(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | *p++;
	return v;
}

/* The cross-reference stream at offset: entries into *entries, its
 * dictionary into *dict, the offset after "endobj" into *end. */
static int read_xref_stream(pdf_doc *doc, size_t offset, tamga_buf *entries, pdf_obj **dict, size_t *end)
{
	tamga_buf data = TAMGA_BUF_INIT;
	pdf_obj *obj, *w, *index, *d;
	uint32_t num;
	uint16_t gen;
	uint64_t size, width[3], total = 0, i, k;
	size_t row, pos;
	int error, present;

	if ((error = tamga__pdf_parse_indirect(doc, offset, &num, &gen, 0, &obj, end)) < 0)
		goto done;
	d = tamga__pdf_dict_of(obj);
	if (obj->type != PDF_STREAM || !tamga__pdf_is_name(tamga__pdf_dict_get(d, "Type"), "XRef")) {
		error = ferr(offset, TAMGA_EFORMAT, "expected 'xref' or a cross-reference stream (/Type /XRef)", NULL);
		goto done;
	}
	if ((error = trailer_uint(d, "Size", UINT32_MAX, offset, 1, &size, &present)) < 0)
		goto done;
	w = tamga__pdf_dict_get(d, "W");
	if (w == NULL || w->type != PDF_ARRAY || w->u.array.len != 3) {
		error = ferr(offset, TAMGA_EFORMAT, "cross-reference stream /W must be a direct array of 3 integers", NULL);
		goto done;
	}
	for (i = 0; i < 3; i++) {
		pdf_obj *x = w->u.array.items[i];

		if (x->type != PDF_INT || x->u.integer < 0 || x->u.integer > 8) {
			error = ferr(offset, TAMGA_EFORMAT, "cross-reference stream /W entries must be integers from 0 to 8",
			             NULL);
			goto done;
		}
		width[i] = (uint64_t)x->u.integer;
	}
	row = (size_t)(width[0] + width[1] + width[2]);
	if (row == 0) {
		error = ferr(offset, TAMGA_EFORMAT, "cross-reference stream /W is [0 0 0]", NULL);
		goto done;
	}
	index = tamga__pdf_dict_get(d, "Index");
	if (index != NULL && (index->type != PDF_ARRAY || index->u.array.len % 2 != 0)) {
		error = ferr(offset, TAMGA_EFORMAT, "cross-reference stream /Index must be a direct array of pairs", NULL);
		goto done;
	}
	for (i = 0; index != NULL && i < index->u.array.len; i++) {
		pdf_obj *x = index->u.array.items[i];

		if (x->type != PDF_INT || x->u.integer < 0 || x->u.integer > UINT32_MAX) {
			error = ferr(offset, TAMGA_EFORMAT, "cross-reference stream /Index entries must be integers", NULL);
			goto done;
		}
		if (i % 2 == 1)
			total += (uint64_t)x->u.integer;
	}
	if (index == NULL)
		total = size;
	if ((error = tamga__pdf_stream_decode(doc, obj, &data)) < 0)
		goto done;
	if (total > data.size / row || data.size != total * row) {
		error = tamga__error_set(TAMGA_EFORMAT,
		                         "PDF: offset %zu: cross-reference stream holds %zu bytes, "
		                         "/W and /Index say %llu entries of %zu",
		                         offset, data.size, (unsigned long long)total, row);
		goto done;
	}
	pos = 0;
	for (k = 0; k < (index ? index->u.array.len : 2); k += 2) {
		uint64_t start = index ? (uint64_t)index->u.array.items[k]->u.integer : 0;
		uint64_t count = index ? (uint64_t)index->u.array.items[k + 1]->u.integer : size;

		if (start + count > size) {
			error = tamga__error_set(TAMGA_EFORMAT,
			                         "PDF: offset %zu: cross-reference stream /Index [%llu %llu] is not below /Size %llu",
			                         offset, (unsigned long long)start, (unsigned long long)count,
			                         (unsigned long long)size);
			goto done;
		}
		for (i = 0; i < count; i++, pos += row) {
			const unsigned char *r = data.ptr + pos;
			uint64_t type = width[0] ? be(r, (unsigned)width[0]) : 1;
			uint64_t f2 = be(r + width[0], (unsigned)width[1]);
			uint64_t f3 = be(r + width[0] + width[1], (unsigned)width[2]);
			uint8_t t;

			if (type == 1 && f3 > UINT16_MAX) {
				error = tamga__error_set(TAMGA_EFORMAT,
				                         "PDF: offset %zu: cross-reference stream: object %llu has generation %llu",
				                         offset, (unsigned long long)(start + i), (unsigned long long)f3);
				goto done;
			}
			if (type == 2 && (f2 > UINT32_MAX || f3 > UINT32_MAX)) {
				error = tamga__error_set(TAMGA_EFORMAT,
				                         "PDF: offset %zu: cross-reference stream: object %llu: bad object stream entry",
				                         offset, (unsigned long long)(start + i));
				goto done;
			}
			/* Types above 2 are references to the null object (§7.5.8.3). */
			t = type == 1 ? PDF_XREF_USED : type == 2 ? PDF_XREF_COMPRESSED : PDF_XREF_FREE;
			if ((error = add(entries, (uint32_t)(start + i), t, f2, t == PDF_XREF_COMPRESSED ? (uint32_t)f3 : 0,
			                 t == PDF_XREF_USED ? (uint16_t)f3 : 0)) < 0)
				goto done;
		}
	}
	*dict = d;
done:
	tamga_buf_dispose(&data);
	return error;
}

/* ------------------------------------------------------------------ sections */

static int read_section(pdf_doc *doc, struct section *sec)
{
	uint64_t stm = 0;
	int error, present;

	if (sec->offset < doc->len && doc->data[sec->offset] == 'x') {
		if ((error = read_table(doc, sec)) < 0)
			return error;
		if ((error = trailer_uint(sec->trailer, "XRefStm", doc->len - 1, sec->offset, 0, &stm, &present)) < 0)
			return error;
		sec->hybrid = present;
		if (present) {
			pdf_obj *dict;
			size_t end;

			if ((error = read_xref_stream(doc, (size_t)stm, &sec->stm, &dict, &end)) < 0)
				return error;
		}
	} else {
		sec->is_stream = 1;
		if ((error = read_xref_stream(doc, sec->offset, &sec->table, &sec->trailer, &sec->body_end)) < 0)
			return error;
	}
	/* Checked later: a linearized file's first-page section may have none. */
	sec->tail = read_tail(doc, sec->body_end, &(uint64_t){ 0 }, &sec->end) == 0;
	tamga_error_clear();
	return trailer_uint(sec->trailer, "Size", UINT32_MAX, sec->offset, 1, &sec->size, &present);
}

/*
 * Merge one part of a section into xref.  Parts of section k have the ids
 * 3k+1 (a table's in-use entries, or all entries), 3k+2 (a hybrid's
 * /XRefStm entries) and 3k+3 (a hybrid table's free entries); an entry set
 * by a smaller id came from a newer section, or from a part that wins.
 */
enum part { PART_ALL, PART_TABLE_USED, PART_STREAM, PART_TABLE_FREE };

static int merge(struct pdf_xent *xref, const struct section *sec, const tamga_buf *b, enum part part, uint32_t base)
{
	const struct xraw *x = (const struct xraw *)b->ptr;
	size_t i, n = b->size / sizeof(*x);
	uint32_t id = part == PART_STREAM ? base + 1 : part == PART_TABLE_FREE ? base + 2 : base;

	for (i = 0; i < n; i++) {
		struct pdf_xent *e;

		if ((part == PART_TABLE_USED && x[i].type == PDF_XREF_FREE) ||
		    (part == PART_TABLE_FREE && x[i].type != PDF_XREF_FREE))
			continue;
		if (x[i].num >= sec->size)
			return tamga__error_set(TAMGA_EFORMAT,
			                        "PDF: offset %zu: cross-reference entry for object %u is not below /Size %llu",
			                        sec->offset, x[i].num, (unsigned long long)sec->size);
		if (x[i].num == 0 && x[i].type != PDF_XREF_FREE)
			return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: object 0 is in use (it is always free)",
			                        sec->offset);
		e = &xref[x[i].num];
		if (e->sec == id || (part == PART_TABLE_FREE && e->sec == base))
			return tamga__error_set(TAMGA_EFORMAT,
			                        "PDF: offset %zu: object %u appears twice in one cross-reference section",
			                        sec->offset, x[i].num);
		if (part == PART_TABLE_FREE && e->sec == base + 1) {
			/* Free in the table, in use in the stream of the same section:
			 * qpdf takes the stream, poppler the free entry. */
			if (e->type != PDF_XREF_FREE)
				return tamga__error_set(TAMGA_EFORMAT,
				                        "PDF: offset %zu: hybrid file: object %u is free in the table and in use in "
				                        "/XRefStm of the same section (readers disagree on such files)",
				                        sec->offset, x[i].num);
			continue;
		}
		if (part == PART_STREAM && e->sec == base) {
			/* Hybrid: the table's in-use entry stands; the stream must not
			 * say something else, or old and new readers see different objects. */
			if (x[i].type != PDF_XREF_FREE && (x[i].type != e->type || x[i].f2 != e->f2 || x[i].gen != e->gen))
				return tamga__error_set(TAMGA_EFORMAT,
				                        "PDF: offset %zu: hybrid file: the table and /XRefStm disagree about object %u",
				                        sec->offset, x[i].num);
			continue;
		}
		if (e->sec != 0)
			continue;
		e->sec = id;
		e->type = x[i].type;
		e->f2 = x[i].f2;
		e->f3 = x[i].f3;
		e->gen = x[i].gen;
	}
	return 0;
}

struct rev {
	struct pdf_revision r;
	size_t body_end;
	int tail;
};

static int cmp_rev(const void *a, const void *b)
{
	const struct rev *x = a, *y = b;

	return x->r.xref_offset < y->r.xref_offset ? -1 : x->r.xref_offset > y->r.xref_offset;
}

/* Whether the first object of the file is a linearization dictionary
 * (Annex F.2.2). */
static int is_linearized(pdf_doc *doc)
{
	struct pdf_lexer lx;
	struct pdf_token tok;
	pdf_obj *obj;
	uint32_t num;
	uint16_t gen;
	size_t end;
	int yes;

	tamga__pdf_lexer_init(&lx, doc->data, doc->len, 0, doc->arena, &doc->limits);
	tamga__pdf_skip_ws(&lx); /* the header and the binary comment are comments */
	yes = tamga__pdf_lex(&lx, &tok) == 0 && tok.type == PDF_TOK_INT &&
	      tamga__pdf_parse_indirect(doc, tok.start, &num, &gen, 0, &obj, &end) == 0 && obj->type == PDF_DICT &&
	      tamga__pdf_dict_get(obj, "Linearized") != NULL;
	tamga_error_clear();
	return yes;
}

int tamga__pdf_xref_read(pdf_doc *doc)
{
	struct section sec;
	struct pdf_xent *xref = NULL;
	tamga_buf revs = TAMGA_BUF_INIT;
	size_t *seen = NULL, nseen = 0, k, n;
	struct rev *r;
	int lin;
	uint64_t cur, prev = 0;
	int error = 0, present;

	memset(&sec, 0, sizeof(sec));
	if ((error = find_startxref(doc, &cur)) < 0)
		goto done;
	if ((seen = malloc(2 * sizeof(size_t))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (k = 0;; k++) {
		uint32_t base;

		if (k >= doc->limits.max_revisions || k >= (1u << 29)) {
			error = tamga__error_set(TAMGA_ELIMIT, "PDF: more than %u cross-reference sections",
			                         doc->limits.max_revisions);
			goto done;
		}
		if (cur >= doc->len) {
			error = tamga__error_set(TAMGA_EFORMAT,
			                         "PDF: cross-reference offset %llu is beyond the end of the file (%zu bytes)",
			                         (unsigned long long)cur, doc->len);
			goto done;
		}
		for (size_t j = 0; j < nseen; j++) {
			if (seen[j] == cur) {
				error = tamga__error_set(TAMGA_EFORMAT,
				                         "PDF: offset %llu: cross-reference section read twice (a /Prev or /XRefStm loop)",
				                         (unsigned long long)cur);
				goto done;
			}
		}
		memset(&sec, 0, sizeof(sec));
		sec.offset = (size_t)cur;
		if ((error = read_section(doc, &sec)) < 0)
			goto done;
		if (tamga__pdf_dict_get(sec.trailer, "Encrypt") != NULL) {
			error = tamga__error_set(TAMGA_EUNSUPPORTED,
			                         "PDF: encrypted documents are not supported; remove the encryption first");
			goto done;
		}
		/* Remember the offsets read, a hybrid's stream too (2 per section). */
		{
			size_t *grown = realloc(seen, (nseen + 2) * sizeof(size_t));

			if (grown == NULL) {
				error = tamga__error_oom();
				goto done;
			}
			seen = grown;
			seen[nseen++] = sec.offset;
			if (sec.hybrid) {
				uint64_t stm;

				(void)trailer_uint(sec.trailer, "XRefStm", doc->len, sec.offset, 0, &stm, &present);
				for (size_t j = 0; j < nseen; j++)
					if (seen[j] == stm) {
						error = tamga__error_set(TAMGA_EFORMAT,
						                         "PDF: offset %llu: /XRefStm names a section read before",
						                         (unsigned long long)stm);
						goto done;
					}
				seen[nseen++] = (size_t)stm;
			}
		}
		if (k == 0) {
			if (sec.size > doc->limits.max_objects) {
				error = tamga__error_set(TAMGA_ELIMIT, "PDF: trailer /Size %llu is above the limit of %zu objects",
				                         (unsigned long long)sec.size, doc->limits.max_objects);
				goto done;
			}
			if (sec.size == 0) {
				error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: trailer /Size is 0", sec.offset);
				goto done;
			}
			doc->trailer = sec.trailer;
			doc->size = (uint32_t)sec.size;
			if ((xref = tamga__pdf_alloc(doc->arena, (size_t)sec.size * sizeof(*xref))) == NULL) {
				error = tamga_error_last()->code;
				goto done;
			}
		} else if (sec.size > doc->size) {
			error = tamga__error_set(TAMGA_EFORMAT,
			                         "PDF: offset %zu: an older cross-reference section has /Size %llu, "
			                         "above the newest /Size %u",
			                         sec.offset, (unsigned long long)sec.size, doc->size);
			goto done;
		}
		base = (uint32_t)(3 * k + 1);
		if (sec.hybrid) {
			/* Table in-use entries, then the stream, then the table's free ones (§7.5.8.4). */
			if ((error = merge(xref, &sec, &sec.table, PART_TABLE_USED, base)) < 0 ||
			    (error = merge(xref, &sec, &sec.stm, PART_STREAM, base)) < 0 ||
			    (error = merge(xref, &sec, &sec.table, PART_TABLE_FREE, base)) < 0)
				goto done;
		} else if ((error = merge(xref, &sec, &sec.table, PART_ALL, base)) < 0) {
			goto done;
		}
		{
			struct rev one;

			memset(&one, 0, sizeof(one));
			one.r.xref_offset = sec.offset;
			one.r.end = sec.end;
			one.r.is_stream = sec.is_stream;
			one.r.hybrid = sec.hybrid;
			one.body_end = sec.body_end;
			one.tail = sec.tail;
			if ((error = tamga__buf_append(&revs, &one, sizeof(one))) < 0)
				goto done;
		}
		if ((error = trailer_uint(sec.trailer, "Prev", UINT64_MAX / 2, sec.offset, 0, &prev, &present)) < 0)
			goto done;
		tamga_buf_dispose(&sec.table);
		tamga_buf_dispose(&sec.stm);
		if (!present)
			break;
		cur = prev;
	}
	/* Oldest first, as the file holds them (a linearized file's first-page
	 * section is at the start but is the newest in the /Prev chain). */
	n = revs.size / sizeof(struct rev);
	r = (struct rev *)revs.ptr;
	qsort(r, n, sizeof(*r), cmp_rev);
	/* A linearized file's first-page section (Annex F) is part of the first
	 * revision, not a revision of its own: it ends in "startxref 0 %%EOF"
	 * or, as an xref stream, in nothing.  Every other section must end in
	 * its own startxref and %%EOF, which is where its revision ends. */
	lin = n > 1 && is_linearized(doc);
	if ((doc->revs = tamga__pdf_alloc(doc->arena, n * sizeof(*doc->revs))) == NULL) {
		error = tamga_error_last()->code;
		goto done;
	}
	for (k = lin ? 1 : 0; k < n; k++) {
		if (!r[k].tail) {
			error = read_tail(doc, r[k].body_end, &(uint64_t){ 0 }, &r[k].r.end);
			goto done;
		}
		doc->revs[doc->nrevs++] = r[k].r;
	}
	doc->xref = xref;
done:
	tamga_buf_dispose(&sec.table);
	tamga_buf_dispose(&sec.stm);
	tamga_buf_dispose(&revs);
	free(seen);
	return error;
}
