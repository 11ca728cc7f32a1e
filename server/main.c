/*
 * server/main.c - tamgad: one process per role (DESIGN.md §4 HTTP).
 *
 *     tamgad --role sign   --data DIR --verify-url URL [--pass-file F]
 *     tamgad --role verify --data DIR --trust ROOT.pem [--crl F] [--offline]
 *     tamgad --role ocsp   --ca-dir DIR [--ca-pass-file F]
 *     tamgad --role tsa    (not available yet)
 *
 * Start-up is all or nothing: a bad setting, a busy port, an unreadable
 * registry or a key that does not load ends the process with status 1 and
 * one line saying why, before any request is served.  SIGTERM or SIGINT:
 * stop accepting, let the requests in flight finish, exit 0.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "server.h"

static struct server server;

/* The roles; uses_registry: the role serves the document registry in --data. */
static const struct {
	enum role role;
	const struct role_ops *ops;
	int uses_registry;
} roles[] = {
	{ ROLE_SIGN, &sign_role, 1 },
	{ ROLE_VERIFY, &verify_role, 1 },
	{ ROLE_OCSP, &ocsp_role, 0 },
	{ ROLE_TSA, &tsa_role, 0 },
};

/* Routes every role has, then the role's own. */
static void dispatch(void *ctx, const struct request *req, struct response *resp)
{
	struct server *srv = ctx;

	resp->path_class = "other";
	if (strcmp(req->path, "/healthz") == 0) {
		resp->path_class = "healthz";
		if (strcmp(req->method, "GET") != 0) {
			resp_json_error(resp, 405, "method_not_allowed", "use GET");
			resp_header(resp, "Allow", "GET, HEAD");
			return;
		}
		resp_text(resp, 200, "text/plain; charset=utf-8", "ok\n");
		return;
	}
	if (strcmp(req->path, "/metrics") == 0) {
		resp->path_class = "metrics";
		if (strcmp(req->method, "GET") != 0) {
			resp_json_error(resp, 405, "method_not_allowed", "use GET");
			resp_header(resp, "Allow", "GET, HEAD");
			return;
		}
		resp->status = 200;
		resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
		metrics_render(&resp->body);
		return;
	}
	srv->role->handle(srv, req, resp);
}

int main(int argc, char **argv)
{
	struct http_options hopts;
	struct http_server *http = NULL;
	tamga_registry *reg;
	sigset_t set;
	int sig = 0, uses_registry = 0;
	size_t i;

	switch (config_from_args(&server.cfg, argc, argv)) {
	case CONFIG_OK: break;
	case CONFIG_EXIT_OK: return 0;
	default: return 1;
	}
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (roles[i].role == server.cfg.role) {
			server.role = roles[i].ops;
			uses_registry = roles[i].uses_registry;
		}
	if (server.role == NULL) {
		fprintf(stderr, "tamgad: role %s is not built in\n", role_name(server.cfg.role));
		return 1;
	}

	/* Signals: every thread (MHD's are made below) inherits the mask; main
	 * waits for them with sigwait, so no handler runs inside a request. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (uses_registry) {
		if (regpool_init(&server.pool, server.cfg.data) < 0)
			return 1;
		if ((reg = regpool_get(&server.pool)) == NULL) {
			fprintf(stderr, "tamgad: cannot open the registry in %s: %s\n", server.cfg.data,
			        tamga_error_last()->message);
			regpool_fini(&server.pool);
			return 1;
		}
		regpool_put(&server.pool, reg);
	}
	metrics_init(server.role->name);
	if (server.role->start(&server) < 0) {
		regpool_fini(&server.pool);
		return 1;
	}

	memset(&hopts, 0, sizeof(hopts));
	hopts.listen = server.cfg.listen;
	hopts.role = server.role->name;
	hopts.threads = server.cfg.threads;
	hopts.max_connections = server.cfg.max_connections;
	hopts.timeout = server.cfg.timeout;
	hopts.max_header = server.cfg.max_header;
	hopts.max_body = server.cfg.max_body;
	hopts.handler = dispatch;
	hopts.ctx = &server;
	if (http_start(&http, &hopts) < 0) {
		server.role->stop(&server);
		regpool_fini(&server.pool);
		return 1;
	}
	fprintf(stderr, "tamgad %s: role %s, %s %s, %u threads\n", tamga_version(), server.role->name,
	        uses_registry ? "data" : "CA", uses_registry ? server.cfg.data : server.cfg.ca_dir, server.cfg.threads);
	fflush(stderr);

	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "tamgad: %s: no new connections; finishing the requests in flight\n",
	        sig == SIGTERM ? "SIGTERM" : "SIGINT");
	http_stop(http, server.cfg.shutdown_grace);
	server.role->stop(&server);
	regpool_fini(&server.pool);
	fprintf(stderr, "tamgad: stopped\n");
	return 0;
}
