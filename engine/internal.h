/*
 * internal.h - what engine/ keeps to itself and the public API does not
 * show: libgit2's errors, the repository structure, the commit pipeline,
 * locks, events, commit checks and registry internals. It includes
 * <git2.h> (engine/ owns libgit2) and base.h, the shared base (errors,
 * allocator, buffers, text, dates, files, paths) that needs no dependency.
 *
 * Names with a double underscore (chancery__) are library-internal and are
 * never exported in a public header.
 */
#ifndef CHANCERY_INTERNAL_H
#define CHANCERY_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <assert.h>

#include <git2.h>

#include "chancery.h"
#include "base.h"
#include "store.h"

/** Translate the last libgit2 error (engine/giterr.c); `what` says what
 * we were doing. */
int chancery__git_error(int git_code, const char *what);

/* ---- the repository ------------------------------------------------------ */

struct chancery_repository {
	git_repository *git;
	char *workdir;  /* NULL: a bare repository */
	char *branch;  /* full name: refs/heads/main */
	char *sig_name;
	char *sig_email;
	int64_t sig_time;
	int sig_offset;
	bool have_sig;
	/* the last checkout under the lock failed: the working tree lags
	 * behind the branch, and the lock keeps saying so until one works */
	bool worktree_behind;
	/* how the last write checked the working tree (store.c): 0 not at
	 * all (bare), 1 the working tree only (the stamp held), 2 in full */
	int worktree_check;
	struct chancery__reg_seen *reg_seen; /* audit.c: the last registry proved */
	/* index_query.c: the index's one connection (NULL until a walk
	 * opens it), -1 in index_mode when it is off or cannot be written,
	 * the walks under way and the head the outermost one reads */
	struct sqlite3 *index_db;
	int index_mode;
	int index_depth;
	git_oid index_at;
};

/** The marker that makes a Git repository chancery's: the latest format
 * (2, events filed by day), which new repositories get, and format 1
 * (events by month), which is still read and written (event_layout.c). */
#define CHANCERY_FORMAT_PATH ".chancery/format"
#define CHANCERY_FORMAT_TEXT "chancery repository format 2\n"
#define CHANCERY_FORMAT_TEXT_1 "chancery repository format 1\n"

/** The format of the repository `tree` is a commit of (NULL: the head's),
 * CHANCERY__FORMAT_MONTH or _DAY; CHANCERY_ENOTREPO when unknown. */
int chancery__tree_format(int *out, chancery_repository *repo, git_tree *tree);

/** The folder of event `id` in `tree`, in whichever layout it was filed
 * (day, then month); CHANCERY_ENOTFOUND when the tree has no record of it. */
int chancery__event_dir_in(char *out, size_t size, git_tree *tree,
	const char *id);

/** Start libgit2 once (every entry point that reaches a repository). */
/* The commits reachable from `start` and not from `hide` (NULL: none), in
 * libgit2's `sort` order (GIT_SORT_* flags), each id handed to `cb`; its
 * nonzero return stops the walk and is returned. A failure of the walk
 * itself is reported as "`what`: ...". The engine's one revwalk (walk.c):
 * the replay, the index's build, chancery__walk and sync's check use it. */
typedef int (*chancery__oid_cb)(const git_oid *id, void *payload);
int chancery__revwalk(git_repository *git, const git_oid *start,
	const git_oid *hide, unsigned sort, const char *what,
	chancery__oid_cb cb, void *payload);

int chancery__git_init(void);

/** Build the commit signature (author = committer) for a write. */
int chancery__signature(git_signature **out, chancery_repository *repo);

/** Read a blob at `path` of `tree` (NULL tree: the head's). */
int chancery__tree_read(char **out, size_t *size, chancery_repository *repo,
	git_tree *tree, const char *path);

/* ---- the commit pipeline (store.c) --------------------------------------- */

/** One file a commit adds or replaces (data == NULL: remove the path). */
typedef struct {
	char *path;
	char *data;
	size_t size;
} chancery_change;

typedef struct chancery_changeset {
	chancery_change *items;
	size_t count;
	size_t alloc;
	char *message; /* the whole commit message */
} chancery_changeset;

int chancery_changeset_add(chancery_changeset *cs, const char *path,
	const char *data, size_t size);
/** Add taking ownership of `data` (allocated with chancery__malloc). */
int chancery_changeset_add_owned(chancery_changeset *cs, const char *path,
	char *data, size_t size);
void chancery_changeset_clear(chancery_changeset *cs);

/**
 * Called once per attempt with the head's tree (NULL for the first commit)
 * and commit id (NULL likewise): fill `cs` with the changes and message.
 * It is called again after a lost race, with `cs` cleared.
 */
typedef int (*chancery_build_cb)(chancery_changeset *cs, git_tree *base,
	const git_oid *head, void *payload);

typedef struct {
	bool append_only;   /* refuse to replace an existing path */
	bool allow_empty;   /* commit even when the tree does not change */
	const git_oid *extra_parent; /* a second parent (merge), or NULL */
	const git_oid *expect_head;  /* only commit on this head (sync) */
	const git_oid *base_tree;    /* build on this tree, not the head's */
	/* called under the repository lock, with the branch checked to be
	 * still at the head the commit was built on, just before the branch
	 * moves: a negative return gives up (nothing is published) */
	int (*before_publish)(chancery_repository *repo, const git_oid *commit,
		void *payload);
	void *before_payload;
} chancery_commit_opts;

/**
 * Build, commit and publish: the heart of every write. Returns 0 and the new
 * commit id, CHANCERY_EUNCHANGED when the tree would not change (nothing is
 * written), or an error (nothing published).
 */
int chancery__commit(git_oid *out, chancery_repository *repo,
	chancery_build_cb build, void *payload,
	const chancery_commit_opts *opts);

/** Move the branch from `from` to `to` (a descendant), under the lock. */
int chancery__fast_forward(chancery_repository *repo, const git_oid *from,
	const git_oid *to);

/**
 * Push `commit` to the branch of the same name at `remote` (a remote's name
 * or a URL), only as a fast-forward: CHANCERY_ECONFLICT when the remote's
 * branch has moved past what we have.
 */
int chancery__push_commit(chancery_repository *repo, const char *remote,
	const git_oid *commit);

/**
 * Take a lock of the Git folder `gitdir` (with its trailing '/'): flock on
 * GITDIR/NAME, which must be a regular file of its own (a symbolic link,
 * hard link, FIFO or folder there: CHANCERY_ELOCKED, nothing touched), and
 * write our mark "publishing PID". When the mark found says the last holder
 * died holding Git's lock file GITDIR/F ("publishing PID F", see
 * chancery__lock_mark) and F is one of LEFTOVERS (NULL-terminated), that
 * file is its own and is removed; *recovered is true when a mark was found
 * at all (a checkout may be due). `patient`: wait for
 * the flock as long as it takes; else about 5 seconds, then
 * CHANCERY_ELOCKED (another repository's lock, taken while holding ours).
 */
int chancery__lock_take(int *fd, bool *recovered, const char *gitdir,
	const char *name, const char *const *leftovers, bool patient);
/** The repository lock: chancery.lock, leftovers BRANCH.lock and index.lock. */
int chancery__repo_lock(int *fd, bool *recovered, const char *gitdir,
	const char *branch, bool patient);
/**
 * Take the lock GITDIR/NAME shared, as a reader that must not meet a
 * writer half-way (chancery__lock_take's holders): waited for as long as
 * a writer holds it, never marked, let go with close(*fd). A lock file
 * that is not a regular file of its own: CHANCERY_ELOCKED, as for a
 * writer. None there and none can be made (a folder we may not write):
 * 0 with *fd = -1, for nobody writes there through chancery.
 */
int chancery__lock_share(int *fd, const char *gitdir, const char *name);
/** Say in the mark that we take Git's lock file GITDIR/TAKING.lock now
 * (just before: "refs/heads/main", "index"), or none (NULL, just after we
 * let it go). */
void chancery__lock_mark(int fd, const char *taking);
/** Release it; `behind`: the working tree is left behind the branch. */
void chancery__lock_leave(int fd, bool behind);
/** Wait about 5 seconds for another process's lock file `path` to go;
 * then CHANCERY_ELOCKED naming it and `what` it locks. Never removes it. */
int chancery__lock_wait(const char *path, const char *what);
/** The error for a lock file `path` held by another process. */
int chancery__lock_held(const char *path, const char *what);
/** Sleep `ms` milliseconds, between two tries of a lock. */
void chancery__pause_ms(int ms);

/** Bring index and working tree to the branch head, under the lock (a
 * bare repository: nothing to do). */
int chancery__worktree_update(chancery_repository *repo);

/* ---- the index's stamp (worktree_stamp.c) --------------------------------- */

/** After a checkout of `head` that wrote `index`, under the lock: remember
 * that the index file holds exactly `head`. Best effort, reports nothing. */
void chancery__stamp_write(chancery_repository *repo, git_index *index,
	const git_oid *head);
/** 1 when the stamp says the index file, as it is now, holds exactly
 * `head`; 0 for any doubt (none, unreadable, another head or index). */
int chancery__stamp_matches(chancery_repository *repo, const git_oid *head);

/* ---- events (event.c) --------------------------------------------------- */

/** More changes for an event's commit, built on each attempt's base. */
typedef int (*chancery__extra_cb)(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *event, void *payload);

/** Record `event` as one commit, plus what `extra` adds (may be NULL). */
int chancery__event_commit(chancery_repository *repo, chancery_event *event,
	chancery__extra_cb extra, void *payload,
	const chancery_commit_opts *opts);

/**
 * The digest behind an event id: SHA-256 over the parent commit (hex, or
 * "root"), the record's header without its Id line, the text, and the
 * paths the commit changes besides the record and its attachments (sorted
 * here, in place). The id is the recording time and 8 hex of it.
 */
int chancery__event_digest(char out[65], const char *parent,
	const char *header, size_t header_len, const char *message,
	const char **paths, size_t npaths);

/** Read an event from a commit message (subject, text, trailers) and its
 * author; CHANCERY_ENOTFOUND when it has no Chancery-Event trailer. */
int chancery__event_from_message(chancery_event **out, const char *msg,
	const char *name, const char *email, int64_t time, int offset);

/** Read a commit's event; CHANCERY_ENOTFOUND for non-chancery commits. */
int chancery__event_from_commit(chancery_event **out, git_commit *commit);

/* ---- what a commit may be (audit.c) ------------------------------------- */

typedef struct {
	/* each problem as one line "WHERE: what"; a nonzero return stops
	 * the check (sync stops at the first, verify hears them all) */
	int (*problem)(const char *line, void *payload);
	/* each file a non-merge commit adds or replaces, once the commit is
	 * judged (NULL: not wanted); a nonzero return stops */
	int (*file)(const char *path, const git_oid *blob, void *payload);
	void *payload;
} chancery__check_opts;

/**
 * Is `commit` what chancery itself would have written on top of its
 * parent(s)? Valid file names and plain files only; an event whose record,
 * attachments and id check; no deletion; only what its event type may add
 * or replace (the rules are in audit.c). Returns 0 when it is, 1 when
 * problems were reported, or a negative error (nothing could be judged).
 */
int chancery__commit_check(chancery_repository *repo, git_commit *commit,
	const chancery__check_opts *opts);
/** Free what the commit check keeps between commits (NULL-safe). */
void chancery__reg_seen_free(struct chancery__reg_seen *s);

/* ---- registry internals --------------------------------------------------- */

/** Load the registry of a tree (NULL: the branch head's). */
int chancery__registry_load_tree(chancery_registry **out,
	chancery_repository *repo, git_tree *tree);

/** Add the embedded Focus 2004 registry files to a changeset. */
int chancery__registry_sample_changes(chancery_changeset *cs);
/** Add registry files holding only their header rows. */
int chancery__registry_empty_changes(chancery_changeset *cs);

/** The embedded sample (sample.c): NUL-terminated file contents. */
typedef struct {
	const char *path;  /* where it goes in the repository */
	const char *data;
	size_t size;
} chancery__sample_file;
extern const chancery__sample_file chancery__sample_files[];
extern const size_t chancery__sample_count;
#endif
