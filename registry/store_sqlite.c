/*
 * registry/store_sqlite.c - the registry's embedded backend: one SQLite
 * file, DIR/registry.db.
 *
 * Shared by several processes (tamgad's sign and verify roles, the tamga
 * CLI): WAL journal, so readers never wait for the writer; a busy timeout,
 * so a writer waits for another instead of failing; BEGIN IMMEDIATE for
 * every write transaction, so two writers never both read the audit
 * chain's head and append after it.  The file is created 0600 before SQLite
 * opens it (SQLite gives the -wal and -shm files the same mode): it holds
 * the subject-hash key.
 *
 * Schema versions: PRAGMA user_version is the version, schema_history
 * records when each was applied, and migrations[] below lists one step
 * per version.  Each step runs in its own IMMEDIATE transaction that
 * re-reads the version first, so two processes opening an old file at the
 * same moment migrate it once.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/sqlite.h"
#include "common/fileio.h"
#include "registry/store.h"

#define DB_NAME "registry.db"
#define BUSY_TIMEOUT_MS 5000

struct sqlite_store {
	struct tamga__store base;   /* first: the driver sees only this */
	sqlite3 *db;
};

#define DB(s) (((struct sqlite_store *)(s))->db)

/* ------------------------------------------------------------ schema */

#define DB_LABEL "registry database"
#define db_error(db, what) tamga__sql_error((db), DB_LABEL, (what))
#define exec(db, sql) tamga__sql_exec((db), DB_LABEL, (sql))
#define prepare(db, sql, st) tamga__sql_prepare((db), DB_LABEL, (sql), (st))
#define user_version(db, out) tamga__sql_user_version((db), DB_LABEL, (out))

static const char schema_v1[] =
	"CREATE TABLE schema_history ("
	"  version INTEGER PRIMARY KEY,"
	"  applied_at INTEGER NOT NULL) STRICT;"
	"CREATE TABLE settings ("
	"  key TEXT PRIMARY KEY,"
	"  value BLOB NOT NULL) STRICT;"
	"CREATE TABLE agencies ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  key_path TEXT NOT NULL,"
	"  cert_path TEXT NOT NULL DEFAULT '',"
	"  chain_path TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL) STRICT;"
	"CREATE TABLE tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  agency_id INTEGER NOT NULL REFERENCES agencies (id),"
	"  sha256 TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),"
	"  created INTEGER NOT NULL,"
	"  revoked_at INTEGER) STRICT;"
	"CREATE TABLE documents ("
	"  code TEXT PRIMARY KEY,"
	"  agency_id INTEGER NOT NULL REFERENCES agencies (id),"
	"  doc_type TEXT NOT NULL,"
	"  title TEXT NOT NULL,"
	"  subject_hash TEXT NOT NULL,"
	"  issued_at INTEGER NOT NULL,"
	"  format TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
	"  original_sha256 TEXT NOT NULL,"
	"  size INTEGER NOT NULL CHECK (size >= 0),"
	"  signer_subject TEXT NOT NULL,"
	"  signer_sha256 TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked', 'superseded')),"
	"  status_time INTEGER,"
	"  status_reason TEXT NOT NULL DEFAULT '',"
	"  replaced_by TEXT REFERENCES documents (code)) STRICT;"
	"CREATE INDEX documents_issued ON documents (issued_at);"
	"CREATE INDEX documents_agency ON documents (agency_id);"
	"CREATE INDEX documents_sha256 ON documents (sha256);"
	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY,"
	"  time INTEGER NOT NULL,"
	"  event TEXT NOT NULL CHECK (event IN ('issue', 'revoke', 'supersede', 'token-add', 'token-revoke')),"
	"  code TEXT NOT NULL DEFAULT '',"
	"  agency TEXT NOT NULL DEFAULT '',"
	"  detail TEXT NOT NULL DEFAULT '',"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL) STRICT;"
	/* Append-only against mistakes; the hash chain is what holds against
	 * someone who drops these triggers first. */
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;";

/* Version 2: each agency's stamp settings (tamga_agency).  The caption's
 * lines are joined by line feeds ('' = the organisation from the
 * certificate); the driver keeps line feeds out of a line. */
static const char schema_v2[] =
	"ALTER TABLE agencies ADD COLUMN caption TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE agencies ADD COLUMN placement TEXT NOT NULL DEFAULT 'first' "
	"  CHECK (placement IN ('first', 'last'));"
	"ALTER TABLE agencies ADD COLUMN no_stamp INTEGER NOT NULL DEFAULT 0 CHECK (no_stamp IN (0, 1));";

/* Step a statement that returns no rows, then finalize it. */
static int step_done(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st), error = 0;

	if (rc != SQLITE_DONE)
		error = db_error(db, what);
	sqlite3_finalize(st);
	return error;
}

/* Version 1's code step: the key for subject hashes, made once. */
static int make_secret(sqlite3 *db)
{
	unsigned char key[TAMGA__STORE_SECRET_LEN];
	sqlite3_stmt *st;
	int error;

	if (RAND_bytes(key, sizeof(key)) != 1)
		return tamga__error_openssl(TAMGA_ECRYPTO, "making the registry's key: the random generator failed");
	if ((error = prepare(db, "INSERT INTO settings (key, value) VALUES ('subject_hmac_key', ?)", &st)) == 0) {
		sqlite3_bind_blob(st, 1, key, sizeof(key), SQLITE_TRANSIENT);
		error = step_done(db, st, "storing the registry's key");
	}
	OPENSSL_cleanse(key, sizeof(key));
	return error;
}

struct migration {
	int version;
	const char *sql;
	int (*step)(sqlite3 *db);   /* after sql, in the same transaction; may be NULL */
};

static const struct migration migrations[] = {
	{ 1, schema_v1, make_secret },
	{ 2, schema_v2, NULL },
};

#define SCHEMA_VERSION 2

static int apply(sqlite3 *db, const struct migration *m)
{
	char sql[96];
	sqlite3_stmt *st;
	int error, version = 0;

	if ((error = exec(db, "BEGIN IMMEDIATE")) < 0)
		return error;
	/* Another process may have migrated while we waited for the lock. */
	if ((error = user_version(db, &version)) < 0 || version >= m->version)
		goto done;
	if ((m->sql && (error = exec(db, m->sql)) < 0) || (m->step && (error = m->step(db)) < 0))
		goto done;
	if ((error = prepare(db, "INSERT INTO schema_history (version, applied_at) VALUES (?, ?)", &st)) < 0)
		goto done;
	sqlite3_bind_int(st, 1, m->version);
	sqlite3_bind_int64(st, 2, tamga_time_now());
	if ((error = step_done(db, st, "recording the schema version")) < 0)
		goto done;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", m->version);
	error = exec(db, sql);
done:
	if (error == 0)
		return exec(db, "COMMIT");
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return error;
}

static int migrate(sqlite3 *db, int from)
{
	size_t i;
	int error;

	for (i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++)
		if (migrations[i].version > from && (error = apply(db, &migrations[i])) < 0)
			return error;
	return 0;
}

/* Make the file 0600 before SQLite does it with the umask's mode. */
static int precreate(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
	close(fd);
	return 0;
}

static int sq_open(struct tamga__store **out, const char *dir, int create)
{
	struct sqlite_store *s = NULL;
	char *path = NULL;
	sqlite3 *db = NULL;
	struct stat st;
	int error = 0, version = 0;

	*out = NULL;
	if ((path = tamga__path_join(dir, DB_NAME)) == NULL)
		return TAMGA_ENOMEM;
	if (stat(path, &st) != 0) {
		if (errno != ENOENT) {
			error = tamga__error_set(TAMGA_EIO, "%s: %s", path, strerror(errno));
			goto done;
		}
		if (!create) {
			error = tamga__error_set(TAMGA_ENOTFOUND, "%s: no registry here", dir);
			goto done;
		}
		if ((error = tamga__mkdir(dir, 0700)) < 0 || (error = precreate(path)) < 0)
			goto done;
	}
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		error = tamga__error_set(TAMGA_EDB, "%s: cannot open the registry database: %s", path,
		                         db ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
	if ((error = exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")) < 0 ||
	    (error = user_version(db, &version)) < 0)
		goto done;
	if (version > SCHEMA_VERSION) {
		error = tamga__error_set(TAMGA_EUNSUPPORTED, "%s: schema version %d is newer than this tamga (%d)",
		                         path, version, SCHEMA_VERSION);
		goto done;
	}
	if (version == 0 && !create) {
		error = tamga__error_set(TAMGA_ENOTFOUND, "%s: not a tamga registry", path);
		goto done;
	}
	if (version < SCHEMA_VERSION && (error = migrate(db, version)) < 0)
		goto done;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	s->base.ops = &tamga__store_sqlite;
	s->db = db;
	db = NULL;
	*out = &s->base;
done:
	sqlite3_close(db);
	free(path);
	return error;
}

static void sq_close(struct tamga__store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(DB(s));
	free(s);
}

static int sq_begin(struct tamga__store *s) { return exec(DB(s), "BEGIN IMMEDIATE"); }
static int sq_commit(struct tamga__store *s) { return exec(DB(s), "COMMIT"); }

static void sq_rollback(struct tamga__store *s)
{
	if (!sqlite3_get_autocommit(DB(s)))
		sqlite3_exec(DB(s), "ROLLBACK", NULL, NULL, NULL);
}

/* ------------------------------------------------------------ helpers */

static void col_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, size, "%s", t ? (const char *)t : "");
}

/* A failed write, with constraint failures given their meaning. */
static int write_error(sqlite3 *db, const char *what, const char *exists_msg)
{
	int ext = sqlite3_extended_errcode(db);

	if (exists_msg && (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE))
		return tamga__error_set(TAMGA_EEXISTS, "%s", exists_msg);
	if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
		return tamga__error_set(TAMGA_ENOTFOUND, "%s: it refers to an agency or document that is not registered",
		                        what);
	return db_error(db, what);
}

/* ------------------------------------------------------------ settings */

static int sq_secret(struct tamga__store *s, unsigned char out[TAMGA__STORE_SECRET_LEN])
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = prepare(DB(s), "SELECT value FROM settings WHERE key = 'subject_hmac_key'", &st)) < 0)
		return error;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == TAMGA__STORE_SECRET_LEN)
		memcpy(out, sqlite3_column_blob(st, 0), TAMGA__STORE_SECRET_LEN);
	else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		error = tamga__error_set(TAMGA_EDB, "registry database: the subject-hash key is missing or damaged");
	else
		error = db_error(DB(s), "reading the subject-hash key");
	sqlite3_finalize(st);
	return error;
}

/* ------------------------------------------------------------ agencies */

/* The caption column: the lines joined by line feeds. */
static int caption_join(const tamga_agency *a, tamga_buf *out)
{
	unsigned int i;
	int error = 0;

	for (i = 0; i < a->caption_count && error == 0; i++)
		error = tamga__buf_printf(out, "%s%s", i ? "\n" : "", a->caption[i]);
	return error;
}

static void caption_split(tamga_agency *a, const char *text)
{
	const char *p = text, *nl;
	size_t n;

	a->caption_count = 0;
	while (p && *p && a->caption_count < TAMGA_AGENCY_CAPTION_LINES) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > TAMGA_AGENCY_CAPTION_MAX)
			n = TAMGA_AGENCY_CAPTION_MAX;
		memcpy(a->caption[a->caption_count], p, n);
		a->caption[a->caption_count++][n] = '\0';
		p = nl ? nl + 1 : NULL;
	}
}

static int sq_agency_upsert(struct tamga__store *s, const tamga_agency *a, tamga_time now, int64_t *id)
{
	sqlite3 *db = DB(s);
	tamga_buf caption = TAMGA_BUF_INIT;
	sqlite3_stmt *st;
	int error, rc;

	if ((error = caption_join(a, &caption)) < 0)
		return error;
	/* ?9: replace an existing agency's stamp settings, or keep them. */
	if ((error = prepare(db, "INSERT INTO agencies (name, key_path, cert_path, chain_path, created, "
	                         "caption, placement, no_stamp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	                         "ON CONFLICT (name) DO UPDATE SET key_path = ?2, cert_path = ?3, chain_path = ?4, "
	                         "caption = iif(?9, ?6, caption), placement = iif(?9, ?7, placement), "
	                         "no_stamp = iif(?9, ?8, no_stamp)", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->key_path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, a->cert_path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->chain_path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_text(st, 6, caption.size ? (const char *)caption.ptr : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, a->placement == TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT ? "last" : "first", -1,
	                  SQLITE_STATIC);
	sqlite3_bind_int(st, 8, a->no_stamp ? 1 : 0);
	sqlite3_bind_int(st, 9, a->stamp_update ? 1 : 0);
	if ((error = step_done(db, st, "recording an agency")) < 0)
		goto done;
	if ((error = prepare(db, "SELECT id FROM agencies WHERE name = ?", &st)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, a->name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else
		error = db_error(db, "reading an agency");
	sqlite3_finalize(st);
done:
	tamga_buf_dispose(&caption);
	return error;
}

static const char agency_columns[] =
	"SELECT id, name, key_path, cert_path, chain_path, caption, placement, no_stamp FROM agencies ";

static void agency_row(sqlite3_stmt *st, tamga_agency *a)
{
	const unsigned char *placement;

	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	col_text(a->name, sizeof(a->name), st, 1);
	col_text(a->key_path, sizeof(a->key_path), st, 2);
	col_text(a->cert_path, sizeof(a->cert_path), st, 3);
	col_text(a->chain_path, sizeof(a->chain_path), st, 4);
	caption_split(a, (const char *)sqlite3_column_text(st, 5));
	placement = sqlite3_column_text(st, 6);
	a->placement = placement && strcmp((const char *)placement, "last") == 0 ? TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT
	                                                                        : TAMGA_PLACE_FIRST_PAGE_BOTTOM_RIGHT;
	a->no_stamp = sqlite3_column_int(st, 7) != 0;
}

static int sq_agency_get(struct tamga__store *s, int64_t id, tamga_agency *out)
{
	sqlite3_stmt *st;
	char sql[256];
	int error, rc;

	snprintf(sql, sizeof(sql), "%sWHERE id = ?", agency_columns);
	if ((error = prepare(DB(s), sql, &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		agency_row(st, out);
	else if (rc == SQLITE_DONE)
		error = tamga__error_set(TAMGA_ENOTFOUND, "no agency with id %lld", (long long)id);
	else
		error = db_error(DB(s), "reading an agency");
	sqlite3_finalize(st);
	return error;
}

static int sq_agencies(struct tamga__store *s, int (*fn)(void *ctx, const tamga_agency *a), void *ctx)
{
	sqlite3_stmt *st;
	tamga_agency a;
	char sql[256];
	int error, rc;

	snprintf(sql, sizeof(sql), "%sORDER BY id", agency_columns);
	if ((error = prepare(DB(s), sql, &st)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		agency_row(st, &a);
		if ((error = fn(ctx, &a)) != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = db_error(DB(s), "reading agencies");
	sqlite3_finalize(st);
	return error;
}

/* ------------------------------------------------------------ tokens */

static int sq_token_insert(struct tamga__store *s, int64_t agency_id, const char *hash, tamga_time created)
{
	sqlite3_stmt *st;
	int error;

	if ((error = prepare(DB(s), "INSERT INTO tokens (agency_id, sha256, created) VALUES (?, ?, ?)", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, agency_id);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, created);
	if (sqlite3_step(st) != SQLITE_DONE)
		error = write_error(DB(s), "recording a token", "a token with this hash exists already");
	sqlite3_finalize(st);
	return error;
}

static const char token_columns[] =
	"SELECT t.sha256, t.agency_id, a.name, t.created, coalesce(t.revoked_at, 0) "
	"FROM tokens t JOIN agencies a ON a.id = t.agency_id ";

static void token_row(sqlite3_stmt *st, struct tamga__store_token *t)
{
	memset(t, 0, sizeof(*t));
	col_text(t->hash, sizeof(t->hash), st, 0);
	t->agency_id = sqlite3_column_int64(st, 1);
	col_text(t->agency, sizeof(t->agency), st, 2);
	t->created = sqlite3_column_int64(st, 3);
	t->revoked_at = sqlite3_column_int64(st, 4);
}

static int sq_token_get(struct tamga__store *s, const char *hash, struct tamga__store_token *out)
{
	sqlite3_stmt *st;
	char sql[256];
	int error, rc;

	snprintf(sql, sizeof(sql), "%sWHERE t.sha256 = ?", token_columns);
	if ((error = prepare(DB(s), sql, &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		token_row(st, out);
	else if (rc == SQLITE_DONE)
		error = tamga__error_set(TAMGA_ENOTFOUND, "unknown token");
	else
		error = db_error(DB(s), "reading tokens");
	sqlite3_finalize(st);
	return error;
}

static int sq_token_match(struct tamga__store *s, const char *prefix, struct tamga__store_token *out)
{
	sqlite3_stmt *st;
	char sql[256];
	int error, rc, n = 0;

	/* substr, not LIKE or GLOB: the prefix is data, never a pattern. */
	snprintf(sql, sizeof(sql), "%sWHERE substr(t.sha256, 1, length(?1)) = ?1 LIMIT 2", token_columns);
	if ((error = prepare(DB(s), sql, &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (n++ == 0)
			token_row(st, out);
	if (rc != SQLITE_DONE)
		error = db_error(DB(s), "reading tokens");
	else if (n == 0)
		error = tamga__error_set(TAMGA_ENOTFOUND, "no token has the id %s", prefix);
	else if (n > 1)
		error = tamga__error_set(TAMGA_EINVAL, "several tokens have ids starting with %s: give more digits",
		                         prefix);
	sqlite3_finalize(st);
	return error;
}

static int sq_token_revoke(struct tamga__store *s, const char *hash, tamga_time when)
{
	sqlite3_stmt *st;
	int error;

	if ((error = prepare(DB(s), "UPDATE tokens SET revoked_at = ? WHERE sha256 = ? AND revoked_at IS NULL",
	                     &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, when);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	if ((error = step_done(DB(s), st, "revoking a token")) < 0)
		return error;
	if (sqlite3_changes(DB(s)) != 1)
		return tamga__error_set(TAMGA_ESTATE, "the token is revoked already");
	return 0;
}

static int sq_tokens(struct tamga__store *s, int (*fn)(void *ctx, const struct tamga__store_token *t), void *ctx)
{
	struct tamga__store_token t;
	sqlite3_stmt *st;
	char sql[256];
	int error, rc;

	snprintf(sql, sizeof(sql), "%sORDER BY t.id", token_columns);
	if ((error = prepare(DB(s), sql, &st)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		token_row(st, &t);
		if ((error = fn(ctx, &t)) != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = db_error(DB(s), "reading tokens");
	sqlite3_finalize(st);
	return error;
}

/* ------------------------------------------------------------ documents */

static const char *const status_names[] = { "valid", "revoked", "superseded" };

static int sq_doc_insert(struct tamga__store *s, const tamga_document *d)
{
	sqlite3_stmt *st;
	int error;

	if ((error = prepare(DB(s), "INSERT INTO documents (code, agency_id, doc_type, title, subject_hash, "
	                            "issued_at, format, sha256, original_sha256, size, signer_subject, "
	                            "signer_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, d->code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, d->agency_id);
	sqlite3_bind_text(st, 3, d->doc_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->subject_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, d->issued_at);
	sqlite3_bind_text(st, 7, d->format, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, d->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, d->original_sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, (sqlite3_int64)d->size);
	sqlite3_bind_text(st, 11, d->signer_subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, d->signer_sha256, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		char msg[64];

		snprintf(msg, sizeof(msg), "document %s is registered already", d->code);
		error = write_error(DB(s), "registering a document", msg);
	}
	sqlite3_finalize(st);
	return error;
}

static const char doc_columns[] =
	"SELECT d.code, d.agency_id, a.name, d.doc_type, d.title, d.subject_hash, d.issued_at, d.format, "
	"d.sha256, d.original_sha256, d.size, d.signer_subject, d.signer_sha256, d.status, "
	"coalesce(d.status_time, 0), d.status_reason, coalesce(d.replaced_by, '') "
	"FROM documents d JOIN agencies a ON a.id = d.agency_id ";

static void doc_row(sqlite3_stmt *st, tamga_document *d)
{
	const unsigned char *status;
	size_t i;

	memset(d, 0, sizeof(*d));
	col_text(d->code, sizeof(d->code), st, 0);
	d->agency_id = sqlite3_column_int64(st, 1);
	col_text(d->agency, sizeof(d->agency), st, 2);
	col_text(d->doc_type, sizeof(d->doc_type), st, 3);
	col_text(d->title, sizeof(d->title), st, 4);
	col_text(d->subject_hash, sizeof(d->subject_hash), st, 5);
	d->issued_at = sqlite3_column_int64(st, 6);
	col_text(d->format, sizeof(d->format), st, 7);
	col_text(d->sha256, sizeof(d->sha256), st, 8);
	col_text(d->original_sha256, sizeof(d->original_sha256), st, 9);
	d->size = (uint64_t)sqlite3_column_int64(st, 10);
	col_text(d->signer_subject, sizeof(d->signer_subject), st, 11);
	col_text(d->signer_sha256, sizeof(d->signer_sha256), st, 12);
	status = sqlite3_column_text(st, 13);
	for (i = 0; i < 3; i++)
		if (status && strcmp((const char *)status, status_names[i]) == 0)
			d->status = (tamga_doc_status)i;
	d->status_time = sqlite3_column_int64(st, 14);
	col_text(d->status_reason, sizeof(d->status_reason), st, 15);
	col_text(d->replaced_by, sizeof(d->replaced_by), st, 16);
}

static int sq_doc_get(struct tamga__store *s, const char *code, tamga_document *out)
{
	sqlite3_stmt *st;
	char sql[512];
	int error, rc;

	snprintf(sql, sizeof(sql), "%sWHERE d.code = ?", doc_columns);
	if ((error = prepare(DB(s), sql, &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		doc_row(st, out);
	else if (rc == SQLITE_DONE)
		error = tamga__error_set(TAMGA_ENOTFOUND, "no document %s is registered", code);
	else
		error = db_error(DB(s), "reading a document");
	sqlite3_finalize(st);
	return error;
}

static int sq_doc_set_status(struct tamga__store *s, const char *code, tamga_doc_status status, tamga_time when,
                             const char *reason, const char *replaced_by)
{
	sqlite3_stmt *st;
	int error;

	if ((error = prepare(DB(s), "UPDATE documents SET status = ?, status_time = ?, status_reason = ?, "
	                            "replaced_by = ? WHERE code = ?", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, status_names[status], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, when);
	sqlite3_bind_text(st, 3, reason ? reason : "", -1, SQLITE_STATIC);
	if (replaced_by && *replaced_by)
		sqlite3_bind_text(st, 4, replaced_by, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_text(st, 5, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		error = write_error(DB(s), "changing a document's status", NULL);
	sqlite3_finalize(st);
	if (error == 0 && sqlite3_changes(DB(s)) != 1)
		error = tamga__error_set(TAMGA_ENOTFOUND, "no document %s is registered", code);
	return error;
}

static int sq_docs(struct tamga__store *s, size_t limit, int (*fn)(void *ctx, const tamga_document *d), void *ctx)
{
	tamga_document *d;
	sqlite3_stmt *st;
	char sql[512];
	int error, rc;

	/* The struct is ~5 KB: on the heap, not on a small thread's stack. */
	if ((d = malloc(sizeof(*d))) == NULL)
		return tamga__error_oom();
	snprintf(sql, sizeof(sql), "%sORDER BY d.issued_at DESC, d.rowid DESC LIMIT ?", doc_columns);
	if ((error = prepare(DB(s), sql, &st)) < 0) {
		free(d);
		return error;
	}
	sqlite3_bind_int64(st, 1, limit == 0 || limit > INT64_MAX ? -1 : (sqlite3_int64)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		doc_row(st, d);
		if ((error = fn(ctx, d)) != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = db_error(DB(s), "reading documents");
	sqlite3_finalize(st);
	free(d);
	return error;
}

/* ------------------------------------------------------------ audit */

static int sq_audit_last(struct tamga__store *s, uint64_t *seq, char hash[65])
{
	sqlite3_stmt *st;
	int error, rc;

	*seq = 0;
	memset(hash, '0', 64);
	hash[64] = '\0';
	if ((error = prepare(DB(s), "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &st)) < 0)
		return error;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = (uint64_t)sqlite3_column_int64(st, 0);
		col_text(hash, 65, st, 1);
	} else if (rc != SQLITE_DONE) {
		error = db_error(DB(s), "reading the audit log");
	}
	sqlite3_finalize(st);
	return error;
}

static int sq_audit_insert(struct tamga__store *s, const struct tamga__audit_entry *e)
{
	sqlite3_stmt *st;
	int error;

	if ((error = prepare(DB(s), "INSERT INTO audit (seq, time, event, code, agency, detail, prev_hash, hash) "
	                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)e->seq);
	sqlite3_bind_int64(st, 2, e->time);
	sqlite3_bind_text(st, 3, e->event, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, e->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, e->agency, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, e->detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, e->prev_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, e->hash, -1, SQLITE_STATIC);
	return step_done(DB(s), st, "appending to the audit log");
}

static int sq_audit_each(struct tamga__store *s, int (*fn)(void *ctx, const struct tamga__audit_entry *e),
                         void *ctx)
{
	struct tamga__audit_entry e;
	sqlite3_stmt *st;
	int error, rc;

	if ((error = prepare(DB(s), "SELECT seq, time, event, code, agency, detail, prev_hash, hash "
	                            "FROM audit ORDER BY seq", &st)) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		e.seq = (uint64_t)sqlite3_column_int64(st, 0);
		e.time = sqlite3_column_int64(st, 1);
		e.event = (const char *)sqlite3_column_text(st, 2);
		e.code = (const char *)sqlite3_column_text(st, 3);
		e.agency = (const char *)sqlite3_column_text(st, 4);
		e.detail = (const char *)sqlite3_column_text(st, 5);
		e.prev_hash = (const char *)sqlite3_column_text(st, 6);
		e.hash = (const char *)sqlite3_column_text(st, 7);
		if ((error = fn(ctx, &e)) != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = db_error(DB(s), "reading the audit log");
	sqlite3_finalize(st);
	return error;
}

const struct tamga__store_ops tamga__store_sqlite = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.secret = sq_secret,
	.agency_upsert = sq_agency_upsert,
	.agency_get = sq_agency_get,
	.agencies = sq_agencies,
	.token_insert = sq_token_insert,
	.token_get = sq_token_get,
	.token_match = sq_token_match,
	.token_revoke = sq_token_revoke,
	.tokens = sq_tokens,
	.doc_insert = sq_doc_insert,
	.doc_get = sq_doc_get,
	.doc_set_status = sq_doc_set_status,
	.docs = sq_docs,
	.audit_last = sq_audit_last,
	.audit_insert = sq_audit_insert,
	.audit_each = sq_audit_each,
};
