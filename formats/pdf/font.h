/*
 * formats/pdf/font.h - text in an embedded subset of a TrueType font
 * (internal to libtamga).  ISO 32000-1 §9.7 (composite fonts), §9.8 (font
 * descriptors), §9.9 (embedded font programs), §9.10.3 (ToUnicode).
 *
 * Use: open a font, show every piece of text (each call shapes the text
 * with HarfBuzz and records the glyphs it uses), then emit the font once;
 * the one subset then serves all of the text.  Measuring never records.
 *
 *     tamga__pdf_font_open(&f, NULL);
 *     tamga__pdf_font_measure(f, line, 9, &w);        layout
 *     tamga__pdf_font_show(f, &ops, "F1", line, x, y, 9);
 *     tamga__pdf_font_emit(f, sink, &num);            /F1 num 0 R
 *     tamga__pdf_font_free(f);
 */
#ifndef TAMGA_FORMATS_PDF_FONT_H
#define TAMGA_FORMATS_PDF_FONT_H

#include <stdint.h>

#include <tamga/common.h>

#include "formats/pdf/pdf.h"

/* DejaVu Sans (Debian fonts-dejavu-core): Latin, Cyrillic incl. Ө and Ү. */
#define TAMGA__PDF_FONT_DEFAULT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
/* Largest font file read. */
#define TAMGA__PDF_FONT_FILE_MAX ((size_t)32 << 20)
/* Longest text shaped at once, in bytes. */
#define TAMGA__PDF_TEXT_MAX 4096

struct tamga__pdf_font;

/*
 * Read a TrueType font (glyf outlines; the first face of a collection) from
 * path, NULL for TAMGA__PDF_FONT_DEFAULT.  *out belongs to the caller.
 * The parsed file is cached per process (at most 8 paths, reparsed when
 * the file at path changes) and shared, read only, between threads; what
 * *out records is its own.
 * Errors: TAMGA_EIO (names the path), TAMGA_ELIMIT (file over 32 MiB),
 * TAMGA_EFORMAT (not a font), TAMGA_EUNSUPPORTED (no TrueType outlines,
 * e.g. a CFF-flavoured OpenType font), TAMGA_ENOMEM.
 */
int tamga__pdf_font_open(struct tamga__pdf_font **out, const char *path);
void tamga__pdf_font_free(struct tamga__pdf_font *font);

/* Ascender and descender (negative) of the font, in ems (hhea). */
double tamga__pdf_font_ascent(const struct tamga__pdf_font *font);
double tamga__pdf_font_descent(const struct tamga__pdf_font *font);

/*
 * Width in points of utf8 shaped at size points (kerning applied).
 * Errors, here and in show: TAMGA_EINVAL (text not UTF-8, holds a control
 * character, or over TAMGA__PDF_TEXT_MAX bytes), TAMGA_EUNSUPPORTED (the
 * font has no glyph for a character; the message names it), TAMGA_ENOMEM.
 */
int tamga__pdf_font_measure(struct tamga__pdf_font *font, const char *utf8, double size, double *out);

/*
 * Append "BT /<resource> <size> Tf <x> <y> Td [...] TJ ET" drawing utf8
 * with its baseline starting at (x, y), glyphs placed where HarfBuzz put
 * them (kerning and mark offsets as TJ adjustments and text rise).  The
 * glyphs are recorded for the subset, and each is mapped to the text of
 * its cluster for ToUnicode.  After tamga__pdf_font_emit, text needing a
 * glyph the subset lacks is TAMGA_ESTATE.
 */
int tamga__pdf_font_show(struct tamga__pdf_font *font, tamga_buf *ops, const char *resource, const char *utf8,
                         double x, double y, double size);

/*
 * Write the font as objects through sink: a Type0 font (/Identity-H), its
 * CIDFontType2 descendant (CID = glyph id, /CIDToGIDMap /Identity, /W for
 * every recorded glyph), the font descriptor with the subset font program
 * (/FontFile2, glyph ids kept, FlateDecode) and the /ToUnicode CMap.
 * *font_num is the Type0 font's object number.  Once only: a second call
 * is TAMGA_ESTATE.
 */
int tamga__pdf_font_emit(struct tamga__pdf_font *font, struct pdf_sink *sink, uint32_t *font_num);

#endif
