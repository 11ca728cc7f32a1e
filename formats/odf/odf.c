/*
 * formats/odf/odf.c - OpenDocument packages (ODF 1.2 Part 3): ODT, ODS.
 * Placeholder: the handler is being written; until then it claims no
 * document.
 */
#include <stddef.h>

#include "formats/format.h"

static int odf_probe(const unsigned char *data, size_t len)
{
	(void)data;
	(void)len;
	return 0;
}

const struct tamga_format tamga__format_odf = {
	"odf", "application/vnd.oasis.opendocument", odf_probe, NULL, NULL,
};
