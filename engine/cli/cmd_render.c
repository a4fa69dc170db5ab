/*
 * cmd_render.c - `chancery render TEMPLATE DATA -o OUT`: documents from a
 * template and data, outside any repository.
 *
 * DATA is JSON (an object: one document, OUT a file; a list: one document
 * per item, OUT a folder, names from --name) or CSV/TSV (one document per
 * row: mail merge). Batches render on --jobs threads sharing one compiled
 * template. Nothing is written on error: a batch is written into a hidden
 * folder inside OUT and moved into place only when every document (and
 * every PDF) succeeded. --dry-run renders everything, lists every problem
 * and writes nothing.
 */
#include "cli.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILE (512u << 20)

static int read_path(char **out, size_t *size, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	if (!f)
		return cli_error(EXIT_INVALID, "cannot read '%s': %s", path,
			strerror(errno));
	for (;;) {
		size_t got;

		if (cap - n < 65536) {
			char *p;

			cap = cap ? cap * 2 : 262144;
			if (cap > MAX_FILE + 65536u || !(p = realloc(buf, cap))) {
				free(buf);
				if (f != stdin)
					fclose(f);
				return cli_error(EXIT_INVALID,
					"'%s' is larger than %u bytes", path, MAX_FILE);
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (!got)
			break;
	}
	if (ferror(f)) {
		free(buf);
		if (f != stdin)
			fclose(f);
		return cli_error(EXIT_INVALID, "cannot read '%s'", path);
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*out = buf;
	*size = n;
	return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
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
	if (read_path(out, size, path) != 0) {
		return CHANCERY_ENOTFOUND;
	}
	return 0;
}

typedef struct {
	const chancery_template *tmpl;
	const chancery_template *name_tmpl;
	const chancery_data *data;   /* the list, or NULL for one object */
	const chancery_data *one;
	size_t count;
	const char *dir;             /* where files go (the hidden folder) */
	const char *ext;
	bool dry_run;
	bool odt;
	atomic_size_t next;
	atomic_size_t done;
	atomic_int failed;
	char **names;                /* file name of each document */
	char **problems;             /* per document, or NULL */
	bool progress;
} batch;

static const chancery_data *item_of(batch *b, size_t i)
{
	return b->data ? chancery_data_item(b->data, i) : b->one;
}

static char *dupmsg(const char *prefix)
{
	const chancery_error *e = chancery_error_last();
	size_t n = strlen(prefix) + (e ? strlen(e->message) : 8) + 4;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s%s", prefix, e ? e->message : "error");
	return s;
}

static int render_one(batch *b, size_t i)
{
	const chancery_data *d = item_of(b, i);
	char prefix[64] = "";
	int error;

	if (b->data)
		snprintf(prefix, sizeof(prefix), "document %zu: ", i + 1);
	if (b->odt) {
		void *buf = NULL;
		size_t size = 0;

		error = chancery_template_render_odt(&buf, &size, b->tmpl, d);
		if (!error && !b->dry_run) {
			char path[4096];
			FILE *f;

			snprintf(path, sizeof(path), "%s/%s", b->dir, b->names[i]);
			f = fopen(path, "wb");
			if (!f || fwrite(buf, 1, size, f) != size) {
				if (f)
					fclose(f);
				chancery_free(buf);
				b->problems[i] = malloc(4200);
				if (b->problems[i])
					snprintf(b->problems[i], 4200,
						"%scannot write '%s': %s", prefix,
						b->names[i], strerror(errno));
				return -1;
			}
			if (fclose(f) != 0) {
				chancery_free(buf);
				return -1;
			}
		}
		chancery_free(buf);
	} else {
		char *text = NULL;
		size_t size = 0;

		error = chancery_template_render_text(&text, &size, b->tmpl, d);
		if (!error && !b->dry_run) {
			char path[4096];
			FILE *f;

			snprintf(path, sizeof(path), "%s/%s", b->dir, b->names[i]);
			f = fopen(path, "wb");
			if (!f || fwrite(text, 1, size, f) != size ||
			    fclose(f) != 0) {
				chancery_free(text);
				b->problems[i] = malloc(4200);
				if (b->problems[i])
					snprintf(b->problems[i], 4200,
						"%scannot write '%s'", prefix,
						b->names[i]);
				return -1;
			}
		}
		chancery_free(text);
	}
	if (error < 0) {
		b->problems[i] = dupmsg(prefix);
		return -1;
	}
	return 0;
}

static void *worker(void *arg)
{
	batch *b = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&b->next, 1);

		if (i >= b->count)
			break;
		if (!b->dry_run && atomic_load(&b->failed))
			break;
		if (render_one(b, i) < 0)
			atomic_store(&b->failed, 1);
		{
			size_t d = atomic_fetch_add(&b->done, 1) + 1;

			if (b->progress && (d % 10 == 0 || d == b->count))
				fprintf(stderr, "\rrendering %zu/%zu", d, b->count);
		}
	}
	return NULL;
}

static bool name_ok(const char *n)
{
	if (!*n || !strcmp(n, ".") || !strcmp(n, "..") || strchr(n, '/') ||
	    strlen(n) > 255 || n[0] == '.')
		return false;
	for (const char *p = n; *p; p++)
		if ((unsigned char)*p < 0x20)
			return false;
	return true;
}

static int make_names(batch *b, const char *pattern)
{
	for (size_t i = 0; i < b->count; i++) {
		char *name = NULL;

		if (!pattern || !b->data) {
			char buf[64];

			snprintf(buf, sizeof(buf), "document-%05zu.%s", i + 1,
				b->ext);
			name = strdup(buf);
		} else {
			char *r = NULL;
			size_t n;

			if (chancery_template_render_text(&r, &n, b->name_tmpl,
					item_of(b, i)) < 0)
				return cli_error(EXIT_INVALID,
					"--name: document %zu: %s", i + 1,
					chancery_error_last()->message);
			name = strdup(r);
			chancery_free(r);
		}
		if (!name)
			return cli_error(EXIT_INTERNAL, "out of memory");
		if (!name_ok(name)) {
			int code = cli_error(EXIT_INVALID,
				"--name: document %zu gets the file name '%.80s', "
				"which is not a plain file name", i + 1, name);

			free(name);
			return code;
		}
		b->names[i] = name;
	}
	/* no two documents may share a name */
	for (size_t i = 0; i < b->count; i++)
		for (size_t j = i + 1; j < b->count && b->count < 20000; j++)
			if (!strcmp(b->names[i], b->names[j]))
				return cli_error(EXIT_INVALID,
					"--name: documents %zu and %zu both get "
					"the name '%s'", i + 1, j + 1, b->names[i]);
	return 0;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		remove_tree(path);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* One soffice for the whole batch: PDFs beside the ODTs in `dir`. */
static int to_pdf(batch *b)
{
	char profile[256], **argv;
	size_t n = 0;
	pid_t pid;
	int st;

	snprintf(profile, sizeof(profile),
		"-env:UserInstallation=file://%s/.lo-profile", b->dir);
	argv = calloc(b->count + 10, sizeof(char *));
	if (!argv)
		return cli_error(EXIT_INTERNAL, "out of memory");
	argv[n++] = "soffice";
	argv[n++] = profile;
	argv[n++] = "--headless";
	argv[n++] = "--norestore";
	argv[n++] = "--convert-to";
	argv[n++] = "pdf";
	argv[n++] = "--outdir";
	argv[n++] = (char *)b->dir;
	for (size_t i = 0; i < b->count; i++)
		argv[n++] = b->names[i];
	pid = fork();
	if (pid < 0) {
		free(argv);
		return cli_error(EXIT_INTERNAL, "--pdf: cannot start soffice");
	}
	if (pid == 0) {
		int null = open("/dev/null", 1);

		if (chdir(b->dir) < 0)
			_exit(127);
		dup2(null, 1);
		dup2(null, 2);
		execvp("soffice", argv);
		_exit(127);
	}
	free(argv);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return cli_error(EXIT_INTERNAL, "--pdf: soffice failed (is "
			"LibreOffice installed? scripts/install-deps)");
	for (size_t i = 0; i < b->count; i++) {
		char pdf[4096];
		char *dot;
		struct stat s;

		snprintf(pdf, sizeof(pdf), "%s/%s", b->dir, b->names[i]);
		dot = strrchr(pdf, '.');
		if (dot && dot > strrchr(pdf, '/'))
			strcpy(dot, ".pdf");
		if (stat(pdf, &s) < 0 || !s.st_size)
			return cli_error(EXIT_INTERNAL,
				"--pdf: soffice made no PDF of '%s'", b->names[i]);
	}
	return 0;
}

int cmd_render(int argc, char **argv)
{
	cli_args a;
	chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
	chancery_template *tmpl = NULL, *name_tmpl = NULL;
	chancery_data *data = NULL;
	batch b;
	const char *tpath, *dpath, *out, *jobs_s, *pattern;
	char *dsrc = NULL, *tdir = NULL, hidden[4096] = "";
	size_t dlen = 0;
	long jobs;
	bool text, pdf;
	int code = EXIT_OK, error;
	pthread_t *threads = NULL;

	memset(&b, 0, sizeof(b));
	if ((code = cli_parse(&a, cli_find("render"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	tpath = a.args[0];
	dpath = a.args[1];
	out = cli_opt_value(&a, "output");
	pattern = cli_opt_value(&a, "name");
	b.dry_run = cli_opt_count(&a, "dry-run") > 0;
	pdf = cli_opt_count(&a, "pdf") > 0;
	jobs_s = cli_opt_value(&a, "jobs");
	jobs = jobs_s ? strtol(jobs_s, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1 || jobs > 256)
		return cli_error(EXIT_USAGE, "render: --jobs takes 1 to 256");
	text = cli_opt_count(&a, "text") > 0 ||
		!(ends_with(tpath, ".odt") || ends_with(tpath, ".ott"));
	if (text && pdf)
		return cli_error(EXIT_USAGE, "render: --pdf needs an ODT template");
	if (!out && !b.dry_run)
		return cli_error(EXIT_USAGE, "render: -o OUT is required");

	/* the template */
	o.lenient = cli_opt_count(&a, "lenient") > 0;
	o.name = strrchr(tpath, '/') ? strrchr(tpath, '/') + 1 : tpath;
	if (text) {
		char *src = NULL;
		size_t slen = 0;

		tdir = strdup(tpath);
		if (!tdir)
			return cli_error(EXIT_INTERNAL, "out of memory");
		if (strrchr(tdir, '/'))
			*strrchr(tdir, '/') = '\0';
		else
			strcpy(tdir, ".");
		o.partials = partial_from_dir;
		o.payload = tdir;
		if ((code = read_path(&src, &slen, tpath)) != 0)
			goto done;
		error = chancery_template_compile_text(&tmpl, src, slen, &o);
		free(src);
	} else {
		error = chancery_template_open_odt(&tmpl, tpath, &o);
	}
	if (error < 0) {
		code = cli_fail(error);
		goto done;
	}

	/* the data */
	if ((code = read_path(&dsrc, &dlen, dpath)) != 0)
		goto done;
	{
		const char *p = dsrc;

		while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
			p++;
		if (ends_with(dpath, ".csv") || ends_with(dpath, ".tsv") ||
		    (!ends_with(dpath, ".json") && *p != '{' && *p != '['))
			error = chancery_data_parse_table(&data, dpath, dsrc, dlen,
				ends_with(dpath, ".csv") ? ',' :
				ends_with(dpath, ".tsv") ? '\t' :
				strchr(dsrc, '\t') ? '\t' : ',');
		else
			error = chancery_data_parse(&data, dsrc, dlen);
	}
	if (error < 0) {
		code = cli_error(cli_exit_code(error), "data '%s': %s", dpath,
			chancery_error_last()->message);
		goto done;
	}
	if (chancery_data_is_list(data)) {
		b.data = data;
		b.count = chancery_data_length(data);
	} else if (chancery_data_is_object(data)) {
		b.one = data;
		b.count = 1;
	} else {
		code = cli_error(EXIT_INVALID, "data '%s': not an object or a list",
			dpath);
		goto done;
	}
	b.tmpl = tmpl;
	b.odt = !text;
	b.ext = text ? "txt" : strrchr(tpath, '.') + 1;
	b.names = calloc(b.count + 1, sizeof(char *));
	b.problems = calloc(b.count + 1, sizeof(char *));
	if (!b.names || !b.problems) {
		code = cli_error(EXIT_INTERNAL, "out of memory");
		goto done;
	}
	if (pattern && b.data) {
		chancery_template_options no = CHANCERY_TEMPLATE_OPTIONS_INIT;

		no.name = "--name";
		if ((error = chancery_template_compile_text(&name_tmpl, pattern,
				strlen(pattern), &no)) < 0) {
			code = cli_fail(error);
			goto done;
		}
		b.name_tmpl = name_tmpl;
	}
	if ((code = make_names(&b, pattern)) != 0)
		goto done;

	/* where files go: a hidden folder, moved into place at the end */
	if (!b.dry_run) {
		const char *parent = out;
		char pbuf[4096];

		if (!b.data) {
			snprintf(pbuf, sizeof(pbuf), "%s", out);
			if (strrchr(pbuf, '/'))
				*strrchr(pbuf, '/') = '\0';
			else
				strcpy(pbuf, ".");
			parent = pbuf;
			free(b.names[0]);
			b.names[0] = strdup(strrchr(out, '/') ?
				strrchr(out, '/') + 1 : out);
			if (!b.names[0] || !name_ok(b.names[0])) {
				code = cli_error(EXIT_INVALID,
					"-o '%s' is not a file name", out);
				goto done;
			}
		} else if (mkdir(out, 0755) < 0 && errno != EEXIST) {
			code = cli_error(EXIT_INVALID, "-o '%s': %s", out,
				strerror(errno));
			goto done;
		}
		snprintf(hidden, sizeof(hidden), "%s/.chancery-render-%ld",
			parent, (long)getpid());
		if (mkdir(hidden, 0755) < 0) {
			code = cli_error(EXIT_INVALID, "cannot write in '%s': %s",
				parent, strerror(errno));
			hidden[0] = '\0';
			goto done;
		}
		b.dir = hidden;
	}

	/* render */
	b.progress = b.count > 20 && isatty(2);
	if ((size_t)jobs > b.count)
		jobs = (long)b.count;
	if (jobs < 1)
		jobs = 1;
	threads = calloc((size_t)jobs, sizeof(pthread_t));
	if (!threads) {
		code = cli_error(EXIT_INTERNAL, "out of memory");
		goto done;
	}
	for (long j = 1; j < jobs; j++)
		if (pthread_create(&threads[j], NULL, worker, &b) != 0)
			threads[j] = 0;
	worker(&b);
	for (long j = 1; j < jobs; j++)
		if (threads[j])
			pthread_join(threads[j], NULL);
	if (b.progress)
		fputc('\n', stderr);
	{
		size_t problems = 0;

		for (size_t i = 0; i < b.count; i++)
			if (b.problems[i]) {
				if (b.dry_run || problems == 0)
					fprintf(stderr, "chancery: %s\n", b.problems[i]);
				problems++;
			}
		if (problems || atomic_load(&b.failed)) {
			if (b.dry_run)
				fprintf(stderr, "chancery: %zu of %zu document%s "
					"would fail; nothing was written\n",
					problems, b.count, b.count == 1 ? "" : "s");
			else
				fprintf(stderr, "chancery: nothing was written\n");
			code = EXIT_INVALID;
			goto done;
		}
	}
	if (b.dry_run) {
		printf("%zu document%s checked, no problem\n", b.count,
			b.count == 1 ? "" : "s");
		goto done;
	}
	if (pdf && (code = to_pdf(&b)) != 0)
		goto done;
	/* move into place */
	for (size_t i = 0; i < b.count; i++) {
		char from[8192], to[8192];

		for (int k = 0; k < (pdf ? 2 : 1); k++) {
			char name[4096];

			snprintf(name, sizeof(name), "%s", b.names[i]);
			if (k == 1) {
				char *dot = strrchr(name, '.');

				if (dot)
					strcpy(dot, ".pdf");
			}
			snprintf(from, sizeof(from), "%s/%s", hidden, name);
			if (b.data)
				snprintf(to, sizeof(to), "%s/%s", out, name);
			else if (k == 0)
				snprintf(to, sizeof(to), "%s", out);
			else {
				snprintf(to, sizeof(to), "%s", out);
				if (strrchr(to, '.') && strrchr(to, '.') >
				    (strrchr(to, '/') ? strrchr(to, '/') : to))
					strcpy(strrchr(to, '.'), ".pdf");
				else
					strcat(to, ".pdf");
			}
			if (rename(from, to) < 0) {
				code = cli_error(EXIT_INTERNAL, "cannot move '%s' "
					"into place: %s", to, strerror(errno));
				goto done;
			}
		}
	}
	if (b.data)
		printf("Rendered %zu document%s into %s\n", b.count,
			b.count == 1 ? "" : "s", out);
done:
	if (hidden[0])
		remove_tree(hidden);
	free(threads);
	for (size_t i = 0; b.names && i < b.count; i++) {
		free(b.names[i]);
		free(b.problems[i]);
	}
	free(b.names);
	free(b.problems);
	chancery_template_free(name_tmpl);
	chancery_template_free(tmpl);
	chancery_data_free(data);
	free(dsrc);
	free(tdir);
	return code;
}
