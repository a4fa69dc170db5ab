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
 * The check of step 3 stats every tracked file, and, unless the stamp
 * written after step 4 (worktree_stamp.c) proves the index still holds the
 * head, compares the head's every tree with the index too; step 4 rewrites
 * the index. Both are O(files). A bare repository (no working tree) skips
 * both: a write there costs the trees on the paths it changes, whatever
 * the size of the history.
 *
 * Git's own lock files (refs/heads/X.lock, index.lock) are left by a process
 * killed in the middle of a rename. Only a leftover the lock's mark names
 * is removed: its holder died around that file (below; the mark is written
 * just before the file is taken and reset just after it is let go, so only
 * a kill in those microseconds could name another program's lock). Any other lock file
 * is another program's (git gc, a push, a rebase can hold one for long): it
 * is waited for, LOCK_WAIT_TRIES times LOCK_WAIT_MS, and then the operation
 * fails with CHANCERY_ELOCKED naming the file, which stays.
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
#define LOCK_WAIT_TRIES 100  /* times LOCK_WAIT_MS: 5 seconds */
#define LOCK_WAIT_MS 50

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
 * The lock file's content (its mark) says how its last holder left: empty
 * (cleanly), "publishing PID" (it was inside the critical region),
 * "publishing PID FILE" (it was taking or holding Git's lock file FILE:
 * the mark is written just before, and reset just after) or "behind PID"
 * (it finished, but its checkout failed). We read the mark only once we
 * hold the flock, so that holder is gone: "publishing PID FILE" proves it
 * died holding FILE, which is then its leftover and is removed (only
 * names the caller expects). Any other lock file belongs to another
 * program (git gc, a push, a rebase) and is waited for, never removed.
 *
 * A mark is written as one record of MARK_SIZE bytes at offset 0 (its
 * line, then newlines), by one pwrite within one page, which a kill lets
 * happen whole or not at all; the file is never truncated to empty on the
 * way from one mark to the next, which a kill in between would have left
 * reading "cleanly". Only leaving cleanly truncates it.
 */
#define MARK_SIZE 512
void chancery__pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Write `line` as the whole mark; -1 when it cannot be. */
static int mark_write(int fd, const char *line)
{
	char rec[MARK_SIZE];
	size_t n = strlen(line);

	if (n >= sizeof(rec))
		return -1;
	memcpy(rec, line, n);
	memset(rec + n, '\n', sizeof(rec) - n);
	return pwrite(fd, rec, sizeof(rec), 0) == (ssize_t)sizeof(rec) ? 0 : -1;
}

static int lock_refused(const char *path, const char *what)
{
	return chancery__error(CHANCERY_ELOCKED,
		"'%s' is not a regular file (%s); remove it", path, what);
}

int chancery__lock_take(int *fd_out, bool *recovered, const char *gitdir,
	const char *name, const char *const *leftovers, bool patient)
{
	char *path = chancery__sprintf("%s%s", gitdir, name);
	char mark[MARK_SIZE + 1];
	struct stat st;
	ssize_t n;
	int fd, error = 0;

	*fd_out = -1;
	*recovered = false;
	if (!path)
		return chancery__oom();
	/* never follow a link: truncating its target would lose a file */
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
		O_NONBLOCK, 0644);
	if (fd < 0) {
		error = errno == ELOOP ? lock_refused(path, "a symbolic link") :
			errno == EISDIR ? lock_refused(path, "a folder") :
			chancery__os_error(path);
		goto done;
	}
	if (fstat(fd, &st) < 0) {
		error = chancery__os_error(path);
		goto done;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		error = lock_refused(path, !S_ISREG(st.st_mode) ?
			"a FIFO, device or socket" : "a hard link to another file");
		goto done;
	}
	for (int waited = 0; flock(fd, LOCK_EX | (patient ? 0 : LOCK_NB)) < 0;) {
		if (errno == EWOULDBLOCK && waited++ < LOCK_WAIT_TRIES) {
			chancery__pause_ms(LOCK_WAIT_MS);
		} else if (errno == EWOULDBLOCK) {
			error = chancery__lock_held(path, "the repository");
			goto done;
		} else if (errno != EINTR) {
			error = chancery__os_error(path);
			goto done;
		}
	}
	n = pread(fd, mark, sizeof(mark) - 1, 0);
	if (n > 0) {
		mark[n] = '\0';
		*recovered = true;
		for (size_t i = 0; leftovers[i]; i++) {
			/* only a whole "publishing PID FILE\n" names a leftover;
			 * a shorter mark ("behind 1") is never read past its end */
			bool publishing = n > 11 && !strncmp(mark, "publishing ", 11);
			char *sp = publishing ? strchr(mark + 11, ' ') : NULL;
			char *nl = strchr(mark, '\n');
			char *lp;

			if (!publishing || !sp || !nl || sp > nl ||
			    strlen(leftovers[i]) != (size_t)(nl - sp - 1) ||
			    strncmp(sp + 1, leftovers[i], (size_t)(nl - sp - 1)))
				continue;
			if ((lp = chancery__sprintf("%s%s", gitdir, leftovers[i])))
				unlink(lp);
			chancery_free(lp);
		}
	}
	snprintf(mark, sizeof(mark), "publishing %ld\n", (long)getpid());
	if (mark_write(fd, mark) < 0 || (st.st_size > MARK_SIZE &&
			ftruncate(fd, MARK_SIZE) < 0))
		error = chancery__os_error(path);
done:
	if (error < 0 && fd >= 0)
		close(fd);
	else
		*fd_out = fd;
	chancery_free(path);
	return error;
}

int chancery__lock_share(int *fd_out, const char *gitdir, const char *name)
{
	char *path = chancery__sprintf("%s%s", gitdir, name);
	struct stat st;
	int fd, error = 0;

	*fd_out = -1;
	if (!path)
		return chancery__oom();
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
		O_NONBLOCK, 0644);
	if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY |
			O_NONBLOCK);
	if (fd < 0) {
		/* a folder we may not write and no lock in it: nobody
		 * writes there through chancery */
		if (errno != ENOENT)
			error = errno == ELOOP ?
				lock_refused(path, "a symbolic link") :
				errno == EISDIR ? lock_refused(path, "a folder") :
				chancery__os_error(path);
		goto done;
	}
	if (fstat(fd, &st) < 0)
		error = chancery__os_error(path);
	else if (!S_ISREG(st.st_mode) || st.st_nlink != 1)
		error = lock_refused(path, !S_ISREG(st.st_mode) ?
			"a FIFO, device or socket" : "a hard link to another file");
	while (!error && flock(fd, LOCK_SH) < 0)
		if (errno != EINTR)
			error = chancery__os_error(path);
	if (error < 0)
		close(fd);
	else
		*fd_out = fd;
done:
	chancery_free(path);
	return error;
}

void chancery__lock_mark(int fd, const char *taking)
{
	char mark[MARK_SIZE];
	int n = snprintf(mark, sizeof(mark), "publishing %ld%s%s%s\n",
		(long)getpid(), taking ? " " : "", taking ? taking : "",
		taking ? ".lock" : "");

	/* a mark that cannot be written leaves the previous one: at worst a
	 * leftover of ours is waited for and named instead of removed */
	if (n > 0 && (size_t)n < sizeof(mark) && fd >= 0 &&
	    mark_write(fd, mark) < 0) {
		/* as above */
	}
}

void chancery__lock_leave(int fd, bool behind)
{
	char mark[64];
	int n;

	if (fd < 0)
		return;
	/* empty: we left the critical region in one piece. With the working
	 * tree behind the branch (a checkout that failed, a full disk), say
	 * so: the next holder finishes it, but removes nothing */
	n = snprintf(mark, sizeof(mark), "behind %ld\n", (long)getpid());
	if (n <= 0 || (behind ? mark_write(fd, mark) : ftruncate(fd, 0)) < 0) {
		/* the previous mark stays: the next holder finishes a
		 * checkout it did not need */
	}
	close(fd);   /* closing drops the flock */
}

int chancery__repo_lock(int *fd, bool *recovered, const char *gitdir,
	const char *branch, bool patient)
{
	char *ref = chancery__sprintf("%s.lock", branch);
	const char *leftovers[] = { ref, "index.lock", NULL };
	int error;

	if (!ref)
		return chancery__oom();
	error = chancery__lock_take(fd, recovered, gitdir, "chancery.lock",
		leftovers, patient);
	chancery_free(ref);
	return error;
}

static int lock_acquire(int *fd_out, bool *recovered, chancery_repository *repo)
{
	return chancery__repo_lock(fd_out, recovered,
		git_repository_path(repo->git), repo->branch, true);
}

static void lock_release(chancery_repository *repo, int fd)
{
	chancery__lock_leave(fd, repo->worktree_behind);
}

int chancery__lock_wait(const char *path, const char *what)
{
	for (int i = 0; i < LOCK_WAIT_TRIES; i++) {
		if (access(path, F_OK) < 0)
			return 0;
		chancery__pause_ms(LOCK_WAIT_MS);
	}
	return chancery__lock_held(path, what);
}

int chancery__lock_held(const char *path, const char *what)
{
	return chancery__error(CHANCERY_ELOCKED, "%s is locked by another "
		"process (%s); it was not removed: retry when that process is "
		"done, or remove the file if none is running", what, path);
}

/* ---- the working tree ------------------------------------------------------- */

const char *chancery__gitdir(const chancery_repository *repo)
{
	return git_repository_path(repo->git);
}

/* Refuse a working tree edited by hand. *lagging (may be NULL) says
 * whether the index differs from the branch head at all: after a writer
 * was killed, or the branch was moved by git itself, only a checkout of
 * every path brings the working tree back. When the stamp
 * (worktree_stamp.c) proves the index holds the head, only the working
 * tree is compared with it: the index-to-head half would find nothing.
 * A bare repository has nothing to check. */
static int check_clean(chancery_repository *repo, bool *lagging)
{
	git_status_list *list = NULL;
	git_status_options opts = GIT_STATUS_OPTIONS_INIT;
	git_oid head;
	bool cheap;
	int error;
	size_t n;

	if (lagging)
		*lagging = false;
	repo->worktree_check = 0;
	if (!repo->workdir)
		return 0;
	cheap = git_reference_name_to_id(&head, repo->git,
		repo->branch) == 0 && chancery__stamp_matches(repo, &head);
	git_error_clear();
	repo->worktree_check = cheap ? 1 : 2;
	opts.show = cheap ? GIT_STATUS_SHOW_WORKDIR_ONLY :
		GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if ((error = git_status_list_new(&list, repo->git, &opts)) < 0)
		return chancery__git_error(error, "read the working tree");
	n = git_status_list_entrycount(list);
	for (size_t i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const char *path;
		unsigned s = e->status;

		if (lagging && e->head_to_index)
			*lagging = true;

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

int chancery__worktree_edits(chancery_repository *repo,
	int (*cb)(const char *path, void *payload), void *payload)
{
	git_status_list *list = NULL;
	git_status_options opts = GIT_STATUS_OPTIONS_INIT;
	int error;
	size_t n;

	if (!repo->workdir)
		return 0;
	opts.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
	opts.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if ((error = git_status_list_new(&list, repo->git, &opts)) < 0)
		return chancery__git_error(error, "read the working tree");
	n = git_status_list_entrycount(list);
	for (size_t i = 0; i < n && !error; i++) {
		const git_status_entry *e = git_status_byindex(list, i);

		if ((e->status & (GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_DELETED |
				GIT_STATUS_WT_TYPECHANGE)) && e->index_to_workdir)
			error = cb(e->index_to_workdir->old_file.path, payload);
	}
	git_status_list_free(list);
	return error;
}

/* Check the branch head out into the index and working tree: every path,
 * or (`npaths` > 0) only `paths`, those of the commit just published on
 * top of the head the index held, so that a write does not stat every
 * file of the repository (one a record: hundreds of thousands) a second
 * time. */
static int worktree_checkout(chancery_repository *repo, int fd,
	char **paths, size_t npaths)
{
	git_checkout_options opts = GIT_CHECKOUT_OPTIONS_INIT;
	git_index *index = NULL;
	git_object *target = NULL;
	git_oid head;
	char *lockpath = NULL;
	int error;

	if (!repo->workdir) {   /* bare: no index, no working tree */
		repo->worktree_behind = false;
		return 0;
	}
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
	if (npaths) {
		opts.paths.strings = paths;
		opts.paths.count = npaths;
		opts.checkout_strategy |= GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
	}
	chancery__lock_mark(fd, "index");
	error = git_checkout_tree(repo->git, target, &opts);
	/* git (a status refresh, an add) holds the index: wait for it; our
	 * own leftover was removed when the lock was taken */
	for (int i = 0; error == GIT_ELOCKED && i < LOCK_WAIT_TRIES; i++) {
		git_error_clear();
		chancery__pause_ms(LOCK_WAIT_MS);
		error = git_checkout_tree(repo->git, target, &opts);
	}
	if (error == GIT_ELOCKED) {
		lockpath = chancery__sprintf("%sindex.lock",
			git_repository_path(repo->git));
		error = lockpath ? chancery__lock_held(lockpath, "the index") :
			chancery__oom();
	} else if (error < 0) {
		error = chancery__git_error(error, "update the working tree");
	} else {
		chancery__stamp_write(repo, index, &head);
	}
	chancery__lock_mark(fd, NULL);
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
	error = worktree_checkout(repo, fd, NULL, 0);
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
		error = worktree_checkout(repo, fd, NULL, 0);
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

/* Paths a later operation may replace: the registry tables, the
 * generated letters of a campaign (regenerated when their inputs change;
 * every version stays in history) and the repository format (only an
 * upgrade replaces it, as the commit check holds it to: upgrade.c).
 * Everything else is append-only. */
static bool replaceable(const char *path)
{
	const char *p;

	if (!strncmp(path, "registry/", 9) || !strcmp(path, CHANCERY_FORMAT_PATH))
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

/* Move the branch from `head` (NULL: unborn) to `commit`, or say why not;
 * the lock's mark names the branch's lock file meanwhile. */
static int publish(chancery_repository *repo, int fd, const git_oid *commit,
	const git_oid *head, const char *logmsg)
{
	git_reference *ref = NULL;
	int error;

	chancery__lock_mark(fd, repo->branch);
	if (head)
		error = git_reference_create_matching(&ref, repo->git,
			repo->branch, commit, 1, head, logmsg);
	else
		error = git_reference_create(&ref, repo->git, repo->branch,
			commit, 0, logmsg);
	chancery__lock_mark(fd, NULL);
	git_reference_free(ref);
	return error;
}

/* What the attempts of one commit share (chancery__commit). */
typedef struct {
	chancery_repository *repo;
	chancery_build_cb build;
	void *payload;
	const chancery_commit_opts *opts;
	git_signature *sig;
	chancery_changeset cs;
	int locked_tries;  /* attempts that found the branch's lock taken */
} committing;

/* An attempt lost a race (a writer moved the branch, or holds its lock):
 * build again on the new head. */
#define RETRY 1

/* Step 1: the branch head (`*have_head` false: unborn) and the tree to
 * build on, the head's or the caller's merged tree (NULL: none). */
static int read_base(git_oid *head, bool *have_head, git_tree **base,
	const committing *c)
{
	git_commit *hc = NULL;
	int error;

	*base = NULL;
	*have_head = false;
	error = git_reference_name_to_id(head, c->repo->git, c->repo->branch);
	if (error < 0 && error != GIT_ENOTFOUND)
		return chancery__git_error(error, "read the branch");
	*have_head = error == 0;
	if (c->opts && c->opts->expect_head &&
	    (!*have_head || !git_oid_equal(head, c->opts->expect_head)))
		return chancery__error(CHANCERY_ECONFLICT,
			"the branch moved while syncing; sync again");
	if (c->opts && c->opts->base_tree) {
		if ((error = git_tree_lookup(base, c->repo->git,
				c->opts->base_tree)) < 0)
			return chancery__git_error(error,
				"read the merged tree");
		return 0;
	}
	if (*have_head &&
	    ((error = git_commit_lookup(&hc, c->repo->git, head)) < 0 ||
	     (error = git_commit_tree(base, hc)) < 0))
		error = chancery__git_error(error, "read the branch head");
	else
		error = 0;
	git_commit_free(hc);
	return error;
}

/* Steps 1 and 2: let the caller build on the head, write the commit
 * object (`*commit`); CHANCERY_EUNCHANGED when the tree would not change. */
static int build_attempt(git_oid *commit, git_oid *head, bool *have_head,
	committing *c)
{
	git_tree *base = NULL;
	bool unchanged = false;
	int error;

	if ((error = read_base(head, have_head, &base, c)) < 0)
		return error;
	chancery_changeset_clear(&c->cs);
	error = c->build(&c->cs, base, *have_head ? head : NULL, c->payload);
	if (!error)
		error = build_commit(commit, &unchanged, c->repo, &c->cs, base,
			*have_head ? head : NULL, c->sig, c->opts);
	git_tree_free(base);
	if (error < 0)
		return error;
	if (unchanged)
		return chancery__error(CHANCERY_EUNCHANGED, "nothing changed");
	return 0;
}

/* Under the lock no chancery writer moves the branch: check it is still
 * `head`, where we built, then let the caller act before it moves (e.g.
 * push the commit). 0 go on, RETRY, or the caller's error; the lock is
 * released unless it returns 0. */
static int before_publish(const committing *c, int fd, const git_oid *commit,
	const git_oid *head)
{
	git_oid now;
	int error;

	if (git_reference_name_to_id(&now, c->repo->git,
			c->repo->branch) < 0 ||
	    !head || !git_oid_equal(&now, head)) {
		git_error_clear();
		lock_release(c->repo, fd);
		return RETRY;
	}
	if ((error = c->opts->before_publish(c->repo, commit,
			c->opts->before_payload)) < 0) {
		lock_release(c->repo, fd);
		return error;
	}
	return 0;
}

/* The reflog's line: "chancery: " and the message's first line. */
static void log_message(char *out, size_t size, const chancery_changeset *cs)
{
	char *nl;

	snprintf(out, size, "chancery: %.100s", cs->message ? cs->message : "");
	if ((nl = strchr(out, '\n')))
		*nl = '\0';
}

/* Step 3's end when the branch's lock file is taken: someone else (git
 * gc, a push, a rebase) holds the branch: wait for it, never remove its
 * lock. RETRY (`*why` CHANCERY_ELOCKED), or CHANCERY_ELOCKED naming the
 * file once waited for long enough. */
static int branch_locked(committing *c, int *why)
{
	char *lp;
	int error;

	if (++c->locked_tries > LOCK_WAIT_TRIES) {
		lp = chancery__sprintf("%s%s.lock",
			git_repository_path(c->repo->git), c->repo->branch);
		error = lp ? chancery__lock_held(lp, c->repo->branch) :
			chancery__oom();
		chancery_free(lp);
		return error;
	}
	chancery__pause_ms(LOCK_WAIT_MS);
	*why = CHANCERY_ELOCKED;
	return RETRY;
}

/* Steps 3 and 4: under the lock, move the branch from `head` (NULL:
 * unborn) to `commit` and check it out. 0 published, RETRY with `*why`
 * (CHANCERY_ECONFLICT or CHANCERY_ELOCKED) to build again, or an error. */
/* Is the commit its head's tree and the changeset, nothing more? A merge
 * (sync) or a commit on another base tree brings paths the changeset does
 * not name: those check out every path. */
static bool plain_child(const committing *c)
{
	return !(c->opts && (c->opts->extra_parent || c->opts->base_tree));
}

static int publish_attempt(committing *c, const git_oid *commit,
	const git_oid *head, int attempt, int *why)
{
	char logmsg[128], **paths = NULL;
	bool recovered, lagging = true;
	size_t npaths = 0;
	int fd = -1, gerr, error;

	if ((error = lock_acquire(&fd, &recovered, c->repo)) < 0)
		return error;
	/* a writer died mid-checkout: finish its checkout first */
	if (recovered && head && worktree_checkout(c->repo, fd, NULL, 0) < 0)
		chancery_error_clear();
	if (head && (error = check_clean(c->repo, &lagging)) < 0) {
		lock_release(c->repo, fd);
		return error;
	}
	/* the list of paths to check out afterwards is made now: once the
	 * branch has moved, running out of memory can no longer be said */
	if (!lagging && plain_child(c) && c->cs.count) {
		if (!(paths = chancery__calloc(c->cs.count, sizeof(*paths)))) {
			lock_release(c->repo, fd);
			return chancery__oom();
		}
		for (npaths = 0; npaths < c->cs.count; npaths++)
			paths[npaths] = c->cs.items[npaths].path;
	}
	*why = CHANCERY_ECONFLICT;
	if (c->opts && c->opts->before_publish &&
	    (error = before_publish(c, fd, commit, head)) != 0) {
		chancery_free(paths);
		return error;
	}
	log_message(logmsg, sizeof(logmsg), &c->cs);
	gerr = publish(c->repo, fd, commit, head, logmsg);
	if (gerr < 0)
		chancery_free(paths);
	if (gerr == GIT_ELOCKED) {
		git_error_clear();
		lock_release(c->repo, fd);
		return branch_locked(c, why);
	}
	if (gerr == GIT_EMODIFIED || gerr == GIT_EEXISTS) {
		/* lost the race: rebuild on the new head */
		lock_release(c->repo, fd);
		chancery__pause_ms(attempt % 5);
		return RETRY;
	}
	if (gerr < 0) {
		error = chancery__git_error(gerr, "move the branch");
		lock_release(c->repo, fd);
		return error;
	}
	/* Published. The working tree is a view: failing to update it (a
	 * full disk) loses nothing; the lock keeps its mark, and the next
	 * operation, or verify, finishes the checkout (of every path). When
	 * the index held the old head exactly and the commit is that head and
	 * the changeset, only the changeset's paths can differ. */
	if (worktree_checkout(c->repo, fd, paths, npaths) < 0)
		chancery_error_clear();
	chancery_free(paths);
	lock_release(c->repo, fd);
	return 0;
}

int chancery__commit(git_oid *out, chancery_repository *repo,
	chancery_build_cb build, void *payload,
	const chancery_commit_opts *opts)
{
	committing c = { repo, build, payload, opts, NULL, { 0 }, 0 };
	int error = 0, why = 0;
	bool raced = false;

	if ((error = chancery__signature(&c.sig, repo)) < 0)
		return error;
	for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		git_oid head, commit;
		bool have_head;

		raced = false;
		if ((error = build_attempt(&commit, &head, &have_head, &c)) < 0)
			break;
		error = publish_attempt(&c, &commit, have_head ? &head : NULL,
			attempt, &why);
		if (error == RETRY) {
			error = why;
			raced = true;
			continue;
		}
		if (!error && out)
			git_oid_cpy(out, &commit);
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
	chancery_changeset_clear(&c.cs);
	git_signature_free(c.sig);
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
	if (recovered && worktree_checkout(repo, fd, NULL, 0) < 0)
		chancery_error_clear();
	if ((error = check_clean(repo, NULL)) < 0)
		goto done;
	gerr = publish(repo, fd, to, from, "chancery: sync (fast-forward)");
	if (gerr == GIT_EMODIFIED) {
		error = chancery__error(CHANCERY_ECONFLICT,
			"the branch moved while syncing; sync again");
		goto done;
	}
	if (gerr < 0) {
		error = chancery__git_error(gerr, "move the branch");
		goto done;
	}
	if (worktree_checkout(repo, fd, NULL, 0) < 0)
		chancery_error_clear();
done:
	lock_release(repo, fd);
	return error;
}
