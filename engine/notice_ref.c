/*
 * notice_ref.c - the reference of a depositary notification: a small
 * pattern language, its check, and the one function that writes a
 * reference, used by a deposit (archive/deposit.c), a correction, and the
 * commit check that reads a deposit back (audit_rules.c).
 *
 * Format: text with placeholders in braces, {n}, {year}, {chapter},
 * {number}, {chapter_arabic}, {id}; see notice_ref.h and docs/archive.md.
 * The default is the UN Treaty Collection's current form,
 * C.N.{n}.{year}.TREATIES-{chapter}.{number}: XVIII-10 gives
 * C.N.1026.2013.TREATIES-XVIII.10, a protocol XVIII-12-a gives
 * ...TREATIES-XVIII.12.a.
 *
 * Invariant: a pattern holds {n} and {year} (numbers run per year, so a
 * reference without them would repeat) and only printable ASCII without
 * blanks or '/', so a reference is one trailer value and never a path.
 *
 * Left out: the older UNTC suffixes (-8, -18, -28) whose meaning no source
 * explains; {chapter_arabic} writes what chancery wrote before.
 */
#include "notice_ref.h"

#include <stdio.h>
#include <string.h>

static const char *const placeholders[] = { "n", "year", "chapter",
	"number", "chapter_arabic", "id" };
#define NPLACEHOLDERS (sizeof(placeholders) / sizeof(*placeholders))

/* The index of the placeholder named by `name` (`len` bytes), or -1. */
static int placeholder(const char *name, size_t len)
{
	for (size_t i = 0; i < NPLACEHOLDERS; i++)
		if (strlen(placeholders[i]) == len &&
		    !strncmp(placeholders[i], name, len))
			return (int)i;
	return -1;
}

int chancery__reference_pattern_check(const char *pattern)
{
	bool seen[NPLACEHOLDERS] = { false };

	if (!pattern || !*pattern || strlen(pattern) > CHANCERY__REFERENCE_MAX)
		return chancery__error(CHANCERY_EINVALID, "notification "
			"reference pattern '%.80s': empty or longer than %d "
			"characters", pattern ? pattern : "",
			CHANCERY__REFERENCE_MAX);
	for (const char *p = pattern; *p; p++) {
		const char *close;
		int k;

		if (*p == '}' || *p <= ' ' || *p > '~' || *p == '/')
			return chancery__error(CHANCERY_EINVALID, "notification "
				"reference pattern '%s': character %d may not "
				"be in a reference", pattern,
				(int)(p - pattern) + 1);
		if (*p != '{')
			continue;
		if (!(close = strchr(p, '}')))
			return chancery__error(CHANCERY_EINVALID, "notification "
				"reference pattern '%s': '{' at character %d is "
				"never closed", pattern, (int)(p - pattern) + 1);
		if ((k = placeholder(p + 1, (size_t)(close - p - 1))) < 0)
			return chancery__error(CHANCERY_EINVALID, "notification "
				"reference pattern '%s': unknown placeholder "
				"'%.*s' (known: {n}, {year}, {chapter}, {number}, "
				"{chapter_arabic}, {id})", pattern,
				(int)(close - p + 1), p);
		seen[k] = true;
		p = close;
	}
	if (!seen[0] || !seen[1])
		return chancery__error(CHANCERY_EINVALID, "notification "
			"reference pattern '%s': it needs {n} and {year}, or "
			"two notifications would share a reference", pattern);
	return 0;
}

int chancery__reference_pattern(char *out, size_t size,
	chancery_repository *repo)
{
	char *v = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && size && repo);
	error = chancery_repository_config(&v, repo,
		CHANCERY__REFERENCE_SETTING);
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		snprintf(out, size, "%s", CHANCERY__REFERENCE_DEFAULT);
		return 0;
	}
	if (error == 0 && (error = chancery__reference_pattern_check(v)) < 0) {
		char why[300];

		snprintf(why, sizeof(why), "%s", chancery_error_last()->message);
		error = chancery__error(CHANCERY_EINVALID, "setting %s: %s",
			CHANCERY__REFERENCE_SETTING, why);
	}
	if (error == 0)
		snprintf(out, size, "%s", v);
	chancery_free(v);
	return error;
}

static int roman_value(const char *r, size_t len)
{
	int total = 0, prev = 0;

	for (size_t i = len; i-- > 0;) {
		int v = r[i] == 'I' ? 1 : r[i] == 'V' ? 5 : r[i] == 'X' ? 10 :
			r[i] == 'L' ? 50 : r[i] == 'C' ? 100 : 0;

		if (!v)
			return 0;
		total += v < prev ? -v : v;
		if (v > prev)
			prev = v;
	}
	return total;
}

/* The value of placeholder `k` into `out`. */
static void value_of(char *out, size_t size, int k, unsigned n, int year,
	const char *id)
{
	const char *dash = strchr(id, '-');
	size_t clen = dash ? (size_t)(dash - id) : strlen(id);

	switch (k) {
	case 0:
		snprintf(out, size, "%u", n);
		break;
	case 1:
		snprintf(out, size, "%04d", year);
		break;
	case 2:
		snprintf(out, size, "%.*s", (int)clen, id);
		break;
	case 3: {
		size_t i = 0;

		for (const char *p = dash ? dash + 1 : ""; *p && i + 1 < size;
				p++)
			out[i++] = *p == '-' ? '.' : *p;
		out[i] = '\0';
		break;
	}
	case 4:
		snprintf(out, size, "%d", roman_value(id, clen));
		break;
	default:
		snprintf(out, size, "%s", id);
	}
}

int chancery__notification_reference(char *out, size_t size,
	const char *pattern, unsigned n, int year, const char *treaty_id)
{
	chancery_buf b = CHANCERY_BUF_INIT;
	int error;

	CHANCERY_ASSERT_ARG(out && size && pattern && treaty_id);
	*out = '\0';
	if ((error = chancery__reference_pattern_check(pattern)) < 0)
		return error;
	for (const char *p = pattern; *p && !error; p++) {
		char v[64];
		const char *close;

		if (*p != '{') {
			error = chancery_buf_put(&b, p, 1);
			continue;
		}
		close = strchr(p, '}');
		value_of(v, sizeof(v), placeholder(p + 1,
			(size_t)(close - p - 1)), n, year, treaty_id);
		error = chancery_buf_puts(&b, v);
		p = close;
	}
	if (!error && (b.size > CHANCERY__REFERENCE_MAX || b.size >= size))
		error = chancery__error(CHANCERY_EINVALID, "notification "
			"reference '%.80s...' is longer than %d characters",
			b.ptr, CHANCERY__REFERENCE_MAX);
	if (!error)
		snprintf(out, size, "%s", b.ptr);
	chancery_buf_dispose(&b);
	return error;
}
