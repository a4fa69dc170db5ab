/*
 * event_read.c - an event read back from a commit: its Chancery-* trailers
 * (git_message_trailers, git's own grammar), its subject and text, its
 * author and time. What is read is held to the rules recording keeps
 * (event.c), for a commit may come from a peer: a commit without a
 * Chancery-Event trailer is not an event (CHANCERY_ENOTFOUND), one that
 * breaks a rule is refused naming the commit (CHANCERY_EINVALID).
 *
 * Left out: the record file (history's chancery_event_record_text) and any
 * walk over commits (event_history.c).
 */
#include "event_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading -------------------------------------------------------------------- */

/*
 * Turn a commit into an event, or return CHANCERY_ENOTFOUND when the commit
 * carries no Chancery-Event trailer (a commit made with plain git), or
 * CHANCERY_EINVALID naming the commit when it holds what recording would
 * have refused (a peer's forgery: a control character, invalid UTF-8, an
 * over-long value, a time out of range).
 */
int chancery__event_from_commit(chancery_event **out, git_commit *commit)
{
	const git_signature *author = git_commit_author(commit);
	char id[GIT_OID_HEXSZ + 1];
	int error;

	git_oid_tostr(id, sizeof(id), git_commit_id(commit));
	error = chancery__event_from_message(out, git_commit_message(commit),
		author->name, author->email, (int64_t)author->when.time,
		author->when.offset);
	if (!error)
		memcpy((*out)->commit, id, sizeof((*out)->commit));
	else if (error == CHANCERY_EINVALID) {
		char why[512];

		snprintf(why, sizeof(why), "%s", chancery_error_last() ?
			chancery_error_last()->message : "?");
		error = chancery__error(CHANCERY_EINVALID, "commit %.12s records "
			"an event chancery would refuse: %s", id, why);
	}
	return error;
}

/* An id as recording makes it: YYYYMMDDTHHMMSSZ-xxxxxxxx. */
static bool id_valid(const char *s)
{
	if (strlen(s) != EVENT_ID_LEN)
		return false;
	for (size_t i = 0; i < EVENT_ID_LEN; i++) {
		char c = s[i];
		bool digit = c >= '0' && c <= '9';
		bool ok = i == 8 ? c == 'T' : i == 15 ? c == 'Z' :
			i == 16 ? c == '-' : i < 16 ? digit :
			digit || (c >= 'a' && c <= 'f');

		if (!ok)
			return false;
	}
	return true;
}

/*
 * What recording would have refused is refused when read back: the same
 * checks as chancery_event_new, _add, _set_message and the signature, so
 * nothing from history reaches a caller (or a terminal) that input could
 * not have put there. The subject is chancery's own (type, fields and the
 * text's first line): one line of UTF-8 text of at most 200 bytes.
 */
static int event_check(const chancery_event *ev, const char *name,
	const char *email, int64_t time, size_t indented)
{
	const char *subject = ev->subject;
	int error;

	if (!chancery__event_word_valid(ev->type, false))
		return chancery__error(CHANCERY_EINVALID,
			"event type '%.40s' is not a lowercase word", ev->type);
	if (ev->id[0] && !id_valid(ev->id))
		return chancery__error(CHANCERY_EINVALID,
			"Id: '%.40s' is not an event id", ev->id);
	for (size_t i = 0; i < ev->nfields; i++)
		if ((error = chancery__event_field_check(ev->keys[i],
				ev->values[i], true)) < 0)
			return error;
	if (strlen(subject) > 200 ||
	    !chancery__text_valid(subject, strlen(subject), true))
		return chancery__event_subject_check("");
	if ((error = chancery__event_message_check(ev->message,
			strlen(ev->message), indented)) < 0)
		return error;
	if (!chancery__line_valid(name) || !chancery__line_valid(email))
		return chancery__error(CHANCERY_EINVALID,
			"its author is not one line of text");
	return chancery__time_check(time, "its recording time");
}

/* Lines of the body that recording indented (" ---"), up to `end`. */
static size_t indented_lines(const char *body, const char *end)
{
	size_t n = 0;

	for (const char *p = body; p && p < end; ) {
		if (!strncmp(p, " ---", 4))
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

int chancery__event_from_message(chancery_event **out, const char *msg,
	const char *name, const char *email, int64_t time, int offset)
{
	git_message_trailer_array tr = { 0 };
	chancery_event *ev = NULL;
	const char *type = NULL;
	const char *body, *end;
	size_t ntypes = 0, nids = 0;
	int error;

	*out = NULL;
	if (git_message_trailers(&tr, msg) < 0) {
		git_error_clear();
		return CHANCERY_ENOTFOUND;
	}
	for (size_t i = 0; i < tr.count; i++)
		if (!strcmp(tr.trailers[i].key, "Chancery-Event")) {
			type = tr.trailers[i].value;
			ntypes++;
		}
	if (!type) {
		git_message_trailer_array_free(&tr);
		return CHANCERY_ENOTFOUND;
	}
	ev = chancery__calloc(1, sizeof(*ev));
	if (!ev || !(ev->type = chancery__strdup(type))) {
		error = chancery__oom();
		goto done;
	}
	for (size_t i = 0; i < tr.count; i++) {
		const char *k = tr.trailers[i].key;

		if (strncmp(k, "Chancery-", 9) || !strcmp(k, "Chancery-Event"))
			continue;
		if (!strcmp(k, "Chancery-Id")) {
			snprintf(ev->id, sizeof(ev->id), "%s",
				tr.trailers[i].value);
			nids++;
			continue;
		}
		if ((error = chancery__event_field_push(ev, k + 9,
				tr.trailers[i].value)) < 0)
			goto done;
	}
	if (ntypes > 1 || nids > 1) {
		error = chancery__error(CHANCERY_EINVALID, "%s given more than "
			"once", ntypes > 1 ? "Event" : "Id");
		goto done;
	}
	/* subject: first line; text: up to the trailer block */
	end = strstr(msg, "\n");
	ev->subject = chancery__strndup(msg, end ? (size_t)(end - msg) :
		strlen(msg));
	body = end ? end + 1 : msg + strlen(msg);
	while (*body == '\n')
		body++;
	end = strstr(body, "Chancery-Event: ");
	while (end && end > body && end[-1] != '\n')
		end = strstr(end + 1, "Chancery-Event: ");
	if (!end)
		end = body + strlen(body);
	while (end > body && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	ev->message = chancery__strndup(body, (size_t)(end - body));
	ev->author = chancery__sprintf("%s <%s>", name, email);
	if (!ev->subject || !ev->message || !ev->author) {
		error = chancery__oom();
		goto done;
	}
	ev->time = time;
	ev->offset = offset;
	if ((error = event_check(ev, name, email, time,
			indented_lines(body, end))) < 0)
		goto done;
	*out = ev;
	ev = NULL;
	error = 0;
done:
	git_message_trailer_array_free(&tr);
	chancery_event_free(ev);
	return error;
}

