/*
 * store.c - the commit pipeline every write goes through, and the working
 * tree kept in step with it.
 *
 * One operation is one commit, published like this:
 *   1. read the branch head; let the caller build its changes on that tree;
 *   2. write blobs, trees and the commit object (nothing points at them yet,
 *      so a crash here leaves only unreachable objects, which git accepts);
 *   3. take the repository lock (flock on .git/chancery.lock: released by
 *      the kernel when a process dies, so it can never go stale), check that
 *      nobody edited tracked files by hand, and move the branch by
 *      compare-and-swap (git_reference_create_matching): if another writer
 *      moved it since step 1, drop the lock and start again from step 1;
 *   4. still under the lock, check out the branch head into the index and
 *      working tree, then release the lock.
 * So the branch only ever points at complete commits, writers on one machine
 * never lose each other's events, and the working tree is a view that the
 * next writer repairs if a process was killed before step 4.
 *
 * Git's own lock files (refs/heads/X.lock, index.lock) are left by a process
 * killed in the middle of a rename. Under our lock, such a file older than
 * STALE_SECONDS can only be such a leftover and is removed.
 *
 * Left out on purpose: fsync of every object (a crash of the machine, not of
 * the process, may lose the last operation; git makes the same choice by
 * default), and locking across machines (that is what sync is for).
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_ATTEMPTS 200
#define STALE_SECONDS 10

int chancery_changeset_add_owned(chancery_changeset *cs, const char *path,
	char *data, size_t size)
{
	char *p = chancery__strdup(path);

	if (!p || chancery__grow((void **)&cs->items, &cs->alloc,
			cs->count + 1, sizeof(*cs->items)) < 0) {
		chancery_free(p);
		chancery_free(data);
		return chancery__oom();
	}
	cs->items[cs->count].path = p;
	cs->items[cs->count].data = data;
	cs->items[cs->count].size = size;
	cs->count++;
	return 0;
}

int chancery_changeset_add(chancery_changeset *cs, const char *path,
	const char *data, size_t size)
{
	char *copy = NULL;

	if (data) {
		copy = chancery__malloc(size + 1);
		if (!copy)
			return chancery__oom();
		memcpy(copy, data, size);
		copy[size] = '\0';
	}
	return chancery_changeset_add_owned(cs, path, copy, size);
}

void chancery_changeset_clear(chancery_changeset *cs)
{
	for (size_t i = 0; i < cs->count; i++) {
		chancery_free(cs->items[i].path);
		chancery_free(cs->items[i].data);
	}
	chancery_free(cs->items);
	chancery_free(cs->message);
	memset(cs, 0, sizeof(*cs));
}

/* ---- the repository lock ---------------------------------------------------- */

/*
 * The lock file's content says whether its holder is inside the critical
 * region ("publishing PID"); a holder that finishes empties it. Finding it
 * non-empty when we get the lock means the previous holder died in there,
 * so the branch and index lock files that exist now are its leftovers, and
 * the working tree may be half checked out: we clear the former and the
 * caller repairs the latter before judging the working tree.
 */
static int lock_acquire(int *fd_out, bool *recovered, chancery_repository *repo)
{
	char *path = chancery__sprintf("%schancery.lock",
		git_repository_path(repo->git));
	char mark[64];
	ssize_t n;
	int fd;

	*recovered = false;
	if (!path)
		return chancery__oom();
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		int error = chancery__os_error(path);

		chancery_free(path);
		return error;
	}
	chancery_free(path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int error = chancery__os_error("lock the repository");

			close(fd);
			return error;
		}
	}
	n = pread(fd, mark, sizeof(mark) - 1, 0);
	if (n > 0) {
		const char *gitdir = git_repository_path(repo->git);
		char *ref = chancery__sprintf("%s%s.lock", gitdir, repo->branch);
		char *idx = chancery__sprintf("%sindex.lock", gitdir);

		if (ref)
			unlink(ref);
		if (idx)
			unlink(idx);
		chancery_free(ref);
		chancery_free(idx);
		*recovered = true;
	}
	n = snprintf(mark, sizeof(mark), "publishing %ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, mark, (size_t)n, 0) != n) {
		int error = chancery__os_error("write the repository lock");

		close(fd);
		return error;
	}
	*fd_out = fd;
	return 0;
}

static void lock_release(chancery_repository *repo, int fd)
{
	if (fd >= 0) {
		/* empty: we left the critical region in one piece. With the
		 * working tree behind the branch (a checkout that failed, a
		 * full disk), the mark stays: the next holder finishes it. */
		if (!repo->worktree_behind && ftruncate(fd, 0) < 0) {
			/* the next holder will clean up after us */
		}
		close(fd);   /* closing drops the flock */
	}
}

/* Remove `path` when it is a lock file left by a dead process. */
bool chancery__clear_stale_lock(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return false;
	if (time(NULL) - st.st_mtime < STALE_SECONDS)
		return false;
	return unlink(path) == 0;
}

static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- the working tree ------------------------------------------------------- */

static int check_clean(chancery_repository *repo)
{
	git_status_list *list = NULL;
	git_status_options opts = GIT_STATUS_OPTIONS_INIT;
	int error;
	size_t n;

	opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if ((error = git_status_list_new(&list, repo->git, &opts)) < 0)
		return chancery__git_error(error, "read the working tree");
	n = git_status_list_entrycount(list);
	for (size_t i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const char *path;
		unsigned s = e->status;

		/* The index may lag behind the branch after a writer was
		 * killed before its checkout: that shows as index changes of
		 * paths the branch added or replaced, never as edits of the
		 * working tree or new staged files. */
		bool edited = s & (GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_DELETED |
			GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_WT_RENAMED |
			GIT_STATUS_INDEX_NEW | GIT_STATUS_CONFLICTED);
		path = e->index_to_workdir ? e->index_to_workdir->old_file.path :
			e->head_to_index ? e->head_to_index->old_file.path : "?";
		if (!edited && (s & GIT_STATUS_INDEX_MODIFIED) &&
		    strncmp(path, "events/", 7) == 0)
			edited = true;
		if (edited) {
			error = chancery__error(CHANCERY_EDIRTY,
				"'%s' was changed by hand in the working tree; "
				"restore it (git checkout -- '%s') or record the "
				"change as a new event", path, path);
			break;
		}
	}
	git_status_list_free(list);
	return error;
}

static int worktree_checkout(chancery_repository *repo)
{
	git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
	git_index *index = NULL;
	git_object *target = NULL;
	git_oid head;
	char *lockpath = NULL;
	int error;

	if ((error = git_reference_name_to_id(&head, repo->git,
			repo->branch)) < 0 ||
	    (error = git_object_lookup(&target, repo->git, &head,
			GIT_OBJECT_COMMIT)) < 0 ||
	    (error = git_repository_index(&index, repo->git)) < 0 ||
	    (error = git_index_read(index, 0)) < 0) {
		error = chancery__git_error(error, "update the working tree");
		goto done;
	}
	/* Dirty paths were refused before we got here, so forcing only
	 * rewrites what the branch changed and never touches a user's
	 * untracked files outside the paths the branch owns. */
	opts.checkout_strategy = GIT_CHECKOUT_FORCE;
	opts.baseline_index = index;
	error = git_checkout_tree(repo->git, target, &opts);
	if (error == GIT_ELOCKED) {
		lockpath = chancery__sprintf("%sindex.lock",
			git_repository_path(repo->git));
		if (lockpath && chancery__clear_stale_lock(lockpath))
			error = git_checkout_tree(repo->git, target, &opts);
	}
	if (error < 0)
		error = chancery__git_error(error, "update the working tree");
done:
	repo->worktree_behind = error < 0;
	chancery_free(lockpath);
	git_object_free(target);
	git_index_free(index);
	return error;
}

int chancery__worktree_update(chancery_repository *repo)
{
	int fd = -1, error;
	bool recovered;

	if ((error = lock_acquire(&fd, &recovered, repo)) < 0)
		return error;
	error = worktree_checkout(repo);
	lock_release(repo, fd);
	return error;
}

int chancery__worktree_recover(chancery_repository *repo)
{
	int fd = -1, error;
	bool recovered;

	if ((error = lock_acquire(&fd, &recovered, repo)) < 0)
		return error;
	if (recovered)
		error = worktree_checkout(repo);
	lock_release(repo, fd);
	return error;
}

/* ---- commit ----------------------------------------------------------------- */

static int tree_has(git_tree *tree, const char *path)
{
	git_tree_entry *e = NULL;
	int found;

	if (!tree)
		return 0;
	found = git_tree_entry_bypath(&e, tree, path) == 0;
	git_tree_entry_free(e);
	return found;
}

/* Paths a later operation may replace: the registry tables, and the
 * generated letters of a campaign (regenerated when their inputs change;
 * every version stays in history). Everything else is append-only. */
static bool replaceable(const char *path)
{
	const char *p;

	if (!strncmp(path, "registry/", 9))
		return true;
	if (strncmp(path, "campaigns/", 10))
		return false;
	p = strchr(path + 10, '/');
	return p && !strncmp(p, "/letters/", 9);
}

/* Build one attempt's commit object; *tree_unchanged when nothing moved. */
static int build_commit(git_oid *out, bool *unchanged,
	chancery_repository *repo, chancery_changeset *cs, git_tree *base,
	const git_oid *head, const git_signature *sig,
	const chancery_commit_opts *opts)
{
	git_tree_update *ups = NULL;
	git_tree *base_or_empty = NULL, *tree = NULL;
	git_oid tree_id;
	const git_commit *parents[2] = { NULL, NULL };
	git_commit *p0 = NULL, *p1 = NULL;
	size_t np = 0;
	int error = 0;

	*unchanged = false;
	ups = chancery__calloc(cs->count ? cs->count : 1, sizeof(*ups));
	if (!ups)
		return chancery__oom();
	for (size_t i = 0; i < cs->count; i++) {
		chancery_change *c = &cs->items[i];

		if (opts && opts->append_only && c->data &&
		    tree_has(base, c->path) && !replaceable(c->path)) {
			error = chancery__error(CHANCERY_EEXISTS,
				"'%s' is already recorded", c->path);
			goto done;
		}
		ups[i].path = c->path;
		if (c->data) {
			ups[i].action = GIT_TREE_UPDATE_UPSERT;
			ups[i].filemode = GIT_FILEMODE_BLOB;
			if ((error = git_blob_create_from_buffer(&ups[i].id,
					repo->git, c->data, c->size)) < 0) {
				error = chancery__git_error(error,
					"write an object");
				goto done;
			}
		} else {
			ups[i].action = GIT_TREE_UPDATE_REMOVE;
		}
	}
	/* libgit2 builds from an empty baseline when base is NULL */
	base_or_empty = base;
	if ((error = git_tree_create_updated(&tree_id, repo->git,
			base_or_empty, cs->count, ups)) < 0) {
		error = chancery__git_error(error, "write a tree");
		goto done;
	}
	if (base && git_oid_equal(&tree_id, git_tree_id(base)) &&
	    !(opts && opts->allow_empty)) {
		*unchanged = true;
		goto done;
	}
	if ((error = git_tree_lookup(&tree, repo->git, &tree_id)) < 0) {
		error = chancery__git_error(error, "read a tree");
		goto done;
	}
	if (head) {
		if ((error = git_commit_lookup(&p0, repo->git, head)) < 0) {
			error = chancery__git_error(error, "read the head");
			goto done;
		}
		parents[np++] = p0;
	}
	if (opts && opts->extra_parent) {
		if ((error = git_commit_lookup(&p1, repo->git,
				opts->extra_parent)) < 0) {
			error = chancery__git_error(error, "read a parent");
			goto done;
		}
		parents[np++] = p1;
	}
	if ((error = git_commit_create(out, repo->git, NULL, sig, sig, NULL,
			cs->message, tree, np, parents)) < 0)
		error = chancery__git_error(error, "write the commit");
done:
	git_tree_free(tree);
	git_commit_free(p0);
	git_commit_free(p1);
	chancery_free(ups);
	return error;
}

/* Move the branch from `head` (NULL: unborn) to `commit`, or say why not. */
static int publish(chancery_repository *repo, const git_oid *commit,
	const git_oid *head, const char *logmsg)
{
	git_reference *ref = NULL;
	int error;

	if (head)
		error = git_reference_create_matching(&ref, repo->git,
			repo->branch, commit, 1, head, logmsg);
	else
		error = git_reference_create(&ref, repo->git, repo->branch,
			commit, 0, logmsg);
	git_reference_free(ref);
	return error;
}

int chancery__commit(git_oid *out, chancery_repository *repo,
	chancery_build_cb build, void *payload,
	const chancery_commit_opts *opts)
{
	chancery_changeset cs = { 0 };
	git_signature *sig = NULL;
	int error = 0;
	int locked_tries = 0;
	bool raced = false;

	if ((error = chancery__signature(&sig, repo)) < 0)
		return error;
	for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		git_oid head, commit;
		git_commit *hc = NULL;
		git_tree *base = NULL;
		bool have_head, unchanged = false, recovered;
		int fd = -1, gerr;

		raced = false;
		char logmsg[128];

		error = git_reference_name_to_id(&head, repo->git, repo->branch);
		if (error < 0 && error != GIT_ENOTFOUND) {
			error = chancery__git_error(error, "read the branch");
			break;
		}
		have_head = error == 0;
		if (opts && opts->expect_head &&
		    (!have_head || !git_oid_equal(&head, opts->expect_head))) {
			error = chancery__error(CHANCERY_ECONFLICT,
				"the branch moved while syncing; sync again");
			break;
		}
		if (opts && opts->base_tree) {
			if ((error = git_tree_lookup(&base, repo->git,
					opts->base_tree)) < 0) {
				error = chancery__git_error(error,
					"read the merged tree");
				break;
			}
		} else if (have_head &&
		    ((error = git_commit_lookup(&hc, repo->git, &head)) < 0 ||
		     (error = git_commit_tree(&base, hc)) < 0)) {
			git_commit_free(hc);
			error = chancery__git_error(error, "read the branch head");
			break;
		}
		chancery_changeset_clear(&cs);
		error = build(&cs, base, have_head ? &head : NULL, payload);
		if (!error)
			error = build_commit(&commit, &unchanged, repo, &cs,
				base, have_head ? &head : NULL, sig, opts);
		git_tree_free(base);
		git_commit_free(hc);
		if (error < 0)
			break;
		if (unchanged) {
			error = chancery__error(CHANCERY_EUNCHANGED,
				"nothing changed");
			break;
		}

		if ((error = lock_acquire(&fd, &recovered, repo)) < 0)
			break;
		/* a writer died mid-checkout: finish its checkout first */
		if (recovered && have_head && worktree_checkout(repo) < 0)
			chancery_error_clear();
		if (have_head && (error = check_clean(repo)) < 0) {
			lock_release(repo, fd);
			break;
		}
		if (opts && opts->before_publish) {
			git_oid now;

			/* under the lock no chancery writer moves the branch:
			 * check it is still where we built, then let the
			 * caller act before it moves (e.g. push the commit) */
			if (git_reference_name_to_id(&now, repo->git,
					repo->branch) < 0 ||
			    !have_head || !git_oid_equal(&now, &head)) {
				git_error_clear();
				lock_release(repo, fd);
				error = CHANCERY_ECONFLICT;
				raced = true;
				continue;
			}
			if ((error = opts->before_publish(repo, &commit,
					opts->before_payload)) < 0) {
				lock_release(repo, fd);
				break;
			}
		}
		snprintf(logmsg, sizeof(logmsg), "chancery: %.100s",
			cs.message ? cs.message : "");
		{
			char *nl = strchr(logmsg, '\n');

			if (nl)
				*nl = '\0';
		}
		gerr = publish(repo, &commit, have_head ? &head : NULL, logmsg);
		if (gerr == GIT_ELOCKED) {
			char *lp = chancery__sprintf("%s%s.lock",
				git_repository_path(repo->git), repo->branch);

			/* someone (git?) holds the branch; wait, then
			 * treat a leftover of a dead process as stale */
			if (lp && ++locked_tries > 20 && chancery__clear_stale_lock(lp))
				locked_tries = 0;
			chancery_free(lp);
			lock_release(repo, fd);
			if (locked_tries > 100) {
				error = chancery__error(CHANCERY_ELOCKED,
					"the branch '%s' is locked by another "
					"process (%s.lock)", repo->branch,
					repo->branch);
				break;
			}
			pause_ms(50);
			error = CHANCERY_ELOCKED;
			raced = true;
			continue;
		}
		if (gerr == GIT_EMODIFIED || gerr == GIT_EEXISTS) {
			/* lost the race: rebuild on the new head */
			lock_release(repo, fd);
			pause_ms(attempt % 5);
			error = CHANCERY_ECONFLICT;
			raced = true;
			continue;
		}
		if (gerr < 0) {
			error = chancery__git_error(gerr, "move the branch");
			lock_release(repo, fd);
			break;
		}
		/* Published. The working tree is a view: failing to update it
		 * (a full disk) loses nothing; the lock keeps its mark, and
		 * the next operation, or verify, finishes the checkout. */
		if (worktree_checkout(repo) < 0)
			chancery_error_clear();
		lock_release(repo, fd);
		if (out)
			git_oid_cpy(out, &commit);
		error = 0;
		break;
	}
	if (raced && error == CHANCERY_ELOCKED)
		error = chancery__error(CHANCERY_ELOCKED,
			"the branch '%s' stayed locked by another process",
			repo->branch);
	else if (raced)
		error = chancery__error(CHANCERY_ECONFLICT,
			"gave up after %d attempts: too many concurrent writers",
			MAX_ATTEMPTS);
	chancery_changeset_clear(&cs);
	git_signature_free(sig);
	return error;
}

int chancery__fast_forward(chancery_repository *repo, const git_oid *from,
	const git_oid *to)
{
	int fd = -1, error;
	int gerr;
	bool recovered;

	if ((error = lock_acquire(&fd, &recovered, repo)) < 0)
		return error;
	if (recovered && worktree_checkout(repo) < 0)
		chancery_error_clear();
	if ((error = check_clean(repo)) < 0)
		goto done;
	gerr = publish(repo, to, from, "chancery: sync (fast-forward)");
	if (gerr == GIT_EMODIFIED) {
		error = chancery__error(CHANCERY_ECONFLICT,
			"the branch moved while syncing; sync again");
		goto done;
	}
	if (gerr < 0) {
		error = chancery__git_error(gerr, "move the branch");
		goto done;
	}
	if (worktree_checkout(repo) < 0)
		chancery_error_clear();
done:
	lock_release(repo, fd);
	return error;
}
