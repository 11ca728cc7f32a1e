/*
 * tests/unit/test_pdf_lexer.c - PDF tokens and direct objects
 * (formats/pdf/lexer.c).  Every expected value is written here from
 * ISO 32000-1 §7.2-7.3 (escape table, #xx names, references), not taken
 * from the parser's output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tamga/common.h>

#include "formats/pdf/reader.h"

static pdf_arena *arena;
static struct pdf_limits limits;

static int setup(void **state)
{
	(void)state;
	tamga__pdf_limits_default(&limits);
	arena = tamga__pdf_arena_new(0);
	return arena == NULL;
}

static int teardown(void **state)
{
	(void)state;
	tamga__pdf_arena_free(arena);
	return 0;
}

/* Parse one object from text; the lexer's final position in *end. */
static int parse_n(const char *text, size_t n, pdf_obj **out, size_t *end)
{
	struct pdf_lexer lx;
	int error;

	tamga_error_clear();
	tamga__pdf_lexer_init(&lx, (const unsigned char *)text, n, 0, arena, &limits);
	error = tamga__pdf_parse_object(&lx, out);
	if (end != NULL)
		*end = lx.pos;
	return error;
}

static pdf_obj *ok(const char *text)
{
	pdf_obj *o = NULL;
	int error = parse_n(text, strlen(text), &o, NULL);

	if (error != 0)
		fail_msg("parsing '%s': %s", text, tamga_error_last()->message);
	assert_non_null(o);
	return o;
}

/* Parsing fails with code, and the message contains want. */
static void bad(const char *text, int code, const char *want)
{
	pdf_obj *o = NULL;
	int error = parse_n(text, strlen(text), &o, NULL);

	if (error != code)
		fail_msg("parsing '%s': got %d (%s), expected %d", text, error, tamga_error_last()->message, code);
	assert_int_equal(tamga_error_last()->code, code);
	assert_true(strncmp(tamga_error_last()->message, "PDF: ", 5) == 0);
	if (want != NULL && strstr(tamga_error_last()->message, want) == NULL)
		fail_msg("parsing '%s': message '%s' lacks '%s'", text, tamga_error_last()->message, want);
}

static void assert_string(const pdf_obj *o, const void *want, size_t n)
{
	assert_int_equal(o->type, PDF_STRING);
	assert_int_equal(o->u.string.len, n);
	assert_memory_equal(o->u.string.data, want, n);
}

/* ------------------------------------------------------------ scalars */

static void test_keywords(void **state)
{
	(void)state;
	assert_int_equal(ok("null")->type, PDF_NULL);
	assert_int_equal(ok("true")->u.boolean, 1);
	assert_int_equal(ok("  false ")->u.boolean, 0);
	assert_int_equal(ok("true")->type, PDF_BOOL);
	bad("nul", TAMGA_EFORMAT, "unexpected 'nul'");
	bad("True", TAMGA_EFORMAT, "unexpected 'True'");
	bad("endobj", TAMGA_EFORMAT, "unexpected 'endobj'");
	bad("R", TAMGA_EFORMAT, "unexpected 'R'");
	bad("", TAMGA_EFORMAT, "unexpected end of data");
	bad("   % only a comment", TAMGA_EFORMAT, "unexpected end of data");
}

static void test_integers(void **state)
{
	pdf_obj *o;

	(void)state;
	o = ok("123");
	assert_int_equal(o->type, PDF_INT);
	assert_int_equal(o->u.integer, 123);
	assert_int_equal(ok("+17")->u.integer, 17);
	assert_int_equal(ok("-98")->u.integer, -98);
	assert_int_equal(ok("-0")->u.integer, 0);
	assert_int_equal(ok("0000042")->u.integer, 42);
	assert_true(ok("9223372036854775807")->u.integer == INT64_MAX);
	assert_true(ok("-9223372036854775808")->u.integer == INT64_MIN);
	/* One more is an error, never wrapped or clamped. */
	bad("9223372036854775808", TAMGA_EFORMAT, "integer overflow");
	bad("-9223372036854775809", TAMGA_EFORMAT, "integer overflow");
	bad("99999999999999999999999", TAMGA_EFORMAT, "integer overflow");
}

static void test_reals(void **state)
{
	pdf_obj *o;

	(void)state;
	o = ok("34.5");
	assert_int_equal(o->type, PDF_REAL);
	assert_true(o->u.real.value == 34.5);
	assert_int_equal(o->u.real.text_len, 4);
	assert_memory_equal(o->u.real.text, "34.5", 4);
	assert_true(ok("-3.62")->u.real.value == -3.62);
	assert_true(ok("+123.6")->u.real.value == 123.6);
	assert_true(ok("4.")->u.real.value == 4.0);
	assert_true(ok("-.002")->u.real.value == -0.002);
	assert_true(ok(".5")->u.real.value == 0.5);
	assert_true(ok("0.0")->u.real.value == 0.0);
	o = ok("-.002");
	assert_memory_equal(o->u.real.text, "-.002", 5); /* kept verbatim for rewriting */
	/* No exponents (§7.3.3), one sign, one point, some digit. */
	bad("1e5", TAMGA_EFORMAT, "malformed number '1e5'");
	bad("1.2.3", TAMGA_EFORMAT, "malformed number");
	bad("--1", TAMGA_EFORMAT, "malformed number");
	bad("+-1", TAMGA_EFORMAT, "malformed number");
	bad("-", TAMGA_EFORMAT, "malformed number");
	bad(".", TAMGA_EFORMAT, "malformed number");
	bad("12abc", TAMGA_EFORMAT, "malformed number '12abc'");
	bad("0x10", TAMGA_EFORMAT, "malformed number");
}

/* ------------------------------------------------------------ strings */

static void test_literal_escapes(void **state)
{
	(void)state;
	/* Table 3: \n \r \t \b \f \( \) \\ \ddd. */
	assert_string(ok("(a\\nb\\rc\\td\\be\\ff\\(g\\)h\\\\i)"), "a\nb\rc\td\be\ff(g)h\\i", 17);
	assert_string(ok("(\\053\\53\\0053)"), "++\0053", 4);   /* 1-3 octal digits; a 4th is a digit */
	assert_string(ok("(\\0)"), "\0", 1);
	assert_string(ok("(\\101\\102C)"), "ABC", 3);
	assert_string(ok("(\\777)"), "\xff", 1);                /* high-order overflow ignored */
	assert_string(ok("(\\8\\x\\q)"), "8xq", 3);             /* unknown escape: backslash dropped */
	/* Backslash EOL continues the line: nothing is added. */
	assert_string(ok("(ab\\\ncd)"), "abcd", 4);
	assert_string(ok("(ab\\\r\ncd)"), "abcd", 4);
	assert_string(ok("(ab\\\rcd)"), "abcd", 4);
	/* An unescaped EOL of any kind is one LF (§7.3.4.2). */
	assert_string(ok("(a\rb\r\nc\nd\n\re)"), "a\nb\nc\nd\n\ne", 10);
	assert_string(ok("()"), "", 0);
	assert_string(ok("(%not a comment)"), "%not a comment", 14);
	assert_int_equal(ok("(x)")->flags & PDF_STR_HEX, 0);
}

static void test_literal_parens(void **state)
{
	(void)state;
	assert_string(ok("(a(b)c)"), "a(b)c", 5);
	assert_string(ok("(((())))"), "((()))", 6);
	assert_string(ok("(a\\)b)"), "a)b", 3);
	assert_string(ok("(a\\(b)"), "a(b", 3);
	assert_string(ok("(()"
	                 "x)"), "()x", 3);
	bad("(abc", TAMGA_EFORMAT, "PDF: offset 0: unterminated string");
	bad("(a(b)", TAMGA_EFORMAT, "unterminated string");
	bad("(a\\)", TAMGA_EFORMAT, "unterminated string");
	bad("(a\\", TAMGA_EFORMAT, "unterminated string");
	bad(")", TAMGA_EFORMAT, "unexpected ')'");
}

static void test_hex_strings(void **state)
{
	pdf_obj *o;

	(void)state;
	o = ok("<48 65\n6c6C\t6f>");
	assert_string(o, "Hello", 5);
	assert_true(o->flags & PDF_STR_HEX);
	assert_string(ok("<414>"), "A@", 2);    /* a missing last digit is 0 */
	assert_string(ok("<>"), "", 0);
	assert_string(ok("<FEFF04E8>"), "\xfe\xff\x04\xe8", 4);
	bad("<4G>", TAMGA_EFORMAT, "invalid character 0x47 in hex string");
	bad("<41", TAMGA_EFORMAT, "unterminated hex string");
	bad(">", TAMGA_EFORMAT, "unexpected '>'");
}

/* ------------------------------------------------------------ names */

static void test_names(void **state)
{
	pdf_obj *o;

	(void)state;
	o = ok("/Name1");
	assert_int_equal(o->type, PDF_NAME);
	assert_string_equal(o->u.name.data, "Name1");
	assert_int_equal(o->u.name.len, 5);
	/* §7.3.5 Table 4's examples. */
	assert_string_equal(ok("/A;Name_With-Various***Characters?")->u.name.data, "A;Name_With-Various***Characters?");
	assert_string_equal(ok("/1.2")->u.name.data, "1.2");
	assert_string_equal(ok("/$$")->u.name.data, "$$");
	assert_string_equal(ok("/@pattern")->u.name.data, "@pattern");
	assert_string_equal(ok("/.notdef")->u.name.data, ".notdef");
	assert_string_equal(ok("/Lime#20Green")->u.name.data, "Lime Green");
	assert_string_equal(ok("/paired#28#29parentheses")->u.name.data, "paired()parentheses");
	assert_string_equal(ok("/The_Key_of_F#23_Minor")->u.name.data, "The_Key_of_F#_Minor");
	assert_string_equal(ok("/A#42")->u.name.data, "AB");
	assert_string_equal(ok("/#c3#a9")->u.name.data, "\xc3\xa9");
	o = ok("/");
	assert_int_equal(o->u.name.len, 0); /* the empty name is valid */
	bad("/A#2", TAMGA_EFORMAT, "not followed by two hex digits");
	bad("/A#", TAMGA_EFORMAT, "not followed by two hex digits");
	bad("/A#zz", TAMGA_EFORMAT, "not followed by two hex digits");
	bad("/A#00B", TAMGA_EFORMAT, "#00");
}

/* ------------------------------------------------------------ containers, references */

static void test_arrays_and_refs(void **state)
{
	pdf_obj *o;

	(void)state;
	o = ok("[549 3.14 false (Ralph) /SomeName]");
	assert_int_equal(o->type, PDF_ARRAY);
	assert_int_equal(o->u.array.len, 5);
	assert_int_equal(o->u.array.items[0]->u.integer, 549);
	assert_int_equal(o->u.array.items[2]->type, PDF_BOOL);
	assert_string(o->u.array.items[3], "Ralph", 5);
	/* Three integers are three integers; "N G R" is one reference. */
	o = ok("[1 2 3]");
	assert_int_equal(o->u.array.len, 3);
	assert_int_equal(o->u.array.items[2]->type, PDF_INT);
	o = ok("[12 0 R 7 1 R 5]");
	assert_int_equal(o->u.array.len, 3);
	assert_int_equal(o->u.array.items[0]->type, PDF_REF);
	assert_int_equal(o->u.array.items[0]->u.ref.num, 12);
	assert_int_equal(o->u.array.items[0]->u.ref.gen, 0);
	assert_int_equal(o->u.array.items[1]->u.ref.num, 7);
	assert_int_equal(o->u.array.items[1]->u.ref.gen, 1);
	assert_int_equal(o->u.array.items[2]->u.integer, 5);
	o = ok("[1 % comment between\n 0 %another\r R]");
	assert_int_equal(o->u.array.len, 1);
	assert_int_equal(o->u.array.items[0]->type, PDF_REF);
	o = ok("4294967295 65535 R");
	assert_int_equal(o->u.ref.num, 4294967295u);
	assert_int_equal(o->u.ref.gen, 65535);
	o = ok("[1 0 (R)]"); /* a string R is not the keyword */
	assert_int_equal(o->u.array.len, 3);
	bad("[1 0 Rx]", TAMGA_EFORMAT, "unexpected 'Rx'");
	bad("[-1 0 R]", TAMGA_EFORMAT, "unexpected 'R'");   /* signed: not an object number */
	bad("[1 +0 R]", TAMGA_EFORMAT, "unexpected 'R'");
	bad("[1.0 0 R]", TAMGA_EFORMAT, "unexpected 'R'");
	bad("4294967296 0 R", TAMGA_EFORMAT, "out of range");
	bad("1 65536 R", TAMGA_EFORMAT, "out of range");
	bad("[1 2", TAMGA_EFORMAT, "PDF: offset 0: unterminated array");
	bad("]", TAMGA_EFORMAT, "unexpected ']'");
	bad("{1}", TAMGA_EFORMAT, "unexpected '{'");
	o = ok("[[] [[]] ()]");
	assert_int_equal(o->u.array.len, 3);
	assert_int_equal(o->u.array.items[1]->u.array.items[0]->u.array.len, 0);
}

static void test_dicts(void **state)
{
	pdf_obj *o, *v;

	(void)state;
	o = ok("<< /Type /Example /Subtype /DictionaryExample /Version 0.01 /IntegerItem 12 "
	       "/StringItem (a string) /Subdictionary << /Item1 0.4 /Item2 true /LastItem (not!) "
	       "/VeryLastItem (OK) >> /Ref 3 0 R /Null null >>");
	assert_int_equal(o->type, PDF_DICT);
	assert_int_equal(o->u.dict.len, 8);
	assert_true(tamga__pdf_is_name(tamga__pdf_dict_get(o, "Type"), "Example"));
	assert_int_equal(tamga__pdf_dict_get(o, "IntegerItem")->u.integer, 12);
	v = tamga__pdf_dict_get(o, "Subdictionary");
	assert_int_equal(v->u.dict.len, 4);
	assert_string(tamga__pdf_dict_get(v, "VeryLastItem"), "OK", 2);
	assert_int_equal(tamga__pdf_dict_get(o, "Ref")->type, PDF_REF);
	assert_int_equal(tamga__pdf_dict_get(o, "Null")->type, PDF_NULL);
	o = ok("<</A/B/C[1 2]/D<</E(f)>>/G<00>>>");
	assert_int_equal(o->u.dict.len, 4);
	assert_string(tamga__pdf_dict_get(o, "G"), "\0", 1);
	assert_int_equal(ok("<<>>")->u.dict.len, 0);
	bad("<< /A >>", TAMGA_EFORMAT, "key /A has no value");
	bad("<< /A 1", TAMGA_EFORMAT, "unterminated dictionary");
	bad("<< 1 2 >>", TAMGA_EFORMAT, "dictionary key is not a name: '1'");
	bad("<< (k) 2 >>", TAMGA_EFORMAT, "dictionary key is not a name");
	bad(">>", TAMGA_EFORMAT, "unexpected '>>'");
}

static void test_duplicate_keys(void **state)
{
	tamga_buf b = TAMGA_BUF_INIT;
	pdf_obj *o = NULL;
	int i;

	(void)state;
	bad("<< /A 1 /A 2 >>", TAMGA_EFORMAT, "dictionary has the key /A twice");
	/* The same key spelled differently is still the same key. */
	bad("<< /Length 1 /Len#67th 2 >>", TAMGA_EFORMAT, "key /Length twice");
	bad("<< /A << /B 1 /C 2 /B 3 >> >>", TAMGA_EFORMAT, "key /B twice");
	assert_int_equal(ok("<< /A 1 /AA 2 /a 3 >>")->u.dict.len, 3);
	/* Large dictionaries (checked by sorting): distinct, then one repeat. */
	tamga__buf_puts(&b, "<<");
	for (i = 0; i < 500; i++)
		tamga__buf_printf(&b, " /K%d %d", i, i);
	tamga__buf_puts(&b, " >>");
	assert_int_equal(parse_n((const char *)b.ptr, b.size, &o, NULL), 0);
	assert_int_equal(o->u.dict.len, 500);
	b.size -= 3;
	tamga__buf_puts(&b, " /K317 0 >>");
	assert_int_equal(parse_n((const char *)b.ptr, b.size, &o, NULL), TAMGA_EFORMAT);
	assert_non_null(strstr(tamga_error_last()->message, "key /K317 twice"));
	tamga_buf_dispose(&b);
}

static void test_depth_limit(void **state)
{
	char deep[200];
	pdf_obj *o = NULL;
	int i;

	(void)state;
	limits.max_depth = 3;
	assert_int_equal(ok("[[[1]]]")->u.array.items[0]->u.array.items[0]->u.array.items[0]->u.integer, 1);
	assert_int_equal(ok("<< /A [ << /B 1 >> ] >>")->type, PDF_DICT);
	bad("[[[[1]]]]", TAMGA_ELIMIT, "nested deeper than 3");
	bad("<< /A [ << /B [1] >> ] >>", TAMGA_ELIMIT, "nested deeper than 3");
	tamga__pdf_limits_default(&limits);
	/* Default 64: 64 levels parse, 65 do not; 100 unclosed brackets fail
	 * on depth before running out of input. */
	for (i = 0; i < 64; i++)
		deep[i] = '[';
	for (i = 0; i < 64; i++)
		deep[64 + i] = ']';
	assert_int_equal(parse_n(deep, 128, &o, NULL), 0);
	memset(deep, '[', 100);
	assert_int_equal(parse_n(deep, 100, &o, NULL), TAMGA_ELIMIT);
	assert_non_null(strstr(tamga_error_last()->message, "PDF: offset 64: arrays and dictionaries nested deeper than 64"));
}

static void test_positions_and_messages(void **state)
{
	struct pdf_lexer lx;
	const char *text = "[1 2 (abc";
	pdf_obj *o = NULL;
	size_t end;

	(void)state;
	/* Messages name the byte offset of the bad token. */
	bad(text, TAMGA_EFORMAT, "PDF: offset 5: unterminated string");
	bad("[1 2 <41 4X>]", TAMGA_EFORMAT, "PDF: offset 10: invalid character 0x58");
	bad("<< /K 12abc >>", TAMGA_EFORMAT, "PDF: offset 6: malformed number '12abc'");
	/* The parser stops right after the object. */
	assert_int_equal(parse_n("<< /A 1 >> endobj", 17, &o, &end), 0);
	assert_int_equal(end, 10);
	assert_int_equal(parse_n("12 0 obj", 8, &o, &end), 0);
	assert_int_equal(o->u.integer, 12); /* "12 0 obj" is not a reference */
	assert_int_equal(end, 2);
	assert_int_equal(o->offset, 0);
	assert_int_equal(parse_n("  [ 1 /X ]", 10, &o, NULL), 0);
	assert_int_equal(o->offset, 2);
	assert_int_equal(o->u.array.items[1]->offset, 6);
	/* Inside an object stream the message names it. */
	tamga__pdf_lexer_init(&lx, (const unsigned char *)"  (x", 4, 0, arena, &limits);
	lx.objstm = 7;
	assert_int_equal(tamga__pdf_parse_object(&lx, &o), TAMGA_EFORMAT);
	assert_string_equal(tamga_error_last()->message, "PDF: object stream 7, offset 2: unterminated string");
}

static void test_garbage(void **state)
{
	/* Bytes that are no object at all: each an error, none a crash. */
	static const char *const junk[] = { "}", "{", "\x01\x02", "<<<", "<</A", "[<<", "((", "<<>", "/A#", "\xff\xfe" };
	size_t i;
	pdf_obj *o;

	(void)state;
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		assert_int_equal(parse_n(junk[i], strlen(junk[i]), &o, NULL), TAMGA_EFORMAT);
		assert_true(strncmp(tamga_error_last()->message, "PDF: offset ", 12) == 0);
	}
	/* A NUL byte is white space (§7.2.3). */
	assert_int_equal(parse_n("\0\0 7", 4, &o, NULL), 0);
	assert_int_equal(o->u.integer, 7);
}

static void test_tokens(void **state)
{
	static const char text[] = "<< >> [ ] (s) <41> /N 1 -2.5 obj %c\n{";
	static const enum pdf_tok want[] = { PDF_TOK_DICT_OPEN, PDF_TOK_DICT_CLOSE, PDF_TOK_ARRAY_OPEN, PDF_TOK_ARRAY_CLOSE,
	                                     PDF_TOK_STRING, PDF_TOK_HEXSTRING, PDF_TOK_NAME, PDF_TOK_INT, PDF_TOK_REAL,
	                                     PDF_TOK_KEYWORD };
	struct pdf_lexer lx;
	struct pdf_token t;
	size_t i;

	(void)state;
	tamga__pdf_lexer_init(&lx, (const unsigned char *)text, sizeof(text) - 1, 0, arena, &limits);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(tamga__pdf_lex(&lx, &t), 0);
		assert_int_equal(t.type, want[i]);
	}
	assert_true(tamga__pdf_tok_is(&lx, &t, "obj"));
	assert_false(tamga__pdf_tok_is(&lx, &t, "ob"));
	assert_int_equal(tamga__pdf_lex(&lx, &t), TAMGA_EFORMAT); /* '{' */
	lx.pos = lx.len;
	assert_int_equal(tamga__pdf_lex(&lx, &t), 0);
	assert_int_equal(t.type, PDF_TOK_EOF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_keywords, setup, teardown),
		cmocka_unit_test_setup_teardown(test_integers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_literal_escapes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_literal_parens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hex_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arrays_and_refs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dicts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depth_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_positions_and_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
