/*
 * file.c - whole files on the local disk: read one with a size cap, write
 * one completely or not at all, and remove a folder tree.
 *
 * Invariants: a read refuses what is not a regular file (a FIFO never
 * blocks it, a terminal never becomes the controlling one) and anything
 * over its cap, however the file lies about its size; a write goes to
 * PATH.tmp-PID and is renamed over PATH only once every byte is out. The
 * remover never follows a symbolic link and never recurses deeper than
 * 2 * CHANCERY__MAX_DEPTH, so a hostile tree can neither lead it outside
 * nor exhaust the stack.
 *
 * Left out on purpose: fsync (a crash may lose the newest write, never
 * half of it), locking (engine/store.c) and any path policy (path.c).
 */
#include "base.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int chancery__read_file(char **out, size_t *size, const char *path,
	size_t max)
{
	chancery_buf buf = CHANCERY_BUF_INIT;
	struct stat st;
	char chunk[65536];
	int fd, error = 0;

	*out = NULL;
	*size = 0;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer (it is
	 * refused below); O_NOCTTY: a terminal never becomes ours */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return errno == ENOENT ?
			chancery__error(CHANCERY_ENOTFOUND,
				"'%s': no such file", path) :
			chancery__os_error(path);
	if (fstat(fd, &st) < 0) {
		error = chancery__os_error(path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		error = chancery__error(CHANCERY_EINVALID,
			"'%s': not a regular file", path);
		goto done;
	}
	if ((uint64_t)st.st_size > max) {
		error = chancery__error(CHANCERY_EINVALID,
			"'%s': larger than %zu bytes", path, max);
		goto done;
	}
	/* read to the end: the size a file reports (0 for /proc files, or
	 * one that grows meanwhile) is only a hint of what it holds */
	buf.max = max < SIZE_MAX ? max + 1 : max;
	if (st.st_size > 0) {
		if (!(buf.ptr = chancery__malloc((size_t)st.st_size + 1))) {
			error = chancery__oom();
			goto done;
		}
		buf.alloc = (size_t)st.st_size + 1;
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = chancery__os_error(path);
			goto done;
		}
		if (n == 0)
			break;
		if (buf.size + (size_t)n > max) {
			error = chancery__error(CHANCERY_EINVALID,
				"'%s': larger than %zu bytes", path, max);
			goto done;
		}
		if ((error = chancery_buf_put(&buf, chunk, (size_t)n)) < 0)
			goto done;
	}
	*size = buf.size;
	if (!(*out = chancery_buf_detach(&buf)))
		error = chancery__oom();
done:
	chancery_buf_dispose(&buf);
	close(fd);
	return error;
}

int chancery__write_file_atomic(const char *path, const void *data,
	size_t size)
{
	char *tmp = chancery__sprintf("%s.tmp-%ld", path, (long)getpid());
	const char *p = data;
	size_t done = 0;
	int fd, error = 0;

	if (!tmp)
		return chancery__oom();
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		error = chancery__os_error(path);
		chancery_free(tmp);
		return error;
	}
	while (done < size) {
		ssize_t n = write(fd, p + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error = chancery__os_error(path);
			break;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0 && !error)
		error = chancery__os_error(path);
	if (!error && rename(tmp, path) < 0)
		error = chancery__os_error(path);
	if (error)
		unlink(tmp);
	chancery_free(tmp);
	return error;
}

static void remove_in(int dirfd, const char *name, int depth)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlinkat(dirfd, name, 0);
		return;
	}
	if (depth > 2 * CHANCERY__MAX_DEPTH || (fd = openat(dirfd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	if (!(d = fdopendir(fd))) {
		close(fd);
		return;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			remove_in(fd, de->d_name, depth + 1);
	closedir(d);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

void chancery__remove_at(int dirfd, const char *name)
{
	remove_in(dirfd, name, 0);
}

void chancery__remove_tree(const char *path)
{
	remove_in(AT_FDCWD, path, 0);
}
