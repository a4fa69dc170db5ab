/*
 * deposit.c - a treaty action as the depositary records it: a signature, an
 * instrument or another act of the vocabulary (vocabulary.c), checked
 * against participation and kept with its fixity, and the depositary
 * notification that tells every State about it.
 *
 * One deposit is one commit holding:
 *   events/YYYY/MM/ID.txt             the record (State, Treaty, Action,
 *                                     Date, Signed-By, fixity lines)
 *   events/YYYY/MM/ID/instrument.EXT  the instrument as received
 *   events/YYYY/MM/ID/text.EXT        the act's text (--text), if any
 *   archive/CODE/TREATY/DATE-ACTION.txt   the archive entry: its name is
 *                                     what makes the action part of
 *                                     participation (entry.c writes and
 *                                     reads it, for the registry)
 *   notifications/YEAR/NNNN.odt       the notification, its reference made
 *                                     by the setting's pattern (notice_ref.c)
 *
 * Invariants: everything is built on each attempt's base tree, so the
 * participation check and the notification number always see the head the
 * commit lands on; the compare-and-swap of the commit pipeline then makes
 * numbers unique and gapless within one repository. Between clones the
 * number is taken at the shared remote: the commit is pushed there (as a
 * fast-forward only) before the local branch moves, and a refused push
 * means fetch, merge and build again. Two clones numbering offline would
 * both write notifications/YEAR/NNNN.odt: their sync then conflicts on
 * that path instead of publishing a duplicate.
 *
 * The instrument's kind is told from its bytes (media.c); the archive
 * entry's format is entry.c's.
 *
 * Left out: withdrawals of a signature or instrument before it takes
 * effect, and notifications in other languages than English (the
 * depositary issues them in English).
 */
#include "../engine/base.h"
#include "../engine/embed.h"
#include "../engine/notice_ref.h"
#include "../engine/store.h"
#include "../letters/data.h"
#include "chancery/archive.h"
#include "entry.h"
#include "media.h"
#include "vocabulary.h"

#include <stddef.h>
#include <string.h>
#include <time.h>

#ifndef CHANCERY_TEMPLATES_DIR
#error "CHANCERY_TEMPLATES_DIR must name letters/templates"
#endif

CHANCERY_EMBED(tpl_notification, CHANCERY_TEMPLATES_DIR, "notification-en.odt");

/** A repository may replace the shipped notification template here. */
#define NOTIFICATION_TEMPLATE ".chancery/notification.odt"

static const char *const capacities[] = { "head-of-state",
	"head-of-government", "foreign-minister" };

/* ---- the rules -------------------------------------------------------- */

/*
 * May `state` do `action` on treaty `t` on `date`, given participation as
 * of that day? 0, or CHANCERY_EINVALID with the reason.
 */
static int check_action(const chancery_registry *reg, const char *state,
	const chancery_treaty *t, const char *action,
	const chancery_date *date)
{
	chancery_status st = chancery_registry_status(reg, state, t->id, date);
	chancery_date d;
	char ds[11];

	chancery_date_format(ds, sizeof(ds), date);
	if (t->adopted[0] && chancery_date_parse(&d, t->adopted) == 0 &&
	    chancery_date_cmp(date, &d) < 0)
		return chancery__error(CHANCERY_EINVALID,
			"%s %s %s on %s: the treaty was adopted on %s", state,
			action, t->id, ds, t->adopted);
	if (st == CHANCERY_STATUS_PARTY)
		return chancery__error(CHANCERY_EINVALID,
			"%s %s %s: %s is already a party to %s", state, action,
			t->id, state, t->id);
	if (!strcmp(action, "signature")) {
		if (!strcmp(t->signature, "no"))
			return chancery__error(CHANCERY_EINVALID,
				"%s signature %s: %s takes no signature; it is "
				"ratified, accepted, approved or acceded to "
				"directly", state, t->id, t->id);
		if (st == CHANCERY_STATUS_SIGNATORY)
			return chancery__error(CHANCERY_EINVALID,
				"%s signature %s: %s has signed it already",
				state, t->id, state);
		if (t->signature_until[0] &&
		    chancery_date_parse(&d, t->signature_until) == 0 &&
		    chancery_date_cmp(date, &d) > 0)
			return chancery__error(CHANCERY_EINVALID,
				"%s signature %s on %s: %s closed for signature "
				"on %s; accede to it instead", state, t->id, ds,
				t->id, t->signature_until);
		return 0;
	}
	if (!strcmp(action, "accession")) {
		if (st == CHANCERY_STATUS_SIGNATORY)
			return chancery__error(CHANCERY_EINVALID,
				"%s accession %s: %s has signed it; ratify it "
				"instead", state, t->id, state);
		return 0;
	}
	if (!strcmp(action, "succession"))
		return 0;
	/* ratification, acceptance, approval, consent to be bound: after a
	 * signature, or directly where the treaty takes none */
	if (st != CHANCERY_STATUS_SIGNATORY && strcmp(t->signature, "no"))
		return chancery__error(CHANCERY_EINVALID,
			"%s %s %s: %s never signed %s; sign it first, or accede",
			state, action, t->id, state, t->id);
	return 0;
}

int chancery_archive_signer_parse(chancery_signer *out,
	const char **full_powers, const char *text)
{
	CHANCERY_ASSERT_ARG(out && full_powers && text);
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(text, capacities[i])) {
			*out = (chancery_signer)(CHANCERY_SIGNER_HEAD_OF_STATE + i);
			*full_powers = NULL;
			return 0;
		}
	if (!strncmp(text, "full-powers:", 12)) {
		*out = CHANCERY_SIGNER_FULL_POWERS;
		*full_powers = text + 12;
		return 0;
	}
	return chancery__error(CHANCERY_EINVALID, "'%.60s' is not a capacity: "
		"head-of-state, head-of-government, foreign-minister or "
		"full-powers:REF", text);
}

/* Who signed, checked against the action, and written as records say it
 * (`out`: "head-of-state", "full-powers:REF", or "" when not given). */
static int check_signer(char *out, size_t size, const char *action,
	chancery_signer by, const char *ref)
{
	bool signature = !strcmp(action, "signature");

	*out = '\0';
	if (by == CHANCERY_SIGNER_NONE) {
		if (signature)
			return chancery__error(CHANCERY_EINVALID,
				"a signature needs its signer: the Head of "
				"State or Government, the Minister for Foreign "
				"Affairs, or someone with full powers");
		return 0;
	}
	if (by >= CHANCERY_SIGNER_HEAD_OF_STATE &&
	    by <= CHANCERY_SIGNER_FOREIGN_MINISTER) {
		snprintf(out, size, "%s",
			capacities[by - CHANCERY_SIGNER_HEAD_OF_STATE]);
		return 0;
	}
	if (by != CHANCERY_SIGNER_FULL_POWERS)
		return chancery__error(CHANCERY_EINVALID,
			"signed_by %d is not a chancery_signer", (int)by);
	if (!signature)
		return chancery__error(CHANCERY_EINVALID,
			"an instrument of %s is signed by the Head of "
			"State or Government or the Minister for Foreign "
			"Affairs; full powers are for signatures", action);
	if (!ref || !*ref || strlen(ref) > 200 || !chancery__line_valid(ref))
		return chancery__error(CHANCERY_EINVALID,
			"full-powers:REF needs the reference of the full "
			"powers (one line)");
	snprintf(out, size, "full-powers:%s", ref);
	return 0;
}

/* ---- building the commit ------------------------------------------------- */

typedef struct {
	const chancery_deposit_options *o;
	const chancery__act *act;
	const char *action;          /* registry spelling */
	const char *display;
	chancery_repository *repo;
	const char *media;
	const char *ext;
	char sha[65];
	size_t size;
	chancery_deposit_result *res;
	char signer[216];            /* as recorded: "full-powers:REF" */
	/* the reference pattern in force (chancery.notificationReference) */
	char pattern[CHANCERY__REFERENCE_MAX + 1];
	/* the act's text (--text), kept as text.EXT beside the record */
	const char *text_media;
	const char *text_ext;
	char text_sha[65];
	size_t text_size;
	char *text;                  /* its bytes, NUL-terminated */
	/* what the act's checks found on the attempt's base */
	chancery__act_facts facts;
	char statement[600];
} deposit_ctx;

static char *upper(const char *s)
{
	char *u = chancery__strdup(s);

	for (char *p = u; p && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	return u;
}

/* The "treaty" and "state" objects of a notification's data, deposit's
 * and correction's alike (docs/archive.md lists them). */
int chancery__notification_parties(chancery_data *root,
	const chancery_state *st, const chancery_treaty *t)
{
	chancery_data *jt, *js;
	char ad[64] = "", *su = upper(st->name);
	chancery_date adopted;
	int error;

	if (!su)
		return chancery__oom();
	if (t->adopted[0] && chancery_date_parse(&adopted, t->adopted) == 0)
		chancery_date_write(ad, sizeof(ad), &adopted, "en");
	else
		chancery_error_clear();
	(void)((error = chancery__data_object(&jt)) < 0 ||
	    (error = chancery__data_set(root, "treaty", jt)) < 0 ||
	    (error = chancery__data_set_string(jt, "id", t->id)) < 0 ||
	    (error = chancery__data_set_string(jt, "chapter", t->chapter)) < 0 ||
	    (error = chancery__data_set_string(jt, "title", t->title)) < 0 ||
	    (error = chancery__data_set_string(jt, "short_title",
			t->short_title[0] ? t->short_title : t->title)) < 0 ||
	    (error = chancery__data_set_string(jt, "place_adopted",
			t->place_adopted)) < 0 ||
	    (error = chancery__data_set_string(jt, "adopted", ad)) < 0 ||
	    (error = chancery__data_object(&js)) < 0 ||
	    (error = chancery__data_set(root, "state", js)) < 0 ||
	    (error = chancery__data_set_string(js, "code", st->code)) < 0 ||
	    (error = chancery__data_set_string(js, "name", st->name)) < 0 ||
	    (error = chancery__data_set_string(js, "name_upper", su)) < 0 ||
	    (error = chancery__data_set_string(js, "formal_name",
			st->formal_name)) < 0);
	chancery_free(su);
	return error;
}

/* The notification's data (docs/archive.md lists it); *out is the
 * caller's (chancery_data_free). */
static int notification_data(chancery_data **out, const deposit_ctx *g,
	const chancery_state *st, const chancery_treaty *t, const char *ref,
	unsigned n, const chancery_date *eif)
{
	chancery_data *root = NULL, *jn, *ja;
	char buf[64], ef[64] = "", ef2[64] = "";
	char *au = upper(g->display);
	int error;

	*out = NULL;
	if (!au) {
		error = chancery__oom();
		goto done;
	}
	chancery_date_write(buf, sizeof(buf), &g->o->date, "en");
	if (eif)
		chancery_date_write(ef, sizeof(ef), eif, "en");
	if (g->facts.has_effective)
		chancery_date_write(ef2, sizeof(ef2), &g->facts.effective, "en");
	/* each child goes into root first: then only root is to free */
	if ((error = chancery__data_object(&root)) < 0 ||
	    (error = chancery__data_object(&jn)) < 0 ||
	    (error = chancery__data_set(root, "notification", jn)) < 0 ||
	    (error = chancery__data_set_string(jn, "reference", ref)) < 0 ||
	    (error = chancery__data_set_int(jn, "number", n)) < 0 ||
	    (error = chancery__data_set_int(jn, "year", g->o->date.year)) < 0 ||
	    (error = chancery__data_set_string(jn, "date", buf)) < 0 ||
	    (error = chancery__notification_parties(root, st, t)) < 0 ||
	    (error = chancery__data_object(&ja)) < 0 ||
	    (error = chancery__data_set(root, "action", ja)) < 0 ||
	    (error = chancery__data_set_string(ja, "code", g->action)) < 0 ||
	    (error = chancery__data_set_string(ja, "name", g->display)) < 0 ||
	    (error = chancery__data_set_string(ja, "name_upper", au)) < 0 ||
	    (error = chancery__data_set_string(ja, "date", buf)) < 0 ||
	    (error = chancery__data_set_string(ja, "signed_by",
			g->signer[0] ? g->signer : NULL)) < 0 ||
	    (error = chancery__data_set_string(ja, "statement",
			g->statement)) < 0 ||
	    (error = chancery__data_set_string(ja, "text",
			g->text_media && !strcmp(g->text_media, "text/plain") ?
			g->text : NULL)) < 0 ||
	    (error = chancery__data_set_string(ja, "article",
			g->o->article)) < 0 ||
	    (error = chancery__data_set_string(ja, "made_at",
			g->facts.made_at[0] ? g->facts.made_at : NULL)) < 0 ||
	    (error = g->facts.has_effective ? chancery__data_set_string(ja,
			"effective", ef2) : chancery__data_set_bool(ja,
			"effective", false)) < 0 ||
	    (error = eif ? chancery__data_set_string(root, "entry_into_force",
			ef) : chancery__data_set_bool(root, "entry_into_force",
			false)) < 0)
		goto done;
	*out = root;
	root = NULL;
done:
	chancery_data_free(root);
	chancery_free(au);
	return error;
}

static int number_cb(const chancery_entry *e, void *payload)
{
	unsigned *out = payload, v = 0;
	size_t k = 0;

	while (e->name[k] >= '0' && e->name[k] <= '9' && k < 6)
		v = v * 10 + (unsigned)(e->name[k++] - '0');
	if (k && v > *out)
		*out = v;
	return 0;
}

/* The highest notification number of a year in `base` (0: none yet):
 * entry.h, for every notification (a deposit's, a void's correction). */
int chancery__notification_last(unsigned *out, const chancery_tree *base,
	int year)
{
	char path[32];
	int error;

	*out = 0;
	if (!base)
		return 0;
	snprintf(path, sizeof(path), "notifications/%04d", year);
	error = chancery__tree_foreach(base, path, number_cb, out);
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		return 0;
	}
	return error;
}

/* The file at `path` of `base` (none: the first commit has no files). */
static int base_file(char **out, size_t *size, const chancery_tree *base,
	const char *path)
{
	*out = NULL;
	if (!base)
		return chancery__error(CHANCERY_ENOTFOUND, "'%s' not found",
			path);
	return chancery__tree_file(out, size, base, path, 0);
}

/* The notification an attempt issues: its number, reference and file,
 * and the entry into force it announces. */
typedef struct {
	unsigned n;
	char ref[80];
	char path[64];
	chancery_date eif;
	bool has_eif;
} notice;

/* The registry of `base`, with the State and treaty the deposit names:
 * the action allowed on that date, the campaign (if any) there. */
static int check_base(chancery_registry **reg, const chancery_state **st,
	const chancery_treaty **t, deposit_ctx *g, const chancery_tree *base)
{
	const chancery_deposit_options *o = g->o;
	char cp[120], *c = NULL;
	size_t cz;
	int error;

	if ((error = chancery__registry_load_at(reg, g->repo, base)) < 0)
		return error;
	if (!(*st = chancery_registry_state_find(*reg, o->state)))
		return chancery__error(CHANCERY_ENOTFOUND,
			"unknown State '%s'", o->state);
	if (!(*t = chancery_registry_treaty_find(*reg, o->treaty)))
		return chancery__error(CHANCERY_ENOTFOUND,
			"unknown treaty '%s'", o->treaty);
	if (g->act->needs & CHANCERY__ACT_MORE)
		error = chancery__act_check(&g->facts, g->repo,
			*reg, base, o, g->act, *t);
	else
		error = check_action(*reg, o->state, *t, g->action, &o->date);
	if (error < 0)
		return error;
	chancery__act_statement(g->statement,
		sizeof(g->statement), g->act, *reg, o->state, &g->facts,
		o->article);
	if (!o->campaign)
		return 0;
	snprintf(cp, sizeof(cp), "campaigns/%s/campaign.txt", o->campaign);
	error = base_file(&c, &cz, base, cp);
	chancery_free(c);
	if (error == CHANCERY_ENOTFOUND)
		error = chancery__error(CHANCERY_ENOTFOUND, "no campaign '%s'",
			o->campaign);
	return error;
}

/* The next number of the year in `base`, the reference, entry into
 * force. */
static int number_notice(notice *nt, const deposit_ctx *g,
	const chancery_treaty *t, const chancery_tree *base)
{
	const chancery_deposit_options *o = g->o;
	int error;

	if ((error = chancery__notification_last(&nt->n, base,
			o->date.year)) < 0)
		return error;
	nt->n++;
	if ((error = chancery__notification_reference(nt->ref,
			sizeof(nt->ref), g->pattern, nt->n, o->date.year,
			t->id)) < 0)
		return error;
	snprintf(nt->path, sizeof(nt->path), "notifications/%04d/%04u.odt",
		o->date.year, nt->n);
	nt->has_eif = !(g->act->needs & CHANCERY__ACT_MORE) &&
		strcmp(g->action, "signature") &&
		chancery_registry_entry_into_force(&nt->eif, t, &o->date) == 0;
	chancery_error_clear();
	return 0;
}

/* The notification as an ODT document (*odt the caller's): the
 * repository's template when it has one, else the shipped one. */
static int render_notice(void **odt, size_t *odt_size, const deposit_ctx *g,
	const chancery_state *st, const chancery_treaty *t, const notice *nt,
	const chancery_tree *base)
{
	chancery_template_options to = CHANCERY_TEMPLATE_OPTIONS_INIT;
	chancery_template *tpl = NULL;
	chancery_data *data = NULL;
	char *tdata = NULL;
	size_t tsize = 0;
	int error;

	error = base_file(&tdata, &tsize, base, NOTIFICATION_TEMPLATE);
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		to.name = "notification-en.odt (shipped)";
		error = chancery_template_load_odt(&tpl, tpl_notification,
			(size_t)tpl_notification_size, &to);
	} else if (error == 0) {
		to.name = NOTIFICATION_TEMPLATE;
		error = chancery_template_load_odt(&tpl, tdata, tsize, &to);
	}
	if (error < 0 ||
	    (error = notification_data(&data, g, st, t, nt->ref, nt->n,
			nt->has_eif ? &nt->eif : NULL)) < 0)
		goto done;
	error = chancery_template_render_odt(odt, odt_size, tpl, data);
done:
	chancery_data_free(data);
	chancery_free(tdata);
	chancery_template_free(tpl);
	return error;
}

/* The archive entry (its name is the action, its text the facts) and the
 * notification, into the commit. */
static int add_files(chancery_changeset *cs, char *apath, size_t asize,
	const deposit_ctx *g, const notice *nt, const void *odt,
	size_t odt_size)
{
	const chancery_deposit_options *o = g->o;
	chancery__archive_entry ae = { o->state, o->treaty, g->action,
		o->date, nt->ref, g->ext, g->sha, g->size, g->media };
	chancery_buf entry = CHANCERY_BUF_INIT;
	int error;

	ae.made_at = g->facts.made_at[0] ? g->facts.made_at : NULL;
	ae.article = o->article;
	ae.objects_to = o->objects_to;
	ae.withdraws = o->withdraws;
	if (g->facts.has_effective)
		ae.effective = g->facts.effective;
	if (g->text_media) {
		ae.text_ext = g->text_ext;
		ae.text_sha = g->text_sha;
		ae.text_size = g->text_size;
		ae.text_media = g->text_media;
	}

	chancery__archive_entry_path(apath, asize, &ae);
	if ((error = chancery__archive_entry_text(&entry, &ae)) == 0 &&
	    (error = chancery_changeset_add(cs, apath, entry.ptr,
			entry.size)) == 0)
		error = chancery_changeset_add(cs, nt->path, odt, odt_size);
	chancery_buf_dispose(&entry);
	return error;
}

/* The event's fields: the notification and where everything is. */
static int add_fields(chancery_event *ev, const deposit_ctx *g,
	const notice *nt, const char *apath, const void *odt, size_t odt_size)
{
	char hex[65], line[300], e[11];
	int error;

	if ((error = chancery__sha256_hex(hex, odt, odt_size)) < 0)
		return error;
	if (g->facts.made_at[0] && (error = chancery_event_add(ev, "Made-At",
			g->facts.made_at)) < 0)
		return error;
	if (g->facts.other_state[0] && !strcmp(g->action, "objection") &&
	    (error = chancery_event_add(ev, "Reserving-State",
			g->facts.other_state)) < 0)
		return error;
	if (g->facts.has_effective) {
		chancery_date_format(e, sizeof(e), &g->facts.effective);
		if ((error = chancery_event_add(ev, "Effective", e)) < 0)
			return error;
	}
	snprintf(line, sizeof(line), "%s sha256=%s size=%zu", nt->path, hex,
		odt_size);
	if ((error = chancery_event_add(ev, "Notification", nt->ref)) < 0 ||
	    (error = chancery_event_add(ev, "Notification-File", line)) < 0 ||
	    (error = chancery_event_add(ev, "Archive", apath)) < 0 ||
	    !nt->has_eif)
		return error;
	chancery_date_format(e, sizeof(e), &nt->eif);
	return chancery_event_add(ev, "Entry-Into-Force", e);
}

/* Built on each attempt's base: see the file's header. */
static int deposit_extra(chancery_changeset *cs, const chancery_tree *base,
	const chancery_oid *head, chancery_event *ev, void *payload)
{
	deposit_ctx *g = payload;
	chancery_registry *reg = NULL;
	const chancery_state *st = NULL;
	const chancery_treaty *t = NULL;
	notice nt;
	char apath[200];
	void *odt = NULL;
	size_t odt_size = 0;
	int error;

	(void)head;
	memset(&nt, 0, sizeof(nt));
	if ((error = check_base(&reg, &st, &t, g, base)) < 0 ||
	    (error = number_notice(&nt, g, t, base)) < 0 ||
	    (error = render_notice(&odt, &odt_size, g, st, t, &nt,
			base)) < 0 ||
	    (error = add_files(cs, apath, sizeof(apath), g, &nt, odt,
			odt_size)) < 0 ||
	    (error = add_fields(ev, g, &nt, apath, odt, odt_size)) < 0)
		goto done;
	snprintf(g->res->notification, sizeof(g->res->notification), "%s",
		nt.ref);
	snprintf(g->res->notification_path, sizeof(g->res->notification_path),
		"%s", nt.path);
	snprintf(g->res->archive_path, sizeof(g->res->archive_path), "%s",
		apath);
	g->res->has_entry_into_force = nt.has_eif;
	g->res->has_effective = g->facts.has_effective;
	g->res->effective = g->facts.effective;
	if (nt.has_eif)
		g->res->entry_into_force = nt.eif;
done:
	chancery_free(odt);
	chancery_registry_free(reg);
	return error;
}

/* ---- numbering through the remote ----------------------------------------- */

static int push_first(chancery_repository *repo, const chancery_oid *commit,
	void *payload)
{
	return chancery__push(repo, payload, commit);
}

/* The remote that numbers into *out, or NULL when there is none:
 * opts->remote, else the sync remote when the repository has it. A failure
 * to find out (out of memory, an unreadable configuration) is an error,
 * never "no remote": that would number locally behind the remote's back. */
static int numbering_remote(char **out, chancery_repository *repo,
	const char *given)
{
	int error;

	*out = NULL;
	if (given) {
		if (*given && !(*out = chancery__strdup(given)))
			return chancery__oom();
		return 0;
	}
	error = chancery_repository_config(out, repo, "chancery.remote");
	if (error != CHANCERY_ENOTFOUND)
		return error;
	chancery_error_clear();
	if ((error = chancery__remote_exists(repo, "origin")) <= 0)
		return error;
	if (!(*out = chancery__strdup("origin")))
		return chancery__oom();
	return 0;
}

/* The deposit's event, with the fields the caller knows. */
static int deposit_event(chancery_event **out, const deposit_ctx *g,
	const char *inst, size_t isize, const char *ds)
{
	const chancery_deposit_options *o = g->o;
	chancery_event *ev = NULL;
	char subject[200];
	int error;

	snprintf(subject, sizeof(subject), "deposit %s %s: %s on %s", o->state,
		o->treaty, g->display, ds);
	if ((error = chancery_event_new(&ev, "deposit")) < 0 ||
	    (error = chancery_event_set_subject(ev, subject)) < 0 ||
	    (o->campaign && (error = chancery_event_add(ev, "Campaign",
			o->campaign)) < 0) ||
	    (error = chancery_event_add(ev, "State", o->state)) < 0 ||
	    (error = chancery_event_add(ev, "Treaty", o->treaty)) < 0 ||
	    (error = chancery_event_add(ev, "Action", g->action)) < 0 ||
	    (error = chancery_event_add(ev, "Date", ds)) < 0 ||
	    (error = chancery_event_add(ev, "Notification-Format",
			g->pattern)) < 0 ||
	    (g->signer[0] &&
	     (error = chancery_event_add(ev, "Signed-By", g->signer)) < 0) ||
	    (o->article &&
	     (error = chancery_event_add(ev, "Article", o->article)) < 0) ||
	    (o->objects_to &&
	     (error = chancery_event_add(ev, "Objects-To", o->objects_to)) < 0) ||
	    (o->withdraws &&
	     (error = chancery_event_add(ev, "Withdraws", o->withdraws)) < 0) ||
	    (o->note && *o->note &&
	     (error = chancery_event_set_message(ev, o->note)) < 0))
		goto fail;
	if (inst) {
		char name[32];

		snprintf(name, sizeof(name), "instrument.%s", g->ext);
		if ((error = chancery_event_attach(ev, name, inst, isize)) < 0 ||
		    (error = chancery_event_add(ev, "Media-Type", g->media)) < 0)
			goto fail;
	}
	if (g->text_media) {
		char name[32];

		snprintf(name, sizeof(name), "text.%s", g->text_ext);
		if ((error = chancery_event_attach(ev, name, g->text,
				g->text_size)) < 0 ||
		    (error = chancery_event_add(ev, "Text-Type",
				g->text_media)) < 0)
			goto fail;
	}
	*out = ev;
	return 0;
fail:
	chancery_event_free(ev);
	return error;
}

/* Record the deposit: locally, or numbered at `remote` (sync, build,
 * push before the branch moves; a lost race builds again). *ev is the
 * event recorded, the caller's. */
static int record(chancery_event **ev, chancery_repository *repo,
	deposit_ctx *g, const char *inst, size_t isize, const char *ds,
	const char *remote)
{
	chancery__record_opts ropts = { push_first, (void *)remote };
	int error;

	if (!remote) {
		if ((error = deposit_event(ev, g, inst, isize, ds)) == 0)
			error = chancery__event_record(repo, *ev, deposit_extra,
				g, NULL);
		return error;
	}
	for (int attempt = 0;; attempt++) {
		chancery_sync_result sr;
		chancery_sync_options so = CHANCERY_SYNC_OPTIONS_INIT;

		/* take in what the remote has, give what we have */
		error = chancery_sync_run(&sr, repo, remote, &so);
		/* a fresh event each time: fields of a refused attempt must
		 * not stay */
		chancery_event_free(*ev);
		*ev = NULL;
		if (!error)
			error = deposit_event(ev, g, inst, isize, ds);
		if (!error)
			error = chancery__event_record(repo, *ev, deposit_extra,
				g, &ropts);
		if (error != CHANCERY_ECONFLICT || attempt >= 50)
			return error;
		/* another depositor got there first: again */
		{
			struct timespec ts = { 0, (long)(attempt % 7) *
				10000000L };

			nanosleep(&ts, NULL);
		}
	}
}

/* ---- the operation ------------------------------------------------------- */

/* The action in the registry's spelling ("consent-to-be-bound" as
 * "consent_to_be_bound"), into g->act, g->action and g->display. */
static int resolve_action(deposit_ctx *g, const char *action)
{
	char norm[64];
	size_t i;

	for (i = 0; action[i] && i < sizeof(norm) - 1; i++)
		norm[i] = action[i] == '-' ? '_' : action[i];
	norm[i] = '\0';
	if (!(g->act = chancery__act_find(norm)))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not an action: signature, ratification, "
			"acceptance, approval, accession, succession, "
			"consent-to-be-bound, reservation, declaration, "
			"objection, reservation-withdrawal, "
			"territorial-application, notification or denunciation",
			action);
	g->action = g->act->name;
	g->display = g->act->display;
	return 0;
}

/* "an objection", "a reservation" */
static const char *an(const char *word)
{
	return strchr("aeiou", word[0]) ? "an" : "a";
}

/* The options only some acts take: each given for its act only, and
 * required there. */
static int check_act_options(const deposit_ctx *g)
{
	const chancery_deposit_options *o = g->o;
	static const struct { const char *act, *opt; size_t off; } only[] = {
		{ "objection", "--objects-to",
			offsetof(chancery_deposit_options, objects_to) },
		{ "reservation_withdrawal", "--withdraws",
			offsetof(chancery_deposit_options, withdraws) },
		{ "notification", "--article",
			offsetof(chancery_deposit_options, article) },
	};

	for (size_t i = 0; i < sizeof(only) / sizeof(*only); i++) {
		const char *v = *(const char *const *)((const char *)o +
			only[i].off);
		bool mine = !strcmp(g->action, only[i].act);

		if (v && !mine)
			return chancery__error(CHANCERY_EINVALID, "%s is for "
				"%s %s, not %s %s", only[i].opt, an(only[i].act),
				only[i].act, an(g->action), g->action);
		if (mine && (!v || !*v || strlen(v) > 200 ||
		    !chancery__line_valid(v)))
			return chancery__error(CHANCERY_EINVALID, "%s %s needs "
				"%s (one line)", an(only[i].act), only[i].act,
				only[i].opt);
	}
	if (o->effective.year && strcmp(g->action, "denunciation"))
		return chancery__error(CHANCERY_EINVALID, "--effective is for "
			"a denunciation, not %s %s", an(g->action), g->action);
	if (o->text && !(g->act->needs & CHANCERY__ACT_MORE))
		return chancery__error(CHANCERY_EINVALID, "--text is for a "
			"reservation, declaration, objection, withdrawal, "
			"territorial application, notification or "
			"denunciation; %s %s has its instrument", an(g->action),
			g->action);
	if (!o->text && (g->act->needs & CHANCERY__ACT_TEXT))
		return chancery__error(CHANCERY_EINVALID, "%s %s needs its "
			"text (--text FILE)", an(g->action), g->action);
	return 0;
}

/* What can be checked without the repository's contents; `ds` gets the
 * date as YYYY-MM-DD. */
static int check_request(deposit_ctx *g, chancery_repository *repo,
	char ds[11])
{
	const chancery_deposit_options *o = g->o;
	int error;

	if (!chancery_registry_state_code_valid(o->state))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a State code", o->state);
	if (!chancery_registry_treaty_id_valid(o->treaty))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a treaty reference", o->treaty);
	if ((error = resolve_action(g, o->action)) < 0 ||
	    (error = check_act_options(g)) < 0 ||
	    (error = chancery__reference_pattern(g->pattern,
			sizeof(g->pattern), repo)) < 0)
		return error;
	if (!chancery__date_ok(&o->date))
		return chancery__error(CHANCERY_EINVALID, "invalid date");
	chancery_date_format(ds, 11, &o->date);
	if ((error = chancery__date_not_future(&o->date, chancery__now(repo),
			NULL)) < 0)
		return error;
	if ((error = check_signer(g->signer, sizeof(g->signer), g->action,
			o->signed_by, o->full_powers)) < 0)
		return error;
	if (o->campaign && (!*o->campaign || strchr(o->campaign, '/') ||
	    strlen(o->campaign) > 64))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a campaign id", o->campaign);
	if (o->note && !chancery__utf8_valid(o->note, strlen(o->note), true))
		return chancery__error(CHANCERY_EINVALID,
			"the note is not valid UTF-8 text");
	if (!o->instrument && (g->act->needs & CHANCERY__ACT_INSTRUMENT))
		return chancery__error(CHANCERY_EINVALID,
			"an instrument of %s needs its file (--instrument FILE)",
			g->action);
	return 0;
}

/* The instrument (none for a signature without one): read, typed and
 * hashed into `g`; *inst is the caller's. */
static int read_instrument(char **inst, size_t *isize, deposit_ctx *g)
{
	const char *path = g->o->instrument;
	int error;

	*inst = NULL;
	*isize = 0;
	if (!path)
		return 0;
	error = chancery__read_file(inst, isize, path,
		CHANCERY_ATTACHMENT_MAX);
	if (error == CHANCERY_ENOTFOUND)
		return chancery__error(CHANCERY_ENOTFOUND,
			"instrument '%s': no such file", path);
	if (error < 0) {
		char why[400];

		snprintf(why, sizeof(why), "%s", chancery_error_last()->message);
		return chancery__error(error, "instrument unreadable: %s", why);
	}
	if (!*isize)
		return chancery__error(CHANCERY_EINVALID,
			"instrument '%s' is empty", path);
	if (!(g->media = chancery__instrument_media(&g->ext, *inst,
			*isize, path)))
		return CHANCERY_EINVALID;
	if ((error = chancery__sha256_hex(g->sha, *inst, *isize)) < 0)
		return error;
	g->size = *isize;
	return 0;
}

/* The act's text (--text): plain UTF-8 text, or a document of the
 * instrument's kinds; read, typed and hashed into `g`. */
static int read_text(deposit_ctx *g)
{
	const char *path = g->o->text;
	size_t size = 0;
	int error;

	if (!path)
		return 0;
	error = chancery__read_file(&g->text, &size, path,
		CHANCERY_ATTACHMENT_MAX);
	if (error == CHANCERY_ENOTFOUND)
		return chancery__error(CHANCERY_ENOTFOUND,
			"text '%s': no such file", path);
	if (error < 0)
		return error;
	if (!size)
		return chancery__error(CHANCERY_EINVALID, "text '%s' is empty",
			path);
	if (chancery__utf8_valid(g->text, size, true) &&
	    !memchr(g->text, '\0', size)) {
		g->text_media = "text/plain";
		g->text_ext = "txt";
	} else if (!(g->text_media = chancery__instrument_media(&g->text_ext,
			g->text, size, path))) {
		return CHANCERY_EINVALID;
	}
	g->text_size = size;
	return chancery__sha256_hex(g->text_sha, g->text, size);
}

int chancery_archive_deposit(chancery_deposit_result *out,
	chancery_repository *repo, const chancery_deposit_options *o)
{
	deposit_ctx g;
	chancery_deposit_result local;
	chancery_event *ev = NULL;
	char *inst = NULL, *remote = NULL, ds[11];
	size_t isize = 0;
	int error;

	CHANCERY_ASSERT_ARG(repo && o && o->state && o->treaty && o->action);
	if (!out)
		out = &local;
	memset(out, 0, sizeof(*out));
	CHANCERY_CHECK_VERSION(o, CHANCERY_DEPOSIT_OPTIONS_VERSION);
	memset(&g, 0, sizeof(g));
	g.o = o;
	g.repo = repo;
	g.res = out;
	if ((error = check_request(&g, repo, ds)) < 0)
		return error;
	if ((error = read_instrument(&inst, &isize, &g)) < 0 ||
	    (error = read_text(&g)) < 0)
		goto done;
	if (inst) {
		snprintf(out->sha256, sizeof(out->sha256), "%s", g.sha);
		out->size = isize;
		snprintf(out->media_type, sizeof(out->media_type), "%s", g.media);
	}
	if ((error = numbering_remote(&remote, repo, o->remote)) < 0 ||
	    (error = record(&ev, repo, &g, inst, isize, ds, remote)) < 0)
		goto done;
	snprintf(out->id, sizeof(out->id), "%s", chancery_event_id(ev));
	snprintf(out->commit, sizeof(out->commit), "%s",
		chancery_event_commit(ev));
	if (inst) {
		char dir[CHANCERY__EVENT_DIR_MAX];

		chancery__event_dir(dir, sizeof(dir), out->id);
		snprintf(out->instrument_path, sizeof(out->instrument_path),
			"%s/instrument.%s", dir, g.ext);
	}
done:
	chancery_free(g.text);
	chancery_free(remote);
	chancery_free(inst);
	chancery_event_free(ev);
	return error;
}
