/*
 * formats/pdf/stamp.h - the visible stamp of a signed PDF: a QR code with
 * a caption beside it, as a form XObject (internal to libtamga).
 *
 *     +--------------------------------------------------------------+
 *     | +----------+  Цахим гарын үсгээр баталгаажсан / Digitally     |
 *     | |  QR      |  Улсын бүртгэлийн ерөнхий газар                  |
 *     | |  code    |  Огноо / Date: 2026-11-23                        |
 *     | |          |  Код / Code: 7K3M-9QX2-HB4T-ZW8R-5               |
 *     | +----------+  Шалгах / Verify: verify.example.mn              |
 *     +--------------------------------------------------------------+
 *       margin = 6 % of the height on every side; the QR square is
 *       height - 2 margins, quiet zone included; text to its right.
 */
#ifndef TAMGA_FORMATS_PDF_STAMP_H
#define TAMGA_FORMATS_PDF_STAMP_H

#include <stddef.h>
#include <stdint.h>

#include "formats/pdf/pdf.h"

#define TAMGA__STAMP_PT_PER_MM (72.0 / 25.4)
/* Default box: 90 mm x 30 mm.  The QR square is then 26.4 mm with its
 * quiet zone; a verification URL of 43 to 62 bytes is a version 4 symbol
 * (33 modules + 8 of quiet zone), so the printed symbol is 21.2 mm across
 * with 0.64 mm modules: well inside what phone cameras read from paper. */
#define TAMGA__STAMP_DEFAULT_WIDTH (90.0 * TAMGA__STAMP_PT_PER_MM)
#define TAMGA__STAMP_DEFAULT_HEIGHT (30.0 * TAMGA__STAMP_PT_PER_MM)
/* Caption font sizes, points: the largest tried, the smallest allowed. */
#define TAMGA__STAMP_FONT_MAX 10.0
#define TAMGA__STAMP_FONT_MIN 5.0
/* Lines of caption accepted. */
#define TAMGA__STAMP_LINES_MAX 16
/* Smallest QR module drawn: 0.3 mm, what phone cameras still resolve on
 * paper printed at 300 dpi. */
#define TAMGA__STAMP_MODULE_MIN (0.3 * TAMGA__STAMP_PT_PER_MM)

struct tamga__stamp {
	double width, height;     /* box in points (default: the macros above) */
	const char *qr_text;      /* what the QR code holds: the verification URL */
	const char *const *lines; /* caption, UTF-8; the first is set 15 % larger */
	size_t line_count;
	const char *font_path;    /* NULL: DejaVu Sans */
	int rotate;               /* the page's /Rotate: 0, 90, 180 or 270 */
};

/*
 * Build the stamp as a form XObject through sink (the form, its Type0
 * font and the font's objects) and set *xobject_num to the form's object
 * number.  The form's /BBox is [0 0 width height]; for a rotated page its
 * /Matrix turns the appearance against the page's rotation so that it
 * reads upright on screen, which makes its footprint in the page's user
 * space height x width for /Rotate 90 and 270 (the form's origin stays the
 * lower left corner of that footprint).
 *
 * Caption fitting: every line is set at one body size (the first line
 * 1.15 times it), left-aligned, the block centred vertically, rows
 * max(1.2, ascender - descender) ems apart.  Three ways of placing the
 * lines are tried, tightest first: (1) each line whole, (2) lines too long
 * broken once after " / ", between the Mongolian and the English part,
 * (3) lines too long wrapped at spaces (after " / " first).  For each, the
 * largest body size from TAMGA__STAMP_FONT_MAX down to
 * TAMGA__STAMP_FONT_MIN in 0.25 pt steps at which the caption fits is
 * found; a looser way is used only when it allows a size more than 15 %
 * larger than the tighter one chosen so far.
 *
 * Errors: TAMGA_EINVAL (bad box, rotation or lines; a box too small for a
 * QR code with modules of at least 0.3 mm; a caption that does not fit
 * even at 5 pt: the message says which), TAMGA_ELIMIT (QR text over 1000
 * bytes), TAMGA_EUNSUPPORTED (a character the font lacks), and the font's
 * and sink's errors.
 */
int tamga__pdf_stamp_build(struct pdf_sink *sink, const struct tamga__stamp *s, uint32_t *xobject_num);

#endif
