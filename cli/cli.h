/*
 * cli.h - the chancery command-line tool: a thin client of the public API
 * (it includes chancery.h and nothing of the library's internals).
 *
 * Each subcommand is a cmd_<name>() registered in main.c's table with a
 * one-line summary, a usage line and a declarative option table; -h/--help
 * works everywhere and prints what the table says. Exit codes are one table
 * (docs/commands/README.md), append-only.
 */
#ifndef CHANCERY_CLI_H
#define CHANCERY_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "chancery.h"

enum {
	EXIT_OK = 0,
	EXIT_PROBLEMS = 1, /* a check found problems, or a query matched nothing */
	EXIT_USAGE = 2,    /* bad command line */
	EXIT_INVALID = 3,  /* invalid input: files, codes, dates, repository */
	EXIT_CONFLICT = 4, /* conflict or lock: retry or resolve */
	EXIT_INTERNAL = 5  /* internal or system error */
};

#define CLI_MAX_OPTS 24
#define CLI_MAX_MULTI 64
#define CLI_MAX_ARGS 16

typedef struct {
	const char *name;    /* long name without "--" */
	char short_name;     /* or 0 */
	const char *arg;     /* argument name ("DATE"), or NULL for a flag */
	bool multi;          /* may be given more than once */
	const char *help;
} cli_opt;

typedef struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage;   /* "chancery note [options] MESSAGE" */
	const cli_opt *opts; /* terminated by a zero entry */
	int min_args;
	int max_args;
} cli_cmd;

/* The parsed command line of one subcommand. */
typedef struct {
	const cli_cmd *cmd;
	const char *values[CLI_MAX_OPTS][CLI_MAX_MULTI];
	int count[CLI_MAX_OPTS];
	const char *args[CLI_MAX_ARGS];
	int nargs;
} cli_args;

/* global settings, from options before the command */
extern const char *cli_dir;    /* -C DIR */
extern const char *cli_author; /* --author "Name <email>" */

const cli_cmd *cli_find(const char *name);
void cli_usage(FILE *out, const cli_cmd *cmd);

/*
 * Parse argv of a subcommand. Returns -1 when help was printed (exit 0),
 * EXIT_USAGE after printing a usage error, or 0.
 */
int cli_parse(cli_args *a, const cli_cmd *cmd, int argc, char **argv);
/* Value of option `name` (the last one given), or NULL. */
const char *cli_opt_value(const cli_args *a, const char *name);
int cli_opt_count(const cli_args *a, const char *name);
const char *cli_opt_nth(const cli_args *a, const char *name, int i);

/* Print "chancery: message" for the library's last error; return the exit
 * code that matches `error`. */
int cli_fail(int error);
/* Print "chancery: ..." and return `code`. */
int cli_error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cli_exit_code(int error);

/* Open the repository of -C DIR or the current folder, with --author and
 * CHANCERY_NOW applied. */
int cli_open(chancery_repository **out, const cli_args *a);
/* Apply --author / CHANCERY_NOW to a repository (or signature for init). */
int cli_signature(chancery_signature *sig, char **name, char **email,
	const cli_args *a);
/* A whole number in decimal digits only (no sign, space or suffix) from
 * min to max: 0, or -1 for anything else ("1x", "", "+1", " 1", 1e3). */
int cli_number(long long *out, const char *s, long long min, long long max);
/* Parse a DATE option (NULL when absent); prints the error. */
int cli_date(chancery_date *out, bool *given, const cli_args *a,
	const char *opt);

/* Read a whole file ("-": standard input), at most CLI_MAX_FILE bytes,
 * NUL-terminated (the caller frees it); prints the error. */
#define CLI_MAX_FILE (512u << 20)
int cli_read_file(char **out, size_t *size, const char *path);

/* ---- output (output.c) ---- */

typedef enum { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_TEXT, FMT_HTML } cli_format;

/* An event as JSON (cmd_log.c): id, commit, type, date, recorded, author,
 * subject, message, fields. Opaque to keep jansson out of this header. */
struct json_t;
struct json_t *cli_event_json(const chancery_event *ev);
/* End a listing of events (log, history): the error, or the JSON document
 * of `items` (NULL: table output was printed already); takes `items`.
 * Exit 1 when nothing matched. */
int cli_events_done(int error, size_t count, struct json_t *items,
	const char *subject);

/* The status JSON as one self-contained HTML page (status_html.c). */
int cli_status_html(FILE *out, const char *json);

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
/* CSV cell with RFC 4180 quoting and formula neutralising. */
void cli_csv_cell(FILE *out, const char *cell);

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
 * C0); cli_json_print dumps a value so, indented, with a newline. */
void cli_json_text(FILE *out, const char *json);
int cli_json_print(struct json_t *root, FILE *out);

#endif
