/*
 * server/server.h - what every part of tamgad shares: the settings, the
 * registry handles, and the role's own state.  A role is a descriptor of
 * operations (start, handle, stop), as the format handlers are.
 */
#ifndef TAMGAD_SERVER_H
#define TAMGAD_SERVER_H

#include <pthread.h>

#include <tamga/tamga.h>

#include "config.h"
#include "http.h"

/*
 * Registry handles are not thread-safe (registry.h): a small pool, one
 * handle per request at a time, opened on demand and kept for reuse.
 */
struct regpool {
	pthread_mutex_t lock;
	const char *dir;
	tamga_registry *free[64];
	size_t nfree;
};

struct server;

struct role_ops {
	const char *name;
	/* Load what the role needs; -1 after printing why (a fatal start-up error). */
	int (*start)(struct server *srv);
	void (*handle)(struct server *srv, const struct request *req, struct response *resp);
	void (*stop)(struct server *srv);
};

struct server {
	struct config cfg;
	struct regpool pool;
	const struct role_ops *role;
	void *state;
};

/* A key passphrase: the first line of file (the setting --flag), else $env
 * when file is ""; with required, neither is an error.  -1 after printing
 * why (server/pass.c). */
int read_pass(const char *file, const char *flag, const char *env, int required, char *buf, size_t size,
              size_t *len);

extern const struct role_ops sign_role;
extern const struct role_ops verify_role;
extern const struct role_ops ocsp_role;
extern const struct role_ops tsa_role;

int regpool_init(struct regpool *pool, const char *dir);
/* A handle for this thread (NULL: see tamga_error_last()); give it back with put. */
tamga_registry *regpool_get(struct regpool *pool);
void regpool_put(struct regpool *pool, tamga_registry *reg);
void regpool_fini(struct regpool *pool);

/* Helpers for handlers (upload.c). */

/* The media type of the request's Content-Type is mt (parameters ignored). */
int req_is_type(const struct request *req, const char *mt);
/* The client asked for JSON (Accept names application/json). */
int req_wants_json(const struct request *req);
/* s is valid UTF-8 without control characters, at most max bytes. */
int text_ok(const char *s, size_t max);
/* The segment after prefix in path up to the next '/' (or the end), copied
 * into out; the rest of the path in *rest.  -1 when path does not start
 * with prefix or the segment does not fit. */
int path_segment(const char *path, const char *prefix, char *out, size_t size, const char **rest);
/* Copy src into dst[size], truncating (at a byte) when it does not fit. */
void str_copy(char *dst, size_t size, const char *src);
/* A JSON string value or null. */
void json_str_or_null(struct sbuf *sb, const char *s);

#endif
