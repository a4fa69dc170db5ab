/*
 * store_git.h - the store's own bridge between chancery's types (store.h)
 * and libgit2's: what a chancery_tree is, and ids converted both ways.
 * Only the store's files include it; nothing outside engine/ may.
 *
 * A chancery_oid and a git_oid are the same 20 bytes (libgit2 built for
 * SHA-1, as chancery repositories are), so conversion is a copy; the
 * static assertion below fails the build if that ever stops being true.
 */
#ifndef CHANCERY_STORE_GIT_H
#define CHANCERY_STORE_GIT_H

#include <string.h>

#include "internal.h"
#include "store.h"

_Static_assert(sizeof(((git_oid *)0)->id) == CHANCERY_OID_RAWSZ,
	"chancery_oid and git_oid must hold the same bytes");

/* `own`: chancery__tree_free frees `git`; a borrowed wrapper (one made on
 * the stack around the pipeline's base tree) never is freed. */
struct chancery_tree {
	git_tree *git;
	chancery_oid id;
	bool own;
};

static inline void chancery__oid_from_git(chancery_oid *out, const git_oid *g)
{
	memcpy(out->id, g->id, CHANCERY_OID_RAWSZ);
}

static inline void chancery__oid_to_git(git_oid *out, const chancery_oid *c)
{
	memcpy(out->id, c->id, CHANCERY_OID_RAWSZ);
}

/* A borrowed handle on `git` in `*storage` (NULL git: NULL). */
static inline const chancery_tree *chancery__tree_borrow(
	chancery_tree *storage, git_tree *git)
{
	if (!git)
		return NULL;
	storage->git = git;
	storage->own = false;
	chancery__oid_from_git(&storage->id, git_tree_id(git));
	return storage;
}

/* Take ownership of `git` (NULL: CHANCERY_ENOMEM, git freed). */
int chancery__tree_adopt(chancery_tree **out, git_tree *git);

/* Called for each file that differs; `c` is borrowed for the call. A
 * non-zero return stops the diff, which returns it. */
typedef int (*chancery__tree_diff_cb)(const chancery_file_change *c,
	void *payload);

/* Each file that differs from tree `a` to tree `b` (either NULL: empty),
 * in path order, reading only the folders whose ids differ
 * (tree_diff.c). */
int chancery__tree_diff(git_repository *git, const git_tree *a,
	const git_tree *b, chancery__tree_diff_cb cb, void *payload);

#endif
