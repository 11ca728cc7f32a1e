/*
 * formats/format.h - the document format handlers (internal).
 *
 * Everything format-specific sits behind one operations table (DESIGN.md
 * §2): a handler only finds and writes bytes.  CMS, XML-DSig, chain
 * building, revocation and reporting exist once, outside the handlers.
 * A NULL operation means "not supported by this format"; callers say so.
 * formats/registry.c lists the handlers; nothing else tests a format name.
 */
#ifndef TAMGA_FORMATS_FORMAT_H
#define TAMGA_FORMATS_FORMAT_H

#include <stddef.h>

#include <tamga/sign.h>

#include "formats/evidence.h"

struct tamga__sign_job;

/* What a handler needs from the signing pipeline (signer/). */
struct tamga__sign_job {
	const unsigned char *in;        /* the document */
	size_t in_len;
	const tamga_sign_options *opts;
	tamga_time now;                 /* signing time */
	const char *code;               /* document code, printed form */
	const char *url;                /* QR payload */
	const char *const *lines;       /* caption lines (Mongolian first, then English) */
	size_t line_count;
	const char *digest;             /* "sha256", "sha384", "sha512" */
	size_t cms_max;                 /* upper bound of a CMS signature's DER size */
	/*
	 * Make a CAdES detached SignedData over content whose digest (with the
	 * job's digest algorithm) is given; appended to out.
	 */
	int (*cms)(const struct tamga__sign_job *job, const unsigned char *digest, size_t digest_len,
	           tamga_buf *out);
	void *payload;                  /* for cms */
	/*
	 * Output: prefix (borrowed, often the input itself) followed by tail.
	 * The pipeline writes them out and hashes the result.
	 */
	const unsigned char *out_prefix;
	size_t out_prefix_len;
	tamga_buf out_tail;
};

struct tamga_format {
	const char *name;               /* "pdf" */
	const char *media_type;         /* "application/pdf" */
	/* 1 when data looks like this format (cheap: magic bytes), else 0. */
	int (*probe)(const unsigned char *data, size_t len);
	/* Stamp, prepare, sign through job->cms, embed: fill job->out_*. */
	int (*sign)(struct tamga__sign_job *job);
	/*
	 * Find the signatures in data and judge the document's structure:
	 * fill ev (zeroed by the caller, ev->format set).  A document that
	 * cannot be read is not an error of the call: it sets ev->error and
	 * returns 0.  Negative only for out-of-memory.
	 */
	int (*verify)(const unsigned char *data, size_t len, struct tamga__evidence *ev);
};

/* The handler for data, or NULL (error set: "not a PDF, ..."). */
const struct tamga_format *tamga__format_find(const unsigned char *data, size_t len);

extern const struct tamga_format tamga__format_pdf;
extern const struct tamga_format tamga__format_odf;
extern const struct tamga_format tamga__format_ooxml;

#endif
