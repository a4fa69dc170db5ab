/*
 * test_story.c - a scripted Focus 2004 campaign: letters sent, replies on
 * time, late and missing, a State writing again, intentions checked
 * against participation and signature rules, and the status at several
 * dates checked field by field.
 */
#include "testkit.h"
#include "workflows.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static chancery_date D(const char *s)
{
	chancery_date d;

	assert_int_equal(chancery_date_parse(&d, s), 0);
	return d;
}

/* The recorder on 2004-09-30T09:00:00Z, after every date the cases use. */
static const chancery_signature later = { "Test Recorder",
	"test@example.org", 1096534800, 0 };

static int setup(void **state)
{
	tk_fixture *f;
	chancery_campaign_options o = CHANCERY_CAMPAIGN_OPTIONS_INIT;
	chancery_letters_result r;

	tk_setup_sample(state);
	f = *state;
	o.id = "focus2004";
	o.title = "Focus 2004: Treaties on the Protection of Civilians";
	o.workflow = "treaty-event";
	o.featured = "focus2004";
	o.letter_date = D("2004-03-12");
	o.deadline = D("2004-09-01");
	o.event_start = D("2004-09-21");
	o.event_end = D("2004-09-24");
	assert_int_equal(chancery_campaign_open(f->repo, &o), 0);
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "focus2004", NULL), 0);
	/* what follows is recorded on 2004-09-30: no reply, dispatch or
	 * reminder is dated after the day it is recorded */
	assert_int_equal(chancery_repository_set_signature(f->repo, &later), 0);
	return 0;
}

static int reply(tk_fixture *f, const char *state, const char *received,
	const char *const *intends, const char *const *withdraws, int none)
{
	chancery_reply_options o = CHANCERY_REPLY_OPTIONS_INIT;
	chancery_campaign_intention in[8], out[8];

	for (; intends && intends[o.nintends]; o.nintends++)
		assert_int_equal(chancery_campaign_intention_parse(
			&in[o.nintends], intends[o.nintends]), 0);
	for (; withdraws && withdraws[o.nwithdraws]; o.nwithdraws++)
		assert_int_equal(chancery_campaign_intention_parse(
			&out[o.nwithdraws], withdraws[o.nwithdraws]), 0);
	o.state = state;
	o.received = D(received);
	o.intends = in;
	o.withdraws = out;
	o.none = none;
	return chancery_campaign_reply(NULL, f->repo, "focus2004", &o);
}

static json_t *status(tk_fixture *f, const char *as_of)
{
	chancery_date d = D(as_of);
	char *text = NULL;
	json_t *j;

	if (chancery_campaign_status(&text, f->repo, "focus2004", &d) < 0)
		fail_msg("status: %s", chancery_error_last()->message);
	j = json_loads(text, 0, NULL);
	chancery_free(text);
	assert_non_null(j);
	return j;
}

static json_t *state_of(json_t *st, const char *code)
{
	size_t i;
	json_t *s;

	json_array_foreach(json_object_get(st, "states"), i, s)
		if (!strcmp(json_string_value(json_object_get(s, "code")), code))
			return s;
	fail_msg("no %s", code);
	return NULL;
}

static const char *wstate(json_t *st, const char *code)
{
	return json_string_value(json_object_get(state_of(st, code), "workflow_state"));
}

static long long total(json_t *st, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(st, "totals"), key));
}

static void test_campaign_story(void **state)
{
	tk_fixture *f = *state;
	chancery_date sent = D("2004-03-15");
	size_t n;
	json_t *st;
	const char *lbr1[] = { "ratify:XVIII-10", "sign:IV-11-b", NULL };
	const char *lbr2[] = { "sign:IV-13", NULL };
	const char *lbr2w[] = { "sign:IV-11-b", NULL };
	const char *che[] = { "ratify:XVIII-12", NULL };
	const char *v5[] = { "accede:V-5", NULL };

	assert_int_equal(chancery_campaign_send(&n, f->repo, "focus2004", &sent, NULL), 0);
	assert_int_equal(n, 192);
	assert_int_equal(chancery_campaign_send(&n, f->repo, "focus2004", &sent, NULL),
		0);
	assert_int_equal(n, 0);   /* every letter sent already: no commit */
	/* on time, late, a second letter, no action */
	assert_int_equal(reply(f, "LBR", "2004-08-20", lbr1, NULL, 0), 0);
	assert_int_equal(reply(f, "CHE", "2004-09-10", che, NULL, 0), 0);
	if (reply(f, "LBR", "2004-08-25", lbr2, lbr2w, 0) < 0)
		fail_msg("%s", chancery_error_last()->message);
	if (reply(f, "DEU", "2004-07-01", NULL, NULL, 1) < 0)
		fail_msg("%s", chancery_error_last()->message);
	/* a treaty that takes no signature (V-5) is acceded to directly;
	 * a State already party to it cannot join again */
	assert_int_equal(reply(f, "AFG", "2004-07-02", v5, NULL, 0), 0);
	{
		const char *sign_v5[] = { "sign:V-5", NULL };

		assert_int_equal(reply(f, "AFG", "2004-07-03", sign_v5, NULL, 0),
			CHANCERY_EINVALID);
		assert_non_null(strstr(chancery_error_last()->message,
			"takes no signature"));
		assert_int_equal(reply(f, "USA", "2004-07-03", v5, NULL, 0),
			CHANCERY_EINVALID);
		assert_non_null(strstr(chancery_error_last()->message,
			"USA is already a party to V-5"));
	}

	st = status(f, "2004-03-14");
	assert_string_equal(wstate(st, "LBR"), "drafted");
	assert_true(json_is_null(json_object_get(state_of(st, "LBR"), "sent")));
	json_decref(st);

	st = status(f, "2004-08-24");
	assert_string_equal(wstate(st, "LBR"), "replied-on-time");
	assert_string_equal(wstate(st, "CHE"), "invited");
	assert_string_equal(wstate(st, "DEU"), "replied-on-time");
	assert_string_equal(json_string_value(json_object_get(state_of(st, "LBR"), "sent")),
		"2004-03-15");
	assert_int_equal(json_array_size(json_object_get(state_of(st, "LBR"), "intentions")), 2);
	assert_int_equal(total(st, "replied"), 3);
	json_decref(st);

	st = status(f, "2004-09-05");
	{
		json_t *lbr = state_of(st, "LBR"), *it = json_object_get(lbr, "intentions");

		/* the later letter added IV-13 and withdrew IV-11-b */
		assert_int_equal(json_array_size(it), 2);
		assert_string_equal(json_string_value(json_object_get(json_array_get(it, 0),
			"treaty")), "XVIII-10");
		assert_string_equal(json_string_value(json_object_get(json_array_get(it, 1),
			"treaty")), "IV-13");
		assert_int_equal(json_array_size(json_object_get(lbr, "replies")), 2);
		assert_true(json_is_true(json_object_get(json_object_get(lbr, "reply"), "on_time")));
	}
	assert_string_equal(wstate(st, "CHE"), "overdue");
	assert_string_equal(wstate(st, "FRA"), "overdue");
	assert_int_equal(total(st, "no_reply"), 189);
	json_decref(st);

	st = status(f, "2004-09-22");
	assert_string_equal(wstate(st, "CHE"), "replied-late");
	assert_false(json_is_true(json_object_get(json_object_get(state_of(st, "CHE"),
		"reply"), "on_time")));
	assert_int_equal(total(st, "late"), 1);
	assert_int_equal(total(st, "on_time"), 3);
	assert_int_equal(total(st, "sent"), 192);
	assert_string_equal(json_string_value(json_object_get(st, "as_of")), "2004-09-22");
	json_decref(st);

	st = status(f, "2004-10-01");
	/* announced, no deposit; never replied, no deposit; replied "none" */
	assert_string_equal(wstate(st, "LBR"), "announced-no-action");
	assert_string_equal(wstate(st, "FRA"), "no-reply-no-action");
	assert_string_equal(wstate(st, "DEU"), "no-action-as-announced");
	json_decref(st);
	assert_int_equal(tk_sh("cd %s && git fsck --strict >/dev/null 2>&1", f->dir), 0);
}

static void test_refused_replies(void **state)
{
	tk_fixture *f = *state;
	char before[41], after[41];
	static const struct { const char *state, *date, *intent, *want; } cases[] = {
		{ "LBR", "2004-08-20", "ratify:IV-13", "never signed IV-13" },
		{ "LBR", "2004-08-20", "sign:XVIII-12", "closed for signature on 2002-12-12" },
		{ "FRA", "2004-08-20", "sign:IV-4", "already a party" },
		{ "LBR", "2004-08-20", "accede:IV-4", "has signed it; ratify it instead" },
		{ "LBR", "2004-08-20", "sign:XVIII-13", NULL }, /* open until 2004-06-30 */
		{ "LBR", "2004-08-20", "enjoy:IV-4", "the action is sign, ratify" },
		{ "LBR", "2004-08-20", "ratify:IV-99", "unknown treaty 'IV-99'" },
		{ "LBR", "2004-03-01", "ratify:IV-4", "before the letter date" },
		{ "QQQ", "2004-08-20", "ratify:IV-4", "unknown State 'QQQ'" },
	};

	chancery_repository_head(before, f->repo);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *in[] = { cases[i].intent, NULL };
		const char *want = cases[i].want ? cases[i].want :
			"closed for signature on 2004-06-30";

		assert_int_equal(reply(f, cases[i].state, cases[i].date, in, NULL, 0),
			CHANCERY_EINVALID);
		if (!strstr(chancery_error_last()->message, want))
			fail_msg("case %zu: '%s' lacks '%s'", i,
				chancery_error_last()->message, want);
	}
	{
		const char *w[] = { "sign:IV-9", NULL };

		assert_int_equal(reply(f, "LBR", "2004-08-20", NULL, w, 0), CHANCERY_EINVALID);
		assert_non_null(strstr(chancery_error_last()->message, "never announced"));
		assert_int_equal(reply(f, "LBR", "2004-08-20", NULL, NULL, 0), CHANCERY_EINVALID);
	}
	{
		chancery_reply_options o = CHANCERY_REPLY_OPTIONS_INIT;

		o.state = "LBR";
		o.received = D("2004-08-20");
		o.none = 1;
		assert_int_equal(chancery_campaign_reply(NULL, f->repo, "nope", &o),
			CHANCERY_ENOTFOUND);
	}
	chancery_repository_head(after, f->repo);
	assert_string_equal(before, after);
}

static void test_reminders(void **state)
{
	tk_fixture *f = *state;
	chancery_date sent = D("2004-03-15"), d;
	size_t rem = 0, ack = 0;
	const char *lbr[] = { "ratify:XVIII-10", NULL };
	json_t *st;
	char head[41], head2[41];
	char *out;

	assert_int_equal(chancery_campaign_send(NULL, f->repo, "focus2004", &sent, NULL), 0);
	assert_int_equal(reply(f, "LBR", "2004-08-10", lbr, NULL, 0), 0);
	/* too early: reminders start 14 days before the deadline */
	d = D("2004-08-17");
	assert_int_equal(chancery_campaign_remind(&rem, &ack, f->repo, "focus2004", &d),
		0);   /* the acknowledgment of LBR's reply is due */
	assert_int_equal(rem, 0);
	assert_int_equal(ack, 1);
	d = D("2004-08-18");
	assert_int_equal(chancery_campaign_remind(&rem, &ack, f->repo, "focus2004", &d), 0);
	assert_int_equal(rem, 191);   /* everyone but LBR */
	assert_int_equal(ack, 0);     /* acknowledged already */
	chancery_repository_head(head, f->repo);
	assert_int_equal(chancery_campaign_remind(&rem, &ack, f->repo, "focus2004", &d),
		0);
	assert_int_equal(rem, 0);   /* nothing due: no commit */
	assert_int_equal(ack, 0);
	chancery_repository_head(head2, f->repo);
	assert_string_equal(head, head2);
	st = status(f, "2004-08-20");
	assert_string_equal(wstate(st, "FRA"), "reminded");
	assert_string_equal(wstate(st, "LBR"), "replied-on-time");
	assert_int_equal(json_array_size(json_object_get(state_of(st, "FRA"), "reminders")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(
		state_of(st, "FRA"), "reminders"), 0)), "2004-08-18");
	assert_int_equal(total(st, "reminded"), 191);
	json_decref(st);
	/* the reminder is in French, the acknowledgment lists the intention */
	out = tk_sh_out("cd %s && unzip -p campaigns/focus2004/reminders/FRA-2004-08-18.odt content.xml | "
		"grep -o 'ma lettre du 12 mars 2004'; unzip -p campaigns/focus2004/acknowledgments/LBR-2004-08-10.odt "
		"content.xml | grep -o 'Rome Statute of the International Criminal Court'", f->dir);
	assert_non_null(strstr(out, "ma lettre du 12 mars 2004"));
	assert_non_null(strstr(out, "Rome Statute of the International Criminal Court"));
	free(out);
	assert_int_equal(tk_sh("cd %s && git fsck --strict >/dev/null 2>&1", f->dir), 0);
}

/* One treaty action, as the depositary records it (an instrument for
 * anything but a signature). */
static void deposit(tk_fixture *f, const char *state, const char *treaty,
	const char *action, const char *date, const char *named)
{
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
	chancery_deposit_result r;
	char path[600];

	snprintf(path, sizeof(path), "%s/inst.pdf", f->dir);
	tk_write(path, "%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n");
	o.state = state;
	o.treaty = treaty;
	o.action = action;
	o.date = D(date);
	o.campaign = named;
	if (!strcmp(action, "signature"))
		o.signed_by = CHANCERY_SIGNER_FOREIGN_MINISTER;
	else {
		o.instrument = path;
		o.signed_by = CHANCERY_SIGNER_HEAD_OF_STATE;
	}
	if (chancery_archive_deposit(&r, f->repo, &o) < 0)
		fail_msg("deposit %s %s %s: %s", state, treaty, action,
			chancery_error_last()->message);
}

/* After the event every State is in a final state that says what it did
 * against what it announced: the USA replied "none" and then signed IV-13,
 * Mexico never replied and ratified the Rome Statute (issue 13, finding
 * 3), and one State for each other outcome. */
static void test_outcomes(void **state)
{
	tk_fixture *f = *state;
	chancery_date sent = D("2004-03-15");
	chancery_signature late = { "Treaty Section", "desk@example.org",
		1262304000, 0 };   /* 2010-01-01: every date below is past */
	chancery_workflow *w = NULL;
	static const struct { const char *code, *want; } cases[] = {
		{ "USA", "acted-after-none" },
		{ "MEX", "acted-without-reply" },
		{ "BRA", "acted-without-reply" },   /* before the event */
		{ "LBR", "acted-in-part" },
		{ "AFG", "acted-in-full" },
		{ "GAB", "acted-otherwise" },
		{ "CHE", "announced-no-action" },
		{ "DEU", "no-action-as-announced" }, /* acted only in 2005 */
		{ "FRA", "no-reply-no-action" },
	};
	const char *lbr[] = { "ratify:XVIII-10", "sign:IV-13", NULL };
	const char *afg[] = { "accede:V-5", NULL };
	const char *gab[] = { "sign:IV-13", NULL };
	const char *che[] = { "ratify:XVIII-12", NULL };
	const char *asof[] = { "2004-10-01", "2010-01-01" };
	json_t *st, *s;
	size_t i;

	assert_int_equal(chancery_repository_set_signature(f->repo, &late), 0);
	assert_int_equal(chancery_campaign_send(NULL, f->repo, "focus2004", &sent,
		NULL), 0);
	assert_int_equal(reply(f, "USA", "2004-08-20", NULL, NULL, 1), 0);
	assert_int_equal(reply(f, "DEU", "2004-08-20", NULL, NULL, 1), 0);
	assert_int_equal(reply(f, "LBR", "2004-08-20", lbr, NULL, 0), 0);
	assert_int_equal(reply(f, "AFG", "2004-08-20", afg, NULL, 0), 0);
	assert_int_equal(reply(f, "GAB", "2004-08-20", gab, NULL, 0), 0);
	assert_int_equal(reply(f, "CHE", "2004-08-20", che, NULL, 0), 0);
	assert_int_equal(reply(f, "NER", "2004-08-20", gab, NULL, 0), 0);
	deposit(f, "BRA", "IV-13", "signature", "2004-06-01", NULL);
	deposit(f, "LBR", "XVIII-10", "ratification", "2004-09-22", "focus2004");
	deposit(f, "AFG", "V-5", "accession", "2004-09-22", "focus2004");
	deposit(f, "GAB", "IV-11-b", "ratification", "2004-09-22", NULL);
	deposit(f, "USA", "IV-13", "signature", "2004-09-23", "focus2004");
	deposit(f, "MEX", "XVIII-10", "ratification", "2004-09-23", NULL);
	deposit(f, "DEU", "IV-13", "signature", "2005-03-01", NULL);
	/* after the event, but recorded for the campaign: it counts */
	deposit(f, "NER", "IV-13", "signature", "2005-02-01", "focus2004");

	st = status(f, "2004-09-23");
	assert_string_equal(wstate(st, "USA"), "acting");
	assert_string_equal(wstate(st, "MEX"), "overdue");
	json_decref(st);
	assert_int_equal(chancery_workflow_open(&w, "treaty-event", NULL, NULL), 0);
	for (int k = 0; k < 2; k++) {
		st = status(f, asof[k]);
		for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
			if (strcmp(wstate(st, cases[i].code), cases[i].want))
				fail_msg("%s as of %s: %s, want %s", cases[i].code,
					asof[k], wstate(st, cases[i].code),
					cases[i].want);
		/* no State is left in a state that is not final */
		json_array_foreach(json_object_get(st, "states"), i, s) {
			const char *sn = json_string_value(json_object_get(s,
				"workflow_state"));
			bool final = false;

			for (size_t n = 0; n < chancery_workflow_state_count(w); n++)
				if (!strcmp(chancery_workflow_state(w, n), sn))
					final = chancery_workflow_state_is_final(w, n);
			if (!final)
				fail_msg("%s as of %s: '%s' is not final",
					json_string_value(json_object_get(s, "code")),
					asof[k], sn);
		}
		assert_string_equal(wstate(st, "NER"), k ? "acted-in-full" :
			"announced-no-action");
		json_decref(st);
	}
	chancery_workflow_free(w);
}

/* Replies recorded by several processes at once: every commit that lost a
 * race is built again, and its fields describe the published commit only
 * (one Late each, never duplicated from an earlier attempt). */
static void test_concurrent_replies(void **state)
{
	tk_fixture *f = *state;
	static const char *codes[] = { "LBR", "FRA", "CHE", "DEU", "ARG", "BRA" };
	pid_t pids[6];
	char *out;

	for (int i = 0; i < 6; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			chancery_repository *repo = NULL;
			chancery_reply_options o = CHANCERY_REPLY_OPTIONS_INIT;
			int bad = 0;

			chancery_init();
			if (chancery_repository_open(&repo, f->dir) < 0)
				_exit(10);
			chancery_repository_set_signature(repo, &later);
			o.state = codes[i];
			o.none = 1;
			for (int k = 0; k < 4; k++) {
				char d[24];

				snprintf(d, sizeof(d), "2004-08-%02d", 10 + k);
				chancery_date_parse(&o.received, d);
				if (chancery_campaign_reply(NULL, repo, "focus2004", &o) < 0)
					bad++;
			}
			chancery_repository_free(repo);
			_exit(bad);
		}
	}
	for (int i = 0; i < 6; i++) {
		int st;

		assert_int_equal(waitpid(pids[i], &st, 0), pids[i]);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	out = tk_sh_out("cd %s && git log --format='%%(trailers:key=Chancery-Late,valueonly,separator=%%x2C)' "
		"--grep='^reply ' | sort | uniq -c", f->dir);
	assert_string_equal(out, "     24 no\n");
	free(out);
}

/* Story `a` and `b` tell the same events in the same order. */
static void same_story(const story *a, const story *b)
{
	assert_string_equal(a->code, b->code);
	assert_int_equal(a->nev, b->nev);
	for (size_t k = 0; k < a->nev; k++) {
		const story_event *x = &a->ev[k], *y = &b->ev[k];

		assert_int_equal(x->kind, y->kind);
		assert_int_equal(chancery_date_cmp(&x->date, &y->date), 0);
		assert_int_equal(x->acknowledged, y->acknowledged);
		assert_int_equal(x->late, y->late);
		assert_int_equal(x->none, y->none);
		assert_int_equal(x->counts, y->counts);
		assert_true(x->act == y->act);
		assert_int_equal(x->nintends, y->nintends);
		for (size_t i = 0; i < x->nintends; i++)
			assert_string_equal(x->intends[i], y->intends[i]);
		assert_int_equal(x->nwithdraws, y->nwithdraws);
		for (size_t i = 0; i < x->nwithdraws; i++)
			assert_string_equal(x->withdraws[i], y->withdraws[i]);
	}
}

/* Every recipient's story alone (a reply's check reads only its State's
 * events) is its story among all, from the index and by replay; one that
 * is not a recipient has none. Returns the events of LBR's story; *acks
 * the replies acknowledged in all the stories alone. */
static size_t one_story_each(tk_fixture *f, size_t *acks)
{
	context x;
	story_ctx all, one;
	size_t lbr = 0;

	*acks = 0;

	assert_int_equal(wf_context_load(&x, f->repo, NULL, "focus2004"), 0);
	assert_int_equal(wf_stories_load(&all, f->repo, &x, NULL, NULL), 0);
	assert_int_equal(all.ns, 192);
	for (size_t i = 0; i < all.ns; i++) {
		assert_int_equal(wf_stories_load(&one, f->repo, &x, NULL,
			all.s[i].code), 0);
		assert_int_equal(one.ns, 1);
		same_story(&all.s[i], &one.s[0]);
		for (size_t k = 0; k < one.s[0].nev; k++)
			*acks += one.s[0].ev[k].acknowledged;
		if (!strcmp(all.s[i].code, "LBR"))
			lbr = one.s[0].nev;
		wf_stories_free(&one);
	}
	assert_int_equal(wf_stories_load(&one, f->repo, &x, NULL, "ZZZ"), 0);
	assert_int_equal(one.ns, 0);
	assert_null(wf_story_of(&one, "ZZZ"));
	wf_stories_free(&one);
	wf_stories_free(&all);
	wf_context_free(&x);
	return lbr;
}

static void test_one_story(void **state)
{
	tk_fixture *f = *state;
	chancery_reply_options o = CHANCERY_REPLY_OPTIONS_INIT;
	chancery_void_options vo = CHANCERY_VOID_OPTIONS_INIT;
	chancery_void_result vr;
	chancery_date sent = D("2004-03-15"), d = D("2004-08-18");
	const char *lbr[] = { "ratify:XVIII-10", "sign:IV-11-b", NULL };
	const char *lbr2[] = { "sign:IV-13", NULL };
	const char *lbr2w[] = { "sign:IV-11-b", NULL };
	const char *che[] = { "ratify:XVIII-12", NULL };
	char che_id[40], deu_id[40];
	size_t rem = 0, ack = 0, acks = 0;

	assert_int_equal(chancery_campaign_send(NULL, f->repo, "focus2004",
		&sent, NULL), 0);
	assert_int_equal(reply(f, "LBR", "2004-08-10", lbr, NULL, 0), 0);
	assert_int_equal(reply(f, "CHE", "2004-08-11", che, NULL, 0), 0);
	tk_newest(che_id, f->repo, "reply");
	assert_int_equal(reply(f, "DEU", "2004-08-12", NULL, NULL, 1), 0);
	tk_newest(deu_id, f->repo, "reply");
	/* acknowledgments of the three, reminders to the others */
	assert_int_equal(chancery_campaign_remind(&rem, &ack, f->repo,
		"focus2004", &d), 0);
	assert_int_equal(ack, 3);
	/* a second letter of LBR's, withdrawing; CHE's corrected, DEU's
	 * voided; a deposit naming the campaign; a note on LBR */
	assert_int_equal(reply(f, "LBR", "2004-08-25", lbr2, lbr2w, 0), 0);
	o.state = "CHE";
	o.received = D("2004-08-11");
	o.none = 1;
	o.corrects = che_id;
	o.reason = "misread";
	assert_int_equal(chancery_campaign_reply(NULL, f->repo, "focus2004",
		&o), 0);
	vo.reason = "filed under the wrong State";
	assert_int_equal(chancery_archive_void(&vr, f->repo, deu_id, &vo), 0);
	deposit(f, "LBR", "XVIII-10", "ratification", "2004-09-22",
		"focus2004");
	assert_int_equal(tk_note(f->repo, "LBR", "a call"), 0);
	/* LBR: letters, dispatch, two replies (the first acknowledged), the
	 * deposit; CHE's reply acknowledged was corrected after, DEU's
	 * voided */
	assert_int_equal(one_story_each(f, &acks), 5);
	assert_int_equal(acks, 1);
	assert_int_equal(tk_sh("cd %s && git config chancery.index false",
		f->dir), 0);
	chancery_repository_free(f->repo);
	f->repo = tk_open(f->dir);
	assert_int_equal(chancery_repository_set_signature(f->repo, &later), 0);
	assert_int_equal(one_story_each(f, &acks), 5);
	assert_int_equal(acks, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_campaign_story, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_refused_replies, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_reminders, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_replies, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_outcomes, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_one_story, setup, tk_teardown),
	};

	chancery_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
