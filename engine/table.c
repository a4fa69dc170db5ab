/*
 * table.c - CSV and TSV reading (RFC 4180 quoting for both); a row is
 * written cell by cell through engine/csv.c, the one cell writer.
 *
 * The registry files and every imported table go through here. A table is
 * an optional block of leading '#' note lines (the sources of the facts,
 * kept verbatim), a header row, then data rows. All cell texts live in one
 * arena allocated up front (unquoting only shrinks text, and each cell adds
 * one NUL, so 2 * size + 2 bytes always suffice): reading the 24,000-row
 * participation baseline costs two allocations, not a hundred thousand.
 *
 * A quote inside an unquoted field is taken literally (real files, the
 * MTDSG index among them, have `the "White Slave Traffic"` unquoted); a
 * field that opens with a quote must close it, and nothing but the
 * delimiter or the end of the line may follow the closing quote. Lines end
 * in "\n", "\r\n" or a lone "\r" (files saved by old Mac programs). The
 * header may not name a column twice (which one would a name mean?).
 *
 * Problems are reported as "NAME:LINE:COLUMN: what" (1-based, COLUMN in
 * characters); a malformed file is rejected as a whole. Left out on purpose:
 * other delimiters, encodings other than UTF-8 (a BOM is skipped), and
 * type inference: every cell is text, the registry checks its meaning.
 */
#include "internal.h"
#include "table.h"

#include <string.h>

#define TABLE_MAX_SIZE ((size_t)64 << 20)
#define TABLE_MAX_COLUMNS 64
#define TABLE_MAX_CELL ((size_t)64 << 10)
#define TABLE_MAX_ROWS 2000000

/* A line ends at "\n", "\r\n" or a lone "\r" (old Mac files): whether
 * the byte at p is the '\n' or the lone '\r' that does. */
static bool is_line_end(const char *p, const char *end)
{
	return *p == '\n' || (*p == '\r' && (p + 1 == end || p[1] != '\n'));
}

/* The first line end at or after p, or end. */
static const char *line_end(const char *p, const char *end)
{
	while (p < end && !is_line_end(p, end))
		p++;
	return p;
}

static size_t utf8_column(const char *line_start, const char *p)
{
	size_t col = 1;

	for (const char *q = line_start; q < p; q++)
		if (((unsigned char)*q & 0xc0) != 0x80)
			col++;
	return col;
}

int chancery__table_problem(chancery_table_diag *d, size_t line,
	size_t column, const char *fmt, ...)
{
	char msg[512];
	char *full;
	va_list ap;

	d->count++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	full = chancery__sprintf("%s:%zu:%zu: %s", d->name, line, column, msg);
	if (!full)
		return chancery__oom();
	if (d->count == 1)
		d->first = full;
	if (d->cb && d->count <= CHANCERY_TABLE_MAX_PROBLEMS)
		d->cb(full, d->payload);
	if (full != d->first)
		chancery_free(full);
	return 0;
}

int chancery__table_diag_finish(chancery_table_diag *d)
{
	int error = 0;

	if (d->count == 1)
		error = chancery__error(CHANCERY_EINVALID, "%s", d->first);
	else if (d->count > 1)
		error = chancery__error(CHANCERY_EINVALID,
			"%s (and %zu more problem%s)", d->first, d->count - 1,
			d->count == 2 ? "" : "s");
	chancery_free(d->first);
	d->first = NULL;
	return error;
}

static int push_cell(chancery_trow *row, char *text, size_t column)
{
	if (chancery__grow((void **)&row->cells, &row->alloc, row->count + 1,
			sizeof(*row->cells)) < 0)
		return CHANCERY_ENOMEM;
	row->cells[row->count].text = text;
	row->cells[row->count].column = column;
	row->count++;
	return 0;
}

static int push_row(chancery_table *t, chancery_trow *row)
{
	if (chancery__grow((void **)&t->rows, &t->arows, t->nrows + 1,
			sizeof(*t->rows)) < 0)
		return CHANCERY_ENOMEM;
	t->rows[t->nrows++] = *row;
	memset(row, 0, sizeof(*row));
	return 0;
}

char chancery__table_guess_delimiter(const char *name, const char *data,
	size_t size)
{
	size_t n = strlen(name);
	const char *p = data, *end = data + size;

	if (n >= 4 && strcmp(name + n - 4, ".csv") == 0)
		return ',';
	if (n >= 4 && strcmp(name + n - 4, ".tsv") == 0)
		return '\t';
	/* the first line that is not a note decides */
	while (p < end) {
		const char *eol = line_end(p, end);

		if (*p != '#') {
			if (memchr(p, '\t', (size_t)(eol - p)))
				return '\t';
			return ',';
		}
		p = eol + 1;
	}
	return '\t';
}

/* Report each header column named like an earlier one. */
static void check_header(const chancery_trow *h, chancery_table_diag *diag)
{
	for (size_t i = 1; i < h->count; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(h->cells[i].text, h->cells[j].text)) {
				chancery__table_problem(diag, h->line,
					h->cells[i].column,
					"the header names column '%.80s' twice "
					"(first at %s:%zu:%zu)", h->cells[i].text,
					diag->name, h->line, h->cells[j].column);
				break;
			}
}

int chancery__table_parse(chancery_table **out, const char *data,
	size_t size, char delim, chancery_table_diag *diag)
{
	chancery_table *t = NULL;
	chancery_trow row = { 0 };
	const char *p = data, *end = data + size;
	const char *line_start = data;
	size_t line = 1;
	char *w;
	chancery_buf notes = CHANCERY_BUF_INIT;
	bool in_notes = true;
	int error = 0;

	*out = NULL;
	if (size > TABLE_MAX_SIZE)
		return chancery__error(CHANCERY_EINVALID,
			"%s: larger than %zu bytes", diag->name, TABLE_MAX_SIZE);
	if (!chancery__utf8_valid(data, size, true)) {
		chancery__table_problem(diag, 1, 1,
			"not UTF-8 text (or holds control characters)");
		return chancery__table_diag_finish(diag);
	}
	if (size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	t = chancery__calloc(1, sizeof(*t));
	if (!t || !(t->arena = chancery__malloc(2 * size + 2))) {
		error = chancery__oom();
		goto done;
	}
	w = t->arena;

	while (p < end) {
		/* one row */
		size_t row_line = line;

		if (in_notes && *p == '#') {
			const char *eol = line_end(p, end);

			if ((error = chancery_buf_put(&notes, p,
					(size_t)(eol - p))) < 0 ||
			    (error = chancery_buf_putc(&notes, '\n')) < 0)
				goto done;
			p = eol < end ? eol + 1 : end;
			line++;
			line_start = p;
			continue;
		}
		in_notes = false;
		if (*p == '\n' || *p == '\r') {   /* blank line: skipped */
			p += *p == '\r' && p + 1 < end && p[1] == '\n' ? 2 : 1;
			line++;
			line_start = p;
			continue;
		}
		for (;;) {
			/* one cell */
			char *cell = w;
			size_t column = utf8_column(line_start, p);
			size_t len = 0;

			if (p < end && *p == '"') {
				p++;
				for (;;) {
					if (p >= end) {
						chancery__table_problem(diag,
							row_line, column,
							"unterminated quoted field");
						goto finish;
					}
					if (*p == '"') {
						if (p + 1 < end && p[1] == '"') {
							*w++ = '"';
							p += 2;
							len++;
							continue;
						}
						p++;
						break;
					}
					if (is_line_end(p, end)) {
						line++;
						line_start = p + 1;
					}
					*w++ = *p++;
					len++;
				}
				if (p < end && *p != delim && *p != '\n' &&
				    *p != '\r') {
					chancery__table_problem(diag, line,
						utf8_column(line_start, p),
						"text after a closing quote");
					goto finish;
				}
			} else {
				while (p < end && *p != delim && *p != '\n' &&
				       *p != '\r') {
					*w++ = *p++;
					len++;
				}
			}
			*w++ = '\0';
			if (len > TABLE_MAX_CELL) {
				chancery__table_problem(diag, row_line, column,
					"field longer than %zu bytes",
					TABLE_MAX_CELL);
				goto finish;
			}
			if (row.count >= TABLE_MAX_COLUMNS) {
				chancery__table_problem(diag, row_line, column,
					"more than %d columns",
					TABLE_MAX_COLUMNS);
				goto finish;
			}
			if ((error = push_cell(&row, cell, column)) < 0)
				goto done;
			if (p < end && *p == delim) {
				p++;
				continue;
			}
			break;
		}
		row.line = row_line;
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
		line++;
		line_start = p;
		if (t->nrows >= TABLE_MAX_ROWS) {
			chancery__table_problem(diag, row_line, 1,
				"more than %d rows", TABLE_MAX_ROWS);
			goto finish;
		}
		if ((error = push_row(t, &row)) < 0)
			goto done;
	}

finish:
	if (t->nrows)
		check_header(&t->rows[0], diag);
	if (diag->count) {
		error = chancery__table_diag_finish(diag);
		goto done;
	}
	if (t->nrows == 0) {
		chancery__table_problem(diag, line, 1, "no header row");
		error = chancery__table_diag_finish(diag);
		goto done;
	}
	t->notes = chancery_buf_detach(&notes);
	if (!t->notes) {
		error = chancery__oom();
		goto done;
	}
	*out = t;
	t = NULL;
done:
	chancery_free(row.cells);
	chancery_buf_dispose(&notes);
	chancery__table_free(t);
	return error;
}

void chancery__table_free(chancery_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows; i++)
		chancery_free(t->rows[i].cells);
	chancery_free(t->rows);
	chancery_free(t->arena);
	chancery_free(t->notes);
	chancery_free(t);
}

int chancery__table_column(const chancery_table *t, const char *name)
{
	const chancery_trow *h = &t->rows[0];

	for (size_t i = 0; i < h->count; i++)
		if (strcmp(h->cells[i].text, name) == 0)
			return (int)i;
	return -1;
}

const char *chancery__table_cell(const chancery_trow *row, int col)
{
	if (col < 0 || (size_t)col >= row->count)
		return "";
	return row->cells[col].text;
}

int chancery__tsv_put(chancery_buf *buf, const char *cell, char delim,
	bool last)
{
	int error = chancery__csv_put(buf, cell, delim, 0);

	if (!error)
		error = chancery_buf_putc(buf, last ? '\n' : delim);
	return error;
}
