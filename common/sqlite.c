/*
 * common/sqlite.c - helpers shared by tamga's SQLite databases.
 */
#include "common/error.h"
#include "common/sqlite.h"

int tamga__sql_error(sqlite3 *db, const char *label, const char *what)
{
	return tamga__error_set(TAMGA_EDB, "%s: %s: %s", label, what, sqlite3_errmsg(db));
}

int tamga__sql_exec(sqlite3 *db, const char *label, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int error = tamga__error_set(TAMGA_EDB, "%s: %s", label, msg ? msg : sqlite3_errmsg(db));

		sqlite3_free(msg);
		return error;
	}
	return 0;
}

int tamga__sql_prepare(sqlite3 *db, const char *label, const char *sql, sqlite3_stmt **st)
{
	*st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		sqlite3_finalize(*st);
		*st = NULL;
		return tamga__sql_error(db, label, "preparing a statement");
	}
	return 0;
}

int tamga__sql_user_version(sqlite3 *db, const char *label, int *out)
{
	sqlite3_stmt *st = NULL;
	int error = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		error = tamga__sql_error(db, label, "reading the schema version");
	else
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return error;
}
