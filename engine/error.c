/*
 * error.c - the thread-local last error: chancery__error sets it (one line:
 * a '\n' or '\r' in a message becomes a space), chancery_error_last reads
 * it, chancery_error_string names a code.
 *
 * Invariants: a message fits 1,024 bytes (longer ones are cut, never
 * overflow); each thread has its own, so no lock is needed. libgit2's
 * errors are translated in engine/giterr.c, which alone knows libgit2.
 */
#include "base.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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

const chancery_error *chancery_error_last(void)
{
	return err_set ? &err_last : NULL;
}

void chancery_error_clear(void)
{
	err_set = false;
	err_message[0] = '\0';
}

const char *chancery_error_string(int code)
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
