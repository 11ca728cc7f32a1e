/*
 * pki/cadb.h - the CA's SQLite database (internal).
 *
 * One file, D/ca.db, in WAL mode: every certificate the CA has signed, its
 * revocation state, and every CRL.  Writers take BEGIN IMMEDIATE so that
 * tamga pki and the OCSP/CRL services can share the file.
 */
#ifndef TAMGA_PKI_CADB_H
#define TAMGA_PKI_CADB_H

#include <sqlite3.h>

#include <tamga/ca.h>

#define TAMGA__CADB_VERSION 1

/** Open (create when create is set) and migrate. */
int tamga__cadb_open(sqlite3 **out, const char *path, int create);
void tamga__cadb_close(sqlite3 *db);

int tamga__cadb_begin(sqlite3 *db);
int tamga__cadb_commit(sqlite3 *db);
void tamga__cadb_rollback(sqlite3 *db);

int tamga__cadb_meta_set(sqlite3 *db, const char *key, const char *value);
/** *out malloc'd; TAMGA_ENOTFOUND when absent. */
int tamga__cadb_meta_get(sqlite3 *db, const char *key, char **out);

struct tamga__cadb_cert {
	const char *serial;
	const char *issuer;   /* "root" or "issuing": the CA that signed it */
	const char *role;
	const char *subject;
	const char *sha256;
	tamga_time not_before, not_after, issued_at;
	const unsigned char *der;
	size_t der_len;
	const char *status;   /* "good", "revoked", "hold" */
	tamga_time revoked_at, invalidity;
	int reason;
};

int tamga__cadb_insert_cert(sqlite3 *db, const struct tamga__cadb_cert *cert);

typedef int (*tamga__cadb_cert_cb)(const struct tamga__cadb_cert *cert, void *payload);

/** Certificates in issuing order; issuer/status filter when not NULL. */
int tamga__cadb_foreach_cert(sqlite3 *db, const char *issuer, const char *status,
                             tamga__cadb_cert_cb cb, void *payload);
/** The one certificate with this (normalised) serial; TAMGA_ENOTFOUND. */
int tamga__cadb_find_cert(sqlite3 *db, const char *serial, tamga__cadb_cert_cb cb, void *payload);

int tamga__cadb_set_status(sqlite3 *db, const char *serial, const char *status, tamga_time revoked_at,
                           int reason, tamga_time invalidity);

/** Last CRL number issued by this CA, 0 when none. */
int tamga__cadb_last_crl_number(sqlite3 *db, const char *issuer, int64_t *out);
int tamga__cadb_insert_crl(sqlite3 *db, const char *issuer, int64_t number, tamga_time this_update,
                           tamga_time next_update, const unsigned char *der, size_t len);
/** DER of the newest CRL of this CA appended to out; TAMGA_ENOTFOUND. */
int tamga__cadb_latest_crl(sqlite3 *db, const char *issuer, tamga_buf *out);

#endif
