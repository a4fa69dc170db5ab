/*
 * parse.c - a subcommand's command line read against its option table
 * (commands.c): long options ("--name VALUE", "--name=VALUE"), short ones
 * ("-o VALUE"), flags, repeatable options, arguments and "--". Every
 * mistake is a usage error (exit 2) that names the command; -h/--help
 * prints the table.
 *
 * Invariants: an option given twice that is not repeatable is refused,
 * values are borrowed from argv (nothing is copied), at most
 * CLI_MAX_MULTI values an option and CLI_MAX_ARGS arguments. Not
 * supported: clustered short options (-oj) and abbreviated long ones.
 */
#include "cli.h"

#include <limits.h>
#include <string.h>

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
