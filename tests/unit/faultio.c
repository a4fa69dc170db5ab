/*
 * faultio.c - a preloaded library that makes the Nth write-side system
 * call of a process fail, as a full disk or a read-only folder would.
 *
 *   FAULTIO_AT=N      fail the Nth call (1-based); 0 or unset: fail none
 *   FAULTIO_ERRNO=E   the errno to fail with (default 28, ENOSPC)
 *   FAULTIO_MARK=F    when a call is failed, F receives "CALL DETAIL\n"
 *   FAULTIO_COUNT=F   at exit, F receives the number of calls counted
 *   FAULTIO_KILL=1    at the Nth call, mark it, then die of SIGKILL before
 *                     making it: every state on disk a kill can leave
 *
 * Counted calls: opening a file for writing or creating it (open, openat,
 * creat, fopen with w/a/+), write, pwrite, writev on descriptors above 2
 * (the terminal stays usable, so the error message is seen), rename,
 * renameat, link, symlink, mkdir, mkdirat, fsync, fdatasync, ftruncate.
 * Unlink is left alone: a full disk still lets files be removed.
 *
 * Loaded with LD_PRELOAD by test_iofail.c, which runs the command line
 * tool once per N until a run fails nothing. Test code only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long count, fail_at = -1;
static int fail_errno = 28;

static void *real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (!f) {
		fprintf(stderr, "faultio: no %s\n", name);
		abort();
	}
	return f;
}

static void mark(const char *call, const char *detail)
{
	static int (*ropen)(const char *, int, ...);
	static ssize_t (*rwrite)(int, const void *, size_t);
	const char *path = getenv(strcmp(call, "count") ? "FAULTIO_MARK" :
		"FAULTIO_COUNT");
	char line[512];
	int fd, n;

	if (!path)
		return;
	if (!ropen) {
		ropen = (int (*)(const char *, int, ...))real("open");
		rwrite = (ssize_t (*)(int, const void *, size_t))real("write");
	}
	n = snprintf(line, sizeof(line), "%s %s\n", call, detail ? detail : "");
	fd = ropen(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0) {
		if (rwrite(fd, line, (size_t)(n < (int)sizeof(line) ? n :
				(int)sizeof(line) - 1)) < 0) {
			/* nothing to do: the test sees no mark */
		}
		close(fd);
	}
}

/* Is this call the one to fail? */
static int hit(const char *call, const char *detail)
{
	if (fail_at < 0) {
		const char *at = getenv("FAULTIO_AT"), *e = getenv("FAULTIO_ERRNO");

		fail_at = at ? atol(at) : 0;
		if (e)
			fail_errno = atoi(e);
	}
	if (++count != fail_at)
		return 0;
	mark(call, detail);
	if (getenv("FAULTIO_KILL"))
		raise(SIGKILL);
	errno = fail_errno;
	return 1;
}

__attribute__((destructor)) static void report(void)
{
	const char *path = getenv("FAULTIO_COUNT");
	char n[32];

	if (path) {
		snprintf(n, sizeof(n), "%ld", count);
		mark("count", n);
	}
}

/* The file behind a descriptor, for the mark. */
static const char *fd_path(int fd)
{
	static char path[400];
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	path[n > 0 ? n : 0] = '\0';
	return path;
}

static int writes(int flags)
{
	return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND)) != 0;
}

#define MODE_ARG(flags, mode) \
	do { \
		if ((flags) & (O_CREAT | O_TMPFILE)) { \
			va_list ap; \
			va_start(ap, flags); \
			mode = va_arg(ap, int); \
			va_end(ap); \
		} \
	} while (0)

/* open and open64 take (path, flags[, mode]); openat and openat64 take
 * (dir, path, flags[, mode]). Only opens that may write count. */
#define OPEN_WRAPPER(name) \
	int name(const char *path, int flags, ...) \
	{ \
		static int (*f)(const char *, int, ...); \
		int mode = 0; \
		MODE_ARG(flags, mode); \
		if (!f) \
			f = (int (*)(const char *, int, ...))real(#name); \
		if (writes(flags) && hit("open", path)) \
			return -1; \
		return f(path, flags, mode); \
	}
#define OPENAT_WRAPPER(name) \
	int name(int dir, const char *path, int flags, ...) \
	{ \
		static int (*f)(int, const char *, int, ...); \
		int mode = 0; \
		MODE_ARG(flags, mode); \
		if (!f) \
			f = (int (*)(int, const char *, int, ...))real(#name); \
		if (writes(flags) && hit("openat", path)) \
			return -1; \
		return f(dir, path, flags, mode); \
	}

OPEN_WRAPPER(open)
OPEN_WRAPPER(open64)
OPENAT_WRAPPER(openat)
OPENAT_WRAPPER(openat64)

int creat(const char *path, mode_t mode)
{
	static int (*f)(const char *, mode_t);

	if (!f)
		f = (int (*)(const char *, mode_t))real("creat");
	if (hit("creat", path))
		return -1;
	return f(path, mode);
}

static int fopen_writes(const char *mode)
{
	return strchr(mode, 'w') || strchr(mode, 'a') || strchr(mode, '+');
}

FILE *fopen(const char *path, const char *mode)
{
	static FILE *(*f)(const char *, const char *);

	if (!f)
		f = (FILE *(*)(const char *, const char *))real("fopen");
	if (fopen_writes(mode) && hit("fopen", path))
		return NULL;
	return f(path, mode);
}

FILE *fopen64(const char *path, const char *mode)
{
	static FILE *(*f)(const char *, const char *);

	if (!f)
		f = (FILE *(*)(const char *, const char *))real("fopen64");
	if (fopen_writes(mode) && hit("fopen", path))
		return NULL;
	return f(path, mode);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static ssize_t (*f)(int, const void *, size_t);

	if (!f)
		f = (ssize_t (*)(int, const void *, size_t))real("write");
	if (fd > 2 && hit("write", fd_path(fd)))
		return -1;
	return f(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*f)(int, const void *, size_t, off_t);

	if (!f)
		f = (ssize_t (*)(int, const void *, size_t, off_t))real("pwrite");
	if (fd > 2 && hit("pwrite", fd_path(fd)))
		return -1;
	return f(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*f)(int, const void *, size_t, off_t);

	if (!f)
		f = (ssize_t (*)(int, const void *, size_t, off_t))real("pwrite64");
	if (fd > 2 && hit("pwrite", fd_path(fd)))
		return -1;
	return f(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	static ssize_t (*f)(int, const struct iovec *, int);

	if (!f)
		f = (ssize_t (*)(int, const struct iovec *, int))real("writev");
	if (fd > 2 && hit("writev", fd_path(fd)))
		return -1;
	return f(fd, iov, n);
}

int rename(const char *from, const char *to)
{
	static int (*f)(const char *, const char *);

	if (!f)
		f = (int (*)(const char *, const char *))real("rename");
	if (hit("rename", to))
		return -1;
	return f(from, to);
}

int renameat(int fd1, const char *from, int fd2, const char *to)
{
	static int (*f)(int, const char *, int, const char *);

	if (!f)
		f = (int (*)(int, const char *, int, const char *))real("renameat");
	if (hit("renameat", to))
		return -1;
	return f(fd1, from, fd2, to);
}

int link(const char *from, const char *to)
{
	static int (*f)(const char *, const char *);

	if (!f)
		f = (int (*)(const char *, const char *))real("link");
	if (hit("link", to))
		return -1;
	return f(from, to);
}

int symlink(const char *from, const char *to)
{
	static int (*f)(const char *, const char *);

	if (!f)
		f = (int (*)(const char *, const char *))real("symlink");
	if (hit("symlink", to))
		return -1;
	return f(from, to);
}

int mkdir(const char *path, mode_t mode)
{
	static int (*f)(const char *, mode_t);

	if (!f)
		f = (int (*)(const char *, mode_t))real("mkdir");
	if (hit("mkdir", path))
		return -1;
	return f(path, mode);
}

int mkdirat(int dir, const char *path, mode_t mode)
{
	static int (*f)(int, const char *, mode_t);

	if (!f)
		f = (int (*)(int, const char *, mode_t))real("mkdirat");
	if (hit("mkdirat", path))
		return -1;
	return f(dir, path, mode);
}

int fsync(int fd)
{
	static int (*f)(int);

	if (!f)
		f = (int (*)(int))real("fsync");
	if (hit("fsync", fd_path(fd)))
		return -1;
	return f(fd);
}

int fdatasync(int fd)
{
	static int (*f)(int);

	if (!f)
		f = (int (*)(int))real("fdatasync");
	if (hit("fdatasync", fd_path(fd)))
		return -1;
	return f(fd);
}

int ftruncate(int fd, off_t len)
{
	static int (*f)(int, off_t);

	if (!f)
		f = (int (*)(int, off_t))real("ftruncate");
	if (hit("ftruncate", fd_path(fd)))
		return -1;
	return f(fd, len);
}
