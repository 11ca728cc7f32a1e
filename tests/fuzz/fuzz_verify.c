/*
 * tests/fuzz/fuzz_verify.c - the whole verification pipeline over one
 * hostile document: format probe, the PDF handler's signature discovery and
 * change analysis, CMS integrity, path validation (offline, against an
 * empty trust store, so nothing is fetched and nothing can pass) and both
 * report renderers.
 *
 * Seeds (tests/fuzz/corpus/verify/): PDFs signed by tamga (approval,
 * certification, two signatures) and attacked variants of them.
 */
#include <stdint.h>
#include <stdlib.h>

#include <tamga/tamga.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tamga_verify_options o = TAMGA_VERIFY_OPTIONS_INIT;
	tamga_trust *trust = NULL;
	tamga_verifier *v = NULL;
	tamga_report *r = NULL;
	tamga_buf out = TAMGA_BUF_INIT;

	if (tamga_trust_new(&trust) < 0)
		abort();
	o.trust = trust;
	o.offline = 1;
	o.at = 1795000000; /* fixed: runs are reproducible */
	if (tamga_verifier_new(&v, &o) < 0)
		abort();
	if (tamga_verifier_verify_buffer(v, &r, data, size, "fuzz") == 0) {
		/* Nothing is trusted: passing would be a bug. */
		if (tamga_report_verdict(r) == TAMGA_VERDICT_TOTAL_PASSED)
			abort();
		if (tamga_report_json(r, &out) < 0 || tamga_report_text(r, &out) < 0)
			abort();
		tamga_report_free(r);
	}
	tamga_buf_dispose(&out);
	tamga_verifier_free(v);
	tamga_trust_free(trust);
	return 0;
}
