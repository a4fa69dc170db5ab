/*
 * entry.h - the archive entry archive/STATE/TREATY/DATE-ACTION.txt, written
 * by a deposit and read back as a recorded action (entry.c). Private to the
 * archive module.
 */
#ifndef CHANCERY_ARCHIVE_ENTRY_H
#define CHANCERY_ARCHIVE_ENTRY_H

#include "../engine/base.h"
#include "../engine/store.h"

/** The archive folder at the top of a repository's tree. */
#define CHANCERY_ARCHIVE_DIR "archive"

/** What an entry says (strings borrowed). */
typedef struct {
	const char *state;        /**< "LBR" */
	const char *treaty;       /**< "XVIII-10" */
	const char *action;       /**< the registry's spelling: "ratification" */
	chancery_date date;
	const char *notification; /**< "C.N.12.2004.TREATIES-XVIII" */
	/** the instrument kept with the deposit, or NULL (a signature) */
	const char *instrument_ext;   /**< "pdf" */
	const char *instrument_sha;   /**< 64 hex digits */
	size_t instrument_size;
	const char *instrument_media; /**< "application/pdf" */
	/* the rest of the vocabulary (docs/archive.md); NULL or zero when
	 * the act has none */
	const char *made_at;      /**< "signature", "consent" or "later" */
	const char *article;      /**< a notification: "article 24" */
	const char *objects_to;   /**< an objection: the reservation's event */
	const char *withdraws;    /**< a withdrawal: the reservation's event */
	chancery_date effective;  /**< a denunciation: when it takes effect */
	/** the act's text kept with the deposit, or NULL */
	const char *text_ext;
	const char *text_sha;
	size_t text_size;
	const char *text_media;
} chancery__archive_entry;

/** The entry's path, "archive/LBR/XVIII-10/2004-09-22-ratification.txt",
 * cut to `size` as snprintf cuts. */
void chancery__archive_entry_path(char *out, size_t size,
	const chancery__archive_entry *e);

/** Append the entry's text (its "Key: value" lines) to `buf`: State,
 * Treaty, Action, Date, Notification, then those of Made-At, Article,
 * Objects-To, Withdraws, Effective the act has, then Instrument and Text
 * fixity lines. */
int chancery__archive_entry_text(chancery_buf *buf,
	const chancery__archive_entry *e);

/**
 * Read an entry's name: `dir` is "STATE/TREATY/" under archive/, `name`
 * "YYYY-MM-DD-ACTION.txt". Fills state, treaty and action into the buffers
 * (NUL-terminated) and the date, and returns true; false (no error set)
 * when it is not a State code, treaty id, action of the vocabulary and
 * real date in that shape.
 */
bool chancery__archive_entry_parse(char state[8], char treaty[64],
	char action[64], chancery_date *date, const char *dir,
	const char *name);

/** The highest notification number of `year` in `base` (0: none yet, or
 * no base); deposit.c, for a deposit's notification and a void's. */
int chancery__notification_last(unsigned *out, const chancery_tree *base,
	int year);

/** Add the "treaty" and "state" objects of a notification's template
 * data (docs/archive.md) to `root`: a deposit's and a correction's. */
int chancery__notification_parties(chancery_data *root,
	const chancery_state *st, const chancery_treaty *t);

/** A voided deposit's marker beside its entry: the entry's path with
 * ".void" for ".txt" (entry.c reads it; void.c writes it). */
#define CHANCERY_ARCHIVE_VOID_EXT ".void"

/** The value of line "KEY: value" of entry text `text` into `out` (cut
 * to `size`); false when it has no such line. */
bool chancery__archive_entry_field(char *out, size_t size, const char *text,
	const char *key);

#endif
