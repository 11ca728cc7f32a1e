/*
 * formats/xmldsig/xmldsig.h - XML-DSig (W3C XML Signature 1.1) with XAdES
 * (ETSI EN 319 132-1) B-B, B-T and B-LT, for the package formats: OOXML
 * (ECMA-376 Part 2 §13, `_xmlsignatures/sigN.xml`) and ODF (ODF 1.2
 * Part 3 §4, `META-INF/documentsignatures.xml`).  (internal)
 *
 * Built on libxml2 (parsing, C14N) and xmlsec1 with its OpenSSL back end
 * (DigestValue, SignatureValue, the OPC RelationshipTransform).  xmlsec is
 * held to what these formats use:
 *
 *   transforms   C14N 1.0 (with and without comments), exclusive C14N,
 *                C14N 1.1 (same-document only: SignedInfo, Objects,
 *                time-stamps), the OPC RelationshipTransform (only inside
 *                a Manifest),
 *                enveloped-signature: nothing else (no XPath, XSLT, base64);
 *   URIs         "#id" within the same Signature, and package parts through
 *                struct tamga__xml_package: never files, never the network
 *                (xmlsec's and libxml2's default I/O callbacks are removed);
 *   keys         only the key of the signer certificate tamga chose (no
 *                KeyValue, no key from a keys manager, no RetrievalMethod).
 *
 * Parsing is hardened for hostile input: no DTD (a DOCTYPE is refused), no
 * entity expansion, no network, no XInclude, at most TAMGA__XML_MAX_SIZE
 * bytes, TAMGA__XML_MAX_DEPTH levels of elements and TAMGA__XML_MAX_NODES
 * nodes.
 */
#ifndef TAMGA_FORMATS_XMLDSIG_XMLDSIG_H
#define TAMGA_FORMATS_XMLDSIG_XMLDSIG_H

#include <stddef.h>

#include <libxml/tree.h>

#include <tamga/common.h>
#include <tamga/sign.h>
#include <tamga/signer.h>

#include "formats/cms/cms_verify.h"

#define TAMGA__XML_MAX_SIZE ((size_t)64 << 20)
#define TAMGA__XML_MAX_DEPTH 256
#define TAMGA__XML_MAX_NODES 2000000

/* Namespaces. */
#define TAMGA__NS_DSIG "http://www.w3.org/2000/09/xmldsig#"
#define TAMGA__NS_XADES "http://uri.etsi.org/01903/v1.3.2#"
#define TAMGA__NS_XADES141 "http://uri.etsi.org/01903/v1.4.1#"

/*
 * Initialise libxml2, xmlsec and its OpenSSL back end once per process,
 * and replace their I/O callbacks with the package resolver's.  Every
 * function below calls it; thread-safe (pthread_once).  Errors:
 * TAMGA_ECRYPTO when xmlsec cannot start.
 */
int tamga__xml_init(void);

/*
 * Parse data (len bytes, no NUL needed) as one XML document, hardened as
 * above.  what names the input in messages ("word/document.xml").  *out
 * belongs to the caller (xmlFreeDoc).  Errors: TAMGA_EFORMAT (not
 * well-formed, a DOCTYPE: the message names what and libxml2's reason
 * with the line), TAMGA_ELIMIT (size, depth, node count), TAMGA_ENOMEM.
 */
int tamga__xml_parse(xmlDocPtr *out, const unsigned char *data, size_t len, const char *what);

/* Serialise doc as UTF-8 with an XML declaration, appended to out, without
 * reformatting (no indentation added or removed). */
int tamga__xml_serialize(tamga_buf *out, xmlDocPtr doc);

/*
 * How a Reference reaches a package part (the URI is not a file name).
 * read() gives the bytes of the part path: percent-decoded, without a
 * leading '/' and without the "?ContentType=" query ("word/document.xml",
 * "content.xml"); the bytes are borrowed until the call that asked
 * returns.  It returns 0, TAMGA_ENOTFOUND when there is no such part, or
 * another negative code.
 */
struct tamga__xml_package {
	int (*read)(void *payload, const char *path, const unsigned char **data, size_t *len);
	void *payload;
};

/* Transforms of a package Reference. */
enum {
	TAMGA__XML_T_NONE = 0, /* the part's bytes */
	TAMGA__XML_T_C14N = 1, /* the part parsed and canonicalised (C14N 1.0) */
	TAMGA__XML_T_RELS = 2  /* OPC RelationshipTransform (SourceIds and SourceTypes below) then C14N 1.0 */
};

/* ------------------------------------------------------------ signing */

/* Algorithm URIs for the signer's key and a digest name ("sha256" or NULL,
 * "sha384", "sha512"): SignatureMethod and DigestMethod.  NULL with the
 * error set (TAMGA_EUNSUPPORTED) for keys or digests XML-DSig cannot name
 * here (RSA-PSS is refused: LibreOffice 7.4 cannot check it). */
const char *tamga__xmldsig_signature_method(const tamga_signer *signer, const char *digest);
const char *tamga__xmldsig_digest_method(const char *digest);

/*
 * Append an xades:QualifyingProperties element (namespace prefix "xd",
 * declared on it) for the signature whose Id is sig_id:
 *
 *   <xd:QualifyingProperties Target="#sig_id"><xd:SignedProperties Id="props_id">
 *     <xd:SignedSignatureProperties><xd:SigningTime>…Z</xd:SigningTime>
 *     <xd:SigningCertificateV2><xd:Cert><xd:CertDigest>… of the signer
 *     certificate with digest …</xd:CertDigest><xd:IssuerSerialV2>…
 *     </xd:IssuerSerialV2></xd:Cert></xd:SigningCertificateV2>
 *     </xd:SignedSignatureProperties></xd:SignedProperties>
 *   </xd:QualifyingProperties>
 *
 * for the handler to place in a ds:Object of its template, with a
 * Reference Type="http://uri.etsi.org/01903#SignedProperties" to
 * "#props_id" in SignedInfo.  ooxml selects the flavour Office writes
 * (SigningCertificate v1 with IssuerSerial, which Office 2010+ and
 * LibreOffice read) instead of v2.
 */
int tamga__xades_qualifying_properties(tamga_buf *out, const tamga_signer *signer, const char *digest,
                                       tamga_time signing_time, const char *sig_id, const char *props_id,
                                       int ooxml);

struct tamga__xml_sign_options {
	const tamga_signer *signer;
	const char *digest;                    /* NULL: sha256 */
	const struct tamga__xml_package *pkg;  /* for package References */
	const char *tsa_url;                   /* non-NULL: B-T, an xades:SignatureTimeStamp over
	                                          the C14N of ds:SignatureValue goes into
	                                          UnsignedSignatureProperties */
	long tsa_timeout;                      /* seconds, 0: default */
	/* B-LT (with tsa_url): after the SignatureTimeStamp, xades:CertificateValues
	 * and xades:RevocationValues (EN 319 132-1 §5.5.1, §5.5.2) gathered by
	 * pki/ltvdata.c as PAdES B-LT gathers them. */
	int lt;
	int revocation;                        /* tamga_revdata */
	const char *const *crl_files;          /* CRLs (PEM or DER) instead of fetching them */
	size_t crl_file_count;
};

/*
 * Sign the template sig, a ds:Signature element in its document:
 * SignedInfo (CanonicalizationMethod, SignatureMethod, References with
 * DigestMethod and empty DigestValue) and the ds:Object elements it
 * references are the handler's; this fills every DigestValue (those of
 * SignedInfo, and those of a ds:Manifest a SignedInfo Reference points at,
 * first), the SignatureValue, and KeyInfo/X509Data/X509Certificate with
 * the signer certificate, then its chain (the template holds an empty
 * KeyInfo element).
 * Package References use struct tamga__xml_package; a URI with
 * "?ContentType=" keeps its query in the output but not in the lookup.
 * B-LT adds, after the time-stamp, the certificates of the signer's and
 * the TSA's paths that neither KeyInfo nor the time-stamp token carries
 * (xades:CertificateValues, possibly empty) and revocation data for every
 * non-root certificate of them (xades:RevocationValues: CRLValues and/or
 * OCSPValues per o->revocation); unsigned properties, outside what the
 * SignatureValue covers.
 * Errors: TAMGA_EFORMAT (template), TAMGA_ENOTFOUND (a part), TAMGA_ECRYPTO,
 * for B-T what tamga__tsp_timestamp() returns, and for B-LT what
 * tamga__ltvdata_subject() returns (TAMGA_ESTATE: the signer's certificate
 * revoked at or before the time-stamp; TAMGA_ENOTFOUND / TAMGA_EIO: no
 * revocation data for a certificate).
 */
int tamga__xmldsig_sign(xmlNodePtr sig, const struct tamga__xml_sign_options *o);

/*
 * The signing options an XML signature in an office package cannot honour,
 * refused in one place for OOXML and ODF (format names the format in the
 * message): level B-LTA, certification (--certify), RSA-PSS, a stamp at a
 * page rectangle.  0, or TAMGA_EUNSUPPORTED with the reason.
 */
int tamga__xmldsig_sign_refuse(const tamga_sign_options *o, const char *format);

/* ------------------------------------------------------------ verification */

/* One Reference as found: for the handler's coverage checks. */
struct tamga__xml_ref_result {
	char *uri;              /* as written */
	char *path;             /* package part it names (decoded, no '/', no query); NULL: same-document */
	char *content_type;     /* OOXML "?ContentType=" value, else NULL */
	char *type;             /* Type attribute, NULL when absent */
	int in_manifest;        /* 1: in the Manifest of a referenced ds:Object, 0: in SignedInfo */
	int transform;          /* TAMGA__XML_T_*; -1: any other chain (and the signature fails) */
	char **source_ids;      /* TAMGA__XML_T_RELS: the SourceIds covered */
	size_t source_id_count;
	int ok;                 /* the digest matched */
	int legacy;             /* matched only as LibreOffice 7.x digests .rels parts (whitespace) */
	/*
	 * TAMGA__XML_T_RELS: the SourceTypes of its RelationshipsGroupReference
	 * selectors (ECMA-376 Part 2 §13.2.4.26): every relationship of such a
	 * Type is covered.  Empty when the digest matched only in the legacy
	 * reading (legacy = 1): xmlsec 1.2.37 ignores these selectors, so that
	 * reading covers the SourceIds alone.
	 */
	char **source_types;
	size_t source_type_count;
};

struct tamga__xml_sig {
	char *id;               /* Signature/@Id, NULL when absent */
	/*
	 * Integrity, in the words the verifier reads for CMS: status and
	 * message, signer (the one certificate whose key verified the
	 * SignatureValue), certs (every certificate in KeyInfo), digest and
	 * signature_alg, key_bits, has_signing_certificate (XAdES
	 * SigningCertificate(V2) present and its digest names the signer),
	 * signing_time (only from SignedProperties that SignedInfo
	 * references; 0 otherwise), timestamps (xades:SignatureTimeStamp,
	 * checked with tamga__cms_verify over the C14N of SignatureValue),
	 * warnings.
	 */
	struct tamga__cms_result result;
	struct tamga__xml_ref_result *refs;  /* SignedInfo's, then the Manifest's, in order */
	size_t ref_count;
	int xades;              /* SignedProperties referenced from SignedInfo */
};

/*
 * Check the signature sig (a ds:Signature element in a document parsed
 * with tamga__xml_parse) against the package.  Like the CMS check, returns
 * 0 when the check ran, whatever the verdict (out->result.status);
 * negative only for out-of-memory or bad arguments.  out must be freed
 * with tamga__xml_sig_free even on error.
 *
 * FORMAT_FAILURE: a referenced package part the resolver cannot read
 *   (anything but TAMGA_ENOTFOUND and TAMGA_ENOMEM: corrupt compressed
 *   data, a limit; the message names the part and the reason), or any
 *   other failure of the check itself that is not out-of-memory; no or
 *   several SignedInfo/SignatureValue, an Id used
 *   twice in the document, a same-document Reference that does not
 *   resolve to exactly one ds:Object of this Signature (or an element
 *   inside one: SignedProperties, SignatureProperty, Manifest), a
 *   transform or URI kind outside the list above, ambiguous KeyInfo
 *   (KeyValue or RetrievalMethod beside X509Data; several certificates
 *   without a XAdES SigningCertificate naming one of them), a Manifest
 *   Reference outside a referenced Object;
 * HASH_FAILURE: a Reference digest (SignedInfo or Manifest) differs, or a
 *   package part is missing;
 * SIG_CRYPTO_FAILURE: the SignatureValue does not verify with the signer
 *   certificate's key;
 * SIG_CONSTRAINTS_FAILURE: the XAdES signing-certificate digest names
 *   another certificate than the one whose key verified;
 * NO_SIGNING_CERTIFICATE_FOUND: no certificate in KeyInfo;
 * CRYPTO_CONSTRAINTS_FAILURE: MD5, RSA < 2048.
 */
int tamga__xmldsig_verify(struct tamga__xml_sig *out, xmlNodePtr sig, const struct tamga__xml_package *pkg);

void tamga__xml_sig_free(struct tamga__xml_sig *sig);

/*
 * The tamga document code that sig's signed content names ("Tamga <code>"
 * in OOXML's SignatureComments or ODF's dc:description, inside an element
 * a verified SignedInfo Reference covers), as written; *out is malloc'd,
 * NULL when there is none or res's integrity failed.  Errors: TAMGA_ENOMEM.
 */
int tamga__xmldsig_signed_code(char **out, xmlNodePtr sig, const struct tamga__xml_sig *res);

#endif
