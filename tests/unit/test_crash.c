/*
 * test_crash.c - a process killed at any moment of an operation leaves a
 * repository that git fsck --strict accepts, with the operation either
 * fully recorded or absent, and the next operation works.
 *
 * The CLI records a note with a 2 MiB attachment (so there is time to be
 * killed while writing objects, moving the branch or checking out) and is
 * sent SIGKILL after a random delay; TRIALS times, with the seed printed.
 */
#include "testkit.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TRIALS 40

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
	if (tk_sh("cd %s && git cat-file -e %s:events/%.4s/%.2s/%s.txt && "
		"test $(git cat-file -s %s:events/%.4s/%.2s/%s/big.bin) = 2097152",
		dir, chancery_event_commit(ev), chancery_event_id(ev),
		chancery_event_id(ev) + 4, chancery_event_id(ev),
		chancery_event_commit(ev), chancery_event_id(ev),
		chancery_event_id(ev) + 4, chancery_event_id(ev)) != 0)
		fail_msg("note %s is incomplete", chancery_event_id(ev));
	return 0;
}

static void test_kill_anywhere(void **state)
{
	char *dir = tk_tempdir(), attach[512];
	chancery_repository *repo;
	unsigned seed = (unsigned)time(NULL);
	int killed = 0, completed = 0;
	long span_us;
	size_t notes_before, notes_after;

	(void)state;
	printf("seed %u\n", seed);
	srand(seed);
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
	for (int i = 0; i < TRIALS; i++) {
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
		assert_int_equal(chancery_history_foreach(repo, NULL,
			check_complete, dir), 0);
	}
	/* and the repository goes on working, its working tree repaired */
	assert_int_equal(tk_note(repo, NULL, "after the storm"), 0);
	assert_int_equal(tk_sh("cd %s && test -z \"$(git status --porcelain "
		"--untracked-files=no)\"", dir), 0);
	printf("trials %d: killed %d, completed %d\n", TRIALS, killed, completed);
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
		cmocka_unit_test(test_kill_anywhere),
	};

	chancery_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
