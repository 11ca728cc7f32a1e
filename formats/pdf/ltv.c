/*
 * formats/pdf/ltv.c - PAdES baseline B-LT and B-LTA (ETSI EN 319 142-1
 * §5.4, §5.5; ISO 32000-2 §12.8.4.3 DSS, §12.8.5 document time-stamp).
 *
 * After a B-T signature, B-LT appends one incremental update with the
 * validation data a verifier needs offline, and B-LTA one more with a
 * document time-stamp over the whole file:
 *
 *     ... signed revision %%EOF
 *     catalog /DSS << /Certs [s s ...] /CRLs [s ...] /OCSPs [s ...]
 *                     /VRI << /<SHA-1 of /Contents, upper hex>
 *                             << /Cert [...] /CRL [...] /OCSP [...] >> >> >>
 *     %%EOF
 *     sig << /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 /ByteRange /Contents >>
 *     field/widget with an empty /Rect, in /AcroForm /Fields and page 1 /Annots
 *     %%EOF
 *
 * Certificates come from the signature's CMS and its time-stamp token(s)
 * and the signer's own chain; CRLs from the caller, else fetched from the
 * certificates' CRL distribution points (pki/fetch.c: http:// only).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "formats/pdf/pdf.h"
#include "pki/pki.h"
#include "pki/revocation.h"
#include "pki/tsp.h"
#include "pki/validate_internal.h"

#define CRL_FILE_MAX ((size_t)10 << 20)
#define DOC_TS_RESERVE (16u * 1024u)
#define FETCH_TIMEOUT 10

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

/* ------------------------------------------------------------------ material */

struct material {
	STACK_OF(X509) *certs;
	STACK_OF(X509_CRL) *crls;
};

static int add_cert(struct material *m, X509 *x)
{
	int i;

	for (i = 0; i < sk_X509_num(m->certs); i++)
		if (X509_cmp(sk_X509_value(m->certs, i), x) == 0)
			return 0;
	if (!X509_up_ref(x))
		return tamga__error_oom();
	if (!sk_X509_push(m->certs, x)) {
		X509_free(x);
		return tamga__error_oom();
	}
	return 0;
}

static int add_crl(struct material *m, X509_CRL *c)
{
	int i;

	for (i = 0; i < sk_X509_CRL_num(m->crls); i++)
		if (X509_CRL_cmp(sk_X509_CRL_value(m->crls, i), c) == 0 &&
		    ASN1_TIME_compare(X509_CRL_get0_lastUpdate(sk_X509_CRL_value(m->crls, i)),
		                      X509_CRL_get0_lastUpdate(c)) == 0)
			return 0;
	if (!X509_CRL_up_ref(c))
		return tamga__error_oom();
	if (!sk_X509_CRL_push(m->crls, c)) {
		X509_CRL_free(c);
		return tamga__error_oom();
	}
	return 0;
}

static int add_cms_certs(struct material *m, CMS_ContentInfo *cms)
{
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	int i, error = 0;

	for (i = 0; error == 0 && i < sk_X509_num(certs); i++)
		error = add_cert(m, sk_X509_value(certs, i));
	sk_X509_pop_free(certs, X509_free);
	return error;
}

/* The signature's certificates and those of its time-stamp tokens. */
static int collect_certs(struct material *m, const unsigned char *der, size_t len, const tamga_signer *signer)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	STACK_OF(CMS_SignerInfo) *sis;
	int i, error;

	if (cms == NULL)
		return tamga__error_openssl(TAMGA_EFORMAT, "LTV: the signature is not a CMS structure");
	if ((error = add_cms_certs(m, cms)) < 0)
		goto done;
	sis = CMS_get0_SignerInfos(cms);
	for (i = 0; i < sk_CMS_SignerInfo_num(sis); i++) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, i);
		int loc = -1;

		while ((loc = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, loc)) >= 0) {
			X509_ATTRIBUTE *attr = CMS_unsigned_get_attr(si, loc);
			ASN1_TYPE *t = X509_ATTRIBUTE_get0_type(attr, 0);
			const unsigned char *q;
			CMS_ContentInfo *tok;

			if (t == NULL || t->type != V_ASN1_SEQUENCE)
				continue;
			q = t->value.sequence->data;
			if ((tok = d2i_CMS_ContentInfo(NULL, &q, t->value.sequence->length)) == NULL)
				continue;
			error = add_cms_certs(m, tok);
			CMS_ContentInfo_free(tok);
			if (error < 0)
				goto done;
		}
	}
	if (signer != NULL) {
		size_t k;

		for (k = 0; k < tamga_signer_chain_length(signer); k++)
			if ((error = add_cert(m, tamga__cert_x509(tamga_signer_chain_cert(signer, k)))) < 0)
				goto done;
	}
done:
	CMS_ContentInfo_free(cms);
	return error;
}

/* The caller's CRL files, or else what each non-root certificate's CRL
 * distribution points serve. */
static int collect_crls(struct material *m, const struct tamga__pdf_ltv *o)
{
	tamga__fetch_cache *cache = NULL;
	size_t k;
	int i, error = 0;

	for (k = 0; k < o->crl_file_count; k++) {
		tamga_buf b = TAMGA_BUF_INIT;
		STACK_OF(X509_CRL) *crls = NULL;
		int j;

		if ((error = tamga__file_read(&b, o->crl_files[k], CRL_FILE_MAX)) == 0)
			error = tamga__load_crls(&crls, b.ptr, b.size, o->crl_files[k]);
		tamga_buf_dispose(&b);
		for (j = 0; error == 0 && j < sk_X509_CRL_num(crls); j++)
			error = add_crl(m, sk_X509_CRL_value(crls, j));
		sk_X509_CRL_pop_free(crls, X509_CRL_free);
		if (error < 0)
			return error;
	}
	if (o->crl_file_count > 0)
		return 0;
	if ((error = tamga__fetch_cache_new(&cache)) < 0)
		return error;
	for (i = 0; i < sk_X509_num(m->certs); i++) {
		X509 *x = sk_X509_value(m->certs, i);
		char **urls = NULL;
		size_t u;

		if (X509_check_issued(x, x) == X509_V_OK)
			continue;   /* a root: nobody revokes it */
		if ((error = tamga__cert_crl_urls(&urls, x)) < 0)
			goto done;
		for (u = 0; urls != NULL && urls[u] != NULL; u++) {
			STACK_OF(X509_CRL) *crls = NULL;
			int j;

			if (tamga__fetch_crls(&crls, cache, urls[u], FETCH_TIMEOUT) < 0) {
				tamga_error_clear();
				continue;
			}
			for (j = 0; error == 0 && j < sk_X509_CRL_num(crls); j++)
				error = add_crl(m, sk_X509_CRL_value(crls, j));
			sk_X509_CRL_pop_free(crls, X509_CRL_free);
			if (error < 0)
				break;
		}
		tamga__urls_free(urls);
		if (error < 0)
			goto done;
	}
	if (sk_X509_CRL_num(m->crls) == 0)
		error = tamga__error_set(TAMGA_ENOTFOUND, "LTV: no revocation data: no CRL could be fetched from the "
		                         "certificates' distribution points (give --crl)");
done:
	tamga__fetch_cache_free(cache);
	return error;
}

/* ------------------------------------------------------------------ the DSS update */

static int der_stream(pdf_arena *a, struct pdf_sink *sink, const unsigned char *der, int len, pdf_obj *arr1,
                      pdf_obj *arr2)
{
	pdf_obj *d = tamga__pdf_dict(a), *s;
	uint32_t num;
	int error;

	if (d == NULL || len <= 0 || (s = tamga__pdf_stream(a, d, der, (size_t)len)) == NULL)
		return err_code();
	if ((error = sink->alloc(sink->ctx, &num)) < 0 || (error = sink->put(sink->ctx, num, s)) < 0 ||
	    (error = tamga__pdf_array_push(a, arr1, tamga__pdf_ref(a, num, 0))) < 0 ||
	    (error = tamga__pdf_array_push(a, arr2, tamga__pdf_ref(a, num, 0))) < 0)
		return error;
	return 0;
}

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

/* The DSS to write (the catalog's, copied, or a new one) and its arrays. */
static int dss_existing(pdf_doc *doc, pdf_arena *a, pdf_obj *root, pdf_obj **dss, pdf_obj **certs, pdf_obj **crls,
                        pdf_obj **vri)
{
	pdf_obj *old = NULL, *ocsps;

	if (tamga__pdf_dict_resolve(doc, root, "DSS", &old) < 0)
		tamga_error_clear();
	if (old != NULL && old->type != PDF_DICT)
		old = NULL;
	if ((*dss = tamga__pdf_dict(a)) == NULL || (*certs = copy_or_new(doc, a, old, "Certs", PDF_ARRAY)) == NULL ||
	    (*crls = copy_or_new(doc, a, old, "CRLs", PDF_ARRAY)) == NULL ||
	    (*vri = copy_or_new(doc, a, old, "VRI", PDF_DICT)) == NULL ||
	    (ocsps = copy_or_new(doc, a, old, "OCSPs", PDF_ARRAY)) == NULL)
		return err_code();
	if (ocsps->u.array.len > 0)
		return tamga__pdf_dict_set(a, *dss, "OCSPs", ocsps);
	return 0;
}

/* Write the update that adds the DSS to file (appended). */
static int dss_update(tamga_buf *file, const unsigned char *cms, size_t cms_len, const struct material *m)
{
	pdf_doc *doc = NULL;
	pdf_update *up = NULL;
	pdf_arena *a;
	struct pdf_sink sink;
	tamga_buf tail = TAMGA_BUF_INIT;
	pdf_obj *cat, *root = NULL, *dss, *certs, *crls, *vri, *entry, *vcert, *vcrl;
	unsigned char md[20];
	char key[41];
	int i, error;

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
	error = TAMGA_ENOMEM;
	if ((root = tamga__pdf_copy(a, root)) == NULL || (entry = tamga__pdf_dict(a)) == NULL ||
	    (vcert = tamga__pdf_array(a)) == NULL || (vcrl = tamga__pdf_array(a)) == NULL) {
		error = err_code();
		goto done;
	}
	/* A DSS already there (an earlier B-LT) is kept and added to. */
	if ((error = dss_existing(doc, a, root, &dss, &certs, &crls, &vri)) < 0)
		goto done;
	for (i = 0; i < sk_X509_num(m->certs); i++) {
		unsigned char *der = NULL;
		int len = i2d_X509(sk_X509_value(m->certs, i), &der);

		error = der_stream(a, &sink, der, len, certs, vcert);
		OPENSSL_free(der);
		if (error < 0)
			goto done;
	}
	for (i = 0; i < sk_X509_CRL_num(m->crls); i++) {
		unsigned char *der = NULL;
		int len = i2d_X509_CRL(sk_X509_CRL_value(m->crls, i), &der);

		error = der_stream(a, &sink, der, len, crls, vcrl);
		OPENSSL_free(der);
		if (error < 0)
			goto done;
	}
	/* The VRI key: SHA-1 of the /Contents value (the CMS DER), upper hex. */
	if (!EVP_Digest(cms, cms_len, md, NULL, EVP_sha1(), NULL)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the signature");
		goto done;
	}
	upper_hex(key, md, sizeof(md));
	if ((error = tamga__pdf_dict_set(a, entry, "Cert", vcert)) < 0 ||
	    (error = tamga__pdf_dict_set(a, entry, "CRL", vcrl)) < 0 ||
	    (error = tamga__pdf_dict_set(a, vri, key, entry)) < 0 ||
	    (error = tamga__pdf_dict_set(a, dss, "Type", tamga__pdf_name(a, "DSS"))) < 0 ||
	    (error = tamga__pdf_dict_set(a, dss, "Certs", certs)) < 0 ||
	    (error = tamga__pdf_dict_set(a, dss, "CRLs", crls)) < 0 ||
	    (error = tamga__pdf_dict_set(a, dss, "VRI", vri)) < 0 ||
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

/* Append a document time-stamp update to file. */
static int doc_timestamp(tamga_buf *file, const char *tsa_url, const char *field_name)
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

/* ------------------------------------------------------------------ entry point */

int tamga__pdf_ltv(tamga_buf *file, const unsigned char *cms, size_t cms_len, const struct tamga__pdf_ltv *o)
{
	struct material m = { NULL, NULL };
	int error;

	if ((m.certs = sk_X509_new_null()) == NULL || (m.crls = sk_X509_CRL_new_null()) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if ((error = collect_certs(&m, cms, cms_len, o->signer)) < 0 || (error = collect_crls(&m, o)) < 0 ||
	    (error = dss_update(file, cms, cms_len, &m)) < 0)
		goto done;
	if (o->tsa_url != NULL)
		error = doc_timestamp(file, o->tsa_url, o->field_name ? o->field_name : "Tamga DocTimeStamp");
done:
	sk_X509_pop_free(m.certs, X509_free);
	sk_X509_CRL_pop_free(m.crls, X509_CRL_free);
	return error;
}
