/*
 * pki/ltvdata.h - gathering the validation data of a signature for a
 * long-term level (PAdES B-LT, XAdES B-LT): the certificates of its
 * signer's and its time-stamp authorities' paths and revocation data
 * (OCSP responses and/or CRLs, tamga_revdata) for every non-root
 * certificate of them, every OCSP response checked before it is kept.
 * Format-neutral: formats/pdf/ltv.c writes the result into a /DSS,
 * formats/xmldsig/sign.c into xades:CertificateValues and
 * xades:RevocationValues.  (internal)
 *
 * Only http:// URLs are contacted (pki/fetch.c): AIA caIssuers for a
 * missing issuer, AIA OCSP, CRL distribution points.
 */
#ifndef TAMGA_PKI_LTVDATA_H
#define TAMGA_PKI_LTVDATA_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/cms.h>
#include <openssl/x509.h>

#include <tamga/common.h>

#include "pki/revocation.h"

/* One signature (or time-stamp) whose validation data is wanted. */
struct tamga__ltv_subject {
	const unsigned char *der;   /* its CMS (signature) or time-stamp token, DER; NULL for a
	                               signature that is not CMS (XML-DSig): signer is required then */
	size_t len;
	X509 *signer;               /* its signer (TSA) certificate; NULL: looked up in der */
	STACK_OF(X509) *extra;      /* more certificates for its paths; may be NULL */
	const unsigned char *token; /* a signature time-stamp token kept outside der (XAdES
	                               SignatureTimeStamp), DER; may be NULL */
	size_t token_len;
	tamga_time poe;             /* a signature: its earliest valid signature time-stamp; 0 none */
	int timestamp;              /* der is a document time-stamp (no revocation verdict on it) */
	const char *id;             /* for messages: the field name or signature Id */
};

enum { TAMGA__LTV_CERT = 0, TAMGA__LTV_CRL = 1, TAMGA__LTV_OCSP = 2 };

/* One DER object of validation data (deduplicated by kind and SHA-256). */
struct tamga__ltv_item {
	int kind;                 /* TAMGA__LTV_* */
	unsigned char *der;
	size_t len;
	unsigned char sha[32];    /* SHA-256 of der */
	uint32_t num;             /* the caller's (PDF: its object number once written), starts 0 */
};

/* A set of item indices. */
struct tamga__ltv_ids {
	size_t *v;
	size_t n, cap;
};

struct tamga__ltv_rev;

struct tamga__ltvdata_options {
	int revocation;                  /* tamga_revdata */
	int allow_revoked;               /* a signer revoked before its poe: a note, not TAMGA_ESTATE */
	tamga_time now;                  /* fetched OCSP responses fresh at; 0 = now */
	const char *const *crl_files;    /* CRLs (PEM or DER) to use instead of fetching them */
	size_t crl_file_count;
};

/*
 * The gathering state.  items, nitems and global are for the caller to
 * read (and items[].num to write); the rest is the module's.
 */
struct tamga__ltvdata {
	struct tamga__ltv_item *items;
	size_t nitems;
	struct tamga__ltv_ids global;   /* the CRL files given (no subject names them) */
	STACK_OF(X509) *pool;           /* every certificate at hand */

	int revocation, allow_revoked;
	const char *const *crl_files;
	size_t crl_file_count;
	tamga_buf *notes;               /* what the caller should hear about ("; " between) */
	tamga__fetch_cache *cache;
	tamga_time now;
	STACK_OF(X509_CRL) *given;      /* the caller's CRL files */
	STACK_OF(X509_CRL) *crls;       /* given and fetched: for OCSP responders without nocheck */
	size_t capitems;
	struct tamga__ltv_rev *revs;
	size_t nrevs, caprevs;
};

/*
 * Start gathering: l is filled (dispose it with tamga__ltvdata_dispose even
 * on error); the CRL files are read into l->global; notes (the caller's
 * buffer) receives what the caller should hear about.  Errors: TAMGA_EINVAL
 * (an unknown revocation choice), TAMGA_EIO / TAMGA_EFORMAT (a CRL file),
 * TAMGA_ENOMEM.
 */
int tamga__ltvdata_init(struct tamga__ltvdata *l, const struct tamga__ltvdata_options *o, tamga_buf *notes);
void tamga__ltvdata_dispose(struct tamga__ltvdata *l);

/*
 * The validation data of s into ids (indices into l->items): the
 * certificates of its signer's path and its time-stamp authorities' paths
 * (up to a self-issued one, or as far as issuers are known or fetched),
 * revocation data for each non-root one of them per l's revocation choice.
 * A signature whose signer certificate the fetched data shows revoked at
 * or before s->poe (or at all without one) is TAMGA_ESTATE unless
 * allow_revoked.  Errors: TAMGA_ENOTFOUND / TAMGA_EIO (no revocation data
 * for a certificate: the message names it and why), TAMGA_EFORMAT,
 * TAMGA_ELIMIT, TAMGA_ENOMEM.
 */
int tamga__ltvdata_subject(struct tamga__ltvdata *l, const struct tamga__ltv_subject *s, struct tamga__ltv_ids *ids);

/* CMS helpers shared with formats/pdf/ltv.c. */
CMS_ContentInfo *tamga__ltvdata_cms_parse(const unsigned char *der, size_t len);
/* The certificate cms's first SignerInfo names (borrowed from l->pool), NULL if none. */
X509 *tamga__ltvdata_cms_signer(struct tamga__ltvdata *l, CMS_ContentInfo *cms);
/* The genTime of a time-stamp token, 0 when unreadable. */
tamga_time tamga__ltvdata_token_time(CMS_ContentInfo *tok);

#endif
