/*
 * test_kill.c - the CLI killed with SIGKILL at random moments of the
 * operations that write most: a deposit with its instrument (60 trials), a
 * reply with an attached scan (50), a batch of letters (30) and a sync that
 * fetches and merges (30). After every kill: git fsck --strict accepts the
 * repository, chancery verify finds nothing altered (so every recorded file
 * is whole and matches its record), and the operation is complete or
 * absent (its events moved by 0 or 1). And a note with a 2 MiB
 * attachment (40 trials: time to be killed while writing objects, moving
 * the branch or checking out), after which every note on the branch has
 * its record and its whole attachment and the next note works (this was
 * test_crash.c). 210 kills in all; the seed is printed.
 *
 * Each run's stderr goes to a file beside its repository, never to a
 * shared path. Left out: a kill of the machine (fsync is not tested).
 */
#include "testkit.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const author = "Kill Test <kill@example.org>";

typedef struct {
	const char *name;
	/* the event type the operation records; NULL for sync, where
	 * complete means: the branch now contains the remote's head */
	const char *type;
	int trials;
	const char *dir;      /* where it runs */
	/* argv of trial i (NULL-terminated, static storage) */
	char **(*argv)(int i, void *payload);
	void *payload;
	/* before each trial, undisturbed (may be NULL) */
	void (*prepare)(int i, void *payload);
} operation;

/* where the killed runs' stderr goes: beside the repository */
static char err_file[600];

static pid_t spawn(char **argv)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		int err = open(err_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(devnull, 1);
		dup2(err >= 0 ? err : devnull, 2);
		setenv("CHANCERY_NOW", "2004-12-31T12:00:00Z", 1);
		execv(CHANCERY_BIN, argv);
		_exit(127);
	}
	return pid;
}

static long run_us(char **argv)
{
	struct timespec t0, t1;
	int st;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = spawn(argv);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("undisturbed run failed (exit %d)", WEXITSTATUS(st));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0.tv_sec) * 1000000L +
		(t1.tv_nsec - t0.tv_nsec) / 1000;
}

static void print_problem(const char *line, void *payload)
{
	(void)payload;
	printf("  verify: %s\n", line);
}

static void after_kill(const operation *op, chancery_repository *repo,
	size_t before, const char *head_before, int trial)
{
	chancery_verify_result vr;
	chancery_verify_options vo = CHANCERY_VERIFY_OPTIONS_INIT;
	size_t after;
	int error;

	vo.problem = print_problem;
	if (tk_sh("cd '%s' && git fsck --strict >/dev/null 2>&1", op->dir) != 0)
		fail_msg("%s trial %d: git fsck --strict fails", op->name, trial);
	error = chancery_archive_verify(&vr, repo, &vo);
	if (error < 0 || vr.problems)
		fail_msg("%s trial %d: verify: %s", op->name, trial,
			chancery_error_last() ? chancery_error_last()->message : "?");
	if (!op->type) {
		if (tk_sh("cd '%s' && { test \"$(git rev-parse HEAD)\" = %s || "
			"git merge-base --is-ancestor \"$(git -C '%s.remote' "
			"rev-parse main)\" HEAD; }", op->dir, head_before,
			op->dir) != 0)
			fail_msg("%s trial %d: neither as before nor merged",
				op->name, trial);
		return;
	}
	after = tk_count_events(repo, op->type);
	if (after != before && after != before + 1)
		fail_msg("%s trial %d: %zu %s events, then %zu", op->name, trial,
			before, op->type, after);
}

static void kill_trials(const operation *op)
{
	chancery_repository *repo = tk_open(op->dir);
	int killed = 0, completed = 0;
	long span;

	snprintf(err_file, sizeof(err_file), "%s.stderr", op->dir);
	if (op->prepare)
		op->prepare(-1, op->payload);
	span = run_us(op->argv(-1, op->payload));
	for (int i = 0; i < op->trials; i++) {
		long us = rand() % (span * 13 / 10 + 1);
		struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
		size_t before;
		pid_t pid;
		int st;

		char *head;

		if (op->prepare)
			op->prepare(i, op->payload);
		before = op->type ? tk_count_events(repo, op->type) : 0;
		head = tk_sh_out("cd '%s' && git rev-parse HEAD | tr -d '\\n'",
			op->dir);
		pid = spawn(op->argv(i, op->payload));
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (WIFSIGNALED(st)) {
			killed++;
			if (!completed)
				span = span * 5 / 4;
		} else if (WEXITSTATUS(st) == 0) {
			completed++;
		} else {
			char *err = tk_sh_out("cat '%s'", err_file);

			fail_msg("%s trial %d: exit %d: %s", op->name, i,
				WEXITSTATUS(st), err);
		}
		after_kill(op, repo, before, head, i);
		free(head);
	}
	printf("%s: %d trials, killed %d, completed %d (one run %ld us)\n",
		op->name, op->trials, killed, completed, span);
	assert_true(killed > 0);
	chancery_repository_free(repo);
}

/* ---- the operations ----------------------------------------------------- */

typedef struct {
	char dir[512];
	char file[600];
	char **codes;    /* States free for the operation, one per trial */
	char *argv[24];
	char buf[8][128];
} fixture;

static char **free_states(chancery_repository *repo, const char *treaty,
	int n)
{
	chancery_registry *reg = NULL;
	char **codes = calloc((size_t)n + 1, sizeof(char *));
	int k = 0;

	assert_int_equal(chancery_registry_load(&reg, repo), 0);
	for (size_t i = 0; i < chancery_registry_state_count(reg) && k < n; i++) {
		const chancery_state *s = chancery_registry_state(reg, i);

		if (chancery_registry_status(reg, s->code, treaty, NULL) ==
		    CHANCERY_STATUS_NONE)
			codes[k++] = strdup(s->code);
	}
	chancery_registry_free(reg);
	assert_int_equal(k, n);
	return codes;
}

static char **deposit_argv(int i, void *p)
{
	fixture *f = p;
	int k = 0;

	f->argv[k++] = "chancery";
	f->argv[k++] = "-C";
	f->argv[k++] = f->dir;
	f->argv[k++] = "--author";
	f->argv[k++] = (char *)author;
	f->argv[k++] = "deposit";
	f->argv[k++] = f->codes[i + 1];
	f->argv[k++] = "IV-13";
	f->argv[k++] = "signature";
	f->argv[k++] = "--date";
	f->argv[k++] = "2004-09-22";
	f->argv[k++] = "--signed-by";
	f->argv[k++] = "full-powers:FP-1";
	f->argv[k++] = "--instrument";
	f->argv[k++] = f->file;
	f->argv[k] = NULL;
	return f->argv;
}

static char **reply_argv(int i, void *p)
{
	fixture *f = p;
	int k = 0;

	f->argv[k++] = "chancery";
	f->argv[k++] = "-C";
	f->argv[k++] = f->dir;
	f->argv[k++] = "--author";
	f->argv[k++] = (char *)author;
	f->argv[k++] = "reply";
	f->argv[k++] = "c";
	f->argv[k++] = f->codes[i + 1];
	f->argv[k++] = "--received";
	f->argv[k++] = "2004-08-20";
	f->argv[k++] = "--none";
	f->argv[k++] = "--attach";
	f->argv[k++] = f->file;
	f->argv[k] = NULL;
	return f->argv;
}

/* each trial generates the letters of a campaign of its own */
static void letters_prepare(int i, void *p)
{
	fixture *f = p;

	if (tk_sh("cd '%s' && CHANCERY_NOW=2004-12-31T12:00:00Z '%s' --author "
		"'%s' campaign open l%d --workflow treaty-event --letter-date "
		"2004-03-12 --deadline 2004-09-01 --event 2004-09-21..2004-09-24 "
		"--featured focus2004 --recipients '%s' >/dev/null", f->dir,
		CHANCERY_BIN, author, i + 1, f->file) != 0)
		fail_msg("campaign l%d did not open", i + 1);
}

static char **letters_argv(int i, void *p)
{
	fixture *f = p;
	int k = 0;

	snprintf(f->buf[0], sizeof(f->buf[0]), "l%d", i + 1);
	f->argv[k++] = "chancery";
	f->argv[k++] = "-C";
	f->argv[k++] = f->dir;
	f->argv[k++] = "--author";
	f->argv[k++] = (char *)author;
	f->argv[k++] = "letters";
	f->argv[k++] = "generate";
	f->argv[k++] = f->buf[0];
	f->argv[k] = NULL;
	return f->argv;
}

/* each trial: another office records a note and pushes (retrying: our
 * sync killed inside the remote's ref lock leaves it, and its mark in the
 * remote's chancery.lock, until the next push clears it); then we record
 * one and sync, killed */
static void sync_prepare(int i, void *p)
{
	fixture *f = p;

	if (tk_sh("cd '%s.other' && CHANCERY_NOW=2004-12-31T12:00:00Z '%s' "
		"--author 'Other <o@example.org>' note --attach '%s' 'other %d' "
		">/dev/null && for t in $(seq 40); do '%s' sync >/dev/null 2>&1 "
		"&& exit 0; sleep 0.5; done; exit 1", f->dir, CHANCERY_BIN,
		f->file, i, CHANCERY_BIN) != 0)
		fail_msg("the other office could not record and push");
	/* and we record one of our own, so that syncing merges */
	if (tk_sh("cd '%s' && CHANCERY_NOW=2004-12-31T12:00:00Z '%s' --author "
		"'%s' note 'ours %d' >/dev/null", f->dir, CHANCERY_BIN, author,
		i) != 0)
		fail_msg("our note failed");
}

static char **sync_argv(int i, void *p)
{
	fixture *f = p;
	int k = 0;

	(void)i;
	f->argv[k++] = "chancery";
	f->argv[k++] = "-C";
	f->argv[k++] = f->dir;
	f->argv[k++] = "--author";
	f->argv[k++] = (char *)author;
	f->argv[k++] = "sync";
	f->argv[k] = NULL;
	return f->argv;
}

static void make_file(fixture *f, size_t kib, const char *ext)
{
	snprintf(f->file, sizeof(f->file), "%s.scan.%s", f->dir, ext);
	assert_int_equal(tk_sh("{ printf '%%%%PDF-1.4\\n'; head -c %zu "
		"/dev/urandom; printf '\\n%%%%%%%%EOF\\n'; } > '%s'", kib * 1024,
		f->file), 0);
}

static void fixture_new(fixture *f, int states)
{
	char *dir = tk_tempdir();
	chancery_repository *repo;

	snprintf(f->dir, sizeof(f->dir), "%s", dir);
	free(dir);
	tk_rmrf(f->dir);
	repo = tk_repo(f->dir, false);
	f->codes = states ? free_states(repo, "IV-13", states) : NULL;
	chancery_repository_free(repo);
}

static void fixture_free(fixture *f)
{
	for (int i = 0; f->codes && f->codes[i]; i++)
		free(f->codes[i]);
	free(f->codes);
	tk_sh("rm -rf '%s' '%s.other' '%s.remote' '%s' '%s.stderr'", f->dir,
		f->dir, f->dir, f->file, f->dir);
}

static void test_kill_deposit(void **state)
{
	fixture f = { 0 };
	operation op = { "deposit", "deposit", 60, f.dir, deposit_argv, &f,
		NULL };

	(void)state;
	fixture_new(&f, 61);
	make_file(&f, 512, "pdf");
	kill_trials(&op);
	fixture_free(&f);
}

static void test_kill_reply(void **state)
{
	fixture f = { 0 };
	operation op = { "reply", "reply", 50, f.dir, reply_argv, &f, NULL };

	(void)state;
	fixture_new(&f, 51);
	make_file(&f, 512, "pdf");
	assert_int_equal(tk_sh("cd '%s' && export CHANCERY_NOW=2004-03-12T09:00:00Z && "
		"'%s' --author '%s' campaign open c --workflow treaty-event "
		"--letter-date 2004-03-12 --deadline 2004-09-01 --event "
		"2004-09-21..2004-09-24 --featured focus2004 >/dev/null && "
		"'%s' --author '%s' letters generate c >/dev/null && "
		"'%s' --author '%s' send c --date 2004-03-12 >/dev/null",
		f.dir, CHANCERY_BIN, author, CHANCERY_BIN, author, CHANCERY_BIN,
		author), 0);
	kill_trials(&op);
	fixture_free(&f);
}

static void test_kill_letters(void **state)
{
	fixture f = { 0 };
	operation op = { "letters", "letters", 30, f.dir, letters_argv, &f,
		letters_prepare };

	(void)state;
	fixture_new(&f, 0);
	snprintf(f.file, sizeof(f.file), "%s.recipients.tsv", f.dir);
	tk_write(f.file, "state\nLBR\nFRA\nARG\nCHE\nMEX\nNOR\nSWE\nSEN\nMLI\n"
		"BRA\nCAN\nJPN\nKEN\nGHA\nPER\nCHL\nESP\nBEL\nTUN\nDZA\n");
	kill_trials(&op);
	fixture_free(&f);
}

static void test_kill_sync(void **state)
{
	fixture f = { 0 };
	operation op = { "sync", NULL, 30, f.dir, sync_argv, &f,
		sync_prepare };

	(void)state;
	fixture_new(&f, 0);
	make_file(&f, 256, "bin");
	assert_int_equal(tk_sh("cd '%s' && git clone -q --bare . '%s.remote' && "
		"git remote add origin '%s.remote' && git fetch -q origin && "
		"git clone -q '%s.remote' '%s.other' && cd '%s.other' && "
		"git config user.name Other && git config user.email o@example.org",
		f.dir, f.dir, f.dir, f.dir, f.dir, f.dir), 0);
	kill_trials(&op);
	/* after the storm, a last sync brings everything in */
	if (tk_sh("cd '%s' && '%s' --author '%s' sync >/dev/null 2>'%s' "
		"&& test -z \"$(git status --porcelain --untracked-files=no)\"",
		f.dir, CHANCERY_BIN, author, err_file) != 0) {
		char *err = tk_sh_out("cat '%s'; cd '%s' && git status "
			"--porcelain --untracked-files=no", err_file, f.dir);

		fail_msg("the last sync: %s", err);
	}
	fixture_free(&f);
}

/* ---- a note with a 2 MiB attachment (was test_crash.c) ---------------- */

#define NOTE_TRIALS 40

static pid_t spawn_note(const char *dir, const char *attach, int i)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		char msg[32];
		int devnull = open("/dev/null", 1);

		dup2(devnull, 1);
		dup2(devnull, 2);
		snprintf(msg, sizeof(msg), "trial %d", i);
		execl(CHANCERY_BIN, "chancery", "-C", dir, "--author",
			"Crash Test <crash@example.org>", "note", "--attach",
			attach, msg, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* Every note on the branch has its record and its whole attachment. */
static int check_complete(const chancery_event *ev, void *payload)
{
	const char *dir = payload;
	const char *att = chancery_event_get(ev, "Attachment");

	if (strcmp(chancery_event_type(ev), "note"))
		return 0;
	if (!att || !strstr(att, "size=2097152"))
		fail_msg("note %s lacks its attachment", chancery_event_id(ev));
	if (tk_sh("cd %s && git cat-file -e %s:events/%.4s/%.2s/%.2s/%s.txt && "
		"test $(git cat-file -s %s:events/%.4s/%.2s/%.2s/%s/big.bin) = "
		"2097152", dir, chancery_event_commit(ev), chancery_event_id(ev),
		chancery_event_id(ev) + 4, chancery_event_id(ev) + 6,
		chancery_event_id(ev), chancery_event_commit(ev),
		chancery_event_id(ev), chancery_event_id(ev) + 4,
		chancery_event_id(ev) + 6, chancery_event_id(ev)) != 0)
		fail_msg("note %s is incomplete", chancery_event_id(ev));
	return 0;
}

static void test_kill_note(void **state)
{
	char *dir = tk_tempdir(), attach[512];
	chancery_repository *repo;
	int killed = 0, completed = 0;
	long span_us;
	size_t notes_before, notes_after;

	(void)state;
	tk_rmrf(dir);
	repo = tk_repo(dir, true);
	snprintf(attach, sizeof(attach), "%s.big.bin", dir);
	assert_int_equal(tk_sh("head -c 2097152 /dev/urandom > %s", attach), 0);
	{
		/* rename so the attachment is called big.bin */
		char *big = tk_sh_out("d=$(mktemp -d) && cp %s $d/big.bin && echo -n $d/big.bin",
			attach);
		snprintf(attach, sizeof(attach), "%s", big);
		free(big);
	}
	{
		/* one undisturbed run tells how long an operation takes */
		struct timespec t0, t1;
		int st;
		pid_t pid;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		pid = spawn_note(dir, attach, -1);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		span_us = (t1.tv_sec - t0.tv_sec) * 1000000L +
			(t1.tv_nsec - t0.tv_nsec) / 1000;
		printf("one note takes %ld us; kills land in 0..%ld us\n",
			span_us, span_us * 13 / 10);
	}
	for (int i = 0; i < NOTE_TRIALS; i++) {
		pid_t pid;
		int st;
		long us = rand() % (span_us * 13 / 10 + 1);
		struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

		notes_before = tk_count_events(repo, "note");
		pid = spawn_note(dir, attach, i);
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (WIFSIGNALED(st)) {
			killed++;
			/* operations grow slower than the first one (repairs,
			 * a bigger history): widen the window until some
			 * complete, so both ends are exercised */
			if (!completed)
				span_us = span_us * 5 / 4;
		}
		else if (WEXITSTATUS(st) == 0)
			completed++;
		else
			fail_msg("trial %d: exit %d", i, WEXITSTATUS(st));
		assert_int_equal(tk_sh("cd %s && git fsck --strict >/dev/null 2>&1",
			dir), 0);
		notes_after = tk_count_events(repo, "note");
		assert_true(notes_after == notes_before ||
			notes_after == notes_before + 1);
		assert_int_equal(chancery_event_foreach(repo, NULL,
			check_complete, dir), 0);
	}
	/* and the repository goes on working, its working tree repaired */
	assert_int_equal(tk_note(repo, NULL, "after the storm"), 0);
	assert_int_equal(tk_sh("cd %s && test -z \"$(git status --porcelain "
		"--untracked-files=no)\"", dir), 0);
	printf("trials %d: killed %d, completed %d\n", NOTE_TRIALS, killed, completed);
	assert_true(killed > 0);
	assert_true(completed > 0);
	chancery_repository_free(repo);
	tk_sh("rm -rf $(dirname %s) %s.big.bin", attach, dir);
	tk_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_deposit),
		cmocka_unit_test(test_kill_reply),
		cmocka_unit_test(test_kill_letters),
		cmocka_unit_test(test_kill_sync),
		cmocka_unit_test(test_kill_note),
	};
	unsigned seed = (unsigned)time(NULL);

	/* KILL_SEED=N replays a run; KILL_ONLY=test_kill_sync runs one test */
	if (getenv("KILL_SEED"))
		seed = (unsigned)strtoul(getenv("KILL_SEED"), NULL, 10);
	if (getenv("KILL_ONLY"))
		cmocka_set_test_filter(getenv("KILL_ONLY"));
	printf("seed %u\n", seed);
	srand(seed);
	chancery_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
