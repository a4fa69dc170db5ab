/*
 * object.c - the store's objects in chancery's types (store.h): ids and
 * their hex form, hashing as a blob, the branch's name and clock, the
 * branch head, blobs by id, the object database, ancestry, the branch's
 * reflog and remotes.
 *
 * Every libgit2 error is translated here (chancery__git_error), so callers
 * see only CHANCERY_E* codes and one message. Blobs are copied out with a
 * cap: the callers keep no libgit2 object alive, which costs one copy of
 * each file read (files in a chancery repository are letters and tables).
 * Left out: writing objects (store.c's pipeline is the only writer).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store_git.h"

/* ---- ids ----------------------------------------------------------------- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int chancery__oid_fromstr(chancery_oid *out, const char *hex)
{
	chancery_oid id;

	CHANCERY_ASSERT_ARG(out && hex);
	if (strnlen(hex, CHANCERY_OID_HEXSZ + 1) != CHANCERY_OID_HEXSZ)
		goto invalid;
	for (size_t i = 0; i < CHANCERY_OID_RAWSZ; i++) {
		int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			goto invalid;
		id.id[i] = (unsigned char)(hi << 4 | lo);
	}
	*out = id;
	return 0;
invalid:
	return chancery__error(CHANCERY_EINVALID,
		"'%.48s' is not an object id", hex);
}

char *chancery__oid_tostr(char out[CHANCERY_OID_HEXSZ + 1],
	const chancery_oid *id)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < CHANCERY_OID_RAWSZ; i++) {
		out[2 * i] = digits[id->id[i] >> 4];
		out[2 * i + 1] = digits[id->id[i] & 15];
	}
	out[CHANCERY_OID_HEXSZ] = '\0';
	return out;
}

bool chancery__oid_equal(const chancery_oid *a, const chancery_oid *b)
{
	return memcmp(a->id, b->id, CHANCERY_OID_RAWSZ) == 0;
}

bool chancery__oid_is_zero(const chancery_oid *id)
{
	for (size_t i = 0; i < CHANCERY_OID_RAWSZ; i++)
		if (id->id[i])
			return false;
	return true;
}

int chancery__oid_hash(chancery_oid *out, const void *data, size_t size)
{
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(out && (data || !size));
	if ((error = chancery__git_init()) < 0)
		return error;
	if ((error = git_odb_hash(&g, data ? data : "", size,
			GIT_OBJECT_BLOB)) < 0)
		return chancery__git_error(error, "hash a blob");
	chancery__oid_from_git(out, &g);
	return 0;
}

int chancery__oid_hashfile(chancery_oid *out, const char *path)
{
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(out && path);
	if ((error = chancery__git_init()) < 0)
		return error;
	if ((error = git_odb_hashfile(&g, path, GIT_OBJECT_BLOB)) < 0) {
		const git_error *ge = git_error_last();

		if (ge && ge->klass == GIT_ERROR_NOMEMORY)
			return chancery__oom();
		git_error_clear();
		return chancery__error(CHANCERY_ENOTFOUND,
			"'%s' cannot be read", path);
	}
	chancery__oid_from_git(out, &g);
	return 0;
}

/* ---- the repository -------------------------------------------------------- */

const char *chancery__branch(const chancery_repository *repo)
{
	assert(repo);
	return repo->branch;
}

int64_t chancery__now(const chancery_repository *repo)
{
	assert(repo);
	return repo->have_sig && repo->sig_time ? repo->sig_time :
		(int64_t)time(NULL);
}

/* ---- the repository's objects -------------------------------------------- */

int chancery__head(chancery_oid *out, chancery_repository *repo)
{
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(out && repo);
	if ((error = git_reference_name_to_id(&g, repo->git,
			repo->branch)) < 0)
		return chancery__git_error(error, "read the branch head");
	chancery__oid_from_git(out, &g);
	return 0;
}

int chancery__revparse(chancery_oid *out, chancery_repository *repo,
	const char *spec)
{
	git_object *obj = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && spec);
	if ((error = git_revparse_single(&obj, repo->git, spec)) < 0) {
		error = chancery__git_error(error, "find the commit");
	} else if (git_object_type(obj) != GIT_OBJECT_COMMIT) {
		error = chancery__error(CHANCERY_ENOTFOUND, "'%.60s' names "
			"no commit", spec);
	} else {
		chancery__oid_from_git(out, git_object_id(obj));
	}
	git_object_free(obj);
	return error;
}

int chancery__object_exists(chancery_repository *repo, const chancery_oid *id)
{
	git_odb *odb = NULL;
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(repo && id);
	if ((error = git_repository_odb(&odb, repo->git)) < 0)
		return chancery__git_error(error, "open the object database");
	chancery__oid_to_git(&g, id);
	error = git_odb_exists(odb, &g) != 0;
	git_odb_free(odb);
	return error;
}

int chancery__object_check(chancery_repository *repo, const chancery_oid *id)
{
	git_odb *odb = NULL;
	git_odb_object *obj = NULL;
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(repo && id);
	chancery__oid_to_git(&g, id);
	if ((error = git_repository_odb(&odb, repo->git)) < 0 ||
	    (error = git_odb_read(&obj, odb, &g)) < 0)
		error = chancery__git_error(error, "read an object");
	git_odb_object_free(obj);
	git_odb_free(odb);
	return error;
}

typedef struct {
	int (*cb)(const chancery_oid *id, void *payload);
	void *payload;
	int stop;
} odb_walk;

static int odb_each(const git_oid *g, void *payload)
{
	odb_walk *w = payload;
	chancery_oid id;

	chancery__oid_from_git(&id, g);
	if ((w->stop = w->cb(&id, w->payload)) != 0)
		return GIT_EUSER;
	return 0;
}

int chancery__odb_foreach(chancery_repository *repo,
	int (*cb)(const chancery_oid *id, void *payload), void *payload)
{
	odb_walk w = { cb, payload, 0 };
	git_odb *odb = NULL;
	int error;

	CHANCERY_ASSERT_ARG(repo && cb);
	if ((error = git_repository_odb(&odb, repo->git)) < 0) {
		error = chancery__git_error(error, "open the object database");
		goto done;
	}
	error = git_odb_foreach(odb, odb_each, &w);
	if (w.stop)
		error = w.stop;
	else if (error < 0)
		error = chancery__git_error(error, "list the object database");
done:
	git_odb_free(odb);
	return error;
}

int chancery__descendant_of(chancery_repository *repo,
	const chancery_oid *commit, const chancery_oid *ancestor)
{
	git_oid a, b;
	int rc;

	CHANCERY_ASSERT_ARG(repo && commit && ancestor);
	chancery__oid_to_git(&a, commit);
	chancery__oid_to_git(&b, ancestor);
	if ((rc = git_graph_descendant_of(repo->git, &a, &b)) < 0)
		return chancery__git_error(rc, "compare histories");
	return rc;
}

/* 256 MiB, as chancery_buf's default cap */
#define DEFAULT_MAX ((size_t)256 << 20)

int chancery__blob_read(char **out, size_t *size, chancery_repository *repo,
	const chancery_oid *id, size_t max)
{
	git_blob *blob = NULL;
	char hex[CHANCERY_OID_HEXSZ + 1];
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(out && size && repo && id);
	*out = NULL;
	*size = 0;
	chancery__oid_to_git(&g, id);
	chancery__oid_tostr(hex, id);
	if ((error = git_blob_lookup(&blob, repo->git, &g)) < 0) {
		error = chancery__git_error(error, "read a blob");
		goto done;
	}
	if ((uint64_t)git_blob_rawsize(blob) > (max ? max : DEFAULT_MAX)) {
		error = chancery__error(CHANCERY_EINVALID, "blob %.12s: %llu "
			"bytes, more than the %zu allowed", hex,
			(unsigned long long)git_blob_rawsize(blob),
			max ? max : DEFAULT_MAX);
		goto done;
	}
	*size = (size_t)git_blob_rawsize(blob);
	if (!(*out = chancery__malloc(*size + 1))) {
		error = chancery__oom();
		goto done;
	}
	memcpy(*out, git_blob_rawcontent(blob), *size);
	(*out)[*size] = '\0';
done:
	if (error < 0)
		*size = 0;
	git_blob_free(blob);
	return error;
}

/* ---- the reflog and remotes ---------------------------------------------- */

int chancery__reflog_foreach(chancery_repository *repo,
	int (*cb)(const chancery__reflog_entry *e, void *payload),
	void *payload)
{
	git_reflog *log = NULL;
	int error;

	CHANCERY_ASSERT_ARG(repo && cb);
	if ((error = git_reflog_read(&log, repo->git, repo->branch)) < 0)
		return chancery__git_error(error, "read the reflog");
	for (size_t i = 0; i < git_reflog_entrycount(log) && !error; i++) {
		const git_reflog_entry *g = git_reflog_entry_byindex(log, i);
		chancery__reflog_entry e;

		chancery__oid_from_git(&e.old_id, git_reflog_entry_id_old(g));
		chancery__oid_from_git(&e.new_id, git_reflog_entry_id_new(g));
		e.message = git_reflog_entry_message(g);
		error = cb(&e, payload);
	}
	git_reflog_free(log);
	return error;
}

int chancery__remote_exists(chancery_repository *repo, const char *name)
{
	git_remote *r = NULL;
	int error;

	CHANCERY_ASSERT_ARG(repo && name);
	error = git_remote_lookup(&r, repo->git, name);
	git_remote_free(r);
	if (error == GIT_ENOTFOUND || error == GIT_EINVALIDSPEC) {
		git_error_clear();
		return 0;
	}
	if (error < 0) {
		char what[160];

		snprintf(what, sizeof(what), "look up the remote '%.100s'",
			name);
		return chancery__git_error(error, what);
	}
	return 1;
}
