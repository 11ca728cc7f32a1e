/*
 * pki/cadb.c - the CA's SQLite database: schema, migrations, queries.
 */
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/sqlite.h"
#include "pki/cadb.h"

#define DB_LABEL "CA database"
#define db_error(db, what) tamga__sql_error((db), DB_LABEL, (what))
#define exec(db, sql) tamga__sql_exec((db), DB_LABEL, (sql))
#define prepare(db, sql, st) tamga__sql_prepare((db), DB_LABEL, (sql), (st))
#define user_version(db, out) tamga__sql_user_version((db), DB_LABEL, (out))

static const char *const schema_v1 =
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL) STRICT;"
	"CREATE TABLE certs ("
	"  serial TEXT PRIMARY KEY,"
	"  issuer TEXT NOT NULL CHECK (issuer IN ('root', 'issuing')),"
	"  role TEXT NOT NULL CHECK (role IN ('root', 'issuing', 'ocsp', 'tsa', 'signer')),"
	"  subject TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL UNIQUE,"
	"  not_before INTEGER NOT NULL,"
	"  not_after INTEGER NOT NULL,"
	"  issued_at INTEGER NOT NULL,"
	"  der BLOB NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'good' CHECK (status IN ('good', 'revoked', 'hold')),"
	"  revoked_at INTEGER,"
	"  reason INTEGER,"
	"  invalidity INTEGER) STRICT;"
	"CREATE INDEX certs_issuer_status ON certs (issuer, status);"
	"CREATE TABLE crls ("
	"  issuer TEXT NOT NULL,"
	"  number INTEGER NOT NULL,"
	"  this_update INTEGER NOT NULL,"
	"  next_update INTEGER NOT NULL,"
	"  der BLOB NOT NULL,"
	"  PRIMARY KEY (issuer, number)) STRICT;";

int tamga__cadb_open(sqlite3 **out, const char *path, int create)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	int error = 0, version = 0;

	*out = NULL;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		error = tamga__error_set(create ? TAMGA_EDB : TAMGA_ENOTFOUND, "%s: cannot open the CA database: %s",
		                         path, db ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	sqlite3_busy_timeout(db, 10000);
	if ((error = exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;")) < 0 ||
	    (error = user_version(db, &version)) < 0)
		goto done;
	if (version > TAMGA__CADB_VERSION) {
		error = tamga__error_set(TAMGA_EUNSUPPORTED, "%s: schema version %d is newer than this tamga (%d)",
		                         path, version, TAMGA__CADB_VERSION);
		goto done;
	}
	if (version == 0 && !create) {
		error = tamga__error_set(TAMGA_ENOTFOUND, "%s: not a tamga CA database", path);
		goto done;
	}
	/* Migrations, one step per schema version, each in its own transaction. */
	if (version < 1) {
		if ((error = exec(db, "BEGIN IMMEDIATE")) < 0)
			goto done;
		if ((error = exec(db, schema_v1)) < 0 || (error = exec(db, "PRAGMA user_version = 1")) < 0 ||
		    (error = exec(db, "COMMIT")) < 0) {
			exec(db, "ROLLBACK");
			goto done;
		}
	}
	*out = db;
	db = NULL;
done:
	sqlite3_close(db);
	return error;
}

void tamga__cadb_close(sqlite3 *db)
{
	sqlite3_close(db);
}

int tamga__cadb_begin(sqlite3 *db) { return exec(db, "BEGIN IMMEDIATE"); }
int tamga__cadb_commit(sqlite3 *db) { return exec(db, "COMMIT"); }

void tamga__cadb_rollback(sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

static int step_done(sqlite3 *db, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(db, what);
	return 0;
}

int tamga__cadb_meta_set(sqlite3 *db, const char *key, const char *value)
{
	sqlite3_stmt *st;
	int error;

	if ((error = prepare(db, "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return step_done(db, st, "writing settings");
}

int tamga__cadb_meta_get(sqlite3 *db, const char *key, char **out)
{
	sqlite3_stmt *st;
	int error, rc;

	*out = NULL;
	if ((error = prepare(db, "SELECT value FROM meta WHERE key = ?", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = tamga__strdup((const char *)sqlite3_column_text(st, 0));
	else if (rc == SQLITE_DONE)
		error = tamga__error_set(TAMGA_ENOTFOUND, "CA database: setting '%s' is missing", key);
	else
		error = db_error(db, "reading settings");
	if (rc == SQLITE_ROW && *out == NULL)
		error = TAMGA_ENOMEM;
	sqlite3_finalize(st);
	return error;
}

int tamga__cadb_insert_cert(sqlite3 *db, const struct tamga__cadb_cert *c)
{
	sqlite3_stmt *st;
	int error;

	if ((error = prepare(db, "INSERT INTO certs (serial, issuer, role, subject, sha256, not_before, "
	                         "not_after, issued_at, der) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, c->serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->issuer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, c->not_before);
	sqlite3_bind_int64(st, 7, c->not_after);
	sqlite3_bind_int64(st, 8, c->issued_at);
	sqlite3_bind_blob(st, 9, c->der, (int)c->der_len, SQLITE_STATIC);
	return step_done(db, st, "recording a certificate");
}

static const char cert_columns[] =
	"SELECT serial, issuer, role, subject, sha256, not_before, not_after, issued_at, der, status, "
	"coalesce(revoked_at, 0), coalesce(reason, 0), coalesce(invalidity, 0) FROM certs ";

static int each_row(sqlite3 *db, sqlite3_stmt *st, tamga__cadb_cert_cb cb, void *payload, int *rows)
{
	int rc, error = 0;

	*rows = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct tamga__cadb_cert c;

		memset(&c, 0, sizeof(c));
		c.serial = (const char *)sqlite3_column_text(st, 0);
		c.issuer = (const char *)sqlite3_column_text(st, 1);
		c.role = (const char *)sqlite3_column_text(st, 2);
		c.subject = (const char *)sqlite3_column_text(st, 3);
		c.sha256 = (const char *)sqlite3_column_text(st, 4);
		c.not_before = sqlite3_column_int64(st, 5);
		c.not_after = sqlite3_column_int64(st, 6);
		c.issued_at = sqlite3_column_int64(st, 7);
		c.der = sqlite3_column_blob(st, 8);
		c.der_len = (size_t)sqlite3_column_bytes(st, 8);
		c.status = (const char *)sqlite3_column_text(st, 9);
		c.revoked_at = sqlite3_column_int64(st, 10);
		c.reason = sqlite3_column_int(st, 11);
		c.invalidity = sqlite3_column_int64(st, 12);
		(*rows)++;
		if ((error = cb(&c, payload)) != 0)
			break;
	}
	if (error == 0 && rc != SQLITE_DONE)
		error = db_error(db, "reading certificates");
	sqlite3_finalize(st);
	return error;
}

int tamga__cadb_foreach_cert(sqlite3 *db, const char *issuer, const char *status,
                             tamga__cadb_cert_cb cb, void *payload)
{
	sqlite3_stmt *st;
	tamga_buf sql = TAMGA_BUF_INIT;
	int error, rows;

	if ((error = tamga__buf_printf(&sql, "%sWHERE (?1 IS NULL OR issuer = ?1) AND (?2 IS NULL OR status = ?2) "
	                                      "ORDER BY rowid", cert_columns)) < 0)
		return error;
	error = prepare(db, (const char *)sql.ptr, &st);
	tamga_buf_dispose(&sql);
	if (error < 0)
		return error;
	sqlite3_bind_text(st, 1, issuer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	return each_row(db, st, cb, payload, &rows);
}

int tamga__cadb_find_cert(sqlite3 *db, const char *serial, tamga__cadb_cert_cb cb, void *payload)
{
	sqlite3_stmt *st;
	tamga_buf sql = TAMGA_BUF_INIT;
	int error, rows;

	if ((error = tamga__buf_printf(&sql, "%sWHERE serial = ?", cert_columns)) < 0)
		return error;
	error = prepare(db, (const char *)sql.ptr, &st);
	tamga_buf_dispose(&sql);
	if (error < 0)
		return error;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_STATIC);
	if ((error = each_row(db, st, cb, payload, &rows)) != 0)
		return error;
	if (rows == 0)
		return tamga__error_set(TAMGA_ENOTFOUND, "no certificate with serial %s was issued by this CA", serial);
	return 0;
}

int tamga__cadb_set_status(sqlite3 *db, const char *serial, const char *status, tamga_time revoked_at,
                           int reason, tamga_time invalidity)
{
	sqlite3_stmt *st;
	int error, good = strcmp(status, "good") == 0;

	if ((error = prepare(db, "UPDATE certs SET status = ?, revoked_at = ?, reason = ?, invalidity = ? "
	                         "WHERE serial = ?", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	if (good) {
		sqlite3_bind_null(st, 2);
		sqlite3_bind_null(st, 3);
	} else {
		sqlite3_bind_int64(st, 2, revoked_at);
		sqlite3_bind_int(st, 3, reason);
	}
	if (good || invalidity == 0)
		sqlite3_bind_null(st, 4);
	else
		sqlite3_bind_int64(st, 4, invalidity);
	sqlite3_bind_text(st, 5, serial, -1, SQLITE_STATIC);
	if ((error = step_done(db, st, "updating a certificate's status")) < 0)
		return error;
	if (sqlite3_changes(db) != 1)
		return tamga__error_set(TAMGA_ENOTFOUND, "no certificate with serial %s", serial);
	return 0;
}

int tamga__cadb_last_crl_number(sqlite3 *db, const char *issuer, int64_t *out)
{
	sqlite3_stmt *st;
	int error;

	if ((error = prepare(db, "SELECT coalesce(max(number), 0) FROM crls WHERE issuer = ?", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, issuer, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		error = db_error(db, "reading CRL numbers");
	sqlite3_finalize(st);
	return error;
}

int tamga__cadb_insert_crl(sqlite3 *db, const char *issuer, int64_t number, tamga_time this_update,
                           tamga_time next_update, const unsigned char *der, size_t len)
{
	sqlite3_stmt *st;
	int error;

	if ((error = prepare(db, "INSERT INTO crls (issuer, number, this_update, next_update, der) "
	                         "VALUES (?, ?, ?, ?, ?)", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, issuer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, number);
	sqlite3_bind_int64(st, 3, this_update);
	sqlite3_bind_int64(st, 4, next_update);
	sqlite3_bind_blob(st, 5, der, (int)len, SQLITE_STATIC);
	return step_done(db, st, "recording a CRL");
}

int tamga__cadb_latest_crl(sqlite3 *db, const char *issuer, tamga_buf *out)
{
	sqlite3_stmt *st;
	int error, rc;

	if ((error = prepare(db, "SELECT der FROM crls WHERE issuer = ? ORDER BY number DESC LIMIT 1", &st)) < 0)
		return error;
	sqlite3_bind_text(st, 1, issuer, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		error = tamga__buf_append(out, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
	else if (rc == SQLITE_DONE)
		error = tamga__error_set(TAMGA_ENOTFOUND, "the %s CA has not published a CRL yet", issuer);
	else
		error = db_error(db, "reading CRLs");
	sqlite3_finalize(st);
	return error;
}
