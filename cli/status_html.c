/*
 * status_html.c - the status of a campaign as one self-contained HTML page
 * (no script, no external file: it opens offline in any browser): totals,
 * where the States stand (a bar per workflow state), a chart of replies
 * over time against the deadline (inline SVG), the results of the event
 * (actions by day, type and State; parties before and after per featured
 * treaty) and a row per State with its name. Made from the status JSON.
 *
 * Invariants: every scale follows the data (the largest bar is the full
 * width, the reply line reaches the top of its chart at the most replies)
 * with labelled axis ticks; labels sit in table cells or inside the SVG's
 * margins, so no name or category is cut off; the page is well-formed XML
 * as well as HTML (polyglot), so xmllint reads it either way. Left out on
 * purpose: scripts, styles from outside, anything a printer cannot show.
 */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void esc(FILE *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* The chart's scale and points: the reply days sorted, the first and last
 * day shown, the deadline, the status day. */
typedef struct {
	long *days;
	size_t n, total;
	long d0, d1, dl, now;
	const char *start, *deadline, *as_of;
} chart;

static long long jint(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* The page's head, title, campaign line and totals. */
static void put_head(FILE *out, json_t *root, const chart *ch)
{
	json_t *c = json_object_get(root, "campaign");
	json_t *tot = json_object_get(root, "totals");

	fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" "
		"lang=\"en\"><head><meta charset=\"utf-8\"/><title>", out);
	esc(out, json_string_value(json_object_get(c, "title")));
	fputs("</title><style>body{font-family:sans-serif;margin:2em;color:#222}"
		"table{border-collapse:collapse;font-size:13px}td,th{border:1px solid "
		"#bbb;padding:2px 6px;text-align:left;vertical-align:top}"
		"th{background:#eee}td.n{text-align:right}"
		"td.bar{width:320px}div.bar{background:#036;height:12px;min-width:1px}"
		".late{color:#a40}.tot td{font-weight:bold}</style></head><body>\n<h1>", out);
	esc(out, json_string_value(json_object_get(c, "title")));
	fputs("</h1>\n<p>Campaign <b>", out);
	esc(out, json_string_value(json_object_get(c, "id")));
	fputs("</b>, workflow ", out);
	esc(out, json_string_value(json_object_get(c, "workflow")));
	fprintf(out, ". Status as of <b>%s</b>; letters of %s, replies due by "
		"%s.</p>\n", ch->as_of, ch->start, ch->deadline);
	fprintf(out, "<table><tr><th>recipients</th><th>sent</th><th>replied</th>"
		"<th>on time</th><th>late</th><th>no reply</th><th>reminded</th></tr>"
		"<tr class=\"tot\"><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td>"
		"<td>%lld</td><td>%lld</td><td>%lld</td></tr></table>\n",
		jint(tot, "recipients"), jint(tot, "sent"), jint(tot, "replied"),
		jint(tot, "on_time"), jint(tot, "late"), jint(tot, "no_reply"),
		jint(tot, "reminded"));
}

/* One bar of a chart: its label (escaped), count, and width against the
 * chart's largest count (that one is 100%). */
static void put_bar(FILE *out, const char *label, const char *label2,
	long long n, long long max)
{
	fputs("<tr><th>", out);
	esc(out, label);
	if (label2 && *label2) {
		fputc(' ', out);
		esc(out, label2);
	}
	fprintf(out, "</th><td class=\"n\">%lld</td><td class=\"bar\"><div "
		"class=\"bar\" style=\"width:%.1f%%\"></div></td></tr>\n", n,
		max > 0 ? 100.0 * (double)n / (double)max : 0.0);
}

static long long max_of(json_t *counts)
{
	const char *key;
	json_t *v;
	long long max = 0;

	json_object_foreach(counts, key, v)
		if (json_integer_value(v) > max)
			max = json_integer_value(v);
	return max;
}

/* A bar chart of an object of counts, keys in the object's order; `names`
 * (or NULL) maps a key to a second label (a State's name). */
static void put_bars(FILE *out, const char *title, const char *cls,
	json_t *counts, json_t *names)
{
	long long max = max_of(counts);
	const char *key;
	json_t *v;

	fprintf(out, "<h3>%s</h3>\n<table class=\"%s\">\n", title, cls);
	json_object_foreach(counts, key, v)
		put_bar(out, key, names ? json_string_value(json_object_get(names,
			key)) : NULL, json_integer_value(v), max);
	fputs("</table>\n", out);
}

/* Where the States stand: a bar per workflow state that has any, in the
 * workflow's order (outcomes marked). */
static void put_standing(FILE *out, json_t *root)
{
	json_t *counts = json_object_get(json_object_get(root, "totals"),
		"workflow_states");
	json_t *ws = json_object_get(json_object_get(root, "campaign"),
		"workflow_states"), *s;
	long long max = max_of(counts);
	size_t i;

	fputs("<h2>Where the States stand</h2>\n<table class=\"standing\">\n", out);
	json_array_foreach(ws, i, s) {
		const char *name = json_string_value(json_object_get(s, "name"));
		json_t *n = json_object_get(counts, name ? name : "");

		if (n)
			put_bar(out, name, json_is_true(json_object_get(s,
				"final")) ? "(outcome)" : NULL,
				json_integer_value(n), max);
	}
	fputs("</table>\n", out);
}

/* A step of the y axis for counts up to `max`: 1, 2, 5, 10, 20, ... so
 * that there are at most five ticks. */
static long tick_step(long max)
{
	static const long m[] = { 1, 2, 5 };

	for (long p = 1; p < 100000000; p *= 10)
		for (int k = 0; k < 3; k++)
			if (max / (m[k] * p) <= 5)
				return m[k] * p;
	return max;
}

/* The y axis of the replies chart: a line and a label per tick, and the
 * maximum at the top. */
static void put_y_axis(FILE *out, long max, int L, int top, int bottom)
{
	long step = tick_step(max);
	double ys = (double)(bottom - top) / (double)max;

	for (long v = 0; v <= max; v += step) {
		double y = bottom - v * ys;

		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			"stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" font-size=\"11\" "
			"text-anchor=\"end\">%ld</text>\n", L, y, L + 660, y, L - 4,
			y + 4, v);
	}
	if (max % step)
		fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
			"text-anchor=\"end\">%ld</text>\n", L - 4, top + 4, max);
}

/* Replies over time, against the deadline, as inline SVG: the y axis runs
 * to the number of replies, so 3 replies of 192 fill the chart. */
static void put_chart(FILE *out, const chart *ch)
{
	const int W = 720, H = 240, L = 50, B = 30, TOP = 20;
	long max = ch->n ? (long)ch->n : 1;   /* the axis: 0 to the replies */
	double xs = (double)(W - 10 - L) / (double)(ch->d1 - ch->d0);
	double ys = (double)(H - B - TOP) / (double)max;
	double xd = L + (ch->dl - ch->d0) * xs;
	long prev_x = L;

	fprintf(out, "<h2>Replies over time</h2>\n<svg xmlns=\"http://www.w3.org/"
		"2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" aria-label="
		"\"replies over time\">\n", W, H);
	put_y_axis(out, max, L, TOP, H - B);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		"stroke=\"#444\"/>\n<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
		L, H - B, W - 10, H - B, L, TOP, L, H - B);
	fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		"stroke=\"#c00\" stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"12\" "
		"font-size=\"11\" fill=\"#c00\" text-anchor=\"%s\">deadline %s</text>\n",
		xd, TOP, xd, H - B, xd, xd > W / 2 ? "end" : "start", ch->deadline);
	fprintf(out, "<polyline class=\"replies\" fill=\"none\" stroke=\"#036\" "
		"stroke-width=\"2\" points=\"%d,%d", L, H - B);
	for (size_t k = 0; k < ch->n; k++) {
		long x = (long)(L + (ch->days[k] - ch->d0) * xs);

		if (x < L)
			x = L;
		fprintf(out, " %ld,%.1f %ld,%.1f", x, H - B - k * ys, x,
			H - B - (k + 1) * ys);
		prev_x = x;
	}
	{
		long xe = (long)(L + (ch->now - ch->d0) * xs);

		if (xe > prev_x)
			fprintf(out, " %ld,%.1f", xe > W - 10 ? W - 10 : xe,
				H - B - ch->n * ys);
	}
	fprintf(out, "\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>"
		"<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>\n"
		"</svg>\n<p><small>%zu of the %zu States shown replied; the scale "
		"runs to the number of replies.</small></p>\n", L, H - 10, ch->start,
		W - 10, H - 10, ch->as_of, ch->n, ch->total);
}

/* The results of the event: actions by day, type and State, and the
 * parties of each featured treaty before and after. */
static void put_results(FILE *out, json_t *root, json_t *names)
{
	json_t *ev = json_object_get(root, "event"), *v;
	const char *key;

	fprintf(out, "<section id=\"results\">\n<h2>Results of the event, %s to "
		"%s</h2>\n<p>%lld treaty actions by %lld States.</p>\n",
		json_string_value(json_object_get(ev, "start")),
		json_string_value(json_object_get(ev, "end")),
		jint(ev, "actions"), jint(ev, "states"));
	put_bars(out, "Actions by day", "by-day",
		json_object_get(ev, "actions_by_day"), NULL);
	put_bars(out, "Actions by type", "by-type",
		json_object_get(ev, "actions_by_type"), NULL);
	put_bars(out, "Actions by State", "by-state",
		json_object_get(ev, "actions_by_state"), names);
	fputs("<h3>Parties of the featured treaties</h3>\n<table class=\"parties\">"
		"<tr><th>treaty</th><th>before</th><th>after</th><th>new</th></tr>\n",
		out);
	json_object_foreach(json_object_get(ev, "parties"), key, v) {
		fputs("<tr><th>", out);
		esc(out, key);
		fprintf(out, "</th><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
			"<td class=\"n\">%lld</td></tr>\n", jint(v, "before"),
			jint(v, "after"), jint(v, "after") - jint(v, "before"));
	}
	fputs("</table>\n</section>\n", out);
}

/* A list of an array's items, "ACTION TREATY" each, comma-separated. */
static void put_pairs(FILE *out, json_t *list, const char *a, const char *b)
{
	size_t k;
	json_t *it;

	json_array_foreach(list, k, it) {
		if (k)
			fputs(", ", out);
		esc(out, json_string_value(json_object_get(it, a)));
		fputc(' ', out);
		esc(out, json_string_value(json_object_get(it, b)));
	}
}

/* A row of the States' table. */
static void put_state(FILE *out, json_t *s)
{
	json_t *r = json_object_get(s, "reply"), *it;
	size_t k;

	fputs("<tr><td>", out);
	esc(out, json_string_value(json_object_get(s, "code")));
	fputs("</td><td>", out);
	esc(out, json_string_value(json_object_get(s, "name")));
	fputs("</td><td>", out);
	esc(out, json_string_value(json_object_get(s, "workflow_state")));
	fputs("</td><td>", out);
	esc(out, json_string_value(json_object_get(json_object_get(s, "letter"),
		"reference")));
	fputs("</td><td>", out);
	esc(out, json_string_value(json_object_get(s, "sent")));
	fputs("</td><td>", out);
	if (json_is_object(r)) {
		bool ok = json_is_true(json_object_get(r, "on_time"));

		fprintf(out, "<span%s>", ok ? "" : " class=\"late\"");
		esc(out, json_string_value(json_object_get(r, "received")));
		fputs(ok ? "</span>" : " (late)</span>", out);
	}
	fputs("</td><td>", out);
	put_pairs(out, json_object_get(s, "intentions"), "action", "treaty");
	fputs("</td><td>", out);
	json_array_foreach(json_object_get(s, "reminders"), k, it) {
		if (k)
			fputs(", ", out);
		esc(out, json_string_value(it));
	}
	fputs("</td><td>", out);
	put_pairs(out, json_object_get(s, "actions"), "action", "treaty");
	fputs("</td></tr>\n", out);
}

/* The day number of "YYYY-MM-DD" (of a longer ISO text: its date), 0
 * when it is none. */
static long day_number(const char *iso)
{
	chancery_date d;
	char day[11];

	if (!iso || strlen(iso) < 10)
		return 0;
	memcpy(day, iso, 10);
	day[10] = '\0';
	if (chancery_date_parse(&d, day) < 0) {
		chancery_error_clear();
		return 0;
	}
	return (long)chancery_date_to_days(&d);
}

/* The reply days and the span of the chart; false when out of memory. */
static bool chart_of(chart *ch, json_t *root)
{
	json_t *c = json_object_get(root, "campaign");
	json_t *states = json_object_get(root, "states"), *s;
	size_t i;

	memset(ch, 0, sizeof(*ch));
	ch->as_of = json_string_value(json_object_get(root, "as_of"));
	ch->deadline = json_string_value(json_object_get(c, "deadline"));
	ch->start = json_string_value(json_object_get(c, "letter_date"));
	ch->total = json_array_size(states);
	if (!(ch->days = calloc(ch->total + 1, sizeof(long))))
		return false;
	json_array_foreach(states, i, s) {
		json_t *r = json_array_get(json_object_get(s, "replies"), 0);

		if (r)
			ch->days[ch->n++] = day_number(json_string_value(
				json_object_get(r, "received")));
	}
	qsort(ch->days, ch->n, sizeof(long), cmp_long);
	ch->d0 = day_number(ch->start);
	ch->d1 = day_number(json_string_value(json_object_get(
		json_object_get(c, "event"), "end")));
	ch->now = day_number(ch->as_of);
	if (ch->now > ch->d1)
		ch->d1 = ch->now;
	if (ch->d1 <= ch->d0)
		ch->d1 = ch->d0 + 1;
	ch->dl = day_number(ch->deadline);
	return true;
}

/* code -> name of every State of the status. */
static json_t *names_of(json_t *states)
{
	json_t *names = json_object(), *s;
	size_t i;

	json_array_foreach(states, i, s)
		json_object_set(names, json_string_value(json_object_get(s,
			"code")), json_object_get(s, "name"));
	return names;
}

int cli_status_html(FILE *out, const char *json)
{
	json_t *root = json_loads(json, 0, NULL), *states, *s, *names;
	chart ch;
	size_t i;

	if (!root)
		return cli_error(EXIT_INTERNAL, "bad status data");
	states = json_object_get(root, "states");
	if (!(names = names_of(states)) || !chart_of(&ch, root)) {
		json_decref(names);
		json_decref(root);
		return cli_error(EXIT_INTERNAL, "out of memory");
	}
	put_head(out, root, &ch);
	put_standing(out, root);
	put_chart(out, &ch);
	put_results(out, root, names);
	fputs("<h2>States</h2>\n<table class=\"states\"><tr><th>State</th>"
		"<th>name</th><th>workflow state</th><th>letter</th><th>sent</th>"
		"<th>reply</th><th>intentions</th><th>reminders</th><th>actions</th>"
		"</tr>\n", out);
	json_array_foreach(states, i, s)
		put_state(out, s);
	fprintf(out, "</table>\n<p><small>Made by chancery %s.</small></p>\n"
		"</body></html>\n", chancery_version(NULL, NULL, NULL));
	free(ch.days);
	json_decref(names);
	json_decref(root);
	return 0;
}
