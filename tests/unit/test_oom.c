/*
 * test_oom.c - allocation failure, SQLite's way: for each main library
 * call, fail allocation N of the library's allocator for N = 1, 2, ...
 * until the call succeeds. Every failing run must return
 * CHANCERY_ENOMEM, crash nothing, leak nothing (the sanitizer build checks)
 * and, for a write, leave the repository exactly as it was.
 *
 * The allocator is the library's own (chancery_allocator_set); libgit2,
 * libxml2, libzip, PCRE2 and jansson allocate on their own and are not
 * failed here.
 */
#include "testkit.h"

#include <stdlib.h>
#include <string.h>


typedef int (*call_fn)(void *payload);

/*
 * Run `fn` failing allocation 1, 2, ... until a run succeeds; returns how
 * many runs failed. Every point up to DENSE is tried; past it the stride
 * grows by 1/64 of the position (a call with 26,000 allocations is tried
 * at about 750 points spread over all of them), so the suite stays quick;
 * OOM_EVERY=1 in the environment tries every point (a reply or a deposit
 * then takes about 26,000 runs).
 * A run that succeeds although an allocation failed is a defect: the
 * failure was swallowed somewhere (it found two: the numbering remote
 * and verify's checks took "out of memory" for "not there").
 */
#define DENSE 400
static bool every;  /* OOM_EVERY: no stride */

static long until_success(const char *name, call_fn fn, void *payload,
	char *head_dir)
{
	long n, refused = 0, failed, allocs = 0;

	chancery_allocator_set(&tk_oom);
	for (n = 1;; n += every || n < DENSE ? 1 : n / 64) {
		char *before = NULL, *after = NULL;
		int error;

		if (head_dir)
			before = tk_sh_out("cd '%s' && git rev-parse HEAD && "
				"git status --porcelain", head_dir);
		tk_oom_arm(n);
		error = fn(payload);
		failed = tk_oom_failed();
		allocs = tk_oom_allocs();
		tk_oom_arm(0);
		if (error == 0 && failed)
			/* a failure swallowed is a check skipped or a setting
			 * misread (verify passing what it never checked) */
			fail_msg("%s: allocation %ld failed and the call "
				"succeeded all the same", name, n);
		if (!failed) {
			/* through: allocation n was never reached */
			if (error < 0)
				fail_msg("%s: failed without an allocation failure: "
					"%s", name, chancery_error_last()->message);
			free(before);
			break;
		}
		refused++;
		if (error != CHANCERY_ENOMEM)
			fail_msg("%s: allocation %ld failed: got %d (%s), want "
				"out of memory", name, n, error,
				chancery_error_last() ?
				chancery_error_last()->message : "");
		if (head_dir) {
			after = tk_sh_out("cd '%s' && git rev-parse HEAD && "
				"git status --porcelain", head_dir);
			if (strcmp(before, after))
				fail_msg("%s: allocation %ld failed and the "
					"repository changed:\n%s->\n%s", name, n,
					before, after);
			free(after);
		}
		free(before);
	}
	chancery_allocator_set(NULL);
	printf("%s: %ld allocations; %ld failure points tried, each refused "
		"with out of memory and nothing written\n", name, allocs,
		refused);
	return refused;
}

/* ---- the calls ------------------------------------------------------------ */

static int render_text(void *payload)
{
	chancery_data *data = payload;
	chancery_template *t = NULL;
	char *out = NULL;
	size_t size;
	static const char src[] = "Dear {{state.name}},\n{{#treaties}}"
		"- {{id}} {{action}}\n{{/treaties}}{{^none}}end{{/none}}";
	int error;

	if ((error = chancery_template_compile_text(&t, src, sizeof(src) - 1,
			NULL)) < 0)
		return error;
	error = chancery_template_render_text(&out, &size, t, data);
	chancery_free(out);
	chancery_template_free(t);
	return error;
}

static int render_odt(void *payload)
{
	chancery_data *data = payload;
	chancery_template *t = NULL;
	void *out = NULL;
	size_t size;
	chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
	int error;

	o.lenient = 1; /* the data here is a part of a notification's */
	if ((error = chancery_template_open_odt(&t, SOURCE_DIR
			"/letters/templates/notification-en.odt", &o)) < 0)
		return error;
	error = chancery_template_render_odt(&out, &size, t, data);
	chancery_free(out);
	chancery_template_free(t);
	return error;
}

static int open_repo(void *payload)
{
	chancery_repository *repo = NULL;
	int error = chancery_repository_open(&repo, payload);

	chancery_repository_free(repo);
	return error;
}

typedef struct {
	chancery_repository *repo;
	int step;
} repo_call;

static int note(void *payload)
{
	repo_call *c = payload;

	return tk_note(c->repo, "LBR", "a call from the mission");
}

static int reply(void *payload)
{
	repo_call *c = payload;
	chancery_reply_options o = CHANCERY_REPLY_OPTIONS_INIT;
	const chancery_campaign_intention intends[] = {
		{ "ratify", "XVIII-10" }, { "sign", "IV-13" } };

	o.state = "LBR";
	o.received = (chancery_date){ 2004, 8, 20 };
	o.intends = intends;
	o.nintends = 2;
	return chancery_campaign_reply(NULL, c->repo, "c", &o);
}

static int deposit(void *payload)
{
	repo_call *c = payload;
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;

	o.state = "LBR";
	o.treaty = "IV-13";
	o.action = "signature";
	o.signed_by = CHANCERY_SIGNER_HEAD_OF_STATE;
	o.date = (chancery_date){ 2004, 9, 22 };
	return chancery_archive_deposit(NULL, c->repo, &o);
}

static int verify(void *payload)
{
	repo_call *c = payload;

	return chancery_archive_verify(NULL, c->repo, NULL);
}

static void test_templates(void **state)
{
	chancery_data *data = NULL;
	static const char json[] = "{\"state\":{\"name\":\"Liberia\"},"
		"\"treaties\":[{\"id\":\"IV-4\",\"action\":\"ratify\"}],"
		"\"notification\":{\"reference\":\"C.N.1.2004.TREATIES-18\"},"
		"\"treaty\":{\"title\":\"Rome Statute\"},\"action\":{\"name_upper\":"
		"\"RATIFICATION\"},\"entry_into_force\":false}";

	(void)state;
	assert_int_equal(chancery_data_parse(&data, json, sizeof(json) - 1), 0);
	assert_true(until_success("render a text template", render_text, data,
		NULL) > 10);
	assert_true(until_success("render an ODT letter", render_odt, data,
		NULL) > 10);
	chancery_data_free(data);
}

static void test_repository_calls(void **state)
{
	char *dir = tk_tempdir();
	repo_call c = { NULL, 0 };

	(void)state;
	tk_rmrf(dir);
	c.repo = tk_repo(dir, false);
	chancery_repository_set_signature(c.repo, &(chancery_signature){
		"Treaty Section", "ts@example.org", 1104494400, 0 });
	assert_int_equal(tk_sh("printf 'state\\nLBR\\nFRA\\n' > '%s.rec.tsv' && "
		"cd '%s' && export CHANCERY_NOW=2004-03-12T09:00:00Z && "
		"git config user.name Desk && git config user.email d@example.org && "
		"'%s' campaign open c --workflow treaty-event --letter-date "
		"2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 "
		"--featured focus2004 --recipients '%s.rec.tsv' >/dev/null && "
		"'%s' letters generate c >/dev/null && "
		"'%s' send c --date 2004-03-12 >/dev/null", dir, dir, CHANCERY_BIN,
		dir, CHANCERY_BIN, CHANCERY_BIN), 0);
	assert_true(until_success("open a repository", open_repo, dir, NULL) > 3);
	assert_true(until_success("record a note", note, &c, dir) > 10);
	assert_true(until_success("record a reply", reply, &c, dir) > 10);
	assert_true(until_success("deposit", deposit, &c, dir) > 10);
	assert_true(until_success("verify", verify, &c, NULL) > 10);
	assert_int_equal(tk_count_events(c.repo, "deposit"), 1);
	assert_int_equal(tk_count_events(c.repo, "reply"), 1);
	assert_int_equal(tk_sh("cd '%s' && git fsck --strict >/dev/null 2>&1", dir), 0);
	chancery_repository_free(c.repo);
	tk_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_repository_calls),
	};

	every = getenv("OOM_EVERY") && !strcmp(getenv("OOM_EVERY"), "1");
	chancery_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
