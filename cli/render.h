/*
 * render.h - `chancery render`'s parts, private to cmd_render.c,
 * render_batch.c (the documents, rendered on threads) and render_out.c
 * (where files go: the hidden folder, PDFs, the move into place).
 */
#ifndef CHANCERY_CLI_RENDER_H
#define CHANCERY_CLI_RENDER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "chancery.h"

#define RENDER_MAX_JOBS 256

/*
 * The batch the workers share: what is set before they start is read
 * freely; everything below `lock` is read and written under it (a worker
 * keeps its own copy of what it needs afterwards, such as its document's
 * name).
 */
typedef struct {
	const chancery_template *tmpl;
	const chancery_template *name_tmpl;
	chancery_data_reader *reader;
	bool list;                   /* a batch (else one document) */
	const char *single_name;     /* one document: its file name */
	const char *dir;             /* where files go (the hidden folder) */
	const char *ext;
	bool dry_run;
	bool odt;
	bool progress;
	pthread_mutex_t lock;        /* guards everything below */
	bool eof;
	bool failed;
	size_t count;                /* documents taken so far */
	char **names;                /* file name of document i */
	size_t anames;
	char **problems;             /* one line per problem */
	size_t nproblems, aproblems;
	/* the names so far, for duplicates: open addressing */
	char **seen;
	size_t nseen, aseen;
} render_batch;

/* ---- render_batch.c ---- */

void render_batch_init(render_batch *b);
void render_batch_free(render_batch *b);
/* A plain file name: not empty, ".", "..", hidden, with '/' or a control
 * character, nor longer than 255 bytes. */
bool render_name_ok(const char *name);
/* Render every document on `jobs` threads (the caller's among them). */
int render_batch_run(render_batch *b, long long jobs);

/* ---- render_out.c ---- */

/* Make the hidden folder (*hidden, of `size`) inside OUT's folder (a
 * batch: OUT itself, made if need be), after removing those that killed
 * runs left there; b->dir and b->single_name set. Prints the error. */
int render_stage(render_batch *b, char *hidden, size_t size,
	char **single, const char *out);
/* PDFs of every document, beside them, by `jobs` soffice processes at
 * once (progress on a terminal). Prints the error. */
int render_pdf(render_batch *b, long long jobs);
/* Move the documents (and their PDFs) from the hidden folder to OUT. */
int render_move(const render_batch *b, const char *out, bool pdf);

#endif
