/*
 * formats/xmldsig/code.c - the tamga document code named in a signature's
 * signed content.
 *
 * tamga writes "Tamga <code>" where office suites show a signature's
 * purpose: OOXML's SignatureInfoV1/SignatureComments (in the Office object)
 * and ODF's dc:description (in a SignatureProperty, as LibreOffice writes a
 * description).  Only text inside an element that a SignedInfo Reference
 * covers counts: a comment added beside the signature, or in an Object
 * nothing references, names no code.
 */
#include <string.h>

#include <libxml/tree.h>
#include <libxml/valid.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/xmldsig/xmldsig.h"

#define NS_DIGSIG "http://schemas.microsoft.com/office/2006/digsig"
#define NS_DC "http://purl.org/dc/elements/1.1/"

static int is(const xmlNode *n, const char *ns, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL && strcmp((const char *)n->ns->href, ns) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

/* The first SignatureComments or dc:description under n (depth first). */
static const xmlNode *find_text_holder(const xmlNode *n, int depth)
{
	const xmlNode *c, *hit;

	if (depth > 16)
		return NULL;
	if (is(n, NS_DIGSIG, "SignatureComments") || is(n, NS_DC, "description"))
		return n;
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && (hit = find_text_holder(c, depth + 1)) != NULL)
			return hit;
	return NULL;
}

/* n is sig or inside it. */
static int within(const xmlNode *n, const xmlNode *sig)
{
	for (; n != NULL; n = n->parent)
		if (n == sig)
			return 1;
	return 0;
}

int tamga__xmldsig_signed_code(char **out, xmlNodePtr sig, const struct tamga__xml_sig *res)
{
	size_t i;

	*out = NULL;
	if (sig == NULL || res == NULL || res->result.status != TAMGA__CMS_OK)
		return 0;
	for (i = 0; i < res->ref_count; i++) {
		const struct tamga__xml_ref_result *r = &res->refs[i];
		const xmlNode *target, *holder;
		xmlAttrPtr id;
		xmlChar *text;
		const char *t;

		if (r->in_manifest || !r->ok || r->path != NULL || r->uri == NULL || r->uri[0] != '#')
			continue;
		if ((id = xmlGetID(sig->doc, (const xmlChar *)r->uri + 1)) == NULL || (target = id->parent) == NULL ||
		    !within(target, sig) || (holder = find_text_holder(target, 0)) == NULL)
			continue;
		if ((text = xmlNodeGetContent(holder)) == NULL)
			continue;
		t = (const char *)text;
		while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r')
			t++;
		if (strncmp(t, "Tamga ", 6) == 0) {
			size_t n = strcspn(t + 6, " \t\r\n");

			if (n > 0 && n < 64 && (*out = strndup(t + 6, n)) == NULL) {
				xmlFree(text);
				return tamga__error_oom();
			}
		}
		xmlFree(text);
		if (*out != NULL)
			return 0;
	}
	return 0;
}
