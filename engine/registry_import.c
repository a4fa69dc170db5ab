/*
 * registry_import.c - chancery_registry_import: a CSV or TSV table of
 * States, treaties or treaty actions merged into the registry in one event
 * commit.
 *
 * Imports upsert by key (registry_schema.c): the columns a file has replace
 * those of a known row, a new key appends a row. Nothing is ever deleted by
 * an import. The whole table is validated (its own cells and keys first,
 * then against the registry of the commit it lands on: references, chapters,
 * parents) before anything is committed, and every problem is reported:
 * when the file's own checks found some, the registry's checks still run
 * (against the branch head, nothing committed) on the cells that passed
 * them, so a cell is reported once. Only a problem of the header (a key
 * column missing, a column twice) stops the checks of the rows. An import that changes nothing
 * commits nothing and says so in its result (inside, check_changed stops
 * the commit pipeline with CHANCERY_EUNCHANGED, which never leaves
 * chancery_registry_import). The file's '#' notes join the table's.
 *
 * Invariant: the merged table is written in the canonical column order with
 * canonical names, so a registry file has one spelling whatever was imported.
 *
 * Left out: deleting rows, renaming keys, and imports of featured lists
 * (they are edited by hand).
 */
#include "registry_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


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

typedef struct {
	chancery_repository *repo;
	const tablespec *ts;
	chancery_table *input;
	int map[REG_MAX_COLS];              /* spec column -> input column */
	const char **until;       /* per input row: signature_until from
	                             "yes (until D)", or NULL */
	unsigned *bad;            /* per input row: bit i, spec column i had
	                             a problem of its own (checked no more) */
	bool header_bad;          /* the header's problems: no row checks */
	chancery_table_diag *d;   /* every problem, both kinds of checks */
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
	const char *row[REG_MAX_COLS];

	chancery__reg_map_columns(ctx->map, ts, t, d);
	ctx->header_bad = d->count > 0;
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
				if (c->key) {
					chancery__table_problem(d, tr->line, 1,
						"missing %s", c->name);
					ctx->bad[r] |= 1u << i;
				}
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
				if (!chancery__date_valid(ctx->until[r])) {
					chancery__table_problem(d, tr->line,
						cell->column + 11,
						"%s: impossible date '%s'",
						c->name, ctx->until[r]);
					ctx->until[r] = NULL;
				}
			}
			if (chancery__reg_check_cell(d, cell, tr->line, c))
				row[i] = cell->text;
			else
				ctx->bad[r] |= 1u << i;
			if (c->key && !*cell->text) {
				chancery__table_problem(d, tr->line,
					cell->column, "empty %s", c->name);
				ctx->bad[r] |= 1u << i;
			}
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

/* The table an import builds on the base tree: its rows (the current ones,
 * then the input's new ones), their keys, and the chapters it filled in. */
typedef struct {
	rowset rs;
	keymap km;
	chancery_buf key;
	char **owned;    /* chapter strings the rows borrow */
	size_t nowned;
	size_t aowned;
} merged;

static void merged_dispose(merged *m)
{
	for (size_t i = 0; i < m->nowned; i++)
		chancery_free(m->owned[i]);
	chancery_free(m->owned);
	chancery_buf_dispose(&m->key);
	keymap_dispose(&m->km);
	chancery_free(m->rs.cells);
}

/* The registry as it is now (it must itself be sound) and the rows of the
 * table the import changes, keyed. */
static int merged_start(merged *m, chancery_registry **reg,
	chancery_table **cur, const import_ctx *ctx, git_tree *base)
{
	const tablespec *ts = ctx->ts;
	chancery_table_diag d = { 0 };
	int curmap[REG_MAX_COLS];
	int error;

	if ((error = chancery__registry_load_tree(reg, ctx->repo, base)) < 0 ||
	    (error = chancery__reg_load_table(cur, ctx->repo, base, ts->path,
			&d)) < 0)
		goto done;
	d.name = ts->path;
	chancery__reg_map_columns(curmap, ts, *cur, &d);
	if ((error = chancery__table_diag_finish(&d)) < 0 ||
	    (error = keymap_init(&m->km, (*cur)->nrows +
			ctx->input->nrows)) < 0)
		goto done;
	for (size_t r = 1; r < (*cur)->nrows; r++) {
		const char **row;
		size_t found;

		if ((error = rowset_add(&m->rs, &row)) < 0)
			goto done;
		for (size_t i = 0; i < ts->ncols; i++)
			row[i] = chancery__table_cell(&(*cur)->rows[r],
				curmap[i]);
		if ((error = row_key(&m->key, ts, row)) < 0 ||
		    (error = keymap_get(&found, &m->km, m->key.ptr,
				m->rs.nrows - 1, true)) < 0)
			goto done;
	}
done:
	chancery_free(d.first);
	return error;
}

/* The row of the input's key: a known one, or a new one, which must have
 * every needed column. */
static int merged_row(const char ***row, merged *m, const import_ctx *ctx,
	size_t r, const char **in, chancery_table_diag *d)
{
	const tablespec *ts = ctx->ts;
	const chancery_trow *tr = &ctx->input->rows[r];
	size_t found;
	int error;

	if ((error = row_key(&m->key, ts, in)) < 0 ||
	    (error = keymap_get(&found, &m->km, m->key.ptr, m->rs.nrows,
			false)) < 0)
		return error;
	if (found != (size_t)-1) {
		*row = &m->rs.cells[found * ts->ncols];
		return 0;
	}
	if ((error = rowset_add(&m->rs, row)) < 0 ||
	    (error = keymap_get(&found, &m->km, m->key.ptr, m->rs.nrows - 1,
			true)) < 0)
		return error;
	for (size_t i = 0; i < ts->ncols; i++)
		if (ts->cols[i].key && (ctx->bad[r] & (1u << i)))
			return 0; /* a bad key: not known to be new */
	for (size_t i = 0; i < ts->ncols; i++) {
		if (ctx->bad[r] & (1u << i))
			continue;
		if (ts->cols[i].needed && ctx->map[i] >= 0 && !*in[i])
			chancery__table_problem(d, tr->line, 1,
				"new %s '%s' needs a %s", ts->what, in[0],
				ts->cols[i].name);
		else if (ts->cols[i].needed && ctx->map[i] < 0)
			chancery__table_problem(d, tr->line, 1,
				"new %s '%s' needs a %s column", ts->what, in[0],
				ts->cols[i].name);
	}
	return 0;
}

/* A treaty's closing date from "yes (until D)", and its chapter: filled in
 * from its id when empty, else the id's. */
static int treaty_row(merged *m, const import_ctx *ctx, size_t r,
	const chancery_trow *tr, const char **row, chancery_table_diag *d)
{
	char chapter[16];

	if (ctx->until[r])
		row[REG_TREATY_SIGNATURE_UNTIL] = ctx->until[r];
	if (!*row[0])
		return 0; /* a bad id, reported already */
	chancery__reg_chapter_of(chapter, sizeof(chapter), row[0]);
	if (*row[REG_TREATY_CHAPTER]) {
		if (strcmp(row[REG_TREATY_CHAPTER], chapter))
			chancery__table_problem(d, tr->line, 1,
				"treaty '%s' is not in chapter %s", row[0],
				row[REG_TREATY_CHAPTER]);
		return 0;
	}
	if (chancery__grow((void **)&m->owned, &m->aowned, m->nowned + 1,
			sizeof(char *)) < 0 ||
	    !(m->owned[m->nowned] = chancery__strdup(chapter)))
		return chancery__oom();
	row[REG_TREATY_CHAPTER] = m->owned[m->nowned++];
	return 0;
}

/* An action's State and treaty must be the registry's already. */
static void action_refs(const import_ctx *ctx, const chancery_registry *reg,
	const chancery_trow *tr, const char **row, chancery_table_diag *d)
{
	if (*row[0] && !chancery_registry_state_find(reg, row[0]))
		chancery__table_problem(d, tr->line,
			tr->cells[ctx->map[0]].column,
			"unknown State '%s' (import it first)", row[0]);
	if (*row[1] && !chancery_registry_treaty_find(reg, row[1]))
		chancery__table_problem(d, tr->line,
			tr->cells[ctx->map[1]].column,
			"unknown treaty '%s' (import it first)", row[1]);
}

/* The input's rows over the current ones. */
static int merge_input(merged *m, const import_ctx *ctx,
	const chancery_registry *reg, chancery_table_diag *d)
{
	const tablespec *ts = ctx->ts;
	int error;

	for (size_t r = 1; r < ctx->input->nrows; r++) {
		const chancery_trow *tr = &ctx->input->rows[r];
		const char *in[REG_MAX_COLS];
		const char **row;

		/* a cell with a problem of its own is checked no more */
		for (size_t i = 0; i < ts->ncols; i++)
			in[i] = ctx->bad[r] & (1u << i) ? "" :
				chancery__table_cell(tr, ctx->map[i]);
		if ((error = merged_row(&row, m, ctx, r, in, d)) < 0)
			return error;
		for (size_t i = 0; i < ts->ncols; i++)
			if (ctx->map[i] >= 0)
				row[i] = in[i];
		if (ts == &chancery__reg_spec_treaties &&
		    (error = treaty_row(m, ctx, r, tr, row, d)) < 0)
			return error;
		if (ts == &chancery__reg_spec_actions)
			action_refs(ctx, reg, tr, row, d);
	}
	return 0;
}

/* A parent must exist once the import is merged. */
static int check_parents(merged *m, chancery_table_diag *d)
{
	size_t nc = m->rs.ts->ncols;
	int error;

	for (size_t r = 0; r < m->rs.nrows; r++) {
		const char *parent = m->rs.cells[r * nc + REG_TREATY_PARENT];
		size_t found;

		if (!*parent)
			continue;
		m->key.size = 0;
		if ((error = chancery_buf_printf(&m->key, "%s\t",
				parent)) < 0 ||
		    (error = keymap_get(&found, &m->km, m->key.ptr, 0,
				false)) < 0)
			return error;
		if (found == (size_t)-1)
			chancery__table_problem(d, 1, 1,
				"treaty '%s' names an unknown parent '%s'",
				m->rs.cells[r * nc], parent);
	}
	return 0;
}

/* CHANCERY_EUNCHANGED when the new table is the one the base holds. */
static int check_changed(const import_ctx *ctx, git_tree *base,
	const char *data, size_t size)
{
	char *old = NULL;
	size_t oldsize = 0;
	int error;

	if ((error = chancery__tree_read(&old, &oldsize, ctx->repo, base,
			ctx->ts->path)) < 0)
		return error;
	if (oldsize == size && !memcmp(old, data, size))
		error = chancery__error(CHANCERY_EUNCHANGED,
			"%s: nothing new; the registry holds these rows "
			"already", ctx->name);
	chancery_free(old);
	return error;
}

/* The import's rows merged over the registry of `base`, every problem to
 * ctx->d. *reg and *cur are the caller's to free, m its to dispose. */
static int merge_checked(merged *m, chancery_registry **reg,
	chancery_table **cur, const import_ctx *ctx, git_tree *base)
{
	int error;

	if ((error = merged_start(m, reg, cur, ctx, base)) < 0 ||
	    (error = merge_input(m, ctx, *reg, ctx->d)) < 0)
		return error;
	if (ctx->ts == &chancery__reg_spec_treaties)
		return check_parents(m, ctx->d);
	return 0;
}

static int import_extra(chancery_changeset *cs, git_tree *base,
	const git_oid *head, chancery_event *ev, void *payload)
{
	import_ctx *ctx = payload;
	chancery_registry *reg = NULL;
	chancery_table *cur = NULL;
	merged m = { { ctx->ts, NULL, 0, 0 }, { 0 }, CHANCERY_BUF_INIT,
		NULL, 0, 0 };
	chancery_buf notes = CHANCERY_BUF_INIT;
	char *data = NULL;
	size_t size = 0;
	int error;

	(void)head;
	(void)ev;
	if (!base)
		return chancery__error(CHANCERY_ENOTREPO,
			"the repository has no commit yet");
	if ((error = merge_checked(&m, &reg, &cur, ctx, base)) < 0)
		goto done;
	if (ctx->d->count) {
		error = chancery__table_diag_finish(ctx->d);
		goto done;
	}
	if ((error = merge_notes(&notes, cur->notes, ctx->input->notes)) < 0 ||
	    (error = serialize(&data, &size, notes.ptr, &m.rs)) < 0 ||
	    (error = check_changed(ctx, base, data, size)) < 0)
		goto done;
	error = chancery_changeset_add_owned(cs, ctx->ts->path, data, size);
	data = NULL;
done:
	chancery_free(data);
	chancery_buf_dispose(&notes);
	merged_dispose(&m);
	chancery__table_free(cur);
	chancery_registry_free(reg);
	return error;
}

/* The file's own checks found problems: the registry's checks still run,
 * against the branch head, so that every problem is told; nothing is
 * committed. Returns the problems' CHANCERY_EINVALID. */
static int check_at_head(import_ctx *ctx)
{
	git_reference *ref = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	chancery_registry *reg = NULL;
	chancery_table *cur = NULL;
	merged m = { { ctx->ts, NULL, 0, 0 }, { 0 }, CHANCERY_BUF_INIT,
		NULL, 0, 0 };
	int error;

	if ((error = git_reference_lookup(&ref, ctx->repo->git,
			ctx->repo->branch)) < 0 ||
	    (error = git_commit_lookup(&commit, ctx->repo->git,
			git_reference_target(ref))) < 0 ||
	    (error = git_commit_tree(&tree, commit)) < 0) {
		error = chancery__git_error(error, "read the branch head");
		goto done;
	}
	error = merge_checked(&m, &reg, &cur, ctx, tree);
done:
	merged_dispose(&m);
	chancery__table_free(cur);
	chancery_registry_free(reg);
	git_tree_free(tree);
	git_commit_free(commit);
	git_reference_free(ref);
	/* a registry that cannot be read says so; else the problems */
	if (error < 0)
		return error;
	return chancery__table_diag_finish(ctx->d);
}

static const char *kind_name(chancery_import_kind kind, size_t n)
{
	switch (kind) {
	case CHANCERY_IMPORT_STATES: return n == 1 ? "State" : "States";
	case CHANCERY_IMPORT_TREATIES: return n == 1 ? "treaty" : "treaties";
	default: return n == 1 ? "treaty action" : "treaty actions";
	}
}

int chancery_registry_import(chancery_import_result *out,
	chancery_repository *repo, chancery_import_kind kind, const char *name,
	const char *data, size_t size, const chancery_import_options *opts)
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
	if (out)
		memset(out, 0, sizeof(*out));
	if (!opts)
		opts = &none;
	CHANCERY_CHECK_VERSION(opts, CHANCERY_IMPORT_OPTIONS_VERSION);
	switch (kind) {
	case CHANCERY_IMPORT_STATES:
		ctx.ts = &chancery__reg_spec_states;
		break;
	case CHANCERY_IMPORT_TREATIES:
		ctx.ts = &chancery__reg_spec_treaties;
		break;
	case CHANCERY_IMPORT_PARTICIPATION:
		ctx.ts = &chancery__reg_spec_actions;
		break;
	default:
		return chancery__error(CHANCERY_EINVALID,
			"unknown registry table %d", (int)kind);
	}
	ctx.repo = repo;
	ctx.opts = *opts;
	ctx.name = name;
	ctx.d = &d;
	d.name = name;
	d.cb = opts->diagnostic;
	d.payload = opts->payload;
	delim = opts->delimiter ? opts->delimiter :
		chancery__table_guess_delimiter(name, data ? data : "", size);
	if ((error = chancery__table_parse(&ctx.input, data ? data : "", size,
			delim, &d)) < 0)
		goto done;
	if (!(ctx.until = chancery__calloc(ctx.input->nrows,
			sizeof(*ctx.until))) ||
	    !(ctx.bad = chancery__calloc(ctx.input->nrows,
			sizeof(*ctx.bad)))) {
		error = chancery__oom();
		goto done;
	}
	import_check_input(&ctx, &d);
	if (d.count && !ctx.header_bad && ctx.input->nrows > 1) {
		error = check_at_head(&ctx);
		goto done;
	}
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
	error = chancery__event_commit(repo, ev, import_extra, &ctx, NULL);
	if (error == CHANCERY_EUNCHANGED) {
		chancery_error_clear();
		error = 0;
		if (out)
			out->unchanged = 1;
	} else if (error < 0)
		goto done;
	else if (out)
		memcpy(out->commit, chancery_event_commit(ev),
			sizeof(out->commit));
	if (out)
		out->rows = ctx.input->nrows - 1;
done:
	chancery_free(d.first);
	chancery_event_free(ev);
	chancery_free(ctx.bad);
	chancery_free(ctx.until);
	chancery__table_free(ctx.input);
	return error;
}
