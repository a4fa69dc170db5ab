/*
 * base.h - the shared base every module of the library may include: the
 * last error, the allocator wrappers, a bounded growable buffer, UTF-8 and
 * text checks, SHA-256, dates and times, whole-file reads and writes, the
 * one recursive remover, repository path checks.
 *
 * It includes no dependency's header (no git2.h, jansson, libxml2, libzip,
 * PCRE2 or OpenSSL): what needs one is declared by the module that owns it
 * (engine/internal.h for libgit2). The files behind it are engine/error.c,
 * alloc.c, buf.c, utf8.c, sha256.c, date.c, file.c and path.c.
 *
 * Names with a double underscore (chancery__) are library-internal and are
 * never exported in a public header.
 */
#ifndef CHANCERY_BASE_H
#define CHANCERY_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <assert.h>

#include "chancery/common.h"

/* ---- errors ------------------------------------------------------------ */

/** Set the thread's last error and return `code` (printf-style message). */
int chancery__error(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** Out of memory: sets the message, returns CHANCERY_ENOMEM. */
int chancery__oom(void);
/** errno-based failure for `what` ("open 'x'"). */
int chancery__os_error(const char *what);

#define CHANCERY_ASSERT_ARG(expr) \
	do { \
		if (!(expr)) \
			return chancery__error(CHANCERY_EINVALID, \
				"invalid argument: %s", #expr); \
	} while (0)

/*
 * The first line of every public function taking a versioned options
 * struct: an unknown version is CHANCERY_EINVALID, one line naming the
 * function and both versions. NULL options (the defaults) pass.
 */
#define CHANCERY_CHECK_VERSION(opts, known) \
	do { \
		if ((opts) && (opts)->version != (known)) \
			return chancery__error(CHANCERY_EINVALID, \
				"%s: options version %u unknown (this " \
				"library knows %u)", __func__, \
				(unsigned)(opts)->version, (unsigned)(known)); \
	} while (0)

/* ---- allocation --------------------------------------------------------- */

void *chancery__malloc(size_t size);
void *chancery__calloc(size_t n, size_t size);
void *chancery__realloc(void *ptr, size_t size);
char *chancery__strdup(const char *s);
char *chancery__strndup(const char *s, size_t n);
char *chancery__sprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/** Grow an array of `elem` sized items to hold at least `need`. */
int chancery__grow(void **array, size_t *alloc, size_t need, size_t elem);

/* ---- buffers ------------------------------------------------------------ */

/** A growable string buffer with a hard cap (`max`, 0 = 256 MiB). */
typedef struct {
	char *ptr;
	size_t size;
	size_t alloc;
	size_t max;
} chancery_buf;

#define CHANCERY_BUF_INIT { NULL, 0, 0, 0 }

int chancery_buf_put(chancery_buf *buf, const char *data, size_t len);
int chancery_buf_puts(chancery_buf *buf, const char *s);
int chancery_buf_putc(chancery_buf *buf, char c);
int chancery_buf_printf(chancery_buf *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/** Hand the string to the caller (NUL-terminated; "" when empty). */
char *chancery_buf_detach(chancery_buf *buf);
void chancery_buf_dispose(chancery_buf *buf);

/* ---- text helpers -------------------------------------------------------- */

/** Valid UTF-8 without NUL; `allow_newline` also lets '\n' and '\t' in. */
bool chancery__utf8_valid(const char *s, size_t len, bool allow_newline);
/** Text a person typed: chancery__utf8_valid and no C1 control character
 * (U+0080..U+009F) either, which terminals obey as they do ESC. */
bool chancery__text_valid(const char *s, size_t len, bool multiline);
/** A trailer-safe single line of a value: chancery__text_valid, one line. */
bool chancery__line_valid(const char *value);

/* ---- SHA-256 (sha256.c) ------------------------------------------------- */

/** SHA-256 of data as 64 lowercase hex digits + NUL. */
int chancery__sha256_hex(char out[65], const void *data, size_t len);

/* ---- dates and times (date.c) ------------------------------------------- */

/** Is `s` a date chancery_date_parse takes? (It sets no error.) */
bool chancery__date_valid(const char *s);
/** The range of a recording time (a commit's time, Unix seconds): libgit2
 * writes commit times as 32-bit unsigned numbers, so from the second after
 * the epoch (0 means "now" in chancery_signature) to 2106-02-07T06:28:15Z;
 * every day in it is also a valid date (years 1800 to 2999). */
#define CHANCERY__TIME_MIN INT64_C(1)
#define CHANCERY__TIME_MAX INT64_C(4294967295)
bool chancery__time_valid(int64_t t);
/** 0, or CHANCERY_EINVALID saying that `what` (its value) is out of range. */
int chancery__time_check(int64_t t, const char *what);
/** Days in month `m` (1..12) of year `y`, proleptic Gregorian. */
int chancery__days_in_month(int y, int m);
/** Is `d` a real day in 1800..2999 (what chancery_date_parse yields)? */
bool chancery__date_ok(const chancery_date *d);
/** The seconds of `t` since its day's UTC midnight (0..86399). */
int chancery__time_of_day(int64_t t);
/** 0 when `d` is not after the UTC day of `now` (Unix seconds: the
 * repository's now, chancery__now); else CHANCERY_EINVALID naming `what`
 * (the option, or NULL), the date and today. No record (a reply, a note,
 * a dispatch, a reminder, a deposit) is dated after the day it is made. */
int chancery__date_not_future(const chancery_date *d, int64_t now,
	const char *what);

/* ---- files (file.c) ------------------------------------------------------ */

/** Read a whole file, at most `max` bytes (else CHANCERY_EINVALID). */
int chancery__read_file(char **out, size_t *size, const char *path,
	size_t max);

/** Write a file completely or not at all (a temporary file, renamed). */
int chancery__write_file_atomic(const char *path, const void *data,
	size_t size);

/**
 * Remove `path` and what it holds, never following a symbolic link: a link
 * is removed, not what it points to; folders are opened with O_NOFOLLOW and
 * emptied with unlinkat, at most 2 * CHANCERY__MAX_DEPTH deep (what lies
 * deeper stays, and so does its folder). Best effort: nothing is reported.
 */
void chancery__remove_tree(const char *path);
/** The same for `name` in the folder open as `dirfd` (or AT_FDCWD). */
void chancery__remove_at(int dirfd, const char *name);

/* ---- repository paths (path.c) ------------------------------------------- */

/** May this tree entry name become a file name on any office's machine?
 * Not empty, not "." or "..", not ".git" under any alias (case, NTFS
 * "git~1" and trailing dots, HFS+ ignorables), no '/', '\\', ':' or
 * control characters (engine/path.c). */
bool chancery__path_component_valid(const char *name, size_t len);
/** The same for every '/'-separated component of a repository path. */
bool chancery__path_valid(const char *path);

/** How many folders a tree read from Git may nest: deeper than any
 * chancery writes (campaigns/ID/letters/X.odt), shallow enough that
 * walking it by recursion never runs out of stack (audit.c, bagit.c). */
#define CHANCERY__MAX_DEPTH 32

/** Room for an event's folder: "events/YYYY/MM/DD/" and an id (at most 32). */
#define CHANCERY__EVENT_DIR_MAX 64

/** The repository formats (.chancery/format) and the layout of events in
 * each: format 1 files an event under its month, events/YYYY/MM/ID; format
 * 2 under its day, events/YYYY/MM/DD/ID, so that a commit rewrites a tree
 * of one day's events rather than a month's. */
#define CHANCERY__FORMAT_MONTH 1
#define CHANCERY__FORMAT_DAY 2
#define CHANCERY__FORMAT_LATEST CHANCERY__FORMAT_DAY

/**
 * Write the folder of event `id` in a repository of `format` into `out`:
 * "events/YYYY/MM/DD/ID" (format 2 and later) or "events/YYYY/MM/ID"
 * (format 1), where YYYY, MM and DD are the id's first eight characters:
 * its recording time. Its record is DIR.txt, its attachments DIR/NAME.
 * CHANCERY_EINVALID when it would not fit in `size` (out is then ""). A
 * short id is never read past its end.
 */
int chancery__event_dir(char *out, size_t size, const char *id, int format);

/** Is `s` a campaign id, the name of campaigns/ID/: 1 to 64 of lowercase
 * letters, digits, '-' and '_', starting with a letter or digit (NULL is
 * not)? The repository format's one rule (path.c). */
bool chancery__campaign_id_valid(const char *s);

/* ---- tables (csv.c) ------------------------------------------------------ */

/** Append `cell` as one CSV/TSV cell, quoted as chancery_csv_quote says
 * (`flags`: 0 or CHANCERY_CSV_FORMULA), with no delimiter after it. */
int chancery__csv_put(chancery_buf *buf, const char *cell, char delim,
	unsigned flags);

#endif
