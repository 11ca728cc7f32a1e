/*
 * tests/tools/pdfdump.c - print what tamga's PDF reader sees, in the object
 * format of qpdf's JSON v2 (`qpdf --json=2 --json-key=qpdf`), so the shell
 * tests can compare the two readers object by object.
 *
 *   pdfdump [--data] FILE
 *
 * Output (one JSON document):
 *   { "objects": { "obj:N G R": {"value": V} | {"stream": {"dict": D [, "data": B64]}},
 *                  ..., "trailer": {"value": D} },
 *     "npages": n, "pages": [ {"object": "N G R", "mediabox": [4], "cropbox": [4], "rotate": r} ],
 *     "revisions": [ {"xref": off, "end": off, "stream": bool, "hybrid": bool} ],
 *     "version": v, "size": /Size }
 * Values as qpdf writes them: names "/Name", references "N G R", strings
 * "u:text" when qpdf would call them Unicode (UTF-16 or UTF-8 with a byte
 * order mark, or PDFDocEncoding that round-trips and is mostly printable)
 * else "b:hex", numbers as numbers (reals as their text, made valid JSON).
 * --data adds each stream's decoded bytes in base64 ("data"), or
 * "decode_error" with the message when tamga cannot decode it.
 * Every object of the merged cross-reference table that is in use is
 * printed.  Exit 1 with the error on stderr when anything fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/common.h>

#include "common/buf.h"
#include "formats/pdf/pdf.h"
#include "formats/pdf/reader.h"

static tamga_buf out = TAMGA_BUF_INIT;

static int read_file(const char *path, tamga_buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int error = 0;

	if (f == NULL) {
		fprintf(stderr, "pdfdump: cannot open %s\n", path);
		return -1;
	}
	while (error == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		error = tamga__buf_append(b, chunk, n);
	if (ferror(f))
		error = -1;
	fclose(f);
	return error;
}

static void put(const char *s)
{
	tamga__buf_puts(&out, s);
}

/* A JSON string of raw bytes (qpdf writes names and u: text as bytes). */
static void put_json_string(const unsigned char *p, size_t n)
{
	size_t i;

	put("\"");
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\')
			tamga__buf_printf(&out, "\\%c", c);
		else if (c == '\n')
			put("\\n");
		else if (c == '\r')
			put("\\r");
		else if (c == '\t')
			put("\\t");
		else if (c == '\b')
			put("\\b");
		else if (c == '\f')
			put("\\f");
		else if (c < 0x20)
			tamga__buf_printf(&out, "\\u%04x", c);
		else
			tamga__buf_append(&out, &c, 1);
	}
	put("\"");
}

static void utf8(tamga_buf *b, unsigned long cp)
{
	unsigned char u[4];

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		tamga__buf_append(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		tamga__buf_append(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		tamga__buf_append(b, u, 3);
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		tamga__buf_append(b, u, 4);
	}
}

/* PDFDocEncoding (ISO 32000-1 Annex D.2) bytes 0x18-0x1F and 0x80-0xA0;
 * 0x9F is undefined (U+FFFD, as qpdf maps it). */
static const unsigned short pdfdoc_low[8] = { 0x02d8, 0x02c7, 0x02c6, 0x02d9, 0x02dd, 0x02db, 0x02da, 0x02dc };
static const unsigned short pdfdoc_high[33] = {
	0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203a, 0x2212,
	0x2030, 0x201e, 0x201c, 0x201d, 0x2018, 0x2019, 0x201a, 0x2122, 0xfb01, 0xfb02, 0x0141,
	0x0152, 0x0160, 0x0178, 0x017d, 0x0131, 0x0142, 0x0153, 0x0161, 0x017e, 0xfffd, 0x20ac
};

/* qpdf's rule (QPDF_String::getJSON, useHexString), re-stated. */
static void put_string(const unsigned char *p, size_t n)
{
	tamga_buf t = TAMGA_BUF_INIT;
	size_t i, non_ascii = 0;
	int hex = 0;

	tamga__buf_append(&t, "u:", 2);
	if (n >= 2 && ((p[0] == 0xfe && p[1] == 0xff) || (p[0] == 0xff && p[1] == 0xfe))) {
		int le = p[0] == 0xff;
		unsigned long cp = 0;

		for (i = 2; i + 1 < n; i += 2) {
			unsigned bits = le ? (unsigned)p[i + 1] << 8 | p[i] : (unsigned)p[i] << 8 | p[i + 1];

			if ((bits & 0xfc00) == 0xd800) {
				cp = 0x10000 + ((unsigned long)(bits & 0x3ff) << 10);
				continue;
			} else if ((bits & 0xfc00) == 0xdc00) {
				cp += bits & 0x3ff;
			} else {
				cp = bits;
			}
			utf8(&t, cp);
			cp = 0;
		}
	} else if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
		tamga__buf_append(&t, p + 3, n - 3);
	} else {
		for (i = 0; i < n; i++) {
			unsigned char c = p[i];

			if (c == 0 || !((c >= 32 && c <= 126) || strchr("\n\r\t\b\f", c))) {
				if (c < 24)
					hex = 1;
				non_ascii++;
			}
			if (c == 0x7f || c == 0xad)
				hex = 1; /* undefined in PDFDocEncoding: does not round-trip */
		}
		if (5 * non_ascii > n)
			hex = 1;
		for (i = 0; i < n && !hex; i++) {
			unsigned char c = p[i];

			if (c >= 0x18 && c <= 0x1f)
				utf8(&t, pdfdoc_low[c - 0x18]);
			else if (c >= 0x80 && c <= 0xa0)
				utf8(&t, pdfdoc_high[c - 0x80]);
			else
				utf8(&t, c);
		}
	}
	if (hex) {
		tamga_buf_dispose(&t);
		tamga__buf_append(&t, "b:", 2);
		for (i = 0; i < n; i++)
			tamga__buf_printf(&t, "%02x", p[i]);
	}
	put_json_string(t.ptr, t.size);
	tamga_buf_dispose(&t);
}

static void put_name(const char *name, size_t len)
{
	tamga_buf t = TAMGA_BUF_INIT;

	tamga__buf_append(&t, "/", 1);
	tamga__buf_append(&t, name, len);
	put_json_string(t.ptr, t.size);
	tamga_buf_dispose(&t);
}

/* A real's text as valid JSON: "+1" "1." ".5" "-.5" become 1 1.0 0.5 -0.5. */
static void put_real(const pdf_obj *o)
{
	char buf[64];
	const char *s = o->u.real.text;
	size_t n = o->u.real.text_len, k = 0, i = 0;

	if (s == NULL || n > 40) {
		tamga__buf_printf(&out, "%.17g", o->u.real.value);
		return;
	}
	if (s[0] == '+')
		i++;
	if (s[i] == '-')
		buf[k++] = s[i++];
	if (s[i] == '.')
		buf[k++] = '0';
	for (; i < n; i++)
		buf[k++] = s[i];
	if (buf[k - 1] == '.')
		buf[k++] = '0';
	/* JSON has no leading zeros: "007.5" -> 7.5 */
	buf[k] = '\0';
	{
		char *d = buf + (buf[0] == '-');

		while (d[0] == '0' && d[1] >= '0' && d[1] <= '9')
			memmove(d, d + 1, strlen(d));
	}
	put(buf);
}

static void put_obj(const pdf_obj *o)
{
	size_t i;

	switch (o->type) {
	case PDF_NULL: put("null"); break;
	case PDF_BOOL: put(o->u.boolean ? "true" : "false"); break;
	case PDF_INT: tamga__buf_printf(&out, "%lld", (long long)o->u.integer); break;
	case PDF_REAL: put_real(o); break;
	case PDF_STRING: put_string(o->u.string.data, o->u.string.len); break;
	case PDF_NAME: put_name(o->u.name.data, o->u.name.len); break;
	case PDF_REF: tamga__buf_printf(&out, "\"%u %u R\"", o->u.ref.num, (unsigned)o->u.ref.gen); break;
	case PDF_ARRAY:
		put("[");
		for (i = 0; i < o->u.array.len; i++) {
			if (i)
				put(", ");
			put_obj(o->u.array.items[i]);
		}
		put("]");
		break;
	case PDF_DICT:
		put("{");
		for (i = 0; i < o->u.dict.len; i++) {
			if (i)
				put(", ");
			put_name(o->u.dict.items[i].key, o->u.dict.items[i].key_len);
			put(": ");
			put_obj(o->u.dict.items[i].value);
		}
		put("}");
		break;
	case PDF_STREAM:
		put_obj(o->u.stream.dict);
		break;
	}
}

static void put_base64(const unsigned char *p, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	put("\"");
	for (i = 0; i + 2 < n; i += 3) {
		char q[4] = { b64[p[i] >> 2], b64[(p[i] & 3) << 4 | p[i + 1] >> 4], b64[(p[i + 1] & 15) << 2 | p[i + 2] >> 6],
		              b64[p[i + 2] & 63] };

		tamga__buf_append(&out, q, 4);
	}
	if (n - i == 1) {
		char q[4] = { b64[p[i] >> 2], b64[(p[i] & 3) << 4], '=', '=' };

		tamga__buf_append(&out, q, 4);
	} else if (n - i == 2) {
		char q[4] = { b64[p[i] >> 2], b64[(p[i] & 3) << 4 | p[i + 1] >> 4], b64[(p[i + 1] & 15) << 2], '=' };

		tamga__buf_append(&out, q, 4);
	}
	put("\"");
}

static void put_box(const double b[4])
{
	tamga__buf_printf(&out, "[%.6f, %.6f, %.6f, %.6f]", b[0], b[1], b[2], b[3]);
}

int main(int argc, char **argv)
{
	tamga_buf file = TAMGA_BUF_INIT, data = TAMGA_BUF_INIT;
	pdf_doc *doc = NULL;
	const char *path;
	int with_data = 0, first = 1, rc = 1;
	size_t i, npages;
	uint32_t num;

	if (argc == 3 && strcmp(argv[1], "--data") == 0) {
		with_data = 1;
		path = argv[2];
	} else if (argc == 2) {
		path = argv[1];
	} else {
		fprintf(stderr, "usage: pdfdump [--data] FILE\n");
		return 2;
	}
	if (read_file(path, &file) < 0)
		return 1;
	if (tamga__pdf_open(&doc, file.ptr, file.size, NULL) < 0)
		goto fail;
	put("{\n\"objects\": {\n");
	for (num = 1; num < tamga__pdf_size(doc); num++) {
		uint16_t gen;
		pdf_obj *o;

		if (doc->xref[num].type == PDF_XREF_FREE)
			continue;
		tamga__pdf_object_gen(doc, num, &gen);
		if (tamga__pdf_get(doc, num, gen, &o) < 0)
			goto fail;
		tamga__buf_printf(&out, "%s\"obj:%u %u R\": ", first ? "" : ",\n", num, (unsigned)gen);
		first = 0;
		if (o->type == PDF_STREAM) {
			put("{\"stream\": {\"dict\": ");
			put_obj(o->u.stream.dict);
			if (with_data) {
				tamga_buf_dispose(&data);
				if (tamga__pdf_stream_decode(doc, o, &data) < 0) {
					put(", \"decode_error\": ");
					put_json_string((const unsigned char *)tamga_error_last()->message,
					                strlen(tamga_error_last()->message));
				} else {
					put(", \"data\": ");
					put_base64(data.ptr, data.size);
				}
			}
			put("}}");
		} else {
			put("{\"value\": ");
			put_obj(o);
			put("}");
		}
	}
	tamga__buf_printf(&out, "%s\"trailer\": {\"value\": ", first ? "" : ",\n");
	put_obj(tamga__pdf_trailer(doc));
	put("}\n},\n");
	if (tamga__pdf_page_count(doc, &npages) < 0)
		goto fail;
	tamga__buf_printf(&out, "\"npages\": %zu,\n\"pages\": [", npages);
	for (i = 0; i < npages; i++) {
		struct pdf_page pg;

		if (tamga__pdf_page(doc, i, &pg) < 0)
			goto fail;
		tamga__buf_printf(&out, "%s\n {\"object\": \"%u %u R\", \"mediabox\": ", i ? "," : "", pg.num,
		                  (unsigned)pg.gen);
		put_box(pg.mediabox);
		put(", \"cropbox\": ");
		put_box(pg.cropbox);
		tamga__buf_printf(&out, ", \"rotate\": %d}", pg.rotate);
	}
	put("],\n\"revisions\": [");
	for (i = 0; i < tamga__pdf_revision_count(doc); i++) {
		const struct pdf_revision *r = tamga__pdf_revision(doc, i);

		tamga__buf_printf(&out, "%s\n {\"xref\": %zu, \"end\": %zu, \"stream\": %s, \"hybrid\": %s}", i ? "," : "",
		                  r->xref_offset, r->end, r->is_stream ? "true" : "false", r->hybrid ? "true" : "false");
	}
	tamga__buf_printf(&out, "],\n\"version\": %d,\n\"size\": %u\n}\n", tamga__pdf_version(doc), tamga__pdf_size(doc));
	fwrite(out.ptr, 1, out.size, stdout);
	rc = 0;
	goto done;
fail:
	fprintf(stderr, "pdfdump: %s: %s\n", path, tamga_error_last()->message);
done:
	tamga__pdf_close(doc);
	tamga_buf_dispose(&file);
	tamga_buf_dispose(&data);
	tamga_buf_dispose(&out);
	return rc;
}
