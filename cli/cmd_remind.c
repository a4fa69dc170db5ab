/*
 * cmd_remind.c - `chancery remind CAMPAIGN --as-of DATE`: generate the
 * reminders and acknowledgments that are due on that day, in one commit;
 * nothing due is not an error (exit 0, said so).
 */
#include "cli.h"

int cmd_remind(int argc, char **argv)
{
	cli_args a;
	chancery_repository *repo = NULL;
	chancery_date d;
	bool given;
	size_t reminders = 0, acks = 0;
	int code, error;

	if ((code = cli_parse(&a, cli_find("remind"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_date(&d, &given, &a, "as-of")) != 0)
		return code;
	if (!given)
		return cli_error(EXIT_USAGE, "remind: --as-of is required");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	error = chancery_campaign_remind(&reminders, &acks, repo, a.args[0], &d);
	if (error < 0) {
		code = cli_fail(error);
	} else if (!reminders && !acks) {
		char day[11];

		chancery_date_format(day, sizeof(day), &d);
		printf("nothing is due on %s\n", day);
	} else
		printf("Generated %zu reminder%s and %zu acknowledgment%s\n",
			reminders, reminders == 1 ? "" : "s", acks,
			acks == 1 ? "" : "s");
	chancery_repository_free(repo);
	return code;
}
