/*
 * common/time.c - RFC 3339 date-times <-> tamga_time (seconds since the
 * epoch, UTC, proleptic Gregorian calendar, no leap seconds).
 *
 *     date-time = YYYY "-" MM "-" DD ("T" / "t" / " ") hh ":" mm ":" ss
 *                 ["." 1*DIGIT] ("Z" / "z" / ("+" / "-") hh ":" mm)
 *
 * Calendar arithmetic is done here rather than with timegm() so the result
 * never depends on the process's TZ setting.
 */
#include <stdio.h>
#include <time.h>

#include "common/error.h"
#include "common/timeutil.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's method). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Read exactly n digits at *pos. */
static int digits(const char *s, size_t *pos, int n, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < n; i++) {
		char c = s[*pos];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (unsigned)(c - '0');
		(*pos)++;
	}
	*out = v;
	return 0;
}

static int expect(const char *s, size_t *pos, const char *any)
{
	for (; *any; any++)
		if (s[*pos] == *any) {
			(*pos)++;
			return 0;
		}
	return -1;
}

static int bad(const char *text, size_t pos, const char *what)
{
	return tamga__error_set(TAMGA_EFORMAT,
	                        "'%.64s' is not an RFC 3339 date-time (e.g. 2022-05-01T00:00:00Z): %s at position %zu",
	                        text, what, pos + 1);
}

int tamga_time_parse(tamga_time *out, const char *text)
{
	size_t pos = 0;
	unsigned year, mon, day, hh, mm, ss, oh = 0, om = 0;
	int sign = 0;
	int64_t t;

	if (text == NULL)
		return tamga__error_set(TAMGA_EINVAL, "no date-time given");
	/* Each field: a digit error names the bad character, a range error the
	 * field's first character. */
#define FIELD(n, var, ok, what)                                                          \
	do {                                                                             \
		size_t start = pos;                                                      \
		if (digits(text, &pos, (n), &(var)))                                     \
			return bad(text, pos, "expected " what);                         \
		if (!(ok))                                                               \
			return bad(text, start, "out of range: " what);                  \
	} while (0)
#define SEP(chars, what)                                                                 \
	do {                                                                             \
		if (expect(text, &pos, (chars)))                                         \
			return bad(text, pos, "expected " what);                         \
	} while (0)

	FIELD(4, year, 1, "a four-digit year");
	SEP("-", "'-'");
	FIELD(2, mon, mon >= 1 && mon <= 12, "a month 01-12");
	SEP("-", "'-'");
	FIELD(2, day, day >= 1 && day <= days_in_month(year, mon), "a day of that month");
	SEP("Tt ", "'T'");
	FIELD(2, hh, hh <= 23, "an hour 00-23");
	SEP(":", "':'");
	FIELD(2, mm, mm <= 59, "a minute 00-59");
	SEP(":", "':'");
	/* 60 is a leap second; without leap seconds it is the next second. */
	FIELD(2, ss, ss <= 60, "a second 00-60");
	if (text[pos] == '.') {
		pos++;
		if (text[pos] < '0' || text[pos] > '9')
			return bad(text, pos, "expected digits after '.'");
		while (text[pos] >= '0' && text[pos] <= '9')
			pos++;
	}
	if (text[pos] == 'Z' || text[pos] == 'z') {
		pos++;
	} else if (text[pos] == '+' || text[pos] == '-') {
		sign = text[pos] == '+' ? 1 : -1;
		pos++;
		FIELD(2, oh, oh <= 23, "an offset hour 00-23");
		SEP(":", "':' in the UTC offset");
		FIELD(2, om, om <= 59, "an offset minute 00-59");
	} else {
		return bad(text, pos, "expected 'Z' or a UTC offset");
	}
	if (text[pos] != '\0')
		return bad(text, pos, "unexpected text after the date-time");
#undef FIELD
#undef SEP

	t = days_from_civil(year, mon, day) * 86400 + hh * 3600 + mm * 60 + ss;
	t -= sign * (int64_t)(oh * 3600 + om * 60);
	/* An offset can move the instant out of the four-digit years that
	 * tamga_time_format() writes; such a time could not be written back. */
	if (t < days_from_civil(0, 1, 1) * 86400 || t >= days_from_civil(10000, 1, 1) * 86400)
		return bad(text, pos, "the instant falls outside the years 0000-9999 in UTC");
	*out = t;
	return 0;
}

char *tamga_time_format(char buf[TAMGA_TIME_BUFSIZE], tamga_time t)
{
	int64_t days = t / 86400, rem = t % 86400, y;
	unsigned m, d;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	/* Formatted in a buffer wide enough for any year, then copied. */
	{
		char wide[96];

		snprintf(wide, sizeof(wide), "%04lld-%02u-%02uT%02u:%02u:%02uZ", (long long)y, m, d,
		         (unsigned)(rem / 3600), (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
		snprintf(buf, TAMGA_TIME_BUFSIZE, "%.31s", wide);
	}
	return buf;
}

tamga_time tamga__time_from_tm(const struct tm *tm)
{
	return days_from_civil((int64_t)tm->tm_year + 1900, (unsigned)tm->tm_mon + 1, (unsigned)tm->tm_mday) * 86400 +
	       (int64_t)tm->tm_hour * 3600 + tm->tm_min * 60 + tm->tm_sec;
}

tamga_time tamga_time_now(void)
{
	return (tamga_time)time(NULL);
}
