/*
 * cmd_log.c - `chancery log`: events read back from the commits' trailers,
 * newest first (--reverse: oldest first), filtered by State, treaty,
 * campaign, type and date; a line each, or JSON (events.c). What it
 * prints of history goes through output.c's escaper: no control character
 * of a forged commit reaches the terminal. Nothing matched: exit 1.
 */
#include "cli.h"

#include <jansson.h>
#include <string.h>

typedef struct {
	cli_format fmt;
	json_t *items;
	size_t count;
	chancery_corrections *fates;
} log_ctx;

static int log_cb(const chancery_event *ev, void *payload)
{
	log_ctx *ctx = payload;
	chancery_date d;
	char date[11];
	const char *state = chancery_event_get(ev, "State");
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
		state ? state : "-", name_len > 18 ? 18 : name_len, author,
		chancery_event_subject(ev));
	cli_fate_print(stdout, ctx->fates, ev, "            ");
	return 0;
}

int cmd_log(int argc, char **argv)
{
	cli_args a;
	chancery_log_options opts = CHANCERY_LOG_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	chancery_date since, until;
	bool have_since, have_until;
	log_ctx ctx = { FMT_TABLE, NULL, 0, NULL };
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
	code = cli_events_done(error, ctx.count, ctx.items, NULL);
	chancery_corrections_free(ctx.fates);
	chancery_repository_free(repo);
	return code;
}
