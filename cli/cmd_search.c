/*
 * cmd_search.c - `chancery search TEXT [--state S] [--treaty T]
 * [--campaign C] [--since D] [--until D] [--format json]`: full text over
 * the events from the index (chancery_search), best match first; one line
 * per event (id, date, type, State, the snippet), or a JSON document.
 * Nothing found is exit 1, as for every query that matches nothing (the
 * JSON document then lists no hits).
 */
#include "cli.h"

#include <jansson.h>

typedef struct {
	cli_format fmt;
	json_t *hits;
	size_t count;
} search_ctx;

static int hit_cb(const chancery_search_hit *h, void *payload)
{
	search_ctx *x = payload;

	x->count++;
	if (x->fmt == FMT_JSON) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:f}",
			"id", h->id, "commit", h->commit, "date", h->date,
			"type", h->type, "state", h->state, "snippet",
			h->snippet, "rank", h->rank);

		return !o || json_array_append_new(x->hits, o) < 0;
	}
	cli_printf_safe(stdout, "%s  %s  %-10s %-4s %s\n", h->id, h->date,
		h->type, h->state[0] ? h->state : "-", h->snippet);
	return 0;
}

static int search_done(int error, search_ctx *x, const char *text)
{
	if (error < 0)
		return cli_fail(error);
	if (error)
		return cli_error(EXIT_INTERNAL, "out of memory");
	if (x->fmt == FMT_JSON) {
		json_t *root = json_pack("{s:i, s:s, s:O}", "version", 1,
			"text", text, "hits", x->hits);

		if (!root)
			return cli_error(EXIT_INTERNAL, "out of memory");
		cli_json_print(root, stdout);
		json_decref(root);
	} else if (!x->count) {
		cli_printf_safe(stderr, "chancery: search: no event matches "
			"'%s'\n", text);
	}
	return x->count ? EXIT_OK : EXIT_PROBLEMS;
}

int cmd_search(int argc, char **argv)
{
	chancery_search_options o = CHANCERY_SEARCH_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	search_ctx x = { FMT_TABLE, NULL, 0 };
	chancery_date since, until;
	bool have_since, have_until;
	cli_args a;
	int code, error;

	if ((code = cli_parse(&a, cli_find("search"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&x.fmt, &a, (1u << FMT_TABLE) |
			(1u << FMT_JSON), FMT_TABLE)) != 0 ||
	    (code = cli_date(&since, &have_since, &a, "since")) != 0 ||
	    (code = cli_date(&until, &have_until, &a, "until")) != 0)
		return code;
	o.text = a.args[0];
	o.state = cli_opt_value(&a, "state");
	o.treaty = cli_opt_value(&a, "treaty");
	o.campaign = cli_opt_value(&a, "campaign");
	o.since = have_since ? &since : NULL;
	o.until = have_until ? &until : NULL;
	if (o.state && !chancery_registry_state_code_valid(o.state))
		return cli_error(EXIT_INVALID,
			"--state '%.40s' is not a State code", o.state);
	if (o.treaty && !chancery_registry_treaty_id_valid(o.treaty))
		return cli_error(EXIT_INVALID,
			"--treaty '%.40s' is not a treaty reference", o.treaty);
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if (x.fmt == FMT_JSON && !(x.hits = json_array())) {
		chancery_repository_free(repo);
		return cli_error(EXIT_INTERNAL, "out of memory");
	}
	error = chancery_search(repo, &o, hit_cb, &x);
	code = search_done(error, &x, o.text);
	json_decref(x.hits);
	chancery_repository_free(repo);
	return code;
}
