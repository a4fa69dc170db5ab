/*
 * registry_participation.c - who is bound by what, as of a date: the status
 * of a State under a treaty, the parties to a treaty, the treaties of a
 * State, and when a treaty enters into force for a State.
 *
 * Participation is the registry's actions (baseline and recorded) replayed
 * in date order per State and treaty: a signature makes a signatory, any
 * binding action a party; the first binding action is the consent; a
 * denunciation ends party status on its effective date (until then the
 * State is still a party, its denunciation pending). An "as of" date
 * leaves out actions dated after it, and treaties adopted after it
 * (registry_asof.c), whatever the actions' dates.
 *
 * Invariant: the action index of the loaded registry (registry.c) is sorted
 * by State, treaty and date, so each query is a binary search and one run.
 *
 * Left out: reservations, declarations, objections and the rest of the
 * vocabulary, which change no status (chancery_registry_action lists
 * them).
 */
#include "registry_int.h"

#include <stdlib.h>
#include <string.h>

int chancery_registry_entry_into_force(chancery_date *out,
	const chancery_treaty *t, const chancery_date *deposit)
{
	eif_rule rule;
	chancery_date d, general;
	int error;

	CHANCERY_ASSERT_ARG(out && t && deposit);
	if (!t->entry_into_force_rule || !*t->entry_into_force_rule ||
	    !chancery__reg_eif_parse(&rule, t->entry_into_force_rule))
		return chancery__error(CHANCERY_ENOTFOUND,
			"the registry knows no entry-into-force rule for %s",
			t->id);
	/* the date module's calendar (a month too short for the day gives
	 * its last day); a result past 2999 is refused there */
	if (rule.months)
		error = chancery_date_add_months(&d, deposit, rule.n);
	else
		error = chancery_date_add_days(&d, deposit, rule.n);
	if (!error && rule.first_of_month) {
		d.day = 1;
		error = chancery_date_add_months(&d, &d, 1);
	}
	if (error < 0)
		return error;
	/* before the treaty itself is in force, it is its own date */
	if (t->entry_into_force[0] &&
	    chancery_date_parse(&general, t->entry_into_force) == 0 &&
	    chancery_date_cmp(&general, &d) > 0)
		d = general;
	*out = d;
	return 0;
}

/* (state, treaty) of action `a` against the key; a NULL treaty sorts
 * before every treaty of the State. */
static int key_cmp(const chancery_action *a, const char *state,
	const char *treaty)
{
	int c = strcmp(a->state, state);

	if (c || !treaty)
		return c;
	return strcmp(a->treaty, treaty);
}

/* First position in the sorted action index of `state` (and `treaty`,
 * unless NULL): the start of its run. */
static size_t actions_from(const chancery_registry *r, const char *state,
	const char *treaty)
{
	size_t lo = 0, hi = r->nactions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_cmp(&r->actions[r->action_index[mid]], state,
				treaty) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The action at position i of the index when it is still in the run of
 * (state, treaty), else NULL. */
static const chancery_action *in_run(const chancery_registry *r, size_t i,
	const char *state, const char *treaty)
{
	const chancery_action *a;

	if (i >= r->nactions)
		return NULL;
	a = &r->actions[r->action_index[i]];
	return strcmp(a->state, state) || strcmp(a->treaty, treaty) ? NULL : a;
}

static int cmp_action_ptr(const void *a, const void *b)
{
	const chancery_action *x = *(const chancery_action *const *)a;
	const chancery_action *y = *(const chancery_action *const *)b;

	return (x > y) - (x < y);
}

int chancery_registry_actions_of(const chancery_action ***out, size_t *count,
	const chancery_registry *r, const char *state, const char *treaty)
{
	size_t from, n = 0;

	CHANCERY_ASSERT_ARG(out && count && r && state && treaty);
	*out = NULL;
	*count = 0;
	from = actions_from(r, state, treaty);
	while (in_run(r, from + n, state, treaty))
		n++;
	*out = chancery__calloc(n ? n : 1, sizeof(**out));
	if (!*out)
		return chancery__oom();
	for (size_t i = 0; i < n; i++)
		(*out)[i] = &r->actions[r->action_index[from + i]];
	/* the run is in date order; the registry's order is the array's */
	if (n > 1)
		qsort(*out, n, sizeof(**out), cmp_action_ptr);
	*count = n;
	return 0;
}

int chancery_registry_denunciation_effective(chancery_date *out,
	const chancery_treaty *t, const chancery_date *received)
{
	denounce_rule rule;

	CHANCERY_ASSERT_ARG(out && t && received);
	if (!t->denunciation_rule || !*t->denunciation_rule ||
	    !chancery__reg_denounce_parse(&rule, t->denunciation_rule))
		return chancery__error(CHANCERY_ENOTFOUND,
			"the registry knows no denunciation rule for %s", t->id);
	if (rule.unit == 'x')
		return chancery__error(CHANCERY_EINVALID, "%s has no "
			"denunciation clause (%s): it cannot be denounced",
			t->id, *t->denunciation_basis ? t->denunciation_basis :
			"registry: denunciation_rule \"none\"");
	if (rule.unit == 'd')
		return chancery_date_add_days(out, received, rule.n);
	return chancery_date_add_months(out, received,
		rule.unit == 'y' ? rule.n * 12 : rule.n);
}

/* A denunciation ends the State's status from its effective date on
 * (`as_of` NULL: every action known, so it has); before, it is only
 * received. */
static void end_status(chancery_participation *p, const chancery_action *a,
	const chancery_date *as_of)
{
	const chancery_date *eff = a->effective.year ? &a->effective : &a->date;

	p->denunciation = a;
	if (as_of && chancery_date_cmp(eff, as_of) > 0)
		return;
	p->status = CHANCERY_STATUS_NONE;
	p->signature = NULL;
	p->consent = NULL;
}

static void apply_action(chancery_participation *p, const chancery_action *a,
	const chancery_date *as_of)
{
	switch (chancery_registry_action_classify(a->action)) {
	case CHANCERY_ACTION_ENDS:
		end_status(p, a, as_of);
		break;
	case CHANCERY_ACTION_SIGNS:
		p->signature = a;
		if (p->status == CHANCERY_STATUS_NONE)
			p->status = CHANCERY_STATUS_SIGNATORY;
		break;
	case CHANCERY_ACTION_BINDS:
		if (!p->consent)
			p->consent = a;
		p->status = CHANCERY_STATUS_PARTY;
		p->denunciation = NULL; /* joined again */
		break;
	default:
		break;
	}
}

chancery_status chancery_registry_status(const chancery_registry *r,
	const char *state, const char *treaty, const chancery_date *as_of)
{
	chancery_participation p = { 0 };
	const chancery_action *a;

	for (size_t i = actions_from(r, state, treaty);
	     (a = in_run(r, i, state, treaty)) != NULL; i++)
		if (!as_of || chancery_date_cmp(&a->date, as_of) <= 0)
			apply_action(&p, a, as_of);
	/* before its adoption a treaty has no signatories or parties */
	return chancery__reg_existed(r, treaty, as_of) ? p.status :
		CHANCERY_STATUS_NONE;
}

int chancery_registry_parties(chancery_participation **out, size_t *count,
	const chancery_registry *r, const char *treaty,
	const chancery_date *as_of)
{
	chancery_participation *list;
	size_t n = 0;
	bool existed;

	CHANCERY_ASSERT_ARG(out && count && r && treaty);
	*out = NULL;
	*count = 0;
	if (!chancery_registry_treaty_find(r, treaty))
		return chancery__error(CHANCERY_ENOTFOUND, "unknown treaty '%.40s'",
			treaty);
	list = chancery__calloc(r->nstates ? r->nstates : 1, sizeof(*list));
	if (!list)
		return chancery__oom();
	/* before its adoption a treaty has no signatories or parties */
	existed = chancery__reg_existed(r, treaty, as_of);
	for (size_t i = 0; existed && i < r->nstates; i++) {
		chancery_participation p = { 0 };
		const chancery_state *st = &r->states[i];
		const chancery_action *a;

		p.state = st;
		p.treaty = chancery_registry_treaty_find(r, treaty);

		for (size_t k = actions_from(r, st->code, treaty);
		     (a = in_run(r, k, st->code, treaty)) != NULL; k++)
			if (!as_of || chancery_date_cmp(&a->date, as_of) <= 0)
				apply_action(&p, a, as_of);
		if (p.status != CHANCERY_STATUS_NONE)
			list[n++] = p;
	}
	*out = list;
	*count = n;
	return 0;
}

static int cmp_participation(const void *a, const void *b)
{
	const chancery_participation *x = a, *y = b;

	return x->treaty < y->treaty ? -1 : x->treaty > y->treaty;
}

int chancery_registry_participation(chancery_participation **out,
	size_t *count, const chancery_registry *r, const char *state,
	const chancery_date *as_of)
{
	chancery_participation *list = NULL;
	size_t n = 0, alloc = 0;

	CHANCERY_ASSERT_ARG(out && count && r && state);
	*out = NULL;
	*count = 0;
	for (size_t i = actions_from(r, state, NULL); i < r->nactions; i++) {
		const chancery_action *a = &r->actions[r->action_index[i]];
		chancery_participation *p;

		if (strcmp(a->state, state))
			break;
		if (as_of && (chancery_date_cmp(&a->date, as_of) > 0 ||
		    !chancery__reg_existed(r, a->treaty, as_of)))
			continue;
		/* the index is sorted by treaty within a State */
		if (!n || strcmp(list[n - 1].treaty->id, a->treaty)) {
			if (chancery__grow((void **)&list, &alloc, n + 1,
					sizeof(*list)) < 0) {
				chancery_free(list);
				return CHANCERY_ENOMEM;
			}
			p = &list[n++];
			memset(p, 0, sizeof(*p));
			p->state = chancery_registry_state_find(r, state);
			p->treaty = chancery_registry_treaty_find(r, a->treaty);
		}
		apply_action(&list[n - 1], a, as_of);
	}
	if (n)
		qsort(list, n, sizeof(*list), cmp_participation);
	*out = list;
	*count = n;
	return 0;
}
