/*
 * server/http.c - libmicrohttpd plumbing (http.h).
 *
 * One request, as libmicrohttpd calls us:
 *   1st call   headers read: make the per-request context; a Content-Length
 *              above max_body is answered 413 at once (the body is never read)
 *   Nth call   a chunk of body: appended while under max_body, else dropped
 *              and the request marked too big (chunked uploads have no length)
 *   last call  the role's handler runs on the whole body; the response is
 *              queued with the security headers
 *   completed  access-log line, metrics, context freed
 *
 * Threads: MHD's internal polling thread pool; handlers run on those
 * threads, so a slow signature holds one thread, not the server.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <tamga/tamga.h>

#include "http.h"
#include "metrics.h"

#define CSP "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'"

struct http_server {
	struct MHD_Daemon *daemon;
	int fd;
	struct http_options opts;
	pthread_mutex_t lock;
	long in_flight;
};

struct ctx {
	struct timespec start;
	struct sbuf body;
	int too_big;
	int answered;
	int status;
	size_t bytes;
	const char *path_class;
	char method[16];
	char logpath[256];
	char agency[512];
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

const char *req_header(const struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *req_query(const struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

void resp_header(struct response *resp, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (resp->nheaders >= RESP_HEADERS_MAX)
		return;
	resp->headers[resp->nheaders].name = name;
	va_start(ap, fmt);
	vsnprintf(resp->headers[resp->nheaders].value, sizeof(resp->headers[0].value), fmt, ap);
	va_end(ap);
	/* a value never carries a line break into the response */
	for (char *p = resp->headers[resp->nheaders].value; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	resp->nheaders++;
}

void resp_json_error(struct response *resp, int status, const char *code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sb_free(&resp->body);
	resp->status = status;
	resp->content_type = "application/json";
	sb_puts(&resp->body, "{\"error\": \"");
	sb_json(&resp->body, msg);
	sb_puts(&resp->body, "\", \"code\": \"");
	sb_json(&resp->body, code);
	sb_puts(&resp->body, "\"}\n");
}

void resp_text(struct response *resp, int status, const char *content_type, const char *text)
{
	sb_free(&resp->body);
	resp->status = status;
	resp->content_type = content_type;
	sb_puts(&resp->body, text);
}

/* Queue resp on c; takes the body. */
static enum MHD_Result send_response(struct MHD_Connection *c, struct ctx *cx, struct response *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len = 0, i;
	char *body;

	if (resp->body.failed || resp->status == 0) {
		sb_free(&resp->body);
		resp_json_error(resp, 500, "internal", resp->body.failed ? "out of memory" : "no response");
	}
	body = sb_take(&resp->body, &len);
	if (body == NULL)
		return MHD_NO;
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type ? resp->content_type : "text/plain");
	MHD_add_response_header(r, "Content-Security-Policy", CSP);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	/* no-store unless the role says otherwise (OCSP GET answers, RFC 5019 §6.2) */
	for (i = 0; i < resp->nheaders && strcasecmp(resp->headers[i].name, "Cache-Control") != 0; i++)
		;
	if (i == resp->nheaders)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	for (i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
	cx->answered = 1;
	cx->status = resp->status;
	cx->bytes = len;
	cx->path_class = resp->path_class ? resp->path_class : "other";
	snprintf(cx->agency, sizeof(cx->agency), "%s", resp->agency);
	ret = MHD_queue_response(c, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void too_big(struct response *resp, uint64_t max)
{
	resp_json_error(resp, 413, "too_large", "the request body is larger than %llu bytes",
	                (unsigned long long)max);
	resp->path_class = "too_large";
}

/* path for the log: printable ASCII kept, the rest %XX, at most 200 bytes */
static void log_path(char *out, size_t size, const char *path)
{
	size_t n = 0;

	for (; path && *path && n + 4 < size && n < 200; path++) {
		unsigned char ch = (unsigned char)*path;

		if (ch > 0x20 && ch < 0x7f && ch != '"' && ch != '\\')
			out[n++] = (char)ch;
		else
			n += (size_t)snprintf(out + n, size - n, "%%%02X", ch);
	}
	out[n] = '\0';
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	struct http_server *srv = cls;
	struct ctx *cx = *con_cls;
	struct response resp;
	struct request req;

	(void)version;
	if (cx == NULL) {
		const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

		if ((cx = calloc(1, sizeof(*cx))) == NULL)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &cx->start);
		snprintf(cx->method, sizeof(cx->method), "%s", method);
		log_path(cx->logpath, sizeof(cx->logpath), url);
		*con_cls = cx;
		pthread_mutex_lock(&srv->lock);
		srv->in_flight++;
		pthread_mutex_unlock(&srv->lock);
		metrics_inflight(1);
		if (cl != NULL && strtoull(cl, NULL, 10) > srv->opts.max_body) {
			memset(&resp, 0, sizeof(resp));
			too_big(&resp, srv->opts.max_body);
			cx->too_big = 1;
			return send_response(c, cx, &resp);
		}
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (!cx->answered && !cx->too_big) {
			if (cx->body.len + *upload_data_size > srv->opts.max_body) {
				cx->too_big = 1;
				sb_free(&cx->body);
			} else {
				sb_add(&cx->body, upload_data, *upload_data_size);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (cx->answered)
		return MHD_YES;
	memset(&resp, 0, sizeof(resp));
	if (cx->too_big)
		too_big(&resp, srv->opts.max_body);
	else if (cx->body.failed)
		resp_json_error(&resp, 500, "internal", "out of memory");
	else {
		req.method = strcmp(method, "HEAD") == 0 ? "GET" : method;
		req.path = url;
		req.body = cx->body.ptr ? (const unsigned char *)cx->body.ptr : (const unsigned char *)"";
		req.body_len = cx->body.len;
		req.conn = c;
		srv->opts.handler(srv->opts.ctx, &req, &resp);
	}
	sb_free(&cx->body);
	return send_response(c, cx, &resp);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct ctx *cx = *con_cls;
	char when[TAMGA_TIME_BUFSIZE], agency[1100];
	struct timespec now;
	size_t n = 0;
	long ms;

	(void)c;
	if (cx == NULL)
		return;
	*con_cls = NULL;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long)(now.tv_sec - cx->start.tv_sec) * 1000 + (now.tv_nsec - cx->start.tv_nsec) / 1000000;
	if (!cx->answered) {
		cx->status = 0;
		cx->path_class = "aborted";
	}
	metrics_request(cx->path_class ? cx->path_class : "other", cx->status);
	metrics_inflight(-1);
	for (const char *a = cx->agency; *a && n + 3 < sizeof(agency); a++) {
		if (*a == '"' || *a == '\\')
			agency[n++] = '\\';
		agency[n++] = (unsigned char)*a < 0x20 ? '?' : *a;
	}
	agency[n] = '\0';
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%s tamgad role=%s method=%s path=%s status=%d bytes=%zu ms=%ld%s%s%s%s\n",
	        tamga_time_format(when, tamga_time_now()), srv->opts.role, cx->method, cx->logpath, cx->status,
	        cx->bytes, ms, agency[0] ? " agency=\"" : "", agency, agency[0] ? "\"" : "",
	        toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " aborted=1");
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
	sb_free(&cx->body);
	free(cx);
	pthread_mutex_lock(&srv->lock);
	srv->in_flight--;
	pthread_mutex_unlock(&srv->lock);
}

/* Split "HOST:PORT" / "[V6]:PORT". */
static int split_listen(const char *addr, char *host, size_t hsize, char *port, size_t psize)
{
	const char *colon;

	if (addr[0] == '[') {
		const char *close = strchr(addr, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		snprintf(host, hsize, "%.*s", (int)(close - addr - 1), addr + 1);
		colon = close + 1;
	} else {
		if ((colon = strrchr(addr, ':')) == NULL)
			return -1;
		snprintf(host, hsize, "%.*s", (int)(colon - addr), addr);
	}
	snprintf(port, psize, "%s", colon + 1);
	if (!port[0] || strspn(port, "0123456789") != strlen(port) || atoi(port) > 65535)
		return -1;
	return 0;
}

static int bind_listen(const char *addr, int *family_out)
{
	char host[256], port[16];
	struct addrinfo hints, *res = NULL, *ai;
	int fd = -1, err, one = 1, saved = 0;

	if (split_listen(addr, host, sizeof(host), port, sizeof(port)) < 0) {
		fprintf(stderr, "tamgad: bad listen address '%s' (want HOST:PORT)\n", addr);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((err = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) != 0) {
		fprintf(stderr, "tamgad: cannot listen on %s: %s\n", addr, gai_strerror(err));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0) {
			*family_out = ai->ai_family;
			break;
		}
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr, "tamgad: cannot listen on %s: %s\n", addr, strerror(saved));
	return fd;
}

static void print_address(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	int v6 = 0;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
			port = ntohs(sin->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

			inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
			port = ntohs(sin6->sin6_port);
			v6 = 1;
		}
	}
	fprintf(stderr, "listening on http://%s%s%s:%u\n", v6 ? "[" : "", host, v6 ? "]" : "", port);
	fflush(stderr);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	pthread_mutex_lock(&log_lock);
	fputs("tamgad: http: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (fmt[0] && fmt[strlen(fmt) - 1] != '\n')
		fputc('\n', stderr);
	pthread_mutex_unlock(&log_lock);
}

int http_start(struct http_server **out, const struct http_options *opts)
{
	struct http_server *srv;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_USE_AUTO;
	int family = AF_INET;

	*out = NULL;
	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return -1;
	srv->opts = *opts;
	pthread_mutex_init(&srv->lock, NULL);
	if ((srv->fd = bind_listen(opts->listen, &family)) < 0) {
		pthread_mutex_destroy(&srv->lock);
		free(srv);
		return -1;
	}
	if (family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
	                               MHD_OPTION_LISTEN_SOCKET, (MHD_socket)srv->fd,
	                               MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)opts->threads,
	                               MHD_OPTION_CONNECTION_LIMIT, (unsigned int)opts->max_connections,
	                               MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)opts->timeout,
	                               MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)opts->max_header,
	                               MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	                               MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	                               MHD_OPTION_END);
	if (srv->daemon == NULL) {
		fprintf(stderr, "tamgad: cannot start the HTTP server on %s\n", opts->listen);
		close(srv->fd);
		pthread_mutex_destroy(&srv->lock);
		free(srv);
		return -1;
	}
	print_address(srv->fd);
	*out = srv;
	return 0;
}

void http_stop(struct http_server *srv, unsigned grace)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	long waited = 0, left;
	MHD_socket fd;

	if (srv == NULL)
		return;
	fd = MHD_quiesce_daemon(srv->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	for (;;) {
		pthread_mutex_lock(&srv->lock);
		left = srv->in_flight;
		pthread_mutex_unlock(&srv->lock);
		if (left <= 0 || waited >= (long)grace * 50)
			break;
		nanosleep(&tick, NULL);
		waited++;
	}
	if (left > 0)
		fprintf(stderr, "tamgad: %ld request(s) still in flight after %us; stopping anyway\n", left, grace);
	MHD_stop_daemon(srv->daemon);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}
