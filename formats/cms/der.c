/*
 * formats/cms/der.c - the DER writer of der.h (ITU-T X.690).
 *
 *   identifier  length                         content
 *   [tag]       [len < 128: one byte]          [len bytes]
 *               [0x80|n, n bytes big-endian]   (n minimal, §10.1 + §8.1.3.5)
 *
 * An element is opened by appending its tag; its content follows directly.
 * Closing it measures the content, inserts the length octets after the tag
 * (moving the content up) and, for a SET OF, re-orders the children.  The
 * buffers are a few kilobytes, so the moves cost nothing worth a cleverer
 * scheme, and no length is ever guessed or patched.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/cms/der.h"

void tamga__der_init(struct tamga__der *w)
{
	memset(w, 0, sizeof(*w));
}

void tamga__der_dispose(struct tamga__der *w)
{
	tamga_buf_dispose(&w->buf);
	tamga__der_init(w);
}

size_t tamga__der_header_size(size_t len)
{
	size_t n = 0;

	if (len < 0x80)
		return 2;
	for (; len > 0; len >>= 8)
		n++;
	return 2 + n;
}

/* Length octets into out (at most 1 + sizeof(size_t) bytes); returns their count. */
static size_t length_octets(unsigned char *out, size_t len)
{
	size_t n = tamga__der_header_size(len) - 1, i;

	if (n == 1) {
		out[0] = (unsigned char)len;
		return 1;
	}
	out[0] = (unsigned char)(0x80 | (n - 1));
	for (i = n - 1; i >= 1; i--) {
		out[i] = (unsigned char)(len & 0xff);
		len >>= 8;
	}
	return n;
}

int tamga__der_header(tamga_buf *out, unsigned char tag, size_t len)
{
	unsigned char h[2 + sizeof(size_t)];

	h[0] = tag;
	return tamga__buf_append(out, h, 1 + length_octets(h + 1, len));
}

int tamga__der_read(const unsigned char *p, size_t avail, size_t *hdr, size_t *total)
{
	size_t i = 1, len = 0, n, k;

	if (avail < 2)
		return tamga__error_set(TAMGA_EFORMAT, "DER: truncated element");
	if ((p[0] & 0x1f) == 0x1f) {
		/* High tag number form (§8.1.2.4): base-128, no leading 0x80. */
		if (p[1] == 0x80)
			return tamga__error_set(TAMGA_EFORMAT, "DER: tag number with a leading zero");
		while (i < avail && (p[i] & 0x80) && i < 6)
			i++;
		if (i >= avail || i >= 6)
			return tamga__error_set(TAMGA_EFORMAT, "DER: bad tag number");
		i++;
	}
	if (i >= avail)
		return tamga__error_set(TAMGA_EFORMAT, "DER: truncated element");
	if (p[i] < 0x80) {
		len = p[i];
		i++;
	} else {
		n = p[i] & 0x7f;
		i++;
		if (n == 0)
			return tamga__error_set(TAMGA_EFORMAT, "DER: indefinite length");
		if (n > sizeof(size_t) || n > avail - i)
			return tamga__error_set(TAMGA_EFORMAT, "DER: bad length");
		if (p[i] == 0)
			return tamga__error_set(TAMGA_EFORMAT, "DER: length with a leading zero");
		for (k = 0; k < n; k++)
			len = (len << 8) | p[i + k];
		if (len < 0x80)
			return tamga__error_set(TAMGA_EFORMAT, "DER: long form for a short length");
		i += n;
	}
	if (len > avail - i)
		return tamga__error_set(TAMGA_EFORMAT, "DER: element of %zu bytes overruns its container", len);
	*hdr = i;
	*total = i + len;
	return 0;
}

static int fail(struct tamga__der *w, int error)
{
	if (w->error == 0)
		w->error = error;
	return w->error;
}

static int append(struct tamga__der *w, const void *data, size_t len)
{
	if (w->error)
		return w->error;
	if (tamga__buf_append(&w->buf, data, len) < 0)
		return fail(w, TAMGA_ENOMEM);
	return 0;
}

static int open_element(struct tamga__der *w, unsigned char tag, int sort)
{
	if (w->error)
		return w->error;
	if (w->depth == TAMGA__DER_DEPTH)
		return fail(w, tamga__error_set(TAMGA_ELIMIT, "DER writer: more than %d nested elements",
		                                TAMGA__DER_DEPTH));
	if ((tag & 0x1f) == 0x1f)
		return fail(w, tamga__error_set(TAMGA_EINVAL, "DER writer: multi-byte tag"));
	w->open[w->depth] = w->buf.size;
	w->sort[w->depth] = (unsigned char)sort;
	w->depth++;
	return append(w, &tag, 1);
}

int tamga__der_begin(struct tamga__der *w, unsigned char tag)
{
	return open_element(w, tag, 0);
}

int tamga__der_begin_set_of(struct tamga__der *w, unsigned char tag)
{
	return open_element(w, tag, 1);
}

struct piece {
	const unsigned char *p;
	size_t len;
};

/* X.690 §11.6: ascending order of the encodings as octet strings, the
 * shorter padded at its end with zero octets. */
static int piece_cmp(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len, i;
	int c = memcmp(x->p, y->p, n);

	if (c != 0)
		return c;
	/* Equal prefix: the longer is greater unless its tail is all zeros. */
	if (x->len > y->len) {
		for (i = n; i < x->len; i++)
			if (x->p[i] != 0)
				return 1;
	} else {
		for (i = n; i < y->len; i++)
			if (y->p[i] != 0)
				return -1;
	}
	return 0;
}

/* Sort the children in content[0, len). */
static int sort_children(unsigned char *content, size_t len)
{
	struct piece *pieces = NULL;
	unsigned char *copy = NULL;
	size_t count = 0, cap = 0, off = 0, hdr, total, i;
	int error = 0;

	while (off < len) {
		if ((error = tamga__der_read(content + off, len - off, &hdr, &total)) < 0) {
			error = tamga__error_prefix("DER writer: a SET OF member is not whole DER");
			goto done;
		}
		if (count == cap) {
			struct piece *np;

			cap = cap ? 2 * cap : 8;
			if ((np = realloc(pieces, cap * sizeof(*np))) == NULL) {
				error = tamga__error_oom();
				goto done;
			}
			pieces = np;
		}
		pieces[count].p = content + off;
		pieces[count].len = total;
		count++;
		off += total;
	}
	if (count < 2)
		goto done;
	qsort(pieces, count, sizeof(*pieces), piece_cmp);
	if ((copy = malloc(len)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (off = 0, i = 0; i < count; i++) {
		memcpy(copy + off, pieces[i].p, pieces[i].len);
		off += pieces[i].len;
	}
	memcpy(content, copy, len);
done:
	if (copy != NULL) {
		OPENSSL_cleanse(copy, len);
		free(copy);
	}
	free(pieces);
	return error;
}

int tamga__der_end(struct tamga__der *w)
{
	unsigned char lo[1 + sizeof(size_t)];
	size_t start, content, len, n;
	int error;

	if (w->error)
		return w->error;
	if (w->depth == 0)
		return fail(w, tamga__error_set(TAMGA_EINVAL, "DER writer: end without begin"));
	w->depth--;
	start = w->open[w->depth];
	content = start + 1;
	len = w->buf.size - content;
	if (w->sort[w->depth] && (error = sort_children(w->buf.ptr + content, len)) < 0)
		return fail(w, error);
	n = length_octets(lo, len);
	/* Grow by n bytes, move the content up, put the length in between. */
	if ((error = append(w, lo, n)) < 0)
		return error;
	memmove(w->buf.ptr + content + n, w->buf.ptr + content, len);
	memcpy(w->buf.ptr + content, lo, n);
	return 0;
}

int tamga__der_tlv(struct tamga__der *w, unsigned char tag, const void *content, size_t len)
{
	unsigned char h[2 + sizeof(size_t)];

	if (w->error)
		return w->error;
	if ((tag & 0x1f) == 0x1f)
		return fail(w, tamga__error_set(TAMGA_EINVAL, "DER writer: multi-byte tag"));
	h[0] = tag;
	if (append(w, h, 1 + length_octets(h + 1, len)) < 0)
		return w->error;
	return len ? append(w, content, len) : 0;
}

int tamga__der_raw(struct tamga__der *w, const void *der, size_t len)
{
	return append(w, der, len);
}

int tamga__der_null(struct tamga__der *w)
{
	return tamga__der_tlv(w, TAMGA__DER_NULL, NULL, 0);
}

int tamga__der_octets(struct tamga__der *w, const void *data, size_t len)
{
	return tamga__der_tlv(w, TAMGA__DER_OCTET_STRING, data, len);
}

int tamga__der_integer(struct tamga__der *w, const unsigned char *be, size_t len)
{
	static const unsigned char zero = 0;
	unsigned char h[3 + sizeof(size_t)];
	size_t n;

	if (w->error)
		return w->error;
	/* §8.3.2: no leading 0x00 unless the next bit is set (the number
	 * would read as negative without it). */
	while (len > 0 && be[0] == 0) {
		be++;
		len--;
	}
	if (len == 0)
		return tamga__der_tlv(w, TAMGA__DER_INTEGER, &zero, 1);
	if (!(be[0] & 0x80))
		return tamga__der_tlv(w, TAMGA__DER_INTEGER, be, len);
	if (len == SIZE_MAX)
		return fail(w, tamga__error_set(TAMGA_ELIMIT, "DER writer: integer too long"));
	h[0] = TAMGA__DER_INTEGER;
	n = length_octets(h + 1, len + 1);
	h[1 + n] = 0;
	if (append(w, h, 2 + n) < 0)
		return w->error;
	return append(w, be, len);
}

int tamga__der_uint(struct tamga__der *w, uint64_t value)
{
	unsigned char be[8];
	int i;

	for (i = 7; i >= 0; i--) {
		be[i] = (unsigned char)(value & 0xff);
		value >>= 8;
	}
	return tamga__der_integer(w, be, sizeof(be));
}

/* One arc of dotted text: digits, no leading zero, fits 64 bits. */
static int parse_arc(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;

	if (*p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*s = p;
	*out = v;
	return 0;
}

/* §8.19.2: base 128, most significant group first, bit 8 set on all but the last. */
static size_t base128(unsigned char *out, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0, i;

	do {
		tmp[n++] = (unsigned char)(v & 0x7f);
		v >>= 7;
	} while (v != 0);
	for (i = 0; i < n; i++)
		out[i] = (unsigned char)(tmp[n - 1 - i] | (i + 1 < n ? 0x80 : 0));
	return n;
}

int tamga__der_oid(struct tamga__der *w, const char *dotted)
{
	unsigned char content[256];
	size_t len = 0;
	uint64_t first, arc;
	const char *p = dotted;
	int arcs = 0;

	if (w->error)
		return w->error;
	if (p == NULL || parse_arc(&p, &first) < 0 || first > 2 || *p != '.')
		goto bad;
	p++;
	if (parse_arc(&p, &arc) < 0 || (first < 2 && arc >= 40) || arc > UINT64_MAX - 80)
		goto bad;
	/* §8.19.4: the first two arcs share one subidentifier, 40 * X + Y. */
	len += base128(content + len, first * 40 + arc);
	arcs = 2;
	while (*p == '.') {
		p++;
		if (parse_arc(&p, &arc) < 0 || len + 10 > sizeof(content))
			goto bad;
		len += base128(content + len, arc);
		arcs++;
	}
	if (*p != '\0' || arcs < 2)
		goto bad;
	return tamga__der_tlv(w, TAMGA__DER_OID, content, len);
bad:
	return fail(w, tamga__error_set(TAMGA_EINVAL, "DER writer: '%s' is not an object identifier",
	                                dotted ? dotted : "(null)"));
}

int tamga__der_finish(struct tamga__der *w, tamga_buf *out)
{
	int error = w->error;

	if (error == 0 && w->depth != 0)
		error = tamga__error_set(TAMGA_EINVAL, "DER writer: %d element(s) left open", w->depth);
	if (error == 0)
		error = tamga__buf_append(out, w->buf.ptr, w->buf.size);
	tamga__der_dispose(w);
	return error;
}
