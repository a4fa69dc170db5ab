/*
 * chancery/campaign.h - correspondence campaigns: a workflow, dates, a
 * featured list of treaties, recipients and letter templates, kept in
 * campaigns/ID/ of the repository; and the personalized letters of a
 * campaign, generated from the registry as of the letter date.
 */
#ifndef CHANCERY_CAMPAIGN_H
#define CHANCERY_CAMPAIGN_H

#include "common.h"
#include "repository.h"
#include "registry.h"
#include "letters.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A template a campaign takes instead of the shipped one: the ODT file at
 * `path` for the letters of `kind` ("invitation", "reminder",
 * "acknowledgment") in `language` ("en", "fr", "es"). A kind or a
 * language that names no template, a file that cannot be read or is not
 * an ODT template is refused (CHANCERY_EINVALID, CHANCERY_ENOTFOUND for
 * a missing file): nothing is written. */
typedef struct {
	const char *kind;
	const char *language;
	const char *path;
} chancery_campaign_template;

#define CHANCERY_CAMPAIGN_OPTIONS_VERSION 3

typedef struct {
	unsigned int version;
	const char *id;           /**< lowercase word: focus2004 */
	const char *title;        /**< NULL: the featured list's name */
	const char *workflow;     /**< shipped name or file path */
	chancery_date letter_date;
	chancery_date deadline;
	chancery_date event_start;
	chancery_date event_end;
	const char *featured;     /**< a registry list name, or a file path */
	const char *recipients;   /**< NULL or "all": every State; or a file of codes */
	/** `ntemplates` templates to use; what is not given comes from the
	 * shipped templates (the last of two for one kind and language wins) */
	const chancery_campaign_template *templates;
	size_t ntemplates;
	/** the title in French and in Spanish, as letters in those languages
	 * quote it; NULL: none (those letters give the English title, marked
	 * as such) */
	const char *title_fr;
	const char *title_es;
} chancery_campaign_options;

#define CHANCERY_CAMPAIGN_OPTIONS_INIT { CHANCERY_CAMPAIGN_OPTIONS_VERSION }

#define CHANCERY_LETTER_DATA_OPTIONS_VERSION 1

typedef struct {
	unsigned int version;
	/** "en", "fr" or "es": every letter in that language; NULL: each
	 * State's own */
	const char *language;
} chancery_letter_data_options;

#define CHANCERY_LETTER_DATA_OPTIONS_INIT \
	{ CHANCERY_LETTER_DATA_OPTIONS_VERSION, NULL }

/**
 * Is `id` a campaign id: 1 to 64 characters, lowercase ASCII letters,
 * digits, '-' and '_', starting with a letter or a digit ("focus2004")?
 * 1 if so, 0 if not (NULL is not). Every function taking a campaign id
 * refuses any other with CHANCERY_EINVALID; a program checks its input
 * with this before building paths or messages from it.
 */
CHANCERY_EXTERN(int) chancery_campaign_id_valid(const char *id);

/** Open a campaign: one commit storing its definition. */
CHANCERY_EXTERN(int) chancery_campaign_open(chancery_repository *repo,
	const chancery_campaign_options *opts);

/**
 * The letter data of one State for a campaign's invitation, as
 * docs/template-data.md describes it. The caller frees *out.
 */
CHANCERY_EXTERN(int) chancery_campaign_letter_data(chancery_data **out,
	chancery_repository *repo, const char *campaign, const char *state);

/**
 * The recipients of a campaign: their State codes, in the campaign's
 * order, as of the branch head. *out is a NULL-terminated array the
 * caller owns and frees with chancery_campaign_recipients_free();
 * `count` (may be NULL) gets its length. CHANCERY_EINVALID for a bad
 * campaign id or a recipient that is not a State code (a peer's file may
 * hold anything); CHANCERY_ENOTFOUND when there is no such campaign.
 */
CHANCERY_EXTERN(int) chancery_campaign_recipients(char ***out, size_t *count,
	chancery_repository *repo, const char *campaign);

/** Free what chancery_campaign_recipients() gave; NULL is fine. */
CHANCERY_EXTERN(void) chancery_campaign_recipients_free(char **recipients);

/**
 * The letter data of `nstates` States (`states` NULL: every recipient of
 * the campaign, in its order) as one JSON array, each as
 * chancery_campaign_letter_data() gives it, but written in
 * `opts->language` where it is set: a State's letter in a language not its
 * own. CHANCERY_EINVALID for an unknown language, CHANCERY_ENOTFOUND for
 * an unknown State. The caller frees *out.
 */
CHANCERY_EXTERN(int) chancery_campaign_letters_data(chancery_data **out,
	chancery_repository *repo, const char *campaign,
	const char *const *states, size_t nstates,
	const chancery_letter_data_options *opts);

/**
 * Read the generated invitation letter of one recipient (an ODT package)
 * as of the branch head, without knowing where the campaign keeps it:
 * its current letter (the last of those that superseded each other).
 * *out is the caller's (chancery_free()); `size` (may be NULL) gets its
 * size. CHANCERY_EINVALID for a bad campaign id or State code;
 * CHANCERY_ENOTFOUND when the letter is not generated (or the campaign or
 * the recipient does not exist).
 */
CHANCERY_EXTERN(int) chancery_campaign_letter(char **out, size_t *size,
	chancery_repository *repo, const char *campaign, const char *state);

typedef struct {
	size_t letters;   /**< letters generated */
	size_t changed;   /**< of which new or different */
	char commit[41];  /**< the commit made, or "": nothing recorded */
} chancery_letters_result;

#define CHANCERY_LETTERS_OPTIONS_VERSION 2

typedef struct {
	unsigned int version;
	const char *state;       /**< only this State (NULL: every recipient) */
	int dry_run;             /**< render and check, commit nothing */
	chancery_diagnostic_cb problem; /**< each failing letter */
	void *payload;
	/** verify: nothing is recorded; each letter whose stored file differs
	 * from a fresh rendering (or is missing) goes to `problem` */
	int verify;
	/** called after each letter: done, total */
	void (*progress)(size_t done, size_t total, void *payload);
	/** a dispatched letter that would change gets a new letter that
	 * supersedes it (its own file and reference, ID/CODE/2, ...);
	 * without this, such a letter is refused (CHANCERY_EINVALID) */
	int supersede;
} chancery_letters_options;

#define CHANCERY_LETTERS_OPTIONS_INIT { CHANCERY_LETTERS_OPTIONS_VERSION }

/**
 * Generate the invitation letters of a campaign, each in its recipient's
 * language, personalized from participation as of the letter date, with
 * its provenance in meta.xml; one commit for the batch
 * (campaigns/ID/letters/CODE.odt). Nothing to record (the letters are up
 * to date, a dry run, a verify that found every letter as it should be):
 * 0, no commit, and `result->commit` is "". A verify that finds a letter
 * that differs is CHANCERY_ECONFLICT. A letter that was dispatched is a
 * record: if it would change, CHANCERY_EINVALID naming the States, unless
 * `supersede` is set: then a new letter, campaigns/ID/letters/CODE-N.odt
 * with reference ID/CODE/N, supersedes it (the first stays) and waits for
 * its own dispatch. A closed campaign generates nothing
 * (CHANCERY_EINVALID); verify still checks it.
 */
CHANCERY_EXTERN(int) chancery_campaign_generate(chancery_letters_result *result,
	chancery_repository *repo, const char *campaign,
	const chancery_letters_options *opts);

/**
 * Record the dispatch of a campaign's letters on `date` (to `state` only,
 * or to every recipient whose letter is not sent yet): one commit.
 * `sent` (may be NULL) gets how many; every letter sent already is 0
 * with *sent 0 and no commit.
 */
CHANCERY_EXTERN(int) chancery_campaign_send(size_t *sent,
	chancery_repository *repo, const char *campaign,
	const chancery_date *date, const char *state);

/** An intention a reply announces: an action (sign, ratify, accept,
 * approve, accede) and a treaty. */
typedef struct {
	char action[16];
	char treaty[40];
} chancery_campaign_intention;

/**
 * Parse an intention, "ACTION:TREATY" as a caller gives it or "ACTION
 * TREATY" as history keeps it (the Intends and Withdraws trailers of
 * reply events), split at the first ':' or ' '. Only the form is checked
 * (neither part empty, each fits), not the action nor the treaty;
 * otherwise CHANCERY_EINVALID.
 */
CHANCERY_EXTERN(int) chancery_campaign_intention_parse(
	chancery_campaign_intention *out, const char *text);

#define CHANCERY_REPLY_OPTIONS_VERSION 3

typedef struct {
	unsigned int version;
	const char *state;
	chancery_date received;
	/** `nintends` intentions announced (the action is sign, ratify,
	 * accept, approve or accede); chancery_campaign_intention_parse
	 * reads "ACTION:TREATY" */
	const chancery_campaign_intention *intends;
	size_t nintends;
	/** `nwithdraws` earlier intentions this reply takes back */
	const chancery_campaign_intention *withdraws;
	size_t nwithdraws;
	int none;                /**< the reply announces no action */
	const char *note;        /**< free text, or NULL */
	const char *const *attach; /**< files to archive with it, NULL-terminated */
	/** the id (or unique prefix, or commit) of an earlier reply of the
	 * same campaign and State that this one replaces, recorded wrongly;
	 * NULL: a reply like any */
	const char *corrects;
	const char *reason;      /**< why it is corrected (needed with corrects) */
} chancery_reply_options;

#define CHANCERY_REPLY_OPTIONS_INIT { CHANCERY_REPLY_OPTIONS_VERSION }

/**
 * Record a reply: checked against the registry and the State's
 * participation as of the reply's date (ratifying what was never signed,
 * signing a treaty closed for signature or that takes no signature,
 * joining a treaty the State is a party to are refused with the reason).
 * A reply after the deadline is recorded and marked late. *late (may be
 * NULL) tells which.
 *
 * With `corrects`, the reply replaces an earlier one recorded wrongly:
 * status, history and letters use it instead (the original stays in
 * history, corrected by it; trailers Corrects and Reason). The earlier
 * event must exist (CHANCERY_ENOTFOUND), be a reply of the same campaign
 * and State, and be neither corrected nor voided already
 * (CHANCERY_EINVALID, saying which).
 */
CHANCERY_EXTERN(int) chancery_campaign_reply(int *late,
	chancery_repository *repo, const char *campaign,
	const chancery_reply_options *opts);

/**
 * Generate what the workflow says is due on `as_of`: reminders (a `remind`
 * transition whose guards hold) and acknowledgments of replies (a reply
 * whose transition has the action letter="acknowledgment" and that was not
 * acknowledged yet), as one commit: campaigns/ID/reminders/CODE-DATE.odt
 * and campaigns/ID/acknowledgments/CODE-DATE.odt. Counts go to *reminders
 * and *acks (may be NULL); nothing due is 0 with both counts 0 and no
 * commit.
 */
CHANCERY_EXTERN(int) chancery_campaign_remind(size_t *reminders, size_t *acks,
	chancery_repository *repo, const char *campaign,
	const chancery_date *as_of);

/**
 * The status of a campaign as of a date (NULL: today in UTC) as JSON text
 * (docs/status-format.md, "version": 1); the caller frees *out.
 */
CHANCERY_EXTERN(int) chancery_campaign_status(char **out,
	chancery_repository *repo, const char *campaign,
	const chancery_date *as_of);

/** As chancery_campaign_status(), with the repository as it was at
 * commit `at` (any revision git understands: an id, HEAD~3, a tag). */
CHANCERY_EXTERN(int) chancery_campaign_status_at(char **out,
	chancery_repository *repo, const char *campaign,
	const chancery_date *as_of, const char *at);

/** Write a date in a language: "1 September 2004", "1er septembre 2004",
 * "1 de septiembre de 2004". */
CHANCERY_EXTERN(void) chancery_date_write(char *buf, size_t size,
	const chancery_date *date, const char *language);

/**
 * The campaigns of the repository as of the branch head, as JSON text:
 * {"version": 1, "campaigns": [CAMPAIGN, ...]} in id order, each CAMPAIGN
 * as chancery_campaign_show() gives it. No campaign is an empty list.
 * The caller frees *out (chancery_free()).
 */
CHANCERY_EXTERN(int) chancery_campaign_list(char **out,
	chancery_repository *repo);

/**
 * One campaign as JSON text: {"version": 1, "campaign": {"id", "title",
 * "workflow", "state" ("open" or "closed"), "closed" (its date or null),
 * "letter_date", "deadline", "event": {"start", "end"}, "featured_from",
 * "featured" (treaty ids), "templates" (KIND-LANG names), "recipients",
 * "letters" (recipients with a letter), "superseded" (letters superseded
 * by a later one)}}. CHANCERY_EINVALID for a bad id, CHANCERY_ENOTFOUND
 * when there is no such campaign. The caller frees *out.
 */
CHANCERY_EXTERN(int) chancery_campaign_show(char **out,
	chancery_repository *repo, const char *campaign);

/**
 * Close a campaign on `date` (NULL: today): one commit (event "close")
 * that adds campaigns/ID/closed.txt ("Closed: DATE"). A closed campaign
 * generates no more letters or reminders (CHANCERY_EINVALID) and still
 * records replies. Refused (CHANCERY_EINVALID): a campaign closed
 * already, a date after today or before the letter date.
 */
CHANCERY_EXTERN(int) chancery_campaign_close(chancery_repository *repo,
	const char *campaign, const chancery_date *date);

#ifdef __cplusplus
}
#endif
#endif
