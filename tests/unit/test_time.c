/*
 * tests/unit/test_time.c - RFC 3339 date-times: tamga_time_parse,
 * tamga_time_format, tamga__time_from_tm (common/time.c).
 *
 * Expected epoch values are independent facts (checked with GNU date -u -d
 * and well-known values such as 2^31 for 2038-01-19T03:14:08Z); bulk checks
 * compare against glibc's timegm()/gmtime_r(), a separate implementation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tamga/common.h>

#include "common/timeutil.h"

/* ------------------------------------------------------------ helpers */

/* Parse text, which must succeed, and return the value. */
static tamga_time parse_ok(const char *text)
{
	tamga_time t = 12345;
	int rc = tamga_time_parse(&t, text);

	if (rc != 0)
		print_message("parse '%s' failed: %d %s\n", text, rc, tamga_error_last()->message);
	assert_int_equal(rc, 0);
	return t;
}

/* The text must be rejected with TAMGA_EFORMAT, *out untouched, and the
 * message must name a position; returns that (1-based) position. */
static long parse_bad(const char *text)
{
	tamga_time t = 777;
	const tamga_error *e;
	const char *p;
	long pos;

	tamga_error_clear();
	assert_int_equal(tamga_time_parse(&t, text), TAMGA_EFORMAT);
	assert_int_equal(t, 777);
	e = tamga_error_last();
	assert_int_equal(e->code, TAMGA_EFORMAT);
	assert_non_null(e->message);
	p = strstr(e->message, "position ");
	if (p == NULL)
		print_message("message without a position: %s\n", e->message);
	assert_non_null(p);
	pos = strtol(p + strlen("position "), NULL, 10);
	assert_true(pos >= 1);
	return pos;
}

/* The same instant through glibc (independent of tamga's calendar code). */
static tamga_time glibc_timegm(int year, int mon, int day, int h, int m, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = s;
	return (tamga_time)timegm(&tm);
}

/* Small deterministic PRNG (xorshift64*), so failures reproduce. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* ------------------------------------------------------------ parse: accepted */

static void test_parse_known_instants(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(parse_ok("2022-05-01T00:00:00Z"), 1651363200);
	assert_int_equal(parse_ok("2000-02-29T12:00:00Z"), 951825600);
	assert_int_equal(parse_ok("2017-01-01T00:00:00Z"), 1483228800);
	assert_int_equal(parse_ok("2026-01-01T00:00:00Z"), 1767225600);
	/* One past the signed 32-bit time_t range. */
	assert_int_equal(parse_ok("2038-01-19T03:14:08Z"), INT64_C(2147483648));
	assert_int_equal(parse_ok("2038-01-19T03:14:07Z"), INT64_C(2147483647));
}

static void test_parse_before_1970(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1969-12-31T23:59:59Z"), -1);
	/* Apollo 11 landing. */
	assert_int_equal(parse_ok("1969-07-20T20:17:40Z"), -14182940);
	/* The NTP epoch is 2208988800 s before the Unix epoch. */
	assert_int_equal(parse_ok("1900-01-01T00:00:00Z"), INT64_C(-2208988800));
	assert_int_equal(parse_ok("0001-01-01T00:00:00Z"), INT64_C(-62135596800));
	/* 1600 and 2000 are leap years (divisible by 400); 1900 and 2100 are not. */
	assert_int_equal(parse_ok("1600-02-29T00:00:00Z") + 86400, INT64_C(-11670912000));
	assert_int_equal(parse_ok("2100-03-01T00:00:00Z"), INT64_C(4107542400));
}

static void test_parse_year_9999(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("9999-12-31T23:59:59Z"), INT64_C(253402300799));
}

static void test_parse_offsets(void **state)
{
	(void)state;
	/* All the same instant as 2022-05-01T00:00:00Z. */
	assert_int_equal(parse_ok("2022-05-01T08:00:00+08:00"), 1651363200);
	assert_int_equal(parse_ok("2022-04-30T18:30:00-05:30"), 1651363200);
	assert_int_equal(parse_ok("2022-05-01T00:00:00+00:00"), 1651363200);
	assert_int_equal(parse_ok("2022-05-01T00:00:00-00:00"), 1651363200);
	/* An offset that crosses a year boundary. */
	assert_int_equal(parse_ok("2016-12-31T19:00:00-05:00"), 1483228800);
	assert_int_equal(parse_ok("2017-01-01T13:45:00+13:45"), 1483228800);
}

static void test_parse_fraction_dropped(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2022-05-01T00:00:00.5Z"), 1651363200);
	assert_int_equal(parse_ok("2022-05-01T00:00:00.999999999Z"), 1651363200);
	assert_int_equal(parse_ok("2022-05-01T08:00:00.123+08:00"), 1651363200);
}

static void test_parse_lowercase_and_space(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2022-05-01t00:00:00z"), 1651363200);
	assert_int_equal(parse_ok("2022-05-01T00:00:00z"), 1651363200);
	/* RFC 3339 section 5.6 note: a space may separate date and time. */
	assert_int_equal(parse_ok("2022-05-01 00:00:00Z"), 1651363200);
}

static void test_parse_leap_second(void **state)
{
	(void)state;
	/* The leap second at the end of 2016; without leap seconds it is the
	 * next second, 2017-01-01T00:00:00Z. */
	assert_int_equal(parse_ok("2016-12-31T23:59:60Z"), 1483228800);
	assert_int_equal(parse_ok("2016-12-31T23:59:59Z"), 1483228799);
}

static void test_parse_matches_timegm(void **state)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	int i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		static const int dim[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		int y = 1 + (int)(rng_next(&s) % 9999), mo = 1 + (int)(rng_next(&s) % 12);
		int d = 1 + (int)(rng_next(&s) % (uint64_t)dim[mo - 1]);
		int h = (int)(rng_next(&s) % 24), mi = (int)(rng_next(&s) % 60), se = (int)(rng_next(&s) % 60);
		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		char text[64];
		tamga_time t;

		if (mo == 2 && d == 29 && !leap)
			d = 28;
		snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, se);
		assert_int_equal(tamga_time_parse(&t, text), 0);
		if (t != glibc_timegm(y, mo, d, h, mi, se))
			print_message("%s: tamga %" PRId64 ", timegm %" PRId64 "\n", text, t,
			              glibc_timegm(y, mo, d, h, mi, se));
		assert_int_equal(t, glibc_timegm(y, mo, d, h, mi, se));
	}
}

/* ------------------------------------------------------------ parse: rejected */

static void test_reject_bad_calendar_dates(void **state)
{
	(void)state;
	parse_bad("2022-13-01T00:00:00Z");   /* month 13 */
	parse_bad("2022-00-10T00:00:00Z");   /* month 0 */
	parse_bad("2021-02-29T00:00:00Z");   /* 2021 is not a leap year */
	parse_bad("1900-02-29T00:00:00Z");   /* nor is 1900 */
	parse_bad("2022-04-31T00:00:00Z");   /* April has 30 days */
	parse_bad("2022-05-00T00:00:00Z");   /* day 0 */
	parse_bad("2022-05-32T00:00:00Z");
}

static void test_reject_bad_clock_times(void **state)
{
	(void)state;
	parse_bad("2022-05-01T24:00:00Z");   /* hour 24 */
	parse_bad("2022-05-01T23:60:00Z");   /* minute 60 */
	parse_bad("2022-05-01T23:59:61Z");   /* second 61 */
	parse_bad("2022-05-01T1:00:00Z");    /* one-digit hour */
}

/* Positions of the offending character, counted from 1, where the first bad
 * character is unambiguous (a missing or unexpected character). */
static void test_reject_syntax_with_position(void **state)
{
	(void)state;
	/*                 1234567890123456789012345 */
	assert_int_equal(parse_bad(""), 1);
	assert_int_equal(parse_bad("2022-05-01T00:00:00"), 20);       /* missing zone */
	assert_int_equal(parse_bad("2022-05-01T00:00:00Zx"), 21);     /* trailing text */
	assert_int_equal(parse_bad("2022-05-01T00:00:00Z "), 21);
	assert_int_equal(parse_bad("2022-05-01T00:00:00+0800"), 23);  /* offset without ':' */
	assert_int_equal(parse_bad("2022-05-01T00:00:00+08"), 23);
	assert_int_equal(parse_bad("2022-05-01X00:00:00Z"), 11);      /* bad separator */
	assert_int_equal(parse_bad("2022/05/01T00:00:00Z"), 5);
	assert_int_equal(parse_bad("22-05-01T00:00:00Z"), 3);         /* two-digit year */
	assert_int_equal(parse_bad("2022-05-01T00:00:00.Z"), 21);     /* '.' without digits */
	assert_int_equal(parse_bad("2022-05-01T00:00:00UTC"), 20);
	assert_int_equal(parse_bad("2022-05-01"), 11);                 /* date only */
}

/* common.h promises "a message naming the position of the first bad
 * character".  For a field whose digits are well-formed but out of range the
 * bad characters are that field's digits: "2022-13-01" is wrong at positions
 * 6-7 (the month), not at 8 (the '-' after it, which is fine). */
static void test_reject_range_position_names_field(void **state)
{
	long pos;

	(void)state;
	pos = parse_bad("2022-13-01T00:00:00Z");
	if (pos < 6 || pos > 7)
		print_message("month 13: position %ld named, the month is at 6-7\n", pos);
	assert_true(pos >= 6 && pos <= 7);

	pos = parse_bad("2022-04-31T00:00:00Z");
	if (pos < 9 || pos > 10)
		print_message("April 31: position %ld named, the day is at 9-10\n", pos);
	assert_true(pos >= 9 && pos <= 10);

	pos = parse_bad("2022-05-01T24:00:00Z");
	if (pos < 12 || pos > 13)
		print_message("hour 24: position %ld named, the hour is at 12-13\n", pos);
	assert_true(pos >= 12 && pos <= 13);
}

static void test_reject_null_is_einval(void **state)
{
	tamga_time t = 5;

	(void)state;
	tamga_error_clear();
	assert_int_equal(tamga_time_parse(&t, NULL), TAMGA_EINVAL);
	assert_int_equal(tamga_error_last()->code, TAMGA_EINVAL);
	assert_int_equal(t, 5);
}

static void test_reject_bad_offsets(void **state)
{
	(void)state;
	parse_bad("2022-05-01T00:00:00+24:00");
	parse_bad("2022-05-01T00:00:00+08:60");
	parse_bad("2022-05-01T00:00:00+8:00");
	parse_bad("2022-05-01T00:00:00+08:00Z");
}

static void test_error_message_quotes_input(void **state)
{
	(void)state;
	parse_bad("2022-13-01T00:00:00Z");
	assert_non_null(strstr(tamga_error_last()->message, "2022-13-01T00:00:00Z"));
}

/* ------------------------------------------------------------ format */

static void test_format_known_instants(void **state)
{
	char buf[TAMGA_TIME_BUFSIZE];

	(void)state;
	assert_string_equal(tamga_time_format(buf, 0), "1970-01-01T00:00:00Z");
	assert_string_equal(tamga_time_format(buf, 1651363200), "2022-05-01T00:00:00Z");
	assert_string_equal(tamga_time_format(buf, 951825600), "2000-02-29T12:00:00Z");
	assert_string_equal(tamga_time_format(buf, -1), "1969-12-31T23:59:59Z");
	assert_string_equal(tamga_time_format(buf, -14182940), "1969-07-20T20:17:40Z");
	assert_string_equal(tamga_time_format(buf, INT64_C(-62135596800)), "0001-01-01T00:00:00Z");
	assert_string_equal(tamga_time_format(buf, INT64_C(253402300799)), "9999-12-31T23:59:59Z");
	/* Returns its buffer. */
	assert_ptr_equal(tamga_time_format(buf, 0), buf);
}

static void test_format_matches_gmtime(void **state)
{
	uint64_t s = 42;
	int i;

	(void)state;
	for (i = 0; i < 20000; i++) {
		/* Years 0001..9999. */
		tamga_time t = INT64_C(-62135596800) +
		               (tamga_time)(rng_next(&s) % (uint64_t)(INT64_C(253402300799) + INT64_C(62135596800)));
		time_t tt = (time_t)t;
		struct tm tm;
		char want[64], got[TAMGA_TIME_BUFSIZE];

		assert_non_null(gmtime_r(&tt, &tm));
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		assert_string_equal(tamga_time_format(got, t), want);
	}
}

static void test_round_trip(void **state)
{
	static const char *const texts[] = {
		"1970-01-01T00:00:00Z", "2022-05-01T00:00:00Z", "2000-02-29T12:00:00Z",
		"1969-12-31T23:59:59Z", "1900-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
		"9999-12-31T23:59:59Z", "2024-02-29T23:59:59Z", "2038-01-19T03:14:08Z",
	};
	uint64_t s = 7;
	size_t i;

	(void)state;
	/* format(parse(x)) == x for canonical text. */
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char buf[TAMGA_TIME_BUFSIZE];

		assert_string_equal(tamga_time_format(buf, parse_ok(texts[i])), texts[i]);
	}
	/* parse(format(t)) == t. */
	for (i = 0; i < 20000; i++) {
		tamga_time t = INT64_C(-62135596800) +
		               (tamga_time)(rng_next(&s) % (uint64_t)(INT64_C(253402300799) + INT64_C(62135596800)));
		char buf[TAMGA_TIME_BUFSIZE];

		assert_int_equal(parse_ok(tamga_time_format(buf, t)), t);
	}
	/* Non-canonical forms come back canonical. */
	{
		char buf[TAMGA_TIME_BUFSIZE];

		assert_string_equal(tamga_time_format(buf, parse_ok("2022-05-01t08:00:00.75+08:00")),
		                    "2022-05-01T00:00:00Z");
	}
}

/* ------------------------------------------------------------ time_from_tm */

static void test_time_from_tm(void **state)
{
	struct tm tm;
	uint64_t s = 1234567;
	int i;

	(void)state;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 122;  /* 2022 */
	tm.tm_mon = 4;     /* May */
	tm.tm_mday = 1;
	assert_int_equal(tamga__time_from_tm(&tm), 1651363200);

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 70;
	tm.tm_mday = 1;
	assert_int_equal(tamga__time_from_tm(&tm), 0);

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 100;  /* 2000-02-29T12:00:00 */
	tm.tm_mon = 1;
	tm.tm_mday = 29;
	tm.tm_hour = 12;
	assert_int_equal(tamga__time_from_tm(&tm), 951825600);

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 8099;  /* 9999-12-31T23:59:59 */
	tm.tm_mon = 11;
	tm.tm_mday = 31;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	assert_int_equal(tamga__time_from_tm(&tm), INT64_C(253402300799));

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = 0;     /* 1900-01-01 */
	tm.tm_mday = 1;
	assert_int_equal(tamga__time_from_tm(&tm), INT64_C(-2208988800));

	/* Whatever gmtime_r breaks down, tamga__time_from_tm puts back together,
	 * independent of the process time zone. */
	setenv("TZ", "Asia/Ulaanbaatar", 1);
	tzset();
	for (i = 0; i < 20000; i++) {
		time_t t = (time_t)(INT64_C(-62135596800) +
		                    (int64_t)(rng_next(&s) % (uint64_t)(INT64_C(253402300799) + INT64_C(62135596800))));

		assert_non_null(gmtime_r(&t, &tm));
		assert_int_equal(tamga__time_from_tm(&tm), (tamga_time)t);
	}
	unsetenv("TZ");
	tzset();
}

static void test_parse_ignores_tz(void **state)
{
	(void)state;
	setenv("TZ", "America/St_Johns", 1);  /* UTC-03:30 */
	tzset();
	assert_int_equal(parse_ok("2022-05-01T00:00:00Z"), 1651363200);
	{
		char buf[TAMGA_TIME_BUFSIZE];

		assert_string_equal(tamga_time_format(buf, 1651363200), "2022-05-01T00:00:00Z");
	}
	unsetenv("TZ");
	tzset();
}

static void test_time_now(void **state)
{
	time_t before = time(NULL);
	tamga_time now = tamga_time_now();
	time_t after = time(NULL);

	(void)state;
	assert_true(now >= (tamga_time)before && now <= (tamga_time)after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_known_instants),
		cmocka_unit_test(test_parse_before_1970),
		cmocka_unit_test(test_parse_year_9999),
		cmocka_unit_test(test_parse_offsets),
		cmocka_unit_test(test_parse_fraction_dropped),
		cmocka_unit_test(test_parse_lowercase_and_space),
		cmocka_unit_test(test_parse_leap_second),
		cmocka_unit_test(test_parse_matches_timegm),
		cmocka_unit_test(test_reject_bad_calendar_dates),
		cmocka_unit_test(test_reject_bad_clock_times),
		cmocka_unit_test(test_reject_syntax_with_position),
		cmocka_unit_test(test_reject_range_position_names_field),
		cmocka_unit_test(test_reject_null_is_einval),
		cmocka_unit_test(test_reject_bad_offsets),
		cmocka_unit_test(test_error_message_quotes_input),
		cmocka_unit_test(test_format_known_instants),
		cmocka_unit_test(test_format_matches_gmtime),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_time_from_tm),
		cmocka_unit_test(test_parse_ignores_tz),
		cmocka_unit_test(test_time_now),
	};

	return cmocka_run_group_tests_name("time", tests, NULL, NULL);
}
