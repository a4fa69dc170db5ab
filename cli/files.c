/*
 * files.c - the files the tool handles itself, outside any repository:
 * inputs read whole (templates, data, tables to import; "-" is standard
 * input) with a hard cap of CLI_MAX_FILE bytes, outputs written whole, and
 * the one recursive remover of the tool's own temporary folders.
 *
 * The remover never follows a link (O_NOFOLLOW, unlinkat on what is not
 * a folder) and stops MAX_TREE_DEPTH folders down, so a planted link or a
 * deep tree cannot lead it outside what it was given. It is best effort:
 * a leftover temporary folder is harmless, and the callers say nothing
 * about one. Left out: atomic replacement of an output (render writes
 * into a hidden folder and renames, which is its own business).
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_TREE_DEPTH 64

int cli_read_file(char **out, size_t *size, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	if (!f)
		return cli_error(EXIT_INVALID, "cannot read '%s': %s", path,
			strerror(errno));
	for (;;) {
		size_t got;

		if (cap - n < 65536) {
			char *p;

			cap = cap ? cap * 2 : 262144;
			if (cap > CLI_MAX_FILE + 65536u || !(p = realloc(buf, cap))) {
				free(buf);
				if (f != stdin)
					fclose(f);
				return cli_error(EXIT_INVALID,
					"'%s' is larger than %u bytes", path, CLI_MAX_FILE);
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (!got)
			break;
	}
	if (ferror(f)) {
		free(buf);
		if (f != stdin)
			fclose(f);
		return cli_error(EXIT_INVALID, "cannot read '%s'", path);
	}
	if (f != stdin)
		fclose(f);
	buf[n] = '\0';
	*out = buf;
	*size = n;
	return 0;
}

int cli_write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (fwrite(data, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	return fclose(f) == 0 ? 0 : -1;
}

static void remove_at(int parent_fd, const char *name, int depth)
{
	int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		O_CLOEXEC);
	DIR *d;
	struct dirent *e;

	if (fd < 0) {
		if (errno == ENOTDIR || errno == ELOOP)
			unlinkat(parent_fd, name, 0);
		return;
	}
	if (depth >= MAX_TREE_DEPTH || !(d = fdopendir(fd))) {
		close(fd);
		return;
	}
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			remove_at(dirfd(d), e->d_name, depth + 1);
	closedir(d);
	unlinkat(parent_fd, name, AT_REMOVEDIR);
}

void cli_remove_at(int parent_fd, const char *name)
{
	remove_at(parent_fd, name, 0);
}

void cli_remove_tree(const char *path)
{
	remove_at(AT_FDCWD, path, 0);
}
