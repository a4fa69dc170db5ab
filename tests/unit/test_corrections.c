/*
 * test_corrections.c - records put right without rewriting the past, through
 * the library: a reply corrected (chancery_campaign_reply with `corrects`),
 * a reply, a note and a deposit voided (chancery_archive_void), the one
 * effective view (chancery_corrections_*, chancery_event_foreach_effective),
 * a voided correction letting the original stand, and every refusal with
 * its code and nothing recorded.
 */
#include "testkit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static chancery_date D(const char *s)
{
	chancery_date d;

	assert_int_equal(chancery_date_parse(&d, s), 0);
	return d;
}

static void at(tk_fixture *f, const char *when)
{
	chancery_signature sig = { "Treaty Section", "desk@example.org", 0, 0 };
	int64_t t;

	assert_int_equal(chancery_time_parse(&t, when), 0);
	sig.time = t;
	assert_int_equal(chancery_repository_set_signature(f->repo, &sig), 0);
}

/* Campaign "c" to LBR and MEX, letters generated and sent. */
static int setup(void **state)
{
	chancery_campaign_options o = CHANCERY_CAMPAIGN_OPTIONS_INIT;
	chancery_letters_result r;
	chancery_date sent = D("2004-03-15");
	tk_fixture *f;
	char path[600];
	size_t n;

	tk_setup_sample(state);
	f = *state;
	/* outside the working tree, inside the fixture's folder */
	snprintf(path, sizeof(path), "%s/.git/recipients.tsv", f->dir);
	tk_write(path, "state\nLBR\nMEX\n");
	o.id = "c";
	o.title = "Corrections";
	o.workflow = "treaty-event";
	o.featured = "focus2004";
	o.recipients = path;
	o.letter_date = D("2004-03-12");
	o.deadline = D("2004-09-01");
	o.event_start = D("2004-09-21");
	o.event_end = D("2004-09-24");
	assert_int_equal(chancery_campaign_open(f->repo, &o), 0);
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "c", NULL), 0);
	/* dispatched on the day it is recorded: no record is dated later */
	at(f, "2004-03-15T10:00:00Z");
	assert_int_equal(chancery_campaign_send(&n, f->repo, "c", &sent, NULL),
		0);
	at(f, "2004-08-21T10:00:00Z");
	return 0;
}

/* The id of the newest event (of `type`, NULL: any). */
static void newest(tk_fixture *f, char id[40], const char *type)
{
	tk_newest(id, f->repo, type);
}

/* A reply of `state` announcing `intends` ("ratify:IV-4", NULL: none),
 * correcting `corrects` (may be NULL) for `reason`; its id into `id`. */
static int reply(tk_fixture *f, char id[40], const char *state,
	const char *intends, const char *corrects, const char *reason)
{
	chancery_reply_options o = CHANCERY_REPLY_OPTIONS_INIT;
	chancery_campaign_intention in;
	int error;

	if (intends) {
		assert_int_equal(chancery_campaign_intention_parse(&in,
			intends), 0);
		o.intends = &in;
		o.nintends = 1;
	} else
		o.none = 1;
	o.state = state;
	o.received = D("2004-08-20");
	o.corrects = corrects;
	o.reason = reason;
	if ((error = chancery_campaign_reply(NULL, f->repo, "c", &o)) < 0)
		return error;
	newest(f, id, NULL);
	return 0;
}

/* The intentions of `code` in status on 10 September, "action treaty"
 * joined by ',', "-" for none, "noreply" when no reply counts. */
static void intentions(tk_fixture *f, const char *code, char *out,
	size_t size)
{
	chancery_date d = D("2004-09-10");
	char *text = NULL;
	json_t *j, *s, *in;
	size_t i, k;

	assert_int_equal(chancery_campaign_status(&text, f->repo, "c", &d), 0);
	assert_non_null(j = json_loads(text, 0, NULL));
	chancery_free(text);
	*out = '\0';
	json_array_foreach(json_object_get(j, "states"), i, s) {
		if (strcmp(json_string_value(json_object_get(s, "code")), code))
			continue;
		if (json_is_null(json_object_get(s, "reply")))
			snprintf(out, size, "noreply");
		json_array_foreach(json_object_get(s, "intentions"), k, in)
			snprintf(out + strlen(out), size - strlen(out), "%s%s %s",
				k ? "," : "", json_string_value(json_object_get(in,
				"action")), json_string_value(json_object_get(in,
				"treaty")));
	}
	if (!*out)
		snprintf(out, size, "-");
	json_decref(j);
}

static int count_cb(const chancery_event *ev, void *payload)
{
	(void)ev;
	(*(size_t *)payload)++;
	return 0;
}

static size_t effective_replies(tk_fixture *f)
{
	chancery_log_options lo = CHANCERY_LOG_OPTIONS_INIT;
	size_t n = 0;

	lo.type = "reply";
	assert_int_equal(chancery_event_foreach_effective(f->repo, &lo,
		count_cb, &n), 0);
	return n;
}

/* The case: a reply recorded wrongly is put right. */
static void test_reply_corrected(void **state)
{
	tk_fixture *f = *state;
	chancery_corrections *cs = NULL;
	char wrong[40], fixed[40], other[40], got[200];
	const char *reason = NULL;
	int voided = 1;
	size_t events;

	assert_int_equal(reply(f, wrong, "LBR", "ratify:IV-4", NULL, NULL), 0);
	intentions(f, "LBR", got, sizeof(got));
	assert_string_equal(got, "ratify IV-4");
	assert_int_equal(reply(f, fixed, "LBR", "ratify:XVIII-10", wrong,
		"misread the note verbale"), 0);
	intentions(f, "LBR", got, sizeof(got));
	assert_string_equal(got, "ratify XVIII-10");
	/* both in history, one effective */
	assert_int_equal(tk_count_events(f->repo, "reply"), 2);
	assert_int_equal(effective_replies(f), 1);
	assert_int_equal(chancery_corrections_load(&cs, f->repo, NULL), 0);
	assert_string_equal(chancery_corrections_of(cs, wrong, &voided,
		&reason), fixed);
	assert_int_equal(voided, 0);
	assert_string_equal(reason, "misread the note verbale");
	assert_null(chancery_corrections_of(cs, fixed, NULL, NULL));
	chancery_corrections_free(cs);
	/* refused, nothing recorded */
	events = tk_count_events(f->repo, NULL);
	assert_int_equal(reply(f, other, "LBR", "ratify:XVIII-10", wrong,
		"again"), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"is corrected already"));
	assert_int_equal(reply(f, other, "LBR", "ratify:XVIII-10", fixed,
		NULL), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message, "--reason"));
	assert_int_equal(reply(f, other, "MEX", NULL, fixed, "x"),
		CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"not of MEX in 'c'"));
	assert_int_equal(reply(f, other, "LBR", NULL,
		"20040101T000000Z-00000000", "x"), CHANCERY_ENOTFOUND);
	assert_int_equal(tk_count_events(f->repo, NULL), events);
	/* a correction of a correction */
	assert_int_equal(reply(f, other, "LBR", NULL, fixed, "it said none"),
		0);
	intentions(f, "LBR", got, sizeof(got));
	assert_string_equal(got, "-");
}

static int void_it(tk_fixture *f, chancery_void_result *r, const char *id,
	const char *reason)
{
	chancery_void_options o = CHANCERY_VOID_OPTIONS_INIT;

	o.reason = reason;
	return chancery_archive_void(r, f->repo, id, &o);
}

/* A reply and a note voided; the refusals. */
static void test_void_reply_note(void **state)
{
	tk_fixture *f = *state;
	chancery_void_options bad = CHANCERY_VOID_OPTIONS_INIT;
	chancery_void_result r, r2;
	char mex[40], got[200], note[40];
	size_t events;

	assert_int_equal(reply(f, mex, "MEX", "ratify:XVIII-10", NULL, NULL), 0);
	intentions(f, "MEX", got, sizeof(got));
	assert_string_equal(got, "ratify XVIII-10");
	assert_int_equal(void_it(f, &r, mex, "filed under the wrong State"), 0);
	assert_string_equal(r.voided, mex);
	assert_string_equal(r.type, "reply");
	assert_string_equal(r.notification, "");
	intentions(f, "MEX", got, sizeof(got));
	assert_string_equal(got, "noreply");
	assert_int_equal(effective_replies(f), 0);
	/* the void, as plain git reads it */
	{
		char *out = tk_sh_out("cd %s && git log -1 --format="
			"'%%(trailers:key=Chancery-Voids,valueonly,separator=)|"
			"%%(trailers:key=Chancery-Reason,valueonly,separator=)|"
			"%%(trailers:key=Chancery-State,valueonly,separator=)'",
			f->dir);
		char want[200];

		snprintf(want, sizeof(want), "%s|filed under the wrong State|"
			"MEX\n", mex);
		assert_string_equal(out, want);
		free(out);
	}
	events = tk_count_events(f->repo, NULL);
	assert_int_equal(void_it(f, &r2, mex, "again"), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"is voided already"));
	assert_int_equal(void_it(f, &r2, r.id, "again"), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"a void is not voided"));
	assert_int_equal(void_it(f, &r2, mex, NULL), CHANCERY_EINVALID);
	assert_int_equal(void_it(f, &r2, mex, "two\nlines"), CHANCERY_EINVALID);
	assert_int_equal(void_it(f, &r2, "20040101T000000Z-00000000", "x"),
		CHANCERY_ENOTFOUND);
	bad.version = 99;
	bad.reason = "x";
	assert_int_equal(chancery_archive_void(&r2, f->repo, mex, &bad),
		CHANCERY_EINVALID);
	/* a dispatch is not voided */
	newest(f, note, "send");
	assert_int_equal(void_it(f, &r2, note, "x"), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"only a reply, a note or a deposit is voided"));
	assert_int_equal(reply(f, note, "MEX", NULL, mex, "x"),
		CHANCERY_EINVALID);
	assert_int_equal(tk_count_events(f->repo, NULL), events);
	/* a note */
	assert_int_equal(tk_note(f->repo, "LBR", "a call, logged twice"), 0);
	newest(f, note, "note");
	assert_int_equal(void_it(f, &r, note, "logged twice"), 0);
	assert_string_equal(r.type, "note");
	assert_int_equal(reply(f, mex, "LBR", NULL, note, "x"),
		CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message, "not a reply"));
}

/* Voiding a correction lets the original stand again. */
static void test_void_correction(void **state)
{
	tk_fixture *f = *state;
	chancery_void_result r;
	chancery_corrections *cs = NULL;
	char a[40], b[40], c[40], d[40], e[40], got[200];
	const char *reason = NULL;
	int voided = 0;

	assert_int_equal(reply(f, a, "LBR", "ratify:IV-4", NULL, NULL), 0);
	assert_int_equal(reply(f, b, "LBR", "ratify:XVIII-10", a, "typo"), 0);
	assert_int_equal(void_it(f, &r, a, "x"), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"void the correction instead"));
	assert_int_equal(void_it(f, &r, b, "the first was right"), 0);
	intentions(f, "LBR", got, sizeof(got));
	assert_string_equal(got, "ratify IV-4");
	/* corrected again: two corrections of one reply, the voided one
	 * first; fates of other events around them in the lookup's order */
	assert_int_equal(reply(f, c, "MEX", "ratify:XVIII-10", NULL, NULL), 0);
	assert_int_equal(reply(f, d, "MEX", NULL, c, "it said none"), 0);
	assert_int_equal(reply(f, e, "LBR", "ratify:XVIII-10", a, "a second "
		"look"), 0);
	intentions(f, "LBR", got, sizeof(got));
	assert_string_equal(got, "ratify XVIII-10");
	assert_int_equal(chancery_corrections_load(&cs, f->repo, NULL), 0);
	assert_string_equal(chancery_corrections_of(cs, a, &voided, &reason),
		e);
	assert_int_equal(voided, 0);
	assert_string_equal(reason, "a second look");
	assert_string_equal(chancery_corrections_of(cs, b, &voided, &reason),
		r.id);
	assert_int_equal(voided, 1);
	assert_string_equal(reason, "the first was right");
	assert_string_equal(chancery_corrections_of(cs, c, &voided, NULL), d);
	assert_int_equal(voided, 0);
	assert_null(chancery_corrections_of(cs, e, &voided, NULL));
	assert_null(chancery_corrections_of(cs, "", NULL, NULL));
	chancery_corrections_free(cs);
}

/* A deposit voided: out of participation as of every date, a correction
 * notification, verify still clean. */
static void test_void_deposit(void **state)
{
	tk_fixture *f = *state;
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
	chancery_deposit_result dr;
	chancery_void_result r;
	chancery_verify_result vr;
	chancery_registry *reg = NULL;
	chancery_date d = D("2004-09-30");
	char path[600], *xml;

	at(f, "2004-09-22T15:00:00Z");
	o.state = "NOR";
	o.treaty = "IV-13";
	o.action = "signature";
	o.signed_by = CHANCERY_SIGNER_FOREIGN_MINISTER;
	o.date = D("2004-09-22");
	o.remote = "";
	assert_int_equal(chancery_archive_deposit(&dr, f->repo, &o), 0);
	assert_string_equal(dr.notification, "C.N.1.2004.TREATIES-IV.13");
	assert_int_equal(chancery_registry_load(&reg, f->repo), 0);
	assert_int_equal(chancery_registry_status(reg, "NOR", "IV-13", &d),
		CHANCERY_STATUS_SIGNATORY);
	chancery_registry_free(reg);
	at(f, "2004-09-23T10:00:00Z");
	assert_int_equal(void_it(f, &r, dr.id, "signed by Norway's neighbour"),
		0);
	assert_string_equal(r.type, "deposit");
	assert_string_equal(r.corrected, "C.N.1.2004.TREATIES-IV.13");
	assert_string_equal(r.notification, "C.N.2.2004.TREATIES-IV.13");
	assert_string_equal(r.notification_path, "notifications/2004/0002.odt");
	assert_int_equal(chancery_registry_load(&reg, f->repo), 0);
	assert_int_equal(chancery_registry_status(reg, "NOR", "IV-13", &d),
		CHANCERY_STATUS_NONE);
	d = D("2004-09-22");
	assert_int_equal(chancery_registry_status(reg, "NOR", "IV-13", &d),
		CHANCERY_STATUS_NONE);
	chancery_registry_free(reg);
	/* the correction notification */
	snprintf(path, sizeof(path), "%s/notifications/2004/0002.odt", f->dir);
	xml = tk_sh_out("unzip -p %s content.xml", path);
	assert_non_null(strstr(xml, "C.N.2.2004.TREATIES-IV.13"));
	assert_non_null(strstr(xml, "Depositary notification "
		"C.N.1.2004.TREATIES-IV.13, concerning the signature by Norway of the "
		"above treaty on 22 September 2004, was issued in error"));
	assert_non_null(strstr(xml, "NORWAY: SIGNATURE: CORRECTION"));
	free(xml);
	/* the entry and its notification stay; the marker beside */
	assert_int_equal(tk_sh("cd %s && test -f archive/NOR/IV-13/"
		"2004-09-22-signature.txt && test -f notifications/2004/0001.odt "
		"&& grep -qx 'Voids: %s' archive/NOR/IV-13/2004-09-22-signature.void",
		f->dir, dr.id), 0);
	assert_int_equal(void_it(f, &r, dr.id, "again"), CHANCERY_EINVALID);
	assert_int_equal(chancery_archive_verify(&vr, f->repo, NULL), 0);
	assert_int_equal(vr.problems, 0);
	/* the next deposit numbers after the correction */
	o.state = "SWE";
	assert_int_equal(chancery_archive_deposit(&dr, f->repo, &o), 0);
	assert_string_equal(dr.notification, "C.N.3.2004.TREATIES-IV.13");
	/* Norway signs two days later: its folder holds the voided entry,
	 * its marker, and the new entry after them; only the new one is an
	 * action, from a parse and from the cache alike */
	at(f, "2004-09-24T10:00:00Z");
	o.state = "NOR";
	o.date = D("2004-09-24");
	assert_int_equal(chancery_archive_deposit(&dr, f->repo, &o), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(chancery_registry_load(&reg, f->repo), 0);
		d = D("2004-09-23");
		assert_int_equal(chancery_registry_status(reg, "NOR", "IV-13",
			&d), CHANCERY_STATUS_NONE);
		d = D("2004-09-24");
		assert_int_equal(chancery_registry_status(reg, "NOR", "IV-13",
			&d), CHANCERY_STATUS_SIGNATORY);
		d = D("2004-09-22");
		assert_int_equal(chancery_registry_status(reg, "SWE", "IV-13",
			&d), CHANCERY_STATUS_SIGNATORY);
		chancery_registry_free(reg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reply_corrected, setup,
			tk_teardown),
		cmocka_unit_test_setup_teardown(test_void_reply_note, setup,
			tk_teardown),
		cmocka_unit_test_setup_teardown(test_void_correction, setup,
			tk_teardown),
		cmocka_unit_test_setup_teardown(test_void_deposit, setup,
			tk_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
