/*
 * query.c - what the registry queries (states, treaties, participation,
 * parties) share: opening the repository with its registry, the row of a
 * participation (a State's with a treaty, either way round), and the end
 * of a query: the table printed, exit 1 when it matched nothing.
 */
#include "cli.h"

#include <string.h>

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

/* The acts of the vocabulary that change no status, and denunciations,
 * of p's State on p's treaty by `as_of`: "reservation 2004-09-21;
 * denunciation 2004-09-22 effective 2005-09-22" (cut at `size`), in the
 * registry's order. Only that State's actions on that treaty are looked
 * at (chancery_registry_actions_of). -1 when out of memory. */
static int other_acts(char *buf, size_t size, const chancery_registry *reg,
	const chancery_participation *p, const chancery_date *as_of)
{
	const chancery_action **acts = NULL;
	size_t len = 0, n = 0;

	*buf = '\0';
	if (!reg)
		return 0;
	if (chancery_registry_actions_of(&acts, &n, reg, p->state->code,
			p->treaty->id) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const chancery_action *x = acts[i];
		chancery_action_kind k = chancery_registry_action_classify(
			x->action);
		char d[11], e[11] = "";
		int w;

		if ((k != CHANCERY_ACTION_OTHER && k != CHANCERY_ACTION_ENDS) ||
		    (as_of && chancery_date_cmp(&x->date, as_of) > 0))
			continue;
		chancery_date_format(d, sizeof(d), &x->date);
		if (x->effective.year)
			chancery_date_format(e, sizeof(e), &x->effective);
		w = snprintf(buf + len, size - len, "%s%s %s%s%s", len ? "; " :
			"", x->action, d, *e ? " effective " : "", e);
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
	chancery_free(acts);
	return 0;
}

cli_table *cli_participation_row(cli_table *t, const char *a, const char *b,
	const chancery_participation *p, const chancery_registry *reg,
	const chancery_date *as_of)
{
	static const char *const names[] = { "none", "signatory", "party" };
	char sig[11] = "", cons[11] = "", acts[600];
	const char *row[7];

	if (!t)
		return NULL;
	if (p->signature)
		chancery_date_format(sig, sizeof(sig), &p->signature->date);
	if (p->consent)
		chancery_date_format(cons, sizeof(cons), &p->consent->date);
	if (other_acts(acts, sizeof(acts), reg, p, as_of) < 0) {
		cli_table_free(t);
		return NULL;
	}
	row[0] = a;
	row[1] = b;
	row[2] = names[p->status];
	row[3] = p->signature ? sig : NULL;
	row[4] = p->consent ? p->consent->action : NULL;
	row[5] = p->consent ? cons : NULL;
	row[6] = *acts ? acts : NULL;
	if (cli_table_row(t, row) < 0) {
		cli_table_free(t);
		return NULL;
	}
	return t;
}
