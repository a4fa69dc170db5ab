/*
 * cmd_void.c - `chancery void EVENT --reason TEXT`: an event recorded in
 * error (a reply, a note, a deposit) voided by one more event; for a
 * deposit, with the correction notification the library circulates. What
 * is voided and how is the library's (chancery_archive_void); this file
 * says what was done, by the voided event's type.
 */
#include "cli.h"

int cmd_void(int argc, char **argv)
{
	cli_args a;
	chancery_void_options o = CHANCERY_VOID_OPTIONS_INIT;
	chancery_void_result r;
	chancery_repository *repo = NULL;
	int code, error;

	if ((code = cli_parse(&a, cli_find("void"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if (!(o.reason = cli_opt_value(&a, "reason")))
		return cli_error(EXIT_USAGE, "void: --reason is required");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((error = chancery_archive_void(&r, repo, a.args[0], &o)) < 0)
		code = cli_fail(error);
	else if (*r.notification)
		printf("Voided deposit %s (%s issued in error): correction "
			"notification %s, %s\n", r.voided, r.corrected,
			r.notification, r.notification_path);
	else
		printf("Voided %s %s (void %s)\n", r.type, r.voided, r.id);
	chancery_repository_free(repo);
	return code;
}
