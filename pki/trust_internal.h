/*
 * pki/trust_internal.h - the trust store's state, shared by trust.c and
 * validate.c (internal).
 */
#ifndef TAMGA_PKI_TRUST_INTERNAL_H
#define TAMGA_PKI_TRUST_INTERNAL_H

#include "pki/pki.h"

struct tamga_trust {
	STACK_OF(X509) *anchors;
	STACK_OF(X509) *intermediates;  /* untrusted: only to build paths */
	STACK_OF(X509_CRL) *crls;
};

#endif
