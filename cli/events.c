/*
 * events.c - events as JSON, shared by `log`, `show` and `history`: one
 * object per event (id, commit, type, date, recorded, author, subject,
 * message, and every trailer field as a list, since keys may repeat), and
 * the end of a listing: {"version": 1, "events": [...]} or the error, exit
 * 1 when nothing matched. The JSON goes out through output.c's escaper.
 */
#include "cli.h"

#include <jansson.h>

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
