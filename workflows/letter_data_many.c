/*
 * letter_data_many.c - the letter data of several States at once, in the
 * language a caller asks for: what a test or a reviewer needs to read a
 * State's letter in a language not its own (every State in English, French
 * and Spanish), rendered with that language's template.
 *
 * Invariant: the data of a State in its own language is exactly what
 * chancery_campaign_letter_data() gives (both go through wf_letter_data);
 * another language changes the State's `language` and nothing else, so
 * names, titles and dates follow the same rules and the same fallbacks.
 * The campaign and registry are read once for the whole batch. Left out on
 * purpose: reminders' and acknowledgments' own fields (remind.c).
 */
#include "workflows.h"

#include <string.h>

static int one(json_t *arr, const context *x, const char *code,
	const char *language)
{
	const chancery_state *st = chancery_registry_state_find(x->reg, code);
	chancery_state copy;
	json_t *o = NULL;
	int error;

	if (!st)
		return chancery__error(CHANCERY_ENOTFOUND,
			"unknown State '%.40s'", code);
	copy = *st;
	if (language)
		copy.language = language;
	if ((error = wf_letter_data(&o, &x->c, x->reg, x->featured, x->nfeat,
			&copy)) < 0)
		return error;
	wf_letter_reference_set(o, x->c.id, code, wf_letter_of(x, code));
	if (json_array_append_new(arr, o) < 0)
		return chancery__oom();
	return 0;
}

int chancery_campaign_letters_data(chancery_data **out,
	chancery_repository *repo, const char *id, const char *const *states,
	size_t nstates, const chancery_letter_data_options *o)
{
	const char *language = o ? o->language : NULL;
	context x;
	json_t *arr = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id && (states || !nstates));
	CHANCERY_CHECK_VERSION(o, CHANCERY_LETTER_DATA_OPTIONS_VERSION);
	*out = NULL;
	if (language && strcmp(language, "en") && strcmp(language, "fr") &&
	    strcmp(language, "es"))
		return chancery__error(CHANCERY_EINVALID,
			"unknown language '%.20s' (en, fr or es)", language);
	if ((error = wf_context_load(&x, repo, NULL, id)) < 0)
		goto done;
	if (!(arr = json_array())) {
		error = chancery__oom();
		goto done;
	}
	if (!states) {
		states = (const char *const *)x.recipients;
		nstates = x.nrec;
	}
	for (size_t i = 0; i < nstates; i++)
		if ((error = one(arr, &x, states[i], language)) < 0)
			goto done;
	*out = chancery__data_wrap(arr);
	arr = NULL;
done:
	json_decref(arr);
	wf_context_free(&x);
	return error;
}
