/*
 * notice_ref.h - the reference of a depositary notification, made from the
 * repository's pattern (setting chancery.notificationReference) and read
 * back by the commit check. Private to the library (engine/notice_ref.c).
 */
#ifndef CHANCERY_NOTICE_REF_H
#define CHANCERY_NOTICE_REF_H

#include "base.h"
#include "chancery/repository.h"

/** The setting that holds the pattern. */
#define CHANCERY__REFERENCE_SETTING "chancery.notificationReference"

/** The UN Treaty Collection's current form, used when the setting is
 * unset: C.N.1026.2013.TREATIES-XVIII.10 for XVIII-10. */
#define CHANCERY__REFERENCE_DEFAULT \
	"C.N.{n}.{year}.TREATIES-{chapter}.{number}"

/** The form chancery wrote before the setting existed (a deposit with no
 * Notification-Format trailer was numbered so): C.N.3.2004.TREATIES-18. */
#define CHANCERY__REFERENCE_LEGACY "C.N.{n}.{year}.TREATIES-{chapter_arabic}"

/** The longest reference (and pattern) kept, without its NUL. */
#define CHANCERY__REFERENCE_MAX 79

/**
 * Is `pattern` a reference pattern? 0, or CHANCERY_EINVALID naming what is
 * wrong (an unknown placeholder, a brace left open, a missing {n} or
 * {year}, a character a reference may not hold).
 */
int chancery__reference_pattern_check(const char *pattern);

/**
 * The pattern in force in `repo` into `out`: the setting, else the
 * default. A setting that is no pattern is CHANCERY_EINVALID naming the
 * setting. Every writer of a notification (a deposit, a correction) takes
 * its pattern here and records it as the event's Notification-Format.
 */
int chancery__reference_pattern(char *out, size_t size,
	chancery_repository *repo);

/**
 * The reference of notification `n` of `year` about treaty `treaty_id`
 * ("XVIII-12-a") by `pattern` into `out`: {n} the number, {year} the year,
 * {chapter} the roman chapter ("XVIII"), {number} the rest of the id with
 * '.' for '-' ("12.a"), {chapter_arabic} the chapter in digits ("18"),
 * {id} the id as it is. CHANCERY_EINVALID for a bad pattern or a result
 * longer than CHANCERY__REFERENCE_MAX.
 */
int chancery__notification_reference(char *out, size_t size,
	const char *pattern, unsigned n, int year, const char *treaty_id);

#endif
