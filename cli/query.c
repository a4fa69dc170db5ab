/*
 * query.c - what the registry queries (states, treaties, participation,
 * parties) share: opening the repository with its registry, the row of a
 * participation (a State's with a treaty, either way round), and the end
 * of a query: the table printed, exit 1 when it matched nothing.
 */
#include "cli.h"

int cli_open_registry(chancery_repository **repo, chancery_registry **reg,
	const cli_args *a)
{
	int code, error;

	if ((code = cli_open(repo, a)) != 0)
		return code;
	if ((error = chancery_registry_load(reg, *repo)) < 0) {
		code = cli_fail(error);
		chancery_repository_free(*repo);
		*repo = NULL;
		return code;
	}
	return 0;
}

int cli_query_done(cli_table *t, size_t rows)
{
	if (!t)
		return cli_error(EXIT_INTERNAL, "out of memory");
	if (cli_table_print(t, stdout) < 0)
		return cli_error(EXIT_INTERNAL, "cannot write the output");
	return rows ? EXIT_OK : EXIT_PROBLEMS;
}

cli_table *cli_participation_row(cli_table *t, const char *a, const char *b,
	const chancery_participation *p)
{
	static const char *const names[] = { "none", "signatory", "party" };
	char sig[11] = "", cons[11] = "";
	const char *row[6];

	if (!t)
		return NULL;
	if (p->signature)
		chancery_date_format(sig, sizeof(sig), &p->signature->date);
	if (p->consent)
		chancery_date_format(cons, sizeof(cons), &p->consent->date);
	row[0] = a;
	row[1] = b;
	row[2] = names[p->status];
	row[3] = p->signature ? sig : NULL;
	row[4] = p->consent ? p->consent->action : NULL;
	row[5] = p->consent ? cons : NULL;
	if (cli_table_row(t, row) < 0) {
		cli_table_free(t);
		return NULL;
	}
	return t;
}
