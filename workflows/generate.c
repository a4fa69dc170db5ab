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
 * compares, recording nothing. Left out on purpose: PDF (the tool runs
 * the office for that) and dispatch (reply.c).
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
}

/* Render the letter to `st` into *odt; 1 when it cannot be rendered
 * (reported, the batch goes on to find every such letter). */
static int render_one(void **odt, size_t *size, gen_ctx *g, const batch *b,
	const context *x, const chancery_state *st)
{
	int l = wf_lang_index(st->language), error;
	json_t *data = NULL;
	char version[64];
	const char *meta[9];

	if ((error = wf_letter_data(&data, &x->c, x->reg, x->featured,
			x->nfeat, st)) < 0)
		return error;
	snprintf(version, sizeof(version), "chancery %s", CHANCERY_VERSION);
	meta[0] = "chancery:template";
	meta[1] = b->blob[l];
	meta[2] = "chancery:registry";
	meta[3] = b->registry;
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

/* One recipient's letter: rendered, then compared (verify), skipped
 * (unchanged) or added to the changeset. */
static int letter_one(chancery_changeset *cs, const chancery_tree *base, gen_ctx *g,
	batch *b, const context *x, const chancery_state *st)
{
	void *odt = NULL;
	size_t size = 0;
	char path[200];
	bool missing, same;
	int error;

	if ((error = render_one(&odt, &size, g, b, x, st)) != 0)
		return error < 0 ? error : 0;
	b->count++;
	snprintf(path, sizeof(path), "campaigns/%s/letters/%s.odt", g->id,
		st->code);
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
	if (!same) {
		b->changed++;
		if (!g->o->dry_run)
			error = chancery_changeset_add_owned(cs, path, odt, size);
		else
			chancery_free(odt);
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
	char d[11];
	int error;

	memset(&b, 0, sizeof(b));
	memset(&x, 0, sizeof(x));
	if (!head)
		return chancery__error(CHANCERY_ENOTREPO,
			"the repository has no commit yet");
	/* provenance: the registry's tree, stable while it does not change
	 * (git log -- registry finds the commit) */
	entry_id(b.registry, base, "registry");
	if ((error = wf_context_load(&x, g->repo, base, g->id)) < 0 ||
	    (error = load_templates(&b, g, base)) < 0)
		goto done;
	for (size_t i = 0; i < x.nrec; i++) {
		const chancery_state *st = chancery_registry_state_find(x.reg,
			x.recipients[i]);

		if (!st || (g->o->state && strcmp(g->o->state, st->code)))
			continue;
		if ((error = letter_one(cs, base, g, &b, &x, st)) < 0)
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
	snprintf(subject, sizeof(subject), "letters %s: generate%s%s", id,
		g.o->state ? " for " : "", g.o->state ? g.o->state : "");
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
