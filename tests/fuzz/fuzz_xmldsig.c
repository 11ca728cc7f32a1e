/*
 * tests/fuzz/fuzz_xmldsig.c - XML signatures (formats/xmldsig): the
 * hardened parser, then tamga__xmldsig_verify of every ds:Signature found
 * (structure, URIs, transforms, KeyInfo, xmlsec digests and signature
 * value, the RelationshipTransform, XAdES, time-stamps) against the
 * package parts carried in the input:
 *
 *   repeated:  2 bytes n (big-endian, 0 ends the list), n bytes part name,
 *              4 bytes m (big-endian), m bytes part data
 *   the rest   the signature document (documentsignatures.xml, sigN.xml)
 *
 * Seeds (tests/fuzz/corpus/xmldsig/): LibreOffice 7.4 ODT/DOCX signatures
 * and tamga's own, with their parts.
 */
#include <stdint.h>
#include <string.h>

#include <tamga/common.h>

#include "formats/xmldsig/xmldsig.h"

#define MAX_PARTS 64

struct fz_part {
	char name[256];
	const uint8_t *data;
	size_t len;
};

struct fz_pkg {
	struct fz_part parts[MAX_PARTS];
	size_t n;
};

static int fz_read(void *payload, const char *path, const unsigned char **data, size_t *len)
{
	struct fz_pkg *p = payload;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->parts[i].name, path) == 0) {
			*data = p->parts[i].data;
			*len = p->parts[i].len;
			return 0;
		}
	return TAMGA_ENOTFOUND;
}

static void fz_verify_all(xmlNodePtr n, const struct tamga__xml_package *pkg, int depth)
{
	for (; n != NULL && depth < 3; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (n->ns != NULL && strcmp((const char *)n->name, "Signature") == 0 &&
		    strcmp((const char *)n->ns->href, TAMGA__NS_DSIG) == 0) {
			struct tamga__xml_sig s;

			tamga__xmldsig_verify(&s, n, pkg);
			tamga__xml_sig_free(&s);
			continue;
		}
		fz_verify_all(n->children, pkg, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fz_pkg p;
	struct tamga__xml_package pkg = { fz_read, &p };
	xmlDocPtr doc = NULL;
	size_t pos = 0;

	p.n = 0;
	for (;;) {
		size_t n, m;

		if (size - pos < 2)
			return 0;
		n = (size_t)data[pos] << 8 | data[pos + 1];
		pos += 2;
		if (n == 0)
			break;
		if (n >= sizeof(p.parts[0].name) || size - pos < n + 4 || p.n == MAX_PARTS)
			return 0;
		memcpy(p.parts[p.n].name, data + pos, n);
		p.parts[p.n].name[n] = '\0';
		pos += n;
		m = (size_t)data[pos] << 24 | (size_t)data[pos + 1] << 16 | (size_t)data[pos + 2] << 8 | data[pos + 3];
		pos += 4;
		if (size - pos < m)
			return 0;
		p.parts[p.n].data = data + pos;
		p.parts[p.n].len = m;
		p.n++;
		pos += m;
	}
	if (tamga__xml_parse(&doc, data + pos, size - pos, "fuzz") == 0)
		fz_verify_all(doc->children, &pkg, 0);
	xmlFreeDoc(doc);
	return 0;
}
