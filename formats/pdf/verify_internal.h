/*
 * formats/pdf/verify_internal.h - what verify.c (finding and checking
 * signatures) and mdp.c (what changed after each, judged against DocMDP,
 * FieldMDP and field locks) share.  Internal to formats/pdf.
 */
#ifndef TAMGA_FORMATS_PDF_VERIFY_INTERNAL_H
#define TAMGA_FORMATS_PDF_VERIFY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "formats/evidence.h"
#include "formats/pdf/pdf.h"

/* Limits of the verifier, on top of the reader's. */
#define PDFV_MAX_SIGS 100          /* signatures in one document */
#define PDFV_MAX_FIELDS 10000      /* nodes of the form field tree */
#define PDFV_MAX_FIELD_DEPTH 32    /* nesting of /Kids */
#define PDFV_MAX_WALK 2000000      /* values visited while mapping one document */
#define PDFV_MAX_COMPARE 1000000   /* values compared for one object */
#define PDFV_MAX_LOCKED 1000       /* field names one lock may name */

/* What an object number is used for in one revision (bits of struct pdfv_role). */
enum {
	PDFV_CATALOG = 1u << 0,
	PDFV_PAGES = 1u << 1,      /* an intermediate page tree node */
	PDFV_PAGE = 1u << 2,
	PDFV_CONTENT = 1u << 3,    /* a page's /Contents */
	PDFV_RES = 1u << 4,        /* reachable from a page's (or page tree node's) /Resources */
	PDFV_ANNOTS = 1u << 5,     /* an indirect /Annots array */
	PDFV_ANNOT = 1u << 6,      /* an annotation listed by a page */
	PDFV_AP = 1u << 7,         /* reachable from an annotation's or widget's /AP or /MK */
	PDFV_FIELD = 1u << 8,      /* a node of the form field tree (fields and widgets) */
	PDFV_SIGFIELD = 1u << 9,   /* ... whose field type is /Sig */
	PDFV_NAMED = 1u << 10,     /* ... with a /T of its own */
	PDFV_SIGDICT = 1u << 11,   /* a signature field's /V */
	PDFV_ACROFORM = 1u << 12,  /* an indirect /AcroForm */
	PDFV_FIELDS = 1u << 13,    /* an indirect /AcroForm /Fields array */
	PDFV_DR = 1u << 14,        /* reachable from /AcroForm /DR */
	PDFV_DSS = 1u << 15,       /* reachable from the catalog's /DSS */
	PDFV_META = 1u << 16,      /* catalog /Metadata, trailer /Info */
	PDFV_FIELDVAL = 1u << 17,  /* reachable from a non-signature field's /V */
	PDFV_KIDS = 1u << 18       /* an indirect /Kids array of the field tree */
};

struct pdfv_role {
	uint32_t bits;
	int32_t page;              /* index of the (first) page it belongs to, -1 none */
	uint32_t owner;            /* PDFV_AP: the annotation; PDFV_SIGDICT: the field */
	char *name;                /* PDFV_FIELD: fully qualified field name (UTF-8) */
};

/* A signature found through the form field tree. */
struct pdfv_found {
	uint32_t num;              /* the signature dictionary's object */
	uint16_t gen;
	uint32_t field;            /* the field holding it, 0 when direct */
	char *name;                /* fully qualified field name, or NULL */
	int refs;                  /* fields referring to it */
};

/* Roles of every object number of one document, and for the final one the
 * signatures its form holds. */
struct pdfv_map {
	pdf_doc *doc;
	uint32_t size;
	struct pdfv_role *roles;   /* size entries */
	size_t work;               /* values visited */
	int truncated;             /* PDFV_MAX_WALK reached */
	size_t fields;             /* field tree nodes seen */
	struct pdfv_found *found;  /* only when collecting */
	size_t nfound;
	int collect;
	char *error;               /* a form field tree the verifier refuses (malloc'd) */
};

/* Build the roles of doc; collect: also list the signatures.  0, or a
 * negative code for out of memory only (map->error describes a form tree
 * that cannot be read). */
int tamga__pdfv_map_build(struct pdfv_map *map, pdf_doc *doc, int collect);
void tamga__pdfv_map_free(struct pdfv_map *map);

/* A field lock of a signature (FieldMDP transform or /Lock). */
struct pdfv_lock {
	int all;                   /* /Action /All */
	int exclude;               /* /Action /Exclude: names are the unlocked ones */
	char **names;
	size_t count;
};

/* What mdp.c needs to know of one signature. */
struct pdfv_sig {
	struct tamga__sig_evidence *ev; /* refreshed before each use */
	size_t ev_index;
	uint32_t num;
	uint32_t field;
	size_t covered_end;        /* c + d, 0 when unknown */
	size_t contents_at;        /* b */
	int docmdp;                /* P from its /Reference, 0 none */
	int perms;                 /* the catalog's /Perms /DocMDP names it */
	struct pdfv_lock *locks;
	size_t lock_count;
};

/*
 * The changes between the revision sigs[index] covers (data[0 .. end)) and
 * the whole document, as modifications of that signature.  final: the map
 * of the whole document; cert: DocMDP P of the document's certification
 * signature (0 none).  Negative only for out of memory.
 */
int tamga__pdfv_mdp(const struct pdfv_map *final, struct pdfv_sig *sigs, size_t count, size_t index, int cert);

/* Whether field name is locked by l. */
int tamga__pdfv_locked(const struct pdfv_lock *l, const char *name);

/* A PDF text string (§7.9.2.2: PDFDocEncoding, UTF-16BE or UTF-8 with a
 * byte order mark) as malloc'd UTF-8; NULL on out of memory. */
char *tamga__pdfv_text(const unsigned char *s, size_t len);

/* A PDF date (§7.9.4) "D:YYYYMMDDHHmmSSOHH'mm'"; TAMGA_EFORMAT when it is not one. */
/* 1 when the last error is out-of-memory (the one failure never softened). */
int tamga__pdfv_oom(void);
/* obj resolved; *out NULL (and 0 returned) when it cannot be read or is
 * null: an unreadable object has no role, and a change to it is still
 * seen.  Negative only for out-of-memory. */
int tamga__pdfv_resolve(pdf_doc *doc, pdf_obj *obj, pdf_obj **out);
int tamga__pdfv_date(const unsigned char *s, size_t len, tamga_time *out);

/* Deep structural equality of two values as written (references are not
 * followed; streams compare their dictionaries and raw bytes).  *budget
 * is decremented per value; 0 when it runs out (then "not equal"). */
int tamga__pdfv_equal(const pdf_obj *a, const pdf_obj *b, size_t *budget);

#endif
