/*
 * testkit.c - see testkit.h.
 *
 * Every test process works in folders of its own: tk_tempdir makes a new
 * one under TMPDIR (or /tmp), and HOME is pointed, before main, at a new
 * empty folder removed at exit, so that nothing a test (or git, or
 * libgit2) writes lands in the source or build tree or in a path another
 * test shares, and no ~/.gitconfig of the machine is read.
 */
#define _XOPEN_SOURCE 700
#include "testkit.h"

#include <ftw.h>
#include <zip.h>
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
	size_t n = strlen(base) + 32;
	char *p = malloc(n);

	assert_non_null(p);
	snprintf(p, n, "%s/chancery-test-XXXXXX", base);
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

/* HOME of this test process (see the top); a forked child that execs or
 * calls _exit leaves it to its parent */
static char own_home[600];
static pid_t own_home_pid;

static void home_remove(void)
{
	if (own_home[0] && getpid() == own_home_pid)
		tk_rmrf(own_home);
}

__attribute__((constructor)) static void home_make(void)
{
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

	snprintf(own_home, sizeof(own_home), "%s/chancery-home-XXXXXX", base);
	if (!mkdtemp(own_home) || setenv("HOME", own_home, 1) < 0) {
		perror("testkit: a HOME of its own");
		_exit(1);
	}
	own_home_pid = getpid();
	atexit(home_remove);
}

void tk_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

void tk_damage(const char *dir, const char *hex)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/.git/objects/%.2s/%s", dir, hex,
		hex + 2);
	assert_int_equal(chmod(path, 0644), 0);
	tk_write(path, "this is not a zlib stream");
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
	assert_int_equal(chancery_event_foreach(repo, &o, count_cb, &n), 0);
	return n;
}

static int newest_cb(const chancery_event *ev, void *payload)
{
	snprintf(payload, 40, "%s", chancery_event_id(ev));
	return 1;
}

void tk_newest(char id[40], chancery_repository *repo, const char *type)
{
	chancery_log_options lo = CHANCERY_LOG_OPTIONS_INIT;

	lo.type = type;
	*id = '\0';
	assert_int_equal(chancery_event_foreach(repo, &lo, newest_cb, id), 1);
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

static const char odt_ns[] =
	"xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
	"xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
	"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
	"xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "
	"xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" "
	"xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	"xmlns:meta=\"urn:oasis:names:tc:opendocument:xmlns:meta:1.0\" "
	"xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" "
	"office:version=\"1.3\"";

static void add_entry(zip_t *z, const char *name, const char *data, bool store)
{
	size_t n = strlen(data);
	char *copy = malloc(n + 1);
	zip_source_t *src;
	zip_int64_t idx;

	memcpy(copy, data, n + 1);
	src = zip_source_buffer(z, copy, n, 1);
	assert_non_null(src);
	idx = zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8);
	assert_true(idx >= 0);
	if (store)
		zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
	zip_file_set_mtime(z, (zip_uint64_t)idx, TK_TIME, 0);
}

void tk_odt(void **out, size_t *size, const char *body, const char *header,
	const char *title)
{
	zip_error_t err;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	char *content, *styles, *meta;
	size_t n;

	zip_error_init(&err);
	src = zip_source_buffer_create(NULL, 0, 0, &err);
	assert_non_null(src);
	zip_source_keep(src);
	z = zip_open_from_source(src, ZIP_TRUNCATE, &err);
	assert_non_null(z);
	n = strlen(body) + 4096;
	content = malloc(n);
	snprintf(content, n, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<office:document-content %s><office:body><office:text>%s"
		"</office:text></office:body></office:document-content>",
		odt_ns, body);
	n = (header ? strlen(header) : 0) + 4096;
	styles = malloc(n);
	snprintf(styles, n, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<office:document-styles %s><office:master-styles>"
		"<style:master-page style:name=\"Standard\">"
		"<style:header>%s</style:header></style:master-page>"
		"</office:master-styles></office:document-styles>", odt_ns,
		header ? header : "<text:p>plain header</text:p>");
	n = (title ? strlen(title) : 0) + 4096;
	meta = malloc(n);
	snprintf(meta, n, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<office:document-meta %s><office:meta><dc:title>%s</dc:title>"
		"</office:meta></office:document-meta>", odt_ns,
		title ? title : "Untitled");
	add_entry(z, "mimetype", "application/vnd.oasis.opendocument.text", true);
	add_entry(z, "META-INF/manifest.xml",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">"
		"<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
		"<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>"
		"<manifest:file-entry manifest:full-path=\"styles.xml\" manifest:media-type=\"text/xml\"/>"
		"<manifest:file-entry manifest:full-path=\"meta.xml\" manifest:media-type=\"text/xml\"/>"
		"<manifest:file-entry manifest:full-path=\"Pictures/dot.png\" manifest:media-type=\"image/png\"/>"
		"</manifest:manifest>", false);
	add_entry(z, "content.xml", content, false);
	add_entry(z, "styles.xml", styles, false);
	add_entry(z, "meta.xml", meta, false);
	add_entry(z, "Pictures/dot.png", "\x89PNG pretend picture bytes", false);
	free(content);
	free(styles);
	free(meta);
	assert_int_equal(zip_close(z), 0);
	assert_int_equal(zip_source_stat(src, &st), 0);
	assert_int_equal(zip_source_open(src), 0);
	*out = malloc(st.size);
	assert_int_equal(zip_source_read(src, *out, st.size), (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	*size = st.size;
}

char *tk_odt_entry(const void *pkg, size_t size, const char *name)
{
	zip_error_t err;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	zip_file_t *f;
	char *buf;

	zip_error_init(&err);
	src = zip_source_buffer_create(pkg, size, 0, &err);
	z = zip_open_from_source(src, ZIP_RDONLY, &err);
	assert_non_null(z);
	if (zip_stat(z, name, 0, &st) < 0) {
		zip_discard(z);
		return NULL;
	}
	buf = malloc(st.size + 1);
	f = zip_fopen(z, name, 0);
	assert_int_equal(zip_fread(f, buf, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	buf[st.size] = '\0';
	zip_discard(z);
	return buf;
}

void *tk_render(size_t *size, const chancery_template *tmpl, const char *json)
{
	chancery_data *data = NULL;
	void *out = NULL, *copy;

	assert_int_equal(chancery_data_parse(&data, json, strlen(json)), 0);
	if (chancery_template_render_odt(&out, size, tmpl, data) < 0) {
		chancery_data_free(data);
		return NULL;
	}
	chancery_data_free(data);
	copy = malloc(*size);
	memcpy(copy, out, *size);
	chancery_free(out);
	return copy;
}

chancery_template *tk_odt_template(const char *body, int lenient)
{
	chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
	chancery_template *t = NULL;
	void *pkg;
	size_t size;

	o.lenient = lenient;
	o.name = "test.odt";
	tk_odt(&pkg, &size, body, NULL, NULL);
	if (chancery_template_load_odt(&t, pkg, size, &o) < 0)
		fail_msg("load: %s", chancery_error_last()->message);
	free(pkg);
	return t;
}

/* ---- an allocator that fails on demand -------------------------------- */

static long oom_allocs, oom_fail_at, oom_failed;

static void *oom_malloc(size_t n)
{
	if (++oom_allocs == oom_fail_at) {
		oom_failed++;
		return NULL;
	}
	return malloc(n);
}

static void *oom_realloc(void *p, size_t n)
{
	if (++oom_allocs == oom_fail_at) {
		oom_failed++;
		return NULL;
	}
	return realloc(p, n);
}

const chancery_allocator tk_oom = { oom_malloc, oom_realloc, free };

void tk_oom_arm(long n)
{
	oom_allocs = 0;
	oom_failed = 0;
	oom_fail_at = n;
}

long tk_oom_allocs(void)
{
	return oom_allocs;
}

long tk_oom_failed(void)
{
	return oom_failed;
}
