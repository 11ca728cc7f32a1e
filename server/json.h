/*
 * server/json.h - a small strict JSON reader (RFC 8259) for the request
 * bodies tamgad accepts: sign metadata, revoke/supersede reasons, batch
 * arrays.  Hostile input: nesting is limited to JSON_DEPTH_MAX, strings
 * must be valid escapes (a \u0000 is refused, so every string is a C
 * string), trailing bytes are an error.
 */
#ifndef TAMGAD_JSON_H
#define TAMGAD_JSON_H

#include <stddef.h>

#define JSON_DEPTH_MAX 16

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
	enum json_type type;
	char *key;              /* member name inside an object, else NULL */
	char *str;              /* JSON_STRING: decoded, NUL-terminated */
	size_t len;             /* its length in bytes */
	double num;             /* JSON_NUMBER */
	int boolean;            /* JSON_BOOL */
	struct json *child;     /* JSON_ARRAY / JSON_OBJECT: first element */
	struct json *next;      /* next sibling */
};

/* Parse text[0 .. len); NULL on error with *err a short static message. */
struct json *json_parse(const char *text, size_t len, const char **err);
void json_free(struct json *j);
/* The member key of an object, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
/* The member key when it is a string, else NULL. */
const char *json_get_str(const struct json *obj, const char *key);

#endif
