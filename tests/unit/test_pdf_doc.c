/*
 * tests/unit/test_pdf_doc.c - opening PDF documents (formats/pdf: xref.c,
 * filter.c, objstm.c, document.c, page.c).  Every file is written here,
 * byte by byte, with the cross-reference offsets this test computes; the
 * expected values are those bytes, the offsets, and the rules of
 * ISO 32000-1 (compressed data and PNG/TIFF prediction are made here with
 * zlib and the RFC 2083 filters, not by the code under test).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <tamga/common.h>

#include "common/buf.h"
#include "formats/pdf/reader.h"

/* ------------------------------------------------------------ a PDF writer for tests */

#define MAXOBJ 128

struct w {
	tamga_buf b;
	size_t off[MAXOBJ];       /* 0: not written */
};

static void w_init(struct w *w, const char *header)
{
	memset(w, 0, sizeof(*w));
	tamga__buf_puts(&w->b, header ? header : "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
}

static void w_free(struct w *w)
{
	tamga_buf_dispose(&w->b);
}

static void w_raw(struct w *w, const void *p, size_t n)
{
	assert_int_equal(tamga__buf_append(&w->b, p, n), 0);
}

static void w_obj(struct w *w, unsigned num, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void w_obj(struct w *w, unsigned num, const char *fmt, ...)
{
	char body[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	w->off[num] = w->b.size;
	tamga__buf_printf(&w->b, "%u 0 obj\n%s\nendobj\n", num, body);
}

/* num 0 obj << dict /Length len >> stream LF data LF endstream endobj;
 * returns the offset of the first data byte. */
static size_t w_stream(struct w *w, unsigned num, const char *dict, const void *data, size_t len)
{
	size_t at;

	w->off[num] = w->b.size;
	tamga__buf_printf(&w->b, "%u 0 obj\n<< %s /Length %zu >>\nstream\n", num, dict, len);
	at = w->b.size;
	w_raw(w, data, len);
	tamga__buf_puts(&w->b, "\nendstream\nendobj\n");
	return at;
}

/* A classic section for objects from..to-1 (the written ones in use,
 * the others free), the trailer, startxref and %%EOF; returns its offset. */
static size_t w_table(struct w *w, unsigned from, unsigned to, const char *trailer)
{
	size_t x = w->b.size;
	unsigned i;

	tamga__buf_printf(&w->b, "xref\n%u %u\n", from, to - from);
	for (i = from; i < to; i++) {
		if (w->off[i] != 0)
			tamga__buf_printf(&w->b, "%010zu 00000 n\r\n", w->off[i]);
		else
			tamga__buf_puts(&w->b, "0000000000 65535 f \n");
	}
	tamga__buf_printf(&w->b, "trailer\n%s\nstartxref\n%zu\n%%%%EOF\n", trailer, x);
	return x;
}

/* The usual three objects: 1 catalog, 2 pages, 3 page. */
static void w_basic(struct w *w)
{
	w_obj(w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	w_obj(w, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	w_obj(w, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>");
}

static struct pdf_limits lim;

static int open_w(struct w *w, pdf_doc **doc)
{
	tamga_error_clear();
	*doc = NULL;
	return tamga__pdf_open(doc, w->b.ptr, w->b.size, &lim);
}

/* Opening fails with code and a message holding want. */
static void open_fails(struct w *w, int code, const char *want)
{
	pdf_doc *doc;
	int error = open_w(w, &doc);

	if (error != code)
		fail_msg("open: got %d (%s), expected %d", error, tamga_error_last()->message, code);
	assert_null(doc);
	assert_true(strncmp(tamga_error_last()->message, "PDF: ", 5) == 0);
	if (want != NULL && strstr(tamga_error_last()->message, want) == NULL)
		fail_msg("message '%s' lacks '%s'", tamga_error_last()->message, want);
}

static pdf_doc *open_ok(struct w *w)
{
	pdf_doc *doc;

	if (open_w(w, &doc) != 0)
		fail_msg("open: %s", tamga_error_last()->message);
	return doc;
}

static void expect_error(int got, int code, const char *want)
{
	if (got != code)
		fail_msg("got %d (%s), expected %d", got, tamga_error_last()->message, code);
	assert_true(strncmp(tamga_error_last()->message, "PDF: ", 5) == 0);
	if (want != NULL && strstr(tamga_error_last()->message, want) == NULL)
		fail_msg("message '%s' lacks '%s'", tamga_error_last()->message, want);
}

static int setup(void **state)
{
	(void)state;
	tamga__pdf_limits_default(&lim);
	return 0;
}

static void zip(tamga_buf *out, const void *data, size_t len)
{
	uLongf n = compressBound(len);
	unsigned char *z = malloc(n);

	assert_non_null(z);
	assert_int_equal(compress2(z, &n, data, len, 9), Z_OK);
	out->size = 0;
	assert_int_equal(tamga__buf_append(out, z, n), 0);
	free(z);
}

/* PNG filter types 0-4 (RFC 2083 §6), encoding rows of width bytes. */
static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

static void png_encode(tamga_buf *out, const unsigned char *rows, size_t nrows, size_t width, size_t bpp)
{
	size_t r, i;

	out->size = 0;
	for (r = 0; r < nrows; r++) {
		const unsigned char *cur = rows + r * width, *prev = r ? cur - width : NULL;
		unsigned char type = (unsigned char)(r % 5);

		tamga__buf_append(out, &type, 1);
		for (i = 0; i < width; i++) {
			int a = i >= bpp ? cur[i - bpp] : 0, b = prev ? prev[i] : 0, c = (prev && i >= bpp) ? prev[i - bpp] : 0;
			int pred = type == 0 ? 0 : type == 1 ? a : type == 2 ? b : type == 3 ? (a + b) / 2 : paeth(a, b, c);
			unsigned char v = (unsigned char)(cur[i] - pred);

			tamga__buf_append(out, &v, 1);
		}
	}
}

/* ------------------------------------------------------------ classic files */

static void test_classic(void **state)
{
	struct w w;
	pdf_doc *doc;
	pdf_obj *o, *again;
	size_t x, data_at, n;
	struct pdf_page pg;
	uint16_t gen;

	(void)state;
	w_init(&w, NULL);
	w_basic(&w);
	data_at = w_stream(&w, 4, "", "BT (hi) ET", 10);
	x = w_table(&w, 0, 5, "<< /Size 5 /Root 1 0 R >>");
	doc = open_ok(&w);
	assert_int_equal(tamga__pdf_version(doc), 14);
	assert_int_equal(tamga__pdf_size(doc), 5);
	assert_int_equal(tamga__pdf_revision_count(doc), 1);
	assert_int_equal(tamga__pdf_revision(doc, 0)->xref_offset, x);
	assert_int_equal(tamga__pdf_revision(doc, 0)->end, w.b.size);
	assert_int_equal(tamga__pdf_revision(doc, 0)->is_stream, 0);
	assert_int_equal(tamga__pdf_revision(doc, 0)->hybrid, 0);
	assert_null(tamga__pdf_revision(doc, 1));
	assert_true(tamga__pdf_data(doc, &n) == w.b.ptr && n == w.b.size);
	assert_int_equal(tamga__pdf_dict_get(tamga__pdf_trailer(doc), "Size")->u.integer, 5);
	assert_int_equal(tamga__pdf_get(doc, 1, 0, &o), 0);
	assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(o, "Type"), "Catalog"));
	assert_int_equal(o->offset, w.off[1] + 8); /* after "1 0 obj\n" */
	assert_int_equal(tamga__pdf_get(doc, 1, 0, &again), 0);
	assert_ptr_equal(o, again); /* cached */
	assert_int_equal(tamga__pdf_catalog(doc, &again), 0);
	assert_ptr_equal(o, again);
	assert_int_equal(tamga__pdf_get(doc, 4, 0, &o), 0);
	assert_int_equal(o->type, PDF_STREAM);
	assert_int_equal(o->u.stream.len, 10);
	assert_int_equal(o->u.stream.data_offset, data_at);
	assert_memory_equal(o->u.stream.data, "BT (hi) ET", 10);
	/* Free, beyond /Size, another generation: the null object (§7.3.10). */
	assert_int_equal(tamga__pdf_get(doc, 0, 0, &o), 0);
	assert_int_equal(o->type, PDF_NULL);
	assert_int_equal(tamga__pdf_get(doc, 5, 0, &o), 0);
	assert_int_equal(o->type, PDF_NULL);
	assert_int_equal(tamga__pdf_get(doc, 4000000, 0, &o), 0);
	assert_int_equal(o->type, PDF_NULL);
	assert_int_equal(tamga__pdf_get(doc, 1, 1, &o), 0);
	assert_int_equal(o->type, PDF_NULL);
	assert_int_equal(tamga__pdf_object_gen(doc, 2, &gen), 0);
	assert_int_equal(gen, 0);
	assert_int_equal(tamga__pdf_page_count(doc, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(tamga__pdf_page(doc, 0, &pg), 0);
	assert_int_equal(pg.num, 3);
	assert_true(pg.mediabox[2] == 612 && pg.mediabox[3] == 792);
	assert_int_equal(tamga__pdf_page(doc, 1, &pg), TAMGA_EINVAL);
	tamga__pdf_close(doc);
	w_free(&w);
}

static void test_header_and_tail(void **state)
{
	struct w w;
	pdf_doc *doc;
	size_t i;

	(void)state;
	w_init(&w, "%PDF-2.0\n");
	w_basic(&w);
	w_table(&w, 0, 4, "<< /Size 4 /Root 1 0 R >>");
	doc = open_ok(&w);
	assert_int_equal(tamga__pdf_version(doc), 20);
	tamga__pdf_close(doc);
	/* White space after %%EOF: fine. */
	w_raw(&w, "\r\n\n  \n", 6);
	tamga__pdf_close(open_ok(&w));
	/* Other bytes too (under 1024): open works, the revision still ends at %%EOF. */
	w.b.size -= 6;
	for (i = 0; i < 500; i++)
		w_raw(&w, "x", 1);
	doc = open_ok(&w);
	assert_int_equal(tamga__pdf_revision(doc, 0)->end, w.b.size - 500);
	tamga__pdf_close(doc);
	/* startxref more than 1024 bytes before the end: not found. */
	for (i = 0; i < 600; i++)
		w_raw(&w, "y", 1);
	open_fails(&w, TAMGA_EFORMAT, "no 'startxref' in the last 1024 bytes");
	w_free(&w);

	static const char *const bad_headers[] = { "%PDF-1.9\n", "%PDF-3.0\n", " %PDF-1.4\n", "%PDF-1.4x\n", "%PDF1.4\n",
	                                           "%FDP-1.4\n" };
	for (i = 0; i < sizeof(bad_headers) / sizeof(bad_headers[0]); i++) {
		w_init(&w, bad_headers[i]);
		w_basic(&w);
		w_table(&w, 0, 4, "<< /Size 4 /Root 1 0 R >>");
		open_fails(&w, TAMGA_EFORMAT, "PDF: offset 0: no %PDF-1.x or %PDF-2.0 header");
		w_free(&w);
	}
	w_init(&w, NULL);
	open_fails(&w, TAMGA_EFORMAT, "startxref");
	w_free(&w);
}

static void test_trailer_errors(void **state)
{
	struct w w;

	(void)state;
	w_init(&w, NULL);
	w_basic(&w);
	w_table(&w, 0, 4, "<< /Size 4 /Root 1 0 R /Root 1 0 R >>");
	open_fails(&w, TAMGA_EFORMAT, "dictionary has the key /Root twice");
	w_free(&w);

	w_init(&w, NULL);
	w_basic(&w);
	w_table(&w, 0, 4, "<< /Size 4 /Root 2 0 R >>");
	open_fails(&w, TAMGA_EFORMAT, "/Root 2 0 is not a catalog");
	w_free(&w);

	w_init(&w, NULL);
	w_basic(&w);
	w_table(&w, 0, 4, "<< /Root 1 0 R >>");
	open_fails(&w, TAMGA_EFORMAT, "trailer has no /Size");
	w_free(&w);

	/* An entry beyond the section's own /Size. */
	w_init(&w, NULL);
	w_basic(&w);
	w_table(&w, 0, 4, "<< /Size 3 /Root 1 0 R >>");
	open_fails(&w, TAMGA_EFORMAT, "object 3 is not below /Size 3");
	w_free(&w);

	/* A 19-byte entry (LF only) is not the 20 bytes of §7.5.4. */
	w_init(&w, NULL);
	w_basic(&w);
	{
		size_t x = w.b.size;

		tamga__buf_printf(&w.b, "xref\n0 4\n0000000000 65535 f\n%010zu 00000 n\n%010zu 00000 n\n%010zu 00000 n\n",
		                  w.off[1], w.off[2], w.off[3]);
		tamga__buf_printf(&w.b, "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", x);
	}
	open_fails(&w, TAMGA_EFORMAT, "malformed cross-reference entry");
	w_free(&w);

	/* Object 0 in use. */
	w_init(&w, NULL);
	w_basic(&w);
	w.off[0] = w.off[1];
	w_table(&w, 0, 4, "<< /Size 4 /Root 1 0 R >>");
	open_fails(&w, TAMGA_EFORMAT, "object 0 is in use");
	w_free(&w);
}

static void test_encrypted(void **state)
{
	struct w w;

	(void)state;
	w_init(&w, NULL);
	w_basic(&w);
	w_obj(&w, 4, "<< /Filter /Standard /V 5 /R 6 /Length 256 >>");
	w_table(&w, 0, 5, "<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<00><00>] >>");
	open_fails(&w, TAMGA_EUNSUPPORTED, NULL);
	assert_string_equal(tamga_error_last()->message,
	                    "PDF: encrypted documents are not supported; remove the encryption first");
	w_free(&w);
}

static void test_wrong_offset(void **state)
{
	struct w w;
	char want[128];
	size_t bad;

	(void)state;
	/* Entry of object 2 one byte late: never repaired by searching. */
	w_init(&w, NULL);
	w_basic(&w);
	bad = w.off[2] + 1;
	w.off[2] = bad;
	w_table(&w, 0, 4, "<< /Size 4 /Root 1 0 R >>");
	snprintf(want, sizeof(want), "PDF: offset %zu: expected an object number", bad);
	open_fails(&w, TAMGA_EFORMAT, want);
	assert_non_null(strstr(tamga_error_last()->message, "object 2 0"));
	w_free(&w);

	/* Entry of object 2 pointing at object 3. */
	w_init(&w, NULL);
	w_basic(&w);
	w.off[2] = w.off[3];
	w_table(&w, 0, 4, "<< /Size 4 /Root 1 0 R >>");
	snprintf(want, sizeof(want), "PDF: offset %zu: the cross-reference entry of object 2 0 points at object 3 0",
	         w.off[3]);
	open_fails(&w, TAMGA_EFORMAT, want);
	w_free(&w);

	/* startxref one byte off. */
	w_init(&w, NULL);
	w_basic(&w);
	{
		size_t x = w.b.size;

		tamga__buf_printf(&w.b, "xref\n0 4\n0000000000 65535 f \n%010zu 00000 n \n%010zu 00000 n \n%010zu 00000 n \n",
		                  w.off[1], w.off[2], w.off[3]);
		tamga__buf_printf(&w.b, "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", x + 1);
		snprintf(want, sizeof(want), "PDF: offset %zu: expected an object number", x + 1);
	}
	open_fails(&w, TAMGA_EFORMAT, want);
	w_free(&w);
}

/* Object 4 is a stream written as text (its bytes exactly as given);
 * its data length is left in stream_len (the document is closed). */
static size_t stream_len;

static int stream_case(const char *obj4, pdf_obj **out, struct w *w)
{
	pdf_doc *doc;
	int error;

	w_init(w, NULL);
	w_basic(w);
	w->off[4] = w->b.size;
	tamga__buf_puts(&w->b, obj4);
	w_obj(w, 5, "3");
	w_obj(w, 6, "6 0 R");
	w_table(w, 0, 7, "<< /Size 7 /Root 1 0 R >>");
	doc = open_ok(w);
	error = tamga__pdf_get(doc, 4, 0, out);
	stream_len = error == 0 ? (*out)->u.stream.len : 0;
	*out = NULL;
	tamga__pdf_close(doc);
	w_free(w);
	return error;
}

static void test_stream_length(void **state)
{
	struct w w;
	pdf_obj *o;

	(void)state;
	assert_int_equal(stream_case("4 0 obj\n<< /Length 3 >>\nstream\nabc\nendstream\nendobj\n", &o, &w), 0);
	assert_int_equal(stream_case("4 0 obj\n<< /Length 3 >>\nstream\r\nabc\r\nendstream\nendobj\n", &o, &w), 0);
	assert_int_equal(stream_case("4 0 obj\n<< /Length 3 >>\nstream\nabc\rendstream\nendobj\n", &o, &w), 0);
	assert_int_equal(stream_case("4 0 obj\n<< /Length 3 >>\nstream\nabcendstream endobj\n", &o, &w), 0);
	assert_int_equal(stream_case("4 0 obj\n<< /Length 5 0 R >>\nstream\nabc\nendstream\nendobj\n", &o, &w), 0);
	expect_error(stream_case("4 0 obj\n<< /Length 2 >>\nstream\nabc\nendstream\nendobj\n", &o, &w), TAMGA_EFORMAT,
	             "stream /Length 2 does not end at 'endstream'");
	/* /Length 4 takes the EOL into the data: then none is needed before endstream. */
	assert_int_equal(stream_case("4 0 obj\n<< /Length 4 >>\nstream\nabc\nendstream\nendobj\n", &o, &w), 0);
	assert_int_equal(stream_len, 4);
	expect_error(stream_case("4 0 obj\n<< /Length 5 >>\nstream\nabc\nendstream\nendobj\n", &o, &w), TAMGA_EFORMAT,
	             "does not end at 'endstream'");
	/* Two EOLs, or a space, before endstream: not the one optional EOL. */
	expect_error(stream_case("4 0 obj\n<< /Length 3 >>\nstream\nabc\n\nendstream\nendobj\n", &o, &w), TAMGA_EFORMAT,
	             "does not end at 'endstream'");
	expect_error(stream_case("4 0 obj\n<< /Length 3 >>\nstream\nabc endstream\nendobj\n", &o, &w), TAMGA_EFORMAT,
	             "does not end at 'endstream'");
	expect_error(stream_case("4 0 obj\n<< /Length 3 >>\nstream\rabc\nendstream\nendobj\n", &o, &w), TAMGA_EFORMAT,
	             "'stream' must be followed by CRLF or LF");
	expect_error(stream_case("4 0 obj\n<< /Length 3 >>\nstream abc\nendstream\nendobj\n", &o, &w), TAMGA_EFORMAT,
	             "'stream' must be followed by CRLF or LF");
	expect_error(stream_case("4 0 obj\n<< /Length 99999 >>\nstream\nabc\nendstream\nendobj\n", &o, &w), TAMGA_EFORMAT,
	             "stream /Length must be an integer from 0 to");
	expect_error(stream_case("4 0 obj\n<< /Length -1 >>\nstream\nabc\nendstream\nendobj\n", &o, &w), TAMGA_EFORMAT,
	             "stream /Length must be an integer");
	expect_error(stream_case("4 0 obj\n<< >>\nstream\nabc\nendstream\nendobj\n", &o, &w), TAMGA_EFORMAT,
	             "stream /Length must be an integer");
	/* /Length 4 0 R: the stream is needed to read itself. */
	expect_error(stream_case("4 0 obj\n<< /Length 4 0 R >>\nstream\nabc\nendstream\nendobj\n", &o, &w), TAMGA_EFORMAT,
	             "needed to read itself");
	expect_error(stream_case("4 0 obj\n<< /Length 3 >>\nstream\nabc\nendstream\n", &o, &w), TAMGA_EFORMAT,
	             "expected 'endobj'");
	expect_error(stream_case("4 0 obj\n[1] stream\nabc\nendstream\nendobj\n", &o, &w), TAMGA_EFORMAT,
	             "'stream' after an object that is not a dictionary");
	expect_error(stream_case("4 0 obj\n<< /Length 3 >> junk\nendobj\n", &o, &w), TAMGA_EFORMAT,
	             "expected 'endobj' to end object 4 0");
}

/* ------------------------------------------------------------ xref streams, object streams */

/* Rows of W [1 2 2]: type, offset/objstm, gen/index. */
static void row(unsigned char *r, unsigned type, unsigned f2, unsigned f3)
{
	r[0] = (unsigned char)type;
	r[1] = (unsigned char)(f2 >> 8);
	r[2] = (unsigned char)f2;
	r[3] = (unsigned char)(f3 >> 8);
	r[4] = (unsigned char)f3;
}

static void test_xref_stream_png(void **state)
{
	struct w w;
	tamga_buf png = TAMGA_BUF_INIT, z = TAMGA_BUF_INIT, dec = TAMGA_BUF_INIT;
	unsigned char rows[6 * 5];
	pdf_doc *doc;
	pdf_obj *o;
	size_t x, n;

	(void)state;
	w_init(&w, "%PDF-1.5\n");
	w_basic(&w);
	w_stream(&w, 4, "", "q Q", 3);
	x = w.b.size;
	row(rows + 0, 0, 0, 65535);
	row(rows + 5, 1, (unsigned)w.off[1], 0);
	row(rows + 10, 1, (unsigned)w.off[2], 0);
	row(rows + 15, 1, (unsigned)w.off[3], 0);
	row(rows + 20, 1, (unsigned)w.off[4], 0);
	row(rows + 25, 1, (unsigned)x, 0);
	png_encode(&png, rows, 6, 5, 1); /* filter types 0,1,2,3,4,0: all of them */
	zip(&z, png.ptr, png.size);
	w.off[5] = x;
	tamga__buf_printf(&w.b, "5 0 obj\n<< /Type /XRef /Size 6 /W [1 2 2] /Root 1 0 R /Filter /FlateDecode "
	                        "/DecodeParms << /Columns 5 /Predictor 12 >> /Length %zu >>\nstream\n", z.size);
	w_raw(&w, z.ptr, z.size);
	tamga__buf_printf(&w.b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", x);
	doc = open_ok(&w);
	assert_int_equal(tamga__pdf_revision_count(doc), 1);
	assert_int_equal(tamga__pdf_revision(doc, 0)->is_stream, 1);
	assert_int_equal(tamga__pdf_revision(doc, 0)->xref_offset, x);
	assert_int_equal(tamga__pdf_revision(doc, 0)->end, w.b.size);
	assert_non_null(tamga__pdf_dict_get(tamga__pdf_trailer(doc), "W"));
	assert_int_equal(tamga__pdf_get(doc, 4, 0, &o), 0);
	assert_memory_equal(o->u.stream.data, "q Q", 3);
	/* The xref stream decodes to the rows written above. */
	assert_int_equal(tamga__pdf_get(doc, 5, 0, &o), 0);
	assert_int_equal(tamga__pdf_stream_decode(doc, o, &dec), 0);
	assert_int_equal(dec.size, sizeof(rows));
	assert_memory_equal(dec.ptr, rows, sizeof(rows));
	assert_int_equal(tamga__pdf_page_count(doc, &n), 0);
	assert_int_equal(n, 1);
	tamga__pdf_close(doc);
	w_free(&w);
	tamga_buf_dispose(&png);
	tamga_buf_dispose(&z);
	tamga_buf_dispose(&dec);
}

enum objstm_mode { OS_GOOD, OS_INDEX, OS_STREAM_INSIDE, OS_NESTED, OS_ORDER, OS_GAP };

/* 1 catalog; 2 pages, 3 page, 4 info in object stream 5; xref stream 6. */
static int objstm_case(enum objstm_mode mode, struct w *w, pdf_doc **docp)
{
	tamga_buf z = TAMGA_BUF_INIT;
	char content[1024];
	const char *o2 = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
	const char *o3 = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>";
	const char *o4 = mode == OS_STREAM_INSIDE ? "<< /Length 1 >> stream\nx\nendstream" : "<< /Title (inside) >>";
	unsigned char rows[7 * 5];
	int n, first, error;
	size_t x, l2 = strlen(o2), l3 = strlen(o3);

	w_init(w, "%PDF-1.5\n");
	w_obj(w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	const char *sep3 = mode == OS_GAP ? " junk\n" : "\n";
	size_t l4 = strlen(o4);

	if (mode == OS_ORDER) /* 3 after 4 in the data, and in the pairs */
		n = snprintf(content, sizeof(content), "2 0 3 %zu 4 %zu ", l2 + 1 + l4 + 1, l2 + 1);
	else
		n = snprintf(content, sizeof(content), "2 0 3 %zu 4 %zu ", l2 + 1, l2 + 1 + l3 + strlen(sep3));
	first = n;
	if (mode == OS_ORDER)
		snprintf(content + n, sizeof(content) - (size_t)n, "%s\n%s\n%s\n", o2, o4, o3);
	else
		snprintf(content + n, sizeof(content) - (size_t)n, "%s\n%s%s%s\n", o2, o3, sep3, o4);
	zip(&z, content, strlen(content));
	w->off[5] = w->b.size;
	tamga__buf_printf(&w->b, "5 0 obj\n<< /Type /ObjStm /N 3 /First %d /Filter /FlateDecode /Length %zu >>\nstream\n",
	                  first, z.size);
	w_raw(w, z.ptr, z.size);
	tamga__buf_puts(&w->b, "\nendstream\nendobj\n");
	x = w->b.size;
	row(rows + 0, 0, 0, 65535);
	row(rows + 5, 1, (unsigned)w->off[1], 0);
	row(rows + 10, 2, mode == OS_NESTED ? 4 : 5, 0);
	row(rows + 15, 2, 5, mode == OS_INDEX ? 0 : 1);
	row(rows + 20, 2, 5, 2);
	row(rows + 25, 1, (unsigned)w->off[5], 0);
	row(rows + 30, 1, (unsigned)x, 0);
	tamga__buf_printf(&w->b, "6 0 obj\n<< /Type /XRef /Size 7 /W [1 2 2] /Index [0 7] /Root 1 0 R /Info 4 0 R "
	                         "/Length %zu >>\nstream\n", sizeof(rows));
	w_raw(w, rows, sizeof(rows));
	tamga__buf_printf(&w->b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", x);
	tamga_buf_dispose(&z);
	error = open_w(w, docp);
	return error;
}

static void test_objstm(void **state)
{
	struct w w;
	pdf_doc *doc;
	pdf_obj *o, *again;
	struct pdf_page pg;
	uint16_t gen;
	size_t n;

	(void)state;
	assert_int_equal(objstm_case(OS_GOOD, &w, &doc), 0);
	assert_int_equal(tamga__pdf_get(doc, 3, 0, &o), 0);
	assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(o, "Type"), "Page"));
	assert_int_equal(tamga__pdf_get(doc, 3, 0, &again), 0);
	assert_ptr_equal(o, again);
	assert_int_equal(tamga__pdf_get(doc, 3, 1, &o), 0); /* objects in object streams have generation 0 */
	assert_int_equal(o->type, PDF_NULL);
	assert_int_equal(tamga__pdf_object_gen(doc, 3, &gen), 0);
	assert_int_equal(gen, 0);
	assert_int_equal(tamga__pdf_dict_resolve(doc, tamga__pdf_trailer(doc), "Info", &o), 0);
	assert_int_equal(o->type, PDF_DICT);
	assert_memory_equal(tamga__pdf_dict_get(o, "Title")->u.string.data, "inside", 6);
	assert_int_equal(tamga__pdf_page_count(doc, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(tamga__pdf_page(doc, 0, &pg), 0);
	assert_int_equal(pg.num, 3);
	assert_true(pg.mediabox[2] == 595);
	tamga__pdf_close(doc);
	w_free(&w);

	/* The xref says object 3 is at index 0, where object 2 is. */
	assert_int_equal(objstm_case(OS_INDEX, &w, &doc), 0);
	expect_error(tamga__pdf_get(doc, 3, 0, &o), TAMGA_EFORMAT, "index 0 of object stream 5 holds object 2");
	/* The entry is wrong, not the stream: its other objects are read, in any order. */
	assert_int_equal(tamga__pdf_get(doc, 2, 0, &o), 0);
	assert_int_equal(o->type, PDF_DICT);
	expect_error(tamga__pdf_get(doc, 3, 0, &o), TAMGA_EFORMAT, NULL);
	tamga__pdf_close(doc);
	w_free(&w);

	assert_int_equal(objstm_case(OS_STREAM_INSIDE, &w, &doc), 0);
	expect_error(tamga__pdf_get(doc, 4, 0, &o), TAMGA_EFORMAT, "an object stream cannot hold a stream");
	assert_non_null(strstr(tamga_error_last()->message, "PDF: object stream 5, offset"));
	/* A bad object stream fails for its other objects too (whatever the order). */
	expect_error(tamga__pdf_get(doc, 2, 0, &o), TAMGA_EFORMAT, "object stream 5 is malformed");
	tamga__pdf_close(doc);
	w_free(&w);
	assert_int_equal(objstm_case(OS_STREAM_INSIDE, &w, &doc), 0);
	expect_error(tamga__pdf_get(doc, 2, 0, &o), TAMGA_EFORMAT, "an object stream cannot hold a stream");
	tamga__pdf_close(doc);
	w_free(&w);

	/* Object 2 "in object stream 4", which is itself in an object stream. */
	expect_error(objstm_case(OS_NESTED, &w, &doc), TAMGA_EFORMAT,
	             "object 2 is in object stream 4, which is not an object of generation 0 at a file offset");
	w_free(&w);

	assert_int_equal(objstm_case(OS_ORDER, &w, &doc), 0);
	expect_error(tamga__pdf_get(doc, 2, 0, &o), TAMGA_EFORMAT, "offsets must increase");
	tamga__pdf_close(doc);
	w_free(&w);

	/* Bytes between two objects of the stream. */
	assert_int_equal(objstm_case(OS_GAP, &w, &doc), 0);
	expect_error(tamga__pdf_get(doc, 3, 0, &o), TAMGA_EFORMAT, "object 3 does not end where the next object starts");
	tamga__pdf_close(doc);
	w_free(&w);
}

/* ------------------------------------------------------------ revisions */

static void test_two_revisions(void **state)
{
	struct w w;
	pdf_doc *doc;
	pdf_obj *o;
	size_t x1, x2, end1;

	(void)state;
	w_init(&w, NULL);
	w_basic(&w);
	w_obj(&w, 4, "(old four)");
	x1 = w_table(&w, 0, 5, "<< /Size 5 /Root 1 0 R >>");
	end1 = w.b.size;
	/* Update: catalog replaced, object 4 deleted, object 5 added. */
	w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R /Lang (mn-MN) >>");
	w_obj(&w, 5, "(five)");
	x2 = w.b.size;
	tamga__buf_printf(&w.b, "xref\n0 2\n0000000000 65535 f \n%010zu 00000 n \n4 2\n0000000000 00001 f \n%010zu 00000 n \n",
	                  w.off[1], w.off[5]);
	tamga__buf_printf(&w.b, "trailer\n<< /Size 6 /Root 1 0 R /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n", x1, x2);
	doc = open_ok(&w);
	assert_int_equal(tamga__pdf_revision_count(doc), 2);
	assert_int_equal(tamga__pdf_revision(doc, 0)->xref_offset, x1);
	assert_int_equal(tamga__pdf_revision(doc, 0)->end, end1);
	assert_int_equal(tamga__pdf_revision(doc, 1)->xref_offset, x2);
	assert_int_equal(tamga__pdf_revision(doc, 1)->end, w.b.size);
	assert_int_equal(tamga__pdf_size(doc), 6);
	assert_int_equal(tamga__pdf_get(doc, 1, 0, &o), 0);
	assert_non_null(tamga__pdf_dict_get(o, "Lang")); /* the newest wins */
	assert_int_equal(tamga__pdf_get(doc, 4, 0, &o), 0);
	assert_int_equal(o->type, PDF_NULL);            /* a newer free entry hides the old object */
	assert_int_equal(tamga__pdf_get(doc, 5, 0, &o), 0);
	assert_memory_equal(o->u.string.data, "five", 4);
	assert_int_equal(tamga__pdf_get(doc, 3, 0, &o), 0);
	assert_int_equal(o->type, PDF_DICT);             /* unchanged objects come from the first section */
	tamga__pdf_close(doc);

	lim.max_revisions = 1;
	open_fails(&w, TAMGA_ELIMIT, "more than 1 cross-reference sections");
	tamga__pdf_limits_default(&lim);
	w_free(&w);
}

static void test_prev_loop(void **state)
{
	struct w w;
	char want[96];
	size_t x1, x2;

	(void)state;
	/* A section whose /Prev is itself. */
	w_init(&w, NULL);
	w_basic(&w);
	x1 = w.b.size;
	tamga__buf_printf(&w.b, "xref\n0 4\n0000000000 65535 f \n%010zu 00000 n \n%010zu 00000 n \n%010zu 00000 n \n",
	                  w.off[1], w.off[2], w.off[3]);
	tamga__buf_printf(&w.b, "trailer\n<< /Size 4 /Root 1 0 R /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n", x1, x1);
	snprintf(want, sizeof(want), "PDF: offset %zu: cross-reference section read twice", x1);
	open_fails(&w, TAMGA_EFORMAT, want);
	w_free(&w);

	/* Two sections naming each other. */
	w_init(&w, NULL);
	w_basic(&w);
	x1 = w.b.size;
	tamga__buf_printf(&w.b, "xref\n0 4\n0000000000 65535 f \n%010zu 00000 n \n%010zu 00000 n \n%010zu 00000 n \n",
	                  w.off[1], w.off[2], w.off[3]);
	tamga__buf_puts(&w.b, "trailer\n<< /Size 4 /Root 1 0 R /Prev XXXXXXXXXX >>\nstartxref\n0\n%%EOF\n");
	x2 = w.b.size;
	tamga__buf_printf(&w.b, "xref\n0 1\n0000000000 65535 f \n"
	                        "trailer\n<< /Size 4 /Root 1 0 R /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n",
	                  x1, x2);
	{
		char *p = strstr((char *)w.b.ptr, "XXXXXXXXXX");
		char num[11];

		snprintf(num, sizeof(num), "%010zu", x2);
		memcpy(p, num, 10);
	}
	snprintf(want, sizeof(want), "PDF: offset %zu: cross-reference section read twice", x2);
	open_fails(&w, TAMGA_EFORMAT, want);
	w_free(&w);
}

static void test_hybrid(void **state)
{
	struct w w;
	tamga_buf z = TAMGA_BUF_INIT;
	unsigned char rows[5];
	const char *inner = "3 0 << /Type /Page /Parent 2 0 R /MediaBox [0 0 10 20] /Rotate 180 >>";
	pdf_doc *doc;
	pdf_obj *o;
	size_t x1, x2, n;
	struct pdf_page pg;
	int conflict;

	(void)state;
	for (conflict = 0; conflict < 3; conflict++) {
		w_init(&w, "%PDF-1.5\n");
		w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
		w_obj(&w, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
		/* Main section: object 3 is free for PDF 1.4 readers. */
		x1 = w_table(&w, 0, 6, "<< /Size 6 /Root 1 0 R >>");
		zip(&z, inner, strlen(inner));
		w.off[4] = w.b.size;
		tamga__buf_printf(&w.b, "4 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %zu >>\nstream\n",
		                  z.size);
		w_raw(&w, z.ptr, z.size);
		tamga__buf_puts(&w.b, "\nendstream\nendobj\n");
		if (conflict == 2)
			row(rows, 1, (unsigned)w.off[1] + 1, 0); /* object 1, somewhere else */
		else
			row(rows, 2, 4, 0);
		w.off[5] = w.b.size;
		tamga__buf_printf(&w.b, "5 0 obj\n<< /Type /XRef /Size 6 /W [1 2 2] /Index [%d 1] /Length 5 >>\nstream\n",
		                  conflict == 2 ? 1 : 3);
		w_raw(&w, rows, 5);
		tamga__buf_puts(&w.b, "\nendstream\nendobj\n");
		x2 = w.b.size;
		if (conflict == 1) /* object 3 free in this very table, in use in its stream */
			tamga__buf_printf(&w.b, "xref\n3 3\n0000000000 00001 f \n%010zu 00000 n \n%010zu 00000 n \n", w.off[4],
			                  w.off[5]);
		else if (conflict == 2) /* object 1 in this table and in its stream */
			tamga__buf_printf(&w.b, "xref\n1 1\n%010zu 00000 n \n4 2\n%010zu 00000 n \n%010zu 00000 n \n", w.off[1],
			                  w.off[4], w.off[5]);
		else
			tamga__buf_printf(&w.b, "xref\n4 2\n%010zu 00000 n \n%010zu 00000 n \n", w.off[4], w.off[5]);
		tamga__buf_printf(&w.b, "trailer\n<< /Size 6 /Root 1 0 R /Prev %zu /XRefStm %zu >>\nstartxref\n%zu\n%%%%EOF\n", x1,
		                  w.off[5], x2);
		if (conflict == 1) {
			open_fails(&w, TAMGA_EFORMAT, "object 3 is free in the table and in use in /XRefStm");
		} else if (conflict == 2) {
			open_fails(&w, TAMGA_EFORMAT, "the table and /XRefStm disagree about object 1");
		} else {
			doc = open_ok(&w);
			assert_int_equal(tamga__pdf_revision_count(doc), 2);
			assert_int_equal(tamga__pdf_revision(doc, 1)->hybrid, 1);
			assert_int_equal(tamga__pdf_revision(doc, 1)->is_stream, 0);
			assert_int_equal(tamga__pdf_revision(doc, 0)->hybrid, 0);
			assert_int_equal(tamga__pdf_get(doc, 3, 0, &o), 0);
			assert_int_equal(o->type, PDF_DICT);
			assert_int_equal(tamga__pdf_page_count(doc, &n), 0);
			assert_int_equal(n, 1);
			assert_int_equal(tamga__pdf_page(doc, 0, &pg), 0);
			assert_int_equal(pg.rotate, 180);
			tamga__pdf_close(doc);
		}
		w_free(&w);
	}
	tamga_buf_dispose(&z);
}

/* A linearized file (Annex F): the first-page section at the start, whose
 * /Prev is the main section at the end; one revision, ending at the end. */
static void linearized(struct w *w, int is_linearized, int first_tail, size_t *x1, size_t *x2, size_t *end1)
{
	char num[11], *p;
	size_t e;

	w_init(w, NULL);
	w_obj(w, 1, is_linearized ? "<< /Linearized 1 >>" : "<< /Xinearized 1 >>");
	*x1 = w->b.size;
	tamga__buf_puts(&w->b, "xref\n2 2\nAAAAAAAAAA 00000 n \nBBBBBBBBBB 00000 n \n"
	                       "trailer\n<< /Size 5 /Root 2 0 R /Prev CCCCCCCCCC >>\n");
	tamga__buf_puts(&w->b, first_tail ? "startxref\n0\n%%EOF\n" : "                 ");
	*end1 = w->b.size;
	w_obj(w, 2, "<< /Type /Catalog /Pages 3 0 R >>");
	w_obj(w, 3, "<< /Type /Pages /Kids [4 0 R] >>");
	w_obj(w, 4, "<< /Type /Page /Parent 3 0 R /MediaBox [0 0 1 1] >>");
	*x2 = w->b.size;
	tamga__buf_printf(&w->b, "xref\n0 2\n0000000000 65535 f \n%010zu 00000 n \n4 1\n%010zu 00000 n \n", w->off[1],
	                  w->off[4]);
	tamga__buf_printf(&w->b, "trailer\n<< /Size 5 >>\nstartxref\n%zu\n%%%%EOF\n", *x1);
	for (e = 0; e < 3; e++) {
		snprintf(num, sizeof(num), "%010zu", e == 0 ? w->off[2] : e == 1 ? w->off[3] : *x2);
		p = strstr((char *)w->b.ptr, e == 0 ? "AAAAAAAAAA" : e == 1 ? "BBBBBBBBBB" : "CCCCCCCCCC");
		memcpy(p, num, 10);
	}
}

static void test_linearized(void **state)
{
	struct w w;
	pdf_doc *doc;
	pdf_obj *o;
	size_t x1, x2, end1, n;

	(void)state;
	linearized(&w, 1, 1, &x1, &x2, &end1);
	doc = open_ok(&w);
	assert_int_equal(tamga__pdf_revision_count(doc), 1);
	assert_int_equal(tamga__pdf_revision(doc, 0)->xref_offset, x2);
	assert_int_equal(tamga__pdf_revision(doc, 0)->end, w.b.size);
	assert_non_null(tamga__pdf_dict_get(tamga__pdf_trailer(doc), "Root")); /* the newest trailer: first page's */
	assert_int_equal(tamga__pdf_page_count(doc, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(tamga__pdf_get(doc, 1, 0, &o), 0);
	assert_non_null(tamga__pdf_dict_get(o, "Linearized"));
	tamga__pdf_close(doc);
	w_free(&w);

	/* The first-page section may lack its own startxref (qpdf writes it so with xref streams). */
	linearized(&w, 1, 0, &x1, &x2, &end1);
	doc = open_ok(&w);
	assert_int_equal(tamga__pdf_revision_count(doc), 1);
	assert_int_equal(tamga__pdf_revision(doc, 0)->end, w.b.size);
	tamga__pdf_close(doc);
	w_free(&w);

	/* Not linearized: two revisions, each ending at its own %%EOF... */
	linearized(&w, 0, 1, &x1, &x2, &end1);
	doc = open_ok(&w);
	assert_int_equal(tamga__pdf_revision_count(doc), 2);
	assert_int_equal(tamga__pdf_revision(doc, 0)->xref_offset, x1);
	assert_int_equal(tamga__pdf_revision(doc, 0)->end, end1);
	assert_int_equal(tamga__pdf_revision(doc, 1)->end, w.b.size);
	tamga__pdf_close(doc);
	w_free(&w);

	/* ...and a section without one is an error. */
	linearized(&w, 0, 0, &x1, &x2, &end1);
	open_fails(&w, TAMGA_EFORMAT, "expected 'startxref' after the cross-reference section");
	w_free(&w);
}

/* ------------------------------------------------------------ page tree */

static void test_page_tree(void **state)
{
	struct w w;
	pdf_doc *doc;
	struct pdf_page pg;
	size_t n;

	(void)state;
	w_init(&w, NULL);
	w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	w_obj(&w, 2, "<< /Type /Pages /Kids [3 0 R 4 0 R 6 0 R] /Count 99 /MediaBox [0 0 600 800] /Rotate 90 "
	             "/Resources << /ProcSet [/PDF] >> >>");
	w_obj(&w, 3, "<< /Type /Page /Parent 2 0 R >>");
	w_obj(&w, 4, "<< /Type /Pages /Parent 2 0 R /Kids [5 0 R] /Count 1 /CropBox [-10 -20.5 300 900] /Rotate -90 >>");
	w_obj(&w, 5, "<< /Type /Page /Parent 4 0 R >>");
	w_obj(&w, 6, "<< /Type /Page /Parent 2 0 R /MediaBox [200 300 0 0] /Rotate 450 /Resources 7 0 R >>");
	w_obj(&w, 7, "<< /Font << >> >>");
	w_table(&w, 0, 8, "<< /Size 8 /Root 1 0 R >>");
	doc = open_ok(&w);
	assert_int_equal(tamga__pdf_page_count(doc, &n), 0);
	assert_int_equal(n, 3); /* counted, /Count 99 is not believed */
	assert_int_equal(tamga__pdf_page(doc, 0, &pg), 0);
	assert_int_equal(pg.num, 3);
	assert_true(pg.mediabox[0] == 0 && pg.mediabox[1] == 0 && pg.mediabox[2] == 600 && pg.mediabox[3] == 800);
	assert_memory_equal(pg.cropbox, pg.mediabox, sizeof(pg.cropbox));
	assert_int_equal(pg.rotate, 90);
	assert_non_null(pg.resources);
	assert_non_null(tamga__pdf_dict_get(pg.resources, "ProcSet"));
	assert_int_equal(tamga__pdf_page(doc, 1, &pg), 0);
	assert_int_equal(pg.num, 5);
	/* CropBox from node 4, clipped to the MediaBox from node 2. */
	assert_true(pg.cropbox[0] == 0 && pg.cropbox[1] == 0 && pg.cropbox[2] == 300 && pg.cropbox[3] == 800);
	assert_int_equal(pg.rotate, 270);
	assert_int_equal(tamga__pdf_page(doc, 2, &pg), 0);
	assert_int_equal(pg.num, 6);
	assert_true(pg.mediabox[0] == 0 && pg.mediabox[1] == 0 && pg.mediabox[2] == 200 && pg.mediabox[3] == 300);
	assert_int_equal(pg.rotate, 90);
	assert_non_null(tamga__pdf_dict_get(pg.resources, "Font"));
	tamga__pdf_close(doc);
	w_free(&w);
}

/* Page tree with object 2 as given; 3 a page under 2. */
static void tree_fails(const char *two, const char *three, int code, const char *want)
{
	struct w w;
	pdf_doc *doc;
	size_t n;

	w_init(&w, NULL);
	w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	w_obj(&w, 2, "%s", two);
	w_obj(&w, 3, "%s", three);
	w_obj(&w, 4, "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] >>");
	w_table(&w, 0, 5, "<< /Size 5 /Root 1 0 R >>");
	doc = open_ok(&w);
	expect_error(tamga__pdf_page_count(doc, &n), code, want);
	/* Messages about page 3 name the offset of "3 0 obj". */
	if (strstr(want, "page 3 0") != NULL) {
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "PDF: offset %zu: page 3 0", w.off[3]);
		assert_true(strncmp(tamga_error_last()->message, prefix, strlen(prefix)) == 0);
	}
	tamga__pdf_close(doc);
	w_free(&w);
}

static void test_page_tree_errors(void **state)
{
	const char *page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1 1] >>";
	struct w w;
	pdf_doc *doc;
	size_t n;
	unsigned i;

	(void)state;
	tree_fails("<< /Type /Pages /Kids [4 0 R] >>", page, TAMGA_EFORMAT,
	           "page tree node 2 0: reached twice (a cycle");
	tree_fails("<< /Type /Pages /Kids [3 0 R 3 0 R] >>", page, TAMGA_EFORMAT, "page tree node 3 0: reached twice");
	tree_fails("<< /Type /Pages /Kids [3 0 R] >>", "<< /Type /Page /Parent 4 0 R /MediaBox [0 0 1 1] >>",
	           TAMGA_EFORMAT, "/Parent is not the node whose /Kids hold it");
	tree_fails("<< /Type /Pages /Kids [3 0 R] >>", "<< /Type /Page /MediaBox [0 0 1 1] >>", TAMGA_EFORMAT,
	           "/Parent is not the node");
	tree_fails("<< /Type /Pages /Kids [3 0 R] >>", "<< /Type /Page /Parent 2 0 R >>", TAMGA_EFORMAT,
	           "page 3 0 has no /MediaBox");
	tree_fails("<< /Type /Pages /Kids [3 0 R] >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1 1] /Rotate 45 >>",
	           TAMGA_EFORMAT, "/Rotate is not a multiple of 90");
	tree_fails("<< /Type /Pages /Kids [3 0 R] >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1] >>", TAMGA_EFORMAT,
	           "/MediaBox is not an array of 4 numbers");
	tree_fails("<< /Type /Pages /Kids [3 0 R] >>",
	           "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /CropBox [20 20 30 30] >>", TAMGA_EFORMAT,
	           "/CropBox lies outside the /MediaBox");
	tree_fails("<< /Type /Pages /Kids [<< /Type /Page >>] >>", page, TAMGA_EFORMAT,
	           "page tree: a kid of node 2 0 is not an indirect reference");
	tree_fails("<< /Type /Pages /Kids [3 0 R] >>", "<< /Parent 2 0 R /MediaBox [0 0 1 1] >>", TAMGA_EFORMAT,
	           "has neither /Type /Pages nor /Type /Page");
	tree_fails("<< /Type /Pages /Kids 3 >>", page, TAMGA_EFORMAT, "/Kids is not an array");

	/* A chain of 70 /Pages nodes: deeper than max_depth (64). */
	w_init(&w, NULL);
	w_obj(&w, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	w_obj(&w, 2, "<< /Type /Pages /Kids [3 0 R] >>");
	for (i = 3; i < 72; i++)
		w_obj(&w, i, "<< /Type /Pages /Parent %u 0 R /Kids [%u 0 R] >>", i - 1, i + 1);
	w_obj(&w, 72, "<< /Type /Page /Parent 71 0 R /MediaBox [0 0 1 1] >>");
	w_table(&w, 0, 73, "<< /Size 73 /Root 1 0 R >>");
	doc = open_ok(&w);
	expect_error(tamga__pdf_page_count(doc, &n), TAMGA_ELIMIT, "tree deeper than 64");
	tamga__pdf_close(doc);
	lim.max_depth = 80;
	doc = open_ok(&w);
	assert_int_equal(tamga__pdf_page_count(doc, &n), 0);
	assert_int_equal(n, 1);
	tamga__pdf_close(doc);
	tamga__pdf_limits_default(&lim);
	w_free(&w);
}

/* ------------------------------------------------------------ filters and limits */

/* A document whose object 4 is a stream with the given dictionary entries and data. */
static pdf_doc *stream_doc(struct w *w, const char *dict, const void *data, size_t len, pdf_obj **stream)
{
	pdf_doc *doc;

	w_init(w, NULL);
	w_basic(w);
	w_stream(w, 4, dict, data, len);
	w_table(w, 0, 5, "<< /Size 5 /Root 1 0 R >>");
	doc = open_ok(w);
	assert_int_equal(tamga__pdf_get(doc, 4, 0, stream), 0);
	return doc;
}

static int decode(const char *dict, const void *data, size_t len, tamga_buf *out)
{
	struct w w;
	pdf_doc *doc;
	pdf_obj *s;
	int error;

	doc = stream_doc(&w, dict, data, len, &s);
	out->size = 0;
	error = tamga__pdf_stream_decode(doc, s, out);
	tamga__pdf_close(doc);
	w_free(&w);
	return error;
}

static void test_filters(void **state)
{
	tamga_buf out = TAMGA_BUF_INIT, z = TAMGA_BUF_INIT, hex = TAMGA_BUF_INIT;
	/* TIFF predictor 2, 3 colours of 8 bits, 2 columns, 2 rows: the test's own differences. */
	static const unsigned char tiff_raw[12] = { 10, 20, 30, 11, 22, 33, 200, 100, 50, 190, 110, 40 };
	unsigned char tiff_enc[12];
	size_t i;

	(void)state;
	assert_int_equal(decode("", "plain", 5, &out), 0);
	assert_int_equal(out.size, 5);
	assert_int_equal(decode("/Filter /ASCIIHexDecode", "48 65 6C\n6c 6F>", 16, &out), 0);
	assert_int_equal(out.size, 5);
	assert_memory_equal(out.ptr, "Hello", 5);
	assert_int_equal(decode("/Filter /ASCIIHexDecode", "414>", 4, &out), 0);
	assert_memory_equal(out.ptr, "A@", 2);
	expect_error(decode("/Filter /ASCIIHexDecode", "4142", 4, &out), TAMGA_EFORMAT, "no '>' at the end");
	expect_error(decode("/Filter /ASCIIHexDecode", "4x>", 3, &out), TAMGA_EFORMAT, "invalid byte 0x78");
	/* base64.a85encode(b"Hello, tamga!") */
	assert_int_equal(decode("/Filter /ASCII85Decode", "87cURD_*#Q@;TXc+T~>", 19, &out), 0);
	assert_int_equal(out.size, 13);
	assert_memory_equal(out.ptr, "Hello, tamga!", 13);
	assert_int_equal(decode("/Filter /ASCII85Decode", "z z~>", 5, &out), 0);
	assert_int_equal(out.size, 8);
	assert_memory_equal(out.ptr, "\0\0\0\0\0\0\0\0", 8);
	expect_error(decode("/Filter /ASCII85Decode", "87cUR", 5, &out), TAMGA_EFORMAT, "no '~>' at the end");
	expect_error(decode("/Filter /ASCII85Decode", "s8W-\"~>", 7, &out), TAMGA_EFORMAT, NULL);
	expect_error(decode("/Filter /ASCII85Decode", "uuuuu~>", 7, &out), TAMGA_EFORMAT, "group out of range");
	expect_error(decode("/Filter /ASCII85Decode", "8~>", 3, &out), TAMGA_EFORMAT, "final group of one character");
	/* Flate, a chain, truncation, trailing bytes. */
	zip(&z, "flate me, flate me", 18);
	assert_int_equal(decode("/Filter /FlateDecode", z.ptr, z.size, &out), 0);
	assert_int_equal(out.size, 18);
	assert_memory_equal(out.ptr, "flate me, flate me", 18);
	for (i = 0; i < z.size; i++)
		tamga__buf_printf(&hex, "%02x", z.ptr[i]);
	tamga__buf_puts(&hex, ">");
	assert_int_equal(decode("/Filter [/ASCIIHexDecode /FlateDecode] /DecodeParms [null null]", hex.ptr, hex.size,
	                        &out), 0);
	assert_memory_equal(out.ptr, "flate me, flate me", 18);
	assert_int_equal(decode("/Filter /FlateDecode", z.ptr, z.size, &out), 0);
	expect_error(decode("/Filter /FlateDecode", z.ptr, z.size - 3, &out), TAMGA_EFORMAT, "FlateDecode: truncated data");
	tamga__buf_append(&z, "junk", 4);
	expect_error(decode("/Filter /FlateDecode", z.ptr, z.size, &out), TAMGA_EFORMAT,
	             "4 bytes after the end of the compressed data");
	z.size -= 4;
	tamga__buf_append(&z, "\r\n", 2);
	assert_int_equal(decode("/Filter /FlateDecode", z.ptr, z.size, &out), 0);
	expect_error(decode("/Filter /FlateDecode", "not zlib data", 13, &out), TAMGA_EFORMAT, "FlateDecode:");
	/* Unsupported filters are named. */
	expect_error(decode("/Filter /LZWDecode", "x", 1, &out), TAMGA_EUNSUPPORTED,
	             "stream filter /LZWDecode is not supported");
	expect_error(decode("/Filter [/FlateDecode /DCTDecode]", z.ptr, z.size, &out), TAMGA_EUNSUPPORTED, "/DCTDecode");
	expect_error(decode("/Filter /Fl", z.ptr, z.size, &out), TAMGA_EUNSUPPORTED, "/Fl is not supported");
	expect_error(decode("/Filter 7", z.ptr, z.size, &out), TAMGA_EFORMAT, "/Filter is neither a name nor an array");
	expect_error(decode("/Filter /FlateDecode /DecodeParms [null]", z.ptr, z.size, &out), TAMGA_EFORMAT,
	             "/DecodeParms does not match /Filter");
	expect_error(decode("/Filter [/AHx /AHx /AHx /AHx /AHx /AHx /AHx /AHx /AHx]", "x", 1, &out), TAMGA_ELIMIT,
	             "more than 8 filters");
	expect_error(decode("/F (external.dat)", "x", 1, &out), TAMGA_EUNSUPPORTED, "external");
	/* TIFF predictor 2. */
	for (i = 0; i < 12; i++)
		tiff_enc[i] = (unsigned char)((i % 6) < 3 ? tiff_raw[i] : tiff_raw[i] - tiff_raw[i - 3]);
	zip(&z, tiff_enc, 12);
	assert_int_equal(decode("/Filter /FlateDecode /DecodeParms << /Predictor 2 /Colors 3 /Columns 2 >>", z.ptr, z.size,
	                        &out), 0);
	assert_int_equal(out.size, 12);
	assert_memory_equal(out.ptr, tiff_raw, 12);
	/* PNG: rows must be whole, filter types 0-4. */
	expect_error(decode("/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >>", z.ptr, z.size, &out),
	             TAMGA_EFORMAT, "PNG predictor: 12 bytes are not whole rows of 5");
	expect_error(decode("/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 2 >>", z.ptr, z.size, &out),
	             TAMGA_EFORMAT, "filter type 10");
	/* Rows far longer than the data, (2^31-1)*32*16/8 + 1 bytes: refused before any row is allocated. */
	expect_error(decode("/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 2147483647 /Colors 32 "
	                    "/BitsPerComponent 16 >>", z.ptr, z.size, &out),
	             TAMGA_EFORMAT, "PNG predictor: 12 bytes are not whole rows of 137438953409");
	expect_error(decode("/Filter /FlateDecode /DecodeParms << /Predictor 2 /Columns 2147483647 >>", z.ptr, z.size,
	                    &out), TAMGA_EFORMAT, "TIFF predictor: 12 bytes are not whole rows of 2147483647");
	zip(&z, "", 0);
	assert_int_equal(decode("/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 2147483647 >>", z.ptr, z.size,
	                        &out), 0);
	assert_int_equal(out.size, 0);
	zip(&z, tiff_enc, 12);
	expect_error(decode("/Filter /FlateDecode /DecodeParms << /Predictor 7 >>", z.ptr, z.size, &out), TAMGA_EFORMAT,
	             "unknown /Predictor 7");
	expect_error(decode("/Filter /FlateDecode /DecodeParms << /Predictor 12 /BitsPerComponent 3 >>", z.ptr, z.size,
	                    &out), TAMGA_EFORMAT, "/BitsPerComponent 3");
	tamga_buf_dispose(&out);
	tamga_buf_dispose(&z);
	tamga_buf_dispose(&hex);
}

static void test_deflate_bomb(void **state)
{
	tamga_buf out = TAMGA_BUF_INIT, z = TAMGA_BUF_INIT;
	unsigned char *zeros = calloc(1, 8u << 20);
	struct w w;
	pdf_doc *doc;
	pdf_obj *s;

	(void)state;
	assert_non_null(zeros);
	zip(&z, zeros, 8u << 20); /* 8 MiB of zeros: about 8 KiB, ratio ~1000 */
	free(zeros);
	assert_true(z.size < (8u << 20) / 500);
	assert_int_equal(decode("/Filter /FlateDecode", z.ptr, z.size, &out), 0);
	assert_int_equal(out.size, 8u << 20);
	lim.max_ratio = 100;
	doc = stream_doc(&w, "/Filter /FlateDecode", z.ptr, z.size, &s);
	out.size = 0;
	expect_error(tamga__pdf_stream_decode(doc, s, &out), TAMGA_ELIMIT, "FlateDecode: stream decodes to more than");
	/* Stopped at the limit, not after inflating everything. */
	assert_true(out.size <= z.size * 100);
	tamga__pdf_close(doc);
	w_free(&w);
	tamga__pdf_limits_default(&lim);
	lim.max_stream = 1u << 20;
	expect_error(decode("/Filter /FlateDecode", z.ptr, z.size, &out), TAMGA_ELIMIT, "more than 1048576 bytes");
	assert_true(out.size <= (1u << 20));
	tamga__pdf_limits_default(&lim);
	tamga_buf_dispose(&out);
	tamga_buf_dispose(&z);
}

static void test_limits(void **state)
{
	struct w w;
	pdf_doc *doc;
	pdf_obj *o;
	unsigned i;

	(void)state;
	w_init(&w, NULL);
	w_basic(&w);
	/* 4 -> 5 -> ... -> 40 -> (7): a chain of references. */
	for (i = 4; i < 40; i++)
		w_obj(&w, i, "%u 0 R", i + 1);
	w_obj(&w, 40, "(end)");
	w_obj(&w, 41, "41 0 R");
	w_obj(&w, 42, "43 0 R");
	w_obj(&w, 43, "42 0 R");
	w_table(&w, 0, 44, "<< /Size 44 /Root 1 0 R >>");
	doc = open_ok(&w);
	/* 36 references in a row: above the default 32. */
	expect_error(tamga__pdf_resolve(doc, tamga__pdf_ref(tamga__pdf_doc_arena(doc), 4, 0), &o), TAMGA_ELIMIT,
	             "more than 32 references in a row");
	assert_int_equal(tamga__pdf_resolve(doc, tamga__pdf_ref(tamga__pdf_doc_arena(doc), 10, 0), &o), 0);
	assert_memory_equal(o->u.string.data, "end", 3);
	expect_error(tamga__pdf_resolve(doc, tamga__pdf_ref(tamga__pdf_doc_arena(doc), 41, 0), &o), TAMGA_EFORMAT,
	             "object 41 0 refers to itself");
	expect_error(tamga__pdf_resolve(doc, tamga__pdf_ref(tamga__pdf_doc_arena(doc), 42, 0), &o), TAMGA_EFORMAT,
	             "refers to itself");
	tamga__pdf_close(doc);

	lim.max_resolve = 40;
	doc = open_ok(&w);
	assert_int_equal(tamga__pdf_resolve(doc, tamga__pdf_ref(tamga__pdf_doc_arena(doc), 4, 0), &o), 0);
	assert_memory_equal(o->u.string.data, "end", 3);
	tamga__pdf_close(doc);
	tamga__pdf_limits_default(&lim);

	lim.max_objects = 43;
	open_fails(&w, TAMGA_ELIMIT, "trailer /Size 44 is above the limit of 43 objects");
	tamga__pdf_limits_default(&lim);
	lim.max_file = w.b.size - 1;
	open_fails(&w, TAMGA_ELIMIT, "above the limit");
	tamga__pdf_limits_default(&lim);
	w_free(&w);

	/* Streams whose /Length is the next stream: objects needed to read
	 * objects, 70 deep (limit: max_depth 64). */
	w_init(&w, NULL);
	w_basic(&w);
	for (i = 10; i < 80; i++) {
		w.off[i] = w.b.size;
		tamga__buf_printf(&w.b, "%u 0 obj\n<< /Length %u 0 R >>\nstream\nx\nendstream\nendobj\n", i, i + 1);
	}
	w_obj(&w, 80, "1");
	w_table(&w, 0, 81, "<< /Size 81 /Root 1 0 R >>");
	doc = open_ok(&w);
	expect_error(tamga__pdf_get(doc, 10, 0, &o), TAMGA_ELIMIT, "objects needed to read objects nested deeper than 64");
	/* That failure was about depth, not about object 75: read from closer, 75
	 * fails for what it is (its /Length is a stream), 79 is fine. */
	expect_error(tamga__pdf_get(doc, 75, 0, &o), TAMGA_EFORMAT, "stream /Length must be an integer");
	assert_int_equal(tamga__pdf_get(doc, 79, 0, &o), 0);
	assert_int_equal(o->u.stream.len, 1);
	tamga__pdf_close(doc);
	w_free(&w);

	/* /Size 200000 needs more than a 1 MiB arena. */
	w_init(&w, NULL);
	w_basic(&w);
	w_table(&w, 0, 4, "<< /Size 200000 /Root 1 0 R >>");
	lim.max_memory = 1u << 20;
	open_fails(&w, TAMGA_ELIMIT, "more than 1048576 bytes of memory");
	tamga__pdf_limits_default(&lim);
	doc = open_ok(&w);
	tamga__pdf_close(doc);
	w_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_classic, setup),
		cmocka_unit_test_setup(test_header_and_tail, setup),
		cmocka_unit_test_setup(test_trailer_errors, setup),
		cmocka_unit_test_setup(test_encrypted, setup),
		cmocka_unit_test_setup(test_wrong_offset, setup),
		cmocka_unit_test_setup(test_stream_length, setup),
		cmocka_unit_test_setup(test_xref_stream_png, setup),
		cmocka_unit_test_setup(test_objstm, setup),
		cmocka_unit_test_setup(test_two_revisions, setup),
		cmocka_unit_test_setup(test_prev_loop, setup),
		cmocka_unit_test_setup(test_hybrid, setup),
		cmocka_unit_test_setup(test_linearized, setup),
		cmocka_unit_test_setup(test_page_tree, setup),
		cmocka_unit_test_setup(test_page_tree_errors, setup),
		cmocka_unit_test_setup(test_filters, setup),
		cmocka_unit_test_setup(test_deflate_bomb, setup),
		cmocka_unit_test_setup(test_limits, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
