/*
 * common/http.h - the HTTP client for what tamga fetches from the network:
 * RFC 3161 time-stamps now; OCSP responses and CRLs later (internal).
 *
 * Only http:// and https:// (TLS certificates checked by libcurl against
 * the system store), no redirects, bounded time and size.  Messages name
 * the URL without any user:password part.
 */
#ifndef TAMGA_COMMON_HTTP_H
#define TAMGA_COMMON_HTTP_H

#include <tamga/common.h>

#define TAMGA__HTTP_CONNECT_TIMEOUT 10           /* seconds */
#define TAMGA__HTTP_TIMEOUT 30                   /* seconds */
#define TAMGA__HTTP_MAX_RESPONSE (1024u * 1024u) /* bytes */

struct tamga__http_limits {
	long connect_timeout;   /**< seconds; 0 = TAMGA__HTTP_CONNECT_TIMEOUT */
	long timeout;           /**< seconds for the whole exchange; 0 = TAMGA__HTTP_TIMEOUT */
	size_t max_response;    /**< body bytes; 0 = TAMGA__HTTP_MAX_RESPONSE */
	/** NULL-terminated media types the answer's Content-Type must be one
	 *  of (case-insensitive, parameters after ';' ignored); NULL: any. */
	const char *const *accept_types;
};

/**
 * POST body (len bytes, sent with the given Content-Type) to url and append
 * the answer's body to out.  lim may be NULL (all defaults).
 *
 * Errors: TAMGA_EINVAL (not an http:// or https:// URL), TAMGA_EIO (no
 * connection, TLS failure, time-out, an HTTP status other than 200),
 * TAMGA_ELIMIT (an answer larger than the limit), TAMGA_EFORMAT (the
 * Content-Type is not one of accept_types).  On error out is as it was.
 */
int tamga__http_post(tamga_buf *out, const char *url, const char *content_type, const void *body, size_t len,
                     const struct tamga__http_limits *lim);

/**
 * GET url and append the answer's body to out, with the limits and errors
 * of tamga__http_post(), except that a 404 answer is TAMGA_ENOTFOUND (CRLs
 * from distribution points, registry entries).
 */
int tamga__http_get(tamga_buf *out, const char *url, const struct tamga__http_limits *lim);

/** url for messages: the user:password@ part removed, cut to fit size. */
void tamga__http_url_for_message(char *dst, size_t size, const char *url);

#endif
