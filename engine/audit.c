/*
 * audit.c - is this commit what chancery itself would have written on top
 * of its parent? One answer for `sync` (which refuses a peer's commit that
 * is not) and `verify` (which reports every one that is not).
 *
 * A commit passes when:
 *   - every name in its tree that its parent does not already hold is a
 *     valid file name (chancery__path_component_valid: no "..", ".git" or
 *     an alias of it, no '/' inside a name, ...), every file is a plain
 *     file (no symbolic link, executable or submodule), and no folder it
 *     changes nests more than CHANCERY__MAX_DEPTH folders deep;
 *   - it carries an event (trailers) with a well-formed id, and its record
 *     events/YYYY/MM/ID.txt is added, says what the trailers say, and the
 *     id is the digest of the parent and the content (event.c);
 *   - its attachments are added with the SHA-256 and size the record gives,
 *     and nothing else under events/ changes;
 *   - it deletes nothing, and besides the record and attachments it adds or
 *     replaces only what its event type may (the `rules` table below: an
 *     import its one table, a campaign its own files once, letters and
 *     reminders into a campaign the parent has, a deposit its archive
 *     entry and notification, with State, Treaty, Action, Date and
 *     reference as chancery writes them);
 *   - when it changes registry/ or archive/, the registry of its tree
 *     loads (registry.c's own checks: a peer cannot leave a table or an
 *     archive entry that would stop every command reading the registry;
 *     a commit that only adds archive entries on top of a registry proved
 *     before is proved by its new entries alone: see registry_check);
 *   - the root commit is the init event and only it; a merge commit is a
 *     sync event whose tree is the merge of its two parents plus its record.
 *
 * Only what the commit changes is looked at: its parent was checked before
 * (sync checks a peer's commits oldest first; verify replays from the root).
 * That a peer's history shares our root is sync's to check (sync.c).
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#define ID_LEN 25

typedef struct {
	char *path;
	git_oid id;
	char status; /* 'A' added, 'M' replaced, 'D' deleted */
} change;

typedef struct {
	chancery_repository *repo;
	const chancery__check_opts *o;
	git_commit *commit;
	char cid[13];          /* short commit id, for messages */
	git_tree *ptree;       /* the parent's tree (NULL for the root) */
	chancery_event *ev;
	change *ch;
	size_t nch, ach;
	size_t problems;
	bool stop;             /* the caller has heard enough */
	int error;             /* a failure (memory, unreadable object) */
} audit;

static void problem(audit *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void problem(audit *a, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (a->stop)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	a->problems++;
	if (!a->o->problem || a->o->problem(line, a->o->payload))
		a->stop = true;
}

static bool done(const audit *a)
{
	return a->stop || a->error;
}

/* (internal.h) */
void chancery__printable(char *out, size_t cap, const char *s)
{
	size_t n = 0;

	for (; *s && n + 1 < cap; s++)
		out[n++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
	out[n] = '\0';
	if (!chancery__utf8_valid(out, n, false))
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)out[i] >= 0x80)
				out[i] = '?';
}

/* ---- the changes, entry by entry ------------------------------------------ */

static int cmp_change(const void *x, const void *y)
{
	return strcmp(((const change *)x)->path, ((const change *)y)->path);
}

static int add_change(audit *a, const char *prefix, const char *name,
	const git_oid *id, char status)
{
	change *c;

	if (chancery__grow((void **)&a->ch, &a->ach, a->nch + 1,
			sizeof(*a->ch)) < 0)
		return a->error = CHANCERY_ENOMEM;
	c = &a->ch[a->nch];
	if (!(c->path = chancery__sprintf("%s%s", prefix, name)))
		return a->error = chancery__oom();
	git_oid_cpy(&c->id, id);
	c->status = status;
	a->nch++;
	return 0;
}

/* A failure to read what the commit holds: out of memory stops the check;
 * anything else (a tree libgit2 cannot parse, an object missing) is what
 * the commit is, a problem. */
static void unreadable(audit *a, int rc, const char *what)
{
	const git_error *ge = git_error_last();

	if (rc == CHANCERY_ENOMEM || (ge && ge->klass == GIT_ERROR_NOMEMORY))
		a->error = chancery__oom();
	else
		problem(a, "commit %s: %s cannot be read (%s)", a->cid, what,
			ge ? ge->message : "?");
	git_error_clear();
}

static int lookup_tree(audit *a, git_tree **out, const git_oid *id)
{
	int rc = git_tree_lookup(out, a->repo->git, id);

	if (rc < 0)
		unreadable(a, rc, "a folder of its tree");
	return rc;
}

/* A folder `prefix``name`/ at `depth` (0: a top folder): past
 * CHANCERY__MAX_DEPTH it is a problem, and not walked (so that a tree of
 * nested one-entry folders cannot exhaust the stack). */
static bool too_deep(audit *a, const char *prefix, const char *name,
	int depth)
{
	char shown[300];

	if (depth < CHANCERY__MAX_DEPTH)
		return false;
	chancery__printable(shown, sizeof(shown), name);
	problem(a, "%.200s%s/: nests more than %d folders (commit %s)", prefix,
		shown, CHANCERY__MAX_DEPTH, a->cid);
	return true;
}

/* Every file of `tree` (under `prefix`, `depth` folders down) deleted. */
static void walk_deleted(audit *a, git_tree *tree, const char *prefix,
	int depth)
{
	for (size_t i = 0; i < git_tree_entrycount(tree) && !done(a); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		git_tree *sub = NULL;
		char *p;

		if (git_tree_entry_type(e) != GIT_OBJECT_TREE) {
			add_change(a, prefix, git_tree_entry_name(e),
				git_tree_entry_id(e), 'D');
			continue;
		}
		if (too_deep(a, prefix, git_tree_entry_name(e), depth) ||
		    lookup_tree(a, &sub, git_tree_entry_id(e)) < 0)
			return;
		if ((p = chancery__sprintf("%s%s/", prefix,
				git_tree_entry_name(e))))
			walk_deleted(a, sub, p, depth + 1);
		else
			a->error = chancery__oom();
		chancery_free(p);
		git_tree_free(sub);
	}
}

static void walk(audit *a, git_tree *tree, git_tree *ptree,
	const char *prefix, int depth);

/* One entry of the new tree against the parent's entry of that name. */
static void walk_entry(audit *a, const git_tree_entry *e,
	const git_tree_entry *pe, const char *prefix, int depth)
{
	const char *name = git_tree_entry_name(e);
	git_filemode_t mode = git_tree_entry_filemode(e);
	git_tree *sub = NULL, *psub = NULL;
	char shown[300], *p;

	if (pe && git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(pe)) &&
	    mode == git_tree_entry_filemode(pe))
		return; /* unchanged: checked with the parent */
	if (!chancery__path_component_valid(name, strlen(name))) {
		chancery__printable(shown, sizeof(shown), name);
		problem(a, "%s%s: not a valid file name (commit %s): no '..', "
			"'.git' or its aliases, '/', '\\', ':' or control "
			"characters", prefix, shown, a->cid);
		return;
	}
	if (mode == GIT_FILEMODE_TREE) {
		if (too_deep(a, prefix, name, depth) ||
		    lookup_tree(a, &sub, git_tree_entry_id(e)) < 0)
			return;
		if (pe && git_tree_entry_type(pe) == GIT_OBJECT_TREE) {
			if (lookup_tree(a, &psub, git_tree_entry_id(pe)) < 0) {
				git_tree_free(sub);
				return;
			}
		} else if (pe) {
			add_change(a, prefix, name, git_tree_entry_id(pe), 'D');
		}
		if ((p = chancery__sprintf("%s%s/", prefix, name)))
			walk(a, sub, psub, p, depth + 1);
		else
			a->error = chancery__oom();
		chancery_free(p);
		git_tree_free(sub);
		git_tree_free(psub);
		return;
	}
	if (mode != GIT_FILEMODE_BLOB) {
		problem(a, "%s%s: not a plain file (mode %06o, commit %s)",
			prefix, name, (unsigned)mode, a->cid);
		return;
	}
	if (pe && git_tree_entry_type(pe) == GIT_OBJECT_TREE) {
		if (too_deep(a, prefix, name, depth) ||
		    lookup_tree(a, &psub, git_tree_entry_id(pe)) < 0)
			return;
		if ((p = chancery__sprintf("%s%s/", prefix, name)))
			walk_deleted(a, psub, p, depth + 1);
		else
			a->error = chancery__oom();
		chancery_free(p);
		git_tree_free(psub);
		pe = NULL;
	}
	add_change(a, prefix, name, git_tree_entry_id(e), pe ? 'M' : 'A');
}

/* What `tree` changes against `ptree` (NULL: an empty tree), `depth`
 * folders down. */
static void walk(audit *a, git_tree *tree, git_tree *ptree,
	const char *prefix, int depth)
{
	for (size_t i = 0; i < git_tree_entrycount(tree) && !done(a); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);

		walk_entry(a, e, ptree ? git_tree_entry_byname(ptree,
			git_tree_entry_name(e)) : NULL, prefix, depth);
	}
	for (size_t i = 0; ptree && i < git_tree_entrycount(ptree) &&
			!done(a); i++) {
		const git_tree_entry *pe = git_tree_entry_byindex(ptree, i);
		git_tree *sub = NULL;
		char *p;

		if (git_tree_entry_byname(tree, git_tree_entry_name(pe)))
			continue;
		if (git_tree_entry_type(pe) != GIT_OBJECT_TREE) {
			add_change(a, prefix, git_tree_entry_name(pe),
				git_tree_entry_id(pe), 'D');
			continue;
		}
		if (too_deep(a, prefix, git_tree_entry_name(pe), depth) ||
		    lookup_tree(a, &sub, git_tree_entry_id(pe)) < 0)
			return;
		if ((p = chancery__sprintf("%s%s/", prefix,
				git_tree_entry_name(pe))))
			walk_deleted(a, sub, p, depth + 1);
		else
			a->error = chancery__oom();
		chancery_free(p);
		git_tree_free(sub);
	}
}

/* ---- the rules per event type ---------------------------------------------- */

/* Does `path` start with `prefix` and then hold one more name? */
static bool one_below(const char *path, const char *prefix, const char *ext)
{
	size_t n = strlen(prefix), pl, el = strlen(ext);

	if (strncmp(path, prefix, n) || strchr(path + n, '/'))
		return false;
	pl = strlen(path + n);
	return pl > el && !strcmp(path + n + pl - el, ext);
}

/*
 * A campaign id as workflows/campaign.c accepts one: 1 to 64 of lowercase
 * letters, digits, '-' and '_', starting with a letter or digit. That check
 * is private to workflows/ (which the engine does not call up into), so its
 * form is restated here; the two must agree.
 */
static bool campaign_id_form(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > 64 || !((*s >= 'a' && *s <= 'z') ||
			(*s >= '0' && *s <= '9')))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return false;
	return true;
}

/* The name below campaigns/CAMPAIGN/`rest` that `path` is, when the event
 * names a campaign and `path` is one file there ending in `ext`. */
static const char *in_campaign(const audit *a, const char *path,
	const char *rest, const char *ext)
{
	const char *c = chancery_event_get(a->ev, "Campaign");
	char prefix[200];

	if (!campaign_id_form(c))
		return NULL;
	snprintf(prefix, sizeof(prefix), "campaigns/%s/%s", c, rest);
	return one_below(path, prefix, ext) ? path + strlen(prefix) : NULL;
}

/* Does the parent hold the event's campaign (its campaign.txt)? 1 yes,
 * 0 no, -1 it cannot be told (a rule then refuses). */
static int campaign_in_parent(const audit *a)
{
	const char *c = chancery_event_get(a->ev, "Campaign");
	git_tree_entry *e = NULL;
	char path[200];
	int rc;

	if (!campaign_id_form(c))
		return -1;
	if (!a->ptree)
		return 0;
	snprintf(path, sizeof(path), "campaigns/%s", c);
	rc = git_tree_entry_bypath(&e, a->ptree, path);
	git_tree_entry_free(e);
	e = NULL;
	if (rc == 0) {
		snprintf(path, sizeof(path), "campaigns/%s/campaign.txt", c);
		rc = git_tree_entry_bypath(&e, a->ptree, path);
		git_tree_entry_free(e);
		git_error_clear();
		return rc == 0 ? 1 : -1;
	}
	git_error_clear();
	return rc == GIT_ENOTFOUND ? 0 : -1;
}

/* A letter's name: CODE.odt, or CODE-YYYY-MM-DD.odt when `dated` (a
 * reminder, an acknowledgment), CODE a State code. */
static bool letter_name(const char *name, bool dated)
{
	char code[4], ds[11];
	chancery_date d;

	if (!name || strlen(name) != (dated ? 18 : 7))
		return false;
	snprintf(code, sizeof(code), "%.3s", name);
	if (!chancery_state_code_valid(code))
		return false;
	if (!dated)
		return true;
	snprintf(ds, sizeof(ds), "%.10s", name + 4);
	if (name[3] != '-' || chancery_date_parse(&d, ds) < 0) {
		chancery_error_clear();
		return false;
	}
	return true;
}

static bool init_may(const audit *a, const change *c)
{
	(void)a;
	return c->status == 'A' && (!strcmp(c->path, CHANCERY_FORMAT_PATH) ||
		!strcmp(c->path, ".gitattributes") ||
		!strcmp(c->path, ".gitignore") ||
		one_below(c->path, "registry/", ".tsv") ||
		one_below(c->path, "registry/featured/", ".tsv"));
}

/* An import merges rows into the one table its Registry trailer names
 * (registry/states.tsv, ..., registry/featured/NAME.tsv); that the table
 * still loads is checked with the whole registry (registry_check). */
static bool import_may(const audit *a, const change *c)
{
	const char *t = chancery_event_get(a->ev, "Registry");

	return t && !strncmp(c->path, "registry/", 9) &&
		!strcmp(c->path + 9, t) &&
		(one_below(c->path, "registry/", ".tsv") ||
		 one_below(c->path, "registry/featured/", ".tsv"));
}

/* A campaign opens once, with the files `chancery campaign open` writes. */
static bool campaign_may(const audit *a, const change *c)
{
	static const char *const files[] = { "campaign.txt", "workflow.xml",
		"featured.tsv", "recipients.tsv" };
	const char *name = in_campaign(a, c->path, "", "");

	if (c->status != 'A' || campaign_in_parent(a) != 0)
		return false;
	for (size_t i = 0; name && i < sizeof(files) / sizeof(*files); i++)
		if (!strcmp(name, files[i]))
			return true;
	return in_campaign(a, c->path, "templates/", ".odt") != NULL;
}

/* Letters (re)written for the States of an open campaign. */
static bool letters_may(const audit *a, const change *c)
{
	return letter_name(in_campaign(a, c->path, "letters/", ".odt"), false) &&
		campaign_in_parent(a) == 1;
}

static bool remind_may(const audit *a, const change *c)
{
	return c->status == 'A' && campaign_in_parent(a) == 1 &&
		(letter_name(in_campaign(a, c->path, "reminders/", ".odt"),
			true) ||
		 letter_name(in_campaign(a, c->path, "acknowledgments/",
			".odt"), true));
}

/* A deposit's two files: the archive entry and the notification its
 * trailers name (deposit_check makes sure they agree with each other). */
static bool deposit_may(const audit *a, const change *c)
{
	const char *ar = chancery_event_get(a->ev, "Archive");
	const char *nf = chancery_event_get(a->ev, "Notification-File");
	const char *sp = nf ? strchr(nf, ' ') : NULL;

	return c->status == 'A' && ((ar && !strcmp(c->path, ar)) ||
		(sp && strlen(c->path) == (size_t)(sp - nf) &&
		 !strncmp(c->path, nf, (size_t)(sp - nf))));
}

static bool nothing_may(const audit *a, const change *c)
{
	(void)a;
	(void)c;
	return false;
}

/* Which files besides its record and attachments an event may add ('A')
 * or replace ('M'); types not listed (note, send, reply, and any an
 * application records) may change nothing else. "init" and "sync" are
 * bound to the root and to merges as well. */
static const struct {
	const char *type;
	bool (*may)(const audit *a, const change *c);
} rules[] = {
	{ "init", init_may },
	{ "import", import_may },
	{ "campaign", campaign_may },
	{ "letters", letters_may },
	{ "remind", remind_may },
	{ "deposit", deposit_may },
	{ "sync", nothing_may },
};

static bool (*rule_of(const char *type))(const audit *, const change *)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].type, type))
			return rules[i].may;
	return nothing_may;
}

/* ---- the record and the id ------------------------------------------------- */

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

static int read_blob(audit *a, char **out, size_t *size, const git_oid *id)
{
	git_blob *b = NULL;
	int rc;

	*out = NULL;
	if ((rc = git_blob_lookup(&b, a->repo->git, id)) < 0) {
		unreadable(a, rc, "a file");
		return -1;
	}
	*size = (size_t)git_blob_rawsize(b);
	*out = chancery__malloc(*size + 1);
	if (!*out) {
		git_blob_free(b);
		return a->error = CHANCERY_ENOMEM;
	}
	memcpy(*out, git_blob_rawcontent(b), *size);
	(*out)[*size] = '\0';
	git_blob_free(b);
	return 0;
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

/* The change of `path` (the changes are sorted by path once walked). */
static change *find_change(audit *a, const char *path)
{
	change key;

	key.path = (char *)path;
	return a->nch ? bsearch(&key, a->ch, a->nch, sizeof(*a->ch),
		cmp_change) : NULL;
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
			if (strcmp(chancery_event_type(a->ev), "deposit")) {
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

/* ---- the registry the commit leaves ------------------------------------- */

/*
 * Loading the registry parses its tables (24,000 rows of participation in
 * the Focus 2004 registry) and walks archive/; verify and sync ask it of
 * every deposit of the history, which made them quadratic in deposits.
 * So the repository keeps the last registry proved to load (`reg_seen`):
 * the ids of the registry/ and archive/ folders it was proved for, and the
 * registry loaded from a tree with the same registry/. A commit whose
 * parent is that state, that leaves registry/ as it was and only adds
 * archive entries is proved by checking each new entry as the loader
 * would (its name's form, a State and a treaty the registry knows):
 * loading would have read the same tables and the same entries plus
 * these. Anything else (a table changed, an entry replaced or removed, a
 * problem already found in the commit, an entry that does not pass) loads
 * the registry whole, so a refusal is the loader's own, word for word.
 * The ids name the folders' content, so the state holds for any
 * repository; it is only kept after a load that succeeded.
 */
struct chancery__reg_seen {
	git_oid registry, archive; /* archive zero: the tree had none */
	chancery_registry *reg;    /* loaded from a tree with that registry/ */
	size_t bytes;              /* a bound on the loader's archive names */
};

/* The loader's cap on its archive names (registry.c load_archive) and
 * what one entry may take of it (State, treaty, action, path buffers). */
#define ARCHIVE_NAMES_MAX ((size_t)256 << 20)
#define ARCHIVE_ENTRY_MAX (8 + 64 + 64 + 600)

void chancery__reg_seen_free(struct chancery__reg_seen *s)
{
	if (!s)
		return;
	chancery_registry_free(s->reg);
	chancery_free(s);
}

/* The ids of `tree`'s registry/ and archive/ folders: false when either
 * is not a folder (registry/ must be one). */
static bool folder_ids(git_tree *tree, git_oid *reg, git_oid *arc)
{
	const git_tree_entry *r, *a;

	if (!tree || !(r = git_tree_entry_byname(tree, "registry")) ||
	    git_tree_entry_type(r) != GIT_OBJECT_TREE)
		return false;
	git_oid_cpy(reg, git_tree_entry_id(r));
	memset(arc, 0, sizeof(*arc));
	if (!(a = git_tree_entry_byname(tree, "archive")))
		return true;
	if (git_tree_entry_type(a) != GIT_OBJECT_TREE)
		return false;
	git_oid_cpy(arc, git_tree_entry_id(a));
	return true;
}

/* Would the loader take `path`, a file added under archive/, as an entry
 * of `reg`? archive/STATE/TREATY/YYYY-MM-DD-ACTION.txt with a valid State
 * code and treaty id that `reg` knows, a real date, a known action; the
 * same bounds as the loader's (registry.c archive_walk). */
static bool entry_loads(const chancery_registry *reg, const char *path)
{
	char state[8], treaty[64], action[64], ds[11];
	const char *s1, *s2, *name;
	size_t len;
	chancery_date d;
	bool ok;

	if (strncmp(path, "archive/", 8) || !(s1 = strchr(path + 8, '/')) ||
	    !(s2 = strchr(s1 + 1, '/')) || strchr(s2 + 1, '/'))
		return false;
	name = s2 + 1;
	len = strlen(name);
	if ((size_t)(s1 - path - 8) >= sizeof(state) ||
	    (size_t)(s2 - s1 - 1) >= sizeof(treaty) || len < 16 ||
	    len - 15 >= sizeof(action) || strcmp(name + len - 4, ".txt") ||
	    name[10] != '-' || strlen(path) >= 600)
		return false;
	snprintf(state, sizeof(state), "%.*s", (int)(s1 - path - 8), path + 8);
	snprintf(treaty, sizeof(treaty), "%.*s", (int)(s2 - s1 - 1), s1 + 1);
	snprintf(action, sizeof(action), "%.*s", (int)(len - 15), name + 11);
	snprintf(ds, sizeof(ds), "%.10s", name);
	ok = chancery_date_parse(&d, ds) == 0 &&
		chancery_state_code_valid(state) &&
		chancery_treaty_id_valid(treaty) &&
		chancery_action_classify(action) != CHANCERY_ACTION_UNKNOWN &&
		chancery_registry_state_find(reg, state) &&
		chancery_registry_treaty_find(reg, treaty);
	chancery_error_clear();
	return ok;
}

/* Is the registry of `tree` proved by the repository's last one? Its
 * parent's folders are the proved ones (or its own are), registry/ is
 * unchanged, and every change under archive/ adds an entry that loads. */
static bool registry_proved(audit *a, const git_oid *reg,
	const git_oid *arc)
{
	struct chancery__reg_seen *s = a->repo->reg_seen;
	git_oid preg, parc;
	size_t added = 0;

	if (!s || !git_oid_equal(reg, &s->registry))
		return false;
	if (git_oid_equal(arc, &s->archive))
		return true;
	if (a->problems || !folder_ids(a->ptree, &preg, &parc) ||
	    !git_oid_equal(&preg, reg) || !git_oid_equal(&parc, &s->archive))
		return false;
	for (size_t i = 0; i < a->nch; i++) {
		const change *c = &a->ch[i];

		if (strncmp(c->path, "archive", 7) ||
		    (c->path[7] != '/' && c->path[7] != '\0'))
			continue;
		if (c->status != 'A' || !entry_loads(s->reg, c->path))
			return false;
		added++;
	}
	if (s->bytes + added * ARCHIVE_ENTRY_MAX >= ARCHIVE_NAMES_MAX / 2)
		return false;
	s->bytes += added * ARCHIVE_ENTRY_MAX;
	git_oid_cpy(&s->archive, arc);
	return true;
}

/* Keep `reg`, just loaded from a tree with these folders, as proved. */
static void registry_keep(audit *a, chancery_registry **reg,
	const git_oid *rid, const git_oid *arc)
{
	struct chancery__reg_seen *s = a->repo->reg_seen;

	if (!s && !(s = a->repo->reg_seen = chancery__calloc(1, sizeof(*s))))
		return; /* not kept: the next commit loads it again */
	chancery_registry_free(s->reg);
	s->reg = *reg;
	*reg = NULL;
	git_oid_cpy(&s->registry, rid);
	git_oid_cpy(&s->archive, arc);
	s->bytes = chancery_registry_action_count(s->reg) * ARCHIVE_ENTRY_MAX;
}

/* The registry the commit leaves must load: a tree whose registry does
 * not (a table that does not parse, an archive entry the registry
 * refuses) is a problem, for it would stop every command at every office
 * that merged it. */
static void registry_check(audit *a, git_tree *tree)
{
	chancery_registry *reg = NULL;
	git_oid rid, arc;
	bool ids = folder_ids(tree, &rid, &arc);
	int rc;

	if (ids && registry_proved(a, &rid, &arc))
		return;
	rc = chancery__registry_load_tree(&reg, a->repo, tree);
	if (rc == CHANCERY_ENOMEM) {
		a->error = rc;
	} else if (rc < 0) {
		const chancery_error *e = chancery_error_last();

		problem(a, "commit %s: the registry it leaves cannot be loaded "
			"(%s)", a->cid, e ? e->message : "?");
		chancery_error_clear();
		git_error_clear();
	} else if (ids) {
		registry_keep(a, &reg, &rid, &arc);
	}
	chancery_registry_free(reg);
}

/* Does the commit change anything under `dir` (with its '/')? */
static bool changes_under(const audit *a, const char *dir)
{
	for (size_t i = 0; i < a->nch; i++)
		if (!strncmp(a->ch[i].path, dir, strlen(dir)))
			return true;
	return false;
}

/* State, Treaty, Action and Date as a deposit writes them: a State code,
 * a treaty id, an action the registry's classifier knows, a real date in
 * its own form; the Notification's number, year and chapter read back
 * from it give it again exactly. (That the State and the treaty are the
 * registry's is what loading the registry the commit leaves checks, with
 * its archive entry: registry_check.) */
static bool deposit_fields(const char *st, const char *tr, const char *ac,
	const char *dt, const char *ref, unsigned *n, unsigned *year)
{
	chancery_date d;
	char ds[11], canon[80];
	int used = 0, chapter = 0;

	if (!chancery_state_code_valid(st) || !chancery_treaty_id_valid(tr) ||
	    chancery_action_classify(ac) == CHANCERY_ACTION_UNKNOWN ||
	    strlen(dt) != 10 || chancery_date_parse(&d, dt) < 0) {
		chancery_error_clear();
		return false;
	}
	chancery_date_format(ds, sizeof(ds), &d);
	if (strcmp(ds, dt) || sscanf(ref, "C.N.%u.%u.TREATIES-%d%n", n, year,
			&chapter, &used) < 3 || (size_t)used != strlen(ref) ||
	    !*n || *n > 9999 || *year != (unsigned)d.year || chapter < 1)
		return false;
	snprintf(canon, sizeof(canon), "C.N.%u.%04u.TREATIES-%d", *n, *year,
		chapter);
	return !strcmp(canon, ref);
}

/* A deposit's trailers agree with each other and with the files: the
 * archive entry archive/STATE/TREATY/DATE-ACTION.txt, the notification
 * notifications/YEAR/NNNN.odt of reference C.N.N.YEAR.TREATIES-C, the
 * number next after the parent's last, and an entry saying the same. */
static void deposit_check(audit *a, git_tree *ptree)
{
	const char *st = chancery_event_get(a->ev, "State");
	const char *tr = chancery_event_get(a->ev, "Treaty");
	const char *ac = chancery_event_get(a->ev, "Action");
	const char *dt = chancery_event_get(a->ev, "Date");
	const char *ref = chancery_event_get(a->ev, "Notification");
	const char *ar = chancery_event_get(a->ev, "Archive");
	const char *nf = chancery_event_get(a->ev, "Notification-File");
	char want[400], npath[64], prev[64], *text = NULL;
	unsigned n = 0, year = 0;
	change *c;
	size_t size = 0;
	int wn;

	if (!st || !tr || !ac || !dt || !ref || !ar || !nf ||
	    !deposit_fields(st, tr, ac, dt, ref, &n, &year)) {
		problem(a, "event %s (commit %s): a deposit without a consistent "
			"State, Treaty, Action, Date, Notification and Archive "
			"(a State code, a treaty id, a known action, a real "
			"date)", chancery_event_id(a->ev), a->cid);
		return;
	}
	wn = snprintf(want, sizeof(want), "archive/%s/%s/%s-%s.txt", st, tr,
		dt, ac);
	snprintf(npath, sizeof(npath), "notifications/%04u/%04u.odt", year, n);
	if (wn < 0 || (size_t)wn >= sizeof(want) || strcmp(ar, want) ||
	    strncmp(nf, npath, strlen(npath)) || nf[strlen(npath)] != ' ') {
		problem(a, "event %s (commit %s): its archive entry or "
			"notification is not where its State, Treaty, Date and "
			"number put it (%.200s, %s)", chancery_event_id(a->ev),
			a->cid, want, npath);
		return;
	}
	snprintf(prev, sizeof(prev), "notifications/%04u/%04u.odt", year, n - 1);
	if (n > 1) {
		git_tree_entry *e = NULL;
		int rc = ptree ? git_tree_entry_bypath(&e, ptree, prev) :
			GIT_ENOTFOUND;

		if (rc == GIT_ENOTFOUND)
			problem(a, "%s: event %s (commit %s) issues number %u, "
				"but %s was never issued", npath,
				chancery_event_id(a->ev), a->cid, n, prev);
		else if (rc < 0)
			unreadable(a, rc, prev);
		git_tree_entry_free(e);
		git_error_clear();
	}
	if (done(a) || !(c = find_change(a, ar)) || c->status != 'A')
		return; /* reported by the rules */
	if (read_blob(a, &text, &size, &c->id) < 0)
		return;
	wn = snprintf(want, sizeof(want), "State: %s\nTreaty: %s\nAction: "
		"%s\nDate: %s\nNotification: %s\n", st, tr, ac, dt, ref);
	if (wn < 0 || (size_t)wn >= sizeof(want) ||
	    strncmp(text, want, strlen(want)) || strlen(text) != size ||
	    (text[strlen(want)] && (strncmp(text + strlen(want),
			"Instrument: ", 12) ||
		strchr(text + strlen(want), '\n') != text + size - 1)))
		problem(a, "%s: the archive entry does not say what event %s "
			"(commit %s) recorded", ar, chancery_event_id(a->ev),
			a->cid);
	chancery_free(text);
}

/* ---- one commit ----------------------------------------------------------------- */

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
static void event_check(audit *a, git_tree *tree, git_tree *ptree)
{
	const char *id = chancery_event_id(a->ev);
	const char *type = chancery_event_type(a->ev);
	unsigned parents = git_commit_parentcount(a->commit);
	bool (*may)(const audit *, const change *) = rule_of(type);
	char dir[64], rpath[80], *rec = NULL;
	const char **paths = NULL;
	bool *seen = NULL;
	size_t npaths = 0, rsize = 0, hlen;
	const char *body;
	change *r;

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
	snprintf(dir, sizeof(dir), "events/%.4s/%.2s/%s", id, id + 4, id);
	snprintf(rpath, sizeof(rpath), "%s.txt", dir);
	if (!(r = find_change(a, rpath)) || r->status != 'A') {
		problem(a, "%s: the record of event %s is not added by its "
			"commit %s", rpath, id, a->cid);
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
		deposit_check(a, ptree);
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

int chancery__commit_check(chancery_repository *repo, git_commit *commit,
	const chancery__check_opts *opts)
{
	chancery__check_opts none = { NULL, NULL, NULL };
	audit a;
	git_commit *parent = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	int rc;

	memset(&a, 0, sizeof(a));
	a.repo = repo;
	a.o = opts ? opts : &none;
	a.commit = commit;
	git_oid_tostr(a.cid, sizeof(a.cid), git_commit_id(commit));
	if ((rc = git_commit_tree(&tree, commit)) < 0 ||
	    (git_commit_parentcount(commit) &&
	     ((rc = git_commit_parent(&parent, commit, 0)) < 0 ||
	      (rc = git_commit_tree(&ptree, parent)) < 0))) {
		unreadable(&a, rc, "its tree or its parent's");
		goto out;
	}
	a.ptree = ptree;
	walk(&a, tree, ptree, "", 0);
	if (!done(&a) && a.nch)
		qsort(a.ch, a.nch, sizeof(*a.ch), cmp_change);
	if (done(&a))
		goto out;
	rc = chancery__event_from_commit(&a.ev, commit);
	if (rc == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		problem(&a, "commit %s (\"%.60s\"): records no event: made "
			"outside chancery", a.cid, git_commit_summary(commit) ?
			git_commit_summary(commit) : "");
		goto out;
	}
	if (rc == CHANCERY_EINVALID) {
		/* an event recording would refuse (event.c says why) */
		problem(&a, "%s", chancery_error_last()->message);
		chancery_error_clear();
		goto out;
	}
	if (rc < 0) {
		a.error = rc;
		goto out;
	}
	event_check(&a, tree, ptree);
	if (!done(&a) && (changes_under(&a, "registry/") ||
			changes_under(&a, "archive/")))
		registry_check(&a, tree);
	for (size_t i = 0; a.o->file && !done(&a) && i < a.nch; i++)
		if (a.ch[i].status != 'D' && git_commit_parentcount(commit) < 2 &&
		    a.o->file(a.ch[i].path, &a.ch[i].id, a.o->payload))
			a.stop = true;
out:
	for (size_t i = 0; i < a.nch; i++)
		chancery_free(a.ch[i].path);
	chancery_free(a.ch);
	chancery_event_free(a.ev);
	git_tree_free(tree);
	git_tree_free(ptree);
	git_commit_free(parent);
	if (a.error == CHANCERY_ENOMEM)
		return chancery__oom();
	if (a.error < 0)
		return a.error;
	return a.problems ? 1 : 0;
}
