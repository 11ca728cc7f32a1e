/*
 * server/tsa_role.c - role tsa: an RFC 3161 time-stamp authority over HTTP
 * (DESIGN.md §4), the library's tamga_tsa (include/tamga/tsa.h) behind
 *
 *     POST /tsa   (also POST /)   application/timestamp-query
 *                                 -> application/timestamp-reply
 *
 * Key, certificate and chain: tsa_key / tsa_cert / tsa_chain, or with
 * ca_dir the TSA that `tamga pki init` made there (DIR/private/tsa.key,
 * DIR/tsa.crt, DIR/issuing.crt + DIR/root.crt).  The key's passphrase:
 * ca_pass_file, else $TAMGA_CA_PASS (the CA's keys share it), when the key
 * is the CA directory's; else pass_file, else $TAMGA_PASS.  Serials come
 * from DATA/tsa.serial (data, else the CA directory): monotonic and unique
 * across restarts and across several tsa processes on one host.
 *
 * One tamga_tsa per request thread would be needed for parallel signing;
 * a mutex around one handle is simpler and the signature is the cost
 * either way.
 */
#include <pthread.h>
#include <strings.h>
#include <sys/stat.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/tsa.h>

#include "server.h"

#define PASS_MAX 1024

struct tsa_state {
	tamga_tsa *tsa;
	pthread_mutex_t lock;
};

static void join(char *out, size_t size, const char *dir, const char *name)
{
	snprintf(out, size, "%s/%s", dir, name);
}

static int tsa_start(struct server *srv)
{
	tamga_tsa_options o = TAMGA_TSA_OPTIONS_INIT;
	const struct config *c = &srv->cfg;
	char key[CONFIG_PATH_MAX + 32], cert[CONFIG_PATH_MAX + 32], chain[CONFIG_PATH_MAX + 32];
	char serial[CONFIG_PATH_MAX + 32], pass[PASS_MAX];
	size_t pass_len = 0;
	struct tsa_state *st;
	int rc, from_ca = c->tsa_key[0] == '\0';

	if (from_ca && c->ca_dir[0] == '\0') {
		fprintf(stderr, "tamgad: the tsa role needs --tsa-key and --tsa-cert, or --ca-dir DIR of a tamga CA\n");
		return -1;
	}
	if (!from_ca && c->tsa_cert[0] == '\0') {
		fprintf(stderr, "tamgad: --tsa-key goes with --tsa-cert\n");
		return -1;
	}
	if (from_ca) {
		join(key, sizeof(key), c->ca_dir, "private/tsa.key");
		join(cert, sizeof(cert), c->ca_dir, "tsa.crt");
		join(chain, sizeof(chain), c->ca_dir, "issuing.crt");
	} else {
		snprintf(key, sizeof(key), "%s", c->tsa_key);
		snprintf(cert, sizeof(cert), "%s", c->tsa_cert);
		snprintf(chain, sizeof(chain), "%s", c->tsa_chain);
	}
	if (c->data[0] == '\0' && c->ca_dir[0] == '\0') {
		fprintf(stderr, "tamgad: the tsa role keeps its serial counter in --data DIR (or --ca-dir DIR)\n");
		return -1;
	}
	if (c->data[0] && mkdir(c->data, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "tamgad: cannot make %s: %s\n", c->data, strerror(errno));
		return -1;
	}
	join(serial, sizeof(serial), c->data[0] ? c->data : c->ca_dir, "tsa.serial");
	rc = from_ca ? read_pass(c->ca_pass_file, "ca-pass-file", "TAMGA_CA_PASS", 0, pass, sizeof(pass), &pass_len)
	             : read_pass(c->pass_file, "pass-file", "TAMGA_PASS", 0, pass, sizeof(pass), &pass_len);
	if (rc < 0)
		return -1;
	if ((st = calloc(1, sizeof(*st))) == NULL || pthread_mutex_init(&st->lock, NULL) != 0) {
		free(st);
		fprintf(stderr, "tamgad: out of memory\n");
		return -1;
	}
	o.key_path = key;
	o.passphrase = pass_len ? pass : NULL;
	o.passphrase_len = pass_len;
	o.cert_path = cert;
	o.chain_path = chain[0] ? chain : NULL;
	o.policy = c->tsa_policy[0] ? c->tsa_policy : NULL;
	o.serial_file = serial;
	rc = tamga_tsa_open(&st->tsa, &o);
	explicit_bzero(pass, sizeof(pass));
	if (rc < 0) {
		fprintf(stderr, "tamgad: the time-stamping key cannot be used: %s\n", tamga_error_last()->message);
		pthread_mutex_destroy(&st->lock);
		free(st);
		return -1;
	}
	fprintf(stderr, "tamgad: time-stamping with %s, serials in %s\n", cert, serial);
	srv->state = st;
	return 0;
}

static void tsa_handle(struct server *srv, const struct request *req, struct response *resp)
{
	struct tsa_state *st = srv->state;
	const char *type = req_header(req, "Content-Type");
	tamga_buf out = TAMGA_BUF_INIT;
	int rc;

	resp->path_class = "tsa";
	if (strcmp(req->path, "/tsa") != 0 && strcmp(req->path, "/") != 0) {
		resp_json_error(resp, 404, "not_found", "no such endpoint: time-stamp requests go to POST /tsa");
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		resp_json_error(resp, 405, "method_not_allowed", "use POST with application/timestamp-query");
		resp_header(resp, "Allow", "POST");
		return;
	}
	if (type == NULL || strncasecmp(type, "application/timestamp-query", 27) != 0) {
		resp_json_error(resp, 415, "unsupported_media_type", "send application/timestamp-query");
		return;
	}
	pthread_mutex_lock(&st->lock);
	rc = tamga_tsa_respond(st->tsa, req->body, req->body_len, &out);
	pthread_mutex_unlock(&st->lock);
	if (rc < 0) {
		/* The library's own failure; out still holds a systemFailure
		 * response to send, and the log says why. */
		fprintf(stderr, "tamgad: time-stamping failed: %s\n", tamga_error_last()->message);
	}
	if (out.size == 0) {
		resp_json_error(resp, 500, "internal", "no time-stamp response");
	} else {
		resp->status = 200;
		resp->content_type = "application/timestamp-reply";
		sb_add(&resp->body, out.ptr, out.size);
	}
	tamga_buf_dispose(&out);
}

static void tsa_stop(struct server *srv)
{
	struct tsa_state *st = srv->state;

	if (st == NULL)
		return;
	tamga_tsa_free(st->tsa);
	pthread_mutex_destroy(&st->lock);
	free(st);
	srv->state = NULL;
}

const struct role_ops tsa_role = { "tsa", tsa_start, tsa_handle, tsa_stop };
