/*
 * tests/fuzz/fuzz_pdf.c - the strict PDF reader (formats/pdf: lexer, xref,
 * filters, object streams, page tree).  Each input is opened with tight
 * limits; every object of the merged cross-reference table is read, every
 * stream decoded, every page and its inherited attributes walked, and the
 * objects serialised again.
 */
#include <stdint.h>
#include <string.h>

#include <tamga/common.h>

#include "common/buf.h"
#include "formats/pdf/pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pdf_limits limits;
	pdf_doc *doc = NULL;
	tamga_buf buf = TAMGA_BUF_INIT;
	pdf_obj *obj, *cat;
	uint32_t num, n;
	size_t i, pages, len;

	tamga__pdf_limits_default(&limits);
	limits.max_memory = (size_t)64 << 20;
	limits.max_stream = (size_t)8 << 20;
	limits.max_objects = 1u << 20;
	if (tamga__pdf_open(&doc, data, size, &limits) != 0)
		return 0;
	(void)tamga__pdf_data(doc, &len);
	(void)tamga__pdf_version(doc);
	for (i = 0; i < tamga__pdf_revision_count(doc); i++)
		(void)tamga__pdf_revision(doc, i);
	(void)tamga__pdf_catalog(doc, &cat);
	n = tamga__pdf_size(doc);
	for (num = 0; num < n; num++) {
		uint16_t gen;

		(void)tamga__pdf_object_gen(doc, num, &gen);
		if (tamga__pdf_get(doc, num, gen, &obj) != 0)
			continue;
		(void)tamga__pdf_resolve(doc, obj, &obj);
		buf.size = 0;
		(void)tamga__pdf_serialize(&buf, obj, NULL);
		if (obj->type == PDF_STREAM) {
			buf.size = 0;
			(void)tamga__pdf_stream_decode(doc, obj, &buf);
		}
	}
	if (tamga__pdf_page_count(doc, &pages) == 0) {
		for (i = 0; i < pages; i++) {
			struct pdf_page pg;
			pdf_obj *contents;

			if (tamga__pdf_page(doc, i, &pg) == 0 &&
			    tamga__pdf_dict_resolve(doc, pg.dict, "Contents", &contents) == 0 && contents != NULL &&
			    contents->type == PDF_STREAM) {
				buf.size = 0;
				(void)tamga__pdf_stream_decode(doc, contents, &buf);
			}
		}
	}
	tamga_buf_dispose(&buf);
	tamga__pdf_close(doc);
	return 0;
}
