/*
 * formats/odf/odf.h - the OpenDocument handler's parts (internal to
 * formats/odf/).  ODF 1.2 Part 3 (packages): §3 the ZIP package and
 * META-INF/manifest.xml, §4 digital signatures in
 * META-INF/documentsignatures.xml.
 *
 *     mimetype                          stored, first: "application/vnd.oasis.opendocument.text"
 *     content.xml styles.xml meta.xml   the document (XML streams)
 *     settings.xml manifest.rdf ...
 *     Pictures/... Thumbnails/...       binary streams
 *     META-INF/manifest.xml             every file with its media type
 *     META-INF/documentsignatures.xml   <document-signatures> <ds:Signature/>... (not in the manifest)
 *
 * What LibreOffice 7.4 signs (measured with File > Digital Signatures):
 * every stream of the package but documentsignatures.xml itself, META-INF
 * files and mimetype included, directories not; one Reference per stream,
 * URI percent-encoded per path segment; C14N 1.0 for XML streams (manifest
 * media type "text/xml", or a ".xml" name when the manifest does not list
 * the file), no transform otherwise; plus a dc:date SignatureProperty and
 * XAdES SignedProperties, each referenced from SignedInfo.
 */
#ifndef TAMGA_FORMATS_ODF_ODF_H
#define TAMGA_FORMATS_ODF_ODF_H

#include <stddef.h>

#include <libxml/tree.h>

#include <tamga/common.h>

#include "formats/evidence.h"
#include "formats/format.h"

struct tamga__zip;

#define TAMGA__ODF_MIME_PREFIX "application/vnd.oasis.opendocument."
#define TAMGA__ODF_MIME_TEXT "application/vnd.oasis.opendocument.text"
#define TAMGA__ODF_MIME_SHEET "application/vnd.oasis.opendocument.spreadsheet"

#define TAMGA__ODF_SIGNATURES "META-INF/documentsignatures.xml"
#define TAMGA__ODF_MACROSIGS "META-INF/macrosignatures.xml"
#define TAMGA__ODF_MANIFEST "META-INF/manifest.xml"

/* Namespaces. */
#define TAMGA__NS_ODF_DSIG "urn:oasis:names:tc:opendocument:xmlns:digitalsignature:1.0"
#define TAMGA__NS_ODF_MANIFEST "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
#define TAMGA__NS_ODF_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define TAMGA__NS_ODF_STYLE "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define TAMGA__NS_ODF_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define TAMGA__NS_ODF_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define TAMGA__NS_ODF_DRAW "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
#define TAMGA__NS_ODF_SVG "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
#define TAMGA__NS_ODF_FO "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
#define TAMGA__NS_XLINK "http://www.w3.org/1999/xlink"

/* One file-entry of META-INF/manifest.xml. */
struct tamga__odf_entry {
	char *path;       /* manifest:full-path, as written */
	char *media_type; /* manifest:media-type, "" when absent */
	int encrypted;    /* has manifest:encryption-data */
};

struct tamga__odf_manifest {
	struct tamga__odf_entry *entries;
	size_t count;
	int encrypted;    /* some entry is encrypted */
};

/*
 * Read META-INF/manifest.xml of zip.  Errors: TAMGA_ENOTFOUND (no
 * manifest), TAMGA_EFORMAT (not XML, root not manifest:manifest, an entry
 * without full-path), TAMGA_ELIMIT, TAMGA_ENOMEM.
 */
int tamga__odf_manifest_read(struct tamga__odf_manifest *out, const struct tamga__zip *zip);
void tamga__odf_manifest_free(struct tamga__odf_manifest *m);
/* The entry for path, or NULL. */
const struct tamga__odf_entry *tamga__odf_manifest_find(const struct tamga__odf_manifest *m, const char *path);

/* 1 when LibreOffice digests the stream name after C14N (see above). */
int tamga__odf_is_xml(const struct tamga__odf_manifest *m, const char *name);

/* Append name as a Reference URI: each path segment percent-encoded
 * (RFC 3986 segment characters kept, as LibreOffice does). */
int tamga__odf_uri_encode(tamga_buf *out, const char *name);

/* The media type in the mimetype entry (the stored bytes, NUL-terminated,
 * in out), TAMGA_EFORMAT when the package does not start with it. */
int tamga__odf_mimetype(const struct tamga__zip *zip, tamga_buf *out);

/* 1 for entries that need no manifest:file-entry: mimetype and the
 * META-INF files the package itself writes. */
int tamga__odf_manifest_exempt(const char *name);

/* A name from the package made safe for messages (control bytes -> '?'),
 * malloc'd; NULL on out of memory (error set). */
char *tamga__odf_printable(const char *name);

/* Element helpers for parsed documents: the first child element of parent
 * (or, with next, the following sibling) in namespace ns named local. */
xmlNodePtr tamga__odf_child(xmlNodePtr parent, const char *ns, const char *local);
int tamga__odf_is(xmlNodePtr node, const char *ns, const char *local);

/*
 * The QR stamp (stamp.c): replaces content.xml and META-INF/manifest.xml
 * and adds the picture, through edit.  mime is the package's media type
 * (text or spreadsheet; others are TAMGA_EUNSUPPORTED).
 */
struct tamga__zip_edit;
int tamga__odf_stamp(struct tamga__zip_edit *edit, const struct tamga__zip *zip, const char *mime,
                     const struct tamga__sign_job *job);

/* The handler's operations (sign.c, verify.c). */
int tamga__odf_sign(struct tamga__sign_job *job);
int tamga__odf_verify(const unsigned char *data, size_t len, struct tamga__evidence *ev);

#endif
