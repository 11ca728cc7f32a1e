/*
 * server/http.h - tamgad's HTTP plumbing over libmicrohttpd.  The roles
 * see a whole request (body read, bounded by max_body) and fill a
 * response; this file does the rest: the listening socket, the thread
 * pool, limits, security headers, the access log, metrics, and a graceful
 * stop.  Nothing outside http.c includes <microhttpd.h>.
 */
#ifndef TAMGAD_HTTP_H
#define TAMGAD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

struct request {
	const char *method;             /* "GET" (also for HEAD), "POST", ... */
	const char *path;               /* without the query */
	const unsigned char *body;      /* never NULL; body_len may be 0 */
	size_t body_len;
	void *conn;                     /* http.c's */
};

/* A request header (case-insensitive name) or query argument; NULL if absent. */
const char *req_header(const struct request *req, const char *name);
const char *req_query(const struct request *req, const char *name);

#define RESP_HEADERS_MAX 8

struct response {
	int status;                     /* 0 until set: then 500 */
	const char *content_type;       /* static string */
	struct sbuf body;
	struct { const char *name; char value[640]; } headers[RESP_HEADERS_MAX];
	size_t nheaders;
	const char *path_class;         /* static label for metrics; "other" by default */
	char agency[512];               /* sign role: for the access log */
};

void resp_header(struct response *resp, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* {"error": "<message>", "code": "<code>"} with status. */
void resp_json_error(struct response *resp, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void resp_text(struct response *resp, int status, const char *content_type, const char *text);

typedef void (*http_handler)(void *ctx, const struct request *req, struct response *resp);

struct http_options {
	const char *listen;             /* HOST:PORT */
	const char *role;               /* for logs and metrics */
	unsigned threads;
	unsigned max_connections;
	unsigned timeout;
	size_t max_header;
	uint64_t max_body;
	http_handler handler;
	void *ctx;
};

struct http_server;

/*
 * Bind and start serving; prints "listening on http://HOST:PORT" on
 * stderr.  -1 after printing why (a busy port, a bad address).
 */
int http_start(struct http_server **out, const struct http_options *opts);
/* Stop accepting, wait up to grace seconds for requests in flight, stop. */
void http_stop(struct http_server *srv, unsigned grace);

#endif
