/*
 * cmd_note.c - `chancery note MESSAGE`: record a free-form correspondence
 * item (a call, a meeting, a note verbale received), optionally about a
 * State, a campaign and treaties, dated, with attached files. The simplest
 * event: one commit, one record file, its attachments beside it.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static int attach_file(chancery_event *ev, const char *path)
{
	int error = chancery_event_attach_file(ev, path);

	if (error == CHANCERY_ENOTFOUND)
		return cli_error(EXIT_INVALID, "--attach '%s': cannot read the "
			"file (no such file)", path);
	if (error < 0)
		return cli_error(cli_exit_code(error), "--attach '%s': %s", path,
			chancery_error_last()->message);
	return 0;
}

int cmd_note(int argc, char **argv)
{
	cli_args a;
	chancery_repository *repo = NULL;
	chancery_registry *reg = NULL;
	chancery_event *ev = NULL;
	const char *state, *campaign, *date;
	chancery_date d;
	int code, error = 0;

	if ((code = cli_parse(&a, cli_find("note"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	state = cli_opt_value(&a, "state");
	campaign = cli_opt_value(&a, "campaign");
	date = cli_opt_value(&a, "date");
	if (!*a.args[0])
		return cli_error(EXIT_USAGE, "note: the message is empty");
	if (state && !chancery_registry_state_code_valid(state))
		return cli_error(EXIT_INVALID,
			"--state '%.40s' is not a State code (three capital "
			"letters, e.g. LBR)", state);
	if (campaign && !chancery_campaign_id_valid(campaign))
		return cli_error(EXIT_INVALID,
			"--campaign '%.40s' is not a campaign id (lowercase "
			"letters, digits, '-' and '_')", campaign);
	for (int i = 0; i < cli_opt_count(&a, "treaty"); i++)
		if (!chancery_registry_treaty_id_valid(cli_opt_nth(&a, "treaty", i)))
			return cli_error(EXIT_INVALID,
				"--treaty '%.40s' is not a treaty reference "
				"(like IV-4 or XVIII-12-a)",
				cli_opt_nth(&a, "treaty", i));
	if (date && chancery_date_parse(&d, date) < 0)
		return cli_error(EXIT_INVALID, "--date: %s",
			chancery_error_last()->message);
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((error = chancery_registry_load(&reg, repo)) < 0)
		goto fail;
	if (state && !chancery_registry_state_find(reg, state)) {
		code = cli_error(EXIT_INVALID, "--state: unknown State '%s'", state);
		goto done;
	}
	for (int i = 0; i < cli_opt_count(&a, "treaty"); i++)
		if (!chancery_registry_treaty_find(reg,
				cli_opt_nth(&a, "treaty", i))) {
			code = cli_error(EXIT_INVALID,
				"--treaty: unknown treaty '%s'",
				cli_opt_nth(&a, "treaty", i));
			goto done;
		}
	if ((error = chancery_event_new(&ev, "note")) < 0 ||
	    (campaign && (error = chancery_event_add(ev, "Campaign", campaign)) < 0) ||
	    (state && (error = chancery_event_add(ev, "State", state)) < 0) ||
	    (date && (error = chancery_event_add(ev, "Date", date)) < 0))
		goto fail;
	if (cli_opt_value(&a, "supersedes")) {
		chancery_event *old = NULL;

		if ((error = chancery_event_lookup(&old, repo,
				cli_opt_value(&a, "supersedes"))) < 0) {
			code = cli_error(cli_exit_code(error), "--supersedes: %s",
				chancery_error_last()->message);
			goto done;
		}
		error = chancery_event_add(ev, "Supersedes",
			chancery_event_id(old) ? chancery_event_id(old) :
			chancery_event_commit(old));
		chancery_event_free(old);
		if (error < 0)
			goto fail;
	}
	for (int i = 0; i < cli_opt_count(&a, "treaty"); i++)
		if ((error = chancery_event_add(ev, "Treaty",
				cli_opt_nth(&a, "treaty", i))) < 0)
			goto fail;
	if ((error = chancery_event_set_message(ev, a.args[0])) < 0)
		goto fail;
	for (int i = 0; i < cli_opt_count(&a, "attach"); i++)
		if ((code = attach_file(ev, cli_opt_nth(&a, "attach", i))) != 0)
			goto done;
	if ((error = chancery_event_record(repo, ev)) < 0)
		goto fail;
	printf("Recorded note %s (commit %.12s)\n", chancery_event_id(ev),
		chancery_event_commit(ev));
	code = EXIT_OK;
	goto done;
fail:
	code = cli_fail(error);
done:
	chancery_event_free(ev);
	chancery_registry_free(reg);
	chancery_repository_free(repo);
	return code;
}
