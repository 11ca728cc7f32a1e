/*
 * formats/pdf/object.c - PDF objects (ISO 32000-1 §7.3): the arena they
 * live in, constructors, containers and serialisation.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/pdf/pdf.h"

/* ------------------------------------------------------------------ arena */

#define CHUNK (64u * 1024u)
#define ALIGN 16u

struct chunk {
	struct chunk *next;
	size_t used, size;
	unsigned char data[];
};

struct pdf_arena {
	struct chunk *head;
	size_t total;   /* bytes allocated from the system */
	size_t budget;  /* 0: unlimited */
};

void tamga__pdf_limits_default(struct pdf_limits *out)
{
	out->max_file = (size_t)512 << 20;
	out->max_objects = 4u << 20;
	out->max_depth = 64;
	out->max_stream = (size_t)256 << 20;
	out->max_ratio = 1100;
	out->max_memory = (size_t)1 << 30;
	out->max_revisions = 10000;
	out->max_resolve = 32;
}

pdf_arena *tamga__pdf_arena_new(size_t budget)
{
	pdf_arena *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		tamga__error_oom();
		return NULL;
	}
	a->budget = budget;
	return a;
}

void tamga__pdf_arena_free(pdf_arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *tamga__pdf_alloc(pdf_arena *a, size_t size)
{
	struct chunk *c = a->head;
	size_t need = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	void *p;

	if (size == 0)
		need = ALIGN;
	if (need < size) {
		tamga__error_oom();
		return NULL;
	}
	if (c == NULL || c->size - c->used < need) {
		size_t csize = need > CHUNK / 4 ? need : CHUNK;

		if (a->budget != 0 && (a->total + csize > a->budget || a->total + csize < a->total)) {
			tamga__error_set(TAMGA_ELIMIT, "PDF: the document needs more than %zu bytes of memory",
			                 a->budget);
			return NULL;
		}
		c = malloc(sizeof(*c) + csize);
		if (c == NULL) {
			tamga__error_oom();
			return NULL;
		}
		c->size = csize;
		c->used = 0;
		a->total += csize;
		if (csize == CHUNK || a->head == NULL) {
			c->next = a->head;
			a->head = c;
		} else {
			/* A big block: keep filling the current chunk afterwards. */
			c->next = a->head->next;
			a->head->next = c;
		}
	}
	p = c->data + c->used;
	c->used += need;
	memset(p, 0, need);
	return p;
}

/* ------------------------------------------------------------------ constructors */

static pdf_obj *new_obj(pdf_arena *a, pdf_type type)
{
	pdf_obj *o = tamga__pdf_alloc(a, sizeof(*o));

	if (o != NULL) {
		o->type = type;
		o->offset = SIZE_MAX;
	}
	return o;
}

pdf_obj *tamga__pdf_null(pdf_arena *a)
{
	return new_obj(a, PDF_NULL);
}

pdf_obj *tamga__pdf_bool(pdf_arena *a, int value)
{
	pdf_obj *o = new_obj(a, PDF_BOOL);

	if (o != NULL)
		o->u.boolean = value != 0;
	return o;
}

pdf_obj *tamga__pdf_int(pdf_arena *a, int64_t value)
{
	pdf_obj *o = new_obj(a, PDF_INT);

	if (o != NULL)
		o->u.integer = value;
	return o;
}

pdf_obj *tamga__pdf_real(pdf_arena *a, double value)
{
	pdf_obj *o = new_obj(a, PDF_REAL);

	if (o != NULL)
		o->u.real.value = value;
	return o;
}

pdf_obj *tamga__pdf_name(pdf_arena *a, const char *name)
{
	pdf_obj *o = new_obj(a, PDF_NAME);
	size_t n = strlen(name);

	if (o == NULL || (o->u.name.data = tamga__pdf_alloc(a, n + 1)) == NULL)
		return NULL;
	memcpy(o->u.name.data, name, n + 1);
	o->u.name.len = n;
	return o;
}

pdf_obj *tamga__pdf_string(pdf_arena *a, const void *data, size_t len, unsigned int flags)
{
	pdf_obj *o = new_obj(a, PDF_STRING);

	if (o == NULL || (o->u.string.data = tamga__pdf_alloc(a, len + 1)) == NULL)
		return NULL;
	if (len)
		memcpy(o->u.string.data, data, len);
	o->u.string.len = len;
	o->flags = flags;
	return o;
}

pdf_obj *tamga__pdf_array(pdf_arena *a)
{
	return new_obj(a, PDF_ARRAY);
}

pdf_obj *tamga__pdf_dict(pdf_arena *a)
{
	return new_obj(a, PDF_DICT);
}

pdf_obj *tamga__pdf_ref(pdf_arena *a, uint32_t num, uint16_t gen)
{
	pdf_obj *o = new_obj(a, PDF_REF);

	if (o != NULL) {
		o->u.ref.num = num;
		o->u.ref.gen = gen;
	}
	return o;
}

pdf_obj *tamga__pdf_stream(pdf_arena *a, pdf_obj *dict, const void *data, size_t len)
{
	pdf_obj *o = new_obj(a, PDF_STREAM), *length;
	unsigned char *copy;

	if (o == NULL || dict == NULL || dict->type != PDF_DICT)
		return NULL;
	if ((copy = tamga__pdf_alloc(a, len)) == NULL || (length = tamga__pdf_int(a, (int64_t)len)) == NULL ||
	    tamga__pdf_dict_set(a, dict, "Length", length) < 0)
		return NULL;
	if (len)
		memcpy(copy, data, len);
	o->u.stream.dict = dict;
	o->u.stream.data = copy;
	o->u.stream.len = len;
	o->u.stream.data_offset = SIZE_MAX;
	return o;
}

/* ------------------------------------------------------------------ containers */

static int grow(pdf_arena *a, void **items, size_t *cap, size_t len, size_t item_size)
{
	size_t ncap;
	void *n;

	if (len < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	if (ncap > SIZE_MAX / item_size)
		return tamga__error_oom();
	if ((n = tamga__pdf_alloc(a, ncap * item_size)) == NULL)
		return tamga_error_last()->code;
	if (len)
		memcpy(n, *items, len * item_size);
	*items = n;
	*cap = ncap;
	return 0;
}

int tamga__pdf_array_push(pdf_arena *a, pdf_obj *array, pdf_obj *item)
{
	int error;

	if (array == NULL || array->type != PDF_ARRAY || item == NULL)
		return tamga__error_set(TAMGA_EINVAL, "PDF: push onto a non-array");
	if ((error = grow(a, (void **)&array->u.array.items, &array->u.array.cap, array->u.array.len,
	                  sizeof(pdf_obj *))) < 0)
		return error;
	array->u.array.items[array->u.array.len++] = item;
	return 0;
}

pdf_obj *tamga__pdf_dict_of(const pdf_obj *obj)
{
	if (obj == NULL)
		return NULL;
	if (obj->type == PDF_DICT)
		return (pdf_obj *)obj;
	if (obj->type == PDF_STREAM)
		return obj->u.stream.dict;
	return NULL;
}

static struct pdf_dict_entry *find(const pdf_obj *dict, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < dict->u.dict.len; i++) {
		struct pdf_dict_entry *e = &dict->u.dict.items[i];

		if (e->key_len == len && memcmp(e->key, key, len) == 0)
			return e;
	}
	return NULL;
}

int tamga__pdf_dict_set(pdf_arena *a, pdf_obj *dict, const char *key, pdf_obj *value)
{
	pdf_obj *d = tamga__pdf_dict_of(dict);
	struct pdf_dict_entry *e;
	size_t len = strlen(key);
	char *k;
	int error;

	if (d == NULL || value == NULL)
		return tamga__error_set(TAMGA_EINVAL, "PDF: set on a non-dictionary");
	if ((e = find(d, key, len)) != NULL) {
		e->value = value;
		return 0;
	}
	if ((error = grow(a, (void **)&d->u.dict.items, &d->u.dict.cap, d->u.dict.len,
	                  sizeof(struct pdf_dict_entry))) < 0)
		return error;
	if ((k = tamga__pdf_alloc(a, len + 1)) == NULL)
		return tamga_error_last()->code;
	memcpy(k, key, len + 1);
	e = &d->u.dict.items[d->u.dict.len++];
	e->key = k;
	e->key_len = len;
	e->value = value;
	return 0;
}

pdf_obj *tamga__pdf_dict_get(const pdf_obj *dict, const char *key)
{
	const pdf_obj *d = tamga__pdf_dict_of(dict);
	struct pdf_dict_entry *e;

	if (d == NULL)
		return NULL;
	e = find(d, key, strlen(key));
	return e ? e->value : NULL;
}

int tamga__pdf_is_name(const pdf_obj *obj, const char *name)
{
	return obj != NULL && obj->type == PDF_NAME && strcmp(obj->u.name.data, name) == 0;
}

pdf_obj *tamga__pdf_copy(pdf_arena *a, const pdf_obj *obj)
{
	pdf_obj *o;
	size_t i;

	if (obj == NULL)
		return NULL;
	switch (obj->type) {
	case PDF_NULL: return tamga__pdf_null(a);
	case PDF_BOOL: return tamga__pdf_bool(a, obj->u.boolean);
	case PDF_INT: return tamga__pdf_int(a, obj->u.integer);
	case PDF_REF: return tamga__pdf_ref(a, obj->u.ref.num, obj->u.ref.gen);
	case PDF_REAL:
		if ((o = tamga__pdf_real(a, obj->u.real.value)) != NULL && obj->u.real.text != NULL) {
			char *t = tamga__pdf_alloc(a, obj->u.real.text_len + 1);

			if (t == NULL)
				return NULL;
			memcpy(t, obj->u.real.text, obj->u.real.text_len);
			o->u.real.text = t;
			o->u.real.text_len = obj->u.real.text_len;
		}
		return o;
	case PDF_NAME: return tamga__pdf_name(a, obj->u.name.data);
	case PDF_STRING: return tamga__pdf_string(a, obj->u.string.data, obj->u.string.len, obj->flags);
	case PDF_ARRAY:
		if ((o = tamga__pdf_array(a)) == NULL)
			return NULL;
		o->flags = obj->flags;
		for (i = 0; i < obj->u.array.len; i++) {
			pdf_obj *item = tamga__pdf_copy(a, obj->u.array.items[i]);

			if (item == NULL || tamga__pdf_array_push(a, o, item) < 0)
				return NULL;
		}
		return o;
	case PDF_DICT:
		if ((o = tamga__pdf_dict(a)) == NULL)
			return NULL;
		for (i = 0; i < obj->u.dict.len; i++) {
			pdf_obj *v = tamga__pdf_copy(a, obj->u.dict.items[i].value);

			if (v == NULL || tamga__pdf_dict_set(a, o, obj->u.dict.items[i].key, v) < 0)
				return NULL;
		}
		return o;
	case PDF_STREAM: {
		pdf_obj *d = tamga__pdf_copy(a, obj->u.stream.dict);

		if (d == NULL)
			return NULL;
		/* Keep /Length as the original said, then the copy. */
		return tamga__pdf_stream(a, d, obj->u.stream.data, obj->u.stream.len);
	}
	}
	return NULL;
}

/* ------------------------------------------------------------------ serialisation */

/* PDF delimiters (§7.2.2) and white space (§7.2.3). */
static int is_delim(unsigned char c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' ||
	       c == '/' || c == '%';
}

static int put_name(tamga_buf *out, const char *name, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int error = tamga__buf_puts(out, "/");

	for (i = 0; error == 0 && i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x21 || c > 0x7e || c == '#' || is_delim(c)) {
			char esc[3] = { '#', hex[c >> 4], hex[c & 15] };

			error = tamga__buf_append(out, esc, 3);
		} else {
			error = tamga__buf_append(out, &c, 1);
		}
	}
	return error;
}

static int put_string(tamga_buf *out, const pdf_obj *s, struct pdf_marks *marks)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = s->u.string.data;
	size_t i, start = out->size;
	int error = 0;

	if (s->flags & (PDF_STR_HEX | PDF_STR_PLACEHOLDER)) {
		if ((error = tamga__buf_puts(out, "<")) < 0)
			return error;
		for (i = 0; error == 0 && i < s->u.string.len; i++) {
			char h[2] = { hex[p[i] >> 4], hex[p[i] & 15] };

			error = tamga__buf_append(out, h, 2);
		}
		if (error == 0)
			error = tamga__buf_puts(out, ">");
		if (error == 0 && marks != NULL && (s->flags & PDF_STR_PLACEHOLDER)) {
			marks->contents = start;
			marks->contents_len = out->size - start;
		}
		return error;
	}
	if ((error = tamga__buf_puts(out, "(")) < 0)
		return error;
	for (i = 0; error == 0 && i < s->u.string.len; i++) {
		unsigned char c = p[i];

		switch (c) {
		case '(': case ')': case '\\':
			error = tamga__buf_printf(out, "\\%c", c);
			break;
		case '\n': error = tamga__buf_puts(out, "\\n"); break;
		case '\r': error = tamga__buf_puts(out, "\\r"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				error = tamga__buf_printf(out, "\\%03o", c);
			else
				error = tamga__buf_append(out, &c, 1);
		}
	}
	return error ? error : tamga__buf_puts(out, ")");
}

static int put_real(tamga_buf *out, const pdf_obj *o)
{
	char buf[64];
	size_t n;

	if (o->u.real.text != NULL)
		return tamga__buf_append(out, o->u.real.text, o->u.real.text_len);
	if (!isfinite(o->u.real.value) || fabs(o->u.real.value) > 1e15)
		return tamga__error_set(TAMGA_EINVAL, "PDF: real number out of range");
	/* Fixed notation (PDF has no exponents), trailing zeros trimmed. */
	snprintf(buf, sizeof(buf), "%.6f", o->u.real.value);
	n = strlen(buf);
	while (n > 1 && buf[n - 1] == '0')
		n--;
	if (n > 1 && buf[n - 1] == '.')
		n--;
	if (n == 2 && buf[0] == '-' && buf[1] == '0')
		return tamga__buf_puts(out, "0");
	return tamga__buf_append(out, buf, n);
}

static int put(tamga_buf *out, const pdf_obj *o, struct pdf_marks *marks, unsigned int depth)
{
	size_t i, start;
	int error = 0;

	if (depth > 256)
		return tamga__error_set(TAMGA_ELIMIT, "PDF: object nested too deeply to write");
	switch (o->type) {
	case PDF_NULL: return tamga__buf_puts(out, "null");
	case PDF_BOOL: return tamga__buf_puts(out, o->u.boolean ? "true" : "false");
	case PDF_INT: return tamga__buf_printf(out, "%lld", (long long)o->u.integer);
	case PDF_REAL: return put_real(out, o);
	case PDF_NAME: return put_name(out, o->u.name.data, o->u.name.len);
	case PDF_STRING: return put_string(out, o, marks);
	case PDF_REF: return tamga__buf_printf(out, "%u %u R", o->u.ref.num, (unsigned)o->u.ref.gen);
	case PDF_ARRAY:
		start = out->size;
		if (o->flags & PDF_ARR_PLACEHOLDER) {
			/* [0000000000 0000000000 0000000000 0000000000]: filled in later. */
			error = tamga__buf_printf(out, "[%0*d %0*d %0*d %0*d]", PDF_BYTERANGE_DIGITS, 0,
			                          PDF_BYTERANGE_DIGITS, 0, PDF_BYTERANGE_DIGITS, 0,
			                          PDF_BYTERANGE_DIGITS, 0);
			if (error == 0 && marks != NULL) {
				marks->byterange = start;
				marks->byterange_len = out->size - start;
			}
			return error;
		}
		error = tamga__buf_puts(out, "[");
		for (i = 0; error == 0 && i < o->u.array.len; i++) {
			if (i > 0)
				error = tamga__buf_puts(out, " ");
			if (error == 0)
				error = put(out, o->u.array.items[i], marks, depth + 1);
		}
		return error ? error : tamga__buf_puts(out, "]");
	case PDF_DICT:
		error = tamga__buf_puts(out, "<<");
		for (i = 0; error == 0 && i < o->u.dict.len; i++) {
			const struct pdf_dict_entry *e = &o->u.dict.items[i];

			if ((error = put_name(out, e->key, e->key_len)) == 0 &&
			    (error = tamga__buf_puts(out, " ")) == 0)
				error = put(out, e->value, marks, depth + 1);
			if (error == 0 && i + 1 < o->u.dict.len)
				error = tamga__buf_puts(out, " ");
		}
		return error ? error : tamga__buf_puts(out, ">>");
	case PDF_STREAM:
		if ((error = put(out, o->u.stream.dict, marks, depth + 1)) == 0 &&
		    (error = tamga__buf_puts(out, "\nstream\n")) == 0 &&
		    (error = tamga__buf_append(out, o->u.stream.data, o->u.stream.len)) == 0)
			error = tamga__buf_puts(out, "\nendstream");
		return error;
	}
	return tamga__error_set(TAMGA_EINVAL, "PDF: unknown object type %d", (int)o->type);
}

int tamga__pdf_serialize(tamga_buf *out, const pdf_obj *obj, struct pdf_marks *marks)
{
	if (obj == NULL)
		return tamga__error_set(TAMGA_EINVAL, "PDF: nothing to write");
	return put(out, obj, marks, 0);
}
