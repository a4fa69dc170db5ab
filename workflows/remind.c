/*
 * remind.c - what the workflow says is due on a day: a reminder to each
 * State whose state has a `remind` transition with a letter whose guards
 * hold (campaigns/ID/reminders/CODE-DATE.odt), and an acknowledgment of
 * each reply whose transition has the action letter="acknowledgment" and
 * that was not acknowledged yet (campaigns/ID/acknowledgments/CODE-DATE.odt,
 * recorded as "Acknowledges: CODE DATE"), all in one commit.
 *
 * Invariants: a reply is acknowledged once (story.c reads the Acknowledges
 * trailers back); letters are written in the State's language from the
 * campaign's own templates; nothing due, no commit. A reminder carries the
 * invitation's date and the reference of the current letter, and offers
 * only what can still be done on its day (a signature that has closed
 * since becomes an accession); an acknowledgment lists the intentions
 * current after the reply, and its templates promise arrangements only
 * where the reply announced some. Nothing is dated after the day it is
 * recorded, and a closed campaign generates nothing. Left out on purpose:
 * dispatch of these letters
 * (they are sent by hand and recorded with send).
 */
#include "workflows.h"

#include <string.h>

typedef struct {
	const chancery_workflow *w;
	story_event **acks;   /* replies to acknowledge */
	size_t nacks, aacks;
} ack_scan;

static void find_acks(story_event *e, long t, void *p)
{
	ack_scan *a = p;
	const wf_transition *tr;

	if (e->kind != EV_REPLY || e->acknowledged || t < 0)
		return;
	tr = wf_transition_at(a->w, (size_t)t);
	if (!tr->letter || strcmp(tr->letter, "acknowledgment"))
		return;
	if (chancery__grow((void **)&a->acks, &a->aacks, a->nacks + 1,
			sizeof(story_event *)) < 0)
		return;
	a->acks[a->nacks++] = e;
}

typedef struct {
	const char *id;
	const chancery_date *as_of;
	chancery_repository *repo;
	size_t reminders, acks;
} remind_ctx;

static int render_letter(void **odt, size_t *size, chancery_repository *repo,
	const chancery_tree *base, const char *id, const char *kind, const char *lang,
	json_t *data)
{
	char path[200], *tpl = NULL;
	size_t tsize;
	chancery_template *t = NULL;
	chancery_template_options to = CHANCERY_TEMPLATE_OPTIONS_INIT;
	int error;

	snprintf(path, sizeof(path), "campaigns/%s/templates/%s-%s.odt", id,
		kind, lang);
	if ((error = wf_tree_read(&tpl, &tsize, repo, base, path)) < 0)
		return error;
	to.name = path;
	if ((error = chancery_template_load_odt(&t, tpl, tsize, &to)) == 0)
		error = chancery_template_render_odt(odt, size, t,
			chancery__data_view(data));
	chancery_template_free(t);
	chancery_free(tpl);
	return error;
}

/* A reminder is written on its own day: a treaty the invitation offered
 * to sign by a date that has passed since can only be acceded to now. */
static void reminder_actions(json_t *data, const chancery_registry *reg,
	const chancery_date *today, const char *lang)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(data, "treaties"), i, e) {
		const chancery_treaty *t = chancery_registry_treaty_find(reg,
			json_string_value(json_object_get(e, "id")));
		chancery_date until;

		if (!t || strcmp(json_string_value(json_object_get(e,
				"action_code")), "sign_or_accede") ||
		    chancery_date_parse(&until, t->signature_until) < 0 ||
		    chancery_date_cmp(&until, today) >= 0)
			continue;
		json_object_set_new(e, "action_code", json_string("accede"));
		json_object_set_new(e, "action", json_string(
			wf_action_word("accede", lang)));
	}
}

/* The reminder to `st`, if its state has one due: its data is the
 * invitation's, dated today, with the invitation as "invitation", and the
 * actions still possible today. */
static int remind_one(chancery_changeset *cs, chancery_event *ev,
	remind_ctx *g, const chancery_tree *base, const context *x,
	const chancery_workflow *w, const wf_dates *dates,
	const chancery_state *st, size_t state)
{
	json_t *data = NULL, *inv, *letter;
	void *odt = NULL;
	char buf[64], ref[120], today[11], path[200];
	size_t size;
	wf_facts f;
	long t;
	int error;

	memset(&f, 0, sizeof(f));
	f.today = g->as_of;
	t = wf_step(w, state, "remind", dates, &f);
	if (t < 0 || !wf_transition_at(w, (size_t)t)->letter)
		return 0;
	chancery_date_format(today, sizeof(today), g->as_of);
	if ((error = wf_letter_data(&data, &x->c, x->reg, x->featured,
			x->nfeat, st)) < 0)
		return error;
	inv = json_object();
	letter = json_object_get(data, "letter");
	/* the invitation is the current letter: one that superseded the
	 * first has its own reference */
	wf_reference_nth(ref, sizeof(ref), x->c.id, st->code,
		wf_letter_of(x, st->code));
	json_object_set(inv, "date", json_object_get(letter, "date"));
	json_object_set_new(inv, "reference", json_string(ref));
	json_object_set_new(data, "invitation", inv);
	reminder_actions(data, x->reg, g->as_of, st->language);
	chancery_date_write(buf, sizeof(buf), g->as_of, st->language);
	json_object_set_new(letter, "date", json_string(buf));
	snprintf(ref, sizeof(ref), "%s-R%s",
		json_string_value(json_object_get(inv, "reference")), today);
	json_object_set_new(letter, "reference", json_string(ref));
	error = render_letter(&odt, &size, g->repo, base, g->id,
		wf_transition_at(w, (size_t)t)->letter, st->language, data);
	json_decref(data);
	if (error < 0)
		return error;
	snprintf(path, sizeof(path), "campaigns/%s/reminders/%s-%s.odt",
		g->id, st->code, today);
	if ((error = chancery_changeset_add_owned(cs, path, odt, size)) < 0 ||
	    (error = chancery_event_add(ev, "State", st->code)) < 0)
		return error;
	g->reminders++;
	return 0;
}

/* The intentions current after reply `re`, as an acknowledgment lists
 * them. */
static json_t *ack_intentions(const context *x, const chancery_state *st,
	const story *s, const story_event *re)
{
	json_t *intents = json_array();
	char **after = NULL;
	size_t nafter = wf_intentions_of(&after, s, &re->date);

	for (size_t i = 0; intents && i < nafter; i++) {
		wf_intention in;
		const chancery_treaty *tr = wf_intention_split(&in, after[i]) ?
			chancery_registry_treaty_find(x->reg, in.treaty) : NULL;
		const char *code = in.action;
		json_t *it;

		if (!tr)
			continue;
		if (!(it = json_object()))
			break;
		wf_treaty_json(it, tr, st->language);
		json_object_set_new(it, "action_code", json_string(code));
		json_object_set_new(it, "action", json_string(
			!strcmp(code, "accept") || !strcmp(code, "approve") ?
			code : wf_action_word(code, st->language)));
		json_array_append_new(intents, it);
	}
	chancery_free(after);
	return intents;
}

/* The acknowledgment of reply `re`. */
static int ack_one(chancery_changeset *cs, chancery_event *ev,
	remind_ctx *g, const chancery_tree *base, const context *x,
	const chancery_state *st, const story *s, const story_event *re)
{
	json_t *data = NULL, *reply, *intents;
	void *odt = NULL;
	char d[11], buf[64], key[20], path[200];
	size_t size;
	int error;

	if ((error = wf_letter_data(&data, &x->c, x->reg, x->featured,
			x->nfeat, st)) < 0)
		return error;
	reply = json_object();
	intents = ack_intentions(x, st, s, re);
	chancery_date_write(buf, sizeof(buf), &re->date, st->language);
	json_object_set_new(reply, "received", json_string(buf));
	json_object_set_new(data, "reply", reply);
	json_object_set_new(data, "intentions_count",
		json_integer((json_int_t)json_array_size(intents)));
	json_object_set_new(data, "intentions", intents);
	chancery_date_write(buf, sizeof(buf), g->as_of, st->language);
	json_object_set_new(json_object_get(data, "letter"), "date",
		json_string(buf));
	error = render_letter(&odt, &size, g->repo, base, g->id,
		"acknowledgment", st->language, data);
	json_decref(data);
	if (error < 0)
		return error;
	chancery_date_format(d, sizeof(d), &re->date);
	snprintf(path, sizeof(path),
		"campaigns/%s/acknowledgments/%s-%s.odt", g->id, s->code, d);
	snprintf(key, sizeof(key), "%s %s", s->code, d);
	if (chancery__tree_has(base, path)) {
		/* a reply of that day acknowledged already (then corrected, or
		 * a second one): this acknowledgment is named by its own day */
		chancery_date_format(buf, sizeof(buf), g->as_of);
		snprintf(path, sizeof(path), "campaigns/%s/acknowledgments/"
			"%s-%s.odt", g->id, s->code, buf);
		if (chancery__tree_has(base, path)) {
			chancery_free(odt);
			return 0;
		}
	}
	if ((error = chancery_changeset_add_owned(cs, path, odt, size)) < 0 ||
	    (error = chancery_event_add(ev, "Acknowledges", key)) < 0)
		return error;
	g->acks++;
	return 0;
}

/* What is due for one recipient: its reminder, then its acknowledgments. */
static int due_one(chancery_changeset *cs, chancery_event *ev,
	remind_ctx *g, const chancery_tree *base, const context *x,
	const chancery_workflow *w, const wf_dates *dates, story *s)
{
	const chancery_state *st = chancery_registry_state_find(x->reg, s->code);
	char **cur = NULL;
	size_t ncur = wf_intentions_of(&cur, s, g->as_of), state;
	ack_scan a = { w, NULL, 0, 0 };
	int error;

	if (!st) {
		chancery_free(cur);
		return 0;
	}
	state = wf_replay(w, s, dates, g->as_of, cur, ncur, find_acks, &a);
	chancery_free(cur);
	error = remind_one(cs, ev, g, base, x, w, dates, st, state);
	for (size_t k = 0; !error && k < a.nacks; k++)
		error = ack_one(cs, ev, g, base, x, st, s, a.acks[k]);
	chancery_free(a.acks);
	return error;
}

static int remind_extra(chancery_changeset *cs, const chancery_tree *base,
	const chancery_oid *head, chancery_event *ev, void *payload)
{
	remind_ctx *g = payload;
	context x;
	story_ctx sx;
	chancery_workflow *w = NULL;
	wf_dates dates;
	char today[11];
	int error;

	(void)head;
	memset(&sx, 0, sizeof(sx));
	g->reminders = g->acks = 0;
	chancery_date_format(today, sizeof(today), g->as_of);
	if ((error = wf_context_load(&x, g->repo, base, g->id)) < 0 ||
	    (error = wf_open_check(&x.c, "reminders")) < 0 ||
	    (error = wf_campaign_workflow(&w, &dates, g->repo, base, g->id,
			&x)) < 0 ||
	    (error = wf_stories_load(&sx, g->repo, &x, NULL, NULL)) < 0)
		goto done;
	for (size_t r = 0; r < sx.ns; r++)
		if ((error = due_one(cs, ev, g, base, &x, w, &dates,
				&sx.s[r])) < 0)
			goto done;
	if (!g->reminders && !g->acks) {
		error = chancery__error(CHANCERY_EUNCHANGED,
			"nothing is due on %s", today);
		goto done;
	}
	error = wf_add_count(ev, "Reminded", g->reminders);
done:
	chancery_workflow_free(w);
	wf_stories_free(&sx);
	wf_context_free(&x);
	return error;
}

int chancery_campaign_remind(size_t *reminders, size_t *acks,
	chancery_repository *repo, const char *id, const chancery_date *as_of)
{
	remind_ctx g = { id, as_of, repo, 0, 0 };
	chancery_event *ev = NULL;
	char d[11], subject[200];
	int error;

	CHANCERY_ASSERT_ARG(repo && id && as_of);
	if (!chancery_campaign_id_valid(id))
		return wf_id_error(id);
	/* a reminder is dated as_of: not a day that has not come */
	if ((error = chancery__date_not_future(as_of, chancery__now(repo),
			"--as-of")) < 0)
		return error;
	chancery_date_format(d, sizeof(d), as_of);
	snprintf(subject, sizeof(subject), "remind %s: what is due on %s", id, d);
	if ((error = chancery_event_new(&ev, "remind")) < 0 ||
	    (error = chancery_event_add(ev, "Campaign", id)) < 0 ||
	    (error = chancery_event_add(ev, "Date", d)) < 0 ||
	    (error = chancery_event_set_subject(ev, subject)) < 0)
		goto done;
	error = chancery__event_record(repo, ev, remind_extra, &g, NULL);
	if (error == CHANCERY_EUNCHANGED) {
		/* nothing due: no commit, both counts 0, not an error */
		chancery_error_clear();
		error = 0;
		g.reminders = g.acks = 0;
	}
	if (reminders)
		*reminders = g.reminders;
	if (acks)
		*acks = g.acks;
done:
	chancery_event_free(ev);
	return error;
}
