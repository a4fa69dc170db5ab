/*
 * office.c - the one LibreOffice runner: `soffice --headless --norestore
 * --convert-to pdf --outdir DIR FILE...` for a whole batch, in one
 * process (starting LibreOffice costs seconds, converting a letter a
 * fraction of one). `render --pdf` and `letters generate --pdf` use it.
 *
 * Invariants: soffice gets a throw-away profile of its own (the caller's
 * folder; a user's LibreOffice, open or not, is never touched), its
 * output goes to /dev/null, and it runs as the leader of a process group
 * of its own, so that on timeout the whole group (oosplash, soffice.bin
 * and whatever they started) is killed and reaped: the tool never leaves
 * a converter behind. The timeout is CHANCERY_SOFFICE_TIMEOUT seconds,
 * else 120 s and 10 s a document, generous on a loaded machine.
 *
 * What it costs: being out of the terminal's process group, soffice does
 * not get the terminal's Ctrl-C; a tool interrupted then leaves it to
 * finish its batch on its own. Left out: checking what soffice made (the
 * callers know which files they expect) and any other conversion than PDF.
 */
#include "cli.h"
#include "office.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_BASE 120
#define TIMEOUT_PER_FILE 10
#define TIMEOUT_MAX 86400
#define POLL_MAX_NS 100000000L

/* The timeout in seconds for a batch of nfiles documents. */
static int timeout_of(long long *out, size_t nfiles)
{
	const char *v = getenv("CHANCERY_SOFFICE_TIMEOUT");

	if (v) {
		if (cli_number(out, v, 1, TIMEOUT_MAX) < 0)
			return cli_error(EXIT_USAGE, "CHANCERY_SOFFICE_TIMEOUT="
				"'%s': expected whole seconds from 1 to %d", v,
				TIMEOUT_MAX);
		return 0;
	}
	*out = nfiles > (TIMEOUT_MAX - TIMEOUT_BASE) / TIMEOUT_PER_FILE ?
		TIMEOUT_MAX : TIMEOUT_BASE + TIMEOUT_PER_FILE * (long long)nfiles;
	return 0;
}

/* soffice's argv (argv_free() it; the strings are borrowed but the
 * profile option's). */
static char **office_argv(const cli_office_job *job)
{
	char **argv = calloc(job->nfiles + 10, sizeof(char *));
	size_t n = 0, len = strlen(job->profile) + 32;

	if (!argv)
		return NULL;
	argv[n++] = "soffice";
	if (!(argv[n] = malloc(len))) {
		free(argv);
		return NULL;
	}
	snprintf(argv[n++], len, "-env:UserInstallation=file://%s",
		job->profile);
	argv[n++] = "--headless";
	argv[n++] = "--norestore";
	argv[n++] = "--convert-to";
	argv[n++] = "pdf";
	argv[n++] = "--outdir";
	argv[n++] = (char *)job->outdir;
	for (size_t i = 0; i < job->nfiles; i++)
		argv[n++] = (char *)job->files[i];
	return argv;
}

static void argv_free(char **argv)
{
	if (argv)
		free(argv[1]);
	free(argv);
}

/* In the child: a group of its own, quiet, in its folder, then soffice. */
static void run_child(const cli_office_job *job, char **argv)
{
	int null = open("/dev/null", O_WRONLY);

	setpgid(0, 0);
	if (job->cwd && chdir(job->cwd) < 0)
		_exit(127);
	if (null >= 0) {
		dup2(null, 1);
		dup2(null, 2);
	}
	execvp("soffice", argv);
	_exit(127);
}

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Wait for pid at most `seconds`: 0 with its status, 1 when it is still
 * running then, -1 when waiting failed. */
static int wait_for(pid_t pid, long long seconds, int *status)
{
	int64_t deadline = now_ns() + (int64_t)seconds * 1000000000;
	struct timespec nap = { 0, 1000000 };

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ns() >= deadline)
			return 1;
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < POLL_MAX_NS)
			nap.tv_nsec *= 2;
	}
}

/* Kill soffice's whole group and reap its leader. */
static void stop(pid_t pid)
{
	int st;

	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

int cli_office_convert(const cli_office_job *job)
{
	char **argv;
	long long timeout;
	pid_t pid;
	int code, st = 0, waited;

	if ((code = timeout_of(&timeout, job->nfiles)) != 0)
		return code;
	if (!(argv = office_argv(job)))
		return cli_error(EXIT_INTERNAL, "out of memory");
	pid = fork();
	if (pid == 0)
		run_child(job, argv);
	if (pid > 0)
		setpgid(pid, pid); /* also here: no window before a kill */
	argv_free(argv);
	if (pid < 0)
		return cli_error(EXIT_INTERNAL, "--pdf: cannot start soffice");
	if ((waited = wait_for(pid, timeout, &st)) == 1) {
		stop(pid);
		return cli_error(EXIT_INTERNAL, "--pdf: soffice did not finish "
			"within %lld s and was stopped (CHANCERY_SOFFICE_TIMEOUT "
			"sets the limit)", timeout);
	}
	if (waited < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return cli_error(EXIT_INTERNAL, "--pdf: soffice failed (is "
			"LibreOffice installed? scripts/install-deps)");
	return 0;
}
