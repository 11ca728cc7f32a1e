/*
 * pki/profile.c - certificate profiles (RFC 5280, ETSI EN 319 412-2/-3).
 *
 *   role     basicConstraints      keyUsage (critical)        extendedKeyUsage
 *   root     critical CA, path 1   keyCertSign cRLSign        -
 *   issuing  critical CA, path 0   keyCertSign cRLSign        -
 *   ocsp     CA:FALSE              digitalSignature           OCSPSigning (+ ocsp-nocheck)
 *   tsa      CA:FALSE              digitalSignature nonRep.   critical timeStamping alone (RFC 3161 §2.3)
 *   signer   CA:FALSE              digitalSignature nonRep.   documentSigning, emailProtection
 *
 * Every certificate carries subject and authority key identifiers.  All
 * but the root carry certificatePolicies; all but root and OCSP carry a CRL
 * distribution point; signer and TSA carry an AIA with the OCSP responder
 * and caIssuers, the issuing CA an AIA with caIssuers.
 *
 * Serial numbers: 16 octets, top bit 0 (positive) and the next bit 1 (so
 * always exactly 128 bits long), 126 random bits (RFC 5280 §4.1.2.2 allows
 * 20 octets); unpredictable serials defeat chosen-prefix collisions.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "common/buf.h"
#include "common/error.h"
#include "pki/profile.h"

/* id-kp-documentSigning, RFC 9336. */
#define OID_DOCUMENT_SIGNING "1.3.6.1.5.5.7.3.36"

const char *tamga__role_name(enum tamga__role role)
{
	switch (role) {
	case TAMGA__ROLE_ROOT: return "root";
	case TAMGA__ROLE_ISSUING: return "issuing";
	case TAMGA__ROLE_OCSP: return "ocsp";
	case TAMGA__ROLE_TSA: return "tsa";
	case TAMGA__ROLE_SIGNER: return "signer";
	}
	return "?";
}

/* Number of UTF-8 characters, or -1 when s is not valid UTF-8 or holds a
 * control character. */
long tamga__utf8_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p) {
		int extra;
		unsigned long cp;

		if (*p < 0x20 || *p == 0x7f)
			return -1;
		if (*p < 0x80) {
			extra = 0;
			cp = *p;
		} else if ((*p & 0xe0) == 0xc0) {
			extra = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			extra = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			extra = 3;
			cp = *p & 0x07;
		} else {
			return -1;
		}
		p++;
		for (; extra > 0; extra--, p++) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (*p & 0x3f);
		}
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return -1;
		n++;
	}
	return n;
}

static int check_attr(const char *what, const char *value, long max)
{
	long n;

	if (value == NULL || *value == '\0')
		return tamga__error_set(TAMGA_EINVAL, "%s must not be empty", what);
	n = tamga__utf8_chars(value);
	if (n < 0)
		return tamga__error_set(TAMGA_EINVAL, "%s is not valid UTF-8 text", what);
	if (n > max)
		return tamga__error_set(TAMGA_EINVAL, "%s has %ld characters; at most %ld are allowed", what, n, max);
	if (value[0] == ' ' || value[strlen(value) - 1] == ' ')
		return tamga__error_set(TAMGA_EINVAL, "%s must not start or end with a space", what);
	return 0;
}

int tamga__profile_check_subject(const char *cn, const char *org, const char *country)
{
	int error;

	/* Upper bounds: RFC 5280 Appendix A (ub-common-name, ub-organization-name). */
	if ((error = check_attr("the common name", cn, 64)) < 0 ||
	    (error = check_attr("the organisation", org, 64)) < 0)
		return error;
	if (country == NULL || strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' ||
	    country[1] < 'A' || country[1] > 'Z')
		return tamga__error_set(TAMGA_EINVAL, "country must be two capital letters (ISO 3166), e.g. MN");
	return 0;
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, ctx, nid, value);
	int ok;

	if (ext == NULL)
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot make extension %s = %s", OBJ_nid2sn(nid), value);
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (!ok)
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot add extension %s", OBJ_nid2sn(nid));
	return 0;
}

/* certificatePolicies with one policy OID and no qualifiers. */
static int add_policy(X509 *x, const char *oid)
{
	CERTIFICATEPOLICIES *pols = sk_POLICYINFO_new_null();
	POLICYINFO *pi = POLICYINFO_new();
	int error = 0;

	if (pols == NULL || pi == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	ASN1_OBJECT_free(pi->policyid);
	if ((pi->policyid = OBJ_txt2obj(oid, 1)) == NULL) {
		error = tamga__error_set(TAMGA_EINVAL, "policy '%s' is not a dotted OID", oid);
		goto done;
	}
	if (!sk_POLICYINFO_push(pols, pi)) {
		error = tamga__error_oom();
		goto done;
	}
	pi = NULL;
	if (!X509_add1_ext_i2d(x, NID_certificate_policies, pols, 0, X509V3_ADD_DEFAULT))
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot add certificatePolicies");
done:
	POLICYINFO_free(pi);
	CERTIFICATEPOLICIES_free(pols);
	return error;
}

static int set_subject(X509 *x, const struct tamga__profile *p)
{
	X509_NAME *name = X509_get_subject_name(x);

	if (!X509_NAME_add_entry_by_NID(name, NID_countryName, MBSTRING_ASC,
	                                (const unsigned char *)p->country, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_NID(name, NID_organizationName, MBSTRING_UTF8,
	                                (const unsigned char *)p->org, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
	                                (const unsigned char *)p->cn, -1, -1, 0))
		return tamga__error_openssl(TAMGA_EINVAL, "cannot encode the subject name");
	return 0;
}

static int random_serial(ASN1_INTEGER **out)
{
	unsigned char bytes[16];
	BIGNUM *bn = NULL;

	*out = NULL;
	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return tamga__error_openssl(TAMGA_ECRYPTO, "no randomness for a serial number");
	/* Top bit 0 (positive), next bit 1 (always 16 octets, never a short
	 * serial): 126 random bits. */
	bytes[0] = (unsigned char)((bytes[0] & 0x3f) | 0x40);
	bn = BN_bin2bn(bytes, sizeof(bytes), NULL);
	if (bn == NULL || (*out = BN_to_ASN1_INTEGER(bn, NULL)) == NULL) {
		BN_free(bn);
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot encode a serial number");
	}
	BN_free(bn);
	return 0;
}

static int add_extensions(X509 *x, X509 *issuer, const struct tamga__profile *p)
{
	X509V3_CTX ctx;
	tamga_buf v = TAMGA_BUF_INIT;
	int error = 0;

	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);

#define EXT(nid, value) do { if ((error = add_ext(x, &ctx, (nid), (value))) < 0) goto done; } while (0)
#define SETV(...) do { v.size = 0; if ((error = tamga__buf_printf(&v, __VA_ARGS__)) < 0) goto done; } while (0)

	switch (p->role) {
	case TAMGA__ROLE_ROOT:
		EXT(NID_basic_constraints, "critical,CA:TRUE,pathlen:1");
		EXT(NID_key_usage, "critical,keyCertSign,cRLSign");
		break;
	case TAMGA__ROLE_ISSUING:
		EXT(NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
		EXT(NID_key_usage, "critical,keyCertSign,cRLSign");
		break;
	case TAMGA__ROLE_OCSP:
		EXT(NID_basic_constraints, "CA:FALSE");
		EXT(NID_key_usage, "critical,digitalSignature");
		EXT(NID_ext_key_usage, "OCSPSigning");
		/* RFC 6960 §4.2.2.2.1: clients need not check this certificate's status. */
		EXT(NID_id_pkix_OCSP_noCheck, "ignored");
		break;
	case TAMGA__ROLE_TSA:
		EXT(NID_basic_constraints, "CA:FALSE");
		EXT(NID_key_usage, "critical,digitalSignature,nonRepudiation");
		EXT(NID_ext_key_usage, "critical,timeStamping");
		break;
	case TAMGA__ROLE_SIGNER:
		EXT(NID_basic_constraints, "CA:FALSE");
		EXT(NID_key_usage, "critical,digitalSignature,nonRepudiation");
		EXT(NID_ext_key_usage, OID_DOCUMENT_SIGNING ",emailProtection");
		break;
	}
	EXT(NID_subject_key_identifier, "hash");
	EXT(NID_authority_key_identifier, "keyid:always");

	if (p->role != TAMGA__ROLE_ROOT && p->policy_oid != NULL && (error = add_policy(x, p->policy_oid)) < 0)
		goto done;
	if (p->role != TAMGA__ROLE_ROOT && p->role != TAMGA__ROLE_OCSP) {
		SETV("URI:%s/crl/%s.crl", p->base_url, p->issuer_name);
		EXT(NID_crl_distribution_points, (const char *)v.ptr);
	}
	if (p->role == TAMGA__ROLE_ISSUING) {
		SETV("caIssuers;URI:%s/ca/%s.crt", p->base_url, p->issuer_name);
		EXT(NID_info_access, (const char *)v.ptr);
	} else if (p->role == TAMGA__ROLE_SIGNER || p->role == TAMGA__ROLE_TSA) {
		SETV("OCSP;URI:%s/ocsp,caIssuers;URI:%s/ca/%s.crt", p->base_url, p->base_url, p->issuer_name);
		EXT(NID_info_access, (const char *)v.ptr);
	}
#undef EXT
#undef SETV
done:
	tamga_buf_dispose(&v);
	return error;
}

int tamga__profile_issue(X509 **out, const struct tamga__profile *p)
{
	X509 *x = NULL;
	ASN1_INTEGER *serial = NULL;
	int error = 0;

	*out = NULL;
	if ((error = tamga__profile_check_subject(p->cn, p->org, p->country)) < 0)
		return error;
	if (p->not_after <= p->not_before)
		return tamga__error_set(TAMGA_EINVAL, "the validity period is empty");
	if ((x = X509_new()) == NULL)
		return tamga__error_oom();
	if ((error = random_serial(&serial)) < 0)
		goto done;
	if (!X509_set_version(x, X509_VERSION_3) || !X509_set_serialNumber(x, serial) ||
	    !X509_set_pubkey(x, p->subject_key)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot fill in the certificate");
		goto done;
	}
	if ((error = set_subject(x, p)) < 0)
		goto done;
	if (!X509_set_issuer_name(x, p->issuer_cert ? X509_get_subject_name(p->issuer_cert)
	                                            : X509_get_subject_name(x))) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot set the issuer name");
		goto done;
	}
	if ((error = tamga__asn1_time_set(X509_getm_notBefore(x), p->not_before)) < 0 ||
	    (error = tamga__asn1_time_set(X509_getm_notAfter(x), p->not_after)) < 0)
		goto done;
	if ((error = add_extensions(x, p->issuer_cert ? p->issuer_cert : x, p)) < 0)
		goto done;
	if (!X509_sign(x, p->issuer_key, tamga__key_md(p->issuer_key))) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot sign the certificate");
		goto done;
	}
	*out = x;
	x = NULL;
done:
	ASN1_INTEGER_free(serial);
	X509_free(x);
	return error;
}
