/*
 * tests/unit/test_qr.c - QR matrices and their PDF drawing
 * (formats/qr/qr.c).
 *
 * Oracles: ISO/IEC 18004's tables and fixed patterns (byte-mode capacity
 * per version and level, width = 17 + 4 * version, finder and timing
 * patterns, the dark module), and the matrix itself read back from the
 * drawing: the test parses the content-stream operators, paints every
 * `re` into a grid and compares it with the modules, and counts the dark
 * runs itself.  Decoding the drawn code is tests/cli/stamp.sh's job
 * (zbarimg).
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

#include <tamga/common.h>

#include "common/buf.h"
#include "formats/qr/qr.h"

/* ------------------------------------------------------------ helpers */

static char *text_of(size_t n)
{
	char *s = malloc(n + 1);
	size_t i;

	assert_non_null(s);
	for (i = 0; i < n; i++)
		s[i] = (char)('a' + i % 26);
	s[n] = '\0';
	return s;
}

static int version_for(size_t n, int ecc)
{
	struct tamga__qr *qr = NULL;
	char *s = text_of(n);
	int v;

	if (tamga__qr_encode(&qr, s, ecc) != 0)
		fail_msg("encode %zu bytes: %s", n, tamga_error_last()->message);
	assert_int_equal(qr->width, 17 + 4 * qr->version);
	v = qr->version;
	tamga__qr_free(qr);
	free(s);
	return v;
}

/* ------------------------------------------------------------ versions */

static void test_version_follows_the_capacity_table(void **state)
{
	/* ISO/IEC 18004:2015 Table 7, byte mode, level M: versions 1..10 hold
	 * 14 26 42 62 84 106 122 152 180 213 bytes. */
	static const int cap_m[] = { 14, 26, 42, 62, 84, 106, 122, 152, 180, 213 };
	int v;

	(void)state;
	for (v = 1; v <= 10; v++) {
		assert_int_equal(version_for((size_t)cap_m[v - 1], TAMGA__QR_ECC_M), v);
		assert_int_equal(version_for((size_t)cap_m[v - 1] + 1, TAMGA__QR_ECC_M), v + 1);
	}
	/* Level H, version 1: 7 bytes; level Q: 11. */
	assert_int_equal(version_for(7, TAMGA__QR_ECC_H), 1);
	assert_int_equal(version_for(8, TAMGA__QR_ECC_H), 2);
	assert_int_equal(version_for(11, TAMGA__QR_ECC_Q), 1);
	assert_int_equal(version_for(12, TAMGA__QR_ECC_Q), 2);
	/* Level L (17 bytes in version 1) is raised to M. */
	assert_int_equal(version_for(15, TAMGA__QR_ECC_L), 2);
}

static void test_version_grows_with_length(void **state)
{
	int prev = 0, v;
	size_t n;

	(void)state;
	for (n = 1; n <= TAMGA__QR_TEXT_MAX; n += 37) {
		v = version_for(n, TAMGA__QR_ECC_M);
		assert_true(v >= prev);
		prev = v;
	}
	assert_true(version_for(TAMGA__QR_TEXT_MAX, TAMGA__QR_ECC_M) > version_for(50, TAMGA__QR_ECC_M));
	/* More redundancy, more modules for the same text. */
	assert_true(version_for(500, TAMGA__QR_ECC_H) > version_for(500, TAMGA__QR_ECC_M));
}

static void test_level_reported(void **state)
{
	struct tamga__qr *qr = NULL;

	(void)state;
	assert_int_equal(tamga__qr_encode(&qr, "https://verify.example.mn/v/7K3M9QX2HB4TZW8RS", TAMGA__QR_ECC_L), 0);
	assert_int_equal(qr->ecc, TAMGA__QR_ECC_M);
	tamga__qr_free(qr);
	assert_int_equal(tamga__qr_encode(&qr, "https://verify.example.mn/v/7K3M9QX2HB4TZW8RS", TAMGA__QR_ECC_H), 0);
	assert_int_equal(qr->ecc, TAMGA__QR_ECC_H);
	tamga__qr_free(qr);
}

static void test_rejects(void **state)
{
	struct tamga__qr *qr = (struct tamga__qr *)1;
	char *s = text_of(TAMGA__QR_TEXT_MAX + 1);

	(void)state;
	assert_int_equal(tamga__qr_encode(&qr, NULL, TAMGA__QR_ECC_M), TAMGA_EINVAL);
	assert_null(qr);
	assert_int_equal(tamga__qr_encode(&qr, "", TAMGA__QR_ECC_M), TAMGA_EINVAL);
	assert_int_equal(tamga__qr_encode(&qr, "x", 4), TAMGA_EINVAL);
	assert_int_equal(tamga__qr_encode(&qr, "x", -1), TAMGA_EINVAL);
	assert_int_equal(tamga__qr_encode(&qr, s, TAMGA__QR_ECC_M), TAMGA_ELIMIT);
	assert_null(qr);
	/* The limit is on bytes: 1000 fit even at level H (version 40 holds
	 * 1273 bytes there). */
	s[TAMGA__QR_TEXT_MAX] = '\0';
	assert_int_equal(tamga__qr_encode(&qr, s, TAMGA__QR_ECC_H), 0);
	assert_int_equal(qr->ecc, TAMGA__QR_ECC_H);
	tamga__qr_free(qr);
	tamga__qr_free(NULL);
	free(s);
}

/* ------------------------------------------------------------ fixed patterns */

static void check_finder(const struct tamga__qr *qr, int x0, int y0)
{
	int x, y;

	for (y = -1; y <= 7; y++)
		for (x = -1; x <= 7; x++) {
			int ring = x < 0 || y < 0 || x > 6 || y > 6;
			int dark;

			if (x0 + x < 0 || y0 + y < 0 || x0 + x >= qr->width || y0 + y >= qr->width)
				continue;
			if (ring)
				dark = 0;   /* separator */
			else if (x == 0 || y == 0 || x == 6 || y == 6)
				dark = 1;
			else if (x == 1 || y == 1 || x == 5 || y == 5)
				dark = 0;
			else
				dark = 1;   /* 3 x 3 centre */
			if (tamga__qr_module(qr, x0 + x, y0 + y) != dark)
				fail_msg("finder at %d,%d: module %d,%d should be %d", x0, y0, x, y, dark);
		}
}

static void test_fixed_patterns(void **state)
{
	static const char *texts[] = { "a", "https://verify.example.mn/v/7K3M9QX2HB4TZW8RS",
	                               "https://verify.example.mn/v/7K3M9QX2HB4TZW8RS?lang=mn&from=qr&x=0123456789" };
	size_t t;

	(void)state;
	for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		struct tamga__qr *qr = NULL;
		int i, w;

		assert_int_equal(tamga__qr_encode(&qr, texts[t], TAMGA__QR_ECC_M), 0);
		w = qr->width;
		check_finder(qr, 0, 0);
		check_finder(qr, w - 7, 0);
		check_finder(qr, 0, w - 7);
		/* Timing patterns: row 6 and column 6 alternate, dark on even. */
		for (i = 8; i < w - 8; i++) {
			assert_int_equal(tamga__qr_module(qr, i, 6), i % 2 == 0);
			assert_int_equal(tamga__qr_module(qr, 6, i), i % 2 == 0);
		}
		/* The dark module beside the lower left finder (§7.9.1). */
		assert_int_equal(tamga__qr_module(qr, 8, 4 * qr->version + 9), 1);
		/* Outside the symbol is light. */
		assert_int_equal(tamga__qr_module(qr, -1, 0), 0);
		assert_int_equal(tamga__qr_module(qr, 0, w), 0);
		assert_int_equal(tamga__qr_module(qr, w, w), 0);
		tamga__qr_free(qr);
	}
}

/* ------------------------------------------------------------ PDF drawing */

struct parsed {
	double bg[4];           /* the white square */
	int bg_seen;
	double cm[6];
	int cm_seen;
	int re_count;           /* in module units, after cm */
	int fills, saves, restores;
	int gray_before_runs;   /* 0 g came before the first run */
	int bad;                /* a run outside the symbol, or not integer */
	unsigned char *grid;    /* (width + 8)^2, painted by the runs */
};

static void parse_ops(const char *ops, int width, struct parsed *p)
{
	char *copy = strdup(ops), *tok, *save = NULL;
	double stack[8];
	int n = 0, gray = -1, full = width + 8;

	assert_non_null(copy);
	memset(p, 0, sizeof(*p));
	p->grid = calloc((size_t)full * (size_t)full, 1);
	assert_non_null(p->grid);
	for (tok = strtok_r(copy, " \n", &save); tok != NULL; tok = strtok_r(NULL, " \n", &save)) {
		char *end;
		double v = strtod(tok, &end);

		if (*end == '\0') {
			assert_true(n < 8);
			stack[n++] = v;
			continue;
		}
		if (strcmp(tok, "q") == 0) {
			p->saves++;
		} else if (strcmp(tok, "Q") == 0) {
			p->restores++;
		} else if (strcmp(tok, "g") == 0) {
			assert_int_equal(n, 1);
			gray = (int)stack[0];
		} else if (strcmp(tok, "cm") == 0) {
			assert_int_equal(n, 6);
			memcpy(p->cm, stack, sizeof(p->cm));
			p->cm_seen = 1;
		} else if (strcmp(tok, "re") == 0) {
			assert_int_equal(n, 4);
			if (!p->cm_seen) {
				assert_int_equal(gray, 1);
				memcpy(p->bg, stack, sizeof(p->bg));
				p->bg_seen++;
			} else {
				int c = (int)stack[0], r = (int)stack[1], len = (int)stack[2], k;

				if (p->re_count == 0)
					p->gray_before_runs = gray == 0;
				p->re_count++;
				if (c != stack[0] || r != stack[1] || len != stack[2] || stack[3] != 1 || len < 1 ||
				    c < TAMGA__QR_QUIET || r < TAMGA__QR_QUIET || c + len > width + TAMGA__QR_QUIET ||
				    r >= width + TAMGA__QR_QUIET)
					p->bad++;
				else
					for (k = 0; k < len; k++)
						p->grid[(size_t)r * full + (size_t)(c + k)]++;
			}
		} else if (strcmp(tok, "f") == 0) {
			p->fills++;
		} else {
			fail_msg("unexpected operator %s", tok);
		}
		n = 0;
	}
	free(copy);
}

static int count_runs(const struct tamga__qr *qr)
{
	int x, y, runs = 0;

	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x++)
			if (tamga__qr_module(qr, x, y) && (x == 0 || !tamga__qr_module(qr, x - 1, y)))
				runs++;
	return runs;
}

static void check_drawing(const char *text, double x, double y, double size)
{
	struct tamga__qr *qr = NULL;
	tamga_buf ops = TAMGA_BUF_INIT;
	struct parsed p;
	int r, c, full;

	assert_int_equal(tamga__qr_encode(&qr, text, TAMGA__QR_ECC_M), 0);
	assert_int_equal(tamga__qr_pdf_ops(&ops, qr, x, y, size), 0);
	parse_ops((const char *)ops.ptr, qr->width, &p);
	full = qr->width + 2 * TAMGA__QR_QUIET;
	/* One white square covering the whole size, quiet zone included. */
	assert_int_equal(p.bg_seen, 1);
	assert_true(fabs(p.bg[0] - x) < 1e-3 && fabs(p.bg[1] - y) < 1e-3);
	assert_true(fabs(p.bg[2] - size) < 1e-3 && fabs(p.bg[3] - size) < 1e-3);
	/* The grid: width + 8 modules across size, flipped so rows go down. */
	assert_true(p.cm_seen);
	assert_true(fabs(p.cm[0] * full - size) < 1e-3);
	assert_true(fabs(p.cm[3] * full + size) < 1e-3);
	assert_true(p.cm[1] == 0 && p.cm[2] == 0);
	assert_true(fabs(p.cm[4] - x) < 1e-3 && fabs(p.cm[5] - (y + size)) < 1e-3);
	/* Black runs, one `re` per run, two fills (background, modules). */
	assert_true(p.gray_before_runs);
	assert_int_equal(p.bad, 0);
	assert_int_equal(p.re_count, count_runs(qr));
	assert_int_equal(p.fills, 2);
	assert_int_equal(p.saves, 1);
	assert_int_equal(p.restores, 1);
	/* The runs paint exactly the dark modules, once each, and nothing in
	 * the quiet zone. */
	for (r = 0; r < full; r++)
		for (c = 0; c < full; c++) {
			int want = tamga__qr_module(qr, c - TAMGA__QR_QUIET, r - TAMGA__QR_QUIET);

			if (p.grid[(size_t)r * full + (size_t)c] != want)
				fail_msg("module %d,%d painted %d times, dark=%d", c, r, p.grid[(size_t)r * full + (size_t)c],
				         want);
		}
	/* Ends with the single fill and the restore. */
	assert_true(ops.size > 4 && strcmp((const char *)ops.ptr + ops.size - 4, "f Q\n") == 0);
	free(p.grid);
	tamga_buf_dispose(&ops);
	tamga__qr_free(qr);
}

static void test_pdf_ops(void **state)
{
	(void)state;
	check_drawing("https://verify.example.mn/v/7K3M9QX2HB4TZW8RS", 4.5, 4.5, 64.8);
	check_drawing("a", 0, 0, 100);
	check_drawing("https://verify.example.mn/v/7K3M9QX2HB4TZW8RS?a=0123456789012345678901234567890123456789", 100.25,
	              700, 56.69);
}

static void test_pdf_ops_rejects(void **state)
{
	struct tamga__qr *qr = NULL;
	tamga_buf ops = TAMGA_BUF_INIT;

	(void)state;
	assert_int_equal(tamga__qr_encode(&qr, "x", TAMGA__QR_ECC_M), 0);
	assert_int_equal(tamga__qr_pdf_ops(&ops, qr, 0, 0, 0), TAMGA_EINVAL);
	assert_int_equal(tamga__qr_pdf_ops(&ops, qr, 0, 0, -5), TAMGA_EINVAL);
	assert_int_equal(tamga__qr_pdf_ops(&ops, qr, NAN, 0, 5), TAMGA_EINVAL);
	assert_int_equal(tamga__qr_pdf_ops(&ops, qr, 0, INFINITY, 5), TAMGA_EINVAL);
	tamga_buf_dispose(&ops);
	tamga__qr_free(qr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_follows_the_capacity_table),
		cmocka_unit_test(test_version_grows_with_length),
		cmocka_unit_test(test_level_reported),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_fixed_patterns),
		cmocka_unit_test(test_pdf_ops),
		cmocka_unit_test(test_pdf_ops_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
