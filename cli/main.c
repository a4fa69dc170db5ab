/*
 * main.c - the chancery tool's entry: global options, then the command.
 *
 * Global options come before the subcommand, as in git:
 *   chancery [-C DIR] [--author 'Name <email>'] COMMAND [options] [args]
 * -C enters DIR before the command runs (so the command opens "."); the
 * command is looked up in the table of commands.c and given its own argv.
 * Writing commands also take --author after the command. Standard output
 * is flushed before the exit code is returned: a full disk is exit 5, not
 * a silent truncation.
 */
#include "cli.h"

#include <string.h>
#include <unistd.h>

const char *cli_dir;
const char *cli_author;

int main(int argc, char **argv)
{
	int i = 1, code;
	const cli_cmd *cmd;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *arg = argv[i];

		if (!strcmp(arg, "-C") || !strcmp(arg, "--author")) {
			if (i + 1 >= argc)
				return cli_error(EXIT_USAGE,
					"option '%s' needs a value", arg);
			if (arg[1] == 'C')
				cli_dir = argv[++i];
			else
				cli_author = argv[++i];
		} else if (!strncmp(arg, "--author=", 9)) {
			cli_author = arg + 9;
		} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			cli_main_usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(arg, "--version")) {
			printf("chancery %s\n",
				chancery_version(NULL, NULL, NULL));
			return EXIT_OK;
		} else {
			return cli_error(EXIT_USAGE,
				"unknown option '%s' (see chancery -h)", arg);
		}
	}
	if (i >= argc) {
		cli_main_usage(stderr);
		return EXIT_USAGE;
	}
	if (!(cmd = cli_find(argv[i])))
		return cli_error(EXIT_USAGE,
			"'%s' is not a chancery command (see chancery -h)",
			argv[i]);
	if (cli_dir && chdir(cli_dir) < 0)
		return cli_error(EXIT_INVALID, "-C %s: cannot enter the folder",
			cli_dir);
	cli_dir = NULL;
	if (chancery_init() < 0)
		return cli_fail(CHANCERY_ERROR);
	code = cmd->fn(argc - i, argv + i);
	if (fflush(stdout) != 0 && code == EXIT_OK)
		code = cli_error(EXIT_INTERNAL, "cannot write the output");
	chancery_shutdown();
	return code;
}
