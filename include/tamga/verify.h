/*
 * tamga/verify.h - verifying signed documents.
 *
 * A verifier checks every signature of a document: its container, its
 * integrity, the signer's certificate path and revocation at the right
 * time, and what changed in the document after it was signed.  It says
 * TOTAL-PASSED only when what a reader sees is exactly what was signed.
 * Indications and sub-indications are ETSI EN 319 102-1's words; the
 * report's JSON form is DESIGN.md §4's, versioned.
 *
 *     tamga_verifier *v;
 *     tamga_report *r;
 *     tamga_verifier_new(&v, &opts);
 *     tamga_verifier_verify_file(v, &r, "letter.pdf");   // 0 even if invalid
 *     tamga_report_verdict(r) == TAMGA_VERDICT_TOTAL_PASSED ? ...
 *     tamga_report_free(r);
 *     tamga_verifier_free(v);
 */
#ifndef TAMGA_VERIFY_H
#define TAMGA_VERIFY_H

#include "common.h"
#include "trust.h"
#include "registry.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The verdict on a document, and (the first three) on one signature. */
typedef enum {
	TAMGA_VERDICT_TOTAL_PASSED = 0,
	TAMGA_VERDICT_TOTAL_FAILED = 1,
	TAMGA_VERDICT_INDETERMINATE = 2,
	TAMGA_VERDICT_NO_SIGNATURE = 3      /**< documents only: nothing signed */
} tamga_verdict;

/** "TOTAL-PASSED", "TOTAL-FAILED", "INDETERMINATE", "NO-SIGNATURE". */
TAMGA_EXTERN(const char *) tamga_verdict_name(tamga_verdict verdict);

/** ETSI EN 319 102-1 sub-indications tamga reports. */
typedef enum {
	TAMGA_SUB_NONE = 0,
	/* with TOTAL-FAILED */
	TAMGA_SUB_FORMAT_FAILURE,
	TAMGA_SUB_HASH_FAILURE,             /**< also: the document was changed after signing
	                                         in a way not allowed (see modifications) */
	TAMGA_SUB_SIG_CRYPTO_FAILURE,
	TAMGA_SUB_REVOKED,
	TAMGA_SUB_NOT_YET_VALID,
	/* with INDETERMINATE */
	TAMGA_SUB_SIG_CONSTRAINTS_FAILURE,
	TAMGA_SUB_CHAIN_CONSTRAINTS_FAILURE,
	TAMGA_SUB_CERTIFICATE_CHAIN_GENERAL_FAILURE,
	TAMGA_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE,
	TAMGA_SUB_NO_SIGNING_CERTIFICATE_FOUND,
	TAMGA_SUB_NO_CERTIFICATE_CHAIN_FOUND,
	TAMGA_SUB_REVOKED_NO_POE,
	TAMGA_SUB_REVOKED_CA_NO_POE,
	TAMGA_SUB_OUT_OF_BOUNDS_NO_POE,
	TAMGA_SUB_TRY_LATER
} tamga_subindication;

/** "FORMAT_FAILURE", ...; NULL for TAMGA_SUB_NONE. */
TAMGA_EXTERN(const char *) tamga_subindication_name(tamga_subindication sub);

#define TAMGA_VERIFY_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	const tamga_trust *trust;       /**< anchors, intermediates, CRLs; required */
	tamga_time at;                  /**< validation time; 0 = now */
	int offline;                    /**< never fetch CRLs or OCSP responses */
	long timeout_seconds;           /**< per fetch; 0 = 10 */
	/** A tamgad verify role (https://verify.example.mn): when a document
	 *  carries a tamga document code, its registry status is asked there
	 *  and reported; revoked or superseded makes the document TOTAL-FAILED,
	 *  an unknown code or an unreachable server INDETERMINATE.  NULL: no
	 *  registry check (even when not offline). */
	const char *registry_url;
} tamga_verify_options;

#define TAMGA_VERIFY_OPTIONS_INIT { TAMGA_VERIFY_OPTIONS_VERSION, NULL, 0, 0, 0, NULL }

/** A verifier: options plus a cache of fetched revocation data, reused
 *  across documents.  Not thread-safe: one per thread. */
typedef struct tamga_verifier tamga_verifier;
typedef struct tamga_report tamga_report;

/** The options are copied; the trust store is borrowed and must outlive v. */
TAMGA_EXTERN(int) tamga_verifier_new(tamga_verifier **out, const tamga_verify_options *opts);
TAMGA_EXTERN(void) tamga_verifier_free(tamga_verifier *v);

/**
 * Verify the document data[0 .. len); name is what the report calls it.
 * Returns 0 whenever a report was made, however bad the document (an
 * unreadable one is TOTAL-FAILED / FORMAT_FAILURE); a negative code only
 * for bad arguments or out-of-memory.
 */
TAMGA_EXTERN(int) tamga_verifier_verify_buffer(tamga_verifier *v, tamga_report **out, const void *data, size_t len,
                                               const char *name);
/** As above, reading path (TAMGA_EIO / TAMGA_ENOTFOUND / TAMGA_ELIMIT when it cannot be read). */
TAMGA_EXTERN(int) tamga_verifier_verify_file(tamga_verifier *v, tamga_report **out, const char *path);

TAMGA_EXTERN(void) tamga_report_free(tamga_report *r);
TAMGA_EXTERN(tamga_verdict) tamga_report_verdict(const tamga_report *r);
/** "pdf", or NULL when the format was not recognised. */
TAMGA_EXTERN(const char *) tamga_report_format(const tamga_report *r);
/** The tamga document code found in the document, or NULL. */
TAMGA_EXTERN(const char *) tamga_report_document_code(const tamga_report *r);
/** SHA-256 of the document, lowercase hex. */
TAMGA_EXTERN(const char *) tamga_report_sha256(const tamga_report *r);
TAMGA_EXTERN(size_t) tamga_report_signature_count(const tamga_report *r);
/** Signature index (0 = oldest); NULL / TAMGA_SUB_NONE out of range. */
TAMGA_EXTERN(const char *) tamga_report_signature_id(const tamga_report *r, size_t index);
TAMGA_EXTERN(tamga_verdict) tamga_report_signature_indication(const tamga_report *r, size_t index);
TAMGA_EXTERN(tamga_subindication) tamga_report_signature_subindication(const tamga_report *r, size_t index);
/** The signer certificate's subject (RFC 2253-style), or NULL when unknown. */
TAMGA_EXTERN(const char *) tamga_report_signature_signer(const tamga_report *r, size_t index);

/** The registry status found with registry_url: "valid", "revoked",
 *  "superseded", "unknown" (no such code there), "unavailable" (no
 *  answer); NULL when none was asked. */
TAMGA_EXTERN(const char *) tamga_report_registry_status(const tamga_report *r);

/**
 * Record in r what a registry says of the document's code (the report's
 * "registry" object), as tamga_verifier does with registry_url; for a
 * server that holds the registry itself.  source names it ("local" or a
 * URL).  doc: the entry found, or NULL with lookup_error TAMGA_ENOTFOUND
 * (not registered: at best INDETERMINATE) or another code (no answer:
 * at best INDETERMINATE).  A revoked or superseded entry makes the
 * document TOTAL-FAILED; a valid one whose copy differs adds a warning.
 * TAMGA_EINVAL when r carries no document code.
 */
TAMGA_EXTERN(int) tamga_report_set_registry(tamga_report *r, const char *source, const tamga_document *doc,
                                            int lookup_error);

/**
 * Ask a tamgad verify role at server_url for a document's registry entry
 * (GET {server_url}/api/v1/documents/{code}).  Fills code, agency,
 * doc_type, title, issued_at, sha256, status, status_time, status_reason
 * and replaced_by.  Errors: TAMGA_ENOTFOUND (no such code there),
 * TAMGA_EFORMAT (not a code, or an answer that is not the expected JSON),
 * TAMGA_EIO (no answer), TAMGA_EINVAL (not an http(s) URL).
 */
TAMGA_EXTERN(int) tamga_document_lookup(const char *server_url, const char *code, long timeout_seconds,
                                        tamga_document *out);

/** Append the report as JSON (DESIGN.md §4, "report_version": 1), pretty-printed, no final newline. */
TAMGA_EXTERN(int) tamga_report_json(const tamga_report *r, tamga_buf *out);
/** Append the report as text for people: one line per signature, then details. */
TAMGA_EXTERN(int) tamga_report_text(const tamga_report *r, tamga_buf *out);

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_VERIFY_H */
