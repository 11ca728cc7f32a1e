/*
 * verifier/verify.c - the verification pipeline: one report per document.
 *
 *   bytes --format handler--> evidence (signatures, covered bytes, changes)
 *         --cms--> integrity, signer, time-stamps, embedded revocation data
 *         --pki--> signer path at the best signature time, revocation
 *         --> indication per signature (ETSI EN 319 102-1), verdict
 *
 * Order of judgement for one signature, first match wins:
 *   1. a malformed container           TOTAL-FAILED  FORMAT_FAILURE
 *   2. integrity (digest, value, ESS)  TOTAL-FAILED  HASH_/SIG_CRYPTO_FAILURE, or
 *                                      INDETERMINATE (no signer certificate, constraints)
 *   3. a change after signing that is  TOTAL-FAILED  HASH_FAILURE (what the reader
 *      not allowed                                   sees is not what was signed)
 *   4. algorithm policy                INDETERMINATE CRYPTO_CONSTRAINTS_FAILURE_NO_POE
 *   5. the signer's path               per tamga_path_reason (see path_sub)
 * and only when nothing above applies: TOTAL-PASSED.
 *
 * The best signature time is the earliest genTime of a signature
 * time-stamp whose own integrity and TSA path are valid: it is a proof of
 * existence (POE), so the signer's path is validated at that time and a
 * later expiry or revocation does not fail the signature.  Without one,
 * the path is validated at the validation time (now, or --at).  A claimed
 * signing time (/M, signingTime) is reported but never used.  Time-stamps
 * are validated in the past when a later valid document time-stamp gives
 * them a POE (see "Past validation"): signatures are judged newest first.
 *
 * Algorithm policy (ETSI TS 119 312): MD5 never; SHA-1 as the signature's
 * digest only with a POE before 2019-01-01; keys and certificate hashes
 * below 112 bits of security fail path validation (auth level 2).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <tamga/code.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "formats/cms/cms_verify.h"
#include "formats/format.h"
#include "pki/pki.h"
#include "pki/revocation.h"
#include "verifier/report.h"

#define MAX_DOCUMENT (512u * 1024u * 1024u)
#define SHA1_SUNSET ((tamga_time)1546300800) /* 2019-01-01T00:00:00Z */

struct tamga_verifier {
	tamga_verify_options opts;
	tamga__fetch_cache *cache;
};

int tamga_verifier_new(tamga_verifier **out, const tamga_verify_options *opts)
{
	tamga_verifier *v;
	int error;

	if (out == NULL || opts == NULL || opts->trust == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_verifier_new: a trust store is required");
	if (opts->version != TAMGA_VERIFY_OPTIONS_VERSION)
		return tamga__error_set(TAMGA_EINVAL, "tamga_verifier_new: unknown options version");
	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return tamga__error_oom();
	v->opts = *opts;
	if ((error = tamga__fetch_cache_new(&v->cache)) < 0) {
		free(v);
		return error;
	}
	*out = v;
	return 0;
}

void tamga_verifier_free(tamga_verifier *v)
{
	if (v == NULL)
		return;
	tamga__fetch_cache_free(v->cache);
	free(v);
}

/* ------------------------------------------------------------ material */

/* Certificates, CRLs and OCSP responses a document brings: its DSS, then
 * each container's; used for path building and revocation only. */
struct material {
	STACK_OF(X509) *certs;
	STACK_OF(X509_CRL) *crls;
	int *crl_revs;                /* the document's: revision holding crls[i], -1 unknown */
	struct tamga__blob *ocsps;    /* borrowed views (the document's: with their revision) */
	size_t ocsp_len;
};

/* Every revision: no document time-stamp limits the material. */
#define ALL_REVISIONS (-2)

static void material_free(struct material *m)
{
	sk_X509_pop_free(m->certs, X509_free);
	sk_X509_CRL_pop_free(m->crls, X509_CRL_free);
	free(m->crl_revs);
	free(m->ocsps);
	memset(m, 0, sizeof(*m));
}

/* Whether material held by revision rev existed when the document
 * time-stamp covering revisions 0..max_rev was made. */
static int rev_within(int rev, int max_rev)
{
	return max_rev == ALL_REVISIONS || (rev >= 0 && rev <= max_rev);
}

static int add_cert(STACK_OF(X509) *sk, X509 *x)
{
	if (x == NULL)
		return 0;
	if (!X509_up_ref(x))
		return tamga__error_oom();
	if (!sk_X509_push(sk, x)) {
		X509_free(x);
		return tamga__error_oom();
	}
	return 0;
}

static int add_certs(STACK_OF(X509) *sk, const STACK_OF(X509) *from)
{
	int i, e;

	for (i = 0; from && i < sk_X509_num(from); i++)
		if ((e = add_cert(sk, sk_X509_value(from, i))) < 0)
			return e;
	return 0;
}

static int add_ocsps(struct material *m, const struct tamga__blob *b, size_t n)
{
	struct tamga__blob *grown;

	if (n == 0)
		return 0;
	if ((grown = realloc(m->ocsps, (m->ocsp_len + n) * sizeof(*grown))) == NULL)
		return tamga__error_oom();
	memcpy(grown + m->ocsp_len, b, n * sizeof(*b));
	m->ocsps = grown;
	m->ocsp_len += n;
	return 0;
}

/* The document's own material (DSS): unparsable entries become warnings. */
static int material_from_evidence(struct material *m, const struct tamga__evidence *ev, tamga_report *r)
{
	size_t i;
	int e;

	if ((m->certs = sk_X509_new_null()) == NULL || (m->crls = sk_X509_CRL_new_null()) == NULL ||
	    (m->crl_revs = calloc(ev->crl_count + 1, sizeof(*m->crl_revs))) == NULL)
		return tamga__error_oom();
	for (i = 0; i < ev->cert_count; i++) {
		const unsigned char *p = ev->certs[i].data;
		X509 *x = d2i_X509(NULL, &p, (long)ev->certs[i].len);

		if (x == NULL) {
			if ((e = tamga__strlist_add(&r->warnings, "certificate %zu of the document's DSS is not DER", i + 1)) < 0)
				return e;
			continue;
		}
		e = sk_X509_push(m->certs, x) ? 0 : tamga__error_oom();
		if (e < 0) {
			X509_free(x);
			return e;
		}
	}
	for (i = 0; i < ev->crl_count; i++) {
		const unsigned char *p = ev->crls[i].data;
		X509_CRL *c = d2i_X509_CRL(NULL, &p, (long)ev->crls[i].len);

		if (c == NULL) {
			if ((e = tamga__strlist_add(&r->warnings, "CRL %zu of the document's DSS is not DER", i + 1)) < 0)
				return e;
			continue;
		}
		if (!sk_X509_CRL_push(m->crls, c)) {
			X509_CRL_free(c);
			return tamga__error_oom();
		}
		m->crl_revs[sk_X509_CRL_num(m->crls) - 1] = ev->crls[i].revision;
	}
	return add_ocsps(m, ev->ocsps, ev->ocsp_count);
}

/* The document's material plus one container's.  With max_rev other than
 * ALL_REVISIONS, only the document's CRLs and OCSP responses held by
 * revisions 0..max_rev (those a document time-stamp covers); certificates
 * only build paths and are all kept. */
static int material_for_sig(struct material *out, const struct material *doc, const struct tamga__cms_result *c,
                            int max_rev)
{
	size_t i;
	int j, e;

	if ((out->certs = sk_X509_new_null()) == NULL || (out->crls = sk_X509_CRL_new_null()) == NULL)
		return tamga__error_oom();
	if ((e = add_certs(out->certs, c->certs)) < 0 || (e = add_certs(out->certs, doc->certs)) < 0)
		return e;
	for (i = 0; i < c->timestamp_count; i++)
		if ((e = add_certs(out->certs, c->timestamps[i].certs)) < 0)
			return e;
	for (j = 0; j < sk_X509_CRL_num(doc->crls); j++) {
		X509_CRL *x = sk_X509_CRL_value(doc->crls, j);

		if (!rev_within(doc->crl_revs[j], max_rev))
			continue;
		if (!X509_CRL_up_ref(x))
			return tamga__error_oom();
		if (!sk_X509_CRL_push(out->crls, x)) {
			X509_CRL_free(x);
			return tamga__error_oom();
		}
	}
	for (j = 0; c->crls && j < sk_X509_CRL_num(c->crls); j++) {
		X509_CRL *x = sk_X509_CRL_value(c->crls, j);

		if (!X509_CRL_up_ref(x) || !sk_X509_CRL_push(out->crls, x))
			return tamga__error_oom();
	}
	for (i = 0; i < doc->ocsp_len; i++)
		if (rev_within(doc->ocsps[i].revision, max_rev) && (e = add_ocsps(out, &doc->ocsps[i], 1)) < 0)
			return e;
	return add_ocsps(out, c->ocsps, c->ocsp_count);
}

/* ------------------------------------------------------------ helpers */

static int rep_cert_set(struct rep_cert *rc, X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	rc->subject = tamga__name_string(X509_get_subject_name(x));
	rc->issuer = tamga__name_string(X509_get_issuer_name(x));
	rc->serial = tamga__serial_hex(X509_get0_serialNumber(x));
	if (rc->subject == NULL || rc->issuer == NULL || rc->serial == NULL)
		return tamga__error_oom();
	if (!X509_digest(x, EVP_sha256(), md, &mdlen) || mdlen != 32)
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash a certificate");
	tamga__hex(rc->sha256, md, mdlen);
	return 0;
}

static int copy_chain(struct rep_sig *s, const tamga_validation *val)
{
	size_t i, n = tamga_validation_chain_length(val);

	if (n == 0)
		return 0;
	if ((s->chain = calloc(n, sizeof(*s->chain))) == NULL)
		return tamga__error_oom();
	for (i = 0; i < n; i++) {
		int e = rep_cert_set(&s->chain[i], tamga__cert_x509(tamga_validation_chain_cert(val, i)));

		s->chain_len = i + 1;
		if (e < 0)
			return e;
	}
	return 0;
}

static void set_result(struct rep_sig *s, tamga_verdict ind, tamga_subindication sub)
{
	s->indication = ind;
	s->sub = sub;
}

/* tamga_path_reason of the signer's path, for the end entity (depth 0)
 * or a CA above it. */
static void path_sub(tamga_path_reason reason, int depth, tamga_verdict *ind, tamga_subindication *sub)
{
	*ind = TAMGA_VERDICT_INDETERMINATE;
	switch (reason) {
	case TAMGA_PATH_OK:
		*ind = TAMGA_VERDICT_TOTAL_PASSED;
		*sub = TAMGA_SUB_NONE;
		break;
	case TAMGA_PATH_NO_CERTIFICATE_CHAIN_FOUND: *sub = TAMGA_SUB_NO_CERTIFICATE_CHAIN_FOUND; break;
	case TAMGA_PATH_OUT_OF_BOUNDS: *sub = TAMGA_SUB_OUT_OF_BOUNDS_NO_POE; break;
	case TAMGA_PATH_NOT_YET_VALID:
		if (depth == 0) {
			*ind = TAMGA_VERDICT_TOTAL_FAILED;
			*sub = TAMGA_SUB_NOT_YET_VALID;
		} else {
			*sub = TAMGA_SUB_CERTIFICATE_CHAIN_GENERAL_FAILURE;
		}
		break;
	case TAMGA_PATH_REVOKED:
		*ind = TAMGA_VERDICT_TOTAL_FAILED;
		*sub = TAMGA_SUB_REVOKED;
		break;
	case TAMGA_PATH_REVOKED_CA: *sub = TAMGA_SUB_REVOKED_CA_NO_POE; break;
	case TAMGA_PATH_TRY_LATER: *sub = TAMGA_SUB_TRY_LATER; break;
	case TAMGA_PATH_CHAIN_CONSTRAINTS_FAILURE:
	case TAMGA_PATH_PURPOSE_FAILURE: *sub = TAMGA_SUB_CHAIN_CONSTRAINTS_FAILURE; break;
	case TAMGA_PATH_CRYPTO_CONSTRAINTS_FAILURE: *sub = TAMGA_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE; break;
	case TAMGA_PATH_SIGNATURE_FAILURE:
	case TAMGA_PATH_GENERAL_FAILURE:
	default: *sub = TAMGA_SUB_CERTIFICATE_CHAIN_GENERAL_FAILURE; break;
	}
}

static void cms_sub(tamga__cms_status st, tamga_verdict *ind, tamga_subindication *sub)
{
	*ind = TAMGA_VERDICT_TOTAL_FAILED;
	switch (st) {
	case TAMGA__CMS_OK:
		*ind = TAMGA_VERDICT_TOTAL_PASSED;
		*sub = TAMGA_SUB_NONE;
		break;
	case TAMGA__CMS_HASH_FAILURE: *sub = TAMGA_SUB_HASH_FAILURE; break;
	case TAMGA__CMS_SIG_CRYPTO_FAILURE: *sub = TAMGA_SUB_SIG_CRYPTO_FAILURE; break;
	case TAMGA__CMS_NO_SIGNING_CERTIFICATE_FOUND:
		*ind = TAMGA_VERDICT_INDETERMINATE;
		*sub = TAMGA_SUB_NO_SIGNING_CERTIFICATE_FOUND;
		break;
	case TAMGA__CMS_SIG_CONSTRAINTS_FAILURE:
		*ind = TAMGA_VERDICT_INDETERMINATE;
		*sub = TAMGA_SUB_SIG_CONSTRAINTS_FAILURE;
		break;
	case TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE:
		*ind = TAMGA_VERDICT_INDETERMINATE;
		*sub = TAMGA_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE;
		break;
	case TAMGA__CMS_FORMAT_FAILURE:
	default: *sub = TAMGA_SUB_FORMAT_FAILURE; break;
	}
}

/* Validate x for purpose at time at (a POE when poe), with the material;
 * past: a past validation, with the material alone (never fetched: data
 * fetched now did not exist at the POE). */
static int validate(const tamga_verifier *v, tamga_validation **out, X509 *x, tamga_purpose purpose, tamga_time at,
                    int poe, const struct material *m, int past)
{
	tamga_validate_options o = TAMGA_VALIDATE_OPTIONS_INIT;
	struct tamga__validate_extra extra;

	memset(&extra, 0, sizeof(extra));
	o.at = at;
	o.purpose = purpose;
	o.revocation = TAMGA_REVOCATION_REQUIRE;
	extra.intermediates = m->certs;
	extra.crls = m->crls;
	extra.ocsps = m->ocsps;
	extra.ocsp_count = m->ocsp_len;
	extra.poe = poe;
	extra.online = !v->opts.offline && !past;
	extra.cache = v->cache;
	extra.timeout_seconds = v->opts.timeout_seconds;
	return tamga__trust_validate_ex(out, v->opts.trust, x, &o, &extra);
}

static int copy_warnings(struct strlist *to, const tamga_validation *val, const char *prefix)
{
	size_t i;
	int e;

	for (i = 0; i < tamga_validation_warning_count(val); i++)
		if ((e = tamga__strlist_add(to, "%s%s", prefix, tamga_validation_warning(val, i))) < 0)
			return e;
	return 0;
}

/*
 * Past validation (EN 319 102-1 §5.6.2.4, past signature validation, kept
 * simple).  A document time-stamp that is itself valid proves that every
 * byte it covers existed at its genTime: the earlier signatures' containers
 * (so their time-stamps) and the DSS revisions before it.  The verifier
 * judges the signatures newest first; each one's POE is the genTime of the
 * earliest later valid document time-stamp covering it, and its time-stamps
 * are validated at that time:
 *   - the TSA's path at the POE: a certificate expired since is fine when
 *     it was valid at the POE ("valid at the time of the POE");
 *   - revocation from the material that existed at the POE only: the
 *     container's and the DSS entries held by covered revisions, never
 *     fetched; a CRL or OCSP response must be current at the POE or issued
 *     after it (the POE rule of pki/revocation.c), and a revocation at or
 *     before the POE fails (the token is not proven to exist before it);
 *   - the token's genTime at or before the POE and within the TSA
 *     certificate's validity.
 * When that fails, the time-stamp is validated at the validation time as
 * before.  The newest document time-stamp has no POE: it is validated at
 * the validation time, so the chain of proofs starts from the present.
 */
struct past {
	tamga_time at;                  /* the POE; 0: none */
	int max_rev;                    /* DSS material of revisions 0..max_rev existed at it */
	const char *by;                 /* the document time-stamp giving it (borrowed) */
};

static int within_validity(X509 *x, tamga_time t)
{
	time_t when = (time_t)t;

	return X509_cmp_time(X509_get0_notBefore(x), &when) <= 0 && X509_cmp_time(X509_get0_notAfter(x), &when) >= 0;
}

/* One token's TSA at the POE; *passed 1 when valid, else *why says why. */
static int judge_past(const tamga_verifier *v, const struct tamga__cms_timestamp *t, const struct past *past,
                      const struct material *pm, int *passed, char **why)
{
	tamga_validation *val = NULL;
	char when[TAMGA_TIME_BUFSIZE];
	tamga_buf b = TAMGA_BUF_INIT;
	int e;

	*passed = 0;
	*why = NULL;
	tamga_time_format(when, past->at);
	if (!within_validity(t->tsa_cert, t->gen_time))
		e = tamga__buf_printf(&b, "at the proof of existence %s (document time-stamp '%s'): the time-stamp's "
		                          "time is outside its TSA certificate's validity", when, past->by ? past->by : "?");
	else if ((e = validate(v, &val, t->tsa_cert, TAMGA_PURPOSE_TIMESTAMPING, past->at, 1, pm, 1)) < 0)
		goto done;
	else if (tamga_validation_status(val) == TAMGA_PATH_VALID)
		*passed = 1;
	else
		e = tamga__buf_printf(&b, "at the proof of existence %s (document time-stamp '%s'): %s", when,
		                      past->by ? past->by : "?", tamga_validation_message(val));
	if (e == 0 && b.size > 0 && (*why = tamga__strdup((const char *)b.ptr)) == NULL)
		e = tamga__error_oom();
done:
	tamga_buf_dispose(&b);
	tamga_validation_free(val);
	return e;
}

/* Time-stamps of the container: integrity from cms, trust here, in the
 * past (above) when past->at, else at now.  *poe receives the earliest
 * trusted signature time-stamp's time (0: none). */
static int judge_timestamps(const tamga_verifier *v, struct rep_sig *s, const struct tamga__cms_result *c,
                            const struct material *m, const struct material *pm, const struct past *past,
                            tamga_time now, int doc_ts, tamga_time *poe)
{
	size_t i;
	int e;

	*poe = 0;
	if (c->timestamp_count == 0)
		return 0;
	if ((s->ts = calloc(c->timestamp_count, sizeof(*s->ts))) == NULL)
		return tamga__error_oom();
	for (i = 0; i < c->timestamp_count; i++) {
		const struct tamga__cms_timestamp *t = &c->timestamps[i];
		struct rep_timestamp *rt = &s->ts[i];
		tamga_validation *val = NULL;
		char *why = NULL;
		int passed = 0;

		s->ts_len = i + 1;
		rt->kind = doc_ts;
		rt->time = t->gen_time;
		rt->indication = TAMGA_VERDICT_INDETERMINATE;
		if (t->tsa_cert != NULL && (rt->tsa = tamga__name_string(X509_get_subject_name(t->tsa_cert))) == NULL)
			return tamga__error_oom();
		if (t->status != TAMGA__CMS_OK) {
			rt->indication = TAMGA_VERDICT_TOTAL_FAILED;
			if ((rt->message = tamga__strdup(t->message ? t->message : tamga__cms_status_name(t->status))) ==
			    NULL)
				return tamga__error_oom();
			continue;
		}
		if (t->tsa_cert == NULL) {
			if ((rt->message = tamga__strdup("the time-stamp's signer certificate is missing")) == NULL)
				return tamga__error_oom();
			continue;
		}
		if (past->at != 0 && pm != NULL && t->gen_time != 0 && t->gen_time <= past->at) {
			if ((e = judge_past(v, t, past, pm, &passed, &why)) < 0)
				return e;
			if (passed) {
				rt->validated_at = past->at;
				rt->past = 1;
			}
		}
		if (!passed) {
			if ((e = validate(v, &val, t->tsa_cert, TAMGA_PURPOSE_TIMESTAMPING, now, 0, m, 0)) < 0) {
				free(why);
				return e;
			}
			rt->validated_at = now;
			if (tamga_validation_status(val) == TAMGA_PATH_VALID) {
				passed = 1;
			} else {
				e = why ? tamga__strlist_add(&s->warnings, "time-stamp %zu: not validated in the past: %s",
				                             i + 1, why)
				        : 0;
				if (e == 0 && (rt->message = tamga__strdup(tamga_validation_message(val))) == NULL)
					e = tamga__error_oom();
			}
			tamga_validation_free(val);
			free(why);
			if (e < 0)
				return e;
		}
		if (passed) {
			rt->indication = TAMGA_VERDICT_TOTAL_PASSED;
			if (!doc_ts && (*poe == 0 || t->gen_time < *poe))
				*poe = t->gen_time;
		}
	}
	return 0;
}

static const char *level_of(const struct tamga__sig_evidence *se, const struct tamga__cms_result *c,
                            const struct tamga__evidence *ev, size_t index, tamga_time poe)
{
	size_t i;
	int lt, lta = 0;

	if (se->kind == TAMGA__SIG_DOC_TIMESTAMP)
		return "PDF-DOCUMENT-TIMESTAMP";
	if (se->kind == TAMGA__SIG_XMLDSIG) {
		/* B-LT: a valid signature time-stamp and embedded revocation values
		 * (xades:RevocationValues; written with CertificateValues, by tamga
		 * and by Office's XAdES-X-L).  B-LTA is not read. */
		if (!c->has_signing_certificate)
			return "XMLDSig";
		if (poe == 0)
			return "XAdES-B-B";
		lt = sk_X509_CRL_num(c->crls) > 0 || c->ocsp_count > 0;
		return lt ? "XAdES-B-LT" : "XAdES-B-T";
	}
	if (se->subfilter == NULL || strcmp(se->subfilter, "ETSI.CAdES.detached") != 0)
		return "PDF-CMS";
	if (!c->has_signing_certificate)
		return "CAdES-detached";
	if (poe == 0)
		return "PAdES-B-B";
	/* B-LT: validation data in the DSS; B-LTA: and a later document time-stamp. */
	lt = ev->cert_count > 0 && (ev->crl_count > 0 || ev->ocsp_count > 0);
	for (i = index + 1; i < ev->sig_count; i++)
		if (ev->sigs[i].kind == TAMGA__SIG_DOC_TIMESTAMP)
			lta = 1;
	return lt ? (lta ? "PAdES-B-LTA" : "PAdES-B-LT") : "PAdES-B-T";
}

/* ------------------------------------------------------------ one signature */

/* Judge signature index into s (r's, already added); past: its POE from a
 * later document time-stamp (past->at 0: none). */
static int judge_sig(const tamga_verifier *v, tamga_report *r, struct rep_sig *s, const struct tamga__evidence *ev,
                     size_t index, const struct material *doc, const struct past *past, const unsigned char *data,
                     size_t len)
{
	const struct tamga__sig_evidence *se = &ev->sigs[index];
	struct tamga__cms_result own;
	const struct tamga__cms_result *c = &own;
	struct material m, pm;
	tamga_validation *val = NULL;
	tamga_verdict ind;
	tamga_subindication sub;
	tamga_time poe = 0, at;
	size_t i;
	int e, disallowed = 0;

	memset(&own, 0, sizeof(own));
	memset(&m, 0, sizeof(m));
	memset(&pm, 0, sizeof(pm));
	if ((se->id && (s->id = tamga__strdup(se->id)) == NULL) ||
	    (se->subfilter && (s->subfilter = tamga__strdup(se->subfilter)) == NULL))
		return tamga__error_oom();
	s->covers_whole_document = se->covers_whole_document;
	s->revision = se->revision;
	s->certification = se->certification;
	s->signing_time = se->claimed_time;
	if (se->mod_count) {
		if ((s->mods = calloc(se->mod_count, sizeof(*s->mods))) == NULL)
			return tamga__error_oom();
		for (i = 0; i < se->mod_count; i++) {
			s->mod_len = i + 1;
			s->mods[i].allowed = se->mods[i].allowed;
			if ((s->mods[i].kind = tamga__strdup(se->mods[i].kind)) == NULL ||
			    (se->mods[i].detail && (s->mods[i].detail = tamga__strdup(se->mods[i].detail)) == NULL))
				return tamga__error_oom();
			disallowed |= !se->mods[i].allowed;
		}
	}
	for (i = 0; i < se->warning_count; i++)
		if ((e = tamga__strlist_add(&s->warnings, "%s", se->warnings[i])) < 0)
			return e;

	/* 1. the container */
	if (se->format_error != NULL) {
		set_result(s, TAMGA_VERDICT_TOTAL_FAILED, TAMGA_SUB_FORMAT_FAILURE);
		return tamga__strlist_add(&s->errors, "%s", se->format_error);
	}

	/* 2. integrity: CMS here; XML-DSig already checked by the handler */
	if (se->kind == TAMGA__SIG_XMLDSIG) {
		if (se->integrity == NULL) { /* a handler bug: never pass it */
			set_result(s, TAMGA_VERDICT_TOTAL_FAILED, TAMGA_SUB_FORMAT_FAILURE);
			return tamga__strlist_add(&s->errors, "the signature's integrity was not checked");
		}
		c = se->integrity;
	} else {
		e = tamga__cms_verify(&own, se->value, se->value_len, se->kind, data, len, se->ranges,
		                      se->range_count, doc->certs);
		if (e < 0)
			goto done;
	}
	for (i = 0; i < c->warning_count; i++)
		if ((e = tamga__strlist_add(&s->warnings, "%s", c->warnings[i])) < 0)
			goto done;
	if (c->signer != NULL) {
		s->has_signer = 1;
		if ((e = rep_cert_set(&s->signer, c->signer)) < 0)
			goto done;
	}
	s->integrity = c->status == TAMGA__CMS_OK;
	cms_sub(c->status, &ind, &sub);
	if (c->status != TAMGA__CMS_OK) {
		set_result(s, ind, sub);
		e = tamga__strlist_add(&s->errors, "%s", c->message ? c->message : tamga__cms_status_name(c->status));
		goto done;
	}
	if (c->signer == NULL) { /* integrity without a signer cannot happen; never pass it */
		set_result(s, TAMGA_VERDICT_INDETERMINATE, TAMGA_SUB_NO_SIGNING_CERTIFICATE_FOUND);
		e = tamga__strlist_add(&s->errors, "no signer certificate");
		goto done;
	}
	if ((e = material_for_sig(&m, doc, c, ALL_REVISIONS)) < 0)
		goto done;
	if (past->at != 0 && (e = material_for_sig(&pm, doc, c, past->max_rev)) < 0)
		goto done;
	at = r->validation_time;
	if ((e = judge_timestamps(v, s, c, &m, past->at ? &pm : NULL, past, at, se->kind == TAMGA__SIG_DOC_TIMESTAMP,
	                          &poe)) < 0)
		goto done;
	if (se->kind == TAMGA__SIG_DOC_TIMESTAMP && c->timestamp_count > 0) {
		s->signing_time = c->timestamps[0].gen_time;
		s->signing_time_trusted = s->ts[0].indication == TAMGA_VERDICT_TOTAL_PASSED;
	} else if (poe) {
		s->signing_time = poe;
		s->signing_time_trusted = 1;
	}
	s->level = level_of(se, c, ev, index, poe);

	/* 3. what changed after signing */
	if (disallowed) {
		set_result(s, TAMGA_VERDICT_TOTAL_FAILED, TAMGA_SUB_HASH_FAILURE);
		e = tamga__strlist_add(&s->errors, "the document was changed after this signature in ways that are "
		                                   "not allowed (see modifications): what a reader sees is not what "
		                                   "was signed");
		goto done;
	}

	/* 4. algorithms */
	if (c->digest != NULL && strcmp(c->digest, "sha1") == 0 && !(poe && poe < SHA1_SUNSET)) {
		set_result(s, TAMGA_VERDICT_INDETERMINATE, TAMGA_SUB_CRYPTO_CONSTRAINTS_FAILURE_NO_POE);
		e = tamga__strlist_add(&s->errors, "SHA-1 digest: accepted only with a time-stamp proving the signature "
		                                   "existed before 2019-01-01");
		goto done;
	}

	/* 5. the signer's (or for a document time-stamp, the TSA's) path */
	if (se->kind == TAMGA__SIG_DOC_TIMESTAMP) {
		const struct rep_timestamp *t = s->ts_len ? &s->ts[0] : NULL;

		if (t != NULL && t->indication == TAMGA_VERDICT_TOTAL_PASSED) {
			set_result(s, TAMGA_VERDICT_TOTAL_PASSED, TAMGA_SUB_NONE);
		} else {
			set_result(s, TAMGA_VERDICT_INDETERMINATE, TAMGA_SUB_NO_CERTIFICATE_CHAIN_FOUND);
			e = tamga__strlist_add(&s->errors, "document time-stamp not trusted: %s",
			                       t && t->message ? t->message : "no time-stamp");
		}
		/* the chain and revocation shown: as the time-stamp was judged */
		if (e == 0 && t != NULL && t->past)
			e = validate(v, &val, c->signer, TAMGA_PURPOSE_TIMESTAMPING, t->validated_at, 1, &pm, 1);
		else if (e == 0)
			e = validate(v, &val, c->signer, TAMGA_PURPOSE_TIMESTAMPING, at, 0, &m, 0);
	} else {
		e = validate(v, &val, c->signer, TAMGA_PURPOSE_DOCUMENT_SIGNING, poe ? poe : at, poe != 0, &m, 0);
	}
	if (e < 0)
		goto done;
	if ((e = copy_chain(s, val)) < 0 || (e = copy_warnings(&s->warnings, val, "")) < 0)
		goto done;
	s->rev_status = tamga__rev_status_name(tamga__validation_rev_status(val));
	s->rev_source = tamga__rev_source_name(tamga__validation_rev_source(val));
	if (se->kind == TAMGA__SIG_DOC_TIMESTAMP)
		goto done;
	path_sub(tamga_validation_reason(val), tamga_validation_depth(val), &ind, &sub);
	if (tamga_validation_status(val) == TAMGA_PATH_VALID) {
		ind = TAMGA_VERDICT_TOTAL_PASSED;
		sub = TAMGA_SUB_NONE;
	} else if (ind == TAMGA_VERDICT_TOTAL_PASSED) { /* not valid without a reason: never pass */
		ind = TAMGA_VERDICT_INDETERMINATE;
		sub = TAMGA_SUB_CERTIFICATE_CHAIN_GENERAL_FAILURE;
	}
	set_result(s, ind, sub);
	if (ind != TAMGA_VERDICT_TOTAL_PASSED)
		e = tamga__strlist_add(&s->errors, "%s", tamga_validation_message(val));
done:
	tamga_validation_free(val);
	material_free(&m);
	material_free(&pm);
	tamga__cms_result_free(&own);
	return e;
}

/* ------------------------------------------------------------ one document */

/* Whether every byte of signature i (its covered ranges and what lies
 * between them: its own container) is covered by signature j. */
static int covers(const struct tamga__sig_evidence *j, const struct tamga__sig_evidence *i)
{
	struct tamga__range r[TAMGA__MAX_RANGES], tmp;
	size_t a, b, n = j->range_count, start = SIZE_MAX, end = 0, pos;

	if (i->range_count == 0 || n == 0 || n > TAMGA__MAX_RANGES || i->format_error || j->format_error)
		return 0;
	for (a = 0; a < i->range_count; a++) {
		if (i->ranges[a].offset < start)
			start = i->ranges[a].offset;
		if (i->ranges[a].offset + i->ranges[a].len > end)
			end = i->ranges[a].offset + i->ranges[a].len;
	}
	memcpy(r, j->ranges, n * sizeof(*r));
	for (a = 1; a < n; a++) /* insertion sort by offset: at most 8 */
		for (b = a; b > 0 && r[b - 1].offset > r[b].offset; b--) {
			tmp = r[b];
			r[b] = r[b - 1];
			r[b - 1] = tmp;
		}
	pos = start;
	for (a = 0; a < n && pos < end; a++)
		if (r[a].offset <= pos && r[a].offset + r[a].len > pos)
			pos = r[a].offset + r[a].len;
	return pos >= end;
}

/*
 * Every signature, newest first (see "Past validation"): a valid document
 * time-stamp gives the signatures it covers their POE before they are
 * judged.  The report keeps document order.
 */
static int judge_all(const tamga_verifier *v, tamga_report *r, const struct tamga__evidence *ev,
                     const struct material *doc, const unsigned char *data, size_t len)
{
	tamga_time *gen = NULL; /* per signature: a valid document time-stamp's genTime, else 0 */
	struct rep_sig *s;
	size_t i, j;
	int e = 0;

	if (ev->sig_count == 0)
		return 0;
	if ((gen = calloc(ev->sig_count, sizeof(*gen))) == NULL)
		return tamga__error_oom();
	for (i = 0; i < ev->sig_count; i++)
		if ((e = tamga__report_add_sig(r, &s)) < 0)
			goto done;
	for (i = ev->sig_count; i-- > 0;) {
		struct past past = { 0, ALL_REVISIONS, NULL };

		for (j = i + 1; j < ev->sig_count; j++)
			if (gen[j] != 0 && (past.at == 0 || gen[j] < past.at) && covers(&ev->sigs[j], &ev->sigs[i])) {
				past.at = gen[j];
				past.max_rev = ev->sigs[j].revision;
				past.by = ev->sigs[j].id;
			}
		s = &r->sigs[i];
		if ((e = judge_sig(v, r, s, ev, i, doc, &past, data, len)) < 0)
			goto done;
		if (ev->sigs[i].kind == TAMGA__SIG_DOC_TIMESTAMP && s->indication == TAMGA_VERDICT_TOTAL_PASSED &&
		    s->ts_len > 0 && s->ts[0].indication == TAMGA_VERDICT_TOTAL_PASSED)
			gen[i] = s->ts[0].time;
	}
done:
	free(gen);
	return e;
}

/* "Tamga <code>": the field name tamga gives its signatures. */
static int find_code(tamga_report *r, const struct tamga__evidence *ev)
{
	char code[TAMGA_CODE_BUFSIZE];
	size_t i;

	for (i = 0; i < r->sig_len; i++) {
		const char *id = r->sigs[i].id;

		/* XML signatures: only a code in signed content, and only when
		 * the signature's integrity held. */
		if (i < ev->sig_count && ev->sigs[i].kind == TAMGA__SIG_XMLDSIG)
			id = r->sigs[i].integrity == 1 ? ev->sigs[i].code : NULL;
		else if (id != NULL && strncmp(id, "Tamga ", 6) == 0)
			id += 6;
		else
			id = NULL;
		if (id == NULL || tamga_code_normalize(code, id) < 0)
			continue;
		tamga_error_clear();
		if ((r->document_code = tamga__strdup(code)) == NULL)
			return tamga__error_oom();
		return 0;
	}
	tamga_error_clear();
	return 0;
}

/*
 * What a registry says of the document's code.  Revoked or superseded by
 * the issuer: TOTAL-FAILED whatever the signatures say.  Not registered
 * there, or no answer: at best INDETERMINATE (the check was asked for; it
 * fails closed).
 */
int tamga_report_set_registry(tamga_report *r, const char *source, const tamga_document *doc, int lookup_error)
{
	char when[TAMGA_TIME_BUFSIZE];

	if (r == NULL || source == NULL || r->document_code == NULL || r->reg_url != NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_report_set_registry: no document code, or set twice");
	if ((r->reg_url = tamga__strdup(source)) == NULL)
		return tamga__error_oom();
	if (doc == NULL) {
		int unknown = lookup_error == TAMGA_ENOTFOUND;

		r->reg_status = unknown ? "unknown" : "unavailable";
		if (r->verdict == TAMGA_VERDICT_TOTAL_PASSED)
			r->verdict = TAMGA_VERDICT_INDETERMINATE;
		return unknown ? tamga__strlist_add(&r->errors, "the document code %s is not registered at %s",
		                                    r->document_code, source)
		               : tamga__strlist_add(&r->errors, "no registry status from %s", source);
	}
	r->reg = *doc;
	r->reg_found = 1;
	r->reg_status = tamga_doc_status_name(r->reg.status);
	r->reg_matches = strcmp(r->reg.sha256, r->sha256) == 0;
	if (r->reg.status == TAMGA_DOC_VALID)
		return r->reg_matches ? 0 : tamga__strlist_add(&r->warnings, "this file is not byte for byte the "
		                                                             "registered copy (sha256 %s)", r->reg.sha256);
	r->verdict = TAMGA_VERDICT_TOTAL_FAILED;
	return tamga__strlist_add(&r->errors, "the issuer %s this document on %s%s%s%s%s",
	                          r->reg.status == TAMGA_DOC_REVOKED ? "revoked" : "superseded",
	                          r->reg.status_time ? tamga_time_format(when, r->reg.status_time) : "?",
	                          r->reg.status_reason[0] ? ": " : "", r->reg.status_reason,
	                          r->reg.replaced_by[0] ? "; replaced by " : "", r->reg.replaced_by);
}

static int registry_check(const tamga_verifier *v, tamga_report *r)
{
	tamga_document d;
	int e = tamga_document_lookup(v->opts.registry_url, r->document_code, v->opts.timeout_seconds, &d);
	int e2;

	if (e == TAMGA_ENOMEM)
		return e;
	if (e < 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", tamga_error_last()->message);
		tamga_error_clear();
		e2 = tamga_report_set_registry(r, v->opts.registry_url, NULL, e);
		if (e2 == 0 && e != TAMGA_ENOTFOUND)
			e2 = tamga__strlist_add(&r->errors, "%s", why);
		return e2;
	}
	return tamga_report_set_registry(r, v->opts.registry_url, &d, 0);
}

static void verdict_of(tamga_report *r)
{
	size_t i;
	int failed = 0, indeterminate = 0;

	if (r->sig_len == 0) {
		r->verdict = TAMGA_VERDICT_NO_SIGNATURE;
		return;
	}
	for (i = 0; i < r->sig_len; i++) {
		failed |= r->sigs[i].indication == TAMGA_VERDICT_TOTAL_FAILED;
		indeterminate |= r->sigs[i].indication != TAMGA_VERDICT_TOTAL_PASSED;
	}
	r->verdict = failed ? TAMGA_VERDICT_TOTAL_FAILED
	                    : indeterminate ? TAMGA_VERDICT_INDETERMINATE : TAMGA_VERDICT_TOTAL_PASSED;
}

static int unreadable(tamga_report *r, const char *why)
{
	r->verdict = TAMGA_VERDICT_TOTAL_FAILED;
	r->sub = TAMGA_SUB_FORMAT_FAILURE;
	return tamga__strlist_add(&r->errors, "%s", why);
}

int tamga_verifier_verify_buffer(tamga_verifier *v, tamga_report **out, const void *data, size_t len,
                                 const char *name)
{
	const struct tamga_format *fmt;
	struct tamga__evidence ev;
	struct material doc;
	unsigned char md[32];
	tamga_report *r = NULL;
	size_t i;
	int e;

	if (v == NULL || out == NULL || (data == NULL && len > 0))
		return tamga__error_set(TAMGA_EINVAL, "tamga_verifier_verify_buffer: bad arguments");
	*out = NULL;
	memset(&ev, 0, sizeof(ev));
	memset(&doc, 0, sizeof(doc));
	if ((e = tamga__report_new(&r, name)) < 0)
		return e;
	r->validation_time = v->opts.at ? v->opts.at : tamga_time_now();
	if (!EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL)) {
		e = tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the document");
		goto done;
	}
	tamga__hex(r->sha256, md, sizeof(md));

	if ((fmt = tamga__format_find(data, len)) == NULL || fmt->verify == NULL) {
		e = unreadable(r, fmt ? "tamga cannot verify this format yet"
		                      : "not a document tamga knows (PDF): no signature can be checked");
		tamga_error_clear();
		goto done;
	}
	r->format = fmt->name;
	ev.format = fmt->name;
	if ((e = fmt->verify(data, len, &ev)) < 0)
		goto done;
	if (ev.error != NULL) {
		e = unreadable(r, ev.error);
		goto done;
	}
	for (i = 0; i < ev.warning_count; i++)
		if ((e = tamga__strlist_add(&r->warnings, "%s", ev.warnings[i])) < 0)
			goto done;
	if ((e = material_from_evidence(&doc, &ev, r)) < 0)
		goto done;
	if ((e = judge_all(v, r, &ev, &doc, data, len)) < 0)
		goto done;
	if ((e = find_code(r, &ev)) < 0)
		goto done;
	verdict_of(r);
	if (v->opts.registry_url != NULL && r->document_code != NULL)
		e = registry_check(v, r);
done:
	material_free(&doc);
	tamga__evidence_free(&ev);
	if (e < 0) {
		tamga_report_free(r);
		return e;
	}
	*out = r;
	return 0;
}

int tamga_verifier_verify_file(tamga_verifier *v, tamga_report **out, const char *path)
{
	tamga_buf b = TAMGA_BUF_INIT;
	int e;

	if (v == NULL || out == NULL || path == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_verifier_verify_file: bad arguments");
	*out = NULL;
	if ((e = tamga__file_read(&b, path, MAX_DOCUMENT)) < 0)
		return e;
	e = tamga_verifier_verify_buffer(v, out, b.ptr, b.size, path);
	tamga_buf_dispose(&b);
	return e;
}
