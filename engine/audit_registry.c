/*
 * audit_registry.c - the registry a commit leaves must load, for a tree
 * whose registry does not would stop every command at every office that
 * merged it. Loading is registry.c's (chancery__registry_load_tree); what
 * this file adds, for speed, is the repository's cache of the last
 * registry proved to load (`struct chancery__reg_seen`, below), so that a
 * history of deposits is checked in linear time, not quadratic.
 *
 * Invariant: a commit is proved by the cache only when loading would read
 * the same tables and the same entries plus ones that pass the loader's
 * own checks; anything else loads the registry whole, so a refusal is
 * always the loader's, word for word.
 */
#include "audit_int.h"

#include <stdio.h>
#include <string.h>

/* ---- the registry the commit leaves ------------------------------------- */

/*
 * Loading the registry parses its tables (24,000 rows of participation in
 * the Focus 2004 registry) and walks archive/; verify and sync ask it of
 * every deposit of the history, which made them quadratic in deposits.
 * So the repository keeps the last registry proved to load (`reg_seen`):
 * the ids of the registry/ and archive/ folders it was proved for, and the
 * registry loaded from a tree with the same registry/. A commit whose
 * parent is that state, that leaves registry/ as it was and only adds
 * archive entries is proved by checking each new entry as the loader
 * would (its name's form, a State and a treaty the registry knows):
 * loading would have read the same tables and the same entries plus
 * these. Anything else (a table changed, an entry replaced or removed, a
 * problem already found in the commit, an entry that does not pass) loads
 * the registry whole, so a refusal is the loader's own, word for word.
 * The ids name the folders' content, so the state holds for any
 * repository; it is only kept after a load that succeeded.
 */
struct chancery__reg_seen {
	git_oid registry, archive; /* archive zero: the tree had none */
	chancery_registry *reg;    /* loaded from a tree with that registry/ */
	size_t bytes;              /* a bound on the loader's archive names */
};

/* The loader's cap on its archive names (registry.c load_archive) and
 * what one entry may take of it (State, treaty, action, path buffers). */
#define ARCHIVE_NAMES_MAX ((size_t)256 << 20)
#define ARCHIVE_ENTRY_MAX (8 + 64 + 64 + 600)

void chancery__reg_seen_free(struct chancery__reg_seen *s)
{
	if (!s)
		return;
	chancery_registry_free(s->reg);
	chancery_free(s);
}

/* The ids of `tree`'s registry/ and archive/ folders: false when either
 * is not a folder (registry/ must be one). */
static bool folder_ids(git_tree *tree, git_oid *reg, git_oid *arc)
{
	const git_tree_entry *r, *a;

	if (!tree || !(r = git_tree_entry_byname(tree, "registry")) ||
	    git_tree_entry_type(r) != GIT_OBJECT_TREE)
		return false;
	git_oid_cpy(reg, git_tree_entry_id(r));
	memset(arc, 0, sizeof(*arc));
	if (!(a = git_tree_entry_byname(tree, "archive")))
		return true;
	if (git_tree_entry_type(a) != GIT_OBJECT_TREE)
		return false;
	git_oid_cpy(arc, git_tree_entry_id(a));
	return true;
}

/* Would the loader take `path`, a file added under archive/, as an entry
 * of `reg`? archive/STATE/TREATY/YYYY-MM-DD-ACTION.txt with a valid State
 * code and treaty id that `reg` knows, a real date, a known action; the
 * same bounds as the loader's (registry.c archive_walk). */
static bool entry_loads(const chancery_registry *reg, const char *path)
{
	char state[8], treaty[64], action[64], ds[11];
	const char *s1, *s2, *name;
	size_t len;
	chancery_date d;
	bool ok;

	if (strncmp(path, "archive/", 8) || !(s1 = strchr(path + 8, '/')) ||
	    !(s2 = strchr(s1 + 1, '/')) || strchr(s2 + 1, '/'))
		return false;
	name = s2 + 1;
	len = strlen(name);
	if ((size_t)(s1 - path - 8) >= sizeof(state) ||
	    (size_t)(s2 - s1 - 1) >= sizeof(treaty) || len < 16 ||
	    len - 15 >= sizeof(action) || strcmp(name + len - 4, ".txt") ||
	    name[10] != '-' || strlen(path) >= 600)
		return false;
	snprintf(state, sizeof(state), "%.*s", (int)(s1 - path - 8), path + 8);
	snprintf(treaty, sizeof(treaty), "%.*s", (int)(s2 - s1 - 1), s1 + 1);
	snprintf(action, sizeof(action), "%.*s", (int)(len - 15), name + 11);
	snprintf(ds, sizeof(ds), "%.10s", name);
	ok = chancery_date_parse(&d, ds) == 0 &&
		chancery_registry_state_code_valid(state) &&
		chancery_registry_treaty_id_valid(treaty) &&
		chancery_registry_action_classify(action) != CHANCERY_ACTION_UNKNOWN &&
		chancery_registry_state_find(reg, state) &&
		chancery_registry_treaty_find(reg, treaty);
	chancery_error_clear();
	return ok;
}

/* Is the registry of `tree` proved by the repository's last one? Its
 * parent's folders are the proved ones (or its own are), registry/ is
 * unchanged, and every change under archive/ adds an entry that loads. */
static bool registry_proved(audit *a, const git_oid *reg,
	const git_oid *arc)
{
	struct chancery__reg_seen *s = a->repo->reg_seen;
	git_oid preg, parc;
	size_t added = 0;

	if (!s || !git_oid_equal(reg, &s->registry))
		return false;
	if (git_oid_equal(arc, &s->archive))
		return true;
	if (a->problems || !folder_ids(a->ptree, &preg, &parc) ||
	    !git_oid_equal(&preg, reg) || !git_oid_equal(&parc, &s->archive))
		return false;
	for (size_t i = 0; i < a->nch; i++) {
		const change *c = &a->ch[i];

		if (strncmp(c->path, "archive", 7) ||
		    (c->path[7] != '/' && c->path[7] != '\0'))
			continue;
		if (c->status != 'A' || !entry_loads(s->reg, c->path))
			return false;
		added++;
	}
	if (s->bytes + added * ARCHIVE_ENTRY_MAX >= ARCHIVE_NAMES_MAX / 2)
		return false;
	s->bytes += added * ARCHIVE_ENTRY_MAX;
	git_oid_cpy(&s->archive, arc);
	return true;
}

/* Keep `reg`, just loaded from a tree with these folders, as proved. */
static void registry_keep(audit *a, chancery_registry **reg,
	const git_oid *rid, const git_oid *arc)
{
	struct chancery__reg_seen *s = a->repo->reg_seen;

	if (!s && !(s = a->repo->reg_seen = chancery__calloc(1, sizeof(*s))))
		return; /* not kept: the next commit loads it again */
	chancery_registry_free(s->reg);
	s->reg = *reg;
	*reg = NULL;
	git_oid_cpy(&s->registry, rid);
	git_oid_cpy(&s->archive, arc);
	s->bytes = chancery_registry_action_count(s->reg) * ARCHIVE_ENTRY_MAX;
}

/* The registry the commit leaves must load: a tree whose registry does
 * not (a table that does not parse, an archive entry the registry
 * refuses) is a problem, for it would stop every command at every office
 * that merged it. */
void chancery__audit_registry_check(audit *a, git_tree *tree)
{
	chancery_registry *reg = NULL;
	git_oid rid, arc;
	bool ids = folder_ids(tree, &rid, &arc);
	int rc;

	if (ids && registry_proved(a, &rid, &arc))
		return;
	rc = chancery__registry_load_tree(&reg, a->repo, tree);
	if (rc == CHANCERY_ENOMEM) {
		a->error = rc;
	} else if (rc < 0) {
		const chancery_error *e = chancery_error_last();

		problem(a, "commit %s: the registry it leaves cannot be loaded "
			"(%s)", a->cid, e ? e->message : "?");
		chancery_error_clear();
		git_error_clear();
	} else if (ids) {
		registry_keep(a, &reg, &rid, &arc);
	}
	chancery_registry_free(reg);
}
