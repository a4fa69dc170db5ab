/*
 * data.c - template data: JSON through jansson, or a CSV/TSV table read
 * as a list of objects (one per row, the header's names as keys, every
 * value a string: the mail-merge case).
 *
 * A chancery_data is a json_t behind an opaque name, and this file is
 * the only one that knows it (the casts are here, in three functions:
 * data.h is how the rest of the library builds, hands over or lends
 * data). Items and members handed out are borrowed from their parent.
 * Built data (chancery__data_set...) holds UTF-8 keys and strings only.
 * Caps: 256 MiB of text and nesting 512 deep (jansson's own parser is recursive; deeper input is
 * refused before it reaches it). A UTF-8 byte-order mark at the start of
 * a file is skipped (Windows editors write one); a UTF-16 or UTF-32 one is
 * refused by name.
 */
#include "letters.h"
#include "../engine/table.h"

#include <stdlib.h>
#include <string.h>

#define DATA_MAX_SIZE ((size_t)256 << 20)
#define DATA_MAX_DEPTH 512

/* ---- chancery_data and json_t --------------------------------------------- */

chancery_data *chancery__data_wrap(json_t *json)
{
	return (chancery_data *)json;
}

const chancery_data *chancery__data_view(const json_t *json)
{
	return (const chancery_data *)json;
}

const json_t *chancery__data_json(const chancery_data *data)
{
	return (const json_t *)data;
}

/* The data's json_t to change or free: for the data's owner only. */
static json_t *json_of(chancery_data *data)
{
	return (json_t *)data;
}

/* ---- building -------------------------------------------------------------- */

int chancery__data_object(chancery_data **out)
{
	CHANCERY_ASSERT_ARG(out);
	*out = chancery__data_wrap(json_object());
	return *out ? 0 : chancery__oom();
}

int chancery__data_list(chancery_data **out)
{
	CHANCERY_ASSERT_ARG(out);
	*out = chancery__data_wrap(json_array());
	return *out ? 0 : chancery__oom();
}

static bool utf8(const char *s)
{
	return s && chancery__utf8_valid(s, strlen(s), true);
}

/* Why jansson refused text (a key, or the value of `key`): not UTF-8 (it
 * checks), else memory. chancery__utf8_valid is stricter than jansson
 * about control characters: here it only names a cause, never refuses. */
static int refused(const char *text, const char *key)
{
	if (utf8(text))
		return chancery__oom();
	if (!key)
		return chancery__error(CHANCERY_EINVALID,
			"data: a key is not UTF-8 text");
	return chancery__error(CHANCERY_EINVALID,
		"data: the value of '%.60s' is not UTF-8 text",
		utf8(key) ? key : "?");
}

int chancery__data_set(chancery_data *object, const char *key,
	chancery_data *value)
{
	json_t *o = json_of(object);

	if (!object || !key || !json_is_object(o)) {
		chancery_data_free(value);
		return chancery__error(CHANCERY_EINVALID,
			"invalid argument: object && key && an object");
	}
	if (!value)
		return chancery__oom();
	/* json_object_set_new takes the value even when it fails */
	return json_object_set_new(o, key, json_of(value)) < 0 ?
		refused(key, NULL) : 0;
}

int chancery__data_set_string(chancery_data *object, const char *key,
	const char *value)
{
	json_t *s = json_string(value ? value : "");

	if (!s)
		return refused(value ? value : "", key);
	return chancery__data_set(object, key, chancery__data_wrap(s));
}

int chancery__data_set_int(chancery_data *object, const char *key,
	int64_t value)
{
	return chancery__data_set(object, key,
		chancery__data_wrap(json_integer((json_int_t)value)));
}

int chancery__data_set_bool(chancery_data *object, const char *key,
	bool value)
{
	return chancery__data_set(object, key,
		chancery__data_wrap(json_boolean(value)));
}

int chancery__data_set_null(chancery_data *object, const char *key)
{
	return chancery__data_set(object, key,
		chancery__data_wrap(json_null()));
}

int chancery__data_append(chancery_data *list, chancery_data *item)
{
	json_t *l = json_of(list);

	if (!list || !json_is_array(l)) {
		chancery_data_free(item);
		return chancery__error(CHANCERY_EINVALID,
			"invalid argument: list && a list");
	}
	if (!item)
		return chancery__oom();
	/* json_array_append_new takes the item even when it fails */
	return json_array_append_new(l, json_of(item)) < 0 ?
		chancery__oom() : 0;
}

/* Nesting depth of JSON text, outside strings; refuse before parsing. */
static bool too_deep(const char *s, size_t n)
{
	size_t depth = 0;
	bool in_str = false;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '[' || c == '{') {
			if (++depth > DATA_MAX_DEPTH)
				return true;
		} else if ((c == ']' || c == '}') && depth)
			depth--;
	}
	return false;
}

/* Length of the UTF-8 byte-order mark at s (editors on Windows write one),
 * or 0. */
static size_t bom_length(const unsigned char *s, size_t n)
{
	return n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf ? 3 : 0;
}

/* A UTF-16 or UTF-32 byte-order mark: text we do not read. */
static bool other_bom(const unsigned char *s, size_t n)
{
	return n >= 2 && ((s[0] == 0xff && s[1] == 0xfe) ||
		(s[0] == 0xfe && s[1] == 0xff) ||
		(n >= 4 && !s[0] && !s[1] && s[2] == 0xfe && s[3] == 0xff));
}

static int utf16_error(const char *name)
{
	return chancery__error(CHANCERY_EINVALID,
		"data '%s': starts with a UTF-16 or UTF-32 byte-order mark; "
		"save it as UTF-8", name);
}

int chancery_data_parse(chancery_data **out, const char *json, size_t size)
{
	json_error_t err;
	json_t *v;
	size_t bom;

	CHANCERY_ASSERT_ARG(out && (json || !size));
	*out = NULL;
	if (other_bom((const unsigned char *)json, size))
		return utf16_error("(text)");
	bom = bom_length((const unsigned char *)json, size);
	json += bom;
	size -= bom;
	if (size > DATA_MAX_SIZE)
		return chancery__error(CHANCERY_EINVALID,
			"data larger than %zu bytes", DATA_MAX_SIZE);
	if (too_deep(json, size))
		return chancery__error(CHANCERY_EINVALID,
			"data nested deeper than %d levels", DATA_MAX_DEPTH);
	v = json_loadb(json ? json : "", size, JSON_REJECT_DUPLICATES |
		JSON_DECODE_ANY, &err);
	if (!v)
		return chancery__error(CHANCERY_EINVALID,
			"JSON line %d, column %d: %s", err.line, err.column,
			err.text);
	*out = chancery__data_wrap(v);
	return 0;
}

int chancery_data_parse_table(chancery_data **out, const char *name,
	const char *text, size_t size, char delimiter)
{
	chancery_table_diag d = { name, NULL, NULL, 0, NULL };
	chancery_table *t = NULL;
	json_t *list = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && name && (text || !size));
	*out = NULL;
	if ((error = chancery__table_parse(&t, text ? text : "", size,
			delimiter, &d)) < 0)
		return error;
	if (!(list = json_array())) {
		error = chancery__oom();
		goto done;
	}
	for (size_t r = 1; r < t->nrows; r++) {
		const chancery_trow *row = &t->rows[r];
		json_t *o = json_object();

		if (!o || json_array_append_new(list, o) < 0) {
			error = chancery__oom();
			goto done;
		}
		if (row->count > t->rows[0].count) {
			error = chancery__error(CHANCERY_EINVALID,
				"%s:%zu:%zu: more cells than the header has columns",
				name, row->line,
				row->cells[t->rows[0].count].column);
			goto done;
		}
		for (size_t c = 0; c < t->rows[0].count; c++) {
			const char *key = t->rows[0].cells[c].text;
			const char *val = c < row->count ? row->cells[c].text : "";

			if (json_object_set_new(o, key, json_string(val)) < 0) {
				error = chancery__error(CHANCERY_EINVALID,
					"%s:%zu: a value is not UTF-8 text", name,
					row->line);
				goto done;
			}
		}
	}
	*out = chancery__data_wrap(list);
	list = NULL;
done:
	json_decref(list);
	chancery__table_free(t);
	return error;
}

void chancery_data_free(chancery_data *data)
{
	json_decref(json_of(data));
}

int chancery_data_is_list(const chancery_data *d)
{
	return d && json_is_array(chancery__data_json(d));
}

int chancery_data_is_object(const chancery_data *d)
{
	return d && json_is_object(chancery__data_json(d));
}

size_t chancery_data_length(const chancery_data *d)
{
	return d && json_is_array(chancery__data_json(d)) ?
		json_array_size(chancery__data_json(d)) : 0;
}

const chancery_data *chancery_data_item(const chancery_data *d, size_t i)
{
	return d ? chancery__data_view(json_array_get(
		chancery__data_json(d), i)) : NULL;
}

const chancery_data *chancery_data_get(const chancery_data *d,
	const char *key)
{
	return d ? chancery__data_view(json_object_get(
		chancery__data_json(d), key)) :
		NULL;
}

const char *chancery_data_string(const chancery_data *d)
{
	return d ? json_string_value(chancery__data_json(d)) : NULL;
}

int chancery_data_to_json(char **out, const chancery_data *d)
{
	char *s;

	CHANCERY_ASSERT_ARG(out && d);
	s = json_dumps(chancery__data_json(d), JSON_COMPACT | JSON_ENCODE_ANY);
	if (!s)
		return chancery__oom();
	*out = chancery__strdup(s);
	free(s);
	return *out ? 0 : chancery__oom();
}

/* ---- reading item by item ------------------------------------------------ */

struct chancery_data_reader {
	FILE *f;
	bool own_file;
	bool list;
	bool done;
	size_t index;   /* items handed out */
	json_t *table;  /* CSV/TSV: the rows */
	json_t *single; /* a JSON object */
	char *name;
};

/*
 * The start of a data file: a UTF-8 byte-order mark is dropped, other
 * marks refused; the whitespace that follows goes into `head` (a table
 * keeps it: its line numbers count those lines). *first gets the next
 * byte, left unread, or EOF. Bytes that looked like a mark but were not
 * one go into head too, *first the first of them (no JSON starts so: a
 * table may).
 */
static int read_head(int *first, chancery_buf *head, FILE *f,
	const char *name)
{
	unsigned char m[4];
	size_t n = 0;
	int c, error;

	while (n < sizeof(m) && (c = getc(f)) != EOF) {
		m[n++] = (unsigned char)c;
		if ((m[0] != 0xef && m[0] != 0xff && m[0] != 0xfe && m[0]) ||
		    (n == 3 && m[0] == 0xef))
			break;
	}
	if (other_bom(m, n))
		return utf16_error(name);
	if (bom_length(m, n)) {
		n = 0;
	} else if (n == 1) {
		ungetc(m[0], f);
		n = 0;
	}
	if (n) {
		*first = m[0];
		return chancery_buf_put(head, (const char *)m, n);
	}
	while ((c = getc(f)) == ' ' || c == '\n' || c == '\r' || c == '\t')
		if ((error = chancery_buf_putc(head, (char)c)) < 0)
			return error;
	if (c != EOF)
		ungetc(c, f);
	*first = c;
	return 0;
}

static int peek_nonspace(FILE *f)
{
	int c;

	do
		c = getc(f);
	while (c == ' ' || c == '\n' || c == '\r' || c == '\t');
	if (c != EOF)
		ungetc(c, f);
	return c;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

int chancery_data_reader_open(chancery_data_reader **out, const char *path)
{
	chancery_data_reader *r;
	chancery_buf head = CHANCERY_BUF_INIT;
	int c = EOF, error = 0;

	CHANCERY_ASSERT_ARG(out && path);
	*out = NULL;
	r = chancery__calloc(1, sizeof(*r));
	if (!r || !(r->name = chancery__strdup(path))) {
		chancery_free(r);
		return chancery__oom();
	}
	if (!strcmp(path, "-")) {
		r->f = stdin;
	} else {
		r->f = fopen(path, "rb");
		r->own_file = true;
		if (!r->f) {
			error = chancery__os_error(path);
			if (error == CHANCERY_EOS)
				error = chancery__error(CHANCERY_EINVALID,
					"cannot read '%s'", path);
			goto done;
		}
	}
	head.max = DATA_MAX_SIZE;
	if ((error = read_head(&c, &head, r->f, path)) < 0)
		goto done;
	if (has_suffix(path, ".csv") || has_suffix(path, ".tsv") ||
	    (!has_suffix(path, ".json") && c != '{' && c != '[')) {
		/* a table: read it whole (strings only, small) */
		char chunk[65536];
		size_t n;
		chancery_data *d = NULL;

		while ((n = fread(chunk, 1, sizeof(chunk), r->f)) > 0)
			if ((error = chancery_buf_put(&head, chunk, n)) < 0)
				goto done;
		error = chancery_data_parse_table(&d, path,
			head.ptr ? head.ptr : "", head.size,
			chancery__table_guess_delimiter(path,
				head.ptr ? head.ptr : "", head.size));
		if (error < 0)
			goto done;
		r->table = json_of(d);
		r->list = true;
	} else if (c == '[') {
		getc(r->f);
		r->list = true;
	} else if (c == '{') {
		json_error_t err;

		r->single = json_loadf(r->f, JSON_DISABLE_EOF_CHECK |
			JSON_REJECT_DUPLICATES, &err);
		if (!r->single) {
			error = chancery__error(CHANCERY_EINVALID,
				"data '%s': JSON line %d, column %d: %s", path,
				err.line, err.column, err.text);
			goto done;
		}
		if (peek_nonspace(r->f) != EOF) {
			error = chancery__error(CHANCERY_EINVALID,
				"data '%s': text after the JSON object", path);
			goto done;
		}
	} else {
		error = chancery__error(CHANCERY_EINVALID,
			"data '%s': not a JSON object or list", path);
		goto done;
	}
	*out = r;
	r = NULL;
done:
	chancery_buf_dispose(&head);
	chancery_data_reader_free(r);
	return error;
}

int chancery_data_reader_is_list(const chancery_data_reader *r)
{
	return r && r->list;
}

int chancery_data_reader_next(chancery_data **item, chancery_data_reader *r)
{
	json_error_t err;
	json_t *v;
	int c;

	CHANCERY_ASSERT_ARG(item && r);
	*item = NULL;
	if (r->done)
		return 0;
	if (r->single) {
		*item = chancery__data_wrap(r->single);
		r->single = NULL;
		r->done = true;
		r->index++;
		return 1;
	}
	if (r->table) {
		v = json_array_get(r->table, r->index);
		if (!v) {
			r->done = true;
			return 0;
		}
		r->index++;
		*item = chancery__data_wrap(json_incref(v));
		return 1;
	}
	/* a JSON list, one item at a time */
	c = peek_nonspace(r->f);
	if (r->index == 0 && c == ']') {
		getc(r->f);
		r->done = true;
		return 0;
	}
	if (c != '{' && c != '[') {
		r->done = true;
		return chancery__error(CHANCERY_EINVALID,
			"data '%s': item %zu is not an object", r->name,
			r->index + 1);
	}
	v = json_loadf(r->f, JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES,
		&err);
	if (!v) {
		r->done = true;
		return chancery__error(CHANCERY_EINVALID,
			"data '%s': item %zu: JSON line %d (of the item), column %d: %s",
			r->name, r->index + 1, err.line, err.column, err.text);
	}
	r->index++;
	c = peek_nonspace(r->f);
	if (c == ',') {
		getc(r->f);
	} else if (c == ']') {
		getc(r->f);
		r->done = true;
		if (peek_nonspace(r->f) != EOF) {
			json_decref(v);
			return chancery__error(CHANCERY_EINVALID,
				"data '%s': text after the JSON list", r->name);
		}
	} else {
		json_decref(v);
		r->done = true;
		return chancery__error(CHANCERY_EINVALID,
			"data '%s': after item %zu, expected ',' or ']'", r->name,
			r->index);
	}
	*item = chancery__data_wrap(v);
	return 1;
}

void chancery_data_reader_free(chancery_data_reader *r)
{
	if (!r)
		return;
	if (r->f && r->own_file)
		fclose(r->f);
	json_decref(r->table);
	json_decref(r->single);
	chancery_free(r->name);
	chancery_free(r);
}
