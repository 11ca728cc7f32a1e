/*
 * formats/ooxml/ooxml.h - pieces of the OOXML handler shared between its
 * files (internal).  ECMA-376 Part 2 (Open Packaging Conventions).
 *
 *   ooxml.c      the handler: probe, sign (stamp, then the package
 *                signature), verify
 *   stamp.c      the QR code and caption on the first page / sheet / slide
 */
#ifndef TAMGA_FORMATS_OOXML_OOXML_H
#define TAMGA_FORMATS_OOXML_OOXML_H

#include <stddef.h>

#include <tamga/common.h>

#include "formats/zip/zip.h"

/* The kinds of OOXML document tamga stamps, from the main part's content type. */
typedef enum {
	TAMGA__OOXML_OTHER = 0,
	TAMGA__OOXML_DOCX = 1, /* application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml
	                          (also macro-enabled / template variants) */
	TAMGA__OOXML_XLSX = 2, /* ...spreadsheetml.sheet.main+xml */
	TAMGA__OOXML_PPTX = 3  /* ...presentationml.presentation.main+xml */
} tamga__ooxml_kind;

struct tamga__ooxml_stamp_args {
	const char *url;                /* QR payload */
	const char *code;               /* document code, printed under the QR */
	const char *const *lines;       /* caption lines: Mongolian first, then English */
	size_t line_count;
	tamga_time now;                 /* modification time of new entries */
	int last_page;                  /* DOCX: 1 = the last page asked for (falls back to the
	                                   first: pages exist only once the document is laid out) */
};

/*
 * Put the QR code (a PNG from formats/qr) and the caption into the
 * package zip on the first page (DOCX), first sheet (XLSX) or first slide
 * (PPTX), and append the whole stamped package to out.  Every part the
 * stamp does not touch is copied byte for byte; [Content_Types].xml and the
 * .rels parts are updated for the new parts.  The document must still
 * open and render in LibreOffice.  Errors: TAMGA_EUNSUPPORTED (another
 * kind of package, or a main part tamga cannot place a stamp in: the
 * message says why), TAMGA_EFORMAT (malformed parts), TAMGA_ENOMEM.
 */
int tamga__ooxml_stamp(tamga_buf *out, const struct tamga__zip *zip, const struct tamga__ooxml_stamp_args *a);

#endif
