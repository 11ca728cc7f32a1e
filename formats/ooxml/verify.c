/*
 * formats/ooxml/verify.c - the OOXML handler's verify operation: the
 * package signatures of ECMA-376 Part 2 §13, checked by formats/xmldsig,
 * and what each one leaves out of the package.
 *
 *     _rels/.rels --origin--> _xmlsignatures/origin.sigs
 *     _xmlsignatures/_rels/origin.sigs.rels --signature--> _xmlsignatures/sig1.xml
 *
 *     <Signature Id="idPackageSignature">
 *       <SignedInfo> #idPackageObject  #idOfficeObject  #idSignedProperties </SignedInfo>
 *       <Object Id="idPackageObject"><Manifest>
 *           <Reference URI="/word/document.xml?ContentType=...">          (the part's bytes)
 *           <Reference URI="/word/_rels/document.xml.rels?ContentType=..."> (RelationshipTransform:
 *                                                          the SourceIds and SourceTypes it covers)
 *       </Manifest> <SignatureProperties> mdssi:SignatureTime </SignatureProperties></Object>
 *       ...
 *
 * Office suites have shown documents as signed while showing content no
 * signature covered, because nothing checked what the Manifest leaves
 * out.  Here every part of the package must be covered, except what
 * Office and LibreOffice leave unsigned by design (document properties
 * and thumbnails: a warning each; the signature parts and
 * [Content_Types].xml: silently), and only when nothing but such a
 * relationship points at it.  Every relationship of a covered
 * relationships part must be selected by its SourceIds or SourceTypes
 * (RelationshipsGroupReference: every relationship of that Type), and
 * every Reference's ?ContentType= must be what [Content_Types].xml says
 * now.  Anything else
 * is a change after signing that is not allowed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/cms/cms_verify.h"
#include "formats/ooxml/opc.h"
#include "formats/xmldsig/xmldsig.h"

#define NS_DIGSIG "http://schemas.microsoft.com/office/2006/digsig"

/* The relationships of one .rels part of the package. */
struct rels_part {
	size_t index;                   /* ZIP entry */
	struct tamga__opc_rels rels;
	char *error;                    /* why it could not be read; NULL when read */
};

struct vctx {
	struct tamga__evidence *ev;
	struct tamga__zip *zip;
	struct tamga__opc *opc;
	struct tamga__opc_reader rd;
	struct tamga__opc_sigs sigs;
	struct rels_part *rels;
	size_t rels_count;
	/* per entry: targeted by a relationship of class 0 (ordinary content),
	 * 1 (document properties, thumbnail), 2 (macro signature) */
	unsigned char *in_plain, *in_props, *in_macro;
};

/* ------------------------------------------------------------ the package's relationships */

static int load_rels(struct vctx *c)
{
	size_t i, k;
	int error;

	if ((c->rels = calloc(c->opc->count + 1, sizeof(*c->rels))) == NULL ||
	    (c->in_plain = calloc(c->opc->count + 1, 1)) == NULL || (c->in_props = calloc(c->opc->count + 1, 1)) == NULL ||
	    (c->in_macro = calloc(c->opc->count + 1, 1)) == NULL)
		return tamga__error_oom();
	for (i = 0; i < c->opc->count; i++) {
		struct rels_part *rp;
		const unsigned char *data;
		char *source = NULL;
		size_t len;

		if (c->opc->keys[i] == NULL)
			continue;
		if ((error = tamga__opc_rels_source(&source, c->opc->keys[i])) < 0) {
			if (error == TAMGA_ENOMEM)
				return error;
			tamga_error_clear();
			continue;
		}
		free(source);
		rp = &c->rels[c->rels_count++];
		rp->index = i;
		error = tamga__opc_read(&c->rd, c->opc->keys[i], &data, &len);
		if (error == 0)
			error = tamga__opc_rels_parse(&rp->rels, data, len, c->opc->keys[i]);
		if (error == TAMGA_ENOMEM)
			return error;
		if (error < 0) {
			if ((rp->error = tamga__strdup(tamga_error_last()->message)) == NULL)
				return TAMGA_ENOMEM;
			tamga_error_clear();
			continue;
		}
		for (k = 0; k < rp->rels.count; k++) {
			const struct tamga__opc_rel *rel = &rp->rels.rels[k];
			long t;
			int cls;

			if (rel->target_key == NULL || (t = tamga__opc_find(c->opc, rel->target_key)) < 0)
				continue;
			cls = tamga__opc_rel_type_class(rel->type);
			if (cls == 0)
				c->in_plain[t] = 1;
			else if (cls == 1)
				c->in_props[t] = 1;
			else if (cls == 2)
				c->in_macro[t] = 1;
			if (cls == 2 && (error = tamga__evidence_warn(c->ev, "%s is a macro (VBA project) signature: tamga "
			                                                     "does not check it, and it does not sign the "
			                                                     "document", c->opc->names[t])) < 0)
				return error;
		}
	}
	return 0;
}

static int listed(char *const *list, size_t n, const char *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], key) == 0)
			return 1;
	return 0;
}

enum { NOT_EXCUSED = 0, EXCUSED_SILENT, EXCUSED_PROPERTIES, EXCUSED_MACRO };

/* May entry i stay out of a signature?  Only when nothing but a
 * relationship that signatures leave out points at it: the main document
 * renamed to docProps/app.xml is still the main document. */
static int excused(const struct vctx *c, size_t i)
{
	const char *k = c->opc->keys[i];

	if (strcmp(k, TAMGA__OPC_CONTENT_TYPES) == 0)
		return EXCUSED_SILENT; /* not a part (§10.1.2.1) */
	if (c->in_plain[i])
		return NOT_EXCUSED;
	if (tamga__opc_in_sig_dir(k) || (c->sigs.origin && strcmp(k, c->sigs.origin) == 0) ||
	    (c->sigs.origin_rels && strcmp(k, c->sigs.origin_rels) == 0) || listed(c->sigs.parts, c->sigs.count, k))
		return EXCUSED_SILENT;
	if (c->in_props[i] || strcmp(k, "docprops/core.xml") == 0 || strcmp(k, "docprops/app.xml") == 0)
		return EXCUSED_PROPERTIES;
	if (c->in_macro[i])
		return EXCUSED_MACRO;
	return NOT_EXCUSED;
}

/* ------------------------------------------------------------ one signature */

static int is_dsig(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	       strcmp((const char *)n->ns->href, TAMGA__NS_DSIG) == 0 && strcmp((const char *)n->name, name) == 0;
}

static void count_manifests(xmlNodePtr n, size_t *count, xmlNodePtr *first, unsigned int depth)
{
	xmlNodePtr c;

	if (depth > TAMGA__XML_MAX_DEPTH)
		return;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_dsig(c, "Manifest")) {
			if ((*count)++ == 0)
				*first = c;
		}
		count_manifests(c, count, first, depth + 1);
	}
}

/* Exactly one package object: one ds:Manifest in the whole Signature, a
 * child of a ds:Object of this Signature that SignedInfo references.  A
 * second Manifest (wrapping) or one SignedInfo does not reach is refused. */
static int package_object(struct tamga__sig_evidence *sig, xmlNodePtr root, const struct tamga__xml_sig *xs)
{
	xmlNodePtr manifest = NULL, object;
	xmlChar *id = NULL;
	size_t count = 0, i;
	int referenced = 0, error;

	count_manifests(root, &count, &manifest, 0);
	if (count != 1)
		return tamga__evidence_sig_format_error(sig, "the signature has %zu ds:Manifest elements: an OOXML "
		                                             "package signature has exactly one package object", count);
	object = manifest->parent;
	if (!is_dsig(object, "Object") || object->parent != root ||
	    (id = xmlGetNoNsProp(object, (const xmlChar *)"Id")) == NULL)
		return tamga__evidence_sig_format_error(sig, "the ds:Manifest is not in a ds:Object of the signature "
		                                             "with an Id: no package object");
	for (i = 0; i < xs->ref_count; i++)
		if (!xs->refs[i].in_manifest && xs->refs[i].uri != NULL && xs->refs[i].uri[0] == '#' &&
		    strcmp(xs->refs[i].uri + 1, (const char *)id) == 0)
			referenced = 1;
	error = referenced ? 0
	                   : tamga__evidence_sig_format_error(sig, "SignedInfo does not reference the package "
	                                                           "object #%s", (const char *)id);
	xmlFree(id);
	return error;
}

/* Text of the first descendant element ns:name of n (malloc'd), or NULL. */
static char *find_text(xmlNodePtr n, const char *ns, const char *name, unsigned int depth)
{
	xmlNodePtr c;
	char *s;

	if (depth > TAMGA__XML_MAX_DEPTH)
		return NULL;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (c->ns != NULL && strcmp((const char *)c->ns->href, ns) == 0 && strcmp((const char *)c->name, name) == 0) {
			xmlChar *t = xmlNodeGetContent(c);
			char *p;

			if (t == NULL)
				return NULL;
			s = strdup((const char *)t);
			xmlFree(t);
			/* document text ends up in reports and terminals */
			for (p = s; p != NULL && *p; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					*p = ' ';
			return s;
		}
		if ((s = find_text(c, ns, name, depth + 1)) != NULL)
			return s;
	}
	return NULL;
}

struct selector {
	const char *path;               /* the relationships part, as the Reference names it */
	int by_type;                    /* 0: value is a SourceId, 1: a SourceType */
	const char *value;
};

static int cmp_selector(const void *a, const void *b)
{
	const struct selector *x = a, *y = b;
	int c = x->by_type - y->by_type;

	if (c == 0)
		c = strcasecmp(x->path, y->path);
	return c != 0 ? c : strcmp(x->value, y->value);
}

/* Every selector of the signature's RelationshipTransform References,
 * sorted for rel_covered: a hostile signature may list hundreds of
 * thousands against as many relationships, so no pairwise search. */
static int selectors(struct selector **out, size_t *count, const struct tamga__xml_sig *xs)
{
	size_t i, k, n = 0;

	*out = NULL;
	*count = 0;
	for (i = 0; i < xs->ref_count; i++)
		if (xs->refs[i].in_manifest && xs->refs[i].path != NULL && xs->refs[i].transform == TAMGA__XML_T_RELS)
			n += xs->refs[i].source_id_count + xs->refs[i].source_type_count;
	if ((*out = calloc(n ? n : 1, sizeof(**out))) == NULL)
		return tamga__error_oom();
	for (i = 0; i < xs->ref_count; i++) {
		const struct tamga__xml_ref_result *r = &xs->refs[i];

		if (!r->in_manifest || r->path == NULL || r->transform != TAMGA__XML_T_RELS)
			continue;
		for (k = 0; k < r->source_id_count; k++)
			(*out)[(*count)++] = (struct selector){ r->path, 0, r->source_ids[k] };
		for (k = 0; k < r->source_type_count; k++)
			(*out)[(*count)++] = (struct selector){ r->path, 1, r->source_types[k] };
	}
	qsort(*out, *count, sizeof(**out), cmp_selector);
	return 0;
}

/* Does a RelationshipTransform Reference to the relationships part
 * rels_key select rel: by its Id (RelationshipReference) or by its Type
 * (RelationshipsGroupReference, ECMA-376 Part 2 §13.2.4.26; both compared
 * case-sensitively, as the transform does)?  What the Manifest claims:
 * whether its digest matches is the xmldsig verdict. */
static int rel_covered(const struct selector *sel, size_t n, const char *rels_key, const struct tamga__opc_rel *rel)
{
	struct selector id = { rels_key, 0, rel->id }, type = { rels_key, 1, rel->type };

	return (rel->id != NULL && bsearch(&id, sel, n, sizeof(*sel), cmp_selector) != NULL) ||
	       (rel->type != NULL && bsearch(&type, sel, n, sizeof(*sel), cmp_selector) != NULL);
}

/* What the signature covers, and what it does not. */
static int coverage(struct vctx *c, struct tamga__sig_evidence *sig, const struct tamga__xml_sig *xs)
{
	unsigned char *covered = NULL, *whole_rels = NULL;
	struct selector *sel = NULL;
	size_t i, k, nsel = 0;
	int error = 0, whole = 1;

	if ((covered = calloc(c->opc->count + 1, 1)) == NULL || (whole_rels = calloc(c->opc->count + 1, 1)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (i = 0; i < xs->ref_count; i++) {
		const struct tamga__xml_ref_result *r = &xs->refs[i];
		const char *ct;
		char *key = NULL, *source = NULL;
		long at;
		int is_rels;

		if (!r->in_manifest || r->path == NULL)
			continue;
		if ((key = strdup(r->path)) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
		for (k = 0; key[k]; k++)
			if (key[k] >= 'A' && key[k] <= 'Z')
				key[k] = (char)(key[k] - 'A' + 'a');
		if ((at = tamga__opc_find(c->opc, key)) < 0) { /* a missing part: xmldsig's HASH_FAILURE */
			free(key);
			continue;
		}
		ct = tamga__opc_content_type(c->opc, key);
		if (r->content_type == NULL)
			error = tamga__evidence_sig_mod(sig, "content-type", 0, "the reference to %s does not name the "
			                                "part's content type (?ContentType=)", c->opc->names[at]);
		else if (ct == NULL)
			error = tamga__evidence_sig_mod(sig, "content-type", 0, "%s has no content type in "
			                                "[Content_Types].xml (signed as %s)", c->opc->names[at], r->content_type);
		else if (strcasecmp(ct, r->content_type) != 0)
			error = tamga__evidence_sig_mod(sig, "content-type", 0, "%s was signed as %s, but "
			                                "[Content_Types].xml now says %s", c->opc->names[at],
			                                r->content_type, ct);
		if (error < 0) {
			free(key);
			goto done;
		}
		is_rels = tamga__opc_rels_source(&source, key) == 0;
		free(source);
		free(key);
		tamga_error_clear();
		if (r->transform == TAMGA__XML_T_NONE || r->transform == TAMGA__XML_T_C14N) {
			covered[at] = 1;
			whole_rels[at] |= is_rels;
		} else if (r->transform == TAMGA__XML_T_RELS && is_rels) {
			covered[at] = 1;
		}
		/* r->legacy: xmldsig's own warning says so */
	}

	/* Every part, unless it may stay out. */
	for (i = 0; i < c->opc->count; i++) {
		if (c->opc->keys[i] == NULL || covered[i])
			continue;
		switch (excused(c, i)) {
		case EXCUSED_SILENT:
			break;
		case EXCUSED_PROPERTIES:
			whole = 0;
			error = tamga__evidence_sig_warn(sig, "%s is not signed (document properties, which Office and "
			                                      "LibreOffice leave out of their signatures)", c->opc->names[i]);
			break;
		case EXCUSED_MACRO:
			whole = 0;
			error = tamga__evidence_sig_warn(sig, "%s is not signed (a macro signature)", c->opc->names[i]);
			break;
		default:
			whole = 0;
			error = tamga__evidence_sig_mod(sig, "part-unsigned", 0, "%s is not covered by the signature: "
			                                "it was added or left out", c->opc->names[i]);
			break;
		}
		if (error < 0)
			goto done;
	}

	/* Every relationship of a covered relationships part. */
	if ((error = selectors(&sel, &nsel, xs)) < 0)
		goto done;
	for (i = 0; i < c->rels_count; i++) {
		const struct rels_part *rp = &c->rels[i];
		const char *name = c->opc->names[rp->index];

		if (!covered[rp->index] || whole_rels[rp->index])
			continue;
		if (rp->error != NULL) {
			whole = 0;
			if ((error = tamga__evidence_sig_mod(sig, "relationship-unsigned", 0, "%s cannot be read: %s", name,
			                                     rp->error)) < 0)
				goto done;
			continue;
		}
		if (rp->rels.duplicate_ids) {
			whole = 0;
			if ((error = tamga__evidence_sig_mod(sig, "relationship-unsigned", 0, "%s has two relationships "
			                                     "with one Id", name)) < 0)
				goto done;
		}
		for (k = 0; k < rp->rels.count; k++) {
			const struct tamga__opc_rel *rel = &rp->rels.rels[k];
			int cls;

			if (rel_covered(sel, nsel, c->opc->keys[rp->index], rel))
				continue;
			cls = tamga__opc_rel_type_class(rel->type);
			if (cls == 3) /* the signature machinery: never signed */
				continue;
			whole = 0;
			if (cls != 0) /* properties, macro signature: their targets are reported above */
				continue;
			if ((error = tamga__evidence_sig_mod(sig, "relationship-unsigned", 0, "%s: relationship %s (%s, "
			                                     "to %s) is not covered by the signature", name, rel->id,
			                                     rel->type, rel->target)) < 0)
				goto done;
		}
	}
	sig->covers_whole_document = whole;
done:
	free(sel);
	free(covered);
	free(whole_rels);
	return error;
}

static int verify_sig(struct vctx *c, const char *key)
{
	struct tamga__xml_package pkg = { tamga__opc_xml_read, NULL };
	struct tamga__xml_sig xs;
	struct tamga__sig_evidence *sig;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	const unsigned char *data;
	const char *ct;
	char *text;
	size_t len;
	long at;
	int error;

	memset(&xs, 0, sizeof(xs));
	pkg.payload = &c->rd;
	if ((error = tamga__evidence_add_sig(c->ev, &sig)) < 0)
		return error;
	at = tamga__opc_find(c->opc, key);
	if ((sig->id = tamga__strdup(at >= 0 ? c->opc->names[at] : key)) == NULL)
		return TAMGA_ENOMEM;
	sig->kind = TAMGA__SIG_XMLDSIG;
	sig->revision = -1;
	if (at < 0)
		return tamga__evidence_sig_format_error(sig, "the signature part %s is missing", key);
	if ((error = tamga__opc_read(&c->rd, key, &data, &len)) < 0) {
		if (error == TAMGA_ENOMEM)
			return error;
		error = tamga__evidence_sig_format_error(sig, "%s cannot be read: %s", sig->id, tamga_error_last()->message);
		tamga_error_clear();
		return error;
	}
	if (len == 0)
		return tamga__evidence_sig_format_error(sig, "the signature part %s is empty", sig->id);
	if ((ct = tamga__opc_content_type(c->opc, key)) == NULL || strcasecmp(ct, TAMGA__OPC_CT_SIGNATURE) != 0)
		if ((error = tamga__evidence_sig_warn(sig, "%s has content type %s, not %s", sig->id, ct ? ct : "(none)",
		                                      TAMGA__OPC_CT_SIGNATURE)) < 0)
			return error;
	if ((error = tamga__xml_parse(&doc, data, len, sig->id)) < 0) {
		if (error == TAMGA_ENOMEM)
			return error;
		error = tamga__evidence_sig_format_error(sig, "%s", tamga_error_last()->message);
		tamga_error_clear();
		return error;
	}
	root = xmlDocGetRootElement(doc);
	if (!is_dsig(root, "Signature")) {
		error = tamga__evidence_sig_format_error(sig, "%s is not an XML signature (root <%s>)", sig->id,
		                                         root ? (const char *)root->name : "");
		goto done;
	}
	if ((error = tamga__xmldsig_verify(&xs, root, &pkg)) < 0) {
		/* only out-of-memory by its contract (an unreadable part is a
		 * verdict); anything else still becomes one */
		if (error != TAMGA_ENOMEM) {
			char msg[512];

			snprintf(msg, sizeof(msg), "%s", tamga_error_last()->message);
			tamga_error_clear();
			error = tamga__evidence_sig_format_error(sig, "%s cannot be checked: %s", sig->id, msg);
		}
		goto done;
	}
	if ((error = package_object(sig, root, &xs)) < 0 || (error = coverage(c, sig, &xs)) < 0)
		goto done;

	/* What the signature says about itself: claimed, never trusted. */
	sig->claimed_time = xs.result.signing_time;
	if (sig->claimed_time == 0 && (text = find_text(root, TAMGA__OPC_NS_MDSSI, "Value", 0)) != NULL) {
		if (tamga_time_parse(&sig->claimed_time, text) < 0) {
			sig->claimed_time = 0;
			tamga_error_clear();
		}
		free(text);
	}
	if ((text = find_text(root, NS_DIGSIG, "SignatureComments", 0)) != NULL) {
		if (*text != '\0')
			sig->reason = text;
		else
			free(text);
	}

	if ((error = tamga__xmldsig_signed_code(&sig->code, root, &xs)) < 0)
		goto done;
	if ((sig->integrity = malloc(sizeof(*sig->integrity))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	*sig->integrity = xs.result;
	memset(&xs.result, 0, sizeof(xs.result));
done:
	tamga__xml_sig_free(&xs);
	xmlFreeDoc(doc);
	return error;
}

/* ------------------------------------------------------------ the package */

/* The document cannot be read: a report, not an error of the call. */
static int unreadable(struct tamga__evidence *ev, int code, const char *what)
{
	char msg[512];

	if (code == TAMGA_ENOMEM)
		return code;
	snprintf(msg, sizeof(msg), "%s", tamga_error_last()->message);
	tamga_error_clear();
	return tamga__evidence_error(ev, "%s%s", what, msg);
}

int tamga__ooxml_verify(const unsigned char *data, size_t len, struct tamga__evidence *ev)
{
	struct vctx c;
	size_t i;
	int error;

	memset(&c, 0, sizeof(c));
	c.ev = ev;
	if ((error = tamga__zip_open(&c.zip, data, len)) < 0) {
		error = unreadable(ev, error, "not a readable OOXML package: ");
		goto done;
	}
	if ((error = tamga__opc_open(&c.opc, c.zip)) < 0) {
		error = unreadable(ev, error, "");
		goto done;
	}
	if ((error = tamga__opc_reader_init(&c.rd, c.opc)) < 0)
		goto done;
	if ((error = tamga__opc_signatures(&c.sigs, &c.rd)) < 0) {
		error = unreadable(ev, error, "");
		goto done;
	}
	for (i = 0; i < c.sigs.warning_count; i++)
		if ((error = tamga__evidence_warn(ev, "%s", c.sigs.warnings[i])) < 0)
			goto done;
	if (c.sigs.origin_count > 1) {
		error = tamga__evidence_error(ev, "_rels/.rels names %zu signature origins: which signatures belong to "
		                                  "the document is ambiguous", c.sigs.origin_count);
		goto done;
	}
	if (c.sigs.count == 0)
		goto done;
	if ((error = load_rels(&c)) < 0)
		goto done;
	for (i = 0; i < c.sigs.count; i++)
		if ((error = verify_sig(&c, c.sigs.parts[i])) < 0)
			goto done;
done:
	for (i = 0; i < c.rels_count; i++) {
		tamga__opc_rels_free(&c.rels[i].rels);
		free(c.rels[i].error);
	}
	free(c.rels);
	free(c.in_plain);
	free(c.in_props);
	free(c.in_macro);
	tamga__opc_sigs_free(&c.sigs);
	tamga__opc_reader_free(&c.rd);
	tamga__opc_free(c.opc);
	tamga__zip_close(c.zip);
	if (error < 0 && error != TAMGA_ENOMEM) /* the contract: negative only for out-of-memory */
		error = unreadable(ev, error, "");
	return error < 0 ? error : 0;
}
