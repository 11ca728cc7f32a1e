/*
 * formats/pdf/ltv.c - PAdES baseline B-LT and B-LTA (ETSI EN 319 142-1
 * §5.4, §5.5; ISO 32000-2 §12.8.4.3 DSS, §12.8.5 document time-stamp).
 *
 * After B-T signatures, B-LT appends one incremental update with the
 * validation data a verifier needs offline, and B-LTA one more with a
 * document time-stamp over the whole file:
 *
 *     ... signed revision %%EOF
 *     catalog /DSS << /Certs [s s ...] /CRLs [s ...] /OCSPs [s ...]
 *                     /VRI << /<SHA-1 of /Contents, upper hex>
 *                             << /Cert [...] /CRL [...] /OCSP [...] >> ... >> >>
 *     %%EOF
 *     sig << /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 /ByteRange /Contents >>
 *     field/widget with an empty /Rect, in /AcroForm /Fields and page 1 /Annots
 *     %%EOF
 *
 * The validation data is gathered by pki/ltvdata.c (shared with XAdES
 * B-LT); this file writes it.  For each subject (a signature's CMS, or a
 * time-stamp token) the paths of its signer and of its time-stamp
 * authorities are built from the certificates the CMS and tokens carry (an
 * issuer missing there is fetched from the AIA caIssuers URL).  Each non-root certificate of those paths
 * gets revocation data (tamga_revdata): an OCSP response from its AIA OCSP
 * URL, checked by pki/ocsp.c before it is embedded, and/or the CRLs of its
 * issuer (the caller's files, else its CRL distribution points).  Only
 * http:// URLs are contacted (pki/fetch.c).  A delegated OCSP responder
 * without id-pkix-ocsp-nocheck brings its own CRL.  A DSS already there is
 * kept and added to; an object already in it is not embedded twice.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <tamga/sign.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "common/http.h"
#include "formats/pdf/ltv.h"
#include "formats/pdf/pdf.h"
#include "pki/pki.h"
#include "pki/revocation.h"
#include "pki/tsp.h"
#include "pki/ltvdata.h"
#include "pki/validate_internal.h"

#define DOC_TS_RESERVE (16u * 1024u)

static int err_code(void)
{
	int code = tamga_error_last()->code;

	return code < 0 ? code : TAMGA_ENOMEM;
}

static void upper_hex(char *out, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* The VRI key of a subject: SHA-1 of its DER, upper-case hex. */
static int vri_key(char key[41], const unsigned char *der, size_t len)
{
	unsigned char md[20];

	if (!EVP_Digest(der, len, md, NULL, EVP_sha1(), NULL))
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the signature");
	upper_hex(key, md, sizeof(md));
	return 0;
}

/* The validation data (pki/ltvdata.c) and what this update adds. */
struct ltv {
	const struct tamga__pdf_ltv *o;
	struct tamga__ltv_stats *st;
	struct tamga__ltvdata d;
};

/* ------------------------------------------------------------------ the DSS update */

/* A copy of the value of key in dict, resolved, when it has type; else a new one. */
static pdf_obj *copy_or_new(pdf_doc *doc, pdf_arena *a, const pdf_obj *dict, const char *key, pdf_type type)
{
	pdf_obj *v = NULL;

	if (dict != NULL && tamga__pdf_dict_resolve(doc, dict, key, &v) < 0)
		tamga_error_clear();
	if (v != NULL && v->type == type)
		return tamga__pdf_copy(a, v);
	return type == PDF_ARRAY ? tamga__pdf_array(a) : tamga__pdf_dict(a);
}

/* Items already in the DSS array arr keep their object there. */
static void seed_existing(struct ltv *l, pdf_doc *doc, const pdf_obj *arr, int kind)
{
	size_t i, k;

	for (i = 0; i < arr->u.array.len; i++) {
		pdf_obj *ref = arr->u.array.items[i], *s = NULL;
		tamga_buf data = TAMGA_BUF_INIT;
		unsigned char md[32];

		if (ref->type != PDF_REF || tamga__pdf_resolve(doc, ref, &s) < 0 || s->type != PDF_STREAM ||
		    tamga__pdf_stream_decode(doc, s, &data) < 0 || !EVP_Digest(data.ptr, data.size, md, NULL, EVP_sha256(), NULL)) {
			tamga_error_clear();
			ERR_clear_error();
			tamga_buf_dispose(&data);
			continue;
		}
		for (k = 0; k < l->d.nitems; k++)
			if (l->d.items[k].kind == kind && l->d.items[k].num == 0 && memcmp(l->d.items[k].sha, md, 32) == 0)
				l->d.items[k].num = ref->u.ref.num;
		tamga_buf_dispose(&data);
	}
}

/* The object of item id (written now unless it is already in the file),
 * pushed to entry (a VRI array; may be NULL). */
static int put_item(struct ltv *l, pdf_arena *a, struct pdf_sink *sink, size_t id, pdf_obj *const globals[3],
                    pdf_obj *entry)
{
	struct tamga__ltv_item *it = &l->d.items[id];
	int error;

	if (it->num == 0) {
		pdf_obj *d = tamga__pdf_dict(a), *s;

		if (d == NULL || (s = tamga__pdf_stream(a, d, it->der, it->len)) == NULL)
			return err_code();
		if ((error = sink->alloc(sink->ctx, &it->num)) < 0 || (error = sink->put(sink->ctx, it->num, s)) < 0 ||
		    (error = tamga__pdf_array_push(a, globals[it->kind], tamga__pdf_ref(a, it->num, 0))) < 0)
			return error;
		if (it->kind == TAMGA__LTV_CERT)
			l->st->certs++;
		else if (it->kind == TAMGA__LTV_CRL)
			l->st->crls++;
		else
			l->st->ocsps++;
	}
	if (entry == NULL)
		return 0;
	return tamga__pdf_array_push(a, entry, tamga__pdf_ref(a, it->num, 0));
}

static int dss_update(struct ltv *l, tamga_buf *file, const struct tamga__ltv_subject *subs,
                      const struct tamga__ltv_ids *vris, size_t count)
{
	static const char *const global_keys[3] = { "Certs", "CRLs", "OCSPs" };
	static const char *const vri_keys[3] = { "Cert", "CRL", "OCSP" };
	pdf_doc *doc = NULL;
	pdf_update *up = NULL;
	pdf_arena *a;
	struct pdf_sink sink;
	tamga_buf tail = TAMGA_BUF_INIT;
	pdf_obj *cat, *root = NULL, *old = NULL, *dss, *vri, *globals[3];
	size_t s, i;
	int k, error;

	if ((error = tamga__pdf_open(&doc, file->ptr, file->size, NULL)) < 0 ||
	    (error = tamga__pdf_update_new(&up, doc)) < 0 || (error = tamga__pdf_catalog(doc, &root)) < 0)
		goto done;
	a = tamga__pdf_update_arena(up);
	tamga__pdf_update_sink(up, &sink);
	cat = tamga__pdf_dict_get(tamga__pdf_trailer(doc), "Root");
	if (cat == NULL || cat->type != PDF_REF) {
		error = tamga__error_set(TAMGA_EFORMAT, "PDF: the trailer's /Root is not an indirect reference");
		goto done;
	}
	if ((root = tamga__pdf_copy(a, root)) == NULL || (dss = tamga__pdf_dict(a)) == NULL) {
		error = err_code();
		goto done;
	}
	/* A DSS already there (an earlier B-LT) is kept and added to. */
	if (tamga__pdf_dict_resolve(doc, root, "DSS", &old) < 0)
		tamga_error_clear();
	if (old != NULL && old->type != PDF_DICT)
		old = NULL;
	for (k = 0; k < 3; k++) {
		if ((globals[k] = copy_or_new(doc, a, old, global_keys[k], PDF_ARRAY)) == NULL) {
			error = err_code();
			goto done;
		}
		seed_existing(l, doc, globals[k], k);
	}
	if ((vri = copy_or_new(doc, a, old, "VRI", PDF_DICT)) == NULL) {
		error = err_code();
		goto done;
	}
	for (i = 0; i < l->d.global.n; i++)
		if ((error = put_item(l, a, &sink, l->d.global.v[i], globals, NULL)) < 0)
			goto done;
	for (s = 0; s < count; s++) {
		pdf_obj *entry = tamga__pdf_dict(a), *arr[3];
		char key[41];

		if (entry == NULL) {
			error = err_code();
			goto done;
		}
		for (k = 0; k < 3; k++)
			if ((arr[k] = tamga__pdf_array(a)) == NULL) {
				error = err_code();
				goto done;
			}
		for (i = 0; i < vris[s].n; i++)
			if ((error = put_item(l, a, &sink, vris[s].v[i], globals, arr[l->d.items[vris[s].v[i]].kind])) < 0)
				goto done;
		for (k = 0; k < 3; k++)
			if ((k == 0 || arr[k]->u.array.len > 0) &&
			    (error = tamga__pdf_dict_set(a, entry, vri_keys[k], arr[k])) < 0)
				goto done;
		if ((error = vri_key(key, subs[s].der, subs[s].len)) < 0 ||
		    (error = tamga__pdf_dict_set(a, vri, key, entry)) < 0)
			goto done;
	}
	if ((error = tamga__pdf_dict_set(a, dss, "Type", tamga__pdf_name(a, "DSS"))) < 0)
		goto done;
	for (k = 0; k < 3; k++)
		if ((k == 0 || globals[k]->u.array.len > 0) &&
		    (error = tamga__pdf_dict_set(a, dss, global_keys[k], globals[k])) < 0)
			goto done;
	if ((error = tamga__pdf_dict_set(a, dss, "VRI", vri)) < 0 ||
	    (error = tamga__pdf_dict_set(a, root, "DSS", dss)) < 0 ||
	    (error = tamga__pdf_update_set(up, cat->u.ref.num, root)) < 0 ||
	    (error = tamga__pdf_update_write(up, &tail, file->size, NULL)) < 0)
		goto done;
done:
	tamga__pdf_update_free(up);
	tamga__pdf_close(doc);
	if (error == 0)
		error = tamga__buf_append(file, tail.ptr, tail.size);
	tamga_buf_dispose(&tail);
	return error;
}

/* ------------------------------------------------------------------ document time-stamp */

/* Append item to dict's array key (direct, or an indirect array replaced). */
static int append_to(pdf_doc *doc, pdf_update *up, pdf_obj *dict, const char *key, pdf_obj *item)
{
	pdf_arena *a = tamga__pdf_update_arena(up);
	pdf_obj *v = tamga__pdf_dict_get(dict, key), *arr = NULL;
	int error;

	if (item == NULL)
		return err_code();
	if (v != NULL && v->type == PDF_REF) {
		if ((error = tamga__pdf_resolve(doc, v, &arr)) < 0)
			return error;
		if (arr->type != PDF_ARRAY)
			return tamga__error_set(TAMGA_EFORMAT, "PDF: /%s is not an array", key);
		if ((arr = tamga__pdf_copy(a, arr)) == NULL || (error = tamga__pdf_array_push(a, arr, item)) < 0)
			return err_code();
		return tamga__pdf_update_set(up, v->u.ref.num, arr);
	}
	if (v != NULL && v->type == PDF_ARRAY)
		return tamga__pdf_array_push(a, v, item);
	if (v != NULL && v->type != PDF_NULL)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: /%s is not an array", key);
	if ((arr = tamga__pdf_array(a)) == NULL || (error = tamga__pdf_array_push(a, arr, item)) < 0)
		return err_code();
	return tamga__pdf_dict_set(a, dict, key, arr);
}

static int doc_ts_build(pdf_doc *doc, pdf_update *up, const char *field_name)
{
	pdf_arena *a = tamga__pdf_update_arena(up);
	pdf_obj *root_ref = tamga__pdf_dict_get(tamga__pdf_trailer(doc), "Root");
	pdf_obj *catalog = NULL, *cat = NULL, *acro_v, *acro, *sig, *br, *zeros, *widget, *page, *rect;
	struct pdf_page pg;
	unsigned char *pad;
	uint32_t sig_num, widget_num, acro_num = 0;
	int i, error;

	if (root_ref == NULL || root_ref->type != PDF_REF)
		return tamga__error_set(TAMGA_EFORMAT, "PDF: the trailer's /Root is not an indirect reference");
	if ((error = tamga__pdf_catalog(doc, &catalog)) < 0 || (error = tamga__pdf_page(doc, 0, &pg)) < 0 ||
	    (error = tamga__pdf_update_alloc(up, &sig_num)) < 0 ||
	    (error = tamga__pdf_update_alloc(up, &widget_num)) < 0)
		return error;
	if ((pad = calloc(1, DOC_TS_RESERVE)) == NULL)
		return tamga__error_oom();
	zeros = tamga__pdf_string(a, pad, DOC_TS_RESERVE, PDF_STR_PLACEHOLDER);
	free(pad);
	if (zeros == NULL || (sig = tamga__pdf_dict(a)) == NULL || (br = tamga__pdf_array(a)) == NULL ||
	    (widget = tamga__pdf_dict(a)) == NULL || (rect = tamga__pdf_array(a)) == NULL)
		return err_code();
	br->flags |= PDF_ARR_PLACEHOLDER;
	for (i = 0; i < 4; i++)
		if ((error = tamga__pdf_array_push(a, rect, tamga__pdf_int(a, 0))) < 0)
			return error;
	if ((error = tamga__pdf_dict_set(a, sig, "Type", tamga__pdf_name(a, "DocTimeStamp"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, sig, "Filter", tamga__pdf_name(a, "Adobe.PPKLite"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, sig, "SubFilter", tamga__pdf_name(a, "ETSI.RFC3161"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, sig, "ByteRange", br)) < 0 ||
	    (error = tamga__pdf_dict_set(a, sig, "Contents", zeros)) < 0 ||
	    (error = tamga__pdf_update_set(up, sig_num, sig)) < 0)
		return error;
	if ((error = tamga__pdf_dict_set(a, widget, "Type", tamga__pdf_name(a, "Annot"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "Subtype", tamga__pdf_name(a, "Widget"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "FT", tamga__pdf_name(a, "Sig"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "T", tamga__pdf_string(a, field_name, strlen(field_name), 0))) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "V", tamga__pdf_ref(a, sig_num, 0))) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "F", tamga__pdf_int(a, 132))) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "Rect", rect)) < 0 ||
	    (error = tamga__pdf_dict_set(a, widget, "P", tamga__pdf_ref(a, pg.num, pg.gen))) < 0 ||
	    (error = tamga__pdf_update_set(up, widget_num, widget)) < 0)
		return error;
	if ((page = tamga__pdf_copy(a, pg.dict)) == NULL)
		return err_code();
	if ((error = append_to(doc, up, page, "Annots", tamga__pdf_ref(a, widget_num, 0))) < 0 ||
	    (error = tamga__pdf_update_set(up, pg.num, page)) < 0)
		return error;

	acro_v = tamga__pdf_dict_get(catalog, "AcroForm");
	if (acro_v != NULL && acro_v->type == PDF_REF) {
		pdf_obj *cur = NULL;

		if ((error = tamga__pdf_resolve(doc, acro_v, &cur)) < 0)
			return error;
		if (cur->type != PDF_DICT)
			return tamga__error_set(TAMGA_EFORMAT, "PDF: /AcroForm is not a dictionary");
		acro_num = acro_v->u.ref.num;
		acro = tamga__pdf_copy(a, cur);
	} else {
		if ((cat = tamga__pdf_copy(a, catalog)) == NULL)
			return err_code();
		acro = acro_v != NULL && acro_v->type == PDF_DICT ? tamga__pdf_dict_get(cat, "AcroForm") : tamga__pdf_dict(a);
	}
	if (acro == NULL)
		return err_code();
	if ((error = append_to(doc, up, acro, "Fields", tamga__pdf_ref(a, widget_num, 0))) < 0 ||
	    (error = tamga__pdf_dict_set(a, acro, "SigFlags", tamga__pdf_int(a, 3))) < 0)
		return error;
	if (acro_num != 0)
		return tamga__pdf_update_set(up, acro_num, acro);
	if ((error = tamga__pdf_dict_set(a, cat, "AcroForm", acro)) < 0)
		return error;
	return tamga__pdf_update_set(up, root_ref->u.ref.num, cat);
}

/* notAfter of the certificate that signed the token (0 when not found). */
static tamga_time token_expiry(const tamga_buf *token)
{
	CMS_ContentInfo *cms = tamga__ltvdata_cms_parse(token->ptr, token->size);
	STACK_OF(CMS_SignerInfo) *sis = cms ? CMS_get0_SignerInfos(cms) : NULL;
	STACK_OF(X509) *certs = cms ? CMS_get1_certs(cms) : NULL;
	tamga_time t = 0;
	int i;

	for (i = 0; sk_CMS_SignerInfo_num(sis) > 0 && i < sk_X509_num(certs); i++)
		if (CMS_SignerInfo_cert_cmp(sk_CMS_SignerInfo_value(sis, 0), sk_X509_value(certs, i)) == 0) {
			t = tamga__asn1_time_get(X509_get0_notAfter(sk_X509_value(certs, i)));
			break;
		}
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return t;
}

/* Append a document time-stamp update to file. */
static int doc_timestamp(tamga_buf *file, const char *tsa_url, const char *field_name, tamga_time *expires,
                         tamga_buf *token_out)
{
	static const char hex[] = "0123456789ABCDEF";
	pdf_doc *doc = NULL;
	pdf_update *up = NULL;
	tamga_buf tail = TAMGA_BUF_INIT, token = TAMGA_BUF_INIT;
	struct pdf_marks marks;
	struct tamga__tsp_query q;
	unsigned char md[32];
	size_t base = file->size, br[4], i;
	char brtext[4 * (PDF_BYTERANGE_DIGITS + 1) + 8];
	EVP_MD_CTX *c = NULL;
	int n, error;

	if ((error = tamga__pdf_open(&doc, file->ptr, file->size, NULL)) < 0 ||
	    (error = tamga__pdf_update_new(&up, doc)) < 0 || (error = doc_ts_build(doc, up, field_name)) < 0 ||
	    (error = tamga__pdf_update_write(up, &tail, base, &marks)) < 0)
		goto done;
	if (marks.contents == SIZE_MAX || marks.byterange == SIZE_MAX || marks.byterange > marks.contents ||
	    marks.contents_len != 2 * DOC_TS_RESERVE + 2) {
		error = tamga__error_set(TAMGA_ERROR, "PDF: time-stamp placeholders were not written as expected");
		goto done;
	}
	br[0] = 0;
	br[1] = marks.contents;
	br[2] = marks.contents + marks.contents_len;
	br[3] = base + tail.size - br[2];
	n = snprintf(brtext, sizeof(brtext), "[%zu %zu %zu %zu", br[0], br[1], br[2], br[3]);
	if (n < 0 || (size_t)n + 1 > marks.byterange_len) {
		error = tamga__error_set(TAMGA_ELIMIT, "PDF: the document is too large for a byte range");
		goto done;
	}
	memset(tail.ptr + (marks.byterange - base), ' ', marks.byterange_len);
	memcpy(tail.ptr + (marks.byterange - base), brtext, (size_t)n);
	tail.ptr[marks.byterange - base + marks.byterange_len - 1] = ']';

	c = EVP_MD_CTX_new();
	if (c == NULL || !EVP_DigestInit_ex(c, EVP_sha256(), NULL) || !EVP_DigestUpdate(c, file->ptr, base) ||
	    !EVP_DigestUpdate(c, tail.ptr, br[1] - base) || !EVP_DigestUpdate(c, tail.ptr + (br[2] - base), br[3]) ||
	    !EVP_DigestFinal_ex(c, md, NULL)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the document");
		goto done;
	}
	memset(&q, 0, sizeof(q));
	q.md = EVP_sha256();
	q.digest = md;
	q.digest_len = sizeof(md);
	if ((error = tamga__tsp_timestamp(&token, tsa_url, 0, &q)) < 0) {
		tamga__error_prefix("document time-stamp");
		goto done;
	}
	if (token.size > DOC_TS_RESERVE) {
		error = tamga__error_set(TAMGA_ELIMIT, "the document time-stamp (%zu bytes) is larger than the %u "
		                         "bytes reserved", token.size, DOC_TS_RESERVE);
		goto done;
	}
	for (i = 0; i < token.size; i++) {
		unsigned char *p = tail.ptr + (marks.contents - base) + 1 + 2 * i;

		p[0] = (unsigned char)hex[token.ptr[i] >> 4];
		p[1] = (unsigned char)hex[token.ptr[i] & 15];
	}
	*expires = token_expiry(&token);
	error = tamga__buf_append(token_out, token.ptr, token.size);
done:
	EVP_MD_CTX_free(c);
	tamga__pdf_update_free(up);
	tamga__pdf_close(doc);
	if (error == 0)
		error = tamga__buf_append(file, tail.ptr, tail.size);
	tamga_buf_dispose(&tail);
	tamga_buf_dispose(&token);
	return error;
}

/* ------------------------------------------------------------------ entry points */


/* Whether the catalog's /DSS /Certs already holds x. */
static int dss_has_cert(const tamga_buf *file, X509 *x)
{
	unsigned char *der = NULL, md[32], got[32];
	int len = i2d_X509(x, &der), found = 0;
	pdf_doc *doc = NULL;
	pdf_obj *root = NULL, *dss = NULL, *certs = NULL;
	size_t i;

	if (len <= 0 || !EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL))
		goto done;
	if (tamga__pdf_open(&doc, file->ptr, file->size, NULL) < 0 || tamga__pdf_catalog(doc, &root) < 0 ||
	    tamga__pdf_dict_resolve(doc, root, "DSS", &dss) < 0 || dss == NULL ||
	    tamga__pdf_dict_resolve(doc, dss, "Certs", &certs) < 0 || certs == NULL || certs->type != PDF_ARRAY)
		goto done;
	for (i = 0; !found && i < certs->u.array.len; i++) {
		tamga_buf data = TAMGA_BUF_INIT;
		pdf_obj *s = NULL;

		if (tamga__pdf_resolve(doc, certs->u.array.items[i], &s) == 0 && s->type == PDF_STREAM &&
		    tamga__pdf_stream_decode(doc, s, &data) == 0 &&
		    EVP_Digest(data.ptr, data.size, got, NULL, EVP_sha256(), NULL))
			found = memcmp(md, got, sizeof(md)) == 0;
		tamga_buf_dispose(&data);
	}
done:
	tamga__pdf_close(doc);
	OPENSSL_free(der);
	tamga_error_clear();
	ERR_clear_error();
	return found;
}

/*
 * After a document time-stamp: when its TSA's certificate is not in the
 * /DSS yet (a TSA no signature of the document used), one more update with
 * that TSA's validation data, so the new time-stamp validates offline too.
 * When it is there (the usual case: the signature's own TSA) the data is
 * there as well and the time-stamp stays the file's last revision.
 */
static int new_tsa_data(struct ltv *l, tamga_buf *file, const tamga_buf *token)
{
	struct tamga__ltv_subject s;
	struct tamga__ltv_ids vri = { NULL, 0, 0 };
	CMS_ContentInfo *cms = tamga__ltvdata_cms_parse(token->ptr, token->size);
	X509 *tsa = cms ? tamga__ltvdata_cms_signer(&l->d, cms) : NULL;
	int error = 0;

	if (tsa == NULL || dss_has_cert(file, tsa))
		goto done;
	memset(&s, 0, sizeof(s));
	s.der = token->ptr;
	s.len = token->size;
	s.signer = tsa;
	s.timestamp = 1;
	s.id = l->o->field_name ? l->o->field_name : "the document time-stamp";
	if ((error = tamga__ltvdata_subject(&l->d, &s, &vri)) == 0)
		error = dss_update(l, file, &s, &vri, 1);
done:
	free(vri.v);
	CMS_ContentInfo_free(cms);
	return error;
}

int tamga__pdf_ltv_run(tamga_buf *file, const struct tamga__ltv_subject *subjects, size_t count,
                       const struct tamga__pdf_ltv *o, struct tamga__ltv_stats *stats)
{
	struct tamga__ltvdata_options lo;
	struct ltv l;
	struct tamga__ltv_ids *vris = NULL;
	tamga_buf token = TAMGA_BUF_INIT;
	size_t i;
	int error;

	memset(&l, 0, sizeof(l));
	memset(&lo, 0, sizeof(lo));
	l.o = o;
	l.st = stats;
	lo.revocation = o->revocation;
	lo.allow_revoked = o->allow_revoked;
	lo.now = o->now;
	lo.crl_files = o->crl_files;
	lo.crl_file_count = o->crl_file_count;
	if ((error = tamga__ltvdata_init(&l.d, &lo, &stats->notes)) < 0)
		goto done;
	if (count > 0 && (vris = calloc(count, sizeof(*vris))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (i = 0; i < count; i++)
		if ((error = tamga__ltvdata_subject(&l.d, &subjects[i], &vris[i])) < 0)
			goto done;
	if (count > 0 && (error = dss_update(&l, file, subjects, vris, count)) < 0)
		goto done;
	if (o->tsa_url != NULL) {
		if ((error = doc_timestamp(file, o->tsa_url, o->field_name ? o->field_name : "Tamga DocTimeStamp",
		                           &stats->timestamp_expires, &token)) < 0)
			goto done;
		stats->timestamped = 1;
		if ((error = new_tsa_data(&l, file, &token)) < 0)
			goto done;
	}
done:
	tamga_buf_dispose(&token);
	for (i = 0; vris != NULL && i < count; i++)
		free(vris[i].v);
	free(vris);
	tamga__ltvdata_dispose(&l.d);
	return error;
}

/* Signing (pdf.h): the new signature is the one subject; its time-stamp
 * was checked a moment ago, so its genTime is the proof of existence. */
int tamga__pdf_ltv(tamga_buf *file, const unsigned char *cms, size_t cms_len, const struct tamga__pdf_ltv *o)
{
	struct tamga__ltv_subject s;
	struct tamga__ltv_stats st;
	STACK_OF(X509) *chain = sk_X509_new_null();
	CMS_ContentInfo *parsed = NULL;
	size_t k;
	int error = 0;

	memset(&s, 0, sizeof(s));
	memset(&st, 0, sizeof(st));
	if (chain == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	s.der = cms;
	s.len = cms_len;
	s.id = o->field_name ? o->field_name : "the new signature";
	if (o->signer != NULL) {
		s.signer = tamga__cert_x509(tamga_signer_cert(o->signer));
		for (k = 0; k < tamga_signer_chain_length(o->signer); k++)
			if (!sk_X509_push(chain, tamga__cert_x509(tamga_signer_chain_cert(o->signer, k)))) {
				error = tamga__error_oom();
				goto done;
			}
		s.extra = chain;
	}
	if ((parsed = tamga__ltvdata_cms_parse(cms, cms_len)) != NULL) {
		STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(parsed);
		int loc;

		/* The earliest signature time-stamp's genTime. */
		if (sk_CMS_SignerInfo_num(sis) > 0) {
			CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);

			for (loc = -1; (loc = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, loc)) >= 0;) {
				ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, loc), 0);
				CMS_ContentInfo *tok;
				tamga_time when;

				if (t == NULL || t->type != V_ASN1_SEQUENCE ||
				    (tok = tamga__ltvdata_cms_parse(t->value.sequence->data, (size_t)t->value.sequence->length)) == NULL)
					continue;
				when = tamga__ltvdata_token_time(tok);
				CMS_ContentInfo_free(tok);
				if (when != 0 && (s.poe == 0 || when < s.poe))
					s.poe = when;
			}
		}
	}
	error = tamga__pdf_ltv_run(file, &s, 1, o, &st);
done:
	CMS_ContentInfo_free(parsed);
	sk_X509_free(chain);
	tamga_buf_dispose(&st.notes);
	return error;
}

