/*
 * cmd_show.c - `chancery show EVENT`: one event (by its id or commit) with
 * its files and its record file, as text or JSON. Everything read from
 * the repository goes through output.c's escaper.
 */
#include "cli.h"

#include <jansson.h>

int cmd_show(int argc, char **argv)
{
	cli_args a;
	cli_format fmt;
	chancery_repository *repo = NULL;
	chancery_event *ev = NULL;
	chancery_corrections *fates = NULL;
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
	if ((error = chancery_corrections_load(&fates, repo, NULL)) < 0) {
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
		cli_fate_json(o, fates, ev);
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
		cli_fate_print(stdout, fates, ev, "       ");
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
	chancery_corrections_free(fates);
	chancery_event_free(ev);
	chancery_repository_free(repo);
	return code;
}
