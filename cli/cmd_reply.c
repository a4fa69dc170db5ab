/*
 * cmd_reply.c - `chancery reply CAMPAIGN STATE --received DATE`: record a
 * State's reply (the actions it announces, --intends ACTION:TREATY, or
 * takes back, --withdraw, or --none; a note; attached scans) in one
 * commit, said late when it came after the deadline; with --corrects, a
 * reply that replaces one recorded wrongly (and --reason, why).
 */
#include "cli.h"

#include <string.h>

/* The intentions of option `name`, each "ACTION:TREATY" split at its
 * first ':' (a space before it is refused, as the library did). */
static int intentions_opt(chancery_campaign_intention *out, size_t *n,
	const cli_args *a, const char *name)
{
	*n = 0;
	for (int i = 0; i < cli_opt_count(a, name); i++) {
		const char *s = cli_opt_nth(a, name, i), *colon = strchr(s, ':');

		if (!colon || memchr(s, ' ', (size_t)(colon - s)) ||
		    chancery_campaign_intention_parse(&out[i], s) < 0)
			return cli_error(EXIT_INVALID, "'%.60s': expected "
				"ACTION:TREATY (ratify:XVIII-10)", s);
		(*n)++;
	}
	return 0;
}

/* What a reply announces is the command line's to say: none of --intends,
 * --withdraw and --none, or --none with --intends, is a usage error. */
static int announces(const chancery_reply_options *o)
{
	if (o->none && o->nintends)
		return cli_error(EXIT_USAGE, "reply: --none and --intends "
			"exclude each other");
	if (!o->none && !o->nintends && !o->nwithdraws)
		return cli_error(EXIT_USAGE, "reply: say what the reply "
			"announces: --intends ACTION:TREATY, --withdraw "
			"ACTION:TREATY or --none");
	return 0;
}

int cmd_reply(int argc, char **argv)
{
	cli_args a;
	chancery_reply_options o = CHANCERY_REPLY_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	chancery_campaign_intention intends[CLI_MAX_MULTI],
		withdraws[CLI_MAX_MULTI];
	const char *attach[CLI_MAX_MULTI + 1];
	bool given;
	int late = 0, code, error;

	if ((code = cli_parse(&a, cli_find("reply"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_date(&o.received, &given, &a, "received")) != 0)
		return code;
	if (!given)
		return cli_error(EXIT_USAGE, "reply: --received is required");
	if ((code = intentions_opt(intends, &o.nintends, &a, "intends")) ||
	    (code = intentions_opt(withdraws, &o.nwithdraws, &a, "withdraw")))
		return code;
	for (int i = 0; i < cli_opt_count(&a, "attach"); i++)
		attach[i] = cli_opt_nth(&a, "attach", i);
	attach[cli_opt_count(&a, "attach")] = NULL;
	o.state = a.args[1];
	o.intends = intends;
	o.withdraws = withdraws;
	o.attach = attach;
	o.none = cli_opt_count(&a, "none") > 0;
	o.note = cli_opt_value(&a, "note");
	if ((code = announces(&o)) != 0)
		return code;
	o.corrects = cli_opt_value(&a, "corrects");
	o.reason = cli_opt_value(&a, "reason");
	if (!o.corrects != !o.reason)
		return cli_error(EXIT_USAGE, "reply: --corrects EVENT and "
			"--reason TEXT go together");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((error = chancery_campaign_reply(&late, repo, a.args[0], &o)) < 0)
		code = cli_fail(error);
	else
		printf("Recorded the reply of %s%s%s%s\n", o.state,
			o.corrects ? ", correcting " : "",
			o.corrects ? o.corrects : "",
			late ? " (late: after the deadline)" : "");
	chancery_repository_free(repo);
	return code;
}
