/*
 * index_int.h - the derived index of events (index.c, index_query.c) as
 * the rest of engine/ uses it: the history's walks and lookups ask it
 * first and replay the history only when it cannot answer.
 *
 * "Cannot answer" is never an error: the index switched off (git config
 * chancery.index=false), unwritable (a read-only Git directory), busy
 * past the timeout, a walk from another commit than the head: *answered
 * stays false and the caller replays. Library-internal.
 */
#ifndef CHANCERY_INDEX_INT_H
#define CHANCERY_INDEX_INT_H

#include "internal.h"

/** What a walk of the index selects besides chancery_log_options. */
typedef struct {
	const chancery_log_options *log; /* never NULL */
	bool corrections;  /* only the voids and corrections, oldest first;
			    * from the index (its fates table), each with its
			    * id, type and the fields chancery__event_fate
			    * reads alone, the log's filters unused */
	const char *prefix; /* only events whose id begins with it, or whose
			     * commit does (from 7 characters) */
	const char *about;  /* only events that may concern this State
			     * (about_state) or treaty: chancery__event_about */
	bool about_state;
	bool by_date;       /* by event date (chancery_event_date), then in
			     * the replay's order, instead of that order */
} chancery__index_query;

/**
 * Walk the events `q` selects from the index, brought up to the branch
 * head first, in the replay's order. *answered is false when the index
 * could not be used and nothing was given to `cb` (the caller replays);
 * when it is true the result is the walk's (a callback's non-zero value,
 * or an error). Running out of memory is never "could not be used": it
 * is answered, CHANCERY_ENOMEM.
 */
int chancery__index_foreach(bool *answered, chancery_repository *repo,
	const chancery__index_query *q, chancery_event_cb cb, void *payload);

/** Whether `ev` passes the filters of `o` (the replay's one rule). */
bool chancery__event_matches(const chancery_event *ev,
	const chancery_log_options *o);

/**
 * Whether `ev` may concern State or treaty `subject` (`state`): for a
 * State, a State field naming it, an Acknowledges field starting with it
 * and a space, or any letters batch; for a treaty, a Treaty field naming
 * it, or an Intends or Withdraws field ending in ' ' or ':' and it. A
 * superset of what history tells (archive/history.c narrows it), kept
 * the same in C and in the index's SQL.
 */
bool chancery__event_about(const chancery_event *ev, const char *subject,
	bool state);

/**
 * Whether `ev` voids an event (a void's first Voids field) or corrects one
 * (a reply's first Corrects field): the target's id, the first Reason
 * field ("" without one) and which, borrowed from `ev`. The one rule the
 * effective walk (event_effective.c) and the index's fates table keep.
 */
bool chancery__event_fate(const char **target, const char **reason,
	bool *voids, const chancery_event *ev);

/** The replay itself: chancery_event_foreach without the index. */
int chancery__event_replay(chancery_repository *repo,
	const chancery_log_options *opts, chancery_event_cb cb, void *payload);

/** Close the repository's index connection (NULL-safe). */
void chancery__index_close(chancery_repository *repo);

#endif
