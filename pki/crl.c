/*
 * pki/crl.c - RFC 5280 §5 CRLs, and revocation reasons.
 */
#include <ctype.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "common/error.h"
#include "pki/crl.h"

static const struct {
	tamga_reason reason;
	const char *name;
} reasons[] = {
	{ TAMGA_REASON_UNSPECIFIED, "unspecified" },
	{ TAMGA_REASON_KEY_COMPROMISE, "keyCompromise" },
	{ TAMGA_REASON_CA_COMPROMISE, "cACompromise" },
	{ TAMGA_REASON_AFFILIATION_CHANGED, "affiliationChanged" },
	{ TAMGA_REASON_SUPERSEDED, "superseded" },
	{ TAMGA_REASON_CESSATION_OF_OPERATION, "cessationOfOperation" },
	{ TAMGA_REASON_CERTIFICATE_HOLD, "certificateHold" },
	{ TAMGA_REASON_PRIVILEGE_WITHDRAWN, "privilegeWithdrawn" },
	{ TAMGA_REASON_AA_COMPROMISE, "aACompromise" },
};

/* Compare ignoring case and the separators '-' and '_'. */
static int loose_equal(const char *a, const char *b)
{
	for (;;) {
		while (*a == '-' || *a == '_')
			a++;
		while (*b == '-' || *b == '_')
			b++;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		if (*a == '\0')
			return 1;
		a++;
		b++;
	}
}

int tamga_reason_parse(tamga_reason *out, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (loose_equal(name, reasons[i].name)) {
			*out = reasons[i].reason;
			return 0;
		}
	return tamga__error_set(TAMGA_EINVAL,
	                        "unknown revocation reason '%s' (unspecified, keyCompromise, cACompromise, "
	                        "affiliationChanged, superseded, cessationOfOperation, certificateHold, "
	                        "privilegeWithdrawn, aACompromise)", name ? name : "");
}

const char *tamga_reason_name(tamga_reason reason)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].reason == reason)
			return reasons[i].name;
	return "?";
}

int tamga__crl_new(X509_CRL **out, X509 *ca, int64_t number, tamga_time this_update, tamga_time next_update)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *t = ASN1_TIME_new();
	ASN1_INTEGER *num = ASN1_INTEGER_new();
	X509V3_CTX ctx;
	X509_EXTENSION *aki = NULL;
	int error = 0;

	*out = NULL;
	if (crl == NULL || t == NULL || num == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if (!X509_CRL_set_version(crl, X509_CRL_VERSION_2) ||
	    !X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca))) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot start a CRL");
		goto done;
	}
	if ((error = tamga__asn1_time_set(t, this_update)) < 0)
		goto done;
	X509_CRL_set1_lastUpdate(crl, t);
	if ((error = tamga__asn1_time_set(t, next_update)) < 0)
		goto done;
	X509_CRL_set1_nextUpdate(crl, t);

	X509V3_set_ctx(&ctx, ca, NULL, NULL, crl, 0);
	aki = X509V3_EXT_nconf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
	if (aki == NULL || !X509_CRL_add_ext(crl, aki, -1) || !ASN1_INTEGER_set_int64(num, number) ||
	    !X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, X509V3_ADD_DEFAULT)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot add CRL extensions");
		goto done;
	}
	*out = crl;
	crl = NULL;
done:
	X509_EXTENSION_free(aki);
	ASN1_INTEGER_free(num);
	ASN1_TIME_free(t);
	X509_CRL_free(crl);
	return error;
}

int tamga__crl_add(X509_CRL *crl, const struct tamga__crl_entry *e)
{
	X509_REVOKED *r = X509_REVOKED_new();
	ASN1_INTEGER *serial = NULL;
	ASN1_TIME *t = ASN1_TIME_new();
	ASN1_ENUMERATED *code = NULL;
	ASN1_GENERALIZEDTIME *inv = NULL;
	int error = 0;

	if (r == NULL || t == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if ((error = tamga__serial_parse(&serial, e->serial)) < 0 ||
	    (error = tamga__asn1_time_set(t, e->revoked_at)) < 0)
		goto done;
	if (!X509_REVOKED_set_serialNumber(r, serial) || !X509_REVOKED_set_revocationDate(r, t)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot fill in a CRL entry");
		goto done;
	}
	if (e->reason != TAMGA_REASON_UNSPECIFIED) {
		code = ASN1_ENUMERATED_new();
		if (code == NULL || !ASN1_ENUMERATED_set(code, e->reason) ||
		    !X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, code, 0, X509V3_ADD_DEFAULT)) {
			error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot add a reason code");
			goto done;
		}
	}
	if (e->invalidity != 0) {
		/* RFC 5280 §5.3.2: invalidityDate is always GeneralizedTime. */
		inv = ASN1_GENERALIZEDTIME_set(NULL, (time_t)e->invalidity);
		if (inv == NULL || !X509_REVOKED_add1_ext_i2d(r, NID_invalidity_date, inv, 0, X509V3_ADD_DEFAULT)) {
			error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot add an invalidity date");
			goto done;
		}
	}
	if (!X509_CRL_add0_revoked(crl, r)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot add a CRL entry");
		goto done;
	}
	r = NULL;
done:
	ASN1_GENERALIZEDTIME_free(inv);
	ASN1_ENUMERATED_free(code);
	ASN1_TIME_free(t);
	ASN1_INTEGER_free(serial);
	X509_REVOKED_free(r);
	return error;
}

int tamga__crl_sign(X509_CRL *crl, EVP_PKEY *key)
{
	if (!X509_CRL_sort(crl) || !X509_CRL_sign(crl, key, tamga__key_md(key)))
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot sign the CRL");
	return 0;
}
