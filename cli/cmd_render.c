/*
 * cmd_render.c - `chancery render TEMPLATE DATA -o OUT`: documents from a
 * template and data, outside any repository.
 *
 * DATA is JSON (an object: one document, OUT a file; a list: one document
 * per item, OUT a folder, names from --name) or CSV/TSV (one document per
 * row: mail merge). Batches render on --jobs threads sharing one compiled
 * template. Nothing is written on error: a batch is written into a hidden
 * folder inside OUT and moved into place only when every document (and
 * every PDF) succeeded; such folders that killed runs left behind are
 * removed by the next run (when their process is gone). --dry-run renders
 * everything, lists every problem and writes nothing.
 *
 * The workers share the batch: everything in it that changes is read and
 * written under its lock (a worker keeps its own copy of what it needs
 * afterwards, such as its document's name).
 */
#include "cli.h"

#include <dirent.h>
#include <stdarg.h>
#include <fcntl.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_JOBS 256

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
	if (access(path, R_OK) != 0 || cli_read_file(out, size, path) != 0) {
		return CHANCERY_ENOTFOUND;
	}
	return 0;
}

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
} batch;

static void add_problem(batch *b, char *line)
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

static unsigned long hash_name(const char *s)
{
	unsigned long h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* Register a name (under the lock); false when already taken. */
static bool claim_name(batch *b, const char *name)
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

static char *make_name(batch *b, const chancery_data *d, size_t i)
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

static int write_file(batch *b, const char *name, const void *data,
	size_t size)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", b->dir, name);
	f = fopen(path, "wb");
	if (!f)
		return -1;
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

/* Render and write document i; a problem line when it fails. */
static char *render_one(batch *b, const chancery_data *d, size_t i,
	const char *name)
{
	char prefix[64] = "";
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
	if (!b->dry_run && write_file(b, name, b->odt ? buf : text, size) < 0) {
		chancery_free(buf);
		chancery_free(text);
		return fmt("%scannot write '%s': %s", prefix, name, strerror(errno));
	}
	chancery_free(buf);
	chancery_free(text);
	return NULL;
}

static void *worker(void *arg)
{
	batch *b = arg;

	for (;;) {
		chancery_data *d = NULL;
		char *name, *problem = NULL;
		size_t i;
		int rc;

		pthread_mutex_lock(&b->lock);
		if (b->eof || (b->failed && !b->dry_run)) {
			pthread_mutex_unlock(&b->lock);
			break;
		}
		rc = chancery_data_reader_next(&d, b->reader);
		if (rc <= 0) {
			if (rc < 0)
				add_problem(b, fmt("%s", chancery_error_last()->message));
			b->eof = true;
			pthread_mutex_unlock(&b->lock);
			break;
		}
		i = b->count++;
		if (i >= b->anames) {
			size_t n = b->anames ? b->anames * 2 : 256;
			char **p = realloc(b->names, n * sizeof(char *));

			if (!p) {
				add_problem(b, fmt("out of memory"));
				b->eof = true;
				pthread_mutex_unlock(&b->lock);
				chancery_data_free(d);
				break;
			}
			memset(p + b->anames, 0, (n - b->anames) * sizeof(char *));
			b->names = p;
			b->anames = n;
		}
		pthread_mutex_unlock(&b->lock);

		name = make_name(b, d, i);
		if (!name)
			problem = fmt("--name: document %zu: %s", i + 1,
				chancery_error_last() ?
				chancery_error_last()->message : "out of memory");
		else if (!name_ok(name))
			problem = fmt("--name: document %zu gets the file name "
				"'%.80s', which is not a plain file name", i + 1,
				name);
		if (!problem) {
			pthread_mutex_lock(&b->lock);
			b->names[i] = name;
			if (!claim_name(b, name))
				problem = fmt("--name: document %zu gets the name "
					"'%s', which another document has", i + 1,
					name);
			pthread_mutex_unlock(&b->lock);
		} else {
			free(name);
		}
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

#define HIDDEN_PREFIX ".chancery-render-"
#define MAX_TREE_DEPTH 64

/* Remove `name` inside the folder parent_fd and all it holds. Links are
 * removed, never followed: nothing outside the folder is touched. */
static void remove_at(int parent_fd, const char *name, int depth)
{
	int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		O_CLOEXEC);
	DIR *d;
	struct dirent *e;

	if (fd < 0) {
		if (errno == ENOTDIR || errno == ELOOP)
			unlinkat(parent_fd, name, 0);
		return;
	}
	if (depth >= MAX_TREE_DEPTH || !(d = fdopendir(fd))) {
		close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			remove_at(dirfd(d), e->d_name, depth + 1);
	closedir(d);
	unlinkat(parent_fd, name, AT_REMOVEDIR);
}

static void remove_tree(const char *dir)
{
	remove_at(AT_FDCWD, dir, 0);
}

/* The process a hidden folder's name says made it; 0 when not one. */
static long long hidden_owner(const char *name)
{
	long long pid;

	if (strncmp(name, HIDDEN_PREFIX, strlen(HIDDEN_PREFIX)) ||
	    cli_number(&pid, name + strlen(HIDDEN_PREFIX), 1, INT_MAX) < 0)
		return 0;
	return pid;
}

/*
 * Hidden folders in `parent` left by runs that were killed: a folder
 * whose process is gone (or is us: an earlier process had our number) is
 * removed; one whose process is alive is another run's, left alone.
 */
static void clear_leftovers(const char *parent)
{
	DIR *d = opendir(parent);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		long long pid = hidden_owner(e->d_name);
		struct stat st;

		if (!pid || fstatat(dirfd(d), e->d_name, &st,
				AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (pid != (long long)getpid() &&
		    (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		fprintf(stderr, "chancery: note: removing '%s/%s', left by a "
			"run that did not finish (process %lld)\n", parent,
			e->d_name, pid);
		remove_at(dirfd(d), e->d_name, 0);
	}
	closedir(d);
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
	batch b;
	const char *tpath, *dpath, *out, *jobs_s, *pattern;
	char *tdir = NULL, hidden[8192] = "", *single = NULL;
	long long jobs;
	bool text, pdf;
	int code = EXIT_OK, error;
	pthread_t *threads = NULL;

	memset(&b, 0, sizeof(b));
	pthread_mutex_init(&b.lock, NULL);
	if ((code = cli_parse(&a, cli_find("render"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	tpath = a.args[0];
	dpath = a.args[1];
	out = cli_opt_value(&a, "output");
	pattern = cli_opt_value(&a, "name");
	b.dry_run = cli_opt_count(&a, "dry-run") > 0;
	pdf = cli_opt_count(&a, "pdf") > 0;
	jobs_s = cli_opt_value(&a, "jobs");
	if (!jobs_s) {
		jobs = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = jobs < 1 ? 1 : jobs > MAX_JOBS ? MAX_JOBS : jobs;
	} else if (cli_number(&jobs, jobs_s, 1, MAX_JOBS) < 0) {
		return cli_error(EXIT_USAGE, "render: --jobs takes 1 to %d "
			"(a whole number), not '%s'", MAX_JOBS, jobs_s);
	}
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
		if ((code = cli_read_file(&src, &slen, tpath)) != 0)
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

	/* the data, read item by item */
	if ((error = chancery_data_reader_open(&b.reader, dpath)) < 0) {
		code = cli_fail(error);
		goto done;
	}
	b.list = chancery_data_reader_is_list(b.reader);
	b.tmpl = tmpl;
	b.odt = !text;
	b.ext = text ? "txt" : strrchr(tpath, '.') + 1;
	if (pattern && b.list) {
		chancery_template_options no = CHANCERY_TEMPLATE_OPTIONS_INIT;

		no.name = "--name";
		if ((error = chancery_template_compile_text(&name_tmpl, pattern,
				strlen(pattern), &no)) < 0) {
			code = cli_fail(error);
			goto done;
		}
		b.name_tmpl = name_tmpl;
	}

	/* where files go: a hidden folder, moved into place at the end */
	if (!b.dry_run) {
		char parent[4096];

		if (!b.list) {
			snprintf(parent, sizeof(parent), "%s", out);
			if (strrchr(parent, '/'))
				*strrchr(parent, '/') = '\0';
			else
				strcpy(parent, ".");
			single = strdup(strrchr(out, '/') ? strrchr(out, '/') + 1 : out);
			if (!single || !name_ok(single)) {
				code = cli_error(EXIT_INVALID,
					"-o '%s' is not a file name", out);
				goto done;
			}
			b.single_name = single;
		} else {
			if (mkdir(out, 0755) < 0 && errno != EEXIST) {
				code = cli_error(EXIT_INVALID, "-o '%s': %s", out,
					strerror(errno));
				goto done;
			}
			snprintf(parent, sizeof(parent), "%s", out);
		}
		clear_leftovers(parent);
		snprintf(hidden, sizeof(hidden), "%s/" HIDDEN_PREFIX "%ld",
			parent, (long)getpid());
		if (mkdir(hidden, 0755) < 0) {
			code = cli_error(EXIT_INVALID, "cannot write in '%s': %s",
				parent, strerror(errno));
			hidden[0] = '\0';
			goto done;
		}
		b.dir = hidden;
	} else if (!b.list) {
		b.single_name = "document";
	}

	/* render */
	b.progress = b.list && isatty(2);
	threads = calloc((size_t)jobs, sizeof(pthread_t));
	if (!threads) {
		code = cli_error(EXIT_INTERNAL, "out of memory");
		goto done;
	}
	for (long long j = 1; j < jobs && b.list; j++)
		if (pthread_create(&threads[j], NULL, worker, &b) != 0)
			threads[j] = 0;
	worker(&b);
	for (long long j = 1; j < jobs; j++)
		if (threads[j])
			pthread_join(threads[j], NULL);
	if (b.progress)
		fprintf(stderr, "\rrendered %zu\n", b.count);
	if (b.nproblems) {
		for (size_t i = 0; i < b.nproblems && (b.dry_run || i == 0); i++)
			cli_printf_safe(stderr, "chancery: %s\n", b.problems[i]);
		if (b.dry_run)
			fprintf(stderr, "chancery: %zu problem%s in %zu document%s; "
				"nothing was written\n", b.nproblems,
				b.nproblems == 1 ? "" : "s", b.count,
				b.count == 1 ? "" : "s");
		else
			fprintf(stderr, "chancery: nothing was written\n");
		code = EXIT_INVALID;
		goto done;
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
		for (int k = 0; k < (pdf ? 2 : 1); k++) {
			char name[300], from[16384], to[16384];

			snprintf(name, sizeof(name), "%s", b.names[i]);
			if (k == 1 && strrchr(name, '.'))
				strcpy(strrchr(name, '.'), ".pdf");
			snprintf(from, sizeof(from), "%s/%s", hidden, name);
			if (b.list) {
				snprintf(to, sizeof(to), "%s/%s", out, name);
			} else {
				snprintf(to, sizeof(to), "%s", out);
				if (k == 1) {
					char *dot = strrchr(to, '.');

					if (dot && dot > (strrchr(to, '/') ?
							strrchr(to, '/') : to))
						strcpy(dot, ".pdf");
					else
						strcat(to, ".pdf");
				}
			}
			if (rename(from, to) < 0) {
				code = cli_error(EXIT_INTERNAL, "cannot move '%s' "
					"into place: %s", to, strerror(errno));
				goto done;
			}
		}
	}
	if (b.list)
		printf("Rendered %zu document%s into %s\n", b.count,
			b.count == 1 ? "" : "s", out);
done:
	if (hidden[0])
		remove_tree(hidden);
	free(threads);
	for (size_t i = 0; b.names && i < b.count; i++)
		free(b.names[i]);
	for (size_t i = 0; i < b.nproblems; i++)
		free(b.problems[i]);
	free(b.names);
	free(b.problems);
	free(b.seen);
	free(single);
	pthread_mutex_destroy(&b.lock);
	chancery_data_reader_free(b.reader);
	chancery_template_free(name_tmpl);
	chancery_template_free(tmpl);
	free(tdir);
	return code;
}
