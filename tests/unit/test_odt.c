/*
 * test_odt.c - Mustache inside ODT: tags split by the word processor,
 * formatting kept, sections as inline text, table rows, list items and
 * blocks, nesting, values as ODF text, strict errors with their place,
 * headers and metadata, the package written back, determinism.
 */
#include "testkit.h"
#include "odtgen.h"

#include <libxml/parser.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <zip.h>

/* content.xml of the rendering, checked to be well-formed XML */
static char *render_content(const chancery_template *t, const char *json)
{
	size_t size;
	void *pkg = tk_render(&size, t, json);
	char *xml;
	xmlDoc *doc;

	if (!pkg)
		fail_msg("render: %s", chancery_error_last()->message);
	xml = tk_odt_entry(pkg, size, "content.xml");
	free(pkg);
	doc = xmlReadMemory(xml, (int)strlen(xml), "content.xml", NULL,
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		fail_msg("rendered content.xml is not well-formed:\n%s", xml);
	xmlFreeDoc(doc);
	return xml;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void has(const char *xml, const char *want)
{
	if (!strstr(xml, want))
		fail_msg("missing: %s\nin: %s", want, strstr(xml, "<office:text>") ?
			strstr(xml, "<office:text>") : xml);
}

static void test_split_tags(void **state)
{
	/* as a word processor stores "Dear {{state.name}}," after edits */
	chancery_template *t = tk_odt_template(
		"<text:p>Dear <text:span text:style-name=\"B\">{{st</text:span>"
		"ate.na<text:bookmark text:name=\"b1\"/>me}},</text:p>"
		"<text:p>{{<text:s text:c=\"2\"/>state.code<text:soft-page-break/>}} "
		"<text:change-start text:change-id=\"c1\"/>{{state.lang}}"
		"<text:change-end text:change-id=\"c1\"/>.</text:p>", 0);
	char *xml = render_content(t,
		"{\"state\": {\"name\": \"Liberia\", \"code\": \"LBR\", \"lang\": \"en\"}}");

	(void)state;
	/* the value takes the tag's first character's formatting, the
	 * formatting around is kept */
	has(xml, "<text:p>Dear <text:span text:style-name=\"B\">Liberia</text:span>"
		"<text:bookmark text:name=\"b1\"/>,");
	has(xml, "<text:p>LBR<text:soft-page-break/> <text:change-start "
		"text:change-id=\"c1\"/>en<text:change-end text:change-id=\"c1\"/>.</text:p>");
	assert_null(strstr(xml, "{{"));
	free(xml);
	chancery_template_free(t);
}

static const char row_table[] =
	"<table:table table:name=\"T\"><table:table-column/><table:table-column/>"
	"<table:table-header-rows><table:table-row><table:table-cell><text:p>Ref</text:p>"
	"</table:table-cell><table:table-cell><text:p>Title</text:p></table:table-cell>"
	"</table:table-row></table:table-header-rows>"
	"<table:table-row><table:table-cell><text:p>{{#treaties}}<text:span "
	"text:style-name=\"M\">{{id}}</text:span></text:p></table:table-cell>"
	"<table:table-cell><text:p>{{title}}{{/treaties}}</text:p></table:table-cell>"
	"</table:table-row><text:soft-page-break/></table:table>";

static void test_table_rows(void **state)
{
	chancery_template *t = tk_odt_template(row_table, 0);
	char *xml = render_content(t, "{\"treaties\": ["
		"{\"id\": \"IV-4\", \"title\": \"ICCPR\"},"
		"{\"id\": \"XVIII-10\", \"title\": \"Rome Statute\"},"
		"{\"id\": \"V-2\", \"title\": \"Refugees\"}]}");

	(void)state;
	assert_int_equal(count(xml, "<table:table-row>"), 4);
	has(xml, "<text:span text:style-name=\"M\">XVIII-10</text:span>");
	has(xml, "<text:p>Rome Statute</text:p>");
	free(xml);
	xml = render_content(t, "{\"treaties\": []}");
	assert_int_equal(count(xml, "<table:table-row>"), 1);   /* header only */
	free(xml);
	chancery_template_free(t);
}

static void test_rows_between_tag_rows(void **state)
{
	chancery_template *t = tk_odt_template(
		"<table:table><table:table-column/>"
		"<table:table-row><table:table-cell><text:p>{{#items}}</text:p></table:table-cell></table:table-row>"
		"<table:table-row><table:table-cell><text:p>{{name}}</text:p></table:table-cell></table:table-row>"
		"<table:table-row><table:table-cell><text:p>{{/items}}</text:p></table:table-cell></table:table-row>"
		"</table:table>", 0);
	char *xml = render_content(t,
		"{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}");

	(void)state;
	assert_int_equal(count(xml, "<table:table-row>"), 2);
	has(xml, "<text:p>a</text:p>");
	has(xml, "<text:p>b</text:p>");
	free(xml);
	chancery_template_free(t);
}

static void test_list_items(void **state)
{
	chancery_template *t = tk_odt_template(
		"<text:list><text:list-item><text:p>{{#names}}<text:span>{{.}}</text:span>"
		"{{/names}}</text:p></text:list-item></text:list>", 0);
	char *xml = render_content(t, "{\"names\": [\"Genocide\", \"Torture\", \"Refugees\"]}");

	(void)state;
	assert_int_equal(count(xml, "<text:list-item>"), 3);
	has(xml, "<text:list-item><text:p><text:span>Torture</text:span></text:p></text:list-item>");
	free(xml);
	chancery_template_free(t);
}

static void test_blocks_and_nesting(void **state)
{
	/* a heading and a table per group, a row per item */
	chancery_template *t = tk_odt_template(
		"<text:p>Before</text:p>"
		"<text:p> {{#groups}} </text:p>"
		"<text:h>{{title}}</text:h>"
		"<table:table><table:table-column/><table:table-row><table:table-cell>"
		"<text:p>{{#items}}{{.}}{{/items}}</text:p></table:table-cell></table:table-row>"
		"</table:table>"
		"<text:p>{{/groups}}</text:p>"
		"<text:p>After</text:p>", 0);
	char *xml = render_content(t, "{\"groups\": ["
		"{\"title\": \"Human rights\", \"items\": [\"IV-3\", \"IV-4\"]},"
		"{\"title\": \"Refugees\", \"items\": [\"V-2\"]}]}");

	(void)state;
	assert_int_equal(count(xml, "<table:table>"), 2);
	assert_int_equal(count(xml, "<table:table-row>"), 3);
	assert_int_equal(count(xml, "<text:p>"), 2 + 3);  /* before, after, cells */
	has(xml, "<text:p>Before</text:p><text:h>Human rights</text:h>");
	has(xml, "</table:table><text:p>After</text:p>");
	free(xml);
	chancery_template_free(t);
}

static void test_inline_section_across_spans(void **state)
{
	chancery_template *t = tk_odt_template(
		"<text:p>Treaties: <text:span text:style-name=\"A\">{{#list}}"
		"<text:span text:style-name=\"B\">{{.}}</text:span></text:span>, "
		"<text:span text:style-name=\"C\">{{/list}}end</text:span></text:p>", 0);
	char *xml = render_content(t, "{\"list\": [\"one\", \"two\"]}");

	(void)state;
	has(xml, "<text:span text:style-name=\"B\">one</text:span>");
	has(xml, "<text:span text:style-name=\"B\">two</text:span>");
	has(xml, "end</text:span></text:p>");
	free(xml);
	xml = render_content(t, "{\"list\": []}");
	assert_null(strstr(xml, "style-name=\"B\""));
	has(xml, "end</text:span>");
	free(xml);
	chancery_template_free(t);
}

static void test_values_as_odf_text(void **state)
{
	chancery_template *t = tk_odt_template(
		"<text:p>{{v}}|{{{v}}}|{{&amp;v}}</text:p>", 0);
	char *xml = render_content(t,
		"{\"v\": \"<b>&\\\"x\\\"\\n\\ttab   three\"}");
	const char *want = "&lt;b&gt;&amp;&quot;x&quot;<text:line-break/>"
		"<text:tab/>tab <text:s text:c=\"2\"/>three";

	(void)state;
	assert_int_equal(count(xml, want), 3);
	assert_null(strstr(xml, "<b>"));
	free(xml);
	{
		size_t size;
		void *pkg = tk_render(&size, t, "{\"v\": \"bell \\u0007\"}");

		assert_null(pkg);
		assert_non_null(strstr(chancery_error_last()->message,
			"'v' holds characters XML does not allow"));
	}
	chancery_template_free(t);
}

static void test_strict_and_lenient(void **state)
{
	chancery_template *t = tk_odt_template(
		"<text:p>First</text:p><text:p>Dear {{state.nme}},</text:p>", 0);
	chancery_template *l = tk_odt_template(
		"<text:p>First</text:p><text:p>Dear {{state.nme}},</text:p>", 1);
	size_t size;
	char *xml;

	(void)state;
	assert_null(tk_render(&size, t, "{\"state\": {\"name\": \"x\"}}"));
	assert_int_equal(chancery_error_last()->code, CHANCERY_EINVALID);
	has(chancery_error_last()->message,
		"template 'test.odt': content.xml paragraph 2 ('Dear {{state.nme}},'): "
		"variable 'state.nme' is not in the data");
	xml = render_content(l, "{}");
	has(xml, "<text:p>Dear ,</text:p>");
	free(xml);
	chancery_template_free(t);
	chancery_template_free(l);
}

static void test_template_errors(void **state)
{
	static const struct { const char *body; const char *want; } cases[] = {
		{ "<text:p>a</text:p><text:p>{{#treaties}}</text:p><text:p>x</text:p>",
		  "content.xml paragraph 2 ('{{#treaties}}'): section 'treaties' is never closed" },
		{ "<text:p>{{#a}}x{{/b}}</text:p>",
		  "closing 'b' does not match the open section 'a'" },
		{ "<text:p>Dear {{name</text:p>", "paragraph 1 ('Dear {{name'): unclosed tag" },
		{ "<text:p>x {{#a}} y</text:p><text:p>z {{/a}}</text:p>",
		  "section 'a' closes in another paragraph (content.xml paragraph 2)" },
		{ "<text:p>{{}}</text:p>", "empty tag" },
		{ "<text:p>{{=&lt;% %&gt;}}</text:p>", "must end with '='" },
		{ "<text:p>{{&lt;parent}}{{/parent}}</text:p>", "work in text templates only" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		chancery_template *t = NULL;
		void *pkg;
		size_t size;
		int error;

		tk_odt(&pkg, &size, cases[i].body, NULL, NULL);
		error = chancery_template_load_odt(&t, pkg, size, NULL);
		free(pkg);
		assert_int_equal(error, CHANCERY_EINVALID);
		if (!strstr(chancery_error_last()->message, cases[i].want))
			fail_msg("case %zu: '%s' lacks '%s'", i,
				chancery_error_last()->message, cases[i].want);
	}
}

static void test_header_and_meta(void **state)
{
	chancery_template *t = NULL;
	void *pkg, *out;
	size_t size, osize;
	char *styles, *meta;

	(void)state;
	tk_odt(&pkg, &size, "<text:p>{{ref}}</text:p>",
		"<text:p>Ref. <text:span>{{r</text:span>ef}}</text:p>",
		"Letter {{ref}}");
	assert_int_equal(chancery_template_load_odt(&t, pkg, size, NULL), 0);
	out = tk_render(&osize, t, "{\"ref\": \"FOCUS2004/LBR/1\"}");
	assert_non_null(out);
	styles = tk_odt_entry(out, osize, "styles.xml");
	meta = tk_odt_entry(out, osize, "meta.xml");
	has(styles, "<text:p>Ref. <text:span>FOCUS2004/LBR/1</text:span></text:p>");
	has(meta, "<dc:title>Letter FOCUS2004/LBR/1</dc:title>");
	free(styles);
	free(meta);
	free(out);
	free(pkg);
	chancery_template_free(t);
}

static void test_package(void **state)
{
	chancery_template *t = NULL;
	void *pkg, *a, *b;
	size_t size, asize, bsize;
	zip_t *zt, *za;
	zip_source_t *s1, *s2;
	zip_error_t err;
	zip_stat_t st, tst;

	(void)state;
	tk_odt(&pkg, &size, "<text:p>{{x}}</text:p>", NULL, NULL);
	assert_int_equal(chancery_template_load_odt(&t, pkg, size, NULL), 0);
	a = tk_render(&asize, t, "{\"x\": \"one\"}");
	b = tk_render(&bsize, t, "{\"x\": \"one\"}");
	/* deterministic: byte-identical */
	assert_int_equal(asize, bsize);
	assert_memory_equal(a, b, asize);
	zip_error_init(&err);
	s1 = zip_source_buffer_create(a, asize, 0, &err);
	s2 = zip_source_buffer_create(pkg, size, 0, &err);
	za = zip_open_from_source(s1, ZIP_RDONLY | ZIP_CHECKCONS, &err);
	zt = zip_open_from_source(s2, ZIP_RDONLY, &err);
	assert_non_null(za);
	assert_non_null(zt);
	/* mimetype first and stored */
	assert_int_equal(zip_stat_index(za, 0, 0, &st), 0);
	assert_string_equal(st.name, "mimetype");
	assert_int_equal(st.comp_method, ZIP_CM_STORE);
	/* every entry kept; untouched ones copied as they were */
	assert_int_equal(zip_get_num_entries(za, 0), zip_get_num_entries(zt, 0));
	for (const char *const *n = (const char *const[]){ "META-INF/manifest.xml",
			"styles.xml", "meta.xml", "Pictures/dot.png", NULL }; *n; n++) {
		assert_int_equal(zip_stat(za, *n, 0, &st), 0);
		assert_int_equal(zip_stat(zt, *n, 0, &tst), 0);
		assert_int_equal(st.crc, tst.crc);
		assert_int_equal(st.comp_size, tst.comp_size);
		assert_int_equal(st.comp_method, tst.comp_method);
	}
	zip_discard(za);
	zip_discard(zt);
	free(a);
	free(b);
	free(pkg);
	chancery_template_free(t);
}

static void test_no_tags_copied(void **state)
{
	chancery_template *t = NULL;
	void *pkg, *a;
	size_t size, asize;
	char *in, *out;

	(void)state;
	tk_odt(&pkg, &size, "<text:p>No tags here, {single braces}.</text:p>", NULL, NULL);
	assert_int_equal(chancery_template_load_odt(&t, pkg, size, NULL), 0);
	a = tk_render(&asize, t, "{}");
	in = tk_odt_entry(pkg, size, "content.xml");
	out = tk_odt_entry(a, asize, "content.xml");
	assert_string_equal(in, out);
	free(in);
	free(out);
	free(a);
	free(pkg);
	chancery_template_free(t);
}

static void test_render_file_atomic(void **state)
{
	chancery_template *t = tk_odt_template("<text:p>{{x}}</text:p>", 0);
	char *dir = tk_tempdir(), path[600];
	chancery_data *d = NULL;

	(void)state;
	snprintf(path, sizeof(path), "%s/out.odt", dir);
	assert_int_equal(chancery_data_parse(&d, "{}", 2), 0);
	assert_int_equal(chancery_template_render_odt_file(t, d, path),
		CHANCERY_EINVALID);
	assert_int_equal(tk_sh("test -z \"$(ls -A %s)\"", dir), 0); /* nothing */
	chancery_data_free(d);
	assert_int_equal(chancery_data_parse(&d, "{\"x\":1}", 7), 0);
	assert_int_equal(chancery_template_render_odt_file(t, d, path), 0);
	assert_int_equal(tk_sh("unzip -tq %s >/dev/null", path), 0);
	chancery_data_free(d);
	chancery_template_free(t);
	tk_rmrf(dir);
	free(dir);
}

/* A comment, delimiter or section tag alone in a paragraph that also holds
 * a frame, an image or a note: the tag's paragraph goes, what it holds does
 * not (it once was freed with the paragraph, and its own tags used after). */
static void test_tag_paragraph_with_frame(void **state)
{
	static const struct { const char *body; const char *want; } cases[] = {
		{ "<text:p>{{! c}}<draw:frame draw:name=\"f\"><draw:text-box>"
		  "<text:p>{{! d}}</text:p><text:p>inner {{x}}</text:p>"
		  "</draw:text-box></draw:frame></text:p>", "inner X" },
		{ "<text:p><draw:frame draw:name=\"f\"><draw:text-box>"
		  "<text:p>framed</text:p></draw:text-box></draw:frame>"
		  "{{=&lt;% %&gt;=}}</text:p><text:p>&lt;%x%&gt;</text:p>", "framed" },
		{ "<text:p>{{#s}}<draw:frame draw:name=\"f\"><draw:text-box>"
		  "<text:p>{{#t}}</text:p><text:p>deep {{x}}</text:p><text:p>{{/t}}</text:p>"
		  "</draw:text-box></draw:frame></text:p><text:p>{{/s}}</text:p>", "deep X" },
		{ "<text:p>{{#s}}</text:p><text:p>body</text:p><text:p>{{/s}}"
		  "<text:note><text:note-citation>1</text:note-citation><text:note-body>"
		  "<text:p>noted</text:p></text:note-body></text:note></text:p>", "noted" },
		{ "<table:table><table:table-column/><table:table-row><table:table-cell>"
		  "<text:p>{{#s}}<draw:frame draw:name=\"i\"><draw:image "
		  "xlink:href=\"Pictures/dot.png\"/></draw:frame></text:p></table:table-cell>"
		  "</table:table-row><table:table-row><table:table-cell><text:p>row</text:p>"
		  "</table:table-cell></table:table-row><table:table-row><table:table-cell>"
		  "<text:p>{{/s}}</text:p></table:table-cell></table:table-row></table:table>",
		  "Pictures/dot.png" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		chancery_template *t = tk_odt_template(cases[i].body, 0);
		char *xml = render_content(t, "{\"s\": true, \"t\": true, \"x\": \"X\"}");

		if (!strstr(xml, cases[i].want))
			fail_msg("case %zu: '%s' is lost:\n%s", i, cases[i].want, xml);
		assert_null(strstr(xml, "{{"));
		free(xml);
		chancery_template_free(t);
	}
}

/* A row repeats for a section in one of its cells only when the rest of
 * the row is blank: another tag in it (a value, the tag of a section
 * over rows) is content, and the section then repeats inline. */
static void test_row_with_other_tags(void **state)
{
	chancery_template *t = tk_odt_template(
		"<table:table><table:table-column/><table:table-column/>"
		"<table:table-row><table:table-cell><text:p>{{^f}}</text:p></table:table-cell>"
		"<table:table-cell><text:p>{{#t}}x{{/t}}</text:p></table:table-cell></table:table-row>"
		"<table:table-row><table:table-cell><text:p>body</text:p></table:table-cell>"
		"<table:table-cell/></table:table-row>"
		"<table:table-row><table:table-cell><text:p>{{/f}}</text:p></table:table-cell>"
		"<table:table-cell/></table:table-row></table:table>"
		"<table:table><table:table-column/><table:table-column/>"
		"<table:table-row><table:table-cell><text:p>{{name}}</text:p></table:table-cell>"
		"<table:table-cell><text:p>{{#items}}[{{.}}]{{/items}}</text:p></table:table-cell>"
		"</table:table-row></table:table>", 0);
	char *xml = render_content(t, "{\"f\": false, \"t\": true, "
		"\"name\": \"NAME\", \"items\": [1, 2]}");

	(void)state;
	has(xml, "<text:p>x</text:p>");
	has(xml, "<text:p>body</text:p>");
	has(xml, "<text:p>[1][2]</text:p>");
	assert_int_equal(count(xml, "NAME"), 1);
	assert_int_equal(count(xml, "<table:table-row>"), 3);
	free(xml);
	chancery_template_free(t);
}

/* Random structures (odtgen): no crash, a clean refusal or a well-formed
 * letter with all of the text. ODTGEN_SEEDS=N runs N instead of 1,000. */
static void test_generated_structures(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15u;
	unsigned refused = 0, with_content = 0, words = 0, seeds = 1000;
	clock_t t0 = clock();

	(void)state;
	if (getenv("ODTGEN_SEEDS"))
		seeds = (unsigned)strtoul(getenv("ODTGEN_SEEDS"), NULL, 10);
	for (unsigned seed = 0; seed < seeds; seed++) {
		uint8_t choices[700];
		odtgen_doc doc;
		const char *why;
		int ref;

		for (size_t i = 0; i < sizeof(choices); i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			choices[i] = (uint8_t)(x >> 24);
		}
		odtgen_make(&doc, choices, sizeof(choices));
		if ((why = odtgen_check(&doc, &ref)))
			fail_msg("seed %u: %s\n%s", seed, why, doc.body);
		refused += (unsigned)ref;
		with_content += doc.alone_with_content;
		words += doc.nwords;
		odtgen_free(&doc);
	}
	print_message("%u structures, %u refused, %u words, %u tag paragraphs "
		"holding a frame, image or note, %.1f s\n", seeds, refused, words,
		with_content, (double)(clock() - t0) / CLOCKS_PER_SEC);
	assert_true(refused * 5 < seeds);
	assert_true(with_content > seeds / 10);
}

static void test_hostile_packages(void **state)
{
	char *dir = tk_tempdir(), path[700], line[512];
	FILE *cases;
	int n = 0;

	(void)state;
	assert_int_equal(tk_sh("python3 %s/tests/fixtures/hostile_odt.py %s 2>/dev/null",
		SOURCE_DIR, dir), 0);
	snprintf(path, sizeof(path), "%s/cases.tsv", dir);
	cases = fopen(path, "r");
	assert_non_null(cases);
	while (fgets(line, sizeof(line), cases)) {
		char *name = strtok(line, "\t\n");
		char *verdict = strtok(NULL, "\t\n");
		char *words = strtok(NULL, "\t\n");
		chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
		chancery_template *t = NULL;
		int error;

		o.lenient = 1;
		snprintf(path, sizeof(path), "%s/%s.odt", dir, name);
		error = chancery_template_open_odt(&t, path, &o);
		if (!strcmp(verdict, "accept")) {
			if (error < 0)
				fail_msg("%s: refused: %s", name,
					chancery_error_last()->message);
			{
				size_t size;
				void *out = tk_render(&size, t, "{\"name\": \"x\"}");
				zip_error_t err;
				zip_source_t *src;
				zip_t *z;
				zip_stat_t st;

				/* repaired: mimetype first */
				assert_non_null(out);
				zip_error_init(&err);
				src = zip_source_buffer_create(out, size, 0, &err);
				z = zip_open_from_source(src, ZIP_RDONLY, &err);
				assert_non_null(z);
				assert_int_equal(zip_stat_index(z, 0, 0, &st), 0);
				assert_string_equal(st.name, "mimetype");
				zip_discard(z);
				free(out);
			}
		} else {
			if (error != CHANCERY_EINVALID)
				fail_msg("%s: not refused (%d)", name, error);
			if (!strstr(chancery_error_last()->message, words))
				fail_msg("%s: '%s' lacks '%s'", name,
					chancery_error_last()->message, words);
			if (strchr(chancery_error_last()->message, '\n'))
				fail_msg("%s: the message is not one line", name);
		}
		chancery_template_free(t);
		n++;
	}
	fclose(cases);
	assert_true(n >= 39);
	tk_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_tags),
		cmocka_unit_test(test_table_rows),
		cmocka_unit_test(test_rows_between_tag_rows),
		cmocka_unit_test(test_list_items),
		cmocka_unit_test(test_blocks_and_nesting),
		cmocka_unit_test(test_inline_section_across_spans),
		cmocka_unit_test(test_values_as_odf_text),
		cmocka_unit_test(test_strict_and_lenient),
		cmocka_unit_test(test_template_errors),
		cmocka_unit_test(test_header_and_meta),
		cmocka_unit_test(test_package),
		cmocka_unit_test(test_no_tags_copied),
		cmocka_unit_test(test_render_file_atomic),
		cmocka_unit_test(test_hostile_packages),
		cmocka_unit_test(test_tag_paragraph_with_frame),
		cmocka_unit_test(test_row_with_other_tags),
		cmocka_unit_test(test_generated_structures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
