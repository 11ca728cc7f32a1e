/*
 * formats/ooxml/stamp.c - the visible stamp of a signed OOXML document: a
 * QR code (a PNG part) and the caption as real text, on the first page of
 * a DOCX, the first sheet of an XLSX, the first slide of a PPTX.
 * ECMA-376 Part 2 (OPC: part names §9.1, relationships §9.3, content
 * types §10.1.2), Part 1 §20.4 (DrawingML: WordprocessingML drawing),
 * §20.5 (SpreadsheetML drawing), §19.3.1 (PresentationML slides).
 *
 *   _rels/.rels --officeDocument--> main part (its content type says the kind)
 *
 *   DOCX  word/document.xml   the body's first paragraph (a 1 pt one is put
 *         before a leading table) gets two runs:
 *           <w:r><w:drawing><wp:anchor> picture  (QR, bottom right of page 1)
 *           <w:r><w:drawing><wp:anchor> wps:wsp text box (caption, left of the QR)
 *         word/_rels/document.xml.rels  + image -> media/tamga-qr.png
 *   XLSX  xl/workbook.xml  first <sheet> --r:id--> worksheet
 *           worksheet <drawing r:id> --> xl/drawings/drawingN.xml (new, or the
 *           sheet's own) + one xdr:oneCellAnchor holding a group: picture, and
 *           the caption text box under it
 *   PPTX  ppt/presentation.xml  first p:sldId --r:id--> slide
 *           p:spTree + p:pic (QR) + p:sp text box, bottom right of p:sldSz
 *
 *   all:  <dir of main part>/media/tamga-qr.png (stored), a png Default in
 *         [Content_Types].xml when absent, Relationship Ids rIdTamgaQrN.
 *
 * Every part read is parsed with tamga__xml_parse (hostile input: no DTD,
 * size and depth limits); a part we change is written back with
 * tamga__xml_serialize, which neither indents nor strips.  The stamp's own
 * elements are built as small XML texts (values escaped here), parsed, and
 * copied into the part with their namespace declarations, so they do not
 * depend on the prefixes the document happens to use.  Relationship
 * targets are resolved as OPC says (relative to the source part's folder,
 * or from the package root for "/..."); a target that climbs above the
 * root, names a scheme or holds '\\', '?' or '#' is refused, and so is an
 * external relationship where a part is needed.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlstring.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/ooxml/ooxml.h"
#include "formats/qr/qr.h"
#include "formats/xmldsig/xmldsig.h"
#include "formats/zip/zip.h"

#define NS_RELS "http://schemas.openxmlformats.org/package/2006/relationships"
#define NS_CT "http://schemas.openxmlformats.org/package/2006/content-types"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_WP "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
#define NS_WPS "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
#define NS_A "http://schemas.openxmlformats.org/drawingml/2006/main"
#define NS_PIC "http://schemas.openxmlformats.org/drawingml/2006/picture"
#define NS_S "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_XDR "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
#define NS_P "http://schemas.openxmlformats.org/presentationml/2006/main"
#define NS_MC "http://schemas.openxmlformats.org/markup-compatibility/2006"
/* ISO/IEC 29500 Strict uses other namespaces: refused (TAMGA_EUNSUPPORTED). */
#define NS_STRICT_PREFIX "http://purl.oclc.org/ooxml/"

#define RT "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define RT_OFFICE_DOCUMENT RT "officeDocument"
#define RT_IMAGE RT "image"
#define RT_WORKSHEET RT "worksheet"
#define RT_DRAWING RT "drawing"
#define RT_SLIDE RT "slide"
#define RT_STRICT_OFFICE_DOCUMENT NS_STRICT_PREFIX "officeDocument/relationships/officeDocument"

#define CT_RELS "application/vnd.openxmlformats-package.relationships+xml"
#define CT_PNG "image/png"
#define CT_DRAWING "application/vnd.openxmlformats-officedocument.drawing+xml"

#define CONTENT_TYPES "[Content_Types].xml"

/* Lengths: EMU (English Metric Units), 914400 per inch, 36000 per mm. */
#define EMU_PER_MM 36000L
#define EMU_PER_TWIP 635L
/* QR PNG: 8 pixels per module at 300 dpi, 0.68 mm modules; a verification
 * URL of 43 to 62 bytes is a version 4 symbol, 41 modules with the quiet
 * zone: 27.8 mm across. */
#define QR_MODULE_PX 8
#define QR_DPI 300
#define EMU_PER_INCH 914400L
/* Caption: 8 pt text, lines 1.2 em apart, set in a box this wide. */
#define CAPTION_PT 8
#define CAPTION_LINE_EMU (CAPTION_PT * 12700L * 12 / 10)
#define CAPTION_WIDTH (80 * EMU_PER_MM)
/* Rough advance of one character at 8 pt (0.55 em), to guess how many
 * rows a caption line wraps into. */
#define CAPTION_CHAR_EMU (CAPTION_PT * 12700L * 55 / 100)
#define GAP (2 * EMU_PER_MM)
/* DOCX: the stamp's distance from the bottom of the page; printers leave
 * about 4 mm unprinted. */
#define STAMP_EDGE (6 * EMU_PER_MM)
#define LINES_MAX 16
#define LINE_BYTES_MAX 1000

#define PARTS_MAX 16
#define QUOTE_MAX TAMGA__QUOTE_MAX

/* ------------------------------------------------------------ the package */

/* A part read (and maybe changed) or added by the stamp. */
struct part {
	char *name;        /* ZIP item name as stored: no leading '/' */
	xmlDocPtr doc;     /* XML parts */
	tamga_buf bytes;   /* binary parts (the PNG) */
	int binary;
	int dirty;         /* write it into the output */
};

struct pkg {
	const struct tamga__zip *zip;
	struct part parts[PARTS_MAX];
	size_t count;
};

/* What goes on the page, the same for the three kinds. */
struct stamp {
	const struct tamga__ooxml_stamp_args *a;
	long qr_emu;             /* side of the QR picture, quiet zone included */
	char *media;             /* ZIP item name of the PNG part */
	long caption_rows;       /* rows the caption takes, wrapped at CAPTION_WIDTH */
};

/* Names from the package go into messages quoted, printable ASCII only. */
static const char *quote(char out[QUOTE_MAX], const char *s)
{
	return tamga__quote(out, s, s != NULL ? strlen(s) : 0);
}

/* OPC part names compare case-insensitively in ASCII (§9.1.1.1.2). */
static int name_eq(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return *a == *b;
}

/* Percent-decode a part name ("%D0%B0" -> bytes); NULL when it has no '%'
 * or decodes to something that cannot be a ZIP item name. */
static char *pct_decode(const char *s)
{
	static const char hex[] = "0123456789abcdef0123456789ABCDEF";
	char *out, *o;
	const char *h1, *h2;

	if (strchr(s, '%') == NULL || (out = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	for (o = out; *s != '\0'; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		if (s[1] == '\0' || s[2] == '\0' || (h1 = strchr(hex, s[1])) == NULL ||
		    (h2 = strchr(hex, s[2])) == NULL)
			goto bad;
		*o = (char)(((h1 - hex) & 15) << 4 | ((h2 - hex) & 15));
		if (*o == '\0' || *o == '/' || *o == '\\')
			goto bad;
		o++;
		s += 2;
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* The entry whose name is name, compared as OPC part names: ASCII case
 * ignored, and percent-encoded entry names decoded ("d%6Fc.xml" is
 * "doc.xml"), as the OOXML handler keys parts. */
static long zip_find_ci(const struct tamga__zip *zip, const char *name)
{
	size_t i, n = tamga__zip_count(zip);

	for (i = 0; i < n; i++) {
		const char *z = tamga__zip_name(zip, i);
		char *d;
		int same;

		if (z == NULL)
			continue;
		if (name_eq(z, name))
			return (long)i;
		if (strchr(z, '%') != NULL && (d = pct_decode(z)) != NULL) {
			same = name_eq(d, name);
			free(d);
			if (same)
				return (long)i;
		}
	}
	return -1;
}

static struct part *pkg_part(struct pkg *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		if (name_eq(p->parts[i].name, name))
			return &p->parts[i];
	return NULL;
}

static int pkg_exists(struct pkg *p, const char *name)
{
	return pkg_part(p, name) != NULL || zip_find_ci(p->zip, name) >= 0;
}

static int pkg_slot(struct pkg *p, const char *name, struct part **out)
{
	struct part *part;

	if (p->count == PARTS_MAX)
		return tamga__error_set(TAMGA_ELIMIT, "stamp: more than %d parts to change", PARTS_MAX);
	part = &p->parts[p->count];
	memset(part, 0, sizeof(*part));
	if ((part->name = tamga__strdup(name)) == NULL)
		return TAMGA_ENOMEM;
	p->count++;
	*out = part;
	return 0;
}

/* The part named name as parsed XML, or NULL in *out when the package has
 * no such part (the caller decides whether that is an error). */
static int pkg_doc_opt(struct pkg *p, const char *name, struct part **out)
{
	tamga_buf bytes = TAMGA_BUF_INIT;
	struct part *part;
	xmlDocPtr doc = NULL;
	char q[QUOTE_MAX];
	long i;
	int error = 0;

	*out = NULL;
	if ((part = pkg_part(p, name)) != NULL) {
		if (part->binary)
			return tamga__error_set(TAMGA_EFORMAT, "%s is not an XML part", quote(q, name));
		*out = part;
		return 0;
	}
	if ((i = zip_find_ci(p->zip, name)) < 0)
		return 0;
	if ((error = tamga__zip_read(p->zip, (size_t)i, &bytes)) < 0)
		goto done;
	quote(q, tamga__zip_name(p->zip, (size_t)i));
	if ((error = tamga__xml_parse(&doc, bytes.ptr, bytes.size, q)) < 0)
		goto done;
	/* The stored spelling, so that the edit replaces this very entry. */
	if ((error = pkg_slot(p, tamga__zip_name(p->zip, (size_t)i), &part)) < 0)
		goto done;
	part->doc = doc;
	doc = NULL;
	*out = part;
done:
	xmlFreeDoc(doc);
	tamga_buf_dispose(&bytes);
	return error;
}

static int pkg_doc(struct pkg *p, const char *name, const char *why, struct part **out)
{
	char q[QUOTE_MAX];
	int error;

	if ((error = pkg_doc_opt(p, name, out)) < 0)
		return error;
	if (*out == NULL)
		return tamga__error_set(TAMGA_EFORMAT, "the package has no part %s (%s)", quote(q, name), why);
	return 0;
}

static void pkg_free(struct pkg *p)
{
	size_t i;

	for (i = 0; i < p->count; i++) {
		free(p->parts[i].name);
		xmlFreeDoc(p->parts[i].doc);
		tamga_buf_dispose(&p->parts[i].bytes);
	}
	p->count = 0;
}

/* ------------------------------------------------------------ XML helpers */

static int is_el(const xmlNode *n, const char *ns, const char *local)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL && n->ns->href != NULL &&
	       strcmp((const char *)n->ns->href, ns) == 0 && strcmp((const char *)n->name, local) == 0;
}

static xmlNodePtr child_el(xmlNodePtr parent, const char *ns, const char *local)
{
	xmlNodePtr n;

	for (n = parent != NULL ? parent->children : NULL; n != NULL; n = n->next)
		if (is_el(n, ns, local))
			return n;
	return NULL;
}

/* The next node in document order under root; descend = 0 skips n's subtree. */
static xmlNodePtr next_node(xmlNodePtr n, const xmlNode *root, int descend)
{
	if (descend && n->children != NULL && n->type == XML_ELEMENT_NODE)
		return n->children;
	while (n != NULL && n != root) {
		if (n->next != NULL)
			return n->next;
		n = n->parent;
	}
	return NULL;
}

/* An attribute's value (ns NULL: no namespace), malloc'd; NULL when absent. */
static char *prop(xmlNodePtr n, const char *ns, const char *name)
{
	xmlChar *v = ns != NULL ? xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)ns)
	                        : xmlGetNoNsProp(n, (const xmlChar *)name);

	return (char *)v;
}

/* A non-negative integer attribute, or def when absent or not a plain
 * number within [lo, hi]. */
static long prop_long(xmlNodePtr n, const char *ns, const char *name, long lo, long hi, long def)
{
	char *v = n != NULL ? prop(n, ns, name) : NULL, *end;
	long r = def, x;

	if (v != NULL && v[0] >= '0' && v[0] <= '9' && strlen(v) <= 12) {
		x = strtol(v, &end, 10);
		if (*end == '\0' && x >= lo && x <= hi)
			r = x;
	}
	xmlFree(v);
	return r;
}

/* The main namespace of a root element: strict OOXML is refused. */
static int check_root(xmlNodePtr root, const char *ns, const char *local, const char *part)
{
	char q[QUOTE_MAX];

	if (is_el(root, ns, local))
		return 0;
	if (root != NULL && root->ns != NULL && root->ns->href != NULL &&
	    strncmp((const char *)root->ns->href, NS_STRICT_PREFIX, strlen(NS_STRICT_PREFIX)) == 0)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "%s is ISO/IEC 29500 Strict OOXML; tamga stamps only "
		                        "Transitional documents", quote(q, part));
	return tamga__error_set(TAMGA_EFORMAT, "%s: the root element is not %s", quote(q, part), local);
}

/* Remove the namespace declarations on el that its parent already has in
 * scope with the same prefix, pointing el's subtree at those. */
static void drop_redundant_ns(xmlNodePtr el)
{
	xmlNsPtr *link = &el->nsDef, d, have;
	xmlNodePtr n;
	xmlAttrPtr at;

	while ((d = *link) != NULL) {
		have = xmlSearchNs(el->doc, el->parent, d->prefix);
		if (have == NULL || have->href == NULL || d->href == NULL || !xmlStrEqual(have->href, d->href)) {
			link = &d->next;
			continue;
		}
		for (n = el; n != NULL; n = next_node(n, el, 1)) {
			if (n->type != XML_ELEMENT_NODE)
				continue;
			if (n->ns == d)
				n->ns = have;
			for (at = n->properties; at != NULL; at = at->next)
				if (at->ns == d)
					at->ns = have;
		}
		*link = d->next;
		d->next = NULL;
		xmlFreeNs(d);
	}
}

/*
 * Parse xml (one element, built here with its namespace declarations) and
 * put a copy of it into parent's document: before `before`, or as parent's
 * last child when before is NULL.
 */
static int graft(xmlNodePtr parent, xmlNodePtr before, const tamga_buf *xml, xmlNodePtr *out)
{
	xmlDocPtr frag = NULL;
	xmlNodePtr copy;
	int error;

	if (out != NULL)
		*out = NULL;

	if ((error = tamga__xml_parse(&frag, xml->ptr, xml->size, "stamp fragment")) < 0)
		return error;
	copy = xmlDocCopyNode(xmlDocGetRootElement(frag), parent->doc, 1);
	if (copy == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if ((before != NULL ? xmlAddPrevSibling(before, copy) : xmlAddChild(parent, copy)) == NULL) {
		xmlFreeNode(copy);
		error = tamga__error_oom();
	} else {
		/* Declarations the part already has in scope (same prefix and
		 * name) go: "<w:p xmlns:w=...>" inside w:body reads as noise. */
		drop_redundant_ns(copy);
		if (out != NULL)
			*out = copy;
	}
done:
	xmlFreeDoc(frag);
	return error;
}

/* Text for element content or an attribute value, escaped.  Checked by
 * check_text before. */
static int put_text(tamga_buf *b, const char *s)
{
	int error = 0;

	for (; *s != '\0' && error == 0; s++) {
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

/* Caption text must be UTF-8 that XML 1.0 can hold on one line. */
static int check_text(const char *s, const char *what)
{
	const unsigned char *u;

	if (s == NULL)
		return tamga__error_set(TAMGA_EINVAL, "stamp: no %s", what);
	if (strlen(s) > LINE_BYTES_MAX)
		return tamga__error_set(TAMGA_EINVAL, "stamp: the %s is longer than %d bytes", what, LINE_BYTES_MAX);
	if (!xmlCheckUTF8((const xmlChar *)s))
		return tamga__error_set(TAMGA_EINVAL, "stamp: the %s is not UTF-8", what);
	for (u = (const unsigned char *)s; *u != '\0'; u++) {
		if (*u < 0x20 || *u == 0x7f)
			return tamga__error_set(TAMGA_EINVAL, "stamp: the %s holds a control character", what);
		/* U+FFFE and U+FFFF are not XML characters (EF BF BE, EF BF BF). */
		if (u[0] == 0xef && u[1] == 0xbf && (u[2] == 0xbe || u[2] == 0xbf))
			return tamga__error_set(TAMGA_EINVAL, "stamp: the %s holds U+FFFE or U+FFFF", what);
	}
	return 0;
}

/* Code points of a UTF-8 string. */
static size_t utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* ------------------------------------------------------------ part names */

/* "a/b/c.xml" -> "a/b/_rels/c.xml.rels"; "" (the package) -> "_rels/.rels". */
static char *rels_name(const char *source)
{
	const char *slash = strrchr(source, '/');
	size_t dir = slash != NULL ? (size_t)(slash - source + 1) : 0;
	tamga_buf b = TAMGA_BUF_INIT;

	if (tamga__buf_append(&b, source, dir) < 0 || tamga__buf_printf(&b, "_rels/%s.rels", source + dir) < 0) {
		tamga_buf_dispose(&b);
		return NULL;
	}
	if (b.ptr == NULL)
		return tamga__strdup("");
	return (char *)b.ptr;
}

/*
 * Resolve a relationship target against its source part (§9.3.5, RFC 3986
 * §5.2 on the pack URI): "media/x.png" from "word/document.xml" is
 * "word/media/x.png", "/ppt/x.xml" is from the root, ".." climbs one
 * folder and may not climb above the root.  Then find the part, as
 * written or percent-decoded.  *out is the ZIP item name (malloc'd).
 */
static int resolve_target(struct pkg *p, const char *source, const char *target, char **out)
{
	tamga_buf b = TAMGA_BUF_INIT;
	const char *s, *e, *colon, *slash;
	char q1[QUOTE_MAX], q2[QUOTE_MAX], *decoded = NULL;
	int error = 0;

	*out = NULL;
	colon = strchr(target, ':');
	slash = strchr(target, '/');
	if (target[0] == '\0' || strpbrk(target, "\\?#") != NULL || (colon != NULL && (slash == NULL || colon < slash))) {
		error = tamga__error_set(TAMGA_EFORMAT, "relationship target %s of %s is not a part name",
		                         quote(q1, target), quote(q2, source[0] != '\0' ? source : "/"));
		goto done;
	}
	if (target[0] != '/' && (slash = strrchr(source, '/')) != NULL &&
	    (error = tamga__buf_append(&b, source, (size_t)(slash - source + 1))) < 0)
		goto done;
	for (s = target[0] == '/' ? target + 1 : target; *s != '\0'; s = *e == '/' ? e + 1 : e) {
		e = s + strcspn(s, "/");
		if (e == s) {
			error = tamga__error_set(TAMGA_EFORMAT, "relationship target %s of %s has an empty segment",
			                         quote(q1, target), quote(q2, source[0] != '\0' ? source : "/"));
			goto done;
		}
		if (e - s == 1 && s[0] == '.')
			continue;
		if (e - s == 2 && s[0] == '.' && s[1] == '.') {
			if (b.size == 0) {
				error = tamga__error_set(TAMGA_EFORMAT, "relationship target %s of %s leaves the package",
				                         quote(q1, target), quote(q2, source[0] != '\0' ? source : "/"));
				goto done;
			}
			b.size--; /* the folder's '/' */
			while (b.size > 0 && b.ptr[b.size - 1] != '/')
				b.size--;
			b.ptr[b.size] = '\0';
			continue;
		}
		if ((error = tamga__buf_append(&b, s, (size_t)(e - s))) < 0 ||
		    (*e == '/' && (error = tamga__buf_puts(&b, "/")) < 0))
			goto done;
	}
	if (b.size == 0 || b.ptr[b.size - 1] == '/') {
		error = tamga__error_set(TAMGA_EFORMAT, "relationship target %s of %s names a folder, not a part",
		                         quote(q1, target), quote(q2, source[0] != '\0' ? source : "/"));
		goto done;
	}
	if (!pkg_exists(p, (char *)b.ptr) && (decoded = pct_decode((char *)b.ptr)) != NULL && pkg_exists(p, decoded)) {
		*out = decoded;
		decoded = NULL;
		goto done;
	}
	*out = (char *)b.ptr;
	b.ptr = NULL;
done:
	free(decoded);
	tamga_buf_dispose(&b);
	return error;
}

/* The relative reference from part `from` to part `to`, both ZIP item
 * names: "word/document.xml" -> "word/media/a.png" is "media/a.png",
 * "xl/drawings/d.xml" -> "xl/media/a.png" is "../media/a.png". */
static char *relative_ref(const char *from, const char *to)
{
	tamga_buf b = TAMGA_BUF_INIT;
	size_t common = 0, i;
	const char *f;
	int error = 0;

	/* Longest common run of whole folders. */
	for (i = 0; from[i] != '\0' && from[i] == to[i]; i++)
		if (from[i] == '/')
			common = i + 1;
	for (f = from + common; (f = strchr(f, '/')) != NULL && error == 0; f++)
		error = tamga__buf_puts(&b, "../");
	if (error == 0)
		error = tamga__buf_puts(&b, to + common);
	if (error < 0) {
		tamga_buf_dispose(&b);
		return NULL;
	}
	return (char *)b.ptr;
}

/* An unused name prefix + N + suffix (N from 1; "" for N = 1 when
 * bare_first), case-insensitively absent from the package. */
static char *unused_name(struct pkg *p, const char *prefix, const char *suffix, int bare_first)
{
	tamga_buf b = TAMGA_BUF_INIT;
	unsigned n;

	for (n = 1; n < 1000; n++) {
		b.size = 0;
		if ((n == 1 && bare_first ? tamga__buf_printf(&b, "%s%s", prefix, suffix)
		                          : tamga__buf_printf(&b, "%s%u%s", prefix, n, suffix)) < 0)
			break;
		if (!pkg_exists(p, (char *)b.ptr))
			return (char *)b.ptr;
	}
	tamga_buf_dispose(&b);
	if (n == 1000)
		tamga__error_set(TAMGA_ELIMIT, "stamp: no free part name like %s%s", prefix, suffix);
	return NULL;
}

/* ------------------------------------------------------------ relationships */

static int rels_root(struct part *rels, xmlNodePtr *out)
{
	char q[QUOTE_MAX];

	*out = xmlDocGetRootElement(rels->doc);
	if (!is_el(*out, NS_RELS, "Relationships"))
		return tamga__error_set(TAMGA_EFORMAT, "%s is not a Relationships part", quote(q, rels->name));
	return 0;
}

/*
 * The part that source's relationship (chosen by Id, or else by Type: then
 * there must be exactly one) targets, with its Type checked when both are
 * given.
 */
static int rel_target(struct pkg *p, const char *source, const char *id, const char *type, char **out)
{
	struct part *rels = NULL;
	xmlNodePtr root, n, found = NULL;
	char *rname = NULL, *v = NULL, *target = NULL, *mode = NULL;
	char q1[QUOTE_MAX], q2[QUOTE_MAX];
	int error = 0, count = 0;

	*out = NULL;
	if ((rname = rels_name(source)) == NULL)
		return TAMGA_ENOMEM;
	if ((error = pkg_doc_opt(p, rname, &rels)) < 0)
		goto done;
	if (rels != NULL) {
		if ((error = rels_root(rels, &root)) < 0)
			goto done;
		for (n = root->children; n != NULL; n = n->next) {
			if (!is_el(n, NS_RELS, "Relationship"))
				continue;
			v = prop(n, NULL, id != NULL ? "Id" : "Type");
			if (v != NULL && strcmp(v, id != NULL ? id : type) == 0) {
				found = n;
				count++;
			}
			xmlFree(v);
			v = NULL;
		}
	}
	if (count == 0) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s has no relationship %s %s", quote(q1, rname),
		                         id != NULL ? "with Id" : "of type", quote(q2, id != NULL ? id : type));
		goto done;
	}
	if (count > 1) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s has %d relationships %s %s", quote(q1, rname), count,
		                         id != NULL ? "with Id" : "of type", quote(q2, id != NULL ? id : type));
		goto done;
	}
	if (id != NULL && type != NULL) {
		v = prop(found, NULL, "Type");
		if (v == NULL || strcmp(v, type) != 0) {
			error = tamga__error_set(TAMGA_EUNSUPPORTED, "relationship %s of %s is of type %s, not %s",
			                         quote(q1, id), quote(q2, source), v != NULL ? v : "(none)", type);
			goto done;
		}
	}
	mode = prop(found, NULL, "TargetMode");
	if (mode != NULL && strcmp(mode, "Internal") != 0) {
		error = tamga__error_set(TAMGA_EUNSUPPORTED, "%s: the relationship to stamp through is external",
		                         quote(q1, rname));
		goto done;
	}
	if ((target = prop(found, NULL, "Target")) == NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s: a relationship without Target", quote(q1, rname));
		goto done;
	}
	error = resolve_target(p, source, target, out);
done:
	xmlFree(v);
	xmlFree(mode);
	xmlFree(target);
	free(rname);
	return error;
}

/* Whether the .rels part rels_part, already read, has a relationship of
 * type (sets no error). */
static int has_rel_type(struct pkg *p, const char *rels_part, const char *type)
{
	struct part *rels = pkg_part(p, rels_part);
	xmlNodePtr root, n;
	int found = 0;

	if (rels == NULL || rels->doc == NULL || !is_el(root = xmlDocGetRootElement(rels->doc), NS_RELS, "Relationships"))
		return 0;
	for (n = root->children; n != NULL && !found; n = n->next) {
		char *v = is_el(n, NS_RELS, "Relationship") ? prop(n, NULL, "Type") : NULL;

		found = v != NULL && strcmp(v, type) == 0;
		xmlFree(v);
	}
	return found;
}

/*
 * Add a relationship of type from source to the part to, creating the
 * .rels part when absent; its Id (rIdTamgaQrN, unused in that part) goes to
 * *out_id (malloc'd).  The .rels part is written without whitespace
 * between elements: the package signature digests it.
 */
static int rel_add(struct pkg *p, const char *source, const char *type, const char *to, char **out_id)
{
	static const char empty[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
	                            "<Relationships xmlns=\"" NS_RELS "\"/>";
	struct part *rels = NULL;
	xmlNodePtr root, n, next, rel;
	char *rname = NULL, *ref = NULL, id[32], *v;
	unsigned k;
	int error = 0, clash;

	*out_id = NULL;
	if ((rname = rels_name(source)) == NULL)
		return TAMGA_ENOMEM;
	if ((error = pkg_doc_opt(p, rname, &rels)) < 0)
		goto done;
	if (rels == NULL) {
		xmlDocPtr doc = NULL;

		if ((error = tamga__xml_parse(&doc, (const unsigned char *)empty, sizeof(empty) - 1, rname)) < 0)
			goto done;
		if ((error = pkg_slot(p, rname, &rels)) < 0) {
			xmlFreeDoc(doc);
			goto done;
		}
		rels->doc = doc;
	}
	if ((error = rels_root(rels, &root)) < 0)
		goto done;
	/* Whitespace between the elements goes (LibreOffice writes a newline). */
	for (n = root->children; n != NULL; n = next) {
		next = n->next;
		if (n->type == XML_TEXT_NODE && xmlIsBlankNode(n)) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		}
	}
	for (k = 1;; k++) {
		if (k > 1000) {
			error = tamga__error_set(TAMGA_ELIMIT, "%s: no free relationship Id", rname);
			goto done;
		}
		snprintf(id, sizeof(id), "rIdTamgaQr%u", k);
		clash = 0;
		for (n = root->children; n != NULL && !clash; n = n->next) {
			if (n->type != XML_ELEMENT_NODE || (v = prop(n, NULL, "Id")) == NULL)
				continue;
			clash = strcmp(v, id) == 0;
			xmlFree(v);
		}
		if (!clash)
			break;
	}
	if ((ref = relative_ref(source, to)) == NULL) {
		error = TAMGA_ENOMEM;
		goto done;
	}
	if ((rel = xmlNewChild(root, root->ns, (const xmlChar *)"Relationship", NULL)) == NULL ||
	    xmlNewProp(rel, (const xmlChar *)"Id", (const xmlChar *)id) == NULL ||
	    xmlNewProp(rel, (const xmlChar *)"Type", (const xmlChar *)type) == NULL ||
	    xmlNewProp(rel, (const xmlChar *)"Target", (const xmlChar *)ref) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	rels->dirty = 1;
	if ((*out_id = tamga__strdup(id)) == NULL)
		error = TAMGA_ENOMEM;
done:
	free(ref);
	free(rname);
	return error;
}

/* ------------------------------------------------------------ content types */

static int ct_root(struct pkg *p, struct part **ct, xmlNodePtr *root)
{
	int error;

	if ((error = pkg_doc(p, CONTENT_TYPES, "content types", ct)) < 0)
		return error;
	*root = xmlDocGetRootElement((*ct)->doc);
	if (!is_el(*root, NS_CT, "Types"))
		return tamga__error_set(TAMGA_EFORMAT, "[Content_Types].xml: the root element is not Types");
	return 0;
}

/* The content type of a part (§10.1.2.4: an Override, else the Default for
 * its extension), malloc'd; NULL when none. */
static int ct_of(struct pkg *p, const char *part, char **out)
{
	struct part *ct;
	xmlNodePtr root, n;
	const char *base = strrchr(part, '/'), *ext;
	char *v, *def = NULL;
	int error;

	*out = NULL;
	if ((error = ct_root(p, &ct, &root)) < 0)
		return error;
	ext = strrchr(base != NULL ? base : part, '.');
	for (n = root->children; n != NULL; n = n->next) {
		if (is_el(n, NS_CT, "Override")) {
			if ((v = prop(n, NULL, "PartName")) != NULL && v[0] == '/' && name_eq(v + 1, part)) {
				xmlFree(v);
				xmlFree(def);
				*out = prop(n, NULL, "ContentType");
				return 0;
			}
			xmlFree(v);
		} else if (is_el(n, NS_CT, "Default") && ext != NULL && def == NULL) {
			if ((v = prop(n, NULL, "Extension")) != NULL && name_eq(v, ext + 1))
				def = prop(n, NULL, "ContentType");
			xmlFree(v);
		}
	}
	*out = def;
	return 0;
}

static int ct_add(struct pkg *p, const char *kind, const char *key, const char *value, const char *ctype)
{
	struct part *ct;
	xmlNodePtr root, n, el;
	int error;

	if ((error = ct_root(p, &ct, &root)) < 0)
		return error;
	/* An Override for the part already there (naming a part that is not):
	 * change it rather than add a second one. */
	for (n = root->children; n != NULL && strcmp(kind, "Override") == 0; n = n->next) {
		char *v;
		int same;

		if (!is_el(n, NS_CT, "Override") || (v = prop(n, NULL, "PartName")) == NULL)
			continue;
		same = name_eq(v, value);
		xmlFree(v);
		if (same) {
			if (xmlSetProp(n, (const xmlChar *)"ContentType", (const xmlChar *)ctype) == NULL)
				return tamga__error_oom();
			ct->dirty = 1;
			return 0;
		}
	}
	if ((el = xmlNewDocNode(ct->doc, root->ns, (const xmlChar *)kind, NULL)) == NULL)
		return tamga__error_oom();
	if (xmlNewProp(el, (const xmlChar *)key, (const xmlChar *)value) == NULL ||
	    xmlNewProp(el, (const xmlChar *)"ContentType", (const xmlChar *)ctype) == NULL) {
		xmlFreeNode(el);
		return tamga__error_oom();
	}
	/* Defaults first, as writers put them; Overrides at the end. */
	n = NULL;
	if (strcmp(kind, "Default") == 0)
		for (n = root->children; n != NULL && !is_el(n, NS_CT, "Override"); n = n->next)
			;
	if ((n != NULL ? xmlAddPrevSibling(n, el) : xmlAddChild(root, el)) == NULL) {
		xmlFreeNode(el);
		return tamga__error_oom();
	}
	ct->dirty = 1;
	return 0;
}

/* Make part's content type ctype: nothing when it already is, a Default
 * for its extension when there is none, else an Override. */
static int ct_ensure(struct pkg *p, const char *part, const char *ctype, int may_default)
{
	const char *base = strrchr(part, '/'), *ext;
	char *have = NULL, *name = NULL;
	int error;

	if ((error = ct_of(p, part, &have)) < 0)
		return error;
	ext = strrchr(base != NULL ? base : part, '.');
	if (have != NULL && strcmp(have, ctype) == 0)
		goto done;
	if (have == NULL && may_default && ext != NULL) {
		error = ct_add(p, "Default", "Extension", ext + 1, ctype);
		goto done;
	}
	if ((name = malloc(strlen(part) + 2)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	name[0] = '/';
	strcpy(name + 1, part);
	error = ct_add(p, "Override", "PartName", name, ctype);
done:
	free(name);
	xmlFree(have);
	return error;
}

/* ------------------------------------------------------------ the stamp's text */

/* The stamp's lines: the caption, then the code on its own (bold) unless a
 * caption line already shows it (the signing pipeline's "Код / Code: ..."). */
static size_t text_lines(const struct tamga__ooxml_stamp_args *a)
{
	size_t i;

	for (i = 0; i < a->line_count; i++)
		if (strstr(a->lines[i], a->code) != NULL)
			return a->line_count;
	return a->line_count + 1;
}

static const char *text_line(const struct tamga__ooxml_stamp_args *a, size_t i)
{
	return i < a->line_count ? a->lines[i] : a->code;
}

/* WordprocessingML paragraphs, one per caption line and one for the code. */
static int docx_paras(tamga_buf *b, const struct tamga__ooxml_stamp_args *a)
{
	size_t i;
	int error = 0;

	for (i = 0; i < text_lines(a) && error == 0; i++) {
		const char *text = text_line(a, i);

		if ((error = tamga__buf_printf(b, "<w:p><w:pPr><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" "
		                                  "w:lineRule=\"auto\"/><w:ind w:left=\"0\" w:right=\"0\" "
		                                  "w:firstLine=\"0\"/><w:jc w:val=\"right\"/></w:pPr><w:r><w:rPr>%s"
		                                  "<w:color w:val=\"000000\"/><w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>"
		                                  "</w:rPr><w:t xml:space=\"preserve\">",
		                               i == a->line_count ? "<w:b/>" : "", CAPTION_PT * 2, CAPTION_PT * 2)) < 0 ||
		    (error = put_text(b, text)) < 0)
			break;
		error = tamga__buf_puts(b, "</w:t></w:r></w:p>");
	}
	return error;
}

/* DrawingML paragraphs (a:p), for XLSX and PPTX text boxes. */
static int dml_paras(tamga_buf *b, const struct tamga__ooxml_stamp_args *a, const char *algn)
{
	size_t i;
	int error = 0;

	for (i = 0; i < text_lines(a) && error == 0; i++) {
		const char *text = text_line(a, i);

		if ((error = tamga__buf_printf(b, "<a:p><a:pPr algn=\"%s\"/><a:r><a:rPr lang=\"mn-MN\" sz=\"%d\" b=\"%d\">"
		                                  "<a:solidFill><a:srgbClr val=\"000000\"/></a:solidFill></a:rPr><a:t>",
		                               algn, CAPTION_PT * 100, i == a->line_count)) < 0 ||
		    (error = put_text(b, text)) < 0)
			break;
		error = tamga__buf_puts(b, "</a:t></a:r></a:p>");
	}
	return error;
}

/* Height of the caption box: its rows (lines wrapped at width) plus one. */
static long caption_height(const struct stamp *s, long width)
{
	long per_row = width / CAPTION_CHAR_EMU, rows = 0;
	size_t i;

	if (per_row < 1)
		per_row = 1;
	for (i = 0; i < text_lines(s->a); i++) {
		long n = (long)utf8_len(text_line(s->a, i));

		rows += n == 0 ? 1 : (n + per_row - 1) / per_row;
	}
	return (rows + 1) * CAPTION_LINE_EMU;
}

/* The caption box left of the QR code (DOCX page, PPTX slide), bottoms
 * aligned, at least as tall as the code; everything clamped to the page's
 * top left.  margin: room kept free left of the caption. */
static void caption_box(const struct stamp *s, long margin, long *qr_x, long *qr_y, long *cap_x, long *cap_y,
                        long *cap_w, long *cap_h)
{
	if (*qr_x < 0)
		*qr_x = 0;
	if (*qr_y < 0)
		*qr_y = 0;
	*cap_w = *qr_x - GAP - margin;
	if (*cap_w > CAPTION_WIDTH)
		*cap_w = CAPTION_WIDTH;
	if (*cap_w < 20 * EMU_PER_MM)
		*cap_w = 20 * EMU_PER_MM;
	*cap_x = *qr_x - GAP - *cap_w;
	if (*cap_x < 0)
		*cap_x = 0;
	*cap_h = caption_height(s, *cap_w);
	if (*cap_h < s->qr_emu)
		*cap_h = s->qr_emu;
	*cap_y = *qr_y + s->qr_emu - *cap_h;
	if (*cap_y < 0)
		*cap_y = 0;
}

/* ------------------------------------------------------------ DOCX */

/*
 * The paragraph to anchor the stamp in: the body's first block when it is
 * a paragraph, looking into block-level content controls and custom XML.
 * When the body starts with anything else (a table), *para stays NULL and
 * *block is that element.  Not a paragraph in a table cell: LibreOffice
 * 7.4 keeps an object anchored there inside its cell, whatever
 * layoutInCell says, and grows the row to hold it - which moved the rest
 * of a one-page document to a second page.
 */
static void first_block(xmlNodePtr container, xmlNodePtr *para, xmlNodePtr *block, int depth)
{
	xmlNodePtr n;

	for (n = container->children; n != NULL && depth < TAMGA__XML_MAX_DEPTH; n = n->next) {
		if (is_el(n, NS_W, "p")) {
			*para = n;
			return;
		}
		if (is_el(n, NS_W, "sdt") || is_el(n, NS_W, "customXml")) {
			xmlNodePtr inner = is_el(n, NS_W, "sdt") ? child_el(n, NS_W, "sdtContent") : n;

			if (inner != NULL)
				first_block(inner, para, block, depth + 1);
			if (*para != NULL || *block != NULL)
				return;
			continue;
		}
		if (is_el(n, NS_W, "tbl") || is_el(n, NS_W, "sectPr") || is_el(n, NS_W, "altChunk")) {
			*block = n;
			return;
		}
	}
}

/*
 * DOCX.  Two anchored drawings (wp:anchor, wrapNone, positioned from the
 * page edges) in the first paragraph of the body: the QR picture, its
 * right edge on the right margin and its bottom STAMP_EDGE above the
 * bottom of the page (or on the bottom margin when that is narrower), and
 * a DrawingML text box (wps:wsp) with the caption to its left, the text
 * bottom-aligned with the QR.  Anchored objects take no room in the text
 * flow, so the body's layout and page count stay as they were.  The stamp
 * lies over what is in that corner: mostly the bottom margin, so the
 * caption's few lines stay below the text area of a typical page (2 cm
 * margins), while the QR covers the right end of the last lines of a full
 * page.  The caption box has no fill, so it hides nothing.
 *
 * Why not a first-page footer: a footer takes room from the body (a
 * 30 mm stamp would move text to the next page), needs w:titlePg on the
 * first section and a footer part for it, and interacts with existing
 * first-page footers.  Why two anchors and not a wpg group: LibreOffice
 * 7.4 lays out a wps text box anchored on its own reliably, while text
 * boxes inside groups are a recent addition there.  Tried with
 * LibreOffice 7.4 (tests/cli/ooxml_stamp.sh renders and scans it).
 *
 * The last page (a->last_page) is not offered: where the last page begins
 * depends on the renderer's layout, which a package editor cannot know.
 * The stamp falls back to the first page.
 */
static int stamp_docx(struct pkg *p, const char *main_part, struct stamp *s)
{
	struct part *doc;
	xmlNodePtr root, body, n, para = NULL, block = NULL, sect = NULL, pg, mar, before;
	tamga_buf x = TAMGA_BUF_INIT;
	char *rid = NULL, q[QUOTE_MAX];
	long page_w, page_h, right, bottom, qr_x, qr_y, cap_w, cap_h, cap_x, cap_y;
	unsigned long max_id = 0;
	int error, skip = 0;

	if ((error = pkg_doc(p, main_part, "the main document", &doc)) < 0)
		return error;
	root = xmlDocGetRootElement(doc->doc);
	if ((error = check_root(root, NS_W, "document", main_part)) < 0)
		return error;
	if ((body = child_el(root, NS_W, "body")) == NULL)
		return tamga__error_set(TAMGA_EFORMAT, "%s has no w:body", quote(q, main_part));
	/* The first section's properties (a sectPr in a paragraph ends the
	 * first section, the body's own sectPr is the last one's), not those
	 * of a text box story or a tracked change. */
	for (n = body; n != NULL; n = next_node(n, body, !skip)) {
		skip = is_el(n, NS_W, "txbxContent") || is_el(n, NS_W, "sectPrChange") || is_el(n, NS_MC, "Fallback");
		if (is_el(n, NS_W, "sectPr")) {
			sect = n;
			break;
		}
	}
	first_block(body, &para, &block, 0);
	for (n = xmlDocGetRootElement(doc->doc); n != NULL; n = next_node(n, root, 1)) {
		if (is_el(n, NS_WP, "docPr")) {
			long id = prop_long(n, NULL, "id", 0, LONG_MAX, 0);

			if ((unsigned long)id > max_id)
				max_id = (unsigned long)id;
		}
	}
	if (max_id > 0xFFFFFFF0UL)
		max_id = 1000; /* docPr ids should be unique; a hostile maximum only costs that */

	/* Page geometry in twips (ECMA-376 Part 1 §17.6.13, §17.6.11); A4 with
	 * 1 inch margins when absent or implausible. */
	pg = child_el(sect, NS_W, "pgSz");
	mar = child_el(sect, NS_W, "pgMar");
	page_w = prop_long(pg, NS_W, "w", 2000, 60000, 11906) * EMU_PER_TWIP;
	page_h = prop_long(pg, NS_W, "h", 2000, 60000, 16838) * EMU_PER_TWIP;
	right = prop_long(mar, NS_W, "right", 0, 20000, 1440) * EMU_PER_TWIP;
	bottom = prop_long(mar, NS_W, "bottom", 0, 20000, 1440) * EMU_PER_TWIP;
	if (right > page_w / 3)
		right = page_w / 3;
	if (bottom > page_h / 3)
		bottom = page_h / 3;
	qr_x = page_w - right - s->qr_emu;
	qr_y = page_h - (bottom < STAMP_EDGE ? bottom : STAMP_EDGE) - s->qr_emu;
	caption_box(s, 10 * EMU_PER_MM, &qr_x, &qr_y, &cap_x, &cap_y, &cap_w, &cap_h);

	if ((error = rel_add(p, main_part, RT_IMAGE, s->media, &rid)) < 0)
		goto done;

	/* No paragraph first: one is put before that block, 1 pt high. */
	if (para == NULL) {
		if ((error = tamga__buf_puts(&x, "<w:p xmlns:w=\"" NS_W "\"><w:pPr><w:spacing w:before=\"0\" "
		                                 "w:after=\"0\" w:line=\"20\" w:lineRule=\"exact\"/><w:rPr>"
		                                 "<w:sz w:val=\"2\"/><w:szCs w:val=\"2\"/></w:rPr></w:pPr></w:p>")) < 0 ||
		    (error = graft(block != NULL ? block->parent : body, block, &x, &para)) < 0)
			goto done;
		x.size = 0;
	}

	/* The runs go first in the paragraph, after its properties. */
	before = child_el(para, NS_W, "pPr");
	before = before != NULL ? before->next : para->children;

	if ((error = tamga__buf_printf(&x,
	         "<w:r xmlns:w=\"" NS_W "\" xmlns:wp=\"" NS_WP "\" xmlns:a=\"" NS_A "\" xmlns:pic=\"" NS_PIC "\" "
	         "xmlns:r=\"" NS_R "\"><w:rPr><w:noProof/></w:rPr><w:drawing>"
	         "<wp:anchor distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" simplePos=\"0\" relativeHeight=\"251700000\" "
	         "behindDoc=\"0\" locked=\"1\" layoutInCell=\"0\" allowOverlap=\"1\"><wp:simplePos x=\"0\" y=\"0\"/>"
	         "<wp:positionH relativeFrom=\"page\"><wp:posOffset>%ld</wp:posOffset></wp:positionH>"
	         "<wp:positionV relativeFrom=\"page\"><wp:posOffset>%ld</wp:posOffset></wp:positionV>"
	         "<wp:extent cx=\"%ld\" cy=\"%ld\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:wrapNone/>"
	         "<wp:docPr id=\"%lu\" name=\"tamga QR code\" descr=\"",
	         qr_x, qr_y, s->qr_emu, s->qr_emu, max_id + 1)) < 0 ||
	    (error = put_text(&x, s->a->url)) < 0 ||
	    (error = tamga__buf_printf(&x,
	         "\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>"
	         "<a:graphic><a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
	         "<pic:pic><pic:nvPicPr><pic:cNvPr id=\"0\" name=\"tamga-qr.png\"/><pic:cNvPicPr/></pic:nvPicPr>"
	         "<pic:blipFill><a:blip r:embed=\"%s\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
	         "<pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"%ld\" cy=\"%ld\"/></a:xfrm>"
	         "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>"
	         "</wp:anchor></w:drawing></w:r>",
	         rid, s->qr_emu, s->qr_emu)) < 0 ||
	    (error = graft(para, before, &x, NULL)) < 0)
		goto done;
	x.size = 0;
	if ((error = tamga__buf_printf(&x,
	         "<w:r xmlns:w=\"" NS_W "\" xmlns:wp=\"" NS_WP "\" xmlns:a=\"" NS_A "\" xmlns:wps=\"" NS_WPS "\">"
	         "<w:rPr><w:noProof/></w:rPr><w:drawing>"
	         "<wp:anchor distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\" simplePos=\"0\" relativeHeight=\"251700001\" "
	         "behindDoc=\"0\" locked=\"1\" layoutInCell=\"0\" allowOverlap=\"1\"><wp:simplePos x=\"0\" y=\"0\"/>"
	         "<wp:positionH relativeFrom=\"page\"><wp:posOffset>%ld</wp:posOffset></wp:positionH>"
	         "<wp:positionV relativeFrom=\"page\"><wp:posOffset>%ld</wp:posOffset></wp:positionV>"
	         "<wp:extent cx=\"%ld\" cy=\"%ld\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/><wp:wrapNone/>"
	         "<wp:docPr id=\"%lu\" name=\"tamga caption\"/><wp:cNvGraphicFramePr/>"
	         "<a:graphic><a:graphicData uri=\"" NS_WPS "\"><wps:wsp><wps:cNvSpPr txBox=\"1\"/>"
	         "<wps:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"%ld\" cy=\"%ld\"/></a:xfrm>"
	         "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/>"
	         "<a:ln><a:noFill/></a:ln></wps:spPr><wps:txbx><w:txbxContent>",
	         cap_x, cap_y, cap_w, cap_h, max_id + 2, cap_w, cap_h)) < 0 ||
	    (error = docx_paras(&x, s->a)) < 0 ||
	    (error = tamga__buf_puts(&x, "</w:txbxContent></wps:txbx><wps:bodyPr rot=\"0\" vert=\"horz\" wrap=\"square\" "
	                                 "lIns=\"0\" tIns=\"0\" rIns=\"0\" bIns=\"0\" anchor=\"b\" anchorCtr=\"0\">"
	                                 "<a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic>"
	                                 "</wp:anchor></w:drawing></w:r>")) < 0 ||
	    (error = graft(para, before, &x, NULL)) < 0)
		goto done;
	doc->dirty = 1;
done:
	free(rid);
	tamga_buf_dispose(&x);
	return error;
}

/* ------------------------------------------------------------ XLSX */

/* Last column (0-based) used by a cell reference like "AB12"; -1 if none. */
static long cell_col(const char *r)
{
	long col = 0;
	int letters = 0;

	for (; *r >= 'A' && *r <= 'Z' && letters < 4; r++, letters++)
		col = col * 26 + (*r - 'A' + 1);
	return letters == 0 || letters == 4 ? -1 : col - 1;
}

/* The worksheet's elements after <drawing> in CT_Worksheet's sequence
 * (ECMA-376 Part 1 §18.3.1.99); drawing goes before the first of them. */
static int after_drawing(const xmlNode *n)
{
	static const char *const after[] = { "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture",
		                             "oleObjects", "controls", "webPublishItems", "tableParts", "extLst" };
	size_t i;

	if (is_el(n, NS_MC, "AlternateContent")) /* Excel wraps oleObjects and controls in it */
		return 1;
	for (i = 0; i < sizeof(after) / sizeof(after[0]); i++)
		if (is_el(n, NS_S, after[i]))
			return 1;
	return 0;
}

/*
 * XLSX.  The stamp is one xdr:oneCellAnchor (§20.5.2.24) in the first
 * sheet's drawing part, at the top of the first column right of the used
 * cells (so it covers no data and prints on the sheet's first page when
 * the data fit on it), holding a group: the QR picture, and under it the
 * caption text box.  A sheet without a drawing part gets
 * xl/drawings/drawingN.xml, its relationship and <drawing r:id> in
 * CT_Worksheet order.  LibreOffice 7.4 prints drawing objects with the
 * sheet and widens the printed range to take them in.
 */
static int stamp_xlsx(struct pkg *p, const char *main_part, struct stamp *s)
{
	struct part *wb, *sheet, *drawing = NULL;
	xmlNodePtr root, sheets, first, ws, data, n, dr, el;
	tamga_buf x = TAMGA_BUF_INIT;
	char *rid = NULL, *new_rid = NULL, *sheet_name = NULL, *drawing_name = NULL, *img_rid = NULL, *v = NULL;
	char q[QUOTE_MAX];
	long col = -1, c, cap_h;
	unsigned long max_id = 0;
	int error;

	if ((error = pkg_doc(p, main_part, "the workbook", &wb)) < 0)
		return error;
	root = xmlDocGetRootElement(wb->doc);
	if ((error = check_root(root, NS_S, "workbook", main_part)) < 0)
		return error;
	sheets = child_el(root, NS_S, "sheets");
	if ((first = child_el(sheets, NS_S, "sheet")) == NULL)
		return tamga__error_set(TAMGA_EFORMAT, "%s has no sheet", quote(q, main_part));
	if ((rid = prop(first, NS_R, "id")) == NULL)
		return tamga__error_set(TAMGA_EFORMAT, "%s: the first sheet has no r:id", quote(q, main_part));
	if ((error = rel_target(p, main_part, rid, RT_WORKSHEET, &sheet_name)) < 0) {
		if (error == TAMGA_EUNSUPPORTED)
			tamga__error_prefix("the first sheet is not a worksheet (a chart sheet?)");
		goto done;
	}
	if ((error = pkg_doc(p, sheet_name, "the first worksheet", &sheet)) < 0)
		goto done;
	ws = xmlDocGetRootElement(sheet->doc);
	if ((error = check_root(ws, NS_S, "worksheet", sheet_name)) < 0)
		goto done;

	/* Right of the used cells. */
	data = child_el(ws, NS_S, "sheetData");
	for (n = data; n != NULL; n = next_node(n, data, 1)) {
		if (is_el(n, NS_S, "c") && (v = prop(n, NULL, "r")) != NULL) {
			if ((c = cell_col(v)) > col)
				col = c;
			xmlFree(v);
			v = NULL;
		}
	}
	col = col < 0 ? 0 : col + 1;
	if (col > 16383)
		col = 16383;

	/* The sheet's drawing part, or a new one. */
	if ((dr = child_el(ws, NS_S, "drawing")) != NULL) {
		xmlFree(rid);
		if ((rid = prop(dr, NS_R, "id")) == NULL) {
			error = tamga__error_set(TAMGA_EFORMAT, "%s: <drawing> without r:id", quote(q, sheet_name));
			goto done;
		}
		if ((error = rel_target(p, sheet_name, rid, RT_DRAWING, &drawing_name)) < 0 ||
		    (error = pkg_doc(p, drawing_name, "the sheet's drawing", &drawing)) < 0 ||
		    (error = check_root(xmlDocGetRootElement(drawing->doc), NS_XDR, "wsDr", drawing_name)) < 0)
			goto done;
	} else {
		static const char empty[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
		                            "<xdr:wsDr xmlns:xdr=\"" NS_XDR "\" xmlns:a=\"" NS_A "\"/>";
		xmlDocPtr ddoc = NULL;
		xmlNsPtr rns;

		if ((drawing_name = unused_name(p, "xl/drawings/drawing", ".xml", 0)) == NULL) {
			error = tamga_error_last()->code;
			goto done;
		}
		if ((error = tamga__xml_parse(&ddoc, (const unsigned char *)empty, sizeof(empty) - 1, drawing_name)) < 0)
			goto done;
		if ((error = pkg_slot(p, drawing_name, &drawing)) < 0) {
			xmlFreeDoc(ddoc);
			goto done;
		}
		drawing->doc = ddoc;
		if ((error = rel_add(p, sheet_name, RT_DRAWING, drawing_name, &new_rid)) < 0 ||
		    (error = ct_ensure(p, drawing_name, CT_DRAWING, 0)) < 0)
			goto done;
		for (n = ws->children; n != NULL && !after_drawing(n); n = n->next)
			;
		if ((el = xmlNewDocNode(sheet->doc, ws->ns, (const xmlChar *)"drawing", NULL)) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
		if ((n != NULL ? xmlAddPrevSibling(n, el) : xmlAddChild(ws, el)) == NULL) {
			xmlFreeNode(el);
			error = tamga__error_oom();
			goto done;
		}
		/* r: as the sheet declares it, else declared on the element. */
		rns = xmlSearchNsByHref(sheet->doc, el, (const xmlChar *)NS_R);
		if (rns == NULL || rns->prefix == NULL)
			rns = xmlNewNs(el, (const xmlChar *)NS_R, (const xmlChar *)"r");
		if (rns == NULL || xmlNewNsProp(el, rns, (const xmlChar *)"id", (const xmlChar *)new_rid) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
		sheet->dirty = 1;
	}
	dr = xmlDocGetRootElement(drawing->doc);
	for (n = dr; n != NULL; n = next_node(n, dr, 1)) {
		if (is_el(n, NS_XDR, "cNvPr")) {
			long id = prop_long(n, NULL, "id", 0, LONG_MAX, 0);

			if ((unsigned long)id > max_id)
				max_id = (unsigned long)id;
		}
	}
	if (max_id > 0xFFFFFFF0UL)
		max_id = 1000;
	if ((error = rel_add(p, drawing->name, RT_IMAGE, s->media, &img_rid)) < 0)
		goto done;

	cap_h = caption_height(s, CAPTION_WIDTH);
	if ((error = tamga__buf_printf(&x,
	         "<xdr:oneCellAnchor xmlns:xdr=\"" NS_XDR "\" xmlns:a=\"" NS_A "\" xmlns:r=\"" NS_R "\">"
	         "<xdr:from><xdr:col>%ld</xdr:col><xdr:colOff>%ld</xdr:colOff><xdr:row>0</xdr:row>"
	         "<xdr:rowOff>%ld</xdr:rowOff></xdr:from><xdr:ext cx=\"%ld\" cy=\"%ld\"/>"
	         "<xdr:grpSp><xdr:nvGrpSpPr><xdr:cNvPr id=\"%lu\" name=\"tamga stamp\"/><xdr:cNvGrpSpPr/></xdr:nvGrpSpPr>"
	         "<xdr:grpSpPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"%ld\" cy=\"%ld\"/><a:chOff x=\"0\" y=\"0\"/>"
	         "<a:chExt cx=\"%ld\" cy=\"%ld\"/></a:xfrm></xdr:grpSpPr>"
	         "<xdr:pic><xdr:nvPicPr><xdr:cNvPr id=\"%lu\" name=\"tamga QR code\" descr=\"",
	         col, GAP, GAP, CAPTION_WIDTH, s->qr_emu + GAP + cap_h, max_id + 1, CAPTION_WIDTH,
	         s->qr_emu + GAP + cap_h, CAPTION_WIDTH, s->qr_emu + GAP + cap_h, max_id + 2)) < 0 ||
	    (error = put_text(&x, s->a->url)) < 0 ||
	    (error = tamga__buf_printf(&x,
	         "\"/><xdr:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></xdr:cNvPicPr></xdr:nvPicPr>"
	         "<xdr:blipFill><a:blip r:embed=\"%s\"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>"
	         "<xdr:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"%ld\" cy=\"%ld\"/></a:xfrm>"
	         "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>"
	         "<xdr:sp><xdr:nvSpPr><xdr:cNvPr id=\"%lu\" name=\"tamga caption\"/><xdr:cNvSpPr txBox=\"1\"/></xdr:nvSpPr>"
	         "<xdr:spPr><a:xfrm><a:off x=\"0\" y=\"%ld\"/><a:ext cx=\"%ld\" cy=\"%ld\"/></a:xfrm>"
	         "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/>"
	         "<a:ln><a:noFill/></a:ln></xdr:spPr><xdr:txBody><a:bodyPr wrap=\"square\" lIns=\"0\" tIns=\"0\" "
	         "rIns=\"0\" bIns=\"0\" anchor=\"t\"><a:noAutofit/></a:bodyPr><a:lstStyle/>",
	         img_rid, s->qr_emu, s->qr_emu, max_id + 3, s->qr_emu + GAP, CAPTION_WIDTH, cap_h)) < 0 ||
	    (error = dml_paras(&x, s->a, "l")) < 0 ||
	    (error = tamga__buf_puts(&x, "</xdr:txBody></xdr:sp></xdr:grpSp><xdr:clientData/></xdr:oneCellAnchor>")) < 0 ||
	    (error = graft(dr, NULL, &x, NULL)) < 0)
		goto done;
	drawing->dirty = 1;
done:
	xmlFree(v);
	xmlFree(rid);
	free(new_rid);
	free(sheet_name);
	free(drawing_name);
	free(img_rid);
	tamga_buf_dispose(&x);
	return error;
}

/* ------------------------------------------------------------ PPTX */

/*
 * PPTX.  A p:pic with the QR and a text box p:sp with the caption at the
 * end of the first slide's shape tree (so they are drawn on top), in the
 * bottom right corner of the slide (p:sldSz) 5 mm from its edges, the
 * caption to the left of the QR and bottom-aligned with it.
 */
static int stamp_pptx(struct pkg *p, const char *main_part, struct stamp *s)
{
	struct part *pres, *slide;
	xmlNodePtr root, lst, first, sz, sld, tree, n, before;
	tamga_buf x = TAMGA_BUF_INIT;
	char *rid = NULL, *slide_name = NULL, *img_rid = NULL, q[QUOTE_MAX];
	long cx, cy, m = 5 * EMU_PER_MM, qr_x, qr_y, cap_w, cap_h, cap_x, cap_y;
	unsigned long max_id = 0;
	int error;

	if ((error = pkg_doc(p, main_part, "the presentation", &pres)) < 0)
		return error;
	root = xmlDocGetRootElement(pres->doc);
	if ((error = check_root(root, NS_P, "presentation", main_part)) < 0)
		return error;
	lst = child_el(root, NS_P, "sldIdLst");
	if ((first = child_el(lst, NS_P, "sldId")) == NULL)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "%s has no slide to stamp", quote(q, main_part));
	if ((rid = prop(first, NS_R, "id")) == NULL)
		return tamga__error_set(TAMGA_EFORMAT, "%s: the first p:sldId has no r:id", quote(q, main_part));
	/* Slide size (§19.2.1.39): 914400..51206400 EMU; 4:3 when absent. */
	sz = child_el(root, NS_P, "sldSz");
	cx = prop_long(sz, NULL, "cx", 914400, 51206400, 9144000);
	cy = prop_long(sz, NULL, "cy", 914400, 51206400, 6858000);
	if ((error = rel_target(p, main_part, rid, RT_SLIDE, &slide_name)) < 0 ||
	    (error = pkg_doc(p, slide_name, "the first slide", &slide)) < 0)
		goto done;
	sld = xmlDocGetRootElement(slide->doc);
	if ((error = check_root(sld, NS_P, "sld", slide_name)) < 0)
		goto done;
	if ((tree = child_el(child_el(sld, NS_P, "cSld"), NS_P, "spTree")) == NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s has no p:cSld/p:spTree", quote(q, slide_name));
		goto done;
	}
	for (n = sld; n != NULL; n = next_node(n, sld, 1)) {
		if (is_el(n, NS_P, "cNvPr")) {
			long id = prop_long(n, NULL, "id", 0, LONG_MAX, 0);

			if ((unsigned long)id > max_id)
				max_id = (unsigned long)id;
		}
	}
	if (max_id > 0xFFFFFFF0UL)
		max_id = 1000;
	if ((error = rel_add(p, slide->name, RT_IMAGE, s->media, &img_rid)) < 0)
		goto done;

	qr_x = cx - m - s->qr_emu;
	qr_y = cy - m - s->qr_emu;
	caption_box(s, m, &qr_x, &qr_y, &cap_x, &cap_y, &cap_w, &cap_h);

	/* Shapes go before the tree's p:extLst, the last element it may hold. */
	before = child_el(tree, NS_P, "extLst");
	if ((error = tamga__buf_printf(&x,
	         "<p:pic xmlns:p=\"" NS_P "\" xmlns:a=\"" NS_A "\" xmlns:r=\"" NS_R "\"><p:nvPicPr>"
	         "<p:cNvPr id=\"%lu\" name=\"tamga QR code\" descr=\"",
	         max_id + 1)) < 0 ||
	    (error = put_text(&x, s->a->url)) < 0 ||
	    (error = tamga__buf_printf(&x,
	         "\"/><p:cNvPicPr><a:picLocks noChangeAspect=\"1\"/></p:cNvPicPr><p:nvPr/></p:nvPicPr>"
	         "<p:blipFill><a:blip r:embed=\"%s\"/><a:stretch><a:fillRect/></a:stretch></p:blipFill>"
	         "<p:spPr><a:xfrm><a:off x=\"%ld\" y=\"%ld\"/><a:ext cx=\"%ld\" cy=\"%ld\"/></a:xfrm>"
	         "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></p:spPr></p:pic>",
	         img_rid, qr_x, qr_y, s->qr_emu, s->qr_emu)) < 0 ||
	    (error = graft(tree, before, &x, NULL)) < 0)
		goto done;
	x.size = 0;
	if ((error = tamga__buf_printf(&x,
	         "<p:sp xmlns:p=\"" NS_P "\" xmlns:a=\"" NS_A "\"><p:nvSpPr><p:cNvPr id=\"%lu\" name=\"tamga caption\"/>"
	         "<p:cNvSpPr txBox=\"1\"/><p:nvPr/></p:nvSpPr>"
	         "<p:spPr><a:xfrm><a:off x=\"%ld\" y=\"%ld\"/><a:ext cx=\"%ld\" cy=\"%ld\"/></a:xfrm>"
	         "<a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom><a:noFill/>"
	         "<a:ln><a:noFill/></a:ln></p:spPr><p:txBody><a:bodyPr wrap=\"square\" lIns=\"0\" tIns=\"0\" rIns=\"0\" "
	         "bIns=\"0\" anchor=\"b\"><a:noAutofit/></a:bodyPr><a:lstStyle/>",
	         max_id + 2, cap_x, cap_y, cap_w, cap_h)) < 0 ||
	    (error = dml_paras(&x, s->a, "r")) < 0 ||
	    (error = tamga__buf_puts(&x, "</p:txBody></p:sp>")) < 0 ||
	    (error = graft(tree, before, &x, NULL)) < 0)
		goto done;
	slide->dirty = 1;
done:
	xmlFree(rid);
	free(slide_name);
	free(img_rid);
	tamga_buf_dispose(&x);
	return error;
}

/* ------------------------------------------------------------ driver */

/* The kind of document, from the main part's content type (§11.3.10). */
static tamga__ooxml_kind kind_of(const char *ctype)
{
	static const struct {
		const char *ctype;
		tamga__ooxml_kind kind;
	} kinds[] = {
		{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", TAMGA__OOXML_DOCX },
		{ "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml", TAMGA__OOXML_DOCX },
		{ "application/vnd.ms-word.document.macroEnabled.main+xml", TAMGA__OOXML_DOCX },
		{ "application/vnd.ms-word.template.macroEnabledTemplate.main+xml", TAMGA__OOXML_DOCX },
		{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", TAMGA__OOXML_XLSX },
		{ "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml", TAMGA__OOXML_XLSX },
		{ "application/vnd.ms-excel.sheet.macroEnabled.main+xml", TAMGA__OOXML_XLSX },
		{ "application/vnd.ms-excel.template.macroEnabled.main+xml", TAMGA__OOXML_XLSX },
		{ "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml", TAMGA__OOXML_PPTX },
		{ "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml", TAMGA__OOXML_PPTX },
		{ "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml", TAMGA__OOXML_PPTX },
		{ "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml", TAMGA__OOXML_PPTX },
		{ "application/vnd.ms-powerpoint.template.macroEnabled.main+xml", TAMGA__OOXML_PPTX },
		{ "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml", TAMGA__OOXML_PPTX },
	};
	size_t i;

	for (i = 0; ctype != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (name_eq(ctype, kinds[i].ctype))
			return kinds[i].kind;
	return TAMGA__OOXML_OTHER;
}

static int check_args(const struct tamga__ooxml_stamp_args *a)
{
	size_t i;
	int error;

	if (a->url == NULL || a->url[0] == '\0')
		return tamga__error_set(TAMGA_EINVAL, "stamp: no URL for the QR code");
	if (a->line_count > LINES_MAX)
		return tamga__error_set(TAMGA_EINVAL, "stamp: more than %d caption lines", LINES_MAX);
	if (a->line_count > 0 && a->lines == NULL)
		return tamga__error_set(TAMGA_EINVAL, "stamp: caption lines missing");
	if ((error = check_text(a->url, "URL")) < 0 || (error = check_text(a->code, "document code")) < 0)
		return error;
	for (i = 0; i < a->line_count; i++)
		if ((error = check_text(a->lines[i], "caption line")) < 0)
			return error;
	return 0;
}

int tamga__ooxml_stamp(tamga_buf *out, const struct tamga__zip *zip, const struct tamga__ooxml_stamp_args *a)
{
	struct pkg p;
	struct stamp s = { 0 };
	struct tamga__qr *qr = NULL;
	struct tamga__zip_edit *edit = NULL;
	struct part *png;
	tamga_buf xml = TAMGA_BUF_INIT, result = TAMGA_BUF_INIT;
	char *main_part = NULL, *ctype = NULL, q[QUOTE_MAX];
	const char *slash;
	tamga__ooxml_kind kind;
	size_t i;
	int error;

	memset(&p, 0, sizeof(p));
	p.zip = zip;
	if (out == NULL || zip == NULL || a == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga__ooxml_stamp: bad arguments");
	if ((error = check_args(a)) < 0)
		return error;
	s.a = a;

	/* The main part and its kind. */
	if ((error = rel_target(&p, "", NULL, RT_OFFICE_DOCUMENT, &main_part)) < 0) {
		if (error == TAMGA_EFORMAT && has_rel_type(&p, "_rels/.rels", RT_STRICT_OFFICE_DOCUMENT))
			error = tamga__error_set(TAMGA_EUNSUPPORTED, "an ISO/IEC 29500 Strict OOXML package; tamga "
			                         "stamps only Transitional documents");
		goto done;
	}
	if ((error = ct_of(&p, main_part, &ctype)) < 0)
		goto done;
	if ((kind = kind_of(ctype)) == TAMGA__OOXML_OTHER) {
		error = tamga__error_set(TAMGA_EUNSUPPORTED, "the main part %s is %s, not a DOCX, XLSX or PPTX document",
		                         quote(q, main_part), ctype != NULL ? "of an unknown content type" :
		                                                              "without a content type");
		goto done;
	}

	/* The QR code as a PNG part beside the main part: <dir>/media/. */
	if ((error = tamga__qr_encode(&qr, a->url, TAMGA__QR_ECC_M)) < 0)
		goto done;
	s.qr_emu = (long)(qr->width + 2 * TAMGA__QR_QUIET) * QR_MODULE_PX * EMU_PER_INCH / QR_DPI;
	slash = strrchr(main_part, '/');
	if ((error = tamga__buf_append(&xml, main_part, slash != NULL ? (size_t)(slash - main_part + 1) : 0)) < 0 ||
	    (error = tamga__buf_puts(&xml, "media/tamga-qr")) < 0)
		goto done;
	if ((s.media = unused_name(&p, (char *)xml.ptr, ".png", 1)) == NULL) {
		error = tamga_error_last()->code;
		goto done;
	}
	if ((error = pkg_slot(&p, s.media, &png)) < 0)
		goto done;
	png->binary = 1;
	png->dirty = 1;
	if ((error = tamga__qr_png(&png->bytes, qr, QR_MODULE_PX, QR_DPI)) < 0 ||
	    (error = ct_ensure(&p, s.media, CT_PNG, 1)) < 0)
		goto done;

	switch (kind) {
	case TAMGA__OOXML_DOCX: error = stamp_docx(&p, main_part, &s); break;
	case TAMGA__OOXML_XLSX: error = stamp_xlsx(&p, main_part, &s); break;
	default: error = stamp_pptx(&p, main_part, &s); break;
	}
	if (error < 0)
		goto done;

	/* A new .rels part needs a content type too (writers give rels a Default). */
	for (i = 0; i < p.count; i++) {
		size_t len = strlen(p.parts[i].name);

		if (len > 5 && name_eq(p.parts[i].name + len - 5, ".rels") && zip_find_ci(zip, p.parts[i].name) < 0 &&
		    (error = ct_ensure(&p, p.parts[i].name, CT_RELS, 1)) < 0)
			goto done;
	}

	/* Write: changed parts replaced in place, new ones at the end. */
	if ((error = tamga__zip_edit_new(&edit, zip, a->now)) < 0)
		goto done;
	for (i = 0; i < p.count; i++) {
		struct part *part = &p.parts[i];

		if (!part->dirty)
			continue;
		if (part->binary) {
			error = tamga__zip_edit_put(edit, part->name, part->bytes.ptr, part->bytes.size, TAMGA__ZIP_STORE);
		} else {
			xml.size = 0;
			if ((error = tamga__xml_serialize(&xml, part->doc)) == 0)
				error = tamga__zip_edit_put(edit, part->name, xml.ptr, xml.size, 0);
		}
		if (error < 0)
			goto done;
	}
	if ((error = tamga__zip_edit_finish(edit, &result)) < 0 ||
	    (error = tamga__buf_append(out, result.ptr, result.size)) < 0)
		goto done;
done:
	tamga__zip_edit_free(edit);
	tamga__qr_free(qr);
	pkg_free(&p);
	free(s.media);
	free(main_part);
	xmlFree(ctype);
	tamga_buf_dispose(&xml);
	tamga_buf_dispose(&result);
	return error;
}
