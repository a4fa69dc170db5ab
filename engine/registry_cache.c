/*
 * registry_cache.c - the parsed registry kept in the derived index file
 * (GITDIR/chancery/index.db, table registry_cache), so that a command
 * asking for the registry of the branch head neither parses registry/
 * nor walks archive/ again while neither changed.
 *
 * Key: the cache's format, the library's version, the source of recorded
 * actions (registry_source.h) and two tree ids, registry/'s and the one
 * the source reads (archive/'s). Trees are content-addressed, so a key
 * that matches is exactly the registry stored: a deposit, an import or a
 * hand edit of a table makes another key. The table holds one row, the
 * last registry stored; another replaces it.
 *
 * Trust: none in the file. A row that does not decode (registry_encode.c
 * checks its checksum, bounds and order) or any SQLite failure is a miss:
 * the registry is parsed and the row written anew; only running out of
 * memory is an error. No index (git config chancery.index=false, a
 * read-only Git directory), or a connection in the middle of something
 * (a walk, a transaction), and the registry is parsed as without a cache.
 * Storing never waits for another writer: busy, it is skipped.
 *
 * Users: the head's load, and a write's base (chancery__registry_load_at:
 * the tree a reply, deposit or void is checked against, the head's tree
 * but after a race). Left out: the registry of any other commit (the
 * commit check, as-of loads, sync: chancery__registry_load_tree parses),
 * which would only replace the row the next command wants.
 */
#include "registry_int.h"
#include "registry_cache.h"
#include "registry_source.h"
#include "index_db.h"
#include "index_tab.h"
#include "store_git.h"

#include <sqlite3.h>
#include <string.h>

static const char table_sql[] = "CREATE TABLE IF NOT EXISTS "
	"registry_cache(key TEXT PRIMARY KEY, data BLOB NOT NULL)";

/* The key of the registry of `tree` (*out NULL: it is not cached). */
static int cache_key(char **out, git_tree *tree)
{
	const chancery__action_source *src = chancery__registry_source();
	git_tree_entry *reg = NULL;
	chancery_oid skey;
	chancery_tree tb;
	char a[GIT_OID_HEXSZ + 1], b[CHANCERY_OID_HEXSZ + 1];
	int error;

	*out = NULL;
	memset(&skey, 0, sizeof(skey));
	if (src && !src->key)
		return 0;
	if (src && (error = src->key(&skey, chancery__tree_borrow(&tb,
			tree))) < 0) {
		if (error == CHANCERY_ENOMEM)
			return error;
		chancery_error_clear();
		return 0;
	}
	if (git_tree_entry_bypath(&reg, tree, "registry") < 0) {
		/* no registry: the load says so */
		git_error_clear();
		return 0;
	}
	git_oid_tostr(a, sizeof(a), git_tree_entry_id(reg));
	git_tree_entry_free(reg);
	*out = chancery__sprintf("%d %s %s %s %s", CHANCERY__REG_CACHE_FORMAT,
		CHANCERY_VERSION, src ? src->name : "-", a,
		chancery__oid_tostr(b, &skey));
	return *out ? 0 : chancery__oom();
}

/* The repository's index connection in *out when the cache may use it
 * now, else NULL; only running out of memory is an error (it was taken
 * for "no cache", and a write went on parsing). */
static int usable(sqlite3 **out, chancery_repository *repo)
{
	sqlite3 *db = NULL;
	int error;

	*out = NULL;
	if ((error = chancery__index_conn(&db, repo)) < 0 || !db) {
		if (error == CHANCERY_ENOMEM)
			return error;
		chancery_error_clear();
		return 0;
	}
	/* a walk or a transaction of the connection is under way (FTS5
	 * keeps statements of its own prepared: only a busy one counts) */
	if (!sqlite3_get_autocommit(db))
		return 0;
	for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st;
	     st = sqlite3_next_stmt(db, st))
		if (sqlite3_stmt_busy(st))
			return 0;
	*out = db;
	return 0;
}

/* The stored encoding for `key`, handed to `fn`; 0 when there is none. */
static int with_row(sqlite3 *db, const char *key,
	int (*fn)(const unsigned char *p, size_t n, void *payload),
	void *payload)
{
	sqlite3_stmt *st = NULL;
	int error = 0;

	if (sqlite3_prepare_v2(db, "SELECT data FROM registry_cache "
			"WHERE key=?1", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		error = fn(sqlite3_column_blob(st, 0),
			(size_t)sqlite3_column_bytes(st, 0), payload);
	sqlite3_finalize(st);
	return error;
}

static int decode_row(const unsigned char *p, size_t n, void *payload)
{
	return chancery__reg_cache_decode(payload, p, n);
}

/* Replace the table's rows by `key` and `data`; a failure is nothing
 * stored, and *damaged says whether the file is. */
static void store(sqlite3 *db, const char *key, const chancery_buf *data,
	bool *damaged)
{
	sqlite3_stmt *st = NULL;
	int rc;

	sqlite3_busy_timeout(db, 0);
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK &&
	    (rc = sqlite3_exec(db, table_sql, NULL, NULL, NULL)) == SQLITE_OK &&
	    (rc = sqlite3_exec(db, "DELETE FROM registry_cache", NULL, NULL,
			NULL)) == SQLITE_OK &&
	    (rc = sqlite3_prepare_v2(db, "INSERT INTO registry_cache(key, "
			"data) VALUES(?1, ?2)", -1, &st, NULL)) == SQLITE_OK &&
	    (rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC)) ==
			SQLITE_OK &&
	    (rc = sqlite3_bind_blob64(st, 2, data->ptr, data->size,
			SQLITE_STATIC)) == SQLITE_OK &&
	    (rc = sqlite3_step(st)) == SQLITE_DONE)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_finalize(st);
	if (rc != SQLITE_OK && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_busy_timeout(db, CHANCERY__INDEX_BUSY_MS);
	*damaged = rc != SQLITE_OK && chancery__sqlite_damaged(rc);
}

/* Store *r under `key`, best effort: only running out of memory is an
 * error. *r is replaced by the registry decoded from what is stored (NULL
 * if that ever failed: the caller parses again), so the parse's tables
 * are freed before the decoding and SQLite's write (the peak is one
 * registry and its encoding, not both forms), and a miss answers from
 * the very encoding the next hit will. A damaged file is replaced (it is
 * derived) and tried once more. */
static int put(sqlite3 *db, chancery_repository *repo, const char *key,
	chancery_registry **r)
{
	chancery_buf data = CHANCERY_BUF_INIT;
	chancery_registry *decoded = NULL;
	bool damaged = false;
	int error = chancery__reg_cache_encode(&data, *r);

	if (error == 0) {
		chancery_registry_free(*r);
		*r = NULL;
		error = chancery__reg_cache_decode(&decoded,
			(const unsigned char *)data.ptr, data.size);
		*r = decoded;
	}
	if (error == 0 && decoded) {
		store(db, key, &data, &damaged);
		if (damaged && chancery__index_reopen(&db, repo) == 0 && db)
			store(db, key, &data, &damaged);
	}
	chancery_buf_dispose(&data);
	if (error == CHANCERY_ENOMEM)
		return error;
	chancery_error_clear();
	return 0;
}

int chancery__reg_cache_load(chancery_registry **out, bool *hit,
	chancery_repository *repo, git_tree *tree)
{
	sqlite3 *db = NULL;
	char *key = NULL;
	int error;

	*out = NULL;
	if (hit)
		*hit = false;
	if ((error = cache_key(&key, tree)) < 0)
		return error;
	if (key && ((error = usable(&db, repo)) < 0 ||
	    (db && (error = with_row(db, key, decode_row, out)) < 0)))
		goto done;
	if (*out) {
		if (hit)
			*hit = true;
		goto done;
	}
	if ((error = chancery__registry_load_tree(out, repo, tree)) < 0)
		goto done;
	if (db && (error = put(db, repo, key, out)) < 0) {
		chancery_registry_free(*out);
		*out = NULL;
	} else if (!*out) {
		/* the encoding did not decode: a defect, but not the caller's */
		error = chancery__registry_load_tree(out, repo, tree);
	}
done:
	chancery_free(key);
	return error;
}

/* ---- index check and rebuild ------------------------------------------- */

typedef struct {
	const chancery_buf *fresh;
	bool differs;
} compare_ctx;

static int compare_row(const unsigned char *p, size_t n, void *payload)
{
	compare_ctx *c = payload;

	c->differs = n != c->fresh->size || memcmp(p, c->fresh->ptr, n);
	return 0;
}

/* The head's tree and the key of its registry (*key NULL: none). */
static int head_key(git_tree **tree, char **key, chancery_repository *repo)
{
	git_commit *commit = NULL;
	git_oid head;
	int error;

	*tree = NULL;
	*key = NULL;
	if ((error = chancery__index_head(&head, repo)) < 0)
		return error;
	if ((error = git_commit_lookup(&commit, repo->git, &head)) < 0 ||
	    (error = git_commit_tree(tree, commit)) < 0)
		error = chancery__git_error(error, "read the branch head");
	git_commit_free(commit);
	if (!error)
		error = cache_key(key, *tree);
	return error;
}

int chancery__reg_cache_check(size_t *differences, sqlite3 *db,
	chancery_repository *repo, chancery_diagnostic_cb cb, void *payload)
{
	chancery_registry *r = NULL;
	chancery_buf fresh = CHANCERY_BUF_INIT;
	compare_ctx c = { &fresh, false };
	git_tree *tree = NULL;
	char *key = NULL;
	int error;

	*differences = 0;
	if ((error = head_key(&tree, &key, repo)) < 0 || !key)
		goto done;
	/* a registry that does not load has no row: nothing to compare */
	if ((error = chancery__registry_load_tree(&r, repo, tree)) < 0) {
		if (error != CHANCERY_ENOMEM) {
			chancery_error_clear();
			error = 0;
		}
		goto done;
	}
	if ((error = chancery__reg_cache_encode(&fresh, r)) < 0 ||
	    (error = with_row(db, key, compare_row, &c)) < 0)
		goto done;
	if (c.differs) {
		*differences = 1;
		if (cb)
			cb("the registry cache differs from the registry "
				"parsed afresh", payload);
	}
done:
	chancery_buf_dispose(&fresh);
	chancery_registry_free(r);
	chancery_free(key);
	git_tree_free(tree);
	return error;
}

int chancery__reg_cache_rebuild(sqlite3 *db, chancery_repository *repo)
{
	chancery_registry *r = NULL;
	git_tree *tree = NULL;
	char *key = NULL;
	int error;

	if ((error = chancery__index_exec(db, table_sql,
			"make the registry cache")) < 0 ||
	    (error = chancery__index_exec(db, "DELETE FROM registry_cache",
			"empty the registry cache")) < 0 ||
	    (error = head_key(&tree, &key, repo)) < 0)
		goto done;
	error = chancery__reg_cache_load(&r, NULL, repo, tree);
	if (error < 0 && error != CHANCERY_ENOMEM) {
		/* the registry's own problem, which its commands report */
		chancery_error_clear();
		error = 0;
	}
done:
	chancery_registry_free(r);
	chancery_free(key);
	git_tree_free(tree);
	return error;
}
