/*
 * index_tab.h - the event tables of the index between their own files:
 * index.c writes them (schema, fill, append, stamp), index_query.c walks
 * them, index_check.c holds the public chancery_index_* calls. Every
 * function taking a schema name `s` works on "main" (the file) or on an
 * attached copy ("chk", the check's rebuild).
 */
#ifndef CHANCERY_INDEX_TAB_H
#define CHANCERY_INDEX_TAB_H

#include "index_db.h"
#include "internal.h"

typedef struct sqlite3_stmt sqlite3_stmt;

/** The tables' format; another number in meta rebuilds them. */
#define CHANCERY__INDEX_FORMAT 2

/** What an update did. */
enum { CHANCERY__INDEX_CURRENT = CHANCERY_INDEX_CURRENT,
	CHANCERY__INDEX_APPENDED = CHANCERY_INDEX_APPENDED,
	CHANCERY__INDEX_REBUILT = CHANCERY_INDEX_REBUILT };

/** Make the tables in schema `s`, dropping them first when `drop`. */
int chancery__index_schema(sqlite3 *db, const char *s, bool drop);
/** meta's `key` (NULL in *out when absent). */
int chancery__index_meta_get(char **out, sqlite3 *db, const char *s,
	const char *key);
/** The stamp when the tables are ours (format, version, branch), else
 * NULL in *out. */
int chancery__index_stamp(char **out, sqlite3 *db, const char *s,
	chancery_repository *repo);
/** Replace the tables of `s` by the history of `head`, stamped. */
int chancery__index_fill(sqlite3 *db, const char *s,
	chancery_repository *repo, const git_oid *head);
/** The branch head. */
int chancery__index_head(git_oid *out, chancery_repository *repo);
/** Bring "main" to the head in one write transaction (`force`: rebuild);
 * *how says what was done; *damaged when it failed on a damaged file. */
int chancery__index_sync(int *how, bool *damaged, sqlite3 *db,
	chancery_repository *repo, bool force);

/** Add event `ev` of commit `c` as row `seq` of the search table with
 * statement `st` (index_search.c). */
int chancery__index_search_add(sqlite3_stmt *st, long long seq,
	const chancery_event *ev, git_commit *c);

/** Whether `git config chancery.index false` switches the index off. */
bool chancery__index_config_off(chancery_repository *repo);
/** The repository's connection, opened once (NULL in *out when the index
 * is off or cannot be opened: the caller replays). */
int chancery__index_conn(sqlite3 **out, chancery_repository *repo);
/** Drop the connection and the file, and open a new one (a damaged
 * file). */
int chancery__index_reopen(sqlite3 **out, chancery_repository *repo);

#endif
