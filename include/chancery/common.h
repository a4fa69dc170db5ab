/*
 * chancery/common.h - what every part of the public API shares: the error
 * model, the library's life cycle, its allocator, calendar dates and
 * recording times, and the quoting of a CSV cell.
 *
 * Errors follow libgit2: a fallible function returns an int, 0 on success and
 * a negative CHANCERY_E* code on failure, and leaves a one-line message in a
 * thread-local "last error" that chancery_error_last() returns. The codes are
 * append-only: a number once published never changes meaning.
 */
#ifndef CHANCERY_COMMON_H
#define CHANCERY_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * CHANCERY_EXTERN(type) opens every declaration of the public API. The
 * library is compiled with hidden visibility, so these functions, and only
 * these, are exported from libchancery.so (docs/install.md: the export
 * policy; a test fails on any other exported symbol).
 */
#if defined(__GNUC__) && __GNUC__ >= 4
#define CHANCERY_EXTERN(type) extern __attribute__((visibility("default"))) type
#else
#define CHANCERY_EXTERN(type) extern type
#endif

/*
 * The version these headers belong to (project() in CMakeLists.txt, which
 * checks that they agree). CHANCERY_VERSION_NUMBER is 0xMMmmpp, for `#if`.
 * chancery_version() tells the version of the library actually running.
 */
#define CHANCERY_VERSION "0.1.0"
#define CHANCERY_VERSION_MAJOR 0
#define CHANCERY_VERSION_MINOR 1
#define CHANCERY_VERSION_PATCH 0
#define CHANCERY_VERSION_NUMBER ((CHANCERY_VERSION_MAJOR << 16) | \
	(CHANCERY_VERSION_MINOR << 8) | CHANCERY_VERSION_PATCH)

/** Error codes. Append only; never renumber. */
typedef enum {
	CHANCERY_OK = 0,
	CHANCERY_ERROR = -1,      /**< generic failure (see the message) */
	CHANCERY_ENOTFOUND = -3,  /**< a named thing does not exist */
	CHANCERY_EEXISTS = -4,    /**< it exists already */
	CHANCERY_EINVALID = -5,   /**< input is malformed or not allowed */
	CHANCERY_ECONFLICT = -6,  /**< a concurrent or merge conflict; retry */
	CHANCERY_ELOCKED = -7,    /**< another process holds a lock */
	CHANCERY_ENOMEM = -8,     /**< out of memory */
	CHANCERY_EOS = -9,        /**< the operating system failed (I/O) */
	CHANCERY_ENOTREPO = -10,  /**< not a chancery repository */
	CHANCERY_EDIRTY = -11,    /**< the working tree was edited by hand */
	/** no longer returned by any public function (a call that changes
	 * nothing returns 0 and says so in its result); kept so the number
	 * keeps its meaning */
	CHANCERY_EUNCHANGED = -12
} chancery_error_code;

/** The last error of this thread; borrowed, valid until the next call. */
typedef struct {
	int code;            /**< one of chancery_error_code */
	const char *message; /**< one line, never NULL */
} chancery_error;

/**
 * Return the last error raised on this thread, or NULL when there is none.
 * The pointer is borrowed and stays valid until the next library call.
 */
CHANCERY_EXTERN(const chancery_error *) chancery_error_last(void);

/** Forget the last error of this thread. */
CHANCERY_EXTERN(void) chancery_error_clear(void);

/** A short fixed description of a code ("not found", ...). Never NULL. */
CHANCERY_EXTERN(const char *) chancery_error_string(int code);

/**
 * The version of the library that is running, which can be newer than the
 * CHANCERY_VERSION a program was compiled with: "MAJOR.MINOR.PATCH", static,
 * never NULL. Each of major, minor and patch that is not NULL receives its
 * part. Needs no chancery_init().
 */
CHANCERY_EXTERN(const char *) chancery_version(int *major, int *minor,
	int *patch);

/**
 * Take a reference on the library. Reference counted and thread-safe: every
 * call is matched by one chancery_shutdown(). Returns the new count (1 for
 * the first), or a negative error.
 *
 * libgit2 under the library is started on the first use of a repository
 * after (or without) this call, not here: rendering a letter should not pay
 * its start-up. Calling chancery_init() is therefore optional for a program
 * that never shuts the library down; one that does calls it first.
 */
CHANCERY_EXTERN(int) chancery_init(void);

/**
 * Drop a reference. When the count reaches zero, libgit2 is shut down if
 * the library started it (every repository must be freed by then); the
 * next use of a repository starts it again. Returns the remaining count,
 * 0 also when there was no reference to drop.
 */
CHANCERY_EXTERN(int) chancery_shutdown(void);

/**
 * The allocator the library's own allocations go through (what it returns
 * to you, its buffers and structures); what libgit2, libxml2, libzip,
 * jansson and PCRE2 allocate inside themselves does not. The fields are the
 * usual malloc family; free must accept NULL. Set it before
 * chancery_init(); a NULL argument restores the C library's allocator.
 */
typedef struct {
	void *(*malloc)(size_t size);
	void *(*realloc)(void *ptr, size_t size);
	void (*free)(void *ptr);
} chancery_allocator;

CHANCERY_EXTERN(void) chancery_allocator_set(
	const chancery_allocator *allocator);

/** Free memory the library returned through a plain `char **out`. */
CHANCERY_EXTERN(void) chancery_free(void *ptr);

/**
 * The one diagnostic callback of the API: every options struct that reports
 * problems one by one (registry import, verification, letters, workflows,
 * sync conflicts) takes this type. `line` is one line, "WHERE: what" (a
 * file and line, a path, a record), borrowed for the call only.
 */
typedef void (*chancery_diagnostic_cb)(const char *line, void *payload);

/** A calendar date (proleptic Gregorian), as used for real-world events. */
typedef struct {
	int year;  /**< 1800 .. 2999 */
	int month; /**< 1 .. 12 */
	int day;   /**< 1 .. days in that month */
} chancery_date;

/**
 * Parse an ISO 8601 calendar date, "YYYY-MM-DD", exactly. Impossible dates
 * (2004-02-30) and years outside 1800..2999 are CHANCERY_EINVALID.
 */
CHANCERY_EXTERN(int) chancery_date_parse(chancery_date *out, const char *text);

/** Write "YYYY-MM-DD" into buf (at least 11 bytes). */
CHANCERY_EXTERN(void) chancery_date_format(char *buf, size_t size,
	const chancery_date *date);

/** Compare two dates: negative, zero or positive. */
CHANCERY_EXTERN(int) chancery_date_cmp(const chancery_date *a,
	const chancery_date *b);

/** Write a Unix time as "YYYY-MM-DDTHH:MM:SSZ" (UTC) into buf (>= 21). */
CHANCERY_EXTERN(void) chancery_time_format(char *buf, size_t size,
	int64_t unix_time);

/** Today in UTC for a given Unix time. */
CHANCERY_EXTERN(void) chancery_date_from_time(chancery_date *out,
	int64_t unix_time);

/**
 * Parse a recording time written "YYYY-MM-DDTHH:MM:SSZ" (UTC, exactly
 * that form, as chancery_time_format writes it) into Unix seconds. The date
 * is checked as chancery_date_parse does; hours 00..23, minutes and seconds
 * 00..59. Anything else is CHANCERY_EINVALID (`*out` untouched).
 */
CHANCERY_EXTERN(int) chancery_time_parse(int64_t *out, const char *text);

/** The day number of a date: days since 1970-01-01 (negative before). */
CHANCERY_EXTERN(int64_t) chancery_date_to_days(const chancery_date *date);

/** The date of a day number (the inverse of chancery_date_to_days). */
CHANCERY_EXTERN(void) chancery_date_from_days(chancery_date *out,
	int64_t days);

/** Days from `from` to `to`: positive when `to` is later, 0 the same day. */
CHANCERY_EXTERN(int64_t) chancery_date_days_between(
	const chancery_date *from, const chancery_date *to);

/** The day of the week: 0 Monday, 1 Tuesday ... 6 Sunday. */
CHANCERY_EXTERN(int) chancery_date_weekday(const chancery_date *date);

/**
 * `date` plus `n` days (`n` < 0: earlier) into `out` (may be `date`).
 * CHANCERY_EINVALID when `date` is not a real day or the result would leave
 * the years 1800..2999 (`*out` untouched).
 */
CHANCERY_EXTERN(int) chancery_date_add_days(chancery_date *out,
	const chancery_date *date, int n);

/**
 * `date` plus `n` working days, Monday to Friday (no public holidays): the
 * result is the n-th working day after `date` (before it when `n` < 0), so
 * it is never a Saturday or Sunday unless `n` is 0 (then it is `date`).
 * Errors as chancery_date_add_days.
 */
CHANCERY_EXTERN(int) chancery_date_add_working_days(chancery_date *out,
	const chancery_date *date, int n);

/**
 * `date` plus `n` calendar months; a month too short for the day gives its
 * last day (2004-01-31 plus one month is 2004-02-29). Errors as
 * chancery_date_add_days.
 */
CHANCERY_EXTERN(int) chancery_date_add_months(chancery_date *out,
	const chancery_date *date, int n);

/** chancery_csv_quote: also guard a cell a spreadsheet would run as a
 * formula (one that starts with '=', '+', '-', '@', a tab or a CR): it is
 * quoted and a "'" put before it, which spreadsheets show as text. */
#define CHANCERY_CSV_FORMULA (1u << 0)

/**
 * One cell as a CSV (`delim` ',') or TSV ('\t') writer puts it: as it is,
 * or between double quotes with each '"' doubled (RFC 4180) when it holds
 * '"', `delim`, '\n' or '\r' (or, with CHANCERY_CSV_FORMULA, looks like a
 * formula). `*out` is the caller's, freed with chancery_free.
 */
CHANCERY_EXTERN(int) chancery_csv_quote(char **out, const char *cell,
	char delim, unsigned flags);

#ifdef __cplusplus
}
#endif
#endif
