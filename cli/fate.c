/*
 * fate.c - what became of an event, as history, log and show say it: an
 * event voided (`chancery void`) or corrected (`reply --corrects`) is
 * shown where it is, marked "voided by ID: reason" or "corrected by ID:
 * reason", and in JSON as "voided_by"/"corrected_by" and "reason". The
 * rule that decides it is the library's (chancery_corrections_*).
 */
#include "cli.h"

#include <jansson.h>

void cli_fate_print(FILE *out, const chancery_corrections *c,
	const chancery_event *ev, const char *indent)
{
	const char *reason, *by;
	int voided = 0;

	by = chancery_corrections_of(c, chancery_event_id(ev), &voided, &reason);
	if (by)
		cli_printf_safe(out, "%s%s by %s: %s\n", indent,
			voided ? "voided" : "corrected", by, reason);
}

void cli_fate_json(json_t *o, const chancery_corrections *c,
	const chancery_event *ev)
{
	const char *reason, *by;
	int voided = 0;

	by = chancery_corrections_of(c, chancery_event_id(ev), &voided, &reason);
	if (!o || !by)
		return;
	json_object_set_new(o, voided ? "voided_by" : "corrected_by",
		json_string(by));
	json_object_set_new(o, "reason", json_string(reason));
}
