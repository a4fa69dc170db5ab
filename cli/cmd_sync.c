/*
 * cmd_sync.c - `chancery sync [REMOTE]`: fetch, merge and push with a Git
 * remote (a name, a path or a URL). A conflict lists its paths and exits 4
 * with nothing pushed.
 */
#include "cli.h"

static void print_conflict(const char *path, void *payload)
{
	(void)payload;
	cli_printf_safe(stderr, "conflict: %s\n", path);
}

int cmd_sync(int argc, char **argv)
{
	cli_args a;
	chancery_sync_options opts = CHANCERY_SYNC_OPTIONS_INIT;
	chancery_sync_result res;
	chancery_repository *repo = NULL;
	int code, error;

	if ((code = cli_parse(&a, cli_find("sync"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	opts.conflict = print_conflict;
	opts.no_push = cli_opt_count(&a, "no-push") > 0;
	error = chancery_sync_run(&res, repo, a.nargs ? a.args[0] : NULL,
		&opts);
	if (error < 0) {
		code = cli_fail(error);
	} else {
		printf("Synced: %zu commit%s in%s, %zu out\n", res.fetched,
			res.fetched == 1 ? "" : "s",
			res.merged ? " (merged)" : res.fast_forward ?
				" (fast-forward)" : "", res.pushed);
		code = EXIT_OK;
	}
	chancery_repository_free(repo);
	return code;
}
