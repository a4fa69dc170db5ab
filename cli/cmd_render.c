/*
 * cmd_render.c - `chancery render TEMPLATE DATA -o OUT`: documents from a
 * template and data, outside any repository.
 *
 * DATA is JSON (an object: one document, OUT a file; a list: one document
 * per item, OUT a folder, names from --name) or CSV/TSV (one document per
 * row: mail merge). Batches render on --jobs threads sharing one compiled
 * template (render_batch.c). Nothing is written on error: a batch is
 * written into a hidden folder and moved into place only when every
 * document (and every PDF) succeeded (render_out.c). --dry-run renders
 * everything, lists every problem and writes nothing.
 *
 * This file reads the options, compiles the template, opens the data and
 * runs the steps in order; each step prints its own error.
 */
#include "cli.h"
#include "office.h"
#include "render.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What the command line asks for. */
typedef struct {
	const char *tpath, *dpath, *out, *pattern;
	long long jobs;
	bool text, pdf, dry_run, lenient;
} render_args;

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static int read_args(render_args *r, const cli_args *a)
{
	const char *jobs = cli_opt_value(a, "jobs");

	memset(r, 0, sizeof(*r));
	r->tpath = a->args[0];
	r->dpath = a->args[1];
	r->out = cli_opt_value(a, "output");
	r->pattern = cli_opt_value(a, "name");
	r->dry_run = cli_opt_count(a, "dry-run") > 0;
	r->pdf = cli_opt_count(a, "pdf") > 0;
	r->lenient = cli_opt_count(a, "lenient") > 0;
	if (!jobs) {
		r->jobs = sysconf(_SC_NPROCESSORS_ONLN);
		r->jobs = r->jobs < 1 ? 1 : r->jobs > RENDER_MAX_JOBS ?
			RENDER_MAX_JOBS : r->jobs;
	} else if (cli_number(&r->jobs, jobs, 1, RENDER_MAX_JOBS) < 0) {
		return cli_error(EXIT_USAGE, "render: --jobs takes 1 to %d "
			"(a whole number), not '%s'", RENDER_MAX_JOBS, jobs);
	}
	r->text = cli_opt_count(a, "text") > 0 ||
		!(ends_with(r->tpath, ".odt") || ends_with(r->tpath, ".ott"));
	if (r->text && r->pdf)
		return cli_error(EXIT_USAGE, "render: --pdf needs an ODT template");
	if (!r->out && !r->dry_run)
		return cli_error(EXIT_USAGE, "render: -o OUT is required");
	return 0;
}

/* Partials of text templates: NAME.mustache beside the template. */
static int partial_from_dir(char **out, size_t *size, const char *name,
	void *payload)
{
	const char *dir = payload;
	char path[4096];

	if (!*name || strchr(name, '/') || name[0] == '.')
		return CHANCERY_ENOTFOUND;
	snprintf(path, sizeof(path), "%s/%s.mustache", dir, name);
	if (access(path, R_OK) != 0 || cli_read_file(out, size, path) != 0) {
		return CHANCERY_ENOTFOUND;
	}
	return 0;
}

/* The template: ODT, or text with its partials beside it (*tdir, the
 * folder, lives as long as the template). */
static int open_template(chancery_template **tmpl, char **tdir,
	const render_args *r)
{
	chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
	const char *slash = strrchr(r->tpath, '/');
	char *src = NULL;
	size_t slen = 0;
	int code, error;

	o.lenient = r->lenient;
	o.name = slash ? slash + 1 : r->tpath;
	if (!r->text) {
		error = chancery_template_open_odt(tmpl, r->tpath, &o);
		return error < 0 ? cli_fail(error) : 0;
	}
	*tdir = slash ? strndup(r->tpath, (size_t)(slash - r->tpath)) :
		strdup(".");
	if (!*tdir)
		return cli_error(EXIT_INTERNAL, "out of memory");
	o.partials = partial_from_dir;
	o.payload = *tdir;
	if ((code = cli_read_file(&src, &slen, r->tpath)) != 0)
		return code;
	error = chancery_template_compile_text(tmpl, src, slen, &o);
	free(src);
	return error < 0 ? cli_fail(error) : 0;
}

/* The data, read item by item, and the names of a batch's documents. */
static int open_data(render_batch *b, chancery_template **name_tmpl,
	const render_args *r)
{
	chancery_template_options no = CHANCERY_TEMPLATE_OPTIONS_INIT;
	int error;

	if ((error = chancery_data_reader_open(&b->reader, r->dpath)) < 0)
		return cli_fail(error);
	b->list = chancery_data_reader_is_list(b->reader);
	b->odt = !r->text;
	b->ext = r->text ? "txt" : strrchr(r->tpath, '.') + 1;
	if (!r->pattern || !b->list)
		return 0;
	no.name = "--name";
	if ((error = chancery_template_compile_text(name_tmpl, r->pattern,
			strlen(r->pattern), &no)) < 0)
		return cli_fail(error);
	b->name_tmpl = *name_tmpl;
	return 0;
}

/* The problems of a batch on stderr (all of them for --dry-run). */
static int report(const render_batch *b)
{
	for (size_t i = 0; i < b->nproblems && (b->dry_run || i == 0); i++)
		cli_printf_safe(stderr, "chancery: %s\n", b->problems[i]);
	if (b->dry_run)
		fprintf(stderr, "chancery: %zu problem%s in %zu document%s; "
			"nothing was written\n", b->nproblems,
			b->nproblems == 1 ? "" : "s", b->count,
			b->count == 1 ? "" : "s");
	else
		fprintf(stderr, "chancery: nothing was written\n");
	return EXIT_INVALID;
}

/* Render, then write: the PDFs, the move into place, what was done. */
static int run(render_batch *b, const render_args *r)
{
	int code;

	b->progress = b->list && isatty(2);
	if ((code = render_batch_run(b, r->jobs)) != 0)
		return code;
	if (b->nproblems)
		return report(b);
	if (b->dry_run) {
		printf("%zu document%s checked, no problem\n", b->count,
			b->count == 1 ? "" : "s");
		return EXIT_OK;
	}
	if (r->pdf && (code = render_pdf(b, r->jobs)) != 0)
		return code;
	if ((code = render_move(b, r->out, r->pdf)) != 0)
		return code;
	if (b->list)
		printf("Rendered %zu document%s into %s\n", b->count,
			b->count == 1 ? "" : "s", r->out);
	return EXIT_OK;
}

int cmd_render(int argc, char **argv)
{
	cli_args a;
	render_args r;
	render_batch b;
	chancery_template *tmpl = NULL, *name_tmpl = NULL;
	char *tdir = NULL, hidden[8192] = "", *single = NULL;
	int code;

	render_batch_init(&b);
	if ((code = cli_parse(&a, cli_find("render"), argc, argv)) != 0) {
		code = code < 0 ? EXIT_OK : code;
		goto done;
	}
	if ((code = read_args(&r, &a)) != 0 ||
	    (code = open_template(&tmpl, &tdir, &r)) != 0)
		goto done;
	b.tmpl = tmpl;
	b.dry_run = r.dry_run;
	if ((code = open_data(&b, &name_tmpl, &r)) != 0)
		goto done;
	if (!b.dry_run)
		code = render_stage(&b, hidden, sizeof(hidden), &single, r.out);
	else if (!b.list)
		b.single_name = "document";
	if (!code)
		code = run(&b, &r);
done:
	if (hidden[0])
		cli_remove_tree(hidden);
	free(single);
	render_batch_free(&b);
	chancery_template_free(name_tmpl);
	chancery_template_free(tmpl);
	free(tdir);
	cli_office_reraise(); /* interrupted during --pdf: all is removed */
	return code;
}
