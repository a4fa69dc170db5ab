/*
 * date.c - the one calendar of the library: real-world dates (proleptic
 * Gregorian, years 1800 to 2999) and recording times (Unix seconds, UTC).
 * It parses and writes "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM:SSZ", counts days
 * (a date as a day number since 1970-01-01 and back), adds days, working
 * days and months, and says which day of the week a date is.
 *
 * Invariants: every date it returns is a real day in 1800..2999 (an
 * addition that would leave that range is CHANCERY_EINVALID and writes
 * nothing); no time zone, no gmtime/mktime/timegm (their static buffers
 * and the TZ variable have no say): day numbers come from Howard
 * Hinnant's public-domain civil-from-days algorithms, redone here.
 *
 * Left out on purpose: time zones and daylight saving, leap seconds, the
 * Julian calendar, public holidays (a "working day" is Monday to Friday),
 * and the languages dates are written in (letters/ and workflows/). One
 * rule of the records lives here as well: none is dated after the day it is
 * made (chancery__date_not_future).
 */
#include "base.h"

#include <stdio.h>
#include <string.h>

/* ---- calendar dates ------------------------------------------------------ */

int chancery__days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

int chancery_date_parse(chancery_date *out, const char *s)
{
	int v[3] = { 0, 0, 0 };
	static const int width[3] = { 4, 2, 2 };
	const char *p = s;

	CHANCERY_ASSERT_ARG(out && s);
	for (int f = 0; f < 3; f++) {
		for (int i = 0; i < width[f]; i++, p++) {
			if (*p < '0' || *p > '9')
				goto bad;
			v[f] = v[f] * 10 + (*p - '0');
		}
		if (f < 2 && *p++ != '-')
			goto bad;
	}
	if (*p)
		goto bad;
	if (v[0] < 1800 || v[0] > 2999)
		return chancery__error(CHANCERY_EINVALID,
			"date '%s' out of range (years 1800 to 2999)", s);
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > chancery__days_in_month(v[0], v[1]))
		return chancery__error(CHANCERY_EINVALID,
			"impossible date '%s'", s);
	out->year = v[0];
	out->month = v[1];
	out->day = v[2];
	return 0;
bad:
	return chancery__error(CHANCERY_EINVALID,
		"malformed date '%.40s' (expected YYYY-MM-DD)", s);
}

bool chancery__date_valid(const char *s)
{
	chancery_date d;

	return chancery_date_parse(&d, s) == 0;
}

bool chancery__date_ok(const chancery_date *d)
{
	return d->year >= 1800 && d->year <= 2999 && d->month >= 1 &&
		d->month <= 12 && d->day >= 1 &&
		d->day <= chancery__days_in_month(d->year, d->month);
}

void chancery_date_format(char *buf, size_t size, const chancery_date *d)
{
	snprintf(buf, size, "%04d-%02d-%02d", d->year % 10000, d->month % 100,
		d->day % 100);
}

int chancery_date_cmp(const chancery_date *a, const chancery_date *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return 0;
}

/* ---- day numbers --------------------------------------------------------- */

int64_t chancery_date_to_days(const chancery_date *d)
{
	int64_t y = (int64_t)d->year - (d->month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (d->month + (d->month > 2 ? -3 : 9)) + 2) / 5 +
		d->day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

void chancery_date_from_days(chancery_date *out, int64_t days)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	out->year = (int)(yoe + era * 400 + (m <= 2));
	out->month = (int)m;
	out->day = (int)d;
}

void chancery_date_from_time(chancery_date *out, int64_t t)
{
	/* floor division: the second before the epoch is 1969-12-31 */
	chancery_date_from_days(out, (t >= 0 ? t : t - 86399) / 86400);
}

int64_t chancery_date_days_between(const chancery_date *from,
	const chancery_date *to)
{
	return chancery_date_to_days(to) - chancery_date_to_days(from);
}

int chancery_date_weekday(const chancery_date *d)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0) */
	int64_t w = (chancery_date_to_days(d) + 3) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

/* ---- arithmetic ---------------------------------------------------------- */

static int bad_input(const chancery_date *d)
{
	return chancery__error(CHANCERY_EINVALID,
		"impossible date %04d-%02d-%02d", d->year % 10000,
		d->month % 100, d->day % 100);
}

/* Day number `days` as a date in range, or CHANCERY_EINVALID. */
static int from_days_checked(chancery_date *out, int64_t days,
	const chancery_date *from, const char *what, long long n)
{
	chancery_date d;

	chancery_date_from_days(&d, days);
	if (d.year < 1800 || d.year > 2999)
		return chancery__error(CHANCERY_EINVALID, "%04d-%02d-%02d %+lld "
			"%s is out of range (years 1800 to 2999)",
			from->year, from->month, from->day, n, what);
	*out = d;
	return 0;
}

int chancery_date_add_days(chancery_date *out, const chancery_date *date,
	int n)
{
	CHANCERY_ASSERT_ARG(out && date);
	if (!chancery__date_ok(date))
		return bad_input(date);
	return from_days_checked(out, chancery_date_to_days(date) + n, date,
		"days", n);
}

static bool weekend(int64_t days)
{
	int64_t w = (days + 3) % 7;

	return (w < 0 ? w + 7 : w) >= 5;
}

int chancery_date_add_working_days(chancery_date *out,
	const chancery_date *date, int n)
{
	int64_t x, left = n < 0 ? -(int64_t)n : n, dir = n < 0 ? -1 : 1;

	CHANCERY_ASSERT_ARG(out && date);
	if (!chancery__date_ok(date))
		return bad_input(date);
	x = chancery_date_to_days(date);
	/* step off a weekend day by day; from a weekday, five working days
	 * are seven calendar days that end on the same weekday */
	while (left > 0 && weekend(x)) {
		x += dir;
		if (!weekend(x))
			left--;
	}
	x += left / 5 * 7 * dir;
	left %= 5;
	while (left > 0) {
		x += dir;
		if (!weekend(x))
			left--;
	}
	return from_days_checked(out, x, date, "working days", n);
}

int chancery_date_add_months(chancery_date *out, const chancery_date *date,
	int n)
{
	int64_t m;
	chancery_date d;

	CHANCERY_ASSERT_ARG(out && date);
	if (!chancery__date_ok(date))
		return bad_input(date);
	m = (int64_t)date->year * 12 + (date->month - 1) + n;
	if (m < 1800 * 12 || m > 2999 * 12 + 11)
		return chancery__error(CHANCERY_EINVALID, "%04d-%02d-%02d %+d "
			"months is out of range (years 1800 to 2999)",
			date->year, date->month, date->day, n);
	d.year = (int)(m / 12);
	d.month = (int)(m % 12) + 1;
	/* a month too short for the day: its last day */
	d.day = date->day;
	if (d.day > chancery__days_in_month(d.year, d.month))
		d.day = chancery__days_in_month(d.year, d.month);
	*out = d;
	return 0;
}

/* ---- recording times ----------------------------------------------------- */

int chancery__time_of_day(int64_t t)
{
	return (int)(((t % 86400) + 86400) % 86400);
}

/* Two digits at s, at most `max`; -1 when they are not. */
static int two_digits(const char *s, int max)
{
	int v;

	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	v = (s[0] - '0') * 10 + (s[1] - '0');
	return v <= max ? v : -1;
}

int chancery_time_parse(int64_t *out, const char *s)
{
	chancery_date d;
	char day[11];
	int hh, mm, ss, error;

	CHANCERY_ASSERT_ARG(out && s);
	if (strlen(s) != 20 || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[19] != 'Z')
		return chancery__error(CHANCERY_EINVALID, "malformed time "
			"'%.40s' (expected YYYY-MM-DDTHH:MM:SSZ)", s);
	memcpy(day, s, 10);
	day[10] = '\0';
	if ((error = chancery_date_parse(&d, day)) < 0)
		return error;
	if ((hh = two_digits(s + 11, 23)) < 0 ||
	    (mm = two_digits(s + 14, 59)) < 0 ||
	    (ss = two_digits(s + 17, 59)) < 0)
		return chancery__error(CHANCERY_EINVALID,
			"impossible time '%s' (hours 00 to 23, minutes and "
			"seconds 00 to 59)", s);
	*out = chancery_date_to_days(&d) * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

bool chancery__time_valid(int64_t t)
{
	return t >= CHANCERY__TIME_MIN && t <= CHANCERY__TIME_MAX;
}

int chancery__time_check(int64_t t, const char *what)
{
	char min[32], max[32];

	if (chancery__time_valid(t))
		return 0;
	chancery_time_format(min, sizeof(min), CHANCERY__TIME_MIN);
	chancery_time_format(max, sizeof(max), CHANCERY__TIME_MAX);
	return chancery__error(CHANCERY_EINVALID, "%s %lld is out of range "
		"(%s to %s, what a Git commit can hold)", what, (long long)t,
		min, max);
}

void chancery_time_format(char *buf, size_t size, int64_t t)
{
	chancery_date d;
	int64_t s = chancery__time_of_day(t);

	chancery_date_from_time(&d, t);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month,
		d.day, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
}

/* ---- the past: what a record may be dated ------------------------------- */

int chancery__date_not_future(const chancery_date *d, int64_t now,
	const char *what)
{
	chancery_date today;
	char ds[11], ts[11];

	chancery_date_from_time(&today, now);
	if (chancery_date_cmp(d, &today) <= 0)
		return 0;
	chancery_date_format(ds, sizeof(ds), d);
	chancery_date_format(ts, sizeof(ts), &today);
	return chancery__error(CHANCERY_EINVALID, "%s%s%s is in the future "
		"(today is %s): a record is dated when it has happened",
		what ? what : "", what ? " " : "", ds, ts);
}
