/*
 * test_store.c - the store interface (engine/store.h) on real repositories:
 * ids, trees and their files, folders and walks, the commit walk with its
 * changes, the reflog, ancestry, the object database and a damaged object,
 * events and audits by id, the pipeline's callbacks in store types, and
 * the branch's name and the repository's clock, libgit2's object cache.
 */
#include "testkit.h"
#include "internal.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* `git hash-object` of "hello\n" */
#define HELLO_ID "ce013625030ba8dba906f756967f9e9ca394464a"

/* ---- helpers ------------------------------------------------------------- */

typedef struct {
	const char *paths[4];
	const char *data[4];   /* NULL: remove the path */
	const char *message;
	int calls;
	bool saw_base;
	chancery_oid head;
	bool had_head;
} build_spec;

static int build(chancery_changeset *cs, const chancery_tree *base,
	const chancery_oid *head, void *payload)
{
	build_spec *b = payload;
	int error = 0;

	b->calls++;
	b->saw_base = base && chancery__tree_has(base, "registry/states.tsv");
	b->had_head = head != NULL;
	if (head)
		b->head = *head;
	for (size_t i = 0; i < 4 && b->paths[i] && !error; i++)
		error = chancery_changeset_add(cs, b->paths[i], b->data[i],
			b->data[i] ? strlen(b->data[i]) : 0);
	if (!error && !(cs->message = chancery__strdup(b->message)))
		error = CHANCERY_ENOMEM;
	return error;
}

/* Two plain commits after the init: A adds x/a.txt and x/b.txt; B changes
 * a.txt, removes b.txt and adds y.txt. */
static void two_commits(chancery_repository *repo, chancery_oid *a,
	chancery_oid *b)
{
	build_spec sa = { { "x/a.txt", "x/b.txt" }, { "one\n", "two\n" },
		"add a and b\n", 0, false, { { 0 } }, false };
	build_spec sb = { { "x/a.txt", "x/b.txt", "y.txt" },
		{ "ONE\n", NULL, "hello\n" }, "change a, remove b, add y\n",
		0, false, { { 0 } }, false };
	chancery_oid init;

	assert_int_equal(chancery__head(&init, repo), 0);
	assert_int_equal(chancery__store_commit(a, repo, build, &sa), 0);
	assert_int_equal(sa.calls, 1);
	assert_true(sa.saw_base);
	assert_true(sa.had_head);
	assert_true(chancery__oid_equal(&sa.head, &init));
	assert_int_equal(chancery__store_commit(b, repo, build, &sb), 0);
	assert_true(chancery__oid_equal(&sb.head, a));
}

/* ---- ids ----------------------------------------------------------------- */

static void test_oid(void **state)
{
	chancery_oid id, other;
	char hex[CHANCERY_OID_HEXSZ + 1];
	(void)state;

	assert_int_equal(chancery__oid_fromstr(&id, HELLO_ID), 0);
	assert_string_equal(chancery__oid_tostr(hex, &id), HELLO_ID);
	assert_int_equal(chancery__oid_fromstr(&other,
		"CE013625030BA8DBA906F756967F9E9CA394464A"), 0);
	assert_true(chancery__oid_equal(&id, &other));
	assert_false(chancery__oid_is_zero(&id));
	assert_int_equal(chancery__oid_hash(&other, "hello\n", 6), 0);
	assert_true(chancery__oid_equal(&id, &other));
	assert_int_equal(chancery__oid_hash(&other, "hello", 5), 0);
	assert_false(chancery__oid_equal(&id, &other));
	memset(&other, 0, sizeof(other));
	assert_true(chancery__oid_is_zero(&other));

	/* too short, too long, not hex: refused, *out untouched */
	assert_int_equal(chancery__oid_fromstr(&other,
		"ce013625030ba8dba906f756967f9e9ca394464"), CHANCERY_EINVALID);
	assert_int_equal(chancery__oid_fromstr(&other,
		"ce013625030ba8dba906f756967f9e9ca394464a0"),
		CHANCERY_EINVALID);
	assert_int_equal(chancery__oid_fromstr(&other,
		"ge013625030ba8dba906f756967f9e9ca394464a"), CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"is not an object id"));
	assert_int_equal(chancery__oid_fromstr(&other, ""), CHANCERY_EINVALID);
	assert_true(chancery__oid_is_zero(&other));
}

static void test_hashfile(void **state)
{
	tk_fixture *f = *state;
	char *path = chancery__sprintf("%s/h.txt", f->dir);
	chancery_oid id;
	char hex[CHANCERY_OID_HEXSZ + 1];

	tk_write(path, "hello\n");
	assert_int_equal(chancery__oid_hashfile(&id, path), 0);
	assert_string_equal(chancery__oid_tostr(hex, &id), HELLO_ID);
	chancery_free(path);
	path = chancery__sprintf("%s/none.txt", f->dir);
	assert_int_equal(chancery__oid_hashfile(&id, path), CHANCERY_ENOTFOUND);
	chancery_free(path);
}

/* ---- trees --------------------------------------------------------------- */

static void test_tree_file(void **state)
{
	tk_fixture *f = *state;
	chancery_tree *t = NULL;
	chancery_oid head, a, b;
	char *data = NULL;
	size_t size = 99;

	two_commits(f->repo, &a, &b);
	assert_int_equal(chancery__tree_head(&t, &head, f->repo), 0);
	assert_true(chancery__oid_equal(&head, &b));
	assert_int_equal(chancery__tree_file(&data, &size, t, "x/a.txt", 0), 0);
	assert_int_equal(size, 4);
	assert_string_equal(data, "ONE\n");
	chancery_free(data);

	/* missing, removed, a folder, under a file */
	assert_int_equal(chancery__tree_file(&data, &size, t, "x/b.txt", 0),
		CHANCERY_ENOTFOUND);
	assert_null(data);
	assert_int_equal(size, 0);
	assert_string_equal(chancery_error_last()->message,
		"'x/b.txt' not found");
	assert_int_equal(chancery__tree_file(&data, &size, t, "nope", 0),
		CHANCERY_ENOTFOUND);
	assert_int_equal(chancery__tree_file(&data, &size, t, "x", 0),
		CHANCERY_EINVALID);
	assert_string_equal(chancery_error_last()->message,
		"'x' is not a file");
	assert_int_equal(chancery__tree_file(&data, &size, t, "y.txt/z", 0),
		CHANCERY_ENOTFOUND);
	assert_int_equal(chancery__tree_file(&data, &size, t, "", 0) < 0, 1);

	/* the cap: exactly at it reads, one byte over refuses */
	assert_int_equal(chancery__tree_file(&data, &size, t, "y.txt", 6), 0);
	chancery_free(data);
	assert_int_equal(chancery__tree_file(&data, &size, t, "y.txt", 5),
		CHANCERY_EINVALID);
	assert_null(data);
	assert_non_null(strstr(chancery_error_last()->message,
		"6 bytes, more than the 5 allowed"));

	/* an older commit's tree still has b.txt */
	chancery__tree_free(t);
	assert_int_equal(chancery__tree_of(&t, f->repo, &a), 0);
	assert_int_equal(chancery__tree_file(&data, &size, t, "x/b.txt", 0), 0);
	assert_string_equal(data, "two\n");
	chancery_free(data);
	assert_false(chancery__tree_has(t, "y.txt"));
	assert_true(chancery__tree_has(t, "x"));
	assert_true(chancery__tree_has(t, "x/a.txt"));
	chancery__tree_free(t);
	chancery__tree_free(NULL);
}

static void test_huge_blob(void **state)
{
	tk_fixture *f = *state;
	size_t n = (size_t)3 << 20;
	char *big = chancery__malloc(n + 1), *data = NULL;
	build_spec s = { { "big.bin" }, { NULL }, "big\n", 0, false,
		{ { 0 } }, false };
	chancery_tree *t = NULL;
	chancery_entry e;
	chancery_oid c;
	size_t size;

	assert_non_null(big);
	memset(big, 'z', n);
	big[n] = '\0';
	s.data[0] = big;
	assert_int_equal(chancery__store_commit(&c, f->repo, build, &s), 0);
	assert_int_equal(chancery__tree_head(&t, NULL, f->repo), 0);
	assert_int_equal(chancery__tree_file(&data, &size, t, "big.bin",
		(size_t)1 << 20), CHANCERY_EINVALID);
	assert_null(data);
	assert_int_equal(chancery__tree_entry(&e, t, "big.bin"), 0);
	assert_int_equal(chancery__blob_read(&data, &size, f->repo, &e.id,
		n - 1), CHANCERY_EINVALID);
	assert_null(data);
	assert_int_equal(chancery__blob_read(&data, &size, f->repo, &e.id,
		n), 0);
	assert_int_equal(size, n);
	assert_memory_equal(data, big, n);
	chancery_free(data);
	/* a tree's id is no blob */
	assert_true(chancery__blob_read(&data, &size, f->repo,
		chancery__tree_id(t), 0) < 0);
	assert_null(data);
	chancery__tree_free(t);
	chancery_free(big);
}

static void test_tree_entry(void **state)
{
	tk_fixture *f = *state;
	chancery_tree *t = NULL, *x = NULL, *again = NULL;
	chancery_oid a, b, hello;
	chancery_entry e;

	two_commits(f->repo, &a, &b);
	assert_int_equal(chancery__tree_head(&t, NULL, f->repo), 0);
	assert_int_equal(chancery__tree_entry(&e, t, "y.txt"), 0);
	assert_string_equal(e.name, "y.txt");
	assert_int_equal(e.kind, CHANCERY_ENTRY_FILE);
	assert_int_equal(e.mode, 0100644);
	assert_int_equal(chancery__oid_fromstr(&hello, HELLO_ID), 0);
	assert_true(chancery__oid_equal(&e.id, &hello));

	assert_int_equal(chancery__tree_entry(&e, t, "x"), 0);
	assert_int_equal(e.kind, CHANCERY_ENTRY_FOLDER);
	assert_int_equal(e.mode, 040000);
	assert_int_equal(chancery__tree_folder(&x, t, "x"), 0);
	assert_true(chancery__oid_equal(chancery__tree_id(x), &e.id));
	assert_int_equal(chancery__tree_lookup(&again, f->repo, &e.id), 0);
	assert_true(chancery__oid_equal(chancery__tree_id(again), &e.id));
	assert_true(chancery__tree_has(again, "a.txt"));
	assert_int_equal(chancery__tree_entry(&e, x, "a.txt"), 0);
	assert_string_equal(e.name, "a.txt");
	chancery__tree_free(x);
	x = NULL;

	assert_int_equal(chancery__tree_entry(&e, t, "x/zz"),
		CHANCERY_ENOTFOUND);
	assert_int_equal(chancery__tree_folder(&x, t, "y.txt"),
		CHANCERY_EINVALID);
	assert_null(x);
	assert_int_equal(chancery__tree_folder(&x, t, "none"),
		CHANCERY_ENOTFOUND);
	/* a blob's id is no tree */
	assert_true(chancery__tree_lookup(&x, f->repo, &hello) < 0);
	assert_null(x);
	chancery__tree_free(again);
	chancery__tree_free(t);
}

typedef struct {
	char names[16][64];
	int kinds[16];
	size_t n;
	int stop_at;    /* return -7 at this call (1-based), 0: never */
	const char *skip; /* return 1 for this folder name */
} seen;

static int each(const chancery_entry *e, void *payload)
{
	seen *s = payload;

	if (s->n < 16) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", e->name);
		s->kinds[s->n] = e->kind;
	}
	s->n++;
	return s->stop_at && (int)s->n == s->stop_at ? -7 : 0;
}

static void test_tree_foreach(void **state)
{
	tk_fixture *f = *state;
	chancery_tree *t = NULL;
	chancery_oid a, b;
	seen s;

	two_commits(f->repo, &a, &b);
	assert_int_equal(chancery__tree_of(&t, f->repo, &a), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(chancery__tree_foreach(t, "x", each, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[0], "a.txt");
	assert_string_equal(s.names[1], "b.txt");
	assert_int_equal(s.kinds[1], CHANCERY_ENTRY_FILE);

	/* the root: .chancery, registry, x (Git's order), among others */
	memset(&s, 0, sizeof(s));
	assert_int_equal(chancery__tree_foreach(t, NULL, each, &s), 0);
	assert_true(s.n >= 3);
	for (size_t i = 1; i < s.n && i < 16; i++)
		assert_true(strcmp(s.names[i - 1], s.names[i]) < 0);
	assert_string_equal(s.names[s.n - 1], "x");
	assert_int_equal(s.kinds[s.n - 1], CHANCERY_ENTRY_FOLDER);

	/* a stop is returned as given */
	memset(&s, 0, sizeof(s));
	s.stop_at = 1;
	assert_int_equal(chancery__tree_foreach(t, "x", each, &s), -7);
	assert_int_equal(s.n, 1);

	memset(&s, 0, sizeof(s));
	assert_int_equal(chancery__tree_foreach(t, "x/a.txt", each, &s),
		CHANCERY_EINVALID);
	assert_int_equal(chancery__tree_foreach(t, "nowhere", each, &s),
		CHANCERY_ENOTFOUND);
	assert_int_equal(s.n, 0);
	chancery__tree_free(t);
}

static int walk_each(const char *root, const chancery_entry *e, void *payload)
{
	seen *s = payload;

	if (s->n < 16)
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s%s", root,
			e->name);
	s->n++;
	if (s->skip && !strcmp(e->name, s->skip))
		return 1;
	return s->stop_at && (int)s->n == s->stop_at ? -7 : 0;
}

static void test_tree_walk(void **state)
{
	tk_fixture *f = *state;
	build_spec deep = { { "p/q/r.txt", "p/s.txt" }, { "r\n", "s\n" },
		"deep\n", 0, false, { { 0 } }, false };
	chancery_tree *t = NULL;
	chancery_oid c;
	seen s;

	assert_int_equal(chancery__store_commit(&c, f->repo, build, &deep), 0);
	assert_int_equal(chancery__tree_head(&t, NULL, f->repo), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(chancery__tree_walk(t, "p", walk_each, &s), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.names[0], "q");
	assert_string_equal(s.names[1], "q/r.txt");
	assert_string_equal(s.names[2], "s.txt");

	/* a positive return skips what is under the folder */
	memset(&s, 0, sizeof(s));
	s.skip = "q";
	assert_int_equal(chancery__tree_walk(t, "p", walk_each, &s), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[1], "s.txt");

	/* a negative one stops and is returned */
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	assert_int_equal(chancery__tree_walk(t, NULL, walk_each, &s), -7);
	assert_int_equal(s.n, 2);

	memset(&s, 0, sizeof(s));
	assert_int_equal(chancery__tree_walk(t, "p/s.txt", walk_each, &s),
		CHANCERY_EINVALID);
	assert_int_equal(chancery__tree_walk(t, "p/none", walk_each, &s),
		CHANCERY_ENOTFOUND);
	assert_int_equal(s.n, 0);
	chancery__tree_free(t);
}

static void test_tree_walk_too_deep(void **state)
{
	tk_fixture *f = *state;
	char path[3 * (CHANCERY__MAX_DEPTH + 2) + 8] = "";
	build_spec s = { { path }, { "deep\n" }, "too deep\n", 0, false,
		{ { 0 } }, false };
	chancery_tree *t = NULL;
	chancery_oid c;
	seen n;

	for (int i = 0; i < CHANCERY__MAX_DEPTH + 1; i++)
		memcpy(path + 2 * i, "d/", 2);
	memcpy(path + 2 * (CHANCERY__MAX_DEPTH + 1), "f", 2);
	assert_int_equal(chancery__store_commit(&c, f->repo, build, &s), 0);
	assert_int_equal(chancery__tree_head(&t, NULL, f->repo), 0);
	memset(&n, 0, sizeof(n));
	assert_int_equal(chancery__tree_walk(t, "d", walk_each, &n),
		CHANCERY_EINVALID);
	assert_non_null(strstr(chancery_error_last()->message,
		"nest more than"));
	assert_true(n.n <= CHANCERY__MAX_DEPTH);
	chancery__tree_free(t);
}

/* A tree made with git's plumbing: a symbolic link and a submodule. */
static void test_entry_kinds(void **state)
{
	tk_fixture *f = *state;
	char *hex = tk_sh_out("cd '%s' && l=$(printf target | git hash-object "
		"-w --stdin) && x=$(printf 'x\\n' | git hash-object -w "
		"--stdin) "
		"&& printf '120000 blob %%s\\tlink\\n100755 blob %%s\\trun\\n"
		"160000 commit %%s\\tsub\\n' $l $x $(git rev-parse HEAD) | "
		"git mktree", f->dir);
	chancery_tree *t = NULL;
	chancery_entry e;
	chancery_oid id;
	char *data = NULL;
	size_t size, n;

	assert_non_null(hex);
	hex[strcspn(hex, "\n")] = '\0';
	assert_int_equal(chancery__oid_fromstr(&id, hex), 0);
	assert_int_equal(chancery__tree_lookup(&t, f->repo, &id), 0);
	assert_int_equal(chancery__tree_count(&n, t, NULL), 0);
	assert_int_equal(n, 3);
	assert_int_equal(chancery__tree_entry(&e, t, "link"), 0);
	assert_int_equal(e.kind, CHANCERY_ENTRY_LINK);
	assert_int_equal(e.mode, 0120000);
	assert_int_equal(chancery__tree_entry(&e, t, "run"), 0);
	assert_int_equal(e.kind, CHANCERY_ENTRY_FILE);
	assert_int_equal(e.mode, 0100755);
	assert_int_equal(chancery__tree_entry(&e, t, "sub"), 0);
	assert_int_equal(e.kind, CHANCERY_ENTRY_SUBMODULE);
	/* a link reads as its target, a submodule not at all */
	assert_int_equal(chancery__tree_file(&data, &size, t, "link", 0), 0);
	assert_string_equal(data, "target");
	chancery_free(data);
	assert_int_equal(chancery__tree_file(&data, &size, t, "sub", 0),
		CHANCERY_EINVALID);
	assert_null(data);
	chancery__tree_free(t);
	free(hex);
}

static void test_tree_count_and_registry(void **state)
{
	tk_fixture *f = *state;
	chancery_registry *reg = NULL;
	chancery_tree *t = NULL;
	chancery_oid a, b;
	size_t n = 99;

	two_commits(f->repo, &a, &b);
	assert_int_equal(chancery__tree_of(&t, f->repo, &a), 0);
	assert_int_equal(chancery__tree_count(&n, t, "x"), 0);
	assert_int_equal(n, 2);
	assert_int_equal(chancery__tree_count(&n, t, "registry"), 0);
	assert_int_equal(n, 4);
	assert_int_equal(chancery__tree_count(&n, t, "x/a.txt"),
		CHANCERY_EINVALID);
	assert_int_equal(n, 0);
	assert_int_equal(chancery__tree_count(&n, t, "none"),
		CHANCERY_ENOTFOUND);

	assert_int_equal(chancery__registry_load_at(&reg, f->repo, t), 0);
	assert_non_null(chancery_registry_state_find(reg, "FRA"));
	chancery_registry_free(reg);
	assert_int_equal(chancery__registry_load_at(&reg, f->repo, NULL), 0);
	assert_non_null(chancery_registry_state_find(reg, "FRA"));
	chancery_registry_free(reg);
	chancery__tree_free(t);
}

/* ---- the commit walk ----------------------------------------------------- */

typedef struct {
	chancery_oid ids[8];
	size_t nparents[8];
	chancery_oid parent0[8];
	char messages[8][64];
	size_t n;
	/* the last commit's changes */
	char paths[8][32];
	int kinds[8];
	chancery_oid blobs[8];
	size_t nchanges;
	int64_t time;
	char author[64];
} history;

static int commit_each(const chancery__commit_info *c, void *payload)
{
	history *h = payload;

	assert_true(h->n < 8);
	h->ids[h->n] = c->id;
	h->nparents[h->n] = c->nparents;
	if (c->nparents)
		h->parent0[h->n] = c->parents[0];
	snprintf(h->messages[h->n], sizeof(h->messages[0]), "%s", c->message);
	h->n++;
	h->nchanges = c->nchanges;
	for (size_t i = 0; i < c->nchanges && i < 8; i++) {
		snprintf(h->paths[i], sizeof(h->paths[0]), "%s",
			c->changes[i].path);
		h->kinds[i] = c->changes[i].kind;
		h->blobs[i] = c->changes[i].blob;
	}
	h->time = c->time;
	snprintf(h->author, sizeof(h->author), "%s <%s>", c->author_name,
		c->author_email);
	return 0;
}

static void test_walk(void **state)
{
	tk_fixture *f = *state;
	chancery__walk_opts o = CHANCERY__WALK_OPTS_INIT;
	chancery_oid a, b, one, two, hello;
	history h;

	two_commits(f->repo, &a, &b);
	o.changes = true;
	memset(&h, 0, sizeof(h));
	assert_int_equal(chancery__walk(f->repo, &o, commit_each, &h), 0);
	assert_int_equal(h.n, 3);   /* the init, A, B */
	assert_int_equal(h.nparents[0], 0);
	assert_true(chancery__oid_equal(&h.ids[1], &a));
	assert_true(chancery__oid_equal(&h.parent0[1], &h.ids[0]));
	assert_true(chancery__oid_equal(&h.ids[2], &b));
	assert_true(chancery__oid_equal(&h.parent0[2], &a));
	assert_string_equal(h.messages[2], "change a, remove b, add y\n");
	assert_string_equal(h.author, "Test Recorder <test@example.org>");
	assert_int_equal(h.time, TK_TIME);

	/* B against A: in path order */
	assert_int_equal(h.nchanges, 3);
	assert_string_equal(h.paths[0], "x/a.txt");
	assert_int_equal(h.kinds[0], CHANCERY_CHANGE_MODIFIED);
	assert_string_equal(h.paths[1], "x/b.txt");
	assert_int_equal(h.kinds[1], CHANCERY_CHANGE_DELETED);
	assert_string_equal(h.paths[2], "y.txt");
	assert_int_equal(h.kinds[2], CHANCERY_CHANGE_ADDED);
	assert_int_equal(chancery__oid_hash(&one, "ONE\n", 4), 0);
	assert_int_equal(chancery__oid_hash(&two, "two\n", 4), 0);
	assert_int_equal(chancery__oid_fromstr(&hello, HELLO_ID), 0);
	assert_true(chancery__oid_equal(&h.blobs[0], &one));
	assert_true(chancery__oid_equal(&h.blobs[1], &two)); /* the old */
	assert_true(chancery__oid_equal(&h.blobs[2], &hello));

	/* newest first, from A */
	o.newest_first = true;
	o.from = &a;
	memset(&h, 0, sizeof(h));
	assert_int_equal(chancery__walk(f->repo, &o, commit_each, &h), 0);
	assert_int_equal(h.n, 2);
	assert_true(chancery__oid_equal(&h.ids[0], &a));
	/* the root's changes: every file it has */
	assert_true(h.nchanges >= 2);
	for (size_t i = 0; i < h.nchanges && i < 8; i++)
		assert_int_equal(h.kinds[i], CHANCERY_CHANGE_ADDED);

	/* no options: no changes */
	memset(&h, 0, sizeof(h));
	assert_int_equal(chancery__walk(f->repo, NULL, commit_each, &h), 0);
	assert_int_equal(h.n, 3);
	assert_int_equal(h.nchanges, 0);
}

static int first_only(const chancery__commit_info *c, void *payload)
{
	commit_each(c, payload);
	return 7;
}

/* The first commit's changes are these, in order: "KIND PATH" with KIND
 * one of A, M, D (up to three; NULL ends the list). */
static void changes_are(const history *h, const char *a, const char *b,
	const char *c)
{
	const char *want[3] = { a, b, c };
	size_t n = 0;

	for (; n < 3 && want[n]; n++) {
		int kind = want[n][0] == 'A' ? CHANCERY_CHANGE_ADDED :
			want[n][0] == 'D' ? CHANCERY_CHANGE_DELETED :
			CHANCERY_CHANGE_MODIFIED;

		assert_true(n < h->nchanges);
		assert_string_equal(h->paths[n], want[n] + 2);
		assert_int_equal(h->kinds[n], kind);
	}
	assert_int_equal(h->nchanges, n);
}

/* A commit's changes read only the folders on the changed paths: with the
 * folder registry/ (the same in B, C and D) unreadable, their changes are
 * still found, in git's path order ("x-b.txt" before "x/a.txt"), and a
 * file turned into a folder is a deletion then the folder's files added.
 * libgit2's tree-to-tree diff read every folder, so this failed (and a
 * commit's changes cost a read of the whole tree). */
static void test_walk_changes_skip_equal_folders(void **state)
{
	tk_fixture *f = *state;
	chancery__walk_opts o = CHANCERY__WALK_OPTS_INIT;
	build_spec sc = { { "x/a.txt", "x-b.txt" }, { "one\n", "dash\n" },
		"a again, and a dash\n", 0, false, { { 0 } }, false };
	chancery_repository *fresh;
	chancery_tree *t = NULL;
	chancery_oid a, b, c, d;
	chancery_entry e;
	char hex[CHANCERY_OID_HEXSZ + 1], *out;
	history h;

	two_commits(f->repo, &a, &b);
	assert_int_equal(chancery__store_commit(&c, f->repo, build, &sc), 0);
	/* a file turned into a folder in one commit: plain git can */
	assert_int_equal(tk_sh("cd '%s' && git rm -q y.txt && mkdir y.txt && "
		"echo in > y.txt/in.txt && git add y.txt/in.txt && git -c "
		"user.name=T -c user.email=t@example.org commit -q -m 'y "
		"becomes a folder'", f->dir), 0);
	assert_non_null(out = tk_sh_out("git -C '%s' rev-parse HEAD", f->dir));
	out[strcspn(out, "\n")] = '\0';
	assert_int_equal(chancery__oid_fromstr(&d, out), 0);
	free(out);
	assert_int_equal(chancery__tree_head(&t, NULL, f->repo), 0);
	assert_int_equal(chancery__tree_entry(&e, t, "registry"), 0);
	assert_int_equal(e.kind, CHANCERY_ENTRY_FOLDER);
	chancery__tree_free(t);
	tk_damage(f->dir, chancery__oid_tostr(hex, &e.id));
	/* a new handle: the first one's object cache holds that folder */
	fresh = tk_open(f->dir);

	o.changes = true;
	o.newest_first = true;
	memset(&h, 0, sizeof(h));
	assert_int_equal(chancery__walk(fresh, &o, first_only, &h), 7);
	assert_true(chancery__oid_equal(&h.ids[0], &d));
	changes_are(&h, "D y.txt", "A y.txt/in.txt", NULL);

	o.from = &c;
	memset(&h, 0, sizeof(h));
	assert_int_equal(chancery__walk(fresh, &o, first_only, &h), 7);
	changes_are(&h, "A x-b.txt", "M x/a.txt", NULL);

	o.from = &b;
	memset(&h, 0, sizeof(h));
	assert_int_equal(chancery__walk(fresh, &o, first_only, &h), 7);
	changes_are(&h, "M x/a.txt", "D x/b.txt", "A y.txt");

	/* the root's changes are every file: registry/ must be read */
	o.from = NULL;
	o.newest_first = false;
	memset(&h, 0, sizeof(h));
	assert_true(chancery__walk(fresh, &o, commit_each, &h) < 0);
	assert_int_equal(h.n, 0);
	chancery_repository_free(fresh);
}

static int stop_second(const chancery__commit_info *c, void *payload)
{
	int *n = payload;

	(void)c;
	return ++*n == 2 ? 42 : 0;
}

static void test_walk_stop_and_unborn(void **state)
{
	tk_fixture *f = *state;
	chancery__walk_opts bad = CHANCERY__WALK_OPTS_INIT;
	chancery_oid a, b;
	int n = 0;

	two_commits(f->repo, &a, &b);
	assert_int_equal(chancery__walk(f->repo, NULL, stop_second, &n), 42);
	assert_int_equal(n, 2);
	bad.version = 99;
	assert_int_equal(chancery__walk(f->repo, &bad, stop_second, &n),
		CHANCERY_EINVALID);
	/* a branch with no commit yet: nothing to walk, no head */
	{
		char *branch = f->repo->branch;
		chancery_tree *t = NULL;
		chancery_oid h;

		f->repo->branch = "refs/heads/none";
		n = 0;
		assert_int_equal(chancery__walk(f->repo, NULL, stop_second, &n),
			0);
		assert_int_equal(n, 0);
		assert_int_equal(chancery__head(&h, f->repo),
			CHANCERY_ENOTFOUND);
		assert_int_equal(chancery__tree_head(&t, NULL, f->repo),
			CHANCERY_ENOTFOUND);
		assert_null(t);
		f->repo->branch = branch;
	}
}

static void test_commit_read(void **state)
{
	tk_fixture *f = *state;
	chancery__commit_info *c = NULL;
	chancery_oid a, b, none;

	two_commits(f->repo, &a, &b);
	assert_int_equal(chancery__commit_read(&c, f->repo, &b, true), 0);
	assert_true(chancery__oid_equal(&c->id, &b));
	assert_int_equal(c->nparents, 1);
	assert_true(chancery__oid_equal(&c->parents[0], &a));
	assert_int_equal(c->nchanges, 3);
	assert_string_equal(c->changes[2].path, "y.txt");
	assert_int_equal(c->changes[2].mode, 0100644);
	chancery__commit_info_free(c);
	chancery__commit_info_free(NULL);
	assert_int_equal(chancery__commit_read(&c, f->repo, &a, false), 0);
	assert_int_equal(c->nchanges, 0);
	assert_null(c->changes);
	chancery__commit_info_free(c);

	assert_int_equal(chancery__oid_fromstr(&none, HELLO_ID), 0);
	assert_true(chancery__commit_read(&c, f->repo, &none, true) < 0);
	assert_null(c);
	memset(&none, 0x11, sizeof(none));
	assert_int_equal(chancery__commit_read(&c, f->repo, &none, true),
		CHANCERY_ENOTFOUND);
}

static void test_revparse_and_ancestry(void **state)
{
	tk_fixture *f = *state;
	chancery_oid a, b, id;

	two_commits(f->repo, &a, &b);
	assert_int_equal(chancery__revparse(&id, f->repo, "HEAD~1"), 0);
	assert_true(chancery__oid_equal(&id, &a));
	assert_int_equal(chancery__revparse(&id, f->repo, "main"), 0);
	assert_true(chancery__oid_equal(&id, &b));
	assert_int_equal(chancery__revparse(&id, f->repo, "no-such-thing"),
		CHANCERY_ENOTFOUND);
	/* a tree is no commit, and nothing is peeled */
	assert_int_equal(chancery__revparse(&id, f->repo, "HEAD^{tree}"),
		CHANCERY_ENOTFOUND);
	assert_string_equal(chancery_error_last()->message,
		"'HEAD^{tree}' names no commit");
	assert_true(chancery__oid_equal(&id, &b));
	assert_int_equal(chancery__descendant_of(f->repo, &b, &a), 1);
	assert_int_equal(chancery__descendant_of(f->repo, &a, &b), 0);
	assert_int_equal(chancery__descendant_of(f->repo, &b, &b), 0);
}

/* ---- the reflog and the object database ---------------------------------- */

typedef struct {
	chancery__reflog_entry first;
	char first_msg[128];
	size_t n;
	size_t zero_old;
} reflog_seen;

static int reflog_each(const chancery__reflog_entry *e, void *payload)
{
	reflog_seen *r = payload;

	if (!r->n++) {
		r->first = *e;
		snprintf(r->first_msg, sizeof(r->first_msg), "%s",
			e->message ? e->message : "");
		r->first.message = NULL;
	}
	r->zero_old += chancery__oid_is_zero(&e->old_id);
	return 0;
}

static void test_reflog(void **state)
{
	tk_fixture *f = *state;
	chancery_oid a, b;
	reflog_seen r;

	two_commits(f->repo, &a, &b);
	memset(&r, 0, sizeof(r));
	assert_int_equal(chancery__reflog_foreach(f->repo, reflog_each, &r), 0);
	assert_int_equal(r.n, 3);
	assert_int_equal(r.zero_old, 1);   /* the branch's creation */
	assert_true(chancery__oid_equal(&r.first.new_id, &b));
	assert_true(chancery__oid_equal(&r.first.old_id, &a));
	assert_string_equal(r.first_msg, "chancery: change a, remove b, add y");
}

typedef struct {
	chancery_oid want;
	size_t n;
	bool found;
} odb_seen;

static int odb_each(const chancery_oid *id, void *payload)
{
	odb_seen *o = payload;

	o->n++;
	o->found |= chancery__oid_equal(id, &o->want);
	return 0;
}

static int odb_stop(const chancery_oid *id, void *payload)
{
	(void)id;
	(void)payload;
	return 5;
}

/* Overwrite the loose object `hex` with bytes that do not inflate. */
static void test_damaged_object(void **state)
{
	tk_fixture *f = *state;
	chancery_oid a, b, hello;
	chancery_tree *t = NULL;
	char *data = NULL;
	size_t size;
	odb_seen o;

	two_commits(f->repo, &a, &b);
	assert_int_equal(chancery__oid_fromstr(&hello, HELLO_ID), 0);
	assert_int_equal(chancery__object_check(f->repo, &hello), 0);
	assert_int_equal(chancery__object_exists(f->repo, &hello), 1);
	memset(&o, 0, sizeof(o));
	o.want = hello;
	assert_int_equal(chancery__odb_foreach(f->repo, odb_each, &o), 0);
	assert_true(o.found);
	assert_true(o.n >= 10);   /* blobs, trees, commits of three commits */
	assert_int_equal(chancery__odb_foreach(f->repo, odb_stop, NULL), 5);

	tk_damage(f->dir, HELLO_ID);
	assert_int_equal(chancery__object_exists(f->repo, &hello), 1);
	assert_true(chancery__object_check(f->repo, &hello) < 0);
	assert_non_null(strstr(chancery_error_last()->message,
		"read an object"));
	assert_int_equal(chancery__tree_head(&t, NULL, f->repo), 0);
	assert_true(chancery__tree_file(&data, &size, t, "y.txt", 0) < 0);
	assert_null(data);
	assert_true(chancery__blob_read(&data, &size, f->repo, &hello, 0) < 0);
	assert_null(data);
	/* the rest still reads */
	assert_int_equal(chancery__tree_file(&data, &size, t, "x/a.txt", 0), 0);
	chancery_free(data);
	chancery__tree_free(t);
	memset(&hello, 0x22, sizeof(hello));
	assert_int_equal(chancery__object_exists(f->repo, &hello), 0);
	assert_int_equal(chancery__object_check(f->repo, &hello),
		CHANCERY_ENOTFOUND);
}

static int count_commit(const chancery__commit_info *c, void *payload)
{
	(void)c;
	(*(size_t *)payload)++;
	return 0;
}

/* A damaged commit: the walk through it fails and says so; what is
 * before it still reads. */
static void test_walk_damaged_commit(void **state)
{
	tk_fixture *f = *state;
	chancery__walk_opts o = CHANCERY__WALK_OPTS_INIT;
	chancery__commit_info *c = NULL;
	chancery_oid init, a, b;
	char hex[CHANCERY_OID_HEXSZ + 1];
	size_t n = 0;

	assert_int_equal(chancery__head(&init, f->repo), 0);
	two_commits(f->repo, &a, &b);
	tk_damage(f->dir, chancery__oid_tostr(hex, &a));
	/* read from disk, not from the cache of parsed commits */
	assert_int_equal(git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0), 0);
	assert_true(chancery__commit_read(&c, f->repo, &a, true) < 0);
	assert_null(c);
	assert_true(chancery__walk(f->repo, NULL, count_commit, &n) < 0);
	assert_non_null(chancery_error_last()->message);
	n = 0;
	o.from = &init;
	assert_int_equal(chancery__walk(f->repo, &o, count_commit, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(chancery__commit_read(&c, f->repo, &b, true) < 0, 1);
	assert_int_equal(git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 1), 0);
}

/* ---- events, audits and the pipeline ------------------------------------- */

static int count_problem(const char *line, void *payload)
{
	(void)line;
	(*(int *)payload)++;
	return 0;
}

static void test_event_and_audit(void **state)
{
	tk_fixture *f = *state;
	chancery__audit_opts ao = { count_problem, NULL, NULL };
	chancery_event *ev = NULL;
	chancery_oid init, a, b;
	int problems = 0;

	assert_int_equal(chancery__head(&init, f->repo), 0);
	two_commits(f->repo, &a, &b);
	assert_int_equal(chancery__commit_event(&ev, f->repo, &init), 0);
	assert_string_equal(chancery_event_type(ev), "init");
	chancery_event_free(ev);
	ev = NULL;
	assert_int_equal(chancery__commit_event(&ev, f->repo, &b),
		CHANCERY_ENOTFOUND);
	assert_null(ev);

	ao.payload = &problems;
	assert_int_equal(chancery__commit_audit(f->repo, &init, &ao), 0);
	assert_int_equal(problems, 0);
	/* a plain-git commit that deletes a file: not chancery's */
	assert_int_equal(chancery__commit_audit(f->repo, &b, &ao), 1);
	assert_true(problems > 0);
}

typedef struct {
	int extra_calls, before_calls;
	bool saw_registry;
	chancery_oid head, published;
} record_seen;

static int extra(chancery_changeset *cs, const chancery_tree *base,
	const chancery_oid *head, chancery_event *ev, void *payload)
{
	record_seen *r = payload;

	(void)cs;
	(void)ev;
	r->extra_calls++;
	r->saw_registry = chancery__tree_has(base, "registry/states.tsv");
	if (head)
		r->head = *head;
	return 0;
}

static int before(chancery_repository *repo, const chancery_oid *commit,
	void *payload)
{
	record_seen *r = payload;
	chancery_oid now;

	r->before_calls++;
	r->published = *commit;
	/* not moved yet */
	assert_int_equal(chancery__head(&now, repo), 0);
	assert_true(chancery__oid_equal(&now, &r->head));
	return 0;
}

static int refuse(chancery_repository *repo, const chancery_oid *commit,
	void *payload)
{
	(void)repo;
	(void)commit;
	(void)payload;
	return chancery__error(CHANCERY_ECONFLICT, "refused");
}

static void test_event_record(void **state)
{
	tk_fixture *f = *state;
	chancery__record_opts ro = { before, NULL };
	chancery_event *ev = NULL;
	chancery_oid was, now;
	record_seen r;

	memset(&r, 0, sizeof(r));
	ro.before_payload = &r;
	assert_int_equal(chancery__head(&was, f->repo), 0);
	assert_int_equal(chancery_event_new(&ev, "note"), 0);
	assert_int_equal(chancery_event_set_message(ev, "a note"), 0);
	assert_int_equal(chancery__event_record(f->repo, ev, extra, &r, &ro),
		0);
	chancery_event_free(ev);
	assert_int_equal(r.extra_calls, 1);
	assert_true(r.saw_registry);
	assert_true(chancery__oid_equal(&r.head, &was));
	assert_int_equal(r.before_calls, 1);
	assert_int_equal(chancery__head(&now, f->repo), 0);
	assert_true(chancery__oid_equal(&now, &r.published));
	assert_int_equal(tk_count_events(f->repo, "note"), 1);

	/* a refusal before publishing: nothing moves */
	ro.before_publish = refuse;
	assert_int_equal(chancery_event_new(&ev, "note"), 0);
	assert_int_equal(chancery_event_set_message(ev, "refused"), 0);
	assert_int_equal(chancery__event_record(f->repo, ev, NULL, NULL, &ro),
		CHANCERY_ECONFLICT);
	chancery_event_free(ev);
	assert_int_equal(chancery__head(&was, f->repo), 0);
	assert_true(chancery__oid_equal(&now, &was));
	assert_int_equal(tk_count_events(f->repo, "note"), 1);
}

static void test_store_commit_unchanged(void **state)
{
	tk_fixture *f = *state;
	build_spec s = { { "registry/states.tsv" }, { NULL }, "same\n", 0,
		false, { { 0 } }, false };
	chancery_tree *t = NULL;
	char *data = NULL;
	size_t size;
	chancery_oid c;

	assert_int_equal(chancery__tree_head(&t, NULL, f->repo), 0);
	assert_int_equal(chancery__tree_file(&data, &size, t,
		"registry/states.tsv", 0), 0);
	chancery__tree_free(t);
	s.data[0] = data;
	assert_int_equal(chancery__store_commit(&c, f->repo, build, &s),
		CHANCERY_EUNCHANGED);
	chancery_free(data);
}

/* ---- the repository ------------------------------------------------------ */

/* chancery started libgit2 (the fixture's repository), so it capped the
 * object cache at 64 MiB: libgit2's 256 MiB of raw objects held 721 MB of
 * parsed folders in verify --full at 10^5 events. */
static void test_git_cache_capped(void **state)
{
	tk_fixture *f = *state;
	ssize_t used = -1, allowed = -1;
	chancery__walk_opts o = CHANCERY__WALK_OPTS_INIT;
	size_t n = 0;

	o.changes = true;
	assert_int_equal(chancery__walk(f->repo, &o, count_commit, &n), 0);
	assert_true(n >= 1);
	assert_int_equal(git_libgit2_opts(GIT_OPT_GET_CACHED_MEMORY, &used,
		&allowed), 0);
	assert_int_equal(allowed, 64 * 1024 * 1024);
	assert_true(used >= 0 && used <= allowed);
}

static void test_branch_and_clock(void **state)
{
	tk_fixture *f = *state;
	chancery_signature pinned = { "Desk", "desk@example.org", 1104494400,
		60 }, unpinned = { "Desk", "desk@example.org", 0, 0 };
	chancery_repository *other;
	int64_t before, now;

	assert_string_equal(chancery__branch(f->repo), "refs/heads/main");
	assert_int_equal(chancery_repository_set_signature(f->repo, &pinned),
		0);
	assert_true(chancery__now(f->repo) == INT64_C(1104494400));
	/* a signature of time 0 means "now": the system's clock */
	assert_int_equal(chancery_repository_set_signature(f->repo,
		&unpinned), 0);
	before = (int64_t)time(NULL);
	now = chancery__now(f->repo);
	assert_true(now >= before && now <= (int64_t)time(NULL));
	/* opened without a signature: the system's clock too */
	assert_int_equal(chancery_repository_open(&other, f->dir), 0);
	before = (int64_t)time(NULL);
	now = chancery__now(other);
	assert_true(now >= before && now <= (int64_t)time(NULL));
	assert_string_equal(chancery__branch(other), "refs/heads/main");
	chancery_repository_free(other);
}

static void test_remote_exists(void **state)
{
	tk_fixture *f = *state;

	assert_int_equal(chancery__remote_exists(f->repo, "origin"), 0);
	assert_int_equal(chancery__remote_exists(f->repo, "a..b"), 0);
	assert_int_equal(tk_sh("git -C '%s' remote add origin /nowhere",
		f->dir), 0);
	assert_int_equal(chancery__remote_exists(f->repo, "origin"), 1);
}

/* ---- out of memory ------------------------------------------------------- */

/* SQLite's way, as test_oom.c: fail the library's allocation N for N = 1,
 * 2, ... until the call succeeds; each failure must be CHANCERY_ENOMEM
 * (and leak nothing: the sanitizer build checks). */

typedef struct {
	chancery_repository *repo;
	chancery_oid b;
} oom_ctx;

static int oom_reads(oom_ctx *x)
{
	chancery__walk_opts o = CHANCERY__WALK_OPTS_INIT;
	chancery__commit_info *c = NULL;
	chancery_tree *t = NULL, *sub = NULL;
	chancery_entry e;
	history h;
	char *data = NULL;
	size_t size;
	int error;

	o.changes = true;
	memset(&h, 0, sizeof(h));
	if ((error = chancery__tree_head(&t, NULL, x->repo)) < 0 ||
	    (error = chancery__tree_file(&data, &size, t, "x/a.txt", 0)) < 0 ||
	    (error = chancery__tree_folder(&sub, t, "x")) < 0 ||
	    (error = chancery__tree_entry(&e, t, "y.txt")) < 0)
		goto done;
	chancery_free(data);
	data = NULL;
	if ((error = chancery__blob_read(&data, &size, x->repo, &e.id,
			0)) < 0 ||
	    (error = chancery__commit_read(&c, x->repo, &x->b, true)) < 0 ||
	    (error = chancery__walk(x->repo, &o, commit_each, &h)) < 0)
		goto done;
	assert_int_equal(h.n, 3);
done:
	chancery__commit_info_free(c);
	chancery_free(data);
	chancery__tree_free(sub);
	chancery__tree_free(t);
	return error;
}

static void test_oom(void **state)
{
	tk_fixture *f = *state;
	oom_ctx x = { f->repo, { { 0 } } };
	chancery_oid a;
	long n;

	two_commits(f->repo, &a, &x.b);
	chancery_allocator_set(&tk_oom);
	for (n = 1;; n++) {
		int error;
		long failed;

		tk_oom_arm(n);
		error = oom_reads(&x);
		failed = tk_oom_failed();
		tk_oom_arm(0);
		if (!failed) {
			assert_int_equal(error, 0);
			break;
		}
		if (error != CHANCERY_ENOMEM)
			fail_msg("allocation %ld: %d, not CHANCERY_ENOMEM", n,
				error);
	}
	chancery_allocator_set(NULL);
	assert_true(n > 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oid),
#define T(name) cmocka_unit_test_setup_teardown(name, tk_setup_sample, \
	tk_teardown)
		T(test_hashfile),
		T(test_tree_file),
		T(test_huge_blob),
		T(test_tree_entry),
		T(test_tree_foreach),
		T(test_tree_walk),
		T(test_tree_walk_too_deep),
		T(test_entry_kinds),
		T(test_tree_count_and_registry),
		T(test_walk),
		T(test_walk_changes_skip_equal_folders),
		T(test_walk_stop_and_unborn),
		T(test_commit_read),
		T(test_revparse_and_ancestry),
		T(test_reflog),
		T(test_damaged_object),
		T(test_walk_damaged_commit),
		T(test_event_and_audit),
		T(test_event_record),
		T(test_store_commit_unchanged),
		T(test_branch_and_clock),
		T(test_git_cache_capped),
		T(test_remote_exists),
		T(test_oom),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
