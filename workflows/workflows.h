/*
 * workflows.h - what the workflows module's files share: a loaded
 * workflow's transitions with their guards, conditions and actions, and
 * the evaluation of a recipient's state from its story.
 */
#ifndef CHANCERY_WORKFLOWS_INTERNAL_H
#define CHANCERY_WORKFLOWS_INTERNAL_H

#include "../engine/internal.h"

typedef enum { WD_TODAY, WD_RECEIVED, WD_DEPOSITED } wf_datekind;
typedef enum { WC_BEFORE, WC_NOT_AFTER, WC_AFTER, WC_NOT_BEFORE } wf_cmp;
typedef enum { WR_FIXED, WR_LETTER, WR_DEADLINE, WR_EVENT_START,
	WR_EVENT_END } wf_ref;

typedef struct {
	wf_datekind date;
	wf_cmp cmp;
	wf_ref ref;
	chancery_date fixed;
	int offset;
	bool working_days;
} wf_guard;

typedef enum { WI_ANY, WI_ALL, WI_SOME, WI_NONE } wf_intent;

typedef struct {
	size_t from, to;
	char *on;
	wf_guard *guards;
	size_t nguards;
	wf_intent intent;
	char *letter;   /* action letter="...", or NULL */
} wf_transition;

/* The dates a guard compares with. */
typedef struct {
	chancery_date letter, deadline, event_start, event_end;
} wf_dates;

/* The story facts a step is evaluated against. */
typedef struct {
	const chancery_date *today;
	const chancery_date *received;
	const chancery_date *deposited;
	size_t announced, done;   /* intentions announced and performed */
} wf_facts;

size_t wf_transition_count(const chancery_workflow *w);
const wf_transition *wf_transition_at(const chancery_workflow *w, size_t i);

/* The first transition from `state` on `event` whose guards hold, or -1. */
long wf_step(const chancery_workflow *w, size_t state, const char *event,
	const wf_dates *dates, const wf_facts *facts);

/* Add days (or working days, Monday to Friday) to a date. */
void wf_add_days(chancery_date *out, const chancery_date *d, int days,
	bool working);

#endif
