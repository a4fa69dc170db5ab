/*
 * store.h - what the store offers the other modules (archive, workflows,
 * and the engine's own files), in chancery's types: object ids, trees and
 * what is in them, blobs, a walk over the commits with their changes, the
 * reflog and the object database, and the commit pipeline's callbacks.
 *
 * It includes no dependency's header: only the store's files (engine/
 * tree.c, object.c, walk.c, store.c) call libgit2, and they translate its
 * errors into ours (chancery__git_error). docs/store-interface.md has each
 * function and the table from today's libgit2 calls to these.
 *
 * Grammar, as libgit2's: outputs first; `T **out` is the caller's, freed
 * with T's one _free (NULL-safe); returned pointers are borrowed; 0 or a
 * negative CHANCERY_E* code with the thread's last error set. Ids are
 * SHA-1 (20 bytes), as every chancery repository is.
 */
#ifndef CHANCERY_STORE_H
#define CHANCERY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chancery.h"

/* ---- object ids (object.c) ----------------------------------------------- */

#define CHANCERY_OID_RAWSZ 20
#define CHANCERY_OID_HEXSZ 40

/** An object's id: its raw bytes. Compare with chancery__oid_equal. */
typedef struct {
	unsigned char id[CHANCERY_OID_RAWSZ];
} chancery_oid;

/** Parse exactly 40 hex digits (either case); CHANCERY_EINVALID else. */
int chancery__oid_fromstr(chancery_oid *out, const char *hex);
/** 40 lowercase hex digits and a NUL into `out`; returns `out`. */
char *chancery__oid_tostr(char out[CHANCERY_OID_HEXSZ + 1],
	const chancery_oid *id);
bool chancery__oid_equal(const chancery_oid *a, const chancery_oid *b);
/** All zero: the "no object" of a reflog's first entry. */
bool chancery__oid_is_zero(const chancery_oid *id);
/** The id `data` would have as a blob (nothing is written). */
int chancery__oid_hash(chancery_oid *out, const void *data, size_t size);
/** The id the file at `path` (a path on disk) would have as a blob;
 * CHANCERY_ENOTFOUND when it cannot be read. */
int chancery__oid_hashfile(chancery_oid *out, const char *path);

/* ---- the repository (object.c) ------------------------------------------ */

/** The branch's full name, "refs/heads/main" (borrowed from `repo`). */
const char *chancery__branch(const chancery_repository *repo);
/** Now, as a write would sign it: the repository's signature time when
 * one was set with a nonzero time, else the system's clock. */
int64_t chancery__now(const chancery_repository *repo);
/** The Git folder, with a trailing '/' (borrowed): `.git/` of a checked-out
 * repository, the repository itself when it is bare (store.c). */
const char *chancery__gitdir(const chancery_repository *repo);
/** If a writer died inside the lock, finish its checkout (under the lock,
 * as the next writer would); otherwise touch nothing (store.c). */
int chancery__worktree_recover(chancery_repository *repo);
/** Each tracked path whose working-tree copy is not the index's (git
 * status's comparison: the stat first, the content hashed where the stat
 * cannot tell), to `cb` (a nonzero return stops and is returned); for a
 * bare repository nothing (store.c). */
int chancery__worktree_edits(chancery_repository *repo,
	int (*cb)(const char *path, void *payload), void *payload);

/* ---- the repository's objects (object.c) --------------------------------- */

/** The commit the branch points at; CHANCERY_ENOTFOUND when unborn. */
int chancery__head(chancery_oid *out, chancery_repository *repo);
/** The commit `spec` names (an id, a prefix, "main~2"): CHANCERY_ENOTFOUND
 * when it names none, or another kind of object (a tag object, a tree):
 * nothing is peeled. */
int chancery__revparse(chancery_oid *out, chancery_repository *repo,
	const char *spec);
/** 1 when the object database has object `id` (readable or not), 0 when
 * not, or an error (the database cannot be opened: never "not there"). */
int chancery__object_exists(chancery_repository *repo, const chancery_oid *id);
/** Read object `id` whole: 0, CHANCERY_ENOTFOUND, or an error saying
 * why it cannot be read (corrupt, truncated). */
int chancery__object_check(chancery_repository *repo, const chancery_oid *id);
/** Each object id of the object database (loose and packed, in no order).
 * A nonzero return from `cb` stops and is returned. */
int chancery__odb_foreach(chancery_repository *repo,
	int (*cb)(const chancery_oid *id, void *payload), void *payload);
/** 1 when `commit` descends from `ancestor` (not equal to it), else 0. */
int chancery__descendant_of(chancery_repository *repo,
	const chancery_oid *commit, const chancery_oid *ancestor);

/** A blob's contents, NUL-terminated past `*size` (freed with
 * chancery_free); CHANCERY_EINVALID when larger than `max` (0: 256 MiB,
 * SIZE_MAX: no cap), CHANCERY_ENOTFOUND when absent, another error when
 * it is no blob or cannot be read. */
int chancery__blob_read(char **out, size_t *size, chancery_repository *repo,
	const chancery_oid *id, size_t max);

/** One move of the branch, as its reflog keeps it. */
typedef struct {
	chancery_oid old_id;   /* zero for the branch's creation */
	chancery_oid new_id;
	const char *message;   /* borrowed; may be NULL */
} chancery__reflog_entry;

/** The branch's reflog, newest first (none: no calls). A nonzero return
 * from `cb` stops and is returned. */
int chancery__reflog_foreach(chancery_repository *repo,
	int (*cb)(const chancery__reflog_entry *e, void *payload),
	void *payload);

/** 1 when the repository has a remote `name`, 0 when not (or when `name`
 * is no valid remote name). */
int chancery__remote_exists(chancery_repository *repo, const char *name);

/* ---- trees (tree.c) ------------------------------------------------------ */

/** A tree: the whole repository at one commit, or a folder of it. */
typedef struct chancery_tree chancery_tree;

/* FILE and LINK are blobs (what libgit2 calls GIT_OBJECT_BLOB). */
typedef enum {
	CHANCERY_ENTRY_FILE,      /* a plain or executable file */
	CHANCERY_ENTRY_LINK,      /* a symbolic link: its target is a blob */
	CHANCERY_ENTRY_FOLDER,    /* a tree */
	CHANCERY_ENTRY_SUBMODULE  /* another repository's commit */
} chancery_entry_kind;

/** What a tree says of one name in it. */
typedef struct {
	const char *name;   /* borrowed: the last component */
	chancery_entry_kind kind;
	unsigned mode;      /* Git's: 0100644, 0100755, 040000, 0120000... */
	chancery_oid id;
} chancery_entry;

/** The tree of the branch head (and its commit, when `head` is not
 * NULL); CHANCERY_ENOTFOUND when the branch is unborn. Errors say "read
 * the branch head". */
int chancery__tree_head(chancery_tree **out, chancery_oid *head,
	chancery_repository *repo);
/** The tree of commit `commit`. */
int chancery__tree_of(chancery_tree **out, chancery_repository *repo,
	const chancery_oid *commit);
/** The tree object `id` itself (a folder's id from chancery_entry). */
int chancery__tree_lookup(chancery_tree **out, chancery_repository *repo,
	const chancery_oid *id);
/** The folder at `path` of `t` (its own handle); CHANCERY_ENOTFOUND when
 * missing, CHANCERY_EINVALID when `path` names a file. */
int chancery__tree_folder(chancery_tree **out, const chancery_tree *t,
	const char *path);
/** Free a tree from any of the above (never a borrowed one). */
void chancery__tree_free(chancery_tree *t);
/** The tree's own id (borrowed, lives as long as `t`). */
const chancery_oid *chancery__tree_id(const chancery_tree *t);

/** The entry at `path` ("a/b/c"); out->name points into `path`.
 * CHANCERY_ENOTFOUND (with a message) when there is none. */
int chancery__tree_entry(chancery_entry *out, const chancery_tree *t,
	const char *path);
/** Is there anything at `path`? Sets no error: a failure to look (out of
 * memory) reads as "no", as callers of git_tree_entry_bypath took it;
 * where that matters, use chancery__tree_entry. */
bool chancery__tree_has(const chancery_tree *t, const char *path);
/** The file at `path`, NUL-terminated past `*size` (chancery_free it):
 * CHANCERY_ENOTFOUND when missing, CHANCERY_EINVALID when it is no blob
 * (a folder, a submodule) or larger than `max` (0: 256 MiB, SIZE_MAX: no
 * cap). A symbolic link reads as its target's text, as Git stores it. */
int chancery__tree_file(char **out, size_t *size, const chancery_tree *t,
	const char *path, size_t max);

/** How many entries the folder at `folder` (NULL or "": the tree) has;
 * missing or a file: as chancery__tree_folder. */
int chancery__tree_count(size_t *out, const chancery_tree *t,
	const char *folder);

typedef int (*chancery_entry_cb)(const chancery_entry *e, void *payload);
/** Each entry of the folder at `folder` (NULL or "": the tree itself), in
 * Git's order (by name), not descending. Missing or a file: as
 * chancery__tree_folder. A nonzero return from `cb` stops and is
 * returned. */
int chancery__tree_foreach(const chancery_tree *t, const char *folder,
	chancery_entry_cb cb, void *payload);

/** `root` is the folder's path from the walk's start, "" or "a/b/". */
typedef int (*chancery_walk_entry_cb)(const char *root,
	const chancery_entry *e, void *payload);
/** Every entry under `folder` (NULL: all), a folder before what is in it.
 * `cb` returns 0 to go on, a positive number to skip what is under this
 * entry, a negative one to stop (returned). Folders nest at most
 * CHANCERY__MAX_DEPTH deep (deeper: CHANCERY_EINVALID). */
int chancery__tree_walk(const chancery_tree *t, const char *folder,
	chancery_walk_entry_cb cb, void *payload);

/** A name from a tree as it may be printed in a message: control
 * characters (and every byte of invalid UTF-8) as '?', cut to `cap`
 * (engine/audit.c). */
void chancery__printable(char *out, size_t cap, const char *s);

/** The registry of tree `t` (NULL: the branch head's), as
 * chancery__registry_load_tree reads it, from the registry's cache when it
 * holds this very registry (an adapter in tree.c; registry_cache.c). */
int chancery__registry_load_at(chancery_registry **out,
	chancery_repository *repo, const chancery_tree *t);

/* ---- commits and their changes (walk.c) ---------------------------------- */

typedef enum {
	CHANCERY_CHANGE_ADDED,
	CHANCERY_CHANGE_MODIFIED,  /* new contents, or a new mode */
	CHANCERY_CHANGE_DELETED
} chancery_change_kind;

/** A file a commit changed against its first parent (all its files for a
 * root commit). Folders never appear: their files do. */
typedef struct {
	const char *path;          /* borrowed */
	chancery_change_kind kind;
	chancery_oid blob;         /* the new contents; the old if deleted */
	unsigned mode;             /* likewise */
} chancery_file_change;

/** One commit, all borrowed from the walk (valid during the callback). */
typedef struct {
	chancery_oid id;
	chancery_oid tree;
	const chancery_oid *parents;
	size_t nparents;
	const char *message;       /* the whole message */
	const char *author_name;
	const char *author_email;
	int64_t time;              /* the author's, Unix seconds */
	int offset;                /* minutes east of UTC */
	/* filled when the walk asks for changes (not for merges: against
	 * their first parent they say nothing a merge decided) */
	const chancery_file_change *changes;
	size_t nchanges;
} chancery__commit_info;

#define CHANCERY__WALK_OPTS_VERSION 1
typedef struct {
	unsigned version;
	bool newest_first;     /* default: oldest first (parents first) */
	bool changes;          /* compute each commit's file changes */
	/* start here instead of the branch head (an unborn branch: no calls) */
	const chancery_oid *from;
	/* leave out this commit and all it descends from (NULL: none) */
	const chancery_oid *hide;
} chancery__walk_opts;
#define CHANCERY__WALK_OPTS_INIT { CHANCERY__WALK_OPTS_VERSION, false, \
	false, NULL, NULL }

typedef int (*chancery__commit_cb)(const chancery__commit_info *c,
	void *payload);
/** Each commit reachable from the branch head (or opts->from), parents
 * before children unless newest_first. A nonzero return from `cb` stops
 * and is returned. A commit that cannot be read (damaged, missing) fails
 * the walk with the reason: its parents cannot be known either. */
int chancery__walk(chancery_repository *repo, const chancery__walk_opts *opts,
	chancery__commit_cb cb, void *payload);

/** One commit on its own (`changes` as in the walk): free with
 * chancery__commit_info_free. */
int chancery__commit_read(chancery__commit_info **out,
	chancery_repository *repo, const chancery_oid *id, bool changes);
void chancery__commit_info_free(chancery__commit_info *c);

/** The event commit `id` records (chancery__event_from_commit's rules):
 * CHANCERY_ENOTFOUND for a commit without one. */
int chancery__commit_event(chancery_event **out, chancery_repository *repo,
	const chancery_oid *id);

/** What audit.c's commit check reports, in store types. */
typedef struct {
	int (*problem)(const char *line, void *payload);
	int (*file)(const char *path, const chancery_oid *blob, void *payload);
	void *payload;
} chancery__audit_opts;
/** chancery__commit_check of commit `id`: 0 as chancery would write it,
 * 1 when problems were reported, or a negative error. */
int chancery__commit_audit(chancery_repository *repo, const chancery_oid *id,
	const chancery__audit_opts *opts);

/* ---- writing: the commit pipeline's callbacks (walk.c) ------------------- */

/* The changes one commit makes; defined in internal.h (the pipeline). */
typedef struct chancery_changeset chancery_changeset;
int chancery_changeset_add(chancery_changeset *cs, const char *path,
	const char *data, size_t size);
int chancery_changeset_add_owned(chancery_changeset *cs, const char *path,
	char *data, size_t size);

/**
 * Fill `cs` for one attempt on `base` (NULL: the first commit) whose
 * commit is `head` (NULL likewise); both borrowed for the call. Called
 * again, with `cs` cleared, after losing a race to another writer.
 */
typedef int (*chancery__build_fn)(chancery_changeset *cs,
	const chancery_tree *base, const chancery_oid *head, void *payload);
/** More changes for an event's commit, built on each attempt's base. */
typedef int (*chancery__extra_fn)(chancery_changeset *cs,
	const chancery_tree *base, const chancery_oid *head,
	chancery_event *event, void *payload);

/** Build with `build`, commit and publish (chancery__commit, no options):
 * 0 and the commit's id, CHANCERY_EUNCHANGED when nothing changed. */
int chancery__store_commit(chancery_oid *out, chancery_repository *repo,
	chancery__build_fn build, void *payload);

typedef struct {
	/* under the lock, with the branch still where the commit was built,
	 * just before it moves; a negative return gives up */
	int (*before_publish)(chancery_repository *repo,
		const chancery_oid *commit, void *payload);
	void *before_payload;
} chancery__record_opts;

/**
 * Write the folder of a recorded event `ev` (read from history, or just
 * recorded) as its own commit filed it, by day or by month
 * (event_layout.c); when that commit has no record of it (a peer's
 * forgery), the folder its repository format says, for the caller to find
 * nothing there. CHANCERY_EINVALID when the event was never recorded
 * (`out` is then "").
 */
int chancery__event_dir_of(char *out, size_t size, chancery_repository *repo,
	const chancery_event *ev);

/**
 * Walk, oldest first, the events of the branch that `opts` selects (may be
 * NULL: all; its order is ignored) and that may concern State or treaty
 * `subject` (`state`): chancery__event_about's superset, from the index
 * when it can answer (one lookup by field), else by replay. The caller
 * narrows it (archive/history.c).
 */
int chancery__event_foreach_about(chancery_repository *repo,
	const chancery_log_options *opts, const char *subject, bool state,
	chancery_event_cb cb, void *payload);

/**
 * The events chancery__event_foreach_about gives (all of the branch's),
 * by event date (chancery_event_date) and then oldest first: from the
 * index in one query when it can answer, else replayed, sorted and each
 * read again from its commit (archive/history.c tells a story so).
 */
int chancery__event_foreach_about_dated(chancery_repository *repo,
	const char *subject, bool state, chancery_event_cb cb, void *payload);

/**
 * chancery_event_foreach_effective of the events that
 * chancery__event_foreach_about gives: a superset of those that concern
 * `subject`, voided and corrected events left out (a State's story in a
 * campaign, workflows/story.c).
 */
int chancery__event_foreach_effective_about(chancery_repository *repo,
	const chancery_log_options *opts, const char *subject, bool state,
	chancery_event_cb cb, void *payload);

/** Record `event` as one commit plus what `extra` adds (may be NULL), as
 * chancery__event_commit does; `opts` may be NULL. */
int chancery__event_record(chancery_repository *repo, chancery_event *event,
	chancery__extra_fn extra, void *payload,
	const chancery__record_opts *opts);

/** chancery__push_commit in store types: push `commit` to the branch of
 * the same name at `remote`, fast-forward only. */
int chancery__push(chancery_repository *repo, const char *remote,
	const chancery_oid *commit);

#endif
