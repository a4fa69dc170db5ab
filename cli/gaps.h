/*
 * gaps.h - what the tool still does itself because the public API does
 * not offer it yet (gaps.c). Each is one small function, so that each can
 * be switched to the library's call when it comes and this file deleted:
 * the campaign-id check, a campaign's letters (the repository layout
 * campaigns/ID/recipients.tsv, campaigns/ID/letters/CODE.odt,
 * campaigns/ID/pdf/), and day arithmetic on dates and times.
 */
#ifndef CHANCERY_CLI_GAPS_H
#define CHANCERY_CLI_GAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chancery.h"

/* A campaign id: lowercase letters and digits, then also '-' and '_', at
 * most 64 (the library's rule, copied: wants chancery_campaign_id_valid). */
bool cli_campaign_id_valid(const char *s);

/* The State codes of a campaign's recipients, from campaigns/ID/
 * recipients.tsv (a "state" header, then a code a line), as the branch
 * holds them: not checked, the file may be a peer's. *out is a NULL-
 * terminated list in one block (free() it). Prints the error. Wants an
 * API that lists a campaign's letters. */
int cli_campaign_recipients(char ***out, chancery_repository *repo,
	const char *id);
/* The letter of State `code` in campaign `id`, campaigns/ID/letters/
 * CODE.odt (chancery_free it); < 0 when there is none. Wants an API that
 * reads a campaign's letter. */
int cli_campaign_letter(char **out, size_t *size, chancery_repository *repo,
	const char *id, const char *code);
/* Where letters generate --pdf puts a campaign's PDFs: the working tree's
 * campaigns/ID/pdf (kept out of history). */
void cli_campaign_pdf_dir(char *buf, size_t size, chancery_repository *repo,
	const char *id);

/* The day number (days since 1970-01-01) of a civil date. Wants the
 * library's date module (days from a chancery_date). */
int64_t cli_days_from_civil(int year, int month, int day);
/* The day number of "YYYY-MM-DD" (also a longer ISO text: its date), 0
 * when it is none. */
long cli_day_number(const char *iso);
/* CHANCERY_NOW's text, Unix seconds or YYYY-MM-DDTHH:MM:SSZ, as Unix
 * seconds: 0, or -1 when it is no such time (0 itself included: it would
 * mean "now" to the library). Wants the library's time parsing. */
int cli_time_parse(int64_t *out, const char *s);

#endif
