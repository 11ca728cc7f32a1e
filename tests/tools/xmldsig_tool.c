/*
 * tests/tools/xmldsig_tool.c - formats/xmldsig on standalone files, for
 * tests/cli/xmldsig_interop.sh (xmlsec1 and LibreOffice are the oracles).
 *
 *   xmldsig_tool verify SIG.xml DIR
 *       every ds:Signature in SIG.xml against the package parts under DIR
 *       (the URI "/word/document.xml?ContentType=…" reads DIR/word/document.xml).
 *       One line per signature:
 *         sig N status NAME refs OK/TOTAL legacy L xades X signer_cert SHA256
 *             signing_time T timestamps K[:STATUS…] [message …]
 *       then "warning …" lines.  Exit 0 when every signature is OK, 1 if not.
 *   xmldsig_tool sign (--p12 F --pass P | --key K --cert C) [--digest D]
 *                [--tsa URL] [--ooxml] [--group TYPE]... [--no-xades] [--time RFC3339]
 *                DIR OUT.xml PART...
 *       a signature over the PARTs (paths under DIR): ODF shape (SignedInfo
 *       References, C14N for *.xml) or, with --ooxml, Office's (a Manifest in
 *       an Object; *.rels with a RelationshipTransform over all their Ids;
 *       with --group, relationships of a TYPE are selected by one
 *       RelationshipsGroupReference SourceType=TYPE instead of their Ids).
 *   xmldsig_tool sign-template (--p12 F --pass P | --key K --cert C) DIR IN.xml OUT.xml
 *       sign the first ds:Signature of IN.xml as a template (its DigestValues,
 *       SignatureValue and an empty KeyInfo are filled) over the parts under DIR.
 *   xmldsig_tool rels FILE spec|legacy SELECTOR...
 *       the RelationshipTransform + C14N output of FILE for these selectors:
 *       a SourceId, or type=URI for a SourceType.
 *
 * Exit 2 on a usage or library error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/common.h>
#include <tamga/signer.h>

#include "common/buf.h"
#include "common/fileio.h"
#include "formats/xmldsig/internal.h"
#include "formats/xmldsig/xmldsig.h"

#define FILE_MAX ((size_t)64 << 20)

struct part {
	char *path;
	tamga_buf data;
};

struct dirpkg {
	const char *dir;
	struct part parts[256];
	size_t n;
	int reads;
};

static int dir_read(void *payload, const char *path, const unsigned char **data, size_t *len)
{
	struct dirpkg *p = payload;
	char *full;
	size_t i;
	int e;

	p->reads++;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->parts[i].path, path) == 0)
			goto found;
	if (p->n == sizeof(p->parts) / sizeof(p->parts[0]))
		return TAMGA_ELIMIT;
	if ((full = tamga__path_join(p->dir, path)) == NULL)
		return TAMGA_ENOMEM;
	memset(&p->parts[i], 0, sizeof(p->parts[i]));
	e = tamga__file_read(&p->parts[i].data, full, FILE_MAX);
	free(full);
	if (e < 0)
		return TAMGA_ENOTFOUND;
	p->parts[i].path = strdup(path);
	p->n++;
found:
	*data = p->parts[i].data.ptr ? p->parts[i].data.ptr : (const unsigned char *)"";
	*len = p->parts[i].data.size;
	return 0;
}

static void dir_free(struct dirpkg *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->parts[i].path);
		tamga_buf_dispose(&p->parts[i].data);
	}
}

static void collect(xmlNodePtr n, xmlNodePtr *out, size_t *count, size_t max)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (tamga__xml_is(n, TAMGA__NS_DSIG, "Signature")) {
			if (*count < max)
				out[(*count)++] = n;
			continue;
		}
		collect(n->children, out, count, max);
	}
}

static int cmd_verify(const char *sig_path, const char *dir)
{
	tamga_buf b = TAMGA_BUF_INIT;
	struct dirpkg dp;
	struct tamga__xml_package pkg = { dir_read, &dp };
	xmlDocPtr doc = NULL;
	xmlNodePtr sigs[64];
	size_t n = 0, i, j;
	int rc = 0;

	memset(&dp, 0, sizeof(dp));
	dp.dir = dir;
	if (tamga__file_read(&b, sig_path, FILE_MAX) < 0)
		goto fail;
	if (tamga__xml_parse(&doc, b.ptr, b.size, sig_path) < 0) {
		printf("parse-error %s\n", tamga_error_last()->message);
		rc = 1;
		goto done;
	}
	collect(doc->children, sigs, &n, 64);
	if (n == 0) {
		printf("no-signature\n");
		rc = 1;
	}
	for (i = 0; i < n; i++) {
		struct tamga__xml_sig s;
		size_t ok = 0, legacy = 0;
		char fp[65] = "-", when[TAMGA_TIME_BUFSIZE] = "-";

		if (tamga__xmldsig_verify(&s, sigs[i], &pkg) < 0) {
			tamga__xml_sig_free(&s);
			goto fail;
		}
		for (j = 0; j < s.ref_count; j++) {
			ok += s.refs[j].ok;
			legacy += s.refs[j].legacy;
		}
		if (s.result.signer != NULL) {
			unsigned char md[32];
			unsigned int l = 0;

			X509_digest(s.result.signer, EVP_sha256(), md, &l);
			tamga__hex(fp, md, l);
		}
		if (s.result.signing_time)
			tamga_time_format(when, s.result.signing_time);
		printf("sig %zu status %s refs %zu/%zu legacy %zu xades %d signing_cert %d signer_cert %s signing_time %s "
		       "timestamps %zu", i, tamga__cms_status_name(s.result.status), ok, s.ref_count, legacy, s.xades,
		       s.result.has_signing_certificate, fp, when, s.result.timestamp_count);
		for (j = 0; j < s.result.timestamp_count; j++)
			printf(":%s", tamga__cms_status_name(s.result.timestamps[j].status));
		if (s.result.message)
			printf(" message %s", s.result.message);
		printf("\n");
		for (j = 0; j < s.result.warning_count; j++)
			printf("warning %s\n", s.result.warnings[j]);
		for (j = 0; j < s.ref_count; j++)
			printf("ref %s%s ok=%d legacy=%d transform=%d ids=%zu types=%zu\n",
			       s.refs[j].in_manifest ? "manifest " : "", s.refs[j].uri, s.refs[j].ok, s.refs[j].legacy,
			       s.refs[j].transform, s.refs[j].source_id_count, s.refs[j].source_type_count);
		if (s.result.status != TAMGA__CMS_OK)
			rc = 1;
		tamga__xml_sig_free(&s);
	}
	printf("reads %d\n", dp.reads);
	goto done;
fail:
	fprintf(stderr, "xmldsig_tool: %s\n", tamga_error_last()->message);
	rc = 2;
done:
	xmlFreeDoc(doc);
	tamga_buf_dispose(&b);
	dir_free(&dp);
	return rc;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int listed(char **list, size_t n, const char *v)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		if (strcmp(list[i], v) == 0)
			return 1;
	return 0;
}

/* Every Relationship Id of a .rels file, as RelationshipReference elements,
 * except those of a groups Type: a RelationshipsGroupReference each. */
static int rels_selectors(tamga_buf *t, struct dirpkg *dp, const char *path, char **groups, size_t ngroups)
{
	const unsigned char *data;
	size_t len, i;
	xmlDocPtr d = NULL;
	xmlNodePtr c;

	if (dir_read(dp, path, &data, &len) < 0 || tamga__xml_parse(&d, data, len, path) < 0)
		return -1;
	for (c = tamga__xml_first_elem(xmlDocGetRootElement(d)); c != NULL; c = tamga__xml_next_elem(c)) {
		xmlChar *id = xmlGetNoNsProp(c, (const xmlChar *)"Id"), *type = xmlGetNoNsProp(c, (const xmlChar *)"Type");

		if (id != NULL && !listed(groups, ngroups, (const char *)type))
			tamga__buf_printf(t, "<mdssi:RelationshipReference xmlns:mdssi=\"" NS_OPC_DSIG "\" SourceId=\"%s\"/>",
			                  (const char *)id);
		xmlFree(id);
		xmlFree(type);
	}
	for (i = 0; i < ngroups; i++)
		tamga__buf_printf(t, "<mdssi:RelationshipsGroupReference xmlns:mdssi=\"" NS_OPC_DSIG "\" SourceType=\"%s\"/>",
		                  groups[i]);
	xmlFreeDoc(d);
	return 0;
}

static int cmd_sign(int argc, char **argv)
{
	tamga_signer_options so = TAMGA_SIGNER_OPTIONS_INIT;
	struct tamga__xml_sign_options o;
	struct dirpkg dp;
	struct tamga__xml_package pkg = { dir_read, &dp };
	tamga_signer *signer = NULL;
	tamga_buf t = TAMGA_BUF_INIT, out = TAMGA_BUF_INIT;
	const char *digest = NULL, *tsa = NULL, *dir, *outp, *sm, *dm;
	tamga_time when = 0;
	xmlDocPtr doc = NULL;
	xmlNodePtr sig;
	char *groups[16];
	size_t ngroups = 0;
	int ooxml = 0, xades = 1, i, rc = 2;
	FILE *f;

	memset(&dp, 0, sizeof(dp));
	memset(&o, 0, sizeof(o));
	for (i = 2; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--p12") == 0 && i + 1 < argc)
			so.p12_path = argv[++i];
		else if (strcmp(argv[i], "--pass") == 0 && i + 1 < argc) {
			so.passphrase = argv[++i];
			so.passphrase_len = strlen(so.passphrase);
		} else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			so.key_path = argv[++i];
		else if (strcmp(argv[i], "--cert") == 0 && i + 1 < argc)
			so.cert_path = argv[++i];
		else if (strcmp(argv[i], "--digest") == 0 && i + 1 < argc)
			digest = argv[++i];
		else if (strcmp(argv[i], "--tsa") == 0 && i + 1 < argc)
			tsa = argv[++i];
		else if (strcmp(argv[i], "--time") == 0 && i + 1 < argc) {
			if (tamga_time_parse(&when, argv[++i]) < 0)
				goto fail;
		} else if (strcmp(argv[i], "--ooxml") == 0)
			ooxml = 1;
		else if (strcmp(argv[i], "--group") == 0 && i + 1 < argc && ngroups < 16)
			groups[ngroups++] = argv[++i];
		else if (strcmp(argv[i], "--no-xades") == 0)
			xades = 0;
		else
			return 2;
	}
	if (argc - i < 3)
		return 2;
	dir = argv[i++];
	outp = argv[i++];
	dp.dir = dir;
	if (tamga_signer_load(&signer, &so) < 0)
		goto fail;
	if ((sm = tamga__xmldsig_signature_method(signer, digest)) == NULL ||
	    (dm = tamga__xmldsig_digest_method(digest)) == NULL)
		goto fail;
	if (!ooxml)
		tamga__buf_puts(&t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<document-signatures xmlns=\""
		                "urn:oasis:names:tc:opendocument:xmlns:digitalsignature:1.0\">");
	tamga__buf_printf(&t, "<Signature xmlns=\"" TAMGA__NS_DSIG "\" Id=\"sig1\"><SignedInfo>"
	                  "<CanonicalizationMethod Algorithm=\"" ALG_C14N "\"/><SignatureMethod Algorithm=\"%s\"/>", sm);
	if (ooxml)
		tamga__buf_printf(&t, "<Reference Type=\"http://www.w3.org/2000/09/xmldsig#Object\" URI=\"#idPackageObject\">"
		                  "<DigestMethod Algorithm=\"%s\"/><DigestValue/></Reference>", dm);
	else
		for (; i < argc; i++)
			tamga__buf_printf(&t, "<Reference URI=\"%s\">%s<DigestMethod Algorithm=\"%s\"/><DigestValue/></Reference>",
			                  argv[i], ends_with(argv[i], ".xml") ? "<Transforms><Transform Algorithm=\""
			                  ALG_C14N "\"/></Transforms>" : "", dm);
	if (xades)
		tamga__buf_printf(&t, "<Reference Type=\"" TYPE_SIGNED_PROPS "\" URI=\"#idSignedProperties\"><Transforms>"
		                  "<Transform Algorithm=\"" ALG_C14N "\"/></Transforms><DigestMethod Algorithm=\"%s\"/>"
		                  "<DigestValue/></Reference>", dm);
	tamga__buf_puts(&t, "</SignedInfo><SignatureValue/><KeyInfo/>");
	if (ooxml) {
		tamga__buf_puts(&t, "<Object Id=\"idPackageObject\"><Manifest>");
		for (; i < argc; i++) {
			int rels = ends_with(argv[i], ".rels");

			tamga__buf_printf(&t, "<Reference URI=\"/%s?ContentType=%s\">", argv[i],
			                  rels ? "application/vnd.openxmlformats-package.relationships+xml" : "application/xml");
			if (rels) {
				tamga__buf_puts(&t, "<Transforms><Transform Algorithm=\"" ALG_RELS "\">");
				if (rels_selectors(&t, &dp, argv[i], groups, ngroups) < 0)
					goto fail;
				tamga__buf_puts(&t, "</Transform><Transform Algorithm=\"" ALG_C14N "\"/></Transforms>");
			}
			tamga__buf_printf(&t, "<DigestMethod Algorithm=\"%s\"/><DigestValue/></Reference>", dm);
		}
		tamga__buf_puts(&t, "</Manifest></Object>");
	}
	if (xades) {
		tamga__buf_puts(&t, "<Object>");
		if (tamga__xades_qualifying_properties(&t, signer, digest, when, "sig1", "idSignedProperties", ooxml) < 0)
			goto fail;
		tamga__buf_puts(&t, "</Object>");
	}
	tamga__buf_puts(&t, "</Signature>");
	if (!ooxml)
		tamga__buf_puts(&t, "</document-signatures>");
	if (tamga__xml_parse(&doc, t.ptr, t.size, "template") < 0)
		goto fail;
	sig = xmlDocGetRootElement(doc);
	if (!ooxml)
		sig = tamga__xml_first_elem(sig);
	o.signer = signer;
	o.digest = digest;
	o.pkg = &pkg;
	o.tsa_url = tsa;
	if (tamga__xmldsig_sign(sig, &o) < 0 || tamga__xml_serialize(&out, doc) < 0)
		goto fail;
	if ((f = fopen(outp, "wb")) == NULL || fwrite(out.ptr, 1, out.size, f) != out.size || fclose(f) != 0)
		goto fail;
	rc = 0;
	goto done;
fail:
	fprintf(stderr, "xmldsig_tool: %s\n", tamga_error_last()->message);
done:
	xmlFreeDoc(doc);
	tamga_signer_free(signer);
	tamga_buf_dispose(&t);
	tamga_buf_dispose(&out);
	dir_free(&dp);
	return rc;
}

/* Sign the first ds:Signature of a template file in place of the built-in
 * templates: for signatures shaped by the test (python) from another one. */
static int cmd_sign_template(int argc, char **argv)
{
	tamga_signer_options so = TAMGA_SIGNER_OPTIONS_INIT;
	struct tamga__xml_sign_options o;
	struct dirpkg dp;
	struct tamga__xml_package pkg = { dir_read, &dp };
	tamga_signer *signer = NULL;
	tamga_buf in = TAMGA_BUF_INIT, out = TAMGA_BUF_INIT;
	xmlDocPtr doc = NULL;
	xmlNodePtr sigs[1];
	size_t n = 0;
	int i, rc = 2;
	FILE *f;

	memset(&dp, 0, sizeof(dp));
	memset(&o, 0, sizeof(o));
	for (i = 2; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--p12") == 0 && i + 1 < argc)
			so.p12_path = argv[++i];
		else if (strcmp(argv[i], "--pass") == 0 && i + 1 < argc) {
			so.passphrase = argv[++i];
			so.passphrase_len = strlen(so.passphrase);
		} else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
			so.key_path = argv[++i];
		else if (strcmp(argv[i], "--cert") == 0 && i + 1 < argc)
			so.cert_path = argv[++i];
		else
			return 2;
	}
	if (argc - i != 3)
		return 2;
	dp.dir = argv[i];
	if (tamga_signer_load(&signer, &so) < 0 || tamga__file_read(&in, argv[i + 1], FILE_MAX) < 0 ||
	    tamga__xml_parse(&doc, in.ptr, in.size, argv[i + 1]) < 0)
		goto fail;
	collect(doc->children, sigs, &n, 1);
	if (n == 0) {
		fprintf(stderr, "xmldsig_tool: no ds:Signature in %s\n", argv[i + 1]);
		goto done;
	}
	o.signer = signer;
	o.pkg = &pkg;
	if (tamga__xmldsig_sign(sigs[0], &o) < 0 || tamga__xml_serialize(&out, doc) < 0)
		goto fail;
	if ((f = fopen(argv[i + 2], "wb")) == NULL)
		goto fail;
	if (fwrite(out.ptr, 1, out.size, f) != out.size) {
		fclose(f);
		goto fail;
	}
	if (fclose(f) != 0)
		goto fail;
	rc = 0;
	goto done;
fail:
	fprintf(stderr, "xmldsig_tool: %s\n", tamga_error_last()->message);
done:
	xmlFreeDoc(doc);
	tamga_signer_free(signer);
	tamga_buf_dispose(&in);
	tamga_buf_dispose(&out);
	dir_free(&dp);
	return rc;
}

static int cmd_rels(int argc, char **argv)
{
	tamga_buf b = TAMGA_BUF_INIT, out = TAMGA_BUF_INIT;
	xmlDocPtr d = NULL;
	char *ids[64], *types[64];
	size_t nids = 0, ntypes = 0;
	int i, rc = 2;

	if (argc < 4)
		return 2;
	for (i = 4; i < argc; i++) {
		if (nids == 64 || ntypes == 64)
			return 2;
		if (strncmp(argv[i], "type=", 5) == 0)
			types[ntypes++] = argv[i] + 5;
		else
			ids[nids++] = argv[i];
	}
	if (tamga__file_read(&b, argv[2], FILE_MAX) < 0 || tamga__xml_parse(&d, b.ptr, b.size, argv[2]) < 0 ||
	    tamga__xml_rels_transform(&out, d, ids, nids, types, ntypes, strcmp(argv[3], "legacy") == 0) < 0)
		fprintf(stderr, "xmldsig_tool: %s\n", tamga_error_last()->message);
	else {
		fwrite(out.ptr, 1, out.size, stdout);
		rc = 0;
	}
	xmlFreeDoc(d);
	tamga_buf_dispose(&b);
	tamga_buf_dispose(&out);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(argv[2], argv[3]);
	if (argc >= 2 && strcmp(argv[1], "sign") == 0)
		return cmd_sign(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "sign-template") == 0)
		return cmd_sign_template(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "rels") == 0)
		return cmd_rels(argc, argv);
	fprintf(stderr, "usage: xmldsig_tool verify SIG.xml DIR | sign ... | sign-template ... | "
	        "rels FILE spec|legacy SELECTOR...\n");
	return 2;
}
