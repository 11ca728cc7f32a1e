/*
 * verifier/report.c - the report model's memory, accessors and renderers:
 * JSON (DESIGN.md §4, with jansson) and text for a bank clerk.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/buf.h"
#include "common/error.h"
#include "verifier/report.h"

#define REPORT_VERSION 1

/* ------------------------------------------------------------ names */

const char *tamga_verdict_name(tamga_verdict verdict)
{
	switch (verdict) {
	case TAMGA_VERDICT_TOTAL_PASSED: return "TOTAL-PASSED";
	case TAMGA_VERDICT_TOTAL_FAILED: return "TOTAL-FAILED";
	case TAMGA_VERDICT_INDETERMINATE: return "INDETERMINATE";
	case TAMGA_VERDICT_NO_SIGNATURE: return "NO-SIGNATURE";
	}
	return "INDETERMINATE";
}

const char *tamga_subindication_name(tamga_subindication sub)
{
	static const char *const names[] = {
		NULL,
		"FORMAT_FAILURE",
		"HASH_FAILURE",
		"SIG_CRYPTO_FAILURE",
		"REVOKED",
		"NOT_YET_VALID",
		"SIG_CONSTRAINTS_FAILURE",
		"CHAIN_CONSTRAINTS_FAILURE",
		"CERTIFICATE_CHAIN_GENERAL_FAILURE",
		"CRYPTO_CONSTRAINTS_FAILURE_NO_POE",
		"NO_SIGNING_CERTIFICATE_FOUND",
		"NO_CERTIFICATE_CHAIN_FOUND",
		"REVOKED_NO_POE",
		"REVOKED_CA_NO_POE",
		"OUT_OF_BOUNDS_NO_POE",
		"TRY_LATER",
	};

	if ((size_t)sub >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[sub];
}

/* ------------------------------------------------------------ memory */

int tamga__strlist_add(struct strlist *l, const char *fmt, ...)
{
	char **grown, *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return tamga__error_oom();
	if ((grown = realloc(l->items, (l->len + 1) * sizeof(*grown))) == NULL) {
		free(s);
		return tamga__error_oom();
	}
	grown[l->len++] = s;
	l->items = grown;
	return 0;
}

void tamga__strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->len = 0;
}

void tamga__rep_cert_free(struct rep_cert *c)
{
	free(c->subject);
	free(c->issuer);
	free(c->serial);
	memset(c, 0, sizeof(*c));
}

static void sig_free(struct rep_sig *s)
{
	size_t i;

	free(s->id);
	free(s->subfilter);
	tamga__rep_cert_free(&s->signer);
	for (i = 0; i < s->ts_len; i++) {
		free(s->ts[i].tsa);
		free(s->ts[i].message);
	}
	free(s->ts);
	for (i = 0; i < s->mod_len; i++) {
		free(s->mods[i].kind);
		free(s->mods[i].detail);
	}
	free(s->mods);
	for (i = 0; i < s->chain_len; i++)
		tamga__rep_cert_free(&s->chain[i]);
	free(s->chain);
	tamga__strlist_free(&s->errors);
	tamga__strlist_free(&s->warnings);
}

void tamga_report_free(tamga_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->sig_len; i++)
		sig_free(&r->sigs[i]);
	free(r->sigs);
	free(r->file);
	free(r->document_code);
	free(r->reg_url);
	tamga__strlist_free(&r->errors);
	tamga__strlist_free(&r->warnings);
	free(r);
}

int tamga__report_new(tamga_report **out, const char *name)
{
	tamga_report *r;

	if ((r = calloc(1, sizeof(*r))) == NULL || (r->file = tamga__strdup(name ? name : "-")) == NULL) {
		free(r);
		return tamga__error_oom();
	}
	r->verdict = TAMGA_VERDICT_INDETERMINATE;
	*out = r;
	return 0;
}

int tamga__report_add_sig(tamga_report *r, struct rep_sig **out)
{
	struct rep_sig *grown;

	if ((grown = realloc(r->sigs, (r->sig_len + 1) * sizeof(*grown))) == NULL)
		return tamga__error_oom();
	r->sigs = grown;
	memset(&grown[r->sig_len], 0, sizeof(*grown));
	grown[r->sig_len].indication = TAMGA_VERDICT_INDETERMINATE;
	grown[r->sig_len].integrity = -1;
	grown[r->sig_len].revision = -1;
	grown[r->sig_len].rev_status = "unknown";
	grown[r->sig_len].rev_source = "none";
	*out = &grown[r->sig_len++];
	return 0;
}

/* ------------------------------------------------------------ accessors */

tamga_verdict tamga_report_verdict(const tamga_report *r) { return r ? r->verdict : TAMGA_VERDICT_INDETERMINATE; }
const char *tamga_report_format(const tamga_report *r) { return r ? r->format : NULL; }
const char *tamga_report_document_code(const tamga_report *r) { return r ? r->document_code : NULL; }
const char *tamga_report_sha256(const tamga_report *r) { return r ? r->sha256 : NULL; }
const char *tamga_report_registry_status(const tamga_report *r) { return r && r->reg_url ? r->reg_status : NULL; }
size_t tamga_report_signature_count(const tamga_report *r) { return r ? r->sig_len : 0; }

const char *tamga_report_signature_id(const tamga_report *r, size_t i)
{
	return r && i < r->sig_len ? r->sigs[i].id : NULL;
}

tamga_verdict tamga_report_signature_indication(const tamga_report *r, size_t i)
{
	return r && i < r->sig_len ? r->sigs[i].indication : TAMGA_VERDICT_INDETERMINATE;
}

tamga_subindication tamga_report_signature_subindication(const tamga_report *r, size_t i)
{
	return r && i < r->sig_len ? r->sigs[i].sub : TAMGA_SUB_NONE;
}

const char *tamga_report_signature_signer(const tamga_report *r, size_t i)
{
	return r && i < r->sig_len && r->sigs[i].has_signer ? r->sigs[i].signer.subject : NULL;
}

/* ------------------------------------------------------------ JSON */

/* Helpers that tolerate a failed allocation: a NULL value makes the
 * set fail, which json_render notices through the final check. */
static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jtime(tamga_time t)
{
	char buf[TAMGA_TIME_BUFSIZE];

	return t ? json_string(tamga_time_format(buf, t)) : json_null();
}

static json_t *jstrlist(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < l->len; i++)
		if (json_array_append_new(a, json_string(l->items[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *jcert(const struct rep_cert *c, int full)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	if (json_object_set_new(o, "subject", jstr(c->subject)) != 0 ||
	    (full && json_object_set_new(o, "issuer", jstr(c->issuer)) != 0) ||
	    (full && json_object_set_new(o, "serial", jstr(c->serial)) != 0) ||
	    json_object_set_new(o, "sha256", json_string(c->sha256)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *jsig(const struct rep_sig *s)
{
	json_t *o = json_object(), *a, *x;
	const char *sub = tamga_subindication_name(s->sub);
	size_t i;
	int bad = 0;

	if (o == NULL)
		return NULL;
	bad |= json_object_set_new(o, "id", jstr(s->id));
	bad |= json_object_set_new(o, "indication", json_string(tamga_verdict_name(s->indication)));
	bad |= json_object_set_new(o, "subindication", jstr(sub));
	bad |= json_object_set_new(o, "integrity", s->integrity < 0 ? json_null() : json_boolean(s->integrity));
	bad |= json_object_set_new(o, "level", jstr(s->level));
	bad |= json_object_set_new(o, "subfilter", jstr(s->subfilter));
	bad |= json_object_set_new(o, "certification", s->certification ? json_integer(s->certification)
	                                                                 : json_null());
	bad |= json_object_set_new(o, "signer", s->has_signer ? jcert(&s->signer, 1) : json_null());
	bad |= json_object_set_new(o, "signing_time", jtime(s->signing_time));
	bad |= json_object_set_new(o, "signing_time_source",
	                           s->signing_time == 0 ? json_null()
	                                                : json_string(s->signing_time_trusted ? "timestamp" : "claimed"));
	a = json_array();
	for (i = 0; a && i < s->ts_len; i++) {
		const struct rep_timestamp *t = &s->ts[i];

		x = json_object();
		if (x == NULL || json_object_set_new(x, "type", json_string(t->kind ? "document" : "signature")) != 0 ||
		    json_object_set_new(x, "time", jtime(t->time)) != 0 ||
		    json_object_set_new(x, "tsa", jstr(t->tsa)) != 0 ||
		    json_object_set_new(x, "indication", json_string(tamga_verdict_name(t->indication))) != 0 ||
		    json_object_set_new(x, "message", jstr(t->message)) != 0 ||
		    json_object_set_new(x, "validated_at", jtime(t->validated_at)) != 0 ||
		    json_object_set_new(x, "past_validation", json_boolean(t->past)) != 0 || json_array_append_new(a, x) != 0)
			bad = 1;
	}
	bad |= json_object_set_new(o, "timestamps", a);
	bad |= json_object_set_new(o, "revision", s->revision < 0 ? json_null() : json_integer(s->revision));
	bad |= json_object_set_new(o, "covers_whole_document", json_boolean(s->covers_whole_document));
	a = json_array();
	for (i = 0; a && i < s->mod_len; i++) {
		x = json_object();
		if (x == NULL || json_object_set_new(x, "kind", json_string(s->mods[i].kind)) != 0 ||
		    json_object_set_new(x, "allowed", json_boolean(s->mods[i].allowed)) != 0 ||
		    json_object_set_new(x, "detail", jstr(s->mods[i].detail)) != 0 || json_array_append_new(a, x) != 0)
			bad = 1;
	}
	bad |= json_object_set_new(o, "modifications", a);
	x = json_object();
	if (x == NULL || json_object_set_new(x, "status", json_string(s->rev_status)) != 0 ||
	    json_object_set_new(x, "source", json_string(s->rev_source)) != 0)
		bad = 1;
	bad |= json_object_set_new(o, "revocation", x);
	a = json_array();
	for (i = 0; a && i < s->chain_len; i++)
		if (json_array_append_new(a, jcert(&s->chain[i], 0)) != 0)
			bad = 1;
	bad |= json_object_set_new(o, "chain", a);
	bad |= json_object_set_new(o, "errors", jstrlist(&s->errors));
	bad |= json_object_set_new(o, "warnings", jstrlist(&s->warnings));
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* null when not asked; else what the registry said of the document's code. */
static json_t *jregistry(const tamga_report *r)
{
	json_t *o;
	int bad = 0;

	if (r->reg_url == NULL)
		return json_null();
	if ((o = json_object()) == NULL)
		return NULL;
	bad |= json_object_set_new(o, "url", json_string(r->reg_url));
	bad |= json_object_set_new(o, "code", jstr(r->document_code));
	bad |= json_object_set_new(o, "status", json_string(r->reg_status));
	bad |= json_object_set_new(o, "agency", r->reg_found ? jstr(r->reg.agency) : json_null());
	bad |= json_object_set_new(o, "title", r->reg_found ? jstr(r->reg.title) : json_null());
	bad |= json_object_set_new(o, "status_time", r->reg_found ? jtime(r->reg.status_time) : json_null());
	bad |= json_object_set_new(o, "reason", r->reg_found && r->reg.status_reason[0] ? jstr(r->reg.status_reason)
	                                                                              : json_null());
	bad |= json_object_set_new(o, "replaced_by", r->reg_found && r->reg.replaced_by[0] ? jstr(r->reg.replaced_by)
	                                                                                : json_null());
	bad |= json_object_set_new(o, "matches_registered_copy", r->reg_found ? json_boolean(r->reg_matches)
	                                                                     : json_null());
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int tamga_report_json(const tamga_report *r, tamga_buf *out)
{
	json_t *o, *a;
	char *text = NULL;
	size_t i;
	int bad = 0, error;

	if (r == NULL || out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_report_json: bad arguments");
	if ((o = json_object()) == NULL)
		return tamga__error_oom();
	bad |= json_object_set_new(o, "report_version", json_integer(REPORT_VERSION));
	bad |= json_object_set_new(o, "file", json_string(r->file));
	bad |= json_object_set_new(o, "format", jstr(r->format));
	bad |= json_object_set_new(o, "sha256", json_string(r->sha256));
	bad |= json_object_set_new(o, "validation_time", jtime(r->validation_time));
	bad |= json_object_set_new(o, "verdict", json_string(tamga_verdict_name(r->verdict)));
	bad |= json_object_set_new(o, "subindication", jstr(tamga_subindication_name(r->sub)));
	bad |= json_object_set_new(o, "document_code", jstr(r->document_code));
	a = json_array();
	for (i = 0; a && i < r->sig_len; i++)
		if (json_array_append_new(a, jsig(&r->sigs[i])) != 0)
			bad = 1;
	bad |= json_object_set_new(o, "signatures", a);
	bad |= json_object_set_new(o, "registry", jregistry(r));
	bad |= json_object_set_new(o, "errors", jstrlist(&r->errors));
	bad |= json_object_set_new(o, "warnings", jstrlist(&r->warnings));
	if (!bad)
		text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(o);
	if (text == NULL)
		return tamga__error_oom();
	error = tamga__buf_puts(out, text);
	free(text);
	return error;
}

/* ------------------------------------------------------------ text */

static int text_sig(tamga_buf *b, const struct rep_sig *s, size_t n, const char *format)
{
	const char *sub = tamga_subindication_name(s->sub);
	char when[TAMGA_TIME_BUFSIZE];
	size_t i;
	int e;

	e = tamga__buf_printf(b, "  [%zu] %s%s%s  %s\n", n + 1, tamga_verdict_name(s->indication), sub ? "/" : "",
	                      sub ? sub : "", s->id ? s->id : "(unnamed)");
	if (e == 0 && s->has_signer)
		e = tamga__buf_printf(b, "      signer:   %s\n      issuer:   %s\n", s->signer.subject, s->signer.issuer);
	if (e == 0 && s->signing_time)
		e = tamga__buf_printf(b, "      signed:   %s (%s)\n", tamga_time_format(when, s->signing_time),
		                      s->signing_time_trusted ? "time-stamp" : "claimed by the signer, not proven");
	if (e == 0 && s->level)
		e = tamga__buf_printf(b, "      level:    %s%s\n", s->level,
		                      s->certification ? ", certification signature" : "");
	if (e == 0 && s->integrity >= 0)
		e = tamga__buf_printf(b, "      coverage: %s\n",
		                      s->covers_whole_document ? "the whole document"
		                      : format != NULL && strcmp(format, "pdf") != 0
		                              ? "not every part of the package; see the modifications below"
		                              : "an earlier revision; later changes listed below");
	if (e == 0 && strcmp(s->rev_source, "none") != 0)
		e = tamga__buf_printf(b, "      revocation: %s (%s)\n", s->rev_status, s->rev_source);
	for (i = 0; e == 0 && i < s->ts_len; i++) {
		char at[TAMGA_TIME_BUFSIZE];

		e = tamga__buf_printf(b, "      %s time-stamp: %s by %s: %s%s%s%s%s%s\n", s->ts[i].kind ? "document" : "signature",
		                      s->ts[i].time ? tamga_time_format(when, s->ts[i].time) : "?",
		                      s->ts[i].tsa ? s->ts[i].tsa : "?", tamga_verdict_name(s->ts[i].indication),
		                      s->ts[i].past ? " (validated in the past, at " : "",
		                      s->ts[i].past ? tamga_time_format(at, s->ts[i].validated_at) : "",
		                      s->ts[i].past ? ", the proof of existence a document time-stamp gives)" : "",
		                      s->ts[i].message ? ": " : "", s->ts[i].message ? s->ts[i].message : "");
	}
	for (i = 0; e == 0 && i < s->mod_len; i++)
		e = tamga__buf_printf(b, "      change %s: %s: %s\n", s->mods[i].allowed ? "allowed" : "NOT ALLOWED",
		                      s->mods[i].kind, s->mods[i].detail ? s->mods[i].detail : "");
	for (i = 0; e == 0 && i < s->errors.len; i++)
		e = tamga__buf_printf(b, "      error:    %s\n", s->errors.items[i]);
	for (i = 0; e == 0 && i < s->warnings.len; i++)
		e = tamga__buf_printf(b, "      warning:  %s\n", s->warnings.items[i]);
	return e;
}

int tamga_report_text(const tamga_report *r, tamga_buf *out)
{
	const char *sub;
	size_t i;
	int e;

	if (r == NULL || out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_report_text: bad arguments");
	sub = tamga_subindication_name(r->sub);
	e = tamga__buf_printf(out, "%s: %s%s%s", r->file, tamga_verdict_name(r->verdict), sub ? "/" : "", sub ? sub : "");
	if (e == 0 && r->sig_len)
		e = tamga__buf_printf(out, " (%zu signature%s)", r->sig_len, r->sig_len == 1 ? "" : "s");
	if (e == 0 && r->document_code)
		e = tamga__buf_printf(out, ", document code %s", r->document_code);
	if (e == 0)
		e = tamga__buf_puts(out, "\n");
	/* One line per signature first, then the details. */
	for (i = 0; e == 0 && i < r->sig_len; i++) {
		const struct rep_sig *s = &r->sigs[i];
		const char *ss = tamga_subindication_name(s->sub);

		e = tamga__buf_printf(out, "  %-13s %s%s%s  %s\n", tamga_verdict_name(s->indication),
		                      s->has_signer ? s->signer.subject : "(signer unknown)", ss ? "  " : "",
		                      ss ? ss : "", s->id ? s->id : "");
	}
	if (e == 0 && r->reg_url != NULL)
		e = tamga__buf_printf(out, "  registry: %s at %s%s\n", r->reg_status, r->reg_url,
		                      !r->reg_found ? "" : r->reg_matches ? " (this is the registered copy)"
		                                                          : " (this file differs from the registered copy)");
	for (i = 0; e == 0 && i < r->errors.len; i++)
		e = tamga__buf_printf(out, "  error: %s\n", r->errors.items[i]);
	for (i = 0; e == 0 && i < r->warnings.len; i++)
		e = tamga__buf_printf(out, "  warning: %s\n", r->warnings.items[i]);
	if (e == 0 && r->sig_len)
		e = tamga__buf_puts(out, "details:\n");
	for (i = 0; e == 0 && i < r->sig_len; i++)
		e = text_sig(out, &r->sigs[i], i, r->format);
	return e;
}
