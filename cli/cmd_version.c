/*
 * cmd_version.c - `chancery version`: the version of the library running
 * (chancery_version(), which can be newer than the headers the tool was
 * built with), the one `chancery --version` prints too.
 */
#include "cli.h"

int cmd_version(int argc, char **argv)
{
	cli_args a;
	int code = cli_parse(&a, cli_find("version"), argc, argv);

	if (code)
		return code < 0 ? EXIT_OK : code;
	printf("chancery %s\n", chancery_version(NULL, NULL, NULL));
	return EXIT_OK;
}
