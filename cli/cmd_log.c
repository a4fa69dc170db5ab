/*
 * cmd_log.c - `chancery log`: events read back from the commits' trailers,
 * newest first (--reverse: oldest first), filtered by State, treaty,
 * campaign, type and date; a line each, or JSON (events.c). What it
 * prints of history goes through output.c's escaper: no control character
 * of a forged commit reaches the terminal. Nothing matched: exit 1; but a
 * --type that is neither chancery's nor recorded in this repository is a
 * mistake, not an empty answer: exit 3, naming the types there are.
 *
 * The State column: an event may name many States (a dispatch names
 * every recipient); with --state it shows that State, else the one State,
 * or '*' for several.
 */
#include "cli.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	cli_format fmt;
	const char *state;   /* --state, or NULL */
	json_t *items;
	size_t count;
	chancery_corrections *fates;
} log_ctx;

/* chancery's own event types (docs/repository-format.md, Chancery-Event) */
static const char *const own_types[] = {
	"init", "import", "note", "sync", "campaign", "letters", "send",
	"reply", "remind", "deposit", "void", "close", NULL
};

#define TYPES_MAX 64

/* The types recorded in a repository, each once (at most TYPES_MAX). */
typedef struct {
	char *names[TYPES_MAX];
	size_t n;
} type_list;

/* The State column: --state's, the event's one State, '*' for several. */
static const char *state_cell(const log_ctx *ctx, const chancery_event *ev)
{
	const char *one = NULL;
	size_t n = 0;

	if (ctx->state)
		return ctx->state;
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *v;

		chancery_event_field(&k, &v, ev, i);
		if (!strcmp(k, "State") && n++ == 0)
			one = v;
	}
	return n > 1 ? "*" : one ? one : "-";
}

static int log_cb(const chancery_event *ev, void *payload)
{
	log_ctx *ctx = payload;
	chancery_date d;
	char date[11];
	const char *state = state_cell(ctx, ev);
	const char *author = chancery_event_author(ev);
	const char *lt = strchr(author, '<');
	int name_len = lt && lt > author ? (int)(lt - author - 1) :
		(int)strlen(author);

	ctx->count++;
	if (ctx->fmt == FMT_JSON) {
		json_t *o = cli_event_json(ev);

		if (!o)
			return -1;
		cli_fate_json(o, ctx->fates, ev);
		json_array_append_new(ctx->items, o);
		return 0;
	}
	chancery_event_date(&d, ev);
	chancery_date_format(date, sizeof(date), &d);
	cli_printf_safe(stdout, "%s  %-12.12s %-10s %-4s %-18.*s %s\n", date,
		chancery_event_commit(ev), chancery_event_type(ev),
		state, name_len > 18 ? 18 : name_len, author,
		chancery_event_subject(ev));
	cli_fate_print(stdout, ctx->fates, ev, "            ");
	return 0;
}

static int collect_type(const chancery_event *ev, void *payload)
{
	type_list *t = payload;
	const char *type = chancery_event_type(ev);

	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->names[i], type))
			return 0;
	if (t->n < TYPES_MAX && !(t->names[t->n++] = strdup(type)))
		return -1;
	return 0;
}

static bool listed(const char *const *names, size_t n, const char *type)
{
	for (size_t i = 0; names[i] && i < n; i++)
		if (!strcmp(names[i], type))
			return true;
	return false;
}

/*
 * Nothing matched --type TYPE: 1 when TYPE is chancery's or recorded in
 * this repository (the other filters left nothing), else 3, naming the
 * types there are. Prints the error.
 */
static int check_type(chancery_repository *repo, const char *type)
{
	type_list t = { { 0 }, 0 };
	char list[1024] = "";
	int error, code = EXIT_PROBLEMS;
	size_t len = 0;

	if (listed(own_types, SIZE_MAX, type))
		return EXIT_PROBLEMS;
	if ((error = chancery_event_foreach(repo, NULL, collect_type, &t)) < 0)
		code = cli_fail(error);
	else if (error)
		code = cli_error(EXIT_INTERNAL, "out of memory");
	if (code != EXIT_PROBLEMS || listed((const char *const *)t.names, t.n,
			type))
		goto done;
	for (size_t i = 0; own_types[i]; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
			i ? ", " : "", own_types[i]);
	for (size_t i = 0; i < t.n && len < sizeof(list); i++)
		if (!listed(own_types, SIZE_MAX, t.names[i]))
			len += (size_t)snprintf(list + len, sizeof(list) - len,
				", %s", t.names[i]);
	code = cli_error(EXIT_INVALID, "log: --type '%.40s' is no event type "
		"(the types: %s)", type, list);
done:
	for (size_t i = 0; i < t.n; i++)
		free(t.names[i]);
	return code;
}

int cmd_log(int argc, char **argv)
{
	cli_args a;
	chancery_log_options opts = CHANCERY_LOG_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	chancery_date since, until;
	bool have_since, have_until;
	log_ctx ctx = { FMT_TABLE, NULL, NULL, 0, NULL };
	int code, error;

	if ((code = cli_parse(&a, cli_find("log"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&ctx.fmt, &a, (1u << FMT_TABLE) |
			(1u << FMT_JSON), FMT_TABLE)) != 0 ||
	    (code = cli_date(&since, &have_since, &a, "since")) != 0 ||
	    (code = cli_date(&until, &have_until, &a, "until")) != 0)
		return code;
	opts.state = cli_opt_value(&a, "state");
	opts.treaty = cli_opt_value(&a, "treaty");
	opts.campaign = cli_opt_value(&a, "campaign");
	opts.type = cli_opt_value(&a, "type");
	opts.since = have_since ? &since : NULL;
	opts.until = have_until ? &until : NULL;
	opts.oldest_first = cli_opt_count(&a, "reverse") > 0;
	ctx.state = opts.state;
	if (opts.state && !chancery_registry_state_code_valid(opts.state))
		return cli_error(EXIT_INVALID,
			"--state '%.40s' is not a State code", opts.state);
	if (opts.treaty && !chancery_registry_treaty_id_valid(opts.treaty))
		return cli_error(EXIT_INVALID,
			"--treaty '%.40s' is not a treaty reference", opts.treaty);
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if (ctx.fmt == FMT_JSON && !(ctx.items = json_array())) {
		chancery_repository_free(repo);
		return cli_error(EXIT_INTERNAL, "out of memory");
	}
	if ((error = chancery_corrections_load(&ctx.fates, repo, NULL)) == 0)
		error = chancery_event_foreach(repo, &opts, log_cb, &ctx);
	if (error == 0 && !ctx.count && opts.type &&
	    (code = check_type(repo, opts.type)) != EXIT_PROBLEMS) {
		json_decref(ctx.items);
		chancery_corrections_free(ctx.fates);
		chancery_repository_free(repo);
		return code;
	}
	code = cli_events_done(error, ctx.count, ctx.items, NULL);
	chancery_corrections_free(ctx.fates);
	chancery_repository_free(repo);
	return code;
}
