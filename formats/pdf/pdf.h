/*
 * formats/pdf/pdf.h - tamga's strict PDF reader and incremental writer
 * (internal to libtamga).  ISO 32000-1 (PDF 1.7) / ISO 32000-2 (PDF 2.0).
 *
 * One parser serves signing and verification (DESIGN.md §6): a verifier
 * must see exactly the bytes and revisions a viewer sees.  The reader never
 * repairs a file: what it cannot parse exactly is an error naming the byte
 * offset.  Every input is hostile, so every loop is bounded by the limits
 * below and all memory of a document comes from one arena with a budget.
 *
 *     file:  %PDF-1.x ... objects ... xref/trailer ... startxref N %%EOF
 *            [ incremental update: objects ... xref (/Prev) ... %%EOF ]*
 *
 * Objects (§7.3) are pdf_obj values allocated in a pdf_arena; they are
 * freed all at once with the arena.  Parsed objects point into the input
 * buffer for stream data, so the buffer must outlive the document.
 */
#ifndef TAMGA_FORMATS_PDF_PDF_H
#define TAMGA_FORMATS_PDF_PDF_H

#include <stddef.h>
#include <stdint.h>

#include <tamga/common.h>
#include <tamga/signer.h>

/* ------------------------------------------------------------------ limits */

struct pdf_limits {
	size_t max_file;          /* bytes of input */
	size_t max_objects;       /* highest object number + 1 (trailer /Size) */
	unsigned int max_depth;   /* nesting of arrays and dictionaries */
	size_t max_stream;        /* decoded bytes of one stream */
	unsigned int max_ratio;   /* decoded / encoded bytes of one stream */
	size_t max_memory;        /* arena budget of one document */
	unsigned int max_revisions; /* xref sections in the /Prev chain */
	unsigned int max_resolve; /* indirect references followed in a row */
};

/* Defaults: 512 MiB file, 4 M objects, depth 64, 256 MiB per decoded
 * stream, ratio 1100 (deflate's own maximum is about 1032), 1 GiB arena,
 * 10 000 revisions, 32 references in a row. */
void tamga__pdf_limits_default(struct pdf_limits *out);

/* ------------------------------------------------------------------ objects */

typedef enum {
	PDF_NULL = 0,
	PDF_BOOL,
	PDF_INT,
	PDF_REAL,
	PDF_STRING,
	PDF_NAME,
	PDF_ARRAY,
	PDF_DICT,
	PDF_STREAM,
	PDF_REF
} pdf_type;

typedef struct pdf_obj pdf_obj;
typedef struct pdf_arena pdf_arena;

struct pdf_dict_entry {
	const char *key;          /* decoded name without '/', NUL-terminated */
	size_t key_len;
	pdf_obj *value;
};

/* String flags. */
#define PDF_STR_HEX 0x01          /* written as <hex> (parsed: was hex) */
#define PDF_STR_PLACEHOLDER 0x02  /* signature /Contents: position recorded when written */
/* Array flag. */
#define PDF_ARR_PLACEHOLDER 0x04  /* signature /ByteRange: fixed width, position recorded */

struct pdf_obj {
	pdf_type type;
	unsigned int flags;
	size_t offset;            /* byte offset where parsed; SIZE_MAX when made */
	union {
		int boolean;
		int64_t integer;
		struct {
			double value;
			const char *text; /* parsed token, re-written verbatim; NULL when made */
			size_t text_len;
		} real;
		struct {
			unsigned char *data; /* decoded bytes (escapes and hex resolved) */
			size_t len;
		} string;
		struct {
			char *data;       /* decoded (#xx resolved), NUL-terminated, no '/' */
			size_t len;
		} name;
		struct {
			pdf_obj **items;
			size_t len, cap;
		} array;
		struct {
			struct pdf_dict_entry *items;
			size_t len, cap;
		} dict;
		struct {
			pdf_obj *dict;    /* the stream dictionary */
			const unsigned char *data; /* raw (encoded) bytes: in the input, or arena */
			size_t len;
			size_t data_offset; /* of the first data byte in the input; SIZE_MAX when made */
		} stream;
		struct {
			uint32_t num;
			uint16_t gen;
		} ref;
	} u;
};

/* Arena: all memory of one document or one update, freed together.
 * budget 0 = unlimited (for objects tamga makes itself). */
pdf_arena *tamga__pdf_arena_new(size_t budget);
void tamga__pdf_arena_free(pdf_arena *arena);
/* NULL with TAMGA_ENOMEM or TAMGA_ELIMIT ("document needs more than N
 * bytes of memory") set. */
void *tamga__pdf_alloc(pdf_arena *arena, size_t size);

/* Constructors: NULL on failure (error set). */
pdf_obj *tamga__pdf_null(pdf_arena *a);
pdf_obj *tamga__pdf_bool(pdf_arena *a, int value);
pdf_obj *tamga__pdf_int(pdf_arena *a, int64_t value);
pdf_obj *tamga__pdf_real(pdf_arena *a, double value);
pdf_obj *tamga__pdf_name(pdf_arena *a, const char *name);
pdf_obj *tamga__pdf_string(pdf_arena *a, const void *data, size_t len, unsigned int flags);
pdf_obj *tamga__pdf_array(pdf_arena *a);
pdf_obj *tamga__pdf_dict(pdf_arena *a);
pdf_obj *tamga__pdf_ref(pdf_arena *a, uint32_t num, uint16_t gen);
/* A stream whose data is copied into the arena; /Length is set on dict. */
pdf_obj *tamga__pdf_stream(pdf_arena *a, pdf_obj *dict, const void *data, size_t len);

/* Containers.  Keys are names without '/'.  set replaces an existing key. */
int tamga__pdf_array_push(pdf_arena *a, pdf_obj *array, pdf_obj *item);
int tamga__pdf_dict_set(pdf_arena *a, pdf_obj *dict, const char *key, pdf_obj *value);
/* The value for key (not resolved), NULL when absent or dict is not a
 * dictionary (a stream's dictionary is looked up too). */
pdf_obj *tamga__pdf_dict_get(const pdf_obj *dict, const char *key);
/* A deep copy into another arena (references stay references). */
pdf_obj *tamga__pdf_copy(pdf_arena *a, const pdf_obj *obj);

/* Type tests that tolerate NULL. */
int tamga__pdf_is_name(const pdf_obj *obj, const char *name);
/* The dictionary of a dict or stream object, else NULL. */
pdf_obj *tamga__pdf_dict_of(const pdf_obj *obj);

/*
 * Serialise one object (not "N G obj ... endobj") in PDF syntax.  Reals are
 * written verbatim when parsed, else in fixed notation with up to 6
 * decimals; names escape #, delimiters and bytes outside 0x21-0x7E; strings
 * are literal with escapes unless PDF_STR_HEX.  Placeholders: when marks is
 * not NULL, the offset (within out) of the first byte of a PDF_STR_PLACEHOLDER
 * string's '<' and of a PDF_ARR_PLACEHOLDER array's '[' are stored.
 */
struct pdf_marks {
	size_t contents;          /* of '<'; SIZE_MAX when none written */
	size_t contents_len;      /* bytes from '<' to '>' inclusive */
	size_t byterange;         /* of '[' */
	size_t byterange_len;     /* bytes from '[' to ']' inclusive */
};
int tamga__pdf_serialize(tamga_buf *out, const pdf_obj *obj, struct pdf_marks *marks);

/* Width of each number in a /ByteRange placeholder: enough for any offset
 * up to 10^10 - 1, so the array never changes length when filled in. */
#define PDF_BYTERANGE_DIGITS 10

/*
 * Somewhere to put new indirect objects: an incremental update
 * (tamga__pdf_update_sink), or in tests a whole new file.  Builders that
 * make several objects (fonts, appearance streams) take a sink, so they do
 * not depend on where the objects go.
 */
struct pdf_sink {
	pdf_arena *arena;                                  /* allocate objects here */
	void *ctx;
	int (*alloc)(void *ctx, uint32_t *num);            /* a fresh object number */
	int (*put)(void *ctx, uint32_t num, pdf_obj *obj); /* object num is obj */
};

/* ------------------------------------------------------------------ reader */

typedef struct pdf_doc pdf_doc;

/* One cross-reference section, oldest first, as the file holds them.  A
 * linearized file's first-page section (Annex F) is part of the first
 * revision and not listed on its own; every listed section ends in its own
 * "startxref N %%EOF". */
struct pdf_revision {
	size_t xref_offset;       /* where 'xref' or the xref stream object starts */
	size_t end;               /* offset just past this section's %%EOF line (EOL included) */
	int is_stream;            /* xref stream (1) or classic table (0) */
	int hybrid;               /* a table with /XRefStm */
};

/*
 * Parse the document in data[0 .. len).  Encrypted documents (/Encrypt in
 * the trailer) are refused with TAMGA_EUNSUPPORTED; anything malformed is
 * TAMGA_EFORMAT with a message naming the byte offset; limits exceeded are
 * TAMGA_ELIMIT.  data must stay valid and unchanged until tamga__pdf_close.
 * limits may be NULL for the defaults.
 */
int tamga__pdf_open(pdf_doc **out, const unsigned char *data, size_t len, const struct pdf_limits *limits);
void tamga__pdf_close(pdf_doc *doc);

/* The document's arena (objects returned by the reader live there). */
pdf_arena *tamga__pdf_doc_arena(pdf_doc *doc);
/* The newest trailer (for an xref stream: its dictionary). */
pdf_obj *tamga__pdf_trailer(pdf_doc *doc);
/* Trailer /Size: object numbers are below it. */
uint32_t tamga__pdf_size(pdf_doc *doc);
/* Revisions, oldest first. */
size_t tamga__pdf_revision_count(pdf_doc *doc);
const struct pdf_revision *tamga__pdf_revision(pdf_doc *doc, size_t index);
/* Input bytes and length. */
const unsigned char *tamga__pdf_data(pdf_doc *doc, size_t *len);
/* Header version, e.g. 17 for %PDF-1.7. */
int tamga__pdf_version(pdf_doc *doc);

/*
 * The object num gen R, parsed (cached; later calls return the same
 * pointer).  A free or missing object is the null object (§7.3.10), not an
 * error.  Objects in object streams are found too.
 */
int tamga__pdf_get(pdf_doc *doc, uint32_t num, uint16_t gen, pdf_obj **out);
/* The generation number the newest xref section gives object num (0 for
 * objects in object streams and for free or missing objects). */
int tamga__pdf_object_gen(pdf_doc *doc, uint32_t num, uint16_t *gen);
/* obj itself, or what it refers to (following up to max_resolve refs). */
int tamga__pdf_resolve(pdf_doc *doc, pdf_obj *obj, pdf_obj **out);
/* Resolved dictionary entry; *out NULL when absent or null (§7.3.7). */
int tamga__pdf_dict_resolve(pdf_doc *doc, const pdf_obj *dict, const char *key, pdf_obj **out);

/* Decode a stream's data through its /Filter chain into out (appended).
 * Supported: FlateDecode (with PNG and TIFF predictors), ASCIIHexDecode,
 * ASCII85Decode; others are TAMGA_EUNSUPPORTED naming the filter.  The
 * limits max_stream and max_ratio are TAMGA_ELIMIT. */
int tamga__pdf_stream_decode(pdf_doc *doc, const pdf_obj *stream, tamga_buf *out);

/* The document catalog (trailer /Root, resolved, checked to be a dict). */
int tamga__pdf_catalog(pdf_doc *doc, pdf_obj **out);

/* A page, with attributes inherited from the page tree (§7.7.3.4). */
struct pdf_page {
	uint32_t num;             /* the page object's number and generation */
	uint16_t gen;
	pdf_obj *dict;            /* the page dictionary */
	double mediabox[4];       /* llx lly urx ury, normalised so ll < ur */
	double cropbox[4];        /* = mediabox when absent; intersected with it */
	int rotate;               /* 0, 90, 180 or 270 */
	pdf_obj *resources;       /* resolved dictionary, or NULL */
};

int tamga__pdf_page_count(pdf_doc *doc, size_t *out);
/* index from 0; TAMGA_EINVAL when there is no such page. */
int tamga__pdf_page(pdf_doc *doc, size_t index, struct pdf_page *out);

/* ------------------------------------------------------------------ writer */

/*
 * An incremental update (§7.5.6): new and replaced objects appended after
 * the original bytes, with a cross-reference section in the style of the
 * file's newest one (table, or stream) whose /Prev is the old startxref,
 * and a trailer carrying /Root, /Info, /ID over and /Size updated.  The
 * original bytes are never changed: they are an exact prefix of the result.
 */
typedef struct pdf_update pdf_update;

int tamga__pdf_update_new(pdf_update **out, pdf_doc *doc);
void tamga__pdf_update_free(pdf_update *up);
/* Arena for the update's objects. */
pdf_arena *tamga__pdf_update_arena(pdf_update *up);
/* A fresh object number (>= the document's /Size). */
int tamga__pdf_update_alloc(pdf_update *up, uint32_t *num);
/* Write obj as object num (new, or replacing the document's object num; the
 * generation of a replaced object is kept). */
int tamga__pdf_update_set(pdf_update *up, uint32_t num, pdf_obj *obj);
/* A sink that allocates and sets objects of this update. */
void tamga__pdf_update_sink(pdf_update *up, struct pdf_sink *out);

/*
 * Append the update to out (which must already hold exactly the original
 * bytes, or be empty with base = the original length: offsets in the xref
 * are base + position).  marks receives the placeholder offsets relative to
 * the start of the whole file.
 */
int tamga__pdf_update_write(pdf_update *up, tamga_buf *out, size_t base, struct pdf_marks *marks);

/* ------------------------------------------------------------------ LTV */

/*
 * PAdES B-LT / B-LTA (formats/pdf/ltv.c): append to file (the whole signed
 * document) an update adding to the catalog's /DSS the validation data of
 * the signature whose CMS is cms (its certificates, its time-stamp tokens'
 * certificates, the signer's chain; OCSP responses and CRLs per
 * revocation, CRLs from crl_files else fetched; /VRI keyed by the SHA-1 of
 * cms), then, when tsa_url is set, an update with a document time-stamp
 * from that TSA.  A signer already revoked at the signature's time-stamp is
 * refused (TAMGA_ESTATE).  On error file may hold some of the updates: the
 * caller discards it.  formats/pdf/ltv.h has the general form (extending).
 */
struct tamga__pdf_ltv {
	const tamga_signer *signer;      /* chain certificates to add; may be NULL */
	const char *const *crl_files;    /* CRLs (PEM or DER) to embed; none: fetch */
	size_t crl_file_count;
	const char *tsa_url;             /* B-LTA: document time-stamp; NULL: B-LT */
	const char *field_name;          /* the time-stamp field's /T; NULL: a default */
	int revocation;                  /* tamga_revdata: OCSP, CRLs or both */
	int allow_revoked;               /* embed even for a signer revoked before its time */
	tamga_time now;                  /* fetched OCSP responses fresh at; 0 = now */
};
int tamga__pdf_ltv(tamga_buf *file, const unsigned char *cms, size_t cms_len, const struct tamga__pdf_ltv *o);

/* ------------------------------------------------------------------ verifier */

struct tamga__evidence;

/*
 * The PDF handler's verify operation (formats/format.h): the signatures of
 * the final revision's AcroForm, their /ByteRange and /Contents checked
 * against the file's bytes, the revision each covers, and every change
 * after it classified against DocMDP / FieldMDP (formats/pdf/verify.c).
 */
int tamga__pdf_verify(const unsigned char *data, size_t len, struct tamga__evidence *ev);

#endif
