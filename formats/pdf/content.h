/*
 * formats/pdf/content.h - helpers for the content streams and streams that
 * tamga writes itself: numbers in content-stream syntax, Flate-compressed
 * stream objects (internal to libtamga).
 */
#ifndef TAMGA_FORMATS_PDF_CONTENT_H
#define TAMGA_FORMATS_PDF_CONTENT_H

#include <tamga/common.h>

#include "formats/pdf/pdf.h"

/*
 * Append v in PDF number syntax (§7.3.3: no exponent), with up to
 * `decimals` (0..6) decimals, trailing zeros and a trailing point dropped,
 * "-0" written as "0".  Errors: TAMGA_EINVAL when v is not finite or its
 * magnitude is above 1e9 (nothing tamga draws is that large), TAMGA_ENOMEM.
 */
int tamga__pdf_put_num(tamga_buf *out, double v, int decimals);

/*
 * A stream object of data compressed with zlib (FlateDecode, §7.4.4); dict
 * gets /Filter /FlateDecode and /Length.  *out lives in arena a.  Errors:
 * TAMGA_ENOMEM, TAMGA_ELIMIT (data over 256 MiB).
 */
int tamga__pdf_flate_stream(pdf_arena *a, pdf_obj *dict, const void *data, size_t len, pdf_obj **out);

#endif
