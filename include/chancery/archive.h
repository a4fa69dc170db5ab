/*
 * chancery/archive.h - what States actually did: deposits of signatures and
 * instruments, kept with their fixity (SHA-256, size, media type, who and
 * when); the depositary notification each one issues; verification of the
 * whole repository against its own history; the history of a State or a
 * treaty; and BagIt (RFC 8493) export. See docs/archive.md.
 */
#ifndef CHANCERY_ARCHIVE_H
#define CHANCERY_ARCHIVE_H

#include "common.h"
#include "repository.h"
#include "registry.h"
#include "event.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Who signed a treaty action: one of the three who need no full powers
 * (article 7 of the Vienna Convention on the Law of Treaties), or someone
 * holding full powers (a signature only). */
typedef enum {
	CHANCERY_SIGNER_NONE = 0,           /**< not given */
	CHANCERY_SIGNER_HEAD_OF_STATE,      /**< recorded "head-of-state" */
	CHANCERY_SIGNER_HEAD_OF_GOVERNMENT, /**< "head-of-government" */
	CHANCERY_SIGNER_FOREIGN_MINISTER,   /**< "foreign-minister" */
	CHANCERY_SIGNER_FULL_POWERS         /**< "full-powers:REF" */
} chancery_signer;

/**
 * Read a signer as records write it (the Signed-By trailer, the tool's
 * --signed-by): "head-of-state", "head-of-government", "foreign-minister"
 * or "full-powers:REF". `*full_powers` is REF, pointing into `text` (""
 * when REF is empty; NULL for the other three). CHANCERY_EINVALID, naming
 * the text, for anything else.
 */
CHANCERY_EXTERN(int) chancery_archive_signer_parse(chancery_signer *out,
	const char **full_powers, const char *text);

#define CHANCERY_DEPOSIT_OPTIONS_VERSION 3
typedef struct {
	unsigned int version;
	const char *state;      /**< "LBR" */
	const char *treaty;     /**< "XVIII-10" */
	/** signature, ratification, acceptance, approval, accession,
	 * succession or consent-to-be-bound; or reservation, declaration,
	 * objection, reservation-withdrawal, territorial-application,
	 * notification, denunciation (docs/archive.md, "The vocabulary") */
	const char *action;
	chancery_date date;     /**< the day it was signed or deposited */
	/** the instrument's file (PDF, PNG, JPEG, TIFF or ODT); required for
	 * every action but a signature */
	const char *instrument;
	/** who signed; required for a signature (full powers: for a
	 * signature only, with their reference in `full_powers`) */
	chancery_signer signed_by;
	/** the reference of the full powers (one line, at most 200 bytes),
	 * with CHANCERY_SIGNER_FULL_POWERS only */
	const char *full_powers;
	const char *campaign;   /**< the campaign it answers, or NULL */
	const char *note;       /**< free text, or NULL */
	/**
	 * Where notification numbers are taken: NULL for the sync remote when
	 * the repository has one (chancery.remote, else "origin"), "" for
	 * this repository alone. With a remote, the deposit is pushed there
	 * before it counts here, so two clones never issue the same number.
	 */
	const char *remote;
	/** the act's text (plain UTF-8 text, or a PDF, ODT...): required for
	 * a reservation, declaration, objection and notification, taken by
	 * the other acts of the vocabulary; archived with its SHA-256 */
	const char *text;
	/** an objection: the event id of the reservation objected to */
	const char *objects_to;
	/** a reservation-withdrawal: the event id of the reservation */
	const char *withdraws;
	/** a notification: the article it is made under ("article 24") */
	const char *article;
	/** a denunciation: the day it takes effect, where the registry knows
	 * no denunciation rule for the treaty (all zero: not given); if
	 * given with a rule, it must agree with it */
	chancery_date effective;
} chancery_deposit_options;

#define CHANCERY_DEPOSIT_OPTIONS_INIT { CHANCERY_DEPOSIT_OPTIONS_VERSION }

/** What a deposit recorded. */
typedef struct {
	char id[40];              /**< the event id */
	char commit[41];
	char notification[80];    /**< "C.N.12.2004.TREATIES-XVIII.10" */
	char notification_path[64]; /**< "notifications/2004/0012.odt" */
	char archive_path[200];   /**< "archive/LBR/XVIII-10/2004-09-22-accession.txt" */
	char instrument_path[200]; /**< where the instrument is kept, or "" */
	char sha256[65];          /**< of the instrument, or "" */
	size_t size;
	char media_type[64];
	int has_entry_into_force;
	chancery_date entry_into_force; /**< for the State, when known */
	int has_effective;
	chancery_date effective; /**< a denunciation: when it takes effect */
} chancery_deposit_result;

/**
 * Record a treaty action: checked against the State's participation as of
 * the date (ratifying what was never signed, signing after the treaty
 * closed or a treaty that takes no signature, joining twice are refused
 * with the reason), the signer's capacity and the instrument. One commit
 * holds the record, the instrument, the archive entry that makes the action
 * part of participation at once, and the depositary notification, numbered
 * without gaps within the year and referenced by the repository's setting
 * chancery.notificationReference (default
 * C.N.<n>.<year>.TREATIES-<chapter>.<number>, docs/archive.md). The other
 * acts of the vocabulary (reservation, declaration, objection,
 * reservation-withdrawal, territorial-application, notification,
 * denunciation) are checked by their own rules (docs/commands/deposit.md).
 */
CHANCERY_EXTERN(int) chancery_archive_deposit(chancery_deposit_result *out,
	chancery_repository *repo, const chancery_deposit_options *opts);

#define CHANCERY_VOID_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	/** why the event was recorded in error: one line, required */
	const char *reason;
} chancery_void_options;

#define CHANCERY_VOID_OPTIONS_INIT { CHANCERY_VOID_OPTIONS_VERSION, NULL }

/** What a void recorded. */
typedef struct {
	char id[40];              /**< the void's event id */
	char commit[41];
	char voided[40];          /**< the id of the event voided */
	char type[24];            /**< its type: reply, note or deposit */
	/** a deposit's: the correction notification ("C.N.14.2004...") and
	 * its file, and the reference of the notification issued in error;
	 * "" otherwise */
	char notification[80];
	char notification_path[64];
	char corrected[80];
} chancery_void_result;

/**
 * Void an event recorded in error (a reply, a note or a deposit; `event`
 * is its id, a unique prefix, or its commit): one more event, type
 * "void", naming it (trailers Voids, Reason). Nothing is rewritten; from
 * then on status, participation, parties and letters behave as if it had
 * never been recorded, and history shows both. A deposit's void also
 * leaves participation as of every date, and circulates a correction
 * notification (the next number of the year) saying the earlier one was
 * issued in error. CHANCERY_ENOTFOUND for no such event; CHANCERY_EINVALID
 * without a reason, for an event of another type, a void, or an event
 * voided or corrected already.
 */
CHANCERY_EXTERN(int) chancery_archive_void(chancery_void_result *out,
	chancery_repository *repo, const char *event,
	const chancery_void_options *opts);

#define CHANCERY_VERIFY_OPTIONS_VERSION 2
typedef struct {
	unsigned int version;
	const char *state;     /**< only what concerns this State */
	const char *campaign;  /**< only this campaign's */
	/** each problem found, one line "PATH: what"; may be NULL */
	chancery_diagnostic_cb problem;
	void *payload;
	/**
	 * (version 2) check only the commits after the last proof, the cheap
	 * history-wide checks and the files whose fixity is due (see
	 * chancery_archive_verify); false: everything. Ignored with a state
	 * or a campaign, which check in full and keep no proof.
	 */
	int incremental;
	/** (version 2) why an incremental run checked in full, one line;
	 * may be NULL */
	chancery_diagnostic_cb note;
} chancery_verify_options;

#define CHANCERY_VERIFY_OPTIONS_INIT { CHANCERY_VERIFY_OPTIONS_VERSION }

/** What verification looked at. */
typedef struct {
	size_t events;    /**< records checked against history */
	size_t files;     /**< archived files re-hashed */
	size_t objects;   /**< Git objects read and checked */
	size_t problems;
	int incremental;  /**< only the commits after a proof were replayed */
	size_t fixity;    /**< files re-hashed because their check was due */
} chancery_verify_result;

/**
 * Verify the repository: every file an event added is still in the branch
 * and the working tree exactly as committed (records, attachments,
 * instruments, notifications, archive entries), every fixity line matches
 * a fresh SHA-256 and size, every event id still matches its parent and
 * content (a rewritten history does not), the branch still contains every
 * commit its reflog saw it at, notification numbers run without gaps or
 * duplicates, and every reachable Git object reads back with its hash.
 * Returns 0 when all holds, CHANCERY_EINVALID when a problem was found
 * (each one went to `problem`), or another error when it could not check.
 */
CHANCERY_EXTERN(int) chancery_archive_verify(chancery_verify_result *out,
	chancery_repository *repo, const chancery_verify_options *opts);

/**
 * What verification proved, one line each to `line`: the last proofs
 * (newest first, at most `max`), then the fixity coverage over the
 * office's period (git config chancery.fixityDays, default 90): files
 * re-hashed within it of all files under a fixity line, and the oldest
 * check. CHANCERY_EINVALID for a chancery.fixityDays that is no number of
 * days; CHANCERY_EOS when the index cannot be read.
 */
CHANCERY_EXTERN(int) chancery_archive_verify_report(chancery_repository *repo,
	size_t max, chancery_diagnostic_cb line, void *payload);

/**
 * The whole story of a State or a treaty, by real-world date (then in
 * recording order), across campaigns:
 * every event that names it (State, Treaty, Intends, Withdraws,
 * Acknowledges fields: letters, dispatch, replies, reminders, deposits,
 * notes) and every batch of letters whose commit wrote its letter.
 * `subject` is a State code or a treaty id; CHANCERY_ENOTFOUND when the
 * registry knows neither.
 */
CHANCERY_EXTERN(int) chancery_archive_history(chancery_repository *repo,
	const char *subject, chancery_event_cb cb, void *payload);

#define CHANCERY_BAGIT_OPTIONS_VERSION 1
typedef struct {
	unsigned int version;
	const char *state;     /**< only this State's files */
	const char *campaign;  /**< only this campaign's */
	const char *treaty;    /**< only this treaty's */
	const char *organization; /**< Source-Organization, or NULL */
} chancery_bagit_options;

#define CHANCERY_BAGIT_OPTIONS_INIT { CHANCERY_BAGIT_OPTIONS_VERSION }

typedef struct {
	size_t files;        /**< payload files */
	uint64_t bytes;      /**< payload bytes */
} chancery_bagit_result;

/**
 * Write a BagIt 1.0 bag (RFC 8493) into `dir` (created; it must not exist
 * or be empty): the instruments, letters, reminders, acknowledgments,
 * replies, notifications and records of the selection under data/, with
 * manifest-sha256.txt, tagmanifest-sha256.txt, bagit.txt and bag-info.txt
 * (Payload-Oxum, Bagging-Date, the source commit). The bag is built in a
 * temporary folder beside `dir` and renamed into place, so a failure
 * leaves nothing.
 */
CHANCERY_EXTERN(int) chancery_archive_export_bagit(chancery_bagit_result *out,
	chancery_repository *repo, const char *dir,
	const chancery_bagit_options *opts);

#ifdef __cplusplus
}
#endif
#endif
