/*
 * tests/unit/test_code.c - document codes (formats/qr/code.c,
 * tamga/code.h).
 *
 * Expected check symbols never come from tamga: they are worked by hand
 * below, or computed here from the whole 80-bit value as one 128-bit
 * integer taken mod 37 (code.c reduces symbol by symbol instead).
 *
 * Worked by hand (alphabet 0-9 = 0..9, A=10 B C D E F G H=17 J=18 K=19
 * M=20 N P=22 Q=23 R=24 S=25 T=26 V W=28 X=29 Y Z=31, * ~ $ = U = 32..36):
 *
 *   0000000000000015   value 1*32 + 5 = 37 = 1*37 + 0          check 0
 *   0000000000000014   value 36                                check U
 *   0000000000000010   value 32                                check *
 *   ZZZZZZZZZZZZZZZZ   value 2^80 - 1; 2^36 = 1 (mod 37) by Fermat,
 *                      so 2^80 = 2^(2*36+8) = 2^8 = 256 = 6*37 + 34,
 *                      and 2^80 - 1 = 33 (mod 37)              check ~
 *   7K3M9QX2HB4TZW8R   Horner, r = (r*32 + d) mod 37:
 *      7:7  K(19):(7*32+19)=243=6*37+21 -> 21  3:(21*32+3)=675 -> 9
 *      M(20):308 -> 12  9:393 -> 23  Q(23):759 -> 19  X(29):637 -> 8
 *      2:258 -> 36  H(17):1169 -> 22  B(11):715 -> 12  4:388 -> 18
 *      T(26):602 -> 10  Z(31):351 -> 18  W(28):604 -> 12  8:392 -> 22
 *      R(24):728 -> 25                                         check S
 *   (so "7K3M-9QX2-HB4T-ZW8R-5", the example in the design notes, is a
 *   mistyped code.)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/tamga.h>

__extension__ typedef unsigned __int128 u128;

static const char data_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static const char check_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

/* ------------------------------------------------------------ helpers */

static int symbol_value(char c)
{
	const char *p = strchr(check_alphabet, c);

	return c != '\0' && p != NULL ? (int)(p - check_alphabet) : -1;
}

/* Independent check: the 16 data symbols as one integer, mod 37. */
static char independent_check(const char *sym16)
{
	u128 v = 0;
	int i;

	for (i = 0; i < 16; i++) {
		int d = symbol_value(sym16[i]);

		assert_true(d >= 0 && d < 32);
		v = v * 32 + (u128)d;
	}
	return check_alphabet[(int)(v % 37)];
}

/* "XXXX-XXXX-XXXX-XXXX-C" -> 17 symbols. */
static void strip_dashes(char out[18], const char *printed)
{
	size_t n = 0;

	for (; *printed; printed++)
		if (*printed != '-') {
			assert_true(n < 17);
			out[n++] = *printed;
		}
	out[n] = '\0';
}

static int is_printed_form(const char *s)
{
	int i;

	if (strlen(s) != TAMGA_CODE_LEN)
		return 0;
	for (i = 0; i < TAMGA_CODE_LEN; i++) {
		if (i % 5 == 4) {
			if (s[i] != '-')
				return 0;
		} else if (i < 20 ? strchr(data_alphabet, s[i]) == NULL : strchr(check_alphabet, s[i]) == NULL) {
			return 0;
		}
	}
	return 1;
}

static void expect_ok(const char *input, const char *want)
{
	char out[TAMGA_CODE_BUFSIZE];
	int rc = tamga_code_normalize(out, input);

	if (rc != 0)
		fail_msg("normalize(\"%s\") = %d: %s", input, rc, tamga_error_last()->message);
	assert_string_equal(out, want);
}

static void expect_bad(const char *input, const char *message_part)
{
	char out[TAMGA_CODE_BUFSIZE];
	int rc;

	memset(out, 'x', sizeof(out));
	rc = tamga_code_normalize(out, input);
	if (rc != TAMGA_EFORMAT)
		fail_msg("normalize(\"%s\") = %d, expected TAMGA_EFORMAT", input, rc);
	assert_int_equal(tamga_error_last()->code, TAMGA_EFORMAT);
	assert_string_equal(out, "");
	if (message_part != NULL && strstr(tamga_error_last()->message, message_part) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", tamga_error_last()->message, message_part);
}

/* ------------------------------------------------------------ hand-worked values */

static void test_hand_worked_checks(void **state)
{
	(void)state;
	expect_ok("0000000000000000" "0", "0000-0000-0000-0000-0");
	expect_ok("0000000000000015" "0", "0000-0000-0000-0015-0");
	expect_ok("0000000000000014" "U", "0000-0000-0000-0014-U");
	expect_ok("0000000000000010" "*", "0000-0000-0000-0010-*");
	expect_ok("ZZZZZZZZZZZZZZZZ" "~", "ZZZZ-ZZZZ-ZZZZ-ZZZZ-~");
	expect_ok("7K3M9QX2HB4TZW8R" "S", "7K3M-9QX2-HB4T-ZW8R-S");
	/* And the independent computation agrees with the hand. */
	assert_int_equal(independent_check("0000000000000015"), '0');
	assert_int_equal(independent_check("0000000000000014"), 'U');
	assert_int_equal(independent_check("ZZZZZZZZZZZZZZZZ"), '~');
	assert_int_equal(independent_check("7K3M9QX2HB4TZW8R"), 'S');
	/* Values 32..36 give the five extra check symbols. */
	expect_ok("0000-0000-0000-0011-~", "0000-0000-0000-0011-~");
	expect_ok("0000-0000-0000-0012-$", "0000-0000-0000-0012-$");
	expect_ok("0000-0000-0000-0013-=", "0000-0000-0000-0013-=");
	expect_ok("0000-0000-0000-0014-u", "0000-0000-0000-0014-U");
	/* The design notes' example has a wrong check symbol. */
	expect_bad("7K3M-9QX2-HB4T-ZW8R-5", "mistyped");
	expect_bad("0000-0000-0000-0015-1", "mistyped");
	expect_bad("ZZZZ-ZZZZ-ZZZZ-ZZZZ-$", "mistyped");
}

/* ------------------------------------------------------------ generate */

static void test_generate_form_and_check(void **state)
{
	char code[TAMGA_CODE_BUFSIZE], sym[18], again[TAMGA_CODE_BUFSIZE];
	int i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		assert_int_equal(tamga_code_generate(code), 0);
		if (!is_printed_form(code))
			fail_msg("not in printed form: \"%s\"", code);
		strip_dashes(sym, code);
		assert_int_equal(sym[16], independent_check(sym));
		/* Generated codes never use the five punctuation-like check symbols. */
		assert_null(strchr("*~$=U", sym[16]));
		assert_int_equal(tamga_code_normalize(again, code), 0);
		assert_string_equal(again, code);
	}
}

static int compare_str(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

static void test_generate_is_random(void **state)
{
	enum { N = 4000 };
	char (*codes)[TAMGA_CODE_BUFSIZE] = malloc(N * sizeof(*codes));
	unsigned int seen[16][32];
	unsigned int checks[32];
	int i, j;

	(void)state;
	assert_non_null(codes);
	memset(seen, 0, sizeof(seen));
	memset(checks, 0, sizeof(checks));
	for (i = 0; i < N; i++) {
		char sym[18];

		assert_int_equal(tamga_code_generate(codes[i]), 0);
		strip_dashes(sym, codes[i]);
		for (j = 0; j < 16; j++)
			seen[j][symbol_value(sym[j])]++;
		checks[symbol_value(sym[16])]++;
	}
	qsort(codes, N, sizeof(*codes), compare_str);
	for (i = 1; i < N; i++)
		assert_string_not_equal(codes[i - 1], codes[i]);
	/* Every symbol value at every position: 4000 draws, expected 125 each;
	 * fewer than 60 would mean stuck or truncated bits. */
	for (j = 0; j < 16; j++)
		for (i = 0; i < 32; i++)
			if (seen[j][i] < 60 || seen[j][i] > 200)
				fail_msg("symbol %d at position %d seen %u times in %d codes", i, j, seen[j][i], N);
	for (i = 0; i < 32; i++)
		assert_true(checks[i] > 50);
	free(codes);
}

/* ------------------------------------------------------------ tolerance */

static void test_tolerated_mixups(void **state)
{
	/* 0O0L-1I1l-... : build a code whose symbols include 0 and 1 in many
	 * places, with its check worked out independently. */
	const char *data = "0100ABCD1J0K1M0N";
	char check = independent_check(data), want[TAMGA_CODE_BUFSIZE], in[64];

	(void)state;
	snprintf(want, sizeof(want), "0100-ABCD-1J0K-1M0N-%c", check);
	expect_ok(want, want);
	snprintf(in, sizeof(in), "0100ABCD1J0K1M0N%c", check);
	expect_ok(in, want);                                /* no dashes */
	snprintf(in, sizeof(in), "0100 ABCD 1J0K 1M0N %c", check);
	expect_ok(in, want);                                /* spaces */
	snprintf(in, sizeof(in), "  0100\tABCD-1J0K--1M0N - %c  ", check);
	expect_ok(in, want);                                /* any mix, tabs */
	snprintf(in, sizeof(in), "0100-abcd-1j0k-1m0n-%c", check >= 'A' ? check - 'A' + 'a' : check);
	expect_ok(in, want);                                /* lower case */
	snprintf(in, sizeof(in), "O1OO-ABCD-1J0K-1M0N-%c", check);
	expect_ok(in, want);                                /* O for 0 */
	snprintf(in, sizeof(in), "o1oo-ABCD-1J0K-1M0N-%c", check);
	expect_ok(in, want);                                /* o for 0 */
	snprintf(in, sizeof(in), "0I00-ABCD-IJ0K-IM0N-%c", check);
	expect_ok(in, want);                                /* I for 1 */
	snprintf(in, sizeof(in), "0i00-ABCD-iJ0K-iM0N-%c", check);
	expect_ok(in, want);                                /* i for 1 */
	snprintf(in, sizeof(in), "0L00-ABCD-LJ0K-LM0N-%c", check);
	expect_ok(in, want);                                /* L for 1 */
	snprintf(in, sizeof(in), "0l00-ABCD-lJ0K-lM0N-%c", check);
	expect_ok(in, want);                                /* l for 1 */
	snprintf(in, sizeof(in), "oIoO abcd Lj0k lmON %c", check >= 'A' ? check - 'A' + 'a' : check);
	expect_ok(in, want);                                /* all at once */
}

static void test_cyrillic_lookalikes(void **state)
{
	/* Every Latin letter or digit with a Cyrillic look-alike, typed both
	 * ways: A B E 3 K M H 0 P C T Y X. */
	const char *data = "ABE3KMH0PCTYXABE";
	char check = independent_check(data), want[TAMGA_CODE_BUFSIZE], in[128];

	(void)state;
	snprintf(want, sizeof(want), "ABE3-KMH0-PCTY-XABE-%c", check);
	/* Capitals: А В Е З К М Н О Р С Т У Х, then Ү for Y. */
	snprintf(in, sizeof(in), "АВЕЗ-КМНО-РСТУ-ХАВЕ-%c", check);
	expect_ok(in, want);
	/* Lower case: а в е з к м н о р с т у х а в е, then ү for Y. */
	snprintf(in, sizeof(in), "авез кмно рсту хаве %c", check);
	expect_ok(in, want);
	snprintf(in, sizeof(in), "авез кмно рстү хаве %c", check);
	expect_ok(in, want);
	snprintf(in, sizeof(in), "ABE3-KMH0-PCTҮ-XABE-%c", check);
	expect_ok(in, want);
	/* Other Cyrillic letters are not guessed at. */
	snprintf(in, sizeof(in), "ABE3-KMH0-PCTЖ-XABE-%c", check);
	expect_bad(in, "character 14");
	snprintf(in, sizeof(in), "ABE3-KMH0-PCTӨ-XABE-%c", check);
	expect_bad(in, "not a letter or digit");
}

static void test_compact_and_in_place(void **state)
{
	char out[TAMGA_CODE_BUFSIZE], buf[TAMGA_CODE_BUFSIZE], code[TAMGA_CODE_BUFSIZE], sym[18];

	(void)state;
	assert_int_equal(tamga_code_generate(code), 0);
	strip_dashes(sym, code);
	assert_int_equal(tamga_code_compact(out, code), 0);
	assert_string_equal(out, sym);
	assert_int_equal(strlen(out), TAMGA_CODE_COMPACT_LEN);
	assert_int_equal(tamga_code_compact(out, sym), 0);
	assert_string_equal(out, sym);
	assert_int_equal(tamga_code_normalize(out, sym), 0);
	assert_string_equal(out, code);
	/* In place, both directions. */
	strcpy(buf, code);
	assert_int_equal(tamga_code_compact(buf, buf), 0);
	assert_string_equal(buf, sym);
	assert_int_equal(tamga_code_normalize(buf, buf), 0);
	assert_string_equal(buf, code);
	/* compact fails like normalize. */
	memset(out, 'x', sizeof(out));
	assert_int_equal(tamga_code_compact(out, "7K3M-9QX2-HB4T-ZW8R-5"), TAMGA_EFORMAT);
	assert_string_equal(out, "");
}

/* ------------------------------------------------------------ rejection */

static void test_malformed(void **state)
{
	char out[TAMGA_CODE_BUFSIZE], big[400];

	(void)state;
	assert_int_equal(tamga_code_normalize(out, NULL), TAMGA_EINVAL);
	assert_string_equal(out, "");
	expect_bad("", "0 letters and digits");
	expect_bad("----  --", "0 letters and digits");
	expect_bad("7K3M-9QX2-HB4T-ZW8R", "16 letters and digits");
	expect_bad("7K3M-9QX2-HB4T-ZW8R-SS", "more than 17");
	/* U and the punctuation check symbols only in the last place. */
	expect_bad("UK3M-9QX2-HB4T-ZW8R-S", "may only be the last");
	expect_bad("7K3M-9QX2-HB*T-ZW8R-S", "may only be the last");
	expect_bad("7K3M-9QX2-HB4T-ZW8R-S*", "more than 17");
	expect_bad("7K3M_9QX2-HB4T-ZW8R-S", "character 5 ");
	expect_bad("7K3M.9QX2-HB4T-ZW8R-S", "not a letter or digit");
	expect_bad("7K3M-9QX2-HB4T-ZW8R-S\n", "not a letter or digit");
	expect_bad("7K3M-9QX2-HB4T-ZW8R-\xC3", "not a letter or digit");       /* cut UTF-8 */
	expect_bad("7K3M-9QX2-HB4T-ZW8R-\xD0\x21", "not a letter or digit");   /* bad continuation */
	expect_bad("7K3M-9QX2-HB4T-ZW8R-\xC0\xB0", "not a letter or digit");   /* overlong '0' */
	memset(big, ' ', sizeof(big));
	memcpy(big, "7K3M9QX2HB4TZW8RS", 17);
	big[256] = '\0';
	expect_ok(big, "7K3M-9QX2-HB4T-ZW8R-S");
	big[256] = ' ';
	big[257] = '\0';
	expect_bad(big, "longer than 256");
}

/* ------------------------------------------------------------ errors the check catches */

/* Every single-symbol substitution and every adjacent transposition of
 * code (17 symbols) is rejected; returns how many variants were tried. */
static int check_all_errors(const char *sym)
{
	char v[18];
	int pos, k, tried = 0;

	for (pos = 0; pos < 17; pos++) {
		const char *alpha = pos < 16 ? data_alphabet : check_alphabet;

		for (k = 0; alpha[k]; k++) {
			if (alpha[k] == sym[pos])
				continue;
			strcpy(v, sym);
			v[pos] = alpha[k];
			expect_bad(v, "mistyped");
			tried++;
		}
		/* The punctuation symbols in a data position are refused too. */
		if (pos < 16) {
			strcpy(v, sym);
			v[pos] = '*';
			expect_bad(v, NULL);
		}
	}
	for (pos = 0; pos + 1 < 17; pos++) {
		if (sym[pos] == sym[pos + 1])
			continue;
		strcpy(v, sym);
		v[pos] = sym[pos + 1];
		v[pos + 1] = sym[pos];
		/* A check symbol of 32..36 moved into the data is refused as a
		 * character, anything else by the check. */
		expect_bad(v, symbol_value(v[pos]) >= 32 ? NULL : "mistyped");
		tried++;
	}
	return tried;
}

static void test_substitutions_and_transpositions_exhaustive(void **state)
{
	char sym[18];

	(void)state;
	/* The hand-worked code: 16 * 31 + 36 substitutions, 16 transpositions. */
	assert_int_equal(check_all_errors("7K3M9QX2HB4TZW8RS"), 16 * 31 + 36 + 16);
	/* A code whose check symbol is U (value 36); three adjacent pairs differ. */
	assert_int_equal(check_all_errors("0000000000000014U"), 16 * 31 + 36 + 3);
	/* And a few hundred random ones. */
	{
		int i;

		for (i = 0; i < 300; i++) {
			char code[TAMGA_CODE_BUFSIZE];

			assert_int_equal(tamga_code_generate(code), 0);
			strip_dashes(sym, code);
			check_all_errors(sym);
		}
	}
}

/* Aliases that stand for other symbols are substitutions too. */
static void test_alias_typos_detected(void **state)
{
	(void)state;
	/* 7K3M9QX2HB4TZW8RS: replacing the 2 by I (= 1) or O (= 0). */
	expect_bad("7K3M-9QXI-HB4T-ZW8R-S", "mistyped");
	expect_bad("7K3M-9QXO-HB4T-ZW8R-S", "mistyped");
	expect_bad("7K3M-9QXl-HB4T-ZW8R-S", "mistyped");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_worked_checks),
		cmocka_unit_test(test_generate_form_and_check),
		cmocka_unit_test(test_generate_is_random),
		cmocka_unit_test(test_tolerated_mixups),
		cmocka_unit_test(test_cyrillic_lookalikes),
		cmocka_unit_test(test_compact_and_in_place),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_substitutions_and_transpositions_exhaustive),
		cmocka_unit_test(test_alias_typos_detected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
