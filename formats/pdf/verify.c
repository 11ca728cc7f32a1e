/*
 * formats/pdf/verify.c - the PDF handler's verify operation: every
 * signature of the document, its container checked against the file's
 * bytes, the revision it covers, and what changed after it (mdp.c).
 * ISO 32000-1 §12.8 (digital signatures), §12.7.4.5 (signature fields);
 * ETSI EN 319 142-1 (PAdES: DocTimeStamp, DSS).
 *
 *     catalog /AcroForm /Fields [ ... field /FT /Sig /V 12 0 R ... ]
 *     12 0 obj << /Type /Sig /SubFilter /ETSI.CAdES.detached
 *                 /ByteRange [0 b c d] /Contents <3082...0000> ... >> endobj
 *
 *     0                     b        c                 c+d        len
 *     |<---- covered ------>|<hex  >|<---- covered --->|  later   |
 *                            ^ the /Contents token of 12 0 obj, exactly
 *                                                      ^ the end of a revision
 *
 * Signatures are found only through the newest form field tree, as a viewer
 * finds them.  Attacks this defeats: universal signature forgery (a missing
 * or empty /Contents or /ByteRange is a format failure, never "no data to
 * check"), signature wrapping (the gap must be this dictionary's own
 * /Contents token, the dictionary must lie in the signed bytes and the
 * signed bytes must end exactly where a revision ends), incremental saving
 * and shadow attacks (mdp.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/timeutil.h"
#include "formats/pdf/reader.h"
#include "formats/pdf/verify_internal.h"

/* ------------------------------------------------------------------ text strings */

/* PDFDocEncoding 0x18-0x1f and 0x80-0xad where they differ from Latin-1
 * (ISO 32000-1 Annex D.2); 0 = undefined. */
static const uint16_t pdfdoc_18[8] = { 0x02d8, 0x02c7, 0x02c6, 0x02d9, 0x02dd, 0x02db, 0x02da, 0x02dc };
static const uint16_t pdfdoc_80[46] = {
	0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044, 0x2039, 0x203a, 0x2212, 0x2030,
	0x201e, 0x201c, 0x201d, 0x2018, 0x2019, 0x201a, 0x2122, 0xfb01, 0xfb02, 0x0141, 0x0152, 0x0160,
	0x0178, 0x017d, 0x0131, 0x0142, 0x0153, 0x0161, 0x017e, 0,      0x20ac, 0x00a1, 0x00a2, 0x00a3,
	0x00a4, 0x00a5, 0x00a6, 0x00a7, 0x00a8, 0x00a9, 0x00aa, 0x00ab, 0x00ac, 0
};

static int put_utf8(tamga_buf *b, unsigned long cp)
{
	unsigned char u[4];
	size_t n;

	/* Control characters and what is not a scalar value are shown as U+FFFD:
	 * text from a document ends up in reports and terminals. */
	if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || (cp >= 0x7f && cp < 0xa0) ||
	    (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return tamga__buf_append(b, u, n);
}

/* One UTF-8 sequence at s (at most n bytes): its length, 0 when invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len, i;
	unsigned long v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	len = (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3 : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (len == 0 || len > n)
		return 0;
	v = s[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if ((len == 2 && v < 0x80) || (len == 3 && v < 0x800) || (len == 4 && v < 0x10000))
		return 0;
	*cp = v;
	return len;
}

char *tamga__pdfv_text(const unsigned char *s, size_t len)
{
	tamga_buf b = TAMGA_BUF_INIT;
	size_t i;
	int error = 0;

	if (len >= 2 && s[0] == 0xfe && s[1] == 0xff) {
		for (i = 2; error == 0 && i + 1 < len; i += 2) {
			unsigned long u = (unsigned long)s[i] << 8 | s[i + 1];

			if (u >= 0xd800 && u < 0xdc00 && i + 3 < len) {
				unsigned long lo = (unsigned long)s[i + 2] << 8 | s[i + 3];

				if (lo >= 0xdc00 && lo < 0xe000) {
					u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
					i += 2;
				}
			}
			error = put_utf8(&b, u);
		}
		if (error == 0 && i < len)
			error = put_utf8(&b, 0xfffd);
	} else if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		for (i = 3; error == 0 && i < len;) {
			unsigned long cp;
			size_t n = utf8_seq(s + i, len - i, &cp);

			error = put_utf8(&b, n ? cp : 0xfffd);
			i += n ? n : 1;
		}
	} else {
		for (i = 0; error == 0 && i < len; i++) {
			unsigned c = s[i];
			unsigned long cp = c;

			if (c >= 0x18 && c < 0x20)
				cp = pdfdoc_18[c - 0x18];
			else if (c >= 0x80 && c <= 0xad)
				cp = pdfdoc_80[c - 0x80] ? pdfdoc_80[c - 0x80] : 0xfffd;
			else if (c == 0x7f)
				cp = 0xfffd;
			error = put_utf8(&b, cp);
		}
	}
	if (error == 0)
		error = tamga__buf_append(&b, "", 0);
	if (error < 0) {
		tamga_buf_dispose(&b);
		return NULL;
	}
	if (b.ptr == NULL)
		return tamga__strdup("");
	return (char *)b.ptr; /* the buffer's bytes are malloc'd and NUL-terminated */
}

/* ------------------------------------------------------------------ dates */

static int two(const unsigned char *s, size_t len, size_t *p, unsigned lo, unsigned hi, unsigned *out)
{
	if (*p + 2 > len || s[*p] < '0' || s[*p] > '9' || s[*p + 1] < '0' || s[*p + 1] > '9')
		return 0;
	*out = (unsigned)(s[*p] - '0') * 10 + (unsigned)(s[*p + 1] - '0');
	*p += 2;
	return *out >= lo && *out <= hi;
}

int tamga__pdfv_date(const unsigned char *s, size_t len, tamga_time *out)
{
	unsigned v[6] = { 0, 1, 1, 0, 0, 0 }, hi, lo, oh = 0, om = 0;
	static const unsigned lim_lo[5] = { 1, 1, 0, 0, 0 }, lim_hi[5] = { 12, 31, 23, 59, 59 };
	size_t p = 0, i;
	int sign = 0;
	struct tm tm;

	if (len >= 2 && s[0] == 'D' && s[1] == ':')
		p = 2;
	if (!two(s, len, &p, 0, 99, &hi) || !two(s, len, &p, 0, 99, &lo))
		return tamga__error_set(TAMGA_EFORMAT, "PDF date without a four-digit year");
	v[0] = hi * 100 + lo;
	for (i = 0; i < 5 && p < len && s[p] >= '0' && s[p] <= '9'; i++)
		if (!two(s, len, &p, lim_lo[i], lim_hi[i], &v[i + 1]))
			return tamga__error_set(TAMGA_EFORMAT, "PDF date: bad field at position %zu", p);
	if (p < len) {
		if (s[p] == 'Z') {
			p++;
		} else if (s[p] == '+' || s[p] == '-') {
			sign = s[p++] == '-' ? -1 : 1;
			if (p < len && !two(s, len, &p, 0, 23, &oh))
				return tamga__error_set(TAMGA_EFORMAT, "PDF date: bad offset hours");
		} else {
			return tamga__error_set(TAMGA_EFORMAT, "PDF date: unexpected character at position %zu", p);
		}
		if (p < len && s[p] == '\'')
			p++;
		if (p < len && !two(s, len, &p, 0, 59, &om))
			return tamga__error_set(TAMGA_EFORMAT, "PDF date: bad offset minutes");
		if (p < len && s[p] == '\'')
			p++;
		if (p != len)
			return tamga__error_set(TAMGA_EFORMAT, "PDF date: trailing characters at position %zu", p);
	}
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)v[0] - 1900;
	tm.tm_mon = (int)v[1] - 1;
	tm.tm_mday = (int)v[2];
	tm.tm_hour = (int)v[3];
	tm.tm_min = (int)v[4];
	tm.tm_sec = (int)v[5];
	*out = tamga__time_from_tm(&tm) - sign * (tamga_time)(oh * 3600 + om * 60);
	return 0;
}

/* ------------------------------------------------------------------ one signature */

struct vctx {
	const unsigned char *data;
	size_t len;
	pdf_doc *doc;
	struct tamga__evidence *ev;
	struct pdfv_map map;
	struct pdfv_sig *sigs;
	size_t count;
	uint32_t perms_num;        /* catalog /Perms /DocMDP, 0 none */
};

/* Resolve; failures other than out of memory become a NULL value. */
static int vresolve(struct vctx *v, pdf_obj *obj, pdf_obj **out)
{
	return tamga__pdfv_resolve(v->doc, obj, out);
}

static int text_entry(struct vctx *v, const pdf_obj *dict, const char *key, char **out)
{
	pdf_obj *s;
	int error;

	if ((error = vresolve(v, tamga__pdf_dict_get(dict, key), &s)) < 0)
		return error;
	if (s == NULL || s->type != PDF_STRING)
		return 0;
	if ((*out = tamga__pdfv_text(s->u.string.data, s->u.string.len)) == NULL)
		return TAMGA_ENOMEM;
	return 0;
}

static int is_ws(unsigned char c)
{
	return c == 0 || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

/* Bytes from..len are white space or NUL. */
static int blank_from(const unsigned char *d, size_t from, size_t len)
{
	for (; from < len; from++)
		if (!is_ws(d[from]))
			return 0;
	return 1;
}

/*
 * The length of the BER value at p (n bytes available), 0 when there is
 * none.  CMS from NSS (pdfsig, LibreOffice) uses indefinite lengths, so
 * the end of the container is found by walking it, depth bounded.
 */
static size_t ber_len(const unsigned char *p, size_t n, unsigned int depth)
{
	size_t hdr = 1, len = 0, k, i;

	if (n < 2 || depth > 32)
		return 0;
	if ((p[0] & 0x1f) == 0x1f) {
		while (hdr < n && hdr < 5 && (p[hdr] & 0x80))
			hdr++;
		if (++hdr >= n)
			return 0;
	}
	if (p[hdr] < 0x80) {
		len = p[hdr++];
	} else if (p[hdr] == 0x80) {
		size_t pos = hdr + 1;

		if (!(p[0] & 0x20))
			return 0; /* indefinite length only for constructed values */
		while (pos + 2 <= n) {
			size_t child;

			if (p[pos] == 0 && p[pos + 1] == 0)
				return pos + 2;
			if ((child = ber_len(p + pos, n - pos, depth + 1)) == 0)
				return 0;
			pos += child;
		}
		return 0;
	} else {
		k = p[hdr++] & 0x7f;
		if (k > 4 || hdr + k > n)
			return 0;
		for (i = 0; i < k; i++)
			len = len << 8 | p[hdr++];
	}
	return len <= n - hdr ? hdr + len : 0;
}

/* The signature container: one BER (DER) value, then only zero padding. */
static int strip_padding(struct tamga__sig_evidence *sig, const unsigned char *p, size_t n)
{
	size_t i, total;

	for (i = 0; i < n && p[i] == 0; i++)
		;
	if (i == n)
		return tamga__evidence_sig_format_error(sig, "/Contents is empty (no signature value)");
	if ((total = ber_len(p, n, 0)) == 0)
		return tamga__evidence_sig_format_error(sig, "/Contents does not hold a complete DER value");
	for (i = total; i < n; i++)
		if (p[i] != 0)
			return tamga__evidence_sig_format_error(sig, "/Contents has %zu bytes after its DER value that are not "
			                                        "zero padding", n - total);
	if ((sig->value = malloc(total)) == NULL)
		return tamga__error_oom();
	memcpy(sig->value, p, total);
	sig->value_len = total;
	return 0;
}

/* /ByteRange [0 b c d]: a direct array of four integers. */
static int byte_range(struct vctx *v, struct tamga__sig_evidence *sig, const pdf_obj *dict, size_t br[4])
{
	pdf_obj *a = tamga__pdf_dict_get(dict, "ByteRange");
	size_t i;

	if (a == NULL)
		return tamga__evidence_sig_format_error(sig, "no /ByteRange");
	if (a->type != PDF_ARRAY)
		return tamga__evidence_sig_format_error(sig, "/ByteRange is not a direct array");
	if (a->u.array.len != 4)
		return tamga__evidence_sig_format_error(sig, "/ByteRange has %zu numbers, not 4", a->u.array.len);
	for (i = 0; i < 4; i++) {
		pdf_obj *x = a->u.array.items[i];

		if (x->type != PDF_INT || x->u.integer < 0 || (uint64_t)x->u.integer > v->len)
			return tamga__evidence_sig_format_error(sig, "/ByteRange entry %zu is not an integer from 0 to %zu",
			                                        i + 1, v->len);
		br[i] = (size_t)x->u.integer;
	}
	if (br[0] != 0 || br[1] == 0 || br[2] <= br[1] || br[3] > v->len - br[2])
		return tamga__evidence_sig_format_error(sig, "/ByteRange [%zu %zu %zu %zu] does not describe two ranges "
		                                        "from the start of the file around a gap, within its %zu bytes",
		                                        br[0], br[1], br[2], br[3], v->len);
	return 0;
}

/* The gap [b, c) is exactly the /Contents hex string of this dictionary. */
static int contents_gap(struct vctx *v, struct tamga__sig_evidence *sig, const pdf_obj *dict, const size_t br[4],
                        const pdf_obj **out)
{
	const pdf_obj *ct = tamga__pdf_dict_get(dict, "Contents");
	struct pdf_lexer lx;
	struct pdf_token tok;

	*out = NULL;
	if (ct == NULL)
		return tamga__evidence_sig_format_error(sig, "no /Contents");
	if (ct->type != PDF_STRING || !(ct->flags & PDF_STR_HEX))
		return tamga__evidence_sig_format_error(sig, "/Contents is not a direct hexadecimal string");
	tamga__pdf_lexer_init(&lx, v->data, v->len, br[1], tamga__pdf_doc_arena(v->doc), &v->doc->limits);
	if (ct->offset != br[1] || tamga__pdf_lex(&lx, &tok) < 0 || tok.type != PDF_TOK_HEXSTRING ||
	    tok.start != br[1] || tok.end != br[2]) {
		tamga_error_clear();
		return tamga__evidence_sig_format_error(sig, "the /ByteRange gap [%zu, %zu) is not the /Contents string of "
		                                        "this signature (at offset %zu)", br[1], br[2], ct->offset);
	}
	*out = ct;
	return 0;
}

/* Which revision ends at end: its index, or -1. */
static int revision_at(struct vctx *v, size_t end)
{
	size_t i, n = tamga__pdf_revision_count(v->doc);

	for (i = 0; i < n; i++) {
		size_t e = tamga__pdf_revision(v->doc, i)->end, q = end;

		if (e == end)
			return (int)i;
		/* The signed bytes may stop right after "%%EOF", before its EOL. */
		while (q < e && (v->data[q] == '\r' || v->data[q] == '\n'))
			q++;
		if (q == e && end >= 5 && memcmp(v->data + end - 5, "%%EOF", 5) == 0)
			return (int)i;
	}
	return -1;
}

static int subfilter(struct tamga__sig_evidence *sig, const pdf_obj *dict)
{
	pdf_obj *sf = tamga__pdf_dict_get(dict, "SubFilter");
	const char *s;

	if (sf == NULL || sf->type != PDF_NAME)
		return tamga__evidence_sig_format_error(sig, "no /SubFilter name");
	s = sf->u.name.data;
	if ((sig->subfilter = tamga__pdfv_text((const unsigned char *)s, sf->u.name.len)) == NULL)
		return TAMGA_ENOMEM;
	if (strcmp(s, "ETSI.CAdES.detached") == 0 || strcmp(s, "adbe.pkcs7.detached") == 0)
		sig->kind = TAMGA__SIG_CMS_DETACHED;
	else if (strcmp(s, "adbe.pkcs7.sha1") == 0)
		sig->kind = TAMGA__SIG_CMS_SHA1;
	else if (strcmp(s, "ETSI.RFC3161") == 0) {
		sig->kind = TAMGA__SIG_DOC_TIMESTAMP;
		if (!tamga__pdf_is_name(tamga__pdf_dict_get(dict, "Type"), "DocTimeStamp"))
			return tamga__evidence_sig_format_error(sig, "/SubFilter /ETSI.RFC3161 without /Type /DocTimeStamp");
	} else {
		return tamga__evidence_sig_format_error(sig, "unsupported /SubFilter /%s", sig->subfilter);
	}
	return 0;
}

/* The signature dictionary's own bytes lie inside the signed bytes. */
static int dict_location(struct vctx *v, struct tamga__sig_evidence *sig, uint32_t num, uint16_t gen,
                         const size_t br[4])
{
	const struct pdf_xent *e = num < v->doc->size ? &v->doc->xref[num] : NULL;
	pdf_obj *obj;
	size_t end;
	uint32_t n = num;
	uint16_t g = gen;

	if (e == NULL || e->type != PDF_XREF_USED)
		return tamga__evidence_sig_format_error(sig, "the signature dictionary (object %u) is not stored at a file "
		                                        "offset (it is in an object stream)", num);
	if (tamga__pdf_parse_indirect(v->doc, (size_t)e->f2, &n, &g, 1, &obj, &end) < 0) {
		if (tamga__pdfv_oom())
			return TAMGA_ENOMEM;
		tamga_error_clear();
		return tamga__evidence_sig_format_error(sig, "the signature dictionary (object %u) cannot be read", num);
	}
	if ((size_t)e->f2 >= br[1] || end <= br[2] || end > br[2] + br[3])
		return tamga__evidence_sig_format_error(sig, "the signature dictionary (object %u, offset %llu) is not "
		                                        "inside the bytes it signs", num, (unsigned long long)e->f2);
	return 0;
}

static int check_range(struct vctx *v, struct tamga__sig_evidence *sig, struct pdfv_sig *ps, const pdf_obj *dict,
                       uint32_t num, uint16_t gen)
{
	const pdf_obj *ct;
	size_t br[4], end;
	int error, rev;

	if ((error = byte_range(v, sig, dict, br)) < 0 || sig->format_error != NULL ||
	    (error = contents_gap(v, sig, dict, br, &ct)) < 0 || sig->format_error != NULL ||
	    (error = dict_location(v, sig, num, gen, br)) < 0 || sig->format_error != NULL)
		return error;
	end = br[2] + br[3];
	if ((rev = revision_at(v, end)) < 0)
		return tamga__evidence_sig_format_error(sig, "the signed bytes end at %zu, which is not the end of a revision",
		                                        end);
	sig->revision = rev;
	sig->ranges[0].offset = 0;
	sig->ranges[0].len = br[1];
	sig->ranges[1].offset = br[2];
	sig->ranges[1].len = br[3];
	sig->range_count = 2;
	sig->covers_whole_document = blank_from(v->data, end, v->len);
	ps->covered_end = end;
	ps->contents_at = br[1];
	return strip_padding(sig, ct->u.string.data, ct->u.string.len);
}

/* ------------------------------------------------------------------ DocMDP, FieldMDP, /Lock */

static int add_lock(struct vctx *v, struct pdfv_sig *ps, const pdf_obj *params)
{
	struct pdfv_lock *l;
	pdf_obj *action = tamga__pdf_dict_get(params, "Action"), *fields;
	size_t i;
	int error;

	if (action == NULL || action->type != PDF_NAME)
		return 0;
	if ((l = realloc(ps->locks, (ps->lock_count + 1) * sizeof(*l))) == NULL)
		return tamga__error_oom();
	ps->locks = l;
	l = &ps->locks[ps->lock_count++];
	memset(l, 0, sizeof(*l));
	l->all = tamga__pdf_is_name(action, "All");
	l->exclude = tamga__pdf_is_name(action, "Exclude");
	if (!l->all && !l->exclude && !tamga__pdf_is_name(action, "Include")) {
		l->all = 1; /* an action we do not know locks everything */
		return 0;
	}
	if ((error = vresolve(v, tamga__pdf_dict_get(params, "Fields"), &fields)) < 0)
		return error;
	for (i = 0; fields != NULL && fields->type == PDF_ARRAY && i < fields->u.array.len && i < PDFV_MAX_LOCKED; i++) {
		pdf_obj *s;
		char **g, *name;

		if ((error = vresolve(v, fields->u.array.items[i], &s)) < 0)
			return error;
		if (s == NULL || s->type != PDF_STRING)
			continue;
		if ((name = tamga__pdfv_text(s->u.string.data, s->u.string.len)) == NULL)
			return TAMGA_ENOMEM;
		if ((g = realloc(l->names, (l->count + 1) * sizeof(*g))) == NULL) {
			free(name);
			return tamga__error_oom();
		}
		l->names = g;
		l->names[l->count++] = name;
	}
	return 0;
}

/* /Reference [ << /TransformMethod /DocMDP|/FieldMDP /TransformParams ... >> ] */
static int references(struct vctx *v, struct pdfv_sig *ps, const pdf_obj *dict)
{
	pdf_obj *refs, *r, *tm, *tp, *p;
	size_t i;
	int error;

	if ((error = vresolve(v, tamga__pdf_dict_get(dict, "Reference"), &refs)) < 0)
		return error;
	for (i = 0; refs != NULL && refs->type == PDF_ARRAY && i < refs->u.array.len && i < 100; i++) {
		if ((error = vresolve(v, refs->u.array.items[i], &r)) < 0 ||
		    (error = vresolve(v, tamga__pdf_dict_get(r, "TransformMethod"), &tm)) < 0 ||
		    (error = vresolve(v, tamga__pdf_dict_get(r, "TransformParams"), &tp)) < 0)
			return error;
		if (tamga__pdf_is_name(tm, "DocMDP")) {
			if ((error = vresolve(v, tamga__pdf_dict_get(tp, "P"), &p)) < 0)
				return error;
			/* §12.8.2.2.2: P defaults to 2; a value we do not know allows nothing. */
			ps->docmdp = p == NULL ? 2 : p->type == PDF_INT && p->u.integer >= 1 && p->u.integer <= 3 ?
			                                      (int)p->u.integer : 1;
		} else if (tamga__pdf_is_name(tm, "FieldMDP") && tp != NULL &&
		           (error = add_lock(v, ps, tp)) < 0) {
			return error;
		}
	}
	return 0;
}

static int field_lock(struct vctx *v, struct pdfv_sig *ps, uint32_t field)
{
	pdf_obj *f, *lock;
	uint16_t gen;
	int error;

	if (field == 0)
		return 0;
	(void)tamga__pdf_object_gen(v->doc, field, &gen);
	if (tamga__pdf_get(v->doc, field, gen, &f) < 0) {
		if (tamga__pdfv_oom())
			return TAMGA_ENOMEM;
		tamga_error_clear();
		return 0;
	}
	if ((error = vresolve(v, tamga__pdf_dict_get(f, "Lock"), &lock)) < 0)
		return error;
	return lock != NULL && lock->type == PDF_DICT ? add_lock(v, ps, lock) : 0;
}

/* ------------------------------------------------------------------ one signature */

static int check_sig(struct vctx *v, const struct pdfv_found *f, struct pdfv_sig *ps)
{
	struct tamga__sig_evidence *sig = ps->ev;
	pdf_obj *dict = NULL, *m = NULL;
	int error;

	if (f->name != NULL)
		sig->id = tamga__strdup(f->name);
	else if (asprintf(&sig->id, "object %u", f->num ? f->num : f->field) < 0)
		sig->id = NULL;
	if (sig->id == NULL)
		return tamga__error_oom();
	ps->num = f->num;
	ps->field = f->field;
	if (f->refs > 1) {
		if ((error = tamga__evidence_sig_warn(sig, "the signature dictionary (object %u) is the value of %d fields",
		                                      f->num, f->refs)) < 0 ||
		    (error = tamga__evidence_warn(v->ev, "signature dictionary %u is the value of %d fields; counted once",
		                                  f->num, f->refs)) < 0)
			return error;
	}
	if (f->num == 0)
		return tamga__evidence_sig_format_error(sig, "the signature field's /V is not an indirect reference");
	if (tamga__pdf_get(v->doc, f->num, f->gen, &dict) < 0) {
		if (tamga__pdfv_oom())
			return TAMGA_ENOMEM;
		error = tamga__evidence_sig_format_error(sig, "%s", tamga_error_last()->message);
		tamga_error_clear();
		return error;
	}
	if (dict->type != PDF_DICT)
		return tamga__evidence_sig_format_error(sig, "the field's /V (object %u) is not a signature dictionary",
		                                        f->num);
	if ((error = text_entry(v, dict, "Reason", &sig->reason)) < 0 ||
	    (error = text_entry(v, dict, "Location", &sig->location)) < 0 ||
	    (error = text_entry(v, dict, "ContactInfo", &sig->contact)) < 0 ||
	    (error = vresolve(v, tamga__pdf_dict_get(dict, "M"), &m)) < 0)
		return error;
	if (m != NULL && (m->type != PDF_STRING || tamga__pdfv_date(m->u.string.data, m->u.string.len,
	                                                           &sig->claimed_time) < 0)) {
		tamga_error_clear();
		sig->claimed_time = 0;
		if ((error = tamga__evidence_sig_warn(sig, "/M is not a PDF date; ignored")) < 0)
			return error;
	}
	if ((error = references(v, ps, dict)) < 0 || (error = field_lock(v, ps, f->field)) < 0)
		return error;
	ps->perms = v->perms_num != 0 && v->perms_num == f->num;
	if ((error = subfilter(sig, dict)) < 0 || (error = check_range(v, sig, ps, dict, f->num, f->gen)) < 0)
		return error;
	return 0;
}

/* ------------------------------------------------------------------ the document */

static int perms_docmdp(struct vctx *v)
{
	pdf_obj *cat, *perms, *d;
	int error;

	if (tamga__pdf_catalog(v->doc, &cat) < 0)
		return tamga__pdfv_oom() ? TAMGA_ENOMEM : 0;
	if ((error = vresolve(v, tamga__pdf_dict_get(cat, "Perms"), &perms)) < 0)
		return error;
	d = tamga__pdf_dict_get(perms, "DocMDP");
	if (d != NULL && d->type == PDF_REF)
		v->perms_num = d->u.ref.num;
	return 0;
}

/* Oldest first: by the end of the signed bytes, then the position of
 * /Contents; signatures without a valid range last, as found. */
static int before(const struct pdfv_sig *a, const struct pdfv_sig *b)
{
	size_t ea = a->covered_end ? a->covered_end : SIZE_MAX, eb = b->covered_end ? b->covered_end : SIZE_MAX;

	if (ea != eb)
		return ea < eb;
	return a->contents_at < b->contents_at;
}

static int order(struct vctx *v)
{
	struct tamga__sig_evidence *evs;
	size_t i, j;

	if (v->count == 0)
		return 0;
	for (i = 1; i < v->count; i++) {
		struct pdfv_sig t = v->sigs[i];

		for (j = i; j > 0 && before(&t, &v->sigs[j - 1]); j--)
			v->sigs[j] = v->sigs[j - 1];
		v->sigs[j] = t;
	}
	if ((evs = malloc(v->count * sizeof(*evs))) == NULL)
		return tamga__error_oom();
	for (i = 0; i < v->count; i++)
		evs[i] = v->ev->sigs[v->sigs[i].ev_index];
	memcpy(v->ev->sigs, evs, v->count * sizeof(*evs));
	free(evs);
	for (i = 0; i < v->count; i++) {
		v->sigs[i].ev_index = i;
		v->sigs[i].ev = &v->ev->sigs[i];
	}
	return 0;
}

/* At most one certification signature, and the first.  Its P, or 0. */
static int certification(struct vctx *v, int *cert)
{
	size_t i;
	int error = 0, seen = 0;

	*cert = 0;
	for (i = 0; i < v->count; i++) {
		struct pdfv_sig *s = &v->sigs[i];
		int p = s->docmdp ? s->docmdp : s->perms ? 2 : 0;

		if (p == 0)
			continue;
		s->ev->certification = p;
		if (seen)
			error = tamga__evidence_sig_format_error(s->ev, "a second certification signature (DocMDP)");
		else if (i != 0)
			error = tamga__evidence_sig_format_error(s->ev, "a certification signature (DocMDP) that is not the "
			                                         "document's first signature");
		else
			*cert = p;
		if (error < 0)
			return error;
		if (s->docmdp && !s->perms && v->perms_num == 0 &&
		    (error = tamga__evidence_sig_warn(s->ev, "certification signature not named by the catalog's "
		                                      "/Perms /DocMDP")) < 0)
			return error;
		seen = 1;
	}
	if (v->perms_num != 0 && !seen)
		return tamga__evidence_warn(v->ev, "the catalog's /Perms /DocMDP names object %u, which is not a signature "
		                            "of the form", v->perms_num);
	return 0;
}

/* The revision whose bytes hold offset: its index, or -1 (past validation
 * trusts a DSS entry's existence only as far as a document time-stamp
 * covers the bytes that hold it). */
static int revision_holding(struct vctx *v, size_t offset)
{
	size_t i, n = tamga__pdf_revision_count(v->doc);

	for (i = 0; offset != SIZE_MAX && i < n; i++)
		if (offset < tamga__pdf_revision(v->doc, i)->end)
			return (int)i;
	return -1;
}

static int dss_blobs(struct vctx *v)
{
	static const char *keys[3] = { "Certs", "CRLs", "OCSPs" };
	tamga_buf b = TAMGA_BUF_INIT;
	pdf_obj *cat, *dss, *arr, *s;
	size_t i;
	int k, error = 0;

	if (tamga__pdf_catalog(v->doc, &cat) < 0)
		return tamga__pdfv_oom() ? TAMGA_ENOMEM : 0;
	if ((error = vresolve(v, tamga__pdf_dict_get(cat, "DSS"), &dss)) < 0 || dss == NULL)
		return error;
	for (k = 0; k < 3; k++) {
		if ((error = vresolve(v, tamga__pdf_dict_get(dss, keys[k]), &arr)) < 0)
			goto done;
		for (i = 0; arr != NULL && arr->type == PDF_ARRAY && i < arr->u.array.len && i < 10000; i++) {
			if ((error = vresolve(v, arr->u.array.items[i], &s)) < 0)
				goto done;
			b.size = 0;
			if (s == NULL || s->type != PDF_STREAM || tamga__pdf_stream_decode(v->doc, s, &b) < 0) {
				if (tamga__pdfv_oom()) {
					error = TAMGA_ENOMEM;
					goto done;
				}
				tamga_error_clear();
				if ((error = tamga__evidence_warn(v->ev, "/DSS /%s entry %zu is not a readable stream", keys[k],
				                                  i + 1)) < 0)
					goto done;
				continue;
			}
			if ((error = tamga__evidence_add_blob_at(v->ev, k, b.ptr, b.size,
			                                         revision_holding(v, s->u.stream.data_offset))) < 0)
				goto done;
		}
	}
done:
	tamga_buf_dispose(&b);
	return error;
}

static int find_sigs(struct vctx *v)
{
	size_t i;
	int error;

	if ((v->sigs = calloc(v->map.nfound ? v->map.nfound : 1, sizeof(*v->sigs))) == NULL)
		return tamga__error_oom();
	if ((error = perms_docmdp(v)) < 0)
		return error;
	for (i = 0; i < v->map.nfound; i++) {
		struct tamga__sig_evidence *sig;
		size_t k;

		if ((error = tamga__evidence_add_sig(v->ev, &sig)) < 0)
			return error;
		v->sigs[i].ev_index = v->ev->sig_count - 1;
		v->count++;
		for (k = 0; k < v->count; k++) /* add_sig moved them */
			v->sigs[k].ev = &v->ev->sigs[v->sigs[k].ev_index];
		if ((error = check_sig(v, &v->map.found[i], &v->sigs[i])) < 0)
			return error;
	}
	return order(v);
}

static int analyse(struct vctx *v)
{
	const struct pdf_revision *last = tamga__pdf_revision(v->doc, tamga__pdf_revision_count(v->doc) - 1);
	int error, cert, trailing = !blank_from(v->data, last->end, v->len);
	size_t i;

	if ((error = certification(v, &cert)) < 0)
		return error;
	for (i = 0; i < v->count; i++) {
		struct pdfv_sig *s = &v->sigs[i];

		if (s->covered_end != 0 && s->ev->revision >= 0 && (size_t)s->ev->revision + 1 < tamga__pdf_revision_count(v->doc) &&
		    (error = tamga__pdfv_mdp(&v->map, v->sigs, v->count, i, cert)) < 0)
			return error;
		if (trailing && (error = tamga__evidence_sig_mod(s->ev, "trailing-bytes", 0, "bytes after the last %%%%EOF "
		                                                 "(offset %zu) that are not white space", last->end)) < 0)
			return error;
	}
	return dss_blobs(v);
}

int tamga__pdf_verify(const unsigned char *data, size_t len, struct tamga__evidence *ev)
{
	struct vctx v;
	size_t i;
	int error;

	memset(&v, 0, sizeof(v));
	v.data = data;
	v.len = len;
	v.ev = ev;
	if (ev->format == NULL)
		ev->format = "pdf";
	if (tamga__pdf_open(&v.doc, data, len, NULL) < 0) {
		if (tamga__pdfv_oom())
			return TAMGA_ENOMEM;
		error = tamga__evidence_error(ev, "%s", tamga_error_last()->message);
		goto done;
	}
	if ((error = tamga__pdfv_map_build(&v.map, v.doc, 1)) < 0)
		goto done;
	if (v.map.error != NULL) {
		error = tamga__evidence_error(ev, "%s", v.map.error);
		goto done;
	}
	if ((error = find_sigs(&v)) < 0 || (error = analyse(&v)) < 0)
		goto done;
done:
	for (i = 0; v.sigs != NULL && i < v.map.nfound; i++) {
		size_t k, j;

		for (k = 0; k < v.sigs[i].lock_count; k++) {
			for (j = 0; j < v.sigs[i].locks[k].count; j++)
				free(v.sigs[i].locks[k].names[j]);
			free(v.sigs[i].locks[k].names);
		}
		free(v.sigs[i].locks);
	}
	free(v.sigs);
	tamga__pdfv_map_free(&v.map);
	tamga__pdf_close(v.doc);
	return error < 0 ? error : 0;
}
