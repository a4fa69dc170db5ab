/*
 * deposit.c - a treaty action as the depositary records it: a signature or
 * an instrument, checked against participation and kept with its fixity,
 * and the depositary notification that tells every State about it.
 *
 * One deposit is one commit holding:
 *   events/YYYY/MM/ID.txt             the record (State, Treaty, Action,
 *                                     Date, Signed-By, fixity lines)
 *   events/YYYY/MM/ID/instrument.EXT  the instrument as received
 *   archive/CODE/TREATY/DATE-ACTION.txt   the archive entry: its name is
 *                                     what makes the action part of
 *                                     participation (entry.c writes and
 *                                     reads it, for the registry)
 *   notifications/YEAR/NNNN.odt       the notification C.N.N.YEAR.TREATIES-C
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
 * Left out: reservations, declarations and objections (they would be more
 * fields of the same record), withdrawals of instruments, and notifications
 * in other languages than English (the depositary issues them in English).
 */
#include "../engine/internal.h"
#include "../engine/embed.h"
#include "chancery/archive.h"
#include "entry.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#ifndef CHANCERY_TEMPLATES_DIR
#error "CHANCERY_TEMPLATES_DIR must name letters/templates"
#endif

CHANCERY_EMBED(tpl_notification, CHANCERY_TEMPLATES_DIR, "notification-en.odt");

/** A repository may replace the shipped notification template here. */
#define NOTIFICATION_TEMPLATE ".chancery/notification.odt"

static const struct {
	const char *name;    /* as the registry writes it */
	const char *display; /* as the notification says it */
} deposit_actions[] = {
	{ "signature", "Signature" },
	{ "ratification", "Ratification" },
	{ "acceptance", "Acceptance" },
	{ "approval", "Approval" },
	{ "accession", "Accession" },
	{ "succession", "Succession" },
	{ "consent_to_be_bound", "Consent to be bound" },
};
#define NACTIONS (sizeof(deposit_actions) / sizeof(*deposit_actions))

static const char *const capacities[] = { "head-of-state",
	"head-of-government", "foreign-minister" };

/* ---- media types -------------------------------------------------------- */

static bool has_tail(const char *d, size_t n, const char *what, size_t len,
	size_t window)
{
	size_t from = n > window ? n - window : 0;

	for (size_t i = n >= len ? n - len + 1 : 0; i-- > from;)
		if (!memcmp(d + i, what, len))
			return true;
	return false;
}

/*
 * What the instrument is, from its bytes: NULL (error set) when it is none
 * of the kinds kept, or when it is cut short (a PDF without its %%EOF, a
 * PNG without IEND, a JPEG without its end marker, a zip without its
 * central directory).
 */
static const char *media_type(const char **ext, const char *d, size_t n,
	const char *path)
{
	static const char odt[] = "application/vnd.oasis.opendocument.text";

	if (n >= 5 && !memcmp(d, "%PDF-", 5)) {
		*ext = "pdf";
		if (has_tail(d, n, "%%EOF", 5, 1024))
			return "application/pdf";
		chancery__error(CHANCERY_EINVALID, "instrument '%s': the PDF "
			"is cut short (no %%%%EOF at its end)", path);
		return NULL;
	}
	if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8)) {
		*ext = "png";
		if (has_tail(d, n, "IEND", 4, 16))
			return "image/png";
		chancery__error(CHANCERY_EINVALID, "instrument '%s': the PNG "
			"image is cut short", path);
		return NULL;
	}
	if (n >= 3 && !memcmp(d, "\xff\xd8\xff", 3)) {
		*ext = "jpg";
		if (has_tail(d, n, "\xff\xd9", 2, 64))
			return "image/jpeg";
		chancery__error(CHANCERY_EINVALID, "instrument '%s': the JPEG "
			"image is cut short", path);
		return NULL;
	}
	if (n >= 8 && (!memcmp(d, "II*\0", 4) || !memcmp(d, "MM\0*", 4))) {
		*ext = "tif";
		return "image/tiff";
	}
	if (n >= 30 + 8 + sizeof(odt) - 1 && !memcmp(d, "PK\3\4", 4) &&
	    !memcmp(d + 30, "mimetype", 8) &&
	    !memcmp(d + 38, odt, sizeof(odt) - 1)) {
		*ext = "odt";
		if (has_tail(d, n, "PK\5\6", 4, 65536 + 22))
			return odt;
		chancery__error(CHANCERY_EINVALID, "instrument '%s': the "
			"document is cut short (no zip directory)", path);
		return NULL;
	}
	chancery__error(CHANCERY_EINVALID, "instrument '%s' is not a PDF, "
		"PNG, JPEG, TIFF or ODT document", path);
	return NULL;
}

/* ---- the rules -------------------------------------------------------- */

static int roman_value(const char *r)
{
	int total = 0, prev = 0;

	for (size_t i = strlen(r); i-- > 0;) {
		int v = r[i] == 'I' ? 1 : r[i] == 'V' ? 5 : r[i] == 'X' ? 10 :
			r[i] == 'L' ? 50 : r[i] == 'C' ? 100 : 0;

		if (!v)
			return 0;
		total += v < prev ? -v : v;
		if (v > prev)
			prev = v;
	}
	return total;
}

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

static int check_signer(const char *action, const char *by)
{
	bool signature = !strcmp(action, "signature");

	if (!by || !*by) {
		if (signature)
			return chancery__error(CHANCERY_EINVALID,
				"a signature needs --signed-by: head-of-state, "
				"head-of-government, foreign-minister or "
				"full-powers:REF");
		return 0;
	}
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(by, capacities[i]))
			return 0;
	if (!strncmp(by, "full-powers:", 12)) {
		if (!signature)
			return chancery__error(CHANCERY_EINVALID,
				"an instrument of %s is signed by the Head of "
				"State or Government or the Minister for Foreign "
				"Affairs; full powers are for signatures", action);
		if (!by[12] || strlen(by) > 200 || !chancery__line_valid(by))
			return chancery__error(CHANCERY_EINVALID,
				"full-powers:REF needs the reference of the full "
				"powers (one line)");
		return 0;
	}
	return chancery__error(CHANCERY_EINVALID, "'%.60s' is not a capacity: "
		"head-of-state, head-of-government, foreign-minister or "
		"full-powers:REF", by);
}

/* ---- building the commit ------------------------------------------------- */

typedef struct {
	const chancery_deposit_options *o;
	const char *action;          /* registry spelling */
	const char *display;
	chancery_repository *repo;
	const char *media;
	const char *ext;
	char sha[65];
	size_t size;
	chancery_deposit_result *res;
} deposit_ctx;

static json_t *jstr(const char *s)
{
	return json_string(s ? s : "");
}

static char *upper(const char *s)
{
	char *u = chancery__strdup(s);

	for (char *p = u; p && *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 32);
	return u;
}

/* The notification's data (docs/archive.md lists it). */
static json_t *notification_data(const deposit_ctx *g,
	const chancery_state *st, const chancery_treaty *t, const char *ref,
	unsigned n, const chancery_date *eif)
{
	json_t *root = json_object(), *jn = json_object(), *jt = json_object(),
		*js = json_object(), *ja = json_object();
	char buf[64], *su = upper(st->name), *au = upper(g->display);
	chancery_date adopted;

	if (!root || !jn || !jt || !js || !ja || !su || !au) {
		json_decref(root);
		json_decref(jn);
		json_decref(jt);
		json_decref(js);
		json_decref(ja);
		chancery_free(su);
		chancery_free(au);
		return NULL;
	}
	chancery_date_write(buf, sizeof(buf), &g->o->date, "en");
	json_object_set_new(jn, "reference", json_string(ref));
	json_object_set_new(jn, "number", json_integer(n));
	json_object_set_new(jn, "year", json_integer(g->o->date.year));
	json_object_set_new(jn, "date", json_string(buf));
	json_object_set_new(jt, "id", json_string(t->id));
	json_object_set_new(jt, "chapter", json_string(t->chapter));
	json_object_set_new(jt, "title", json_string(t->title));
	json_object_set_new(jt, "short_title",
		json_string(t->short_title[0] ? t->short_title : t->title));
	json_object_set_new(jt, "place_adopted", json_string(t->place_adopted));
	if (t->adopted[0] && chancery_date_parse(&adopted, t->adopted) == 0) {
		char ad[64];

		chancery_date_write(ad, sizeof(ad), &adopted, "en");
		json_object_set_new(jt, "adopted", json_string(ad));
	} else {
		chancery_error_clear();
		json_object_set_new(jt, "adopted", json_string(""));
	}
	json_object_set_new(js, "code", json_string(st->code));
	json_object_set_new(js, "name", json_string(st->name));
	json_object_set_new(js, "name_upper", json_string(su));
	json_object_set_new(js, "formal_name", jstr(st->formal_name));
	json_object_set_new(ja, "code", json_string(g->action));
	json_object_set_new(ja, "name", json_string(g->display));
	json_object_set_new(ja, "name_upper", json_string(au));
	json_object_set_new(ja, "date", json_string(buf));
	json_object_set_new(ja, "signed_by", jstr(g->o->signed_by));
	json_object_set_new(root, "notification", jn);
	json_object_set_new(root, "treaty", jt);
	json_object_set_new(root, "state", js);
	json_object_set_new(root, "action", ja);
	if (eif) {
		chancery_date_write(buf, sizeof(buf), eif, "en");
		json_object_set_new(root, "entry_into_force", json_string(buf));
	} else {
		json_object_set_new(root, "entry_into_force", json_false());
	}
	chancery_free(su);
	chancery_free(au);
	return root;
}

/* The highest notification number of a year in `base` (0: none yet). */
static int last_number(unsigned *out, chancery_repository *repo,
	git_tree *base, int year)
{
	git_tree_entry *e = NULL;
	git_tree *dir = NULL;
	char path[32];
	int error;

	*out = 0;
	if (!base)
		return 0;
	snprintf(path, sizeof(path), "notifications/%04d", year);
	error = git_tree_entry_bypath(&e, base, path);
	if (error == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (error < 0 || (error = git_tree_lookup(&dir, repo->git,
			git_tree_entry_id(e))) < 0) {
		git_tree_entry_free(e);
		return chancery__git_error(error, "read notifications");
	}
	for (size_t i = 0; i < git_tree_entrycount(dir); i++) {
		const char *name = git_tree_entry_name(
			git_tree_entry_byindex(dir, i));
		unsigned v = 0;
		size_t k = 0;

		while (name[k] >= '0' && name[k] <= '9' && k < 6)
			v = v * 10 + (unsigned)(name[k++] - '0');
		if (k && v > *out)
			*out = v;
	}
	git_tree_free(dir);
	git_tree_entry_free(e);
	return 0;
}

static int deposit_extra(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	deposit_ctx *g = payload;
	const chancery_deposit_options *o = g->o;
	chancery_registry *reg = NULL;
	const chancery_state *st;
	const chancery_treaty *t;
	chancery_template *tpl = NULL;
	chancery_template_options to = CHANCERY_TEMPLATE_OPTIONS_INIT;
	chancery_buf entry = CHANCERY_BUF_INIT;
	json_t *data = NULL;
	chancery_date eif;
	bool has_eif = false;
	char ref[80], apath[200], npath[64], line[300], *tdata = NULL;
	void *odt = NULL;
	size_t odt_size = 0, tsize = 0;
	unsigned n;
	int error;

	(void)head;
	if ((error = chancery__registry_load_tree(&reg, g->repo, base)) < 0)
		goto done;
	if (!(st = chancery_registry_state_find(reg, o->state))) {
		error = chancery__error(CHANCERY_ENOTFOUND,
			"unknown State '%s'", o->state);
		goto done;
	}
	if (!(t = chancery_registry_treaty_find(reg, o->treaty))) {
		error = chancery__error(CHANCERY_ENOTFOUND,
			"unknown treaty '%s'", o->treaty);
		goto done;
	}
	if ((error = check_action(reg, o->state, t, g->action, &o->date)) < 0)
		goto done;
	if (o->campaign) {
		char *c = NULL;
		size_t cz;
		char cp[120];

		snprintf(cp, sizeof(cp), "campaigns/%s/campaign.txt", o->campaign);
		error = chancery__tree_read(&c, &cz, g->repo, base, cp);
		chancery_free(c);
		if (error == CHANCERY_ENOTFOUND)
			error = chancery__error(CHANCERY_ENOTFOUND,
				"no campaign '%s'", o->campaign);
		if (error < 0)
			goto done;
	}

	/* the number, the reference, entry into force */
	if ((error = last_number(&n, g->repo, base, o->date.year)) < 0)
		goto done;
	n++;
	snprintf(ref, sizeof(ref), "C.N.%u.%04d.TREATIES-%d", n, o->date.year,
		roman_value(t->chapter));
	snprintf(npath, sizeof(npath), "notifications/%04d/%04u.odt",
		o->date.year, n);
	if (strcmp(g->action, "signature") &&
	    chancery_treaty_entry_into_force(&eif, t, &o->date) == 0)
		has_eif = true;
	chancery_error_clear();

	/* the notification */
	error = chancery__tree_read(&tdata, &tsize, g->repo, base,
		NOTIFICATION_TEMPLATE);
	if (error == CHANCERY_ENOTFOUND) {
		chancery_error_clear();
		to.name = "notification-en.odt (shipped)";
		error = chancery_template_load_odt(&tpl, tpl_notification,
			(size_t)tpl_notification_size, &to);
	} else if (error == 0) {
		to.name = NOTIFICATION_TEMPLATE;
		error = chancery_template_load_odt(&tpl, tdata, tsize, &to);
	}
	if (error < 0)
		goto done;
	if (!(data = notification_data(g, st, t, ref, n,
			has_eif ? &eif : NULL))) {
		error = chancery__oom();
		goto done;
	}
	if ((error = chancery_template_render_odt(&odt, &odt_size, tpl,
			(chancery_data *)data)) < 0)
		goto done;

	/* the archive entry: its name is the action; its text the facts */
	{
		chancery__archive_entry ae = { o->state, o->treaty, g->action,
			o->date, ref, g->ext, g->sha, g->size, g->media };

		chancery__archive_entry_path(apath, sizeof(apath), &ae);
		if ((error = chancery__archive_entry_text(&entry, &ae)) < 0)
			goto done;
	}
	if ((error = chancery_changeset_add(cs, apath, entry.ptr,
			entry.size)) < 0 ||
	    (error = chancery_changeset_add(cs, npath, odt, odt_size)) < 0)
		goto done;

	/* fields: the notification and where everything is */
	{
		char hex[65];

		if ((error = chancery__sha256_hex(hex, odt, odt_size)) < 0)
			goto done;
		snprintf(line, sizeof(line), "%s sha256=%s size=%zu", npath,
			hex, odt_size);
	}
	if ((error = chancery_event_add(ev, "Notification", ref)) < 0 ||
	    (error = chancery_event_add(ev, "Notification-File", line)) < 0 ||
	    (error = chancery_event_add(ev, "Archive", apath)) < 0)
		goto done;
	if (has_eif) {
		char e[11];

		chancery_date_format(e, sizeof(e), &eif);
		if ((error = chancery_event_add(ev, "Entry-Into-Force", e)) < 0)
			goto done;
	}
	snprintf(g->res->notification, sizeof(g->res->notification), "%s", ref);
	snprintf(g->res->notification_path, sizeof(g->res->notification_path),
		"%s", npath);
	snprintf(g->res->archive_path, sizeof(g->res->archive_path), "%s", apath);
	g->res->has_entry_into_force = has_eif;
	if (has_eif)
		g->res->entry_into_force = eif;
done:
	json_decref(data);
	chancery_free(odt);
	chancery_free(tdata);
	chancery_buf_dispose(&entry);
	chancery_template_free(tpl);
	chancery_registry_free(reg);
	return error;
}

/* ---- numbering through the remote ----------------------------------------- */

static int push_first(chancery_repository *repo, const git_oid *commit,
	void *payload)
{
	return chancery__push_commit(repo, payload, commit);
}

/* The remote that numbers into *out, or NULL when there is none:
 * opts->remote, else the sync remote when the repository has it. A failure
 * to find out (out of memory, an unreadable configuration) is an error,
 * never "no remote": that would number locally behind the remote's back. */
static int numbering_remote(char **out, chancery_repository *repo,
	const char *given)
{
	git_remote *r = NULL;
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
	error = git_remote_lookup(&r, repo->git, "origin");
	git_remote_free(r);
	if (error == GIT_ENOTFOUND || error == GIT_EINVALIDSPEC) {
		git_error_clear();
		return 0;
	}
	if (error < 0)
		return chancery__git_error(error, "look up the remote 'origin'");
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
	    (o->signed_by && *o->signed_by &&
	     (error = chancery_event_add(ev, "Signed-By", o->signed_by)) < 0) ||
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
	*out = ev;
	return 0;
fail:
	chancery_event_free(ev);
	return error;
}

/* ---- the operation ------------------------------------------------------- */

int chancery_deposit(chancery_deposit_result *out, chancery_repository *repo,
	const chancery_deposit_options *o)
{
	deposit_ctx g;
	chancery_deposit_result local;
	chancery_event *ev = NULL;
	chancery_commit_opts copts = { 0 };
	char *inst = NULL, *remote = NULL, ds[11], today_s[11];
	size_t isize = 0;
	chancery_date today;
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
	if ((error = chancery__git_init()) < 0)
		return error;

	/* what can be checked without the repository */
	if (!chancery_state_code_valid(o->state))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a State code", o->state);
	if (!chancery_treaty_id_valid(o->treaty))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a treaty reference", o->treaty);
	{
		char norm[64];
		size_t i;

		for (i = 0; o->action[i] && i < sizeof(norm) - 1; i++)
			norm[i] = o->action[i] == '-' ? '_' : o->action[i];
		norm[i] = '\0';
		for (i = 0; i < NACTIONS; i++)
			if (!strcmp(deposit_actions[i].name, norm)) {
				g.action = deposit_actions[i].name;
				g.display = deposit_actions[i].display;
			}
		if (!g.action)
			return chancery__error(CHANCERY_EINVALID,
				"'%.40s' is not an action: signature, ratification, "
				"acceptance, approval, accession, succession or "
				"consent-to-be-bound", o->action);
	}
	if (!chancery__date_ok(&o->date))
		return chancery__error(CHANCERY_EINVALID, "invalid date");
	chancery_date_format(ds, sizeof(ds), &o->date);
	chancery_date_from_time(&today, repo->have_sig && repo->sig_time ?
		repo->sig_time : (int64_t)time(NULL));
	chancery_date_format(today_s, sizeof(today_s), &today);
	if (chancery_date_cmp(&o->date, &today) > 0)
		return chancery__error(CHANCERY_EINVALID,
			"%s is in the future (today is %s): record an action when "
			"it has happened", ds, today_s);
	if ((error = check_signer(g.action, o->signed_by)) < 0)
		return error;
	if (o->campaign && (!*o->campaign || strchr(o->campaign, '/') ||
	    strlen(o->campaign) > 64))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a campaign id", o->campaign);
	if (o->note && !chancery__utf8_valid(o->note, strlen(o->note), true))
		return chancery__error(CHANCERY_EINVALID,
			"the note is not valid UTF-8 text");

	/* the instrument: required but for a signature; read, typed, hashed */
	if (!o->instrument && strcmp(g.action, "signature"))
		return chancery__error(CHANCERY_EINVALID,
			"an instrument of %s needs its file (--instrument FILE)",
			g.action);
	if (o->instrument) {
		error = chancery__read_file(&inst, &isize, o->instrument,
			CHANCERY_ATTACHMENT_MAX);
		if (error == CHANCERY_ENOTFOUND) {
			error = chancery__error(CHANCERY_ENOTFOUND,
				"instrument '%s': no such file", o->instrument);
			goto done;
		}
		if (error < 0) {
			char why[400];

			snprintf(why, sizeof(why), "%s",
				chancery_error_last()->message);
			error = chancery__error(error, "instrument unreadable: %s",
				why);
			goto done;
		}
		if (!isize) {
			error = chancery__error(CHANCERY_EINVALID,
				"instrument '%s' is empty", o->instrument);
			goto done;
		}
		if (!(g.media = media_type(&g.ext, inst, isize, o->instrument))) {
			error = CHANCERY_EINVALID;
			goto done;
		}
		if ((error = chancery__sha256_hex(g.sha, inst, isize)) < 0)
			goto done;
		g.size = isize;
	}

	if (inst) {
		snprintf(out->sha256, sizeof(out->sha256), "%s", g.sha);
		out->size = isize;
		snprintf(out->media_type, sizeof(out->media_type), "%s", g.media);
	}
	if ((error = numbering_remote(&remote, repo, o->remote)) < 0)
		goto done;
	if (!remote) {
		if ((error = deposit_event(&ev, &g, inst, isize, ds)) == 0)
			error = chancery__event_commit(repo, ev, deposit_extra,
				&g, NULL);
	} else {
		copts.before_publish = push_first;
		copts.before_payload = remote;
		for (int attempt = 0;; attempt++) {
			chancery_sync_result sr;
			chancery_sync_options so = CHANCERY_SYNC_OPTIONS_INIT;

			/* take in what the remote has, give what we have */
			error = chancery_sync(&sr, repo, remote, &so);
			/* a fresh event each time: fields of a refused
			 * attempt must not stay */
			chancery_event_free(ev);
			ev = NULL;
			if (!error)
				error = deposit_event(&ev, &g, inst, isize, ds);
			if (!error)
				error = chancery__event_commit(repo, ev,
					deposit_extra, &g, &copts);
			if (error != CHANCERY_ECONFLICT || attempt >= 50)
				break;
			/* another depositor got there first: again */
			{
				struct timespec ts = { 0, (long)(attempt % 7) *
					10000000L };

				nanosleep(&ts, NULL);
			}
		}
	}
	if (error < 0)
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
	chancery_free(remote);
	chancery_free(inst);
	chancery_event_free(ev);
	return error;
}
