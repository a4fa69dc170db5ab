/*
 * test_util.c - the shared base (engine/base.h): dates and times, UTF-8
 * checks, bounded buffers, error messages, SHA-256, repository paths, the
 * event folder, the CSV cell writer and the recursive remover.
 */
#include "testkit.h"
#include "internal.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* a recording time is a commit time: 32-bit unsigned as libgit2 writes it */
static void test_recording_time_range(void **state)
{
	static const struct { int64_t t; int ok; } cases[] = {
		{ 1, 1 }, { INT64_C(1079082000), 1 }, { INT64_C(4294967295), 1 },
		{ 0, 0 }, { -1, 0 }, { INT64_C(-5364662400), 0 },
		{ INT64_C(4294967296), 0 }, { INT64_C(253402300800), 0 },
		{ INT64_MAX, 0 }, { INT64_MIN, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int error = chancery__time_check(cases[i].t, "recording time");

		if (cases[i].ok != (error == 0))
			fail_msg("time %lld: expected %s", (long long)cases[i].t,
				cases[i].ok ? "valid" : "invalid");
		assert_int_equal(chancery__time_valid(cases[i].t), cases[i].ok);
	}
	assert_int_equal(chancery__time_check(INT64_C(253402300800),
		"recording time"), CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message,
		"recording time 253402300800 is out of range "
		"(1970-01-01T00:00:01Z to 2106-02-07T06:28:15Z, what a Git "
		"commit can hold)");
}

static void test_date_parse_table(void **state)
{
	static const struct { const char *text; int ok; } cases[] = {
		{ "2004-03-12", 1 }, { "2004-02-29", 1 }, { "2000-02-29", 1 },
		{ "1800-01-01", 1 }, { "2999-12-31", 1 },
		{ "2004-02-30", 0 }, { "2003-02-29", 0 }, { "1900-02-29", 0 },
		{ "2004-13-01", 0 }, { "2004-00-10", 0 }, { "2004-04-31", 0 },
		{ "2004-4-1", 0 }, { "04-03-12", 0 }, { "2004-03-12x", 0 },
		{ "", 0 }, { "1799-12-31", 0 }, { "3000-01-01", 0 },
		{ "2004/03/12", 0 }, { " 2004-03-12", 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		chancery_date d;
		int error = chancery_date_parse(&d, cases[i].text);

		if (cases[i].ok != (error == 0))
			fail_msg("date '%s': expected %s", cases[i].text,
				cases[i].ok ? "valid" : "invalid");
		if (!cases[i].ok) {
			assert_int_equal(error, CHANCERY_EINVALID);
			assert_non_null(strstr(chancery_error_last()->message, "date"));
		}
	}
}

static void test_date_roundtrip(void **state)
{
	chancery_date d, e;
	char buf[11];

	(void)state;
	chancery_date_from_time(&d, TK_TIME);
	chancery_date_format(buf, sizeof(buf), &d);
	assert_string_equal(buf, "2004-03-12");
	chancery_date_from_time(&d, 951782400); /* 2000-02-29 */
	chancery_date_format(buf, sizeof(buf), &d);
	assert_string_equal(buf, "2000-02-29");
	chancery_date_from_time(&d, -86400);
	chancery_date_format(buf, sizeof(buf), &d);
	assert_string_equal(buf, "1969-12-31");
	assert_int_equal(chancery_date_parse(&e, "2004-09-01"), 0);
	assert_true(chancery_date_cmp(&d, &e) < 0);
	assert_true(chancery_date_cmp(&e, &e) == 0);
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(chancery__utf8_valid("Côte d'Ivoire", 14, false));
	assert_true(chancery__utf8_valid("日本", 6, false));
	assert_false(chancery__utf8_valid("\xc3", 1, false));        /* cut */
	assert_false(chancery__utf8_valid("\xc0\xaf", 2, false));    /* overlong */
	assert_false(chancery__utf8_valid("\xed\xa0\x80", 3, false)); /* surrogate */
	assert_false(chancery__utf8_valid("\xf5\x80\x80\x80", 4, false));
	assert_false(chancery__utf8_valid("a\nb", 3, false));
	assert_true(chancery__utf8_valid("a\nb\tc", 5, true));
	assert_false(chancery__utf8_valid("a\0b", 3, true));
	assert_false(chancery__utf8_valid("\x1b[31m", 5, true));
}

static void test_buf_cap(void **state)
{
	chancery_buf b = CHANCERY_BUF_INIT;

	(void)state;
	b.max = 8;
	assert_int_equal(chancery_buf_puts(&b, "12345678"), 0);
	assert_int_equal(chancery_buf_putc(&b, '9'), CHANCERY_EINVALID);
	assert_int_equal(b.size, 8);
	assert_string_equal(b.ptr, "12345678");
	chancery_buf_dispose(&b);
	assert_int_equal(chancery_buf_printf(&b, "%s-%d", "x", 42), 0);
	assert_string_equal(b.ptr, "x-42");
	chancery_buf_dispose(&b);
}

static void test_errors(void **state)
{
	(void)state;
	chancery_error_clear();
	assert_null(chancery_error_last());
	assert_int_equal(chancery__error(CHANCERY_EINVALID, "two\nlines"),
		CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message, "two lines");
	assert_string_equal(chancery_error_string(CHANCERY_ENOTFOUND), "not found");
	/* the codes are a published contract: never renumbered */
	assert_int_equal(CHANCERY_ENOTFOUND, -3);
	assert_int_equal(CHANCERY_EINVALID, -5);
	assert_int_equal(CHANCERY_ECONFLICT, -6);
	assert_int_equal(CHANCERY_ENOMEM, -8);
}

static void test_sha256(void **state)
{
	char hex[65];

	(void)state;
	assert_int_equal(chancery__sha256_hex(hex, "abc", 3), 0);
	assert_string_equal(hex,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* Tree paths as checkout would take them (issue 11, finding 1). */
static void test_path_valid(void **state)
{
	static const char *good[] = {
		"events/2004/04/20040402T151000Z-2a5ee8e0.txt",
		".gitattributes", ".chancery/format", "archive/LBR/XVIII-10/x.txt",
		"a.b", "...a", "git~2", ".gitx", "caf\xc3\xa9.odt",
	};
	static const char *bad[] = {
		"", "/", "a//b", "/etc/passwd", "a/", ".", "..", "a/../b",
		"data/campaigns/../../../../PWNED", "...", ". .", " ",
		".git", ".GIT/config", "a/.Git/hooks/x", ".git.", ".git ",
		".git. . ", "git~1", "GIT~1/config", ".git::$INDEX_ALLOCATION",
		".git....................", ".GIT      . . . . . . . . .",
		"git~1...............", ".g\xe2\x80\x8cit.\xe2\x80\x8c.",
		".git.\xe2\x80\x8c.\xe2\x80\x8c.\xe2\x80\x8c.\xe2\x80\x8c."
		".\xe2\x80\x8c.\xe2\x80\x8c.\xe2\x80\x8c.\xe2\x80\x8c.\xe2\x80\x8c.",
		"a\\b", "..\\x", "c:x", "a\tb", "a\x1b[2Jb",
		".g\xe2\x80\x8cit", "\xef\xbb\xbf.git", ".gi\xe2\x81\xaft",
		"\xe2\x80\x8f.git\xe2\x80\x8e", "bad\xff", "\xc0\xaf",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		if (!chancery__path_valid(good[i]))
			fail_msg("refused good path '%s'", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (chancery__path_valid(bad[i]))
			fail_msg("accepted bad path '%s'", bad[i]);
	/* a component holding a '/' (a literal tree entry) is refused */
	assert_false(chancery__path_component_valid("a/b", 3));
	assert_false(chancery__path_component_valid("..", 2));
	assert_true(chancery__path_component_valid("ab", 2));
	/* an embedded NUL is not a name */
	assert_false(chancery__path_component_valid("a\0b", 3));
	assert_false(chancery__path_valid(NULL));
}

static chancery_date mkdate(int y, int m, int d)
{
	chancery_date x = { y, m, d };

	return x;
}

static void assert_date(const chancery_date *d, const char *expect)
{
	char buf[16];

	chancery_date_format(buf, sizeof(buf), d);
	assert_string_equal(buf, expect);
}

/* Every day of the range, one after the other: the day number goes up by
 * one, and back again gives the same date (leap days and month ends). */
static void test_date_days_every_day(void **state)
{
	chancery_date d = mkdate(1800, 1, 1), e;
	int64_t n = chancery_date_to_days(&d), leap_days = 0;

	(void)state;
	assert_int_equal(chancery_date_to_days(&(chancery_date){ 1970, 1, 1 }),
		0);
	assert_int_equal(n, -62091);
	for (;;) {
		chancery_date_from_days(&e, n);
		if (chancery_date_cmp(&d, &e) != 0)
			fail_msg("day %lld: %04d-%02d-%02d came back as "
				"%04d-%02d-%02d", (long long)n, d.year, d.month,
				d.day, e.year, e.month, e.day);
		assert_true(chancery__date_ok(&d));
		if (d.month == 2 && d.day == 29)
			leap_days++;
		if (d.year == 2999 && d.month == 12 && d.day == 31)
			break;
		/* the next day by hand */
		if (++d.day > chancery__days_in_month(d.year, d.month)) {
			d.day = 1;
			if (++d.month > 12) {
				d.month = 1;
				d.year++;
			}
		}
		assert_int_equal(chancery_date_to_days(&d), ++n);
	}
	/* 1200 years: 300 divisible by 4, less 12 centuries, plus 3 (2000,
	 * 2400, 2800) divisible by 400 */
	assert_int_equal(leap_days, 300 - 12 + 3);
	assert_int_equal(n - chancery_date_to_days(&(chancery_date){ 1800, 1, 1 }),
		1200 * 365 + leap_days - 1);
	/* before 1800 the day numbers still invert (no range there) */
	chancery_date_from_days(&e, chancery_date_to_days(&(chancery_date){
		-1, 3, 1 }));
	assert_int_equal(e.year, -1);
	assert_int_equal(e.month, 3);
	assert_int_equal(e.day, 1);
}

static void test_days_in_month(void **state)
{
	static const struct { int y, m, n; } cases[] = {
		{ 2004, 2, 29 }, { 2003, 2, 28 }, { 1900, 2, 28 }, { 2000, 2, 29 },
		{ 2100, 2, 28 }, { 2400, 2, 29 }, { 2004, 1, 31 }, { 2004, 4, 30 },
		{ 2004, 6, 30 }, { 2004, 7, 31 }, { 2004, 8, 31 }, { 2004, 9, 30 },
		{ 2004, 11, 30 }, { 2004, 12, 31 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		assert_int_equal(chancery__days_in_month(cases[i].y, cases[i].m),
			cases[i].n);
	assert_true(chancery__date_ok(&(chancery_date){ 2004, 2, 29 }));
	assert_false(chancery__date_ok(&(chancery_date){ 2003, 2, 29 }));
	assert_false(chancery__date_ok(&(chancery_date){ 2004, 2, 30 }));
	assert_false(chancery__date_ok(&(chancery_date){ 2004, 4, 31 }));
	assert_false(chancery__date_ok(&(chancery_date){ 2004, 13, 1 }));
	assert_false(chancery__date_ok(&(chancery_date){ 2004, 0, 1 }));
	assert_false(chancery__date_ok(&(chancery_date){ 2004, 1, 0 }));
	assert_false(chancery__date_ok(&(chancery_date){ 1799, 12, 31 }));
	assert_false(chancery__date_ok(&(chancery_date){ 3000, 1, 1 }));
}

static void test_date_days_between_weekday(void **state)
{
	chancery_date a = mkdate(2004, 3, 12), b = mkdate(2004, 9, 1);

	(void)state;
	assert_int_equal(chancery_date_days_between(&a, &b), 173);
	assert_int_equal(chancery_date_days_between(&b, &a), -173);
	assert_int_equal(chancery_date_days_between(&a, &a), 0);
	a = mkdate(2004, 2, 28), b = mkdate(2004, 3, 1);
	assert_int_equal(chancery_date_days_between(&a, &b), 2);
	a = mkdate(2003, 2, 28), b = mkdate(2003, 3, 1);
	assert_int_equal(chancery_date_days_between(&a, &b), 1);
	a = mkdate(1800, 1, 1), b = mkdate(2999, 12, 31);
	assert_int_equal(chancery_date_days_between(&a, &b), 438290);
	/* 0 Monday .. 6 Sunday */
	assert_int_equal(chancery_date_weekday(&(chancery_date){ 1970, 1, 1 }), 3);
	assert_int_equal(chancery_date_weekday(&(chancery_date){ 2004, 3, 12 }), 4);
	assert_int_equal(chancery_date_weekday(&(chancery_date){ 2004, 3, 13 }), 5);
	assert_int_equal(chancery_date_weekday(&(chancery_date){ 2004, 3, 14 }), 6);
	assert_int_equal(chancery_date_weekday(&(chancery_date){ 2004, 3, 15 }), 0);
	assert_int_equal(chancery_date_weekday(&(chancery_date){ 2000, 1, 1 }), 5);
	assert_int_equal(chancery_date_weekday(&(chancery_date){ 1800, 1, 1 }), 2);
	assert_int_equal(chancery_date_weekday(&(chancery_date){ 1969, 12, 31 }), 2);
}

static void test_date_add_days(void **state)
{
	static const struct { const char *from; int n; const char *to; } cases[] = {
		{ "2004-03-12", 0, "2004-03-12" }, { "2004-03-12", 1, "2004-03-13" },
		{ "2004-02-28", 1, "2004-02-29" }, { "2004-02-29", 1, "2004-03-01" },
		{ "2003-02-28", 1, "2003-03-01" }, { "2004-12-31", 1, "2005-01-01" },
		{ "2005-01-01", -1, "2004-12-31" }, { "2004-03-01", -1, "2004-02-29" },
		{ "1900-03-01", -1, "1900-02-28" }, { "2000-03-01", -1, "2000-02-29" },
		{ "2004-03-12", 366, "2005-03-13" }, { "2004-03-12", -366, "2003-03-12" },
		{ "2004-01-31", 30, "2004-03-01" }, { "1800-01-01", 438290, "2999-12-31" },
		{ "2999-12-31", -438290, "1800-01-01" },
	};
	chancery_date d, e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		assert_int_equal(chancery_date_parse(&d, cases[i].from), 0);
		assert_int_equal(chancery_date_add_days(&e, &d, cases[i].n), 0);
		assert_date(&e, cases[i].to);
		/* and back */
		assert_int_equal(chancery_date_add_days(&e, &e, -cases[i].n), 0);
		assert_date(&e, cases[i].from);
	}
	/* out of the range: an error, and nothing written */
	e = mkdate(2004, 3, 12);
	assert_int_equal(chancery_date_add_days(&e, &(chancery_date){ 2999, 12,
		31 }, 1), CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message, "2999-12-31 +1 days "
		"is out of range (years 1800 to 2999)");
	assert_date(&e, "2004-03-12");
	assert_int_equal(chancery_date_add_days(&e, &(chancery_date){ 1800, 1,
		1 }, -1), CHANCERY_EINVALID);
	assert_int_equal(chancery_date_add_days(&e, &(chancery_date){ 2004, 3,
		12 }, INT32_MAX), CHANCERY_EINVALID);
	assert_int_equal(chancery_date_add_days(&e, &(chancery_date){ 2004, 3,
		12 }, INT32_MIN), CHANCERY_EINVALID);
	assert_date(&e, "2004-03-12");
	/* an impossible date in is refused, not normalised */
	assert_int_equal(chancery_date_add_days(&e, &(chancery_date){ 2004, 2,
		30 }, 0), CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message,
		"impossible date 2004-02-30");
	assert_int_equal(chancery_date_add_days(NULL, &e, 1), CHANCERY_EINVALID);
}

/* What workflows/workflow.c's wf_add_days did: one day at a time,
 * counting the days that are not Saturday or Sunday. */
static void step_working(chancery_date *d, int n)
{
	int dir = n < 0 ? -1 : 1;

	for (int left = n < 0 ? -n : n; left > 0;) {
		chancery_date_add_days(d, d, dir);
		if (chancery_date_weekday(d) < 5)
			left--;
	}
}

static void test_date_add_working_days(void **state)
{
	chancery_date start = mkdate(2004, 2, 1), d, e, ref;

	(void)state;
	/* every weekday to start on, offsets both ways, across a leap day */
	for (int k = 0; k < 60; k++) {
		assert_int_equal(chancery_date_add_days(&d, &start, k), 0);
		for (int n = -40; n <= 40; n++) {
			ref = d;
			step_working(&ref, n);
			assert_int_equal(chancery_date_add_working_days(&e, &d, n),
				0);
			if (chancery_date_cmp(&e, &ref) != 0)
				fail_msg("%04d-%02d-%02d %+d working days: got "
					"%04d-%02d-%02d, expected %04d-%02d-%02d",
					d.year, d.month, d.day, n, e.year, e.month,
					e.day, ref.year, ref.month, ref.day);
			if (n)
				assert_true(chancery_date_weekday(&e) < 5);
		}
	}
	d = mkdate(2004, 3, 12); /* a Friday */
	assert_int_equal(chancery_date_add_working_days(&e, &d, 1), 0);
	assert_date(&e, "2004-03-15");
	assert_int_equal(chancery_date_add_working_days(&e, &d, 10), 0);
	assert_date(&e, "2004-03-26");
	d = mkdate(2004, 3, 13); /* a Saturday */
	assert_int_equal(chancery_date_add_working_days(&e, &d, 0), 0);
	assert_date(&e, "2004-03-13");
	assert_int_equal(chancery_date_add_working_days(&e, &d, -1), 0);
	assert_date(&e, "2004-03-12");
	assert_int_equal(chancery_date_add_working_days(&e, &d, 5), 0);
	assert_date(&e, "2004-03-19");
	assert_int_equal(chancery_date_add_working_days(&e, &(chancery_date){
		2999, 12, 29 }, 3), CHANCERY_EINVALID);
	assert_int_equal(chancery_date_add_working_days(&e, &d, INT32_MAX),
		CHANCERY_EINVALID);
	assert_int_equal(chancery_date_add_working_days(&e, &d, INT32_MIN),
		CHANCERY_EINVALID);
	assert_int_equal(chancery_date_add_working_days(&e, &(chancery_date){
		2003, 2, 29 }, 1), CHANCERY_EINVALID);
}

static void test_date_add_months(void **state)
{
	static const struct { const char *from; int n; const char *to; } cases[] = {
		{ "2004-03-12", 0, "2004-03-12" }, { "2004-03-12", 1, "2004-04-12" },
		{ "2004-01-31", 1, "2004-02-29" }, { "2003-01-31", 1, "2003-02-28" },
		{ "2004-03-31", -1, "2004-02-29" }, { "2004-03-31", 1, "2004-04-30" },
		{ "2004-12-15", 1, "2005-01-15" }, { "2005-01-15", -1, "2004-12-15" },
		{ "2004-02-29", 12, "2005-02-28" }, { "2004-02-29", 48, "2008-02-29" },
		{ "2004-03-12", -51, "1999-12-12" }, { "1800-01-31", 14399,
		"2999-12-31" },
	};
	chancery_date d, e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		assert_int_equal(chancery_date_parse(&d, cases[i].from), 0);
		assert_int_equal(chancery_date_add_months(&e, &d, cases[i].n), 0);
		assert_date(&e, cases[i].to);
	}
	e = mkdate(2004, 3, 12);
	assert_int_equal(chancery_date_add_months(&e, &(chancery_date){ 2999,
		12, 1 }, 1), CHANCERY_EINVALID);
	assert_int_equal(chancery_date_add_months(&e, &(chancery_date){ 1800,
		1, 1 }, -1), CHANCERY_EINVALID);
	assert_int_equal(chancery_date_add_months(&e, &(chancery_date){ 2004,
		1, 1 }, INT32_MAX), CHANCERY_EINVALID);
	assert_int_equal(chancery_date_add_months(&e, &(chancery_date){ 2004,
		1, 1 }, INT32_MIN), CHANCERY_EINVALID);
	assert_date(&e, "2004-03-12");
}

static void test_time_parse(void **state)
{
	static const struct { const char *text; int64_t t; } good[] = {
		{ "2004-03-12T09:00:00Z", TK_TIME },
		{ "1970-01-01T00:00:00Z", 0 }, { "1970-01-01T00:00:01Z", 1 },
		{ "1969-12-31T23:59:59Z", -1 },
		{ "2000-02-29T12:34:56Z", INT64_C(951827696) },
		{ "2106-02-07T06:28:15Z", INT64_C(4294967295) },
		{ "1800-01-01T00:00:00Z", INT64_C(-5364662400) },
		{ "2999-12-31T23:59:59Z", INT64_C(32503680000) - 1 },
	};
	static const char *bad[] = {
		"", "2004-03-12", "2004-03-12T09:00:00", "2004-03-12 09:00:00Z",
		"2004-03-12T09:00:00z", "2004-03-12T9:00:00Z", "2004-03-12T09:0:00Z",
		"2004-03-12T24:00:00Z", "2004-03-12T23:60:00Z", "2004-03-12T23:59:60Z",
		"2004-03-12T-1:00:00Z", "2004-03-12T+1:00:00Z", "2004-03-12T 1:00:00Z",
		"2004-03-12T09:00:00Zx", "2004-02-30T09:00:00Z", "1799-12-31T23:59:59Z",
		"3000-01-01T00:00:00Z", "2004-03-12T09-00-00Z", "1079082000",
		"2004-03-12T09:00:00+00:00",
	};
	int64_t t;
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
		if (chancery_time_parse(&t, good[i].text) != 0)
			fail_msg("time '%s' refused: %s", good[i].text,
				chancery_error_last()->message);
		assert_int_equal(t, good[i].t);
		chancery_time_format(buf, sizeof(buf), t);
		assert_string_equal(buf, good[i].text);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		t = 42;
		if (chancery_time_parse(&t, bad[i]) != CHANCERY_EINVALID)
			fail_msg("time '%s' taken", bad[i]);
		assert_int_equal(t, 42);
	}
	assert_int_equal(chancery_time_parse(&t, "2004-03-12T24:00:00Z"),
		CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message, "impossible time "
		"'2004-03-12T24:00:00Z' (hours 00 to 23, minutes and seconds 00 "
		"to 59)");
	assert_int_equal(chancery_time_parse(&t, "12 March 2004"),
		CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message, "malformed time "
		"'12 March 2004' (expected YYYY-MM-DDTHH:MM:SSZ)");
	/* formatted times parse back, a day's every hour across the epoch */
	for (int64_t x = -86400 * 2; x <= 86400 * 2; x += 3599) {
		chancery_time_format(buf, sizeof(buf), x);
		assert_int_equal(chancery_time_parse(&t, buf), 0);
		assert_int_equal(t, x);
		assert_int_equal(chancery__time_of_day(x), (int)(((x % 86400) +
			86400) % 86400));
	}
	assert_int_equal(chancery_time_parse(NULL, "x"), CHANCERY_EINVALID);
}

static void test_event_dir(void **state)
{
	char dir[CHANCERY__EVENT_DIR_MAX], small[20];
	const int M = CHANCERY__FORMAT_MONTH, D = CHANCERY__FORMAT_DAY;

	(void)state;
	assert_int_equal(chancery__event_dir(dir, sizeof(dir),
		"20040402T151000Z-2a5ee8e0", M), 0);
	assert_string_equal(dir, "events/2004/04/20040402T151000Z-2a5ee8e0");
	/* format 2 files it by day */
	assert_int_equal(chancery__event_dir(dir, sizeof(dir),
		"20040402T151000Z-2a5ee8e0", D), 0);
	assert_string_equal(dir,
		"events/2004/04/02/20040402T151000Z-2a5ee8e0");
	/* the longest id an event holds fits */
	assert_int_equal(chancery__event_dir(dir, sizeof(dir),
		"20040402T151000Z-2a5ee8e0-123456", M), 0);
	assert_int_equal(chancery__event_dir(dir, sizeof(dir),
		"20040402T151000Z-2a5ee8e0-123456", D), 0);
	/* a short id is never read past its end */
	assert_int_equal(chancery__event_dir(dir, sizeof(dir), "20", M), 0);
	assert_string_equal(dir, "events/20//20");
	assert_int_equal(chancery__event_dir(dir, sizeof(dir), "200404", M), 0);
	assert_string_equal(dir, "events/2004/04/200404");
	assert_int_equal(chancery__event_dir(dir, sizeof(dir), "20", D), 0);
	assert_string_equal(dir, "events/20///20");
	assert_int_equal(chancery__event_dir(dir, sizeof(dir), "2004041", D), 0);
	assert_string_equal(dir, "events/2004/04/1/2004041");
	assert_int_equal(chancery__event_dir(small, sizeof(small),
		"20040402T151000Z-2a5ee8e0", M), CHANCERY_EINVALID);
	assert_string_equal(small, "");
}

/* The repository format's one campaign-id rule (path.c), which the commit
 * check and workflows' chancery_campaign_id_valid both use. */
static void test_campaign_id_valid(void **state)
{
	static const struct { const char *id; bool valid; } cases[] = {
		{ "focus2004", true }, { "a", true }, { "9-b_c", true },
		{ "", false }, { "-a", false }, { "_a", false },
		{ "Focus", false }, { "../x", false }, { "a b", false },
		{ "a/b", false }, { "a.b", false }, { "caf\xc3\xa9", false },
		{ "a\n", false },
	};
	char id[66];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		if (chancery__campaign_id_valid(cases[i].id) != cases[i].valid)
			fail_msg("'%s': expected %d", cases[i].id,
				cases[i].valid);
	assert_false(chancery__campaign_id_valid(NULL));
	memset(id, 'a', 64);
	id[64] = '\0';
	assert_true(chancery__campaign_id_valid(id));
	id[64] = 'a';
	id[65] = '\0';
	assert_false(chancery__campaign_id_valid(id));
}

static void test_csv_quote(void **state)
{
	static const struct { const char *in; char delim; unsigned flags;
		const char *out; } cases[] = {
		{ "plain", ',', 0, "plain" }, { "", ',', 0, "" },
		{ "a,b", ',', 0, "\"a,b\"" }, { "a,b", '\t', 0, "a,b" },
		{ "a\tb", '\t', 0, "\"a\tb\"" }, { "say \"hi\"", ',', 0,
		"\"say \"\"hi\"\"\"" }, { "two\nlines", '\t', 0, "\"two\nlines\"" },
		{ "cr\r", ',', 0, "\"cr\r\"" }, { "=1+2", ',', 0, "=1+2" },
		{ "=1+2", ',', CHANCERY_CSV_FORMULA, "\"'=1+2\"" },
		{ "+1", ',', CHANCERY_CSV_FORMULA, "\"'+1\"" },
		{ "-1", ',', CHANCERY_CSV_FORMULA, "\"'-1\"" },
		{ "@SUM(A1)", ',', CHANCERY_CSV_FORMULA, "\"'@SUM(A1)\"" },
		{ "\tx", ',', CHANCERY_CSV_FORMULA, "\"'\tx\"" },
		{ "=\"x\"", ',', CHANCERY_CSV_FORMULA, "\"'=\"\"x\"\"\"" },
		{ "a=b", ',', CHANCERY_CSV_FORMULA, "a=b" },
		{ "C\xc3\xb4te d'Ivoire", ',', CHANCERY_CSV_FORMULA,
		"C\xc3\xb4te d'Ivoire" },
	};
	chancery_buf b = CHANCERY_BUF_INIT;
	char *q;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		assert_int_equal(chancery_csv_quote(&q, cases[i].in,
			cases[i].delim, cases[i].flags), 0);
		assert_string_equal(q, cases[i].out);
		chancery_free(q);
	}
	/* the registry's row writer: cells, delimiters, the line's end */
	assert_int_equal(chancery__csv_put(&b, "a\"b", '\t', 0), 0);
	assert_int_equal(chancery_buf_putc(&b, '\t'), 0);
	assert_int_equal(chancery__csv_put(&b, "c", '\t', 0), 0);
	assert_string_equal(b.ptr, "\"a\"\"b\"\tc");
	chancery_buf_dispose(&b);
	assert_int_equal(chancery_csv_quote(&q, "x", '"', 0), CHANCERY_EINVALID);
	assert_int_equal(chancery_csv_quote(NULL, "x", ',', 0),
		CHANCERY_EINVALID);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* The remover takes a link away, never what it points to. */
static void test_remove_tree_links(void **state)
{
	char *dir = tk_tempdir();
	char *p = chancery__sprintf("%s/tree", dir);
	char *keep = chancery__sprintf("%s/keep", dir);

	(void)state;
	assert_int_equal(tk_sh("cd '%s' && mkdir -p tree/a/b keep/inner && "
		"echo x > tree/a/b/f && echo y > keep/precious && "
		"echo z > keep/inner/deep && ln -s ../../keep tree/a/link && "
		"ln -s ../keep/precious tree/file-link && "
		"ln -s keep tree-link && chmod 0 tree/a/b/f", dir), 0);
	chancery__remove_tree(p);
	assert_false(exists(p));
	assert_true(exists(keep));
	assert_int_equal(tk_sh("test -f '%s/precious' && test -f "
		"'%s/inner/deep'", keep, keep), 0);
	/* the root itself a link: the link goes, the folder stays whole */
	chancery_free(p);
	p = chancery__sprintf("%s/tree-link", dir);
	chancery__remove_tree(p);
	assert_false(exists(p));
	assert_int_equal(tk_sh("test -f '%s/precious'", keep), 0);
	/* a plain file, and what is not there */
	chancery_free(p);
	p = chancery__sprintf("%s/keep/precious", dir);
	chancery__remove_tree(p);
	assert_false(exists(p));
	chancery__remove_tree(p);
	/* by a folder's descriptor */
	{
		int fd = open(dir, O_RDONLY | O_DIRECTORY);

		assert_true(fd >= 0);
		chancery__remove_at(fd, "keep");
		close(fd);
	}
	assert_false(exists(keep));
	chancery_free(keep);
	chancery_free(p);
	tk_rmrf(dir);
	free(dir);
}

/* Deeper than 2 * CHANCERY__MAX_DEPTH it stops: what lies deeper stays,
 * and so do the folders holding it; nothing overflows. */
static void test_remove_tree_depth(void **state)
{
	char *dir = tk_tempdir();
	char *p = chancery__sprintf("%s/deep", dir);

	(void)state;
	assert_int_equal(tk_sh("cd '%s' && mkdir deep && cd deep && "
		"for i in $(seq 1 80); do mkdir d && cd d || exit 1; done && "
		"echo x > f", dir), 0);
	chancery__remove_tree(p);
	assert_true(exists(p));
	assert_int_equal(tk_sh("test -f \"$(find '%s' -name f)\"", p), 0);
	assert_int_equal(tk_sh("cd '%s' && mkdir shallow && cd shallow && "
		"for i in $(seq 1 60); do mkdir d && cd d || exit 1; done && "
		"echo x > f", dir), 0);
	chancery_free(p);
	p = chancery__sprintf("%s/shallow", dir);
	chancery__remove_tree(p);
	assert_false(exists(p));
	chancery_free(p);
	tk_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_parse_table),
		cmocka_unit_test(test_date_roundtrip),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_recording_time_range),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_path_valid),
		cmocka_unit_test(test_date_days_every_day),
		cmocka_unit_test(test_days_in_month),
		cmocka_unit_test(test_date_days_between_weekday),
		cmocka_unit_test(test_date_add_days),
		cmocka_unit_test(test_date_add_working_days),
		cmocka_unit_test(test_date_add_months),
		cmocka_unit_test(test_time_parse),
		cmocka_unit_test(test_event_dir),
		cmocka_unit_test(test_campaign_id_valid),
		cmocka_unit_test(test_csv_quote),
		cmocka_unit_test(test_remove_tree_links),
		cmocka_unit_test(test_remove_tree_depth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
