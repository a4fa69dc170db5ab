/*
 * walk.c - commits in chancery's types (store.h): a walk over the history
 * with each commit's parents, message, author and the files it changed;
 * one commit read on its own; its event and its audit; and the commit
 * pipeline's callbacks and options in store types (adapters over store.c
 * and event.c, which keep libgit2's until every caller is converted).
 *
 * A commit's changes are the files that differ from its first parent
 * (every file, for a root commit), without rename detection: a rename is a
 * deletion and an addition, as audit.c judges it. Merges get no changes:
 * against one parent they would show the other side's work as new.
 * Everything a callback is handed is borrowed and lives until it returns.
 * Left out: filters, path limits and ranges (no caller needs them).
 */
#include <string.h>

#include "store_git.h"

/* An info with what keeps its borrowed pointers alive; `info` first so
 * the public pointer is the holder's. Each change's path is its own
 * allocation. */
typedef struct {
	chancery__commit_info info;
	git_commit *commit;
	chancery_oid *parents;
	chancery_file_change *changes;
	size_t nchanges, achanges;
} commit_hold;

static void hold_clear(commit_hold *h)
{
	for (size_t i = 0; i < h->nchanges; i++)
		chancery_free((char *)h->changes[i].path);
	chancery_free(h->changes);
	chancery_free(h->parents);
	git_commit_free(h->commit);
	memset(h, 0, sizeof(*h));
}

static int hold_change(const chancery_file_change *c, void *payload)
{
	commit_hold *h = payload;
	chancery_file_change *to;

	if (chancery__grow((void **)&h->changes, &h->achanges,
			h->nchanges + 1, sizeof(*h->changes)) < 0)
		return CHANCERY_ENOMEM;
	to = &h->changes[h->nchanges];
	*to = *c;
	if (!(to->path = chancery__strdup(c->path)))
		return chancery__oom();
	h->nchanges++;
	return 0;
}

/* The files `h->commit` changed against its first parent (none: all). */
static int hold_changes(commit_hold *h)
{
	git_repository *git = git_commit_owner(h->commit);
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	int error;

	if ((error = git_commit_tree(&tree, h->commit)) < 0 ||
	    (git_commit_parentcount(h->commit) == 1 &&
	     ((error = git_commit_parent(&parent, h->commit, 0)) < 0 ||
	      (error = git_commit_tree(&ptree, parent)) < 0)))
		error = chancery__git_error(error, "read a commit's changes");
	else
		error = chancery__tree_diff(git, ptree, tree, hold_change, h);
	h->info.changes = h->changes;
	h->info.nchanges = h->nchanges;
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(parent);
	return error;
}

/* Fill `h` from commit `g`: CHANCERY_ENOTFOUND or another error when it
 * cannot be read (the message says why). */
static int hold_read(commit_hold *h, git_repository *git, const git_oid *g,
	bool changes)
{
	const git_signature *a;
	size_t np;
	int error;

	memset(h, 0, sizeof(*h));
	if ((error = git_commit_lookup(&h->commit, git, g)) < 0)
		return chancery__git_error(error, "read a commit");
	np = git_commit_parentcount(h->commit);
	if (!(h->parents = chancery__calloc(np ? np : 1, sizeof(*h->parents))))
		return chancery__oom();
	for (size_t i = 0; i < np; i++)
		chancery__oid_from_git(&h->parents[i],
			git_commit_parent_id(h->commit, (unsigned)i));
	a = git_commit_author(h->commit);
	chancery__oid_from_git(&h->info.id, g);
	chancery__oid_from_git(&h->info.tree, git_commit_tree_id(h->commit));
	h->info.parents = h->parents;
	h->info.nparents = np;
	h->info.message = git_commit_message(h->commit);
	h->info.author_name = a->name;
	h->info.author_email = a->email;
	h->info.time = (int64_t)a->when.time;
	h->info.offset = a->when.offset;
	if (changes && np <= 1)
		return hold_changes(h);
	return 0;
}

int chancery__commit_read(chancery__commit_info **out,
	chancery_repository *repo, const chancery_oid *id, bool changes)
{
	commit_hold *h;
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id);
	*out = NULL;
	if (!(h = chancery__malloc(sizeof(*h))))
		return chancery__oom();
	chancery__oid_to_git(&g, id);
	if ((error = hold_read(h, repo->git, &g, changes)) < 0) {
		hold_clear(h);
		chancery_free(h);
		return error;
	}
	*out = &h->info;
	return 0;
}

void chancery__commit_info_free(chancery__commit_info *c)
{
	commit_hold *h = (commit_hold *)c;

	if (!h)
		return;
	hold_clear(h);
	chancery_free(h);
}

/* ---- the walk ------------------------------------------------------------ */

/* One commit of the walk: the callback's return, or an error. */
static int walk_one(chancery_repository *repo, const git_oid *g,
	const chancery__walk_opts *o, chancery__commit_cb cb, void *payload)
{
	commit_hold h;
	int error;

	if ((error = hold_read(&h, repo->git, g, o->changes)) == 0)
		error = cb(&h.info, payload);
	hold_clear(&h);
	return error;
}

int chancery__revwalk(git_repository *git, const git_oid *start,
	const git_oid *hide, unsigned sort, const char *what,
	chancery__oid_cb cb, void *payload)
{
	git_revwalk *walk = NULL;
	git_oid g;
	int error;

	if ((error = git_revwalk_new(&walk, git)) < 0 ||
	    (error = git_revwalk_sorting(walk, sort)) < 0 ||
	    (error = git_revwalk_push(walk, start)) < 0 ||
	    (hide && (error = git_revwalk_hide(walk, hide)) < 0)) {
		error = chancery__git_error(error, what);
		goto done;
	}
	while ((error = git_revwalk_next(&g, walk)) == 0)
		if ((error = cb(&g, payload)) != 0)
			goto done;
	error = error == GIT_ITEROVER ? 0 : chancery__git_error(error, what);
done:
	git_revwalk_free(walk);
	return error;
}

typedef struct {
	chancery_repository *repo;
	const chancery__walk_opts *opts;
	chancery__commit_cb cb;
	void *payload;
} walk_ctx;

static int walk_next(const git_oid *g, void *payload)
{
	walk_ctx *w = payload;

	return walk_one(w->repo, g, w->opts, w->cb, w->payload);
}

int chancery__walk(chancery_repository *repo, const chancery__walk_opts *opts,
	chancery__commit_cb cb, void *payload)
{
	chancery__walk_opts none = CHANCERY__WALK_OPTS_INIT;
	walk_ctx w = { repo, NULL, cb, payload };
	git_oid start, hide;
	int error;

	CHANCERY_ASSERT_ARG(repo && cb);
	CHANCERY_ASSERT_ARG(!opts ||
		opts->version == CHANCERY__WALK_OPTS_VERSION);
	w.opts = opts = opts ? opts : &none;
	if (opts->from) {
		chancery__oid_to_git(&start, opts->from);
	} else if ((error = git_reference_name_to_id(&start, repo->git,
			repo->branch)) == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	} else if (error < 0) {
		return chancery__git_error(error, "read the branch head");
	}
	if (opts->hide)
		chancery__oid_to_git(&hide, opts->hide);
	return chancery__revwalk(repo->git, &start, opts->hide ? &hide : NULL,
		GIT_SORT_TOPOLOGICAL |
		(opts->newest_first ? 0 : GIT_SORT_REVERSE),
		"walk the history", walk_next, &w);
}

/* ---- a commit's event and audit ------------------------------------------ */

int chancery__commit_event(chancery_event **out, chancery_repository *repo,
	const chancery_oid *id)
{
	git_commit *c = NULL;
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id);
	*out = NULL;
	chancery__oid_to_git(&g, id);
	if ((error = git_commit_lookup(&c, repo->git, &g)) < 0)
		return chancery__git_error(error, "read a commit");
	error = chancery__event_from_commit(out, c);
	git_commit_free(c);
	return error;
}

static int audit_problem(const char *line, void *payload)
{
	const chancery__audit_opts *o = payload;

	return o->problem ? o->problem(line, o->payload) : 0;
}

static int audit_file(const char *path, const git_oid *blob, void *payload)
{
	const chancery__audit_opts *o = payload;
	chancery_oid id;

	chancery__oid_from_git(&id, blob);
	return o->file(path, &id, o->payload);
}

int chancery__commit_audit(chancery_repository *repo, const chancery_oid *id,
	const chancery__audit_opts *opts)
{
	chancery__check_opts co = { NULL, NULL, NULL };
	git_commit *c = NULL;
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(repo && id && opts);
	co.problem = audit_problem;
	co.file = opts->file ? audit_file : NULL;
	co.payload = (void *)opts;
	chancery__oid_to_git(&g, id);
	if ((error = git_commit_lookup(&c, repo->git, &g)) < 0)
		return chancery__git_error(error, "read a commit");
	error = chancery__commit_check(repo, c, &co);
	git_commit_free(c);
	return error;
}

/* ---- the pipeline in store types ----------------------------------------- */

typedef struct {
	chancery__build_fn build;
	chancery__extra_fn extra;
	void *payload;
	const chancery__record_opts *opts;
} pipe_ctx;

static int build_adapter(chancery_changeset *cs, git_tree *base,
	const git_oid *head, void *payload)
{
	pipe_ctx *p = payload;
	chancery_tree tb;
	chancery_oid h;

	if (head)
		chancery__oid_from_git(&h, head);
	return p->build(cs, chancery__tree_borrow(&tb, base),
		head ? &h : NULL, p->payload);
}

int chancery__store_commit(chancery_oid *out, chancery_repository *repo,
	chancery__build_fn build, void *payload)
{
	pipe_ctx p = { build, NULL, payload, NULL };
	git_oid g;
	int error;

	CHANCERY_ASSERT_ARG(repo && build);
	error = chancery__commit(&g, repo, build_adapter, &p, NULL);
	if (!error && out)
		chancery__oid_from_git(out, &g);
	return error;
}

static int extra_adapter(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	pipe_ctx *p = payload;
	chancery_tree tb;
	chancery_oid h;

	if (head)
		chancery__oid_from_git(&h, head);
	return p->extra(cs, chancery__tree_borrow(&tb, base),
		head ? &h : NULL, ev, p->payload);
}

static int before_adapter(chancery_repository *repo, const git_oid *commit,
	void *payload)
{
	pipe_ctx *p = payload;
	chancery_oid id;

	chancery__oid_from_git(&id, commit);
	return p->opts->before_publish(repo, &id, p->opts->before_payload);
}

int chancery__event_record(chancery_repository *repo, chancery_event *event,
	chancery__extra_fn extra, void *payload,
	const chancery__record_opts *opts)
{
	pipe_ctx p = { NULL, extra, payload, opts };
	chancery_commit_opts co = { 0 };

	CHANCERY_ASSERT_ARG(repo && event);
	if (opts && opts->before_publish) {
		co.before_publish = before_adapter;
		co.before_payload = &p;
	}
	return chancery__event_commit(repo, event, extra ? extra_adapter : NULL,
		&p, opts && opts->before_publish ? &co : NULL);
}

int chancery__push(chancery_repository *repo, const char *remote,
	const chancery_oid *commit)
{
	git_oid g;

	CHANCERY_ASSERT_ARG(repo && remote && commit);
	chancery__oid_to_git(&g, commit);
	return chancery__push_commit(repo, remote, &g);
}
