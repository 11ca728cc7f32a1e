/*
 * tests/unit/test_error.c - the thread-local error detail (common/error.c):
 * tamga_error_last, tamga_error_clear, tamga_error_name, and the internal
 * setters tamga__error_set / _openssl / _prefix / _oom.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include <tamga/common.h>

#include "common/error.h"

/* ------------------------------------------------------------ basics */

static void test_initial_state(void **state)
{
	const tamga_error *e = tamga_error_last();

	(void)state;
	/* The first test of the process: nothing recorded yet. */
	assert_non_null(e);
	assert_int_equal(e->code, TAMGA_OK);
	assert_non_null(e->message);
	assert_string_equal(e->message, "");
}

static void test_set_and_last(void **state)
{
	const tamga_error *e;

	(void)state;
	assert_int_equal(tamga__error_set(TAMGA_EIO, "cannot read %s: %d", "x.pem", 42), TAMGA_EIO);
	e = tamga_error_last();
	assert_int_equal(e->code, TAMGA_EIO);
	assert_string_equal(e->message, "cannot read x.pem: 42");

	/* A later error replaces the earlier one. */
	assert_int_equal(tamga__error_set(TAMGA_EFORMAT, "second"), TAMGA_EFORMAT);
	e = tamga_error_last();
	assert_int_equal(e->code, TAMGA_EFORMAT);
	assert_string_equal(e->message, "second");
}

static void test_set_truncates_long_message(void **state)
{
	char big[3000];
	const tamga_error *e;

	(void)state;
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(tamga__error_set(TAMGA_ELIMIT, "%s", big), TAMGA_ELIMIT);
	e = tamga_error_last();
	assert_int_equal(e->code, TAMGA_ELIMIT);
	assert_true(strlen(e->message) > 0 && strlen(e->message) < sizeof(big) - 1);
	assert_memory_equal(e->message, big, strlen(e->message));
}

static void test_clear(void **state)
{
	const tamga_error *e;

	(void)state;
	tamga__error_set(TAMGA_EDB, "database locked");
	tamga_error_clear();
	e = tamga_error_last();
	assert_int_equal(e->code, TAMGA_OK);
	assert_non_null(e->message);
	assert_string_equal(e->message, "");
	tamga_error_clear(); /* twice is fine */
	assert_int_equal(tamga_error_last()->code, TAMGA_OK);
}

static void test_oom(void **state)
{
	(void)state;
	tamga_error_clear();
	assert_int_equal(tamga__error_oom(), TAMGA_ENOMEM);
	assert_int_equal(tamga_error_last()->code, TAMGA_ENOMEM);
	assert_non_null(strstr(tamga_error_last()->message, "memory"));
}

/* ------------------------------------------------------------ OpenSSL's queue */

static void test_openssl_appends_queued_error(void **state)
{
	static const unsigned char garbage[] = { 0x30, 0x03, 0x02, 0x01 }; /* truncated SEQUENCE */
	const unsigned char *p = garbage;
	unsigned long first;
	char want_text[256], want[512];
	const tamga_error *e;
	X509 *x;

	(void)state;
	ERR_clear_error();
	x = d2i_X509(NULL, &p, (long)sizeof(garbage));
	assert_null(x);
	first = ERR_peek_error();
	assert_true(first != 0);
	ERR_error_string_n(first, want_text, sizeof(want_text));
	snprintf(want, sizeof(want), "not a certificate: %s", want_text);

	assert_int_equal(tamga__error_openssl(TAMGA_EFORMAT, "not a %s", "certificate"), TAMGA_EFORMAT);
	e = tamga_error_last();
	assert_int_equal(e->code, TAMGA_EFORMAT);
	/* The oldest error (the cause) comes first, right after ": ". */
	assert_memory_equal(e->message, want, strlen(want));
	/* And the queue is drained. */
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_openssl_several_errors_in_order(void **state)
{
	char a[256], b[256], want[600];
	unsigned long ea, eb;
	const tamga_error *e;

	(void)state;
	ERR_clear_error();
	ERR_raise(ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE);
	ERR_raise(ERR_LIB_ASN1, ASN1_R_TOO_LONG);
	ea = ERR_get_error();
	eb = ERR_get_error();
	assert_int_equal(ERR_GET_REASON(ea), X509_R_CERT_ALREADY_IN_HASH_TABLE);
	assert_int_equal(ERR_GET_REASON(eb), ASN1_R_TOO_LONG);
	ERR_error_string_n(ea, a, sizeof(a));
	ERR_error_string_n(eb, b, sizeof(b));
	snprintf(want, sizeof(want), "ctx: %s; %s", a, b);

	/* Queue them again and let tamga read them. */
	ERR_raise(ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE);
	ERR_raise(ERR_LIB_ASN1, ASN1_R_TOO_LONG);
	assert_int_equal(tamga__error_openssl(TAMGA_ECRYPTO, "ctx"), TAMGA_ECRYPTO);
	e = tamga_error_last();
	assert_int_equal(e->code, TAMGA_ECRYPTO);
	assert_string_equal(e->message, want);
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_openssl_without_queue_is_plain_set(void **state)
{
	(void)state;
	ERR_clear_error();
	assert_int_equal(tamga__error_openssl(TAMGA_ECRYPTO, "plain %d", 7), TAMGA_ECRYPTO);
	assert_int_equal(tamga_error_last()->code, TAMGA_ECRYPTO);
	assert_string_equal(tamga_error_last()->message, "plain 7");
}

static void test_openssl_many_errors_bounded_and_drained(void **state)
{
	const tamga_error *e;
	size_t len;
	int i;

	(void)state;
	ERR_clear_error();
	/* More text than the message holds (OpenSSL keeps the newest 16). */
	for (i = 0; i < 40; i++)
		ERR_raise_data(ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE, "item %d", i);
	assert_int_equal(tamga__error_openssl(TAMGA_EFORMAT, "%s", "many"), TAMGA_EFORMAT);
	e = tamga_error_last();
	len = strlen(e->message);
	assert_true(len < 1024);
	assert_memory_equal(e->message, "many: ", 6);
	/* The message ends after a whole entry, never in the middle of one. */
	assert_non_null(strstr(e->message, "already in hash table"));
	assert_string_equal(e->message + len - strlen("already in hash table"), "already in hash table");
	assert_int_equal(ERR_peek_error(), 0);
}

/* ------------------------------------------------------------ prefix */

static void test_prefix(void **state)
{
	const tamga_error *e;

	(void)state;
	tamga__error_set(TAMGA_EEXISTS, "out.crt exists");
	assert_int_equal(tamga__error_prefix("will not overwrite (%s)", "use --force"), TAMGA_EEXISTS);
	e = tamga_error_last();
	assert_int_equal(e->code, TAMGA_EEXISTS);
	assert_string_equal(e->message, "will not overwrite (use --force): out.crt exists");

	/* Prefixes nest, innermost context last. */
	assert_int_equal(tamga__error_prefix("issue"), TAMGA_EEXISTS);
	assert_string_equal(tamga_error_last()->message, "issue: will not overwrite (use --force): out.crt exists");
}

static void test_prefix_long_message_truncated(void **state)
{
	char inner[1100], want_start[64];
	const tamga_error *e;
	size_t len;

	(void)state;
	memset(inner, 'i', sizeof(inner) - 1);
	inner[sizeof(inner) - 1] = '\0';
	tamga__error_set(TAMGA_EIO, "%s", inner);
	assert_int_equal(tamga__error_prefix("ctx%d", 9), TAMGA_EIO);
	e = tamga_error_last();
	len = strlen(e->message);
	assert_true(len < 1024);
	snprintf(want_start, sizeof(want_start), "ctx9: iii");
	assert_memory_equal(e->message, want_start, strlen(want_start));
	/* Only the inner message's characters follow the prefix. */
	assert_int_equal(strspn(e->message + 6, "i"), len - 6);
}

/* ------------------------------------------------------------ names */

static void test_error_names(void **state)
{
	static const struct {
		int code;
		const char *name;
	} names[] = {
		{ TAMGA_OK, "TAMGA_OK" },
		{ TAMGA_ERROR, "TAMGA_ERROR" },
		{ TAMGA_ENOMEM, "TAMGA_ENOMEM" },
		{ TAMGA_EINVAL, "TAMGA_EINVAL" },
		{ TAMGA_EIO, "TAMGA_EIO" },
		{ TAMGA_ENOTFOUND, "TAMGA_ENOTFOUND" },
		{ TAMGA_EEXISTS, "TAMGA_EEXISTS" },
		{ TAMGA_ECRYPTO, "TAMGA_ECRYPTO" },
		{ TAMGA_EFORMAT, "TAMGA_EFORMAT" },
		{ TAMGA_EPASSPHRASE, "TAMGA_EPASSPHRASE" },
		{ TAMGA_EDB, "TAMGA_EDB" },
		{ TAMGA_ELIMIT, "TAMGA_ELIMIT" },
		{ TAMGA_EUNSUPPORTED, "TAMGA_EUNSUPPORTED" },
		{ TAMGA_ESTATE, "TAMGA_ESTATE" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(tamga_error_name(names[i].code), names[i].name);
	assert_string_equal(tamga_error_name(-14), "TAMGA_E?");
	assert_string_equal(tamga_error_name(1), "TAMGA_E?");
	assert_string_equal(tamga_error_name(-1000), "TAMGA_E?");
}

/* The codes are ABI: common.h says they are never renumbered. */
static void test_error_values_fixed(void **state)
{
	(void)state;
	assert_int_equal(TAMGA_OK, 0);
	assert_int_equal(TAMGA_ERROR, -1);
	assert_int_equal(TAMGA_ENOMEM, -2);
	assert_int_equal(TAMGA_EINVAL, -3);
	assert_int_equal(TAMGA_EIO, -4);
	assert_int_equal(TAMGA_ENOTFOUND, -5);
	assert_int_equal(TAMGA_EEXISTS, -6);
	assert_int_equal(TAMGA_ECRYPTO, -7);
	assert_int_equal(TAMGA_EFORMAT, -8);
	assert_int_equal(TAMGA_EPASSPHRASE, -9);
	assert_int_equal(TAMGA_EDB, -10);
	assert_int_equal(TAMGA_ELIMIT, -11);
	assert_int_equal(TAMGA_EUNSUPPORTED, -12);
	assert_int_equal(TAMGA_ESTATE, -13);
}

static void test_version(void **state)
{
	(void)state;
	/* TAMGA_VERSION is passed in by the Makefile. */
	assert_string_equal(tamga_version(), TAMGA_VERSION);
}

/* ------------------------------------------------------------ threads */

struct thread_result {
	int initial_code;
	char initial_message[64];
	int own_code;
	char own_message[64];
};

static void *thread_main(void *arg)
{
	struct thread_result *r = arg;
	const tamga_error *e = tamga_error_last();

	r->initial_code = e->code;
	snprintf(r->initial_message, sizeof(r->initial_message), "%s", e->message ? e->message : "(null)");
	tamga__error_set(TAMGA_EDB, "thread's own error");
	e = tamga_error_last();
	r->own_code = e->code;
	snprintf(r->own_message, sizeof(r->own_message), "%s", e->message);
	return NULL;
}

static void test_thread_local(void **state)
{
	struct thread_result r;
	pthread_t th;

	(void)state;
	memset(&r, 0, sizeof(r));
	tamga__error_set(TAMGA_EIO, "main thread's error");
	assert_int_equal(pthread_create(&th, NULL, thread_main, &r), 0);
	assert_int_equal(pthread_join(th, NULL), 0);

	/* The other thread saw a clean state, not the main thread's error... */
	assert_int_equal(r.initial_code, TAMGA_OK);
	assert_string_equal(r.initial_message, "");
	assert_int_equal(r.own_code, TAMGA_EDB);
	assert_string_equal(r.own_message, "thread's own error");
	/* ...and its own error did not leak into the main thread. */
	assert_int_equal(tamga_error_last()->code, TAMGA_EIO);
	assert_string_equal(tamga_error_last()->message, "main thread's error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_initial_state),
		cmocka_unit_test(test_set_and_last),
		cmocka_unit_test(test_set_truncates_long_message),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_oom),
		cmocka_unit_test(test_openssl_appends_queued_error),
		cmocka_unit_test(test_openssl_several_errors_in_order),
		cmocka_unit_test(test_openssl_without_queue_is_plain_set),
		cmocka_unit_test(test_openssl_many_errors_bounded_and_drained),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_prefix_long_message_truncated),
		cmocka_unit_test(test_error_names),
		cmocka_unit_test(test_error_values_fixed),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_thread_local),
	};

	return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
