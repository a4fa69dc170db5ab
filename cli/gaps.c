/*
 * gaps.c - what the tool does itself because the public API does not
 * offer it yet (gaps.h says which call each one waits for). Each function
 * is the one place of its kind in cli/: when the library gets the call,
 * its callers switch over and the function goes.
 *
 * What it knows that a client should not: the campaign-id rule, the
 * layout of a campaign in the repository (campaigns/ID/recipients.tsv,
 * campaigns/ID/letters/CODE.odt, campaigns/ID/pdf/), the civil-date day
 * arithmetic and the text of a recording time. Nothing here checks more
 * than its caller needs: the library is still the judge of what it
 * records.
 */
#include "cli.h"
#include "gaps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool cli_campaign_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 64 || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return false;
	return true;
}

/* The next non-empty line of *cursor, cut out in place; NULL at the end. */
static char *next_line(char **cursor)
{
	char *s = *cursor, *nl;

	while (*s == '\n')
		s++;
	if (!*s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl)
		*nl++ = '\0';
	*cursor = nl ? nl : s + strlen(s);
	return s;
}

int cli_campaign_recipients(char ***out, chancery_repository *repo,
	const char *id)
{
	char path[600], *tsv = NULL, *text, *cursor, *line;
	size_t size, n = 0;
	char **list;

	*out = NULL;
	snprintf(path, sizeof(path), "campaigns/%s/recipients.tsv", id);
	if (chancery_repository_read(&tsv, &size, repo, path) < 0)
		return cli_fail(CHANCERY_ENOTFOUND);
	/* the text up to a NUL, as a C string; at most a code a byte, and
	 * the text copied after the list */
	size = strlen(tsv);
	list = malloc((size + 1) * sizeof(char *) + size + 1);
	if (!list) {
		chancery_free(tsv);
		return cli_error(EXIT_INTERNAL, "out of memory");
	}
	text = (char *)(list + size + 1);
	memcpy(text, tsv, size + 1);
	chancery_free(tsv);
	for (cursor = text; (line = next_line(&cursor)); )
		if (strcmp(line, "state"))
			list[n++] = line;
	list[n] = NULL;
	*out = list;
	return 0;
}

int cli_campaign_letter(char **out, size_t *size, chancery_repository *repo,
	const char *id, const char *code)
{
	char path[600];

	snprintf(path, sizeof(path), "campaigns/%s/letters/%s.odt", id, code);
	return chancery_repository_read(out, size, repo, path);
}

void cli_campaign_pdf_dir(char *buf, size_t size, chancery_repository *repo,
	const char *id)
{
	snprintf(buf, size, "%scampaigns/%s/pdf",
		chancery_repository_workdir(repo), id);
}

/* days from civil (the inverse of chancery_date_from_time) */
int64_t cli_days_from_civil(int year, int month, int day)
{
	int y = year - (month <= 2);
	int era = y / 400;
	int yoe = y - era * 400;
	int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (int64_t)era * 146097 + doe - 719468;
}

long cli_day_number(const char *iso)
{
	int y, m, d;

	if (!iso || sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3)
		return 0;
	return (long)cli_days_from_civil(y, m, d);
}

int cli_time_parse(int64_t *out, const char *s)
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
	*out = cli_days_from_civil(d.year, d.month, d.day) * 86400 +
		hh * 3600 + mm * 60 + ss;
	/* 0 would mean "now" to the library */
	return *out == 0 ? -1 : 0;
}
