/*
 * event_layout.c - where an event's record is in a tree, by the format of
 * the repository.
 *
 * Format 1 filed each event under its month (events/YYYY/MM/ID.txt), format
 * 2 under its day (events/YYYY/MM/DD/ID.txt): at 10^4 events a year a
 * month's folder holds ~800 records, and every commit rewrote it. History
 * is never rewritten, so a repository upgraded from format 1 (chancery
 * upgrade) keeps its old events where they were and files new ones by day.
 *
 * The rules, one place for the writer and the commit check:
 *   - a commit files its event in the layout of the format of its parent's
 *     tree (the repository it was written to); the first commit, which has
 *     no parent, in the layout of the format it creates;
 *   - a reader looking up an event by id looks at the day path, then at the
 *     month path: a record is in exactly one of them.
 * Left out: moving old records (that would rewrite every later commit).
 */
#include "event_int.h"

#include <stdio.h>
#include <string.h>

int chancery__tree_format(int *out, chancery_repository *repo, git_tree *tree)
{
	char *text = NULL;
	size_t size = 0;
	int error;

	*out = 0;
	if ((error = chancery__tree_read(&text, &size, repo, tree,
			CHANCERY_FORMAT_PATH)) < 0)
		return error;
	if (!strcmp(text, CHANCERY_FORMAT_TEXT))
		*out = CHANCERY__FORMAT_DAY;
	else if (!strcmp(text, CHANCERY_FORMAT_TEXT_1))
		*out = CHANCERY__FORMAT_MONTH;
	else
		error = chancery__error(CHANCERY_ENOTREPO, "unknown repository "
			"format in %s (this chancery reads formats 1 and 2)",
			CHANCERY_FORMAT_PATH);
	chancery_free(text);
	return error;
}

static bool has_record(git_tree *tree, const char *dir)
{
	git_tree_entry *e = NULL;
	char path[CHANCERY__EVENT_DIR_MAX + 8];
	bool found;

	snprintf(path, sizeof(path), "%s.txt", dir);
	found = git_tree_entry_bypath(&e, tree, path) == 0;
	git_tree_entry_free(e);
	git_error_clear();
	return found;
}

int chancery__event_dir_in(char *out, size_t size, git_tree *tree,
	const char *id)
{
	int error;

	if ((error = chancery__event_dir(out, size, id,
			CHANCERY__FORMAT_DAY)) < 0 || has_record(tree, out))
		return error;
	if ((error = chancery__event_dir(out, size, id,
			CHANCERY__FORMAT_MONTH)) < 0 || has_record(tree, out))
		return error;
	return chancery__error(CHANCERY_ENOTFOUND,
		"no record of event %.40s in the tree", id);
}

int chancery__event_dir_of(char *out, size_t size, chancery_repository *repo,
	const chancery_event *ev)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_oid oid;
	int error, fmt;

	if (size)
		out[0] = '\0';
	if (!ev->id[0] || !ev->commit[0])
		return chancery__error(CHANCERY_EINVALID,
			"the event has no record yet");
	if (git_oid_fromstr(&oid, ev->commit) < 0 ||
	    git_commit_lookup(&commit, repo->git, &oid) < 0 ||
	    git_commit_tree(&tree, commit) < 0)
		error = chancery__git_error(-1, "read the event's commit");
	else if ((error = chancery__event_dir_in(out, size, tree,
			ev->id)) == CHANCERY_ENOTFOUND) {
		/* a peer's commit without its record: where its format says
		 * the record should be, for the caller to report missing */
		chancery_error_clear();
		if (chancery__tree_format(&fmt, repo, tree) < 0) {
			chancery_error_clear();
			fmt = CHANCERY__FORMAT_LATEST;
		}
		error = chancery__event_dir(out, size, ev->id, fmt);
	}
	git_tree_free(tree);
	git_commit_free(commit);
	return error;
}
