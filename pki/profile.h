/*
 * pki/profile.h - certificate profiles of the tamga CA (internal).
 */
#ifndef TAMGA_PKI_PROFILE_H
#define TAMGA_PKI_PROFILE_H

#include "pki/pki.h"

enum tamga__role {
	TAMGA__ROLE_ROOT,
	TAMGA__ROLE_ISSUING,
	TAMGA__ROLE_OCSP,
	TAMGA__ROLE_TSA,
	TAMGA__ROLE_SIGNER
};

const char *tamga__role_name(enum tamga__role role);

struct tamga__profile {
	enum tamga__role role;
	const char *cn, *org, *country;    /* subject; UTF-8 */
	EVP_PKEY *subject_key;             /* its public half goes in the certificate */
	X509 *issuer_cert;                 /* NULL: self-signed (root) */
	EVP_PKEY *issuer_key;
	tamga_time not_before, not_after;
	const char *base_url;              /* CRL DP, OCSP and caIssuers URLs */
	const char *issuer_name;           /* "root" / "issuing": which CRL and caIssuers URL */
	const char *policy_oid;            /* NULL: no certificatePolicies */
};

/** Characters in a UTF-8 string; -1 when invalid or holding control characters. */
long tamga__utf8_chars(const char *s);

/** Check subject attributes against RFC 5280 upper bounds and X.520 rules. */
int tamga__profile_check_subject(const char *cn, const char *org, const char *country);

/** Build and sign a certificate with a fresh random 128-bit serial. */
int tamga__profile_issue(X509 **out, const struct tamga__profile *p);

#endif
