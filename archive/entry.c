/*
 * entry.c - the archive entry, archive/STATE/TREATY/DATE-ACTION.txt: how a
 * deposit writes it, how its name is read back, and the archive as the
 * registry's source of recorded actions.
 *
 * Format (docs/repository-format.md): one file per deposited action; its
 * path says the State, the treaty, the date and the action, which is all
 * participation needs; its text repeats them with the notification's
 * reference and, for an instrument, its fixity line:
 *   State: LBR / Treaty: XVIII-10 / Action: ratification /
 *   Date: 2004-09-22 / Notification: C.N.12.2004.TREATIES-XVIII.10 /
 *   then, for the acts that have them, Made-At, Article, Objects-To,
 *   Withdraws, Effective / Instrument: instrument.pdf sha256=HEX size=N
 *   type=MEDIA / Text: text.txt sha256=HEX size=N type=MEDIA
 *
 * The seam: the registry (engine/) knows nothing of this folder. This file
 * registers the archive as the registry's action source
 * (engine/registry_source.h) when the library is loaded, before main() and
 * without chancery_init(), so every loader of a registry sees the deposits
 * and the arrow runs archive -> engine only. CMakeLists.txt keeps this
 * object in every program that links the static library.
 *
 * Invariant: an entry whose name is not of that shape, or names no State
 * code, treaty id, action of the vocabulary or real date, makes the
 * registry refuse to load ("malformed archive: ..."), as a hand-edited
 * table does; nothing half believed.
 *
 * A deposit recorded in error is voided (archive/void.c) by a marker beside
 * its entry, DATE-ACTION.void: the entry stays, but is no recorded action
 * any more, so every view of participation, as of any date, leaves it out.
 *
 * Left out: the entry's text is not read back here (the commit check,
 * engine/audit.c, compares it with the deposit's record), but for a
 * denunciation's Effective date, which participation needs; no entry is
 * ever removed or rewritten.
 */
#include "entry.h"
#include "../engine/registry_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void chancery__archive_entry_path(char *out, size_t size,
	const chancery__archive_entry *e)
{
	char ds[11];

	chancery_date_format(ds, sizeof(ds), &e->date);
	snprintf(out, size, CHANCERY_ARCHIVE_DIR "/%s/%s/%s-%s.txt", e->state,
		e->treaty, ds, e->action);
}

int chancery__archive_entry_text(chancery_buf *buf,
	const chancery__archive_entry *e)
{
	char ds[11];
	int error;

	chancery_date_format(ds, sizeof(ds), &e->date);
	if ((error = chancery_buf_printf(buf, "State: %s\nTreaty: %s\n"
			"Action: %s\nDate: %s\nNotification: %s\n", e->state,
			e->treaty, e->action, ds, e->notification)) < 0)
		return error;
	if (e->made_at && (error = chancery_buf_printf(buf, "Made-At: %s\n",
			e->made_at)) < 0)
		return error;
	if (e->article && (error = chancery_buf_printf(buf, "Article: %s\n",
			e->article)) < 0)
		return error;
	if (e->objects_to && (error = chancery_buf_printf(buf,
			"Objects-To: %s\n", e->objects_to)) < 0)
		return error;
	if (e->withdraws && (error = chancery_buf_printf(buf,
			"Withdraws: %s\n", e->withdraws)) < 0)
		return error;
	if (e->effective.year) {
		chancery_date_format(ds, sizeof(ds), &e->effective);
		if ((error = chancery_buf_printf(buf, "Effective: %s\n",
				ds)) < 0)
			return error;
	}
	if (e->instrument_media && (error = chancery_buf_printf(buf,
			"Instrument: instrument.%s sha256=%s size=%zu type=%s\n",
			e->instrument_ext, e->instrument_sha, e->instrument_size,
			e->instrument_media)) < 0)
		return error;
	if (e->text_media)
		error = chancery_buf_printf(buf, "Text: text.%s sha256=%s "
			"size=%zu type=%s\n", e->text_ext, e->text_sha,
			e->text_size, e->text_media);
	return error;
}

bool chancery__archive_entry_field(char *out, size_t size, const char *text,
	const char *key)
{
	size_t k = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 :
			NULL) {
		const char *end = strchr(p, '\n');

		if (!strncmp(p, key, k) && p[k] == ':' && p[k + 1] == ' ') {
			p += k + 2;
			snprintf(out, size, "%.*s", (int)(end ? (size_t)(end - p) :
				strlen(p)), p);
			return true;
		}
	}
	return false;
}

bool chancery__archive_entry_parse(char state[8], char treaty[64],
	char action[64], chancery_date *date, const char *dir,
	const char *name)
{
	const char *slash = strchr(dir, '/');
	const char *slash2 = slash ? strchr(slash + 1, '/') : NULL;
	size_t len = strlen(name);
	char ds[11];

	if (!slash || !slash2 || slash2[1] || (size_t)(slash - dir) >= 8 ||
	    (size_t)(slash2 - slash - 1) >= 64 || len < 16 ||
	    len - 15 >= 64 || strcmp(name + len - 4, ".txt") ||
	    name[10] != '-')
		return false;
	snprintf(state, 8, "%.*s", (int)(slash - dir), dir);
	snprintf(treaty, 64, "%.*s", (int)(slash2 - slash - 1), slash + 1);
	snprintf(action, 64, "%.*s", (int)(len - 15), name + 11);
	memcpy(ds, name, 10);
	ds[10] = '\0';
	if (chancery_date_parse(date, ds) < 0) {
		chancery_error_clear();
		return false;
	}
	return chancery_registry_state_code_valid(state) &&
		chancery_registry_treaty_id_valid(treaty) &&
		chancery_registry_action_classify(action) != CHANCERY_ACTION_UNKNOWN;
}

/* ---- the registry's source of recorded actions --------------------------- */

/* An entry seen by the walk, told to the callback once the walk has seen
 * every void marker too. */
typedef struct {
	char state[8], treaty[64], action[64];
	chancery_date date, effective;
	char *path;
} seen_entry;

typedef struct {
	const chancery_tree *tree;
	seen_entry *entries;
	size_t nentries, aentries;
	char **voided;   /* the paths of the entries a marker voids */
	size_t nvoided, avoided;
	int error;       /* the walk's own, when it stopped */
} walk_ctx;

/* Is `name` (in folder `root`) a voided deposit's marker, DATE-ACTION.void
 * beside its entry? Its entry's name into `entry`. */
static bool void_marker(char *entry, size_t size, const char *name)
{
	size_t n = strlen(name), x = strlen(CHANCERY_ARCHIVE_VOID_EXT);

	if (n <= x || strcmp(name + n - x, CHANCERY_ARCHIVE_VOID_EXT))
		return false;
	snprintf(entry, size, "%.*s.txt", (int)(n - x), name);
	return true;
}

/* A denunciation's effective date, from its entry's Effective line. */
static int read_effective(chancery_date *out, const walk_ctx *w,
	const char *path)
{
	char *text = NULL, v[16];
	size_t size = 0;
	int error = chancery__tree_file(&text, &size, w->tree, path,
		4096);

	if (error < 0)
		return error;
	if (!chancery__archive_entry_field(v, sizeof(v), text, "Effective") ||
	    strlen(v) != 10 || chancery_date_parse(out, v) < 0) {
		chancery_error_clear();
		error = chancery__error(CHANCERY_EINVALID, "malformed archive: "
			"'%.300s' is a denunciation without its Effective date",
			path);
	}
	chancery_free(text);
	return error;
}

/* The voided entry's path kept (a marker names it). */
static int keep_voided(walk_ctx *w, const char *root, const char *name)
{
	char *p = chancery__sprintf(CHANCERY_ARCHIVE_DIR "/%s%s", root, name);

	if (!p || chancery__grow((void **)&w->voided, &w->avoided,
			w->nvoided + 1, sizeof(char *)) < 0) {
		chancery_free(p);
		return chancery__oom();
	}
	w->voided[w->nvoided++] = p;
	return 0;
}

static int keep_entry(walk_ctx *w, const char *path, const char *state,
	const char *treaty, const char *action, const chancery_date *date)
{
	seen_entry *e;
	int error;

	if (chancery__grow((void **)&w->entries, &w->aentries,
			w->nentries + 1, sizeof(*w->entries)) < 0)
		return CHANCERY_ENOMEM;
	e = &w->entries[w->nentries];
	memset(e, 0, sizeof(*e));
	snprintf(e->state, sizeof(e->state), "%s", state);
	snprintf(e->treaty, sizeof(e->treaty), "%s", treaty);
	snprintf(e->action, sizeof(e->action), "%s", action);
	e->date = *date;
	if (!(e->path = chancery__strdup(path)))
		return chancery__oom();
	w->nentries++;
	if (chancery_registry_action_classify(action) == CHANCERY_ACTION_ENDS &&
	    (error = read_effective(&e->effective, w, path)) < 0)
		return error;
	return 0;
}

static int walk_entry(const char *root, const chancery_entry *e,
	void *payload)
{
	walk_ctx *w = payload;
	char path[600], state[8], treaty[64], action[64], name[300];
	chancery_date date;
	bool marker;

	if (e->kind != CHANCERY_ENTRY_FILE && e->kind != CHANCERY_ENTRY_LINK)
		return 0;
	marker = void_marker(name, sizeof(name), e->name);
	if (!marker)
		snprintf(name, sizeof(name), "%s", e->name);
	snprintf(path, sizeof(path), CHANCERY_ARCHIVE_DIR "/%s%s", root,
		e->name);
	if (!chancery__archive_entry_parse(state, treaty, action, &date,
			root, name)) {
		chancery_error_clear();
		chancery__error(CHANCERY_EINVALID, "malformed archive: '%.300s' "
			"is not archive/STATE/TREATY/YYYY-MM-DD-ACTION.txt", path);
		w->error = CHANCERY_EINVALID;
		return w->error;
	}
	/* the entry a marker voids is left out with it, once the walk has
	 * seen both: a lookup of DATE-ACTION.void for every entry read the
	 * archive's trees again each time (half a registry's parse) */
	w->error = marker ? keep_voided(w, root, name) :
		keep_entry(w, path, state, treaty, action, &date);
	return w->error;
}

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each entry no marker voids, in the walk's order, to `cb`. */
static int tell_entries(walk_ctx *w, chancery__action_cb cb, void *payload)
{
	int error = 0;

	if (w->nvoided > 1)
		qsort(w->voided, w->nvoided, sizeof(char *), cmp_path);
	for (size_t i = 0; i < w->nentries && error >= 0; i++) {
		seen_entry *e = &w->entries[i];
		chancery_action a = { 0 };

		if (w->nvoided && bsearch(&e->path, w->voided, w->nvoided,
				sizeof(char *), cmp_path))
			continue; /* voided: recorded in error, never happened */
		a.state = e->state;
		a.treaty = e->treaty;
		a.action = e->action;
		a.date = e->date;
		a.effective = e->effective;
		a.deposit = e->path;
		a.note = "";
		error = cb(&a, payload);
	}
	return error < 0 ? error : 0;
}

static void walk_free(walk_ctx *w)
{
	for (size_t i = 0; i < w->nentries; i++)
		chancery_free(w->entries[i].path);
	for (size_t i = 0; i < w->nvoided; i++)
		chancery_free(w->voided[i]);
	chancery_free(w->entries);
	chancery_free(w->voided);
}

/* Every entry of archive/ in `tree`, in tree order (State, treaty, name). */
static int archive_each(chancery_repository *repo, const chancery_tree *tree,
	chancery__action_cb cb, void *payload)
{
	chancery_entry dir;
	walk_ctx w;
	int error;

	(void)repo;
	memset(&w, 0, sizeof(w));
	w.tree = tree;
	error = chancery__tree_entry(&dir, tree, CHANCERY_ARCHIVE_DIR);
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		return 0;
	}
	if (error == 0)
		error = chancery__tree_walk(tree, CHANCERY_ARCHIVE_DIR,
			walk_entry, &w);
	if (w.error < 0)
		error = w.error;
	if (error == 0)
		error = tell_entries(&w, cb, payload);
	walk_free(&w);
	return error;
}

/* What archive_each reads is archive/ and nothing else: its tree id. */
static int archive_key(chancery_oid *out, const chancery_tree *tree)
{
	chancery_entry dir;
	int error = chancery__tree_entry(&dir, tree, CHANCERY_ARCHIVE_DIR);

	memset(out, 0, sizeof(*out));
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		return 0;
	}
	if (error == 0)
		*out = dir.id;
	return error;
}

static const chancery__action_source archive_source = { "archive",
	archive_each, archive_key };

/* Referenced by name from CMakeLists.txt (-u) so that a program linking the
 * static library keeps this object, and with it the registration. */
const chancery__action_source *const chancery__archive_source =
	&archive_source;

__attribute__((constructor)) static void register_archive(void)
{
	chancery__registry_set_source(chancery__archive_source);
}
