/*
 * files.h - the files the tool itself reads and writes (files.c): whole
 * files read with a cap, files written whole, and the one recursive
 * remover. Everything else goes through the library.
 */
#ifndef CHANCERY_CLI_FILES_H
#define CHANCERY_CLI_FILES_H

#include <stddef.h>

/* Read a whole file ("-": standard input), at most CLI_MAX_FILE bytes,
 * NUL-terminated (the caller frees it); prints the error. */
#define CLI_MAX_FILE (512u << 20)
int cli_read_file(char **out, size_t *size, const char *path);

/* Write `size` bytes to `path` (created or truncated): 0, or -1 with
 * errno set; prints nothing. */
int cli_write_file(const char *path, const void *data, size_t size);

/* Remove `name` inside the folder parent_fd (AT_FDCWD: a path) and all it
 * holds. Links are removed, never followed: nothing outside the folder is
 * touched. Best effort: what cannot be removed stays. */
void cli_remove_at(int parent_fd, const char *name);
void cli_remove_tree(const char *path);

#endif
