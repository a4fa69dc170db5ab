/*
 * history.c - the story of a State or a treaty: chancery_archive_history()
 * tells, by real-world date and then in recording order, every event of the
 * branch that names it and every batch of letters whose commit wrote its
 * letter, across campaigns.
 *
 * Which events concern a subject: for a State, a State field naming it or
 * an Acknowledges field starting with it ("LBR XVIII-10"), and a letters
 * batch (whose events name no State) that added or changed
 * campaigns/ID/letters/CODE.odt; for a treaty, a Treaty field naming it or
 * an Intends or Withdraws field naming it ("ratify XVIII-10", read by the
 * one intention parser, chancery_campaign_intention_parse).
 *
 * Invariant: it only reads: the registry (to tell a State from a treaty),
 * then, oldest first, the branch's events that may concern the subject
 * (the index's lookup by field, chancery__event_foreach_about), then each
 * chosen commit again to hand its event to the caller, so memory holds
 * dates and ids, not events.
 *
 * Left out: verification (verify.c); events that name the subject only in
 * their free text.
 */
#include "../engine/base.h"
#include "../engine/store.h"
#include "chancery/archive.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	chancery_repository *repo;
	const char *subject;
	bool state;
	chancery_event_cb cb;
	void *payload;
} subject_ctx;

/* Is `path` in commit `id` (1), with the blob *blob? 0 when not, or when
 * it cannot be read (the caller looks no further). */
static int blob_at(chancery_oid *blob, chancery_repository *repo,
	const chancery_oid *id, const char *path)
{
	chancery_tree *t = NULL;
	chancery_entry e;
	int found = 0;

	if (chancery__tree_of(&t, repo, id) == 0 &&
	    chancery__tree_entry(&e, t, path) == 0) {
		*blob = e.id;
		found = 1;
	}
	chancery__tree_free(t);
	return found;
}

/* Did this batch's commit write campaigns/X/letters/CODE.odt? */
static bool wrote_letter(chancery_repository *repo, const chancery_event *ev,
	const char *code)
{
	const char *campaign = chancery_event_get(ev, "Campaign");
	chancery__commit_info *c = NULL;
	chancery_oid id, now, was;
	char path[200];
	bool wrote = false;

	if (!campaign || chancery__oid_fromstr(&id,
			chancery_event_commit(ev)) < 0 ||
	    chancery__commit_read(&c, repo, &id, false) < 0)
		goto done;
	snprintf(path, sizeof(path), "campaigns/%s/letters/%s.odt", campaign,
		code);
	/* the campaign comes from a trailer: only a path a checkout would
	 * take is looked up */
	if (!chancery__path_valid(path) || !blob_at(&now, repo, &c->id, path))
		goto done;
	if (c->nparents == 0 ||
	    !blob_at(&was, repo, &c->parents[0], path) ||
	    !chancery__oid_equal(&now, &was))
		wrote = true;
done:
	chancery_error_clear();
	chancery__commit_info_free(c);
	return wrote;
}

/* Does the event concern the subject? */
static bool concerns(subject_ctx *x, const chancery_event *ev)
{
	size_t n = strlen(x->subject);
	bool names_state = false;

	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *v;
		chancery_campaign_intention in;

		chancery_event_field(&k, &v, ev, i);
		if (!strcmp(k, "State"))
			names_state = true;
		if (x->state) {
			if ((!strcmp(k, "State") && !strcmp(v, x->subject)) ||
			    (!strcmp(k, "Acknowledges") &&
			     !strncmp(v, x->subject, n) && v[n] == ' '))
				return true;
		} else if ((!strcmp(k, "Treaty") && !strcmp(v, x->subject)) ||
			   ((!strcmp(k, "Intends") || !strcmp(k, "Withdraws")) &&
			    chancery_campaign_intention_parse(&in, v) == 0 &&
			    !strcmp(in.treaty, x->subject))) {
			return true;
		}
	}
	return x->state && !names_state &&
		!strcmp(chancery_event_type(ev), "letters") &&
		wrote_letter(x->repo, ev, x->subject);
}

typedef struct {
	chancery_date date;
	size_t seq;
	chancery_oid commit;
} story_item;

typedef struct {
	subject_ctx *x;
	story_item *items;
	size_t n, alloc;
	int error;
} story_list;

static int subject_cb(const chancery_event *ev, void *payload)
{
	story_list *l = payload;
	story_item *it;

	if (!concerns(l->x, ev))
		return 0;
	if (chancery__grow((void **)&l->items, &l->alloc, l->n + 1,
			sizeof(*l->items)) < 0) {
		l->error = CHANCERY_ENOMEM;
		return 1;
	}
	it = &l->items[l->n];
	chancery_event_date(&it->date, ev);
	it->seq = l->n;
	if ((l->error = chancery__oid_fromstr(&it->commit,
			chancery_event_commit(ev))) < 0)
		return 1;
	l->n++;
	return 0;
}

static int cmp_item(const void *a, const void *b)
{
	const story_item *x = a, *y = b;
	int c = chancery_date_cmp(&x->date, &y->date);

	return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

int chancery_archive_history(chancery_repository *repo, const char *subject,
	chancery_event_cb cb, void *payload)
{
	chancery_registry *reg = NULL;
	subject_ctx x = { repo, subject, false, cb, payload };
	story_list l = { &x, NULL, 0, 0, 0 };
	int error;

	CHANCERY_ASSERT_ARG(repo && subject && cb);
	if ((error = chancery_registry_load(&reg, repo)) < 0)
		return error;
	if (chancery_registry_state_code_valid(subject) &&
	    chancery_registry_state_find(reg, subject))
		x.state = true;
	else if (!chancery_registry_treaty_id_valid(subject) ||
		 !chancery_registry_treaty_find(reg, subject)) {
		chancery_registry_free(reg);
		return chancery__error(CHANCERY_ENOTFOUND, "'%.40s' is neither "
			"a State nor a treaty of the registry", subject);
	}
	chancery_registry_free(reg);
	/* gather in recording order, then tell it by real-world date */
	error = chancery__event_foreach_about(repo, NULL, subject, x.state,
		subject_cb, &l);
	if (l.error < 0)
		error = l.error;
	if (error < 0)
		goto done;
	qsort(l.items, l.n, sizeof(*l.items), cmp_item);
	for (size_t i = 0; i < l.n && !error; i++) {
		chancery_event *ev = NULL;

		if ((error = chancery__commit_event(&ev, repo,
				&l.items[i].commit)) == 0)
			error = cb(ev, payload);
		chancery_event_free(ev);
	}
done:
	chancery_free(l.items);
	return error;
}
