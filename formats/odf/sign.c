/*
 * formats/odf/sign.c - the OpenDocument handler's sign operation: a
 * package signature in META-INF/documentsignatures.xml (ODF 1.2 Part 3
 * §4), XAdES B-B or B-T (ETSI EN 319 132-1), shaped as LibreOffice 7.4
 * writes it so that LibreOffice shows the document as signed:
 *
 *   <document-signatures xmlns="urn:oasis:names:tc:opendocument:xmlns:digitalsignature:1.0">
 *     ...earlier signatures, byte for byte...
 *     <Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="ID_s">
 *       <SignedInfo> C14N 1.0, one Reference per stream of the package
 *         (C14N for XML streams), #ID_d (dc:date), #ID_p (SignedProperties) </SignedInfo>
 *       <SignatureValue/> <KeyInfo> signer certificate </KeyInfo>
 *       <Object><SignatureProperties><SignatureProperty Id="ID_d" Target="#ID_s">
 *         <dc:date>...</dc:date></SignatureProperty></SignatureProperties></Object>
 *       <Object><xd:QualifyingProperties Target="#ID_s">...</xd:QualifyingProperties></Object>
 *     </Signature>
 *   </document-signatures>
 *
 * documentsignatures.xml is the only entry no signature covers, so a
 * second signer adds a Signature beside the first and both stay valid;
 * the stamp, which changes content.xml, is then refused.  mimetype stays
 * the first entry, stored; every entry but the ones written is copied byte
 * for byte (formats/zip).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include <libxml/tree.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/odf/odf.h"
#include "formats/xmldsig/xmldsig.h"
#include "formats/zip/zip.h"

#define C14N "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"

static const char fresh_file[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                 "<document-signatures xmlns=\"" TAMGA__NS_ODF_DSIG "\"></document-signatures>";

static int put_escaped(tamga_buf *b, const char *s)
{
	int error = 0;

	for (; *s && error == 0; s++) {
		switch (*s) {
		case '&': error = tamga__buf_puts(b, "&amp;"); break;
		case '<': error = tamga__buf_puts(b, "&lt;"); break;
		case '>': error = tamga__buf_puts(b, "&gt;"); break;
		case '"': error = tamga__buf_puts(b, "&quot;"); break;
		default: error = tamga__buf_append(b, s, 1); break;
		}
	}
	return error;
}

static int random_id(char out[40])
{
	unsigned char r[16];

	if (RAND_bytes(r, sizeof(r)) != 1)
		return tamga__error_openssl(TAMGA_ECRYPTO, "no random bytes for a signature Id");
	memcpy(out, "ID_", 3);
	tamga__hex(out + 3, r, sizeof(r));
	return 0;
}

/* ------------------------------------------------------------ package view */

/* The resolver xmldsig reads package parts through: the entries of zip. */
struct view {
	const struct tamga__zip *zip;
	tamga_buf *bufs;   /* per entry, read on first use */
	unsigned char *read;
};

static int view_read(void *payload, const char *path, const unsigned char **data, size_t *len)
{
	struct view *v = payload;
	long i = tamga__zip_find(v->zip, path);
	int error;

	if (i < 0 || strcmp(path, TAMGA__ODF_SIGNATURES) == 0)
		return tamga__error_set(TAMGA_ENOTFOUND, "no file '%s' in the package", path);
	if (!v->read[i]) {
		if ((error = tamga__zip_read(v->zip, (size_t)i, &v->bufs[i])) < 0)
			return error;
		v->read[i] = 1;
	}
	*data = v->bufs[i].ptr ? v->bufs[i].ptr : (const unsigned char *)"";
	*len = v->bufs[i].size;
	return 0;
}

static int view_init(struct view *v, const struct tamga__zip *zip)
{
	size_t n = tamga__zip_count(zip);

	v->zip = zip;
	v->bufs = calloc(n ? n : 1, sizeof(*v->bufs));
	v->read = calloc(n ? n : 1, 1);
	if (v->bufs == NULL || v->read == NULL)
		return tamga__error_oom();
	return 0;
}

static void view_free(struct view *v)
{
	size_t i, n = v->zip ? tamga__zip_count(v->zip) : 0;

	for (i = 0; v->bufs && i < n; i++)
		tamga_buf_dispose(&v->bufs[i]);
	free(v->bufs);
	free(v->read);
	memset(v, 0, sizeof(*v));
}

/* ------------------------------------------------------------ checks */

/* Every file in the manifest and every manifest file in the package:
 * LibreOffice refuses to open a package where they disagree. */
static int check_package(const struct tamga__zip *zip, const struct tamga__odf_manifest *m)
{
	size_t i;
	char *p;

	for (i = 0; i < tamga__zip_count(zip); i++) {
		const char *name = tamga__zip_name(zip, i);
		size_t len = strlen(name);

		if ((len > 0 && name[len - 1] == '/') || tamga__odf_manifest_exempt(name) ||
		    tamga__odf_manifest_find(m, name) != NULL)
			continue;
		p = tamga__odf_printable(name);
		tamga__error_set(TAMGA_EFORMAT, "the package's file '%s' is not in META-INF/manifest.xml: "
		                                "LibreOffice would not open it", p ? p : "?");
		free(p);
		return TAMGA_EFORMAT;
	}
	for (i = 0; i < m->count; i++) {
		const char *path = m->entries[i].path;
		size_t len = strlen(path);

		if ((len > 0 && path[len - 1] == '/') || tamga__zip_find(zip, path) >= 0)
			continue;
		p = tamga__odf_printable(path);
		tamga__error_set(TAMGA_EFORMAT, "META-INF/manifest.xml lists '%s', which the package does not hold",
		                 p ? p : "?");
		free(p);
		return TAMGA_EFORMAT;
	}
	if (m->encrypted)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "the document is password-protected (encrypted): "
		                                            "tamga signs only unencrypted OpenDocument files");
	return 0;
}

/* ------------------------------------------------------------ the file */

/* Where the root's end tag tag starts, when it is the last markup of data
 * (only white space after it). */
static int find_cut(const unsigned char *data, size_t len, const char *tag, size_t *cut)
{
	size_t end = len, at, k, tl = strlen(tag);

	while (end > 0 && (data[end - 1] == ' ' || data[end - 1] == '\n' || data[end - 1] == '\r' || data[end - 1] == '\t'))
		end--;
	if (end == 0 || data[end - 1] != '>')
		return 0;
	for (at = end - 1; at > 0 && !(data[at - 1] == '<' && data[at] == '/'); at--)
		;
	if (at == 0 || end - (at - 1) <= tl || memcmp(data + at - 1, tag, tl) != 0)
		return 0;
	for (k = at - 1 + tl; k < end - 1; k++)
		if (data[k] != ' ' && data[k] != '\n' && data[k] != '\r' && data[k] != '\t')
			return 0;
	*cut = at - 1;
	return 1;
}

/*
 * The existing documentsignatures.xml (or a fresh one) in file, and in
 * *cut where the new Signature goes: right before the root's end tag.
 * *count gets the Signatures it already holds.  When the end tag is not
 * the file's last markup (a comment after it, say), the file is rewritten
 * by libxml2 without what follows the root: the same infoset, so earlier
 * signatures keep verifying.
 */
static int sigfile_split(const unsigned char *data, size_t len, tamga_buf *file, size_t *cut, size_t *count)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root, c, next;
	char tag[160];
	int error;

	*count = 0;
	if ((error = tamga__xml_parse(&doc, data, len, TAMGA__ODF_SIGNATURES)) < 0) {
		tamga__error_prefix("the document's signatures cannot be read");
		goto done;
	}
	root = xmlDocGetRootElement(doc);
	if (!tamga__odf_is(root, TAMGA__NS_ODF_DSIG, "document-signatures")) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s: the root is not document-signatures in namespace %s",
		                         TAMGA__ODF_SIGNATURES, TAMGA__NS_ODF_DSIG);
		goto done;
	}
	for (c = root->children; c != NULL; c = c->next)
		if (tamga__odf_is(c, TAMGA__NS_DSIG, "Signature"))
			(*count)++;
	if (root->children == NULL) { /* <document-signatures/>: start afresh */
		data = (const unsigned char *)fresh_file;
		len = sizeof(fresh_file) - 1;
		root->ns = NULL;
	}
	snprintf(tag, sizeof(tag), "</%s%s%s", root->ns && root->ns->prefix ? (const char *)root->ns->prefix : "",
	         root->ns && root->ns->prefix ? ":" : "", (const char *)root->name);
	if (find_cut(data, len, tag, cut)) {
		error = tamga__buf_append(file, data, len);
		goto done;
	}
	for (c = root->next; c != NULL; c = next) {
		next = c->next;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	if ((error = tamga__xml_serialize(file, doc)) < 0)
		goto done;
	if (!find_cut(file->ptr, file->size, tag, cut))
		error = tamga__error_set(TAMGA_EFORMAT, "%s: cannot find where its root element ends", TAMGA__ODF_SIGNATURES);
done:
	xmlFreeDoc(doc);
	return error;
}

/* The ds:Signature template (DigestValue, SignatureValue, KeyInfo empty). */
static int template(tamga_buf *t, const struct tamga__sign_job *job, const struct tamga__zip *zip,
                    const struct tamga__odf_manifest *m, const char *sig_id, const char *date_id,
                    const char *props_id)
{
	const char *sm = tamga__xmldsig_signature_method(job->opts->signer, job->digest);
	const char *dm = tamga__xmldsig_digest_method(job->digest);
	char date[TAMGA_TIME_BUFSIZE], props_name[64];
	tamga_buf uri = TAMGA_BUF_INIT;
	size_t i;
	int error;

	if (sm == NULL || dm == NULL)
		return tamga_error_last()->code;
	tamga_time_format(date, job->now);
	snprintf(props_name, sizeof(props_name), "%s", props_id);
	if ((error = tamga__buf_printf(t, "<Signature xmlns=\"%s\" Id=\"%s\"><SignedInfo>"
	                                  "<CanonicalizationMethod Algorithm=\"%s\"/><SignatureMethod Algorithm=\"%s\"/>",
	                               TAMGA__NS_DSIG, sig_id, C14N, sm)) < 0)
		return error;
	for (i = 0; i < tamga__zip_count(zip); i++) {
		const char *name = tamga__zip_name(zip, i);
		size_t len = strlen(name);

		if ((len > 0 && name[len - 1] == '/') || strcmp(name, TAMGA__ODF_SIGNATURES) == 0)
			continue;
		uri.size = 0;
		if ((error = tamga__odf_uri_encode(&uri, name)) < 0 || (error = tamga__buf_puts(t, "<Reference URI=\"")) < 0 ||
		    (error = put_escaped(t, (const char *)uri.ptr)) < 0 || (error = tamga__buf_puts(t, "\">")) < 0 ||
		    (tamga__odf_is_xml(m, name) &&
		     (error = tamga__buf_printf(t, "<Transforms><Transform Algorithm=\"%s\"/></Transforms>", C14N)) < 0) ||
		    (error = tamga__buf_printf(t, "<DigestMethod Algorithm=\"%s\"/><DigestValue></DigestValue></Reference>",
		                               dm)) < 0)
			goto done;
	}
	/* dc:description "Tamga <code>" in its own signed property, as
	 * LibreOffice writes a description: where a verifier finds the code. */
	if ((error = tamga__buf_printf(t, "<Reference URI=\"#%s\"><DigestMethod Algorithm=\"%s\"/>"
	                                  "<DigestValue></DigestValue></Reference>"
	                                  "<Reference URI=\"#%s-desc\"><DigestMethod Algorithm=\"%s\"/>"
	                                  "<DigestValue></DigestValue></Reference>"
	                                  "<Reference URI=\"#%s\" Type=\"http://uri.etsi.org/01903#SignedProperties\">"
	                                  "<DigestMethod Algorithm=\"%s\"/><DigestValue></DigestValue></Reference>"
	                                  "</SignedInfo><SignatureValue></SignatureValue><KeyInfo></KeyInfo>"
	                                  "<Object><SignatureProperties><SignatureProperty Id=\"%s\" Target=\"#%s\">"
	                                  "<dc:date xmlns:dc=\"http://purl.org/dc/elements/1.1/\">%s</dc:date>"
	                                  "</SignatureProperty><SignatureProperty Id=\"%s-desc\" Target=\"#%s\">"
	                                  "<dc:description xmlns:dc=\"http://purl.org/dc/elements/1.1/\">Tamga %s"
	                                  "</dc:description></SignatureProperty></SignatureProperties></Object><Object>",
	                               date_id, dm, date_id, dm, props_id, dm, date_id, sig_id, date, date_id, sig_id,
	                               job->code)) < 0 ||
	    (error = tamga__xades_qualifying_properties(t, job->opts->signer, job->digest, job->now,
	                                                sig_id, props_name, 0)) < 0 ||
	    (error = tamga__buf_puts(t, "</Object></Signature>")) < 0)
		goto done;
done:
	tamga_buf_dispose(&uri);
	return error;
}

static xmlNodePtr find_signature(xmlDocPtr doc, const char *id)
{
	xmlNodePtr c;

	for (c = xmlDocGetRootElement(doc)->children; c != NULL; c = c->next) {
		xmlChar *v;
		int hit;

		if (!tamga__odf_is(c, TAMGA__NS_DSIG, "Signature"))
			continue;
		v = xmlGetProp(c, (const xmlChar *)"Id");
		hit = v != NULL && strcmp((const char *)v, id) == 0;
		xmlFree(v);
		if (hit)
			return c;
	}
	return NULL;
}

/* The new documentsignatures.xml for the package zip, appended to out. */
static int signatures_file(tamga_buf *out, const struct tamga__sign_job *job, const struct tamga__zip *zip,
                           const struct tamga__odf_manifest *m, size_t *count)
{
	tamga_buf old = TAMGA_BUF_INIT, file = TAMGA_BUF_INIT, tmpl = TAMGA_BUF_INIT, combined = TAMGA_BUF_INIT;
	struct tamga__xml_package pkg;
	struct tamga__xml_sign_options so;
	struct view v;
	xmlDocPtr doc = NULL;
	xmlNodePtr sig;
	xmlBufferPtr dump = NULL;
	char sig_id[40], date_id[40], props_id[64];
	size_t cut = 0;
	int error;

	memset(&v, 0, sizeof(v));
	if (tamga__zip_find(zip, TAMGA__ODF_SIGNATURES) >= 0) {
		if ((error = tamga__zip_read_name(zip, TAMGA__ODF_SIGNATURES, &old)) < 0 ||
		    (error = sigfile_split(old.ptr, old.size, &file, &cut, count)) < 0)
			goto done;
	} else if ((error = sigfile_split((const unsigned char *)fresh_file, sizeof(fresh_file) - 1, &file, &cut,
	                                  count)) < 0) {
		goto done;
	}
	if (*count > 0 && !job->opts->no_stamp) {
		error = tamga__error_set(TAMGA_ESTATE, "the document is already signed; adding the QR stamp would break "
		                                       "its signatures: sign with --no-stamp");
		goto done;
	}

	/* Ids unique in the file: random, and checked. */
	do {
		if ((error = random_id(sig_id)) < 0 || (error = random_id(date_id)) < 0)
			goto done;
		snprintf(props_id, sizeof(props_id), "idSignedProperties_%s", sig_id);
	} while (strstr((const char *)file.ptr, sig_id + 3) != NULL || strstr((const char *)file.ptr, date_id + 3) != NULL);

	if ((error = template(&tmpl, job, zip, m, sig_id, date_id, props_id)) < 0)
		goto done;
	/* Signed where it will stay: inside this very file, so the C14N of
	 * SignedInfo sees the namespaces the verifier will see. */
	if ((error = tamga__buf_append(&combined, file.ptr, cut)) < 0 ||
	    (error = tamga__buf_append(&combined, tmpl.ptr, tmpl.size)) < 0 ||
	    (error = tamga__buf_append(&combined, file.ptr + cut, file.size - cut)) < 0 ||
	    (error = tamga__xml_parse(&doc, combined.ptr, combined.size, TAMGA__ODF_SIGNATURES)) < 0)
		goto done;
	if ((sig = find_signature(doc, sig_id)) == NULL) {
		error = tamga__error_set(TAMGA_ERROR, "the signature template was not found after parsing");
		goto done;
	}
	if ((error = view_init(&v, zip)) < 0)
		goto done;
	pkg.read = view_read;
	pkg.payload = &v;
	memset(&so, 0, sizeof(so));
	so.signer = job->opts->signer;
	so.digest = job->digest;
	so.pkg = &pkg;
	so.tsa_url = job->opts->level == TAMGA_LEVEL_B_T || job->opts->level == TAMGA_LEVEL_B_LT ? job->opts->tsa_url
	                                                                                         : NULL;
	so.lt = job->opts->level == TAMGA_LEVEL_B_LT;
	so.revocation = (int)job->opts->revocation;
	so.crl_files = job->opts->crl_files;
	so.crl_file_count = job->opts->crl_file_count;
	if ((error = tamga__xmldsig_sign(sig, &so)) < 0)
		goto done;

	if ((dump = xmlBufferCreate()) == NULL || xmlNodeDump(dump, doc, sig, 0, 0) < 0) {
		error = tamga__error_oom();
		goto done;
	}
	if ((error = tamga__buf_append(out, file.ptr, cut)) < 0 ||
	    (error = tamga__buf_append(out, xmlBufferContent(dump), (size_t)xmlBufferLength(dump))) < 0 ||
	    (error = tamga__buf_append(out, file.ptr + cut, file.size - cut)) < 0)
		goto done;
done:
	if (dump != NULL)
		xmlBufferFree(dump);
	xmlFreeDoc(doc);
	view_free(&v);
	tamga_buf_dispose(&old);
	tamga_buf_dispose(&file);
	tamga_buf_dispose(&tmpl);
	tamga_buf_dispose(&combined);
	return error;
}

/* ------------------------------------------------------------ the operation */

int tamga__odf_sign(struct tamga__sign_job *job)
{
	const tamga_sign_options *o = job->opts;
	struct tamga__zip *zip = NULL, *stamped_zip = NULL;
	struct tamga__zip_edit *edit = NULL;
	struct tamga__odf_manifest m;
	tamga_buf mime = TAMGA_BUF_INIT, stamped = TAMGA_BUF_INIT, sigs = TAMGA_BUF_INIT, probe = TAMGA_BUF_INIT;
	const struct tamga__zip *target;
	size_t count = 0;
	int error;

	memset(&m, 0, sizeof(m));
	if ((error = tamga__xmldsig_sign_refuse(o, "OpenDocument")) < 0)
		return error;

	if ((error = tamga__zip_open(&zip, job->in, job->in_len)) < 0) {
		tamga__error_prefix("not a valid OpenDocument package");
		goto done;
	}
	if ((error = tamga__odf_mimetype(zip, &mime)) < 0 || (error = tamga__odf_manifest_read(&m, zip)) < 0 ||
	    (error = check_package(zip, &m)) < 0)
		goto done;
	target = zip;

	/* Refuse the stamp on a signed document before doing any work. */
	if (!o->no_stamp && tamga__zip_find(zip, TAMGA__ODF_SIGNATURES) >= 0) {
		tamga_buf file = TAMGA_BUF_INIT;
		size_t cut;

		if ((error = tamga__zip_read_name(zip, TAMGA__ODF_SIGNATURES, &probe)) == 0)
			error = sigfile_split(probe.ptr, probe.size, &file, &cut, &count);
		tamga_buf_dispose(&file);
		if (error < 0)
			goto done;
		if (count > 0) {
			error = tamga__error_set(TAMGA_ESTATE, "the document is already signed; adding the QR stamp would "
			                                       "break its signatures: sign with --no-stamp");
			goto done;
		}
	}

	if (!o->no_stamp) {
		if ((error = tamga__zip_edit_new(&edit, zip, job->now)) < 0 ||
		    (error = tamga__odf_stamp(edit, zip, (const char *)mime.ptr, job)) < 0 ||
		    (error = tamga__zip_edit_finish(edit, &stamped)) < 0)
			goto done;
		tamga__zip_edit_free(edit);
		edit = NULL;
		tamga__odf_manifest_free(&m);
		if ((error = tamga__zip_open(&stamped_zip, stamped.ptr, stamped.size)) < 0 ||
		    (error = tamga__odf_manifest_read(&m, stamped_zip)) < 0)
			goto done;
		target = stamped_zip;
	}

	if ((error = signatures_file(&sigs, job, target, &m, &count)) < 0 ||
	    (error = tamga__zip_edit_new(&edit, target, job->now)) < 0 ||
	    (error = tamga__zip_edit_put(edit, TAMGA__ODF_SIGNATURES, sigs.ptr, sigs.size, 0)) < 0 ||
	    (error = tamga__zip_edit_finish(edit, &job->out_tail)) < 0)
		goto done;
	job->out_prefix = NULL;
	job->out_prefix_len = 0;
done:
	tamga__zip_edit_free(edit);
	tamga__zip_close(stamped_zip);
	tamga__zip_close(zip);
	tamga__odf_manifest_free(&m);
	tamga_buf_dispose(&mime);
	tamga_buf_dispose(&stamped);
	tamga_buf_dispose(&sigs);
	tamga_buf_dispose(&probe);
	return error;
}
