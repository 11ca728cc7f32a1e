/*
 * registry/internal.h - what the registry's files share (internal).
 *
 *     registry.c       the public API: rules, transactions
 *     store.h          the storage interface; store_sqlite.c its SQLite backend
 *     copies.c         signed copies under DIR/copies, content-addressed
 *     audit.c          the hash-chained audit log
 *     token.c          bearer tokens and subject hashes (the registry's secrets)
 */
#ifndef TAMGA_REGISTRY_INTERNAL_H
#define TAMGA_REGISTRY_INTERNAL_H

#include <tamga/registry.h>

#include "registry/store.h"

struct tamga_registry {
	struct tamga__store *store;
	char *dir;
	unsigned char secret[TAMGA__STORE_SECRET_LEN];
};

/* ------------------------------------------------------------ copies.c */

/** Store data as the copy named by sha256 (64 hex): DIR/copies/ab/cd...,
 *  0600, written to a temporary file, fsynced, renamed, directory fsynced. */
int tamga__copy_store(const char *dir, const char *sha256, const void *data, size_t len);
/** Append the copy to out after checking its length and SHA-256 (TAMGA_EFORMAT
 *  "stored copy is corrupt"); TAMGA_ENOTFOUND when the file is missing. */
int tamga__copy_load(const char *dir, const char *sha256, uint64_t size, tamga_buf *out);

/* ------------------------------------------------------------ audit.c */

/** Append an entry to the log, chained to the newest one.  Call inside a
 *  store transaction (the store's begin() holds the write lock). */
int tamga__audit_append(struct tamga__store *s, tamga_time when, const char *event, const char *code,
                        const char *agency, const char *detail);
/** Recompute the chain; TAMGA_EFORMAT naming the first bad entry. */
int tamga__audit_verify(struct tamga__store *s, uint64_t *entries, char head[65], uint64_t witness_seq,
                        const char *witness_hash);

/* ------------------------------------------------------------ token.c */

/** A new "tmg_" token into token_out and its SHA-256 hex into hash. */
int tamga__token_new(char token_out[TAMGA_TOKEN_BUFSIZE], char hash[65]);
/** SHA-256 hex of a token's text. */
int tamga__token_hash(const char *token, char hash[65]);
/** 1 when s is "tmg_" followed by 43 base64url characters. */
int tamga__token_well_formed(const char *s);

/** 1 when s is exactly 64 hex digits (either case). */
int tamga__is_sha256_hex(const char *s);

#endif
