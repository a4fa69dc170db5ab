/*
 * cmd_workflow.c - `chancery workflow check FILE|NAME...` checks workflow
 * definitions (schema, states, transitions) and prints every problem as
 * FILE:LINE: what; `chancery workflow list` names the shipped ones;
 * `chancery workflow show NAME` prints a definition.
 */
#include "cli.h"

#include <string.h>

static void print_problem(const char *line, void *payload)
{
	(*(int *)payload)++;
	cli_printf_safe(stderr, "%s\n", line);
}

int cmd_workflow(int argc, char **argv)
{
	cli_args a;
	int code;

	if ((code = cli_parse(&a, cli_find("workflow"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if (!strcmp(a.args[0], "list")) {
		for (const char *const *n = chancery_workflow_shipped(); *n; n++)
			printf("%s\n", *n);
		return EXIT_OK;
	}
	if (!strcmp(a.args[0], "show")) {
		chancery_workflow *w = NULL;
		size_t size;
		const char *src;
		int error;

		if (a.nargs != 2)
			return cli_error(EXIT_USAGE, "workflow show: one NAME or FILE");
		if ((error = chancery_workflow_open(&w, a.args[1], NULL, NULL)) < 0)
			return cli_fail(error);
		src = chancery_workflow_source(w, &size);
		fwrite(src, 1, size, stdout);
		chancery_workflow_free(w);
		return EXIT_OK;
	}
	if (strcmp(a.args[0], "check"))
		return cli_error(EXIT_USAGE, "workflow: '%s' is not check, list or show",
			a.args[0]);
	if (a.nargs < 2)
		return cli_error(EXIT_USAGE, "workflow check: name at least one FILE");
	for (int i = 1; i < a.nargs; i++) {
		chancery_workflow *w = NULL;
		int problems = 0;
		int error = chancery_workflow_open(&w, a.args[i], print_problem,
			&problems);

		if (error == CHANCERY_EINVALID && problems) {
			code = EXIT_PROBLEMS;
			continue;
		}
		if (error < 0) {
			int c = cli_fail(error);

			if (code != EXIT_PROBLEMS)
				code = c;
			continue;
		}
		printf("%s: workflow '%s', %zu states, %zu transitions: ok\n",
			a.args[i], chancery_workflow_name(w),
			chancery_workflow_state_count(w),
			chancery_workflow_transition_count(w));
		chancery_workflow_free(w);
	}
	return code;
}
