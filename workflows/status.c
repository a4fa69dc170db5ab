/*
 * status.c - the status of a campaign as of a date, as JSON text
 * (docs/status-format.md, "version": 1): each recipient's workflow state,
 * name, letter, dispatch, replies, intentions (and the deposit that carried
 * each out), reminders, actions and story (each event and time step with
 * the state it led to); totals; the event in numbers; the workflow's
 * states.
 *
 * Invariants: the status is computed from the repository alone (as of a
 * commit when asked), so it can be shown again as it was; nothing is
 * written. Output keys keep their order (JSON_PRESERVE_ORDER) so the text
 * is stable. Left out on purpose: any rendering for people (the tool makes
 * tables and HTML of this JSON).
 */
#include "workflows.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *jdate(const chancery_date *d)
{
	char b[11];

	chancery_date_format(b, sizeof(b), d);
	return json_string(b);
}

/* What the status shows of each event up to its day. */
typedef struct {
	json_t **sent;
	json_t *reminders;
	json_t *replies;
	json_t **reply;
	json_t *story;
	const chancery_workflow *w;
} status_scan;

/* What a reply said, as the tool takes it: "ratify:XVIII-10
 * -sign:IV-11-b" (a '-' withdraws), or "none". */
static json_t *reply_detail(const story_event *ev)
{
	char buf[2000];
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ev->nintends + ev->nwithdraws; i++) {
		bool out = i >= ev->nintends;
		const char *v = out ? ev->withdraws[i - ev->nintends] :
			ev->intends[i];
		const char *sp = strchr(v, ' ');
		int k;

		if (!sp)
			continue;
		k = snprintf(buf + n, sizeof(buf) - n, "%s%s%.*s:%s",
			n ? " " : "", out ? "-" : "", (int)(sp - v), v, sp + 1);
		if (k < 0 || (size_t)k >= sizeof(buf) - n)
			break;
		n += (size_t)k;
	}
	return json_string(n ? buf : ev->none ? "none" : "");
}

/* One step of the story: the event, its day, what it was, where it led
 * (null: the state did not change). */
static void story_step(status_scan *sc, const story_event *ev, long t)
{
	static const char *const names[] = { "letters", "send", "reply",
		"remind", "deposit", "time" };
	json_t *it = json_object();
	char what[200];

	json_object_set_new(it, "date", jdate(&ev->date));
	json_object_set_new(it, "event", json_string(names[ev->kind]));
	if (ev->kind == EV_REPLY)
		json_object_set_new(it, "detail", reply_detail(ev));
	if (ev->kind == EV_DEPOSIT) {
		snprintf(what, sizeof(what), "%s %s", ev->act->action,
			ev->act->treaty);
		json_object_set_new(it, "detail", json_string(what));
		json_object_set_new(it, "counts", json_boolean(ev->counts));
	}
	json_object_set_new(it, "to", t < 0 ? json_null() :
		json_string(chancery_workflow_state(sc->w,
			wf_transition_at(sc->w, (size_t)t)->to)));
	json_array_append_new(sc->story, it);
}

/* The story in date order: the replay takes its time steps after the
 * last event, dated the first day their guards held (the deadline passed
 * before a deposit during the event); equal dates keep replay order. */
typedef struct {
	const char *date;
	size_t i;
	json_t *v;
} story_item;

static int cmp_story_item(const void *a, const void *b)
{
	const story_item *x = a, *y = b;
	int c = strcmp(x->date, y->date);

	return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

static int sort_story(json_t *list)
{
	size_t n = json_array_size(list);
	story_item *it = chancery__calloc(n ? n : 1, sizeof(*it));

	if (!it)
		return chancery__oom();
	for (size_t i = 0; i < n; i++) {
		it[i].v = json_incref(json_array_get(list, i));
		it[i].date = json_string_value(json_object_get(it[i].v, "date"));
		it[i].i = i;
	}
	qsort(it, n, sizeof(*it), cmp_story_item);
	json_array_clear(list);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, it[i].v);
	chancery_free(it);
	return 0;
}

static void collect_status(story_event *ev, long t, void *p)
{
	status_scan *sc = p;

	story_step(sc, ev, t);
	if (ev->kind == EV_SEND) {
		json_decref(*sc->sent);
		*sc->sent = jdate(&ev->date);
	}
	if (ev->kind == EV_REMIND)
		json_array_append_new(sc->reminders, jdate(&ev->date));
	if (ev->kind == EV_REPLY) {
		json_t *rj = json_object();

		json_object_set_new(rj, "received", jdate(&ev->date));
		json_object_set_new(rj, "on_time", json_boolean(!ev->late));
		json_array_append(sc->replies, rj);
		json_decref(*sc->reply);
		*sc->reply = rj;
	}
}

static void bump(json_t *o, const char *key)
{
	json_t *c = json_object_get(o, key);

	json_object_set_new(o, key, json_integer(c ? json_integer_value(c) + 1 : 1));
}

/*
 * The event in numbers, up to as_of: every action dated within the event
 * (whatever the treaty and State) by day, type and State, and for each
 * featured treaty its parties the day before the event and at its end.
 */
static int event_numbers(json_t *root, const context *x,
	const chancery_date *as_of)
{
	json_t *ev = json_object(), *day = json_object(), *type = json_object(),
		*state = json_object(), *parties = json_object();
	chancery_date before = x->c.event_start, end = x->c.event_end;
	size_t total = 0;

	if (!ev || !day || !type || !state || !parties) {
		json_decref(ev);
		json_decref(day);
		json_decref(type);
		json_decref(state);
		json_decref(parties);
		return chancery__oom();
	}
	if (chancery_date_cmp(as_of, &end) < 0)
		end = *as_of;
	before = x->c.event_start;
	(void)chancery_date_add_days(&before, &x->c.event_start, -1);
	for (size_t k = 0; k < chancery_registry_action_count(x->reg); k++) {
		const chancery_action *a = chancery_registry_action(x->reg, k);
		char d[11];

		if (chancery_date_cmp(&a->date, &x->c.event_start) < 0 ||
		    chancery_date_cmp(&a->date, &end) > 0)
			continue;
		chancery_date_format(d, sizeof(d), &a->date);
		bump(day, d);
		bump(type, a->action);
		bump(state, a->state);
		total++;
	}
	for (size_t i = 0; i < x->nfeat; i++) {
		json_t *p = json_object();
		size_t nb = 0, na = 0;

		for (int when = 0; when < 2; when++) {
			chancery_participation *list = NULL;
			size_t n = 0, parties_n = 0;

			if (chancery_registry_parties(&list, &n, x->reg,
					x->featured[i], when ? &end : &before) < 0) {
				chancery_error_clear();
				continue;
			}
			for (size_t k = 0; k < n; k++)
				parties_n += list[k].status == CHANCERY_STATUS_PARTY;
			chancery_free(list);
			*(when ? &na : &nb) = parties_n;
		}
		json_object_set_new(p, "before", json_integer((json_int_t)nb));
		json_object_set_new(p, "after", json_integer((json_int_t)na));
		json_object_set_new(parties, x->featured[i], p);
	}
	json_object_set_new(ev, "start", jdate(&x->c.event_start));
	json_object_set_new(ev, "end", jdate(&x->c.event_end));
	json_object_set_new(ev, "actions", json_integer((json_int_t)total));
	json_object_set_new(ev, "states", json_integer(
		(json_int_t)json_object_size(state)));
	json_object_set_new(ev, "actions_by_day", day);
	json_object_set_new(ev, "actions_by_type", type);
	json_object_set_new(ev, "actions_by_state", state);
	json_object_set_new(ev, "parties", parties);
	json_object_set_new(root, "event", ev);
	return 0;
}

/* Totals over the recipients. */
typedef struct {
	size_t sent, replied, on_time, late, reminded;
	json_t *counts;    /* workflow state -> recipients in it */
} status_totals;

/* intentions: each current intention and the deposit that did it. */
static json_t *intentions_json(const story *s, char **cur, size_t ncur,
	const chancery_date *as_of)
{
	json_t *intents = json_array();

	for (size_t i = 0; intents && i < ncur; i++) {
		json_t *it = json_object();
		const char *sp = strchr(cur[i], ' ');
		const story_event *done = wf_done_by(s, cur[i], as_of);

		json_object_set_new(it, "treaty", json_string(sp ? sp + 1 : cur[i]));
		json_object_set_new(it, "action", json_stringn(cur[i],
			sp ? (size_t)(sp - cur[i]) : strlen(cur[i])));
		json_object_set_new(it, "done", done ?
			jdate(&done->date) : json_null());
		json_array_append_new(intents, it);
	}
	return intents;
}

/* actions: what the State deposited from the letter date to as_of. */
static json_t *actions_json(const story *s, const chancery_date *as_of)
{
	json_t *actions = json_array();

	for (size_t i = 0; actions && i < s->nev; i++) {
		const story_event *d = &s->ev[i];
		json_t *it;

		if (d->kind != EV_DEPOSIT ||
		    chancery_date_cmp(&d->date, as_of) > 0)
			continue;
		it = json_object();
		json_object_set_new(it, "treaty", json_string(d->act->treaty));
		json_object_set_new(it, "action", json_string(d->act->action));
		json_object_set_new(it, "date", jdate(&d->date));
		json_array_append_new(actions, it);
	}
	return actions;
}

static void count_state(status_totals *t, const char *sn, json_t *jsent,
	json_t *reply, json_t *replies, json_t *reminders)
{
	json_t *c = json_object_get(t->counts, sn);

	t->sent += !json_is_null(jsent);
	if (!json_is_null(reply)) {
		t->replied++;
		if (json_is_true(json_object_get(json_array_get(replies, 0),
				"on_time")))
			t->on_time++;
		else
			t->late++;
	}
	t->reminded += json_array_size(reminders) > 0;
	json_object_set_new(t->counts, sn, json_integer(
		(c ? json_integer_value(c) : 0) + 1));
}

/* One recipient's entry of "states", counted into `t`. */
static int state_status(json_t *states, status_totals *t,
	const context *x, const chancery_workflow *w, const wf_dates *dates,
	story *s, const chancery_date *as_of)
{
	const chancery_state *st = chancery_registry_state_find(x->reg, s->code);
	json_t *e = json_object(), *reminders = json_array(),
		*replies = json_array(), *letter = json_object(),
		*reply = json_null(), *jsent = json_null(), *intents, *actions,
		*jstory = json_array();
	status_scan sc = { &jsent, reminders, replies, &reply, jstory, w };
	char **cur = NULL, ref[120];
	size_t ncur, state;
	const char *sn;

	if (!e || !reminders || !replies || !letter || !jstory) {
		json_decref(e);
		json_decref(reminders);
		json_decref(replies);
		json_decref(letter);
		json_decref(jstory);
		return chancery__oom();
	}
	ncur = wf_intentions_of(&cur, s, as_of);
	state = wf_replay(w, s, dates, as_of, cur, ncur, collect_status, &sc);
	intents = intentions_json(s, cur, ncur, as_of);
	if (sort_story(jstory) < 0) {
		json_decref(intents);
		intents = NULL;
	}
	chancery_free(cur);
	actions = actions_json(s, as_of);
	if (!intents || !actions) {
		json_t *all[] = { e, reminders, replies, letter, reply, jsent,
			intents, actions, jstory };

		for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++)
			json_decref(all[i]);
		return chancery__oom();
	}
	/* the current letter's: a superseding letter has its own */
	wf_reference_nth(ref, sizeof(ref), x->c.id, s->code,
		wf_letter_of(x, s->code));
	json_object_set_new(letter, "reference", json_string(ref));
	json_object_set_new(letter, "language",
		json_string(st ? st->language : "en"));
	sn = chancery_workflow_state(w, state);
	json_object_set_new(e, "code", json_string(s->code));
	json_object_set_new(e, "name", json_string(st ? st->name : ""));
	json_object_set_new(e, "workflow_state", json_string(sn));
	json_object_set_new(e, "final", json_boolean(
		chancery_workflow_state_is_final(w, state)));
	json_object_set_new(e, "letter", letter);
	json_object_set_new(e, "sent", jsent);
	json_object_set_new(e, "reply", reply);
	json_object_set_new(e, "replies", replies);
	json_object_set_new(e, "intentions", intents);
	json_object_set_new(e, "reminders", reminders);
	json_object_set_new(e, "actions", actions);
	json_object_set_new(e, "story", jstory);
	json_array_append_new(states, e);
	count_state(t, sn, jsent, reply, replies, reminders);
	return 0;
}

static json_t *totals_json(const status_totals *t, size_t recipients)
{
	json_t *totals = json_object();

	if (!totals)
		return NULL;
	json_object_set_new(totals, "recipients", json_integer((json_int_t)recipients));
	json_object_set_new(totals, "sent", json_integer((json_int_t)t->sent));
	json_object_set_new(totals, "replied", json_integer((json_int_t)t->replied));
	json_object_set_new(totals, "on_time", json_integer((json_int_t)t->on_time));
	json_object_set_new(totals, "late", json_integer((json_int_t)t->late));
	json_object_set_new(totals, "no_reply",
		json_integer((json_int_t)(recipients - t->replied)));
	json_object_set_new(totals, "reminded", json_integer((json_int_t)t->reminded));
	json_object_set_new(totals, "workflow_states", json_incref(t->counts));
	return totals;
}

/* Every state of the workflow, in its order, and whether it is final. */
static json_t *workflow_states(const chancery_workflow *w)
{
	json_t *list = json_array();

	for (size_t i = 0; list && i < chancery_workflow_state_count(w); i++) {
		json_t *it = json_object();

		json_object_set_new(it, "name", json_string(
			chancery_workflow_state(w, i)));
		json_object_set_new(it, "final", json_boolean(
			chancery_workflow_state_is_final(w, i)));
		json_array_append_new(list, it);
	}
	return list;
}

/* version and campaign: what the campaign is. */
static void campaign_status(json_t *root, const campaign *cp,
	const chancery_workflow *w)
{
	json_t *c = json_object(), *ev = json_object();

	json_object_set_new(c, "id", json_string(cp->id));
	json_object_set_new(c, "title", json_string(cp->title));
	json_object_set_new(c, "workflow", json_string(chancery_workflow_name(w)));
	json_object_set_new(c, "workflow_states", workflow_states(w));
	json_object_set_new(c, "letter_date", jdate(&cp->letter_date));
	json_object_set_new(c, "deadline", jdate(&cp->deadline));
	json_object_set_new(ev, "start", jdate(&cp->event_start));
	json_object_set_new(ev, "end", jdate(&cp->event_end));
	json_object_set_new(c, "event", ev);
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "campaign", c);
}

/* The tree of commit `at` (any revision git understands). */
static int tree_at(chancery_tree **tree, chancery_repository *repo,
	const char *at)
{
	chancery_oid id;

	if (chancery__revparse(&id, repo, at) < 0 ||
	    chancery__tree_of(tree, repo, &id) < 0) {
		chancery_error_clear();
		return chancery__error(CHANCERY_ENOTFOUND,
			"no commit '%.60s'", at);
	}
	return 0;
}

/* The whole document, once the campaign, its workflow and its stories
 * are loaded. */
static int status_json(json_t **out, const context *x,
	const chancery_workflow *w, const wf_dates *dates, story_ctx *sx,
	const chancery_date *as_of, const char *at)
{
	status_totals t = { 0, 0, 0, 0, 0, json_object() };
	json_t *root = json_object(), *states = json_array(), *totals = NULL;
	int error = 0;

	*out = NULL;
	if (!root || !states || !t.counts) {
		error = chancery__oom();
		goto done;
	}
	for (size_t r = 0; r < sx->ns; r++)
		if ((error = state_status(states, &t, x, w, dates, &sx->s[r],
				as_of)) < 0)
			goto done;
	if (!(totals = totals_json(&t, sx->ns))) {
		error = chancery__oom();
		goto done;
	}
	campaign_status(root, &x->c, w);
	json_object_set_new(root, "as_of", jdate(as_of));
	if ((error = event_numbers(root, x, as_of)) < 0)
		goto done;
	if (at)
		json_object_set_new(root, "at", json_string(at));
	json_object_set_new(root, "totals", totals);
	totals = NULL;
	json_object_set_new(root, "states", states);
	states = NULL;
	*out = root;
	root = NULL;
done:
	json_decref(root);
	json_decref(states);
	json_decref(totals);
	json_decref(t.counts);
	return error;
}

int chancery_campaign_status(char **out, chancery_repository *repo,
	const char *id, const chancery_date *as_of_in)
{
	return chancery_campaign_status_at(out, repo, id, as_of_in, NULL);
}

int chancery_campaign_status_at(char **out, chancery_repository *repo,
	const char *id, const chancery_date *as_of_in, const char *at)
{
	chancery_tree *tree = NULL;
	context x;
	story_ctx sx;
	chancery_workflow *w = NULL;
	chancery_date as_of;
	wf_dates dates;
	json_t *root = NULL;
	char *s;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id);
	*out = NULL;
	memset(&sx, 0, sizeof(sx));
	memset(&x, 0, sizeof(x));
	if (as_of_in)
		as_of = *as_of_in;
	else
		chancery_date_from_time(&as_of, (int64_t)time(NULL));
	if ((at && (error = tree_at(&tree, repo, at)) < 0) ||
	    (error = wf_context_load(&x, repo, tree, id)) < 0 ||
	    (error = wf_campaign_workflow(&w, &dates, repo, tree, id, &x)) < 0 ||
	    (error = wf_stories_load(&sx, repo, &x, at, NULL)) < 0 ||
	    (error = status_json(&root, &x, w, &dates, &sx, &as_of, at)) < 0)
		goto done;
	if (!(s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER))) {
		error = chancery__oom();
		goto done;
	}
	*out = chancery__strdup(s);
	free(s);
	if (!*out)
		error = chancery__oom();
done:
	chancery__tree_free(tree);
	json_decref(root);
	chancery_workflow_free(w);
	wf_stories_free(&sx);
	wf_context_free(&x);
	return error;
}
