/*
 * formats/qr/png.c - QR codes as PNG images (ISO/IEC 15948) for office
 * documents, which place pictures, not vector operators.
 *
 *     IHDR  width = height = (modules + 2 * 4) * module_px, 1-bit grey, no interlace
 *     pHYs  dpi as pixels per metre (unit 1): the printed size
 *     IDAT  rows; in 1-bit greyscale 0 is black, so dark modules are 0 bits
 *     IEND
 *
 * libpng reports errors by longjmp; its handlers here record the message
 * instead of printing it (library code never prints).
 */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/qr/qr.h"

struct png_sink {
	tamga_buf *out;
	int oom;
	char message[160];
};

static void on_error(png_structp png, png_const_charp msg)
{
	struct png_sink *sink = png_get_error_ptr(png);

	if (sink != NULL && msg != NULL && sink->message[0] == '\0')
		snprintf(sink->message, sizeof(sink->message), "%s", msg);
	png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

static void on_write(png_structp png, png_bytep data, size_t len)
{
	struct png_sink *sink = png_get_io_ptr(png);

	if (tamga__buf_append(sink->out, data, len) < 0) {
		sink->oom = 1;
		png_error(png, "out of memory");
	}
}

static void on_flush(png_structp png)
{
	(void)png;
}

/* The libpng calls, apart so that no local of the caller lives across the
 * setjmp.  Returns 0, or -1 when libpng gave up (sink says why). */
static int encode(png_structp png, png_infop info, const struct tamga__qr *qr, int module_px, int dpi,
                  unsigned char *row, size_t row_bytes)
{
	png_uint_32 side = (png_uint_32)((qr->width + 2 * TAMGA__QR_QUIET) * module_px), y, x;
	/* 1 inch = 0.0254 m. */
	png_uint_32 ppm = (png_uint_32)lround(dpi / 0.0254);

	if (setjmp(png_jmpbuf(png)))
		return -1;
	png_set_IHDR(png, info, side, side, 1, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
	             PNG_FILTER_TYPE_DEFAULT);
	png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
	png_set_compression_level(png, 9);
	png_write_info(png, info);
	for (y = 0; y < side; y++) {
		int my = (int)(y / (png_uint_32)module_px) - TAMGA__QR_QUIET;

		memset(row, 0xff, row_bytes);
		for (x = 0; x < side; x++)
			if (tamga__qr_module(qr, (int)(x / (png_uint_32)module_px) - TAMGA__QR_QUIET, my))
				row[x >> 3] &= (unsigned char)~(0x80u >> (x & 7));
		png_write_row(png, row);
	}
	png_write_end(png, info);
	return 0;
}

int tamga__qr_png(tamga_buf *out, const struct tamga__qr *qr, int module_px, int dpi)
{
	struct png_sink sink;
	png_structp png = NULL;
	png_infop info = NULL;
	unsigned char *row = NULL;
	size_t base = out ? out->size : 0, row_bytes;
	int error = 0;

	memset(&sink, 0, sizeof(sink));
	if (out == NULL || qr == NULL || qr->width < 21 || qr->width > 177 || qr->modules == NULL) {
		error = tamga__error_set(TAMGA_EINVAL, "QR PNG: no QR code");
		goto done;
	}
	if (module_px < 1 || module_px > 32 || dpi < 72 || dpi > 2400) {
		error = tamga__error_set(TAMGA_EINVAL, "QR PNG: %d pixels per module at %d dpi (1..32, 72..2400)",
		                         module_px, dpi);
		goto done;
	}
	row_bytes = ((size_t)(qr->width + 2 * TAMGA__QR_QUIET) * (size_t)module_px + 7) / 8;
	if ((row = malloc(row_bytes)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	sink.out = out;
	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
	if (png == NULL || (info = png_create_info_struct(png)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	png_set_write_fn(png, &sink, on_write, on_flush);
	if (encode(png, info, qr, module_px, dpi, row, row_bytes) < 0)
		error = sink.oom ? tamga__error_oom()
		                 : tamga__error_set(TAMGA_ERROR, "QR PNG: libpng failed: %s",
		                                    sink.message[0] ? sink.message : "unknown error");
done:
	if (png != NULL)
		png_destroy_write_struct(&png, info != NULL ? &info : NULL);
	free(row);
	if (error < 0 && out != NULL && out->ptr != NULL) {
		out->size = base;
		out->ptr[base] = '\0';
	}
	return error;
}
