/*
 * index_proof.c - verify's tables in the derived index (index_proof.h).
 *
 *   verify_proofs(id, commit, time, full, events, files, reflog, workdir)
 *                                            one clean run
 *   fixity_files(path, blob, sha256, size, event, checked, ok)
 *                                            each file under a fixity line
 *   fixity_log(id, path, blob, time, ok)     each re-hash, kept
 *
 * Writes go in a transaction committed every BATCH writes and at close, so
 * a verification of 10^5 files does not pay 10^5 commits and does not hold
 * the write lock against the events index for the whole run. A reader
 * that meets a damaged file reports it (chancery__sqlite_damaged); the
 * caller reopens with the file made anew and runs in full.
 */
#include "index_proof.h"
#include "index_db.h"
#include "store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 2000

struct chancery__proofs {
	sqlite3 *db;
	size_t pending;     /* writes in the open transaction */
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS verify_proofs (id INTEGER PRIMARY KEY,"
	" commit_id TEXT NOT NULL, time INTEGER NOT NULL, full INTEGER NOT NULL,"
	" events INTEGER NOT NULL, files INTEGER NOT NULL,"
	" reflog INTEGER NOT NULL, workdir TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS fixity_files (path TEXT PRIMARY KEY,"
	" blob TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
	" event TEXT NOT NULL, checked INTEGER NOT NULL DEFAULT 0,"
	" ok INTEGER NOT NULL DEFAULT 1);"
	"CREATE INDEX IF NOT EXISTS fixity_files_checked ON"
	" fixity_files(checked);"
	"CREATE TABLE IF NOT EXISTS fixity_log (id INTEGER PRIMARY KEY,"
	" path TEXT NOT NULL, blob TEXT NOT NULL, time INTEGER NOT NULL,"
	" ok INTEGER NOT NULL);";

/* git config chancery.fixityDays: the period within which every archived
 * file is re-hashed (0: every run re-hashes them all). */
int chancery__fixity_days(int *out, chancery_repository *repo)
{
	char *s = NULL, *end;
	long d;
	int rc;

	*out = CHANCERY__FIXITY_DAYS;
	rc = chancery_repository_config(&s, repo, "chancery.fixityDays");
	if (rc == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		return 0;
	}
	if (rc < 0)
		return rc;
	d = strtol(s, &end, 10);
	if (end == s || *end || d < 0 || d > 36500)
		rc = chancery__error(CHANCERY_EINVALID, "git config "
			"chancery.fixityDays '%.40s': not a number of days "
			"(0 to 36500)", s);
	else
		*out = (int)d;
	chancery_free(s);
	return rc;
}

static int fail(chancery__proofs *p, int rc, const char *what)
{
	return chancery__sqlite_error(p->db, rc, what);
}

int chancery__proofs_open(chancery__proofs **out, bool *fresh,
	chancery_repository *repo)
{
	chancery__proofs *p;
	sqlite3_stmt *st = NULL;
	bool made = false;
	int error, rc;

	CHANCERY_ASSERT_ARG(out && repo);
	*out = NULL;
	if (!(p = chancery__calloc(1, sizeof(*p))))
		return chancery__oom();
	if ((error = chancery__index_db_open(&p->db, &made, repo, true)) < 0)
		goto done;
	/* tables that were not there know nothing, like a new file */
	rc = sqlite3_prepare_v2(p->db, "SELECT count(*) FROM sqlite_master "
		"WHERE name = 'verify_proofs'", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		made = made || sqlite3_column_int(st, 0) == 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK) {
		error = fail(p, rc, "read verify's tables");
		goto done;
	}
	if ((error = chancery__index_exec(p->db, schema,
			"create verify's tables")) < 0)
		goto done;
	if (fresh)
		*fresh = made;
	*out = p;
	p = NULL;
done:
	if (p) {
		chancery__index_db_close(p->db);
		chancery_free(p);
	}
	return error;
}

int chancery__proofs_remake(chancery__proofs **out,
	chancery_repository *repo)
{
	int error;

	CHANCERY_ASSERT_ARG(out && repo);
	*out = NULL;
	if ((error = chancery__index_db_remove(repo)) < 0)
		return error;
	return chancery__proofs_open(out, NULL, repo);
}

int chancery__proofs_close(chancery__proofs *p)
{
	int error = 0;

	if (!p)
		return 0;
	if (p->pending)
		error = chancery__index_exec(p->db, "COMMIT",
			"keep verify's proofs");
	chancery__index_db_close(p->db);
	chancery_free(p);
	return error;
}

/* Before each write: a transaction open, committed every BATCH writes. */
static int write_begin(chancery__proofs *p)
{
	int error;

	if (p->pending >= BATCH) {
		if ((error = chancery__index_exec(p->db, "COMMIT",
				"keep verify's proofs")) < 0)
			return error;
		p->pending = 0;
	}
	if (!p->pending && (error = chancery__index_exec(p->db, "BEGIN",
			"keep verify's proofs")) < 0)
		return error;
	p->pending++;
	return 0;
}

/* Prepare `sql` for a write (a transaction open) or a read. */
static int prepare(sqlite3_stmt **st, chancery__proofs *p, const char *sql,
	bool write)
{
	int rc, error;

	if (write && (error = write_begin(p)) < 0)
		return error;
	if ((rc = sqlite3_prepare_v2(p->db, sql, -1, st, NULL)) != SQLITE_OK)
		return fail(p, rc, "prepare a statement on verify's tables");
	return 0;
}

/* Step a write to its end. */
static int run(chancery__proofs *p, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(p, rc, what);
}

static void proof_row(chancery__proof *out, sqlite3_stmt *st)
{
	const char *hex = (const char *)sqlite3_column_text(st, 0);

	memset(out, 0, sizeof(*out));
	if (!hex || chancery__oid_fromstr(&out->commit, hex) < 0)
		chancery_error_clear(); /* a zero commit: never in history */
	out->time = sqlite3_column_int64(st, 1);
	out->full = sqlite3_column_int(st, 2) != 0;
	out->events = (size_t)sqlite3_column_int64(st, 3);
	out->files = (size_t)sqlite3_column_int64(st, 4);
	out->reflog = (size_t)sqlite3_column_int64(st, 6);
	if ((hex = (const char *)sqlite3_column_text(st, 5)))
		snprintf(out->workdir, sizeof(out->workdir), "%s", hex);
}

int chancery__proof_foreach(chancery__proofs *p, size_t max,
	int (*cb)(const chancery__proof *proof, void *payload), void *payload)
{
	sqlite3_stmt *st = NULL;
	chancery__proof one;
	int error, rc;

	CHANCERY_ASSERT_ARG(p && cb);
	if ((error = prepare(&st, p, "SELECT commit_id, time, full, events,"
			" files, workdir, reflog FROM verify_proofs ORDER BY id DESC"
			" LIMIT ?",
			false)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		proof_row(&one, st);
		if ((error = cb(&one, payload)) != 0)
			break;
	}
	if (!error && rc != SQLITE_DONE)
		error = fail(p, rc, "read verify's proofs");
	sqlite3_finalize(st);
	return error;
}

static int copy_proof(const chancery__proof *proof, void *payload)
{
	*(chancery__proof *)payload = *proof;
	return 1;
}

int chancery__proof_last(chancery__proof *out, chancery__proofs *p)
{
	int error;

	CHANCERY_ASSERT_ARG(out && p);
	if ((error = chancery__proof_foreach(p, 1, copy_proof, out)) < 0)
		return error;
	return error ? 0 : CHANCERY_ENOTFOUND;
}

int chancery__proof_add(chancery__proofs *p, const chancery__proof *proof)
{
	char hex[CHANCERY_OID_HEXSZ + 1];
	sqlite3_stmt *st = NULL;
	int error;

	CHANCERY_ASSERT_ARG(p && proof);
	if ((error = prepare(&st, p, "INSERT INTO verify_proofs (commit_id,"
			" time, full, events, files, workdir, reflog) VALUES (?, ?, ?,"
			" ?, ?, ?, ?)",
			true)) < 0)
		return error;
	sqlite3_bind_text(st, 1, chancery__oid_tostr(hex, &proof->commit), -1,
		SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, proof->time);
	sqlite3_bind_int(st, 3, proof->full);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)proof->events);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)proof->files);
	sqlite3_bind_text(st, 6, proof->workdir, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)proof->reflog);
	return run(p, st, "keep a proof");
}

int chancery__fixity_known(chancery__proofs *p,
	const chancery__fixity_file *f)
{
	char hex[CHANCERY_OID_HEXSZ + 1];
	sqlite3_stmt *st = NULL;
	int error;

	CHANCERY_ASSERT_ARG(p && f);
	/* the same line keeps its last check; a new one was never checked */
	if ((error = prepare(&st, p, "INSERT INTO fixity_files (path, blob,"
			" sha256, size, event) VALUES (?1, ?2, ?3, ?4, ?5)"
			" ON CONFLICT(path) DO UPDATE SET checked = CASE WHEN"
			" blob = ?2 AND sha256 = ?3 AND size = ?4 THEN checked"
			" ELSE 0 END, blob = ?2, sha256 = ?3, size = ?4,"
			" event = ?5", true)) < 0)
		return error;
	sqlite3_bind_text(st, 1, f->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, chancery__oid_tostr(hex, &f->blob), -1,
		SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, f->sha256, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)f->size);
	sqlite3_bind_text(st, 5, f->event, -1, SQLITE_TRANSIENT);
	return run(p, st, "keep a file's fixity line");
}

int chancery__fixity_checked(chancery__proofs *p, const char *path,
	const chancery_oid *blob, int64_t time, bool ok)
{
	char hex[CHANCERY_OID_HEXSZ + 1];
	sqlite3_stmt *st = NULL;
	int error;

	CHANCERY_ASSERT_ARG(p && path && blob);
	chancery__oid_tostr(hex, blob);
	if ((error = prepare(&st, p, "UPDATE fixity_files SET checked = ?,"
			" ok = ? WHERE path = ?", true)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, time);
	sqlite3_bind_int(st, 2, ok);
	sqlite3_bind_text(st, 3, path, -1, SQLITE_TRANSIENT);
	if ((error = run(p, st, "keep a file's check")) < 0 ||
	    (error = prepare(&st, p, "INSERT INTO fixity_log (path, blob,"
			" time, ok) VALUES (?, ?, ?, ?)", true)) < 0)
		return error;
	sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, time);
	sqlite3_bind_int(st, 4, ok);
	return run(p, st, "log a file's check");
}

static void fixity_row(chancery__fixity_file *f, sqlite3_stmt *st)
{
	const char *s;

	memset(f, 0, sizeof(*f));
	if ((s = (const char *)sqlite3_column_text(st, 0)))
		snprintf(f->path, sizeof(f->path), "%s", s);
	if (!(s = (const char *)sqlite3_column_text(st, 1)) ||
	    chancery__oid_fromstr(&f->blob, s) < 0)
		chancery_error_clear(); /* a zero blob: a finding */
	if ((s = (const char *)sqlite3_column_text(st, 2)))
		snprintf(f->sha256, sizeof(f->sha256), "%s", s);
	f->size = (size_t)sqlite3_column_int64(st, 3);
	if ((s = (const char *)sqlite3_column_text(st, 4)))
		snprintf(f->event, sizeof(f->event), "%s", s);
	f->checked = sqlite3_column_int64(st, 5);
	f->ok = sqlite3_column_int(st, 6) != 0;
}

#define FIXITY_COLUMNS "path, blob, sha256, size, event, checked, ok"

int chancery__fixity_due(chancery__proofs *p, int64_t before, size_t max,
	int (*cb)(const chancery__fixity_file *f, void *payload),
	void *payload)
{
	chancery__fixity_file *due = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0, a = 0;
	int error, rc;

	CHANCERY_ASSERT_ARG(p && cb);
	if ((error = prepare(&st, p, "SELECT " FIXITY_COLUMNS " FROM"
			" fixity_files WHERE checked <= ? ORDER BY checked,"
			" path LIMIT ?", false)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, before);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((error = chancery__grow((void **)&due, &a, n + 1,
				sizeof(*due))) < 0)
			break;
		fixity_row(&due[n++], st);
	}
	if (!error && rc != SQLITE_DONE)
		error = fail(p, rc, "read the files due");
	sqlite3_finalize(st);
	for (size_t i = 0; !error && i < n; i++)
		error = cb(&due[i], payload);
	chancery_free(due);
	return error;
}

int chancery__fixity_coverage(size_t *all, size_t *within,
	chancery__fixity_file *oldest, chancery__proofs *p, int64_t since)
{
	sqlite3_stmt *st = NULL;
	int error, rc;

	CHANCERY_ASSERT_ARG(all && within && oldest && p);
	*all = *within = 0;
	memset(oldest, 0, sizeof(*oldest));
	if ((error = prepare(&st, p, "SELECT count(*), coalesce(sum(checked"
			" > ?), 0) FROM fixity_files", false)) < 0)
		return error;
	sqlite3_bind_int64(st, 1, since);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*all = (size_t)sqlite3_column_int64(st, 0);
		*within = (size_t)sqlite3_column_int64(st, 1);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(p, rc, "count the files under fixity");
	if ((error = prepare(&st, p, "SELECT " FIXITY_COLUMNS " FROM"
			" fixity_files ORDER BY checked, path LIMIT 1",
			false)) < 0)
		return error;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fixity_row(oldest, st);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(p, rc, "read the oldest check");
}
