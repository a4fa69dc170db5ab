/*
 * cmd_parties.c - `chancery parties TREATY [--as-of DATE]`: a treaty's
 * parties and signatories as of a day, with the counts above the table
 * (table format only); CSV or JSON for scripts. Without --as-of, as of
 * today (a denunciation not yet in effect leaves the State a party). As
 * of a day before the treaty's adoption the answer is one line, that it
 * did not exist yet.
 */
#include "cli.h"

int cmd_parties(int argc, char **argv)
{
	static const char *const cols[] = { "state", "name", "status",
		"signature", "consent", "consent_date", "acts" };
	cli_args a;
	cli_format fmt;
	chancery_repository *repo = NULL;
	chancery_registry *reg = NULL;
	chancery_participation *list = NULL;
	const chancery_treaty *tr;
	chancery_date as_of;
	bool have_date;
	size_t n = 0, parties = 0, signatories = 0;
	cli_table *t;
	int code, error;

	if ((code = cli_parse(&a, cli_find("parties"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&fmt, &a, CLI_TABLE_CSV_JSON, FMT_TABLE)) != 0 ||
	    (code = cli_date(&as_of, &have_date, &a, "as-of")) != 0 ||
	    (!have_date && (code = cli_today(&as_of)) != 0))
		return code;
	if (!chancery_registry_treaty_id_valid(a.args[0]))
		return cli_error(EXIT_INVALID, "'%.40s' is not a treaty reference "
			"(like IV-4 or XVIII-12-a)", a.args[0]);
	if ((code = cli_open_registry(&repo, &reg, &a)) != 0)
		return code;
	tr = chancery_registry_treaty_find(reg, a.args[0]);
	if (tr && have_date && !chancery_registry_treaty_adopted_by(tr,
			&as_of)) {
		code = cli_error(EXIT_PROBLEMS, "%s (adopted %s) did not exist "
			"on %s", tr->id, tr->adopted, cli_opt_value(&a, "as-of"));
		goto done;
	}
	if ((error = chancery_registry_parties(&list, &n, reg, a.args[0],
			&as_of)) < 0) {
		code = cli_fail(error);
		goto done;
	}
	t = cli_table_new(fmt, "parties", 7, cols);
	for (size_t i = 0; i < n; i++) {
		if (list[i].status == CHANCERY_STATUS_PARTY)
			parties++;
		else
			signatories++;
		t = cli_participation_row(t, list[i].state->code, list[i].state->name, &list[i],
			reg, &as_of);
	}
	if (fmt == FMT_TABLE)
		printf("%s: %zu parties, %zu signatories (not parties)%s%s\n\n",
			a.args[0], parties, signatories, have_date ? " as of " : "",
			have_date ? cli_opt_value(&a, "as-of") : "");
	code = cli_query_done(t, n);
done:
	chancery_free(list);
	chancery_registry_free(reg);
	chancery_repository_free(repo);
	return code;
}
