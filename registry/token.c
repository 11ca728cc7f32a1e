/*
 * registry/token.c - bearer tokens.
 *
 * A token is "tmg_" + base64url (RFC 4648 §5, no padding) of 32 bytes from
 * RAND_bytes: 4 + 43 characters, 256 bits an attacker must guess.  The
 * registry stores only the SHA-256 of the token's text, so a copy of the
 * database (a backup, a leaked file) holds no usable credential; SHA-256
 * without salt or stretching is enough because the input is random, not a
 * password.  The prefix lets secret scanners recognise a leaked token.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/buf.h"
#include "common/error.h"
#include "registry/internal.h"

#define TOKEN_PREFIX "tmg_"
#define TOKEN_RANDOM 32
#define TOKEN_B64_LEN 43   /* ceil(32 * 8 / 6) */

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void b64url_encode(char *out, const unsigned char *in, size_t len)
{
	size_t i, o = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = b64url[(acc >> bits) & 63];
		}
	}
	if (bits > 0)
		out[o++] = b64url[(acc << (6 - bits)) & 63];
	out[o] = '\0';
}

int tamga__token_well_formed(const char *s)
{
	size_t i;

	if (s == NULL || strncmp(s, TOKEN_PREFIX, 4) != 0 || strlen(s) != 4 + TOKEN_B64_LEN)
		return 0;
	for (i = 4; s[i]; i++)
		if (strchr(b64url, s[i]) == NULL)
			return 0;
	return 1;
}

int tamga__token_hash(const char *token, char hash[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(token, strlen(token), md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return tamga__error_openssl(TAMGA_ECRYPTO, "hashing a token");
	tamga__hex(hash, md, 32);
	return 0;
}

int tamga__token_new(char token_out[TAMGA_TOKEN_BUFSIZE], char hash[65])
{
	unsigned char rnd[TOKEN_RANDOM];
	int error;

	token_out[0] = '\0';
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return tamga__error_openssl(TAMGA_ECRYPTO, "making a token: the random generator failed");
	memcpy(token_out, TOKEN_PREFIX, 4);
	b64url_encode(token_out + 4, rnd, sizeof(rnd));
	OPENSSL_cleanse(rnd, sizeof(rnd));
	if ((error = tamga__token_hash(token_out, hash)) < 0)
		OPENSSL_cleanse(token_out, TAMGA_TOKEN_BUFSIZE);
	return error;
}

int tamga__is_sha256_hex(const char *s)
{
	size_t i;

	if (s == NULL)
		return 0;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return s[64] == '\0';
}

int tamga_registry_token_id(const char *token, char out[TAMGA_TOKEN_ID_BUFSIZE])
{
	char hash[65];
	int error;

	out[0] = '\0';
	if (!tamga__token_well_formed(token))
		return tamga__error_set(TAMGA_EINVAL, "not a tamga token (\"tmg_\" and 43 base64url characters)");
	if ((error = tamga__token_hash(token, hash)) < 0)
		return error;
	memcpy(out, hash, TAMGA_TOKEN_ID_LEN);
	out[TAMGA_TOKEN_ID_LEN] = '\0';
	return 0;
}
