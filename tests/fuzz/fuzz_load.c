/*
 * tests/fuzz/fuzz_load.c - certificate and CRL loading (pki/load.c, the
 * trust store's *_mem entry points, tamga_cert_from_der).  Every input is
 * tried as anchors, intermediates, CRLs and one DER certificate; a loaded
 * certificate's accessors are exercised.
 */
#include <stdint.h>

#include <tamga/cert.h>
#include <tamga/trust.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tamga_trust *t = NULL;
	tamga_cert *c = NULL;
	tamga_validation *v = NULL;

	if (tamga_trust_new(&t) != 0)
		return 0;
	(void)tamga_trust_add_anchors_mem(t, data, size);
	(void)tamga_trust_add_intermediates_mem(t, data, size);
	(void)tamga_trust_add_crls_mem(t, data, size);
	if (tamga_cert_from_der(&c, data, size) == 0) {
		tamga_validate_options o = TAMGA_VALIDATE_OPTIONS_INIT;

		(void)tamga_cert_subject(c);
		(void)tamga_cert_not_after(c);
		o.at = 1651363200; /* fixed: 2022-05-01 */
		o.purpose = TAMGA_PURPOSE_ANY;
		if (tamga_trust_validate(&v, t, c, &o) == 0)
			(void)tamga_validation_message(v);
	}
	tamga_validation_free(v);
	tamga_cert_free(c);
	tamga_trust_free(t);
	return 0;
}
