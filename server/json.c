/*
 * server/json.c - the JSON reader of json.h: recursive descent over
 * RFC 8259's grammar, depth-limited.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sbuf.h"

struct parser {
	const char *p, *end;
	const char *err;
};

static struct json *value(struct parser *ps, int depth);

static void ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static struct json *fail(struct parser *ps, const char *msg, struct json *j)
{
	if (ps->err == NULL)
		ps->err = msg;
	json_free(j);
	return NULL;
}

static int hex4(const char *s, unsigned *out)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static void utf8(struct sbuf *sb, unsigned cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6), b[1] = (unsigned char)(0x80 | (cp & 63)), n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12), b[1] = (unsigned char)(0x80 | ((cp >> 6) & 63));
		b[2] = (unsigned char)(0x80 | (cp & 63)), n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18), b[1] = (unsigned char)(0x80 | ((cp >> 12) & 63));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 63)), b[3] = (unsigned char)(0x80 | (cp & 63)), n = 4;
	}
	sb_add(sb, b, n);
}

/* A string starting at the opening quote; the decoded text in *out. */
static int string(struct parser *ps, char **out, size_t *outlen)
{
	struct sbuf sb = SBUF_INIT;

	ps->p++;
	for (;;) {
		unsigned char c;

		if (ps->p >= ps->end)
			goto bad;
		c = (unsigned char)*ps->p++;
		if (c == '"')
			break;
		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			sb_add(&sb, &c, 1);
			continue;
		}
		if (ps->p >= ps->end)
			goto bad;
		c = (unsigned char)*ps->p++;
		switch (c) {
		case '"': case '\\': case '/': sb_add(&sb, &c, 1); break;
		case 'b': sb_add(&sb, "\b", 1); break;
		case 'f': sb_add(&sb, "\f", 1); break;
		case 'n': sb_add(&sb, "\n", 1); break;
		case 'r': sb_add(&sb, "\r", 1); break;
		case 't': sb_add(&sb, "\t", 1); break;
		case 'u': {
			unsigned cp, lo;

			if (ps->end - ps->p < 4 || hex4(ps->p, &cp) < 0 || cp == 0)
				goto bad;
			ps->p += 4;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				goto bad;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' || hex4(ps->p + 2, &lo) < 0 ||
				    lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				ps->p += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			utf8(&sb, cp);
			break;
		}
		default:
			goto bad;
		}
	}
	sb_add(&sb, "", 0);
	*outlen = sb.len;
	if ((*out = sb_take(&sb, NULL)) == NULL) {
		ps->err = "out of memory";
		return -1;
	}
	return 0;
bad:
	sb_free(&sb);
	ps->err = "bad string";
	return -1;
}

static int literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
		return -1;
	ps->p += n;
	return 0;
}

static struct json *number(struct parser *ps, struct json *j)
{
	const char *s = ps->p;
	char buf[64];

	if (ps->p < ps->end && *ps->p == '-')
		ps->p++;
	if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
		return fail(ps, "bad number", j);
	if (*ps->p == '0')
		ps->p++;
	else
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return fail(ps, "bad number", j);
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (ps->p >= ps->end || *ps->p < '0' || *ps->p > '9')
			return fail(ps, "bad number", j);
		while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
			ps->p++;
	}
	if ((size_t)(ps->p - s) >= sizeof(buf))
		return fail(ps, "number too long", j);
	memcpy(buf, s, (size_t)(ps->p - s));
	buf[ps->p - s] = '\0';
	j->type = JSON_NUMBER;
	j->num = strtod(buf, NULL);
	return j;
}

static struct json *container(struct parser *ps, struct json *j, int depth)
{
	int obj = *ps->p == '{';
	char close = obj ? '}' : ']';
	struct json **tail = &j->child;

	j->type = obj ? JSON_OBJECT : JSON_ARRAY;
	ps->p++;
	ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return j;
	}
	for (;;) {
		char *key = NULL;
		size_t klen;
		struct json *v;

		ws(ps);
		if (obj) {
			if (ps->p >= ps->end || *ps->p != '"' || string(ps, &key, &klen) < 0)
				return fail(ps, "expected a member name", j);
			ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				free(key);
				return fail(ps, "expected ':'", j);
			}
			ps->p++;
		}
		if ((v = value(ps, depth + 1)) == NULL) {
			free(key);
			return fail(ps, "bad value", j);
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return j;
		}
		return fail(ps, obj ? "expected ',' or '}'" : "expected ',' or ']'", j);
	}
}

static struct json *value(struct parser *ps, int depth)
{
	struct json *j;

	if (depth > JSON_DEPTH_MAX)
		return fail(ps, "nested too deeply", NULL);
	ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end", NULL);
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return fail(ps, "out of memory", NULL);
	switch (*ps->p) {
	case '{': case '[':
		return container(ps, j, depth);
	case '"':
		j->type = JSON_STRING;
		if (string(ps, &j->str, &j->len) < 0)
			return fail(ps, "bad string", j);
		return j;
	case 't':
		j->type = JSON_BOOL, j->boolean = 1;
		return literal(ps, "true") < 0 ? fail(ps, "bad literal", j) : j;
	case 'f':
		j->type = JSON_BOOL;
		return literal(ps, "false") < 0 ? fail(ps, "bad literal", j) : j;
	case 'n':
		j->type = JSON_NULL;
		return literal(ps, "null") < 0 ? fail(ps, "bad literal", j) : j;
	default:
		return number(ps, j);
	}
}

struct json *json_parse(const char *text, size_t len, const char **err)
{
	struct parser ps = { text, text + len, NULL };
	struct json *j = value(&ps, 0);

	if (j != NULL) {
		ws(&ps);
		if (ps.p != ps.end)
			j = fail(&ps, "trailing bytes after the JSON value", j);
	}
	if (err)
		*err = ps.err ? ps.err : "bad JSON";
	return j;
}

void json_free(struct json *j)
{
	while (j != NULL) {
		struct json *next = j->next;

		json_free(j->child);
		free(j->key);
		free(j->str);
		free(j);
		j = next;
	}
}

const struct json *json_get(const struct json *obj, const char *key)
{
	if (obj == NULL || obj->type != JSON_OBJECT)
		return NULL;
	for (const struct json *m = obj->child; m; m = m->next)
		if (strcmp(m->key, key) == 0)
			return m;
	return NULL;
}

const char *json_get_str(const struct json *obj, const char *key)
{
	const struct json *m = json_get(obj, key);

	return m && m->type == JSON_STRING ? m->str : NULL;
}
