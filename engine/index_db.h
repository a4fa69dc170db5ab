/*
 * index_db.h - the derived index's SQLite file: where it lives, how it is
 * opened, how SQLite's errors become ours.
 *
 * The index is one SQLite database at GITDIR/chancery/index.db, never in
 * history: whatever it holds can be rebuilt from the commits. engine/ owns
 * SQLite; every connection to the file is made here, so each opener gets
 * the same settings (WAL journal, a busy timeout, synchronous=NORMAL).
 * Tables are their owners' business: index.c keeps the events, verify its
 * proofs; a rebuild replaces only its own tables.
 *
 * Library-internal: not installed, not part of the public API.
 */
#ifndef CHANCERY_INDEX_DB_H
#define CHANCERY_INDEX_DB_H

#include <stdbool.h>

#include "base.h"
#include "chancery.h"

typedef struct sqlite3 sqlite3;

/** The file, relative to the Git directory. */
#define CHANCERY__INDEX_FILE "chancery/index.db"

/** How long a connection waits for another's write lock, in ms. */
#define CHANCERY__INDEX_BUSY_MS 10000

/** The page cache a rebuild or a check fills with (KiB): 64 MiB, the
 * random keys' indexes of 10^6 events (docs/performance.md). */
#define CHANCERY__INDEX_FILL_CACHE_KIB 65536

/** The index file's path (the caller frees it with chancery_free). */
int chancery__index_path(char **out, chancery_repository *repo);

/**
 * Open the index database of `repo`, creating the file (and its folder)
 * when `create` and it is missing. A file that is not a database, or whose
 * first page SQLite finds corrupt, is removed and made anew when `create`
 * (*fresh, which may be NULL, says so: what it held must be rebuilt).
 * CHANCERY_ENOTFOUND when there is no file and !create; CHANCERY_EOS when
 * it cannot be opened (a read-only Git directory, say).
 */
int chancery__index_db_open(sqlite3 **out, bool *fresh,
	chancery_repository *repo, bool create);

/** Close; NULL-safe. */
void chancery__index_db_close(sqlite3 *db);

/** Remove the index file and its -wal and -shm companions; a missing
 * file is not an error. */
int chancery__index_db_remove(chancery_repository *repo);

/**
 * SQLite's result `rc` on `db` as our error, `what` saying what we were
 * doing: SQLITE_BUSY/LOCKED are CHANCERY_ELOCKED, NOMEM CHANCERY_ENOMEM,
 * a constraint CHANCERY_EEXISTS, anything else CHANCERY_EOS. The message
 * names the index file's role, not its path.
 */
int chancery__sqlite_error(sqlite3 *db, int rc, const char *what);

/** True for the results that mean the file itself is damaged
 * (SQLITE_CORRUPT, SQLITE_NOTADB): the caller rebuilds. */
bool chancery__sqlite_damaged(int rc);

/** Run one or more statements without results (sqlite3_exec). */
int chancery__index_exec(sqlite3 *db, const char *sql, const char *what);

#endif
