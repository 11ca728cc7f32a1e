/*
 * server/pages.h - the citizen-facing HTML of the verify role: Mongolian
 * first, English second; one self-contained page each (inline CSS, no
 * external assets, no JavaScript needed), readable on a phone.  Every
 * value that comes from a document, the registry or the request is
 * escaped (sb_html).
 *
 * Pages append to a struct sbuf; the caller sends it with
 * "Content-Type: text/html; charset=utf-8".
 */
#ifndef TAMGAD_PAGES_H
#define TAMGAD_PAGES_H

#include <tamga/tamga.h>

#include "sbuf.h"

typedef enum { LANG_MN = 0, LANG_EN = 1 } page_lang;

/*
 * The page language: ?lang=mn|en when given (query_lang may be NULL),
 * else the first of mn/en in Accept-Language (may be NULL) by q-value,
 * else Mongolian.
 */
page_lang page_lang_pick(const char *query_lang, const char *accept_language);

/*
 * GET /v/{code}: the status of a registered document.
 *   doc != NULL        VALID / REVOKED / SUPERSEDED (with reason, time and the
 *                      replacement's link), issuer agency, document type,
 *                      title, issue date, SHA-256, signer, and a download link
 *                      to /v/{code}/document; plus the upload form to compare a
 *                      copy (POST /v/{code}/check).
 *   doc == NULL        typed is what the person asked for: "UNKNOWN CODE"
 *                      (malformed = 0: well formed but not registered) or a
 *                      helpful "this is not a document code" page (malformed
 *                      = 1) that explains the format (XXXX-XXXX-XXXX-XXXX-X)
 *                      and offers a box to type it again (GET /v).
 * base is the public base URL without trailing slash ("" for relative links).
 */
void page_document(struct sbuf *out, page_lang lang, const char *base, const char *typed, const tamga_document *doc,
                   int malformed);

/* GET /v (no code) and GET /verify: type a code, or upload a document to
 * verify (POST /verify, multipart/form-data, field "document"). */
void page_home(struct sbuf *out, page_lang lang, const char *base);

/*
 * The result of verifying an uploaded document (POST /verify or
 * POST /v/{code}/check): the verdict in plain words (valid / not valid /
 * cannot be confirmed), one line per signature (signer, indication and
 * sub-indication explained in plain words), and, when registered is not
 * NULL, whether the upload is byte-for-byte the registered copy
 * (same_as_registered) and the registry status.
 */
void page_report(struct sbuf *out, page_lang lang, const char *base, const tamga_report *report,
                 const tamga_document *registered, int same_as_registered);

/* Any error: status 400/404/413/500..., a sentence for people, no internals. */
void page_error(struct sbuf *out, page_lang lang, const char *base, int status, const char *what);

#endif
