/*
 * test_campaign.c - campaigns and their letters on the real 2004 data: the
 * personalization rule for named States and treaties, dates and names in
 * the three languages, one commit per batch and none when nothing changed,
 * provenance in meta.xml, and bad input refused with nothing written;
 * the campaign id check, intentions parsed, and a campaign's recipients and letters read
 * without knowing the repository's layout.
 */
#include "testkit.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static chancery_campaign_options focus(void)
{
	chancery_campaign_options o = CHANCERY_CAMPAIGN_OPTIONS_INIT;

	o.id = "focus2004";
	o.title = "Focus 2004: Treaties on the Protection of Civilians";
	o.workflow = "treaty-event";
	o.featured = "focus2004";
	chancery_date_parse(&o.letter_date, "2004-03-12");
	chancery_date_parse(&o.deadline, "2004-09-01");
	chancery_date_parse(&o.event_start, "2004-09-21");
	chancery_date_parse(&o.event_end, "2004-09-24");
	return o;
}

static int setup(void **state)
{
	tk_fixture *f;
	chancery_campaign_options o = focus();

	tk_setup_sample(state);
	f = *state;
	if (chancery_campaign_open(f->repo, &o) < 0)
		fail_msg("open: %s", chancery_error_last()->message);
	return 0;
}

static json_t *data_of(tk_fixture *f, const char *code)
{
	chancery_data *d = NULL;
	char *text = NULL;
	json_t *j;

	if (chancery_campaign_letter_data(&d, f->repo, "focus2004", code) < 0)
		fail_msg("%s: %s", code, chancery_error_last()->message);
	assert_int_equal(chancery_data_to_json(&text, d), 0);
	j = json_loads(text, 0, NULL);
	chancery_free(text);
	chancery_data_free(d);
	return j;
}

static const char *action_for(json_t *d, const char *treaty)
{
	size_t i;
	json_t *t;

	json_array_foreach(json_object_get(d, "treaties"), i, t)
		if (!strcmp(json_string_value(json_object_get(t, "id")), treaty))
			return json_string_value(json_object_get(t, "action_code"));
	return NULL;   /* left out: a party */
}

static void test_personalization(void **state)
{
	tk_fixture *f = *state;
	json_t *lbr = data_of(f, "LBR"), *fra = data_of(f, "FRA"),
		*usa = data_of(f, "USA"), *tuv = data_of(f, "TUV");
	static const struct { const char *state, *treaty, *want; } cases[] = {
		{ "LBR", "IV-4", "ratify" },      /* signed 1967, not ratified */
		{ "LBR", "XVIII-10", "ratify" },  /* signed the Rome Statute 1998 */
		{ "LBR", "IV-13", "sign" },       /* nothing done, open */
		{ "LBR", "IV-9", "sign" },
		{ "LBR", "XVIII-12", "accede" },  /* nothing done, closed 2002 */
		{ "LBR", "V-4", "accede" },       /* closed 1962 */
		/* APIC: open on the letter date, closed (30 June) by the event */
		{ "LBR", "XVIII-13", "sign_or_accede" },
		{ "USA", "XVIII-13", "sign_or_accede" },
		{ "TUV", "XVIII-13", "sign_or_accede" },
		{ "LBR", "IV-1", NULL },          /* a party since 1950 */
		{ "FRA", "IV-4", NULL },          /* a party (accession 1980) */
		{ "FRA", "XVIII-10", NULL },      /* a party (ratification 2000) */
		{ "FRA", "V-4", "ratify" },       /* signed, not ratified */
		{ "FRA", "IV-13", "sign" },
		{ "FRA", "XVIII-12-c", "accede" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const char *c = cases[i].state;
		const char *got = action_for(!strcmp(c, "LBR") ? lbr :
			!strcmp(c, "USA") ? usa : !strcmp(c, "TUV") ? tuv : fra,
			cases[i].treaty);

		if ((got == NULL) != (cases[i].want == NULL) ||
		    (got && strcmp(got, cases[i].want)))
			fail_msg("%s %s: got %s, want %s", cases[i].state,
				cases[i].treaty, got ? got : "(left out)",
				cases[i].want ? cases[i].want : "(left out)");
	}
	assert_int_equal(json_integer_value(json_object_get(lbr, "treaties_count")),
		json_array_size(json_object_get(lbr, "treaties")));
	/* the annex: the 401 treaties less the 33 adopted after the letter date */
	assert_int_equal(json_array_size(json_object_get(lbr, "review")), 368);
	json_decref(lbr);
	json_decref(fra);
	json_decref(usa);
	json_decref(tuv);
}

static json_t *treaty_of(json_t *d, const char *list, const char *id)
{
	size_t i;
	json_t *t;

	json_array_foreach(json_object_get(d, list), i, t)
		if (!strcmp(json_string_value(json_object_get(t, "id")), id))
			return t;
	fail_msg("%s: no %s", list, id);
	return NULL;
}

static const char *str_at(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(o, a), b);

	if (!json_is_string(v))
		fail_msg("%s.%s is not a string", a, b);
	return json_string_value(v);
}

/* APIC closes for signature (30 June 2004) between the letter and the
 * event: the letter says both, with the closing date in its language. */
static void test_sign_by_or_accede(void **state)
{
	tk_fixture *f = *state;
	static const struct { const char *code, *action, *until; } cases[] = {
		{ "LBR", "sign by 30 June 2004, or accede to it at the event",
		  "30 June 2004" },
		{ "COM", "signer d\u2019ici le 30 juin 2004, ou y adhérer lors de "
		  "la manifestation", "30 juin 2004" },
		{ "MEX", "firmar a más tardar el 30 de junio de 2004, o adherirse "
		  "durante el evento", "30 de junio de 2004" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		json_t *d = data_of(f, cases[i].code);
		json_t *t = treaty_of(d, "treaties", "XVIII-13");

		assert_string_equal(json_string_value(json_object_get(t,
			"action_code")), "sign_or_accede");
		assert_string_equal(json_string_value(json_object_get(t,
			"action")), cases[i].action);
		assert_string_equal(json_string_value(json_object_get(t,
			"signature_until")), cases[i].until);
		json_decref(d);
	}
}

/* Names with their article and number, from the registry's columns. */
static void test_names(void **state)
{
	tk_fixture *f = *state;
	static const struct { const char *code, *name; bool plural; } cases[] = {
		{ "USA", "the United States of America", false },
		{ "NLD", "the Netherlands", false },
		{ "BHS", "the Bahamas", false },
		{ "PHL", "the Philippines", false },
		{ "GMB", "the Gambia", false },
		{ "VAT", "the Holy See", false },
		{ "RUS", "the Russian Federation", false },
		{ "LBR", "Liberia", false },
		{ "TUV", "Tuvalu", false },
		{ "COM", "les Comores", true },     /* French: n'ont pas */
		{ "FRA", "la France", false },
		{ "ARG", "la Argentina", false },
		{ "MEX", "México", false },
	};
	static const struct { const char *code, *short_name; } bare[] = {
		{ "USA", "United States of America" }, { "COM", "Comores" },
		{ "LBR", "Libéria" }, { "ARG", "Argentina" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		json_t *d = data_of(f, cases[i].code);

		assert_string_equal(str_at(d, "state", "name"), cases[i].name);
		if (json_is_true(json_object_get(json_object_get(d, "state"),
				"plural")) != cases[i].plural)
			fail_msg("%s: plural is not %d", cases[i].code,
				cases[i].plural);
		json_decref(d);
	}
	/* the short name, without its article (LBR in French: "Libéria") */
	for (size_t i = 0; i < sizeof(bare) / sizeof(*bare); i++) {
		const char *lang = !strcmp(bare[i].code, "LBR") ? "fr" : NULL;
		const char *codes[1] = { bare[i].code };
		chancery_letter_data_options o = CHANCERY_LETTER_DATA_OPTIONS_INIT;
		chancery_data *d = NULL;
		char *text = NULL;
		json_t *j;

		o.language = lang;
		assert_int_equal(chancery_campaign_letters_data(&d, f->repo,
			"focus2004", codes, 1, &o), 0);
		assert_int_equal(chancery_data_to_json(&text, d), 0);
		j = json_loads(text, 0, NULL);
		assert_string_equal(str_at(json_array_get(j, 0), "state",
			"short_name"), bare[i].short_name);
		json_decref(j);
		chancery_free(text);
		chancery_data_free(d);
	}
}

/* Titles in the letter's language where the registry has one, else the
 * English title flagged as a fallback. */
static void test_titles(void **state)
{
	tk_fixture *f = *state;
	json_t *arg = data_of(f, "ARG"), *lbr = data_of(f, "LBR");
	json_t *t = treaty_of(arg, "treaties", "XVIII-13");

	assert_string_equal(json_string_value(json_object_get(t, "title")),
		"Acuerdo sobre los Privilegios e Inmunidades de la Corte Penal "
		"Internacional");
	assert_true(json_is_false(json_object_get(t, "title_fallback")));
	assert_string_equal(json_string_value(json_object_get(t,
		"title_language")), "es");
	t = treaty_of(arg, "review", "IV-4");
	assert_string_equal(json_string_value(json_object_get(t, "title")),
		"Pacto Internacional de Derechos Civiles y Políticos");
	/* I-1, the Charter: no Spanish title in the registry */
	t = treaty_of(arg, "review", "I-1");
	assert_true(json_is_true(json_object_get(t, "title_fallback")));
	assert_string_equal(json_string_value(json_object_get(t,
		"title_language")), "en");
	/* the campaign was opened with an English title only */
	assert_true(json_is_true(json_object_get(json_object_get(arg,
		"campaign"), "title_fallback")));
	assert_true(json_is_false(json_object_get(json_object_get(lbr,
		"campaign"), "title_fallback")));
	t = treaty_of(lbr, "review", "I-1");
	assert_true(json_is_false(json_object_get(t, "title_fallback")));
	json_decref(arg);
	json_decref(lbr);
}

/* The annex names the action in the letter's language too. */
static void test_annex_words(void **state)
{
	tk_fixture *f = *state;
	json_t *arg = data_of(f, "ARG"), *fra = data_of(f, "FRA");
	json_t *alb = data_of(f, "ALB");

	assert_string_equal(json_string_value(json_object_get(treaty_of(arg,
		"review", "IV-4"), "status_text")),
		"Parte (ratificación, 8 de agosto de 1986)");
	assert_string_equal(json_string_value(json_object_get(treaty_of(fra,
		"review", "IV-4"), "status_text")),
		"Partie (adhésion, 4 novembre 1980)");
	/* the action code stays the registry's */
	assert_string_equal(json_string_value(json_object_get(treaty_of(fra,
		"review", "IV-4"), "action")), "accession");
	assert_string_equal(json_string_value(json_object_get(treaty_of(alb,
		"review", "XXI-6-a"), "status_text")),
		"Party (consent to be bound, 23 June 2003)");
	json_decref(arg);
	json_decref(fra);
	json_decref(alb);
}

static void test_languages(void **state)
{
	tk_fixture *f = *state;
	json_t *lbr = data_of(f, "LBR"), *fra = data_of(f, "FRA"), *arg = data_of(f, "ARG");
	char buf[64];
	chancery_date d;

	assert_string_equal(json_string_value(json_object_get(json_object_get(lbr, "letter"), "date")),
		"12 March 2004");
	assert_string_equal(json_string_value(json_object_get(json_object_get(lbr, "campaign"), "deadline")),
		"1 September 2004");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_object_get(lbr, "campaign"), "event"), "dates")), "21 to 24 September 2004");
	assert_string_equal(json_string_value(json_object_get(json_object_get(fra, "campaign"), "deadline")),
		"1er septembre 2004");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_object_get(fra, "campaign"), "event"), "dates")), "du 21 au 24 septembre 2004");
	assert_string_equal(json_string_value(json_object_get(json_object_get(fra, "state"), "name")),
		"la France");
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(fra, "treaties"), 0), "action")), "signer");
	assert_string_equal(json_string_value(json_object_get(json_object_get(arg, "campaign"), "deadline")),
		"1 de septiembre de 2004");
	/* Spanish letters name the State in Spanish */
	{
		json_t *mex = data_of(f, "MEX");

		assert_string_equal(json_string_value(json_object_get(json_object_get(
			mex, "state"), "name")), "México");
		assert_string_equal(json_string_value(json_object_get(json_object_get(
			mex, "state"), "formal_name")), "México");
		json_decref(mex);
	}
	assert_string_equal(json_string_value(json_object_get(json_object_get(
		json_object_get(arg, "campaign"), "event"), "dates")),
		"del 21 al 24 de septiembre de 2004");
	assert_string_equal(json_string_value(json_object_get(json_object_get(lbr, "letter"), "reference")),
		"FOCUS2004/LBR/1");
	chancery_date_parse(&d, "2004-03-12");
	chancery_date_write(buf, sizeof(buf), &d, "es");
	assert_string_equal(buf, "12 de marzo de 2004");
	json_decref(lbr);
	json_decref(fra);
	json_decref(arg);
}

static void test_generate(void **state)
{
	tk_fixture *f = *state;
	chancery_letters_result r;
	chancery_letters_options o = CHANCERY_LETTERS_OPTIONS_INIT;
	char before[41], after[41];
	char *out;

	assert_int_equal(chancery_campaign_generate(&r, f->repo, "focus2004", &o), 0);
	assert_int_equal(r.letters, 192);
	assert_int_equal(r.changed, 192);
	assert_int_equal(tk_count_events(f->repo, "letters"), 1);
	/* nothing changed: no commit */
	chancery_repository_head(before, f->repo);
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "focus2004", &o),
		0);
	assert_int_equal(r.changed, 0);
	assert_string_equal(r.commit, "");
	chancery_repository_head(after, f->repo);
	assert_string_equal(before, after);
	/* provenance in meta.xml, and the letter in its language */
	/* the letter is read back in the test's own folder (.git/), never in
	 * a shared place */
	out = tk_sh_out("cd %s && git show HEAD:campaigns/focus2004/letters/FRA.odt > .git/fra.odt && "
		"unzip -p .git/fra.odt meta.xml; unzip -p .git/fra.odt content.xml | "
		"grep -o 'inviter la France' ; rm -f .git/fra.odt", f->dir);
	assert_non_null(strstr(out, "meta:name=\"chancery:template\""));
	assert_non_null(strstr(out, "meta:name=\"chancery:registry\""));
	assert_non_null(strstr(out, "chancery 0."));
	assert_non_null(strstr(out, "inviter la France"));
	free(out);
	assert_int_equal(tk_sh("cd %s && git fsck --strict >/dev/null 2>&1 && "
		"test $(git ls-tree --name-only HEAD campaigns/focus2004/letters/ | wc -l) = 192",
		f->dir), 0);
	/* one State only, and one that is not a recipient */
	o.state = "LBR";
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "focus2004", &o),
		0);
	assert_int_equal(r.letters, 1);
	assert_string_equal(r.commit, "");
	o.state = "QQQ";
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "focus2004", &o),
		CHANCERY_ENOTFOUND);
}

static void test_bad_input(void **state)
{
	tk_fixture *f = *state;
	chancery_campaign_options o = focus();
	chancery_letters_result r;
	char before[41], after[41];

	chancery_repository_head(before, f->repo);
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_EEXISTS);
	o.id = "../x";
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_EINVALID);
	o = focus();
	o.id = "other";
	chancery_date_parse(&o.deadline, "2004-01-01");
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message, "before the letter date"));
	o = focus();
	o.id = "other";
	o.featured = "nope";
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_ENOTFOUND);
	o.featured = "focus2004";
	o.workflow = "/nonexistent/wf.xml";
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_ENOTFOUND);
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "nope", NULL),
		CHANCERY_ENOTFOUND);
	chancery_repository_head(after, f->repo);
	assert_string_equal(before, after);
}

/* Typed templates: a kind and a language name the template they replace;
 * a pair that names none, a missing field, a missing file or a file that
 * is not a template are refused, and nothing is written. */
static void test_typed_templates(void **state)
{
	tk_fixture *f = *state;
	chancery_campaign_options o = focus();
	chancery_campaign_template t[2];
	char bad[600], before[41], after[41];
	FILE *fp;

	snprintf(bad, sizeof(bad), "%s/not-an-odt.txt", f->dir);
	assert_non_null(fp = fopen(bad, "w"));
	fputs("not a package\n", fp);
	fclose(fp);
	chancery_repository_head(before, f->repo);
	o.id = "typed";
	t[0] = (chancery_campaign_template){ "reminder", "fr", bad };
	t[1] = (chancery_campaign_template){ "reminder", "fr", bad };
	o.templates = t;
	o.ntemplates = 2;
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message, "reminder-fr"));
	t[1].path = NULL;
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message, "template 1"));
	o.templates = NULL;
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_EINVALID);
	chancery_repository_head(after, f->repo);
	assert_string_equal(before, after);
	/* a kind or a language that does not exist: refused, not ignored */
	t[0] = (chancery_campaign_template){ "memo", "en", bad };
	o.templates = t;
	o.ntemplates = 1;
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message, "template "
		"'memo-en' ("));
	assert_non_null(strstr(chancery_error_last()->message, "): no kind "
		"'memo' (invitation, reminder or acknowledgment)"));
	t[0] = (chancery_campaign_template){ "invitation", "de", bad };
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"no language 'de' (en, fr or es)"));
	t[0] = (chancery_campaign_template){ "reminder", "en", "/nonexistent/x.odt" };
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_ENOTFOUND);
	assert_non_null(strstr(chancery_error_last()->message,
		"template 'reminder-en': '/nonexistent/x.odt'"));
	t[0] = (chancery_campaign_template){ "acknowledgment", "es", bad };
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"template 'acknowledgment-es'"));
	chancery_repository_head(after, f->repo);
	assert_string_equal(before, after);
}

/* A deadline after the event (or before the letter date) is refused. */
static void test_campaign_dates(void **state)
{
	tk_fixture *f = *state;
	chancery_campaign_options o = focus();

	o.id = "late";
	chancery_date_parse(&o.deadline, "2004-09-30");
	assert_int_equal(chancery_campaign_open(f->repo, &o), CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message, "the deadline "
		"(2004-09-30) is after the event (2004-09-21): replies are "
		"asked for before it");
	chancery_date_parse(&o.deadline, "2004-09-21");
	assert_int_equal(chancery_campaign_open(f->repo, &o), 0);
}

static void test_id_valid(void **state)
{
	static const struct { const char *id; int valid; } cases[] = {
		{ "focus2004", 1 }, { "a", 1 }, { "0x", 1 }, { "a-b_c", 1 },
		{ "", 0 }, { "-a", 0 }, { "_a", 0 }, { "Focus", 0 },
		{ "../x", 0 }, { "a b", 0 }, { "a/b", 0 }, { "a.b", 0 },
		{ "caf\xc3\xa9", 0 }, { "a\n", 0 },
	};
	char longest[66];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		if (chancery_campaign_id_valid(cases[i].id) != cases[i].valid)
			fail_msg("'%s': expected %d", cases[i].id, cases[i].valid);
	assert_int_equal(chancery_campaign_id_valid(NULL), 0);
	memset(longest, 'a', 64);
	longest[64] = '\0';
	assert_int_equal(chancery_campaign_id_valid(longest), 1);
	longest[64] = 'a';
	longest[65] = '\0';
	assert_int_equal(chancery_campaign_id_valid(longest), 0);
}

static void test_intention_parse(void **state)
{
	static const struct {
		const char *text, *action, *treaty;
	} cases[] = {
		{ "ratify:XVIII-10", "ratify", "XVIII-10" },
		{ "sign XXVI-1", "sign", "XXVI-1" },      /* as history keeps it */
		{ "accede:IV-11-b", "accede", "IV-11-b" },
		{ "approve IV 11", "approve", "IV 11" },  /* the first separator */
		{ "ratify", NULL, NULL },
		{ ":XVIII-10", NULL, NULL },
		{ "ratify:", NULL, NULL },
		{ "", NULL, NULL },
		{ "averyveryverylongaction:XVIII-10", NULL, NULL },
		{ "ratify:XVIII-10-XVIII-10-XVIII-10-XVIII-10-XVIII-10", NULL, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		chancery_campaign_intention in;
		int error = chancery_campaign_intention_parse(&in, cases[i].text);

		if (!cases[i].action) {
			if (error != CHANCERY_EINVALID)
				fail_msg("'%s': accepted", cases[i].text);
			assert_non_null(strstr(chancery_error_last()->message,
				"expected ACTION:TREATY"));
			continue;
		}
		if (error)
			fail_msg("'%s': %s", cases[i].text,
				chancery_error_last()->message);
		assert_string_equal(in.action, cases[i].action);
		assert_string_equal(in.treaty, cases[i].treaty);
	}
}

static void test_recipients(void **state)
{
	tk_fixture *f = *state;
	chancery_campaign_options o = focus();
	char **list = NULL, path[600], *out, *tmp = tk_tempdir();
	size_t n = 0;

	/* every State, as recipients.tsv lists them */
	assert_int_equal(chancery_campaign_recipients(&list, &n, f->repo,
		"focus2004"), 0);
	assert_int_equal(n, 192);
	assert_null(list[n]);
	out = tk_sh_out("cd %s && git show HEAD:campaigns/focus2004/recipients.tsv "
		"| sed -n '2p;$p'", f->dir);
	assert_non_null(strstr(out, list[0]));
	assert_non_null(strstr(out, list[n - 1]));
	free(out);
	chancery_campaign_recipients_free(list);
	/* a file of codes: in its order; count may be NULL */
	snprintf(path, sizeof(path), "%s/recipients.txt", tmp);
	tk_write(path, "state\nLBR\nFRA\n#comment\nBEL\n");
	o.id = "three";
	o.recipients = path;
	if (chancery_campaign_open(f->repo, &o) < 0)
		fail_msg("open: %s", chancery_error_last()->message);
	tk_rmrf(tmp);
	free(tmp);
	assert_int_equal(chancery_campaign_recipients(&list, NULL, f->repo,
		"three"), 0);
	assert_string_equal(list[0], "LBR");
	assert_string_equal(list[1], "FRA");
	assert_string_equal(list[2], "BEL");
	assert_null(list[3]);
	chancery_campaign_recipients_free(list);
	chancery_campaign_recipients_free(NULL);
	/* refused: a bad id, a campaign that does not exist */
	assert_int_equal(chancery_campaign_recipients(&list, &n, f->repo, "../x"),
		CHANCERY_EINVALID);
	assert_null(list);
	assert_int_equal(n, 0);
	assert_int_equal(chancery_campaign_recipients(&list, &n, f->repo, "nope"),
		CHANCERY_ENOTFOUND);
	assert_null(list);
	assert_non_null(strstr(chancery_error_last()->message, "no campaign 'nope'"));
	/* a peer's recipients.tsv may hold anything: a code that is not one
	 * is refused, not returned */
	assert_int_equal(tk_sh("cd %s && printf 'state\\nFRA\\n../../x\\n' > "
		"campaigns/three/recipients.tsv && git add campaigns/three && "
		"git -c user.name=t -c user.email=t@t commit -qm forged",
		f->dir), 0);
	assert_int_equal(chancery_campaign_recipients(&list, &n, f->repo,
		"three"), CHANCERY_EINVALID);
	assert_null(list);
	assert_non_null(strstr(chancery_error_last()->message, "not a State code"));
}

static void test_letter(void **state)
{
	tk_fixture *f = *state;
	chancery_letters_result r;
	chancery_letters_options o = CHANCERY_LETTERS_OPTIONS_INIT;
	char *data = NULL, *out;
	size_t size = 0;

	/* not generated yet */
	assert_int_equal(chancery_campaign_letter(&data, &size, f->repo,
		"focus2004", "FRA"), CHANCERY_ENOTFOUND);
	assert_null(data);
	assert_non_null(strstr(chancery_error_last()->message, "no letter to FRA"));
	o.state = "FRA";
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "focus2004", &o), 0);
	/* the very blob history holds, an ODT package */
	assert_int_equal(chancery_campaign_letter(&data, &size, f->repo,
		"focus2004", "FRA"), 0);
	assert_true(size > 1000);
	assert_memory_equal(data, "PK\x03\x04", 4);
	out = tk_sh_out("cd %s && git cat-file -s "
		"HEAD:campaigns/focus2004/letters/FRA.odt", f->dir);
	assert_int_equal((size_t)strtoul(out, NULL, 10), size);
	free(out);
	chancery_free(data);
	data = NULL;
	assert_int_equal(chancery_campaign_letter(&data, NULL, f->repo,
		"focus2004", "FRA"), 0);
	chancery_free(data);
	data = NULL;
	/* another recipient's letter is not generated; refused input */
	assert_int_equal(chancery_campaign_letter(&data, &size, f->repo,
		"focus2004", "BEL"), CHANCERY_ENOTFOUND);
	assert_int_equal(size, 0);
	assert_int_equal(chancery_campaign_letter(&data, &size, f->repo,
		"focus2004", "../FRA"), CHANCERY_EINVALID);
	assert_int_equal(chancery_campaign_letter(&data, &size, f->repo,
		"Focus2004", "FRA"), CHANCERY_EINVALID);
	assert_int_equal(chancery_campaign_letter(&data, &size, f->repo,
		"nope", "FRA"), CHANCERY_ENOTFOUND);
	assert_null(data);
}

/* A campaign of three recipients (FRA, LBR, TUV), its letters generated. */
static void small_campaign(tk_fixture *f, const char *id)
{
	chancery_campaign_options o = focus();
	chancery_letters_result r;
	char rec[600];
	FILE *fp;

	snprintf(rec, sizeof(rec), "%s/small-recipients.tsv", f->dir);
	assert_non_null(fp = fopen(rec, "w"));
	fputs("state\nFRA\nLBR\nTUV\n", fp);
	fclose(fp);
	o.id = id;
	o.recipients = rec;
	if (chancery_campaign_open(f->repo, &o) < 0)
		fail_msg("open: %s", chancery_error_last()->message);
	assert_int_equal(chancery_campaign_generate(&r, f->repo, id, NULL), 0);
	assert_int_equal(r.changed, 3);
}

/* Issue 13, 4: no record is dated after the day it is recorded (the
 * repository's today: its signature's time, 2004-03-12). */
static void test_future_dates(void **state)
{
	tk_fixture *f = *state;
	chancery_reply_options ro = CHANCERY_REPLY_OPTIONS_INIT;
	chancery_event *ev = NULL;
	chancery_date d;
	char before[41], after[41];
	size_t n = 9, rem = 9, ack = 9;

	small_campaign(f, "small");
	chancery_repository_head(before, f->repo);
	chancery_date_parse(&d, "2004-03-13");
	assert_int_equal(chancery_campaign_send(&n, f->repo, "small", &d, NULL),
		CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message, "--date 2004-03-13 "
		"is in the future (today is 2004-03-12): a record is dated when "
		"it has happened");
	ro.state = "LBR";
	ro.none = 1;
	chancery_date_parse(&ro.received, "2030-08-20");
	assert_int_equal(chancery_campaign_reply(NULL, f->repo, "small", &ro),
		CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"--received 2030-08-20 is in the future (today is 2004-03-12)"));
	chancery_date_parse(&d, "2004-08-18");
	assert_int_equal(chancery_campaign_remind(&rem, &ack, f->repo, "small",
		&d), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"--as-of 2004-08-18 is in the future"));
	assert_int_equal(chancery_event_new(&ev, "note"), 0);
	assert_int_equal(chancery_event_add(ev, "Date", "2004-04-02"), 0);
	assert_int_equal(chancery_event_record(f->repo, ev), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"--date 2004-04-02 is in the future"));
	chancery_event_free(ev);
	assert_int_equal(chancery_campaign_close(f->repo, "small",
		&(chancery_date){ 2004, 3, 13 }), CHANCERY_EINVALID);
	chancery_repository_head(after, f->repo);
	assert_string_equal(before, after);
	/* today itself is fine */
	chancery_date_parse(&d, "2004-03-12");
	assert_int_equal(chancery_campaign_send(&n, f->repo, "small", &d, NULL), 0);
	assert_int_equal(n, 3);
}

/* Issue 13, 6: a dispatched letter is a record: a change to its inputs
 * is refused unless superseded; the new letter has its own file and
 * reference, is the one the campaign gives, and goes out on its own. */
static void test_supersede(void **state)
{
	tk_fixture *f = *state;
	chancery_letters_options lo = CHANCERY_LETTERS_OPTIONS_INIT;
	chancery_letters_result r;
	chancery_import_result ir;
	const chancery_signature later = { "Test Recorder", "test@example.org",
		1092992400, 0 }; /* 2004-08-20T09:00:00Z */
	static const char row[] = "state,treaty,action,date\n"
		"TUV,XVIII-10,signature,2000-11-30\n";
	chancery_date d;
	char before[41], after[41], *first = NULL, *cur = NULL, *out;
	size_t n = 0, s1 = 0, s2 = 0;

	small_campaign(f, "small");
	chancery_date_parse(&d, "2004-03-12");
	assert_int_equal(chancery_campaign_send(&n, f->repo, "small", &d, NULL), 0);
	assert_int_equal(chancery_campaign_letter(&first, &s1, f->repo, "small",
		"TUV"), 0);
	assert_int_equal(chancery_repository_set_signature(f->repo, &later), 0);
	assert_int_equal(chancery_registry_import(&ir, f->repo,
		CHANCERY_IMPORT_PARTICIPATION, "row.csv", row, strlen(row),
		NULL), 0);
	/* refused, naming the State: nothing recorded */
	chancery_repository_head(before, f->repo);
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "small", NULL),
		CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"the letter to TUV was dispatched"));
	assert_non_null(strstr(chancery_error_last()->message, "--supersede"));
	chancery_repository_head(after, f->repo);
	assert_string_equal(before, after);
	/* verify: the dispatched letters are what their own inputs gave,
	 * except TUV's, whose inputs changed */
	lo.verify = 1;
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "small", &lo),
		CHANCERY_ECONFLICT);
	assert_non_null(strstr(chancery_error_last()->message, "1 of 3 letters"));
	lo.verify = 0;
	lo.supersede = 1;
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "small", &lo), 0);
	assert_int_equal(r.changed, 1);
	assert_int_equal(r.letters, 3);
	out = tk_sh_out("cd %s && git log -1 --format=%%B | grep '^Chancery-' | "
		"grep -v 'Chancery-Event-Id'; unzip -p "
		"campaigns/small/letters/TUV-2.odt content.xml | grep -o "
		"'SMALL/TUV/2' | head -n 1; cmp -s campaigns/small/letters/TUV.odt "
		"/dev/null; git log -1 --format=%%s", f->dir);
	assert_non_null(strstr(out, "Chancery-State: TUV\nChancery-Reference: "
		"SMALL/TUV/2\nChancery-Supersedes: SMALL/TUV/1\n"));
	assert_null(strstr(out, "Chancery-State: FRA"));
	assert_non_null(strstr(out, "\nSMALL/TUV/2\n"));
	free(out);
	/* the first letter stays; the campaign's letter is the new one */
	assert_int_equal(chancery_campaign_letter(&cur, &s2, f->repo, "small",
		"TUV"), 0);
	assert_false(s1 == s2 && !memcmp(first, cur, s1));
	chancery_free(cur);
	cur = NULL;
	out = tk_sh_out("cd %s && git show HEAD:campaigns/small/letters/TUV.odt "
		"| cmp -s - campaigns/small/letters/TUV.odt && echo same", f->dir);
	assert_string_equal(out, "same\n");
	free(out);
	/* up to date now, supersede or not; verify agrees */
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "small", &lo), 0);
	assert_string_equal(r.commit, "");
	lo.verify = 1;
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "small", &lo), 0);
	/* the new letter goes out on its own */
	chancery_date_parse(&d, "2004-08-20");
	assert_int_equal(chancery_campaign_send(&n, f->repo, "small", &d, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(chancery_campaign_send(&n, f->repo, "small", &d, NULL), 0);
	assert_int_equal(n, 0);
	/* and the status gives its reference */
	assert_int_equal(chancery_campaign_status(&out, f->repo, "small", &d), 0);
	assert_non_null(strstr(out, "\"SMALL/TUV/2\""));
	assert_non_null(strstr(out, "\"SMALL/FRA/1\""));
	chancery_free(out);
	chancery_free(first);
	assert_int_equal(tk_sh("cd %s && git fsck --strict >/dev/null 2>&1", f->dir), 0);
}

/* Issue 13, 7: campaigns listed, shown and closed; a closed campaign
 * generates no more letters or reminders and still records replies. */
static void test_close(void **state)
{
	tk_fixture *f = *state;
	const chancery_signature later = { "Test Recorder", "test@example.org",
		1094893200, 0 }; /* 2004-09-11T09:00:00Z */
	chancery_reply_options ro = CHANCERY_REPLY_OPTIONS_INIT;
	chancery_letters_result r;
	chancery_date d;
	char *out = NULL;
	size_t rem, ack;
	json_t *j, *root;

	small_campaign(f, "small");
	assert_int_equal(chancery_repository_set_signature(f->repo, &later), 0);
	assert_int_equal(chancery_campaign_list(&out, f->repo), 0);
	j = json_loads(out, 0, NULL);
	chancery_free(out);
	assert_int_equal(json_array_size(json_object_get(j, "campaigns")), 2);
	json_decref(j);
	assert_int_equal(chancery_campaign_show(&out, f->repo, "small"), 0);
	root = json_loads(out, 0, NULL);
	j = json_object_get(root, "campaign");
	chancery_free(out);
	assert_string_equal(json_string_value(json_object_get(j, "state")), "open");
	assert_true(json_is_null(json_object_get(j, "closed")));
	assert_int_equal(json_integer_value(json_object_get(j, "recipients")), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "letters")), 3);
	assert_int_equal(json_array_size(json_object_get(j, "templates")), 9);
	assert_int_equal(json_array_size(json_object_get(j, "featured")), 28);
	json_decref(root);
	assert_int_equal(chancery_campaign_show(&out, f->repo, "nope"),
		CHANCERY_ENOTFOUND);
	assert_int_equal(chancery_campaign_close(f->repo, "small",
		&(chancery_date){ 2004, 3, 1 }), CHANCERY_EINVALID);
	assert_int_equal(chancery_campaign_close(f->repo, "small",
		&(chancery_date){ 2004, 9, 2 }), 0);
	assert_int_equal(chancery_campaign_close(f->repo, "small", NULL),
		CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message,
		"campaign 'small' is closed already (on 2004-09-02)");
	assert_int_equal(chancery_campaign_show(&out, f->repo, "small"), 0);
	assert_non_null(strstr(out, "\"closed\": \"2004-09-02\""));
	chancery_free(out);
	assert_int_equal(chancery_campaign_generate(&r, f->repo, "small", NULL),
		CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message, "campaign 'small' "
		"was closed on 2004-09-02: it generates no more letters "
		"(replies are still recorded)");
	chancery_date_parse(&d, "2004-09-10");
	assert_int_equal(chancery_campaign_remind(&rem, &ack, f->repo, "small",
		&d), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"no more reminders"));
	ro.state = "LBR";
	ro.none = 1;
	ro.received = d;
	assert_int_equal(chancery_campaign_reply(NULL, f->repo, "small", &ro), 0);
	assert_int_equal(tk_count_events(f->repo, "close"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_personalization, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_languages, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_sign_by_or_accede, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_names, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_titles, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_annex_words, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_generate, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_typed_templates, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_campaign_dates, setup, tk_teardown),
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_intention_parse),
		cmocka_unit_test_setup_teardown(test_recipients, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_letter, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_future_dates, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_supersede, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_close, setup, tk_teardown),
	};

	chancery_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
