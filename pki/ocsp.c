/*
 * pki/ocsp.c - judging OCSP responses (RFC 6960) for one certificate.
 *
 *   OCSPResponse ::= SEQUENCE { responseStatus, responseBytes [0] {
 *       responseType id-pkix-ocsp-basic, response OCTET STRING {
 *         BasicOCSPResponse ::= SEQUENCE {
 *           tbsResponseData { version, responderID (byName | byKey),
 *                             producedAt, responses SEQUENCE OF SingleResponse {
 *                               certID { hashAlgorithm, issuerNameHash,
 *                                        issuerKeyHash, serialNumber },
 *                               certStatus (good | revoked | unknown),
 *                               thisUpdate, nextUpdate [0] OPTIONAL } },
 *           signatureAlgorithm, signature, certs [0] OPTIONAL } } } }
 *
 * A response counts only when every one of these holds; each defeats a
 * known trick:
 *   - status successful, type basic;
 *   - signed by the certificate's issuer, or by a responder certificate
 *     the issuer itself issued with EKU OCSPSigning (RFC 6960 §4.2.2.2):
 *     a response signed by any other key (another CA, a responder of
 *     another CA, a self-made one) says nothing;
 *   - the delegated responder valid when the response was produced, and not
 *     revoked (by the issuer's CRL) unless it carries id-pkix-ocsp-nocheck;
 *   - a SingleResponse whose CertID matches the certificate under the
 *     response's own hash algorithm (serial alone is not enough: another
 *     CA's certificate may share it);
 *   - thisUpdate not after the validation time (+ 5 minutes of skew) and
 *     nextUpdate, when present, not before it; with a proof of existence a
 *     response produced at or after that time is fine too.
 */
#include <limits.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "common/error.h"
#include "pki/validate_internal.h"

static OCSP_BASICRESP *parse(const unsigned char *der, size_t len, tamga_buf *why, int *oom)
{
	const unsigned char *p = der;
	OCSP_RESPONSE *resp;
	OCSP_BASICRESP *bs = NULL;
	int status;

	*oom = 0;
	if (len > TAMGA__OCSP_MAX_RESPONSE || len > (size_t)LONG_MAX) {
		*oom = tamga__buf_puts(why, "larger than 64 KiB") < 0;
		return NULL;
	}
	resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
	if (resp == NULL || p != der + len) {
		ERR_clear_error();
		OCSP_RESPONSE_free(resp);
		*oom = tamga__buf_puts(why, "not a DER OCSPResponse") < 0;
		return NULL;
	}
	status = OCSP_response_status(resp);
	if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
		*oom = tamga__buf_printf(why, "the responder answered '%s'", OCSP_response_status_str(status)) < 0;
	else if ((bs = OCSP_response_get1_basic(resp)) == NULL)
		*oom = tamga__buf_puts(why, "not a basic OCSP response") < 0;
	ERR_clear_error();
	OCSP_RESPONSE_free(resp);
	return bs;
}

static int responder_id_matches(OCSP_BASICRESP *bs, X509 *c)
{
	const ASN1_OCTET_STRING *key_hash = NULL;
	const X509_NAME *name = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!OCSP_resp_get0_id(bs, &key_hash, &name))
		return 0;
	if (name != NULL)
		return X509_NAME_cmp(name, X509_get_subject_name(c)) == 0;
	if (key_hash == NULL || !X509_pubkey_digest(c, EVP_sha1(), md, &n))
		return 0;
	return (unsigned int)ASN1_STRING_length(key_hash) == n && memcmp(ASN1_STRING_get0_data(key_hash), md, n) == 0;
}

static int signature_ok(OCSP_BASICRESP *bs, X509 *c)
{
	EVP_PKEY *key = X509_get0_pubkey(c);
	int ok;

	if (key == NULL)
		return 0;
	ok = ASN1_item_verify(ASN1_ITEM_rptr(OCSP_RESPDATA), (X509_ALGOR *)OCSP_resp_get0_tbs_sigalg(bs),
	                      (ASN1_BIT_STRING *)OCSP_resp_get0_signature(bs), (void *)OCSP_resp_get0_respdata(bs),
	                      key) == 1;
	ERR_clear_error();
	return ok;
}

/* Whether the issuer's CRL (one it signed, among crls) clears responder r;
 * 0 with why set when it does not. */
static int responder_not_revoked(X509 *r, X509 *issuer, STACK_OF(X509_CRL) *crls, tamga_buf *why, int *oom)
{
	EVP_PKEY *key = X509_get0_pubkey(issuer);
	int i;

	for (i = 0; key != NULL && i < sk_X509_CRL_num(crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(crls, i);
		X509_REVOKED *rev = NULL;

		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0 ||
		    X509_CRL_verify(crl, key) != 1) {
			ERR_clear_error();
			continue;
		}
		if (X509_CRL_get0_by_cert(crl, &rev, r) == 1) {
			*oom = tamga__buf_puts(why, "the responder certificate is revoked") < 0;
			return 0;
		}
		return 1;
	}
	*oom = tamga__buf_puts(why, "the responder certificate has no id-pkix-ocsp-nocheck and no CRL of its "
	                            "issuer is at hand") < 0;
	return 0;
}

/* A delegated responder: issued by the issuer, for OCSPSigning, valid at
 * the time the response was produced. */
static int delegated_ok(X509 *r, X509 *issuer, STACK_OF(X509_CRL) *crls, tamga_time produced, tamga_buf *why,
                        int *oom)
{
	EVP_PKEY *key = X509_get0_pubkey(issuer);
	time_t when = (time_t)produced;

	if (X509_check_issued(issuer, r) != X509_V_OK || key == NULL || X509_verify(r, key) != 1) {
		ERR_clear_error();
		*oom = tamga__buf_puts(why, "signed by a key that is neither the issuer's nor a responder the "
		                            "issuer authorised") < 0;
		return 0;
	}
	if (!(X509_get_extension_flags(r) & EXFLAG_XKUSAGE) || !(X509_get_extended_key_usage(r) & XKU_OCSP_SIGN)) {
		*oom = tamga__buf_puts(why, "the responder certificate lacks extended key usage OCSPSigning") < 0;
		return 0;
	}
	if (X509_cmp_time(X509_get0_notBefore(r), &when) > 0 || X509_cmp_time(X509_get0_notAfter(r), &when) < 0) {
		*oom = tamga__buf_puts(why, "the responder certificate was not valid when the response was produced") < 0;
		return 0;
	}
	if (X509_get_ext_by_NID(r, NID_id_pkix_OCSP_noCheck, -1) >= 0)
		return 1;
	return responder_not_revoked(r, issuer, crls, why, oom);
}

/* Find who signed bs among its certificates, the issuer and others, and
 * whether that signer may speak for the issuer's certificates. */
static int signer_ok(OCSP_BASICRESP *bs, X509 *issuer, STACK_OF(X509) *others, STACK_OF(X509_CRL) *crls,
                     tamga_time produced, tamga_buf *why, int *oom)
{
	const STACK_OF(X509) *inside = OCSP_resp_get0_certs(bs);
	int i, n_inside = sk_X509_num(inside), n_others = sk_X509_num(others), found = 0;

	/* The issuer itself first, then every candidate the responder ID names. */
	if (responder_id_matches(bs, issuer) && signature_ok(bs, issuer))
		return 1;
	for (i = 0; i < n_inside + n_others; i++) {
		X509 *c = i < n_inside ? sk_X509_value(inside, i) : sk_X509_value(others, i - n_inside);
		tamga_buf reason = TAMGA_BUF_INIT;
		int ok;

		if (!responder_id_matches(bs, c) || !signature_ok(bs, c))
			continue;
		found = 1;
		ok = delegated_ok(c, issuer, crls, produced, &reason, oom);
		if (ok) {
			tamga_buf_dispose(&reason);
			return 1;
		}
		if (why->size == 0 && !*oom)
			*oom = tamga__buf_puts(why, reason.ptr ? (const char *)reason.ptr : "") < 0;
		tamga_buf_dispose(&reason);
		if (*oom)
			return 0;
	}
	if (!found && why->size == 0)
		*oom = tamga__buf_puts(why, "its signature does not verify with the issuer's key or that of any "
		                            "responder certificate at hand") < 0;
	return 0;
}

static int certid_matches(OCSP_SINGLERESP *single, X509 *cert, X509 *issuer)
{
	const OCSP_CERTID *cid = OCSP_SINGLERESP_get0_id(single);
	ASN1_OBJECT *alg = NULL;
	const EVP_MD *md;
	OCSP_CERTID *mine;
	int same;

	if (cid == NULL || !OCSP_id_get0_info(NULL, &alg, NULL, NULL, (OCSP_CERTID *)cid) || alg == NULL)
		return 0;
	if ((md = EVP_get_digestbyobj(alg)) == NULL)
		return 0;
	if ((mine = OCSP_cert_to_id(md, cert, issuer)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	same = OCSP_id_cmp(mine, cid) == 0;
	OCSP_CERTID_free(mine);
	return same;
}

/* Whether a single response's times fit the validation time. */
static int times_fit(tamga_time this_update, tamga_time next_update, tamga_time produced, tamga_time at, int poe)
{
	int current = this_update <= at + TAMGA__OCSP_SKEW && (next_update == 0 || next_update >= at);

	if (current)
		return 1;
	/* A response produced after the proof of existence still tells the
	 * status at it (a revocation after the POE is judged by its date). */
	return poe && (produced >= at || this_update >= at);
}

int tamga__ocsp_check(struct tamga__ocsp_answer *out, const unsigned char *der, size_t len, X509 *cert,
                      X509 *issuer, STACK_OF(X509) *others, STACK_OF(X509_CRL) *crls, tamga_time at, int poe,
                      tamga_buf *why)
{
	OCSP_BASICRESP *bs;
	tamga_time produced;
	int i, n, oom = 0, matched = 0, error = 0;

	memset(out, 0, sizeof(*out));
	out->status = V_OCSP_CERTSTATUS_UNKNOWN;
	out->reason = -1;
	if (der == NULL || cert == NULL || issuer == NULL)
		return tamga__buf_puts(why, "nothing to check") < 0 ? tamga__error_oom() : 0;
	if ((bs = parse(der, len, why, &oom)) == NULL)
		return oom ? tamga__error_oom() : 0;
	produced = tamga__asn1_time_get(OCSP_resp_get0_produced_at(bs));
	if (!signer_ok(bs, issuer, others, crls, produced, why, &oom))
		goto done;
	n = OCSP_resp_count(bs);
	for (i = 0; i < n; i++) {
		OCSP_SINGLERESP *single = OCSP_resp_get0(bs, i);
		ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
		int reason = -1, status;
		tamga_time tu, nu;

		if (single == NULL || !certid_matches(single, cert, issuer))
			continue;
		matched = 1;
		status = OCSP_single_get0_status(single, &reason, &rev, &thisupd, &nextupd);
		tu = tamga__asn1_time_get(thisupd);
		nu = nextupd != NULL ? tamga__asn1_time_get(nextupd) : 0;
		if (status < 0 || thisupd == NULL || tu == 0 || (nextupd != NULL && nu == 0))
			continue;
		if (!times_fit(tu, nu, produced, at, poe))
			continue;
		out->usable = 1;
		out->status = status;
		out->this_update = tu;
		out->next_update = nu;
		if (status == V_OCSP_CERTSTATUS_REVOKED) {
			out->revoked_at = tamga__asn1_time_get(rev);
			out->reason = reason;
		}
		goto done;
	}
	if (!matched)
		oom = tamga__buf_puts(why, "it says nothing about this certificate (no matching CertID)") < 0;
	else
		oom = tamga__buf_puts(why, "it is not current at the validation time (thisUpdate/nextUpdate)") < 0;
done:
	ERR_clear_error();
	OCSP_BASICRESP_free(bs);
	if (oom)
		error = tamga__error_oom();
	return error;
}

int tamga__ocsp_request(tamga_buf *out, X509 *cert, X509 *issuer)
{
	OCSP_REQUEST *req = OCSP_REQUEST_new();
	OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), cert, issuer);
	unsigned char *der = NULL;
	int len, error = 0;

	if (req == NULL || id == NULL || OCSP_request_add0_id(req, id) == NULL) {
		OCSP_CERTID_free(id);
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot make an OCSP request");
		goto done;
	}
	if ((len = i2d_OCSP_REQUEST(req, &der)) <= 0) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot encode an OCSP request");
		goto done;
	}
	error = tamga__buf_append(out, der, (size_t)len);
done:
	OPENSSL_free(der);
	OCSP_REQUEST_free(req);
	return error;
}

tamga_time tamga__ocsp_next_update(const unsigned char *der, size_t len)
{
	tamga_buf why = TAMGA_BUF_INIT;
	OCSP_BASICRESP *bs;
	tamga_time earliest = 0;
	int i, oom;

	if ((bs = parse(der, len, &why, &oom)) != NULL) {
		for (i = 0; i < OCSP_resp_count(bs); i++) {
			OCSP_SINGLERESP *single = OCSP_resp_get0(bs, i);
			ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
			int reason;
			tamga_time nu;

			if (single == NULL || OCSP_single_get0_status(single, &reason, &rev, &thisupd, &nextupd) < 0 ||
			    nextupd == NULL)
				continue;
			nu = tamga__asn1_time_get(nextupd);
			if (earliest == 0 || nu < earliest)
				earliest = nu;
		}
	}
	OCSP_BASICRESP_free(bs);
	tamga_buf_dispose(&why);
	return earliest;
}
