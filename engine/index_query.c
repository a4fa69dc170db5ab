/*
 * index_query.c - walking the events from the index: the repository's one
 * connection, bringing the tables to the head before answering, the SQL
 * for each filter of chancery_log_options, and every event rebuilt from
 * its stored message by chancery__event_from_message (the replay's own
 * reader) and held to the replay's filter once more in C, so the index
 * can only ever leave out what the replay would give, never add to it,
 * and `index check` catches the former.
 *
 * A walk reads the stamp and the rows in one read transaction (WAL: a
 * writer appending meanwhile is not seen half-way). A damaged file met on
 * the way is removed and rebuilt once; whatever the index cannot answer
 * is replayed, skipping the events already given, so a caller never sees
 * an event twice and never an error of the index.
 */
#include "index_db.h"
#include "event_int.h"
#include "index_int.h"
#include "index_tab.h"

#include <sqlite3.h>
#include <string.h>

bool chancery__index_config_off(chancery_repository *repo)
{
	git_config *cfg = NULL;
	int on = 1;

	if (git_repository_config_snapshot(&cfg, repo->git) == 0 &&
	    git_config_get_bool(&on, cfg, "chancery.index") < 0)
		on = 1;
	git_error_clear();
	git_config_free(cfg);
	return !on;
}

int chancery__index_conn(sqlite3 **out, chancery_repository *repo)
{
	sqlite3 *db = NULL;

	*out = NULL;
	if (repo->index_mode < 0)
		return 0;
	if (!repo->index_db) {
		int error = chancery__index_config_off(repo) ? 1 :
			chancery__index_db_open(&db, NULL, repo, true);

		/* out of memory is not "no index": the caller stops */
		if (error == CHANCERY_ENOMEM)
			return error;
		if (error) {
			/* off, or a read-only Git directory: replay */
			chancery_error_clear();
			repo->index_mode = -1;
			return 0;
		}
		repo->index_db = db;
		repo->index_mode = 1;
	}
	*out = repo->index_db;
	return 0;
}

int chancery__index_reopen(sqlite3 **out, chancery_repository *repo)
{
	int error;

	chancery__index_close(repo);
	if ((error = chancery__index_db_remove(repo)) < 0)
		return error;
	return chancery__index_conn(out, repo);
}

void chancery__index_close(chancery_repository *repo)
{
	chancery__index_db_close(repo->index_db);
	repo->index_db = NULL;
	repo->index_mode = 0;
}

/* ---- the query ---------------------------------------------------------- */

static bool query_matches(const chancery_event *ev,
	const chancery__index_query *q)
{
	if (!chancery__event_matches(ev, q->log))
		return false;
	if (q->corrections && !chancery_event_get(ev, "Voids") &&
	    !chancery_event_get(ev, "Corrects"))
		return false;
	if (q->about && !chancery__event_about(ev, q->about, q->about_state))
		return false;
	if (q->prefix) {
		size_t n = strlen(q->prefix);

		if (strncmp(ev->id, q->prefix, n) &&
		    (n < 7 || strncmp(ev->commit, q->prefix, n)))
			return false;
	}
	return true;
}

#define FIELD_IN(n, key) " AND e.seq IN (SELECT seq FROM fields WHERE " \
	"key='" key "' AND value=?" #n ")"

/* chancery__event_about in SQL (the fields compared as bytes: BINARY) */
#define ABOUT_STATE " AND (e.type='letters' OR e.seq IN (SELECT seq FROM " \
	"fields WHERE (key='State' AND value=?8) OR (key='Acknowledges' AND " \
	"value>=?8||' ' AND value<?8||'!')))"
#define ABOUT_TREATY " AND e.seq IN (SELECT seq FROM fields WHERE " \
	"(key='Treaty' AND value=?8) OR (key IN ('Intends', 'Withdraws') " \
	"AND substr(value, -length(?8)-1) IN (' '||?8, ':'||?8)))"

/* An id or commit starting with ?7, as ranges the indexes events_id and
 * events_commit answer (ids and commit ids are ASCII, below 0x7f) rather
 * than a scan of every event: query_matches checks the prefix again. */
#define PREFIX " AND ((e.id>=?7 AND e.id<?7||char(127)) OR " \
	"(length(?7)>=7 AND e.commit_id>=?7 AND e.commit_id<?7||char(127)))"

static char *query_sql(const chancery__index_query *q)
{
	const chancery_log_options *o = q->log;

	return chancery__sprintf("SELECT commit_id, message, author_name, "
		"author_email, time, offset FROM events e WHERE 1%s%s%s%s%s%s%s"
		"%s ORDER BY %se.seq %s",
		o->type ? " AND e.type=?1" : "",
		o->since ? " AND e.date>=?2" : "",
		o->until ? " AND e.date<=?3" : "",
		o->state ? FIELD_IN(4, "State") : "",
		o->treaty ? FIELD_IN(5, "Treaty") : "",
		o->campaign ? FIELD_IN(6, "Campaign") : "",
		q->prefix ? PREFIX : "",
		!q->about ? "" : q->about_state ? ABOUT_STATE : ABOUT_TREATY,
		!q->by_date ? "" : o->oldest_first ? "e.date ASC, " :
			"e.date DESC, ",
		o->oldest_first ? "ASC" : "DESC");
}

static void bind_date(sqlite3_stmt *st, int i, const chancery_date *d)
{
	char buf[16];

	chancery_date_format(buf, sizeof(buf), d);
	sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
}

static int query_prepare(sqlite3_stmt **st, sqlite3 *db,
	const chancery__index_query *q)
{
	const chancery_log_options *o = q->log;
	char *sql = query_sql(q);
	int rc;

	if (!sql)
		return SQLITE_NOMEM;
	rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);
	chancery_free(sql);
	if (rc != SQLITE_OK)
		return rc;
	if (o->type)
		sqlite3_bind_text(*st, 1, o->type, -1, SQLITE_STATIC);
	if (o->since)
		bind_date(*st, 2, o->since);
	if (o->until)
		bind_date(*st, 3, o->until);
	if (o->state)
		sqlite3_bind_text(*st, 4, o->state, -1, SQLITE_STATIC);
	if (o->treaty)
		sqlite3_bind_text(*st, 5, o->treaty, -1, SQLITE_STATIC);
	if (o->campaign)
		sqlite3_bind_text(*st, 6, o->campaign, -1, SQLITE_STATIC);
	if (q->prefix)
		sqlite3_bind_text(*st, 7, q->prefix, -1, SQLITE_STATIC);
	if (q->about)
		sqlite3_bind_text(*st, 8, q->about, -1, SQLITE_STATIC);
	return SQLITE_OK;
}

static const char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

/* One row as the replay would read it: 0 and NULL when the replay would
 * skip it (never stored so; the rule is the reader's). */
static int row_event(chancery_event **out, sqlite3_stmt *st)
{
	int error = chancery__event_from_message(out, col(st, 1), col(st, 2),
		col(st, 3), sqlite3_column_int64(st, 4),
		sqlite3_column_int(st, 5));

	if (error == CHANCERY_ENOTFOUND || error == CHANCERY_EINVALID) {
		chancery_error_clear();
		return 0;
	}
	if (error == 0)
		snprintf((*out)->commit, sizeof((*out)->commit), "%s",
			col(st, 0));
	return error;
}

/*
 * The voids and corrections (q->corrections) come from the fates table:
 * each row an event of its type with the fields chancery__event_fate
 * reads, and nothing else. Reading them from the events' messages (2% of
 * a history) was half of a `log --state` at 10^5 events: each message is
 * on a page of its own.
 */
static const char fates_sql[] = "SELECT id, target, reason, voids FROM "
	"fates ORDER BY seq";

static int fate_row(chancery_event **out, sqlite3_stmt *st)
{
	bool voids = sqlite3_column_int(st, 3) != 0;
	int error;

	if ((error = chancery_event_new(out, voids ? "void" : "reply")) < 0 ||
	    (error = chancery__event_field_push(*out, voids ? "Voids" :
			"Corrects", col(st, 1))) < 0 ||
	    (*col(st, 2) && (error = chancery__event_field_push(*out,
			"Reason", col(st, 2))) < 0)) {
		chancery_event_free(*out);
		*out = NULL;
		return error;
	}
	snprintf((*out)->id, sizeof((*out)->id), "%s", col(st, 0));
	return 0;
}

/*
 * Give the matching events past the first *given; *rc is SQLite's result
 * when the walk failed in SQLite (else SQLITE_OK), the return the
 * callback's value or an error.
 */
static int query_run(int *rc, size_t *given, sqlite3 *db,
	const chancery__index_query *q, chancery_event_cb cb, void *payload)
{
	int (*row)(chancery_event **, sqlite3_stmt *) = q->corrections ?
		fate_row : row_event;
	sqlite3_stmt *st = NULL;
	size_t k = 0;
	int error = 0;

	*rc = q->corrections ? sqlite3_prepare_v2(db, fates_sql, -1, &st,
		NULL) : query_prepare(&st, db, q);
	if (*rc != SQLITE_OK)
		return chancery__sqlite_error(db, *rc, "prepare a walk");
	while ((*rc = sqlite3_step(st)) == SQLITE_ROW) {
		chancery_event *ev = NULL;

		if ((error = row(&ev, st)) < 0)
			break;
		if (!ev || !query_matches(ev, q) || k++ < *given) {
			chancery_event_free(ev);
			continue;
		}
		(*given)++;
		error = cb(ev, payload);
		chancery_event_free(ev);
		if (error)
			break;
	}
	if (*rc == SQLITE_DONE || *rc == SQLITE_ROW)
		*rc = SQLITE_OK;
	else
		error = chancery__sqlite_error(db, *rc, "walk the events");
	sqlite3_finalize(st);
	return error;
}

/* ---- answering ---------------------------------------------------------- */

typedef struct {
	const chancery__index_query *q;
	size_t skip, k;
	chancery_event_cb cb;
	void *payload;
} replay_ctx;

static int replay_cb(const chancery_event *ev, void *payload)
{
	replay_ctx *x = payload;

	if (!query_matches(ev, x->q) || x->k++ < x->skip)
		return 0;
	return x->cb(ev, x->payload);
}

/* The replay, past the `given` events the index gave already, of the
 * history the index walked (`walked`): a head moved since by another
 * writer would shift the events under the count. */
static int replay_rest(chancery_repository *repo,
	const chancery__index_query *q, size_t given, const git_oid *walked,
	chancery_event_cb cb, void *payload)
{
	replay_ctx x = { q, given, 0, cb, payload };
	chancery_log_options pinned = *q->log;
	char hex[GIT_OID_HEXSZ + 1];

	pinned.at = git_oid_tostr(hex, sizeof(hex), walked);
	return chancery__event_replay(repo, &pinned, replay_cb, &x);
}

/* Whether the walk starts at the head: `at` NULL or naming it. */
static bool at_head(chancery_repository *repo, const char *at,
	const git_oid *head)
{
	git_object *o = NULL;
	bool same;

	if (!at)
		return true;
	if (git_revparse_single(&o, repo->git, at) < 0) {
		git_error_clear();
		return false;
	}
	same = git_oid_equal(git_object_id(o), head);
	git_object_free(o);
	return same;
}

/* One read transaction: *current when the stamp is the head, and then the
 * walk is run in it. */
static int walk_at_stamp(bool *current, int *rc, size_t *given, sqlite3 *db,
	chancery_repository *repo, const git_oid *head,
	const chancery__index_query *q, chancery_event_cb cb, void *payload)
{
	char *stamp = NULL;
	git_oid s;
	int error;

	*current = false;
	*rc = SQLITE_OK;
	if ((error = chancery__index_exec(db, "BEGIN", "begin a walk")) < 0) {
		*rc = sqlite3_extended_errcode(db);
		return error;
	}
	error = chancery__index_stamp(&stamp, db, "main", repo);
	if (error < 0)
		*rc = sqlite3_extended_errcode(db);
	else if (stamp && git_oid_fromstr(&s, stamp) == 0 &&
		 git_oid_equal(&s, head)) {
		*current = true;
		repo->index_at = *head;
		repo->index_depth++;
		error = query_run(rc, given, db, q, cb, payload);
		repo->index_depth--;
	}
	chancery_free(stamp);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return error;
}

static int index_walk(bool *answered, size_t *given, git_oid *walked,
	chancery_repository *repo, const chancery__index_query *q,
	chancery_event_cb cb, void *payload)
{
	bool reopened = false, current, damaged;
	sqlite3 *db = NULL;
	git_oid head;
	int error = 0, rc;

	for (int attempt = 0; attempt < 4; attempt++) {
		if ((error = chancery__index_conn(&db, repo)) < 0 || !db)
			return error;
		if ((error = chancery__index_head(&head, repo)) < 0)
			return error;
		if (!at_head(repo, q->log->at, &head))
			return 0;
		/* events given already count from the head they came from */
		if (*given && !git_oid_equal(&head, walked))
			return 0;
		error = walk_at_stamp(&current, &rc, given, db, repo, &head, q,
			cb, payload);
		if (current)
			*walked = head;
		if (current && rc == SQLITE_OK) {
			*answered = true;
			return error;
		}
		/* out of memory is no reason to replay: the caller stops */
		if (error == CHANCERY_ENOMEM)
			return error;
		damaged = chancery__sqlite_damaged(rc);
		if (!current && rc == SQLITE_OK &&
		    (error = chancery__index_sync(NULL, &damaged, db, repo,
				false)) == 0)
			continue;
		if (error == CHANCERY_ENOMEM)
			return error;
		chancery_error_clear();
		if (!damaged || reopened)
			return 0;
		/* a damaged file: replaced and rebuilt, once */
		reopened = true;
		if (chancery__index_reopen(&db, repo) < 0)
			return 0;
	}
	return 0;
}

/* A walk from a callback of a walk: inside the outer one's snapshot, when
 * the head has not moved since it began (else the replay answers). */
static int nested_walk(bool *answered, size_t *given, git_oid *walked,
	chancery_repository *repo, const chancery__index_query *q,
	chancery_event_cb cb, void *payload)
{
	git_oid head;
	int error, rc;

	if (chancery__index_head(&head, repo) < 0 ||
	    !git_oid_equal(&head, &repo->index_at) ||
	    !at_head(repo, q->log->at, &head))
		return 0;
	*walked = head;
	repo->index_depth++;
	error = query_run(&rc, given, repo->index_db, q, cb, payload);
	repo->index_depth--;
	*answered = rc == SQLITE_OK;
	return error;
}

int chancery__index_foreach(bool *answered, chancery_repository *repo,
	const chancery__index_query *q, chancery_event_cb cb, void *payload)
{
	size_t given = 0;
	git_oid walked;
	int error;

	*answered = false;
	if (repo->index_depth > 0)
		error = nested_walk(answered, &given, &walked, repo, q, cb,
			payload);
	else
		error = index_walk(answered, &given, &walked, repo, q, cb,
			payload);
	if (*answered)
		return error;
	if (error == CHANCERY_ENOMEM) {
		/* no reason to replay: the caller stops (answered, with it) */
		*answered = true;
		return error;
	}
	chancery_error_clear();
	if (given == 0)
		return 0;
	/* the index failed after some events: the replay gives the rest */
	*answered = true;
	return replay_rest(repo, q, given, &walked, cb, payload);
}
