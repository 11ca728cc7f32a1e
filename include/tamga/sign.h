/*
 * tamga/sign.h - signing documents.
 *
 * tamga_sign_file() stamps a document with a QR verification code and a
 * caption, signs it with the agency's key and writes the result.  The
 * format is recognised from the bytes (PDF today).  PDF: PAdES baseline
 * B-B, B-T, B-LT or B-LTA (ETSI EN 319 142-1), incremental updates, so the input is an
 * exact byte prefix of the output and earlier signatures stay valid.
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
	TAMGA_LEVEL_B_LT = 2,   /**< B-T + validation data (certificates, CRLs) in the /DSS */
	TAMGA_LEVEL_B_LTA = 3   /**< B-LT + a document time-stamp from the same TSA */
} tamga_level;

/** "B-B", "B-T", "B-LT", "B-LTA" (case-insensitive). */
TAMGA_EXTERN(int) tamga_level_parse(tamga_level *out, const char *name);

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
} tamga_sign_options;

#define TAMGA_SIGN_OPTIONS_INIT { TAMGA_SIGN_OPTIONS_VERSION, NULL, NULL, 0, TAMGA_LEVEL_B_B, NULL, NULL, NULL, \
                                  NULL, 0, 0, TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT, 0, { 0, 0, 0, 0 }, 0, NULL, \
                                  NULL, NULL, 0, 0, NULL, 0 }

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

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_SIGN_H */
