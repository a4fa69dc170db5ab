/*
 * campaign.c - opening a campaign: one commit that stores in campaigns/ID/
 * everything its letters will depend on (campaign_file.c lists the
 * files): the dates, the workflow's source, the featured treaties and the
 * recipients as they are that day, and the nine templates (invitation,
 * reminder, acknowledgment in en, fr, es), shipped or given.
 *
 * Invariants: a campaign is opened once (an existing campaigns/ID is
 * refused); every treaty, State and template is checked before anything
 * is written, so a campaign that opened can always be rendered (a
 * template given for a kind or a language that does not exist is refused,
 * not ignored; a deadline after the event too). The
 * shipped templates are embedded in the library, so a campaign does not
 * depend on where the library was built. Left out on purpose: changing a
 * campaign once open (the record is what was sent).
 */
#include "workflows.h"
#include "../engine/table.h"
#include "../engine/embed.h"

#include <string.h>

#ifndef CHANCERY_TEMPLATES_DIR
#error "CHANCERY_TEMPLATES_DIR must name letters/templates"
#endif

/* ---- the shipped templates, embedded ------------------------------------- */

CHANCERY_EMBED(tpl_inv_en, CHANCERY_TEMPLATES_DIR, "invitation-en.odt");
CHANCERY_EMBED(tpl_inv_fr, CHANCERY_TEMPLATES_DIR, "invitation-fr.odt");
CHANCERY_EMBED(tpl_inv_es, CHANCERY_TEMPLATES_DIR, "invitation-es.odt");
CHANCERY_EMBED(tpl_rem_en, CHANCERY_TEMPLATES_DIR, "reminder-en.odt");
CHANCERY_EMBED(tpl_rem_fr, CHANCERY_TEMPLATES_DIR, "reminder-fr.odt");
CHANCERY_EMBED(tpl_rem_es, CHANCERY_TEMPLATES_DIR, "reminder-es.odt");
CHANCERY_EMBED(tpl_ack_en, CHANCERY_TEMPLATES_DIR, "acknowledgment-en.odt");
CHANCERY_EMBED(tpl_ack_fr, CHANCERY_TEMPLATES_DIR, "acknowledgment-fr.odt");
CHANCERY_EMBED(tpl_ack_es, CHANCERY_TEMPLATES_DIR, "acknowledgment-es.odt");

static const struct {
	const char *name;
	const char *data;
	const uint64_t *size;
} shipped_templates[] = {
	{ "invitation-en", tpl_inv_en, &tpl_inv_en_size },
	{ "invitation-fr", tpl_inv_fr, &tpl_inv_fr_size },
	{ "invitation-es", tpl_inv_es, &tpl_inv_es_size },
	{ "reminder-en", tpl_rem_en, &tpl_rem_en_size },
	{ "reminder-fr", tpl_rem_fr, &tpl_rem_fr_size },
	{ "reminder-es", tpl_rem_es, &tpl_rem_es_size },
	{ "acknowledgment-en", tpl_ack_en, &tpl_ack_en_size },
	{ "acknowledgment-fr", tpl_ack_fr, &tpl_ack_fr_size },
	{ "acknowledgment-es", tpl_ack_es, &tpl_ack_es_size },
};
#define NTEMPLATES (sizeof(shipped_templates) / sizeof(*shipped_templates))
/* ---- opening ---------------------------------------------------------------------- */

typedef struct {
	const chancery_campaign_options *o;
	const chancery_workflow *wf;
	char *featured;     /* featured.tsv text */
	char *recipients;   /* recipients.tsv text */
	struct { char *name; char *data; size_t size; } tpl[NTEMPLATES];
} open_ctx;

static int open_extra(chancery_changeset *cs, const chancery_tree *base,
	const chancery_oid *head, chancery_event *ev, void *payload)
{
	open_ctx *x = payload;
	const chancery_campaign_options *o = x->o;
	chancery_buf b = CHANCERY_BUF_INIT;
	char path[300], d1[11], d2[11], d3[11], d4[11];
	const char *src;
	size_t size;
	int error;

	(void)head;
	(void)ev;
	snprintf(path, sizeof(path), "campaigns/%s", o->id);
	if (base && chancery__tree_has(base, path))
		return chancery__error(CHANCERY_EEXISTS,
			"campaign '%s' is open already", o->id);
	chancery_date_format(d1, sizeof(d1), &o->letter_date);
	chancery_date_format(d2, sizeof(d2), &o->deadline);
	chancery_date_format(d3, sizeof(d3), &o->event_start);
	chancery_date_format(d4, sizeof(d4), &o->event_end);
	if ((error = chancery_buf_printf(&b, "Campaign: %s\nTitle: %s\n"
			"Workflow: %s\nLetter-Date: %s\nDeadline: %s\n"
			"Event-Start: %s\nEvent-End: %s\nFeatured: %s\n", o->id,
			o->title, chancery_workflow_name(x->wf), d1, d2, d3, d4,
			o->featured)) < 0 ||
	    (o->title_fr && (error = chancery_buf_printf(&b, "Title-fr: %s\n",
			o->title_fr)) < 0) ||
	    (o->title_es && (error = chancery_buf_printf(&b, "Title-es: %s\n",
			o->title_es)) < 0))
		goto done;
	snprintf(path, sizeof(path), "campaigns/%s/campaign.txt", o->id);
	if ((error = chancery_changeset_add(cs, path, b.ptr, b.size)) < 0)
		goto done;
	src = chancery_workflow_source(x->wf, &size);
	snprintf(path, sizeof(path), "campaigns/%s/workflow.xml", o->id);
	if ((error = chancery_changeset_add(cs, path, src, size)) < 0)
		goto done;
	snprintf(path, sizeof(path), "campaigns/%s/featured.tsv", o->id);
	if ((error = chancery_changeset_add(cs, path, x->featured,
			strlen(x->featured))) < 0)
		goto done;
	snprintf(path, sizeof(path), "campaigns/%s/recipients.tsv", o->id);
	if ((error = chancery_changeset_add(cs, path, x->recipients,
			strlen(x->recipients))) < 0)
		goto done;
	for (size_t i = 0; i < NTEMPLATES; i++) {
		snprintf(path, sizeof(path), "campaigns/%s/templates/%s.odt",
			o->id, x->tpl[i].name);
		if ((error = chancery_changeset_add(cs, path, x->tpl[i].data,
				x->tpl[i].size)) < 0)
			goto done;
	}
done:
	chancery_buf_dispose(&b);
	return error;
}

static int check_options(const chancery_campaign_options *o)
{
	if (!chancery_campaign_id_valid(o->id))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a campaign id (lowercase letters, digits, '-', '_')",
			o->id ? o->id : "");
	if (!o->title || !*o->title || !chancery__line_valid(o->title) ||
	    strlen(o->title) > 300)
		return chancery__error(CHANCERY_EINVALID,
			"the campaign needs a title of one line (--title)");
	for (int i = 0; i < 2; i++) {
		const char *t = i ? o->title_es : o->title_fr;

		if (t && (!*t || !chancery__line_valid(t) || strlen(t) > 300))
			return chancery__error(CHANCERY_EINVALID,
				"the campaign's %s title is not one line of text "
				"(--title-%s)", i ? "Spanish" : "French",
				i ? "es" : "fr");
	}
	if (!o->letter_date.year || !o->deadline.year || !o->event_start.year ||
	    !o->event_end.year)
		return chancery__error(CHANCERY_EINVALID,
			"the campaign needs a letter date, a deadline and event dates");
	if (chancery_date_cmp(&o->deadline, &o->letter_date) < 0)
		return chancery__error(CHANCERY_EINVALID,
			"the deadline is before the letter date");
	if (chancery_date_cmp(&o->event_end, &o->event_start) < 0 ||
	    chancery_date_cmp(&o->event_start, &o->letter_date) < 0)
		return chancery__error(CHANCERY_EINVALID,
			"the event must end after it starts, and start after the letter date");
	if (chancery_date_cmp(&o->deadline, &o->event_start) > 0) {
		char d1[11], d2[11];

		chancery_date_format(d1, sizeof(d1), &o->deadline);
		chancery_date_format(d2, sizeof(d2), &o->event_start);
		return chancery__error(CHANCERY_EINVALID, "the deadline (%s) "
			"is after the event (%s): replies are asked for before it",
			d1, d2);
	}
	if (o->ntemplates && !o->templates)
		return chancery__error(CHANCERY_EINVALID,
			"%zu templates given without their array", o->ntemplates);
	return 0;
}

/* A featured treaty must exist on the letter date `on` (adopted by then):
 * letters dated that day cannot invite States to what was not there.
 * `where` names the list or the file and line. */
static int featured_existed(const chancery_treaty *t, const chancery_date *on,
	const char *where)
{
	char day[11];

	if (chancery_registry_treaty_adopted_by(t, on))
		return 0;
	chancery_date_format(day, sizeof(day), on);
	return chancery__error(CHANCERY_EINVALID, "%s: featured treaty %s "
		"(adopted %s) did not exist on the letter date %s", where,
		t->id, t->adopted, day);
}

/* The featured treaties from a file with a treaty (or mtdsg_id) column,
 * each known to the registry, as lines of `fb`. */
static int featured_from_file(chancery_buf *fb, const chancery_registry *reg,
	const char *file, const chancery_date *on)
{
	char *text = NULL;
	size_t size;
	chancery_table *t = NULL;
	chancery_table_diag dg = { file, NULL, NULL, 0, NULL };
	int col, error;

	if ((error = chancery__read_file(&text, &size, file, 1 << 20)) < 0)
		return error;
	error = chancery__table_parse(&t, text, size,
		chancery__table_guess_delimiter(file, text, size), &dg);
	chancery_free(text);
	if (error < 0)
		return error;
	col = chancery__table_column(t, "treaty");
	if (col < 0)
		col = chancery__table_column(t, "mtdsg_id");
	if (col < 0) {
		chancery__table_free(t);
		return chancery__error(CHANCERY_EINVALID,
			"%s: no 'treaty' column", file);
	}
	for (size_t r = 1; r < t->nrows && !error; r++) {
		const char *id = chancery__table_cell(&t->rows[r], col);
		const chancery_treaty *tr = chancery_registry_treaty_find(reg, id);
		char where[300];

		snprintf(where, sizeof(where), "%s:%zu", file, t->rows[r].line);
		if (!tr)
			error = chancery__error(CHANCERY_EINVALID,
				"%s: unknown treaty '%.40s'", where, id);
		else if (!(error = featured_existed(tr, on, where)))
			error = chancery_buf_printf(fb, "%s\n", id);
	}
	chancery__table_free(t);
	return error;
}

/* featured.tsv: the registry's list, or a file with a treaty column. */
static int featured_tsv(chancery_buf *fb, const chancery_registry *reg,
	const char *featured, const chancery_date *on)
{
	char where[100];
	const chancery_treaty **feat = NULL;
	size_t nfeat = 0;
	int error;

	if (!featured || !*featured)
		return chancery__error(CHANCERY_EINVALID,
			"the campaign needs its featured treaties (--featured)");
	if ((error = chancery_buf_puts(fb, "treaty\n")) < 0)
		return error;
	if (strchr(featured, '/') || strchr(featured, '.'))
		return featured_from_file(fb, reg, featured, on);
	if ((error = chancery_registry_featured(&feat, &nfeat, reg,
			featured)) < 0)
		goto done;
	snprintf(where, sizeof(where), "featured list '%.60s'", featured);
	for (size_t i = 0; i < nfeat && !error; i++)
		if (!(error = featured_existed(feat[i], on, where)))
			error = chancery_buf_printf(fb, "%s\n", feat[i]->id);
done:
	chancery_free(feat);
	return error;
}

/* recipients.tsv: every State, or a file of codes. */
static int recipients_tsv(chancery_buf *rb, const chancery_registry *reg,
	const char *recipients)
{
	char *text = NULL, *line, *rest;
	size_t size;
	int error;

	if ((error = chancery_buf_puts(rb, "state\n")) < 0)
		return error;
	if (!recipients || !strcmp(recipients, "all")) {
		for (size_t i = 0; i < chancery_registry_state_count(reg) && !error; i++)
			error = chancery_buf_printf(rb, "%s\n",
				chancery_registry_state(reg, i)->code);
		return error;
	}
	if ((error = chancery__read_file(&text, &size, recipients,
			1 << 20)) < 0)
		return error;
	rest = text;
	while (!error && (line = wf_token(&rest, "\n\r,\t "))) {
		if (!strcmp(line, "state") || !strcmp(line, "code") ||
		    line[0] == '#')
			continue;
		if (!chancery_registry_state_find(reg, line))
			error = chancery__error(CHANCERY_EINVALID,
				"%s: unknown State '%.40s'", recipients, line);
		else
			error = chancery_buf_printf(rb, "%s\n", line);
	}
	chancery_free(text);
	return error;
}

/* Does every template given name one of the nine, with a file? A kind or
 * a language that names none is refused: it would be silently ignored. */
static int templates_check(const chancery_campaign_options *o)
{
	static const char *const kinds[] = { "invitation", "reminder",
		"acknowledgment" };
	static const char *const langs[] = { "en", "fr", "es" };

	for (size_t i = 0; i < o->ntemplates; i++) {
		const chancery_campaign_template *t = &o->templates[i];
		bool kind = false, lang = false;

		if (!t->kind || !t->language || !t->path)
			return chancery__error(CHANCERY_EINVALID, "template %zu: "
				"a kind, a language and a path are needed", i);
		for (size_t k = 0; k < 3; k++) {
			kind |= !strcmp(t->kind, kinds[k]);
			lang |= !strcmp(t->language, langs[k]);
		}
		if (!kind || !lang)
			return chancery__error(CHANCERY_EINVALID,
				"template '%.40s-%.40s' (%.300s): no %s '%.40s' (%s)",
				t->kind, t->language, t->path,
				!kind ? "kind" : "language",
				!kind ? t->kind : t->language, !kind ?
				"invitation, reminder or acknowledgment" :
				"en, fr or es");
	}
	return 0;
}

/* The file given for template `name` ("KIND-LANG"), or NULL for the
 * shipped one; the last given wins. */
static int template_file(const char **file, const char *name,
	const chancery_campaign_options *o)
{
	*file = NULL;
	for (size_t i = 0; i < o->ntemplates; i++) {
		const chancery_campaign_template *t = &o->templates[i];
		size_t kl;

		kl = strlen(t->kind);
		if (!strncmp(name, t->kind, kl) && name[kl] == '-' &&
		    !strcmp(name + kl + 1, t->language))
			*file = t->path;
	}
	return 0;
}

/* Template i, shipped or the file given, into x->tpl[i]; it must load. */
static int load_template(open_ctx *x, size_t i,
	const chancery_campaign_options *o)
{
	const char *file = NULL, *name = shipped_templates[i].name;
	chancery_template *t = NULL;
	chancery_template_options to = CHANCERY_TEMPLATE_OPTIONS_INIT;
	int error;

	if ((error = template_file(&file, name, o)) < 0)
		return error;
	if (!(x->tpl[i].name = chancery__strdup(name)))
		return chancery__oom();
	if (file) {
		if ((error = chancery__read_file(&x->tpl[i].data,
				&x->tpl[i].size, file, 64 << 20)) < 0) {
			char why[300]; /* the last error's buffer is rewritten */

			snprintf(why, sizeof(why), "%s",
				chancery_error_last()->message);
			return chancery__error(error, "template '%s': %s", name,
				why);
		}
	} else {
		x->tpl[i].size = (size_t)*shipped_templates[i].size;
		x->tpl[i].data = chancery__malloc(x->tpl[i].size);
		if (!x->tpl[i].data)
			return chancery__oom();
		memcpy(x->tpl[i].data, shipped_templates[i].data, x->tpl[i].size);
	}
	to.name = name;
	if ((error = chancery_template_load_odt(&t, x->tpl[i].data,
			x->tpl[i].size, &to)) < 0)
		return error;
	chancery_template_free(t);
	return 0;
}

/* The "campaign" event: its trailers, message and subject. */
static int open_event(chancery_event **out, const chancery_campaign_options *o,
	const chancery_workflow *wf)
{
	chancery_event *ev = NULL;
	char d[11], subject[200];
	int error;

	*out = NULL;
	if ((error = chancery_event_new(&ev, "campaign")) < 0 ||
	    (error = chancery_event_add(ev, "Campaign", o->id)) < 0 ||
	    (error = chancery_event_add(ev, "Workflow",
			chancery_workflow_name(wf))) < 0)
		goto done;
	chancery_date_format(d, sizeof(d), &o->letter_date);
	if ((error = chancery_event_add(ev, "Date", d)) < 0)
		goto done;
	chancery_date_format(d, sizeof(d), &o->deadline);
	if ((error = chancery_event_add(ev, "Deadline", d)) < 0 ||
	    (error = chancery_event_set_message(ev, o->title)) < 0)
		goto done;
	snprintf(subject, sizeof(subject), "campaign %s: open (%s)",
		o->id, chancery_workflow_name(wf));
	if ((error = chancery_event_set_subject(ev, subject)) < 0)
		goto done;
	*out = ev;
	ev = NULL;
done:
	chancery_event_free(ev);
	return error;
}

int chancery_campaign_open(chancery_repository *repo,
	const chancery_campaign_options *o)
{
	open_ctx x;
	chancery_registry *reg = NULL;
	chancery_workflow *wf = NULL;
	chancery_event *ev = NULL;
	chancery_buf fb = CHANCERY_BUF_INIT, rb = CHANCERY_BUF_INIT;
	int error;

	CHANCERY_ASSERT_ARG(repo && o);
	CHANCERY_CHECK_VERSION(o, CHANCERY_CAMPAIGN_OPTIONS_VERSION);
	memset(&x, 0, sizeof(x));
	x.o = o;
	if ((error = check_options(o)) < 0 ||
	    (error = templates_check(o)) < 0)
		return error;
	if ((error = chancery_workflow_open(&wf, o->workflow ? o->workflow :
			"treaty-event", NULL, NULL)) < 0)
		return error;
	x.wf = wf;
	if ((error = chancery_registry_load(&reg, repo)) < 0 ||
	    (error = featured_tsv(&fb, reg, o->featured, &o->letter_date)) < 0 ||
	    (error = recipients_tsv(&rb, reg, o->recipients)) < 0)
		goto done;
	for (size_t i = 0; i < NTEMPLATES; i++)
		if ((error = load_template(&x, i, o)) < 0)
			goto done;
	x.featured = fb.ptr;
	x.recipients = rb.ptr;
	if ((error = open_event(&ev, o, wf)) < 0)
		goto done;
	error = chancery__event_record(repo, ev, open_extra, &x, NULL);
done:
	for (size_t i = 0; i < NTEMPLATES; i++) {
		chancery_free(x.tpl[i].name);
		chancery_free(x.tpl[i].data);
	}
	chancery_event_free(ev);
	chancery_buf_dispose(&fb);
	chancery_buf_dispose(&rb);
	chancery_registry_free(reg);
	chancery_workflow_free(wf);
	return error;
}
