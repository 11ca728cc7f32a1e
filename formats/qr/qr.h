/*
 * formats/qr/qr.h - QR code matrices (ISO/IEC 18004) and their drawing as
 * PDF vector graphics (internal to libtamga).
 *
 * The matrix comes from libqrencode in 8-bit (byte) mode with the version
 * chosen automatically.  Drawing puts the 4-module quiet zone the standard
 * asks for (§7.3.7) inside the square it is given, on a white background,
 * so the code scans whatever the page under it looks like.
 */
#ifndef TAMGA_FORMATS_QR_QR_H
#define TAMGA_FORMATS_QR_QR_H

#include <tamga/common.h>

/* Error correction levels (ISO/IEC 18004 §7.5.1): recoverable share of
 * codewords about 7 %, 15 %, 25 %, 30 %. */
enum {
	TAMGA__QR_ECC_L = 0,
	TAMGA__QR_ECC_M = 1,
	TAMGA__QR_ECC_Q = 2,
	TAMGA__QR_ECC_H = 3
};

/* Longest text encoded: a verification URL is under 100 bytes; the limit
 * keeps a hostile caller from asking for a version 40 symbol. */
#define TAMGA__QR_TEXT_MAX 1000

/* Modules of quiet zone on each side, drawn by tamga__qr_pdf_ops. */
#define TAMGA__QR_QUIET 4

struct tamga__qr {
	int version;               /* 1..40 */
	int ecc;                   /* TAMGA__QR_ECC_* actually used */
	int width;                 /* modules per side, 17 + 4 * version, no quiet zone */
	unsigned char *modules;    /* width * width, row-major from the top left; 1 = dark */
};

/*
 * Encode text (NUL-terminated, 1..TAMGA__QR_TEXT_MAX bytes, all in one
 * 8-bit segment) with the smallest version that holds it at error
 * correction level min_ecc, which is raised to M when lower: a printed
 * stamp gets folded, stamped on and photocopied.  *out belongs to the
 * caller (tamga__qr_free).  Errors: TAMGA_EINVAL (NULL or empty text, bad
 * level), TAMGA_ELIMIT (text too long), TAMGA_ENOMEM.
 */
int tamga__qr_encode(struct tamga__qr **out, const char *text, int min_ecc);
void tamga__qr_free(struct tamga__qr *qr);

/* 1 when the module at column x, row y (0-based, from the top left) is
 * dark; 0 when light or outside the symbol. */
int tamga__qr_module(const struct tamga__qr *qr, int x, int y);

/*
 * Append PDF content-stream operators (ISO 32000-1 §8.5) drawing qr as a
 * size x size square whose lower left corner is (x, y) in the current user
 * space.  The square holds the symbol and its quiet zone (width + 8
 * modules across) on a white background (DeviceGray 1); dark modules are
 * black (DeviceGray 0), one `re` per horizontal run of dark modules, all
 * filled by one `f`, so the runs form a single path with no seams between
 * them when rasterised.  The operators are wrapped in q ... Q and draw in a
 * module grid (cm), so every `re` has integer operands:
 *
 *     q 1 g x y size size re f
 *     m 0 0 -m x y+size cm 0 g  col row run 1 re ...  f Q
 *
 * (col, row) count from the top left of the quiet zone, so the first dark
 * module of the symbol is at 4 4.  Errors: TAMGA_EINVAL (size not positive
 * or coordinates not finite), TAMGA_ENOMEM.
 */
int tamga__qr_pdf_ops(tamga_buf *out, const struct tamga__qr *qr, double x, double y, double size);

/*
 * Append a PNG (libpng; 1-bit grayscale, no interlace) of qr with its
 * quiet zone: (width + 8) * module_px pixels across, module_px (1..32)
 * pixels per module, and a pHYs chunk saying dpi (72..2400) so office
 * suites lay it out at (width + 8) * module_px / dpi inches.  For print,
 * module_px 8 at 300 dpi gives 0.68 mm modules.  Errors: TAMGA_EINVAL,
 * TAMGA_ENOMEM, TAMGA_ERROR (libpng failed).
 */
int tamga__qr_png(tamga_buf *out, const struct tamga__qr *qr, int module_px, int dpi);

#endif
