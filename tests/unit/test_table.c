/*
 * test_table.c - CSV/TSV reading: RFC 4180 quoting, notes, the three
 * kinds of line end, and the FILE:LINE:COLUMN of every kind of malformed
 * input (a header naming a column twice among them).
 */
#include "testkit.h"
#include "table.h"

#include <string.h>

static chancery_table *parse(const char *text, char delim, int *error)
{
	chancery_table_diag d = { "t.csv", NULL, NULL, 0, NULL };
	chancery_table *t = NULL;

	*error = chancery__table_parse(&t, text, strlen(text), delim, &d);
	return t;
}

static void test_quoting(void **state)
{
	int error;
	chancery_table *t = parse("# source: somewhere\n"
		"a,b,c\r\n1,\"x, \"\"y\"\"\",\r\n\"multi\nline\",2,3\n\n4,5,6",
		',', &error);

	(void)state;
	assert_int_equal(error, 0);
	assert_string_equal(t->notes, "# source: somewhere\n");
	assert_int_equal(t->nrows, 4);
	assert_string_equal(t->rows[1].cells[1].text, "x, \"y\"");
	assert_string_equal(t->rows[1].cells[2].text, "");
	assert_int_equal(t->rows[1].count, 3);
	assert_string_equal(t->rows[2].cells[0].text, "multi\nline");
	assert_int_equal(t->rows[3].line, 7);
	assert_string_equal(t->rows[3].cells[2].text, "6");
	assert_int_equal(t->rows[1].cells[1].column, 3);
	chancery__table_free(t);
}

static void test_inner_quote_literal(void **state)
{
	int error;
	chancery_table *t = parse("id,title\nVII-1,the \"White Slave Traffic\"\n",
		',', &error);

	(void)state;
	assert_int_equal(error, 0);
	assert_string_equal(t->rows[1].cells[1].text, "the \"White Slave Traffic\"");
	chancery__table_free(t);
}

static void test_tsv_and_bom(void **state)
{
	int error;
	chancery_table *t = parse("\xef\xbb\xbfid\ttitle\nIV-4\t\"a\tb\"\n",
		'\t', &error);

	(void)state;
	assert_int_equal(error, 0);
	assert_string_equal(t->rows[0].cells[0].text, "id");
	assert_string_equal(t->rows[1].cells[1].text, "a\tb");
	chancery__table_free(t);
}

static void test_malformed(void **state)
{
	static const struct { const char *text; const char *where; } cases[] = {
		{ "a,b\n1,\"open\n", "t.csv:2:3: unterminated" },
		{ "a,b\n1,\"x\"y\n", "t.csv:2:6: text after a closing quote" },
		{ "a,b\n\xff,1\n", "t.csv:1:1: not UTF-8" },
		{ "# only notes\n", "no header row" },
		{ "a\x01,b\n", "not UTF-8 text (or holds control" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int error;
		chancery_table *t = parse(cases[i].text, ',', &error);

		assert_null(t);
		assert_int_equal(error, CHANCERY_EINVALID);
		if (!strstr(chancery_error_last()->message, cases[i].where))
			fail_msg("case %zu: '%s' lacks '%s'", i,
				chancery_error_last()->message, cases[i].where);
	}
}

static void test_too_many_columns(void **state)
{
	char text[400];
	int error;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < 70; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "c,");
	text[n - 1] = '\n';
	assert_null(parse(text, ',', &error));
	assert_non_null(strstr(chancery_error_last()->message,
		"more than 64 columns"));
}

static void test_guess(void **state)
{
	(void)state;
	assert_int_equal(chancery__table_guess_delimiter("x.csv", "a\tb", 3), ',');
	assert_int_equal(chancery__table_guess_delimiter("x.tsv", "a,b", 3), '\t');
	assert_int_equal(chancery__table_guess_delimiter("x.txt",
		"# a,b\nc\td\n", 11), '\t');
	assert_int_equal(chancery__table_guess_delimiter("x", "a,b\n", 4), ',');
}

/* Lines end in "\n", "\r\n" or a lone "\r" (old Mac files), mixed too;
 * a line end inside quotes is kept and counted. */
static void test_line_ends(void **state)
{
	int error;
	chancery_table *t = parse("# note\ra,b\r1,2\r\r\"x\ry\",3\r\n4,5\n6,7\r",
		',', &error);

	(void)state;
	assert_int_equal(error, 0);
	assert_string_equal(t->notes, "# note\n");
	assert_int_equal(t->nrows, 5);
	assert_string_equal(t->rows[0].cells[1].text, "b");
	assert_string_equal(t->rows[1].cells[1].text, "2");
	assert_string_equal(t->rows[2].cells[0].text, "x\ry");
	assert_int_equal(t->rows[2].line, 5);
	assert_int_equal(t->rows[3].line, 7);
	assert_string_equal(t->rows[4].cells[1].text, "7");
	chancery__table_free(t);
	/* the first line decides the delimiter, whatever ends it */
	assert_int_equal(chancery__table_guess_delimiter("x", "a,b\rc\td\r", 10), ',');
	/* a malformed cell on a CR-only line is found at its line */
	assert_null(parse("a,b\r1,2\r3,\"x\"y\r", ',', &error));
	assert_non_null(strstr(chancery_error_last()->message,
		"t.csv:3:6: text after a closing quote"));
}

/* A header naming a column twice is refused at the second, naming the
 * first (every column would otherwise silently lose to the last). */
static void test_duplicate_header(void **state)
{
	int error;

	(void)state;
	assert_null(parse("# n\ncode,name,code\nA,B,C\n", ',', &error));
	assert_int_equal(error, CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"t.csv:2:11: the header names column 'code' twice (first at t.csv:2:1)"));
	assert_null(parse("a\t\t\n", '\t', &error));
	assert_non_null(strstr(chancery_error_last()->message,
		"t.csv:1:4: the header names column '' twice (first at t.csv:1:3)"));
	/* data rows may repeat anything */
	chancery__table_free(parse("a,b\nx,x\nx,x\n", ',', &error));
	assert_int_equal(error, 0);
}

static void test_write_roundtrip(void **state)
{
	chancery_buf b = CHANCERY_BUF_INIT;
	int error;
	chancery_table *t;

	(void)state;
	assert_int_equal(chancery__tsv_put(&b, "plain", '\t', false), 0);
	assert_int_equal(chancery__tsv_put(&b, "say \"hi\"\tthere", '\t', true), 0);
	assert_string_equal(b.ptr, "plain\t\"say \"\"hi\"\"\tthere\"\n");
	t = parse(b.ptr, '\t', &error);
	assert_int_equal(error, 0);
	assert_string_equal(t->rows[0].cells[1].text, "say \"hi\"\tthere");
	chancery__table_free(t);
	chancery_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_tsv_and_bom),
		cmocka_unit_test(test_inner_quote_literal),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many_columns),
		cmocka_unit_test(test_guess),
		cmocka_unit_test(test_write_roundtrip),
		cmocka_unit_test(test_line_ends),
		cmocka_unit_test(test_duplicate_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
