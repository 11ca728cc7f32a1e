/*
 * pki/revocation.c - revocation checking beyond the store's CRLs, hooked
 * into X509_verify_cert through its verify callback.
 *
 * OpenSSL checks every certificate of the path against the CRLs it is
 * given (the store's, the document's and fetched ones).  The callback sees
 * each complaint and decides:
 *
 *   no usable CRL (UNABLE_TO_GET_CRL, CRL_NOT_YET_VALID, CRL_HAS_EXPIRED)
 *       -> an OCSP response that counts for the certificate (the document's,
 *          then, online, one fetched from the AIA OCSP URL) decides:
 *          good: accepted; revoked: CERT_REVOKED.  Without one, online pass 1
 *          notes the certificate so that its CRLs are fetched from its
 *          distribution points and the path is validated once more.
 *   CRL_NOT_YET_VALID with a proof of existence
 *       -> accepted: a CRL issued after the POE still tells the status at it.
 *   CERT_REVOKED
 *       -> with a proof of existence and a revocation after it: accepted,
 *          with a warning; otherwise the verdict stands (REVOKED).
 *
 * certificateHold counts as revoked, as OpenSSL does.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "common/error.h"
#include "pki/validate_internal.h"

/* ------------------------------------------------------------ names */

const char *tamga__rev_status_name(tamga__rev_status s)
{
	return s == TAMGA__REV_GOOD ? "good" : s == TAMGA__REV_REVOKED ? "revoked" : "unknown";
}

const char *tamga__rev_source_name(tamga__rev_source s)
{
	switch (s) {
	case TAMGA__REV_SRC_CRL: return "crl";
	case TAMGA__REV_SRC_OCSP: return "ocsp";
	case TAMGA__REV_SRC_EMBEDDED: return "embedded";
	case TAMGA__REV_SRC_NONE: break;
	}
	return "none";
}

const char *tamga__rev_reason_name(long reason)
{
	const char *name;

	if (reason < 0)
		return "unspecified";
	name = tamga_reason_name((tamga_reason)reason);
	return name != NULL && name[0] != '?' ? name : "unknown reason";
}

tamga__rev_status tamga__validation_rev_status(const tamga_validation *v) { return v->rev_status; }
tamga__rev_source tamga__validation_rev_source(const tamga_validation *v) { return v->rev_source; }
tamga_time tamga__validation_rev_time(const tamga_validation *v) { return v->rev_time; }

/* ------------------------------------------------------------ public wrapper */

int tamga_trust_validate_with(tamga_validation **out, const tamga_trust *trust, const tamga_cert *cert,
                              const tamga_validate_options *opts, const unsigned char *const *ocsps,
                              const size_t *ocsp_lens, size_t ocsp_count, unsigned int flags)
{
	struct tamga__validate_extra extra;
	struct tamga__blob *blobs = NULL;
	tamga__fetch_cache *cache = NULL;
	size_t i;
	int error;

	if (cert == NULL || (ocsp_count > 0 && (ocsps == NULL || ocsp_lens == NULL)))
		return tamga__error_set(TAMGA_EINVAL, "tamga_trust_validate_with: bad arguments");
	memset(&extra, 0, sizeof(extra));
	if (ocsp_count > 0 && (blobs = calloc(ocsp_count, sizeof(*blobs))) == NULL)
		return tamga__error_oom();
	for (i = 0; i < ocsp_count; i++) {
		blobs[i].data = (unsigned char *)ocsps[i];
		blobs[i].len = ocsp_lens[i];
	}
	extra.ocsps = blobs;
	extra.ocsp_count = ocsp_count;
	extra.poe = (flags & TAMGA_VALIDATE_POE) != 0;
	extra.online = (flags & TAMGA_VALIDATE_ONLINE) != 0;
	if (extra.online && (error = tamga__fetch_cache_new(&cache)) < 0)
		goto done;
	extra.cache = cache;
	error = tamga__trust_validate_ex(out, trust, tamga__cert_x509(cert), opts, &extra);
done:
	tamga__fetch_cache_free(cache);
	free(blobs);
	return error;
}

const char *tamga_validation_revocation_status(const tamga_validation *v)
{
	return tamga__rev_status_name(v->rev_status);
}

const char *tamga_validation_revocation_source(const tamga_validation *v)
{
	return tamga__rev_source_name(v->rev_source);
}

tamga_time tamga_validation_revocation_time(const tamga_validation *v)
{
	return v->rev_time;
}

/* ------------------------------------------------------------ records */

void tamga__rev_run_dispose(struct tamga__rev_run *run)
{
	size_t i;

	for (i = 0; i < run->record_count; i++)
		tamga_buf_dispose(&run->records[i].notes);
	free(run->records);
	sk_X509_free(run->intermediates);
	sk_X509_CRL_free(run->crls);
	sk_X509_CRL_pop_free(run->fetched, X509_CRL_free);
	memset(run, 0, sizeof(*run));
}

struct tamga__rev_record *tamga__rev_record_find(const struct tamga__rev_run *run, const X509 *x)
{
	size_t i;

	for (i = 0; i < run->record_count; i++)
		if (run->records[i].cert == x)
			return &run->records[i];
	return NULL;
}

/* The record of x, made when there is none; NULL with run->error set. */
static struct tamga__rev_record *record_of(struct tamga__rev_run *run, X509 *x)
{
	struct tamga__rev_record *rec = tamga__rev_record_find(run, x), *grown;

	if (rec != NULL)
		return rec;
	if (run->record_count >= 64) {
		run->error = tamga__error_set(TAMGA_ELIMIT, "more than 64 certificates in a path");
		return NULL;
	}
	if ((grown = realloc(run->records, (run->record_count + 1) * sizeof(*grown))) == NULL) {
		run->error = tamga__error_oom();
		return NULL;
	}
	run->records = grown;
	rec = &run->records[run->record_count++];
	memset(rec, 0, sizeof(*rec));
	rec->cert = x;
	rec->rev_reason = -1;
	return rec;
}

int tamga__rev_crl_embedded(const struct tamga__rev_run *run, const X509_CRL *crl)
{
	int i;

	for (i = 0; i < sk_X509_CRL_num(run->extra->crls); i++)
		if (sk_X509_CRL_value(run->extra->crls, i) == crl)
			return 1;
	return 0;
}

static void note(struct tamga__rev_run *run, struct tamga__rev_record *rec, const char *what)
{
	int error;

	if (rec->notes.ptr != NULL && strstr((const char *)rec->notes.ptr, what) != NULL)
		return;
	if ((error = tamga__buf_printf(&rec->notes, "; %s", what)) < 0)
		run->error = error;
}

/* ------------------------------------------------------------ OCSP */

/* Judge one response; 1 when it decided (good or revoked) and was kept. */
static int take_ocsp(struct tamga__rev_run *run, struct tamga__rev_record *rec, const unsigned char *der,
                     size_t len, X509 *issuer, tamga__rev_source source, const char *from)
{
	struct tamga__ocsp_answer a;
	tamga_buf why = TAMGA_BUF_INIT;
	int error;

	if ((error = tamga__ocsp_check(&a, der, len, rec->cert, issuer, run->intermediates, run->crls, run->at,
	                               run->poe, &why)) < 0) {
		run->error = error;
		tamga_buf_dispose(&why);
		return 0;
	}
	if (!a.usable || a.status == V_OCSP_CERTSTATUS_UNKNOWN) {
		tamga_buf n = TAMGA_BUF_INIT;

		if (tamga__buf_printf(&n, "OCSP response %s: %s", from,
		                      a.usable ? "the responder does not know the certificate (status unknown)"
		                               : why.ptr ? (const char *)why.ptr : "not usable") < 0)
			run->error = TAMGA_ENOMEM;
		else
			note(run, rec, (const char *)n.ptr);
		tamga_buf_dispose(&n);
		tamga_buf_dispose(&why);
		return 0;
	}
	tamga_buf_dispose(&why);
	rec->ocsp_source = source;
	if (a.status == V_OCSP_CERTSTATUS_GOOD) {
		rec->ocsp_status = TAMGA__REV_GOOD;
		return 1;
	}
	rec->ocsp_status = TAMGA__REV_REVOKED;
	rec->revoked = 1;
	rec->rev_source = source;
	rec->rev_time = a.revoked_at;
	rec->rev_reason = a.reason;
	return 1;
}

/* The document's responses, then (online) the AIA OCSP URLs. */
static void consult_ocsp(struct tamga__rev_run *run, struct tamga__rev_record *rec, X509 *issuer)
{
	char **urls = NULL;
	size_t i;
	int error;

	rec->ocsp_done = 1;
	for (i = 0; i < run->extra->ocsp_count && run->error == 0; i++)
		if (take_ocsp(run, rec, run->extra->ocsps[i].data, run->extra->ocsps[i].len, issuer,
		              TAMGA__REV_SRC_EMBEDDED, "from the document"))
			return;
	if (!run->online || run->error < 0)
		return;
	if ((error = tamga__cert_ocsp_urls(&urls, rec->cert)) < 0) {
		run->error = error;
		return;
	}
	for (i = 0; urls != NULL && urls[i] != NULL && run->error == 0; i++) {
		tamga_buf der = TAMGA_BUF_INIT, from = TAMGA_BUF_INIT;
		int got;

		if (tamga__buf_printf(&from, "from %s", urls[i]) < 0) {
			run->error = TAMGA_ENOMEM;
			break;
		}
		if (tamga__fetch_ocsp(&der, run->extra->cache, urls[i], rec->cert, issuer, run->timeout) < 0) {
			if (tamga_error_last()->code == TAMGA_ENOMEM)
				run->error = TAMGA_ENOMEM;
			else
				note(run, rec, tamga_error_last()->message);
			got = 0;
		} else {
			got = take_ocsp(run, rec, der.ptr, der.size, issuer, TAMGA__REV_SRC_OCSP, (const char *)from.ptr);
		}
		tamga_buf_dispose(&der);
		tamga_buf_dispose(&from);
		if (got)
			break;
	}
	tamga__urls_free(urls);
}

/* ------------------------------------------------------------ the callback */

static X509 *issuer_in_chain(X509_STORE_CTX *ctx, int depth, X509 *x)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);

	return depth + 1 < sk_X509_num(chain) ? sk_X509_value(chain, depth + 1) : x;
}

/* A revocation: accepted (1) when after the POE, else the verdict (0). */
static int revoked(struct tamga__rev_run *run, struct tamga__rev_record *rec, X509_STORE_CTX *ctx)
{
	if (run->poe && rec->rev_time > run->at) {
		rec->after_poe = 1;
		return 1;
	}
	rec->after_poe = 0;
	X509_STORE_CTX_set_error(ctx, X509_V_ERR_CERT_REVOKED);
	return 0;
}

/* OpenSSL found x on a CRL. */
static int on_crl_revoked(struct tamga__rev_run *run, X509_STORE_CTX *ctx, X509 *x)
{
	struct tamga__rev_record *rec = record_of(run, x);
	X509_CRL *crl = X509_STORE_CTX_get0_current_crl(ctx);
	X509_REVOKED *r = NULL;
	ASN1_ENUMERATED *code;
	int i;

	if (rec == NULL)
		return 0;
	if (crl == NULL || X509_CRL_get0_by_cert(crl, &r, x) != 1 || r == NULL) {
		r = NULL;
		for (i = 0; i < sk_X509_CRL_num(run->crls) && r == NULL; i++) {
			crl = sk_X509_CRL_value(run->crls, i);
			if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(x)) != 0 ||
			    X509_CRL_get0_by_cert(crl, &r, x) != 1)
				r = NULL;
		}
	}
	rec->revoked = 1;
	rec->rev_source = crl != NULL && tamga__rev_crl_embedded(run, crl) ? TAMGA__REV_SRC_EMBEDDED : TAMGA__REV_SRC_CRL;
	rec->rev_time = 0;
	rec->rev_reason = -1;
	if (r != NULL) {
		rec->rev_time = tamga__asn1_time_get(X509_REVOKED_get0_revocationDate(r));
		if ((code = X509_REVOKED_get_ext_d2i(r, NID_crl_reason, NULL, NULL)) != NULL)
			rec->rev_reason = ASN1_ENUMERATED_get(code);
		ASN1_ENUMERATED_free(code);
	}
	return revoked(run, rec, ctx);
}

/* OpenSSL has no usable CRL for x. */
static int on_no_crl(struct tamga__rev_run *run, X509_STORE_CTX *ctx, X509 *x, int depth)
{
	struct tamga__rev_record *rec = record_of(run, x);
	char **urls = NULL;

	if (rec == NULL)
		return 0;
	if (!rec->ocsp_done)
		consult_ocsp(run, rec, issuer_in_chain(ctx, depth, x));
	if (run->error < 0)
		return 0;
	if (rec->ocsp_status == TAMGA__REV_GOOD)
		return 1;
	if (rec->ocsp_status == TAMGA__REV_REVOKED)
		return revoked(run, rec, ctx);
	if (!run->defer)
		return 0;
	/* Pass 1 online: worth fetching only when x names a CRL URL. */
	if ((run->error = tamga__cert_crl_urls(&urls, x)) < 0)
		return 0;
	if (urls == NULL) {
		note(run, rec, "the certificate names no http:// CRL distribution point");
		return 0;
	}
	tamga__urls_free(urls);
	rec->missing = 1;
	return 1;
}

int tamga__rev_verify_cb(int ok, X509_STORE_CTX *ctx)
{
	struct tamga__rev_run *run = X509_STORE_CTX_get_app_data(ctx);
	int err = X509_STORE_CTX_get_error(ctx), depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);

	if (ok || run == NULL || run->error < 0 || x == NULL)
		return ok;
	switch (err) {
	case X509_V_ERR_CERT_REVOKED:
		return on_crl_revoked(run, ctx, x);
	case X509_V_ERR_CRL_NOT_YET_VALID:
		if (run->poe)
			return 1;
		/* fall through */
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_CRL_HAS_EXPIRED:
		return on_no_crl(run, ctx, x, depth);
	default:
		return ok;
	}
}

/* ------------------------------------------------------------ fetching CRLs */

static int fetch_for(struct tamga__rev_run *run, struct tamga__rev_record *rec)
{
	char **urls = NULL;
	size_t i;
	int j, error;

	if ((error = tamga__cert_crl_urls(&urls, rec->cert)) < 0)
		return error;
	for (i = 0; urls != NULL && urls[i] != NULL; i++) {
		STACK_OF(X509_CRL) *got = NULL;

		if (tamga__fetch_crls(&got, run->extra->cache, urls[i], run->timeout) < 0) {
			if (tamga_error_last()->code == TAMGA_ENOMEM) {
				error = TAMGA_ENOMEM;
				break;
			}
			note(run, rec, tamga_error_last()->message);
			continue;
		}
		for (j = 0; j < sk_X509_CRL_num(got); j++) {
			X509_CRL *crl = sk_X509_CRL_value(got, j);

			if (!sk_X509_CRL_push(run->fetched, crl)) {
				error = tamga__error_oom();
				break;
			}
			X509_CRL_up_ref(crl);
			if (!sk_X509_CRL_push(run->crls, crl)) {
				error = tamga__error_oom();
				break;
			}
		}
		sk_X509_CRL_pop_free(got, X509_CRL_free);
		if (error < 0)
			break;
	}
	tamga__urls_free(urls);
	return error < 0 ? error : run->error;
}

int tamga__rev_fetch_missing(struct tamga__rev_run *run)
{
	size_t i;
	int any = 0, error;

	for (i = 0; i < run->record_count; i++) {
		if (!run->records[i].missing)
			continue;
		run->records[i].missing = 0;
		any = 1;
		if ((error = fetch_for(run, &run->records[i])) < 0)
			return error;
	}
	return any;
}
