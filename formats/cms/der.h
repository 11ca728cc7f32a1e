/*
 * formats/cms/der.h - a small DER writer (ITU-T X.690 §10, §11) for the
 * structures tamga builds by hand: CMS SignedData, RFC 3161 pieces.
 * (internal)
 *
 * Constructed elements are opened and closed like brackets; the length of
 * each is written when it is closed, in the shortest form (§10.1), and the
 * children of a SET OF are put in DER order then (§11.6).  Errors are
 * sticky: after the first failure every call returns it and does nothing,
 * so a builder reads like the ASN.1 it writes and is checked once:
 *
 *     struct tamga__der w;
 *     tamga__der_init(&w);
 *     tamga__der_begin(&w, TAMGA__DER_SEQUENCE);
 *         tamga__der_oid(&w, "2.16.840.1.101.3.4.2.1");
 *     tamga__der_end(&w);
 *     error = tamga__der_finish(&w, &out);
 *
 * Only single-byte tags (number < 31) are written; raw() may insert any
 * DER.
 */
#ifndef TAMGA_FORMATS_CMS_DER_H
#define TAMGA_FORMATS_CMS_DER_H

#include <stdint.h>

#include <tamga/common.h>

#define TAMGA__DER_INTEGER 0x02
#define TAMGA__DER_BIT_STRING 0x03
#define TAMGA__DER_OCTET_STRING 0x04
#define TAMGA__DER_NULL 0x05
#define TAMGA__DER_OID 0x06
#define TAMGA__DER_UTF8STRING 0x0c
#define TAMGA__DER_SEQUENCE 0x30
#define TAMGA__DER_SET 0x31
/* [n] constructed (EXPLICIT, or IMPLICIT of a constructed type) and primitive. */
#define TAMGA__DER_CTX(n) (0xa0 | (n))
#define TAMGA__DER_CTX_PRIM(n) (0x80 | (n))

/* Open elements at most. */
#define TAMGA__DER_DEPTH 24

struct tamga__der {
	tamga_buf buf;
	size_t open[TAMGA__DER_DEPTH];   /* offset of each open element's tag */
	unsigned char sort[TAMGA__DER_DEPTH]; /* 1: a SET OF, sorted when closed */
	int depth;
	int error;                       /* first error; 0 while all is well */
};

void tamga__der_init(struct tamga__der *w);
/** Free the buffer (cleansed). */
void tamga__der_dispose(struct tamga__der *w);

/** Open a constructed element with this tag. */
int tamga__der_begin(struct tamga__der *w, unsigned char tag);
/** Open a SET OF (or an IMPLICIT-tagged one, tag [n]): its children are
 *  written in DER order when it is closed. */
int tamga__der_begin_set_of(struct tamga__der *w, unsigned char tag);
/** Close the innermost open element. */
int tamga__der_end(struct tamga__der *w);

/** A complete element: tag, length, content. */
int tamga__der_tlv(struct tamga__der *w, unsigned char tag, const void *content, size_t len);
/** Bytes that are already DER (one or more whole elements; SET OF sorting
 *  needs whole elements). */
int tamga__der_raw(struct tamga__der *w, const void *der, size_t len);
/** OBJECT IDENTIFIER from dotted text ("1.2.840.113549.1.7.2"); TAMGA_EINVAL
 *  for text that is not one (fewer than two arcs, first arc > 2, second
 *  arc >= 40 under 0 and 1, an arc over 64 bits, leading zeros). */
int tamga__der_oid(struct tamga__der *w, const char *dotted);
/** INTEGER of the non-negative number whose big-endian magnitude is be
 *  (leading zero bytes allowed; len 0 is zero). */
int tamga__der_integer(struct tamga__der *w, const unsigned char *be, size_t len);
int tamga__der_uint(struct tamga__der *w, uint64_t value);
int tamga__der_null(struct tamga__der *w);
int tamga__der_octets(struct tamga__der *w, const void *data, size_t len);

/**
 * Check that every element was closed and append the encoding to out.
 * Returns the sticky error, or 0.  The writer is empty afterwards (ready
 * for reuse or dispose).
 */
int tamga__der_finish(struct tamga__der *w, tamga_buf *out);

/* Helpers, for the writer and its tests. */

/** Bytes of the identifier and length octets of an element with len content bytes. */
size_t tamga__der_header_size(size_t len);
/** Append a tag and a DER length. */
int tamga__der_header(tamga_buf *out, unsigned char tag, size_t len);
/**
 * Read the element at p (at most avail bytes): *hdr receives the size of
 * its identifier and length octets, *total its whole size.  DER only:
 * definite, shortest-form lengths.  TAMGA_EFORMAT otherwise, or when it
 * does not fit.
 */
int tamga__der_read(const unsigned char *p, size_t avail, size_t *hdr, size_t *total);

#endif
