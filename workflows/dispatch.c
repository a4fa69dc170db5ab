/*
 * dispatch.c - which letter of a recipient is its current one, and whether
 * it went out: a dispatched letter is a record, never written over.
 *
 * The letters of a State in campaigns/ID/letters/: CODE.odt is its first
 * letter (reference ID/CODE/1), CODE-N.odt its Nth (ID/CODE/N, N = 2 to
 * WF_LETTER_MAX), each superseding the one before it; the current letter
 * is the largest N the tree holds. Whether it was dispatched is told by
 * history: a send naming the State dispatches its current letter; a
 * letters event that writes it (one naming the State, or a batch naming
 * none) makes it a letter not yet sent, and its commit is where the
 * letter's provenance (the registry's tree id) can be read back: a
 * dispatched letter is compared with what its own inputs give, so that a
 * change elsewhere in the registry does not make it differ. generate.c
 * writes a dispatched
 * letter over only by adding the next one (--supersede); a batch written
 * after any dispatch names the States whose letters it wrote, so that this
 * reading stays true for the others.
 *
 * Left out on purpose: the audit of peers' commits (engine/audit_rules.c
 * reads the same history with its own scan, below the workflows module)
 * and what a superseding letter says (generate.c).
 */
#include "workflows.h"

#include <stdlib.h>
#include <string.h>

void wf_letter_path(char *buf, size_t size, const char *id, const char *code,
	unsigned n)
{
	if (n > 1)
		snprintf(buf, size, "campaigns/%s/letters/%s-%u.odt", id, code, n);
	else
		snprintf(buf, size, "campaigns/%s/letters/%s.odt", id, code);
}

unsigned wf_letter_number_in(const chancery_tree *letters, const char *code)
{
	char name[80];
	unsigned n;

	snprintf(name, sizeof(name), "%s.odt", code);
	if (!letters || !chancery__tree_has(letters, name))
		return 0;
	for (n = 1; n < WF_LETTER_MAX; n++) {
		snprintf(name, sizeof(name), "%s-%u.odt", code, n + 1);
		if (!chancery__tree_has(letters, name))
			break;
	}
	return n;
}

int wf_letters_folder(chancery_tree **out, const chancery_tree *tree,
	const char *id)
{
	char path[120];
	int error;

	*out = NULL;
	snprintf(path, sizeof(path), "campaigns/%s/letters", id);
	if (!tree)
		return 0;
	error = chancery__tree_folder(out, tree, path);
	if (error == CHANCERY_ENOTFOUND || error == CHANCERY_EINVALID) {
		chancery_error_clear();
		return 0;
	}
	return error;
}

unsigned wf_letter_number(const chancery_tree *tree, const char *id,
	const char *code)
{
	chancery_tree *letters = NULL;
	unsigned n;

	if (wf_letters_folder(&letters, tree, id) < 0) {
		chancery_error_clear();
		return 0;
	}
	n = wf_letter_number_in(letters, code);
	chancery__tree_free(letters);
	return n;
}

void wf_letter_reference_set(json_t *data, const char *id,
	const char *code, unsigned n)
{
	json_t *letter = json_object_get(data, "letter");
	char ref[120];

	if (n < 2 || !letter)
		return;
	wf_reference_nth(ref, sizeof(ref), id, code, n);
	json_object_set_new(letter, "reference", json_string(ref));
	wf_reference_nth(ref, sizeof(ref), id, code, n - 1);
	json_object_set_new(letter, "supersedes", json_string(ref));
}

unsigned wf_letter_of(const context *x, const char *code)
{
	for (size_t i = 0; x->letter && i < x->nrec; i++)
		if (!strcmp(x->recipients[i], code))
			return x->letter[i];
	return 0;
}

int wf_open_check(const campaign *c, const char *what)
{
	char d[11];

	if (!c->closed.year)
		return 0;
	chancery_date_format(d, sizeof(d), &c->closed);
	return chancery__error(CHANCERY_EINVALID, "campaign '%s' was closed on "
		"%s: it generates no more %s (replies are still recorded)",
		c->id, d, what);
}

typedef struct {
	const context *x;
	wf_dispatch *d;
} scan;

static long recipient_index(const context *x, const char *code)
{
	for (size_t i = 0; i < x->nrec; i++)
		if (!strcmp(x->recipients[i], code))
			return (long)i;
	return -1;
}

static int scan_cb(const chancery_event *ev, void *payload)
{
	scan *s = payload;
	const char *type = chancery_event_type(ev);
	const char *commit = chancery_event_commit(ev);
	bool send = !strcmp(type, "send"), named = false;

	if (!send && strcmp(type, "letters"))
		return 0;
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *v;
		long r;

		chancery_event_field(&k, &v, ev, i);
		if (strcmp(k, "State"))
			continue;
		named = true;
		if ((r = recipient_index(s->x, v)) < 0)
			continue;
		s->d[r].sent = send;
		if (!send)
			snprintf(s->d[r].written, 41, "%s", commit ? commit : "");
	}
	/* a batch of letters naming no State wrote everyone's */
	for (size_t i = 0; !send && !named && i < s->x->nrec; i++) {
		s->d[i].sent = false;
		snprintf(s->d[i].written, 41, "%s", commit ? commit : "");
	}
	return 0;
}

int wf_registry_at(char out[41], chancery_repository *repo,
	const char *commit)
{
	chancery_oid id;
	chancery_tree *t = NULL;
	chancery_entry e;
	int error;

	out[0] = '\0';
	if ((error = chancery__revparse(&id, repo, commit)) == 0 &&
	    (error = chancery__tree_of(&t, repo, &id)) == 0 &&
	    (error = chancery__tree_entry(&e, t, "registry")) == 0)
		chancery__oid_tostr(out, &e.id);
	chancery__tree_free(t);
	if (error == CHANCERY_ENOMEM)
		return error;
	chancery_error_clear();
	return 0;
}

int wf_dispatched(wf_dispatch **out, chancery_repository *repo,
	const context *x, const char *at)
{
	chancery_log_options lo = CHANCERY_LOG_OPTIONS_INIT;
	scan s = { x, NULL };
	int error;

	*out = NULL;
	if (!(s.d = chancery__calloc(x->nrec ? x->nrec : 1, sizeof(*s.d))))
		return chancery__oom();
	lo.campaign = x->c.id;
	lo.oldest_first = 1;
	lo.at = at;
	if ((error = chancery_event_foreach(repo, &lo, scan_cb, &s)) < 0) {
		chancery_free(s.d);
		return error;
	}
	*out = s.d;
	return 0;
}
