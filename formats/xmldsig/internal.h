/*
 * formats/xmldsig/internal.h - what xml.c, rels.c, sign.c and verify.c share
 * (private to formats/xmldsig/).
 */
#ifndef TAMGA_FORMATS_XMLDSIG_INTERNAL_H
#define TAMGA_FORMATS_XMLDSIG_INTERNAL_H

#include <openssl/evp.h>

#include <xmlsec/xmldsig.h>

#include "formats/xmldsig/xmldsig.h"

#define NS_OPC_RELS "http://schemas.openxmlformats.org/package/2006/relationships"
#define NS_OPC_DSIG "http://schemas.openxmlformats.org/package/2006/digital-signature"
#define ALG_RELS "http://schemas.openxmlformats.org/package/2006/RelationshipTransform"
#define ALG_C14N "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
#define ALG_C14N_C "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"
#define ALG_EXC_C14N "http://www.w3.org/2001/10/xml-exc-c14n#"
#define ALG_EXC_C14N_C "http://www.w3.org/2001/10/xml-exc-c14n#WithComments"
#define ALG_C14N11 "http://www.w3.org/2006/12/xml-c14n11"
#define ALG_C14N11_C "http://www.w3.org/2006/12/xml-c14n11#WithComments"
#define ALG_ENVELOPED "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
#define TYPE_SIGNED_PROPS "http://uri.etsi.org/01903#SignedProperties"

/*
 * The package the calling thread is signing or verifying with, for the
 * xmlsec I/O callbacks (tamgad checks documents in several threads).
 * Set it before xmlsec runs, reset it (NULL) after.
 */
void tamga__xml_set_package(const struct tamga__xml_package *pkg);

/*
 * Split a package Reference URI: "/word/document.xml?ContentType=x" gives
 * path "word/document.xml" (percent-decoded, no leading '/') and
 * content_type "x" (NULL when absent).  Refused (TAMGA_EFORMAT): a scheme
 * ("http:", "file:"), a fragment, "." or ".." segments, "//", a backslash,
 * NUL or control bytes, an empty path.  Both malloc'd.
 */
int tamga__xml_package_path(const char *uri, char **path, char **content_type);

/* An xmlsec context restricted to what these formats use (header comment
 * of xmldsig.h), with key as its signing/verification key (adopted: on
 * success the context owns it). */
xmlSecDSigCtxPtr tamga__xml_dsig_ctx(EVP_PKEY *key, int sign);

/* Digest algorithm by DigestMethod URI; NULL when not one tamga accepts. */
const EVP_MD *tamga__xml_md_by_uri(const char *uri, const char **name);

/*
 * The OPC RelationshipTransform (ECMA-376 Part 2 §13.2.4.24) of the .rels
 * document rels, selecting the Relationship elements whose Id is among
 * ids (SourceId) or whose Type is among types (SourceType), then C14N 1.0:
 * the digest input, appended to out.  legacy: also emit what xmlsec 1.2.37
 * (and LibreOffice 7.x through it) does for the root's non-element
 * children (see rels.c).
 */
int tamga__xml_rels_transform(tamga_buf *out, xmlDocPtr rels, char *const *ids, size_t id_count,
                              char *const *types, size_t type_count, int legacy);

/* Base64 of data into a malloc'd string (no newlines). */
char *tamga__xml_base64(const unsigned char *data, size_t len);
/* Decode base64 text (whitespace ignored) into out. */
int tamga__xml_unbase64(tamga_buf *out, const char *text);

/* C14N 1.0 (without comments) of the subtree at node, appended to out. */
int tamga__xml_c14n_node(tamga_buf *out, xmlNodePtr node);
/* The same with the algorithm URI alg (C14N 1.0, exclusive or 1.1, with or
 * without comments; NULL: C14N 1.0). */
int tamga__xml_c14n_node_alg(tamga_buf *out, xmlNodePtr node, const char *alg);

/* First element child of node (or next element sibling with next=1) */
xmlNodePtr tamga__xml_first_elem(xmlNodePtr node);
xmlNodePtr tamga__xml_next_elem(xmlNodePtr node);
int tamga__xml_is(xmlNodePtr node, const char *ns, const char *name);

/* Register every Id attribute of doc as an ID (xmlAddID); TAMGA_EFORMAT
 * when one value is used twice (signature wrapping). */
int tamga__xml_register_ids(xmlDocPtr doc);

/* Read the part path through pkg and parse it (hardened).  ENOTFOUND when
 * the package has no such part. */
int tamga__xml_part_parse(xmlDocPtr *out, const struct tamga__xml_package *pkg, const char *path);

/*
 * A Manifest Reference whose Transforms are the OPC RelationshipTransform
 * then C14N 1.0, computed by rels.c.  Signing writes the DigestValue (the
 * spec's reading); verifying sets *ok (spec) or *legacy (xmlsec 1.2.37's
 * reading matched instead: whitespace placeholders, and SourceIds alone,
 * RelationshipsGroupReference ignored).  Returns 1 when ref is not such a Reference
 * (xmlsec handles it), 0 when done, negative on error.
 */
int tamga__xml_rels_ref(xmlNodePtr ref, const struct tamga__xml_package *pkg, int sign, int *ok, int *legacy);

/* Process one Reference with xmlsec (sign: fill DigestValue; verify: *ok). */
int tamga__xml_xmlsec_ref(xmlSecDSigCtxPtr ctx, xmlNodePtr ref, int manifest, int *ok);

#endif
