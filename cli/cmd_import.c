/*
 * cmd_import.c - `chancery import states|treaties|participation FILE`:
 * validate a CSV/TSV table and merge it into the registry as one commit.
 * Every problem is printed as FILE:LINE:COLUMN: what; on any problem
 * nothing is committed (exit 3).
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>


static void print_problem(const char *line, void *payload)
{
	int *n = payload;

	(*n)++;
	cli_printf_safe(stderr, "%s\n", line);
}

int cmd_import(int argc, char **argv)
{
	cli_args a;
	chancery_import_options opts = CHANCERY_IMPORT_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	chancery_import_kind kind;
	const char *what, *fmt;
	char *data = NULL;
	chancery_import_result res;
	size_t size = 0;
	int problems = 0;
	int code, error;

	if ((code = cli_parse(&a, cli_find("import"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	what = a.args[0];
	if (!strcmp(what, "states"))
		kind = CHANCERY_IMPORT_STATES;
	else if (!strcmp(what, "treaties"))
		kind = CHANCERY_IMPORT_TREATIES;
	else if (!strcmp(what, "participation"))
		kind = CHANCERY_IMPORT_PARTICIPATION;
	else
		return cli_error(EXIT_USAGE,
			"import: '%s' is not states, treaties or participation",
			what);
	fmt = cli_opt_value(&a, "format");
	if (fmt && strcmp(fmt, "csv") && strcmp(fmt, "tsv"))
		return cli_error(EXIT_USAGE, "import: --format is csv or tsv");
	if (fmt)
		opts.delimiter = fmt[0] == 'c' ? ',' : '\t';
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((code = cli_read_file(&data, &size, a.args[1])) != 0)
		goto done;
	opts.diagnostic = print_problem;
	opts.payload = &problems;
	error = chancery_registry_import(&res, repo, kind, a.args[1], data,
		size, &opts);
	if (error == 0 && res.unchanged) {
		cli_error(0, "%s: nothing new; the registry holds these rows "
			"already", a.args[1]);
		code = EXIT_OK;
	} else if (error < 0 && problems) {
		fprintf(stderr, "chancery: import: %d problem%s in %s; nothing "
			"was imported\n", problems, problems == 1 ? "" : "s",
			a.args[1]);
		code = cli_exit_code(error);
	} else if (error < 0) {
		code = cli_fail(error);
	} else {
		printf("Imported %zu row%s into the %s registry\n", res.rows,
			res.rows == 1 ? "" : "s", what);
		code = EXIT_OK;
	}
done:
	free(data);
	chancery_repository_free(repo);
	return code;
}
