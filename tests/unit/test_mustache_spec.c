/*
 * test_mustache_spec.c - the official Mustache specification tests, run as
 * they are from ../shared/spec/mustache: comments, delimiters,
 * interpolation, inverted, partials, sections and ~inheritance. Every test
 * of those files must pass (lenient mode: the specification renders a
 * missing name as empty).
 */
#include "testkit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int partial_cb(char **out, size_t *size, const char *name,
	void *payload)
{
	json_t *partials = payload;
	json_t *p = partials ? json_object_get(partials, name) : NULL;

	if (!p || !json_is_string(p))
		return CHANCERY_ENOTFOUND;
	*size = json_string_length(p);
	*out = malloc(*size + 1);
	memcpy(*out, json_string_value(p), *size + 1);
	return 0;
}

static int run_file(const char *file, int *total)
{
	char path[512];
	json_error_t err;
	json_t *root, *tests, *t;
	size_t i;
	int failed = 0;

	snprintf(path, sizeof(path), "%s/spec/mustache/%s.json", SHARED_DIR, file);
	root = json_load_file(path, 0, &err);
	if (!root)
		fail_msg("%s: %s", path, err.text);
	tests = json_object_get(root, "tests");
	json_array_foreach(tests, i, t) {
		chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
		chancery_template *tmpl = NULL;
		chancery_data *data = NULL;
		const char *src = json_string_value(json_object_get(t, "template"));
		const char *want = json_string_value(json_object_get(t, "expected"));
		char *json = json_dumps(json_object_get(t, "data"), JSON_ENCODE_ANY);
		char *got = NULL;
		size_t n;
		int error;

		(*total)++;
		o.lenient = 1;
		o.partials = partial_cb;
		o.payload = json_object_get(t, "partials");
		o.name = json_string_value(json_object_get(t, "name"));
		error = chancery_data_parse(&data, json, strlen(json));
		if (!error)
			error = chancery_template_compile_text(&tmpl, src,
				strlen(src), &o);
		if (!error)
			error = chancery_template_render_text(&got, &n, tmpl, data);
		if (error < 0 || strcmp(got, want)) {
			failed++;
			printf("FAIL %s: %s\n  template: %s\n  expected: %s\n  got:      %s\n",
				file, json_string_value(json_object_get(t, "name")),
				src, want, error < 0 ?
				chancery_error_last()->message : got);
		}
		chancery_free(got);
		chancery_template_free(tmpl);
		chancery_data_free(data);
		free(json);
	}
	json_decref(root);
	return failed;
}

static void test_spec(void **state)
{
	static const char *files[] = { "comments", "delimiters",
		"interpolation", "inverted", "partials", "sections",
		"~inheritance" };
	int failed = 0, total = 0;

	(void)state;
	if (!tk_have_shared())
		skip();
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		failed += run_file(files[i], &total);
	printf("mustache spec: %d tests, %d failed\n", total, failed);
	assert_int_equal(failed, 0);
	assert_int_equal(total, 12 + 14 + 42 + 22 + 12 + 34 + 27);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
