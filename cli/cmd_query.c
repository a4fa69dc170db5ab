/*
 * cmd_query.c - registry queries: `chancery states`, `chancery treaties
 * [--featured LIST]` and `chancery participation STATE [--as-of DATE]`,
 * each as a table, CSV or JSON. A query that matches nothing prints the
 * empty result and exits 1.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#define TABLE_CSV_JSON ((1u << FMT_TABLE) | (1u << FMT_CSV) | (1u << FMT_JSON))

static int open_registry(chancery_repository **repo, chancery_registry **reg,
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

static int finish(cli_table *t, size_t rows)
{
	if (!t)
		return cli_error(EXIT_INTERNAL, "out of memory");
	if (cli_table_print(t, stdout) < 0)
		return cli_error(EXIT_INTERNAL, "cannot write the output");
	return rows ? EXIT_OK : EXIT_PROBLEMS;
}

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
	if ((code = cli_format_of(&fmt, &a, TABLE_CSV_JSON, FMT_TABLE)) != 0)
		return code;
	if ((code = open_registry(&repo, &reg, &a)) != 0)
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
	code = finish(t, n);
	chancery_registry_free(reg);
	chancery_repository_free(repo);
	return code;
}

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
	cli_table *t;
	size_t n = 0;
	int code, error;

	if ((code = cli_parse(&a, cli_find("treaties"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&fmt, &a, TABLE_CSV_JSON, FMT_TABLE)) != 0)
		return code;
	if ((code = open_registry(&repo, &reg, &a)) != 0)
		return code;
	featured = cli_opt_value(&a, "featured");
	if (featured) {
		if ((error = chancery_registry_featured(&list, &n, reg,
				featured)) < 0) {
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

		if (cli_table_row(t, row) < 0) {
			cli_table_free(t);
			t = NULL;
		}
	}
	code = finish(t, n);
done:
	chancery_free(list);
	chancery_registry_free(reg);
	chancery_repository_free(repo);
	return code;
}

/* A row: two naming cells, then status, signature date, consent and its
 * date (empty cells are JSON null). Frees the table when it fails. */
static cli_table *status_row(cli_table *t, const char *a, const char *b,
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

int cmd_participation(int argc, char **argv)
{
	static const char *const cols[] = { "treaty", "short_title", "status",
		"signature", "consent", "consent_date" };
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
	if ((code = cli_format_of(&fmt, &a, TABLE_CSV_JSON, FMT_TABLE)) != 0 ||
	    (code = cli_date(&as_of, &have_date, &a, "as-of")) != 0)
		return code;
	state = a.args[0];
	if (!chancery_state_code_valid(state))
		return cli_error(EXIT_INVALID,
			"'%.40s' is not a State code (three capital letters, "
			"e.g. LBR)", state);
	if ((code = open_registry(&repo, &reg, &a)) != 0)
		return code;
	if (!chancery_registry_state_find(reg, state)) {
		code = cli_error(EXIT_INVALID, "unknown State '%s'", state);
		goto done;
	}
	if ((error = chancery_registry_participation(&list, &n, reg, state,
			have_date ? &as_of : NULL)) < 0) {
		code = cli_fail(error);
		goto done;
	}
	t = cli_table_new(fmt, "participation", 6, cols);
	for (size_t i = 0; t && i < n; i++)
		t = status_row(t, list[i].treaty->id, list[i].treaty->short_title,
			&list[i]);
	code = finish(t, n);
done:
	chancery_free(list);
	chancery_registry_free(reg);
	chancery_repository_free(repo);
	return code;
}

int cmd_parties(int argc, char **argv)
{
	static const char *const cols[] = { "state", "name", "status",
		"signature", "consent", "consent_date" };
	cli_args a;
	cli_format fmt;
	chancery_repository *repo = NULL;
	chancery_registry *reg = NULL;
	chancery_participation *list = NULL;
	chancery_date as_of;
	bool have_date;
	size_t n = 0, parties = 0, signatories = 0;
	cli_table *t;
	int code, error;

	if ((code = cli_parse(&a, cli_find("parties"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&fmt, &a, TABLE_CSV_JSON, FMT_TABLE)) != 0 ||
	    (code = cli_date(&as_of, &have_date, &a, "as-of")) != 0)
		return code;
	if (!chancery_treaty_id_valid(a.args[0]))
		return cli_error(EXIT_INVALID, "'%.40s' is not a treaty reference "
			"(like IV-4 or XVIII-12-a)", a.args[0]);
	if ((code = open_registry(&repo, &reg, &a)) != 0)
		return code;
	if ((error = chancery_registry_parties(&list, &n, reg, a.args[0],
			have_date ? &as_of : NULL)) < 0) {
		code = cli_fail(error);
		goto done;
	}
	t = cli_table_new(fmt, "parties", 6, cols);
	for (size_t i = 0; i < n; i++) {
		if (list[i].status == CHANCERY_STATUS_PARTY)
			parties++;
		else
			signatories++;
		t = status_row(t, list[i].state->code, list[i].state->name, &list[i]);
	}
	if (fmt == FMT_TABLE)
		printf("%s: %zu parties, %zu signatories (not parties)%s%s\n\n",
			a.args[0], parties, signatories, have_date ? " as of " : "",
			have_date ? cli_opt_value(&a, "as-of") : "");
	code = finish(t, n);
done:
	chancery_free(list);
	chancery_registry_free(reg);
	chancery_repository_free(repo);
	return code;
}
