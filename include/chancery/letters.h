/*
 * chancery/letters.h - templates: Mustache for plain text, and Mustache
 * inside OpenDocument text files (.odt/.ott) written in an office suite.
 *
 * A template is compiled once and rendered many times, from any number of
 * threads at once (rendering never changes a compiled template). Data is
 * JSON (chancery_data); a CSV/TSV table reads as a list of objects, one per
 * row, columns as keys. The template language is docs/template-language.md.
 */
#ifndef CHANCERY_LETTERS_H
#define CHANCERY_LETTERS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- data ---------------------------------------------------------------- */

typedef struct chancery_data chancery_data;

/** Parse JSON text (at most 256 MiB, nesting at most 512 deep). */
CHANCERY_EXTERN(int) chancery_data_parse(chancery_data **out, const char *json,
	size_t size);

/**
 * Read a CSV or TSV table (header row, RFC 4180 quoting) as a list of
 * objects, one per row. `delimiter` is ',' or '\t'; `name` is for messages.
 */
CHANCERY_EXTERN(int) chancery_data_parse_table(chancery_data **out,
	const char *name, const char *text, size_t size, char delimiter);

CHANCERY_EXTERN(void) chancery_data_free(chancery_data *data);

/** Non-zero when the data is a list. */
CHANCERY_EXTERN(int) chancery_data_is_list(const chancery_data *data);
/** Non-zero when the data is an object. */
CHANCERY_EXTERN(int) chancery_data_is_object(const chancery_data *data);
/** Items of a list (0 for anything else). */
CHANCERY_EXTERN(size_t) chancery_data_length(const chancery_data *data);
/** Item `i` of a list, borrowed from `data`; NULL when out of range. */
CHANCERY_EXTERN(const chancery_data *) chancery_data_item(
	const chancery_data *data, size_t i);
/** Member `key` of an object, borrowed; NULL when absent. */
CHANCERY_EXTERN(const chancery_data *) chancery_data_get(
	const chancery_data *data, const char *key);
/** The text of a string (or NULL), borrowed. */
CHANCERY_EXTERN(const char *) chancery_data_string(const chancery_data *data);
/** Serialize as compact JSON; the caller frees *out. */
CHANCERY_EXTERN(int) chancery_data_to_json(char **out,
	const chancery_data *data);

/**
 * A reader that hands out the items of a data file one at a time, so that a
 * batch of any length renders in flat memory: a JSON list is parsed item by
 * item as the file is read; a JSON object is one item; a CSV/TSV table
 * (".csv", ".tsv", or a file not starting with '{' or '[') is one item per
 * row. `path` "-" is standard input.
 */
typedef struct chancery_data_reader chancery_data_reader;

CHANCERY_EXTERN(int) chancery_data_reader_open(chancery_data_reader **out,
	const char *path);
/** Non-zero when the file holds a list or a table (a batch). */
CHANCERY_EXTERN(int) chancery_data_reader_is_list(
	const chancery_data_reader *reader);
/**
 * The next item into *item (the caller frees it with chancery_data_free()).
 * Returns 1 for an item, 0 at the end, or a negative error naming the item.
 */
CHANCERY_EXTERN(int) chancery_data_reader_next(chancery_data **item,
	chancery_data_reader *reader);
CHANCERY_EXTERN(void) chancery_data_reader_free(chancery_data_reader *reader);

/* ---- templates ------------------------------------------------------------- */

typedef struct chancery_template chancery_template;

/**
 * Find a partial (or parent) template by name: set *out to its source,
 * allocated with malloc() (the library frees it with free()), and return 0;
 * return CHANCERY_ENOTFOUND when there is none.
 */
typedef int (*chancery_partial_cb)(char **out, size_t *size,
	const char *name, void *payload);

#define CHANCERY_TEMPLATE_OPTIONS_VERSION 1

typedef struct {
	unsigned int version;
	/** Non-zero: a missing name renders empty instead of failing. */
	int lenient;
	/** Where partials and parents come from (NULL: there are none). */
	chancery_partial_cb partials;
	void *payload;
	/** The template's name in messages ("invitation-en.odt"). */
	const char *name;
} chancery_template_options;

#define CHANCERY_TEMPLATE_OPTIONS_INIT { CHANCERY_TEMPLATE_OPTIONS_VERSION, 0, NULL, NULL, NULL }

/**
 * Compile a plain-text Mustache template. Values of {{name}} are
 * HTML-escaped, as the Mustache specification says; {{{name}}} and
 * {{&name}} are not.
 */
CHANCERY_EXTERN(int) chancery_template_compile_text(chancery_template **out,
	const char *source, size_t size, const chancery_template_options *opts);

/**
 * Compile an ODT (or OTT) template from the bytes of the package. Tags are
 * found in the text of content.xml, styles.xml (headers, footers) and
 * meta.xml, even where the word processor split them across spans. Hostile
 * or broken packages are refused (CHANCERY_EINVALID) with the reason.
 */
CHANCERY_EXTERN(int) chancery_template_load_odt(chancery_template **out,
	const void *package, size_t size,
	const chancery_template_options *opts);

/** Read a file and chancery_template_load_odt() it. */
CHANCERY_EXTERN(int) chancery_template_open_odt(chancery_template **out,
	const char *path, const chancery_template_options *opts);

CHANCERY_EXTERN(void) chancery_template_free(chancery_template *tmpl);

/** Non-zero for an ODT template. */
CHANCERY_EXTERN(int) chancery_template_is_odt(const chancery_template *tmpl);

/**
 * Render a text template into *out (NUL-terminated; the caller frees it
 * with chancery_free()). For an ODT template, this renders content.xml.
 */
CHANCERY_EXTERN(int) chancery_template_render_text(char **out, size_t *size,
	const chancery_template *tmpl, const chancery_data *data);

/**
 * Render an ODT template into a package in memory (*out, freed with
 * chancery_free()). The package is valid ODF: mimetype first and stored,
 * every entry the template had, untouched entries copied byte for byte;
 * the same template and data give the same bytes.
 */
CHANCERY_EXTERN(int) chancery_template_render_odt(void **out, size_t *size,
	const chancery_template *tmpl, const chancery_data *data);

/**
 * As chancery_template_render_odt(), and add to meta.xml one
 * <meta:user-defined meta:name="KEY">VALUE</meta:user-defined> per pair of
 * `meta` (NULL-terminated: key, value, key, value, ..., NULL): provenance
 * a letter carries (template, registry commit, engine version).
 */
CHANCERY_EXTERN(int) chancery_template_render_odt_meta(void **out, size_t *size,
	const chancery_template *tmpl, const chancery_data *data,
	const char *const *meta);

/**
 * Render an ODT template to a file. The file appears complete or not at
 * all (written beside, then renamed).
 */
CHANCERY_EXTERN(int) chancery_template_render_odt_file(
	const chancery_template *tmpl, const chancery_data *data,
	const char *path);

#ifdef __cplusplus
}
#endif
#endif
