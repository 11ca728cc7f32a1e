/*
 * formats/odf/verify.c - the OpenDocument handler's verify operation:
 * every ds:Signature of META-INF/documentsignatures.xml (ODF 1.2 Part 3
 * §4) checked by formats/xmldsig against the package, and the package
 * judged against what the signature covers.
 *
 *     package entries            documentsignatures.xml
 *     mimetype          <------- Reference URI="mimetype"
 *     content.xml       <------- Reference URI="content.xml" (C14N)
 *     META-INF/manifest.xml <--- Reference URI="META-INF/manifest.xml" (C14N)
 *     Pictures/a.png    <------- ...
 *     Configurations2/  (directory: LibreOffice signs none)
 *     META-INF/documentsignatures.xml  (the one file no signature covers)
 *
 * Office suites have accepted forged ODF signatures because they checked
 * the References that were there, not that everything shown was referenced,
 * and because the reader that checked and the one that displayed saw
 * different packages.  So:
 *   - the ZIP is read strictly (formats/zip: no duplicate entries, no
 *     hidden bytes), and a package that cannot be read is TOTAL-FAILED;
 *   - a file no Reference of a signature covers (added, or left unsigned)
 *     is a modification "part-unsigned", not allowed (but see ooo30_exempt:
 *     the OpenOffice.org 3.0 layout leaves mimetype and the manifest out);
 *   - META-INF/manifest.xml and the package must agree (what LibreOffice
 *     checks before it shows anything): "manifest-mismatch", not allowed;
 *   - only the direct ds:Signature children of document-signatures count;
 *     a Signature anywhere else (wrapped inside another) is a format error,
 *     as is an empty or unreadable signatures file;
 *   - META-INF/macrosignatures.xml signs macros, not the document: it is
 *     never reported as a document signature.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/cms/cms_verify.h"
#include "formats/odf/odf.h"
#include "formats/xmldsig/xmldsig.h"
#include "formats/zip/zip.h"

struct ctx {
	const struct tamga__zip *zip;
	struct tamga__odf_manifest manifest;
	int have_manifest;
	char *manifest_error;    /* why it could not be read */
	const tamga_buf *mime;   /* the mimetype entry's bytes */
	tamga_buf *bufs;         /* entry contents, read on first use */
	unsigned char *read;
	unsigned char *covered;  /* per entry, for the signature being judged */
};

static int pkg_read(void *payload, const char *path, const unsigned char **data, size_t *len)
{
	struct ctx *c = payload;
	long i = tamga__zip_find(c->zip, path);
	int error;

	/* The signatures file is never signed content. */
	if (i < 0 || strcmp(path, TAMGA__ODF_SIGNATURES) == 0)
		return tamga__error_set(TAMGA_ENOTFOUND, "no file '%s' in the package", path);
	if (!c->read[i]) {
		if ((error = tamga__zip_read(c->zip, (size_t)i, &c->bufs[i])) < 0)
			return error;
		c->read[i] = 1;
	}
	*data = c->bufs[i].ptr ? c->bufs[i].ptr : (const unsigned char *)"";
	*len = c->bufs[i].size;
	return 0;
}

static int is_dir(const char *name)
{
	size_t len = strlen(name);

	return len > 0 && name[len - 1] == '/';
}

/* The manifest and the package disagree: modifications for sig. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int manifest_mods(struct ctx *c, struct tamga__sig_evidence *sig, int *whole)
{
	const char **listed = NULL;
	size_t i;
	char *p;
	int error = 0;

	if (!c->have_manifest) {
		*whole = 0;
		return tamga__evidence_sig_mod(sig, "manifest-mismatch", 0, "%s",
		                               c->manifest_error ? c->manifest_error : "no META-INF/manifest.xml");
	}
	/* The manifest's paths sorted: a hostile manifest may list hundreds of
	 * thousands beside 10,000 entries, too many to compare pairwise. */
	if ((listed = malloc((c->manifest.count + 1) * sizeof(*listed))) == NULL)
		return tamga__error_oom();
	for (i = 0; i < c->manifest.count; i++)
		listed[i] = c->manifest.entries[i].path;
	qsort(listed, c->manifest.count, sizeof(*listed), cmp_str);
	for (i = 0; i < tamga__zip_count(c->zip) && error == 0; i++) {
		const char *name = tamga__zip_name(c->zip, i);

		if (is_dir(name) || tamga__odf_manifest_exempt(name) ||
		    bsearch(&name, listed, c->manifest.count, sizeof(*listed), cmp_str) != NULL)
			continue;
		*whole = 0;
		if ((p = tamga__odf_printable(name)) == NULL) {
			free(listed);
			return TAMGA_ENOMEM;
		}
		error = tamga__evidence_sig_mod(sig, "manifest-mismatch", 0,
		                                "the package holds '%s', which META-INF/manifest.xml does not list", p);
		free(p);
	}
	free(listed);
	for (i = 0; i < c->manifest.count && error == 0; i++) {
		const char *path = c->manifest.entries[i].path;

		if (is_dir(path) || tamga__zip_find(c->zip, path) >= 0)
			continue;
		*whole = 0;
		if ((p = tamga__odf_printable(path)) == NULL)
			return TAMGA_ENOMEM;
		error = tamga__evidence_sig_mod(sig, "manifest-mismatch", 0,
		                                "META-INF/manifest.xml lists '%s', which the package does not hold", p);
		free(p);
	}
	return error;
}

static int referenced(const struct tamga__xml_sig *xs, const char *path)
{
	size_t i;

	for (i = 0; i < xs->ref_count; i++)
		if (xs->refs[i].path != NULL && strcmp(xs->refs[i].path, path) == 0)
			return 1;
	return 0;
}

/*
 * OpenOffice.org 3.0 signed every file but mimetype and META-INF/ (3.2 and
 * LibreOffice sign those too, and LibreOffice still validates the old
 * layout, calling it a partial signature).  For a signature that references
 * neither mimetype nor the manifest, these files may stay unsigned: the
 * manifest, the macro signatures (which sign themselves) and a mimetype
 * that names the same media type as the manifest's root entry.  Nothing else
 * in META-INF/, and no other file: what the content files say is signed, and
 * manifest_mods still holds the manifest to the package.
 */
static int ooo30_exempt(const struct ctx *c, const char *name)
{
	const struct tamga__odf_entry *root;

	if (strcmp(name, "META-INF/manifest.xml") == 0 || strcmp(name, TAMGA__ODF_MACROSIGS) == 0)
		return 1;
	if (strcmp(name, "mimetype") != 0 || !c->have_manifest || c->mime == NULL ||
	    (root = tamga__odf_manifest_find(&c->manifest, "/")) == NULL)
		return 0;
	return strlen(root->media_type) == c->mime->size && c->mime->size > 0 &&
	       memcmp(root->media_type, c->mime->ptr, c->mime->size) == 0;
}

/* Coverage: every file but documentsignatures.xml must be referenced. */
static int coverage_mods(struct ctx *c, const struct tamga__xml_sig *xs, struct tamga__sig_evidence *sig, int *whole)
{
	size_t i, n = tamga__zip_count(c->zip), dirs = 0;
	tamga_buf list = TAMGA_BUF_INIT;
	long k;
	char *p;
	int error = 0, ooo30;

	memset(c->covered, 0, n ? n : 1);
	for (i = 0; i < xs->ref_count; i++)
		if (xs->refs[i].path != NULL && (k = tamga__zip_find(c->zip, xs->refs[i].path)) >= 0)
			c->covered[k] = 1;
	ooo30 = !referenced(xs, "mimetype") && !referenced(xs, "META-INF/manifest.xml");
	for (i = 0; i < n && error == 0; i++) {
		const char *name = tamga__zip_name(c->zip, i);

		if (c->covered[i] || strcmp(name, TAMGA__ODF_SIGNATURES) == 0)
			continue;
		if ((p = tamga__odf_printable(name)) == NULL) {
			error = TAMGA_ENOMEM;
			break;
		}
		if (ooo30 && ooo30_exempt(c, name)) {
			*whole = 0;
			error = tamga__evidence_sig_mod(sig, "part-unsigned", 1,
			                                "'%s' is not signed: an OpenOffice.org 3.0 signature covers every "
			                                "file but mimetype and META-INF/ (LibreOffice calls it partial)",
			                                p);
		} else if (is_dir(name) && tamga__zip_size(c->zip, i) == 0) {
			/* LibreOffice signs streams only; an empty directory holds nothing. */
			if (dirs++ < 3)
				error = tamga__buf_printf(&list, "%s%s", dirs > 1 ? ", " : "", p);
		} else {
			*whole = 0;
			error = tamga__evidence_sig_mod(sig, "part-unsigned", 0,
			                                "'%s' is in the package but this signature does not cover it: it "
			                                "was added or left unsigned",
			                                p);
		}
		free(p);
	}
	if (error == 0 && dirs > 0)
		error = tamga__evidence_sig_warn(sig, "%zu directory entr%s not signed (LibreOffice signs files only; "
		                                      "a directory holds no data): %s%s",
		                                 dirs, dirs == 1 ? "y is" : "ies are", (const char *)list.ptr,
		                                 dirs > 3 ? ", ..." : "");
	tamga_buf_dispose(&list);
	return error;
}

/* Move the integrity result into the evidence (the verifier owns it then). */
static int take_result(struct tamga__sig_evidence *sig, struct tamga__xml_sig *xs)
{
	if ((sig->integrity = malloc(sizeof(*sig->integrity))) == NULL)
		return tamga__error_oom();
	*sig->integrity = xs->result;
	memset(&xs->result, 0, sizeof(xs->result));
	sig->claimed_time = sig->integrity->signing_time;
	return 0;
}

static int one_signature(struct ctx *c, struct tamga__evidence *ev, xmlNodePtr node, size_t index)
{
	struct tamga__xml_package pkg = { pkg_read, c };
	struct tamga__xml_sig xs;
	struct tamga__sig_evidence *sig;
	int error, whole = 1;

	memset(&xs, 0, sizeof(xs));
	if ((error = tamga__evidence_add_sig(ev, &sig)) < 0)
		return error;
	sig->kind = TAMGA__SIG_XMLDSIG;
	sig->revision = -1;
	if ((error = tamga__xmldsig_verify(&xs, node, &pkg)) < 0) {
		const tamga_error *e = tamga_error_last();

		/* Out-of-memory only, by xmldsig's contract (an unreadable part is
		 * its verdict); anything else still becomes one here. */
		if (error != TAMGA_ENOMEM)
			error = tamga__evidence_sig_format_error(sig, "the signature cannot be checked: %s",
			                                         e->message[0] ? e->message : tamga_error_name(error));
		if (error == 0 && asprintf(&sig->id, "%s#%zu", TAMGA__ODF_SIGNATURES, index + 1) < 0)
			error = tamga__error_oom();
		goto done;
	}
	if (xs.id != NULL && xs.id[0] != '\0')
		sig->id = tamga__odf_printable(xs.id);
	else if (asprintf(&sig->id, "%s#%zu", TAMGA__ODF_SIGNATURES, index + 1) < 0)
		sig->id = NULL;
	if (sig->id == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if ((error = tamga__xmldsig_signed_code(&sig->code, node, &xs)) < 0 || (error = take_result(sig, &xs)) < 0 || (error = coverage_mods(c, &xs, sig, &whole)) < 0 ||
	    (error = manifest_mods(c, sig, &whole)) < 0)
		goto done;
	sig->covers_whole_document = whole;
done:
	tamga__xml_sig_free(&xs);
	return error;
}

/* A format-error signature: the file or one of its Signatures is unusable. */
static int broken(struct tamga__evidence *ev, const char *id, const char *why)
{
	struct tamga__sig_evidence *sig;
	int error;

	if ((error = tamga__evidence_add_sig(ev, &sig)) < 0)
		return error;
	sig->kind = TAMGA__SIG_XMLDSIG;
	sig->revision = -1;
	if ((sig->id = tamga__strdup(id)) == NULL)
		return TAMGA_ENOMEM;
	return tamga__evidence_sig_format_error(sig, "%s", why);
}

/* ds:Signature elements below a direct child of the root: wrapping. */
static size_t nested_signatures(xmlNodePtr n)
{
	size_t count = 0;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (tamga__odf_is(n, TAMGA__NS_DSIG, "Signature"))
			count++;
		count += nested_signatures(n->children);
	}
	return count;
}

static int signatures(struct ctx *c, struct tamga__evidence *ev)
{
	tamga_buf raw = TAMGA_BUF_INIT;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, n;
	size_t count = 0, nested = 0;
	const tamga_error *e;
	int error;

	if ((error = tamga__zip_read_name(c->zip, TAMGA__ODF_SIGNATURES, &raw)) < 0) {
		if (error == TAMGA_ENOMEM)
			goto done;
		e = tamga_error_last();
		error = broken(ev, TAMGA__ODF_SIGNATURES, e && e->message[0] ? e->message : "cannot be read");
		goto done;
	}
	if (raw.size == 0) {
		error = broken(ev, TAMGA__ODF_SIGNATURES, "META-INF/documentsignatures.xml is empty: a signature was "
		                                          "removed or the file was damaged");
		goto done;
	}
	if ((error = tamga__xml_parse(&doc, raw.ptr, raw.size, TAMGA__ODF_SIGNATURES)) < 0) {
		if (error == TAMGA_ENOMEM)
			goto done;
		e = tamga_error_last();
		error = broken(ev, TAMGA__ODF_SIGNATURES, e && e->message[0] ? e->message : "not XML");
		goto done;
	}
	root = xmlDocGetRootElement(doc);
	if (!tamga__odf_is(root, TAMGA__NS_ODF_DSIG, "document-signatures")) {
		error = broken(ev, TAMGA__ODF_SIGNATURES, "META-INF/documentsignatures.xml: the root is not "
		                                          "document-signatures (" TAMGA__NS_ODF_DSIG ")");
		goto done;
	}
	for (n = root->children; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (tamga__odf_is(n, TAMGA__NS_DSIG, "Signature")) {
			nested += nested_signatures(n->children);
			if ((error = one_signature(c, ev, n, count++)) < 0)
				goto done;
		} else {
			nested += nested_signatures(n->children);
			if ((error = tamga__evidence_warn(ev, "%s: an element other than ds:Signature under "
			                                      "document-signatures was ignored",
			                                  TAMGA__ODF_SIGNATURES)) < 0)
				goto done;
		}
	}
	if (nested > 0)
		error = broken(ev, TAMGA__ODF_SIGNATURES, "a ds:Signature is nested inside another element of "
		                                          "META-INF/documentsignatures.xml (signature wrapping)");
	else if (count == 0)
		error = broken(ev, TAMGA__ODF_SIGNATURES, "META-INF/documentsignatures.xml holds no signature: a "
		                                          "signature was removed or the file was damaged");
done:
	xmlFreeDoc(doc);
	tamga_buf_dispose(&raw);
	return error;
}

int tamga__odf_verify(const unsigned char *data, size_t len, struct tamga__evidence *ev)
{
	struct tamga__zip *zip = NULL;
	struct ctx c;
	tamga_buf mime = TAMGA_BUF_INIT;
	const tamga_error *e;
	size_t n, i;
	int error;

	memset(&c, 0, sizeof(c));
	if ((error = tamga__zip_open(&zip, data, len)) < 0) {
		if (error == TAMGA_ENOMEM)
			goto done;
		e = tamga_error_last();
		error = tamga__evidence_error(ev, "not a readable OpenDocument package: %s",
		                              e && e->message[0] ? e->message : "bad ZIP");
		goto done;
	}
	c.zip = zip;
	if ((error = tamga__odf_mimetype(zip, &mime)) < 0) {
		if (error == TAMGA_ENOMEM)
			goto done;
		e = tamga_error_last();
		error = tamga__evidence_error(ev, "%s", e && e->message[0] ? e->message : "no mimetype");
		goto done;
	}
	c.mime = &mime;
	if ((error = tamga__odf_manifest_read(&c.manifest, zip)) == 0) {
		c.have_manifest = 1;
	} else if (error == TAMGA_ENOMEM) {
		goto done;
	} else {
		e = tamga_error_last();
		if ((c.manifest_error = tamga__strdup(e && e->message[0] ? e->message : "bad manifest")) == NULL) {
			error = TAMGA_ENOMEM;
			goto done;
		}
	}
	n = tamga__zip_count(zip);
	c.bufs = calloc(n ? n : 1, sizeof(*c.bufs));
	c.read = calloc(n ? n : 1, 1);
	c.covered = calloc(n ? n : 1, 1);
	if (c.bufs == NULL || c.read == NULL || c.covered == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if (tamga__zip_find(zip, TAMGA__ODF_MACROSIGS) >= 0 &&
	    (error = tamga__evidence_warn(ev, "%s: macro signatures sign the document's macros, not the document; "
	                                      "they are not checked and never count as document signatures",
	                                  TAMGA__ODF_MACROSIGS)) < 0)
		goto done;
	error = tamga__zip_find(zip, TAMGA__ODF_SIGNATURES) >= 0 ? signatures(&c, ev) : 0;
done:
	if (c.bufs != NULL)
		for (i = 0; i < tamga__zip_count(zip); i++)
			tamga_buf_dispose(&c.bufs[i]);
	free(c.bufs);
	free(c.read);
	free(c.covered);
	free(c.manifest_error);
	tamga__odf_manifest_free(&c.manifest);
	tamga_buf_dispose(&mime);
	tamga__zip_close(zip);
	return error < 0 && error != TAMGA_ENOMEM ? 0 : error;
}
