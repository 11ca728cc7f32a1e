/*
 * formats/xmldsig/extend.h - raising an XML signature already made (by
 * tamga or anyone) to XAdES B-LT (ETSI EN 319 132-1 §5.3, §5.5.1, §5.5.2)
 * by adding unsigned properties, which no signature covers:
 *
 *   xd:UnsignedSignatureProperties
 *     xd:SignatureTimeStamp      added when absent (B-B -> B-T), needs a TSA
 *     xd:CertificateValues       |  added when neither is there, with what
 *     xd:RevocationValues        |  pki/ltvdata.c gathers (as at signing)
 *
 * The code that writes them is formats/xmldsig/sign.c's, so a signature
 * signed at B-LT and one extended to it look the same.  (internal)
 */
#ifndef TAMGA_FORMATS_XMLDSIG_EXTEND_H
#define TAMGA_FORMATS_XMLDSIG_EXTEND_H

#include <stddef.h>

#include <libxml/tree.h>

#include <tamga/common.h>

#include "formats/xmldsig/xmldsig.h"

struct tamga__xml_extend_options {
	const char *tsa_url;            /* for a signature without a SignatureTimeStamp; NULL: refused */
	long tsa_timeout;               /* seconds, 0: default */
	int revocation;                 /* tamga_revdata */
	int allow_revoked;
	tamga_time now;                 /* OCSP freshness; 0 = now */
	const char *const *crl_files;
	size_t crl_file_count;
	tamga_buf *notes;               /* receives what the caller should hear about (required) */
};

/* What was added (added to, never reset). */
struct tamga__xml_extend_counts {
	size_t extended;                /* signatures given CertificateValues + RevocationValues */
	size_t timestamped;             /* of them, given a SignatureTimeStamp first */
	size_t certs, crls, ocsps;
};

/*
 * Extend sig (a ds:Signature whose integrity verified gives: its signer
 * and KeyInfo certificates are used; the caller must have checked
 * verified->result.status) in place.  A signature that already has
 * RevocationValues is left as it is (counts unchanged); to a
 * CertificateValues without them (LibreOffice writes one at B-B) the
 * missing certificates are appended.  Errors: TAMGA_EUNSUPPORTED (no xades:QualifyingProperties),
 * TAMGA_EINVAL (no SignatureTimeStamp and no tsa_url), TAMGA_EFORMAT,
 * what tamga__tsp_timestamp() and tamga__ltvdata_subject() return
 * (TAMGA_ESTATE: the signer revoked at or before the time-stamp).
 */
int tamga__xmldsig_extend(xmlNodePtr sig, const struct tamga__xml_sig *verified,
                          const struct tamga__xml_extend_options *o, struct tamga__xml_extend_counts *counts);

/*
 * Extend every signature of one signature part (xml, len bytes; what
 * names it in messages): odf 0, an OOXML part whose root is the
 * ds:Signature; odf 1, ODF's documentsignatures.xml.  Every signature's
 * integrity (and its signature time-stamps') is checked against pkg first:
 * one broken is TAMGA_ESTATE (the message names the part and the Id) and
 * nothing is added.  When something was added, the new part is appended
 * to out; out is left empty when every signature was B-LT already.
 * *signatures is increased by the number of signatures.  Errors: as
 * tamga__xmldsig_extend(), TAMGA_EFORMAT (not XML, wrong root).
 */
int tamga__xmldsig_extend_part(tamga_buf *out, const unsigned char *xml, size_t len, const char *what, int odf,
                               const struct tamga__xml_package *pkg, const struct tamga__xml_extend_options *o,
                               struct tamga__xml_extend_counts *counts, size_t *signatures);

/*
 * The package handlers (formats/ooxml/extend.c, formats/odf/extend.c):
 * extend every signature of the package in, len bytes, and append the
 * package to out: with only the signature part(s) replaced (every other
 * entry byte-identical, formats/zip's editor), or in itself when nothing
 * was added.  Errors: as tamga__xmldsig_extend_part(), TAMGA_EFORMAT (the
 * package), TAMGA_ENOTFOUND (no signature in it).
 */
int tamga__ooxml_extend(tamga_buf *out, const unsigned char *in, size_t len, const struct tamga__xml_extend_options *o,
                        struct tamga__xml_extend_counts *counts, size_t *signatures);
int tamga__odf_extend(tamga_buf *out, const unsigned char *in, size_t len, const struct tamga__xml_extend_options *o,
                      struct tamga__xml_extend_counts *counts, size_t *signatures);

#endif
