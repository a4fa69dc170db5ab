/*
 * cmd_status.c - `chancery status CAMPAIGN [--as-of DATE | --at COMMIT]
 * [--state CODE] [--in STATE]...`: where every recipient of a campaign
 * stands (workflow state, dispatch, reply, intentions, reminders,
 * actions), from the library's status JSON (docs/status-format.md): as a
 * table with the totals above it and the event in numbers below it, as
 * CSV, as the JSON itself, or as one HTML page (status_html.c).
 *
 * --state and --in select States of the JSON before any format is made
 * (totals and the event stay the campaign's); --state adds the State's
 * story below its line. Names are the registry's short names; intentions
 * are listed as `reply --intends` takes them ("ratify:XVIII-10").
 */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

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

/* The intentions in force as one cell: "ratify:XVIII-10 sign:IV-11-b". */
static void intentions_cell(char *buf, size_t size, json_t *list)
{
	size_t n = 0, i;
	json_t *it;

	buf[0] = '\0';
	json_array_foreach(list, i, it) {
		int k = snprintf(buf + n, size - n, "%s%s:%s", n ? " " : "",
			json_string_value(json_object_get(it, "action")),
			json_string_value(json_object_get(it, "treaty")));

		if (k < 0 || (size_t)k >= size - n)
			break;
		n += (size_t)k;
	}
}

/* One State's row: code, name, workflow state, dispatch, reply, its
 * intentions, and counts. */
static int state_row(cli_table *t, json_t *s)
{
	json_t *r = json_object_get(s, "reply");
	char in[2000], m[16], k[16];
	const char *row[9];

	intentions_cell(in, sizeof(in), json_object_get(s, "intentions"));
	snprintf(m, sizeof(m), "%zu",
		json_array_size(json_object_get(s, "reminders")));
	snprintf(k, sizeof(k), "%zu",
		json_array_size(json_object_get(s, "actions")));
	row[0] = json_string_value(json_object_get(s, "code"));
	row[1] = json_string_value(json_object_get(s, "name"));
	row[2] = json_string_value(json_object_get(s, "workflow_state"));
	row[3] = json_string_value(json_object_get(s, "sent"));
	row[4] = r ? json_string_value(json_object_get(r, "received")) : NULL;
	row[5] = json_is_object(r) ? (json_is_true(json_object_get(r,
		"on_time")) ? "yes" : "no") : NULL;
	row[6] = in;
	row[7] = m;
	row[8] = k;
	return cli_table_row(t, row);
}

/* The totals, above the table, and how many States are in each state. */
static void print_totals(FILE *out, json_t *root)
{
	json_t *tot = json_object_get(root, "totals"), *v;
	const char *key;
	size_t i = 0;

	fprintf(out, "%s as of %s: %lld recipients, %lld sent, %lld "
		"replied (%lld on time, %lld late), %lld reminded\n",
		json_string_value(json_object_get(json_object_get(root,
			"campaign"), "id")),
		json_string_value(json_object_get(root, "as_of")),
		(long long)json_integer_value(json_object_get(tot, "recipients")),
		(long long)json_integer_value(json_object_get(tot, "sent")),
		(long long)json_integer_value(json_object_get(tot, "replied")),
		(long long)json_integer_value(json_object_get(tot, "on_time")),
		(long long)json_integer_value(json_object_get(tot, "late")),
		(long long)json_integer_value(json_object_get(tot, "reminded")));
	json_object_foreach(json_object_get(tot, "workflow_states"), key, v)
		fprintf(out, "%s%s %lld", i++ ? ", " : "  ", key,
			(long long)json_integer_value(v));
	fputs(i ? "\n\n" : "\n", out);
}

/* One State's story, below its line: each event, what it said, where it
 * led. */
static void print_story(FILE *out, json_t *s)
{
	json_t *it;
	size_t i;

	cli_printf_safe(out, "\nstory of %s (%s):\n",
		json_string_value(json_object_get(s, "code")),
		json_string_value(json_object_get(s, "name")));
	json_array_foreach(json_object_get(s, "story"), i, it) {
		const char *detail = json_string_value(json_object_get(it,
			"detail"));
		const char *to = json_string_value(json_object_get(it, "to"));
		char what[400];

		snprintf(what, sizeof(what), "%s%s%s%s",
			json_string_value(json_object_get(it, "event")),
			detail && *detail ? ": " : "", detail ? detail : "",
			json_is_false(json_object_get(it, "counts")) ?
				" (does not count for the campaign)" : "");
		if (to)
			cli_printf_safe(out, "  %s  %-44s -> %s\n",
				json_string_value(json_object_get(it, "date")),
				what, to);
		else
			cli_printf_safe(out, "  %s  %s\n",
				json_string_value(json_object_get(it, "date")),
				what);
	}
}

/* The status as a table (totals and event around it) or CSV. */
static int print_table(FILE *out, cli_format fmt, json_t *root, bool one)
{
	static const char *const cols[] = { "code", "name", "workflow_state",
		"sent", "received", "on_time", "intentions", "reminders",
		"actions" };
	cli_table *t = cli_table_new(fmt, "states", 9, cols);
	json_t *s;
	size_t i;

	if (!t)
		return cli_error(EXIT_INTERNAL, "out of memory");
	json_array_foreach(json_object_get(root, "states"), i, s)
		if (state_row(t, s) < 0) {
			cli_table_free(t);
			return cli_error(EXIT_INTERNAL, "out of memory");
		}
	if (fmt == FMT_TABLE)
		print_totals(out, root);
	cli_table_print(t, out);
	if (fmt == FMT_TABLE && one)
		print_story(out, json_array_get(json_object_get(root, "states"), 0));
	else if (fmt == FMT_TABLE)
		print_event(out, json_object_get(root, "event"));
	return EXIT_OK;
}

/* Is `name` a state of the campaign's workflow? `list` gets them all,
 * for the error. */
static bool workflow_has(json_t *root, const char *name, char *list,
	size_t size)
{
	json_t *s;
	size_t i, n = 0;
	bool found = false;

	list[0] = '\0';
	json_array_foreach(json_object_get(json_object_get(root, "campaign"),
			"workflow_states"), i, s) {
		const char *v = json_string_value(json_object_get(s, "name"));
		int k = snprintf(list + n, size - n, "%s%s", n ? ", " : "", v);

		if (k > 0 && (size_t)k < size - n)
			n += (size_t)k;
		found |= !strcmp(v, name);
	}
	return found;
}

/* Does State entry `s` pass --state and every --in (any of them)? */
static bool selected(const cli_args *a, json_t *s)
{
	const char *code = cli_opt_value(a, "state");
	const char *ws = json_string_value(json_object_get(s, "workflow_state"));
	int nin = cli_opt_count(a, "in");
	bool in = !nin;

	if (code && strcmp(code, json_string_value(json_object_get(s, "code"))))
		return false;
	for (int i = 0; i < nin && !in; i++)
		in = !strcmp(cli_opt_nth(a, "in", i), ws);
	return in;
}

/* Keep the States --state and --in select; exit 3 for a State that is no
 * recipient or a name that is no state of the workflow, 1 when nothing is
 * left. */
static int select_states(json_t *root, const cli_args *a)
{
	json_t *states = json_object_get(root, "states");
	const char *code = cli_opt_value(a, "state");
	const char *id = json_string_value(json_object_get(json_object_get(root,
		"campaign"), "id"));
	size_t i = 0;
	bool found = !code;
	char names[1500];

	for (int k = 0; k < cli_opt_count(a, "in"); k++)
		if (!workflow_has(root, cli_opt_nth(a, "in", k), names,
				sizeof(names)))
			return cli_error(EXIT_INVALID, "status: --in '%s': not a "
				"state of workflow %s (its states: %s)",
				cli_opt_nth(a, "in", k), json_string_value(
				json_object_get(json_object_get(root, "campaign"),
				"workflow")), names);
	while (i < json_array_size(states)) {
		json_t *s = json_array_get(states, i);

		if (code && !strcmp(code, json_string_value(json_object_get(s,
				"code"))))
			found = true;
		if (selected(a, s))
			i++;
		else
			json_array_remove(states, i);
	}
	if (!found)
		return cli_error(EXIT_INVALID, "status: --state '%s': not a "
			"recipient of campaign %s", code, id);
	if (!json_array_size(states) && cli_opt_count(a, "in"))
		return cli_error(EXIT_PROBLEMS, "status: no State of %s is in "
			"the states asked for (--in) as of %s", id,
			json_string_value(json_object_get(root, "as_of")));
	return 0;
}

/* The (selected) status in the format asked for. */
static int print_status(FILE *out, cli_format fmt, const char *json,
	const cli_args *a)
{
	bool filtered = cli_opt_value(a, "state") || cli_opt_count(a, "in");
	json_t *root;
	char *text = NULL;
	int code;

	if (fmt == FMT_JSON && !filtered) {
		/* the library's text as it is: parsing it again to print it
		 * was a sixth of `status --format json` */
		cli_json_text(out, json);
		fputc('\n', out);
		return 0;
	}
	if (!(root = json_loads(json, 0, NULL)))
		return cli_error(EXIT_INTERNAL, "bad status data");
	if ((code = select_states(root, a)) != 0)
		goto done;
	if ((fmt == FMT_JSON || fmt == FMT_HTML) && filtered &&
	    !(text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER))) {
		code = cli_error(EXIT_INTERNAL, "out of memory");
		goto done;
	}
	if (fmt == FMT_JSON) {
		cli_json_text(out, text ? text : json);
		fputc('\n', out);
	} else if (fmt == FMT_HTML) {
		code = cli_status_html(out, text ? text : json);
	} else {
		code = print_table(out, fmt, root,
			cli_opt_value(a, "state") != NULL);
	}
done:
	free(text);
	json_decref(root);
	return code;
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
	code = print_status(out, fmt, json, &a);
done:
	if (out && out != stdout)
		fclose(out);
	chancery_free(json);
	chancery_repository_free(repo);
	return code;
}
