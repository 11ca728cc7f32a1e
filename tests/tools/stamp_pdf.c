/*
 * tests/tools/stamp_pdf.c - write a new one-page A4 PDF showing a stamp
 * (formats/pdf/stamp.c), for tests/cli/stamp.sh to check with poppler,
 * qpdf and zbar.
 *
 * Usage: stamp_pdf --url URL --out FILE.pdf [--rotate 0|90|180|270]
 *                  [--line TEXT]... [--width MM] [--height MM] [--font PATH]
 *                  [--at X,Y] [--no-counter-rotate] [--qr-only SIZE --ecc L|M|Q|H]
 *
 *   --at X,Y              where the stamp's origin goes on the page, points
 *   --no-counter-rotate   page /Rotate set, stamp built for /Rotate 0 (a
 *                         negative control for the orientation checks)
 *   --qr-only SIZE        draw only the QR code, SIZE points square, at --at
 *
 * The file: header, objects 1 catalog, 2 pages, 3 page, 4 page content,
 * then what the stamp builder put in the sink, a classic xref table and a
 * trailer.  Exit status 0, or 1 with the error on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/common.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "formats/pdf/pdf.h"
#include "formats/pdf/stamp.h"
#include "formats/qr/qr.h"

#define MAX_OBJECTS 64

struct collect {
	pdf_obj *objs[MAX_OBJECTS];
	uint32_t next;
};

static int collect_alloc(void *ctx, uint32_t *num)
{
	struct collect *c = ctx;

	if (c->next >= MAX_OBJECTS)
		return tamga__error_set(TAMGA_ELIMIT, "stamp_pdf: too many objects");
	*num = c->next++;
	return 0;
}

static int collect_put(void *ctx, uint32_t num, pdf_obj *obj)
{
	struct collect *c = ctx;

	if (num == 0 || num >= c->next)
		return tamga__error_set(TAMGA_EINVAL, "stamp_pdf: object %u was not allocated", num);
	c->objs[num] = obj;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: stamp_pdf --url URL --out FILE.pdf [--rotate 0|90|180|270] [--line TEXT]...\n"
	                "                 [--width MM] [--height MM] [--font PATH] [--at X,Y]\n"
	                "                 [--no-counter-rotate] [--qr-only SIZE [--ecc L|M|Q|H]]\n");
	return 2;
}

static int write_pdf(tamga_buf *out, struct collect *c)
{
	size_t offsets[MAX_OBJECTS];
	uint32_t i;
	int error;

	if ((error = tamga__buf_puts(out, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")) < 0)
		return error;
	for (i = 1; i < c->next; i++) {
		if (c->objs[i] == NULL)
			return tamga__error_set(TAMGA_ESTATE, "stamp_pdf: object %u allocated but never written", i);
		offsets[i] = out->size;
		if ((error = tamga__buf_printf(out, "%u 0 obj\n", i)) < 0 ||
		    (error = tamga__pdf_serialize(out, c->objs[i], NULL)) < 0 ||
		    (error = tamga__buf_puts(out, "\nendobj\n")) < 0)
			return error;
	}
	offsets[0] = out->size;
	/* Classic table (§7.5.4): 20-byte entries, "nnnnnnnnnn ggggg n\r\n"-style. */
	if ((error = tamga__buf_printf(out, "xref\n0 %u\n0000000000 65535 f \n", c->next)) < 0)
		return error;
	for (i = 1; i < c->next; i++)
		if ((error = tamga__buf_printf(out, "%010zu 00000 n \n", offsets[i])) < 0)
			return error;
	return tamga__buf_printf(out, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", c->next,
	                         offsets[0]);
}

int main(int argc, char **argv)
{
	static const char *const default_lines[] = {
		"Цахим гарын үсгээр баталгаажсан / Digitally signed",
		"Улсын бүртгэлийн ерөнхий газар",
		"Огноо / Date: 2026-11-23",
		"Код / Code: 7K3M-9QX2-HB4T-ZW8R-5",
		"Шалгах / Verify: verify.example.mn",
	};
	const char *lines[TAMGA__STAMP_LINES_MAX + 1];
	const char *url = NULL, *out_path = NULL, *font = NULL;
	size_t nlines = 0;
	int rotate = 0, counter_rotate = 1, ecc = TAMGA__QR_ECC_M, i, rc = 1;
	double width = TAMGA__STAMP_DEFAULT_WIDTH, height = TAMGA__STAMP_DEFAULT_HEIGHT, at_x = 40, at_y = 60;
	double qr_only = 0;
	struct collect c = { { NULL }, 1 };
	struct pdf_sink sink;
	struct tamga__stamp st;
	struct tamga__qr *qr = NULL;
	tamga_buf content = TAMGA_BUF_INIT, file = TAMGA_BUF_INIT;
	pdf_arena *a = NULL;
	pdf_obj *catalog, *pages, *page, *kids, *mediabox, *res, *xobjs, *contents;
	uint32_t xobject = 0, n;
	int error = 0;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(arg, "--no-counter-rotate") == 0) {
			counter_rotate = 0;
			continue;
		}
		if (val == NULL)
			return usage();
		i++;
		if (strcmp(arg, "--url") == 0)
			url = val;
		else if (strcmp(arg, "--out") == 0)
			out_path = val;
		else if (strcmp(arg, "--rotate") == 0)
			rotate = atoi(val);
		else if (strcmp(arg, "--font") == 0)
			font = val;
		else if (strcmp(arg, "--width") == 0)
			width = atof(val) * TAMGA__STAMP_PT_PER_MM;
		else if (strcmp(arg, "--height") == 0)
			height = atof(val) * TAMGA__STAMP_PT_PER_MM;
		else if (strcmp(arg, "--qr-only") == 0)
			qr_only = atof(val);
		else if (strcmp(arg, "--at") == 0) {
			if (sscanf(val, "%lf,%lf", &at_x, &at_y) != 2)
				return usage();
		} else if (strcmp(arg, "--ecc") == 0) {
			const char *levels = "LMQH", *p = strchr(levels, val[0]);

			if (p == NULL || val[0] == '\0')
				return usage();
			ecc = (int)(p - levels);
		} else if (strcmp(arg, "--line") == 0) {
			if (nlines == TAMGA__STAMP_LINES_MAX + 1)
				return usage();
			lines[nlines++] = val;
		} else {
			return usage();
		}
	}
	if (url == NULL || out_path == NULL)
		return usage();
	if (nlines == 0) {
		for (nlines = 0; nlines < sizeof(default_lines) / sizeof(default_lines[0]); nlines++)
			lines[nlines] = default_lines[nlines];
	}

	if ((a = tamga__pdf_arena_new(0)) == NULL) {
		error = tamga_error_last()->code;
		goto done;
	}
	sink.arena = a;
	sink.ctx = &c;
	sink.alloc = collect_alloc;
	sink.put = collect_put;
	for (i = 0; i < 4; i++)
		if ((error = collect_alloc(&c, &n)) < 0)
			goto done;

	if (qr_only > 0) {
		if ((error = tamga__qr_encode(&qr, url, ecc)) < 0 ||
		    (error = tamga__qr_pdf_ops(&content, qr, at_x, at_y, qr_only)) < 0)
			goto done;
	} else {
		st.width = width;
		st.height = height;
		st.qr_text = url;
		st.lines = lines;
		st.line_count = nlines;
		st.font_path = font;
		st.rotate = counter_rotate ? rotate : 0;
		if ((error = tamga__pdf_stamp_build(&sink, &st, &xobject)) < 0 ||
		    (error = tamga__buf_printf(&content, "q 1 0 0 1 %.3f %.3f cm /Stamp Do Q\n", at_x, at_y)) < 0)
			goto done;
	}

	error = TAMGA_ENOMEM;
	if ((catalog = tamga__pdf_dict(a)) == NULL || tamga__pdf_dict_set(a, catalog, "Type", tamga__pdf_name(a, "Catalog")) < 0 ||
	    tamga__pdf_dict_set(a, catalog, "Pages", tamga__pdf_ref(a, 2, 0)) < 0)
		goto done;
	if ((kids = tamga__pdf_array(a)) == NULL || tamga__pdf_array_push(a, kids, tamga__pdf_ref(a, 3, 0)) < 0 ||
	    (pages = tamga__pdf_dict(a)) == NULL || tamga__pdf_dict_set(a, pages, "Type", tamga__pdf_name(a, "Pages")) < 0 ||
	    tamga__pdf_dict_set(a, pages, "Kids", kids) < 0 || tamga__pdf_dict_set(a, pages, "Count", tamga__pdf_int(a, 1)) < 0)
		goto done;
	if ((mediabox = tamga__pdf_array(a)) == NULL || tamga__pdf_array_push(a, mediabox, tamga__pdf_int(a, 0)) < 0 ||
	    tamga__pdf_array_push(a, mediabox, tamga__pdf_int(a, 0)) < 0 ||
	    tamga__pdf_array_push(a, mediabox, tamga__pdf_int(a, 595)) < 0 ||
	    tamga__pdf_array_push(a, mediabox, tamga__pdf_int(a, 842)) < 0)
		goto done;
	if ((res = tamga__pdf_dict(a)) == NULL)
		goto done;
	if (xobject != 0 && ((xobjs = tamga__pdf_dict(a)) == NULL ||
	                     tamga__pdf_dict_set(a, xobjs, "Stamp", tamga__pdf_ref(a, xobject, 0)) < 0 ||
	                     tamga__pdf_dict_set(a, res, "XObject", xobjs) < 0))
		goto done;
	if ((page = tamga__pdf_dict(a)) == NULL || tamga__pdf_dict_set(a, page, "Type", tamga__pdf_name(a, "Page")) < 0 ||
	    tamga__pdf_dict_set(a, page, "Parent", tamga__pdf_ref(a, 2, 0)) < 0 ||
	    tamga__pdf_dict_set(a, page, "MediaBox", mediabox) < 0 ||
	    tamga__pdf_dict_set(a, page, "Rotate", tamga__pdf_int(a, rotate)) < 0 ||
	    tamga__pdf_dict_set(a, page, "Resources", res) < 0 ||
	    tamga__pdf_dict_set(a, page, "Contents", tamga__pdf_ref(a, 4, 0)) < 0)
		goto done;
	if ((contents = tamga__pdf_stream(a, tamga__pdf_dict(a), content.ptr, content.size)) == NULL)
		goto done;
	c.objs[1] = catalog;
	c.objs[2] = pages;
	c.objs[3] = page;
	c.objs[4] = contents;
	if ((error = write_pdf(&file, &c)) < 0 ||
	    (error = tamga__file_write(out_path, file.ptr, file.size, 0644, 1)) < 0)
		goto done;
	rc = 0;
done:
	if (rc != 0)
		fprintf(stderr, "stamp_pdf: %s (%s)\n", tamga_error_last()->message, tamga_error_name(error));
	tamga__qr_free(qr);
	tamga_buf_dispose(&content);
	tamga_buf_dispose(&file);
	tamga__pdf_arena_free(a);
	return rc;
}
