/*
 * pki/crl.h - building CRLs (internal).
 */
#ifndef TAMGA_PKI_CRL_H
#define TAMGA_PKI_CRL_H

#include "pki/pki.h"

struct tamga__crl_entry {
	const char *serial;      /* hex */
	tamga_time revoked_at;
	int reason;              /* tamga_reason */
	tamga_time invalidity;   /* 0: none */
};

/**
 * A v2 CRL (RFC 5280 §5): issuer = the CA's subject, thisUpdate, nextUpdate,
 * authorityKeyIdentifier, cRLNumber; per entry reasonCode (omitted for
 * unspecified, §5.3.1) and invalidityDate.  Entries are appended with
 * tamga__crl_add() before tamga__crl_sign().
 */
int tamga__crl_new(X509_CRL **out, X509 *ca, int64_t number, tamga_time this_update, tamga_time next_update);
int tamga__crl_add(X509_CRL *crl, const struct tamga__crl_entry *entry);
int tamga__crl_sign(X509_CRL *crl, EVP_PKEY *key);

#endif
