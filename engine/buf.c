/*
 * buf.c - chancery_buf, a growable NUL-terminated string buffer with a hard
 * cap (256 MiB unless the caller sets a smaller `max`), so hostile input
 * cannot grow memory without bound.
 *
 * Invariants: ptr is NULL or NUL-terminated at size; a failed append
 * leaves the buffer as it was. Binary data is fine (size, not strlen).
 */
#include "base.h"

#include <string.h>

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
