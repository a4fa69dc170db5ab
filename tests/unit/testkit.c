/*
 * testkit.c - see testkit.h.
 */
#define _XOPEN_SOURCE 700
#include "testkit.h"

#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const chancery_signature tk_signature = { "Test Recorder",
	"test@example.org", TK_TIME, 0 };

char *tk_tempdir(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *p = malloc(strlen(base) + 32);

	assert_non_null(p);
	sprintf(p, "%s/chancery-test-XXXXXX", base);
	assert_non_null(mkdtemp(p));
	return p;
}

static int rm_entry(const char *path, const struct stat *st, int flag,
	struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tk_rmrf(const char *path)
{
	if (path)
		nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void tk_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

chancery_repository *tk_repo(const char *dir, bool empty)
{
	chancery_repository *repo = NULL;
	chancery_init_options opts = CHANCERY_INIT_OPTIONS_INIT;
	int error;

	opts.empty = empty;
	error = chancery_repository_init(&repo, dir, &opts, &tk_signature);
	if (error < 0)
		fail_msg("init %s: %s", dir, chancery_error_last()->message);
	return repo;
}

chancery_repository *tk_open(const char *dir)
{
	chancery_repository *repo = NULL;

	if (chancery_repository_open(&repo, dir) < 0)
		fail_msg("open %s: %s", dir, chancery_error_last()->message);
	assert_int_equal(chancery_repository_set_signature(repo,
		&tk_signature), 0);
	return repo;
}

int tk_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

char *tk_sh_out(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	FILE *p;
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, cap - n - 1, p);
		n += got;
	} while (got > 0);
	buf[n] = '\0';
	pclose(p);
	return buf;
}

static int count_cb(const chancery_event *ev, void *payload)
{
	(void)ev;
	(*(size_t *)payload)++;
	return 0;
}

size_t tk_count_events(chancery_repository *repo, const char *type)
{
	chancery_log_options o = CHANCERY_LOG_OPTIONS_INIT;
	size_t n = 0;

	o.type = type;
	assert_int_equal(chancery_history_foreach(repo, &o, count_cb, &n), 0);
	return n;
}

int tk_note(chancery_repository *repo, const char *state, const char *msg)
{
	chancery_event *ev = NULL;
	int error;

	if ((error = chancery_event_new(&ev, "note")) == 0 &&
	    (!state || (error = chancery_event_add(ev, "State", state)) == 0) &&
	    (error = chancery_event_set_message(ev, msg)) == 0)
		error = chancery_event_record(repo, ev);
	chancery_event_free(ev);
	return error;
}

bool tk_have_shared(void)
{
	struct stat st;

	if (stat(SHARED_DIR "/data", &st) == 0 && S_ISDIR(st.st_mode))
		return true;
	printf("NOTICE: %s not found; tests that read shared/ are skipped\n",
		SHARED_DIR);
	return false;
}

static int setup(void **state, bool empty)
{
	tk_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->dir = tk_tempdir();
	tk_rmrf(f->dir);
	f->repo = tk_repo(f->dir, empty);
	*state = f;
	return 0;
}

int tk_setup_sample(void **state)
{
	return setup(state, false);
}

int tk_setup_empty(void **state)
{
	return setup(state, true);
}

int tk_teardown(void **state)
{
	tk_fixture *f = *state;

	chancery_repository_free(f->repo);
	tk_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}
