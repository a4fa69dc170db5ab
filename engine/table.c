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

/* Where the reader is: the text left, the line it is on and where that
 * line starts (columns are counted from there), the arena's next byte. */
typedef struct {
	const char *p, *end, *line_start;
	size_t line;
	char *w;
	char delim;
	chancery_table_diag *diag;
} reader;

/* A problem was reported: the table is rejected (after the header check). */
#define STOP 1

/* A '#' note line of the leading block, kept verbatim in `notes`. */
static int read_note(reader *r, chancery_buf *notes)
{
	const char *eol = line_end(r->p, r->end);
	int error;

	if ((error = chancery_buf_put(notes, r->p, (size_t)(eol - r->p))) < 0 ||
	    (error = chancery_buf_putc(notes, '\n')) < 0)
		return error;
	r->p = eol < r->end ? eol + 1 : r->end;
	r->line++;
	r->line_start = r->p;
	return 0;
}

/* A quoted field from its opening quote: "" is one quote, line ends are
 * kept, and only the delimiter or the line's end may follow. */
static int read_quoted(reader *r, size_t row_line, size_t column,
	size_t *len)
{
	r->p++;
	for (;;) {
		if (r->p >= r->end) {
			chancery__table_problem(r->diag, row_line, column,
				"unterminated quoted field");
			return STOP;
		}
		if (*r->p == '"') {
			if (r->p + 1 < r->end && r->p[1] == '"') {
				*r->w++ = '"';
				r->p += 2;
				(*len)++;
				continue;
			}
			r->p++;
			break;
		}
		if (is_line_end(r->p, r->end)) {
			r->line++;
			r->line_start = r->p + 1;
		}
		*r->w++ = *r->p++;
		(*len)++;
	}
	if (r->p < r->end && *r->p != r->delim && *r->p != '\n' &&
	    *r->p != '\r') {
		chancery__table_problem(r->diag, r->line,
			utf8_column(r->line_start, r->p),
			"text after a closing quote");
		return STOP;
	}
	return 0;
}

/* One cell, unquoted into the arena and added to `row`. */
static int read_cell(reader *r, chancery_trow *row, size_t row_line)
{
	char *cell = r->w;
	size_t column = utf8_column(r->line_start, r->p);
	size_t len = 0;
	int error;

	if (r->p < r->end && *r->p == '"') {
		if ((error = read_quoted(r, row_line, column, &len)) != 0)
			return error;
	} else {
		while (r->p < r->end && *r->p != r->delim && *r->p != '\n' &&
		       *r->p != '\r') {
			*r->w++ = *r->p++;
			len++;
		}
	}
	*r->w++ = '\0';
	if (len > TABLE_MAX_CELL) {
		chancery__table_problem(r->diag, row_line, column,
			"field longer than %zu bytes", TABLE_MAX_CELL);
		return STOP;
	}
	if (row->count >= TABLE_MAX_COLUMNS) {
		chancery__table_problem(r->diag, row_line, column,
			"more than %d columns", TABLE_MAX_COLUMNS);
		return STOP;
	}
	return push_cell(row, cell, column);
}

/* One row: its cells, then past the end of its (last) line. */
static int read_row(reader *r, chancery_trow *row)
{
	size_t row_line = r->line;
	int error;

	for (;;) {
		if ((error = read_cell(r, row, row_line)) != 0)
			return error;
		if (r->p >= r->end || *r->p != r->delim)
			break;
		r->p++;
	}
	row->line = row_line;
	if (r->p < r->end && *r->p == '\r')
		r->p++;
	if (r->p < r->end && *r->p == '\n')
		r->p++;
	r->line++;
	r->line_start = r->p;
	return 0;
}

/* The rows read: the header checked, the notes kept; an error when a
 * problem was reported or there is no header row. */
static int finish(chancery_table *t, chancery_buf *notes,
	chancery_table_diag *diag, size_t line)
{
	if (t->nrows)
		check_header(&t->rows[0], diag);
	if (diag->count)
		return chancery__table_diag_finish(diag);
	if (t->nrows == 0) {
		chancery__table_problem(diag, line, 1, "no header row");
		return chancery__table_diag_finish(diag);
	}
	if (!(t->notes = chancery_buf_detach(notes)))
		return chancery__oom();
	return 0;
}

int chancery__table_parse(chancery_table **out, const char *data,
	size_t size, char delim, chancery_table_diag *diag)
{
	chancery_table *t = NULL;
	chancery_trow row = { 0 };
	reader r = { data, data + size, data, 1, NULL, delim, diag };
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
		r.p += 3;
	t = chancery__calloc(1, sizeof(*t));
	if (!t || !(t->arena = chancery__malloc(2 * size + 2))) {
		error = chancery__oom();
		goto done;
	}
	r.w = t->arena;
	while (r.p < r.end) {
		if (in_notes && *r.p == '#') {
			if ((error = read_note(&r, &notes)) < 0)
				goto done;
			continue;
		}
		in_notes = false;
		if (*r.p == '\n' || *r.p == '\r') {   /* blank line: skipped */
			r.p += *r.p == '\r' && r.p + 1 < r.end &&
				r.p[1] == '\n' ? 2 : 1;
			r.line++;
			r.line_start = r.p;
			continue;
		}
		if ((error = read_row(&r, &row)) < 0)
			goto done;
		if (error == STOP)
			break;
		if (t->nrows >= TABLE_MAX_ROWS) {
			chancery__table_problem(diag, row.line, 1,
				"more than %d rows", TABLE_MAX_ROWS);
			break;
		}
		if ((error = push_row(t, &row)) < 0)
			goto done;
	}
	if ((error = finish(t, &notes, diag, r.line)) < 0)
		goto done;
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
