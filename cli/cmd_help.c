/*
 * cmd_help.c - `chancery help [COMMAND]`: the list of commands with their
 * summaries, or one command's help (what `chancery COMMAND -h` prints);
 * `--commands` lists the names alone, one a line, for scripts (and for
 * tests/cli/test_docs.sh).
 */
#include "cli.h"

int cmd_help(int argc, char **argv)
{
	cli_args a;
	int code = cli_parse(&a, cli_find("help"), argc, argv);
	const cli_cmd *cmd;

	if (code)
		return code < 0 ? EXIT_OK : code;
	if (cli_opt_count(&a, "commands")) {
		for (size_t i = 0; i < cli_command_count; i++)
			printf("%s\n", cli_commands[i].name);
		return EXIT_OK;
	}
	if (!a.nargs) {
		cli_main_usage(stdout);
		return EXIT_OK;
	}
	if (!(cmd = cli_find(a.args[0])))
		return cli_error(EXIT_USAGE, "no command '%s'", a.args[0]);
	cli_usage(stdout, cmd);
	return EXIT_OK;
}
