/*
 * test_util.c - dates, UTF-8 checks, bounded buffers, error messages.
 */
#include "testkit.h"
#include "internal.h"

#include <string.h>

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
	assert_string_equal(chancery_strerror(CHANCERY_ENOTFOUND), "not found");
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
