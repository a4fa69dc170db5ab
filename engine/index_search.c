/*
 * index_search.c - full text over the events (chancery_search): the FTS5
 * table `search` of the index, one row per event (rowid = its seq) with
 * its subject, its text, its field values and the text of its attachments
 * that are plain UTF-8 text files (*.txt, at most 1 MiB each), filled with
 * the events by index.c and dropped and rebuilt with them; ranked by
 * bm25, with SQLite's snippet() of the matching words.
 *
 * Left out: ODT and PDF documents (their text needs letters/, which
 * engine/ must not depend on), attachments that are not valid UTF-8.
 * Search needs the index: switched off or unwritable, it says so.
 */
#include "event_int.h"
#include "index_int.h"
#include "index_tab.h"

#include <sqlite3.h>
#include <string.h>

#define SEARCH_TEXT_MAX (1024 * 1024)

/* The text of attachment `name` of `ev` in `c`'s tree, when it is a .txt
 * file of UTF-8 text; "" otherwise. */
static int attachment_text(chancery_buf *out, const chancery_event *ev,
	git_commit *c, const char *name, size_t len)
{
	char dir[CHANCERY__EVENT_DIR_MAX], path[CHANCERY__EVENT_DIR_MAX + 300];
	git_tree *tree = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	int error = 0;

	if (len < 5 || len > 255 || strncmp(name + len - 4, ".txt", 4) ||
	    chancery__event_dir(dir, sizeof(dir), ev->id) < 0)
		return 0;
	snprintf(path, sizeof(path), "%s/%.*s", dir, (int)len, name);
	if (git_commit_tree(&tree, c) == 0 &&
	    git_tree_entry_bypath(&e, tree, path) == 0 &&
	    git_blob_lookup(&blob, git_commit_owner(c),
			git_tree_entry_id(e)) == 0) {
		const char *data = git_blob_rawcontent(blob);
		size_t size = (size_t)git_blob_rawsize(blob);

		if (size <= SEARCH_TEXT_MAX &&
		    chancery__utf8_valid(data, size, true) &&
		    !memchr(data, 0, size))
			error = chancery_buf_put(out, data, size) < 0 ||
				chancery_buf_puts(out, "\n") < 0 ?
				CHANCERY_ENOMEM : 0;
	}
	git_error_clear();
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_tree_free(tree);
	return error;
}

int chancery__index_search_add(sqlite3_stmt *st, long long seq,
	const chancery_event *ev, git_commit *c)
{
	chancery_buf fields = CHANCERY_BUF_INIT, att = CHANCERY_BUF_INIT;
	int error = 0, rc;

	for (size_t i = 0; !error && i < ev->nfields; i++) {
		const char *v = ev->values[i], *end;

		if (chancery_buf_puts(&fields, v) < 0 ||
		    chancery_buf_puts(&fields, "\n") < 0)
			error = CHANCERY_ENOMEM;
		else if (!strcmp(ev->keys[i], "Attachment") &&
			 (end = strstr(v, " sha256=")) != NULL)
			error = attachment_text(&att, ev, c, v,
				(size_t)(end - v));
	}
	if (error)
		goto done;
	sqlite3_bind_int64(st, 1, seq);
	sqlite3_bind_text(st, 2, ev->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ev->message, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, fields.ptr ? fields.ptr : "", -1,
		SQLITE_STATIC);
	sqlite3_bind_text(st, 5, att.ptr ? att.ptr : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		error = chancery__sqlite_error(sqlite3_db_handle(st), rc,
			"index an event's text");
done:
	chancery_buf_dispose(&fields);
	chancery_buf_dispose(&att);
	return error;
}

/* ---- searching ---------------------------------------------------------- */

/* TEXT as FTS5 wants it: each word a quoted string (every word must
 * match; no query syntax of FTS5 reaches it). */
static int match_expr(chancery_buf *out, const char *text)
{
	const char *p = text;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (chancery_buf_puts(out, out->size ? " \"" : "\"") < 0)
			return CHANCERY_ENOMEM;
		for (; *p && *p != ' ' && *p != '\t'; p++)
			if ((*p == '"' && chancery_buf_puts(out, "\"") < 0) ||
			    chancery_buf_put(out, p, 1) < 0)
				return CHANCERY_ENOMEM;
		if (chancery_buf_puts(out, "\"") < 0)
			return CHANCERY_ENOMEM;
	}
	return out->size ? 0 : chancery__error(CHANCERY_EINVALID,
		"search: no word to look for");
}

#define SEARCH_FIELD(n, key) " AND e.seq IN (SELECT seq FROM fields WHERE " \
	"key='" key "' AND value=?" #n ")"

static char *search_sql(const chancery_search_options *o)
{
	return chancery__sprintf("SELECT e.id, e.commit_id, e.date, e.type, "
		"coalesce((SELECT value FROM fields WHERE seq=e.seq AND "
		"key='State' ORDER BY ord LIMIT 1), ''), "
		"snippet(search, -1, '[', ']', '...', 12), bm25(search) "
		"FROM search JOIN events e ON e.seq=search.rowid "
		"WHERE search MATCH ?1%s%s%s%s%s ORDER BY bm25(search), e.seq DESC",
		o->since ? " AND e.date>=?2" : "",
		o->until ? " AND e.date<=?3" : "",
		o->state ? SEARCH_FIELD(4, "State") : "",
		o->treaty ? SEARCH_FIELD(5, "Treaty") : "",
		o->campaign ? SEARCH_FIELD(6, "Campaign") : "");
}

static void bind_date(sqlite3_stmt *st, int i, const chancery_date *d)
{
	char buf[16];

	chancery_date_format(buf, sizeof(buf), d);
	sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
}

static const char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

static int search_run(sqlite3 *db, const chancery_search_options *o,
	const char *match, chancery_search_cb cb, void *payload)
{
	sqlite3_stmt *st = NULL;
	char *sql = search_sql(o);
	int rc, error = 0;

	if (!sql)
		return chancery__oom();
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	chancery_free(sql);
	if (rc != SQLITE_OK)
		return chancery__sqlite_error(db, rc, "prepare the search");
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	if (o->since)
		bind_date(st, 2, o->since);
	if (o->until)
		bind_date(st, 3, o->until);
	if (o->state)
		sqlite3_bind_text(st, 4, o->state, -1, SQLITE_STATIC);
	if (o->treaty)
		sqlite3_bind_text(st, 5, o->treaty, -1, SQLITE_STATIC);
	if (o->campaign)
		sqlite3_bind_text(st, 6, o->campaign, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		chancery_search_hit h = { col(st, 0), col(st, 1), col(st, 2),
			col(st, 3), col(st, 4), col(st, 5),
			sqlite3_column_double(st, 6) };

		if ((error = cb(&h, payload)) != 0)
			break;
	}
	if (!error && rc != SQLITE_DONE)
		error = chancery__sqlite_error(db, rc, "search");
	sqlite3_finalize(st);
	return error;
}

int chancery_search(chancery_repository *repo,
	const chancery_search_options *opts, chancery_search_cb cb,
	void *payload)
{
	chancery_buf match = CHANCERY_BUF_INIT;
	sqlite3 *db = NULL;
	int error;

	CHANCERY_ASSERT_ARG(repo && opts && opts->text && cb);
	CHANCERY_CHECK_VERSION(opts, CHANCERY_SEARCH_OPTIONS_VERSION);
	if ((error = match_expr(&match, opts->text)) < 0 ||
	    (error = chancery__index_conn(&db, repo)) < 0)
		goto done;
	if (!db) {
		error = chancery__error(CHANCERY_EINVALID, "search needs the "
			"index, and it is off or cannot be written");
		goto done;
	}
	if ((error = chancery_index_update(NULL, repo)) < 0 ||
	    (error = chancery__index_conn(&db, repo)) < 0)
		goto done;
	if ((error = chancery__index_exec(db, "BEGIN", "begin a search")) < 0)
		goto done;
	error = search_run(db, opts, match.ptr, cb, payload);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
done:
	chancery_buf_dispose(&match);
	return error;
}
