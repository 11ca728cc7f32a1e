/*
 * formats/odf/stamp.c - the visible stamp in an OpenDocument text or
 * spreadsheet: the QR code as a picture and the caption as real text,
 * in two frames (ODF 1.2 Part 1 §10.4 draw:frame, §10.4.4 draw:image,
 * §10.4.3 draw:text-box).
 *
 *     ODT (content.xml)                     ODS (content.xml)
 *     <office:text>                         <table:table>   (the first sheet)
 *       <text:sequence-decls/>...             <table:shapes>
 *       <draw:frame text:anchor-type="page"     <draw:frame svg:x svg:y> <draw:image/>
 *          text:anchor-page-number="1">         <draw:frame> <draw:text-box> <text:p/>...
 *         <draw:image xlink:href="Pictures/tamga-qr.png"/>
 *       <draw:frame ...> <draw:text-box> <text:p>line</text:p>...
 *       <text:p>...the document...
 *
 *     page (ODT) / sheet area (ODS):
 *     +--------------------------------------------+
 *     |                                            |
 *     |          +-------+ caption line 1          |
 *     |          |  QR   | caption line 2 ...      |
 *     |          +-------+                         |
 *     +--------------------------------------------+  22 pt from the edges (as the PDF stamp)
 *
 * The frames float above the text (wrap run-through, foreground): the
 * document's own text does not move, so its pages stay as they were.  Only
 * content.xml and META-INF/manifest.xml change, and Pictures/tamga-qr.png
 * is added; every other entry is copied byte for byte.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlstring.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/odf/odf.h"
#include "formats/qr/qr.h"
#include "formats/xmldsig/xmldsig.h"
#include "formats/zip/zip.h"

/* Geometry, centimetres. */
#define EDGE 0.776          /* 22 pt, as the PDF stamp */
#define QR_SIDE 2.6
#define GAP 0.2
#define TEXT_W 6.6
#define FONT_PT 7.0
#define FIRST_PT 7.0
#define LINE_FACTOR 1.25    /* line height / font size, DejaVu Sans with a little air */
#define EM_PER_CHAR 0.56    /* average advance of DejaVu Sans, Cyrillic and Latin mixed */
#define BOLD_FACTOR 1.08
#define PT_CM (2.54 / 72.0)
#define QR_DPI_MAX 300      /* LibreOffice's PDF export resamples pictures above 300 dpi */

/* Defaults when the document does not say (LibreOffice's A4 defaults). */
#define PAGE_W 21.0
#define PAGE_H 29.7
#define SHEET_MARGIN 2.0
#define COL_W 2.258         /* 0.889 in */
#define ROW_H 0.452         /* 0.178 in */
/* Sizes past this are not believed (a hostile document's "1e300in"). */
#define LEN_MAX 10000.0

struct stamp {
	xmlDocPtr content, styles;
	xmlNodePtr autostyles;     /* content.xml office:automatic-styles */
	char pic[64];              /* Pictures/tamga-qr.png, or -N when taken */
	char st_qr[32], st_cap[32], st_p1[32], st_p2[32];
	int z;                     /* draw:z-index for the first frame */
	double text_h;             /* estimated caption height, cm */
};

/* ------------------------------------------------------------ lengths */

/* "2.5cm", "0.7874in", "72pt" -> centimetres; -1 when unreadable.  Not
 * strtod: that would follow the process locale's decimal separator. */
static double parse_length(const char *s)
{
	double v = 0, scale = 1;
	int digits = 0;

	if (s == NULL)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++, digits++)
		if ((v = v * 10 + (*s - '0')) > 1e9)
			return -1;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, digits++)
			if (scale > 1e-9)
				v += (*s - '0') * (scale /= 10);
	if (digits == 0)
		return -1;
	if (strcmp(s, "cm") == 0)
		;
	else if (strcmp(s, "mm") == 0)
		v /= 10;
	else if (strcmp(s, "in") == 0 || strcmp(s, "inch") == 0)
		v *= 2.54;
	else if (strcmp(s, "pt") == 0)
		v *= PT_CM;
	else if (strcmp(s, "pc") == 0)
		v *= 12 * PT_CM;
	else if (strcmp(s, "px") == 0)
		v *= 2.54 / 96;
	else
		return -1;
	return v <= LEN_MAX ? v : -1;
}

/* cm -> "12.345cm", locale-independent. */
static void fmt_cm(char out[32], double cm)
{
	long t = lround(cm * 1000);

	snprintf(out, 32, "%s%ld.%03ldcm", t < 0 ? "-" : "", labs(t) / 1000, labs(t) % 1000);
}

static void fmt_pt(char out[32], double pt)
{
	long t = lround(pt * 10);

	snprintf(out, 32, "%ld.%ldpt", t / 10, t % 10);
}

/* ------------------------------------------------------------ XML helpers */

static char *get_attr(xmlNodePtr n, const char *ns, const char *local)
{
	return (char *)xmlGetNsProp(n, (const xmlChar *)local, (const xmlChar *)ns);
}

/* The namespace for href in scope at root, declared there when absent. */
static xmlNsPtr ns_get(xmlNodePtr root, const char *href, const char *prefix)
{
	xmlNsPtr ns = xmlSearchNsByHref(root->doc, root, (const xmlChar *)href);
	char alt[64];
	int i;

	if (ns != NULL && ns->prefix != NULL)
		return ns;
	if (xmlSearchNs(root->doc, root, (const xmlChar *)prefix) == NULL)
		return xmlNewNs(root, (const xmlChar *)href, (const xmlChar *)prefix);
	for (i = 1; i < 100; i++) {
		snprintf(alt, sizeof(alt), "tamga%d%s", i, prefix);
		if (xmlSearchNs(root->doc, root, (const xmlChar *)alt) == NULL)
			return xmlNewNs(root, (const xmlChar *)href, (const xmlChar *)alt);
	}
	return NULL;
}

struct nsset {
	xmlNsPtr office, style, text, table, draw, svg, fo, xlink;
};

static int nsset_get(struct nsset *n, xmlNodePtr root)
{
	if ((n->office = ns_get(root, TAMGA__NS_ODF_OFFICE, "office")) == NULL ||
	    (n->style = ns_get(root, TAMGA__NS_ODF_STYLE, "style")) == NULL ||
	    (n->text = ns_get(root, TAMGA__NS_ODF_TEXT, "text")) == NULL ||
	    (n->table = ns_get(root, TAMGA__NS_ODF_TABLE, "table")) == NULL ||
	    (n->draw = ns_get(root, TAMGA__NS_ODF_DRAW, "draw")) == NULL ||
	    (n->svg = ns_get(root, TAMGA__NS_ODF_SVG, "svg")) == NULL ||
	    (n->fo = ns_get(root, TAMGA__NS_ODF_FO, "fo")) == NULL ||
	    (n->xlink = ns_get(root, TAMGA__NS_XLINK, "xlink")) == NULL)
		return tamga__error_oom();
	return 0;
}

static xmlNodePtr el(xmlNodePtr parent, xmlNsPtr ns, const char *name)
{
	xmlNodePtr n = xmlNewDocNode(parent->doc, ns, (const xmlChar *)name, NULL);

	if (n != NULL && xmlAddChild(parent, n) == NULL) {
		xmlFreeNode(n);
		n = NULL;
	}
	return n;
}

/* Set attributes: pairs of (ns, name, value), ended by a NULL name. */
static int attrs(xmlNodePtr n, ...) __attribute__((sentinel));

static int attrs(xmlNodePtr n, ...)
{
	va_list ap;
	const char *name, *value;
	xmlNsPtr ns;
	int ok = n != NULL;

	va_start(ap, n);
	for (;;) {
		ns = va_arg(ap, xmlNsPtr);
		if ((name = va_arg(ap, const char *)) == NULL)
			break;
		value = va_arg(ap, const char *);
		if (ok && xmlSetNsProp(n, ns, (const xmlChar *)name, (const xmlChar *)value) == NULL)
			ok = 0;
	}
	va_end(ap);
	return ok ? 0 : tamga__error_oom();
}

/* Walk every element under n (depth-first), calling fn until it returns nonzero. */
static int walk(xmlNodePtr n, int (*fn)(xmlNodePtr, void *), void *payload)
{
	xmlNodePtr c;
	int r;

	for (c = n; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((r = fn(c, payload)) != 0 || (r = walk(c->children, fn, payload)) != 0)
			return r;
	}
	return 0;
}

/* ------------------------------------------------------------ names */

struct name_probe {
	const char *name;
	int found;
};

static int has_style_name(xmlNodePtr n, void *payload)
{
	struct name_probe *p = payload;
	char *v = get_attr(n, TAMGA__NS_ODF_STYLE, "name");

	if (v != NULL && strcmp(v, p->name) == 0)
		p->found = 1;
	xmlFree(v);
	return p->found;
}

static int style_taken(struct stamp *s, const char *name)
{
	struct name_probe p = { name, 0 };

	walk(xmlDocGetRootElement(s->content), has_style_name, &p);
	if (!p.found && s->styles != NULL)
		walk(xmlDocGetRootElement(s->styles), has_style_name, &p);
	return p.found;
}

static int unique_style(struct stamp *s, char out[32], const char *base)
{
	int i;

	snprintf(out, 32, "%s", base);
	for (i = 2; style_taken(s, out); i++) {
		if (i > 1000)
			return tamga__error_set(TAMGA_ELIMIT, "content.xml: no free style name for the stamp");
		snprintf(out, 32, "%s_%d", base, i);
	}
	return 0;
}

static int max_z(xmlNodePtr n, void *payload)
{
	int *z = payload;
	char *v = get_attr(n, TAMGA__NS_ODF_DRAW, "z-index");

	if (v != NULL) {
		long k = strtol(v, NULL, 10);

		if (k >= *z && k < 100000)
			*z = (int)k + 1;
	}
	xmlFree(v);
	return 0;
}

/* ------------------------------------------------------------ styles */

/* A style:style of the family, found by name among the children of container. */
static xmlNodePtr find_style(xmlNodePtr container, const char *family, const char *name)
{
	xmlNodePtr c;

	for (c = container ? container->children : NULL; c != NULL; c = c->next) {
		char *n, *f;
		int hit;

		if (!tamga__odf_is(c, TAMGA__NS_ODF_STYLE, "style") && !tamga__odf_is(c, TAMGA__NS_ODF_STYLE, "page-layout") &&
		    !tamga__odf_is(c, TAMGA__NS_ODF_STYLE, "master-page"))
			continue;
		n = get_attr(c, TAMGA__NS_ODF_STYLE, "name");
		f = get_attr(c, TAMGA__NS_ODF_STYLE, "family");
		hit = n != NULL && strcmp(n, name) == 0 && (family == NULL || (f != NULL && strcmp(f, family) == 0));
		xmlFree(n);
		xmlFree(f);
		if (hit)
			return c;
	}
	return NULL;
}

/* The page size (cm) and margins of the master page named master (NULL:
 * "Standard", else "Default", else the first one) in styles.xml. */
static void page_geometry(struct stamp *s, const char *master, double *w, double *h, double *ml, double *mr)
{
	xmlNodePtr root = s->styles ? xmlDocGetRootElement(s->styles) : NULL;
	xmlNodePtr masters = tamga__odf_child(root, TAMGA__NS_ODF_OFFICE, "master-styles");
	xmlNodePtr autos = tamga__odf_child(root, TAMGA__NS_ODF_OFFICE, "automatic-styles");
	xmlNodePtr mp = NULL, pl, props;
	char *layout;
	double v;

	*w = PAGE_W;
	*h = PAGE_H;
	*ml = *mr = SHEET_MARGIN;
	if (master != NULL)
		mp = find_style(masters, NULL, master);
	if (mp == NULL)
		mp = find_style(masters, NULL, "Standard");
	if (mp == NULL)
		mp = find_style(masters, NULL, "Default");
	if (mp == NULL)
		mp = tamga__odf_child(masters, TAMGA__NS_ODF_STYLE, "master-page");
	if (mp == NULL || (layout = get_attr(mp, TAMGA__NS_ODF_STYLE, "page-layout-name")) == NULL)
		return;
	pl = find_style(autos, NULL, layout);
	xmlFree(layout);
	if ((props = tamga__odf_child(pl, TAMGA__NS_ODF_STYLE, "page-layout-properties")) == NULL)
		return;
#define READ(var, name, lo)                                                                                  \
	do {                                                                                                 \
		char *a = get_attr(props, TAMGA__NS_ODF_FO, name);                                           \
		if ((v = parse_length(a)) >= (lo))                                                           \
			*(var) = v;                                                                          \
		xmlFree(a);                                                                                  \
	} while (0)
	READ(w, "page-width", 5.0);
	READ(h, "page-height", 5.0);
	READ(ml, "margin-left", 0.0);
	READ(mr, "margin-right", 0.0);
#undef READ
}

/* The master page the first paragraph (or table) of an ODT asks for, if any. */
static char *first_master(struct stamp *s, xmlNodePtr body)
{
	xmlNodePtr c, st;
	char *name = NULL, *master = NULL;

	for (c = body->children; c != NULL; c = c->next)
		if (tamga__odf_is(c, TAMGA__NS_ODF_TEXT, "p") || tamga__odf_is(c, TAMGA__NS_ODF_TEXT, "h") ||
		    tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "table"))
			break;
	if (c == NULL)
		return NULL;
	name = get_attr(c, c->ns ? (const char *)c->ns->href : "", "style-name");
	if (name == NULL)
		return NULL;
	st = find_style(s->autostyles, NULL, name);
	if (st == NULL && s->styles != NULL)
		st = find_style(tamga__odf_child(xmlDocGetRootElement(s->styles), TAMGA__NS_ODF_OFFICE, "styles"), NULL,
		                name);
	if (st != NULL)
		master = get_attr(st, TAMGA__NS_ODF_STYLE, "master-page-name");
	xmlFree(name);
	if (master != NULL && master[0] == '\0') {
		xmlFree(master);
		master = NULL;
	}
	return master;
}

/* Automatic styles: the two frames' graphic styles and the caption's paragraphs. */
static int add_styles(struct stamp *s, const struct nsset *n, int sheet)
{
	xmlNodePtr st, p;
	char size1[32], size2[32];
	int error;

	if ((error = unique_style(s, s->st_qr, "tamga_qr")) < 0 || (error = unique_style(s, s->st_cap, "tamga_caption")) < 0 ||
	    (error = unique_style(s, s->st_p1, "tamga_P1")) < 0 || (error = unique_style(s, s->st_p2, "tamga_P2")) < 0)
		return error;
	fmt_pt(size1, FIRST_PT);
	fmt_pt(size2, FONT_PT);

	/* The frames: over the text (it runs through beneath them), placed on
	 * the page, protected against accidental moves, no border or padding. */
	st = el(s->autostyles, n->style, "style");
	if ((error = attrs(st, n->style, "name", s->st_qr, n->style, "family", "graphic", NULL, NULL)) < 0)
		return error;
	p = el(st, n->style, "graphic-properties");
	if ((error = attrs(p, n->style, "wrap", "run-through", n->style, "run-through", "foreground", n->style,
	                   "vertical-pos", "from-top", n->style, "vertical-rel", "page", n->style, "horizontal-pos",
	                   "from-left", n->style, "horizontal-rel", "page", n->fo, "margin-left", "0cm", n->fo,
	                   "margin-right", "0cm", n->fo, "margin-top", "0cm", n->fo, "margin-bottom", "0cm", n->fo,
	                   "padding", "0cm", n->fo, "border", "none", n->style, "shadow", "none", n->draw, "stroke",
	                   "none", n->draw, "fill", "none", n->style, "protect", "position size", n->style, "mirror",
	                   "none", n->fo, "clip", "rect(0cm, 0cm, 0cm, 0cm)", n->draw, "luminance", "0%", n->draw,
	                   "contrast", "0%", n->draw, "color-mode", "standard", NULL, NULL)) < 0)
		return error;

	st = el(s->autostyles, n->style, "style");
	if ((error = attrs(st, n->style, "name", s->st_cap, n->style, "family", "graphic", NULL, NULL)) < 0)
		return error;
	p = el(st, n->style, "graphic-properties");
	if ((error = attrs(p, n->style, "wrap", "run-through", n->style, "run-through", "foreground", n->style,
	                   "vertical-pos", "from-top", n->style, "vertical-rel", "page", n->style, "horizontal-pos",
	                   "from-left", n->style, "horizontal-rel", "page", n->fo, "margin-left", "0cm", n->fo,
	                   "margin-right", "0cm", n->fo, "margin-top", "0cm", n->fo, "margin-bottom", "0cm", n->fo,
	                   "padding", "0cm", n->fo, "border", "none", n->style, "shadow", "none", n->draw, "stroke",
	                   "none", n->draw, "fill", "none", n->style, "protect", "position size", n->draw,
	                   "textarea-vertical-align", "middle", n->draw, "textarea-horizontal-align", "left", n->draw,
	                   "auto-grow-height", "true", n->draw, "auto-grow-width", "false", NULL, NULL)) < 0)
		return error;
	if (sheet && (error = attrs(p, n->fo, "padding-top", "0cm", n->fo, "padding-bottom", "0cm", n->fo, "padding-left",
	                            "0cm", n->fo, "padding-right", "0cm", n->fo, "wrap-option", "wrap", NULL, NULL)) < 0)
		return error;

	/* The caption: DejaVu Sans (it has Ө and Ү), the first line bold. */
	st = el(s->autostyles, n->style, "style");
	if ((error = attrs(st, n->style, "name", s->st_p1, n->style, "family", "paragraph", NULL, NULL)) < 0)
		return error;
	p = el(st, n->style, "paragraph-properties");
	if ((error = attrs(p, n->fo, "margin-top", "0cm", n->fo, "margin-bottom", "0cm", n->fo, "margin-left", "0cm",
	                   n->fo, "margin-right", "0cm", n->fo, "text-indent", "0cm", n->fo, "text-align", "start",
	                   n->fo, "line-height", "100%", NULL, NULL)) < 0)
		return error;
	p = el(st, n->style, "text-properties");
	if ((error = attrs(p, n->fo, "font-family", "'DejaVu Sans'", n->style, "font-family-generic", "swiss",
	                   n->style, "font-pitch", "variable", n->fo, "font-size", size1, n->fo, "font-weight", "bold",
	                   n->fo, "color", "#000000", n->fo, "language", "mn", n->fo, "country", "MN", NULL, NULL)) < 0)
		return error;

	st = el(s->autostyles, n->style, "style");
	if ((error = attrs(st, n->style, "name", s->st_p2, n->style, "family", "paragraph", NULL, NULL)) < 0)
		return error;
	p = el(st, n->style, "paragraph-properties");
	if ((error = attrs(p, n->fo, "margin-top", "0cm", n->fo, "margin-bottom", "0cm", n->fo, "margin-left", "0cm",
	                   n->fo, "margin-right", "0cm", n->fo, "text-indent", "0cm", n->fo, "text-align", "start",
	                   n->fo, "line-height", "100%", NULL, NULL)) < 0)
		return error;
	p = el(st, n->style, "text-properties");
	return attrs(p, n->fo, "font-family", "'DejaVu Sans'", n->style, "font-family-generic", "swiss", n->style,
	             "font-pitch", "variable", n->fo, "font-size", size2, n->fo, "font-weight", "normal", n->fo, "color",
	             "#000000", n->fo, "language", "mn", n->fo, "country", "MN", NULL, NULL);
}

/* ------------------------------------------------------------ the frames */

/* Estimated width (cm) of caption line i, or of its first len bytes. */
static double line_width(const char *text, size_t len, size_t i)
{
	size_t n = 0, k;

	for (k = 0; k < len && text[k]; k++)
		n += ((unsigned char)text[k] & 0xc0) != 0x80;
	return (double)n * EM_PER_CHAR * (i == 0 ? BOLD_FACTOR : 1.0) * (i == 0 ? FIRST_PT : FONT_PT) * PT_CM;
}

/* Where a "Mongolian / English" line too wide for the box breaks: after
 * " /" (the length of the first part), or 0 to let it wrap by itself. */
static size_t slash_break(const char *line, size_t i)
{
	const char *slash = strstr(line, " / ");

	if (slash == NULL || line_width(line, strlen(line), i) <= TEXT_W)
		return 0;
	return (size_t)(slash - line) + 2;
}

/* Height (cm) the caption needs in a box TEXT_W wide, wrapping included. */
static double caption_height(const struct tamga__sign_job *job)
{
	double h = 0;
	size_t i;

	for (i = 0; i < job->line_count; i++) {
		const char *line = job->lines[i];
		size_t cut = slash_break(line, i);
		double rows;

		if (cut > 0)
			rows = ceil(line_width(line, cut, i) / TEXT_W) + ceil(line_width(line + cut + 1, strlen(line), i) / TEXT_W);
		else
			rows = ceil(line_width(line, strlen(line), i) / TEXT_W);
		h += (rows < 1 ? 1 : rows) * (i == 0 ? FIRST_PT : FONT_PT) * LINE_FACTOR * PT_CM;
	}
	return h;
}

/*
 * The two frames at (x, y) (top left of the QR, cm), inserted before
 * `before` under parent (or appended when before is NULL).  Page-anchored
 * in a text document, in the sheet's table:shapes in a spreadsheet.
 */
static int add_frames(struct stamp *s, const struct nsset *n, xmlNodePtr parent, xmlNodePtr before, int sheet,
                      double x, double y, const struct tamga__sign_job *job)
{
	xmlNodePtr qr, img, cap, box, para;
	char sx[32], sy[32], side[32], tx[32], ty[32], tw[32], th[32], z1[16], z2[16];
	double text_y = y + (QR_SIDE - s->text_h) / 2;
	size_t i;
	int error;

	fmt_cm(sx, x);
	fmt_cm(sy, y);
	fmt_cm(side, QR_SIDE);
	fmt_cm(tx, x + QR_SIDE + GAP);
	fmt_cm(ty, text_y < y ? y : text_y);
	fmt_cm(tw, TEXT_W);
	fmt_cm(th, s->text_h);
	snprintf(z1, sizeof(z1), "%d", s->z);
	snprintf(z2, sizeof(z2), "%d", s->z + 1);

	if ((qr = xmlNewDocNode(s->content, n->draw, (const xmlChar *)"frame", NULL)) == NULL ||
	    (cap = xmlNewDocNode(s->content, n->draw, (const xmlChar *)"frame", NULL)) == NULL) {
		xmlFreeNode(qr);
		return tamga__error_oom();
	}
	if (before != NULL) {
		xmlAddPrevSibling(before, qr);
		xmlAddPrevSibling(before, cap);
	} else {
		xmlAddChild(parent, qr);
		xmlAddChild(parent, cap);
	}
	if ((error = attrs(qr, n->draw, "style-name", s->st_qr, n->draw, "name", "tamga-qr", NULL, NULL)) < 0 ||
	    (!sheet && (error = attrs(qr, n->text, "anchor-type", "page", n->text, "anchor-page-number", "1", NULL,
	                              NULL)) < 0) ||
	    (error = attrs(qr, n->svg, "x", sx, n->svg, "y", sy, n->svg, "width", side, n->svg, "height", side, n->draw,
	                   "z-index", z1, NULL, NULL)) < 0)
		return error;
	img = el(qr, n->draw, "image");
	if ((error = attrs(img, n->xlink, "href", s->pic, n->xlink, "type", "simple", n->xlink, "show", "embed",
	                   n->xlink, "actuate", "onLoad", NULL, NULL)) < 0)
		return error;
	if (sheet && el(img, n->text, "p") == NULL)
		return tamga__error_oom();
	if (xmlNewTextChild(qr, n->svg, (const xmlChar *)"title", (const xmlChar *)"QR") == NULL ||
	    xmlNewTextChild(qr, n->svg, (const xmlChar *)"desc", (const xmlChar *)job->url) == NULL)
		return tamga__error_oom();

	if ((error = attrs(cap, n->draw, "style-name", s->st_cap, n->draw, "name", "tamga-caption", NULL, NULL)) < 0 ||
	    (sheet && (error = attrs(cap, n->draw, "text-style-name", s->st_p2, NULL, NULL)) < 0) ||
	    (!sheet && (error = attrs(cap, n->text, "anchor-type", "page", n->text, "anchor-page-number", "1", NULL,
	                              NULL)) < 0) ||
	    (error = attrs(cap, n->svg, "x", tx, n->svg, "y", ty, n->svg, "width", tw, n->svg, "height", th, n->draw,
	                   "z-index", z2, NULL, NULL)) < 0)
		return error;
	box = el(cap, n->draw, "text-box");
	if (!sheet && (error = attrs(box, n->fo, "min-height", th, NULL, NULL)) < 0)
		return error;
	for (i = 0; i < job->line_count; i++) {
		size_t cut = slash_break(job->lines[i], i);

		para = el(box, n->text, "p");
		if ((error = attrs(para, n->text, "style-name", i == 0 ? s->st_p1 : s->st_p2, NULL, NULL)) < 0)
			return error;
		/* "Mongolian /" <line-break/> "English": each language on its own line */
		if (cut > 0 && (xmlAddChild(para, xmlNewDocTextLen(s->content, (const xmlChar *)job->lines[i], (int)cut)) == NULL ||
		                el(para, n->text, "line-break") == NULL ||
		                xmlAddChild(para, xmlNewDocText(s->content, (const xmlChar *)job->lines[i] + cut + 1)) == NULL))
			return tamga__error_oom();
		if (cut == 0 && xmlAddChild(para, xmlNewDocText(s->content, (const xmlChar *)job->lines[i])) == NULL)
			return tamga__error_oom();
	}
	return 0;
}

/* ------------------------------------------------------------ ODT */

/* Children of office:text that must come before any content (ODF 1.2
 * Part 1 §3.4 office-text-content-prelude). */
static int is_prelude(xmlNodePtr c)
{
	static const char *const text[] = { "tracked-changes", "variable-decls", "sequence-decls", "user-field-decls",
		                            "dde-connection-decls", "alphabetical-index-auto-mark-file", NULL };
	static const char *const table[] = { "calculation-settings", "content-validations", "label-ranges", NULL };
	size_t i;

	if (c->type != XML_ELEMENT_NODE)
		return 1;
	if (tamga__odf_is(c, TAMGA__NS_ODF_OFFICE, "forms"))
		return 1;
	for (i = 0; text[i]; i++)
		if (tamga__odf_is(c, TAMGA__NS_ODF_TEXT, text[i]))
			return 1;
	for (i = 0; table[i]; i++)
		if (tamga__odf_is(c, TAMGA__NS_ODF_TABLE, table[i]))
			return 1;
	return 0;
}

static int stamp_text(struct stamp *s, const struct nsset *n, xmlNodePtr body, const struct tamga__sign_job *job)
{
	xmlNodePtr c;
	char *master = first_master(s, body);
	double w, h, ml, mr, x, y;

	page_geometry(s, master, &w, &h, &ml, &mr);
	xmlFree(master);
	x = w - EDGE - (QR_SIDE + GAP + TEXT_W);
	y = h - EDGE - (QR_SIDE > s->text_h ? QR_SIDE : s->text_h);
	if (x < 0 || y < 0)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "the page (%.1f x %.1f cm) is too small for the stamp", w, h);
	for (c = body->children; c != NULL && is_prelude(c); c = c->next)
		;
	return add_frames(s, n, body, c, 0, x, y, job);
}

/* ------------------------------------------------------------ ODS */

static double style_length(struct stamp *s, const char *family, const char *style, const char *props,
                           const char *attr, double dflt)
{
	xmlNodePtr st = style ? find_style(s->autostyles, family, style) : NULL;
	xmlNodePtr p = tamga__odf_child(st, TAMGA__NS_ODF_STYLE, props);
	char *a = p ? get_attr(p, TAMGA__NS_ODF_STYLE, attr) : NULL;
	double v = parse_length(a);

	xmlFree(a);
	return v >= 0 ? v : dflt;
}

static long repeat(xmlNodePtr n, const char *attr)
{
	char *a = get_attr(n, TAMGA__NS_ODF_TABLE, attr);
	long k = a ? strtol(a, NULL, 10) : 1;

	xmlFree(a);
	return k < 1 ? 1 : k > 1048576 ? 1048576 : k;
}

static int cell_has_content(xmlNodePtr cell)
{
	char *t = get_attr(cell, TAMGA__NS_ODF_OFFICE, "value-type");
	int r = t != NULL;
	xmlNodePtr c;

	xmlFree(t);
	for (c = cell->children; c != NULL && !r; c = c->next)
		r = c->type == XML_ELEMENT_NODE;
	return r;
}

/* Rows and columns of a sheet, groups included, in document order. */
static void measure(struct stamp *s, xmlNodePtr parent, double *cols, long *ncols, long *used_cols,
                    double *row_y, double *used_h)
{
	xmlNodePtr c, cell;

	for (c = parent->children; c != NULL; c = c->next) {
		if (tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "table-column")) {
			char *st = get_attr(c, TAMGA__NS_ODF_TABLE, "style-name");
			double w = style_length(s, "table-column", st, "table-column-properties", "column-width", COL_W);
			long k = repeat(c, "number-columns-repeated");

			xmlFree(st);
			for (; k > 0 && *ncols < 1024; k--)
				cols[(*ncols)++] = w;
		} else if (tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "table-row")) {
			char *st = get_attr(c, TAMGA__NS_ODF_TABLE, "style-name");
			double h = style_length(s, "table-row", st, "table-row-properties", "row-height", ROW_H);
			long k = repeat(c, "number-rows-repeated"), col = 0;
			int content = 0;

			xmlFree(st);
			for (cell = c->children; cell != NULL; cell = cell->next) {
				long r;

				if (!tamga__odf_is(cell, TAMGA__NS_ODF_TABLE, "table-cell") &&
				    !tamga__odf_is(cell, TAMGA__NS_ODF_TABLE, "covered-table-cell"))
					continue;
				r = repeat(cell, "number-columns-repeated");
				if (cell_has_content(cell)) {
					content = 1;
					if (col + r > *used_cols)
						*used_cols = col + r;
				}
				col += r;
			}
			if (content)
				*used_h = *row_y + h * (double)k;
			if ((*row_y += h * (double)k) > LEN_MAX)
				*row_y = LEN_MAX;
		} else if (tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "table-column-group") ||
		           tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "table-header-columns") ||
		           tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "table-columns") ||
		           tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "table-row-group") ||
		           tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "table-header-rows") ||
		           tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "table-rows")) {
			measure(s, c, cols, ncols, used_cols, row_y, used_h);
		}
	}
}

static int stamp_sheet(struct stamp *s, const struct nsset *n, xmlNodePtr body, const struct tamga__sign_job *job)
{
	xmlNodePtr table = tamga__odf_child(body, TAMGA__NS_ODF_TABLE, "table"), shapes, c;
	double *cols = NULL, row_y = 0, used_h = 0, used_w = 0, w, h, ml, mr, x, y, stamp_w;
	long ncols = 0, used_cols = 0, i;
	char *tstyle, *master = NULL;
	xmlNodePtr st;

	if (table == NULL)
		return tamga__error_set(TAMGA_EFORMAT, "content.xml: the spreadsheet has no table");
	if ((cols = calloc(1024, sizeof(*cols))) == NULL)
		return tamga__error_oom();
	measure(s, table, cols, &ncols, &used_cols, &row_y, &used_h);
	for (i = 0; i < used_cols && i < 1024; i++)
		used_w += i < ncols ? cols[i] : COL_W;
	if (used_cols > 1024)
		used_w += (double)(used_cols - 1024) * COL_W;
	free(cols);

	/* The sheet's page: its table style names the master page. */
	if ((tstyle = get_attr(table, TAMGA__NS_ODF_TABLE, "style-name")) != NULL &&
	    (st = find_style(s->autostyles, "table", tstyle)) != NULL)
		master = get_attr(st, TAMGA__NS_ODF_STYLE, "master-page-name");
	xmlFree(tstyle);
	page_geometry(s, master, &w, &h, &ml, &mr);
	xmlFree(master);

	/* Right of the data when the printed page has room, else below it. */
	stamp_w = QR_SIDE + GAP + TEXT_W;
	if (used_w + 0.5 + stamp_w <= w - ml - mr) {
		x = used_w + 0.5;
		y = 0.2;
	} else {
		x = 0.2;
		y = used_h + 0.5;
	}

	/* table:shapes goes after the optional leading children (ODF 1.2
	 * Part 1 §9.1.2) and before the columns. */
	if ((shapes = tamga__odf_child(table, TAMGA__NS_ODF_TABLE, "shapes")) == NULL) {
		for (c = table->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE && !tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "title") &&
			    !tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "desc") &&
			    !tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "table-source") &&
			    !tamga__odf_is(c, TAMGA__NS_ODF_OFFICE, "dde-source") &&
			    !tamga__odf_is(c, TAMGA__NS_ODF_TABLE, "scenario") &&
			    !tamga__odf_is(c, TAMGA__NS_ODF_OFFICE, "forms"))
				break;
		if ((shapes = xmlNewDocNode(s->content, n->table, (const xmlChar *)"shapes", NULL)) == NULL)
			return tamga__error_oom();
		if (c != NULL)
			xmlAddPrevSibling(c, shapes);
		else
			xmlAddChild(table, shapes);
	}
	return add_frames(s, n, shapes, NULL, 1, x, y, job);
}

/* ------------------------------------------------------------ manifest */

static int manifest_add(const struct tamga__zip *zip, const char *pic, tamga_buf *out)
{
	tamga_buf raw = TAMGA_BUF_INIT;
	xmlDocPtr doc = NULL;
	xmlNodePtr root, e;
	int error;

	if ((error = tamga__zip_read_name(zip, TAMGA__ODF_MANIFEST, &raw)) < 0 ||
	    (error = tamga__xml_parse(&doc, raw.ptr, raw.size, TAMGA__ODF_MANIFEST)) < 0)
		goto done;
	root = xmlDocGetRootElement(doc);
	if (!tamga__odf_is(root, TAMGA__NS_ODF_MANIFEST, "manifest")) {
		error = tamga__error_set(TAMGA_EFORMAT, "META-INF/manifest.xml: the root is not manifest:manifest");
		goto done;
	}
	/* Indented like LibreOffice's: one entry per line. */
	if (xmlAddChild(root, xmlNewDocText(doc, (const xmlChar *)" ")) == NULL ||
	    (e = el(root, root->ns, "file-entry")) == NULL ||
	    xmlAddChild(root, xmlNewDocText(doc, (const xmlChar *)"\n")) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if ((error = attrs(e, root->ns, "full-path", pic, root->ns, "media-type", "image/png", NULL, NULL)) < 0)
		goto done;
	error = tamga__xml_serialize(out, doc);
done:
	xmlFreeDoc(doc);
	tamga_buf_dispose(&raw);
	return error;
}

/* ------------------------------------------------------------ the stamp */

static int qr_png(const char *url, tamga_buf *out)
{
	struct tamga__qr *qr = NULL;
	int error, modules, px, dpi;

	if ((error = tamga__qr_encode(&qr, url, TAMGA__QR_ECC_M)) < 0)
		return error;
	/* Whole pixels per module, at most QR_DPI_MAX at the printed size, so
	 * no viewer or PDF export resamples the picture into grey seams. */
	modules = qr->width + 2 * TAMGA__QR_QUIET;
	px = (int)floor(QR_DPI_MAX * (QR_SIDE / 2.54) / modules);
	if (px < 1)
		px = 1;
	if (px > 32)
		px = 32;
	dpi = (int)lround(px * modules / (QR_SIDE / 2.54));
	if (dpi < 72)
		dpi = 72;
	error = tamga__qr_png(out, qr, px, dpi);
	tamga__qr_free(qr);
	return error;
}

int tamga__odf_stamp(struct tamga__zip_edit *edit, const struct tamga__zip *zip, const char *mime,
                     const struct tamga__sign_job *job)
{
	struct stamp s;
	struct nsset n;
	tamga_buf raw = TAMGA_BUF_INIT, png = TAMGA_BUF_INIT, manifest = TAMGA_BUF_INIT, content = TAMGA_BUF_INIT;
	xmlNodePtr root, body, office;
	int sheet, error, i;
	size_t k;

	memset(&s, 0, sizeof(s));
	if (strcmp(mime, TAMGA__ODF_MIME_TEXT) == 0)
		sheet = 0;
	else if (strcmp(mime, TAMGA__ODF_MIME_SHEET) == 0)
		sheet = 1;
	else
		return tamga__error_set(TAMGA_EUNSUPPORTED, "the QR stamp goes on text documents (ODT) and spreadsheets "
		                                            "(ODS), not on %s: sign with --no-stamp", mime);
	if (job->opts->placement != TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "OpenDocument: the stamp goes on the first page, bottom right "
		                                            "(no other placement: pages exist only once laid out)");
	for (k = 0; k < job->line_count; k++)
		if (xmlCheckUTF8((const xmlChar *)job->lines[k]) == 0)
			return tamga__error_set(TAMGA_EINVAL, "a caption line is not UTF-8");

	/* A free name for the picture. */
	snprintf(s.pic, sizeof(s.pic), "Pictures/tamga-qr.png");
	for (i = 2; tamga__zip_find(zip, s.pic) >= 0; i++) {
		if (i > 1000)
			return tamga__error_set(TAMGA_ELIMIT, "no free name for the QR picture");
		snprintf(s.pic, sizeof(s.pic), "Pictures/tamga-qr-%d.png", i);
	}

	if ((error = tamga__zip_read_name(zip, "content.xml", &raw)) < 0) {
		if (error == TAMGA_ENOTFOUND)
			tamga__error_set(TAMGA_EFORMAT, "the package has no content.xml");
		goto done;
	}
	if ((error = tamga__xml_parse(&s.content, raw.ptr, raw.size, "content.xml")) < 0)
		goto done;
	tamga_buf_dispose(&raw);
	/* styles.xml only tells the page size: without it, A4. */
	if (tamga__zip_find(zip, "styles.xml") >= 0) {
		if ((error = tamga__zip_read_name(zip, "styles.xml", &raw)) < 0 ||
		    (error = tamga__xml_parse(&s.styles, raw.ptr, raw.size, "styles.xml")) < 0)
			goto done;
	}

	root = xmlDocGetRootElement(s.content);
	if (!tamga__odf_is(root, TAMGA__NS_ODF_OFFICE, "document-content") ||
	    (office = tamga__odf_child(root, TAMGA__NS_ODF_OFFICE, "body")) == NULL ||
	    (body = tamga__odf_child(office, TAMGA__NS_ODF_OFFICE, sheet ? "spreadsheet" : "text")) == NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "content.xml: no office:document-content/office:body/office:%s",
		                         sheet ? "spreadsheet" : "text");
		goto done;
	}
	if ((error = nsset_get(&n, root)) < 0)
		goto done;
	if ((s.autostyles = tamga__odf_child(root, TAMGA__NS_ODF_OFFICE, "automatic-styles")) == NULL) {
		/* after office:scripts and office:font-face-decls, before office:body */
		if ((s.autostyles = xmlNewDocNode(s.content, n.office, (const xmlChar *)"automatic-styles", NULL)) == NULL ||
		    xmlAddPrevSibling(office, s.autostyles) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
	}
	walk(root, max_z, &s.z);
	s.text_h = caption_height(job);
	if ((error = add_styles(&s, &n, sheet)) < 0)
		goto done;
	if ((error = sheet ? stamp_sheet(&s, &n, body, job) : stamp_text(&s, &n, body, job)) < 0)
		goto done;

	if ((error = qr_png(job->url, &png)) < 0 || (error = tamga__xml_serialize(&content, s.content)) < 0 ||
	    (error = manifest_add(zip, s.pic, &manifest)) < 0)
		goto done;
	if ((error = tamga__zip_edit_put(edit, "content.xml", content.ptr, content.size, 0)) < 0 ||
	    (error = tamga__zip_edit_put(edit, TAMGA__ODF_MANIFEST, manifest.ptr, manifest.size, 0)) < 0 ||
	    (error = tamga__zip_edit_put(edit, s.pic, png.ptr, png.size, TAMGA__ZIP_STORE)) < 0)
		goto done;
done:
	xmlFreeDoc(s.content);
	xmlFreeDoc(s.styles);
	tamga_buf_dispose(&raw);
	tamga_buf_dispose(&png);
	tamga_buf_dispose(&manifest);
	tamga_buf_dispose(&content);
	return error;
}
