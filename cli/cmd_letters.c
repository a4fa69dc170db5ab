/*
 * cmd_letters.c - a campaign's letters: `chancery letters generate
 * CAMPAIGN` writes its personalized invitation letters (one commit for the
 * batch, none when nothing changed; a dispatched letter that would change
 * is refused, or superseded by a new one with --supersede; --dry-run
 * renders and records nothing; --pdf also makes a PDF of each (of the
 * current letters), beside them in the working
 * tree), `letters verify CAMPAIGN` checks that the recorded letters are
 * what generation would write (exit 1 when not), `letters data CAMPAIGN
 * STATE...` prints the letter data of States as JSON (--language: in
 * another language than the State's own).
 *
 * The PDFs are made from the letters the branch holds, copied to a
 * temporary folder (removed afterwards, whatever happens) and converted
 * by a pool of LibreOffice processes, --jobs of them (default: one a
 * core; office_pool.c); they stay out of history, since
 * PDF files are not deterministic. Which letters there are and their
 * bytes come from the library (chancery_campaign_recipients, which refuses
 * a recipient that is not a State code before it becomes a file name, and
 * chancery_campaign_letter); where the PDFs go, the working tree's
 * campaigns/ID/pdf/, is the tool's own choice (pdf_dir): the library never
 * writes or reads them. A bare repository has no working tree: --pdf is
 * refused there, and generate says where the letters are in the commit.
 */
#include "cli.h"
#include "office.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void print_problem(const char *line, void *payload)
{
	(*(int *)payload)++;
	cli_printf_safe(stderr, "chancery: %s\n", line);
}

static void progress(size_t done, size_t total, void *payload)
{
	(void)payload;
	if (done % 10 == 0 || done == total)
		fprintf(stderr, "\rgenerating %zu/%zu", done, total);
}

/* Copy the letter of `code`, if the branch holds one, to tmp/CODE.odt and
 * add that path to `files`. */
static int copy_letter(char **files, size_t *n, chancery_repository *repo,
	const char *id, const char *code, const char *tmp)
{
	char *odt = NULL, file[700];
	size_t size;
	int error;

	error = chancery_campaign_letter(&odt, &size, repo, id, code);
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		return 0; /* not generated: nothing to convert */
	}
	if (error < 0)
		return cli_fail(error);
	snprintf(file, sizeof(file), "%s/%s.odt", tmp, code);
	if (cli_write_file(file, odt, size) < 0) {
		chancery_free(odt);
		return cli_error(EXIT_INTERNAL, "--pdf: cannot write %s", file);
	}
	chancery_free(odt);
	if (!(files[*n] = strdup(file)))
		return cli_error(EXIT_INTERNAL, "out of memory");
	(*n)++;
	return 0;
}

/* Copy the letters of the campaign's recipients (only `only`'s, when
 * given) into `tmp`; their paths in *files (a list of *n). */
static int copy_letters(char ***files, size_t *n, chancery_repository *repo,
	const char *id, const char *only, const char *tmp)
{
	char **codes = NULL;
	size_t count = 0;
	int code = 0, error;

	*files = NULL;
	*n = 0;
	/* every code is a State code (the library checks): safe as a name */
	if ((error = chancery_campaign_recipients(&codes, &count, repo,
			id)) < 0)
		return cli_fail(error);
	if (!(*files = calloc(count + 1, sizeof(char *))))
		code = cli_error(EXIT_INTERNAL, "out of memory");
	for (size_t i = 0; !code && i < count; i++) {
		if (only && strcmp(only, codes[i]))
			continue;
		code = copy_letter(*files, n, repo, id, codes[i], tmp);
	}
	chancery_campaign_recipients_free(codes);
	return code;
}

/* Where --pdf puts a campaign's PDFs: the working tree's campaigns/ID/pdf
 * (ignored by history). The tool's choice, not the library's: PDFs are
 * this tool's output, made by LibreOffice, and nothing records them. */
static void pdf_dir(char *buf, size_t size, chancery_repository *repo,
	const char *id)
{
	snprintf(buf, size, "%scampaigns/%s/pdf",
		chancery_repository_workdir(repo), id);
}

/* --jobs N, else the number of cores (at most CLI_OFFICE_MAX_JOBS). */
static int jobs_of(size_t *out, const cli_args *a)
{
	const char *v = cli_opt_value(a, "jobs");
	long long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (v && cli_number(&n, v, 1, CLI_OFFICE_MAX_JOBS) < 0)
		return cli_error(EXIT_USAGE, "letters generate: --jobs takes 1 "
			"to %d (a whole number), not '%s'", CLI_OFFICE_MAX_JOBS,
			v);
	*out = n < 1 ? 1 : n > CLI_OFFICE_MAX_JOBS ? CLI_OFFICE_MAX_JOBS :
		(size_t)n;
	return 0;
}

/* PDFs of a campaign's letters in the working tree's campaigns/ID/pdf/,
 * `jobs` LibreOffice processes at once. */
static int letters_pdf(chancery_repository *repo, const char *id,
	const char *only, size_t jobs)
{
	char tmp[] = "/tmp/chancery-pdf-XXXXXX", profile[300], dest[4096];
	cli_office_job job = { 0 };
	char **files = NULL;
	size_t n = 0;
	int code;

	if (!mkdtemp(tmp))
		return cli_error(EXIT_INTERNAL, "--pdf: cannot make a folder");
	if ((code = copy_letters(&files, &n, repo, id, only, tmp)) != 0)
		goto done;
	pdf_dir(dest, sizeof(dest), repo, id);
	snprintf(profile, sizeof(profile), "%s/lo", tmp);
	mkdir(dest, 0755); /* it may exist already */
	job.profile = profile;
	job.outdir = dest;
	job.files = (const char *const *)files;
	job.nfiles = n;
	job.jobs = jobs;
	job.progress = isatty(2);
	if ((code = cli_office_convert(&job)) == 0)
		printf("PDFs in %s\n", dest);
done:
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	cli_remove_tree(tmp);
	return code;
}

/* letters data CAMPAIGN STATE [STATE...|all] [--language LANG]: one State
 * gives its object, several (or all: every recipient) an array. */
static int letters_data(const cli_args *a)
{
	chancery_letter_data_options o = CHANCERY_LETTER_DATA_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	chancery_data *d = NULL;
	const char *states[CLI_MAX_ARGS];
	bool all = a->nargs == 3 && !strcmp(a->args[2], "all");
	size_t n = 0;
	char *json = NULL;
	int code, error;

	if (a->nargs < 3)
		return cli_error(EXIT_USAGE, "letters data: CAMPAIGN STATE...");
	o.language = cli_opt_value(a, "language");
	for (int i = 2; i < a->nargs; i++)
		states[n++] = a->args[i];
	if ((code = cli_open(&repo, a)) != 0)
		return code;
	if (n == 1 && !all && !o.language)
		error = chancery_campaign_letter_data(&d, repo, a->args[1],
			a->args[2]);
	else
		error = chancery_campaign_letters_data(&d, repo, a->args[1],
			all ? NULL : states, all ? 0 : n, &o);
	/* one State: its object, as without --language */
	if (error < 0 || (error = chancery_data_to_json(&json,
			n == 1 && !all && o.language ? chancery_data_item(d, 0) :
			d)) < 0) {
		code = cli_fail(error);
	} else {
		cli_json_text(stdout, json);
		putchar('\n');
	}
	chancery_free(json);
	chancery_data_free(d);
	chancery_repository_free(repo);
	return code;
}

static int letters_verify(const cli_args *a)
{
	chancery_letters_options o = CHANCERY_LETTERS_OPTIONS_INIT;
	chancery_letters_result r;
	chancery_repository *repo = NULL;
	int problems = 0, code, error;

	if (a->nargs != 2)
		return cli_error(EXIT_USAGE, "letters verify: one CAMPAIGN");
	o.verify = 1;
	o.problem = print_problem;
	o.payload = &problems;
	if ((code = cli_open(&repo, a)) != 0)
		return code;
	error = chancery_campaign_generate(&r, repo, a->args[1], &o);
	if (error == 0) {
		printf("%zu letters are what their inputs give\n", r.letters);
		code = EXIT_OK;
	} else if (error == CHANCERY_ECONFLICT) {
		cli_error(0, "%s", chancery_error_last()->message);
		code = EXIT_PROBLEMS;
	} else {
		code = cli_fail(error);
	}
	chancery_repository_free(repo);
	return code;
}

/* A bare repository has no working tree to see the letters in: say
 * where they are in the commit, and how to get them out. */
static void bare_hint(chancery_repository *repo, const char *id,
	const char *commit)
{
	if (chancery_repository_workdir(repo))
		return;
	printf("The repository is bare: the letters are in commit %.12s at "
		"campaigns/%s/letters/; get them with git archive %.12s "
		"campaigns/%s/letters | tar -x (or git show %.12s:campaigns/%s/"
		"letters/CODE.odt)\n", commit, id, commit, id, commit, id);
}

/* What generation did, on stdout, or its error. */
static int generated(int error, const chancery_letters_result *r,
	bool dry_run)
{
	const char *s = r->letters == 1 ? "" : "s";

	if (error == 0 && !r->commit[0]) {
		if (dry_run)
			printf("%zu letter%s checked, no problem (%zu would "
				"change)\n", r->letters, s, r->changed);
		else
			printf("%zu letter%s up to date: nothing recorded\n",
				r->letters, s);
		return EXIT_OK;
	}
	if (error < 0)
		return cli_fail(error);
	printf("Generated %zu letter%s (%zu new or changed), commit %.12s\n",
		r->letters, s, r->changed, r->commit);
	return EXIT_OK;
}

static int letters_generate(const cli_args *a)
{
	chancery_letters_options o = CHANCERY_LETTERS_OPTIONS_INIT;
	chancery_letters_result r;
	chancery_repository *repo = NULL;
	int problems = 0, code, error;
	size_t jobs = 1;

	if (a->nargs != 2)
		return cli_error(EXIT_USAGE, "letters generate: one CAMPAIGN");
	if ((code = jobs_of(&jobs, a)) != 0)
		return code;
	o.state = cli_opt_value(a, "state");
	o.dry_run = cli_opt_count(a, "dry-run") > 0;
	o.supersede = cli_opt_count(a, "supersede") > 0;
	o.problem = print_problem;
	o.payload = &problems;
	if (isatty(2))
		o.progress = progress;
	if ((code = cli_open(&repo, a)) != 0)
		return code;
	if (cli_opt_count(a, "pdf") && !chancery_repository_workdir(repo)) {
		chancery_repository_free(repo);
		return cli_error(EXIT_USAGE, "letters generate: --pdf puts "
			"PDFs in the working tree, and this repository is bare "
			"(no working tree): generate without --pdf, then convert "
			"the letters in a clone");
	}
	error = chancery_campaign_generate(&r, repo, a->args[1], &o);
	if (o.progress)
		fputc('\n', stderr);
	if (error == 0 && !o.dry_run &&
	    cli_opt_count(a, "pdf"))
		code = letters_pdf(repo, a->args[1], o.state, jobs);
	if (!code)
		code = generated(error, &r, o.dry_run);
	if (!code && error == 0 && r.commit[0])
		bare_hint(repo, a->args[1], r.commit);
	chancery_repository_free(repo);
	return code;
}

int cmd_letters(int argc, char **argv)
{
	cli_args a;
	int code;

	if ((code = cli_parse(&a, cli_find("letters"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if (!strcmp(a.args[0], "data"))
		return letters_data(&a);
	if (!strcmp(a.args[0], "verify"))
		return letters_verify(&a);
	if (strcmp(a.args[0], "generate"))
		return cli_error(EXIT_USAGE, "letters: '%s' is not generate, "
			"verify or data", a.args[0]);
	return letters_generate(&a);
}
