/*
 * cmd_upgrade.c - `chancery upgrade`: move a repository of format 1
 * (events filed by month) to format 2 (by day) with one recorded upgrade
 * event (chancery_repository_upgrade); old events stay where they are.
 * A repository already at format 2 is left as it is (exit 0).
 */
#include "cli.h"

int cmd_upgrade(int argc, char **argv)
{
	cli_args a;
	chancery_repository *repo = NULL;
	char commit[41];
	int code, error, from = 0;

	if ((code = cli_parse(&a, cli_find("upgrade"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((error = chancery_repository_format(&from, repo)) == 0)
		error = chancery_repository_upgrade(commit, repo);
	if (error == CHANCERY_EUNCHANGED)
		printf("already at repository format %d: nothing to do\n", from);
	else if (error < 0)
		code = cli_fail(error);
	else
		printf("upgraded from repository format %d to 2 (commit %.12s): "
			"events are filed by day from now on\n", from, commit);
	chancery_repository_free(repo);
	return code;
}
