/*
 * test_bagit.c - `export bagit` against a peer that lies: trees whose
 * entries are named "..", ".git" (or an alias of it) or hold a '/', records
 * whose paths lead out, objects missing from the database, planted
 * symbolic links where the work folder would go, and work folders left by
 * killed runs.
 *
 * The trees are written raw with git_odb_write, as `git hash-object
 * --literally` would: libgit2's tree builder refuses such names, a peer's
 * git does not have to. Every refusal must exit 3 (or 5 for a damaged
 * object database) with one line naming the commit and the path, and write
 * nothing anywhere: no bag, no work folder, no file outside.
 */
#include "testkit.h"

#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <git2.h>

/* ---- raw trees -------------------------------------------------------- */

typedef struct {
	unsigned mode; /* 040000 tree, 0100644 blob */
	const char *name;
	git_oid id;
} raw_entry;

/* Git's order: names compared as if a tree's had a '/' after it. */
static int raw_cmp(const void *pa, const void *pb)
{
	const raw_entry *a = pa, *b = pb;
	size_t la = strlen(a->name), lb = strlen(b->name), n = la < lb ? la : lb;
	int c = memcmp(a->name, b->name, n);
	unsigned char ca, cb;

	if (c)
		return c;
	ca = la > n ? (unsigned char)a->name[n] : a->mode == 040000 ? '/' : 0;
	cb = lb > n ? (unsigned char)b->name[n] : b->mode == 040000 ? '/' : 0;
	return (int)ca - (int)cb;
}

static git_oid raw_tree(git_repository *git, raw_entry *e, size_t n)
{
	char *buf = malloc(64 * 1024);
	size_t len = 0;
	git_odb *odb = NULL;
	git_oid id;

	assert_non_null(buf);
	qsort(e, n, sizeof(*e), raw_cmp);
	for (size_t i = 0; i < n; i++) {
		len += (size_t)sprintf(buf + len, "%o %s", e[i].mode, e[i].name) + 1;
		memcpy(buf + len, e[i].id.id, GIT_OID_RAWSZ);
		len += GIT_OID_RAWSZ;
	}
	assert_int_equal(git_repository_odb(&odb, git), 0);
	assert_int_equal(git_odb_write(&id, odb, buf, len, GIT_OBJECT_TREE), 0);
	git_odb_free(odb);
	free(buf);
	return id;
}

static git_oid blob(git_repository *git, const char *text)
{
	git_oid id;

	assert_int_equal(git_blob_create_from_buffer(&id, git, text,
		strlen(text)), 0);
	return id;
}

/* A tree holding names[0], holding names[1] ... holding the file
 * names[n - 1] of `text`. */
static git_oid chain(git_repository *git, const char *const *names, size_t n,
	const char *text)
{
	raw_entry e = { 0100644, names[n - 1], blob(git, text) };
	git_oid id = raw_tree(git, &e, 1);

	for (size_t i = n - 1; i-- > 0;) {
		raw_entry t = { 040000, names[i], id };

		id = raw_tree(git, &t, 1);
	}
	return id;
}

/* The entries of `t` (NULL: none) as raw entries, with room for `more`. */
static raw_entry *entries_of(const git_tree *t, size_t *n, size_t more)
{
	raw_entry *e;

	*n = t ? git_tree_entrycount(t) : 0;
	e = calloc(*n + more + 1, sizeof(*e));
	assert_non_null(e);
	for (size_t i = 0; i < *n; i++) {
		const git_tree_entry *te = git_tree_entry_byindex(t, i);

		e[i].mode = (unsigned)git_tree_entry_filemode(te);
		e[i].name = git_tree_entry_name(te);
		e[i].id = *git_tree_entry_id(te);
	}
	return e;
}

/* `base` with the entries of `add` merged in: a folder of both is merged,
 * recursively; any other entry of `add` is added or replaces its
 * namesake. */
static git_oid merge_trees(git_repository *git, const git_tree *base,
	const git_tree *add)
{
	size_t n, m = git_tree_entrycount(add);
	raw_entry *e = entries_of(base, &n, m);
	git_tree *keep[64];
	size_t nkeep = 0;
	git_oid id;

	for (size_t j = 0; j < m; j++) {
		const git_tree_entry *ae = git_tree_entry_byindex(add, j);
		size_t k = 0;

		while (k < n && strcmp(e[k].name, git_tree_entry_name(ae)))
			k++;
		if (k < n && e[k].mode == 040000 &&
		    git_tree_entry_type(ae) == GIT_OBJECT_TREE) {
			git_tree *old = NULL, *sub = NULL;

			assert_int_equal(git_tree_lookup(&old, git, &e[k].id), 0);
			assert_int_equal(git_tree_lookup(&sub, git,
				git_tree_entry_id(ae)), 0);
			e[k].id = merge_trees(git, old, sub);
			git_tree_free(old);
			assert_true(nkeep < 64);
			keep[nkeep++] = sub;
			continue;
		}
		if (k == n)
			n++;
		e[k].mode = (unsigned)git_tree_entry_filemode(ae);
		e[k].name = git_tree_entry_name(ae);
		e[k].id = *git_tree_entry_id(ae);
	}
	id = raw_tree(git, e, n);
	for (size_t i = 0; i < nkeep; i++)
		git_tree_free(keep[i]);
	free(e);
	return id;
}

/* Commit, on the branch, the head's tree with the file at `names` (a
 * chain of entries, the first one top-level) added; `message` NULL makes
 * a plain commit. Returns the new commit's id (hex, static). */
static const char *plant(const char *dir, const char *const *names, size_t n,
	const char *text, const char *message)
{
	static char hex[GIT_OID_HEXSZ + 1];
	git_repository *git = NULL;
	git_reference *head = NULL;
	git_commit *parent = NULL;
	git_tree *base = NULL, *add = NULL, *tree = NULL;
	git_signature *sig = NULL;
	git_oid sub, top, id;

	assert_int_equal(git_repository_open(&git, dir), 0);
	assert_int_equal(git_repository_head(&head, git), 0);
	assert_int_equal(git_commit_lookup(&parent, git,
		git_reference_target(head)), 0);
	assert_int_equal(git_commit_tree(&base, parent), 0);
	sub = chain(git, names, n, text);
	assert_int_equal(git_tree_lookup(&add, git, &sub), 0);
	top = merge_trees(git, base, add);
	assert_int_equal(git_tree_lookup(&tree, git, &top), 0);
	assert_int_equal(git_signature_new(&sig, "Peer", "peer@example.org",
		TK_TIME + 3600, 0), 0);
	assert_int_equal(git_commit_create_v(&id, git, git_reference_name(head),
		sig, sig, NULL, message ? message : "a peer's commit\n", tree, 1,
		parent), 0);
	git_oid_tostr(hex, sizeof(hex), &id);
	git_signature_free(sig);
	git_tree_free(tree);
	git_tree_free(add);
	git_tree_free(base);
	git_commit_free(parent);
	git_reference_free(head);
	git_repository_free(git);
	return hex;
}

/* ---- running the tool -------------------------------------------------- */

typedef struct {
	char *out;   /* a fresh folder: the bag goes to OUT/a/bag */
	char bag[600];
	char err[600];
} place;

static void place_new(place *p)
{
	p->out = tk_tempdir();
	snprintf(p->bag, sizeof(p->bag), "%s/a/bag", p->out);
	snprintf(p->err, sizeof(p->err), "%s/err", p->out);
	assert_int_equal(tk_sh("mkdir '%s/a'", p->out), 0);
}

static void place_free(place *p)
{
	tk_rmrf(p->out);
	free(p->out);
}

static int export_cli(const char *dir, const place *p)
{
	return tk_sh("cd '%s' && '%s' export bagit '%s' >/dev/null 2>'%s'", dir,
		CHANCERY_BIN, p->bag, p->err);
}

/* Exit `code`, one line "chancery: ..." holding every one of `words`, and
 * nothing written: no bag, no work folder beside it, no PWNED anywhere in
 * the output folder. */
static void refused(const char *dir, const place *p, int code,
	const char *const *words, size_t nwords)
{
	int rc = export_cli(dir, p);
	char *err = tk_sh_out("cat '%s'", p->err);

	if (tk_sh("test -z \"$(find '%s' -name 'PWNED*')\"", p->out) != 0)
		fail_msg("the export wrote outside the bag (exit %d):\n%s", rc,
			tk_sh_out("find '%s'", p->out));
	if (rc != code)
		fail_msg("export: exit %d, want %d: %s", rc, code, err);
	if (getenv("BAGIT_VERBOSE"))
		printf("exit %d: %s", rc, err);
	if (tk_sh("test $(wc -l < '%s') -eq 1 && grep -q '^chancery: ' '%s'",
			p->err, p->err) != 0)
		fail_msg("not one line 'chancery: ...': %s", err);
	for (size_t i = 0; i < nwords; i++)
		if (!strstr(err, words[i]))
			fail_msg("the error does not name '%s': %s", words[i], err);
	free(err);
	if (tk_sh("test ! -e '%s' && test -z \"$(ls -A '%s/a')\"", p->bag,
			p->out) != 0)
		fail_msg("a refused export left something:\n%s",
			tk_sh_out("find '%s'", p->out));
}

static void exported(const char *dir, const place *p)
{
	int rc = export_cli(dir, p);

	if (rc != 0)
		fail_msg("export: exit %d: %s", rc, tk_sh_out("cat '%s'", p->err));
	assert_int_equal(tk_sh("python3 '%s/tests/cli/bagit_check.py' '%s'",
		SOURCE_DIR, p->bag), 0);
}

static int setup(void **state)
{
	tk_fixture *f;

	tk_setup_sample(state);
	f = *state;
	assert_int_equal(tk_note(f->repo, "LBR", "a call from the mission"), 0);
	return 0;
}

/* ---- finding 1: paths from a tree --------------------------------------- */

/* campaigns/../../../../PWNED: out of the bag, out of its folder. */
static void test_dotdot_entries(void **state)
{
	tk_fixture *f = *state;
	static const char *const up[] = { "campaigns", "..", "..", "..", "..",
		"PWNED" };
	const char *commit;
	place p;

	place_new(&p);
	commit = plant(f->dir, up, 6, "written outside the bag\n", NULL);
	{
		const char *words[] = { commit, "campaigns/.." };

		refused(f->dir, &p, 3, words, 2);
	}
	place_free(&p);
}

/* Names a checkout refuses, as a file of a campaign: each is refused. */
static void test_checkout_refused_names(void **state)
{
	tk_fixture *f = *state;
	static const char *const names[] = { ".git", ".GIT", "git~1", ".git ",
		"GIT~1", ".", "..", "...", "a\\b", "c:d", "\xe2\x80\x8c.git",
		"tab\there" };

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		const char *path[] = { "campaigns", "c", "letters", names[i] };
		const char *commit;
		place p;

		place_new(&p);
		commit = plant(f->dir, path, 4, "[core]\n\thooksPath = /tmp\n", NULL);
		{
			const char *words[] = { commit, "campaigns/c/letters/" };

			refused(f->dir, &p, 3, words, 2);
		}
		place_free(&p);
		/* the next name on a clean head */
		assert_int_equal(tk_sh("cd '%s' && git reset -q --soft HEAD~1",
			f->dir), 0);
	}
}

/* An entry name holding a '/': a name, not two. */
static void test_slash_in_name(void **state)
{
	tk_fixture *f = *state;
	static const char *const path[] = { "campaigns", "c",
		"../../../../PWNED" };
	const char *commit;
	place p;

	place_new(&p);
	commit = plant(f->dir, path, 3, "x\n", NULL);
	{
		const char *words[] = { commit, "campaigns/c/" };

		refused(f->dir, &p, 3, words, 2);
	}
	place_free(&p);
}

/* Folders nested deeper than anything chancery writes (and than a walk
 * should recurse for a peer): refused, not walked. */
static void test_too_deep(void **state)
{
	tk_fixture *f = *state;
	const char *path[40];
	const char *commit;
	place p;

	path[0] = "campaigns";
	for (size_t i = 1; i < 39; i++)
		path[i] = "d";
	path[39] = "deep.txt";
	place_new(&p);
	commit = plant(f->dir, path, 40, "deep\n", NULL);
	{
		const char *words[] = { commit, "nests more than" };

		refused(f->dir, &p, 3, words, 2);
	}
	place_free(&p);
}

/* A record whose archive entry leads out, with the tree to match. */
static void test_recorded_path_leads_out(void **state)
{
	tk_fixture *f = *state;
	static const char *const path[] = { "x", "..", "..", "..", "..",
		"PWNED" };
	const char *msg = "note: a peer's\n\nChancery-Event: note\n"
		"Chancery-Id: 20040312T100000Z-0badc0de\n"
		"Chancery-State: LBR\n"
		"Chancery-Archive: x/../../../../PWNED\n";
	const char *commit;
	place p;

	place_new(&p);
	commit = plant(f->dir, path, 6, "out\n", msg);
	{
		const char *words[] = { commit, "x/.." };

		refused(f->dir, &p, 3, words, 2);
	}
	place_free(&p);
}

/* Recorded paths are refused for what they are, in the tree or not. */
static void test_recorded_paths_refused(void **state)
{
	tk_fixture *f = *state;
	static const struct { const char *field; const char *want; } bad[] = {
		{ "Chancery-Attachment: a/b sha256=00 size=1", "a/b" },
		{ "Chancery-Attachment: .. sha256=00 size=1", ".." },
		{ "Chancery-Notification-File: notifications/../../x.odt "
		  "sha256=00 size=1", "notifications/../../x.odt" },
		{ "Chancery-Archive: archive/.git/config", "archive/.git/config" },
		{ "Chancery-Archive: /etc/passwd", "/etc/passwd" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		static const char *const harmless[] = { "harmless.txt" };
		char msg[600];
		const char *commit;
		place p;

		snprintf(msg, sizeof(msg), "note: a peer's\n\nChancery-Event: note\n"
			"Chancery-Id: 20040312T100000Z-0badc0de\n"
			"Chancery-State: LBR\n%s\n", bad[i].field);
		place_new(&p);
		commit = plant(f->dir, harmless, 1, "x\n", msg);
		{
			const char *words[] = { commit, bad[i].want };

			refused(f->dir, &p, 3, words, 2);
		}
		place_free(&p);
		assert_int_equal(tk_sh("cd '%s' && git reset -q --soft HEAD~1",
			f->dir), 0);
	}
}

/* ---- finding 6: objects missing ------------------------------------------ */

static void record_attachment(tk_fixture *f, const char *name,
	const char *data, char out_id[GIT_OID_HEXSZ + 1])
{
	chancery_event *ev = NULL;

	assert_int_equal(chancery_event_new(&ev, "note"), 0);
	assert_int_equal(chancery_event_add(ev, "State", "FRA"), 0);
	assert_int_equal(chancery_event_set_message(ev, "a scanned reply"), 0);
	assert_int_equal(chancery_event_attach(ev, name, data, strlen(data)), 0);
	assert_int_equal(chancery_event_record(f->repo, ev), 0);
	snprintf(out_id, GIT_OID_HEXSZ + 1, "%s", chancery_event_id(ev));
	chancery_event_free(ev);
}

static void remove_object(const char *dir, const char *hex)
{
	assert_int_equal(tk_sh("rm '%s/.git/objects/%.2s/%s'", dir, hex, hex + 2), 0);
}

/* A payload blob gone: the export fails and names it, no bag. */
static void test_missing_blob(void **state)
{
	tk_fixture *f = *state;
	char id[GIT_OID_HEXSZ + 1], *hex;
	place p;

	record_attachment(f, "reply.txt", "the only copy of the reply\n", id);
	hex = tk_sh_out("cd '%s' && printf %%s \"$(git rev-parse "
		"HEAD:events/%.4s/%.2s/%.2s/%s/reply.txt)\"", f->dir, id, id + 4,
		id + 6, id);
	assert_int_equal(strlen(hex), 40);
	remove_object(f->dir, hex);
	place_new(&p);
	{
		const char *words[] = { "incomplete", hex, "reply.txt" };

		refused(f->dir, &p, 5, words, 3);
	}
	place_free(&p);
	free(hex);
}

/* A folder's tree object gone: the same, not a smaller bag. */
static void test_missing_tree(void **state)
{
	tk_fixture *f = *state;
	char id[GIT_OID_HEXSZ + 1], *hex;
	place p;

	record_attachment(f, "reply.txt", "the only copy of the reply\n", id);
	hex = tk_sh_out("cd '%s' && printf %%s \"$(git rev-parse "
		"HEAD:events/%.4s/%.2s/%.2s/%s)\"", f->dir, id, id + 4, id + 6,
		id);
	assert_int_equal(strlen(hex), 40);
	remove_object(f->dir, hex);
	place_new(&p);
	{
		const char *words[] = { "incomplete", hex, id };

		refused(f->dir, &p, 5, words, 3);
	}
	place_free(&p);
	free(hex);
}

/* ---- findings 5 and 15: the work folder ------------------------------------- */

static pid_t dead_pid(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	return pid;
}

static bool exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool exists(const char *fmt, ...)
{
	char path[800];
	struct stat st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return lstat(path, &st) == 0;
}

/* Symbolic links planted at the work folder's names, ours and others':
 * neither they nor what they point to are touched. */
static void test_planted_symlinks(void **state)
{
	tk_fixture *f = *state;
	chancery_bagit_result r;
	long me = (long)getpid(), dead = (long)dead_pid();
	place p;

	place_new(&p);
	assert_int_equal(tk_sh("mkdir '%s/victim' && echo keep > '%s/victim/keep'",
		p.out, p.out), 0);
	for (long pid = me - 20; pid <= me + 20; pid++)
		assert_int_equal(tk_sh("ln -s ../victim '%s.partial-%ld'", p.bag,
			pid), 0);
	if (dead < me - 20 || dead > me + 20)
		assert_int_equal(tk_sh("ln -s ../victim '%s.partial-%ld'", p.bag,
			dead), 0);
	assert_int_equal(chancery_archive_export_bagit(&r, f->repo, p.bag, NULL), 0);
	assert_true(r.files > 0);
	assert_true(exists("%s/victim/keep", p.out));
	for (long pid = me - 20; pid <= me + 20; pid++)
		assert_true(exists("%s.partial-%ld", p.bag, pid));
	assert_true(exists("%s.partial-%ld", p.bag, dead));
	assert_int_equal(tk_sh("python3 '%s/tests/cli/bagit_check.py' '%s'",
		SOURCE_DIR, p.bag), 0);
	place_free(&p);
}

/* What killed runs left: a dead process's work folders go (without
 * following the links inside them), a live one's stay, and so does
 * whatever is not a work folder of this bag. */
static void test_dead_leftovers(void **state)
{
	tk_fixture *f = *state;
	long dead = (long)dead_pid(), live = (long)getppid();
	place p;

	place_new(&p);
	assert_int_equal(tk_sh("cd '%s/a' && mkdir ../victim && echo keep > "
		"../victim/keep && "
		"mkdir -p bag.partial-%ld/data/events && echo x > "
		"bag.partial-%ld/data/events/r.txt && "
		"ln -s ../../victim bag.partial-%ld/data/link && "
		"mkdir -p bag.partial-%ld-0a1b2c3d/data && "
		"ln -s ../../victim bag.partial-%ld-0a1b2c3d/data/victim && "
		"mkdir bag.partial-%ld-00000000 bag.partial-1-00000000 && "
		"mkdir bag2.partial-%ld bag.partial-%ldx bag.partial-",
		p.out, dead, dead, dead, dead, dead, live, dead, dead), 0);
	exported(f->dir, &p);
	assert_false(exists("%s/a/bag.partial-%ld", p.out, dead));
	assert_false(exists("%s/a/bag.partial-%ld-0a1b2c3d", p.out, dead));
	assert_true(exists("%s/victim/keep", p.out));
	assert_true(exists("%s/a/bag.partial-%ld-00000000", p.out, live));
	assert_true(exists("%s/a/bag.partial-1-00000000", p.out));
	assert_true(exists("%s/a/bag2.partial-%ld", p.out, dead));
	assert_true(exists("%s/a/bag.partial-%ldx", p.out, dead));
	assert_true(exists("%s/a/bag.partial-", p.out));
	place_free(&p);
}

/* Sound exports stay sound: the whole archive, and twice in a row (the
 * second refused: the bag is there); a destination that is a link to an
 * empty folder is refused, not followed. */
static void test_clean_export(void **state)
{
	tk_fixture *f = *state;
	place p;

	place_new(&p);
	exported(f->dir, &p);
	assert_int_equal(export_cli(f->dir, &p), 3);
	assert_int_equal(tk_sh("test -z \"$(ls '%s/a' | grep partial)\"", p.out), 0);
	/* a link to an empty folder is not an empty folder */
	assert_int_equal(tk_sh("rm -rf '%s' && mkdir '%s/empty' && "
		"ln -s ../empty '%s'", p.bag, p.out, p.bag), 0);
	assert_int_equal(export_cli(f->dir, &p), 3);
	assert_int_equal(tk_sh("grep -q 'not an empty folder' '%s' && "
		"test -L '%s' && test -z \"$(ls -A '%s/empty')\"", p.err, p.bag,
		p.out), 0);
	place_free(&p);
}

/* ---- trees read by workflows ---------------------------------------------- */

/* A peer's recipients.tsv naming "../VICTIM/PWNED", with a tree where
 * campaigns/c/letters/../VICTIM/PWNED.odt exists: `letters generate
 * --pdf` refuses the campaign file, and writes nothing beside its
 * temporary folder in /tmp. */
static void test_recipient_leads_out(void **state)
{
	tk_fixture *f = *state;
	char victim[] = "/tmp/chancery-victim-XXXXXX", line[200], *tsv;
	const char *base, *commit;
	int rc;

	assert_non_null(mkdtemp(victim));
	base = victim + strlen("/tmp/");
	assert_int_equal(tk_sh("cd '%s' && printf 'state\\nLBR\\nFRA\\n' > rec.tsv "
		"&& '%s' --author 'Desk <d@example.org>' campaign open c "
		"--workflow treaty-event --letter-date 2004-03-12 --deadline "
		"2004-09-01 --event 2004-09-21..2004-09-24 --featured focus2004 "
		"--recipients rec.tsv >/dev/null && rm rec.tsv && '%s' --author "
		"'Desk <d@example.org>' letters generate c >/dev/null", f->dir,
		CHANCERY_BIN, CHANCERY_BIN), 0);
	{
		const char *letters[] = { "campaigns", "c", "letters", "..", base,
			"PWNED.odt" };

		plant(f->dir, letters, 6, "not a letter\n", NULL);
	}
	snprintf(line, sizeof(line), "../%s/PWNED", base);
	tsv = malloc(strlen(line) + 32);
	sprintf(tsv, "state\nLBR\nFRA\n%s\n", line);
	{
		const char *rec[] = { "campaigns", "c", "recipients.tsv" };

		commit = plant(f->dir, rec, 3, tsv, NULL);
	}
	(void)commit;
	rc = tk_sh("cd '%s' && '%s' --author 'Desk <d@example.org>' letters "
		"generate c --pdf >/dev/null 2>err.txt", f->dir, CHANCERY_BIN);
	if (tk_sh("test ! -e '%s/PWNED.odt'", victim) != 0)
		fail_msg("letters --pdf wrote %s/PWNED.odt (exit %d)", victim, rc);
	{
		char *err = tk_sh_out("cat '%s/err.txt'", f->dir);

		if (rc != 3 || !strstr(err, "recipients.tsv") || !strstr(err, line))
			fail_msg("exit %d, want 3 naming recipients.tsv and '%s': %s",
				rc, line, err);
		free(err);
	}
	free(tsv);
	tk_rmrf(victim);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean_export, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_dotdot_entries, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_checkout_refused_names, setup,
			tk_teardown),
		cmocka_unit_test_setup_teardown(test_slash_in_name, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_too_deep, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_recorded_path_leads_out, setup,
			tk_teardown),
		cmocka_unit_test_setup_teardown(test_recorded_paths_refused, setup,
			tk_teardown),
		cmocka_unit_test_setup_teardown(test_missing_blob, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_missing_tree, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_planted_symlinks, setup,
			tk_teardown),
		cmocka_unit_test_setup_teardown(test_dead_leftovers, setup, tk_teardown),
		cmocka_unit_test_setup_teardown(test_recipient_leads_out, setup,
			tk_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
