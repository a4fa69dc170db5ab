/*
 * chancery/index.h - the derived index: every question about the history
 * is answered from an SQLite file inside the Git directory
 * (GITDIR/chancery/index.db, never in history), brought up to the branch
 * head before each answer and rebuilt from history whenever it cannot be
 * trusted (docs/index.md). These calls update, rebuild, check and
 * describe it; nothing else needs them.
 */
#ifndef CHANCERY_INDEX_H
#define CHANCERY_INDEX_H

#include "common.h"
#include "repository.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What chancery_index_update did. */
typedef enum {
	CHANCERY_INDEX_CURRENT = 0,  /**< it was at the head already */
	CHANCERY_INDEX_APPENDED = 1, /**< the new commits were appended */
	CHANCERY_INDEX_REBUILT = 2   /**< it was rebuilt from history */
} chancery_index_update_t;

/**
 * Bring the index to the branch head: append the commits since its stamp,
 * or rebuild it when the stamp is no longer in the history, the file was
 * written by another format or version, or is missing or damaged. `how`
 * (may be NULL) says which. CHANCERY_EINVALID when the index is switched
 * off (git config chancery.index=false), CHANCERY_EOS when it cannot be
 * written (a read-only Git directory): the library then replays history.
 */
CHANCERY_EXTERN(int) chancery_index_update(chancery_index_update_t *how,
	chancery_repository *repo);

/** Rebuild the index's event tables from history (other tables stay). */
CHANCERY_EXTERN(int) chancery_index_rebuild(chancery_repository *repo);

/**
 * Bring the index to the head, rebuild the history into a temporary
 * database and compare every row. *events gets the number of events of the
 * history, *differences the number of rows that differ; each difference
 * is one line to `cb` (may be NULL), "event 12 (commit 0a1b2c3d4e5f): ...".
 * Returns 0 whether or not rows differ.
 */
CHANCERY_EXTERN(int) chancery_index_check(size_t *events,
	size_t *differences, chancery_repository *repo,
	chancery_diagnostic_cb cb, void *payload);

/** What chancery_index_info tells. */
typedef struct {
	char *file;       /**< the index file's path (owned) */
	char stamp[41];   /**< the commit it reflects, "" when none */
	char head[41];    /**< the branch head */
	size_t events;    /**< events it holds */
	int format;       /**< its tables' format number, 0 when none */
	int enabled;      /**< 0: switched off or not writable (replay) */
} chancery_index_info_result;

/** Describe the index as it is, without updating it; free the result's
 * strings with chancery_index_info_dispose. */
CHANCERY_EXTERN(int) chancery_index_info(chancery_index_info_result *out,
	chancery_repository *repo);

CHANCERY_EXTERN(void) chancery_index_info_dispose(
	chancery_index_info_result *info);

/* ---- search (engine/index_search.c) -------------------------------------- */

#define CHANCERY_SEARCH_OPTIONS_VERSION 1

typedef struct {
	unsigned int version;
	const char *text;            /**< the words, every one must match */
	const char *state;           /**< only events naming this State */
	const char *treaty;          /**< ... this treaty */
	const char *campaign;        /**< ... of this campaign */
	const chancery_date *since;  /**< event date on or after */
	const chancery_date *until;  /**< event date on or before */
} chancery_search_options;

#define CHANCERY_SEARCH_OPTIONS_INIT { CHANCERY_SEARCH_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL }

/** One event found; every string is borrowed for the callback only. */
typedef struct {
	const char *id;
	const char *commit;
	const char *date;     /**< the event's date, YYYY-MM-DD */
	const char *type;
	const char *state;    /**< its first State, "" when none */
	const char *snippet;  /**< the matching words in [brackets], with
			       * "..." where text is left out */
	double rank;          /**< bm25: lower is better */
} chancery_search_hit;

/** Return non-zero to stop; that value is returned. */
typedef int (*chancery_search_cb)(const chancery_search_hit *hit,
	void *payload);

/**
 * Full text over every event's subject, text, field values and the text
 * of its .txt attachments, best match first (bm25). The index is brought
 * to the head first; CHANCERY_EINVALID when it is switched off or cannot
 * be written, or when `text` holds no word.
 */
CHANCERY_EXTERN(int) chancery_search(chancery_repository *repo,
	const chancery_search_options *opts, chancery_search_cb cb,
	void *payload);

#ifdef __cplusplus
}
#endif
#endif
