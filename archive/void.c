/*
 * void.c - an event recorded in error, voided: a reply, a note or a
 * deposit that should never have been recorded. Nothing is rewritten: the
 * void is one more event (type "void", trailers Voids: ID and Reason:
 * TEXT, with the Campaign, State and Treaty of the event it voids, so that
 * log and history find it beside it). What stands is decided in one place,
 * engine/event_effective.c: the workflows' stories no longer see a voided
 * reply, the history shows both.
 *
 * A deposit that never happened in the real world also leaves
 * participation, as of every date. Its commit adds, besides the record:
 *   archive/STATE/TREATY/DATE-ACTION.void   the marker beside the entry
 *                                           ("Voids: ID", the correction's
 *                                           reference, the reason); entry.c
 *                                           then leaves the entry out
 *   notifications/YEAR/NNNN.odt             the correction notification,
 *                                           numbered as every notification
 *                                           (the next of the year) with the
 *                                           reference deposit.c makes, and
 *                                           saying that the earlier one
 *                                           was issued in error
 * The entry and the earlier notification stay where they are, so verify
 * still finds every file it recorded.
 *
 * Invariants: a void names an existing reply, note or deposit, not a void
 * and nothing voided or corrected already; the marker and the number are
 * built on each attempt's base tree, so a race with another void or
 * deposit is decided by the commit pipeline. Left out: numbering at a
 * shared remote as deposits do (a void's number is taken locally; two
 * clones numbering offline conflict on the path at sync, as deposits
 * recorded with "" as their remote do), and voiding other types (a batch
 * of letters, a dispatch, an import are corrected by what comes next).
 */
#include "../engine/base.h"
#include "../engine/embed.h"
#include "../engine/notice_ref.h"
#include "../engine/store.h"
#include "../letters/data.h"
#include "chancery/archive.h"
#include "entry.h"

#include <string.h>

#ifndef CHANCERY_TEMPLATES_DIR
#error "CHANCERY_TEMPLATES_DIR must name letters/templates"
#endif

CHANCERY_EMBED(tpl_correction, CHANCERY_TEMPLATES_DIR, "correction-en.odt");

/** A repository may replace the shipped correction template here. */
#define CORRECTION_TEMPLATE ".chancery/correction.odt"

typedef struct {
	chancery_repository *repo;
	const chancery_void_options *o;
	const chancery_event *target;  /* the deposit voided */
	chancery_void_result *res;
	chancery_date today;
} void_ctx;

/* "consent_to_be_bound" as a notification says it: "Consent to be bound",
 * and in capitals and lower case. */
static void action_words(char *name, char *up, char *low, size_t size,
	const char *code)
{
	size_t i;

	for (i = 0; code[i] && i < size - 1; i++) {
		char c = code[i] == '_' ? ' ' : code[i];

		low[i] = c;
		name[i] = i == 0 && c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
		up[i] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
	}
	name[i] = up[i] = low[i] = '\0';
}

/* The correction notification's data (docs/corrections.md lists it); *out
 * is the caller's. */
static int correction_data(chancery_data **out, const void_ctx *g,
	const chancery_state *st, const chancery_treaty *t, const char *ref,
	unsigned n)
{
	const chancery_event *d = g->target;
	const char *old = chancery_event_get(d, "Notification");
	chancery_data *root = NULL, *jn, *jc, *ja;
	char today[64], actd[64] = "", name[64], up[64], low[64];
	chancery_date date;
	int error;

	*out = NULL;
	action_words(name, up, low, sizeof(name),
		chancery_event_get(d, "Action"));
	chancery_date_write(today, sizeof(today), &g->today, "en");
	if (chancery_event_date(&date, d) == 0)
		chancery_date_write(actd, sizeof(actd), &date, "en");
	chancery_error_clear();
	if ((error = chancery__data_object(&root)) < 0 ||
	    (error = chancery__data_object(&jn)) < 0 ||
	    (error = chancery__data_set(root, "notification", jn)) < 0 ||
	    (error = chancery__data_set_string(jn, "reference", ref)) < 0 ||
	    (error = chancery__data_set_int(jn, "number", n)) < 0 ||
	    (error = chancery__data_set_int(jn, "year", g->today.year)) < 0 ||
	    (error = chancery__data_set_string(jn, "date", today)) < 0 ||
	    (error = chancery__data_object(&jc)) < 0 ||
	    (error = chancery__data_set(root, "corrected", jc)) < 0 ||
	    (error = chancery__data_set_string(jc, "reference",
			old ? old : "")) < 0 ||
	    (error = chancery__data_set_string(jc, "event",
			chancery_event_id(d))) < 0 ||
	    (error = chancery__notification_parties(root, st, t)) < 0 ||
	    (error = chancery__data_object(&ja)) < 0 ||
	    (error = chancery__data_set(root, "action", ja)) < 0 ||
	    (error = chancery__data_set_string(ja, "code",
			chancery_event_get(d, "Action"))) < 0 ||
	    (error = chancery__data_set_string(ja, "name", name)) < 0 ||
	    (error = chancery__data_set_string(ja, "name_upper", up)) < 0 ||
	    (error = chancery__data_set_string(ja, "name_lower", low)) < 0 ||
	    (error = chancery__data_set_string(ja, "date", actd)) < 0 ||
	    (error = chancery__data_set_string(root, "reason",
			g->o->reason)) < 0)
		goto done;
	*out = root;
	root = NULL;
done:
	chancery_data_free(root);
	return error;
}

/* The correction notification as ODT (*odt the caller's): the
 * repository's template when it has one, else the shipped one. */
static int render_correction(void **odt, size_t *size, const void_ctx *g,
	const chancery_state *st, const chancery_treaty *t, const char *ref,
	unsigned n, const chancery_tree *base)
{
	chancery_template_options to = CHANCERY_TEMPLATE_OPTIONS_INIT;
	chancery_template *tpl = NULL;
	chancery_data *data = NULL;
	char *tdata = NULL;
	size_t tsize = 0;
	int error;

	error = chancery__tree_file(&tdata, &tsize, base, CORRECTION_TEMPLATE,
		0);
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		to.name = "correction-en.odt (shipped)";
		error = chancery_template_load_odt(&tpl, tpl_correction,
			(size_t)tpl_correction_size, &to);
	} else if (error == 0) {
		to.name = CORRECTION_TEMPLATE;
		error = chancery_template_load_odt(&tpl, tdata, tsize, &to);
	}
	if (error == 0 &&
	    (error = correction_data(&data, g, st, t, ref, n)) == 0)
		error = chancery_template_render_odt(odt, size, tpl, data);
	chancery_data_free(data);
	chancery_free(tdata);
	chancery_template_free(tpl);
	return error;
}

/* The marker's path: the deposit's entry with ".void" for ".txt". */
static int marker_path(char *out, size_t size, const chancery_event *d)
{
	const char *ar = chancery_event_get(d, "Archive");
	size_t n = ar ? strlen(ar) : 0;

	if (n < 5 || strcmp(ar + n - 4, ".txt") || n + 2 >= size)
		return chancery__error(CHANCERY_EINVALID, "deposit %s names no "
			"archive entry", chancery_event_id(d));
	snprintf(out, size, "%.*s" CHANCERY_ARCHIVE_VOID_EXT, (int)(n - 4), ar);
	return 0;
}

/* The marker and the correction notification, built on `base`. */
static int deposit_void_extra(chancery_changeset *cs,
	const chancery_tree *base, const chancery_oid *head,
	chancery_event *ev, void *payload)
{
	void_ctx *g = payload;
	const chancery_event *d = g->target;
	chancery_registry *reg = NULL;
	const chancery_state *st;
	const chancery_treaty *t;
	chancery_buf marker = CHANCERY_BUF_INIT;
	char mpath[240], ref[80], npath[64], line[300], hex[65];
	char pat[CHANCERY__REFERENCE_MAX + 1];
	void *odt = NULL;
	size_t odt_size = 0;
	unsigned n = 0;
	int error;

	(void)head;
	if ((error = marker_path(mpath, sizeof(mpath), d)) < 0)
		goto done;
	if (chancery__tree_has(base, mpath)) {
		error = chancery__error(CHANCERY_EINVALID, "deposit %s is voided "
			"already (%s)", chancery_event_id(d), mpath);
		goto done;
	}
	if ((error = chancery__registry_load_at(&reg, g->repo, base)) < 0)
		goto done;
	if (!(st = chancery_registry_state_find(reg,
			chancery_event_get(d, "State"))) ||
	    !(t = chancery_registry_treaty_find(reg,
			chancery_event_get(d, "Treaty")))) {
		error = chancery__error(CHANCERY_ENOTFOUND, "deposit %s: its "
			"State or treaty is not in the registry",
			chancery_event_id(d));
		goto done;
	}
	if ((error = chancery__notification_last(&n, base,
			g->today.year)) < 0)
		goto done;
	n++;
	if ((error = chancery__reference_pattern(pat, sizeof(pat),
			g->repo)) < 0 ||
	    (error = chancery__notification_reference(ref, sizeof(ref), pat,
			n, g->today.year, t->id)) < 0)
		goto done;
	snprintf(npath, sizeof(npath), "notifications/%04d/%04u.odt",
		g->today.year, n);
	if ((error = render_correction(&odt, &odt_size, g, st, t, ref, n,
			base)) < 0 ||
	    (error = chancery_buf_printf(&marker, "Voids: %s\nNotification: "
			"%s\nReason: %s\n", chancery_event_id(d), ref,
			g->o->reason)) < 0 ||
	    (error = chancery_changeset_add(cs, mpath, marker.ptr,
			marker.size)) < 0 ||
	    (error = chancery_changeset_add(cs, npath, odt, odt_size)) < 0 ||
	    (error = chancery__sha256_hex(hex, odt, odt_size)) < 0)
		goto done;
	snprintf(line, sizeof(line), "%s sha256=%s size=%zu", npath, hex,
		odt_size);
	if ((error = chancery_event_add(ev, "Notification", ref)) < 0 ||
	    (error = chancery_event_add(ev, "Notification-Format", pat)) < 0 ||
	    (error = chancery_event_add(ev, "Notification-File", line)) < 0 ||
	    (error = chancery_event_add(ev, "Archive", mpath)) < 0)
		goto done;
	snprintf(g->res->notification, sizeof(g->res->notification), "%s",
		ref);
	snprintf(g->res->notification_path,
		sizeof(g->res->notification_path), "%s", npath);
done:
	chancery_buf_dispose(&marker);
	chancery_free(odt);
	chancery_registry_free(reg);
	return error;
}

/* May `target` be voided? A reply, a note or a deposit, standing. */
static int check_target(chancery_repository *repo,
	const chancery_event *target)
{
	const char *type = chancery_event_type(target);
	const char *id = chancery_event_id(target);
	chancery_corrections *cs = NULL;
	const char *by;
	int voided = 0, error;

	if (!strcmp(type, "void"))
		return chancery__error(CHANCERY_EINVALID, "event %s is a void: "
			"a void is not voided", id);
	if (strcmp(type, "reply") && strcmp(type, "note") &&
	    strcmp(type, "deposit"))
		return chancery__error(CHANCERY_EINVALID, "event %s is a %s: "
			"only a reply, a note or a deposit is voided", id, type);
	if ((error = chancery_corrections_load(&cs, repo, NULL)) < 0)
		return error;
	if ((by = chancery_corrections_of(cs, id, &voided, NULL)) != NULL)
		error = chancery__error(CHANCERY_EINVALID, "%s %s is %s already "
			"(by %s)%s", type, id, voided ? "voided" : "corrected",
			by, voided ? "" : ": void the correction instead");
	chancery_corrections_free(cs);
	return error;
}

/* The void's event: what it voids and why, and the fields that place it
 * beside it (Campaign, State, Treaty). */
static int void_event(chancery_event **out, const chancery_event *target,
	const char *reason)
{
	static const char *const keys[] = { "Campaign", "State", "Treaty" };
	const char *id = chancery_event_id(target);
	const char *type = chancery_event_type(target);
	const char *st = chancery_event_get(target, "State");
	chancery_event *ev = NULL;
	char subject[200];
	int error;

	snprintf(subject, sizeof(subject), "void%s%s: %s %s recorded in error",
		st ? " " : "", st ? st : "", type, id);
	if ((error = chancery_event_new(&ev, "void")) < 0 ||
	    (error = chancery_event_set_subject(ev, subject)) < 0)
		goto fail;
	for (size_t i = 0; i < chancery_event_field_count(target); i++) {
		const char *k, *v;

		chancery_event_field(&k, &v, target, i);
		for (size_t j = 0; j < 3; j++)
			if (!strcmp(k, keys[j]) &&
			    (error = chancery_event_add(ev, k, v)) < 0)
				goto fail;
	}
	if ((error = chancery_event_add(ev, "Voids", id)) < 0 ||
	    (error = chancery_event_add(ev, "Voids-Event", type)) < 0 ||
	    (error = chancery_event_add(ev, "Reason", reason)) < 0)
		goto fail;
	*out = ev;
	return 0;
fail:
	chancery_event_free(ev);
	return error;
}

int chancery_archive_void(chancery_void_result *out,
	chancery_repository *repo, const char *event,
	const chancery_void_options *o)
{
	chancery_void_result local;
	chancery_event *target = NULL, *ev = NULL;
	void_ctx g;
	int error;

	CHANCERY_ASSERT_ARG(repo && event);
	if (!out)
		out = &local;
	memset(out, 0, sizeof(*out));
	CHANCERY_CHECK_VERSION(o, CHANCERY_VOID_OPTIONS_VERSION);
	if (!o || !o->reason || !*o->reason)
		return chancery__error(CHANCERY_EINVALID,
			"a void says why the event was recorded in error "
			"(--reason)");
	if (strlen(o->reason) > CHANCERY_FIELD_MAX ||
	    !chancery__line_valid(o->reason))
		return chancery__error(CHANCERY_EINVALID, "the reason is one "
			"line of at most %d bytes", CHANCERY_FIELD_MAX);
	if ((error = chancery_event_lookup(&target, repo, event)) < 0)
		return error;
	if ((error = check_target(repo, target)) < 0 ||
	    (error = void_event(&ev, target, o->reason)) < 0)
		goto done;
	memset(&g, 0, sizeof(g));
	g.repo = repo;
	g.o = o;
	g.target = target;
	g.res = out;
	chancery_date_from_time(&g.today, chancery__now(repo));
	snprintf(out->voided, sizeof(out->voided), "%s",
		chancery_event_id(target));
	snprintf(out->type, sizeof(out->type), "%s",
		chancery_event_type(target));
	snprintf(out->corrected, sizeof(out->corrected), "%s",
		chancery_event_get(target, "Notification") ?
		chancery_event_get(target, "Notification") : "");
	error = chancery__event_record(repo, ev,
		strcmp(out->type, "deposit") ? NULL : deposit_void_extra, &g,
		NULL);
	if (error < 0)
		goto done;
	snprintf(out->id, sizeof(out->id), "%s", chancery_event_id(ev));
	snprintf(out->commit, sizeof(out->commit), "%s",
		chancery_event_commit(ev));
done:
	chancery_event_free(ev);
	chancery_event_free(target);
	return error;
}
