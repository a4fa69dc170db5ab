/*
 * registry.c - States, treaties, featured lists and the participation
 * baseline: loading them from registry/ of a commit, answering queries, and
 * importing CSV/TSV tables into them.
 *
 * Format (docs/repository-format.md): registry/states.tsv,
 * registry/treaties.tsv, registry/participation.tsv and
 * registry/featured/NAME.tsv, each a TSV table with '#' source notes on top,
 * a header of canonical column names, RFC 4180 quoting. Loading validates
 * every cell with the same checks an import applies, so a registry edited by
 * hand into nonsense is reported as "registry/states.tsv:5:3: ..." instead of
 * being half believed.
 *
 * Keys: a State by code, a treaty by id, an action by (state, treaty,
 * action, date). Imports upsert by key: the columns a file has replace those
 * of a known row, a new key appends a row. Nothing is ever deleted by an
 * import. The whole table is validated before anything is committed.
 *
 * Left out on purpose: denunciations and withdrawals (the baseline data has
 * none), treaty-specific signature conditions beyond a closing date.
 */
#include "internal.h"
#include "table.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REG_STATES "registry/states.tsv"
#define REG_TREATIES "registry/treaties.tsv"
#define REG_PARTICIPATION "registry/participation.tsv"
#define REG_FEATURED_DIR "registry/featured"
#define REG_ARCHIVE_DIR "archive"
#define REG_MAX_FILE ((size_t)64 << 20)

/* ---- column specifications ---------------------------------------------- */

enum cell_kind {
	K_TEXT,     /* one line of text, may be empty */
	K_STATE,    /* state code */
	K_TREATY,   /* treaty id */
	K_TREATY_OPT, /* treaty id or empty */
	K_DATE,     /* date, required */
	K_DATE_OPT, /* date or empty */
	K_LANG,     /* en, fr, es */
	K_ACTION,   /* action vocabulary */
	K_YESNO,    /* yes, no or empty */
	K_YEAR,     /* four digits or empty */
	K_CHAPTER,  /* roman numeral or empty */
	K_EIF       /* an entry-into-force rule or empty */
};

typedef struct {
	const char *name;  /* canonical column name */
	const char *alias; /* another name accepted on import, or NULL */
	enum cell_kind kind;
	bool key;          /* part of the row key */
	bool needed;       /* a new row must have it */
	size_t offset;     /* where it goes in the public struct */
} colspec;

#define S(f) offsetof(chancery_state, f)
static const colspec state_cols[] = {
	{ "code", "iso3", K_STATE, true, true, S(code) },
	{ "name", "short_name_en", K_TEXT, false, true, S(name) },
	{ "formal_name", "formal_name_en", K_TEXT, false, false, S(formal_name) },
	{ "name_fr", "short_name_fr", K_TEXT, false, false, S(name_fr) },
	{ "language", "preferred_language", K_LANG, false, true, S(language) },
	{ "member_since", "un_member_since", K_YEAR, false, false, S(member_since) },
	{ "status", NULL, K_TEXT, false, false, S(status) },
	{ "language_basis", NULL, K_TEXT, false, false, (size_t)-1 },
	{ "note", NULL, K_TEXT, false, false, S(note) },
	{ "name_es", "short_name_es", K_TEXT, false, false, S(name_es) },
};
#undef S

#define T(f) offsetof(chancery_treaty, f)
static const colspec treaty_cols[] = {
	{ "id", "mtdsg_id", K_TREATY, true, true, T(id) },
	{ "chapter", NULL, K_CHAPTER, false, false, T(chapter) },
	{ "title", "full_title_en", K_TEXT, false, true, T(title) },
	{ "title_fr", "full_title_fr", K_TEXT, false, false, T(title_fr) },
	{ "short_title", NULL, K_TEXT, false, false, T(short_title) },
	{ "place_adopted", NULL, K_TEXT, false, false, T(place_adopted) },
	{ "adopted", NULL, K_DATE_OPT, false, false, T(adopted) },
	{ "entry_into_force", NULL, K_DATE_OPT, false, false, T(entry_into_force) },
	{ "signature", "open_for_signature", K_YESNO, false, false, T(signature) },
	{ "signature_until", NULL, K_DATE_OPT, false, false, T(signature_until) },
	{ "parent", "parent_id", K_TREATY_OPT, false, false, T(parent) },
	{ "note", "notes", K_TEXT, false, false, T(note) },
	{ "entry_into_force_rule", NULL, K_EIF, false, false,
		T(entry_into_force_rule) },
};
#undef T

#define A(f) offsetof(chancery_action, f)
static const colspec action_cols[] = {
	{ "state", "iso3", K_STATE, true, true, A(state) },
	{ "treaty", "mtdsg_id", K_TREATY, true, true, A(treaty) },
	{ "action", NULL, K_ACTION, true, true, A(action) },
	{ "date", NULL, K_DATE, true, true, (size_t)-2 },
	{ "note", NULL, K_TEXT, false, false, A(note) },
};
#undef A

static const colspec featured_cols[] = {
	{ "treaty", "mtdsg_id", K_TREATY, true, true, 0 },
	{ "confidence", NULL, K_TEXT, false, false, 0 },
	{ "evidence", NULL, K_TEXT, false, false, 0 },
};

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

typedef struct {
	const char *path;
	const colspec *cols;
	size_t ncols;
	const char *what; /* "State", "treaty", "action" */
} tablespec;

static const tablespec spec_states = { REG_STATES, state_cols,
	NCOLS(state_cols), "State" };
static const tablespec spec_treaties = { REG_TREATIES, treaty_cols,
	NCOLS(treaty_cols), "treaty" };
static const tablespec spec_actions = { REG_PARTICIPATION, action_cols,
	NCOLS(action_cols), "action" };
static const tablespec spec_featured = { NULL, featured_cols,
	NCOLS(featured_cols), "treaty" };

/* ---- vocabulary and syntax ------------------------------------------------ */

static const struct {
	const char *name;
	chancery_action_kind kind;
} vocabulary[] = {
	{ "signature", CHANCERY_ACTION_SIGNS },
	{ "ratification", CHANCERY_ACTION_BINDS },
	{ "accession", CHANCERY_ACTION_BINDS },
	{ "acceptance", CHANCERY_ACTION_BINDS },
	{ "approval", CHANCERY_ACTION_BINDS },
	{ "succession", CHANCERY_ACTION_BINDS },
	{ "consent_to_be_bound", CHANCERY_ACTION_BINDS },
	{ "definitive_signature", CHANCERY_ACTION_BINDS },
	{ "participation", CHANCERY_ACTION_BINDS },
	{ "simplified_procedure", CHANCERY_ACTION_BINDS },
	{ "provisional_application", CHANCERY_ACTION_OTHER },
	{ "provisional_acceptance", CHANCERY_ACTION_OTHER },
	{ "notification", CHANCERY_ACTION_OTHER },
	{ "application", CHANCERY_ACTION_OTHER },
};

chancery_action_kind chancery_action_classify(const char *action)
{
	for (size_t i = 0; i < NCOLS(vocabulary); i++)
		if (strcmp(vocabulary[i].name, action) == 0)
			return vocabulary[i].kind;
	return CHANCERY_ACTION_UNKNOWN;
}

int chancery_state_code_valid(const char *c)
{
	return c && strlen(c) == 3 && c[0] >= 'A' && c[0] <= 'Z' &&
		c[1] >= 'A' && c[1] <= 'Z' && c[2] >= 'A' && c[2] <= 'Z';
}

static bool is_roman(char c)
{
	return c == 'I' || c == 'V' || c == 'X' || c == 'L' || c == 'C';
}

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9');
}

/* MTDSG reference: a roman chapter, then '-'-separated parts of letters and
 * digits: IV-4, XVIII-12-a, III-2-2a, XI-A-5. At most 32 characters. */
int chancery_treaty_id_valid(const char *id)
{
	const char *p = id;
	size_t parts = 0;

	if (!id || strlen(id) > 32 || !is_roman(*p))
		return 0;
	while (is_roman(*p))
		p++;
	while (*p == '-') {
		const char *s = ++p;

		while (alnum(*p))
			p++;
		if (p == s)
			return 0;
		parts++;
	}
	return *p == '\0' && parts > 0;
}

static const char *chapter_of(char *buf, size_t size, const char *id)
{
	size_t n = 0;

	while (is_roman(id[n]) && n + 1 < size) {
		buf[n] = id[n];
		n++;
	}
	buf[n] = '\0';
	return buf;
}

/* Check one cell; report a problem and return false when it is wrong. */
/* ---- entry into force ------------------------------------------------------ */

/* "N days" | "N months" | "first day of the month after N days|months" |
 * "on deposit" (N from 0 to 999; "1 day", "1 month" too) */
typedef struct {
	int n;
	bool months;
	bool first_of_month;
} eif_rule;

static bool eif_parse(eif_rule *r, const char *v)
{
	static const char fom[] = "first day of the month after ";
	const char *p = v;
	char *end;
	long n;

	memset(r, 0, sizeof(*r));
	if (!strcmp(v, "on deposit"))
		return true;
	if (!strncmp(p, fom, sizeof(fom) - 1)) {
		r->first_of_month = true;
		p += sizeof(fom) - 1;
	}
	if (*p < '0' || *p > '9')
		return false;
	n = strtol(p, &end, 10);
	if (n < 0 || n > 999 || *end != ' ')
		return false;
	r->n = (int)n;
	end++;
	if (!strcmp(end, "months") || (n == 1 && !strcmp(end, "month")))
		r->months = true;
	else if (!(strcmp(end, "days") == 0 || (n == 1 && !strcmp(end, "day"))))
		return false;
	return true;
}

int chancery_treaty_entry_into_force(chancery_date *out,
	const chancery_treaty *t, const chancery_date *deposit)
{
	eif_rule rule;
	chancery_date d, general;

	CHANCERY_ASSERT_ARG(out && t && deposit);
	if (!t->entry_into_force_rule || !*t->entry_into_force_rule ||
	    !eif_parse(&rule, t->entry_into_force_rule))
		return chancery__error(CHANCERY_ENOTFOUND,
			"the registry knows no entry-into-force rule for %s",
			t->id);
	d = *deposit;
	if (rule.months) {
		int m = d.month - 1 + rule.n;

		d.year += m / 12;
		d.month = m % 12 + 1;
		/* a month too short for the day: its last day */
		if (d.day > chancery__days_in_month(d.year, d.month))
			d.day = chancery__days_in_month(d.year, d.month);
	} else {
		for (int i = 0; i < rule.n; i++)
			if (++d.day > chancery__days_in_month(d.year, d.month)) {
				d.day = 1;
				if (++d.month > 12) {
					d.month = 1;
					d.year++;
				}
			}
	}
	if (rule.first_of_month) {
		d.day = 1;
		if (++d.month > 12) {
			d.month = 1;
			d.year++;
		}
	}
	/* before the treaty itself is in force, it is its own date */
	if (t->entry_into_force[0] &&
	    chancery_date_parse(&general, t->entry_into_force) == 0 &&
	    chancery_date_cmp(&general, &d) > 0)
		d = general;
	*out = d;
	return 0;
}

static bool check_cell(chancery_table_diag *d, const chancery_cell *cell,
	size_t line, const colspec *c)
{
	const char *v = cell->text;

	if (!chancery__line_valid(v)) {
		chancery__table_problem(d, line, cell->column,
			"%s: control character or line break in the value",
			c->name);
		return false;
	}
	if (strlen(v) > CHANCERY_FIELD_MAX) {
		chancery__table_problem(d, line, cell->column,
			"%s: longer than %d bytes", c->name, CHANCERY_FIELD_MAX);
		return false;
	}
	switch (c->kind) {
	case K_TEXT:
		return true;
	case K_STATE:
		if (chancery_state_code_valid(v))
			return true;
		chancery__table_problem(d, line, cell->column,
			"%s: '%.40s' is not a State code (three capital letters)",
			c->name, v);
		return false;
	case K_TREATY_OPT:
		if (!*v)
			return true;
		/* fall through */
	case K_TREATY:
		if (chancery_treaty_id_valid(v))
			return true;
		chancery__table_problem(d, line, cell->column,
			"%s: '%.40s' is not a treaty reference (like IV-4 or XVIII-12-a)",
			c->name, v);
		return false;
	case K_DATE_OPT:
		if (!*v)
			return true;
		/* fall through */
	case K_DATE: {
		chancery_date dt;

		if (chancery_date_parse(&dt, v) == 0)
			return true;
		chancery__table_problem(d, line, cell->column, "%s: %s",
			c->name, chancery_error_last()->message);
		return false;
	}
	case K_LANG:
		if (!strcmp(v, "en") || !strcmp(v, "fr") || !strcmp(v, "es"))
			return true;
		chancery__table_problem(d, line, cell->column,
			"%s: '%.40s' is not en, fr or es", c->name, v);
		return false;
	case K_ACTION:
		if (chancery_action_classify(v) != CHANCERY_ACTION_UNKNOWN)
			return true;
		chancery__table_problem(d, line, cell->column,
			"%s: '%.40s' is not in the vocabulary", c->name, v);
		return false;
	case K_YESNO:
		if (!*v || !strcmp(v, "yes") || !strcmp(v, "no"))
			return true;
		chancery__table_problem(d, line, cell->column,
			"%s: '%.40s' is not yes or no", c->name, v);
		return false;
	case K_YEAR:
		if (!*v || (strlen(v) == 4 && strspn(v, "0123456789") == 4))
			return true;
		chancery__table_problem(d, line, cell->column,
			"%s: '%.40s' is not a year", c->name, v);
		return false;
	case K_EIF: {
		eif_rule rule;

		if (!*v || eif_parse(&rule, v))
			return true;
		chancery__table_problem(d, line, cell->column,
			"%s: '%.60s' is not a rule (\"3 months\", \"30 days\", "
			"\"first day of the month after 60 days\", \"on deposit\")",
			c->name, v);
		return false;
	}
	case K_CHAPTER:
		for (const char *p = v; *p; p++)
			if (!is_roman(*p)) {
				chancery__table_problem(d, line, cell->column,
					"%s: '%.40s' is not a roman numeral",
					c->name, v);
				return false;
			}
		return true;
	}
	return true;
}

/*
 * Map a table's header onto a spec: map[i] is the table column of spec
 * column i, or -1. Unknown columns are ignored (documented); a column named
 * twice, or a missing key column, is a problem.
 */
static void map_columns(int *map, const tablespec *ts,
	const chancery_table *t, chancery_table_diag *d)
{
	const chancery_trow *h = &t->rows[0];

	for (size_t i = 0; i < ts->ncols; i++)
		map[i] = -1;
	for (size_t k = 0; k < h->count; k++) {
		const char *name = h->cells[k].text;

		for (size_t i = 0; i < ts->ncols; i++) {
			const colspec *c = &ts->cols[i];

			if (strcmp(name, c->name) &&
			    !(c->alias && !strcmp(name, c->alias)))
				continue;
			if (map[i] >= 0)
				chancery__table_problem(d, h->line,
					h->cells[k].column,
					"column '%s' given twice", c->name);
			map[i] = (int)k;
		}
	}
	for (size_t i = 0; i < ts->ncols; i++)
		if (ts->cols[i].key && map[i] < 0)
			chancery__table_problem(d, h->line, 1,
				"missing column '%s'", ts->cols[i].name);
}

/* ---- the loaded registry --------------------------------------------------- */

typedef struct {
	char *name;
	const chancery_treaty **treaties;
	size_t count;
} featured_list;

struct chancery_registry {
	chancery_table *tables[3];
	chancery_state *states;
	size_t nstates;
	chancery_treaty *treaties;
	size_t ntreaties;
	chancery_action *actions;
	size_t nactions;
	size_t *state_index;  /* states sorted by code */
	size_t *treaty_index; /* treaties sorted by id */
	size_t *action_index; /* actions sorted by state, treaty, date */
	featured_list *featured;
	size_t nfeatured;
	chancery_table **ftables;
	char *archive;        /* strings of the deposited actions, one block */
};

static const chancery_registry *sort_ctx;

static int cmp_state_idx(const void *a, const void *b)
{
	return strcmp(sort_ctx->states[*(const size_t *)a].code,
		sort_ctx->states[*(const size_t *)b].code);
}

static int cmp_treaty_idx(const void *a, const void *b)
{
	return strcmp(sort_ctx->treaties[*(const size_t *)a].id,
		sort_ctx->treaties[*(const size_t *)b].id);
}

static int cmp_action_idx(const void *a, const void *b)
{
	const chancery_action *x = &sort_ctx->actions[*(const size_t *)a];
	const chancery_action *y = &sort_ctx->actions[*(const size_t *)b];
	int c = strcmp(x->state, y->state);

	if (!c)
		c = strcmp(x->treaty, y->treaty);
	if (!c)
		c = chancery_date_cmp(&x->date, &y->date);
	if (!c)
		c = *(const size_t *)a < *(const size_t *)b ? -1 : 1;
	return c;
}

/* Sorting uses a file-level context pointer; the lock keeps two threads
 * loading registries at once from trampling it. */
#include <pthread.h>
static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static int make_index(size_t **out, size_t n, const chancery_registry *r,
	int (*cmp)(const void *, const void *))
{
	size_t *idx = chancery__calloc(n ? n : 1, sizeof(size_t));

	if (!idx)
		return chancery__oom();
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	pthread_mutex_lock(&sort_lock);
	sort_ctx = r;
	qsort(idx, n, sizeof(size_t), cmp);
	pthread_mutex_unlock(&sort_lock);
	*out = idx;
	return 0;
}

/*
 * Fill `count` structs of `size` bytes from table rows, validating each cell;
 * string fields get the cell text (or "" when the column is absent).
 */
static int fill_rows(void **out, size_t *count, const tablespec *ts,
	chancery_table *t, chancery_table_diag *d, size_t size)
{
	int map[16];
	char *rows;

	map_columns(map, ts, t, d);
	rows = chancery__calloc(t->nrows ? t->nrows : 1, size);
	if (!rows)
		return chancery__oom();
	for (size_t r = 1; r < t->nrows; r++) {
		const chancery_trow *row = &t->rows[r];
		char *rec = rows + (r - 1) * size;

		if (row->count > t->rows[0].count)
			chancery__table_problem(d, row->line,
				row->cells[t->rows[0].count].column,
				"more cells than the header has columns");
		for (size_t i = 0; i < ts->ncols; i++) {
			const colspec *c = &ts->cols[i];
			static char empty[] = "";
			const char *v = map[i] >= 0 && (size_t)map[i] < row->count ?
				row->cells[map[i]].text : empty;

			if (map[i] >= 0 && (size_t)map[i] < row->count)
				check_cell(d, &row->cells[map[i]], row->line, c);
			else if (c->needed)
				chancery__table_problem(d, row->line, 1,
					"missing %s", c->name);
			if (c->offset == (size_t)-2) {
				chancery_action *a = (chancery_action *)rec;

				if (chancery_date_parse(&a->date, v) < 0)
					memset(&a->date, 0, sizeof(a->date));
			} else if (c->offset != (size_t)-1) {
				*(const char **)(rec + c->offset) = v;
			}
		}
	}
	*out = rows;
	*count = t->nrows - 1;
	return 0;
}

static int load_table(chancery_table **out, chancery_repository *repo,
	git_tree *tree, const char *path, chancery_table_diag *d)
{
	char *data = NULL;
	size_t size = 0;
	int error;

	*out = NULL;
	error = chancery__tree_read(&data, &size, repo, tree, path);
	if (error == CHANCERY_ENOTFOUND)
		return chancery__error(CHANCERY_ENOTREPO,
			"registry file '%s' is missing", path);
	if (error < 0)
		return error;
	d->name = path;
	error = chancery__table_parse(out, data, size, '\t', d);
	chancery_free(data);
	return error;
}

static int check_keys(chancery_registry *r, chancery_table_diag *d)
{
	for (size_t i = 1; i < r->nstates; i++) {
		const chancery_state *a = &r->states[r->state_index[i - 1]];
		const chancery_state *b = &r->states[r->state_index[i]];

		if (!strcmp(a->code, b->code))
			chancery__table_problem(d,
				r->tables[0]->rows[r->state_index[i] + 1].line, 1,
				"State '%s' listed twice", b->code);
	}
	for (size_t i = 1; i < r->ntreaties; i++) {
		const chancery_treaty *a = &r->treaties[r->treaty_index[i - 1]];
		const chancery_treaty *b = &r->treaties[r->treaty_index[i]];

		if (!strcmp(a->id, b->id))
			chancery__table_problem(d,
				r->tables[1]->rows[r->treaty_index[i] + 1].line, 1,
				"treaty '%s' listed twice", b->id);
	}
	return 0;
}

static int load_featured(chancery_registry *r, chancery_repository *repo,
	git_tree *tree, chancery_table_diag *d)
{
	git_tree_entry *dir = NULL;
	git_tree *sub = NULL;
	int error = 0;
	size_t n;

	error = git_tree_entry_bypath(&dir, tree, REG_FEATURED_DIR);
	if (error == GIT_ENOTFOUND)
		return 0;
	if (error < 0)
		return chancery__git_error(error, "read " REG_FEATURED_DIR);
	if ((error = git_tree_lookup(&sub, repo->git,
			git_tree_entry_id(dir))) < 0) {
		error = chancery__git_error(error, "read " REG_FEATURED_DIR);
		goto done;
	}
	n = git_tree_entrycount(sub);
	r->featured = chancery__calloc(n ? n : 1, sizeof(*r->featured));
	r->ftables = chancery__calloc(n ? n : 1, sizeof(*r->ftables));
	if (!r->featured || !r->ftables) {
		error = chancery__oom();
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(sub, i);
		const char *name = git_tree_entry_name(e);
		size_t len = strlen(name);
		char *path;
		featured_list *f;
		chancery_table *t;
		int map[8];

		if (len < 5 || strcmp(name + len - 4, ".tsv"))
			continue;
		path = chancery__sprintf("%s/%s", REG_FEATURED_DIR, name);
		if (!path) {
			error = chancery__oom();
			goto done;
		}
		error = load_table(&r->ftables[r->nfeatured], repo, tree, path, d);
		chancery_free(path);
		if (error < 0)
			goto done;
		t = r->ftables[r->nfeatured];
		f = &r->featured[r->nfeatured++];
		f->name = chancery__strndup(name, len - 4);
		f->treaties = chancery__calloc(t->nrows, sizeof(*f->treaties));
		if (!f->name || !f->treaties) {
			error = chancery__oom();
			goto done;
		}
		map_columns(map, &spec_featured, t, d);
		for (size_t k = 1; k < t->nrows && map[0] >= 0; k++) {
			const chancery_trow *row = &t->rows[k];
			const char *id = chancery__table_cell(row, map[0]);
			const chancery_treaty *tr;

			if (!check_cell(d, &row->cells[map[0]], row->line,
					&featured_cols[0]))
				continue;
			tr = chancery_registry_treaty_find(r, id);
			if (!tr) {
				chancery__table_problem(d, row->line, 1,
					"unknown treaty '%s'", id);
				continue;
			}
			f->treaties[f->count++] = tr;
		}
	}
done:
	git_tree_free(sub);
	git_tree_entry_free(dir);
	return error;
}

/*
 * The deposited actions: archive/CODE/TREATY/YYYY-MM-DD-ACTION.txt, one
 * file per action (what is in it is the deposit's business; the name says
 * all the registry needs). They join the baseline's actions.
 */
typedef struct {
	chancery_buf names;   /* "CODE\0TREATY\0ACTION\0PATH\0" per action */
	size_t count;
} archive_scan;

static int archive_walk(const char *root, const git_tree_entry *e,
	void *payload)
{
	archive_scan *a = payload;
	const char *name = git_tree_entry_name(e);
	char path[600], state[8], treaty[64], action[64];
	const char *slash, *slash2;
	size_t len = strlen(name);
	chancery_date date;

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	snprintf(path, sizeof(path), "%s%s%s", REG_ARCHIVE_DIR "/", root, name);
	/* root is "CODE/TREATY/" */
	slash = strchr(root, '/');
	slash2 = slash ? strchr(slash + 1, '/') : NULL;
	if (!slash || !slash2 || slash2[1] || (size_t)(slash - root) >= sizeof(state) ||
	    (size_t)(slash2 - slash - 1) >= sizeof(treaty) || len < 16 ||
	    len - 15 >= sizeof(action) || strcmp(name + len - 4, ".txt") ||
	    name[10] != '-')
		goto bad;
	snprintf(state, sizeof(state), "%.*s", (int)(slash - root), root);
	snprintf(treaty, sizeof(treaty), "%.*s", (int)(slash2 - slash - 1),
		slash + 1);
	snprintf(action, sizeof(action), "%.*s", (int)(len - 15), name + 11);
	{
		char ds[11];

		memcpy(ds, name, 10);
		ds[10] = '\0';
		if (chancery_date_parse(&date, ds) < 0)
			goto bad;
	}
	if (!chancery_state_code_valid(state) ||
	    !chancery_treaty_id_valid(treaty) ||
	    chancery_action_classify(action) == CHANCERY_ACTION_UNKNOWN)
		goto bad;
	if (chancery_buf_put(&a->names, state, strlen(state) + 1) < 0 ||
	    chancery_buf_put(&a->names, treaty, strlen(treaty) + 1) < 0 ||
	    chancery_buf_put(&a->names, action, strlen(action) + 1) < 0 ||
	    chancery_buf_put(&a->names, path, strlen(path) + 1) < 0)
		return -1;
	a->count++;
	return 0;
bad:
	chancery_error_clear();
	chancery__error(CHANCERY_EINVALID, "malformed archive: '%.300s' is not "
		"archive/STATE/TREATY/YYYY-MM-DD-ACTION.txt", path);
	return -2;
}

static int load_archive(chancery_registry *r, chancery_repository *repo,
	git_tree *tree)
{
	git_tree_entry *dir = NULL;
	git_tree *sub = NULL;
	archive_scan a = { CHANCERY_BUF_INIT, 0 };
	const char *p;
	int error;

	error = git_tree_entry_bypath(&dir, tree, REG_ARCHIVE_DIR);
	if (error == GIT_ENOTFOUND) {
		git_error_clear();
		return 0;
	}
	if (error < 0 || (error = git_tree_lookup(&sub, repo->git,
			git_tree_entry_id(dir))) < 0) {
		error = chancery__git_error(error, "read " REG_ARCHIVE_DIR);
		goto done;
	}
	a.names.max = (size_t)256 << 20;
	error = git_tree_walk(sub, GIT_TREEWALK_PRE, archive_walk, &a);
	if (error == -1) {
		error = chancery__oom();
		goto done;
	}
	if (error == -2) {
		error = CHANCERY_EINVALID;
		goto done;
	}
	if (error < 0) {
		error = chancery__git_error(error, "read " REG_ARCHIVE_DIR);
		goto done;
	}
	if (!a.count)
		goto done;
	if (chancery__grow((void **)&r->actions, &(size_t){ r->nactions },
			r->nactions + a.count, sizeof(chancery_action)) < 0) {
		error = CHANCERY_ENOMEM;
		goto done;
	}
	r->archive = a.names.ptr;
	a.names.ptr = NULL;
	p = r->archive;
	for (size_t i = 0; i < a.count; i++) {
		chancery_action *act = &r->actions[r->nactions++];
		const char *file;

		memset(act, 0, sizeof(*act));
		act->state = p;
		p += strlen(p) + 1;
		act->treaty = p;
		p += strlen(p) + 1;
		act->action = p;
		p += strlen(p) + 1;
		act->deposit = p;
		p += strlen(p) + 1;
		act->note = "";
		file = strrchr(act->deposit, '/') + 1;
		{
			char ds[11];

			memcpy(ds, file, 10);
			ds[10] = '\0';
			chancery_date_parse(&act->date, ds);
		}
	}
done:
	chancery_buf_dispose(&a.names);
	git_tree_free(sub);
	git_tree_entry_free(dir);
	return error;
}

int chancery__registry_load_tree(chancery_registry **out,
	chancery_repository *repo, git_tree *tree)
{
	chancery_registry *r;
	chancery_table_diag d = { 0 };
	size_t nbase;
	int error = 0;

	*out = NULL;
	r = chancery__calloc(1, sizeof(*r));
	if (!r)
		return chancery__oom();

	if ((error = load_table(&r->tables[0], repo, tree, REG_STATES, &d)) < 0 ||
	    (error = fill_rows((void **)&r->states, &r->nstates, &spec_states,
			r->tables[0], &d, sizeof(chancery_state))) < 0)
		goto done;
	if (d.count)
		goto report;
	if ((error = load_table(&r->tables[1], repo, tree, REG_TREATIES, &d)) < 0 ||
	    (error = fill_rows((void **)&r->treaties, &r->ntreaties,
			&spec_treaties, r->tables[1], &d,
			sizeof(chancery_treaty))) < 0)
		goto done;
	if (d.count)
		goto report;
	if ((error = load_table(&r->tables[2], repo, tree, REG_PARTICIPATION,
			&d)) < 0 ||
	    (error = fill_rows((void **)&r->actions, &r->nactions,
			&spec_actions, r->tables[2], &d,
			sizeof(chancery_action))) < 0)
		goto done;
	if (d.count)
		goto report;
	for (size_t i = 0; i < r->nactions; i++)
		r->actions[i].deposit = "";
	nbase = r->nactions;
	if ((error = load_archive(r, repo, tree)) < 0)
		goto done;
	if ((error = make_index(&r->state_index, r->nstates, r,
			cmp_state_idx)) < 0 ||
	    (error = make_index(&r->treaty_index, r->ntreaties, r,
			cmp_treaty_idx)) < 0 ||
	    (error = make_index(&r->action_index, r->nactions, r,
			cmp_action_idx)) < 0)
		goto done;
	d.name = REG_STATES;
	check_keys(r, &d);
	if (d.count)
		goto report;
	d.name = REG_PARTICIPATION;
	for (size_t i = 0; i < r->nactions; i++) {
		const chancery_action *a = &r->actions[i];

		if (i >= nbase) {
			if (!chancery_registry_state_find(r, a->state) ||
			    !chancery_registry_treaty_find(r, a->treaty)) {
				error = chancery__error(CHANCERY_EINVALID,
					"malformed archive: %s names an unknown "
					"%s", a->deposit,
					chancery_registry_state_find(r, a->state) ?
					"treaty" : "State");
				goto done;
			}
			continue;
		}
		if (!chancery_registry_state_find(r, a->state))
			chancery__table_problem(&d, r->tables[2]->rows[i + 1].line,
				1, "unknown State '%s'", a->state);
		else if (!chancery_registry_treaty_find(r, a->treaty))
			chancery__table_problem(&d, r->tables[2]->rows[i + 1].line,
				1, "unknown treaty '%s'", a->treaty);
	}
	if (d.count)
		goto report;
	if ((error = load_featured(r, repo, tree, &d)) < 0)
		goto done;
report:
	if (d.count) {
		char first[600];

		snprintf(first, sizeof(first), "%s", d.first);
		error = chancery__error(CHANCERY_EINVALID,
			"malformed registry: %s%s", first, d.count > 1 ?
			" (and more problems)" : "");
		goto done;
	}
	*out = r;
	r = NULL;
done:
	chancery_free(d.first);
	chancery_registry_free(r);
	return error;
}

int chancery_registry_load(chancery_registry **out, chancery_repository *repo)
{
	git_reference *ref = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && repo);
	*out = NULL;
	if ((error = git_reference_lookup(&ref, repo->git, repo->branch)) < 0 ||
	    (error = git_commit_lookup(&commit, repo->git,
			git_reference_target(ref))) < 0 ||
	    (error = git_commit_tree(&tree, commit)) < 0) {
		error = chancery__git_error(error, "read the branch head");
		goto done;
	}
	error = chancery__registry_load_tree(out, repo, tree);
done:
	git_tree_free(tree);
	git_commit_free(commit);
	git_reference_free(ref);
	return error;
}

void chancery_registry_free(chancery_registry *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nfeatured; i++) {
		chancery_free(r->featured[i].name);
		chancery_free(r->featured[i].treaties);
		chancery__table_free(r->ftables[i]);
	}
	chancery_free(r->featured);
	chancery_free(r->ftables);
	chancery_free(r->archive);
	for (int i = 0; i < 3; i++)
		chancery__table_free(r->tables[i]);
	chancery_free(r->states);
	chancery_free(r->treaties);
	chancery_free(r->actions);
	chancery_free(r->state_index);
	chancery_free(r->treaty_index);
	chancery_free(r->action_index);
	chancery_free(r);
}

/* ---- queries ---------------------------------------------------------------- */

size_t chancery_registry_state_count(const chancery_registry *r)
{
	return r->nstates;
}

const chancery_state *chancery_registry_state(const chancery_registry *r,
	size_t i)
{
	return i < r->nstates ? &r->states[i] : NULL;
}

const chancery_state *chancery_registry_state_find(
	const chancery_registry *r, const char *code)
{
	size_t lo = 0, hi = r->nstates;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const chancery_state *s = &r->states[r->state_index[mid]];
		int c = strcmp(code, s->code);

		if (!c)
			return s;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t chancery_registry_treaty_count(const chancery_registry *r)
{
	return r->ntreaties;
}

const chancery_treaty *chancery_registry_treaty(const chancery_registry *r,
	size_t i)
{
	return i < r->ntreaties ? &r->treaties[i] : NULL;
}

const chancery_treaty *chancery_registry_treaty_find(
	const chancery_registry *r, const char *id)
{
	size_t lo = 0, hi = r->ntreaties;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const chancery_treaty *t = &r->treaties[r->treaty_index[mid]];
		int c = strcmp(id, t->id);

		if (!c)
			return t;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t chancery_registry_action_count(const chancery_registry *r)
{
	return r->nactions;
}

const chancery_action *chancery_registry_action(const chancery_registry *r,
	size_t i)
{
	return i < r->nactions ? &r->actions[i] : NULL;
}

int chancery_registry_featured(const chancery_treaty ***out, size_t *count,
	const chancery_registry *r, const char *name)
{
	CHANCERY_ASSERT_ARG(out && count && r && name);
	*out = NULL;
	*count = 0;
	for (size_t i = 0; i < r->nfeatured; i++) {
		const featured_list *f = &r->featured[i];

		if (strcmp(f->name, name))
			continue;
		*out = chancery__calloc(f->count ? f->count : 1,
			sizeof(**out));
		if (!*out)
			return chancery__oom();
		memcpy(*out, f->treaties, f->count * sizeof(**out));
		*count = f->count;
		return 0;
	}
	return chancery__error(CHANCERY_ENOTFOUND,
		"no featured list '%s' in the registry", name);
}

/* First position of `state` in the sorted action index. */
static size_t actions_from(const chancery_registry *r, const char *state)
{
	size_t lo = 0, hi = r->nactions;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(r->actions[r->action_index[mid]].state, state) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void apply_action(chancery_participation *p, const chancery_action *a)
{
	switch (chancery_action_classify(a->action)) {
	case CHANCERY_ACTION_SIGNS:
		p->signature = a;
		if (p->status == CHANCERY_STATUS_NONE)
			p->status = CHANCERY_STATUS_SIGNATORY;
		break;
	case CHANCERY_ACTION_BINDS:
		if (!p->consent)
			p->consent = a;
		p->status = CHANCERY_STATUS_PARTY;
		break;
	default:
		break;
	}
}

chancery_status chancery_registry_status(const chancery_registry *r,
	const char *state, const char *treaty, const chancery_date *as_of)
{
	chancery_participation p = { 0 };

	for (size_t i = actions_from(r, state); i < r->nactions; i++) {
		const chancery_action *a = &r->actions[r->action_index[i]];

		if (strcmp(a->state, state))
			break;
		if (strcmp(a->treaty, treaty))
			continue;
		if (as_of && chancery_date_cmp(&a->date, as_of) > 0)
			continue;
		apply_action(&p, a);
	}
	return p.status;
}

int chancery_registry_parties(chancery_participation **out, size_t *count,
	const chancery_registry *r, const char *treaty,
	const chancery_date *as_of)
{
	chancery_participation *list;
	size_t n = 0;

	CHANCERY_ASSERT_ARG(out && count && r && treaty);
	*out = NULL;
	*count = 0;
	if (!chancery_registry_treaty_find(r, treaty))
		return chancery__error(CHANCERY_ENOTFOUND, "unknown treaty '%.40s'",
			treaty);
	list = chancery__calloc(r->nstates ? r->nstates : 1, sizeof(*list));
	if (!list)
		return chancery__oom();
	for (size_t i = 0; i < r->nstates; i++) {
		chancery_participation p = { 0 };
		const chancery_state *st = &r->states[i];

		p.state = st;
		p.treaty = chancery_registry_treaty_find(r, treaty);

		for (size_t k = actions_from(r, st->code); k < r->nactions; k++) {
			const chancery_action *a = &r->actions[r->action_index[k]];

			if (strcmp(a->state, st->code))
				break;
			if (strcmp(a->treaty, treaty) ||
			    (as_of && chancery_date_cmp(&a->date, as_of) > 0))
				continue;
			apply_action(&p, a);
		}
		if (p.status != CHANCERY_STATUS_NONE)
			list[n++] = p;
	}
	*out = list;
	*count = n;
	return 0;
}

static int cmp_participation(const void *a, const void *b)
{
	const chancery_participation *x = a, *y = b;

	return x->treaty < y->treaty ? -1 : x->treaty > y->treaty;
}

int chancery_registry_participation(chancery_participation **out,
	size_t *count, const chancery_registry *r, const char *state,
	const chancery_date *as_of)
{
	chancery_participation *list = NULL;
	size_t n = 0, alloc = 0;

	CHANCERY_ASSERT_ARG(out && count && r && state);
	*out = NULL;
	*count = 0;
	for (size_t i = actions_from(r, state); i < r->nactions; i++) {
		const chancery_action *a = &r->actions[r->action_index[i]];
		chancery_participation *p;

		if (strcmp(a->state, state))
			break;
		if (as_of && chancery_date_cmp(&a->date, as_of) > 0)
			continue;
		/* the index is sorted by treaty within a State */
		if (!n || strcmp(list[n - 1].treaty->id, a->treaty)) {
			if (chancery__grow((void **)&list, &alloc, n + 1,
					sizeof(*list)) < 0) {
				chancery_free(list);
				return CHANCERY_ENOMEM;
			}
			p = &list[n++];
			memset(p, 0, sizeof(*p));
			p->state = chancery_registry_state_find(r, state);
			p->treaty = chancery_registry_treaty_find(r, a->treaty);
		}
		apply_action(&list[n - 1], a);
	}
	if (n)
		qsort(list, n, sizeof(*list), cmp_participation);
	*out = list;
	*count = n;
	return 0;
}

/* ---- import ----------------------------------------------------------------- */

/* A table being rebuilt: rows of canonical cells (borrowed strings). */
typedef struct {
	const tablespec *ts;
	const char **cells; /* nrows * ncols */
	size_t nrows;
	size_t alloc;
} rowset;

static int rowset_add(rowset *rs, const char ***row)
{
	size_t nc = rs->ts->ncols;

	if (chancery__grow((void **)&rs->cells, &rs->alloc,
			(rs->nrows + 1) * nc, sizeof(char *)) < 0)
		return CHANCERY_ENOMEM;
	*row = &rs->cells[rs->nrows * nc];
	for (size_t i = 0; i < nc; i++)
		(*row)[i] = "";
	rs->nrows++;
	return 0;
}

static int row_key(chancery_buf *key, const tablespec *ts, const char **row)
{
	key->size = 0;
	for (size_t i = 0; i < ts->ncols; i++) {
		if (!ts->cols[i].key)
			continue;
		if (chancery_buf_puts(key, row[i]) < 0 ||
		    chancery_buf_putc(key, '\t') < 0)
			return CHANCERY_ENOMEM;
	}
	if (!key->ptr && chancery_buf_putc(key, '\0') < 0)
		return CHANCERY_ENOMEM;
	return 0;
}

/* A small open-addressing map from row key to row number. */
typedef struct {
	char **keys;
	size_t *rows;
	size_t cap;
	size_t count;
} keymap;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int keymap_init(keymap *m, size_t n)
{
	m->cap = 16;
	while (m->cap < 2 * n + 16)
		m->cap *= 2;
	m->keys = chancery__calloc(m->cap, sizeof(char *));
	m->rows = chancery__calloc(m->cap, sizeof(size_t));
	m->count = 0;
	return m->keys && m->rows ? 0 : chancery__oom();
}

static void keymap_dispose(keymap *m)
{
	for (size_t i = 0; m->keys && i < m->cap; i++)
		chancery_free(m->keys[i]);
	chancery_free(m->keys);
	chancery_free(m->rows);
}

/* Find `key`; when absent and `insert`, add it with `row`. Returns the
 * row of the key, or (size_t)-1 when absent (or inserted). */
static int keymap_get(size_t *found, keymap *m, const char *key, size_t row,
	bool insert)
{
	size_t i = hash_str(key) & (m->cap - 1);

	while (m->keys[i]) {
		if (!strcmp(m->keys[i], key)) {
			*found = m->rows[i];
			return 0;
		}
		i = (i + 1) & (m->cap - 1);
	}
	*found = (size_t)-1;
	if (!insert)
		return 0;
	if (2 * (m->count + 1) > m->cap)
		return chancery__error(CHANCERY_ERROR, "key map full");
	if (!(m->keys[i] = chancery__strdup(key)))
		return chancery__oom();
	m->rows[i] = row;
	m->count++;
	return 0;
}


static int serialize(char **out, size_t *size, const char *notes,
	const rowset *rs)
{
	chancery_buf b = CHANCERY_BUF_INIT;
	size_t nc = rs->ts->ncols;
	int error = 0;

	if (notes && (error = chancery_buf_puts(&b, notes)) < 0)
		goto done;
	for (size_t i = 0; i < nc && !error; i++)
		error = chancery__tsv_put(&b, rs->ts->cols[i].name, '\t',
			i + 1 == nc);
	for (size_t r = 0; r < rs->nrows && !error; r++)
		for (size_t i = 0; i < nc && !error; i++)
			error = chancery__tsv_put(&b, rs->cells[r * nc + i],
				'\t', i + 1 == nc);
	if (error < 0)
		goto done;
	*size = b.size;
	*out = chancery_buf_detach(&b);
	if (!*out)
		error = chancery__oom();
done:
	chancery_buf_dispose(&b);
	return error;
}

/* Notes of the base file, plus the import's note lines not already there. */
static int merge_notes(chancery_buf *b, const char *base, const char *extra)
{
	const char *p = extra;

	if (chancery_buf_puts(b, base) < 0)
		return CHANCERY_ENOMEM;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p + 1) : strlen(p);
		char *line = chancery__strndup(p, len);

		if (!line)
			return chancery__oom();
		if (!strstr(base, line) && chancery_buf_puts(b, line) < 0) {
			chancery_free(line);
			return CHANCERY_ENOMEM;
		}
		chancery_free(line);
		p += len;
	}
	return 0;
}

/* ---- new repositories ------------------------------------------------------- */

int chancery__registry_sample_changes(chancery_changeset *cs)
{
	int error = 0;

	for (size_t i = 0; i < chancery__sample_count && !error; i++) {
		const chancery__sample_file *f = &chancery__sample_files[i];

		error = chancery_changeset_add(cs, f->path, f->data,
			strlen(f->data));
	}
	return error;
}

static int header_only(chancery_changeset *cs, const tablespec *ts,
	const char *path)
{
	chancery_buf b = CHANCERY_BUF_INIT;
	int error = 0;

	for (size_t i = 0; i < ts->ncols && !error; i++)
		error = chancery__tsv_put(&b, ts->cols[i].name, '\t',
			i + 1 == ts->ncols);
	if (!error)
		error = chancery_changeset_add(cs, path, b.ptr, b.size);
	chancery_buf_dispose(&b);
	return error;
}

int chancery__registry_empty_changes(chancery_changeset *cs)
{
	int error;

	if ((error = header_only(cs, &spec_states, REG_STATES)) < 0 ||
	    (error = header_only(cs, &spec_treaties, REG_TREATIES)) < 0)
		return error;
	return header_only(cs, &spec_actions, REG_PARTICIPATION);
}

/* ---- import ----------------------------------------------------------------- */

typedef struct {
	chancery_repository *repo;
	const tablespec *ts;
	chancery_table *input;
	int map[16];              /* spec column -> input column */
	const char **until;       /* per input row: signature_until from
	                             "yes (until D)", or NULL */
	chancery_import_options opts;
	const char *name;
} import_ctx;

/* Checks that need only the file: shape, syntax, duplicate keys. */
static void import_check_input(import_ctx *ctx, chancery_table_diag *d)
{
	const tablespec *ts = ctx->ts;
	chancery_table *t = ctx->input;
	keymap seen = { 0 };
	chancery_buf key = CHANCERY_BUF_INIT;
	const char *row[16];

	map_columns(ctx->map, ts, t, d);
	if (d->count || keymap_init(&seen, t->nrows) < 0)
		goto done;
	for (size_t r = 1; r < t->nrows; r++) {
		chancery_trow *tr = &t->rows[r];
		size_t found;

		if (tr->count > t->rows[0].count)
			chancery__table_problem(d, tr->line,
				tr->cells[t->rows[0].count].column,
				"more cells than the header has columns");
		for (size_t i = 0; i < ts->ncols; i++) {
			const colspec *c = &ts->cols[i];
			int col = ctx->map[i];
			chancery_cell *cell;

			row[i] = "";
			if (col < 0)
				continue;
			if ((size_t)col >= tr->count) {
				if (c->key)
					chancery__table_problem(d, tr->line, 1,
						"missing %s", c->name);
				continue;
			}
			cell = &tr->cells[col];
			/* the Focus 2004 table says "yes (until 2004-06-30)" */
			if (c->kind == K_YESNO &&
			    !strncmp(cell->text, "yes (until ", 11) &&
			    strlen(cell->text) == 22 && cell->text[21] == ')') {
				cell->text[3] = '\0';
				cell->text[21] = '\0';
				ctx->until[r] = cell->text + 11;
				if (!chancery__date_valid(ctx->until[r]))
					chancery__table_problem(d, tr->line,
						cell->column + 11,
						"%s: impossible date '%s'",
						c->name, ctx->until[r]);
			}
			if (check_cell(d, cell, tr->line, c))
				row[i] = cell->text;
			if (c->key && !*cell->text)
				chancery__table_problem(d, tr->line,
					cell->column, "empty %s", c->name);
		}
		if (row_key(&key, ts, row) < 0 ||
		    keymap_get(&found, &seen, key.ptr, r, true) < 0)
			goto done;
		if (found != (size_t)-1)
			chancery__table_problem(d, tr->line, 1,
				"duplicate %s: same key as line %zu", ts->what,
				t->rows[found].line);
	}
done:
	chancery_buf_dispose(&key);
	keymap_dispose(&seen);
}

static int import_extra(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	import_ctx *ctx = payload;
	const tablespec *ts = ctx->ts;
	chancery_registry *reg = NULL;
	chancery_table *cur = NULL;
	chancery_table_diag d = { 0 };
	rowset rs = { ts, NULL, 0, 0 };
	keymap km = { 0 };
	chancery_buf key = CHANCERY_BUF_INIT, notes = CHANCERY_BUF_INIT;
	char *data = NULL;
	size_t size = 0;
	int curmap[16];
	size_t nc = ts->ncols;
	char chapter[16];
	char **owned = NULL;
	size_t nowned = 0, aowned = 0;
	int error;

	(void)head;
	(void)ev;
	if (!base)
		return chancery__error(CHANCERY_ENOTREPO,
			"the repository has no commit yet");
	/* the registry as it is now: must itself be sound */
	if ((error = chancery__registry_load_tree(&reg, ctx->repo, base)) < 0 ||
	    (error = load_table(&cur, ctx->repo, base, ts->path, &d)) < 0)
		goto done;
	d.name = ts->path;
	map_columns(curmap, ts, cur, &d);
	if ((error = chancery__table_diag_finish(&d)) < 0)
		goto done;
	if ((error = keymap_init(&km, cur->nrows + ctx->input->nrows)) < 0)
		goto done;
	for (size_t r = 1; r < cur->nrows; r++) {
		const char **row;
		size_t found;

		if ((error = rowset_add(&rs, &row)) < 0)
			goto done;
		for (size_t i = 0; i < nc; i++)
			row[i] = chancery__table_cell(&cur->rows[r], curmap[i]);
		if ((error = row_key(&key, ts, row)) < 0 ||
		    (error = keymap_get(&found, &km, key.ptr, rs.nrows - 1,
				true)) < 0)
			goto done;
	}

	d.name = ctx->name;
	d.cb = ctx->opts.diagnostic;
	d.payload = ctx->opts.payload;
	for (size_t r = 1; r < ctx->input->nrows; r++) {
		const chancery_trow *tr = &ctx->input->rows[r];
		const char *in[16];
		const char **row;
		size_t found;

		for (size_t i = 0; i < nc; i++)
			in[i] = chancery__table_cell(tr, ctx->map[i]);
		if ((error = row_key(&key, ts, in)) < 0 ||
		    (error = keymap_get(&found, &km, key.ptr, rs.nrows,
				false)) < 0)
			goto done;
		if (found == (size_t)-1) {
			if ((error = rowset_add(&rs, &row)) < 0 ||
			    (error = keymap_get(&found, &km, key.ptr,
					rs.nrows - 1, true)) < 0)
				goto done;
			for (size_t i = 0; i < nc; i++) {
				if (ts->cols[i].needed && ctx->map[i] >= 0 &&
				    !*in[i])
					chancery__table_problem(&d, tr->line, 1,
						"new %s '%s' needs a %s",
						ts->what, in[0], ts->cols[i].name);
				else if (ts->cols[i].needed && ctx->map[i] < 0)
					chancery__table_problem(&d, tr->line, 1,
						"new %s '%s' needs a %s column",
						ts->what, in[0], ts->cols[i].name);
			}
		} else {
			row = &rs.cells[found * nc];
		}
		for (size_t i = 0; i < nc; i++)
			if (ctx->map[i] >= 0)
				row[i] = in[i];
		if (ts == &spec_treaties) {
			if (ctx->until[r])
				row[9] = ctx->until[r];
			if (!*row[1]) {
				chapter_of(chapter, sizeof(chapter), row[0]);
				if ((error = chancery__grow((void **)&owned,
						&aowned, nowned + 1,
						sizeof(char *))) < 0 ||
				    !(owned[nowned] = chancery__strdup(chapter))) {
					error = chancery__oom();
					goto done;
				}
				row[1] = owned[nowned++];
			} else if (strcmp(row[1], chapter_of(chapter,
					sizeof(chapter), row[0]))) {
				chancery__table_problem(&d, tr->line, 1,
					"treaty '%s' is not in chapter %s",
					row[0], row[1]);
			}
		}
		/* references */
		if (ts == &spec_actions) {
			if (!chancery_registry_state_find(reg, row[0]))
				chancery__table_problem(&d, tr->line,
					tr->cells[ctx->map[0]].column,
					"unknown State '%s' (import it first)",
					row[0]);
			if (!chancery_registry_treaty_find(reg, row[1]))
				chancery__table_problem(&d, tr->line,
					tr->cells[ctx->map[1]].column,
					"unknown treaty '%s' (import it first)",
					row[1]);
		}
	}
	if (ts == &spec_treaties) {
		/* a parent must exist once the import is merged */
		for (size_t r = 0; r < rs.nrows; r++) {
			const char *parent = rs.cells[r * nc + 10];
			size_t found;

			if (!*parent)
				continue;
			key.size = 0;
			if ((error = chancery_buf_printf(&key, "%s\t",
					parent)) < 0 ||
			    (error = keymap_get(&found, &km, key.ptr, 0,
					false)) < 0)
				goto done;
			if (found == (size_t)-1)
				chancery__table_problem(&d, 1, 1,
					"treaty '%s' names an unknown parent '%s'",
					rs.cells[r * nc], parent);
		}
	}
	if (d.count) {
		error = chancery__table_diag_finish(&d);
		goto done;
	}
	if ((error = merge_notes(&notes, cur->notes, ctx->input->notes)) < 0 ||
	    (error = serialize(&data, &size, notes.ptr, &rs)) < 0)
		goto done;
	{
		char *old = NULL;
		size_t oldsize = 0;

		if ((error = chancery__tree_read(&old, &oldsize, ctx->repo,
				base, ts->path)) < 0)
			goto done;
		if (oldsize == size && !memcmp(old, data, size)) {
			chancery_free(old);
			error = chancery__error(CHANCERY_EUNCHANGED,
				"%s: nothing new; the registry holds these rows "
				"already", ctx->name);
			goto done;
		}
		chancery_free(old);
	}
	error = chancery_changeset_add_owned(cs, ts->path, data, size);
	data = NULL;
done:
	for (size_t i = 0; i < nowned; i++)
		chancery_free(owned[i]);
	chancery_free(owned);
	chancery_free(data);
	chancery_free(d.first);
	chancery_buf_dispose(&key);
	chancery_buf_dispose(&notes);
	keymap_dispose(&km);
	chancery_free(rs.cells);
	chancery__table_free(cur);
	chancery_registry_free(reg);
	return error;
}

static const char *kind_name(chancery_import_kind kind, size_t n)
{
	switch (kind) {
	case CHANCERY_IMPORT_STATES: return n == 1 ? "State" : "States";
	case CHANCERY_IMPORT_TREATIES: return n == 1 ? "treaty" : "treaties";
	default: return n == 1 ? "treaty action" : "treaty actions";
	}
}

int chancery_registry_import(size_t *rows_out, chancery_repository *repo,
	chancery_import_kind kind, const char *name, const char *data,
	size_t size, const chancery_import_options *opts)
{
	chancery_import_options none = CHANCERY_IMPORT_OPTIONS_INIT;
	import_ctx ctx = { 0 };
	chancery_table_diag d = { 0 };
	chancery_event *ev = NULL;
	const char *base;
	char rows[32];
	char delim;
	int error;

	CHANCERY_ASSERT_ARG(repo && name && (data || !size));
	if (!opts)
		opts = &none;
	if (opts->version != CHANCERY_IMPORT_OPTIONS_VERSION)
		return chancery__error(CHANCERY_EINVALID,
			"import options version %u unknown", opts->version);
	switch (kind) {
	case CHANCERY_IMPORT_STATES: ctx.ts = &spec_states; break;
	case CHANCERY_IMPORT_TREATIES: ctx.ts = &spec_treaties; break;
	case CHANCERY_IMPORT_PARTICIPATION: ctx.ts = &spec_actions; break;
	default:
		return chancery__error(CHANCERY_EINVALID,
			"unknown registry table %d", (int)kind);
	}
	ctx.repo = repo;
	ctx.opts = *opts;
	ctx.name = name;
	d.name = name;
	d.cb = opts->diagnostic;
	d.payload = opts->payload;
	delim = opts->delimiter ? opts->delimiter :
		chancery__table_guess_delimiter(name, data ? data : "", size);
	if ((error = chancery__table_parse(&ctx.input, data ? data : "", size,
			delim, &d)) < 0)
		goto done;
	if (!(ctx.until = chancery__calloc(ctx.input->nrows,
			sizeof(*ctx.until)))) {
		error = chancery__oom();
		goto done;
	}
	import_check_input(&ctx, &d);
	if ((error = chancery__table_diag_finish(&d)) < 0)
		goto done;
	if (ctx.input->nrows < 2) {
		error = chancery__error(CHANCERY_EINVALID,
			"%s: no rows to import after the header", name);
		goto done;
	}
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	snprintf(rows, sizeof(rows), "%zu", ctx.input->nrows - 1);
	if ((error = chancery_event_new(&ev, "import")) < 0 ||
	    (error = chancery_event_add(ev, "Registry",
			ctx.ts->path + 9)) < 0 ||
	    (error = chancery_event_add(ev, "Rows", rows)) < 0)
		goto done;
	if (chancery__line_valid(base) && *base && strlen(base) < 200 &&
	    (error = chancery_event_add(ev, "File", base)) < 0)
		goto done;
	{
		char subject[160];

		snprintf(subject, sizeof(subject), "import: %zu %s from %.100s",
			ctx.input->nrows - 1,
			kind_name(kind, ctx.input->nrows - 1),
			chancery__line_valid(base) ? base : "a file");
		if ((error = chancery_event_set_subject(ev, subject)) < 0)
			goto done;
	}
	if ((error = chancery__event_commit(repo, ev, import_extra, &ctx,
			NULL)) < 0)
		goto done;
	if (rows_out)
		*rows_out = ctx.input->nrows - 1;
done:
	chancery_free(d.first);
	chancery_event_free(ev);
	chancery_free(ctx.until);
	chancery__table_free(ctx.input);
	return error;
}
