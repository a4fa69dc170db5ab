/*
 * chancery/repository.h - a correspondence repository: an ordinary Git
 * repository, checked out or bare, holding the registry (registry/) and
 * one record file per event (events/). See docs/repository-format.md.
 */
#ifndef CHANCERY_REPOSITORY_H
#define CHANCERY_REPOSITORY_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chancery_repository chancery_repository;

/** Who records an operation, and when (the commit's author and committer). */
typedef struct {
	const char *name;  /**< display name, e.g. "Treaty Section" */
	const char *email; /**< e-mail address */
	int64_t time;      /**< Unix seconds; 0 means "now" */
	int offset;        /**< minutes east of UTC */
} chancery_signature;

#define CHANCERY_INIT_OPTIONS_VERSION 3

typedef struct {
	unsigned int version;
	/** Non-zero: an empty registry instead of the Focus 2004 sample. */
	int empty;
	/** Branch to create; NULL means "main". */
	const char *branch;
	/** Non-zero: keep the signature's name and e-mail as user.name and
	 * user.email in the new repository's own configuration (.git/config),
	 * so that later operations there record as the same author. */
	int remember_author;
	/** Non-zero: a bare repository (`path` is the Git folder itself, as
	 * `git init --bare` makes): no working tree, so no write reads or
	 * checks one (docs/repository-format.md, "Bare repositories"). */
	int bare;
} chancery_init_options;

#define CHANCERY_INIT_OPTIONS_INIT { CHANCERY_INIT_OPTIONS_VERSION, 0, NULL, \
	0, 0 }

/**
 * Create a chancery repository in `path` (created if missing, it must be
 * empty if it exists) and record the initial registry as its first commit.
 * The identity is taken from the repository's Git configuration unless one
 * is set later with chancery_repository_set_signature(); `signature` here may
 * be NULL for that default.
 *
 * @param out  the opened repository; the caller frees it
 * @return 0, CHANCERY_EEXISTS when `path` is a non-empty folder, or an error
 */
CHANCERY_EXTERN(int) chancery_repository_init(chancery_repository **out,
	const char *path, const chancery_init_options *opts,
	const chancery_signature *signature);

/**
 * Open the chancery repository that contains `path` (searched upwards, as
 * git does). CHANCERY_ENOTFOUND when there is no Git repository there,
 * CHANCERY_ENOTREPO when the Git repository is not chancery's.
 */
CHANCERY_EXTERN(int) chancery_repository_open(chancery_repository **out,
	const char *path);

/** Free a repository handle (NULL is fine). */
CHANCERY_EXTERN(void) chancery_repository_free(chancery_repository *repo);

/** The working folder, with a trailing '/' (borrowed), or NULL for a bare
 * repository, which has none: its files are only in its commits (read
 * them with chancery_repository_read, or `git show`/`git archive`). */
CHANCERY_EXTERN(const char *) chancery_repository_workdir(
	const chancery_repository *repo);

/**
 * Set who records the next operations and, optionally, a fixed time (for
 * reproducible histories). Without it, the identity comes from Git
 * configuration: chancery.name / chancery.email, else user.name / user.email.
 * The strings are copied.
 */
CHANCERY_EXTERN(int) chancery_repository_set_signature(
	chancery_repository *repo, const chancery_signature *signature);

/**
 * Read a setting from the repository's Git configuration (the repository's
 * own file, then the user's and the system's), then, for the few shared
 * settings that decide nothing about where data goes or what runs
 * (chancery.name, chancery.email), from the tracked .chancery/config.
 * CHANCERY_ENOTFOUND when it is not set. The caller frees *out with
 * chancery_free().
 */
CHANCERY_EXTERN(int) chancery_repository_config(char **out,
	chancery_repository *repo, const char *key);

/**
 * Read the file at `path` of the branch head into *out (the caller frees
 * it with chancery_free()). CHANCERY_ENOTFOUND when there is none.
 */
CHANCERY_EXTERN(int) chancery_repository_read(char **out, size_t *size,
	chancery_repository *repo, const char *path);

/**
 * The commit id (40 hex digits) of the branch head, into `out` (41 bytes).
 */
CHANCERY_EXTERN(int) chancery_repository_head(char out[41],
	chancery_repository *repo);

/**
 * The repository format of the branch head, into *out: 2 (events filed by
 * day, events/YYYY/MM/DD/ID.txt; new repositories) or 1 (by month,
 * events/YYYY/MM/ID.txt; repositories made before format 2, until
 * upgraded). Both are read and written (docs/repository-format.md).
 */
CHANCERY_EXTERN(int) chancery_repository_format(int *out,
	chancery_repository *repo);

/**
 * Upgrade the repository to the latest format (2) by recording an event
 * `upgrade` (fields From and To) whose commit changes .chancery/format and
 * nothing else; events recorded after it are filed by day, those before
 * it stay where they are. CHANCERY_EUNCHANGED when it is already at the
 * latest format (nothing recorded).
 *
 * @param out  the upgrade's commit id (41 bytes), or NULL
 */
CHANCERY_EXTERN(int) chancery_repository_upgrade(char *out,
	chancery_repository *repo);

#ifdef __cplusplus
}
#endif
#endif
