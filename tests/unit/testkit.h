/*
 * testkit.h - helpers every unit test shares: temporary folders, a
 * repository with a pinned signature (so commit ids are reproducible),
 * running shell commands (git fsck, git clone) and counting events.
 */
#ifndef CHANCERY_TESTKIT_H
#define CHANCERY_TESTKIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "chancery.h"

#define TK_TIME 1079082000 /* 2004-03-12T09:00:00Z */

/* A fresh folder under $TMPDIR; the caller frees it (tk_rmrf first). */
char *tk_tempdir(void);
void tk_rmrf(const char *path);
/* Write a file (text). */
void tk_write(const char *path, const char *text);
/* Overwrite the loose object `hex` of the repository in `dir` (its .git)
 * with bytes that do not inflate. */
void tk_damage(const char *dir, const char *hex);

/* The pinned recorder: "Test Recorder <test@example.org>" at TK_TIME. */
extern const chancery_signature tk_signature;

/* init a repository in dir (sample registry unless empty); asserts. */
chancery_repository *tk_repo(const char *dir, bool empty);
/* open it again, with the pinned signature. */
chancery_repository *tk_open(const char *dir);

/* Run a shell command (printf-style); returns its exit status. */
int tk_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Run and capture stdout (caller frees). */
char *tk_sh_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Events on the branch, of `type` (NULL: all). */
size_t tk_count_events(chancery_repository *repo, const char *type);

/* Record a note with a message; returns the library's result. */
int tk_note(chancery_repository *repo, const char *state, const char *msg);

/* The id of the newest event (of `type`, NULL: any) into `id`; asserts
 * there is one. */
void tk_newest(char id[40], chancery_repository *repo, const char *type);

/* A repository in a fresh folder, for cmocka setup/teardown. */
typedef struct {
	char *dir;
	chancery_repository *repo;
} tk_fixture;
int tk_setup_sample(void **state); /* the Focus 2004 registry */
int tk_setup_empty(void **state);  /* an empty registry */
int tk_teardown(void **state);

/* An ODT package in memory: `body` goes inside office:text, `header`
 * (or NULL) inside the master page's style:header, `title` (or NULL) is
 * meta.xml's dc:title. The caller frees *out with free(). */
void tk_odt(void **out, size_t *size, const char *body, const char *header,
	const char *title);
/* The content.xml (or other entry) of a package, NUL-terminated; free(). */
char *tk_odt_entry(const void *pkg, size_t size, const char *name);
/* Render `tmpl` with JSON `json`; returns the package (free()) or NULL
 * with the library's error. */
void *tk_render(size_t *size, const chancery_template *tmpl,
	const char *json);
/* Compile a package made by tk_odt(); asserts success. */
chancery_template *tk_odt_template(const char *body, int lenient);

/* SQLite's way of testing out of memory: tk_oom fails the library's
 * allocation number N after tk_oom_arm(N) (0: none fails), counting every
 * allocation since; tk_oom_failed() says how many it failed. */
extern const chancery_allocator tk_oom;
void tk_oom_arm(long n);
long tk_oom_allocs(void);
long tk_oom_failed(void);

/* Whether ../shared exists (tests that need it skip otherwise). */
bool tk_have_shared(void);

#endif
