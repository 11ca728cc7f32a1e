/*
 * formats/evidence.h - what a format handler finds in a signed document,
 * for the format-independent verifier (verifier/).  (internal)
 *
 * A handler only finds bytes and judges the document's own structure
 * (DESIGN.md §2): where each signature is, which bytes it covers, whether
 * its container is well formed, and what changed after it.  Cryptography,
 * trust, revocation and the verdict are the verifier's.
 *
 * All memory hangs off the evidence and is released by
 * tamga__evidence_free(); strings are NUL-terminated UTF-8 copies.
 */
#ifndef TAMGA_FORMATS_EVIDENCE_H
#define TAMGA_FORMATS_EVIDENCE_H

#include <stddef.h>

#include <tamga/common.h>

/* How the signature value relates to the covered bytes. */
typedef enum {
	TAMGA__SIG_CMS_DETACHED = 0, /* CMS SignedData, detached: messageDigest = H(covered)
	                                (ETSI.CAdES.detached, adbe.pkcs7.detached) */
	TAMGA__SIG_CMS_SHA1 = 1,     /* adbe.pkcs7.sha1: encapsulated content = SHA-1(covered) */
	TAMGA__SIG_DOC_TIMESTAMP = 2, /* ETSI.RFC3161: a time-stamp token, messageImprint = H(covered) */
	TAMGA__SIG_XMLDSIG = 3       /* XML-DSig (+ XAdES) in a package (OOXML, ODF): the handler ran
	                                the integrity check, whose result is in sig->integrity */
} tamga__sig_kind;

struct tamga__cms_result;

/* A contiguous run of covered bytes, within the document. */
struct tamga__range {
	size_t offset, len;
};

/* One change found after a signature's revision. */
struct tamga__modification {
	char *kind;       /* short, stable: "form-fill", "signature-added", "dss", "doc-timestamp",
	                     "annotation-added", "page-content", "catalog", "object-reused",
	                     "trailing-bytes", ... */
	int allowed;      /* 1 allowed for this signature, 0 not */
	char *detail;     /* what changed, with object numbers / page numbers */
};

#define TAMGA__MAX_RANGES 8

struct tamga__sig_evidence {
	char *id;                       /* field name (PDF: fully qualified /T), else a locator */
	char *subfilter;                /* as written, e.g. "ETSI.CAdES.detached"; NULL if none */
	tamga__sig_kind kind;
	/*
	 * Non-NULL: the container is malformed and no cryptography should be
	 * attempted (bad /ByteRange, gap that is not exactly /Contents, unknown
	 * SubFilter, ...).  The verdict is TOTAL-FAILED / FORMAT_FAILURE.
	 */
	char *format_error;
	unsigned char *value;           /* the signature container (CMS DER, /Contents decoded,
	                                   trailing zero padding removed) */
	size_t value_len;
	struct tamga__range ranges[TAMGA__MAX_RANGES]; /* covered bytes, in order */
	size_t range_count;
	tamga_time claimed_time;        /* PDF /M, 0 when absent: never trusted as a time */
	char *reason, *location, *contact; /* as written, may be NULL */
	int covers_whole_document;      /* the covered revision is the whole file */
	int revision;                   /* index (from 0, oldest first) of the revision covered; -1 unknown */
	int certification;              /* 0, or DocMDP permissions 1..3 of a certification signature */
	struct tamga__modification *mods; /* changes after the covered revision */
	size_t mod_count;
	char **warnings;                /* per signature, e.g. "signature dictionary referenced twice" */
	size_t warning_count;
	/*
	 * TAMGA__SIG_XMLDSIG: the integrity result (formats/xmldsig fills it in
	 * the words CMS uses: status, signer, certificates, time-stamps),
	 * owned; NULL with any other kind.  value/ranges are unused then.
	 */
	struct tamga__cms_result *integrity;
	/*
	 * The document code this signature's SIGNED content names, as
	 * written after "Tamga " (XML signatures: the OOXML SignatureComments
	 * or the ODF dc:description that SignedInfo covers); NULL when none.
	 * PDF signatures carry theirs in the field name (id).
	 */
	char *code;
};

struct tamga__evidence {
	const char *format;             /* "pdf", "ooxml", "odf" */
	struct tamga__sig_evidence *sigs; /* in document order (oldest first) */
	size_t sig_count;
	/*
	 * Validation material the document carries (PDF: DSS), DER each.
	 * revision: index (from 0, oldest first, as sig->revision) of the
	 * revision whose bytes hold the blob, -1 unknown; a document time-stamp
	 * covering that revision proves the blob existed at its genTime (past
	 * validation, verifier/verify.c).  Elsewhere (containers' OCSP views,
	 * zero-initialised blobs) the field is unused.
	 */
	struct tamga__blob { unsigned char *data; size_t len; int revision; } *certs, *crls, *ocsps;
	size_t cert_count, crl_count, ocsp_count;
	/* Document-level problems: non-NULL error = the document itself could
	 * not be read (it still gets a report: TOTAL-FAILED / FORMAT_FAILURE). */
	char *error;
	char **warnings;
	size_t warning_count;
};

void tamga__evidence_free(struct tamga__evidence *ev);

/* Builders (0, or TAMGA_ENOMEM with the error set). */
/* A new zeroed signature at the end of ev->sigs; *out points into ev->sigs
 * (valid until the next tamga__evidence_add_sig). */
int tamga__evidence_add_sig(struct tamga__evidence *ev, struct tamga__sig_evidence **out);
int tamga__evidence_sig_warn(struct tamga__sig_evidence *sig, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tamga__evidence_sig_mod(struct tamga__sig_evidence *sig, const char *kind, int allowed, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Sets sig->format_error (the first one wins). */
int tamga__evidence_sig_format_error(struct tamga__sig_evidence *sig, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int tamga__evidence_warn(struct tamga__evidence *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets ev->error (the first one wins). */
int tamga__evidence_error(struct tamga__evidence *ev, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* which: 0 certs, 1 crls, 2 ocsps; the data is copied; revision -1 (unknown). */
int tamga__evidence_add_blob(struct tamga__evidence *ev, int which, const void *data, size_t len);
/* The same, held by revision (-1 unknown). */
int tamga__evidence_add_blob_at(struct tamga__evidence *ev, int which, const void *data, size_t len, int revision);

#endif
