/*
 * server/sign_role.c - role "sign" (internal network): agencies send
 * documents with their bearer token and get them back signed, stamped with
 * a QR code and registered.
 *
 *   POST /api/v1/sign                         one document → 201 + the signed file
 *   POST /api/v1/sign/batch                   several → 200 + a JSON array of results
 *   POST /api/v1/documents/{code}/revoke      {reason}
 *   POST /api/v1/documents/{code}/supersede   {by, reason}
 *
 * Durability (registry.h): a signed document is sent only after
 * tamga_registry_register() returned 0, i.e. after its copy is fsynced and
 * its row committed.  tests/cli/tamgad_crash.sh kills the process mid-batch
 * to check it.
 *
 * Every agency's key is loaded once at start; the passphrase is read,
 * used and wiped before the first request.  A subject reference (e.g. a
 * citizen's register number) is only ever handed to
 * tamga_registry_subject_hash: never stored, never logged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "metrics.h"
#include "multipart.h"
#include "server.h"
#include "sha256.h"

#define DEFAULT_VERIFY_URL "https://verify.tamga.invalid"
#define BATCH_MAX MP_PARTS_MAX
#define PASS_MAX 1024

/* An agency as loaded at start: its key and its stamp settings (a change
 * to either takes effect at the next restart). */
struct agency_key {
	int64_t id;
	char name[TAMGA_REGISTRY_TEXT_MAX];
	tamga_signer *signer;
	char caption[TAMGA_AGENCY_CAPTION_LINES][TAMGA_AGENCY_CAPTION_MAX + 1];
	size_t caption_count;
	tamga_placement placement;
	int no_stamp;
};

struct sign_state {
	struct agency_key *keys;
	size_t nkeys, cap;
	char qr_url[600];               /* "{verify_url}/v/{code}" */
	const char *pass;               /* during start only */
	size_t pass_len;
	int failed;
};

struct meta {
	char doc_type[TAMGA_REGISTRY_TEXT_MAX];
	char title[TAMGA_REGISTRY_TEXT_MAX];
	char subject_ref[256];
};

/* The outcome of signing one document. */
struct outcome {
	int status;                     /* 201 or an error status */
	char error_code[32];
	char message[600];
	tamga_sign_result result;
	tamga_buf signed_doc;
};

/* ------------------------------------------------------------ start-up */

static int load_agency(void *ctx, const tamga_agency *a)
{
	struct sign_state *st = ctx;
	tamga_signer_options so = TAMGA_SIGNER_OPTIONS_INIT;
	struct agency_key *k;

	if (st->nkeys == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 8;
		struct agency_key *keys = realloc(st->keys, cap * sizeof(*keys));

		if (keys == NULL) {
			fprintf(stderr, "tamgad: out of memory\n");
			st->failed = 1;
			return 1;
		}
		st->keys = keys;
		st->cap = cap;
	}
	k = &st->keys[st->nkeys];
	memset(k, 0, sizeof(*k));
	k->id = a->id;
	snprintf(k->name, sizeof(k->name), "%s", a->name);
	memcpy(k->caption, a->caption, sizeof(k->caption));
	k->caption_count = a->caption_count <= TAMGA_AGENCY_CAPTION_LINES ? a->caption_count : TAMGA_AGENCY_CAPTION_LINES;
	k->placement = a->placement;
	k->no_stamp = a->no_stamp;
	if (a->cert_path[0]) {
		so.key_path = a->key_path;
		so.cert_path = a->cert_path;
	} else {
		so.p12_path = a->key_path;
	}
	so.chain_path = a->chain_path[0] ? a->chain_path : NULL;
	so.passphrase = st->pass_len ? st->pass : NULL;
	so.passphrase_len = st->pass_len;
	if (tamga_signer_load(&k->signer, &so) < 0) {
		fprintf(stderr, "tamgad: agency '%s': cannot load its key %s: %s\n", a->name, a->key_path,
		        tamga_error_last()->message);
		st->failed = 1;
		return 1;
	}
	st->nkeys++;
	return 0;
}

static void sign_stop(struct server *srv)
{
	struct sign_state *st = srv->state;

	if (st == NULL)
		return;
	for (size_t i = 0; i < st->nkeys; i++)
		tamga_signer_free(st->keys[i].signer);
	free(st->keys);
	free(st);
	srv->state = NULL;
}

static int sign_start(struct server *srv)
{
	struct sign_state *st = calloc(1, sizeof(*st));
	char pass[PASS_MAX];
	size_t pass_len = 0;
	tamga_registry *reg;
	int rc;

	if (st == NULL)
		return -1;
	srv->state = st;
	if (srv->cfg.verify_url[0] == '\0') {
		snprintf(srv->cfg.verify_url, sizeof(srv->cfg.verify_url), "%s", DEFAULT_VERIFY_URL);
		fprintf(stderr, "tamgad: warning: no verify_url; QR codes will point at %s\n", DEFAULT_VERIFY_URL);
	}
	snprintf(st->qr_url, sizeof(st->qr_url), "%s/v/{code}", srv->cfg.verify_url);
	if (read_pass(srv->cfg.pass_file, "pass-file", "TAMGA_PASS", 0, pass, sizeof(pass), &pass_len) < 0)
		goto fail;
	st->pass = pass;
	st->pass_len = pass_len;
	if ((reg = regpool_get(&srv->pool)) == NULL) {
		fprintf(stderr, "tamgad: cannot open the registry in %s: %s\n", srv->cfg.data,
		        tamga_error_last()->message);
		goto fail;
	}
	rc = tamga_registry_agencies(reg, load_agency, st);
	if (rc < 0 && !st->failed)
		fprintf(stderr, "tamgad: cannot list the agencies in %s: %s\n", srv->cfg.data,
		        tamga_error_last()->message);
	regpool_put(&srv->pool, reg);
	if (rc < 0 || st->failed)
		goto fail;
	if (st->nkeys == 0) {
		fprintf(stderr, "tamgad: no agency in the registry %s (add one with 'tamga registry token add')\n",
		        srv->cfg.data);
		goto fail;
	}
	for (size_t i = 0; i < st->nkeys; i++) {
		const struct agency_key *k = &st->keys[i];

		fprintf(stderr, "tamgad: agency '%s': key %s loaded; stamp: %s%s\n", k->name,
		        tamga_signer_key_description(k->signer),
		        k->no_stamp ? "none" : k->placement == TAMGA_PLACE_LAST_PAGE_BOTTOM_RIGHT ? "last page" : "first page",
		        !k->no_stamp && k->caption_count ? ", own caption" : "");
	}
	memset(pass, 0, sizeof(pass));
	__asm__ __volatile__("" : : "r"(pass) : "memory");
	st->pass = NULL;
	return 0;
fail:
	memset(pass, 0, sizeof(pass));
	__asm__ __volatile__("" : : "r"(pass) : "memory");
	sign_stop(srv);
	return -1;
}

/* ------------------------------------------------------------ requests */

static const struct agency_key *find_key(const struct sign_state *st, int64_t id)
{
	for (size_t i = 0; i < st->nkeys; i++)
		if (st->keys[i].id == id)
			return &st->keys[i];
	return NULL;
}

/* The bearer token's agency, or an error response (0 / -1). */
static int authenticate(struct server *srv, tamga_registry *reg, const struct request *req, struct response *resp,
                        const struct agency_key **out)
{
	const char *auth = req_header(req, "Authorization");
	tamga_agency agency;
	int rc;

	*out = NULL;
	if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0 || auth[7] == '\0') {
		resp_json_error(resp, 401, "unauthorized", "an 'Authorization: Bearer TOKEN' header is required");
		resp_header(resp, "WWW-Authenticate", "Bearer realm=\"tamga\"");
		return -1;
	}
	auth += 7;
	while (*auth == ' ')
		auth++;
	rc = tamga_registry_token_check(reg, auth, &agency);
	if (rc == TAMGA_ENOTFOUND) {
		resp_json_error(resp, 401, "unauthorized", "unknown or revoked token");
		resp_header(resp, "WWW-Authenticate", "Bearer realm=\"tamga\", error=\"invalid_token\"");
		return -1;
	}
	if (rc < 0) {
		fprintf(stderr, "tamgad: token check failed: %s\n", tamga_error_last()->message);
		resp_json_error(resp, 500, "registry", "the registry cannot be read");
		return -1;
	}
	str_copy(resp->agency, sizeof(resp->agency), agency.name);
	if ((*out = find_key(srv->state, agency.id)) == NULL) {
		resp_json_error(resp, 503, "agency_not_loaded",
		                "the agency was added after tamgad started; its key is loaded at the next restart");
		return -1;
	}
	return 0;
}

static int meta_set(char *dst, size_t size, const char *v, const char *what, struct outcome *oc)
{
	if (v == NULL)
		return 0;
	if (!text_ok(v, size - 1)) {
		oc->status = 400;
		snprintf(oc->error_code, sizeof(oc->error_code), "bad_metadata");
		snprintf(oc->message, sizeof(oc->message), "%s must be UTF-8 text of at most %zu bytes", what, size - 1);
		return -1;
	}
	snprintf(dst, size, "%s", v);
	return 0;
}

/* Metadata from a JSON object {doc_type, title, subject_ref}. */
static int meta_from_json(struct meta *m, const struct json *obj, struct outcome *oc)
{
	if (meta_set(m->doc_type, sizeof(m->doc_type), json_get_str(obj, "doc_type"), "doc_type", oc) < 0 ||
	    meta_set(m->title, sizeof(m->title), json_get_str(obj, "title"), "title", oc) < 0 ||
	    meta_set(m->subject_ref, sizeof(m->subject_ref), json_get_str(obj, "subject_ref"), "subject_ref", oc) < 0)
		return -1;
	return 0;
}

/* Headers first, then the query (which wins). */
static int meta_from_request(struct meta *m, const struct request *req, struct outcome *oc)
{
	memset(m, 0, sizeof(*m));
	if (meta_set(m->doc_type, sizeof(m->doc_type), req_header(req, "X-Document-Type"), "X-Document-Type", oc) < 0 ||
	    meta_set(m->title, sizeof(m->title), req_header(req, "X-Document-Title"), "X-Document-Title", oc) < 0 ||
	    meta_set(m->doc_type, sizeof(m->doc_type), req_query(req, "doc_type"), "doc_type", oc) < 0 ||
	    meta_set(m->title, sizeof(m->title), req_query(req, "title"), "title", oc) < 0 ||
	    meta_set(m->subject_ref, sizeof(m->subject_ref), req_query(req, "subject_ref"), "subject_ref", oc) < 0)
		return -1;
	return 0;
}

static void fail(struct outcome *oc, int status, const char *code, const char *msg)
{
	oc->status = status;
	snprintf(oc->error_code, sizeof(oc->error_code), "%s", code);
	snprintf(oc->message, sizeof(oc->message), "%s", msg);
}

/*
 * Sign doc with the agency's key and register it; oc->status 201 with the
 * signed file in oc->signed_doc, or an error.  A code already taken (one
 * chance in 2^79) is drawn again.
 */
static void sign_one(struct server *srv, tamga_registry *reg, const struct agency_key *ak, const unsigned char *doc,
                     size_t len, const struct meta *m, struct outcome *oc)
{
	struct sign_state *st = srv->state;
	const tamga_cert *cert = tamga_signer_cert(ak->signer);
	tamga_document *rec = NULL;
	char code[TAMGA_CODE_BUFSIZE], original[65];
	const char *caption[TAMGA_AGENCY_CAPTION_LINES];
	int rc = 0;

	oc->status = 0;
	if (len == 0) {
		fail(oc, 400, "no_document", "no document in the request");
		return;
	}
	if ((rec = calloc(1, sizeof(*rec))) == NULL) {
		fail(oc, 500, "internal", "out of memory");
		return;
	}
	sha256_hex(doc, len, original);
	/* Pointers into ak, made here: the keys array moved while it grew. */
	for (size_t i = 0; i < ak->caption_count; i++)
		caption[i] = ak->caption[i];
	for (int attempt = 0; attempt < 3; attempt++) {
		tamga_sign_options so = TAMGA_SIGN_OPTIONS_INIT;

		tamga_buf_dispose(&oc->signed_doc);
		if (tamga_code_generate(code) < 0) {
			fail(oc, 500, "internal", "the random generator failed");
			goto done;
		}
		so.signer = ak->signer;
		so.qr_url = st->qr_url;
		so.code = code;
		so.caption = ak->caption_count ? caption : NULL;
		so.caption_count = ak->caption_count;
		so.placement = ak->placement;
		so.no_stamp = ak->no_stamp;
		if ((rc = tamga_sign_buffer(&oc->signed_doc, doc, len, &so, &oc->result)) < 0) {
			const tamga_error *e = tamga_error_last();

			if (rc == TAMGA_EFORMAT || rc == TAMGA_EUNSUPPORTED || rc == TAMGA_ELIMIT || rc == TAMGA_EINVAL) {
				fail(oc, 400, "not_signable", e->message);
			} else {
				fprintf(stderr, "tamgad: signing failed (agency '%s'): %s: %s\n", ak->name,
				        tamga_error_name(rc), e->message);
				fail(oc, 500, "sign_failed", "the document could not be signed");
			}
			goto done;
		}
		memset(rec, 0, sizeof(*rec));
		str_copy(rec->code, sizeof(rec->code), oc->result.code);
		rec->agency_id = ak->id;
		snprintf(rec->doc_type, sizeof(rec->doc_type), "%s", m->doc_type);
		snprintf(rec->title, sizeof(rec->title), "%s", m->title);
		if (m->subject_ref[0] && tamga_registry_subject_hash(reg, m->subject_ref, rec->subject_hash) < 0) {
			fprintf(stderr, "tamgad: subject hash failed: %s\n", tamga_error_last()->message);
			fail(oc, 500, "registry", "the document could not be registered");
			goto done;
		}
		rec->issued_at = tamga_time_now();
		snprintf(rec->format, sizeof(rec->format), "%s", oc->result.format);
		memcpy(rec->sha256, oc->result.sha256, sizeof(rec->sha256));
		memcpy(rec->original_sha256, original, sizeof(rec->original_sha256));
		rec->size = oc->signed_doc.size;
		snprintf(rec->signer_subject, sizeof(rec->signer_subject), "%s", tamga_cert_subject(cert));
		snprintf(rec->signer_sha256, sizeof(rec->signer_sha256), "%s", tamga_cert_sha256(cert));
		rc = tamga_registry_register(reg, rec, oc->signed_doc.ptr, oc->signed_doc.size);
		if (rc != TAMGA_EEXISTS)
			break;
	}
	if (rc < 0) {
		fprintf(stderr, "tamgad: registering %s failed (agency '%s'): %s: %s\n", oc->result.code, ak->name,
		        tamga_error_name(rc), tamga_error_last()->message);
		fail(oc, 500, "registry", "the document could not be registered");
		goto done;
	}
	oc->status = 201;
done:
	if (oc->status != 201) {
		tamga_buf_dispose(&oc->signed_doc);
		metrics_sign_failed();
	} else {
		metrics_signed();
	}
	free(rec);
}

/* POST /api/v1/sign */
static void handle_sign(struct server *srv, tamga_registry *reg, const struct agency_key *ak,
                        const struct request *req, struct response *resp)
{
	struct outcome *oc = calloc(1, sizeof(*oc));
	const unsigned char *doc = req->body;
	size_t len = req->body_len;
	struct json *js = NULL;
	struct sbuf decoded = SBUF_INIT;
	struct mp_part *parts = NULL;
	char boundary[MP_BOUNDARY_MAX + 1];
	struct meta m;

	if (oc == NULL) {
		resp_json_error(resp, 500, "internal", "out of memory");
		return;
	}
	if (meta_from_request(&m, req, oc) < 0)
		goto reply;
	if (mp_boundary(req_header(req, "Content-Type"), boundary) == 0) {
		const struct mp_part *d, *md;
		const char *err;
		int n;

		if ((parts = calloc(MP_PARTS_MAX, sizeof(*parts))) == NULL) {
			fail(oc, 500, "internal", "out of memory");
			goto reply;
		}
		if ((n = mp_parse(req->body, req->body_len, boundary, parts, MP_PARTS_MAX, &err)) < 0) {
			fail(oc, 400, "bad_multipart", err);
			goto reply;
		}
		if ((d = mp_find(parts, n, "document")) == NULL) {
			fail(oc, 400, "no_document", "the form has no 'document' part");
			goto reply;
		}
		doc = d->data;
		len = d->len;
		if ((md = mp_find(parts, n, "metadata")) != NULL) {
			if ((js = json_parse((const char *)md->data, md->len, &err)) == NULL ||
			    js->type != JSON_OBJECT) {
				fail(oc, 400, "bad_metadata", "the 'metadata' part is not a JSON object");
				goto reply;
			}
			if (meta_from_json(&m, js, oc) < 0)
				goto reply;
		}
	} else if (req_is_type(req, "application/json")) {
		const char *err, *b64;

		if ((js = json_parse((const char *)req->body, req->body_len, &err)) == NULL || js->type != JSON_OBJECT ||
		    (b64 = json_get_str(js, "document")) == NULL) {
			fail(oc, 400, "bad_json", "expected a JSON object {document (base64), doc_type, title, subject_ref}");
			goto reply;
		}
		if (sb_unbase64(&decoded, b64, strlen(b64)) < 0) {
			fail(oc, 400, "bad_json", "'document' is not base64");
			goto reply;
		}
		if (meta_from_json(&m, js, oc) < 0)
			goto reply;
		doc = (const unsigned char *)(decoded.ptr ? decoded.ptr : "");
		len = decoded.len;
	}
	sign_one(srv, reg, ak, doc, len, &m, oc);
reply:
	if (oc->status != 201) {
		resp_json_error(resp, oc->status ? oc->status : 500, oc->error_code[0] ? oc->error_code : "internal", "%s",
		                oc->message);
	} else {
		char compact[TAMGA_CODE_BUFSIZE];

		tamga_code_compact(compact, oc->result.code);
		resp->status = 201;
		resp_header(resp, "X-Document-Code", "%s", oc->result.code);
		resp_header(resp, "Location", "%s", oc->result.url);
		if (req_wants_json(req)) {
			resp->content_type = "application/json";
			sb_puts(&resp->body, "{\"code\": \"");
			sb_json(&resp->body, oc->result.code);
			sb_puts(&resp->body, "\", \"url\": \"");
			sb_json(&resp->body, oc->result.url);
			sb_printf(&resp->body, "\", \"sha256\": \"%s\", \"size\": %zu, \"document\": \"", oc->result.sha256,
			          oc->signed_doc.size);
			sb_base64(&resp->body, oc->signed_doc.ptr, oc->signed_doc.size);
			sb_puts(&resp->body, "\"}\n");
		} else {
			tamga_document_type t;

			if (tamga_document_type_of(&t, oc->signed_doc.ptr, oc->signed_doc.size) < 0)
				t.media_type = "application/octet-stream", t.extension = "bin";
			resp->content_type = t.media_type;
			resp_header(resp, "Content-Disposition", "attachment; filename=\"%s.%s\"", compact, t.extension);
			sb_add(&resp->body, oc->signed_doc.ptr, oc->signed_doc.size);
		}
	}
	tamga_buf_dispose(&oc->signed_doc);
	free(oc);
	free(parts);
	json_free(js);
	sb_free(&decoded);
}

static void batch_item(struct sbuf *out, size_t index, const struct outcome *oc, const char *name)
{
	sb_printf(out, "%s\n  {\"index\": %zu, ", index ? "," : "", index);
	if (name && *name) {
		sb_puts(out, "\"filename\": \"");
		sb_json(out, name);
		sb_puts(out, "\", ");
	}
	sb_printf(out, "\"status\": %d, ", oc->status);
	if (oc->status == 201) {
		sb_puts(out, "\"code\": \"");
		sb_json(out, oc->result.code);
		sb_puts(out, "\", \"url\": \"");
		sb_json(out, oc->result.url);
		sb_printf(out, "\", \"sha256\": \"%s\"}", oc->result.sha256);
	} else {
		sb_puts(out, "\"error\": \"");
		sb_json(out, oc->message);
		sb_puts(out, "\", \"error_code\": \"");
		sb_json(out, oc->error_code);
		sb_puts(out, "\"}");
	}
}

/* POST /api/v1/sign/batch: each document signed and registered on its own. */
static void handle_batch(struct server *srv, tamga_registry *reg, const struct agency_key *ak,
                         const struct request *req, struct response *resp)
{
	struct outcome *oc = calloc(1, sizeof(*oc));
	struct mp_part *parts = NULL;
	struct json *js = NULL;
	char boundary[MP_BOUNDARY_MAX + 1];
	struct meta common, m;
	const char *err;
	size_t count = 0;

	if (oc == NULL) {
		resp_json_error(resp, 500, "internal", "out of memory");
		return;
	}
	if (meta_from_request(&common, req, oc) < 0) {
		resp_json_error(resp, oc->status, oc->error_code, "%s", oc->message);
		goto done;
	}
	resp->status = 200;
	resp->content_type = "application/json";
	if (mp_boundary(req_header(req, "Content-Type"), boundary) == 0) {
		const struct mp_part *md;
		int n;

		if ((parts = calloc(MP_PARTS_MAX, sizeof(*parts))) == NULL) {
			resp_json_error(resp, 500, "internal", "out of memory");
			goto done;
		}
		if ((n = mp_parse(req->body, req->body_len, boundary, parts, MP_PARTS_MAX, &err)) < 0) {
			resp_json_error(resp, 400, "bad_multipart", "%s", err);
			goto done;
		}
		if ((md = mp_find(parts, n, "metadata")) != NULL) {
			if ((js = json_parse((const char *)md->data, md->len, &err)) == NULL || js->type != JSON_OBJECT) {
				resp_json_error(resp, 400, "bad_metadata", "the 'metadata' part is not a JSON object");
				goto done;
			}
			if (meta_from_json(&common, js, oc) < 0) {
				resp_json_error(resp, oc->status, oc->error_code, "%s", oc->message);
				goto done;
			}
		}
		sb_puts(&resp->body, "[");
		for (int i = 0; i < n; i++) {
			if (strcmp(parts[i].name, "document") != 0)
				continue;
			memset(oc, 0, sizeof(*oc));
			sign_one(srv, reg, ak, parts[i].data, parts[i].len, &common, oc);
			batch_item(&resp->body, count++, oc, parts[i].filename);
			tamga_buf_dispose(&oc->signed_doc);
		}
	} else if (req_is_type(req, "application/json")) {
		if ((js = json_parse((const char *)req->body, req->body_len, &err)) == NULL || js->type != JSON_ARRAY) {
			resp_json_error(resp, 400, "bad_json",
			                "expected a JSON array of {document (base64), doc_type, title, subject_ref}");
			goto done;
		}
		for (const struct json *it = js->child; it; it = it->next)
			if (++count > BATCH_MAX) {
				resp_json_error(resp, 413, "too_many", "at most %d documents per batch", BATCH_MAX);
				goto done;
			}
		count = 0;
		sb_puts(&resp->body, "[");
		for (const struct json *it = js->child; it; it = it->next) {
			struct sbuf doc = SBUF_INIT;
			const char *b64 = json_get_str(it, "document");

			memset(oc, 0, sizeof(*oc));
			m = common;
			if (it->type != JSON_OBJECT || b64 == NULL)
				fail(oc, 400, "bad_json", "an item needs 'document' (base64)");
			else if (sb_unbase64(&doc, b64, strlen(b64)) < 0)
				fail(oc, 400, "bad_json", "'document' is not base64");
			else if (meta_from_json(&m, it, oc) == 0)
				sign_one(srv, reg, ak, doc.ptr ? (const unsigned char *)doc.ptr : (const unsigned char *)"",
				         doc.len, &m, oc);
			batch_item(&resp->body, count++, oc, NULL);
			tamga_buf_dispose(&oc->signed_doc);
			sb_free(&doc);
		}
	} else {
		resp_json_error(resp, 415, "unsupported_media_type",
		                "send multipart/form-data with 'document' parts, or a JSON array");
		goto done;
	}
	if (count == 0) {
		resp_json_error(resp, 400, "no_document", "the batch holds no document");
		goto done;
	}
	sb_puts(&resp->body, "\n]\n");
done:
	free(oc);
	free(parts);
	json_free(js);
}

/* POST /api/v1/documents/{code}/revoke | /supersede */
static void handle_status_change(struct server *srv, tamga_registry *reg, const struct agency_key *ak,
                                 const char *typed, const char *action, const struct request *req,
                                 struct response *resp)
{
	char code[TAMGA_CODE_BUFSIZE], by[TAMGA_CODE_BUFSIZE] = "";
	const char *reason = "", *err, *by_typed;
	struct json *js = NULL;
	tamga_document *doc = NULL;
	int supersede = strcmp(action, "/supersede") == 0, rc;

	(void)srv;
	if (tamga_code_normalize(code, typed) < 0) {
		resp_json_error(resp, 404, "not_found", "no such document: '%s' is not a document code", typed);
		return;
	}
	if (req->body_len > 0) {
		if ((js = json_parse((const char *)req->body, req->body_len, &err)) == NULL || js->type != JSON_OBJECT) {
			resp_json_error(resp, 400, "bad_json", "expected a JSON object {%sreason}", supersede ? "by, " : "");
			goto done;
		}
		if (json_get_str(js, "reason"))
			reason = json_get_str(js, "reason");
	}
	if (!text_ok(reason, TAMGA_REGISTRY_TEXT_MAX - 1)) {
		resp_json_error(resp, 400, "bad_reason", "the reason must be UTF-8 text of at most %d bytes",
		                TAMGA_REGISTRY_TEXT_MAX - 1);
		goto done;
	}
	if (supersede) {
		by_typed = json_get_str(js, "by");
		if (by_typed == NULL || tamga_code_normalize(by, by_typed) < 0) {
			resp_json_error(resp, 400, "bad_code", "'by' must be the code of the replacing document");
			goto done;
		}
		rc = tamga_registry_supersede(reg, code, ak->id, by, reason);
	} else {
		rc = tamga_registry_revoke(reg, code, ak->id, reason);
	}
	if (rc == TAMGA_ENOTFOUND) {
		resp_json_error(resp, 404, "not_found", "no such document%s", supersede ? " (or replacing document)" : "");
		goto done;
	}
	if (rc == TAMGA_ESTATE) {
		resp_json_error(resp, 409, "not_valid", "%s", tamga_error_last()->message);
		goto done;
	}
	if (rc == TAMGA_EINVAL || rc == TAMGA_EFORMAT) {
		resp_json_error(resp, 400, "bad_request", "%s", tamga_error_last()->message);
		goto done;
	}
	if (rc < 0) {
		fprintf(stderr, "tamgad: %s %s failed: %s\n", action + 1, code, tamga_error_last()->message);
		resp_json_error(resp, 500, "registry", "the registry could not be updated");
		goto done;
	}
	resp->status = 200;
	resp->content_type = "application/json";
	if ((doc = calloc(1, sizeof(*doc))) != NULL && tamga_registry_get(reg, code, doc) == 0) {
		char t[TAMGA_TIME_BUFSIZE];

		sb_puts(&resp->body, "{\"code\": \"");
		sb_json(&resp->body, doc->code);
		sb_printf(&resp->body, "\", \"status\": \"%s\", \"status_time\": \"%s\", \"reason\": ",
		          tamga_doc_status_name(doc->status), tamga_time_format(t, doc->status_time));
		json_str_or_null(&resp->body, doc->status_reason);
		sb_puts(&resp->body, ", \"replaced_by\": ");
		json_str_or_null(&resp->body, doc->replaced_by);
		sb_puts(&resp->body, "}\n");
	} else {
		sb_puts(&resp->body, "{\"code\": \"");
		sb_json(&resp->body, code);
		sb_printf(&resp->body, "\", \"status\": \"%s\"}\n", supersede ? "superseded" : "revoked");
	}
done:
	free(doc);
	json_free(js);
}

static void sign_handle(struct server *srv, const struct request *req, struct response *resp)
{
	const struct agency_key *ak;
	tamga_registry *reg = NULL;
	char typed[64];
	const char *rest = NULL;
	enum { SIGN, BATCH, REVOKE, SUPERSEDE } what;

	if (strcmp(req->path, "/api/v1/sign") == 0) {
		what = SIGN, resp->path_class = "sign";
	} else if (strcmp(req->path, "/api/v1/sign/batch") == 0) {
		what = BATCH, resp->path_class = "sign_batch";
	} else if (path_segment(req->path, "/api/v1/documents/", typed, sizeof(typed), &rest) == 0 &&
	           (strcmp(rest, "/revoke") == 0 || strcmp(rest, "/supersede") == 0)) {
		what = rest[1] == 'r' ? REVOKE : SUPERSEDE;
		resp->path_class = what == REVOKE ? "revoke" : "supersede";
	} else {
		resp_json_error(resp, 404, "not_found", "no such endpoint");
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		resp_json_error(resp, 405, "method_not_allowed", "use POST");
		resp_header(resp, "Allow", "POST");
		return;
	}
	if ((reg = regpool_get(&srv->pool)) == NULL) {
		fprintf(stderr, "tamgad: cannot open the registry: %s\n", tamga_error_last()->message);
		resp_json_error(resp, 500, "registry", "the registry cannot be opened");
		return;
	}
	if (authenticate(srv, reg, req, resp, &ak) == 0) {
		switch (what) {
		case SIGN: handle_sign(srv, reg, ak, req, resp); break;
		case BATCH: handle_batch(srv, reg, ak, req, resp); break;
		default: handle_status_change(srv, reg, ak, typed, rest, req, resp); break;
		}
	}
	regpool_put(&srv->pool, reg);
}

const struct role_ops sign_role = { "sign", sign_start, sign_handle, sign_stop };
