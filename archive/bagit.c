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
 * tree: what is exported is what history vouches for. The bag is written
 * in a temporary folder beside DIR and renamed into place at the end, so an
 * export that fails leaves nothing behind.
 *
 * Left out: fetch.txt (holey bags), other digest algorithms, serialization
 * (tar/zip a bag with the usual tools).
 */
#include "../engine/internal.h"
#include "chancery/archive.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

typedef struct {
	char **paths;
	size_t n, alloc;
} path_set;

static int set_add(path_set *s, const char *p)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->paths[i], p))
			return 0;
	if (chancery__grow((void **)&s->paths, &s->alloc, s->n + 1,
			sizeof(char *)) < 0)
		return CHANCERY_ENOMEM;
	if (!(s->paths[s->n] = chancery__strdup(p)))
		return chancery__oom();
	s->n++;
	return 0;
}

static void set_free(path_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		chancery_free(s->paths[i]);
	chancery_free(s->paths);
}

typedef struct {
	const chancery_bagit_options *o;
	path_set *set;
	int error;
} select_ctx;

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
	size_t n = strlen(t);

	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *v;
		size_t vl;

		chancery_event_field(&k, &v, ev, i);
		vl = strlen(v);
		if (!strcmp(k, "Treaty") && !strcmp(v, t))
			return true;
		if ((!strcmp(k, "Intends") || !strcmp(k, "Withdraws")) &&
		    vl > n && v[vl - n - 1] == ' ' && !strcmp(v + vl - n, t))
			return true;
	}
	return false;
}

/* The files of an event: record, attachments, notification, archive entry. */
static int select_cb(const chancery_event *ev, void *payload)
{
	select_ctx *x = payload;
	const chancery_bagit_options *o = x->o;
	const char *id = chancery_event_id(ev), *type = chancery_event_type(ev);
	char path[600];

	if (!id || !strcmp(type, "sync") || !strcmp(type, "init") ||
	    !strcmp(type, "import"))
		return 0;
	if (o->state && !field_is(ev, "State", o->state))
		return 0;
	if (o->campaign && !field_is(ev, "Campaign", o->campaign))
		return 0;
	if (o->treaty && !names_treaty(ev, o->treaty))
		return 0;
	/* a batch event (letters to everyone) is the campaign's, not a State's */
	snprintf(path, sizeof(path), "events/%.4s/%.2s/%s.txt", id, id + 4, id);
	if ((x->error = set_add(x->set, path)) < 0)
		return 1;
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *v, *sp;

		chancery_event_field(&k, &v, ev, i);
		sp = strchr(v, ' ');
		if (!strcmp(k, "Attachment") && sp)
			snprintf(path, sizeof(path), "events/%.4s/%.2s/%s/%.*s",
				id, id + 4, id, (int)(sp - v), v);
		else if (!strcmp(k, "Notification-File") && sp)
			snprintf(path, sizeof(path), "%.*s", (int)(sp - v), v);
		else if (!strcmp(k, "Archive"))
			snprintf(path, sizeof(path), "%s", v);
		else
			continue;
		if ((x->error = set_add(x->set, path)) < 0)
			return 1;
	}
	return 0;
}

/* Letters, reminders and acknowledgments of the selection. */
static int letters_walk(const char *root, const git_tree_entry *e,
	void *payload)
{
	select_ctx *x = payload;
	const chancery_bagit_options *o = x->o;
	const char *name = git_tree_entry_name(e);
	char path[600], campaign[128];
	const char *slash;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	if (o->treaty)
		return 0;
	snprintf(path, sizeof(path), "campaigns/%s%s", root, name);
	slash = strchr(root, '/');
	if (!slash)
		return 0;
	snprintf(campaign, sizeof(campaign), "%.*s", (int)(slash - root), root);
	if (o->campaign && strcmp(campaign, o->campaign))
		return 0;
	if (strcmp(slash, "/letters/") && strcmp(slash, "/reminders/") &&
	    strcmp(slash, "/acknowledgments/"))
		return o->state ? 0 : (x->error = set_add(x->set, path)) < 0;
	if (o->state && (strncmp(name, o->state, 3) ||
	    (name[3] != '.' && name[3] != '-')))
		return 0;
	return (x->error = set_add(x->set, path)) < 0;
}

/* ---- writing ------------------------------------------------------------- */

static int mkdirs(const char *path)
{
	char *p = chancery__strdup(path);

	if (!p)
		return chancery__oom();
	for (char *s = p + 1; *s; s++) {
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

static int write_all(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return chancery__os_error(path);
	if ((size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		if (f)
			fclose(f);
		return chancery__os_error(path);
	}
	return 0;
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (!d) {
		unlink(path);
		return;
	}
	while ((de = readdir(d))) {
		char *sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if ((sub = chancery__sprintf("%s/%s", path, de->d_name))) {
			remove_tree(sub);
			chancery_free(sub);
		}
	}
	closedir(d);
	rmdir(path);
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int chancery_export_bagit(chancery_bagit_result *out,
	chancery_repository *repo, const char *dir,
	const chancery_bagit_options *opts)
{
	chancery_bagit_options none = CHANCERY_BAGIT_OPTIONS_INIT;
	chancery_bagit_result local;
	chancery_log_options lo = CHANCERY_LOG_OPTIONS_INIT;
	path_set set = { NULL, 0, 0 };
	select_ctx x;
	chancery_buf manifest = CHANCERY_BUF_INIT, info = CHANCERY_BUF_INIT,
		tags = CHANCERY_BUF_INIT;
	git_commit *hc = NULL;
	git_tree *tree = NULL;
	git_tree_entry *ce = NULL;
	git_tree *ctree = NULL;
	git_oid head;
	char *tmp = NULL, *p = NULL, hex[65], today[11];
	struct stat st;
	chancery_date d;
	int error, selections;

	CHANCERY_ASSERT_ARG(repo && dir && *dir);
	if (!out)
		out = &local;
	memset(out, 0, sizeof(*out));
	if (!opts)
		opts = &none;
	selections = !!opts->state + !!opts->campaign + !!opts->treaty;
	if (selections > 1)
		return chancery__error(CHANCERY_EINVALID,
			"export a State, a campaign or a treaty, not more than one");
	if (opts->state && !chancery_state_code_valid(opts->state))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a State code", opts->state);
	if (opts->treaty && !chancery_treaty_id_valid(opts->treaty))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a treaty reference", opts->treaty);
	if (opts->organization && !chancery__line_valid(opts->organization))
		return chancery__error(CHANCERY_EINVALID,
			"the organization must be one line of text");
	if (stat(dir, &st) == 0) {
		DIR *dd = S_ISDIR(st.st_mode) ? opendir(dir) : NULL;
		struct dirent *de;
		bool empty = dd != NULL;

		while (dd && (de = readdir(dd)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				empty = false;
		if (dd)
			closedir(dd);
		if (!empty)
			return chancery__error(CHANCERY_EEXISTS,
				"'%s' exists and is not an empty folder", dir);
	}
	if ((error = git_reference_name_to_id(&head, repo->git,
			repo->branch)) < 0 ||
	    (error = git_commit_lookup(&hc, repo->git, &head)) < 0 ||
	    (error = git_commit_tree(&tree, hc)) < 0) {
		error = chancery__git_error(error, "read the branch head");
		goto done;
	}

	/* what goes in */
	x.o = opts;
	x.set = &set;
	x.error = 0;
	lo.oldest_first = 1;
	if ((error = chancery_history_foreach(repo, &lo, select_cb, &x)) < 0)
		goto done;
	if (x.error < 0) {
		error = x.error;
		goto done;
	}
	if (git_tree_entry_bypath(&ce, tree, "campaigns") == 0 &&
	    git_tree_lookup(&ctree, repo->git, git_tree_entry_id(ce)) == 0)
		git_tree_walk(ctree, GIT_TREEWALK_PRE, letters_walk, &x);
	git_error_clear();
	if (x.error < 0) {
		error = x.error;
		goto done;
	}
	if (opts->campaign && !ctree) {
		error = chancery__error(CHANCERY_ENOTFOUND, "no campaign '%s'",
			opts->campaign);
		goto done;
	}
	if (!set.n) {
		error = chancery__error(CHANCERY_ENOTFOUND,
			"nothing in the archive matches the selection");
		goto done;
	}
	qsort(set.paths, set.n, sizeof(char *), cmp_str);

	/* write it beside DIR, then rename */
	if (!(tmp = chancery__sprintf("%s.partial-%ld", dir, (long)getpid()))) {
		error = chancery__oom();
		goto done;
	}
	remove_tree(tmp);
	for (size_t i = 0; i < set.n; i++) {
		char *data = NULL;
		size_t size = 0;

		error = chancery__tree_read(&data, &size, repo, tree, set.paths[i]);
		if (error == CHANCERY_ENOTFOUND) {
			/* recorded, then replaced (a regenerated letter's old
			 * name): verify reports that; the bag holds the head */
			chancery_error_clear();
			error = 0;
			continue;
		}
		if (error < 0)
			goto fail;
		chancery_free(p);
		p = chancery__sprintf("%s/data/%s", tmp, set.paths[i]);
		if (!p || (error = mkdirs(p)) < 0 ||
		    (error = write_all(p, data, size)) < 0 ||
		    (error = chancery__sha256_hex(hex, data, size)) < 0) {
			chancery_free(data);
			if (!p)
				error = chancery__oom();
			goto fail;
		}
		chancery_free(data);
		if ((error = chancery_buf_printf(&manifest, "%s  data/", hex)) < 0 ||
		    (error = put_path(&manifest, set.paths[i])) < 0 ||
		    (error = chancery_buf_putc(&manifest, '\n')) < 0)
			goto fail;
		out->files++;
		out->bytes += size;
	}
	chancery_date_from_time(&d, repo->have_sig && repo->sig_time ?
		repo->sig_time : (int64_t)time(NULL));
	chancery_date_format(today, sizeof(today), &d);
	if ((error = chancery_buf_printf(&info, "Bag-Software-Agent: chancery %s\n"
			"Bagging-Date: %s\nPayload-Oxum: %llu.%zu\n"
			"External-Identifier: git commit %s\n"
			"External-Description: chancery archive export (%s%s)\n",
			CHANCERY_VERSION, today, (unsigned long long)out->bytes,
			out->files, git_oid_tostr_s(&head),
			opts->state ? "State " : opts->campaign ? "campaign " :
			opts->treaty ? "treaty " : "everything",
			opts->state ? opts->state : opts->campaign ?
			opts->campaign : opts->treaty ? opts->treaty : "")) < 0 ||
	    (opts->organization && (error = chancery_buf_printf(&info,
			"Source-Organization: %s\n", opts->organization)) < 0))
		goto fail;
	{
		static const char bagit[] = "BagIt-Version: 1.0\n"
			"Tag-File-Character-Encoding: UTF-8\n";
		const struct { const char *name; const char *data; size_t size; }
		tagfiles[] = {
			{ "bagit.txt", bagit, sizeof(bagit) - 1 },
			{ "bag-info.txt", info.ptr, info.size },
			{ "manifest-sha256.txt", manifest.ptr, manifest.size },
		};

		for (size_t i = 0; i < 3; i++) {
			chancery_free(p);
			if (!(p = chancery__sprintf("%s/%s", tmp, tagfiles[i].name))) {
				error = chancery__oom();
				goto fail;
			}
			if ((error = write_all(p, tagfiles[i].data,
					tagfiles[i].size)) < 0 ||
			    (error = chancery__sha256_hex(hex, tagfiles[i].data ?
					tagfiles[i].data : "", tagfiles[i].size)) < 0 ||
			    (error = chancery_buf_printf(&tags, "%s  %s\n", hex,
					tagfiles[i].name)) < 0)
				goto fail;
		}
		chancery_free(p);
		if (!(p = chancery__sprintf("%s/tagmanifest-sha256.txt", tmp))) {
			error = chancery__oom();
			goto fail;
		}
		if ((error = write_all(p, tags.ptr, tags.size)) < 0)
			goto fail;
	}
	rmdir(dir); /* an empty folder given as the destination */
	if (rename(tmp, dir) < 0) {
		error = chancery__os_error(dir);
		goto fail;
	}
	error = 0;
	goto done;
fail:
	remove_tree(tmp);
done:
	chancery_free(p);
	chancery_free(tmp);
	chancery_buf_dispose(&manifest);
	chancery_buf_dispose(&info);
	chancery_buf_dispose(&tags);
	git_tree_entry_free(ce);
	git_tree_free(ctree);
	git_tree_free(tree);
	git_commit_free(hc);
	set_free(&set);
	return error;
}
