/*
 * util.c - the small pieces every other file leans on: the thread-local last
 * error, the swappable allocator, bounded buffers, UTF-8 and date checks,
 * SHA-256 (through OpenSSL's libcrypto) and whole-file reads.
 *
 * Invariants: every allocation of the library goes through
 * chancery__malloc/realloc/free, so a test allocator can fail any one of
 * them; every buffer has a cap, so hostile input cannot grow memory without
 * bound. Messages are one line: a '\n' in a message is replaced by a space.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

/* ---- errors ------------------------------------------------------------ */

static _Thread_local char err_message[1024];
static _Thread_local chancery_error err_last;
static _Thread_local bool err_set;

int chancery__error(int code, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(err_message, sizeof(err_message), fmt, ap);
	va_end(ap);
	for (p = err_message; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	err_last.code = code;
	err_last.message = err_message;
	err_set = true;
	return code;
}

int chancery__oom(void)
{
	return chancery__error(CHANCERY_ENOMEM, "out of memory");
}

int chancery__os_error(const char *what)
{
	int e = errno;

	if (e == ENOMEM)
		return chancery__oom();
	return chancery__error(CHANCERY_EOS, "%s: %s", what, strerror(e));
}

int chancery__git_error(int git_code, const char *what)
{
	const git_error *ge = git_error_last();
	const char *msg = ge && ge->message ? ge->message : "unknown error";
	int code;

	switch (git_code) {
	case GIT_ENOTFOUND: code = CHANCERY_ENOTFOUND; break;
	case GIT_EEXISTS: code = CHANCERY_EEXISTS; break;
	case GIT_ELOCKED: code = CHANCERY_ELOCKED; break;
	case GIT_EMODIFIED:
	case GIT_ECONFLICT:
	case GIT_EMERGECONFLICT:
	case GIT_ENONFASTFORWARD: code = CHANCERY_ECONFLICT; break;
	case GIT_EINVALID:
	case GIT_EINVALIDSPEC: code = CHANCERY_EINVALID; break;
	default:
		code = (ge && ge->klass == GIT_ERROR_NOMEMORY) ?
			CHANCERY_ENOMEM : CHANCERY_ERROR;
	}
	if (code == CHANCERY_ENOMEM)
		return chancery__oom();
	return chancery__error(code, "%s: %s", what, msg);
}

const chancery_error *chancery_error_last(void)
{
	return err_set ? &err_last : NULL;
}

void chancery_error_clear(void)
{
	err_set = false;
	err_message[0] = '\0';
}

const char *chancery_strerror(int code)
{
	switch (code) {
	case CHANCERY_OK: return "success";
	case CHANCERY_ENOTFOUND: return "not found";
	case CHANCERY_EEXISTS: return "already exists";
	case CHANCERY_EINVALID: return "invalid input";
	case CHANCERY_ECONFLICT: return "conflict";
	case CHANCERY_ELOCKED: return "locked by another process";
	case CHANCERY_ENOMEM: return "out of memory";
	case CHANCERY_EOS: return "system error";
	case CHANCERY_ENOTREPO: return "not a chancery repository";
	case CHANCERY_EDIRTY: return "working tree edited by hand";
	case CHANCERY_EUNCHANGED: return "nothing to do";
	default: return "error";
	}
}

/* ---- allocation --------------------------------------------------------- */

static chancery_allocator allocator = { malloc, realloc, free };

void chancery_allocator_set(const chancery_allocator *a)
{
	if (a) {
		allocator = *a;
	} else {
		allocator.malloc = malloc;
		allocator.realloc = realloc;
		allocator.free = free;
	}
}

void *chancery__malloc(size_t size)
{
	return allocator.malloc(size ? size : 1);
}

void *chancery__calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	p = chancery__malloc(n * size);
	if (p)
		memset(p, 0, (n * size) > 0 ? n * size : 1);
	return p;
}

void *chancery__realloc(void *ptr, size_t size)
{
	return allocator.realloc(ptr, size ? size : 1);
}

void chancery_free(void *ptr)
{
	if (ptr)
		allocator.free(ptr);
}

char *chancery__strndup(const char *s, size_t n)
{
	char *p = chancery__malloc(n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *chancery__strdup(const char *s)
{
	return chancery__strndup(s, strlen(s));
}

char *chancery__sprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = chancery__malloc((size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int chancery__grow(void **array, size_t *alloc, size_t need, size_t elem)
{
	size_t n = *alloc ? *alloc : 8;
	void *p;

	if (need <= *alloc)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2 / elem)
			return chancery__oom();
		n *= 2;
	}
	p = chancery__realloc(*array, n * elem);
	if (!p)
		return chancery__oom();
	*array = p;
	*alloc = n;
	return 0;
}

/* ---- buffers ------------------------------------------------------------ */

#define BUF_DEFAULT_MAX ((size_t)256 << 20)

int chancery_buf_put(chancery_buf *buf, const char *data, size_t len)
{
	size_t max = buf->max ? buf->max : BUF_DEFAULT_MAX;
	size_t need;

	if (len > max || buf->size > max - len)
		return chancery__error(CHANCERY_EINVALID,
			"text larger than %zu bytes", max);
	need = buf->size + len + 1;
	if (need > buf->alloc) {
		size_t n = buf->alloc ? buf->alloc : 64;
		char *p;

		while (n < need)
			n *= 2;
		p = chancery__realloc(buf->ptr, n);
		if (!p)
			return chancery__oom();
		buf->ptr = p;
		buf->alloc = n;
	}
	if (len)
		memcpy(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
	return 0;
}

int chancery_buf_puts(chancery_buf *buf, const char *s)
{
	return chancery_buf_put(buf, s, strlen(s));
}

int chancery_buf_putc(chancery_buf *buf, char c)
{
	return chancery_buf_put(buf, &c, 1);
}

int chancery_buf_printf(chancery_buf *buf, const char *fmt, ...)
{
	va_list ap;
	char small[256];
	int n;
	int error;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return chancery__error(CHANCERY_ERROR, "formatting failed");
	if ((size_t)n < sizeof(small))
		return chancery_buf_put(buf, small, (size_t)n);
	{
		char *big = chancery__malloc((size_t)n + 1);

		if (!big)
			return chancery__oom();
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		error = chancery_buf_put(buf, big, (size_t)n);
		chancery_free(big);
	}
	return error;
}

char *chancery_buf_detach(chancery_buf *buf)
{
	char *p = buf->ptr;

	if (!p)
		p = chancery__strdup("");
	buf->ptr = NULL;
	buf->size = buf->alloc = 0;
	return p;
}

void chancery_buf_dispose(chancery_buf *buf)
{
	chancery_free(buf->ptr);
	buf->ptr = NULL;
	buf->size = buf->alloc = 0;
}

/* ---- text ----------------------------------------------------------------- */

bool chancery__utf8_valid(const char *str, size_t len, bool allow_newline)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			if (c < 0x20 && !(allow_newline &&
					(c == '\n' || c == '\t' || c == '\r')))
				return false;
			if (c == 0x7f)
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n >= len - i)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

bool chancery__text_valid(const char *s, size_t len, bool multiline)
{
	if (!chancery__utf8_valid(s, len, multiline))
		return false;
	/* in valid UTF-8, C2 80..C2 9F is exactly U+0080..U+009F */
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)s[i] == 0xc2 &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return false;
	return true;
}

bool chancery__line_valid(const char *value)
{
	return chancery__text_valid(value, strlen(value), false);
}

int chancery__sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	static const char hex[] = "0123456789abcdef";

	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32)
		return chancery__error(CHANCERY_ERROR, "SHA-256 failed");
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

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

/* ---- dates ---------------------------------------------------------------- */

int chancery__days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
		30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

int chancery_date_parse(chancery_date *out, const char *s)
{
	int v[3] = { 0, 0, 0 };
	static const int width[3] = { 4, 2, 2 };
	const char *p = s;

	CHANCERY_ASSERT_ARG(out && s);
	for (int f = 0; f < 3; f++) {
		for (int i = 0; i < width[f]; i++, p++) {
			if (*p < '0' || *p > '9')
				goto bad;
			v[f] = v[f] * 10 + (*p - '0');
		}
		if (f < 2 && *p++ != '-')
			goto bad;
	}
	if (*p)
		goto bad;
	if (v[0] < 1800 || v[0] > 2999)
		return chancery__error(CHANCERY_EINVALID,
			"date '%s' out of range (years 1800 to 2999)", s);
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > chancery__days_in_month(v[0], v[1]))
		return chancery__error(CHANCERY_EINVALID,
			"impossible date '%s'", s);
	out->year = v[0];
	out->month = v[1];
	out->day = v[2];
	return 0;
bad:
	return chancery__error(CHANCERY_EINVALID,
		"malformed date '%.40s' (expected YYYY-MM-DD)", s);
}

bool chancery__date_valid(const char *s)
{
	chancery_date d;

	return chancery_date_parse(&d, s) == 0;
}

void chancery_date_format(char *buf, size_t size, const chancery_date *d)
{
	snprintf(buf, size, "%04d-%02d-%02d", d->year % 10000, d->month % 100,
		d->day % 100);
}

int chancery_date_cmp(const chancery_date *a, const chancery_date *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return 0;
}

void chancery_date_from_time(chancery_date *out, int64_t t)
{
	/* Civil-from-days (Howard Hinnant's public-domain algorithm, redone
	 * here): avoids gmtime and its static buffer. */
	int64_t z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	out->year = (int)(yoe + era * 400 + (m <= 2));
	out->month = (int)m;
	out->day = (int)d;
}

bool chancery__time_valid(int64_t t)
{
	return t >= CHANCERY__TIME_MIN && t <= CHANCERY__TIME_MAX;
}

int chancery__time_check(int64_t t, const char *what)
{
	char min[32], max[32];

	if (chancery__time_valid(t))
		return 0;
	chancery_time_format(min, sizeof(min), CHANCERY__TIME_MIN);
	chancery_time_format(max, sizeof(max), CHANCERY__TIME_MAX);
	return chancery__error(CHANCERY_EINVALID, "%s %lld is out of range "
		"(%s to %s, what a Git commit can hold)", what, (long long)t,
		min, max);
}

void chancery_time_format(char *buf, size_t size, int64_t t)
{
	chancery_date d;
	int64_t s = ((t % 86400) + 86400) % 86400;

	chancery_date_from_time(&d, t);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month,
		d.day, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
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
