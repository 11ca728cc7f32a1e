/*
 * formats/cms/cades.c - CAdES baseline signatures as PAdES embeds them:
 * ETSI EN 319 122-1 §6 (B-B, B-T) within EN 319 142-1 §6.3, on RFC 5652
 * (CMS), RFC 5035 (signingCertificateV2), RFC 4055 (RSASSA-PSS), RFC 5754
 * and RFC 5758 (SHA-2 and ECDSA identifiers).
 *
 *   ContentInfo SEQUENCE {
 *     id-signedData,
 *     [0] SignedData SEQUENCE {
 *       version 1,
 *       digestAlgorithms SET { H },                    -- no parameters (RFC 5754)
 *       encapContentInfo SEQUENCE { id-data },         -- detached: no eContent
 *       certificates [0] IMPLICIT SET OF Certificate,  -- signer and chain
 *       signerInfos SET { SignerInfo SEQUENCE {
 *         version 1,
 *         sid IssuerAndSerialNumber,
 *         digestAlgorithm H,
 *         signedAttrs [0] IMPLICIT SET OF Attribute {
 *           contentType id-data,
 *           messageDigest H(content),
 *           signingCertificateV2 { certs { ESSCertIDv2 {
 *             hashAlgorithm H (omitted for SHA-256, the DEFAULT),
 *             certHash H(signer certificate),
 *             issuerSerial { { [4] issuer }, serial } } } } },
 *         signatureAlgorithm,                          -- ecdsa-with-SHA*, sha*WithRSA
 *         signature OCTET STRING,                      --   + NULL, or RSASSA-PSS + params
 *         unsignedAttrs [1] IMPLICIT SET OF Attribute { -- B-T only
 *           signatureTimeStampToken { TimeStampToken over H(signature) } } } } } }
 *
 * No signingTime: PAdES takes the claimed time from the signature
 * dictionary's /M and forbids the attribute (EN 319 142-1 §6.3), which is why this is built by hand and not with CMS_sign(),
 * which always adds one.  signingCertificateV2 binds the certificate into
 * what is signed, so a verifier cannot be handed another certificate for
 * the same key (certificate substitution).
 *
 * Everything is DER, SET OFs in DER order (ISO 32000-1 §12.8.3.3.1 asks
 * for a DER-encoded SignedData); the signature is computed over the
 * signedAttrs encoded with the SET tag (RFC 5652 §5.4) and embedded with
 * the [0] tag, bytes otherwise identical.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/cms/cms.h"
#include "formats/cms/der.h"
#include "pki/pki.h"
#include "pki/signer_internal.h"
#include "pki/tsp.h"

#define OID_DATA "1.2.840.113549.1.7.1"
#define OID_SIGNED_DATA "1.2.840.113549.1.7.2"
#define OID_CONTENT_TYPE "1.2.840.113549.1.9.3"
#define OID_MESSAGE_DIGEST "1.2.840.113549.1.9.4"
#define OID_SIGNING_CERTIFICATE_V2 "1.2.840.113549.1.9.16.2.47"
#define OID_SIGNATURE_TIME_STAMP "1.2.840.113549.1.9.16.2.14"
#define OID_RSASSA_PSS "1.2.840.113549.1.1.10"
#define OID_MGF1 "1.2.840.113549.1.1.8"

/* Every header, OID, version and algorithm identifier together: 329
 * bytes at most (counted in tamga__cades_max_size), with room to spare. */
#define FIXED_OVERHEAD 1024

struct digest_info {
	const char *name;
	const char *oid;
	const char *ecdsa_oid;   /* ecdsa-with-SHA* (RFC 5758 §3.2) */
	const char *rsa_oid;     /* sha*WithRSAEncryption (RFC 4055 §5) */
	size_t len;
	const EVP_MD *(*md)(void);
};

static const struct digest_info digests[] = {
	{ "sha256", "2.16.840.1.101.3.4.2.1", "1.2.840.10045.4.3.2", "1.2.840.113549.1.1.11", 32, EVP_sha256 },
	{ "sha384", "2.16.840.1.101.3.4.2.2", "1.2.840.10045.4.3.3", "1.2.840.113549.1.1.12", 48, EVP_sha384 },
	{ "sha512", "2.16.840.1.101.3.4.2.3", "1.2.840.10045.4.3.4", "1.2.840.113549.1.1.13", 64, EVP_sha512 },
};

static int digest_lookup(const struct digest_info **out, const char *name)
{
	static const char *const refused[] = { "sha1", "sha-1", "sha224", "sha-224", "md5", NULL };
	size_t i;

	if (name == NULL)
		name = "sha256";
	for (i = 0; i < sizeof(digests) / sizeof(digests[0]); i++) {
		if (strcasecmp(name, digests[i].name) == 0) {
			*out = &digests[i];
			return 0;
		}
	}
	for (i = 0; refused[i] != NULL; i++)
		if (strcasecmp(name, refused[i]) == 0)
			return tamga__error_set(TAMGA_EUNSUPPORTED, "tamga does not sign with %s (sha256, sha384 or "
			                        "sha512)", name);
	return tamga__error_set(TAMGA_EINVAL, "unknown digest '%.40s' (sha256, sha384 or sha512)", name);
}

int tamga__cades_digest_md(const EVP_MD **out, const char *name)
{
	const struct digest_info *d;
	int error = digest_lookup(&d, name);

	if (error == 0)
		*out = d->md();
	return error;
}

/* AlgorithmIdentifier { oid } with absent, or NULL, parameters. */
static void alg_id(struct tamga__der *w, const char *oid, int null_params)
{
	tamga__der_begin(w, TAMGA__DER_SEQUENCE);
	tamga__der_oid(w, oid);
	if (null_params)
		tamga__der_null(w);
	tamga__der_end(w);
}

/*
 * RSASSA-PSS-params (RFC 4055 §3.1): hash H, MGF1 with H, salt = hash
 * length; trailerField 1 is the DEFAULT and so not written (DER).
 */
static void pss_alg_id(struct tamga__der *w, const struct digest_info *d)
{
	tamga__der_begin(w, TAMGA__DER_SEQUENCE);
	tamga__der_oid(w, OID_RSASSA_PSS);
	tamga__der_begin(w, TAMGA__DER_SEQUENCE);
	tamga__der_begin(w, TAMGA__DER_CTX(0));
	alg_id(w, d->oid, 0);
	tamga__der_end(w);
	tamga__der_begin(w, TAMGA__DER_CTX(1));
	tamga__der_begin(w, TAMGA__DER_SEQUENCE);
	tamga__der_oid(w, OID_MGF1);
	alg_id(w, d->oid, 0);
	tamga__der_end(w);
	tamga__der_end(w);
	tamga__der_begin(w, TAMGA__DER_CTX(2));
	tamga__der_uint(w, d->len);
	tamga__der_end(w);
	tamga__der_end(w);
	tamga__der_end(w);
}

struct signer_parts {
	unsigned char *issuer;   /* DER Name, the certificate's own bytes */
	int issuer_len;
	unsigned char *serial;   /* DER INTEGER */
	int serial_len;
};

static int parts_get(struct signer_parts *p, X509 *x)
{
	memset(p, 0, sizeof(*p));
	if ((p->issuer_len = i2d_X509_NAME(X509_get_issuer_name(x), &p->issuer)) <= 0 ||
	    (p->serial_len = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &p->serial)) <= 0)
		return tamga__error_openssl(TAMGA_EFORMAT, "cannot encode the signer certificate's issuer and serial");
	return 0;
}

static void parts_free(struct signer_parts *p)
{
	OPENSSL_free(p->issuer);
	OPENSSL_free(p->serial);
}

static void attribute_begin(struct tamga__der *w, const char *oid)
{
	tamga__der_begin(w, TAMGA__DER_SEQUENCE);
	tamga__der_oid(w, oid);
	tamga__der_begin(w, TAMGA__DER_SET); /* one value: nothing to sort */
}

static void attribute_end(struct tamga__der *w)
{
	tamga__der_end(w);
	tamga__der_end(w);
}

/* signedAttrs, encoded as the SET OF that is signed (tag 0x31). */
static int signed_attrs(tamga_buf *out, const struct digest_info *d, const unsigned char *digest,
                        const tamga_cert *cert, const struct signer_parts *parts)
{
	unsigned char cert_hash[EVP_MAX_MD_SIZE];
	unsigned int hash_len = 0;
	const unsigned char *der;
	size_t der_len;
	struct tamga__der w;

	der = tamga_cert_der(cert, &der_len);
	if (!EVP_Digest(der, der_len, cert_hash, &hash_len, d->md(), NULL))
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the signer certificate");

	tamga__der_init(&w);
	tamga__der_begin_set_of(&w, TAMGA__DER_SET);

	attribute_begin(&w, OID_CONTENT_TYPE);
	tamga__der_oid(&w, OID_DATA);
	attribute_end(&w);

	attribute_begin(&w, OID_MESSAGE_DIGEST);
	tamga__der_octets(&w, digest, d->len);
	attribute_end(&w);

	attribute_begin(&w, OID_SIGNING_CERTIFICATE_V2);
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);         /* SigningCertificateV2 */
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);         /* certs */
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);         /* ESSCertIDv2 */
	if (strcmp(d->name, "sha256") != 0)
		alg_id(&w, d->oid, 0);
	tamga__der_octets(&w, cert_hash, hash_len);
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);         /* IssuerSerial */
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);         /* GeneralNames */
	tamga__der_begin(&w, TAMGA__DER_CTX(4));           /* directoryName: EXPLICIT (Name is a CHOICE) */
	tamga__der_raw(&w, parts->issuer, (size_t)parts->issuer_len);
	tamga__der_end(&w);
	tamga__der_end(&w);
	tamga__der_raw(&w, parts->serial, (size_t)parts->serial_len);
	tamga__der_end(&w);
	tamga__der_end(&w);
	tamga__der_end(&w);
	tamga__der_end(&w);
	attribute_end(&w);

	tamga__der_end(&w);
	return tamga__der_finish(&w, out);
}

static int sign_bytes(tamga_buf *out, EVP_PKEY *key, const struct digest_info *d, int pss,
                      const unsigned char *tbs, size_t len)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	int error = 0;

	if (mctx == NULL)
		return tamga__error_oom();
	ERR_clear_error();
	if (EVP_DigestSignInit(mctx, &pctx, d->md(), NULL, key) != 1) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot start signing");
		goto done;
	}
	if (EVP_PKEY_is_a(key, "RSA")) {
		if (pss ? (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
		           EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
		           EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, d->md()) != 1)
		        : EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1) {
			error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot set the RSA padding");
			goto done;
		}
	}
	if (EVP_DigestSign(mctx, NULL, &siglen, tbs, len) != 1 || (sig = OPENSSL_malloc(siglen)) == NULL ||
	    EVP_DigestSign(mctx, sig, &siglen, tbs, len) != 1) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "signing failed");
		goto done;
	}
	error = tamga__buf_append(out, sig, siglen);
done:
	OPENSSL_free(sig);
	EVP_MD_CTX_free(mctx);
	return error;
}

static int time_stamp(tamga_buf *token, const struct tamga__cades_options *o, const struct digest_info *d,
                      const tamga_buf *sig)
{
	unsigned char imprint[EVP_MAX_MD_SIZE];
	unsigned int imprint_len = 0;
	struct tamga__tsp_query q;
	int error;

	/* RFC 3161 Appendix A: the imprint is the hash of the SignerInfo's
	 * signature field's value, the OCTET STRING's contents. */
	if (!EVP_Digest(sig->ptr, sig->size, imprint, &imprint_len, d->md(), NULL))
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the signature value");
	q.md = d->md();
	q.digest = imprint;
	q.digest_len = imprint_len;
	q.policy = o->tsa_policy;
	if ((error = tamga__tsp_timestamp(token, o->tsa_url, o->tsa_timeout_seconds, &q)) < 0)
		return error;
	if (token->size > TAMGA__CADES_TSA_ALLOWANCE)
		return tamga__error_set(TAMGA_ELIMIT, "the time-stamp token (%zu bytes) is larger than the %u bytes "
		                        "reserved for it", token->size, TAMGA__CADES_TSA_ALLOWANCE);
	return 0;
}

static void certificates(struct tamga__der *w, const tamga_signer *s)
{
	const unsigned char *der;
	size_t len, i;

	/* A SET OF: DER order, not "signer first" (nothing may depend on the
	 * order; verifiers find the signer by sid). */
	tamga__der_begin_set_of(w, TAMGA__DER_CTX(0));
	der = tamga_cert_der(tamga_signer_cert(s), &len);
	tamga__der_raw(w, der, len);
	for (i = 0; i < tamga_signer_chain_length(s); i++) {
		der = tamga_cert_der(tamga_signer_chain_cert(s, i), &len);
		tamga__der_raw(w, der, len);
	}
	tamga__der_end(w);
}

int tamga__cades_sign(tamga_buf *out_der, const struct tamga__cades_options *o, const unsigned char *digest,
                      size_t digest_len)
{
	static const unsigned char ctx0 = TAMGA__DER_CTX(0);
	const struct digest_info *d = NULL;
	struct signer_parts parts = { NULL, 0, NULL, 0 };
	tamga_buf attrs = TAMGA_BUF_INIT, sig = TAMGA_BUF_INIT, token = TAMGA_BUF_INIT, cms = TAMGA_BUF_INIT;
	struct tamga__der w;
	EVP_PKEY *key;
	size_t bound;
	int error;

	tamga__der_init(&w);
	if (out_der == NULL || o == NULL || o->signer == NULL || digest == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga__cades_sign: missing argument");
	if ((error = digest_lookup(&d, o->digest)) < 0)
		return error;
	if (digest_len != d->len)
		return tamga__error_set(TAMGA_EINVAL, "a %s digest has %zu bytes, not %zu", d->name, d->len, digest_len);
	key = tamga__signer_key(o->signer);
	if (o->rsa_pss && !EVP_PKEY_is_a(key, "RSA"))
		return tamga__error_set(TAMGA_EINVAL, "RSASSA-PSS needs an RSA key; this one is %s",
		                        tamga_signer_key_description(o->signer));

	if ((error = parts_get(&parts, tamga__cert_x509(tamga_signer_cert(o->signer)))) < 0 ||
	    (error = signed_attrs(&attrs, d, digest, tamga_signer_cert(o->signer), &parts)) < 0 ||
	    (error = sign_bytes(&sig, key, d, o->rsa_pss, attrs.ptr, attrs.size)) < 0)
		goto done;
	if (o->tsa_url != NULL && (error = time_stamp(&token, o, d, &sig)) < 0)
		goto done;

	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);                 /* ContentInfo */
	tamga__der_oid(&w, OID_SIGNED_DATA);
	tamga__der_begin(&w, TAMGA__DER_CTX(0));
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);                 /* SignedData */
	tamga__der_uint(&w, 1);
	tamga__der_begin(&w, TAMGA__DER_SET);                      /* digestAlgorithms */
	alg_id(&w, d->oid, 0);
	tamga__der_end(&w);
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);                 /* encapContentInfo */
	tamga__der_oid(&w, OID_DATA);
	tamga__der_end(&w);
	certificates(&w, o->signer);
	tamga__der_begin(&w, TAMGA__DER_SET);                      /* signerInfos */
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);                 /* SignerInfo */
	tamga__der_uint(&w, 1);
	tamga__der_begin(&w, TAMGA__DER_SEQUENCE);                 /* IssuerAndSerialNumber */
	tamga__der_raw(&w, parts.issuer, (size_t)parts.issuer_len);
	tamga__der_raw(&w, parts.serial, (size_t)parts.serial_len);
	tamga__der_end(&w);
	alg_id(&w, d->oid, 0);
	tamga__der_raw(&w, &ctx0, 1);                              /* signedAttrs [0] IMPLICIT */
	tamga__der_raw(&w, attrs.ptr + 1, attrs.size - 1);
	if (o->rsa_pss)
		pss_alg_id(&w, d);
	else if (EVP_PKEY_is_a(key, "RSA"))
		alg_id(&w, d->rsa_oid, 1);                          /* RFC 4055 §5: NULL parameters */
	else
		alg_id(&w, d->ecdsa_oid, 0);                        /* RFC 5758 §3.2: absent */
	tamga__der_octets(&w, sig.ptr, sig.size);
	if (token.size > 0) {
		tamga__der_begin(&w, TAMGA__DER_CTX(1));           /* unsignedAttrs */
		attribute_begin(&w, OID_SIGNATURE_TIME_STAMP);
		tamga__der_raw(&w, token.ptr, token.size);
		attribute_end(&w);
		tamga__der_end(&w);
	}
	tamga__der_end(&w);
	tamga__der_end(&w);
	tamga__der_end(&w);
	tamga__der_end(&w);
	tamga__der_end(&w);
	if ((error = tamga__der_finish(&w, &cms)) < 0)
		goto done;

	bound = tamga__cades_max_size(o);
	if (cms.size > bound) {
		/* A broken promise to the handler's placeholder: a bug here. */
		error = tamga__error_set(TAMGA_ERROR, "internal error: the signature (%zu bytes) exceeds its bound "
		                         "(%zu bytes)", cms.size, bound);
		goto done;
	}
	error = tamga__buf_append(out_der, cms.ptr, cms.size);
done:
	tamga__der_dispose(&w);
	parts_free(&parts);
	tamga_buf_dispose(&cms);
	tamga_buf_dispose(&token);
	tamga_buf_dispose(&sig);
	tamga_buf_dispose(&attrs);
	return error;
}

size_t tamga__cades_max_size(const struct tamga__cades_options *o)
{
	struct signer_parts parts;
	const unsigned char *der;
	size_t len, signer_len, total = 0, i;
	int sig;

	if (o == NULL || o->signer == NULL)
		return 0;
	der = tamga_cert_der(tamga_signer_cert(o->signer), &signer_len);
	(void)der;
	total += signer_len;
	for (i = 0; i < tamga_signer_chain_length(o->signer); i++) {
		(void)tamga_cert_der(tamga_signer_chain_cert(o->signer, i), &len);
		total += len;
	}
	if (parts_get(&parts, tamga__cert_x509(tamga_signer_cert(o->signer))) == 0)
		total += 2 * ((size_t)parts.issuer_len + (size_t)parts.serial_len);
	else
		total += 2 * signer_len; /* issuer and serial are parts of the certificate */
	parts_free(&parts);
	sig = EVP_PKEY_get_size(tamga__signer_key(o->signer));
	total += sig > 0 ? (size_t)sig : 1024;
	total += 2 * EVP_MAX_MD_SIZE + FIXED_OVERHEAD;
	if (o->tsa_url != NULL)
		total += TAMGA__CADES_TSA_ALLOWANCE;
	return total;
}
