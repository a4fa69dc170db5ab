/*
 * cmd_init.c - `chancery init [DIR] [--empty] [--bare]`: create a
 * correspondence repository holding the Focus 2004 registry (or an empty
 * one), checked out or bare.
 */
#include "cli.h"

#include <stdlib.h>

int cmd_init(int argc, char **argv)
{
	cli_args a;
	chancery_init_options opts = CHANCERY_INIT_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	chancery_signature sig;
	char *name = NULL, *email = NULL;
	const char *dir;
	char head[41];
	int code, error;

	if ((code = cli_parse(&a, cli_find("init"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_signature(&sig, &name, &email, &a)) != 0)
		return code;
	dir = a.nargs ? a.args[0] : ".";
	opts.empty = cli_opt_count(&a, "empty") > 0;
	opts.branch = cli_opt_value(&a, "branch");
	opts.bare = cli_opt_count(&a, "bare") > 0;
	opts.remember_author = sig.name != NULL; /* --author: kept */
	error = chancery_repository_init(&repo, dir, &opts,
		sig.name || sig.email || sig.time ? &sig : NULL);
	free(name);
	free(email);
	if (error < 0)
		return cli_fail(error);
	if (chancery_repository_head(head, repo) == 0)
		printf("Created a %schancery repository in %s (%s registry, "
			"commit %.12s)\n", opts.bare ? "bare " : "",
			opts.bare ? dir : chancery_repository_workdir(repo),
			opts.empty ? "empty" : "Focus 2004", head);
	chancery_repository_free(repo);
	return EXIT_OK;
}
