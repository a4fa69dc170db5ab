/*
 * intention.c - intentions: what a State's reply says it will do ("ratify
 * XVIII-10"), the one place that parses them, checks them against the
 * registry and matches them with the deposits that carry them out.
 *
 * A caller gives an intention as "ACTION:TREATY"; history keeps it as
 * "ACTION TREATY" (the Intends and Withdraws trailers); both are split by
 * split_at() alone, and chancery_campaign_intention_parse() offers it to
 * the rest of the library (the archive reads those trailers) and to
 * programs. ACTION is one of
 * sign, ratify, accept, approve, accede. A signature carries out "sign";
 * any action that binds (ratification, accession, acceptance, approval,
 * succession, ...) carries out the others.
 *
 * Invariant: an announced intention is possible on the day of the reply
 * (participation as of that day): the treaty existed (was adopted by
 * then), a party announces nothing more, a signature needs a treaty open
 * for it, ratifying needs a signature where the treaty takes one. Left out
 * on purpose: the same rule for deposited actions, in the registry's
 * vocabulary (archive/deposit.c).
 */
#include "workflows.h"

#include <string.h>

/* Split `text` at `sep` into *out; false when a part is empty or does not
 * fit. The one parser of intentions. */
static bool split_at(wf_intention *out, const char *text, const char *sep)
{
	memset(out, 0, sizeof(*out));
	if (!sep || !*sep || sep == text ||
	    (size_t)(sep - text) >= sizeof(out->action) ||
	    !sep[1] || strlen(sep + 1) >= sizeof(out->treaty))
		return false;
	snprintf(out->action, sizeof(out->action), "%.*s",
		(int)(sep - text), text);
	snprintf(out->treaty, sizeof(out->treaty), "%s", sep + 1);
	return true;
}

static int form_error(const char *text)
{
	return chancery__error(CHANCERY_EINVALID,
		"'%.60s': expected ACTION:TREATY (ratify:XVIII-10)", text);
}

int wf_intention_parse(wf_intention *out, const char *spec)
{
	return split_at(out, spec, strchr(spec, ':')) ? 0 : form_error(spec);
}

bool wf_intention_split(wf_intention *out, const char *stored)
{
	return split_at(out, stored, strchr(stored, ' '));
}

int chancery_campaign_intention_parse(chancery_campaign_intention *out,
	const char *text)
{
	CHANCERY_ASSERT_ARG(out && text);
	return split_at(out, text, text + strcspn(text, ": ")) ? 0 :
		form_error(text);
}

void wf_intention_format(char *buf, size_t size, const wf_intention *in)
{
	snprintf(buf, size, "%s %s", in->action, in->treaty);
}

/* sign: a treaty that takes a signature, open for it, not signed yet. */
static int check_sign(const chancery_treaty *t, chancery_status st,
	const char *state, const chancery_date *when)
{
	const char *treaty = t->id;
	chancery_date until;

	if (!strcmp(t->signature, "no"))
		return chancery__error(CHANCERY_EINVALID,
			"%s sign %s: %s takes no signature; it is ratified, "
			"accepted, approved or acceded to directly", state,
			treaty, treaty);
	if (st == CHANCERY_STATUS_SIGNATORY)
		return chancery__error(CHANCERY_EINVALID,
			"%s sign %s: %s has signed it already; ratify it",
			state, treaty, state);
	if (t->signature_until[0] &&
	    chancery_date_parse(&until, t->signature_until) == 0 &&
	    chancery_date_cmp(when, &until) > 0)
		return chancery__error(CHANCERY_EINVALID,
			"%s sign %s: %s closed for signature on %s; accede "
			"to it instead", state, treaty, treaty,
			t->signature_until);
	return 0;
}

int wf_intention_check(const chancery_registry *reg, const char *state,
	const chancery_date *when, const char *spec)
{
	static const char *const actions[] = { "sign", "ratify", "accept",
		"approve", "accede" };
	const chancery_treaty *t;
	chancery_status st;
	bool known = false;
	wf_intention in;
	const char *action = in.action, *treaty = in.treaty;
	int error;

	if ((error = wf_intention_parse(&in, spec)) < 0)
		return error;
	for (size_t i = 0; i < 5; i++)
		known |= !strcmp(actions[i], action);
	if (!known)
		return chancery__error(CHANCERY_EINVALID,
			"'%s': the action is sign, ratify, accept, approve or accede",
			spec);
	if (!chancery_registry_treaty_id_valid(treaty) ||
	    !(t = chancery_registry_treaty_find(reg, treaty)))
		return chancery__error(CHANCERY_EINVALID,
			"'%s': unknown treaty '%.40s'", spec, treaty);
	if (!chancery_registry_treaty_adopted_by(t, when)) {
		char day[11];

		chancery_date_format(day, sizeof(day), when);
		return chancery__error(CHANCERY_EINVALID,
			"%s %s %s: %s (adopted %s) did not exist on %s", state,
			action, treaty, treaty, t->adopted, day);
	}
	st = chancery_registry_status(reg, state, treaty, when);
	if (st == CHANCERY_STATUS_PARTY)
		return chancery__error(CHANCERY_EINVALID,
			"%s %s %s: %s is already a party to %s", state, action,
			treaty, state, treaty);
	if (!strcmp(action, "sign"))
		return check_sign(t, st, state, when);
	if (!strcmp(action, "accede"))
		return st == CHANCERY_STATUS_SIGNATORY ?
			chancery__error(CHANCERY_EINVALID,
				"%s accede %s: %s has signed it; ratify it instead",
				state, treaty, state) : 0;
	/* ratify, accept, approve: after a signature, or directly where the
	 * treaty takes none */
	if (st != CHANCERY_STATUS_SIGNATORY && strcmp(t->signature, "no"))
		return chancery__error(CHANCERY_EINVALID,
			"%s %s %s: %s never signed %s; sign it first, or accede",
			state, action, treaty, state, treaty);
	return 0;
}

bool wf_intention_fulfilled(const char *intent, const chancery_action *a)
{
	wf_intention in;
	chancery_action_kind k;

	if (!wf_intention_split(&in, intent) || strcmp(in.treaty, a->treaty))
		return false;
	k = chancery_registry_action_classify(a->action);
	return !strcmp(in.action, "sign") ? k == CHANCERY_ACTION_SIGNS :
		k == CHANCERY_ACTION_BINDS;
}
