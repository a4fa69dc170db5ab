/*
 * audit_rules.c - what a commit may change besides its event's record and
 * attachments, by event type (the `rules` table): an init the format file
 * and the registry's tables, an import the one table it names, a campaign
 * its own files once, letters and reminders into a campaign the parent
 * holds (CODE.odt, or CODE-N.odt after letter N-1: letters_check refuses
 * one that writes over a dispatched or superseded letter, reading the
 * campaign's history), a close its closed.txt (close_check), a deposit
 * its archive entry and notification (deposit_check: the trailers agree
 * with each other and with those files, as chancery writes them), a void
 * of a deposit the marker beside its entry and the correction
 * notification (refers_check: a void or a correction names an event the
 * parent holds, of a type it may void or correct). Every other type
 * changes nothing else.
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

/* A letter's number from its name: CODE.odt is 1, CODE-N.odt N (2 to
 * 999, no leading zero); 0 when the name is neither. */
static unsigned letter_number(const char *name)
{
	unsigned n = 0;
	size_t len = name ? strlen(name) : 0, i;

	if (len == 7)
		return letter_name(name, false) ? 1 : 0;
	if (len < 9 || len > 11 || name[3] != '-' || name[4] == '0' ||
	    strcmp(name + len - 4, ".odt"))
		return 0;
	for (i = 4; i < len - 4; i++) {
		if (name[i] < '0' || name[i] > '9')
			return 0;
		n = n * 10 + (unsigned)(name[i] - '0');
	}
	{
		char code[8];

		snprintf(code, sizeof(code), "%.3s.odt", name);
		if (!letter_name(code, false))
			return 0;
	}
	return n >= 2 ? n : 0;
}

/* Does the parent hold letter `n` of the State whose letter `path` is? */
static bool parent_has_letter(const audit *a, const char *path, unsigned n)
{
	char want[300];
	const char *slash = strrchr(path, '/');
	git_tree_entry *e = NULL;
	int rc;

	if (!slash || !a->ptree)
		return false;
	if (n > 1)
		snprintf(want, sizeof(want), "%.*s%.3s-%u.odt",
			(int)(slash + 1 - path), path, slash + 1, n);
	else
		snprintf(want, sizeof(want), "%.*s%.3s.odt",
			(int)(slash + 1 - path), path, slash + 1);
	rc = git_tree_entry_bypath(&e, a->ptree, want);
	git_tree_entry_free(e);
	git_error_clear();
	return rc == 0;
}

/* Letters (re)written for the States of an open campaign: CODE.odt, or
 * CODE-N.odt added after letter N-1 (it supersedes it). Whether a letter
 * replaced was dispatched is chancery__audit_letters_check's. */
static bool letters_may(const audit *a, const change *c)
{
	unsigned n = letter_number(in_campaign(a, c->path, "letters/", ".odt"));

	if (!n || campaign_in_parent(a) != 1)
		return false;
	return n == 1 || c->status != 'A' || parent_has_letter(a, c->path,
		n - 1);
}

/* A campaign closed: its closed.txt added, and nothing else (close_check:
 * it says "Closed: DATE", the event's Date). */
static bool close_may(const audit *a, const change *c)
{
	const char *name = in_campaign(a, c->path, "", ".txt");

	return c->status == 'A' && name && !strcmp(name, "closed.txt") &&
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

/* A void of a deposit: its marker beside the entry and the correction
 * notification its trailers name (chancery__audit_refers_check makes
 * sure they are the voided deposit's). A void of anything else adds
 * nothing but its record. */
static bool void_may(const audit *a, const change *c)
{
	const char *ar = chancery_event_get(a->ev, "Archive");
	size_t n = ar ? strlen(ar) : 0;

	return n > 5 && !strcmp(ar + n - 5, ".void") && deposit_may(a, c);
}

/* An upgrade: .chancery/format replaced, from a known older format (the
 * parent's) by the latest, exactly as upgrade.c writes it. */
static bool upgrade_may(const audit *a, const change *c)
{
	git_blob *blob = NULL;
	int fmt = 0;
	bool ok;

	if (c->status != 'M' || strcmp(c->path, CHANCERY_FORMAT_PATH) ||
	    !a->ptree || chancery__tree_format(&fmt, a->repo, a->ptree) < 0 ||
	    fmt >= CHANCERY__FORMAT_LATEST ||
	    git_blob_lookup(&blob, a->repo->git, &c->id) < 0) {
		chancery_error_clear();
		git_error_clear();
		return false;
	}
	ok = (size_t)git_blob_rawsize(blob) == strlen(CHANCERY_FORMAT_TEXT) &&
		!memcmp(git_blob_rawcontent(blob), CHANCERY_FORMAT_TEXT,
			strlen(CHANCERY_FORMAT_TEXT));
	git_blob_free(blob);
	return ok;
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
	{ "close", close_may },
	{ "deposit", deposit_may },
	{ "void", void_may },
	{ "sync", nothing_may },
	{ "upgrade", upgrade_may },
};

chancery__audit_rule chancery__audit_rule_of(const char *type)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].type, type))
			return rules[i].may;
	return nothing_may;
}

/* ---- letters: a dispatched one is not written over ------------------------ */

/* Which States' current letters a campaign's history (up to the parent)
 * says went out: a send naming a State dispatches its letter; a letters
 * event naming it (or a batch naming none) writes it again, as
 * workflows/dispatch.c reads it for the library. */
typedef struct {
	struct { char code[4]; bool sent; } *st;
	size_t n, alloc;
} sent_scan;

static int sent_cb(const chancery_event *ev, void *payload)
{
	sent_scan *s = payload;
	const char *type = chancery_event_type(ev);
	bool send = !strcmp(type, "send"), named = false;

	if (!send && strcmp(type, "letters"))
		return 0;
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *v;
		size_t j;

		chancery_event_field(&k, &v, ev, i);
		if (strcmp(k, "State") || strlen(v) != 3)
			continue;
		named = true;
		for (j = 0; j < s->n && strcmp(s->st[j].code, v); j++)
			;
		if (j == s->n) {
			if (chancery__grow((void **)&s->st, &s->alloc, s->n + 1,
					sizeof(*s->st)) < 0)
				return CHANCERY_ENOMEM;
			memcpy(s->st[s->n++].code, v, 4);
		}
		s->st[j].sent = send;
	}
	for (size_t j = 0; !send && !named && j < s->n; j++)
		s->st[j].sent = false;
	return 0;
}

/* A letters commit writes over no letter that went out, nor one that a
 * later letter superseded: a dispatched letter is a record. */
void chancery__audit_letters_check(audit *a)
{
	const char *campaign = chancery_event_get(a->ev, "Campaign");
	chancery_log_options lo = CHANCERY_LOG_OPTIONS_INIT;
	sent_scan s = { NULL, 0, 0 };
	char parent[GIT_OID_HEXSZ + 1];
	bool scanned = false;
	int error;

	if (!chancery__campaign_id_valid(campaign) ||
	    git_commit_parentcount(a->commit) != 1)
		return;
	git_oid_tostr(parent, sizeof(parent), git_commit_parent_id(a->commit, 0));
	for (size_t i = 0; i < a->nch && !done(a); i++) {
		const change *c = &a->ch[i];
		const char *name = in_campaign(a, c->path, "letters/", ".odt");
		unsigned n = letter_number(name);
		size_t j;

		if (c->status != 'M' || !n)
			continue;
		if (parent_has_letter(a, c->path, n + 1)) {
			problem(a, "%s: commit %s writes over a letter that a "
				"later one superseded: a dispatched letter is a "
				"record", c->path, a->cid);
			continue;
		}
		if (!scanned) {
			lo.campaign = campaign;
			lo.oldest_first = 1;
			lo.at = parent;
			scanned = true;
			if ((error = chancery_event_foreach(a->repo, &lo, sent_cb,
					&s)) < 0) {
				unreadable(a, error, "the campaign's history");
				break;
			}
		}
		for (j = 0; j < s.n && strncmp(s.st[j].code, name, 3); j++)
			;
		if (j < s.n && s.st[j].sent)
			problem(a, "%s: commit %s writes over the letter to %s, "
				"which was dispatched: a dispatched letter is a "
				"record (a new letter supersedes it)", c->path,
				a->cid, s.st[j].code);
	}
	chancery_free(s.st);
}

/* ---- a campaign closed ------------------------------------------------------ */

/* A close commit adds campaigns/ID/closed.txt saying "Closed: DATE", its
 * own Date, to a campaign that was open. */
void chancery__audit_close_check(audit *a)
{
	const char *campaign = chancery_event_get(a->ev, "Campaign");
	const char *date = chancery_event_get(a->ev, "Date");
	char path[200], *text = NULL, line[40];
	size_t size = 0;
	change *c;

	if (!chancery__campaign_id_valid(campaign) || !date ||
	    !chancery__date_valid(date) || strlen(date) != 10) {
		problem(a, "event %s (commit %s): a close without a campaign "
			"and a date", chancery_event_id(a->ev), a->cid);
		return;
	}
	snprintf(path, sizeof(path), "campaigns/%s/closed.txt", campaign);
	if (!(c = find_change(a, path)) || c->status != 'A') {
		problem(a, "event %s (commit %s): a close that does not add %s",
			chancery_event_id(a->ev), a->cid, path);
		return;
	}
	snprintf(line, sizeof(line), "Closed: %s\n", date);
	if (read_blob(a, &text, &size, &c->id) == 0 &&
	    (size != strlen(line) || strcmp(text, line)))
		problem(a, "%s: commit %s does not say \"Closed: %s\", the "
			"date of its event", path, a->cid, date);
	chancery_free(text);
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

/* ---- a void, a correction -------------------------------------------------- */

/* The value of header line `key` of a record (its "Key: value" lines up to
 * the first blank line), into `out`; false when it has none. */
static bool record_field(char *out, size_t size, const char *text,
	const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = text; *p && *p != '\n';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len > kl + 2 && !strncmp(p, key, kl) && p[kl] == ':' &&
		    p[kl + 1] == ' ') {
			snprintf(out, size, "%.*s", (int)(len - kl - 2),
				p + kl + 2);
			return true;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return false;
}

/* The record of event `id` in the parent's tree, into *text (NULL and a
 * problem when the parent holds no such event). */
static void parent_record(audit *a, char **text, const char *id,
	const char *what)
{
	char dir[CHANCERY__EVENT_DIR_MAX], path[CHANCERY__EVENT_DIR_MAX + 8];
	git_tree_entry *e = NULL;
	size_t size;
	int rc;

	*text = NULL;
	if (chancery__event_dir(dir, sizeof(dir), id,
			CHANCERY__FORMAT_MONTH) < 0) {
		chancery_error_clear();
		problem(a, "event %s (commit %s): %s '%.60s' is not an event id",
			chancery_event_id(a->ev), a->cid, what, id);
		return;
	}
	/* filed by day or by month, as the parent's history did */
	if (a->ptree && chancery__event_dir_in(dir, sizeof(dir), a->ptree,
			id) < 0)
		chancery_error_clear();
	snprintf(path, sizeof(path), "%s.txt", dir);
	rc = a->ptree ? git_tree_entry_bypath(&e, a->ptree, path) :
		GIT_ENOTFOUND;
	if (rc == GIT_ENOTFOUND)
		problem(a, "event %s (commit %s): %s %s, an event that was never "
			"recorded", chancery_event_id(a->ev), a->cid, what, id);
	else if (rc < 0)
		unreadable(a, rc, path);
	else
		read_blob(a, text, &size, git_tree_entry_id(e));
	git_tree_entry_free(e);
	git_error_clear();
}

/* A deposit's void: the marker is its entry's, says what it voids, and
 * the correction notification is the next number of its year. */
static void deposit_void_check(audit *a, const char *record, const char *id)
{
	const char *ar = chancery_event_get(a->ev, "Archive");
	const char *nf = chancery_event_get(a->ev, "Notification-File");
	char entry[300], want[300], prev[64], head[80], *text = NULL;
	unsigned year = 0, n = 0;
	int used = 0;
	change *c;
	size_t size;

	if (!ar || !nf || !chancery_event_get(a->ev, "Notification") ||
	    !record_field(entry, sizeof(entry), record, "Archive") ||
	    strlen(entry) < 5) {
		problem(a, "event %s (commit %s): the void of deposit %s names "
			"no marker or correction notification",
			chancery_event_id(a->ev), a->cid, id);
		return;
	}
	snprintf(want, sizeof(want), "%.*s.void", (int)(strlen(entry) - 4),
		entry);
	if (strcmp(ar, want) || sscanf(nf, "notifications/%4u/%4u.odt %n",
			&year, &n, &used) < 2 || !used || !n) {
		problem(a, "event %s (commit %s): its marker or correction "
			"notification is not where the void of %s puts it (%s)",
			chancery_event_id(a->ev), a->cid, id, want);
		return;
	}
	snprintf(prev, sizeof(prev), "notifications/%04u/%04u.odt", year,
		n - 1);
	if (n > 1) {
		git_tree_entry *e = NULL;
		int rc = a->ptree ? git_tree_entry_bypath(&e, a->ptree, prev) :
			GIT_ENOTFOUND;

		if (rc == GIT_ENOTFOUND)
			problem(a, "event %s (commit %s) issues number %u, but "
				"%s was never issued", chancery_event_id(a->ev),
				a->cid, n, prev);
		git_tree_entry_free(e);
		git_error_clear();
	}
	if (done(a) || !(c = find_change(a, ar)) || c->status != 'A')
		return; /* reported by the rules */
	if (read_blob(a, &text, &size, &c->id) < 0)
		return;
	snprintf(head, sizeof(head), "Voids: %s\n", id);
	if (strncmp(text, head, strlen(head)))
		problem(a, "%s: the marker does not say it voids %s (commit %s)",
			ar, id, a->cid);
	chancery_free(text);
}

/* A void names a reply, note or deposit the parent holds; a correction
 * names a reply of its own campaign and State the parent holds. */
void chancery__audit_refers_check(audit *a)
{
	const char *type = chancery_event_type(a->ev);
	bool is_void = !strcmp(type, "void");
	const char *id = chancery_event_get(a->ev,
		is_void ? "Voids" : "Corrects");
	char *rec = NULL, kind[32] = "", v[80];

	if (!id) {
		if (is_void)
			problem(a, "event %s (commit %s): a void names no event "
				"(Voids)", chancery_event_id(a->ev), a->cid);
		return;
	}
	if (!is_void && strcmp(type, "reply")) {
		problem(a, "event %s (commit %s): a %s corrects nothing; only a "
			"reply corrects a reply", chancery_event_id(a->ev),
			a->cid, type);
		return;
	}
	parent_record(a, &rec, id, is_void ? "voids" : "corrects");
	if (!rec)
		return;
	record_field(kind, sizeof(kind), rec, "Event");
	if (is_void && strcmp(kind, "reply") && strcmp(kind, "note") &&
	    strcmp(kind, "deposit"))
		problem(a, "event %s (commit %s): voids %s, a %s: only a reply, "
			"a note or a deposit is voided", chancery_event_id(a->ev),
			a->cid, id, kind);
	else if (!is_void) {
		const char *keys[] = { "Campaign", "State" };

		if (strcmp(kind, "reply"))
			problem(a, "event %s (commit %s): corrects %s, a %s, not "
				"a reply", chancery_event_id(a->ev), a->cid, id,
				kind);
		for (size_t k = 0; k < 2 && !done(a); k++) {
			const char *mine = chancery_event_get(a->ev, keys[k]);

			if (!record_field(v, sizeof(v), rec, keys[k]) || !mine ||
			    strcmp(v, mine))
				problem(a, "event %s (commit %s): corrects %s, "
					"which is not a reply of its %s",
					chancery_event_id(a->ev), a->cid, id,
					keys[k]);
		}
	} else if (!strcmp(kind, "deposit"))
		deposit_void_check(a, rec, id);
	else if (chancery_event_get(a->ev, "Notification") ||
		 chancery_event_get(a->ev, "Archive"))
		problem(a, "event %s (commit %s): the void of a %s issues no "
			"notification", chancery_event_id(a->ev), a->cid, kind);
	chancery_free(rec);
}
