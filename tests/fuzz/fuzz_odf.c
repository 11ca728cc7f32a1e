/*
 * tests/fuzz/fuzz_odf.c - the OpenDocument handler's verify operation
 * (formats/odf/verify.c): the ZIP package read strictly, the manifest,
 * documentsignatures.xml parsed and every ds:Signature checked by
 * formats/xmldsig against the package, coverage judged.  Seeds are small
 * signed ODFs (tamga, LibreOffice, two signers, hostile variants).
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
	ev.format = "odf";
	(void)tamga__format_odf.probe(data, size);
	if (tamga__format_odf.verify(data, size, &ev) < 0) {
		tamga__evidence_free(&ev);
		return 0;
	}
	/* Every XML-DSig signature either failed as a container or carries
	 * the integrity result the verifier reads. */
	for (i = 0; i < ev.sig_count; i++)
		if (ev.sigs[i].kind != TAMGA__SIG_XMLDSIG ||
		    (ev.sigs[i].format_error == NULL && ev.sigs[i].integrity == NULL))
			__builtin_trap();
	tamga__evidence_free(&ev);
	return 0;
}
