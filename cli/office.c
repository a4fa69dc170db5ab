/*
 * office.c - running one LibreOffice converter: `soffice --headless
 * --norestore --convert-to pdf --outdir DIR FILE...` over a run of files,
 * in a process group of its own, with a timeout; office_pool.c hands a
 * batch out to as many of these as there are cores. `render --pdf` and
 * `letters generate --pdf` use the pool.
 *
 * Invariants: soffice gets a throw-away profile of its own (the caller's
 * folder; a user's LibreOffice, open or not, is never touched, and two
 * converters never share one: soffice refuses), named by an absolute
 * file URL and with an absolute --outdir (soffice runs in job->cwd, and
 * takes 'file://letters/..' for a host: it waits), its output goes to
 * /dev/null, and it runs as the leader of a process group of its own, so
 * that on timeout the whole group (oosplash, soffice.bin and whatever
 * they started) is killed and reaped: the tool never leaves a converter
 * behind. The program is CHANCERY_SOFFICE, else `soffice` on the PATH;
 * the timeout of a run is CHANCERY_SOFFICE_TIMEOUT seconds, else 120 s
 * for the start and 10 s a document, generous on a loaded machine.
 *
 * Being out of the terminal's process group, soffice does not get the
 * terminal's Ctrl-C: while converters run, SIGINT, SIGTERM and SIGHUP are
 * caught instead, every converter's group is killed (office_pool.c), and
 * the caller, told by cli_office_interrupted(), removes its folders and
 * dies of the signal. Left out: scheduling (office_pool.c) and any other
 * conversion than PDF.
 */
#include "cli.h"
#include "office.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define TIMEOUT_BASE 120
#define TIMEOUT_PER_FILE 10
#define TIMEOUT_MAX 86400

static const int caught[] = { SIGINT, SIGTERM, SIGHUP };
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

void cli_office_catch_signals(struct sigaction *old, bool restore)
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

int cli_office_run_timeout(long long *out, size_t nfiles)
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

/* The converter: CHANCERY_SOFFICE (a name on the PATH or a path), else
 * soffice. */
static const char *program(void)
{
	const char *v = getenv("CHANCERY_SOFFICE");

	return v && *v ? v : "soffice";
}

/* soffice's argv for `files` (argv_free() it; the strings are borrowed
 * but the profile option and the output folder, made absolute). */
static char **office_argv(const cli_office_job *job, const char *profile,
	const char *const *files, size_t nfiles)
{
	char **argv = calloc(nfiles + 10, sizeof(char *));
	size_t n = 0;

	if (!argv)
		return NULL;
	argv[n++] = (char *)program();
	argv[n++] = profile_option(profile);
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
	for (size_t i = 0; i < nfiles; i++)
		argv[n++] = (char *)files[i];
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
	execvp(argv[0], argv);
	_exit(127);
}

void cli_office_stop_run(pid_t pid)
{
	int st;

	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

int cli_office_start_run(pid_t *out, const cli_office_job *job,
	const char *profile, const char *const *files, size_t nfiles)
{
	char **argv = office_argv(job, profile, files, nfiles);
	pid_t pid;

	if (!argv)
		return cli_error(EXIT_INTERNAL, "out of memory");
	pid = fork();
	if (pid == 0) /* exec resets the caught signals, keeps ignored ones */
		run_child(job, argv);
	if (pid > 0)
		setpgid(pid, pid); /* also here: no window before a kill */
	argv_free(argv);
	if (pid < 0)
		return cli_error(EXIT_INTERNAL, "--pdf: cannot start soffice: %s",
			strerror(errno));
	*out = pid;
	return 0;
}

void cli_office_reraise(void)
{
	if (!interrupted)
		return;
	signal(interrupted, SIG_DFL);
	raise(interrupted);
}
