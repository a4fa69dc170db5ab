/*
 * office_pool.c - a batch converted to PDF by a pool of LibreOffice
 * converters (office.c runs each): job->jobs soffice processes at once,
 * each with its own throw-away profile, handed runs of a few documents
 * from one queue, so that every core stays busy to the end while a
 * converter's start (seconds) is paid once a run, not once a document.
 *
 * Invariants: each document is tried in at most two runs. A run that
 * outlives its timeout is killed with its process group (office.c); a
 * run that ends, however it ends, is judged by what it made: a document
 * whose PDF is not there (its old PDF is removed before its first run)
 * goes back on the queue once, alone in a run of its own, so that a
 * document that hangs LibreOffice costs its neighbours one retry and no
 * more; alone it fails again, it is named on stderr and the rest go on.
 * An exec that fails (exit 127: no soffice) stops the whole batch. On
 * SIGINT, SIGTERM or SIGHUP every converter's group is killed and reaped
 * before returning. The pool polls its children with waitpid(WNOHANG),
 * naps doubling up to 0.1 s: it owns no other child and needs no
 * SIGCHLD handler. Left out: which documents to convert and where the
 * PDFs end up (the callers).
 */
#include "cli.h"
#include "office.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* soffice 7.4 converts at most 246 files a run and then exits 0, silent
 * about the rest: no run is longer than this */
#define BATCH_MAX 200
/* with several converters, each gets about this many runs of a batch:
 * the last runs to finish then leave a core idle for a short while only
 * (docs/performance.md) */
#define RUNS_PER_JOB 8
#define POLL_MAX_NS 100000000L

typedef struct {
	pid_t pid;         /* 0: idle */
	size_t at, n;      /* the run: files[at..at+n) of order[] */
	bool retry;        /* a document's second try */
	int64_t deadline;
	long long timeout;
	char profile[4200];
} converter;

typedef struct {
	const cli_office_job *job;
	converter *conv;
	size_t nconv;
	size_t *order;     /* first runs, then retries, by file index */
	size_t queued;     /* entries of order[] */
	size_t next;       /* the next entry to hand out (from job->nfiles
	                    * on: retries) */
	size_t run_size;
	size_t made, missing;
	const char **argv; /* a run's files, for cli_office_start_run */
	int code;          /* a fatal error, stops the batch */
} pool;

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Where soffice writes the PDF of `file`: OUTDIR/NAME.pdf, NAME being
 * the file's name without its last extension. */
static void pdf_path(char *buf, size_t size, const char *outdir,
	const char *file)
{
	const char *base = base_name(file), *dot = strrchr(base, '.');
	int len = dot && dot > base ? (int)(dot - base) : (int)strlen(base);

	snprintf(buf, size, "%s/%.*s.pdf", outdir, len, base);
}

static bool pdf_made(const pool *p, size_t file)
{
	char path[8192];
	struct stat s;

	pdf_path(path, sizeof(path), p->job->outdir, p->job->files[file]);
	return stat(path, &s) == 0 && s.st_size > 0;
}

/* Runs of one converter are as long as allowed; with more, a batch
 * gives each converter about RUNS_PER_JOB runs. */
static size_t run_size_of(size_t nfiles, size_t jobs)
{
	size_t n;

	if (jobs <= 1)
		return BATCH_MAX;
	n = (nfiles + jobs * RUNS_PER_JOB - 1) / (jobs * RUNS_PER_JOB);
	return n < 1 ? 1 : n > BATCH_MAX ? BATCH_MAX : n;
}

/* Hand the next run to the idle converter c: a retry alone, else up to
 * run_size first tries. */
static int start(pool *p, converter *c)
{
	const cli_office_job *job = p->job;
	size_t n = 1;
	int code;

	c->retry = p->next >= job->nfiles;
	if (!c->retry)
		n = job->nfiles - p->next < p->run_size ?
			job->nfiles - p->next : p->run_size;
	c->at = p->next;
	c->n = n;
	for (size_t i = 0; i < n; i++) {
		char path[8192];

		p->argv[i] = job->files[p->order[c->at + i]];
		pdf_path(path, sizeof(path), job->outdir, p->argv[i]);
		if (!c->retry)
			unlink(path); /* an old PDF is no proof of this run */
	}
	if ((code = cli_office_run_timeout(&c->timeout, n)) != 0 ||
	    (code = cli_office_start_run(&c->pid, job, c->profile,
			p->argv, n)) != 0) {
		c->pid = 0;
		return code;
	}
	p->next += n;
	c->deadline = now_ns() + (int64_t)c->timeout * 1000000000;
	return 0;
}

/* A document of a finished run without its PDF: once more, or named
 * (hung, or soffice's exit status). */
static void not_made(pool *p, const converter *c, size_t file, bool hung,
	int status)
{
	const char *name = base_name(p->job->files[file]);

	if (!c->retry) {
		p->order[p->queued++] = file;
		return;
	}
	p->missing++;
	if (hung)
		cli_printf_safe(stderr, "chancery: --pdf: soffice did not "
			"finish within %lld s and was stopped, twice, on '%s': "
			"no PDF (CHANCERY_SOFFICE_TIMEOUT sets the limit)\n",
			c->timeout, name);
	else if (!WIFEXITED(status) || WEXITSTATUS(status))
		cli_printf_safe(stderr, "chancery: --pdf: soffice failed (is "
			"LibreOffice installed? scripts/install-deps) on '%s', "
			"twice: no PDF\n", name);
	else
		cli_printf_safe(stderr, "chancery: --pdf: soffice made no PDF "
			"of '%s', tried twice\n", name);
}

/* The run of c is over (its status, or hung: killed): count its PDFs. */
static void finished(pool *p, converter *c, int status, bool hung)
{
	c->pid = 0;
	if (!hung && WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		p->code = cli_error(EXIT_INTERNAL, "--pdf: cannot run soffice "
			"(is LibreOffice installed? scripts/install-deps)");
		return;
	}
	for (size_t i = 0; i < c->n; i++) {
		size_t file = p->order[c->at + i];

		if (pdf_made(p, file))
			p->made++;
		else
			not_made(p, c, file, hung, status);
	}
	if (p->job->progress)
		fprintf(stderr, "\rpdf %zu/%zu", p->made, p->job->nfiles);
}

/* Look at every running converter once: true when one changed. */
static bool poll_all(pool *p)
{
	bool changed = false;

	for (size_t k = 0; k < p->nconv; k++) {
		converter *c = &p->conv[k];
		int st = 0;
		pid_t r;

		if (!c->pid)
			continue;
		r = waitpid(c->pid, &st, WNOHANG);
		if (r == c->pid) {
			/* whatever the run left behind in its group would hold
			 * the profile, and take the next run over: end it */
			kill(-r, SIGKILL);
			finished(p, c, st, false);
			changed = true;
		} else if (r < 0 && errno != EINTR) {
			c->pid = 0;
			p->code = cli_error(EXIT_INTERNAL, "--pdf: lost soffice: "
				"%s", strerror(errno));
		} else if (now_ns() >= c->deadline) {
			cli_office_stop_run(c->pid);
			finished(p, c, 0, true);
			changed = true;
		}
	}
	return changed;
}

static size_t running(const pool *p)
{
	size_t n = 0;

	for (size_t k = 0; k < p->nconv; k++)
		n += p->conv[k].pid != 0;
	return n;
}

/* Hand out runs and wait for them until the queue is done, a fatal
 * error or a signal; every converter is stopped on the way out. */
static void drive(pool *p)
{
	struct timespec nap = { 0, 1000000 };

	while (!p->code && !cli_office_interrupted()) {
		for (size_t k = 0; !p->code && k < p->nconv; k++)
			if (!p->conv[k].pid && p->next < p->queued)
				p->code = start(p, &p->conv[k]);
		if (p->code || (!running(p) && p->next >= p->queued))
			break;
		if (poll_all(p)) {
			nap.tv_nsec = 1000000;
			continue;
		}
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < POLL_MAX_NS)
			nap.tv_nsec *= 2;
	}
	for (size_t k = 0; k < p->nconv; k++)
		if (p->conv[k].pid)
			cli_office_stop_run(p->conv[k].pid);
}

static int setup(pool *p, const cli_office_job *job)
{
	size_t jobs = job->jobs < 1 ? 1 : job->jobs;

	memset(p, 0, sizeof(*p));
	p->job = job;
	p->nconv = jobs > job->nfiles ? job->nfiles : jobs;
	p->run_size = run_size_of(job->nfiles, jobs);
	p->conv = calloc(p->nconv, sizeof(*p->conv));
	p->order = calloc(2 * job->nfiles, sizeof(*p->order));
	p->argv = calloc(p->run_size, sizeof(*p->argv));
	if (!p->conv || !p->order || !p->argv)
		return cli_error(EXIT_INTERNAL, "out of memory");
	for (size_t i = 0; i < job->nfiles; i++)
		p->order[i] = i;
	p->queued = job->nfiles;
	for (size_t k = 0; k < p->nconv; k++)
		snprintf(p->conv[k].profile, sizeof(p->conv[k].profile),
			k ? "%s-%zu" : "%s", job->profile, k);
	return 0;
}

int cli_office_convert(const cli_office_job *job)
{
	struct sigaction old[3];
	pool p;
	int code;

	if (!job->nfiles)
		return 0;
	if ((code = setup(&p, job)) == 0) {
		cli_office_catch_signals(old, false);
		drive(&p);
		cli_office_catch_signals(old, true);
		if (job->progress && (p.made || p.missing))
			fputc('\n', stderr);
		code = p.code;
	}
	if (!code && cli_office_interrupted())
		code = cli_error(EXIT_INTERNAL, "--pdf: interrupted; soffice "
			"was stopped");
	else if (!code && p.missing)
		code = cli_error(EXIT_INTERNAL, "--pdf: %zu of %zu PDFs "
			"missing", p.missing, job->nfiles);
	free(p.argv);
	free(p.order);
	free(p.conv);
	return code;
}
