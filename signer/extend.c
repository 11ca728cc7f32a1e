/*
 * signer/extend.c - tamga_extend_file() / tamga_extend_buffer(): raise the
 * signatures already in a document to PAdES B-LT or B-LTA, or XAdES B-LT
 * (include/tamga/sign.h).  The options, the file handling and the result
 * are here; the PDF work is formats/pdf/extend.c and formats/pdf/ltv.c,
 * the office work (OOXML, ODF) formats/ooxml/extend.c, formats/odf/
 * extend.c and formats/xmldsig/extend.c.
 *
 *     load -> PDF?    -> check every signature, gather validation data
 *                     -> DSS update [-> document time-stamp]
 *          -> office? -> check every signature [-> SignatureTimeStamp]
 *                     -> CertificateValues + RevocationValues
 *          -> write atomically
 *
 * Another format is TAMGA_EUNSUPPORTED.  (A further format would make this
 * an operation of struct tamga_format.)
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include <tamga/sign.h>

#include "common/buf.h"
#include "common/error.h"
#include "common/fileio.h"
#include "formats/format.h"
#include "formats/pdf/ltv.h"
#include "formats/xmldsig/extend.h"

/* Largest document tamga extends (the same as it signs). */
#define MAX_DOCUMENT ((size_t)512 << 20)

int tamga_revdata_parse(tamga_revdata *out, const char *name)
{
	if (name != NULL && strcasecmp(name, "auto") == 0)
		*out = TAMGA_REVDATA_AUTO;
	else if (name != NULL && strcasecmp(name, "crl") == 0)
		*out = TAMGA_REVDATA_CRL;
	else if (name != NULL && strcasecmp(name, "ocsp") == 0)
		*out = TAMGA_REVDATA_OCSP;
	else if (name != NULL && strcasecmp(name, "both") == 0)
		*out = TAMGA_REVDATA_BOTH;
	else
		return tamga__error_set(TAMGA_EINVAL, "unknown revocation data '%s' (auto, crl, ocsp or both)",
		                        name ? name : "");
	return 0;
}

static int check_options(const tamga_extend_options *o)
{
	if (o == NULL || o->version != TAMGA_EXTEND_OPTIONS_VERSION)
		return tamga__error_set(TAMGA_EINVAL, "extending: options missing or of an unknown version");
	if (o->level != TAMGA_LEVEL_B_LT && o->level != TAMGA_LEVEL_B_LTA)
		return tamga__error_set(TAMGA_EINVAL, "signatures are extended to level B-LT or B-LTA only (B-B and B-T "
		                        "are made when signing)");
	if (o->level == TAMGA_LEVEL_B_LTA && (o->tsa_url == NULL || *o->tsa_url == '\0'))
		return tamga__error_set(TAMGA_EINVAL, "level B-LTA needs a time-stamp authority URL");
	if (o->revocation < TAMGA_REVDATA_AUTO || o->revocation > TAMGA_REVDATA_BOTH)
		return tamga__error_set(TAMGA_EINVAL, "unknown revocation data choice %d", (int)o->revocation);
	if (o->crl_file_count > 0 && o->crl_files == NULL)
		return tamga__error_set(TAMGA_EINVAL, "extending: crl_file_count without crl_files");
	return 0;
}

static void fill_result(tamga_extend_result *result, const tamga_buf *whole, const unsigned char md[32],
                        size_t signatures, size_t extended, const struct tamga__ltv_stats *st)
{
	memset(result, 0, sizeof(*result));
	tamga__hex(result->sha256, md, 32);
	result->size = whole->size;
	result->signatures = signatures;
	result->extended = extended;
	result->certs = st->certs;
	result->crls = st->crls;
	result->ocsps = st->ocsps;
	result->timestamped = st->timestamped;
	result->timestamp_expires = st->timestamp_expires;
	if (st->notes.size > 0) {
		snprintf(result->notes, sizeof(result->notes), "%s", (const char *)st->notes.ptr);
		if (st->notes.size >= sizeof(result->notes))
			memcpy(result->notes + sizeof(result->notes) - 4, "...", 4);
	}
}

/*
 * XAdES B-LT for OOXML and ODF: B-LTA (an archive time-stamp) is not made
 * for them.  A signature without a SignatureTimeStamp gets one from
 * tsa_url first.
 */
static int run_office(tamga_buf *whole, const void *in, size_t in_len, int ooxml, const tamga_extend_options *o,
                      tamga_extend_result *result)
{
	struct tamga__xml_extend_options xo;
	struct tamga__xml_extend_counts counts;
	struct tamga__ltv_stats st;
	unsigned char md[32];
	size_t signatures = 0;
	int error;

	memset(&xo, 0, sizeof(xo));
	memset(&counts, 0, sizeof(counts));
	memset(&st, 0, sizeof(st));
	if (o->level != TAMGA_LEVEL_B_LT) {
		error = tamga__error_set(TAMGA_EUNSUPPORTED, "%s signatures are extended to XAdES B-LT only (B-LTA, an "
		                         "archive time-stamp, is not made for office documents)", ooxml ? "OOXML" : "ODF");
		goto done;
	}
	xo.tsa_url = o->tsa_url;
	xo.revocation = (int)o->revocation;
	xo.allow_revoked = o->allow_revoked;
	xo.now = o->now;
	xo.crl_files = o->crl_files;
	xo.crl_file_count = o->crl_file_count;
	xo.notes = &st.notes;
	if (ooxml)
		error = tamga__ooxml_extend(whole, in, in_len, &xo, &counts, &signatures);
	else
		error = tamga__odf_extend(whole, in, in_len, &xo, &counts, &signatures);
	if (error < 0)
		goto done;
	if (counts.extended == 0 &&
	    (error = tamga__buf_printf(&st.notes, "%snothing to add: every signature already has validation data "
	                               "(the output is a copy)", st.notes.size ? "; " : "")) < 0)
		goto done;
	if (counts.timestamped > 0 &&
	    (error = tamga__buf_printf(&st.notes, "%s%zu signature%s given a signature time-stamp first (B-T)",
	                               st.notes.size ? "; " : "", counts.timestamped,
	                               counts.timestamped == 1 ? "" : "s")) < 0)
		goto done;
	st.certs = counts.certs;
	st.crls = counts.crls;
	st.ocsps = counts.ocsps;
	if (result != NULL) {
		if (!EVP_Digest(whole->ptr, whole->size, md, NULL, EVP_sha256(), NULL)) {
			error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the extended document");
			goto done;
		}
		fill_result(result, whole, md, signatures, counts.extended, &st);
	}
done:
	tamga_buf_dispose(&st.notes);
	return error;
}

/* Extend in (copied into *whole, which receives the output). */
static int run(tamga_buf *whole, const void *in, size_t in_len, const tamga_extend_options *o,
               tamga_extend_result *result)
{
	struct tamga__pdf_ltv lo;
	struct tamga__ltv_stats st;
	size_t signatures = 0, extended = 0;
	unsigned char md[32], stamp[8];
	char field[64], hex[17];
	int error;

	memset(&st, 0, sizeof(st));
	if ((error = check_options(o)) < 0)
		goto done;
	if (in_len > MAX_DOCUMENT) {
		error = tamga__error_set(TAMGA_ELIMIT, "the document (%zu bytes) is larger than %zu bytes", in_len,
		                         MAX_DOCUMENT);
		goto done;
	}
	if (tamga__format_ooxml.probe(in, in_len) || tamga__format_odf.probe(in, in_len)) {
		error = run_office(whole, in, in_len, tamga__format_ooxml.probe(in, in_len), o, result);
		goto done;
	}
	if (!tamga__format_pdf.probe(in, in_len)) {
		error = tamga__error_set(TAMGA_EUNSUPPORTED, "only PDF, OOXML and ODF signatures can be extended");
		goto done;
	}
	if (o->level == TAMGA_LEVEL_B_LT && o->tsa_url != NULL) {
		error = tamga__error_set(TAMGA_EINVAL, "a time-stamp authority is used at level B-LTA only (PDF)");
		goto done;
	}
	if ((error = tamga__buf_append(whole, in, in_len)) < 0)
		goto done;
	/* A field name no earlier time-stamp has: from the hash of the input. */
	if (!EVP_Digest(in, in_len, stamp, NULL, EVP_sha256(), NULL)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the document");
		goto done;
	}
	tamga__hex(hex, stamp, sizeof(stamp));
	snprintf(field, sizeof(field), "Tamga DocTimeStamp %s", hex);
	memset(&lo, 0, sizeof(lo));
	lo.crl_files = o->crl_files;
	lo.crl_file_count = o->crl_file_count;
	lo.tsa_url = o->level == TAMGA_LEVEL_B_LTA ? o->tsa_url : NULL;
	lo.field_name = field;
	lo.revocation = (int)o->revocation;
	lo.allow_revoked = o->allow_revoked;
	lo.now = o->now;
	if ((error = tamga__pdf_extend(whole, &lo, &signatures, &extended, &st)) < 0)
		goto done;
	if (extended == 0 && !st.timestamped &&
	    (error = tamga__buf_printf(&st.notes, "%snothing to add: every signature already has validation data "
	                               "(the output is a copy)", st.notes.size ? "; " : "")) < 0)
		goto done;
	if (result != NULL) {
		if (!EVP_Digest(whole->ptr, whole->size, md, NULL, EVP_sha256(), NULL)) {
			error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash the extended document");
			goto done;
		}
		fill_result(result, whole, md, signatures, extended, &st);
	}
done:
	tamga_buf_dispose(&st.notes);
	return error;
}

int tamga_extend_buffer(tamga_buf *out, const void *in, size_t in_len, const tamga_extend_options *opts,
                        tamga_extend_result *result)
{
	tamga_buf whole = TAMGA_BUF_INIT;
	int error;

	if (out == NULL || (in == NULL && in_len > 0))
		return tamga__error_set(TAMGA_EINVAL, "tamga_extend_buffer: bad arguments");
	if ((error = run(&whole, in, in_len, opts, result)) == 0)
		error = tamga__buf_append(out, whole.ptr, whole.size);
	tamga_buf_dispose(&whole);
	return error;
}

int tamga_extend_file(const char *in_path, const char *out_path, const tamga_extend_options *opts,
                      tamga_extend_result *result)
{
	tamga_buf in = TAMGA_BUF_INIT, whole = TAMGA_BUF_INIT;
	struct stat si, so;
	int error;

	if (in_path == NULL || out_path == NULL || opts == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga_extend_file: bad arguments");
	if ((error = check_options(opts)) < 0)
		return error;
	if (stat(in_path, &si) == 0 && stat(out_path, &so) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino)
		return tamga__error_set(TAMGA_EINVAL, "%s: the output would overwrite the input", out_path);
	if (!opts->overwrite && (error = tamga__file_absent(out_path)) < 0)
		return tamga__error_prefix("will not overwrite");
	if ((error = tamga__file_read(&in, in_path, MAX_DOCUMENT)) < 0)
		goto done;
	if ((error = run(&whole, in.ptr, in.size, opts, result)) < 0) {
		tamga__error_prefix("%s", in_path);
		goto done;
	}
	{
		struct tamga__part parts[1] = { { whole.ptr, whole.size } };

		error = tamga__file_write_parts(out_path, parts, 1, 0644, opts->overwrite);
	}
done:
	tamga_buf_dispose(&in);
	tamga_buf_dispose(&whole);
	return error;
}
