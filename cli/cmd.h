/*
 * cmd.h - the tool's commands: one cmd_<name>() per subcommand, each in
 * cli/cmd_<name>.c, registered in the one table of commands.c with a
 * one-line summary, a usage line and a declarative option table (as git's
 * builtin table). -h/--help works everywhere and prints what the table
 * says; tests/cli/test_docs.sh checks that docs/commands/ names every
 * command and option of the table.
 *
 * parse.c reads a subcommand's argv against its table: options (long,
 * short, "--name=value", repeatable ones), arguments, "--"; no clustered
 * short options (-oj), no abbreviated long ones.
 */
#ifndef CHANCERY_CLI_CMD_H
#define CHANCERY_CLI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "chancery.h"

#define CLI_MAX_OPTS 24
#define CLI_MAX_MULTI 64
#define CLI_MAX_ARGS 16

typedef struct {
	const char *name;    /* long name without "--" */
	char short_name;     /* or 0 */
	const char *arg;     /* argument name ("DATE"), or NULL for a flag */
	bool multi;          /* may be given more than once */
	const char *help;
} cli_opt;

typedef struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	const char *usage;   /* "chancery note [options] MESSAGE" */
	const cli_opt *opts; /* terminated by a zero entry */
	int min_args;
	int max_args;
} cli_cmd;

/* The parsed command line of one subcommand. */
typedef struct {
	const cli_cmd *cmd;
	const char *values[CLI_MAX_OPTS][CLI_MAX_MULTI];
	int count[CLI_MAX_OPTS];
	const char *args[CLI_MAX_ARGS];
	int nargs;
} cli_args;

/* ---- the table (commands.c) ---- */

extern const cli_cmd cli_commands[];
extern const size_t cli_command_count;

/* The command called `name`, or NULL. */
const cli_cmd *cli_find(const char *name);
/* `chancery -h`: the global usage and every command with its summary. */
void cli_main_usage(FILE *out);

/* ---- parsing (parse.c) ---- */

/* A command's help: usage, summary, options, where its page is. */
void cli_usage(FILE *out, const cli_cmd *cmd);
/*
 * Parse argv of a subcommand. Returns -1 when help was printed (exit 0),
 * EXIT_USAGE after printing a usage error, or 0.
 */
int cli_parse(cli_args *a, const cli_cmd *cmd, int argc, char **argv);
/* Value of option `name` (the last one given), or NULL. */
const char *cli_opt_value(const cli_args *a, const char *name);
int cli_opt_count(const cli_args *a, const char *name);
const char *cli_opt_nth(const cli_args *a, const char *name, int i);
/* A whole number in decimal digits only (no sign, space or suffix) from
 * min to max: 0, or -1 for anything else ("1x", "", "+1", " 1", 1e3). */
int cli_number(long long *out, const char *s, long long min, long long max);
/* Parse a DATE option (NULL when absent); prints the error. */
int cli_date(chancery_date *out, bool *given, const cli_args *a,
	const char *opt);

/* ---- the commands, one file each ---- */

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
int cmd_campaign(int argc, char **argv);
int cmd_letters(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_reply(int argc, char **argv);
int cmd_remind(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_deposit(int argc, char **argv);
int cmd_void(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_history(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_workflow(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
