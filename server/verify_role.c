/*
 * server/verify_role.c - role "verify" (public): citizens scan a QR code
 * and see the document's status; banks post files and get JSON reports.
 * It opens the registry for reading and loads no signing key (DESIGN.md §7).
 *
 *   GET  /, /v, /verify              page: type a code or upload a file
 *   GET  /v/{code}                   page: the registered document's status
 *   GET  /v/{code}/document          the registered signed copy
 *   POST /v/{code}/check             page: is this upload that document?
 *   POST /verify                     page: verify an upload (field "document")
 *   POST /api/v1/verify              JSON report (raw body or multipart)
 *   GET  /api/v1/documents/{code}    JSON status
 *
 * Status of the pages: an unknown code is 404 and a malformed one 400,
 * each with a full page for people (phones show the body whatever the
 * status; the status keeps caches, crawlers and scripts honest).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "multipart.h"
#include "pages.h"
#include "server.h"
#include "sha256.h"

#define HTML "text/html; charset=utf-8"

struct verify_state {
	tamga_trust *trust;
};

static int verify_start(struct server *srv)
{
	struct verify_state *st = calloc(1, sizeof(*st));
	size_t i;

	if (st == NULL)
		return -1;
	srv->state = st;
	if (tamga_trust_new(&st->trust) < 0)
		goto fail_msg;
	for (i = 0; i < srv->cfg.ntrust; i++)
		if (tamga_trust_add_anchors_file(st->trust, srv->cfg.trust[i]) < 0) {
			fprintf(stderr, "tamgad: trust anchors %s: %s\n", srv->cfg.trust[i], tamga_error_last()->message);
			goto fail;
		}
	for (i = 0; i < srv->cfg.ncrl; i++)
		if (tamga_trust_add_crls_file(st->trust, srv->cfg.crl[i]) < 0) {
			fprintf(stderr, "tamgad: CRL %s: %s\n", srv->cfg.crl[i], tamga_error_last()->message);
			goto fail;
		}
	fprintf(stderr, "tamgad: %zu trust anchor(s), %zu CRL(s), revocation %s\n", tamga_trust_anchor_count(st->trust),
	        tamga_trust_crl_count(st->trust), srv->cfg.offline ? "offline" : "online (URLs in the certificates)");
	return 0;
fail_msg:
	fprintf(stderr, "tamgad: %s\n", tamga_error_last()->message);
fail:
	tamga_trust_free(st->trust);
	free(st);
	srv->state = NULL;
	return -1;
}

static void verify_stop(struct server *srv)
{
	struct verify_state *st = srv->state;

	if (st == NULL)
		return;
	tamga_trust_free(st->trust);
	free(st);
	srv->state = NULL;
}

static page_lang lang_of(const struct request *req)
{
	return page_lang_pick(req_query(req, "lang"), req_header(req, "Accept-Language"));
}

/* The public base URL: verify_url, else http://Host. */
static void base_url(const struct server *srv, const struct request *req, char *out, size_t size)
{
	const char *host = req_header(req, "Host");

	if (srv->cfg.verify_url[0])
		str_copy(out, size, srv->cfg.verify_url);
	else if (host && text_ok(host, 200) && !strpbrk(host, "/\"<> "))
		snprintf(out, size, "http://%s", host);
	else
		str_copy(out, size, "");
}

static void page_err(const struct server *srv, const struct request *req, struct response *resp, int status,
                     const char *what)
{
	sb_free(&resp->body);
	resp->status = status;
	resp->content_type = HTML;
	page_error(&resp->body, lang_of(req), srv->cfg.verify_url, status, what);
}

/* The uploaded document: a multipart "document" part or the raw body.
 * 0, or -1 with *why set. */
static int upload(const struct request *req, const unsigned char **doc, size_t *len, char *name, size_t nsize,
                  const char **why)
{
	char boundary[MP_BOUNDARY_MAX + 1];
	struct mp_part *parts;
	const struct mp_part *d;
	int n;

	str_copy(name, nsize, "upload");
	if (mp_boundary(req_header(req, "Content-Type"), boundary) == 0) {
		if ((parts = calloc(MP_PARTS_MAX, sizeof(*parts))) == NULL) {
			*why = "out of memory";
			return -1;
		}
		if ((n = mp_parse(req->body, req->body_len, boundary, parts, MP_PARTS_MAX, why)) < 0) {
			free(parts);
			return -1;
		}
		if ((d = mp_find(parts, n, "document")) == NULL) {
			free(parts);
			*why = "the form has no 'document' part";
			return -1;
		}
		*doc = d->data;
		*len = d->len;
		if (d->filename[0] && text_ok(d->filename, 200))
			str_copy(name, nsize, d->filename);
		free(parts);
	} else {
		*doc = req->body;
		*len = req->body_len;
	}
	if (*len == 0) {
		*why = "no document was uploaded";
		return -1;
	}
	return 0;
}

static int verify_upload(struct server *srv, const unsigned char *doc, size_t len, const char *name,
                         tamga_report **out)
{
	struct verify_state *st = srv->state;
	tamga_verify_options vo = TAMGA_VERIFY_OPTIONS_INIT;
	tamga_verifier *v = NULL;
	int rc;

	*out = NULL;
	vo.trust = st->trust;
	vo.offline = srv->cfg.offline;
	if ((rc = tamga_verifier_new(&v, &vo)) == 0)
		rc = tamga_verifier_verify_buffer(v, out, doc, len, name);
	tamga_verifier_free(v);
	if (rc < 0)
		fprintf(stderr, "tamgad: verification could not run: %s\n", tamga_error_last()->message);
	else
		metrics_verified(tamga_verdict_name(tamga_report_verdict(*out)));
	return rc;
}

/* GET /api/v1/documents/{code} */
static void api_document(struct server *srv, tamga_registry *reg, const char *typed, const struct request *req,
                         struct response *resp)
{
	tamga_document *doc = calloc(1, sizeof(*doc));
	char t[TAMGA_TIME_BUFSIZE], compact[TAMGA_CODE_BUFSIZE], base[600];
	int rc;

	if (doc == NULL) {
		resp_json_error(resp, 500, "internal", "out of memory");
		return;
	}
	rc = tamga_registry_get(reg, typed, doc);
	if (rc == TAMGA_ENOTFOUND || rc == TAMGA_EFORMAT) {
		resp_json_error(resp, 404, "not_found", rc == TAMGA_EFORMAT ? "'%s' is not a document code" :
		                "no document has the code %s", typed);
		goto done;
	}
	if (rc < 0) {
		fprintf(stderr, "tamgad: registry lookup failed: %s\n", tamga_error_last()->message);
		resp_json_error(resp, 500, "registry", "the registry cannot be read");
		goto done;
	}
	tamga_code_compact(compact, doc->code);
	base_url(srv, req, base, sizeof(base));
	resp->status = 200;
	resp->content_type = "application/json";
	sb_puts(&resp->body, "{\"code\": \"");
	sb_json(&resp->body, doc->code);
	sb_printf(&resp->body, "\", \"status\": \"%s\", \"agency\": \"", tamga_doc_status_name(doc->status));
	sb_json(&resp->body, doc->agency);
	sb_puts(&resp->body, "\", \"doc_type\": ");
	json_str_or_null(&resp->body, doc->doc_type);
	sb_puts(&resp->body, ", \"title\": ");
	json_str_or_null(&resp->body, doc->title);
	sb_printf(&resp->body, ", \"issued_at\": \"%s\", \"sha256\": \"%s\", \"status_time\": ",
	          tamga_time_format(t, doc->issued_at), doc->sha256);
	if (doc->status_time)
		sb_printf(&resp->body, "\"%s\"", tamga_time_format(t, doc->status_time));
	else
		sb_puts(&resp->body, "null");
	sb_puts(&resp->body, ", \"reason\": ");
	json_str_or_null(&resp->body, doc->status_reason);
	sb_puts(&resp->body, ", \"replaced_by\": ");
	json_str_or_null(&resp->body, doc->replaced_by);
	sb_puts(&resp->body, ", \"url\": \"");
	sb_json(&resp->body, base);
	sb_printf(&resp->body, "/v/%s\"}\n", compact);
done:
	free(doc);
}

/* POST /api/v1/verify: the report, with "registry" when the document names a code. */
static void api_verify(struct server *srv, tamga_registry *reg, const struct request *req, struct response *resp)
{
	const unsigned char *doc;
	size_t len;
	char name[256];
	const char *why, *code;
	tamga_report *r = NULL;
	tamga_buf json = TAMGA_BUF_INIT;
	tamga_document *rec = NULL;

	if (upload(req, &doc, &len, name, sizeof(name), &why) < 0) {
		resp_json_error(resp, 400, "no_document", "%s", why);
		return;
	}
	if (verify_upload(srv, doc, len, name, &r) < 0) {
		resp_json_error(resp, 500, "internal", "the document could not be verified");
		goto done;
	}
	/* The registry's word on the document's code, in the report itself
	 * (the same "registry" object and verdict rules as tamga verify --server). */
	code = tamga_report_document_code(r);
	if (code != NULL) {
		int rc;

		if ((rec = calloc(1, sizeof(*rec))) == NULL) {
			resp_json_error(resp, 500, "internal", "out of memory");
			goto done;
		}
		rc = tamga_registry_get(reg, code, rec);
		if (rc < 0 && rc != TAMGA_ENOTFOUND && rc != TAMGA_EFORMAT)
			fprintf(stderr, "tamgad: registry lookup failed: %s\n", tamga_error_last()->message);
		if (tamga_report_set_registry(r, "local", rc == 0 ? rec : NULL,
		                              rc == TAMGA_EFORMAT ? TAMGA_ENOTFOUND : rc) < 0) {
			resp_json_error(resp, 500, "internal", "the report could not be completed");
			goto done;
		}
	}
	if (tamga_report_json(r, &json) < 0) {
		resp_json_error(resp, 500, "internal", "the document could not be verified");
		goto done;
	}
	resp->status = 200;
	resp->content_type = "application/json";
	sb_add(&resp->body, json.ptr, json.size);
	sb_puts(&resp->body, "\n");
done:
	free(rec);
	tamga_buf_dispose(&json);
	tamga_report_free(r);
}

/* POST /verify and POST /v/{code}/check: a page. */
static void page_verify(struct server *srv, tamga_registry *reg, const char *typed, const struct request *req,
                        struct response *resp)
{
	const unsigned char *doc;
	size_t len;
	char name[256], sha[65];
	const char *why, *code;
	tamga_report *r = NULL;
	tamga_document *rec = calloc(1, sizeof(*rec));
	int have = 0;

	if (rec == NULL) {
		page_err(srv, req, resp, 500, "out of memory");
		return;
	}
	if (upload(req, &doc, &len, name, sizeof(name), &why) < 0) {
		page_err(srv, req, resp, 400, why);
		goto done;
	}
	if (verify_upload(srv, doc, len, name, &r) < 0) {
		page_err(srv, req, resp, 500, "the document could not be verified");
		goto done;
	}
	code = typed ? typed : tamga_report_document_code(r);
	if (code != NULL && tamga_registry_get(reg, code, rec) == 0)
		have = 1;
	/* The document's own code decides its verdict with the registry (a
	 * revoked document is not valid), as in the API's report. */
	if (tamga_report_document_code(r) != NULL) {
		tamga_document *own = have && typed == NULL ? rec : NULL;
		int rc = 0;

		if (own == NULL && (own = calloc(1, sizeof(*own))) != NULL &&
		    (rc = tamga_registry_get(reg, tamga_report_document_code(r), own)) < 0) {
			free(own);
			own = NULL;
		}
		if (tamga_report_set_registry(r, "local", own, own ? 0 : rc == TAMGA_EFORMAT ? TAMGA_ENOTFOUND : rc) < 0)
			tamga_error_clear();
		if (own != rec)
			free(own);
	}
	sha256_hex(doc, len, sha);
	resp->status = 200;
	resp->content_type = HTML;
	page_report(&resp->body, lang_of(req), srv->cfg.verify_url, r, have ? rec : NULL,
	            have && strcmp(rec->sha256, sha) == 0);
done:
	tamga_report_free(r);
	free(rec);
}

/* GET /v/{code} */
static void page_code(struct server *srv, tamga_registry *reg, const char *typed, const struct request *req,
                      struct response *resp)
{
	tamga_document *doc = calloc(1, sizeof(*doc));
	int rc;

	if (doc == NULL) {
		page_err(srv, req, resp, 500, "out of memory");
		return;
	}
	rc = tamga_registry_get(reg, typed, doc);
	resp->content_type = HTML;
	if (rc == 0) {
		resp->status = 200;
		page_document(&resp->body, lang_of(req), srv->cfg.verify_url, typed, doc, 0);
	} else if (rc == TAMGA_ENOTFOUND || rc == TAMGA_EFORMAT) {
		resp->status = rc == TAMGA_EFORMAT ? 400 : 404;
		page_document(&resp->body, lang_of(req), srv->cfg.verify_url, typed, NULL, rc == TAMGA_EFORMAT);
	} else {
		fprintf(stderr, "tamgad: registry lookup failed: %s\n", tamga_error_last()->message);
		page_err(srv, req, resp, 500, "the registry cannot be read");
	}
	free(doc);
}

/* GET /v/{code}/document */
static void copy_of(struct server *srv, tamga_registry *reg, const char *typed, const struct request *req,
                    struct response *resp)
{
	tamga_document *doc = calloc(1, sizeof(*doc));
	tamga_buf copy = TAMGA_BUF_INIT;
	char compact[TAMGA_CODE_BUFSIZE];
	int rc;

	if (doc == NULL) {
		page_err(srv, req, resp, 500, "out of memory");
		return;
	}
	rc = tamga_registry_get(reg, typed, doc);
	if (rc == TAMGA_ENOTFOUND || rc == TAMGA_EFORMAT) {
		page_err(srv, req, resp, 404, "no document has this code");
	} else if (rc < 0 || (rc = tamga_registry_copy(reg, doc, &copy)) < 0) {
		fprintf(stderr, "tamgad: registry copy failed: %s\n", tamga_error_last()->message);
		page_err(srv, req, resp, 500, "the registered copy cannot be read");
	} else {
		tamga_document_type t;

		tamga_code_compact(compact, doc->code);
		if (tamga_document_type_of(&t, copy.ptr, copy.size) < 0)
			t.media_type = "application/octet-stream", t.extension = "bin";
		resp->status = 200;
		resp->content_type = t.media_type;
		resp_header(resp, "Content-Disposition", "attachment; filename=%s.%s", compact, t.extension);
		sb_add(&resp->body, copy.ptr, copy.size);
	}
	tamga_buf_dispose(&copy);
	free(doc);
}

static void verify_handle(struct server *srv, const struct request *req, struct response *resp)
{
	const char *path = req->path, *rest = "";
	int get = strcmp(req->method, "GET") == 0, post = strcmp(req->method, "POST") == 0;
	int api = strncmp(path, "/api/", 5) == 0;
	tamga_registry *reg = NULL;
	char typed[128];
	enum { HOME, CODE, COPY, CHECK, VERIFY_PAGE, API_VERIFY, API_DOC, NONE } what = NONE;
	int want_post = 0;

	if ((!strcmp(path, "/v") || !strcmp(path, "/v/")) && get && req_query(req, "code") != NULL) {
		/* the home page's type-a-code form (GET /v?code=...) */
		snprintf(typed, sizeof(typed), "%s", req_query(req, "code"));
		what = CODE;
	} else if (!strcmp(path, "/") || !strcmp(path, "/v") || !strcmp(path, "/v/")) {
		what = HOME;
	} else if (!strcmp(path, "/verify")) {
		what = post ? VERIFY_PAGE : HOME;
	} else if (!strcmp(path, "/api/v1/verify")) {
		what = API_VERIFY, want_post = 1;
	} else if (path_segment(path, "/api/v1/documents/", typed, sizeof(typed), &rest) == 0 && !*rest) {
		what = API_DOC;
	} else if (path_segment(path, "/v/", typed, sizeof(typed), &rest) == 0) {
		if (!*rest || !strcmp(rest, "/"))
			what = CODE;
		else if (!strcmp(rest, "/document"))
			what = COPY;
		else if (!strcmp(rest, "/check") && post)
			what = CHECK, want_post = 1;
		else if (!strcmp(rest, "/check")) /* e.g. the language link of a result page */
			what = CODE;
	}
	resp->path_class = what == HOME || what == CODE ? "page" : what == COPY ? "document" :
	                   what == CHECK || what == VERIFY_PAGE ? "check" : what == API_VERIFY ? "api_verify" :
	                   what == API_DOC ? "api_document" : "other";
	if (what == NONE) {
		if (api)
			resp_json_error(resp, 404, "not_found", "no such endpoint");
		else
			page_err(srv, req, resp, 404, "no such page");
		return;
	}
	if ((want_post && !post) || (!want_post && !get && !(what == VERIFY_PAGE))) {
		if (api)
			resp_json_error(resp, 405, "method_not_allowed", "use %s", want_post ? "POST" : "GET");
		else
			page_err(srv, req, resp, 405, "method not allowed");
		resp_header(resp, "Allow", "%s", want_post ? "POST" : "GET, HEAD");
		return;
	}
	if (what == HOME) {
		resp->status = 200;
		resp->content_type = HTML;
		page_home(&resp->body, lang_of(req), srv->cfg.verify_url);
		return;
	}
	if ((reg = regpool_get(&srv->pool)) == NULL) {
		fprintf(stderr, "tamgad: cannot open the registry: %s\n", tamga_error_last()->message);
		if (api)
			resp_json_error(resp, 500, "registry", "the registry cannot be opened");
		else
			page_err(srv, req, resp, 500, "the registry cannot be opened");
		return;
	}
	switch (what) {
	case CODE: page_code(srv, reg, typed, req, resp); break;
	case COPY: copy_of(srv, reg, typed, req, resp); break;
	case CHECK: page_verify(srv, reg, typed, req, resp); break;
	case VERIFY_PAGE: page_verify(srv, reg, NULL, req, resp); break;
	case API_VERIFY: api_verify(srv, reg, req, resp); break;
	case API_DOC: api_document(srv, reg, typed, req, resp); break;
	default: break;
	}
	regpool_put(&srv->pool, reg);
}

const struct role_ops verify_role = { "verify", verify_start, verify_handle, verify_stop };
