/*
 * test_threads.c - one compiled template rendered by many threads at once,
 * as `render --jobs` does: partials, parents and re-indented blocks are
 * compiled on first use into the template's cache, so the first renders
 * race to fill it. Every thread must get the same bytes as a render on
 * its own, and ThreadSanitizer (make test-tsan, label "threads") must
 * find nothing.
 */
#include "testkit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 8
#define ROUNDS 50
#define ODT_BODY "<text:p>{{name}}: {{>footer}}</text:p>" \
	"<text:p>{{#treaties}}{{id}} {{/treaties}}</text:p>"

static int partial(char **out, size_t *size, const char *name, void *payload)
{
	const char *src = NULL;

	(void)payload;
	if (!strcmp(name, "footer"))
		src = "-- {{signer}}\n";
	else if (!strcmp(name, "item"))
		src = "  * {{id}}: {{title}}\n";
	else if (!strcmp(name, "frame"))
		src = "[\n  {{$body}}default{{/body}}\n]\n";
	if (!src)
		return CHANCERY_ENOTFOUND;
	*out = strdup(src);
	*size = strlen(src);
	return *out ? 0 : CHANCERY_ENOMEM;
}

static const char *const text_src =
	"Dear {{name}},\n"
	"{{#treaties}}\n"
	"  {{>item}}\n"
	"{{/treaties}}\n"
	"{{<frame}}\n"
	"  {{$body}}\n"
	"    the body\n"
	"  {{/body}}\n"
	"{{/frame}}\n"
	"{{>footer}}";

static const char *const json =
	"{\"name\": \"Liberia\", \"signer\": \"S\", \"treaties\": ["
	"{\"id\": \"IV-4\", \"title\": \"ICCPR\"}, {\"id\": \"XVIII-10\", \"title\": \"Rome\"}]}";

typedef struct {
	const chancery_template *text, *odt;
	const chancery_data *data;
	const char *want_text;
	const void *want_odt;
	size_t want_odt_size;
	int failures;
} shared;

static void *render_many(void *arg)
{
	shared *s = arg;
	int failures = 0;

	for (int r = 0; r < ROUNDS; r++) {
		char *text = NULL;
		void *odt = NULL;
		size_t n = 0, size = 0;

		if (chancery_template_render_text(&text, &n, s->text, s->data) < 0 ||
		    strcmp(text, s->want_text))
			failures++;
		if (chancery_template_render_odt(&odt, &size, s->odt, s->data) < 0 ||
		    size != s->want_odt_size || memcmp(odt, s->want_odt, size))
			failures++;
		chancery_free(text);
		chancery_free(odt);
	}
	s->failures += failures;   /* read after join only */
	return NULL;
}

/* Fresh templates (empty caches) for each of four rounds of threads. */
static void test_shared_template(void **state)
{
	chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
	chancery_data *d = NULL;
	char *want_text = NULL;
	void *want_odt = NULL;
	size_t n, want_size = 0;

	(void)state;
	o.partials = partial;
	o.name = "t.mustache";
	assert_int_equal(chancery_data_parse(&d, json, strlen(json)), 0);
	{
		/* what one thread alone renders */
		chancery_template *t = NULL;

		assert_int_equal(chancery_template_compile_text(&t, text_src,
			strlen(text_src), &o), 0);
		assert_int_equal(chancery_template_render_text(&want_text, &n, t, d), 0);
		assert_non_null(strstr(want_text, "  * IV-4: ICCPR\n"));
		assert_non_null(strstr(want_text, "the body"));
		chancery_template_free(t);
	}
	for (int round = 0; round < 4; round++) {
		chancery_template *t = NULL, *odt = NULL;
		void *pkg;
		size_t size;
		pthread_t th[THREADS];
		shared s[THREADS];

		assert_int_equal(chancery_template_compile_text(&t, text_src,
			strlen(text_src), &o), 0);
		tk_odt(&pkg, &size, ODT_BODY, NULL, NULL);
		assert_int_equal(chancery_template_load_odt(&odt, pkg, size, &o), 0);
		free(pkg);
		if (round == 0) {
			/* the reference ODT, from a template of its own */
			chancery_template *ref = NULL;

			tk_odt(&pkg, &size, ODT_BODY, NULL, NULL);
			assert_int_equal(chancery_template_load_odt(&ref, pkg, size, &o), 0);
			free(pkg);
			assert_int_equal(chancery_template_render_odt(&want_odt,
				&want_size, ref, d), 0);
			chancery_template_free(ref);
		}
		for (int i = 0; i < THREADS; i++) {
			s[i] = (shared){ t, odt, d, want_text, want_odt, want_size, 0 };
			assert_int_equal(pthread_create(&th[i], NULL, render_many, &s[i]), 0);
		}
		for (int i = 0; i < THREADS; i++) {
			pthread_join(th[i], NULL);
			if (s[i].failures)
				fail_msg("round %d, thread %d: %d renders differ or "
					"failed", round, i, s[i].failures);
		}
		chancery_template_free(t);
		chancery_template_free(odt);
	}
	chancery_free(want_text);
	chancery_free(want_odt);
	chancery_data_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_template),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
