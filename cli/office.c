/*
 * office.c - the one LibreOffice runner: `soffice --headless --norestore
 * --convert-to pdf --outdir DIR FILE...` for a whole batch, in one
 * process (starting LibreOffice costs seconds, converting a letter a
 * fraction of one). `render --pdf` and `letters generate --pdf` use it.
 *
 * Invariants: soffice gets a throw-away profile of its own (the caller's
 * folder; a user's LibreOffice, open or not, is never touched), named
 * by an absolute file URL and with an absolute --outdir (soffice runs in
 * job->cwd, and takes 'file://letters/..' for a host: it waits), its
 * output goes to /dev/null, and it runs as the leader of a process group
 * of its own, so that on timeout the whole group (oosplash, soffice.bin
 * and whatever they started) is killed and reaped: the tool never leaves
 * a converter behind. The timeout is CHANCERY_SOFFICE_TIMEOUT seconds,
 * else 120 s and 10 s a document, generous on a loaded machine.
 *
 * Being out of the terminal's process group, soffice does not get the
 * terminal's Ctrl-C: while it runs, SIGINT, SIGTERM and SIGHUP are caught
 * instead, soffice's group is killed, and the caller, told by
 * cli_office_interrupted(), removes its folders and dies of the signal.
 * A batch is cut into runs of BATCH_MAX files: soffice 7.4 stops after
 * 246 and exits 0 as if it had converted them all. Left out: checking
 * what soffice made (the callers know which files they expect) and any
 * other conversion than PDF.
 */
#include "cli.h"
#include "office.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
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
/* soffice 7.4 converts at most 246 files a run and then exits 0, silent
 * about the rest: a batch is cut into runs of this many */
#define BATCH_MAX 200

static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* Catch the signals of `caught` while soffice runs (old[] keeps what was
 * there; one ignored stays ignored), or put them back (restore). */
static void catch_signals(struct sigaction *old, bool restore)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(caught) / sizeof(caught[0]); i++) {
		if (restore) {
			sigaction(caught[i], &old[i], NULL);
			continue;
		}
		sigaction(caught[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN)
			sigaction(caught[i], &sa, NULL);
	}
}

int cli_office_interrupted(void)
{
	return interrupted;
}

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

/* `path` made absolute against the caller's folder (free() it). */
static char *absolute(const char *path)
{
	char cwd[4096];
	size_t len;
	char *s;

	if (path[0] == '/')
		return strdup(path);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	len = strlen(cwd) + strlen(path) + 2;
	if ((s = malloc(len)))
		snprintf(s, len, "%s/%s", cwd, path);
	return s;
}

/* "-env:UserInstallation=file:///..." for the folder `dir`, its bytes
 * other than letters, digits, '/', '-', '.', '_' and '~' percent-encoded
 * (RFC 8089); NULL when out of memory or the folder is unknown. */
static char *profile_option(const char *dir)
{
	static const char prefix[] = "-env:UserInstallation=file://";
	char *abs = absolute(dir), *s, *p;

	if (!abs || !(s = malloc(sizeof(prefix) + 3 * strlen(abs)))) {
		free(abs);
		return NULL;
	}
	memcpy(s, prefix, sizeof(prefix));
	p = s + sizeof(prefix) - 1;
	for (const unsigned char *c = (const unsigned char *)abs; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("/-._~", *c))
			*p++ = (char)*c;
		else
			p += snprintf(p, 4, "%%%02X", *c);
	}
	*p = '\0';
	free(abs);
	return s;
}

/* soffice's argv (argv_free() it; the strings are borrowed but the
 * profile option and the output folder, made absolute). */
static char **office_argv(const cli_office_job *job)
{
	char **argv = calloc(job->nfiles + 10, sizeof(char *));
	size_t n = 0;

	if (!argv)
		return NULL;
	argv[n++] = "soffice";
	argv[n++] = profile_option(job->profile);
	argv[n++] = "--headless";
	argv[n++] = "--norestore";
	argv[n++] = "--convert-to";
	argv[n++] = "pdf";
	argv[n++] = "--outdir";
	argv[n++] = absolute(job->outdir);
	if (!argv[1] || !argv[7]) {
		free(argv[1]);
		free(argv[7]);
		free(argv);
		return NULL;
	}
	for (size_t i = 0; i < job->nfiles; i++)
		argv[n++] = (char *)job->files[i];
	return argv;
}

static void argv_free(char **argv)
{
	if (argv) {
		free(argv[1]);
		free(argv[7]);
	}
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
		if (now_ns() >= deadline || interrupted)
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

/* One soffice run over job's files (at most BATCH_MAX of them). */
static int convert_batch(const cli_office_job *job)
{
	struct sigaction old[sizeof(caught) / sizeof(caught[0])];
	char **argv;
	long long timeout;
	pid_t pid;
	int code, st = 0, waited;

	if ((code = timeout_of(&timeout, job->nfiles)) != 0)
		return code;
	if (!(argv = office_argv(job)))
		return cli_error(EXIT_INTERNAL, "out of memory");
	catch_signals(old, false);
	pid = fork();
	if (pid == 0) {
		catch_signals(old, true);
		run_child(job, argv);
	}
	if (pid > 0)
		setpgid(pid, pid); /* also here: no window before a kill */
	argv_free(argv);
	waited = pid < 0 ? -1 : wait_for(pid, timeout, &st);
	if (waited == 1)
		stop(pid);
	catch_signals(old, true);
	if (pid < 0)
		return cli_error(EXIT_INTERNAL, "--pdf: cannot start soffice");
	if (waited == 1 && interrupted)
		return cli_error(EXIT_INTERNAL, "--pdf: interrupted; soffice "
			"was stopped");
	if (waited == 1)
		return cli_error(EXIT_INTERNAL, "--pdf: soffice did not finish "
			"within %lld s and was stopped (CHANCERY_SOFFICE_TIMEOUT "
			"sets the limit)", timeout);
	if (waited < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return cli_error(EXIT_INTERNAL, "--pdf: soffice failed (is "
			"LibreOffice installed? scripts/install-deps)");
	return 0;
}

int cli_office_convert(const cli_office_job *job)
{
	cli_office_job part = *job;
	int code = 0;

	for (size_t at = 0; code == 0 && at < job->nfiles; at += BATCH_MAX) {
		part.files = job->files + at;
		part.nfiles = job->nfiles - at < BATCH_MAX ? job->nfiles - at :
			BATCH_MAX;
		code = convert_batch(&part);
	}
	return code;
}

void cli_office_reraise(void)
{
	if (!interrupted)
		return;
	signal(interrupted, SIG_DFL);
	raise(interrupted);
}
