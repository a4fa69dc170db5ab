/*
 * path.c - is a path read from a Git tree one that may become a file name?
 *
 * A tree is what another office (or anyone with `git hash-object
 * --literally`) says it is: its entry names may be "..", ".git", empty, hold
 * a '/', or spell ".git" so that Windows or macOS would take it for ".git"
 * (".GIT", ".git.", ".git ", "git~1", ".git::$INDEX_ALLOCATION", ".g\u200cit").
 * libgit2's checkout refuses such names; everything that reads a tree
 * itself (export, verify, history, letters, sync) asks here first, with the
 * same rules for every platform, so that no name in a repository can open
 * ".git" or climb out on any office's machine. Not refused: Windows device
 * names (CON, aux.txt) and names that differ only in case; chancery never
 * writes such names, and they cannot leave the folder they are written in.
 *
 * Rules for one component: not empty; valid UTF-8 without control
 * characters; no '/', '\\' or ':'; not made of dots and spaces only
 * ("." and ".." and what Windows trims them to); not ".git" or "git~1" once
 * ASCII case is folded, HFS+'s ignorable code points are dropped and
 * trailing dots and spaces are trimmed.
 *
 * It also holds the repository layout's own names that several modules
 * need: an event's folder (chancery__event_dir): events/YYYY/MM/DD/ID from
 * repository format 2 on, events/YYYY/MM/ID in format 1, and
 * the form of a campaign id, campaigns/ID/ (chancery__campaign_id_valid:
 * the one rule, used by workflows/ and the commit check).
 */
#include "base.h"

#include <string.h>

/* U+200C..U+200F, U+202A..U+202E, U+206A..U+206F and U+FEFF: HFS+ ignores
 * them when it compares names, so ".g\u200cit" opens ".git". */
static size_t hfs_ignorable(const unsigned char *s, size_t left)
{
	if (left < 3)
		return 0;
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    ((s[2] >= 0x8c && s[2] <= 0x8f) || (s[2] >= 0xaa && s[2] <= 0xae)))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] >= 0xaa && s[2] <= 0xaf)
		return 3;
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;
	return 0;
}

/* The name as the most forgiving file system would compare it: ignorables
 * dropped, ASCII lowercase, trailing dots and spaces trimmed (any number of
 * them, wherever ignorables hide among them: a run of dots and spaces is
 * only written out when something follows it). Writes at most `cap - 1`
 * bytes; returns false when it would not fit (such a name is longer than
 * any alias we look for, so it is not one). */
static bool fold(char *out, size_t cap, const char *name, size_t len)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t i = 0, n = 0, skip, run = 0, run_at = 0;

	while (i < len) {
		if ((skip = hfs_ignorable(s + i, len - i))) {
			i += skip;
			continue;
		}
		if (s[i] == '.' || s[i] == ' ') {
			if (!run++)
				run_at = i;
			i++;
			continue;
		}
		for (; run; run--) {
			if (n + 1 >= cap)
				return false;
			/* the run's bytes, ignorables left out */
			while (s[run_at] != '.' && s[run_at] != ' ')
				run_at++;
			out[n++] = (char)s[run_at++];
		}
		if (n + 1 >= cap)
			return false;
		out[n++] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
		i++;
	}
	out[n] = '\0';
	return true;
}

bool chancery__path_component_valid(const char *name, size_t len)
{
	char folded[16];
	size_t i;

	if (len == 0 || !chancery__utf8_valid(name, len, false))
		return false;
	for (i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == '\\' || name[i] == ':')
			return false;
	for (i = 0; i < len; i++)
		if (name[i] != '.' && name[i] != ' ')
			break;
	if (i == len)
		return false;
	if (fold(folded, sizeof(folded), name, len) &&
	    (!strcmp(folded, ".git") || !strcmp(folded, "git~1") ||
	     folded[0] == '\0'))
		return false;
	return true;
}

bool chancery__path_valid(const char *path)
{
	const char *p = path, *slash;

	if (!path || !*path)
		return false;
	for (;;) {
		slash = strchr(p, '/');
		if (!chancery__path_component_valid(p,
				slash ? (size_t)(slash - p) : strlen(p)))
			return false;
		if (!slash)
			return true;
		p = slash + 1;
	}
}

int chancery__event_dir(char *out, size_t size, const char *id, int format)
{
	size_t n = strnlen(id, 4), m = n == 4 ? strnlen(id + 4, 2) : 0;
	int len = format >= CHANCERY__FORMAT_DAY ?
		snprintf(out, size, "events/%.4s/%.2s/%.2s/%s", id, id + n,
			id + n + m, id) :
		snprintf(out, size, "events/%.4s/%.2s/%s", id, id + n, id);

	if (len < 0 || (size_t)len >= size) {
		if (size)
			out[0] = '\0';
		return chancery__error(CHANCERY_EINVALID,
			"event id '%.40s' too long for a path", id);
	}
	return 0;
}

bool chancery__campaign_id_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > 64 || !((*s >= 'a' && *s <= 'z') ||
			(*s >= '0' && *s <= '9')))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return false;
	return true;
}
