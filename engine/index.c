/*
 * index.c - the derived index of events: its tables in the index file
 * (index_db.c opens it), and keeping them true to the branch head.
 *
 * Tables (format CHANCERY__INDEX_FORMAT; docs/index.md):
 *   meta(key, value)   format, version (the library that wrote it), branch,
 *                      stamp (the commit the tables reflect)
 *   events             one row per event, seq in the replay's order (the
 *                      revwalk of event_history.c, reversed): id, commit,
 *                      type, date (chancery_event_date), the whole commit
 *                      message, author name, email, time and offset
 *   fields             (seq, ord, key, value), indexed on (key, value)
 *   fates              (seq, id, target, reason, voids): each void and
 *                      correction as event_effective.c's rule reads it
 *                      (chancery__event_fate), so that a walk's
 *                      corrections are a scan of a small table
 *   search             FTS5 over each event's text (index_search.c)
 * Only what chancery__event_from_message accepts is stored, and a walk
 * rebuilds each event with that same function from the stored message
 * and author, so the index answers what the replay answers.
 *
 * Keeping current (chancery__index_sync), in one BEGIN IMMEDIATE
 * transaction that reads the stamp again inside it: nothing to do at the
 * stamp; when the head descends from the stamp by single-parent commits,
 * those are appended; anything else (history rewritten, a merge, another
 * format, version or branch, an empty file) rebuilds. A rebuild replaces
 * these tables only: other owners' tables in the file stay.
 */
#include "index_db.h"
#include "event_int.h"
#include "index_int.h"
#include "index_tab.h"

#include <sqlite3.h>
#include <string.h>

static const char schema_sql[] =
	"CREATE TABLE IF NOT EXISTS %s.meta(key TEXT PRIMARY KEY, "
	"value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS %s.events(seq INTEGER PRIMARY KEY, "
	"id TEXT NOT NULL, commit_id TEXT NOT NULL, type TEXT NOT NULL, "
	"date TEXT NOT NULL, message TEXT NOT NULL, author_name TEXT NOT NULL, "
	"author_email TEXT NOT NULL, time INTEGER NOT NULL, "
	"offset INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS %s.events_id ON events(id);"
	"CREATE INDEX IF NOT EXISTS %s.events_commit ON events(commit_id);"
	"CREATE INDEX IF NOT EXISTS %s.events_type ON events(type);"
	"CREATE INDEX IF NOT EXISTS %s.events_date ON events(date);"
	"CREATE TABLE IF NOT EXISTS %s.fields(seq INTEGER NOT NULL, "
	"ord INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, "
	"PRIMARY KEY(seq, ord)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS %s.fields_kv ON fields(key, value);"
	"CREATE TABLE IF NOT EXISTS %s.fates(seq INTEGER PRIMARY KEY, "
	"id TEXT NOT NULL, target TEXT NOT NULL, reason TEXT NOT NULL, "
	"voids INTEGER NOT NULL);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS %s.search USING fts5(subject, "
	"body, fields, attachments);";

int chancery__index_schema(sqlite3 *db, const char *s, bool drop)
{
	char *sql;
	int error;

	if (drop) {
		sql = chancery__sprintf("DROP TABLE IF EXISTS %s.fields;"
			"DROP TABLE IF EXISTS %s.fates;"
			"DROP TABLE IF EXISTS %s.events;"
			"DROP TABLE IF EXISTS %s.search;"
			"DROP TABLE IF EXISTS %s.meta;", s, s, s, s, s);
		if (!sql)
			return chancery__oom();
		error = chancery__index_exec(db, sql, "drop the event tables");
		chancery_free(sql);
		if (error < 0)
			return error;
	}
	sql = chancery__sprintf(schema_sql, s, s, s, s, s, s, s, s, s, s);
	if (!sql)
		return chancery__oom();
	error = chancery__index_exec(db, sql, "make the event tables");
	chancery_free(sql);
	return error;
}

/* ---- meta -------------------------------------------------------------- */

int chancery__index_meta_get(char **out, sqlite3 *db, const char *s,
	const char *key)
{
	sqlite3_stmt *st = NULL;
	char *sql = chancery__sprintf("SELECT value FROM %s.meta WHERE key=?",
		s);
	int rc, error = 0;

	*out = NULL;
	if (!sql)
		return chancery__oom();
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	chancery_free(sql);
	if (rc != SQLITE_OK) {
		/* no table yet: nothing recorded */
		if ((rc & 0xff) == SQLITE_ERROR)
			return 0;
		return chancery__sqlite_error(db, rc, "read meta");
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = chancery__strdup((const char *)sqlite3_column_text(st, 0));
		if (!*out)
			error = chancery__oom();
	} else if (rc != SQLITE_DONE)
		error = chancery__sqlite_error(db, rc, "read meta");
	sqlite3_finalize(st);
	return error;
}

static int meta_set(sqlite3 *db, const char *s, const char *key,
	const char *value)
{
	sqlite3_stmt *st = NULL;
	char *sql = chancery__sprintf("INSERT OR REPLACE INTO %s.meta(key, "
		"value) VALUES(?, ?)", s);
	int rc;

	if (!sql)
		return chancery__oom();
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	chancery_free(sql);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : chancery__sqlite_error(db, rc,
		"write meta");
}

/* The stamp when the tables are of our format, version and branch, else
 * NULL (*out): what they hold cannot be trusted, they are rebuilt. */
int chancery__index_stamp(char **out, sqlite3 *db, const char *s,
	chancery_repository *repo)
{
	static const char *const keys[] = { "format", "version", "branch" };
	const char *want[3];
	char format[16];
	int error = 0;

	*out = NULL;
	snprintf(format, sizeof(format), "%d", CHANCERY__INDEX_FORMAT);
	want[0] = format;
	want[1] = chancery_version(NULL, NULL, NULL);
	want[2] = repo->branch;
	for (size_t i = 0; i < 3; i++) {
		char *v = NULL;
		bool same;

		if ((error = chancery__index_meta_get(&v, db, s, keys[i])) < 0)
			return error;
		same = v && !strcmp(v, want[i]);
		chancery_free(v);
		if (!same)
			return 0;
	}
	return chancery__index_meta_get(out, db, s, "stamp");
}

/* ---- writing events ---------------------------------------------------- */

typedef struct {
	sqlite3 *db;
	sqlite3_stmt *ev, *field, *text, *fate;
	sqlite3_int64 seq;
} writer;

static int writer_open(writer *w, sqlite3 *db, const char *s)
{
	char *a = chancery__sprintf("INSERT INTO %s.events(seq, id, commit_id, "
		"type, date, message, author_name, author_email, time, offset) "
		"VALUES(?,?,?,?,?,?,?,?,?,?)", s);
	char *b = chancery__sprintf("INSERT INTO %s.fields(seq, ord, key, "
		"value) VALUES(?,?,?,?)", s);
	char *c = chancery__sprintf("INSERT INTO %s.search(rowid, subject, "
		"body, fields, attachments) VALUES(?,?,?,?,?)", s);
	char *f = chancery__sprintf("INSERT INTO %s.fates(seq, id, target, "
		"reason, voids) VALUES(?,?,?,?,?)", s);
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_NOMEM;

	memset(w, 0, sizeof(*w));
	w->db = db;
	if (a && b && c && f && (rc = sqlite3_prepare_v2(db, a, -1, &w->ev,
			NULL)) == SQLITE_OK &&
	    (rc = sqlite3_prepare_v2(db, b, -1, &w->field, NULL)) ==
			SQLITE_OK &&
	    (rc = sqlite3_prepare_v2(db, f, -1, &w->fate, NULL)) == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, c, -1, &w->text, NULL);
	chancery_free(a);
	chancery_free(b);
	chancery_free(c);
	chancery_free(f);
	if (rc != SQLITE_OK)
		return chancery__sqlite_error(db, rc, "prepare the writer");
	b = chancery__sprintf("SELECT coalesce(max(seq), 0) FROM %s.events", s);
	if (!b)
		return chancery__oom();
	rc = sqlite3_prepare_v2(db, b, -1, &st, NULL);
	chancery_free(b);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		w->seq = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : chancery__sqlite_error(db, rc,
		"read the last event");
}

static void writer_close(writer *w)
{
	sqlite3_finalize(w->ev);
	sqlite3_finalize(w->field);
	sqlite3_finalize(w->text);
	sqlite3_finalize(w->fate);
}

static int step_done(sqlite3 *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : chancery__sqlite_error(db, rc,
		"write an event");
}

/* A row of fates when `ev` voids or corrects an event. */
static int fate_add(writer *w, const chancery_event *ev)
{
	const char *target, *reason;
	bool voids;

	if (!chancery__event_fate(&target, &reason, &voids, ev))
		return 0;
	sqlite3_bind_int64(w->fate, 1, w->seq);
	sqlite3_bind_text(w->fate, 2, ev->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(w->fate, 3, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(w->fate, 4, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int(w->fate, 5, voids);
	return step_done(w->db, w->fate);
}

/* One commit: a row if it is an event the replay would give. */
static int writer_add(writer *w, git_commit *c)
{
	const git_signature *a = git_commit_author(c);
	chancery_event *ev = NULL;
	chancery_date d;
	char date[16];
	int error = chancery__event_from_commit(&ev, c);

	if (error == CHANCERY_ENOTFOUND || error == CHANCERY_EINVALID) {
		chancery_error_clear();
		return 0;
	}
	if (error < 0)
		return error;
	chancery_event_date(&d, ev);
	chancery_date_format(date, sizeof(date), &d);
	w->seq++;
	sqlite3_bind_int64(w->ev, 1, w->seq);
	sqlite3_bind_text(w->ev, 2, ev->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(w->ev, 3, ev->commit, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(w->ev, 4, ev->type, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(w->ev, 5, date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(w->ev, 6, git_commit_message(c), -1, SQLITE_STATIC);
	sqlite3_bind_text(w->ev, 7, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(w->ev, 8, a->email, -1, SQLITE_STATIC);
	sqlite3_bind_int64(w->ev, 9, (sqlite3_int64)a->when.time);
	sqlite3_bind_int(w->ev, 10, a->when.offset);
	error = step_done(w->db, w->ev);
	for (size_t i = 0; !error && i < ev->nfields; i++) {
		sqlite3_bind_int64(w->field, 1, w->seq);
		sqlite3_bind_int64(w->field, 2, (sqlite3_int64)i);
		sqlite3_bind_text(w->field, 3, ev->keys[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(w->field, 4, ev->values[i], -1, SQLITE_STATIC);
		error = step_done(w->db, w->field);
	}
	if (!error && w->text)
		error = chancery__index_search_add(w->text, w->seq, ev, c);
	if (!error)
		error = fate_add(w, ev);
	chancery_event_free(ev);
	return error;
}

static int add_oid(writer *w, chancery_repository *repo, const git_oid *oid)
{
	git_commit *c = NULL;
	int error = git_commit_lookup(&c, repo->git, oid);

	if (error < 0)
		return chancery__git_error(error, "read a commit");
	error = writer_add(w, c);
	git_commit_free(c);
	return error;
}

typedef struct {
	writer *w;
	chancery_repository *repo;
} fill_ctx;

static int fill_one(const git_oid *oid, void *payload)
{
	fill_ctx *f = payload;

	return add_oid(f->w, f->repo, oid);
}

/* Every event of the history of `head`, oldest first: the replay's walk
 * reversed. */
static int fill(writer *w, chancery_repository *repo, const git_oid *head)
{
	fill_ctx f = { w, repo };

	return chancery__revwalk(repo->git, head, NULL,
		GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE,
		"walk the history", fill_one, &f);
}

static int stamp_write(sqlite3 *db, const char *s, chancery_repository *repo,
	const git_oid *head)
{
	char format[16], hex[GIT_OID_HEXSZ + 1];
	int error;

	snprintf(format, sizeof(format), "%d", CHANCERY__INDEX_FORMAT);
	git_oid_tostr(hex, sizeof(hex), head);
	if ((error = meta_set(db, s, "format", format)) < 0 ||
	    (error = meta_set(db, s, "version",
			chancery_version(NULL, NULL, NULL))) < 0 ||
	    (error = meta_set(db, s, "branch", repo->branch)) < 0)
		return error;
	return meta_set(db, s, "stamp", hex);
}

/* The page cache of schema `s`, in KiB (SQLite's own unit when negative). */
static int cache_kib(sqlite3 *db, const char *s)
{
	char *sql = chancery__sprintf("PRAGMA %s.cache_size", s);
	sqlite3_stmt *st = NULL;
	int kib = -2000;   /* SQLite's default */

	if (sql && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		kib = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	chancery_free(sql);
	return kib;
}

static void cache_set(sqlite3 *db, const char *s, int kib)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA %s.cache_size=%d", s, kib);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
}

int chancery__index_fill(sqlite3 *db, const char *s,
	chancery_repository *repo, const git_oid *head)
{
	int was = cache_kib(db, s);
	writer w;
	int error;

	if ((error = chancery__index_schema(db, s, true)) < 0)
		return error;
	/* a fill inserts into indexes on random keys (event ids, commit
	 * ids): past the default 2 MiB of cache each insert pages in and
	 * out; the cache is only a ceiling (SQLite allocates what it uses)
	 * and is given back after */
	cache_set(db, s, -CHANCERY__INDEX_FILL_CACHE_KIB);
	if ((error = writer_open(&w, db, s)) == 0 &&
	    (error = fill(&w, repo, head)) == 0)
		error = stamp_write(db, s, repo, head);
	writer_close(&w);
	cache_set(db, s, was);
	return error;
}

/*
 * The commits from `stamp` (excluded) up to `head`, oldest last in *list,
 * when `head` descends from `stamp` by single-parent commits only;
 * *linear false otherwise (a merge, or the stamp is not met).
 */
static int linear_since(git_oid **list, size_t *n, bool *linear,
	chancery_repository *repo, const git_oid *stamp, const git_oid *head)
{
	git_oid cur = *head;
	size_t alloc = 0;
	int error = 0;

	*list = NULL;
	*n = 0;
	*linear = false;
	while (!git_oid_equal(&cur, stamp)) {
		git_commit *c = NULL;

		if ((error = git_commit_lookup(&c, repo->git, &cur)) < 0)
			return chancery__git_error(error, "read a commit");
		if (git_commit_parentcount(c) != 1) {
			git_commit_free(c);
			return 0;
		}
		if (chancery__grow((void **)list, &alloc, *n + 1,
				sizeof(git_oid)) < 0) {
			git_commit_free(c);
			return CHANCERY_ENOMEM;
		}
		(*list)[(*n)++] = cur;
		cur = *git_commit_parent_id(c, 0);
		git_commit_free(c);
	}
	*linear = true;
	return 0;
}

/* Append the events since the stamp; *done false when a rebuild is due. */
static int append(bool *done, sqlite3 *db, chancery_repository *repo,
	const git_oid *stamp, const git_oid *head)
{
	git_oid *list = NULL;
	size_t n = 0;
	writer w;
	int error;

	*done = false;
	if (!git_graph_descendant_of(repo->git, head, stamp))
		return 0;
	if ((error = linear_since(&list, &n, done, repo, stamp, head)) < 0 ||
	    !*done)
		goto done;
	if ((error = writer_open(&w, db, "main")) == 0) {
		for (size_t i = n; i-- > 0 && !error;)
			error = add_oid(&w, repo, &list[i]);
		if (!error)
			error = stamp_write(db, "main", repo, head);
	}
	writer_close(&w);
done:
	chancery_free(list);
	return error;
}

int chancery__index_head(git_oid *out, chancery_repository *repo)
{
	int error = git_reference_name_to_id(out, repo->git, repo->branch);

	return error < 0 ? chancery__git_error(error, "read the branch head") :
		0;
}

/* Inside the write transaction: bring the tables to the head. */
static int sync_locked(int *how, sqlite3 *db, chancery_repository *repo,
	bool force)
{
	char *stamp = NULL;
	git_oid head, s;
	bool done = false;
	int error;

	*how = CHANCERY__INDEX_CURRENT;
	if ((error = chancery__index_head(&head, repo)) < 0 ||
	    (!force && (error = chancery__index_stamp(&stamp, db, "main",
			repo)) < 0))
		goto done;
	if (stamp && git_oid_fromstr(&s, stamp) == 0) {
		if (git_oid_equal(&s, &head))
			goto done;
		if ((error = append(&done, db, repo, &s, &head)) < 0)
			goto done;
		*how = CHANCERY__INDEX_APPENDED;
	}
	if (!done) {
		*how = CHANCERY__INDEX_REBUILT;
		error = chancery__index_fill(db, "main", repo, &head);
	}
done:
	chancery_free(stamp);
	return error;
}

int chancery__index_sync(int *how, bool *damaged, sqlite3 *db,
	chancery_repository *repo, bool force)
{
	int h = 0, error;

	*damaged = false;
	if ((error = chancery__index_exec(db, "BEGIN IMMEDIATE",
			"begin an update")) == 0 &&
	    (error = sync_locked(&h, db, repo, force)) == 0)
		error = chancery__index_exec(db, "COMMIT", "commit an update");
	if (error < 0) {
		*damaged = chancery__sqlite_damaged(sqlite3_extended_errcode(db));
		if (!sqlite3_get_autocommit(db))
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return error;
	}
	if (how)
		*how = h;
	return 0;
}
