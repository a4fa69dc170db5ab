/*
 * repository.c - opening and creating correspondence repositories, the
 * identity that records operations, and settings from Git configuration.
 *
 * A Git repository is chancery's when its branch head has the file
 * .chancery/format saying "chancery repository format 2" (new repositories;
 * events filed by day) or "... format 1" (events by month, still read and
 * written: event_layout.c; chancery_repository_upgrade moves it to 2). The
 * branch is the
 * one HEAD names (created as "main"); a detached HEAD is refused, since
 * events must land on a branch that others can sync.
 *
 * Settings are read through libgit2 from the repository's Git configuration
 * (its own file, then ~/.gitconfig and the system's), then, for the few
 * settings that decide nothing about where data goes or what runs, from
 * the tracked file .chancery/config (Git config syntax, shared by every
 * clone, so written by any office).
 *
 * A repository is checked out or bare: a bare one (no working tree, its
 * workdir NULL) takes every operation; the store skips what concerns the
 * working tree (store.c), and the tracked .chancery/config is read from
 * the branch head, through a file of the Git folder removed after the
 * read (libgit2 parses configuration from files only).
 *
 * `chancery_repository_init` writes into a new or empty folder only, and
 * removes what it created when it fails, so a failed init leaves nothing.
 */
#define _XOPEN_SOURCE 700
#include "internal.h"
#include "index_int.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void chancery_repository_free(chancery_repository *repo)
{
	if (!repo)
		return;
	chancery__reg_seen_free(repo->reg_seen);
	chancery__index_close(repo);
	git_repository_free(repo->git);
	chancery_free(repo->workdir);
	chancery_free(repo->branch);
	chancery_free(repo->sig_name);
	chancery_free(repo->sig_email);
	chancery_free(repo);
}

const char *chancery_repository_workdir(const chancery_repository *repo)
{
	return repo->workdir;
}

/* Where the repository is, for messages: its working folder, or the Git
 * folder of a bare one. */
static const char *repo_where(const chancery_repository *repo)
{
	return repo->workdir ? repo->workdir : git_repository_path(repo->git);
}

int chancery__tree_read(char **out, size_t *size, chancery_repository *repo,
	git_tree *tree, const char *path)
{
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	git_reference *ref = NULL;
	git_commit *commit = NULL;
	git_tree *own = NULL;
	int error;

	*out = NULL;
	if (!tree) {
		if ((error = git_reference_lookup(&ref, repo->git,
				repo->branch)) < 0 ||
		    (error = git_commit_lookup(&commit, repo->git,
				git_reference_target(ref))) < 0 ||
		    (error = git_commit_tree(&own, commit)) < 0) {
			error = chancery__git_error(error, "read the branch head");
			goto done;
		}
		tree = own;
	}
	error = git_tree_entry_bypath(&e, tree, path);
	if (error == GIT_ENOTFOUND) {
		git_error_clear();
		error = chancery__error(CHANCERY_ENOTFOUND, "'%s' not found",
			path);
		goto done;
	}
	if (error < 0 || git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
	    (error = git_blob_lookup(&blob, repo->git,
			git_tree_entry_id(e))) < 0) {
		error = error < 0 ? chancery__git_error(error, path) :
			chancery__error(CHANCERY_EINVALID, "'%s' is not a file",
				path);
		goto done;
	}
	*size = (size_t)git_blob_rawsize(blob);
	*out = chancery__strndup(git_blob_rawcontent(blob), *size);
	error = *out ? 0 : chancery__oom();
done:
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_tree_free(own);
	git_commit_free(commit);
	git_reference_free(ref);
	return error;
}

static int repo_wrap(chancery_repository **out, git_repository *git)
{
	chancery_repository *repo;
	git_reference *head = NULL;
	int error;

	*out = NULL;
	error = git_reference_lookup(&head, git, "HEAD");
	if (error < 0)
		return chancery__git_error(error, "read HEAD");
	if (git_reference_type(head) != GIT_REFERENCE_SYMBOLIC) {
		git_reference_free(head);
		return chancery__error(CHANCERY_EINVALID,
			"HEAD is detached; check out a branch (git switch main)");
	}
	repo = chancery__calloc(1, sizeof(*repo));
	/* a bare repository has no working folder: workdir stays NULL */
	if (!repo || (!git_repository_is_bare(git) &&
			!(repo->workdir = chancery__strdup(
				git_repository_workdir(git)))) ||
	    !(repo->branch = chancery__strdup(
			git_reference_symbolic_target(head)))) {
		git_reference_free(head);
		chancery_repository_free(repo);
		return chancery__oom();
	}
	git_reference_free(head);
	repo->git = git;
	*out = repo;
	return 0;
}

int chancery_repository_open(chancery_repository **out, const char *path)
{
	git_repository *git = NULL;
	chancery_repository *repo = NULL;
	int fmt = 0;
	git_oid head;
	int error;

	CHANCERY_ASSERT_ARG(out && path);
	*out = NULL;
	if ((error = chancery__git_init()) < 0)
		return error;
	error = git_repository_open_ext(&git, path, 0, NULL);
	if (error == GIT_ENOTFOUND) {
		git_error_clear();
		return chancery__error(CHANCERY_ENOTFOUND,
			"'%s' is not in a chancery repository (no Git "
			"repository here or above; see chancery init)", path);
	}
	if (error < 0)
		return chancery__git_error(error, path);
	if ((error = repo_wrap(&repo, git)) < 0) {
		git_repository_free(git);
		return error;
	}
	if (git_reference_name_to_id(&head, git, repo->branch) < 0) {
		git_error_clear();
		error = chancery__error(CHANCERY_ENOTREPO,
			"'%s' is a Git repository without commits, not a "
			"chancery repository", repo_where(repo));
		goto done;
	}
	error = chancery__tree_format(&fmt, repo, NULL);
	if (error == CHANCERY_ENOTFOUND) {
		error = chancery__error(CHANCERY_ENOTREPO,
			"'%s' is a Git repository but not chancery's (no %s "
			"on branch %s)", repo_where(repo), CHANCERY_FORMAT_PATH,
			repo->branch);
		goto done;
	}
	if (error == CHANCERY_ENOTREPO) {
		error = chancery__error(CHANCERY_ENOTREPO,
			"'%s': unknown repository format in %s (this chancery "
			"reads formats 1 and 2)", repo_where(repo),
			CHANCERY_FORMAT_PATH);
		goto done;
	}
	if (error < 0)
		goto done;
	*out = repo;
	repo = NULL;
done:
	chancery_repository_free(repo);
	return error;
}

int chancery_repository_set_signature(chancery_repository *repo,
	const chancery_signature *sig)
{
	char *name = NULL, *email = NULL;

	CHANCERY_ASSERT_ARG(repo && sig);
	if (sig->time && chancery__time_check(sig->time, "recording time") < 0)
		return CHANCERY_EINVALID;
	if (sig->name && (!*sig->name || !chancery__line_valid(sig->name) ||
			strchr(sig->name, '<') || strchr(sig->name, '>')))
		return chancery__error(CHANCERY_EINVALID,
			"author name '%.60s' is not one line without '<' or '>'",
			sig->name);
	if (sig->email && (!chancery__line_valid(sig->email) ||
			strchr(sig->email, '<') || strchr(sig->email, '>') ||
			strchr(sig->email, ' ')))
		return chancery__error(CHANCERY_EINVALID,
			"author e-mail '%.60s' is not an address", sig->email);
	if ((sig->name && !(name = chancery__strdup(sig->name))) ||
	    (sig->email && !(email = chancery__strdup(sig->email)))) {
		chancery_free(name);
		return chancery__oom();
	}
	if (name) {
		chancery_free(repo->sig_name);
		repo->sig_name = name;
	}
	if (email) {
		chancery_free(repo->sig_email);
		repo->sig_email = email;
	}
	repo->sig_time = sig->time;
	repo->sig_offset = sig->offset;
	repo->have_sig = true;
	return 0;
}

/*
 * The tracked .chancery/config comes from whoever committed it, another
 * office included: it may give only settings that change no office's
 * data flow. Where data goes (chancery.remote, remote.*, url.*, http.*),
 * what runs (core.*, hooks, filters, aliases) and what signs are read from
 * the office's own Git configuration only. The list is matched exactly,
 * with Git's case-insensitive section and key names.
 */
static const char *const shared_settings[] = {
	"chancery.name", "chancery.email", "chancery.notificationReference",
};

static bool shared_setting(const char *key)
{
	for (size_t i = 0; i < sizeof(shared_settings) /
			sizeof(shared_settings[0]); i++)
		if (!strcasecmp(key, shared_settings[i]))
			return true;
	return false;
}

static atomic_ulong shared_reads;

/* The tracked .chancery/config as a file to read: the working tree's,
 * or for a bare repository the branch head's copy, written to a file of
 * the Git folder for the read (*temp: the caller removes it). *path NULL:
 * the head has none. */
static int shared_file(char **path, bool *temp, chancery_repository *repo)
{
	char *data = NULL;
	size_t size = 0;
	int error;

	*temp = false;
	if (repo->workdir) {
		*path = chancery__sprintf("%s.chancery/config", repo->workdir);
		return *path ? 0 : chancery__oom();
	}
	*path = NULL;
	error = chancery__tree_read(&data, &size, repo, NULL,
		".chancery/config");
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		return 0;
	}
	if (error < 0)
		return error;
	/* one name per read: threads of one process may read at once */
	if (!(*path = chancery__sprintf("%schancery-config.%ld.%lu",
			git_repository_path(repo->git), (long)getpid(),
			(unsigned long)atomic_fetch_add(&shared_reads, 1))))
		error = chancery__oom();
	else if ((error = chancery__write_file_atomic(*path, data,
			size)) < 0) {
		chancery_free(*path);
		*path = NULL;
	}
	*temp = error == 0;
	chancery_free(data);
	return error;
}

/* One layer: the office's Git configuration, or (shared) the tracked file
 * for the settings it may give. CHANCERY_ENOTFOUND when unset there. */
static int config_layer(char **out, chancery_repository *repo,
	const char *key, bool shared)
{
	git_config *cfg = NULL, *snap = NULL;
	git_buf buf = GIT_BUF_INIT;
	char *path = NULL;
	bool temp = false;
	struct stat st;
	int error;

	*out = NULL;
	if (shared) {
		if (!shared_setting(key))
			return CHANCERY_ENOTFOUND;
		if ((error = shared_file(&path, &temp, repo)) < 0)
			return error;
		error = GIT_ENOTFOUND;
		if (path && stat(path, &st) == 0 &&
		    (error = git_config_open_ondisk(&cfg, path)) == 0)
			error = git_config_get_string_buf(&buf, cfg, key);
	} else if ((error = git_repository_config(&cfg, repo->git)) == 0 &&
		   (error = git_config_snapshot(&snap, cfg)) == 0) {
		error = git_config_get_string_buf(&buf, snap, key);
	}
	if (error == GIT_ENOTFOUND) {
		git_error_clear();
		error = CHANCERY_ENOTFOUND;
	} else if (error < 0) {
		error = chancery__git_error(error, "read the configuration");
	} else {
		*out = chancery__strdup(buf.ptr);
		error = *out ? 0 : chancery__oom();
	}
	if (temp)
		unlink(path);
	chancery_free(path);
	git_buf_dispose(&buf);
	git_config_free(snap);
	git_config_free(cfg);
	return error;
}

static int not_set(const char *key)
{
	return chancery__error(CHANCERY_ENOTFOUND, "setting '%s' is not set",
		key);
}

int chancery_repository_config(char **out, chancery_repository *repo,
	const char *key)
{
	int error;

	CHANCERY_ASSERT_ARG(out && repo && key);
	if ((error = config_layer(out, repo, key, false)) == CHANCERY_ENOTFOUND)
		error = config_layer(out, repo, key, true);
	return error == CHANCERY_ENOTFOUND ? not_set(key) : error;
}

/* The first of two settings that is set, the office's own configuration
 * first for both (a shared default never overrides what an office says);
 * CHANCERY_ENOTFOUND when neither is, any other failure as it came. */
static int config_first(char **out, chancery_repository *repo,
	const char *key, const char *fallback)
{
	int error = config_layer(out, repo, key, false);

	if (error == CHANCERY_ENOTFOUND)
		error = config_layer(out, repo, fallback, false);
	if (error == CHANCERY_ENOTFOUND)
		error = config_layer(out, repo, key, true);
	if (error == CHANCERY_ENOTFOUND)
		error = config_layer(out, repo, fallback, true);
	return error == CHANCERY_ENOTFOUND ? not_set(key) : error;
}

int chancery__signature(git_signature **out, chancery_repository *repo)
{
	char *name = NULL, *email = NULL;
	int error = 0;
	int64_t t;

	*out = NULL;
	if (repo->sig_name) {
		name = chancery__strdup(repo->sig_name);
	} else if ((error = config_first(&name, repo, "chancery.name",
			"user.name")) == CHANCERY_ENOTFOUND) {
		error = chancery__error(CHANCERY_EINVALID,
			"who is recording? set user.name and user.email (git "
			"config), or give --author 'Name <email>'");
		goto done;
	} else if (error < 0) {
		goto done;
	}
	if (repo->sig_email) {
		email = chancery__strdup(repo->sig_email);
	} else if ((error = config_first(&email, repo, "chancery.email",
			"user.email")) == CHANCERY_ENOTFOUND) {
		error = chancery__error(CHANCERY_EINVALID,
			"who is recording? set user.email (git config), or give "
			"--author 'Name <email>'");
		goto done;
	} else if (error < 0) {
		goto done;
	}
	if (!name || !email) {
		error = chancery__oom();
		goto done;
	}
	chancery_error_clear();
	t = repo->have_sig && repo->sig_time ? repo->sig_time :
		(int64_t)time(NULL);
	if ((error = git_signature_new(out, name, email, (git_time_t)t,
			repo->have_sig ? repo->sig_offset : 0)) < 0)
		error = chancery__git_error(error, "make the signature");
done:
	chancery_free(name);
	chancery_free(email);
	return error;
}

int chancery_repository_read(char **out, size_t *size,
	chancery_repository *repo, const char *path)
{
	CHANCERY_ASSERT_ARG(out && size && repo && path);
	return chancery__tree_read(out, size, repo, NULL, path);
}

int chancery_repository_head(char out[41], chancery_repository *repo)
{
	git_oid oid;
	int error;

	CHANCERY_ASSERT_ARG(out && repo);
	if ((error = git_reference_name_to_id(&oid, repo->git,
			repo->branch)) < 0)
		return chancery__git_error(error, "read the branch");
	git_oid_tostr(out, 41, &oid);
	return 0;
}

/* ---- init ---------------------------------------------------------------------- */

/* Is `path` absent or an empty folder? (*existed tells which) */
static int check_target(const char *path, bool *existed)
{
	struct stat st;
	DIR *dir;
	struct dirent *e;

	*existed = false;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return chancery__os_error(path);
	}
	if (!S_ISDIR(st.st_mode))
		return chancery__error(CHANCERY_EEXISTS,
			"'%s' exists and is not a folder", path);
	*existed = true;
	if (!(dir = opendir(path)))
		return chancery__os_error(path);
	while ((e = readdir(dir)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			closedir(dir);
			return chancery__error(CHANCERY_EEXISTS,
				"'%s' is not empty; chancery init needs a new "
				"or empty folder", path);
		}
	closedir(dir);
	return 0;
}

/* Remove what a failed init made: the folder, or its contents. */
static void undo_init(const char *path, bool existed)
{
	if (!existed) {
		chancery__remove_tree(path);
		return;
	}
	{
		DIR *dir = opendir(path);
		struct dirent *e;

		if (!dir)
			return;
		while ((e = readdir(dir))) {
			char *p;

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			p = chancery__sprintf("%s/%s", path, e->d_name);
			if (p)
				chancery__remove_tree(p);
			chancery_free(p);
		}
		closedir(dir);
	}
}

typedef struct {
	bool empty;
} init_ctx;

static int init_extra(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	init_ctx *ctx = payload;
	static const char gitattributes[] =
		"# chancery: records and registry are text with LF endings\n"
		"*.txt text eol=lf\n*.tsv text eol=lf\n";
	static const char gitignore[] =
		"# chancery: PDF renderings of letters are made on demand\n"
		"# (letters generate --pdf) and kept out of history\n"
		"campaigns/*/pdf/\n";
	int error;

	(void)base;
	(void)head;
	(void)ev;
	if ((error = chancery_changeset_add(cs, CHANCERY_FORMAT_PATH,
			CHANCERY_FORMAT_TEXT,
			strlen(CHANCERY_FORMAT_TEXT))) < 0 ||
	    (error = chancery_changeset_add(cs, ".gitattributes",
			gitattributes, strlen(gitattributes))) < 0 ||
	    (error = chancery_changeset_add(cs, ".gitignore",
			gitignore, strlen(gitignore))) < 0)
		return error;
	return ctx->empty ? chancery__registry_empty_changes(cs) :
		chancery__registry_sample_changes(cs);
}

/* init's author, kept as user.name and user.email in the new repository's
 * own configuration (.git/config) when asked (remember_author), so that
 * later commands record as the same author without being told again;
 * `git config user.name` there changes it as Git users expect. */
static int remember_author(chancery_repository *repo,
	const chancery_signature *sig)
{
	git_config *cfg = NULL;
	int error;

	if (!sig || !sig->name || !sig->email)
		return 0;
	if ((error = git_repository_config(&cfg, repo->git)) == 0 &&
	    (error = git_config_set_string(cfg, "user.name",
			sig->name)) == 0)
		error = git_config_set_string(cfg, "user.email",
			sig->email);
	git_config_free(cfg);
	return error < 0 ? chancery__git_error(error, "the repository's "
		"configuration") : 0;
}

int chancery_repository_init(chancery_repository **out, const char *path,
	const chancery_init_options *opts, const chancery_signature *sig)
{
	git_repository_init_options gopts = GIT_REPOSITORY_INIT_OPTIONS_INIT;
	git_repository *git = NULL;
	chancery_repository *repo = NULL;
	chancery_event *ev = NULL;
	init_ctx ctx = { false };
	bool existed = false, created = false;
	char *branch = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && path && *path);
	*out = NULL;
	CHANCERY_CHECK_VERSION(opts, CHANCERY_INIT_OPTIONS_VERSION);
	ctx.empty = opts && opts->empty;
	/* a time that cannot be recorded is refused before anything exists */
	if (sig && sig->time &&
	    chancery__time_check(sig->time, "recording time") < 0)
		return CHANCERY_EINVALID;
	if ((error = chancery__git_init()) < 0)
		return error;
	if ((error = check_target(path, &existed)) < 0)
		return error;
	branch = chancery__sprintf("refs/heads/%s",
		opts && opts->branch ? opts->branch : "main");
	if (!branch)
		return chancery__oom();
	if (!git_reference_is_valid_name(branch)) {
		error = chancery__error(CHANCERY_EINVALID,
			"'%s' is not a valid branch name", branch + 11);
		goto done;
	}
	gopts.flags = GIT_REPOSITORY_INIT_MKPATH |
		GIT_REPOSITORY_INIT_NO_REINIT |
		(opts && opts->bare ? GIT_REPOSITORY_INIT_BARE : 0);
	gopts.initial_head = branch + 11;
	created = true;
	if ((error = git_repository_init_ext(&git, path, &gopts)) < 0) {
		error = chancery__git_error(error, path);
		goto done;
	}
	if ((error = repo_wrap(&repo, git)) < 0)
		goto done;
	git = NULL;
	if (sig && (error = chancery_repository_set_signature(repo, sig)) < 0)
		goto done;
	if ((error = chancery_event_new(&ev, "init")) < 0 ||
	    (error = chancery_event_add(ev, "Registry", ctx.empty ? "empty" :
			"focus2004-sample")) < 0 ||
	    (error = chancery_event_set_message(ev, ctx.empty ?
			"Create the correspondence repository with an empty registry." :
			"Create the correspondence repository with the Focus 2004 "
			"registry: the States of 2004, the MTDSG treaty index, the "
			"Focus 2004 featured list and participation as of 12 March "
			"2004.")) < 0)
		goto done;
	if ((error = chancery__event_commit(repo, ev, init_extra, &ctx,
			NULL)) < 0 ||
	    (opts && opts->remember_author &&
	     (error = remember_author(repo, sig)) < 0))
		goto done;
	*out = repo;
	repo = NULL;
done:
	chancery_event_free(ev);
	chancery_repository_free(repo);
	git_repository_free(git);
	chancery_free(branch);
	if (error < 0 && created) {
		int saved = error;
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s", chancery_error_last() ?
			chancery_error_last()->message : "init failed");
		/* (msg is a copy: the error buffer is rewritten below) */
		undo_init(path, existed);
		error = chancery__error(saved, "%s", msg);
	}
	return error;
}
