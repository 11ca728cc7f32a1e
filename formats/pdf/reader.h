/*
 * formats/pdf/reader.h - what the reader's files share (internal to the PDF
 * reader: lexer.c, xref.c, filter.c, objstm.c, document.c, page.c).
 *
 * Nothing outside formats/pdf should include this header; pdf.h is the
 * interface.
 */
#ifndef TAMGA_FORMATS_PDF_READER_H
#define TAMGA_FORMATS_PDF_READER_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/error.h"
#include "formats/pdf/pdf.h"

/* ------------------------------------------------------------------ lexer (lexer.c) */

/* Bytes being tokenised: the file, or the decoded data of an object stream
 * (objstm != 0), which error messages name instead of a file offset. */
struct pdf_lexer {
	const unsigned char *data;
	size_t len;
	size_t pos;
	pdf_arena *arena;
	const struct pdf_limits *limits;
	uint32_t objstm;
};

enum pdf_tok {
	PDF_TOK_EOF = 0,
	PDF_TOK_INT,
	PDF_TOK_REAL,
	PDF_TOK_STRING,     /* ( ... ): start..end include the parentheses */
	PDF_TOK_HEXSTRING,  /* < ... > */
	PDF_TOK_NAME,       /* /... */
	PDF_TOK_ARRAY_OPEN,
	PDF_TOK_ARRAY_CLOSE,
	PDF_TOK_DICT_OPEN,
	PDF_TOK_DICT_CLOSE,
	PDF_TOK_KEYWORD     /* any other run of regular characters */
};

struct pdf_token {
	enum pdf_tok type;
	size_t start, end;  /* the token's bytes: data[start .. end) */
	int64_t integer;    /* PDF_TOK_INT */
	int is_unsigned;    /* PDF_TOK_INT written without a sign */
};

void tamga__pdf_lexer_init(struct pdf_lexer *lx, const unsigned char *data, size_t len, size_t pos,
                           pdf_arena *arena, const struct pdf_limits *limits);

/* Character classes (§7.2.2, §7.2.3). */
int tamga__pdf_is_ws(unsigned char c);
int tamga__pdf_is_delim(unsigned char c);

/* Skip white space and comments. */
void tamga__pdf_skip_ws(struct pdf_lexer *lx);
/* The next token; TAMGA_EFORMAT (offset named) on a malformed one. */
int tamga__pdf_lex(struct pdf_lexer *lx, struct pdf_token *tok);
/* Whether tok is the keyword kw. */
int tamga__pdf_tok_is(const struct pdf_lexer *lx, const struct pdf_token *tok, const char *kw);

/* One direct object (§7.3) starting at the next token; references "N G R"
 * are recognised.  Streams are not: the caller looks for "stream". */
int tamga__pdf_parse_object(struct pdf_lexer *lx, pdf_obj **out);
/* The same, from a token already read. */
int tamga__pdf_parse_token(struct pdf_lexer *lx, const struct pdf_token *tok, pdf_obj **out);

/* Set code and "PDF: offset N: <message>" (or "PDF: object stream S,
 * offset N: ..." for decoded object stream data); returns code. */
int tamga__pdf_lex_error(const struct pdf_lexer *lx, int code, size_t pos, const char *fmt, ...)
	TAMGA__PRINTF(4, 5);
/* Up to 24 bytes at p, printable, NUL-terminated, for messages. */
void tamga__pdf_quote(char out[32], const unsigned char *p, size_t n);

/* ------------------------------------------------------------------ document */

/* Cross-reference entry types (§7.5.8.3, Table 18). */
#define PDF_XREF_FREE 0
#define PDF_XREF_USED 1       /* f2: byte offset, gen: generation */
#define PDF_XREF_COMPRESSED 2 /* f2: object stream number, f3: index in it */

/* Object loading states. */
#define PDF_LOAD_NONE 0
#define PDF_LOAD_BUSY 1       /* being parsed: a request now is a cycle */
#define PDF_LOAD_DONE 2

/* One object number of the merged cross-reference table. */
struct pdf_xent {
	uint64_t f2;
	pdf_obj *obj;             /* parsed and cached */
	uint32_t f3;
	uint32_t sec;             /* which section part set it (xref.c), 0 unset */
	uint16_t gen;
	uint8_t type;
	uint8_t state;
	uint8_t failed;           /* PDF_FAILED_*: fail again, fast */
};

#define PDF_FAILED_OBJECT 0x01 /* the object could not be read */
#define PDF_FAILED_OBJSTM 0x02 /* as an object stream, it could not be read */

struct pdf_doc {
	const unsigned char *data;
	size_t len;
	struct pdf_limits limits;
	pdf_arena *arena;
	int version;
	pdf_obj *trailer;         /* newest */
	uint32_t size;            /* newest /Size */
	struct pdf_xent *xref;    /* size entries; NULL while the xref is read */
	struct pdf_revision *revs;
	size_t nrevs;
	pdf_obj *null_obj;        /* what free and missing objects are */
	unsigned int load_depth;  /* objects being loaded inside each other */
	int depth_hit;            /* load_depth reached its limit: failures are not cached */
	/* The page list, made by the first page call (page.c). */
	struct pdf_page *pages;
	size_t npages;
	int pages_done;
};

/* xref.c: read startxref, every cross-reference section of the /Prev chain,
 * merge them into doc->xref (newest wins) and set doc->trailer, doc->size,
 * doc->revs. */
int tamga__pdf_xref_read(pdf_doc *doc);

/*
 * document.c: parse the indirect object "num gen obj ... endobj" at offset
 * (a stream when the dictionary is followed by "stream").  want_num: the
 * number and generation it must have, or NULL to accept any (then *num and
 * *gen receive them).  When doc->xref is NULL (while the xref is read),
 * /Length must be direct.  *end receives the offset just past "endobj".
 */
int tamga__pdf_parse_indirect(pdf_doc *doc, size_t offset, uint32_t *num, uint16_t *gen, int check_num,
                              pdf_obj **out, size_t *end);
/* Check only the "num gen obj" header at offset. */
int tamga__pdf_check_header(pdf_doc *doc, size_t offset, uint32_t num, uint16_t gen);

/* filter.c: decode data through the /Filter chain of dict (a stream's
 * dictionary), appending to out.  doc resolves indirect /Filter and
 * /DecodeParms values (none allowed while doc->xref is NULL).  The limits
 * are enforced while decoding. */
int tamga__pdf_decode(pdf_doc *doc, const pdf_obj *dict, const unsigned char *data, size_t len, size_t offset,
                      tamga_buf *out);

/* The file offset of object num's "num gen obj", or of the object stream
 * holding it; 0 when it has neither (for messages). */
size_t tamga__pdf_obj_offset(pdf_doc *doc, uint32_t num);

/* objstm.c: load the objects of the object stream that holds num. */
int tamga__pdf_objstm_load(pdf_doc *doc, uint32_t num);

/* A resolved value that must be a non-negative integer of at most max;
 * what names it in messages (e.g. "/Length").  obj may be NULL (absent). */
int tamga__pdf_get_uint(pdf_doc *doc, const pdf_obj *obj, uint64_t max, const char *what, size_t offset,
                        uint64_t *out);

#endif
