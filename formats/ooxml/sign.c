/*
 * formats/ooxml/sign.c - the OOXML handler's sign operation: the QR stamp
 * (stamp.c), then a package signature as Microsoft Office writes it
 * (ECMA-376 Part 2 §13; XAdES per ETSI EN 319 132-1 B-B or B-T):
 *
 *     _rels/.rels                        + origin relationship (not among its SourceIds)
 *     _xmlsignatures/origin.sigs         empty
 *     _xmlsignatures/_rels/origin.sigs.rels  + signature relationship -> sigN.xml
 *     _xmlsignatures/sigN.xml            the signature, below
 *     [Content_Types].xml                + Overrides for the new parts
 *
 *     <Signature Id="idPackageSignature">
 *       <SignedInfo> C14N, SignatureMethod,
 *         Reference #idPackageObject    Type xmldsig#Object
 *         Reference #idOfficeObject     Type xmldsig#Object
 *         Reference #idSignedProperties Type 01903#SignedProperties, C14N </SignedInfo>
 *       <SignatureValue/> <KeyInfo/>   (filled by formats/xmldsig)
 *       <Object Id="idPackageObject"><Manifest> one Reference per part,
 *           URI "/part?ContentType=type"; .rels parts through the
 *           RelationshipTransform with every SourceId </Manifest>
 *         <SignatureProperties> mdssi:SignatureTime </SignatureProperties></Object>
 *       <Object Id="idOfficeObject"> SignatureInfoV1 (Office's) </Object>
 *       <Object> xades:QualifyingProperties </Object>
 *     </Signature>
 *
 * Every part is signed but the signature machinery ([Content_Types].xml is
 * not a part), so a verifier that insists on full coverage (verify.c)
 * accepts it.  Relationships parts are written without whitespace between
 * elements: xmlsec 1.2.37 (LibreOffice 7.x) digests such text unlike the
 * specification, and then no two readers agree.  A document already signed
 * keeps every byte its signatures cover: the new signature is one more
 * part, and only unsigned machinery changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/ooxml/ooxml.h"
#include "formats/ooxml/opc.h"
#include "formats/xmldsig/xmldsig.h"

#define ALG_C14N "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
#define ALG_RELS "http://schemas.openxmlformats.org/package/2006/RelationshipTransform"
#define TYPE_OBJECT "http://www.w3.org/2000/09/xmldsig#Object"
#define TYPE_SIGNED_PROPS "http://uri.etsi.org/01903#SignedProperties"
#define NS_DIGSIG "http://schemas.microsoft.com/office/2006/digsig"
#define SIG_ID "idPackageSignature"
#define MAX_SIG_PARTS 1000

/* The package being signed, reopened after the stamp. */
struct pkg {
	struct tamga__zip *zip;
	struct tamga__opc *opc;
	struct tamga__opc_reader rd;
	struct tamga__opc_sigs sigs;
};

static void pkg_close(struct pkg *p)
{
	tamga__opc_sigs_free(&p->sigs);
	tamga__opc_reader_free(&p->rd);
	tamga__opc_free(p->opc);
	tamga__zip_close(p->zip);
	memset(p, 0, sizeof(*p));
}

static int pkg_open(struct pkg *p, const unsigned char *data, size_t len)
{
	int error;

	memset(p, 0, sizeof(*p));
	if ((error = tamga__zip_open(&p->zip, data, len)) < 0 || (error = tamga__opc_open(&p->opc, p->zip)) < 0 ||
	    (error = tamga__opc_reader_init(&p->rd, p->opc)) < 0 || (error = tamga__opc_signatures(&p->sigs, &p->rd)) < 0)
		goto done;
	if (p->sigs.origin_count > 1)
		error = tamga__error_set(TAMGA_EFORMAT, "_rels/.rels names %zu signature origins", p->sigs.origin_count);
done:
	if (error < 0)
		pkg_close(p);
	return error;
}

/* The ZIP entry name for key: the existing entry's, or the key itself. */
static const char *entry_name(const struct pkg *p, const char *key)
{
	long at = tamga__opc_find(p->opc, key);

	return at >= 0 ? tamga__zip_name(p->zip, (size_t)at) : key;
}

/* ------------------------------------------------------------ XML text */

static int escape(tamga_buf *b, const char *s)
{
	int error = 0;

	for (; *s && error == 0; s++) {
		switch (*s) {
		case '&': error = tamga__buf_puts(b, "&amp;"); break;
		case '<': error = tamga__buf_puts(b, "&lt;"); break;
		case '>': error = tamga__buf_puts(b, "&gt;"); break;
		case '"': error = tamga__buf_puts(b, "&quot;"); break;
		case '\'': error = tamga__buf_puts(b, "&apos;"); break;
		default:
			/* control characters are not XML 1.0 text */
			error = tamga__buf_append(b, (unsigned char)*s < 0x20 ? " " : s, 1);
			break;
		}
	}
	return error;
}

/* ------------------------------------------------------------ the package edits */

struct plan {
	char *origin;                   /* key of the origin part */
	char *origin_rels;              /* key of its relationships part */
	char sig_key[64];               /* "_xmlsignatures/sigN.xml" */
};

static void plan_free(struct plan *pl)
{
	free(pl->origin);
	free(pl->origin_rels);
	memset(pl, 0, sizeof(*pl));
}

/* Rewrite .rels part key (whitespace out, perhaps one relationship in);
 * into the edit and the reader when it changed. */
static int rewrite_rels(struct pkg *p, struct tamga__zip_edit *edit, const char *key, const char *add_type,
                        const char *add_target, int sign_it)
{
	tamga_buf out = TAMGA_BUF_INIT;
	const unsigned char *data = NULL;
	size_t len = 0;
	int error, changed = 0;

	error = tamga__opc_read(&p->rd, key, &data, &len);
	if (error == TAMGA_ENOTFOUND) {
		tamga_error_clear();
		data = NULL;
	} else if (error < 0) {
		return error;
	}
	if ((error = tamga__opc_rels_rewrite(&out, &changed, data, len, key, add_type, add_target, NULL)) < 0 || !changed)
		goto done;
	if ((error = tamga__zip_edit_put(edit, entry_name(p, key), out.ptr, out.size, 0)) < 0)
		goto done;
	if (sign_it)
		error = tamga__opc_reader_put(&p->rd, key, out.ptr, out.size);
done:
	tamga_buf_dispose(&out);
	return error;
}

static int plan_edits(struct pkg *p, struct tamga__zip_edit *edit, struct plan *pl)
{
	const char *names[3], *types[3], *ct;
	const unsigned char *data;
	char target[96];
	size_t i, n = 0, len;
	unsigned int k;
	int error, fresh = p->sigs.count == 0;

	if (tamga__opc_find(p->opc, "_rels/.rels") < 0)
		return tamga__error_set(TAMGA_EFORMAT, "not an OOXML package: no _rels/.rels");

	/* The origin: the package's own, or a new one. */
	if (p->sigs.origin != NULL) {
		if ((pl->origin = strdup(p->sigs.origin)) == NULL)
			return tamga__error_oom();
		if (fresh && (error = rewrite_rels(p, edit, "_rels/.rels", NULL, NULL, 1)) < 0)
			return error;
	} else {
		if ((pl->origin = strdup(TAMGA__OPC_SIG_DIR "origin.sigs")) == NULL)
			return tamga__error_oom();
		if ((error = rewrite_rels(p, edit, "_rels/.rels", TAMGA__OPC_RT_ORIGIN, "_xmlsignatures/origin.sigs", 1)) < 0)
			return error;
	}
	if ((pl->origin_rels = tamga__opc_rels_of(pl->origin)) == NULL)
		return TAMGA_ENOMEM;

	/* Every other relationships part without whitespace, unless a
	 * signature covers it already (it must stay as it is). */
	for (i = 0; fresh && i < p->opc->count; i++) {
		const char *key = p->opc->keys[i];
		char *source = NULL;

		if (key == NULL || strcmp(key, "_rels/.rels") == 0 || strcmp(key, pl->origin_rels) == 0 ||
		    tamga__opc_in_sig_dir(key))
			continue;
		if ((error = tamga__opc_rels_source(&source, key)) < 0) {
			if (error != TAMGA_ENOTFOUND)
				return error;
			tamga_error_clear();
			continue;
		}
		free(source);
		if ((error = rewrite_rels(p, edit, key, NULL, NULL, 1)) < 0)
			return error;
	}

	/* The new signature part: the first free _xmlsignatures/sigN.xml. */
	for (k = 1; k <= MAX_SIG_PARTS; k++) {
		snprintf(pl->sig_key, sizeof(pl->sig_key), TAMGA__OPC_SIG_DIR "sig%u.xml", k);
		if (tamga__opc_find(p->opc, pl->sig_key) < 0)
			break;
	}
	if (k > MAX_SIG_PARTS)
		return tamga__error_set(TAMGA_ELIMIT, "the package has %d signature parts already", MAX_SIG_PARTS);
	if (strncmp(pl->origin, TAMGA__OPC_SIG_DIR, strlen(TAMGA__OPC_SIG_DIR)) == 0 &&
	    strchr(pl->origin + strlen(TAMGA__OPC_SIG_DIR), '/') == NULL)
		snprintf(target, sizeof(target), "sig%u.xml", k);
	else
		snprintf(target, sizeof(target), "/%s", pl->sig_key);

	if (tamga__opc_find(p->opc, pl->origin) < 0 &&
	    (error = tamga__zip_edit_put(edit, pl->origin, "", 0, 0)) < 0)
		return error;
	if ((error = rewrite_rels(p, edit, pl->origin_rels, TAMGA__OPC_RT_SIGNATURE, target, 0)) < 0)
		return error;

	/* Content types of what is new. */
	if ((ct = tamga__opc_content_type(p->opc, pl->origin)) == NULL || strcmp(ct, TAMGA__OPC_CT_ORIGIN) != 0) {
		names[n] = pl->origin;
		types[n++] = TAMGA__OPC_CT_ORIGIN;
	}
	if ((ct = tamga__opc_content_type(p->opc, pl->origin_rels)) == NULL || strcmp(ct, TAMGA__OPC_CT_RELS) != 0) {
		names[n] = pl->origin_rels;
		types[n++] = TAMGA__OPC_CT_RELS;
	}
	names[n] = pl->sig_key;
	types[n++] = TAMGA__OPC_CT_SIGNATURE;
	{
		tamga_buf out = TAMGA_BUF_INIT;

		if ((error = tamga__opc_read(&p->rd, TAMGA__OPC_CONTENT_TYPES, &data, &len)) < 0 ||
		    (error = tamga__opc_ct_set(&out, data, len, names, types, n)) < 0 ||
		    (error = tamga__zip_edit_put(edit, entry_name(p, TAMGA__OPC_CONTENT_TYPES), out.ptr, out.size, 0)) < 0) {
			tamga_buf_dispose(&out);
			return error;
		}
		tamga_buf_dispose(&out);
	}
	return 0;
}

/* ------------------------------------------------------------ the signature template */

static int cmp_key(const void *a, const void *b, void *keys)
{
	char **k = keys;

	return strcmp(k[*(const size_t *)a], k[*(const size_t *)b]);
}

/* One Manifest Reference for part i. */
static int manifest_ref(tamga_buf *t, struct pkg *p, size_t i, const char *digest_uri)
{
	struct tamga__opc_rels rels;
	const char *key = p->opc->keys[i], *ct = tamga__opc_content_type(p->opc, key);
	const unsigned char *data;
	char *source = NULL;
	size_t len, k;
	int error, is_rels;

	memset(&rels, 0, sizeof(rels));
	if (ct == NULL)
		return tamga__error_set(TAMGA_EFORMAT, "%s has no content type in [Content_Types].xml",
		                        p->opc->names[i]);
	is_rels = tamga__opc_rels_source(&source, key) == 0;
	free(source);
	tamga_error_clear();
	if ((error = tamga__buf_puts(t, "<Reference URI=\"/")) < 0 || (error = tamga__opc_uri_encode(t, p->opc->names[i])) < 0 ||
	    (error = tamga__buf_puts(t, "?ContentType=")) < 0 || (error = escape(t, ct)) < 0 ||
	    (error = tamga__buf_puts(t, "\">")) < 0)
		goto done;
	if (is_rels) {
		tamga_buf scratch = TAMGA_BUF_INIT;
		int spaced = 0;

		if ((error = tamga__opc_read(&p->rd, key, &data, &len)) < 0 ||
		    (error = tamga__opc_rels_parse(&rels, data, len, key)) < 0 ||
		    (error = tamga__opc_rels_rewrite(&scratch, &spaced, data, len, key, NULL, NULL, NULL)) < 0) {
			tamga_buf_dispose(&scratch);
			goto done;
		}
		tamga_buf_dispose(&scratch);
		/*
		 * Whitespace still between its elements: an earlier signature
		 * covers it, so it stays as it is, and through the transform
		 * xmlsec 1.2.37 (LibreOffice 7.x) and the specification would
		 * digest it differently.  Its bytes, untransformed, read the
		 * same everywhere (and sign every relationship it has).
		 */
		if (spaced)
			goto digest;
		if (rels.duplicate_ids) {
			error = tamga__error_set(TAMGA_EFORMAT, "%s has two relationships with one Id", p->opc->names[i]);
			goto done;
		}
		if ((error = tamga__buf_puts(t, "<Transforms><Transform Algorithm=\"" ALG_RELS "\">")) < 0)
			goto done;
		for (k = 0; k < rels.count; k++) {
			if (tamga__opc_rel_type_class(rels.rels[k].type) == 3) /* the origin: never signed */
				continue;
			if ((error = tamga__buf_puts(t, "<mdssi:RelationshipReference xmlns:mdssi=\"" TAMGA__OPC_NS_MDSSI
			                                "\" SourceId=\"")) < 0 ||
			    (error = escape(t, rels.rels[k].id)) < 0 || (error = tamga__buf_puts(t, "\"/>")) < 0)
				goto done;
		}
		if ((error = tamga__buf_puts(t, "</Transform><Transform Algorithm=\"" ALG_C14N "\"/></Transforms>")) < 0)
			goto done;
	}
digest:
	error = tamga__buf_printf(t, "<DigestMethod Algorithm=\"%s\"/><DigestValue></DigestValue></Reference>",
	                          digest_uri);
done:
	tamga__opc_rels_free(&rels);
	return error;
}

static int signed_info_ref(tamga_buf *t, const char *uri, const char *type, int c14n, const char *digest_uri)
{
	return tamga__buf_printf(t, "<Reference Type=\"%s\" URI=\"%s\">%s<DigestMethod Algorithm=\"%s\"/>"
	                            "<DigestValue></DigestValue></Reference>",
	                         type, uri,
	                         c14n ? "<Transforms><Transform Algorithm=\"" ALG_C14N "\"/></Transforms>" : "",
	                         digest_uri);
}

static int template(tamga_buf *t, struct pkg *p, const struct plan *pl, const struct tamga__sign_job *job,
                    const char *sig_method, const char *digest_uri)
{
	char when[TAMGA_TIME_BUFSIZE];
	size_t *order = NULL, n = 0, i;
	int error;

	tamga_time_format(when, job->now);
	if ((error = tamga__buf_puts(t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	                                "<Signature xmlns=\"" TAMGA__NS_DSIG "\" Id=\"" SIG_ID "\"><SignedInfo>"
	                                "<CanonicalizationMethod Algorithm=\"" ALG_C14N "\"/>")) < 0 ||
	    (error = tamga__buf_printf(t, "<SignatureMethod Algorithm=\"%s\"/>", sig_method)) < 0 ||
	    (error = signed_info_ref(t, "#idPackageObject", TYPE_OBJECT, 0, digest_uri)) < 0 ||
	    (error = signed_info_ref(t, "#idOfficeObject", TYPE_OBJECT, 0, digest_uri)) < 0 ||
	    (error = signed_info_ref(t, "#idSignedProperties", TYPE_SIGNED_PROPS, 1, digest_uri)) < 0 ||
	    (error = tamga__buf_puts(t, "</SignedInfo><SignatureValue></SignatureValue><KeyInfo></KeyInfo>"
	                                "<Object Id=\"idPackageObject\"><Manifest>")) < 0)
		goto done;

	/* Every part but the signature machinery, in name order. */
	if ((order = calloc(p->opc->count + 1, sizeof(*order))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (i = 0; i < p->opc->count; i++) {
		const char *key = p->opc->keys[i];

		if (key == NULL || strcmp(key, TAMGA__OPC_CONTENT_TYPES) == 0 || tamga__opc_in_sig_dir(key) ||
		    strcmp(key, pl->origin) == 0 || strcmp(key, pl->origin_rels) == 0)
			continue;
		order[n++] = i;
	}
	qsort_r(order, n, sizeof(*order), cmp_key, p->opc->keys);
	for (i = 0; i < n; i++)
		if ((error = manifest_ref(t, p, order[i], digest_uri)) < 0)
			goto done;

	if ((error = tamga__buf_printf(t, "</Manifest><SignatureProperties><SignatureProperty Id=\"idSignatureTime\" "
	                                  "Target=\"#" SIG_ID "\"><mdssi:SignatureTime xmlns:mdssi=\""
	                                  TAMGA__OPC_NS_MDSSI "\"><mdssi:Format>YYYY-MM-DDThh:mm:ssTZD</mdssi:Format>"
	                                  "<mdssi:Value>%s</mdssi:Value></mdssi:SignatureTime></SignatureProperty>"
	                                  "</SignatureProperties></Object>", when)) < 0)
		goto done;

	/* Office's own object: what its signature dialog shows.  The
	 * environment values are the ones Office requires to be present. */
	if ((error = tamga__buf_puts(t, "<Object Id=\"idOfficeObject\"><SignatureProperties><SignatureProperty "
	                                "Id=\"idOfficeV1Details\" Target=\"#" SIG_ID "\"><SignatureInfoV1 xmlns=\""
	                                NS_DIGSIG "\"><SetupID></SetupID><SignatureText></SignatureText>"
	                                "<SignatureImage></SignatureImage><SignatureComments>")) < 0 ||
	    /* "Tamga <code>" (then the reason): the signed place a verifier
	     * finds the document code in; Office shows it as the purpose. */
	    (error = tamga__buf_printf(t, "Tamga %s", job->code)) < 0 ||
	    (job->opts->reason != NULL && ((error = tamga__buf_puts(t, " \xe2\x80\x94 ")) < 0 ||
	                                   (error = escape(t, job->opts->reason)) < 0)) ||
	    (error = tamga__buf_printf(t, "</SignatureComments><WindowsVersion>10.0</WindowsVersion>"
	                                  "<OfficeVersion>16.0</OfficeVersion><ApplicationVersion>16.0</ApplicationVersion>"
	                                  "<Monitors>1</Monitors><HorizontalResolution>1920</HorizontalResolution>"
	                                  "<VerticalResolution>1080</VerticalResolution><ColorDepth>32</ColorDepth>"
	                                  "<SignatureProviderId>{00000000-0000-0000-0000-000000000000}"
	                                  "</SignatureProviderId><SignatureProviderUrl></SignatureProviderUrl>"
	                                  "<SignatureProviderDetails>9</SignatureProviderDetails>"
	                                  "<SignatureType>1</SignatureType>"
	                                  "<ManifestHashAlgorithm>%s</ManifestHashAlgorithm></SignatureInfoV1>"
	                                  "</SignatureProperty></SignatureProperties></Object><Object>", digest_uri)) < 0 ||
	    (error = tamga__xades_qualifying_properties(t, job->opts->signer, job->digest, job->now, SIG_ID,
	                                                "idSignedProperties", 1)) < 0 ||
	    (error = tamga__buf_puts(t, "</Object></Signature>")) < 0)
		goto done;
done:
	free(order);
	return error;
}

/* ------------------------------------------------------------ sign */

static int refuse(const struct tamga__sign_job *job)
{
	return tamga__xmldsig_sign_refuse(job->opts, "OOXML");
}

int tamga__ooxml_sign(struct tamga__sign_job *job)
{
	const tamga_sign_options *o = job->opts;
	struct tamga__xml_package xpkg = { tamga__opc_xml_read, NULL };
	struct tamga__xml_sign_options so;
	struct tamga__zip_edit *edit = NULL;
	struct plan pl;
	struct pkg p;
	tamga_buf stamped = TAMGA_BUF_INIT, t = TAMGA_BUF_INIT, sigxml = TAMGA_BUF_INIT;
	xmlDocPtr doc = NULL;
	const char *sig_method, *digest_uri;
	int error;

	memset(&p, 0, sizeof(p));
	memset(&pl, 0, sizeof(pl));
	if ((error = refuse(job)) < 0)
		return error;
	if ((sig_method = tamga__xmldsig_signature_method(o->signer, job->digest)) == NULL ||
	    (digest_uri = tamga__xmldsig_digest_method(job->digest)) == NULL)
		return tamga_error_last()->code < 0 ? tamga_error_last()->code : TAMGA_EUNSUPPORTED;
	if ((error = pkg_open(&p, job->in, job->in_len)) < 0)
		goto done;

	/* The stamp first, so the signature covers it. */
	if (!o->no_stamp) {
		struct tamga__ooxml_stamp_args a;

		if (p.sigs.count > 0) {
			error = tamga__error_set(TAMGA_EUNSUPPORTED, "the document is signed already: a QR stamp would "
			                                             "change what its %zu signature%s; add a signature "
			                                             "without one (--no-stamp)",
			                         p.sigs.count, p.sigs.count == 1 ? " covers" : "s cover");
			goto done;
		}
		memset(&a, 0, sizeof(a));
		a.url = job->url;
		a.code = job->code;
		a.lines = job->lines;
		a.line_count = job->line_count;
		a.now = job->now;
		a.last_page = o->placement == TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT;
		if ((error = tamga__ooxml_stamp(&stamped, p.zip, &a)) < 0)
			goto done;
		pkg_close(&p);
		if ((error = pkg_open(&p, stamped.ptr, stamped.size)) < 0) {
			tamga__error_prefix("the stamped package");
			goto done;
		}
	}

	if ((error = tamga__zip_edit_new(&edit, p.zip, job->now)) < 0 || (error = plan_edits(&p, edit, &pl)) < 0 ||
	    (error = template(&t, &p, &pl, job, sig_method, digest_uri)) < 0)
		goto done;
	if ((error = tamga__xml_parse(&doc, t.ptr, t.size, "the signature template")) < 0)
		goto done;
	xpkg.payload = &p.rd;
	memset(&so, 0, sizeof(so));
	so.signer = o->signer;
	so.digest = job->digest;
	so.pkg = &xpkg;
	so.tsa_url = o->level == TAMGA_LEVEL_B_T || o->level == TAMGA_LEVEL_B_LT ? o->tsa_url : NULL;
	so.lt = o->level == TAMGA_LEVEL_B_LT;
	so.revocation = (int)o->revocation;
	so.crl_files = o->crl_files;
	so.crl_file_count = o->crl_file_count;
	if ((error = tamga__xmldsig_sign(xmlDocGetRootElement(doc), &so)) < 0 ||
	    (error = tamga__xml_serialize(&sigxml, doc)) < 0 ||
	    (error = tamga__zip_edit_put(edit, pl.sig_key, sigxml.ptr, sigxml.size, 0)) < 0)
		goto done;
	job->out_prefix = NULL;
	job->out_prefix_len = 0;
	job->out_tail.size = 0;
	error = tamga__zip_edit_finish(edit, &job->out_tail);
done:
	if (error < 0 && tamga_error_last()->code == TAMGA_OK)
		tamga__error_set(error, "OOXML signing failed");
	xmlFreeDoc(doc);
	tamga__zip_edit_free(edit);
	plan_free(&pl);
	pkg_close(&p);
	tamga_buf_dispose(&stamped);
	tamga_buf_dispose(&t);
	tamga_buf_dispose(&sigxml);
	return error;
}
