/*
 * cmd_history.c - `chancery history STATE|TREATY`: the whole story of a
 * State or a treaty, in the order things happened (real-world date, then
 * recording order): every event that names it, two lines each (what,
 * then who recorded it and when, then what voided or corrected it if
 * anything did: fate.c), or JSON (events.c).
 */
#include "cli.h"

#include <jansson.h>

typedef struct {
	cli_format fmt;
	json_t *items;
	size_t count;
	chancery_corrections *fates;
} history_ctx;

static int history_cb(const chancery_event *ev, void *payload)
{
	history_ctx *h = payload;
	chancery_date d;
	char date[11], when[32];

	h->count++;
	if (h->fmt == FMT_JSON) {
		json_t *o = cli_event_json(ev);

		if (!o)
			return -1;
		cli_fate_json(o, h->fates, ev);
		json_array_append_new(h->items, o);
		return 0;
	}
	chancery_event_date(&d, ev);
	chancery_date_format(date, sizeof(date), &d);
	chancery_time_format(when, sizeof(when), chancery_event_time(ev));
	cli_printf_safe(stdout, "%s  %-8s %s  %s\n            recorded %s by %s\n", date,
		chancery_event_type(ev), chancery_event_id(ev),
		chancery_event_subject(ev), when, chancery_event_author(ev));
	cli_fate_print(stdout, h->fates, ev, "            ");
	return 0;
}

int cmd_history(int argc, char **argv)
{
	cli_args a;
	chancery_repository *repo = NULL;
	history_ctx h = { FMT_TABLE, NULL, 0, NULL };
	int code, error;

	if ((code = cli_parse(&a, cli_find("history"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&h.fmt, &a, (1u << FMT_TABLE) |
			(1u << FMT_JSON), FMT_TABLE)) != 0)
		return code;
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if (h.fmt == FMT_JSON && !(h.items = json_array())) {
		chancery_repository_free(repo);
		return cli_error(EXIT_INTERNAL, "out of memory");
	}
	if ((error = chancery_corrections_load(&h.fates, repo, NULL)) == 0)
		error = chancery_archive_history(repo, a.args[0], history_cb,
			&h);
	code = cli_events_done(error, h.count, h.items, a.args[0]);
	chancery_corrections_free(h.fates);
	chancery_repository_free(repo);
	return code;
}
