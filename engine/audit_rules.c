/*
 * audit_rules.c - what a commit may change besides its event's record and
 * attachments, by event type (the `rules` table): an init the format file
 * and the registry's tables, an import the one table it names, a campaign
 * its own files once, letters and reminders into a campaign the parent
 * holds, a deposit its archive entry and notification (deposit_check: the
 * trailers agree with each other and with those files, as chancery writes
 * them). Every other type changes nothing else.
 *
 * A rule judges one change at a time and reads only the event and the
 * parent's tree; whether the registry still loads is audit_registry.c's.
 * Campaign ids are checked with the repository's one rule
 * (chancery__campaign_id_valid, path.c).
 */
#include "audit_int.h"
#include "notice_ref.h"

#include <stdio.h>
#include <string.h>

/* ---- the rules per event type ---------------------------------------------- */

/* Does `path` start with `prefix` and then hold one more name? */
static bool one_below(const char *path, const char *prefix, const char *ext)
{
	size_t n = strlen(prefix), pl, el = strlen(ext);

	if (strncmp(path, prefix, n) || strchr(path + n, '/'))
		return false;
	pl = strlen(path + n);
	return pl > el && !strcmp(path + n + pl - el, ext);
}

/* The name below campaigns/CAMPAIGN/`rest` that `path` is, when the event
 * names a campaign and `path` is one file there ending in `ext`. */
static const char *in_campaign(const audit *a, const char *path,
	const char *rest, const char *ext)
{
	const char *c = chancery_event_get(a->ev, "Campaign");
	char prefix[200];

	if (!chancery__campaign_id_valid(c))
		return NULL;
	snprintf(prefix, sizeof(prefix), "campaigns/%s/%s", c, rest);
	return one_below(path, prefix, ext) ? path + strlen(prefix) : NULL;
}

/* Does the parent hold the event's campaign (its campaign.txt)? 1 yes,
 * 0 no, -1 it cannot be told (a rule then refuses). */
static int campaign_in_parent(const audit *a)
{
	const char *c = chancery_event_get(a->ev, "Campaign");
	git_tree_entry *e = NULL;
	char path[200];
	int rc;

	if (!chancery__campaign_id_valid(c))
		return -1;
	if (!a->ptree)
		return 0;
	snprintf(path, sizeof(path), "campaigns/%s", c);
	rc = git_tree_entry_bypath(&e, a->ptree, path);
	git_tree_entry_free(e);
	e = NULL;
	if (rc == 0) {
		snprintf(path, sizeof(path), "campaigns/%s/campaign.txt", c);
		rc = git_tree_entry_bypath(&e, a->ptree, path);
		git_tree_entry_free(e);
		git_error_clear();
		return rc == 0 ? 1 : -1;
	}
	git_error_clear();
	return rc == GIT_ENOTFOUND ? 0 : -1;
}

/* A letter's name: CODE.odt, or CODE-YYYY-MM-DD.odt when `dated` (a
 * reminder, an acknowledgment), CODE a State code. */
static bool letter_name(const char *name, bool dated)
{
	char code[4], ds[11];
	chancery_date d;

	if (!name || strlen(name) != (dated ? 18 : 7))
		return false;
	snprintf(code, sizeof(code), "%.3s", name);
	if (!chancery_registry_state_code_valid(code))
		return false;
	if (!dated)
		return true;
	snprintf(ds, sizeof(ds), "%.10s", name + 4);
	if (name[3] != '-' || chancery_date_parse(&d, ds) < 0) {
		chancery_error_clear();
		return false;
	}
	return true;
}

static bool init_may(const audit *a, const change *c)
{
	(void)a;
	return c->status == 'A' && (!strcmp(c->path, CHANCERY_FORMAT_PATH) ||
		!strcmp(c->path, ".gitattributes") ||
		!strcmp(c->path, ".gitignore") ||
		one_below(c->path, "registry/", ".tsv") ||
		one_below(c->path, "registry/featured/", ".tsv"));
}

/* An import merges rows into the one table its Registry trailer names
 * (registry/states.tsv, ..., registry/featured/NAME.tsv); that the table
 * still loads is checked with the whole registry (registry_check). */
static bool import_may(const audit *a, const change *c)
{
	const char *t = chancery_event_get(a->ev, "Registry");

	return t && !strncmp(c->path, "registry/", 9) &&
		!strcmp(c->path + 9, t) &&
		(one_below(c->path, "registry/", ".tsv") ||
		 one_below(c->path, "registry/featured/", ".tsv"));
}

/* A campaign opens once, with the files `chancery campaign open` writes. */
static bool campaign_may(const audit *a, const change *c)
{
	static const char *const files[] = { "campaign.txt", "workflow.xml",
		"featured.tsv", "recipients.tsv" };
	const char *name = in_campaign(a, c->path, "", "");

	if (c->status != 'A' || campaign_in_parent(a) != 0)
		return false;
	for (size_t i = 0; name && i < sizeof(files) / sizeof(*files); i++)
		if (!strcmp(name, files[i]))
			return true;
	return in_campaign(a, c->path, "templates/", ".odt") != NULL;
}

/* Letters (re)written for the States of an open campaign. */
static bool letters_may(const audit *a, const change *c)
{
	return letter_name(in_campaign(a, c->path, "letters/", ".odt"), false) &&
		campaign_in_parent(a) == 1;
}

static bool remind_may(const audit *a, const change *c)
{
	return c->status == 'A' && campaign_in_parent(a) == 1 &&
		(letter_name(in_campaign(a, c->path, "reminders/", ".odt"),
			true) ||
		 letter_name(in_campaign(a, c->path, "acknowledgments/",
			".odt"), true));
}

/* A deposit's two files: the archive entry and the notification its
 * trailers name (deposit_check makes sure they agree with each other). */
static bool deposit_may(const audit *a, const change *c)
{
	const char *ar = chancery_event_get(a->ev, "Archive");
	const char *nf = chancery_event_get(a->ev, "Notification-File");
	const char *sp = nf ? strchr(nf, ' ') : NULL;

	return c->status == 'A' && ((ar && !strcmp(c->path, ar)) ||
		(sp && strlen(c->path) == (size_t)(sp - nf) &&
		 !strncmp(c->path, nf, (size_t)(sp - nf))));
}

static bool nothing_may(const audit *a, const change *c)
{
	(void)a;
	(void)c;
	return false;
}

/* Which files besides its record and attachments an event may add ('A')
 * or replace ('M'); types not listed (note, send, reply, and any an
 * application records) may change nothing else. "init" and "sync" are
 * bound to the root and to merges as well. */
static const struct {
	const char *type;
	bool (*may)(const audit *a, const change *c);
} rules[] = {
	{ "init", init_may },
	{ "import", import_may },
	{ "campaign", campaign_may },
	{ "letters", letters_may },
	{ "remind", remind_may },
	{ "deposit", deposit_may },
	{ "sync", nothing_may },
};

chancery__audit_rule chancery__audit_rule_of(const char *type)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].type, type))
			return rules[i].may;
	return nothing_may;
}

/* ---- a deposit ------------------------------------------------------------ */

/* State, Treaty, Action and Date as a deposit writes them: a State code,
 * a treaty id, an action the registry's classifier knows, a real date in
 * its own form; the notification file notifications/YEAR/NNNN.odt gives
 * the number and year, and the Notification is exactly what the pattern
 * the deposit names (Notification-Format; none: the form chancery wrote
 * before the setting, CHANCERY__REFERENCE_LEGACY) makes of them and the
 * treaty. (That the State and the treaty are the registry's is what
 * loading the registry the commit leaves checks, with its archive entry:
 * registry_check.) */
static bool deposit_fields(const char *st, const char *tr, const char *ac,
	const char *dt, const char *ref, const char *fmt, const char *nf,
	unsigned *n, unsigned *year)
{
	chancery_date d;
	char ds[11], canon[CHANCERY__REFERENCE_MAX + 1];
	int used = 0;

	if (!chancery_registry_state_code_valid(st) ||
	    !chancery_registry_treaty_id_valid(tr) ||
	    chancery_registry_action_classify(ac) == CHANCERY_ACTION_UNKNOWN ||
	    strlen(dt) != 10 || chancery_date_parse(&d, dt) < 0) {
		chancery_error_clear();
		return false;
	}
	chancery_date_format(ds, sizeof(ds), &d);
	if (strcmp(ds, dt) || strncmp(nf, "notifications/", 14) ||
	    sscanf(nf + 14, "%4u/%4u.odt%n", year, n, &used) < 2 ||
	    used != 13 || nf[14 + used] != ' ' || nf[14] < '0' || nf[19] < '0' ||
	    !*n || *year != (unsigned)d.year)
		return false;
	if (chancery__notification_reference(canon, sizeof(canon),
			fmt ? fmt : CHANCERY__REFERENCE_LEGACY, *n, d.year,
			tr) < 0) {
		chancery_error_clear();
		return false;
	}
	return !strcmp(canon, ref);
}

/* The lines of an archive entry past its first five that the record's
 * trailers give, in the order entry.c writes them. */
static const char *const entry_lines[] = { "Made-At", "Article",
	"Objects-To", "Withdraws", "Effective" };

/* Does `text` say what the deposit recorded: State, Treaty, Action, Date,
 * Notification, then each of entry_lines the record has, then at most an
 * Instrument and a Text fixity line (verify re-hashes those)? */
static bool entry_says(const audit *a, const char *text, size_t size,
	const char *st, const char *tr, const char *ac, const char *dt,
	const char *ref)
{
	chancery_buf want = CHANCERY_BUF_INIT;
	const char *rest;
	bool ok = false;

	if (strlen(text) != size || chancery_buf_printf(&want, "State: %s\n"
			"Treaty: %s\nAction: %s\nDate: %s\nNotification: %s\n",
			st, tr, ac, dt, ref) < 0)
		goto done;
	for (size_t i = 0; i < sizeof(entry_lines) / sizeof(*entry_lines); i++) {
		const char *v = chancery_event_get(a->ev, entry_lines[i]);

		if (v && chancery_buf_printf(&want, "%s: %s\n", entry_lines[i],
				v) < 0)
			goto done;
	}
	if (strncmp(text, want.ptr, want.size))
		goto done;
	rest = text + want.size;
	if (!strncmp(rest, "Instrument: ", 12))
		rest = strchr(rest, '\n');
	if (rest && rest != text + want.size)
		rest++;
	if (rest && !strncmp(rest, "Text: ", 6) &&
	    (rest = strchr(rest, '\n')))
		rest++;
	ok = rest && !*rest;
done:
	chancery_error_clear();
	chancery_buf_dispose(&want);
	return ok;
}

/* The trailers an act of the vocabulary needs: an objection names the
 * reservation and its State, a withdrawal the reservation, a
 * notification its article, a denunciation its effective date (a real
 * date, not before its receipt); NULL, or what is missing. */
static const char *act_fields(const audit *a, const char *ac,
	const char *dt)
{
	const char *eff = chancery_event_get(a->ev, "Effective");
	chancery_date d, e;

	if (!strcmp(ac, "objection") &&
	    (!chancery_event_get(a->ev, "Objects-To") ||
	     !chancery_event_get(a->ev, "Reserving-State")))
		return "an objection without Objects-To and Reserving-State";
	if (!strcmp(ac, "reservation_withdrawal") &&
	    !chancery_event_get(a->ev, "Withdraws"))
		return "a withdrawal of reservation without Withdraws";
	if (!strcmp(ac, "denunciation")) {
		if (!eff || strlen(eff) != 10 ||
		    chancery_date_parse(&e, eff) < 0 ||
		    chancery_date_parse(&d, dt) < 0 ||
		    chancery_date_cmp(&e, &d) < 0) {
			chancery_error_clear();
			return "a denunciation without its Effective date (on "
				"or after its Date)";
		}
	} else if (eff) {
		return "an Effective date on what is not a denunciation";
	}
	return NULL;
}

/* A deposit's trailers agree with each other and with the files: the
 * archive entry archive/STATE/TREATY/DATE-ACTION.txt, the notification
 * notifications/YEAR/NNNN.odt of reference C.N.N.YEAR.TREATIES-C, the
 * number next after the parent's last, and an entry saying the same. */
void chancery__audit_deposit_check(audit *a, git_tree *ptree)
{
	const char *st = chancery_event_get(a->ev, "State");
	const char *tr = chancery_event_get(a->ev, "Treaty");
	const char *ac = chancery_event_get(a->ev, "Action");
	const char *dt = chancery_event_get(a->ev, "Date");
	const char *ref = chancery_event_get(a->ev, "Notification");
	const char *ar = chancery_event_get(a->ev, "Archive");
	const char *nf = chancery_event_get(a->ev, "Notification-File");
	const char *fmt = chancery_event_get(a->ev, "Notification-Format");
	const char *why;
	char want[400], npath[64], prev[64], *text = NULL;
	unsigned n = 0, year = 0;
	change *c;
	size_t size = 0;
	int wn;

	if (!st || !tr || !ac || !dt || !ref || !ar || !nf ||
	    !deposit_fields(st, tr, ac, dt, ref, fmt, nf, &n, &year)) {
		problem(a, "event %s (commit %s): a deposit without a consistent "
			"State, Treaty, Action, Date, Notification and Archive "
			"(a State code, a treaty id, a known action, a real "
			"date, the reference its Notification-Format makes)",
			chancery_event_id(a->ev), a->cid);
		return;
	}
	if ((why = act_fields(a, ac, dt))) {
		problem(a, "event %s (commit %s): %s",
			chancery_event_id(a->ev), a->cid, why);
		return;
	}
	wn = snprintf(want, sizeof(want), "archive/%s/%s/%s-%s.txt", st, tr,
		dt, ac);
	snprintf(npath, sizeof(npath), "notifications/%04u/%04u.odt", year, n);
	if (wn < 0 || (size_t)wn >= sizeof(want) || strcmp(ar, want) ||
	    strncmp(nf, npath, strlen(npath)) || nf[strlen(npath)] != ' ') {
		problem(a, "event %s (commit %s): its archive entry or "
			"notification is not where its State, Treaty, Date and "
			"number put it (%.200s, %s)", chancery_event_id(a->ev),
			a->cid, want, npath);
		return;
	}
	snprintf(prev, sizeof(prev), "notifications/%04u/%04u.odt", year, n - 1);
	if (n > 1) {
		git_tree_entry *e = NULL;
		int rc = ptree ? git_tree_entry_bypath(&e, ptree, prev) :
			GIT_ENOTFOUND;

		if (rc == GIT_ENOTFOUND)
			problem(a, "%s: event %s (commit %s) issues number %u, "
				"but %s was never issued", npath,
				chancery_event_id(a->ev), a->cid, n, prev);
		else if (rc < 0)
			unreadable(a, rc, prev);
		git_tree_entry_free(e);
		git_error_clear();
	}
	if (done(a) || !(c = find_change(a, ar)) || c->status != 'A')
		return; /* reported by the rules */
	if (read_blob(a, &text, &size, &c->id) < 0)
		return;
	if (!entry_says(a, text, size, st, tr, ac, dt, ref))
		problem(a, "%s: the archive entry does not say what event %s "
			"(commit %s) recorded", ar, chancery_event_id(a->ev),
			a->cid);
	chancery_free(text);
}
