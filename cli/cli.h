/*
 * cli.h - the chancery command-line tool: a thin client of the public API
 * (it includes chancery.h and nothing of the library's internals). Every
 * file of cli/ includes this header; the few that need them add office.h
 * or render.h.
 *
 * The tool's rooms: main.c (global options, dispatch), commands.c (the
 * table), parse.c (options), repository.c (opening a repository with
 * --author and CHANCERY_NOW), cmd_<name>.c (one command each), output.c,
 * table.c, events.c, status_html.c (what leaves the tool), query.c (what
 * the registry queries share), files.c (files the tool handles), office.c
 * (LibreOffice), render_*.c (render's batch). Exit codes are one table (docs/commands/README.md),
 * append-only.
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

#include "cmd.h"
#include "files.h"
#include "output.h"

/* global settings, from options before the command (main.c) */
extern const char *cli_dir;    /* -C DIR */
extern const char *cli_author; /* --author "Name <email>" */

/* ---- the repository (repository.c) ---- */

/* Open the repository of -C DIR or the current folder, with --author and
 * CHANCERY_NOW applied. */
/* What became of an event (fate.c): "INDENTvoided by ID: reason" or
 * "corrected by ...", nothing when it stands; the same as JSON keys. */
void cli_fate_print(FILE *out, const chancery_corrections *c,
	const chancery_event *ev, const char *indent);
struct json_t;
void cli_fate_json(struct json_t *o, const chancery_corrections *c,
	const chancery_event *ev);
int cli_open(chancery_repository **out, const cli_args *a);
/* Today by the recording clock (CHANCERY_NOW, else the system's): the
 * day a query without --as-of answers for. 0, or the exit code. */
int cli_today(chancery_date *out);
/* Apply --author / CHANCERY_NOW to a repository (or signature for init). */
int cli_signature(chancery_signature *sig, char **name, char **email,
	const cli_args *a);

/* ---- registry queries (query.c) ---- */

#define CLI_TABLE_CSV_JSON ((1u << FMT_TABLE) | (1u << FMT_CSV) | \
	(1u << FMT_JSON))

/* Open the repository and load its registry; prints the error. */
int cli_open_registry(chancery_repository **repo, chancery_registry **reg,
	const cli_args *a);
/* Print a query's table (NULL: out of memory); exit 1 for no rows. */
int cli_query_done(cli_table *t, size_t rows);
/* A participation row: two naming cells, then status, signature date,
 * consent and its date, and the other acts of the vocabulary by `as_of`
 * (reservations, declarations, ..., denunciations; from `reg`) (empty
 * cells are JSON null). Frees the table and returns NULL when it fails. */
cli_table *cli_participation_row(cli_table *t, const char *a, const char *b,
	const chancery_participation *p, const chancery_registry *reg,
	const chancery_date *as_of);

#endif
