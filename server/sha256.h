/*
 * server/sha256.h - SHA-256 (FIPS 180-4) for tamgad's own needs: the digest
 * of a document as received, and comparing an upload with the registered
 * copy.  tamgad links only libtamga and libmicrohttpd (DESIGN.md §3), and
 * libtamga's public API has no digest function, so it keeps this one.
 */
#ifndef TAMGAD_SHA256_H
#define TAMGAD_SHA256_H

#include <stddef.h>

/* The SHA-256 of data[0 .. len) as 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
