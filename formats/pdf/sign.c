/*
 * formats/pdf/sign.c - PAdES signing of a PDF (ETSI EN 319 142-1, ISO
 * 32000-1 §12.8): the PDF format handler's probe and sign.
 *
 * One incremental update adds
 *
 *     signature dictionary  /Type /Sig /Filter /Adobe.PPKLite
 *                           /SubFilter /ETSI.CAdES.detached /M (D:...)
 *                           /ByteRange [0 a b c]  /Contents <CMS, zero padded>
 *     widget + field        /FT /Sig /V sig /Rect /P page /AP << /N stamp >>
 *     stamp XObject         QR code + caption (formats/pdf/stamp.c), unless invisible
 *     page (or its /Annots array), AcroForm (or its /Fields array), catalog
 *                           as needed to reach the new field
 *
 *     |<---------- ByteRange 1 ---------->|<Contents>|<-- ByteRange 2 -->|
 *     0                                   a          b                 b+c
 *
 * The gap is exactly the /Contents hex string, delimiters included; the
 * digest covers everything else, so the signature covers the whole file as
 * it leaves here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/format.h"
#include "formats/pdf/pdf.h"
#include "formats/pdf/stamp.h"

/* Default stamp box (points) and its distance from the crop box edges. */
#define STAMP_W 270.0
#define STAMP_H 84.0
#define STAMP_MARGIN 22.0

static int pdf_probe(const unsigned char *data, size_t len)
{
	return len >= 5 && memcmp(data, "%PDF-", 5) == 0;
}

/* ------------------------------------------------------------------ small helpers */

#define A (ctx->arena)

struct sign_ctx {
	pdf_doc *doc;
	pdf_update *up;
	pdf_arena *arena;
	struct pdf_sink sink;
	const struct tamga__sign_job *job;
};

/* Replace-or-copy: the object to modify for an indirect object num. */
static pdf_obj *copy_of(struct sign_ctx *ctx, pdf_obj *obj)
{
	return tamga__pdf_copy(A, obj);
}

static int err_code(void)
{
	int code = tamga_error_last()->code;

	return code < 0 ? code : TAMGA_ENOMEM;
}

static int set(struct sign_ctx *ctx, pdf_obj *dict, const char *key, pdf_obj *value)
{
	if (value == NULL)
		return err_code();
	return tamga__pdf_dict_set(A, dict, key, value);
}

static int push(struct sign_ctx *ctx, pdf_obj *array, pdf_obj *item)
{
	if (item == NULL)
		return err_code();
	return tamga__pdf_array_push(A, array, item);
}

/* A PDF text string (§7.9.2.2): ASCII as is, anything else as UTF-16BE with BOM. */
static pdf_obj *text_string(struct sign_ctx *ctx, const char *utf8)
{
	const unsigned char *p = (const unsigned char *)utf8;
	tamga_buf b = TAMGA_BUF_INIT;
	pdf_obj *o = NULL;
	int ascii = 1;

	for (; *p; p++)
		if (*p >= 0x80 || *p < 0x20)
			ascii = 0;
	if (ascii)
		return tamga__pdf_string(A, utf8, strlen(utf8), 0);
	if (tamga__buf_append(&b, "\xfe\xff", 2) < 0)
		goto done;
	for (p = (const unsigned char *)utf8; *p;) {
		unsigned long cp;
		int extra, i;
		unsigned char u[4];

		if (*p < 0x80) { cp = *p; extra = 0; }
		else if ((*p & 0xe0) == 0xc0) { cp = *p & 0x1f; extra = 1; }
		else if ((*p & 0xf0) == 0xe0) { cp = *p & 0x0f; extra = 2; }
		else if ((*p & 0xf8) == 0xf0) { cp = *p & 0x07; extra = 3; }
		else { tamga__error_set(TAMGA_EINVAL, "text is not valid UTF-8"); goto done; }
		p++;
		for (i = 0; i < extra; i++, p++) {
			if ((*p & 0xc0) != 0x80) {
				tamga__error_set(TAMGA_EINVAL, "text is not valid UTF-8");
				goto done;
			}
			cp = (cp << 6) | (*p & 0x3f);
		}
		if (cp >= 0x10000) {
			unsigned long v = cp - 0x10000, hi = 0xd800 + (v >> 10), lo = 0xdc00 + (v & 0x3ff);

			u[0] = (unsigned char)(hi >> 8); u[1] = (unsigned char)hi;
			u[2] = (unsigned char)(lo >> 8); u[3] = (unsigned char)lo;
			if (tamga__buf_append(&b, u, 4) < 0)
				goto done;
		} else {
			u[0] = (unsigned char)(cp >> 8); u[1] = (unsigned char)cp;
			if (tamga__buf_append(&b, u, 2) < 0)
				goto done;
		}
	}
	o = tamga__pdf_string(A, b.ptr, b.size, 0);
done:
	tamga_buf_dispose(&b);
	return o;
}

/* D:YYYYMMDDHHmmSS+00'00' (§7.9.4). */
static pdf_obj *pdf_date(struct sign_ctx *ctx, tamga_time t)
{
	char iso[TAMGA_TIME_BUFSIZE], d[40];

	tamga_time_format(iso, t);
	/* iso: YYYY-MM-DDThh:mm:ssZ */
	snprintf(d, sizeof(d), "D:%.4s%.2s%.2s%.2s%.2s%.2s+00'00'", iso, iso + 5, iso + 8, iso + 11, iso + 14, iso + 17);
	return tamga__pdf_string(A, d, strlen(d), 0);
}

/* ------------------------------------------------------------------ existing signatures */

struct existing {
	size_t signatures;      /* signature fields with a value */
	int docmdp;             /* P of a certification signature, 0 when none */
	int name_taken;         /* a field already has our /T */
};

static int scan_fields(struct sign_ctx *ctx, pdf_obj *fields, const char *our_name, struct existing *ex,
                       unsigned int depth)
{
	size_t i;
	int error;

	if (fields == NULL || fields->type != PDF_ARRAY)
		return 0;
	if (depth > 32)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: the form field tree is nested too deeply");
	for (i = 0; i < fields->u.array.len; i++) {
		pdf_obj *f = NULL, *ft = NULL, *v = NULL, *t = NULL, *kids = NULL;

		if ((error = tamga__pdf_resolve(ctx->doc, fields->u.array.items[i], &f)) < 0)
			return error;
		if (tamga__pdf_dict_of(f) == NULL)
			continue;
		if ((error = tamga__pdf_dict_resolve(ctx->doc, f, "FT", &ft)) < 0 ||
		    (error = tamga__pdf_dict_resolve(ctx->doc, f, "V", &v)) < 0 ||
		    (error = tamga__pdf_dict_resolve(ctx->doc, f, "T", &t)) < 0 ||
		    (error = tamga__pdf_dict_resolve(ctx->doc, f, "Kids", &kids)) < 0)
			return error;
		if (tamga__pdf_is_name(ft, "Sig") && tamga__pdf_dict_of(v) != NULL)
			ex->signatures++;
		if (t != NULL && t->type == PDF_STRING && t->u.string.len == strlen(our_name) &&
		    memcmp(t->u.string.data, our_name, t->u.string.len) == 0)
			ex->name_taken = 1;
		if ((error = scan_fields(ctx, kids, our_name, ex, depth + 1)) < 0)
			return error;
	}
	return 0;
}

static int docmdp_of(struct sign_ctx *ctx, pdf_obj *catalog, int *p)
{
	pdf_obj *perms = NULL, *sig = NULL, *refs = NULL;
	size_t i;
	int error;

	*p = 0;
	if ((error = tamga__pdf_dict_resolve(ctx->doc, catalog, "Perms", &perms)) < 0 || perms == NULL ||
	    (error = tamga__pdf_dict_resolve(ctx->doc, perms, "DocMDP", &sig)) < 0 || sig == NULL ||
	    (error = tamga__pdf_dict_resolve(ctx->doc, sig, "Reference", &refs)) < 0 || refs == NULL ||
	    refs->type != PDF_ARRAY)
		return error;
	for (i = 0; i < refs->u.array.len; i++) {
		pdf_obj *r = NULL, *tm = NULL, *tp = NULL, *pv = NULL;

		if ((error = tamga__pdf_resolve(ctx->doc, refs->u.array.items[i], &r)) < 0 ||
		    (error = tamga__pdf_dict_resolve(ctx->doc, r, "TransformMethod", &tm)) < 0)
			return error;
		if (!tamga__pdf_is_name(tm, "DocMDP"))
			continue;
		if ((error = tamga__pdf_dict_resolve(ctx->doc, r, "TransformParams", &tp)) < 0 ||
		    (error = tamga__pdf_dict_resolve(ctx->doc, tp, "P", &pv)) < 0)
			return error;
		/* §12.8.2.2.2: P defaults to 2. */
		*p = pv != NULL && pv->type == PDF_INT && pv->u.integer >= 1 && pv->u.integer <= 3 ? (int)pv->u.integer : 2;
	}
	return 0;
}

/* ------------------------------------------------------------------ placement */

/* Displayed rect (x, y, w, h from the lower left of the crop box as shown,
 * i.e. after /Rotate) to a user-space /Rect. */
static void displayed_to_user(const struct pdf_page *pg, const double d[4], double r[4])
{
	double cx0 = pg->cropbox[0], cy0 = pg->cropbox[1], cx1 = pg->cropbox[2], cy1 = pg->cropbox[3];
	double x = d[0], y = d[1], w = d[2], h = d[3];

	switch (pg->rotate) {
	case 90:
		r[0] = cx1 - y - h; r[1] = cy0 + x; r[2] = cx1 - y; r[3] = cy0 + x + w;
		break;
	case 180:
		r[0] = cx1 - x - w; r[1] = cy1 - y - h; r[2] = cx1 - x; r[3] = cy1 - y;
		break;
	case 270:
		r[0] = cx0 + y; r[1] = cy1 - x - w; r[2] = cx0 + y + h; r[3] = cy1 - x;
		break;
	default:
		r[0] = cx0 + x; r[1] = cy0 + y; r[2] = cx0 + x + w; r[3] = cy0 + y + h;
		break;
	}
}

static int place(struct sign_ctx *ctx, size_t pages, struct pdf_page *pg, double display[4])
{
	const tamga_sign_options *o = ctx->job->opts;
	size_t index;
	double dw, dh;
	int error;

	if (o->placement == TAMGA_PLACE_RECT) {
		if (o->page < 1 || o->page > pages)
			return tamga__error_set(TAMGA_EINVAL, "page %u does not exist: the document has %zu page%s",
			                        o->page, pages, pages == 1 ? "" : "s");
		index = o->page - 1;
	} else {
		index = o->placement == TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT ? pages - 1 : 0;
	}
	if ((error = tamga__pdf_page(ctx->doc, index, pg)) < 0)
		return error;
	dw = pg->cropbox[2] - pg->cropbox[0];
	dh = pg->cropbox[3] - pg->cropbox[1];
	if (pg->rotate == 90 || pg->rotate == 270) {
		double t = dw;

		dw = dh;
		dh = t;
	}
	if (o->placement == TAMGA_PLACE_RECT) {
		memcpy(display, o->rect, sizeof(o->rect));
		if (display[2] < 36 || display[3] < 36)
			return tamga__error_set(TAMGA_EINVAL, "the stamp rectangle must be at least 36 x 36 points "
			                        "(half an inch) for the QR code to scan");
		if (display[0] < 0 || display[1] < 0 || display[0] + display[2] > dw + 0.01 ||
		    display[1] + display[3] > dh + 0.01)
			return tamga__error_set(TAMGA_EINVAL, "the stamp rectangle %g,%g,%g,%g does not fit on page %zu "
			                        "(%g x %g points as displayed)", display[0], display[1], display[2],
			                        display[3], index + 1, dw, dh);
	} else {
		double w = STAMP_W, h = STAMP_H;

		if (w + 2 * STAMP_MARGIN > dw || h + 2 * STAMP_MARGIN > dh)
			return tamga__error_set(TAMGA_EINVAL, "page %zu (%g x %g points) is too small for the stamp; "
			                        "give --page and --rect", index + 1, dw, dh);
		display[0] = dw - STAMP_MARGIN - w;
		display[1] = STAMP_MARGIN;
		display[2] = w;
		display[3] = h;
	}
	return 0;
}

/* ------------------------------------------------------------------ the update */

static pdf_obj *real_array(struct sign_ctx *ctx, const double *v, size_t n)
{
	pdf_obj *a = tamga__pdf_array(A);
	size_t i;

	for (i = 0; a != NULL && i < n; i++)
		if (push(ctx, a, tamga__pdf_real(A, v[i])) < 0)
			return NULL;
	return a;
}

/* Append item to the array value of key in dict (direct, or an indirect
 * array object replaced in the update), creating it when absent. */
static int append_to_array(struct sign_ctx *ctx, pdf_obj *dict, const char *key, pdf_obj *item)
{
	pdf_obj *v = tamga__pdf_dict_get(dict, key), *arr = NULL;
	int error;

	if (v != NULL && v->type == PDF_REF) {
		if ((error = tamga__pdf_resolve(ctx->doc, v, &arr)) < 0)
			return error;
		if (arr->type != PDF_ARRAY)
			return tamga__error_set(TAMGA_EFORMAT, "PDF: /%s is not an array", key);
		if ((arr = copy_of(ctx, arr)) == NULL || (error = push(ctx, arr, item)) < 0)
			return err_code();
		return tamga__pdf_update_set(ctx->up, v->u.ref.num, arr);
	}
	if (v != NULL && v->type == PDF_ARRAY)
		return push(ctx, v, item);
	if (v != NULL && v->type != PDF_NULL)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: /%s is not an array", key);
	if ((arr = tamga__pdf_array(A)) == NULL || (error = push(ctx, arr, item)) < 0)
		return err_code();
	return set(ctx, dict, key, arr);
}

static int build(struct sign_ctx *ctx, size_t *contents_len)
{
	const struct tamga__sign_job *job = ctx->job;
	const tamga_sign_options *o = job->opts;
	pdf_obj *trailer = tamga__pdf_trailer(ctx->doc), *root_ref = tamga__pdf_dict_get(trailer, "Root");
	pdf_obj *catalog = NULL, *cat, *acro_v, *acro, *sig, *widget, *page, *zeros, *br, *ap;
	struct existing ex = { 0, 0, 0 };
	struct pdf_page pg;
	size_t pages = 0;
	uint32_t sig_num, widget_num, acro_num = 0, xobj = 0;
	double display[4], rect[4];
	char name[TAMGA_SIGN_TEXT_MAX + 16];
	unsigned char *pad = NULL;
	int error;

	if (root_ref == NULL || root_ref->type != PDF_REF)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: the trailer's /Root is not an indirect reference");
	if ((error = tamga__pdf_catalog(ctx->doc, &catalog)) < 0 ||
	    (error = tamga__pdf_page_count(ctx->doc, &pages)) < 0)
		return error;
	if (pages == 0)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: the document has no pages");

	/* Existing signatures: a certification with P=1 forbids any change,
	 * and a certification signature must be the first one. */
	snprintf(name, sizeof(name), "Tamga %s", job->code);
	if ((error = tamga__pdf_dict_resolve(ctx->doc, catalog, "AcroForm", &acro_v)) < 0)
		return error;
	if (acro_v != NULL && tamga__pdf_dict_of(acro_v) != NULL) {
		pdf_obj *fields = NULL;

		if ((error = tamga__pdf_dict_resolve(ctx->doc, acro_v, "Fields", &fields)) < 0 ||
		    (error = scan_fields(ctx, fields, name, &ex, 0)) < 0)
			return error;
	}
	if ((error = docmdp_of(ctx, catalog, &ex.docmdp)) < 0)
		return error;
	if (ex.docmdp == 1)
		return tamga__error_set(TAMGA_ESTATE, "the document is certified with no changes allowed (DocMDP P=1): "
		                        "another signature would invalidate the certification");
	if (o->certify && ex.signatures > 0)
		return tamga__error_set(TAMGA_ESTATE, "a certification signature must be the document's first signature; "
		                        "this one has %zu", ex.signatures);
	if (ex.name_taken)
		return tamga__error_set(TAMGA_EEXISTS, "the document already has a signature field for code %s",
		                        job->code);

	if ((error = place(ctx, pages, &pg, display)) < 0)
		return error;
	if (o->no_stamp)
		memset(rect, 0, sizeof(rect));
	else
		displayed_to_user(&pg, display, rect);

	/* Signature dictionary, with the placeholders the writer locates. */
	if ((error = tamga__pdf_update_alloc(ctx->up, &sig_num)) < 0 ||
	    (error = tamga__pdf_update_alloc(ctx->up, &widget_num)) < 0)
		return error;
	if ((pad = calloc(1, job->cms_max)) == NULL)
		return tamga__error_oom();
	zeros = tamga__pdf_string(A, pad, job->cms_max, PDF_STR_PLACEHOLDER);
	free(pad);
	if ((sig = tamga__pdf_dict(A)) == NULL || (br = tamga__pdf_array(A)) == NULL || zeros == NULL)
		return err_code();
	br->flags |= PDF_ARR_PLACEHOLDER;
	if ((error = set(ctx, sig, "Type", tamga__pdf_name(A, "Sig"))) < 0 ||
	    (error = set(ctx, sig, "Filter", tamga__pdf_name(A, "Adobe.PPKLite"))) < 0 ||
	    (error = set(ctx, sig, "SubFilter", tamga__pdf_name(A, "ETSI.CAdES.detached"))) < 0 ||
	    (error = set(ctx, sig, "M", pdf_date(ctx, job->now))) < 0 ||
	    (o->reason && (error = set(ctx, sig, "Reason", text_string(ctx, o->reason))) < 0) ||
	    (o->location && (error = set(ctx, sig, "Location", text_string(ctx, o->location))) < 0))
		return error;
	if (o->certify) {
		pdf_obj *refs = tamga__pdf_array(A), *ref = tamga__pdf_dict(A), *tp = tamga__pdf_dict(A);

		if (refs == NULL || ref == NULL || tp == NULL)
			return err_code();
		if ((error = set(ctx, tp, "Type", tamga__pdf_name(A, "TransformParams"))) < 0 ||
		    (error = set(ctx, tp, "P", tamga__pdf_int(A, o->certify))) < 0 ||
		    (error = set(ctx, tp, "V", tamga__pdf_name(A, "1.2"))) < 0 ||
		    (error = set(ctx, ref, "Type", tamga__pdf_name(A, "SigRef"))) < 0 ||
		    (error = set(ctx, ref, "TransformMethod", tamga__pdf_name(A, "DocMDP"))) < 0 ||
		    (error = set(ctx, ref, "TransformParams", tp)) < 0 || (error = push(ctx, refs, ref)) < 0 ||
		    (error = set(ctx, sig, "Reference", refs)) < 0)
			return error;
	}
	/* ByteRange before Contents: a reader sees the ranges first. */
	if ((error = set(ctx, sig, "ByteRange", br)) < 0 || (error = set(ctx, sig, "Contents", zeros)) < 0 ||
	    (error = tamga__pdf_update_set(ctx->up, sig_num, sig)) < 0)
		return error;
	*contents_len = 2 * job->cms_max + 2;

	/* The appearance. */
	if (!o->no_stamp) {
		struct tamga__stamp st;

		memset(&st, 0, sizeof(st));
		st.width = display[2];
		st.height = display[3];
		st.qr_text = job->url;
		st.lines = job->lines;
		st.line_count = job->line_count;
		st.font_path = o->font_path;
		st.rotate = pg.rotate;
		if ((error = tamga__pdf_stamp_build(&ctx->sink, &st, &xobj)) < 0)
			return error;
	}

	/* Widget annotation merged with its signature field (§12.7.3.1). */
	if ((widget = tamga__pdf_dict(A)) == NULL)
		return err_code();
	if ((error = set(ctx, widget, "Type", tamga__pdf_name(A, "Annot"))) < 0 ||
	    (error = set(ctx, widget, "Subtype", tamga__pdf_name(A, "Widget"))) < 0 ||
	    (error = set(ctx, widget, "FT", tamga__pdf_name(A, "Sig"))) < 0 ||
	    (error = set(ctx, widget, "T", text_string(ctx, name))) < 0 ||
	    (error = set(ctx, widget, "V", tamga__pdf_ref(A, sig_num, 0))) < 0 ||
	    /* Print (4) + Locked (128): shown on paper, not movable. */
	    (error = set(ctx, widget, "F", tamga__pdf_int(A, 132))) < 0 ||
	    (error = set(ctx, widget, "Rect", real_array(ctx, rect, 4))) < 0 ||
	    (error = set(ctx, widget, "P", tamga__pdf_ref(A, pg.num, pg.gen))) < 0)
		return error;
	if (!o->no_stamp) {
		if ((ap = tamga__pdf_dict(A)) == NULL || (error = set(ctx, ap, "N", tamga__pdf_ref(A, xobj, 0))) < 0 ||
		    (error = set(ctx, widget, "AP", ap)) < 0)
			return error < 0 ? error : err_code();
	}
	if ((error = tamga__pdf_update_set(ctx->up, widget_num, widget)) < 0)
		return error;

	/* The page lists the widget among its annotations. */
	if ((page = copy_of(ctx, pg.dict)) == NULL)
		return err_code();
	if ((error = append_to_array(ctx, page, "Annots", tamga__pdf_ref(A, widget_num, 0))) < 0 ||
	    (error = tamga__pdf_update_set(ctx->up, pg.num, page)) < 0)
		return error;

	/* The form lists the field; SigFlags 3 = SignaturesExist | AppendOnly. */
	acro_v = tamga__pdf_dict_get(catalog, "AcroForm");
	cat = NULL;
	if (acro_v != NULL && acro_v->type == PDF_REF) {
		pdf_obj *cur = NULL;

		if ((error = tamga__pdf_resolve(ctx->doc, acro_v, &cur)) < 0)
			return error;
		if (cur->type != PDF_DICT)
			return tamga__error_set(TAMGA_EFORMAT, "PDF: /AcroForm is not a dictionary");
		acro_num = acro_v->u.ref.num;
		acro = copy_of(ctx, cur);
	} else {
		/* Direct (or absent): the catalog changes too. */
		if ((cat = copy_of(ctx, catalog)) == NULL)
			return err_code();
		acro = acro_v != NULL && acro_v->type == PDF_DICT ? tamga__pdf_dict_get(cat, "AcroForm") : tamga__pdf_dict(A);
	}
	if (acro == NULL)
		return err_code();
	if ((error = append_to_array(ctx, acro, "Fields", tamga__pdf_ref(A, widget_num, 0))) < 0 ||
	    (error = set(ctx, acro, "SigFlags", tamga__pdf_int(A, 3))) < 0)
		return error;
	if (acro_num != 0) {
		if ((error = tamga__pdf_update_set(ctx->up, acro_num, acro)) < 0)
			return error;
	} else if ((error = set(ctx, cat, "AcroForm", acro)) < 0) {
		return error;
	}
	if (o->certify) {
		pdf_obj *perms = tamga__pdf_dict(A);

		if (cat == NULL && (cat = copy_of(ctx, catalog)) == NULL)
			return err_code();
		if (perms == NULL || (error = set(ctx, perms, "DocMDP", tamga__pdf_ref(A, sig_num, 0))) < 0 ||
		    (error = set(ctx, cat, "Perms", perms)) < 0)
			return error < 0 ? error : err_code();
	}
	if (cat != NULL && (error = tamga__pdf_update_set(ctx->up, root_ref->u.ref.num, cat)) < 0)
		return error;
	return 0;
}

/* ------------------------------------------------------------------ digest, CMS, embed */

static int digest_ranges(const struct tamga__sign_job *job, const tamga_buf *tail, const size_t br[4],
                         unsigned char *md, unsigned int *md_len)
{
	const EVP_MD *type = EVP_get_digestbyname(job->digest);
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	size_t tail1 = br[1] - job->in_len;   /* tail bytes in range 1 */
	size_t start2 = br[2] - job->in_len;  /* range 2 lies wholly in the tail */
	int ok;

	ok = type != NULL && c != NULL && EVP_DigestInit_ex(c, type, NULL) &&
	     EVP_DigestUpdate(c, job->in, job->in_len) && EVP_DigestUpdate(c, tail->ptr, tail1) &&
	     EVP_DigestUpdate(c, tail->ptr + start2, br[3]) && EVP_DigestFinal_ex(c, md, md_len);
	EVP_MD_CTX_free(c);
	return ok ? 0 : tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the document");
}

static int pdf_sign(struct tamga__sign_job *job)
{
	static const char hex[] = "0123456789ABCDEF";
	struct sign_ctx c, *ctx = &c;
	struct pdf_marks marks;
	tamga_buf *tail = &job->out_tail, cms = TAMGA_BUF_INIT;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	size_t contents_len = 0, br[4], total, i;
	char brtext[4 * (PDF_BYTERANGE_DIGITS + 1) + 8];
	int n, error;

	memset(ctx, 0, sizeof(*ctx));
	ctx->job = job;
	if ((error = tamga__pdf_open(&ctx->doc, job->in, job->in_len, NULL)) < 0)
		goto done;
	if ((error = tamga__pdf_update_new(&ctx->up, ctx->doc)) < 0)
		goto done;
	ctx->arena = tamga__pdf_update_arena(ctx->up);
	tamga__pdf_update_sink(ctx->up, &ctx->sink);
	if ((error = build(ctx, &contents_len)) < 0)
		goto done;
	if ((error = tamga__pdf_update_write(ctx->up, tail, job->in_len, &marks)) < 0)
		goto done;
	if (marks.contents == SIZE_MAX || marks.byterange == SIZE_MAX || marks.contents_len != contents_len ||
	    marks.byterange > marks.contents) {
		error = tamga__error_set(TAMGA_ERROR, "PDF: signature placeholders were not written as expected");
		goto done;
	}

	/* Fill in the byte ranges: same width as the placeholder, padded with spaces. */
	total = job->in_len + tail->size;
	br[0] = 0;
	br[1] = marks.contents;
	br[2] = marks.contents + marks.contents_len;
	br[3] = total - br[2];
	n = snprintf(brtext, sizeof(brtext), "[%zu %zu %zu %zu", br[0], br[1], br[2], br[3]);
	if (n < 0 || (size_t)n + 1 > marks.byterange_len) {
		error = tamga__error_set(TAMGA_ELIMIT, "PDF: the document is too large for a signature byte range");
		goto done;
	}
	memset(tail->ptr + (marks.byterange - job->in_len), ' ', marks.byterange_len);
	memcpy(tail->ptr + (marks.byterange - job->in_len), brtext, (size_t)n);
	tail->ptr[marks.byterange - job->in_len + marks.byterange_len - 1] = ']';

	if ((error = digest_ranges(job, tail, br, md, &md_len)) < 0 ||
	    (error = job->cms(job, md, md_len, &cms)) < 0)
		goto done;
	if (2 * cms.size > marks.contents_len - 2) {
		error = tamga__error_set(TAMGA_ELIMIT, "PDF: the signature (%zu bytes) does not fit the %zu bytes reserved",
		                         cms.size, (marks.contents_len - 2) / 2);
		goto done;
	}
	for (i = 0; i < cms.size; i++) {
		unsigned char *p = tail->ptr + (marks.contents - job->in_len) + 1 + 2 * i;

		p[0] = (unsigned char)hex[cms.ptr[i] >> 4];
		p[1] = (unsigned char)hex[cms.ptr[i] & 15];
	}
	job->out_prefix = job->in;
	job->out_prefix_len = job->in_len;
	if (job->opts->level >= TAMGA_LEVEL_B_LT) {
		/* B-LT / B-LTA: more updates over the whole signed file. */
		struct tamga__pdf_ltv lo = { job->opts->signer, job->opts->crl_files, job->opts->crl_file_count,
		                             job->opts->level == TAMGA_LEVEL_B_LTA ? job->opts->tsa_url : NULL, NULL,
		                             (int)job->opts->revocation, 0, 0 };
		tamga_buf whole = TAMGA_BUF_INIT;
		char field[TAMGA_SIGN_TEXT_MAX + 32];

		snprintf(field, sizeof(field), "Tamga %s DocTimeStamp", job->code);
		lo.field_name = field;
		if ((error = tamga__buf_append(&whole, job->in, job->in_len)) < 0 ||
		    (error = tamga__buf_append(&whole, tail->ptr, tail->size)) < 0 ||
		    (error = tamga__pdf_ltv(&whole, cms.ptr, cms.size, &lo)) < 0) {
			tamga_buf_dispose(&whole);
			goto done;
		}
		tamga_buf_dispose(tail);
		*tail = whole;
		job->out_prefix_len = 0;
	}
done:
	tamga_buf_dispose(&cms);
	tamga__pdf_update_free(ctx->up);
	tamga__pdf_close(ctx->doc);
	return error;
}

const struct tamga_format tamga__format_pdf = {
	"pdf",
	"application/pdf",
	pdf_probe,
	pdf_sign,
	tamga__pdf_verify,
};
