/*
 * index_check.c - the public calls on the index (chancery/index.h):
 * update, rebuild, check and describe it.
 *
 * The check never trusts the file: it brings it to the head, rebuilds the
 * same history into a temporary database attached as "chk" (the very
 * fill of index.c, from the stamp the file holds, read in the same
 * transaction) and compares every row of events, fields and fates both ways
 * with EXCEPT. Its cost is a rebuild's: one walk and one parse of every
 * commit, no tree read; then the registry's cache, when it holds the
 * head's registry, is compared with a fresh parse (registry_cache.c).
 */
#include "index_db.h"
#include "index_int.h"
#include "index_tab.h"
#include "registry_cache.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* The connection, or why there is none. */
static int conn_or_error(sqlite3 **db, chancery_repository *repo)
{
	int error = chancery__index_conn(db, repo);

	if (error < 0 || *db)
		return error;
	/* off, or not writable: say which (opening it again names the
	 * reason; an index switched off is never created) */
	if (!chancery__index_config_off(repo)) {
		if ((error = chancery__index_db_open(db, NULL, repo, true)) < 0)
			return error;
		chancery__index_db_close(*db);
		*db = NULL;
	}
	return chancery__error(CHANCERY_EINVALID, "the index is switched off "
		"(git config chancery.index=false)");
}

static int update(int *how, chancery_repository *repo, bool force)
{
	sqlite3 *db = NULL;
	bool damaged;
	int error;

	if ((error = conn_or_error(&db, repo)) < 0)
		return error;
	error = chancery__index_sync(how, &damaged, db, repo, force);
	if (error < 0 && damaged) {
		/* a damaged file: replaced, then rebuilt */
		chancery_error_clear();
		if ((error = chancery__index_reopen(&db, repo)) < 0)
			return error;
		if (!db)
			return conn_or_error(&db, repo);
		error = chancery__index_sync(how, &damaged, db, repo, true);
		if (!error && how)
			*how = CHANCERY__INDEX_REBUILT;
	}
	return error;
}

int chancery_index_update(chancery_index_update_t *how,
	chancery_repository *repo)
{
	int h = 0, error;

	CHANCERY_ASSERT_ARG(repo);
	error = update(&h, repo, false);
	if (!error && how)
		*how = (chancery_index_update_t)h;
	return error;
}

int chancery_index_rebuild(chancery_repository *repo)
{
	sqlite3 *db = NULL;
	int error;

	CHANCERY_ASSERT_ARG(repo);
	if ((error = update(NULL, repo, true)) < 0 ||
	    (error = conn_or_error(&db, repo)) < 0)
		return error;
	/* the registry's cache, a table of the same file */
	return chancery__reg_cache_rebuild(db, repo);
}

/* ---- the check ---------------------------------------------------------- */

typedef struct {
	size_t n;
	chancery_diagnostic_cb cb;
	void *payload;
} diffs;

#define SEARCH_ROW(s) "SELECT rowid, subject, body, fields, attachments " \
	"FROM " s ".search"

static const char diff_sql[] =
	"SELECT seq, commit_id, 'the index has a row history does not' FROM "
	"(SELECT * FROM main.events EXCEPT SELECT * FROM chk.events) "
	"UNION ALL SELECT seq, commit_id, 'history has a row the index does "
	"not' FROM (SELECT * FROM chk.events EXCEPT SELECT * FROM main.events) "
	"UNION ALL SELECT seq, ord, 'the index has a field history does not' "
	"FROM (SELECT * FROM main.fields EXCEPT SELECT * FROM chk.fields) "
	"UNION ALL SELECT seq, ord, 'history has a field the index does not' "
	"FROM (SELECT * FROM chk.fields EXCEPT SELECT * FROM main.fields) "
	"UNION ALL SELECT seq, NULL, 'the index has a fate history does not' "
	"FROM (SELECT * FROM main.fates EXCEPT SELECT * FROM chk.fates) "
	"UNION ALL SELECT seq, NULL, 'history has a fate the index does not' "
	"FROM (SELECT * FROM chk.fates EXCEPT SELECT * FROM main.fates) "
	"UNION ALL SELECT rowid, NULL, 'the index has search text history "
	"does not' FROM (" SEARCH_ROW("main") " EXCEPT " SEARCH_ROW("chk") ") "
	"UNION ALL SELECT rowid, NULL, 'history has search text the index "
	"does not' FROM (" SEARCH_ROW("chk") " EXCEPT " SEARCH_ROW("main") ") "
	"ORDER BY 1, 3";

static int compare(diffs *d, sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, diff_sql, -1, &st, NULL);

	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *what = (const char *)sqlite3_column_text(st, 2);
		char line[256];

		if (sqlite3_column_type(st, 1) == SQLITE_NULL)
			snprintf(line, sizeof(line), "event %lld: %s",
				(long long)sqlite3_column_int64(st, 0), what);
		else if (sqlite3_column_type(st, 1) == SQLITE_INTEGER)
			snprintf(line, sizeof(line), "event %lld, field %lld: %s",
				(long long)sqlite3_column_int64(st, 0),
				(long long)sqlite3_column_int64(st, 1), what);
		else
			snprintf(line, sizeof(line), "event %lld (commit %.12s): "
				"%s", (long long)sqlite3_column_int64(st, 0),
				(const char *)sqlite3_column_text(st, 1), what);
		d->n++;
		if (d->cb)
			d->cb(line, d->payload);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : chancery__sqlite_error(db, rc,
		"compare with history");
}

static int count_events(size_t *out, sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM chk.events", -1,
		&st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = (size_t)sqlite3_column_int64(st, 0);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : chancery__sqlite_error(db, rc,
		"count the events");
}

/* In one transaction: rebuild the stamp's history into chk, compare. */
static int check_in(size_t *events, diffs *d, sqlite3 *db,
	chancery_repository *repo)
{
	char *stamp = NULL;
	git_oid oid;
	int error;

	if ((error = chancery__index_exec(db, "BEGIN", "begin the check")) < 0)
		return error;
	if ((error = chancery__index_stamp(&stamp, db, "main", repo)) < 0)
		goto done;
	if (!stamp || git_oid_fromstr(&oid, stamp) < 0) {
		error = chancery__error(CHANCERY_EINVALID, "the index has no "
			"stamp of this format and branch");
		goto done;
	}
	if ((error = chancery__index_fill(db, "chk", repo, &oid)) < 0 ||
	    (error = count_events(events, db)) < 0)
		goto done;
	error = compare(d, db);
done:
	chancery_free(stamp);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return error;
}

int chancery_index_check(size_t *events, size_t *differences,
	chancery_repository *repo, chancery_diagnostic_cb cb, void *payload)
{
	diffs d = { 0, cb, payload };
	sqlite3 *db = NULL;
	size_t n = 0, reg_diffs = 0;
	int error;

	CHANCERY_ASSERT_ARG(repo);
	if ((error = update(NULL, repo, false)) < 0 ||
	    (error = conn_or_error(&db, repo)) < 0)
		return error;
	if ((error = chancery__index_exec(db, "ATTACH '' AS chk",
			"make the check's database")) < 0)
		return error;
	error = check_in(&n, &d, db, repo);
	sqlite3_exec(db, "DETACH chk", NULL, NULL, NULL);
	if (error == 0 && (error = chancery__reg_cache_check(&reg_diffs, db,
			repo, cb, payload)) == 0)
		d.n += reg_diffs;
	if (error < 0)
		return error;
	if (events)
		*events = n;
	if (differences)
		*differences = d.n;
	return 0;
}

/* ---- describing it ------------------------------------------------------ */

static int info_read(chancery_index_info_result *out, sqlite3 *db,
	chancery_repository *repo)
{
	sqlite3_stmt *st = NULL;
	char *stamp = NULL, *format = NULL;
	int error, rc;

	if ((error = chancery__index_meta_get(&format, db, "main",
			"format")) < 0 ||
	    (error = chancery__index_stamp(&stamp, db, "main", repo)) < 0)
		goto done;
	out->format = format ? atoi(format) : 0;
	snprintf(out->stamp, sizeof(out->stamp), "%s", stamp ? stamp : "");
	if (!stamp)
		goto done;
	rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM events", -1, &st,
		NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		out->events = (size_t)sqlite3_column_int64(st, 0);
	else
		error = chancery__sqlite_error(db, rc, "count the events");
	sqlite3_finalize(st);
done:
	chancery_free(format);
	chancery_free(stamp);
	return error;
}

int chancery_index_info(chancery_index_info_result *out,
	chancery_repository *repo)
{
	sqlite3 *db = NULL;
	git_oid head;
	int error;

	CHANCERY_ASSERT_ARG(out && repo);
	memset(out, 0, sizeof(*out));
	if ((error = chancery__index_path(&out->file, repo)) < 0 ||
	    (error = chancery__index_head(&head, repo)) < 0)
		goto fail;
	git_oid_tostr(out->head, sizeof(out->head), &head);
	if ((error = chancery__index_conn(&db, repo)) < 0)
		goto fail;
	if (!db)
		return 0;
	out->enabled = 1;
	if ((error = info_read(out, db, repo)) < 0)
		goto fail;
	return 0;
fail:
	/* nothing of a failed call is the caller's to dispose of */
	chancery_index_info_dispose(out);
	return error;
}

void chancery_index_info_dispose(chancery_index_info_result *info)
{
	if (!info)
		return;
	chancery_free(info->file);
	info->file = NULL;
}
