/*
 * formats/xmldsig/sign.c - XML-DSig signing of a handler's template with
 * XAdES (ETSI EN 319 132-1) B-B properties, the B-T signature time-stamp
 * and the B-LT validation data (§5.5.1 CertificateValues, §5.5.2
 * RevocationValues).
 *
 *   <ds:Signature Id>
 *     <ds:SignedInfo> C14N, SignatureMethod, References (handler's) </…>
 *     <ds:SignatureValue/>                      <- xmlsec
 *     <ds:KeyInfo><ds:X509Data><ds:X509Certificate/>  <- here
 *     <ds:Object Id><ds:Manifest> References </…>    <- digests first:
 *                                   RelationshipTransform here, others xmlsec
 *     <ds:Object><xd:QualifyingProperties Target="#Id">
 *        <xd:SignedProperties Id>…</…>                 (tamga__xades_…)
 *        <xd:UnsignedProperties><xd:UnsignedSignatureProperties>
 *           <xd:SignatureTimeStamp><ds:CanonicalizationMethod/>
 *           <xd:EncapsulatedTimeStamp>base64 token</…>   <- B-T, here
 *           <xd:CertificateValues><xd:EncapsulatedX509Certificate>… <- B-LT:
 *              the paths' certificates KeyInfo and the token lack
 *           <xd:RevocationValues><xd:CRLValues><xd:EncapsulatedCRLValue>…
 *              <xd:OCSPValues><xd:EncapsulatedOCSPValue>… (OCSPResponse)
 *
 * tamga__xmldsig_extend (formats/xmldsig/extend.h) adds the same unsigned
 * properties to a signature made earlier, with the same code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/xmldsig.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/xmldsig/extend.h"
#include "formats/xmldsig/internal.h"
#include "pki/ltvdata.h"
#include "pki/pki.h"
#include "pki/signer_internal.h"
#include "pki/tsp.h"

static const EVP_MD *md_by_name(const char *digest, const char **uri)
{
	if (digest == NULL || strcmp(digest, "sha256") == 0) {
		*uri = "http://www.w3.org/2001/04/xmlenc#sha256";
		return EVP_sha256();
	}
	if (strcmp(digest, "sha384") == 0) {
		*uri = "http://www.w3.org/2001/04/xmldsig-more#sha384";
		return EVP_sha384();
	}
	if (strcmp(digest, "sha512") == 0) {
		*uri = "http://www.w3.org/2001/04/xmlenc#sha512";
		return EVP_sha512();
	}
	tamga__error_set(TAMGA_EUNSUPPORTED, "digest \"%s\" is not one XML signatures use here (sha256, sha384, "
	                 "sha512)", digest);
	return NULL;
}

const char *tamga__xmldsig_digest_method(const char *digest)
{
	const char *uri = NULL;

	return md_by_name(digest, &uri) ? uri : NULL;
}

const char *tamga__xmldsig_signature_method(const tamga_signer *signer, const char *digest)
{
	const char *uri;
	EVP_PKEY *key;
	int rsa;

	if (signer == NULL || md_by_name(digest, &uri) == NULL)
		return signer == NULL ? (tamga__error_set(TAMGA_EINVAL, "no signer"), NULL) : NULL;
	key = tamga__signer_key(signer);
	if (EVP_PKEY_is_a(key, "RSA"))
		rsa = 1;
	else if (EVP_PKEY_is_a(key, "EC"))
		rsa = 0;
	else {
		tamga__error_set(TAMGA_EUNSUPPORTED, "XML signatures here take RSA (PKCS#1 v1.5) or ECDSA keys");
		return NULL;
	}
	if (digest == NULL || strcmp(digest, "sha256") == 0)
		return rsa ? "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
		           : "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256";
	if (strcmp(digest, "sha384") == 0)
		return rsa ? "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384"
		           : "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384";
	return rsa ? "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"
	           : "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512";
}

/* Text content escaping for element content and attribute values. */
static int put_escaped(tamga_buf *out, const char *s)
{
	int error = 0;

	for (; *s && error == 0; s++)
		switch (*s) {
		case '&': error = tamga__buf_puts(out, "&amp;"); break;
		case '<': error = tamga__buf_puts(out, "&lt;"); break;
		case '>': error = tamga__buf_puts(out, "&gt;"); break;
		case '"': error = tamga__buf_puts(out, "&quot;"); break;
		default: error = tamga__buf_append(out, s, 1);
		}
	return error;
}

static char *serial_decimal(const ASN1_INTEGER *serial)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	char *dec = bn ? BN_bn2dec(bn) : NULL, *s;

	BN_free(bn);
	if (dec == NULL) {
		tamga__error_oom();
		return NULL;
	}
	s = tamga__strdup(dec);
	OPENSSL_free(dec);
	return s;
}

/* RFC 5035 IssuerSerial { issuer GeneralNames { directoryName }, serial } DER. */
static int issuer_serial_v2(tamga_buf *out, X509 *x)
{
	GENERAL_NAMES *gns = NULL;
	GENERAL_NAME *gn = NULL;
	unsigned char *names = NULL, *ser = NULL;
	int nlen, slen, error = 0;
	unsigned char hdr[6];
	size_t body, h = 0;

	if ((gns = GENERAL_NAMES_new()) == NULL || (gn = GENERAL_NAME_new()) == NULL)
		goto oom;
	gn->type = GEN_DIRNAME;
	if ((gn->d.directoryName = X509_NAME_dup(X509_get_issuer_name(x))) == NULL || !sk_GENERAL_NAME_push(gns, gn))
		goto oom;
	gn = NULL;
	if ((nlen = i2d_GENERAL_NAMES(gns, &names)) <= 0 ||
	    (slen = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &ser)) <= 0)
		goto oom;
	body = (size_t)nlen + (size_t)slen;
	hdr[h++] = 0x30;
	if (body < 0x80)
		hdr[h++] = (unsigned char)body;
	else if (body < 0x100) {
		hdr[h++] = 0x81;
		hdr[h++] = (unsigned char)body;
	} else {
		hdr[h++] = 0x82;
		hdr[h++] = (unsigned char)(body >> 8);
		hdr[h++] = (unsigned char)body;
	}
	if ((error = tamga__buf_append(out, hdr, h)) == 0 && (error = tamga__buf_append(out, names, (size_t)nlen)) == 0)
		error = tamga__buf_append(out, ser, (size_t)slen);
	goto done;
oom:
	error = tamga__error_oom();
done:
	GENERAL_NAME_free(gn);
	GENERAL_NAMES_free(gns);
	OPENSSL_free(names);
	OPENSSL_free(ser);
	return error;
}

int tamga__xades_qualifying_properties(tamga_buf *out, const tamga_signer *signer, const char *digest,
                                       tamga_time signing_time, const char *sig_id, const char *props_id,
                                       int ooxml)
{
	const tamga_cert *cert;
	X509 *x;
	const char *md_uri;
	const EVP_MD *md;
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned int dglen = 0;
	char when[TAMGA_TIME_BUFSIZE], *b64 = NULL, *issuer = NULL, *serial = NULL;
	tamga_buf is = TAMGA_BUF_INIT;
	int error;

	if (out == NULL || signer == NULL || sig_id == NULL || props_id == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga__xades_qualifying_properties: bad arguments");
	if ((md = md_by_name(digest, &md_uri)) == NULL)
		return TAMGA_EUNSUPPORTED;
	cert = tamga_signer_cert(signer);
	x = tamga__cert_x509(cert);
	if (!X509_digest(x, md, dg, &dglen))
		return tamga__error_openssl(TAMGA_ECRYPTO, "certificate digest");
	if ((b64 = tamga__xml_base64(dg, dglen)) == NULL)
		return TAMGA_ENOMEM;
	tamga_time_format(when, signing_time ? signing_time : tamga_time_now());
	error = tamga__buf_puts(out, "<xd:QualifyingProperties xmlns:xd=\"" TAMGA__NS_XADES "\" Target=\"#");
	if (!error) error = put_escaped(out, sig_id);
	if (!error) error = tamga__buf_puts(out, "\"><xd:SignedProperties Id=\"");
	if (!error) error = put_escaped(out, props_id);
	if (!error) error = tamga__buf_printf(out, "\"><xd:SignedSignatureProperties><xd:SigningTime>%s</xd:SigningTime>"
	                                      "<xd:SigningCertificate%s><xd:Cert><xd:CertDigest>"
	                                      "<ds:DigestMethod xmlns:ds=\"" TAMGA__NS_DSIG "\" Algorithm=\"%s\"/>"
	                                      "<ds:DigestValue xmlns:ds=\"" TAMGA__NS_DSIG "\">%s</ds:DigestValue>"
	                                      "</xd:CertDigest>", when, ooxml ? "" : "V2", md_uri, b64);
	if (error)
		goto done;
	if (ooxml) {
		/* v1: IssuerSerial as X509IssuerName (RFC 2253) and decimal serial */
		if ((issuer = tamga__name_string(X509_get_issuer_name(x))) == NULL ||
		    (serial = serial_decimal(X509_get0_serialNumber(x))) == NULL) {
			error = TAMGA_ENOMEM;
			goto done;
		}
		error = tamga__buf_puts(out, "<xd:IssuerSerial><ds:X509IssuerName xmlns:ds=\"" TAMGA__NS_DSIG "\">");
		if (!error) error = put_escaped(out, issuer);
		if (!error) error = tamga__buf_printf(out, "</ds:X509IssuerName><ds:X509SerialNumber xmlns:ds=\""
		                                      TAMGA__NS_DSIG "\">%s</ds:X509SerialNumber></xd:IssuerSerial>"
		                                      "</xd:Cert></xd:SigningCertificate>", serial);
	} else {
		free(b64);
		b64 = NULL;
		if ((error = issuer_serial_v2(&is, x)) < 0)
			goto done;
		if ((b64 = tamga__xml_base64(is.ptr, is.size)) == NULL) {
			error = TAMGA_ENOMEM;
			goto done;
		}
		error = tamga__buf_printf(out, "<xd:IssuerSerialV2>%s</xd:IssuerSerialV2></xd:Cert>"
		                          "</xd:SigningCertificateV2>", b64);
	}
	if (!error)
		error = tamga__buf_puts(out, "<xd:SignaturePolicyIdentifier><xd:SignaturePolicyImplied/>"
		                        "</xd:SignaturePolicyIdentifier></xd:SignedSignatureProperties>"
		                        "</xd:SignedProperties></xd:QualifyingProperties>");
done:
	free(b64);
	free(issuer);
	free(serial);
	tamga_buf_dispose(&is);
	return error;
}

/* ------------------------------------------------------------ signing */

static xmlNodePtr child(xmlNodePtr parent, const char *ns, const char *name)
{
	xmlNodePtr c;

	for (c = tamga__xml_first_elem(parent); c != NULL; c = tamga__xml_next_elem(c))
		if (tamga__xml_is(c, ns, name))
			return c;
	return NULL;
}

static int fill_keyinfo(xmlNodePtr sig, const tamga_signer *signer)
{
	xmlNodePtr ki = child(sig, TAMGA__NS_DSIG, "KeyInfo"), sv, xd;
	size_t len = 0, i;
	const unsigned char *der = tamga_cert_der(tamga_signer_cert(signer), &len);
	char *b64;

	if (ki == NULL) {
		if ((sv = child(sig, TAMGA__NS_DSIG, "SignatureValue")) == NULL)
			return tamga__error_set(TAMGA_EFORMAT, "the signature template has no SignatureValue");
		if ((ki = xmlNewDocNode(sig->doc, sig->ns, (const xmlChar *)"KeyInfo", NULL)) == NULL ||
		    xmlAddNextSibling(sv, ki) == NULL)
			return tamga__error_oom();
	}
	while (ki->children != NULL) {
		xmlNodePtr c = ki->children;

		xmlUnlinkNode(c);
		xmlFreeNode(c);
	}
	if ((xd = xmlNewChild(ki, ki->ns, (const xmlChar *)"X509Data", NULL)) == NULL)
		return tamga__error_oom();
	/* The signer first, then its chain, so a verifier given only the
	 * root finds the path (XAdES SigningCertificate names the signer, so
	 * several certificates are not ambiguous). */
	for (i = 0; der != NULL; i++) {
		if ((b64 = tamga__xml_base64(der, len)) == NULL)
			return TAMGA_ENOMEM;
		if (xmlNewChild(xd, ki->ns, (const xmlChar *)"X509Certificate", (const xmlChar *)b64) == NULL) {
			free(b64);
			return tamga__error_oom();
		}
		free(b64);
		der = i < tamga_signer_chain_length(signer)
		              ? tamga_cert_der(tamga_signer_chain_cert(signer, i), &len)
		              : NULL;
	}
	return 0;
}

/* Manifest References first: their DigestValues are inside the Objects
 * that SignedInfo digests. */
static int sign_manifests(xmlNodePtr sig, xmlSecDSigCtxPtr ctx, const struct tamga__xml_package *pkg)
{
	xmlNodePtr obj, m, ref;
	int ok, legacy, error;

	ctx->operation = xmlSecTransformOperationSign;
	for (obj = tamga__xml_first_elem(sig); obj != NULL; obj = tamga__xml_next_elem(obj)) {
		if (!tamga__xml_is(obj, TAMGA__NS_DSIG, "Object"))
			continue;
		for (m = tamga__xml_first_elem(obj); m != NULL; m = tamga__xml_next_elem(m)) {
			if (!tamga__xml_is(m, TAMGA__NS_DSIG, "Manifest"))
				continue;
			for (ref = tamga__xml_first_elem(m); ref != NULL; ref = tamga__xml_next_elem(ref)) {
				if (!tamga__xml_is(ref, TAMGA__NS_DSIG, "Reference"))
					continue;
				if ((error = tamga__xml_rels_ref(ref, pkg, 1, &ok, &legacy)) < 0)
					return error;
				if (error == 1 && (error = tamga__xml_xmlsec_ref(ctx, ref, 1, &ok)) < 0)
					return tamga__error_prefix("Manifest Reference");
			}
		}
	}
	return 0;
}

static xmlNodePtr find_qualifying_props(xmlNodePtr sig)
{
	xmlNodePtr obj, q;

	for (obj = tamga__xml_first_elem(sig); obj != NULL; obj = tamga__xml_next_elem(obj))
		if (tamga__xml_is(obj, TAMGA__NS_DSIG, "Object"))
			for (q = tamga__xml_first_elem(obj); q != NULL; q = tamga__xml_next_elem(q))
				if (tamga__xml_is(q, TAMGA__NS_XADES, "QualifyingProperties"))
					return q;
	return NULL;
}

static xmlNodePtr child_or_new(xmlNodePtr parent, xmlNsPtr ns, const char *name)
{
	xmlNodePtr c = child(parent, TAMGA__NS_XADES, name);

	return c ? c : xmlNewChild(parent, ns, (const xmlChar *)name, NULL);
}

/* B-T: ETSI EN 319 132-1 §5.3: SignatureTimeStamp over the C14N of
 * ds:SignatureValue. */
static int add_timestamp(xmlNodePtr sig, const char *digest, const char *tsa_url, long tsa_timeout,
                         tamga_buf *token, xmlNodePtr *usp_out)
{
	xmlNodePtr sv = child(sig, TAMGA__NS_DSIG, "SignatureValue"), qp, up, usp, ts, cm;
	tamga_buf c14n = TAMGA_BUF_INIT;
	struct tamga__tsp_query q;
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned int dglen = 0;
	const char *uri;
	char *b64 = NULL;
	int error;

	memset(&q, 0, sizeof(q));
	if ((qp = find_qualifying_props(sig)) == NULL)
		return tamga__error_set(TAMGA_EFORMAT, "B-T needs xades:QualifyingProperties in the signature");
	if ((q.md = md_by_name(digest, &uri)) == NULL)
		return TAMGA_EUNSUPPORTED;
	if ((error = tamga__xml_c14n_node(&c14n, sv)) < 0)
		goto done;
	if (!EVP_Digest(c14n.ptr, c14n.size, dg, &dglen, q.md, NULL)) {
		error = tamga__error_openssl(TAMGA_ECRYPTO, "digest");
		goto done;
	}
	q.digest = dg;
	q.digest_len = dglen;
	if ((error = tamga__tsp_timestamp(token, tsa_url, tsa_timeout, &q)) < 0)
		goto done;
	if ((b64 = tamga__xml_base64(token->ptr, token->size)) == NULL) {
		error = TAMGA_ENOMEM;
		goto done;
	}
	if ((up = child_or_new(qp, qp->ns, "UnsignedProperties")) == NULL ||
	    (usp = child_or_new(up, qp->ns, "UnsignedSignatureProperties")) == NULL ||
	    (ts = xmlNewChild(usp, qp->ns, (const xmlChar *)"SignatureTimeStamp", NULL)) == NULL ||
	    (cm = xmlNewChild(ts, NULL, (const xmlChar *)"CanonicalizationMethod", NULL)) == NULL ||
	    xmlNewChild(ts, qp->ns, (const xmlChar *)"EncapsulatedTimeStamp", (const xmlChar *)b64) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	xmlSetNs(cm, xmlNewNs(cm, (const xmlChar *)TAMGA__NS_DSIG, (const xmlChar *)"ds"));
	xmlSetProp(cm, (const xmlChar *)"Algorithm", (const xmlChar *)ALG_C14N);
	*usp_out = usp;
done:
	free(b64);
	tamga_buf_dispose(&c14n);
	return error;
}


/* SHA-256 of x's DER into the list (for "already in the signature"). */
static int sha_push(tamga_buf *list, X509 *x)
{
	unsigned char *der = NULL, md[32];
	int len = i2d_X509(x, &der), error = 0;

	if (len <= 0 || !EVP_Digest(der, (size_t)len, md, NULL, EVP_sha256(), NULL))
		error = tamga__error_openssl(TAMGA_ECRYPTO, "cannot hash a certificate");
	else
		error = tamga__buf_append(list, md, sizeof(md));
	OPENSSL_free(der);
	return error;
}

static int sha_in(const tamga_buf *list, const unsigned char md[32])
{
	size_t i;

	for (i = 0; i + 32 <= list->size; i += 32)
		if (memcmp(list->ptr + i, md, 32) == 0)
			return 1;
	return 0;
}

/* One xd:NAME child of parent holding base64 of der. */
static int put_value(xmlNodePtr parent, const char *name, const unsigned char *der, size_t len)
{
	char *b64 = tamga__xml_base64(der, len);
	int error = 0;

	if (b64 == NULL)
		return TAMGA_ENOMEM;
	if (xmlNewChild(parent, parent->ns, (const xmlChar *)name, (const xmlChar *)b64) == NULL)
		error = tamga__error_oom();
	free(b64);
	return error;
}

/* The SHA-256 of each EncapsulatedX509Certificate already in cv. */
static int sha_push_values(tamga_buf *list, xmlNodePtr cv)
{
	xmlNodePtr e;
	xmlChar *text;
	tamga_buf der = TAMGA_BUF_INIT;
	unsigned char md[32];
	int error = 0;

	for (e = tamga__xml_first_elem(cv); e != NULL && error == 0; e = tamga__xml_next_elem(e)) {
		if (!tamga__xml_is(e, TAMGA__NS_XADES, "EncapsulatedX509Certificate"))
			continue;
		if ((text = xmlNodeGetContent(e)) == NULL)
			return tamga__error_oom();
		der.size = 0;
		/* one a reader cannot decode is no certificate: the new ones go beside it */
		if (tamga__xml_unbase64(&der, (const char *)text) == 0 && der.size > 0 &&
		    EVP_Digest(der.ptr, der.size, md, NULL, EVP_sha256(), NULL))
			error = tamga__buf_append(list, md, sizeof(md));
		else if (tamga_error_last()->code == TAMGA_ENOMEM)
			error = TAMGA_ENOMEM;
		xmlFree(text);
	}
	tamga_buf_dispose(&der);
	return error;
}

/*
 * B-LT: EN 319 132-1 §5.5.1 (CertificateValues: the certificates used to
 * validate the signature, those already in ds:KeyInfo need not be there;
 * the time-stamp token's own are in the signature too) and §5.5.2
 * (RevocationValues), after the SignatureTimeStamp in usp.  What is
 * gathered, and the refusal of a signer revoked at or before the
 * time-stamp, are pki/ltvdata.c's, as for PAdES B-LT.  Shared by signing
 * (signer: the signer's, chain: its chain) and extending (both from the
 * verified signature: its signer and its KeyInfo certificates).
 *
 * cv: a CertificateValues the signature has already (LibreOffice writes
 * one with the chain at B-B), to which the missing certificates are
 * appended; NULL: a new one.
 */
static int put_validation_data(xmlNodePtr sig, xmlNodePtr usp, xmlNodePtr cv, X509 *signer, STACK_OF(X509) *chain,
                               const struct tamga__ltvdata_options *lo, const tamga_buf *token, tamga_buf *notes,
                               struct tamga__xml_extend_counts *counts)
{
	struct tamga__ltvdata l;
	struct tamga__ltv_subject s;
	struct tamga__ltv_ids ids = { NULL, 0, 0 };
	STACK_OF(X509) *tok_certs = NULL;
	CMS_ContentInfo *tok = tamga__ltvdata_cms_parse(token->ptr, token->size);
	tamga_buf have = TAMGA_BUF_INIT;
	xmlNodePtr rv, crls = NULL, ocsps = NULL;
	char *id = NULL;
	size_t k;
	int i, kind, error;

	memset(&s, 0, sizeof(s));
	if ((error = tamga__ltvdata_init(&l, lo, notes)) < 0)
		goto done;
	if (tok == NULL) {
		error = tamga__error_set(TAMGA_ERROR, "the signature time-stamp token cannot be read");
		goto done;
	}
	s.signer = signer;
	if ((error = sha_push(&have, signer)) < 0)
		goto done;
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++)
		if ((error = sha_push(&have, sk_X509_value(chain, i))) < 0)
			goto done;
	tok_certs = CMS_get1_certs(tok);
	for (i = 0; i < sk_X509_num(tok_certs); i++)
		if ((error = sha_push(&have, sk_X509_value(tok_certs, i))) < 0)
			goto done;
	if (cv != NULL && (error = sha_push_values(&have, cv)) < 0)
		goto done;
	id = (char *)xmlGetProp(sig, (const xmlChar *)"Id");
	s.extra = chain;
	s.token = token->ptr;
	s.token_len = token->size;
	s.poe = tamga__ltvdata_token_time(tok);
	s.id = id ? id : "the signature";
	if ((error = tamga__ltvdata_subject(&l, &s, &ids)) < 0)
		goto done;

	if ((cv == NULL && (cv = xmlNewChild(usp, usp->ns, (const xmlChar *)"CertificateValues", NULL)) == NULL) ||
	    (rv = xmlNewChild(usp, usp->ns, (const xmlChar *)"RevocationValues", NULL)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	/* RevocationValuesType: CRLValues, then OCSPValues. */
	for (kind = TAMGA__LTV_CERT; kind <= TAMGA__LTV_OCSP; kind++)
		for (k = 0; k < ids.n; k++) {
			const struct tamga__ltv_item *it = &l.items[ids.v[k]];

			if (it->kind != kind)
				continue;
			if (kind == TAMGA__LTV_CERT) {
				if (!sha_in(&have, it->sha)) {
					error = put_value(cv, "EncapsulatedX509Certificate", it->der, it->len);
					counts->certs++;
					if (error == 0)
						error = tamga__buf_append(&have, it->sha, sizeof(it->sha));
				}
			} else if (kind == TAMGA__LTV_CRL) {
				if (crls == NULL &&
				    (crls = xmlNewChild(rv, usp->ns, (const xmlChar *)"CRLValues", NULL)) == NULL)
					error = tamga__error_oom();
				if (error == 0)
					error = put_value(crls, "EncapsulatedCRLValue", it->der, it->len);
				counts->crls++;
			} else {
				if (ocsps == NULL &&
				    (ocsps = xmlNewChild(rv, usp->ns, (const xmlChar *)"OCSPValues", NULL)) == NULL)
					error = tamga__error_oom();
				if (error == 0)
					error = put_value(ocsps, "EncapsulatedOCSPValue", it->der, it->len);
				counts->ocsps++;
			}
			if (error < 0)
				goto done;
		}
done:
	xmlFree(id);
	free(ids.v);
	tamga__ltvdata_dispose(&l);
	sk_X509_pop_free(tok_certs, X509_free);
	CMS_ContentInfo_free(tok);
	tamga_buf_dispose(&have);
	return error;
}

/* At signing: the signer and its chain are the signer's. */
static int add_validation_data(xmlNodePtr sig, xmlNodePtr usp, const struct tamga__xml_sign_options *o,
                               const tamga_buf *token)
{
	struct tamga__ltvdata_options lo;
	struct tamga__xml_extend_counts counts;
	STACK_OF(X509) *chain = sk_X509_new_null();
	tamga_buf notes = TAMGA_BUF_INIT;
	size_t k;
	int error = 0;

	memset(&lo, 0, sizeof(lo));
	memset(&counts, 0, sizeof(counts));
	lo.revocation = o->revocation;
	lo.crl_files = o->crl_files;
	lo.crl_file_count = o->crl_file_count;
	if (chain == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	for (k = 0; k < tamga_signer_chain_length(o->signer); k++)
		if (!sk_X509_push(chain, tamga__cert_x509(tamga_signer_chain_cert(o->signer, k)))) {
			error = tamga__error_oom();
			goto done;
		}
	error = put_validation_data(sig, usp, NULL, tamga__cert_x509(tamga_signer_cert(o->signer)), chain, &lo, token,
	                            &notes, &counts);
done:
	sk_X509_free(chain);
	tamga_buf_dispose(&notes);
	return error;
}

/* ------------------------------------------------------------ extending */

static xmlNodePtr xades_child(xmlNodePtr parent, const char *name)
{
	return parent ? child(parent, TAMGA__NS_XADES, name) : NULL;
}

int tamga__xmldsig_extend(xmlNodePtr sig, const struct tamga__xml_sig *verified,
                          const struct tamga__xml_extend_options *o, struct tamga__xml_extend_counts *counts)
{
	struct tamga__ltvdata_options lo;
	xmlNodePtr qp, up, usp, ts, et, cv;
	tamga_buf token = TAMGA_BUF_INIT;
	xmlChar *text = NULL;
	char *id = NULL;
	int error = 0;

	if (sig == NULL || verified == NULL || o == NULL || counts == NULL || verified->result.signer == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga__xmldsig_extend: bad arguments");
	id = (char *)xmlGetProp(sig, (const xmlChar *)"Id");
	if ((qp = find_qualifying_props(sig)) == NULL) {
		error = tamga__error_set(TAMGA_EUNSUPPORTED, "signature %s is not a XAdES signature (no "
		                         "xades:QualifyingProperties): it cannot be extended", id ? id : "(no Id)");
		goto done;
	}
	up = xades_child(qp, "UnsignedProperties");
	usp = xades_child(up, "UnsignedSignatureProperties");
	if (xades_child(usp, "RevocationValues") != NULL)
		goto done; /* B-LT already: nothing to add */
	ts = xades_child(usp, "SignatureTimeStamp");
	et = xades_child(ts, "EncapsulatedTimeStamp");
	if (ts != NULL && et == NULL) {
		error = tamga__error_set(TAMGA_EFORMAT, "signature %s: its SignatureTimeStamp holds no "
		                         "EncapsulatedTimeStamp", id ? id : "(no Id)");
		goto done;
	}
	if (et != NULL) {
		if ((text = xmlNodeGetContent(et)) == NULL) {
			error = tamga__error_oom();
			goto done;
		}
		if ((error = tamga__xml_unbase64(&token, (const char *)text)) < 0)
			goto done;
	} else if (o->tsa_url == NULL) {
		error = tamga__error_set(TAMGA_EINVAL, "signature %s has no signature time-stamp (it is B-B): B-LT "
		                         "needs one first, give --tsa URL", id ? id : "(no Id)");
		goto done;
	} else {
		/* B-B -> B-T: the time-stamp goes where signing puts it. */
		if ((error = add_timestamp(sig, NULL, o->tsa_url, o->tsa_timeout, &token, &usp)) < 0)
			goto done;
		counts->timestamped++;
		/* before a CertificateValues already there (LibreOffice's), as
		 * EN 319 132-1 §5.5.1 orders them */
		if ((cv = xades_child(usp, "CertificateValues")) != NULL) {
			for (ts = xmlGetLastChild(usp); ts != NULL && !tamga__xml_is(ts, TAMGA__NS_XADES, "SignatureTimeStamp");
			     ts = ts->prev)
				;
			if (ts != NULL) {
				xmlUnlinkNode(ts);
				if (xmlAddPrevSibling(cv, ts) == NULL) {
					xmlFreeNode(ts);
					error = tamga__error_oom();
					goto done;
				}
			}
		}
	}
	memset(&lo, 0, sizeof(lo));
	lo.revocation = o->revocation;
	lo.allow_revoked = o->allow_revoked;
	lo.now = o->now;
	lo.crl_files = o->crl_files;
	lo.crl_file_count = o->crl_file_count;
	cv = xades_child(usp, "CertificateValues");
	if ((error = put_validation_data(sig, usp, cv, verified->result.signer, verified->result.certs, &lo, &token,
	                                 o->notes, counts)) < 0)
		goto done;
	counts->extended++;
done:
	xmlFree(text);
	xmlFree(id);
	tamga_buf_dispose(&token);
	return error;
}

int tamga__xmldsig_sign(xmlNodePtr sig, const struct tamga__xml_sign_options *o)
{
	xmlSecDSigCtxPtr ctx = NULL;
	tamga_buf token = TAMGA_BUF_INIT;
	xmlNodePtr usp = NULL;
	int error;

	if (sig == NULL || sig->doc == NULL || o == NULL || o->signer == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga__xmldsig_sign: bad arguments");
	if ((error = tamga__xml_init()) < 0)
		return error;
	if (!tamga__xml_is(sig, TAMGA__NS_DSIG, "Signature"))
		return tamga__error_set(TAMGA_EFORMAT, "the signature template is not a ds:Signature element");
	if (tamga__xmldsig_signature_method(o->signer, o->digest) == NULL)
		return tamga_error_last()->code;
	if ((error = tamga__xml_register_ids(sig->doc)) < 0 || (error = fill_keyinfo(sig, o->signer)) < 0)
		return error;
	tamga__xml_set_package(o->pkg);
	if ((ctx = tamga__xml_dsig_ctx(tamga__signer_key(o->signer), 1)) == NULL) {
		error = TAMGA_ECRYPTO;
		goto done;
	}
	if ((error = sign_manifests(sig, ctx, o->pkg)) < 0)
		goto done;
	xmlSecDSigCtxDestroy(ctx);
	if ((ctx = tamga__xml_dsig_ctx(tamga__signer_key(o->signer), 1)) == NULL) {
		error = TAMGA_ECRYPTO;
		goto done;
	}
	ctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
	if (xmlSecDSigCtxSign(ctx, sig) < 0 || ctx->status != xmlSecDSigStatusSucceeded) {
		error = tamga__error_set(TAMGA_EFORMAT, "xmlsec could not sign the template (a part missing, a "
		                         "transform or algorithm not allowed, or a malformed Reference)");
		goto done;
	}
	if (o->tsa_url != NULL && (error = add_timestamp(sig, o->digest, o->tsa_url, o->tsa_timeout, &token, &usp)) == 0 && o->lt)
		error = add_validation_data(sig, usp, o, &token);
	else if (error == 0 && o->lt)
		error = tamga__error_set(TAMGA_EINVAL, "XAdES B-LT needs a time-stamp authority");
done:
	tamga_buf_dispose(&token);
	tamga__xml_set_package(NULL);
	if (ctx != NULL)
		xmlSecDSigCtxDestroy(ctx);
	return error;
}

int tamga__xmldsig_sign_refuse(const tamga_sign_options *o, const char *format)
{
	if (o->level == TAMGA_LEVEL_B_LTA)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "%s: level B-LTA (a XAdES archive time-stamp) is not "
		                        "supported; sign at B-B, B-T or B-LT", format);
	if (o->certify)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "%s: certification signatures (--certify) are a PDF "
		                        "feature", format);
	if (o->rsa_pss)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "%s: RSA-PSS signatures are not supported (LibreOffice "
		                        "cannot check them); sign with PKCS#1 v1.5 or an EC key", format);
	if (o->placement == TAMGA_PLACE_RECT)
		return tamga__error_set(TAMGA_EUNSUPPORTED, "%s: --page/--rect placement (a rectangle on a page) is "
		                        "for PDF documents: pages exist only once an office document is laid out",
		                        format);
	return 0;
}
