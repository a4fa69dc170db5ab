/*
 * cmd_archive.c - the archive's commands: `deposit` records a signature or
 * an instrument and issues its notification, `verify` proves nothing was
 * altered, `history` tells the story of a State or a treaty, `export
 * bagit` writes a BagIt bag.
 */
#include "cli.h"

#include <jansson.h>
#include <string.h>

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
	o.signed_by = cli_opt_value(&a, "signed-by");
	o.campaign = cli_opt_value(&a, "campaign");
	o.note = cli_opt_value(&a, "note");
	o.remote = cli_opt_count(&a, "local") ? "" : cli_opt_value(&a, "remote");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((error = chancery_deposit(&r, repo, &o)) < 0) {
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
		if (r.instrument_path[0])
			printf("Instrument %s sha256=%s size=%zu %s\n",
				r.instrument_path, r.sha256, r.size, r.media_type);
	}
	chancery_repository_free(repo);
	return code;
}

static void print_problem(const char *line, void *payload)
{
	(void)payload;
	cli_printf_safe(stdout, "%s\n", line);
}

int cmd_verify(int argc, char **argv)
{
	cli_args a;
	chancery_verify_options o = CHANCERY_VERIFY_OPTIONS_INIT;
	chancery_verify_result r;
	chancery_repository *repo = NULL;
	int code, error;

	if ((code = cli_parse(&a, cli_find("verify"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	o.state = cli_opt_value(&a, "state");
	o.campaign = cli_opt_value(&a, "campaign");
	if (o.state && !chancery_state_code_valid(o.state))
		return cli_error(EXIT_INVALID,
			"--state '%.40s' is not a State code", o.state);
	o.problem = print_problem;
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	error = chancery_verify(&r, repo, &o);
	if (error == CHANCERY_EINVALID && r.problems) {
		fprintf(stderr, "chancery: verify: %zu problem%s in %zu events, "
			"%zu files, %zu objects\n", r.problems,
			r.problems == 1 ? "" : "s", r.events, r.files, r.objects);
		code = EXIT_PROBLEMS;
	} else if (error < 0) {
		code = cli_fail(error);
	} else {
		printf("verified: %zu events, %zu files, %zu objects: nothing "
			"altered\n", r.events, r.files, r.objects);
	}
	chancery_repository_free(repo);
	return code;
}

typedef struct {
	cli_format fmt;
	json_t *items;
	size_t count;
} history_ctx;

static int history_cb(const chancery_event *ev, void *payload)
{
	history_ctx *h = payload;
	chancery_date d;
	char date[11], when[32];

	h->count++;
	if (h->fmt == FMT_JSON) {
		json_t *o = cli_event_json(ev);

		if (!o)
			return -1;
		json_array_append_new(h->items, o);
		return 0;
	}
	chancery_event_date(&d, ev);
	chancery_date_format(date, sizeof(date), &d);
	chancery_time_format(when, sizeof(when), chancery_event_time(ev));
	cli_printf_safe(stdout, "%s  %-8s %s  %s\n            recorded %s by %s\n", date,
		chancery_event_type(ev), chancery_event_id(ev),
		chancery_event_subject(ev), when, chancery_event_author(ev));
	return 0;
}

int cmd_history(int argc, char **argv)
{
	cli_args a;
	chancery_repository *repo = NULL;
	history_ctx h = { FMT_TABLE, NULL, 0 };
	int code, error;

	if ((code = cli_parse(&a, cli_find("history"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&h.fmt, &a, (1u << FMT_TABLE) |
			(1u << FMT_JSON), FMT_TABLE)) != 0)
		return code;
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if (h.fmt == FMT_JSON && !(h.items = json_array())) {
		chancery_repository_free(repo);
		return cli_error(EXIT_INTERNAL, "out of memory");
	}
	error = chancery_history_subject(repo, a.args[0], history_cb, &h);
	code = cli_events_done(error, h.count, h.items, a.args[0]);
	chancery_repository_free(repo);
	return code;
}

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
	if ((error = chancery_export_bagit(&r, repo, a.args[1], &o)) < 0)
		code = cli_fail(error);
	else
		printf("Wrote bag %s: %zu files, %llu bytes\n", a.args[1],
			r.files, (unsigned long long)r.bytes);
	chancery_repository_free(repo);
	return code;
}
