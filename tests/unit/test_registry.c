/*
 * test_registry.c - the embedded Focus 2004 registry, participation
 * queries on real data, and imports: every kind of bad row is reported
 * with its place and nothing is committed. Recorded actions reach the
 * registry through the source registered with it (registry_source.h), the
 * archive's unless a test puts another.
 */
#include "testkit.h"
#include "internal.h"
#include "registry_source.h"
#include "registry_cache.h"
#include "registry_int.h"
#include "store.h"
#include "store_git.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef tk_fixture fixture;

static chancery_registry *load(fixture *f)
{
	chancery_registry *reg = NULL;

	if (chancery_registry_load(&reg, f->repo) < 0)
		fail_msg("load: %s", chancery_error_last()->message);
	return reg;
}

static void test_sample_counts(void **state)
{
	fixture *f = *state;
	chancery_registry *reg = load(f);
	const chancery_treaty **list = NULL;
	size_t n = 0;
	const chancery_state *vat, *fra;

	assert_int_equal(chancery_registry_state_count(reg), 192);
	assert_int_equal(chancery_registry_treaty_count(reg), 401);
	assert_int_equal(chancery_registry_action_count(reg), 24542);
	vat = chancery_registry_state_find(reg, "VAT");
	assert_non_null(vat);
	assert_string_equal(vat->name, "Holy See");
	fra = chancery_registry_state_find(reg, "FRA");
	assert_string_equal(fra->formal_name, "the French Republic");
	assert_string_equal(fra->language, "fr");
	assert_null(chancery_registry_state_find(reg, "XXX"));
	assert_int_equal(chancery_registry_featured(&list, &n, reg,
		"focus2004"), 0);
	assert_int_equal(n, 28);
	assert_string_equal(list[0]->id, "IV-1");
	chancery_free(list);
	assert_int_equal(chancery_registry_featured(&list, &n, reg, "nope"),
		CHANCERY_ENOTFOUND);
	/* signature rules derived from the facts */
	assert_string_equal(chancery_registry_treaty_find(reg, "XVIII-10")
		->signature_until, "2000-12-31");
	assert_string_equal(chancery_registry_treaty_find(reg, "V-5")
		->signature, "no");
	/* the source notes travel with the facts */
	{
		char *text = tk_sh_out("cd %s && head -n 2 registry/states.tsv",
			f->dir);

		assert_non_null(strstr(text, "# The 191 UN Member States"));
		free(text);
	}
	chancery_registry_free(reg);
}

static void test_status_real_data(void **state)
{
	fixture *f = *state;
	chancery_registry *reg = load(f);
	chancery_date march, early;
	static const struct {
		const char *state, *treaty;
		chancery_status want;
	} cases[] = {
		{ "LBR", "XVIII-10", CHANCERY_STATUS_SIGNATORY }, /* signed 1998 */
		{ "LBR", "IV-1", CHANCERY_STATUS_PARTY },
		{ "FRA", "IV-4", CHANCERY_STATUS_PARTY },        /* accession 1980 */
		{ "CHE", "XVIII-12", CHANCERY_STATUS_SIGNATORY },
		{ "FRA", "XVIII-12", CHANCERY_STATUS_PARTY },
		{ "USA", "XVIII-10", CHANCERY_STATUS_SIGNATORY },
		{ "LBR", "XVIII-12", CHANCERY_STATUS_NONE },
	};

	chancery_date_parse(&march, "2004-03-12");
	chancery_date_parse(&early, "1990-01-01");
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		if (chancery_registry_status(reg, cases[i].state,
				cases[i].treaty, &march) != cases[i].want)
			fail_msg("%s %s", cases[i].state, cases[i].treaty);
	/* as of an earlier date: France had not joined the Rome Statute */
	assert_int_equal(chancery_registry_status(reg, "FRA", "XVIII-10",
		&early), CHANCERY_STATUS_NONE);
	assert_int_equal(chancery_registry_status(reg, "USA", "IV-4", &early),
		CHANCERY_STATUS_SIGNATORY);
	{
		chancery_participation *p = NULL;
		size_t n = 0;
		bool seen = false;

		assert_int_equal(chancery_registry_participation(&p, &n, reg,
			"LBR", &march), 0);
		assert_true(n > 50);
		for (size_t i = 0; i < n; i++)
			if (!strcmp(p[i].treaty->id, "IV-4")) {
				seen = true;
				assert_int_equal(p[i].status,
					CHANCERY_STATUS_SIGNATORY);
				assert_null(p[i].consent);
				assert_int_equal(p[i].signature->date.year, 1967);
			}
		assert_true(seen);
		chancery_free(p);
	}
	chancery_registry_free(reg);
}

static void test_parties(void **state)
{
	fixture *f = *state;
	chancery_registry *reg = load(f);
	chancery_participation *p = NULL;
	chancery_date march;
	size_t n = 0, parties = 0;
	bool fra = false, lbr = false;

	chancery_date_parse(&march, "2004-03-12");
	assert_int_equal(chancery_registry_parties(&p, &n, reg, "XVIII-10", &march), 0);
	for (size_t i = 0; i < n; i++) {
		parties += p[i].status == CHANCERY_STATUS_PARTY;
		if (!strcmp(p[i].state->code, "FRA")) {
			fra = p[i].status == CHANCERY_STATUS_PARTY;
			assert_string_equal(p[i].consent->action, "ratification");
		}
		if (!strcmp(p[i].state->code, "LBR"))
			lbr = p[i].status == CHANCERY_STATUS_SIGNATORY;
	}
	assert_true(fra && lbr);
	assert_int_equal(parties, 92);
	assert_int_equal(n, 92 + 51);
	chancery_free(p);
	assert_int_equal(chancery_registry_parties(&p, &n, reg, "IV-99", NULL),
		CHANCERY_ENOTFOUND);
	chancery_registry_free(reg);
}

static char head_of(fixture *f, char out[41])
{
	assert_int_equal(chancery_repository_head(out, f->repo), 0);
	return out[0];
}

typedef struct {
	int count;
	char first[512];
} diags;

/* Every word of the vocabulary has its kind, whatever order the table
 * is searched in; near misses are unknown. */
static void test_action_classify(void **state)
{
	static const struct {
		const char *w;
		chancery_action_kind k;
	} words[] = {
		{ "signature", CHANCERY_ACTION_SIGNS },
		{ "ratification", CHANCERY_ACTION_BINDS },
		{ "accession", CHANCERY_ACTION_BINDS },
		{ "acceptance", CHANCERY_ACTION_BINDS },
		{ "approval", CHANCERY_ACTION_BINDS },
		{ "succession", CHANCERY_ACTION_BINDS },
		{ "consent_to_be_bound", CHANCERY_ACTION_BINDS },
		{ "definitive_signature", CHANCERY_ACTION_BINDS },
		{ "participation", CHANCERY_ACTION_BINDS },
		{ "simplified_procedure", CHANCERY_ACTION_BINDS },
		{ "provisional_application", CHANCERY_ACTION_OTHER },
		{ "provisional_acceptance", CHANCERY_ACTION_OTHER },
		{ "notification", CHANCERY_ACTION_OTHER },
		{ "application", CHANCERY_ACTION_OTHER },
		{ "reservation", CHANCERY_ACTION_OTHER },
		{ "declaration", CHANCERY_ACTION_OTHER },
		{ "objection", CHANCERY_ACTION_OTHER },
		{ "reservation_withdrawal", CHANCERY_ACTION_OTHER },
		{ "territorial_application", CHANCERY_ACTION_OTHER },
		{ "denunciation", CHANCERY_ACTION_ENDS },
		{ "", CHANCERY_ACTION_UNKNOWN },
		{ "Ratification", CHANCERY_ACTION_UNKNOWN },
		{ "ratificatio", CHANCERY_ACTION_UNKNOWN },
		{ "ratifications", CHANCERY_ACTION_UNKNOWN },
		{ "aaa", CHANCERY_ACTION_UNKNOWN },
		{ "zzz", CHANCERY_ACTION_UNKNOWN },
		{ "withdrawal", CHANCERY_ACTION_UNKNOWN },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (chancery_registry_action_classify(words[i].w) != words[i].k)
			fail_msg("'%s' classified %d, not %d", words[i].w,
				chancery_registry_action_classify(words[i].w),
				words[i].k);
}

/* chancery_registry_actions_of gives what a scan of every action gives,
 * in the registry's order, for every State on a few treaties. */
static void expect_actions_of(const chancery_registry *reg, const char *state,
	const char *treaty)
{
	const chancery_action **got = NULL;
	size_t n = 0, k = 0;

	assert_int_equal(chancery_registry_actions_of(&got, &n, reg, state,
		treaty), 0);
	for (size_t i = 0; i < chancery_registry_action_count(reg); i++) {
		const chancery_action *a = chancery_registry_action(reg, i);

		if (strcmp(a->state, state) || strcmp(a->treaty, treaty))
			continue;
		assert_true(k < n);
		assert_ptr_equal(got[k++], a);
	}
	assert_int_equal(k, n);
	chancery_free(got);
}

static void test_actions_of(void **state)
{
	fixture *f = *state;
	chancery_registry *reg = load(f);
	static const char *const treaties[] = { "XVIII-10", "IV-1", "XXVII-7",
		"XXVI-1" };
	const chancery_action **got = NULL;
	size_t n = 1;

	for (size_t t = 0; t < sizeof(treaties) / sizeof(*treaties); t++)
		for (size_t i = 0; i < chancery_registry_state_count(reg); i++)
			expect_actions_of(reg, chancery_registry_state(reg,
				i)->code, treaties[t]);
	/* Liberia's reservations and declarations come with its consent */
	assert_int_equal(chancery_registry_actions_of(&got, &n, reg, "LBR",
		"IV-4"), 0);
	assert_true(n >= 1);
	chancery_free(got);
	assert_int_equal(chancery_registry_actions_of(&got, &n, reg, "XXX",
		"IV-4"), 0);
	assert_int_equal(n, 0);
	chancery_free(got);
	chancery_registry_free(reg);
}

static void diag_cb(const char *line, void *payload)
{
	diags *d = payload;

	if (!d->count++)
		snprintf(d->first, sizeof(d->first), "%s", line);
}

/* what the last import() said it did */
static chancery_import_result last_import;

static int import(fixture *f, chancery_import_kind kind, const char *name,
	const char *text, diags *d)
{
	chancery_import_options o = CHANCERY_IMPORT_OPTIONS_INIT;

	memset(d, 0, sizeof(*d));
	o.diagnostic = diag_cb;
	o.payload = d;
	return chancery_registry_import(&last_import, f->repo, kind, name,
		text, strlen(text), &o);
}

/* ---- the registry's cache ------------------------------------------------ */

/* The head's registry parsed afresh, never from the cache. */
static chancery_registry *fresh(fixture *f)
{
	chancery_registry *reg = NULL;
	chancery_tree *t = NULL;

	assert_int_equal(chancery__tree_head(&t, NULL, f->repo), 0);
	if (chancery__registry_load_tree(&reg, f->repo, t->git) < 0)
		fail_msg("fresh: %s", chancery_error_last()->message);
	chancery__tree_free(t);
	return reg;
}

/* The head's registry through the cache; *hit says whether it answered. */
static chancery_registry *cached(fixture *f, bool *hit)
{
	chancery_registry *reg = NULL;

	if (chancery__registry_load_head(&reg, hit, f->repo) < 0)
		fail_msg("cached: %s", chancery_error_last()->message);
	return reg;
}

static void same_action(const chancery_action *a, const chancery_action *b)
{
	assert_true((a == NULL) == (b == NULL));
	if (!a)
		return;
	assert_string_equal(a->state, b->state);
	assert_string_equal(a->treaty, b->treaty);
	assert_string_equal(a->action, b->action);
	assert_string_equal(a->note, b->note);
	assert_string_equal(a->deposit, b->deposit);
	assert_int_equal(chancery_date_cmp(&a->date, &b->date), 0);
	assert_memory_equal(&a->effective, &b->effective, sizeof(a->effective));
}

static void same_list(const chancery_participation *x, size_t nx,
	const chancery_participation *y, size_t ny)
{
	assert_int_equal(nx, ny);
	for (size_t k = 0; k < nx; k++) {
		assert_string_equal(x[k].state->code, y[k].state->code);
		assert_string_equal(x[k].treaty->id, y[k].treaty->id);
		assert_int_equal(x[k].status, y[k].status);
		same_action(x[k].signature, y[k].signature);
		same_action(x[k].consent, y[k].consent);
		same_action(x[k].denunciation, y[k].denunciation);
	}
}

/* Every State's participation and the featured treaties' parties, as of
 * two days, and every action, as `a` and `b` give them. */
static void same_answers(const chancery_registry *a, const chancery_registry *b)
{
	static const chancery_date days[] = { { 2004, 9, 22 }, { 2034, 6, 1 } };
	const chancery_treaty **feat = NULL;
	size_t nfeat = 0;

	assert_int_equal(chancery_registry_state_count(a),
		chancery_registry_state_count(b));
	assert_int_equal(chancery_registry_treaty_count(a),
		chancery_registry_treaty_count(b));
	assert_int_equal(chancery_registry_action_count(a),
		chancery_registry_action_count(b));
	for (size_t i = 0; i < chancery_registry_action_count(a); i++)
		same_action(chancery_registry_action(a, i),
			chancery_registry_action(b, i));
	for (size_t i = 0; i < chancery_registry_treaty_count(a); i++)
		assert_string_equal(chancery_registry_treaty(a, i)->title,
			chancery_registry_treaty(b, i)->title);
	assert_int_equal(chancery_registry_featured(&feat, &nfeat, b,
		"focus2004"), 0);
	for (size_t d = 0; d < 2; d++) {
		for (size_t i = 0; i < chancery_registry_state_count(a); i++) {
			const char *code = chancery_registry_state(a, i)->code;
			chancery_participation *x = NULL, *y = NULL;
			size_t nx = 0, ny = 0;

			assert_int_equal(chancery_registry_participation(&x, &nx,
				a, code, &days[d]), 0);
			assert_int_equal(chancery_registry_participation(&y, &ny,
				b, code, &days[d]), 0);
			same_list(x, nx, y, ny);
			chancery_free(x);
			chancery_free(y);
		}
		for (size_t t = 0; t < nfeat; t++) {
			chancery_participation *x = NULL, *y = NULL;
			size_t nx = 0, ny = 0;

			assert_int_equal(chancery_registry_parties(&x, &nx, a,
				feat[t]->id, &days[d]), 0);
			assert_int_equal(chancery_registry_parties(&y, &ny, b,
				feat[t]->id, &days[d]), 0);
			same_list(x, nx, y, ny);
			chancery_free(x);
			chancery_free(y);
		}
	}
	chancery_free(feat);
}

/* `a` and `b` encode alike and answer alike. */
static void same_registry(const chancery_registry *a,
	const chancery_registry *b)
{
	chancery_buf x = CHANCERY_BUF_INIT, y = CHANCERY_BUF_INIT;

	assert_int_equal(chancery__reg_cache_encode(&x, a), 0);
	assert_int_equal(chancery__reg_cache_encode(&y, b), 0);
	assert_int_equal(x.size, y.size);
	assert_memory_equal(x.ptr, y.ptr, x.size);
	chancery_buf_dispose(&x);
	chancery_buf_dispose(&y);
	same_answers(a, b);
}

/* Load through the cache: `want_hit` says whether it should answer; the
 * registry is the fresh parse's, encoding and answers. */
static size_t expect_cached(fixture *f, bool want_hit)
{
	bool hit = !want_hit;
	chancery_registry *c = cached(f, &hit), *p = fresh(f);
	size_t n = chancery_registry_action_count(c);

	assert_int_equal(hit, want_hit);
	same_registry(c, p);
	chancery_registry_free(c);
	chancery_registry_free(p);
	return n;
}

static void cache_sql(fixture *f, const char *sql)
{
	assert_int_equal(tk_sh("sqlite3 '%s/.git/chancery/index.db' \"%s\"",
		f->dir, sql), 0);
}

/* The cache gives what a parse gives, stored the first time, answering
 * the next; a table changed (an import into registry/, an entry of
 * archive/) is another registry, parsed and stored again. */
static void test_cache_same_answers(void **state)
{
	fixture *f = *state;
	diags d;

	assert_int_equal(expect_cached(f, false), 24542);
	assert_int_equal(expect_cached(f, true), 24542);
	assert_int_equal(import(f, CHANCERY_IMPORT_PARTICIPATION, "one.csv",
		"state,treaty,action,date\nLBR,XVIII-12,accession,2004-10-01\n",
		&d), 0);
	assert_int_equal(expect_cached(f, false), 24542 + 1);
	assert_int_equal(expect_cached(f, true), 24542 + 1);
	assert_int_equal(tk_sh("cd %s && mkdir -p archive/LBR/XVIII-10 && "
		"echo x > archive/LBR/XVIII-10/2004-09-22-ratification.txt && "
		"git add archive && git -c user.name=x -c user.email=x@y "
		"commit -qm 'by hand'", f->dir), 0);
	assert_int_equal(expect_cached(f, false), 24542 + 2);
	assert_int_equal(expect_cached(f, true), 24542 + 2);
	/* a commit that changes neither table is the same registry */
	assert_int_equal(tk_note(f->repo, "LBR", "a note"), 0);
	assert_int_equal(expect_cached(f, true), 24542 + 2);
}

/* A damaged row is never believed: `index check` reports it, the next
 * load parses and stores it again, `index rebuild` makes it anew. */
static void test_cache_damaged(void **state)
{
	static const char *const damage[] = {
		/* one byte changed */
		"UPDATE registry_cache SET data = CAST(substr(data, 1, 999) || "
		"CASE WHEN substr(data, 1000, 1) = x'AB' THEN x'AC' ELSE x'AB' "
		"END || substr(data, 1001) AS BLOB)",
		/* cut short */
		"UPDATE registry_cache SET data = substr(data, 1, "
		"length(data) / 2)",
		/* not a blob at all */
		"UPDATE registry_cache SET data = 'registry'",
		/* the count of actions one more (checksum and all else kept) */
		"UPDATE registry_cache SET data = CAST(substr(data, 1, 16) || "
		"x'FFFF0000' || substr(data, 21) AS BLOB)",
	};
	fixture *f = *state;
	size_t events = 0, diffs = 0;

	for (size_t i = 0; i < sizeof(damage) / sizeof(*damage); i++) {
		assert_int_equal(expect_cached(f, i > 0), 24542);
		cache_sql(f, damage[i]);
		assert_int_equal(chancery_index_check(&events, &diffs, f->repo,
			NULL, NULL), 0);
		assert_int_equal(diffs, 1);
		assert_int_equal(expect_cached(f, false), 24542);
		assert_int_equal(chancery_index_check(&events, &diffs, f->repo,
			NULL, NULL), 0);
		assert_int_equal(diffs, 0);
	}
	cache_sql(f, damage[0]);
	assert_int_equal(chancery_index_rebuild(f->repo), 0);
	assert_int_equal(expect_cached(f, true), 24542);
	/* no cache at all: every load parses */
	cache_sql(f, "DROP TABLE registry_cache");
	assert_int_equal(expect_cached(f, false), 24542);
	assert_int_equal(expect_cached(f, true), 24542);
}

/* `r` encoded (a checksum to match, as a forger would write it) and
 * decoded: whether the row was believed. */
static bool believed(const chancery_registry *r)
{
	chancery_buf b = CHANCERY_BUF_INIT;
	chancery_registry *d = NULL;
	bool yes;

	assert_int_equal(chancery__reg_cache_encode(&b, r), 0);
	assert_int_equal(chancery__reg_cache_decode(&d,
		(const unsigned char *)b.ptr, b.size), 0);
	yes = d != NULL;
	chancery_registry_free(d);
	chancery_buf_dispose(&b);
	return yes;
}

/* A row forged whole, checksum and sizes right, that a parse could never
 * give: an action naming a treaty the registry lacks, states out of order,
 * a month 0 or 13. Each is a miss; believed, the first made
 * chancery_registry_participation read through a NULL treaty and the
 * dates read outside the month tables. */
static void test_cache_forged(void **state)
{
	fixture *f = *state;
	chancery_registry *r = fresh(f);
	chancery_action *a = &r->actions[0];
	const char *treaty = a->treaty;
	chancery_date date = a->date, eff = a->effective;
	size_t s0 = r->state_index[0];

	assert_true(believed(r));
	a->treaty = "XXIX-99";
	assert_false(believed(r));
	a->treaty = treaty;
	r->state_index[0] = r->state_index[1];
	r->state_index[1] = s0;
	assert_false(believed(r));
	r->state_index[1] = r->state_index[0];
	r->state_index[0] = s0;
	a->date.month = 0;
	assert_false(believed(r));
	a->date = date;
	a->effective.year = 2005;
	a->effective.month = 13;
	a->effective.day = 1;
	assert_false(believed(r));
	a->effective = eff;
	assert_true(believed(r));
	chancery_registry_free(r);
}

/* The registry a write checks against (chancery__registry_load_at of its
 * base, the head's tree) comes from the cache when the cache holds that
 * very registry, and is stored when it does not: after a change of the
 * registry the first write parses it, and the next load answers. Before,
 * each write parsed (a reply at 10^4 events took 140 ms, 85% of it the
 * parse) and left a stale row for the next reader to replace. */
static void test_cache_write_base(void **state)
{
	fixture *f = *state;
	chancery_registry *r = fresh(f), *got = NULL;
	chancery_buf b = CHANCERY_BUF_INIT;
	chancery_tree *t = NULL;
	char path[4200];
	bool hit = false;
	FILE *fp;
	diags d;

	/* a row under the head's key that a parse would not give: a load
	 * that shows it answered from the cache */
	chancery_registry_free(cached(f, &hit));
	((chancery_state *)chancery_registry_state_find(r, "LBR"))->name =
		"Liberia (from the cache)";
	assert_int_equal(chancery__reg_cache_encode(&b, r), 0);
	snprintf(path, sizeof(path), "%s/.git/row.bin", f->dir);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(b.ptr, 1, b.size, fp), b.size);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(tk_sh("cd %s && sqlite3 .git/chancery/index.db \"UPDATE "
		"registry_cache SET data = readfile('.git/row.bin')\"", f->dir), 0);
	assert_int_equal(chancery__tree_head(&t, NULL, f->repo), 0);
	assert_int_equal(chancery__registry_load_at(&got, f->repo, t), 0);
	assert_string_equal(chancery_registry_state_find(got, "LBR")->name,
		"Liberia (from the cache)");
	chancery_registry_free(got);
	chancery__tree_free(t);
	chancery_registry_free(r);
	chancery_buf_dispose(&b);

	/* another registry: the write's load parses it and stores it */
	assert_int_equal(import(f, CHANCERY_IMPORT_PARTICIPATION, "one.csv",
		"state,treaty,action,date\nLBR,XVIII-12,accession,2004-10-01\n",
		&d), 0);
	assert_int_equal(chancery__tree_head(&t, NULL, f->repo), 0);
	assert_int_equal(chancery__registry_load_at(&got, f->repo, t), 0);
	chancery__tree_free(t);
	r = fresh(f);
	same_registry(got, r);
	assert_string_equal(chancery_registry_state_find(got, "LBR")->name,
		"Liberia");
	chancery_registry_free(got);
	chancery_registry_free(r);
	assert_int_equal(expect_cached(f, true), 24542 + 1);
}

/* git config chancery.index=false: no index, so no cache; the registry
 * is parsed every time and is the same. */
static void test_cache_index_off(void **state)
{
	fixture *f = *state;

	assert_int_equal(tk_sh("cd %s && git config chancery.index false",
		f->dir), 0);
	chancery_repository_free(f->repo);
	f->repo = tk_open(f->dir);
	assert_int_equal(expect_cached(f, false), 24542);
	assert_int_equal(expect_cached(f, false), 24542);
	assert_int_equal(tk_sh("test ! -e %s/.git/chancery/index.db", f->dir),
		0);
}

static void test_import_bad_rows(void **state)
{
	fixture *f = *state;
	static const struct {
		chancery_import_kind kind;
		const char *text;
		const char *want;
	} cases[] = {
		{ CHANCERY_IMPORT_STATES, "code,name,language\nXYZ,Nowhere,de\n",
		  "bad.csv:2:13: language: 'de' is not en, fr or es" },
		{ CHANCERY_IMPORT_STATES, "code,name,language\n../x,Up,en\n",
		  "bad.csv:2:1: code: '../x' is not a State code" },
		{ CHANCERY_IMPORT_STATES,
		  "code,name,language\nXYZ,A,en\nXYZ,B,en\n",
		  "bad.csv:3:1: duplicate State: same key as line 2" },
		{ CHANCERY_IMPORT_STATES, "name,language\nNowhere,en\n",
		  "bad.csv:1:1: missing column 'code'" },
		{ CHANCERY_IMPORT_STATES, "code,language\nXYZ,en\n",
		  "new State 'XYZ' needs a name column" },
		{ CHANCERY_IMPORT_TREATIES, "id,title,adopted\nIV-99,T,2004-02-30\n",
		  "bad.csv:2:9: adopted: impossible date '2004-02-30'" },
		{ CHANCERY_IMPORT_TREATIES, "id,title\nIV/4,T\n",
		  "is not a treaty reference" },
		{ CHANCERY_IMPORT_PARTICIPATION,
		  "state,treaty,action,date\nLBR,IV-4,ratifikation,2004-09-22\n",
		  "bad.csv:2:10: action: 'ratifikation' is not in the vocabulary" },
		{ CHANCERY_IMPORT_PARTICIPATION,
		  "state,treaty,action,date\nQQQ,IV-4,ratification,2004-09-22\n",
		  "bad.csv:2:1: unknown State 'QQQ'" },
		{ CHANCERY_IMPORT_PARTICIPATION,
		  "state,treaty,action,date\nLBR,IV-98,ratification,2004-09-22\n",
		  "unknown treaty 'IV-98'" },
		{ CHANCERY_IMPORT_PARTICIPATION,
		  "state,treaty,action,date\nLBR,IV-4,ratification,2004-9-22\n",
		  "malformed date '2004-9-22'" },
		{ CHANCERY_IMPORT_STATES, "code,name,language\nXYZ,\"A\nB\",en\n",
		  "control character or line break" },
	};
	char before[41], after[41];

	head_of(f, before);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		diags d;
		int error = import(f, cases[i].kind, "bad.csv", cases[i].text, &d);

		assert_int_equal(error, CHANCERY_EINVALID);
		assert_true(d.count >= 1);
		if (!strstr(d.first, cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, d.first,
				cases[i].want);
		if (!strstr(chancery_error_last()->message, "bad.csv"))
			fail_msg("case %zu: last error '%s'", i,
				chancery_error_last()->message);
	}
	head_of(f, after);
	assert_string_equal(before, after); /* nothing was committed */
}

static void test_import_many_problems(void **state)
{
	fixture *f = *state;
	diags d;
	int error = import(f, CHANCERY_IMPORT_STATES, "many.tsv",
		"code\tname\tlanguage\nAAA\tA\txx\nBBB\tB\tyy\nCCC\tC\ten\n", &d);

	assert_int_equal(error, CHANCERY_EINVALID);
	assert_int_equal(d.count, 2);
	assert_non_null(strstr(chancery_error_last()->message,
		"(and 1 more problem)"));
}

static void test_import_upsert(void **state)
{
	fixture *f = *state;
	chancery_registry *reg;
	diags d;
	size_t before;

	assert_int_equal(import(f, CHANCERY_IMPORT_STATES, "new.csv",
		"# source: a test\ncode,name,formal_name,language\n"
		"XKX,Kosovo,the Republic of Kosovo,en\n"
		"FRA,France,the French Republic (updated),fr\n", &d), 0);
	assert_int_equal(last_import.unchanged, 0);
	assert_int_equal(last_import.rows, 2);
	{
		char head[41];

		assert_int_equal(chancery_repository_head(head, f->repo), 0);
		assert_string_equal(last_import.commit, head);
	}
	reg = load(f);
	assert_int_equal(chancery_registry_state_count(reg), 193);
	assert_string_equal(chancery_registry_state_find(reg, "FRA")->formal_name,
		"the French Republic (updated)");
	/* columns the file lacks are kept */
	assert_string_equal(chancery_registry_state_find(reg, "FRA")->name_fr,
		"France (la)");
	before = chancery_registry_action_count(reg);
	chancery_registry_free(reg);
	assert_int_equal(tk_count_events(f->repo, "import"), 1);

	/* the same again changes nothing and records nothing: not an error,
	 * the result says so */
	{
		char head[41], after[41];

		assert_int_equal(chancery_repository_head(head, f->repo), 0);
		assert_int_equal(import(f, CHANCERY_IMPORT_STATES, "new.csv",
			"code,name,formal_name,language\n"
			"XKX,Kosovo,the Republic of Kosovo,en\n", &d), 0);
		assert_int_equal(last_import.unchanged, 1);
		assert_int_equal(last_import.rows, 1);
		assert_string_equal(last_import.commit, "");
		assert_null(chancery_error_last());
		assert_int_equal(tk_count_events(f->repo, "import"), 1);
		assert_int_equal(chancery_repository_head(after, f->repo), 0);
		assert_string_equal(after, head);
	}

	/* participation of the new State; a new treaty gets its chapter */
	assert_int_equal(import(f, CHANCERY_IMPORT_TREATIES, "t.tsv",
		"mtdsg_id\tfull_title_en\topen_for_signature\n"
		"XVIII-99\tA Test Convention\tyes (until 2004-06-30)\n", &d), 0);
	assert_int_equal(import(f, CHANCERY_IMPORT_PARTICIPATION, "p.csv",
		"iso3,mtdsg_id,action,date\nXKX,XVIII-99,signature,2004-05-01\n"
		"XKX,XVIII-99,ratification,2004-09-22\n", &d), 0);
	reg = load(f);
	assert_int_equal(chancery_registry_action_count(reg), before + 2);
	{
		const chancery_treaty *t =
			chancery_registry_treaty_find(reg, "XVIII-99");

		assert_string_equal(t->chapter, "XVIII");
		assert_string_equal(t->signature, "yes");
		assert_string_equal(t->signature_until, "2004-06-30");
	}
	chancery_registry_free(reg);
	{
		char *text = tk_sh_out("cd %s && git log -1 --format='%%s|%%(trailers:key=Chancery-Rows,valueonly)' && "
			"git show HEAD:registry/states.tsv | grep -c 'source: a test'",
			f->dir);

		assert_non_null(strstr(text, "import: 2 treaty actions from p.csv|2"));
		assert_non_null(strstr(text, "\n1\n"));
		free(text);
	}
	assert_int_equal(tk_sh("cd %s && git fsck --strict 2>/dev/null", f->dir), 0);
}

static void test_shared_files_import(void **state)
{
	fixture *f = *state;
	chancery_repository *repo;
	char *dir;
	char *data;
	size_t size;
	static const struct { chancery_import_kind kind; const char *file; } files[] = {
		{ CHANCERY_IMPORT_STATES, "states-2004.tsv" },
		{ CHANCERY_IMPORT_TREATIES, "treaties-mtdsg.tsv" },
		{ CHANCERY_IMPORT_TREATIES, "treaties-focus2004.tsv" },
		{ CHANCERY_IMPORT_PARTICIPATION, "participation-mtdsg-2004-03.tsv" },
	};

	(void)f;
	if (!tk_have_shared())
		skip();
	dir = tk_tempdir();
	tk_rmrf(dir);
	repo = tk_repo(dir, true);
	for (size_t i = 0; i < 4; i++) {
		char path[512];
		chancery_import_options o = CHANCERY_IMPORT_OPTIONS_INIT;
		int error;

		snprintf(path, sizeof(path), "%s/data/%s", SHARED_DIR, files[i].file);
		assert_int_equal(chancery__read_file(&data, &size, path, 64 << 20), 0);
		error = chancery_registry_import(NULL, repo, files[i].kind, path,
			data, size, &o);
		if (error < 0)
			fail_msg("%s: %s", files[i].file, chancery_error_last()->message);
		chancery_free(data);
	}
	{
		chancery_registry *reg = NULL;
		chancery_date march;

		assert_int_equal(chancery_registry_load(&reg, repo), 0);
		assert_int_equal(chancery_registry_state_count(reg), 192);
		assert_int_equal(chancery_registry_treaty_count(reg), 401);
		assert_int_equal(chancery_registry_action_count(reg), 24542);
		assert_string_equal(chancery_registry_treaty_find(reg,
			"XVIII-13")->signature_until, "2004-06-30");
		chancery_date_parse(&march, "2004-03-12");
		assert_int_equal(chancery_registry_status(reg, "LBR", "XVIII-10",
			&march), CHANCERY_STATUS_SIGNATORY);
		chancery_registry_free(reg);
	}
	assert_int_equal(tk_count_events(repo, "import"), 4);
	chancery_repository_free(repo);
	tk_rmrf(dir);
	free(dir);
}

static void test_malformed_registry(void **state)
{
	fixture *f = *state;
	chancery_registry *reg = NULL;
	int error;

	/* someone edits the registry with plain git and commits nonsense */
	assert_int_equal(tk_sh("cd %s && sed -i 's/^FRA\\tFrance/FRA\\tFrance\\textra/;"
		"s/^DEU\\t/DEU!\\t/' registry/states.tsv && "
		"git -c user.name=x -c user.email=x@y commit -qam 'hand edit'",
		f->dir), 0);
	error = chancery_registry_load(&reg, f->repo);
	assert_int_equal(error, CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"malformed registry: registry/states.tsv:"));
	assert_null(reg);
}

/* A featured list committed by hand whose treaty column is not the first,
 * with a row too short to reach it: the row says what is missing and in
 * which file (the row was read past its last cell, and the file named
 * from freed memory, before). */
static void test_featured_short_row(void **state)
{
	fixture *f = *state;
	chancery_registry *reg = NULL;

	assert_int_equal(tk_sh("cd %s && printf 'note\\ttreaty\\nA\\n' "
		"> registry/featured/short.tsv && git add registry && "
		"git -c user.name=x -c user.email=x@y commit -qm 'hand edit'",
		f->dir), 0);
	assert_int_equal(chancery_registry_load(&reg, f->repo),
		CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"registry/featured/short.tsv:2:"));
	assert_non_null(strstr(chancery_error_last()->message,
		"missing treaty"));
	assert_null(reg);
}

/* ---- recorded actions: the source seam ---------------------------------- */

/* what main() saw before chancery_init(): the archive registers itself */
static const chancery__action_source *source_before_init;

typedef struct {
	const char *state, *treaty, *action, *date;
	int error; /* returned after the actions, or 0 */
} fake_record;

static const fake_record *fake;
static size_t nfake;

/* Reports the table through a scratch buffer it overwrites, so that a
 * registry keeping the borrowed strings would see garbage. */
static int fake_each(chancery_repository *repo, const chancery_tree *tree,
	chancery__action_cb cb, void *payload)
{
	(void)repo;
	(void)tree;
	for (size_t i = 0; i < nfake; i++) {
		char st[8], tr[64], ac[64], dep[64];
		chancery_action a = { 0 };
		int error;

		if (fake[i].error)
			return chancery__error(fake[i].error, "fake source %zu",
				i);
		snprintf(st, sizeof(st), "%s", fake[i].state);
		snprintf(tr, sizeof(tr), "%s", fake[i].treaty);
		snprintf(ac, sizeof(ac), "%s", fake[i].action);
		snprintf(dep, sizeof(dep), "fake/%zu", i);
		assert_int_equal(chancery_date_parse(&a.date, fake[i].date), 0);
		a.state = st;
		a.treaty = tr;
		a.action = ac;
		a.deposit = dep;
		a.note = "ignored";
		if ((error = cb(&a, payload)) < 0)
			return error;
		memset(st, 'X', sizeof(st) - 1);
		memset(dep, 'X', sizeof(dep) - 1);
	}
	return 0;
}

static const chancery__action_source fake_source = { "fake", fake_each, NULL };

static int load_with(chancery_registry **reg, fixture *f,
	const fake_record *records, size_t n)
{
	const chancery__action_source *was = chancery__registry_source();
	int error;

	fake = records;
	nfake = n;
	chancery__registry_set_source(&fake_source);
	error = chancery_registry_load(reg, f->repo);
	chancery__registry_set_source(was);
	return error;
}

static void test_archive_source_registered(void **state)
{
	(void)state;
	/* registered when the library loaded, before and without init */
	assert_non_null(source_before_init);
	assert_string_equal(source_before_init->name, "archive");
	assert_ptr_equal(chancery__registry_source(), source_before_init);
}

static void test_recorded_actions_join(void **state)
{
	fixture *f = *state;
	static const fake_record two[] = {
		{ "LBR", "XVIII-10", "ratification", "2004-09-22", 0 },
		{ "LBR", "XVIII-12", "accession", "2004-10-01", 0 },
	};
	chancery_registry *reg = NULL;
	chancery_date before = { 2004, 9, 21 }, on = { 2004, 9, 22 };
	const chancery_action *a;

	assert_int_equal(load_with(&reg, f, two, 2), 0);
	assert_int_equal(chancery_registry_action_count(reg), 24542 + 2);
	/* after the baseline, in the source's order, strings copied */
	a = chancery_registry_action(reg, 24542);
	assert_string_equal(a->state, "LBR");
	assert_string_equal(a->treaty, "XVIII-10");
	assert_string_equal(a->action, "ratification");
	assert_string_equal(a->deposit, "fake/0");
	assert_string_equal(a->note, "");
	assert_int_equal(chancery_date_cmp(&a->date, &on), 0);
	assert_string_equal(chancery_registry_action(reg, 24543)->deposit,
		"fake/1");
	/* and count in participation, as of their dates */
	assert_int_equal(chancery_registry_status(reg, "LBR", "XVIII-10",
		&before), CHANCERY_STATUS_SIGNATORY);
	assert_int_equal(chancery_registry_status(reg, "LBR", "XVIII-10", &on),
		CHANCERY_STATUS_PARTY);
	assert_int_equal(chancery_registry_status(reg, "LBR", "XVIII-12",
		NULL), CHANCERY_STATUS_PARTY);
	chancery_registry_free(reg);

	/* the baseline alone when the source has nothing */
	assert_int_equal(load_with(&reg, f, NULL, 0), 0);
	assert_int_equal(chancery_registry_action_count(reg), 24542);
	chancery_registry_free(reg);
}

static void test_recorded_actions_refused(void **state)
{
	fixture *f = *state;
	static const fake_record unknown_state[] = {
		{ "LBR", "XVIII-10", "ratification", "2004-09-22", 0 },
		{ "ZZZ", "XVIII-10", "ratification", "2004-09-22", 0 },
	};
	static const fake_record unknown_treaty[] = {
		{ "LBR", "XVIII-99", "ratification", "2004-09-22", 0 },
	};
	static const fake_record failing[] = {
		{ "LBR", "XVIII-10", "ratification", "2004-09-22", 0 },
		{ NULL, NULL, NULL, NULL, CHANCERY_ECONFLICT },
	};
	chancery_registry *reg = NULL;

	assert_int_equal(load_with(&reg, f, unknown_state, 2),
		CHANCERY_EINVALID);
	assert_null(reg);
	assert_string_equal(chancery_error_last()->message,
		"malformed fake: fake/1 names an unknown State");
	assert_int_equal(load_with(&reg, f, unknown_treaty, 1),
		CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message,
		"malformed fake: fake/0 names an unknown treaty");
	/* the source's own error is the load's */
	assert_int_equal(load_with(&reg, f, failing, 2), CHANCERY_ECONFLICT);
	assert_null(reg);
	assert_string_equal(chancery_error_last()->message, "fake source 1");
}

/* The registry reads no archive/ itself: what the archive's entries say
 * counts through its source, and with no source they are not read. */
static void test_archive_entries_through_source(void **state)
{
	fixture *f = *state;
	chancery_registry *reg = NULL;
	const chancery__action_source *was = chancery__registry_source();

	assert_int_equal(tk_sh("cd %s && mkdir -p archive/LBR/XVIII-10 && "
		"echo x > archive/LBR/XVIII-10/2004-09-22-ratification.txt && "
		"git add archive && git -c user.name=x -c user.email=x@y "
		"commit -qm 'by hand'", f->dir), 0);
	reg = load(f);
	assert_int_equal(chancery_registry_action_count(reg), 24542 + 1);
	assert_string_equal(chancery_registry_action(reg, 24542)->deposit,
		"archive/LBR/XVIII-10/2004-09-22-ratification.txt");
	chancery_registry_free(reg);

	assert_int_equal(tk_sh("cd %s && echo x > archive/LBR/notes.txt && "
		"git add archive && git -c user.name=x -c user.email=x@y "
		"commit -qm 'by hand'", f->dir), 0);
	assert_int_equal(chancery_registry_load(&reg, f->repo),
		CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message,
		"malformed archive: 'archive/LBR/notes.txt' is not "
		"archive/STATE/TREATY/YYYY-MM-DD-ACTION.txt");

	chancery__registry_set_source(NULL);
	reg = load(f);
	assert_int_equal(chancery_registry_action_count(reg), 24542);
	chancery_registry_free(reg);
	chancery__registry_set_source(was);
}

/* Every problem of the file, those of its own cells and those against the
 * registry: 4 bad rows of different kinds, one of them with two problems
 * (a malformed date and an unknown treaty). Only the first 2 were told,
 * the file's own checks stopping the import before the registry's. */
static void all_diags(const char *line, void *payload)
{
	chancery_buf *b = payload;

	chancery_buf_printf(b, "%s\n", line);
}

static void test_import_every_problem(void **state)
{
	fixture *f = *state;
	chancery_import_options o = CHANCERY_IMPORT_OPTIONS_INIT;
	chancery_buf b = CHANCERY_BUF_INIT;
	static const char text[] =
		"state,treaty,action,date\n"
		"LBR,IV-4,ratifikation,2004-09-22\n"
		"QQQ,IV-4,ratification,2004-09-22\n"
		"LBR,IV-98,ratification,2004-9-22\n"
		"LBR,IV-99,signature,2004-09-22\n"
		"LBR,IV-4,signature,2004-09-22\n";
	char before[41], after[41];

	head_of(f, before);
	o.diagnostic = all_diags;
	o.payload = &b;
	assert_int_equal(chancery_registry_import(NULL, f->repo,
		CHANCERY_IMPORT_PARTICIPATION, "four.csv", text, strlen(text),
		&o), CHANCERY_EINVALID);
	assert_non_null(b.ptr);
	assert_string_equal(b.ptr,
		"four.csv:2:10: action: 'ratifikation' is not in the vocabulary\n"
		"four.csv:4:24: date: malformed date '2004-9-22' (expected YYYY-MM-DD)\n"
		"four.csv:3:1: unknown State 'QQQ' (import it first)\n"
		"four.csv:4:5: unknown treaty 'IV-98' (import it first)\n"
		"four.csv:5:5: unknown treaty 'IV-99' (import it first)\n");
	assert_non_null(strstr(chancery_error_last()->message,
		"(and 4 more problems)"));
	head_of(f, after);
	assert_string_equal(before, after);
	chancery_buf_dispose(&b);
}

/* Out of memory in an import with problems of both kinds (the registry's
 * checks run at the branch head): out of memory or the problems, never a
 * crash, a leak (ASan) or a commit. Every allocation fails once; on an
 * empty registry, so that there are few (LBR is unknown there too). */
static int import_bad(fixture *f)
{
	static const char text[] =
		"state,treaty,action,date\n"
		"LBR,IV-4,ratifikation,2004-09-22\n"
		"QQQ,IV-98,ratification,2004-09-22\n";

	return chancery_registry_import(NULL, f->repo,
		CHANCERY_IMPORT_PARTICIPATION, "oom.csv", text, strlen(text),
		NULL);
}

static void test_import_every_problem_oom(void **state)
{
	fixture *f = *state;
	char before[41], after[41];
	long all;

	head_of(f, before);
	chancery_allocator_set(&tk_oom);
	tk_oom_arm(LONG_MAX);
	assert_int_equal(import_bad(f), CHANCERY_EINVALID);
	all = tk_oom_allocs();
	for (long n = 1; n <= all; n++) {
		int error;

		tk_oom_arm(n);
		error = import_bad(f);
		tk_oom_arm(0);
		if (error != CHANCERY_EINVALID && error != CHANCERY_ENOMEM)
			fail_msg("allocation %ld of %ld: got %d", n, all,
				error);
	}
	chancery_allocator_set(NULL);
	head_of(f, after);
	assert_string_equal(before, after);
}

/* ---- as of a date: nothing before it existed ------------------------- */

/* The baseline holds actions dated before their treaty's adoption (the
 * MTDSG heading date): Finland signed XIV-4 (adopted 1971-10-29) on
 * 1971-04-21, 40 States "participated" in VI-18 (adopted 1975-08-08)
 * from 1972. As of a day before adoption the treaty did not exist: no
 * status, no parties, no line in a State's participation. */
static void test_asof_before_adoption(void **state)
{
	fixture *f = *state;
	chancery_registry *reg = load(f);
	chancery_participation *p = NULL;
	chancery_date before, after;
	size_t n = 99;

	chancery_date_parse(&before, "1971-10-28");
	chancery_date_parse(&after, "1971-10-29");
	assert_int_equal(chancery_registry_status(reg, "FIN", "XIV-4",
		&before), CHANCERY_STATUS_NONE);
	assert_int_equal(chancery_registry_status(reg, "FIN", "XIV-4",
		&after), CHANCERY_STATUS_SIGNATORY);
	chancery_date_parse(&before, "1975-08-07");
	assert_int_equal(chancery_registry_parties(&p, &n, reg, "VI-18",
		&before), 0);
	assert_int_equal(n, 0);
	chancery_free(p);
	assert_int_equal(chancery_registry_participation(&p, &n, reg, "ARG",
		&before), 0);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(p[i].treaty->id, "VI-18"))
			fail_msg("ARG VI-18 as of 1975-08-07: it did not exist");
	chancery_free(p);
	/* from its adoption on, the same actions count */
	chancery_date_parse(&after, "1975-08-08");
	assert_int_equal(chancery_registry_parties(&p, &n, reg, "VI-18",
		&after), 0);
	assert_true(n >= 30);
	chancery_free(p);
	chancery_registry_free(reg);
}

static chancery_campaign_options focus_options(void)
{
	chancery_campaign_options o = CHANCERY_CAMPAIGN_OPTIONS_INIT;

	o.id = "focus2004";
	o.title = "Focus 2004";
	o.workflow = "treaty-event";
	o.featured = "focus2004";
	chancery_date_parse(&o.letter_date, "2004-03-12");
	chancery_date_parse(&o.deadline, "2004-09-01");
	chancery_date_parse(&o.event_start, "2004-09-21");
	chancery_date_parse(&o.event_end, "2004-09-24");
	return o;
}

/* true when json array `a` has an entry whose id is `id` */
static bool names(json_t *a, const char *id)
{
	size_t i;
	json_t *e;

	json_array_foreach(a, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "id")), id))
			return true;
	return false;
}

/* How many entries of `a` name a treaty adopted after `on`. */
static size_t later_than(json_t *a, const chancery_registry *reg,
	const chancery_date *on)
{
	size_t i, n = 0;
	json_t *e;

	json_array_foreach(a, i, e) {
		const chancery_treaty *t = chancery_registry_treaty_find(reg,
			json_string_value(json_object_get(e, "id")));
		chancery_date d;

		assert_non_null(t);
		if (t->adopted[0] && chancery_date_parse(&d, t->adopted) == 0 &&
		    chancery_date_cmp(&d, on) > 0)
			n++;
	}
	return n;
}

/* The letter data of every State as of 12 March 2004: the annex (33
 * treaties adopted later were listed) and the featured table name no
 * treaty that did not exist that day. */
static void test_asof_letter_annex(void **state)
{
	fixture *f = *state;
	chancery_campaign_options o = focus_options();
	chancery_registry *reg;
	size_t total = 0;

	if (chancery_campaign_open(f->repo, &o) < 0)
		fail_msg("open: %s", chancery_error_last()->message);
	reg = load(f);
	for (size_t i = 0; i < chancery_registry_state_count(reg); i++) {
		const char *code = chancery_registry_state(reg, i)->code;
		chancery_data *d = NULL;
		char *text = NULL;
		json_t *j, *review;

		if (chancery_campaign_letter_data(&d, f->repo, "focus2004",
				code) < 0)
			fail_msg("%s: %s", code, chancery_error_last()->message);
		assert_int_equal(chancery_data_to_json(&text, d), 0);
		assert_non_null(j = json_loads(text, 0, NULL));
		review = json_object_get(j, "review");
		total += later_than(review, reg, &o.letter_date) +
			later_than(json_object_get(j, "treaties"), reg,
				&o.letter_date);
		if (names(review, "IV-15") || names(review, "XXVI-8") ||
		    names(review, "XXVII-17"))
			fail_msg("%s: the annex names a treaty of 2006/2013",
				code);
		/* the 401 treaties less the 33 adopted after the day */
		assert_int_equal(json_array_size(review), 368);
		json_decref(j);
		chancery_free(text);
		chancery_data_free(d);
	}
	assert_int_equal(total, 0);
	chancery_registry_free(reg);
}

/* The predicate and the featured list as of a day: adopted on the day is
 * there, the day before is not; an unknown adoption date (XIX-40) always
 * is; no date is everything. */
static void test_asof_predicate(void **state)
{
	fixture *f = *state;
	chancery_registry *reg = load(f);
	const chancery_treaty *att = chancery_registry_treaty_find(reg, "XXVI-8");
	const chancery_treaty **list = NULL;
	chancery_date eve, day;
	size_t n = 0;

	chancery_date_parse(&eve, "2013-04-01");
	chancery_date_parse(&day, "2013-04-02");
	assert_int_equal(chancery_registry_treaty_adopted_by(att, &eve), 0);
	assert_int_equal(chancery_registry_treaty_adopted_by(att, &day), 1);
	assert_int_equal(chancery_registry_treaty_adopted_by(att, NULL), 1);
	assert_int_equal(chancery_registry_treaty_adopted_by(
		chancery_registry_treaty_find(reg, "XIX-40"), &eve), 1);
	assert_int_equal(chancery_registry_treaty_adopted_by(NULL, &day), 0);
	chancery_date_parse(&day, "1990-01-01");
	assert_int_equal(chancery_registry_featured_as_of(&list, &n, reg,
		"focus2004", &day), 0);
	assert_int_equal(n, 15);
	for (size_t i = 0; i < n; i++)
		assert_string_not_equal(list[i]->id, "IV-13"); /* 1990-12-18 */
	assert_string_equal(list[0]->id, "IV-1");
	chancery_free(list);
	assert_int_equal(chancery_registry_featured_as_of(&list, &n, reg,
		"focus2004", NULL), 0);
	assert_int_equal(n, 28);
	chancery_free(list);
	assert_int_equal(chancery_registry_featured_as_of(&list, &n, reg,
		"nope", &day), CHANCERY_ENOTFOUND);
	chancery_registry_free(reg);
}

/* A campaign featuring a treaty adopted after its letter date is refused,
 * from the registry's list as from a file, and nothing is written. */
static void test_asof_campaign_refused(void **state)
{
	fixture *f = *state;
	chancery_campaign_options o = focus_options();
	char before[41], after[41], file[600];
	FILE *fp;

	head_of(f, before);
	chancery_date_parse(&o.letter_date, "1990-06-01");
	assert_int_equal(chancery_campaign_open(f->repo, &o),
		CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message,
		"featured list 'focus2004': featured treaty IV-13 (adopted "
		"1990-12-18) did not exist on the letter date 1990-06-01");
	snprintf(file, sizeof(file), "%s/later.tsv", f->dir);
	assert_non_null(fp = fopen(file, "w"));
	fputs("treaty\nIV-1\nXXVII-17\n", fp);
	fclose(fp);
	o = focus_options();
	o.featured = file;
	assert_int_equal(chancery_campaign_open(f->repo, &o),
		CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"later.tsv:3: featured treaty XXVII-17 (adopted 2013-10-10) "
		"did not exist on the letter date 2004-03-12"));
	head_of(f, after);
	assert_string_equal(before, after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sample_counts, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_status_real_data, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_parties, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_actions_of, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_cache_same_answers, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_cache_damaged, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_cache_forged, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_cache_write_base, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_cache_index_off, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_import_bad_rows, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_import_many_problems, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_import_upsert, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_shared_files_import, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_malformed_registry, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_featured_short_row, tk_setup_sample, tk_teardown),
		cmocka_unit_test(test_archive_source_registered),
		cmocka_unit_test(test_action_classify),
		cmocka_unit_test_setup_teardown(test_recorded_actions_join, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_recorded_actions_refused, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_archive_entries_through_source, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_import_every_problem, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_import_every_problem_oom, tk_setup_empty, tk_teardown),
		cmocka_unit_test_setup_teardown(test_asof_before_adoption, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_asof_letter_annex, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_asof_predicate, tk_setup_sample, tk_teardown),
		cmocka_unit_test_setup_teardown(test_asof_campaign_refused, tk_setup_sample, tk_teardown),
	};

	source_before_init = chancery__registry_source();
	chancery_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
