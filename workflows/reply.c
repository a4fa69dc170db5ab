/*
 * reply.c - what happens between a campaign's letters and its status:
 * their dispatch (send: one commit naming the States whose letters went
 * out that day) and each State's replies (reply: one commit with the
 * intentions the reply announces or withdraws, a note and attachments,
 * marked late after the deadline).
 *
 * Invariants: a letter is sent only once generated and, for the whole
 * batch, once (a letter that supersedes a dispatched one is sent on its
 * own, dispatch.c tells which are out); no dispatch or reply is dated
 * after the day it is recorded; a reply's intentions are checked against the registry as
 * of the day it was received (intention.c) and a withdrawal names an
 * intention announced before. Nothing is recorded when any check fails.
 * A reply may correct an earlier one recorded wrongly (Corrects, Reason):
 * the earlier one must be a reply of the same campaign and State, neither
 * corrected nor voided (event_effective.c decides what stands).
 * Left out on purpose: what the workflow does with these events (story.c
 * replays them) and the acknowledgment of a reply (remind.c).
 */
#include "workflows.h"

#include <string.h>

typedef struct {
	const char *id;
	const chancery_date *date;
	const char *state;
	size_t sent;
	chancery_repository *repo;
} send_ctx;

static int send_extra(chancery_changeset *cs, const chancery_tree *base,
	const chancery_oid *head, chancery_event *ev, void *payload)
{
	send_ctx *g = payload;
	context x;
	story_ctx sx;
	wf_dispatch *dispatched = NULL;
	char at[CHANCERY_OID_HEXSZ + 1];
	int error;

	(void)cs;
	memset(&sx, 0, sizeof(sx));
	if ((error = wf_context_load(&x, g->repo, base, g->id)) < 0)
		goto done;
	at[0] = '\0';
	if (head)
		chancery__oid_tostr(at, head);
	if ((error = wf_dispatched(&dispatched, g->repo, &x,
			at[0] ? at : NULL)) < 0)
		goto done;
	if (chancery_date_cmp(g->date, &x.c.letter_date) < 0) {
		error = chancery__error(CHANCERY_EINVALID,
			"--date is before the letter date of campaign '%s'", g->id);
		goto done;
	}
	if ((error = wf_stories_load(&sx, g->repo, &x, NULL, NULL)) < 0)
		goto done;
	g->sent = 0;
	for (size_t i = 0; i < sx.ns; i++) {
		story *s = &sx.s[i];
		bool generated = false;
		/* its current letter went out (a superseding one waits for its
		 * own dispatch); stories are in recipient order */
		bool sent = dispatched[i].sent;

		if (g->state && strcmp(g->state, s->code))
			continue;
		for (size_t k = 0; k < s->nev; k++)
			generated |= s->ev[k].kind == EV_LETTERS;
		if (!generated) {
			error = chancery__error(CHANCERY_EINVALID,
				"the letter to %s is not generated yet (chancery "
				"letters generate %s)", s->code, g->id);
			goto done;
		}
		if (sent && !g->state)
			continue;
		if ((error = chancery_event_add(ev, "State", s->code)) < 0)
			goto done;
		g->sent++;
	}
	if (g->state && !wf_story_of(&sx, g->state)) {
		error = chancery__error(CHANCERY_ENOTFOUND,
			"'%s' is not a recipient of campaign '%s'", g->state, g->id);
		goto done;
	}
	if (!g->sent) {
		error = chancery__error(CHANCERY_EUNCHANGED,
			"every letter of '%s' is sent already", g->id);
		goto done;
	}
	error = wf_add_count(ev, "Sent-Count", g->sent);
done:
	chancery_free(dispatched);
	wf_stories_free(&sx);
	wf_context_free(&x);
	return error;
}

int chancery_campaign_send(size_t *sent, chancery_repository *repo,
	const char *id, const chancery_date *date, const char *state)
{
	send_ctx g = { id, date, state, 0, repo };
	chancery_event *ev = NULL;
	char d[11], subject[200];
	int error;

	CHANCERY_ASSERT_ARG(repo && id && date);
	if (sent)
		*sent = 0;
	if (!chancery_campaign_id_valid(id))
		return wf_id_error(id);
	if (state && !chancery_registry_state_code_valid(state))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a State code", state);
	if ((error = chancery__date_not_future(date, chancery__now(repo),
			"--date")) < 0)
		return error;
	chancery_date_format(d, sizeof(d), date);
	snprintf(subject, sizeof(subject), "send %s: letters dispatched on %s%s%s",
		id, d, state ? " to " : "", state ? state : "");
	if ((error = chancery_event_new(&ev, "send")) < 0 ||
	    (error = chancery_event_add(ev, "Campaign", id)) < 0 ||
	    (error = chancery_event_add(ev, "Date", d)) < 0 ||
	    (error = chancery_event_set_subject(ev, subject)) < 0)
		goto done;
	error = chancery__event_record(repo, ev, send_extra, &g, NULL);
	if (error == CHANCERY_EUNCHANGED) {
		/* every letter sent already: 0 sent, not an error */
		chancery_error_clear();
		error = 0;
		g.sent = 0;
	}
	if (!error && sent)
		*sent = g.sent;
done:
	chancery_event_free(ev);
	return error;
}

/* ---- reply ------------------------------------------------------------- */

/* "ACTION:TREATY", the form the checks and their messages speak. */
static void spec_of(char out[64], const chancery_campaign_intention *in)
{
	snprintf(out, 64, "%.*s:%.*s", (int)sizeof(in->action) - 1,
		in->action, (int)sizeof(in->treaty) - 1, in->treaty);
}

typedef struct {
	const char *id;
	const chancery_reply_options *o;
	chancery_repository *repo;
	int late;
} reply_ctx;

static int reply_extra(chancery_changeset *cs, const chancery_tree *base,
	const chancery_oid *head, chancery_event *ev, void *payload)
{
	reply_ctx *g = payload;
	const chancery_reply_options *o = g->o;
	context x;
	story_ctx sx;
	char **current = NULL;
	size_t ncur = 0;
	int error;

	(void)cs;
	(void)head;
	memset(&sx, 0, sizeof(sx));
	if ((error = wf_context_load(&x, g->repo, base, g->id)) < 0)
		goto done;
	if (!chancery_registry_state_find(x.reg, o->state)) {
		error = chancery__error(CHANCERY_EINVALID, "unknown State '%s'",
			o->state);
		goto done;
	}
	if ((error = wf_stories_load(&sx, g->repo, &x, NULL, o->state)) < 0)
		goto done;
	if (!wf_story_of(&sx, o->state)) {
		error = chancery__error(CHANCERY_EINVALID,
			"'%s' is not a recipient of campaign '%s'", o->state, g->id);
		goto done;
	}
	if (chancery_date_cmp(&o->received, &x.c.letter_date) < 0) {
		error = chancery__error(CHANCERY_EINVALID,
			"--received is before the letter date of campaign '%s'", g->id);
		goto done;
	}
	ncur = wf_intentions_of(&current, wf_story_of(&sx, o->state), NULL);
	for (size_t k = 0; k < o->nwithdraws; k++) {
		wf_intention in;
		char key[64], w[64];
		bool found = false;

		spec_of(w, &o->withdraws[k]);
		if ((error = wf_intention_parse(&in, w)) < 0)
			goto done;
		wf_intention_format(key, sizeof(key), &in);
		for (size_t i = 0; i < ncur; i++)
			found |= !strcmp(current[i], key);
		if (!found) {
			error = chancery__error(CHANCERY_EINVALID,
				"%s never announced '%s' in campaign '%s'", o->state,
				w, g->id);
			goto done;
		}
	}
	for (size_t k = 0; k < o->nintends; k++) {
		char spec[64];

		spec_of(spec, &o->intends[k]);
		if ((error = wf_intention_check(x.reg, o->state, &o->received,
				spec)) < 0)
			goto done;
	}
	g->late = chancery_date_cmp(&o->received, &x.c.deadline) > 0;
	error = chancery_event_add(ev, "Late", g->late ? "yes" : "no");
done:
	chancery_free(current);
	wf_stories_free(&sx);
	wf_context_free(&x);
	return error;
}

/* Intentions as fields "ACTION TREATY" (how history keeps them); each
 * must be of the form (neither part empty). */
static int add_intents(chancery_event *ev, const char *key,
	const chancery_campaign_intention *list, size_t n)
{
	int error = 0;

	for (size_t k = 0; k < n && !error; k++) {
		wf_intention in;
		char v[64], spec[64];

		spec_of(spec, &list[k]);
		if ((error = wf_intention_parse(&in, spec)) < 0)
			break;
		wf_intention_format(v, sizeof(v), &in);
		error = chancery_event_add(ev, key, v);
	}
	return error;
}

/* The reply `o->corrects` names, checked: a reply of campaign `id` and
 * the same State, neither corrected nor voided yet; its id into `out`. */
static int check_corrected(char *out, size_t size, chancery_repository *repo,
	const char *id, const chancery_reply_options *o)
{
	chancery_event *old = NULL;
	chancery_corrections *cs = NULL;
	const char *c, *st, *by;
	int voided = 0, error;

	if (!o->reason || !*o->reason)
		return chancery__error(CHANCERY_EINVALID,
			"a correction says why the reply is corrected (--reason)");
	if ((error = chancery_event_lookup(&old, repo, o->corrects)) < 0)
		return error;
	c = chancery_event_get(old, "Campaign");
	st = chancery_event_get(old, "State");
	snprintf(out, size, "%s", chancery_event_id(old));
	if (strcmp(chancery_event_type(old), "reply")) {
		error = chancery__error(CHANCERY_EINVALID, "event %s is a %s, "
			"not a reply: only a reply is corrected (void an event "
			"recorded in error)", out, chancery_event_type(old));
		goto done;
	}
	if (!c || strcmp(c, id) || !st || strcmp(st, o->state)) {
		error = chancery__error(CHANCERY_EINVALID, "event %s is the "
			"reply of %s in campaign '%s', not of %s in '%s'", out,
			st ? st : "?", c ? c : "?", o->state, id);
		goto done;
	}
	if ((error = chancery_corrections_load(&cs, repo, NULL)) < 0)
		goto done;
	if ((by = chancery_corrections_of(cs, out, &voided, NULL)) != NULL)
		error = chancery__error(CHANCERY_EINVALID, "reply %s is %s "
			"already (by %s)", out, voided ? "voided" : "corrected",
			by);
done:
	chancery_corrections_free(cs);
	chancery_event_free(old);
	return error;
}

int chancery_campaign_reply(int *late, chancery_repository *repo,
	const char *id, const chancery_reply_options *o)
{
	reply_ctx g = { id, o, repo, 0 };
	chancery_event *ev = NULL;
	char d[11], subject[200], corrected[64] = "";
	int error;

	CHANCERY_ASSERT_ARG(repo && id && o);
	CHANCERY_CHECK_VERSION(o, CHANCERY_REPLY_OPTIONS_VERSION);
	if (!chancery_campaign_id_valid(id))
		return wf_id_error(id);
	if (!o->state || !chancery_registry_state_code_valid(o->state))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a State code", o->state ? o->state : "");
	if (!o->received.year)
		return chancery__error(CHANCERY_EINVALID,
			"a reply needs its date (--received)");
	if ((error = chancery__date_not_future(&o->received,
			chancery__now(repo), "--received")) < 0)
		return error;
	if ((o->nintends && !o->intends) || (o->nwithdraws && !o->withdraws))
		return chancery__error(CHANCERY_EINVALID,
			"intentions counted without their array");
	if (o->none && o->nintends)
		return chancery__error(CHANCERY_EINVALID,
			"a reply announces intentions or none (--none), not both");
	if (!o->none && !o->nintends && !o->nwithdraws)
		return chancery__error(CHANCERY_EINVALID,
			"a reply announces intentions (--intends), withdraws some "
			"(--withdraw) or announces none (--none)");
	if (o->corrects &&
	    (error = check_corrected(corrected, sizeof(corrected), repo, id,
			o)) < 0)
		return error;
	chancery_date_format(d, sizeof(d), &o->received);
	if ((error = chancery_event_new(&ev, "reply")) < 0 ||
	    (error = chancery_event_add(ev, "Campaign", id)) < 0 ||
	    (error = chancery_event_add(ev, "State", o->state)) < 0 ||
	    (error = chancery_event_add(ev, "Date", d)) < 0 ||
	    (error = chancery_event_add(ev, "Received", d)) < 0)
		goto done;
	if ((error = add_intents(ev, "Intends", o->intends,
			o->nintends)) < 0 ||
	    (error = add_intents(ev, "Withdraws", o->withdraws,
			o->nwithdraws)) < 0)
		goto done;
	if (o->none && (error = chancery_event_add(ev, "None", "yes")) < 0)
		goto done;
	if (*corrected &&
	    ((error = chancery_event_add(ev, "Corrects", corrected)) < 0 ||
	     (error = chancery_event_add(ev, "Reason", o->reason)) < 0))
		goto done;
	if (o->note && *o->note &&
	    (error = chancery_event_set_message(ev, o->note)) < 0)
		goto done;
	for (const char *const *a = o->attach; a && *a; a++) {
		char *data = NULL;
		size_t size = 0;
		const char *base = strrchr(*a, '/') ? strrchr(*a, '/') + 1 : *a;

		if ((error = chancery__read_file(&data, &size, *a,
				CHANCERY_ATTACHMENT_MAX)) < 0)
			goto done;
		error = chancery_event_attach(ev, base, data, size);
		chancery_free(data);
		if (error < 0)
			goto done;
	}
	snprintf(subject, sizeof(subject), "reply %s %s: received %s%s%s", id,
		o->state, d, *corrected ? ", correcting " : "", corrected);
	if ((error = chancery_event_set_subject(ev, subject)) < 0)
		goto done;
	error = chancery__event_record(repo, ev, reply_extra, &g, NULL);
	if (!error && late)
		*late = g.late;
done:
	chancery_event_free(ev);
	return error;
}
