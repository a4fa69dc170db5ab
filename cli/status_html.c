/*
 * status_html.c - the status of a campaign as one self-contained HTML page
 * (no script, no external file: it opens offline in any browser): totals,
 * a chart of replies over time against the deadline (inline SVG), and a
 * table with a row per State. Made from the status JSON.
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

/* The page's head, title, campaign line and totals. */
static void put_head(FILE *out, json_t *root, const chart *ch)
{
	json_t *c = json_object_get(root, "campaign");
	json_t *tot = json_object_get(root, "totals");
	const char *as_of = ch->as_of, *start = ch->start,
		*deadline = ch->deadline;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		"<title>", out);
	esc(out, json_string_value(json_object_get(c, "title")));
	fputs("</title><style>body{font-family:sans-serif;margin:2em;color:#222}"
		"table{border-collapse:collapse;font-size:13px}td,th{border:1px solid "
		"#bbb;padding:2px 6px;text-align:left}th{background:#eee}"
		".late{color:#a40}.tot td{font-weight:bold}</style></head><body>\n<h1>", out);
	esc(out, json_string_value(json_object_get(c, "title")));
	fprintf(out, "</h1>\n<p>Campaign <b>");
	esc(out, json_string_value(json_object_get(c, "id")));
	fprintf(out, "</b>, workflow %s. Status as of <b>%s</b>; letters of %s, "
		"replies due by %s.</p>\n",
		json_string_value(json_object_get(c, "workflow")), as_of, start, deadline);
	fprintf(out, "<table><tr><th>recipients</th><th>sent</th><th>replied</th>"
		"<th>on time</th><th>late</th><th>no reply</th><th>reminded</th></tr>"
		"<tr class=\"tot\"><td>%lld</td><td>%lld</td><td>%lld</td><td>%lld</td>"
		"<td>%lld</td><td>%lld</td><td>%lld</td></tr></table>\n",
		(long long)json_integer_value(json_object_get(tot, "recipients")),
		(long long)json_integer_value(json_object_get(tot, "sent")),
		(long long)json_integer_value(json_object_get(tot, "replied")),
		(long long)json_integer_value(json_object_get(tot, "on_time")),
		(long long)json_integer_value(json_object_get(tot, "late")),
		(long long)json_integer_value(json_object_get(tot, "no_reply")),
		(long long)json_integer_value(json_object_get(tot, "reminded")));
}

/* Replies over time, against the deadline, as inline SVG. */
static void put_chart(FILE *out, const chart *ch)
{
	const int W = 720, H = 220, L = 50, B = 30;

	/* replies over time: a step line of the count so far */
	fprintf(out, "<h2>Replies over time</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"replies over time\">\n",
		W, H);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
		L, H - B, W - 10, H - B);
	fprintf(out, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
		L, L, H - B);
	{
		double xs = (double)(W - 10 - L) / (double)(ch->d1 - ch->d0);
		double ys = (double)(H - B - 10) / (double)(ch->total ? ch->total : 1);
		double xd = L + (ch->dl - ch->d0) * xs;
		long prev_x = L;
		size_t k;

		fprintf(out, "<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%d\" "
			"stroke=\"#c00\" stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"20\" "
			"font-size=\"11\" fill=\"#c00\">deadline %s</text>\n", xd, xd, H - B,
			xd + 4, ch->deadline);
		fprintf(out, "<polyline fill=\"none\" stroke=\"#036\" stroke-width=\"2\" points=\"%d,%d",
			L, H - B);
		for (k = 0; k < ch->n; k++) {
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
			"<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>"
			"<text x=\"5\" y=\"%d\" font-size=\"11\">%zu</text>"
			"<text x=\"5\" y=\"15\" font-size=\"11\">%zu</text>\n",
			L, H - 10, ch->start, W - 10, H - 10, ch->as_of, H - B, (size_t)0,
			ch->total);
	}
	fputs("</svg>\n", out);
}

/* A row of the States' table. */
static void put_state(FILE *out, json_t *s)
{
	json_t *r = json_object_get(s, "reply"), *it;
	size_t k;

	fputs("<tr><td>", out);
	esc(out, json_string_value(json_object_get(s, "code")));
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
	json_array_foreach(json_object_get(s, "intentions"), k, it) {
		if (k)
			fputs(", ", out);
		esc(out, json_string_value(json_object_get(it, "action")));
		fputc(' ', out);
		esc(out, json_string_value(json_object_get(it, "treaty")));
	}
	fputs("</td><td>", out);
	json_array_foreach(json_object_get(s, "reminders"), k, it) {
		if (k)
			fputs(", ", out);
		esc(out, json_string_value(it));
	}
	fputs("</td><td>", out);
	json_array_foreach(json_object_get(s, "actions"), k, it) {
		if (k)
			fputs(", ", out);
		esc(out, json_string_value(json_object_get(it, "action")));
		fputc(' ', out);
		esc(out, json_string_value(json_object_get(it, "treaty")));
	}
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

int cli_status_html(FILE *out, const char *json)
{
	json_t *root = json_loads(json, 0, NULL), *states, *s;
	chart ch;
	size_t i;

	if (!root)
		return cli_error(EXIT_INTERNAL, "bad status data");
	if (!chart_of(&ch, root)) {
		json_decref(root);
		return cli_error(EXIT_INTERNAL, "out of memory");
	}
	states = json_object_get(root, "states");
	put_head(out, root, &ch);
	put_chart(out, &ch);
	fputs("<h2>States</h2>\n<table><tr><th>State</th><th>workflow state</th>"
		"<th>letter</th><th>sent</th><th>reply</th><th>intentions</th>"
		"<th>reminders</th><th>actions</th></tr>\n", out);
	json_array_foreach(states, i, s)
		put_state(out, s);
	fprintf(out, "</table>\n<p><small>Made by chancery %s.</small></p>\n"
		"</body></html>\n", chancery_version(NULL, NULL, NULL));
	free(ch.days);
	json_decref(root);
	return 0;
}
