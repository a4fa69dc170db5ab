/*
 * upgrade.c - moving a repository to the latest format, as an event.
 *
 * Format 1 filed events by month, format 2 by day (event_layout.c). The
 * upgrade is one commit of its own, event `upgrade` with a From and a To
 * field, that changes .chancery/format and nothing else: history is never
 * rewritten, so old events stay where they were, and every commit after it
 * files its event by day. The commit check allows exactly this change, from
 * a known older format to the latest (audit_rules.c); the upgrade's own
 * record is filed in the layout of its parent, like every event's.
 * Left out: downgrades, and skipping formats (there are only two).
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

static int upgrade_extra(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	chancery_repository *repo = payload;
	char from[16];
	int fmt, error;

	(void)head;
	if (!base)
		return chancery__error(CHANCERY_ENOTREPO,
			"the repository has no commit yet");
	if ((error = chancery__tree_format(&fmt, repo, base)) < 0)
		return error;
	if (fmt >= CHANCERY__FORMAT_LATEST)
		return chancery__error(CHANCERY_EUNCHANGED, "the repository is "
			"already at format %d", CHANCERY__FORMAT_LATEST);
	snprintf(from, sizeof(from), "%d", fmt);
	if ((error = chancery_event_add(ev, "From", from)) < 0 ||
	    (error = chancery_event_add(ev, "To", "2")) < 0)
		return error;
	return chancery_changeset_add(cs, CHANCERY_FORMAT_PATH,
		CHANCERY_FORMAT_TEXT, strlen(CHANCERY_FORMAT_TEXT));
}

int chancery_repository_format(int *out, chancery_repository *repo)
{
	CHANCERY_ASSERT_ARG(out && repo);
	return chancery__tree_format(out, repo, NULL);
}

int chancery_repository_upgrade(char *out, chancery_repository *repo)
{
	chancery_event *ev = NULL;
	int error;

	CHANCERY_ASSERT_ARG(repo);
	if (out)
		out[0] = '\0';
	if ((error = chancery_event_new(&ev, "upgrade")) < 0 ||
	    (error = chancery_event_set_subject(ev, "upgrade: repository "
			"format 2, events filed by day")) < 0 ||
	    (error = chancery_event_set_message(ev, "From this commit on, "
			"each event is filed under events/YYYY/MM/DD/; the "
			"events before it stay under events/YYYY/MM/.")) < 0 ||
	    (error = chancery__event_commit(repo, ev, upgrade_extra, repo,
			NULL)) < 0)
		goto done;
	if (out)
		snprintf(out, 41, "%s", chancery_event_commit(ev));
done:
	chancery_event_free(ev);
	return error;
}
