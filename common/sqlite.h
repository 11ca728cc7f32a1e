/*
 * common/sqlite.h - what tamga's SQLite databases (the CA database,
 * pki/cadb.c, and the document registry, registry/store_sqlite.c) share:
 * errors that name the database, statements, the schema version.
 * (internal)  label names the database in messages: "CA database".
 */
#ifndef TAMGA_COMMON_SQLITE_H
#define TAMGA_COMMON_SQLITE_H

#include <sqlite3.h>

/* TAMGA_EDB "LABEL: WHAT: sqlite's message". */
int tamga__sql_error(sqlite3 *db, const char *label, const char *what);
/* Run sql (one or more statements, no results). */
int tamga__sql_exec(sqlite3 *db, const char *label, const char *sql);
/* Prepare one statement; *st NULL on error. */
int tamga__sql_prepare(sqlite3 *db, const char *label, const char *sql, sqlite3_stmt **st);
/* PRAGMA user_version. */
int tamga__sql_user_version(sqlite3 *db, const char *label, int *out);

#endif
