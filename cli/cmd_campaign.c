/*
 * cmd_campaign.c - `chancery campaign open ID ...`: open a campaign (its
 * workflow, letter date, deadline, event days, featured treaties,
 * recipients and templates) in one commit. The library checks all of it;
 * the tool only reads the options, --event FROM..TO included.
 */
#include "cli.h"

#include <string.h>

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

/* --event FROM..TO: the event's first and last days. */
static int event_opt(chancery_campaign_options *o, const cli_args *a)
{
	const char *event = cli_opt_value(a, "event"), *dots;
	char from[16];

	if (!event)
		return cli_error(EXIT_USAGE, "campaign open: --event FROM..TO is required");
	dots = strstr(event, "..");
	if (!dots || dots - event > 12)
		return cli_error(EXIT_USAGE, "--event '%s': expected FROM..TO", event);
	snprintf(from, sizeof(from), "%.*s", (int)(dots - event), event);
	if (chancery_date_parse(&o->event_start, from) < 0 ||
	    chancery_date_parse(&o->event_end, dots + 2) < 0)
		return cli_error(EXIT_INVALID, "--event: %s",
			chancery_error_last()->message);
	return 0;
}

/* A --template key split in two: the kind and the language. */
typedef struct {
	char kind[64], language[64];
} template_key;

/* --template KEY=FILE: "en" (a language: the invitation) or "KIND-LANG"
 * ("reminder-fr"), split at the last '-'. A key that names no template is
 * passed on, and the library ignores it, as it always has. */
static int template_opt(chancery_campaign_template *t, template_key *k,
	const char *spec)
{
	const char *eq = strchr(spec, '='), *dash;

	if (!eq)
		return cli_error(EXIT_INVALID, "--template '%.60s': expected "
			"LANG=FILE or KIND-LANG=FILE", spec);
	for (dash = eq; dash > spec && dash[-1] != '-'; dash--)
		;
	if (dash == spec)
		snprintf(k->kind, sizeof(k->kind), "invitation");
	else
		snprintf(k->kind, sizeof(k->kind), "%.*s",
			(int)(dash - 1 - spec), spec);
	snprintf(k->language, sizeof(k->language), "%.*s", (int)(eq - dash),
		dash);
	t->kind = k->kind;
	t->language = k->language;
	t->path = eq + 1;
	return 0;
}

int cmd_campaign(int argc, char **argv)
{
	cli_args a;
	chancery_campaign_options o = CHANCERY_CAMPAIGN_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	chancery_campaign_template templates[CLI_MAX_MULTI];
	template_key keys[CLI_MAX_MULTI];
	int code, error;

	if ((code = cli_parse(&a, cli_find("campaign"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if (strcmp(a.args[0], "open"))
		return cli_error(EXIT_USAGE, "campaign: '%s' is not open", a.args[0]);
	if (a.nargs != 2)
		return cli_error(EXIT_USAGE, "campaign open: one ID");
	o.id = a.args[1];
	o.title = cli_opt_value(&a, "title");
	o.title_fr = cli_opt_value(&a, "title-fr");
	o.title_es = cli_opt_value(&a, "title-es");
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
	if ((code = event_opt(&o, &a)) != 0)
		return code;
	if (!o.title)
		o.title = o.id;
	for (int i = 0; i < cli_opt_count(&a, "template"); i++)
		if ((code = template_opt(&templates[i], &keys[i],
				cli_opt_nth(&a, "template", i))) != 0)
			return code;
	o.templates = templates;
	o.ntemplates = (size_t)cli_opt_count(&a, "template");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((error = chancery_campaign_open(repo, &o)) < 0)
		code = cli_fail(error);
	else
		printf("Opened campaign %s\n", o.id);
	chancery_repository_free(repo);
	return code;
}
