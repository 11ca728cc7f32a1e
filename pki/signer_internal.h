/*
 * pki/signer_internal.h - what the CMS writer needs from a tamga_signer
 * beyond the public accessors (internal).
 */
#ifndef TAMGA_PKI_SIGNER_INTERNAL_H
#define TAMGA_PKI_SIGNER_INTERNAL_H

#include <openssl/evp.h>

#include <tamga/signer.h>

/** The private key; borrowed, lives as long as the signer.  Always RSA
 *  (>= 2048 bits) or EC on P-256, P-384 or P-521. */
EVP_PKEY *tamga__signer_key(const tamga_signer *signer);

#endif
