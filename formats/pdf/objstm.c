/*
 * formats/pdf/objstm.c - object streams (ISO 32000-1 §7.5.7).
 *
 *     S 0 obj << /Type /ObjStm /N 3 /First 15 /Filter /FlateDecode >> stream
 *     decoded:  "11 0 12 9 13 20 " <<...>> [...] (...)
 *               |--- N pairs ----||<- /First: objects at First + offset
 *
 * A cross-reference entry (type 2) names the stream and the index of the
 * object in it.  On the first request the stream is decoded once and every
 * object the merged xref places in it is parsed and cached, so an object
 * stream of n objects costs one decode, not n.
 *
 * Refused: an object stream inside an object stream or with a generation
 * other than 0 (checked at open), a stream object inside an object stream,
 * an index whose pair names another object, offsets that are not strictly
 * increasing, and an object that does not end where the next one starts
 * (two objects overlapping, or bytes between them that some reader might
 * take for something).
 */
#include <stdlib.h>
#include <string.h>

#include "formats/pdf/reader.h"

struct pair {
	uint64_t num, off;
};

static int objstm_error(pdf_doc *doc, uint32_t s, const char *msg)
{
	return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: object stream %u: %s", tamga__pdf_obj_offset(doc, s), s,
	                        msg);
}

int tamga__pdf_objstm_load(pdf_doc *doc, uint32_t num)
{
	struct pdf_xent *e = &doc->xref[num], *se;
	uint32_t s = (uint32_t)e->f2, idx = e->f3;
	tamga_buf data = TAMGA_BUF_INIT;
	struct pair *pairs = NULL;
	pdf_obj **parsed = NULL;
	struct pdf_lexer lx;
	struct pdf_token tok;
	pdf_obj *stm, *d;
	uint64_t n, first, i;
	int error = 0;

	/* check_entries made sure s is a type 1 entry of generation 0. */
	se = &doc->xref[s];
	if (se->failed & PDF_FAILED_OBJSTM) {
		error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: object %u: object stream %u is malformed (reported before)",
		                         tamga__pdf_obj_offset(doc, s), num, s);
		goto done;
	}
	if ((error = tamga__pdf_get(doc, s, 0, &stm)) < 0)
		goto done;
	d = tamga__pdf_dict_of(stm);
	if (stm->type != PDF_STREAM || !tamga__pdf_is_name(tamga__pdf_dict_get(d, "Type"), "ObjStm")) {
		error = objstm_error(doc, s, "not a stream with /Type /ObjStm");
		goto bad;
	}
	if ((error = tamga__pdf_get_uint(doc, tamga__pdf_dict_get(d, "N"), doc->limits.max_objects, "/N", stm->offset,
	                                 &n)) < 0 ||
	    (error = tamga__pdf_get_uint(doc, tamga__pdf_dict_get(d, "First"), SIZE_MAX / 2, "/First", stm->offset,
	                                 &first)) < 0)
		goto bad;
	if ((error = tamga__pdf_stream_decode(doc, stm, &data)) < 0)
		goto bad;
	/* Each pair takes at least 4 bytes ("1 0 "), which bounds n before allocating. */
	if (first > data.size || n > first / 3 + 1) {
		error = objstm_error(doc, s, "/First or /N does not fit the decoded data");
		goto bad;
	}
	if (idx >= n) {
		error = tamga__error_set(TAMGA_EFORMAT,
		                         "PDF: offset %zu: object %u: index %u is not below /N %llu of object stream %u",
		                         tamga__pdf_obj_offset(doc, s), num, idx, (unsigned long long)n, s);
		goto done; /* the entry's fault, not the stream's: its other objects stay readable */
	}
	if ((pairs = calloc(n ? (size_t)n : 1, sizeof(*pairs))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	tamga__pdf_lexer_init(&lx, data.ptr, (size_t)first, 0, doc->arena, &doc->limits);
	lx.objstm = s;
	for (i = 0; i < 2 * n; i++) {
		if ((error = tamga__pdf_lex(&lx, &tok)) < 0)
			goto bad;
		if (tok.type != PDF_TOK_INT || !tok.is_unsigned || (i % 2 == 0 && tok.integer > UINT32_MAX)) {
			error = tamga__pdf_lex_error(&lx, TAMGA_EFORMAT, tok.start,
			                             "expected %llu pairs of object number and offset before /First",
			                             (unsigned long long)n);
			goto bad;
		}
		if (i % 2 == 0)
			pairs[i / 2].num = (uint64_t)tok.integer;
		else
			pairs[i / 2].off = (uint64_t)tok.integer;
	}
	tamga__pdf_skip_ws(&lx);
	if (lx.pos != lx.len) {
		error = tamga__pdf_lex_error(&lx, TAMGA_EFORMAT, lx.pos, "data after the %llu pairs and before /First",
		                             (unsigned long long)n);
		goto bad;
	}
	for (i = 0; i < n; i++) {
		if (pairs[i].off >= data.size - first || (i > 0 && pairs[i].off <= pairs[i - 1].off)) {
			error = tamga__error_set(TAMGA_EFORMAT,
			                         "PDF: offset %zu: object stream %u: object %llu has offset %llu (offsets must "
			                         "increase and stay inside the stream)",
			                         tamga__pdf_obj_offset(doc, s), s, (unsigned long long)pairs[i].num,
			                         (unsigned long long)pairs[i].off);
			goto bad;
		}
	}
	if (pairs[idx].num != num) {
		error = tamga__error_set(TAMGA_EFORMAT,
		                         "PDF: offset %zu: object %u: index %u of object stream %u holds object %llu",
		                         tamga__pdf_obj_offset(doc, s), num, idx, s,
		                         (unsigned long long)pairs[idx].num);
		goto done; /* as above */
	}
	/* Parse every object first and cache them only when all parsed: a
	 * malformed object stream fails for each of its objects, whatever
	 * order they are asked for in. */
	if ((parsed = calloc((size_t)n, sizeof(*parsed))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	lx.len = data.size;
	for (i = 0; i < n; i++) {
		struct pdf_xent *x;
		size_t next = i + 1 < n ? (size_t)(first + pairs[i + 1].off) : data.size;

		if (pairs[i].num >= doc->size)
			continue;
		x = &doc->xref[pairs[i].num];
		/* Only the objects the merged xref places here: older copies are not ours to cache. */
		if (x->type != PDF_XREF_COMPRESSED || x->f2 != s || x->f3 != i || x->state == PDF_LOAD_DONE ||
		    (x->state == PDF_LOAD_BUSY && pairs[i].num != num))
			continue;
		lx.pos = (size_t)(first + pairs[i].off);
		if ((error = tamga__pdf_parse_object(&lx, &parsed[i])) < 0)
			goto bad;
		tamga__pdf_skip_ws(&lx);
		if (lx.pos != next) {
			if ((error = tamga__pdf_lex(&lx, &tok)) == 0 && tamga__pdf_tok_is(&lx, &tok, "stream"))
				error = tamga__pdf_lex_error(&lx, TAMGA_EFORMAT, tok.start,
				                             "object %llu: an object stream cannot hold a stream",
				                             (unsigned long long)pairs[i].num);
			else
				error = tamga__pdf_lex_error(&lx, TAMGA_EFORMAT, lx.pos,
				                             "object %llu does not end where the next object starts",
				                             (unsigned long long)pairs[i].num);
			goto bad;
		}
	}
	for (i = 0; i < n; i++) {
		struct pdf_xent *x;

		if (parsed[i] == NULL)
			continue;
		x = &doc->xref[pairs[i].num];
		x->obj = parsed[i];
		if (pairs[i].num != num)
			x->state = PDF_LOAD_DONE;
	}
	goto done;
bad:
	/* Not when the cause was how deep the request started (see tamga__pdf_get). */
	if (!doc->depth_hit)
		se->failed |= PDF_FAILED_OBJSTM;
done:
	free(parsed);
	free(pairs);
	tamga_buf_dispose(&data);
	return error;
}
