/*
 * cmd_verify.c - `chancery verify [--full] [--state S] [--campaign C]`:
 * prove that nothing recorded was altered (docs/archive.md). By default
 * the library checks what came after the last proof kept in the index and
 * the archived files whose fixity is due; --full replays the branch from
 * its first commit. Each problem is a line on stdout; any problem is exit
 * 1, with the count on stderr; why a run checked in full is one line on
 * stderr. `verify --report` prints the last proofs and the fixity
 * coverage.
 */
#include "cli.h"

static void print_line(const char *line, void *payload)
{
	(void)payload;
	cli_printf_safe(stdout, "%s\n", line);
}

static void print_note(const char *line, void *payload)
{
	(void)payload;
	cli_printf_safe(stderr, "chancery: %s\n", line);
}

static int report(cli_args *a)
{
	chancery_repository *repo = NULL;
	int code, error;

	if (cli_opt_count(a, "full") || cli_opt_value(a, "state") ||
	    cli_opt_value(a, "campaign"))
		return cli_error(EXIT_USAGE, "--report takes no other option");
	if ((code = cli_open(&repo, a)) != 0)
		return code;
	if ((error = chancery_archive_verify_report(repo, 5, print_line,
			NULL)) < 0)
		code = cli_fail(error);
	chancery_repository_free(repo);
	return code;
}

static void print_result(const chancery_verify_result *r)
{
	if (r->incremental)
		printf("verified since the last proof: %zu events, %zu files "
			"(%zu due for fixity): nothing altered\n", r->events,
			r->files, r->fixity);
	else
		printf("verified: %zu events, %zu files, %zu objects: nothing "
			"altered\n", r->events, r->files, r->objects);
}

int cmd_verify(int argc, char **argv)
{
	cli_args a;
	chancery_verify_options o = CHANCERY_VERIFY_OPTIONS_INIT;
	chancery_verify_result r;
	chancery_repository *repo = NULL;
	int code, error;

	if ((code = cli_parse(&a, cli_find("verify"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if (cli_opt_count(&a, "report"))
		return report(&a);
	o.state = cli_opt_value(&a, "state");
	o.campaign = cli_opt_value(&a, "campaign");
	if (o.state && !chancery_registry_state_code_valid(o.state))
		return cli_error(EXIT_INVALID,
			"--state '%.40s' is not a State code", o.state);
	o.incremental = !cli_opt_count(&a, "full");
	o.problem = print_line;
	o.note = print_note;
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	error = chancery_archive_verify(&r, repo, &o);
	if (error == CHANCERY_EINVALID && r.problems) {
		fprintf(stderr, "chancery: verify: %zu problem%s in %zu events, "
			"%zu files, %zu objects\n", r.problems,
			r.problems == 1 ? "" : "s", r.events, r.files, r.objects);
		code = EXIT_PROBLEMS;
	} else if (error < 0) {
		code = cli_fail(error);
	} else {
		print_result(&r);
	}
	chancery_repository_free(repo);
	return code;
}
