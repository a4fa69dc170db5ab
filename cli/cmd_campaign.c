/*
 * cmd_campaign.c - `chancery campaign open ID ...`: open a campaign (its
 * workflow, letter date, deadline, event days, featured treaties,
 * recipients and templates) in one commit. The library checks all of it;
 * the tool only reads the options, --event FROM..TO included. `campaign
 * list` and `campaign show ID` print what the library's JSON says (a
 * table, CSV or JSON; show as "Key: value" lines), `campaign close ID
 * [--date DATE]` closes one (one commit). Options of open are refused
 * with the other subcommands, and theirs with open.
 */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int date_opt(chancery_date *d, const cli_args *a, const char *name)
{
	bool given;
	int code = cli_date(d, &given, a, name);

	if (code)
		return code;
	if (!given)
		return cli_error(EXIT_USAGE, "campaign open: --%s is required", name);
	return 0;
}

/* --event FROM..TO: the event's first and last days. */
static int event_opt(chancery_campaign_options *o, const cli_args *a)
{
	const char *event = cli_opt_value(a, "event"), *dots;
	char from[16];

	if (!event)
		return cli_error(EXIT_USAGE, "campaign open: --event FROM..TO is required");
	dots = strstr(event, "..");
	if (!dots || dots - event > 12)
		return cli_error(EXIT_USAGE, "--event '%s': expected FROM..TO", event);
	snprintf(from, sizeof(from), "%.*s", (int)(dots - event), event);
	if (chancery_date_parse(&o->event_start, from) < 0 ||
	    chancery_date_parse(&o->event_end, dots + 2) < 0)
		return cli_error(EXIT_INVALID, "--event: %s",
			chancery_error_last()->message);
	return 0;
}

/* A --template key split in two: the kind and the language. */
typedef struct {
	char kind[64], language[64];
} template_key;

/* --template KEY=FILE: "en" (a language: the invitation) or "KIND-LANG"
 * ("reminder-fr"), split at the last '-'. A key that names no template is
 * passed on, and the library refuses it (exit 3). */
static int template_opt(chancery_campaign_template *t, template_key *k,
	const char *spec)
{
	const char *eq = strchr(spec, '='), *dash;

	if (!eq)
		return cli_error(EXIT_INVALID, "--template '%.60s': expected "
			"LANG=FILE or KIND-LANG=FILE", spec);
	for (dash = eq; dash > spec && dash[-1] != '-'; dash--)
		;
	if (dash == spec)
		snprintf(k->kind, sizeof(k->kind), "invitation");
	else
		snprintf(k->kind, sizeof(k->kind), "%.*s",
			(int)(dash - 1 - spec), spec);
	snprintf(k->language, sizeof(k->language), "%.*s", (int)(eq - dash),
		dash);
	t->kind = k->kind;
	t->language = k->language;
	t->path = eq + 1;
	return 0;
}

static int campaign_open(const cli_args *ap)
{
	const cli_args a = *ap;
	chancery_campaign_options o = CHANCERY_CAMPAIGN_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	chancery_campaign_template templates[CLI_MAX_MULTI];
	template_key keys[CLI_MAX_MULTI];
	int code, error;

	if (a.nargs != 2)
		return cli_error(EXIT_USAGE, "campaign open: one ID");
	o.id = a.args[1];
	o.title = cli_opt_value(&a, "title");
	o.title_fr = cli_opt_value(&a, "title-fr");
	o.title_es = cli_opt_value(&a, "title-es");
	o.workflow = cli_opt_value(&a, "workflow");
	o.featured = cli_opt_value(&a, "featured");
	o.recipients = cli_opt_value(&a, "recipients");
	if (!o.workflow)
		return cli_error(EXIT_USAGE, "campaign open: --workflow is required");
	if (!o.featured)
		return cli_error(EXIT_USAGE, "campaign open: --featured is required");
	if ((code = date_opt(&o.letter_date, &a, "letter-date")) != 0 ||
	    (code = date_opt(&o.deadline, &a, "deadline")) != 0)
		return code;
	if ((code = event_opt(&o, &a)) != 0)
		return code;
	if (!o.title)
		o.title = o.id;
	for (int i = 0; i < cli_opt_count(&a, "template"); i++)
		if ((code = template_opt(&templates[i], &keys[i],
				cli_opt_nth(&a, "template", i))) != 0)
			return code;
	o.templates = templates;
	o.ntemplates = (size_t)cli_opt_count(&a, "template");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((error = chancery_campaign_open(repo, &o)) < 0)
		code = cli_fail(error);
	else
		printf("Opened campaign %s\n", o.id);
	chancery_repository_free(repo);
	return code;
}

/* A date cell, "" for null. */
static const char *jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static void jnum(char *buf, size_t size, const json_t *o, const char *key)
{
	snprintf(buf, size, "%lld",
		(long long)json_integer_value(json_object_get(o, key)));
}

/* The library's JSON text, parsed; NULL (said so) when it cannot be. */
static json_t *parsed(const char *text)
{
	json_t *j = json_loads(text, 0, NULL);

	if (!j)
		cli_error(EXIT_INTERNAL, "the library's JSON does not parse");
	return j;
}

static int campaign_list(const cli_args *a)
{
	static const char *const cols[] = { "id", "title", "state",
		"letter_date", "deadline", "event_start", "event_end",
		"recipients", "letters" };
	chancery_repository *repo = NULL;
	cli_format fmt;
	cli_table *t;
	char *text = NULL;
	json_t *root, *c;
	size_t i, n = 0;
	int code, error;

	if (a->nargs != 1)
		return cli_error(EXIT_USAGE, "campaign list: no argument");
	if ((code = cli_format_of(&fmt, a, CLI_TABLE_CSV_JSON, FMT_TABLE)) != 0)
		return code;
	if ((code = cli_open(&repo, a)) != 0)
		return code;
	error = chancery_campaign_list(&text, repo);
	chancery_repository_free(repo);
	if (error < 0)
		return cli_fail(error);
	root = parsed(text);
	chancery_free(text);
	if (!root)
		return EXIT_INTERNAL;
	t = cli_table_new(fmt, "campaigns", 9, cols);
	json_array_foreach(json_object_get(root, "campaigns"), i, c) {
		const json_t *ev = json_object_get(c, "event");
		char rec[24], let[24];
		const char *row[9];

		jnum(rec, sizeof(rec), c, "recipients");
		jnum(let, sizeof(let), c, "letters");
		row[0] = jstr(c, "id");
		row[1] = jstr(c, "title");
		row[2] = jstr(c, "state");
		row[3] = jstr(c, "letter_date");
		row[4] = jstr(c, "deadline");
		row[5] = jstr(ev, "start");
		row[6] = jstr(ev, "end");
		row[7] = rec;
		row[8] = let;
		if (t && cli_table_row(t, row) < 0) {
			cli_table_free(t);
			t = NULL;
		}
		n++;
	}
	json_decref(root);
	return cli_query_done(t, n);
}

/* A list of strings as one cell: "a, b, c". */
static char *joined(const json_t *list)
{
	size_t i, len = 1;
	json_t *v;
	char *s;

	json_array_foreach(list, i, v)
		len += strlen(json_string_value(v) ? json_string_value(v) : "") + 2;
	if (!(s = calloc(1, len)))
		return NULL;
	len = 0;
	json_array_foreach(list, i, v) {
		const char *e = json_string_value(v) ? json_string_value(v) : "";
		size_t n = strlen(e);

		if (i) {
			memcpy(s + len, ", ", 2);
			len += 2;
		}
		memcpy(s + len, e, n);
		len += n;
	}
	return s;
}

/* show as "Key: value" lines (table) or field,value rows (csv). */
static int show_fields(const json_t *c, cli_format fmt)
{
	const json_t *ev = json_object_get(c, "event");
	char rec[24], let[24], sup[24], ntpl[300], nfeat[24];
	char *tpl = joined(json_object_get(c, "templates"));
	char *feat = joined(json_object_get(c, "featured"));
	const char *rows[][2] = {
		{ "Campaign", jstr(c, "id") }, { "Title", jstr(c, "title") },
		{ "Workflow", jstr(c, "workflow") }, { "State", jstr(c, "state") },
		{ "Closed", jstr(c, "closed") },
		{ "Letter-Date", jstr(c, "letter_date") },
		{ "Deadline", jstr(c, "deadline") },
		{ "Event-Start", jstr(ev, "start") }, { "Event-End", jstr(ev, "end") },
		{ "Featured", jstr(c, "featured_from") },
		{ "Featured-Treaties", nfeat }, { "Treaties", feat ? feat : "" },
		{ "Templates", ntpl }, { "Recipients", rec }, { "Letters", let },
		{ "Superseded", sup },
	};

	jnum(rec, sizeof(rec), c, "recipients");
	jnum(let, sizeof(let), c, "letters");
	jnum(sup, sizeof(sup), c, "superseded");
	snprintf(nfeat, sizeof(nfeat), "%zu",
		json_array_size(json_object_get(c, "featured")));
	snprintf(ntpl, sizeof(ntpl), "%zu (%.280s)",
		json_array_size(json_object_get(c, "templates")), tpl ? tpl : "");
	if (fmt == FMT_CSV)
		printf("field,value\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
		if (!*rows[i][1] && !strcmp(rows[i][0], "Closed"))
			continue; /* open: no line */
		if (fmt == FMT_CSV) {
			cli_csv_cell(stdout, rows[i][0]);
			putchar(',');
			cli_csv_cell(stdout, rows[i][1]);
			putchar('\n');
		} else {
			cli_printf_safe(stdout, "%s: %s\n", rows[i][0], rows[i][1]);
		}
	}
	free(tpl);
	free(feat);
	return EXIT_OK;
}

static int campaign_show(const cli_args *a)
{
	chancery_repository *repo = NULL;
	cli_format fmt;
	char *text = NULL;
	json_t *root;
	int code, error;

	if (a->nargs != 2)
		return cli_error(EXIT_USAGE, "campaign show: one ID");
	if ((code = cli_format_of(&fmt, a, CLI_TABLE_CSV_JSON, FMT_TABLE)) != 0)
		return code;
	if ((code = cli_open(&repo, a)) != 0)
		return code;
	error = chancery_campaign_show(&text, repo, a->args[1]);
	chancery_repository_free(repo);
	if (error < 0)
		return cli_fail(error);
	if (fmt == FMT_JSON) {
		cli_json_text(stdout, text);
		putchar('\n');
		chancery_free(text);
		return EXIT_OK;
	}
	root = parsed(text);
	chancery_free(text);
	if (!root)
		return EXIT_INTERNAL;
	code = show_fields(json_object_get(root, "campaign"), fmt);
	json_decref(root);
	return code;
}

static int campaign_close(const cli_args *a)
{
	chancery_repository *repo = NULL;
	chancery_date d;
	bool given;
	int code, error;

	if (a->nargs != 2)
		return cli_error(EXIT_USAGE, "campaign close: one ID");
	if ((code = cli_date(&d, &given, a, "date")) != 0)
		return code;
	if ((code = cli_open(&repo, a)) != 0)
		return code;
	error = chancery_campaign_close(repo, a->args[1], given ? &d : NULL);
	if (error < 0)
		code = cli_fail(error);
	else
		cli_printf_safe(stdout, "Closed campaign %s\n", a->args[1]);
	chancery_repository_free(repo);
	return code;
}

/* The options a subcommand does not take: refused, not ignored. */
static int foreign_options(const cli_args *a, bool open)
{
	static const char *const of_open[] = { "workflow", "letter-date",
		"deadline", "event", "featured", "title", "recipients",
		"template" };
	static const char *const of_others[] = { "format", "date" };
	const char *const *names = open ? of_others : of_open;
	size_t n = open ? 2 : sizeof(of_open) / sizeof(*of_open);

	for (size_t i = 0; i < n; i++)
		if (cli_opt_count(a, names[i]))
			return cli_error(EXIT_USAGE, "campaign %s: --%s is not "
				"an option of it (see chancery campaign -h)",
				a->args[0], names[i]);
	return 0;
}

int cmd_campaign(int argc, char **argv)
{
	cli_args a;
	int code;

	if ((code = cli_parse(&a, cli_find("campaign"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = foreign_options(&a, !strcmp(a.args[0], "open"))) != 0)
		return code;
	if (!strcmp(a.args[0], "open"))
		return campaign_open(&a);
	if (!strcmp(a.args[0], "list"))
		return campaign_list(&a);
	if (!strcmp(a.args[0], "show"))
		return campaign_show(&a);
	if (!strcmp(a.args[0], "close"))
		return campaign_close(&a);
	return cli_error(EXIT_USAGE, "campaign: '%s' is not open, list, show "
		"or close", a.args[0]);
}
