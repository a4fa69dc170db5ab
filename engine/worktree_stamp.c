/*
 * worktree_stamp.c - the stamp that lets a write skip comparing the branch
 * head with Git's index.
 *
 * Before each write the store refuses a working tree edited by hand
 * (store.c, check_clean). That has two halves: the index against the
 * branch head (a tree-to-index diff: every tree of the head is read) and
 * the working tree against the index (a stat of every tracked file). The
 * first half only finds something when the index does not hold the head
 * exactly: a writer killed before its checkout, `git add`, `git reset`,
 * a commit or a branch moved by git itself. All of those rewrite the
 * index file or move the branch.
 *
 * So after each checkout under the lock that succeeded, the store writes
 * GITDIR/chancery/worktree-stamp:
 *
 *   chancery worktree stamp 1
 *   HEAD TRAILER SIZE MTIME_S MTIME_NS INODE DEVICE
 *
 * the commit the index now holds and the identity of the index file just
 * written: its trailer (the SHA-1 of its contents Git ends it with, read
 * from its last 20 bytes and checked against what the checkout wrote)
 * and its size, mtime, inode and device. When the stamp names the branch head and the index file still
 * has that identity, the index holds the head and only the working-tree
 * half is needed. Any doubt (no stamp, one that does not parse, another
 * head, an index file rewritten, replaced or touched) reads as "no", and
 * the full check runs as before. The stamp is written by rename, so a
 * kill leaves the old one or the new one; a kill between the index write
 * and the stamp's leaves an old stamp whose index identity no longer
 * matches.
 *
 * Left out on purpose: hashing the index (reading it whole is what the
 * stamp avoids: its own trailer is trusted). Checking costs one read of
 * the stamp, one open, fstat and 20-byte read of the index.
 */
#define _XOPEN_SOURCE 700
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAMP_MAGIC "chancery worktree stamp 1\n"
#define STAMP_MAX 256

static char *stamp_path(chancery_repository *repo)
{
	return chancery__sprintf("%schancery/worktree-stamp",
		git_repository_path(repo->git));
}

/* The stamp's second line for the index file as it is now and `head`:
 * the file's identity and its trailer (the SHA-1 of its contents that Git
 * ends the file with); -1 when the index cannot be looked at. */
static int stamp_line(char *out, size_t size, unsigned char trailer[20],
	chancery_repository *repo, const git_oid *head)
{
	char hex[GIT_OID_HEXSZ + 1], sum[41], *index;
	struct stat st;
	int fd, rc = -1;

	if (!(index = chancery__sprintf("%sindex",
			git_repository_path(repo->git))))
		return -1;
	fd = open(index, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	chancery_free(index);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 20 &&
	    pread(fd, trailer, 20, st.st_size - 20) == 20)
		rc = 0;
	close(fd);
	if (rc < 0)
		return -1;
	for (int i = 0; i < 20; i++)
		snprintf(sum + 2 * i, 3, "%02x", trailer[i]);
	git_oid_tostr(hex, sizeof(hex), head);
	rc = snprintf(out, size, "%s %s %" PRIdMAX " %" PRIdMAX " %ld %"
		PRIuMAX " %" PRIuMAX "\n", hex, sum, (intmax_t)st.st_size,
		(intmax_t)st.st_mtim.tv_sec, (long)st.st_mtim.tv_nsec,
		(uintmax_t)st.st_ino, (uintmax_t)st.st_dev);
	return rc > 0 && (size_t)rc < size ? 0 : -1;
}

static void stamp_remove(chancery_repository *repo)
{
	char *path = stamp_path(repo);

	if (path && unlink(path) < 0 && errno != ENOENT) {
		/* a stamp that stays names an index that is rewritten next:
		 * it no longer matches */
	}
	chancery_free(path);
}

void chancery__stamp_write(chancery_repository *repo, git_index *index,
	const git_oid *head)
{
	char line[STAMP_MAX], text[STAMP_MAX + sizeof(STAMP_MAGIC)];
	char *dir = NULL, *path = NULL;
	unsigned char trailer[20];
	const git_oid *ours = git_index_checksum(index);
	int n;

	/* the index file must be the one our checkout wrote: a `git add`
	 * since then would be taken for the head's */
	if (stamp_line(line, sizeof(line), trailer, repo, head) < 0 ||
	    !ours || memcmp(trailer, ours->id, 20) ||
	    !(dir = chancery__sprintf("%schancery",
			git_repository_path(repo->git))) ||
	    !(path = stamp_path(repo)) ||
	    (mkdir(dir, 0777) < 0 && errno != EEXIST)) {
		stamp_remove(repo);
		goto done;
	}
	n = snprintf(text, sizeof(text), "%s%s", STAMP_MAGIC, line);
	/* best effort: without a stamp the next write checks in full */
	if (n <= 0 || (size_t)n >= sizeof(text) ||
	    chancery__write_file_atomic(path, text, (size_t)n) < 0) {
		chancery_error_clear();
		stamp_remove(repo);
	}
done:
	chancery_free(dir);
	chancery_free(path);
}

int chancery__stamp_matches(chancery_repository *repo, const git_oid *head)
{
	char line[STAMP_MAX], *path, *text = NULL;
	unsigned char trailer[20];
	size_t size = 0;
	int rc, match = 0;

	if (!(path = stamp_path(repo)))
		return 0;
	rc = chancery__read_file(&text, &size, path, STAMP_MAX * 2);
	chancery_error_clear();
	if (rc == 0 &&
	    stamp_line(line, sizeof(line), trailer, repo, head) == 0 &&
	    size == strlen(STAMP_MAGIC) + strlen(line) &&
	    !strncmp(text, STAMP_MAGIC, strlen(STAMP_MAGIC)) &&
	    !strcmp(text + strlen(STAMP_MAGIC), line))
		match = 1;
	chancery_free(text);
	chancery_free(path);
	return match;
}
