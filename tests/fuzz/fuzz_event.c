/*
 * fuzz_event.c - the commit message and trailer parser that reads history
 * back (engine/event.c), with every field read out.
 */
#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	chancery_event *ev = NULL;
	char *msg = fuzz_text(d, n);
	chancery_date date;

	if (chancery__git_init() < 0)
		abort();
	if (chancery__event_from_message(&ev, msg, "Fuzz", "fuzz@example.org",
			1079082000, 0) == 0) {
		for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
			const char *k, *v;

			chancery_event_field(&k, &v, ev, i);
			if (!k || !v)
				abort();
		}
		(void)chancery_event_date(&date, ev);
		(void)chancery_event_get(ev, "State");
		chancery_event_free(ev);
	}
	free(msg);
	chancery_error_clear();
	return 0;
}
