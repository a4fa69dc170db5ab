/*
 * registry_cache.h - the parsed registry kept in the derived index file
 * (registry_cache.c): what the registry's loader, the index's public calls
 * (`index check`, `index rebuild`) and the tests ask of it.
 *
 * Library-internal: not installed, not part of the public API.
 */
#ifndef CHANCERY_REGISTRY_CACHE_H
#define CHANCERY_REGISTRY_CACHE_H

#include "internal.h"

typedef struct sqlite3 sqlite3;

/** The cache's encoding; another number is a miss (parsed again). */
#define CHANCERY__REG_CACHE_FORMAT 1

/**
 * The registry of `tree`: from the cache when it holds this very registry
 * (*hit true; `hit` may be NULL), else parsed (chancery__registry_load_tree)
 * and stored. A cache that cannot be used is never an error: only running
 * out of memory is, besides what the parse says.
 */
int chancery__reg_cache_load(chancery_registry **out, bool *hit,
	chancery_repository *repo, git_tree *tree);

/** chancery_registry_load, saying whether the cache answered. */
int chancery__registry_load_head(chancery_registry **out, bool *hit,
	chancery_repository *repo);

/** The encoding of `r` (deterministic: the same registry, the same bytes)
 * into `out`. */
int chancery__reg_cache_encode(chancery_buf *out, const chancery_registry *r);

/**
 * For `index check`: when the cache holds the head's registry, compare it
 * byte for byte with a fresh parse; each difference (0 or 1) is counted in
 * *differences and told to `cb` (may be NULL).
 */
int chancery__reg_cache_check(size_t *differences, sqlite3 *db,
	chancery_repository *repo, chancery_diagnostic_cb cb, void *payload);

/** For `index rebuild`: empty the cache, then store the head's registry
 * parsed afresh (a head whose registry does not load leaves it empty). */
int chancery__reg_cache_rebuild(sqlite3 *db, chancery_repository *repo);

#endif
