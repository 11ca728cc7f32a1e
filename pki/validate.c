/*
 * pki/validate.c - certificate path validation (RFC 5280 §6) at a given
 * time, with OpenSSL's X509_verify_cert doing the path work and tamga adding
 * the end-entity purpose checks and clear reasons.
 *
 * OpenSSL flags and why:
 *   CRL_CHECK | CRL_CHECK_ALL   revocation of every certificate in the path,
 *                               not just the end entity
 *   EXTENDED_CRL_SUPPORT        indirect CRLs, distribution-point scopes,
 *                               reason partitions (PKITS 4.14)
 *   USE_DELTAS                  delta CRLs (PKITS 4.15)
 *   POLICY_CHECK                certificate policy processing (RFC 5280 §6.1.3 d-f)
 *   no PARTIAL_CHAIN            an anchor is a root the caller trusts, never an
 *                               intermediate that happens to be in the store
 *
 * A verdict is not an error: tamga_trust_validate returns 0 and the result
 * object says VALID, INVALID or INDETERMINATE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "common/buf.h"
#include "common/error.h"
#include "pki/validate_internal.h"

/* OIDs of extended key usages not known to OpenSSL by name. */
#define OID_DOCUMENT_SIGNING "1.3.6.1.5.5.7.3.36"       /* RFC 9336 */
#define OID_ADOBE_AUTHENTIC_DOCS "1.2.840.113583.1.1.5"

int tamga_purpose_parse(tamga_purpose *out, const char *name)
{
	if (name != NULL && strcmp(name, "document-signing") == 0)
		*out = TAMGA_PURPOSE_DOCUMENT_SIGNING;
	else if (name != NULL && strcmp(name, "timestamping") == 0)
		*out = TAMGA_PURPOSE_TIMESTAMPING;
	else if (name != NULL && strcmp(name, "ocsp-signing") == 0)
		*out = TAMGA_PURPOSE_OCSP_SIGNING;
	else if (name != NULL && strcmp(name, "any") == 0)
		*out = TAMGA_PURPOSE_ANY;
	else
		return tamga__error_set(TAMGA_EINVAL,
		                        "unknown purpose '%s' (document-signing, timestamping, ocsp-signing, any)",
		                        name ? name : "");
	return 0;
}

const char *tamga_purpose_name(tamga_purpose purpose)
{
	switch (purpose) {
	case TAMGA_PURPOSE_DOCUMENT_SIGNING: return "document-signing";
	case TAMGA_PURPOSE_TIMESTAMPING: return "timestamping";
	case TAMGA_PURPOSE_OCSP_SIGNING: return "ocsp-signing";
	case TAMGA_PURPOSE_ANY: return "any";
	}
	return "?";
}

const char *tamga_path_reason_name(tamga_path_reason reason)
{
	switch (reason) {
	case TAMGA_PATH_OK: return "OK";
	case TAMGA_PATH_NO_CERTIFICATE_CHAIN_FOUND: return "NO_CERTIFICATE_CHAIN_FOUND";
	case TAMGA_PATH_OUT_OF_BOUNDS: return "OUT_OF_BOUNDS";
	case TAMGA_PATH_NOT_YET_VALID: return "NOT_YET_VALID";
	case TAMGA_PATH_REVOKED: return "REVOKED";
	case TAMGA_PATH_REVOKED_CA: return "REVOKED_CA";
	case TAMGA_PATH_TRY_LATER: return "TRY_LATER";
	case TAMGA_PATH_CHAIN_CONSTRAINTS_FAILURE: return "CHAIN_CONSTRAINTS_FAILURE";
	case TAMGA_PATH_CRYPTO_CONSTRAINTS_FAILURE: return "CRYPTO_CONSTRAINTS_FAILURE";
	case TAMGA_PATH_SIGNATURE_FAILURE: return "SIGNATURE_FAILURE";
	case TAMGA_PATH_PURPOSE_FAILURE: return "PURPOSE_FAILURE";
	case TAMGA_PATH_GENERAL_FAILURE: return "CERTIFICATE_CHAIN_GENERAL_FAILURE";
	}
	return "?";
}

const char *tamga_path_status_name(tamga_path_status status)
{
	switch (status) {
	case TAMGA_PATH_VALID: return "VALID";
	case TAMGA_PATH_INVALID: return "INVALID";
	case TAMGA_PATH_INDETERMINATE: return "INDETERMINATE";
	}
	return "?";
}

/* ------------------------------------------------------------ result object */

void tamga_validation_free(tamga_validation *v)
{
	size_t i;

	if (v == NULL)
		return;
	free(v->message);
	for (i = 0; i < v->warning_count; i++)
		free(v->warnings[i]);
	for (i = 0; i < v->chain_len; i++)
		tamga_cert_free(v->chain[i]);
	free(v->chain);
	free(v);
}

tamga_path_status tamga_validation_status(const tamga_validation *v) { return v->status; }
tamga_path_reason tamga_validation_reason(const tamga_validation *v) { return v->reason; }
const char *tamga_validation_message(const tamga_validation *v) { return v->message ? v->message : ""; }
int tamga_validation_depth(const tamga_validation *v) { return v->depth; }
int tamga_validation_openssl_code(const tamga_validation *v) { return v->openssl_code; }
size_t tamga_validation_warning_count(const tamga_validation *v) { return v->warning_count; }
size_t tamga_validation_chain_length(const tamga_validation *v) { return v->chain_len; }

const char *tamga_validation_warning(const tamga_validation *v, size_t i)
{
	return i < v->warning_count ? v->warnings[i] : NULL;
}

const tamga_cert *tamga_validation_chain_cert(const tamga_validation *v, size_t i)
{
	return i < v->chain_len ? v->chain[i] : NULL;
}

int tamga__validation_warn(tamga_validation *v, const char *text)
{
	if (v->warning_count == TAMGA__MAX_WARNINGS)
		return 0;
	if ((v->warnings[v->warning_count] = tamga__strdup(text)) == NULL)
		return TAMGA_ENOMEM;
	v->warning_count++;
	return 0;
}

static int set_verdict(tamga_validation *v, tamga_path_status status, tamga_path_reason reason, int depth,
                       const tamga_buf *message)
{
	v->status = status;
	v->reason = reason;
	v->depth = depth;
	free(v->message);
	v->message = tamga__strdup(message->ptr ? (const char *)message->ptr : "");
	return v->message ? 0 : TAMGA_ENOMEM;
}

/* ------------------------------------------------------------ OpenSSL verdicts */

static void classify(int code, int depth, tamga_path_status *status, tamga_path_reason *reason)
{
	*status = TAMGA_PATH_INVALID;
	switch (code) {
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_CERT_REJECTED:
		*status = TAMGA_PATH_INDETERMINATE;
		*reason = TAMGA_PATH_NO_CERTIFICATE_CHAIN_FOUND;
		break;
	case X509_V_ERR_CERT_HAS_EXPIRED:
		*reason = TAMGA_PATH_OUT_OF_BOUNDS;
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		*reason = TAMGA_PATH_NOT_YET_VALID;
		break;
	case X509_V_ERR_CERT_REVOKED:
		*reason = depth == 0 ? TAMGA_PATH_REVOKED : TAMGA_PATH_REVOKED_CA;
		break;
	case X509_V_ERR_UNABLE_TO_GET_CRL:
	case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
	case X509_V_ERR_CRL_HAS_EXPIRED:
	case X509_V_ERR_CRL_NOT_YET_VALID:
	case X509_V_ERR_DIFFERENT_CRL_SCOPE:
		*status = TAMGA_PATH_INDETERMINATE;
		*reason = TAMGA_PATH_TRY_LATER;
		break;
	case X509_V_ERR_CERT_SIGNATURE_FAILURE:
	case X509_V_ERR_CRL_SIGNATURE_FAILURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
	case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY:
		*reason = TAMGA_PATH_SIGNATURE_FAILURE;
		break;
	case X509_V_ERR_EE_KEY_TOO_SMALL:
	case X509_V_ERR_CA_KEY_TOO_SMALL:
	case X509_V_ERR_CA_MD_TOO_WEAK:
		*reason = TAMGA_PATH_CRYPTO_CONSTRAINTS_FAILURE;
		break;
	case X509_V_ERR_INVALID_CA:
	case X509_V_ERR_PATH_LENGTH_EXCEEDED:
	case X509_V_ERR_PROXY_PATH_LENGTH_EXCEEDED:
	case X509_V_ERR_KEYUSAGE_NO_CERTSIGN:
	case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
	case X509_V_ERR_KEYUSAGE_NO_DIGITAL_SIGNATURE:
	case X509_V_ERR_UNHANDLED_CRITICAL_EXTENSION:
	case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
	case X509_V_ERR_INVALID_EXTENSION:
	case X509_V_ERR_INVALID_POLICY_EXTENSION:
	case X509_V_ERR_NO_EXPLICIT_POLICY:
	case X509_V_ERR_PERMITTED_VIOLATION:
	case X509_V_ERR_EXCLUDED_VIOLATION:
	case X509_V_ERR_SUBTREE_MINMAX:
	case X509_V_ERR_UNSUPPORTED_CONSTRAINT_TYPE:
	case X509_V_ERR_UNSUPPORTED_CONSTRAINT_SYNTAX:
	case X509_V_ERR_UNSUPPORTED_NAME_SYNTAX:
	case X509_V_ERR_UNSUPPORTED_EXTENSION_FEATURE:
	case X509_V_ERR_INVALID_PURPOSE:
	case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
	case X509_V_ERR_PATH_LOOP:
		*reason = TAMGA_PATH_CHAIN_CONSTRAINTS_FAILURE;
		break;
	default:
		*reason = TAMGA_PATH_GENERAL_FAILURE;
		break;
	}
}

/* "CN=…" (serial …) for messages. */
static int describe(tamga_buf *b, X509 *x)
{
	char *subject, *serial;
	int error;

	if (x == NULL)
		return tamga__buf_puts(b, "(unknown certificate)");
	subject = tamga__name_string(X509_get_subject_name(x));
	serial = tamga__serial_hex(X509_get0_serialNumber(x));
	error = tamga__buf_printf(b, "'%s' (serial %s)", subject ? subject : "?", serial ? serial : "?");
	free(subject);
	free(serial);
	return error;
}

/* ", revoked <time>, reason <r>" for x: what the callback recorded (CRL
 * or OCSP), else the first CRL entry for x among the CRLs used. */
static int describe_revocation(tamga_buf *b, const struct tamga__rev_run *run, X509 *x)
{
	const struct tamga__rev_record *rec = tamga__rev_record_find(run, x);
	char when[TAMGA_TIME_BUFSIZE];
	int i;

	if (rec != NULL && rec->revoked)
		return tamga__buf_printf(b, ", revoked %s, reason %s (%s)", tamga_time_format(when, rec->rev_time),
		                         tamga__rev_reason_name(rec->rev_reason),
		                         rec->rev_source == TAMGA__REV_SRC_OCSP ? "OCSP"
		                         : rec->rev_source == TAMGA__REV_SRC_EMBEDDED ? "the document's data"
		                                                                      : "CRL");
	for (i = 0; i < sk_X509_CRL_num(run->crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(run->crls, i);
		X509_REVOKED *r = NULL;
		ASN1_ENUMERATED *code;
		long reason = -1;

		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(x)) != 0 ||
		    X509_CRL_get0_by_serial(crl, &r, X509_get0_serialNumber(x)) != 1 || r == NULL)
			continue;
		code = X509_REVOKED_get_ext_d2i(r, NID_crl_reason, NULL, NULL);
		if (code != NULL)
			reason = ASN1_ENUMERATED_get(code);
		ASN1_ENUMERATED_free(code);
		tamga_time_format(when, tamga__asn1_time_get(X509_REVOKED_get0_revocationDate(r)));
		return tamga__buf_printf(b, ", revoked %s, reason %s", when, tamga__rev_reason_name(reason));
	}
	return 0;
}

/* What fetching or OCSP said about x, when nothing usable came of it. */
static int describe_notes(tamga_buf *b, const struct tamga__rev_run *run, X509 *x)
{
	const struct tamga__rev_record *rec = x ? tamga__rev_record_find(run, x) : NULL;

	if (rec == NULL || rec->notes.size == 0)
		return 0;
	return tamga__buf_puts(b, (const char *)rec->notes.ptr);
}

/* The first certificate of the built path that is expired or not yet
 * valid at time at, if any, replaces the verdict. */
static void time_verdict(X509_STORE_CTX *ctx, tamga_time at, int *code, int *depth, X509 **x,
                         tamga_path_status *status, tamga_path_reason *reason)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	time_t when = (time_t)at;
	int i;

	for (i = 0; i < sk_X509_num(chain); i++) {
		X509 *c = sk_X509_value(chain, i);
		int e = 0;

		if (X509_cmp_time(X509_get0_notBefore(c), &when) > 0)
			e = X509_V_ERR_CERT_NOT_YET_VALID;
		else if (X509_cmp_time(X509_get0_notAfter(c), &when) < 0)
			e = X509_V_ERR_CERT_HAS_EXPIRED;
		if (e != 0) {
			*code = e;
			*depth = i;
			*x = c;
			classify(e, i, status, reason);
			return;
		}
	}
}

static int openssl_verdict(tamga_validation *v, const struct tamga__rev_run *run, X509_STORE_CTX *ctx,
                           X509 *cert, tamga_time at)
{
	int code = X509_STORE_CTX_get_error(ctx), depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *x = X509_STORE_CTX_get_current_cert(ctx);
	tamga_path_status status;
	tamga_path_reason reason;
	tamga_buf m = TAMGA_BUF_INIT;
	char when[TAMGA_TIME_BUFSIZE];
	int error = 0;

	if (code == X509_V_ERR_OUT_OF_MEM)
		return tamga__error_oom();
	if (code == X509_V_OK) /* failed without saying why: never VALID */
		code = X509_V_ERR_UNSPECIFIED;
	if (x == NULL && depth == 0)
		x = cert;
	classify(code, depth, &status, &reason);
	/* OpenSSL checks revocation before validity periods.  A certificate
	 * outside its validity at the validation time is a definite failure
	 * that no revocation data could change: report that instead of the
	 * missing or stale CRL. */
	if (reason == TAMGA_PATH_TRY_LATER)
		time_verdict(ctx, at, &code, &depth, &x, &status, &reason);
	v->openssl_code = code;

	switch (reason) {
	case TAMGA_PATH_NO_CERTIFICATE_CHAIN_FOUND: {
		char *issuer = x ? tamga__name_string(X509_get_issuer_name(x)) : NULL;

		if (code == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT || code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
			error = tamga__buf_puts(&m, "the path ends in a self-signed certificate that is not a trust anchor: ");
		else
			error = tamga__buf_printf(&m, "no path to a trust anchor: the issuer '%s' is neither a trust "
			                              "anchor (%d given) nor among the %d intermediate certificates; "
			                              "certificate concerned: ",
			                          issuer ? issuer : "?", sk_X509_num(run->trust->anchors),
			                          sk_X509_num(run->intermediates));
		free(issuer);
		if (error == 0)
			error = describe(&m, x);
		break;
	}
	case TAMGA_PATH_OUT_OF_BOUNDS:
		error = tamga__buf_puts(&m, "certificate expired: ");
		if (error == 0 && (error = describe(&m, x)) == 0 && x != NULL)
			error = tamga__buf_printf(&m, " was valid until %s",
			                          tamga_time_format(when, tamga__asn1_time_get(X509_get0_notAfter(x))));
		break;
	case TAMGA_PATH_NOT_YET_VALID:
		error = tamga__buf_puts(&m, "certificate not yet valid: ");
		if (error == 0 && (error = describe(&m, x)) == 0 && x != NULL)
			error = tamga__buf_printf(&m, " is valid from %s",
			                          tamga_time_format(when, tamga__asn1_time_get(X509_get0_notBefore(x))));
		break;
	case TAMGA_PATH_REVOKED:
	case TAMGA_PATH_REVOKED_CA:
		error = tamga__buf_puts(&m, reason == TAMGA_PATH_REVOKED ? "certificate revoked: "
		                                                         : "a CA certificate in the path is revoked: ");
		if (error == 0 && (error = describe(&m, x)) == 0 && x != NULL)
			error = describe_revocation(&m, run, x);
		break;
	case TAMGA_PATH_TRY_LATER: {
		char *issuer = x ? tamga__name_string(X509_get_issuer_name(x)) : NULL;

		error = tamga__buf_printf(&m, "no usable revocation data (%s) from '%s' for ",
		                          X509_verify_cert_error_string(code), issuer ? issuer : "?");
		free(issuer);
		if (error == 0)
			error = describe(&m, x);
		if (error == 0)
			error = describe_notes(&m, run, x);
		break;
	}
	default:
		error = tamga__buf_printf(&m, "%s: ", X509_verify_cert_error_string(code));
		if (error == 0)
			error = describe(&m, x);
		break;
	}
	if (error == 0)
		error = set_verdict(v, status, reason, depth, &m);
	tamga_buf_dispose(&m);
	return error;
}

/* ------------------------------------------------------------ purpose */

static int eku_has(EXTENDED_KEY_USAGE *eku, const char *oid)
{
	int i;

	for (i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		char txt[80];

		OBJ_obj2txt(txt, sizeof(txt), sk_ASN1_OBJECT_value(eku, i), 1);
		if (strcmp(txt, oid) == 0)
			return 1;
	}
	return 0;
}

/* 0 when fit; otherwise a message in m. */
static int purpose_problem(X509 *x, tamga_purpose purpose, tamga_buf *m, int *unfit)
{
	uint32_t ku;
	int has_ku, has_eku, crit = 0, error = 0;
	EXTENDED_KEY_USAGE *eku;

	*unfit = 0;
	if (purpose == TAMGA_PURPOSE_ANY)
		return 0;
	*unfit = 1;
	ku = X509_get_key_usage(x); /* UINT32_MAX when there is no keyUsage */
	has_ku = (X509_get_extension_flags(x) & EXFLAG_KUSAGE) != 0;
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, &crit, NULL);
	has_eku = X509_get_ext_by_NID(x, NID_ext_key_usage, -1) >= 0;
	if (has_eku && eku == NULL) {
		error = tamga__buf_puts(m, "the extended key usage extension is malformed");
		goto done;
	}
	switch (purpose) {
	case TAMGA_PURPOSE_DOCUMENT_SIGNING:
		if (X509_check_ca(x) != 0) {
			error = tamga__buf_puts(m, "a CA certificate is not a document signer");
			goto done;
		}
		if (!has_ku || !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
			error = tamga__buf_puts(m, has_ku ? "key usage allows neither digitalSignature nor nonRepudiation"
			                                  : "no key usage extension (digitalSignature or nonRepudiation needed)");
			goto done;
		}
		if (has_eku && !eku_has(eku, OID_DOCUMENT_SIGNING) && !eku_has(eku, "1.3.6.1.5.5.7.3.4") &&
		    !eku_has(eku, "2.5.29.37.0") && !eku_has(eku, OID_ADOBE_AUTHENTIC_DOCS)) {
			error = tamga__buf_puts(m, "extended key usage allows none of documentSigning, emailProtection, "
			                           "anyExtendedKeyUsage, Adobe authentic documents");
			goto done;
		}
		break;
	case TAMGA_PURPOSE_TIMESTAMPING:
		/* RFC 3161 §2.3: the only EKU, and critical. */
		if (!has_eku || !crit || sk_ASN1_OBJECT_num(eku) != 1 || !eku_has(eku, "1.3.6.1.5.5.7.3.8")) {
			error = tamga__buf_puts(m, "a time-stamping certificate needs extended key usage timeStamping, "
			                           "alone and critical (RFC 3161 section 2.3)");
			goto done;
		}
		if (has_ku && !(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
			error = tamga__buf_puts(m, "key usage allows neither digitalSignature nor nonRepudiation");
			goto done;
		}
		break;
	case TAMGA_PURPOSE_OCSP_SIGNING:
		if (!has_eku || !eku_has(eku, "1.3.6.1.5.5.7.3.9")) {
			error = tamga__buf_puts(m, "an OCSP responder certificate needs extended key usage OCSPSigning");
			goto done;
		}
		if (has_ku && !(ku & KU_DIGITAL_SIGNATURE)) {
			error = tamga__buf_puts(m, "key usage does not allow digitalSignature");
			goto done;
		}
		break;
	case TAMGA_PURPOSE_ANY:
		break;
	}
	*unfit = 0;
done:
	EXTENDED_KEY_USAGE_free(eku);
	return error;
}

/* ------------------------------------------------------------ validate */

static int set_policies(X509_VERIFY_PARAM *param, const tamga_validate_options *o)
{
	STACK_OF(ASN1_OBJECT) *pols;
	static const char *const any_policy[1] = { "2.5.29.32.0" };
	const char *const *oids = o->policies_count ? o->policies : any_policy;
	size_t i, n = o->policies_count ? o->policies_count : 1;
	int error = 0;

	/* An empty initial-policy-set means {anyPolicy} (RFC 5280 §6.1.1 c);
	 * OpenSSL must be told so explicitly, or explicit-policy never holds. */
	if ((pols = sk_ASN1_OBJECT_new_null()) == NULL)
		return tamga__error_oom();
	for (i = 0; i < n; i++) {
		ASN1_OBJECT *obj = oids[i] ? OBJ_txt2obj(oids[i], 1) : NULL;

		if (obj == NULL) {
			error = tamga__error_set(TAMGA_EINVAL, "policy '%s' is not a dotted OID", oids[i] ? oids[i] : "");
			goto done;
		}
		if (!sk_ASN1_OBJECT_push(pols, obj)) {
			ASN1_OBJECT_free(obj);
			error = tamga__error_oom();
			goto done;
		}
	}
	if (!X509_VERIFY_PARAM_set1_policies(param, pols))
		error = tamga__error_openssl(TAMGA_ENOMEM, "cannot set policies");
done:
	sk_ASN1_OBJECT_pop_free(pols, ASN1_OBJECT_free);
	return error;
}

static int copy_chain(tamga_validation *v, X509_STORE_CTX *ctx)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get1_chain(ctx);
	int i, n, error = 0;

	if (chain == NULL)
		return 0;
	n = sk_X509_num(chain);
	if ((v->chain = calloc((size_t)n + 1, sizeof(*v->chain))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		if ((error = tamga__cert_wrap(&v->chain[i], sk_X509_value(chain, i))) < 0)
			goto done;
		v->chain_len++;
	}
done:
	sk_X509_pop_free(chain, X509_free);
	return error;
}

/* A new stack holding a's then b's pointers (borrowed). */
static int join_certs(STACK_OF(X509) **out, STACK_OF(X509) *a, STACK_OF(X509) *b)
{
	STACK_OF(X509) *s = sk_X509_new_null();
	int i;

	if ((*out = s) == NULL)
		return tamga__error_oom();
	for (i = 0; i < sk_X509_num(a); i++)
		if (!sk_X509_push(s, sk_X509_value(a, i)))
			return tamga__error_oom();
	for (i = 0; i < sk_X509_num(b); i++)
		if (!sk_X509_push(s, sk_X509_value(b, i)))
			return tamga__error_oom();
	return 0;
}

static int join_crls(STACK_OF(X509_CRL) **out, STACK_OF(X509_CRL) *a, STACK_OF(X509_CRL) *b)
{
	STACK_OF(X509_CRL) *s = sk_X509_CRL_new_null();
	int i;

	if ((*out = s) == NULL)
		return tamga__error_oom();
	for (i = 0; i < sk_X509_CRL_num(a); i++)
		if (!sk_X509_CRL_push(s, sk_X509_CRL_value(a, i)))
			return tamga__error_oom();
	for (i = 0; i < sk_X509_CRL_num(b); i++)
		if (!sk_X509_CRL_push(s, sk_X509_CRL_value(b, i)))
			return tamga__error_oom();
	return 0;
}

/* One run of X509_verify_cert over a fresh context; *rc is its result. */
static int verify_once(X509_STORE_CTX *ctx, X509_STORE *store, X509 *cert, struct tamga__rev_run *run,
                       const tamga_validate_options *o, int *rc)
{
	X509_VERIFY_PARAM *param;
	unsigned long flags = X509_V_FLAG_POLICY_CHECK;
	int error;

	X509_STORE_CTX_cleanup(ctx);
	if (!X509_STORE_CTX_init(ctx, store, cert, run->intermediates))
		return tamga__error_openssl(TAMGA_ECRYPTO, "cannot start path validation");
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(param, (time_t)o->at);
	if (o->explicit_policy)
		flags |= X509_V_FLAG_EXPLICIT_POLICY;
	if (o->inhibit_policy_mapping)
		flags |= X509_V_FLAG_INHIBIT_MAP;
	if (o->inhibit_any_policy)
		flags |= X509_V_FLAG_INHIBIT_ANY;
	if (o->revocation == TAMGA_REVOCATION_REQUIRE) {
		flags |= X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL | X509_V_FLAG_EXTENDED_CRL_SUPPORT |
		         X509_V_FLAG_USE_DELTAS;
		X509_STORE_CTX_set0_crls(ctx, run->crls);
		/* OCSP, proofs of existence and fetching hook in where OpenSSL
		 * finds no usable CRL or a revoked certificate. */
		X509_STORE_CTX_set_app_data(ctx, run);
		X509_STORE_CTX_set_verify_cb(ctx, tamga__rev_verify_cb);
	}
	X509_VERIFY_PARAM_set_flags(param, flags);
	/* For signing purposes, keys and hashes must give 112 bits of security
	 * (RSA >= 2048, no SHA-1 in the path): ETSI TS 119 312. */
	if (o->purpose != TAMGA_PURPOSE_ANY)
		X509_VERIFY_PARAM_set_auth_level(param, 2);
	if ((error = set_policies(param, o)) < 0)
		return error;
	run->error = 0;
	*rc = X509_verify_cert(ctx);
	return run->error;
}

/* Whether crl is one OpenSSL may have used for x (issued by issuer) at the
 * validation time. */
static int crl_fits(const struct tamga__rev_run *run, X509_CRL *crl, X509 *x, X509 *issuer)
{
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
	EVP_PKEY *key = X509_get0_pubkey(issuer);

	if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(x)) != 0 || key == NULL)
		return 0;
	if (!run->poe && tamga__asn1_time_get(X509_CRL_get0_lastUpdate(crl)) > run->at)
		return 0;
	if (next != NULL && tamga__asn1_time_get(next) < run->at)
		return 0;
	return X509_CRL_verify(crl, key) == 1;
}

/* The end entity's revocation status, source and time, for the verifier. */
static void record_ee_status(tamga_validation *v, const struct tamga__rev_run *run, X509_STORE_CTX *ctx, X509 *cert)
{
	const struct tamga__rev_record *rec = tamga__rev_record_find(run, cert);
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	X509 *issuer;
	int i;

	if (rec != NULL && rec->revoked) {
		v->rev_status = TAMGA__REV_REVOKED;
		v->rev_source = rec->rev_source;
		v->rev_time = rec->rev_time;
		return;
	}
	if (rec != NULL && rec->ocsp_status == TAMGA__REV_GOOD) {
		v->rev_status = TAMGA__REV_GOOD;
		v->rev_source = rec->ocsp_source;
		return;
	}
	if (v->status != TAMGA_PATH_VALID || sk_X509_num(chain) < 1)
		return;
	issuer = sk_X509_value(chain, sk_X509_num(chain) > 1 ? 1 : 0);
	v->rev_status = TAMGA__REV_GOOD;
	v->rev_source = TAMGA__REV_SRC_CRL;
	for (i = 0; i < sk_X509_CRL_num(run->crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(run->crls, i);

		if (crl_fits(run, crl, cert, issuer)) {
			v->rev_source = tamga__rev_crl_embedded(run, crl) ? TAMGA__REV_SRC_EMBEDDED : TAMGA__REV_SRC_CRL;
			return;
		}
	}
}

/* "certificate … was revoked on … (reason …), after the proof of existence …" */
static int poe_warnings(tamga_validation *v, const struct tamga__rev_run *run)
{
	char when[TAMGA_TIME_BUFSIZE], poe[TAMGA_TIME_BUFSIZE];
	size_t i;
	int error = 0;

	for (i = 0; i < run->record_count && error == 0; i++) {
		const struct tamga__rev_record *rec = &run->records[i];
		tamga_buf m = TAMGA_BUF_INIT;

		if (!rec->after_poe)
			continue;
		if ((error = tamga__buf_puts(&m, "certificate ")) == 0 && (error = describe(&m, rec->cert)) == 0 &&
		    (error = tamga__buf_printf(&m, " was revoked on %s (reason %s), after the proof of existence %s",
		                               tamga_time_format(when, rec->rev_time),
		                               tamga__rev_reason_name(rec->rev_reason),
		                               tamga_time_format(poe, run->at))) == 0)
			error = tamga__validation_warn(v, (const char *)m.ptr);
		tamga_buf_dispose(&m);
	}
	return error;
}

int tamga__trust_validate_ex(tamga_validation **out, const tamga_trust *t, X509 *cert,
                             const tamga_validate_options *opts, const struct tamga__validate_extra *extra)
{
	static const struct tamga__validate_extra none;
	tamga_validate_options o = TAMGA_VALIDATE_OPTIONS_INIT;
	struct tamga__rev_run run;
	tamga_validation *v = NULL;
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	tamga_buf m = TAMGA_BUF_INIT;
	int i, rc = 0, unfit = 0, error = 0;

	memset(&run, 0, sizeof(run));
	if (out == NULL || t == NULL || cert == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_trust_validate: bad arguments");
	*out = NULL;
	if (opts != NULL) {
		if (opts->version != TAMGA_VALIDATE_OPTIONS_VERSION)
			return tamga__error_set(TAMGA_EINVAL, "tamga_trust_validate: unknown options version");
		o = *opts;
	}
	if (tamga_purpose_name(o.purpose)[0] == '?')
		return tamga__error_set(TAMGA_EINVAL, "unknown purpose %d", (int)o.purpose);
	if (extra == NULL)
		extra = &none;
	if (extra->online && extra->cache == NULL)
		return tamga__error_set(TAMGA_EINVAL, "online validation needs a fetch cache");
	if (o.at == 0)
		o.at = tamga_time_now();

	run.extra = extra;
	run.trust = t;
	run.at = o.at;
	run.poe = extra->poe;
	run.online = extra->online && o.revocation == TAMGA_REVOCATION_REQUIRE;
	run.timeout = extra->timeout_seconds > 0 ? extra->timeout_seconds : 10;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return tamga__error_oom();
	v->depth = -1;
	if ((error = join_certs(&run.intermediates, t->intermediates, extra->intermediates)) < 0 ||
	    (error = join_crls(&run.crls, t->crls, extra->crls)) < 0)
		goto done;
	if ((run.fetched = sk_X509_CRL_new_null()) == NULL || (store = X509_STORE_new()) == NULL ||
	    (ctx = X509_STORE_CTX_new()) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (i = 0; i < sk_X509_num(t->anchors); i++)
		if (!X509_STORE_add_cert(store, sk_X509_value(t->anchors, i))) {
			error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot add a trust anchor");
			goto done;
		}
	if (o.revocation != TAMGA_REVOCATION_REQUIRE && (error = tamga__validation_warn(v, "revocation was not checked")) < 0)
		goto done;

	/* Online, pass 1 notes every certificate without usable revocation
	 * data instead of stopping at the first; their CRLs are fetched and
	 * pass 2 decides. */
	run.defer = run.online;
	if ((error = verify_once(ctx, store, cert, &run, &o, &rc)) < 0)
		goto done;
	if (run.defer) {
		run.defer = 0;
		if ((error = tamga__rev_fetch_missing(&run)) < 0)
			goto done;
		if (error == 1 && (error = verify_once(ctx, store, cert, &run, &o, &rc)) < 0)
			goto done;
		error = 0;
	}

	if ((error = copy_chain(v, ctx)) < 0)
		goto done;
	if (rc != 1) {
		error = openssl_verdict(v, &run, ctx, cert, o.at);
		goto ee;
	}
	if ((error = purpose_problem(cert, o.purpose, &m, &unfit)) < 0)
		goto done;
	if (unfit) {
		tamga_buf full = TAMGA_BUF_INIT;

		if ((error = tamga__buf_printf(&full, "not fit for %s: %s: ", tamga_purpose_name(o.purpose),
		                               (const char *)m.ptr)) == 0 &&
		    (error = describe(&full, cert)) == 0)
			error = set_verdict(v, TAMGA_PATH_INVALID, TAMGA_PATH_PURPOSE_FAILURE, 0, &full);
		tamga_buf_dispose(&full);
		goto ee;
	}
	v->status = TAMGA_PATH_VALID;
	v->reason = TAMGA_PATH_OK;
ee:
	if (error == 0 && o.revocation == TAMGA_REVOCATION_REQUIRE) {
		record_ee_status(v, &run, ctx, cert);
		error = poe_warnings(v, &run);
	}
done:
	tamga_buf_dispose(&m);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	tamga__rev_run_dispose(&run);
	if (error < 0) {
		tamga_validation_free(v);
		return error;
	}
	*out = v;
	return 0;
}

int tamga_trust_validate(tamga_validation **out, const tamga_trust *t, const tamga_cert *cert,
                         const tamga_validate_options *opts)
{
	if (cert == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_trust_validate: bad arguments");
	return tamga__trust_validate_ex(out, t, tamga__cert_x509(cert), opts, NULL);
}
