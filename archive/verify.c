/*
 * verify.c - proof that nothing was altered (the story of a State or a
 * treaty is history.c).
 *
 * chancery_archive_verify() replays the branch from its first commit:
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
 * repository lock, as the next write would) and then judges it. A bare
 * repository has no working tree: its files are judged in the branch head
 * only, and a note says so.
 *
 * Left out: signatures on commits (the office may add GPG or SSH signing in
 * Git itself; verify does not require it), and untracked files.
 */
#include "../engine/base.h"
#include "../engine/index_proof.h"
#include "../engine/store.h"
#include "chancery/archive.h"
#include "chancery/index.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	chancery_repository *repo;
	const chancery_verify_options *o;
	chancery_verify_result *res;
	chancery_tree *head_tree;
	chancery_oid head;
	/* notification references seen, for duplicates */
	char **refs;
	size_t nrefs, arefs;
	/* a failure that stops the verification (out of memory): a check
	 * that could not run must never pass as a check that passed */
	int error;
	const char *id; /* the event being verified, for messages */
	/* the commits walked, sorted after the walk: the reflog's moves are
	 * looked up here rather than each one walked back from the head */
	chancery_oid *seen;
	size_t nseen, aseen;
	/* the proofs (NULL: none can be kept) and this run's kind */
	chancery__proofs *proofs;
	bool incremental;
	chancery__proof last; /* the proof an incremental run starts from */
	int64_t now;
	size_t reflog; /* the reflog's entries, kept with the proof */
	/* the head's folder last looked in: an event's files share one, and
	 * a lookup by path from the root parsed every folder on the way each
	 * time (a month's folder of the whole history: quadratic) */
	char folder[400];
	chancery_tree *folder_tree;
	/* the paths whose working-tree copy was reported already, so that
	 * the working tree's own check (check_edits) does not say it twice */
	char **told;
	size_t ntold, atold;
} verify_ctx;

/* Stop the verification with `code`; the first such failure is kept. */
static void halt(verify_ctx *v, int code)
{
	if (!v->error)
		v->error = code;
}

/* After a failed call: was it memory? Then stop, and say so. (The store
 * translates libgit2's out-of-memory into CHANCERY_ENOMEM.) */
static bool stopped(verify_ctx *v, int code)
{
	if (code == CHANCERY_ENOMEM) {
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

/* A path whose working-tree copy was found wrong: remembered (a problem
 * was reported for it; out of memory stops the run). */
static void told(verify_ctx *v, const char *path)
{
	char *p = chancery__strdup(path);

	if (!p || chancery__grow((void **)&v->told, &v->atold, v->ntold + 1,
			sizeof(*v->told)) < 0) {
		chancery_free(p);
		halt(v, CHANCERY_ENOMEM);
		return;
	}
	v->told[v->ntold++] = p;
}

static bool was_told(const verify_ctx *v, const char *path)
{
	for (size_t i = 0; i < v->ntold; i++)
		if (!strcmp(v->told[i], path))
			return true;
	return false;
}

static void note(verify_ctx *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Why the run is not what was asked (checks in full, keeps no proof). */
static void note(verify_ctx *v, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (v->o->note)
		v->o->note(line, v->o->payload);
}

/* Where the repository is, as a proof remembers it: its working tree, or
 * the Git folder of a bare repository (which has none). */
static const char *where(chancery_repository *repo)
{
	const char *wd = chancery_repository_workdir(repo);

	return wd ? wd : chancery__gitdir(repo);
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

/* The head's folder holding `path` (borrowed), and the name in it. */
static int head_folder(const chancery_tree **out, const char **name,
	verify_ctx *v, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	int rc;

	*name = slash ? slash + 1 : path;
	if (!slash) {
		*out = v->head_tree;
		return 0;
	}
	if (n >= sizeof(v->folder))
		return chancery__error(CHANCERY_ENOTFOUND, "%s: no such file",
			path);
	if (!v->folder_tree || strncmp(v->folder, path, n) ||
	    v->folder[n] != '\0') {
		chancery__tree_free(v->folder_tree);
		v->folder_tree = NULL;
		memcpy(v->folder, path, n);
		v->folder[n] = '\0';
		if ((rc = chancery__tree_folder(&v->folder_tree, v->head_tree,
				v->folder)) < 0) {
			v->folder[0] = '\0';
			return rc == CHANCERY_EINVALID ? CHANCERY_ENOTFOUND : rc;
		}
	}
	*out = v->folder_tree;
	return 0;
}

/* chancery__tree_entry of the head, through the folder kept. */
static int head_entry(chancery_entry *e, verify_ctx *v, const char *path)
{
	const chancery_tree *t;
	const char *name;
	int rc;

	if ((rc = head_folder(&t, &name, v, path)) < 0)
		return rc;
	return chancery__tree_entry(e, t, name);
}

/* chancery__tree_file of the head, through the folder kept. */
static int head_file(char **data, size_t *n, verify_ctx *v,
	const char *path)
{
	const chancery_tree *t;
	const char *name;
	int rc;

	if ((rc = head_folder(&t, &name, v, path)) < 0)
		return rc;
	return chancery__tree_file(data, n, t, name, SIZE_MAX);
}

static void check_kept(verify_ctx *v, const char *path,
	const chancery_oid *blob, const char *id)
{
	chancery_entry e;
	chancery_oid wt;
	char now[CHANCERY_OID_HEXSZ + 1], was[CHANCERY_OID_HEXSZ + 1], *full;
	int rc;

	v->res->files++;
	if ((rc = head_entry(&e, v, path)) < 0) {
		if (!stopped(v, rc))
			problem(v, "%s: removed after event %s recorded it",
				path, id);
		chancery_error_clear();
		return;
	}
	if (!chancery__oid_equal(&e.id, blob))
		problem(v, "%s: changed after event %s recorded it (now blob "
			"%.12s, recorded %.12s)", path, id,
			chancery__oid_tostr(now, &e.id),
			chancery__oid_tostr(was, blob));
	if (!chancery_repository_workdir(v->repo))
		return;   /* bare: the head's blob is all there is */
	full = chancery__sprintf("%s%s", chancery_repository_workdir(v->repo),
		path);
	if (!full) {
		halt(v, CHANCERY_ENOMEM);
		return;
	}
	if ((rc = chancery__oid_hashfile(&wt, full)) < 0) {
		if (!stopped(v, rc)) {
			problem(v, "%s: missing from the working tree", path);
			told(v, path);
		}
		chancery_error_clear();
	} else if (!chancery__oid_equal(&wt, blob)) {
		problem(v, "%s: the working tree's copy differs from what event "
			"%s recorded", path, id);
		told(v, path);
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

	if ((rc = head_file(&data, &n, v, path)) < 0) {
		if (!stopped(v, rc) && rc != CHANCERY_ENOTFOUND)
			problem(v, "%s: its object cannot be read (%s)", path,
				chancery_error_last()->message);
		chancery_error_clear(); /* else reported as removed */
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
	if (!chancery_repository_workdir(v->repo))
		return;   /* bare: no working tree's copy */
	full = chancery__sprintf("%s%s", chancery_repository_workdir(v->repo),
		path);
	if (!full) {
		halt(v, CHANCERY_ENOMEM);
		return;
	}
	rc = chancery__read_file(&data, &n, full, CHANCERY_ATTACHMENT_MAX);
	if (rc == 0) {
		if (matches(v, data, n, size, hex) == 0) {
			problem(v, "%s: the working tree's copy fails its "
				"SHA-256 (event %s)", path, id);
			told(v, path);
		}
		chancery_free(data);
	} else {
		stopped(v, rc); /* else reported by check_kept */
	}
	chancery_error_clear();
	chancery_free(full);
}

/* The index could not keep what was proved: go on without it. */
static void proofs_lost(verify_ctx *v, int rc)
{
	if (stopped(v, rc))
		return;
	note(v, "verify: the index cannot keep proofs (%s): none kept",
		chancery_error_last()->message);
	chancery_error_clear();
	chancery__proofs_close(v->proofs);
	v->proofs = NULL;
}

/* check_fixity, and its result logged in the index. */
static void prove_fixity(verify_ctx *v, const char *path, const char *hex,
	size_t size, const char *id)
{
	size_t before = v->res->problems;
	chancery__fixity_file f;
	chancery_entry e;
	int rc;

	check_fixity(v, path, hex, size, id);
	if (v->error || !v->proofs)
		return;
	memset(&f, 0, sizeof(f));
	snprintf(f.path, sizeof(f.path), "%s", path);
	snprintf(f.sha256, sizeof(f.sha256), "%s", hex);
	snprintf(f.event, sizeof(f.event), "%s", id);
	f.size = size;
	if ((rc = head_entry(&e, v, path)) == 0)
		f.blob = e.id;
	else if (stopped(v, rc))
		return;
	chancery_error_clear(); /* removed: reported by check_kept */
	if ((rc = chancery__fixity_known(v->proofs, &f)) < 0 ||
	    (rc = chancery__fixity_checked(v->proofs, path, &f.blob, v->now,
			v->res->problems == before)) < 0)
		proofs_lost(v, rc);
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
static int check_file(const char *path, const chancery_oid *blob,
	void *payload)
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
static int verify_commit(verify_ctx *v, const chancery_oid *commit,
	const chancery_event *ev)
{
	chancery__audit_opts ao = { check_problem, check_file, NULL };
	const char *id = ev ? chancery_event_id(ev) : NULL;
	char cid[CHANCERY_OID_HEXSZ + 1];
	int error;

	ao.payload = v;
	v->id = id ? id : "?";
	if (ev)
		v->res->events++;
	error = chancery__commit_audit(v->repo, commit, &ao);
	if (error < 0 && !stopped(v, error)) {
		problem(v, "commit %.12s: cannot be read (%s)",
			chancery__oid_tostr(cid, commit),
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
		if (!strcmp(k, "Attachment")) {
			char dir[CHANCERY__EVENT_DIR_MAX];

			if (chancery__event_dir_of(dir, sizeof(dir), v->repo,
					ev) < 0) {
				chancery_error_clear();
				continue; /* reported by the commit check */
			}
			snprintf(path, sizeof(path), "%s/%s", dir, name);
		} else
			snprintf(path, sizeof(path), "%s", name);
		if (!chancery__path_valid(path))
			continue; /* reported; never looked for on disk */
		prove_fixity(v, path, hex, size, id);
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

typedef struct {
	verify_ctx *v;
	const char *year;
	size_t n, max;
	unsigned char *seen;
} year_ctx;

static int number_cb(const chancery_entry *e, void *payload)
{
	year_ctx *y = payload;
	char *end;
	unsigned long k = strtoul(e->name, &end, 10);

	if (strlen(e->name) != 8 || strcmp(end, ".odt") || !k) {
		problem(y->v, "notifications/%s/%s: not a notification number",
			y->year, e->name);
		return 0;
	}
	if (k > y->n) {
		problem(y->v, "notifications/%s: number %lu but only %zu "
			"notifications: numbers are missing", y->year, k, y->n);
		return 0;
	}
	y->seen[k] = 1;
	if (k > y->max)
		y->max = k;
	return 0;
}

/* One year's folder of notifications/: numbers 1..n, once each. */
static int year_cb(const chancery_entry *e, void *payload)
{
	verify_ctx *v = payload;
	chancery_tree *yt = NULL;
	year_ctx y = { v, e->name, 0, 0, NULL };
	int rc = 0;

	if (e->kind != CHANCERY_ENTRY_FOLDER ||
	    (rc = chancery__tree_lookup(&yt, v->repo, &e->id)) < 0 ||
	    (rc = chancery__tree_count(&y.n, yt, NULL)) < 0) {
		if (e->kind != CHANCERY_ENTRY_FOLDER || !stopped(v, rc))
			problem(v, "notifications/%s: not a folder of "
				"notifications", e->name);
		chancery_error_clear();
		chancery__tree_free(yt);
		return v->error;
	}
	if (!(y.seen = chancery__calloc(y.n + 2, 1))) {
		halt(v, CHANCERY_ENOMEM);
		chancery__tree_free(yt);
		return v->error;
	}
	if ((rc = chancery__tree_foreach(yt, NULL, number_cb, &y)) < 0)
		stopped(v, rc);
	for (size_t k = 1; !v->error && k <= y.max; k++)
		if (!y.seen[k])
			problem(v, "notifications/%s: number %zu is missing",
				e->name, k);
	chancery_free(y.seen);
	chancery__tree_free(yt);
	return v->error;
}

static void check_numbering(verify_ctx *v)
{
	int rc;

	/* none issued yet: no folder (or a file where it would be) */
	rc = chancery__tree_foreach(v->head_tree, "notifications", year_cb, v);
	if (rc < 0 && !v->error)
		stopped(v, rc);
	chancery_error_clear();
}

typedef struct {
	verify_ctx *v;
	chancery_oid then;   /* where the newer entry says the branch was */
	size_t n, check;     /* entries seen; how many to check */
} reflog_ctx;

static int oid_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(chancery_oid));
}

/* Is `was` in the branch? Looked up among the commits walked (all of the
 * branch in full, those after the proof in an incremental run); only a
 * commit not among them is asked of the head, a walk of the branch (asked
 * for every entry, verify was quadratic). 1 yes, 0 no, < 0 an error. */
static int in_branch(verify_ctx *v, const chancery_oid *was)
{
	if (bsearch(was, v->seen, v->nseen, sizeof(*v->seen), oid_cmp))
		return 1;
	if (!v->incremental)
		return 0;
	return chancery__descendant_of(v->repo, &v->head, was);
}

/* Entries come newest first. An entry took effect when the branch was
 * there afterwards: the next (newer) entry starts from it, or it is the
 * newest and the branch is there. A writer killed between logging and
 * moving the branch leaves an entry that never took effect. An
 * incremental run checks the entries made since the proof (the log's
 * length then and now): the proof showed the older ones in the branch,
 * and the branch still contains the proof's commit. */
static int reflog_cb(const chancery__reflog_entry *e, void *payload)
{
	reflog_ctx *r = payload;
	verify_ctx *v = r->v;
	const chancery_oid *was = &e->new_id;
	bool took_effect = chancery__oid_equal(&r->then, was);
	char hex[CHANCERY_OID_HEXSZ + 1];
	int rc;

	r->then = e->old_id;
	if (r->n++ >= r->check)
		return 1;
	if (chancery__oid_is_zero(was) || chancery__oid_equal(was, &v->head) ||
	    !took_effect)
		return 0;
	if ((rc = in_branch(v, was)) < 0 && stopped(v, rc))
		return 1;
	if (rc != 1) {
		problem(v, "branch %s: no longer contains commit %.12s it "
			"pointed to (%s): history was rewritten",
			chancery__branch(v->repo), chancery__oid_tostr(hex, was),
			e->message ? e->message : "no message");
		chancery_error_clear();
	}
	return 0;
}

static int count_cb(const chancery__reflog_entry *e, void *payload)
{
	(void)e;
	(*(size_t *)payload)++;
	return 0;
}

static void check_reflog(verify_ctx *v)
{
	reflog_ctx r = { v, v->head, 0, SIZE_MAX };
	int rc;

	if ((rc = chancery__reflog_foreach(v->repo, count_cb,
			&v->reflog)) < 0 && stopped(v, rc))
		return;
	chancery_error_clear();
	/* a log shorter than the proof saw was expired: check all of it */
	if (v->incremental && v->reflog >= v->last.reflog)
		r.check = v->reflog - v->last.reflog;
	if (v->nseen) /* none walked (nothing new): no array to sort */
		qsort(v->seen, v->nseen, sizeof(*v->seen), oid_cmp);
	if ((rc = chancery__reflog_foreach(v->repo, reflog_cb, &r)) < 0)
		stopped(v, rc); /* else there is no log to compare with */
	chancery_error_clear();
}

static int odb_cb(const chancery_oid *id, void *payload)
{
	verify_ctx *v = payload;
	char hex[CHANCERY_OID_HEXSZ + 1];
	int rc;

	v->res->objects++;
	if ((rc = chancery__object_check(v->repo, id)) < 0) {
		if (stopped(v, rc))
			return 1;
		problem(v, "object %s: unreadable or corrupt (%s)",
			chancery__oid_tostr(hex, id),
			chancery_error_last()->message);
		chancery_error_clear();
	}
	return 0;
}

static int tree_cb(const char *root, const chancery_entry *e, void *payload)
{
	verify_ctx *v = payload;
	char hex[CHANCERY_OID_HEXSZ + 1];
	int rc;

	if (!chancery__path_component_valid(e->name, strlen(e->name))) {
		char shown[300];

		chancery__printable(shown, sizeof(shown), e->name);
		problem(v, "%s%s: not a valid file name in the branch head",
			root, shown);
		return 1; /* nor what is under it */
	}
	if (e->kind != CHANCERY_ENTRY_FILE && e->kind != CHANCERY_ENTRY_LINK)
		return 0;
	if ((rc = chancery__object_exists(v->repo, &e->id)) < 0 &&
	    stopped(v, rc))
		return rc;
	if (rc != 1)
		problem(v, "%s%s: its content (object %.12s) is missing", root,
			e->name, chancery__oid_tostr(hex, &e->id));
	chancery_error_clear();
	return 0;
}

/* Each commit, oldest first: its event (if any) and what became of it. */
static int commit_cb(const chancery__commit_info *c, void *payload)
{
	verify_ctx *v = payload;
	chancery_event *ev = NULL;
	int error = 0, e2;

	if (chancery__grow((void **)&v->seen, &v->aseen, v->nseen + 1,
			sizeof(*v->seen)) < 0)
		return chancery__oom();
	v->seen[v->nseen++] = c->id;
	e2 = chancery__commit_event(&ev, v->repo, &c->id);
	if (e2 == CHANCERY_ENOTFOUND || e2 == CHANCERY_EINVALID) {
		/* no event, or one recording would refuse: the commit
		 * check says which and why */
		chancery_error_clear();
		error = verify_commit(v, &c->id, NULL);
	} else if (e2 < 0) {
		error = e2;
	} else if (selected(v, ev)) {
		error = verify_commit(v, &c->id, ev);
	}
	chancery_event_free(ev);
	return error < 0 ? error : 0;
}

/* The whole-repository checks, after the commits: numbering, the reflog,
 * the head's names and blobs, every object. An incremental run keeps the
 * cheap ones (numbering, the reflog since the proof) and re-hashes the
 * files whose fixity is due instead of every object. */
static void index_diff_cb(const char *line, void *payload)
{
	problem(payload, "index: %s (chancery index rebuild makes it anew)",
		line);
}

/* The derived index against a rebuild from history (a full, unfiltered
 * run): a row that differs would have a query answer what history does
 * not say. Switched off or not writable, queries replay: nothing to do. */
static void check_index(verify_ctx *v)
{
	size_t events = 0, differences = 0;
	int error = chancery_index_check(&events, &differences, v->repo,
		index_diff_cb, v);

	if (error == CHANCERY_ENOMEM)
		halt(v, error);
	else if (error == CHANCERY_EINVALID)
		chancery_error_clear(); /* switched off: queries replay */
	else if (error < 0)
		note(v, "verify: the index was not checked (%s)",
			chancery_error_last()->message);
}

static int edit_cb(const char *path, void *payload)
{
	char shown[300];

	if (was_told(payload, path))
		return 0;
	chancery__printable(shown, sizeof(shown), path);
	problem(payload, "%s: the working tree's copy differs from the branch "
		"head (changed by hand? git checkout -- '%s' restores it)",
		shown, shown);
	return ((verify_ctx *)payload)->error;
}

/* An incremental run's look at the whole working tree: what git status
 * sees changed (a stat of each file), every file, not only the share
 * whose fixity is due; what the stat cannot see is the share's. */
static void check_edits(verify_ctx *v)
{
	int error = chancery__worktree_edits(v->repo, edit_cb, v);

	if (error < 0 && !stopped(v, error))
		problem(v, "the working tree cannot be read (%s)",
			chancery_error_last()->message);
}

static void check_repository(verify_ctx *v)
{
	int error;

	check_numbering(v);
	if (!v->error)
		check_reflog(v);
	if (v->incremental)
		return;
	if (!v->error && (error = chancery__tree_walk(v->head_tree, NULL,
			tree_cb, v)) < 0 && !stopped(v, error))
		problem(v, "branch %s: its tree cannot be walked (%s)",
			chancery__branch(v->repo),
			chancery_error_last()->message);
	if (!v->error && (error = chancery__odb_foreach(v->repo, odb_cb,
			v)) < 0 && !stopped(v, error))
		problem(v, "object database: cannot be listed (%s)",
			chancery_error_last()->message);
}

/* ---- proofs and the fixity share --------------------------------------------- */

static int due_cb(const chancery__fixity_file *f, void *payload)
{
	verify_ctx *v = payload;

	if (!chancery__path_valid(f->path))
		return 0; /* the index is not trusted with a path */
	v->res->fixity++;
	check_kept(v, f->path, &f->blob, f->event);
	prove_fixity(v, f->path, f->sha256, f->size, f->event);
	return v->error || !v->proofs;
}

/*
 * The rotating share: every file whose last check is older than the
 * period, then the oldest-checked others, all / days of them, so that a
 * daily run spreads the work over the period instead of re-hashing
 * everything on the day it lapses.
 */
static int check_due(verify_ctx *v, int days)
{
	chancery__fixity_file oldest;
	size_t all, within, share;
	int64_t period = (int64_t)days * 86400;
	int rc;

	if ((rc = chancery__fixity_coverage(&all, &within, &oldest,
			v->proofs, v->now)) < 0 ||
	    (rc = chancery__fixity_due(v->proofs, v->now - period, SIZE_MAX,
			due_cb, v)) < 0)
		goto done;
	share = days ? (all + (size_t)days - 1) / (size_t)days : 0;
	if (!v->error && v->proofs && share)
		rc = chancery__fixity_due(v->proofs, v->now - 1, share,
			due_cb, v);
done:
	if (rc < 0 && v->proofs)
		proofs_lost(v, rc);
	return v->error;
}

/* The index's proofs: may this run be incremental? Only an error that
 * stops verification is returned; anything else makes the run full, said
 * in one line. */
static int open_proofs(verify_ctx *v, bool want)
{
	char hex[CHANCERY_OID_HEXSZ + 1];
	bool fresh = false;
	int rc;

	if ((rc = chancery__proofs_open(&v->proofs, &fresh, v->repo)) < 0) {
		if (rc == CHANCERY_ENOMEM)
			return rc;
		note(v, "verify: the index cannot be opened (%s): checking "
			"in full, keeping no proof",
			chancery_error_last()->message);
		chancery_error_clear();
		return 0;
	}
	if (!want)
		return 0;
	if (fresh) {
		note(v, "verify: no proof kept (the index is new, or was "
			"missing or damaged and is made anew): checking in full");
		return 0;
	}
	if ((rc = chancery__proof_last(&v->last, v->proofs)) ==
			CHANCERY_ENOTFOUND) {
		note(v, "verify: no earlier proof: checking in full");
		chancery_error_clear();
		return 0;
	}
	if (rc < 0) {
		if (rc == CHANCERY_ENOMEM)
			return rc;
		note(v, "verify: the index's proofs cannot be read (%s): "
			"checking in full, the index made anew",
			chancery_error_last()->message);
		chancery_error_clear();
		chancery__proofs_close(v->proofs);
		if (chancery__proofs_remake(&v->proofs, v->repo) < 0)
			chancery_error_clear(); /* no proof kept */
		return 0;
	}
	if (strcmp(v->last.workdir, where(v->repo))) {
		note(v, "verify: the last proof checked another working tree "
			"(the repository was copied or moved): checking in full");
		return 0;
	}
	if (chancery__oid_equal(&v->last.commit, &v->head) ||
	    (rc = chancery__descendant_of(v->repo, &v->head,
			&v->last.commit)) == 1) {
		v->incremental = true;
		return 0;
	}
	if (rc == CHANCERY_ENOMEM)
		return rc;
	note(v, "verify: the last proof's commit %.12s is no longer in the "
		"branch's history: checking in full",
		chancery__oid_tostr(hex, &v->last.commit));
	chancery_error_clear();
	return 0;
}

/* A run that found nothing keeps what it proved. */
static void keep_proof(verify_ctx *v)
{
	chancery__proof p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.commit = v->head;
	p.time = v->now;
	p.full = !v->incremental;
	p.events = v->res->events;
	p.files = v->res->files;
	p.reflog = v->reflog;
	snprintf(p.workdir, sizeof(p.workdir), "%s", where(v->repo));
	if ((rc = chancery__proof_add(v->proofs, &p)) < 0)
		proofs_lost(v, rc);
}

int chancery_archive_verify(chancery_verify_result *out,
	chancery_repository *repo, const chancery_verify_options *opts)
{
	chancery_verify_options none = CHANCERY_VERIFY_OPTIONS_INIT;
	chancery__walk_opts wo = CHANCERY__WALK_OPTS_INIT;
	chancery_verify_result local;
	verify_ctx v;
	int error, days = CHANCERY__FIXITY_DAYS;

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
	if ((error = chancery__tree_head(&v.head_tree, &v.head, repo)) < 0)
		goto done;
	if (!chancery_repository_workdir(repo))
		note(&v, "verify: a bare repository: no working tree to check "
			"(the files are checked in the branch head only)");
	v.now = chancery__now(repo);
	/* the index is checked before the proofs are opened: its check
	 * writes the same file, and would wait for their transaction */
	if (!v.o->state && !v.o->campaign && !v.o->incremental)
		check_index(&v);
	/* a filtered run proves only a part: it keeps no proof */
	if (!v.error && !v.o->state && !v.o->campaign) {
		if ((error = chancery__fixity_days(&days, repo)) < 0 ||
		    (error = open_proofs(&v, v.o->incremental)) < 0)
			goto done;
	}
	out->incremental = v.incremental;
	wo.from = &v.head;
	if (v.incremental)
		wo.hide = &v.last.commit;
	if ((error = chancery__walk(repo, &wo, commit_cb, &v)) < 0) {
		if (stopped(&v, error) || v.error)
			error = v.error;
		goto done;
	}
	check_repository(&v);
	if (!v.error && v.incremental && v.proofs)
		check_due(&v, days);
	/* last: what the checks above found wrong in the working tree is
	 * not said again */
	if (!v.error && v.incremental)
		check_edits(&v);
	if (!v.error && !out->problems && v.proofs)
		keep_proof(&v);
	if (v.proofs && chancery__proofs_close(v.proofs) < 0)
		/* the proofs are derived: losing them costs a full run */
		chancery_error_clear();
	v.proofs = NULL;
	if (v.error) {
		error = v.error;
		goto done;
	}
	error = 0;
	chancery_error_clear();
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
				chancery_error_string(v.error));
	chancery__proofs_close(v.proofs); /* after a stop: the stop says */
	chancery_free(v.seen);
	for (size_t i = 0; i < v.ntold; i++)
		chancery_free(v.told[i]);
	chancery_free(v.told);
	chancery__tree_free(v.folder_tree);
	for (size_t i = 0; i < v.nrefs; i++)
		chancery_free(v.refs[i]);
	chancery_free(v.refs);
	chancery__tree_free(v.head_tree);
	return error;
}
