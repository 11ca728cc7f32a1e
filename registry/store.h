/*
 * registry/store.h - the registry's storage interface (internal).
 *
 * A backend is one const struct tamga__store_ops (curl's vtls idea,
 * STYLE.md "Pluggable parts"): SQLite today (registry/store_sqlite.c),
 * PostgreSQL later.  A backend's state is its own struct whose first
 * member is struct tamga__store, so the driver (registry/registry.c) only
 * ever sees the base.
 *
 * The driver owns the rules (codes normalised, agency and state checks,
 * audit chaining); a backend stores and fetches rows.  Every write the
 * driver makes happens between begin() and commit(), and begin() must
 * take the write lock at once (SQLite's BEGIN IMMEDIATE, PostgreSQL's
 * SERIALIZABLE or a table lock on audit): the audit chain needs its last
 * entry read and the next written with no other writer in between.
 *
 * Every operation returns 0 or a negative TAMGA_E* code with the error
 * detail set.  Text handed in is NUL-terminated and shorter than its
 * tamga_* buffer; text handed out is copied into the caller's struct.
 */
#ifndef TAMGA_REGISTRY_STORE_H
#define TAMGA_REGISTRY_STORE_H

#include <tamga/registry.h>

/** Bytes of the HMAC key for subject hashes, made when a registry is created. */
#define TAMGA__STORE_SECRET_LEN 32

struct tamga__store {
	const struct tamga__store_ops *ops;
};

/** A token row: the token itself is never stored, only its SHA-256. */
struct tamga__store_token {
	char hash[65];               /* SHA-256 of the token, lowercase hex */
	int64_t agency_id;
	char agency[TAMGA_REGISTRY_TEXT_MAX];
	tamga_time created;
	tamga_time revoked_at;       /* 0 when active */
};

/** An audit row.  The text fields point into the backend's row and live
 *  only for the duration of the callback (or are the caller's on insert). */
struct tamga__audit_entry {
	uint64_t seq;                /* 1, 2, 3, ... with no gaps */
	tamga_time time;
	const char *event;           /* issue, revoke, supersede, token-add, token-revoke */
	const char *code;            /* printed code, "" for token events */
	const char *agency;          /* agency name, "" for none */
	const char *detail;
	const char *prev_hash;       /* 64 hex; 64 zeros for the first entry */
	const char *hash;            /* 64 hex */
};

struct tamga__store_ops {
	const char *name;

	/** Open the store of dir (creating and migrating it with create);
	 *  TAMGA_ENOTFOUND when there is none and !create. */
	int (*open)(struct tamga__store **out, const char *dir, int create);
	void (*close)(struct tamga__store *s);

	int (*begin)(struct tamga__store *s);
	int (*commit)(struct tamga__store *s);
	/** Undo an open transaction; a no-op without one. */
	void (*rollback)(struct tamga__store *s);

	/** The HMAC key made at creation. */
	int (*secret)(struct tamga__store *s, unsigned char out[TAMGA__STORE_SECRET_LEN]);

	/** Insert the agency, or update the paths of the one of that name (and
	 *  its stamp settings when a->stamp_update); *id its id.  The driver
	 *  has checked the stamp settings (no line feed in a caption line). */
	int (*agency_upsert)(struct tamga__store *s, const tamga_agency *a, tamga_time now, int64_t *id);
	/** With its stamp settings (stamp_update 0); TAMGA_ENOTFOUND for an unknown id. */
	int (*agency_get)(struct tamga__store *s, int64_t id, tamga_agency *out);
	int (*agencies)(struct tamga__store *s, int (*fn)(void *ctx, const tamga_agency *a), void *ctx);

	int (*token_insert)(struct tamga__store *s, int64_t agency_id, const char *hash, tamga_time created);
	/** The token whose hash is exactly hash; TAMGA_ENOTFOUND. */
	int (*token_get)(struct tamga__store *s, const char *hash, struct tamga__store_token *out);
	/** The one token whose hash starts with prefix (lowercase hex):
	 *  TAMGA_ENOTFOUND for none, TAMGA_EINVAL when several match. */
	int (*token_match)(struct tamga__store *s, const char *prefix, struct tamga__store_token *out);
	int (*token_revoke)(struct tamga__store *s, const char *hash, tamga_time when);
	/** Every token, oldest first. */
	int (*tokens)(struct tamga__store *s, int (*fn)(void *ctx, const struct tamga__store_token *t), void *ctx);

	/** TAMGA_EEXISTS when the code is taken, TAMGA_ENOTFOUND for an unknown agency. */
	int (*doc_insert)(struct tamga__store *s, const tamga_document *d);
	/** By printed code, agency name filled; TAMGA_ENOTFOUND. */
	int (*doc_get)(struct tamga__store *s, const char *code, tamga_document *out);
	int (*doc_set_status)(struct tamga__store *s, const char *code, tamga_doc_status status, tamga_time when,
	                      const char *reason, const char *replaced_by);
	/** Newest first (issued_at, then insertion), at most limit (0 = all). */
	int (*docs)(struct tamga__store *s, size_t limit, int (*fn)(void *ctx, const tamga_document *d), void *ctx);

	/** seq and hash of the newest entry; 0 and 64 zeros for an empty log. */
	int (*audit_last)(struct tamga__store *s, uint64_t *seq, char hash[65]);
	int (*audit_insert)(struct tamga__store *s, const struct tamga__audit_entry *e);
	/** Every entry in seq order, until fn returns non-zero (which is returned). */
	int (*audit_each)(struct tamga__store *s, int (*fn)(void *ctx, const struct tamga__audit_entry *e),
	                  void *ctx);
};

/** The embedded default (registry/store_sqlite.c). */
extern const struct tamga__store_ops tamga__store_sqlite;

#endif
