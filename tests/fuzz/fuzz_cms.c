/*
 * tests/fuzz/fuzz_cms.c - CMS signature containers (formats/cms/verify.c,
 * tamga__cms_verify): SignedData parsing, the raw signedAttrs walk, the
 * signed attributes (messageDigest, signing-certificate(-v2),
 * signingTime, adbe-revocationInfoArchival), algorithms, signature
 * values and embedded time-stamp tokens.
 *
 * The input carries the covered bytes as well as the container, so that
 * seeds from real signatures pass every check:
 *
 *   byte 0        kind (tamga__sig_kind, modulo 3)
 *   bytes 1-2     n, big-endian: the covered bytes' length
 *   n bytes       the covered bytes (checked as two ranges, split in the middle)
 *   the rest      the container
 *
 * Seeds (tests/fuzz/corpus/cms/) are written by the unit test:
 *   TAMGA_CMS_SEEDS=DIR build/tests/test_cms_verify
 */
#include <stdint.h>
#include <string.h>

#include <tamga/common.h>

#include "formats/cms/cms_verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tamga__cms_result r;
	struct tamga__range ranges[2];
	size_t n, i;

	if (size < 3)
		return 0;
	n = (size_t)data[1] << 8 | data[2];
	if (size - 3 < n)
		return 0;
	ranges[0].offset = 0;
	ranges[0].len = n / 2;
	ranges[1].offset = n / 2;
	ranges[1].len = n - n / 2;
	if (tamga__cms_verify(&r, data + 3 + n, size - 3 - n, (tamga__sig_kind)(data[0] % 3), data + 3, n,
	                      ranges, 2, NULL) == 0) {
		/* A failure always says why; every time-stamp has a verdict with a reason. */
		if ((r.status != TAMGA__CMS_OK) != (r.message != NULL))
			__builtin_trap();
		for (i = 0; i < r.timestamp_count; i++)
			if ((r.timestamps[i].status != TAMGA__CMS_OK) != (r.timestamps[i].message != NULL))
				__builtin_trap();
	}
	tamga__cms_result_free(&r);
	return 0;
}
