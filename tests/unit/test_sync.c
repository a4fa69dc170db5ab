/*
 * test_sync.c - two clones and a bare remote: events recorded on both
 * sides merge on their own; a real conflict is reported with its paths
 * and nothing moves; the same through git daemon on 127.0.0.1.
 */
#include "testkit.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
	char *base;
	char a[512], b[512], remote[512];
	chancery_repository *ra, *rb;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	f->base = tk_tempdir();
	snprintf(f->a, sizeof(f->a), "%s/geneva", f->base);
	snprintf(f->b, sizeof(f->b), "%s/newyork", f->base);
	snprintf(f->remote, sizeof(f->remote), "%s/shared.git", f->base);
	f->ra = tk_repo(f->a, false);
	assert_int_equal(tk_sh("git init -q --bare %s && git --git-dir=%s "
		"symbolic-ref HEAD refs/heads/main", f->remote, f->remote), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	chancery_repository_free(f->ra);
	chancery_repository_free(f->rb);
	tk_rmrf(f->base);
	free(f->base);
	free(f);
	return 0;
}

static chancery_sync_result sync_ok(chancery_repository *repo,
	const char *remote)
{
	chancery_sync_result res;

	if (chancery_sync(&res, repo, remote, NULL) < 0)
		fail_msg("sync: %s", chancery_error_last()->message);
	return res;
}

static void heads_equal(fixture *f)
{
	char ha[41], hb[41];

	chancery_repository_head(ha, f->ra);
	chancery_repository_head(hb, f->rb);
	assert_string_equal(ha, hb);
}

static void clone_b(fixture *f, const char *url)
{
	assert_int_equal(tk_sh("git clone -q %s %s", url, f->b), 0);
	f->rb = tk_open(f->b);
}

static void test_events_merge(void **state)
{
	fixture *f = *state;
	chancery_sync_result r;

	r = sync_ok(f->ra, f->remote);
	assert_int_equal(r.pushed, 1);
	clone_b(f, f->remote);
	assert_int_equal(tk_note(f->ra, "LBR", "recorded in Geneva"), 0);
	assert_int_equal(tk_note(f->ra, "CHE", "also in Geneva"), 0);
	assert_int_equal(tk_note(f->rb, "LBR", "recorded in New York"), 0);
	r = sync_ok(f->ra, f->remote);
	assert_int_equal(r.pushed, 2);
	assert_int_equal(r.merged, 0);
	/* New York: fetch 2, merge, push the merge and its own note */
	r = sync_ok(f->rb, "origin");
	assert_int_equal(r.fetched, 2);
	assert_int_equal(r.merged, 1);
	assert_int_equal(r.pushed, 2);
	/* Geneva: a fast-forward */
	r = sync_ok(f->ra, f->remote);
	assert_int_equal(r.fast_forward, 1);
	assert_int_equal(r.pushed, 0);
	heads_equal(f);
	assert_int_equal(tk_count_events(f->ra, "note"), 3);
	assert_int_equal(tk_count_events(f->rb, "note"), 3);
	assert_int_equal(tk_count_events(f->rb, "sync"), 1);
	/* nothing new: nothing happens */
	r = sync_ok(f->ra, f->remote);
	assert_int_equal(r.fetched + r.pushed + (size_t)r.merged, 0);
	assert_int_equal(tk_sh("cd %s && git fsck --strict >/dev/null 2>&1 && "
		"test -z \"$(git status --porcelain)\" && cd %s && "
		"git fsck --strict >/dev/null 2>&1 && test -z \"$(git status --porcelain)\"",
		f->a, f->b), 0);
	assert_int_equal(tk_sh("git --git-dir=%s fsck --strict >/dev/null 2>&1",
		f->remote), 0);
}

static void conflict_cb(const char *path, void *payload)
{
	char *seen = payload;

	strncat(seen, path, 200);
	strcat(seen, ";");
}

static void test_conflict(void **state)
{
	fixture *f = *state;
	chancery_sync_options o = CHANCERY_SYNC_OPTIONS_INIT;
	chancery_sync_result r;
	char seen[512] = "", before[41], after[41], *remote_head, *remote_after;
	const char *a = "code,name,language\nFRA,France (Geneva),fr\n";
	const char *b = "code,name,language\nFRA,France (New York),fr\n";

	sync_ok(f->ra, f->remote);
	clone_b(f, f->remote);
	assert_int_equal(chancery_registry_import(NULL, f->ra,
		CHANCERY_IMPORT_STATES, "a.csv", a, strlen(a), NULL), 0);
	assert_int_equal(chancery_registry_import(NULL, f->rb,
		CHANCERY_IMPORT_STATES, "b.csv", b, strlen(b), NULL), 0);
	sync_ok(f->ra, f->remote);
	remote_head = tk_sh_out("git --git-dir=%s rev-parse main", f->remote);
	chancery_repository_head(before, f->rb);
	o.conflict = conflict_cb;
	o.payload = seen;
	assert_int_equal(chancery_sync(&r, f->rb, NULL, &o), CHANCERY_ECONFLICT);
	assert_string_equal(seen, "registry/states.tsv;");
	assert_non_null(strstr(chancery_error_last()->message,
		"conflicts in 1 path (first: registry/states.tsv)"));
	chancery_repository_head(after, f->rb);
	assert_string_equal(before, after);
	remote_after = tk_sh_out("git --git-dir=%s rev-parse main", f->remote);
	assert_string_equal(remote_head, remote_after);
	free(remote_head);
	free(remote_after);
	/* unknown remote names are a clear error */
	assert_int_equal(chancery_sync(&r, f->ra, "nowhere", NULL),
		CHANCERY_ENOTFOUND);
}

static void test_git_daemon(void **state)
{
	fixture *f = *state;
	char url[256], pidfile[600];
	int port, up = 0;

	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	port = 20000 + rand() % 20000;
	snprintf(pidfile, sizeof(pidfile), "%s/daemon.pid", f->base);
	assert_int_equal(tk_sh("git daemon --reuseaddr --listen=127.0.0.1 "
		"--port=%d --base-path=%s --export-all --enable=receive-pack "
		"--pid-file=%s --detach %s", port, f->base, pidfile, f->base), 0);
	snprintf(url, sizeof(url), "git://127.0.0.1:%d/shared.git", port);
	for (int i = 0; i < 50 && !up; i++) {
		up = tk_sh("git ls-remote %s >/dev/null 2>&1", url) == 0;
		if (!up)
			usleep(100000);
	}
	assert_true(up);
	sync_ok(f->ra, url);
	clone_b(f, url);
	assert_int_equal(tk_note(f->ra, "LBR", "over git://, Geneva"), 0);
	assert_int_equal(tk_note(f->rb, "CHE", "over git://, New York"), 0);
	sync_ok(f->ra, url);
	sync_ok(f->rb, url);
	sync_ok(f->ra, url);
	heads_equal(f);
	assert_int_equal(tk_count_events(f->ra, "note"), 2);
	tk_sh("kill $(cat %s) 2>/dev/null", pidfile);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_events_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_git_daemon, setup, teardown),
	};

	chancery_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
