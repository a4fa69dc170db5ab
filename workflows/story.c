/*
 * story.c - the story of each recipient of a campaign, and its replay
 * through the workflow.
 *
 * A story is what happened to one State, in date order: the campaign's
 * events from its history (letters, send, reply, remind; an event without
 * a State field concerns every recipient only when it is a batch of
 * letters) and the registry's actions from the letter date on (deposits
 * and baseline alike). Replaying it feeds each event to the workflow
 * (wf_step) and, after the last one, lets time move the State on; the
 * state reached is what the status shows and what reminders act on.
 *
 * A treaty action counts for the campaign when it is dated after the
 * letter's day up to the event's last day, or when its deposit names the
 * campaign (`deposit --campaign`) whatever its date: only those reach the
 * workflow and its conditions, so an outcome reached after the event
 * stays what it was when later actions come (they are still in the story,
 * for the status to list).
 *
 * Invariants: events of equal date keep the order they were recorded in
 * (seq), so a replay is the same every time; the history is read as of a
 * commit when asked, so a status can be shown as it was. Left out on
 * purpose: what the events mean for letters (remind.c) and for the status
 * (status.c).
 */
#include "workflows.h"

#include <stdlib.h>
#include <string.h>

story *wf_story_of(story_ctx *x, const char *code)
{
	for (size_t i = 0; i < x->ns; i++)
		if (!strcmp(x->s[i].code, code))
			return &x->s[i];
	return NULL;
}

static int story_push(story *s, const story_event *e)
{
	if (chancery__grow((void **)&s->ev, &s->aev, s->nev + 1,
			sizeof(story_event)) < 0)
		return CHANCERY_ENOMEM;
	s->ev[s->nev++] = *e;
	return 0;
}

static char **collect_field(size_t *n, const chancery_event *ev,
	const char *key)
{
	char **v = NULL;
	size_t count = 0;

	*n = 0;
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *val;

		chancery_event_field(&k, &val, ev, i);
		if (strcmp(k, key))
			continue;
		v = chancery__realloc(v, (count + 1) * sizeof(char *));
		if (!v || !(v[count] = chancery__strdup(val)))
			return NULL;
		count++;
	}
	*n = count;
	return v;
}

/* A deposit that names the campaign, kept as "STATE TREATY ACTION DATE"
 * to mark the registry's action it recorded. */
static int named_deposit(story_ctx *x, const chancery_event *ev)
{
	const char *f[4] = { chancery_event_get(ev, "State"),
		chancery_event_get(ev, "Treaty"), chancery_event_get(ev, "Action"),
		chancery_event_get(ev, "Date") };
	char key[200], **grown;

	for (int i = 0; i < 4; i++)
		if (!f[i])
			return 0;
	snprintf(key, sizeof(key), "%s %s %s %s", f[0], f[1], f[2], f[3]);
	grown = chancery__realloc(x->named, (x->nnamed + 1) * sizeof(char *));
	if (!grown)
		return chancery__oom();
	x->named = grown;
	if (!(x->named[x->nnamed] = chancery__strdup(key)))
		return chancery__oom();
	x->nnamed++;
	return 0;
}

static bool is_named(const story_ctx *x, const chancery_action *a)
{
	char key[200], d[11];

	chancery_date_format(d, sizeof(d), &a->date);
	snprintf(key, sizeof(key), "%s %s %s %s", a->state, a->treaty,
		a->action, d);
	for (size_t i = 0; i < x->nnamed; i++)
		if (!strcmp(x->named[i], key))
			return true;
	return false;
}

/* The story field `i` of `ev` names when it is the first State field
 * naming it (an event that names a State twice is in its story once). */
static story *named_story(story_ctx *x, const chancery_event *ev, size_t i)
{
	const char *k, *v, *k2, *v2;

	chancery_event_field(&k, &v, ev, i);
	if (strcmp(k, "State"))
		return NULL;
	for (size_t j = 0; j < i; j++) {
		chancery_event_field(&k2, &v2, ev, j);
		if (!strcmp(k2, "State") && !strcmp(v2, v))
			return NULL;
	}
	return wf_story_of(x, v);
}

static int story_cb(const chancery_event *ev, void *payload)
{
	story_ctx *x = payload;
	const char *type = chancery_event_type(ev);
	story_event e;
	bool all = true;

	memset(&e, 0, sizeof(e));
	if (!strcmp(type, "deposit"))
		return (x->error = named_deposit(x, ev)) < 0;
	if (!strcmp(type, "letters"))
		e.kind = EV_LETTERS;
	else if (!strcmp(type, "send"))
		e.kind = EV_SEND;
	else if (!strcmp(type, "reply"))
		e.kind = EV_REPLY;
	else if (!strcmp(type, "remind"))
		e.kind = EV_REMIND;
	else
		return 0;
	chancery_event_date(&e.date, ev);
	e.seq = x->seq++;
	/* a batch of letters without State fields concerns everyone; any
	 * other event only the States it names */
	all = e.kind == EV_LETTERS;
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *v;

		chancery_event_field(&k, &v, ev, i);
		if (!strcmp(k, "State"))
			all = false;
	}
	if (e.kind == EV_REMIND) {
		/* "Acknowledges: CODE YYYY-MM-DD" marks a reply acknowledged */
		for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
			const char *k, *v;
			story *s;
			chancery_date d;

			chancery_event_field(&k, &v, ev, i);
			if (strcmp(k, "Acknowledges") || strlen(v) != 14)
				continue;
			if (!(s = wf_story_of(x, (char[4]){ v[0], v[1], v[2], 0 })) ||
			    chancery_date_parse(&d, v + 4) < 0)
				continue;
			chancery_error_clear();
			for (size_t k2 = 0; k2 < s->nev; k2++)
				if (s->ev[k2].kind == EV_REPLY &&
				    !chancery_date_cmp(&s->ev[k2].date, &d))
					s->ev[k2].acknowledged = true;
		}
	}
	for (size_t r = 0; r < (all ? x->ns : chancery_event_field_count(ev));
			r++) {
		story *s = all ? &x->s[r] : named_story(x, ev, r);

		if (!s)
			continue;
		if (e.kind == EV_REPLY) {
			const char *late = chancery_event_get(ev, "Late");
			const char *none = chancery_event_get(ev, "None");

			e.late = late && !strcmp(late, "yes");
			e.none = none && !strcmp(none, "yes");
			e.intends = collect_field(&e.nintends, ev, "Intends");
			e.withdraws = collect_field(&e.nwithdraws, ev, "Withdraws");
		}
		if ((x->error = story_push(s, &e)) < 0)
			return 1;
		memset(&e.intends, 0, sizeof(e.intends));
		e.intends = NULL;
		e.withdraws = NULL;
	}
	return 0;
}

static int cmp_story_event(const void *a, const void *b)
{
	const story_event *x = a, *y = b;
	int c = chancery_date_cmp(&x->date, &y->date);

	return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

void wf_stories_free(story_ctx *x)
{
	for (size_t i = 0; i < x->ns; i++) {
		for (size_t k = 0; k < x->s[i].nev; k++) {
			story_event *e = &x->s[i].ev[k];

			for (size_t j = 0; j < e->nintends; j++)
				chancery_free(e->intends[j]);
			for (size_t j = 0; j < e->nwithdraws; j++)
				chancery_free(e->withdraws[j]);
			chancery_free(e->intends);
			chancery_free(e->withdraws);
		}
		chancery_free(x->s[i].ev);
	}
	chancery_free(x->s);
	for (size_t i = 0; i < x->nnamed; i++)
		chancery_free(x->named[i]);
	chancery_free(x->named);
}

int wf_stories_load(story_ctx *sx, chancery_repository *repo,
	const context *x, const char *at, const char *only)
{
	chancery_log_options lo = CHANCERY_LOG_OPTIONS_INIT;
	int error;

	memset(sx, 0, sizeof(*sx));
	sx->campaign = x->c.id;
	sx->s = chancery__calloc(x->nrec ? x->nrec : 1, sizeof(story));
	if (!sx->s)
		return chancery__oom();
	for (size_t i = 0; i < x->nrec; i++)
		if (!only || !strcmp(x->recipients[i], only))
			sx->s[sx->ns++].code = x->recipients[i];
	lo.campaign = x->c.id;
	lo.oldest_first = 1;
	lo.at = at;
	/* one State's story needs only the events that may concern it (an
	 * indexed lookup): story_cb narrows them exactly as it does all */
	error = only ? chancery__event_foreach_effective_about(repo, &lo, only,
		true, story_cb, sx) : chancery_event_foreach_effective(repo, &lo,
		story_cb, sx);
	if (sx->error < 0)
		return sx->error;
	if (error < 0)
		return error;
	/* what each State did from the letter on: the registry's actions,
	 * deposits and baseline alike */
	for (size_t k = 0; k < chancery_registry_action_count(x->reg); k++) {
		const chancery_action *a = chancery_registry_action(x->reg, k);
		story *st;
		story_event e;

		if (chancery_date_cmp(&a->date, &x->c.letter_date) < 0 ||
		    chancery_registry_action_classify(a->action) == CHANCERY_ACTION_OTHER ||
		    !(st = wf_story_of(sx, a->state)))
			continue;
		memset(&e, 0, sizeof(e));
		e.kind = EV_DEPOSIT;
		e.date = a->date;
		e.act = a;
		e.counts = (chancery_date_cmp(&a->date, &x->c.letter_date) > 0 &&
			chancery_date_cmp(&a->date, &x->c.event_end) <= 0) ||
			is_named(sx, a);
		e.seq = sx->seq++;
		if ((error = story_push(st, &e)) < 0)
			return error;
	}
	for (size_t i = 0; i < sx->ns; i++)
		if (sx->s[i].nev > 1) /* qsort(NULL, 0) is undefined */
			qsort(sx->s[i].ev, sx->s[i].nev, sizeof(story_event),
				cmp_story_event);
	return 0;
}

size_t wf_intentions_of(char ***out, const story *s,
	const chancery_date *as_of)
{
	char **list = NULL;
	size_t n = 0;

	for (size_t k = 0; k < s->nev; k++) {
		const story_event *e = &s->ev[k];

		if (e->kind != EV_REPLY || (as_of && chancery_date_cmp(&e->date, as_of) > 0))
			continue;
		for (size_t j = 0; j < e->nwithdraws; j++)
			for (size_t i = 0; i < n; i++)
				if (!strcmp(list[i], e->withdraws[j])) {
					list[i] = list[--n];
					break;
				}
		for (size_t j = 0; j < e->nintends; j++) {
			bool dup = false;

			for (size_t i = 0; i < n; i++)
				if (!strcmp(list[i], e->intends[j]))
					dup = true;
			if (dup)
				continue;
			list = chancery__realloc(list, (n + 1) * sizeof(char *));
			if (!list)
				return 0;
			list[n++] = e->intends[j];
		}
	}
	*out = list;
	return n;
}

const story_event *wf_done_by(const story *s, const char *intent,
	const chancery_date *as_of)
{
	for (size_t k = 0; k < s->nev; k++)
		if (s->ev[k].kind == EV_DEPOSIT && s->ev[k].counts &&
		    wf_intention_fulfilled(intent, s->ev[k].act) &&
		    chancery_date_cmp(&s->ev[k].date, as_of) <= 0)
			return &s->ev[k];
	return NULL;
}

/* The facts of the day: intentions done, actions that count. */
static void count_done(wf_facts *f, const story *s, char **cur, size_t ncur,
	const chancery_date *as_of)
{
	f->done = 0;
	f->deposits = 0;
	for (size_t i = 0; i < ncur; i++)
		f->done += wf_done_by(s, cur[i], as_of) != NULL;
	for (size_t k = 0; k < s->nev; k++)
		f->deposits += s->ev[k].kind == EV_DEPOSIT && s->ev[k].counts &&
			chancery_date_cmp(&s->ev[k].date, as_of) <= 0;
}

/* A time step for the callback, dated the first day its guards held (the
 * last event's day when no guard says; never after as_of); *last moves to
 * it. The replay takes time steps after the last event only, so this day
 * can come before that event's. */
static void each_time(chancery_date *last, const wf_transition *tr, long t,
	const wf_dates *dates, const chancery_date *as_of,
	void (*each)(story_event *e, long t, void *p), void *p)
{
	story_event te;
	chancery_date since;

	memset(&te, 0, sizeof(te));
	te.kind = EV_TIME;
	te.date = wf_guard_since(&since, tr, dates) ? since : *last;
	if (chancery_date_cmp(&te.date, as_of) > 0)
		te.date = *as_of;
	*last = te.date;
	each(&te, t, p);
}

size_t wf_replay(const chancery_workflow *w, story *s, const wf_dates *dates,
	const chancery_date *as_of, char **cur, size_t ncur,
	void (*each)(story_event *e, long t, void *p), void *p)
{
	wf_facts f;
	size_t state = 0;
	chancery_date last = dates->letter;

	memset(&f, 0, sizeof(f));
	f.announced = ncur;
	for (size_t k = 0; k < s->nev; k++) {
		story_event *ev = &s->ev[k];
		const char *name = ev->kind == EV_LETTERS ? "letter" :
			ev->kind == EV_SEND ? "send" :
			ev->kind == EV_REPLY ? "reply" :
			ev->kind == EV_DEPOSIT ? "deposit" : "remind";
		long t;

		if (chancery_date_cmp(&ev->date, as_of) > 0)
			continue;
		f.today = &ev->date;
		f.received = ev->kind == EV_REPLY ? &ev->date : NULL;
		f.deposited = ev->kind == EV_DEPOSIT ? &ev->date : NULL;
		count_done(&f, s, cur, ncur, &ev->date);
		t = ev->kind == EV_DEPOSIT && !ev->counts ? -1 :
			wf_step(w, state, name, dates, &f);
		if (t >= 0)
			state = wf_transition_at(w, (size_t)t)->to;
		if (each)
			each(ev, t, p);
		last = ev->date;
	}
	f.today = as_of;
	f.received = NULL;
	f.deposited = NULL;
	count_done(&f, s, cur, ncur, as_of);
	for (int guard = 0; guard < 32; guard++) {
		long t = wf_step(w, state, "time", dates, &f);
		const wf_transition *tr;

		if (t < 0 || (tr = wf_transition_at(w, (size_t)t))->to == state)
			break;
		if (each)
			each_time(&last, tr, t, dates, as_of, each, p);
		state = tr->to;
	}
	return state;
}

int wf_campaign_workflow(chancery_workflow **out, wf_dates *dates,
	chancery_repository *repo, const chancery_tree *tree, const char *id,
	const context *x)
{
	char *xml = NULL, path[200];
	size_t size;
	int error;

	*out = NULL;
	snprintf(path, sizeof(path), "campaigns/%s/workflow.xml", id);
	if ((error = wf_tree_read(&xml, &size, repo, tree, path)) == 0)
		error = chancery_workflow_load(out, path, xml, size, NULL, NULL);
	chancery_free(xml);
	dates->letter = x->c.letter_date;
	dates->deadline = x->c.deadline;
	dates->event_start = x->c.event_start;
	dates->event_end = x->c.event_end;
	return error;
}
