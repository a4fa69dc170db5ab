/*
 * test_iofail.c - I/O failure at every step: the command line tool runs
 * with faultio.so preloaded, which fails its Nth write-side system call
 * (open for writing, write, rename, mkdir, fsync...) with ENOSPC, as a
 * full disk would; N = 1, 2, ... until a run fails nothing. One pass fails
 * with EACCES instead, as a read-only folder would; one kills the sync at
 * each call instead (test_killed).
 *
 * Each run starts from a copy of the same prepared office (a repository
 * with a campaign, and a bare remote beside it). A run that fails must
 * exit with 5 (system error) after exactly one line "chancery: ...", and
 * leave the repository as it was: the same branch heads and refs, the
 * same working tree, `git fsck --strict` and `chancery verify` clean, and
 * the same command, run again without faults, succeeds. A run that
 * succeeds although a call failed must have done all its work,
 * verifiably: that is the checkout of the working tree after the branch
 * moved (the record is made; the lock keeps its mark and the next command
 * or verify finishes the checkout), or a retry.
 *
 * Every point is tried up to DENSE; past it the stride grows by a
 * sixteenth of the position. IOFAIL_ONLY=NAME runs one scenario (sync_killed: the kill pass): ctest
 * runs each as its own test (unit.iofail.NAME), so that they share the
 * cores with the other suites instead of running one after another.
 */
#include "testkit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DENSE 160

static const char author[] = "Treaty Section <ts@example.org>";

typedef struct {
	const char *name;
	const char *args; /* after "chancery --author A", in office/repo */
	const char *gone; /* a path that must not exist after a failure */
} scenario;

static char *office; /* office/repo, office/remote.git, office/files */
static char *work;

static int prepare(void **state)
{
	(void)state;
	office = tk_tempdir();
	work = tk_tempdir();
	tk_rmrf(office);
	tk_rmrf(work);
	return tk_sh("mkdir -p '%s/files' && cd '%s' && "
		"printf 'state\\nLBR\\nFRA\\nMEX\\n' > files/rec.tsv && "
		"printf '%%%%PDF-1.4\\n%%%% instrument of signature\\n%%%%%%%%EOF\\n' "
		"> files/inst.pdf && "
		"printf 'a reply, scanned' > files/reply.txt && "
		"git init -q --bare remote.git && "
		"export CHANCERY_NOW=2004-03-12T09:00:00Z && "
		"'%s' --author 'Desk <d@example.org>' init repo >/dev/null && cd repo && "
		"git config user.name Desk && git config user.email d@example.org && "
		"git remote add origin ../remote.git && "
		"'%s' campaign open c --workflow treaty-event --letter-date "
		"2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 "
		"--featured focus2004 --recipients ../files/rec.tsv >/dev/null && "
		"'%s' letters generate c >/dev/null && "
		"'%s' send c --date 2004-03-12 >/dev/null && "
		"'%s' campaign open d --workflow treaty-event --letter-date "
		"2004-03-20 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 "
		"--featured focus2004 --recipients ../files/rec.tsv >/dev/null && "
		"'%s' sync >/dev/null && "
		/* another office records a note: the sync below merges it */
		"git clone -q -b $(git symbolic-ref --short HEAD) ../remote.git ../other && cd ../other && "
		"git config user.name Other && git config user.email o@example.org && "
		"'%s' note --state FRA 'from the other desk' >/dev/null && "
		"'%s' sync >/dev/null && cd .. && rm -rf other && "
		/* and one of ours: the sync merges, then pushes */
		"cd repo && '%s' note --state MEX 'a call to the mission' >/dev/null",
		office, office, CHANCERY_BIN, CHANCERY_BIN, CHANCERY_BIN,
		CHANCERY_BIN, CHANCERY_BIN, CHANCERY_BIN, CHANCERY_BIN,
		CHANCERY_BIN, CHANCERY_BIN);
}

static int cleanup(void **state)
{
	(void)state;
	tk_rmrf(work);
	tk_rmrf(office);
	tk_sh("rm -f '%s.err' '%s.mark' '%s.count'", work, work, work);
	free(work);
	free(office);
	return 0;
}

/* What must not change: our refs, the remote's, the working tree. The
 * remote-tracking refs are left out: like git's, a sync that fetched and
 * then failed keeps what it fetched (a copy of the remote's state). */
static char *ours(const char *dir)
{
	return tk_sh_out("cd '%s/repo' && git for-each-ref --format='%%(refname) "
		"%%(objectname)' | grep -v '^refs/remotes/' && git status "
		"--porcelain --untracked-files=all", dir);
}

static char *theirs(const char *dir)
{
	return tk_sh_out("git -C '%s/remote.git' for-each-ref "
		"--format='%%(refname) %%(objectname)'", dir);
}

/* a then b, in a new string; frees both */
static char *concat(char *a, char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *both = malloc(na + nb + 1);

	assert_non_null(both);
	memcpy(both, a, na);
	memcpy(both + na, b, nb + 1);
	free(a);
	free(b);
	return both;
}

static char *snapshot(const char *dir)
{
	return concat(ours(dir), theirs(dir));
}

/* `err`: the errno a failed call gets; KILLED: the process dies instead */
#define KILLED (-9)

/*
 * Run the scenario's command, the `at`th write-side call failed (0: none).
 * Under ASan a failed run unwinds every allocation's stack in full: a
 * checkout that fails leaks inside Debian's libgit2 (tests/lsan.supp),
 * which only a whole stack tells from a leak of ours.
 */
static int run(const scenario *s, long at, int err, const char *mark,
	const char *count)
{
	return tk_sh("cd '%s/repo' && CHANCERY_NOW=2004-09-22T10:00:00Z %s"
		"FAULTIO_AT=%ld FAULTIO_ERRNO=%d FAULTIO_MARK='%s' "
		"FAULTIO_COUNT='%s' ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}"
		"verify_asan_link_order=0%s\" LSAN_OPTIONS=\"${LSAN_OPTIONS:+$LSAN_OPTIONS:}"
		"print_suppressions=0\" LD_PRELOAD='%s' '%s' --author '%s' %s "
		">/dev/null 2>'%s.err'", work, err == KILLED ? "FAULTIO_KILL=1 " :
		"", at, err, mark, count, at > 0 ? ":fast_unwind_on_malloc=0" : "",
		FAULTIO_SO, CHANCERY_BIN, author, s->args, work);
}

/* The same, in a fresh copy of the office. */
static int run_fresh(const scenario *s, long at, int err, const char *mark,
	const char *count)
{
	tk_rmrf(work);
	unlink(mark);
	assert_int_equal(tk_sh("cp -a '%s' '%s'", office, work), 0);
	return run(s, at, err, mark, count);
}

/* What a sync that merged and then failed to push leaves: our side as a
 * whole sync leaves it (the merge is one complete commit; the next sync
 * pushes it, as documented in docs/commands/sync.md), the remote's as it
 * was. NULL for the other scenarios, which must leave everything. */
static char *merged_only(const scenario *s, int err, const char *mark,
	const char *count)
{
	if (strcmp(s->name, "sync"))
		return NULL;
	assert_int_equal(run_fresh(s, 0, err, mark, count), 0);
	return concat(ours(work), theirs(office));
}

static bool clean(const char *dir)
{
	return tk_sh("cd '%s/repo' && git fsck --strict >/dev/null 2>&1 && "
		"'%s' verify >/dev/null 2>&1", dir, CHANCERY_BIN) == 0;
}

static void one_scenario(const scenario *s, int err)
{
	char *base, *merged, mark[512], count[512];
	long n, failed = 0, absorbed = 0, behind = 0, calls = 0;
	const char *only = getenv("IOFAIL_ONLY");

	if (only && strcmp(only, s->name))
		return;
	base = snapshot(office);
	snprintf(mark, sizeof(mark), "%s.mark", work);
	snprintf(count, sizeof(count), "%s.count", work);
	merged = merged_only(s, err, mark, count);
	for (n = 1;; n += n < DENSE ? 1 : n / 16) {
		char *after, *line;
		int rc;

		rc = run_fresh(s, n, err, mark, count);
		if (access(mark, F_OK) != 0) {
			/* fewer calls than n: nothing failed, it must be done */
			if (rc != 0)
				fail_msg("%s: failed with no fault injected (exit "
					"%d):\n%s", s->name, rc,
					tk_sh_out("cat '%s.err'", work));
			line = tk_sh_out("tail -1 '%s'", count);
			calls = atol(line + 6);
			free(line);
			break;
		}
		line = tk_sh_out("head -1 '%s'", mark);
		if (rc == 0) {
			/* recorded all the same: a failure after the branch
			 * moved (the working tree's checkout) leaves the
			 * lock's mark, and the next command or verify
			 * finishes the checkout; or a retry absorbed it.
			 * Either way the work is complete and sound. */
			if (tk_sh("test -s '%s/repo/.git/chancery.lock'", work) == 0)
				behind++;
			else {
				absorbed++;
				if (getenv("IOFAIL_VERBOSE"))
					printf("absorbed: %s", line);
			}
			if (!clean(work))
				fail_msg("%s: call %ld (%s) failed, the command "
					"succeeded, and the repository does not verify",
					s->name, n, line);
			free(line);
			continue;
		}
		failed++;
		if (rc != 5)
			fail_msg("%s: call %ld (%s) failed: exit %d, want 5 "
				"(system error):\n%s", s->name, n, line, rc,
				tk_sh_out("cat '%s.err'", work));
		if (tk_sh("test $(wc -l < '%s.err') -eq 1 && "
			"grep -q '^chancery: ' '%s.err'", work, work) != 0)
			fail_msg("%s: call %ld (%s): not one line 'chancery: ...':"
				"\n%s", s->name, n, line,
				tk_sh_out("cat '%s.err'", work));
		after = snapshot(work);
		if (strcmp(base, after) && (!merged || strcmp(merged, after)))
			fail_msg("%s: call %ld (%s) failed and the repository "
				"changed:\n%s->\n%s", s->name, n, line, base, after);
		free(after);
		if (!clean(work))
			fail_msg("%s: call %ld (%s) failed and the repository "
				"does not verify", s->name, n, line);
		if (s->gone && tk_sh("test ! -e '%s/%s'", work, s->gone) != 0)
			fail_msg("%s: call %ld (%s) failed and left %s behind",
				s->name, n, line, s->gone);
		/* nothing left in the way: the same command now succeeds */
		if (run(s, 0, err, mark, count) != 0)
			fail_msg("%s: after a failure at call %ld (%s), the "
				"command fails again:\n%s", s->name, n, line,
				tk_sh_out("cat '%s.err'", work));
		free(line);
	}
	printf("%s (%s): %ld write-side calls; %ld failure points tried: "
		"%ld refused with nothing written, %ld recorded with the "
		"working tree finished later, %ld absorbed\n", s->name,
		err == 28 ? "disk full" : "no permission", calls,
		failed + absorbed + behind, failed, behind, absorbed);
	assert_true(failed > 5);
	free(merged);
	free(base);
}

static const scenario scenarios[] = {
	{ "note", "note --state LBR --attach ../files/reply.txt "
	  "'a call from the mission'", NULL },
	{ "reply", "reply c LBR --received 2004-08-20 --intends sign:IV-13 "
	  "--attach ../files/reply.txt", NULL },
	{ "deposit", "deposit LBR IV-13 signature --date 2004-09-22 "
	  "--signed-by full-powers:FP-1 --instrument ../files/inst.pdf "
	  "--local", NULL },
	{ "letters", "letters generate d", NULL },
	{ "sync", "sync", NULL },
	{ "export", "export bagit ../bag", "bag" },
};

static void test_disk_full(void **state)
{
	const char *only = getenv("IOFAIL_ONLY");
	bool known = !only || !strcmp(only, "sync_killed");

	(void)state;
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(*scenarios); i++) {
		known |= only && !strcmp(only, scenarios[i].name);
		one_scenario(&scenarios[i], 28);
	}
	/* a misspelt name would run nothing, and pass */
	if (!known)
		fail_msg("IOFAIL_ONLY=%s names no scenario", only);
}

/*
 * The sync killed at every write-side call (faultio's FAULTIO_KILL: the
 * process dies just before making it, which is every state on disk a
 * kill can leave but a write cut short). After each kill both
 * repositories pass `git fsck --strict` and ours `chancery verify`; the
 * same sync then succeeds, and leaves both exactly as an undisturbed
 * sync does (the merge is made at a fixed time, so its id is the same).
 */
static void test_killed(void **state)
{
	const scenario *s = &scenarios[4];
	const char *only = getenv("IOFAIL_ONLY");
	char mark[512], count[512], *want;
	long n, killed = 0;

	(void)state;
	if (only && strcmp(only, "sync_killed"))
		return;
	snprintf(mark, sizeof(mark), "%s.mark", work);
	snprintf(count, sizeof(count), "%s.count", work);
	assert_int_equal(run_fresh(s, 0, 28, mark, count), 0);
	want = snapshot(work);
	for (n = 1;; n += n < DENSE ? 1 : n / 16) {
		char *after, *line;
		int rc;

		rc = run_fresh(s, n, KILLED, mark, count);
		if (access(mark, F_OK) != 0)
			break;
		killed++;
		line = tk_sh_out("head -1 '%s'", mark);
		if (rc != 128 + 9)
			fail_msg("sync: killed at call %ld (%s), and it exited %d",
				n, line, rc);
		if (!clean(work) || tk_sh("git -C '%s/remote.git' fsck --strict "
				">/dev/null 2>&1", work) != 0)
			fail_msg("sync: killed at call %ld (%s), and a repository "
				"does not verify:\n%s", n, line, tk_sh_out("cd '%s/repo' "
				"&& git fsck --strict 2>&1; '%s' verify 2>&1; git -C "
				"../remote.git fsck --strict 2>&1", work, CHANCERY_BIN));
		if (run(s, 0, 28, mark, count) != 0)
			fail_msg("sync: killed at call %ld (%s), the next sync "
				"fails:\n%s", n, line, tk_sh_out("cat '%s.err'", work));
		after = snapshot(work);
		if (strcmp(want, after))
			fail_msg("sync: killed at call %ld (%s) and synced again, "
				"not as an undisturbed sync:\n%s->\n%s", n, line,
				want, after);
		free(after);
		free(line);
	}
	printf("sync: killed at %ld write-side calls; each time the next sync "
		"finished it\n", killed);
	assert_true(killed > 5);
	free(want);
}

static void test_no_permission(void **state)
{
	(void)state;
	one_scenario(&scenarios[2], 13); /* the deposit */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk_full),
		cmocka_unit_test(test_no_permission),
		cmocka_unit_test(test_killed),
	};

	return cmocka_run_group_tests(tests, prepare, cleanup);
}
