/*
 * registry_asof.c - what existed on a day: a treaty exists from its
 * `adopted` date (registry/treaties.tsv), and every "as of" answer of the
 * registry (status, parties, participation, featured lists) leaves out a
 * treaty adopted after the day asked about.
 *
 * A treaty whose adoption date the registry does not know ("") is taken
 * to have always existed: leaving it out would hide it from every answer,
 * and the registry says which ones these are (`treaties` shows the empty
 * column). No date ("as of" NULL: everything known) leaves nothing out.
 *
 * Left out on purpose: opening and closing for signature (intention.c and
 * the letter data read signature_until), and entry into force, which is
 * about parties, not about existence.
 */
#include "registry_int.h"

#include <string.h>

int chancery_registry_treaty_adopted_by(const chancery_treaty *t,
	const chancery_date *on)
{
	chancery_date adopted;

	if (!t)
		return 0;
	if (!on || !t->adopted[0])
		return 1;
	/* the registry checked the date when it loaded */
	if (chancery_date_parse(&adopted, t->adopted) < 0) {
		chancery_error_clear();
		return 1;
	}
	return chancery_date_cmp(&adopted, on) <= 0;
}

int chancery__reg_existed(const chancery_registry *r, const char *treaty,
	const chancery_date *on)
{
	const chancery_treaty *t;

	if (!on || !(t = chancery_registry_treaty_find(r, treaty)))
		return 1;
	return chancery_registry_treaty_adopted_by(t, on);
}

int chancery_registry_featured_as_of(const chancery_treaty ***out,
	size_t *count, const chancery_registry *r, const char *name,
	const chancery_date *as_of)
{
	size_t n = 0;
	int error;

	if ((error = chancery_registry_featured(out, count, r, name)) < 0)
		return error;
	for (size_t i = 0; i < *count; i++)
		if (chancery_registry_treaty_adopted_by((*out)[i], as_of))
			(*out)[n++] = (*out)[i];
	*count = n;
	return 0;
}
