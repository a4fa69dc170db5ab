/*
 * event.c - events: building them, writing their record file and commit
 * message, and reading them back from history.
 *
 * An event is a type ("note"), ordered fields (key/value, keys may repeat),
 * a free text and attachments. Recording it writes, in one commit:
 *   events/YYYY/MM/DD/ID.txt     the record (format below)
 *   events/YYYY/MM/DD/ID/NAME    each attachment
 * (events/YYYY/MM/ID... in a repository of format 1: event_layout.c),
 * where ID = YYYYMMDDTHHMMSSZ-xxxxxxxx: the recording time (UTC) and the
 * first 8 hex digits of a SHA-256 over the parent commit and the record, so
 * the same event recorded with a pinned clock gives the same commit, and two
 * events can only share an id if they share time, parent and content.
 *
 * The record is a header block of "Key: value" lines (Event, Id, Recorded,
 * Recorded-By, then the fields, then one Attachment line per file:
 * "NAME sha256=HEX size=N"), a blank line and the text. The commit message
 * is a subject, the text, and a trailer block of "Chancery-Key: value" lines
 * carrying the same header, which is what history is read back from
 * (git_message_trailers, the same grammar as git interpret-trailers).
 *
 * An operation's `extra` callback may add fields on every attempt: the
 * fields it added on an attempt that lost a race are dropped before the
 * next, so they always describe the commit that is published.
 *
 * Invariants: keys are [A-Z][A-Za-z0-9-]*, values single printable lines of
 * at most CHANCERY_FIELD_MAX bytes, so a trailer can never be forged from a
 * value. A text line starting with "---" is indented by one space in the
 * commit message (git would read it as a patch divider); the record keeps
 * the text exactly.
 *
 * This file builds an event and holds its rules and accessors; writing is
 * event_record.c, reading back event_read.c, history event_history.c
 * (event_int.h).
 */
#include "event_int.h"

#include <string.h>


static const char *reserved[] = { "Event", "Id", "Recorded", "Recorded-By",
	"Attachment" };

bool chancery__event_word_valid(const char *s, bool upper_first)
{
	if (!*s || strlen(s) > 64)
		return false;
	if (upper_first ? !(*s >= 'A' && *s <= 'Z') :
			!(*s >= 'a' && *s <= 'z'))
		return false;
	for (const char *p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			*p == '-' || (upper_first && *p >= 'A' && *p <= 'Z');

		if (!ok)
			return false;
	}
	return true;
}

int chancery_event_new(chancery_event **out, const char *type)
{
	chancery_event *ev;

	CHANCERY_ASSERT_ARG(out && type);
	*out = NULL;
	if (!chancery__event_word_valid(type, false))
		return chancery__error(CHANCERY_EINVALID,
			"event type '%.40s' is not a lowercase word", type);
	ev = chancery__calloc(1, sizeof(*ev));
	if (!ev || !(ev->type = chancery__strdup(type))) {
		chancery_free(ev);
		return chancery__oom();
	}
	*out = ev;
	return 0;
}

void chancery_event_free(chancery_event *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < ev->nfields; i++) {
		chancery_free(ev->keys[i]);
		chancery_free(ev->values[i]);
	}
	for (size_t i = 0; i < ev->natt; i++) {
		chancery_free(ev->att[i].name);
		chancery_free(ev->att[i].data);
	}
	for (size_t i = 0; i < ev->npaths; i++)
		chancery_free(ev->paths[i]);
	chancery_free(ev->paths);
	chancery_free(ev->att);
	chancery_free(ev->keys);
	chancery_free(ev->values);
	chancery_free(ev->type);
	chancery_free(ev->message);
	chancery_free(ev->subject);
	chancery_free(ev->author);
	chancery_free(ev);
}

int chancery__event_field_push(chancery_event *ev, const char *key,
	const char *value)
{
	size_t a = ev->afields;
	char *k, *v;

	if (chancery__grow((void **)&ev->keys, &a, ev->nfields + 1,
			sizeof(char *)) < 0)
		return CHANCERY_ENOMEM;
	a = ev->afields;
	if (chancery__grow((void **)&ev->values, &a, ev->nfields + 1,
			sizeof(char *)) < 0)
		return CHANCERY_ENOMEM;
	ev->afields = a;
	k = chancery__strdup(key);
	v = chancery__strdup(value);
	if (!k || !v) {
		chancery_free(k);
		chancery_free(v);
		return chancery__oom();
	}
	ev->keys[ev->nfields] = k;
	ev->values[ev->nfields] = v;
	ev->nfields++;
	return 0;
}

/*
 * The one rule for a field, when it is added and when it is read back from
 * a commit's trailers (`from_history`: there "Attachment" is how the record
 * lists its files; every other reserved name is refused in both).
 */
int chancery__event_field_check(const char *key, const char *value,
	bool from_history)
{
	if (!chancery__event_word_valid(key, true))
		return chancery__error(CHANCERY_EINVALID,
			"field name '%.40s' is not a word starting with a capital",
			key);
	for (size_t i = 0; i < sizeof(reserved) / sizeof(*reserved); i++)
		if (!strcmp(key, reserved[i]) &&
		    !(from_history && !strcmp(key, "Attachment")))
			return chancery__error(CHANCERY_EINVALID,
				"field name '%s' is reserved", key);
	if (strlen(value) > CHANCERY_FIELD_MAX)
		return chancery__error(CHANCERY_EINVALID,
			"%s: value longer than %d bytes", key,
			CHANCERY_FIELD_MAX);
	if (!*value || !chancery__line_valid(value) || value[0] == ' ' ||
	    value[strlen(value) - 1] == ' ')
		return chancery__error(CHANCERY_EINVALID,
			"%s: the value must be one line of text, not empty, "
			"without control characters or outer spaces", key);
	return 0;
}

int chancery_event_add(chancery_event *ev, const char *key, const char *value)
{
	int error;

	CHANCERY_ASSERT_ARG(ev && key && value);
	if ((error = chancery__event_field_check(key, value, false)) < 0)
		return error;
	return chancery__event_field_push(ev, key, value);
}

/* The rule for a text; `indented` lines of it are one byte longer in a
 * commit message than in the record (a "---" line, see the header). */
int chancery__event_message_check(const char *text, size_t len,
	size_t indented)
{
	if (len - indented > CHANCERY_MESSAGE_MAX)
		return chancery__error(CHANCERY_EINVALID,
			"message longer than %d bytes", CHANCERY_MESSAGE_MAX);
	if (!chancery__text_valid(text, len, true))
		return chancery__error(CHANCERY_EINVALID,
			"message is not UTF-8 text (or holds control characters)");
	return 0;
}

/* The rule for a subject. */
int chancery__event_subject_check(const char *subject)
{
	if (!*subject || !chancery__line_valid(subject) ||
	    strlen(subject) > 200)
		return chancery__error(CHANCERY_EINVALID,
			"subject must be one line of at most 200 bytes");
	return 0;
}

int chancery_event_set_message(chancery_event *ev, const char *text)
{
	char *copy;
	size_t len;
	int error;

	CHANCERY_ASSERT_ARG(ev && text);
	len = strlen(text);
	if ((error = chancery__event_message_check(text, len, 0)) < 0)
		return error;
	copy = chancery__strdup(text);
	if (!copy)
		return chancery__oom();
	/* one trailing newline at most, no CR */
	while (len && (copy[len - 1] == '\n' || copy[len - 1] == '\r' ||
			copy[len - 1] == ' '))
		copy[--len] = '\0';
	chancery_free(ev->message);
	ev->message = copy;
	return 0;
}

int chancery_event_set_subject(chancery_event *ev, const char *subject)
{
	char *copy;
	int error;

	CHANCERY_ASSERT_ARG(ev && subject);
	if ((error = chancery__event_subject_check(subject)) < 0)
		return error;
	if (!(copy = chancery__strdup(subject)))
		return chancery__oom();
	chancery_free(ev->subject);
	ev->subject = copy;
	return 0;
}

int chancery_event_attach(chancery_event *ev, const char *name,
	const void *data, size_t size)
{
	attachment *a;
	int error;

	CHANCERY_ASSERT_ARG(ev && name && (data || !size));
	if (!*name || name[0] == '.' || strchr(name, '/') ||
	    strchr(name, '\\') || strlen(name) > 200 ||
	    !chancery__line_valid(name) || strchr(name, ' ') ||
	    !chancery__path_component_valid(name, strlen(name)))
		return chancery__error(CHANCERY_EINVALID,
			"attachment name '%.60s' must be a plain file name "
			"(no '/', '\\' or ':', no leading '.', no spaces)", name);
	if (size > CHANCERY_ATTACHMENT_MAX)
		return chancery__error(CHANCERY_EINVALID,
			"attachment '%s' larger than %d bytes", name,
			CHANCERY_ATTACHMENT_MAX);
	for (size_t i = 0; i < ev->natt; i++)
		if (!strcmp(ev->att[i].name, name))
			return chancery__error(CHANCERY_EEXISTS,
				"attachment '%s' given twice", name);
	if (chancery__grow((void **)&ev->att, &ev->aatt, ev->natt + 1,
			sizeof(*ev->att)) < 0)
		return CHANCERY_ENOMEM;
	a = &ev->att[ev->natt];
	memset(a, 0, sizeof(*a));
	a->name = chancery__strdup(name);
	a->data = chancery__malloc(size ? size : 1);
	if (!a->name || !a->data) {
		chancery_free(a->name);
		chancery_free(a->data);
		return chancery__oom();
	}
	if (size)
		memcpy(a->data, data, size);
	a->size = size;
	if ((error = chancery__sha256_hex(a->sha, data ? data : "", size)) < 0) {
		chancery_free(a->name);
		chancery_free(a->data);
		return error;
	}
	ev->natt++;
	return 0;
}

int chancery_event_attach_file(chancery_event *ev, const char *path)
{
	const char *base;
	char *data = NULL;
	size_t size = 0;
	int error;

	CHANCERY_ASSERT_ARG(ev && path);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	/* the one reader of files given to archive (deposit's too): regular
	 * files only, read to the end, at most CHANCERY_ATTACHMENT_MAX */
	if ((error = chancery__read_file(&data, &size, path,
			CHANCERY_ATTACHMENT_MAX)) < 0)
		return error;
	error = chancery_event_attach(ev, base, data, size);
	chancery_free(data);
	return error;
}

/* ---- accessors --------------------------------------------------------------- */

const char *chancery_event_type(const chancery_event *ev) { return ev->type; }
const char *chancery_event_id(const chancery_event *ev)
{
	return ev->id[0] ? ev->id : NULL;
}
const char *chancery_event_commit(const chancery_event *ev)
{
	return ev->commit[0] ? ev->commit : NULL;
}
const char *chancery_event_subject(const chancery_event *ev)
{
	return ev->subject ? ev->subject : "";
}
const char *chancery_event_message(const chancery_event *ev)
{
	return ev->message ? ev->message : "";
}
const char *chancery_event_author(const chancery_event *ev)
{
	return ev->author ? ev->author : "";
}
int64_t chancery_event_time(const chancery_event *ev) { return ev->time; }
int chancery_event_time_offset(const chancery_event *ev) { return ev->offset; }
size_t chancery_event_field_count(const chancery_event *ev)
{
	return ev->nfields;
}
size_t chancery_event_path_count(const chancery_event *ev)
{
	return ev->npaths;
}
const char *chancery_event_path(const chancery_event *ev, size_t i)
{
	return i < ev->npaths ? ev->paths[i] : NULL;
}

const char *chancery_event_get(const chancery_event *ev, const char *key)
{
	for (size_t i = 0; i < ev->nfields; i++)
		if (!strcmp(ev->keys[i], key))
			return ev->values[i];
	return NULL;
}

int chancery_event_field(const char **key, const char **value,
	const chancery_event *ev, size_t i)
{
	if (i >= ev->nfields)
		return chancery__error(CHANCERY_ENOTFOUND, "no field %zu", i);
	*key = ev->keys[i];
	*value = ev->values[i];
	return 0;
}

int chancery_event_date(chancery_date *out, const chancery_event *ev)
{
	const char *d = chancery_event_get(ev, "Date");

	if (d && chancery_date_parse(out, d) == 0)
		return 0;
	chancery_error_clear();
	chancery_date_from_time(out, ev->time);
	return 0;
}

