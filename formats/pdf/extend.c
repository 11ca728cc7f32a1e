/*
 * formats/pdf/extend.c - raising the signatures already in a PDF to PAdES
 * B-LT / B-LTA (ETSI EN 319 142-1 §5.4, §5.5), whoever made them.
 *
 *     signed PDF (any producer)            extended PDF
 *     ... sig 1 ... %%EOF                  ... sig 1 ... %%EOF          (unchanged prefix)
 *     [... sig n / doc time-stamp %%EOF]   [...]
 *                                          /DSS + /VRI for each signature and
 *                                            time-stamp without one     %%EOF
 *                                          [document time-stamp     %%EOF]  (B-LTA)
 *
 * Nothing is extended unless every signature in the document is sound: a
 * malformed container, a failed integrity check (digest, signature value,
 * ESS binding) or a change after it that the signature does not allow is
 * refused, naming the signature, because validation data and a new
 * time-stamp would only give a broken signature the look of a preserved
 * one.  Trust (is the signer's CA anchored anywhere?) is not judged: that
 * is the verifier's, with the relying party's trust store; revocation of
 * the signer before its time-stamp is judged in ltv.c from what it fetches.
 *
 * A signature or time-stamp that already has a /VRI entry keeps it (its
 * data was gathered when it was young); so extending a B-LTA document at
 * B-LTA again adds the data of the last document time-stamp and a new one,
 * the archive chain of §5.5.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/cms/cms_verify.h"
#include "formats/evidence.h"
#include "formats/pdf/ltv.h"
#include "formats/pdf/pdf.h"

static int hex_upper_sha1(char key[41], const unsigned char *der, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char md[20];
	size_t i;

	if (!EVP_Digest(der, len, md, NULL, EVP_sha1(), NULL))
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash a signature");
	for (i = 0; i < sizeof(md); i++) {
		key[2 * i] = hex[md[i] >> 4];
		key[2 * i + 1] = hex[md[i] & 15];
	}
	key[40] = '\0';
	return 0;
}

/* The keys of the catalog's /DSS /VRI, as one "KEY1 KEY2 ..." string. */
static int vri_keys(const tamga_buf *file, tamga_buf *out)
{
	pdf_doc *doc = NULL;
	pdf_obj *root = NULL, *dss = NULL, *vri = NULL;
	size_t i;
	int error;

	if ((error = tamga__pdf_open(&doc, file->ptr, file->size, NULL)) < 0 ||
	    (error = tamga__pdf_catalog(doc, &root)) < 0)
		goto done;
	if (tamga__pdf_dict_resolve(doc, root, "DSS", &dss) < 0 || dss == NULL || dss->type != PDF_DICT ||
	    tamga__pdf_dict_resolve(doc, dss, "VRI", &vri) < 0 || vri == NULL || vri->type != PDF_DICT) {
		tamga_error_clear();
		goto done;
	}
	for (i = 0; i < vri->u.dict.len && error == 0; i++)
		error = tamga__buf_printf(out, " %s ", vri->u.dict.items[i].key);
done:
	tamga__pdf_close(doc);
	return error;
}

static int has_vri(const tamga_buf *keys, const char *key)
{
	char needle[44];

	if (keys->size == 0)
		return 0;
	snprintf(needle, sizeof(needle), " %s ", key);
	return strstr((const char *)keys->ptr, needle) != NULL;
}

/* Refuse a signature that is not sound; 0 when it is. */
static int sound(const struct tamga__sig_evidence *se, const struct tamga__cms_result *c, size_t index)
{
	const char *id = se->id ? se->id : "?";
	const char *what = se->kind == TAMGA__SIG_DOC_TIMESTAMP ? "document time-stamp" : "signature";
	size_t i;

	if (se->format_error != NULL)
		return tamga__error_set(TAMGA_ESTATE, "%s %zu ('%s') is malformed: %s; a broken signature is never "
		                        "extended", what, index + 1, id, se->format_error);
	if (c->status != TAMGA__CMS_OK)
		return tamga__error_set(TAMGA_ESTATE, "%s %zu ('%s') fails its integrity check (%s: %s); a broken "
		                        "signature is never extended", what, index + 1, id, tamga__cms_status_name(c->status),
		                        c->message ? c->message : "no detail");
	for (i = 0; i < se->mod_count; i++)
		if (!se->mods[i].allowed)
			return tamga__error_set(TAMGA_ESTATE, "%s %zu ('%s'): the document was changed after it in a way it "
			                        "does not allow (%s%s%s); a broken signature is never extended", what,
			                        index + 1, id, se->mods[i].kind, se->mods[i].detail ? ": " : "",
			                        se->mods[i].detail ? se->mods[i].detail : "");
	if (se->kind == TAMGA__SIG_XMLDSIG)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "%s %zu ('%s') is not a CMS signature", what, index + 1, id);
	return 0;
}

int tamga__pdf_extend(tamga_buf *file, const struct tamga__pdf_ltv *o, size_t *signatures, size_t *extended,
                      struct tamga__ltv_stats *stats)
{
	struct tamga__evidence ev;
	struct tamga__cms_result *res = NULL;
	struct tamga__ltv_subject *subs = NULL;
	STACK_OF(X509) **extras = NULL, *dss_certs = NULL;
	tamga_buf keys = TAMGA_BUF_INIT;
	pdf_doc *doc = NULL;
	size_t i, n = 0;
	int error;

	memset(&ev, 0, sizeof(ev));
	*signatures = *extended = 0;
	/* The reader's own refusals first (encrypted, malformed): clearer than the verifier's. */
	if ((error = tamga__pdf_open(&doc, file->ptr, file->size, NULL)) < 0)
		goto done;
	tamga__pdf_close(doc);
	doc = NULL;
	ev.format = "pdf";
	if ((error = tamga__pdf_verify(file->ptr, file->size, &ev)) < 0)
		goto done;
	if (ev.error != NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "the PDF cannot be read: %s", ev.error);
		goto done;
	}
	if (ev.sig_count == 0) {
		error = tamga__error_set(TAMGA_ENOTFOUND, "the document has no signatures to extend");
		goto done;
	}
	*signatures = ev.sig_count;
	if ((error = vri_keys(file, &keys)) < 0)
		goto done;
	/* The DSS's certificates: a signer certificate may be there instead of in its CMS. */
	if ((dss_certs = sk_X509_new_null()) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (i = 0; i < ev.cert_count; i++) {
		const unsigned char *p = ev.certs[i].data;
		X509 *x = d2i_X509(NULL, &p, (long)ev.certs[i].len);

		if (x != NULL && !sk_X509_push(dss_certs, x)) {
			X509_free(x);
			error = tamga__error_oom();
			goto done;
		}
	}
	ERR_clear_error();   /* an unparsable DSS entry is the verifier's to report */
	if ((res = calloc(ev.sig_count, sizeof(*res))) == NULL || (subs = calloc(ev.sig_count, sizeof(*subs))) == NULL ||
	    (extras = calloc(ev.sig_count, sizeof(*extras))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (i = 0; i < ev.sig_count; i++) {
		const struct tamga__sig_evidence *se = &ev.sigs[i];
		struct tamga__ltv_subject *s = &subs[n];
		struct tamga__cms_result *c = &res[i];
		char key[41];
		size_t t;
		int j;

		if (se->format_error == NULL && se->kind != TAMGA__SIG_XMLDSIG &&
		    (error = tamga__cms_verify(c, se->value, se->value_len, se->kind, file->ptr, file->size, se->ranges,
		                               se->range_count, dss_certs)) < 0)
			goto done;
		if ((error = sound(se, c, i)) < 0 || (error = hex_upper_sha1(key, se->value, se->value_len)) < 0)
			goto done;
		if (has_vri(&keys, key))
			continue;
		if ((extras[i] = sk_X509_new_null()) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
		/* Every certificate the container and its tokens carry helps build the paths. */
		for (j = 0; j < sk_X509_num(c->certs); j++)
			if (!sk_X509_push(extras[i], sk_X509_value(c->certs, j))) {
				error = tamga__error_oom();
				goto done;
			}
		for (t = 0; t < c->timestamp_count; t++) {
			const struct tamga__cms_timestamp *ts = &c->timestamps[t];

			for (j = 0; j < sk_X509_num(ts->certs); j++)
				if (!sk_X509_push(extras[i], sk_X509_value(ts->certs, j))) {
					error = tamga__error_oom();
					goto done;
				}
			if (se->kind != TAMGA__SIG_DOC_TIMESTAMP && ts->status == TAMGA__CMS_OK && ts->gen_time != 0 &&
			    (s->poe == 0 || ts->gen_time < s->poe))
				s->poe = ts->gen_time;
		}
		s->der = se->value;
		s->len = se->value_len;
		s->extra = extras[i];
		s->timestamp = se->kind == TAMGA__SIG_DOC_TIMESTAMP;
		s->signer = c->signer;
		if (s->timestamp && s->signer == NULL && c->timestamp_count > 0)
			s->signer = c->timestamps[0].tsa_cert;
		s->id = se->id ? se->id : "?";
		if (!s->timestamp && s->poe == 0 &&
		    (error = tamga__buf_printf(&stats->notes, "%ssignature '%s' has no signature time-stamp: its validation "
		                               "data is added, but it is not B-LT (a document time-stamp proves when it "
		                               "existed)", stats->notes.size ? "; " : "", s->id)) < 0)
			goto done;
		n++;
	}
	*extended = n;
	error = tamga__pdf_ltv_run(file, subs, n, o, stats);
done:
	for (i = 0; res != NULL && i < ev.sig_count; i++) {
		tamga__cms_result_free(&res[i]);
		if (extras != NULL)
			sk_X509_free(extras[i]);
	}
	free(res);
	free(subs);
	free(extras);
	sk_X509_pop_free(dss_certs, X509_free);
	tamga_buf_dispose(&keys);
	tamga__evidence_free(&ev);
	return error;
}
