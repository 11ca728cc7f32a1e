/*
 * formats/qr/qr.c - QR code matrices from libqrencode (ISO/IEC 18004) and
 * their drawing as PDF vector graphics (ISO 32000-1 §8.5.2, §8.6.4).
 *
 *     <- 4 ->                      <- 4 ->
 *     +-------------------------------------+  ^
 *     |  quiet zone (white background)      |  4 modules
 *     |    +--------------------------+     |  v
 *     |    | symbol, width x width    |     |
 *     |    |  ##### ###  #   #####    |     |   one `re` per horizontal
 *     |    |  ...                     |     |   run of dark modules
 *     |    +--------------------------+     |
 *     +-------------------------------------+
 *     size = (width + 8) modules
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/pdf/content.h"
#include "formats/qr/qr.h"

int tamga__qr_encode(struct tamga__qr **out, const char *text, int min_ecc)
{
	static const QRecLevel levels[] = { QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H };
	struct tamga__qr *qr = NULL;
	QRcode *code = NULL;
	size_t len, i;
	int error = 0, ecc = min_ecc;

	*out = NULL;
	if (text == NULL || text[0] == '\0') {
		error = tamga__error_set(TAMGA_EINVAL, "QR code: no text to encode");
		goto done;
	}
	if (min_ecc < TAMGA__QR_ECC_L || min_ecc > TAMGA__QR_ECC_H) {
		error = tamga__error_set(TAMGA_EINVAL, "QR code: unknown error correction level %d", min_ecc);
		goto done;
	}
	if ((len = strnlen(text, TAMGA__QR_TEXT_MAX + 1)) > TAMGA__QR_TEXT_MAX) {
		error = tamga__error_set(TAMGA_ELIMIT, "QR code: text longer than %d bytes", TAMGA__QR_TEXT_MAX);
		goto done;
	}
	if (ecc < TAMGA__QR_ECC_M)
		ecc = TAMGA__QR_ECC_M;
	errno = 0;
	/* One 8-bit segment, version 0 = the smallest that fits. */
	if ((code = QRcode_encodeData((int)len, (const unsigned char *)text, 0, levels[ecc])) == NULL) {
		if (errno == ENOMEM)
			error = tamga__error_oom();
		else if (errno == ERANGE)
			error = tamga__error_set(TAMGA_ELIMIT, "QR code: %zu bytes do not fit in any QR version", len);
		else
			error = tamga__error_set(TAMGA_ERROR, "QR code: libqrencode failed (%s)", strerror(errno));
		goto done;
	}
	if (code->width < 21 || code->width > 177 || code->version < 1 || code->version > 40) {
		error = tamga__error_set(TAMGA_ERROR, "QR code: libqrencode made a %d-module symbol", code->width);
		goto done;
	}
	if ((qr = calloc(1, sizeof(*qr))) == NULL ||
	    (qr->modules = malloc((size_t)code->width * (size_t)code->width)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	qr->version = code->version;
	qr->ecc = ecc;
	qr->width = code->width;
	/* libqrencode: bit 0 of each byte is the module's colour (1 = dark). */
	for (i = 0; i < (size_t)code->width * (size_t)code->width; i++)
		qr->modules[i] = code->data[i] & 1;
	*out = qr;
	qr = NULL;
done:
	QRcode_free(code);
	tamga__qr_free(qr);
	return error;
}

void tamga__qr_free(struct tamga__qr *qr)
{
	if (qr == NULL)
		return;
	free(qr->modules);
	free(qr);
}

int tamga__qr_module(const struct tamga__qr *qr, int x, int y)
{
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return 0;
	return qr->modules[(size_t)y * (size_t)qr->width + (size_t)x];
}

int tamga__qr_pdf_ops(tamga_buf *out, const struct tamga__qr *qr, double x, double y, double size)
{
	double m;
	int error = 0, row, col;

	if (!isfinite(x) || !isfinite(y) || !isfinite(size) || size <= 0) {
		error = tamga__error_set(TAMGA_EINVAL, "QR code: bad position or size");
		goto done;
	}
	m = size / (qr->width + 2 * TAMGA__QR_QUIET);
	/* White square, quiet zone included. */
	if ((error = tamga__buf_puts(out, "q 1 g ")) < 0 || (error = tamga__pdf_put_num(out, x, 4)) < 0 ||
	    (error = tamga__buf_puts(out, " ")) < 0 || (error = tamga__pdf_put_num(out, y, 4)) < 0 ||
	    (error = tamga__buf_puts(out, " ")) < 0 || (error = tamga__pdf_put_num(out, size, 4)) < 0 ||
	    (error = tamga__buf_puts(out, " ")) < 0 || (error = tamga__pdf_put_num(out, size, 4)) < 0 ||
	    (error = tamga__buf_puts(out, " re f\n")) < 0)
		goto done;
	/* Module grid: one unit per module, rows counting down from the top. */
	if ((error = tamga__pdf_put_num(out, m, 6)) < 0 || (error = tamga__buf_puts(out, " 0 0 ")) < 0 ||
	    (error = tamga__pdf_put_num(out, -m, 6)) < 0 || (error = tamga__buf_puts(out, " ")) < 0 ||
	    (error = tamga__pdf_put_num(out, x, 4)) < 0 || (error = tamga__buf_puts(out, " ")) < 0 ||
	    (error = tamga__pdf_put_num(out, y + size, 4)) < 0 || (error = tamga__buf_puts(out, " cm 0 g\n")) < 0)
		goto done;
	for (row = 0; row < qr->width; row++) {
		for (col = 0; col < qr->width;) {
			int start;

			if (!tamga__qr_module(qr, col, row)) {
				col++;
				continue;
			}
			for (start = col; col < qr->width && tamga__qr_module(qr, col, row); col++)
				;
			if ((error = tamga__buf_printf(out, "%d %d %d 1 re\n", start + TAMGA__QR_QUIET,
			                               row + TAMGA__QR_QUIET, col - start)) < 0)
				goto done;
		}
	}
	error = tamga__buf_puts(out, "f Q\n");
done:
	return error;
}
