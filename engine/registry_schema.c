/*
 * registry_schema.c - the registry's tables and what a cell may hold: the
 * columns of registry/states.tsv, treaties.tsv, participation.tsv and
 * featured/NAME.tsv, the action vocabulary, the syntax of State codes,
 * treaty ids and entry-into-force rules, and the check of one cell.
 *
 * Format (docs/repository-format.md): each a TSV table with '#' source
 * notes on top, a header of canonical column names (an import also takes
 * each column's alias), RFC 4180 quoting. Loading and importing validate
 * every cell with the same checks, so a registry edited by hand into
 * nonsense is reported as "registry/states.tsv:5:3: ..." instead of being
 * half believed.
 *
 * Invariant: the column tables are the one description of the format; the
 * loader (registry.c) and the import (registry_import.c) read them and know
 * no column by name but the key and the treaty columns named in
 * registry_int.h.
 *
 * Left out on purpose: treaty-specific signature conditions beyond a
 * closing date, and the conditions some denunciation clauses add (not
 * before N years in force, not while in armed conflict): the rule is the
 * delay only, its basis says the rest.
 */
#include "registry_int.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- column specifications ---------------------------------------------- */

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
	{ "article_en", NULL, K_TEXT, false, false, S(article_en) },
	{ "plural_fr", NULL, K_YESNO, false, false, S(plural_fr) },
	{ "article_es", NULL, K_TEXT, false, false, S(article_es) },
	{ "plural_es", NULL, K_YESNO, false, false, S(plural_es) },
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
	{ "denunciation_rule", NULL, K_DENOUNCE, false, false,
		T(denunciation_rule) },
	{ "denunciation_basis", NULL, K_TEXT, false, false,
		T(denunciation_basis) },
	{ "title_es", NULL, K_TEXT, false, false, T(title_es) },
	{ "short_title_es", NULL, K_TEXT, false, false, T(short_title_es) },
	{ "title_es_source", NULL, K_TEXT, false, false, T(title_es_source) },
	{ "title_es_confidence", NULL, K_TEXT, false, false,
		T(title_es_confidence) },
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

_Static_assert(NCOLS(state_cols) <= REG_MAX_COLS &&
	NCOLS(treaty_cols) <= REG_MAX_COLS, "REG_MAX_COLS is too small");

const tablespec chancery__reg_spec_states = { REG_STATES, state_cols,
	NCOLS(state_cols), "State" };
const tablespec chancery__reg_spec_treaties = { REG_TREATIES, treaty_cols,
	NCOLS(treaty_cols), "treaty" };
const tablespec chancery__reg_spec_actions = { REG_PARTICIPATION,
	action_cols, NCOLS(action_cols), "action" };
const tablespec chancery__reg_spec_featured = { NULL, featured_cols,
	NCOLS(featured_cols), "treaty" };

/* ---- vocabulary and syntax ------------------------------------------------ */

/* The vocabulary in strcmp order (bsearch: a few comparisons, not one a
 * word; tests/unit/test_registry.c classifies every word). What each does
 * is in docs/repository-format.md and docs/archive.md. */
static const struct vocab {
	const char *name;
	chancery_action_kind kind;
} vocabulary[] = {
	{ "acceptance", CHANCERY_ACTION_BINDS },
	{ "accession", CHANCERY_ACTION_BINDS },
	{ "application", CHANCERY_ACTION_OTHER },
	{ "approval", CHANCERY_ACTION_BINDS },
	{ "consent_to_be_bound", CHANCERY_ACTION_BINDS },
	{ "declaration", CHANCERY_ACTION_OTHER },
	{ "definitive_signature", CHANCERY_ACTION_BINDS },
	{ "denunciation", CHANCERY_ACTION_ENDS },
	{ "notification", CHANCERY_ACTION_OTHER },
	{ "objection", CHANCERY_ACTION_OTHER },
	{ "participation", CHANCERY_ACTION_BINDS },
	{ "provisional_acceptance", CHANCERY_ACTION_OTHER },
	{ "provisional_application", CHANCERY_ACTION_OTHER },
	{ "ratification", CHANCERY_ACTION_BINDS },
	{ "reservation", CHANCERY_ACTION_OTHER },
	{ "reservation_withdrawal", CHANCERY_ACTION_OTHER },
	{ "signature", CHANCERY_ACTION_SIGNS },
	{ "simplified_procedure", CHANCERY_ACTION_BINDS },
	{ "succession", CHANCERY_ACTION_BINDS },
	{ "territorial_application", CHANCERY_ACTION_OTHER },
};

static int cmp_vocab(const void *key, const void *elem)
{
	return strcmp(key, ((const struct vocab *)elem)->name);
}

chancery_action_kind chancery_registry_action_classify(const char *action)
{
	const struct vocab *v;

	if (!action)
		return CHANCERY_ACTION_UNKNOWN;
	v = bsearch(action, vocabulary, NCOLS(vocabulary),
		sizeof(vocabulary[0]), cmp_vocab);
	return v ? v->kind : CHANCERY_ACTION_UNKNOWN;
}

int chancery_registry_state_code_valid(const char *c)
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
int chancery_registry_treaty_id_valid(const char *id)
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

const char *chancery__reg_chapter_of(char *buf, size_t size, const char *id)
{
	size_t n = 0;

	while (is_roman(id[n]) && n + 1 < size) {
		buf[n] = id[n];
		n++;
	}
	buf[n] = '\0';
	return buf;
}

/* ---- denunciation ------------------------------------------------------------ */

/* "none" | "on receipt" | "N days|months|years" (N from 1 to 99; "1 day",
 * "1 month", "1 year" too) */
bool chancery__reg_denounce_parse(denounce_rule *r, const char *v)
{
	char *end;
	long n;

	memset(r, 0, sizeof(*r));
	if (!strcmp(v, "none")) {
		r->unit = 'x';
		return true;
	}
	if (!strcmp(v, "on receipt")) {
		r->unit = 'd';
		return true;
	}
	if (*v < '1' || *v > '9')
		return false;
	n = strtol(v, &end, 10);
	if (n < 1 || n > 99 || *end != ' ')
		return false;
	r->n = (int)n;
	end++;
	r->unit = !strcmp(end, "days") || (n == 1 && !strcmp(end, "day")) ? 'd' :
		!strcmp(end, "months") || (n == 1 && !strcmp(end, "month")) ? 'm' :
		!strcmp(end, "years") || (n == 1 && !strcmp(end, "year")) ? 'y' : 0;
	return r->unit != 0;
}

/* ---- entry into force ------------------------------------------------------ */

/* "N days" | "N months" | "first day of the month after N days|months" |
 * "on deposit" (N from 0 to 999; "1 day", "1 month" too) */
bool chancery__reg_eif_parse(eif_rule *r, const char *v)
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

bool chancery__reg_check_cell(chancery_table_diag *d,
	const chancery_cell *cell, size_t line, const colspec *c)
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
		if (chancery_registry_state_code_valid(v))
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
		if (chancery_registry_treaty_id_valid(v))
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
		if (chancery_registry_action_classify(v) != CHANCERY_ACTION_UNKNOWN)
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

		if (!*v || chancery__reg_eif_parse(&rule, v))
			return true;
		chancery__table_problem(d, line, cell->column,
			"%s: '%.60s' is not a rule (\"3 months\", \"30 days\", "
			"\"first day of the month after 60 days\", \"on deposit\")",
			c->name, v);
		return false;
	}
	case K_DENOUNCE: {
		denounce_rule rule;

		if (!*v || chancery__reg_denounce_parse(&rule, v))
			return true;
		chancery__table_problem(d, line, cell->column,
			"%s: '%.60s' is not a rule (\"1 year\", \"6 months\", "
			"\"90 days\", \"on receipt\", \"none\")", c->name, v);
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
void chancery__reg_map_columns(int *map, const tablespec *ts,
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

/*
 * Fill `count` structs of `size` bytes from table rows, validating each cell;
 * string fields get the cell text (or "" when the column is absent).
 */
int chancery__reg_fill_rows(void **out, size_t *count, const tablespec *ts,
	chancery_table *t, chancery_table_diag *d, size_t size)
{
	int map[REG_MAX_COLS];
	char *rows;

	chancery__reg_map_columns(map, ts, t, d);
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
				chancery__reg_check_cell(d, &row->cells[map[i]],
					row->line, c);
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
