/*
 * event_int.h - what the event's own files share, and nothing else
 * includes: the event as it is held (`struct chancery_event`) and the one
 * rule for its words, fields, text and subject, used when an event is
 * built and again when it is read back from a peer's history.
 *
 *   event.c          building an event, its rules, the accessors
 *   event_record.c   writing: the record file, the commit message, the id
 *   event_read.c     reading an event back from a commit's trailers
 *   event_history.c  history: walking events, finding one, its record
 *   index.c, index_query.c  the derived index, which stores and rebuilds
 *                    events with the same reader (event_read.c)
 */
#ifndef CHANCERY_EVENT_INT_H
#define CHANCERY_EVENT_INT_H

#include "internal.h"

/* YYYYMMDDTHHMMSSZ-xxxxxxxx */
#define EVENT_ID_LEN 25

typedef struct {
	char *name;
	char *data;
	size_t size;
	char sha[65];
} attachment;

struct chancery_event {
	char *type;
	char **keys;
	char **values;
	size_t nfields;
	size_t afields;
	char *message;
	char *subject;
	attachment *att;
	size_t natt;
	size_t aatt;
	/* known once recorded or read */
	char id[EVENT_ID_LEN + 8];
	char commit[41];
	char *author;
	int64_t time;
	int offset;
	char **paths;
	size_t npaths;
	size_t apaths;
};

/** A lowercase word (a type), or with `upper_first` a field name: at most
 * 64 of letters, digits and '-', starting with a letter. */
bool chancery__event_word_valid(const char *s, bool upper_first);
/** Append field `key`: `value` without checking it. */
int chancery__event_field_push(chancery_event *ev, const char *key,
	const char *value);
/** The one rule for a field (`from_history`: "Attachment" is allowed). */
int chancery__event_field_check(const char *key, const char *value,
	bool from_history);
/** The rule for a text of `len` bytes, `indented` lines of which are one
 * byte longer in a commit message than in the record. */
int chancery__event_message_check(const char *text, size_t len,
	size_t indented);
/** The rule for a subject. */
int chancery__event_subject_check(const char *subject);

#endif
