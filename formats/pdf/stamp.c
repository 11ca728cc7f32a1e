/*
 * formats/pdf/stamp.c - the visible stamp: a form XObject (ISO 32000-1
 * §8.10) holding a QR code and a caption in an embedded font subset.
 *
 *     form space, /BBox [0 0 W H]:
 *
 *     H +----------------------------------------------+
 *       |  m                                           |
 *       | +---------+ m  row 0  (1.15 x body size)     |
 *       | |   QR    |    row 1                         |  rows centred
 *       | | q x q   |    ...                           |  vertically
 *       | +---------+                                  |
 *       |  m                                           |
 *     0 +----------------------------------------------+ W
 *       m = 0.06 H, q = H - 2m
 *
 * A page with /Rotate R is shown turned R degrees clockwise, so the form
 * carries a /Matrix turning it R degrees counter-clockwise (and back into
 * the positive quadrant): the stamp then reads upright on screen.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/pdf/content.h"
#include "formats/pdf/font.h"
#include "formats/pdf/stamp.h"
#include "formats/qr/qr.h"

#define MARGIN_RATIO 0.06
#define FIRST_LINE_SCALE 1.15
#define LEADING 1.2
#define SIZE_STEP 0.25
/* A looser way of wrapping wins only when it allows a size this much larger. */
#define WRAP_GAIN 1.15

/* Ways of wrapping a caption line that is too long, tightest first. */
enum { WRAP_NONE, WRAP_SLASH, WRAP_WORDS };
/* Largest box side accepted, points (the PDF page limit, 200 inches). */
#define BOX_MAX 14400.0

struct row {
	char *text;
	double size;
};

struct layout {
	struct row *rows;
	size_t count, cap;
	double body;              /* body font size */
};

static void layout_clear(struct layout *l)
{
	size_t i;

	for (i = 0; i < l->count; i++)
		free(l->rows[i].text);
	l->count = 0;
}

static void layout_free(struct layout *l)
{
	layout_clear(l);
	free(l->rows);
	l->rows = NULL;
	l->cap = 0;
}

static int layout_add(struct layout *l, const char *text, size_t len, double size)
{
	char *copy;

	if (l->count == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 8;
		struct row *n = realloc(l->rows, ncap * sizeof(*n));

		if (n == NULL)
			return tamga__error_oom();
		l->rows = n;
		l->cap = ncap;
	}
	if ((copy = malloc(len + 1)) == NULL)
		return tamga__error_oom();
	memcpy(copy, text, len);
	copy[len] = '\0';
	l->rows[l->count].text = copy;
	l->rows[l->count].size = size;
	l->count++;
	return 0;
}

/* Width in points of text[0, len) at size. */
static int measure_part(struct tamga__pdf_font *font, const char *text, size_t len, double size, double *out)
{
	char *copy = malloc(len + 1);
	int error;

	if (copy == NULL)
		return tamga__error_oom();
	memcpy(copy, text, len);
	copy[len] = '\0';
	error = tamga__pdf_font_measure(font, copy, size, out);
	free(copy);
	return error;
}

/* Greedy word wrap of text[start, end) into rows at most width wide; *fits
 * is 0 when a single word is wider. */
static int wrap_piece(struct tamga__pdf_font *font, struct layout *l, const char *text, size_t start, size_t end,
                      double size, double width, int *fits)
{
	int error = 0;

	while (start < end && text[start] == ' ')
		start++;
	while (start < end) {
		size_t e = start, best = 0;
		double w;

		for (;;) {
			/* Next word end after e. */
			while (e < end && text[e] == ' ')
				e++;
			while (e < end && text[e] != ' ')
				e++;
			if ((error = measure_part(font, text + start, e - start, size, &w)) < 0)
				return error;
			if (w > width)
				break;
			best = e;
			if (e == end)
				break;
		}
		if (best == 0) {
			*fits = 0;
			return 0;
		}
		if ((error = layout_add(l, text + start, best - start, size)) < 0)
			return error;
		start = best;
		while (start < end && text[start] == ' ')
			start++;
	}
	return 0;
}

/*
 * Lay the caption out at body size; *fits says whether it fitted in
 * width x height, and *bad_line names the first line that did not (or is
 * line_count when only the height was exceeded).  widths[i] is line i's
 * width at 1 pt.
 */
static int layout_try(struct tamga__pdf_font *font, const struct tamga__stamp *s, const double *widths,
                      double body, double width, double height, int wrap, double leading, struct layout *l,
                      int *fits, size_t *bad_line)
{
	double total = 0;
	size_t i, k;
	int error = 0;

	layout_clear(l);
	l->body = body;
	*fits = 1;
	*bad_line = s->line_count;
	for (i = 0; i < s->line_count && *fits; i++) {
		const char *line = s->lines[i];
		double size = i == 0 ? body * FIRST_LINE_SCALE : body;
		const char *slash;

		if (widths[i] * size <= width) {
			error = layout_add(l, line, strlen(line), size);
		} else if (wrap == WRAP_NONE) {
			*fits = 0;
		} else if ((slash = strstr(line, " / ")) != NULL) {
			/* Mongolian / English: break after the slash first. */
			size_t cut = (size_t)(slash - line) + 2;
			double w1, w2;

			if (wrap == WRAP_SLASH) {
				if ((error = measure_part(font, line, cut, size, &w1)) == 0 &&
				    (error = measure_part(font, line + cut + 1, strlen(line + cut + 1), size, &w2)) == 0) {
					if (w1 > width || w2 > width)
						*fits = 0;
					else if ((error = layout_add(l, line, cut, size)) == 0)
						error = layout_add(l, line + cut + 1, strlen(line + cut + 1), size);
				}
			} else if ((error = wrap_piece(font, l, line, 0, cut, size, width, fits)) == 0 && *fits) {
				error = wrap_piece(font, l, line, cut + 1, strlen(line), size, width, fits);
			}
		} else if (wrap == WRAP_SLASH) {
			*fits = 0;
		} else {
			error = wrap_piece(font, l, line, 0, strlen(line), size, width, fits);
		}
		if (error < 0)
			return error;
		if (!*fits)
			*bad_line = i;
	}
	for (k = 0; k < l->count; k++)
		total += leading * l->rows[k].size;
	if (*fits && total > height)
		*fits = 0;
	return 0;
}

/* The best layout (see stamp.h) into l. */
static int fit_caption(struct tamga__pdf_font *font, const struct tamga__stamp *s, double width, double height,
                       double leading, struct layout *l)
{
	struct layout tries[3] = { { NULL, 0, 0, 0 }, { NULL, 0, 0, 0 }, { NULL, 0, 0, 0 } }, t;
	double *widths = NULL, body, best[3] = { 0, 0, 0 };
	size_t i, bad;
	int error = 0, fits, wrap, pick = -1;

	if ((widths = calloc(s->line_count, sizeof(*widths))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (i = 0; i < s->line_count; i++) {
		if ((error = tamga__pdf_font_measure(font, s->lines[i], 1.0, &widths[i])) < 0) {
			tamga__error_prefix("stamp: caption line %zu", i + 1);
			goto done;
		}
	}
	/* The largest size for each way of wrapping. */
	for (wrap = WRAP_NONE; wrap <= WRAP_WORDS; wrap++) {
		for (body = TAMGA__STAMP_FONT_MAX; body >= TAMGA__STAMP_FONT_MIN - 1e-9; body -= SIZE_STEP) {
			if ((error = layout_try(font, s, widths, body, width, height, wrap, leading, &tries[wrap], &fits,
			                        &bad)) < 0)
				goto done;
			if (fits) {
				best[wrap] = body;
				break;
			}
		}
		/* Tighter wrapping kept unless looser wrapping is clearly larger. */
		if (best[wrap] > 0 && (pick < 0 || best[wrap] > best[pick] * WRAP_GAIN))
			pick = wrap;
	}
	if (pick >= 0) {
		t = *l;
		*l = tries[pick];
		tries[pick] = t;
		goto done;
	}
	/* Nothing fits: say why, from the smallest size with wrapping. */
	if ((error = layout_try(font, s, widths, TAMGA__STAMP_FONT_MIN, width, height, WRAP_WORDS, leading, l, &fits,
	                        &bad)) < 0)
		goto done;
	if (bad < s->line_count)
		error = tamga__error_set(TAMGA_EINVAL, "stamp: caption line %zu has a word wider than the %.0f pt "
		                         "left for text, even at %.0f pt; shorten it or widen the box", bad + 1,
		                         width, TAMGA__STAMP_FONT_MIN);
	else
		error = tamga__error_set(TAMGA_EINVAL, "stamp: the caption needs more than the box's %.0f pt of height "
		                         "even at %.0f pt; use fewer lines or a taller box", height,
		                         TAMGA__STAMP_FONT_MIN);
done:
	for (wrap = 0; wrap < 3; wrap++)
		layout_free(&tries[wrap]);
	free(widths);
	return error;
}

static int check_stamp(const struct tamga__stamp *s)
{
	size_t i;

	if (!isfinite(s->width) || !isfinite(s->height) || s->width <= 0 || s->height <= 0 || s->width > BOX_MAX ||
	    s->height > BOX_MAX)
		return tamga__error_set(TAMGA_EINVAL, "stamp: the box must be between 0 and %.0f pt on each side", BOX_MAX);
	if (s->rotate != 0 && s->rotate != 90 && s->rotate != 180 && s->rotate != 270)
		return tamga__error_set(TAMGA_EINVAL, "stamp: rotation %d is not 0, 90, 180 or 270", s->rotate);
	if (s->qr_text == NULL)
		return tamga__error_set(TAMGA_EINVAL, "stamp: no text for the QR code");
	if (s->line_count > TAMGA__STAMP_LINES_MAX)
		return tamga__error_set(TAMGA_EINVAL, "stamp: %zu caption lines, at most %d", s->line_count,
		                        TAMGA__STAMP_LINES_MAX);
	if (s->line_count > 0 && s->lines == NULL)
		return tamga__error_set(TAMGA_EINVAL, "stamp: caption lines missing");
	for (i = 0; i < s->line_count; i++)
		if (s->lines[i] == NULL)
			return tamga__error_set(TAMGA_EINVAL, "stamp: caption line %zu missing", i + 1);
	return 0;
}

/* /Matrix turning the form against the page's rotation (see the top). */
static int rotation_matrix(pdf_arena *a, const struct tamga__stamp *s, pdf_obj **out)
{
	double m[6];
	pdf_obj *arr;
	size_t i;
	int error = 0;

	*out = NULL;
	switch (s->rotate) {
	case 90: m[0] = 0; m[1] = 1; m[2] = -1; m[3] = 0; m[4] = s->height; m[5] = 0; break;
	case 180: m[0] = -1; m[1] = 0; m[2] = 0; m[3] = -1; m[4] = s->width; m[5] = s->height; break;
	case 270: m[0] = 0; m[1] = -1; m[2] = 1; m[3] = 0; m[4] = 0; m[5] = s->width; break;
	default: return 0;
	}
	if ((arr = tamga__pdf_array(a)) == NULL)
		return tamga_error_last()->code;
	for (i = 0; i < 6 && error == 0; i++) {
		pdf_obj *v = tamga__pdf_real(a, m[i]);

		error = v ? tamga__pdf_array_push(a, arr, v) : tamga_error_last()->code;
	}
	*out = arr;
	return error;
}

static int make_form(struct pdf_sink *sink, const struct tamga__stamp *s, const tamga_buf *ops, uint32_t font_num,
                     uint32_t *num)
{
	pdf_arena *a = sink->arena;
	pdf_obj *dict, *bbox, *res, *fonts, *matrix = NULL, *form, *v;
	double box[4] = { 0, 0, s->width, s->height };
	uint32_t n;
	size_t i;
	int error = 0;

	if ((dict = tamga__pdf_dict(a)) == NULL || (bbox = tamga__pdf_array(a)) == NULL ||
	    (res = tamga__pdf_dict(a)) == NULL)
		goto fail;
	if ((v = tamga__pdf_name(a, "XObject")) == NULL || (error = tamga__pdf_dict_set(a, dict, "Type", v)) < 0 ||
	    (v = tamga__pdf_name(a, "Form")) == NULL || (error = tamga__pdf_dict_set(a, dict, "Subtype", v)) < 0)
		goto fail;
	for (i = 0; i < 4; i++)
		if ((v = tamga__pdf_real(a, box[i])) == NULL || (error = tamga__pdf_array_push(a, bbox, v)) < 0)
			goto fail;
	if ((error = tamga__pdf_dict_set(a, dict, "BBox", bbox)) < 0 || (error = rotation_matrix(a, s, &matrix)) < 0 ||
	    (matrix != NULL && (error = tamga__pdf_dict_set(a, dict, "Matrix", matrix)) < 0))
		goto fail;
	if (font_num != 0) {
		if ((fonts = tamga__pdf_dict(a)) == NULL || (v = tamga__pdf_ref(a, font_num, 0)) == NULL ||
		    (error = tamga__pdf_dict_set(a, fonts, "F1", v)) < 0 ||
		    (error = tamga__pdf_dict_set(a, res, "Font", fonts)) < 0)
			goto fail;
	}
	if ((error = tamga__pdf_dict_set(a, dict, "Resources", res)) < 0 ||
	    (error = tamga__pdf_flate_stream(a, dict, ops->ptr, ops->size, &form)) < 0 ||
	    (error = sink->alloc(sink->ctx, &n)) < 0 || (error = sink->put(sink->ctx, n, form)) < 0)
		goto fail;
	*num = n;
	return 0;
fail:
	return error < 0 ? error : (tamga_error_last()->code < 0 ? tamga_error_last()->code : tamga__error_oom());
}

int tamga__pdf_stamp_build(struct pdf_sink *sink, const struct tamga__stamp *s, uint32_t *xobject_num)
{
	struct tamga__pdf_font *font = NULL;
	struct tamga__qr *qr = NULL;
	struct layout l = { NULL, 0, 0, 0 };
	tamga_buf ops = TAMGA_BUF_INIT;
	double margin, side, text_x, text_w, text_h, leading, total = 0, y;
	uint32_t font_num = 0;
	size_t i;
	int error;

	*xobject_num = 0;
	if ((error = check_stamp(s)) < 0)
		goto done;
	if ((error = tamga__qr_encode(&qr, s->qr_text, TAMGA__QR_ECC_M)) < 0) {
		tamga__error_prefix("stamp");
		goto done;
	}
	margin = MARGIN_RATIO * s->height;
	side = (s->height < s->width ? s->height : s->width) - 2 * margin;
	if (side / (qr->width + 2 * TAMGA__QR_QUIET) < TAMGA__STAMP_MODULE_MIN) {
		error = tamga__error_set(TAMGA_EINVAL, "stamp: a %.0f x %.0f pt box is too small for a scannable QR code "
		                         "of %d modules; it needs a side of at least %.0f pt", s->width, s->height,
		                         qr->width + 2 * TAMGA__QR_QUIET,
		                         (qr->width + 2 * TAMGA__QR_QUIET) * TAMGA__STAMP_MODULE_MIN / (1 - 2 * MARGIN_RATIO));
		goto done;
	}
	if ((error = tamga__qr_pdf_ops(&ops, qr, margin, margin, side)) < 0)
		goto done;

	if (s->line_count > 0) {
		text_x = 2 * margin + side;
		text_w = s->width - text_x - margin;
		text_h = s->height - 2 * margin;
		if (text_w < 4 * TAMGA__STAMP_FONT_MIN) {
			error = tamga__error_set(TAMGA_EINVAL, "stamp: a %.0f x %.0f pt box leaves no room for the caption "
			                         "beside the QR code; make it wider", s->width, s->height);
			goto done;
		}
		if ((error = tamga__pdf_font_open(&font, s->font_path)) < 0)
			goto done;
		leading = tamga__pdf_font_ascent(font) - tamga__pdf_font_descent(font);
		if (leading < LEADING)
			leading = LEADING;
		if ((error = fit_caption(font, s, text_w, text_h, leading, &l)) < 0)
			goto done;
		for (i = 0; i < l.count; i++)
			total += leading * l.rows[i].size;
		/* Rows centred vertically; each baseline centres the font's
		 * ascender-to-descender span in its row. */
		y = margin + text_h - (text_h - total) / 2;
		if ((error = tamga__buf_puts(&ops, "0 g\n")) < 0)
			goto done;
		for (i = 0; i < l.count; i++) {
			double size = l.rows[i].size;
			double span = tamga__pdf_font_ascent(font) - tamga__pdf_font_descent(font);
			double baseline = y - size * (tamga__pdf_font_ascent(font) + (leading - span) / 2);

			if (l.rows[i].text[0] != '\0' &&
			    (error = tamga__pdf_font_show(font, &ops, "F1", l.rows[i].text, text_x, baseline, size)) < 0)
				goto done;
			y -= leading * size;
		}
		if ((error = tamga__pdf_font_emit(font, sink, &font_num)) < 0)
			goto done;
	}
	error = make_form(sink, s, &ops, font_num, xobject_num);
done:
	layout_free(&l);
	tamga_buf_dispose(&ops);
	tamga__pdf_font_free(font);
	tamga__qr_free(qr);
	return error;
}
