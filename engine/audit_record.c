/*
 * audit_record.c - does a commit's event hold together? Its record
 * (events/YYYY/MM/DD/ID.txt, or events/YYYY/MM/ID.txt when its parent is of
 * repository format 1: event_layout.c) is added and says what the trailers say (Event,
 * Id, Recorded, Recorded-By, then the fields in order), its text is the
 * commit's, its id is the digest of the parent and the content (event.c's
 * chancery__event_digest), its attachments are added with the SHA-256 and
 * size the record gives, nothing recorded is removed or replaced, and
 * every other change is one its type's rule allows (audit_rules.c). A
 * merge is a sync event whose tree is the merge of its parents plus its
 * record.
 *
 * It reads only what the commit changes (audit.c walked it) and the blobs
 * of the record and attachments; the registry is audit_registry.c's.
 */
#include "audit_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the record and the id ------------------------------------------------- */

#define ID_LEN 25

static bool id_valid(const char *id)
{
	static const char shape[] = "ddddddddTddddddZ-hhhhhhhh";

	if (!id || strlen(id) != ID_LEN)
		return false;
	for (size_t i = 0; i < ID_LEN; i++) {
		char c = id[i];

		if (shape[i] == 'd' ? !(c >= '0' && c <= '9') :
		    shape[i] == 'h' ? !((c >= '0' && c <= '9') ||
			(c >= 'a' && c <= 'f')) : c != shape[i])
			return false;
	}
	return true;
}

/* The header the trailers give, as the record writes it. */
static int expected_header(chancery_buf *b, const chancery_event *ev)
{
	int error = 0;

	for (size_t i = 0; i < chancery_event_field_count(ev) && !error; i++) {
		const char *k, *v;

		chancery_event_field(&k, &v, ev, i);
		error = chancery_buf_printf(b, "%s: %s\n", k, v);
	}
	return error;
}

/* The record says what the trailers say: Event, Id, Recorded (the id's
 * time), Recorded-By, then the fields and attachments in order. */
static bool record_matches(audit *a, const char *rec, size_t hlen)
{
	const char *id = chancery_event_id(a->ev);
	chancery_buf want = CHANCERY_BUF_INIT;
	char head[160];
	const char *p = rec, *end = rec + hlen, *nl;
	bool ok = false;
	int n;

	n = snprintf(head, sizeof(head), "Event: %s\nId: %s\nRecorded: "
		"%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ\nRecorded-By: ",
		chancery_event_type(a->ev), id, id, id + 4, id + 6, id + 9,
		id + 11, id + 13);
	if (n < 0 || (size_t)n >= sizeof(head) || hlen < (size_t)n ||
	    memcmp(p, head, (size_t)n))
		return false;
	p += n;
	if (!(nl = memchr(p, '\n', (size_t)(end - p))) || nl == p)
		return false;
	p = nl + 1;
	if (expected_header(&want, a->ev) < 0) {
		chancery_buf_dispose(&want);
		a->error = CHANCERY_ENOMEM;
		return true; /* not judged */
	}
	ok = (size_t)(end - p) == want.size &&
		!memcmp(p, want.ptr ? want.ptr : "", want.size);
	chancery_buf_dispose(&want);
	return ok;
}

/* The commit's text is the record's (a line starting with "---" gets a
 * space in the commit, as event.c writes it); history shows the former. */
static bool text_matches(audit *a, const char *rec, size_t size, size_t hlen)
{
	chancery_buf want = CHANCERY_BUF_INIT;
	const char *p = hlen < size ? rec + hlen + 1 : rec + size;
	const char *end = rec + size, *got = chancery_event_message(a->ev);
	size_t n;
	bool ok;
	int error = 0;

	while (p < end && *p == '\n')
		p++;
	while (p < end && !error) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (len >= 3 && !strncmp(p, "---", 3))
			error = chancery_buf_putc(&want, ' ');
		if (!error)
			error = chancery_buf_put(&want, p, len);
		if (!error && nl)
			error = chancery_buf_putc(&want, '\n');
		p += len + (nl ? 1 : 0);
	}
	if (error) {
		chancery_buf_dispose(&want);
		a->error = CHANCERY_ENOMEM;
		return true; /* not judged */
	}
	n = want.size;
	while (n > 0 && (want.ptr[n - 1] == '\n' || want.ptr[n - 1] == ' '))
		n--;
	ok = got && strlen(got) == n && !memcmp(got, want.ptr ? want.ptr : "", n);
	chancery_buf_dispose(&want);
	return ok;
}

/* Is `c` the record or an attachment of the event? */
static bool own(const change *c, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(c->path, dir, n) && (!strcmp(c->path + n, ".txt") ||
		c->path[n] == '/');
}

/* The event id recomputed: parent, header without its Id line, text, and
 * the paths changed besides the record and attachments (`paths`). */
static void check_id(audit *a, const char *rec, size_t size, size_t hlen,
	const char **paths, size_t npaths)
{
	const char *id = chancery_event_id(a->ev);
	chancery_buf h = CHANCERY_BUF_INIT;
	const char *idl = strstr(rec, "\nId: "), *eol;
	char *msg = NULL, hex[65], parent[GIT_OID_HEXSZ + 1] = "root";
	size_t mlen = 0;

	if (git_commit_parentcount(a->commit))
		git_oid_tostr(parent, sizeof(parent),
			git_commit_parent_id(a->commit, 0));
	eol = idl ? strchr(idl + 1, '\n') : NULL;
	if (!eol || (size_t)(eol - rec) >= hlen) {
		problem(a, "event %s (commit %s): malformed record", id, a->cid);
		return;
	}
	if (hlen < size) {
		mlen = size - hlen - 1;
		if (mlen && rec[hlen + 1 + mlen - 1] == '\n')
			mlen--;
	}
	if (chancery_buf_put(&h, rec, (size_t)(idl - rec) + 1) < 0 ||
	    chancery_buf_put(&h, eol + 1, hlen - (size_t)(eol + 1 - rec)) < 0 ||
	    !(msg = chancery__strndup(hlen < size ? rec + hlen + 1 : "", mlen))) {
		a->error = CHANCERY_ENOMEM;
	} else if ((a->error = chancery__event_digest(hex, parent, h.ptr,
			h.size, msg, paths, npaths)) == 0 &&
		   strncmp(hex, id + 17, 8)) {
		problem(a, "event %s (commit %s): its id no longer matches its "
			"parent and content: history was rewritten or the "
			"record forged", id, a->cid);
	}
	chancery_free(msg);
	chancery_buf_dispose(&h);
}

/* "NAME sha256=HEX size=N"; NAME may not hold a space */
static bool parse_fixity(char *name, size_t nsize, char hex[65],
	size_t *size, const char *v)
{
	const char *sp = strchr(v, ' ');
	char *end;

	if (!sp || sp == v || (size_t)(sp - v) >= nsize ||
	    strncmp(sp, " sha256=", 8) || strlen(sp + 8) < 64 + 6 ||
	    strncmp(sp + 8 + 64, " size=", 6) ||
	    !(sp[8 + 64 + 6] >= '0' && sp[8 + 64 + 6] <= '9'))
		return false;
	snprintf(name, nsize, "%.*s", (int)(sp - v), v);
	memcpy(hex, sp + 8, 64);
	hex[64] = '\0';
	*size = (size_t)strtoull(sp + 8 + 64 + 6, &end, 10);
	return *end == '\0';
}

/* A fixity line against the file the commit adds; marks it seen. */
static void check_file(audit *a, const char *key, const char *path,
	const char *hex, size_t size, bool *seen)
{
	change *c = find_change(a, path);
	char *data = NULL, got[65];
	size_t n = 0;

	if (c && c->status == 'M') {
		problem(a, "%s: replaced by commit %s (event %s): nothing "
			"recorded is ever changed", path, a->cid,
			chancery_event_id(a->ev));
		return;
	}
	if (!c || c->status != 'A') {
		problem(a, "%s: event %s (commit %s) names it in %s but does not "
			"add it", path, chancery_event_id(a->ev), a->cid, key);
		return;
	}
	seen[c - a->ch] = true;
	if (read_blob(a, &data, &n, &c->id) < 0)
		return;
	if (n != size || (a->error = chancery__sha256_hex(got, data, n)) < 0 ||
	    strcmp(got, hex))
		if (!a->error)
			problem(a, "%s: SHA-256 or size do not match the record "
				"of event %s (commit %s)", path,
				chancery_event_id(a->ev), a->cid);
	chancery_free(data);
}

/* The attachments and, for a deposit, the notification: each named file
 * is added with its hash; `seen` marks them. */
static void check_fixity(audit *a, const char *dir, bool *seen)
{
	for (size_t i = 0; i < chancery_event_field_count(a->ev) && !done(a);
			i++) {
		const char *k, *v;
		char name[300], hex[65], path[400];
		size_t size;

		chancery_event_field(&k, &v, a->ev, i);
		if (strcmp(k, "Attachment") && strcmp(k, "Notification-File"))
			continue;
		if (!parse_fixity(name, sizeof(name), hex, &size, v)) {
			problem(a, "event %s (commit %s): malformed %s line",
				chancery_event_id(a->ev), a->cid, k);
			continue;
		}
		if (!strcmp(k, "Attachment")) {
			if (!chancery__path_component_valid(name, strlen(name))) {
				problem(a, "event %s (commit %s): attachment name "
					"is not a valid file name",
					chancery_event_id(a->ev), a->cid);
				continue;
			}
			snprintf(path, sizeof(path), "%s/%s", dir, name);
		} else {
			if (strcmp(chancery_event_type(a->ev), "deposit") &&
			    strcmp(chancery_event_type(a->ev), "void")) {
				problem(a, "event %s (commit %s): a %s event "
					"issues no notification",
					chancery_event_id(a->ev), a->cid,
					chancery_event_type(a->ev));
				continue;
			}
			snprintf(path, sizeof(path), "%s", name);
		}
		check_file(a, k, path, hex, size, seen);
	}
}

/* ---- a merge, and the event's own files ---------------------------------- */

/* A merge: the sync event's tree is the merge of its parents plus its
 * record, and nothing else. */
static void merge_check(audit *a, git_tree *tree, const char *rpath)
{
	git_commit *p0 = NULL, *p1 = NULL;
	git_index *idx = NULL;
	git_diff *diff = NULL;
	git_merge_options mo = GIT_MERGE_OPTIONS_INIT;
	const char *merged = chancery_event_get(a->ev, "Merged");
	int rc;

	if (!merged || strcmp(merged, git_oid_tostr_s(
			git_commit_parent_id(a->commit, 1)))) {
		problem(a, "commit %s: its sync event does not name the commit "
			"it merged", a->cid);
		return;
	}
	if ((rc = git_commit_parent(&p0, a->commit, 0)) < 0 ||
	    (rc = git_commit_parent(&p1, a->commit, 1)) < 0 ||
	    (rc = git_merge_commits(&idx, a->repo->git, p0, p1, &mo)) < 0) {
		unreadable(a, rc, "the merge of its parents");
		goto out;
	}
	if (git_index_has_conflicts(idx)) {
		problem(a, "commit %s: its parents do not merge without "
			"conflicts, so chancery did not make it", a->cid);
		goto out;
	}
	if ((rc = git_diff_tree_to_index(&diff, a->repo->git, tree, idx,
			NULL)) < 0) {
		unreadable(a, rc, "its tree against the merge");
		goto out;
	}
	for (size_t i = 0; i < git_diff_num_deltas(diff) && !done(a); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (d->status == GIT_DELTA_DELETED &&
		    !strcmp(d->old_file.path, rpath))
			continue; /* the sync's own record */
		problem(a, "%s: commit %s changes it beyond merging its "
			"parents", d->status == GIT_DELTA_ADDED ?
			d->new_file.path : d->old_file.path, a->cid);
	}
out:
	git_diff_free(diff);
	git_index_free(idx);
	git_commit_free(p0);
	git_commit_free(p1);
}

/* The event's own files and the rules of its type. */
void chancery__audit_event_check(audit *a, git_tree *tree, git_tree *ptree)
{
	const char *id = chancery_event_id(a->ev);
	const char *type = chancery_event_type(a->ev);
	unsigned parents = git_commit_parentcount(a->commit);
	chancery__audit_rule may = chancery__audit_rule_of(type);
	char dir[64], rpath[80], *rec = NULL;
	const char **paths = NULL;
	bool *seen = NULL;
	size_t npaths = 0, rsize = 0, hlen;
	const char *body;
	change *r;
	int fmt, rc;

	if (!id_valid(id)) {
		problem(a, "commit %s: its event has no valid id", a->cid);
		return;
	}
	if ((parents == 0) != !strcmp(type, "init") ||
	    (parents == 2) != !strcmp(type, "sync") || parents > 2) {
		problem(a, "commit %s: a %s event with %u parent%s: chancery "
			"writes init as the first commit only and sync as a "
			"merge only", a->cid, type, parents,
			parents == 1 ? "" : "s");
		return;
	}
	/* the layout is the parent's format's (the root's own) */
	if ((rc = chancery__tree_format(&fmt, a->repo, ptree ? ptree :
			tree)) < 0) {
		chancery_error_clear();
		if (rc == CHANCERY_ENOMEM)
			a->error = rc;
		else
			problem(a, "commit %s: the %s of its %s is missing or "
				"unknown, so no layout of events applies", a->cid,
				CHANCERY_FORMAT_PATH, ptree ? "parent" : "tree");
		return;
	}
	if ((a->error = chancery__event_dir(dir, sizeof(dir), id, fmt)) < 0)
		return; /* cannot happen: a valid id fits */
	snprintf(rpath, sizeof(rpath), "%s.txt", dir);
	if (!(r = find_change(a, rpath)) || r->status != 'A') {
		problem(a, "%s: the record of event %s is not added by its "
			"commit %s (repository format %d files it there)", rpath,
			id, a->cid, fmt);
		return;
	}
	if (read_blob(a, &rec, &rsize, &r->id) < 0)
		return;
	body = strstr(rec, "\n\n");
	hlen = body ? (size_t)(body - rec) + 1 : rsize;
	if (strlen(rec) != rsize || !record_matches(a, rec, hlen)) {
		if (!a->error)
			problem(a, "%s: the record of event %s does not say what "
				"its commit's trailers say (commit %s)", rpath,
				id, a->cid);
		goto out;
	}
	if (!text_matches(a, rec, rsize, hlen)) {
		if (!a->error)
			problem(a, "%s: the text of event %s is not its commit's "
				"(commit %s)", rpath, id, a->cid);
		goto out;
	}
	if (parents == 2) {
		const char *none[1] = { NULL };

		check_id(a, rec, rsize, hlen, none, 0);
		merge_check(a, tree, rpath);
		goto out;
	}
	if (!(paths = chancery__calloc(a->nch + 1, sizeof(*paths))) ||
	    !(seen = chancery__calloc(a->nch + 1, sizeof(*seen)))) {
		a->error = CHANCERY_ENOMEM;
		goto out;
	}
	seen[r - a->ch] = true;
	check_fixity(a, dir, seen);
	if (!done(a) && !strcmp(type, "deposit"))
		chancery__audit_deposit_check(a, ptree);
	if (!done(a) && !strcmp(type, "letters"))
		chancery__audit_letters_check(a);
	if (!done(a) && !strcmp(type, "close"))
		chancery__audit_close_check(a);
	if (!done(a) && (!strcmp(type, "void") ||
			chancery_event_get(a->ev, "Corrects")))
		chancery__audit_refers_check(a);
	for (size_t i = 0; i < a->nch && !done(a); i++) {
		const change *c = &a->ch[i];

		if (!own(c, dir) || c->status == 'D')
			paths[npaths++] = c->path;
		if (c->status == 'D')
			problem(a, "%s: removed by commit %s (event %s): nothing "
				"recorded is ever removed", c->path, a->cid, id);
		else if (own(c, dir) && !seen[i])
			problem(a, "%s: commit %s adds it, but event %s does not "
				"record it as an attachment", c->path, a->cid, id);
		else if (!own(c, dir) && !seen[i] && !may(a, c))
			problem(a, "%s: %s by commit %s, which %s events never "
				"do", c->path, c->status == 'A' ? "added" :
				"changed", a->cid, type);
	}
	if (!done(a))
		check_id(a, rec, rsize, hlen, paths, npaths);
out:
	chancery_free(seen);
	chancery_free(paths);
	chancery_free(rec);
}
