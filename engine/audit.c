/*
 * audit.c - is this commit what chancery itself would have written on top
 * of its parent? One answer for `sync` (which refuses a peer's commit that
 * is not) and `verify` (which reports every one that is not).
 *
 * A commit passes when:
 *   - every name in its tree that its parent does not already hold is a
 *     valid file name (chancery__path_component_valid: no "..", ".git" or
 *     an alias of it, no '/' inside a name, ...), every file is a plain
 *     file (no symbolic link, executable or submodule), and no folder it
 *     changes nests more than CHANCERY__MAX_DEPTH folders deep;
 *   - it carries an event (trailers) with a well-formed id, and its record
 *     events/YYYY/MM/DD/ID.txt (by month, events/YYYY/MM/ID.txt, when the
 *     parent's format is 1) is added, says what the trailers say, and the
 *     id is the digest of the parent and the content (event.c);
 *   - its attachments are added with the SHA-256 and size the record gives,
 *     and nothing else under events/ changes;
 *   - it deletes nothing, and besides the record and attachments it adds or
 *     replaces only what its event type may (the `rules` table below: an
 *     import its one table, a campaign its own files once, letters and
 *     reminders into a campaign the parent has, a deposit its archive
 *     entry and notification, with State, Treaty, Action, Date and
 *     reference as chancery writes them);
 *   - when it changes registry/ or archive/, the registry of its tree
 *     loads (registry.c's own checks: a peer cannot leave a table or an
 *     archive entry that would stop every command reading the registry;
 *     a commit that only adds archive entries on top of a registry proved
 *     before is proved by its new entries alone: see registry_check);
 *   - the root commit is the init event and only it; a merge commit is a
 *     sync event whose tree is the merge of its two parents plus its record.
 *
 * Only what the commit changes is looked at: its parent was checked before
 * (sync checks a peer's commits oldest first; verify replays from the root).
 * That a peer's history shares our root is sync's to check (sync.c).
 *
 * This file walks the changes and runs the checks of one commit; the rules
 * per event type are audit_rules.c, the record and attachments
 * audit_record.c, the registry audit_registry.c (audit_int.h).
 */
#include "audit_int.h"

#include <stdlib.h>
#include <string.h>

void chancery__audit_problem(audit *a, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (a->stop)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	a->problems++;
	if (!a->o->problem || (a->o->problem)(line, a->o->payload))
		a->stop = true;
}

bool chancery__audit_done(const audit *a)
{
	return a->stop || a->error;
}

/* (internal.h) */
void chancery__printable(char *out, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < cap; s++)
		out[n++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
	out[n] = '\0';
	if (!chancery__utf8_valid(out, n, false))
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)out[i] >= 0x80)
				out[i] = '?';
}

/* ---- the changes, entry by entry ------------------------------------------ */

static int cmp_change(const void *x, const void *y)
{
	return strcmp(((const change *)x)->path, ((const change *)y)->path);
}

static int add_change(audit *a, const char *prefix, const char *name,
	const git_oid *id, char status)
{
	change *c;

	if (chancery__grow((void **)&a->ch, &a->ach, a->nch + 1,
			sizeof(*a->ch)) < 0)
		return a->error = CHANCERY_ENOMEM;
	c = &a->ch[a->nch];
	if (!(c->path = chancery__sprintf("%s%s", prefix, name)))
		return a->error = chancery__oom();
	git_oid_cpy(&c->id, id);
	c->status = status;
	a->nch++;
	return 0;
}

/* A failure to read what the commit holds: out of memory stops the check;
 * anything else (a tree libgit2 cannot parse, an object missing) is what
 * the commit is, a problem. */
void chancery__audit_unreadable(audit *a, int rc, const char *what)
{
	const git_error *ge = git_error_last();

	if (rc == CHANCERY_ENOMEM || (ge && ge->klass == GIT_ERROR_NOMEMORY))
		a->error = chancery__oom();
	else
		problem(a, "commit %s: %s cannot be read (%s)", a->cid, what,
			ge ? ge->message : "?");
	git_error_clear();
}

static int lookup_tree(audit *a, git_tree **out, const git_oid *id)
{
	int rc = git_tree_lookup(out, a->repo->git, id);

	if (rc < 0)
		unreadable(a, rc, "a folder of its tree");
	return rc;
}

int chancery__audit_read_blob(audit *a, char **out, size_t *size,
	const git_oid *id)
{
	git_blob *b = NULL;
	int rc;

	*out = NULL;
	if ((rc = git_blob_lookup(&b, a->repo->git, id)) < 0) {
		unreadable(a, rc, "a file");
		return -1;
	}
	*size = (size_t)git_blob_rawsize(b);
	*out = chancery__malloc(*size + 1);
	if (!*out) {
		git_blob_free(b);
		return a->error = CHANCERY_ENOMEM;
	}
	memcpy(*out, git_blob_rawcontent(b), *size);
	(*out)[*size] = '\0';
	git_blob_free(b);
	return 0;
}

/* The change of `path` (the changes are sorted by path once walked). */
change *chancery__audit_find_change(audit *a, const char *path)
{
	change key;

	key.path = (char *)path;
	return a->nch ? bsearch(&key, a->ch, a->nch, sizeof(*a->ch),
		cmp_change) : NULL;
}

/* A folder `prefix``name`/ at `depth` (0: a top folder): past
 * CHANCERY__MAX_DEPTH it is a problem, and not walked (so that a tree of
 * nested one-entry folders cannot exhaust the stack). */
static bool too_deep(audit *a, const char *prefix, const char *name,
	int depth)
{
	char shown[300];

	if (depth < CHANCERY__MAX_DEPTH)
		return false;
	chancery__printable(shown, sizeof(shown), name);
	problem(a, "%.200s%s/: nests more than %d folders (commit %s)", prefix,
		shown, CHANCERY__MAX_DEPTH, a->cid);
	return true;
}

/* Every file of `tree` (under `prefix`, `depth` folders down) deleted. */
static void walk_deleted(audit *a, git_tree *tree, const char *prefix,
	int depth)
{
	for (size_t i = 0; i < git_tree_entrycount(tree) && !done(a); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		git_tree *sub = NULL;
		char *p;

		if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
			add_change(a, prefix, git_tree_entry_name(e),
				git_tree_entry_id(e), 'D');
			continue;
		}
		if (too_deep(a, prefix, git_tree_entry_name(e), depth) ||
		    lookup_tree(a, &sub, git_tree_entry_id(e)) < 0)
			return;
		if ((p = chancery__sprintf("%s%s/", prefix,
				git_tree_entry_name(e))))
			walk_deleted(a, sub, p, depth + 1);
		else
			a->error = chancery__oom();
		chancery_free(p);
		git_tree_free(sub);
	}
}

static void walk(audit *a, git_tree *tree, git_tree *ptree,
	const char *prefix, int depth);

/* One entry of the new tree against the parent's entry of that name. */
static void walk_entry(audit *a, const git_tree_entry *e,
	const git_tree_entry *pe, const char *prefix, int depth)
{
	const char *name = git_tree_entry_name(e);
	git_filemode_t mode = git_tree_entry_filemode(e);
	git_tree *sub = NULL, *psub = NULL;
	char shown[300], *p;

	if (pe && git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(pe)) &&
	    mode == git_tree_entry_filemode(pe))
		return; /* unchanged: checked with the parent */
	if (!chancery__path_component_valid(name, strlen(name))) {
		chancery__printable(shown, sizeof(shown), name);
		problem(a, "%s%s: not a valid file name (commit %s): no '..', "
			"'.git' or its aliases, '/', '\\', ':' or control "
			"characters", prefix, shown, a->cid);
		return;
	}
	if (mode == GIT_FILEMODE_TREE) {
		if (too_deep(a, prefix, name, depth) ||
		    lookup_tree(a, &sub, git_tree_entry_id(e)) < 0)
			return;
		if (pe && git_tree_entry_type(pe) == GIT_OBJECT_TREE) {
			if (lookup_tree(a, &psub, git_tree_entry_id(pe)) < 0) {
				git_tree_free(sub);
				return;
			}
		} else if (pe) {
			add_change(a, prefix, name, git_tree_entry_id(pe), 'D');
		}
		if ((p = chancery__sprintf("%s%s/", prefix, name)))
			walk(a, sub, psub, p, depth + 1);
		else
			a->error = chancery__oom();
		chancery_free(p);
		git_tree_free(sub);
		git_tree_free(psub);
		return;
	}
	if (mode != GIT_FILEMODE_BLOB) {
		problem(a, "%s%s: not a plain file (mode %06o, commit %s)",
			prefix, name, (unsigned)mode, a->cid);
		return;
	}
	if (pe && git_tree_entry_type(pe) == GIT_OBJECT_TREE) {
		if (too_deep(a, prefix, name, depth) ||
		    lookup_tree(a, &psub, git_tree_entry_id(pe)) < 0)
			return;
		if ((p = chancery__sprintf("%s%s/", prefix, name)))
			walk_deleted(a, psub, p, depth + 1);
		else
			a->error = chancery__oom();
		chancery_free(p);
		git_tree_free(psub);
		pe = NULL;
	}
	add_change(a, prefix, name, git_tree_entry_id(e), pe ? 'M' : 'A');
}

/* What `tree` changes against `ptree` (NULL: an empty tree), `depth`
 * folders down. */
static void walk(audit *a, git_tree *tree, git_tree *ptree,
	const char *prefix, int depth)
{
	for (size_t i = 0; i < git_tree_entrycount(tree) && !done(a); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);

		walk_entry(a, e, ptree ? git_tree_entry_byname(ptree,
			git_tree_entry_name(e)) : NULL, prefix, depth);
	}
	for (size_t i = 0; ptree && i < git_tree_entrycount(ptree) &&
			!done(a); i++) {
		const git_tree_entry *pe = git_tree_entry_byindex(ptree, i);
		git_tree *sub = NULL;
		char *p;

		if (git_tree_entry_byname(tree, git_tree_entry_name(pe)))
			continue;
		if (git_tree_entry_type(pe) != GIT_OBJECT_TREE) {
			add_change(a, prefix, git_tree_entry_name(pe),
				git_tree_entry_id(pe), 'D');
			continue;
		}
		if (too_deep(a, prefix, git_tree_entry_name(pe), depth) ||
		    lookup_tree(a, &sub, git_tree_entry_id(pe)) < 0)
			return;
		if ((p = chancery__sprintf("%s%s/", prefix,
				git_tree_entry_name(pe))))
			walk_deleted(a, sub, p, depth + 1);
		else
			a->error = chancery__oom();
		chancery_free(p);
		git_tree_free(sub);
	}
}

/* Does the commit change anything under `dir` (with its '/')? */
static bool changes_under(const audit *a, const char *dir)
{
	for (size_t i = 0; i < a->nch; i++)
		if (!strncmp(a->ch[i].path, dir, strlen(dir)))
			return true;
	return false;
}

/* ---- one commit ----------------------------------------------------------------- */

int chancery__commit_check(chancery_repository *repo, git_commit *commit,
	const chancery__check_opts *opts)
{
	chancery__check_opts none = { NULL, NULL, NULL };
	audit a;
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	a.repo = repo;
	a.o = opts ? opts : &none;
	a.commit = commit;
	git_oid_tostr(a.cid, sizeof(a.cid), git_commit_id(commit));
	if ((rc = git_commit_tree(&tree, commit)) < 0 ||
	    (git_commit_parentcount(commit) &&
	     ((rc = git_commit_parent(&parent, commit, 0)) < 0 ||
	      (rc = git_commit_tree(&ptree, parent)) < 0))) {
		unreadable(&a, rc, "its tree or its parent's");
		goto out;
	}
	a.ptree = ptree;
	walk(&a, tree, ptree, "", 0);
	if (!done(&a) && a.nch)
		qsort(a.ch, a.nch, sizeof(*a.ch), cmp_change);
	if (done(&a))
		goto out;
	rc = chancery__event_from_commit(&a.ev, commit);
	if (rc == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		problem(&a, "commit %s (\"%.60s\"): records no event: made "
			"outside chancery", a.cid, git_commit_summary(commit) ?
			git_commit_summary(commit) : "");
		goto out;
	}
	if (rc == CHANCERY_EINVALID) {
		/* an event recording would refuse (event.c says why) */
		problem(&a, "%s", chancery_error_last()->message);
		chancery_error_clear();
		goto out;
	}
	if (rc < 0) {
		a.error = rc;
		goto out;
	}
	chancery__audit_event_check(&a, tree, ptree);
	if (!done(&a) && (changes_under(&a, "registry/") ||
			changes_under(&a, "archive/")))
		chancery__audit_registry_check(&a, tree);
	for (size_t i = 0; a.o->file && !done(&a) && i < a.nch; i++)
		if (a.ch[i].status != 'D' && git_commit_parentcount(commit) < 2 &&
		    a.o->file(a.ch[i].path, &a.ch[i].id, a.o->payload))
			a.stop = true;
out:
	for (size_t i = 0; i < a.nch; i++)
		chancery_free(a.ch[i].path);
	chancery_free(a.ch);
	chancery_event_free(a.ev);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	if (a.error == CHANCERY_ENOMEM)
		return chancery__oom();
	if (a.error < 0)
		return a.error;
	return a.problems ? 1 : 0;
}
