/*
 * vocabulary.h - the acts a deposit records, and the checks of those that
 * are neither a signature nor a consent to be bound (vocabulary.c).
 * Private to the archive module.
 */
#ifndef CHANCERY_ARCHIVE_VOCABULARY_H
#define CHANCERY_ARCHIVE_VOCABULARY_H

#include "../engine/base.h"
#include "../engine/store.h"
#include "chancery/archive.h"

#define CHANCERY__ACT_INSTRUMENT 1u /* its instrument's file is required */
#define CHANCERY__ACT_TEXT 2u       /* its text (--text FILE) is required */
#define CHANCERY__ACT_MORE 4u       /* not a signature nor a consent:
				     * chancery__act_check's */

typedef struct {
	const char *name;    /* as the registry writes it: "reservation" */
	const char *display; /* as the notification says it: "Reservation" */
	unsigned needs;
} chancery__act;

/** The act of registry spelling `name`, or NULL. */
const chancery__act *chancery__act_find(const char *name);

/** What the checks of an act found, for its record and notification. */
typedef struct {
	char made_at[16];      /* reservation, declaration: "signature",
				* "consent" or "later" */
	char other_state[8];   /* objection: the reserving State */
	char other_date[11];   /* objection, withdrawal: the reservation's day */
	chancery_date effective; /* denunciation: when it takes effect */
	bool has_effective;
} chancery__act_facts;

/**
 * May the deposit `o` of act `act` (CHANCERY__ACT_MORE) be recorded on
 * `base`, whose registry is `reg`? Fills `out`; CHANCERY_EINVALID or
 * CHANCERY_ENOTFOUND with the reason.
 */
int chancery__act_check(chancery__act_facts *out, chancery_repository *repo,
	const chancery_registry *reg, const chancery_tree *base,
	const chancery_deposit_options *o, const chancery__act *act,
	const chancery_treaty *t);

/** The sentence the notification says the act in ("Liberia deposited
 * its instrument of ratification."), into `buf`. */
void chancery__act_statement(char *buf, size_t size, const chancery__act *act,
	const chancery_registry *reg, const char *state,
	const chancery__act_facts *f, const char *article);

#endif
