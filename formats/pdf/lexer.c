/*
 * formats/pdf/lexer.c - PDF lexical conventions and direct objects
 * (ISO 32000-1 §7.2 and §7.3).
 *
 *     token:   white space (NUL HT LF FF CR SP) and %comments separate tokens
 *              [ ] << >>  ( literal )  < hex >  /Name  123  -4.5  keyword
 *     object:  null true false  number  string  name  [ object* ]
 *              << (/Key object)* >>   N G R
 *
 * Strict where viewers disagree, because a verifier must read what every
 * viewer reads: a dictionary with the same key twice is refused (viewers
 * differ on which value wins, so one signed document could show two
 * different things), integers that do not fit 64 bits are refused rather
 * than wrapped or clamped, a name's #xx escape must be two hex digits and not
 * #00, and numbers are parsed without the C library (so the locale cannot
 * change them).  Nesting is bounded by limits->max_depth; every loop moves
 * forward through the input, so time is linear in its length.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "formats/pdf/reader.h"

/* ------------------------------------------------------------------ characters */

int tamga__pdf_is_ws(unsigned char c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

int tamga__pdf_is_delim(unsigned char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' ||
	       c == '/' || c == '%';
}

static int is_regular(unsigned char c)
{
	return !tamga__pdf_is_ws(c) && !tamga__pdf_is_delim(c);
}

/* ------------------------------------------------------------------ errors */

void tamga__pdf_quote(char out[32], const unsigned char *p, size_t n)
{
	size_t i, m = n > 24 ? 24 : n;

	for (i = 0; i < m; i++)
		out[i] = (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\'') ? (char)p[i] : '?';
	if (n > m) {
		out[m++] = '.';
		out[m++] = '.';
		out[m++] = '.';
	}
	out[m] = '\0';
}

int tamga__pdf_lex_error(const struct pdf_lexer *lx, int code, size_t pos, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lx->objstm != 0)
		return tamga__error_set(code, "PDF: object stream %u, offset %zu: %s", lx->objstm, pos, msg);
	return tamga__error_set(code, "PDF: offset %zu: %s", pos, msg);
}

/* ------------------------------------------------------------------ tokens */

void tamga__pdf_lexer_init(struct pdf_lexer *lx, const unsigned char *data, size_t len, size_t pos,
                           pdf_arena *arena, const struct pdf_limits *limits)
{
	lx->data = data;
	lx->len = len;
	lx->pos = pos;
	lx->arena = arena;
	lx->limits = limits;
	lx->objstm = 0;
}

void tamga__pdf_skip_ws(struct pdf_lexer *lx)
{
	while (lx->pos < lx->len) {
		unsigned char c = lx->data[lx->pos];

		if (tamga__pdf_is_ws(c)) {
			lx->pos++;
		} else if (c == '%') {
			while (lx->pos < lx->len && lx->data[lx->pos] != '\r' && lx->data[lx->pos] != '\n')
				lx->pos++;
		} else {
			break;
		}
	}
}

int tamga__pdf_tok_is(const struct pdf_lexer *lx, const struct pdf_token *tok, const char *kw)
{
	size_t n = strlen(kw);

	return tok->type == PDF_TOK_KEYWORD && tok->end - tok->start == n && memcmp(lx->data + tok->start, kw, n) == 0;
}

/*
 * A number token (§7.3.3): [+-]? digits [. digits*]  or  [+-]? . digits.
 * No exponents, no second sign or point.  An integer outside int64 is an
 * error: wrapping it would let two readers see different values.
 */
static int lex_number(struct pdf_lexer *lx, struct pdf_token *tok)
{
	const unsigned char *p = lx->data + tok->start;
	size_t n = tok->end - tok->start, i = 0, digits = 0;
	int neg = 0, point = 0;
	uint64_t mag = 0, max;
	char q[32];

	if (p[0] == '+' || p[0] == '-') {
		neg = p[0] == '-';
		i++;
	}
	tok->is_unsigned = i == 0;
	max = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < n; i++) {
		if (p[i] == '.' && !point) {
			point = 1;
		} else if (p[i] >= '0' && p[i] <= '9') {
			digits++;
			if (!point) {
				unsigned d = p[i] - '0';

				if (mag > (max - d) / 10) {
					tamga__pdf_quote(q, p, n);
					return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start,
					                            "integer overflow in '%s'", q);
				}
				mag = mag * 10 + d;
			}
		} else {
			tamga__pdf_quote(q, p, n);
			return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start, "malformed number '%s'", q);
		}
	}
	if (digits == 0) {
		tamga__pdf_quote(q, p, n);
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start, "malformed number '%s'", q);
	}
	if (point) {
		tok->type = PDF_TOK_REAL;
	} else {
		tok->type = PDF_TOK_INT;
		tok->integer = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	}
	return 0;
}

/* Find the ')' that closes the literal string at start (§7.3.4.2):
 * balanced unescaped parentheses nest, a backslash escapes the next byte. */
static int scan_literal(struct pdf_lexer *lx, struct pdf_token *tok)
{
	size_t i = tok->start + 1, depth = 1;

	while (i < lx->len) {
		unsigned char c = lx->data[i++];

		if (c == '\\') {
			if (i >= lx->len)
				break;
			i++;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			tok->type = PDF_TOK_STRING;
			tok->end = i;
			return 0;
		}
	}
	return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start, "unterminated string");
}

static int scan_hex(struct pdf_lexer *lx, struct pdf_token *tok)
{
	size_t i;

	for (i = tok->start + 1; i < lx->len; i++) {
		unsigned char c = lx->data[i];

		if (c == '>') {
			tok->type = PDF_TOK_HEXSTRING;
			tok->end = i + 1;
			return 0;
		}
		if (tamga__hexval(c) < 0 && !tamga__pdf_is_ws(c))
			return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, i, "invalid character 0x%02x in hex string",
			                            c);
	}
	return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start, "unterminated hex string");
}

int tamga__pdf_lex(struct pdf_lexer *lx, struct pdf_token *tok)
{
	unsigned char c;
	size_t i;

	memset(tok, 0, sizeof(*tok));
	tamga__pdf_skip_ws(lx);
	tok->start = tok->end = lx->pos;
	if (lx->pos >= lx->len) {
		tok->type = PDF_TOK_EOF;
		return 0;
	}
	c = lx->data[lx->pos];
	switch (c) {
	case '[':
		tok->type = PDF_TOK_ARRAY_OPEN;
		tok->end = lx->pos + 1;
		break;
	case ']':
		tok->type = PDF_TOK_ARRAY_CLOSE;
		tok->end = lx->pos + 1;
		break;
	case '<':
		if (lx->pos + 1 < lx->len && lx->data[lx->pos + 1] == '<') {
			tok->type = PDF_TOK_DICT_OPEN;
			tok->end = lx->pos + 2;
		} else if (scan_hex(lx, tok) < 0) {
			return TAMGA_EFORMAT;
		}
		break;
	case '>':
		if (lx->pos + 1 < lx->len && lx->data[lx->pos + 1] == '>') {
			tok->type = PDF_TOK_DICT_CLOSE;
			tok->end = lx->pos + 2;
			break;
		}
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, lx->pos, "unexpected '>'");
	case '(':
		if (scan_literal(lx, tok) < 0)
			return TAMGA_EFORMAT;
		break;
	case ')': case '{': case '}':
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, lx->pos, "unexpected '%c'", c);
	case '/':
		for (i = lx->pos + 1; i < lx->len && is_regular(lx->data[i]); i++)
			;
		tok->type = PDF_TOK_NAME;
		tok->end = i;
		break;
	default:
		for (i = lx->pos; i < lx->len && is_regular(lx->data[i]); i++)
			;
		tok->end = i;
		if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
			if (lex_number(lx, tok) < 0)
				return TAMGA_EFORMAT;
		} else {
			tok->type = PDF_TOK_KEYWORD;
		}
	}
	lx->pos = tok->end;
	return 0;
}

/* ------------------------------------------------------------------ objects */

/* Decode a literal string's bytes (§7.3.4.2, Table 3). */
static pdf_obj *decode_literal(struct pdf_lexer *lx, const struct pdf_token *tok)
{
	const unsigned char *p = lx->data + tok->start + 1, *end = lx->data + tok->end - 1;
	unsigned char *buf = tamga__pdf_alloc(lx->arena, (size_t)(end - p) + 1);
	size_t n = 0;
	pdf_obj *o;

	if (buf == NULL)
		return NULL;
	while (p < end) {
		unsigned char c = *p++;

		if (c == '\r') {
			/* An unescaped EOL of any kind is one LF. */
			if (p < end && *p == '\n')
				p++;
			buf[n++] = '\n';
		} else if (c != '\\') {
			buf[n++] = c;
		} else {
			c = *p++; /* scan_literal saw a byte after every backslash */
			switch (c) {
			case 'n': buf[n++] = '\n'; break;
			case 'r': buf[n++] = '\r'; break;
			case 't': buf[n++] = '\t'; break;
			case 'b': buf[n++] = '\b'; break;
			case 'f': buf[n++] = '\f'; break;
			case '\r':
				/* Line continuation: backslash EOL is nothing. */
				if (p < end && *p == '\n')
					p++;
				break;
			case '\n':
				break;
			default:
				if (c >= '0' && c <= '7') {
					unsigned v = c - '0', k;

					for (k = 1; k < 3 && p < end && *p >= '0' && *p <= '7'; k++)
						v = v * 8 + (unsigned)(*p++ - '0');
					buf[n++] = (unsigned char)(v & 0xff); /* high-order overflow ignored */
				} else {
					/* \( \) \\ and, by the spec, any other: the backslash is dropped. */
					buf[n++] = c;
				}
			}
		}
	}
	o = tamga__pdf_string(lx->arena, buf, n, 0);
	return o;
}

static pdf_obj *decode_hex(struct pdf_lexer *lx, const struct pdf_token *tok)
{
	size_t i, n = 0, count = 0;
	unsigned char *buf = tamga__pdf_alloc(lx->arena, (tok->end - tok->start) / 2 + 1);
	unsigned v = 0;

	if (buf == NULL)
		return NULL;
	for (i = tok->start + 1; i + 1 < tok->end; i++) {
		int h = tamga__hexval(lx->data[i]);

		if (h < 0)
			continue; /* white space: scan_hex allowed nothing else */
		v = v * 16 + (unsigned)h;
		if (++count % 2 == 0) {
			buf[n++] = (unsigned char)v;
			v = 0;
		}
	}
	if (count % 2)
		buf[n++] = (unsigned char)(v * 16); /* a missing last digit is 0 (§7.3.4.3) */
	return tamga__pdf_string(lx->arena, buf, n, PDF_STR_HEX);
}

/* A name's bytes after '/', #xx resolved (§7.3.5), into the arena. */
static int decode_name(struct pdf_lexer *lx, const struct pdf_token *tok, char **out, size_t *len)
{
	const unsigned char *p = lx->data + tok->start + 1;
	size_t n = tok->end - tok->start - 1, i, k = 0;
	char *buf = tamga__pdf_alloc(lx->arena, n + 1);

	if (buf == NULL)
		return tamga_error_last()->code;
	for (i = 0; i < n; i++) {
		if (p[i] == '#') {
			int hi = i + 1 < n ? tamga__hexval(p[i + 1]) : -1;
			int lo = i + 2 < n ? tamga__hexval(p[i + 2]) : -1;

			if (hi < 0 || lo < 0)
				return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start + 1 + i,
				                            "'#' in a name is not followed by two hex digits");
			if (hi == 0 && lo == 0)
				return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start + 1 + i,
				                            "#00 in a name (NUL is not allowed in names)");
			buf[k++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			buf[k++] = (char)p[i];
		}
	}
	buf[k] = '\0';
	*out = buf;
	*len = k;
	return 0;
}

/* After an unsigned integer: do " G R" follow?  Only peeks at the next
 * bytes, so no string or array is scanned twice. */
static int ref_follows(struct pdf_lexer *lx, struct pdf_token *gen)
{
	size_t save = lx->pos;
	struct pdf_token r;
	int is_ref = 0;

	tamga__pdf_skip_ws(lx);
	if (lx->pos < lx->len && lx->data[lx->pos] >= '0' && lx->data[lx->pos] <= '9' && tamga__pdf_lex(lx, gen) == 0 &&
	    gen->type == PDF_TOK_INT && gen->is_unsigned) {
		tamga__pdf_skip_ws(lx);
		if (lx->pos < lx->len && lx->data[lx->pos] == 'R' && tamga__pdf_lex(lx, &r) == 0 &&
		    tamga__pdf_tok_is(lx, &r, "R"))
			is_ref = 1;
	}
	if (!is_ref) {
		lx->pos = save;
		tamga_error_clear(); /* a lexing error here is met again by the real parse */
	}
	return is_ref;
}

static int parse(struct pdf_lexer *lx, const struct pdf_token *tok, unsigned int depth, pdf_obj **out);

static int push_entry(pdf_arena *a, pdf_obj *d, char *key, size_t key_len, pdf_obj *value)
{
	struct pdf_dict_entry *items;

	if (d->u.dict.len == d->u.dict.cap) {
		size_t ncap = d->u.dict.cap ? d->u.dict.cap * 2 : 8;

		if (ncap > SIZE_MAX / sizeof(*items))
			return tamga__error_oom();
		if ((items = tamga__pdf_alloc(a, ncap * sizeof(*items))) == NULL)
			return tamga_error_last()->code;
		if (d->u.dict.len)
			memcpy(items, d->u.dict.items, d->u.dict.len * sizeof(*items));
		d->u.dict.items = items;
		d->u.dict.cap = ncap;
	}
	items = &d->u.dict.items[d->u.dict.len++];
	items->key = key;
	items->key_len = key_len;
	items->value = value;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct pdf_dict_entry *x = *(const struct pdf_dict_entry *const *)a;
	const struct pdf_dict_entry *y = *(const struct pdf_dict_entry *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);

	if (c != 0)
		return c;
	return x->key_len < y->key_len ? -1 : x->key_len > y->key_len;
}

/*
 * A key given twice is refused: viewers disagree on which value wins (first
 * or last), which is enough for a shadow attack.  Small dictionaries are
 * checked pairwise, large ones sorted, so a dictionary of a million keys
 * costs n log n, not n².
 */
static int check_duplicates(struct pdf_lexer *lx, const pdf_obj *d)
{
	size_t n = d->u.dict.len, i, j;
	const struct pdf_dict_entry **idx = NULL, *dup = NULL;
	char q[32];
	int error = 0;

	if (n <= 16) {
		for (i = 0; i < n && dup == NULL; i++)
			for (j = i + 1; j < n && dup == NULL; j++)
				if (cmp_entry(&(const struct pdf_dict_entry *){ &d->u.dict.items[i] },
				              &(const struct pdf_dict_entry *){ &d->u.dict.items[j] }) == 0)
					dup = &d->u.dict.items[j];
	} else {
		if ((idx = malloc(n * sizeof(*idx))) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
		for (i = 0; i < n; i++)
			idx[i] = &d->u.dict.items[i];
		qsort(idx, n, sizeof(*idx), cmp_entry);
		for (i = 1; i < n && dup == NULL; i++)
			if (cmp_entry(&idx[i - 1], &idx[i]) == 0)
				dup = idx[i];
	}
	if (dup != NULL) {
		tamga__pdf_quote(q, (const unsigned char *)dup->key, dup->key_len);
		error = tamga__pdf_lex_error(lx, TAMGA_EFORMAT, d->offset,
		                             "dictionary has the key /%s twice", q);
	}
done:
	free(idx);
	return error;
}

static int parse_array(struct pdf_lexer *lx, const struct pdf_token *open, unsigned int depth, pdf_obj **out)
{
	pdf_obj *a = tamga__pdf_array(lx->arena), *item;
	struct pdf_token tok;
	int error;

	if (a == NULL)
		return tamga_error_last()->code;
	a->offset = open->start;
	for (;;) {
		if ((error = tamga__pdf_lex(lx, &tok)) < 0)
			return error;
		if (tok.type == PDF_TOK_ARRAY_CLOSE)
			break;
		if (tok.type == PDF_TOK_EOF)
			return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, open->start, "unterminated array");
		if ((error = parse(lx, &tok, depth + 1, &item)) < 0 ||
		    (error = tamga__pdf_array_push(lx->arena, a, item)) < 0)
			return error;
	}
	*out = a;
	return 0;
}

static int parse_dict(struct pdf_lexer *lx, const struct pdf_token *open, unsigned int depth, pdf_obj **out)
{
	pdf_obj *d = tamga__pdf_dict(lx->arena), *value;
	struct pdf_token tok;
	char *key, q[32];
	size_t key_len;
	int error;

	if (d == NULL)
		return tamga_error_last()->code;
	d->offset = open->start;
	for (;;) {
		if ((error = tamga__pdf_lex(lx, &tok)) < 0)
			return error;
		if (tok.type == PDF_TOK_DICT_CLOSE)
			break;
		if (tok.type == PDF_TOK_EOF)
			return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, open->start, "unterminated dictionary");
		if (tok.type != PDF_TOK_NAME) {
			tamga__pdf_quote(q, lx->data + tok.start, tok.end - tok.start);
			return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok.start,
			                            "dictionary key is not a name: '%s'", q);
		}
		if ((error = decode_name(lx, &tok, &key, &key_len)) < 0)
			return error;
		if ((error = tamga__pdf_lex(lx, &tok)) < 0)
			return error;
		if (tok.type == PDF_TOK_DICT_CLOSE || tok.type == PDF_TOK_EOF) {
			tamga__pdf_quote(q, (const unsigned char *)key, key_len);
			return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok.start, "dictionary key /%s has no value", q);
		}
		if ((error = parse(lx, &tok, depth + 1, &value)) < 0 ||
		    (error = push_entry(lx->arena, d, key, key_len, value)) < 0)
			return error;
	}
	if ((error = check_duplicates(lx, d)) < 0)
		return error;
	*out = d;
	return 0;
}

static int parse(struct pdf_lexer *lx, const struct pdf_token *tok, unsigned int depth, pdf_obj **out)
{
	pdf_obj *o = NULL;
	struct pdf_token gen;
	char q[32];
	int error = 0;

	switch (tok->type) {
	case PDF_TOK_INT:
		if (tok->is_unsigned && ref_follows(lx, &gen)) {
			if (tok->integer > UINT32_MAX || gen.integer > UINT16_MAX)
				return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start,
				                            "reference %lld %lld R out of range",
				                            (long long)tok->integer, (long long)gen.integer);
			o = tamga__pdf_ref(lx->arena, (uint32_t)tok->integer, (uint16_t)gen.integer);
		} else {
			o = tamga__pdf_int(lx->arena, tok->integer);
		}
		break;
	case PDF_TOK_REAL: {
		const unsigned char *p = lx->data + tok->start;
		size_t n = tok->end - tok->start, i;
		double v = 0, scale = 1;
		int point = 0, neg = 0;
		char *text;

		/* Digits by hand, not strtod: no locale, no exponent, no hex. */
		for (i = 0; i < n; i++) {
			if (p[i] == '-')
				neg = 1;
			else if (p[i] == '.')
				point = 1;
			else if (p[i] >= '0' && p[i] <= '9') {
				v = v * 10 + (p[i] - '0');
				if (point)
					scale *= 10;
			}
		}
		v /= scale;
		if (!isfinite(v)) {
			tamga__pdf_quote(q, p, n);
			return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start, "real number out of range: '%s'", q);
		}
		if ((o = tamga__pdf_real(lx->arena, neg ? -v : v)) == NULL || (text = tamga__pdf_alloc(lx->arena, n + 1)) == NULL)
			return tamga_error_last()->code;
		memcpy(text, p, n);
		o->u.real.text = text;
		o->u.real.text_len = n;
		break;
	}
	case PDF_TOK_STRING:
		o = decode_literal(lx, tok);
		break;
	case PDF_TOK_HEXSTRING:
		o = decode_hex(lx, tok);
		break;
	case PDF_TOK_NAME:
		if ((o = tamga__pdf_alloc(lx->arena, sizeof(*o))) == NULL)
			return tamga_error_last()->code;
		o->type = PDF_NAME;
		if ((error = decode_name(lx, tok, &o->u.name.data, &o->u.name.len)) < 0)
			return error;
		break;
	case PDF_TOK_ARRAY_OPEN:
	case PDF_TOK_DICT_OPEN:
		if (depth >= lx->limits->max_depth)
			return tamga__pdf_lex_error(lx, TAMGA_ELIMIT, tok->start,
			                            "arrays and dictionaries nested deeper than %u",
			                            lx->limits->max_depth);
		error = tok->type == PDF_TOK_ARRAY_OPEN ? parse_array(lx, tok, depth, &o) : parse_dict(lx, tok, depth, &o);
		if (error < 0)
			return error;
		break;
	case PDF_TOK_KEYWORD:
		if (tamga__pdf_tok_is(lx, tok, "null"))
			o = tamga__pdf_null(lx->arena);
		else if (tamga__pdf_tok_is(lx, tok, "true"))
			o = tamga__pdf_bool(lx->arena, 1);
		else if (tamga__pdf_tok_is(lx, tok, "false"))
			o = tamga__pdf_bool(lx->arena, 0);
		else {
			tamga__pdf_quote(q, lx->data + tok->start, tok->end - tok->start);
			return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start, "unexpected '%s'", q);
		}
		break;
	case PDF_TOK_EOF:
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start, "unexpected end of data");
	case PDF_TOK_ARRAY_CLOSE:
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start, "unexpected ']'");
	case PDF_TOK_DICT_CLOSE:
		return tamga__pdf_lex_error(lx, TAMGA_EFORMAT, tok->start, "unexpected '>>'");
	}
	if (o == NULL)
		return tamga_error_last()->code;
	o->offset = tok->start;
	*out = o;
	return 0;
}

int tamga__pdf_parse_token(struct pdf_lexer *lx, const struct pdf_token *tok, pdf_obj **out)
{
	return parse(lx, tok, 0, out);
}

int tamga__pdf_parse_object(struct pdf_lexer *lx, pdf_obj **out)
{
	struct pdf_token tok;
	int error = tamga__pdf_lex(lx, &tok);

	return error < 0 ? error : parse(lx, &tok, 0, out);
}
