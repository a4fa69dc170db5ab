/*
 * test_mustache.c - the parts of the language the specification leaves to
 * us: strict names with their place, false values, what cannot be printed,
 * template errors with line and column, caps on nesting, and patterns
 * meant to trip the tag scanner (delimiters made of regular-expression
 * syntax, floods of braces, hundreds of thousands of tags), and the limit
 * on the work of one render (nested sections, fanning partials); and
 * letters/data.h, how the other modules of the library build and lend
 * data without casting.
 */
#include "testkit.h"
#include "internal.h"
#include "../../letters/data.h"

#include <jansson.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

static int render(char **out, const char *tmpl, const char *json, int lenient)
{
	chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
	chancery_template *t = NULL;
	chancery_data *d = NULL;
	size_t n;
	int error;

	o.lenient = lenient;
	o.name = "t.mustache";
	*out = NULL;
	if ((error = chancery_template_compile_text(&t, tmpl, strlen(tmpl), &o)) == 0 &&
	    (error = chancery_data_parse(&d, json, strlen(json))) == 0)
		error = chancery_template_render_text(out, &n, t, d);
	chancery_template_free(t);
	chancery_data_free(d);
	return error;
}

static void expect(const char *tmpl, const char *json, const char *want)
{
	char *out;

	if (render(&out, tmpl, json, 0) < 0)
		fail_msg("%s: %s", tmpl, chancery_error_last()->message);
	if (strcmp(out, want))
		fail_msg("%s: got '%s', want '%s'", tmpl, out, want);
	chancery_free(out);
}

static void expect_error(const char *tmpl, const char *json, const char *want)
{
	char *out;

	assert_int_equal(render(&out, tmpl, json, 0), CHANCERY_EINVALID);
	if (!strstr(chancery_error_last()->message, want))
		fail_msg("%s: '%s' lacks '%s'", tmpl,
			chancery_error_last()->message, want);
	assert_null(out);
}

static void test_falsey(void **state)
{
	(void)state;
	expect("{{#n}}yes{{/n}}{{^n}}no{{/n}}", "{\"n\": 0}", "no");
	expect("{{#n}}yes{{/n}}", "{\"n\": 2}", "yes");
	expect("{{#s}}yes{{/s}}{{^s}}no{{/s}}", "{\"s\": \"\"}", "no");
	expect("{{#l}}yes{{/l}}{{^l}}no{{/l}}", "{\"l\": []}", "no");
	expect("{{#z}}yes{{/z}}{{^z}}no{{/z}}", "{\"z\": null}", "no");
	expect("{{n}} {{r}} {{b}}", "{\"n\": 42, \"r\": 1.5, \"b\": true}", "42 1.5 true");
	expect("{{x}}", "{\"x\": \"<&\\\">\"}", "&lt;&amp;&quot;&gt;");
}

static void test_strict(void **state)
{
	char *out;

	(void)state;
	expect_error("line one\n  {{missing}}", "{}",
		"template 't.mustache': line 2, column 3: variable 'missing' is not in the data");
	expect_error("{{#nope}}x{{/nope}}", "{}", "section 'nope' is not in the data");
	expect_error("{{a.b.c}}", "{\"a\": {\"b\": {}}}", "variable 'a.b.c'");
	expect_error("{{>p}}", "{}", "no partial 'p'");
	expect_error("{{o}}", "{\"o\": {\"k\": 1}}", "'o' is an object, not text");
	expect("{{^nope}}shown{{/nope}}", "{}", "shown");   /* inverted: fine */
	assert_int_equal(render(&out, "[{{missing}}]", "{}", 1), 0);
	assert_string_equal(out, "[]");
	chancery_free(out);
}

static void test_template_errors(void **state)
{
	(void)state;
	expect_error("a\n{{#s}}\nb", "{}", "line 2, column 1: section 's' is never closed");
	expect_error("{{#a}}{{/b}}", "{}", "closing 'b' does not match the open section 'a'");
	expect_error("x\n\n  {{/a}}", "{}", "line 3, column 3: closing 'a' without an opening tag");
	expect_error("ok {{name", "{}", "line 1, column 4: unclosed tag");
	expect_error("{{first name}}", "{}", "a name cannot contain spaces");
	expect_error("{{=| |}}", "{}", "must end with '='");
	expect_error("{{= a= b =}}", "{}", "bad delimiters");
	expect_error("{{}}", "{}", "empty tag");
}

static void test_deep_nesting(void **state)
{
	chancery_buf b = CHANCERY_BUF_INIT;
	char *out;
	chancery_data *d = NULL;
	char json[] = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]";

	(void)state;
	for (int i = 0; i < 300; i++)
		chancery_buf_puts(&b, "{{#a}}");
	for (int i = 0; i < 300; i++)
		chancery_buf_puts(&b, "{{/a}}");
	assert_int_equal(render(&out, b.ptr, "{}", 1), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message, "nested deeper than"));
	chancery_buf_dispose(&b);
	/* data nesting beyond the cap is refused before parsing */
	{
		char *deep = malloc(2000);

		memset(deep, '[', 1000);
		memset(deep + 1000, ']', 1000);
		assert_int_equal(chancery_data_parse(&d, deep, 2000), CHANCERY_EINVALID);
		assert_non_null(strstr(chancery_error_last()->message, "nested deeper"));
		free(deep);
	}
	assert_int_equal(chancery_data_parse(&d, json, strlen(json)), 0);
	chancery_data_free(d);
}

/* Delimiters are matched as literal bytes, whatever they spell in PCRE2's
 * syntax; floods of braces and of tags end in a result or a clear error. */
static void test_pathological_patterns(void **state)
{
	static const char *const delims[][3] = {
		{ "{{=.* *.=}}.*name*. .*#a*.x.*/a*.", "N x" },
		{ "{{=( )=}}(name) (#a)x(/a)", "N x" },
		{ "{{=[[ ]]=}}[[name]] [[#a]]x[[/a]]", "N x" },
		{ "{{=\\ \\=}}\\name\\", "N" },
		{ "{{=$ ^=}}$name^ $#a^x$/a^", "N x" },
		{ "{{=(? )|=}}(?name)|", "N" },
		{ "{{=\\Q \\E=}}\\Qname\\E", "N" },
	};
	chancery_buf b = CHANCERY_BUF_INIT;
	char *out;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(delims) / sizeof(*delims); i++)
		expect(delims[i][0], "{\"name\": \"N\", \"a\": true}", delims[i][1]);

	/* a megabyte of opening braces: one unclosed tag, named at its place */
	for (int i = 0; i < (1 << 20); i++)
		chancery_buf_putc(&b, '{');
	expect_error(b.ptr, "{}", "line 1, column 1: unclosed tag");
	chancery_buf_dispose(&b);

	/* a megabyte of braces inside a comment is just a comment */
	chancery_buf_puts(&b, "a{{!");
	for (int i = 0; i < (1 << 20); i++)
		chancery_buf_putc(&b, i % 3 == 2 ? '}' : '{');
	chancery_buf_puts(&b, "}}b");
	expect(b.ptr, "{}", "ab");
	chancery_buf_dispose(&b);

	/* 200,000 tags render to 200,000 values */
	for (int i = 0; i < 200000; i++)
		chancery_buf_puts(&b, "{{v}}");
	assert_int_equal(render(&out, b.ptr, "{\"v\": \"ab\"}", 0), 0);
	n = strlen(out);
	assert_int_equal(n, 400000);
	assert_int_equal(strspn(out, "ab"), n);
	chancery_free(out);
	chancery_buf_dispose(&b);

	/* 100,000 near misses: an opening brace pair never closed */
	for (int i = 0; i < 100000; i++)
		chancery_buf_puts(&b, "{{a}");
	expect_error(b.ptr, "{}", "line 1, column 1: unclosed tag");
	chancery_buf_dispose(&b);
}

static void test_table_data(void **state)
{
	chancery_data *d = NULL;
	const char *csv = "code,name\nLBR,Liberia\nCIV,\"Côte d'Ivoire\"\n";

	(void)state;
	assert_int_equal(chancery_data_parse_table(&d, "s.csv", csv, strlen(csv), ','), 0);
	assert_int_equal(chancery_data_length(d), 2);
	assert_string_equal(chancery_data_string(chancery_data_get(
		chancery_data_item(d, 1), "name")), "Côte d'Ivoire");
	chancery_data_free(d);
	assert_int_equal(chancery_data_parse_table(&d, "s.csv", "a,b\n1,2,3\n", 10, ','),
		CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message, "s.csv:2:5"));
	assert_int_equal(chancery_data_parse(&d, "{\"a\": 1,}", 9), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message, "JSON line 1"));
}

/* Read DATA from a file through the item-by-item reader; the items in
 * `got` as compact JSON, one a line. */
static int read_data(char **got, const char *name, const char *bytes, size_t n)
{
	char *dir = tk_tempdir(), path[4096];
	chancery_data_reader *r = NULL;
	chancery_buf b = CHANCERY_BUF_INIT;
	chancery_data *item;
	FILE *f;
	int error;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, n, f), n);
	fclose(f);
	*got = NULL;
	if ((error = chancery_data_reader_open(&r, path)) == 0) {
		while ((error = chancery_data_reader_next(&item, r)) > 0) {
			char *json;

			assert_int_equal(chancery_data_to_json(&json, item), 0);
			chancery_buf_printf(&b, "%s\n", json);
			chancery_free(json);
			chancery_data_free(item);
		}
		*got = chancery_buf_detach(&b);
	}
	chancery_data_reader_free(r);
	tk_rmrf(dir);
	free(dir);
	return error;
}

static void expect_data(const char *name, const char *bytes, size_t n,
	const char *want)
{
	char *got;

	if (read_data(&got, name, bytes, n) < 0)
		fail_msg("%s: %s", name, chancery_error_last()->message);
	if (strcmp(got ? got : "", want))
		fail_msg("%s: got '%s', want '%s'", name, got, want);
	chancery_free(got);
}

static void expect_data_error(const char *name, const char *bytes, size_t n,
	const char *want)
{
	char *got;

	assert_int_equal(read_data(&got, name, bytes, n), CHANCERY_EINVALID);
	if (!strstr(chancery_error_last()->message, want))
		fail_msg("%s: '%s' lacks '%s'", name,
			chancery_error_last()->message, want);
	chancery_free(got);
}

#define BOM "\xef\xbb\xbf"
#define LIT(s) s, sizeof(s) - 1   /* a literal and its length, NULs in it */

/* A UTF-8 byte-order mark starts many files saved on Windows: skipped, in
 * JSON and tables alike, whatever the file is called; UTF-16 is refused by
 * name. A header naming a column twice and CR-only line ends are the
 * table's (test_table.c); here they reach the data as they should. */
static void test_data_edges(void **state)
{
	chancery_data *d = NULL;
	char *out;

	(void)state;
	expect_data("a.json", LIT(BOM "{\"n\": 1}"), "{\"n\":1}\n");
	expect_data("a", LIT(BOM " {\"n\": 1}"), "{\"n\":1}\n");
	expect_data("l.json", LIT(BOM "\n[{\"n\": 1}, {\"n\": 2}]"),
		"{\"n\":1}\n{\"n\":2}\n");
	expect_data("t.csv", LIT(BOM "n,m\n1,2\n"), "{\"n\":\"1\",\"m\":\"2\"}\n");
	expect_data("t", LIT(BOM "n\tm\n1\t2\n"), "{\"n\":\"1\",\"m\":\"2\"}\n");
	/* a table whose first character only looks like a mark's start */
	expect_data("t", LIT("\xef\xbc\xa1,b\n1,2\n"), "{\"\xef\xbc\xa1\":\"1\",\"b\":\"2\"}\n");
	/* lines before a table's header count in its messages */
	expect_data_error("t.csv", LIT("\n\nn,m\n1,2,3\n"), "t.csv:4:5: more cells");
	expect_data_error("u.json", LIT("\xff\xfe{\0}\0"), "data '");
	expect_data_error("u.json", LIT("\xff\xfe{\0}\0"),
		"UTF-16 or UTF-32 byte-order mark; save it as UTF-8");
	expect_data_error("u.csv", LIT("\xfe\xff\0a"), "byte-order mark");
	assert_int_equal(chancery_data_parse(&d, BOM "[1]", 6), 0);
	assert_int_equal(chancery_data_length(d), 1);
	chancery_data_free(d);
	assert_int_equal(chancery_data_parse(&d, "\xff\xfe[\0", 4), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message, "byte-order mark"));
	/* the table's refusals and line ends reach the data */
	expect_data_error("d.csv", LIT("code,name,code\nA,B,C\n"),
		"d.csv:1:11: the header names column 'code' twice (first at ");
	expect_data_error("d.csv", LIT("code,name,code\nA,B,C\n"), "d.csv:1:1)");
	expect_data("cr.csv", LIT("n,m\r1,2\r3,4\r"),
		"{\"n\":\"1\",\"m\":\"2\"}\n{\"n\":\"3\",\"m\":\"4\"}\n");
	assert_int_equal(render(&out, "{{n}}", "{\"n\": 1}", 0), 0);
	chancery_free(out);
}

/* ---- the work limit -------------------------------------------------------- */

/* The two cases: eight nested sections over 20 items each (20^8
 * iterations, none printing anything) and a partial calling itself three
 * times for 40 levels (3^40 calls). */
static char *nested_sections(char **json)
{
	chancery_buf t = CHANCERY_BUF_INIT, d = CHANCERY_BUF_INIT;
	const char *names = "abcdefgh";

	chancery_buf_putc(&d, '{');
	for (const char *c = names; *c; c++) {
		chancery_buf_printf(&t, "{{#%c}}", *c);
		chancery_buf_printf(&d, "%s\"%c\": [", c == names ? "" : ", ", *c);
		for (int i = 0; i < 20; i++)
			chancery_buf_puts(&d, i ? ", {}" : "{}");
		chancery_buf_putc(&d, ']');
	}
	for (size_t i = strlen(names); i-- > 0;)
		chancery_buf_printf(&t, "{{/%c}}", names[i]);
	chancery_buf_putc(&d, '}');
	*json = chancery_buf_detach(&d);
	return chancery_buf_detach(&t);
}

static char *fan_data(void)
{
	chancery_buf d = CHANCERY_BUF_INIT;

	for (int i = 0; i < 40; i++)
		chancery_buf_puts(&d, "{\"a\": ");
	chancery_buf_puts(&d, "{\"a\": false}");
	for (int i = 0; i < 40; i++)
		chancery_buf_putc(&d, '}');
	return chancery_buf_detach(&d);
}

static int fan_partial(char **out, size_t *size, const char *name, void *payload)
{
	(void)payload;
	if (strcmp(name, "p"))
		return CHANCERY_ENOTFOUND;
	*out = strdup("{{#a}}{{>p}}{{>p}}{{>p}}{{/a}}");
	*size = strlen(*out);
	return 0;
}

/* Render `tmpl` (text, or an ODT body) with `json`: refused for needing
 * more than the step limit, naming the template. The refusal is the proof
 * that the work is bounded (steps are counted, not seconds); a hang is
 * caught by ctest's timeout, not by a clock here, so that no test depends
 * on the machine's speed. */
static void expect_step_limit(const char *tmpl, bool odt, const char *json,
	const char *where)
{
	chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
	chancery_template *t = NULL;
	chancery_data *d = NULL;
	void *pkg = NULL, *out = (void *)1;
	size_t size = 0;
	int error;

	o.name = odt ? "t.odt" : "t.mustache";
	o.partials = fan_partial;
	if (odt) {
		tk_odt(&pkg, &size, tmpl, NULL, NULL);
		assert_int_equal(chancery_template_load_odt(&t, pkg, size, &o), 0);
	} else {
		assert_int_equal(chancery_template_compile_text(&t, tmpl,
			strlen(tmpl), &o), 0);
	}
	assert_int_equal(chancery_data_parse(&d, json, strlen(json)), 0);
	if (odt)
		error = chancery_template_render_odt(&out, &size, t, d);
	else
		error = chancery_template_render_text((char **)&out, &size, t, d);
	assert_int_equal(error, CHANCERY_EINVALID);
	assert_null(out);
	if (!strstr(chancery_error_last()->message, "needs more than 10000000 "
			"steps to render (limit 10000000)") ||
	    !strstr(chancery_error_last()->message, o.name) ||
	    !strstr(chancery_error_last()->message, where))
		fail_msg("%s: '%s'", o.name, chancery_error_last()->message);
	chancery_data_free(d);
	chancery_template_free(t);
	free(pkg);
}

static void test_step_limit(void **state)
{
	char *json, *tmpl = nested_sections(&json), *fan = fan_data();
	chancery_buf body = CHANCERY_BUF_INIT;

	(void)state;
	expect_step_limit(tmpl, false, json, "line 1, column");
	chancery_buf_printf(&body, "<text:p>%s</text:p>", tmpl);
	expect_step_limit(body.ptr, true, json, "content.xml paragraph 1");
	expect_step_limit("{{>p}}", false, fan, "in partial 'p', line 1, column");
	expect_step_limit("<text:p>{{>p}}</text:p>", true, fan, "in partial 'p'");
	/* the limit is one budget for the document, not one per section:
	 * 100 sections of 50,000 items each is 5 million steps, fine */
	{
		chancery_buf t = CHANCERY_BUF_INIT, d = CHANCERY_BUF_INIT;
		char *out;

		chancery_buf_puts(&d, "{\"l\": [");
		for (int i = 0; i < 50000; i++)
			chancery_buf_puts(&d, i ? ",0" : "0");
		chancery_buf_puts(&d, "]}");
		for (int i = 0; i < 100; i++)
			chancery_buf_puts(&t, "{{#l}}{{/l}}");
		assert_int_equal(render(&out, t.ptr, d.ptr, 0), 0);
		chancery_free(out);
		/* ... and 300 of them, 15 million, are too many */
		for (int i = 0; i < 200; i++)
			chancery_buf_puts(&t, "{{#l}}{{/l}}");
		assert_int_equal(render(&out, t.ptr, d.ptr, 0), CHANCERY_EINVALID);
		assert_non_null(strstr(chancery_error_last()->message,
			"needs more than 10000000 steps"));
		chancery_buf_dispose(&t);
		chancery_buf_dispose(&d);
	}
	chancery_buf_dispose(&body);
	chancery_free(tmpl);
	chancery_free(json);
	chancery_free(fan);
}

/* ---- letters/data.h -------------------------------------------------------- */

static void render_data(const char *tmpl, const chancery_data *d,
	const char *want)
{
	chancery_template *t = NULL;
	char *out = NULL;

	assert_int_equal(chancery_template_compile_text(&t, tmpl, strlen(tmpl),
		NULL), 0);
	if (chancery_template_render_text(&out, NULL, t, d) < 0)
		fail_msg("%s: %s", tmpl, chancery_error_last()->message);
	assert_string_equal(out, want);
	chancery_free(out);
	chancery_template_free(t);
}

static void expect_json(const chancery_data *d, const char *want)
{
	char *json = NULL;

	assert_int_equal(chancery_data_to_json(&json, d), 0);
	assert_string_equal(json, want);
	chancery_free(json);
}

/* What workflows/ and archive/ build for a letter: nested objects, a list
 * of objects, strings, numbers, true/false and null. */
static void test_data_builder(void **state)
{
	chancery_data *o = NULL, *st = NULL, *list = NULL, *e = NULL;

	(void)state;
	assert_int_equal(chancery__data_object(&o), 0);
	assert_int_equal(chancery__data_object(&st), 0);
	assert_int_equal(chancery__data_set_string(st, "code", "FR"), 0);
	assert_int_equal(chancery__data_set_string(st, "name", "France"), 0);
	assert_int_equal(chancery__data_set_string(st, "formal_name", NULL), 0);
	assert_int_equal(chancery__data_set(o, "state", st), 0);
	assert_int_equal(chancery__data_list(&list), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(chancery__data_object(&e), 0);
		assert_int_equal(chancery__data_set_string(e, "id",
			i ? "XXVII-8" : "XXVII-7"), 0);
		assert_int_equal(chancery__data_set_bool(e, "open", i == 0), 0);
		assert_int_equal(chancery__data_append(list, e), 0);
	}
	assert_int_equal(chancery__data_set_int(o, "treaties_count",
		(int64_t)chancery_data_length(list)), 0);
	assert_int_equal(chancery__data_set(o, "treaties", list), 0);
	assert_int_equal(chancery__data_set_null(o, "since"), 0);
	assert_int_equal(chancery__data_set_int(o, "big", INT64_C(-9007199254740993)), 0);
	/* a key set twice holds the last value */
	assert_int_equal(chancery__data_set_string(o, "year", "2003"), 0);
	assert_int_equal(chancery__data_set_int(o, "year", 2004), 0);

	assert_true(chancery_data_is_object(o));
	assert_string_equal(chancery_data_string(chancery_data_get(
		chancery_data_get(o, "state"), "code")), "FR");
	assert_string_equal(chancery_data_string(chancery_data_get(
		chancery_data_get(o, "state"), "formal_name")), "");
	assert_int_equal(chancery_data_length(chancery_data_get(o, "treaties")),
		2);
	expect_json(o, "{\"state\":{\"code\":\"FR\",\"name\":\"France\","
		"\"formal_name\":\"\"},\"treaties_count\":2,\"treaties\":"
		"[{\"id\":\"XXVII-7\",\"open\":true},{\"id\":\"XXVII-8\","
		"\"open\":false}],\"since\":null,\"big\":-9007199254740993,"
		"\"year\":2004}");
	render_data("{{state.name}} ({{state.code}}), {{treaties_count}}:"
		"{{#treaties}} {{id}}{{#open}}*{{/open}}{{/treaties}}"
		"{{^since}}, never{{/since}} {{year}}", o,
		"France (FR), 2: XXVII-7* XXVII-8, never 2004");
	chancery_data_free(o);
}

/* The builder takes what it is given even when it fails (LeakSanitizer
 * would see a leak), and says why it failed. */
static void test_data_builder_errors(void **state)
{
	chancery_data *o = NULL, *l = NULL, *v = NULL;

	(void)state;
	assert_int_equal(chancery__data_object(&o), 0);
	assert_int_equal(chancery__data_list(&l), 0);
	assert_int_equal(chancery__data_set_string(o, "name", "caf\xc3"),
		CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"the value of 'name' is not UTF-8"));
	assert_int_equal(chancery__data_object(&v), 0);
	assert_int_equal(chancery__data_set(o, "bad\xff", v), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"a key is not UTF-8"));
	/* an object is not a list, a list is not an object */
	assert_int_equal(chancery__data_object(&v), 0);
	assert_int_equal(chancery__data_append(o, v), CHANCERY_EINVALID);
	assert_int_equal(chancery__data_set_string(l, "k", "v"),
		CHANCERY_EINVALID);
	assert_int_equal(chancery__data_set(NULL, "k", NULL), CHANCERY_EINVALID);
	/* a constructor's NULL is out of memory */
	assert_int_equal(chancery__data_set(o, "k", NULL), CHANCERY_ENOMEM);
	assert_int_equal(chancery__data_append(l, NULL), CHANCERY_ENOMEM);
	/* nothing half-set */
	expect_json(o, "{}");
	expect_json(l, "[]");
	chancery_data_free(o);
	chancery_data_free(l);
}

/* A jansson value handed over (wrap) or lent (view): no cast outside
 * letters/data.c, and a lent value outlives the rendering. */
static void test_data_json(void **state)
{
	json_t *j = json_pack("{s:s, s:[i, i]}", "who", "Malta", "n", 1, 2);
	const chancery_data *view = chancery__data_view(j);
	chancery_data *owned;

	(void)state;
	assert_non_null(j);
	assert_ptr_equal(chancery__data_json(view), j);
	render_data("{{who}}:{{#n}} {{.}}{{/n}}", view, "Malta: 1 2");
	assert_int_equal(j->refcount, 1);   /* lent: no reference taken */
	assert_string_equal(json_string_value(json_object_get(j, "who")),
		"Malta");
	owned = chancery__data_wrap(j);     /* handed over: data_free frees */
	assert_true(chancery_data_is_object(owned));
	expect_json(owned, "{\"who\":\"Malta\",\"n\":[1,2]}");
	chancery_data_free(owned);
	assert_null(chancery__data_wrap(NULL));
	assert_null(chancery__data_view(NULL));
	assert_null(chancery__data_json(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_falsey),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_pathological_patterns),
		cmocka_unit_test(test_table_data),
		cmocka_unit_test(test_step_limit),
		cmocka_unit_test(test_data_edges),
		cmocka_unit_test(test_data_builder),
		cmocka_unit_test(test_data_builder_errors),
		cmocka_unit_test(test_data_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
