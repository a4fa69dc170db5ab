/*
 * fuzz_peer.c - what a peer can send: a commit with a crafted tree and
 * message, fed to the commit check sync and verify share (engine/audit.c).
 *
 * One repository per process, made on the first input in a temporary
 * folder: init (empty registry) and a note with an attachment, so there is
 * a record and a file under events/ to delete or change. Objects of each
 * input go to an in-memory pack, emptied after it, so the cost of an input
 * does not grow with the ones before.
 *
 * The input is a little program: each op byte adds, replaces or deletes an
 * entry (names from a dictionary of the dangerous ones - "..", ".git",
 * "GIT~1", names holding '/', HFS+ ignorables - or raw bytes), adds an
 * event record, or a trailer; a flag makes the harness compute the event id
 * the way chancery does, so that the check gets past the id to its rules.
 *
 * Must hold for every input: no crash, and a commit the check accepts has
 * only valid names in its tree and keeps every file under events/ of its
 * parent as it was.
 */
#define _XOPEN_SOURCE 700
#include "fuzz.h"
#include "internal.h"

#include <ftw.h>
#include <git2/sys/mempack.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_KIDS 48

typedef struct node {
	char name[64];
	bool tree;
	git_oid blob;
	struct node *kid[MAX_KIDS];
	size_t nkids;
} node;

static chancery_repository *repo;
static git_odb_backend *mem;
static git_commit *base;
static char base_dir[512];

static const char *const names[] = {
	"..", ".", ".git", ".GIT", "GIT~1", "git~1", ".git.", ".git ",
	".g\xe2\x80\x8cit", "a/b", "../x", "a\\b", "c:d", "", "events",
	"registry", "archive", "notifications", "campaigns", "2004", "03",
	"12", "USA", "XVIII-10", "2004-09-23-ratification.txt", "0001.odt",
	"states.tsv", "featured", "letters", "x.odt", ".chancery", "format",
	"config", "nv.pdf", "focus2004", "reminders",
};

static const char *const types[] = {
	"note", "deposit", "init", "sync", "import", "campaign", "letters",
	"remind", "send", "reply", "x",
};

static const char *const keys[] = {
	"State", "Campaign", "Treaty", "Archive", "Notification-File",
	"Attachment", "Notification", "Date", "Action", "Merged",
};

static const char *const values[] = {
	"USA", "focus2004", "XVIII-10", "2004-09-23", "ratification",
	"archive/USA/XVIII-10/2004-09-23-ratification.txt",
	"notifications/2004/0001.odt sha256="
	"0000000000000000000000000000000000000000000000000000000000000000 "
	"size=1", "C.N.1.2004.TREATIES-18", "../../etc/passwd",
	"nv.pdf sha256="
	"0000000000000000000000000000000000000000000000000000000000000000 "
	"size=0", "..",
};

typedef struct {
	const uint8_t *d;
	size_t n, i;
} input;

static unsigned next(input *in)
{
	return in->i < in->n ? in->d[in->i++] : 0;
}

#define PICK(in, a) ((a)[next(in) % (sizeof(a) / sizeof((a)[0]))])

/* ---- the one repository ------------------------------------------------------- */

static void load(node *n, git_tree *t)
{
	for (size_t i = 0; i < git_tree_entrycount(t) && n->nkids < MAX_KIDS;
			i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		node *k = calloc(1, sizeof(*k));

		if (!k)
			abort();
		snprintf(k->name, sizeof(k->name), "%s", git_tree_entry_name(e));
		k->tree = git_tree_entry_type(e) == GIT_OBJECT_TREE;
		git_oid_cpy(&k->blob, git_tree_entry_id(e));
		if (k->tree) {
			git_tree *sub = NULL;

			if (git_tree_lookup(&sub, repo->git, &k->blob) < 0)
				abort();
			load(k, sub);
			git_tree_free(sub);
		}
		n->kid[n->nkids++] = k;
	}
}

static void drop(node *n)
{
	for (size_t i = 0; i < n->nkids; i++) {
		drop(n->kid[i]);
		free(n->kid[i]);
	}
	n->nkids = 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
	struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void cleanup(void)
{
	/* the in-memory pack is the object database's, freed with it */
	git_commit_free(base);
	chancery_repository_free(repo);
	if (base_dir[0])
		nftw(base_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void)
{
	chancery_init_options io = CHANCERY_INIT_OPTIONS_INIT;
	chancery_signature sig = { "Fuzz", "fuzz@example.org", 1104494400, 0 };
	chancery_event *ev = NULL;
	const char *tmp = getenv("TMPDIR");
	git_odb *odb = NULL;
	git_oid head;

	snprintf(base_dir, sizeof(base_dir), "%s/chancery-fuzz-peer-XXXXXX",
		tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base_dir))
		abort();
	io.empty = 1;
	if (chancery_repository_init(&repo, base_dir, &io, &sig) < 0 ||
	    chancery_event_new(&ev, "note") < 0 ||
	    chancery_event_add(ev, "State", "LBR") < 0 ||
	    chancery_event_set_message(ev, "a note verbale") < 0 ||
	    chancery_event_attach(ev, "nv.pdf", "%PDF-1.4", 8) < 0 ||
	    chancery_event_record(repo, ev) < 0)
		abort();
	chancery_event_free(ev);
	if (git_reference_name_to_id(&head, repo->git, repo->branch) < 0 ||
	    git_commit_lookup(&base, repo->git, &head) < 0 ||
	    git_repository_odb(&odb, repo->git) < 0 ||
	    git_mempack_new(&mem) < 0 || git_odb_add_backend(odb, mem, 999) < 0)
		abort();
	git_odb_free(odb);
	atexit(cleanup);
}

/* ---- building the crafted tree ------------------------------------------------ */

static node *child(node *n, const char *name, bool tree, bool create)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (!strcmp(n->kid[i]->name, name))
			return n->kid[i];
	if (!create || n->nkids >= MAX_KIDS)
		return NULL;
	n->kid[n->nkids] = calloc(1, sizeof(node));
	if (!n->kid[n->nkids])
		abort();
	snprintf(n->kid[n->nkids]->name, sizeof(n->kid[0]->name), "%s", name);
	n->kid[n->nkids]->tree = tree;
	return n->kid[n->nkids++];
}

/* A name: from the dictionary, or up to 8 raw bytes (no NUL). */
static void a_name(input *in, char *out, size_t cap)
{
	unsigned c = next(in);

	if (c < 200) {
		snprintf(out, cap, "%s", names[c % (sizeof(names) /
			sizeof(names[0]))]);
		return;
	}
	size_t len = 1 + next(in) % 8, i;

	for (i = 0; i < len && i + 1 < cap; i++) {
		unsigned b = next(in);

		out[i] = (char)(b ? b : 'x');
	}
	out[i] = '\0';
}

/* A blob of a few bytes of the input. */
static void a_blob(input *in, git_oid *out)
{
	char data[32];
	size_t len = next(in) % sizeof(data);

	for (size_t i = 0; i < len; i++)
		data[i] = (char)next(in);
	if (git_blob_create_from_buffer(out, repo->git, data, len) < 0)
		abort();
}

/* Put a file (or an empty folder) at components `path`. */
static void put(node *root, char path[][64], size_t depth, const git_oid *blob)
{
	node *n = root;

	for (size_t i = 0; i + 1 < depth && n; i++) {
		n = child(n, path[i], true, true);
		if (n && !n->tree)
			n->tree = true, n->nkids = 0;
	}
	if (n && (n = child(n, path[depth - 1], false, true))) {
		drop(n);
		n->tree = blob == NULL;
		if (blob)
			git_oid_cpy(&n->blob, blob);
	}
}

/* Remove the entry at components `path`. */
static void del(node *root, char path[][64], size_t depth)
{
	node *n = root;

	for (size_t i = 0; i + 1 < depth && n; i++)
		n = child(n, path[i], true, false);
	for (size_t i = 0; n && i < n->nkids; i++)
		if (!strcmp(n->kid[i]->name, path[depth - 1])) {
			drop(n->kid[i]);
			free(n->kid[i]);
			n->kid[i] = n->kid[--n->nkids];
			return;
		}
}

static int cmp_node(const void *x, const void *y)
{
	const node *a = *(node *const *)x, *b = *(node *const *)y;
	char ka[70], kb[70];

	snprintf(ka, sizeof(ka), "%s%s", a->name, a->tree ? "/" : "");
	snprintf(kb, sizeof(kb), "%s%s", b->name, b->tree ? "/" : "");
	return strcmp(ka, kb);
}

/* Write `n` as a raw tree object, names as they are (git_odb_write, as
 * `git hash-object --literally` does: no treebuilder to refuse them). */
static void write_tree(git_oid *out, node *n)
{
	unsigned char raw[MAX_KIDS * (8 + 64 + 1 + GIT_OID_RAWSZ)];
	size_t len = 0;
	git_odb *odb = NULL;

	qsort(n->kid, n->nkids, sizeof(n->kid[0]), cmp_node);
	for (size_t i = 0; i < n->nkids; i++) {
		node *k = n->kid[i];

		if (k->tree)
			write_tree(&k->blob, k);
		len += (size_t)snprintf((char *)raw + len, sizeof(raw) - len,
			"%s %s", k->tree ? "40000" : "100644", k->name) + 1;
		memcpy(raw + len, k->blob.id, GIT_OID_RAWSZ);
		len += GIT_OID_RAWSZ;
	}
	if (git_repository_odb(&odb, repo->git) < 0 ||
	    git_odb_write(out, odb, raw, len, GIT_OBJECT_TREE) < 0)
		abort();
	git_odb_free(odb);
}

/* ---- the event ------------------------------------------------------------------ */

typedef struct {
	char type[16];
	char id[32];
	char fields[1024];  /* "K: V\n" lines */
	char text[64];
	char *paths[32];    /* what the ops changed, for a computed id */
	size_t npaths;
	bool record, fix_id;
} event;

static void a_field(input *in, event *e)
{
	char line[300];

	snprintf(line, sizeof(line), "%s: %s\n", PICK(in, keys),
		PICK(in, values));
	if (strlen(e->fields) + strlen(line) < sizeof(e->fields))
		strcat(e->fields, line);
}

static void joined(char *out, size_t cap, char path[][64], size_t depth)
{
	out[0] = '\0';
	for (size_t i = 0; i < depth; i++) {
		strncat(out, path[i], cap - strlen(out) - 1);
		if (i + 1 < depth)
			strncat(out, "/", cap - strlen(out) - 1);
	}
}

/* The record, and the id chancery would give it when asked to. */
static void add_record(node *root, event *e)
{
	chancery_buf h = CHANCERY_BUF_INIT, rec = CHANCERY_BUF_INIT;
	char hex[65], path[3][64];
	git_oid blob;

	if (chancery_buf_printf(&h, "Event: %s\nRecorded: 2004-12-31T12:00:00Z\n"
			"Recorded-By: Fuzz <fuzz@example.org>\n%s", e->type,
			e->fields) < 0)
		abort();
	if (e->fix_id) {
		if (chancery__event_digest(hex, git_oid_tostr_s(
				git_commit_id(base)), h.ptr, h.size, e->text,
				(const char **)e->paths, e->npaths) < 0)
			abort();
		snprintf(e->id, sizeof(e->id), "20041231T120000Z-%.8s", hex);
	}
	if (chancery_buf_printf(&rec, "Event: %s\nId: %s\nRecorded: "
			"2004-12-31T12:00:00Z\nRecorded-By: Fuzz <fuzz@example.org>"
			"\n%s%s%s%s", e->type, e->id, e->fields,
			*e->text ? "\n" : "", e->text, *e->text ? "\n" : "") < 0 ||
	    git_blob_create_from_buffer(&blob, repo->git, rec.ptr, rec.size) < 0)
		abort();
	snprintf(path[0], 64, "events");
	snprintf(path[1], 64, "2004");
	snprintf(path[2], 64, "12");
	{
		char full[4][64];

		memcpy(full, path, sizeof(path));
		snprintf(full[3], 64, "%.40s.txt", e->id);
		put(root, full, 4, &blob);
	}
	chancery_buf_dispose(&h);
	chancery_buf_dispose(&rec);
}

/* ---- the oracle ------------------------------------------------------------------ */

static void names_valid(git_tree *t)
{
	for (size_t i = 0; i < git_tree_entrycount(t); i++) {
		const git_tree_entry *e = git_tree_entry_byindex(t, i);
		const char *nm = git_tree_entry_name(e);
		git_tree *sub = NULL;

		if (!chancery__path_component_valid(nm, strlen(nm)))
			abort(); /* accepted a name no checkout writes */
		if (git_tree_entry_type(e) != GIT_OBJECT_TREE)
			continue;
		if (git_tree_lookup(&sub, repo->git, git_tree_entry_id(e)) < 0)
			abort();
		names_valid(sub);
		git_tree_free(sub);
	}
}

static int kept_cb(const char *root, const git_tree_entry *e, void *payload)
{
	git_tree *now = payload;
	git_tree_entry *ne = NULL;
	char path[600];

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	snprintf(path, sizeof(path), "%s%s", root, git_tree_entry_name(e));
	if (strncmp(path, "events/", 7))
		return 0;
	if (git_tree_entry_bypath(&ne, now, path) < 0 ||
	    !git_oid_equal(git_tree_entry_id(ne), git_tree_entry_id(e)))
		abort(); /* accepted a deletion or change under events/ */
	git_tree_entry_free(ne);
	return 0;
}

/* FUZZ_PEER_TRACE=1 prints what the check says of each input. */
static int quiet(const char *line, void *payload)
{
	if (getenv("FUZZ_PEER_TRACE"))
		fprintf(stderr, "  %s\n", line);
	(*(size_t *)payload)++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	input in = { d, n, 0 };
	node root;
	event e;
	git_tree *bt = NULL, *t = NULL;
	git_oid tree, commit;
	git_commit *c = NULL;
	chancery_buf msg = CHANCERY_BUF_INIT;
	size_t problems = 0;
	chancery__check_opts co = { quiet, NULL, &problems };
	int rc;

	if (!repo)
		setup();
	memset(&root, 0, sizeof(root));
	memset(&e, 0, sizeof(e));
	snprintf(e.type, sizeof(e.type), "%s", PICK(&in, types));
	snprintf(e.id, sizeof(e.id), "20041231T120000Z-0123abcd");
	if (git_commit_tree(&bt, base) < 0)
		abort();
	load(&root, bt);
	for (unsigned ops = 0; ops < 12 && in.i < in.n; ops++) {
		unsigned op = next(&in) % 6;
		char path[3][64], full[200];
		size_t depth = 1 + next(&in) % 3;
		git_oid blob;

		for (size_t i = 0; i < depth; i++)
			a_name(&in, path[i], sizeof(path[i]));
		joined(full, sizeof(full), path, depth);
		switch (op) {
		case 0: /* a file, added or replaced */
		case 1:
			a_blob(&in, &blob);
			put(&root, path, depth, &blob);
			break;
		case 2: /* a deletion */
			del(&root, path, depth);
			break;
		case 3: /* a trailer (and a record field) */
			a_field(&in, &e);
			continue;
		case 4: /* the event's record, its id computed or not */
			e.record = true;
			e.fix_id = next(&in) & 1;
			snprintf(e.text, sizeof(e.text), "text %u", next(&in));
			continue;
		default: /* an empty folder */
			put(&root, path, depth, NULL);
			break;
		}
		if (e.npaths < 32 && !(e.paths[e.npaths] = strdup(full)))
			abort();
		e.npaths += e.npaths < 32;
	}
	if (e.record)
		add_record(&root, &e);
	write_tree(&tree, &root);
	if (chancery_buf_printf(&msg, "fuzz\n\n%s%s%sChancery-Event: %s\n"
			"Chancery-Id: %s\n", e.text, *e.text ? "\n" : "",
			*e.text ? "\n" : "", e.type, e.id) < 0)
		abort();
	for (const char *p = e.fields; *p;) {
		const char *nl = strchr(p, '\n');

		if (chancery_buf_printf(&msg, "Chancery-%.*s\n", (int)(nl - p),
				p) < 0)
			abort();
		p = nl + 1;
	}
	/* the commit written raw too: its tree may be one libgit2 cannot
	 * parse (an empty name), which a peer can send as well */
	{
		chancery_buf raw = CHANCERY_BUF_INIT;
		char th[GIT_OID_HEXSZ + 1], ph[GIT_OID_HEXSZ + 1];
		git_odb *odb = NULL;

		git_oid_tostr(th, sizeof(th), &tree);
		git_oid_tostr(ph, sizeof(ph), git_commit_id(base));
		if (chancery_buf_printf(&raw, "tree %s\nparent %s\nauthor Fuzz "
				"<fuzz@example.org> 1104494400 +0000\ncommitter Fuzz "
				"<fuzz@example.org> 1104494400 +0000\n\n%s", th, ph,
				msg.ptr) < 0 ||
		    git_repository_odb(&odb, repo->git) < 0 ||
		    git_odb_write(&commit, odb, raw.ptr, raw.size,
				GIT_OBJECT_COMMIT) < 0 ||
		    git_commit_lookup(&c, repo->git, &commit) < 0)
			abort();
		git_odb_free(odb);
		chancery_buf_dispose(&raw);
	}
	rc = chancery__commit_check(repo, c, &co);
	if (rc == 0 && git_tree_lookup(&t, repo->git, &tree) < 0)
		abort(); /* accepted a tree that cannot be read */
	if (getenv("FUZZ_PEER_TRACE"))
		fprintf(stderr, "%s: %zu problem(s)\n", rc == 0 ? "accepted" :
			rc > 0 ? "refused" : "failed", problems);
	if (rc == 0) {
		names_valid(t);
		if (git_tree_walk(bt, GIT_TREEWALK_PRE, kept_cb, t) < 0)
			abort();
	}
	chancery_error_clear();
	git_error_clear();
	git_commit_free(c);
	git_tree_free(t);
	git_tree_free(bt);
	chancery_buf_dispose(&msg);
	for (size_t i = 0; i < e.npaths; i++)
		free(e.paths[i]);
	drop(&root);
	if (git_mempack_reset(mem) < 0)
		abort();
	return 0;
}
