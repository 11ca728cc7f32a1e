/*
 * formats/xmldsig/rels.c - the OPC RelationshipTransform (ECMA-376 Part 2
 * §13.2.4.24) followed by C14N 1.0, computed by tamga rather than xmlsec.
 *
 * The spec: keep the Relationship elements selected by SourceId (their
 * Id) or SourceType (their Type), sorted by Id (ordinal), give each a
 * TargetMode="Internal" when it has none, drop every other node (text,
 * comments, whitespace between elements), then canonicalise:
 *
 *   <Relationships xmlns="…/relationships"><Relationship Id="rId1"
 *   Target="…" TargetMode="Internal" Type="…"></Relationship>…</Relationships>
 *
 * Legacy (measured, not specified): xmlsec 1.2.37's own transform, which
 * LibreOffice 7.x signs and verifies through, keeps every non-element
 * child of the root Relationships element - whitespace text between the
 * elements, any other text, comments - as an empty element named after
 * the libxml2 node ("<text></text>", "<comment></comment>"), whatever the
 * selection, placed before the selected Relationship elements (they sort
 * first, having no Id), in document order.  A .rels with a newline or
 * indentation anywhere between its elements therefore digests differently
 * in the two readings; without such nodes both are the same.  Checked
 * against `xmlsec1 --sign --store-references` (tests/cli/xmldsig_interop.sh).
 * xmlsec (1.2.37, and its sources since) also ignores
 * RelationshipsGroupReference: the legacy reading selects by SourceId
 * alone, so a signature that matches only in that reading covers no
 * relationship by its Type (verify.c drops the SourceTypes then).  The
 * spec reading honours them, which is why xmlsec1 and LibreOffice refuse
 * a signature whose SourceType selects a relationship no SourceId does.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/xmldsig/internal.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ids and types sorted (cmp_str): a hostile signature may hold hundreds of
 * thousands of selectors for as many relationships, so no pairwise search. */
static int selected(xmlNodePtr rel, const char **ids, size_t id_count, const char **types, size_t type_count)
{
	xmlChar *id = xmlGetNoNsProp(rel, (const xmlChar *)"Id");
	xmlChar *type = xmlGetNoNsProp(rel, (const xmlChar *)"Type");
	const char *key;
	int yes = 0;

	if ((key = (const char *)id) != NULL)
		yes = bsearch(&key, ids, id_count, sizeof(*ids), cmp_str) != NULL;
	if (!yes && (key = (const char *)type) != NULL)
		yes = bsearch(&key, types, type_count, sizeof(*types), cmp_str) != NULL;
	xmlFree(id);
	xmlFree(type);
	return yes;
}

static int attr_cmp(const void *a, const void *b)
{
	const xmlAttr *x = *(const xmlAttr *const *)a, *y = *(const xmlAttr *const *)b;

	return strcmp((const char *)x->name, (const char *)y->name);
}

static int id_cmp(const void *a, const void *b)
{
	xmlNodePtr x = *(const xmlNodePtr *)a, y = *(const xmlNodePtr *)b;
	xmlChar *ix = xmlGetNoNsProp(x, (const xmlChar *)"Id"), *iy = xmlGetNoNsProp(y, (const xmlChar *)"Id");
	int r = strcmp(ix ? (const char *)ix : "", iy ? (const char *)iy : "");

	xmlFree(ix);
	xmlFree(iy);
	return r;
}

/* C14N attribute value escaping (C14N 1.0 §2.3). */
static int put_attr_value(tamga_buf *out, const char *v)
{
	int error = 0;

	for (; *v && error == 0; v++)
		switch (*v) {
		case '&': error = tamga__buf_puts(out, "&amp;"); break;
		case '<': error = tamga__buf_puts(out, "&lt;"); break;
		case '"': error = tamga__buf_puts(out, "&quot;"); break;
		case '\t': error = tamga__buf_puts(out, "&#x9;"); break;
		case '\n': error = tamga__buf_puts(out, "&#xA;"); break;
		case '\r': error = tamga__buf_puts(out, "&#xD;"); break;
		default: error = tamga__buf_append(out, v, 1);
		}
	return error;
}

static int put_rel(tamga_buf *out, xmlNodePtr rel)
{
	xmlAttrPtr a, attrs[16];
	size_t n = 0, i;
	int has_mode = 0, error;

	for (a = rel->properties; a != NULL; a = a->next) {
		if (a->ns != NULL)
			continue; /* qualified attributes are not Relationship's */
		if (n == sizeof(attrs) / sizeof(attrs[0]))
			return tamga__error_set(TAMGA_EFORMAT, "a Relationship element has too many attributes");
		attrs[n++] = a;
		has_mode |= strcmp((const char *)a->name, "TargetMode") == 0;
	}
	qsort(attrs, n, sizeof(attrs[0]), attr_cmp);
	if ((error = tamga__buf_puts(out, "<Relationship")) < 0)
		return error;
	for (i = 0; i < n; i++) {
		xmlChar *v = xmlNodeListGetString(rel->doc, attrs[i]->children, 1);

		/* TargetMode sorts between Target and Type */
		if (!has_mode && strcmp((const char *)attrs[i]->name, "TargetMode") > 0 &&
		    (error = tamga__buf_puts(out, " TargetMode=\"Internal\"")) == 0)
			has_mode = 1;
		if (error == 0)
			error = tamga__buf_printf(out, " %s=\"", (const char *)attrs[i]->name);
		if (error == 0)
			error = put_attr_value(out, v ? (const char *)v : "");
		if (error == 0)
			error = tamga__buf_puts(out, "\"");
		xmlFree(v);
		if (error < 0)
			return error;
	}
	if (!has_mode && (error = tamga__buf_puts(out, " TargetMode=\"Internal\"")) < 0)
		return error;
	return tamga__buf_puts(out, "></Relationship>");
}

int tamga__xml_rels_transform(tamga_buf *out, xmlDocPtr rels, char *const *ids, size_t id_count,
                              char *const *types, size_t type_count, int legacy)
{
	xmlNodePtr root = xmlDocGetRootElement(rels), c, *sel = NULL;
	const char **sids = NULL, **stypes = NULL;
	size_t n = 0, cap = 0, i;
	int error = 0;

	if (!tamga__xml_is(root, NS_OPC_RELS, "Relationships"))
		return tamga__error_set(TAMGA_EFORMAT, "a RelationshipTransform input is not a Relationships part");
	if ((sids = malloc((id_count + 1) * sizeof(*sids))) == NULL ||
	    (stypes = malloc((type_count + 1) * sizeof(*stypes))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (i = 0; i < id_count; i++)
		sids[i] = ids[i];
	for (i = 0; i < type_count; i++)
		stypes[i] = types[i];
	qsort(sids, id_count, sizeof(*sids), cmp_str);
	qsort(stypes, type_count, sizeof(*stypes), cmp_str);
	if ((error = tamga__buf_puts(out, "<Relationships xmlns=\"" NS_OPC_RELS "\">")) < 0)
		goto done;
	for (c = root->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE) {
			if (legacy && c->name != NULL &&
			    (error = tamga__buf_printf(out, "<%s></%s>", (const char *)c->name, (const char *)c->name)) < 0)
				goto done;
			continue;
		}
		if (!tamga__xml_is(c, NS_OPC_RELS, "Relationship") || !selected(c, sids, id_count, stypes, type_count))
			continue;
		if (n == cap) {
			xmlNodePtr *t = realloc(sel, (cap = cap ? 2 * cap : 16) * sizeof(*t));

			if (t == NULL) {
				error = tamga__error_oom();
				goto done;
			}
			sel = t;
		}
		sel[n++] = c;
	}
	if (n > 1)
		qsort(sel, n, sizeof(*sel), id_cmp);
	for (i = 0; i < n; i++)
		if ((error = put_rel(out, sel[i])) < 0)
			goto done;
	error = tamga__buf_puts(out, "</Relationships>");
done:
	free(sids);
	free(stypes);
	free(sel);
	return error;
}

static int attr_list_add(char ***list, size_t *n, xmlNodePtr node, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
	char **t;

	if (v == NULL)
		return tamga__error_set(TAMGA_EFORMAT, "a RelationshipTransform selector has no %s", name);
	/* capacity: the next power of two (see selected) */
	if ((*n & (*n - 1)) == 0) {
		if ((t = realloc(*list, (*n ? 2 * *n : 1) * sizeof(*t))) == NULL) {
			xmlFree(v);
			return tamga__error_oom();
		}
		*list = t;
	}
	if (((*list)[*n] = tamga__strdup((const char *)v)) == NULL) {
		xmlFree(v);
		return TAMGA_ENOMEM;
	}
	(*n)++;
	xmlFree(v);
	return 0;
}

static void list_free(char **list, size_t n)
{
	while (n--)
		free(list[n]);
	free(list);
}

int tamga__xml_rels_ref(xmlNodePtr ref, const struct tamga__xml_package *pkg, int sign, int *ok, int *legacy)
{
	xmlNodePtr ts = tamga__xml_first_elem(ref), t1, t2, dm, dv, c;
	xmlChar *alg1 = NULL, *alg2 = NULL, *dmalg = NULL, *uri = NULL, *dvtext = NULL;
	char **ids = NULL, **types = NULL, *path = NULL, *b64 = NULL;
	size_t nids = 0, ntypes = 0;
	xmlDocPtr part = NULL;
	tamga_buf in = TAMGA_BUF_INIT, want = TAMGA_BUF_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const EVP_MD *evp;
	int error = 1, pass;

	*ok = *legacy = 0;
	if (!tamga__xml_is(ts, TAMGA__NS_DSIG, "Transforms") || (t1 = tamga__xml_first_elem(ts)) == NULL ||
	    (alg1 = xmlGetNoNsProp(t1, (const xmlChar *)"Algorithm")) == NULL || strcmp((char *)alg1, ALG_RELS) != 0)
		goto done; /* not a RelationshipTransform reference: 1 */
	t2 = tamga__xml_next_elem(t1);
	if (t2 == NULL || tamga__xml_next_elem(t2) != NULL || !tamga__xml_is(t2, TAMGA__NS_DSIG, "Transform") ||
	    (alg2 = xmlGetNoNsProp(t2, (const xmlChar *)"Algorithm")) == NULL || strcmp((char *)alg2, ALG_C14N) != 0) {
		error = tamga__error_set(TAMGA_EFORMAT, "a RelationshipTransform is not followed by C14N 1.0 alone");
		goto done;
	}
	for (c = tamga__xml_first_elem(t1); c != NULL; c = tamga__xml_next_elem(c)) {
		if (tamga__xml_is(c, NS_OPC_DSIG, "RelationshipReference"))
			error = attr_list_add(&ids, &nids, c, "SourceId");
		else if (tamga__xml_is(c, NS_OPC_DSIG, "RelationshipsGroupReference"))
			error = attr_list_add(&types, &ntypes, c, "SourceType");
		else
			error = tamga__error_set(TAMGA_EFORMAT, "unknown element %s in a RelationshipTransform",
			                         (const char *)c->name);
		if (error < 0)
			goto done;
	}
	dm = tamga__xml_next_elem(ts);
	dv = tamga__xml_next_elem(dm);
	if (!tamga__xml_is(dm, TAMGA__NS_DSIG, "DigestMethod") || !tamga__xml_is(dv, TAMGA__NS_DSIG, "DigestValue") ||
	    (dmalg = xmlGetNoNsProp(dm, (const xmlChar *)"Algorithm")) == NULL ||
	    (evp = tamga__xml_md_by_uri((const char *)dmalg, NULL)) == NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "a Reference has no DigestMethod tamga accepts");
		goto done;
	}
	if ((uri = xmlGetNoNsProp(ref, (const xmlChar *)"URI")) == NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "a RelationshipTransform Reference has no URI");
		goto done;
	}
	if ((error = tamga__xml_package_path((const char *)uri, &path, NULL)) < 0 ||
	    (error = tamga__xml_part_parse(&part, pkg, path)) < 0)
		goto done;
	if (!sign) {
		dvtext = xmlNodeGetContent(dv);
		if (dvtext == NULL || tamga__xml_unbase64(&want, (const char *)dvtext) < 0)
			want.size = 0;
	}
	for (pass = 0; pass < (sign ? 1 : 2); pass++) {
		in.size = 0;
		/* pass 1, the legacy reading: SourceIds only (see above) */
		if ((error = tamga__xml_rels_transform(&in, part, ids, nids, types, pass ? 0 : ntypes, pass)) < 0)
			goto done;
		if (!EVP_Digest(in.ptr, in.size, md, &mdlen, evp, NULL)) {
			error = tamga__error_openssl(TAMGA_ECRYPTO, "digest");
			goto done;
		}
		if (sign) {
			if ((b64 = tamga__xml_base64(md, mdlen)) == NULL) {
				error = TAMGA_ENOMEM;
				goto done;
			}
			xmlNodeSetContent(dv, (const xmlChar *)b64);
			*ok = 1;
		} else if (want.size == mdlen && CRYPTO_memcmp(want.ptr, md, mdlen) == 0) {
			*ok = pass == 0;
			*legacy = pass == 1;
			break;
		}
	}
	error = 0;
done:
	xmlFree(alg1);
	xmlFree(alg2);
	xmlFree(dmalg);
	xmlFree(uri);
	xmlFree(dvtext);
	list_free(ids, nids);
	list_free(types, ntypes);
	free(path);
	free(b64);
	xmlFreeDoc(part);
	tamga_buf_dispose(&in);
	tamga_buf_dispose(&want);
	return error;
}

int tamga__xml_xmlsec_ref(xmlSecDSigCtxPtr ctx, xmlNodePtr ref, int manifest, int *ok)
{
	xmlSecDSigReferenceCtxPtr r;
	int ret;

	*ok = 0;
	r = xmlSecDSigReferenceCtxCreate(ctx, manifest ? xmlSecDSigReferenceOriginManifest
	                                               : xmlSecDSigReferenceOriginSignedInfo);
	if (r == NULL)
		return tamga__error_oom();
	ret = xmlSecDSigReferenceCtxProcessNode(r, ref);
	*ok = ret >= 0 && r->status == xmlSecDSigStatusSucceeded;
	xmlSecDSigReferenceCtxDestroy(r);
	return ret < 0 ? tamga__error_set(TAMGA_EFORMAT, "the Reference cannot be processed") : 0;
}
