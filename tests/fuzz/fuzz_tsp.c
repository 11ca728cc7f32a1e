/*
 * tests/fuzz/fuzz_tsp.c - RFC 3161 answers (pki/tsp.c,
 * tamga__tsp_check_response): parsing the TimeStampResp, the status, the
 * token's TSTInfo, imprint and nonce, the signer certificate and the
 * token's signature.
 *
 * The input carries the question as well as the answer, so that seeds
 * taken from a real exchange pass every check and the fuzzer starts from
 * the deepest path:
 *
 *   byte 0        hash: 0 sha256, 1 sha384, 2 sha512 (modulo 3)
 *   byte 1        nonce length n (modulo 17)
 *   n bytes       the nonce asked for (big-endian, non-negative)
 *   H bytes       the hash asked for (H = the hash's size)
 *   the rest      the TimeStampResp
 *
 * Seeds (tests/fuzz/corpus/tsp/) are made with
 *   tests/tools/tsa_server.py seed ... QUERY.tsq OUT
 * from `openssl ts -query` requests answered by `openssl ts -reply`.
 */
#include <stdint.h>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/evp.h>

#include <tamga/common.h>

#include "pki/tsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const EVP_MD *mds[3] = { EVP_sha256(), EVP_sha384(), EVP_sha512() };
	struct tamga__tsp_query q;
	tamga_buf token = TAMGA_BUF_INIT;
	ASN1_INTEGER *nonce = NULL;
	BIGNUM *bn = NULL;
	size_t n, h, off;

	if (size < 2)
		return 0;
	q.md = mds[data[0] % 3];
	h = (size_t)EVP_MD_get_size(q.md);
	n = data[1] % 17;
	off = 2;
	if (size < off + n + h)
		return 0;
	if ((bn = BN_bin2bn(data + off, (int)n, NULL)) == NULL || (nonce = BN_to_ASN1_INTEGER(bn, NULL)) == NULL)
		goto done;
	off += n;
	q.digest = data + off;
	q.digest_len = h;
	q.policy = NULL;
	off += h;
	if (tamga__tsp_check_response(&token, data + off, size - off, &q, nonce) == 0) {
		/* A token accepted is whole DER of one element. */
		if (token.size < 2 || token.ptr[0] != 0x30)
			__builtin_trap();
	}
done:
	tamga_buf_dispose(&token);
	ASN1_INTEGER_free(nonce);
	BN_free(bn);
	return 0;
}
