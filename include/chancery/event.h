/*
 * chancery/event.h - events: every operation on a repository is one event,
 * recorded as one commit. The commit adds the event's record file
 * (events/YYYY/MM/ID.txt, plus ID/ for attachments) and carries a trailer
 * block ("Chancery-Event: note", "Chancery-State: LBR", ...) that plain git
 * reads. History is read back from those trailers.
 */
#ifndef CHANCERY_EVENT_H
#define CHANCERY_EVENT_H

#include "common.h"
#include "repository.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chancery_event chancery_event;

/** Longest value of a field, and of an attachment. */
#define CHANCERY_FIELD_MAX 1024
#define CHANCERY_MESSAGE_MAX (64 * 1024)
#define CHANCERY_ATTACHMENT_MAX (64 * 1024 * 1024)

/**
 * A new event of `type` (lowercase letters, digits and '-', as "note").
 * The caller frees it.
 */
CHANCERY_EXTERN(int) chancery_event_new(chancery_event **out, const char *type);

CHANCERY_EXTERN(void) chancery_event_free(chancery_event *event);

/**
 * Add a field. `key` is a word of letters, digits and '-' starting with an
 * uppercase letter ("State", "Campaign", "Date"); keys may repeat. The value
 * is one line of printable UTF-8, at most CHANCERY_FIELD_MAX bytes. Every
 * field becomes a trailer "Chancery-KEY: value" of the commit.
 */
CHANCERY_EXTERN(int) chancery_event_add(chancery_event *event, const char *key,
	const char *value);

/** Set the free text (the commit's body and the record's body). */
CHANCERY_EXTERN(int) chancery_event_set_message(chancery_event *event,
	const char *text);

/** Set the commit subject; by default it is made from type and fields. */
CHANCERY_EXTERN(int) chancery_event_set_subject(chancery_event *event,
	const char *subject);

/**
 * Attach a file: stored under the event's folder as `name` (a plain file
 * name: no '/', no leading '.'), with its SHA-256 in the record.
 */
CHANCERY_EXTERN(int) chancery_event_attach(chancery_event *event,
	const char *name, const void *data, size_t size);

/**
 * Attach the file at `path` under its base name. Only a regular file is
 * taken (a FIFO, device or folder: CHANCERY_EINVALID, "not a regular
 * file"), read to its end whatever size it reports (a /proc file reports
 * 0), and refused beyond CHANCERY_ATTACHMENT_MAX bytes; CHANCERY_ENOTFOUND
 * when there is no such file.
 */
CHANCERY_EXTERN(int) chancery_event_attach_file(chancery_event *event,
	const char *path);

/**
 * Record the event as one commit on the branch head. Objects are written
 * first, then the branch moves by compare-and-swap; when another writer got
 * there first the commit is rebuilt on the new head and tried again. The
 * working tree is brought up to date afterwards. On success the event knows
 * its id and commit.
 *
 * CHANCERY_EDIRTY when the working tree holds changes made by hand,
 * CHANCERY_ELOCKED when another program holds the branch lock for too long.
 */
CHANCERY_EXTERN(int) chancery_event_record(chancery_repository *repo,
	chancery_event *event);

CHANCERY_EXTERN(const char *) chancery_event_type(const chancery_event *event);
/** The event id ("20040820T101500Z-1a2b3c4d"), or NULL before recording. */
CHANCERY_EXTERN(const char *) chancery_event_id(const chancery_event *event);
/** The commit id (40 hex), or NULL before recording. */
CHANCERY_EXTERN(const char *) chancery_event_commit(
	const chancery_event *event);
CHANCERY_EXTERN(const char *) chancery_event_subject(
	const chancery_event *event);
CHANCERY_EXTERN(const char *) chancery_event_message(
	const chancery_event *event);
/** "Name <email>" of who recorded it. */
CHANCERY_EXTERN(const char *) chancery_event_author(
	const chancery_event *event);
/** When it was recorded (Unix seconds) and the recorder's UTC offset. */
CHANCERY_EXTERN(int64_t) chancery_event_time(const chancery_event *event);
CHANCERY_EXTERN(int) chancery_event_time_offset(const chancery_event *event);
/** First value of field `key`, or NULL. */
CHANCERY_EXTERN(const char *) chancery_event_get(const chancery_event *event,
	const char *key);
CHANCERY_EXTERN(size_t) chancery_event_field_count(const chancery_event *event);
/** Field `i`: key and value, borrowed. */
CHANCERY_EXTERN(int) chancery_event_field(const char **key, const char **value,
	const chancery_event *event, size_t i);
/** The paths (relative to the repository) the event's commit added. */
CHANCERY_EXTERN(size_t) chancery_event_path_count(const chancery_event *event);
CHANCERY_EXTERN(const char *) chancery_event_path(const chancery_event *event,
	size_t i);

#define CHANCERY_LOG_OPTIONS_VERSION 1

typedef struct {
	unsigned int version;
	const char *state;           /**< only events naming this State */
	const char *treaty;          /**< ... this treaty */
	const char *campaign;        /**< ... this campaign */
	const char *type;            /**< ... of this type */
	const chancery_date *since;  /**< event date on or after */
	const chancery_date *until;  /**< event date on or before */
	int oldest_first;            /**< default: newest first */
	const char *at;              /**< walk from this commit, not the head */
} chancery_log_options;

#define CHANCERY_LOG_OPTIONS_INIT { CHANCERY_LOG_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL }

/** Return non-zero to stop the walk; that value is returned. */
typedef int (*chancery_event_cb)(const chancery_event *event, void *payload);

/**
 * Walk the history of the branch head, reading each chancery commit's
 * trailers, and call `cb` for every event that matches. The event date
 * filtered by since/until is the "Date" field when the event has one (the
 * real-world date), else the day it was recorded (UTC).
 */
CHANCERY_EXTERN(int) chancery_event_foreach(chancery_repository *repo,
	const chancery_log_options *opts, chancery_event_cb cb, void *payload);

/**
 * Find one event by its id (or a unique prefix of it) or by its commit id
 * (or an abbreviation of at least 7 hex digits). The caller frees it.
 * CHANCERY_ENOTFOUND when nothing matches; CHANCERY_EINVALID when several
 * events do, the error naming how many and the first five (newest first).
 */
CHANCERY_EXTERN(int) chancery_event_lookup(chancery_event **out,
	chancery_repository *repo, const char *id);

/**
 * The record file of an event as stored in the repository, into *out
 * (the caller frees it with chancery_free()).
 */
CHANCERY_EXTERN(int) chancery_event_record_text(char **out, size_t *size,
	chancery_repository *repo, const chancery_event *event);

/** The date that dates an event: its Date field, else the recording day. */
CHANCERY_EXTERN(int) chancery_event_date(chancery_date *out,
	const chancery_event *event);

/* ---- corrections (event_effective.c) ------------------------------------ */

/**
 * What became of the events of a history: an event is voided by a later
 * `void` event naming it (field Voids), or corrected by a later reply
 * naming it (field Corrects) that is not voided itself. Both stay in
 * history; docs/corrections.md.
 */
typedef struct chancery_corrections chancery_corrections;

/** The corrections of the history of the branch head, or as of commit
 * `at` (NULL: the head). The caller frees them. */
CHANCERY_EXTERN(int) chancery_corrections_load(chancery_corrections **out,
	chancery_repository *repo, const char *at);

CHANCERY_EXTERN(void) chancery_corrections_free(chancery_corrections *c);

/**
 * The id of the event that voids or corrects event `id` (borrowed), or
 * NULL when it stands. *voided (may be NULL) says which, *reason (may be
 * NULL) gets the void's or correction's Reason (borrowed, "" if none).
 */
CHANCERY_EXTERN(const char *) chancery_corrections_of(
	const chancery_corrections *c, const char *id, int *voided,
	const char **reason);

/**
 * chancery_event_foreach over the effective events only: every event
 * voided or corrected is left out (the voids and corrections themselves
 * are walked like any event).
 */
CHANCERY_EXTERN(int) chancery_event_foreach_effective(
	chancery_repository *repo, const chancery_log_options *opts,
	chancery_event_cb cb, void *payload);

#ifdef __cplusplus
}
#endif
#endif
