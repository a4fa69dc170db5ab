/*
 * registry.c - the loaded registry: States, treaties, featured lists and
 * participation read from registry/ of a commit (the baseline) together with
 * the actions recorded since (from the source registered in
 * registry_source.h: the archive's deposits), indexed by key, and the
 * registry files of a new repository.
 *
 * Keys: a State by code, a treaty by id, an action by (state, treaty,
 * action, date). A registry is a read-only snapshot; loading validates every
 * table (registry_schema.c) and refuses the whole registry on the first
 * file with problems, saying where, rather than half believe it.
 *
 * Invariants: every string of the public structs is borrowed from the
 * registry (cells of its tables, or its one block of recorded actions) and
 * never NULL; the indexes are sorted once, under a lock, at load time.
 *
 * Left out: where recorded actions are kept and how they are written (the
 * archive module's business, archive/entry.c); queries over participation
 * are in registry_participation.c, imports in registry_import.c.
 */
#include "registry_int.h"
#include "registry_cache.h"
#include "registry_source.h"
#include "store_git.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The orders of the three indexes: states by code, treaties by id,
 * actions by state, treaty, date and then position. */
static int state_order(const chancery_registry *r, size_t a, size_t b)
{
	return strcmp(r->states[a].code, r->states[b].code);
}

static int treaty_order(const chancery_registry *r, size_t a, size_t b)
{
	return strcmp(r->treaties[a].id, r->treaties[b].id);
}

static int action_order(const chancery_registry *r, size_t a, size_t b)
{
	const chancery_action *x = &r->actions[a], *y = &r->actions[b];
	int c = strcmp(x->state, y->state);

	if (!c)
		c = strcmp(x->treaty, y->treaty);
	if (!c)
		c = chancery_date_cmp(&x->date, &y->date);
	if (!c)
		c = (a > b) - (a < b);
	return c;
}

static const chancery_registry *sort_ctx;

static int cmp_state_idx(const void *a, const void *b)
{
	return state_order(sort_ctx, *(const size_t *)a, *(const size_t *)b);
}

static int cmp_treaty_idx(const void *a, const void *b)
{
	return treaty_order(sort_ctx, *(const size_t *)a, *(const size_t *)b);
}

static int cmp_action_idx(const void *a, const void *b)
{
	return action_order(sort_ctx, *(const size_t *)a, *(const size_t *)b);
}

/* Sorting uses a file-level context pointer; the lock keeps two threads
 * loading registries at once from trampling it. */
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

/* Is idx[0..n) each of 0..n-1 once? `seen` is n bytes. */
static bool index_valid(const size_t *idx, size_t n, unsigned char *seen)
{
	memset(seen, 0, n);
	for (size_t i = 0; i < n; i++) {
		if (idx[i] >= n || seen[idx[i]])
			return false;
		seen[idx[i]] = 1;
	}
	return true;
}

int chancery__reg_indexes_valid(bool *valid, const chancery_registry *r)
{
	size_t n = r->nactions > r->nstates ? r->nactions : r->nstates;
	unsigned char *seen;

	if (r->ntreaties > n)
		n = r->ntreaties;
	if (!(seen = chancery__malloc(n ? n : 1)))
		return chancery__oom();
	*valid = index_valid(r->state_index, r->nstates, seen) &&
		index_valid(r->treaty_index, r->ntreaties, seen) &&
		index_valid(r->action_index, r->nactions, seen);
	chancery_free(seen);
	return 0;
}

static bool sorted(const size_t *idx, size_t n, const chancery_registry *r,
	int (*order)(const chancery_registry *, size_t, size_t))
{
	for (size_t i = 1; i < n; i++)
		if (order(r, idx[i - 1], idx[i]) >= 0)
			return false;
	return true;
}

static bool date_sound(const chancery_date *d, bool zero_ok)
{
	if (zero_ok && !d->year && !d->month && !d->day)
		return true;
	return chancery__date_ok(d);
}

/* What a parse guarantees and a decoded cache row must too, or the
 * callers that rely on it would read through NULL or outside a month's
 * table: states and treaties in order with distinct keys (the finds),
 * every action naming a State and a treaty of the registry, every date a
 * date (an effective date may be none). */
bool chancery__reg_decoded_sound(const chancery_registry *r)
{
	if (!sorted(r->state_index, r->nstates, r, state_order) ||
	    !sorted(r->treaty_index, r->ntreaties, r, treaty_order))
		return false;
	for (size_t i = 0; i < r->nactions; i++) {
		const chancery_action *a = &r->actions[i];

		if (!chancery_registry_state_find(r, a->state) ||
		    !chancery_registry_treaty_find(r, a->treaty) ||
		    !date_sound(&a->date, false) ||
		    !date_sound(&a->effective, true))
			return false;
	}
	return true;
}

int chancery__reg_load_table(chancery_table **out, chancery_repository *repo,
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

/* The treaties of one featured list, each a treaty of the registry. */
static void featured_rows(featured_list *f, const chancery_registry *r,
	const chancery_table *t, chancery_table_diag *d)
{
	const colspec *id_col = &chancery__reg_spec_featured.cols[0];
	int map[8];

	chancery__reg_map_columns(map, &chancery__reg_spec_featured, t, d);
	for (size_t k = 1; k < t->nrows && map[0] >= 0; k++) {
		const chancery_trow *row = &t->rows[k];
		const char *id = chancery__table_cell(row, map[0]);
		const chancery_treaty *tr;

		if ((size_t)map[0] >= row->count) {
			/* a short row: it has no cell in the treaty column */
			chancery__table_problem(d, row->line, 1,
				"missing %s", id_col->name);
			continue;
		}
		if (!chancery__reg_check_cell(d, &row->cells[map[0]], row->line,
				id_col))
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

		if (len < 5 || strcmp(name + len - 4, ".tsv"))
			continue;
		path = chancery__sprintf("%s/%s", REG_FEATURED_DIR, name);
		if (!path) {
			error = chancery__oom();
			goto done;
		}
		/* `d` names the file in what featured_rows reports: `path`
		 * lives until then (it was freed before, and a short row's
		 * problem named freed memory) */
		error = chancery__reg_load_table(&r->ftables[r->nfeatured],
			repo, tree, path, d);
		if (error < 0) {
			chancery_free(path);
			goto done;
		}
		t = r->ftables[r->nfeatured];
		f = &r->featured[r->nfeatured++];
		f->name = chancery__strndup(name, len - 4);
		f->treaties = chancery__calloc(t->nrows, sizeof(*f->treaties));
		if (!f->name || !f->treaties) {
			chancery_free(path);
			error = chancery__oom();
			goto done;
		}
		featured_rows(f, r, t, d);
		d->name = REG_FEATURED_DIR;
		chancery_free(path);
	}
done:
	git_tree_free(sub);
	git_tree_entry_free(dir);
	return error;
}

/* ---- recorded actions ------------------------------------------------ */

static _Atomic(const chancery__action_source *) action_source;

void chancery__registry_set_source(const chancery__action_source *source)
{
	atomic_store(&action_source, source);
}

const chancery__action_source *chancery__registry_source(void)
{
	return atomic_load(&action_source);
}

/* What the source reported, copied: the strings in one block (freed with
 * the registry), the dates beside them. */
typedef struct {
	chancery_buf names;   /* "STATE\0TREATY\0ACTION\0DEPOSIT\0" per action */
	chancery_date *dates; /* the date, then the effective date, each */
	size_t count;
	size_t alloc;
} recorded;

static int collect(const chancery_action *a, void *payload)
{
	recorded *rec = payload;
	const char *s[4] = { a->state, a->treaty, a->action, a->deposit };

	if (chancery__grow((void **)&rec->dates, &rec->alloc, rec->count + 1,
			2 * sizeof(*rec->dates)) < 0)
		return CHANCERY_ENOMEM;
	for (size_t i = 0; i < 4; i++)
		if (chancery_buf_put(&rec->names, s[i] ? s[i] : "",
				strlen(s[i] ? s[i] : "") + 1) < 0)
			return chancery__oom();
	rec->dates[2 * rec->count] = a->date;
	rec->dates[2 * rec->count++ + 1] = a->effective;
	return 0;
}

/* The actions recorded since the baseline join it, in the source's order. */
static int load_recorded(chancery_registry *r, chancery_repository *repo,
	git_tree *tree)
{
	const chancery__action_source *src = chancery__registry_source();
	recorded rec = { CHANCERY_BUF_INIT, NULL, 0, 0 };
	chancery_tree tb;
	const char *p;
	int error = 0;

	if (!src)
		return 0;
	rec.names.max = (size_t)256 << 20;
	if ((error = src->each(repo, chancery__tree_borrow(&tb, tree), collect,
			&rec)) < 0 || !rec.count)
		goto done;
	if (chancery__grow((void **)&r->actions, &(size_t){ r->nactions },
			r->nactions + rec.count, sizeof(chancery_action)) < 0) {
		error = CHANCERY_ENOMEM;
		goto done;
	}
	r->recorded = rec.names.ptr;
	rec.names.ptr = NULL;
	p = r->recorded;
	for (size_t i = 0; i < rec.count; i++) {
		chancery_action *act = &r->actions[r->nactions++];
		const char **field[4] = { &act->state, &act->treaty,
			&act->action, &act->deposit };

		memset(act, 0, sizeof(*act));
		for (size_t k = 0; k < 4; k++) {
			*field[k] = p;
			p += strlen(p) + 1;
		}
		act->note = "";
		act->date = rec.dates[2 * i];
		act->effective = rec.dates[2 * i + 1];
	}
done:
	chancery_free(rec.dates);
	chancery_buf_dispose(&rec.names);
	return error;
}

/* A recorded action names a State and a treaty of the registry: else the
 * record is malformed (not the registry, which the check does not blame). */
static int check_recorded(const chancery_registry *r, size_t from)
{
	const chancery__action_source *src = chancery__registry_source();

	for (size_t i = from; i < r->nactions; i++) {
		const chancery_action *a = &r->actions[i];
		bool state = chancery_registry_state_find(r, a->state) != NULL;

		if (!state || !chancery_registry_treaty_find(r, a->treaty))
			return chancery__error(CHANCERY_EINVALID,
				"malformed %s: %s names an unknown %s",
				src ? src->name : "record", a->deposit,
				state ? "treaty" : "State");
	}
	return 0;
}

/* The three tables of the baseline, each checked before the next is read:
 * 0, an error, or problems counted in d. */
static int load_baseline(chancery_registry *r, chancery_repository *repo,
	git_tree *tree, chancery_table_diag *d)
{
	int error;

	if ((error = chancery__reg_load_table(&r->tables[0], repo, tree,
			REG_STATES, d)) < 0 ||
	    (error = chancery__reg_fill_rows((void **)&r->states, &r->nstates,
			&chancery__reg_spec_states, r->tables[0], d,
			sizeof(chancery_state))) < 0 || d->count)
		return error;
	if ((error = chancery__reg_load_table(&r->tables[1], repo, tree,
			REG_TREATIES, d)) < 0 ||
	    (error = chancery__reg_fill_rows((void **)&r->treaties,
			&r->ntreaties, &chancery__reg_spec_treaties,
			r->tables[1], d, sizeof(chancery_treaty))) < 0 ||
	    d->count)
		return error;
	if ((error = chancery__reg_load_table(&r->tables[2], repo, tree,
			REG_PARTICIPATION, d)) < 0 ||
	    (error = chancery__reg_fill_rows((void **)&r->actions,
			&r->nactions, &chancery__reg_spec_actions,
			r->tables[2], d, sizeof(chancery_action))) < 0 ||
	    d->count)
		return error;
	for (size_t i = 0; i < r->nactions; i++)
		r->actions[i].deposit = "";
	return 0;
}

/* The baseline's actions name States and treaties of the registry. */
static void check_baseline(const chancery_registry *r, size_t nbase,
	chancery_table_diag *d)
{
	for (size_t i = 0; i < nbase; i++) {
		const chancery_action *a = &r->actions[i];

		if (!chancery_registry_state_find(r, a->state))
			chancery__table_problem(d, r->tables[2]->rows[i + 1].line,
				1, "unknown State '%s'", a->state);
		else if (!chancery_registry_treaty_find(r, a->treaty))
			chancery__table_problem(d, r->tables[2]->rows[i + 1].line,
				1, "unknown treaty '%s'", a->treaty);
	}
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

	if ((error = load_baseline(r, repo, tree, &d)) < 0)
		goto done;
	if (d.count)
		goto report;
	nbase = r->nactions;
	if ((error = load_recorded(r, repo, tree)) < 0)
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
	check_baseline(r, nbase, &d);
	if ((error = check_recorded(r, nbase)) < 0)
		goto done;
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
	CHANCERY_ASSERT_ARG(out && repo);
	return chancery__registry_load_head(out, NULL, repo);
}

/* The head's registry, from the cache when it holds it (registry_cache.c). */
int chancery__registry_load_head(chancery_registry **out, bool *hit,
	chancery_repository *repo)
{
	git_reference *ref = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	int error;

	*out = NULL;
	if ((error = git_reference_lookup(&ref, repo->git, repo->branch)) < 0 ||
	    (error = git_commit_lookup(&commit, repo->git,
			git_reference_target(ref))) < 0 ||
	    (error = git_commit_tree(&tree, commit)) < 0) {
		error = chancery__git_error(error, "read the branch head");
		goto done;
	}
	error = chancery__reg_cache_load(out, hit, repo, tree);
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
		if (r->ftables) /* NULL in a registry from the cache */
			chancery__table_free(r->ftables[i]);
	}
	chancery_free(r->featured);
	chancery_free(r->ftables);
	chancery_free(r->recorded);
	chancery_free(r->pool);
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

	if ((error = header_only(cs, &chancery__reg_spec_states,
			REG_STATES)) < 0 ||
	    (error = header_only(cs, &chancery__reg_spec_treaties,
			REG_TREATIES)) < 0)
		return error;
	return header_only(cs, &chancery__reg_spec_actions,
		REG_PARTICIPATION);
}
