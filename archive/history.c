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
 * then the branch's events that may concern the subject by date and in
 * recording order (chancery__event_foreach_about_dated: one query of the
 * index, ordered by date; without the index, a replay whose events are
 * each read again from their commit once sorted), narrowed here one by
 * one, so memory holds at most one event and, replaying, dates and ids.
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

/* Each event that concerns the subject, to the caller. */
static int subject_cb(const chancery_event *ev, void *payload)
{
	subject_ctx *x = payload;

	return concerns(x, ev) ? x->cb(ev, x->payload) : 0;
}

int chancery_archive_history(chancery_repository *repo, const char *subject,
	chancery_event_cb cb, void *payload)
{
	chancery_registry *reg = NULL;
	subject_ctx x = { repo, subject, false, cb, payload };
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
	return chancery__event_foreach_about_dated(repo, subject, x.state,
		subject_cb, &x);
}
