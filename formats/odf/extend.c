/*
 * formats/odf/extend.c - tamga extend for ODF packages: the signatures of
 * META-INF/documentsignatures.xml (ODF 1.2 Part 3 §4; the one file no
 * signature covers) raised to XAdES B-LT by formats/xmldsig/extend.c.
 *
 *     [mimetype][content.xml]...[META-INF/documentsignatures.xml]...[CD]
 *                                 ^ the only entry rewritten, in place
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/odf/odf.h"
#include "formats/xmldsig/extend.h"
#include "formats/zip/zip.h"

struct reader {
	const struct tamga__zip *zip;
	tamga_buf *bufs;
	size_t count;
};

/* Package References resolve to entries; the signatures file is never
 * signed content (as formats/odf/verify.c's pkg_read, copied: that file's
 * reader is private to it). */
static int pkg_read(void *payload, const char *path, const unsigned char **data, size_t *len)
{
	struct reader *r = payload;
	long i = tamga__zip_find(r->zip, path);
	int error;

	if (i < 0 || (size_t)i >= r->count || strcmp(path, TAMGA__ODF_SIGNATURES) == 0)
		return tamga__error_set(TAMGA_ENOTFOUND, "no file '%s' in the package", path);
	if (r->bufs[i].ptr == NULL) {
		if ((error = tamga__zip_read(r->zip, (size_t)i, &r->bufs[i])) < 0)
			return error;
	}
	*data = r->bufs[i].ptr ? r->bufs[i].ptr : (const unsigned char *)"";
	*len = r->bufs[i].size;
	return 0;
}

int tamga__odf_extend(tamga_buf *out, const unsigned char *in, size_t len, const struct tamga__xml_extend_options *o,
                      struct tamga__xml_extend_counts *counts, size_t *signatures)
{
	struct tamga__zip *zip = NULL;
	struct tamga__zip_edit *edit = NULL;
	struct reader r;
	struct tamga__xml_package pkg = { pkg_read, NULL };
	tamga_buf sigs = TAMGA_BUF_INIT, part = TAMGA_BUF_INIT;
	size_t i;
	int error;

	memset(&r, 0, sizeof(r));
	pkg.payload = &r;
	if ((error = tamga__zip_open(&zip, in, len)) < 0)
		goto done;
	r.zip = zip;
	r.count = tamga__zip_count(zip);
	if ((r.bufs = calloc(r.count ? r.count : 1, sizeof(*r.bufs))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if ((error = tamga__zip_read_name(zip, TAMGA__ODF_SIGNATURES, &sigs)) < 0) {
		if (error == TAMGA_ENOTFOUND)
			tamga__error_set(TAMGA_ENOTFOUND, "the document has no signatures (no %s)", TAMGA__ODF_SIGNATURES);
		goto done;
	}
	if ((error = tamga__xmldsig_extend_part(&part, sigs.ptr, sigs.size, TAMGA__ODF_SIGNATURES, 1, &pkg, o, counts,
	                                        signatures)) < 0)
		goto done;
	if (part.size == 0) {
		error = tamga__buf_append(out, in, len);
		goto done;
	}
	if ((error = tamga__zip_edit_new(&edit, zip, o->now ? o->now : tamga_time_now())) < 0 ||
	    (error = tamga__zip_edit_put(edit, TAMGA__ODF_SIGNATURES, part.ptr, part.size, 0)) < 0 ||
	    (error = tamga__zip_edit_finish(edit, out)) < 0)
		goto done;
done:
	tamga__zip_edit_free(edit);
	for (i = 0; r.bufs != NULL && i < r.count; i++)
		tamga_buf_dispose(&r.bufs[i]);
	free(r.bufs);
	tamga_buf_dispose(&sigs);
	tamga_buf_dispose(&part);
	tamga__zip_close(zip);
	return error;
}
