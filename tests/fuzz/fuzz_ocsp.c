/*
 * tests/fuzz/fuzz_ocsp.c - OCSP responses (pki/ocsp.c, tamga__ocsp_check):
 * parsing the OCSPResponse and BasicOCSPResponse, finding and authorising
 * the responder, its signature, the CertID match and the time checks.
 *
 * The input carries the certificate and its issuer as well as the
 * response, so that seeds taken from a real exchange pass every check:
 *
 *   byte 0        flags: bit 0 = the time is a proof of existence
 *   8 bytes       validation time, seconds since 1970, big-endian
 *   2 + n bytes   the certificate (DER), n big-endian
 *   2 + m bytes   its issuer (DER)
 *   the rest      the OCSPResponse (DER)
 *
 * Seeds (tests/fuzz/corpus/ocsp/) come from tests/cli/revocation.sh's PKI
 * and `openssl ocsp -index` answers.
 */
#include <stdint.h>

#include <openssl/x509.h>

#include "pki/validate_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static X509 *take_cert(const uint8_t **p, size_t *left)
{
	const unsigned char *q;
	size_t n;
	X509 *x;

	if (*left < 2)
		return NULL;
	n = ((size_t)(*p)[0] << 8) | (*p)[1];
	if (n > *left - 2)
		return NULL;
	q = *p + 2;
	x = d2i_X509(NULL, &q, (long)n);
	*p += 2 + n;
	*left -= 2 + n;
	return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tamga__ocsp_answer a;
	tamga_buf why = TAMGA_BUF_INIT;
	const uint8_t *p = data;
	size_t left = size, i;
	X509 *cert = NULL, *issuer = NULL;
	uint64_t at = 0;
	int poe;

	if (size < 9)
		return 0;
	poe = data[0] & 1;
	for (i = 1; i < 9; i++)
		at = (at << 8) | data[i];
	p += 9;
	left -= 9;
	if ((cert = take_cert(&p, &left)) != NULL && (issuer = take_cert(&p, &left)) != NULL) {
		(void)tamga__ocsp_check(&a, p, left, cert, issuer, NULL, NULL, (tamga_time)(at & INT64_MAX), poe, &why);
		(void)tamga__ocsp_next_update(p, left);
	}
	tamga_buf_dispose(&why);
	X509_free(cert);
	X509_free(issuer);
	return 0;
}
