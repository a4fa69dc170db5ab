/*
 * event_history.c - events in history: walking the events of the first-
 * parent history with a filter (chancery_event_foreach), the paths an
 * event's commit changed, finding one event by id or commit
 * (chancery_event_lookup) and reading its record file back.
 *
 * Each event is read from its commit's trailers (event_read.c); a commit
 * without one is skipped, one a peer forged is refused.
 */
#include "event_int.h"
#include "index_int.h"
#include "store_git.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool chancery__event_matches(const chancery_event *ev,
	const chancery_log_options *o)
{
	struct { const char *key; const char *want; } f[] = {
		{ "State", o->state }, { "Treaty", o->treaty },
		{ "Campaign", o->campaign } };
	chancery_date d;

	for (size_t k = 0; k < 3; k++) {
		bool hit = false;

		if (!f[k].want)
			continue;
		for (size_t i = 0; i < ev->nfields; i++)
			if (!strcmp(ev->keys[i], f[k].key) &&
			    !strcmp(ev->values[i], f[k].want))
				hit = true;
		if (!hit)
			return false;
	}
	if (o->type && strcmp(o->type, ev->type))
		return false;
	chancery_event_date(&d, ev);
	if (o->since && chancery_date_cmp(&d, o->since) < 0)
		return false;
	if (o->until && chancery_date_cmp(&d, o->until) > 0)
		return false;
	return true;
}

static bool ends_with_treaty(const char *v, const char *treaty)
{
	size_t n = strlen(v), m = strlen(treaty);

	return n > m && (v[n - m - 1] == ' ' || v[n - m - 1] == ':') &&
		!strcmp(v + n - m, treaty);
}

bool chancery__event_about(const chancery_event *ev, const char *subject,
	bool state)
{
	size_t n = strlen(subject);

	if (state && !strcmp(ev->type, "letters"))
		return true;
	for (size_t i = 0; i < ev->nfields; i++) {
		const char *k = ev->keys[i], *v = ev->values[i];

		if (state ? (!strcmp(k, "State") && !strcmp(v, subject)) ||
			    (!strcmp(k, "Acknowledges") &&
			     !strncmp(v, subject, n) && v[n] == ' ') :
			    (!strcmp(k, "Treaty") && !strcmp(v, subject)) ||
			    ((!strcmp(k, "Intends") || !strcmp(k, "Withdraws")) &&
			     ends_with_treaty(v, subject)))
			return true;
	}
	return false;
}

typedef struct {
	const char *subject;
	bool state;
	chancery_event_cb cb;
	void *payload;
} about_ctx;

static int about_cb(const chancery_event *ev, void *payload)
{
	about_ctx *a = payload;

	return chancery__event_about(ev, a->subject, a->state) ?
		a->cb(ev, a->payload) : 0;
}

int chancery__event_foreach_about(chancery_repository *repo,
	const chancery_log_options *opts, const char *subject, bool state,
	chancery_event_cb cb, void *payload)
{
	chancery_log_options lo = CHANCERY_LOG_OPTIONS_INIT;
	chancery__index_query q = { &lo, false, NULL, subject, state };
	about_ctx a = { subject, state, cb, payload };
	bool answered;
	int error;

	if (opts)
		lo = *opts;
	lo.oldest_first = 1;
	error = chancery__index_foreach(&answered, repo, &q, cb, payload);
	return answered ? error : chancery__event_replay(repo, &lo, about_cb,
		&a);
}

/* ---- about a subject, by date ---------------------------------------------- */

typedef struct {
	chancery_date date;
	size_t seq;
	chancery_oid commit;
} dated_item;

typedef struct {
	const char *subject;
	bool state;
	dated_item *items;
	size_t n, alloc;
	int error;
} dated_list;

static int dated_gather(const chancery_event *ev, void *payload)
{
	dated_list *l = payload;
	dated_item *it;

	if (!chancery__event_about(ev, l->subject, l->state))
		return 0;
	if (chancery__grow((void **)&l->items, &l->alloc, l->n + 1,
			sizeof(*l->items)) < 0) {
		l->error = CHANCERY_ENOMEM;
		return 1;
	}
	it = &l->items[l->n];
	chancery_event_date(&it->date, ev);
	it->seq = l->n;
	if ((l->error = chancery__oid_fromstr(&it->commit, ev->commit)) < 0)
		return 1;
	l->n++;
	return 0;
}

static int dated_cmp(const void *a, const void *b)
{
	const dated_item *x = a, *y = b;
	int c = chancery_date_cmp(&x->date, &y->date);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* The replay's answer: dates and commits gathered, sorted, and each event
 * read again from its commit, so memory holds ids, not events. */
static int dated_replay(chancery_repository *repo,
	const chancery_log_options *lo, const char *subject, bool state,
	chancery_event_cb cb, void *payload)
{
	dated_list l = { subject, state, NULL, 0, 0, 0 };
	int error = chancery__event_replay(repo, lo, dated_gather, &l);

	if (l.error < 0)
		error = l.error;
	if (error == 0 && l.n)
		qsort(l.items, l.n, sizeof(*l.items), dated_cmp);
	for (size_t i = 0; i < l.n && !error; i++) {
		chancery_event *ev = NULL;

		if ((error = chancery__commit_event(&ev, repo,
				&l.items[i].commit)) == 0)
			error = cb(ev, payload);
		chancery_event_free(ev);
	}
	chancery_free(l.items);
	return error;
}

int chancery__event_foreach_about_dated(chancery_repository *repo,
	const char *subject, bool state, chancery_event_cb cb, void *payload)
{
	chancery_log_options lo = CHANCERY_LOG_OPTIONS_INIT;
	chancery__index_query q = { &lo, false, NULL, subject, state, true };
	bool answered;
	int error;

	lo.oldest_first = 1;
	error = chancery__index_foreach(&answered, repo, &q, cb, payload);
	return answered ? error : dated_replay(repo, &lo, subject, state, cb,
		payload);
}

int chancery_event_foreach(chancery_repository *repo,
	const chancery_log_options *opts, chancery_event_cb cb, void *payload)
{
	chancery_log_options none = CHANCERY_LOG_OPTIONS_INIT;
	chancery__index_query q = { NULL, false, NULL, NULL, false };
	bool answered;
	int error;

	CHANCERY_ASSERT_ARG(repo && cb);
	CHANCERY_CHECK_VERSION(opts, CHANCERY_LOG_OPTIONS_VERSION);
	q.log = opts ? opts : &none;
	error = chancery__index_foreach(&answered, repo, &q, cb, payload);
	return answered ? error : chancery__event_replay(repo, opts, cb,
		payload);
}

typedef struct {
	chancery_repository *repo;
	const chancery_log_options *opts;
	chancery_event_cb cb;
	void *payload;
} replay_ctx;

static int replay_one(const git_oid *oid, void *payload)
{
	replay_ctx *r = payload;
	git_commit *c = NULL;
	chancery_event *ev = NULL;
	int error;

	if ((error = git_commit_lookup(&c, r->repo->git, oid)) < 0)
		return chancery__git_error(error, "read a commit");
	error = chancery__event_from_commit(&ev, c);
	git_commit_free(c);
	/* a plain-git commit, or one recording would have refused (verify
	 * names it): no event of the history */
	if (error == CHANCERY_ENOTFOUND || error == CHANCERY_EINVALID) {
		chancery_error_clear();
		return 0;
	}
	if (error < 0)
		return error;
	if (chancery__event_matches(ev, r->opts))
		error = r->cb(ev, r->payload);
	chancery_event_free(ev);
	return error;
}

/* The commit the replay starts from: opts->at, or the branch head. */
static int replay_start(git_oid *out, chancery_repository *repo,
	const char *at)
{
	git_object *o = NULL;
	int error;

	if (!at) {
		error = git_reference_name_to_id(out, repo->git, repo->branch);
		return error < 0 ? chancery__git_error(error,
			"walk the history") : 0;
	}
	error = git_revparse_single(&o, repo->git, at);
	if (error == 0 && git_object_type(o) != GIT_OBJECT_COMMIT)
		error = GIT_ENOTFOUND;
	if (error == 0)
		git_oid_cpy(out, git_object_id(o));
	git_object_free(o);
	if (error < 0) {
		git_error_clear();
		return chancery__error(CHANCERY_ENOTFOUND, "no commit '%.60s'",
			at);
	}
	return 0;
}

/* The reference: every commit of the history read again (the index's
 * tables are checked against it, and it answers what they cannot). */
int chancery__event_replay(chancery_repository *repo,
	const chancery_log_options *opts, chancery_event_cb cb, void *payload)
{
	chancery_log_options none = CHANCERY_LOG_OPTIONS_INIT;
	replay_ctx r = { repo, NULL, cb, payload };
	git_oid start;
	int error;

	CHANCERY_ASSERT_ARG(repo && cb);
	CHANCERY_CHECK_VERSION(opts, CHANCERY_LOG_OPTIONS_VERSION);
	r.opts = opts = opts ? opts : &none;
	if ((error = replay_start(&start, repo, opts->at)) < 0)
		return error;
	return chancery__revwalk(repo->git, &start, NULL,
		GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME |
		(opts->oldest_first ? GIT_SORT_REVERSE : 0),
		"walk the history", replay_one, &r);
}

static int event_path(const chancery_file_change *c, void *payload)
{
	chancery_event *ev = payload;

	if (chancery__grow((void **)&ev->paths, &ev->apaths, ev->npaths + 1,
			sizeof(char *)) < 0)
		return CHANCERY_ENOMEM;
	if (!(ev->paths[ev->npaths] = chancery__strdup(c->path)))
		return chancery__oom();
	ev->npaths++;
	return 0;
}

/* Fill the paths the event's commit added, changed or deleted. */
static int event_paths(chancery_event *ev, chancery_repository *repo,
	git_commit *commit)
{
	git_commit *parent = NULL;
	git_tree *a = NULL, *b = NULL;
	int error;

	if ((git_commit_parentcount(commit) > 0 &&
	     (error = git_commit_parent(&parent, commit, 0)) < 0) ||
	    (parent && (error = git_commit_tree(&a, parent)) < 0) ||
	    (error = git_commit_tree(&b, commit)) < 0)
		error = chancery__git_error(error, "read the event's changes");
	else
		error = chancery__tree_diff(repo->git, a, b, event_path, ev);
	git_tree_free(a);
	git_tree_free(b);
	git_commit_free(parent);
	return error;
}

#define LOOKUP_NAMED 5 /* the matches an ambiguous lookup names */

typedef struct {
	const char *want;
	chancery_event *found;
	size_t matches;
	char named[LOOKUP_NAMED][sizeof(((chancery_event *)0)->id)];
	int error;
} lookup_ctx;

/* Any prefix of an event id, or of its commit from 7 hex digits (git's
 * shortest abbreviation): every match is counted, the first few named. */
static int lookup_cb(const chancery_event *ev, void *payload)
{
	lookup_ctx *ctx = payload;
	size_t n = strlen(ctx->want);

	if (strncmp(ev->id, ctx->want, n) &&
	    (n < 7 || strncmp(ev->commit, ctx->want, n)))
		return 0;
	if (ctx->matches < LOOKUP_NAMED)
		memcpy(ctx->named[ctx->matches], ev->id, sizeof(ev->id));
	ctx->matches++;
	if (ctx->matches > 1)
		return 0;
	/* keep a copy: the walk frees its events */
	ctx->found = chancery__calloc(1, sizeof(*ctx->found));
	if (!ctx->found) {
		ctx->error = chancery__oom();
		return 1;
	}
	{
		chancery_event *c = ctx->found;

		c->type = chancery__strdup(ev->type);
		c->subject = chancery__strdup(chancery_event_subject(ev));
		c->message = chancery__strdup(chancery_event_message(ev));
		c->author = chancery__strdup(chancery_event_author(ev));
		memcpy(c->id, ev->id, sizeof(c->id));
		memcpy(c->commit, ev->commit, sizeof(c->commit));
		c->time = ev->time;
		c->offset = ev->offset;
		if (!c->type || !c->subject || !c->message || !c->author) {
			ctx->error = chancery__oom();
			return 1;
		}
		for (size_t i = 0; i < ev->nfields; i++)
			if ((ctx->error = chancery__event_field_push(c,
					ev->keys[i], ev->values[i])) < 0)
				return 1;
	}
	return 0;
}

/* "'2004' is ambiguous: 12 events match (ID, ID, ... and 7 more)" */
static int ambiguous(const lookup_ctx *ctx)
{
	char list[LOOKUP_NAMED * 40 + 32] = "";
	size_t len = 0, shown = ctx->matches < LOOKUP_NAMED ? ctx->matches :
		LOOKUP_NAMED;

	for (size_t i = 0; i < shown; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%.32s",
			i ? ", " : "", ctx->named[i]);
	if (ctx->matches > shown)
		snprintf(list + len, sizeof(list) - len, " and %zu more",
			ctx->matches - shown);
	return chancery__error(CHANCERY_EINVALID, "'%s' is ambiguous: %zu "
		"events match (%s)", ctx->want, ctx->matches, list);
}

/* Every event matching: the index selects them by prefix. */
static int lookup_walk(chancery_repository *repo, const char *id,
	lookup_ctx *ctx)
{
	chancery_log_options none = CHANCERY_LOG_OPTIONS_INIT;
	chancery__index_query q = { &none, false, id, NULL, false };
	bool answered;
	int error = chancery__index_foreach(&answered, repo, &q, lookup_cb, ctx);

	return answered ? error : chancery__event_replay(repo, NULL, lookup_cb,
		ctx);
}

int chancery_event_lookup(chancery_event **out, chancery_repository *repo,
	const char *id)
{
	lookup_ctx ctx = { id, NULL, 0, { { 0 } }, 0 };
	git_commit *commit = NULL;
	git_oid oid;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id);
	*out = NULL;
	if (!*id || strlen(id) > 64 || !chancery__line_valid(id))
		return chancery__error(CHANCERY_EINVALID,
			"'%.64s' is not an event id", id);
	error = lookup_walk(repo, id, &ctx);
	if (ctx.error < 0) {
		error = ctx.error;
		goto done;
	}
	if (error < 0 && error != 1)
		goto done;
	if (ctx.matches > 1) {
		error = ambiguous(&ctx);
		goto done;
	}
	if (!ctx.found) {
		error = chancery__error(CHANCERY_ENOTFOUND,
			"no event '%s' in the history", id);
		goto done;
	}
	if (git_oid_fromstr(&oid, ctx.found->commit) < 0 ||
	    git_commit_lookup(&commit, repo->git, &oid) < 0) {
		error = chancery__git_error(-1, "read the event's commit");
		goto done;
	}
	if ((error = event_paths(ctx.found, repo, commit)) < 0)
		goto done;
	*out = ctx.found;
	ctx.found = NULL;
	error = 0;
done:
	git_commit_free(commit);
	chancery_event_free(ctx.found);
	return error;
}

int chancery_event_record_text(char **out, size_t *size,
	chancery_repository *repo, const chancery_event *ev)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_oid oid;
	char dir[CHANCERY__EVENT_DIR_MAX], *path = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && size && repo && ev);
	*out = NULL;
	if (!ev->id[0] || !ev->commit[0] || strlen(ev->id) < 16)
		return chancery__error(CHANCERY_EINVALID,
			"the event has no record yet");
	if (git_oid_fromstr(&oid, ev->commit) < 0 ||
	    (error = git_commit_lookup(&commit, repo->git, &oid)) < 0 ||
	    (error = git_commit_tree(&tree, commit)) < 0) {
		error = chancery__git_error(-1, "read the event's commit");
		goto done;
	}
	/* filed by day or by month, as its repository's format was then */
	if ((error = chancery__event_dir_in(dir, sizeof(dir), tree,
			ev->id)) < 0)
		goto done;
	if (!(path = chancery__sprintf("%s.txt", dir))) {
		error = chancery__oom();
		goto done;
	}
	error = chancery__tree_read(out, size, repo, tree, path);
done:
	chancery_free(path);
	git_tree_free(tree);
	git_commit_free(commit);
	return error;
}
