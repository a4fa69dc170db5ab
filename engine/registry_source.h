/*
 * registry_source.h - the seam by which the registry learns the treaty
 * actions recorded after its baseline (the deposits), without knowing where
 * or how they are kept.
 *
 * The registry (engine/) owns participation; the archive module
 * (archive/entry.c) owns its entries archive/STATE/TREATY/DATE-ACTION.txt.
 * The archive registers itself here as the source of recorded actions when
 * the library is loaded, so the arrow runs archive -> engine only: nothing in
 * engine/ names an archive symbol, at compile time or at link time. Every
 * loader of a registry (chancery_registry_load, the commit check, sync,
 * deposit, campaigns) goes through chancery__registry_load_tree, which asks
 * the registered source; with none registered a registry is its baseline.
 *
 * Library-internal: not installed, not part of the public API.
 */
#ifndef CHANCERY_REGISTRY_SOURCE_H
#define CHANCERY_REGISTRY_SOURCE_H

#include "base.h"
#include "store.h"

/**
 * Called once per recorded action, in the source's order. The strings of
 * `action` (state, treaty, action, deposit) are borrowed for the call: the
 * registry copies them. `action->note` is ignored. Return 0, or a negative
 * error to stop (it is passed on).
 */
typedef int (*chancery__action_cb)(const chancery_action *action,
	void *payload);

typedef struct {
	/** what the source is, for messages: "archive" */
	const char *name;
	/**
	 * Report every action recorded in `tree` to `cb`, then return 0; a
	 * malformed record is CHANCERY_EINVALID with the last error saying
	 * which; cb's error is returned as it is.
	 */
	int (*each)(chancery_repository *repo, const chancery_tree *tree,
		chancery__action_cb cb, void *payload);
	/**
	 * The id of everything `each` reads from `tree` (a subtree's id: the
	 * same id, the same actions), all zero when there is nothing to
	 * read; the registry's cache (registry_cache.c) keys on it. NULL: the
	 * source cannot say, and a registry with it is never cached.
	 */
	int (*key)(chancery_oid *out, const chancery_tree *tree);
} chancery__action_source;

/** Make `source` (static storage, or NULL: none) the registry's source of
 * recorded actions. Meant to be called once, before any registry loads. */
void chancery__registry_set_source(const chancery__action_source *source);

/** The registered source, or NULL. */
const chancery__action_source *chancery__registry_source(void);

#endif
