/*
 * office.h - the LibreOffice runner: a pool of `soffice --headless
 * --convert-to pdf` processes over a batch of files (office_pool.c), one
 * converter run at a time by office.c. Used by `render --pdf` and
 * `letters generate --pdf`.
 */
#ifndef CHANCERY_CLI_OFFICE_H
#define CHANCERY_CLI_OFFICE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The most converters at once (--jobs). */
#define CLI_OFFICE_MAX_JOBS 256

typedef struct {
	const char *profile;  /* folder of a throw-away LibreOffice profile
	                       * (relative: to the caller's folder, not cwd);
	                       * converter k > 0 gets PROFILE-k */
	const char *outdir;   /* where the PDFs go (the same) */
	const char *cwd;      /* soffice's working folder, or NULL */
	const char *const *files; /* the documents (relative to cwd) */
	size_t nfiles;
	size_t jobs;          /* converters at once; 0 or 1: one */
	bool progress;        /* "pdf 36/192" on stderr as runs end */
} cli_office_job;

/*
 * Convert job->files to PDF in job->outdir (FILE's PDF is OUTDIR/FILE's
 * name with its extension made .pdf; one there already is removed first)
 * with job->jobs converters at once, each given runs of a few files (one
 * converter: runs of up to 200, since soffice 7.4 silently stops after
 * 246). A run that outlives its timeout (CHANCERY_SOFFICE_TIMEOUT
 * seconds, else 120 s and 10 s a document) is killed with its process
 * group; its files without a PDF, like those of a run that made none, are
 * tried once more, each in a run of its own; a file that fails again is
 * named on one error line and the others go on. Returns 0 when every PDF
 * was made, or prints one error line and returns the exit code
 * (EXIT_INTERNAL: PDFs missing, soffice missing, interrupted; EXIT_USAGE
 * for a CHANCERY_SOFFICE_TIMEOUT that is no number of seconds).
 */
int cli_office_convert(const cli_office_job *job);
/* The signal (SIGINT, SIGTERM, SIGHUP) that stopped a conversion, or 0:
 * the caller removes its folders, then dies of it (cli_office_reraise). */
int cli_office_interrupted(void);
/* Die of that signal, if one came (the shell then sees it); else return. */
void cli_office_reraise(void);

/* For office_pool.c, from office.c: */
/* Catch SIGINT, SIGTERM and SIGHUP (cli_office_interrupted() then tells;
 * old[3] keeps what was there, one ignored stays ignored), or put back
 * what old[] holds (restore). */
void cli_office_catch_signals(struct sigaction *old, bool restore);
/* The timeout in seconds of a run of nfiles documents, or an exit code. */
int cli_office_run_timeout(long long *out, size_t nfiles);
/* Start soffice over `files` with the profile folder `profile`, as the
 * leader of a process group of its own: *out is its pid. 0 or an exit
 * code (its error printed). */
int cli_office_start_run(pid_t *out, const cli_office_job *job,
	const char *profile, const char *const *files, size_t nfiles);
/* Kill a run's whole process group and reap its leader. */
void cli_office_stop_run(pid_t pid);

#endif
