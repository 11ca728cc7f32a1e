/*
 * formats/ooxml/opc.h - the Open Packaging Conventions as the OOXML
 * signature code needs them (ECMA-376 Part 2): part names, content types
 * ([Content_Types].xml, §10.1.2) and relationships (.rels parts, §9.3).
 * Private to formats/ooxml/ (sign.c, verify.c).
 *
 * Part names compare case-insensitively (ASCII) after percent-decoding
 * (§9.1.1.1): every part is known here by its key, the decoded, lowercased
 * name without the leading '/' ("word/document.xml").  A package in which
 * two ZIP entries have the same key is refused: a signature checker and a
 * viewer could pick different ones.
 */
#ifndef TAMGA_FORMATS_OOXML_OPC_H
#define TAMGA_FORMATS_OOXML_OPC_H

#include <stddef.h>

#include <tamga/common.h>

#include "formats/evidence.h"
#include "formats/format.h"
#include "formats/zip/zip.h"

#define TAMGA__OPC_NS_CT "http://schemas.openxmlformats.org/package/2006/content-types"
#define TAMGA__OPC_NS_RELS "http://schemas.openxmlformats.org/package/2006/relationships"
#define TAMGA__OPC_NS_MDSSI "http://schemas.openxmlformats.org/package/2006/digital-signature"
#define TAMGA__OPC_RT_ORIGIN "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin"
#define TAMGA__OPC_RT_SIGNATURE \
	"http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/signature"
#define TAMGA__OPC_CT_ORIGIN "application/vnd.openxmlformats-package.digital-signature-origin"
#define TAMGA__OPC_CT_SIGNATURE "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml"
#define TAMGA__OPC_CT_RELS "application/vnd.openxmlformats-package.relationships+xml"
#define TAMGA__OPC_CONTENT_TYPES "[content_types].xml" /* its key */
#define TAMGA__OPC_SIG_DIR "_xmlsignatures/"

/* The package: its ZIP entries by key, and its content types. */
struct tamga__opc {
	const struct tamga__zip *zip;   /* borrowed */
	size_t count;                   /* ZIP entries */
	char **keys;                    /* per entry; NULL for a directory entry */
	char **names;                   /* per entry: decoded, case kept ("word/Document.xml"); NULL for directories */
	size_t *sorted;                 /* the entries that are parts, by key */
	size_t part_count;
	struct tamga__opc_default { char *ext, *type; } *defaults; /* ext lowercased */
	size_t default_count;
	struct tamga__opc_override { char *key, *type; } *overrides;
	size_t override_count;
};

/*
 * Read the package structure of zip (borrowed until tamga__opc_free):
 * keys of every entry and [Content_Types].xml.  Errors: TAMGA_EFORMAT
 * ("not an OOXML package: no [Content_Types].xml", two entries with the
 * same part name, a malformed or ambiguous [Content_Types].xml),
 * TAMGA_ELIMIT, TAMGA_ENOMEM.
 */
int tamga__opc_open(struct tamga__opc **out, const struct tamga__zip *zip);
void tamga__opc_free(struct tamga__opc *opc);

/* Key of a part name or ZIP entry name (leading '/' dropped), malloc'd.
 * TAMGA_EFORMAT for bad percent-encoding or a NUL; TAMGA_ENOMEM. */
int tamga__opc_key(char **out, const char *name);

/* The entry index of the part with that key, or -1. */
long tamga__opc_find(const struct tamga__opc *opc, const char *key);

/* The content type of the part with that key ([Content_Types].xml:
 * Override, else Default by extension), or NULL. */
const char *tamga__opc_content_type(const struct tamga__opc *opc, const char *key);

/* 1 when key is below _xmlsignatures/. */
int tamga__opc_in_sig_dir(const char *key);

/* ------------------------------------------------------------ relationships */

struct tamga__opc_rel {
	char *id, *type, *target;       /* as written */
	int external;                   /* TargetMode="External" */
	char *target_key;               /* the part it names; NULL when external or outside the package */
};

struct tamga__opc_rels {
	struct tamga__opc_rel *rels;
	size_t count;
	int duplicate_ids;              /* two Relationship elements share an Id */
};

/*
 * Parse the .rels part data whose key is rels_key (targets resolve against
 * its source part).  Errors: TAMGA_EFORMAT (not well-formed, not a
 * Relationships document, a Relationship without Id, Type or Target),
 * TAMGA_ELIMIT, TAMGA_ENOMEM.
 */
int tamga__opc_rels_parse(struct tamga__opc_rels *out, const unsigned char *data, size_t len, const char *rels_key);
void tamga__opc_rels_free(struct tamga__opc_rels *rels);

/* The source part of a relationships part: "word/_rels/document.xml.rels"
 * -> "word/document.xml", "_rels/.rels" -> "" (the package).  0 and *out
 * malloc'd, or TAMGA_ENOTFOUND when key does not name a relationships
 * part. */
int tamga__opc_rels_source(char **out, const char *key);
/* The relationships part of source ("" for the package), malloc'd or NULL
 * (out of memory, error set). */
char *tamga__opc_rels_of(const char *source);

/* Resolve target (a relative or absolute part URI) from the source part
 * ("" the package) into a key, as RFC 3986 §5.2 does (a ".." at the root
 * is dropped).  TAMGA_EFORMAT for a URI with a scheme or naming no part. */
int tamga__opc_resolve(char **out, const char *source_key, const char *target);

/* 1 when type is a relationship type Office or LibreOffice leave out of
 * their signatures and tamga accepts unsigned: document properties,
 * thumbnails, signature origin/signature/certificate, macro signatures. */
int tamga__opc_rel_type_unsigned(const char *type);
/* 1 for document properties and thumbnail types (their targets are
 * reported when unsigned), 2 for macro signatures, 3 for the signature
 * machinery, 0 otherwise. */
int tamga__opc_rel_type_class(const char *type);

/*
 * Rewrite a .rels part: whitespace-only text between elements removed
 * (xmlsec 1.2.37, and LibreOffice 7.x through it, digest such text
 * differently from the specification, so tamga never signs it), and
 * when add_type is not NULL, one Relationship appended with a fresh Id
 * (written to *new_id when not NULL, malloc'd).  data NULL: a new empty
 * Relationships document.  *changed (may be NULL) is 0 when nothing was
 * removed or added; out receives the document in every case.
 */
int tamga__opc_rels_rewrite(tamga_buf *out, int *changed, const unsigned char *data, size_t len, const char *what,
                            const char *add_type, const char *add_target, char **new_id);

/* [Content_Types].xml data with an Override (part name "/" + name, the
 * name percent-encoded) giving each of the n names its type (an existing
 * Override for the part is changed), appended to out. */
int tamga__opc_ct_set(tamga_buf *out, const unsigned char *data, size_t len, const char *const *names,
                      const char *const *types, size_t n);

/* Append name percent-encoded as a part name (characters outside the
 * RFC 3986 path set as %XX), without the leading '/'. */
int tamga__opc_uri_encode(tamga_buf *out, const char *name);

/* ------------------------------------------------------------ reading parts */

/*
 * Parts by key, each read (inflated) once and kept until the reader is
 * freed, with an overlay of replacement contents (the signer's rewritten
 * parts).  tamga__opc_read gives borrowed bytes, valid until
 * tamga__opc_reader_free: TAMGA_ENOTFOUND when there is no such part.
 */
struct tamga__opc_reader {
	const struct tamga__opc *opc;
	tamga_buf *cache;               /* per entry */
	unsigned char *loaded;          /* per entry: 1 when cache[i] holds it */
	struct tamga__opc_overlay { char *key; tamga_buf data; } *over;
	size_t over_count;
};

int tamga__opc_reader_init(struct tamga__opc_reader *r, const struct tamga__opc *opc);
void tamga__opc_reader_free(struct tamga__opc_reader *r);
/* Replace (or add) the part key with a copy of data. */
int tamga__opc_reader_put(struct tamga__opc_reader *r, const char *key, const void *data, size_t len);
int tamga__opc_read(struct tamga__opc_reader *r, const char *key, const unsigned char **data, size_t *len);
/* The same as a struct tamga__xml_package read callback (payload: the
 * reader; path: decoded, as xmldsig gives it). */
int tamga__opc_xml_read(void *payload, const char *path, const unsigned char **data, size_t *len);

/* ------------------------------------------------------------ signatures */

/*
 * The package's document signatures, found only as ECMA-376 Part 2 §13.2
 * says: _rels/.rels -> the origin part (relationship digital-signature/
 * origin) -> its relationships part -> the signature parts (relationship
 * digital-signature/signature), in relationship order.  Whatever else
 * looks like a signature (an _xmlsignatures/ part reached another way, a
 * relationship of another type from the origin, a macro signature) is
 * not one: a warning says so.
 */
struct tamga__opc_sigs {
	char *origin;                   /* key of the origin part; NULL when none */
	char *origin_rels;              /* key of its relationships part; NULL when none */
	size_t origin_count;            /* distinct origins named by _rels/.rels (more than 1: ambiguous) */
	char **parts;                   /* keys of the signature parts */
	size_t count;
	char **warnings;
	size_t warning_count;
};

/* Errors: TAMGA_EFORMAT when _rels/.rels or the origin's relationships
 * cannot be read (the message says which), TAMGA_ENOMEM. */
int tamga__opc_signatures(struct tamga__opc_sigs *out, struct tamga__opc_reader *r);
void tamga__opc_sigs_free(struct tamga__opc_sigs *s);


/* ------------------------------------------------------------ the handler's operations */

/* sign.c: stamp, then add a package signature (format.h, sign). */
int tamga__ooxml_sign(struct tamga__sign_job *job);
/* verify.c: the package's signatures and what they leave out (format.h, verify). */
int tamga__ooxml_verify(const unsigned char *data, size_t len, struct tamga__evidence *ev);

#endif
