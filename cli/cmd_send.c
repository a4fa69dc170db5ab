/*
 * cmd_send.c - `chancery send CAMPAIGN --date DATE [--state S]`: record
 * the dispatch of a campaign's letters (all of them, or one State's) in
 * one commit; nothing left to send is not an error (exit 0, said so).
 */
#include "cli.h"

int cmd_send(int argc, char **argv)
{
	cli_args a;
	chancery_repository *repo = NULL;
	chancery_date d;
	bool given;
	size_t n = 0;
	int code, error;

	if ((code = cli_parse(&a, cli_find("send"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_date(&d, &given, &a, "date")) != 0)
		return code;
	if (!given)
		return cli_error(EXIT_USAGE, "send: --date is required");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	error = chancery_campaign_send(&n, repo, a.args[0], &d,
		cli_opt_value(&a, "state"));
	if (error < 0)
		code = cli_fail(error);
	else if (!n)
		cli_printf_safe(stdout, "every letter of '%s' is sent already\n",
			a.args[0]);
	else
		printf("Recorded the dispatch of %zu letter%s\n", n, n == 1 ? "" : "s");
	chancery_repository_free(repo);
	return code;
}
