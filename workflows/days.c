/*
 * days.c - adding days, or working days (Monday to Friday), to a date:
 * what workflow guards with an offset ("10 working days after the
 * deadline") and the status ("the day before the event") need.
 *
 * This is the module's only day arithmetic, kept apart so that it can be
 * replaced whole by the library's date module. Invariant: a date stays a
 * real date (month lengths and leap years of the proleptic Gregorian
 * calendar). Left out on purpose: public holidays, which differ by State
 * and by year; a working day is Monday to Friday.
 */
#include "workflows.h"

/* Day of the week, 0 = Monday (Sakamoto's rule). */
static int weekday(const chancery_date *d)
{
	static const int t[] = { 0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4 };
	int y = d->year - (d->month < 3);
	int sunday0 = (y + y / 4 - y / 100 + y / 400 + t[d->month - 1] + d->day) % 7;

	return (sunday0 + 6) % 7;
}

static void step_day(chancery_date *d, int dir)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y = d->year;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	int dim = d->month == 2 && leap ? 29 : days[d->month - 1];

	if (dir > 0) {
		if (++d->day > dim) {
			d->day = 1;
			if (++d->month > 12) {
				d->month = 1;
				d->year++;
			}
		}
	} else if (--d->day < 1) {
		if (--d->month < 1) {
			d->month = 12;
			d->year--;
		}
		y = d->year;
		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		d->day = d->month == 2 && leap ? 29 : days[d->month - 1];
	}
}

void wf_add_days(chancery_date *out, const chancery_date *d, int n,
	bool working)
{
	int dir = n < 0 ? -1 : 1;

	*out = *d;
	for (int left = n < 0 ? -n : n; left > 0;) {
		step_day(out, dir);
		if (!working || weekday(out) < 5)
			left--;
	}
}

