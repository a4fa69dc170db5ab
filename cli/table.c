/*
 * table.c - query results as an aligned table for people, CSV (RFC 4180)
 * or JSON (jansson) for scripts; --format picks one.
 *
 * JSON output is an object {"version": 1, "<kind>": [ {...}, ... ]} whose
 * keys are the column names; the version changes only when a key changes
 * meaning or disappears. CSV cells that a spreadsheet would run as a
 * formula (starting with =, +, -, @, tab or CR) are prefixed with a single
 * quote, the usual defence against formula injection. Cells are escaped
 * (output.c) as rows are added: a table cell is one line, a CSV cell may
 * hold lines. At most 16 columns.
 */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

struct cli_table {
	cli_format fmt;
	const char *kind;
	size_t ncols;
	const char *const *cols;
	char **cells; /* nrows * ncols, NULL allowed */
	size_t nrows;
	size_t alloc;
	size_t width[16];
};

int cli_format_of(cli_format *out, const cli_args *a, unsigned allowed,
	cli_format dflt)
{
	static const char *names[] = { "table", "csv", "json", "text", "html" };
	const char *v = cli_opt_value(a, "format");

	*out = dflt;
	if (!v)
		return 0;
	for (int i = 0; i < 5; i++)
		if ((allowed & (1u << i)) && !strcmp(v, names[i])) {
			*out = (cli_format)i;
			return 0;
		}
	return cli_error(EXIT_USAGE, "%s: unknown format '%s'",
		a->cmd->name, v);
}

cli_table *cli_table_new(cli_format fmt, const char *kind, size_t ncols,
	const char *const *cols)
{
	cli_table *t = calloc(1, sizeof(*t));

	if (!t || ncols > 16) {
		free(t);
		return NULL;
	}
	t->fmt = fmt;
	t->kind = kind;
	t->ncols = ncols;
	t->cols = cols;
	return t;
}

void cli_table_width(cli_table *t, size_t col, size_t width)
{
	if (col < t->ncols)
		t->width[col] = width;
}

int cli_table_row(cli_table *t, const char *const *cells)
{
	if ((t->nrows + 1) * t->ncols > t->alloc) {
		size_t n = t->alloc ? t->alloc * 2 : 64 * t->ncols;
		char **p = realloc(t->cells, n * sizeof(char *));

		if (!p)
			return -1;
		t->cells = p;
		t->alloc = n;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char **c = &t->cells[t->nrows * t->ncols + i];

		/* a table cell is one line; a CSV cell may hold lines; JSON
		 * is escaped as a whole when printed */
		*c = !cells[i] ? NULL : t->fmt == FMT_JSON ? strdup(cells[i]) :
			cli_safe_dup(cells[i], t->fmt == FMT_CSV);
		if (cells[i] && !*c) {
			for (size_t k = 0; k < i; k++)
				free(t->cells[t->nrows * t->ncols + k]);
			return -1;
		}
	}
	t->nrows++;
	return 0;
}

void cli_table_free(cli_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

static size_t utf8_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Print at most `max` characters of s (cut with "..."), padded to `pad`. */
static void put_cell(FILE *out, const char *s, size_t max, size_t pad)
{
	size_t w = utf8_width(s), shown = 0;

	if (max && w > max) {
		for (const char *p = s; *p; p++) {
			if (((unsigned char)*p & 0xc0) != 0x80) {
				if (shown == max - 3)
					break;
				shown++;
			}
			fputc(*p, out);
		}
		fputs("...", out);
		w = max;
	} else {
		fputs(s, out);
	}
	for (; w < pad; w++)
		fputc(' ', out);
}

int cli_csv_cell(FILE *out, const char *s)
{
	char *q = NULL;
	int error = chancery_csv_quote(&q, s, ',', CHANCERY_CSV_FORMULA);

	if (error < 0)
		return error;
	fputs(q, out);
	chancery_free(q);
	return 0;
}

static int print_json(cli_table *t, FILE *out)
{
	json_t *root = json_object(), *items = json_array();
	int error = 0;

	if (!root || !items)
		error = -1;
	for (size_t r = 0; r < t->nrows && !error; r++) {
		json_t *o = json_object();

		if (!o) {
			error = -1;
			break;
		}
		for (size_t c = 0; c < t->ncols; c++) {
			const char *v = t->cells[r * t->ncols + c];

			json_object_set_new(o, t->cols[c],
				v ? json_string(v) : json_null());
		}
		json_array_append_new(items, o);
	}
	if (!error) {
		json_object_set_new(root, "version", json_integer(1));
		json_object_set(root, t->kind, items);
		error = cli_json_print(root, out);
	}
	json_decref(items);
	json_decref(root);
	return error;
}

int cli_table_print(cli_table *t, FILE *out)
{
	size_t w[16] = { 0 };
	int error = 0;

	switch (t->fmt) {
	case FMT_JSON:
		error = print_json(t, out);
		break;
	case FMT_CSV:
		for (size_t c = 0; c < t->ncols && !error; c++) {
			error = cli_csv_cell(out, t->cols[c]);
			fputs(c + 1 < t->ncols ? "," : "\r\n", out);
		}
		for (size_t r = 0; r < t->nrows && !error; r++)
			for (size_t c = 0; c < t->ncols && !error; c++) {
				const char *v = t->cells[r * t->ncols + c];

				error = cli_csv_cell(out, v ? v : "");
				fputs(c + 1 < t->ncols ? "," : "\r\n", out);
			}
		break;
	default:
		for (size_t c = 0; c < t->ncols; c++)
			w[c] = utf8_width(t->cols[c]);
		for (size_t r = 0; r < t->nrows; r++)
			for (size_t c = 0; c < t->ncols; c++) {
				const char *v = t->cells[r * t->ncols + c];
				size_t n = v ? utf8_width(v) : 0;

				if (t->width[c] && n > t->width[c])
					n = t->width[c];
				if (n > w[c])
					w[c] = n;
			}
		for (size_t c = 0; c < t->ncols; c++) {
			char up[64];
			size_t i;

			for (i = 0; t->cols[c][i] && i < sizeof(up) - 1; i++)
				up[i] = t->cols[c][i] == '_' ? ' ' :
					(char)(t->cols[c][i] >= 'a' &&
					       t->cols[c][i] <= 'z' ?
					       t->cols[c][i] - 32 : t->cols[c][i]);
			up[i] = '\0';
			put_cell(out, up, 0, c + 1 < t->ncols ? w[c] + 2 : 0);
		}
		fputc('\n', out);
		for (size_t r = 0; r < t->nrows; r++) {
			for (size_t c = 0; c < t->ncols; c++) {
				const char *v = t->cells[r * t->ncols + c];

				put_cell(out, v ? v : "", t->width[c],
					c + 1 < t->ncols ? w[c] + 2 : 0);
			}
			fputc('\n', out);
		}
		break;
	}
	cli_table_free(t);
	return error;
}
