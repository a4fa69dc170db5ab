/*
 * cmd_treaties.c - `chancery treaties [--featured LIST] [--as-of DATE]`:
 * the registry's treaties, or those of a featured list (a campaign's, e.g.
 * focus2004), as a table (titles cut at 60 characters), CSV or JSON; as of
 * a day, only those adopted by then (chancery_registry_treaty_adopted_by).
 */
#include "cli.h"

int cmd_treaties(int argc, char **argv)
{
	static const char *const cols[] = { "id", "short_title", "title",
		"adopted", "entry_into_force", "signature", "signature_until" };
	cli_args a;
	cli_format fmt;
	chancery_repository *repo = NULL;
	chancery_registry *reg = NULL;
	const chancery_treaty **list = NULL;
	const char *featured;
	chancery_date as_of;
	bool have_date;
	cli_table *t;
	size_t n = 0, shown = 0;
	int code, error;

	if ((code = cli_parse(&a, cli_find("treaties"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&fmt, &a, CLI_TABLE_CSV_JSON, FMT_TABLE)) != 0 ||
	    (code = cli_date(&as_of, &have_date, &a, "as-of")) != 0)
		return code;
	if ((code = cli_open_registry(&repo, &reg, &a)) != 0)
		return code;
	featured = cli_opt_value(&a, "featured");
	if (featured) {
		if ((error = chancery_registry_featured_as_of(&list, &n, reg,
				featured, have_date ? &as_of : NULL)) < 0) {
			code = cli_fail(error);
			goto done;
		}
	} else {
		n = chancery_registry_treaty_count(reg);
	}
	t = cli_table_new(fmt, "treaties", 7, cols);
	if (t)
		cli_table_width(t, 2, 60);
	for (size_t i = 0; t && i < n; i++) {
		const chancery_treaty *tr = list ? list[i] :
			chancery_registry_treaty(reg, i);
		const char *row[] = { tr->id, tr->short_title, tr->title,
			tr->adopted, tr->entry_into_force, tr->signature,
			tr->signature_until };

		if (have_date && !chancery_registry_treaty_adopted_by(tr,
				&as_of))
			continue;
		shown++;
		if (cli_table_row(t, row) < 0) {
			cli_table_free(t);
			t = NULL;
		}
	}
	code = cli_query_done(t, shown);
done:
	chancery_free(list);
	chancery_registry_free(reg);
	chancery_repository_free(repo);
	return code;
}
