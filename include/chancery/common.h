/*
 * chancery/common.h - what every part of the public API shares: the error
 * model, the library's life cycle, its allocator and calendar dates.
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
	CHANCERY_EUNCHANGED = -12 /**< nothing to do (not always a failure) */
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
CHANCERY_EXTERN(const char *) chancery_strerror(int code);

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
 * The allocator every allocation of the library goes through. The fields are
 * the usual malloc family; free must accept NULL. Set it before
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

#ifdef __cplusplus
}
#endif
#endif
