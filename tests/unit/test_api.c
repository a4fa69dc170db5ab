/*
 * test_api.c - the conventions every public function keeps, checked over
 * the whole API at once from one table: a versioned options struct of a
 * version the library does not know is refused with CHANCERY_EINVALID and
 * a one-line message naming the function and both versions, before
 * anything is done (no commit, no folder made).
 *
 * A new public function taking a versioned options struct gets a row
 * here. Left out: what each function does with good options (its own
 * module's tests).
 */
#include "testkit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef tk_fixture fixture;

/* A call of one public function with options of version `v`. */
typedef int (*api_call)(fixture *f, unsigned v);

static int no_event(const chancery_event *ev, void *payload)
{
	(void)ev;
	(void)payload;
	return 0;
}

static int call_init(fixture *f, unsigned v)
{
	chancery_init_options o = CHANCERY_INIT_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	char path[600];
	int error;

	o.version = v;
	snprintf(path, sizeof(path), "%s/new", f->dir);
	error = chancery_repository_init(&repo, path, &o, NULL);
	assert_true(error == 0 || !repo);
	chancery_repository_free(repo);
	return error;
}

static int call_import(fixture *f, unsigned v)
{
	chancery_import_options o = CHANCERY_IMPORT_OPTIONS_INIT;
	static const char csv[] = "code,name,formal_name,language\n"
		"XKX,Kosovo,the Republic of Kosovo,en\n";

	o.version = v;
	return chancery_registry_import(NULL, f->repo, CHANCERY_IMPORT_STATES,
		"new.csv", csv, strlen(csv), &o);
}

static int call_history(fixture *f, unsigned v)
{
	chancery_log_options o = CHANCERY_LOG_OPTIONS_INIT;

	o.version = v;
	return chancery_event_foreach(f->repo, &o, no_event, NULL);
}

static int call_sync(fixture *f, unsigned v)
{
	chancery_sync_options o = CHANCERY_SYNC_OPTIONS_INIT;
	chancery_sync_result res;
	char remote[600];

	o.version = v;
	snprintf(remote, sizeof(remote), "%s/nowhere", f->dir);
	return chancery_sync_run(&res, f->repo, remote, &o);
}

static int call_deposit(fixture *f, unsigned v)
{
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;

	o.version = v;
	o.state = "LBR";
	o.treaty = "XVIII-10";
	o.action = "signature";
	o.signed_by = CHANCERY_SIGNER_HEAD_OF_STATE;
	o.remote = "";
	chancery_date_parse(&o.date, "2004-09-22");
	return chancery_archive_deposit(NULL, f->repo, &o);
}

static int call_verify(fixture *f, unsigned v)
{
	chancery_verify_options o = CHANCERY_VERIFY_OPTIONS_INIT;

	o.version = v;
	return chancery_archive_verify(NULL, f->repo, &o);
}

static int call_bagit(fixture *f, unsigned v)
{
	chancery_bagit_options o = CHANCERY_BAGIT_OPTIONS_INIT;
	char dir[600];

	o.version = v;
	snprintf(dir, sizeof(dir), "%s/bag", f->dir);
	return chancery_archive_export_bagit(NULL, f->repo, dir, &o);
}

static int call_template_text(fixture *f, unsigned v)
{
	chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
	chancery_template *t = NULL;
	int error;

	(void)f;
	o.version = v;
	error = chancery_template_compile_text(&t, "{{a}}", 5, &o);
	assert_true(error == 0 || !t);
	chancery_template_free(t);
	return error;
}

static int call_template_odt(fixture *f, unsigned v)
{
	chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
	chancery_template *t = NULL;
	void *pkg = NULL;
	size_t size = 0;
	int error;

	(void)f;
	o.version = v;
	tk_odt(&pkg, &size, "<text:p>{{a}}</text:p>", NULL, NULL);
	error = chancery_template_load_odt(&t, pkg, size, &o);
	free(pkg);
	assert_true(error == 0 || !t);
	chancery_template_free(t);
	return error;
}

static int call_template_open(fixture *f, unsigned v)
{
	chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
	chancery_template *t = NULL;
	char path[600];
	void *pkg = NULL;
	size_t size = 0;
	FILE *fp;
	int error;

	o.version = v;
	tk_odt(&pkg, &size, "<text:p>{{a}}</text:p>", NULL, NULL);
	snprintf(path, sizeof(path), "%s/t.odt", f->dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(pkg, 1, size, fp), size);
	fclose(fp);
	free(pkg);
	error = chancery_template_open_odt(&t, path, &o);
	assert_true(error == 0 || !t);
	chancery_template_free(t);
	return error;
}

static int call_campaign_open(fixture *f, unsigned v)
{
	chancery_campaign_options o = CHANCERY_CAMPAIGN_OPTIONS_INIT;

	o.version = v;
	o.id = "focus2004";
	o.workflow = "treaty-event";
	o.featured = "focus2004";
	chancery_date_parse(&o.letter_date, "2004-06-01");
	chancery_date_parse(&o.deadline, "2004-08-01");
	chancery_date_parse(&o.event_start, "2004-09-21");
	chancery_date_parse(&o.event_end, "2004-09-24");
	return chancery_campaign_open(f->repo, &o);
}

static int call_letters_data(fixture *f, unsigned v)
{
	chancery_letter_data_options o = CHANCERY_LETTER_DATA_OPTIONS_INIT;
	chancery_data *d = NULL;
	int error;

	o.version = v;
	error = chancery_campaign_letters_data(&d, f->repo, "focus2004", NULL,
		0, &o);
	chancery_data_free(d);
	return error;
}

static int call_letters(fixture *f, unsigned v)
{
	chancery_letters_options o = CHANCERY_LETTERS_OPTIONS_INIT;
	chancery_letters_result res;

	o.version = v;
	o.state = "LBR";
	return chancery_campaign_generate(&res, f->repo, "focus2004", &o);
}

static int call_reply(fixture *f, unsigned v)
{
	chancery_reply_options o = CHANCERY_REPLY_OPTIONS_INIT;

	o.version = v;
	o.state = "LBR";
	o.none = 1;
	chancery_date_parse(&o.received, "2004-07-01");
	return chancery_campaign_reply(NULL, f->repo, "focus2004", &o);
}

static int call_void(fixture *f, unsigned v)
{
	chancery_void_options o = CHANCERY_VOID_OPTIONS_INIT;

	o.version = v;
	o.reason = "recorded in error";
	return chancery_archive_void(NULL, f->repo, "20040101T000000Z-00000000",
		&o);
}

static int call_effective(fixture *f, unsigned v)
{
	chancery_log_options o = CHANCERY_LOG_OPTIONS_INIT;

	o.version = v;
	return chancery_event_foreach_effective(f->repo, &o, no_event, NULL);
}

/* Every public function that takes a versioned options struct. */
static const struct {
	const char *name; /* as the message names it */
	api_call call;
	unsigned known;   /* the version this library knows */
} calls[] = {
	{ "chancery_repository_init", call_init, CHANCERY_INIT_OPTIONS_VERSION },
	{ "chancery_registry_import", call_import,
		CHANCERY_IMPORT_OPTIONS_VERSION },
	{ "chancery_event_foreach", call_history,
		CHANCERY_LOG_OPTIONS_VERSION },
	{ "chancery_sync_run", call_sync, CHANCERY_SYNC_OPTIONS_VERSION },
	{ "chancery_archive_deposit", call_deposit, CHANCERY_DEPOSIT_OPTIONS_VERSION },
	{ "chancery_archive_verify", call_verify, CHANCERY_VERIFY_OPTIONS_VERSION },
	{ "chancery_archive_export_bagit", call_bagit, CHANCERY_BAGIT_OPTIONS_VERSION },
	{ "chancery_template_compile_text", call_template_text,
		CHANCERY_TEMPLATE_OPTIONS_VERSION },
	{ "chancery_template_load_odt", call_template_odt,
		CHANCERY_TEMPLATE_OPTIONS_VERSION },
	{ "chancery_template_open_odt", call_template_open,
		CHANCERY_TEMPLATE_OPTIONS_VERSION },
	{ "chancery_campaign_open", call_campaign_open,
		CHANCERY_CAMPAIGN_OPTIONS_VERSION },
	{ "chancery_campaign_generate", call_letters,
		CHANCERY_LETTERS_OPTIONS_VERSION },
	{ "chancery_campaign_reply", call_reply,
		CHANCERY_REPLY_OPTIONS_VERSION },
	{ "chancery_archive_void", call_void, CHANCERY_VOID_OPTIONS_VERSION },
	{ "chancery_event_foreach_effective", call_effective,
		CHANCERY_LOG_OPTIONS_VERSION },
	{ "chancery_campaign_letters_data", call_letters_data,
		CHANCERY_LETTER_DATA_OPTIONS_VERSION },
};

static void check_refused(fixture *f, size_t i, unsigned v)
{
	const chancery_error *e;
	char head[41], after[41], want[200];
	size_t events = tk_count_events(f->repo, NULL);
	struct stat st;

	assert_int_equal(chancery_repository_head(head, f->repo), 0);
	chancery_error_clear();
	if (calls[i].call(f, v) != CHANCERY_EINVALID)
		fail_msg("%s: version %u not refused", calls[i].name, v);
	e = chancery_error_last();
	assert_non_null(e);
	assert_int_equal(e->code, CHANCERY_EINVALID);
	snprintf(want, sizeof(want), "%s: options version %u unknown (this "
		"library knows %u)", calls[i].name, v, calls[i].known);
	assert_string_equal(e->message, want);
	assert_null(strchr(e->message, '\n'));
	/* nothing was done */
	assert_int_equal(chancery_repository_head(after, f->repo), 0);
	assert_string_equal(after, head);
	assert_int_equal(tk_count_events(f->repo, NULL), events);
	{
		char path[600];

		snprintf(path, sizeof(path), "%s/new", f->dir);
		assert_int_not_equal(stat(path, &st), 0);
		snprintf(path, sizeof(path), "%s/bag", f->dir);
		assert_int_not_equal(stat(path, &st), 0);
	}
}

static void test_unknown_versions_refused(void **state)
{
	fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		check_refused(f, i, calls[i].known + 1);
		check_refused(f, i, 0);
		check_refused(f, i, 99);
	}
}

/* The versions the headers publish are the ones the library takes: each
 * call with its own version gets past the check (whatever else it then
 * says about the fixture). */
static void test_known_versions_taken(void **state)
{
	fixture *f = *state;
	const chancery_error *e;
	size_t i;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		chancery_error_clear();
		calls[i].call(f, calls[i].known);
		e = chancery_error_last();
		if (e && strstr(e->message, "options version"))
			fail_msg("%s: %s", calls[i].name, e->message);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unknown_versions_refused,
			tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_known_versions_taken,
			tk_setup_sample, tk_teardown),
	};

	chancery_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
