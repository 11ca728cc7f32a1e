/*
 * formats/describe.c - tamga_document_type_of(): the media type and file
 * name extension of a document, for services that label what they return.
 *
 * Only labels come from here, never a verdict: the kind is read from the
 * package's own declarations (ODF: the "mimetype" entry; OOXML: the
 * content type of the main part in [Content_Types].xml), looked up in a
 * fixed table, and anything else is "application/octet-stream".
 */
#include <stdio.h>
#include <string.h>

#include <tamga/format.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/format.h"
#include "formats/zip/zip.h"

struct kind {
	const char *declared;   /* ODF mimetype, or the OOXML main part's content type */
	const char *media_type; /* of the package */
	const char *extension;
};

static const struct kind odf_kinds[] = {
	{ "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text", "odt" },
	{ "application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.spreadsheet", "ods" },
	{ "application/vnd.oasis.opendocument.presentation", "application/vnd.oasis.opendocument.presentation",
	  "odp" },
	{ "application/vnd.oasis.opendocument.graphics", "application/vnd.oasis.opendocument.graphics", "odg" },
};

#define OXML "application/vnd.openxmlformats-officedocument."
static const struct kind ooxml_kinds[] = {
	{ OXML "wordprocessingml.document.main+xml", OXML "wordprocessingml.document", "docx" },
	{ "application/vnd.ms-word.document.macroEnabled.main+xml", "application/vnd.ms-word.document.macroEnabled.12",
	  "docm" },
	{ OXML "spreadsheetml.sheet.main+xml", OXML "spreadsheetml.sheet", "xlsx" },
	{ "application/vnd.ms-excel.sheet.macroEnabled.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.12",
	  "xlsm" },
	{ OXML "presentationml.presentation.main+xml", OXML "presentationml.presentation", "pptx" },
	{ "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
	  "application/vnd.ms-powerpoint.presentation.macroEnabled.12", "pptm" },
};

static void unknown(tamga_document_type *out, const char *format)
{
	out->format = format;
	out->media_type = "application/octet-stream";
	out->extension = "bin";
}

/* ODF: the mimetype entry's contents, compared whole. */
static void odf_kind(tamga_document_type *out, const struct tamga__zip *zip)
{
	tamga_buf b = { 0 };
	size_t i;

	unknown(out, "odf");
	if (tamga__zip_read_name(zip, "mimetype", &b) == 0)
		for (i = 0; i < sizeof(odf_kinds) / sizeof(odf_kinds[0]); i++)
			if (b.size == strlen(odf_kinds[i].declared) && memcmp(b.ptr, odf_kinds[i].declared, b.size) == 0) {
				out->media_type = odf_kinds[i].media_type;
				out->extension = odf_kinds[i].extension;
			}
	tamga_buf_dispose(&b);
}

/* OOXML: a ContentType="..." attribute naming a main part.  A label, not
 * a parse: the handler's verification never relies on it. */
static void ooxml_kind(tamga_document_type *out, const struct tamga__zip *zip)
{
	tamga_buf b = { 0 };
	char quoted[160];
	size_t i;

	unknown(out, "ooxml");
	if (tamga__zip_read_name(zip, "[Content_Types].xml", &b) == 0 && b.ptr != NULL)
		for (i = 0; i < sizeof(ooxml_kinds) / sizeof(ooxml_kinds[0]); i++) {
			snprintf(quoted, sizeof(quoted), "\"%s\"", ooxml_kinds[i].declared);
			if (strstr((const char *)b.ptr, quoted) != NULL) {
				out->media_type = ooxml_kinds[i].media_type;
				out->extension = ooxml_kinds[i].extension;
				break;
			}
		}
	tamga_buf_dispose(&b);
}

int tamga_document_type_of(tamga_document_type *out, const void *data, size_t len)
{
	const struct tamga_format *fmt;
	struct tamga__zip *zip = NULL;

	if (out == NULL || data == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_document_type_of: NULL argument");
	if ((fmt = tamga__format_find(data, len)) == NULL)
		return tamga_error_last()->code;
	if (strcmp(fmt->name, "pdf") == 0) {
		out->format = "pdf";
		out->media_type = "application/pdf";
		out->extension = "pdf";
		return 0;
	}
	if (tamga__zip_open(&zip, data, len) < 0) {
		tamga_error_clear();
		unknown(out, fmt->name);
		return 0;
	}
	if (strcmp(fmt->name, "odf") == 0)
		odf_kind(out, zip);
	else
		ooxml_kind(out, zip);
	tamga__zip_close(zip);
	return 0;
}
