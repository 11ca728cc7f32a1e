/*
 * formats/registry.c - the list of document format handlers.
 */
#include <stddef.h>

#include "common/error.h"
#include "formats/format.h"

static const struct tamga_format *const formats[] = {
	&tamga__format_pdf,
	&tamga__format_odf,   /* before OOXML: both are ZIP packages; ODF's mimetype entry decides */
	&tamga__format_ooxml,
};

const struct tamga_format *tamga__format_find(const unsigned char *data, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i]->probe(data, len))
			return formats[i];
	tamga__error_set(TAMGA_EUNSUPPORTED, "unknown document format: tamga reads PDF, OOXML (DOCX, XLSX, PPTX) and ODF (ODT, ODS) documents");
	return NULL;
}
