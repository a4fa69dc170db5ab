/*
 * test_sync.c - two clones and a bare remote: events recorded on both
 * sides merge on their own; a real conflict is reported with its paths
 * and nothing moves; the same through git daemon on 127.0.0.1. A peer is
 * untrusted: a commit chancery would not have written (a plain-git
 * deletion, a hand-made archive entry, a tree with "..", ".git" or a '/'
 * in a name, a forged or altered event, a void of an event never
 * recorded or one deleting what it voids) is refused with the commit
 * named and nothing merged; a tracked .chancery/config never says where sync
 * and deposits send the archive.
 */
#include "testkit.h"
#include "internal.h"
#include "chancery/archive.h"

#include <git2.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
	char *base;
	char a[512], b[512], remote[512];
	chancery_repository *ra, *rb;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));

	f->base = tk_tempdir();
	snprintf(f->a, sizeof(f->a), "%s/geneva", f->base);
	snprintf(f->b, sizeof(f->b), "%s/newyork", f->base);
	snprintf(f->remote, sizeof(f->remote), "%s/shared.git", f->base);
	f->ra = tk_repo(f->a, false);
	assert_int_equal(tk_sh("git init -q --bare %s && git --git-dir=%s "
		"symbolic-ref HEAD refs/heads/main", f->remote, f->remote), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;

	chancery_repository_free(f->ra);
	chancery_repository_free(f->rb);
	tk_rmrf(f->base);
	free(f->base);
	free(f);
	return 0;
}

static chancery_sync_result sync_ok(chancery_repository *repo,
	const char *remote)
{
	chancery_sync_result res;

	if (chancery_sync_run(&res, repo, remote, NULL) < 0)
		fail_msg("sync: %s", chancery_error_last()->message);
	return res;
}

static void heads_equal(fixture *f)
{
	char ha[41], hb[41];

	chancery_repository_head(ha, f->ra);
	chancery_repository_head(hb, f->rb);
	assert_string_equal(ha, hb);
}

static void clone_b(fixture *f, const char *url)
{
	assert_int_equal(tk_sh("git clone -q %s %s", url, f->b), 0);
	f->rb = tk_open(f->b);
}

static void test_events_merge(void **state)
{
	fixture *f = *state;
	chancery_sync_result r;

	r = sync_ok(f->ra, f->remote);
	assert_int_equal(r.pushed, 1);
	clone_b(f, f->remote);
	assert_int_equal(tk_note(f->ra, "LBR", "recorded in Geneva"), 0);
	assert_int_equal(tk_note(f->ra, "CHE", "also in Geneva"), 0);
	assert_int_equal(tk_note(f->rb, "LBR", "recorded in New York"), 0);
	r = sync_ok(f->ra, f->remote);
	assert_int_equal(r.pushed, 2);
	assert_int_equal(r.merged, 0);
	/* New York: fetch 2, merge, push the merge and its own note */
	r = sync_ok(f->rb, "origin");
	assert_int_equal(r.fetched, 2);
	assert_int_equal(r.merged, 1);
	assert_int_equal(r.pushed, 2);
	/* Geneva: a fast-forward */
	r = sync_ok(f->ra, f->remote);
	assert_int_equal(r.fast_forward, 1);
	assert_int_equal(r.pushed, 0);
	heads_equal(f);
	assert_int_equal(tk_count_events(f->ra, "note"), 3);
	assert_int_equal(tk_count_events(f->rb, "note"), 3);
	assert_int_equal(tk_count_events(f->rb, "sync"), 1);
	/* nothing new: nothing happens */
	r = sync_ok(f->ra, f->remote);
	assert_int_equal(r.fetched + r.pushed + (size_t)r.merged, 0);
	assert_int_equal(tk_sh("cd %s && git fsck --strict >/dev/null 2>&1 && "
		"test -z \"$(git status --porcelain)\" && cd %s && "
		"git fsck --strict >/dev/null 2>&1 && test -z \"$(git status --porcelain)\"",
		f->a, f->b), 0);
	assert_int_equal(tk_sh("git --git-dir=%s fsck --strict >/dev/null 2>&1",
		f->remote), 0);
}

static void conflict_cb(const char *path, void *payload)
{
	char *seen = payload;

	strncat(seen, path, 200);
	strcat(seen, ";");
}

static void test_conflict(void **state)
{
	fixture *f = *state;
	chancery_sync_options o = CHANCERY_SYNC_OPTIONS_INIT;
	chancery_sync_result r;
	char seen[512] = "", before[41], after[41], *remote_head, *remote_after;
	const char *a = "code,name,language\nFRA,France (Geneva),fr\n";
	const char *b = "code,name,language\nFRA,France (New York),fr\n";

	sync_ok(f->ra, f->remote);
	clone_b(f, f->remote);
	assert_int_equal(chancery_registry_import(NULL, f->ra,
		CHANCERY_IMPORT_STATES, "a.csv", a, strlen(a), NULL), 0);
	assert_int_equal(chancery_registry_import(NULL, f->rb,
		CHANCERY_IMPORT_STATES, "b.csv", b, strlen(b), NULL), 0);
	sync_ok(f->ra, f->remote);
	remote_head = tk_sh_out("git --git-dir=%s rev-parse main", f->remote);
	chancery_repository_head(before, f->rb);
	o.conflict = conflict_cb;
	o.payload = seen;
	assert_int_equal(chancery_sync_run(&r, f->rb, NULL, &o), CHANCERY_ECONFLICT);
	assert_string_equal(seen, "registry/states.tsv;");
	assert_non_null(strstr(chancery_error_last()->message,
		"conflicts in 1 path (first: registry/states.tsv)"));
	chancery_repository_head(after, f->rb);
	assert_string_equal(before, after);
	remote_after = tk_sh_out("git --git-dir=%s rev-parse main", f->remote);
	assert_string_equal(remote_head, remote_after);
	free(remote_head);
	free(remote_after);
	/* unknown remote names are a clear error */
	assert_int_equal(chancery_sync_run(&r, f->ra, "nowhere", NULL),
		CHANCERY_ENOTFOUND);
}

static void test_git_daemon(void **state)
{
	fixture *f = *state;
	char url[256], pidfile[600];
	int port, up = 0;

	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	port = 20000 + rand() % 20000;
	snprintf(pidfile, sizeof(pidfile), "%s/daemon.pid", f->base);
	assert_int_equal(tk_sh("git daemon --reuseaddr --listen=127.0.0.1 "
		"--port=%d --base-path=%s --export-all --enable=receive-pack "
		"--pid-file=%s --detach %s", port, f->base, pidfile, f->base), 0);
	snprintf(url, sizeof(url), "git://127.0.0.1:%d/shared.git", port);
	/* the detached daemon listens a moment after it returns: ask until
	 * it answers or is gone (a port taken), however slow the machine; a
	 * hang is ctest's timeout, not a clock here */
	while (!(up = tk_sh("git ls-remote %s >/dev/null 2>&1", url) == 0) &&
	       tk_sh("test ! -s %s || kill -0 $(cat %s) 2>/dev/null", pidfile,
			pidfile) == 0)
		usleep(100000);
	assert_true(up);
	sync_ok(f->ra, url);
	clone_b(f, url);
	assert_int_equal(tk_note(f->ra, "LBR", "over git://, Geneva"), 0);
	assert_int_equal(tk_note(f->rb, "CHE", "over git://, New York"), 0);
	sync_ok(f->ra, url);
	sync_ok(f->rb, url);
	sync_ok(f->ra, url);
	heads_equal(f);
	assert_int_equal(tk_count_events(f->ra, "note"), 2);
	tk_sh("kill $(cat %s) 2>/dev/null", pidfile);
}


/* ---- a peer is untrusted --------------------------------------------------- */

#define PEER_GIT "git -c user.name=Peer -c user.email=peer@example.org"

/* Geneva has shared its repository; New York (the peer) cloned it. */
static void peer_setup(fixture *f)
{
	sync_ok(f->ra, f->remote);
	clone_b(f, f->remote);
}

static char *head_of(const char *dir)
{
	char *h = tk_sh_out("git -C %s rev-parse HEAD", dir);

	h[strcspn(h, "\n")] = '\0';
	return h;
}

/* Geneva syncs from the peer's clone: refused (exit 3), the message names
 * the peer's last commit (when `named`) and says `why`; nothing here
 * moved. */
static void refused_as(fixture *f, const char *why, bool named)
{
	chancery_sync_result r;
	char before[41], after[41], *bad = head_of(f->b), shortid[13];
	size_t events = tk_count_events(f->ra, NULL);
	const char *msg;

	chancery_repository_head(before, f->ra);
	if (chancery_sync_run(&r, f->ra, f->b, NULL) != CHANCERY_EINVALID)
		fail_msg("sync was not refused as bad input: %s",
			chancery_error_last()->message);
	msg = chancery_error_last()->message;
	snprintf(shortid, sizeof(shortid), "%.12s", bad);
	if ((named && !strstr(msg, shortid)) || !strstr(msg, why) ||
	    !strstr(msg, "nothing was merged"))
		fail_msg("refusal of %s does not say '%s': %s", shortid, why, msg);
	chancery_repository_head(after, f->ra);
	assert_string_equal(before, after);
	assert_int_equal(r.merged + r.fast_forward, 0);
	assert_int_equal(tk_count_events(f->ra, NULL), events);
	assert_int_equal(tk_sh("cd %s && test -z \"$(git status --porcelain)\"",
		f->a), 0);
	free(bad);
}

static void refused(fixture *f, const char *why)
{
	refused_as(f, why, true);
}

static void deposit_signature(chancery_repository *repo, const char *state,
	char *ref, size_t n)
{
	chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
	chancery_deposit_result r;
	chancery_signature sig = { "Treaty Section", "desk@example.org",
		1104494400, 0 }; /* end of 2004 */

	assert_int_equal(chancery_repository_set_signature(repo, &sig), 0);
	o.state = state;
	o.treaty = "IV-13";
	o.action = "signature";
	o.signed_by = CHANCERY_SIGNER_FOREIGN_MINISTER;
	assert_int_equal(chancery_date_parse(&o.date, "2004-09-24"), 0);
	o.remote = ""; /* number here */
	if (chancery_archive_deposit(&r, repo, &o) < 0)
		fail_msg("deposit: %s", chancery_error_last()->message);
	snprintf(ref, n, "%s", r.notification);
}

/* The first case: a plain-git commit deleting notifications/ and
 * archive/ was fast-forwarded, and the next deposit issued C.N.1 again. */
static void test_peer_deletes(void **state)
{
	fixture *f = *state;
	char ref[80];

	deposit_signature(f->ra, "NOR", ref, sizeof(ref));
	assert_string_equal(ref, "C.N.1.2004.TREATIES-IV.13");
	peer_setup(f);
	assert_int_equal(tk_sh("cd %s && git rm -rq notifications archive && "
		PEER_GIT " commit -qm 'tidy up'", f->b), 0);
	refused(f, "records no event: made outside chancery");
	/* the same through deposit numbering at the shared remote: the
	 * deposit syncs first and is refused, nothing recorded */
	assert_int_equal(tk_sh("cd %s && git push -q origin HEAD:main 2>&1", f->b), 0);
	{
		chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
		chancery_deposit_result dr;
		size_t events = tk_count_events(f->ra, NULL);

		o.state = "DNK";
		o.treaty = "IV-13";
		o.action = "signature";
		o.signed_by = CHANCERY_SIGNER_FOREIGN_MINISTER;
		o.remote = f->remote;
		assert_int_equal(chancery_date_parse(&o.date, "2004-09-24"), 0);
		assert_int_equal(chancery_archive_deposit(&dr, f->ra, &o),
			CHANCERY_EINVALID);
		assert_non_null(strstr(chancery_error_last()->message,
			"records no event"));
		assert_int_equal(tk_count_events(f->ra, NULL), events);
	}
	/* numbering goes on from what was issued */
	deposit_signature(f->ra, "SWE", ref, sizeof(ref));
	assert_string_equal(ref, "C.N.2.2004.TREATIES-IV.13");
	/* an event commit that deletes is refused as such */
	assert_int_equal(tk_sh("cd %s && git reset -q --hard HEAD~1 && "
		"git rm -rq notifications && " PEER_GIT " commit -q --allow-empty "
		"-m 'note' -m 'Chancery-Event: note'", f->b), 0);
	refused(f, "refused");
}

/* The second: one hand-made file made the USA a party everywhere. */
static void test_peer_hand_archive(void **state)
{
	fixture *f = *state;
	char *rec;

	peer_setup(f);
	assert_int_equal(tk_sh("cd %s && mkdir -p archive/USA/XVIII-10 && "
		"printf 'State: USA\\nTreaty: XVIII-10\\nAction: ratification\\n' "
		"> archive/USA/XVIII-10/2004-09-23-ratification.txt && git add -A && "
		PEER_GIT " commit -qm 'USA ratified'", f->b), 0);
	refused(f, "made outside chancery");
	/* the same dressed as a chancery note: its record is missing */
	assert_int_equal(tk_sh("cd %s && " PEER_GIT " commit -q --amend -m "
		"'note USA' -m 'Chancery-Event: note\nChancery-Id: "
		"20041231T120000Z-0123abcd\nChancery-State: USA'", f->b), 0);
	refused(f, "the record of event 20041231T120000Z-0123abcd is not added");
	/* a real note that also adds the entry: not a note's to add */
	assert_int_equal(tk_sh("cd %s && git reset -q --hard origin/main",
		f->b), 0);
	chancery_repository_free(f->rb);
	f->rb = tk_open(f->b);
	assert_int_equal(tk_note(f->rb, "USA", "a word from the mission"), 0);
	rec = tk_sh_out("cd %s && mkdir -p archive/USA/XVIII-10 && "
		"echo x > archive/USA/XVIII-10/2004-09-23-ratification.txt && "
		"git add -A && " PEER_GIT " commit -q --amend --no-edit && "
		"git log -1 --format=%%h", f->b);
	refused(f, "archive/USA/XVIII-10/2004-09-23-ratification.txt: added by "
		"commit");
	free(rec);
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

typedef struct {
	char mode[8];
	char name[64];
	unsigned char oid[20];
	bool tree;
} raw_entry;

/* git's order: names compared as if trees ended in '/' */
static int cmp_raw(const void *x, const void *y)
{
	const raw_entry *a = x, *b = y;
	char ka[80], kb[80];

	snprintf(ka, sizeof(ka), "%s%s", a->name, a->tree ? "/" : "");
	snprintf(kb, sizeof(kb), "%s%s", b->name, b->tree ? "/" : "");
	return strcmp(ka, kb);
}

/* In `dir`: a commit on top of HEAD whose tree is HEAD's plus an entry
 * `name` (a tree when `tree`), written raw as `git hash-object
 * --literally` would, and the branch moved to it. */
static void commit_raw_entry(const char *dir, const char *name, bool tree)
{
	raw_entry e[64];
	size_t n = 0;
	char *ls = tk_sh_out("git -C %s ls-tree HEAD", dir), *line, *save = NULL;
	git_repository *repo = NULL;
	git_odb *odb = NULL;
	git_oid oid, commit, parent;
	git_reference *ref = NULL;
	unsigned char raw[8192];
	size_t len = 0;

	for (line = strtok_r(ls, "\n", &save); line && n < 63;
	     line = strtok_r(NULL, "\n", &save)) {
		char type[16], hex[41], nm[64];

		assert_int_equal(sscanf(line, "%7s %15s %40s\t%63s", e[n].mode,
			type, hex, nm), 4);
		snprintf(e[n].name, sizeof(e[n].name), "%s", nm);
		for (int i = 0; i < 20; i++)
			e[n].oid[i] = (unsigned char)(hexval(hex[2 * i]) * 16 +
				hexval(hex[2 * i + 1]));
		e[n].tree = !strcmp(type, "tree");
		n++;
	}
	free(ls);
	/* the new entry: a copy of registry/ (a tree) or of .gitattributes */
	for (size_t i = 0; i < n; i++)
		if (!strcmp(e[i].name, tree ? "registry" : ".gitattributes")) {
			e[n] = e[i];
			snprintf(e[n].name, sizeof(e[n].name), "%s", name);
		}
	n++;
	qsort(e, n, sizeof(*e), cmp_raw);
	for (size_t i = 0; i < n; i++) {
		len += (size_t)sprintf((char *)raw + len, "%s %s",
			!strcmp(e[i].mode, "040000") ? "40000" : e[i].mode,
			e[i].name) + 1;
		memcpy(raw + len, e[i].oid, 20);
		len += 20;
	}
	assert_int_equal(git_repository_open(&repo, dir), 0);
	assert_int_equal(git_repository_odb(&odb, repo), 0);
	assert_int_equal(git_odb_write(&oid, odb, raw, len, GIT_OBJECT_TREE), 0);
	assert_int_equal(git_reference_name_to_id(&parent, repo, "HEAD"), 0);
	/* the commit raw as well: libgit2 may refuse to parse the tree */
	len = (size_t)snprintf((char *)raw, sizeof(raw), "tree %s\n",
		git_oid_tostr_s(&oid));
	len += (size_t)snprintf((char *)raw + len, sizeof(raw) - len,
		"parent %s\nauthor Peer <peer@example.org> 1104494400 +0000\n"
		"committer Peer <peer@example.org> 1104494400 +0000\n\n"
		"add a file\n", git_oid_tostr_s(&parent));
	assert_int_equal(git_odb_write(&commit, odb, raw, len,
		GIT_OBJECT_COMMIT), 0);
	assert_int_equal(git_reference_create(&ref, repo, "refs/heads/main",
		&commit, 1, "peer"), 0);
	git_reference_free(ref);
	git_odb_free(odb);
	git_repository_free(repo);
}

static void collect(const char *line, void *payload)
{
	char *all = payload;

	strncat(all, line, 4096 - strlen(all) - 2);
	strcat(all, "\n");
}

/* The third: names no checkout would write, in a tree built by hand. */
static void test_peer_bad_names(void **state)
{
	fixture *f = *state;
	static const struct { const char *name; bool tree; } bad[] = {
		{ "..", false }, { ".git", true }, { ".GIT", true },
		{ "git~1", true }, { ".git.", true }, { "events/../x", false },
		{ "a/b", false }, { ".", true },
	};
	chancery_verify_options vo = CHANCERY_VERIFY_OPTIONS_INIT;
	chancery_verify_result vr;
	char lines[4096] = "";

	peer_setup(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_equal(tk_sh("cd %s && git reset -q --hard "
			"origin/main", f->b), 0);
		commit_raw_entry(f->b, bad[i].name, bad[i].tree);
		refused(f, "not a valid file name");
	}
	/* an empty name: libgit2 cannot even parse the tree; bad input all
	 * the same (it was a Git error, exit 5) */
	assert_int_equal(tk_sh("cd %s && git reset -q --hard origin/main",
		f->b), 0);
	commit_raw_entry(f->b, "", false);
	/* (over a path, libgit2's fetch parses the tree as it copies it and
	 * refuses first: the message names the object, not the commit) */
	refused_as(f, "cannot be read (failed to parse tree", false);
	/* verify finds it in a history that has it (and reads nothing of
	 * the working tree's parent for an entry called "..") */
	assert_int_equal(tk_sh("cd %s && git reset -q --hard origin/main",
		f->b), 0);
	commit_raw_entry(f->b, "..", false);
	chancery_repository_free(f->rb);
	f->rb = tk_open(f->b);
	vo.problem = collect;
	vo.payload = lines;
	assert_int_equal(chancery_archive_verify(&vr, f->rb, &vo), CHANCERY_EINVALID);
	assert_non_null(strstr(lines, "..: not a valid file name (commit "));
	assert_non_null(strstr(lines,
		"..: not a valid file name in the branch head"));
}

/* Our own events, altered after they were recorded. */
static void test_peer_forged_events(void **state)
{
	fixture *f = *state;
	chancery_event *ev = NULL;

	peer_setup(f);
	/* a field changed in both the record and the trailers: the id no
	 * longer checks */
	assert_int_equal(tk_note(f->rb, "LBR", "called the mission"), 0);
	assert_int_equal(tk_sh("cd %s && R=$(git show --name-only --format= "
		"HEAD | grep '^events/.*txt$') && sed -i 's/^State: LBR$/State: "
		"CHE/' \"$R\" && git add \"$R\" && git log -1 --format=%%B | "
		"sed 's/^Chancery-State: LBR$/Chancery-State: CHE/' > ../msg && "
		PEER_GIT " commit -q --amend -F ../msg", f->b), 0);
	refused(f, "its id no longer matches");
	/* the record alone changed: it no longer says what the trailers do */
	assert_int_equal(tk_sh("cd %s && git reset -q --hard origin/main",
		f->b), 0);
	assert_int_equal(tk_note(f->rb, "LBR", "called the mission"), 0);
	assert_int_equal(tk_sh("cd %s && R=$(git show --name-only --format= "
		"HEAD | grep '^events/.*txt$') && sed -i 's/^State: LBR$/State: "
		"CHE/' \"$R\" && git add \"$R\" && " PEER_GIT " commit -q --amend "
		"--no-edit", f->b), 0);
	refused(f, "does not say what its commit's trailers say");
	/* an earlier record modified by a later event's commit */
	assert_int_equal(tk_sh("cd %s && git reset -q --hard origin/main",
		f->b), 0);
	assert_int_equal(tk_note(f->rb, "LBR", "first word"), 0);
	assert_int_equal(tk_note(f->rb, "LBR", "second word"), 0);
	assert_int_equal(tk_sh("cd %s && R=$(git show --name-only --format= "
		"HEAD~1 | grep '^events/.*txt$') && sed -i 's/first/altered/' "
		"\"$R\" && git add \"$R\" && " PEER_GIT " commit -q --amend "
		"--no-edit", f->b), 0);
	refused(f, "changed by commit");
	/* an attachment replaced, by its own commit and by a later one */
	assert_int_equal(tk_sh("cd %s && git reset -q --hard origin/main",
		f->b), 0);
	assert_int_equal(chancery_event_new(&ev, "note"), 0);
	assert_int_equal(chancery_event_add(ev, "State", "LBR"), 0);
	assert_int_equal(chancery_event_set_message(ev, "the note verbale"), 0);
	assert_int_equal(chancery_event_attach(ev, "nv.pdf", "%PDF-1.4 x", 10),
		0);
	assert_int_equal(chancery_event_record(f->rb, ev), 0);
	chancery_event_free(ev);
	assert_int_equal(tk_sh("cd %s && A=$(git show --name-only --format= "
		"HEAD | grep 'nv.pdf$') && printf '%%%%PDF-1.4 y' > \"$A\" && "
		"git add \"$A\" && " PEER_GIT " commit -q --amend --no-edit",
		f->b), 0);
	refused(f, "SHA-256 or size do not match");
	assert_int_equal(tk_sh("cd %s && git reset -q --hard HEAD@{1}", f->b),
		0);
	chancery_repository_free(f->rb);
	f->rb = tk_open(f->b);
	assert_int_equal(tk_note(f->rb, "LBR", "a later word"), 0);
	assert_int_equal(tk_sh("cd %s && A=$(git show --name-only --format= "
		"HEAD~1 | grep 'nv.pdf$') && printf '%%%%PDF-1.4 z' > \"$A\" && "
		"git add \"$A\" && " PEER_GIT " commit -q --amend --no-edit",
		f->b), 0);
	refused(f, "changed by commit");
	/* trailers holding what recording refuses (a terminal escape that
	 * sets the clipboard): the commit is refused as bad input, like any
	 * other forged event, not a failure of the check */
	assert_int_equal(tk_sh("cd %s && git reset -q --hard HEAD@{1}", f->b),
		0);
	assert_int_equal(tk_sh("cd %s && git log -1 --format=%%B | sed "
		"'s/^Chancery-State: LBR$/Chancery-State: LBR\\x1b]52;c;eA==\\x07/' "
		"> ../msg && grep -q \"$(printf '\\033')\" ../msg && "
		PEER_GIT " commit -q --amend -F ../msg", f->b), 0);
	refused(f, "an event chancery would refuse");
	/* and the clean history of both still merges */
	assert_int_equal(tk_sh("cd %s && git reset -q --hard HEAD@{1}", f->b),
		0);
	sync_ok(f->ra, f->b);
	assert_int_equal(tk_count_events(f->ra, "note"), 2);
}

/* ---- forged events: recorded the way chancery records any event (so
 * their ids check), with whatever files the forger adds ------------------ */

typedef struct {
	const char *path[4];
	const char *data[4];
	size_t n;
} extra_files;

static int forge_extra(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	extra_files *x = payload;
	int error = 0;

	(void)base;
	(void)head;
	(void)ev;
	for (size_t i = 0; i < x->n && !error; i++)
		error = chancery_changeset_add(cs, x->path[i], x->data[i],
			strlen(x->data[i]));
	return error;
}

/* In the peer's clone: an event of `type` with `fields` ("K", "V", ...,
 * NULL) and the files of `x`, committed as chancery commits events. */
static void forge(fixture *f, const char *type, const char *const *fields,
	extra_files *x)
{
	chancery_event *ev = NULL;

	assert_int_equal(chancery_event_new(&ev, type), 0);
	for (size_t i = 0; fields[i]; i += 2)
		assert_int_equal(chancery_event_add(ev, fields[i],
			fields[i + 1]), 0);
	if (chancery__event_commit(f->rb, ev, forge_extra, x, NULL) < 0)
		fail_msg("forge %s: %s", type, chancery_error_last()->message);
	chancery_event_free(ev);
}

/* A deposit the peer made up, consistent with itself: the archive entry
 * and notification N of 2004 (N from `ref`, else 1) where its fields put
 * them, the entry saying what the fields say, the notification's hash in
 * the record. */
static void forged_deposit(fixture *f, const char *state, const char *action,
	const char *date, const char *ref)
{
	static const char odt[] = "a notification, as the peer says";
	char apath[200], entry[400], nline[300], hex[65], npath[64];
	extra_files x = { { NULL }, { NULL }, 2 };
	unsigned n = 1;

	if (sscanf(ref, "C.N.%u.", &n) != 1 || n < 1 || n > 9999)
		n = 1;
	snprintf(npath, sizeof(npath), "notifications/2004/%04u.odt", n);

	snprintf(apath, sizeof(apath), "archive/%s/IV-13/%s-%s.txt", state,
		date, action);
	snprintf(entry, sizeof(entry), "State: %s\nTreaty: IV-13\nAction: %s\n"
		"Date: %s\nNotification: %s\n", state, action, date, ref);
	assert_int_equal(chancery__sha256_hex(hex, odt, strlen(odt)), 0);
	snprintf(nline, sizeof(nline), "%s sha256=%s size=%zu", npath, hex,
		strlen(odt));
	x.path[0] = apath;
	x.data[0] = entry;
	x.path[1] = npath;
	x.data[1] = odt;
	{
		const char *const fields[] = { "State", state, "Treaty",
			"IV-13", "Action", action, "Date", date,
			"Notification", ref, "Notification-File", nline,
			"Archive", apath, NULL };

		forge(f, "deposit", fields, &x);
	}
}

/* The peer's clone back at what Geneva shared. */
static void peer_reset(fixture *f)
{
	assert_int_equal(tk_sh("cd %s && git reset -q --hard origin/main",
		f->b), 0);
	chancery_repository_free(f->rb);
	f->rb = tk_open(f->b);
}

/* Issue 11 (audit) 1: a deposit whose fields the registry refuses was
 * merged, and then every command that loads the registry failed at every
 * office that synced. A consistent one still merges. */
static void test_peer_deposit_fields(void **state)
{
	fixture *f = *state;
	static const struct { const char *state, *action, *date, *why; } bad[] = {
		{ "NOR", "x", "2004-09-24", "a known action" },
		{ "NOR", "signature", "2004-13-45", "a real date" },
		{ "NOR", "signature", "2004-9-24", "a real date" },
		{ "nor", "signature", "2004-09-24", "a State code" },
		{ "NOR", "signature/x", "2004-09-24", "a known action" },
		/* well formed, but not the registry's */
		{ "ZZZ", "signature", "2004-09-24", "the registry it leaves "
			"cannot be loaded (malformed archive: archive/ZZZ/"
			"IV-13/2004-09-24-signature.txt names an unknown State)" },
	};

	peer_setup(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		peer_reset(f);
		forged_deposit(f, bad[i].state, bad[i].action, bad[i].date,
			"C.N.1.2004.TREATIES-4");
		refused(f, bad[i].why);
	}
	/* the same, well formed, is what chancery would have written */
	peer_reset(f);
	forged_deposit(f, "NOR", "signature", "2004-09-24",
		"C.N.1.2004.TREATIES-4");
	sync_ok(f->ra, f->b);
	assert_int_equal(tk_count_events(f->ra, "deposit"), 1);
	{
		chancery_registry *reg = NULL;

		assert_int_equal(chancery_registry_load(&reg, f->ra), 0);
		chancery_registry_free(reg);
	}
}

/* Issue 12: the commit check proves a deposit on top of a registry it
 * proved before by its new archive entry alone (audit.c registry_check).
 * An entry the registry does not know is still refused in the loader's
 * words, and one it knows still merges. */
static void test_peer_deposit_on_deposit(void **state)
{
	fixture *f = *state;
	char ref[80];

	peer_setup(f);
	deposit_signature(f->rb, "SWE", ref, sizeof(ref));
	assert_string_equal(ref, "C.N.1.2004.TREATIES-IV.13");
	forged_deposit(f, "ZZZ", "signature", "2004-09-24",
		"C.N.2.2004.TREATIES-4");
	refused(f, "the registry it leaves cannot be loaded (malformed "
		"archive: archive/ZZZ/IV-13/2004-09-24-signature.txt names an "
		"unknown State)");
	peer_reset(f);
	deposit_signature(f->rb, "SWE", ref, sizeof(ref));
	forged_deposit(f, "NOR", "signature", "2004-09-24",
		"C.N.2.2004.TREATIES-4");
	sync_ok(f->ra, f->b);
	assert_int_equal(tk_count_events(f->ra, "deposit"), 2);
	{
		chancery_registry *reg = NULL;

		assert_int_equal(chancery_registry_load(&reg, f->ra), 0);
		chancery_registry_free(reg);
	}
}

/* Issue 11 (audit) 5: a reference read with sscanf took "+1" for 1. */
static void test_peer_deposit_reference(void **state)
{
	fixture *f = *state;

	peer_setup(f);
	forged_deposit(f, "NOR", "signature", "2004-09-24",
		"C.N.+1.2004.TREATIES-4");
	refused(f, "a deposit without a consistent State, Treaty");
	peer_reset(f);
	forged_deposit(f, "NOR", "signature", "2004-09-24",
		"C.N.1.2004.TREATIES-+4");
	refused(f, "a deposit without a consistent State, Treaty");
}

/* Issue 13 (corrections): a void is one more event, checked like any. A
 * real void of a deposit merges (its marker and correction notification);
 * a void of an event never recorded, one that also deletes the archive
 * entry, and a correction of a non-reply are refused. */
static void test_peer_voids(void **state)
{
	fixture *f = *state;
	chancery_void_options vo = CHANCERY_VOID_OPTIONS_INIT;
	chancery_void_result vr;
	chancery_registry *reg = NULL;
	chancery_date d;
	char ref[80], *id;

	peer_setup(f);
	{
		const char *const fields[] = { "Voids",
			"20040101T000000Z-00000000", "Reason", "made up", NULL };
		extra_files x = { { NULL }, { NULL }, 0 };

		forge(f, "void", fields, &x);
	}
	refused(f, "voids 20040101T000000Z-00000000, an event that was never "
		"recorded");
	peer_reset(f);
	deposit_signature(f->rb, "SWE", ref, sizeof(ref));
	id = tk_sh_out("git -C %s log -1 --format="
		"'%%(trailers:key=Chancery-Id,valueonly,separator=)'", f->b);
	id[strcspn(id, "\n")] = '\0';
	vo.reason = "recorded in error";
	if (chancery_archive_void(&vr, f->rb, id, &vo) < 0)
		fail_msg("void: %s", chancery_error_last()->message);
	assert_string_equal(vr.notification, "C.N.2.2004.TREATIES-IV.13");
	/* the same void, also deleting the entry it voids: refused */
	assert_int_equal(tk_sh("cd %s && git rm -q archive/SWE/IV-13/"
		"2004-09-24-signature.txt && " PEER_GIT " commit -q --amend "
		"--no-edit", f->b), 0);
	refused(f, "archive/SWE/IV-13/2004-09-24-signature.txt: removed by "
		"commit");
	/* a reply "correcting" a note: refused */
	peer_reset(f);
	assert_int_equal(tk_note(f->rb, "SWE", "a call"), 0);
	{
		char *note = tk_sh_out("git -C %s log -1 --format="
			"'%%(trailers:key=Chancery-Id,valueonly,separator=)'",
			f->b);
		const char *fields[] = { "State", "SWE", "Corrects", NULL,
			"Reason", "x", NULL };
		extra_files x = { { NULL }, { NULL }, 0 };

		note[strcspn(note, "\n")] = '\0';
		fields[3] = note;
		forge(f, "reply", fields, &x);
		free(note);
	}
	refused(f, "a note, not a reply");
	/* the real void merges; the deposit is out of participation */
	peer_reset(f);
	deposit_signature(f->rb, "SWE", ref, sizeof(ref));
	free(id);
	id = tk_sh_out("git -C %s log -1 --format="
		"'%%(trailers:key=Chancery-Id,valueonly,separator=)'", f->b);
	id[strcspn(id, "\n")] = '\0';
	if (chancery_archive_void(&vr, f->rb, id, &vo) < 0)
		fail_msg("void: %s", chancery_error_last()->message);
	sync_ok(f->ra, f->b);
	assert_int_equal(tk_count_events(f->ra, "void"), 1);
	assert_int_equal(chancery_registry_load(&reg, f->ra), 0);
	assert_int_equal(chancery_date_parse(&d, "2004-12-31"), 0);
	assert_int_equal(chancery_registry_status(reg, "SWE", "IV-13", &d),
		CHANCERY_STATUS_NONE);
	chancery_registry_free(reg);
	free(id);
}

/* A deposit of `action` on IV-13 with the trailers `more` ("K", "V", ...,
 * NULL) besides the usual ones, its archive entry ending in `tail`. */
static void forged_act(fixture *f, const char *action, const char *ref,
	const char *const *more, const char *tail)
{
	static const char odt[] = "a notification, as the peer says";
	char entry[600], nline[300], hex[65];
	const char *apath = "archive/NOR/IV-13/2004-09-24-%s.txt";
	char ap[200];
	extra_files x = { { NULL }, { NULL }, 2 };
	const char *fields[40];
	size_t k = 0;

	snprintf(ap, sizeof(ap), apath, action);
	snprintf(entry, sizeof(entry), "State: NOR\nTreaty: IV-13\nAction: %s\n"
		"Date: 2004-09-24\nNotification: %s\n%s", action, ref, tail);
	assert_int_equal(chancery__sha256_hex(hex, odt, strlen(odt)), 0);
	snprintf(nline, sizeof(nline), "notifications/2004/0001.odt sha256=%s "
		"size=%zu", hex, strlen(odt));
	x.path[0] = ap;
	x.data[0] = entry;
	x.path[1] = "notifications/2004/0001.odt";
	x.data[1] = odt;
	{
		const char *const base[] = { "State", "NOR", "Treaty", "IV-13",
			"Action", action, "Date", "2004-09-24", "Notification", ref,
			"Notification-File", nline, "Archive", ap, NULL };

		for (size_t i = 0; base[i]; i++)
			fields[k++] = base[i];
	}
	for (size_t i = 0; more && more[i]; i++)
		fields[k++] = more[i];
	fields[k] = NULL;
	forge(f, "deposit", fields, &x);
}

/* Issue 13 findings 9 and 10: the commit check takes a reference made by
 * the pattern the deposit names and the new acts with their fields, and
 * refuses what does not hold together. */
static void test_peer_deposit_vocabulary(void **state)
{
	fixture *f = *state;
	static const char *const fmt[] = { "Notification-Format",
		"C.N.{n}.{year}.TREATIES-{chapter}.{number}", NULL };
	static const char *const later[] = { "Notification-Format",
		"C.N.{n}.{year}.TREATIES-{chapter}.{number}", "Made-At", "later",
		NULL };
	static const char *const no_eff[] = { "Notification-Format",
		"C.N.{n}.{year}.TREATIES-{chapter}.{number}", NULL };
	static const char *const eff_early[] = { "Notification-Format",
		"C.N.{n}.{year}.TREATIES-{chapter}.{number}", "Effective",
		"2004-09-23", NULL };

	peer_setup(f);
	/* the pattern named, and a reference it does not make */
	forged_act(f, "signature", "C.N.1.2004.TREATIES-4", fmt, "");
	refused(f, "the reference its Notification-Format makes");
	peer_reset(f);
	/* an objection that names no reservation */
	forged_act(f, "objection", "C.N.1.2004.TREATIES-IV.13", fmt, "");
	refused(f, "an objection without Objects-To and Reserving-State");
	peer_reset(f);
	/* a denunciation without its effective date, or one before receipt */
	forged_act(f, "denunciation", "C.N.1.2004.TREATIES-IV.13", no_eff, "");
	refused(f, "a denunciation without its Effective date");
	peer_reset(f);
	forged_act(f, "denunciation", "C.N.1.2004.TREATIES-IV.13", eff_early,
		"Effective: 2004-09-23\n");
	refused(f, "a denunciation without its Effective date");
	peer_reset(f);
	/* a field the entry does not repeat */
	forged_act(f, "declaration", "C.N.1.2004.TREATIES-IV.13", later, "");
	refused(f, "the archive entry does not say what event");
	peer_reset(f);
	/* the same, well formed, merges */
	forged_act(f, "declaration", "C.N.1.2004.TREATIES-IV.13", later,
		"Made-At: later\n");
	sync_ok(f->ra, f->b);
	assert_int_equal(tk_count_events(f->ra, "deposit"), 1);
}

/* Issue 11 (audit) 1 and 2: an import wrote any content to any table. */
static void test_peer_import_tables(void **state)
{
	fixture *f = *state;
	const char *const fields[] = { "Registry", "states.tsv", "Rows", "1",
		NULL };
	char *part;
	extra_files x = { { "registry/states.tsv" }, { "not a table\x01\n" },
		1 };

	peer_setup(f);
	/* the table it names, replaced by what the registry cannot read */
	forge(f, "import", fields, &x);
	refused(f, "the registry it leaves cannot be loaded");
	/* a table it does not name, rewritten (and still loadable) */
	peer_reset(f);
	part = tk_sh_out("head -n -1 %s/registry/participation.tsv", f->b);
	x.path[0] = "registry/participation.tsv";
	x.data[0] = part;
	forge(f, "import", fields, &x);
	refused(f, "registry/participation.tsv: changed by commit");
	free(part);
}

/* Issue 11 (audit) 4: a campaign event added files to an open campaign,
 * a letters event wrote into one that does not exist. */
static void test_peer_campaign_files(void **state)
{
	fixture *f = *state;
	const char *const open[] = { "Campaign", "treaty-event-2004",
		"Workflow", "treaty-event", NULL };
	const char *const nowhere[] = { "Campaign", "nowhere", NULL };
	extra_files x = { { "campaigns/treaty-event-2004/campaign.txt",
		"campaigns/treaty-event-2004/recipients.tsv" },
		{ "Campaign: treaty-event-2004\n", "state\nFRA\n" }, 2 };
	extra_files letter = { { "campaigns/treaty-event-2004/letters/FRA.odt" },
		{ "a letter" }, 1 };

	peer_setup(f);
	/* a campaign opened, its letter written: what chancery does */
	forge(f, "campaign", open, &x);
	forge(f, "letters", open, &letter);
	sync_ok(f->ra, f->b);
	/* the same campaign opened again, with one more letter */
	letter.path[0] = "campaigns/treaty-event-2004/letters/DEU.odt";
	forge(f, "campaign", open, &letter);
	refused(f, "campaigns/treaty-event-2004/letters/DEU.odt: added by "
		"commit");
	/* a letters event for a campaign that is not there */
	peer_reset(f);
	letter.path[0] = "campaigns/nowhere/letters/FRA.odt";
	forge(f, "letters", nowhere, &letter);
	refused(f, "campaigns/nowhere/letters/FRA.odt: added by commit");
	/* nor a letter whose name is not a State's */
	peer_reset(f);
	letter.path[0] = "campaigns/treaty-event-2004/letters/notes.odt";
	forge(f, "letters", open, &letter);
	refused(f, "campaigns/treaty-event-2004/letters/notes.odt: added by "
		"commit");
}

/* The peer's clone back one commit (the one refused). */
static void peer_back(fixture *f)
{
	assert_int_equal(tk_sh("cd %s && git reset -q --hard HEAD~1", f->b), 0);
	chancery_repository_free(f->rb);
	f->rb = tk_open(f->b);
}

/* Issue 13, 6: a dispatched letter is a record. A peer's letters commit
 * that writes over it (or over a letter superseded by a later one) is
 * refused; one that adds the next letter, superseding it, merges, as do
 * letters rewritten before they went out. */
static void test_peer_dispatched_letter(void **state)
{
	fixture *f = *state;
	const char *const open[] = { "Campaign", "treaty-event-2004",
		"Workflow", "treaty-event", NULL };
	const char *const letters[] = { "Campaign", "treaty-event-2004", NULL };
	const char *const sent[] = { "Campaign", "treaty-event-2004", "Date",
		"2004-03-12", "State", "FRA", NULL };
	extra_files x = { { "campaigns/treaty-event-2004/campaign.txt",
		"campaigns/treaty-event-2004/recipients.tsv" },
		{ "Campaign: treaty-event-2004\n", "state\nFRA\n" }, 2 };
	extra_files letter = { { "campaigns/treaty-event-2004/letters/FRA.odt" },
		{ "a letter" }, 1 };
	extra_files none = { { NULL }, { NULL }, 0 };

	peer_setup(f);
	forge(f, "campaign", open, &x);
	forge(f, "letters", letters, &letter);
	letter.data[0] = "the letter, rewritten before it went out";
	forge(f, "letters", letters, &letter);
	forge(f, "send", sent, &none);
	sync_ok(f->ra, f->b);
	/* written over once dispatched */
	letter.data[0] = "another letter in its place";
	forge(f, "letters", letters, &letter);
	refused(f, "campaigns/treaty-event-2004/letters/FRA.odt: commit");
	refused(f, "writes over the letter to FRA, which was dispatched");
	peer_back(f);
	/* a third letter before the second */
	letter.path[0] = "campaigns/treaty-event-2004/letters/FRA-3.odt";
	forge(f, "letters", letters, &letter);
	refused(f, "letters/FRA-3.odt: added by commit");
	peer_back(f);
	/* the second letter, superseding the first: what chancery does */
	letter.path[0] = "campaigns/treaty-event-2004/letters/FRA-2.odt";
	forge(f, "letters", letters, &letter);
	sync_ok(f->ra, f->b);
	/* the superseded first letter written over */
	letter.path[0] = "campaigns/treaty-event-2004/letters/FRA.odt";
	letter.data[0] = "the first letter, changed afterwards";
	forge(f, "letters", letters, &letter);
	refused(f, "writes over a letter that a later one superseded");
}

/* Issue 11 (audit) 3: a tree of nested one-entry folders was walked by
 * recursion to its bottom (deep enough, the stack ran out). */
static void test_peer_deep_tree(void **state)
{
	fixture *f = *state;
	git_repository *repo = NULL;
	git_treebuilder *tb = NULL;
	git_oid blob, sub, top, commit, head;
	git_commit *parent = NULL;
	git_tree *tree = NULL;
	git_signature *sig = NULL;

	peer_setup(f);
	assert_int_equal(git_repository_open(&repo, f->b), 0);
	assert_int_equal(git_blob_create_from_buffer(&blob, repo, "x", 1), 0);
	assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "f.txt", &blob,
		GIT_FILEMODE_BLOB), 0);
	assert_int_equal(git_treebuilder_write(&sub, tb), 0);
	git_treebuilder_free(tb);
	for (int i = 0; i < 40; i++) {
		assert_int_equal(git_treebuilder_new(&tb, repo, NULL), 0);
		assert_int_equal(git_treebuilder_insert(NULL, tb, "d", &sub,
			GIT_FILEMODE_TREE), 0);
		assert_int_equal(git_treebuilder_write(&sub, tb), 0);
		git_treebuilder_free(tb);
	}
	assert_int_equal(git_reference_name_to_id(&head, repo, "HEAD"), 0);
	assert_int_equal(git_commit_lookup(&parent, repo, &head), 0);
	assert_int_equal(git_commit_tree(&tree, parent), 0);
	assert_int_equal(git_treebuilder_new(&tb, repo, tree), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, "deep", &sub,
		GIT_FILEMODE_TREE), 0);
	assert_int_equal(git_treebuilder_write(&top, tb), 0);
	git_treebuilder_free(tb);
	git_tree_free(tree);
	assert_int_equal(git_tree_lookup(&tree, repo, &top), 0);
	assert_int_equal(git_signature_new(&sig, "Peer", "peer@example.org",
		1104494400, 0), 0);
	assert_int_equal(git_commit_create(&commit, repo, "HEAD", sig, sig,
		NULL, "deep", tree, 1, (const git_commit **)&parent), 0);
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(parent);
	git_repository_free(repo);
	refused(f, "/: nests more than 32 folders (commit ");
}

/* Issue 11 (audit) 6: another repository's history (its own init) was
 * merged as an unrelated history. */
static void test_peer_other_root(void **state)
{
	fixture *f = *state;

	chancery_init_options io = CHANCERY_INIT_OPTIONS_INIT;
	chancery_signature other = { "Other Office", "ny@example.org",
		1104494500, 0 }; /* not Geneva's init, to the second */

	sync_ok(f->ra, f->remote);
	assert_int_equal(chancery_repository_init(&f->rb, f->b, &io, &other),
		0);
	assert_int_equal(tk_note(f->rb, "LBR", "from another repository"), 0);
	refused(f, "has no history in common with ours");
}

/* Finding 4: a tracked .chancery/config naming a remote is not obeyed. */
static void test_tracked_config(void **state)
{
	fixture *f = *state;
	char evil[600], ref[80], *cfg = NULL, *remote_head, *ours;
	chancery_sync_result r;

	snprintf(evil, sizeof(evil), "%s/evil.git", f->base);
	assert_int_equal(tk_sh("git init -q --bare %s", evil), 0);
	assert_int_equal(tk_sh("cd %s && git remote add origin %s && "
		"mkdir -p .chancery && printf '[chancery]\\n\\tremote = %s\\n"
		"\\tname = Team Default\\n[remote \"origin\"]\\n\\turl = %s\\n' "
		"> .chancery/config && git add .chancery/config && " PEER_GIT
		" commit -qm 'shared settings'", f->a, f->remote, evil, evil), 0);
	chancery_repository_free(f->ra);
	f->ra = tk_open(f->a);
	assert_int_equal(chancery_repository_config(&cfg, f->ra,
		"chancery.remote"), CHANCERY_ENOTFOUND);
	assert_int_equal(chancery_repository_config(&cfg, f->ra,
		"remote.origin.url"), 0);
	assert_string_equal(cfg, f->remote); /* ours, not the file's */
	chancery_free(cfg);
	assert_int_equal(chancery_repository_config(&cfg, f->ra,
		"chancery.name"), 0); /* a harmless shared default */
	assert_string_equal(cfg, "Team Default");
	chancery_free(cfg);
	/* sync with no remote named goes to origin */
	if (chancery_sync_run(&r, f->ra, NULL, NULL) < 0)
		fail_msg("sync: %s", chancery_error_last()->message);
	/* deposit numbering too */
	deposit_signature(f->ra, "NOR", ref, sizeof(ref));
	{
		chancery_deposit_options o = CHANCERY_DEPOSIT_OPTIONS_INIT;
		chancery_deposit_result dr;

		o.state = "SWE";
		o.treaty = "IV-13";
		o.action = "signature";
		o.signed_by = CHANCERY_SIGNER_FOREIGN_MINISTER;
		assert_int_equal(chancery_date_parse(&o.date, "2004-09-24"), 0);
		if (chancery_archive_deposit(&dr, f->ra, &o) < 0)
			fail_msg("deposit: %s", chancery_error_last()->message);
	}
	remote_head = tk_sh_out("git --git-dir=%s rev-parse main", f->remote);
	ours = head_of(f->a);
	assert_non_null(strstr(remote_head, ours));
	assert_int_not_equal(tk_sh("git --git-dir=%s rev-parse -q --verify "
		"main >/dev/null", evil), 0);
	free(remote_head);
	free(ours);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_events_merge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_git_daemon, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_deletes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_hand_archive, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_peer_bad_names, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_peer_forged_events, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_tracked_config, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_peer_deposit_fields, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_peer_deposit_vocabulary,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_deposit_reference,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_deposit_on_deposit,
			setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_import_tables, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_peer_dispatched_letter, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_campaign_files, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_peer_deep_tree, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_peer_other_root, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_peer_voids, setup,
			teardown),
	};

	chancery_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
