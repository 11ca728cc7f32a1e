/*
 * tests/unit/test_pdf_verify.c - the PDF handler's verify operation on
 * small handcrafted files (formats/pdf/verify.c, mdp.c), and its helpers:
 * PDF text strings (§7.9.2.2, Annex D), dates (§7.9.4), field locks
 * (§12.7.4.5), structural equality.  Expected values are written from the
 * specification, not taken from the code's output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/common.h>

#include "common/buf.h"
#include "formats/evidence.h"
#include "formats/pdf/pdf.h"
#include "formats/pdf/verify_internal.h"

/* ------------------------------------------------------------------ a tiny signed file */

/*
 * One page, a form whose fields hold the signature dictionary 4 0 R
 * (fields_text: the /Fields array and any extra objects), a /ByteRange
 * and /Contents laid out so the gap is exactly the /Contents token.
 */
static void build(tamga_buf *b, const char *fields, const char *extra, const char *contents_hex)
{
	size_t off[16], n = 0, i, xref, br_at, lt, gt;
	char tmp[256];

	memset(b, 0, sizeof(*b));
	assert_int_equal(tamga__buf_puts(b, "%PDF-1.7\n"), 0);
#define OBJ(...)                                                    \
	do {                                                        \
		off[++n] = b->size;                                 \
		assert_int_equal(tamga__buf_printf(b, __VA_ARGS__), 0); \
	} while (0)
	OBJ("1 0 obj\n<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields %s /SigFlags 3 >> >>\nendobj\n", fields);
	OBJ("2 0 obj\n<< /Type /Pages /Count 1 /Kids [3 0 R] >>\nendobj\n");
	OBJ("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n");
	OBJ("4 0 obj\n<< /Type /Sig /SubFilter /ETSI.CAdES.detached /M (D:20240501120000+08'00') "
	    "/Reason <FEFF04280430> /ByteRange [0 0000000000 0000000000 0000000000] /Contents <%s> >>\nendobj\n",
	    contents_hex);
	OBJ("5 0 obj\n<< /FT /Sig /T (Sig1) /V 4 0 R /Rect [0 0 0 0] /Subtype /Widget /P 3 0 R >>\nendobj\n");
	OBJ("6 0 obj\n%s\nendobj\n", extra ? extra : "null");
#undef OBJ
	xref = b->size;
	assert_int_equal(tamga__buf_printf(b, "xref\n0 %zu\n0000000000 65535 f \n", n + 1), 0);
	for (i = 1; i <= n; i++)
		assert_int_equal(tamga__buf_printf(b, "%010zu 00000 n \n", off[i]), 0);
	assert_int_equal(tamga__buf_printf(b, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n + 1,
	                                   xref), 0);
	br_at = (size_t)(strstr((char *)b->ptr, "[0 0000000000") - (char *)b->ptr);
	lt = (size_t)(strstr((char *)b->ptr, "/Contents <") - (char *)b->ptr) + 10;
	gt = (size_t)(strchr((char *)b->ptr + lt, '>') - (char *)b->ptr) + 1;
	snprintf(tmp, sizeof(tmp), "[0 %010zu %010zu %010zu]", lt, gt, b->size - gt);
	memcpy(b->ptr + br_at, tmp, strlen(tmp));
}

static void verify(tamga_buf *b, struct tamga__evidence *ev)
{
	memset(ev, 0, sizeof(*ev));
	assert_int_equal(tamga__pdf_verify(b->ptr, b->size, ev), 0);
}

#define DER_PADDED "3003020105000000"

static void test_valid(void **state)
{
	struct tamga__evidence ev;
	tamga_buf b;

	(void)state;
	build(&b, "[5 0 R]", NULL, DER_PADDED);
	verify(&b, &ev);
	assert_null(ev.error);
	assert_int_equal(ev.sig_count, 1);
	assert_string_equal(ev.sigs[0].id, "Sig1");
	assert_null(ev.sigs[0].format_error);
	assert_int_equal(ev.sigs[0].revision, 0);
	assert_int_equal(ev.sigs[0].covers_whole_document, 1);
	assert_int_equal(ev.sigs[0].value_len, 5);
	assert_memory_equal(ev.sigs[0].value, "\x30\x03\x02\x01\x05", 5);
	assert_int_equal(ev.sigs[0].range_count, 2);
	assert_int_equal(ev.sigs[0].ranges[0].offset, 0);
	assert_int_equal(ev.sigs[0].ranges[1].offset + ev.sigs[0].ranges[1].len, b.size);
	/* 2024-05-01 12:00:00 +08:00 = 04:00:00Z */
	assert_int_equal(ev.sigs[0].claimed_time, 1714536000);
	assert_string_equal(ev.sigs[0].reason, "\xd0\xa8\xd0\xb0"); /* Ша */
	assert_int_equal(ev.sigs[0].mod_count, 0);
	tamga__evidence_free(&ev);
	tamga_buf_dispose(&b);
}

static void test_twice_counted_once(void **state)
{
	struct tamga__evidence ev;
	tamga_buf b;

	(void)state;
	build(&b, "[5 0 R 6 0 R]", "<< /FT /Sig /T (Sig2) /V 4 0 R >>", DER_PADDED);
	verify(&b, &ev);
	assert_int_equal(ev.sig_count, 1);
	assert_int_equal(ev.sigs[0].warning_count, 1);
	assert_int_equal(ev.warning_count, 1);
	tamga__evidence_free(&ev);
	tamga_buf_dispose(&b);
}

static void test_field_loop(void **state)
{
	struct tamga__evidence ev;
	tamga_buf b;

	(void)state;
	/* 6 0 R is its own kid: found once, no hang. */
	build(&b, "[6 0 R]", "<< /T (Loop) /Kids [6 0 R 5 0 R] >>", DER_PADDED);
	verify(&b, &ev);
	assert_null(ev.error);
	assert_int_equal(ev.sig_count, 1);
	assert_string_equal(ev.sigs[0].id, "Loop.Sig1");
	tamga__evidence_free(&ev);
	tamga_buf_dispose(&b);
}

static void test_bad_contents(void **state)
{
	struct tamga__evidence ev;
	tamga_buf b;

	(void)state;
	build(&b, "[5 0 R]", NULL, "0000000000");
	verify(&b, &ev);
	assert_non_null(ev.sigs[0].format_error);
	assert_non_null(strstr(ev.sigs[0].format_error, "empty"));
	assert_null(ev.sigs[0].value);
	tamga__evidence_free(&ev);
	tamga_buf_dispose(&b);

	build(&b, "[5 0 R]", NULL, "30030201050001");
	verify(&b, &ev);
	assert_non_null(strstr(ev.sigs[0].format_error, "zero padding"));
	tamga__evidence_free(&ev);
	tamga_buf_dispose(&b);

	/* BER indefinite length (NSS writes these): 30 80 02 01 05 00 00 */
	build(&b, "[5 0 R]", NULL, "308002010500000000");
	verify(&b, &ev);
	assert_null(ev.sigs[0].format_error);
	assert_int_equal(ev.sigs[0].value_len, 7);
	tamga__evidence_free(&ev);
	tamga_buf_dispose(&b);
}

static void test_unreadable(void **state)
{
	struct tamga__evidence ev;
	tamga_buf b = TAMGA_BUF_INIT;

	(void)state;
	assert_int_equal(tamga__buf_puts(&b, "%PDF-1.7\nnothing here\n"), 0);
	verify(&b, &ev);
	assert_non_null(ev.error);
	assert_int_equal(ev.sig_count, 0);
	tamga__evidence_free(&ev);
	tamga_buf_dispose(&b);
}

/* ------------------------------------------------------------------ helpers */

static void text_is(const char *in, size_t len, const char *want)
{
	char *s = tamga__pdfv_text((const unsigned char *)in, len);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void test_text(void **state)
{
	(void)state;
	text_is("abc", 3, "abc");
	/* PDFDocEncoding: 0x80 bullet, 0xa0 euro, 0xe9 e-acute, 0x18 breve */
	text_is("\x80\xa0\xe9\x18", 4, "\xe2\x80\xa2\xe2\x82\xac\xc3\xa9\xcb\x98");
	/* UTF-16BE with BOM, a surrogate pair (U+1F600) */
	text_is("\xfe\xff\x00\x41\xd8\x3d\xde\x00", 8, "A\xf0\x9f\x98\x80");
	/* an unpaired surrogate and a control character become U+FFFD */
	text_is("\xfe\xff\xd8\x3d\x00\x07", 6, "\xef\xbf\xbd\xef\xbf\xbd");
	/* UTF-8 with BOM (PDF 2.0) */
	text_is("\xef\xbb\xbf\xd0\x9c", 5, "\xd0\x9c");
	text_is("", 0, "");
}

static void date_is(const char *s, int ok, tamga_time want)
{
	tamga_time t = 0;

	assert_int_equal(tamga__pdfv_date((const unsigned char *)s, strlen(s), &t) == 0, ok);
	if (ok)
		assert_int_equal(t, want);
}

static void test_dates(void **state)
{
	(void)state;
	date_is("D:20240501120000Z", 1, 1714564800);
	date_is("D:20240501120000+08'00'", 1, 1714536000);
	date_is("D:20240501120000-05'30", 1, 1714564800 + 5 * 3600 + 1800);
	date_is("D:2024", 1, 1704067200);
	date_is("D:20241301", 0, 0);   /* month 13 */
	date_is("D:20240501x", 0, 0);
	date_is("D:20", 0, 0);
}

static void test_locks(void **state)
{
	char *names[] = { "a.b", "c" };
	struct pdfv_lock all = { 1, 0, NULL, 0 }, inc = { 0, 0, names, 2 }, exc = { 0, 1, names, 2 };

	(void)state;
	assert_true(tamga__pdfv_locked(&all, "x"));
	assert_true(tamga__pdfv_locked(&inc, "a.b"));
	assert_false(tamga__pdfv_locked(&inc, "a"));
	assert_false(tamga__pdfv_locked(&exc, "c"));
	assert_true(tamga__pdfv_locked(&exc, "d"));
}

static void test_equal(void **state)
{
	pdf_arena *a = tamga__pdf_arena_new(0);
	pdf_obj *d1 = tamga__pdf_dict(a), *d2 = tamga__pdf_dict(a);
	size_t budget = 100;

	(void)state;
	assert_int_equal(tamga__pdf_dict_set(a, d1, "A", tamga__pdf_int(a, 1)), 0);
	assert_int_equal(tamga__pdf_dict_set(a, d1, "B", tamga__pdf_ref(a, 4, 0)), 0);
	assert_int_equal(tamga__pdf_dict_set(a, d2, "B", tamga__pdf_ref(a, 4, 0)), 0);
	assert_int_equal(tamga__pdf_dict_set(a, d2, "A", tamga__pdf_int(a, 1)), 0);
	assert_true(tamga__pdfv_equal(d1, d2, &budget)); /* key order does not matter */
	assert_int_equal(tamga__pdf_dict_set(a, d2, "B", tamga__pdf_ref(a, 5, 0)), 0);
	assert_false(tamga__pdfv_equal(d1, d2, &budget));
	budget = 0;
	assert_false(tamga__pdfv_equal(d1, d1, &budget)); /* out of budget: not equal */
	tamga__pdf_arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_twice_counted_once),
		cmocka_unit_test(test_field_loop),
		cmocka_unit_test(test_bad_contents),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_locks),
		cmocka_unit_test(test_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
