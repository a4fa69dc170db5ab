/*
 * output.h - how things leave the tool: the one escaper of repository text
 * on its way to a terminal, the error line and the exit code of a library
 * error (output.c); tables as aligned text, CSV or JSON (table.c); events
 * as JSON (events.c); a campaign's status as an HTML page (status_html.c).
 */
#ifndef CHANCERY_CLI_OUTPUT_H
#define CHANCERY_CLI_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"

/* ---- errors and escaping (output.c) ---- */

/* Print "chancery: message" for the library's last error; return the exit
 * code that matches `error`. */
int cli_fail(int error);
/* Print "chancery: ..." (one line, escaped) and return `code`. */
int cli_error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The exit code of a library error (docs/commands/README.md). */
int cli_exit_code(int error);

/* The one escaper of text from a repository on its way out: control
 * characters (C0 but '\n' and '\t' when `multiline`, DEL, C1) and bytes
 * that are not UTF-8 are written as visible escapes, "\x1b", "\u009b". */
void cli_put_safe(FILE *out, const char *s, size_t len, bool multiline);
/* printf through cli_put_safe (multi-line: the format's '\n's stay). */
int cli_printf_safe(FILE *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An escaped copy (free() it), or NULL when out of memory. */
char *cli_safe_dup(const char *s, bool multiline);

/* JSON text with DEL and C1 characters as \u escapes (jansson escapes
 * C0); cli_json_print dumps a value so, indented, with a newline. Opaque
 * to keep jansson out of this header. */
struct json_t;
void cli_json_text(FILE *out, const char *json);
int cli_json_print(struct json_t *root, FILE *out);

/* ---- tables (table.c) ---- */

typedef enum { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_TEXT, FMT_HTML } cli_format;

/* Parse --format among `allowed` (a mask of 1 << cli_format). */
int cli_format_of(cli_format *out, const cli_args *a, unsigned allowed,
	cli_format dflt);

typedef struct cli_table cli_table;
cli_table *cli_table_new(cli_format fmt, const char *kind, size_t ncols,
	const char *const *cols);
/* Add a row of ncols strings (copied; NULL prints empty / JSON null). */
int cli_table_row(cli_table *t, const char *const *cells);
/* Limit a column's width in table format (0: no limit). */
void cli_table_width(cli_table *t, size_t col, size_t width);
/* Print and free. */
int cli_table_print(cli_table *t, FILE *out);
void cli_table_free(cli_table *t);
/* CSV cell with RFC 4180 quoting and formula neutralising: the library's
 * chancery_csv_quote with CHANCERY_CSV_FORMULA. < 0 when out of memory. */
int cli_csv_cell(FILE *out, const char *cell);

/* ---- events (events.c) ---- */

/* An event as JSON: id, commit, type, date, recorded, author, subject,
 * message, fields. */
struct json_t *cli_event_json(const chancery_event *ev);
/* End a listing of events (log, history): the error, or the JSON document
 * of `items` (NULL: table output was printed already); takes `items`.
 * Exit 1 when nothing matched. */
int cli_events_done(int error, size_t count, struct json_t *items,
	const char *subject);

/* ---- status page (status_html.c) ---- */

/* The status JSON as one self-contained HTML page. */
int cli_status_html(FILE *out, const char *json);

#endif
