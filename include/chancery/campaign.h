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

#define CHANCERY_CAMPAIGN_OPTIONS_VERSION 1

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
	/** "en=FILE", "fr=FILE", "reminder-en=FILE", ... NULL-terminated;
	 * what is not given comes from the shipped templates. */
	const char *const *templates;
} chancery_campaign_options;

#define CHANCERY_CAMPAIGN_OPTIONS_INIT { CHANCERY_CAMPAIGN_OPTIONS_VERSION }

/** Open a campaign: one commit storing its definition. */
int chancery_campaign_open(chancery_repository *repo,
	const chancery_campaign_options *opts);

/**
 * The letter data of one State for a campaign's invitation, as
 * docs/template-data.md describes it. The caller frees *out.
 */
int chancery_campaign_letter_data(chancery_data **out,
	chancery_repository *repo, const char *campaign, const char *state);

typedef struct {
	size_t letters;   /**< letters generated */
	size_t changed;   /**< of which new or different */
	char commit[41];  /**< the commit made, or "" */
} chancery_letters_result;

#define CHANCERY_LETTERS_OPTIONS_VERSION 1

typedef struct {
	unsigned int version;
	const char *state;       /**< only this State (NULL: every recipient) */
	int dry_run;             /**< render and check, commit nothing */
	chancery_diagnostic_cb problem; /**< each failing letter */
	void *payload;
	/** called after each letter: done, total */
	void (*progress)(size_t done, size_t total, void *payload);
} chancery_letters_options;

#define CHANCERY_LETTERS_OPTIONS_INIT { CHANCERY_LETTERS_OPTIONS_VERSION }

/**
 * Generate the invitation letters of a campaign, each in its recipient's
 * language, personalized from participation as of the letter date, with
 * its provenance in meta.xml; one commit for the batch
 * (campaigns/ID/letters/CODE.odt). Nothing changed: no commit
 * (CHANCERY_EUNCHANGED).
 */
int chancery_letters_generate(chancery_letters_result *result,
	chancery_repository *repo, const char *campaign,
	const chancery_letters_options *opts);

/** Write a date in a language: "1 September 2004", "1er septembre 2004",
 * "1 de septiembre de 2004". */
void chancery_date_write(char *buf, size_t size, const chancery_date *date,
	const char *language);

#ifdef __cplusplus
}
#endif
#endif
