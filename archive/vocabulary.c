/*
 * vocabulary.c - the depositary's whole vocabulary: the acts a deposit
 * records, and the checks of those that are neither a signature nor a
 * consent to be bound (deposit.c checks those two): reservations and
 * declarations, objections, withdrawals of reservations, territorial
 * applications, notifications under an article and denunciations.
 *
 * The rules (docs/archive.md, "The vocabulary"):
 *   reservation   by a signatory or party, on the day it signed or
 *                 deposited its instrument (Made-At: signature|consent)
 *   declaration   by a signatory or party; at signature, with the
 *                 instrument, or later (Made-At says which)
 *   objection     to a reservation (--objects-to EVENT) of another State
 *                 to the same treaty, made before and not withdrawn
 *   reservation_withdrawal  of the State's own reservation
 *                 (--withdraws EVENT), not withdrawn already
 *   territorial_application, notification (--article)  by a signatory or
 *                 party
 *   denunciation  by a party only, taking effect on the day the treaty's
 *                 denunciation_rule sets (--effective where the registry
 *                 does not know the rule; refused where it is "none")
 * Only a denunciation changes status (registry_participation.c ends party
 * status on its effective date); the others are recorded and notified.
 *
 * Invariant: every check reads the registry and the tree of the attempt's
 * base, as deposit.c's do; a reservation is found by its event and
 * counts only when its archive entry is in that base.
 *
 * Left out: the twelve months within which an objection is usually made
 * (VCLT art. 20(5)), partial withdrawals, and the conditions some
 * denunciation clauses add beyond the delay.
 */
#include "vocabulary.h"
#include "entry.h"

#include <string.h>

static const chancery__act acts[] = {
	{ "signature", "Signature", 0 },
	{ "ratification", "Ratification", CHANCERY__ACT_INSTRUMENT },
	{ "acceptance", "Acceptance", CHANCERY__ACT_INSTRUMENT },
	{ "approval", "Approval", CHANCERY__ACT_INSTRUMENT },
	{ "accession", "Accession", CHANCERY__ACT_INSTRUMENT },
	{ "succession", "Succession", CHANCERY__ACT_INSTRUMENT },
	{ "consent_to_be_bound", "Consent to be bound",
		CHANCERY__ACT_INSTRUMENT },
	{ "reservation", "Reservation", CHANCERY__ACT_MORE | CHANCERY__ACT_TEXT },
	{ "declaration", "Declaration", CHANCERY__ACT_MORE | CHANCERY__ACT_TEXT },
	{ "objection", "Objection", CHANCERY__ACT_MORE | CHANCERY__ACT_TEXT },
	{ "reservation_withdrawal", "Withdrawal of reservation",
		CHANCERY__ACT_MORE },
	{ "territorial_application", "Territorial application",
		CHANCERY__ACT_MORE },
	{ "notification", "Notification", CHANCERY__ACT_MORE |
		CHANCERY__ACT_TEXT },
	{ "denunciation", "Denunciation", CHANCERY__ACT_MORE |
		CHANCERY__ACT_INSTRUMENT },
};

const chancery__act *chancery__act_find(const char *name)
{
	for (size_t i = 0; i < sizeof(acts) / sizeof(*acts); i++)
		if (!strcmp(acts[i].name, name))
			return &acts[i];
	return NULL;
}

/* Where `state` stands with `t` on `date`: *p zero when it took no
 * action. */
static int standing(chancery_participation *p, const chancery_registry *reg,
	const char *state, const chancery_treaty *t, const chancery_date *date)
{
	chancery_participation *list = NULL;
	size_t n = 0;
	int error;

	memset(p, 0, sizeof(*p));
	if ((error = chancery_registry_participation(&list, &n, reg, state,
			date)) < 0)
		return error;
	for (size_t i = 0; i < n; i++)
		if (list[i].treaty == t)
			*p = list[i];
	chancery_free(list);
	return 0;
}

static bool same_day(const chancery_action *a, const chancery_date *d)
{
	return a && chancery_date_cmp(&a->date, d) == 0;
}

/* A reservation, a declaration, a territorial application, a
 * notification: by a State that signed or joined. */
static int by_participant(chancery__act_facts *f, const chancery__act *act,
	const chancery_participation *p, const chancery_deposit_options *o,
	const char *ds)
{
	bool reservation = !strcmp(act->name, "reservation");

	if (p->status == CHANCERY_STATUS_NONE)
		return chancery__error(CHANCERY_EINVALID, "%s %s %s on %s: %s "
			"has neither signed nor joined %s%s", o->state, act->name,
			o->treaty, ds, o->state, o->treaty, reservation ?
			"; a reservation is made at signature or with the "
			"instrument" : "");
	if (!reservation && strcmp(act->name, "declaration"))
		return 0;
	if (same_day(p->consent, &o->date))
		snprintf(f->made_at, sizeof(f->made_at), "consent");
	else if (same_day(p->signature, &o->date))
		snprintf(f->made_at, sizeof(f->made_at), "signature");
	else if (reservation)
		return chancery__error(CHANCERY_EINVALID, "%s reservation %s on "
			"%s: a reservation is made at signature or with the "
			"instrument, and %s neither signed %s nor deposited an "
			"instrument on that day", o->state, o->treaty, ds,
			o->state, o->treaty);
	else
		snprintf(f->made_at, sizeof(f->made_at), "later");
	return 0;
}

/* Has the reservation of event `id` (by `state` to `treaty`) been
 * withdrawn by `date`? Each withdrawal's archive entry names the event. */
static int withdrawn(bool *out, const chancery_registry *reg,
	const chancery_tree *base, const char *state, const char *treaty,
	const char *id, const chancery_date *date)
{
	*out = false;
	for (size_t i = 0; i < chancery_registry_action_count(reg) && !*out;
			i++) {
		const chancery_action *a = chancery_registry_action(reg, i);
		char *text = NULL, v[64];
		size_t size;
		int error;

		if (strcmp(a->state, state) || strcmp(a->treaty, treaty) ||
		    strcmp(a->action, "reservation_withdrawal") ||
		    !*a->deposit || chancery_date_cmp(&a->date, date) > 0)
			continue;
		if ((error = chancery__tree_file(&text, &size, base,
				a->deposit, 4096)) < 0)
			return error;
		*out = chancery__archive_entry_field(v, sizeof(v), text,
			"Withdraws") && !strcmp(v, id);
		chancery_free(text);
	}
	return 0;
}

/* The reservation event `id` names (`opt` the option that named it), to
 * treaty `t`, made by `date`, not withdrawn, in `base`; its State and day
 * into `f`. */
static int reservation_of(chancery__act_facts *f, chancery_repository *repo,
	const chancery_registry *reg, const chancery_tree *base,
	const char *id, const char *opt, const chancery_treaty *t,
	const chancery_date *date)
{
	chancery_event *ev = NULL;
	const char *ac, *st, *tr, *dt, *ar;
	chancery_date d;
	bool gone = false;
	int error = chancery_event_lookup(&ev, repo, id);

	if (error == CHANCERY_ENOTFOUND || error == CHANCERY_EINVALID) {
		chancery_error_clear();
		return chancery__error(CHANCERY_ENOTFOUND, "%s %.60s: no such "
			"event", opt, id);
	}
	if (error < 0)
		return error;
	ac = chancery_event_get(ev, "Action");
	st = chancery_event_get(ev, "State");
	tr = chancery_event_get(ev, "Treaty");
	dt = chancery_event_get(ev, "Date");
	ar = chancery_event_get(ev, "Archive");
	if (strcmp(chancery_event_type(ev), "deposit") || !ac || !st || !tr ||
	    !dt || !ar || strcmp(ac, "reservation"))
		error = chancery__error(CHANCERY_EINVALID, "%s %s: the event "
			"is not a reservation (it records %s%s%s)", opt, id,
			chancery_event_type(ev), ac ? " " : "", ac ? ac : "");
	else if (strcmp(tr, t->id))
		error = chancery__error(CHANCERY_EINVALID, "%s %s: a "
			"reservation to %s, not to %s", opt, id, tr, t->id);
	else if (!base || !chancery__tree_has(base, ar))
		error = chancery__error(CHANCERY_ENOTFOUND, "%s %.60s: no such "
			"event", opt, id);
	else if (chancery_date_parse(&d, dt) < 0 ||
		 chancery_date_cmp(&d, date) > 0)
		error = chancery__error(CHANCERY_EINVALID, "%s %s: the "
			"reservation was made on %s, after that day", opt, id,
			dt);
	else if ((error = withdrawn(&gone, reg, base, st, tr, id, date)) == 0 &&
		 gone)
		error = chancery__error(CHANCERY_EINVALID, "%s %s: %s has "
			"withdrawn that reservation", opt, id, st);
	if (!error) {
		snprintf(f->other_state, sizeof(f->other_state), "%s", st);
		snprintf(f->other_date, sizeof(f->other_date), "%s", dt);
	}
	chancery_event_free(ev);
	return error;
}

/* Only a party denounces; the treaty's rule sets when it takes effect. */
static int denunciation(chancery__act_facts *f,
	const chancery_participation *p, const chancery_deposit_options *o,
	const chancery_treaty *t, const char *ds)
{
	chancery_date eff;
	char es[11], gs[11];
	int error;

	if (p->status != CHANCERY_STATUS_PARTY)
		return chancery__error(CHANCERY_EINVALID, "%s denunciation %s "
			"on %s: %s is not a party to %s; only a party denounces",
			o->state, t->id, ds, o->state, t->id);
	if (p->denunciation) {
		chancery_date_format(es, sizeof(es), &p->denunciation->date);
		return chancery__error(CHANCERY_EINVALID, "%s denunciation %s: "
			"%s denounced %s already on %s", o->state, t->id,
			o->state, t->id, es);
	}
	error = chancery_registry_denunciation_effective(&eff, t, &o->date);
	chancery_date_format(gs, sizeof(gs), &o->effective);
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		if (!o->effective.year)
			return chancery__error(CHANCERY_EINVALID, "%s "
				"denunciation %s: the registry knows no "
				"denunciation rule for %s; give the day it takes "
				"effect (--effective DATE)", o->state, t->id,
				t->id);
		if (!chancery__date_ok(&o->effective) ||
		    chancery_date_cmp(&o->effective, &o->date) < 0)
			return chancery__error(CHANCERY_EINVALID, "%s "
				"denunciation %s: effective %s is not a day on "
				"or after its receipt (%s)", o->state, t->id, gs,
				ds);
		eff = o->effective;
	} else if (error == CHANCERY_EINVALID) {
		char why[300];

		snprintf(why, sizeof(why), "%s", chancery_error_last()->message);
		return chancery__error(error, "%s denunciation %s: %s", o->state,
			t->id, why);
	} else if (error < 0) {
		return error;
	} else if (o->effective.year &&
		   chancery_date_cmp(&o->effective, &eff) != 0) {
		chancery_date_format(es, sizeof(es), &eff);
		return chancery__error(CHANCERY_EINVALID, "%s denunciation %s: "
			"by its rule (%s) it takes effect on %s, not %s",
			o->state, t->id, t->denunciation_rule, es, gs);
	}
	f->effective = eff;
	f->has_effective = true;
	return 0;
}

int chancery__act_check(chancery__act_facts *out, chancery_repository *repo,
	const chancery_registry *reg, const chancery_tree *base,
	const chancery_deposit_options *o, const chancery__act *act,
	const chancery_treaty *t)
{
	chancery_participation p;
	char ds[11];
	int error;

	memset(out, 0, sizeof(*out));
	chancery_date_format(ds, sizeof(ds), &o->date);
	if ((error = standing(&p, reg, o->state, t, &o->date)) < 0)
		return error;
	if (!strcmp(act->name, "denunciation"))
		return denunciation(out, &p, o, t, ds);
	if (!strcmp(act->name, "objection")) {
		if ((error = reservation_of(out, repo, reg, base, o->objects_to,
				"--objects-to", t, &o->date)) < 0)
			return error;
		if (!strcmp(out->other_state, o->state))
			return chancery__error(CHANCERY_EINVALID, "%s objection "
				"%s: event %s is %s's own reservation; a State "
				"objects to another's", o->state, t->id,
				o->objects_to, o->state);
		return 0;
	}
	if (!strcmp(act->name, "reservation_withdrawal")) {
		if ((error = reservation_of(out, repo, reg, base, o->withdraws,
				"--withdraws", t, &o->date)) < 0)
			return error;
		if (strcmp(out->other_state, o->state))
			return chancery__error(CHANCERY_EINVALID, "%s "
				"reservation-withdrawal %s: event %s is a "
				"reservation of %s; a State withdraws only its "
				"own", o->state, t->id, o->withdraws,
				out->other_state);
		return 0;
	}
	return by_participant(out, act, &p, o, ds);
}

static const char *name_of(const chancery_registry *reg, const char *code)
{
	const chancery_state *s = chancery_registry_state_find(reg, code);

	return s ? s->name : code;
}

void chancery__act_statement(char *buf, size_t size, const chancery__act *act,
	const chancery_registry *reg, const char *state,
	const chancery__act_facts *f, const char *article)
{
	const char *n = name_of(reg, state), *a = act->name;
	const char *at = !strcmp(f->made_at, "signature") ? " at signature" :
		!strcmp(f->made_at, "consent") ? " upon depositing its instrument" :
		"";
	char eff[64] = "";

	if (f->has_effective)
		chancery_date_write(eff, sizeof(eff), &f->effective, "en");
	if (!strcmp(a, "signature"))
		snprintf(buf, size, "%s signed the treaty.", n);
	else if (!strcmp(a, "succession"))
		snprintf(buf, size, "%s deposited its notification of "
			"succession.", n);
	else if (!strcmp(a, "consent_to_be_bound"))
		snprintf(buf, size, "%s deposited its instrument expressing its "
			"consent to be bound.", n);
	else if (!strcmp(a, "reservation") || !strcmp(a, "declaration"))
		snprintf(buf, size, "%s made a %s%s. Its text is kept with this "
			"notification.", n, a, at);
	else if (!strcmp(a, "objection"))
		snprintf(buf, size, "%s objected to the reservation made by %s "
			"on %s. Its text is kept with this notification.", n,
			name_of(reg, f->other_state), f->other_date);
	else if (!strcmp(a, "reservation_withdrawal"))
		snprintf(buf, size, "%s withdrew the reservation it made on %s.",
			n, f->other_date);
	else if (!strcmp(a, "territorial_application"))
		snprintf(buf, size, "%s notified the application of the treaty "
			"to territories for whose international relations it is "
			"responsible.", n);
	else if (!strcmp(a, "notification"))
		snprintf(buf, size, "%s made a notification under %s. Its text "
			"is kept with this notification.", n, article ? article :
			"the treaty");
	else if (!strcmp(a, "denunciation"))
		snprintf(buf, size, "%s notified its denunciation of the treaty. "
			"In accordance with the treaty, the denunciation takes "
			"effect on %s; until then %s remains a party.", n, eff, n);
	else
		snprintf(buf, size, "%s deposited its instrument of %s.", n, a);
}
