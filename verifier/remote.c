/*
 * verifier/remote.c - a document's registry entry from a tamgad verify
 * role, over its JSON API (GET /api/v1/documents/{code}).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include <tamga/verify.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/http.h"

#define MAX_ANSWER (64u * 1024u)

/* A string member copied into dst (size bytes); absent or null = "". */
static int take(char *dst, size_t size, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	dst[0] = '\0';
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) >= size)
		return -1;
	memcpy(dst, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int take_time(tamga_time *dst, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	*dst = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v) || tamga_time_parse(dst, json_string_value(v)) < 0) {
		tamga_error_clear();
		return -1;
	}
	return 0;
}

static int parse(tamga_document *d, const char *text, size_t len, const char *shown)
{
	char status[32];
	json_error_t jerr;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	int bad;

	if (o == NULL || !json_is_object(o)) {
		json_decref(o);
		return tamga__error_set(TAMGA_EFORMAT, "%s: the answer is not a JSON object", shown);
	}
	memset(d, 0, sizeof(*d));
	bad = take(d->code, sizeof(d->code), o, "code") | take(d->agency, sizeof(d->agency), o, "agency") |
	      take(d->doc_type, sizeof(d->doc_type), o, "doc_type") | take(d->title, sizeof(d->title), o, "title") |
	      take(d->sha256, sizeof(d->sha256), o, "sha256") | take(status, sizeof(status), o, "status") |
	      take(d->status_reason, sizeof(d->status_reason), o, "reason") |
	      take(d->replaced_by, sizeof(d->replaced_by), o, "replaced_by") |
	      take_time(&d->issued_at, o, "issued_at") | take_time(&d->status_time, o, "status_time");
	json_decref(o);
	if (bad)
		return tamga__error_set(TAMGA_EFORMAT, "%s: the answer has a member of the wrong type", shown);
	if (strcmp(status, "valid") == 0)
		d->status = TAMGA_DOC_VALID;
	else if (strcmp(status, "revoked") == 0)
		d->status = TAMGA_DOC_REVOKED;
	else if (strcmp(status, "superseded") == 0)
		d->status = TAMGA_DOC_SUPERSEDED;
	else
		return tamga__error_set(TAMGA_EFORMAT, "%s: unknown document status '%s'", shown, status);
	if (d->code[0] == '\0')
		return tamga__error_set(TAMGA_EFORMAT, "%s: the answer names no code", shown);
	return 0;
}

int tamga_document_lookup(const char *server_url, const char *code, long timeout_seconds, tamga_document *out)
{
	static const char *const types[] = { "application/json", NULL };
	struct tamga__http_limits lim = { 0, 0, MAX_ANSWER, types };
	char compact[TAMGA_CODE_BUFSIZE], shown[256];
	tamga_buf url = TAMGA_BUF_INIT, body = TAMGA_BUF_INIT;
	size_t n;
	int e;

	if (server_url == NULL || code == NULL || out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_document_lookup: bad arguments");
	if ((e = tamga_code_compact(compact, code)) < 0)
		return e;
	n = strlen(server_url);
	while (n > 0 && server_url[n - 1] == '/')
		n--;
	lim.timeout = timeout_seconds;
	lim.connect_timeout = timeout_seconds;
	if ((e = tamga__buf_printf(&url, "%.*s/api/v1/documents/%s", (int)n, server_url, compact)) < 0)
		return e;
	tamga__http_url_for_message(shown, sizeof(shown), (const char *)url.ptr);
	if ((e = tamga__http_get(&body, (const char *)url.ptr, &lim)) == 0)
		e = parse(out, (const char *)body.ptr, body.size, shown);
	tamga_buf_dispose(&url);
	tamga_buf_dispose(&body);
	return e;
}
