/*
 * cmd_index.c - `chancery index check|rebuild|status`: the derived index
 * of events (docs/index.md) checked against history, rebuilt, described.
 * check prints each difference as a line on stdout and exits 1 when there
 * is any; status never updates the index, it says where it stands.
 */
#include "cli.h"

#include <string.h>

static void print_line(const char *line, void *payload)
{
	(void)payload;
	cli_printf_safe(stdout, "%s\n", line);
}

static int index_check(chancery_repository *repo)
{
	size_t events = 0, diffs = 0;
	int error = chancery_index_check(&events, &diffs, repo, print_line,
		NULL);

	if (error < 0)
		return cli_fail(error);
	if (diffs) {
		fprintf(stderr, "chancery: index check: %zu difference%s from "
			"history in %zu events (chancery index rebuild)\n", diffs,
			diffs == 1 ? "" : "s", events);
		return EXIT_PROBLEMS;
	}
	printf("index checked: %zu events, as history has them\n", events);
	return EXIT_OK;
}

static int index_status(chancery_repository *repo)
{
	chancery_index_info_result info;
	int error = chancery_index_info(&info, repo);

	if (error < 0)
		return cli_fail(error);
	cli_printf_safe(stdout, "file    %s\n", info.file);
	if (!info.enabled)
		printf("state   off (git config chancery.index=false, or the "
			"Git directory is not writable): answers replay history\n");
	else if (!info.stamp[0])
		printf("state   empty (the next command builds it)\n");
	else
		printf("stamp   %s\nstate   %s\nevents  %zu\nformat  %d\n",
			info.stamp, strcmp(info.stamp, info.head) ?
			"behind the head (the next command catches up)" :
			"at the head", info.events, info.format);
	chancery_index_info_dispose(&info);
	return EXIT_OK;
}

int cmd_index(int argc, char **argv)
{
	chancery_repository *repo = NULL;
	const char *sub;
	cli_args a;
	int code, error;

	if ((code = cli_parse(&a, cli_find("index"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	sub = a.args[0];
	if (strcmp(sub, "check") && strcmp(sub, "rebuild") &&
	    strcmp(sub, "status"))
		return cli_error(EXIT_USAGE, "index: '%.40s' is not check, "
			"rebuild or status", sub);
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if (!strcmp(sub, "check"))
		code = index_check(repo);
	else if (!strcmp(sub, "status"))
		code = index_status(repo);
	else if ((error = chancery_index_rebuild(repo)) < 0)
		code = cli_fail(error);
	else
		printf("index rebuilt from history\n");
	chancery_repository_free(repo);
	return code;
}
