/*
 * giterr.c - libgit2's last error as ours: its codes mapped onto the
 * CHANCERY_E* codes, its message kept after what we were doing.
 *
 * engine/ owns libgit2, so this is the one place where its error codes
 * become chancery's; the rest of the base (error.c) knows nothing of it.
 */
#include "internal.h"

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
