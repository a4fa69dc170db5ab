/*
 * office.h - the one LibreOffice runner (office.c): `soffice --headless
 * --convert-to pdf` over a batch of files, in one process, with a
 * timeout. Used by `render --pdf` and `letters generate --pdf`.
 */
#ifndef CHANCERY_CLI_OFFICE_H
#define CHANCERY_CLI_OFFICE_H

#include <stddef.h>

typedef struct {
	const char *profile;  /* folder of a throw-away LibreOffice profile
	                       * (relative: to the caller's folder, not cwd) */
	const char *outdir;   /* where the PDFs go (the same) */
	const char *cwd;      /* soffice's working folder, or NULL */
	const char *const *files; /* the documents (relative to cwd) */
	size_t nfiles;
} cli_office_job;

/*
 * Convert job->files to PDF in job->outdir, in runs of up to 200 files
 * (soffice 7.4 silently stops after 246). soffice runs in a process
 * group of its own, its output thrown away; when it outlives the timeout
 * (CHANCERY_SOFFICE_TIMEOUT seconds a run, else 120 s and 10 s a document) the
 * whole group is killed. Returns 0, or prints one error line and returns
 * the exit code (EXIT_INTERNAL; EXIT_USAGE for a CHANCERY_SOFFICE_TIMEOUT
 * that is no number of seconds).
 */
int cli_office_convert(const cli_office_job *job);
/* The signal (SIGINT, SIGTERM, SIGHUP) that stopped a conversion, or 0:
 * the caller removes its folders, then dies of it (cli_office_reraise). */
int cli_office_interrupted(void);
/* Die of that signal, if one came (the shell then sees it); else return. */
void cli_office_reraise(void);

#endif
