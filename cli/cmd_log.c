/*
 * cmd_log.c - reading history back: `chancery log` lists events from the
 * commits' trailers (filtered by State, treaty, campaign, type and date),
 * `chancery show EVENT` prints one event with its record file. What they
 * print of history goes through output.c's escaper: no control character
 * of a forged commit reaches the terminal.
 */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

json_t *cli_event_json(const chancery_event *ev)
{
	json_t *o = json_object(), *fields = json_object();
	chancery_date d;
	char date[11], when[32];

	if (!o || !fields) {
		json_decref(o);
		json_decref(fields);
		return NULL;
	}
	chancery_event_date(&d, ev);
	chancery_date_format(date, sizeof(date), &d);
	chancery_time_format(when, sizeof(when), chancery_event_time(ev));
	json_object_set_new(o, "id", json_string(chancery_event_id(ev) ?
		chancery_event_id(ev) : ""));
	json_object_set_new(o, "commit", json_string(chancery_event_commit(ev)));
	json_object_set_new(o, "type", json_string(chancery_event_type(ev)));
	json_object_set_new(o, "date", json_string(date));
	json_object_set_new(o, "recorded", json_string(when));
	json_object_set_new(o, "author", json_string(chancery_event_author(ev)));
	json_object_set_new(o, "subject", json_string(chancery_event_subject(ev)));
	json_object_set_new(o, "message", json_string(chancery_event_message(ev)));
	/* every field as a list: keys may repeat */
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *v;
		json_t *list;

		chancery_event_field(&k, &v, ev, i);
		list = json_object_get(fields, k);
		if (!list) {
			list = json_array();
			json_object_set_new(fields, k, list);
		}
		json_array_append_new(list, json_string(v));
	}
	json_object_set_new(o, "fields", fields);
	return o;
}

typedef struct {
	cli_format fmt;
	json_t *items;
	size_t count;
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
		json_array_append_new(ctx->items, o);
		return 0;
	}
	chancery_event_date(&d, ev);
	chancery_date_format(date, sizeof(date), &d);
	cli_printf_safe(stdout, "%s  %-12.12s %-10s %-4s %-18.*s %s\n", date,
		chancery_event_commit(ev), chancery_event_type(ev),
		state ? state : "-", name_len > 18 ? 18 : name_len, author,
		chancery_event_subject(ev));
	return 0;
}

int cmd_log(int argc, char **argv)
{
	cli_args a;
	chancery_log_options opts = CHANCERY_LOG_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	chancery_date since, until;
	bool have_since, have_until;
	log_ctx ctx = { FMT_TABLE, NULL, 0 };
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
	if (opts.state && !chancery_state_code_valid(opts.state))
		return cli_error(EXIT_INVALID,
			"--state '%.40s' is not a State code", opts.state);
	if (opts.treaty && !chancery_treaty_id_valid(opts.treaty))
		return cli_error(EXIT_INVALID,
			"--treaty '%.40s' is not a treaty reference", opts.treaty);
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if (ctx.fmt == FMT_JSON && !(ctx.items = json_array())) {
		chancery_repository_free(repo);
		return cli_error(EXIT_INTERNAL, "out of memory");
	}
	error = chancery_history_foreach(repo, &opts, log_cb, &ctx);
	code = cli_events_done(error, ctx.count, ctx.items, NULL);
	chancery_repository_free(repo);
	return code;
}

int cli_events_done(int error, size_t count, struct json_t *items,
	const char *subject)
{
	int code;

	if (error < 0) {
		code = cli_fail(error);
	} else if (error) {
		code = cli_error(EXIT_INTERNAL, "out of memory");
	} else {
		if (items) {
			json_t *root = json_object();

			json_object_set_new(root, "version", json_integer(1));
			if (subject)
				json_object_set_new(root, "subject",
					json_string(subject));
			json_object_set(root, "events", items);
			cli_json_print(root, stdout);
			json_decref(root);
		}
		code = count ? EXIT_OK : EXIT_PROBLEMS;
	}
	json_decref(items);
	return code;
}

int cmd_show(int argc, char **argv)
{
	cli_args a;
	cli_format fmt;
	chancery_repository *repo = NULL;
	chancery_event *ev = NULL;
	char *record = NULL;
	size_t size = 0;
	int code, error;

	if ((code = cli_parse(&a, cli_find("show"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&fmt, &a, (1u << FMT_TEXT) | (1u << FMT_JSON),
			FMT_TEXT)) != 0)
		return code;
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((error = chancery_event_lookup(&ev, repo, a.args[0])) < 0) {
		code = cli_fail(error);
		goto done;
	}
	error = chancery_event_record_text(&record, &size, repo, ev);
	if (error < 0 && error != CHANCERY_ENOTFOUND) {
		code = cli_fail(error);
		goto done;
	}
	if (fmt == FMT_JSON) {
		json_t *o = cli_event_json(ev), *paths = json_array();

		for (size_t i = 0; i < chancery_event_path_count(ev); i++)
			json_array_append_new(paths,
				json_string(chancery_event_path(ev, i)));
		json_object_set_new(o, "paths", paths);
		json_object_set_new(o, "record", record ?
			json_stringn(record, size) : json_null());
		json_object_set_new(o, "version", json_integer(1));
		cli_json_print(o, stdout);
		json_decref(o);
	} else {
		char when[32];

		chancery_time_format(when, sizeof(when), chancery_event_time(ev));
		cli_printf_safe(stdout, "commit %s\n", chancery_event_commit(ev));
		cli_printf_safe(stdout, "event  %s %s\n", chancery_event_type(ev),
			chancery_event_id(ev) ? chancery_event_id(ev) : "");
		cli_printf_safe(stdout, "by     %s\n", chancery_event_author(ev));
		cli_printf_safe(stdout, "at     %s\n", when);
		for (size_t i = 0; i < chancery_event_path_count(ev); i++)
			cli_printf_safe(stdout, "file   %s\n",
				chancery_event_path(ev, i));
		if (record) {
			printf("\n");
			cli_put_safe(stdout, record, size, true);
		}
	}
	code = EXIT_OK;
done:
	chancery_free(record);
	chancery_event_free(ev);
	chancery_repository_free(repo);
	return code;
}
