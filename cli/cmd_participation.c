/*
 * cmd_participation.c - `chancery participation STATE [--as-of DATE]`:
 * where a State stands with each treaty (none, signatory, party), its
 * signature and its consent, as of a day (without --as-of: today, so a
 * denunciation not yet in effect leaves it a party); a table, CSV or JSON.
 */
#include "cli.h"

int cmd_participation(int argc, char **argv)
{
	static const char *const cols[] = { "treaty", "short_title", "status",
		"signature", "consent", "consent_date", "acts" };
	cli_args a;
	cli_format fmt;
	chancery_repository *repo = NULL;
	chancery_registry *reg = NULL;
	chancery_participation *list = NULL;
	chancery_date as_of;
	bool have_date;
	const char *state;
	cli_table *t;
	size_t n = 0;
	int code, error;

	if ((code = cli_parse(&a, cli_find("participation"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&fmt, &a, CLI_TABLE_CSV_JSON, FMT_TABLE)) != 0 ||
	    (code = cli_date(&as_of, &have_date, &a, "as-of")) != 0 ||
	    (!have_date && (code = cli_today(&as_of)) != 0))
		return code;
	state = a.args[0];
	if (!chancery_registry_state_code_valid(state))
		return cli_error(EXIT_INVALID,
			"'%.40s' is not a State code (three capital letters, "
			"e.g. LBR)", state);
	if ((code = cli_open_registry(&repo, &reg, &a)) != 0)
		return code;
	if (!chancery_registry_state_find(reg, state)) {
		code = cli_error(EXIT_INVALID, "unknown State '%s'", state);
		goto done;
	}
	if ((error = chancery_registry_participation(&list, &n, reg, state,
			&as_of)) < 0) {
		code = cli_fail(error);
		goto done;
	}
	t = cli_table_new(fmt, "participation", 7, cols);
	for (size_t i = 0; t && i < n; i++)
		t = cli_participation_row(t, list[i].treaty->id, list[i].treaty->short_title,
			&list[i], reg, &as_of);
	code = cli_query_done(t, n);
done:
	chancery_free(list);
	chancery_registry_free(reg);
	chancery_repository_free(repo);
	return code;
}
