/*
 * tamga/code.h - document codes: the short, unguessable, checksummed
 * identifier printed beside a document's QR code and used in its
 * verification URL (https://<verify-host>/v/<code>).
 *
 * A code is an 80-bit random value written in Crockford's base32
 * (https://www.crockford.com/base32.html): 16 symbols of 5 bits each from
 *
 *     0123456789ABCDEFGHJKMNPQRSTVWXYZ        (no I, L, O, U)
 *
 * followed by one check symbol, the value modulo 37, from the same alphabet
 * extended by * ~ $ = U for the values 32..36.  Codes tamga generates never
 * use those five (see tamga_code_generate), but normalisation accepts them,
 * as Crockford's scheme defines them.
 *
 * Printed form, for people: four groups of four, then the check symbol on
 * its own, "7K3M-9QX2-HB4T-ZW8R-5".  Groups of four are what people read
 * and type back without losing their place, and keeping the check symbol
 * apart says it is not part of the value.
 *
 * URL form: the same 17 symbols without dashes, "7K3M9QX2HB4TZW8R5": four
 * bytes fewer in every QR code, and nothing a browser or mail program could
 * break a line at.  A server normalises whatever it is given, so a code
 * typed with or without dashes finds the same document.
 *
 * The mod-37 check detects every single mistyped symbol and every swap of
 * two adjacent symbols (37 is a prime above 32, so neither kind of error
 * can change the value by a multiple of 37).
 */
#ifndef TAMGA_CODE_H
#define TAMGA_CODE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Symbols of a code's value, and of the whole code with its check symbol. */
#define TAMGA_CODE_SYMBOLS 16
#define TAMGA_CODE_COMPACT_LEN 17
/** Length of the printed form "XXXX-XXXX-XXXX-XXXX-C". */
#define TAMGA_CODE_LEN 21
/** Bytes for either form, terminator included. */
#define TAMGA_CODE_BUFSIZE 22

/**
 * A new random code in printed form.  The value is 80 bits from OpenSSL's
 * RAND_bytes; values whose check symbol would be one of * ~ $ = U are drawn
 * again, so every printed code is letters and digits only (this keeps
 * log2(2^80 * 32/37) = 79.79 bits of entropy).  Errors: TAMGA_ECRYPTO when
 * the random generator fails (out is then the empty string).
 */
TAMGA_EXTERN(int) tamga_code_generate(char out[TAMGA_CODE_BUFSIZE]);

/**
 * Read a code as a person typed it and write its printed form to out.
 * Tolerated: lower case, dashes, spaces and tabs anywhere, O or o for 0,
 * I, i, L or l for 1, and (for phones left on a Cyrillic keyboard) the
 * Cyrillic look-alikes А В Е З К М Н О Р С Т У Х Ү in either case, read as
 * A B E 3 K M H 0 P C T Y X Y.  Errors (out is then the empty string):
 * TAMGA_EINVAL when input is NULL; TAMGA_EFORMAT when input is longer
 * than 256 bytes, when a character cannot be part of a code, when there
 * are not exactly 17 symbols, or when the check symbol does not match (the
 * message says a character was mistyped).
 */
TAMGA_EXTERN(int) tamga_code_normalize(char out[TAMGA_CODE_BUFSIZE], const char *input);

/**
 * As tamga_code_normalize, but writes the URL form (17 symbols, no dashes).
 * For both functions out may be the input buffer itself.
 */
TAMGA_EXTERN(int) tamga_code_compact(char out[TAMGA_CODE_BUFSIZE], const char *input);

#ifdef __cplusplus
}
#endif

#endif /* TAMGA_CODE_H */
