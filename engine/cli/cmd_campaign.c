/*
 * cmd_campaign.c - `chancery campaign open ID ...` opens a campaign (its
 * workflow, dates, featured treaties, recipients and templates, one
 * commit); `chancery letters generate CAMPAIGN` writes its personalized
 * invitation letters (one commit for the batch, none when nothing
 * changed); `chancery letters data CAMPAIGN STATE` prints one State's
 * letter data as JSON.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int date_opt(chancery_date *d, const cli_args *a, const char *name)
{
	bool given;
	int code = cli_date(d, &given, a, name);

	if (code)
		return code;
	if (!given)
		return cli_error(EXIT_USAGE, "campaign open: --%s is required", name);
	return 0;
}

int cmd_campaign(int argc, char **argv)
{
	cli_args a;
	chancery_campaign_options o = CHANCERY_CAMPAIGN_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	const char *templates[CLI_MAX_MULTI + 1];
	const char *event;
	int code, error;

	if ((code = cli_parse(&a, cli_find("campaign"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if (strcmp(a.args[0], "open"))
		return cli_error(EXIT_USAGE, "campaign: '%s' is not open", a.args[0]);
	if (a.nargs != 2)
		return cli_error(EXIT_USAGE, "campaign open: one ID");
	o.id = a.args[1];
	o.title = cli_opt_value(&a, "title");
	o.workflow = cli_opt_value(&a, "workflow");
	o.featured = cli_opt_value(&a, "featured");
	o.recipients = cli_opt_value(&a, "recipients");
	if (!o.workflow)
		return cli_error(EXIT_USAGE, "campaign open: --workflow is required");
	if (!o.featured)
		return cli_error(EXIT_USAGE, "campaign open: --featured is required");
	if ((code = date_opt(&o.letter_date, &a, "letter-date")) != 0 ||
	    (code = date_opt(&o.deadline, &a, "deadline")) != 0)
		return code;
	event = cli_opt_value(&a, "event");
	if (!event)
		return cli_error(EXIT_USAGE, "campaign open: --event FROM..TO is required");
	{
		const char *dots = strstr(event, "..");
		char from[16];

		if (!dots || dots - event > 12)
			return cli_error(EXIT_USAGE, "--event '%s': expected FROM..TO", event);
		snprintf(from, sizeof(from), "%.*s", (int)(dots - event), event);
		if (chancery_date_parse(&o.event_start, from) < 0 ||
		    chancery_date_parse(&o.event_end, dots + 2) < 0)
			return cli_error(EXIT_INVALID, "--event: %s",
				chancery_error_last()->message);
	}
	if (!o.title)
		o.title = o.id;
	for (int i = 0; i < cli_opt_count(&a, "template"); i++)
		templates[i] = cli_opt_nth(&a, "template", i);
	templates[cli_opt_count(&a, "template")] = NULL;
	o.templates = templates;
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((error = chancery_campaign_open(repo, &o)) < 0)
		code = cli_fail(error);
	else
		printf("Opened campaign %s\n", o.id);
	chancery_repository_free(repo);
	return code;
}

static void print_problem(const char *line, void *payload)
{
	(*(int *)payload)++;
	fprintf(stderr, "chancery: %s\n", line);
}

static void progress(size_t done, size_t total, void *payload)
{
	(void)payload;
	if (done % 10 == 0 || done == total)
		fprintf(stderr, "\rgenerating %zu/%zu", done, total);
}

int cmd_letters(int argc, char **argv)
{
	cli_args a;
	chancery_letters_options o = CHANCERY_LETTERS_OPTIONS_INIT;
	chancery_letters_result r;
	chancery_repository *repo = NULL;
	int problems = 0, code, error;

	if ((code = cli_parse(&a, cli_find("letters"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if (!strcmp(a.args[0], "data")) {
		chancery_data *d = NULL;
		char *json = NULL;

		if (a.nargs != 3)
			return cli_error(EXIT_USAGE, "letters data: CAMPAIGN STATE");
		if ((code = cli_open(&repo, &a)) != 0)
			return code;
		if ((error = chancery_campaign_letter_data(&d, repo, a.args[1],
				a.args[2])) < 0 || (error = chancery_data_to_json(&json, d)) < 0)
			code = cli_fail(error);
		else
			printf("%s\n", json);
		chancery_free(json);
		chancery_data_free(d);
		chancery_repository_free(repo);
		return code;
	}
	if (strcmp(a.args[0], "generate"))
		return cli_error(EXIT_USAGE, "letters: '%s' is not generate or data",
			a.args[0]);
	if (a.nargs != 2)
		return cli_error(EXIT_USAGE, "letters generate: one CAMPAIGN");
	o.state = cli_opt_value(&a, "state");
	o.dry_run = cli_opt_count(&a, "dry-run") > 0;
	o.problem = print_problem;
	o.payload = &problems;
	if (isatty(2))
		o.progress = progress;
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	error = chancery_letters_generate(&r, repo, a.args[1], &o);
	if (o.progress)
		fputc('\n', stderr);
	if (error == CHANCERY_EUNCHANGED) {
		if (o.dry_run)
			printf("%zu letter%s checked, no problem (%zu would change)\n",
				r.letters, r.letters == 1 ? "" : "s", r.changed);
		else
			printf("%zu letter%s up to date: nothing recorded\n", r.letters,
				r.letters == 1 ? "" : "s");
		code = EXIT_OK;
	} else if (error < 0) {
		code = cli_fail(error);
	} else {
		printf("Generated %zu letter%s (%zu new or changed), commit %.12s\n",
			r.letters, r.letters == 1 ? "" : "s", r.changed, r.commit);
	}
	chancery_repository_free(repo);
	return code;
}
