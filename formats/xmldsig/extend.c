/*
 * formats/xmldsig/extend.c - XAdES extension of the signatures in one
 * signature part of a package (ETSI EN 319 132-1 §5.3, §5.5): OOXML's
 * _xmlsignatures/sigN.xml (root ds:Signature, ECMA-376 Part 2 §13.2.4)
 * or ODF's META-INF/documentsignatures.xml (root document-signatures, a
 * ds:Signature per signer, ODF 1.2 Part 3 §4).
 *
 *     parse -> every ds:Signature: integrity (tamga__xmldsig_verify), its
 *              signature time-stamps too   -> any broken: TAMGA_ESTATE
 *           -> every ds:Signature: tamga__xmldsig_extend (sign.c)
 *           -> serialise, when something was added
 *
 * No signature covers its own part, so adding unsigned properties leaves
 * every SignatureValue and digest as it was; nothing else of the package
 * changes (the package handlers put back only this part).
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/xmldsig/extend.h"
#include "formats/xmldsig/internal.h"

/* The root element of ODF's documentsignatures.xml (ODF 1.2 Part 3 §4.3). */
#define NS_ODF_DSIG "urn:oasis:names:tc:opendocument:xmlns:digitalsignature:1.0"

#define MAX_SIGS 256

/* A ds:Signature anywhere below n (signature wrapping when not at the top). */
static int has_nested(xmlNodePtr n, unsigned int depth)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (tamga__xml_is(n, TAMGA__NS_DSIG, "Signature") || (depth < 64 && has_nested(n->children, depth + 1)))
			return 1;
	}
	return 0;
}

/* Integrity of the signature and of each of its signature time-stamps. */
static int check(const struct tamga__xml_sig *xs, const char *what, const char *id)
{
	size_t i;

	if (xs->result.status != TAMGA__CMS_OK)
		return tamga__error_set(TAMGA_ESTATE, "%s: signature %s fails its integrity check (%s%s%s): it is not "
		                        "extended", what, id, tamga__cms_status_name(xs->result.status),
		                        xs->result.message ? ": " : "", xs->result.message ? xs->result.message : "");
	if (xs->result.signer == NULL)
		return tamga__error_set(TAMGA_ESTATE, "%s: signature %s names no signer certificate", what, id);
	for (i = 0; i < xs->result.timestamp_count; i++)
		if (xs->result.timestamps[i].status != TAMGA__CMS_OK)
			return tamga__error_set(TAMGA_ESTATE, "%s: the signature time-stamp of signature %s fails its "
			                        "integrity check (%s%s%s): it is not extended", what, id,
			                        tamga__cms_status_name(xs->result.timestamps[i].status),
			                        xs->result.timestamps[i].message ? ": " : "",
			                        xs->result.timestamps[i].message ? xs->result.timestamps[i].message : "");
	return 0;
}

int tamga__xmldsig_extend_part(tamga_buf *out, const unsigned char *xml, size_t len, const char *what, int odf,
                               const struct tamga__xml_package *pkg, const struct tamga__xml_extend_options *o,
                               struct tamga__xml_extend_counts *counts, size_t *signatures)
{
	struct tamga__xml_sig *xs = calloc(MAX_SIGS, sizeof(*xs));
	xmlNodePtr nodes[MAX_SIGS], root, n;
	xmlDocPtr doc = NULL;
	size_t count = 0, i, before;
	char *id;
	int error;

	if (xs == NULL)
		return tamga__error_oom();
	if ((error = tamga__xml_parse(&doc, xml, len, what)) < 0)
		goto done;
	root = xmlDocGetRootElement(doc);
	if (odf) {
		if (root == NULL || !tamga__xml_is(root, NS_ODF_DSIG, "document-signatures")) {
			error = tamga__error_set(TAMGA_EFORMAT, "%s: the root is not document-signatures", what);
			goto done;
		}
		for (n = tamga__xml_first_elem(root); n != NULL; n = tamga__xml_next_elem(n)) {
			if (!tamga__xml_is(n, TAMGA__NS_DSIG, "Signature"))
				continue;
			if (count == MAX_SIGS) {
				error = tamga__error_set(TAMGA_ELIMIT, "%s: more than %d signatures", what, MAX_SIGS);
				goto done;
			}
			nodes[count++] = n;
		}
	} else {
		if (root == NULL || !tamga__xml_is(root, TAMGA__NS_DSIG, "Signature")) {
			error = tamga__error_set(TAMGA_EFORMAT, "%s is not an XML signature", what);
			goto done;
		}
		nodes[count++] = root;
	}
	for (i = 0; i < count; i++)
		if (has_nested(nodes[i]->children, 0)) {
			error = tamga__error_set(TAMGA_ESTATE, "%s: a ds:Signature is nested inside another (signature "
			                         "wrapping): nothing is extended", what);
			goto done;
		}
	if (count == 0) {
		error = tamga__error_set(TAMGA_ESTATE, "%s holds no signature", what);
		goto done;
	}
	/* All checked before anything is fetched. */
	for (i = 0; i < count; i++) {
		if ((error = tamga__xmldsig_verify(&xs[i], nodes[i], pkg)) < 0)
			goto done;
		id = (char *)xmlGetProp(nodes[i], (const xmlChar *)"Id");
		error = check(&xs[i], what, id ? id : "(no Id)");
		xmlFree(id);
		if (error < 0)
			goto done;
	}
	before = counts->extended;
	for (i = 0; i < count; i++)
		if ((error = tamga__xmldsig_extend(nodes[i], &xs[i], o, counts)) < 0) {
			tamga__error_prefix("%s", what);
			goto done;
		}
	*signatures += count;
	if (counts->extended > before)
		error = tamga__xml_serialize(out, doc);
done:
	for (i = 0; i < count; i++)
		tamga__xml_sig_free(&xs[i]);
	free(xs);
	xmlFreeDoc(doc);
	return error;
}
