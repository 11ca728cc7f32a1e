/*
 * tests/unit/test_stamp.c - the embedded font (formats/pdf/font.c) and
 * the stamp form XObject (formats/pdf/stamp.c), read back as objects.
 *
 * Oracles: streams are inflated here with zlib; ToUnicode entries are
 * compared with UTF-16 computed here; the form's /Matrix is checked by
 * turning the form's axes with it and then with the page's rotation as a
 * viewer shows it (ISO 32000-1 §7.7.3.3: /Rotate turns the page clockwise
 * on display), which must give the form's axes back.  Rendering, text
 * extraction and QR decoding are tests/cli/stamp.sh's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include <tamga/common.h>

#include "common/buf.h"
#include "formats/pdf/font.h"
#include "formats/pdf/pdf.h"
#include "formats/pdf/stamp.h"

#define URL "https://verify.example.mn/v/7K3M9QX2HB4TZW8RS"
#define MAX_OBJECTS 64

static const char *const caption[] = {
	"Цахим гарын үсгээр баталгаажсан / Digitally signed",
	"Өргөдөл / Application: Үнэмлэх",
	"Огноо / Date: 2026-11-23",
	"Код / Code: 7K3M-9QX2-HB4T-ZW8R-S",
};

/* ------------------------------------------------------------ a sink that keeps objects */

struct collect {
	pdf_arena *arena;
	pdf_obj *objs[MAX_OBJECTS];
	uint32_t next;
	int calls, fail_at;          /* fail the fail_at-th alloc or put (1-based); 0: never */
	struct pdf_sink sink;
};

static int collect_alloc(void *ctx, uint32_t *num)
{
	struct collect *c = ctx;

	if (++c->calls == c->fail_at)
		return TAMGA_EIO;
	assert_true(c->next < MAX_OBJECTS);
	*num = c->next++;
	return 0;
}

static int collect_put(void *ctx, uint32_t num, pdf_obj *obj)
{
	struct collect *c = ctx;

	if (++c->calls == c->fail_at)
		return TAMGA_EIO;
	assert_true(num >= 1 && num < c->next);
	assert_null(c->objs[num]);
	c->objs[num] = obj;
	return 0;
}

static void collect_init(struct collect *c)
{
	memset(c, 0, sizeof(*c));
	c->arena = tamga__pdf_arena_new(0);
	assert_non_null(c->arena);
	c->next = 1;
	c->sink.arena = c->arena;
	c->sink.ctx = c;
	c->sink.alloc = collect_alloc;
	c->sink.put = collect_put;
}

static pdf_obj *deref(struct collect *c, const pdf_obj *ref)
{
	assert_non_null(ref);
	assert_int_equal(ref->type, PDF_REF);
	assert_true(ref->u.ref.num < c->next);
	assert_non_null(c->objs[ref->u.ref.num]);
	return c->objs[ref->u.ref.num];
}

/* ------------------------------------------------------------ helpers */

static void inflate_stream(const pdf_obj *s, tamga_buf *out)
{
	z_stream z;
	unsigned char chunk[4096];
	int rc;

	assert_int_equal(s->type, PDF_STREAM);
	assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(s, "Filter"), "FlateDecode"));
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit(&z), Z_OK);
	z.next_in = (unsigned char *)s->u.stream.data;
	z.avail_in = (uInt)s->u.stream.len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		assert_true(rc == Z_OK || rc == Z_STREAM_END);
		assert_int_equal(tamga__buf_append(out, chunk, sizeof(chunk) - z.avail_out), 0);
	} while (rc != Z_STREAM_END);
	inflateEnd(&z);
}

static double number(const pdf_obj *o)
{
	assert_non_null(o);
	if (o->type == PDF_INT)
		return (double)o->u.integer;
	assert_int_equal(o->type, PDF_REAL);
	return o->u.real.value;
}

/* UTF-8 -> UTF-16BE as uppercase hex, computed here. */
static void utf16_hex(const char *s, char *out)
{
	const unsigned char *p = (const unsigned char *)s;

	*out = '\0';
	while (*p) {
		uint32_t c;

		if (*p < 0x80) {
			c = *p++;
		} else if ((*p & 0xE0) == 0xC0) {
			c = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
			p += 2;
		} else {
			c = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
			p += 3;
		}
		out += sprintf(out, "%04X", (unsigned)c);
	}
}

/* Glyph ids in the hex strings of a TJ content stream. */
static size_t shown_gids(const char *ops, unsigned int *gids, size_t max)
{
	size_t n = 0;
	const char *p = ops;

	while ((p = strchr(p, '<')) != NULL) {
		p++;
		while (*p != '>') {
			unsigned int g;

			assert_int_equal(sscanf(p, "%4X", &g), 1);
			assert_true(n < max);
			gids[n++] = g;
			p += 4;
		}
	}
	return n;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* ------------------------------------------------------------ font */

static void test_font_errors(void **state)
{
	struct tamga__pdf_font *f = (struct tamga__pdf_font *)1;
	char big[TAMGA__PDF_TEXT_MAX + 2];
	double w;
	FILE *fp;

	(void)state;
	assert_int_equal(tamga__pdf_font_open(&f, "./no-such-font.ttf"), TAMGA_EIO);
	assert_null(f);
	assert_non_null(strstr(tamga_error_last()->message, "no-such-font.ttf"));
	fp = fopen("fake.ttf", "wb");
	assert_non_null(fp);
	fputs("this is not a font, just some text long enough to look at", fp);
	fclose(fp);
	assert_int_equal(tamga__pdf_font_open(&f, "fake.ttf"), TAMGA_EFORMAT);
	remove("fake.ttf");

	assert_int_equal(tamga__pdf_font_open(&f, NULL), 0);
	assert_int_equal(tamga__pdf_font_measure(f, "\xD0", 10, &w), TAMGA_EINVAL);
	assert_int_equal(tamga__pdf_font_measure(f, "a\xC0\x80", 10, &w), TAMGA_EINVAL);   /* overlong NUL */
	assert_int_equal(tamga__pdf_font_measure(f, "\xED\xA0\x80", 10, &w), TAMGA_EINVAL); /* surrogate */
	assert_int_equal(tamga__pdf_font_measure(f, "tab\there", 10, &w), TAMGA_EINVAL);
	assert_int_equal(tamga__pdf_font_measure(f, "c1\xC2\x85", 10, &w), TAMGA_EINVAL);  /* NEL */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(tamga__pdf_font_measure(f, big, 10, &w), TAMGA_EINVAL);
	big[TAMGA__PDF_TEXT_MAX] = '\0';
	assert_int_equal(tamga__pdf_font_measure(f, big, 10, &w), 0);
	assert_int_equal(tamga__pdf_font_measure(f, "Баримт 漢", 10, &w), TAMGA_EUNSUPPORTED);
	assert_non_null(strstr(tamga_error_last()->message, "U+6F22"));
	tamga__pdf_font_free(f);
	tamga__pdf_font_free(NULL);
}

static void test_font_measure(void **state)
{
	struct tamga__pdf_font *f = NULL;
	double a, b, av, empty;

	(void)state;
	assert_int_equal(tamga__pdf_font_open(&f, NULL), 0);
	assert_int_equal(tamga__pdf_font_measure(f, caption[0], 5, &a), 0);
	assert_int_equal(tamga__pdf_font_measure(f, caption[0], 10, &b), 0);
	assert_true(a > 0 && fabs(b - 2 * a) < 1e-9);
	assert_int_equal(tamga__pdf_font_measure(f, "", 10, &empty), 0);
	assert_true(empty == 0);
	/* Kerning: "AV" is narrower than "A" and "V" apart. */
	assert_int_equal(tamga__pdf_font_measure(f, "A", 10, &a), 0);
	assert_int_equal(tamga__pdf_font_measure(f, "V", 10, &b), 0);
	assert_int_equal(tamga__pdf_font_measure(f, "AV", 10, &av), 0);
	assert_true(av < a + b - 0.1);
	/* Metrics of DejaVu Sans (hhea: 1901 and -483 units of 2048). */
	assert_true(fabs(tamga__pdf_font_ascent(f) - 1901.0 / 2048) < 1e-9);
	assert_true(fabs(tamga__pdf_font_descent(f) + 483.0 / 2048) < 1e-9);
	tamga__pdf_font_free(f);
}

static void test_font_objects(void **state)
{
	struct tamga__pdf_font *f = NULL;
	struct collect c;
	tamga_buf ops = TAMGA_BUF_INIT, program = TAMGA_BUF_INIT, cmap = TAMGA_BUF_INIT;
	pdf_obj *type0, *desc_arr, *cid, *w, *desc, *file, *tounicode, *name;
	unsigned int gids[512];
	size_t ngids, i, k;
	uint32_t num;


	(void)state;
	collect_init(&c);
	assert_int_equal(tamga__pdf_font_open(&f, NULL), 0);
	assert_int_equal(tamga__pdf_font_show(f, &ops, "F1", "Өө Үү", 10, 20, 9), 0);
	assert_int_equal(tamga__pdf_font_show(f, &ops, "F1", "Office", 10, 10, 9), 0);
	assert_int_equal(tamga__pdf_font_show(f, &ops, "F 1", "x", 10, 10, 9), TAMGA_EINVAL);
	assert_int_equal(tamga__pdf_font_emit(f, &c.sink, &num), 0);
	/* Once only; later text must not need new glyphs. */
	{
		uint32_t again = 7;

		assert_int_equal(tamga__pdf_font_emit(f, &c.sink, &again), TAMGA_ESTATE);
		assert_int_equal(again, 0);
	}
	assert_int_equal(tamga__pdf_font_show(f, &ops, "F1", "Үө", 10, 0, 9), 0);
	assert_int_equal(tamga__pdf_font_show(f, &ops, "F1", "Я", 10, 0, 9), TAMGA_ESTATE);
	assert_int_equal(count((const char *)ops.ptr, "BT /F1 9 Tf"), 3);

	type0 = c.objs[num];
	assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(type0, "Type"), "Font"));
	assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(type0, "Subtype"), "Type0"));
	assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(type0, "Encoding"), "Identity-H"));
	name = tamga__pdf_dict_get(type0, "BaseFont");
	assert_non_null(name);
	assert_int_equal(name->type, PDF_NAME);
	assert_int_equal(strlen(name->u.name.data), strlen("ABCDEF+DejaVuSans"));
	for (i = 0; i < 6; i++)
		assert_true(name->u.name.data[i] >= 'A' && name->u.name.data[i] <= 'Z');
	assert_string_equal(name->u.name.data + 6, "+DejaVuSans");
	desc_arr = tamga__pdf_dict_get(type0, "DescendantFonts");
	assert_true(desc_arr != NULL && desc_arr->type == PDF_ARRAY && desc_arr->u.array.len == 1);
	cid = deref(&c, desc_arr->u.array.items[0]);
	assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(cid, "Subtype"), "CIDFontType2"));
	assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(cid, "CIDToGIDMap"), "Identity"));
	assert_string_equal(tamga__pdf_dict_get(cid, "BaseFont")->u.name.data, name->u.name.data);
	assert_memory_equal(tamga__pdf_dict_get(tamga__pdf_dict_get(cid, "CIDSystemInfo"), "Ordering")->u.string.data,
	                    "Identity", 8);

	/* /W lists every glyph shown, and only those. */
	ngids = shown_gids((const char *)ops.ptr, gids, sizeof(gids) / sizeof(gids[0]));
	assert_true(ngids >= 10);
	w = tamga__pdf_dict_get(cid, "W");
	assert_true(w != NULL && w->type == PDF_ARRAY && w->u.array.len % 2 == 0);
	{
		size_t listed = 0;

		for (k = 0; k < w->u.array.len; k += 2) {
			unsigned int first = (unsigned int)number(w->u.array.items[k]);
			pdf_obj *run = w->u.array.items[k + 1];

			assert_int_equal(run->type, PDF_ARRAY);
			for (i = 0; i < run->u.array.len; i++) {
				size_t j;
				int found = 0;

				assert_true(number(run->u.array.items[i]) > 0);
				for (j = 0; j < ngids; j++)
					found |= gids[j] == first + i;
				if (!found)
					fail_msg("/W lists glyph %u that is never shown", first + (unsigned)i);
				listed++;
			}
		}
		for (i = 0; i < ngids; i++) {
			int found = 0;

			for (k = 0; k < w->u.array.len; k += 2) {
				unsigned int first = (unsigned int)number(w->u.array.items[k]);

				found |= gids[i] >= first && gids[i] < first + w->u.array.items[k + 1]->u.array.len;
			}
			if (!found)
				fail_msg("glyph %u shown but not in /W", gids[i]);
		}
		assert_true(listed > 0);
	}

	/* The font program: a TrueType file whose length is /Length1. */
	desc = deref(&c, tamga__pdf_dict_get(cid, "FontDescriptor"));
	assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(desc, "Type"), "FontDescriptor"));
	assert_string_equal(tamga__pdf_dict_get(desc, "FontName")->u.name.data, name->u.name.data);
	assert_int_equal(number(tamga__pdf_dict_get(desc, "Ascent")), 928);   /* 1901 * 1000 / 2048 */
	assert_int_equal(number(tamga__pdf_dict_get(desc, "Descent")), -236); /* -483 * 1000 / 2048 */
	assert_int_equal(tamga__pdf_dict_get(desc, "FontBBox")->u.array.len, 4);
	file = deref(&c, tamga__pdf_dict_get(desc, "FontFile2"));
	inflate_stream(file, &program);
	assert_int_equal(number(tamga__pdf_dict_get(file, "Length1")), program.size);
	assert_memory_equal(program.ptr, "\x00\x01\x00\x00", 4);
	assert_true(program.size < 100000);

	/* ToUnicode: each glyph to its text; "Өө Үү" are single glyphs. */
	tounicode = deref(&c, tamga__pdf_dict_get(type0, "ToUnicode"));
	inflate_stream(tounicode, &cmap);
	assert_non_null(strstr((const char *)cmap.ptr, "begincmap"));
	assert_non_null(strstr((const char *)cmap.ptr, "<0000> <FFFF>"));
	{
		static const char *const letters[] = { "Ө", "ө", "Ү", "ү", " " };
		/* The first show drew Ө ө space Ү ү: glyphs 0, 1, 3, 4 and 2. */
		static const int index[] = { 0, 1, 3, 4, 2 };

		for (i = 0; i < 5; i++) {
			char hex[16], entry[64];

			utf16_hex(letters[i], hex);
			snprintf(entry, sizeof(entry), "<%04X> <%s>", gids[index[i]], hex);
			if (strstr((const char *)cmap.ptr, entry) == NULL)
				fail_msg("ToUnicode lacks %s", entry);
		}
	}
	tamga_buf_dispose(&program);
	tamga_buf_dispose(&cmap);
	tamga_buf_dispose(&ops);
	tamga__pdf_font_free(f);
	tamga__pdf_arena_free(c.arena);
}

/* "ffi" is one glyph in DejaVu Sans: its ToUnicode entry is all three. */
static void test_font_ligature_maps_to_its_letters(void **state)
{
	struct tamga__pdf_font *f = NULL;
	struct collect c;
	tamga_buf ops = TAMGA_BUF_INIT, cmap = TAMGA_BUF_INIT;
	unsigned int gids[16];
	char entry[64];
	uint32_t num;

	(void)state;
	collect_init(&c);
	assert_int_equal(tamga__pdf_font_open(&f, NULL), 0);
	assert_int_equal(tamga__pdf_font_show(f, &ops, "F1", "ffi", 0, 0, 10), 0);
	assert_int_equal(shown_gids((const char *)ops.ptr, gids, 16), 1);
	assert_int_equal(tamga__pdf_font_emit(f, &c.sink, &num), 0);
	inflate_stream(deref(&c, tamga__pdf_dict_get(c.objs[num], "ToUnicode")), &cmap);
	snprintf(entry, sizeof(entry), "<%04X> <006600660069>", gids[0]);
	assert_non_null(strstr((const char *)cmap.ptr, entry));
	assert_non_null(strstr((const char *)cmap.ptr, "1 beginbfchar"));
	tamga_buf_dispose(&cmap);
	tamga_buf_dispose(&ops);
	tamga__pdf_font_free(f);
	tamga__pdf_arena_free(c.arena);
}

/* ------------------------------------------------------------ stamp */

static void default_stamp(struct tamga__stamp *s, int rotate)
{
	memset(s, 0, sizeof(*s));
	s->width = TAMGA__STAMP_DEFAULT_WIDTH;
	s->height = TAMGA__STAMP_DEFAULT_HEIGHT;
	s->qr_text = URL;
	s->lines = caption;
	s->line_count = sizeof(caption) / sizeof(caption[0]);
	s->rotate = rotate;
}

static void test_stamp_form(void **state)
{
	int rotations[] = { 0, 90, 180, 270 };
	size_t r;

	(void)state;
	for (r = 0; r < 4; r++) {
		struct tamga__stamp s;
		struct collect c;
		tamga_buf content = TAMGA_BUF_INIT;
		pdf_obj *form, *bbox, *matrix, *font;
		uint32_t num;
		double m[6] = { 1, 0, 0, 1, 0, 0 };
		int rot = rotations[r], i;

		collect_init(&c);
		default_stamp(&s, rot);
		assert_int_equal(tamga__pdf_stamp_build(&c.sink, &s, &num), 0);
		form = c.objs[num];
		assert_non_null(form);
		assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(form, "Type"), "XObject"));
		assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(form, "Subtype"), "Form"));
		bbox = tamga__pdf_dict_get(form, "BBox");
		assert_true(bbox != NULL && bbox->u.array.len == 4);
		assert_true(number(bbox->u.array.items[0]) == 0 && number(bbox->u.array.items[1]) == 0);
		assert_true(fabs(number(bbox->u.array.items[2]) - s.width) < 1e-6);
		assert_true(fabs(number(bbox->u.array.items[3]) - s.height) < 1e-6);
		font = deref(&c, tamga__pdf_dict_get(tamga__pdf_dict_get(tamga__pdf_dict_get(form, "Resources"), "Font"), "F1"));
		assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(font, "Subtype"), "Type0"));
		/* Every object allocated was written. */
		for (num = 1; num < c.next; num++)
			assert_non_null(c.objs[num]);

		matrix = tamga__pdf_dict_get(form, "Matrix");
		if (rot == 0) {
			assert_null(matrix);
		} else {
			assert_true(matrix != NULL && matrix->u.array.len == 6);
			for (i = 0; i < 6; i++)
				m[i] = number(matrix->u.array.items[i]);
		}
		{
			/* The form's x and y axes through the matrix, then turned
			 * clockwise by the page's rotation as a viewer shows it. */
			double th = rot * M_PI / 180, ax[2][2] = { { 1, 0 }, { 0, 1 } };
			double xmin = 1e9, ymin = 1e9, xmax = -1e9, ymax = -1e9;
			int k;

			for (k = 0; k < 2; k++) {
				double ux = m[0] * ax[k][0] + m[2] * ax[k][1], uy = m[1] * ax[k][0] + m[3] * ax[k][1];
				double sx = ux * cos(th) + uy * sin(th), sy = -ux * sin(th) + uy * cos(th);

				assert_true(fabs(sx - ax[k][0]) < 1e-9 && fabs(sy - ax[k][1]) < 1e-9);
			}
			/* The box lands in the positive quadrant with its corner at 0 0. */
			for (k = 0; k < 4; k++) {
				double x = (k & 1) ? s.width : 0, y = (k & 2) ? s.height : 0;
				double ux = m[0] * x + m[2] * y + m[4], uy = m[1] * x + m[3] * y + m[5];

				xmin = fmin(xmin, ux), xmax = fmax(xmax, ux), ymin = fmin(ymin, uy), ymax = fmax(ymax, uy);
			}
			assert_true(fabs(xmin) < 1e-6 && fabs(ymin) < 1e-6);
			assert_true(fabs(xmax - (rot % 180 ? s.height : s.width)) < 1e-6);
			assert_true(fabs(ymax - (rot % 180 ? s.width : s.height)) < 1e-6);
		}
		/* Content: the QR code (white square first), then one BT per row,
		 * the first row 1.15 times the others. */
		inflate_stream(form, &content);
		assert_memory_equal(content.ptr, "q 1 g ", 6);
		assert_true(count((const char *)content.ptr, " re\n") > 100);
		{
			const char *p = (const char *)content.ptr;
			double sizes[16];
			int rows = 0;

			while ((p = strstr(p, "BT /F1 ")) != NULL) {
				assert_true(rows < 16);
				sizes[rows++] = strtod(p + 7, NULL);
				p += 7;
			}
			assert_true(rows >= 4 && rows <= 6);
			assert_true(sizes[1] >= TAMGA__STAMP_FONT_MIN && sizes[1] <= TAMGA__STAMP_FONT_MAX);
			assert_true(fabs(sizes[0] - 1.15 * sizes[rows - 1]) < 0.01);
		}
		tamga_buf_dispose(&content);
		tamga__pdf_arena_free(c.arena);
	}
}

static int rows_of(const struct tamga__stamp *s, double *first_size)
{
	struct collect c;
	tamga_buf content = TAMGA_BUF_INIT;
	uint32_t num;
	int rows;
	const char *p;

	collect_init(&c);
	assert_int_equal(tamga__pdf_stamp_build(&c.sink, s, &num), 0);
	inflate_stream(c.objs[num], &content);
	rows = count((const char *)content.ptr, "BT /F1 ");
	p = strstr((const char *)content.ptr, "BT /F1 ");
	*first_size = p ? strtod(p + 7, NULL) : 0;
	tamga_buf_dispose(&content);
	tamga__pdf_arena_free(c.arena);
	return rows;
}

static void test_stamp_fitting(void **state)
{
	struct tamga__stamp s;
	double size, wide_size;

	(void)state;
	default_stamp(&s, 0);
	/* A wide box: every line whole, at the largest size. */
	s.width = 200 * TAMGA__STAMP_PT_PER_MM;
	assert_int_equal(rows_of(&s, &wide_size), 4);
	assert_true(fabs(wide_size - 1.15 * TAMGA__STAMP_FONT_MAX) < 0.01);
	/* The default box: line 1 broken after " / ". */
	s.width = TAMGA__STAMP_DEFAULT_WIDTH;
	assert_int_equal(rows_of(&s, &size), 5);
	/* Narrower: smaller text, more rows, never under the minimum. */
	s.width = 60 * TAMGA__STAMP_PT_PER_MM;
	assert_true(rows_of(&s, &size) >= 5);
	assert_true(size >= 1.15 * TAMGA__STAMP_FONT_MIN - 0.01 && size < wide_size);
	/* No caption: a QR code alone, no font. */
	s.line_count = 0;
	{
		struct collect c;
		uint32_t num;

		collect_init(&c);
		assert_int_equal(tamga__pdf_stamp_build(&c.sink, &s, &num), 0);
		assert_int_equal(c.next, 2);
		assert_null(tamga__pdf_dict_get(tamga__pdf_dict_get(c.objs[num], "Resources"), "Font"));
		tamga__pdf_arena_free(c.arena);
	}
}

static void expect_refused(const struct tamga__stamp *s, int code, const char *part)
{
	struct collect c;
	uint32_t num = 99;
	int rc;

	collect_init(&c);
	rc = tamga__pdf_stamp_build(&c.sink, s, &num);
	if (rc != code)
		fail_msg("stamp_build = %d (%s), expected %d", rc, tamga_error_last()->message, code);
	assert_int_equal(num, 0);
	if (strstr(tamga_error_last()->message, part) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", tamga_error_last()->message, part);
	tamga__pdf_arena_free(c.arena);
}

static void test_stamp_refusals(void **state)
{
	struct tamga__stamp s;
	const char *lines[TAMGA__STAMP_LINES_MAX + 1];
	char long_word[400];
	size_t i;

	(void)state;
	default_stamp(&s, 45);
	expect_refused(&s, TAMGA_EINVAL, "rotation 45");
	default_stamp(&s, 0);
	s.qr_text = NULL;
	expect_refused(&s, TAMGA_EINVAL, "no text for the QR code");
	default_stamp(&s, 0);
	s.width = 0;
	expect_refused(&s, TAMGA_EINVAL, "the box");
	s.width = NAN;
	expect_refused(&s, TAMGA_EINVAL, "the box");
	default_stamp(&s, 0);
	s.lines = NULL;
	expect_refused(&s, TAMGA_EINVAL, "caption lines missing");
	for (i = 0; i <= TAMGA__STAMP_LINES_MAX; i++)
		lines[i] = "Мөр";
	default_stamp(&s, 0);
	s.lines = lines;
	s.line_count = TAMGA__STAMP_LINES_MAX + 1;
	expect_refused(&s, TAMGA_EINVAL, "at most 16");
	lines[3] = NULL;
	s.line_count = 4;
	expect_refused(&s, TAMGA_EINVAL, "caption line 4 missing");
	default_stamp(&s, 0);
	s.height = 30;
	expect_refused(&s, TAMGA_EINVAL, "too small for a scannable QR code");
	default_stamp(&s, 0);
	s.width = s.height * 1.05;
	expect_refused(&s, TAMGA_EINVAL, "no room for the caption");
	for (i = 0; i + 2 < sizeof(long_word); i += 2)
		memcpy(long_word + i, "Б", 2);
	long_word[i] = '\0';
	lines[0] = "Огноо";
	lines[1] = long_word;
	default_stamp(&s, 0);
	s.lines = lines;
	s.line_count = 2;
	expect_refused(&s, TAMGA_EINVAL, "caption line 2 has a word wider");
	for (i = 0; i < TAMGA__STAMP_LINES_MAX; i++)
		lines[i] = "Мөр";
	s.line_count = TAMGA__STAMP_LINES_MAX;
	s.height = 20 * TAMGA__STAMP_PT_PER_MM;
	expect_refused(&s, TAMGA_EINVAL, "more than the box's");
	default_stamp(&s, 0);
	lines[0] = "Баримт 漢";
	s.lines = lines;
	s.line_count = 1;
	expect_refused(&s, TAMGA_EUNSUPPORTED, "U+6F22");
	default_stamp(&s, 0);
	s.font_path = "./no-such-font.ttf";
	expect_refused(&s, TAMGA_EIO, "no-such-font.ttf");
}

/* Every alloc and put failing in turn: the error comes back, nothing leaks
 * (the sanitizer build checks that). */
static void test_stamp_sink_failures(void **state)
{
	struct tamga__stamp s;
	struct collect c;
	uint32_t num;
	int k, calls;

	(void)state;
	default_stamp(&s, 90);
	collect_init(&c);
	assert_int_equal(tamga__pdf_stamp_build(&c.sink, &s, &num), 0);
	calls = c.calls;
	tamga__pdf_arena_free(c.arena);
	assert_int_equal(calls, 2 * 6);   /* form + 5 font objects, alloc and put each */
	for (k = 1; k <= calls; k++) {
		collect_init(&c);
		c.fail_at = k;
		assert_int_equal(tamga__pdf_stamp_build(&c.sink, &s, &num), TAMGA_EIO);
		assert_int_equal(num, 0);
		tamga__pdf_arena_free(c.arena);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_font_errors),
		cmocka_unit_test(test_font_measure),
		cmocka_unit_test(test_font_objects),
		cmocka_unit_test(test_font_ligature_maps_to_its_letters),
		cmocka_unit_test(test_stamp_form),
		cmocka_unit_test(test_stamp_fitting),
		cmocka_unit_test(test_stamp_refusals),
		cmocka_unit_test(test_stamp_sink_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
