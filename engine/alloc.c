/*
 * alloc.c - the swappable allocator and the helpers over it: malloc,
 * calloc, realloc, free, strdup, a formatting strdup and array growth.
 *
 * Invariants: the library's own allocations go through chancery__malloc,
 * chancery__realloc and chancery_free, so a test allocator can fail any one
 * of them (what libgit2, libxml2, jansson and libzip allocate for
 * themselves does not). A size of 0 is asked as 1, so NULL always means
 * out of memory; sizes that would overflow are refused, never wrapped.
 */
#include "base.h"

#include <stdlib.h>
#include <string.h>

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
