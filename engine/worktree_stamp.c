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
 * and its size, mtime, inode and device. When the stamp names the branch
 * head and the index file still has that identity, the index holds the
 * head and only the working-tree half is needed. Any doubt (no stamp, one
 * that does not parse, another head, an index file rewritten, replaced or
 * touched) reads as "no", and the full check runs as before. The stamp is
 * written by rename, so a kill leaves the old one or the new one; a kill
 * between the index write and the stamp's leaves an old stamp whose index
 * identity no longer matches.
 *
 * Nothing here allocates: paths and contents live in fixed buffers (a Git
 * folder too long for them reads as "no stamp"), so the stamp written
 * after the branch moved can never swallow an out-of-memory the caller
 * should have heard, and checking it cannot fail at all.
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
#define PATH_CAP 4096

/* GITDIR/NAME into `out`; -1 when it does not fit. */
static int git_path(char out[PATH_CAP], chancery_repository *repo,
	const char *name)
{
	int n = snprintf(out, PATH_CAP, "%s%s", git_repository_path(repo->git),
		name);

	return n > 0 && n < PATH_CAP ? 0 : -1;
}

/* The stamp's second line for the index file as it is now and `head`:
 * the file's identity and its trailer (the SHA-1 of its contents that Git
 * ends the file with); -1 when the index cannot be looked at. */
static int stamp_line(char *out, size_t size, unsigned char trailer[20],
	chancery_repository *repo, const git_oid *head)
{
	char hex[GIT_OID_HEXSZ + 1], sum[41], index[PATH_CAP];
	struct stat st;
	int fd, rc = -1;

	if (git_path(index, repo, "index") < 0 ||
	    (fd = open(index, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
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

/* Write `n` bytes of `text` to `path` whole or not at all. */
static int write_whole(const char *path, const char *tmp, const char *text,
	size_t n)
{
	size_t done = 0;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		O_NOFOLLOW, 0644);

	if (fd < 0)
		return -1;
	while (done < n) {
		ssize_t w = write(fd, text + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	if (close(fd) < 0 || done < n || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

void chancery__stamp_write(chancery_repository *repo, git_index *index,
	const git_oid *head)
{
	char line[STAMP_MAX], text[STAMP_MAX + sizeof(STAMP_MAGIC)];
	char dir[PATH_CAP], path[PATH_CAP], tmp[PATH_CAP + 32];
	unsigned char trailer[20];
	const git_oid *ours = git_index_checksum(index);
	int n;

	if (git_path(dir, repo, "chancery") < 0 ||
	    git_path(path, repo, "chancery/worktree-stamp") < 0)
		return;   /* no stamp can be read there either */
	n = snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid());
	/* the index file must be the one our checkout wrote: a `git add`
	 * since then would be taken for the head's. Best effort: without a
	 * stamp the next write checks in full */
	if (n <= 0 || (size_t)n >= sizeof(tmp) ||
	    stamp_line(line, sizeof(line), trailer, repo, head) < 0 ||
	    !ours || memcmp(trailer, ours->id, 20) ||
	    (mkdir(dir, 0777) < 0 && errno != EEXIST) ||
	    (n = snprintf(text, sizeof(text), "%s%s", STAMP_MAGIC,
			line)) <= 0 || (size_t)n >= sizeof(text) ||
	    write_whole(path, tmp, text, (size_t)n) < 0) {
		if (unlink(path) < 0 && errno != ENOENT) {
			/* a stamp that stays names an index since rewritten:
			 * it no longer matches */
		}
	}
}

int chancery__stamp_matches(chancery_repository *repo, const git_oid *head)
{
	char line[STAMP_MAX], text[STAMP_MAX * 2], path[PATH_CAP];
	unsigned char trailer[20];
	ssize_t n;
	int fd;

	if (git_path(path, repo, "chancery/worktree-stamp") < 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return 0;
	n = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	return stamp_line(line, sizeof(line), trailer, repo, head) == 0 &&
		(size_t)n == strlen(STAMP_MAGIC) + strlen(line) &&
		!strncmp(text, STAMP_MAGIC, strlen(STAMP_MAGIC)) &&
		!strcmp(text + strlen(STAMP_MAGIC), line);
}
