/*
 * render_batch.c - the documents of `chancery render`, rendered on
 * --jobs threads that share one compiled template and one data reader:
 * each worker takes the next item under the batch's lock, names its
 * document (--name, a Mustache pattern, or document-NNNNN.EXT), claims the
 * name (two documents with one name is a problem, not an overwrite),
 * renders it and writes it into the hidden folder.
 *
 * Invariants: the reader, the counters, the names and the problems are
 * touched under the lock only; a worker renders outside it, from its own
 * copy of the name. After the first problem the workers stop taking
 * documents, but for --dry-run, which renders everything and lists every
 * problem.
 */
#include "cli.h"
#include "render.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void add_problem(render_batch *b, char *line)
{
	if (!line)
		return;
	if (b->nproblems == b->aproblems) {
		size_t n = b->aproblems ? b->aproblems * 2 : 16;
		char **p = realloc(b->problems, n * sizeof(char *));

		if (!p) {
			free(line);
			return;
		}
		b->problems = p;
		b->aproblems = n;
	}
	b->problems[b->nproblems++] = line;
	b->failed = true;
}

static char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, f);
	n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	if (n < 0 || !(s = malloc((size_t)n + 1)))
		return NULL;
	va_start(ap, f);
	vsnprintf(s, (size_t)n + 1, f, ap);
	va_end(ap);
	return s;
}

bool render_name_ok(const char *n)
{
	if (!*n || !strcmp(n, ".") || !strcmp(n, "..") || strchr(n, '/') ||
	    strlen(n) > 255 || n[0] == '.')
		return false;
	for (const char *p = n; *p; p++)
		if ((unsigned char)*p < 0x20)
			return false;
	return true;
}

static unsigned long hash_name(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* Register a name (under the lock); false when already taken. */
static bool claim_name(render_batch *b, const char *name)
{
	size_t i;

	if (2 * (b->nseen + 1) > b->aseen) {
		size_t n = b->aseen ? b->aseen * 2 : 1024;
		char **t = calloc(n, sizeof(char *));

		if (!t)
			return false;
		for (size_t k = 0; k < b->aseen; k++)
			if (b->seen[k]) {
				for (i = hash_name(b->seen[k]) & (n - 1); t[i];
				     i = (i + 1) & (n - 1))
					;
				t[i] = b->seen[k];
			}
		free(b->seen);
		b->seen = t;
		b->aseen = n;
	}
	for (i = hash_name(name) & (b->aseen - 1); b->seen[i];
	     i = (i + 1) & (b->aseen - 1))
		if (!strcmp(b->seen[i], name))
			return false;
	b->seen[i] = (char *)name;
	b->nseen++;
	return true;
}

static char *make_name(render_batch *b, const chancery_data *d, size_t i)
{
	char *r = NULL, *name;
	size_t n;

	if (!b->list)
		return strdup(b->single_name);
	if (!b->name_tmpl) {
		char buf[64];

		snprintf(buf, sizeof(buf), "document-%05zu.%s", i + 1, b->ext);
		return strdup(buf);
	}
	if (chancery_template_render_text(&r, &n, b->name_tmpl, d) < 0)
		return NULL;
	name = strdup(r);
	chancery_free(r);
	return name;
}

/* Render and write document i; a problem line when it fails. */
static char *render_one(render_batch *b, const chancery_data *d, size_t i,
	const char *name)
{
	char prefix[64] = "", path[4096];
	void *buf = NULL;
	char *text = NULL;
	size_t size = 0;
	int error;

	if (b->list)
		snprintf(prefix, sizeof(prefix), "document %zu: ", i + 1);
	if (b->odt)
		error = chancery_template_render_odt(&buf, &size, b->tmpl, d);
	else
		error = chancery_template_render_text(&text, &size, b->tmpl, d);
	if (error < 0)
		return fmt("%s%s", prefix, chancery_error_last()->message);
	if (!b->dry_run)
		snprintf(path, sizeof(path), "%s/%s", b->dir, name);
	if (!b->dry_run && cli_write_file(path, b->odt ? buf : text, size) < 0) {
		chancery_free(buf);
		chancery_free(text);
		return fmt("%scannot write '%s': %s", prefix, name, strerror(errno));
	}
	chancery_free(buf);
	chancery_free(text);
	return NULL;
}


/* Take the next document: its data and number, or false at the end (or
 * after a problem but for --dry-run). */
static bool take(render_batch *b, chancery_data **d, size_t *i)
{
	int rc;

	*d = NULL;
	pthread_mutex_lock(&b->lock);
	if (b->eof || (b->failed && !b->dry_run))
		goto stop;
	rc = chancery_data_reader_next(d, b->reader);
	if (rc <= 0) {
		if (rc < 0)
			add_problem(b, fmt("%s", chancery_error_last()->message));
		goto stop;
	}
	*i = b->count++;
	if (*i >= b->anames) {
		size_t n = b->anames ? b->anames * 2 : 256;
		char **p = realloc(b->names, n * sizeof(char *));

		if (!p) {
			add_problem(b, fmt("out of memory"));
			chancery_data_free(*d);
			*d = NULL;
			goto stop;
		}
		memset(p + b->anames, 0, (n - b->anames) * sizeof(char *));
		b->names = p;
		b->anames = n;
	}
	pthread_mutex_unlock(&b->lock);
	return true;
stop:
	b->eof = true;
	pthread_mutex_unlock(&b->lock);
	return false;
}

/* Name document i and claim the name: NULL, or a problem line. The name
 * is in *name (the batch holds it once claimed; NULL when none). */
static char *name_document(render_batch *b, const chancery_data *d, size_t i,
	char **name)
{
	char *problem = NULL;

	*name = make_name(b, d, i);
	if (!*name)
		return fmt("--name: document %zu: %s", i + 1,
			chancery_error_last() ?
			chancery_error_last()->message : "out of memory");
	if (!render_name_ok(*name)) {
		problem = fmt("--name: document %zu gets the file name "
			"'%.80s', which is not a plain file name", i + 1, *name);
		free(*name);
		*name = NULL;
		return problem;
	}
	pthread_mutex_lock(&b->lock);
	b->names[i] = *name;
	if (!claim_name(b, *name))
		problem = fmt("--name: document %zu gets the name '%s', which "
			"another document has", i + 1, *name);
	pthread_mutex_unlock(&b->lock);
	return problem;
}

static void *worker(void *arg)
{
	render_batch *b = arg;
	chancery_data *d;
	size_t i = 0;

	while (take(b, &d, &i)) {
		char *name, *problem = name_document(b, d, i, &name);

		/* `name` is read from our own variable: b->names is grown
		 * under the lock by other workers as they take documents */
		if (!problem)
			problem = render_one(b, d, i, name);
		chancery_data_free(d);
		pthread_mutex_lock(&b->lock);
		if (problem)
			add_problem(b, problem);
		if (b->progress && b->count % 10 == 0)
			fprintf(stderr, "\rrendering %zu", b->count);
		pthread_mutex_unlock(&b->lock);
	}
	return NULL;
}

int render_batch_run(render_batch *b, long long jobs)
{
	pthread_t *threads = calloc((size_t)jobs, sizeof(pthread_t));

	if (!threads)
		return cli_error(EXIT_INTERNAL, "out of memory");
	for (long long j = 1; j < jobs && b->list; j++)
		if (pthread_create(&threads[j], NULL, worker, b) != 0)
			threads[j] = 0;
	worker(b);
	for (long long j = 1; j < jobs; j++)
		if (threads[j])
			pthread_join(threads[j], NULL);
	free(threads);
	if (b->progress)
		fprintf(stderr, "\rrendered %zu\n", b->count);
	return 0;
}

void render_batch_init(render_batch *b)
{
	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->lock, NULL);
}

void render_batch_free(render_batch *b)
{
	for (size_t i = 0; b->names && i < b->count; i++)
		free(b->names[i]);
	for (size_t i = 0; i < b->nproblems; i++)
		free(b->problems[i]);
	free(b->names);
	free(b->problems);
	free(b->seen);
	pthread_mutex_destroy(&b->lock);
	chancery_data_reader_free(b->reader);
}
