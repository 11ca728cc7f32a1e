/*
 * tests/unit/test_qr_png.c - QR codes as PNG images (formats/qr/png.c).
 *
 * Oracles: the PNG is decoded by libpng's simplified reader (pixels) and
 * by this file's own chunk walk (signature, IHDR, pHYs, chunk CRCs with
 * zlib), against ISO/IEC 15948 and the matrix from tamga__qr_encode: each
 * module_px x module_px block is black exactly where the module is dark,
 * with a 4-module white quiet zone.  Decoding the code as a QR symbol is
 * tests/cli/qr_png.sh's job (zbarimg).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <png.h>
#include <zlib.h>

#include <tamga/common.h>

#include "common/buf.h"
#include "formats/qr/qr.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct chunks {
	uint32_t width, height;
	int depth, color, interlace;
	int have_phys;
	uint32_t ppm_x, ppm_y;
	int unit;
};

static void walk_chunks(const tamga_buf *png, struct chunks *c)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t p = 8;
	int seen_end = 0;

	memset(c, 0, sizeof(*c));
	assert_true(png->size > 8);
	assert_memory_equal(png->ptr, sig, 8);
	while (p + 12 <= png->size && !seen_end) {
		uint32_t len = be32(png->ptr + p);
		const unsigned char *type = png->ptr + p + 4, *data = png->ptr + p + 8;

		assert_true(len <= png->size - p - 12);
		assert_int_equal((uint32_t)crc32(0, type, len + 4), be32(data + len));
		if (memcmp(type, "IHDR", 4) == 0) {
			assert_int_equal(p, 8);
			assert_int_equal(len, 13);
			c->width = be32(data);
			c->height = be32(data + 4);
			c->depth = data[8];
			c->color = data[9];
			c->interlace = data[12];
		} else if (memcmp(type, "pHYs", 4) == 0) {
			assert_int_equal(len, 9);
			c->have_phys = 1;
			c->ppm_x = be32(data);
			c->ppm_y = be32(data + 4);
			c->unit = data[8];
		} else if (memcmp(type, "IEND", 4) == 0) {
			seen_end = 1;
		}
		p += 12 + len;
	}
	assert_true(seen_end);
	assert_int_equal(p, png->size);
}

static void check_png(const char *text, int module_px, int dpi, uint32_t want_ppm)
{
	struct tamga__qr *qr = NULL;
	tamga_buf png = TAMGA_BUF_INIT;
	struct chunks c;
	png_image img;
	unsigned char *px;
	int side, x, y;

	assert_int_equal(tamga__qr_encode(&qr, text, TAMGA__QR_ECC_M), 0);
	assert_int_equal(tamga__buf_append(&png, "pre", 3), 0);
	if (tamga__qr_png(&png, qr, module_px, dpi) != 0)
		fail_msg("qr_png: %s", tamga_error_last()->message);
	/* Appended after what was there. */
	assert_memory_equal(png.ptr, "pre", 3);
	memmove(png.ptr, png.ptr + 3, png.size - 3);
	png.size -= 3;
	side = (qr->width + 8) * module_px;
	walk_chunks(&png, &c);
	assert_int_equal(c.width, side);
	assert_int_equal(c.height, side);
	assert_int_equal(c.depth, 1);
	assert_int_equal(c.color, 0);
	assert_int_equal(c.interlace, 0);
	assert_true(c.have_phys);
	assert_int_equal(c.unit, 1);
	assert_int_equal(c.ppm_x, want_ppm);
	assert_int_equal(c.ppm_y, want_ppm);

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&img, png.ptr, png.size));
	img.format = PNG_FORMAT_GRAY;
	px = malloc(PNG_IMAGE_SIZE(img));
	assert_non_null(px);
	assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
	assert_int_equal(img.width, side);
	for (y = 0; y < side; y++) {
		for (x = 0; x < side; x++) {
			int mx = x / module_px - 4, my = y / module_px - 4;
			int dark = mx >= 0 && my >= 0 && mx < qr->width && my < qr->width &&
			           qr->modules[(size_t)my * (size_t)qr->width + (size_t)mx];

			if (px[(size_t)y * (size_t)side + (size_t)x] != (dark ? 0 : 255))
				fail_msg("pixel %d,%d is %d, module %d,%d is %s", x, y, px[(size_t)y * (size_t)side + (size_t)x],
				         mx, my, dark ? "dark" : "light");
		}
	}
	free(px);
	tamga_buf_dispose(&png);
	tamga__qr_free(qr);
}

static void test_png(void **state)
{
	(void)state;
	/* 300 dpi = 300 / 0.0254 = 11811.02 pixels per metre. */
	check_png("https://verify.example.mn/v/7K3M9QX2HB4TZW8RS", 8, 300, 11811);
	/* 72 dpi: 2834.6; 1 pixel per module; odd widths end mid-byte. */
	check_png("a", 1, 72, 2835);
	check_png("https://verify.example.mn/v/7K3M9QX2HB4TZW8RS?x=0123456789", 3, 2400, 94488);
	check_png("b", 32, 600, 23622);
}

static void test_png_rejects(void **state)
{
	struct tamga__qr *qr = NULL;
	tamga_buf png = TAMGA_BUF_INIT;

	(void)state;
	assert_int_equal(tamga__qr_encode(&qr, "x", TAMGA__QR_ECC_M), 0);
	assert_int_equal(tamga__qr_png(&png, qr, 0, 300), TAMGA_EINVAL);
	assert_int_equal(tamga__qr_png(&png, qr, 33, 300), TAMGA_EINVAL);
	assert_int_equal(tamga__qr_png(&png, qr, 8, 71), TAMGA_EINVAL);
	assert_int_equal(tamga__qr_png(&png, qr, 8, 2401), TAMGA_EINVAL);
	assert_int_equal(tamga__qr_png(&png, NULL, 8, 300), TAMGA_EINVAL);
	assert_int_equal(tamga__qr_png(NULL, qr, 8, 300), TAMGA_EINVAL);
	assert_int_equal(png.size, 0);
	tamga_buf_dispose(&png);
	tamga__qr_free(qr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_png),
		cmocka_unit_test(test_png_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
