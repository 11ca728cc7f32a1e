/*
 * tamga/registry.h - the document registry: agencies and their bearer
 * tokens, registered documents and their status, the signed copies, and an
 * append-only audit log chained by hash.
 *
 * A registry lives in a data directory:
 *
 *     DIR/registry.db         SQLite (WAL, schema version, migrations)
 *     DIR/copies/ab/cdef...   signed copies, content-addressed by SHA-256
 *
 * Durability rule: tamga_registry_register() writes and fsyncs the copy
 * before it commits the row, so a crash at any point leaves no registered
 * document without its copy; the caller returns a signed document only
 * after register returned 0, so no returned document lacks its row.  A
 * copy without a row (a crash between the two) is harmless and reused.
 *
 * Storage is behind an internal interface (registry/store.h) so that a
 * PostgreSQL backend can follow; SQLite is the embedded default.
 *
 * A handle is not thread-safe: open one per thread (SQLite in WAL mode
 * lets several handles and processes share the directory).
 */
#ifndef TAMGA_REGISTRY_H
#define TAMGA_REGISTRY_H

#include "common.h"
#include "code.h"
#include "sign.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tamga_registry tamga_registry;

/**
 * Open the registry in dir; with create, make dir (mode 0700) and the
 * database when missing, and migrate an older schema.  Errors:
 * TAMGA_ENOTFOUND (no registry and !create), TAMGA_EDB, TAMGA_EIO.
 */
TAMGA_EXTERN(int) tamga_registry_open(tamga_registry **out, const char *dir, int create);
TAMGA_EXTERN(void) tamga_registry_close(tamga_registry *reg);

/* ------------------------------------------------------------ agencies */

#define TAMGA_REGISTRY_TEXT_MAX 512
/** A bearer token: "tmg_" + 43 base64url characters (256 random bits). */
#define TAMGA_TOKEN_BUFSIZE 48

/** Caption lines an agency may set, and the bytes of one line (UTF-8, no
 *  control characters, not counting the NUL). */
#define TAMGA_AGENCY_CAPTION_LINES 4
#define TAMGA_AGENCY_CAPTION_MAX 200

/**
 * An agency: its signer key and how documents signed for it are stamped
 * (tamgad's sign role passes the stamp settings to tamga_sign_options).
 * All zero (memset) is a valid set of stamp settings: the defaults.
 */
typedef struct {
	int64_t id;
	char name[TAMGA_REGISTRY_TEXT_MAX];       /**< unique, e.g. "Улсын бүртгэлийн ерөнхий газар" */
	char key_path[TAMGA_REGISTRY_TEXT_MAX];   /**< the agency's signer key (PEM or PKCS#12) */
	char cert_path[TAMGA_REGISTRY_TEXT_MAX];  /**< its certificate ("" for PKCS#12) */
	char chain_path[TAMGA_REGISTRY_TEXT_MAX]; /**< "" when none */
	/** Caption lines in place of the organisation from the certificate;
	 *  caption_count 0 = that default.  Lines past caption_count are "". */
	char caption[TAMGA_AGENCY_CAPTION_LINES][TAMGA_AGENCY_CAPTION_MAX + 1];
	unsigned int caption_count;               /**< 0 to TAMGA_AGENCY_CAPTION_LINES */
	/** TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT (0, the default) or
	 *  TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT; no other placement is stored. */
	tamga_placement placement;
	int no_stamp;                             /**< 1: invisible signatures, no QR, no caption */
	/** Input to tamga_registry_token_add only (always 0 when read): for
	 *  an agency that exists already, non-zero replaces its stamp settings
	 *  with caption, placement and no_stamp above, 0 keeps them.  A new
	 *  agency always takes the ones given. */
	int stamp_update;
} tamga_agency;

/**
 * Register an agency (or, when one of that name exists, keep it and update
 * its key paths, and its stamp settings when agency->stamp_update) and
 * issue a new bearer token for it.  The token is written to token_out and
 * only its SHA-256 is stored.  Paths are stored as given (make them
 * absolute first).  TAMGA_EINVAL for a missing name or key, a field that
 * is not a terminated string, more than TAMGA_AGENCY_CAPTION_LINES
 * caption lines, an empty caption line or one that is not UTF-8 or holds
 * a control character, a placement other than first or last page, or a
 * no_stamp other than 0 or 1.
 */
TAMGA_EXTERN(int) tamga_registry_token_add(tamga_registry *reg, const tamga_agency *agency,
                                           char token_out[TAMGA_TOKEN_BUFSIZE]);
/** Revoke a token, given as the token itself or as a prefix of at least 8
 *  hex digits of its hash (the id shown by the CLI, tamga_registry_token_id);
 *  TAMGA_ENOTFOUND when none matches, TAMGA_EINVAL when a prefix matches
 *  several or is malformed, TAMGA_ESTATE when it is revoked already.  */
TAMGA_EXTERN(int) tamga_registry_token_revoke(tamga_registry *reg, const char *token);
/**
 * The agency a bearer token belongs to (constant-time comparison of
 * hashes); TAMGA_ENOTFOUND for an unknown or revoked token.
 */
TAMGA_EXTERN(int) tamga_registry_token_check(tamga_registry *reg, const char *token, tamga_agency *out);
/** Every agency, in id order, with its stamp settings: calls fn until it
 *  returns non-zero. */
TAMGA_EXTERN(int) tamga_registry_agencies(tamga_registry *reg, int (*fn)(void *ctx, const tamga_agency *a),
                                          void *ctx);

/**
 * A token's id: the first 12 lowercase hex digits of its SHA-256 (what
 * the registry stores), safe to show and log; tamga_registry_token_revoke
 * accepts it (or any prefix of the hash of 8 or more digits).
 * TAMGA_EINVAL when token is not a well-formed "tmg_" token.
 */
#define TAMGA_TOKEN_ID_LEN 12
#define TAMGA_TOKEN_ID_BUFSIZE 13
TAMGA_EXTERN(int) tamga_registry_token_id(const char *token, char out[TAMGA_TOKEN_ID_BUFSIZE]);

/** A stored token as listings show it: never the token itself. */
typedef struct {
	char id[TAMGA_TOKEN_ID_BUFSIZE];      /**< see tamga_registry_token_id */
	int64_t agency_id;
	char agency[TAMGA_REGISTRY_TEXT_MAX]; /**< agency name */
	tamga_time created;
	tamga_time revoked_at;                /**< 0 while the token is active */
} tamga_token_info;

/** Every token, oldest first: calls fn until it returns non-zero. */
TAMGA_EXTERN(int) tamga_registry_tokens(tamga_registry *reg, int (*fn)(void *ctx, const tamga_token_info *t),
                                        void *ctx);

/* ------------------------------------------------------------ documents */

typedef enum {
	TAMGA_DOC_VALID = 0,
	TAMGA_DOC_REVOKED = 1,
	TAMGA_DOC_SUPERSEDED = 2
} tamga_doc_status;

/** "valid", "revoked", "superseded". */
TAMGA_EXTERN(const char *) tamga_doc_status_name(tamga_doc_status s);

typedef struct {
	char code[TAMGA_CODE_BUFSIZE];            /**< printed form */
	int64_t agency_id;
	char agency[TAMGA_REGISTRY_TEXT_MAX];     /**< agency name (filled by get) */
	char doc_type[TAMGA_REGISTRY_TEXT_MAX];   /**< e.g. "reference", "certificate", "letter" */
	char title[TAMGA_REGISTRY_TEXT_MAX];
	char subject_hash[65];                    /**< keyed hash of the subject reference, "" if none */
	tamga_time issued_at;
	char format[16];                          /**< "pdf", ... */
	char sha256[65];                          /**< of the signed copy */
	char original_sha256[65];                 /**< of the document as received */
	uint64_t size;                            /**< of the signed copy */
	char signer_subject[TAMGA_REGISTRY_TEXT_MAX];
	char signer_sha256[65];                   /**< SHA-256 of the signer certificate (DER) */
	tamga_doc_status status;
	tamga_time status_time;                   /**< when revoked or superseded, else 0 */
	char status_reason[TAMGA_REGISTRY_TEXT_MAX];
	char replaced_by[TAMGA_CODE_BUFSIZE];     /**< superseded: the new code, else "" */
} tamga_document;

/**
 * The keyed hash stored for a subject reference (e.g. a citizen register
 * number): HMAC-SHA-256 with the registry's secret key (made at creation,
 * kept in the database), lowercase hex; the reference itself is never
 * stored.  The reference is normalised first (trimmed, upper case).
 */
TAMGA_EXTERN(int) tamga_registry_subject_hash(tamga_registry *reg, const char *reference, char out[65]);

/**
 * Register a signed document: store the copy (content-addressed, fsynced),
 * then insert doc (status valid; code, agency_id, sha256 and size must be
 * set and agree with data) and an audit entry in one transaction.
 * TAMGA_EEXISTS when the code is taken.
 */
TAMGA_EXTERN(int) tamga_registry_register(tamga_registry *reg, const tamga_document *doc, const void *data,
                                          size_t len);
/** By code in any form tamga_code_normalize accepts; TAMGA_ENOTFOUND, or
 *  TAMGA_EFORMAT for something that is not a code. */
TAMGA_EXTERN(int) tamga_registry_get(tamga_registry *reg, const char *code, tamga_document *out);
/** The signed copy of a registered document, appended to out. */
TAMGA_EXTERN(int) tamga_registry_copy(tamga_registry *reg, const tamga_document *doc, tamga_buf *out);

/**
 * Revoke a valid document, or mark it superseded by replaced_by (a
 * registered code).  agency_id must be the document's agency (else
 * TAMGA_ENOTFOUND: an agency never learns about others' documents);
 * agency_id 0 = an operator acting for any agency.  TAMGA_ESTATE when the
 * document is not valid any more.  Each writes an audit entry.
 */
TAMGA_EXTERN(int) tamga_registry_revoke(tamga_registry *reg, const char *code, int64_t agency_id,
                                        const char *reason);
TAMGA_EXTERN(int) tamga_registry_supersede(tamga_registry *reg, const char *code, int64_t agency_id,
                                           const char *replaced_by, const char *reason);

/** Documents newest first, at most limit (0 = all): calls fn until non-zero. */
TAMGA_EXTERN(int) tamga_registry_list(tamga_registry *reg, size_t limit,
                                      int (*fn)(void *ctx, const tamga_document *d), void *ctx);

/* ------------------------------------------------------------ audit log */

/**
 * Check the audit log's hash chain: every entry's hash is SHA-256 over the
 * previous entry's hash and the entry's canonical text (seq, time, event,
 * code, agency, detail).  *entries receives the count checked.  A broken
 * chain is TAMGA_EFORMAT naming the first bad entry's sequence number.
 */
TAMGA_EXTERN(int) tamga_registry_audit_verify(tamga_registry *reg, uint64_t *entries);

/**
 * tamga_registry_audit_verify(), and two things a chain alone cannot show.
 * head (may be NULL) receives the hash of the last intact entry (64 hex
 * digits; "" for an empty log): kept outside the registry (a ticket, a
 * signed log line), it is a witness.  With witness_seq > 0, entry
 * witness_seq must be in the log with the hash witness_hash, so removing
 * the newest entries, or rewriting the whole chain from some entry on,
 * since the witness was taken is TAMGA_EFORMAT ("truncated or rewritten").
 */
TAMGA_EXTERN(int) tamga_registry_audit_check(tamga_registry *reg, uint64_t *entries, char head[65],
                                             uint64_t witness_seq, const char *witness_hash);

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_REGISTRY_H */
