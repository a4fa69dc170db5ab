/*
 * test_event.c - recording events: record files, trailers that plain git
 * reads, ids, history filters, lookups, reproducible commits, refusal of
 * forged fields, and a working tree edited by hand.
 */
#include "testkit.h"
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef tk_fixture fixture;

static chancery_event *note(const char *state, const char *date,
	const char *msg)
{
	chancery_event *ev = NULL;

	assert_int_equal(chancery_event_new(&ev, "note"), 0);
	if (state)
		assert_int_equal(chancery_event_add(ev, "State", state), 0);
	if (date)
		assert_int_equal(chancery_event_add(ev, "Date", date), 0);
	assert_int_equal(chancery_event_set_message(ev, msg), 0);
	return ev;
}

static void test_record_and_trailers(void **state)
{
	fixture *f = *state;
	/* dated before the day it is recorded (2004-03-12): a note is not
	 * dated in the future */
	chancery_event *ev = note("LBR", "2004-03-10", "Mission called.\n\n"
		"---\nThe reply is on its way.");
	char *out, path[512];

	assert_int_equal(chancery_event_add(ev, "Treaty", "XVIII-10"), 0);
	assert_int_equal(chancery_event_add(ev, "Treaty", "IV-11-b"), 0);
	assert_int_equal(chancery_event_attach(ev, "call.txt", "hello", 5), 0);
	assert_int_equal(chancery_event_record(f->repo, ev), 0);
	assert_int_equal(strlen(chancery_event_id(ev)), 25);
	assert_memory_equal(chancery_event_id(ev), "20040312T090000Z-", 17);
	assert_int_equal(strlen(chancery_event_commit(ev)), 40);

	/* plain git reads the trailers */
	out = tk_sh_out("cd %s && git log -1 --format='%%(trailers:key=Chancery-Treaty,valueonly,separator=%%x2C)' && "
		"git log -1 --format=%%B | git interpret-trailers --parse", f->dir);
	assert_non_null(strstr(out, "XVIII-10,IV-11-b"));
	assert_non_null(strstr(out, "Chancery-Event: note"));
	assert_non_null(strstr(out, "Chancery-State: LBR"));
	assert_non_null(strstr(out, "Chancery-Date: 2004-03-10"));
	assert_non_null(strstr(out, "Chancery-Attachment: call.txt sha256="
		"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 size=5"));
	free(out);

	/* the record and its attachment are files in the tree and worktree */
	snprintf(path, sizeof(path), "%s/events/2004/03/%.2s/%s.txt", f->dir,
		chancery_event_id(ev) + 6,
		chancery_event_id(ev));
	assert_int_equal(access(path, R_OK), 0);
	snprintf(path, sizeof(path), "%s/events/2004/03/%.2s/%s/call.txt",
		f->dir, chancery_event_id(ev) + 6,
		chancery_event_id(ev));
	assert_int_equal(access(path, R_OK), 0);
	{
		char *rec = NULL;
		size_t size;

		assert_int_equal(chancery_event_record_text(&rec, &size, f->repo,
			ev), 0);
		assert_non_null(strstr(rec, "Event: note\nId: "));
		assert_non_null(strstr(rec, "Recorded-By: Test Recorder <test@example.org>\n"));
		/* the record keeps the text exactly, the divider too */
		assert_non_null(strstr(rec, "\n---\nThe reply is on its way.\n"));
		chancery_free(rec);
	}
	assert_int_equal(tk_sh("cd %s && git fsck --strict 2>/dev/null && "
		"test -z \"$(git status --porcelain)\"", f->dir), 0);
	/* recording twice is refused */
	assert_int_equal(chancery_event_record(f->repo, ev), CHANCERY_EEXISTS);
	chancery_event_free(ev);
}

static void test_forged_fields_refused(void **state)
{
	chancery_event *ev = NULL;
	(void)state;

	assert_int_equal(chancery_event_new(&ev, "Note"), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_new(&ev, "note"), 0);
	assert_int_equal(chancery_event_add(ev, "State",
		"LBR\nChancery-Event: deposit"), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_add(ev, "Event", "x"), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_add(ev, "Id", "x"), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_add(ev, "bad key", "x"), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_add(ev, "State", ""), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_add(ev, "State", "\xff"), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_attach(ev, "../x", "a", 1), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_attach(ev, ".git", "a", 1), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_attach(ev, "a/b", "a", 1), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_set_message(ev, "a\x01"), CHANCERY_EINVALID);
	/* C1 controls (U+009B is CSI) are control characters too */
	assert_int_equal(chancery_event_add(ev, "State", "L\xc2\x9b" "2J"), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_set_message(ev, "a\xc2\x85" "b"), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_set_subject(ev, "\xc2\x9d" "0;x"), CHANCERY_EINVALID);
	assert_int_equal(chancery_event_field_count(ev), 0);
	chancery_event_free(ev);
}

typedef struct {
	char ids[16][64];
	size_t n;
} collected;

static int collect(const chancery_event *ev, void *payload)
{
	collected *c = payload;

	if (c->n < 16)
		snprintf(c->ids[c->n++], 64, "%s %s", chancery_event_type(ev),
			chancery_event_get(ev, "State") ?
			chancery_event_get(ev, "State") : "-");
	return 0;
}

typedef struct {
	size_t notes;
	size_t forged;
} collected_count;

static int count_events(const chancery_event *ev, void *payload)
{
	collected_count *n = payload;
	const char *st = chancery_event_get(ev, "State");

	if (!strcmp(chancery_event_type(ev), "note"))
		n->notes++;
	if (st && strchr(st, 0x1b))
		n->forged++;
	return 0;
}

/* What recording refuses is refused when read back from a commit: one
 * rule for input and history (forged trailers made with plain git). */
static void test_forged_history_refused(void **state)
{
	static char long_value[1200];
	static const char *bad[] = {
		"n\n\nChancery-Event: note\nChancery-State: \x1b]52;c;SGk=\x07\n",
		"n\n\nChancery-Event: note\nChancery-State: \x1b[2J\n",
		"n\n\nChancery-Event: note\nChancery-State: LBR\rCHE\n",
		"n\n\nChancery-Event: note\nChancery-State: \xff\n",
		"n\n\nChancery-Event: note\nChancery-State: \xc2\x9b" "2J\n",
		"n\n\nChancery-Event: Note\n",
		"n\n\nChancery-Event: note\x1b[2J\n",
		"n\n\nChancery-Event: note\nChancery-Recorded: 2004-01-01\n",
		"n\n\nChancery-Event: note\nChancery-Id: 100000101T000000Z-3aa2b6b0\n",
		"n\n\nChancery-Event: note\nChancery-Id: 20040312T090000Z-\x1b[2J\n",
		"n\n\nChancery-Event: note\nChancery-Event: deposit\n",
		"\x1b[2Jn\n\nChancery-Event: note\n",
		"n\n\nhello \x1b[31mred\n\nChancery-Event: note\n",
		"n\n\nhello \x7f\n\nChancery-Event: note\n",
		"n\n\nhello \xc2\x9b" "31m\n\nChancery-Event: note\n",
		long_value,
	};
	chancery_event *ev = NULL;
	(void)state;

	snprintf(long_value, sizeof(long_value), "n\n\nChancery-Event: note\n"
		"Chancery-State: %01030d\n", 7);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		int error = chancery__event_from_message(&ev, bad[i], "A",
			"a@example.org", 1079082000, 0);

		if (error != CHANCERY_EINVALID)
			fail_msg("forged message %zu: %d, want CHANCERY_EINVALID",
				i, error);
		assert_null(ev);
	}
	/* the author and the clock too */
	assert_int_equal(chancery__event_from_message(&ev,
		"n\n\nChancery-Event: note\n", "A\x1b[2J", "a@example.org",
		1079082000, 0), CHANCERY_EINVALID);
	assert_int_equal(chancery__event_from_message(&ev,
		"n\n\nChancery-Event: note\n", "A", "a@example.org",
		INT64_C(253402300800), 0), CHANCERY_EINVALID);
	/* and what recording writes still reads: tabs and "---" lines in the
	 * text, attachments, a text at the size limit plus its indents */
	assert_int_equal(chancery__event_from_message(&ev,
		"note LBR: a\tb\n\na\tb\n ---\nc\n\n"
		"Chancery-Event: note\nChancery-Id: 20040312T090000Z-0123abcd\n"
		"Chancery-State: LBR\n"
		"Chancery-Attachment: x.pdf sha256=00 size=1\n", "A",
		"a@example.org", 1079082000, 0), 0);
	assert_string_equal(chancery_event_message(ev), "a\tb\n ---\nc");
	assert_string_equal(chancery_event_get(ev, "Attachment"),
		"x.pdf sha256=00 size=1");
	chancery_event_free(ev);
}

/* a forged commit on the branch is no event of the history */
static void test_forged_commit_skipped(void **state)
{
	fixture *f = *state;
	chancery_event *ev = note("LBR", NULL, "honest");
	collected_count n = { 0 };

	assert_int_equal(chancery_event_record(f->repo, ev), 0);
	chancery_event_free(ev);
	assert_int_equal(tk_sh("cd '%s' && c=$(printf 'forged\\n\\n"
		"Chancery-Event: note\\nChancery-State: \\033]52;c;SGk=\\007\\n' | "
		"git -c user.name=P -c user.email=p@example.org commit-tree "
		"HEAD^{tree} -p HEAD) && git update-ref "
		"refs/heads/main $c", f->dir), 0);
	assert_int_equal(chancery_event_foreach(f->repo, NULL, count_events,
		&n), 0);
	assert_int_equal(n.notes, 1);
	assert_int_equal(n.forged, 0);
}

static void test_history_filters(void **state)
{
	fixture *f = *state;
	chancery_log_options o = CHANCERY_LOG_OPTIONS_INIT;
	chancery_date since, until;
	collected c = { 0 };
	const char *specs[][2] = { { "LBR", "2004-04-02" }, { "CHE", "2004-08-20" },
		{ "LBR", "2004-09-22" } };
	/* recorded on 2004-09-30: no note is dated after the day it is made */
	const chancery_signature later = { "Test Recorder", "test@example.org",
		1096534800, 0 };

	assert_int_equal(chancery_repository_set_signature(f->repo, &later), 0);
	for (int i = 0; i < 3; i++) {
		chancery_event *ev = note(specs[i][0], specs[i][1], "item");

		assert_int_equal(chancery_event_record(f->repo, ev), 0);
		chancery_event_free(ev);
	}
	o.state = "LBR";
	assert_int_equal(chancery_event_foreach(f->repo, &o, collect, &c), 0);
	assert_int_equal(c.n, 2);
	memset(&c, 0, sizeof(c));
	o.state = NULL;
	chancery_date_parse(&since, "2004-05-01");
	chancery_date_parse(&until, "2004-09-01");
	o.since = &since;
	o.until = &until;
	assert_int_equal(chancery_event_foreach(f->repo, &o, collect, &c), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.ids[0], "note CHE");
	memset(&c, 0, sizeof(c));
	o.since = o.until = NULL;
	o.oldest_first = 1;
	assert_int_equal(chancery_event_foreach(f->repo, &o, collect, &c), 0);
	assert_int_equal(c.n, 4);
	assert_string_equal(c.ids[0], "init -");
	assert_string_equal(c.ids[3], "note LBR");
}

static void test_lookup(void **state)
{
	fixture *f = *state;
	chancery_event *ev = note("LBR", NULL, "first"), *found = NULL;
	char prefix[24];

	assert_int_equal(chancery_event_record(f->repo, ev), 0);
	assert_int_equal(chancery_event_lookup(&found, f->repo,
		chancery_event_id(ev)), 0);
	assert_string_equal(chancery_event_commit(found), chancery_event_commit(ev));
	assert_string_equal(chancery_event_message(found), "first");
	assert_int_equal(chancery_event_path_count(found), 1);
	chancery_event_free(found);
	memcpy(prefix, chancery_event_commit(ev), 8);
	prefix[8] = '\0';
	assert_int_equal(chancery_event_lookup(&found, f->repo, prefix), 0);
	assert_string_equal(chancery_event_id(found), chancery_event_id(ev));
	chancery_event_free(found);
	assert_int_equal(chancery_event_lookup(&found, f->repo, "nothing"),
		CHANCERY_ENOTFOUND);
	/* both events share the pinned second: the time prefix is ambiguous */
	assert_int_equal(tk_note(f->repo, NULL, "second"), 0);
	assert_int_equal(chancery_event_lookup(&found, f->repo, "20040312T"),
		CHANCERY_EINVALID);
	chancery_event_free(ev);
}

static void test_reproducible(void **state)
{
	char *a = tk_tempdir(), *b = tk_tempdir();
	chancery_repository *ra, *rb;
	char ha[41], hb[41];

	(void)state;
	tk_rmrf(a);
	tk_rmrf(b);
	ra = tk_repo(a, false);
	rb = tk_repo(b, false);
	assert_int_equal(tk_note(ra, "LBR", "same"), 0);
	assert_int_equal(tk_note(rb, "LBR", "same"), 0);
	chancery_repository_head(ha, ra);
	chancery_repository_head(hb, rb);
	assert_string_equal(ha, hb);
	chancery_repository_free(ra);
	chancery_repository_free(rb);
	tk_rmrf(a);
	tk_rmrf(b);
	free(a);
	free(b);
}

static void test_dirty_worktree(void **state)
{
	fixture *f = *state;
	char before[41], after[41];
	int error;

	assert_int_equal(tk_note(f->repo, "LBR", "kept"), 0);
	chancery_repository_head(before, f->repo);
	/* a record edited by hand */
	assert_int_equal(tk_sh("cd %s && for r in events/*/*/*/*.txt; do "
		"echo tampered >> $r; done", f->dir), 0);
	error = tk_note(f->repo, "LBR", "refused");
	assert_int_equal(error, CHANCERY_EDIRTY);
	assert_non_null(strstr(chancery_error_last()->message, "changed by hand"));
	chancery_repository_head(after, f->repo);
	assert_string_equal(before, after);
	/* restored: it works again */
	assert_int_equal(tk_sh("cd %s && git checkout -q -- .", f->dir), 0);
	assert_int_equal(tk_note(f->repo, "LBR", "accepted"), 0);
	/* a deleted record, and a record staged by hand */
	assert_int_equal(tk_sh("cd %s && rm events/*/*/*/*.txt", f->dir), 0);
	assert_int_equal(tk_note(f->repo, NULL, "x"), CHANCERY_EDIRTY);
	assert_int_equal(tk_sh("cd %s && git checkout -q -- . && "
		"f=$(ls events/*/*/*/*.txt | head -1) && echo x >> $f && git add $f",
		f->dir), 0);
	assert_int_equal(tk_note(f->repo, NULL, "x"), CHANCERY_EDIRTY);
	/* untracked files of the user's own are fine */
	assert_int_equal(tk_sh("cd %s && git reset -q --hard && mkdir -p scans && "
		"echo pdf > scans/LBR.pdf", f->dir), 0);
	assert_int_equal(tk_note(f->repo, NULL, "with scans lying around"), 0);
	assert_int_equal(tk_sh("test -f %s/scans/LBR.pdf", f->dir), 0);
}

/* The index's stamp (engine/worktree_stamp.c): while it holds, a write
 * checks only the working tree; whatever rewrites the index or moves the
 * branch makes the next write check in full, and hand edits are refused
 * either way. */
static bool stamp_holds(chancery_repository *repo)
{
	git_oid head;

	return git_reference_name_to_id(&head, repo->git, repo->branch) == 0 &&
		chancery__stamp_matches(repo, &head) == 1;
}

static void test_worktree_stamp(void **state)
{
	fixture *f = *state;

	/* init checked out its commit: the stamp holds, the note checks
	 * only the working tree and leaves a stamp of its own commit */
	assert_true(stamp_holds(f->repo));
	assert_int_equal(tk_note(f->repo, "LBR", "first"), 0);
	assert_int_equal(f->repo->worktree_check, 1);
	assert_true(stamp_holds(f->repo));
	/* a record edited in the working tree: refused on the cheap path */
	assert_int_equal(tk_sh("cd %s && for r in events/*/*/*/*.txt; do "
		"echo tampered >> $r; done", f->dir), 0);
	assert_int_equal(tk_note(f->repo, "LBR", "x"), CHANCERY_EDIRTY);
	assert_int_equal(f->repo->worktree_check, 1);
	/* the same edit staged with git add: the index was rewritten, the
	 * stamp no longer holds, the full check refuses it */
	assert_int_equal(tk_sh("cd %s && git add events", f->dir), 0);
	assert_false(stamp_holds(f->repo));
	assert_int_equal(tk_note(f->repo, "LBR", "x"), CHANCERY_EDIRTY);
	assert_int_equal(f->repo->worktree_check, 2);
	/* git reset rewrites the index too: the full check, which finds
	 * only the working tree's edit now */
	assert_int_equal(tk_sh("cd %s && git reset -q", f->dir), 0);
	assert_false(stamp_holds(f->repo));
	assert_int_equal(tk_note(f->repo, "LBR", "x"), CHANCERY_EDIRTY);
	assert_int_equal(f->repo->worktree_check, 2);
	/* restored: the full check passes, and its checkout stamps again */
	assert_int_equal(tk_sh("cd %s && git checkout -q -- .", f->dir), 0);
	assert_int_equal(tk_note(f->repo, "LBR", "second"), 0);
	assert_int_equal(f->repo->worktree_check, 2);
	assert_true(stamp_holds(f->repo));
	assert_int_equal(tk_note(f->repo, "LBR", "third"), 0);
	assert_int_equal(f->repo->worktree_check, 1);
	/* the branch moved without a checkout (what a writer killed after
	 * publishing leaves; here moved back by git): the index holds a
	 * record the branch lacks, which only the full check sees */
	assert_int_equal(tk_sh("cd %s && git update-ref refs/heads/main "
		"HEAD~1", f->dir), 0);
	assert_false(stamp_holds(f->repo));
	assert_int_equal(tk_note(f->repo, "LBR", "x"), CHANCERY_EDIRTY);
	assert_int_equal(f->repo->worktree_check, 2);
	assert_int_equal(tk_sh("cd %s && git update-ref refs/heads/main "
		"HEAD@{1}", f->dir), 0);
	/* the index file touched, a stamp damaged or missing: any doubt
	 * reads as "check in full" */
	assert_true(stamp_holds(f->repo));
	assert_int_equal(tk_sh("touch -d '1 minute ago' %s/.git/index",
		f->dir), 0);
	assert_false(stamp_holds(f->repo));
	assert_int_equal(tk_note(f->repo, "LBR", "fourth"), 0);
	assert_int_equal(f->repo->worktree_check, 2);
	assert_true(stamp_holds(f->repo));
	assert_int_equal(tk_sh("cd %s/.git/chancery && sed -i 's/ / x/' "
		"worktree-stamp", f->dir), 0);
	assert_false(stamp_holds(f->repo));
	assert_int_equal(tk_sh("rm %s/.git/chancery/worktree-stamp", f->dir), 0);
	assert_false(stamp_holds(f->repo));
	assert_int_equal(tk_note(f->repo, "LBR", "fifth"), 0);
	assert_int_equal(f->repo->worktree_check, 2);
	assert_true(stamp_holds(f->repo));
}

static void test_open_errors(void **state)
{
	char *dir = tk_tempdir();
	chancery_repository *repo = NULL;
	char path[512];

	(void)state;
	assert_int_equal(chancery_repository_open(&repo, dir), CHANCERY_ENOTFOUND);
	assert_int_equal(tk_sh("cd %s && git init -q . && echo a > a && git add a && "
		"git -c user.name=x -c user.email=x@y commit -qm a", dir), 0);
	assert_int_equal(chancery_repository_open(&repo, dir), CHANCERY_ENOTREPO);
	assert_non_null(strstr(chancery_error_last()->message, "not chancery's"));
	/* init refuses a folder that is not empty, and leaves it alone */
	assert_int_equal(chancery_repository_init(&repo, dir, NULL, &tk_signature),
		CHANCERY_EEXISTS);
	assert_int_equal(tk_sh("test -f %s/a && test -d %s/.git", dir, dir), 0);
	tk_rmrf(dir);
	/* a detached HEAD is refused */
	repo = tk_repo(dir, true);
	chancery_repository_free(repo);
	assert_int_equal(tk_sh("cd %s && git checkout -q --detach", dir), 0);
	assert_int_equal(chancery_repository_open(&repo, dir), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message, "detached"));
	/* opening from a subfolder finds the repository */
	assert_int_equal(tk_sh("cd %s && git checkout -q main", dir), 0);
	snprintf(path, sizeof(path), "%s/registry", dir);
	assert_int_equal(chancery_repository_open(&repo, path), 0);
	chancery_repository_free(repo);
	tk_rmrf(dir);
	free(dir);
}

static void test_no_identity(void **state)
{
	char *dir = tk_tempdir();
	chancery_repository *repo = NULL;

	(void)state;
	tk_rmrf(dir);
	/* HOME has no ~/.gitconfig in the test environment */
	assert_int_equal(chancery_repository_init(&repo, dir, NULL, NULL),
		CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message, "who is recording"));
	assert_int_equal(tk_sh("test -e %s", dir), 1); /* nothing left */
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_record_and_trailers, tk_setup_empty, tk_teardown),
		cmocka_unit_test(test_forged_fields_refused),
		cmocka_unit_test(test_forged_history_refused),
		cmocka_unit_test_setup_teardown(test_forged_commit_skipped, tk_setup_empty, tk_teardown),
		cmocka_unit_test_setup_teardown(test_history_filters, tk_setup_empty, tk_teardown),
		cmocka_unit_test_setup_teardown(test_lookup, tk_setup_empty, tk_teardown),
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test_setup_teardown(test_dirty_worktree, tk_setup_empty, tk_teardown),
		cmocka_unit_test_setup_teardown(test_worktree_stamp, tk_setup_empty, tk_teardown),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_no_identity),
	};

	chancery_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
