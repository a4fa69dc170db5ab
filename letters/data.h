/*
 * data.h - what letters/ offers the other modules of the library about
 * template data (not public API, not exported): data built in chancery's
 * own types, and, for code that already holds jansson values, the one
 * place where a json_t becomes a chancery_data and back.
 *
 * A chancery_data is a jansson json_t behind an opaque name; only
 * letters/data.c knows it. Other modules never cast: they build data with
 * the functions below (no jansson needed), or hand over / lend a json_t
 * with chancery__data_wrap / chancery__data_view. This header includes no
 * dependency's header (jansson's type is only named, never defined).
 *
 * Ownership follows the public API: a `chancery_data **out` is the
 * caller's, freed with chancery_data_free; chancery__data_set and
 * chancery__data_append take the value they are given, even when they
 * fail, so a builder needs no cleanup but the top object's.
 */
#ifndef CHANCERY_LETTERS_DATA_H
#define CHANCERY_LETTERS_DATA_H

#include <stdbool.h>
#include <stdint.h>

#include "chancery.h"

struct json_t;

/* ---- building data -------------------------------------------------------- */

/** A new empty object / list, the caller's. */
int chancery__data_object(chancery_data **out);
int chancery__data_list(chancery_data **out);

/**
 * Set object[key] (replacing what was there). `value` is taken, even on
 * failure; a NULL value is a failure (CHANCERY_ENOMEM: the caller's
 * constructor failed). CHANCERY_EINVALID when key or a string is not UTF-8.
 */
int chancery__data_set(chancery_data *object, const char *key,
	chancery_data *value);
/** object[key] = a string (NULL: ""), a number, true/false, null. */
int chancery__data_set_string(chancery_data *object, const char *key,
	const char *value);
int chancery__data_set_int(chancery_data *object, const char *key,
	int64_t value);
int chancery__data_set_bool(chancery_data *object, const char *key,
	bool value);
int chancery__data_set_null(chancery_data *object, const char *key);

/** Append `item` to a list; `item` is taken, even on failure. */
int chancery__data_append(chancery_data *list, chancery_data *item);

/* ---- jansson values -------------------------------------------------------- */

/** The chancery_data that `json` is, which it takes (the caller's
 * reference): freed with chancery_data_free. NULL gives NULL. */
chancery_data *chancery__data_wrap(struct json_t *json);

/** `json` seen as data, borrowed: no reference is taken, it lives as long
 * as `json` does. For rendering a value the caller keeps. */
const chancery_data *chancery__data_view(const struct json_t *json);

/** The json_t that `data` is, borrowed and read only. */
const struct json_t *chancery__data_json(const chancery_data *data);

#endif
