/*
 * event_effective.c - the effective events of a history: what stands once
 * corrections are taken into account. Nothing recorded is ever rewritten:
 * an event recorded in error is voided by a later `void` event (trailer
 * Voids: ID), a reply recorded wrongly is replaced by a later reply that
 * corrects it (trailer Corrects: ID). Both stay in history; this file
 * tells who stands.
 *
 * The rule, over the history up to the walk's start (the head, or `at`):
 *   - an event named by the Voids field of a void event is voided;
 *   - an event named by the Corrects field of a reply that is not itself
 *     voided is corrected (voiding a correction lets the original stand);
 *   - the effective events are all the others, in history order.
 * Voids are never voided (recording and the commit check refuse it), so
 * one pass collecting the voids, then the corrections, decides every event.
 *
 * Invariant: the filtering is done here once; the workflows' stories, the
 * tool's log and the archive's history read it through
 * chancery_event_foreach_effective() and chancery_corrections_*().
 * Left out: deposits voided are also dropped from participation, but that
 * is the archive's marker file (archive/void.c, archive/entry.c), read from
 * the tree, not from this walk.
 */
#include "index_int.h"
#include "store.h"

#include <assert.h>
#include <string.h>

typedef struct {
	char *target;   /* the id voided or corrected */
	char *by;       /* the void's or correction's id */
	char *reason;   /* its Reason field, or "" */
	bool voids;     /* a void (else a correction) */
} fate;

struct chancery_corrections {
	fate *f;
	size_t n, a;
	const fate **by_target; /* f's entries by target, then by place */
};

void chancery_corrections_free(chancery_corrections *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		chancery_free(c->f[i].target);
		chancery_free(c->f[i].by);
		chancery_free(c->f[i].reason);
	}
	chancery_free(c->f);
	chancery_free(c->by_target);
	chancery_free(c);
}

static int fate_push(chancery_corrections *c, const char *target,
	const char *reason, const char *by, bool voids)
{
	fate *f;

	if (chancery__grow((void **)&c->f, &c->a, c->n + 1, sizeof(*c->f)) < 0)
		return CHANCERY_ENOMEM;
	f = &c->f[c->n];
	f->target = chancery__strdup(target);
	f->by = chancery__strdup(by);
	f->reason = chancery__strdup(reason);
	f->voids = voids;
	c->n++;
	if (!f->target || !f->by || !f->reason)
		return chancery__oom();
	return 0;
}

bool chancery__event_fate(const char **target, const char **reason,
	bool *voids, const chancery_event *ev)
{
	const char *type = chancery_event_type(ev);
	const char *v = chancery_event_get(ev, "Voids");
	const char *k = chancery_event_get(ev, "Corrects");
	const char *r = chancery_event_get(ev, "Reason");

	*reason = r ? r : "";
	if (!strcmp(type, "void") && v) {
		*target = v;
		*voids = true;
		return true;
	}
	if (!strcmp(type, "reply") && k) {
		*target = k;
		*voids = false;
		return true;
	}
	return false;
}

static int collect_cb(const chancery_event *ev, void *payload)
{
	const char *target, *reason;
	bool voids;

	if (!chancery__event_fate(&target, &reason, &voids, ev))
		return 0;
	return fate_push(payload, target, reason, chancery_event_id(ev),
		voids);
}

/* ---- the fates by target ------------------------------------------------ */

static int cmp_by_target(const void *a, const void *b)
{
	const fate *x = *(const fate *const *)a, *y = *(const fate *const *)b;
	int c = strcmp(x->target, y->target);

	/* x and y point into one array: their order is history's */
	return c ? c : (x < y ? -1 : x > y);
}

/* Sort once, so that a walk asks each event's fate in O(log n): with a
 * scan, a walk of E events over C fates cost E * C comparisons. */
static int index_fates(chancery_corrections *c)
{
	if (c->n == 0)
		return 0;
	if (!(c->by_target = chancery__calloc(c->n, sizeof(*c->by_target))))
		return chancery__oom();
	for (size_t i = 0; i < c->n; i++)
		c->by_target[i] = &c->f[i];
	qsort(c->by_target, c->n, sizeof(*c->by_target), cmp_by_target);
	return 0;
}

/* The fates of `id`: c->by_target[*first .. *first + return). */
static size_t fates_of(size_t *first, const chancery_corrections *c,
	const char *id)
{
	size_t lo = 0, hi = c->n, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->by_target[mid]->target, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < c->n && !strcmp(c->by_target[end]->target, id);
	     end++)
		;
	*first = lo;
	return end - lo;
}

/* The first fate in history of `id` that voids (or corrects) it. */
static const fate *fate_of(const chancery_corrections *c, const char *id,
	bool voids)
{
	size_t first, n = id ? fates_of(&first, c, id) : 0;

	for (size_t k = 0; k < n; k++)
		if (c->by_target[first + k]->voids == voids)
			return c->by_target[first + k];
	return NULL;
}

/* The voids and corrections of the history: from the index, only the
 * events with a Voids or Corrects field are read. */
static int collect(chancery_repository *repo, const chancery_log_options *lo,
	chancery_corrections *c)
{
	chancery__index_query q = { lo, true, NULL, NULL, false };
	bool answered;
	int error = chancery__index_foreach(&answered, repo, &q, collect_cb, c);

	return answered ? error : chancery__event_replay(repo, lo, collect_cb,
		c);
}

int chancery_corrections_load(chancery_corrections **out,
	chancery_repository *repo, const char *at)
{
	chancery_log_options lo = CHANCERY_LOG_OPTIONS_INIT;
	chancery_corrections *c;
	int error;

	CHANCERY_ASSERT_ARG(out && repo);
	*out = NULL;
	if (!(c = chancery__calloc(1, sizeof(*c))))
		return chancery__oom();
	lo.at = at;
	lo.oldest_first = 1;
	if ((error = collect(repo, &lo, c)) == 0)
		error = index_fates(c);
	if (error < 0) {
		chancery_corrections_free(c);
		return error;
	}
	*out = c;
	return 0;
}

const char *chancery_corrections_of(const chancery_corrections *c,
	const char *id, int *voided, const char **reason)
{
	const fate *f;

	if (voided)
		*voided = 0;
	if (reason)
		*reason = NULL;
	if (!c || !id)
		return NULL;
	if ((f = fate_of(c, id, true)) == NULL) {
		/* the latest correction that is not voided */
		size_t first, n = fates_of(&first, c, id);

		for (size_t k = n; k-- > 0;) {
			const fate *g = c->by_target[first + k];

			if (!g->voids && !fate_of(c, g->by, true)) {
				f = g;
				break;
			}
		}
	}
	if (voided)
		*voided = f && f->voids;
	if (reason)
		*reason = f ? f->reason : NULL;
	return f ? f->by : NULL;
}

typedef struct {
	const chancery_corrections *c;
	chancery_event_cb cb;
	void *payload;
} effective_ctx;

static int effective_cb(const chancery_event *ev, void *payload)
{
	effective_ctx *x = payload;

	if (chancery_corrections_of(x->c, chancery_event_id(ev), NULL, NULL))
		return 0;
	return x->cb(ev, x->payload);
}

/* The effective events of the walk of `opts`, about `subject` when it is
 * not NULL. */
static int effective_walk(chancery_repository *repo,
	const chancery_log_options *opts, const char *subject, bool state,
	chancery_event_cb cb, void *payload)
{
	chancery_corrections *c = NULL;
	effective_ctx x;
	int error;

	if ((error = chancery_corrections_load(&c, repo,
			opts ? opts->at : NULL)) < 0)
		return error;
	x.c = c;
	x.cb = cb;
	x.payload = payload;
	error = subject ? chancery__event_foreach_about(repo, opts, subject,
		state, effective_cb, &x) : chancery_event_foreach(repo, opts,
		effective_cb, &x);
	chancery_corrections_free(c);
	return error;
}

int chancery_event_foreach_effective(chancery_repository *repo,
	const chancery_log_options *opts, chancery_event_cb cb, void *payload)
{
	CHANCERY_ASSERT_ARG(repo && cb);
	CHANCERY_CHECK_VERSION(opts, CHANCERY_LOG_OPTIONS_VERSION);
	return effective_walk(repo, opts, NULL, false, cb, payload);
}

int chancery__event_foreach_effective_about(chancery_repository *repo,
	const chancery_log_options *opts, const char *subject, bool state,
	chancery_event_cb cb, void *payload)
{
	assert(repo && subject && cb);
	return effective_walk(repo, opts, subject, state, cb, payload);
}
