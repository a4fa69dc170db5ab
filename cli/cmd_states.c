/*
 * cmd_states.c - `chancery states`: the States of the registry (code,
 * names, language, membership, status) as a table, CSV or JSON. No State
 * at all (an empty registry): the empty result and exit 1.
 */
#include "cli.h"

int cmd_states(int argc, char **argv)
{
	static const char *const cols[] = { "code", "name", "formal_name",
		"name_fr", "language", "member_since", "status" };
	cli_args a;
	cli_format fmt;
	chancery_repository *repo = NULL;
	chancery_registry *reg = NULL;
	cli_table *t;
	size_t n;
	int code;

	if ((code = cli_parse(&a, cli_find("states"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&fmt, &a, CLI_TABLE_CSV_JSON, FMT_TABLE)) != 0)
		return code;
	if ((code = cli_open_registry(&repo, &reg, &a)) != 0)
		return code;
	t = cli_table_new(fmt, "states", 7, cols);
	n = chancery_registry_state_count(reg);
	for (size_t i = 0; t && i < n; i++) {
		const chancery_state *s = chancery_registry_state(reg, i);
		const char *row[] = { s->code, s->name, s->formal_name,
			s->name_fr, s->language, s->member_since, s->status };

		if (cli_table_row(t, row) < 0) {
			cli_table_free(t);
			t = NULL;
		}
	}
	code = cli_query_done(t, n);
	chancery_registry_free(reg);
	chancery_repository_free(repo);
	return code;
}
