/*
 * index_proof.h - what verify proved, kept in the derived index: the
 * proofs (a clean run: its head commit, time, full or incremental, the
 * events and files it checked) and the fixity of each archived file (the
 * fixity line it must match, when it was last re-hashed, each check
 * logged).
 *
 * The tables are verify's own (verify_proofs, fixity_files, fixity_log)
 * in GITDIR/chancery/index.db (index_db.h); the events tables of the same
 * file belong to index.c. Nothing here is trusted to say a file is sound:
 * it says which files to re-hash next and what was shown before. Missing
 * or damaged tables make verify run in full (and the file is made anew).
 *
 * Library-internal: not installed, not part of the public API.
 */
#ifndef CHANCERY_INDEX_PROOF_H
#define CHANCERY_INDEX_PROOF_H

#include <stdbool.h>
#include <stdint.h>

#include "base.h"
#include "chancery.h"
#include "store.h"

typedef struct chancery__proofs chancery__proofs;

/** The fixity period when git config chancery.fixityDays is not set. */
#define CHANCERY__FIXITY_DAYS 90

/** The period, git config chancery.fixityDays (0 to 36500; 0: every
 * run re-hashes every file): CHANCERY_EINVALID naming a bad value. */
int chancery__fixity_days(int *out, chancery_repository *repo);

/** One clean verification. */
typedef struct {
	chancery_oid commit;   /* the branch head it proved */
	int64_t time;          /* Unix seconds, the repository's now */
	bool full;
	size_t events, files;
	size_t reflog;         /* entries of the branch's reflog it saw */
	/* the working tree it checked (a copy elsewhere was never checked) */
	char workdir[1024];
} chancery__proof;

/** One archived file under fixity: its line and its last check. */
typedef struct {
	char path[400];
	chancery_oid blob;
	char sha256[65];
	size_t size;
	char event[80];
	int64_t checked;       /* 0: never re-hashed since it was recorded */
	bool ok;               /* the last check's result */
} chancery__fixity_file;

/**
 * Open verify's tables in the index of `repo`, creating them when
 * missing. *fresh (may be NULL) is true when the file or the tables were
 * not there, or the file was damaged and made anew: nothing is known.
 * Writes are batched in transactions until chancery__proofs_close.
 */
int chancery__proofs_open(chancery__proofs **out, bool *fresh,
	chancery_repository *repo);
/** Remove the index file (all its tables: they are derived) and open
 * verify's tables in a new one: for a file found damaged. */
int chancery__proofs_remake(chancery__proofs **out,
	chancery_repository *repo);
/** Commit what was written and close; NULL-safe. */
int chancery__proofs_close(chancery__proofs *p);

/** The newest proof: CHANCERY_ENOTFOUND when there is none. */
int chancery__proof_last(chancery__proof *out, chancery__proofs *p);
int chancery__proof_add(chancery__proofs *p, const chancery__proof *proof);
/** The newest `max` proofs, newest first. */
int chancery__proof_foreach(chancery__proofs *p, size_t max,
	int (*cb)(const chancery__proof *proof, void *payload), void *payload);

/** Record (or refresh) the fixity line of `f->path`; its last check is
 * kept when the line is the same, else forgotten. */
int chancery__fixity_known(chancery__proofs *p,
	const chancery__fixity_file *f);
/** A check of `path` at `time`: its result, logged. */
int chancery__fixity_checked(chancery__proofs *p, const char *path,
	const chancery_oid *blob, int64_t time, bool ok);
/**
 * The files due: each file last checked at or before `before` (or never),
 * oldest check first, at most `max` of them (copied: the callback may
 * write).
 */
int chancery__fixity_due(chancery__proofs *p, int64_t before, size_t max,
	int (*cb)(const chancery__fixity_file *f, void *payload),
	void *payload);
/** How many files are known, how many were checked after `since`, and
 * the oldest check (ENOTFOUND in *oldest's absence: *all is 0). */
int chancery__fixity_coverage(size_t *all, size_t *within,
	chancery__fixity_file *oldest, chancery__proofs *p, int64_t since);

#endif
