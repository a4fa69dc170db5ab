/*
 * cmd_reply.c - `chancery reply CAMPAIGN STATE --received DATE`: record a
 * State's reply (the actions it announces, --intends ACTION:TREATY, or
 * takes back, --withdraw, or --none; a note; attached scans) in one
 * commit, said late when it came after the deadline.
 */
#include "cli.h"

int cmd_reply(int argc, char **argv)
{
	cli_args a;
	chancery_reply_options o = CHANCERY_REPLY_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	const char *intends[CLI_MAX_MULTI + 1], *withdraws[CLI_MAX_MULTI + 1],
		*attach[CLI_MAX_MULTI + 1];
	bool given;
	int late = 0, code, error;

	if ((code = cli_parse(&a, cli_find("reply"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_date(&o.received, &given, &a, "received")) != 0)
		return code;
	if (!given)
		return cli_error(EXIT_USAGE, "reply: --received is required");
	for (int i = 0; i < cli_opt_count(&a, "intends"); i++)
		intends[i] = cli_opt_nth(&a, "intends", i);
	intends[cli_opt_count(&a, "intends")] = NULL;
	for (int i = 0; i < cli_opt_count(&a, "withdraw"); i++)
		withdraws[i] = cli_opt_nth(&a, "withdraw", i);
	withdraws[cli_opt_count(&a, "withdraw")] = NULL;
	for (int i = 0; i < cli_opt_count(&a, "attach"); i++)
		attach[i] = cli_opt_nth(&a, "attach", i);
	attach[cli_opt_count(&a, "attach")] = NULL;
	o.state = a.args[1];
	o.intends = intends;
	o.withdraws = withdraws;
	o.attach = attach;
	o.none = cli_opt_count(&a, "none") > 0;
	o.note = cli_opt_value(&a, "note");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((error = chancery_campaign_reply(&late, repo, a.args[0], &o)) < 0)
		code = cli_fail(error);
	else
		printf("Recorded the reply of %s%s\n", o.state,
			late ? " (late: after the deadline)" : "");
	chancery_repository_free(repo);
	return code;
}
