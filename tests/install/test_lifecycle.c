/*
 * test_lifecycle.c - the library's life cycle as include/chancery/common.h
 * states it: chancery_version() at run time agrees with the headers,
 * chancery_init()/chancery_shutdown() count references (from many threads
 * at once), and libgit2 under them starts on the first use of a repository,
 * with or without chancery_init(), and again after a full shutdown.
 */
#include "testkit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void test_version(void **state)
{
	int major = -1, minor = -1, patch = -1;
	char text[32];
	const char *v = chancery_version(&major, &minor, &patch);

	(void)state;
	assert_string_equal(v, CHANCERY_VERSION);
	assert_int_equal(major, CHANCERY_VERSION_MAJOR);
	assert_int_equal(minor, CHANCERY_VERSION_MINOR);
	assert_int_equal(patch, CHANCERY_VERSION_PATCH);
	snprintf(text, sizeof(text), "%d.%d.%d", major, minor, patch);
	assert_string_equal(v, text);
	assert_int_equal(CHANCERY_VERSION_NUMBER,
		(major << 16) | (minor << 8) | patch);
	assert_ptr_equal(chancery_version(NULL, NULL, NULL), v);
	assert_string_equal(v, "0.1.0");
}

static void test_counts(void **state)
{
	(void)state;
	assert_int_equal(chancery_shutdown(), 0); /* nothing to drop */
	assert_int_equal(chancery_init(), 1);
	assert_int_equal(chancery_init(), 2);
	assert_int_equal(chancery_shutdown(), 1);
	assert_int_equal(chancery_shutdown(), 0);
	assert_int_equal(chancery_shutdown(), 0);
	assert_int_equal(chancery_init(), 1);
	assert_int_equal(chancery_shutdown(), 0);
}

static void reopen(const char *dir)
{
	chancery_repository *repo = tk_open(dir);
	char head[41];

	assert_int_equal(chancery_repository_head(head, repo), 0);
	assert_int_equal(strlen(head), 40);
	chancery_repository_free(repo);
}

static void test_restart(void **state)
{
	char *dir = tk_tempdir(), *path = NULL;
	chancery_repository *repo;

	(void)state;
	assert_non_null(path = malloc(strlen(dir) + 8));
	snprintf(path, strlen(dir) + 8, "%s/repo", dir);
	/* no chancery_init(): libgit2 starts on first use */
	repo = tk_repo(path, true);
	chancery_repository_free(repo);
	reopen(path);
	/* a full shutdown stops libgit2; the next use starts it again */
	assert_int_equal(chancery_init(), 1);
	reopen(path);
	assert_int_equal(chancery_shutdown(), 0);
	reopen(path);
	assert_int_equal(chancery_init(), 1);
	reopen(path);
	assert_int_equal(chancery_shutdown(), 0);
	tk_rmrf(dir);
	free(path);
	free(dir);
}

#define RACERS 4
#define ROUNDS 5000

static void *race(void *arg)
{
	int i, bad = 0;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		if (chancery_init() < 2)
			bad++;
		if (chancery_shutdown() < 1)
			bad++;
	}
	return bad ? (void *)1 : NULL;
}

static void test_threads(void **state)
{
	pthread_t t[RACERS];
	void *result;
	int i;

	(void)state;
	assert_int_equal(chancery_init(), 1); /* held: never drops to 0 */
	for (i = 0; i < RACERS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, race, NULL), 0);
	for (i = 0; i < RACERS; i++) {
		assert_int_equal(pthread_join(t[i], &result), 0);
		assert_null(result);
	}
	assert_int_equal(chancery_shutdown(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
