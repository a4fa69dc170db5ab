/*
 * event.c - events: building them, writing their record file and commit
 * message, and reading them back from history.
 *
 * An event is a type ("note"), ordered fields (key/value, keys may repeat),
 * a free text and attachments. Recording it writes, in one commit:
 *   events/YYYY/MM/ID.txt        the record (format below)
 *   events/YYYY/MM/ID/NAME       each attachment
 * where ID = YYYYMMDDTHHMMSSZ-xxxxxxxx: the recording time (UTC) and the
 * first 8 hex digits of a SHA-256 over the parent commit and the record, so
 * the same event recorded with a pinned clock gives the same commit, and two
 * events can only share an id if they share time, parent and content.
 *
 * The record is a header block of "Key: value" lines (Event, Id, Recorded,
 * Recorded-By, then the fields, then one Attachment line per file:
 * "NAME sha256=HEX size=N"), a blank line and the text. The commit message
 * is a subject, the text, and a trailer block of "Chancery-Key: value" lines
 * carrying the same header, which is what history is read back from
 * (git_message_trailers, the same grammar as git interpret-trailers).
 *
 * An operation's `extra` callback may add fields on every attempt: the
 * fields it added on an attempt that lost a race are dropped before the
 * next, so they always describe the commit that is published.
 *
 * Invariants: keys are [A-Z][A-Za-z0-9-]*, values single printable lines of
 * at most CHANCERY_FIELD_MAX bytes, so a trailer can never be forged from a
 * value. A text line starting with "---" is indented by one space in the
 * commit message (git would read it as a patch divider); the record keeps
 * the text exactly.
 */
#include "internal.h"

#include <string.h>

#define ID_LEN 25

typedef struct {
	char *name;
	char *data;
	size_t size;
	char sha[65];
} attachment;

struct chancery_event {
	char *type;
	char **keys;
	char **values;
	size_t nfields;
	size_t afields;
	char *message;
	char *subject;
	attachment *att;
	size_t natt;
	size_t aatt;
	/* known once recorded or read */
	char id[ID_LEN + 8];
	char commit[41];
	char *author;
	int64_t time;
	int offset;
	char **paths;
	size_t npaths;
	size_t apaths;
};

static const char *reserved[] = { "Event", "Id", "Recorded", "Recorded-By",
	"Attachment" };

static bool word_valid(const char *s, bool upper_first)
{
	if (!*s || strlen(s) > 64)
		return false;
	if (upper_first ? !(*s >= 'A' && *s <= 'Z') :
			!(*s >= 'a' && *s <= 'z'))
		return false;
	for (const char *p = s; *p; p++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			*p == '-' || (upper_first && *p >= 'A' && *p <= 'Z');

		if (!ok)
			return false;
	}
	return true;
}

int chancery_event_new(chancery_event **out, const char *type)
{
	chancery_event *ev;

	CHANCERY_ASSERT_ARG(out && type);
	*out = NULL;
	if (!word_valid(type, false))
		return chancery__error(CHANCERY_EINVALID,
			"event type '%.40s' is not a lowercase word", type);
	ev = chancery__calloc(1, sizeof(*ev));
	if (!ev || !(ev->type = chancery__strdup(type))) {
		chancery_free(ev);
		return chancery__oom();
	}
	*out = ev;
	return 0;
}

void chancery_event_free(chancery_event *ev)
{
	if (!ev)
		return;
	for (size_t i = 0; i < ev->nfields; i++) {
		chancery_free(ev->keys[i]);
		chancery_free(ev->values[i]);
	}
	for (size_t i = 0; i < ev->natt; i++) {
		chancery_free(ev->att[i].name);
		chancery_free(ev->att[i].data);
	}
	for (size_t i = 0; i < ev->npaths; i++)
		chancery_free(ev->paths[i]);
	chancery_free(ev->paths);
	chancery_free(ev->att);
	chancery_free(ev->keys);
	chancery_free(ev->values);
	chancery_free(ev->type);
	chancery_free(ev->message);
	chancery_free(ev->subject);
	chancery_free(ev->author);
	chancery_free(ev);
}

static int field_push(chancery_event *ev, const char *key, const char *value)
{
	size_t a = ev->afields;
	char *k, *v;

	if (chancery__grow((void **)&ev->keys, &a, ev->nfields + 1,
			sizeof(char *)) < 0)
		return CHANCERY_ENOMEM;
	a = ev->afields;
	if (chancery__grow((void **)&ev->values, &a, ev->nfields + 1,
			sizeof(char *)) < 0)
		return CHANCERY_ENOMEM;
	ev->afields = a;
	k = chancery__strdup(key);
	v = chancery__strdup(value);
	if (!k || !v) {
		chancery_free(k);
		chancery_free(v);
		return chancery__oom();
	}
	ev->keys[ev->nfields] = k;
	ev->values[ev->nfields] = v;
	ev->nfields++;
	return 0;
}

/*
 * The one rule for a field, when it is added and when it is read back from
 * a commit's trailers (`from_history`: there "Attachment" is how the record
 * lists its files; every other reserved name is refused in both).
 */
static int field_check(const char *key, const char *value, bool from_history)
{
	if (!word_valid(key, true))
		return chancery__error(CHANCERY_EINVALID,
			"field name '%.40s' is not a word starting with a capital",
			key);
	for (size_t i = 0; i < sizeof(reserved) / sizeof(*reserved); i++)
		if (!strcmp(key, reserved[i]) &&
		    !(from_history && !strcmp(key, "Attachment")))
			return chancery__error(CHANCERY_EINVALID,
				"field name '%s' is reserved", key);
	if (strlen(value) > CHANCERY_FIELD_MAX)
		return chancery__error(CHANCERY_EINVALID,
			"%s: value longer than %d bytes", key,
			CHANCERY_FIELD_MAX);
	if (!*value || !chancery__line_valid(value) || value[0] == ' ' ||
	    value[strlen(value) - 1] == ' ')
		return chancery__error(CHANCERY_EINVALID,
			"%s: the value must be one line of text, not empty, "
			"without control characters or outer spaces", key);
	return 0;
}

int chancery_event_add(chancery_event *ev, const char *key, const char *value)
{
	int error;

	CHANCERY_ASSERT_ARG(ev && key && value);
	if ((error = field_check(key, value, false)) < 0)
		return error;
	return field_push(ev, key, value);
}

/* The rule for a text; `indented` lines of it are one byte longer in a
 * commit message than in the record (a "---" line, see the header). */
static int message_check(const char *text, size_t len, size_t indented)
{
	if (len - indented > CHANCERY_MESSAGE_MAX)
		return chancery__error(CHANCERY_EINVALID,
			"message longer than %d bytes", CHANCERY_MESSAGE_MAX);
	if (!chancery__text_valid(text, len, true))
		return chancery__error(CHANCERY_EINVALID,
			"message is not UTF-8 text (or holds control characters)");
	return 0;
}

/* The rule for a subject. */
static int subject_check(const char *subject)
{
	if (!*subject || !chancery__line_valid(subject) ||
	    strlen(subject) > 200)
		return chancery__error(CHANCERY_EINVALID,
			"subject must be one line of at most 200 bytes");
	return 0;
}

int chancery_event_set_message(chancery_event *ev, const char *text)
{
	char *copy;
	size_t len;
	int error;

	CHANCERY_ASSERT_ARG(ev && text);
	len = strlen(text);
	if ((error = message_check(text, len, 0)) < 0)
		return error;
	copy = chancery__strdup(text);
	if (!copy)
		return chancery__oom();
	/* one trailing newline at most, no CR */
	while (len && (copy[len - 1] == '\n' || copy[len - 1] == '\r' ||
			copy[len - 1] == ' '))
		copy[--len] = '\0';
	chancery_free(ev->message);
	ev->message = copy;
	return 0;
}

int chancery_event_set_subject(chancery_event *ev, const char *subject)
{
	char *copy;
	int error;

	CHANCERY_ASSERT_ARG(ev && subject);
	if ((error = subject_check(subject)) < 0)
		return error;
	if (!(copy = chancery__strdup(subject)))
		return chancery__oom();
	chancery_free(ev->subject);
	ev->subject = copy;
	return 0;
}

int chancery_event_attach(chancery_event *ev, const char *name,
	const void *data, size_t size)
{
	attachment *a;
	int error;

	CHANCERY_ASSERT_ARG(ev && name && (data || !size));
	if (!*name || name[0] == '.' || strchr(name, '/') ||
	    strchr(name, '\\') || strlen(name) > 200 ||
	    !chancery__line_valid(name) || strchr(name, ' ') ||
	    !chancery__path_component_valid(name, strlen(name)))
		return chancery__error(CHANCERY_EINVALID,
			"attachment name '%.60s' must be a plain file name "
			"(no '/', '\\' or ':', no leading '.', no spaces)", name);
	if (size > CHANCERY_ATTACHMENT_MAX)
		return chancery__error(CHANCERY_EINVALID,
			"attachment '%s' larger than %d bytes", name,
			CHANCERY_ATTACHMENT_MAX);
	for (size_t i = 0; i < ev->natt; i++)
		if (!strcmp(ev->att[i].name, name))
			return chancery__error(CHANCERY_EEXISTS,
				"attachment '%s' given twice", name);
	if (chancery__grow((void **)&ev->att, &ev->aatt, ev->natt + 1,
			sizeof(*ev->att)) < 0)
		return CHANCERY_ENOMEM;
	a = &ev->att[ev->natt];
	memset(a, 0, sizeof(*a));
	a->name = chancery__strdup(name);
	a->data = chancery__malloc(size ? size : 1);
	if (!a->name || !a->data) {
		chancery_free(a->name);
		chancery_free(a->data);
		return chancery__oom();
	}
	if (size)
		memcpy(a->data, data, size);
	a->size = size;
	if ((error = chancery__sha256_hex(a->sha, data ? data : "", size)) < 0) {
		chancery_free(a->name);
		chancery_free(a->data);
		return error;
	}
	ev->natt++;
	return 0;
}

int chancery_event_attach_file(chancery_event *ev, const char *path)
{
	const char *base;
	char *data = NULL;
	size_t size = 0;
	int error;

	CHANCERY_ASSERT_ARG(ev && path);
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	/* the one reader of files given to archive (deposit's too): regular
	 * files only, read to the end, at most CHANCERY_ATTACHMENT_MAX */
	if ((error = chancery__read_file(&data, &size, path,
			CHANCERY_ATTACHMENT_MAX)) < 0)
		return error;
	error = chancery_event_attach(ev, base, data, size);
	chancery_free(data);
	return error;
}

/* ---- accessors --------------------------------------------------------------- */

const char *chancery_event_type(const chancery_event *ev) { return ev->type; }
const char *chancery_event_id(const chancery_event *ev)
{
	return ev->id[0] ? ev->id : NULL;
}
const char *chancery_event_commit(const chancery_event *ev)
{
	return ev->commit[0] ? ev->commit : NULL;
}
const char *chancery_event_subject(const chancery_event *ev)
{
	return ev->subject ? ev->subject : "";
}
const char *chancery_event_message(const chancery_event *ev)
{
	return ev->message ? ev->message : "";
}
const char *chancery_event_author(const chancery_event *ev)
{
	return ev->author ? ev->author : "";
}
int64_t chancery_event_time(const chancery_event *ev) { return ev->time; }
int chancery_event_time_offset(const chancery_event *ev) { return ev->offset; }
size_t chancery_event_field_count(const chancery_event *ev)
{
	return ev->nfields;
}
size_t chancery_event_path_count(const chancery_event *ev)
{
	return ev->npaths;
}
const char *chancery_event_path(const chancery_event *ev, size_t i)
{
	return i < ev->npaths ? ev->paths[i] : NULL;
}

const char *chancery_event_get(const chancery_event *ev, const char *key)
{
	for (size_t i = 0; i < ev->nfields; i++)
		if (!strcmp(ev->keys[i], key))
			return ev->values[i];
	return NULL;
}

int chancery_event_field(const char **key, const char **value,
	const chancery_event *ev, size_t i)
{
	if (i >= ev->nfields)
		return chancery__error(CHANCERY_ENOTFOUND, "no field %zu", i);
	*key = ev->keys[i];
	*value = ev->values[i];
	return 0;
}

int chancery_event_date(chancery_date *out, const chancery_event *ev)
{
	const char *d = chancery_event_get(ev, "Date");

	if (d && chancery_date_parse(out, d) == 0)
		return 0;
	chancery_error_clear();
	chancery_date_from_time(out, ev->time);
	return 0;
}

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
	int error;

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
	if ((error = chancery__event_dir(dir, sizeof(dir), ev->id)) < 0)
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
	CHANCERY_ASSERT_ARG(repo && ev);
	if (ev->commit[0])
		return chancery__error(CHANCERY_EEXISTS,
			"event %s is recorded already", ev->id);
	return chancery__event_commit(repo, ev, NULL, NULL, NULL);
}

/* ---- reading -------------------------------------------------------------------- */

/*
 * Turn a commit into an event, or return CHANCERY_ENOTFOUND when the commit
 * carries no Chancery-Event trailer (a commit made with plain git), or
 * CHANCERY_EINVALID naming the commit when it holds what recording would
 * have refused (a peer's forgery: a control character, invalid UTF-8, an
 * over-long value, a time out of range).
 */
int chancery__event_from_commit(chancery_event **out, git_commit *commit)
{
	const git_signature *author = git_commit_author(commit);
	char id[GIT_OID_HEXSZ + 1];
	int error;

	git_oid_tostr(id, sizeof(id), git_commit_id(commit));
	error = chancery__event_from_message(out, git_commit_message(commit),
		author->name, author->email, (int64_t)author->when.time,
		author->when.offset);
	if (!error)
		memcpy((*out)->commit, id, sizeof((*out)->commit));
	else if (error == CHANCERY_EINVALID) {
		char why[512];

		snprintf(why, sizeof(why), "%s", chancery_error_last() ?
			chancery_error_last()->message : "?");
		error = chancery__error(CHANCERY_EINVALID, "commit %.12s records "
			"an event chancery would refuse: %s", id, why);
	}
	return error;
}

/* An id as recording makes it: YYYYMMDDTHHMMSSZ-xxxxxxxx. */
static bool id_valid(const char *s)
{
	if (strlen(s) != ID_LEN)
		return false;
	for (size_t i = 0; i < ID_LEN; i++) {
		char c = s[i];
		bool digit = c >= '0' && c <= '9';
		bool ok = i == 8 ? c == 'T' : i == 15 ? c == 'Z' :
			i == 16 ? c == '-' : i < 16 ? digit :
			digit || (c >= 'a' && c <= 'f');

		if (!ok)
			return false;
	}
	return true;
}

/*
 * What recording would have refused is refused when read back: the same
 * checks as chancery_event_new, _add, _set_message and the signature, so
 * nothing from history reaches a caller (or a terminal) that input could
 * not have put there. The subject is chancery's own (type, fields and the
 * text's first line): one line of UTF-8 text of at most 200 bytes.
 */
static int event_check(const chancery_event *ev, const char *name,
	const char *email, int64_t time, size_t indented)
{
	const char *subject = ev->subject;
	int error;

	if (!word_valid(ev->type, false))
		return chancery__error(CHANCERY_EINVALID,
			"event type '%.40s' is not a lowercase word", ev->type);
	if (ev->id[0] && !id_valid(ev->id))
		return chancery__error(CHANCERY_EINVALID,
			"Id: '%.40s' is not an event id", ev->id);
	for (size_t i = 0; i < ev->nfields; i++)
		if ((error = field_check(ev->keys[i], ev->values[i], true)) < 0)
			return error;
	if (strlen(subject) > 200 ||
	    !chancery__text_valid(subject, strlen(subject), true))
		return subject_check("");
	if ((error = message_check(ev->message, strlen(ev->message),
			indented)) < 0)
		return error;
	if (!chancery__line_valid(name) || !chancery__line_valid(email))
		return chancery__error(CHANCERY_EINVALID,
			"its author is not one line of text");
	return chancery__time_check(time, "its recording time");
}

/* Lines of the body that recording indented (" ---"), up to `end`. */
static size_t indented_lines(const char *body, const char *end)
{
	size_t n = 0;

	for (const char *p = body; p && p < end; ) {
		if (!strncmp(p, " ---", 4))
			n++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

int chancery__event_from_message(chancery_event **out, const char *msg,
	const char *name, const char *email, int64_t time, int offset)
{
	git_message_trailer_array tr = { 0 };
	chancery_event *ev = NULL;
	const char *type = NULL;
	const char *body, *end;
	size_t ntypes = 0, nids = 0;
	int error;

	*out = NULL;
	if (git_message_trailers(&tr, msg) < 0) {
		git_error_clear();
		return CHANCERY_ENOTFOUND;
	}
	for (size_t i = 0; i < tr.count; i++)
		if (!strcmp(tr.trailers[i].key, "Chancery-Event")) {
			type = tr.trailers[i].value;
			ntypes++;
		}
	if (!type) {
		git_message_trailer_array_free(&tr);
		return CHANCERY_ENOTFOUND;
	}
	ev = chancery__calloc(1, sizeof(*ev));
	if (!ev || !(ev->type = chancery__strdup(type))) {
		error = chancery__oom();
		goto done;
	}
	for (size_t i = 0; i < tr.count; i++) {
		const char *k = tr.trailers[i].key;

		if (strncmp(k, "Chancery-", 9) || !strcmp(k, "Chancery-Event"))
			continue;
		if (!strcmp(k, "Chancery-Id")) {
			snprintf(ev->id, sizeof(ev->id), "%s",
				tr.trailers[i].value);
			nids++;
			continue;
		}
		if ((error = field_push(ev, k + 9, tr.trailers[i].value)) < 0)
			goto done;
	}
	if (ntypes > 1 || nids > 1) {
		error = chancery__error(CHANCERY_EINVALID, "%s given more than "
			"once", ntypes > 1 ? "Event" : "Id");
		goto done;
	}
	/* subject: first line; text: up to the trailer block */
	end = strstr(msg, "\n");
	ev->subject = chancery__strndup(msg, end ? (size_t)(end - msg) :
		strlen(msg));
	body = end ? end + 1 : msg + strlen(msg);
	while (*body == '\n')
		body++;
	end = strstr(body, "Chancery-Event: ");
	while (end && end > body && end[-1] != '\n')
		end = strstr(end + 1, "Chancery-Event: ");
	if (!end)
		end = body + strlen(body);
	while (end > body && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	ev->message = chancery__strndup(body, (size_t)(end - body));
	ev->author = chancery__sprintf("%s <%s>", name, email);
	if (!ev->subject || !ev->message || !ev->author) {
		error = chancery__oom();
		goto done;
	}
	ev->time = time;
	ev->offset = offset;
	if ((error = event_check(ev, name, email, time,
			indented_lines(body, end))) < 0)
		goto done;
	*out = ev;
	ev = NULL;
	error = 0;
done:
	git_message_trailer_array_free(&tr);
	chancery_event_free(ev);
	return error;
}

static bool event_matches(const chancery_event *ev,
	const chancery_log_options *o)
{
	struct { const char *key; const char *want; } f[] = {
		{ "State", o->state }, { "Treaty", o->treaty },
		{ "Campaign", o->campaign } };
	chancery_date d;

	for (size_t k = 0; k < 3; k++) {
		bool hit = false;

		if (!f[k].want)
			continue;
		for (size_t i = 0; i < ev->nfields; i++)
			if (!strcmp(ev->keys[i], f[k].key) &&
			    !strcmp(ev->values[i], f[k].want))
				hit = true;
		if (!hit)
			return false;
	}
	if (o->type && strcmp(o->type, ev->type))
		return false;
	chancery_event_date(&d, ev);
	if (o->since && chancery_date_cmp(&d, o->since) < 0)
		return false;
	if (o->until && chancery_date_cmp(&d, o->until) > 0)
		return false;
	return true;
}

int chancery_history_foreach(chancery_repository *repo,
	const chancery_log_options *opts, chancery_event_cb cb, void *payload)
{
	chancery_log_options none = CHANCERY_LOG_OPTIONS_INIT;
	git_revwalk *walk = NULL;
	git_oid oid;
	int error;

	CHANCERY_ASSERT_ARG(repo && cb);
	CHANCERY_CHECK_VERSION(opts, CHANCERY_LOG_OPTIONS_VERSION);
	if (!opts)
		opts = &none;
	if ((error = git_revwalk_new(&walk, repo->git)) < 0 ||
	    (error = git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL |
			GIT_SORT_TIME |
			(opts->oldest_first ? GIT_SORT_REVERSE : 0))) < 0 ||
	    (error = opts->at ? 0 : git_revwalk_push_ref(walk, repo->branch)) < 0) {
		error = chancery__git_error(error, "walk the history");
		goto done;
	}
	if (opts->at) {
		git_object *o = NULL;

		error = git_revparse_single(&o, repo->git, opts->at);
		if (error == 0 && git_object_type(o) != GIT_OBJECT_COMMIT)
			error = GIT_ENOTFOUND;
		if (error == 0)
			error = git_revwalk_push(walk, git_object_id(o));
		git_object_free(o);
		if (error < 0) {
			git_error_clear();
			error = chancery__error(CHANCERY_ENOTFOUND,
				"no commit '%.60s'", opts->at);
			goto done;
		}
	}
	while ((error = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL;
		chancery_event *ev = NULL;

		if ((error = git_commit_lookup(&c, repo->git, &oid)) < 0) {
			error = chancery__git_error(error, "read a commit");
			goto done;
		}
		error = chancery__event_from_commit(&ev, c);
		git_commit_free(c);
		/* a plain-git commit, or one recording would have refused
		 * (verify names it): no event of the history */
		if (error == CHANCERY_ENOTFOUND || error == CHANCERY_EINVALID) {
			chancery_error_clear();
			continue;
		}
		if (error < 0)
			goto done;
		if (event_matches(ev, opts))
			error = cb(ev, payload);
		chancery_event_free(ev);
		if (error)
			goto done;
	}
	if (error == GIT_ITEROVER)
		error = 0;
	else if (error < 0)
		error = chancery__git_error(error, "walk the history");
done:
	git_revwalk_free(walk);
	return error;
}

/* Fill the paths the event's commit added or changed. */
static int event_paths(chancery_event *ev, chancery_repository *repo,
	git_commit *commit)
{
	git_commit *parent = NULL;
	git_tree *a = NULL, *b = NULL;
	git_diff *diff = NULL;
	int error;

	if (git_commit_parentcount(commit) > 0 &&
	    (error = git_commit_parent(&parent, commit, 0)) < 0)
		goto git_fail;
	if ((parent && (error = git_commit_tree(&a, parent)) < 0) ||
	    (error = git_commit_tree(&b, commit)) < 0 ||
	    (error = git_diff_tree_to_tree(&diff, repo->git, a, b, NULL)) < 0)
		goto git_fail;
	for (size_t i = 0; i < git_diff_num_deltas(diff); i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);

		if (chancery__grow((void **)&ev->paths, &ev->apaths,
				ev->npaths + 1, sizeof(char *)) < 0) {
			error = CHANCERY_ENOMEM;
			goto done;
		}
		if (!(ev->paths[ev->npaths] = chancery__strdup(d->new_file.path))) {
			error = chancery__oom();
			goto done;
		}
		ev->npaths++;
	}
	error = 0;
	goto done;
git_fail:
	error = chancery__git_error(error, "read the event's changes");
done:
	git_diff_free(diff);
	git_tree_free(a);
	git_tree_free(b);
	git_commit_free(parent);
	return error;
}

typedef struct {
	const char *want;
	chancery_event *found;
	size_t matches;
	int error;
} lookup_ctx;

static int lookup_cb(const chancery_event *ev, void *payload)
{
	lookup_ctx *ctx = payload;
	size_t n = strlen(ctx->want);

	if (strncmp(ev->id, ctx->want, n) && strncmp(ev->commit, ctx->want, n))
		return 0;
	if (n < 7 && strcmp(ev->id, ctx->want))
		return 0;
	ctx->matches++;
	if (ctx->matches > 1)
		return 1;
	/* keep a copy: the walk frees its events */
	ctx->found = chancery__calloc(1, sizeof(*ctx->found));
	if (!ctx->found) {
		ctx->error = chancery__oom();
		return 1;
	}
	{
		chancery_event *c = ctx->found;

		c->type = chancery__strdup(ev->type);
		c->subject = chancery__strdup(chancery_event_subject(ev));
		c->message = chancery__strdup(chancery_event_message(ev));
		c->author = chancery__strdup(chancery_event_author(ev));
		memcpy(c->id, ev->id, sizeof(c->id));
		memcpy(c->commit, ev->commit, sizeof(c->commit));
		c->time = ev->time;
		c->offset = ev->offset;
		if (!c->type || !c->subject || !c->message || !c->author) {
			ctx->error = chancery__oom();
			return 1;
		}
		for (size_t i = 0; i < ev->nfields; i++)
			if ((ctx->error = field_push(c, ev->keys[i],
					ev->values[i])) < 0)
				return 1;
	}
	return 0;
}

int chancery_event_lookup(chancery_event **out, chancery_repository *repo,
	const char *id)
{
	lookup_ctx ctx = { id, NULL, 0, 0 };
	git_commit *commit = NULL;
	git_oid oid;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id);
	*out = NULL;
	if (!*id || strlen(id) > 64 || !chancery__line_valid(id))
		return chancery__error(CHANCERY_EINVALID,
			"'%.64s' is not an event id", id);
	error = chancery_history_foreach(repo, NULL, lookup_cb, &ctx);
	if (ctx.error < 0) {
		error = ctx.error;
		goto done;
	}
	if (error < 0 && error != 1)
		goto done;
	if (ctx.matches > 1) {
		error = chancery__error(CHANCERY_EINVALID,
			"'%s' is ambiguous: more than one event matches", id);
		goto done;
	}
	if (!ctx.found) {
		error = chancery__error(CHANCERY_ENOTFOUND,
			"no event '%s' in the history", id);
		goto done;
	}
	if (git_oid_fromstr(&oid, ctx.found->commit) < 0 ||
	    git_commit_lookup(&commit, repo->git, &oid) < 0) {
		error = chancery__git_error(-1, "read the event's commit");
		goto done;
	}
	if ((error = event_paths(ctx.found, repo, commit)) < 0)
		goto done;
	*out = ctx.found;
	ctx.found = NULL;
	error = 0;
done:
	git_commit_free(commit);
	chancery_event_free(ctx.found);
	return error;
}

int chancery_event_record_text(char **out, size_t *size,
	chancery_repository *repo, const chancery_event *ev)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_oid oid;
	char dir[CHANCERY__EVENT_DIR_MAX], *path = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && size && repo && ev);
	*out = NULL;
	if (!ev->id[0] || !ev->commit[0] || strlen(ev->id) < 16)
		return chancery__error(CHANCERY_EINVALID,
			"the event has no record yet");
	if ((error = chancery__event_dir(dir, sizeof(dir), ev->id)) < 0)
		return error;
	if (!(path = chancery__sprintf("%s.txt", dir)))
		return chancery__oom();
	if (git_oid_fromstr(&oid, ev->commit) < 0 ||
	    (error = git_commit_lookup(&commit, repo->git, &oid)) < 0 ||
	    (error = git_commit_tree(&tree, commit)) < 0) {
		error = chancery__git_error(-1, "read the event's commit");
		goto done;
	}
	error = chancery__tree_read(out, size, repo, tree, path);
done:
	chancery_free(path);
	git_tree_free(tree);
	git_commit_free(commit);
	return error;
}
