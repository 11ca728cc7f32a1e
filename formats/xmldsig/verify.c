/*
 * formats/xmldsig/verify.c - integrity of one ds:Signature (W3C XML-DSig
 * 1.1 §3.2 core validation, plus every Manifest Reference) with its XAdES
 * signing-certificate binding, signing time and signature time-stamps
 * (ETSI EN 319 132-1 §5.2.2, §5.2.1, §5.3), in tamga__cms_result's words;
 * and the validation data the signature carries for the verifier
 * (§5.5.1 CertificateValues, §5.5.2 RevocationValues, also inside
 * XAdES 1.4.1 TimeStampValidationData; Office's XAdES-X-L has them):
 *
 *   xd:UnsignedSignatureProperties
 *     xd:CertificateValues/xd:EncapsulatedX509Certificate   -> result.certs
 *     xd:RevocationValues/xd:CRLValues/xd:EncapsulatedCRLValue -> result.crls
 *                        /xd:OCSPValues/xd:EncapsulatedOCSPValue -> result.ocsps
 *     xades141:TimeStampValidationData/(the same two)
 *
 * These are unsigned: they only help build paths and judge revocation
 * (a certificate from them is never the signer, which KeyInfo alone
 * names); a malformed one is a warning and is left out.
 *
 * Order: structure (tamga's own checks, before xmlsec sees anything: the
 * wrapping, URI, transform and KeyInfo rules of xmldsig.h), then the
 * Manifest References, then xmlsec's core validation of SignedInfo with
 * the key of the one certificate chosen here, then XAdES.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>

#include <libxml/c14n.h>
#include <libxml/xmlIO.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmldsig.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/xmldsig/internal.h"

#define MAX_REFS 10000
#define MAX_DIGESTED ((size_t)1 << 30)
#define MAX_TIMESTAMPS 16
#define MAX_VALUES 256                  /* certificates, CRLs, OCSP responses: each */
#define MAX_VALUE_B64 ((size_t)8 << 20) /* one value's base64 text */
#define STOP 1

struct vctx {
	struct tamga__xml_sig *out;
	xmlNodePtr sig, si, sv, ki;
	xmlNodePtr signed_props;       /* covered xd:SignedProperties */
	xmlNodePtr *manifests;         /* ds:Manifest elements covered by a SignedInfo Reference */
	size_t manifest_count;
	xmlNodePtr *ref_nodes;         /* parallel to out->refs */
	const EVP_MD *sig_md;
};

static char *vformat(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

/* First verdict wins. */
static int fail(struct vctx *v, tamga__cms_status status, const char *fmt, ...) TAMGA__PRINTF(3, 4);
static int fail(struct vctx *v, tamga__cms_status status, const char *fmt, ...)
{
	struct tamga__cms_result *r = &v->out->result;
	va_list ap;

	if (r->status != TAMGA__CMS_OK)
		return STOP;
	r->status = status;
	va_start(ap, fmt);
	r->message = vformat(fmt, ap);
	va_end(ap);
	return r->message ? STOP : tamga__error_oom();
}

static int warn(struct vctx *v, const char *fmt, ...) TAMGA__PRINTF(2, 3);
static int warn(struct vctx *v, const char *fmt, ...)
{
	struct tamga__cms_result *r = &v->out->result;
	char **t, *s;
	va_list ap;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (s == NULL || (t = realloc(r->warnings, (r->warning_count + 1) * sizeof(*t))) == NULL) {
		free(s);
		return tamga__error_oom();
	}
	r->warnings = t;
	t[r->warning_count++] = s;
	return 0;
}

static char *prop(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

static char *text(xmlNodePtr n)
{
	xmlChar *v = xmlNodeGetContent(n);
	char *s;

	if (v == NULL)
		return strdup("");
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

static int alg_is(const char *alg, const char *const *list)
{
	for (; alg != NULL && *list != NULL; list++)
		if (strcmp(alg, *list) == 0)
			return 1;
	return 0;
}

/* C14N 1.1 (xmlsec and libxml2 implement it; EU DSS and Santuario can
 * write it) is accepted wherever exclusive C14N is: SignedInfo, same-document
 * References and SignatureTimeStamps, never for a package part. */

static const char *const c14n_algs[] = { ALG_C14N, ALG_C14N_C, ALG_EXC_C14N, ALG_EXC_C14N_C, ALG_C14N11, ALG_C14N11_C,
	                                 NULL };

/* ------------------------------------------------------------ structure */

static int check_layout(struct vctx *v)
{
	xmlNodePtr c;
	int n_si = 0, n_sv = 0, n_ki = 0, seen_obj = 0;

	for (c = v->sig->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_COMMENT_NODE)
			continue;
		if (c->type != XML_ELEMENT_NODE)
			return fail(v, TAMGA__CMS_FORMAT_FAILURE, "unexpected node in ds:Signature");
		if (tamga__xml_is(c, TAMGA__NS_DSIG, "SignedInfo") && !n_sv && !n_ki && !seen_obj)
			n_si++, v->si = c;
		else if (tamga__xml_is(c, TAMGA__NS_DSIG, "SignatureValue") && n_si == 1 && !n_ki && !seen_obj)
			n_sv++, v->sv = c;
		else if (tamga__xml_is(c, TAMGA__NS_DSIG, "KeyInfo") && n_sv == 1 && !seen_obj)
			n_ki++, v->ki = c;
		else if (tamga__xml_is(c, TAMGA__NS_DSIG, "Object") && n_sv == 1)
			seen_obj = 1;
		else
			return fail(v, TAMGA__CMS_FORMAT_FAILURE, "ds:Signature must hold exactly one SignedInfo, one "
			            "SignatureValue, at most one KeyInfo, then Objects (found %s out of place)",
			            (const char *)c->name);
	}
	if (n_si != 1 || n_sv != 1 || n_ki > 1)
		return fail(v, TAMGA__CMS_FORMAT_FAILURE, "ds:Signature has %d SignedInfo, %d SignatureValue", n_si, n_sv);
	return 0;
}

/* The element a same-document URI "#id" names, if it is a ds:Object child of
 * this Signature or inside one. */
static xmlNodePtr resolve_local(struct vctx *v, const char *uri, const char **why)
{
	xmlAttrPtr a;
	xmlNodePtr n, obj;
	const char *p;

	*why = NULL;
	for (p = uri + 1; *p; p++)
		if (!(((unsigned char)*p >= 0x80) || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.')) {
			*why = "is not a bare-name fragment (no XPointer)";
			return NULL;
		}
	if (uri[1] == '\0' || (a = xmlGetID(v->sig->doc, (const xmlChar *)uri + 1)) == NULL ||
	    (n = a->parent) == NULL) {
		*why = "names no element";
		return NULL;
	}
	for (obj = n; obj != NULL && obj->parent != v->sig; obj = obj->parent)
		;
	if (obj == NULL || !tamga__xml_is(obj, TAMGA__NS_DSIG, "Object")) {
		*why = "does not name a ds:Object of this signature or an element inside one";
		return NULL;
	}
	return n;
}

static int add_manifest(struct vctx *v, xmlNodePtr m)
{
	xmlNodePtr *t;
	size_t i;

	for (i = 0; i < v->manifest_count; i++)
		if (v->manifests[i] == m)
			return 0;
	if ((t = realloc(v->manifests, (v->manifest_count + 1) * sizeof(*t))) == NULL)
		return tamga__error_oom();
	v->manifests = t;
	t[v->manifest_count++] = m;
	return 0;
}

static int add_ref(struct vctx *v, xmlNodePtr node, struct tamga__xml_ref_result **out)
{
	struct tamga__xml_sig *s = v->out;
	struct tamga__xml_ref_result *t;
	xmlNodePtr *tn;

	if (s->ref_count >= MAX_REFS)
		return fail(v, TAMGA__CMS_FORMAT_FAILURE, "more than %d References", MAX_REFS);
	if ((t = realloc(s->refs, (s->ref_count + 1) * sizeof(*t))) == NULL)
		return tamga__error_oom();
	s->refs = t;
	if ((tn = realloc(v->ref_nodes, (s->ref_count + 1) * sizeof(*tn))) == NULL)
		return tamga__error_oom();
	v->ref_nodes = tn;
	tn[s->ref_count] = node;
	*out = &t[s->ref_count++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

static int list_add(char ***list, size_t *n, char *value)
{
	char **t;

	/* capacity: the next power of two (a signature may list hundreds of
	 * thousands of selectors; realloc by one is quadratic in some allocators) */
	if ((*n & (*n - 1)) == 0) {
		if ((t = realloc(*list, (*n ? 2 * *n : 1) * sizeof(*t))) == NULL) {
			free(value);
			return tamga__error_oom();
		}
		*list = t;
	}
	(*list)[(*n)++] = value;
	return 0;
}

/* What a RelationshipTransform selects (ECMA-376 Part 2 §13.2.4.25-26): a
 * relationship by its Id, or every relationship of a Type.  A selector
 * without its attribute selects nothing here; rels.c refuses it when the
 * digest is computed. */
static int read_selectors(struct tamga__xml_ref_result *r, xmlNodePtr transform)
{
	xmlNodePtr s;
	char *v;
	int error = 0;

	for (s = tamga__xml_first_elem(transform); s != NULL && error == 0; s = tamga__xml_next_elem(s)) {
		if (tamga__xml_is(s, NS_OPC_DSIG, "RelationshipReference") && (v = prop(s, "SourceId")) != NULL)
			error = list_add(&r->source_ids, &r->source_id_count, v);
		else if (tamga__xml_is(s, NS_OPC_DSIG, "RelationshipsGroupReference") && (v = prop(s, "SourceType")) != NULL)
			error = list_add(&r->source_types, &r->source_type_count, v);
	}
	return error;
}

/* One Reference: URI kind, transforms, DigestMethod. */
static int read_ref(struct vctx *v, xmlNodePtr ref, int in_manifest)
{
	struct tamga__xml_ref_result *r = NULL;
	xmlNodePtr c, t, target = NULL;
	char *alg = NULL;
	const char *why;
	int error, ntr = 0, kinds[4] = { 0 };

	if ((error = add_ref(v, ref, &r)) != 0)
		return error;
	r->in_manifest = in_manifest;
	r->uri = prop(ref, "URI");
	r->type = prop(ref, "Type");
	if (r->uri == NULL || r->uri[0] == '\0')
		return fail(v, TAMGA__CMS_FORMAT_FAILURE, "a Reference without a URI (the whole document) is refused");
	if (r->uri[0] == '#') {
		if ((target = resolve_local(v, r->uri, &why)) == NULL)
			return fail(v, TAMGA__CMS_FORMAT_FAILURE, "Reference URI \"%.80s\" %s", r->uri, why);
	} else if (tamga__xml_package_path(r->uri, &r->path, &r->content_type) < 0) {
		return fail(v, TAMGA__CMS_FORMAT_FAILURE, "Reference URI \"%.80s\" is refused: %s", r->uri,
		            tamga_error_last()->message);
	}
	c = tamga__xml_first_elem(ref);
	r->transform = TAMGA__XML_T_NONE;
	if (tamga__xml_is(c, TAMGA__NS_DSIG, "Transforms")) {
		for (t = tamga__xml_first_elem(c); t != NULL; t = tamga__xml_next_elem(t), ntr++) {
			free(alg);
			alg = prop(t, "Algorithm");
			if (!tamga__xml_is(t, TAMGA__NS_DSIG, "Transform") || alg == NULL)
				goto bad_transform;
			if (alg_is(alg, c14n_algs) && ntr < 4)
				kinds[ntr] = strcmp(alg, ALG_C14N) == 0 ? 1 : 2;
			else if (strcmp(alg, ALG_RELS) == 0 && ntr == 0 && in_manifest && r->path != NULL) {
				kinds[0] = 3;
				if ((error = read_selectors(r, t)) < 0) {
					free(alg);
					return error;
				}
			} else if (strcmp(alg, ALG_ENVELOPED) == 0 && ntr < 4 && r->path == NULL)
				kinds[ntr] = 4;
			else
				goto bad_transform;
		}
		c = tamga__xml_next_elem(c);
	}
	free(alg);
	alg = NULL;
	if (r->path != NULL) {
		if (ntr == 0)
			r->transform = TAMGA__XML_T_NONE;
		else if (ntr == 1 && kinds[0] == 1)
			r->transform = TAMGA__XML_T_C14N;
		else if (ntr == 1 && kinds[0] == 2)
			r->transform = -1; /* exclusive or with comments: not a package transform */
		else if (ntr == 2 && kinds[0] == 3 && kinds[1] == 1)
			r->transform = TAMGA__XML_T_RELS;
		else
			r->transform = -1;
		if (r->transform < 0)
			return fail(v, TAMGA__CMS_FORMAT_FAILURE, "Reference \"%.80s\" has a transform chain tamga does "
			            "not accept for a package part", r->uri);
	} else if (ntr > 2) {
		return fail(v, TAMGA__CMS_FORMAT_FAILURE, "Reference \"%.80s\" has too many transforms", r->uri);
	}
	if (!tamga__xml_is(c, TAMGA__NS_DSIG, "DigestMethod") || (alg = prop(c, "Algorithm")) == NULL)
		return fail(v, TAMGA__CMS_FORMAT_FAILURE, "Reference \"%.80s\" has no DigestMethod", r->uri);
	if (tamga__xml_md_by_uri(alg, NULL) == NULL) {
		int md5 = strstr(alg, "md5") != NULL;

		error = fail(v, md5 ? TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE : TAMGA__CMS_FORMAT_FAILURE,
		             "Reference \"%.80s\" uses digest %.100s%s", r->uri, alg, md5 ? "" : ", not one tamga accepts");
		free(alg);
		return error;
	}
	if (strstr(alg, "sha1") != NULL && (error = warn(v, "SHA-1 digest in Reference \"%.80s\"", r->uri)) < 0) {
		free(alg);
		return error;
	}
	free(alg);
	if (!tamga__xml_is(tamga__xml_next_elem(c), TAMGA__NS_DSIG, "DigestValue"))
		return fail(v, TAMGA__CMS_FORMAT_FAILURE, "Reference \"%.80s\" has no DigestValue", r->uri);

	/* what a same-document Reference of SignedInfo covers */
	if (target != NULL && !in_manifest) {
		xmlNodePtr m;

		if (r->type != NULL && strcmp(r->type, TYPE_SIGNED_PROPS) == 0) {
			if (!tamga__xml_is(target, TAMGA__NS_XADES, "SignedProperties") &&
			    !tamga__xml_is(target, TAMGA__NS_XADES141, "SignedProperties"))
				return fail(v, TAMGA__CMS_FORMAT_FAILURE, "Reference \"%.80s\" of type SignedProperties "
				            "does not name xades:SignedProperties", r->uri);
			if (v->signed_props != NULL && v->signed_props != target)
				return fail(v, TAMGA__CMS_FORMAT_FAILURE, "two SignedProperties are referenced");
			v->signed_props = target;
			v->out->xades = 1;
		}
		if (tamga__xml_is(target, TAMGA__NS_DSIG, "Manifest") && (error = add_manifest(v, target)) < 0)
			return error;
		if (tamga__xml_is(target, TAMGA__NS_DSIG, "Object"))
			for (m = tamga__xml_first_elem(target); m != NULL; m = tamga__xml_next_elem(m))
				if (tamga__xml_is(m, TAMGA__NS_DSIG, "Manifest") && (error = add_manifest(v, m)) < 0)
					return error;
	}
	return 0;
bad_transform:
	error = fail(v, TAMGA__CMS_FORMAT_FAILURE, "Reference \"%.80s\" uses transform %.100s, which tamga does not "
	             "accept here", r->uri, alg ? alg : "(none)");
	free(alg);
	return error;
}

static int read_signed_info(struct vctx *v)
{
	xmlNodePtr cm = tamga__xml_first_elem(v->si), sm = tamga__xml_next_elem(cm), ref;
	char *alg = NULL;
	int error = 0, n = 0;

	if (!tamga__xml_is(cm, TAMGA__NS_DSIG, "CanonicalizationMethod") || (alg = prop(cm, "Algorithm")) == NULL ||
	    !alg_is(alg, c14n_algs)) {
		error = fail(v, TAMGA__CMS_FORMAT_FAILURE, "SignedInfo's CanonicalizationMethod %s is not one tamga "
		             "accepts", alg ? alg : "(missing)");
		goto done;
	}
	free(alg);
	alg = NULL;
	if (!tamga__xml_is(sm, TAMGA__NS_DSIG, "SignatureMethod") || (alg = prop(sm, "Algorithm")) == NULL) {
		error = fail(v, TAMGA__CMS_FORMAT_FAILURE, "SignedInfo has no SignatureMethod");
		goto done;
	}
	{
		static const struct { const char *uri, *alg, *md; } sms[] = {
			{ "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", "rsa-pkcs1", "sha256" },
			{ "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384", "rsa-pkcs1", "sha384" },
			{ "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512", "rsa-pkcs1", "sha512" },
			{ "http://www.w3.org/2000/09/xmldsig#rsa-sha1", "rsa-pkcs1", "sha1" },
			{ "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "ecdsa", "sha256" },
			{ "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384", "ecdsa", "sha384" },
			{ "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512", "ecdsa", "sha512" },
			{ "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1", "ecdsa", "sha1" },
		};
		size_t i;

		for (i = 0; i < sizeof(sms) / sizeof(sms[0]); i++)
			if (strcmp(alg, sms[i].uri) == 0)
				break;
		if (i == sizeof(sms) / sizeof(sms[0])) {
			int md5 = strstr(alg, "md5") != NULL;

			error = fail(v, md5 ? TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE : TAMGA__CMS_FORMAT_FAILURE,
			             "SignatureMethod %.100s is not one tamga accepts", alg);
			goto done;
		}
		v->out->result.signature_alg = sms[i].alg;
		v->out->result.digest = sms[i].md;
		if (strcmp(sms[i].md, "sha1") == 0 && (error = warn(v, "SHA-1 signature method")) < 0)
			goto done;
	}
	for (ref = tamga__xml_next_elem(sm); ref != NULL; ref = tamga__xml_next_elem(ref)) {
		if (!tamga__xml_is(ref, TAMGA__NS_DSIG, "Reference")) {
			error = fail(v, TAMGA__CMS_FORMAT_FAILURE, "unexpected %s in SignedInfo", (const char *)ref->name);
			goto done;
		}
		n++;
		if ((error = read_ref(v, ref, 0)) != 0)
			goto done;
	}
	if (n == 0)
		error = fail(v, TAMGA__CMS_FORMAT_FAILURE, "SignedInfo has no Reference");
done:
	free(alg);
	return error;
}

/* Every ds:Manifest in this signature's Objects: covered ones are read,
 * a Reference in one no SignedInfo Reference covers is refused. */
static int read_manifests(struct vctx *v)
{
	xmlNodePtr n = v->sig, ref;
	size_t i;
	int error;

	/* walk the Signature subtree for Manifest elements */
	while (n != NULL) {
		if (n != v->sig && tamga__xml_is(n, TAMGA__NS_DSIG, "Manifest")) {
			for (i = 0; i < v->manifest_count && v->manifests[i] != n; i++)
				;
			if (i == v->manifest_count)
				return fail(v, TAMGA__CMS_FORMAT_FAILURE, "a Manifest in the signature is not covered by "
				            "a SignedInfo Reference");
			for (ref = tamga__xml_first_elem(n); ref != NULL; ref = tamga__xml_next_elem(ref)) {
				if (!tamga__xml_is(ref, TAMGA__NS_DSIG, "Reference"))
					return fail(v, TAMGA__CMS_FORMAT_FAILURE, "unexpected %s in a Manifest",
					            (const char *)ref->name);
				if ((error = read_ref(v, ref, 1)) != 0)
					return error;
			}
		}
		if (n->children != NULL && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			continue;
		}
		while (n != NULL && n != v->sig && n->next == NULL)
			n = n->parent;
		if (n == NULL || n == v->sig)
			break;
		n = n->next;
	}
	return 0;
}

/* ------------------------------------------------------------ certificates */

static int read_keyinfo(struct vctx *v)
{
	struct tamga__cms_result *r = &v->out->result;
	xmlNodePtr c, x;
	tamga_buf der = TAMGA_BUF_INIT;
	int error = 0;

	if ((r->certs = sk_X509_new_null()) == NULL)
		return tamga__error_oom();
	for (c = tamga__xml_first_elem(v->ki); c != NULL; c = tamga__xml_next_elem(c)) {
		if (!tamga__xml_is(c, TAMGA__NS_DSIG, "X509Data")) {
			if (tamga__xml_is(c, TAMGA__NS_DSIG, "KeyName"))
				continue;
			error = fail(v, TAMGA__CMS_FORMAT_FAILURE, "ambiguous KeyInfo: %s beside X509Data is refused "
			             "(the key comes from the certificate only)", (const char *)c->name);
			goto done;
		}
		for (x = tamga__xml_first_elem(c); x != NULL; x = tamga__xml_next_elem(x)) {
			char *t;
			const unsigned char *p;
			X509 *cert;

			if (!tamga__xml_is(x, TAMGA__NS_DSIG, "X509Certificate"))
				continue;
			if ((t = text(x)) == NULL) {
				error = tamga__error_oom();
				goto done;
			}
			der.size = 0;
			error = tamga__xml_unbase64(&der, t);
			free(t);
			p = der.ptr;
			cert = error < 0 ? NULL : d2i_X509(NULL, &p, (long)der.size);
			if (cert != NULL && p != der.ptr + der.size) {
				X509_free(cert); /* trailing bytes */
				cert = NULL;
			}
			if (cert == NULL) {
				error = fail(v, TAMGA__CMS_FORMAT_FAILURE, "a KeyInfo X509Certificate is not a DER certificate");
				goto done;
			}
			if (!sk_X509_push(r->certs, cert)) {
				X509_free(cert);
				error = tamga__error_oom();
				goto done;
			}
			if (sk_X509_num(r->certs) > 64) {
				error = fail(v, TAMGA__CMS_FORMAT_FAILURE, "more than 64 certificates in KeyInfo");
				goto done;
			}
		}
	}
done:
	tamga_buf_dispose(&der);
	return error;
}

/* Digests of the xades Cert entries: 1 when cert matches one of them. */
static int cert_digest_matches(xmlNodePtr signing_cert, X509 *cert, int first_only)
{
	xmlNodePtr c, cd, dm, dv;
	int hit = 0;

	for (c = tamga__xml_first_elem(signing_cert); c != NULL && !hit; c = tamga__xml_next_elem(c)) {
		char *alg, *val;
		const EVP_MD *md;
		tamga_buf want = TAMGA_BUF_INIT;
		unsigned char got[EVP_MAX_MD_SIZE];
		unsigned int glen = 0;

		if (!tamga__xml_is(c, c->ns ? (const char *)c->ns->href : NULL, "Cert") ||
		    (cd = tamga__xml_first_elem(c)) == NULL || strcmp((const char *)cd->name, "CertDigest") != 0)
			continue;
		dm = tamga__xml_first_elem(cd);
		dv = tamga__xml_next_elem(dm);
		if (!tamga__xml_is(dm, TAMGA__NS_DSIG, "DigestMethod") || !tamga__xml_is(dv, TAMGA__NS_DSIG, "DigestValue"))
			continue;
		alg = prop(dm, "Algorithm");
		val = text(dv);
		md = tamga__xml_md_by_uri(alg, NULL);
		if (md != NULL && val != NULL && tamga__xml_unbase64(&want, val) == 0 && X509_digest(cert, md, got, &glen) &&
		    want.size == glen && CRYPTO_memcmp(want.ptr, got, glen) == 0)
			hit = 1;
		free(alg);
		free(val);
		tamga_buf_dispose(&want);
		if (first_only)
			break;
	}
	return hit;
}

static xmlNodePtr signing_certificate(struct vctx *v)
{
	xmlNodePtr ssp, c;

	if (v->signed_props == NULL)
		return NULL;
	for (ssp = tamga__xml_first_elem(v->signed_props); ssp != NULL; ssp = tamga__xml_next_elem(ssp))
		if (ssp->ns == v->signed_props->ns && strcmp((const char *)ssp->name, "SignedSignatureProperties") == 0)
			for (c = tamga__xml_first_elem(ssp); c != NULL; c = tamga__xml_next_elem(c))
				if (c->ns == v->signed_props->ns && (strcmp((const char *)c->name, "SigningCertificate") == 0 ||
				                                      strcmp((const char *)c->name, "SigningCertificateV2") == 0))
					return c;
	return NULL;
}

static int choose_signer(struct vctx *v)
{
	struct tamga__cms_result *r = &v->out->result;
	xmlNodePtr sc = signing_certificate(v);
	X509 *chosen = NULL;
	int i, n = sk_X509_num(r->certs);

	if (n == 0)
		return fail(v, TAMGA__CMS_NO_SIGNING_CERTIFICATE_FOUND, "no X509Certificate in KeyInfo");
	if (n == 1)
		chosen = sk_X509_value(r->certs, 0);
	else {
		for (i = 0; sc != NULL && i < n && chosen == NULL; i++)
			if (cert_digest_matches(sc, sk_X509_value(r->certs, i), 1))
				chosen = sk_X509_value(r->certs, i);
		if (chosen == NULL)
			return fail(v, TAMGA__CMS_FORMAT_FAILURE, "ambiguous KeyInfo: %d certificates and no XAdES "
			            "SigningCertificate naming one of them", n);
	}
	if (!X509_up_ref(chosen))
		return tamga__error_oom();
	r->signer = chosen;
	return 0;
}

/* ------------------------------------------------------------ XAdES */

static int read_signing_time(struct vctx *v)
{
	xmlNodePtr ssp, c;

	for (ssp = tamga__xml_first_elem(v->signed_props); ssp != NULL; ssp = tamga__xml_next_elem(ssp))
		for (c = tamga__xml_first_elem(ssp); c != NULL; c = tamga__xml_next_elem(c))
			if (c->ns == v->signed_props->ns && strcmp((const char *)c->name, "SigningTime") == 0) {
				char *t = text(c), buf[64];
				tamga_time when;
				size_t len;

				if (t == NULL)
					return tamga__error_oom();
				/* xs:dateTime without a zone (LibreOffice writes one): read as UTC */
				len = strlen(t);
				snprintf(buf, sizeof(buf), "%s%s", t,
				         (len > 10 && strpbrk(t + 10, "Z+-") == NULL) ? "Z" : "");
				free(t);
				if (tamga_time_parse(&when, buf) == 0)
					v->out->result.signing_time = when;
				else
					return warn(v, "unreadable XAdES SigningTime");
				return 0;
			}
	return 0;
}

/*
 * The time-stamped bytes: ds:SignatureValue canonicalised as the
 * SignatureTimeStamp's CanonicalizationMethod says (XAdES 7.3; absent means
 * C14N 1.0).  EU DSS writes exclusive C14N here by default.
 */
static int sv_c14n(tamga_buf *out, xmlNodePtr sv, const char *alg)
{
	return tamga__xml_c14n_node_alg(out, sv, alg);
}

static int timestamp_one(struct vctx *v, xmlNodePtr ts)
{
	struct tamga__cms_result *r = &v->out->result, t;
	struct tamga__cms_timestamp *arr;
	xmlNodePtr c, enc = NULL;
	tamga_buf der = TAMGA_BUF_INIT, c14n = TAMGA_BUF_INIT;
	struct tamga__range range;
	char *alg = NULL, *b64 = NULL;
	int error = 0;

	memset(&t, 0, sizeof(t));
	for (c = tamga__xml_first_elem(ts); c != NULL; c = tamga__xml_next_elem(c)) {
		if (tamga__xml_is(c, TAMGA__NS_DSIG, "CanonicalizationMethod")) {
			free(alg);
			alg = prop(c, "Algorithm");
		} else if (strcmp((const char *)c->name, "EncapsulatedTimeStamp") == 0 && enc == NULL)
			enc = c;
	}
	if (enc == NULL || (alg != NULL && !alg_is(alg, c14n_algs))) {
		error = fail(v, TAMGA__CMS_FORMAT_FAILURE, "a SignatureTimeStamp %s", enc == NULL ?
		             "has no EncapsulatedTimeStamp" : "uses a canonicalisation tamga does not know");
		goto done;
	}
	if ((b64 = text(enc)) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	if (tamga__xml_unbase64(&der, b64) < 0) {
		error = fail(v, TAMGA__CMS_FORMAT_FAILURE, "a SignatureTimeStamp is not base64");
		goto done;
	}
	if ((error = sv_c14n(&c14n, v->sv, alg)) < 0)
		goto done;
	range.offset = 0;
	range.len = c14n.size;
	if ((error = tamga__cms_verify(&t, der.ptr, der.size, TAMGA__SIG_DOC_TIMESTAMP, c14n.ptr, c14n.size, &range, 1,
	                               NULL)) < 0)
		goto done;
	if (t.timestamp_count < 1)
		goto done;
	if ((arr = realloc(r->timestamps, (r->timestamp_count + 1) * sizeof(*arr))) == NULL) {
		error = tamga__error_oom();
		goto done;
	}
	r->timestamps = arr;
	arr[r->timestamp_count++] = t.timestamps[0];
	memmove(&t.timestamps[0], &t.timestamps[1], (t.timestamp_count - 1) * sizeof(*arr));
	t.timestamp_count--;
done:
	tamga__cms_result_free(&t);
	tamga_buf_dispose(&der);
	tamga_buf_dispose(&c14n);
	free(alg);
	free(b64);
	return error;
}

static int read_timestamps(struct vctx *v)
{
	xmlNodePtr qp = v->signed_props ? v->signed_props->parent : NULL, up, usp, ts;
	int error;

	if (qp == NULL)
		return 0;
	for (up = tamga__xml_first_elem(qp); up != NULL; up = tamga__xml_next_elem(up)) {
		if (up->ns != v->signed_props->ns || strcmp((const char *)up->name, "UnsignedProperties") != 0)
			continue;
		for (usp = tamga__xml_first_elem(up); usp != NULL; usp = tamga__xml_next_elem(usp))
			for (ts = tamga__xml_first_elem(usp); ts != NULL; ts = tamga__xml_next_elem(ts)) {
				if (ts->ns != v->signed_props->ns || strcmp((const char *)ts->name, "SignatureTimeStamp") != 0)
					continue;
				if (v->out->result.timestamp_count >= MAX_TIMESTAMPS)
					return fail(v, TAMGA__CMS_FORMAT_FAILURE, "more than %d SignatureTimeStamps",
					            MAX_TIMESTAMPS);
				if ((error = timestamp_one(v, ts)) != 0)
					return error;
			}
	}
	return 0;
}

/* ------------------------------------------------------------ validation data */

/* node is the XAdES element name, in the namespace of SignedProperties. */
static int is_xades(struct vctx *v, xmlNodePtr node, const char *name)
{
	return node->ns != NULL && node->ns->href != NULL && v->signed_props->ns != NULL &&
	       strcmp((const char *)node->ns->href, (const char *)v->signed_props->ns->href) == 0 &&
	       strcmp((const char *)node->name, name) == 0;
}

/* The DER of one Encapsulated*Value; 1 with a warning when it is not
 * usable (too large, not base64, empty). */
static int value_der(struct vctx *v, xmlNodePtr n, const char *what, tamga_buf *der)
{
	char *t = text(n);
	int error, skip = 1;

	der->size = 0;
	if (t == NULL)
		return tamga__error_oom();
	if (strlen(t) > MAX_VALUE_B64)
		error = warn(v, "an embedded %s larger than %zu bytes of base64 is ignored", what, MAX_VALUE_B64);
	else if (tamga__xml_unbase64(der, t) < 0 || der->size == 0) {
		tamga_error_clear();
		error = warn(v, "an embedded %s is not base64 and is ignored", what);
	} else
		error = skip = 0;
	free(t);
	return error < 0 ? error : skip;
}

static int add_cert_value(struct vctx *v, const tamga_buf *der)
{
	struct tamga__cms_result *r = &v->out->result;
	const unsigned char *p = der->ptr;
	X509 *x = d2i_X509(NULL, &p, (long)der->size);
	int i;

	ERR_clear_error();
	if (x == NULL || p != der->ptr + der->size) {
		X509_free(x);
		return warn(v, "an embedded certificate (CertificateValues) is not a DER certificate and is ignored");
	}
	for (i = 0; i < sk_X509_num(r->certs); i++)
		if (X509_cmp(sk_X509_value(r->certs, i), x) == 0) {
			X509_free(x);
			return 0;
		}
	if (!sk_X509_push(r->certs, x)) {
		X509_free(x);
		return tamga__error_oom();
	}
	return 0;
}

static int add_crl_value(struct vctx *v, const tamga_buf *der)
{
	struct tamga__cms_result *r = &v->out->result;
	const unsigned char *p = der->ptr;
	X509_CRL *c = d2i_X509_CRL(NULL, &p, (long)der->size);

	ERR_clear_error();
	if (c == NULL || p != der->ptr + der->size) {
		X509_CRL_free(c);
		return warn(v, "an embedded CRL (RevocationValues) is not a DER CRL and is ignored");
	}
	if ((r->crls == NULL && (r->crls = sk_X509_CRL_new_null()) == NULL) || !sk_X509_CRL_push(r->crls, c)) {
		X509_CRL_free(c);
		return tamga__error_oom();
	}
	return 0;
}

static int add_ocsp_value(struct vctx *v, const tamga_buf *der)
{
	struct tamga__cms_result *r = &v->out->result;
	const unsigned char *p = der->ptr;
	OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)der->size);
	int whole = resp != NULL && p == der->ptr + der->size;
	struct tamga__blob *b;

	OCSP_RESPONSE_free(resp);
	ERR_clear_error();
	if (!whole)
		return warn(v, "an embedded OCSP response (RevocationValues) is not a DER OCSPResponse and is ignored");
	if ((b = realloc(r->ocsps, (r->ocsp_count + 1) * sizeof(*b))) == NULL)
		return tamga__error_oom();
	r->ocsps = b;
	memset(&b[r->ocsp_count], 0, sizeof(*b));
	if ((b[r->ocsp_count].data = malloc(der->size)) == NULL)
		return tamga__error_oom();
	memcpy(b[r->ocsp_count].data, der->ptr, der->size);
	b[r->ocsp_count++].len = der->size;
	return 0;
}

/* Every VALUE child of parent (may be NULL) through add, within the count
 * limit (*count). */
static int read_values(struct vctx *v, xmlNodePtr parent, const char *value, const char *what, size_t *count,
                       int (*add)(struct vctx *, const tamga_buf *))
{
	tamga_buf der = TAMGA_BUF_INIT;
	xmlNodePtr c;
	int error = 0;

	for (c = parent ? tamga__xml_first_elem(parent) : NULL; c != NULL && error >= 0; c = tamga__xml_next_elem(c)) {
		if (!is_xades(v, c, value))
			continue;
		if (*count >= MAX_VALUES) {
			error = warn(v, "more than %d embedded %ss: the rest are ignored", MAX_VALUES, what);
			break;
		}
		++*count;
		if ((error = value_der(v, c, what, &der)) == 0)
			error = add(v, &der);
	}
	tamga_buf_dispose(&der);
	return error < 0 ? error : 0;
}

struct value_counts {
	size_t certs, crls, ocsps;
};

/* CertificateValues and RevocationValues among the children of parent. */
static int read_value_sets(struct vctx *v, xmlNodePtr parent, struct value_counts *n)
{
	xmlNodePtr c, g;
	int error = 0;

	for (c = tamga__xml_first_elem(parent); c != NULL && error == 0; c = tamga__xml_next_elem(c)) {
		if (is_xades(v, c, "CertificateValues"))
			error = read_values(v, c, "EncapsulatedX509Certificate", "certificate", &n->certs, add_cert_value);
		else if (is_xades(v, c, "RevocationValues"))
			for (g = tamga__xml_first_elem(c); g != NULL && error == 0; g = tamga__xml_next_elem(g)) {
				if (is_xades(v, g, "CRLValues"))
					error = read_values(v, g, "EncapsulatedCRLValue", "CRL", &n->crls, add_crl_value);
				else if (is_xades(v, g, "OCSPValues"))
					error = read_values(v, g, "EncapsulatedOCSPValue", "OCSP response", &n->ocsps,
					                    add_ocsp_value);
			}
	}
	return error;
}

static int read_validation_data(struct vctx *v)
{
	xmlNodePtr qp = v->signed_props->parent, up, usp, c;
	struct value_counts n = { 0, 0, 0 };
	int error = 0;

	for (up = tamga__xml_first_elem(qp); up != NULL && error == 0; up = tamga__xml_next_elem(up)) {
		if (!is_xades(v, up, "UnsignedProperties"))
			continue;
		for (usp = tamga__xml_first_elem(up); usp != NULL && error == 0; usp = tamga__xml_next_elem(usp)) {
			if (!is_xades(v, usp, "UnsignedSignatureProperties"))
				continue;
			if ((error = read_value_sets(v, usp, &n)) != 0)
				break;
			for (c = tamga__xml_first_elem(usp); c != NULL && error == 0; c = tamga__xml_next_elem(c))
				if (tamga__xml_is(c, TAMGA__NS_XADES141, "TimeStampValidationData"))
					error = read_value_sets(v, c, &n);
		}
	}
	return error;
}

/* ------------------------------------------------------------ digests */

/* Parts that xmlsec will parse are parsed first by tamga__xml_parse, so a
 * DOCTYPE, an entity or a size bomb is refused before xmlsec sees it. */
static int preflight_parts(struct vctx *v, const struct tamga__xml_package *pkg)
{
	size_t i, total = 0;

	for (i = 0; i < v->out->ref_count; i++) {
		struct tamga__xml_ref_result *r = &v->out->refs[i];
		const unsigned char *data;
		size_t len;
		xmlDocPtr d = NULL;
		int e;

		if (r->path == NULL)
			continue;
		tamga_error_clear(); /* the message below is the resolver's or none */
		if (pkg == NULL || pkg->read == NULL || (e = pkg->read(pkg->payload, r->path, &data, &len)) == TAMGA_ENOTFOUND)
			return fail(v, TAMGA__CMS_HASH_FAILURE, "the package has no part \"%.200s\" (Reference \"%.80s\")",
			            r->path, r->uri);
		if (e == TAMGA_ENOMEM)
			return e;
		if (e < 0) /* e.g. corrupt compressed data: the document's fault, a verdict */
			return fail(v, TAMGA__CMS_FORMAT_FAILURE, "%.200s cannot be read: %s", r->path,
			            tamga_error_last()->message[0] ? tamga_error_last()->message : tamga_error_name(e));
		/* One part named by thousands of References would be digested
		 * thousands of times: a signature naming each part once stays
		 * within what a package may hold (formats/zip: 1 GiB). */
		if (len > MAX_DIGESTED - total)
			return fail(v, TAMGA__CMS_FORMAT_FAILURE, "the References name more than %zu bytes of parts in "
			            "all (one part named again and again?)", MAX_DIGESTED);
		total += len;
		if (r->transform == TAMGA__XML_T_NONE)
			continue;
		if ((e = tamga__xml_parse(&d, data, len, r->path)) < 0)
			return e == TAMGA_ENOMEM ? e : fail(v, TAMGA__CMS_FORMAT_FAILURE, "%s", tamga_error_last()->message);
		xmlFreeDoc(d);
	}
	return 0;
}

static int check_manifest_refs(struct vctx *v, EVP_PKEY *key, const struct tamga__xml_package *pkg)
{
	xmlSecDSigCtxPtr ctx = NULL;
	size_t i;
	int error = 0, ok, legacy;

	for (i = 0; i < v->out->ref_count; i++) {
		struct tamga__xml_ref_result *r = &v->out->refs[i];

		if (!r->in_manifest)
			continue;
		if (r->transform == TAMGA__XML_T_RELS) {
			if ((error = tamga__xml_rels_ref(v->ref_nodes[i], pkg, 0, &ok, &legacy)) < 0) {
				if (error == TAMGA_ENOMEM)
					goto done;
				error = fail(v, TAMGA__CMS_FORMAT_FAILURE, "Manifest Reference \"%.80s\": %s", r->uri,
				             tamga_error_last()->message);
				goto done;
			}
			r->ok = ok || legacy;
			r->legacy = legacy;
			if (legacy) { /* that reading selects by SourceId alone: no Type is covered */
				while (r->source_type_count > 0)
					free(r->source_types[--r->source_type_count]);
			}
			if (legacy && (error = warn(v, "Manifest Reference \"%.80s\" matches only the legacy (xmlsec 1.2 / "
			                            "LibreOffice 7) RelationshipTransform, which keeps whitespace and ignores "
			                            "RelationshipsGroupReference", r->uri)) < 0)
				goto done;
		} else {
			if (ctx == NULL) {
				if ((ctx = tamga__xml_dsig_ctx(key, 0)) == NULL) {
					error = TAMGA_ECRYPTO;
					goto done;
				}
				ctx->operation = xmlSecTransformOperationVerify;
			}
			if (tamga__xml_xmlsec_ref(ctx, v->ref_nodes[i], 1, &ok) < 0)
				ok = 0;
			r->ok = ok;
		}
		if (!r->ok) {
			error = fail(v, TAMGA__CMS_HASH_FAILURE, "the digest of Manifest Reference \"%.80s\" does not match",
			             r->uri);
			goto done;
		}
	}
done:
	if (ctx != NULL)
		xmlSecDSigCtxDestroy(ctx);
	return error;
}

static int core_validation(struct vctx *v, EVP_PKEY *key)
{
	xmlSecDSigCtxPtr ctx;
	xmlSecSize i, n;
	size_t k = 0;
	int ret, error = 0;

	if ((ctx = tamga__xml_dsig_ctx(key, 0)) == NULL)
		return TAMGA_ECRYPTO;
	ctx->flags |= XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS;
	ret = xmlSecDSigCtxVerify(ctx, v->sig);
	n = xmlSecPtrListGetSize(&ctx->signedInfoReferences);
	for (i = 0; i < n; i++) {
		xmlSecDSigReferenceCtxPtr rc = xmlSecPtrListGetItem(&ctx->signedInfoReferences, i);

		while (k < v->out->ref_count && v->out->refs[k].in_manifest)
			k++;
		if (k >= v->out->ref_count)
			break;
		v->out->refs[k].ok = rc != NULL && rc->status == xmlSecDSigStatusSucceeded;
		if (!v->out->refs[k].ok) {
			error = fail(v, TAMGA__CMS_HASH_FAILURE, "the digest of Reference \"%.80s\" does not match",
			             v->out->refs[k].uri);
			goto done;
		}
		k++;
	}
	if (ret < 0)
		error = fail(v, TAMGA__CMS_SIG_CRYPTO_FAILURE, "the signature could not be checked with the signer "
		             "certificate's key (key type and SignatureMethod differ, or a Reference cannot be processed)");
	else if (ctx->status != xmlSecDSigStatusSucceeded)
		error = fail(v, TAMGA__CMS_SIG_CRYPTO_FAILURE, "the SignatureValue does not verify with the signer "
		             "certificate's key");
done:
	xmlSecDSigCtxDestroy(ctx);
	return error;
}

static int run(struct vctx *v, const struct tamga__xml_package *pkg)
{
	struct tamga__cms_result *r = &v->out->result;
	EVP_PKEY *key = NULL;
	xmlNodePtr sc;
	int error;

	if ((error = check_layout(v)) != 0)
		return error;
	if (tamga__xml_register_ids(v->sig->doc) < 0)
		return fail(v, TAMGA__CMS_FORMAT_FAILURE, "%s", tamga_error_last()->message);
	if ((error = read_signed_info(v)) != 0 || (error = read_manifests(v)) != 0 || (error = read_keyinfo(v)) != 0 ||
	    (error = choose_signer(v)) != 0)
		return error;
	if ((key = X509_get_pubkey(r->signer)) == NULL)
		return fail(v, TAMGA__CMS_SIG_CRYPTO_FAILURE, "the signer certificate's key cannot be read");
	r->key_bits = EVP_PKEY_get_bits(key);
	if ((strcmp(r->signature_alg, "ecdsa") == 0) != EVP_PKEY_is_a(key, "EC") ||
	    (strcmp(r->signature_alg, "rsa-pkcs1") == 0) != EVP_PKEY_is_a(key, "RSA")) {
		error = fail(v, TAMGA__CMS_SIG_CRYPTO_FAILURE, "the SignatureMethod (%s) does not fit the signer "
		             "certificate's key", r->signature_alg);
		goto done;
	}
	if (EVP_PKEY_is_a(key, "RSA") && r->key_bits < 2048) {
		error = fail(v, TAMGA__CMS_CRYPTO_CONSTRAINTS_FAILURE, "RSA key of %d bits (< 2048)", r->key_bits);
		goto done;
	}
	tamga__xml_set_package(pkg);
	if ((error = preflight_parts(v, pkg)) != 0 || (error = check_manifest_refs(v, key, pkg)) != 0 ||
	    (error = core_validation(v, key)) != 0)
		goto done;
	if ((sc = signing_certificate(v)) != NULL) {
		if (!cert_digest_matches(sc, r->signer, 0)) {
			error = fail(v, TAMGA__CMS_SIG_CONSTRAINTS_FAILURE, "the XAdES SigningCertificate digest does not "
			             "name the certificate whose key verified the signature");
			goto done;
		}
		r->has_signing_certificate = 1;
	}
	r->has_signed_attributes = v->signed_props != NULL;
	if (v->signed_props != NULL && ((error = read_signing_time(v)) != 0 || (error = read_timestamps(v)) != 0 ||
	                                (error = read_validation_data(v)) != 0))
		goto done;
done:
	tamga__xml_set_package(NULL);
	EVP_PKEY_free(key);
	return error;
}

int tamga__xmldsig_verify(struct tamga__xml_sig *out, xmlNodePtr sig, const struct tamga__xml_package *pkg)
{
	struct vctx v;
	int error;

	if (out == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga__xmldsig_verify: no result");
	memset(out, 0, sizeof(*out));
	if (sig == NULL || sig->doc == NULL)
		return tamga__error_set(TAMGA_EINVAL, "tamga__xmldsig_verify: no signature");
	memset(&v, 0, sizeof(v));
	v.out = out;
	v.sig = sig;
	error = tamga__xml_init();
	if (error == 0 && !tamga__xml_is(sig, TAMGA__NS_DSIG, "Signature")) {
		error = fail(&v, TAMGA__CMS_FORMAT_FAILURE, "not a ds:Signature element");
	} else if (error == 0) {
		out->id = prop(sig, "Id");
		error = run(&v, pkg);
	}
	if (error < 0 && error != TAMGA_ENOMEM) {
		/* The check could not finish (xmlsec, a time-stamp token that
		 * cannot be processed): still a verdict, never a signature without
		 * one; only out-of-memory stops the caller. */
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", tamga_error_last()->message[0] ? tamga_error_last()->message
		                                                                 : tamga_error_name(error));
		tamga_error_clear();
		error = fail(&v, TAMGA__CMS_FORMAT_FAILURE, "the signature cannot be checked: %s", msg);
	}
	free(v.manifests);
	free(v.ref_nodes);
	ERR_clear_error();
	return error < 0 ? error : 0;
}

void tamga__xml_sig_free(struct tamga__xml_sig *sig)
{
	size_t i, j;

	if (sig == NULL)
		return;
	free(sig->id);
	tamga__cms_result_free(&sig->result);
	for (i = 0; sig->refs != NULL && i < sig->ref_count; i++) {
		struct tamga__xml_ref_result *r = &sig->refs[i];

		free(r->uri);
		free(r->path);
		free(r->content_type);
		free(r->type);
		for (j = 0; j < r->source_id_count; j++)
			free(r->source_ids[j]);
		free(r->source_ids);
		for (j = 0; j < r->source_type_count; j++)
			free(r->source_types[j]);
		free(r->source_types);
	}
	free(sig->refs);
	memset(sig, 0, sizeof(*sig));
}
