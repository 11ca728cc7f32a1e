/*
 * server/ocsp_role.c - role ocsp: the CA's online face (DESIGN.md §4 HTTP).
 *
 *   POST /ocsp                 RFC 6960 Appendix A.1, application/ocsp-request
 *   GET  /ocsp/{base64 DER}    the same, URL-encoded base64 of the request
 *   GET  /crl/root.crl         application/pkix-crl, fresh from ca.db
 *   GET  /crl/issuing.crl
 *   GET  /ca/root.crt, /ca/issuing.crt   the caIssuers URLs (DER)
 *
 * These are the paths pki/profile.c writes into the AIA and CDP extensions
 * under the CA's base URL.  The answers come from tamga_ocsp_respond() and
 * tamga_ocsp_crl() (include/tamga/ocsp.h), which read ca.db per request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/ocsp.h>

#include "server.h"

#define PASS_MAX 1024

struct ocsp_state {
	tamga_ocsp_responder *responder;
	char ca_dir[CONFIG_PATH_MAX];
};

static int ocsp_start(struct server *srv)
{
	tamga_ocsp_responder_options o = TAMGA_OCSP_RESPONDER_OPTIONS_INIT;
	struct ocsp_state *st = calloc(1, sizeof(*st));
	char pass[PASS_MAX];
	size_t pass_len = 0;
	int rc;

	if (st == NULL) {
		fprintf(stderr, "tamgad: out of memory\n");
		return -1;
	}
	if (read_pass(srv->cfg.ca_pass_file, "ca-pass-file", "TAMGA_CA_PASS", 1, pass, sizeof(pass), &pass_len) < 0) {
		free(st);
		return -1;
	}
	rc = tamga_ocsp_responder_open(&st->responder, srv->cfg.ca_dir, pass, pass_len);
	explicit_bzero(pass, sizeof(pass));
	if (rc < 0) {
		fprintf(stderr, "tamgad: cannot open the CA in %s: %s\n", srv->cfg.ca_dir, tamga_error_last()->message);
		free(st);
		return -1;
	}
	o.next_update = srv->cfg.ocsp_next_update;
	o.crl_margin = srv->cfg.crl_margin ? srv->cfg.crl_margin : 1;
	if (tamga_ocsp_responder_configure(st->responder, &o) < 0) {
		fprintf(stderr, "tamgad: %s\n", tamga_error_last()->message);
		tamga_ocsp_responder_free(st->responder);
		free(st);
		return -1;
	}
	str_copy(st->ca_dir, sizeof(st->ca_dir), srv->cfg.ca_dir);
	srv->state = st;
	return 0;
}

static void ocsp_stop(struct server *srv)
{
	struct ocsp_state *st = srv->state;

	if (st == NULL)
		return;
	tamga_ocsp_responder_free(st->responder);
	free(st);
	srv->state = NULL;
}

static void answer_ocsp(struct ocsp_state *st, const unsigned char *der, size_t len, int get, struct response *resp)
{
	tamga_buf out = TAMGA_BUF_INIT;
	tamga_ocsp_result res;

	if (tamga_ocsp_respond(st->responder, der, len, &out, &res) < 0) {
		resp_json_error(resp, 500, "internal", "cannot answer: %s", tamga_error_last()->message);
		return;
	}
	resp->status = 200;
	resp->content_type = "application/ocsp-response";
	sb_add(&resp->body, out.ptr, out.size);
	tamga_buf_dispose(&out);
	/* RFC 5019 §6.2: a response without nonce may be cached until shortly
	 * before its nextUpdate; one with a nonce answers one request only. */
	if (get && res.status == 0 && !res.has_nonce && res.next_update > 0) {
		tamga_time left = res.next_update - tamga_time_now();

		if (left > 60)
			resp_header(resp, "Cache-Control", "max-age=%lld, public, no-transform, must-revalidate",
			            (long long)(left - 60));
	}
}

/* The GET form: the rest of the path is the request, base64 and URL-encoded
 * (libmicrohttpd has undone the %XX already).  The URL-safe alphabet is
 * taken too. */
static void ocsp_get(struct ocsp_state *st, const char *b64, struct response *resp)
{
	struct sbuf text = SBUF_INIT, der = SBUF_INIT;
	size_t len = strlen(b64);

	if (len > TAMGA_OCSP_MAX_REQUEST * 4 / 3 + 8) {
		answer_ocsp(st, (const unsigned char *)"", 0, 1, resp);   /* malformedRequest */
		return;
	}
	for (size_t i = 0; i < len; i++) {
		char c = b64[i] == '-' ? '+' : b64[i] == '_' ? '/' : b64[i];

		sb_add(&text, &c, 1);
	}
	if (text.failed) {
		resp_json_error(resp, 500, "internal", "out of memory");
	} else if (len == 0 || sb_unbase64(&der, text.ptr, text.len) < 0 || der.failed) {
		answer_ocsp(st, (const unsigned char *)"", 0, 1, resp);
	} else {
		answer_ocsp(st, (const unsigned char *)der.ptr, der.len, 1, resp);
	}
	sb_free(&text);
	sb_free(&der);
}

static void serve_crl(struct ocsp_state *st, const char *which, struct response *resp)
{
	tamga_buf out = TAMGA_BUF_INIT;
	tamga_time next = 0;

	if (tamga_ocsp_crl(st->responder, which, &out, &next) < 0) {
		resp_json_error(resp, 503, "crl_unavailable", "the %s CRL is not available: %s", which,
		                tamga_error_last()->message);
		return;
	}
	resp->status = 200;
	resp->content_type = "application/pkix-crl";
	sb_add(&resp->body, out.ptr, out.size);
	tamga_buf_dispose(&out);
}

static void serve_file(struct ocsp_state *st, const char *name, struct response *resp)
{
	char path[CONFIG_PATH_MAX + 64];
	tamga_cert *cert = NULL;
	const unsigned char *der;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s.crt", st->ca_dir, name);
	if (tamga_cert_load_file(&cert, path) < 0) {
		resp_json_error(resp, 404, "not_found", "no such certificate");
		return;
	}
	der = tamga_cert_der(cert, &len);
	resp->status = 200;
	resp->content_type = "application/pkix-cert";
	sb_add(&resp->body, der, len);
	tamga_cert_free(cert);
}

static int method_is(const struct request *req, struct response *resp, const char *allowed)
{
	if (strstr(allowed, req->method) != NULL)
		return 1;
	resp_json_error(resp, 405, "method_not_allowed", "use %s", allowed);
	resp_header(resp, "Allow", "%s", allowed);
	return 0;
}

static void ocsp_handle(struct server *srv, const struct request *req, struct response *resp)
{
	struct ocsp_state *st = srv->state;

	if (strcmp(req->path, "/ocsp") == 0 || strcmp(req->path, "/ocsp/") == 0) {
		resp->path_class = "ocsp";
		if (!method_is(req, resp, "POST"))
			return;
		if (!req_is_type(req, "application/ocsp-request")) {
			resp_json_error(resp, 415, "unsupported_media_type", "send Content-Type: application/ocsp-request");
			return;
		}
		answer_ocsp(st, req->body, req->body_len, 0, resp);
	} else if (strncmp(req->path, "/ocsp/", 6) == 0) {
		resp->path_class = "ocsp";
		if (method_is(req, resp, "GET, HEAD"))
			ocsp_get(st, req->path + 6, resp);
	} else if (strcmp(req->path, "/crl/root.crl") == 0 || strcmp(req->path, "/crl/issuing.crl") == 0) {
		resp->path_class = "crl";
		if (method_is(req, resp, "GET, HEAD"))
			serve_crl(st, req->path[5] == 'r' ? "root" : "issuing", resp);
	} else if (strcmp(req->path, "/ca/root.crt") == 0 || strcmp(req->path, "/ca/issuing.crt") == 0) {
		resp->path_class = "ca";
		if (method_is(req, resp, "GET, HEAD"))
			serve_file(st, req->path[4] == 'r' ? "root" : "issuing", resp);
	} else {
		resp_json_error(resp, 404, "not_found", "no such resource");
	}
}

const struct role_ops ocsp_role = { "ocsp", ocsp_start, ocsp_handle, ocsp_stop };
