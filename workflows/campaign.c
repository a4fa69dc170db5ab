/*
 * campaign.c - campaigns and their letters.
 *
 * A campaign lives in campaigns/ID/ of the repository:
 *   campaign.txt     "Key: value" lines: Campaign, Title, Workflow,
 *                    Letter-Date, Deadline, Event-Start, Event-End,
 *                    Featured (the list's origin)
 *   workflow.xml     the workflow, as it was when the campaign opened
 *   featured.tsv     the featured treaties (column `treaty`), frozen
 *   recipients.tsv   the recipients (column `state`)
 *   templates/KIND-LANG.odt   the templates its letters use (invitation,
 *                    reminder, acknowledgment in en, fr, es)
 *   letters/CODE.odt the invitation letters, once generated
 * Everything a letter depends on is in the repository, so a letter can be
 * re-rendered and compared years later.
 *
 * The letter data (docs/template-data.md) follows the personalization rule
 * of DOMAIN.md on participation as of the letter date: a party is left
 * out; a signatory is invited to ratify; a State that did nothing is
 * invited to sign while the treaty is open for signature, else to accede.
 * Names: English from the registry; French from its French short names
 * with their article (the registry has no French formal names, so the
 * short name stands for both); Spanish letters use the English names (the
 * registry has no Spanish names). Titles: French where the registry has
 * them. Dates are written in the letter's language.
 *
 * Left out on purpose (yet): dispatch, replies, reminders and status.
 */
#include "../engine/internal.h"
#include "../engine/table.h"
#include "../engine/embed.h"
#include "workflows.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

/* ---- languages -------------------------------------------------------------- */

static const char *const months[3][12] = {
	{ "January", "February", "March", "April", "May", "June", "July",
	  "August", "September", "October", "November", "December" },
	{ "janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	  "août", "septembre", "octobre", "novembre", "décembre" },
	{ "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
	  "agosto", "septiembre", "octubre", "noviembre", "diciembre" },
};

static int lang_index(const char *l)
{
	return !strcmp(l, "fr") ? 1 : !strcmp(l, "es") ? 2 : 0;
}

void chancery_date_write(char *buf, size_t size, const chancery_date *d,
	const char *language)
{
	int l = lang_index(language ? language : "en");
	const char *m = months[l][(d->month - 1) % 12];

	if (l == 1)
		snprintf(buf, size, "%d%s %s %d", d->day, d->day == 1 ? "er" : "",
			m, d->year);
	else if (l == 2)
		snprintf(buf, size, "%d de %s de %d", d->day, m, d->year);
	else
		snprintf(buf, size, "%d %s %d", d->day, m, d->year);
}

/* "21 to 24 September 2004", "du 21 au 24 septembre 2004",
 * "del 21 al 24 de septiembre de 2004" */
static void range_write(char *buf, size_t size, const chancery_date *a,
	const chancery_date *b, const char *language)
{
	int l = lang_index(language);
	char da[64], db[64];

	chancery_date_write(db, sizeof(db), b, language);
	if (a->year == b->year && a->month == b->month)
		snprintf(da, sizeof(da), "%d%s", a->day,
			l == 1 && a->day == 1 ? "er" : "");
	else if (a->year == b->year && l == 2)
		snprintf(da, sizeof(da), "%d de %s", a->day,
			months[2][a->month - 1]);
	else if (a->year == b->year)
		snprintf(da, sizeof(da), "%d%s %s", a->day,
			l == 1 && a->day == 1 ? "er" : "", months[l][a->month - 1]);
	else
		chancery_date_write(da, sizeof(da), a, language);
	if (l == 1)
		snprintf(buf, size, "du %s au %s", da, db);
	else if (l == 2)
		snprintf(buf, size, "del %s al %s", da, db);
	else
		snprintf(buf, size, "%s to %s", da, db);
}

/* "France (la)" -> "la France", "Afghanistan (l')" -> "l'Afghanistan" */
static char *french_name(const char *s)
{
	const char *open = strrchr(s, '(');
	size_t n = strlen(s);

	if (!open || n < 3 || s[n - 1] != ')' || open == s)
		return chancery__strdup(s);
	{
		size_t alen = (size_t)(s + n - 1 - open - 1);
		size_t nlen = (size_t)(open - s);

		while (nlen && s[nlen - 1] == ' ')
			nlen--;
		if (alen && open[alen] == '\'')
			return chancery__sprintf("%.*s%.*s", (int)alen, open + 1,
				(int)nlen, s);
		return chancery__sprintf("%.*s %.*s", (int)alen, open + 1,
			(int)nlen, s);
	}
}

static const char *action_word(const char *code, const char *lang)
{
	static const char *const words[3][3] = {
		{ "sign", "ratify", "accede to" },
		{ "signer", "ratifier", "adhérer à" },
		{ "firmar", "ratificar", "adherirse a" },
	};
	int a = !strcmp(code, "sign") ? 0 : !strcmp(code, "ratify") ? 1 : 2;

	return words[lang_index(lang)][a];
}

/* ---- the campaign file --------------------------------------------------------- */

typedef struct {
	char id[80];
	char title[400];
	char workflow[80];
	chancery_date letter_date, deadline, event_start, event_end;
	char featured[200];
} campaign;

static bool id_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > 64 || !((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return false;
	return true;
}

static int campaign_load(campaign *c, chancery_repository *repo,
	git_tree *tree, const char *id)
{
	char path[200], *text = NULL, *line, *save = NULL;
	size_t size;
	int error;

	memset(c, 0, sizeof(*c));
	if (!id_valid(id))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a campaign id (lowercase letters, digits, '-', '_')",
			id);
	snprintf(path, sizeof(path), "campaigns/%s/campaign.txt", id);
	error = chancery__tree_read(&text, &size, repo, tree, path);
	if (error == CHANCERY_ENOTFOUND)
		return chancery__error(CHANCERY_ENOTFOUND,
			"no campaign '%s' (chancery campaign open)", id);
	if (error < 0)
		return error;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strstr(line, ": ");
		const char *v;

		if (!colon)
			continue;
		*colon = '\0';
		v = colon + 2;
		if (!strcmp(line, "Campaign"))
			snprintf(c->id, sizeof(c->id), "%s", v);
		else if (!strcmp(line, "Title"))
			snprintf(c->title, sizeof(c->title), "%s", v);
		else if (!strcmp(line, "Workflow"))
			snprintf(c->workflow, sizeof(c->workflow), "%s", v);
		else if (!strcmp(line, "Featured"))
			snprintf(c->featured, sizeof(c->featured), "%s", v);
		else if (!strcmp(line, "Letter-Date"))
			error = chancery_date_parse(&c->letter_date, v);
		else if (!strcmp(line, "Deadline"))
			error = chancery_date_parse(&c->deadline, v);
		else if (!strcmp(line, "Event-Start"))
			error = chancery_date_parse(&c->event_start, v);
		else if (!strcmp(line, "Event-End"))
			error = chancery_date_parse(&c->event_end, v);
		if (error < 0)
			break;
	}
	chancery_free(text);
	if (error < 0 || !c->id[0] || !c->letter_date.year ||
	    !c->deadline.year || !c->event_start.year)
		return chancery__error(CHANCERY_EINVALID,
			"campaigns/%s/campaign.txt is malformed", id);
	return 0;
}

/* The codes of one column of a TSV in the tree, each checked with `valid`:
 * a peer's file may hold anything, and a State code becomes a file name
 * (letters/CODE.odt, and the CLI's PDF of it). */
static int read_column(char ***out, size_t *count, chancery_repository *repo,
	git_tree *tree, const char *path, const char *column,
	int (*valid)(const char *), const char *what)
{
	chancery_table_diag d = { path, NULL, NULL, 0, NULL };
	chancery_table *t = NULL;
	char *text = NULL, **list = NULL;
	size_t size;
	int col, error;

	*out = NULL;
	*count = 0;
	if ((error = chancery__tree_read(&text, &size, repo, tree, path)) < 0)
		return error;
	error = chancery__table_parse(&t, text, size, '\t', &d);
	chancery_free(text);
	if (error < 0)
		return error;
	col = chancery__table_column(t, column);
	list = chancery__calloc(t->nrows ? t->nrows : 1, sizeof(char *));
	if (!list) {
		chancery__table_free(t);
		return chancery__oom();
	}
	for (size_t r = 1; r < t->nrows; r++) {
		const char *v = chancery__table_cell(&t->rows[r], col);

		if (!valid(v)) {
			char shown[41];
			size_t n = 0;

			for (; v[n] && n + 1 < sizeof(shown); n++)
				shown[n] = (unsigned char)v[n] < 0x20 ? '?' : v[n];
			shown[n] = '\0';
			error = chancery__error(CHANCERY_EINVALID,
				"%s:%zu: '%s' is not %s", path, t->rows[r].line,
				shown, what);
			break;
		}
		if (!(list[r - 1] = chancery__strdup(v))) {
			error = chancery__oom();
			break;
		}
	}
	*count = t->nrows - 1;
	*out = list;
	chancery__table_free(t);
	return error;
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		chancery_free(list[i]);
	chancery_free(list);
}

/* ---- opening ---------------------------------------------------------------------- */

typedef struct {
	const chancery_campaign_options *o;
	const chancery_workflow *wf;
	char *featured;     /* featured.tsv text */
	char *recipients;   /* recipients.tsv text */
	struct { char *name; char *data; size_t size; } tpl[NTEMPLATES];
} open_ctx;

static int open_extra(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	open_ctx *x = payload;
	const chancery_campaign_options *o = x->o;
	chancery_buf b = CHANCERY_BUF_INIT;
	char path[300], d1[11], d2[11], d3[11], d4[11];
	const char *src;
	size_t size;
	git_tree_entry *e = NULL;
	int error;

	(void)head;
	(void)ev;
	snprintf(path, sizeof(path), "campaigns/%s", o->id);
	if (base && git_tree_entry_bypath(&e, base, path) == 0) {
		git_tree_entry_free(e);
		return chancery__error(CHANCERY_EEXISTS,
			"campaign '%s' is open already", o->id);
	}
	git_error_clear();
	chancery_date_format(d1, sizeof(d1), &o->letter_date);
	chancery_date_format(d2, sizeof(d2), &o->deadline);
	chancery_date_format(d3, sizeof(d3), &o->event_start);
	chancery_date_format(d4, sizeof(d4), &o->event_end);
	if ((error = chancery_buf_printf(&b, "Campaign: %s\nTitle: %s\n"
			"Workflow: %s\nLetter-Date: %s\nDeadline: %s\n"
			"Event-Start: %s\nEvent-End: %s\nFeatured: %s\n", o->id,
			o->title, chancery_workflow_name(x->wf), d1, d2, d3, d4,
			o->featured)) < 0)
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

int chancery_campaign_open(chancery_repository *repo,
	const chancery_campaign_options *o)
{
	open_ctx x;
	chancery_registry *reg = NULL;
	chancery_workflow *wf = NULL;
	chancery_event *ev = NULL;
	const chancery_treaty **feat = NULL;
	size_t nfeat = 0;
	chancery_buf fb = CHANCERY_BUF_INIT, rb = CHANCERY_BUF_INIT;
	char d[11];
	int error;

	CHANCERY_ASSERT_ARG(repo && o);
	memset(&x, 0, sizeof(x));
	x.o = o;
	if (o->version != CHANCERY_CAMPAIGN_OPTIONS_VERSION)
		return chancery__error(CHANCERY_EINVALID,
			"campaign options version %u unknown", o->version);
	if (!id_valid(o->id))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a campaign id (lowercase letters, digits, '-', '_')",
			o->id ? o->id : "");
	if (!o->title || !*o->title || !chancery__line_valid(o->title) ||
	    strlen(o->title) > 300)
		return chancery__error(CHANCERY_EINVALID,
			"the campaign needs a title of one line (--title)");
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
	if ((error = chancery_workflow_open(&wf, o->workflow ? o->workflow :
			"treaty-event", NULL, NULL)) < 0)
		return error;
	x.wf = wf;
	if ((error = chancery_registry_load(&reg, repo)) < 0)
		goto done;
	/* the featured list: the registry's, or a file with a treaty column */
	if (!o->featured || !*o->featured) {
		error = chancery__error(CHANCERY_EINVALID,
			"the campaign needs its featured treaties (--featured)");
		goto done;
	}
	if ((error = chancery_buf_puts(&fb, "treaty\n")) < 0)
		goto done;
	if (!strchr(o->featured, '/') && !strchr(o->featured, '.')) {
		if ((error = chancery_registry_featured(&feat, &nfeat, reg,
				o->featured)) < 0)
			goto done;
		for (size_t i = 0; i < nfeat && !error; i++)
			error = chancery_buf_printf(&fb, "%s\n", feat[i]->id);
	} else {
		char *text = NULL;
		size_t size;
		chancery_table *t = NULL;
		chancery_table_diag dg = { o->featured, NULL, NULL, 0, NULL };
		int col;

		if ((error = chancery__read_file(&text, &size, o->featured,
				1 << 20)) < 0)
			goto done;
		error = chancery__table_parse(&t, text, size,
			chancery__table_guess_delimiter(o->featured, text, size), &dg);
		chancery_free(text);
		if (error < 0)
			goto done;
		col = chancery__table_column(t, "treaty");
		if (col < 0)
			col = chancery__table_column(t, "mtdsg_id");
		if (col < 0) {
			chancery__table_free(t);
			error = chancery__error(CHANCERY_EINVALID,
				"%s: no 'treaty' column", o->featured);
			goto done;
		}
		for (size_t r = 1; r < t->nrows && !error; r++) {
			const char *id = chancery__table_cell(&t->rows[r], col);

			if (!chancery_registry_treaty_find(reg, id))
				error = chancery__error(CHANCERY_EINVALID,
					"%s:%zu: unknown treaty '%.40s'", o->featured,
					t->rows[r].line, id);
			else
				error = chancery_buf_printf(&fb, "%s\n", id);
		}
		chancery__table_free(t);
		if (error < 0)
			goto done;
	}
	/* recipients: every State, or a file of codes */
	if ((error = chancery_buf_puts(&rb, "state\n")) < 0)
		goto done;
	if (!o->recipients || !strcmp(o->recipients, "all")) {
		for (size_t i = 0; i < chancery_registry_state_count(reg) && !error; i++)
			error = chancery_buf_printf(&rb, "%s\n",
				chancery_registry_state(reg, i)->code);
	} else {
		char *text = NULL, *line, *save = NULL;
		size_t size, n = 0;

		if ((error = chancery__read_file(&text, &size, o->recipients,
				1 << 20)) < 0)
			goto done;
		for (line = strtok_r(text, "\n\r,\t ", &save); line && !error;
		     line = strtok_r(NULL, "\n\r,\t ", &save)) {
			n++;
			if (!strcmp(line, "state") || !strcmp(line, "code") ||
			    line[0] == '#')
				continue;
			if (!chancery_registry_state_find(reg, line))
				error = chancery__error(CHANCERY_EINVALID,
					"%s: unknown State '%.40s'", o->recipients, line);
			else
				error = chancery_buf_printf(&rb, "%s\n", line);
		}
		chancery_free(text);
		if (error < 0)
			goto done;
	}
	/* templates: shipped, or the files given (each must load) */
	for (size_t i = 0; i < NTEMPLATES; i++) {
		const char *file = NULL;
		chancery_template *t = NULL;
		chancery_template_options to = CHANCERY_TEMPLATE_OPTIONS_INIT;
		const char *name = shipped_templates[i].name;

		for (const char *const *p = o->templates; p && *p; p++) {
			const char *eq = strchr(*p, '=');
			size_t kl = eq ? (size_t)(eq - *p) : 0;

			if (!eq) {
				error = chancery__error(CHANCERY_EINVALID,
					"--template '%.60s': expected LANG=FILE or KIND-LANG=FILE", *p);
				goto done;
			}
			/* "en" means the invitation */
			if ((kl == 2 && !strncmp(name, "invitation-", 11) &&
			     !strncmp(*p, name + 11, 2)) ||
			    (kl == strlen(name) && !strncmp(*p, name, kl)))
				file = eq + 1;
		}
		x.tpl[i].name = chancery__strdup(name);
		if (!x.tpl[i].name) {
			error = chancery__oom();
			goto done;
		}
		if (file) {
			if ((error = chancery__read_file(&x.tpl[i].data,
					&x.tpl[i].size, file, 64 << 20)) < 0)
				goto done;
		} else {
			x.tpl[i].size = (size_t)*shipped_templates[i].size;
			x.tpl[i].data = chancery__malloc(x.tpl[i].size);
			if (!x.tpl[i].data) {
				error = chancery__oom();
				goto done;
			}
			memcpy(x.tpl[i].data, shipped_templates[i].data,
				x.tpl[i].size);
		}
		to.name = name;
		if ((error = chancery_template_load_odt(&t, x.tpl[i].data,
				x.tpl[i].size, &to)) < 0)
			goto done;
		chancery_template_free(t);
	}
	x.featured = fb.ptr;
	x.recipients = rb.ptr;
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
	{
		char subject[200];

		snprintf(subject, sizeof(subject), "campaign %s: open (%s)",
			o->id, chancery_workflow_name(wf));
		if ((error = chancery_event_set_subject(ev, subject)) < 0)
			goto done;
	}
	error = chancery__event_commit(repo, ev, open_extra, &x, NULL);
done:
	for (size_t i = 0; i < NTEMPLATES; i++) {
		chancery_free(x.tpl[i].name);
		chancery_free(x.tpl[i].data);
	}
	chancery_event_free(ev);
	chancery_buf_dispose(&fb);
	chancery_buf_dispose(&rb);
	chancery_free(feat);
	chancery_registry_free(reg);
	chancery_workflow_free(wf);
	return error;
}

/* ---- the letter data ----------------------------------------------------------------- */

static json_t *jstr(const char *s)
{
	return json_string(s ? s : "");
}

/* Build the invitation data of one State. */
static int build_data(json_t **out, const campaign *c,
	const chancery_registry *reg, char **featured, size_t nfeat,
	const chancery_state *st, size_t number)
{
	const char *lang = st->language;
	int l = lang_index(lang);
	json_t *o = json_object(), *state = json_object(), *letter = json_object(),
		*camp = json_object(), *event = json_object(),
		*treaties = json_array(), *review = json_array();
	char buf[200], ref[120], *name = NULL;
	int error = 0;

	*out = NULL;
	if (!o || !state || !letter || !camp || !event || !treaties || !review) {
		error = chancery__oom();
		goto fail;
	}
	if (l == 1)
		name = french_name(st->name_fr[0] ? st->name_fr : st->name);
	else if (l == 2 && st->name_es[0])
		name = chancery__strdup(st->name_es);
	else
		name = chancery__strdup(st->name);
	if (!name) {
		error = chancery__oom();
		goto fail;
	}
	json_object_set_new(state, "code", jstr(st->code));
	json_object_set_new(state, "name", jstr(name));
	json_object_set_new(state, "formal_name",
		jstr(l == 1 || (l == 2 && st->name_es[0]) ? name :
			st->formal_name[0] ? st->formal_name : st->name));
	json_object_set_new(state, "language", jstr(lang));
	chancery_date_write(buf, sizeof(buf), &c->letter_date, lang);
	json_object_set_new(letter, "date", jstr(buf));
	{
		char up[80];
		size_t i;

		for (i = 0; c->id[i] && i < sizeof(up) - 1; i++)
			up[i] = (char)(c->id[i] >= 'a' && c->id[i] <= 'z' ?
				c->id[i] - 32 : c->id[i]);
		up[i] = '\0';
		snprintf(ref, sizeof(ref), "%s/%s/1", up, st->code);
	}
	(void)number;
	json_object_set_new(letter, "reference", jstr(ref));
	json_object_set_new(camp, "id", jstr(c->id));
	json_object_set_new(camp, "title", jstr(c->title));
	chancery_date_write(buf, sizeof(buf), &c->deadline, lang);
	json_object_set_new(camp, "deadline", jstr(buf));
	chancery_date_write(buf, sizeof(buf), &c->event_start, lang);
	json_object_set_new(event, "start", jstr(buf));
	chancery_date_write(buf, sizeof(buf), &c->event_end, lang);
	json_object_set_new(event, "end", jstr(buf));
	range_write(buf, sizeof(buf), &c->event_start, &c->event_end, lang);
	json_object_set_new(event, "dates", jstr(buf));
	json_object_set_new(camp, "event", event);
	event = NULL;
	/* the featured treaties the State has not joined */
	for (size_t i = 0; i < nfeat; i++) {
		const chancery_treaty *t = chancery_registry_treaty_find(reg,
			featured[i]);
		chancery_status s;
		const char *code;
		json_t *e;

		if (!t)
			continue;
		s = chancery_registry_status(reg, st->code, t->id, &c->letter_date);
		if (s == CHANCERY_STATUS_PARTY)
			continue;
		if (s == CHANCERY_STATUS_SIGNATORY) {
			code = "ratify";
		} else {
			chancery_date until;
			bool open = strcmp(t->signature, "no") != 0 &&
				(!t->signature_until[0] ||
				 (chancery_date_parse(&until, t->signature_until) == 0 &&
				  chancery_date_cmp(&c->letter_date, &until) <= 0));

			code = open ? "sign" : "accede";
		}
		e = json_object();
		if (!e) {
			error = chancery__oom();
			goto fail;
		}
		json_object_set_new(e, "id", jstr(t->id));
		json_object_set_new(e, "title", jstr(l == 1 && t->title_fr[0] ?
			t->title_fr : t->title));
		json_object_set_new(e, "short_title", jstr(t->short_title[0] ?
			t->short_title : t->id));
		json_object_set_new(e, "action", jstr(action_word(code, lang)));
		json_object_set_new(e, "action_code", jstr(code));
		json_array_append_new(treaties, e);
	}
	json_object_set_new(o, "treaties_count",
		json_integer((json_int_t)json_array_size(treaties)));
	/* the annex: every treaty of the registry */
	{
		static const char *const party[3] = { "Party", "Partie", "Parte" };
		static const char *const signatory[3] = { "Signatory",
			"Signataire", "Signatario" };
		chancery_participation *p = NULL;
		size_t np = 0, k = 0;

		if ((error = chancery_registry_participation(&p, &np, reg,
				st->code, &c->letter_date)) < 0)
			goto fail;
		for (size_t i = 0; i < chancery_registry_treaty_count(reg); i++) {
			const chancery_treaty *t = chancery_registry_treaty(reg, i);
			const chancery_participation *pp = NULL;
			json_t *e = json_object();
			char since[11] = "", when[64] = "", text[200] = "-";
			const char *status = "none", *action = NULL;

			if (!e) {
				chancery_free(p);
				error = chancery__oom();
				goto fail;
			}
			while (k < np && p[k].treaty < t)
				k++;
			if (k < np && p[k].treaty == t)
				pp = &p[k];
			if (pp && pp->status == CHANCERY_STATUS_PARTY) {
				status = "party";
				action = pp->consent->action;
				chancery_date_format(since, sizeof(since),
					&pp->consent->date);
				chancery_date_write(when, sizeof(when),
					&pp->consent->date, lang);
				snprintf(text, sizeof(text), "%s (%s, %s)", party[l],
					action, when);
			} else if (pp && pp->status == CHANCERY_STATUS_SIGNATORY) {
				status = "signatory";
				action = "signature";
				chancery_date_format(since, sizeof(since),
					&pp->signature->date);
				chancery_date_write(when, sizeof(when),
					&pp->signature->date, lang);
				snprintf(text, sizeof(text), "%s (%s)", signatory[l],
					when);
			}
			json_object_set_new(e, "id", jstr(t->id));
			json_object_set_new(e, "title", jstr(l == 1 && t->title_fr[0] ?
				t->title_fr : t->title));
			json_object_set_new(e, "status", jstr(status));
			json_object_set_new(e, "action", action ? jstr(action) :
				json_null());
			json_object_set_new(e, "since", since[0] ? jstr(since) :
				json_null());
			json_object_set_new(e, "status_text", jstr(text));
			json_array_append_new(review, e);
		}
		chancery_free(p);
	}
	json_object_set_new(o, "state", state);
	json_object_set_new(o, "letter", letter);
	json_object_set_new(o, "campaign", camp);
	json_object_set_new(o, "treaties", treaties);
	json_object_set_new(o, "review", review);
	chancery_free(name);
	*out = o;
	return 0;
fail:
	chancery_free(name);
	json_decref(o);
	json_decref(state);
	json_decref(letter);
	json_decref(camp);
	json_decref(event);
	json_decref(treaties);
	json_decref(review);
	return error;
}

/* Everything a campaign's letters need, read from one tree. */
typedef struct {
	campaign c;
	chancery_registry *reg;
	char **featured, **recipients;
	size_t nfeat, nrec;
} context;

/* Adds a count as a trailer field of the event. */
static int add_count(chancery_event *ev, const char *key, size_t count)
{
	char n[32];

	snprintf(n, sizeof(n), "%zu", count);
	return chancery_event_add(ev, key, n);
}

static void context_free(context *x)
{
	chancery_registry_free(x->reg);
	free_list(x->featured, x->nfeat);
	free_list(x->recipients, x->nrec);
	memset(x, 0, sizeof(*x));
}

static int context_load(context *x, chancery_repository *repo,
	git_tree *tree, const char *id)
{
	char path[200];
	int error;

	memset(x, 0, sizeof(*x));
	if ((error = campaign_load(&x->c, repo, tree, id)) < 0 ||
	    (error = tree ? chancery__registry_load_tree(&x->reg, repo, tree) :
			chancery_registry_load(&x->reg, repo)) < 0)
		return error;
	snprintf(path, sizeof(path), "campaigns/%s/featured.tsv", id);
	if ((error = read_column(&x->featured, &x->nfeat, repo, tree, path,
			"treaty", chancery_treaty_id_valid, "a treaty reference")) < 0)
		return error;
	snprintf(path, sizeof(path), "campaigns/%s/recipients.tsv", id);
	return read_column(&x->recipients, &x->nrec, repo, tree, path, "state",
		chancery_state_code_valid, "a State code");
}

int chancery_campaign_letter_data(chancery_data **out,
	chancery_repository *repo, const char *id, const char *state)
{
	context x;
	const chancery_state *st;
	json_t *o = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id && state);
	*out = NULL;
	if ((error = context_load(&x, repo, NULL, id)) < 0)
		goto done;
	if (!(st = chancery_registry_state_find(x.reg, state))) {
		error = chancery__error(CHANCERY_ENOTFOUND,
			"unknown State '%.40s'", state);
		goto done;
	}
	if ((error = build_data(&o, &x.c, x.reg, x.featured, x.nfeat, st, 1)) < 0)
		goto done;
	*out = (chancery_data *)o;
done:
	context_free(&x);
	return error;
}

/* ---- generating letters ---------------------------------------------------------------- */

typedef struct {
	const char *id;
	const chancery_letters_options *o;
	chancery_letters_result *res;
	chancery_repository *repo;
	size_t problems;
} gen_ctx;

static int gen_extra(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	gen_ctx *g = payload;
	context x;
	chancery_template *tpl[3] = { NULL, NULL, NULL };
	char *tpl_data[3] = { NULL, NULL, NULL };
	char tpl_blob[3][41] = { "", "", "" };
	char registry_tree[41] = "";
	size_t count = 0, changed = 0;
	int error;

	if (!head)
		return chancery__error(CHANCERY_ENOTREPO,
			"the repository has no commit yet");
	{
		/* provenance: the registry's tree, stable while it does not
		 * change (git log -- registry finds the commit) */
		git_tree_entry *e = NULL;

		if (git_tree_entry_bypath(&e, base, "registry") == 0) {
			git_oid_tostr(registry_tree, sizeof(registry_tree),
				git_tree_entry_id(e));
			git_tree_entry_free(e);
		}
		git_error_clear();
	}
	if ((error = context_load(&x, g->repo, base, g->id)) < 0)
		goto done;
	for (int l = 0; l < 3; l++) {
		static const char *const langs[3] = { "en", "fr", "es" };
		char path[200];
		size_t size;
		git_tree_entry *e = NULL;
		chancery_template_options to = CHANCERY_TEMPLATE_OPTIONS_INIT;

		snprintf(path, sizeof(path), "campaigns/%s/templates/invitation-%s.odt",
			g->id, langs[l]);
		if ((error = chancery__tree_read(&tpl_data[l], &size, g->repo,
				base, path)) < 0)
			goto done;
		if (git_tree_entry_bypath(&e, base, path) == 0) {
			git_oid_tostr(tpl_blob[l], sizeof(tpl_blob[l]),
				git_tree_entry_id(e));
			git_tree_entry_free(e);
		}
		to.name = path + strlen("campaigns/") + strlen(g->id) + 11;
		if ((error = chancery_template_load_odt(&tpl[l], tpl_data[l], size,
				&to)) < 0)
			goto done;
	}
	for (size_t i = 0; i < x.nrec; i++) {
		const chancery_state *st = chancery_registry_state_find(x.reg,
			x.recipients[i]);
		json_t *data = NULL;
		void *odt = NULL;
		size_t size = 0;
		char path[200], version[64];
		const char *meta[9];
		int l;

		if (!st || (g->o->state && strcmp(g->o->state, st->code)))
			continue;
		l = lang_index(st->language);
		if ((error = build_data(&data, &x.c, x.reg, x.featured, x.nfeat,
				st, i + 1)) < 0)
			goto done;
		snprintf(version, sizeof(version), "chancery %s", CHANCERY_VERSION);
		meta[0] = "chancery:template";
		meta[1] = tpl_blob[l];
		meta[2] = "chancery:registry";
		meta[3] = registry_tree;
		meta[4] = "chancery:engine";
		meta[5] = version;
		meta[6] = "chancery:campaign";
		meta[7] = g->id;
		meta[8] = NULL;
		error = chancery_template_render_odt_meta(&odt, &size, tpl[l],
			(chancery_data *)data, meta);
		json_decref(data);
		if (error < 0) {
			char line[700];

			snprintf(line, sizeof(line), "%s: %s", st->code,
				chancery_error_last()->message);
			g->problems++;
			if (g->o->problem)
				g->o->problem(line, g->o->payload);
			error = 0;
			continue;
		}
		count++;
		snprintf(path, sizeof(path), "campaigns/%s/letters/%s.odt", g->id,
			st->code);
		{
			/* unchanged letters make no change */
			git_tree_entry *e = NULL;
			git_oid id;

			if (g->o->verify) {
				bool same = git_odb_hash(&id, odt, size,
					GIT_OBJECT_BLOB) == 0 &&
					git_tree_entry_bypath(&e, base, path) == 0 &&
					git_oid_equal(&id, git_tree_entry_id(e));

				if (!same) {
					char line[300];

					snprintf(line, sizeof(line), "%s: %s", path,
						e ? "differs from a fresh rendering" :
						"missing");
					g->problems++;
					if (g->o->problem)
						g->o->problem(line, g->o->payload);
				}
				git_tree_entry_free(e);
				git_error_clear();
				chancery_free(odt);
				continue;
			}
			if (git_odb_hash(&id, odt, size, GIT_OBJECT_BLOB) == 0 &&
			    git_tree_entry_bypath(&e, base, path) == 0 &&
			    git_oid_equal(&id, git_tree_entry_id(e))) {
				git_tree_entry_free(e);
				chancery_free(odt);
				if (g->o->progress)
					g->o->progress(count, x.nrec, g->o->payload);
				continue;
			}
			git_tree_entry_free(e);
			git_error_clear();
		}
		changed++;
		if (!g->o->dry_run &&
		    (error = chancery_changeset_add_owned(cs, path, odt, size)) < 0)
			goto done;
		if (g->o->dry_run)
			chancery_free(odt);
		if (g->o->progress)
			g->o->progress(count, x.nrec, g->o->payload);
	}
	if (g->o->state && !count && !g->problems) {
		error = chancery__error(CHANCERY_ENOTFOUND,
			"'%s' is not a recipient of campaign '%s'", g->o->state, g->id);
		goto done;
	}
	g->res->letters = count;
	g->res->changed = changed;
	if (g->o->verify) {
		error = g->problems ? chancery__error(CHANCERY_ECONFLICT,
			"%zu of %zu letter%s differ from a fresh rendering",
			g->problems, count, count == 1 ? "" : "s") :
			chancery__error(CHANCERY_EUNCHANGED,
				"%zu letters are what their inputs give", count);
		goto done;
	}
	if (g->problems) {
		error = chancery__error(CHANCERY_EINVALID,
			"%zu letter%s could not be rendered; nothing was recorded",
			g->problems, g->problems == 1 ? "" : "s");
		goto done;
	}
	if (g->o->dry_run || !changed) {
		error = chancery__error(CHANCERY_EUNCHANGED, g->o->dry_run ?
			"dry run: nothing recorded" :
			"the letters are up to date: nothing to record");
		goto done;
	}
	{
		char d[11];

		chancery_date_format(d, sizeof(d), &x.c.letter_date);
		error = add_count(ev, "Letters", changed);
		if (!error)
			error = chancery_event_add(ev, "Date", d);
	}
done:
	for (int l = 0; l < 3; l++) {
		chancery_template_free(tpl[l]);
		chancery_free(tpl_data[l]);
	}
	context_free(&x);
	return error;
}

int chancery_letters_generate(chancery_letters_result *res,
	chancery_repository *repo, const char *id,
	const chancery_letters_options *opts)
{
	chancery_letters_options none = CHANCERY_LETTERS_OPTIONS_INIT;
	gen_ctx g = { id, opts ? opts : &none, res, repo, 0 };
	chancery_event *ev = NULL;
	int error;

	CHANCERY_ASSERT_ARG(res && repo && id);
	memset(res, 0, sizeof(*res));
	if (!id_valid(id))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a campaign id", id);
	if ((error = chancery_event_new(&ev, "letters")) < 0 ||
	    (error = chancery_event_add(ev, "Campaign", id)) < 0)
		goto done;
	if (g.o->state && (error = chancery_event_add(ev, "State",
			g.o->state)) < 0)
		goto done;
	{
		char subject[200];

		snprintf(subject, sizeof(subject), "letters %s: generate%s%s", id,
			g.o->state ? " for " : "", g.o->state ? g.o->state : "");
		if ((error = chancery_event_set_subject(ev, subject)) < 0)
			goto done;
	}
	error = chancery__event_commit(repo, ev, gen_extra, &g, NULL);
	if (!error && chancery_event_commit(ev))
		snprintf(res->commit, sizeof(res->commit), "%s",
			chancery_event_commit(ev));
done:
	chancery_event_free(ev);
	return error;
}

/* ---- the story of each recipient ------------------------------------------------- */

typedef enum { EV_LETTERS, EV_SEND, EV_REPLY, EV_REMIND, EV_DEPOSIT } story_kind;

typedef struct {
	story_kind kind;
	chancery_date date;
	bool acknowledged;  /* reply: an acknowledgment was generated */
	size_t seq;        /* order of recording, to keep equal dates stable */
	char **intends;    /* reply: "action treaty" */
	size_t nintends;
	char **withdraws;
	size_t nwithdraws;
	bool late;
	const chancery_action *act; /* deposit: the action (the registry's) */
} story_event;

typedef struct {
	const char *code;
	story_event *ev;
	size_t nev, aev;
} story;

typedef struct {
	const char *campaign;
	story *s;          /* one per recipient, in recipient order */
	size_t ns;
	size_t seq;
	int error;
} story_ctx;

static story *story_of(story_ctx *x, const char *code)
{
	for (size_t i = 0; i < x->ns; i++)
		if (!strcmp(x->s[i].code, code))
			return &x->s[i];
	return NULL;
}

static int story_push(story *s, const story_event *e)
{
	if (chancery__grow((void **)&s->ev, &s->aev, s->nev + 1,
			sizeof(story_event)) < 0)
		return CHANCERY_ENOMEM;
	s->ev[s->nev++] = *e;
	return 0;
}

static char **collect_field(size_t *n, const chancery_event *ev,
	const char *key)
{
	char **v = NULL;
	size_t count = 0;

	*n = 0;
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *val;

		chancery_event_field(&k, &val, ev, i);
		if (strcmp(k, key))
			continue;
		v = chancery__realloc(v, (count + 1) * sizeof(char *));
		if (!v || !(v[count] = chancery__strdup(val)))
			return NULL;
		count++;
	}
	*n = count;
	return v;
}

static int story_cb(const chancery_event *ev, void *payload)
{
	story_ctx *x = payload;
	const char *type = chancery_event_type(ev);
	story_event e;
	bool all = true;

	memset(&e, 0, sizeof(e));
	if (!strcmp(type, "letters"))
		e.kind = EV_LETTERS;
	else if (!strcmp(type, "send"))
		e.kind = EV_SEND;
	else if (!strcmp(type, "reply"))
		e.kind = EV_REPLY;
	else if (!strcmp(type, "remind"))
		e.kind = EV_REMIND;
	else
		return 0;
	chancery_event_date(&e.date, ev);
	e.seq = x->seq++;
	/* a batch of letters without State fields concerns everyone; any
	 * other event only the States it names */
	all = e.kind == EV_LETTERS;
	for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
		const char *k, *v;

		chancery_event_field(&k, &v, ev, i);
		if (!strcmp(k, "State"))
			all = false;
	}
	if (e.kind == EV_REMIND) {
		/* "Acknowledges: CODE YYYY-MM-DD" marks a reply acknowledged */
		for (size_t i = 0; i < chancery_event_field_count(ev); i++) {
			const char *k, *v;
			story *s;
			chancery_date d;

			chancery_event_field(&k, &v, ev, i);
			if (strcmp(k, "Acknowledges") || strlen(v) != 14)
				continue;
			if (!(s = story_of(x, (char[4]){ v[0], v[1], v[2], 0 })) ||
			    chancery_date_parse(&d, v + 4) < 0)
				continue;
			chancery_error_clear();
			for (size_t k2 = 0; k2 < s->nev; k2++)
				if (s->ev[k2].kind == EV_REPLY &&
				    !chancery_date_cmp(&s->ev[k2].date, &d))
					s->ev[k2].acknowledged = true;
		}
	}
	for (size_t r = 0; r < x->ns; r++) {
		story *s = &x->s[r];
		bool mine = all;

		for (size_t i = 0; !all && i < chancery_event_field_count(ev); i++) {
			const char *k, *v;

			chancery_event_field(&k, &v, ev, i);
			if (!strcmp(k, "State") && !strcmp(v, s->code))
				mine = true;
		}
		if (!mine)
			continue;
		if (e.kind == EV_REPLY) {
			const char *late = chancery_event_get(ev, "Late");

			e.late = late && !strcmp(late, "yes");
			e.intends = collect_field(&e.nintends, ev, "Intends");
			e.withdraws = collect_field(&e.nwithdraws, ev, "Withdraws");
		}
		if ((x->error = story_push(s, &e)) < 0)
			return 1;
		memset(&e.intends, 0, sizeof(e.intends));
		e.intends = NULL;
		e.withdraws = NULL;
	}
	return 0;
}

static int cmp_story_event(const void *a, const void *b)
{
	const story_event *x = a, *y = b;
	int c = chancery_date_cmp(&x->date, &y->date);

	return c ? c : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

static void stories_free(story_ctx *x)
{
	for (size_t i = 0; i < x->ns; i++) {
		for (size_t k = 0; k < x->s[i].nev; k++) {
			story_event *e = &x->s[i].ev[k];

			for (size_t j = 0; j < e->nintends; j++)
				chancery_free(e->intends[j]);
			for (size_t j = 0; j < e->nwithdraws; j++)
				chancery_free(e->withdraws[j]);
			chancery_free(e->intends);
			chancery_free(e->withdraws);
		}
		chancery_free(x->s[i].ev);
	}
	chancery_free(x->s);
}

static int stories_load_at(story_ctx *sx, chancery_repository *repo,
	const context *x, const char *at);

static int stories_load(story_ctx *sx, chancery_repository *repo,
	const context *x)
{
	return stories_load_at(sx, repo, x, NULL);
}

static int stories_load_at(story_ctx *sx, chancery_repository *repo,
	const context *x, const char *at)
{
	chancery_log_options lo = CHANCERY_LOG_OPTIONS_INIT;
	int error;

	memset(sx, 0, sizeof(*sx));
	sx->campaign = x->c.id;
	sx->s = chancery__calloc(x->nrec ? x->nrec : 1, sizeof(story));
	if (!sx->s)
		return chancery__oom();
	sx->ns = x->nrec;
	for (size_t i = 0; i < x->nrec; i++)
		sx->s[i].code = x->recipients[i];
	lo.campaign = x->c.id;
	lo.oldest_first = 1;
	lo.at = at;
	error = chancery_history_foreach(repo, &lo, story_cb, sx);
	if (sx->error < 0)
		return sx->error;
	if (error < 0)
		return error;
	/* what each State did from the letter on: the registry's actions,
	 * deposits and baseline alike */
	for (size_t k = 0; k < chancery_registry_action_count(x->reg); k++) {
		const chancery_action *a = chancery_registry_action(x->reg, k);
		story *st;
		story_event e;

		if (chancery_date_cmp(&a->date, &x->c.letter_date) < 0 ||
		    chancery_action_classify(a->action) == CHANCERY_ACTION_OTHER ||
		    !(st = story_of(sx, a->state)))
			continue;
		memset(&e, 0, sizeof(e));
		e.kind = EV_DEPOSIT;
		e.date = a->date;
		e.act = a;
		e.seq = sx->seq++;
		if ((error = story_push(st, &e)) < 0)
			return error;
	}
	for (size_t i = 0; i < sx->ns; i++)
		qsort(sx->s[i].ev, sx->s[i].nev, sizeof(story_event),
			cmp_story_event);
	return 0;
}

/* Current intentions after the replies up to `as_of`. */
static size_t intentions_of(char ***out, const story *s,
	const chancery_date *as_of)
{
	char **list = NULL;
	size_t n = 0;

	for (size_t k = 0; k < s->nev; k++) {
		const story_event *e = &s->ev[k];

		if (e->kind != EV_REPLY || (as_of && chancery_date_cmp(&e->date, as_of) > 0))
			continue;
		for (size_t j = 0; j < e->nwithdraws; j++)
			for (size_t i = 0; i < n; i++)
				if (!strcmp(list[i], e->withdraws[j])) {
					list[i] = list[--n];
					break;
				}
		for (size_t j = 0; j < e->nintends; j++) {
			bool dup = false;

			for (size_t i = 0; i < n; i++)
				if (!strcmp(list[i], e->intends[j]))
					dup = true;
			if (dup)
				continue;
			list = chancery__realloc(list, (n + 1) * sizeof(char *));
			if (!list)
				return 0;
			list[n++] = e->intends[j];
		}
	}
	*out = list;
	return n;
}

/* ---- send ---------------------------------------------------------------------------- */

typedef struct {
	const char *id;
	const chancery_date *date;
	const char *state;
	size_t sent;
	chancery_repository *repo;
} send_ctx;

static int send_extra(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	send_ctx *g = payload;
	context x;
	story_ctx sx;
	int error;

	(void)cs;
	(void)head;
	memset(&sx, 0, sizeof(sx));
	if ((error = context_load(&x, g->repo, base, g->id)) < 0)
		goto done;
	if (chancery_date_cmp(g->date, &x.c.letter_date) < 0) {
		error = chancery__error(CHANCERY_EINVALID,
			"--date is before the letter date of campaign '%s'", g->id);
		goto done;
	}
	if ((error = stories_load(&sx, g->repo, &x)) < 0)
		goto done;
	g->sent = 0;
	for (size_t i = 0; i < sx.ns; i++) {
		story *s = &sx.s[i];
		bool generated = false, sent = false;

		if (g->state && strcmp(g->state, s->code))
			continue;
		for (size_t k = 0; k < s->nev; k++) {
			generated |= s->ev[k].kind == EV_LETTERS;
			sent |= s->ev[k].kind == EV_SEND;
		}
		if (!generated) {
			error = chancery__error(CHANCERY_EINVALID,
				"the letter to %s is not generated yet (chancery "
				"letters generate %s)", s->code, g->id);
			goto done;
		}
		if (sent && !g->state)
			continue;
		if ((error = chancery_event_add(ev, "State", s->code)) < 0)
			goto done;
		g->sent++;
	}
	if (g->state && !story_of(&sx, g->state)) {
		error = chancery__error(CHANCERY_ENOTFOUND,
			"'%s' is not a recipient of campaign '%s'", g->state, g->id);
		goto done;
	}
	if (!g->sent) {
		error = chancery__error(CHANCERY_EUNCHANGED,
			"every letter of '%s' is sent already", g->id);
		goto done;
	}
	error = add_count(ev, "Sent-Count", g->sent);
done:
	stories_free(&sx);
	context_free(&x);
	return error;
}

int chancery_campaign_send(size_t *sent, chancery_repository *repo,
	const char *id, const chancery_date *date, const char *state)
{
	send_ctx g = { id, date, state, 0, repo };
	chancery_event *ev = NULL;
	char d[11], subject[200];
	int error;

	CHANCERY_ASSERT_ARG(repo && id && date);
	if (sent)
		*sent = 0;
	if (!id_valid(id))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a campaign id", id);
	if (state && !chancery_state_code_valid(state))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a State code", state);
	chancery_date_format(d, sizeof(d), date);
	snprintf(subject, sizeof(subject), "send %s: letters dispatched on %s%s%s",
		id, d, state ? " to " : "", state ? state : "");
	if ((error = chancery_event_new(&ev, "send")) < 0 ||
	    (error = chancery_event_add(ev, "Campaign", id)) < 0 ||
	    (error = chancery_event_add(ev, "Date", d)) < 0 ||
	    (error = chancery_event_set_subject(ev, subject)) < 0)
		goto done;
	error = chancery__event_commit(repo, ev, send_extra, &g, NULL);
	if (!error && sent)
		*sent = g.sent;
done:
	chancery_event_free(ev);
	return error;
}

/* ---- reply ----------------------------------------------------------------------------- */

static int split_intent(char *action, size_t asize, char *treaty,
	size_t tsize, const char *spec)
{
	const char *colon = strchr(spec, ':');

	if (!colon || colon == spec || (size_t)(colon - spec) >= asize ||
	    !colon[1] || strlen(colon + 1) >= tsize)
		return chancery__error(CHANCERY_EINVALID,
			"'%.60s': expected ACTION:TREATY (ratify:XVIII-10)", spec);
	snprintf(action, asize, "%.*s", (int)(colon - spec), spec);
	snprintf(treaty, tsize, "%s", colon + 1);
	return 0;
}

static int check_intention(const context *x, const char *state,
	const chancery_date *when, const char *spec, char *action,
	size_t asize, char *treaty, size_t tsize)
{
	static const char *const actions[] = { "sign", "ratify", "accept",
		"approve", "accede" };
	const chancery_treaty *t;
	chancery_status st;
	bool known = false;
	chancery_date until;
	int error;

	if ((error = split_intent(action, asize, treaty, tsize, spec)) < 0)
		return error;
	for (size_t i = 0; i < 5; i++)
		known |= !strcmp(actions[i], action);
	if (!known)
		return chancery__error(CHANCERY_EINVALID,
			"'%s': the action is sign, ratify, accept, approve or accede",
			spec);
	if (!chancery_treaty_id_valid(treaty) ||
	    !(t = chancery_registry_treaty_find(x->reg, treaty)))
		return chancery__error(CHANCERY_EINVALID,
			"'%s': unknown treaty '%.40s'", spec, treaty);
	st = chancery_registry_status(x->reg, state, treaty, when);
	if (st == CHANCERY_STATUS_PARTY)
		return chancery__error(CHANCERY_EINVALID,
			"%s %s %s: %s is already a party to %s", state, action,
			treaty, state, treaty);
	if (!strcmp(action, "sign")) {
		if (!strcmp(t->signature, "no"))
			return chancery__error(CHANCERY_EINVALID,
				"%s sign %s: %s takes no signature; it is ratified, "
				"accepted, approved or acceded to directly", state,
				treaty, treaty);
		if (st == CHANCERY_STATUS_SIGNATORY)
			return chancery__error(CHANCERY_EINVALID,
				"%s sign %s: %s has signed it already; ratify it",
				state, treaty, state);
		if (t->signature_until[0] &&
		    chancery_date_parse(&until, t->signature_until) == 0 &&
		    chancery_date_cmp(when, &until) > 0)
			return chancery__error(CHANCERY_EINVALID,
				"%s sign %s: %s closed for signature on %s; accede "
				"to it instead", state, treaty, treaty,
				t->signature_until);
		return 0;
	}
	if (!strcmp(action, "accede"))
		return st == CHANCERY_STATUS_SIGNATORY ?
			chancery__error(CHANCERY_EINVALID,
				"%s accede %s: %s has signed it; ratify it instead",
				state, treaty, state) : 0;
	/* ratify, accept, approve: after a signature, or directly where the
	 * treaty takes none */
	if (st != CHANCERY_STATUS_SIGNATORY && strcmp(t->signature, "no"))
		return chancery__error(CHANCERY_EINVALID,
			"%s %s %s: %s never signed %s; sign it first, or accede",
			state, action, treaty, state, treaty);
	return 0;
}

typedef struct {
	const char *id;
	const chancery_reply_options *o;
	chancery_repository *repo;
	int late;
} reply_ctx;

static int reply_extra(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	reply_ctx *g = payload;
	const chancery_reply_options *o = g->o;
	context x;
	story_ctx sx;
	char **current = NULL;
	size_t ncur = 0;
	int error;

	(void)cs;
	(void)head;
	memset(&sx, 0, sizeof(sx));
	if ((error = context_load(&x, g->repo, base, g->id)) < 0)
		goto done;
	if (!chancery_registry_state_find(x.reg, o->state)) {
		error = chancery__error(CHANCERY_EINVALID, "unknown State '%s'",
			o->state);
		goto done;
	}
	if ((error = stories_load(&sx, g->repo, &x)) < 0)
		goto done;
	if (!story_of(&sx, o->state)) {
		error = chancery__error(CHANCERY_EINVALID,
			"'%s' is not a recipient of campaign '%s'", o->state, g->id);
		goto done;
	}
	if (chancery_date_cmp(&o->received, &x.c.letter_date) < 0) {
		error = chancery__error(CHANCERY_EINVALID,
			"--received is before the letter date of campaign '%s'", g->id);
		goto done;
	}
	ncur = intentions_of(&current, story_of(&sx, o->state), NULL);
	for (const char *const *w = o->withdraws; w && *w; w++) {
		char action[16], treaty[40], key[64];
		bool found = false;

		if ((error = split_intent(action, sizeof(action), treaty,
				sizeof(treaty), *w)) < 0)
			goto done;
		snprintf(key, sizeof(key), "%s %s", action, treaty);
		for (size_t i = 0; i < ncur; i++)
			found |= !strcmp(current[i], key);
		if (!found) {
			error = chancery__error(CHANCERY_EINVALID,
				"%s never announced '%s' in campaign '%s'", o->state,
				*w, g->id);
			goto done;
		}
	}
	for (const char *const *i = o->intends; i && *i; i++) {
		char action[16], treaty[40];

		if ((error = check_intention(&x, o->state, &o->received, *i,
				action, sizeof(action), treaty, sizeof(treaty))) < 0)
			goto done;
	}
	g->late = chancery_date_cmp(&o->received, &x.c.deadline) > 0;
	error = chancery_event_add(ev, "Late", g->late ? "yes" : "no");
done:
	chancery_free(current);
	stories_free(&sx);
	context_free(&x);
	return error;
}

/* "ACTION:TREATY" items as fields "ACTION TREATY" (how history keeps them) */
static int add_intents(chancery_event *ev, const char *key,
	const char *const *list)
{
	int error = 0;

	for (const char *const *i = list; i && *i && !error; i++) {
		char action[16], treaty[40], v[64];

		if ((error = split_intent(action, sizeof(action), treaty,
				sizeof(treaty), *i)) < 0)
			break;
		snprintf(v, sizeof(v), "%s %s", action, treaty);
		error = chancery_event_add(ev, key, v);
	}
	return error;
}

int chancery_campaign_reply(int *late, chancery_repository *repo,
	const char *id, const chancery_reply_options *o)
{
	reply_ctx g = { id, o, repo, 0 };
	chancery_event *ev = NULL;
	char d[11], subject[200];
	int error;

	CHANCERY_ASSERT_ARG(repo && id && o);
	if (o->version != CHANCERY_REPLY_OPTIONS_VERSION)
		return chancery__error(CHANCERY_EINVALID,
			"reply options version %u unknown", o->version);
	if (!id_valid(id))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a campaign id", id);
	if (!o->state || !chancery_state_code_valid(o->state))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a State code", o->state ? o->state : "");
	if (!o->received.year)
		return chancery__error(CHANCERY_EINVALID,
			"a reply needs its date (--received)");
	if (o->none && o->intends && o->intends[0])
		return chancery__error(CHANCERY_EINVALID,
			"a reply announces intentions or none (--none), not both");
	if (!o->none && !(o->intends && o->intends[0]) &&
	    !(o->withdraws && o->withdraws[0]))
		return chancery__error(CHANCERY_EINVALID,
			"a reply announces intentions (--intends), withdraws some "
			"(--withdraw) or announces none (--none)");
	chancery_date_format(d, sizeof(d), &o->received);
	if ((error = chancery_event_new(&ev, "reply")) < 0 ||
	    (error = chancery_event_add(ev, "Campaign", id)) < 0 ||
	    (error = chancery_event_add(ev, "State", o->state)) < 0 ||
	    (error = chancery_event_add(ev, "Date", d)) < 0 ||
	    (error = chancery_event_add(ev, "Received", d)) < 0)
		goto done;
	if ((error = add_intents(ev, "Intends", o->intends)) < 0 ||
	    (error = add_intents(ev, "Withdraws", o->withdraws)) < 0)
		goto done;
	if (o->none && (error = chancery_event_add(ev, "None", "yes")) < 0)
		goto done;
	if (o->note && *o->note &&
	    (error = chancery_event_set_message(ev, o->note)) < 0)
		goto done;
	for (const char *const *a = o->attach; a && *a; a++) {
		char *data = NULL;
		size_t size = 0;
		const char *base = strrchr(*a, '/') ? strrchr(*a, '/') + 1 : *a;

		if ((error = chancery__read_file(&data, &size, *a,
				CHANCERY_ATTACHMENT_MAX)) < 0)
			goto done;
		error = chancery_event_attach(ev, base, data, size);
		chancery_free(data);
		if (error < 0)
			goto done;
	}
	snprintf(subject, sizeof(subject), "reply %s %s: received %s", id,
		o->state, d);
	if ((error = chancery_event_set_subject(ev, subject)) < 0)
		goto done;
	error = chancery__event_commit(repo, ev, reply_extra, &g, NULL);
	if (!error && late)
		*late = g.late;
done:
	chancery_event_free(ev);
	return error;
}

/* ---- status ------------------------------------------------------------------------------ */

static json_t *jdate(const chancery_date *d)
{
	char b[11];

	chancery_date_format(b, sizeof(b), d);
	return json_string(b);
}

static size_t replay(const chancery_workflow *w, story *s,
	const wf_dates *dates, const chancery_date *as_of, char **cur,
	size_t ncur, void (*each)(story_event *e, long t, void *p), void *p);

/* What the status shows of each event up to its day. */
typedef struct {
	json_t **sent;
	json_t *reminders;
	json_t *replies;
	json_t **reply;
} status_scan;

static void collect_status(story_event *ev, long t, void *p)
{
	status_scan *sc = p;

	(void)t;
	if (ev->kind == EV_SEND) {
		json_decref(*sc->sent);
		*sc->sent = jdate(&ev->date);
	}
	if (ev->kind == EV_REMIND)
		json_array_append_new(sc->reminders, jdate(&ev->date));
	if (ev->kind == EV_REPLY) {
		json_t *rj = json_object();

		json_object_set_new(rj, "received", jdate(&ev->date));
		json_object_set_new(rj, "on_time", json_boolean(!ev->late));
		json_array_append(sc->replies, rj);
		json_decref(*sc->reply);
		*sc->reply = rj;
	}
}

static const story_event *done_by(const story *s, const char *intent,
	const chancery_date *as_of);

static void bump(json_t *o, const char *key)
{
	json_t *c = json_object_get(o, key);

	json_object_set_new(o, key, json_integer(c ? json_integer_value(c) + 1 : 1));
}

/*
 * The event in numbers, up to as_of: every action dated within the event
 * (whatever the treaty and State) by day, type and State, and for each
 * featured treaty its parties the day before the event and at its end.
 */
static int event_numbers(json_t *root, const context *x,
	const chancery_date *as_of)
{
	json_t *ev = json_object(), *day = json_object(), *type = json_object(),
		*state = json_object(), *parties = json_object();
	chancery_date before = x->c.event_start, end = x->c.event_end;
	size_t total = 0;

	if (!ev || !day || !type || !state || !parties) {
		json_decref(ev);
		json_decref(day);
		json_decref(type);
		json_decref(state);
		json_decref(parties);
		return chancery__oom();
	}
	if (chancery_date_cmp(as_of, &end) < 0)
		end = *as_of;
	wf_add_days(&before, &x->c.event_start, -1, false);
	for (size_t k = 0; k < chancery_registry_action_count(x->reg); k++) {
		const chancery_action *a = chancery_registry_action(x->reg, k);
		char d[11];

		if (chancery_date_cmp(&a->date, &x->c.event_start) < 0 ||
		    chancery_date_cmp(&a->date, &end) > 0)
			continue;
		chancery_date_format(d, sizeof(d), &a->date);
		bump(day, d);
		bump(type, a->action);
		bump(state, a->state);
		total++;
	}
	for (size_t i = 0; i < x->nfeat; i++) {
		json_t *p = json_object();
		size_t nb = 0, na = 0;

		for (int when = 0; when < 2; when++) {
			chancery_participation *list = NULL;
			size_t n = 0, parties_n = 0;

			if (chancery_registry_parties(&list, &n, x->reg,
					x->featured[i], when ? &end : &before) < 0) {
				chancery_error_clear();
				continue;
			}
			for (size_t k = 0; k < n; k++)
				parties_n += list[k].status == CHANCERY_STATUS_PARTY;
			chancery_free(list);
			*(when ? &na : &nb) = parties_n;
		}
		json_object_set_new(p, "before", json_integer((json_int_t)nb));
		json_object_set_new(p, "after", json_integer((json_int_t)na));
		json_object_set_new(parties, x->featured[i], p);
	}
	json_object_set_new(ev, "start", jdate(&x->c.event_start));
	json_object_set_new(ev, "end", jdate(&x->c.event_end));
	json_object_set_new(ev, "actions", json_integer((json_int_t)total));
	json_object_set_new(ev, "states", json_integer(
		(json_int_t)json_object_size(state)));
	json_object_set_new(ev, "actions_by_day", day);
	json_object_set_new(ev, "actions_by_type", type);
	json_object_set_new(ev, "actions_by_state", state);
	json_object_set_new(ev, "parties", parties);
	json_object_set_new(root, "event", ev);
	return 0;
}

int chancery_campaign_status(char **out, chancery_repository *repo,
	const char *id, const chancery_date *as_of_in)
{
	return chancery_campaign_status_at(out, repo, id, as_of_in, NULL);
}

int chancery_campaign_status_at(char **out, chancery_repository *repo,
	const char *id, const chancery_date *as_of_in, const char *at)
{
	git_object *obj = NULL;
	git_tree *tree = NULL;
	context x;
	story_ctx sx;
	chancery_workflow *w = NULL;
	chancery_date as_of;
	wf_dates dates;
	json_t *root = NULL, *states = NULL, *totals = NULL, *counts = NULL;
	char *xml = NULL, path[200];
	size_t size, sent = 0, replied = 0, on_time = 0, late = 0, reminded = 0;
	int error;

	CHANCERY_ASSERT_ARG(out && repo && id);
	*out = NULL;
	memset(&sx, 0, sizeof(sx));
	if (as_of_in)
		as_of = *as_of_in;
	else
		chancery_date_from_time(&as_of, (int64_t)time(NULL));
	if (at) {
		/* the repository as it was at a commit */
		if (git_revparse_single(&obj, repo->git, at) < 0 ||
		    git_object_type(obj) != GIT_OBJECT_COMMIT ||
		    git_commit_tree(&tree, (git_commit *)obj) < 0) {
			git_error_clear();
			memset(&x, 0, sizeof(x));
			error = chancery__error(CHANCERY_ENOTFOUND,
				"no commit '%.60s'", at);
			goto done;
		}
	}
	if ((error = context_load(&x, repo, tree, id)) < 0)
		goto done;
	snprintf(path, sizeof(path), "campaigns/%s/workflow.xml", id);
	if ((error = chancery__tree_read(&xml, &size, repo, tree, path)) < 0 ||
	    (error = chancery_workflow_load(&w, path, xml, size, NULL, NULL)) < 0 ||
	    (error = stories_load_at(&sx, repo, &x, at)) < 0)
		goto done;
	dates.letter = x.c.letter_date;
	dates.deadline = x.c.deadline;
	dates.event_start = x.c.event_start;
	dates.event_end = x.c.event_end;
	root = json_object();
	states = json_array();
	totals = json_object();
	counts = json_object();
	if (!root || !states || !totals || !counts) {
		error = chancery__oom();
		goto done;
	}
	for (size_t r = 0; r < sx.ns; r++) {
		story *s = &sx.s[r];
		const chancery_state *st = chancery_registry_state_find(x.reg, s->code);
		json_t *e = json_object(), *reminders = json_array(),
			*replies = json_array(), *intents = json_array(),
			*letter = json_object(), *reply = json_null(),
			*jsent = json_null(), *actions = json_array();
		char **cur = NULL;
		size_t ncur, state;
		char ref[120], up[80];
		size_t i;

		if (!e || !reminders || !replies || !intents || !letter ||
		    !actions) {
			json_decref(e);
			error = chancery__oom();
			goto done;
		}
		ncur = intentions_of(&cur, s, &as_of);
		{
			status_scan sc = { &jsent, reminders, replies, &reply };

			state = replay(w, s, &dates, &as_of, cur, ncur, collect_status, &sc);
		}
		for (i = 0; i < ncur; i++) {
			json_t *it = json_object();
			const char *sp = strchr(cur[i], ' ');

			const story_event *done = done_by(s, cur[i], &as_of);

			json_object_set_new(it, "treaty", json_string(sp ? sp + 1 : cur[i]));
			json_object_set_new(it, "action", json_stringn(cur[i],
				sp ? (size_t)(sp - cur[i]) : strlen(cur[i])));
			json_object_set_new(it, "done", done ?
				jdate(&done->date) : json_null());
			json_array_append_new(intents, it);
		}
		chancery_free(cur);
		for (i = 0; i < s->nev; i++) {
			const story_event *d = &s->ev[i];
			json_t *it;

			if (d->kind != EV_DEPOSIT ||
			    chancery_date_cmp(&d->date, &as_of) > 0)
				continue;
			it = json_object();
			json_object_set_new(it, "treaty", json_string(d->act->treaty));
			json_object_set_new(it, "action", json_string(d->act->action));
			json_object_set_new(it, "date", jdate(&d->date));
			json_array_append_new(actions, it);
		}
		for (i = 0; x.c.id[i] && i < sizeof(up) - 1; i++)
			up[i] = (char)(x.c.id[i] >= 'a' && x.c.id[i] <= 'z' ?
				x.c.id[i] - 32 : x.c.id[i]);
		up[i] = '\0';
		snprintf(ref, sizeof(ref), "%s/%s/1", up, s->code);
		json_object_set_new(letter, "reference", json_string(ref));
		json_object_set_new(letter, "language",
			json_string(st ? st->language : "en"));
		json_object_set_new(e, "code", json_string(s->code));
		json_object_set_new(e, "workflow_state",
			json_string(chancery_workflow_state(w, state)));
		json_object_set_new(e, "letter", letter);
		json_object_set_new(e, "sent", jsent);
		json_object_set_new(e, "reply", reply);
		json_object_set_new(e, "replies", replies);
		json_object_set_new(e, "intentions", intents);
		json_object_set_new(e, "reminders", reminders);
		json_object_set_new(e, "actions", actions);
		json_array_append_new(states, e);
		sent += !json_is_null(jsent);
		if (!json_is_null(reply)) {
			replied++;
			if (json_is_true(json_object_get(json_array_get(replies, 0),
					"on_time")))
				on_time++;
			else
				late++;
		}
		reminded += json_array_size(reminders) > 0;
		{
			const char *sn = chancery_workflow_state(w, state);
			json_t *c = json_object_get(counts, sn);

			json_object_set_new(counts, sn, json_integer(
				(c ? json_integer_value(c) : 0) + 1));
		}
	}
	json_object_set_new(totals, "recipients", json_integer((json_int_t)sx.ns));
	json_object_set_new(totals, "sent", json_integer((json_int_t)sent));
	json_object_set_new(totals, "replied", json_integer((json_int_t)replied));
	json_object_set_new(totals, "on_time", json_integer((json_int_t)on_time));
	json_object_set_new(totals, "late", json_integer((json_int_t)late));
	json_object_set_new(totals, "no_reply",
		json_integer((json_int_t)(sx.ns - replied)));
	json_object_set_new(totals, "reminded", json_integer((json_int_t)reminded));
	json_object_set_new(totals, "workflow_states", counts);
	counts = NULL;
	{
		json_t *c = json_object(), *ev = json_object();

		json_object_set_new(c, "id", json_string(x.c.id));
		json_object_set_new(c, "title", json_string(x.c.title));
		json_object_set_new(c, "workflow", json_string(chancery_workflow_name(w)));
		json_object_set_new(c, "letter_date", jdate(&x.c.letter_date));
		json_object_set_new(c, "deadline", jdate(&x.c.deadline));
		json_object_set_new(ev, "start", jdate(&x.c.event_start));
		json_object_set_new(ev, "end", jdate(&x.c.event_end));
		json_object_set_new(c, "event", ev);
		json_object_set_new(root, "version", json_integer(1));
		json_object_set_new(root, "campaign", c);
	}
	json_object_set_new(root, "as_of", jdate(&as_of));
	if ((error = event_numbers(root, &x, &as_of)) < 0)
		goto done;
	if (at)
		json_object_set_new(root, "at", json_string(at));
	json_object_set_new(root, "totals", totals);
	totals = NULL;
	json_object_set_new(root, "states", states);
	states = NULL;
	{
		char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		if (!s) {
			error = chancery__oom();
			goto done;
		}
		*out = chancery__strdup(s);
		free(s);
		if (!*out)
			error = chancery__oom();
	}
done:
	git_tree_free(tree);
	git_object_free(obj);
	json_decref(root);
	json_decref(states);
	json_decref(totals);
	json_decref(counts);
	chancery_free(xml);
	chancery_workflow_free(w);
	stories_free(&sx);
	context_free(&x);
	return error;
}

/* ---- reminders and acknowledgments ----------------------------------------------------- */

/* Replay a story up to as_of; for each event, `each` (may be NULL) gets
 * the transition taken (-1: none). Returns the state. */
/* Does deposit `e` carry out intention "VERB TREATY"? A signature does
 * "sign"; any action that binds does ratify, accept, approve, accede. */
static bool fulfils(const story_event *e, const char *intent)
{
	const char *sp = strchr(intent, ' ');
	chancery_action_kind k;

	if (e->kind != EV_DEPOSIT || !sp || strcmp(sp + 1, e->act->treaty))
		return false;
	k = chancery_action_classify(e->act->action);
	return !strncmp(intent, "sign ", 5) ? k == CHANCERY_ACTION_SIGNS :
		k == CHANCERY_ACTION_BINDS;
}

/* The first deposit carrying out an intention, up to `as_of`, or NULL. */
static const story_event *done_by(const story *s, const char *intent,
	const chancery_date *as_of)
{
	for (size_t k = 0; k < s->nev; k++)
		if (fulfils(&s->ev[k], intent) &&
		    chancery_date_cmp(&s->ev[k].date, as_of) <= 0)
			return &s->ev[k];
	return NULL;
}

static size_t count_done(const story *s, char **cur, size_t ncur,
	const chancery_date *as_of)
{
	size_t n = 0;

	for (size_t i = 0; i < ncur; i++)
		n += done_by(s, cur[i], as_of) != NULL;
	return n;
}

/* Replay a story up to as_of; for each event, `each` (may be NULL) gets
 * the transition taken (-1: none). Returns the state. */
static size_t replay(const chancery_workflow *w, story *s, const wf_dates *dates,
	const chancery_date *as_of, char **cur, size_t ncur,
	void (*each)(story_event *e, long t, void *p), void *p)
{
	wf_facts f;
	size_t state = 0;

	memset(&f, 0, sizeof(f));
	f.announced = ncur;
	for (size_t k = 0; k < s->nev; k++) {
		story_event *ev = &s->ev[k];
		const char *name = ev->kind == EV_LETTERS ? "letter" :
			ev->kind == EV_SEND ? "send" :
			ev->kind == EV_REPLY ? "reply" :
			ev->kind == EV_DEPOSIT ? "deposit" : "remind";
		long t;

		if (chancery_date_cmp(&ev->date, as_of) > 0)
			continue;
		f.today = &ev->date;
		f.received = ev->kind == EV_REPLY ? &ev->date : NULL;
		f.deposited = ev->kind == EV_DEPOSIT ? &ev->date : NULL;
		f.done = count_done(s, cur, ncur, &ev->date);
		t = wf_step(w, state, name, dates, &f);
		if (t >= 0)
			state = wf_transition_at(w, (size_t)t)->to;
		if (each)
			each(ev, t, p);
	}
	f.today = as_of;
	f.received = NULL;
	f.deposited = NULL;
	f.done = count_done(s, cur, ncur, as_of);
	for (int guard = 0; guard < 32; guard++) {
		long t = wf_step(w, state, "time", dates, &f);

		if (t < 0 || wf_transition_at(w, (size_t)t)->to == state)
			break;
		state = wf_transition_at(w, (size_t)t)->to;
	}
	return state;
}

typedef struct {
	const chancery_workflow *w;
	story_event **acks;   /* replies to acknowledge */
	size_t nacks, aacks;
} ack_scan;

static void find_acks(story_event *e, long t, void *p)
{
	ack_scan *a = p;
	const wf_transition *tr;

	if (e->kind != EV_REPLY || e->acknowledged || t < 0)
		return;
	tr = wf_transition_at(a->w, (size_t)t);
	if (!tr->letter || strcmp(tr->letter, "acknowledgment"))
		return;
	if (chancery__grow((void **)&a->acks, &a->aacks, a->nacks + 1,
			sizeof(story_event *)) < 0)
		return;
	a->acks[a->nacks++] = e;
}

typedef struct {
	const char *id;
	const chancery_date *as_of;
	chancery_repository *repo;
	size_t reminders, acks;
} remind_ctx;

static int render_letter(void **odt, size_t *size, chancery_repository *repo,
	git_tree *base, const char *id, const char *kind, const char *lang,
	json_t *data)
{
	char path[200], *tpl = NULL;
	size_t tsize;
	chancery_template *t = NULL;
	chancery_template_options to = CHANCERY_TEMPLATE_OPTIONS_INIT;
	int error;

	snprintf(path, sizeof(path), "campaigns/%s/templates/%s-%s.odt", id,
		kind, lang);
	if ((error = chancery__tree_read(&tpl, &tsize, repo, base, path)) < 0)
		return error;
	to.name = path;
	if ((error = chancery_template_load_odt(&t, tpl, tsize, &to)) == 0)
		error = chancery_template_render_odt(odt, size, t,
			(chancery_data *)data);
	chancery_template_free(t);
	chancery_free(tpl);
	return error;
}

static int remind_extra(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	remind_ctx *g = payload;
	context x;
	story_ctx sx;
	chancery_workflow *w = NULL;
	wf_dates dates;
	char *xml = NULL, path[200], today[11];
	size_t size;
	int error;

	(void)head;
	memset(&sx, 0, sizeof(sx));
	g->reminders = g->acks = 0;
	chancery_date_format(today, sizeof(today), g->as_of);
	if ((error = context_load(&x, g->repo, base, g->id)) < 0)
		goto done;
	snprintf(path, sizeof(path), "campaigns/%s/workflow.xml", g->id);
	if ((error = chancery__tree_read(&xml, &size, g->repo, base, path)) < 0 ||
	    (error = chancery_workflow_load(&w, path, xml, size, NULL, NULL)) < 0 ||
	    (error = stories_load(&sx, g->repo, &x)) < 0)
		goto done;
	dates.letter = x.c.letter_date;
	dates.deadline = x.c.deadline;
	dates.event_start = x.c.event_start;
	dates.event_end = x.c.event_end;
	for (size_t r = 0; r < sx.ns; r++) {
		story *s = &sx.s[r];
		const chancery_state *st = chancery_registry_state_find(x.reg, s->code);
		char **cur = NULL;
		size_t ncur = intentions_of(&cur, s, g->as_of), state;
		ack_scan a = { w, NULL, 0, 0 };
		wf_facts f;
		long t;

		if (!st) {
			chancery_free(cur);
			continue;
		}
		state = replay(w, s, &dates, g->as_of, cur, ncur, find_acks, &a);
		chancery_free(cur);
		memset(&f, 0, sizeof(f));
		f.today = g->as_of;
		t = wf_step(w, state, "remind", &dates, &f);
		if (t >= 0 && wf_transition_at(w, (size_t)t)->letter) {
			json_t *data = NULL, *inv = json_object(), *letter;
			void *odt = NULL;
			char buf[64], ref[120];

			if ((error = build_data(&data, &x.c, x.reg, x.featured,
					x.nfeat, st, 1)) < 0) {
				json_decref(inv);
				chancery_free(a.acks);
				goto done;
			}
			letter = json_object_get(data, "letter");
			json_object_set(inv, "date", json_object_get(letter, "date"));
			json_object_set(inv, "reference",
				json_object_get(letter, "reference"));
			json_object_set_new(data, "invitation", inv);
			chancery_date_write(buf, sizeof(buf), g->as_of, st->language);
			json_object_set_new(letter, "date", json_string(buf));
			snprintf(ref, sizeof(ref), "%s-R%s",
				json_string_value(json_object_get(inv, "reference")), today);
			json_object_set_new(letter, "reference", json_string(ref));
			error = render_letter(&odt, &size, g->repo, base, g->id,
				wf_transition_at(w, (size_t)t)->letter, st->language, data);
			json_decref(data);
			if (error < 0) {
				chancery_free(a.acks);
				goto done;
			}
			snprintf(path, sizeof(path), "campaigns/%s/reminders/%s-%s.odt",
				g->id, s->code, today);
			if ((error = chancery_changeset_add_owned(cs, path, odt, size)) < 0 ||
			    (error = chancery_event_add(ev, "State", s->code)) < 0) {
				chancery_free(a.acks);
				goto done;
			}
			g->reminders++;
		}
		for (size_t k = 0; k < a.nacks; k++) {
			story_event *re = a.acks[k];
			json_t *data = NULL, *reply = json_object(), *intents = json_array();
			char **after = NULL, d[11], buf[64], key[20];
			size_t nafter = intentions_of(&after, s, &re->date);
			void *odt = NULL;

			if ((error = build_data(&data, &x.c, x.reg, x.featured,
					x.nfeat, st, 1)) < 0) {
				chancery_free(after);
				json_decref(reply);
				json_decref(intents);
				chancery_free(a.acks);
				goto done;
			}
			for (size_t i = 0; i < nafter; i++) {
				const char *sp = strchr(after[i], ' ');
				const chancery_treaty *tr = sp ?
					chancery_registry_treaty_find(x.reg, sp + 1) : NULL;
				char code[16];
				json_t *it = json_object();

				if (!tr)
					continue;
				snprintf(code, sizeof(code), "%.*s", (int)(sp - after[i]),
					after[i]);
				json_object_set_new(it, "id", json_string(tr->id));
				json_object_set_new(it, "title", json_string(
					lang_index(st->language) == 1 && tr->title_fr[0] ?
					tr->title_fr : tr->title));
				json_object_set_new(it, "short_title", json_string(
					tr->short_title[0] ? tr->short_title : tr->id));
				json_object_set_new(it, "action_code", json_string(code));
				json_object_set_new(it, "action", json_string(
					!strcmp(code, "accept") || !strcmp(code, "approve") ?
					code : action_word(code, st->language)));
				json_array_append_new(intents, it);
			}
			chancery_free(after);
			chancery_date_write(buf, sizeof(buf), &re->date, st->language);
			json_object_set_new(reply, "received", json_string(buf));
			json_object_set_new(data, "reply", reply);
			json_object_set_new(data, "intentions_count",
				json_integer((json_int_t)json_array_size(intents)));
			json_object_set_new(data, "intentions", intents);
			chancery_date_write(buf, sizeof(buf), g->as_of, st->language);
			json_object_set_new(json_object_get(data, "letter"), "date",
				json_string(buf));
			error = render_letter(&odt, &size, g->repo, base, g->id,
				"acknowledgment", st->language, data);
			json_decref(data);
			if (error < 0) {
				chancery_free(a.acks);
				goto done;
			}
			chancery_date_format(d, sizeof(d), &re->date);
			snprintf(path, sizeof(path),
				"campaigns/%s/acknowledgments/%s-%s.odt", g->id, s->code, d);
			snprintf(key, sizeof(key), "%s %s", s->code, d);
			if ((error = chancery_changeset_add_owned(cs, path, odt, size)) < 0 ||
			    (error = chancery_event_add(ev, "Acknowledges", key)) < 0) {
				chancery_free(a.acks);
				goto done;
			}
			g->acks++;
		}
		chancery_free(a.acks);
	}
	if (!g->reminders && !g->acks) {
		error = chancery__error(CHANCERY_EUNCHANGED,
			"nothing is due on %s", today);
		goto done;
	}
	error = add_count(ev, "Reminded", g->reminders);
done:
	chancery_free(xml);
	chancery_workflow_free(w);
	stories_free(&sx);
	context_free(&x);
	return error;
}

int chancery_campaign_remind(size_t *reminders, size_t *acks,
	chancery_repository *repo, const char *id, const chancery_date *as_of)
{
	remind_ctx g = { id, as_of, repo, 0, 0 };
	chancery_event *ev = NULL;
	char d[11], subject[200];
	int error;

	CHANCERY_ASSERT_ARG(repo && id && as_of);
	if (!id_valid(id))
		return chancery__error(CHANCERY_EINVALID,
			"'%.40s' is not a campaign id", id);
	chancery_date_format(d, sizeof(d), as_of);
	snprintf(subject, sizeof(subject), "remind %s: what is due on %s", id, d);
	if ((error = chancery_event_new(&ev, "remind")) < 0 ||
	    (error = chancery_event_add(ev, "Campaign", id)) < 0 ||
	    (error = chancery_event_add(ev, "Date", d)) < 0 ||
	    (error = chancery_event_set_subject(ev, subject)) < 0)
		goto done;
	error = chancery__event_commit(repo, ev, remind_extra, &g, NULL);
	if (reminders)
		*reminders = g.reminders;
	if (acks)
		*acks = g.acks;
done:
	chancery_event_free(ev);
	return error;
}
