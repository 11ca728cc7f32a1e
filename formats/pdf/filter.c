/*
 * formats/pdf/filter.c - stream filters (ISO 32000-1 §7.4): FlateDecode
 * (§7.4.4, RFC 1950/1951) with the PNG (RFC 2083 §6) and TIFF predictor 2
 * (§7.4.4.4, Table 8), ASCIIHexDecode (§7.4.2), ASCII85Decode (§7.4.3).
 *
 *     raw stream bytes --/Filter[0]--> ... --/Filter[n-1]--> decoded bytes
 *                       /DecodeParms[0]      /DecodeParms[n-1]
 *
 * Decompression bombs: every stage stops as soon as its output passes
 * max_stream, or max_ratio times its input, or max_ratio times the raw
 * stream (so a chain of filters cannot multiply ratios), checked while
 * inflating, never after the memory is spent.  A chain is at most
 * MAX_FILTERS long, so a thousand FlateDecode entries cannot multiply the
 * work either.  Strictness: a compressed stream must be complete (adler32
 * checked by zlib), only white space may follow it, a predicted stream
 * must hold whole rows, and an unknown filter is an error naming it:
 * tamga never shows raw bytes as if they were decoded.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "formats/pdf/reader.h"

#define MAX_FILTERS 8
#define CHUNK 16384

struct stage {
	const char *name;         /* for messages */
	size_t offset;            /* of the stream data, for messages */
	size_t limit;             /* most bytes this stage may produce */
	const struct pdf_limits *limits;
};

static int too_big(const struct stage *st)
{
	return tamga__error_set(TAMGA_ELIMIT,
	                        "PDF: offset %zu: %s: stream decodes to more than %zu bytes "
	                        "(limits: %zu bytes, ratio %u)",
	                        st->offset, st->name, st->limit, st->limits->max_stream, st->limits->max_ratio);
}

/* Append n bytes of output, refusing to pass the stage's limit. */
static int emit(const struct stage *st, tamga_buf *out, const void *p, size_t n)
{
	if (out->size > st->limit || n > st->limit - out->size)
		return too_big(st);
	return tamga__buf_append(out, p, n);
}

/* ------------------------------------------------------------------ Flate */

static int flate(const struct stage *st, const unsigned char *in, size_t len, tamga_buf *out)
{
	unsigned char chunk[CHUNK];
	z_stream zs;
	size_t i;
	int rc, error = 0, inited = 0;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK) {
		error = tamga__error_set(TAMGA_ENOMEM, "PDF: zlib: cannot initialise");
		goto done;
	}
	inited = 1;
	zs.next_in = (unsigned char *)in;
	zs.avail_in = 0;
	for (;;) {
		if (zs.avail_in == 0) {
			size_t left = len - (size_t)(zs.next_in - in);

			zs.avail_in = left > UINT_MAX ? UINT_MAX : (uInt)left;
		}
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		rc = inflate(&zs, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END) {
			if (rc == Z_BUF_ERROR)
				error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: FlateDecode: truncated data",
				                         st->offset);
			else if (rc == Z_MEM_ERROR)
				error = tamga__error_oom();
			else
				error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: FlateDecode: %s", st->offset,
				                         zs.msg ? zs.msg : "invalid data");
			goto done;
		}
		if ((error = emit(st, out, chunk, sizeof(chunk) - zs.avail_out)) < 0)
			goto done;
		if (rc == Z_STREAM_END)
			break;
		/* Z_OK with no input left and room in the output: nothing more will come. */
		if (zs.avail_in == 0 && (size_t)(zs.next_in - in) == len && zs.avail_out != 0) {
			error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: FlateDecode: truncated data",
			                         st->offset);
			goto done;
		}
	}
	/* Only white space (an EOL counted into /Length) may follow the data:
	 * bytes after it would be invisible to every viewer. */
	for (i = (size_t)(zs.next_in - in); i < len; i++) {
		if (!tamga__pdf_is_ws(in[i])) {
			error = tamga__error_set(TAMGA_EFORMAT,
			                         "PDF: offset %zu: FlateDecode: %zu bytes after the end of the compressed data",
			                         st->offset, len - (size_t)(zs.next_in - in));
			goto done;
		}
	}
done:
	if (inited)
		inflateEnd(&zs);
	return error;
}

/* ------------------------------------------------------------------ predictors */

struct predict {
	int64_t predictor, colors, bpc, columns;
};

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	if (pa <= pb && pa <= pc)
		return a;
	return pb <= pc ? b : c;
}

/* PNG prediction (RFC 2083 §6): each row is a filter-type byte and rowbytes
 * bytes; the type byte of each row decides (predictors 10-15 only say
 * "PNG"). */
static int png_unpredict(const struct stage *st, const struct predict *pr, size_t rowbytes, const tamga_buf *in,
                         tamga_buf *out)
{
	size_t bpp = (size_t)((pr->colors * pr->bpc + 7) / 8), rows, r, i;
	unsigned char *prev = NULL, *cur = NULL;
	int error = 0;

	if (in->size % (rowbytes + 1) != 0) {
		error = tamga__error_set(TAMGA_EFORMAT,
		                         "PDF: offset %zu: PNG predictor: %zu bytes are not whole rows of %zu",
		                         st->offset, in->size, rowbytes + 1);
		goto done;
	}
	rows = in->size / (rowbytes + 1);
	if ((prev = calloc(1, rowbytes)) == NULL || (cur = malloc(rowbytes)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (r = 0; r < rows; r++) {
		const unsigned char *row = in->ptr + r * (rowbytes + 1);
		unsigned type = row[0];

		memcpy(cur, row + 1, rowbytes);
		for (i = 0; i < rowbytes; i++) {
			int left = i >= bpp ? cur[i - bpp] : 0, up = prev[i], ul = i >= bpp ? prev[i - bpp] : 0;

			switch (type) {
			case 0: break;
			case 1: cur[i] = (unsigned char)(cur[i] + left); break;
			case 2: cur[i] = (unsigned char)(cur[i] + up); break;
			case 3: cur[i] = (unsigned char)(cur[i] + ((left + up) >> 1)); break;
			case 4: cur[i] = (unsigned char)(cur[i] + paeth(left, up, ul)); break;
			default:
				error = tamga__error_set(TAMGA_EFORMAT,
				                         "PDF: offset %zu: PNG predictor: row %zu has filter type %u",
				                         st->offset, r, type);
				goto done;
			}
		}
		if ((error = emit(st, out, cur, rowbytes)) < 0)
			goto done;
		memcpy(prev, cur, rowbytes);
	}
done:
	free(prev);
	free(cur);
	return error;
}

static unsigned get_bits(const unsigned char *row, size_t bit, unsigned n)
{
	return (row[bit / 8] >> (8 - n - bit % 8)) & ((1u << n) - 1);
}

static void put_bits(unsigned char *row, size_t bit, unsigned n, unsigned v)
{
	unsigned shift = 8 - n - (unsigned)(bit % 8), mask = ((1u << n) - 1) << shift;

	row[bit / 8] = (unsigned char)((row[bit / 8] & ~mask) | ((v << shift) & mask));
}

/* TIFF predictor 2: each component is the difference from the same
 * component of the pixel to its left. */
static int tiff_unpredict(const struct stage *st, const struct predict *pr, size_t rowbytes, const tamga_buf *in,
                          tamga_buf *out)
{
	size_t rows, r, i, ncomp = (size_t)(pr->columns * pr->colors), colors = (size_t)pr->colors;
	unsigned bpc = (unsigned)pr->bpc;
	unsigned char *row = NULL;
	int error = 0;

	if (in->size % rowbytes != 0) {
		error = tamga__error_set(TAMGA_EFORMAT,
		                         "PDF: offset %zu: TIFF predictor: %zu bytes are not whole rows of %zu",
		                         st->offset, in->size, rowbytes);
		goto done;
	}
	rows = in->size / rowbytes;
	if ((row = malloc(rowbytes)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (r = 0; r < rows; r++) {
		memcpy(row, in->ptr + r * rowbytes, rowbytes);
		for (i = colors; i < ncomp; i++) {
			if (bpc == 8) {
				row[i] = (unsigned char)(row[i] + row[i - colors]);
			} else if (bpc == 16) {
				unsigned v = ((unsigned)row[2 * i] << 8 | row[2 * i + 1]) +
				             ((unsigned)row[2 * (i - colors)] << 8 | row[2 * (i - colors) + 1]);

				row[2 * i] = (unsigned char)(v >> 8);
				row[2 * i + 1] = (unsigned char)v;
			} else {
				unsigned v = get_bits(row, i * bpc, bpc) + get_bits(row, (i - colors) * bpc, bpc);

				put_bits(row, i * bpc, bpc, v);
			}
		}
		if ((error = emit(st, out, row, rowbytes)) < 0)
			goto done;
	}
done:
	free(row);
	return error;
}

/* ------------------------------------------------------------------ ASCII filters */

static int ascii_hex(const struct stage *st, const unsigned char *in, size_t len, tamga_buf *out)
{
	unsigned char chunk[CHUNK];
	size_t i, n = 0;
	int hi = -1, error = 0, eod = 0;

	for (i = 0; i < len && !eod; i++) {
		unsigned char c = in[i];
		int v = c >= '0' && c <= '9'   ? c - '0'
		        : c >= 'a' && c <= 'f' ? c - 'a' + 10
		        : c >= 'A' && c <= 'F' ? c - 'A' + 10
		                               : -1;

		if (c == '>') {
			eod = 1;
			continue;
		}
		if (v < 0) {
			if (tamga__pdf_is_ws(c))
				continue;
			return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: ASCIIHexDecode: invalid byte 0x%02x",
			                        st->offset + i, c);
		}
		if (hi < 0) {
			hi = v;
			continue;
		}
		chunk[n++] = (unsigned char)(hi * 16 + v);
		hi = -1;
		if (n == sizeof(chunk)) {
			if ((error = emit(st, out, chunk, n)) < 0)
				return error;
			n = 0;
		}
	}
	if (!eod)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: ASCIIHexDecode: no '>' at the end",
		                        st->offset);
	for (; i < len; i++)
		if (!tamga__pdf_is_ws(in[i]))
			return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: ASCIIHexDecode: data after '>'",
			                        st->offset + i);
	if (hi >= 0)
		chunk[n++] = (unsigned char)(hi * 16); /* odd count: last digit followed by 0 */
	return emit(st, out, chunk, n);
}

static int ascii85(const struct stage *st, const unsigned char *in, size_t len, tamga_buf *out)
{
	unsigned char chunk[CHUNK];
	size_t i, n = 0;
	unsigned k = 0;
	uint64_t v = 0;
	int error = 0, eod = 0;

	for (i = 0; i < len && !eod; i++) {
		unsigned char c = in[i];

		if (tamga__pdf_is_ws(c))
			continue;
		if (c == '~') {
			if (i + 1 >= len || in[i + 1] != '>')
				return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: ASCII85Decode: '~' without '>'",
				                        st->offset + i);
			eod = 1;
			i++;
			continue;
		}
		if (c == 'z' && k == 0) {
			memset(chunk + n, 0, 4);
			n += 4;
		} else if (c >= '!' && c <= 'u') {
			v = v * 85 + (uint64_t)(c - '!');
			if (++k == 5) {
				if (v > 0xffffffffu)
					return tamga__error_set(TAMGA_EFORMAT,
					                        "PDF: offset %zu: ASCII85Decode: group out of range",
					                        st->offset + i);
				chunk[n++] = (unsigned char)(v >> 24);
				chunk[n++] = (unsigned char)(v >> 16);
				chunk[n++] = (unsigned char)(v >> 8);
				chunk[n++] = (unsigned char)v;
				k = 0;
				v = 0;
			}
		} else {
			return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: ASCII85Decode: invalid byte 0x%02x",
			                        st->offset + i, c);
		}
		if (n > sizeof(chunk) - 4) {
			if ((error = emit(st, out, chunk, n)) < 0)
				return error;
			n = 0;
		}
	}
	if (!eod)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: ASCII85Decode: no '~>' at the end",
		                        st->offset);
	for (; i < len; i++)
		if (!tamga__pdf_is_ws(in[i]))
			return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: ASCII85Decode: data after '~>'",
			                        st->offset + i);
	if (k == 1)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: ASCII85Decode: a final group of one character",
		                        st->offset);
	if (k > 1) {
		unsigned j, got = k;

		for (; k < 5; k++)
			v = v * 85 + 84; /* pad with 'u' */
		if (v > 0xffffffffu)
			return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: ASCII85Decode: group out of range",
			                        st->offset);
		for (j = 0; j < got - 1; j++)
			chunk[n++] = (unsigned char)(v >> (24 - 8 * j));
	}
	return emit(st, out, chunk, n);
}

/* ------------------------------------------------------------------ chain */

/* A /Filter or /DecodeParms value, resolved when the document can. */
static int resolve(pdf_doc *doc, pdf_obj *obj, const char *what, size_t offset, pdf_obj **out)
{
	if (obj != NULL && obj->type == PDF_REF) {
		if (doc == NULL || doc->xref == NULL)
			return tamga__error_set(TAMGA_EFORMAT,
			                        "PDF: offset %zu: %s of a cross-reference stream must be direct", offset,
			                        what);
		return tamga__pdf_resolve(doc, obj, out);
	}
	*out = obj;
	return 0;
}

static int int_param(pdf_doc *doc, const pdf_obj *parms, const char *key, int64_t def, int64_t lo, int64_t hi,
                     size_t offset, int64_t *out)
{
	pdf_obj *v;
	int error;

	if ((error = resolve(doc, tamga__pdf_dict_get(parms, key), "/DecodeParms", offset, &v)) < 0)
		return error;
	if (v == NULL || v->type == PDF_NULL) {
		*out = def;
		return 0;
	}
	if (v->type != PDF_INT || v->u.integer < lo || v->u.integer > hi)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: /DecodeParms /%s must be an integer from %lld to %lld",
		                        offset, key, (long long)lo, (long long)hi);
	*out = v->u.integer;
	return 0;
}

/* FlateDecode, then its predictor. */
static int flate_stage(pdf_doc *doc, const struct stage *st, const pdf_obj *parms, const unsigned char *in,
                       size_t len, tamga_buf *out)
{
	tamga_buf raw = TAMGA_BUF_INIT;
	struct predict pr;
	uint64_t bits;
	size_t rowbytes;
	int error;

	if ((error = int_param(doc, parms, "Predictor", 1, 1, 15, st->offset, &pr.predictor)) < 0 ||
	    (error = int_param(doc, parms, "Colors", 1, 1, 32, st->offset, &pr.colors)) < 0 ||
	    (error = int_param(doc, parms, "BitsPerComponent", 8, 1, 16, st->offset, &pr.bpc)) < 0 ||
	    (error = int_param(doc, parms, "Columns", 1, 1, INT32_MAX, st->offset, &pr.columns)) < 0)
		goto done;
	if (pr.predictor != 1 && pr.predictor != 2 && pr.predictor < 10) {
		error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: unknown /Predictor %lld", st->offset,
		                         (long long)pr.predictor);
		goto done;
	}
	if (pr.bpc != 1 && pr.bpc != 2 && pr.bpc != 4 && pr.bpc != 8 && pr.bpc != 16) {
		error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: /BitsPerComponent %lld", st->offset,
		                         (long long)pr.bpc);
		goto done;
	}
	if (pr.predictor == 1) {
		error = flate(st, in, len, out);
		goto done;
	}
	if ((error = flate(st, in, len, &raw)) < 0)
		goto done;
	bits = (uint64_t)pr.columns * (uint64_t)pr.colors * (uint64_t)pr.bpc; /* < 2^41 */
	/* A row longer than the data is an error before any row buffer is
	 * allocated: /Columns 2147483647 must not ask for gigabytes. */
	if (raw.size == 0)
		goto done;
	if ((bits + 7) / 8 + (pr.predictor == 2 ? 0 : 1) > raw.size) {
		error = tamga__error_set(TAMGA_EFORMAT,
		                         "PDF: offset %zu: %s predictor: %zu bytes are not whole rows of %llu", st->offset,
		                         pr.predictor == 2 ? "TIFF" : "PNG", raw.size,
		                         (unsigned long long)((bits + 7) / 8 + (pr.predictor == 2 ? 0 : 1)));
		goto done;
	}
	rowbytes = (size_t)((bits + 7) / 8);
	if (pr.predictor == 2)
		error = tiff_unpredict(st, &pr, rowbytes, &raw, out);
	else
		error = png_unpredict(st, &pr, rowbytes, &raw, out);
done:
	tamga_buf_dispose(&raw);
	return error;
}

static size_t mul_cap(size_t a, unsigned int b)
{
	return b != 0 && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

int tamga__pdf_decode(pdf_doc *doc, const pdf_obj *dict, const unsigned char *data, size_t len, size_t offset,
                      tamga_buf *out)
{
	const struct pdf_limits *limits = &doc->limits;
	pdf_obj *filter = NULL, *parms = NULL, *f, *p;
	tamga_buf bufs[2] = { TAMGA_BUF_INIT, TAMGA_BUF_INIT };
	const unsigned char *in = data;
	size_t n = 0, i, in_len = len, total_cap = mul_cap(len, limits->max_ratio);
	struct stage st;
	char q[32];
	int error = 0;

	if (tamga__pdf_dict_get(dict, "F") != NULL) {
		error = tamga__error_set(TAMGA_EUNSUPPORTED,
		                         "PDF: offset %zu: streams with external data (/F) are not supported", offset);
		goto done;
	}
	if ((error = resolve(doc, tamga__pdf_dict_get(dict, "Filter"), "/Filter", offset, &filter)) < 0 ||
	    (error = resolve(doc, tamga__pdf_dict_get(dict, "DecodeParms"), "/DecodeParms", offset, &parms)) < 0)
		goto done;
	if (filter == NULL || filter->type == PDF_NULL)
		n = 0;
	else if (filter->type == PDF_NAME)
		n = 1;
	else if (filter->type == PDF_ARRAY)
		n = filter->u.array.len;
	else {
		error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: /Filter is neither a name nor an array",
		                         offset);
		goto done;
	}
	if (n > MAX_FILTERS) {
		error = tamga__error_set(TAMGA_ELIMIT, "PDF: offset %zu: more than %d filters on one stream", offset,
		                         MAX_FILTERS);
		goto done;
	}
	if (parms != NULL && parms->type != PDF_NULL && parms->type != PDF_DICT &&
	    !(parms->type == PDF_ARRAY && filter != NULL && filter->type == PDF_ARRAY && parms->u.array.len == n)) {
		error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: /DecodeParms does not match /Filter", offset);
		goto done;
	}
	if (parms != NULL && parms->type == PDF_DICT && n != 1) {
		error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: /DecodeParms does not match /Filter", offset);
		goto done;
	}
	st.offset = offset;
	st.limits = limits;
	if (n == 0) {
		st.name = "stream";
		st.limit = limits->max_stream;
		if (len > st.limit) {
			error = too_big(&st);
			goto done;
		}
		error = tamga__buf_append(out, data, len);
		goto done;
	}
	for (i = 0; i < n; i++) {
		tamga_buf *dst = &bufs[i % 2];

		if ((error = resolve(doc, filter->type == PDF_ARRAY ? filter->u.array.items[i] : filter, "/Filter",
		                     offset, &f)) < 0)
			goto done;
		p = parms;
		if (parms != NULL && parms->type == PDF_ARRAY &&
		    (error = resolve(doc, parms->u.array.items[i], "/DecodeParms", offset, &p)) < 0)
			goto done;
		if (p != NULL && p->type != PDF_DICT && p->type != PDF_NULL) {
			error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: /DecodeParms entry is not a dictionary",
			                         offset);
			goto done;
		}
		if (f == NULL || f->type != PDF_NAME) {
			error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: /Filter entry is not a name", offset);
			goto done;
		}
		tamga_buf_dispose(dst);
		st.name = f->u.name.data;
		st.limit = limits->max_stream;
		if (mul_cap(in_len, limits->max_ratio) < st.limit)
			st.limit = mul_cap(in_len, limits->max_ratio);
		if (total_cap < st.limit)
			st.limit = total_cap;
		if (strcmp(f->u.name.data, "FlateDecode") == 0)
			error = flate_stage(doc, &st, p, in, in_len, dst);
		else if (strcmp(f->u.name.data, "ASCIIHexDecode") == 0)
			error = ascii_hex(&st, in, in_len, dst);
		else if (strcmp(f->u.name.data, "ASCII85Decode") == 0)
			error = ascii85(&st, in, in_len, dst);
		else {
			tamga__pdf_quote(q, (const unsigned char *)f->u.name.data, f->u.name.len);
			error = tamga__error_set(TAMGA_EUNSUPPORTED, "PDF: offset %zu: stream filter /%s is not supported",
			                         offset, q);
		}
		if (error < 0)
			goto done;
		in = dst->ptr;
		in_len = dst->size;
	}
	error = tamga__buf_append(out, in, in_len);
done:
	tamga_buf_dispose(&bufs[0]);
	tamga_buf_dispose(&bufs[1]);
	return error;
}
