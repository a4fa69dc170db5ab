/*
 * test_archive.c - deposits through the library: the archive entry's
 * format (archive/entry.c), entry into force by each rule, what a deposit
 * writes (record, instrument, archive entry, the notification's text),
 * every refusal with nothing written (impossible dates among them),
 * numbering per year, six depositor processes at once numbering without
 * gaps, and verify on a clean and on an altered repository.
 */
#include "testkit.h"
#include "../../archive/entry.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char pdf[] = "%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n";

static chancery_date day(const char *s)
{
	chancery_date d;

	assert_int_equal(chancery_date_parse(&d, s), 0);
	return d;
}

/* Pin the clock at the end of 2004, so the event's dates are the past. */
static void late_2004(chancery_repository *repo, const char *who)
{
	chancery_signature sig = { who, "desk@example.org", 1104494400, 0 };

	assert_int_equal(chancery_repository_set_signature(repo, &sig), 0);
}

static char *write_pdf(const char *dir)
{
	char *p = malloc(strlen(dir) + 16);

	sprintf(p, "%s/inst.pdf", dir);
	tk_write(p, pdf);
	return p;
}

static void eif(const chancery_registry *reg, const char *treaty,
	const char *deposit, const char *want)
{
	const chancery_treaty *t = chancery_registry_treaty_find(reg, treaty);
	chancery_date d = day(deposit), out;
	char got[11];

	assert_non_null(t);
	assert_int_equal(chancery_registry_entry_into_force(&out, t, &d), 0);
	chancery_date_format(got, sizeof(got), &out);
	if (strcmp(got, want))
		fail_msg("%s deposited %s: in force %s, want %s", treaty, deposit,
			got, want);
}

static void test_entry_into_force(void **state)
{
	tk_fixture *f = *state;
	chancery_registry *reg = NULL;
	chancery_date d = day("2004-09-22"), out;

	assert_int_equal(chancery_registry_load(&reg, f->repo), 0);
	eif(reg, "IV-4", "2004-09-22", "2004-12-22");      /* 3 months */
	eif(reg, "IV-4", "2004-11-30", "2005-02-28");      /* a short month */
	eif(reg, "XVIII-10", "2004-09-22", "2004-12-01");  /* 1st after 60 days */
	eif(reg, "XVIII-10", "2004-10-02", "2005-01-01");  /* day 60 is 1 Dec */
	eif(reg, "IV-11", "2004-09-22", "2004-10-22");     /* 30 days */
	eif(reg, "IV-11-b", "2004-01-31", "2004-02-29");   /* 1 month, leap */
	eif(reg, "IV-13", "2004-09-22", "2005-01-01");     /* 1st after 3 months */
	eif(reg, "V-5", "2004-09-22", "2004-09-22");       /* on deposit */
	/* before the treaty itself is in force: its own date */
	eif(reg, "XVIII-12-c", "2004-09-22", "2005-07-03");
	eif(reg, "IV-13", "2004-12-15", "2005-04-01");     /* over a year's end */
	eif(reg, "XVIII-10", "2004-12-31", "2005-04-01");  /* day 60 is 1 March */
	/* a treaty without a rule */
	assert_int_equal(chancery_registry_entry_into_force(&out,
		chancery_registry_treaty_find(reg, "I-1"), &d), CHANCERY_ENOTFOUND);
	/* past the calendar's last year (2999): refused, not year 3000 */
	d = day("2999-11-30");
	assert_int_equal(chancery_registry_entry_into_force(&out,
		chancery_registry_treaty_find(reg, "IV-4"), &d), CHANCERY_EINVALID);
	chancery_registry_free(reg);
}

/* The deposit's event names the files it wrote, the record and the
 * notification among them, in path order. */
static void paths_hold(const chancery_event *ev,
	const chancery_deposit_result *r)
{
	size_t n = chancery_event_path_count(ev);
	bool entry = false, note = false;

	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++) {
		const char *p = chancery_event_path(ev, i);

		entry |= !strcmp(p, r->archive_path);
		note |= !strcmp(p, r->notification_path);
		if (i)
			assert_true(strcmp(chancery_event_path(ev, i - 1), p) < 0);
	}
	assert_true(entry);
	assert_true(note);
}

static void test_deposit_records(void **state)
{
	tk_fixture *f = *state;
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
	chancery_deposit_result r;
	chancery_registry *reg = NULL;
	chancery_event *ev = NULL;
	chancery_date d22 = day("2004-09-22"), d21 = day("2004-09-21");
	char *inst = write_pdf(f->dir), *data = NULL, *content, sha[65];
	size_t size = 0;

	late_2004(f->repo, "Treaty Section");
	o.state = "LBR";
	o.treaty = "XVIII-10";
	o.action = "ratification";
	o.date = d22;
	o.instrument = inst;
	o.signed_by = CHANCERY_SIGNER_HEAD_OF_STATE;
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o), 0);
	assert_string_equal(r.notification, "C.N.1.2004.TREATIES-XVIII.10");
	assert_string_equal(r.notification_path, "notifications/2004/0001.odt");
	assert_string_equal(r.archive_path,
		"archive/LBR/XVIII-10/2004-09-22-ratification.txt");
	assert_true(r.has_entry_into_force);
	assert_int_equal(chancery_date_cmp(&r.entry_into_force,
		&(chancery_date){ 2004, 12, 1 }), 0);
	assert_string_equal(r.media_type, "application/pdf");
	assert_int_equal(r.size, sizeof(pdf) - 1);
	tk_sh("sha256sum '%s' > /dev/null", inst);
	{
		char *want = tk_sh_out("sha256sum '%s' | cut -c1-64", inst);

		snprintf(sha, sizeof(sha), "%.64s", want);
		free(want);
	}
	assert_string_equal(r.sha256, sha);

	/* participation sees it at once: a party from that day, not before */
	assert_int_equal(chancery_registry_load(&reg, f->repo), 0);
	assert_int_equal(chancery_registry_status(reg, "LBR", "XVIII-10", &d22),
		CHANCERY_STATUS_PARTY);
	assert_int_equal(chancery_registry_status(reg, "LBR", "XVIII-10", &d21),
		CHANCERY_STATUS_SIGNATORY);
	chancery_registry_free(reg);

	/* the record, with its fixity and who recorded it */
	assert_int_equal(chancery_event_lookup(&ev, f->repo, r.id), 0);
	assert_string_equal(chancery_event_type(ev), "deposit");
	assert_string_equal(chancery_event_get(ev, "Action"), "ratification");
	assert_string_equal(chancery_event_get(ev, "Signed-By"), "head-of-state");
	assert_string_equal(chancery_event_get(ev, "Entry-Into-Force"), "2004-12-01");
	assert_string_equal(chancery_event_get(ev, "Media-Type"), "application/pdf");
	assert_non_null(strstr(chancery_event_get(ev, "Attachment"), sha));
	assert_non_null(strstr(chancery_event_author(ev), "Treaty Section"));
	paths_hold(ev, &r);
	chancery_event_free(ev);
	/* the event's paths read only the folders the deposit changed: with
	 * registry/ (which it leaves as it was) unreadable, a new handle
	 * still finds them (libgit2's diff read every folder) */
	{
		chancery_repository *again;
		char *hex = tk_sh_out("git -C '%s' rev-parse HEAD:registry",
			f->dir);

		assert_non_null(hex);
		hex[strcspn(hex, "\n")] = '\0';
		tk_damage(f->dir, hex);
		free(hex);
		again = tk_open(f->dir);
		assert_int_equal(chancery_event_lookup(&ev, again, r.id), 0);
		paths_hold(ev, &r);
		chancery_event_free(ev);
		chancery_repository_free(again);
	}

	/* the instrument is kept byte for byte */
	assert_int_equal(chancery_repository_read(&data, &size, f->repo,
		r.instrument_path), 0);
	assert_int_equal(size, sizeof(pdf) - 1);
	assert_memory_equal(data, pdf, size);
	chancery_free(data);

	/* the notification says what happened */
	assert_int_equal(chancery_repository_read(&data, &size, f->repo,
		r.notification_path), 0);
	content = tk_odt_entry(data, size, "content.xml");
	assert_non_null(strstr(content, "C.N.1.2004.TREATIES-XVIII.10"));
	assert_non_null(strstr(content, "LIBERIA: RATIFICATION"));
	assert_non_null(strstr(content, "22 September 2004"));
	assert_non_null(strstr(content, "will enter into force for Liberia on 1 December 2004"));
	assert_non_null(strstr(content, "Rome Statute"));
	free(content);
	chancery_free(data);

	/* a signature: no instrument needed, no entry into force */
	o.treaty = "IV-13";
	o.action = "signature";
	o.instrument = NULL;
	o.signed_by = CHANCERY_SIGNER_FULL_POWERS;
	o.full_powers = "LBR/FP/17";
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o), 0);
	assert_string_equal(r.notification, "C.N.2.2004.TREATIES-IV.13");
	/* the record says who signed as records always have */
	assert_int_equal(chancery_event_lookup(&ev, f->repo, r.id), 0);
	assert_string_equal(chancery_event_get(ev, "Signed-By"),
		"full-powers:LBR/FP/17");
	chancery_event_free(ev);
	ev = NULL;
	assert_false(r.has_entry_into_force);
	assert_string_equal(r.instrument_path, "");
	/* and ratified the same afternoon */
	o.action = "ratification";
	o.instrument = inst;
	o.signed_by = CHANCERY_SIGNER_FOREIGN_MINISTER;
	o.full_powers = NULL;
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o), 0);
	assert_string_equal(r.notification, "C.N.3.2004.TREATIES-IV.13");
	assert_int_equal(chancery_event_lookup(&ev, f->repo, r.id), 0);
	assert_string_equal(chancery_event_get(ev, "Signed-By"),
		"foreign-minister");
	chancery_event_free(ev);
	free(inst);
}

/* The signer as records and the tool write it, read back typed. */
static void test_signer_parse(void **state)
{
	static const struct {
		const char *text;
		int error;
		chancery_signer want;
		const char *ref;
	} cases[] = {
		{ "head-of-state", 0, CHANCERY_SIGNER_HEAD_OF_STATE, NULL },
		{ "head-of-government", 0, CHANCERY_SIGNER_HEAD_OF_GOVERNMENT, NULL },
		{ "foreign-minister", 0, CHANCERY_SIGNER_FOREIGN_MINISTER, NULL },
		{ "full-powers:LBR/FP/17", 0, CHANCERY_SIGNER_FULL_POWERS, "LBR/FP/17" },
		{ "full-powers:", 0, CHANCERY_SIGNER_FULL_POWERS, "" },
		{ "ambassador", CHANCERY_EINVALID, 0, NULL },
		{ "Head-of-State", CHANCERY_EINVALID, 0, NULL },
		{ "full-powers", CHANCERY_EINVALID, 0, NULL },
		{ "", CHANCERY_EINVALID, 0, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		chancery_signer got = CHANCERY_SIGNER_NONE;
		const char *ref = "unset";
		int error = chancery_archive_signer_parse(&got, &ref,
			cases[i].text);

		assert_int_equal(error, cases[i].error);
		if (error) {
			assert_non_null(strstr(chancery_error_last()->message,
				"is not a capacity"));
			continue;
		}
		assert_int_equal(got, cases[i].want);
		if (cases[i].ref)
			assert_string_equal(ref, cases[i].ref);
		else
			assert_null(ref);
	}
}

typedef struct {
	const char *state, *treaty, *action, *date, *instrument, *by, *campaign;
	int code;
	const char *message;
} refusal;

static void test_deposit_refusals(void **state)
{
	tk_fixture *f = *state;
	char *inst = write_pdf(f->dir), empty[600], cut[600], text[600],
		none[600], head0[41], head1[41];
	const refusal cases[] = {
		{ "FRA", "IV-4", "ratification", "2004-09-22", inst, NULL, NULL,
		  CHANCERY_EINVALID, "FRA is already a party to IV-4" },
		{ "LBR", "IV-13", "ratification", "2004-09-22", inst, NULL, NULL,
		  CHANCERY_EINVALID, "LBR never signed IV-13" },
		{ "LBR", "XVIII-10", "accession", "2004-09-22", inst, NULL, NULL,
		  CHANCERY_EINVALID, "has signed it; ratify it instead" },
		{ "MMR", "XVIII-10", "signature", "2004-09-22", NULL,
		  "head-of-state", NULL, CHANCERY_EINVALID,
		  "closed for signature on 2000-12-31" },
		{ "LBR", "IV-13", "signature", "2004-09-22", NULL, NULL, NULL,
		  CHANCERY_EINVALID, "a signature needs its signer" },
		{ "LBR", "IV-13", "signature", "2004-09-22", NULL, "full-powers:",
		  NULL, CHANCERY_EINVALID, "needs the reference of the full powers" },
		{ "LBR", "IV-13", "signature", "2004-09-22", NULL, "ambassador",
		  NULL, CHANCERY_EINVALID, "'ambassador' is not a capacity" },
		{ "LBR", "XVIII-10", "ratification", "2004-09-22", inst,
		  "full-powers:X", NULL, CHANCERY_EINVALID,
		  "full powers are for signatures" },
		{ "LBR", "XVIII-10", "ratification", "2004-09-22", NULL, NULL,
		  NULL, CHANCERY_EINVALID, "needs its file" },
		{ "LBR", "XVIII-10", "ratification", "2004-09-22", none, NULL,
		  NULL, CHANCERY_ENOTFOUND, "no such file" },
		{ "LBR", "XVIII-10", "ratification", "2004-09-22", empty, NULL,
		  NULL, CHANCERY_EINVALID, "is empty" },
		{ "LBR", "XVIII-10", "ratification", "2004-09-22", cut, NULL,
		  NULL, CHANCERY_EINVALID, "cut short" },
		{ "LBR", "XVIII-10", "ratification", "2004-09-22", text, NULL,
		  NULL, CHANCERY_EINVALID, "is not a PDF, PNG, JPEG, TIFF or ODT" },
		{ "LBR", "XVIII-10", "ratification", "2005-01-02", inst, NULL,
		  NULL, CHANCERY_EINVALID, "is in the future" },
		{ "LBR", "IV-13", "signature", "1990-01-01", NULL,
		  "head-of-state", NULL, CHANCERY_EINVALID, "was adopted on" },
		{ "LBR", "XVIII-10", "adhesion", "2004-09-22", inst, NULL, NULL,
		  CHANCERY_EINVALID, "is not an action" },
		{ "XXX", "XVIII-10", "accession", "2004-09-22", inst, NULL, NULL,
		  CHANCERY_ENOTFOUND, "unknown State 'XXX'" },
		{ "LBR", "XVIII-99", "accession", "2004-09-22", inst, NULL, NULL,
		  CHANCERY_ENOTFOUND, "unknown treaty 'XVIII-99'" },
		{ "LBR", "../x", "accession", "2004-09-22", inst, NULL, NULL,
		  CHANCERY_EINVALID, "is not a treaty reference" },
		{ "LBR", "XVIII-10", "ratification", "2004-09-22", inst, NULL,
		  "nope", CHANCERY_ENOTFOUND, "no campaign 'nope'" },
	};

	snprintf(empty, sizeof(empty), "%s/empty.pdf", f->dir);
	snprintf(cut, sizeof(cut), "%s/cut.pdf", f->dir);
	snprintf(text, sizeof(text), "%s/text.txt", f->dir);
	snprintf(none, sizeof(none), "%s/none.pdf", f->dir);
	tk_write(empty, "");
	tk_write(cut, "%PDF-1.4\n1 0 obj");
	tk_write(text, "a note\n");
	late_2004(f->repo, "Treaty Section");
	assert_int_equal(chancery_repository_head(head0, f->repo), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const refusal *c = &cases[i];
		chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
		int error;

		o.state = c->state;
		o.treaty = c->treaty;
		o.action = c->action;
		o.date = day(c->date);
		o.instrument = c->instrument;
		o.campaign = c->campaign;
		/* a signer as the tool's --signed-by gives it */
		error = c->by ? chancery_archive_signer_parse(&o.signed_by,
			&o.full_powers, c->by) : 0;
		if (!error)
			error = chancery_archive_deposit(NULL, f->repo, &o);
		if (error != c->code ||
		    !strstr(chancery_error_last()->message, c->message))
			fail_msg("case %zu: got %d '%s', want %d '%s'", i, error,
				chancery_error_last() ? chancery_error_last()->message :
				"", c->code, c->message);
		assert_null(strchr(chancery_error_last()->message, '\n'));
	}
	{
		/* a signer that is none of the enum's */
		chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;

		o.state = "LBR";
		o.treaty = "IV-13";
		o.action = "signature";
		o.date = day("2004-09-22");
		o.signed_by = (chancery_signer)42;
		assert_int_equal(chancery_archive_deposit(NULL, f->repo, &o),
			CHANCERY_EINVALID);
		assert_non_null(strstr(chancery_error_last()->message,
			"signed_by 42 is not a chancery_signer"));
	}
	assert_int_equal(chancery_repository_head(head1, f->repo), 0);
	assert_string_equal(head0, head1);
	assert_int_equal(tk_count_events(f->repo, "deposit"), 0);
	free(inst);
}

/*
 * Dates that are no day of the calendar, or outside 1800..2999, are
 * refused before anything is read or written: no commit, no event, no
 * archive entry or notification in the working tree (the date check is
 * strict since the one date module, engine/date.c).
 */
static void test_deposit_impossible_date(void **state)
{
	tk_fixture *f = *state;
	char *inst = write_pdf(f->dir), head0[41], head1[41], *path;
	const chancery_date dates[] = { { 2004, 2, 30 }, { 2004, 4, 31 },
		{ 2003, 2, 29 }, { 2004, 13, 1 }, { 2004, 0, 10 },
		{ 1799, 12, 31 }, { 3000, 1, 1 } };

	late_2004(f->repo, "Treaty Section");
	assert_int_equal(chancery_repository_head(head0, f->repo), 0);
	for (size_t i = 0; i < sizeof(dates) / sizeof(*dates); i++) {
		chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
		chancery_deposit_result r;

		o.state = "LBR";
		o.treaty = "XVIII-10";
		o.action = "ratification";
		o.date = dates[i];
		o.instrument = inst;
		if (chancery_archive_deposit(&r, f->repo, &o) != CHANCERY_EINVALID)
			fail_msg("%d-%d-%d was not refused", dates[i].year,
				dates[i].month, dates[i].day);
		assert_non_null(strstr(chancery_error_last()->message,
			"invalid date"));
		assert_string_equal(r.id, "");
		assert_string_equal(r.notification, "");
	}
	assert_int_equal(chancery_repository_head(head1, f->repo), 0);
	assert_string_equal(head0, head1);
	assert_int_equal(tk_count_events(f->repo, "deposit"), 0);
	path = tk_sh_out("ls '%s/archive' '%s/notifications' 2>/dev/null",
		f->dir, f->dir);
	assert_string_equal(path, "");
	free(path);
	/* the same deposit on a real day goes through */
	{
		chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;

		o.state = "LBR";
		o.treaty = "XVIII-10";
		o.action = "ratification";
		o.date = (chancery_date){ 2004, 2, 29 };
		o.instrument = inst;
		assert_int_equal(chancery_archive_deposit(NULL, f->repo, &o), 0);
		assert_int_equal(tk_count_events(f->repo, "deposit"), 1);
	}
	free(inst);
}

/* Issue 13 finding 9: the reference read the suffix as the chapter
 * (C.N.1.2004.TREATIES-18); the UNTC writes chapter and number
 * (TREATIES-XVIII.10), and the form is the repository's setting
 * chancery.notificationReference, checked before anything is written. */
static void test_reference_setting(void **state)
{
	tk_fixture *f = *state;
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
	chancery_deposit_result r;
	chancery_verify_options vo = CHANCERY_VERIFY_OPTIONS_INIT;
	chancery_verify_result vr;
	char *inst = write_pdf(f->dir);

	late_2004(f->repo, "Treaty Section");
	o.state = "TUV";
	o.treaty = "XVIII-12-a";
	o.action = "accession";
	o.date = day("2004-09-22");
	o.instrument = inst;
	/* unset: the UNTC's current form, a protocol's letter after a dot */
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o), 0);
	assert_string_equal(r.notification, "C.N.1.2004.TREATIES-XVIII.12.a");
	/* an unknown placeholder: refused, naming it, nothing written */
	assert_int_equal(tk_sh("git -C '%s' config chancery.notificationReference"
		" 'C.N.{n}.{yr}.TREATIES-{chapter}'", f->dir), 0);
	o.state = "LBR";
	o.treaty = "XVIII-10";
	o.action = "ratification";
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"chancery.notificationReference"));
	assert_non_null(strstr(chancery_error_last()->message,
		"unknown placeholder '{yr}'"));
	assert_int_equal(tk_count_events(f->repo, "deposit"), 1);
	/* no {n}: two notifications would share it */
	assert_int_equal(tk_sh("git -C '%s' config chancery.notificationReference"
		" 'C.N.{year}.TREATIES-{chapter}'", f->dir), 0);
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	/* the form chancery wrote before, by the setting */
	assert_int_equal(tk_sh("git -C '%s' config chancery.notificationReference"
		" 'C.N.{n}.{year}.TREATIES-{chapter_arabic}'", f->dir), 0);
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o), 0);
	assert_string_equal(r.notification, "C.N.2.2004.TREATIES-18");
	/* verify and the commit check take both, each under its own form */
	assert_int_equal(chancery_archive_verify(&vr, f->repo, &vo), 0);
	assert_int_equal(vr.problems, 0);
	free(inst);
}

/* One act of the vocabulary by `state` on `date` (text for those that
 * take one); the error, and the result in *r. */
static int act(tk_fixture *f, chancery_deposit_result *r, const char *state,
	const char *treaty, const char *action, const char *date,
	const char *text, const char *inst)
{
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;

	o.state = state;
	o.treaty = treaty;
	o.action = action;
	o.date = day(date);
	o.text = text;
	o.instrument = inst;
	(void)f;
	return chancery_archive_deposit(r, f->repo, &o);
}

static void assert_last_error(const char *want)
{
	if (!strstr(chancery_error_last()->message, want))
		fail_msg("error '%s' lacks '%s'", chancery_error_last()->message,
			want);
}

/* Issue 13 finding 10: reservations, declarations, objections and their
 * withdrawal, each with its checks, its record and its notification;
 * none of them changes status. */
static void test_vocabulary_reservations(void **state)
{
	tk_fixture *f = *state;
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
	chancery_deposit_result r;
	chancery_registry *reg = NULL;
	chancery_event *ev = NULL;
	size_t tlen = strlen(f->dir) + 16;
	char *inst = write_pdf(f->dir), *text = malloc(tlen);
	char res[40], *data = NULL, *content;
	size_t size = 0, deposits;
	chancery_date d = day("2004-09-23");

	snprintf(text, tlen, "%s/res.txt", f->dir);
	tk_write(text, "Mexico does not consider itself bound by article 87.\n");
	late_2004(f->repo, "Treaty Section");
	/* no text, or a State that has neither signed nor joined */
	assert_int_equal(act(f, &r, "MEX", "XVIII-10", "reservation",
		"2004-09-21", NULL, NULL), CHANCERY_EINVALID);
	assert_last_error("a reservation needs its text (--text FILE)");
	assert_int_equal(act(f, &r, "TUV", "XVIII-10", "reservation",
		"2004-09-21", text, NULL), CHANCERY_EINVALID);
	assert_last_error("TUV has neither signed nor joined XVIII-10");
	/* with the instrument: on the day of the ratification */
	assert_int_equal(act(f, &r, "MEX", "XVIII-10", "ratification",
		"2004-09-21", NULL, inst), 0);
	assert_int_equal(act(f, &r, "MEX", "XVIII-10", "reservation",
		"2004-09-22", text, NULL), CHANCERY_EINVALID);
	assert_last_error("a reservation is made at signature or with the "
		"instrument");
	assert_int_equal(act(f, &r, "MEX", "XVIII-10", "reservation",
		"2004-09-21", text, NULL), 0);
	snprintf(res, sizeof(res), "%s", r.id);
	assert_string_equal(r.archive_path,
		"archive/MEX/XVIII-10/2004-09-21-reservation.txt");
	assert_false(r.has_entry_into_force);
	assert_int_equal(chancery_event_lookup(&ev, f->repo, res), 0);
	assert_string_equal(chancery_event_get(ev, "Made-At"), "consent");
	assert_string_equal(chancery_event_get(ev, "Text-Type"), "text/plain");
	assert_non_null(strstr(chancery_event_get(ev, "Attachment"), "text.txt "));
	chancery_event_free(ev);
	ev = NULL;
	/* the entry says it, with the text's fixity */
	assert_int_equal(chancery_repository_read(&data, &size, f->repo,
		r.archive_path), 0);
	assert_non_null(strstr(data, "Action: reservation\n"));
	assert_non_null(strstr(data, "Made-At: consent\n"));
	assert_non_null(strstr(data, "Text: text.txt sha256="));
	chancery_free(data);
	/* the notification says the act and gives the text */
	assert_int_equal(chancery_repository_read(&data, &size, f->repo,
		r.notification_path), 0);
	content = tk_odt_entry(data, size, "content.xml");
	assert_non_null(strstr(content, "MEXICO: RESERVATION"));
	assert_non_null(strstr(content, "Mexico made a reservation upon "
		"depositing its instrument."));
	assert_non_null(strstr(content, "bound by article 87"));
	free(content);
	chancery_free(data);
	/* a declaration later: recorded as made later */
	assert_int_equal(act(f, &r, "MEX", "XVIII-10", "declaration",
		"2004-09-22", text, NULL), 0);
	assert_int_equal(chancery_event_lookup(&ev, f->repo, r.id), 0);
	assert_string_equal(chancery_event_get(ev, "Made-At"), "later");
	chancery_event_free(ev);
	ev = NULL;

	/* objections: to another State's reservation only */
	o.state = "MEX";
	o.treaty = "XVIII-10";
	o.action = "objection";
	o.date = d;
	o.text = text;
	o.objects_to = res;
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	assert_last_error("is MEX's own reservation");
	o.state = "FRA";
	o.objects_to = "20040101T000000Z-00000000";
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_ENOTFOUND);
	assert_last_error("--objects-to 20040101T000000Z-00000000: no such event");
	o.objects_to = NULL;
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	assert_last_error("an objection needs --objects-to");
	o.objects_to = res;
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o), 0);
	assert_int_equal(chancery_event_lookup(&ev, f->repo, r.id), 0);
	assert_string_equal(chancery_event_get(ev, "Objects-To"), res);
	assert_string_equal(chancery_event_get(ev, "Reserving-State"), "MEX");
	chancery_event_free(ev);
	ev = NULL;
	assert_int_equal(chancery_repository_read(&data, &size, f->repo,
		r.notification_path), 0);
	content = tk_odt_entry(data, size, "content.xml");
	assert_non_null(strstr(content, "France objected to the reservation "
		"made by Mexico on 2004-09-21."));
	free(content);
	chancery_free(data);

	/* withdrawals: of one's own reservation, once */
	o.action = "reservation-withdrawal";
	o.objects_to = NULL;
	o.text = NULL;
	o.withdraws = res;
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	assert_last_error("a reservation of MEX; a State withdraws only its own");
	o.state = "MEX";
	o.withdraws = "20040101T000000Z-00000000";
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_ENOTFOUND);
	assert_last_error("--withdraws 20040101T000000Z-00000000: no such event");
	o.withdraws = res;
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o), 0);
	deposits = tk_count_events(f->repo, "deposit");
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	assert_last_error("MEX has withdrawn that reservation");
	/* and a withdrawn reservation takes no more objections */
	o.state = "DEU";
	o.action = "objection";
	o.withdraws = NULL;
	o.objects_to = res;
	o.text = text;
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	assert_last_error("MEX has withdrawn that reservation");
	assert_int_equal(tk_count_events(f->repo, "deposit"), deposits);
	/* an option of another act is refused */
	o.action = "reservation";
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	assert_last_error("--objects-to is for an objection, not a reservation");

	/* none of it changed a status */
	assert_int_equal(chancery_registry_load(&reg, f->repo), 0);
	assert_int_equal(chancery_registry_status(reg, "MEX", "XVIII-10", &d),
		CHANCERY_STATUS_PARTY);
	assert_int_equal(chancery_registry_status(reg, "FRA", "XVIII-10", &d),
		CHANCERY_STATUS_PARTY);
	chancery_registry_free(reg);
	{
		chancery_verify_options vo = CHANCERY_VERIFY_OPTIONS_INIT;
		chancery_verify_result vr;

		assert_int_equal(chancery_archive_verify(&vr, f->repo, &vo), 0);
	}
	free(text);
	free(inst);
}

/* Issue 13 finding 10: only a party denounces, and party status ends on
 * the day the treaty's rule sets, not before. */
static void test_vocabulary_denunciation(void **state)
{
	tk_fixture *f = *state;
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
	chancery_deposit_result r;
	chancery_registry *reg = NULL;
	chancery_participation *list = NULL;
	size_t n = 0;
	char *inst = write_pdf(f->dir), eff[11];
	chancery_date before = day("2005-09-21"), on = day("2005-09-22");

	late_2004(f->repo, "Treaty Section");
	o.treaty = "XVIII-10";
	o.action = "denunciation";
	o.date = day("2004-09-22");
	o.instrument = inst;
	/* a signatory, not a party */
	o.state = "LBR";
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	assert_last_error("LBR is not a party to XVIII-10; only a party "
		"denounces");
	/* a treaty without a denunciation clause */
	o.state = "FRA";
	o.treaty = "IV-4";
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	assert_last_error("IV-4 has no denunciation clause");
	/* a rule the registry does not know: the day must be given */
	o.treaty = "IV-1";
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	assert_last_error("give the day it takes effect (--effective DATE)");
	/* a day that contradicts the rule */
	o.treaty = "XVIII-10";
	o.effective = day("2004-12-01");
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	assert_last_error("by its rule (1 year) it takes effect on 2005-09-22");
	o.effective = (chancery_date){ 0, 0, 0 };
	assert_int_equal(tk_count_events(f->repo, "deposit"), 0);
	/* Rome Statute art. 127: one year after receipt */
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o), 0);
	assert_true(r.has_effective);
	chancery_date_format(eff, sizeof(eff), &r.effective);
	assert_string_equal(eff, "2005-09-22");
	assert_false(r.has_entry_into_force);
	/* a party until then, not after */
	assert_int_equal(chancery_registry_load(&reg, f->repo), 0);
	assert_int_equal(chancery_registry_status(reg, "FRA", "XVIII-10",
		&before), CHANCERY_STATUS_PARTY);
	assert_int_equal(chancery_registry_status(reg, "FRA", "XVIII-10", &on),
		CHANCERY_STATUS_NONE);
	assert_int_equal(chancery_registry_parties(&list, &n, reg, "XVIII-10",
		&before), 0);
	{
		bool seen = false;

		for (size_t i = 0; i < n; i++)
			if (!strcmp(list[i].state->code, "FRA")) {
				seen = true;
				assert_non_null(list[i].denunciation);
			}
		assert_true(seen);
	}
	chancery_free(list);
	assert_int_equal(chancery_registry_parties(&list, &n, reg, "XVIII-10",
		&on), 0);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(list[i].state->code, "FRA");
	chancery_free(list);
	chancery_registry_free(reg);
	/* once */
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o),
		CHANCERY_EINVALID);
	assert_last_error("FRA denounced XVIII-10 already on 2004-09-22");
	/* where the registry knows no rule, the day given counts */
	o.treaty = "IV-1";
	o.effective = day("2006-01-12");
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o), 0);
	chancery_date_format(eff, sizeof(eff), &r.effective);
	assert_string_equal(eff, "2006-01-12");
	free(inst);
}

static void test_numbering_per_year(void **state)
{
	tk_fixture *f = *state;
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
	chancery_deposit_result r;
	static const struct { const char *state, *date, *want; } seq[] = {
		{ "SWE", "2004-09-21", "C.N.1.2004.TREATIES-IV.13" },
		{ "NOR", "2003-05-02", "C.N.1.2003.TREATIES-IV.13" },
		{ "FIN", "2004-09-22", "C.N.2.2004.TREATIES-IV.13" },
		{ "DNK", "2003-06-01", "C.N.2.2003.TREATIES-IV.13" },
		{ "ISL", "2004-09-23", "C.N.3.2004.TREATIES-IV.13" },
	};

	late_2004(f->repo, "Treaty Section");
	o.treaty = "IV-13";
	o.action = "signature";
	o.signed_by = CHANCERY_SIGNER_FOREIGN_MINISTER;
	for (size_t i = 0; i < sizeof(seq) / sizeof(*seq); i++) {
		o.state = seq[i].state;
		o.date = day(seq[i].date);
		assert_int_equal(chancery_archive_deposit(&r, f->repo, &o), 0);
		assert_string_equal(r.notification, seq[i].want);
	}
}

#define DESKS 6
#define EACH 4

static void desk(const char *dir, char codes[][4], int d)
{
	chancery_repository *repo = NULL;
	int failures = 0;
	char who[32];

	chancery_init();
	if (chancery_repository_open(&repo, dir) < 0)
		_exit(10);
	snprintf(who, sizeof(who), "Desk %d", d);
	late_2004(repo, who);
	for (int i = 0; i < EACH; i++) {
		chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;

		o.state = codes[d * EACH + i];
		o.treaty = "IV-13";
		o.action = "signature";
		o.date = (chancery_date){ 2004, 9, 21 + i % 4 };
		o.signed_by = CHANCERY_SIGNER_FOREIGN_MINISTER;
		if (chancery_archive_deposit(NULL, repo, &o) < 0) {
			fprintf(stderr, "desk %d: %s\n", d,
				chancery_error_last()->message);
			failures++;
		}
	}
	chancery_repository_free(repo);
	_exit(failures ? 1 : 0);
}

static void test_depositors_at_once(void **state)
{
	tk_fixture *f = *state;
	chancery_registry *reg = NULL;
	chancery_verify_result vr;
	char codes[DESKS * EACH][4];
	size_t n = 0;
	pid_t pids[DESKS];
	char *list;

	/* States that had not signed the ICMW: each signs once */
	assert_int_equal(chancery_registry_load(&reg, f->repo), 0);
	for (size_t i = 0; i < chancery_registry_state_count(reg) &&
	     n < DESKS * EACH; i++) {
		const chancery_state *s = chancery_registry_state(reg, i);

		if (chancery_registry_status(reg, s->code, "IV-13", NULL) ==
		    CHANCERY_STATUS_NONE)
			snprintf(codes[n++], 4, "%s", s->code);
	}
	chancery_registry_free(reg);
	assert_int_equal(n, DESKS * EACH);
	for (int d = 0; d < DESKS; d++) {
		pids[d] = fork();
		assert_true(pids[d] >= 0);
		if (pids[d] == 0)
			desk(f->dir, codes, d);
	}
	for (int d = 0; d < DESKS; d++) {
		int st;

		assert_int_equal(waitpid(pids[d], &st, 0), pids[d]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	/* every number once, none missing */
	list = tk_sh_out("cd '%s' && git ls-tree --name-only HEAD notifications/2004/ "
		"| sed 's|.*/||; s|\\.odt||' | sort -n | tr '\\n' ' '", f->dir);
	{
		char want[512] = "";

		for (int i = 1; i <= DESKS * EACH; i++)
			snprintf(want + strlen(want), sizeof(want) - strlen(want),
				"%04d ", i);
		assert_string_equal(list, want);
	}
	free(list);
	chancery_repository_free(f->repo);
	f->repo = tk_open(f->dir);
	assert_int_equal(tk_count_events(f->repo, "deposit"), DESKS * EACH);
	assert_int_equal(chancery_archive_verify(&vr, f->repo, NULL), 0);
	assert_int_equal(vr.problems, 0);
	assert_int_equal(vr.events, DESKS * EACH + 1);
	assert_int_equal(tk_sh("cd '%s' && git fsck --strict >/dev/null 2>&1", f->dir), 0);
}

static void count_problem(const char *line, void *payload)
{
	(*(int *)payload)++;
	assert_non_null(strstr(line, ": "));
}

static void test_verify(void **state)
{
	tk_fixture *f = *state;
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
	chancery_deposit_result r;
	chancery_verify_options vo = CHANCERY_VERIFY_OPTIONS_INIT;
	chancery_verify_result vr;
	char *inst = write_pdf(f->dir), path[700];
	int seen = 0;

	late_2004(f->repo, "Treaty Section");
	o.state = "LBR";
	o.treaty = "IV-4";
	o.action = "ratification";
	o.date = day("2004-09-22");
	o.instrument = inst;
	assert_int_equal(chancery_archive_deposit(&r, f->repo, &o), 0);
	assert_int_equal(tk_note(f->repo, "LBR", "called the mission"), 0);
	vo.problem = count_problem;
	vo.payload = &seen;
	assert_int_equal(chancery_archive_verify(&vr, f->repo, &vo), 0);
	assert_int_equal(seen, 0);
	assert_int_equal(vr.events, 3);
	assert_true(vr.files >= 5);
	assert_true(vr.objects > 10);
	/* one byte more in the kept instrument */
	snprintf(path, sizeof(path), "%s/%s", f->dir, r.instrument_path);
	tk_sh("printf x >> '%s'", path);
	assert_int_equal(chancery_archive_verify(&vr, f->repo, &vo), CHANCERY_EINVALID);
	assert_true(seen >= 2); /* the blob differs; the fixity fails */
	assert_int_equal(vr.problems, (size_t)seen);
	free(inst);
}

/* The entry format the archive owns: written by a deposit, its name read
 * back for the registry. */
static void test_entry_format(void **state)
{
	chancery__archive_entry e = { "LBR", "XVIII-10", "ratification",
		{ 2004, 9, 22 }, "C.N.1.2004.TREATIES-18", "pdf",
		"ab12", 38, "application/pdf" };
	chancery_buf text = CHANCERY_BUF_INIT;
	char path[200], st[8], tr[64], ac[64];
	chancery_date d;
	static const struct {
		const char *dir, *name;
	} bad[] = {
		{ "", "2004-09-22-ratification.txt" },         /* no State */
		{ "LBR/", "2004-09-22-ratification.txt" },     /* no treaty */
		{ "LBR/XVIII-10/x/", "2004-09-22-ratification.txt" },
		{ "LBR/XVIII-10/", "2004-09-22-ratification.odt" },
		{ "LBR/XVIII-10/", "2004-09-22_ratification.txt" },
		{ "LBR/XVIII-10/", "2004-02-30-ratification.txt" },
		{ "LBR/XVIII-10/", "2004-09-22-ratifying.txt" },
		{ "LBR/XVIII-10/", "2004-09-22-.txt" },
		{ "lbr/XVIII-10/", "2004-09-22-ratification.txt" },
		{ "LBRR/XVIII-10/", "2004-09-22-ratification.txt" },
		{ "LBR/18-10/", "2004-09-22-ratification.txt" },
	};

	(void)state;
	chancery__archive_entry_path(path, sizeof(path), &e);
	assert_string_equal(path,
		"archive/LBR/XVIII-10/2004-09-22-ratification.txt");
	assert_int_equal(chancery__archive_entry_text(&text, &e), 0);
	assert_string_equal(text.ptr, "State: LBR\nTreaty: XVIII-10\n"
		"Action: ratification\nDate: 2004-09-22\n"
		"Notification: C.N.1.2004.TREATIES-18\n"
		"Instrument: instrument.pdf sha256=ab12 size=38 "
		"type=application/pdf\n");
	chancery_buf_dispose(&text);
	e.instrument_media = NULL; /* a signature keeps no instrument */
	assert_int_equal(chancery__archive_entry_text(&text, &e), 0);
	assert_null(strstr(text.ptr, "Instrument:"));
	chancery_buf_dispose(&text);

	/* the path it writes is the name it reads */
	assert_true(chancery__archive_entry_parse(st, tr, ac, &d,
		"LBR/XVIII-10/", "2004-09-22-ratification.txt"));
	assert_string_equal(st, "LBR");
	assert_string_equal(tr, "XVIII-10");
	assert_string_equal(ac, "ratification");
	assert_int_equal(chancery_date_cmp(&d, &e.date), 0);
	assert_true(chancery__archive_entry_parse(st, tr, ac, &d,
		"FRA/XXVII-7-d/", "1999-01-31-consent_to_be_bound.txt"));
	assert_string_equal(ac, "consent_to_be_bound");
	chancery_error_clear();
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (chancery__archive_entry_parse(st, tr, ac, &d, bad[i].dir,
				bad[i].name))
			fail_msg("%s%s read as an entry", bad[i].dir,
				bad[i].name);
	assert_null(chancery_error_last());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_format),
		cmocka_unit_test_setup_teardown(test_entry_into_force,
			tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_deposit_records,
			tk_setup_sample, tk_teardown),
		cmocka_unit_test(test_signer_parse),
		cmocka_unit_test_setup_teardown(test_deposit_refusals,
			tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_deposit_impossible_date,
			tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_numbering_per_year,
			tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_reference_setting,
			tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_vocabulary_reservations,
			tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_vocabulary_denunciation,
			tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_depositors_at_once,
			tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_verify,
			tk_setup_sample, tk_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
