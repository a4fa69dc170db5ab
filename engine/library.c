/*
 * library.c - the library's life cycle: the version that is running,
 * chancery_init() and chancery_shutdown(), and the start of libgit2 under
 * them.
 *
 * Invariants: one mutex guards the reference count and whether libgit2 is
 * started, so init, shutdown and the first use of a repository may come
 * from any threads at once. libgit2 is started on the first use of a
 * repository (chancery__git_init), not by chancery_init(): its start-up (TLS
 * libraries, settings) costs a few milliseconds that rendering a letter
 * should not pay. It is shut down when the count drops to zero, and started
 * again by the next use.
 *
 * libgit2's object cache is capped at CHANCERY__GIT_CACHE_BYTES when it is
 * chancery that starts libgit2 (a host that started it first keeps its own
 * settings). libgit2's default, 256 MiB, counts the objects' raw bytes;
 * the parsed folders it keeps take about three times that, so a walk over
 * every commit (verify --full) grew to 721 MB at 10^5 events. 64 MiB
 * holds it to 259 MB there for 18% more time (16 MiB: 135 MB, 57% more;
 * docs/performance.md); the other questions read too few objects to
 * notice.
 *
 * Left out on purpose: shutdown does not reset the allocator (a setting of
 * the caller's, not something init set up) nor the thread's last error.
 */
#include "internal.h"

#include <limits.h>
#include <pthread.h>

/* libgit2's object cache, in bytes of raw objects */
#define CHANCERY__GIT_CACHE_BYTES (64 * 1024 * 1024)

static pthread_mutex_t life_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_count;
static bool git_started;

const char *chancery_version(int *major, int *minor, int *patch)
{
	if (major)
		*major = CHANCERY_VERSION_MAJOR;
	if (minor)
		*minor = CHANCERY_VERSION_MINOR;
	if (patch)
		*patch = CHANCERY_VERSION_PATCH;
	return CHANCERY_VERSION;
}

int chancery__git_init(void)
{
	int error = 0;

	pthread_mutex_lock(&life_lock);
	if (!git_started) {
		int n = git_libgit2_init();

		if (n > 0)
			git_started = true;
		/* the first to start it: its settings are ours to choose */
		if (n == 1)
			git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE,
				(ssize_t)CHANCERY__GIT_CACHE_BYTES);
		if (n <= 0)
			error = chancery__error(CHANCERY_ERROR,
				"libgit2 could not be initialized");
	}
	pthread_mutex_unlock(&life_lock);
	return error;
}

int chancery_init(void)
{
	int count;

	pthread_mutex_lock(&life_lock);
	count = init_count < INT_MAX ? ++init_count : -1;
	pthread_mutex_unlock(&life_lock);
	if (count < 0)
		return chancery__error(CHANCERY_ERROR,
			"chancery_init: too many references");
	return count;
}

int chancery_shutdown(void)
{
	int count;

	pthread_mutex_lock(&life_lock);
	if (init_count > 0 && --init_count == 0 && git_started) {
		git_libgit2_shutdown();
		git_started = false;
	}
	count = init_count;
	pthread_mutex_unlock(&life_lock);
	return count;
}
