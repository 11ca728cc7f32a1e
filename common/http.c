/*
 * common/http.c - HTTP POST and GET with libcurl: RFC 3161, OCSP, CRLs.
 *
 * Everything a server says is hostile: the answer is capped while it
 * arrives (a server that streams forever is cut off at the limit, not when
 * memory runs out), redirects are not followed (a redirect could lead to
 * file:// or to an internal address), and only http and https are spoken.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/http.h"

#define URL_MSG_MAX 256

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_result = CURLE_FAILED_INIT;

/* curl_global_init is not thread-safe before curl 7.84: once, first use. */
static void global_init(void)
{
	global_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void tamga__http_url_for_message(char *dst, size_t size, const char *url)
{
	const char *scheme_end = strstr(url, "://"), *host, *at, *end;

	if (size == 0)
		return;
	if (scheme_end == NULL) {
		snprintf(dst, size, "%s", url);
		return;
	}
	host = scheme_end + 3;
	end = host + strcspn(host, "/?#");
	at = memchr(host, '@', (size_t)(end - host));
	/* Userinfo may hold a password: never in a message. */
	while (at != NULL) {
		const char *next = memchr(at + 1, '@', (size_t)(end - at - 1));

		if (next == NULL)
			break;
		at = next;
	}
	if (at == NULL)
		snprintf(dst, size, "%s", url);
	else
		snprintf(dst, size, "%.*s%s", (int)(host - url), url, at + 1);
}

struct sink {
	tamga_buf *out;
	size_t start;       /* out->size before the exchange */
	size_t max;
	int too_large;
	int oom;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct sink *s = userdata;
	size_t n = size * nmemb, have = s->out->size - s->start;

	if (n > s->max || have > s->max - n) {
		s->too_large = 1;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (tamga__buf_append(s->out, ptr, n) < 0) {
		s->oom = 1;
		return 0;
	}
	return n;
}

/* "application/timestamp-reply; charset=x" matches "application/timestamp-reply". */
static int type_matches(const char *got, const char *want)
{
	size_t n = strlen(want);

	if (strncasecmp(got, want, n) != 0)
		return 0;
	got += n;
	while (*got == ' ' || *got == '\t')
		got++;
	return *got == '\0' || *got == ';';
}

static int scheme_ok(const char *url)
{
	return strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0;
}

/* One exchange: a POST of body when content_type is set, else a GET. */
static int transfer(tamga_buf *out, const char *url, const char *content_type, const void *body, size_t len,
                    const struct tamga__http_limits *lim)
{
	char shown[URL_MSG_MAX], errbuf[CURL_ERROR_SIZE], header[256];
	struct sink sink = { out, out->size, TAMGA__HTTP_MAX_RESPONSE, 0, 0 };
	long connect_timeout = TAMGA__HTTP_CONNECT_TIMEOUT, timeout = TAMGA__HTTP_TIMEOUT, status = 0;
	struct curl_slist *headers = NULL, *h;
	const char *got_type = NULL;
	CURL *curl = NULL;
	CURLcode rc = CURLE_OK;
	int error = 0;

	tamga__http_url_for_message(shown, sizeof(shown), url);
	if (!scheme_ok(url))
		return tamga__error_set(TAMGA_EINVAL, "%s: only http:// and https:// URLs are fetched", shown);
	if (lim != NULL) {
		if (lim->connect_timeout > 0)
			connect_timeout = lim->connect_timeout;
		if (lim->timeout > 0)
			timeout = lim->timeout;
		if (lim->max_response > 0)
			sink.max = lim->max_response;
	}
	if (pthread_once(&global_once, global_init) != 0 || global_result != CURLE_OK)
		return tamga__error_set(TAMGA_EIO, "%s: libcurl cannot start: %s", shown,
		                        curl_easy_strerror(global_result));
	if ((curl = curl_easy_init()) == NULL)
		return tamga__error_set(TAMGA_ENOMEM, "%s: libcurl cannot start", shown);

	if (content_type != NULL) {
		snprintf(header, sizeof(header), "Content-Type: %s", content_type);
		if ((h = curl_slist_append(headers, header)) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
		headers = h;
		/* No "Expect: 100-continue" round trip. */
		if ((h = curl_slist_append(headers, "Expect:")) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
		headers = h;
	}

	errbuf[0] = '\0';
#define SET(opt, val) do { if (rc == CURLE_OK) rc = curl_easy_setopt(curl, opt, val); } while (0)
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	SET(CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_URL, url);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT, connect_timeout);
	SET(CURLOPT_TIMEOUT, timeout);
	SET(CURLOPT_USERAGENT, "tamga/" TAMGA_VERSION);
	if (content_type != NULL) {
		SET(CURLOPT_HTTPHEADER, headers);
		SET(CURLOPT_POST, 1L);
		SET(CURLOPT_POSTFIELDS, body ? body : "");
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else {
		SET(CURLOPT_HTTPGET, 1L);
	}
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_WRITEFUNCTION, on_data);
	SET(CURLOPT_WRITEDATA, &sink);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)sink.max);
#undef SET
	if (rc != CURLE_OK) {
		error = tamga__error_set(TAMGA_EIO, "%s: libcurl refused an option: %s", shown, curl_easy_strerror(rc));
		goto done;
	}

	rc = curl_easy_perform(curl);
	if (sink.oom) {
		error = tamga__error_oom();
		goto done;
	}
	if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		error = tamga__error_set(TAMGA_ELIMIT, "%s: the answer is larger than %zu bytes", shown, sink.max);
		goto done;
	}
	if (rc == CURLE_OPERATION_TIMEDOUT) {
		error = tamga__error_set(TAMGA_EIO, "%s: no answer within %ld s (%s)", shown, timeout,
		                         errbuf[0] ? errbuf : curl_easy_strerror(rc));
		goto done;
	}
	if (rc != CURLE_OK) {
		error = tamga__error_set(TAMGA_EIO, "%s: %s", shown, errbuf[0] ? errbuf : curl_easy_strerror(rc));
		goto done;
	}
	if (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK || status != 200) {
		/* A GET of something the server does not have (a CRL, a registry
		 * entry) is ENOTFOUND; a POST to a service answers, or it fails. */
		error = tamga__error_set(status == 404 && content_type == NULL ? TAMGA_ENOTFOUND : TAMGA_EIO,
		                         "%s: the server answered HTTP status %ld", shown, status);
		goto done;
	}
	if (lim != NULL && lim->accept_types != NULL) {
		const char *const *t;

		if (curl_easy_getinfo(curl, CURLINFO_CONTENT_TYPE, &got_type) != CURLE_OK)
			got_type = NULL;
		for (t = lim->accept_types; got_type != NULL && *t != NULL; t++)
			if (type_matches(got_type, *t))
				break;
		if (got_type == NULL || *t == NULL) {
			if (got_type == NULL)
				error = tamga__error_set(TAMGA_EFORMAT, "%s: the answer has no Content-Type (expected %s)",
				                         shown, lim->accept_types[0]);
			else
				error = tamga__error_set(TAMGA_EFORMAT, "%s: the answer's Content-Type is '%.80s', expected %s",
				                         shown, got_type, lim->accept_types[0]);
			goto done;
		}
	}
done:
	if (error < 0 && out->size > sink.start) {
		out->size = sink.start;
		out->ptr[out->size] = '\0';
	}
	curl_slist_free_all(headers);
	curl_easy_cleanup(curl);
	return error;
}

int tamga__http_post(tamga_buf *out, const char *url, const char *content_type, const void *body, size_t len,
                     const struct tamga__http_limits *lim)
{
	if (url == NULL || content_type == NULL || (body == NULL && len > 0))
		return tamga__error_set(TAMGA_EINVAL, "tamga__http_post: missing argument");
	if (strpbrk(content_type, "\r\n") != NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga__http_post: bad Content-Type");
	return transfer(out, url, content_type, body, len, lim);
}

int tamga__http_get(tamga_buf *out, const char *url, const struct tamga__http_limits *lim)
{
	if (url == NULL || out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga__http_get: missing argument");
	return transfer(out, url, NULL, NULL, 0, lim);
}
