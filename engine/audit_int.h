/*
 * audit_int.h - what the commit check's files share, and nothing else
 * includes: the commit being checked and its changes (`audit`, `change`),
 * how a problem is reported, and each file's one entry point.
 *
 *   audit.c           the changes, entry by entry; one commit
 *   audit_rules.c     what each event type may add or replace; a deposit
 *   audit_record.c    the record, the id, the attachments; a merge
 *   audit_registry.c  the registry the commit leaves (and its cache)
 *
 * Inside these files the helpers of audit.c go by short names (problem,
 * done, ...): the macros below, so that a rule reads as a sentence (the
 * options' own `problem` callback is called as `(o->problem)(...)`).
 */
#ifndef CHANCERY_AUDIT_INT_H
#define CHANCERY_AUDIT_INT_H

#include "internal.h"

typedef struct {
	char *path;
	git_oid id;
	char status; /* 'A' added, 'M' replaced, 'D' deleted */
} change;

typedef struct {
	chancery_repository *repo;
	const chancery__check_opts *o;
	git_commit *commit;
	char cid[13];          /* short commit id, for messages */
	git_tree *ptree;       /* the parent's tree (NULL for the root) */
	chancery_event *ev;
	change *ch;            /* sorted by path once walked */
	size_t nch, ach;
	size_t problems;
	bool stop;             /* the caller has heard enough */
	int error;             /* a failure (memory, unreadable object) */
} audit;

/* ---- audit.c ------------------------------------------------------------- */

/** Report one problem of the commit (one line, printf-style). */
void chancery__audit_problem(audit *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** Has the check stopped (the caller heard enough, or a failure)? */
bool chancery__audit_done(const audit *a);
/** A failure to read what the commit holds: out of memory stops the
 * check, anything else is a problem of the commit. */
void chancery__audit_unreadable(audit *a, int rc, const char *what);
/** Blob `id` NUL-terminated into `*out` (the caller frees it); -1 or
 * CHANCERY_ENOMEM when it cannot be read (already reported). */
int chancery__audit_read_blob(audit *a, char **out, size_t *size,
	const git_oid *id);
/** The change of `path`, or NULL (borrowed). */
change *chancery__audit_find_change(audit *a, const char *path);

#define problem(...) chancery__audit_problem(__VA_ARGS__)
#define done(a) chancery__audit_done(a)
#define unreadable(a, rc, what) chancery__audit_unreadable(a, rc, what)
#define read_blob(a, o, s, id) chancery__audit_read_blob(a, o, s, id)
#define find_change(a, path) chancery__audit_find_change(a, path)

/* ---- audit_rules.c ------------------------------------------------------- */

/** May an event add or replace the file of change `c`? */
typedef bool (*chancery__audit_rule)(const audit *a, const change *c);

/** The rule of event type `type` (types without one may change nothing). */
chancery__audit_rule chancery__audit_rule_of(const char *type);
/** A deposit's trailers agree with each other and with its files. */
void chancery__audit_deposit_check(audit *a, git_tree *ptree);
/** A letters commit writes over no dispatched or superseded letter. */
void chancery__audit_letters_check(audit *a);
/** A close commit only marks an open campaign closed. */
void chancery__audit_close_check(audit *a);
void chancery__audit_refers_check(audit *a);

/* ---- audit_record.c ------------------------------------------------------ */

/** The event's own files (record, attachments, id) and the rules of its
 * type; a merge against the merge of its parents. */
void chancery__audit_event_check(audit *a, git_tree *tree, git_tree *ptree);

/* ---- audit_registry.c ---------------------------------------------------- */

/** The registry the commit leaves loads (or is proved by the last one). */
void chancery__audit_registry_check(audit *a, git_tree *tree);

#endif
