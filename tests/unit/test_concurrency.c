/*
 * test_concurrency.c - eight processes recording events in one repository
 * at once lose none: every event is on the branch once, the working tree
 * matches it, and git fsck --strict accepts the result.
 */
#include "testkit.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define WRITERS 8
#define EACH 12

static void writer(const char *dir, int w)
{
	chancery_repository *repo = NULL;
	int failures = 0;

	chancery_init();
	if (chancery_repository_open(&repo, dir) < 0)
		_exit(10);
	chancery_repository_set_signature(repo, &(chancery_signature){
		"Writer", "w@example.org", 0, 0 });
	for (int i = 0; i < EACH; i++) {
		char msg[64];

		snprintf(msg, sizeof(msg), "writer %d item %d", w, i);
		if (tk_note(repo, NULL, msg) < 0) {
			fprintf(stderr, "writer %d: %s\n", w,
				chancery_error_last()->message);
			failures++;
		}
	}
	chancery_repository_free(repo);
	_exit(failures ? 1 : 0);
}

typedef struct {
	int seen[WRITERS][EACH];
} tally;

static int tally_cb(const chancery_event *ev, void *payload)
{
	tally *t = payload;
	int w, i;

	if (sscanf(chancery_event_message(ev), "writer %d item %d", &w, &i) == 2 &&
	    w >= 0 && w < WRITERS && i >= 0 && i < EACH)
		t->seen[w][i]++;
	return 0;
}

static void test_eight_writers(void **state)
{
	char *dir = tk_tempdir();
	chancery_repository *repo;
	pid_t pids[WRITERS];
	tally t;
	char *files;
	int n = 0;

	(void)state;
	tk_rmrf(dir);
	repo = tk_repo(dir, true);
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0)
			writer(dir, w);
	}
	for (int w = 0; w < WRITERS; w++) {
		int st;

		assert_int_equal(waitpid(pids[w], &st, 0), pids[w]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	memset(&t, 0, sizeof(t));
	assert_int_equal(chancery_history_foreach(repo, NULL, tally_cb, &t), 0);
	for (int w = 0; w < WRITERS; w++)
		for (int i = 0; i < EACH; i++)
			if (t.seen[w][i] != 1)
				fail_msg("writer %d item %d seen %d times", w, i,
					t.seen[w][i]);
	assert_int_equal(tk_count_events(repo, "note"), WRITERS * EACH);
	/* the branch is linear, the tree holds every record, the working
	 * tree matches the branch */
	files = tk_sh_out("cd %s && git ls-tree -r --name-only HEAD events | wc -l && "
		"git rev-list --merges HEAD | wc -l && git status --porcelain | wc -l",
		dir);
	sscanf(files, "%d", &n);
	assert_int_equal(n, WRITERS * EACH + 1);
	assert_non_null(strstr(files, "\n0\n0\n"));
	free(files);
	assert_int_equal(tk_sh("cd %s && git fsck --strict >/dev/null 2>&1", dir), 0);
	chancery_repository_free(repo);
	tk_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eight_writers),
	};

	chancery_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
