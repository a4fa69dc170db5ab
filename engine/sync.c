/*
 * sync.c - fetch, merge and push the branch with a Git remote, through
 * libgit2 (folders, file://, git://, and ssh or https where the libgit2
 * build supports them).
 *
 *   fetch   the remote's branch of the same name into
 *           refs/remotes/NAME/BRANCH (a named remote) or
 *           refs/chancery/fetched/BRANCH (a URL or path); a folder is
 *           read under its lock, shared with other readers, never with a
 *           pusher; tried again when a ref the remote listed vanished
 *           before it was read (another program writing there);
 *   check   a peer is untrusted: every commit it brings, oldest first, must
 *           be what chancery would have written (audit.c, the check verify
 *           makes); the first that is not is refused by name, exit 3, and
 *           nothing is merged (the fetched ref stays);
 *   merge   nothing to do when equal or when only we moved; a
 *           fast-forward when only they moved; otherwise a three-way merge
 *           of the two commits: events are new files with unique names, so
 *           clones that only recorded events never conflict. The merge is
 *           recorded as a "sync" event on top of the merged tree; a conflict
 *           (the same path changed on both sides, e.g. two imports of the
 *           same registry table) is reported per path and nothing moves;
 *   push    the result, only if we have something the remote lacks, as a
 *           compare-and-swap of the remote's branch (network transports
 *           send the old value; for a folder, the objects go to a side ref
 *           and the branch moves under that repository's own ref lock). A
 *           remote that moved in the meantime refuses the push; the error
 *           says to sync again (nothing is lost: our branch keeps the
 *           merge).
 *
 * Left out on purpose: rebasing (history is append-only and never
 * rewritten), credentials beyond an ssh agent, and more than one branch.
 */
#include "internal.h"

#include <string.h>
#include <unistd.h>
#include <stdlib.h>
#include <signal.h>
#include <errno.h>
#include <dirent.h>

#define LOCK_TRIES 100     /* times LOCK_PAUSE_MS: another program's ref */
#define LOCK_PAUSE_MS 50   /* lock, or a ref that vanished while listed */

typedef struct {
	char *message;
} push_status;

static int push_update_cb(const char *refname, const char *status,
	void *payload)
{
	push_status *ps = payload;

	if (status && !ps->message)
		ps->message = chancery__sprintf("the remote refused %s: %s",
			refname, status);
	return 0;
}

static int credentials_cb(git_credential **out, const char *url,
	const char *user, unsigned int allowed, void *payload)
{
	(void)url;
	(void)payload;
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out,
			user ? user : "git");
	return GIT_PASSTHROUGH;
}

static int open_remote(git_remote **out, char **tracking,
	chancery_repository *repo, const char *name)
{
	const char *shortb = repo->branch + strlen("refs/heads/");
	int error;

	*out = NULL;
	*tracking = NULL;
	error = git_remote_lookup(out, repo->git, name);
	if (error == 0) {
		*tracking = chancery__sprintf("refs/remotes/%s/%s", name, shortb);
	} else if (error == GIT_ENOTFOUND || error == GIT_EINVALIDSPEC) {
		git_error_clear();
		if (!strchr(name, '/') && !strchr(name, ':'))
			return chancery__error(CHANCERY_ENOTFOUND,
				"no remote '%s' (git remote add %s URL, or give "
				"a URL or path)", name, name);
		if ((error = git_remote_create_anonymous(out, repo->git,
				name)) < 0)
			return chancery__git_error(error, name);
		*tracking = chancery__sprintf("refs/chancery/fetched/%s", shortb);
	} else {
		return chancery__git_error(error, name);
	}
	if (!*tracking) {
		git_remote_free(*out);
		*out = NULL;
		return chancery__oom();
	}
	return 0;
}

static int wait_ref_lock(int *fd, chancery_repository *repo, const char *ref);

static int first_problem(const char *line, void *payload)
{
	char *why = payload;

	snprintf(why, 600, "%s", line);
	return 1;
}

/*
 * Before anything moves: the peer's history must grow from ours (one
 * init, the same root: a second root would be merged as an unrelated
 * history), and every commit it brings (reachable from `theirs`, not from
 * `ours`), oldest first, must be what chancery would have written
 * (audit.c). The first that is not is refused, named, and nothing is
 * merged.
 */
typedef struct {
	chancery_repository *repo;
	chancery__check_opts co;
	const char *remote_name;
	char why[600];
} incoming_check;

static int check_one(const git_oid *oid, void *payload)
{
	incoming_check *in = payload;
	git_commit *c = NULL;
	int error;

	if ((error = git_commit_lookup(&c, in->repo->git, oid)) < 0)
		return chancery__git_error(error, "read a fetched commit");
	error = chancery__commit_check(in->repo, c, &in->co);
	git_commit_free(c);
	if (error > 0)
		error = chancery__error(CHANCERY_EINVALID, "sync with '%.200s': "
			"commit %.12s refused: %s; nothing was merged",
			in->remote_name, git_oid_tostr_s(oid), in->why);
	return error;
}

static int check_incoming(chancery_repository *repo, const git_oid *ours,
	const git_oid *theirs, const char *remote_name)
{
	incoming_check in = { repo, { first_problem, NULL, NULL }, remote_name, "" };
	git_oid base;
	int error;

	in.co.payload = in.why;
	if ((error = git_merge_base(&base, repo->git, ours, theirs)) ==
			GIT_ENOTFOUND) {
		git_error_clear();
		return chancery__error(CHANCERY_EINVALID, "sync with '%.200s': "
			"commit %.12s refused: it has no history in common with "
			"ours (another repository's init); nothing was merged",
			remote_name, git_oid_tostr_s(theirs));
	}
	if (error < 0)
		return chancery__git_error(error, "compare histories");
	return chancery__revwalk(repo->git, theirs, ours,
		GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE,
		"walk the fetched history", check_one, &in);
}

static int sync_extra(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	(void)cs;
	(void)base;
	(void)head;
	(void)ev;
	(void)payload;
	return 0;
}

/*
 * libgit2's transport for folders lists the remote's refs, then reads each:
 * one deleted in between (a peer's push removes its side ref) fails the
 * fetch with "reference not found". Such a fetch is tried again.
 */
static bool ref_vanished(int error)
{
	const git_error *ge = git_error_last();

	/* it says so only in words: the code is GIT_ERROR (1.5) */
	return error < 0 && ge && ge->klass == GIT_ERROR_REFERENCE &&
		ge->message && strstr(ge->message, "' not found");
}

/* The folder a remote's URL names (file:// or a path), or NULL for a
 * network transport. */
static const char *folder_of(const char *url)
{
	if (!url || strchr(url, '@'))
		return NULL;
	if (!strncmp(url, "file://", 7))
		return url + 7;
	return strstr(url, "://") ? NULL : url;
}

/*
 * A folder remote is read under its lock taken shared: chancery's pushers
 * hold it alone while their side ref exists there, so the listing never
 * meets one of theirs that vanishes (and libgit2 1.5 leaks what it had
 * listed when one does). A folder that cannot be opened is left to the
 * fetch to name.
 */
static int folder_share(int *fd, const char *folder)
{
	git_repository *r = NULL;
	int error = 0;

	*fd = -1;
	if (git_repository_open_ext(&r, folder, GIT_REPOSITORY_OPEN_NO_SEARCH,
			NULL) < 0)
		git_error_clear();
	else
		error = chancery__lock_share(fd, git_repository_path(r),
			"chancery.lock");
	git_repository_free(r);
	return error;
}

/* Fetch the remote's branch into `tracking`, under that ref's lock. */
static int fetch(git_remote *remote, chancery_repository *repo,
	const char *tracking, const char *remote_name)
{
	git_fetch_options fopts = GIT_FETCH_OPTIONS_INIT;
	char *spec = chancery__sprintf("+%s:%s", repo->branch, tracking);
	char *specs[1] = { spec };
	git_strarray refspecs = { specs, 1 };
	const char *folder = folder_of(git_remote_url(remote));
	int error, fetch_lock = -1, share = -1;

	if (!spec)
		return chancery__oom();
	if ((error = wait_ref_lock(&fetch_lock, repo, tracking)) < 0)
		goto done;
	if (folder && (error = folder_share(&share, folder)) < 0) {
		chancery__lock_leave(fetch_lock, false);
		goto done;
	}
	fopts.callbacks.credentials = credentials_cb;
	fopts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	for (int tries = 0;; tries++) {
		error = git_remote_fetch(remote, &refspecs, &fopts, NULL);
		if (!ref_vanished(error) || tries >= LOCK_TRIES)
			break;
		/* a ref the remote listed was gone when looked up: another
		 * program writing there (git); list them again */
		git_error_clear();
		git_remote_disconnect(remote);
		chancery__pause_ms(LOCK_PAUSE_MS);
	}
	if (share >= 0)
		close(share);
	chancery__lock_leave(fetch_lock, false);
	if (error < 0) {
		const git_error *ge = git_error_last();

		/* a local transport parses what it copies: an object the peer
		 * made that cannot be read is bad input, as the commit check
		 * would say of it */
		if (ge && (ge->klass == GIT_ERROR_OBJECT ||
		    ge->klass == GIT_ERROR_TREE))
			error = chancery__error(CHANCERY_EINVALID,
				"sync with '%.200s': the remote sent an object "
				"that cannot be read (%s); nothing was merged",
				remote_name, ge->message);
		else
			error = chancery__git_error(error, "fetch");
	}
done:
	chancery_free(spec);
	return error;
}

/* The id the remote advertised for our branch in this fetch, if it did:
 * only that counts, for a tracking ref left by an earlier sync (with
 * another URL, or a branch since deleted) must not be taken for the
 * remote's branch. */
static bool advertised(git_oid *out, git_remote *remote,
	const chancery_repository *repo)
{
	const git_remote_head **heads = NULL;
	size_t nheads = 0;
	bool found = false;

	if (git_remote_ls(&heads, &nheads, remote) == 0)
		for (size_t i = 0; i < nheads; i++)
			if (!strcmp(heads[i]->name, repo->branch)) {
				git_oid_cpy(out, &heads[i]->oid);
				found = true;
			}
	git_error_clear();
	return found;
}

/* The merge's conflicts: each path to the caller's callback, and the
 * error that names how many there are and the first. */
static int conflicts(git_index *merged, const char *remote_name,
	const chancery_sync_options *opts)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *a, *o, *t;
	const char *first = NULL;
	size_t n = 0;
	int error;

	if (git_index_conflict_iterator_new(&it, merged) == 0) {
		while (git_index_conflict_next(&a, &o, &t, it) == 0) {
			const char *p = o ? o->path : t ? t->path : a->path;

			if (!first)
				first = p;
			n++;
			if (opts->conflict)
				opts->conflict(p, opts->payload);
		}
	}
	error = chancery__error(CHANCERY_ECONFLICT,
		"sync with '%s' conflicts in %zu path%s (first: %s); nothing "
		"was merged or pushed", remote_name, n, n == 1 ? "" : "s",
		first ? first : "?");
	git_index_conflict_iterator_free(it);
	return error;
}

/* The sync event, recorded on `*local` (which becomes its commit) with
 * the fetched commit as second parent and `tree`, the merge, as its tree. */
static int record_sync(chancery_sync_result *result,
	chancery_repository *repo, git_oid *local, const git_oid *fetched,
	const git_oid *tree, size_t behind, const char *remote_name)
{
	chancery_commit_opts copts = { 0 };
	chancery_event *ev = NULL;
	char subject[200];
	int error;

	if ((error = chancery_event_new(&ev, "sync")) < 0 ||
	    (error = chancery_event_add(ev, "Remote", remote_name)) < 0 ||
	    (error = chancery_event_add(ev, "Merged",
			git_oid_tostr_s(fetched))) < 0)
		goto done;
	snprintf(subject, sizeof(subject), "sync: merge %zu commit%s from "
		"%.120s", behind, behind == 1 ? "" : "s", remote_name);
	if ((error = chancery_event_set_subject(ev, subject)) < 0)
		goto done;
	copts.extra_parent = fetched;
	copts.expect_head = local;
	copts.base_tree = tree;
	if ((error = chancery__event_commit(repo, ev, sync_extra, NULL,
			&copts)) < 0)
		goto done;
	result->merged = 1;
	if ((error = git_reference_name_to_id(local, repo->git,
			repo->branch)) < 0)
		error = chancery__git_error(error, "read the branch");
done:
	chancery_event_free(ev);
	return error;
}

/* Both sides have commits: merge them (nothing is merged when they
 * conflict) and record the merge as a sync event. */
static int merge_both(chancery_sync_result *result,
	chancery_repository *repo, git_oid *local, const git_oid *fetched,
	size_t behind, const char *remote_name,
	const chancery_sync_options *opts)
{
	git_merge_options mopts = GIT_MERGE_OPTIONS_INIT;
	git_commit *ours = NULL, *theirs = NULL;
	git_index *merged = NULL;
	git_oid tree;
	int error;

	if ((error = git_commit_lookup(&ours, repo->git, local)) < 0 ||
	    (error = git_commit_lookup(&theirs, repo->git, fetched)) < 0 ||
	    (error = git_merge_commits(&merged, repo->git, ours, theirs,
			&mopts)) < 0) {
		error = chancery__git_error(error, "merge");
		goto done;
	}
	if (git_index_has_conflicts(merged)) {
		error = conflicts(merged, remote_name, opts);
		goto done;
	}
	if ((error = git_index_write_tree_to(&tree, merged, repo->git)) < 0) {
		error = chancery__git_error(error, "write the merged tree");
		goto done;
	}
	error = record_sync(result, repo, local, fetched, &tree, behind,
		remote_name);
done:
	git_index_free(merged);
	git_commit_free(ours);
	git_commit_free(theirs);
	return error;
}

/* Take in what was fetched, once the commit check passed it: a
 * fast-forward when we have nothing the remote lacks, else a merge.
 * `*local` becomes the new head. */
static int merge(chancery_sync_result *result, chancery_repository *repo,
	git_oid *local, const git_oid *fetched, const char *remote_name,
	const chancery_sync_options *opts)
{
	size_t ahead = 0, behind = 0;
	int error;

	if ((error = git_graph_ahead_behind(&ahead, &behind, repo->git,
			local, fetched)) < 0)
		return chancery__git_error(error, "compare histories");
	result->fetched = behind;
	if (behind == 0)
		return 0;
	if ((error = check_incoming(repo, local, fetched, remote_name)) < 0)
		return error;
	if (ahead > 0)
		return merge_both(result, repo, local, fetched, behind,
			remote_name, opts);
	if ((error = chancery__fast_forward(repo, local, fetched)) < 0)
		return error;
	result->fast_forward = 1;
	git_oid_cpy(local, fetched);
	return 0;
}

/* How many commits `head`'s history holds (all of them are what a remote
 * without our branch lacks). */
static size_t count_commits(chancery_repository *repo, const git_oid *head)
{
	git_revwalk *walk = NULL;
	git_oid o;
	size_t n = 0;

	if (git_revwalk_new(&walk, repo->git) == 0 &&
	    git_revwalk_push(walk, head) == 0)
		while (git_revwalk_next(&o, walk) == 0)
			n++;
	git_revwalk_free(walk);
	git_error_clear();
	return n;
}

/* Remove outgoing refs (and their lock files) of processes that died: a
 * push killed after the remote took it leaves one that no later push of
 * this office would need to make, so every sync sweeps them. */
static void remove_dead_outgoing(chancery_repository *repo)
{
	char *dir = chancery__sprintf("%srefs/chancery/outgoing",
		git_repository_path(repo->git));
	DIR *d = dir ? opendir(dir) : NULL;
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char *end, *path;
		long pid = strtol(e->d_name, &end, 10);

		if (pid <= 0 || (*end && strcmp(end, ".lock")) ||
		    pid == (long)getpid() || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		if (!*end) {
			char name[64];

			snprintf(name, sizeof(name), "refs/chancery/outgoing/%ld",
				pid);
			if (git_reference_remove(repo->git, name) < 0)
				git_error_clear();
		} else if ((path = chancery__sprintf("%s/%s", dir, e->d_name))) {
			unlink(path);
			chancery_free(path);
		}
	}
	if (d)
		closedir(d);
	chancery_free(dir);
}

/* Push what the remote lacks: our head when it is ahead of `fetched`
 * (NULL: the remote has no branch yet). */
static int push_missing(chancery_sync_result *result,
	chancery_repository *repo, const char *remote_name,
	const git_oid *local, const git_oid *fetched)
{
	size_t ahead = 0, behind = 0;
	int error;

	if (fetched && (error = git_graph_ahead_behind(&ahead, &behind,
			repo->git, local, fetched)) < 0)
		return chancery__git_error(error, "compare histories");
	if (!fetched)
		ahead = count_commits(repo, local);
	if (ahead == 0)
		return 0;
	/* one push for sync and deposits: compare-and-swap on the remote's
	 * branch, whatever the transport */
	if ((error = chancery__push_commit(repo, remote_name, local)) < 0) {
		if (error == CHANCERY_ECONFLICT) {
			char why[400];

			/* push_commit's message names the remote */
			snprintf(why, sizeof(why), "%s",
				chancery_error_last()->message);
			error = chancery__error(CHANCERY_ECONFLICT,
				"%s; sync again", why);
		}
		return error;
	}
	result->pushed = ahead;
	return error;
}

int chancery_sync_run(chancery_sync_result *result, chancery_repository *repo,
	const char *remote_name, const chancery_sync_options *opts)
{
	chancery_sync_options none = CHANCERY_SYNC_OPTIONS_INIT;
	git_remote *remote = NULL;
	char *tracking = NULL, *cfg = NULL;
	git_oid local, fetched;
	bool have_fetched;
	int error;

	CHANCERY_ASSERT_ARG(result && repo);
	memset(result, 0, sizeof(*result));
	CHANCERY_CHECK_VERSION(opts, CHANCERY_SYNC_OPTIONS_VERSION);
	if (!opts)
		opts = &none;
	if (!remote_name) {
		error = chancery_repository_config(&cfg, repo,
			"chancery.remote");
		if (error == 0)
			remote_name = cfg;
		else if (error == CHANCERY_ENOTFOUND)
			remote_name = "origin";
		else
			goto done;
		chancery_error_clear();
	}
	remove_dead_outgoing(repo);
	if ((error = open_remote(&remote, &tracking, repo, remote_name)) < 0 ||
	    (error = fetch(remote, repo, tracking, remote_name)) < 0)
		goto done;
	if ((error = git_reference_name_to_id(&local, repo->git,
			repo->branch)) < 0) {
		error = chancery__git_error(error, "read the branch");
		goto done;
	}
	have_fetched = advertised(&fetched, remote, repo);
	if (have_fetched && !git_oid_equal(&local, &fetched) &&
	    (error = merge(result, repo, &local, &fetched, remote_name,
			opts)) < 0)
		goto done;
	if (!opts->no_push)
		error = push_missing(result, repo, remote_name, &local,
			have_fetched ? &fetched : NULL);
done:
	git_remote_free(remote);
	chancery_free(tracking);
	chancery_free(cfg);
	return error;
}

/*
 * Before fetching into `ref`: take the fetch lock (GITDIR/chancery-fetch.lock,
 * held until *fd is left), which removes the ref's lock file when the last
 * fetcher died holding it (its mark says so: that leftover is ours). Any
 * other lock of the ref is another program's (git fetch): wait for it, then
 * fail with CHANCERY_ELOCKED naming it, leaving it in place.
 */
static int wait_ref_lock(int *fd, chancery_repository *repo, const char *ref)
{
	const char *gitdir = git_repository_path(repo->git);
	char *rel = chancery__sprintf("%s.lock", ref);
	char *lp = chancery__sprintf("%s%s.lock", gitdir, ref);
	const char *leftovers[] = { rel, NULL };
	bool recovered;
	int error;

	*fd = -1;
	if (!rel || !lp)
		error = chancery__oom();
	else if ((error = chancery__lock_take(fd, &recovered, gitdir,
			"chancery-fetch.lock", leftovers, true)) == 0 &&
		 (error = chancery__lock_wait(lp, ref)) < 0) {
		chancery__lock_leave(*fd, false);
		*fd = -1;
	} else if (error == 0) {
		chancery__lock_mark(*fd, ref);  /* until the fetch is done */
	}
	chancery_free(rel);
	chancery_free(lp);
	return error;
}

/*
 * A remote folder, opened and locked for a push: libgit2's transport for
 * folders writes the objects and the side ref `incoming` there in this
 * process, so under that repository's own lock, with a mark naming the
 * side ref's lock file: a pusher killed while holding it leaves that mark,
 * and the next one (here or there) removes the leftover. Waited for as long
 * as another pusher holds it (the kernel lets go of a dead one's): a push
 * of objects may take longer than any fixed bound (two clones depositing
 * at once under Valgrind took over 5 s).
 */
typedef struct {
	git_repository *r;
	int fd;
	bool recovered;
} remote_folder;

static int folder_open(remote_folder *f, chancery_repository *repo,
	const char *url, const char *incoming, const char *name)
{
	char *branch_lock = chancery__sprintf("%s.lock", repo->branch);
	char *incoming_lock = chancery__sprintf("%s.lock", incoming);
	const char *leftovers[] = { branch_lock, "index.lock", incoming_lock,
		NULL };
	int error;

	f->r = NULL;
	f->fd = -1;
	f->recovered = false;
	if (!branch_lock || !incoming_lock)
		error = chancery__oom();
	else if ((error = git_repository_open_ext(&f->r, url,
			GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) < 0)
		error = chancery__git_error(error, name);
	else if ((error = chancery__lock_take(&f->fd, &f->recovered,
			git_repository_path(f->r), "chancery.lock", leftovers,
			true)) == 0)
		chancery__lock_mark(f->fd, incoming);
	chancery_free(branch_lock);
	chancery_free(incoming_lock);
	return error;
}

/* Let it go, and the side ref with it. Their working tree (if any) was
 * not checked out: a mark found that says so stays for their next
 * writer. */
static void folder_close(remote_folder *f, const char *incoming)
{
	if (f->r && git_reference_remove(f->r, incoming) < 0)
		git_error_clear();
	chancery__lock_leave(f->fd, f->recovered);
	git_repository_free(f->r);
	f->r = NULL;
	f->fd = -1;
}

/* In the remote folder `f`: move its branch to `commit` (which the push
 * left there) only if that is a fast-forward, by compare-and-swap. */
static int move_remote_branch(chancery_repository *repo, remote_folder *f,
	const git_oid *commit, const char *name)
{
	git_reference *ref = NULL;
	git_oid now;
	bool have;
	int error;

	error = git_reference_name_to_id(&now, f->r, repo->branch);
	have = error == 0;
	git_error_clear();
	if (have && !git_oid_equal(&now, commit) &&
	    git_graph_descendant_of(f->r, commit, &now) != 1)
		return chancery__error(CHANCERY_ECONFLICT,
			"push to '%s' refused: it moved on", name);
	chancery__lock_mark(f->fd, repo->branch);
	for (int tries = 0;; tries++) {
		error = have ? git_reference_create_matching(&ref, f->r,
				repo->branch, commit, 1, &now, "chancery: push") :
			git_reference_create(&ref, f->r, repo->branch, commit, 0,
				"chancery: push");
		if (error != GIT_ELOCKED || tries >= LOCK_TRIES)
			break;
		/* another program holds the branch: wait for it */
		git_error_clear();
		chancery__pause_ms(LOCK_PAUSE_MS);
	}
	git_reference_free(ref);
	chancery__lock_mark(f->fd, NULL);
	if (error == GIT_ELOCKED) {
		char *lp = chancery__sprintf("%s%s.lock",
			git_repository_path(f->r), repo->branch);

		error = lp ? chancery__lock_held(lp, name) : chancery__oom();
		chancery_free(lp);
	} else if (error == GIT_EMODIFIED || error == GIT_EEXISTS)
		error = chancery__error(CHANCERY_ECONFLICT,
			"push to '%s' refused: it moved on", name);
	else if (error < 0)
		error = chancery__git_error(error, name);
	return error;
}

int chancery__push_commit(chancery_repository *repo, const char *remote_name,
	const git_oid *commit)
{
	char temp[64];
	git_remote *remote = NULL;
	git_reference *ref = NULL;
	git_push_options popts = GIT_PUSH_OPTIONS_INIT;
	push_status ps = { NULL };
	char *tracking = NULL, *pspec = NULL, *incoming = NULL;
	const char *url;
	remote_folder folder = { NULL, -1, false };
	bool local;
	int error, track_lock = -1;

	/* a name of this process's own: a writer killed here leaves at most
	 * its own ref (removed by the next push) and never blocks another */
	snprintf(temp, sizeof(temp), "refs/chancery/outgoing/%ld",
		(long)getpid());
	remove_dead_outgoing(repo);
	if ((error = open_remote(&remote, &tracking, repo, remote_name)) < 0)
		goto done;
	if ((error = git_reference_create(&ref, repo->git, temp, commit, 1,
			"chancery: outgoing")) < 0) {
		error = chancery__git_error(error, "prepare the push");
		goto done;
	}
	/* libgit2's transport for folders moves the remote's branch without
	 * compare-and-swap; there the objects go to a side ref and the branch
	 * moves below, with the remote repository's own ref lock. Network
	 * transports send the old value and the server compares. */
	url = folder_of(git_remote_url(remote));
	local = url != NULL;
	if (local)
		incoming = chancery__sprintf("refs/chancery/incoming/%s",
			git_oid_tostr_s(commit));
	if ((local && !incoming) || !(pspec = chancery__sprintf("%s:%s", temp,
			local ? incoming : repo->branch))) {
		error = chancery__oom();
		goto done;
	}
	if (local && (error = folder_open(&folder, repo, url, incoming,
			remote_name)) < 0)
		goto done;
	{
		char *specs[] = { pspec };
		git_strarray refspecs = { specs, 1 };

		popts.callbacks.credentials = credentials_cb;
		popts.callbacks.push_update_reference = push_update_cb;
		popts.callbacks.payload = &ps;
		error = git_remote_push(remote, &refspecs, &popts);
	}
	if (error < 0) {
		error = error == GIT_ENONFASTFORWARD ?
			chancery__error(CHANCERY_ECONFLICT,
				"push to '%s' refused: it moved on",
				remote_name) :
			chancery__git_error(error, "push");
		goto done;
	}
	/* a folder's side ref is ours alone: what fails there is the
	 * system's (a full disk, a folder we may not write), not a refusal */
	if (ps.message) {
		error = local ? chancery__error(CHANCERY_EOS, "push to '%s' "
				"failed (%s)", remote_name, ps.message) :
			chancery__error(CHANCERY_ECONFLICT, "push to '%s' "
				"refused (%s)", remote_name, ps.message);
		goto done;
	}
	if (local && (error = move_remote_branch(repo, &folder, commit,
			remote_name)) < 0)
		goto done;
	folder_close(&folder, incoming);
	/* the remote has it: keep the tracking ref in step, under the lock
	 * a fetch takes for it, so that a kill here leaves a lock file the
	 * next sync knows for ours. Best effort: the next fetch sets it */
	git_reference_free(ref);
	ref = NULL;
	if (wait_ref_lock(&track_lock, repo, tracking) < 0 ||
	    git_reference_create(&ref, repo->git, tracking, commit, 1,
			"chancery: pushed") < 0) {
		git_error_clear();
		chancery_error_clear();  /* the push succeeded */
	}
	chancery__lock_leave(track_lock, false);
done:
	folder_close(&folder, incoming);
	git_reference_free(ref);
	if (git_reference_remove(repo->git, temp) < 0)
		git_error_clear();
	chancery_free(ps.message);
	chancery_free(pspec);
	chancery_free(incoming);
	chancery_free(tracking);
	git_remote_free(remote);
	return error;
}
