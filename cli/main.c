/*
 * main.c - the chancery tool: global options, the table of subcommands,
 * option parsing, and the mapping of library errors to exit codes.
 *
 * Global options come before the subcommand, as in git:
 *   chancery [-C DIR] [--author 'Name <email>'] COMMAND [options] [args]
 * Writing commands also take --author after the command. CHANCERY_NOW
 * (Unix seconds, or YYYY-MM-DDTHH:MM:SSZ) pins the recording time, for
 * reproducible histories and tests; the library refuses a time a commit
 * cannot hold (exit 3), a value that is no time at all is a usage error.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cli_dir;
const char *cli_author;

int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_states(int argc, char **argv);
int cmd_treaties(int argc, char **argv);
int cmd_participation(int argc, char **argv);
int cmd_parties(int argc, char **argv);
int cmd_note(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_sync(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_workflow(int argc, char **argv);
int cmd_campaign(int argc, char **argv);
int cmd_letters(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_reply(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_remind(int argc, char **argv);
int cmd_deposit(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_export(int argc, char **argv);
static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

#define FORMAT_OPT(list) { "format", 0, "FORMAT", false, "output: " list }
#define AUTHOR_OPT { "author", 0, "'NAME <EMAIL>'", false, \
	"who records the operation (default: Git's user.name and user.email)" }

static const cli_opt opts_init[] = {
	{ "empty", 0, NULL, false, "start with an empty registry instead of the Focus 2004 sample" },
	{ "branch", 0, "NAME", false, "name of the branch to create (default: main)" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_import[] = {
	{ "format", 0, "FORMAT", false, "csv or tsv (default: from the file name, else the header line)" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_states[] = {
	FORMAT_OPT("table (default), csv or json"),
	{ 0 } };
static const cli_opt opts_treaties[] = {
	{ "featured", 0, "LIST", false, "only the treaties of a featured list (a campaign's, e.g. focus2004)" },
	FORMAT_OPT("table (default), csv or json"),
	{ 0 } };
static const cli_opt opts_participation[] = {
	{ "as-of", 0, "DATE", false, "only actions on or before DATE (YYYY-MM-DD)" },
	FORMAT_OPT("table (default), csv or json"),
	{ 0 } };
static const cli_opt opts_parties[] = {
	{ "as-of", 0, "DATE", false, "only actions on or before DATE (YYYY-MM-DD)" },
	FORMAT_OPT("table (default), csv or json"),
	{ 0 } };
static const cli_opt opts_note[] = {
	{ "state", 0, "STATE", false, "the State the item concerns (code, e.g. LBR)" },
	{ "campaign", 0, "CAMPAIGN", false, "the campaign it belongs to" },
	{ "treaty", 0, "TREATY", true, "a treaty it concerns (repeatable)" },
	{ "date", 0, "DATE", false, "when it happened, if not today (YYYY-MM-DD)" },
	{ "attach", 0, "FILE", true, "archive a file with it (repeatable)" },
	{ "supersedes", 0, "EVENT", false, "this note corrects an earlier event (its id or commit)" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_log[] = {
	{ "state", 0, "STATE", false, "only events naming this State" },
	{ "treaty", 0, "TREATY", false, "only events naming this treaty" },
	{ "campaign", 0, "CAMPAIGN", false, "only events of this campaign" },
	{ "type", 0, "TYPE", false, "only events of this type (note, import, ...)" },
	{ "since", 0, "DATE", false, "only events dated on or after DATE" },
	{ "until", 0, "DATE", false, "only events dated on or before DATE" },
	{ "reverse", 0, NULL, false, "oldest first" },
	FORMAT_OPT("table (default) or json"),
	{ 0 } };
static const cli_opt opts_show[] = {
	FORMAT_OPT("text (default) or json"),
	{ 0 } };
static const cli_opt opts_sync[] = {
	{ "no-push", 0, NULL, false, "fetch and merge only" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_render[] = {
	{ "output", 'o', "OUT", false, "the file (one document) or folder (a list or table) to write" },
	{ "name", 0, "PATTERN", false, "file name of each document of a batch, a Mustache pattern ('{{state.code}}.odt')" },
	{ "jobs", 'j', "N", false, "render on N threads (default: the number of cores)" },
	{ "pdf", 0, NULL, false, "also convert every document to PDF (one LibreOffice process for the batch)" },
	{ "dry-run", 0, NULL, false, "render everything, list every problem, write nothing" },
	{ "lenient", 0, NULL, false, "render a name missing from the data as empty instead of failing" },
	{ "text", 0, NULL, false, "treat TEMPLATE as a plain-text Mustache template (the default unless it ends in .odt or .ott)" },
	{ 0 } };
static const cli_opt opts_campaign[] = {
	{ "workflow", 0, "NAME|FILE", false, "the campaign's workflow: a shipped one (treaty-event) or a file" },
	{ "letter-date", 0, "DATE", false, "the date of the letters; participation is taken as of it" },
	{ "deadline", 0, "DATE", false, "replies are asked for by this date" },
	{ "event", 0, "FROM..TO", false, "the event's first and last days" },
	{ "featured", 0, "LIST|FILE", false, "the featured treaties: a registry list (focus2004) or a CSV/TSV file with a treaty column" },
	{ "title", 0, "TITLE", false, "the campaign's title, as letters quote it" },
	{ "recipients", 0, "all|FILE", false, "who gets letters: every State (default) or a file of State codes" },
	{ "template", 0, "LANG=FILE", true, "an invitation template for a language (en=FILE), or KIND-LANG=FILE for reminder and acknowledgment (repeatable)" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_letters[] = {
	{ "state", 0, "STATE", false, "only this State's letter" },
	{ "dry-run", 0, NULL, false, "render every letter, report problems, record nothing" },
	{ "pdf", 0, NULL, false, "also make a PDF of every letter in campaigns/ID/pdf/ (one LibreOffice process; kept out of history)" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_send[] = {
	{ "date", 0, "DATE", false, "the day the letters went out" },
	{ "state", 0, "STATE", false, "only this State's letter" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_reply[] = {
	{ "received", 0, "DATE", false, "the day the reply came in" },
	{ "intends", 0, "ACTION:TREATY", true, "an announced action: sign, ratify, accept, approve or accede (repeatable)" },
	{ "withdraw", 0, "ACTION:TREATY", true, "take back an intention an earlier reply announced (repeatable)" },
	{ "none", 0, NULL, false, "the reply announces no action" },
	{ "note", 0, "TEXT", false, "free text recorded with the reply" },
	{ "attach", 0, "FILE", true, "archive the reply's scan or note verbale (repeatable)" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_remind[] = {
	{ "as-of", 0, "DATE", false, "generate what is due on that day" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_status[] = {
	{ "as-of", 0, "DATE", false, "the status on that day (default: today)" },
	{ "at", 0, "COMMIT", false, "the status as the repository recorded it at COMMIT" },
	FORMAT_OPT("table (default), csv, json or html (one page that opens offline)"),
	{ "output", 'o', "FILE", false, "write to FILE instead of standard output" },
	{ 0 } };
static const cli_opt opts_deposit[] = {
	{ "date", 0, "DATE", false, "the day the State signed or deposited the instrument" },
	{ "instrument", 0, "FILE", false, "the instrument (PDF, PNG, JPEG, TIFF or ODT); required but for a signature" },
	{ "signed-by", 0, "CAPACITY", false, "head-of-state, head-of-government, foreign-minister or full-powers:REF (required for a signature)" },
	{ "campaign", 0, "CAMPAIGN", false, "the campaign the action answers" },
	{ "note", 0, "TEXT", false, "free text recorded with the deposit" },
	{ "remote", 0, "REMOTE", false, "take the notification number at this remote (default: the sync remote when there is one)" },
	{ "local", 0, NULL, false, "number in this repository alone, even if it has a remote" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_verify[] = {
	{ "state", 0, "STATE", false, "only the events of this State (whole-repository checks still run)" },
	{ "campaign", 0, "CAMPAIGN", false, "only the events of this campaign" },
	{ 0 } };
static const cli_opt opts_history[] = {
	FORMAT_OPT("table (default) or json"),
	{ 0 } };
static const cli_opt opts_export[] = {
	{ "state", 0, "STATE", false, "only this State's files" },
	{ "campaign", 0, "CAMPAIGN", false, "only this campaign's files" },
	{ "treaty", 0, "TREATY", false, "only this treaty's files" },
	{ "organization", 0, "NAME", false, "the Source-Organization of bag-info.txt" },
	{ 0 } };
static const cli_opt opts_help[] = {
	{ "commands", 0, NULL, false, "list the command names, one a line (for scripts)" },
	{ 0 } };
static const cli_opt opts_none[] = { { 0 } };

static const cli_cmd commands[] = {
	{ "init", cmd_init, "create a correspondence repository",
	  "chancery init [--empty] [DIR]", opts_init, 0, 1 },
	{ "import", cmd_import, "load States, treaties or participation from CSV/TSV",
	  "chancery import states|treaties|participation FILE", opts_import, 2, 2 },
	{ "states", cmd_states, "list the States of the registry",
	  "chancery states [--format FORMAT]", opts_states, 0, 0 },
	{ "treaties", cmd_treaties, "list treaties, or a featured list",
	  "chancery treaties [--featured LIST] [--format FORMAT]", opts_treaties, 0, 0 },
	{ "participation", cmd_participation, "where a State stands with each treaty",
	  "chancery participation STATE [--as-of DATE]", opts_participation, 1, 1 },
	{ "parties", cmd_parties, "the parties and signatories of a treaty",
	  "chancery parties TREATY [--as-of DATE]", opts_parties, 1, 1 },
	{ "note", cmd_note, "record a correspondence item (call, meeting, note verbale)",
	  "chancery note [options] MESSAGE", opts_note, 1, 1 },
	{ "log", cmd_log, "list events, newest first",
	  "chancery log [options]", opts_log, 0, 0 },
	{ "show", cmd_show, "show one event and its record",
	  "chancery show EVENT", opts_show, 1, 1 },
	{ "sync", cmd_sync, "fetch, merge and push with a Git remote",
	  "chancery sync [REMOTE]", opts_sync, 0, 1 },
	{ "campaign", cmd_campaign, "open a correspondence campaign",
	  "chancery campaign open ID --workflow W --letter-date D --deadline D --event D..D --featured L", opts_campaign, 2, 2 },
	{ "letters", cmd_letters, "generate a campaign's personalized letters",
	  "chancery letters generate CAMPAIGN [--state S] [--dry-run] [--pdf] | verify CAMPAIGN | data CAMPAIGN STATE", opts_letters, 2, 3 },
	{ "send", cmd_send, "record the dispatch of a campaign's letters",
	  "chancery send CAMPAIGN --date DATE [--state STATE]", opts_send, 1, 1 },
	{ "reply", cmd_reply, "record a State's reply to a campaign",
	  "chancery reply CAMPAIGN STATE --received DATE --intends ACTION:TREATY...", opts_reply, 2, 2 },
	{ "remind", cmd_remind, "generate the reminders and acknowledgments that are due",
	  "chancery remind CAMPAIGN --as-of DATE", opts_remind, 1, 1 },
	{ "status", cmd_status, "where every recipient of a campaign stands",
	  "chancery status CAMPAIGN [--as-of DATE] [--format FORMAT]", opts_status, 1, 1 },
	{ "deposit", cmd_deposit, "record a signature or an instrument, with its notification",
	  "chancery deposit STATE TREATY ACTION --date DATE [--instrument FILE] [--signed-by CAPACITY]", opts_deposit, 3, 3 },
	{ "verify", cmd_verify, "prove that nothing recorded was altered",
	  "chancery verify [--state STATE] [--campaign CAMPAIGN]", opts_verify, 0, 0 },
	{ "history", cmd_history, "the whole story of a State or a treaty",
	  "chancery history STATE|TREATY [--format FORMAT]", opts_history, 1, 1 },
	{ "export", cmd_export, "export the archive as a BagIt bag",
	  "chancery export bagit DIR [--state S | --campaign C | --treaty T]", opts_export, 2, 2 },
	{ "workflow", cmd_workflow, "check workflow definitions, list and show the shipped ones",
	  "chancery workflow check FILE... | list | show NAME", opts_none, 1, 16 },
	{ "render", cmd_render, "documents from a template (ODT or text) and data (JSON, CSV, TSV)",
	  "chancery render TEMPLATE DATA -o OUT [options]", opts_render, 2, 2 },
	{ "help", cmd_help, "show help for a command",
	  "chancery help [COMMAND]", opts_help, 0, 1 },
	{ "version", cmd_version, "print the version",
	  "chancery version", opts_none, 0, 0 },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const cli_cmd *cli_find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void cli_usage(FILE *out, const cli_cmd *cmd)
{
	fprintf(out, "usage: %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->opts[0].name)
		fprintf(out, "\noptions:\n");
	for (const cli_opt *o = cmd->opts; o->name; o++) {
		char left[64];

		snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
			o->short_name ? "-" : "",
			o->short_name ? o->short_name : ' ',
			o->short_name ? ", " : "", o->name,
			o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(out, "  %-28s %s\n", left + (o->short_name ? 0 : 1),
			o->help);
	}
	fprintf(out, "  %-28s %s\n", "-h, --help", "show this help");
	fprintf(out, "\nSee docs/commands/%s.md for the full reference.\n",
		cmd->name);
}

static void main_usage(FILE *out)
{
	fprintf(out,
		"usage: chancery [-C DIR] [--author 'NAME <EMAIL>'] COMMAND [ARGS]\n\n"
		"chancery keeps a treaty office's correspondence in a Git repository.\n\n"
		"commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-15s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\n'chancery COMMAND -h' shows a command's options.\n");
}

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;
	char msg[2048];
	int n;

	/* one line, and whatever of a repository it quotes is escaped */
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	fputs("chancery: ", stderr);
	cli_put_safe(stderr, msg, (size_t)n < sizeof(msg) ? (size_t)n :
		sizeof(msg) - 1, false);
	fputc('\n', stderr);
	return code;
}

int cli_exit_code(int error)
{
	switch (error) {
	case CHANCERY_OK:
	case CHANCERY_EUNCHANGED:
		return EXIT_OK;
	case CHANCERY_EINVALID:
	case CHANCERY_ENOTFOUND:
	case CHANCERY_ENOTREPO:
	case CHANCERY_EEXISTS:
		return EXIT_INVALID;
	case CHANCERY_ECONFLICT:
	case CHANCERY_ELOCKED:
	case CHANCERY_EDIRTY:
		return EXIT_CONFLICT;
	default:
		return EXIT_INTERNAL;
	}
}

int cli_fail(int error)
{
	const chancery_error *e = chancery_error_last();

	return cli_error(cli_exit_code(error), "%s", e && e->message[0] ?
		e->message : chancery_strerror(error));
}

static const cli_opt *find_opt(const cli_cmd *cmd, const char *name,
	char short_name, int *index)
{
	int i = 0;

	for (const cli_opt *o = cmd->opts; o->name; o++, i++)
		if ((name && !strcmp(o->name, name)) ||
		    (short_name && o->short_name == short_name)) {
			*index = i;
			return o;
		}
	return NULL;
}

int cli_parse(cli_args *a, const cli_cmd *cmd, int argc, char **argv)
{
	bool only_args = false;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const cli_opt *o = NULL;
		const char *value = NULL;
		int idx = 0;

		if (only_args || arg[0] != '-' || !arg[1]) {
			if (a->nargs >= cmd->max_args || a->nargs >= CLI_MAX_ARGS)
				return cli_error(EXIT_USAGE,
					"%s: unexpected argument '%s' (see "
					"chancery %s -h)", cmd->name, arg,
					cmd->name);
			a->args[a->nargs++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			only_args = true;
			continue;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			cli_usage(stdout, cmd);
			return -1;
		}
		if (arg[1] == '-') {
			char name[64];
			const char *eq = strchr(arg + 2, '=');
			size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);

			if (len >= sizeof(name))
				len = sizeof(name) - 1;
			memcpy(name, arg + 2, len);
			name[len] = '\0';
			o = find_opt(cmd, name, 0, &idx);
			if (!o)
				return cli_error(EXIT_USAGE,
					"%s: unknown option '--%s' (see chancery "
					"%s -h)", cmd->name, name, cmd->name);
			if (eq)
				value = eq + 1;
		} else {
			o = find_opt(cmd, NULL, arg[1], &idx);
			if (!o || arg[2])
				return cli_error(EXIT_USAGE,
					"%s: unknown option '%s' (see chancery "
					"%s -h)", cmd->name, arg, cmd->name);
		}
		if (o->arg && !value) {
			if (i + 1 >= argc)
				return cli_error(EXIT_USAGE,
					"%s: option '--%s' needs a value (%s)",
					cmd->name, o->name, o->arg);
			value = argv[++i];
		} else if (!o->arg && value) {
			return cli_error(EXIT_USAGE,
				"%s: option '--%s' takes no value", cmd->name,
				o->name);
		}
		if (a->count[idx] && !o->multi)
			return cli_error(EXIT_USAGE,
				"%s: option '--%s' given twice", cmd->name,
				o->name);
		if (a->count[idx] >= CLI_MAX_MULTI)
			return cli_error(EXIT_USAGE,
				"%s: option '--%s' given more than %d times",
				cmd->name, o->name, CLI_MAX_MULTI);
		a->values[idx][a->count[idx]++] = value ? value : "";
	}
	if (a->nargs < cmd->min_args)
		return cli_error(EXIT_USAGE, "%s: missing argument; usage: %s",
			cmd->name, cmd->usage);
	return 0;
}

const char *cli_opt_nth(const cli_args *a, const char *name, int n)
{
	int idx;

	if (!find_opt(a->cmd, name, 0, &idx) || n >= a->count[idx])
		return NULL;
	return a->values[idx][n];
}

const char *cli_opt_value(const cli_args *a, const char *name)
{
	int idx;

	if (!find_opt(a->cmd, name, 0, &idx) || !a->count[idx])
		return NULL;
	return a->values[idx][a->count[idx] - 1];
}

int cli_opt_count(const cli_args *a, const char *name)
{
	int idx;

	return find_opt(a->cmd, name, 0, &idx) ? a->count[idx] : 0;
}

int cli_number(long long *out, const char *s, long long min, long long max)
{
	long long v = 0;

	if (!s || !*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9' || v > (LLONG_MAX - (*p - '0')) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_now(int64_t *out, const char *s)
{
	char *end;
	long long v;
	chancery_date d;
	char day[11];
	int hh, mm, ss;

	/* digits only: no sign, no spaces, nothing after; too many digits
	 * for a number is refused here, a number out of range by the
	 * library (the one range of a recording time) */
	if (*s >= '0' && *s <= '9' && !strchr(s, '-')) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (*end || errno == ERANGE || v == 0)
			return -1;
		*out = v;
		return 0;
	}
	if (strlen(s) != 20 || s[10] != 'T' || s[19] != 'Z')
		return -1;
	memcpy(day, s, 10);
	day[10] = '\0';
	if (chancery_date_parse(&d, day) < 0 ||
	    sscanf(s + 11, "%2d:%2d:%2d", &hh, &mm, &ss) != 3 ||
	    hh > 23 || mm > 59 || ss > 59)
		return -1;
	{
		/* days from civil (the inverse of chancery_date_from_time) */
		int y = d.year - (d.month <= 2);
		int era = y / 400;
		int yoe = y - era * 400;
		int doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 +
			d.day - 1;
		int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		int64_t days = (int64_t)era * 146097 + doe - 719468;

		*out = days * 86400 + hh * 3600 + mm * 60 + ss;
	}
	/* 0 would mean "now" to the library */
	return *out == 0 ? -1 : 0;
}

int cli_signature(chancery_signature *sig, char **name, char **email,
	const cli_args *a)
{
	const char *author = a ? cli_opt_value(a, "author") : NULL;
	const char *now = getenv("CHANCERY_NOW");

	memset(sig, 0, sizeof(*sig));
	*name = *email = NULL;
	if (!author)
		author = cli_author;
	if (author) {
		const char *lt = strchr(author, '<');
		const char *gt = lt ? strchr(lt, '>') : NULL;
		size_t n;

		if (!lt || !gt || gt[1] || lt == author)
			return cli_error(EXIT_USAGE,
				"--author '%s': expected 'Name <email>'", author);
		n = (size_t)(lt - author);
		while (n && author[n - 1] == ' ')
			n--;
		*name = strndup(author, n);
		*email = strndup(lt + 1, (size_t)(gt - lt - 1));
		if (!*name || !*email)
			return cli_error(EXIT_INTERNAL, "out of memory");
		sig->name = *name;
		sig->email = *email;
	}
	if (now && parse_now(&sig->time, now) < 0)
		return cli_error(EXIT_USAGE,
			"CHANCERY_NOW='%s': expected Unix seconds or "
			"YYYY-MM-DDTHH:MM:SSZ", now);
	return 0;
}

int cli_open(chancery_repository **out, const cli_args *a)
{
	chancery_signature sig;
	char *name = NULL, *email = NULL;
	int error, code;

	*out = NULL;
	if ((code = cli_signature(&sig, &name, &email, a)) != 0)
		return code;
	error = chancery_repository_open(out, cli_dir ? cli_dir : ".");
	if (error < 0) {
		free(name);
		free(email);
		return cli_fail(error);
	}
	if ((sig.name || sig.email || sig.time) &&
	    (error = chancery_repository_set_signature(*out, &sig)) < 0) {
		chancery_repository_free(*out);
		*out = NULL;
		free(name);
		free(email);
		return cli_fail(error);
	}
	free(name);
	free(email);
	return 0;
}

int cli_date(chancery_date *out, bool *given, const cli_args *a,
	const char *opt)
{
	const char *v = cli_opt_value(a, opt);

	*given = false;
	if (!v)
		return 0;
	if (chancery_date_parse(out, v) < 0)
		return cli_error(EXIT_INVALID, "--%s: %s", opt,
			chancery_error_last()->message);
	*given = true;
	return 0;
}

int cli_read_file(char **out, size_t *size, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	if (!f)
		return cli_error(EXIT_INVALID, "cannot read '%s': %s", path,
			strerror(errno));
	for (;;) {
		size_t got;

		if (cap - n < 65536) {
			char *p;

			cap = cap ? cap * 2 : 262144;
			if (cap > CLI_MAX_FILE + 65536u || !(p = realloc(buf, cap))) {
				free(buf);
				if (f != stdin)
					fclose(f);
				return cli_error(EXIT_INVALID,
					"'%s' is larger than %u bytes", path, CLI_MAX_FILE);
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (!got)
			break;
	}
	if (ferror(f)) {
		free(buf);
		if (f != stdin)
			fclose(f);
		return cli_error(EXIT_INVALID, "cannot read '%s'", path);
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*out = buf;
	*size = n;
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	cli_args a;
	int code = cli_parse(&a, cli_find("help"), argc, argv);
	const cli_cmd *cmd;

	if (code)
		return code < 0 ? EXIT_OK : code;
	if (cli_opt_count(&a, "commands")) {
		for (size_t i = 0; i < NCOMMANDS; i++)
			printf("%s\n", commands[i].name);
		return EXIT_OK;
	}
	if (!a.nargs) {
		main_usage(stdout);
		return EXIT_OK;
	}
	if (!(cmd = cli_find(a.args[0])))
		return cli_error(EXIT_USAGE, "no command '%s'", a.args[0]);
	cli_usage(stdout, cmd);
	return EXIT_OK;
}

static int cmd_version(int argc, char **argv)
{
	cli_args a;
	int code = cli_parse(&a, cli_find("version"), argc, argv);

	if (code)
		return code < 0 ? EXIT_OK : code;
	printf("chancery %s\n", CHANCERY_VERSION);
	return EXIT_OK;
}

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
			main_usage(stdout);
			return EXIT_OK;
		} else if (!strcmp(arg, "--version")) {
			printf("chancery %s\n", CHANCERY_VERSION);
			return EXIT_OK;
		} else {
			return cli_error(EXIT_USAGE,
				"unknown option '%s' (see chancery -h)", arg);
		}
	}
	if (i >= argc) {
		main_usage(stderr);
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
