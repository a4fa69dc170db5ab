/*
 * verify.c - proof that nothing was altered (the story of a State or a
 * treaty is history.c).
 *
 * chancery_verify() replays the branch from its first commit:
 *   - every commit must be what chancery would have written on top of its
 *     parent (engine/audit.c, the check sync makes of a peer's commits):
 *     valid file names, an event (a commit made by hand has none) whose
 *     record and id check, nothing removed, nothing changed that its event
 *     type never changes;
 *   - every file an event added (records, attachments, instruments, archive
 *     entries, notifications) must still be in the branch head with the
 *     same blob, and in the working tree with the same bytes; only the
 *     registry tables, a campaign's definition files and its generated
 *     letters are meant to be replaced;
 *   - every fixity line ("Attachment: NAME sha256=.. size=..",
 *     "Notification-File: PATH sha256=.. size=..") must match a fresh hash;
 *   - every event id must still match the digest of its parent commit and
 *     content (event.c): an amended, rebased or filtered history changes
 *     parents, and the ids stop matching;
 *   - the branch must still contain every commit its reflog saw it at (a
 *     reset or a forced update shows there);
 *   - notification numbers must run 1..n within each year, once each;
 *   - every object of the object database must read back with its hash
 *     (libgit2 checks hashes on read), and every blob the head names exist.
 * Each problem is one line "WHERE: what"; the result says how many.
 *
 * A writer killed between moving the branch and checking it out leaves the
 * working tree behind; verify finishes that checkout first (under the
 * repository lock, as the next write would) and then judges it.
 *
 * Left out: signatures on commits (the office may add GPG or SSH signing in
 * Git itself; verify does not require it), and untracked files.
 */
#include "../engine/internal.h"
#include "chancery/archive.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	chancery_repository *repo;
	const chancery_verify_options *o;
	chancery_verify_result *res;
	git_tree *head_tree;
	git_odb *odb;
	/* notification references seen, for duplicates */
	char **refs;
	size_t nrefs, arefs;
	/* a failure that stops the verification (out of memory): a check
	 * that could not run must never pass as a check that passed */
	int error;
	const char *id; /* the event being verified, for messages */
} verify_ctx;

/* Stop the verification with `code`; the first such failure is kept. */
static void halt(verify_ctx *v, int code)
{
	if (!v->error)
		v->error = code;
}

/* After a failed call: was it memory? Then stop, and say so. */
static bool stopped(verify_ctx *v, int code)
{
	const git_error *ge = git_error_last();

	if (code == CHANCERY_ENOMEM ||
	    (code != 0 && ge && ge->klass == GIT_ERROR_NOMEMORY)) {
		halt(v, CHANCERY_ENOMEM);
		return true;
	}
	return false;
}

static void problem(verify_ctx *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(verify_ctx *v, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	v->res->problems++;
	if (v->o->problem)
		v->o->problem(line, v->o->payload);
}

/* Paths meant to be replaced by later operations. */
static bool replaceable(const char *path)
{
	if (!strncmp(path, "registry/", 9) || !strcmp(path, ".gitignore") ||
	    !strncmp(path, ".chancery/", 10) || !strcmp(path, ".gitattributes"))
		return true;
	if (!strncmp(path, "campaigns/", 10)) {
		const char *p = strchr(path + 10, '/');

		return p && (!strncmp(p, "/letters/", 9) ||
			!strchr(p + 1, '/'));
	}
	return false;
}

/* ---- one file against what was committed -------------------------------- */

static void check_kept(verify_ctx *v, const char *path, const git_oid *blob,
	const char *id)
{
	git_tree_entry *e = NULL;
	git_oid wt;
	char *full;
	int rc;

	v->res->files++;
	if ((rc = git_tree_entry_bypath(&e, v->head_tree, path)) < 0) {
		if (!stopped(v, rc))
			problem(v, "%s: removed after event %s recorded it",
				path, id);
		git_error_clear();
		return;
	}
	if (!git_oid_equal(git_tree_entry_id(e), blob))
		problem(v, "%s: changed after event %s recorded it (now blob "
			"%.12s, recorded %.12s)", path, id,
			git_oid_tostr_s(git_tree_entry_id(e)),
			git_oid_tostr_s(blob));
	git_tree_entry_free(e);
	full = chancery__sprintf("%s%s", v->repo->workdir, path);
	if (!full) {
		halt(v, CHANCERY_ENOMEM);
		return;
	}
	if ((rc = git_odb_hashfile(&wt, full, GIT_OBJECT_BLOB)) < 0) {
		if (!stopped(v, rc))
			problem(v, "%s: missing from the working tree", path);
		git_error_clear();
	} else if (!git_oid_equal(&wt, blob)) {
		problem(v, "%s: the working tree's copy differs from what event "
			"%s recorded", path, id);
	}
	chancery_free(full);
}

/* "NAME sha256=HEX size=N" (NAME is a path for Notification-File) */
static bool parse_fixity(char *name, size_t nsize, char hex[65],
	size_t *size, const char *v)
{
	const char *sp = strchr(v, ' ');
	char *end;

	if (!sp || (size_t)(sp - v) >= nsize || strncmp(sp, " sha256=", 8) ||
	    strlen(sp + 8) < 64 + 6 || strncmp(sp + 8 + 64, " size=", 6))
		return false;
	snprintf(name, nsize, "%.*s", (int)(sp - v), v);
	memcpy(hex, sp + 8, 64);
	hex[64] = '\0';
	*size = (size_t)strtoull(sp + 8 + 64 + 6, &end, 10);
	return *end == '\0';
}

/* Do `n` bytes of `data` match a fixity line's size and SHA-256? 1 yes,
 * 0 no, < 0 the hash could not be computed (the verification stops). */
static int matches(verify_ctx *v, const char *data, size_t n, size_t size,
	const char *hex)
{
	char got[65];
	int rc;

	if (n != size)
		return 0;
	if ((rc = chancery__sha256_hex(got, data, n)) < 0) {
		halt(v, rc);
		return rc;
	}
	return strcmp(got, hex) == 0;
}

/* Re-hash `path` (in the head and in the working tree) against a line. */
static void check_fixity(verify_ctx *v, const char *path, const char *hex,
	size_t size, const char *id)
{
	char *data = NULL, *full;
	size_t n = 0;
	int rc;

	if ((rc = chancery__tree_read(&data, &n, v->repo, v->head_tree,
			path)) < 0) {
		stopped(v, rc); /* else reported as removed */
		chancery_error_clear();
		return;
	}
	rc = matches(v, data, n, size, hex);
	chancery_free(data);
	data = NULL;
	if (rc < 0)
		return;
	if (rc == 0)
		problem(v, "%s: SHA-256 or size no longer match the record of "
			"event %s", path, id);
	full = chancery__sprintf("%s%s", v->repo->workdir, path);
	if (!full) {
		halt(v, CHANCERY_ENOMEM);
		return;
	}
	rc = chancery__read_file(&data, &n, full, CHANCERY_ATTACHMENT_MAX);
	if (rc == 0) {
		if (matches(v, data, n, size, hex) == 0)
			problem(v, "%s: the working tree's copy fails its "
				"SHA-256 (event %s)", path, id);
		chancery_free(data);
	} else {
		stopped(v, rc); /* else reported by check_kept */
	}
	chancery_error_clear();
	chancery_free(full);
}

/* ---- one event ------------------------------------------------------------- */

static bool selected(const verify_ctx *v, const chancery_event *ev)
{
	bool state_ok = !v->o->state, campaign_ok = !v->o->campaign;

	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *val;

		chancery_event_field(&k, &val, ev, i);
		if (v->o->state && !strcmp(k, "State") &&
		    !strcmp(val, v->o->state))
			state_ok = true;
		if (v->o->campaign && !strcmp(k, "Campaign") &&
		    !strcmp(val, v->o->campaign))
			campaign_ok = true;
	}
	return state_ok && campaign_ok;
}

/* The commit check's findings are verify's findings. */
static int check_problem(const char *line, void *payload)
{
	problem(payload, "%s", line);
	return 0;
}

/* Every file the commit added, but those meant to be replaced, must still
 * be in the head and the working tree as it was added. */
static int check_file(const char *path, const git_oid *blob, void *payload)
{
	verify_ctx *v = payload;

	if (!replaceable(path))
		check_kept(v, path, blob, v->id);
	return v->error != 0;
}

/*
 * One commit: what it is (audit.c: names, its event, its id, what its
 * type may change, the same check sync makes of a peer's commits), then
 * what became of its files since (the head, the working tree, fixity) and
 * whether its notification was issued before.
 */
static int verify_commit(verify_ctx *v, git_commit *commit,
	const chancery_event *ev)
{
	chancery__check_opts co = { check_problem, check_file, NULL };
	const char *id = ev ? chancery_event_id(ev) : NULL;
	int error;

	co.payload = v;
	v->id = id ? id : "?";
	if (ev)
		v->res->events++;
	error = chancery__commit_check(v->repo, commit, &co);
	if (error < 0 && !stopped(v, error)) {
		problem(v, "commit %.12s: cannot be read (%s)",
			git_oid_tostr_s(git_commit_id(commit)),
			chancery_error_last()->message);
		chancery_error_clear();
	}
	if (v->error || !ev)
		return v->error;

	/* fixity lines, against the head and the working tree */
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *val;
		char name[300], hex[65], path[400];
		size_t size;

		chancery_event_field(&k, &val, ev, i);
		if (strcmp(k, "Attachment") && strcmp(k, "Notification-File"))
			continue;
		if (!parse_fixity(name, sizeof(name), hex, &size, val) ||
		    !id || strlen(id) < 6)
			continue; /* reported by the commit check */
		if (!strcmp(k, "Attachment"))
			snprintf(path, sizeof(path), "events/%.4s/%.2s/%s/%s", id,
				id + 4, id, name);
		else
			snprintf(path, sizeof(path), "%s", name);
		if (!chancery__path_valid(path))
			continue; /* reported; never looked for on disk */
		check_fixity(v, path, hex, size, id);
		if (v->error)
			return v->error;
	}
	{
		const char *ref = chancery_event_get(ev, "Notification");

		if (ref) {
			for (size_t i = 0; i < v->nrefs; i++)
				if (!strcmp(v->refs[i], ref))
					problem(v, "%s: issued twice (again by "
						"event %s)", ref, id);
			if (chancery__grow((void **)&v->refs, &v->arefs,
					v->nrefs + 1, sizeof(char *)) < 0 ||
			    !(v->refs[v->nrefs] = chancery__strdup(ref)))
				return chancery__oom();
			v->nrefs++;
		}
	}
	return v->error;
}

/* ---- whole-repository checks ------------------------------------------------ */

static void check_numbering(verify_ctx *v)
{
	git_tree_entry *e = NULL;
	git_tree *dir = NULL;
	int rc;

	if ((rc = git_tree_entry_bypath(&e, v->head_tree,
			"notifications")) < 0 ||
	    (rc = git_tree_lookup(&dir, v->repo->git,
			git_tree_entry_id(e))) < 0) {
		stopped(v, rc); /* else none issued yet */
		git_error_clear();
		git_tree_entry_free(e);
		return;
	}
	for (size_t y = 0; y < git_tree_entrycount(dir); y++) {
		const git_tree_entry *ye = git_tree_entry_byindex(dir, y);
		git_tree *yt = NULL;
		size_t n, max = 0;
		unsigned char *seen;

		if ((rc = git_tree_lookup(&yt, v->repo->git,
				git_tree_entry_id(ye))) < 0) {
			if (!stopped(v, rc))
				problem(v, "notifications/%s: not a folder of "
					"notifications", git_tree_entry_name(ye));
			git_error_clear();
			if (v->error)
				break;
			continue;
		}
		n = git_tree_entrycount(yt);
		seen = chancery__calloc(n + 2, 1);
		if (!seen) {
			halt(v, CHANCERY_ENOMEM);
			git_tree_free(yt);
			break;
		}
		for (size_t i = 0; seen && i < n; i++) {
			const char *name = git_tree_entry_name(
				git_tree_entry_byindex(yt, i));
			char *end;
			unsigned long k = strtoul(name, &end, 10);

			if (strlen(name) != 8 || strcmp(end, ".odt") || !k) {
				problem(v, "notifications/%s/%s: not a "
					"notification number", git_tree_entry_name(ye),
					name);
				continue;
			}
			if (k > n) {
				problem(v, "notifications/%s: number %lu but only "
					"%zu notifications: numbers are missing",
					git_tree_entry_name(ye), k, n);
				continue;
			}
			seen[k] = 1;
			if (k > max)
				max = k;
		}
		for (size_t k = 1; seen && k <= max; k++)
			if (!seen[k])
				problem(v, "notifications/%s: number %zu is missing",
					git_tree_entry_name(ye), k);
		chancery_free(seen);
		git_tree_free(yt);
	}
	git_tree_free(dir);
	git_tree_entry_free(e);
}

static void check_reflog(verify_ctx *v, const git_oid *head)
{
	git_reflog *log = NULL;
	int rc;

	if ((rc = git_reflog_read(&log, v->repo->git, v->repo->branch)) < 0) {
		stopped(v, rc); /* else there is no log to compare with */
		git_error_clear();
		return;
	}
	/* entry 0 is the newest. An entry took effect when the branch was
	 * there afterwards: the next (newer) entry starts from it, or it is
	 * the newest and the branch is there. A writer killed between logging
	 * and moving the branch leaves an entry that never took effect. */
	for (size_t i = 0; i < git_reflog_entrycount(log); i++) {
		const git_reflog_entry *e = git_reflog_entry_byindex(log, i);
		const git_oid *was = git_reflog_entry_id_new(e);
		const git_oid *then = i ? git_reflog_entry_id_old(
			git_reflog_entry_byindex(log, i - 1)) : head;

		if (git_oid_is_zero(was) || git_oid_equal(was, head) ||
		    !git_oid_equal(then, was))
			continue;
		if ((rc = git_graph_descendant_of(v->repo->git, head,
				was)) < 0 && stopped(v, rc))
			break;
		if (rc != 1) {
			const char *m = git_reflog_entry_message(e);

			problem(v, "branch %s: no longer contains commit %.12s it "
				"pointed to (%s): history was rewritten",
				v->repo->branch, git_oid_tostr_s(was),
				m ? m : "no message");
			git_error_clear();
		}
	}
	git_reflog_free(log);
}

static int odb_cb(const git_oid *id, void *payload)
{
	verify_ctx *v = payload;
	git_odb_object *obj = NULL;
	int rc;

	v->res->objects++;
	if ((rc = git_odb_read(&obj, v->odb, id)) < 0) {
		if (stopped(v, rc))
			return GIT_EUSER;
		problem(v, "object %s: unreadable or corrupt (%s)",
			git_oid_tostr_s(id), git_error_last() ?
			git_error_last()->message : "?");
		git_error_clear();
	}
	git_odb_object_free(obj);
	return 0;
}

static int tree_cb(const char *root, const git_tree_entry *e, void *payload)
{
	verify_ctx *v = payload;
	const char *name = git_tree_entry_name(e);

	if (!chancery__path_component_valid(name, strlen(name))) {
		char shown[300];

		chancery__printable(shown, sizeof(shown), name);
		problem(v, "%s%s: not a valid file name in the branch head",
			root, shown);
		return 1; /* nor what is under it */
	}
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	if (!git_odb_exists(v->odb, git_tree_entry_id(e)))
		problem(v, "%s%s: its content (object %.12s) is missing", root,
			git_tree_entry_name(e),
			git_oid_tostr_s(git_tree_entry_id(e)));
	return 0;
}

int chancery_verify(chancery_verify_result *out, chancery_repository *repo,
	const chancery_verify_options *opts)
{
	chancery_verify_options none = CHANCERY_VERIFY_OPTIONS_INIT;
	chancery_verify_result local;
	verify_ctx v;
	git_revwalk *walk = NULL;
	git_commit *hc = NULL;
	git_oid head, oid;
	int error;

	CHANCERY_ASSERT_ARG(repo);
	if (!out)
		out = &local;
	memset(out, 0, sizeof(*out));
	CHANCERY_CHECK_VERSION(opts, CHANCERY_VERIFY_OPTIONS_VERSION);
	memset(&v, 0, sizeof(v));
	v.repo = repo;
	v.o = opts ? opts : &none;
	v.res = out;
	/* a writer killed after moving the branch leaves the working tree
	 * behind it: finish that checkout first, as the next write would */
	if ((error = chancery__worktree_recover(repo)) == CHANCERY_ENOMEM)
		goto done;
	if (error < 0)
		chancery_error_clear(); /* read-only: judge it as it is */
	if ((error = git_reference_name_to_id(&head, repo->git,
			repo->branch)) < 0 ||
	    (error = git_commit_lookup(&hc, repo->git, &head)) < 0 ||
	    (error = git_commit_tree(&v.head_tree, hc)) < 0) {
		error = chancery__git_error(error, "read the branch head");
		goto done;
	}
	if ((error = git_revwalk_new(&walk, repo->git)) < 0 ||
	    (error = git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL |
			GIT_SORT_REVERSE)) < 0 ||
	    (error = git_revwalk_push(walk, &head)) < 0) {
		error = chancery__git_error(error, "walk the history");
		goto done;
	}
	while ((error = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL;
		chancery_event *ev = NULL;
		int e2;

		if ((e2 = git_commit_lookup(&c, repo->git, &oid)) < 0) {
			if (stopped(&v, e2)) {
				error = v.error;
				goto done;
			}
			problem(&v, "commit %.12s: unreadable",
				git_oid_tostr_s(&oid));
			git_error_clear();
			continue;
		}
		e2 = chancery__event_from_commit(&ev, c);
		if (e2 == CHANCERY_ENOTFOUND || e2 == CHANCERY_EINVALID) {
			/* no event, or one recording would refuse: the commit
			 * check says which and why */
			chancery_error_clear();
			error = verify_commit(&v, c, NULL);
		} else if (e2 < 0) {
			git_commit_free(c);
			error = e2;
			goto done;
		} else if (selected(&v, ev)) {
			error = verify_commit(&v, c, ev);
		}
		chancery_event_free(ev);
		git_commit_free(c);
		if (error < 0)
			goto done;
	}
	if (error != GIT_ITEROVER) {
		error = chancery__git_error(error, "walk the history");
		goto done;
	}
	error = 0;
	check_numbering(&v);
	if (!v.error)
		check_reflog(&v, &head);
	if (!v.error && (error = git_repository_odb(&v.odb, repo->git)) < 0 &&
	    !stopped(&v, error))
		problem(&v, "object database: cannot be listed (%s)",
			git_error_last() ? git_error_last()->message : "?");
	if (!v.error && v.odb && (error = git_tree_walk(v.head_tree,
			GIT_TREEWALK_PRE, tree_cb, &v)) < 0 && !stopped(&v, error))
		problem(&v, "branch %s: its tree cannot be walked (%s)",
			repo->branch, git_error_last() ?
			git_error_last()->message : "?");
	if (!v.error && v.odb && (error = git_odb_foreach(v.odb, odb_cb,
			&v)) < 0 && !stopped(&v, error))
		problem(&v, "object database: cannot be listed (%s)",
			git_error_last() ? git_error_last()->message : "?");
	if (v.error) {
		error = v.error;
		goto done;
	}
	error = 0;
	git_error_clear();
	if (out->problems)
		error = chancery__error(CHANCERY_EINVALID,
			"verification found %zu problem%s", out->problems,
			out->problems == 1 ? "" : "s");
done:
	if (v.error && error == v.error)
		/* a stop keeps its code; the checks cleared messages as
		 * they went, so say it here */
		error = v.error == CHANCERY_ENOMEM ? chancery__oom() :
			chancery__error(v.error, "verification stopped: %s",
				chancery_strerror(v.error));
	for (size_t i = 0; i < v.nrefs; i++)
		chancery_free(v.refs[i]);
	chancery_free(v.refs);
	git_odb_free(v.odb);
	git_revwalk_free(walk);
	git_tree_free(v.head_tree);
	git_commit_free(hc);
	return error;
}
