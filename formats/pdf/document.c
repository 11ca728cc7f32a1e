/*
 * formats/pdf/document.c - opening a document and reading its indirect
 * objects (ISO 32000-1 §7.3.10 indirect objects, §7.3.8 streams, §7.5.2
 * file header, §7.7.2 document catalog).
 *
 *     %PDF-1.7 EOL                         header at offset 0
 *     12 0 obj << /Length 3 >> EOL?        "num gen obj" at the offset the xref gives
 *     stream CRLF|LF <3 bytes> EOL? endstream endobj
 *
 * What tamga refuses that some viewers repair: an xref offset that does not
 * point exactly at "num gen obj" for that object (repairing by scanning for
 * "num gen obj" is how one file shows different objects to different
 * readers), a stream whose /Length does not end at "endstream" (an attacker
 * would hide bytes between them), "stream" followed by a lone CR, a missing
 * "endobj", and any /Encrypt.  Reference chains are bounded by max_resolve
 * and objects loading other objects (a /Length or an object stream held in
 * another object) by max_depth, with cycles detected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pdf/reader.h"

/* ------------------------------------------------------------------ indirect objects */

/*
 * "num gen obj" at exactly offset.  The header is read inside a window of
 * HEADER_MAX bytes: every cross-reference entry is checked at open, and a
 * million entries pointing at one long run of digits or white space must
 * not cost a million scans of it.
 */
#define HEADER_MAX 128

static int read_header(pdf_doc *doc, struct pdf_lexer *lx, size_t offset, uint32_t *num, uint16_t *gen)
{
	struct pdf_token t1, t2, t3;
	size_t window = doc->len - offset > HEADER_MAX ? offset + HEADER_MAX : doc->len;
	int error;

	tamga__pdf_lexer_init(lx, doc->data, doc->len, offset, doc->arena, &doc->limits);
	if (offset >= doc->len)
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, offset, "beyond the end of the file (%zu bytes)",
		                            doc->len);
	lx->len = window;
	if (doc->data[offset] < '0' || doc->data[offset] > '9' || (error = tamga__pdf_lex(lx, &t1)) < 0 ||
	    t1.type != PDF_TOK_INT || t1.integer > UINT32_MAX)
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, offset, "expected an object number");
	if ((error = tamga__pdf_lex(lx, &t2)) < 0 || t2.type != PDF_TOK_INT || !t2.is_unsigned || t2.integer > UINT16_MAX)
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, t2.start, "expected a generation number after '%lld'",
		                            (long long)t1.integer);
	/* "obj" must end inside the window, or be followed by a delimiter. */
	if ((error = tamga__pdf_lex(lx, &t3)) < 0 || !tamga__pdf_tok_is(lx, &t3, "obj") ||
	    (t3.end == window && window < doc->len && !tamga__pdf_is_ws(doc->data[window]) &&
	     !tamga__pdf_is_delim(doc->data[window])))
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, t3.start, "expected 'obj' after '%lld %lld'",
		                            (long long)t1.integer, (long long)t2.integer);
	lx->len = doc->len;
	tamga_error_clear();
	*num = (uint32_t)t1.integer;
	*gen = (uint16_t)t2.integer;
	return 0;
}

int tamga__pdf_check_header(pdf_doc *doc, size_t offset, uint32_t num, uint16_t gen)
{
	struct pdf_lexer lx;
	char msg[700];
	uint32_t n;
	uint16_t g;
	int error = read_header(doc, &lx, offset, &n, &g);

	if (error < 0) {
		snprintf(msg, sizeof(msg), "%s", tamga_error_last()->message);
		return tamga__error_set(error, "%s (where the cross-reference table puts object %u %u)", msg, num,
		                        (unsigned)gen);
	}
	if (n != num || g != gen)
		return tamga__error_set(TAMGA_EFORMAT,
		                        "PDF: offset %zu: the cross-reference entry of object %u %u points at object %u %u",
		                        offset, num, (unsigned)gen, n, (unsigned)g);
	return 0;
}

int tamga__pdf_get_uint(pdf_doc *doc, const pdf_obj *obj, uint64_t max, const char *what, size_t offset,
                        uint64_t *out)
{
	pdf_obj *v = (pdf_obj *)obj;
	int error;

	if (v != NULL && v->type == PDF_REF) {
		if (doc->xref == NULL)
			return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: %s must be direct here", offset, what);
		if ((error = tamga__pdf_resolve(doc, v, &v)) < 0)
			return error;
	}
	if (v == NULL || v->type != PDF_INT || v->u.integer < 0 || (uint64_t)v->u.integer > max)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: %s must be an integer from 0 to %llu", offset,
		                        what, (unsigned long long)max);
	*out = (uint64_t)v->u.integer;
	return 0;
}

/* "stream" EOL data EOL? "endstream" after dict (§7.3.8.1). */
static int read_stream(pdf_doc *doc, struct pdf_lexer *lx, const struct pdf_token *kw, pdf_obj *dict,
                       pdf_obj **out)
{
	size_t p = kw->end, q;
	uint64_t length;
	struct pdf_token tok;
	pdf_obj *s;
	int error;

	if (dict->type != PDF_DICT)
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, kw->start, "'stream' after an object that is not a dictionary");
	/* CRLF or LF: a lone CR would make the first data byte ambiguous. */
	if (p + 1 < doc->len && doc->data[p] == '\r' && doc->data[p + 1] == '\n')
		p += 2;
	else if (p < doc->len && doc->data[p] == '\n')
		p += 1;
	else
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, kw->end, "'stream' must be followed by CRLF or LF");
	if ((error = tamga__pdf_get_uint(doc, tamga__pdf_dict_get(dict, "Length"), doc->len - p, "stream /Length",
	                                 dict->offset, &length)) < 0)
		return error;
	/* One optional EOL before "endstream", not counted in /Length. */
	q = p + (size_t)length;
	if (q + 1 < doc->len && doc->data[q] == '\r' && doc->data[q + 1] == '\n')
		q += 2;
	else if (q < doc->len && (doc->data[q] == '\r' || doc->data[q] == '\n'))
		q += 1;
	lx->pos = q;
	if ((error = tamga__pdf_lex(lx, &tok)) < 0)
		return error;
	if (!tamga__pdf_tok_is(lx, &tok, "endstream") || tok.start != q)
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, p + (size_t)length,
		                            "stream /Length %llu does not end at 'endstream'", (unsigned long long)length);
	if ((s = tamga__pdf_alloc(doc->arena, sizeof(*s))) == NULL)
		return tamga_error_last()->code;
	s->type = PDF_STREAM;
	s->offset = dict->offset;
	s->u.stream.dict = dict;
	s->u.stream.data = doc->data + p;
	s->u.stream.len = (size_t)length;
	s->u.stream.data_offset = p;
	*out = s;
	return 0;
}

int tamga__pdf_parse_indirect(pdf_doc *doc, size_t offset, uint32_t *num, uint16_t *gen, int check_num,
                              pdf_obj **out, size_t *end)
{
	struct pdf_lexer lx;
	struct pdf_token tok;
	pdf_obj *obj;
	uint32_t n;
	uint16_t g;
	int error;

	if ((error = read_header(doc, &lx, offset, &n, &g)) < 0)
		return error;
	if (check_num && (n != *num || g != *gen))
		return tamga__error_set(TAMGA_EFORMAT,
		                        "PDF: offset %zu: the cross-reference entry of object %u %u points at object %u %u",
		                        offset, *num, (unsigned)*gen, n, (unsigned)g);
	if ((error = tamga__pdf_parse_object(&lx, &obj)) < 0 || (error = tamga__pdf_lex(&lx, &tok)) < 0)
		return error;
	if (tamga__pdf_tok_is(&lx, &tok, "stream")) {
		if ((error = read_stream(doc, &lx, &tok, obj, &obj)) < 0 || (error = tamga__pdf_lex(&lx, &tok)) < 0)
			return error;
	}
	if (!tamga__pdf_tok_is(&lx, &tok, "endobj"))
		return tamga__pdf_lex_error(&lx, TAMGA_EFORMAT, tok.start, "expected 'endobj' to end object %u %u", n,
		                            (unsigned)g);
	*num = n;
	*gen = g;
	*out = obj;
	*end = tok.end;
	return 0;
}

/* ------------------------------------------------------------------ object access */

size_t tamga__pdf_obj_offset(pdf_doc *doc, uint32_t num)
{
	const struct pdf_xent *e;

	if (doc->xref == NULL || num >= doc->size)
		return 0;
	e = &doc->xref[num];
	if (e->type == PDF_XREF_COMPRESSED && e->f2 < doc->size)
		e = &doc->xref[e->f2];
	return e->type == PDF_XREF_USED ? (size_t)e->f2 : 0;
}

int tamga__pdf_get(pdf_doc *doc, uint32_t num, uint16_t gen, pdf_obj **out)
{
	struct pdf_xent *e;
	pdf_obj *obj = NULL;
	uint32_t n = num;
	uint16_t g = gen;
	size_t end;
	int error = 0;

	*out = doc->null_obj;
	if (doc->xref == NULL)
		return tamga__error_set(TAMGA_ESTATE, "PDF: object %u %u requested before the cross-reference table was read",
		                        num, (unsigned)gen);
	/* Free, missing, or another generation: the null object (§7.3.10). */
	if (num >= doc->size)
		return 0;
	e = &doc->xref[num];
	if ((e->type == PDF_XREF_USED && e->gen != gen) || (e->type == PDF_XREF_COMPRESSED && gen != 0) ||
	    e->type == PDF_XREF_FREE)
		return 0;
	if (e->state == PDF_LOAD_DONE) {
		*out = e->obj;
		return 0;
	}
	if (e->failed & PDF_FAILED_OBJECT)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: object %u %u is malformed (reported before)",
		                        tamga__pdf_obj_offset(doc, num), num, (unsigned)gen);
	if (e->state == PDF_LOAD_BUSY)
		return tamga__error_set(TAMGA_EFORMAT,
		                        "PDF: offset %zu: object %u %u is needed to read itself (a reference cycle)",
		                        tamga__pdf_obj_offset(doc, num), num, (unsigned)gen);
	if (doc->load_depth >= doc->limits.max_depth) {
		doc->depth_hit = 1;
		return tamga__error_set(TAMGA_ELIMIT,
		                        "PDF: offset %zu: object %u %u: objects needed to read objects nested deeper than %u",
		                        tamga__pdf_obj_offset(doc, num), num, (unsigned)gen, doc->limits.max_depth);
	}
	doc->load_depth++;
	e->state = PDF_LOAD_BUSY;
	if (e->type == PDF_XREF_USED) {
		error = tamga__pdf_parse_indirect(doc, (size_t)e->f2, &n, &g, 1, &obj, &end);
	} else {
		error = tamga__pdf_objstm_load(doc, num);
		obj = e->obj;
	}
	doc->load_depth--;
	if (error < 0) {
		e->state = PDF_LOAD_NONE;
		/* Remember the failure (so a bad object stream is not decoded
		 * again for each of its objects), unless it came from how deep
		 * this request started: another request may succeed. */
		if (!doc->depth_hit)
			e->failed |= PDF_FAILED_OBJECT;
		if (doc->load_depth == 0)
			doc->depth_hit = 0;
		return error;
	}
	if (doc->load_depth == 0)
		doc->depth_hit = 0;
	e->obj = obj;
	e->state = PDF_LOAD_DONE;
	*out = obj;
	return 0;
}

int tamga__pdf_object_gen(pdf_doc *doc, uint32_t num, uint16_t *gen)
{
	*gen = 0;
	if (doc->xref != NULL && num < doc->size && doc->xref[num].type == PDF_XREF_USED)
		*gen = doc->xref[num].gen;
	return 0;
}

int tamga__pdf_resolve(pdf_doc *doc, pdf_obj *obj, pdf_obj **out)
{
	uint32_t seen[64];
	unsigned int i, k, n = 0;
	int error;

	*out = obj;
	for (i = 0; obj != NULL && obj->type == PDF_REF; i++) {
		if (i >= doc->limits.max_resolve)
			return tamga__error_set(TAMGA_ELIMIT, "PDF: offset %zu: more than %u references in a row (at object %u %u)",
			                        tamga__pdf_obj_offset(doc, obj->u.ref.num), doc->limits.max_resolve,
			                        obj->u.ref.num, (unsigned)obj->u.ref.gen);
		for (k = 0; k < n; k++)
			if (seen[k] == obj->u.ref.num)
				return tamga__error_set(TAMGA_EFORMAT,
				                        "PDF: offset %zu: object %u %u refers to itself (a reference cycle)",
				                        tamga__pdf_obj_offset(doc, obj->u.ref.num), obj->u.ref.num,
				                        (unsigned)obj->u.ref.gen);
		if (n < sizeof(seen) / sizeof(seen[0]))
			seen[n++] = obj->u.ref.num;
		if ((error = tamga__pdf_get(doc, obj->u.ref.num, obj->u.ref.gen, &obj)) < 0)
			return error;
	}
	*out = obj;
	return 0;
}

int tamga__pdf_dict_resolve(pdf_doc *doc, const pdf_obj *dict, const char *key, pdf_obj **out)
{
	pdf_obj *v = tamga__pdf_dict_get(dict, key);
	int error;

	*out = NULL;
	if (v == NULL)
		return 0;
	if ((error = tamga__pdf_resolve(doc, v, &v)) < 0)
		return error;
	/* A null value is the same as no entry (§7.3.7). */
	*out = v->type == PDF_NULL ? NULL : v;
	return 0;
}

int tamga__pdf_stream_decode(pdf_doc *doc, const pdf_obj *stream, tamga_buf *out)
{
	if (stream == NULL || stream->type != PDF_STREAM)
		return tamga__error_set(TAMGA_EINVAL, "PDF: decoding an object that is not a stream");
	return tamga__pdf_decode(doc, stream->u.stream.dict, stream->u.stream.data, stream->u.stream.len,
	                         stream->u.stream.data_offset == SIZE_MAX ? stream->offset : stream->u.stream.data_offset,
	                         out);
}

int tamga__pdf_catalog(pdf_doc *doc, pdf_obj **out)
{
	pdf_obj *root = tamga__pdf_dict_get(doc->trailer, "Root"), *cat;
	int error;

	*out = NULL;
	if (root == NULL || root->type != PDF_REF)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: the trailer has no /Root reference",
		                        doc->trailer->offset);
	if ((error = tamga__pdf_resolve(doc, root, &cat)) < 0)
		return error;
	if (cat->type != PDF_DICT || !tamga__pdf_is_name(tamga__pdf_dict_get(cat, "Type"), "Catalog"))
		return tamga__error_set(TAMGA_EFORMAT,
		                        "PDF: offset %zu: /Root %u %u is not a catalog dictionary (/Type /Catalog)",
		                        tamga__pdf_obj_offset(doc, root->u.ref.num), root->u.ref.num,
		                        (unsigned)root->u.ref.gen);
	*out = cat;
	return 0;
}

/* ------------------------------------------------------------------ open */

/* "%PDF-1.x" or "%PDF-2.0" at offset 0, then white space (§7.5.2). */
static int read_version(pdf_doc *doc)
{
	const unsigned char *d = doc->data;

	if (doc->len < 9 || memcmp(d, "%PDF-", 5) != 0 || d[6] != '.' || !tamga__pdf_is_ws(d[8]) ||
	    !((d[5] == '1' && d[7] >= '0' && d[7] <= '7') || (d[5] == '2' && d[7] == '0')))
		return tamga__error_set(TAMGA_EFORMAT, "PDF: offset 0: no %%PDF-1.x or %%PDF-2.0 header");
	doc->version = (d[5] - '0') * 10 + (d[7] - '0');
	return 0;
}

/* Every entry the merged table uses must point at its object's header, and
 * every compressed object into an object stream that is itself at an
 * offset: wrong offsets are found at open, not when an object is asked for. */
static int check_entries(pdf_doc *doc)
{
	uint32_t i;
	int error;

	for (i = 0; i < doc->size; i++) {
		const struct pdf_xent *e = &doc->xref[i];

		if (e->type == PDF_XREF_USED) {
			if (e->f2 >= doc->len)
				return tamga__error_set(TAMGA_EFORMAT,
				                        "PDF: object %u %u: offset %llu is beyond the end of the file (%zu bytes)",
				                        i, (unsigned)e->gen, (unsigned long long)e->f2, doc->len);
			if ((error = tamga__pdf_check_header(doc, (size_t)e->f2, i, e->gen)) < 0)
				return error;
		} else if (e->type == PDF_XREF_COMPRESSED) {
			/* An object stream may not be inside another one (§7.5.7), and has generation 0. */
			if (e->f2 >= doc->size || doc->xref[e->f2].type != PDF_XREF_USED || doc->xref[e->f2].gen != 0)
				return tamga__error_set(TAMGA_EFORMAT,
				                        "PDF: object %u is in object stream %llu, which is not an object of "
				                        "generation 0 at a file offset",
				                        i, (unsigned long long)e->f2);
		}
	}
	return 0;
}

int tamga__pdf_open(pdf_doc **out, const unsigned char *data, size_t len, const struct pdf_limits *limits)
{
	pdf_doc *doc = NULL;
	pdf_obj *cat;
	int error = 0;

	*out = NULL;
	if ((doc = calloc(1, sizeof(*doc))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if (limits != NULL)
		doc->limits = *limits;
	else
		tamga__pdf_limits_default(&doc->limits);
	doc->data = data;
	doc->len = len;
	if (len > doc->limits.max_file) {
		error = tamga__error_set(TAMGA_ELIMIT, "PDF: the file has %zu bytes, above the limit of %zu", len,
		                         doc->limits.max_file);
		goto done;
	}
	if ((doc->arena = tamga__pdf_arena_new(doc->limits.max_memory)) == NULL ||
	    (doc->null_obj = tamga__pdf_null(doc->arena)) == NULL) {
		error = tamga_error_last()->code;
		goto done;
	}
	if ((error = read_version(doc)) < 0 || (error = tamga__pdf_xref_read(doc)) < 0 ||
	    (error = check_entries(doc)) < 0 || (error = tamga__pdf_catalog(doc, &cat)) < 0)
		goto done;
	*out = doc;
	doc = NULL;
done:
	tamga__pdf_close(doc);
	return error;
}

void tamga__pdf_close(pdf_doc *doc)
{
	if (doc == NULL)
		return;
	tamga__pdf_arena_free(doc->arena);
	free(doc);
}

pdf_arena *tamga__pdf_doc_arena(pdf_doc *doc)
{
	return doc->arena;
}

pdf_obj *tamga__pdf_trailer(pdf_doc *doc)
{
	return doc->trailer;
}

uint32_t tamga__pdf_size(pdf_doc *doc)
{
	return doc->size;
}

size_t tamga__pdf_revision_count(pdf_doc *doc)
{
	return doc->nrevs;
}

const struct pdf_revision *tamga__pdf_revision(pdf_doc *doc, size_t index)
{
	return index < doc->nrevs ? &doc->revs[index] : NULL;
}

const unsigned char *tamga__pdf_data(pdf_doc *doc, size_t *len)
{
	if (len != NULL)
		*len = doc->len;
	return doc->data;
}

int tamga__pdf_version(pdf_doc *doc)
{
	return doc->version;
}
