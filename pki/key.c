/*
 * pki/key.c - key generation and PEM private keys at rest.
 *
 * Keys tamga writes are PKCS#8 EncryptedPrivateKeyInfo (RFC 5958) with
 * PBES2 (RFC 8018): PBKDF2-HMAC-SHA256 and AES-256-CBC.  The iteration
 * count follows current guidance for PBKDF2-SHA256 (600 000), so a
 * stolen key file is expensive to brute-force; unlocking costs a fraction
 * of a second once per process.
 */
#include <string.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "common/buf.h"
#include "common/error.h"
#include "pki/pki.h"

#define PBKDF2_ITER 600000

int tamga_key_type_parse(tamga_key_type *out, const char *name)
{
	if (name != NULL && strcmp(name, "p256") == 0)
		*out = TAMGA_KEY_P256;
	else if (name != NULL && strcmp(name, "p384") == 0)
		*out = TAMGA_KEY_P384;
	else if (name != NULL && strcmp(name, "rsa3072") == 0)
		*out = TAMGA_KEY_RSA3072;
	else
		return tamga__error_set(TAMGA_EINVAL, "unknown key type '%s' (p256, p384 or rsa3072)",
		                        name ? name : "");
	return 0;
}

const char *tamga_key_type_name(tamga_key_type type)
{
	switch (type) {
	case TAMGA_KEY_P256: return "p256";
	case TAMGA_KEY_P384: return "p384";
	case TAMGA_KEY_RSA3072: return "rsa3072";
	}
	return "?";
}

int tamga__key_generate(EVP_PKEY **out, tamga_key_type type)
{
	EVP_PKEY *key = NULL;

	switch (type) {
	case TAMGA_KEY_P256: key = EVP_EC_gen("P-256"); break;
	case TAMGA_KEY_P384: key = EVP_EC_gen("P-384"); break;
	case TAMGA_KEY_RSA3072: key = EVP_RSA_gen(3072); break;
	default: return tamga__error_set(TAMGA_EINVAL, "unknown key type %d", (int)type);
	}
	if (key == NULL)
		return tamga__error_openssl(TAMGA_ECRYPTO, "key generation failed");
	*out = key;
	return 0;
}

const EVP_MD *tamga__key_md(const EVP_PKEY *key)
{
	int bits = EVP_PKEY_get_bits(key);

	if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
		if (bits > 384)
			return EVP_sha512();
		if (bits > 256)
			return EVP_sha384();
	}
	return EVP_sha256();
}

static int bio_to_buf(tamga_buf *out, BIO *bio)
{
	char *data;
	long n = BIO_get_mem_data(bio, &data);

	return tamga__buf_append(out, data, (size_t)n);
}

int tamga__key_to_pem(tamga_buf *out, EVP_PKEY *key, const char *pass, size_t pass_len)
{
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	X509_SIG *enc = NULL;
	BIO *bio = NULL;
	int error = 0;

	if (pass != NULL && pass_len < TAMGA__PASS_MIN)
		return tamga__error_set(TAMGA_EPASSPHRASE, "passphrase is shorter than %d bytes", TAMGA__PASS_MIN);
	if (pass_len > INT32_MAX)
		return tamga__error_set(TAMGA_EPASSPHRASE, "passphrase is too long");
	bio = BIO_new(BIO_s_secmem());
	if (bio == NULL)
		return tamga__error_oom();
	if ((p8 = EVP_PKEY2PKCS8(key)) == NULL) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot encode the private key");
		goto done;
	}
	if (pass == NULL) {
		if (!PEM_write_bio_PKCS8_PRIV_KEY_INFO(bio, p8)) {
			error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot write the private key");
			goto done;
		}
	} else {
		enc = PKCS8_encrypt_ex(-1, EVP_aes_256_cbc(), pass, (int)pass_len, NULL, 0, PBKDF2_ITER, p8,
		                       NULL, NULL);
		if (enc == NULL || !PEM_write_bio_PKCS8(bio, enc)) {
			error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot encrypt the private key");
			goto done;
		}
	}
	error = bio_to_buf(out, bio);
done:
	X509_SIG_free(enc);
	PKCS8_PRIV_KEY_INFO_free(p8);
	BIO_free(bio);
	return error;
}

struct pass_ctx {
	const char *pass;
	size_t len;
	int asked;
};

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_ctx *ctx = u;

	(void)rwflag;
	ctx->asked = 1;
	if (ctx->pass == NULL || ctx->len > (size_t)size)
		return -1;
	memcpy(buf, ctx->pass, ctx->len);
	return (int)ctx->len;
}

int tamga__key_from_pem(EVP_PKEY **out, const void *pem, size_t len, const char *pass,
                        size_t pass_len, const char *what)
{
	struct pass_ctx ctx = { pass, pass_len, 0 };
	BIO *bio;
	EVP_PKEY *key;

	*out = NULL;
	if (len > INT32_MAX)
		return tamga__error_set(TAMGA_ELIMIT, "%s: too large for a key", what);
	bio = BIO_new_mem_buf(pem, (int)len);
	if (bio == NULL)
		return tamga__error_oom();
	key = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, &ctx);
	BIO_free(bio);
	if (key == NULL) {
		if (ctx.asked && pass == NULL)
			return tamga__error_set(TAMGA_EPASSPHRASE, "%s: the key is encrypted and no passphrase was given",
			                        what);
		if (ctx.asked)
			return tamga__error_openssl(TAMGA_EPASSPHRASE, "%s: wrong passphrase, or the key is corrupt",
			                            what);
		return tamga__error_openssl(TAMGA_EFORMAT, "%s: not a PEM private key", what);
	}
	*out = key;
	return 0;
}
