/*
 * letter_data.c - the letter data of one State (docs/template-data.md):
 * the JSON a template renders, built from the campaign and the registry.
 *
 * It follows the personalization rule of DOMAIN.md on participation as of
 * the letter date: a party is left out; a signatory is invited to ratify;
 * a State that did nothing is invited to sign while the treaty is open for
 * signature at the event, to sign by its closing date or accede where
 * signature closes between the letter and the event, else to accede.
 * Names, with the article and number the registry gives them (article_en,
 * plural_fr, article_es, plural_es): English; French from its French short
 * names (the registry has no French formal names, so the short name stands
 * for both); Spanish from name_es, the English name flagged as such
 * (name_fallback) where a State has none. Titles (treaty and campaign) in
 * the letter's language where there is one, else the English one flagged
 * (title_fallback). Dates are written in the letter's language
 * (language.c).
 *
 * Invariant: the data depends on the campaign and the registry only, never
 * on the clock, so a letter renders the same years later. Left out on
 * purpose: what reminders and acknowledgments add (remind.c).
 */
#include "workflows.h"

#include <string.h>

json_t *wf_jstr(const char *s)
{
	return json_string(s ? s : "");
}

/* The name in running text, with its article: "the Netherlands", "les
 * Comores", "la Argentina"; the bare short name into *bare. */
static char *name_in(const chancery_state *st, int l, const char **bare)
{
	const char *article = l == 0 ? st->article_en : st->article_es;

	if (l == 1)
		return wf_french_name(st->name_fr[0] ? st->name_fr : st->name);
	*bare = l == 2 && st->name_es[0] ? st->name_es : st->name;
	if (l == 2 && !st->name_es[0])
		return chancery__strdup(st->name);
	return article[0] ? chancery__sprintf("%s %s", article, *bare) :
		chancery__strdup(*bare);
}

/* state: code, name (with its article), short_name, formal_name, plural,
 * name_fallback and language, names in the letter's. */
static int state_json(json_t *state, const chancery_state *st, int l)
{
	const char *bare = NULL, *formal;
	char *name = name_in(st, l, &bare), *fr = NULL;
	bool plural = l == 1 ? !strcmp(st->plural_fr, "yes") :
		l == 2 ? !strcmp(st->plural_es, "yes") : false;

	if (l == 1) {
		/* "Libéria (le)" -> "Libéria" */
		const char *f = st->name_fr[0] ? st->name_fr : st->name;
		const char *open = strrchr(f, '(');
		size_t n = open && open > f ? (size_t)(open - f) : strlen(f);

		while (n && f[n - 1] == ' ')
			n--;
		bare = fr = chancery__sprintf("%.*s", (int)n, f);
	}
	if (!name || !bare) {
		chancery_free(name);
		chancery_free(fr);
		return chancery__oom();
	}
	/* French and Spanish: no formal names in the registry, the short
	 * one stands for both (Spanish without its article: "a Ecuador") */
	formal = l == 1 ? name : l == 2 ? bare :
		st->formal_name[0] ? st->formal_name : st->name;
	json_object_set_new(state, "code", wf_jstr(st->code));
	json_object_set_new(state, "name", wf_jstr(name));
	json_object_set_new(state, "short_name", wf_jstr(bare));
	json_object_set_new(state, "formal_name", wf_jstr(formal));
	json_object_set_new(state, "plural", json_boolean(plural));
	json_object_set_new(state, "name_fallback", json_boolean(
		(l == 1 && !st->name_fr[0]) || (l == 2 && !st->name_es[0])));
	json_object_set_new(state, "language", wf_jstr(st->language));
	chancery_free(name);
	chancery_free(fr);
	return 0;
}

/* campaign.title in the letter's language; the English one, flagged,
 * where the campaign has none in it */
static void campaign_title(json_t *camp, const campaign *c, int l)
{
	const char *t = l == 1 ? c->title_fr : l == 2 ? c->title_es : c->title;
	bool fallback = !t[0];

	json_object_set_new(camp, "title", wf_jstr(fallback ? c->title : t));
	json_object_set_new(camp, "title_language",
		wf_jstr(fallback || !l ? "en" : l == 1 ? "fr" : "es"));
	json_object_set_new(camp, "title_fallback", json_boolean(fallback));
}

/* letter (date, reference) and campaign (id, title, deadline, event). */
static void campaign_json(json_t *letter, json_t *camp, json_t *event,
	const campaign *c, const chancery_state *st)
{
	const char *lang = st->language;
	char buf[200], ref[120];

	chancery_date_write(buf, sizeof(buf), &c->letter_date, lang);
	json_object_set_new(letter, "date", wf_jstr(buf));
	wf_reference(ref, sizeof(ref), c->id, st->code);
	json_object_set_new(letter, "reference", wf_jstr(ref));
	json_object_set_new(camp, "id", wf_jstr(c->id));
	campaign_title(camp, c, wf_lang_index(lang));
	chancery_date_write(buf, sizeof(buf), &c->deadline, lang);
	json_object_set_new(camp, "deadline", wf_jstr(buf));
	chancery_date_write(buf, sizeof(buf), &c->event_start, lang);
	json_object_set_new(event, "start", wf_jstr(buf));
	chancery_date_write(buf, sizeof(buf), &c->event_end, lang);
	json_object_set_new(event, "end", wf_jstr(buf));
	wf_range_write(buf, sizeof(buf), &c->event_start, &c->event_end, lang);
	json_object_set_new(event, "dates", wf_jstr(buf));
}

/* What the letter invites the State to do with `t`, or NULL (a party). */
static const char *invited_action(const chancery_registry *reg,
	const chancery_treaty *t, const char *state, const chancery_date *when)
{
	chancery_status s = chancery_registry_status(reg, state, t->id, when);
	chancery_date until;
	bool open;

	if (s == CHANCERY_STATUS_PARTY)
		return NULL;
	if (s == CHANCERY_STATUS_SIGNATORY)
		return "ratify";
	open = strcmp(t->signature, "no") != 0 &&
		(!t->signature_until[0] ||
		 (chancery_date_parse(&until, t->signature_until) == 0 &&
		  chancery_date_cmp(when, &until) <= 0));
	return open ? "sign" : "accede";
}

/* One featured treaty the State is invited to act on. A treaty open for
 * signature on the letter date that closes before the event is offered
 * both ways: sign by its closing date, or accede at the event. */
static void treaty_entry(json_t *e, const chancery_treaty *t,
	const char *code, const campaign *c, const char *lang)
{
	chancery_date until;
	bool dated = t->signature_until[0] &&
		chancery_date_parse(&until, t->signature_until) == 0;
	char buf[200];

	wf_treaty_json(e, t, lang);
	if (!strcmp(code, "sign") && dated &&
	    chancery_date_cmp(&until, &c->event_start) < 0) {
		code = "sign_or_accede";
		wf_sign_or_accede(buf, sizeof(buf), &until, lang);
	} else
		snprintf(buf, sizeof(buf), "%s", wf_action_word(code, lang));
	json_object_set_new(e, "action", wf_jstr(buf));
	json_object_set_new(e, "action_code", wf_jstr(code));
	if (dated)
		chancery_date_write(buf, sizeof(buf), &until, lang);
	json_object_set_new(e, "signature_until", dated ? wf_jstr(buf) :
		json_null());
}

/* treaties: the featured treaties the State has not joined. */
static int treaties_json(json_t *treaties, const campaign *c,
	const chancery_registry *reg, char **featured, size_t nfeat,
	const chancery_state *st)
{
	for (size_t i = 0; i < nfeat; i++) {
		const chancery_treaty *t = chancery_registry_treaty_find(reg,
			featured[i]);
		const char *code;
		json_t *e;

		if (!t || !chancery_registry_treaty_adopted_by(t,
				&c->letter_date) ||
		    !(code = invited_action(reg, t, st->code,
				&c->letter_date)))
			continue;
		if (!(e = json_object()))
			return chancery__oom();
		treaty_entry(e, t, code, c, st->language);
		json_array_append_new(treaties, e);
	}
	return 0;
}

/* One treaty of the annex: the State's status with it, in words. */
static void review_entry(json_t *e, const chancery_treaty *t,
	const chancery_participation *pp, const char *lang, int l)
{
	static const char *const party[3] = { "Party", "Partie", "Parte" };
	static const char *const signatory[3] = { "Signatory",
		"Signataire", "Signatario" };
	char since[11] = "", when[64] = "", text[200] = "-", name[64];
	const char *status = "none", *action = NULL;

	if (pp && pp->status == CHANCERY_STATUS_PARTY) {
		status = "party";
		action = pp->consent->action;
		chancery_date_format(since, sizeof(since), &pp->consent->date);
		chancery_date_write(when, sizeof(when), &pp->consent->date, lang);
		wf_action_name(name, sizeof(name), action, lang);
		snprintf(text, sizeof(text), "%s (%s, %s)", party[l], name,
			when);
	} else if (pp && pp->status == CHANCERY_STATUS_SIGNATORY) {
		status = "signatory";
		action = "signature";
		chancery_date_format(since, sizeof(since), &pp->signature->date);
		chancery_date_write(when, sizeof(when), &pp->signature->date,
			lang);
		snprintf(text, sizeof(text), "%s (%s)", signatory[l], when);
	}
	wf_treaty_json(e, t, lang);
	json_object_set_new(e, "status", wf_jstr(status));
	json_object_set_new(e, "action", action ? wf_jstr(action) :
		json_null());
	json_object_set_new(e, "since", since[0] ? wf_jstr(since) :
		json_null());
	json_object_set_new(e, "status_text", wf_jstr(text));
}

/* review: the annex, every treaty of the registry adopted by the letter
 * date. */
static int review_json(json_t *review, const campaign *c,
	const chancery_registry *reg, const chancery_state *st, int l)
{
	chancery_participation *p = NULL;
	size_t np = 0, k = 0;
	int error;

	if ((error = chancery_registry_participation(&p, &np, reg,
			st->code, &c->letter_date)) < 0)
		return error;
	for (size_t i = 0; i < chancery_registry_treaty_count(reg); i++) {
		const chancery_treaty *t = chancery_registry_treaty(reg, i);
		const chancery_participation *pp = NULL;
		json_t *e;

		/* what did not exist on the letter date is not in the annex */
		if (!chancery_registry_treaty_adopted_by(t, &c->letter_date))
			continue;
		if (!(e = json_object())) {
			error = chancery__oom();
			break;
		}
		while (k < np && p[k].treaty < t)
			k++;
		if (k < np && p[k].treaty == t)
			pp = &p[k];
		review_entry(e, t, pp, st->language, l);
		json_array_append_new(review, e);
	}
	chancery_free(p);
	return error;
}

int wf_letter_data(json_t **out, const campaign *c,
	const chancery_registry *reg, char **featured, size_t nfeat,
	const chancery_state *st)
{
	int l = wf_lang_index(st->language);
	json_t *o = json_object(), *state = json_object(), *letter = json_object(),
		*camp = json_object(), *event = json_object(),
		*treaties = json_array(), *review = json_array();
	int error = 0;

	*out = NULL;
	if (!o || !state || !letter || !camp || !event || !treaties || !review) {
		error = chancery__oom();
		goto fail;
	}
	if ((error = state_json(state, st, l)) < 0)
		goto fail;
	campaign_json(letter, camp, event, c, st);
	json_object_set_new(camp, "event", event);
	event = NULL;
	if ((error = treaties_json(treaties, c, reg, featured, nfeat, st)) < 0)
		goto fail;
	json_object_set_new(o, "treaties_count",
		json_integer((json_int_t)json_array_size(treaties)));
	if ((error = review_json(review, c, reg, st, l)) < 0)
		goto fail;
	json_object_set_new(o, "state", state);
	json_object_set_new(o, "letter", letter);
	json_object_set_new(o, "campaign", camp);
	json_object_set_new(o, "treaties", treaties);
	json_object_set_new(o, "review", review);
	*out = o;
	return 0;
fail:
	json_decref(o);
	json_decref(state);
	json_decref(letter);
	json_decref(camp);
	json_decref(event);
	json_decref(treaties);
	json_decref(review);
	return error;
}

int chancery_campaign_letter_data(chancery_data **out,
	chancery_repository *repo, const char *id, const char *state)
{
	context x;
	const chancery_state *st;
	json_t *o = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id && state);
	*out = NULL;
	if ((error = wf_context_load(&x, repo, NULL, id)) < 0)
		goto done;
	if (!(st = chancery_registry_state_find(x.reg, state))) {
		error = chancery__error(CHANCERY_ENOTFOUND,
			"unknown State '%.40s'", state);
		goto done;
	}
	if ((error = wf_letter_data(&o, &x.c, x.reg, x.featured, x.nfeat,
			st)) < 0)
		goto done;
	/* the current letter's data: a superseding one has its reference */
	wf_letter_reference_set(o, x.c.id, st->code, wf_letter_of(&x, st->code));
	*out = chancery__data_wrap(o);
done:
	wf_context_free(&x);
	return error;
}
