/*
 * signer/sign.c - the signing pipeline (DESIGN.md §2), format-independent:
 *
 *     load -> sniff format -> document code, QR URL, caption
 *          -> handler: stamp, reserve the signature slot, digest
 *          -> CAdES signature (formats/cms) [+ time-stamp] -> handler: embed
 *          -> write atomically
 *
 * Registration (the registry row committed before the file is returned)
 * belongs to the service layer, which calls tamga_sign_buffer().
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include <tamga/code.h>
#include <tamga/sign.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "formats/cms/cms.h"
#include "formats/format.h"
#include "pki/pki.h"

#define DEFAULT_QR_URL "https://verify.tamga.invalid/v/{code}"
/* Largest document tamga signs (the reader's own limit is larger). */
#define MAX_DOCUMENT ((size_t)512 << 20)
#define MAX_CAPTION_LINES 4

int tamga_level_parse(tamga_level *out, const char *name)
{
	if (name != NULL && strcasecmp(name, "B-B") == 0)
		*out = TAMGA_LEVEL_B_B;
	else if (name != NULL && strcasecmp(name, "B-T") == 0)
		*out = TAMGA_LEVEL_B_T;
	else if (name != NULL && strcasecmp(name, "B-LT") == 0)
		*out = TAMGA_LEVEL_B_LT;
	else if (name != NULL && strcasecmp(name, "B-LTA") == 0)
		*out = TAMGA_LEVEL_B_LTA;
	else
		return tamga__error_set(TAMGA_EINVAL, "unknown signature level '%s' (B-B, B-T, B-LT or B-LTA)",
		                        name ? name : "");
	return 0;
}

struct pipeline {
	struct tamga__sign_job job;
	struct tamga__cades_options cades;
	char code[TAMGA_CODE_BUFSIZE];
	char url[TAMGA_SIGN_TEXT_MAX];
	char *owned[MAX_CAPTION_LINES + 8];   /* caption lines we formatted */
	const char *lines[MAX_CAPTION_LINES + 8];
	size_t nlines, nowned;
};

static int job_cms(const struct tamga__sign_job *job, const unsigned char *digest, size_t len, tamga_buf *out)
{
	const struct pipeline *p = job->payload;

	return tamga__cades_sign(out, &p->cades, digest, len);
}

/* The verification URL: the code replaces {code}, or is appended as the
 * last path segment. */
static int make_url(struct pipeline *p, const char *tmpl, const char *code_for_url)
{
	const char *at = strstr(tmpl, "{code}");
	int n;

	if (strncmp(tmpl, "https://", 8) != 0 && strncmp(tmpl, "http://", 7) != 0)
		return tamga__error_set(TAMGA_EINVAL, "the QR URL '%s' must start with https:// or http://", tmpl);
	if (at != NULL)
		n = snprintf(p->url, sizeof(p->url), "%.*s%s%s", (int)(at - tmpl), tmpl, code_for_url, at + 6);
	else
		n = snprintf(p->url, sizeof(p->url), "%s%s%s", tmpl, tmpl[strlen(tmpl) - 1] == '/' ? "" : "/",
		             code_for_url);
	if (n < 0 || (size_t)n >= sizeof(p->url) || n > 300)
		return tamga__error_set(TAMGA_EINVAL, "the QR URL is longer than 300 characters");
	return 0;
}

/* The host part of the URL, for the caption. */
static void url_host(const char *url, char *out, size_t size)
{
	const char *h = strstr(url, "://"), *end;

	h = h ? h + 3 : url;
	end = h + strcspn(h, "/?#");
	snprintf(out, size, "%.*s", (int)(end - h), h);
}

static int add_line(struct pipeline *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int add_line(struct pipeline *p, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return tamga__error_oom();
	p->owned[p->nowned++] = s;
	p->lines[p->nlines++] = s;
	return 0;
}

static int caption(struct pipeline *p, const tamga_sign_options *o, tamga_time now)
{
	char date[TAMGA_TIME_BUFSIZE], host[256], *agency = NULL;
	size_t i;
	int error;

	if (o->caption_count > MAX_CAPTION_LINES)
		return tamga__error_set(TAMGA_EINVAL, "at most %d caption lines", MAX_CAPTION_LINES);
	tamga_time_format(date, now);
	date[10] = '\0';
	url_host(p->url, host, sizeof(host));
	/* Mongolian first, English second: the citizen reads this. */
	if ((error = add_line(p, "Цахим гарын үсгээр баталгаажсан / Digitally signed")) < 0)
		return error;
	if (o->caption_count > 0) {
		for (i = 0; i < o->caption_count; i++) {
			if (o->caption[i] == NULL || o->caption[i][0] == '\0')
				return tamga__error_set(TAMGA_EINVAL, "a caption line is empty");
			p->lines[p->nlines++] = o->caption[i];
		}
	} else {
		if ((error = tamga__cert_attr(tamga_signer_cert(o->signer), "CN", &agency)) < 0)
			return error;
		if (agency != NULL) {
			error = add_line(p, "%s", agency);
			free(agency);
			if (error < 0)
				return error;
		}
	}
	if ((error = add_line(p, "Огноо / Date: %s", date)) < 0 ||
	    (error = add_line(p, "Код / Code: %s", p->code)) < 0 ||
	    (error = add_line(p, "Шалгах / Verify: %s", host)) < 0)
		return error;
	return 0;
}

static void pipeline_free(struct pipeline *p)
{
	size_t i;

	for (i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	tamga_buf_dispose(&p->job.out_tail);
}

static int run(struct pipeline *p, const void *in, size_t in_len, const tamga_sign_options *o,
               tamga_sign_result *result)
{
	const struct tamga_format *fmt;
	char url_code[TAMGA_CODE_BUFSIZE];
	int error;

	memset(p, 0, sizeof(*p));
	if (o == NULL || o->version != TAMGA_SIGN_OPTIONS_VERSION || o->signer == NULL)
		return tamga__error_set(TAMGA_EINVAL, "signing: options version or signer missing");
	if (in_len > MAX_DOCUMENT)
		return tamga__error_set(TAMGA_ELIMIT, "the document (%zu bytes) is larger than %zu bytes", in_len,
		                        MAX_DOCUMENT);
	if (o->level > TAMGA_LEVEL_B_LTA)
		return tamga__error_set(TAMGA_EINVAL, "unknown signature level %d", (int)o->level);
	if (o->level != TAMGA_LEVEL_B_B && (o->tsa_url == NULL || *o->tsa_url == '\0'))
		return tamga__error_set(TAMGA_EINVAL, "levels B-T, B-LT and B-LTA need a time-stamp authority URL");
	if (o->level == TAMGA_LEVEL_B_B && o->tsa_url != NULL)
		return tamga__error_set(TAMGA_EINVAL, "a time-stamp authority is not used at level B-B");
	if (o->certify < 0 || o->certify > 3)
		return tamga__error_set(TAMGA_EINVAL, "certification permissions must be 1, 2 or 3");
	if ((fmt = tamga__format_find(in, in_len)) == NULL)
		return tamga_error_last()->code;

	/* Document code and URL. */
	if (o->code != NULL)
		error = tamga_code_normalize(p->code, o->code);
	else
		error = tamga_code_generate(p->code);
	if (error < 0 || (error = tamga_code_compact(url_code, p->code)) < 0 ||
	    (error = make_url(p, o->qr_url ? o->qr_url : DEFAULT_QR_URL, url_code)) < 0)
		return error;

	p->job.now = o->now ? o->now : tamga_time_now();
	if (!o->no_stamp && (error = caption(p, o, p->job.now)) < 0)
		return error;

	p->cades.signer = o->signer;
	p->cades.digest = o->digest ? o->digest : "sha256";
	p->cades.rsa_pss = o->rsa_pss;
	p->cades.tsa_url = o->level != TAMGA_LEVEL_B_B ? o->tsa_url : NULL;
	if (EVP_get_digestbyname(p->cades.digest) == NULL || (strcmp(p->cades.digest, "sha256") != 0 &&
	                                                      strcmp(p->cades.digest, "sha384") != 0 &&
	                                                      strcmp(p->cades.digest, "sha512") != 0))
		return tamga__error_set(TAMGA_EINVAL, "unknown digest '%s' (sha256, sha384 or sha512)", p->cades.digest);

	p->job.in = in;
	p->job.in_len = in_len;
	p->job.opts = o;
	p->job.code = p->code;
	p->job.url = p->url;
	p->job.lines = p->lines;
	p->job.line_count = p->nlines;
	p->job.digest = p->cades.digest;
	p->job.cms_max = tamga__cades_max_size(&p->cades);
	p->job.cms = job_cms;
	p->job.payload = p;
	if ((error = fmt->sign(&p->job)) < 0)
		return error;

	if (result != NULL) {
		unsigned char md[32];
		unsigned int mdlen = 0;
		EVP_MD_CTX *c = EVP_MD_CTX_new();
		int ok = c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) &&
		         EVP_DigestUpdate(c, p->job.out_prefix, p->job.out_prefix_len) &&
		         EVP_DigestUpdate(c, p->job.out_tail.ptr, p->job.out_tail.size) &&
		         EVP_DigestFinal_ex(c, md, &mdlen);

		EVP_MD_CTX_free(c);
		if (!ok)
			return tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the signed document");
		memset(result, 0, sizeof(*result));
		snprintf(result->format, sizeof(result->format), "%s", fmt->name);
		snprintf(result->code, sizeof(result->code), "%s", p->code);
		snprintf(result->url, sizeof(result->url), "%s", p->url);
		tamga__hex(result->sha256, md, sizeof(md));
		result->size = p->job.out_prefix_len + p->job.out_tail.size;
	}
	return 0;
}

int tamga_sign_buffer(tamga_buf *out, const void *in, size_t in_len, const tamga_sign_options *opts,
                      tamga_sign_result *result)
{
	struct pipeline p;
	int error;

	if (out == NULL || (in == NULL && in_len > 0))
		return tamga__error_set(TAMGA_EINVAL, "tamga_sign_buffer: bad arguments");
	if ((error = run(&p, in, in_len, opts, result)) == 0 &&
	    (error = tamga__buf_append(out, p.job.out_prefix, p.job.out_prefix_len)) == 0)
		error = tamga__buf_append(out, p.job.out_tail.ptr, p.job.out_tail.size);
	pipeline_free(&p);
	return error;
}

int tamga_sign_file(const char *in_path, const char *out_path, const tamga_sign_options *opts,
                    tamga_sign_result *result)
{
	struct pipeline p;
	tamga_buf in = TAMGA_BUF_INIT;
	struct stat si, so;
	int error;

	memset(&p, 0, sizeof(p));
	if (in_path == NULL || out_path == NULL || opts == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_sign_file: bad arguments");
	if (stat(in_path, &si) == 0 && stat(out_path, &so) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
		return tamga__error_set(TAMGA_EINVAL, "%s: the output would overwrite the input", out_path);
	if (!opts->overwrite && (error = tamga__file_absent(out_path)) < 0)
		return tamga__error_prefix("will not overwrite");
	if ((error = tamga__file_read(&in, in_path, MAX_DOCUMENT)) < 0)
		goto done;
	if ((error = run(&p, in.ptr, in.size, opts, result)) < 0) {
		tamga__error_prefix("%s", in_path);
		goto done;
	}
	{
		struct tamga__part parts[2] = {
			{ p.job.out_prefix, p.job.out_prefix_len },
			{ p.job.out_tail.ptr, p.job.out_tail.size },
		};

		error = tamga__file_write_parts(out_path, parts, 2, 0644, opts->overwrite);
	}
done:
	pipeline_free(&p);
	tamga_buf_dispose(&in);
	return error;
}
