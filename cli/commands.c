/*
 * commands.c - the one table of the tool's commands, as git's builtin
 * table: each command's name, function, one-line summary, usage line,
 * option table and argument counts. `chancery -h`, `chancery help`,
 * `chancery COMMAND -h` and tests/cli/test_docs.sh all read it: a command
 * or option that is not here does not exist, one that is here has its
 * page in docs/commands/.
 *
 * The order is the order of `chancery -h`: the registry, correspondence,
 * campaigns, the archive, then tools. Option tables are declarative: no
 * command parses its own options (parse.c does, from the table).
 */
#include "cli.h"

#include <string.h>

#define FORMAT_OPT(list) { "format", 0, "FORMAT", false, "output: " list }
#define AUTHOR_OPT { "author", 0, "'NAME <EMAIL>'", false, \
	"who records the operation (default: Git's user.name and user.email)" }

static const cli_opt opts_init[] = {
	{ "empty", 0, NULL, false, "start with an empty registry instead of the Focus 2004 sample" },
	{ "branch", 0, "NAME", false, "name of the branch to create (default: main)" },
	{ "bare", 0, NULL, false, "a bare repository (no working tree): the store at scale" },
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
	{ "as-of", 0, "DATE", false, "only treaties adopted on or before DATE (YYYY-MM-DD)" },
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
	{ "supersedes", 0, "EVENT", false, "this note is about an earlier event (its id or commit); changes no status" },
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
static const cli_opt opts_search[] = {
	{ "state", 0, "STATE", false, "only events naming this State" },
	{ "treaty", 0, "TREATY", false, "only events naming this treaty" },
	{ "campaign", 0, "CAMPAIGN", false, "only events of this campaign" },
	{ "since", 0, "DATE", false, "only events dated on or after DATE" },
	{ "until", 0, "DATE", false, "only events dated on or before DATE" },
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
	{ "jobs", 'j', "N", false, "render on N threads, convert with N LibreOffice processes (default: the number of cores)" },
	{ "pdf", 0, NULL, false, "also convert every document to PDF with LibreOffice" },
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
	{ "title-fr", 0, "TITLE", false, "its title in French, for letters in French" },
	{ "title-es", 0, "TITLE", false, "its title in Spanish, for letters in Spanish" },
	{ "recipients", 0, "all|FILE", false, "who gets letters: every State (default) or a file of State codes" },
	{ "template", 0, "LANG=FILE", true, "an invitation template for a language (en=FILE), or KIND-LANG=FILE for reminder and acknowledgment (repeatable)" },
	FORMAT_OPT("list and show: table (default), csv or json"),
	{ "date", 0, "DATE", false, "close: the day the campaign closes (default: today)" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_letters[] = {
	{ "state", 0, "STATE", false, "only this State's letter" },
	{ "dry-run", 0, NULL, false, "render every letter, report problems, record nothing" },
	{ "pdf", 0, NULL, false, "also make a PDF of every letter in campaigns/ID/pdf/ (with LibreOffice; kept out of history)" },
	{ "jobs", 'j', "N", false, "--pdf: N LibreOffice processes at once (default: the number of cores)" },
	{ "supersede", 0, NULL, false, "a dispatched letter that would change gets a new letter (its own reference) that supersedes it" },
	{ "language", 0, "LANG", false, "data: the letters in this language (en, fr, es), not each State's own" },
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
	{ "corrects", 0, "EVENT", false, "this reply replaces an earlier one recorded wrongly (its id or commit)" },
	{ "reason", 0, "TEXT", false, "why the earlier reply is corrected (needed with --corrects)" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_void[] = {
	{ "reason", 0, "TEXT", false, "why the event was recorded in error (required)" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_remind[] = {
	{ "as-of", 0, "DATE", false, "generate what is due on that day" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_status[] = {
	{ "as-of", 0, "DATE", false, "the status on that day (default: today)" },
	{ "at", 0, "COMMIT", false, "the status as the repository recorded it at COMMIT" },
	{ "state", 0, "CODE", false, "only this State: its line and its story" },
	{ "in", 0, "STATE", true, "only States in this workflow state (repeatable: any of them)" },
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
	{ "text", 0, "FILE", false, "the act's text (required for a reservation, declaration, objection, notification)" },
	{ "objects-to", 0, "EVENT", false, "an objection: the reservation's event" },
	{ "withdraws", 0, "EVENT", false, "a reservation-withdrawal: the reservation's event" },
	{ "article", 0, "TEXT", false, "a notification: the article it is made under" },
	{ "effective", 0, "DATE", false, "a denunciation: the day it takes effect (where the registry knows no rule)" },
	AUTHOR_OPT,
	{ 0 } };
static const cli_opt opts_verify[] = {
	{ "state", 0, "STATE", false, "only the events of this State (whole-repository checks still run)" },
	{ "campaign", 0, "CAMPAIGN", false, "only the events of this campaign" },
	{ "full", 0, NULL, false, "check everything, not only what came after the last proof" },
	{ "report", 0, NULL, false, "show the last proofs and the fixity coverage; check nothing" },
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
static const cli_opt opts_upgrade[] = { AUTHOR_OPT, { 0 } };

const cli_cmd cli_commands[] = {
	{ "init", cmd_init, "create a correspondence repository",
	  "chancery init [--empty] [--bare] [DIR]", opts_init, 0, 1 },
	{ "import", cmd_import, "load States, treaties or participation from CSV/TSV",
	  "chancery import states|treaties|participation FILE", opts_import, 2, 2 },
	{ "states", cmd_states, "list the States of the registry",
	  "chancery states [--format FORMAT]", opts_states, 0, 0 },
	{ "treaties", cmd_treaties, "list treaties, or a featured list",
	  "chancery treaties [--featured LIST] [--as-of DATE] [--format FORMAT]", opts_treaties, 0, 0 },
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
	{ "campaign", cmd_campaign, "open, list, show or close correspondence campaigns",
	  "chancery campaign open ID --workflow W --letter-date D --deadline D --event D..D --featured L | list | show ID | close ID [--date D]", opts_campaign, 1, 2 },
	{ "letters", cmd_letters, "generate a campaign's personalized letters",
	  "chancery letters generate CAMPAIGN [--state S] [--dry-run] [--pdf] [--supersede] | verify CAMPAIGN | data CAMPAIGN STATE...|all [--language L]", opts_letters, 2, CLI_MAX_ARGS },
	{ "send", cmd_send, "record the dispatch of a campaign's letters",
	  "chancery send CAMPAIGN --date DATE [--state STATE]", opts_send, 1, 1 },
	{ "reply", cmd_reply, "record a State's reply to a campaign",
	  "chancery reply CAMPAIGN STATE --received DATE --intends ACTION:TREATY...", opts_reply, 2, 2 },
	{ "remind", cmd_remind, "generate the reminders and acknowledgments that are due",
	  "chancery remind CAMPAIGN --as-of DATE", opts_remind, 1, 1 },
	{ "status", cmd_status, "where every recipient of a campaign stands",
	  "chancery status CAMPAIGN [--as-of DATE] [--state CODE] [--in STATE]... [--format FORMAT]", opts_status, 1, 1 },
	{ "deposit", cmd_deposit, "record a signature or an instrument, with its notification",
	  "chancery deposit STATE TREATY ACTION --date DATE [--instrument FILE] [--signed-by CAPACITY] [--text FILE]", opts_deposit, 3, 3 },
	{ "void", cmd_void, "void an event recorded in error (a reply, a note, a deposit)",
	  "chancery void EVENT --reason TEXT", opts_void, 1, 1 },
	{ "verify", cmd_verify, "prove that nothing recorded was altered",
	  "chancery verify [--full] [--state STATE] [--campaign CAMPAIGN] | --report", opts_verify, 0, 0 },
	{ "search", cmd_search, "find events by the words of their text, fields and text attachments",
	  "chancery search TEXT [--state S] [--treaty T] [--campaign C] [--since D] [--until D] [--format FORMAT]", opts_search, 1, 1 },
	{ "index", cmd_index, "check, rebuild or describe the derived index of events",
	  "chancery index check | rebuild | status", opts_none, 1, 1 },
	{ "upgrade", cmd_upgrade, "move the repository to the latest format (events filed by day)",
	  "chancery upgrade", opts_upgrade, 0, 0 },
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

const size_t cli_command_count = sizeof(cli_commands) / sizeof(cli_commands[0]);

const cli_cmd *cli_find(const char *name)
{
	for (size_t i = 0; i < cli_command_count; i++)
		if (!strcmp(cli_commands[i].name, name))
			return &cli_commands[i];
	return NULL;
}

void cli_main_usage(FILE *out)
{
	fprintf(out,
		"usage: chancery [-C DIR] [--author 'NAME <EMAIL>'] COMMAND [ARGS]\n\n"
		"chancery keeps a treaty office's correspondence in a Git repository.\n\n"
		"commands:\n");
	for (size_t i = 0; i < cli_command_count; i++)
		fprintf(out, "  %-15s %s\n", cli_commands[i].name,
			cli_commands[i].summary);
	fprintf(out, "\n'chancery COMMAND -h' shows a command's options.\n");
}
