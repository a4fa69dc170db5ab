/*
 * cmd_export.c - `chancery export bagit DIR`: the archive as a BagIt bag
 * (RFC 8493), whole or only a State's, a campaign's or a treaty's files.
 */
#include "cli.h"

#include <string.h>

int cmd_export(int argc, char **argv)
{
	cli_args a;
	chancery_bagit_options o = CHANCERY_BAGIT_OPTIONS_INIT;
	chancery_bagit_result r;
	chancery_repository *repo = NULL;
	int code, error;

	if ((code = cli_parse(&a, cli_find("export"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if (strcmp(a.args[0], "bagit"))
		return cli_error(EXIT_USAGE, "export: unknown format '%.40s' "
			"(bagit)", a.args[0]);
	o.state = cli_opt_value(&a, "state");
	o.campaign = cli_opt_value(&a, "campaign");
	o.treaty = cli_opt_value(&a, "treaty");
	o.organization = cli_opt_value(&a, "organization");
	if (!!o.state + !!o.campaign + !!o.treaty > 1)
		return cli_error(EXIT_USAGE, "export: --state, --campaign or "
			"--treaty, one of them");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	error = chancery_archive_export_bagit(&r, repo, a.args[1], &o);
	if (error < 0)
		code = cli_fail(error);
	else
		printf("Wrote bag %s: %zu files, %llu bytes\n", a.args[1],
			r.files, (unsigned long long)r.bytes);
	chancery_repository_free(repo);
	return code;
}
