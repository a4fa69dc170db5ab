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

static long day_number(const char *iso)
{
	int y, m, d;

	if (!iso || sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3)
		return 0;
	y -= m <= 2;
	{
		long era = y / 400, yoe = y - era * 400;
		long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

		return era * 146097 + doe - 719468;
	}
}

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

int cli_status_html(FILE *out, const char *json)
{
	json_t *root = json_loads(json, 0, NULL), *c, *tot, *states, *s;
	const char *as_of, *deadline, *start;
	long d0, d1, dl, *days;
	size_t n = 0, i, total;
	const int W = 720, H = 220, L = 50, B = 30;

	if (!root)
		return cli_error(EXIT_INTERNAL, "bad status data");
	c = json_object_get(root, "campaign");
	tot = json_object_get(root, "totals");
	states = json_object_get(root, "states");
	as_of = json_string_value(json_object_get(root, "as_of"));
	deadline = json_string_value(json_object_get(c, "deadline"));
	start = json_string_value(json_object_get(c, "letter_date"));
	total = json_array_size(states);
	days = calloc(total + 1, sizeof(long));
	json_array_foreach(states, i, s) {
		json_t *r = json_array_get(json_object_get(s, "replies"), 0);

		if (r)
			days[n++] = day_number(json_string_value(json_object_get(r,
				"received")));
	}
	qsort(days, n, sizeof(long), cmp_long);
	d0 = day_number(start);
	d1 = day_number(json_string_value(json_object_get(json_object_get(c,
		"event"), "end")));
	if (day_number(as_of) > d1)
		d1 = day_number(as_of);
	if (d1 <= d0)
		d1 = d0 + 1;
	dl = day_number(deadline);

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

	/* replies over time: a step line of the count so far */
	fprintf(out, "<h2>Replies over time</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"replies over time\">\n",
		W, H);
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
		L, H - B, W - 10, H - B);
	fprintf(out, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
		L, L, H - B);
	{
		double xs = (double)(W - 10 - L) / (double)(d1 - d0);
		double ys = (double)(H - B - 10) / (double)(total ? total : 1);
		double xd = L + (dl - d0) * xs;
		long prev_x = L;
		size_t k;

		fprintf(out, "<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%d\" "
			"stroke=\"#c00\" stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"20\" "
			"font-size=\"11\" fill=\"#c00\">deadline %s</text>\n", xd, xd, H - B,
			xd + 4, deadline);
		fprintf(out, "<polyline fill=\"none\" stroke=\"#036\" stroke-width=\"2\" points=\"%d,%d",
			L, H - B);
		for (k = 0; k < n; k++) {
			long x = (long)(L + (days[k] - d0) * xs);

			if (x < L)
				x = L;
			fprintf(out, " %ld,%.1f %ld,%.1f", x, H - B - k * ys, x,
				H - B - (k + 1) * ys);
			prev_x = x;
		}
		{
			long xe = (long)(L + (day_number(as_of) - d0) * xs);

			if (xe > prev_x)
				fprintf(out, " %ld,%.1f", xe > W - 10 ? W - 10 : xe,
					H - B - n * ys);
		}
		fprintf(out, "\"/>\n<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>"
			"<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>"
			"<text x=\"5\" y=\"%d\" font-size=\"11\">%zu</text>"
			"<text x=\"5\" y=\"15\" font-size=\"11\">%zu</text>\n",
			L, H - 10, start, W - 10, H - 10, as_of, H - B, (size_t)0, total);
	}
	fputs("</svg>\n", out);

	fputs("<h2>States</h2>\n<table><tr><th>State</th><th>workflow state</th>"
		"<th>letter</th><th>sent</th><th>reply</th><th>intentions</th>"
		"<th>reminders</th><th>actions</th></tr>\n", out);
	json_array_foreach(states, i, s) {
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
	fputs("</table>\n<p><small>Made by chancery " CHANCERY_VERSION
		".</small></p>\n</body></html>\n", out);
	free(days);
	json_decref(root);
	return 0;
}
