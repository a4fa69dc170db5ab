/*
 * cmd_verify.c - `chancery verify [--state S] [--campaign C]`: prove that
 * nothing recorded was altered; the library replays the branch from its
 * first commit (docs/archive.md). Each problem is a line on stdout; any
 * problem is exit 1, with the count on stderr.
 */
#include "cli.h"

static void print_problem(const char *line, void *payload)
{
	(void)payload;
	cli_printf_safe(stdout, "%s\n", line);
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
	o.state = cli_opt_value(&a, "state");
	o.campaign = cli_opt_value(&a, "campaign");
	if (o.state && !chancery_registry_state_code_valid(o.state))
		return cli_error(EXIT_INVALID,
			"--state '%.40s' is not a State code", o.state);
	o.problem = print_problem;
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
		printf("verified: %zu events, %zu files, %zu objects: nothing "
			"altered\n", r.events, r.files, r.objects);
	}
	chancery_repository_free(repo);
	return code;
}
