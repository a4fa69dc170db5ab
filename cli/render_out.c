/*
 * render_out.c - where `chancery render` writes: nothing is written on
 * error. Documents go into a hidden folder inside OUT's folder (a batch:
 * inside OUT), .chancery-render-PID, and are moved into place, each with
 * its PDF, only when every document (and every PDF) succeeded; the hidden
 * folder is removed in any case.
 *
 * A run that was killed leaves its hidden folder behind: the next run
 * removes those whose process is gone (or is itself: an earlier process
 * had its number), and leaves alone those of a run still alive. Left
 * out: replacing OUT atomically as a whole (files are renamed one by one;
 * a crash in between leaves some moved, none half-written).
 */
#include "cli.h"
#include "office.h"
#include "render.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HIDDEN_PREFIX ".chancery-render-"

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
		cli_remove_at(dirfd(d), e->d_name);
	}
	closedir(d);
}


/* The folder OUT goes in (of a single document: the folder of the file). */
static int out_parent(char *parent, size_t size, const char *out, bool list)
{
	const char *slash;

	if (list) {
		if (mkdir(out, 0755) < 0 && errno != EEXIST)
			return cli_error(EXIT_INVALID, "-o '%s': %s", out,
				strerror(errno));
		snprintf(parent, size, "%s", out);
		return 0;
	}
	slash = strrchr(out, '/');
	if (slash)
		snprintf(parent, size, "%.*s", (int)(slash - out), out);
	else
		snprintf(parent, size, ".");
	return 0;
}

int render_stage(render_batch *b, char *hidden, size_t size,
	char **single, const char *out)
{
	char parent[4096];
	int code;

	hidden[0] = '\0';
	if (!b->list) {
		const char *slash = strrchr(out, '/');

		*single = strdup(slash ? slash + 1 : out);
		if (!*single || !render_name_ok(*single))
			return cli_error(EXIT_INVALID, "-o '%s' is not a file name",
				out);
		b->single_name = *single;
	}
	if ((code = out_parent(parent, sizeof(parent), out, b->list)) != 0)
		return code;
	clear_leftovers(parent);
	snprintf(hidden, size, "%s/" HIDDEN_PREFIX "%ld", parent,
		(long)getpid());
	if (mkdir(hidden, 0755) < 0) {
		code = cli_error(EXIT_INVALID, "cannot write in '%s': %s",
			parent, strerror(errno));
		hidden[0] = '\0';
		return code;
	}
	b->dir = hidden;
	return 0;
}

/* `name` with its extension (after the last '.' of its last part) made
 * ".pdf"; with none, ".pdf" added when `append`, else `name` unchanged. */
static void pdf_name(char *buf, size_t size, const char *name, bool append)
{
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	const char *dot = strrchr(base, '.');

	if (dot && dot > base)
		snprintf(buf, size, "%.*s.pdf", (int)(dot - name), name);
	else
		snprintf(buf, size, "%s%s", name, append ? ".pdf" : "");
}

int render_pdf(render_batch *b, long long jobs)
{
	char profile[256];
	cli_office_job job = { 0 };
	int code;

	snprintf(profile, sizeof(profile), "%s/.lo-profile", b->dir);
	job.profile = profile;
	job.outdir = b->dir;
	job.cwd = b->dir;
	job.files = (const char *const *)b->names;
	job.nfiles = b->count;
	job.jobs = (size_t)jobs;
	job.progress = b->progress;
	if ((code = cli_office_convert(&job)) != 0)
		return code;
	for (size_t i = 0; i < b->count; i++) {
		char odt[4096], pdf[4200];
		struct stat s;

		snprintf(odt, sizeof(odt), "%s/%s", b->dir, b->names[i]);
		pdf_name(pdf, sizeof(pdf), odt, false);
		if (stat(pdf, &s) < 0 || !s.st_size)
			return cli_error(EXIT_INTERNAL,
				"--pdf: soffice made no PDF of '%s'", b->names[i]);
	}
	return 0;
}

/* Move one file from the hidden folder into place: the document (k 0)
 * or its PDF (k 1). */
static int move_one(const render_batch *b, const char *out, size_t i, int k)
{
	char name[300], from[16384], to[16384];

	if (k == 1)
		pdf_name(name, sizeof(name), b->names[i], false);
	else
		snprintf(name, sizeof(name), "%s", b->names[i]);
	snprintf(from, sizeof(from), "%s/%s", b->dir, name);
	if (b->list)
		snprintf(to, sizeof(to), "%s/%s", out, name);
	else if (k == 1)
		pdf_name(to, sizeof(to), out, true);
	else
		snprintf(to, sizeof(to), "%s", out);
	if (rename(from, to) < 0)
		return cli_error(EXIT_INTERNAL, "cannot move '%s' into place: %s",
			to, strerror(errno));
	return 0;
}

int render_move(const render_batch *b, const char *out, bool pdf)
{
	int code;

	for (size_t i = 0; i < b->count; i++)
		for (int k = 0; k < (pdf ? 2 : 1); k++)
			if ((code = move_one(b, out, i, k)) != 0)
				return code;
	return 0;
}
