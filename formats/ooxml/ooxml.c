/*
 * formats/ooxml/ooxml.c - OOXML packages (ECMA-376 Part 2, OPC): DOCX,
 * XLSX, PPTX.  Placeholder: the handler is being written; until then it
 * claims no document.
 */
#include <stddef.h>

#include "formats/format.h"

static int ooxml_probe(const unsigned char *data, size_t len)
{
	(void)data;
	(void)len;
	return 0;
}

const struct tamga_format tamga__format_ooxml = {
	"ooxml", "application/vnd.openxmlformats-officedocument", ooxml_probe, NULL, NULL,
};
