/*
 * bagit.c - export a selection of the archive as a BagIt 1.0 bag (RFC 8493)
 * for long-term preservation elsewhere.
 *
 *   DIR/bagit.txt               version and tag encoding
 *   DIR/bag-info.txt            Bagging-Date, Payload-Oxum, the source commit,
 *                               the selection, Source-Organization
 *   DIR/manifest-sha256.txt     "HEX  data/PATH" per payload file
 *   DIR/tagmanifest-sha256.txt  the same for the three tag files
 *   DIR/data/PATH               each file at its repository path
 *
 * The payload is read from the branch head's objects, not the working
 * tree: what is exported is what history vouches for. The head's tree is
 * walked once, every entry name checked as a checkout would check it
 * (engine/path.c), and so is every path a record names: a tree or a record
 * a peer made with "..", ".git" or a '/' in a name refuses the export
 * instead of writing outside the bag. A file whose object is missing
 * refuses it too: a bag is complete or not written.
 *
 * The bag is written in a work folder beside DIR, DIR.partial-PID-RANDOM,
 * made with mkdir (which never follows what is already there) and renamed
 * into place at the end, so an export that fails leaves nothing behind.
 * Work folders of processes that are gone (killed runs) are removed when
 * the next export to the same DIR starts; never a live process's, never
 * another user's, never through a symbolic link.
 *
 * Left out: fetch.txt (holey bags), other digest algorithms, serialization
 * (tar/zip a bag with the usual tools).
 */
#include "../engine/base.h"
#include "../engine/store.h"
#include "chancery/archive.h"
#include "chancery/registry.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Deeper than any folder chancery writes (internal.h). */
#define MAX_DEPTH CHANCERY__MAX_DEPTH

/* ---- the head's files -------------------------------------------------- */

typedef struct {
	char *path;
	chancery_oid id;
	bool want;
} bag_file;

typedef struct {
	const chancery_bagit_options *o;
	chancery_repository *repo;
	char head[CHANCERY_OID_HEXSZ + 1];
	bag_file *files;   /* every file of the head, sorted by path */
	size_t n, alloc;
	int error;
} bag_ctx;

#define REFUSED_NAME "cannot be a file name ('.', '..', '.git' or an " \
	"alias of it, empty, or with '/', '\\', ':' or a control character); " \
	"nothing was exported"

/* A name fit for a one-line message: control characters as '?', at most
 * `cap - 1` bytes. */
static const char *shown(char *buf, size_t cap, const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 1 < cap; i++)
		buf[n++] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
	buf[n] = '\0';
	return buf;
}

static int missing(const bag_ctx *x, const chancery_oid *id,
	const char *path)
{
	char hex[CHANCERY_OID_HEXSZ + 1], p[300];

	return chancery__error(CHANCERY_ERROR, "the archive is incomplete: "
		"object %s of '%s' (commit %s) is missing; nothing was exported",
		chancery__oid_tostr(hex, id),
		shown(p, sizeof(p), path, strlen(path)), x->head);
}

static int add_file(bag_ctx *x, const char *prefix, const char *name,
	const chancery_oid *id)
{
	bag_file *f;

	if (chancery__grow((void **)&x->files, &x->alloc, x->n + 1,
			sizeof(bag_file)) < 0)
		return CHANCERY_ENOMEM;
	f = &x->files[x->n];
	if (!(f->path = chancery__sprintf("%s%s", prefix, name)))
		return chancery__oom();
	f->id = *id;
	f->want = false;
	x->n++;
	return 0;
}

static int walk(bag_ctx *x, const chancery_tree *tree, const char *prefix,
	int depth);

typedef struct {
	bag_ctx *x;
	const char *prefix;
	int depth;
} walk_ctx;

/* A folder of the head, at `subprefix`: walked unless too deep or gone. */
static int walk_folder(bag_ctx *x, const chancery_oid *id,
	const char *subprefix, int depth)
{
	chancery_tree *sub = NULL;
	char p[300];
	int error;

	if (depth >= MAX_DEPTH)
		return chancery__error(CHANCERY_EINVALID, "commit %s: '%s' "
			"nests more than %d folders; nothing was exported",
			x->head, shown(p, sizeof(p), subprefix,
			strlen(subprefix)), MAX_DEPTH);
	error = chancery__tree_lookup(&sub, x->repo, id);
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		return missing(x, id, subprefix);
	}
	if (error == 0)
		error = walk(x, sub, subprefix, depth + 1);
	chancery__tree_free(sub);
	return error;
}

static int walk_entry(const chancery_entry *e, void *payload)
{
	walk_ctx *w = payload;
	char p[300], n[200], *subprefix;
	int error;

	if (!chancery__path_component_valid(e->name, strlen(e->name)))
		return chancery__error(CHANCERY_EINVALID, "commit %s: the "
			"tree entry '%s%s' " REFUSED_NAME, w->x->head,
			shown(p, sizeof(p), w->prefix, strlen(w->prefix)),
			shown(n, sizeof(n), e->name, strlen(e->name)));
	if (e->kind == CHANCERY_ENTRY_FILE || e->kind == CHANCERY_ENTRY_LINK)
		return add_file(w->x, w->prefix, e->name, &e->id);
	if (e->kind != CHANCERY_ENTRY_FOLDER)
		return 0; /* a submodule's commit: not ours to export */
	if (!(subprefix = chancery__sprintf("%s%s/", w->prefix, e->name)))
		return chancery__oom();
	error = walk_folder(w->x, &e->id, subprefix, w->depth);
	chancery_free(subprefix);
	return error;
}

/* Every file under `tree` (at `prefix`, "" or ending in '/'), each entry
 * name checked on the way. */
static int walk(bag_ctx *x, const chancery_tree *tree, const char *prefix,
	int depth)
{
	walk_ctx w = { x, prefix, depth };

	return chancery__tree_foreach(tree, NULL, walk_entry, &w);
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const bag_file *)a)->path, ((const bag_file *)b)->path);
}

static bag_file *find_file(bag_ctx *x, const char *path)
{
	bag_file key = { (char *)path, { { 0 } }, false };

	return x->n ? bsearch(&key, x->files, x->n, sizeof(bag_file),
		cmp_file) : NULL;
}

/* The head's files, sorted, each path once. */
static int read_head(bag_ctx *x, const chancery_tree *tree)
{
	char p[300];
	int error;

	if ((error = walk(x, tree, "", 0)) < 0)
		return error;
	if (x->n)
		qsort(x->files, x->n, sizeof(bag_file), cmp_file);
	for (size_t i = 1; i < x->n; i++)
		if (!strcmp(x->files[i - 1].path, x->files[i].path))
			return chancery__error(CHANCERY_EINVALID, "commit %s: '%s' "
				"is twice in its tree; nothing was exported", x->head,
				shown(p, sizeof(p), x->files[i].path,
				strlen(x->files[i].path)));
	return 0;
}

static void files_free(bag_ctx *x)
{
	for (size_t i = 0; i < x->n; i++)
		chancery_free(x->files[i].path);
	chancery_free(x->files);
}

/* ---- the selection -------------------------------------------------------- */

static bool field_is(const chancery_event *ev, const char *key,
	const char *value)
{
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *v;

		chancery_event_field(&k, &v, ev, i);
		if (!strcmp(k, key) && !strcmp(v, value))
			return true;
	}
	return false;
}

static bool names_treaty(const chancery_event *ev, const char *t)
{
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *v;
		chancery_campaign_intention in;

		chancery_event_field(&k, &v, ev, i);
		if (!strcmp(k, "Treaty") && !strcmp(v, t))
			return true;
		if ((!strcmp(k, "Intends") || !strcmp(k, "Withdraws")) &&
		    chancery_campaign_intention_parse(&in, v) == 0 &&
		    !strcmp(in.treaty, t))
			return true;
	}
	return false;
}

/* A path an event records: refused when no checkout would write it (in
 * the tree or not: a record that names one is a forged record); else
 * taken when the head holds it (a regenerated letter's old name is
 * recorded, then replaced: verify reports that; the bag holds the head). */
static int want_recorded(bag_ctx *x, const chancery_event *ev, char *path,
	const char *name, size_t name_len)
{
	const char *commit = chancery_event_commit(ev);
	char p[300], id[80];
	bag_file *f;

	if (!path)
		return chancery__oom();
	if (!chancery__path_valid(path) ||
	    (name && !chancery__path_component_valid(name, name_len))) {
		x->error = chancery__error(CHANCERY_EINVALID, "commit %s: event %s "
			"records the path '%s', which " REFUSED_NAME,
			commit ? commit : "?", shown(id, sizeof(id),
			chancery_event_id(ev), strlen(chancery_event_id(ev))),
			shown(p, sizeof(p), path, strlen(path)));
		chancery_free(path);
		return x->error;
	}
	if ((f = find_file(x, path)))
		f->want = true;
	chancery_free(path);
	return 0;
}

/* The files of an event: record, attachments, notification, archive entry. */
static int select_cb(const chancery_event *ev, void *payload)
{
	bag_ctx *x = payload;
	const chancery_bagit_options *o = x->o;
	const char *id = chancery_event_id(ev), *type = chancery_event_type(ev);
	char dir[CHANCERY__EVENT_DIR_MAX];

	if (!id || !strcmp(type, "sync") || !strcmp(type, "init") ||
	    !strcmp(type, "import"))
		return 0;
	/* an objection is also the reserving State's */
	if (o->state && !field_is(ev, "State", o->state) &&
	    !field_is(ev, "Reserving-State", o->state))
		return 0;
	if (o->campaign && !field_is(ev, "Campaign", o->campaign))
		return 0;
	if (o->treaty && !names_treaty(ev, o->treaty))
		return 0;
	/* a batch event (letters to everyone) is the campaign's, not a State's */
	if ((x->error = chancery__event_dir_of(dir, sizeof(dir), x->repo,
			ev)) < 0 ||
	    (x->error = want_recorded(x, ev, chancery__sprintf("%s.txt", dir),
			NULL, 0)) < 0)
		return 1;
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *v, *sp;
		char *path;

		chancery_event_field(&k, &v, ev, i);
		sp = strchr(v, ' ');
		if (!strcmp(k, "Attachment") && sp) {
			path = chancery__sprintf("%s/%.*s", dir, (int)(sp - v),
				v);
			x->error = want_recorded(x, ev, path, v, (size_t)(sp - v));
		} else if (!strcmp(k, "Notification-File") && sp)
			x->error = want_recorded(x, ev, chancery__sprintf("%.*s",
				(int)(sp - v), v), NULL, 0);
		else if (!strcmp(k, "Archive"))
			x->error = want_recorded(x, ev, chancery__strdup(v), NULL, 0);
		if (x->error < 0)
			return 1;
	}
	return 0;
}

/* Is `name` in campaigns/CAMPAIGN/`folder`/ (rel: the path after
 * "campaigns/"; slash, last: its first and last '/')? */
static bool in_folder(const char *slash, const char *last, const char *folder)
{
	size_t n = strlen(folder);

	return (size_t)(last - slash) == n + 1 && !strncmp(slash + 1, folder, n);
}

/* Letters, reminders and acknowledgments of the selection, and for a
 * campaign (or everything) all its files. */
static bool campaign_wants(const chancery_bagit_options *o, const char *rel)
{
	const char *slash = strchr(rel, '/'), *last = strrchr(rel, '/'), *name;

	if (o->treaty || !slash)
		return false;
	if (o->campaign && (strlen(o->campaign) != (size_t)(slash - rel) ||
	    strncmp(rel, o->campaign, (size_t)(slash - rel))))
		return false;
	if (!o->state)
		return true;
	if (!in_folder(slash, last, "letters") &&
	    !in_folder(slash, last, "reminders") &&
	    !in_folder(slash, last, "acknowledgments"))
		return false;
	name = last + 1;
	return !strncmp(name, o->state, 3) && (name[3] == '.' || name[3] == '-');
}

/* ---- writing ------------------------------------------------------------- */

/* Work folders of DIR ("BASE.partial-PID" and "BASE.partial-PID-...") that
 * a process which is gone left behind: real folders (not links), ours. */
static void clear_leftovers(const char *dir)
{
	const char *slash = strrchr(dir, '/'), *base = slash ? slash + 1 : dir;
	char *parent = !slash ? chancery__strdup(".") : slash == dir ?
		chancery__strdup("/") : chancery__strndup(dir, (size_t)(slash - dir));
	size_t bl = strlen(base);
	struct dirent *de;
	DIR *d = NULL;
	int pfd = -1, fd;

	if (!parent || (pfd = open(parent, O_RDONLY | O_DIRECTORY |
			O_CLOEXEC)) < 0 || (fd = dup(pfd)) < 0)
		goto done;
	if (!(d = fdopendir(fd))) {
		close(fd);
		goto done;
	}
	while ((de = readdir(d))) {
		const char *s;
		struct stat st;
		char *end;
		long pid;

		if (strncmp(de->d_name, base, bl) ||
		    strncmp(de->d_name + bl, ".partial-", strlen(".partial-")))
			continue;
		s = de->d_name + bl + strlen(".partial-");
		if (*s < '0' || *s > '9')
			continue;
		errno = 0;
		pid = strtol(s, &end, 10);
		if (errno || pid <= 0 || pid > INT_MAX || (*end && *end != '-'))
			continue;
		if (fstatat(pfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		/* alive, or someone else's (EPERM): not ours to clear */
		if (pid == (long)getpid() || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		chancery__remove_at(pfd, de->d_name);
	}
done:
	if (d)
		closedir(d);
	if (pfd >= 0)
		close(pfd);
	chancery_free(parent);
}

/* A new folder beside DIR, named for this process: mkdir fails on any name
 * already there (a folder, a file, a planted link), so nothing existing is
 * ever written into, followed or removed. */
static int make_work_folder(char **out, const char *dir)
{
	struct timespec ts;

	*out = NULL;
	for (unsigned i = 0; i < 64; i++) {
		unsigned r;
		char *p;

		clock_gettime(CLOCK_REALTIME, &ts);
		r = (unsigned)ts.tv_nsec ^ (unsigned)ts.tv_sec ^ (i * 2654435761u);
		if (!(p = chancery__sprintf("%s.partial-%ld-%08x", dir,
				(long)getpid(), r)))
			return chancery__oom();
		if (mkdir(p, 0777) == 0) {
			*out = p;
			return 0;
		}
		if (errno != EEXIST) {
			int error = chancery__os_error(p);

			chancery_free(p);
			return error;
		}
		chancery_free(p);
	}
	return chancery__error(CHANCERY_EOS, "cannot make a work folder beside "
		"'%s': every name tried is taken", dir);
}

/* The folders of `path` below `root` (which exists). */
static int make_parents(const char *path, size_t root_len)
{
	char *p = chancery__strdup(path);

	if (!p)
		return chancery__oom();
	for (char *s = p + root_len + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			int e = chancery__os_error(p);

			chancery_free(p);
			return e;
		}
		*s = '/';
	}
	chancery_free(p);
	return 0;
}

/* A new file (never an existing one, never through a link). */
static int write_new(const char *path, const void *data, size_t size)
{
	const char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		O_CLOEXEC, 0666);

	if (fd < 0)
		return chancery__os_error(path);
	while (size > 0) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			errno = e;
			return chancery__os_error(path);
		}
		p += n;
		size -= (size_t)n;
	}
	if (close(fd) < 0)
		return chancery__os_error(path);
	return 0;
}

/* RFC 8493 2.1.3: CR, LF and % in a manifest path are percent-encoded. */
static int put_path(chancery_buf *b, const char *p)
{
	int error = 0;

	for (; *p && !error; p++)
		error = *p == '\r' ? chancery_buf_puts(b, "%0D") :
			*p == '\n' ? chancery_buf_puts(b, "%0A") :
			*p == '%' ? chancery_buf_puts(b, "%25") :
			chancery_buf_putc(b, *p);
	return error;
}

/* One payload file: data/PATH in the work folder, and its manifest line.
 * `last_dir` is the folder the previous file went to (sorted paths: most
 * files share it, and their folders need no mkdir). */
static int write_payload(chancery_bagit_result *out, chancery_buf *manifest,
	bag_ctx *x, const char *tmp, const bag_file *f, char **last_dir)
{
	const char *slash = strrchr(f->path, '/');
	size_t dlen = slash ? (size_t)(slash - f->path) : 0, size;
	char hex[65], *p = NULL, *blob = NULL;
	int error;

	error = chancery__blob_read(&blob, &size, x->repo, &f->id, SIZE_MAX);
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		return missing(x, &f->id, f->path);
	}
	if (error < 0)
		return error;
	if (!(p = chancery__sprintf("%s/data/%s", tmp, f->path))) {
		error = chancery__oom();
		goto done;
	}
	if (!*last_dir || strlen(*last_dir) != dlen ||
	    strncmp(*last_dir, f->path, dlen)) {
		chancery_free(*last_dir);
		if (!(*last_dir = chancery__strndup(f->path, dlen))) {
			error = chancery__oom();
			goto done;
		}
		if ((error = make_parents(p, strlen(tmp))) < 0) {
			chancery_free(*last_dir);
			*last_dir = NULL;
			goto done;
		}
	}
	if ((error = write_new(p, blob, size)) < 0 ||
	    (error = chancery__sha256_hex(hex, blob, size)) < 0 ||
	    (error = chancery_buf_printf(manifest, "%s  data/", hex)) < 0 ||
	    (error = put_path(manifest, f->path)) < 0 ||
	    (error = chancery_buf_putc(manifest, '\n')) < 0)
		goto done;
	out->files++;
	out->bytes += size;
done:
	chancery_free(p);
	chancery_free(blob);
	return error;
}

static int write_tags(chancery_bagit_result *out, const chancery_buf *manifest,
	const char *tmp, const bag_ctx *x)
{
	static const char bagit[] = "BagIt-Version: 1.0\n"
		"Tag-File-Character-Encoding: UTF-8\n";
	const chancery_bagit_options *opts = x->o;
	chancery_buf info = CHANCERY_BUF_INIT, tags = CHANCERY_BUF_INIT;
	chancery_date d;
	char today[11], hex[65], *p = NULL;
	int error;

	chancery_date_from_time(&d, chancery__now(x->repo));
	chancery_date_format(today, sizeof(today), &d);
	if ((error = chancery_buf_printf(&info, "Bag-Software-Agent: chancery %s\n"
			"Bagging-Date: %s\nPayload-Oxum: %llu.%zu\n"
			"External-Identifier: git commit %s\n"
			"External-Description: chancery archive export (%s%s)\n",
			CHANCERY_VERSION, today, (unsigned long long)out->bytes,
			out->files, x->head,
			opts->state ? "State " : opts->campaign ? "campaign " :
			opts->treaty ? "treaty " : "everything",
			opts->state ? opts->state : opts->campaign ?
			opts->campaign : opts->treaty ? opts->treaty : "")) < 0 ||
	    (opts->organization && (error = chancery_buf_printf(&info,
			"Source-Organization: %s\n", opts->organization)) < 0))
		goto done;
	{
		const struct { const char *name; const char *data; size_t size; }
		tagfiles[] = {
			{ "bagit.txt", bagit, sizeof(bagit) - 1 },
			{ "bag-info.txt", info.ptr, info.size },
			{ "manifest-sha256.txt", manifest->ptr, manifest->size },
		};

		for (size_t i = 0; i < 3; i++) {
			chancery_free(p);
			if (!(p = chancery__sprintf("%s/%s", tmp, tagfiles[i].name))) {
				error = chancery__oom();
				goto done;
			}
			if ((error = write_new(p, tagfiles[i].data ?
					tagfiles[i].data : "", tagfiles[i].size)) < 0 ||
			    (error = chancery__sha256_hex(hex, tagfiles[i].data ?
					tagfiles[i].data : "", tagfiles[i].size)) < 0 ||
			    (error = chancery_buf_printf(&tags, "%s  %s\n", hex,
					tagfiles[i].name)) < 0)
				goto done;
		}
	}
	chancery_free(p);
	if (!(p = chancery__sprintf("%s/tagmanifest-sha256.txt", tmp)))
		error = chancery__oom();
	else
		error = write_new(p, tags.ptr, tags.size);
done:
	chancery_free(p);
	chancery_buf_dispose(&info);
	chancery_buf_dispose(&tags);
	return error;
}

/* DIR must not exist, or be an empty folder (not a link to one). */
static int check_destination(const char *dir)
{
	struct stat st;
	struct dirent *de;
	DIR *dd;
	bool empty;

	if (lstat(dir, &st) < 0)
		return 0;
	dd = S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
	empty = dd != NULL;
	while (dd && (de = readdir(dd)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	if (dd)
		closedir(dd);
	return empty ? 0 : chancery__error(CHANCERY_EEXISTS,
		"'%s' exists and is not an empty folder", dir);
}

static int check_options(const chancery_bagit_options *opts)
{
	if (!!opts->state + !!opts->campaign + !!opts->treaty > 1)
		return chancery__error(CHANCERY_EINVALID,
			"export a State, a campaign or a treaty, not more than one");
	if (opts->state && !chancery_registry_state_code_valid(opts->state))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a State code", opts->state);
	if (opts->treaty && !chancery_registry_treaty_id_valid(opts->treaty))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a treaty reference", opts->treaty);
	if (opts->organization && !chancery__line_valid(opts->organization))
		return chancery__error(CHANCERY_EINVALID,
			"the organization must be one line of text");
	return 0;
}

/* A State or treaty selected is one the registry knows: an unknown code
 * is named, not answered with "nothing matches" (a campaign is checked
 * by its files, select_files). */
static int check_known(chancery_repository *repo,
	const chancery_bagit_options *opts)
{
	chancery_registry *reg = NULL;
	int error;

	if (!opts->state && !opts->treaty)
		return 0;
	if ((error = chancery_registry_load(&reg, repo)) < 0)
		return error;
	if (opts->state && !chancery_registry_state_find(reg, opts->state))
		error = chancery__error(CHANCERY_ENOTFOUND,
			"unknown State '%s'", opts->state);
	else if (opts->treaty &&
		 !chancery_registry_treaty_find(reg, opts->treaty))
		error = chancery__error(CHANCERY_ENOTFOUND,
			"unknown treaty '%s'", opts->treaty);
	chancery_registry_free(reg);
	return error;
}

/* What goes in: the head's files that the selection's events record, and
 * the campaign files of the selection. */
static int select_files(bag_ctx *x)
{
	chancery_log_options lo = CHANCERY_LOG_OPTIONS_INIT;
	size_t wanted = 0, campaign_files = 0;
	int error;

	lo.oldest_first = 1;
	if ((error = chancery_event_foreach(x->repo, &lo, select_cb, x)) < 0)
		return error;
	if (x->error < 0)
		return x->error;
	for (size_t i = 0; i < x->n; i++) {
		const char *rel = x->files[i].path;

		if (strncmp(rel, "campaigns/", 10))
			continue;
		rel += 10;
		if (x->o->campaign && !strncmp(rel, x->o->campaign,
				strlen(x->o->campaign)) &&
		    rel[strlen(x->o->campaign)] == '/')
			campaign_files++;
		if (campaign_wants(x->o, rel))
			x->files[i].want = true;
	}
	if (x->o->campaign && !campaign_files)
		return chancery__error(CHANCERY_ENOTFOUND, "no campaign '%s'",
			x->o->campaign);
	for (size_t i = 0; i < x->n; i++)
		wanted += x->files[i].want;
	if (!wanted)
		return chancery__error(CHANCERY_ENOTFOUND,
			"nothing in the archive matches the selection");
	return 0;
}

static int write_bag(chancery_bagit_result *out, bag_ctx *x, const char *dir)
{
	chancery_buf manifest = CHANCERY_BUF_INIT;
	char *tmp = NULL, *last_dir = NULL;
	int error;

	clear_leftovers(dir);
	if ((error = make_work_folder(&tmp, dir)) < 0)
		return error;
	for (size_t i = 0; i < x->n && !error; i++)
		if (x->files[i].want)
			error = write_payload(out, &manifest, x, tmp, &x->files[i],
				&last_dir);
	if (!error)
		error = write_tags(out, &manifest, tmp, x);
	/* an empty folder given as the destination is replaced */
	if (!error && rename(tmp, dir) < 0)
		error = errno == EEXIST || errno == ENOTEMPTY || errno == ENOTDIR ||
			errno == EISDIR ? chancery__error(CHANCERY_EEXISTS,
			"'%s' exists and is not an empty folder", dir) :
			chancery__os_error(dir);
	if (error < 0) {
		chancery__remove_tree(tmp);
		memset(out, 0, sizeof(*out));
	}
	chancery_free(last_dir);
	chancery_free(tmp);
	chancery_buf_dispose(&manifest);
	return error;
}

int chancery_archive_export_bagit(chancery_bagit_result *out,
	chancery_repository *repo, const char *dir_in,
	const chancery_bagit_options *opts)
{
	chancery_bagit_options none = CHANCERY_BAGIT_OPTIONS_INIT;
	chancery_bagit_result local;
	bag_ctx x;
	chancery_tree *tree = NULL;
	chancery_oid head;
	char *dir = NULL;
	size_t len;
	int error;

	CHANCERY_ASSERT_ARG(repo && dir_in && *dir_in);
	if (!out)
		out = &local;
	memset(out, 0, sizeof(*out));
	CHANCERY_CHECK_VERSION(opts, CHANCERY_BAGIT_OPTIONS_VERSION);
	memset(&x, 0, sizeof(x));
	x.o = opts ? opts : &none;
	x.repo = repo;
	if ((error = check_options(x.o)) < 0 ||
	    (error = check_known(repo, x.o)) < 0)
		return error;
	/* "bag/" is "bag": the work folder goes beside it, not in it */
	for (len = strlen(dir_in); len > 1 && dir_in[len - 1] == '/'; len--)
		;
	if (!(dir = chancery__strndup(dir_in, len)))
		return chancery__oom();
	if ((error = check_destination(dir)) < 0)
		goto done;
	if ((error = chancery__tree_head(&tree, &head, repo)) < 0)
		goto done;
	chancery__oid_tostr(x.head, &head);
	if ((error = read_head(&x, tree)) < 0 ||
	    (error = select_files(&x)) < 0)
		goto done;
	error = write_bag(out, &x, dir);
done:
	chancery__tree_free(tree);
	files_free(&x);
	chancery_free(dir);
	return error;
}
