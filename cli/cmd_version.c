/*
 * cmd_version.c - `chancery version`: the tool's version, the one
 * `chancery --version` prints too.
 */
#include "cli.h"

int cmd_version(int argc, char **argv)
{
	cli_args a;
	int code = cli_parse(&a, cli_find("version"), argc, argv);

	if (code)
		return code < 0 ? EXIT_OK : code;
	printf("chancery %s\n", CHANCERY_VERSION);
	return EXIT_OK;
}
