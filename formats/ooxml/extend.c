/*
 * formats/ooxml/extend.c - tamga extend for OOXML packages: the signature
 * parts the origin part names (ECMA-376 Part 2 §13.2: _rels/.rels ->
 * origin -> its .rels -> _xmlsignatures/sigN.xml, found as
 * formats/ooxml/verify.c finds them, tamga__opc_signatures) raised to
 * XAdES B-LT by formats/xmldsig/extend.c.  A signature part is not
 * covered by any signature (§13.2.4: the origin's relationships to them
 * are excluded), so it alone is rewritten, in its place in the ZIP.
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/ooxml/opc.h"
#include "formats/xmldsig/extend.h"
#include "formats/zip/zip.h"

int tamga__ooxml_extend(tamga_buf *out, const unsigned char *in, size_t len, const struct tamga__xml_extend_options *o,
                        struct tamga__xml_extend_counts *counts, size_t *signatures)
{
	struct tamga__zip *zip = NULL;
	struct tamga__opc *opc = NULL;
	struct tamga__opc_reader rd;
	struct tamga__opc_sigs sigs;
	struct tamga__zip_edit *edit = NULL;
	struct tamga__xml_package pkg = { tamga__opc_xml_read, NULL };
	tamga_buf part = TAMGA_BUF_INIT;
	const unsigned char *data;
	size_t n, i, changed = 0;
	long at;
	int reader = 0, error;

	memset(&sigs, 0, sizeof(sigs));
	if ((error = tamga__zip_open(&zip, in, len)) < 0 || (error = tamga__opc_open(&opc, zip)) < 0)
		goto done;
	if ((error = tamga__opc_reader_init(&rd, opc)) < 0)
		goto done;
	reader = 1;
	pkg.payload = &rd;
	if ((error = tamga__opc_signatures(&sigs, &rd)) < 0)
		goto done;
	if (sigs.origin_count > 1) {
		error = tamga__error_set(TAMGA_ESTATE, "_rels/.rels names %zu signature origins: which signatures belong "
		                         "to the document is ambiguous", sigs.origin_count);
		goto done;
	}
	if (sigs.count == 0) {
		error = tamga__error_set(TAMGA_ENOTFOUND, "the document has no signatures");
		goto done;
	}
	if ((error = tamga__zip_edit_new(&edit, zip, o->now ? o->now : tamga_time_now())) < 0)
		goto done;
	for (i = 0; i < sigs.count; i++) {
		if ((at = tamga__opc_find(opc, sigs.parts[i])) < 0) {
			error = tamga__error_set(TAMGA_ESTATE, "the signature part %s is missing", sigs.parts[i]);
			goto done;
		}
		if ((error = tamga__opc_read(&rd, sigs.parts[i], &data, &n)) < 0)
			goto done;
		part.size = 0;
		if ((error = tamga__xmldsig_extend_part(&part, data, n, opc->names[at], 0, &pkg, o, counts,
		                                        signatures)) < 0)
			goto done;
		if (part.size == 0)
			continue;
		if ((error = tamga__zip_edit_put(edit, tamga__zip_name(zip, (size_t)at), part.ptr, part.size, 0)) < 0)
			goto done;
		changed++;
	}
	error = changed ? tamga__zip_edit_finish(edit, out) : tamga__buf_append(out, in, len);
done:
	tamga__zip_edit_free(edit);
	tamga_buf_dispose(&part);
	tamga__opc_sigs_free(&sigs);
	if (reader)
		tamga__opc_reader_free(&rd);
	tamga__opc_free(opc);
	tamga__zip_close(zip);
	return error;
}
