/*
 * index_db.c - opening the derived index's SQLite file (index_db.h): its
 * place in the Git directory, the settings every connection shares, a
 * damaged file replaced, SQLite's errors translated.
 *
 * Settings: WAL (readers never wait for the writer, an interrupted write
 * leaves the last committed state), synchronous=NORMAL (a power cut may
 * lose the last transactions, never consistency: the index is derived and
 * catches up again), a busy timeout for writers meeting each other.
 */
#include "index_db.h"
#include "internal.h"

#include <errno.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int chancery__index_path(char **out, chancery_repository *repo)
{
	CHANCERY_ASSERT_ARG(out && repo);
	*out = chancery__sprintf("%s%s", git_repository_path(repo->git),
		CHANCERY__INDEX_FILE);
	return *out ? 0 : chancery__oom();
}

bool chancery__sqlite_damaged(int rc)
{
	rc &= 0xff;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

int chancery__sqlite_error(sqlite3 *db, int rc, const char *what)
{
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return chancery__oom();
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return chancery__error(CHANCERY_ELOCKED, "the index: %s: %s "
			"(another chancery holds it)", what, msg);
	case SQLITE_CONSTRAINT:
		return chancery__error(CHANCERY_EEXISTS, "the index: %s: %s",
			what, msg);
	default:
		return chancery__error(CHANCERY_EOS, "the index: %s: %s", what,
			msg);
	}
}

int chancery__index_exec(sqlite3 *db, const char *sql, const char *what)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : chancery__sqlite_error(db, rc, what);
}

void chancery__index_db_close(sqlite3 *db)
{
	sqlite3_close_v2(db);
}

int chancery__index_db_remove(chancery_repository *repo)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char *path = NULL;
	int error;

	if ((error = chancery__index_path(&path, repo)) < 0)
		return error;
	for (size_t i = 0; i < sizeof(suffix) / sizeof(*suffix); i++) {
		char *p = chancery__sprintf("%s%s", path, suffix[i]);

		if (!p) {
			error = chancery__oom();
			break;
		}
		if (unlink(p) < 0 && errno != ENOENT)
			error = chancery__error(CHANCERY_EOS, "cannot remove the "
				"index file %s: %s", p, strerror(errno));
		chancery_free(p);
		if (error < 0)
			break;
	}
	chancery_free(path);
	return error;
}

/* The folder GITDIR/chancery, made if missing. */
static int index_folder(chancery_repository *repo)
{
	char *dir = chancery__sprintf("%schancery", git_repository_path(repo->git));
	int error = 0;

	if (!dir)
		return chancery__oom();
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		error = chancery__error(CHANCERY_EOS, "cannot make the index "
			"folder %s: %s", dir, strerror(errno));
	chancery_free(dir);
	return error;
}

/* Settings, and a first read of page 1: a file that is not a database
 * answers SQLITE_NOTADB here rather than in the middle of a query. */
static int index_settings(sqlite3 *db)
{
	int rc;

	sqlite3_busy_timeout(db, CHANCERY__INDEX_BUSY_MS);
	rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
		"PRAGMA synchronous=NORMAL;"
		"PRAGMA foreign_keys=ON;"
		"SELECT count(*) FROM sqlite_schema;", NULL, NULL, NULL);
	return rc;
}

static int index_try_open(sqlite3 **out, const char *path, bool create)
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
		(create ? SQLITE_OPEN_CREATE : 0);
	int rc;

	*out = NULL;
	rc = sqlite3_open_v2(path, out, flags, NULL);
	if (rc == SQLITE_OK)
		rc = index_settings(*out);
	return rc;
}

int chancery__index_db_open(sqlite3 **out, bool *fresh,
	chancery_repository *repo, bool create)
{
	char *path = NULL;
	struct stat st;
	bool existed;
	int error, rc;

	CHANCERY_ASSERT_ARG(out && repo);
	*out = NULL;
	if (fresh)
		*fresh = false;
	if ((error = chancery__index_path(&path, repo)) < 0)
		return error;
	existed = stat(path, &st) == 0;
	if (!existed && !create) {
		error = chancery__error(CHANCERY_ENOTFOUND, "there is no index");
		goto done;
	}
	if (!existed && (error = index_folder(repo)) < 0)
		goto done;
	rc = index_try_open(out, path, create);
	if (rc != SQLITE_OK && chancery__sqlite_damaged(rc) && create) {
		/* derived data only: a damaged file is replaced, never fatal */
		sqlite3_close_v2(*out);
		*out = NULL;
		if ((error = chancery__index_db_remove(repo)) < 0)
			goto done;
		existed = false;
		rc = index_try_open(out, path, create);
	}
	if (rc != SQLITE_OK) {
		error = chancery__sqlite_damaged(rc) ?
			chancery__error(CHANCERY_EOS, "the index file %s is "
				"damaged", path) :
			chancery__sqlite_error(*out, rc, "open");
		sqlite3_close_v2(*out);
		*out = NULL;
		goto done;
	}
	if (fresh)
		*fresh = !existed;
done:
	chancery_free(path);
	return error;
}
