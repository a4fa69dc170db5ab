/*
 * table.h - CSV/TSV tables for the registry and imports (see table.c).
 */
#ifndef CHANCERY_TABLE_H
#define CHANCERY_TABLE_H

#include "base.h"

#define CHANCERY_TABLE_MAX_PROBLEMS 100

typedef struct {
	char *text;    /* NUL-terminated, in the table's arena */
	size_t column; /* 1-based character column where the cell starts */
} chancery_cell;

typedef struct {
	chancery_cell *cells;
	size_t count;
	size_t alloc;
	size_t line; /* 1-based line where the row starts */
} chancery_trow;

typedef struct {
	char *notes;         /* the leading '#' lines, each ending in '\n' */
	chancery_trow *rows; /* rows[0] is the header */
	size_t nrows;
	size_t arows;
	char *arena;
} chancery_table;

/** Collects "NAME:LINE:COLUMN: what" problems of one file. */
typedef struct {
	const char *name;
	chancery_diagnostic_cb cb;
	void *payload;
	size_t count;
	char *first;
} chancery_table_diag;

int chancery__table_parse(chancery_table **out, const char *data,
	size_t size, char delim, chancery_table_diag *diag);
void chancery__table_free(chancery_table *t);
char chancery__table_guess_delimiter(const char *name, const char *data,
	size_t size);
/** Index of a header column, or -1. */
int chancery__table_column(const chancery_table *t, const char *name);
/** Cell `col` of a row, "" when the row is short or col < 0. */
const char *chancery__table_cell(const chancery_trow *row, int col);
/** Report one problem (counted; passed to the callback while under cap). */
int chancery__table_problem(chancery_table_diag *d, size_t line,
	size_t column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/** Turn the collected problems into the last error (0 when none). */
int chancery__table_diag_finish(chancery_table_diag *d);
/** Append a cell, quoted per RFC 4180 when needed, then delim or '\n'. */
int chancery__tsv_put(chancery_buf *buf, const char *cell, char delim,
	bool last);

#endif
