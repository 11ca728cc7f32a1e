/*
 * tests/fuzz/fuzz_pdf_verify.c - the PDF handler's verify operation
 * (formats/pdf/verify.c, mdp.c): signatures found through the form, their
 * /ByteRange and /Contents checked, every revision after a signature
 * opened and compared with the document.  Seeds are small signed PDFs
 * (approval, two signers, certified, form filled, hostile variants).
 */
#include <stdint.h>
#include <string.h>

#include <tamga/common.h>

#include "formats/evidence.h"
#include "formats/pdf/pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tamga__evidence ev;
	size_t i, k;

	memset(&ev, 0, sizeof(ev));
	(void)tamga__pdf_verify(data, size, &ev);
	/* Every range the handler reports lies inside the input. */
	for (i = 0; i < ev.sig_count; i++)
		for (k = 0; k < ev.sigs[i].range_count; k++)
			if (ev.sigs[i].ranges[k].offset > size || ev.sigs[i].ranges[k].len > size - ev.sigs[i].ranges[k].offset)
				__builtin_trap();
	tamga__evidence_free(&ev);
	return 0;
}
