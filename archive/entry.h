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
} chancery__archive_entry;

/** The entry's path, "archive/LBR/XVIII-10/2004-09-22-ratification.txt",
 * cut to `size` as snprintf cuts. */
void chancery__archive_entry_path(char *out, size_t size,
	const chancery__archive_entry *e);

/** Append the entry's text (its "Key: value" lines) to `buf`. */
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

/** The reference of notification `n` of `year` about treaty `t`
 * ("C.N.12.2004.TREATIES-18"), cut to `size`; deposit.c, the one place. */
void chancery__notification_reference(char *out, size_t size, unsigned n,
	int year, const chancery_treaty *t);

/** A voided deposit's marker beside its entry: the entry's path with
 * ".void" for ".txt" (entry.c reads it; void.c writes it). */
#define CHANCERY_ARCHIVE_VOID_EXT ".void"

#endif
