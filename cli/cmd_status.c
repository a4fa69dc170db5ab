/*
 * cmd_status.c - `chancery status CAMPAIGN [--as-of DATE | --at COMMIT]`:
 * where every recipient of a campaign stands (workflow state, dispatch,
 * reply, intentions, reminders, actions), from the library's status JSON
 * (docs/status-format.md): as a table with the totals above it and the
 * event in numbers below it, as CSV, as the JSON itself, or as one HTML
 * page (status_html.c).
 */
#include "cli.h"

#include <jansson.h>

/* The event in numbers, after the table. */
static void print_event(FILE *out, json_t *ev)
{
	static const char *const parts[] = { "actions_by_day", "actions_by_type",
		"actions_by_state" };
	const char *key;
	json_t *v;

	fprintf(out, "\nevent %s..%s: %lld actions by %lld States\n",
		json_string_value(json_object_get(ev, "start")),
		json_string_value(json_object_get(ev, "end")),
		(long long)json_integer_value(json_object_get(ev, "actions")),
		(long long)json_integer_value(json_object_get(ev, "states")));
	for (size_t i = 0; i < 3; i++) {
		json_object_foreach(json_object_get(ev, parts[i]), key, v)
			fprintf(out, "  %-22s %lld\n", key,
				(long long)json_integer_value(v));
		if (json_object_size(json_object_get(ev, parts[i])))
			fputc('\n', out);
	}
	fprintf(out, "  parties of the featured treaties, before -> after:\n");
	json_object_foreach(json_object_get(ev, "parties"), key, v)
		fprintf(out, "  %-12s %4lld -> %lld\n", key,
			(long long)json_integer_value(json_object_get(v, "before")),
			(long long)json_integer_value(json_object_get(v, "after")));
}

/* One State's row: code, workflow state, dispatch, reply, and counts. */
static void state_row(cli_table *t, json_t *s)
{
	json_t *r = json_object_get(s, "reply");
	char n[16], m[16], k[16];
	const char *row[8];

	snprintf(n, sizeof(n), "%zu",
		json_array_size(json_object_get(s, "intentions")));
	snprintf(m, sizeof(m), "%zu",
		json_array_size(json_object_get(s, "reminders")));
	row[0] = json_string_value(json_object_get(s, "code"));
	row[1] = json_string_value(json_object_get(s, "workflow_state"));
	row[2] = json_string_value(json_object_get(s, "sent"));
	row[3] = r ? json_string_value(json_object_get(r, "received")) : NULL;
	row[4] = json_is_object(r) ? (json_is_true(json_object_get(r,
		"on_time")) ? "yes" : "no") : NULL;
	snprintf(k, sizeof(k), "%zu",
		json_array_size(json_object_get(s, "actions")));
	row[5] = n;
	row[6] = m;
	row[7] = k;
	cli_table_row(t, row);
}

/* The totals, above the table. */
static void print_totals(FILE *out, json_t *root)
{
	json_t *tot = json_object_get(root, "totals");

	fprintf(out, "%s as of %s: %lld recipients, %lld sent, %lld "
		"replied (%lld on time, %lld late), %lld reminded\n\n",
		json_string_value(json_object_get(json_object_get(root,
			"campaign"), "id")),
		json_string_value(json_object_get(root, "as_of")),
		(long long)json_integer_value(json_object_get(tot, "recipients")),
		(long long)json_integer_value(json_object_get(tot, "sent")),
		(long long)json_integer_value(json_object_get(tot, "replied")),
		(long long)json_integer_value(json_object_get(tot, "on_time")),
		(long long)json_integer_value(json_object_get(tot, "late")),
		(long long)json_integer_value(json_object_get(tot, "reminded")));
}

/* The status as a table (totals and event around it) or CSV. */
static int print_table(FILE *out, cli_format fmt, const char *json)
{
	static const char *const cols[] = { "code", "workflow_state",
		"sent", "received", "on_time", "intentions", "reminders",
		"actions" };
	cli_table *t = cli_table_new(fmt, "states", 8, cols);
	json_t *root = json_loads(json, 0, NULL), *s;
	size_t i;

	if (!t || !root) {
		cli_table_free(t);
		json_decref(root);
		return cli_error(EXIT_INTERNAL, "out of memory");
	}
	json_array_foreach(json_object_get(root, "states"), i, s)
		state_row(t, s);
	if (fmt == FMT_TABLE)
		print_totals(out, root);
	cli_table_print(t, out);
	if (fmt == FMT_TABLE)
		print_event(out, json_object_get(root, "event"));
	json_decref(root);
	return EXIT_OK;
}

int cmd_status(int argc, char **argv)
{
	cli_args a;
	cli_format fmt;
	chancery_repository *repo = NULL;
	chancery_date d;
	bool given;
	char *json = NULL;
	FILE *out = stdout;
	const char *path;
	int code, error;

	if ((code = cli_parse(&a, cli_find("status"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&fmt, &a, (1u << FMT_TABLE) | (1u << FMT_CSV) |
			(1u << FMT_JSON) | (1u << FMT_HTML), FMT_TABLE)) != 0 ||
	    (code = cli_date(&d, &given, &a, "as-of")) != 0)
		return code;
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if (given && cli_opt_value(&a, "at")) {
		code = cli_error(EXIT_USAGE, "status: --as-of or --at, not both");
		goto done;
	}
	if ((error = chancery_campaign_status_at(&json, repo, a.args[0],
			given ? &d : NULL, cli_opt_value(&a, "at"))) < 0) {
		code = cli_fail(error);
		goto done;
	}
	path = cli_opt_value(&a, "output");
	if (path && !(out = fopen(path, "w"))) {
		code = cli_error(EXIT_INVALID, "-o '%s': cannot write", path);
		goto done;
	}
	if (fmt == FMT_JSON) {
		cli_json_text(out, json);
		fputc('\n', out);
	} else if (fmt == FMT_HTML) {
		code = cli_status_html(out, json);
	} else {
		code = print_table(out, fmt, json);
	}
done:
	if (out && out != stdout)
		fclose(out);
	chancery_free(json);
	chancery_repository_free(repo);
	return code;
}
