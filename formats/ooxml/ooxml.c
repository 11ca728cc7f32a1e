/*
 * formats/ooxml/ooxml.c - the OOXML format handler (DOCX, XLSX, PPTX):
 * ECMA-376 Part 2 (Open Packaging Conventions) packages with §13 package
 * signatures.
 *
 *     opc.c      part names, [Content_Types].xml, relationships, finding
 *                the signatures (origin -> signature parts)
 *     stamp.c    the QR code and caption (another file's concern)
 *     sign.c     stamp, then one more package signature (XAdES B-B, B-T)
 *     verify.c   every signature checked (formats/xmldsig) and every part
 *                and relationship it leaves out reported
 *
 *     [local header "[Content_Types].xml" ...][...][central directory][EOCD]
 *      ^ "PK\3\4": any ZIP that is not ODF is tried as OOXML, so a ZIP
 *        without [Content_Types].xml is told "not an OOXML package"
 */
#include <stddef.h>
#include <string.h>

#include "formats/format.h"
#include "formats/ooxml/opc.h"

#define ODF_MIMETYPE "application/vnd.oasis.opendocument"

static int ooxml_probe(const unsigned char *data, size_t len)
{
	size_t name_len, extra_len;

	if (len < 30 || memcmp(data, "PK\3\4", 4) != 0)
		return 0;
	/* ODF starts with a stored "mimetype" entry (the ODF handler is asked
	 * first; this keeps the two apart on their own too). */
	name_len = (size_t)data[26] | (size_t)data[27] << 8;
	extra_len = (size_t)data[28] | (size_t)data[29] << 8;
	if (name_len == 8 && len >= 30 + 8 && memcmp(data + 30, "mimetype", 8) == 0 &&
	    len >= 30 + name_len + extra_len + strlen(ODF_MIMETYPE) &&
	    memcmp(data + 30 + name_len + extra_len, ODF_MIMETYPE, strlen(ODF_MIMETYPE)) == 0)
		return 0;
	return 1;
}

const struct tamga_format tamga__format_ooxml = {
	"ooxml", "application/vnd.openxmlformats-officedocument", ooxml_probe, tamga__ooxml_sign, tamga__ooxml_verify,
};
