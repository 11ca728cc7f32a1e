/*
 * formats/pdf/page.c - the page tree (ISO 32000-1 §7.7.3): pages in order,
 * with the inheritable attributes Resources, MediaBox, CropBox and Rotate
 * (§7.7.3.4, Table 30).
 *
 *     Catalog /Pages -> Pages /Kids [ Page  Pages /Kids [ Page Page ] ]
 *                       (/Resources /MediaBox /CropBox /Rotate inherited downwards)
 *
 * The tree is walked once, on the first page request.  /Count is not
 * trusted (pages are counted by walking).  Refused: a node reached twice
 * (a cycle, or one page shown twice under two parents), a kid that is not
 * an indirect reference, a node without /Type /Pages or /Type /Page, a
 * kid whose /Parent is not the node it hangs under (viewers that look up
 * inherited attributes through /Parent would see another page than
 * viewers that walk /Kids: a shadow-attack vector), a tree deeper than
 * max_depth, a page without a MediaBox, a Rotate that is not a multiple
 * of 90, and a CropBox that misses the MediaBox entirely.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats/pdf/reader.h"

struct inherited {
	pdf_obj *resources, *mediabox, *cropbox, *rotate;
};

struct walk {
	pdf_doc *doc;
	unsigned char *seen;      /* one bit per object number */
	tamga_buf pages;          /* struct pdf_page */
};

static int page_error(pdf_doc *doc, uint32_t num, uint16_t gen, const char *msg)
{
	return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: page tree node %u %u: %s",
	                        tamga__pdf_obj_offset(doc, num), num, (unsigned)gen, msg);
}

/* "PDF: offset N: page num gen" and the words a b c. */
static int page_fail(pdf_doc *doc, uint32_t num, uint16_t gen, const char *a, const char *b, const char *c)
{
	return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: page %u %u%s%s%s", tamga__pdf_obj_offset(doc, num), num,
	                        (unsigned)gen, a, b, c);
}

static int read_box(pdf_doc *doc, pdf_obj *box, uint32_t num, uint16_t gen, const char *what, double out[4])
{
	pdf_obj *v;
	size_t i;
	double a[4];
	int error;

	if (box->type != PDF_ARRAY || box->u.array.len != 4)
		return page_fail(doc, num, gen, ": /", what, " is not an array of 4 numbers");
	for (i = 0; i < 4; i++) {
		if ((error = tamga__pdf_resolve(doc, box->u.array.items[i], &v)) < 0)
			return error;
		if (v->type == PDF_INT)
			a[i] = (double)v->u.integer;
		else if (v->type == PDF_REAL)
			a[i] = v->u.real.value;
		else
			return page_fail(doc, num, gen, ": /", what, " is not an array of 4 numbers");
	}
	/* Any two opposite corners (§7.9.5): normalise to lower left, upper right. */
	out[0] = fmin(a[0], a[2]);
	out[1] = fmin(a[1], a[3]);
	out[2] = fmax(a[0], a[2]);
	out[3] = fmax(a[1], a[3]);
	return 0;
}

static int add_page(struct walk *w, uint32_t num, uint16_t gen, pdf_obj *dict, const struct inherited *in)
{
	struct pdf_page pg;
	int64_t r;
	int error;

	memset(&pg, 0, sizeof(pg));
	pg.num = num;
	pg.gen = gen;
	pg.dict = dict;
	if (in->mediabox == NULL)
		return page_fail(w->doc, num, gen, " has no /MediaBox", "", "");
	if ((error = read_box(w->doc, in->mediabox, num, gen, "MediaBox", pg.mediabox)) < 0)
		return error;
	memcpy(pg.cropbox, pg.mediabox, sizeof(pg.cropbox));
	if (in->cropbox != NULL) {
		double c[4];

		if ((error = read_box(w->doc, in->cropbox, num, gen, "CropBox", c)) < 0)
			return error;
		/* The visible region is the CropBox clipped to the MediaBox (§14.11.2). */
		pg.cropbox[0] = fmax(c[0], pg.mediabox[0]);
		pg.cropbox[1] = fmax(c[1], pg.mediabox[1]);
		pg.cropbox[2] = fmin(c[2], pg.mediabox[2]);
		pg.cropbox[3] = fmin(c[3], pg.mediabox[3]);
		if (pg.cropbox[0] > pg.cropbox[2] || pg.cropbox[1] > pg.cropbox[3])
			return page_fail(w->doc, num, gen, ": /CropBox lies outside the /MediaBox", "", "");
	}
	if (in->rotate != NULL) {
		if (in->rotate->type != PDF_INT || in->rotate->u.integer % 90 != 0)
			return page_fail(w->doc, num, gen, ": /Rotate is not a multiple of 90", "", "");
		r = in->rotate->u.integer % 360;
		pg.rotate = (int)(r < 0 ? r + 360 : r);
	}
	if (in->resources != NULL && in->resources->type != PDF_DICT)
		return page_fail(w->doc, num, gen, ": /Resources is not a dictionary", "", "");
	pg.resources = in->resources;
	return tamga__buf_append(&w->pages, &pg, sizeof(pg));
}

/* Resolve key of dict into *slot when present (a null value is absent). */
static int take(pdf_doc *doc, pdf_obj *dict, const char *key, pdf_obj **slot)
{
	pdf_obj *v;
	int error = tamga__pdf_dict_resolve(doc, dict, key, &v);

	if (error == 0 && v != NULL)
		*slot = v;
	return error;
}

static int walk(struct walk *w, const pdf_obj *ref, const pdf_obj *parent, struct inherited in, unsigned int depth)
{
	pdf_doc *doc = w->doc;
	pdf_obj *node, *type, *kids, *up;
	uint32_t num;
	uint16_t gen;
	size_t i;
	int error;

	if (ref == NULL || ref->type != PDF_REF)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: page tree: a kid of node %u %u is not an indirect reference",
		                        parent ? tamga__pdf_obj_offset(doc, parent->u.ref.num) : 0,
		                        parent ? parent->u.ref.num : 0, parent ? (unsigned)parent->u.ref.gen : 0);
	num = ref->u.ref.num;
	gen = ref->u.ref.gen;
	if (depth > doc->limits.max_depth)
		return tamga__error_set(TAMGA_ELIMIT, "PDF: offset %zu: page tree node %u %u: tree deeper than %u",
		                        tamga__pdf_obj_offset(doc, num), num, (unsigned)gen,
		                        doc->limits.max_depth);
	if (num >= doc->size)
		return page_error(doc, num, gen, "does not exist");
	if (w->seen[num / 8] & (1u << (num % 8)))
		return page_error(doc, num, gen, "reached twice (a cycle, or a node with two parents)");
	w->seen[num / 8] |= (unsigned char)(1u << (num % 8));
	if ((error = tamga__pdf_get(doc, num, gen, &node)) < 0)
		return error;
	if (node->type != PDF_DICT)
		return page_error(doc, num, gen, "is not a dictionary");
	up = tamga__pdf_dict_get(node, "Parent");
	if (parent == NULL ? up != NULL
	                   : (up == NULL || up->type != PDF_REF || up->u.ref.num != parent->u.ref.num ||
	                      up->u.ref.gen != parent->u.ref.gen))
		return page_error(doc, num, gen, parent == NULL ? "the root has a /Parent"
		                                           : "/Parent is not the node whose /Kids hold it");
	if ((error = take(doc, node, "Resources", &in.resources)) < 0 ||
	    (error = take(doc, node, "MediaBox", &in.mediabox)) < 0 ||
	    (error = take(doc, node, "CropBox", &in.cropbox)) < 0 || (error = take(doc, node, "Rotate", &in.rotate)) < 0)
		return error;
	if ((error = tamga__pdf_dict_resolve(doc, node, "Type", &type)) < 0)
		return error;
	if (tamga__pdf_is_name(type, "Page"))
		return add_page(w, num, gen, node, &in);
	if (!tamga__pdf_is_name(type, "Pages"))
		return page_error(doc, num, gen, "has neither /Type /Pages nor /Type /Page");
	if ((error = tamga__pdf_dict_resolve(doc, node, "Kids", &kids)) < 0)
		return error;
	if (kids == NULL || kids->type != PDF_ARRAY)
		return page_error(doc, num, gen, "/Kids is not an array");
	for (i = 0; i < kids->u.array.len; i++)
		if ((error = walk(w, kids->u.array.items[i], ref, in, depth + 1)) < 0)
			return error;
	return 0;
}

static int load_pages(pdf_doc *doc)
{
	struct walk w;
	struct inherited in;
	pdf_obj *cat, *root;
	int error;

	memset(&w, 0, sizeof(w));
	memset(&in, 0, sizeof(in));
	w.doc = doc;
	if (doc->pages_done)
		return 0;
	if ((error = tamga__pdf_catalog(doc, &cat)) < 0)
		goto done;
	root = tamga__pdf_dict_get(cat, "Pages");
	if (root == NULL || root->type != PDF_REF) {
		error = tamga__error_set(TAMGA_EFORMAT, "PDF: offset %zu: the catalog has no /Pages reference",
		                         tamga__pdf_obj_offset(doc, tamga__pdf_dict_get(doc->trailer, "Root")->u.ref.num));
		goto done;
	}
	if ((w.seen = calloc((size_t)doc->size / 8 + 1, 1)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if ((error = walk(&w, root, NULL, in, 0)) < 0)
		goto done;
	if (w.pages.size > 0 && (doc->pages = tamga__pdf_alloc(doc->arena, w.pages.size)) == NULL) {
		error = tamga_error_last()->code;
		goto done;
	}
	if (w.pages.size > 0)
		memcpy(doc->pages, w.pages.ptr, w.pages.size);
	doc->npages = w.pages.size / sizeof(struct pdf_page);
	doc->pages_done = 1;
done:
	free(w.seen);
	tamga_buf_dispose(&w.pages);
	return error;
}

int tamga__pdf_page_count(pdf_doc *doc, size_t *out)
{
	int error = load_pages(doc);

	*out = error < 0 ? 0 : doc->npages;
	return error;
}

int tamga__pdf_page(pdf_doc *doc, size_t index, struct pdf_page *out)
{
	int error = load_pages(doc);

	if (error < 0)
		return error;
	if (index >= doc->npages)
		return tamga__error_set(TAMGA_EINVAL, "PDF: page %zu requested of %zu", index + 1, doc->npages);
	*out = doc->pages[index];
	return 0;
}
