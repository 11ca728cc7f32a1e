/*
 * pki/signer.c - tamga_signer: a private key, its certificate and the CA
 * chain above it, from PEM files or a PKCS#12 file (RFC 7292).
 *
 * What a signer may hold is decided here, once, so that nothing later
 * signs with a key a verifier will reject: RSA >= 2048 bits or EC on
 * P-256 / P-384 / P-521 (ETSI TS 119 312), and a key that belongs to the
 * certificate (a CMS signature naming a certificate whose key did not make
 * it verifies nowhere).
 *
 * PKCS#12 files exported by Windows and by OpenSSL before 3.0 protect the
 * certificates with RC2-40 and the key with 3DES; OpenSSL 3 keeps RC2 in
 * its "legacy" provider.  Loading that provider into the process-wide
 * default library context would make legacy algorithms available to every
 * other caller, so the file is opened in a private library context with
 * the default and legacy providers, and the key and certificates are
 * re-encoded into the caller's context before they are used.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "pki/pki.h"
#include "pki/signer_internal.h"

#define RSA_MIN_BITS 2048

struct tamga_signer {
	EVP_PKEY *key;
	tamga_cert *cert;
	tamga_cert **chain;
	size_t chain_len;
	int key_was_plain;
	char description[32];
};

/* ------------------------------------------------------------ the key */

static int check_key(tamga_signer *s, EVP_PKEY *key, const char *what)
{
	if (EVP_PKEY_is_a(key, "RSA")) {
		int bits = EVP_PKEY_get_bits(key);

		if (bits < RSA_MIN_BITS)
			return tamga__error_set(TAMGA_EUNSUPPORTED,
			                        "%s: an RSA key of %d bits is too weak to sign with "
			                        "(RSA needs at least %d bits)", what, bits, RSA_MIN_BITS);
		snprintf(s->description, sizeof(s->description), "RSA %d", bits);
		return 0;
	}
	if (EVP_PKEY_is_a(key, "EC")) {
		char group[80];
		size_t glen = 0;
		int nid;

		/* A key with explicit curve parameters has no group name. */
		if (!EVP_PKEY_get_group_name(key, group, sizeof(group), &glen)) {
			ERR_clear_error();
			return tamga__error_set(TAMGA_EUNSUPPORTED, "%s: an EC key with explicit curve parameters "
			                        "(tamga signs with the named curves P-256, P-384 or P-521)", what);
		}
		nid = OBJ_txt2nid(group);
		if (nid == NID_undef)
			nid = EC_curve_nist2nid(group);
		switch (nid) {
		case NID_X9_62_prime256v1: snprintf(s->description, sizeof(s->description), "EC P-256"); return 0;
		case NID_secp384r1: snprintf(s->description, sizeof(s->description), "EC P-384"); return 0;
		case NID_secp521r1: snprintf(s->description, sizeof(s->description), "EC P-521"); return 0;
		}
		ERR_clear_error();
		return tamga__error_set(TAMGA_EUNSUPPORTED, "%s: an EC key on curve %s "
		                        "(tamga signs with P-256, P-384 or P-521)", what, group);
	}
	return tamga__error_set(TAMGA_EUNSUPPORTED, "%s: a %s key (tamga signs with RSA of %d bits or more, "
	                        "or EC P-256, P-384 or P-521)", what,
	                        EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "unknown",
	                        RSA_MIN_BITS);
}

/*
 * The key as verifiers see it, in the certificate: RFC 5480 §2.1.1 allows
 * only named curves there, and validators refuse explicit parameters
 * (they once hid CVE-2020-0601, a curve with a chosen generator).
 */
static int check_cert_key(X509 *x, const char *what)
{
	EVP_PKEY *pub = X509_get0_pubkey(x);
	char enc[32];

	if (pub == NULL)
		return tamga__error_openssl(TAMGA_EFORMAT, "%s: cannot read the certificate's public key", what);
	if (EVP_PKEY_is_a(pub, "EC") &&
	    EVP_PKEY_get_utf8_string_param(pub, OSSL_PKEY_PARAM_EC_ENCODING, enc, sizeof(enc), NULL) &&
	    strcmp(enc, OSSL_PKEY_EC_ENCODING_GROUP) != 0)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "%s: the certificate's EC key has explicit curve "
		                        "parameters (RFC 5480 allows named curves only)", what);
	ERR_clear_error();
	return 0;
}

/* ------------------------------------------------------------ PEM files */

static int load_pem_key(EVP_PKEY **out, int *plain, const tamga_signer_options *o)
{
	tamga_buf pem = TAMGA_BUF_INIT;
	int error;

	if ((error = tamga__file_read(&pem, o->key_path, TAMGA_SIGNER_FILE_MAX)) < 0)
		goto done;
	/* Without a passphrase first: whether that works says whether the key
	 * is stored in the clear, for tamga_signer_key_was_plain(). */
	error = tamga__key_from_pem(out, pem.ptr, pem.size, NULL, 0, o->key_path);
	if (error == 0) {
		*plain = 1;
		goto done;
	}
	if (error != TAMGA_EPASSPHRASE || o->passphrase == NULL || o->passphrase_len == 0)
		goto done;
	error = tamga__key_from_pem(out, pem.ptr, pem.size, o->passphrase, o->passphrase_len, o->key_path);
done:
	tamga_buf_dispose(&pem);
	return error;
}

/* Append every certificate of a PEM bundle (or one DER certificate). */
static int load_cert_file(STACK_OF(X509) *into, const char *path)
{
	tamga_buf data = TAMGA_BUF_INIT;
	STACK_OF(X509) *certs = NULL;
	int error, i;

	if ((error = tamga__file_read(&data, path, TAMGA_CERT_FILE_MAX)) < 0 ||
	    (error = tamga__load_certs(&certs, data.ptr, data.size, path)) < 0)
		goto done;
	for (i = 0; i < sk_X509_num(certs); i++) {
		if (!sk_X509_push(into, sk_X509_value(certs, i))) {
			error = tamga__error_oom();
			goto done;
		}
		sk_X509_set(certs, i, NULL); /* moved */
	}
done:
	sk_X509_pop_free(certs, X509_free);
	tamga_buf_dispose(&data);
	return error;
}

/* ------------------------------------------------------------ PKCS#12 */

static pthread_once_t p12_once = PTHREAD_ONCE_INIT;
static OSSL_LIB_CTX *p12_ctx;   /* default + legacy providers; lives as long as the process */
static int p12_legacy;          /* the legacy provider could be loaded */

static void p12_ctx_init(void)
{
	OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();

	if (ctx == NULL)
		return;
	if (OSSL_PROVIDER_load(ctx, "default") == NULL) {
		OSSL_LIB_CTX_free(ctx);
		ERR_clear_error();
		return;
	}
	/* Optional: without it legacy files fail with TAMGA_EUNSUPPORTED. */
	p12_legacy = OSSL_PROVIDER_load(ctx, "legacy") != NULL;
	ERR_clear_error();
	p12_ctx = ctx;
}

static int is_unsupported(unsigned long e)
{
	int r = ERR_GET_REASON(e);

	return e != 0 && (r == ERR_R_UNSUPPORTED || r == ERR_R_FETCH_FAILED ||
	                  (ERR_GET_LIB(e) == ERR_LIB_EVP && (r == EVP_R_UNSUPPORTED_ALGORITHM ||
	                                                     r == EVP_R_UNSUPPORTED_CIPHER ||
	                                                     r == EVP_R_UNKNOWN_PBE_ALGORITHM)));
}

/* The first or the last queued OpenSSL error means "algorithm not
 * available" (a failed fetch, and what the PKCS#12 code adds on top). */
static int unsupported_error(void)
{
	return is_unsupported(ERR_peek_error()) || is_unsupported(ERR_peek_last_error());
}

/*
 * The parts of a PKCS#12 file, decoded in p12_ctx: the key as a PKCS#8
 * structure and the certificates as DER, so that nothing bound to the
 * private context outlives this function.
 */
static int p12_open(PKCS8_PRIV_KEY_INFO **p8_out, tamga_buf *cert_der, STACK_OF(X509) **ca_out,
                    int *plain, const tamga_signer_options *o, const tamga_buf *file)
{
	OSSL_LIB_CTX *prev = NULL;
	const unsigned char *p = file->ptr;
	PKCS12 *p12 = NULL;
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	STACK_OF(X509) *ca = NULL;
	char *pass = NULL;
	int error = 0, n;
	unsigned char *der = NULL;

	if (pthread_once(&p12_once, p12_ctx_init) != 0 || p12_ctx == NULL)
		return tamga__error_openssl(TAMGA_ECRYPTO, "%s: cannot set up OpenSSL to read PKCS#12", o->p12_path);
	if (file->size > INT32_MAX)
		return tamga__error_set(TAMGA_ELIMIT, "%s: too large", o->p12_path);
	/* The PKCS#12 API takes NUL-terminated passphrases. */
	if (o->passphrase != NULL && o->passphrase_len > 0) {
		if (memchr(o->passphrase, '\0', o->passphrase_len) != NULL)
			return tamga__error_set(TAMGA_EPASSPHRASE, "%s: a PKCS#12 passphrase cannot contain NUL bytes",
			                        o->p12_path);
		if ((pass = malloc(o->passphrase_len + 1)) == NULL)
			return tamga__error_oom();
		memcpy(pass, o->passphrase, o->passphrase_len);
		pass[o->passphrase_len] = '\0';
	}

	ERR_clear_error();
	prev = OSSL_LIB_CTX_set0_default(p12_ctx);
	if (prev == NULL) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "%s: cannot switch OpenSSL library context", o->p12_path);
		goto done;
	}
	p12 = d2i_PKCS12(NULL, &p, (long)file->size);
	if (p12 == NULL || p != file->ptr + file->size) {
		error = tamga__error_openssl(TAMGA_EFORMAT, "%s: not a DER PKCS#12 file", o->p12_path);
		goto done;
	}
	/* The MAC first: a mismatch there is a wrong passphrase, whereas a
	 * failure inside PKCS12_parse could be anything. */
	if (PKCS12_mac_present(p12)) {
		int ok = pass != NULL ? PKCS12_verify_mac(p12, pass, -1)
		                      : (PKCS12_verify_mac(p12, NULL, 0) || PKCS12_verify_mac(p12, "", 0));

		if (!ok && ERR_peek_error() == 0) {
			error = tamga__error_set(TAMGA_EPASSPHRASE, pass == NULL ?
			                         "%s: the PKCS#12 file is protected and no passphrase was given" :
			                         "%s: wrong passphrase for the PKCS#12 file", o->p12_path);
			goto done;
		}
		if (!ok) {
			error = tamga__error_openssl(unsupported_error() ? TAMGA_EUNSUPPORTED : TAMGA_EFORMAT,
			                             "%s: cannot check the PKCS#12 integrity MAC", o->p12_path);
			goto done;
		}
	}
	if (!PKCS12_parse(p12, pass, &key, &x, &ca)) {
		if (unsupported_error())
			error = tamga__error_openssl(TAMGA_EUNSUPPORTED, "%s: the PKCS#12 file uses an algorithm this "
			                             "OpenSSL cannot provide%s", o->p12_path,
			                             p12_legacy ? "" : " (the legacy provider is not available: "
			                                          "export it again with AES)");
		else
			error = tamga__error_openssl(PKCS12_mac_present(p12) ? TAMGA_EFORMAT : TAMGA_EPASSPHRASE,
			                             "%s: cannot decrypt the PKCS#12 file%s", o->p12_path,
			                             PKCS12_mac_present(p12) ? "" : " (wrong passphrase?)");
		goto done;
	}
	if (key == NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s: the PKCS#12 file holds no private key", o->p12_path);
		goto done;
	}
	if (x == NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "%s: the PKCS#12 file holds no certificate for its key",
		                         o->p12_path);
		goto done;
	}
	if ((*p8_out = EVP_PKEY2PKCS8(key)) == NULL) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "%s: cannot re-encode the private key", o->p12_path);
		goto done;
	}
	if ((n = i2d_X509(x, &der)) <= 0) {
		error = tamga__error_openssl(TAMGA_EFORMAT, "%s: cannot encode the certificate", o->p12_path);
		goto done;
	}
	error = tamga__buf_append(cert_der, der, (size_t)n);
	*ca_out = ca;
	ca = NULL;
	*plain = pass == NULL;
done:
	if (prev != NULL)
		OSSL_LIB_CTX_set0_default(prev);
	OPENSSL_free(der);
	EVP_PKEY_free(key);
	X509_free(x);
	sk_X509_pop_free(ca, X509_free);
	PKCS12_free(p12);
	if (pass != NULL) {
		OPENSSL_cleanse(pass, o->passphrase_len);
		free(pass);
	}
	return error;
}

/* Re-decode a certificate in the caller's library context. */
static X509 *redecode(X509 *x)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	X509 *y = NULL;
	int n = i2d_X509(x, &der);

	if (n > 0) {
		p = der;
		y = d2i_X509(NULL, &p, n);
	}
	OPENSSL_free(der);
	return y;
}

static int load_p12(EVP_PKEY **key, STACK_OF(X509) *certs, int *plain, const tamga_signer_options *o)
{
	tamga_buf file = TAMGA_BUF_INIT, cert_der = TAMGA_BUF_INIT;
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	STACK_OF(X509) *ca = NULL;
	const unsigned char *p;
	X509 *x = NULL;
	int error, i;

	if ((error = tamga__file_read(&file, o->p12_path, TAMGA_SIGNER_FILE_MAX)) < 0 ||
	    (error = p12_open(&p8, &cert_der, &ca, plain, o, &file)) < 0)
		goto done;
	if ((*key = EVP_PKCS82PKEY(p8)) == NULL) {
		error = tamga__error_openssl(TAMGA_EFORMAT, "%s: cannot decode the private key", o->p12_path);
		goto done;
	}
	p = cert_der.ptr;
	if ((x = d2i_X509(NULL, &p, (long)cert_der.size)) == NULL || !sk_X509_push(certs, x)) {
		error = tamga__error_openssl(TAMGA_EFORMAT, "%s: cannot copy the certificate", o->p12_path);
		goto done;
	}
	x = NULL;
	for (i = 0; i < sk_X509_num(ca); i++) {
		if ((x = redecode(sk_X509_value(ca, i))) == NULL || !sk_X509_push(certs, x)) {
			error = tamga__error_openssl(TAMGA_EFORMAT, "%s: cannot copy a chain certificate", o->p12_path);
			goto done;
		}
		x = NULL;
	}
done:
	X509_free(x);
	sk_X509_pop_free(ca, X509_free);
	PKCS8_PRIV_KEY_INFO_free(p8);
	tamga_buf_dispose(&cert_der);
	tamga_buf_dispose(&file);
	return error;
}

/* ------------------------------------------------------------ the signer */

static int options_check(const tamga_signer_options *o)
{
	if (o == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_signer_load: no options");
	if (o->version != TAMGA_SIGNER_OPTIONS_VERSION)
		return tamga__error_set(TAMGA_EINVAL, "tamga_signer_load: unknown options version");
	if (o->p12_path != NULL && (o->key_path != NULL || o->cert_path != NULL))
		return tamga__error_set(TAMGA_EINVAL, "a signer comes from a key and a certificate, or from a "
		                        "PKCS#12 file, not both");
	if (o->p12_path == NULL && (o->key_path == NULL || o->cert_path == NULL))
		return tamga__error_set(TAMGA_EINVAL, "a signer needs a key and a certificate, or a PKCS#12 file");
	if (o->passphrase == NULL && o->passphrase_len != 0)
		return tamga__error_set(TAMGA_EINVAL, "passphrase length without a passphrase");
	return 0;
}

int tamga_signer_load(tamga_signer **out, const tamga_signer_options *opts)
{
	tamga_signer *s = NULL;
	STACK_OF(X509) *certs = NULL;  /* the signer's first, then the chain */
	EVP_PKEY *key = NULL;
	const char *what;
	int error = 0, plain = 0, i, j;

	if (out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_signer_load: out is NULL");
	*out = NULL;
	if ((error = options_check(opts)) < 0)
		return error;
	what = opts->p12_path ? opts->p12_path : opts->key_path;
	if ((s = calloc(1, sizeof(*s))) == NULL || (certs = sk_X509_new_null()) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if (opts->p12_path != NULL)
		error = load_p12(&key, certs, &plain, opts);
	else if ((error = load_pem_key(&key, &plain, opts)) == 0)
		error = load_cert_file(certs, opts->cert_path);
	if (error < 0)
		goto done;
	if (opts->chain_path != NULL && (error = load_cert_file(certs, opts->chain_path)) < 0)
		goto done;

	if ((error = check_key(s, key, what)) < 0)
		goto done;
	ERR_clear_error();
	if (!X509_check_private_key(sk_X509_value(certs, 0), key)) {
		error = tamga__error_openssl(TAMGA_EINVAL, "%s: the private key does not belong to the "
		                             "certificate %s", what, opts->cert_path ? opts->cert_path : "in the file");
		goto done;
	}
	if ((error = check_cert_key(sk_X509_value(certs, 0), opts->cert_path ? opts->cert_path : what)) < 0)
		goto done;

	if ((error = tamga__cert_wrap(&s->cert, sk_X509_value(certs, 0))) < 0)
		goto done;
	if (sk_X509_num(certs) > 1 &&
	    (s->chain = calloc((size_t)sk_X509_num(certs) - 1, sizeof(*s->chain))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (i = 1; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);

		for (j = 0; j < i; j++)
			if (X509_cmp(x, sk_X509_value(certs, j)) == 0)
				break;
		if (j < i)
			continue; /* a duplicate: each certificate once */
		if ((error = tamga__cert_wrap(&s->chain[s->chain_len], x)) < 0)
			goto done;
		s->chain_len++;
	}
	s->key = key;
	key = NULL;
	s->key_was_plain = plain;
	*out = s;
	s = NULL;
done:
	tamga_signer_free(s);
	EVP_PKEY_free(key);
	sk_X509_pop_free(certs, X509_free);
	return error;
}

void tamga_signer_free(tamga_signer *signer)
{
	size_t i;

	if (signer == NULL)
		return;
	EVP_PKEY_free(signer->key);
	tamga_cert_free(signer->cert);
	for (i = 0; i < signer->chain_len; i++)
		tamga_cert_free(signer->chain[i]);
	free(signer->chain);
	free(signer);
}

int tamga_signer_key_was_plain(const tamga_signer *signer)
{
	return signer->key_was_plain;
}

const tamga_cert *tamga_signer_cert(const tamga_signer *signer)
{
	return signer->cert;
}

size_t tamga_signer_chain_length(const tamga_signer *signer)
{
	return signer->chain_len;
}

const tamga_cert *tamga_signer_chain_cert(const tamga_signer *signer, size_t index)
{
	return index < signer->chain_len ? signer->chain[index] : NULL;
}

const char *tamga_signer_key_description(const tamga_signer *signer)
{
	return signer->description;
}

EVP_PKEY *tamga__signer_key(const tamga_signer *signer)
{
	return signer->key;
}
