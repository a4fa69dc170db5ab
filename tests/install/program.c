/*
 * program.c - a program of a library user's, built by test_install.sh
 * against the installed prefix with `pkg-config --cflags --libs chancery`
 * (and again with --static). It includes only <chancery.h>, and checks that
 * the library it runs with is the one its headers describe, that a
 * repository can be created, reopened and its registry read, and that the
 * life cycle counts. Exit 0 and the line "ok" when everything holds.
 *
 * usage: program DIR   (DIR: a folder that does not exist yet)
 */
#include <chancery.h>

#include <stdio.h>
#include <string.h>

#define CHECK(cond) do { if (!(cond)) { fail(#cond, __LINE__); \
	goto done; } } while (0)

static void fail(const char *what, int line)
{
	const chancery_error *e = chancery_error_last();

	fprintf(stderr, "program.c:%d: %s failed (%s)\n", line, what,
		e ? e->message : "no library error");
}

int main(int argc, char **argv)
{
	chancery_signature sig = { "Install Test", "install@example.org",
		1079082000, 0 };
	chancery_init_options opts = CHANCERY_INIT_OPTIONS_INIT;
	chancery_repository *repo = NULL, *none = NULL;
	chancery_registry *reg = NULL;
	const chancery_state *fra;
	int major = -1, minor = -1, patch = -1, status = 1;

	if (argc != 2)
		return 2;
	CHECK(!strcmp(chancery_version(&major, &minor, &patch),
		CHANCERY_VERSION));
	CHECK(major == CHANCERY_VERSION_MAJOR && minor ==
		CHANCERY_VERSION_MINOR && patch == CHANCERY_VERSION_PATCH);
	CHECK(chancery_init() == 1);
	CHECK(chancery_repository_init(&repo, argv[1], &opts, &sig) == 0);
	chancery_repository_free(repo);
	repo = NULL;
	CHECK(chancery_repository_open(&repo, argv[1]) == 0);
	CHECK(chancery_registry_load(&reg, repo) == 0);
	CHECK(chancery_registry_state_count(reg) == 192);
	CHECK((fra = chancery_registry_state_find(reg, "FRA")) != NULL);
	CHECK(!strcmp(fra->name, "France"));
	CHECK(chancery_registry_state_find(reg, "XXX") == NULL);
	CHECK(chancery_repository_open(&none, "/") == CHANCERY_ENOTFOUND);
	CHECK(none == NULL && chancery_error_last() != NULL);
	printf("chancery %s: %zu states, %zu treaties\n", chancery_version(
		NULL, NULL, NULL), chancery_registry_state_count(reg),
		chancery_registry_treaty_count(reg));
	status = 0;
done:
	chancery_registry_free(reg);
	chancery_repository_free(repo);
	chancery_repository_free(none);
	if (chancery_shutdown() != 0)
		status = 1;
	if (!status)
		puts("ok");
	return status;
}
