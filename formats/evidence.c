/*
 * formats/evidence.c - building and freeing what format handlers find.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/cms/cms_verify.h"
#include "formats/evidence.h"

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

static int push_string(char ***list, size_t *count, char *s)
{
	char **grown;

	if (s == NULL)
		return tamga__error_oom();
	if ((grown = realloc(*list, (*count + 1) * sizeof(**list))) == NULL) {
		free(s);
		return tamga__error_oom();
	}
	grown[(*count)++] = s;
	*list = grown;
	return 0;
}

static void free_strings(char **list, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(list[i]);
	free(list);
}

static void free_sig(struct tamga__sig_evidence *s)
{
	size_t i;

	free(s->id);
	free(s->subfilter);
	free(s->format_error);
	free(s->value);
	free(s->reason);
	free(s->location);
	free(s->contact);
	for (i = 0; i < s->mod_count; i++) {
		free(s->mods[i].kind);
		free(s->mods[i].detail);
	}
	free(s->mods);
	free_strings(s->warnings, s->warning_count);
	free(s->code);
	if (s->integrity != NULL) {
		tamga__cms_result_free(s->integrity);
		free(s->integrity);
	}
}

static void free_blobs(struct tamga__blob *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(b[i].data);
	free(b);
}

void tamga__evidence_free(struct tamga__evidence *ev)
{
	size_t i;

	if (ev == NULL)
		return;
	for (i = 0; i < ev->sig_count; i++)
		free_sig(&ev->sigs[i]);
	free(ev->sigs);
	free_blobs(ev->certs, ev->cert_count);
	free_blobs(ev->crls, ev->crl_count);
	free_blobs(ev->ocsps, ev->ocsp_count);
	free(ev->error);
	free_strings(ev->warnings, ev->warning_count);
	memset(ev, 0, sizeof(*ev));
}

int tamga__evidence_add_sig(struct tamga__evidence *ev, struct tamga__sig_evidence **out)
{
	struct tamga__sig_evidence *grown;

	if ((grown = realloc(ev->sigs, (ev->sig_count + 1) * sizeof(*grown))) == NULL)
		return tamga__error_oom();
	ev->sigs = grown;
	memset(&grown[ev->sig_count], 0, sizeof(*grown));
	grown[ev->sig_count].revision = -1;
	*out = &grown[ev->sig_count++];
	return 0;
}

int tamga__evidence_sig_warn(struct tamga__sig_evidence *sig, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	return push_string(&sig->warnings, &sig->warning_count, s);
}

int tamga__evidence_sig_mod(struct tamga__sig_evidence *sig, const char *kind, int allowed, const char *fmt, ...)
{
	struct tamga__modification *grown;
	va_list ap;
	char *detail, *k;

	va_start(ap, fmt);
	detail = vformat(fmt, ap);
	va_end(ap);
	k = tamga__strdup(kind);
	if (detail == NULL || k == NULL ||
	    (grown = realloc(sig->mods, (sig->mod_count + 1) * sizeof(*grown))) == NULL) {
		free(detail);
		free(k);
		return tamga__error_oom();
	}
	sig->mods = grown;
	grown[sig->mod_count].kind = k;
	grown[sig->mod_count].allowed = allowed != 0;
	grown[sig->mod_count].detail = detail;
	sig->mod_count++;
	return 0;
}

/* *dst = the formatted text unless already set: the first problem found
 * is the one reported. */
static int set_once(char **dst, const char *fmt, va_list ap)
{
	if (*dst != NULL)
		return 0;
	*dst = vformat(fmt, ap);
	return *dst ? 0 : tamga__error_oom();
}

int tamga__evidence_sig_format_error(struct tamga__sig_evidence *sig, const char *fmt, ...)
{
	va_list ap;
	int e;

	va_start(ap, fmt);
	e = set_once(&sig->format_error, fmt, ap);
	va_end(ap);
	return e;
}

int tamga__evidence_warn(struct tamga__evidence *ev, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	return push_string(&ev->warnings, &ev->warning_count, s);
}

int tamga__evidence_error(struct tamga__evidence *ev, const char *fmt, ...)
{
	va_list ap;
	int e;

	va_start(ap, fmt);
	e = set_once(&ev->error, fmt, ap);
	va_end(ap);
	return e;
}

int tamga__evidence_add_blob(struct tamga__evidence *ev, int which, const void *data, size_t len)
{
	return tamga__evidence_add_blob_at(ev, which, data, len, -1);
}

int tamga__evidence_add_blob_at(struct tamga__evidence *ev, int which, const void *data, size_t len, int revision)
{
	struct tamga__blob **list = which == 0 ? &ev->certs : which == 1 ? &ev->crls : &ev->ocsps;
	size_t *count = which == 0 ? &ev->cert_count : which == 1 ? &ev->crl_count : &ev->ocsp_count;
	struct tamga__blob *grown;
	unsigned char *copy;

	if ((copy = malloc(len ? len : 1)) == NULL)
		return tamga__error_oom();
	memcpy(copy, data, len);
	if ((grown = realloc(*list, (*count + 1) * sizeof(*grown))) == NULL) {
		free(copy);
		return tamga__error_oom();
	}
	grown[*count].data = copy;
	grown[*count].len = len;
	grown[*count].revision = revision;
	(*count)++;
	*list = grown;
	return 0;
}
