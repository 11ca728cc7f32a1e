/*
 * formats/odf/odf.c - OpenDocument packages (ODF 1.2 Part 3): ODT, ODS.
 * The handler's table, its probe, and what signing and verifying share:
 * the mimetype entry, META-INF/manifest.xml, Reference URIs.
 *
 *     offset 0: PK\3\4 ... method 0 ... "mimetype" "application/vnd.oasis.opendocument.text"
 *
 * §3.3: the first entry is "mimetype", stored, without extra field
 * trouble; the probe looks at those bytes only.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/odf/odf.h"
#include "formats/xmldsig/xmldsig.h"
#include "formats/zip/zip.h"

static unsigned rd16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static int odf_probe(const unsigned char *data, size_t len)
{
	static const char prefix[] = TAMGA__ODF_MIME_PREFIX;
	size_t name_len, extra_len, at;

	if (len < 30 || memcmp(data, "PK\3\4", 4) != 0 || rd16(data + 8) != 0)
		return 0;
	name_len = rd16(data + 26);
	extra_len = rd16(data + 28);
	at = 30 + name_len + extra_len;
	if (name_len != 8 || len < at + sizeof(prefix) - 1 || memcmp(data + 30, "mimetype", 8) != 0)
		return 0;
	return memcmp(data + at, prefix, sizeof(prefix) - 1) == 0;
}

const struct tamga_format tamga__format_odf = {
	"odf", "application/vnd.oasis.opendocument", odf_probe, tamga__odf_sign, tamga__odf_verify,
};

/* ------------------------------------------------------------ helpers */

int tamga__odf_is(xmlNodePtr node, const char *ns, const char *local)
{
	return node != NULL && node->type == XML_ELEMENT_NODE && node->ns != NULL &&
	       strcmp((const char *)node->ns->href, ns) == 0 && strcmp((const char *)node->name, local) == 0;
}

xmlNodePtr tamga__odf_child(xmlNodePtr parent, const char *ns, const char *local)
{
	xmlNodePtr c;

	for (c = parent ? parent->children : NULL; c != NULL; c = c->next)
		if (tamga__odf_is(c, ns, local))
			return c;
	return NULL;
}

char *tamga__odf_printable(const char *name)
{
	char *s = tamga__strdup(name), *p;

	if (s != NULL)
		for (p = s; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
	return s;
}

int tamga__odf_mimetype(const struct tamga__zip *zip, tamga_buf *out)
{
	int error;

	if (tamga__zip_count(zip) == 0 || strcmp(tamga__zip_name(zip, 0), "mimetype") != 0 ||
	    tamga__zip_method(zip, 0) != 0)
		return tamga__error_set(TAMGA_EFORMAT, "not an OpenDocument package: the first entry must be "
		                                       "'mimetype', stored (ODF 1.2 Part 3, 3.3)");
	if (tamga__zip_size(zip, 0) > 256)
		return tamga__error_set(TAMGA_EFORMAT, "not an OpenDocument package: the mimetype entry is too long");
	if ((error = tamga__zip_read(zip, 0, out)) < 0)
		return error;
	if (out->size < sizeof(TAMGA__ODF_MIME_PREFIX) - 1 ||
	    memcmp(out->ptr, TAMGA__ODF_MIME_PREFIX, sizeof(TAMGA__ODF_MIME_PREFIX) - 1) != 0 ||
	    memchr(out->ptr, '\0', out->size) != NULL)
		return tamga__error_set(TAMGA_EFORMAT, "not an OpenDocument package: mimetype is not "
		                                       "application/vnd.oasis.opendocument.*");
	return 0;
}

int tamga__odf_manifest_exempt(const char *name)
{
	return strcmp(name, "mimetype") == 0 || strcmp(name, TAMGA__ODF_MANIFEST) == 0 ||
	       strcmp(name, TAMGA__ODF_SIGNATURES) == 0 || strcmp(name, TAMGA__ODF_MACROSIGS) == 0;
}

/* RFC 3986 segment characters LibreOffice leaves as they are
 * (rtl_UriCharClassRelSegment): unreserved and ;@&=+$, */
static int uri_plain(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       strchr("-_.!~*'();@&=+$,", c) != NULL;
}

int tamga__odf_uri_encode(tamga_buf *out, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	int error = 0;

	for (p = (const unsigned char *)name; *p && error == 0; p++) {
		if (*p == '/' || (*p != '\0' && uri_plain(*p))) {
			error = tamga__buf_append(out, p, 1);
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };

			error = tamga__buf_append(out, esc, 3);
		}
	}
	return error;
}

/* ------------------------------------------------------------ manifest */

void tamga__odf_manifest_free(struct tamga__odf_manifest *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->count; i++) {
		free(m->entries[i].path);
		free(m->entries[i].media_type);
	}
	free(m->entries);
	memset(m, 0, sizeof(*m));
}

const struct tamga__odf_entry *tamga__odf_manifest_find(const struct tamga__odf_manifest *m, const char *path)
{
	size_t i;

	for (i = 0; i < m->count; i++)
		if (strcmp(m->entries[i].path, path) == 0)
			return &m->entries[i];
	return NULL;
}

int tamga__odf_manifest_read(struct tamga__odf_manifest *out, const struct tamga__zip *zip)
{
	tamga_buf raw = TAMGA_BUF_INIT;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, c;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = tamga__zip_read_name(zip, TAMGA__ODF_MANIFEST, &raw)) < 0) {
		if (error == TAMGA_ENOTFOUND)
			tamga__error_set(error, "the package has no META-INF/manifest.xml");
		goto done;
	}
	if ((error = tamga__xml_parse(&doc, raw.ptr, raw.size, TAMGA__ODF_MANIFEST)) < 0)
		goto done;
	root = xmlDocGetRootElement(doc);
	if (!tamga__odf_is(root, TAMGA__NS_ODF_MANIFEST, "manifest")) {
		error = tamga__error_set(TAMGA_EFORMAT, "META-INF/manifest.xml: the root is not manifest:manifest");
		goto done;
	}
	for (c = root->children; c != NULL; c = c->next) {
		struct tamga__odf_entry *grown, *e;
		xmlChar *path, *type;

		if (!tamga__odf_is(c, TAMGA__NS_ODF_MANIFEST, "file-entry"))
			continue;
		path = xmlGetNsProp(c, (const xmlChar *)"full-path", (const xmlChar *)TAMGA__NS_ODF_MANIFEST);
		if (path == NULL) {
			error = tamga__error_set(TAMGA_EFORMAT, "META-INF/manifest.xml: a file-entry without full-path");
			goto done;
		}
		if ((grown = realloc(out->entries, (out->count + 1) * sizeof(*grown))) == NULL) {
			xmlFree(path);
			error = tamga__error_oom();
			goto done;
		}
		out->entries = grown;
		e = &out->entries[out->count++];
		memset(e, 0, sizeof(*e));
		type = xmlGetNsProp(c, (const xmlChar *)"media-type", (const xmlChar *)TAMGA__NS_ODF_MANIFEST);
		e->path = tamga__strdup((const char *)path);
		e->media_type = tamga__strdup(type ? (const char *)type : "");
		xmlFree(path);
		xmlFree(type);
		if (e->path == NULL || e->media_type == NULL) {
			error = TAMGA_ENOMEM;
			goto done;
		}
		e->encrypted = tamga__odf_child(c, TAMGA__NS_ODF_MANIFEST, "encryption-data") != NULL;
		out->encrypted |= e->encrypted;
	}
done:
	if (error < 0)
		tamga__odf_manifest_free(out);
	xmlFreeDoc(doc);
	tamga_buf_dispose(&raw);
	return error;
}

int tamga__odf_is_xml(const struct tamga__odf_manifest *m, const char *name)
{
	const struct tamga__odf_entry *e = m ? tamga__odf_manifest_find(m, name) : NULL;
	const char *dot;

	if (e != NULL)
		return strcmp(e->media_type, "text/xml") == 0 && !e->encrypted;
	/* mimetype, META-INF/manifest.xml, other META-INF files */
	dot = strrchr(name, '.');
	return dot != NULL && strcasecmp(dot + 1, "xml") == 0;
}
