/*
 * workflows.h - the private header of the workflows module: what its files
 * share and nothing else (no file outside workflows/ includes it).
 *
 *   workflow.c      a loaded workflow's transitions, guards, conditions and
 *                   actions, and one step of evaluation (wf_step)
 *   language.c      dates, names and action words in en, fr, es
 *   campaign_file.c the campaign id, campaigns/ID/ read back (campaign.txt,
 *                   featured.tsv, recipients.tsv, letters/CODE.odt)
 *   campaign.c      opening a campaign (the shipped templates embedded)
 *   campaign_info.c campaigns listed, shown and closed
 *   dispatch.c      a State's current letter, and whether it went out
 *   letter_data.c   the letter data of one State
 *   generate.c      generating the invitation letters
 *   intention.c     intentions ("ACTION TREATY"): parsed, checked, matched
 *                   with the deposits that carry them out
 *   story.c         each recipient's story, replayed through the workflow
 *   reply.c         dispatch (send) and replies
 *   status.c        the status of a campaign as JSON
 *   remind.c        reminders and acknowledgments
 *
 * Functions shared between these files start with wf_ (library-private:
 * with hidden visibility none is exported); the campaign's own types
 * (campaign, context, story, ...) are unprefixed, as no public header
 * names them.
 */
#ifndef CHANCERY_WORKFLOWS_INTERNAL_H
#define CHANCERY_WORKFLOWS_INTERNAL_H

#include "../engine/base.h"
#include "../engine/store.h"
#include "../engine/table.h"
#include "../letters/data.h"
#include "chancery.h"

#include <jansson.h>

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

/* condition intentions=: all-done, some-done, none-done (announced some,
 * did none), none-announced (nothing announced, or all withdrawn) */
typedef enum { WI_ANY, WI_ALL, WI_SOME, WI_NONE, WI_NONE_ANNOUNCED } wf_intent;
/* condition deposits=: any or none of the campaign's deposits */
typedef enum { WP_EITHER, WP_ANY, WP_NONE } wf_deposits;

typedef struct {
	size_t from, to;
	char *on;
	wf_guard *guards;
	size_t nguards;
	wf_intent intent;
	wf_deposits deposits;
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
	size_t deposits;          /* treaty actions that count for the campaign */
} wf_facts;

size_t wf_transition_count(const chancery_workflow *w);
const wf_transition *wf_transition_at(const chancery_workflow *w, size_t i);

/* The first day from which the `today` guards of `t` hold (the latest of
 * their lower bounds); false when none bounds it from below. */
bool wf_guard_since(chancery_date *out, const wf_transition *t,
	const wf_dates *dates);

/* The first transition from `state` on `event` whose guards hold, or -1. */
long wf_step(const chancery_workflow *w, size_t state, const char *event,
	const wf_dates *dates, const wf_facts *facts);


/* ---- language.c --------------------------------------------------------- */

/* 0 for English (and anything unknown), 1 French, 2 Spanish. */
int wf_lang_index(const char *language);
/* "21 to 24 September 2004" in a language. */
void wf_range_write(char *buf, size_t size, const chancery_date *a,
	const chancery_date *b, const char *language);
/* "France (la)" -> "la France"; the caller frees the result (NULL: out
 * of memory). */
char *wf_french_name(const char *name);
/* The word of an action code (sign, ratify, accede) in a language. */
const char *wf_action_word(const char *code, const char *language);
/* "ratificación": a binding action's name in a language, for the annex. */
void wf_action_name(char *buf, size_t size, const char *code,
	const char *language);
/* "sign by 30 June 2004, or accede to it at the event", in a language. */
void wf_sign_or_accede(char *buf, size_t size, const chancery_date *until,
	const char *language);
/* The treaty's id, title, short title in a language, each with its
 * *_language and *_fallback (true: the English one, standing in). */
void wf_treaty_json(json_t *e, const chancery_treaty *t, const char *language);

/* ---- campaign_file.c ---------------------------------------------------- */

/* campaigns/ID/campaign.txt */
typedef struct {
	char id[80];
	char title[400];
	char workflow[80];
	chancery_date letter_date, deadline, event_start, event_end;
	char featured[200];
	chancery_date closed;   /* closed.txt (campaign close); year 0: open */
	char title_fr[400], title_es[400]; /* "" : none given */
} campaign;

/* Everything a campaign's letters need, read from one tree. */
typedef struct {
	campaign c;
	chancery_registry *reg;
	char **featured, **recipients;
	size_t nfeat, nrec;
	unsigned *letter;   /* per recipient: its current letter's number
	                     * (dispatch.c), 0 when none is generated */
} context;

/* Load a campaign from `tree` (NULL: the branch head), with the registry
 * of the same tree. wf_context_free() it even on error. */
int wf_context_load(context *x, chancery_repository *repo, const chancery_tree *tree,
	const char *id);
void wf_context_free(context *x);

/* The next token of *s: skips any of `delims`, ends the token at the next
 * one (written over with a NUL) and moves *s past it; NULL at the end.
 * What strtok_r did, without its hidden state. */
char *wf_token(char **s, const char *delims);

/* The file at `path` of `tree` (NULL: the branch head's), a copy the
 * caller frees: chancery__tree_file's errors. */
int wf_tree_read(char **out, size_t *size, chancery_repository *repo,
	const chancery_tree *tree, const char *path);

/* The campaign-id error every entry point gives. */
int wf_id_error(const char *id);

/* Adds a count as a trailer field of the event. */
int wf_add_count(chancery_event *ev, const char *key, size_t count);

/* "FOCUS2004/FRA/1": the reference of a State's invitation. */
void wf_reference(char *buf, size_t size, const char *id, const char *code);

/* ---- dispatch.c --------------------------------------------------------- */

/* The largest number a State's letter takes (letters/CODE-999.odt). */
#define WF_LETTER_MAX 999u

/* "FOCUS2004/FRA/N": the reference of a State's Nth letter. */
void wf_reference_nth(char *buf, size_t size, const char *id,
	const char *code, unsigned n);
/* campaigns/ID/letters/CODE.odt (n 1) or CODE-N.odt (n > 1). */
void wf_letter_path(char *buf, size_t size, const char *id,
	const char *code, unsigned n);
/* The number of the current letter of `code` in `tree`: the largest N
 * whose file it holds (0: none). */
unsigned wf_letter_number(const chancery_tree *tree, const char *id,
	const char *code);
/* The same in the campaign's letters folder (NULL: none), which
 * wf_letters_folder gives (NULL in *out when `tree` is NULL or has none):
 * one folder read for a whole campaign's letters. */
unsigned wf_letter_number_in(const chancery_tree *letters, const char *code);
int wf_letters_folder(chancery_tree **out, const chancery_tree *tree,
	const char *id);
/* The current letter's number of recipient `code` in `x` (0: none). */
/* Letter data `data` made the letter number `n` of State `code` (n > 1:
 * it supersedes n - 1): its reference ID/CODE/N and "supersedes". */
void wf_letter_reference_set(json_t *data, const char *id,
	const char *code, unsigned n);
unsigned wf_letter_of(const context *x, const char *code);
/* What history says of a recipient's current letter. */
typedef struct {
	bool sent;          /* a send named it after the letter was written */
	char written[41];   /* the commit of the letters event that wrote
	                     * it ("" when none is known) */
} wf_dispatch;

/* Per recipient of `x` (in its order), the dispatch of its current
 * letter, from the history of commit `at` (NULL: the head). *out is the
 * caller's (chancery_free()). */
int wf_dispatched(wf_dispatch **out, chancery_repository *repo,
	const context *x, const char *at);
/* The registry's tree id (hex) in the tree of commit `commit` (hex):
 * the provenance a letter written by that commit carries; "" when it
 * cannot be found (0), CHANCERY_ENOMEM when memory ran out. */
int wf_registry_at(char out[41], chancery_repository *repo,
	const char *commit);
/* CHANCERY_EINVALID when the campaign is closed ("it generates no more
 * `what`"), else 0. */
int wf_open_check(const campaign *c, const char *what);

/* ---- letter_data.c ------------------------------------------------------ */

/* A JSON string of `s`, "" for NULL. */
json_t *wf_jstr(const char *s);

/* Build the invitation data of one State (docs/template-data.md). */
int wf_letter_data(json_t **out, const campaign *c,
	const chancery_registry *reg, char **featured, size_t nfeat,
	const chancery_state *st);

/* ---- story.c ------------------------------------------------------------ */

/* EV_TIME is no event of the story: wf_replay hands one to its callback
 * for each time step it takes after the last event. */
typedef enum { EV_LETTERS, EV_SEND, EV_REPLY, EV_REMIND, EV_DEPOSIT,
	EV_TIME } story_kind;

typedef struct {
	story_kind kind;
	chancery_date date;
	bool acknowledged;  /* reply: an acknowledgment was generated */
	size_t seq;        /* order of recording, to keep equal dates stable */
	char **intends;    /* reply: "action treaty" */
	size_t nintends;
	char **withdraws;
	size_t nwithdraws;
	bool late;
	bool none;         /* reply: "None: yes", no action intended */
	const chancery_action *act; /* deposit: the action (the registry's) */
	/* deposit: it counts for the campaign (dated after the letter's day
	 * up to the event's last day, or its record names the campaign) */
	bool counts;
} story_event;

typedef struct {
	const char *code;
	story_event *ev;
	size_t nev, aev;
} story;

typedef struct {
	const char *campaign;
	story *s;          /* one per recipient, in recipient order (or the one) */
	size_t ns;
	size_t seq;
	char **named;      /* "STATE TREATY ACTION DATE" of deposits naming it */
	size_t nnamed;
	int error;
} story_ctx;

/* The stories of a campaign's recipients, from its history (as of commit
 * `at`, NULL: the head) and the registry's actions from the letter date
 * on, each sorted by date; with `only` (not NULL), the story of that one
 * State (none when it is not a recipient), read from the events that may
 * concern it alone. wf_stories_free() them even on error. */
int wf_stories_load(story_ctx *sx, chancery_repository *repo,
	const context *x, const char *at, const char *only);
void wf_stories_free(story_ctx *sx);
story *wf_story_of(story_ctx *sx, const char *code);

/* Current intentions after the replies up to `as_of` (NULL: all); *out
 * is the caller's (chancery_free()), its strings the story's. */
size_t wf_intentions_of(char ***out, const story *s,
	const chancery_date *as_of);

/* The first deposit that counts for the campaign and carries out an
 * intention, up to `as_of`, or NULL. */
const story_event *wf_done_by(const story *s, const char *intent,
	const chancery_date *as_of);

/* Replay a story up to as_of; for each event, `each` (may be NULL) gets
 * the transition taken (-1: none), then for each time step after the last
 * event an EV_TIME event (borrowed for the call) dated the first day its
 * guards held (at most as_of; it may precede the last event). Returns the
 * state. */
size_t wf_replay(const chancery_workflow *w, story *s,
	const wf_dates *dates, const chancery_date *as_of, char **cur,
	size_t ncur, void (*each)(story_event *e, long t, void *p), void *p);

/* The campaign's workflow (campaigns/ID/workflow.xml of `tree`, NULL:
 * the head) and the dates its guards compare with. */
int wf_campaign_workflow(chancery_workflow **out, wf_dates *dates,
	chancery_repository *repo, const chancery_tree *tree, const char *id,
	const context *x);

/* ---- intention.c -------------------------------------------------------- */

/* An intention: "ratify XVIII-10" as history keeps it, "ratify:XVIII-10"
 * as a caller gives it. */
typedef chancery_campaign_intention wf_intention;

/* Parse "ACTION:TREATY" only (CHANCERY_EINVALID with the reason). */
int wf_intention_parse(wf_intention *out, const char *spec);
/* Split a stored "ACTION TREATY"; false when it is not of that form (or
 * does not fit). */
bool wf_intention_split(wf_intention *out, const char *stored);
/* Format as stored: "ACTION TREATY". */
void wf_intention_format(char *buf, size_t size, const wf_intention *in);

/* May `state` announce `spec` ("ACTION:TREATY") on `when`, given its
 * participation as of that day? 0, or CHANCERY_EINVALID with the reason. */
int wf_intention_check(const chancery_registry *reg, const char *state,
	const chancery_date *when, const char *spec);

/* Does registry action `a` carry out the stored intention "VERB TREATY"?
 * A signature does "sign"; any action that binds does ratify, accept,
 * approve, accede. */
bool wf_intention_fulfilled(const char *intent, const chancery_action *a);

#endif
