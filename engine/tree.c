/*
 * tree.c - trees in chancery's types (store.h): a handle on the whole
 * repository at a commit or on one folder of it, its entries by path, by
 * folder and by walk, and the files in it.
 *
 * A chancery_tree either owns its git_tree (from _head, _of, _lookup,
 * _folder; freed by chancery__tree_free) or borrows one (the pipeline's
 * base, wrapped on the stack by store_git.h; never freed). Reads copy the
 * file out under a cap, so nothing from libgit2 outlives a call. Paths are
 * taken as given: a path that is not in the tree is CHANCERY_ENOTFOUND,
 * whatever its form (validating names is path.c's job, and the caller's).
 * Left out: writing trees (store.c builds them for commits).
 */
#include <stdio.h>
#include <string.h>

#include "store_git.h"
#include "registry_cache.h"

/* 256 MiB, as chancery_buf's default cap */
#define DEFAULT_MAX ((size_t)256 << 20)

int chancery__tree_adopt(chancery_tree **out, git_tree *git)
{
	chancery_tree *t = chancery__malloc(sizeof(*t));

	*out = NULL;
	if (!t) {
		git_tree_free(git);
		return chancery__oom();
	}
	t->git = git;
	t->own = true;
	chancery__oid_from_git(&t->id, git_tree_id(git));
	*out = t;
	return 0;
}

void chancery__tree_free(chancery_tree *t)
{
	if (!t)
		return;
	assert(t->own); /* a borrowed handle is never freed */
	git_tree_free(t->git);
	chancery_free(t);
}

const chancery_oid *chancery__tree_id(const chancery_tree *t)
{
	return &t->id;
}

int chancery__tree_lookup(chancery_tree **out, chancery_repository *repo,
	const chancery_oid *id)
{
	git_tree *git = NULL;
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id);
	*out = NULL;
	chancery__oid_to_git(&g, id);
	if ((error = git_tree_lookup(&git, repo->git, &g)) < 0)
		return chancery__git_error(error, "read a tree");
	return chancery__tree_adopt(out, git);
}

int chancery__tree_of(chancery_tree **out, chancery_repository *repo,
	const chancery_oid *commit)
{
	git_commit *c = NULL;
	git_tree *git = NULL;
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && commit);
	*out = NULL;
	chancery__oid_to_git(&g, commit);
	if ((error = git_commit_lookup(&c, repo->git, &g)) < 0 ||
	    (error = git_commit_tree(&git, c)) < 0) {
		git_commit_free(c);
		return chancery__git_error(error, "read a commit's tree");
	}
	git_commit_free(c);
	return chancery__tree_adopt(out, git);
}

int chancery__tree_head(chancery_tree **out, chancery_oid *head,
	chancery_repository *repo)
{
	git_commit *c = NULL;
	git_tree *git = NULL;
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(out && repo);
	*out = NULL;
	if ((error = git_reference_name_to_id(&g, repo->git,
			repo->branch)) < 0 ||
	    (error = git_commit_lookup(&c, repo->git, &g)) < 0 ||
	    (error = git_commit_tree(&git, c)) < 0) {
		git_commit_free(c);
		return chancery__git_error(error, "read the branch head");
	}
	git_commit_free(c);
	if (head)
		chancery__oid_from_git(head, &g);
	return chancery__tree_adopt(out, git);
}

/* ---- entries ------------------------------------------------------------- */

static void entry_fill(chancery_entry *out, const git_tree_entry *e,
	const char *name)
{
	git_filemode_t mode = git_tree_entry_filemode(e);

	out->name = name;
	out->mode = (unsigned)mode;
	switch (git_tree_entry_type(e)) {
	case GIT_OBJECT_TREE: out->kind = CHANCERY_ENTRY_FOLDER; break;
	case GIT_OBJECT_BLOB:
		out->kind = mode == GIT_FILEMODE_LINK ? CHANCERY_ENTRY_LINK :
			CHANCERY_ENTRY_FILE;
		break;
	default: out->kind = CHANCERY_ENTRY_SUBMODULE;
	}
	chancery__oid_from_git(&out->id, git_tree_entry_id(e));
}

/* The entry at `path`, or CHANCERY_ENOTFOUND saying so. */
static int entry_bypath(git_tree_entry **out, const chancery_tree *t,
	const char *path)
{
	int error = git_tree_entry_bypath(out, t->git, path);

	if (error == GIT_ENOTFOUND) {
		git_error_clear();
		return chancery__error(CHANCERY_ENOTFOUND, "'%.300s' not found",
			path);
	}
	if (error < 0)
		return chancery__git_error(error, path);
	return 0;
}

int chancery__tree_entry(chancery_entry *out, const chancery_tree *t,
	const char *path)
{
	git_tree_entry *e = NULL;
	const char *slash;
	int error;

	CHANCERY_ASSERT_ARG(out && t && path);
	if ((error = entry_bypath(&e, t, path)) < 0)
		return error;
	slash = strrchr(path, '/');
	entry_fill(out, e, slash ? slash + 1 : path);
	git_tree_entry_free(e);
	return 0;
}

bool chancery__tree_has(const chancery_tree *t, const char *path)
{
	git_tree_entry *e = NULL;
	bool found;

	if (!t || !path)
		return false;
	found = git_tree_entry_bypath(&e, t->git, path) == 0;
	git_tree_entry_free(e);
	if (!found)
		git_error_clear();
	return found;
}

int chancery__tree_file(char **out, size_t *size, const chancery_tree *t,
	const char *path, size_t max)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	uint64_t n;
	int error;

	CHANCERY_ASSERT_ARG(out && size && t && path);
	*out = NULL;
	*size = 0;
	if ((error = entry_bypath(&e, t, path)) < 0)
		return error;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB) {
		error = chancery__error(CHANCERY_EINVALID, "'%.300s' is not a "
			"file", path);
		goto done;
	}
	if ((error = git_blob_lookup(&blob, git_tree_owner(t->git),
			git_tree_entry_id(e))) < 0) {
		error = chancery__git_error(error, path);
		goto done;
	}
	n = (uint64_t)git_blob_rawsize(blob);
	if (n > (max ? max : DEFAULT_MAX)) {
		error = chancery__error(CHANCERY_EINVALID, "'%.300s': %llu "
			"bytes, more than the %zu allowed", path,
			(unsigned long long)n, max ? max : DEFAULT_MAX);
		goto done;
	}
	if (!(*out = chancery__malloc((size_t)n + 1))) {
		error = chancery__oom();
		goto done;
	}
	memcpy(*out, git_blob_rawcontent(blob), (size_t)n);
	(*out)[n] = '\0';
	*size = (size_t)n;
done:
	git_blob_free(blob);
	git_tree_entry_free(e);
	return error;
}

/* ---- folders ------------------------------------------------------------- */

/* The git tree of `folder` in `t`: borrowed (*sub == t->git, *own NULL)
 * for the tree itself, else looked up into *own. */
static int folder_git(git_tree **sub, git_tree **own, const chancery_tree *t,
	const char *folder)
{
	git_tree_entry *e = NULL;
	int error;

	*own = NULL;
	*sub = t->git;
	if (!folder || !*folder)
		return 0;
	if ((error = entry_bypath(&e, t, folder)) < 0)
		return error;
	if (git_tree_entry_type(e) != GIT_OBJECT_TREE)
		error = chancery__error(CHANCERY_EINVALID, "'%.300s' is not a "
			"folder", folder);
	else if ((error = git_tree_lookup(own, git_tree_owner(t->git),
			git_tree_entry_id(e))) < 0)
		error = chancery__git_error(error, folder);
	else
		*sub = *own;
	git_tree_entry_free(e);
	return error;
}

int chancery__tree_folder(chancery_tree **out, const chancery_tree *t,
	const char *path)
{
	git_tree *sub, *own;
	int error;

	CHANCERY_ASSERT_ARG(out && t && path && *path);
	*out = NULL;
	if ((error = folder_git(&sub, &own, t, path)) < 0)
		return error;
	return chancery__tree_adopt(out, own);
}

int chancery__tree_count(size_t *out, const chancery_tree *t,
	const char *folder)
{
	git_tree *sub, *own;
	int error;

	CHANCERY_ASSERT_ARG(out && t);
	*out = 0;
	if ((error = folder_git(&sub, &own, t, folder)) < 0)
		return error;
	*out = git_tree_entrycount(sub);
	git_tree_free(own);
	return 0;
}

int chancery__tree_foreach(const chancery_tree *t, const char *folder,
	chancery_entry_cb cb, void *payload)
{
	git_tree *sub, *own;
	int error;

	CHANCERY_ASSERT_ARG(t && cb);
	if ((error = folder_git(&sub, &own, t, folder)) < 0)
		return error;
	for (size_t i = 0; i < git_tree_entrycount(sub) && !error; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(sub, i);
		chancery_entry ce;

		entry_fill(&ce, e, git_tree_entry_name(e));
		error = cb(&ce, payload);
	}
	git_tree_free(own);
	return error;
}

/* ---- walks --------------------------------------------------------------- */

typedef struct {
	chancery_walk_entry_cb cb;
	void *payload;
	int stop;       /* the callback's negative return */
	bool too_deep;
} tree_walk;

static int walk_each(const char *root, const git_tree_entry *e, void *payload)
{
	tree_walk *w = payload;
	chancery_entry ce;
	size_t depth = 0;
	int rc;

	for (const char *p = root; *p; p++)
		depth += *p == '/';
	if (depth >= CHANCERY__MAX_DEPTH) {
		w->too_deep = true;
		return GIT_EUSER;
	}
	entry_fill(&ce, e, git_tree_entry_name(e));
	rc = w->cb(root, &ce, w->payload);
	if (rc < 0) {
		w->stop = rc;
		return GIT_EUSER;
	}
	return rc > 0 ? 1 : 0;
}

int chancery__tree_walk(const chancery_tree *t, const char *folder,
	chancery_walk_entry_cb cb, void *payload)
{
	tree_walk w = { cb, payload, 0, false };
	git_tree *sub, *own;
	int error;

	CHANCERY_ASSERT_ARG(t && cb);
	if ((error = folder_git(&sub, &own, t, folder)) < 0)
		return error;
	error = git_tree_walk(sub, GIT_TREEWALK_PRE, walk_each, &w);
	if (w.stop) {
		error = w.stop;
	} else if (w.too_deep) {
		git_error_clear();
		error = chancery__error(CHANCERY_EINVALID, "folders nest more "
			"than %d deep", CHANCERY__MAX_DEPTH);
	} else if (error < 0) {
		error = chancery__git_error(error, "walk a tree");
	}
	git_tree_free(own);
	return error;
}

/* ---- readers of a tree elsewhere in engine/ ------------------------------ */

int chancery__registry_load_at(chancery_registry **out,
	chancery_repository *repo, const chancery_tree *t)
{
	/* chancery__registry_load_tree needs a tree (its NULL is not the
	 * head, whatever internal.h says): the head's is the public load.
	 * A write's base is the head's tree or about to be: the cache is
	 * keyed by content, so it answers when the registry is the one it
	 * holds and is brought up to date when it is not */
	if (!t)
		return chancery_registry_load(out, repo);
	return chancery__reg_cache_load(out, NULL, repo, t->git);
}
