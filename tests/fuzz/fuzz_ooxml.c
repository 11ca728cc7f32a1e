/*
 * tests/fuzz/fuzz_ooxml.c - the OOXML handler's verify operation
 * (formats/ooxml/verify.c, opc.c): the ZIP opened strictly, content types
 * and relationships read, the signatures found through the origin, each
 * checked by formats/xmldsig against the package, and every part and
 * relationship it leaves out reported.  Seeds are small signed packages
 * (tamga's and LibreOffice's DOCX, XLSX, PPTX, two signatures) and hostile
 * variants (wrapped, empty, added part and relationship, retyped part).
 */
#include <stdint.h>
#include <string.h>

#include <tamga/common.h>

#include "formats/cms/cms_verify.h"
#include "formats/evidence.h"
#include "formats/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tamga__evidence ev;
	size_t i;

	memset(&ev, 0, sizeof(ev));
	ev.format = "ooxml";
	if (tamga__format_ooxml.verify(data, size, &ev) < 0 && tamga_error_last()->code != TAMGA_ENOMEM)
		__builtin_trap(); /* negative only for out-of-memory */
	for (i = 0; i < ev.sig_count; i++) {
		const struct tamga__sig_evidence *s = &ev.sigs[i];

		/* An XML signature either failed as a container or carries its
		 * integrity result: the verifier must never see neither. */
		if (s->kind != TAMGA__SIG_XMLDSIG || s->id == NULL || (s->format_error == NULL && s->integrity == NULL))
			__builtin_trap();
	}
	tamga__evidence_free(&ev);
	tamga_error_clear();
	return 0;
}
