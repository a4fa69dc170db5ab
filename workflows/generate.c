/*
 * generate.c - the invitation letters of a campaign: each recipient's
 * letter rendered from its language's template with its letter data, its
 * provenance in meta.xml (the template's blob, the registry's tree, the
 * engine's version, the campaign), one commit for the batch in
 * campaigns/ID/letters/CODE.odt.
 *
 * Invariants: a letter whose blob is already in the tree makes no change,
 * so generating twice records nothing the second time; one letter that
 * cannot be rendered records none of them. `verify` renders afresh and
 * compares the current letters, recording nothing. A dispatched letter is
 * a record (dispatch.c): one that would change is refused, naming the
 * States, unless `supersede` asks for a new letter, CODE-N.odt with
 * reference ID/CODE/N and the same inputs, recorded with "State",
 * "Reference" and "Supersedes" trailers; a batch written after any
 * dispatch names the States it writes. A closed campaign generates
 * nothing. Left out on purpose: PDF (the tool runs the office for that)
 * and dispatch itself (reply.c).
 */
#include "workflows.h"

#include <string.h>

typedef struct {
	const char *id;
	const chancery_letters_options *o;
	chancery_letters_result *res;
	chancery_repository *repo;
	size_t problems;
} gen_ctx;

/* What one attempt at the batch holds (the commit may be retried). */
typedef struct {
	chancery_template *tpl[3];    /* invitation in en, fr, es */
	char *data[3];
	char blob[3][41];             /* their blob ids, for provenance */
	char registry[41];            /* the registry's tree id */
	size_t count, changed;
	wf_dispatch *disp;            /* per recipient: dispatched? */
	char written[41], wregistry[41]; /* the last commit asked for, and
	                              * the registry id its tree holds */
	bool name_states;             /* some letter was dispatched */
	chancery_buf refused;         /* dispatched letters that would change */
	size_t nrefused;
} batch;

/* The id of the entry at `path` of `tree` into out ("" when none). */
static void entry_id(char out[41], const chancery_tree *tree, const char *path)
{
	chancery_entry e;

	if (chancery__tree_entry(&e, tree, path) == 0)
		chancery__oid_tostr(out, &e.id);
	chancery_error_clear();
}

/* Is the file at `path` of `base` this very content? *missing tells
 * whether there is a file at all. */
static bool stored_same(const chancery_tree *base, const char *path, const void *odt,
	size_t size, bool *missing)
{
	chancery_entry e;
	chancery_oid id;
	bool found = false;
	bool same = chancery__oid_hash(&id, odt, size) == 0 &&
		(found = chancery__tree_entry(&e, base, path) == 0) &&
		chancery__oid_equal(&id, &e.id);

	*missing = !found;
	chancery_error_clear();
	return same;
}

static void report(gen_ctx *g, const char *line)
{
	g->problems++;
	if (g->o->problem)
		g->o->problem(line, g->o->payload);
}

static int load_templates(batch *b, gen_ctx *g, const chancery_tree *base)
{
	static const char *const langs[3] = { "en", "fr", "es" };
	int error;

	for (int l = 0; l < 3; l++) {
		char path[200];
		size_t size;
		chancery_template_options to = CHANCERY_TEMPLATE_OPTIONS_INIT;

		snprintf(path, sizeof(path), "campaigns/%s/templates/invitation-%s.odt",
			g->id, langs[l]);
		if ((error = wf_tree_read(&b->data[l], &size, g->repo,
				base, path)) < 0)
			return error;
		entry_id(b->blob[l], base, path);
		to.name = path + strlen("campaigns/") + strlen(g->id) + 11;
		if ((error = chancery_template_load_odt(&b->tpl[l], b->data[l],
				size, &to)) < 0)
			return error;
	}
	return 0;
}

static void batch_free(batch *b)
{
	for (int l = 0; l < 3; l++) {
		chancery_template_free(b->tpl[l]);
		chancery_free(b->data[l]);
	}
	chancery_free(b->disp);
	chancery_buf_dispose(&b->refused);
}

/* Render the letter to `st` into *odt; 1 when it cannot be rendered
 * (reported, the batch goes on to find every such letter). */
static int render_one(void **odt, size_t *size, gen_ctx *g, const batch *b,
	const context *x, const chancery_state *st, unsigned n,
	const char *registry)
{
	int l = wf_lang_index(st->language), error;
	json_t *data = NULL;
	char version[64];
	const char *meta[9];

	if ((error = wf_letter_data(&data, &x->c, x->reg, x->featured,
			x->nfeat, st)) < 0)
		return error;
	wf_letter_reference_set(data, x->c.id, st->code, n);
	snprintf(version, sizeof(version), "chancery %s", CHANCERY_VERSION);
	meta[0] = "chancery:template";
	meta[1] = b->blob[l];
	meta[2] = "chancery:registry";
	meta[3] = registry;
	meta[4] = "chancery:engine";
	meta[5] = version;
	meta[6] = "chancery:campaign";
	meta[7] = g->id;
	meta[8] = NULL;
	error = chancery_template_render_odt_meta(odt, size, b->tpl[l],
		chancery__data_view(data), meta);
	json_decref(data);
	if (error < 0) {
		char line[700];

		snprintf(line, sizeof(line), "%s: %s", st->code,
			chancery_error_last()->message);
		report(g, line);
		return 1;
	}
	return 0;
}

/* A dispatched letter that would change: refused, or superseded by letter
 * n + 1 (its own file and reference, named in the event). */
static int supersede_one(chancery_changeset *cs, chancery_event *ev,
	gen_ctx *g, batch *b, const context *x, const chancery_state *st,
	unsigned n)
{
	void *odt = NULL;
	size_t size = 0;
	char path[200], ref[120];
	int error;

	if (!g->o->supersede || n >= WF_LETTER_MAX) {
		b->nrefused++;
		return b->nrefused > 8 ? 0 : chancery_buf_printf(&b->refused,
			"%s%s", b->nrefused > 1 ? ", " : "", st->code);
	}
	if ((error = render_one(&odt, &size, g, b, x, st, n + 1,
			b->registry)) != 0)
		return error < 0 ? error : 0;
	b->changed++;
	if (g->o->dry_run) {
		chancery_free(odt);
		return 0;
	}
	wf_letter_path(path, sizeof(path), g->id, st->code, n + 1);
	if ((error = chancery_changeset_add_owned(cs, path, odt, size)) < 0)
		return error;
	if (!g->o->state && (error = chancery_event_add(ev, "State",
			st->code)) < 0)
		return error;
	wf_reference_nth(ref, sizeof(ref), g->id, st->code, n + 1);
	if ((error = chancery_event_add(ev, "Reference", ref)) < 0)
		return error;
	wf_reference_nth(ref, sizeof(ref), g->id, st->code, n);
	return chancery_event_add(ev, "Supersedes", ref);
}

/* One recipient's letter: rendered, then compared (verify), skipped
 * (unchanged), refused or superseded (dispatched) or added to the
 * changeset. `n` is its current letter's number (0: none yet). */
static int letter_one(chancery_changeset *cs, chancery_event *ev,
	const chancery_tree *base, gen_ctx *g, batch *b, const context *x,
	const chancery_state *st, unsigned n, const wf_dispatch *d)
{
	void *odt = NULL;
	size_t size = 0;
	char path[200];
	const char *registry = b->registry;
	bool missing, same, sent = d->sent;
	int error;

	if (sent && d->written[0]) {
		/* a dispatched letter is compared with what its own inputs
		 * give: the registry its commit held, not today's */
		if (strcmp(b->written, d->written)) {
			snprintf(b->written, sizeof(b->written), "%s", d->written);
			if ((error = wf_registry_at(b->wregistry, g->repo,
					d->written)) < 0) {
				b->written[0] = '\0';
				return error;
			}
		}
		if (b->wregistry[0])
			registry = b->wregistry;
	}
	if ((error = render_one(&odt, &size, g, b, x, st, n, registry)) != 0)
		return error < 0 ? error : 0;
	b->count++;
	wf_letter_path(path, sizeof(path), g->id, st->code, n);
	same = stored_same(base, path, odt, size, &missing);
	if (g->o->verify) {
		if (!same) {
			char line[300];

			snprintf(line, sizeof(line), "%s: %s", path, !missing ?
				"differs from a fresh rendering" : "missing");
			report(g, line);
		}
		chancery_free(odt);
		return 0;
	}
	if (!same && sent && n) {
		chancery_free(odt);
		error = supersede_one(cs, ev, g, b, x, st, n);
	} else if (!same) {
		b->changed++;
		if (!g->o->dry_run)
			error = chancery_changeset_add_owned(cs, path, odt, size);
		else
			chancery_free(odt);
		if (!error && !g->o->dry_run && b->name_states && !g->o->state)
			error = chancery_event_add(ev, "State", st->code);
	} else {
		chancery_free(odt);
	}
	if (!error && g->o->progress)
		g->o->progress(b->count, x->nrec, g->o->payload);
	return error;
}

/* After the batch: the outcome. CHANCERY_EUNCHANGED stops the commit when
 * nothing is to be recorded (verify, dry run, up to date); the caller
 * turns it into a result. */
static int outcome(gen_ctx *g, const batch *b)
{
	if (g->o->state && !b->count && !g->problems)
		return chancery__error(CHANCERY_ENOTFOUND,
			"'%s' is not a recipient of campaign '%s'", g->o->state, g->id);
	g->res->letters = b->count;
	g->res->changed = b->changed;
	if (g->o->verify)
		return g->problems ? chancery__error(CHANCERY_ECONFLICT,
			"%zu of %zu letter%s differ from a fresh rendering",
			g->problems, b->count, b->count == 1 ? "" : "s") :
			chancery__error(CHANCERY_EUNCHANGED,
				"%zu letters are what their inputs give", b->count);
	if (g->problems)
		return chancery__error(CHANCERY_EINVALID,
			"%zu letter%s could not be rendered; nothing was recorded",
			g->problems, g->problems == 1 ? "" : "s");
	if (b->nrefused)
		return chancery__error(CHANCERY_EINVALID, "the letter%s to %s%s "
			"%s dispatched: a dispatched letter is a record, not "
			"written over; chancery letters generate %s --supersede "
			"[--state STATE] makes a new one that supersedes it "
			"(nothing recorded)", b->nrefused == 1 ? "" : "s",
			b->refused.ptr ? b->refused.ptr : "", b->nrefused > 8 ?
			" and others" : "", b->nrefused == 1 ? "was" : "were",
			g->id);
	if (g->o->dry_run || !b->changed)
		return chancery__error(CHANCERY_EUNCHANGED, g->o->dry_run ?
			"dry run: nothing recorded" :
			"the letters are up to date: nothing to record");
	return 0;
}

static int gen_extra(chancery_changeset *cs, const chancery_tree *base,
	const chancery_oid *head, chancery_event *ev, void *payload)
{
	gen_ctx *g = payload;
	context x;
	batch b;
	char d[11], at[CHANCERY_OID_HEXSZ + 1];
	int error;

	memset(&b, 0, sizeof(b));
	memset(&x, 0, sizeof(x));
	if (!head)
		return chancery__error(CHANCERY_ENOTREPO,
			"the repository has no commit yet");
	/* provenance: the registry's tree, stable while it does not change
	 * (git log -- registry finds the commit) */
	entry_id(b.registry, base, "registry");
	at[0] = '\0';
	if (head)
		chancery__oid_tostr(at, head);
	if ((error = wf_context_load(&x, g->repo, base, g->id)) < 0 ||
	    (!g->o->verify && (error = wf_open_check(&x.c, "letters")) < 0) ||
	    (error = wf_dispatched(&b.disp, g->repo, &x,
			at[0] ? at : NULL)) < 0 ||
	    (error = load_templates(&b, g, base)) < 0)
		goto done;
	for (size_t i = 0; i < x.nrec; i++)
		b.name_states |= b.disp[i].sent;
	for (size_t i = 0; i < x.nrec; i++) {
		const chancery_state *st = chancery_registry_state_find(x.reg,
			x.recipients[i]);

		if (!st || (g->o->state && strcmp(g->o->state, st->code)))
			continue;
		if ((error = letter_one(cs, ev, base, g, &b, &x, st,
				x.letter[i], &b.disp[i])) < 0)
			goto done;
	}
	if ((error = outcome(g, &b)) < 0)
		goto done;
	chancery_date_format(d, sizeof(d), &x.c.letter_date);
	error = wf_add_count(ev, "Letters", b.changed);
	if (!error)
		error = chancery_event_add(ev, "Date", d);
done:
	batch_free(&b);
	wf_context_free(&x);
	return error;
}

int chancery_campaign_generate(chancery_letters_result *res,
	chancery_repository *repo, const char *id,
	const chancery_letters_options *opts)
{
	chancery_letters_options none = CHANCERY_LETTERS_OPTIONS_INIT;
	gen_ctx g = { id, opts ? opts : &none, res, repo, 0 };
	chancery_event *ev = NULL;
	char subject[200];
	int error;

	CHANCERY_ASSERT_ARG(res && repo && id);
	memset(res, 0, sizeof(*res));
	CHANCERY_CHECK_VERSION(opts, CHANCERY_LETTERS_OPTIONS_VERSION);
	if (!chancery_campaign_id_valid(id))
		return wf_id_error(id);
	if ((error = chancery_event_new(&ev, "letters")) < 0 ||
	    (error = chancery_event_add(ev, "Campaign", id)) < 0)
		goto done;
	if (g.o->state && (error = chancery_event_add(ev, "State",
			g.o->state)) < 0)
		goto done;
	snprintf(subject, sizeof(subject), "letters %s: generate%s%s%s", id,
		g.o->state ? " for " : "", g.o->state ? g.o->state : "",
		g.o->supersede ? ", superseding what was dispatched" : "");
	if ((error = chancery_event_set_subject(ev, subject)) < 0)
		goto done;
	error = chancery__event_record(repo, ev, gen_extra, &g, NULL);
	if (error == CHANCERY_EUNCHANGED) {
		/* nothing recorded is a result (res->commit ""), not an error */
		chancery_error_clear();
		error = 0;
	} else if (!error && chancery_event_commit(ev))
		snprintf(res->commit, sizeof(res->commit), "%s",
			chancery_event_commit(ev));
done:
	chancery_event_free(ev);
	return error;
}
