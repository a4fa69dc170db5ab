/*
 * cmd_deposit.c - `chancery deposit STATE TREATY ACTION --date DATE`:
 * record a signature, the deposit of an instrument (its file archived,
 * its digest kept) or another act of the vocabulary (a reservation with
 * its --text, an objection --objects-to EVENT, a denunciation...) and
 * issue its depositary notification, numbered at the sync remote unless
 * --local; prints the event, the notification and, for a consent, when
 * the treaty enters into force for the State (for a denunciation, when it
 * takes effect).
 */
#include "cli.h"

#include <string.h>

/* --signed-by, read into the typed signer (the library checks it against
 * the action); a signature without one is refused here, in the words of
 * the option. */
static int signer(chancery_deposit_options *o, const cli_args *a)
{
	const char *by = cli_opt_value(a, "signed-by");

	if (!by || !*by) {
		if (!strcmp(a->args[2], "signature"))
			return cli_error(EXIT_INVALID, "a signature needs "
				"--signed-by: head-of-state, head-of-government, "
				"foreign-minister or full-powers:REF");
		return 0;
	}
	if (chancery_archive_signer_parse(&o->signed_by, &o->full_powers,
			by) < 0)
		return cli_fail(CHANCERY_EINVALID);
	return 0;
}

int cmd_deposit(int argc, char **argv)
{
	cli_args a;
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
	chancery_deposit_result r;
	chancery_repository *repo = NULL;
	bool given;
	int code, error;

	if ((code = cli_parse(&a, cli_find("deposit"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_date(&o.date, &given, &a, "date")) != 0)
		return code;
	if (!given)
		return cli_error(EXIT_USAGE, "deposit: --date is required");
	if (cli_opt_value(&a, "remote") && cli_opt_count(&a, "local"))
		return cli_error(EXIT_USAGE, "deposit: --remote or --local, not both");
	o.state = a.args[0];
	o.treaty = a.args[1];
	o.action = a.args[2];
	o.instrument = cli_opt_value(&a, "instrument");
	o.text = cli_opt_value(&a, "text");
	o.objects_to = cli_opt_value(&a, "objects-to");
	o.withdraws = cli_opt_value(&a, "withdraws");
	o.article = cli_opt_value(&a, "article");
	if ((code = cli_date(&o.effective, &given, &a, "effective")) != 0)
		return code;
	if ((code = signer(&o, &a)) != 0)
		return code;
	o.campaign = cli_opt_value(&a, "campaign");
	o.note = cli_opt_value(&a, "note");
	o.remote = cli_opt_count(&a, "local") ? "" : cli_opt_value(&a, "remote");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((error = chancery_archive_deposit(&r, repo, &o)) < 0) {
		code = cli_fail(error);
	} else {
		char eif[11];

		printf("Recorded %s %s %s on %s (event %s)\n", o.state, o.treaty,
			a.args[2], cli_opt_value(&a, "date"), r.id);
		printf("Notification %s: %s\n", r.notification,
			r.notification_path);
		if (r.has_entry_into_force) {
			chancery_date_format(eif, sizeof(eif), &r.entry_into_force);
			printf("Enters into force for %s on %s\n", o.state, eif);
		}
		if (r.has_effective) {
			chancery_date_format(eif, sizeof(eif), &r.effective);
			printf("Takes effect on %s: %s is a party until then\n",
				eif, o.state);
		}
		if (r.instrument_path[0])
			printf("Instrument %s sha256=%s size=%zu %s\n",
				r.instrument_path, r.sha256, r.size, r.media_type);
	}
	chancery_repository_free(repo);
	return code;
}
