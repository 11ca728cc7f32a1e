/*
 * formats/pdf/ltv.h - PAdES B-LT / B-LTA validation data for any number of
 * signatures and document time-stamps (formats/pdf/ltv.c), and extending a
 * signed PDF with it (formats/pdf/extend.c).  (internal)
 *
 * pdf.h's tamga__pdf_ltv() is the signing case: one new signature.  Here
 * the caller names each "subject" (a CMS signature or a time-stamp token
 * already in the file); for each, the paths of its signer and of its
 * time-stamp authorities are built from the certificates at hand (a missing
 * issuer fetched from the AIA caIssuers URL), every non-root certificate
 * of them gets revocation data (OCSP and/or CRLs per o->revocation): the
 * gathering is pki/ltvdata.c's (struct tamga__ltv_subject is there).  One
 * /VRI entry lists that subject's certificates, CRLs and responses.
 */
#ifndef TAMGA_FORMATS_PDF_LTV_H
#define TAMGA_FORMATS_PDF_LTV_H

#include <openssl/x509.h>

#include "formats/pdf/pdf.h"
#include "pki/ltvdata.h"

/* What was added (counts of new /DSS objects) and what the caller should
 * hear about ("; " between notes). */
struct tamga__ltv_stats {
	size_t certs, crls, ocsps;
	int timestamped;
	tamga_time timestamp_expires;   /* the document time-stamp's TSA certificate notAfter */
	tamga_buf notes;
};

/*
 * Append to file one update with the /DSS data of the subjects (none when
 * count is 0), then, when o->tsa_url is set, one with a document time-stamp
 * named o->field_name (and, when that TSA's certificate is not in the /DSS
 * yet, one more with the new time-stamp's validation data).  A signature subject whose signer certificate the
 * fetched data shows revoked at or before its poe (or at all without one)
 * is TAMGA_ESTATE unless o->allow_revoked.  stats is filled (notes appended); the
 * caller disposes stats->notes.  o->signer is not used here.
 */
int tamga__pdf_ltv_run(tamga_buf *file, const struct tamga__ltv_subject *subjects, size_t count,
                       const struct tamga__pdf_ltv *o, struct tamga__ltv_stats *stats);

/*
 * Extend the signed PDF in file (formats/pdf/extend.c): check every
 * signature and document time-stamp (format, integrity, later changes),
 * then tamga__pdf_ltv_run() for those without a /VRI entry.  *signatures
 * and *extended receive the counts.  Errors: see tamga_extend_file().
 */
int tamga__pdf_extend(tamga_buf *file, const struct tamga__pdf_ltv *o, size_t *signatures, size_t *extended,
                      struct tamga__ltv_stats *stats);

#endif
