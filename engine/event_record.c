/*
 * event_record.c - recording an event: in one commit, its record
 * events/YYYY/MM/DD/ID.txt (the header block, a blank line, the text) and
 * its attachments events/YYYY/MM/DD/ID/NAME (by month, events/YYYY/MM/ID,
 * when the parent is of format 1: event_layout.c), with a commit message of a
 * subject, the text and the trailer block that history is read back from
 * (event.c's header gives the formats). The id's digest covers the parent,
 * the header without its Id line, the text and the paths the commit
 * changes besides the record (chancery__event_digest, which the commit
 * check recomputes).
 *
 * Invariant: what a lost race's `extra` callback added is dropped before
 * the next attempt, so the fields always describe the published commit.
 * The commit itself is the store's (chancery__commit, store.c).
 */
#include "event_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- writing -------------------------------------------------------------------- */

/* Subject: given, or "TYPE STATE CAMPAIGN: first line of the text". */
static int make_subject(chancery_buf *b, const chancery_event *ev)
{
	static const char *keys[] = { "Campaign", "State", "Treaty" };
	size_t start = b->size, len;
	int error = 0;

	if (ev->subject)
		return chancery_buf_puts(b, ev->subject);
	error = chancery_buf_puts(b, ev->type);
	for (size_t k = 0; k < 3 && !error; k++) {
		const char *v = chancery_event_get(ev, keys[k]);

		if (v)
			error = chancery_buf_printf(b, " %s", v);
	}
	if (!error && ev->message && *ev->message) {
		const char *nl = strchr(ev->message, '\n');

		len = nl ? (size_t)(nl - ev->message) : strlen(ev->message);
		error = chancery_buf_puts(b, ": ");
		if (!error)
			error = chancery_buf_put(b, ev->message, len);
	}
	if (error)
		return error;
	/* keep subjects short, cut on a UTF-8 boundary */
	if (b->size - start > 72) {
		size_t cut = start + 69;

		while (cut > start && ((unsigned char)b->ptr[cut] & 0xc0) == 0x80)
			cut--;
		b->size = cut;
		b->ptr[cut] = '\0';
		error = chancery_buf_puts(b, "...");
	}
	return error;
}

static int put_header(chancery_buf *b, const chancery_event *ev,
	const char *prefix, const char *when, const char *who)
{
	int error = 0;

	error = chancery_buf_printf(b, "%sEvent: %s\n", prefix, ev->type);
	if (!error && ev->id[0])
		error = chancery_buf_printf(b, "%sId: %s\n", prefix, ev->id);
	if (!error && when)
		error = chancery_buf_printf(b, "%sRecorded: %s\n", prefix, when);
	if (!error && who)
		error = chancery_buf_printf(b, "%sRecorded-By: %s\n", prefix,
			who);
	for (size_t i = 0; i < ev->nfields && !error; i++)
		error = chancery_buf_printf(b, "%s%s: %s\n", prefix,
			ev->keys[i], ev->values[i]);
	for (size_t i = 0; i < ev->natt && !error; i++)
		error = chancery_buf_printf(b, "%sAttachment: %s sha256=%s size=%zu\n",
			prefix, ev->att[i].name, ev->att[i].sha, ev->att[i].size);
	return error;
}

typedef struct {
	chancery_event *ev;
	chancery_repository *repo;
	chancery__extra_cb extra;
	void *payload;
	int64_t time;
	char *who;
	size_t base_fields;  /* fields the caller set; extra adds the rest */
} record_ctx;

static int cmp_path(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int chancery__event_digest(char out[65], const char *parent,
	const char *header, size_t header_len, const char *message,
	const char **paths, size_t npaths)
{
	chancery_buf b = CHANCERY_BUF_INIT;
	int error;

	qsort(paths, npaths, sizeof(*paths), cmp_path);
	if ((error = chancery_buf_puts(&b, parent)) < 0 ||
	    (error = chancery_buf_put(&b, header, header_len)) < 0 ||
	    (error = chancery_buf_puts(&b, message)) < 0)
		goto done;
	for (size_t i = 0; i < npaths; i++)
		if ((error = chancery_buf_printf(&b, "\n%s", paths[i])) < 0)
			goto done;
	error = chancery__sha256_hex(out, b.ptr ? b.ptr : "", b.size);
done:
	chancery_buf_dispose(&b);
	return error;
}

/* The paths of `cs` that change `base` (borrowed), into a new array. */
static int effective_paths(const char ***out, size_t *n,
	chancery_repository *repo, const chancery_changeset *cs, git_tree *base)
{
	const char **list;

	*out = NULL;
	*n = 0;
	list = chancery__calloc(cs->count ? cs->count : 1, sizeof(*list));
	if (!list)
		return chancery__oom();
	for (size_t i = 0; i < cs->count; i++) {
		const chancery_change *c = &cs->items[i];
		git_tree_entry *e = NULL;
		bool present = base &&
			git_tree_entry_bypath(&e, base, c->path) == 0;
		bool changes = !present;

		git_error_clear();
		if (!c->data) {
			changes = present;
		} else if (present) {
			git_oid oid;

			if (git_odb_hash(&oid, c->data, c->size,
					GIT_OBJECT_BLOB) < 0) {
				git_tree_entry_free(e);
				chancery_free(list);
				return chancery__git_error(-1, "hash a file");
			}
			changes = !git_oid_equal(&oid, git_tree_entry_id(e));
		}
		git_tree_entry_free(e);
		if (changes)
			list[(*n)++] = c->path;
	}
	*out = list;
	return 0;
}

/* The format of `head`'s tree (the commit's first parent), else of
 * `base`, else the latest. */
static int parent_format(int *fmt, chancery_repository *repo,
	const git_oid *head, git_tree *base)
{
	git_commit *c = NULL;
	git_tree *t = NULL;
	int error;

	*fmt = CHANCERY__FORMAT_LATEST;
	if (!head)
		return base ? chancery__tree_format(fmt, repo, base) : 0;
	if ((error = git_commit_lookup(&c, repo->git, head)) < 0 ||
	    (error = git_commit_tree(&t, c)) < 0)
		error = chancery__git_error(error, "read the head");
	else
		error = chancery__tree_format(fmt, repo, t);
	git_tree_free(t);
	git_commit_free(c);
	return error;
}

static int record_build(chancery_changeset *cs, git_tree *base,
	const git_oid *head, void *payload)
{
	record_ctx *ctx = payload;
	chancery_event *ev = ctx->ev;
	chancery_buf rec = CHANCERY_BUF_INIT, msg = CHANCERY_BUF_INIT;
	char when[32], hex[65], dir[CHANCERY__EVENT_DIR_MAX], *path = NULL;
	const char **paths = NULL;
	size_t npaths = 0;
	chancery_date d;
	int64_t s;
	int error, fmt;

	/* each attempt starts from the caller's fields: what `extra` added
	 * on an attempt that lost a race is built again on the new head */
	while (ev->nfields > ctx->base_fields) {
		ev->nfields--;
		chancery_free(ev->keys[ev->nfields]);
		chancery_free(ev->values[ev->nfields]);
	}
	if (ctx->extra &&
	    (error = ctx->extra(cs, base, head, ev, ctx->payload)) < 0)
		return error;

	/* the id: time, then a digest of parent and content (the paths the
	 * commit really changes, sorted, so that verify can redo it) */
	ev->id[0] = '\0';
	chancery_time_format(when, sizeof(when), ctx->time);
	if ((error = put_header(&rec, ev, "", when, ctx->who)) < 0 ||
	    (error = effective_paths(&paths, &npaths, ctx->repo, cs, base)) < 0 ||
	    (error = chancery__event_digest(hex, head ? git_oid_tostr_s(head) :
			"root", rec.ptr, rec.size, ev->message ? ev->message : "",
			paths, npaths)) < 0)
		goto done;
	chancery_date_from_time(&d, ctx->time);
	s = chancery__time_of_day(ctx->time);
	snprintf(ev->id, sizeof(ev->id), "%04d%02d%02dT%02d%02d%02dZ-%.8s",
		d.year, d.month, d.day, (int)(s / 3600), (int)(s / 60 % 60),
		(int)(s % 60), hex);
	/* filed in the layout of the repository it is written to: its
	 * first parent's format, as the commit check reads it (a sync's
	 * base is the merged tree, which may hold the peer's newer format);
	 * a first commit creates the latest */
	if ((error = parent_format(&fmt, ctx->repo, head, base)) < 0 ||
	    (error = chancery__event_dir(dir, sizeof(dir), ev->id, fmt)) < 0)
		goto done;

	/* the record file and attachments */
	rec.size = 0;
	if ((error = put_header(&rec, ev, "", when, ctx->who)) < 0)
		goto done;
	if (ev->message && *ev->message &&
	    ((error = chancery_buf_printf(&rec, "\n%s\n", ev->message)) < 0))
		goto done;
	if (!(path = chancery__sprintf("%s.txt", dir))) {
		error = chancery__oom();
		goto done;
	}
	if ((error = chancery_changeset_add(cs, path, rec.ptr, rec.size)) < 0)
		goto done;
	for (size_t i = 0; i < ev->natt; i++) {
		chancery_free(path);
		if (!(path = chancery__sprintf("%s/%s", dir,
				ev->att[i].name))) {
			error = chancery__oom();
			goto done;
		}
		if ((error = chancery_changeset_add(cs, path, ev->att[i].data,
				ev->att[i].size)) < 0)
			goto done;
	}

	/* the commit message: subject, text, trailers */
	if ((error = make_subject(&msg, ev)) < 0 ||
	    (error = chancery_buf_puts(&msg, "\n\n")) < 0)
		goto done;
	if (ev->message && *ev->message) {
		const char *p = ev->message;

		while (*p && !error) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);

			if (len >= 3 && !strncmp(p, "---", 3))
				error = chancery_buf_putc(&msg, ' ');
			if (!error)
				error = chancery_buf_put(&msg, p, len);
			if (!error)
				error = chancery_buf_putc(&msg, '\n');
			p += len + (nl ? 1 : 0);
		}
		if (!error)
			error = chancery_buf_putc(&msg, '\n');
		if (error)
			goto done;
	}
	if ((error = put_header(&msg, ev, "Chancery-", NULL, NULL)) < 0)
		goto done;
	cs->message = chancery_buf_detach(&msg);
	if (!cs->message)
		error = chancery__oom();
done:
	chancery_free(path);
	chancery_free(paths);
	chancery_buf_dispose(&rec);
	chancery_buf_dispose(&msg);
	return error;
}

int chancery__event_commit(chancery_repository *repo, chancery_event *ev,
	chancery__extra_cb extra, void *payload,
	const chancery_commit_opts *opts)
{
	record_ctx ctx = { ev, repo, extra, payload, 0, NULL, ev->nfields };
	git_signature *sig = NULL;
	chancery_commit_opts o = { 0 };
	git_oid commit;
	int error;

	if (opts)
		o = *opts;
	o.append_only = true;
	if ((error = chancery__signature(&sig, repo)) < 0)
		return error;
	ctx.time = (int64_t)sig->when.time;
	ctx.who = chancery__sprintf("%s <%s>", sig->name, sig->email);
	if (!ctx.who) {
		error = chancery__oom();
		goto done;
	}
	if ((error = chancery__commit(&commit, repo, record_build, &ctx,
			&o)) < 0)
		goto done;
	git_oid_tostr(ev->commit, sizeof(ev->commit), &commit);
	ev->time = ctx.time;
	ev->offset = sig->when.offset;
	chancery_free(ev->author);
	ev->author = ctx.who;
	ctx.who = NULL;
done:
	chancery_free(ctx.who);
	git_signature_free(sig);
	if (error < 0)
		ev->id[0] = '\0';
	return error;
}

int chancery_event_record(chancery_repository *repo, chancery_event *ev)
{
	const char *date = chancery_event_get(ev, "Date");
	chancery_date d;
	int error;

	CHANCERY_ASSERT_ARG(repo && ev);
	if (ev->commit[0])
		return chancery__error(CHANCERY_EEXISTS,
			"event %s is recorded already", ev->id);
	/* a note (any event a program records) is not dated in the future */
	if (date && chancery_date_parse(&d, date) == 0 &&
	    (error = chancery__date_not_future(&d, chancery__now(repo),
			"--date")) < 0)
		return error;
	chancery_error_clear();
	return chancery__event_commit(repo, ev, NULL, NULL, NULL);
}

