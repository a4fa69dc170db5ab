/*
 * cmd_campaign.c - `chancery campaign open ID ...` opens a campaign (its
 * workflow, dates, featured treaties, recipients and templates, one
 * commit); `chancery letters generate CAMPAIGN` writes its personalized
 * invitation letters (one commit for the batch, none when nothing
 * changed); `chancery letters data CAMPAIGN STATE` prints one State's
 * letter data as JSON.
 */
#include "cli.h"

#include <jansson.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

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
	cli_printf_safe(stderr, "chancery: %s\n", line);
}

static void progress(size_t done, size_t total, void *payload)
{
	(void)payload;
	if (done % 10 == 0 || done == total)
		fprintf(stderr, "\rgenerating %zu/%zu", done, total);
}

/* PDFs of a campaign's letters, beside them in the working tree
 * (campaigns/ID/pdf/, kept out of history: PDF files are not
 * deterministic), with one LibreOffice process for the batch. */
static int letters_pdf(chancery_repository *repo, const char *id,
	const char *only)
{
	char tmp[] = "/tmp/chancery-pdf-XXXXXX", path[600], dest[4096];
	char *recips = NULL, *line, *save = NULL;
	size_t size, n = 0;
	char **argv = NULL;
	int code = 0;

	if (!mkdtemp(tmp))
		return cli_error(EXIT_INTERNAL, "--pdf: cannot make a folder");
	snprintf(path, sizeof(path), "campaigns/%s/recipients.tsv", id);
	if (chancery_repository_read(&recips, &size, repo, path) < 0) {
		code = cli_fail(CHANCERY_ENOTFOUND);
		goto done;
	}
	argv = calloc(size + 16, sizeof(char *));
	if (!argv) {
		code = cli_error(EXIT_INTERNAL, "out of memory");
		goto done;
	}
	argv[n++] = "soffice";
	argv[n++] = "--headless";
	argv[n++] = "--norestore";
	argv[n++] = "--convert-to";
	argv[n++] = "pdf";
	argv[n++] = "--outdir";
	snprintf(dest, sizeof(dest), "%scampaigns/%s/pdf",
		chancery_repository_workdir(repo), id);
	argv[n++] = dest;
	for (line = strtok_r(recips, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *odt = NULL, file[700];
		size_t osize;
		FILE *f;

		if (!strcmp(line, "state") || (only && strcmp(only, line)))
			continue;
		/* the file comes from the tree: a peer's, maybe; the code
		 * becomes a file name below */
		if (!chancery_state_code_valid(line)) {
			code = cli_error(EXIT_INVALID, "--pdf: campaigns/%s/"
				"recipients.tsv: '%.40s' is not a State code", id, line);
			goto done;
		}
		snprintf(path, sizeof(path), "campaigns/%s/letters/%s.odt", id, line);
		if (chancery_repository_read(&odt, &osize, repo, path) < 0)
			continue;
		snprintf(file, sizeof(file), "%s/%s.odt", tmp, line);
		f = fopen(file, "wb");
		if (!f || fwrite(odt, 1, osize, f) != osize) {
			if (f)
				fclose(f);
			chancery_free(odt);
			code = cli_error(EXIT_INTERNAL, "--pdf: cannot write %s", file);
			goto done;
		}
		fclose(f);
		chancery_free(odt);
		argv[n++] = strdup(file);
	}
	{
		char profile[300];
		pid_t pid;
		int st;

		snprintf(profile, sizeof(profile), "-env:UserInstallation=file://%s/lo",
			tmp);
		memmove(argv + 2, argv + 1, (n - 1) * sizeof(char *));
		argv[1] = profile;
		n++;
		mkdir(dest, 0755);
		pid = fork();
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			dup2(null, 2);
			execvp("soffice", argv);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) ||
		    WEXITSTATUS(st)) {
			code = cli_error(EXIT_INTERNAL, "--pdf: soffice failed (is "
				"LibreOffice installed? scripts/install-deps)");
			goto done;
		}
		printf("PDFs in %s\n", dest);
	}
done:
	for (size_t i = 8; argv && i < n; i++)
		free(argv[i]);
	free(argv);
	chancery_free(recips);
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
		if (system(cmd) != 0) {
			/* a leftover temporary folder is harmless */
		}
	}
	return code;
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
				a.args[2])) < 0 || (error = chancery_data_to_json(&json, d)) < 0) {
			code = cli_fail(error);
		} else {
			cli_json_text(stdout, json);
			putchar('\n');
		}
		chancery_free(json);
		chancery_data_free(d);
		chancery_repository_free(repo);
		return code;
	}
	if (!strcmp(a.args[0], "verify")) {
		if (a.nargs != 2)
			return cli_error(EXIT_USAGE, "letters verify: one CAMPAIGN");
		o.verify = 1;
		o.problem = print_problem;
		o.payload = &problems;
		if ((code = cli_open(&repo, &a)) != 0)
			return code;
		error = chancery_letters_generate(&r, repo, a.args[1], &o);
		if (error == CHANCERY_EUNCHANGED) {
			cli_printf_safe(stdout, "%s\n", chancery_error_last()->message);
			code = EXIT_OK;
		} else if (error == CHANCERY_ECONFLICT) {
			cli_error(0, "%s", chancery_error_last()->message);
			code = EXIT_PROBLEMS;
		} else {
			code = cli_fail(error);
		}
		chancery_repository_free(repo);
		return code;
	}
	if (strcmp(a.args[0], "generate"))
		return cli_error(EXIT_USAGE, "letters: '%s' is not generate, verify or data",
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
	if ((error == 0 || error == CHANCERY_EUNCHANGED) && !o.dry_run &&
	    cli_opt_count(&a, "pdf")) {
		int c = letters_pdf(repo, a.args[1], o.state);

		if (c) {
			chancery_repository_free(repo);
			return c;
		}
	}
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

int cmd_send(int argc, char **argv)
{
	cli_args a;
	chancery_repository *repo = NULL;
	chancery_date d;
	bool given;
	size_t n = 0;
	int code, error;

	if ((code = cli_parse(&a, cli_find("send"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_date(&d, &given, &a, "date")) != 0)
		return code;
	if (!given)
		return cli_error(EXIT_USAGE, "send: --date is required");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	error = chancery_campaign_send(&n, repo, a.args[0], &d,
		cli_opt_value(&a, "state"));
	if (error == CHANCERY_EUNCHANGED)
		cli_printf_safe(stdout, "%s\n", chancery_error_last()->message);
	else if (error < 0)
		code = cli_fail(error);
	else
		printf("Recorded the dispatch of %zu letter%s\n", n, n == 1 ? "" : "s");
	chancery_repository_free(repo);
	return code;
}

int cmd_reply(int argc, char **argv)
{
	cli_args a;
	chancery_reply_options o = CHANCERY_REPLY_OPTIONS_INIT;
	chancery_repository *repo = NULL;
	const char *intends[CLI_MAX_MULTI + 1], *withdraws[CLI_MAX_MULTI + 1],
		*attach[CLI_MAX_MULTI + 1];
	bool given;
	int late = 0, code, error;

	if ((code = cli_parse(&a, cli_find("reply"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_date(&o.received, &given, &a, "received")) != 0)
		return code;
	if (!given)
		return cli_error(EXIT_USAGE, "reply: --received is required");
	for (int i = 0; i < cli_opt_count(&a, "intends"); i++)
		intends[i] = cli_opt_nth(&a, "intends", i);
	intends[cli_opt_count(&a, "intends")] = NULL;
	for (int i = 0; i < cli_opt_count(&a, "withdraw"); i++)
		withdraws[i] = cli_opt_nth(&a, "withdraw", i);
	withdraws[cli_opt_count(&a, "withdraw")] = NULL;
	for (int i = 0; i < cli_opt_count(&a, "attach"); i++)
		attach[i] = cli_opt_nth(&a, "attach", i);
	attach[cli_opt_count(&a, "attach")] = NULL;
	o.state = a.args[1];
	o.intends = intends;
	o.withdraws = withdraws;
	o.attach = attach;
	o.none = cli_opt_count(&a, "none") > 0;
	o.note = cli_opt_value(&a, "note");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if ((error = chancery_campaign_reply(&late, repo, a.args[0], &o)) < 0)
		code = cli_fail(error);
	else
		printf("Recorded the reply of %s%s\n", o.state,
			late ? " (late: after the deadline)" : "");
	chancery_repository_free(repo);
	return code;
}

/* The event in numbers, after the table. */
static void print_event(FILE *out, json_t *ev)
{
	static const char *const parts[] = { "actions_by_day", "actions_by_type",
		"actions_by_state" };
	const char *key;
	json_t *v;

	fprintf(out, "\nevent %s..%s: %lld actions by %lld States\n",
		json_string_value(json_object_get(ev, "start")),
		json_string_value(json_object_get(ev, "end")),
		(long long)json_integer_value(json_object_get(ev, "actions")),
		(long long)json_integer_value(json_object_get(ev, "states")));
	for (size_t i = 0; i < 3; i++) {
		json_object_foreach(json_object_get(ev, parts[i]), key, v)
			fprintf(out, "  %-22s %lld\n", key,
				(long long)json_integer_value(v));
		if (json_object_size(json_object_get(ev, parts[i])))
			fputc('\n', out);
	}
	fprintf(out, "  parties of the featured treaties, before -> after:\n");
	json_object_foreach(json_object_get(ev, "parties"), key, v)
		fprintf(out, "  %-12s %4lld -> %lld\n", key,
			(long long)json_integer_value(json_object_get(v, "before")),
			(long long)json_integer_value(json_object_get(v, "after")));
}

int cmd_status(int argc, char **argv)
{
	cli_args a;
	cli_format fmt;
	chancery_repository *repo = NULL;
	chancery_date d;
	bool given;
	char *json = NULL;
	json_t *root = NULL;
	FILE *out = stdout;
	const char *path;
	int code, error;

	if ((code = cli_parse(&a, cli_find("status"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_format_of(&fmt, &a, (1u << FMT_TABLE) | (1u << FMT_CSV) |
			(1u << FMT_JSON) | (1u << FMT_HTML), FMT_TABLE)) != 0 ||
	    (code = cli_date(&d, &given, &a, "as-of")) != 0)
		return code;
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	if (given && cli_opt_value(&a, "at")) {
		code = cli_error(EXIT_USAGE, "status: --as-of or --at, not both");
		goto done;
	}
	if ((error = chancery_campaign_status_at(&json, repo, a.args[0],
			given ? &d : NULL, cli_opt_value(&a, "at"))) < 0) {
		code = cli_fail(error);
		goto done;
	}
	path = cli_opt_value(&a, "output");
	if (path && !(out = fopen(path, "w"))) {
		code = cli_error(EXIT_INVALID, "-o '%s': cannot write", path);
		goto done;
	}
	if (fmt == FMT_JSON) {
		cli_json_text(out, json);
		fputc('\n', out);
	} else if (fmt == FMT_HTML) {
		code = cli_status_html(out, json);
	} else {
		static const char *const cols[] = { "code", "workflow_state",
			"sent", "received", "on_time", "intentions", "reminders",
			"actions" };
		cli_table *t = cli_table_new(fmt, "states", 8, cols);
		json_t *s;
		size_t i;

		root = json_loads(json, 0, NULL);
		json_array_foreach(json_object_get(root, "states"), i, s) {
			json_t *r = json_object_get(s, "reply");
			char n[16], m[16], k[16];
			const char *row[8];

			snprintf(n, sizeof(n), "%zu",
				json_array_size(json_object_get(s, "intentions")));
			snprintf(m, sizeof(m), "%zu",
				json_array_size(json_object_get(s, "reminders")));
			row[0] = json_string_value(json_object_get(s, "code"));
			row[1] = json_string_value(json_object_get(s, "workflow_state"));
			row[2] = json_string_value(json_object_get(s, "sent"));
			row[3] = r ? json_string_value(json_object_get(r, "received")) : NULL;
			row[4] = json_is_object(r) ? (json_is_true(json_object_get(r,
				"on_time")) ? "yes" : "no") : NULL;
			snprintf(k, sizeof(k), "%zu",
				json_array_size(json_object_get(s, "actions")));
			row[5] = n;
			row[6] = m;
			row[7] = k;
			cli_table_row(t, row);
		}
		if (fmt == FMT_TABLE) {
			json_t *tot = json_object_get(root, "totals");

			fprintf(out, "%s as of %s: %lld recipients, %lld sent, %lld "
				"replied (%lld on time, %lld late), %lld reminded\n\n",
				json_string_value(json_object_get(json_object_get(root,
					"campaign"), "id")),
				json_string_value(json_object_get(root, "as_of")),
				(long long)json_integer_value(json_object_get(tot, "recipients")),
				(long long)json_integer_value(json_object_get(tot, "sent")),
				(long long)json_integer_value(json_object_get(tot, "replied")),
				(long long)json_integer_value(json_object_get(tot, "on_time")),
				(long long)json_integer_value(json_object_get(tot, "late")),
				(long long)json_integer_value(json_object_get(tot, "reminded")));
		}
		cli_table_print(t, out);
		if (fmt == FMT_TABLE)
			print_event(out, json_object_get(root, "event"));
	}
done:
	if (out && out != stdout)
		fclose(out);
	json_decref(root);
	chancery_free(json);
	chancery_repository_free(repo);
	return code;
}

int cmd_remind(int argc, char **argv)
{
	cli_args a;
	chancery_repository *repo = NULL;
	chancery_date d;
	bool given;
	size_t reminders = 0, acks = 0;
	int code, error;

	if ((code = cli_parse(&a, cli_find("remind"), argc, argv)) != 0)
		return code < 0 ? EXIT_OK : code;
	if ((code = cli_date(&d, &given, &a, "as-of")) != 0)
		return code;
	if (!given)
		return cli_error(EXIT_USAGE, "remind: --as-of is required");
	if ((code = cli_open(&repo, &a)) != 0)
		return code;
	error = chancery_campaign_remind(&reminders, &acks, repo, a.args[0], &d);
	if (error == CHANCERY_EUNCHANGED)
		cli_printf_safe(stdout, "%s\n", chancery_error_last()->message);
	else if (error < 0)
		code = cli_fail(error);
	else
		printf("Generated %zu reminder%s and %zu acknowledgment%s\n",
			reminders, reminders == 1 ? "" : "s", acks,
			acks == 1 ? "" : "s");
	chancery_repository_free(repo);
	return code;
}
