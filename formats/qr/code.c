/*
 * formats/qr/code.c - document codes (tamga/code.h): Crockford base32 with
 * a mod-37 check symbol.
 *
 *     value   80 random bits, big-endian, cut into 16 five-bit symbols
 *     check   value mod 37, one symbol of 0-9 A-Z (less I L O U) * ~ $ = U
 *     printed 7K3M-9QX2-HB4T-ZW8R-5        (4-4-4-4-1)
 *     URL     7K3M9QX2HB4TZW8R5
 *
 * Reading is tolerant the way Crockford's scheme asks (case, hyphens, O for
 * 0, I and L for 1) and a little more for Mongolian users, whose phones
 * often type Cyrillic: the Cyrillic letters that look like Latin letters or
 * digits in a printed code (А В Е З К М Н О Р С Т У Х Ү, either case) are
 * read as what they look like.  A wrong guess costs nothing: it fails the
 * check like any other typo.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <tamga/code.h>

#include "common/error.h"

#define CHECK_BASE 37
/* Longest input looked at: 17 symbols with generous spacing. */
#define INPUT_MAX 256

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/* The check symbol of 16 symbol values (Horner's rule, mod 37). */
static unsigned int check_of(const unsigned char sym[TAMGA_CODE_SYMBOLS])
{
	unsigned int r = 0, i;

	for (i = 0; i < TAMGA_CODE_SYMBOLS; i++)
		r = (r * 32 + sym[i]) % CHECK_BASE;
	return r;
}

/* Value of an ASCII character as a symbol (aliases resolved), or -1.
 * check: the check position, where * ~ $ = U are allowed too. */
static int ascii_value(unsigned char c, int check)
{
	const char *p;

	if (c >= 'a' && c <= 'z')
		c = (unsigned char)(c - 'a' + 'A');
	if (c == 'O')
		c = '0';
	else if (c == 'I' || c == 'L')
		c = '1';
	if (c == 0 || (p = strchr(alphabet, c)) == NULL)
		return -1;
	if (p - alphabet >= 32 && !check)
		return -1;
	return (int)(p - alphabet);
}

/* Cyrillic look-alikes: code point -> the ASCII character it is read as. */
static const struct {
	unsigned int cp;
	char ascii;
} cyrillic[] = {
	{ 0x0410, 'A' }, { 0x0412, 'B' }, { 0x0415, 'E' }, { 0x0417, '3' }, { 0x041A, 'K' },
	{ 0x041C, 'M' }, { 0x041D, 'H' }, { 0x041E, '0' }, { 0x0420, 'P' }, { 0x0421, 'C' },
	{ 0x0422, 'T' }, { 0x0423, 'Y' }, { 0x0425, 'X' }, { 0x04AE, 'Y' },
	{ 0x0430, 'A' }, { 0x0432, 'B' }, { 0x0435, 'E' }, { 0x0437, '3' }, { 0x043A, 'K' },
	{ 0x043C, 'M' }, { 0x043D, 'H' }, { 0x043E, '0' }, { 0x0440, 'P' }, { 0x0441, 'C' },
	{ 0x0442, 'T' }, { 0x0443, 'Y' }, { 0x0445, 'X' }, { 0x04AF, 'Y' },
};

static char cyrillic_lookalike(unsigned int cp)
{
	size_t i;

	for (i = 0; i < sizeof(cyrillic) / sizeof(cyrillic[0]); i++)
		if (cyrillic[i].cp == cp)
			return cyrillic[i].ascii;
	return 0;
}

static void write_printed(char out[TAMGA_CODE_BUFSIZE], const unsigned char sym[TAMGA_CODE_COMPACT_LEN],
                          int dashes)
{
	size_t i, n = 0;

	for (i = 0; i < TAMGA_CODE_COMPACT_LEN; i++) {
		if (dashes && i > 0 && i % 4 == 0)
			out[n++] = '-';
		out[n++] = alphabet[sym[i]];
	}
	out[n] = '\0';
}

int tamga_code_generate(char out[TAMGA_CODE_BUFSIZE])
{
	unsigned char raw[10], sym[TAMGA_CODE_COMPACT_LEN];
	unsigned int attempt, i, check;
	int error = 0;

	out[0] = '\0';
	/* Each draw is kept with probability 32/37; 64 draws all failing
	 * (p < 1e-55) means the generator is broken. */
	for (attempt = 0;; attempt++) {
		if (attempt == 64) {
			error = tamga__error_set(TAMGA_ECRYPTO, "document code: the random generator looks broken");
			goto done;
		}
		if (RAND_bytes(raw, sizeof(raw)) != 1) {
			error = tamga__error_openssl(TAMGA_ECRYPTO, "document code: no random bytes");
			goto done;
		}
		for (i = 0; i < TAMGA_CODE_SYMBOLS; i++) {
			unsigned int bit = i * 5, byte = bit / 8, shift = bit % 8;
			unsigned int two = (unsigned int)raw[byte] << 8 | (byte + 1 < sizeof(raw) ? raw[byte + 1] : 0);

			sym[i] = (unsigned char)((two >> (11 - shift)) & 31);
		}
		if ((check = check_of(sym)) < 32)
			break;
	}
	sym[TAMGA_CODE_SYMBOLS] = (unsigned char)check;
	write_printed(out, sym, 1);
done:
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(sym, sizeof(sym));
	return error;
}

static int parse(char out[TAMGA_CODE_BUFSIZE], const char *input, int dashes)
{
	unsigned char sym[TAMGA_CODE_COMPACT_LEN];
	const unsigned char *p = (const unsigned char *)input;
	char result[TAMGA_CODE_BUFSIZE];
	size_t n = 0, pos = 0;
	int error = 0;

	if (input == NULL) {
		error = tamga__error_set(TAMGA_EINVAL, "document code: no input");
		goto done;
	}
	if (strnlen(input, INPUT_MAX + 1) > INPUT_MAX) {
		error = tamga__error_set(TAMGA_EFORMAT, "document code: input longer than %d bytes", INPUT_MAX);
		goto done;
	}
	while (*p != '\0') {
		unsigned char c = *p;
		int v;

		pos++;
		if (c == '-' || c == ' ' || c == '\t') {
			p++;
			continue;
		}
		if (c >= 0x80) {
			/* Two-byte UTF-8 (U+0080..U+07FF) may be a Cyrillic look-alike. */
			char ascii = 0;

			if ((c & 0xE0) == 0xC0 && (p[1] & 0xC0) == 0x80)
				ascii = cyrillic_lookalike((unsigned int)(c & 0x1F) << 6 | (p[1] & 0x3F));
			if (ascii == 0) {
				error = tamga__error_set(TAMGA_EFORMAT,
				                         "document code: character %zu is not a letter or digit of a code", pos);
				goto done;
			}
			c = (unsigned char)ascii;
			p += 2;
		} else {
			p++;
		}
		if (ascii_value(c, 1) < 0) {
			error = tamga__error_set(TAMGA_EFORMAT,
			                         "document code: character %zu is not a letter or digit of a code", pos);
			goto done;
		}
		if (n == TAMGA_CODE_COMPACT_LEN) {
			error = tamga__error_set(TAMGA_EFORMAT, "document code: more than %d letters and digits",
			                         TAMGA_CODE_COMPACT_LEN);
			goto done;
		}
		if ((v = ascii_value(c, n == TAMGA_CODE_SYMBOLS)) < 0) {
			error = tamga__error_set(TAMGA_EFORMAT,
			                         "document code: '%c' (character %zu) may only be the last symbol",
			                         (char)c, pos);
			goto done;
		}
		sym[n++] = (unsigned char)v;
	}
	if (n != TAMGA_CODE_COMPACT_LEN) {
		error = tamga__error_set(TAMGA_EFORMAT, "document code: %zu letters and digits, expected %d", n,
		                         TAMGA_CODE_COMPACT_LEN);
		goto done;
	}
	if (check_of(sym) != sym[TAMGA_CODE_SYMBOLS]) {
		error = tamga__error_set(TAMGA_EFORMAT,
		                         "document code: the check symbol does not match; a character was mistyped "
		                         "or two were swapped");
		goto done;
	}
	write_printed(result, sym, dashes);
done:
	/* Written last, so out may be the input. */
	if (error == 0)
		memcpy(out, result, strlen(result) + 1);
	else
		out[0] = '\0';
	return error;
}

int tamga_code_normalize(char out[TAMGA_CODE_BUFSIZE], const char *input)
{
	return parse(out, input, 1);
}

int tamga_code_compact(char out[TAMGA_CODE_BUFSIZE], const char *input)
{
	return parse(out, input, 0);
}
