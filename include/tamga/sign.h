/*
 * tamga/sign.h - signing documents.
 *
 * tamga_sign_file() stamps a document with a QR verification code and a
 * caption, signs it with the agency's key and writes the result.  The
 * format is recognised from the bytes (PDF today).  PDF: PAdES baseline
 * B-B, B-T, B-LT or B-LTA (ETSI EN 319 142-1), incremental updates, so the input is an
 * exact byte prefix of the output and earlier signatures stay valid.
 * tamga_extend_file() raises signatures already in a PDF to B-LT or B-LTA,
 * and those in an OOXML or ODF package to XAdES B-LT.
 */
#ifndef TAMGA_SIGN_H
#define TAMGA_SIGN_H

#include "common.h"
#include "signer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
	TAMGA_LEVEL_B_B = 0,    /**< signature only */
	TAMGA_LEVEL_B_T = 1,    /**< + an RFC 3161 signature time-stamp (needs tsa_url) */
	TAMGA_LEVEL_B_LT = 2,   /**< B-T + validation data (certificates, OCSP responses, CRLs)
	                             in the /DSS */
	TAMGA_LEVEL_B_LTA = 3   /**< B-LT + a document time-stamp from the same TSA */
} tamga_level;

/** "B-B", "B-T", "B-LT", "B-LTA" (case-insensitive). */
TAMGA_EXTERN(int) tamga_level_parse(tamga_level *out, const char *name);

/**
 * Which revocation data B-LT and B-LTA put in the /DSS for each certificate
 * of the signer's and the time-stamp authorities' paths (roots excepted).
 * OCSP responses come from the certificate's AIA OCSP URL, CRLs from the
 * caller's files or else the certificate's CRL distribution points; only
 * http:// URLs are contacted.  Every such certificate must end up with some
 * revocation data, else the call fails (TAMGA_ENOTFOUND) and nothing is
 * written.
 */
typedef enum {
	TAMGA_REVDATA_AUTO = 0,  /**< OCSP when the certificate names a responder and it answers
	                              usefully, else CRLs (the default) */
	TAMGA_REVDATA_CRL = 1,   /**< CRLs only */
	TAMGA_REVDATA_OCSP = 2,  /**< OCSP for every certificate that names a responder (a
	                              responder that fails is an error); CRLs only for those naming none */
	TAMGA_REVDATA_BOTH = 3   /**< OCSP as TAMGA_REVDATA_OCSP, and CRLs for every certificate */
} tamga_revdata;

/** "auto", "crl", "ocsp", "both" (case-insensitive). */
TAMGA_EXTERN(int) tamga_revdata_parse(tamga_revdata *out, const char *name);

typedef enum {
	TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT = 0, /**< default: where a citizen looks first */
	TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT = 1,
	TAMGA_PLACE_RECT = 2                      /**< page and rect below */
} tamga_placement;

#define TAMGA_SIGN_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	const tamga_signer *signer;     /**< key, certificate, chain; required */
	const char *digest;             /**< "sha256" (default), "sha384", "sha512" */
	int rsa_pss;                    /**< RSA keys: RSASSA-PSS instead of PKCS#1 v1.5 */
	tamga_level level;
	const char *tsa_url;            /**< RFC 3161 time-stamp authority (B-T) */
	const char *qr_url;             /**< verification URL; the code is appended as the last
	                                     path segment unless it contains "{code}";
	                                     default https://verify.tamga.invalid/v/{code} */
	const char *code;               /**< document code (checked, normalised); NULL: generated */
	const char *const *caption;     /**< lines replacing the default organisation line */
	size_t caption_count;
	int no_stamp;                   /**< an invisible signature: no QR, no caption */
	tamga_placement placement;
	unsigned int page;              /**< TAMGA_PLACE_RECT: page number from 1 */
	double rect[4];                 /**< TAMGA_PLACE_RECT: x, y, width, height in points, in
	                                     the page as displayed (after /Rotate, from the
	                                     lower left of the crop box) */
	int certify;                    /**< 0, or DocMDP permissions 1, 2, 3 (a certification
	                                     signature; only on a document without signatures) */
	const char *font_path;          /**< caption font (TrueType); NULL: DejaVu Sans */
	const char *reason;             /**< optional /Reason */
	const char *location;           /**< optional /Location */
	tamga_time now;                 /**< signing time (/M, caption date); 0 = now */
	int overwrite;                  /**< tamga_sign_file: replace an existing output file */
	const char *const *crl_files;   /**< B-LT/B-LTA: CRL files (PEM or DER) to embed in the
	                                     /DSS; none: fetched from the certificates' CRL
	                                     distribution points (http:// only) */
	size_t crl_file_count;
	tamga_revdata revocation;       /**< B-LT/B-LTA: OCSP responses, CRLs or both (see
	                                     tamga_revdata); default TAMGA_REVDATA_AUTO */
} tamga_sign_options;

#define TAMGA_SIGN_OPTIONS_INIT { TAMGA_SIGN_OPTIONS_VERSION, NULL, NULL, 0, TAMGA_LEVEL_B_B, NULL, NULL, NULL, \
                                  NULL, 0, 0, TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT, 0, { 0, 0, 0, 0 }, 0, NULL, \
                                  NULL, NULL, 0, 0, NULL, 0, TAMGA_REVDATA_AUTO }

/** Size of the buffers in tamga_sign_result. */
#define TAMGA_SIGN_TEXT_MAX 512

typedef struct {
	char format[16];                /**< "pdf" */
	char code[TAMGA_SIGN_TEXT_MAX];  /**< the document code, printed form */
	char url[TAMGA_SIGN_TEXT_MAX];   /**< the URL in the QR code */
	char sha256[65];                /**< of the signed output */
	size_t size;                    /**< bytes written */
} tamga_sign_result;

/**
 * Sign the document in the file in_path and write it to out_path,
 * atomically (a reader sees the old file or the whole new one).  An existing
 * out_path is TAMGA_EEXISTS unless opts->overwrite; out_path naming the
 * input itself is always refused (TAMGA_EINVAL).  result may be NULL.
 */
TAMGA_EXTERN(int) tamga_sign_file(const char *in_path, const char *out_path, const tamga_sign_options *opts,
                                  tamga_sign_result *result);

/** Sign a document held in memory; the signed document is appended to out. */
TAMGA_EXTERN(int) tamga_sign_buffer(tamga_buf *out, const void *in, size_t in_len, const tamga_sign_options *opts,
                                    tamga_sign_result *result);

/* ------------------------------------------------------------------ extending */

/*
 * tamga_extend_file() raises the signatures already in a PDF to PAdES B-LT
 * or B-LTA (ETSI EN 319 142-1 §5.4, §5.5) without touching them: one
 * incremental update adds to the /DSS the certificates and revocation data
 * (OCSP responses, CRLs; see tamga_revdata) of every signature and document
 * time-stamp that has no /VRI entry yet, with a /VRI entry each, whoever
 * made them (certificates from each CMS and its time-stamp tokens; a
 * missing issuer is fetched from the AIA caIssuers URL, http:// only); at
 * B-LTA a second update adds a document time-stamp over the whole file.
 * Extending a B-LTA document again at B-LTA adds the validation data of its
 * last document time-stamp and a new time-stamp (the archive chain of
 * §5.5): run it before the last time-stamp's TSA certificate expires
 * (tamga_extend_result.timestamp_expires).  The input is an exact byte
 * prefix of the output.
 *
 * OOXML and ODF packages: every XML signature is checked, then gets a
 * SignatureTimeStamp if it has none (tsa_url needed) and
 * CertificateValues + RevocationValues if it has no RevocationValues
 * (XAdES B-LT, EN 319 132-1); only the signature part changes, every other
 * ZIP entry is copied byte for byte.  B-LTA is TAMGA_EUNSUPPORTED for them.
 *
 * Refused, nothing written:
 *   TAMGA_EINVAL       options (a level other than B-LT/B-LTA, B-LTA without tsa_url)
 *   TAMGA_EUNSUPPORTED not a PDF, or an encrypted PDF
 *   TAMGA_ENOTFOUND    no signatures; or no revocation data for a certificate
 *   TAMGA_ESTATE       a signature is malformed, fails its integrity check, the
 *                      document was changed after it in ways it does not allow, or
 *                      its signer's certificate was revoked before its signature
 *                      time-stamp (or at all, when it has none) per the data
 *                      fetched: never extended, the message names the signature
 *                      (the revoked case is extended with allow_revoked)
 *   TAMGA_EIO, ...     fetching, the TSA, files
 */
#define TAMGA_EXTEND_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	tamga_level level;              /**< TAMGA_LEVEL_B_LT or TAMGA_LEVEL_B_LTA */
	const char *tsa_url;            /**< B-LTA: the document time-stamp's TSA (http:// or https://) */
	const char *const *crl_files;   /**< CRLs (PEM or DER) to embed instead of fetching them */
	size_t crl_file_count;
	tamga_revdata revocation;       /**< default TAMGA_REVDATA_AUTO */
	int allow_revoked;              /**< extend even a signature whose signer certificate was
	                                     revoked before its time (the evidence is embedded) */
	int overwrite;                  /**< tamga_extend_file: replace an existing output file */
	tamga_time now;                 /**< the time fetched OCSP responses must be fresh at; 0 = now */
} tamga_extend_options;

#define TAMGA_EXTEND_OPTIONS_INIT { TAMGA_EXTEND_OPTIONS_VERSION, TAMGA_LEVEL_B_LT, NULL, NULL, 0, \
                                    TAMGA_REVDATA_AUTO, 0, 0, 0 }

typedef struct {
	size_t signatures;              /**< signatures and document time-stamps in the input */
	size_t extended;                /**< of them, given validation data now (the others had a
	                                     /VRI entry already) */
	size_t certs, crls, ocsps;      /**< objects added to the /DSS */
	int timestamped;                /**< a document time-stamp was added */
	tamga_time timestamp_expires;   /**< its TSA certificate's notAfter (0 when none added) */
	char notes[TAMGA_SIGN_TEXT_MAX]; /**< warnings ("; " between them), e.g. a signer revoked
	                                     after its time-stamp; "" when none */
	char sha256[65];                /**< of the output */
	size_t size;                    /**< bytes written */
} tamga_extend_result;

/**
 * Extend the PDF in the file in_path and write it to out_path atomically.
 * An existing out_path is TAMGA_EEXISTS unless opts->overwrite; out_path
 * naming the input is TAMGA_EINVAL.  result may be NULL.  Errors above.
 */
TAMGA_EXTERN(int) tamga_extend_file(const char *in_path, const char *out_path, const tamga_extend_options *opts,
                                    tamga_extend_result *result);

/** Extend a document held in memory; the extended document is appended to out. */
TAMGA_EXTERN(int) tamga_extend_buffer(tamga_buf *out, const void *in, size_t in_len,
                                      const tamga_extend_options *opts, tamga_extend_result *result);

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_SIGN_H */
