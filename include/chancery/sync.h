/*
 * chancery/sync.h - share a repository with other offices through any Git
 * remote libgit2 reaches (a folder, file://, git://, ssh, https): fetch,
 * merge, push. Events recorded in two clones are different files, so they
 * merge on their own; a real conflict is reported and nothing is pushed.
 */
#ifndef CHANCERY_SYNC_H
#define CHANCERY_SYNC_H

#include "common.h"
#include "repository.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a sync did. */
typedef struct {
	size_t fetched;   /**< commits that came in */
	size_t pushed;    /**< commits that went out */
	int merged;       /**< 1 when a merge commit was made */
	int fast_forward; /**< 1 when the branch only moved forward */
} chancery_sync_result;

#define CHANCERY_SYNC_OPTIONS_VERSION 1

typedef struct {
	unsigned int version;
	/** called with each conflicting path (the line is the path alone)
	 * before the sync fails; may be NULL */
	chancery_diagnostic_cb conflict;
	void *payload;
	int no_push; /**< fetch and merge only */
} chancery_sync_options;

#define CHANCERY_SYNC_OPTIONS_INIT { CHANCERY_SYNC_OPTIONS_VERSION, NULL, NULL, 0 }

/**
 * Sync the branch with `remote`: a remote's name (NULL: "origin") or a URL
 * or path. The remote's branch of the same name is fetched; when both sides
 * have new commits they are merged into a merge commit (recorded like any
 * event, "Chancery-Event: sync"); then the result is pushed. Every commit
 * the remote brings must be what chancery would have written (the check
 * verify makes): the first that is not is refused with CHANCERY_EINVALID,
 * naming it, and nothing is merged. On a conflict
 * CHANCERY_ECONFLICT is returned, `conflict` is called per path, and
 * neither the branch nor the remote changes.
 */
CHANCERY_EXTERN(int) chancery_sync_run(chancery_sync_result *result,
	chancery_repository *repo, const char *remote,
	const chancery_sync_options *opts);

#ifdef __cplusplus
}
#endif
#endif
