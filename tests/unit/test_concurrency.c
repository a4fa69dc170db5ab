/*
 * test_concurrency.c - eight processes recording events in one repository
 * at once lose none: every event is on the branch once, the working tree
 * matches it, and git fsck --strict accepts the result. Then sixteen
 * processes recording notes, replies and deposits at once: none lost or
 * doubled, notification numbers 1..32 each once, verify finds nothing.
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
	assert_int_equal(chancery_event_foreach(repo, NULL, tally_cb, &t), 0);
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

/* ---- sixteen processes: notes, replies and deposits at once ---------------- */

#define MIXED 16

typedef struct {
	char codes[MIXED * 2][4]; /* two States per process */
} mixed_plan;

static void mixed_writer(const char *dir, const mixed_plan *p, int w)
{
	chancery_repository *repo = NULL;
	chancery_signature sig = { "Desk", "desk@example.org", 1104494400, 0 };
	int failures = 0;

	chancery_init();
	if (chancery_repository_open(&repo, dir) < 0)
		_exit(10);
	sig.name = w % 2 ? "Desk odd" : "Desk even";
	chancery_repository_set_signature(repo, &sig);
	for (int k = 0; k < 2; k++) {
		const char *st = p->codes[w * 2 + k];
		chancery_reply_options r = CHANCERY_REPLY_OPTIONS_INIT;
		chancery_deposit_options d = CHANCERY_DEPOSIT_OPTIONS_INIT;
		const chancery_campaign_intention intends[] = {
			{ "sign", "IV-13" } };
		char msg[64];

		snprintf(msg, sizeof(msg), "writer %d item %d", w, k);
		r.state = st;
		r.received = (chancery_date){ 2004, 8, 1 + w };
		r.intends = intends;
		r.nintends = 1;
		d.state = st;
		d.treaty = "IV-13";
		d.action = "signature";
		d.signed_by = CHANCERY_SIGNER_FOREIGN_MINISTER;
		d.date = (chancery_date){ 2004, 9, 21 + k };
		if (tk_note(repo, st, msg) < 0 ||
		    chancery_campaign_reply(NULL, repo, "c", &r) < 0 ||
		    chancery_archive_deposit(NULL, repo, &d) < 0) {
			fprintf(stderr, "writer %d: %s\n", w,
				chancery_error_last()->message);
			failures++;
		}
	}
	chancery_repository_free(repo);
	_exit(failures ? 1 : 0);
}

static void test_sixteen_mixed(void **state)
{
	char *dir = tk_tempdir(), *out;
	chancery_repository *repo;
	chancery_registry *reg = NULL;
	chancery_verify_result vr;
	mixed_plan plan;
	pid_t pids[MIXED];
	size_t n = 0;

	(void)state;
	tk_rmrf(dir);
	repo = tk_repo(dir, false);
	assert_int_equal(tk_sh("cd '%s' && export CHANCERY_NOW=2004-03-12T09:00:00Z && "
		"git config user.name Desk && git config user.email desk@example.org && "
		"'%s' campaign open c --workflow treaty-event --letter-date 2004-03-12 "
		"--deadline 2004-09-01 --event 2004-09-21..2004-09-24 --featured "
		"focus2004 >/dev/null && '%s' letters generate c >/dev/null && "
		"'%s' send c --date 2004-03-12 >/dev/null", dir, CHANCERY_BIN,
		CHANCERY_BIN, CHANCERY_BIN), 0);
	assert_int_equal(chancery_registry_load(&reg, repo), 0);
	for (size_t i = 0; i < chancery_registry_state_count(reg) &&
	     n < MIXED * 2; i++) {
		const chancery_state *s = chancery_registry_state(reg, i);

		if (chancery_registry_status(reg, s->code, "IV-13", NULL) ==
		    CHANCERY_STATUS_NONE)
			snprintf(plan.codes[n++], 4, "%s", s->code);
	}
	chancery_registry_free(reg);
	assert_int_equal(n, MIXED * 2);
	for (int w = 0; w < MIXED; w++) {
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0)
			mixed_writer(dir, &plan, w);
	}
	for (int w = 0; w < MIXED; w++) {
		int st;

		assert_int_equal(waitpid(pids[w], &st, 0), pids[w]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	chancery_repository_free(repo);
	repo = tk_open(dir);
	/* nothing lost, nothing twice */
	assert_int_equal(tk_count_events(repo, "note"), MIXED * 2);
	assert_int_equal(tk_count_events(repo, "reply"), MIXED * 2);
	assert_int_equal(tk_count_events(repo, "deposit"), MIXED * 2);
	/* notification numbers 1..32, each once */
	out = tk_sh_out("cd '%s' && git ls-tree --name-only HEAD notifications/2004/ "
		"| sed 's|.*/||; s|\\.odt||' | sort -n | uniq | wc -l && "
		"git ls-tree --name-only HEAD notifications/2004/ | sed 's|.*/||; "
		"s|\\.odt||' | sort -n | tail -n 1", dir);
	assert_string_equal(out, "32\n0032\n");
	free(out);
	/* every reply is a recipient's, once: status sees 32 replies */
	{
		char *json = NULL;

		assert_int_equal(chancery_campaign_status(&json, repo, "c",
			&(chancery_date){ 2004, 10, 1 }), 0);
		assert_non_null(strstr(json, "\"replied\": 32"));
		chancery_free(json);
	}
	assert_int_equal(chancery_archive_verify(&vr, repo, NULL), 0);
	assert_int_equal(tk_sh("cd '%s' && git fsck --strict >/dev/null 2>&1 && "
		"test -z \"$(git status --porcelain)\"", dir), 0);
	chancery_repository_free(repo);
	tk_rmrf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eight_writers),
		cmocka_unit_test(test_sixteen_mixed),
	};

	chancery_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
