/*
 * repository.c - how the tool opens a repository: the folder (-C DIR was
 * entered by main.c, so "."), who records (--author after the command,
 * else before it, else Git's user.name and user.email, which the library
 * reads) and when (CHANCERY_NOW: Unix seconds or YYYY-MM-DDTHH:MM:SSZ,
 * for reproducible histories and tests), which is also the tool's today
 * (cli_today).
 *
 * A CHANCERY_NOW that is no time at all is a usage error here; a time a
 * commit cannot hold is the library's to refuse (exit 3), so that there
 * is one range of a recording time.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CHANCERY_NOW's text as Unix seconds: digits only (no sign, no spaces,
 * nothing after), or a recording time chancery_time_parse takes. -1 when
 * it is neither, or 0 (which would mean "now" to the library). A number
 * out of range is the library's to refuse. */
static int parse_now(int64_t *out, const char *s)
{
	char *end;
	long long v;

	if (*s >= '0' && *s <= '9' && !strchr(s, '-')) {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (*end || errno == ERANGE || v == 0)
			return -1;
		*out = v;
		return 0;
	}
	if (chancery_time_parse(out, s) < 0) {
		chancery_error_clear();
		return -1;
	}
	return *out == 0 ? -1 : 0;
}

int cli_today(chancery_date *out)
{
	const char *now = getenv("CHANCERY_NOW");
	int64_t t = (int64_t)time(NULL);

	if (now && parse_now(&t, now) < 0)
		return cli_error(EXIT_USAGE,
			"CHANCERY_NOW='%s': expected Unix seconds or "
			"YYYY-MM-DDTHH:MM:SSZ", now);
	chancery_date_from_time(out, t);
	return 0;
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
		goto done;
	if ((error = chancery_repository_open(out, cli_dir ? cli_dir : ".")) < 0) {
		code = cli_fail(error);
		goto done;
	}
	if ((sig.name || sig.email || sig.time) &&
	    (error = chancery_repository_set_signature(*out, &sig)) < 0) {
		chancery_repository_free(*out);
		*out = NULL;
		code = cli_fail(error);
	}
done:
	free(name);
	free(email);
	return code;
}
