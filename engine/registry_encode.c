/*
 * registry_encode.c - a loaded registry as one block of bytes and back,
 * for the registry's cache (registry_cache.c): the encoding is what the
 * cache stores, the decoding gives a registry that answers exactly as the
 * one encoded.
 *
 * Layout (32-bit words in the machine's order, then bytes):
 *   header   magic, CHANCERY__REG_CACHE_FORMAT, the counts of States,
 *            treaties, actions, featured lists and featured entries, the
 *            pool's size in bytes
 *   States   one string offset per column of the States' spec
 *   treaties one string offset per column of the treaties' spec
 *   actions  state, treaty, action, note, deposit offsets; date and
 *            effective date (a word each: year << 9 | month << 5 | day)
 *   indexes  the sorted positions of States, treaties, actions
 *   featured each list's name offset and count, then every entry's
 *            treaty position
 *   pool     the strings, NUL-terminated, each distinct string once
 *   checksum 64 bits over everything before it
 * The column offsets come from the table specifications
 * (registry_schema.c), the one description of which field a column fills.
 *
 * Invariant: decoding trusts nothing it reads: the sizes and the checksum
 * (any one word changed changes it: damage is a miss), then every string
 * offset, every position and each index being a permutation, then what a
 * parse guarantees and callers rely on (chancery__reg_decoded_sound: the
 * state and treaty indexes in order, every action naming a State and a
 * treaty of the registry, every date a date), so that no row, even one
 * forged with a checksum to match, makes a caller read through NULL or
 * outside a table; any fault is a miss (*out NULL), never a registry half
 * believed. Only running out of memory is an error. Left out: checking
 * the action index's order again (a third of a load at 10^5 actions,
 * random reads): a row forged that way answers wrongly, never unsafely,
 * as a forged commit could, and `index check` compares the row with a
 * fresh parse.
 */
#include "registry_int.h"
#include "registry_cache.h"

#include <stdint.h>
#include <string.h>

#define MAGIC 0x43485247u /* "CHRG" as a word: another byte order misses */
#define HEADER 8
#define ACTION_WORDS 7
#define COUNT_MAX ((uint32_t)1 << 26)

static const size_t action_strings[] = {
	offsetof(chancery_action, state), offsetof(chancery_action, treaty),
	offsetof(chancery_action, action), offsetof(chancery_action, note),
	offsetof(chancery_action, deposit),
};

/* Changing any one 64-bit word changes the sum: each step is a bijection
 * of the running value. */
static uint64_t checksum(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3u;
		h ^= h >> 32;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3u;
	return h;
}

/* Columns of `ts` that fill a string field (offset), and their count. */
static size_t string_cols(size_t *offs, const tablespec *ts)
{
	size_t n = 0;

	for (size_t i = 0; i < ts->ncols; i++)
		if (ts->cols[i].offset < (size_t)-2)
			offs[n++] = ts->cols[i].offset;
	return n;
}

/* The words the counts call for, or 0 when a count is out of range. */
static size_t words_for(const uint32_t *h)
{
	size_t so[REG_MAX_COLS], to[REG_MAX_COLS];
	size_t ns = string_cols(so, &chancery__reg_spec_states);
	size_t nt = string_cols(to, &chancery__reg_spec_treaties);

	for (int i = 2; i < 7; i++)
		if (h[i] >= COUNT_MAX)
			return 0;
	return HEADER + (size_t)h[2] * (ns + 1) + (size_t)h[3] * (nt + 1) +
		(size_t)h[4] * (ACTION_WORDS + 1) + (size_t)h[5] * 2 + h[6];
}

/* ---- encoding ------------------------------------------------------------ */

typedef struct {
	uint32_t *w;
	size_t nw, alloc;
	chancery_buf pool;
	uint32_t *slots; /* an offset in the pool + 1; 0: empty */
	size_t nslots;   /* a power of two, at least twice nstrings */
	size_t nstrings; /* distinct strings in the pool */
	int error;
} encoder;

/* The words are allocated once, exactly as many as the counts call for. */
static void put32(encoder *e, uint32_t v)
{
	if (e->error)
		return;
	if (e->nw >= e->alloc) {
		e->error = chancery__error(CHANCERY_EINVALID,
			"the registry cache's encoding overran its size");
		return;
	}
	e->w[e->nw++] = v;
}

static uint64_t str_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3u;
	return h;
}

/* Twice the slots, every string placed again (the hash stays at most
 * half full). */
static int rehash(encoder *e)
{
	size_t n = e->nslots * 2;
	uint32_t *slots = chancery__calloc(n, sizeof(*slots));

	if (!slots)
		return chancery__oom();
	for (size_t k = 0; k < e->nslots; k++) {
		size_t i;

		if (!e->slots[k])
			continue;
		for (i = str_hash(e->pool.ptr + e->slots[k] - 1) & (n - 1);
		     slots[i]; i = (i + 1) & (n - 1))
			;
		slots[i] = e->slots[k];
	}
	chancery_free(e->slots);
	e->slots = slots;
	e->nslots = n;
	return 0;
}

/* The offset of string `s` in the pool, added once. */
static uint32_t intern(encoder *e, const char *s)
{
	size_t i, len;

	if (e->error)
		return 0;
	for (i = str_hash(s) & (e->nslots - 1); e->slots[i];
	     i = (i + 1) & (e->nslots - 1))
		if (!strcmp(e->pool.ptr + e->slots[i] - 1, s))
			return e->slots[i] - 1;
	len = strlen(s) + 1;
	if (e->pool.size + len >= UINT32_MAX) {
		e->error = chancery__error(CHANCERY_EINVALID,
			"the registry is too large to cache");
		return 0;
	}
	e->slots[i] = (uint32_t)e->pool.size + 1;
	if (chancery_buf_put(&e->pool, s, len) < 0) {
		e->error = CHANCERY_ENOMEM;
		return 0;
	}
	if (++e->nstrings * 2 > e->nslots && (e->error = rehash(e)) < 0)
		return 0;
	return (uint32_t)(e->pool.size - len);
}

static void put_str(encoder *e, const char *s)
{
	put32(e, intern(e, s));
}

static void put_fields(encoder *e, const void *rec, const size_t *offs,
	size_t n)
{
	for (size_t k = 0; k < n; k++)
		put_str(e, *(const char *const *)((const char *)rec + offs[k]));
}

/* A date in one word: year << 9 | month << 5 | day (a year of the
 * registry is at most 2999, and an action's effective date all zero). */
static void put_date(encoder *e, const chancery_date *d)
{
	if (d->year < 0 || d->year >= 1 << 22 || d->month < 0 ||
	    d->month > 15 || d->day < 0 || d->day > 31) {
		if (!e->error) /* what would not come back: not cached */
			e->error = chancery__error(CHANCERY_EINVALID,
				"a date the registry cache cannot hold");
		return;
	}
	put32(e, (uint32_t)d->year << 9 | (uint32_t)(d->month & 15) << 5 |
		(uint32_t)(d->day & 31));
}

static void put_body(encoder *e, const chancery_registry *r)
{
	size_t so[REG_MAX_COLS], to[REG_MAX_COLS];
	size_t ns = string_cols(so, &chancery__reg_spec_states);
	size_t nt = string_cols(to, &chancery__reg_spec_treaties);

	for (size_t i = 0; i < r->nstates; i++)
		put_fields(e, &r->states[i], so, ns);
	for (size_t i = 0; i < r->ntreaties; i++)
		put_fields(e, &r->treaties[i], to, nt);
	for (size_t i = 0; i < r->nactions; i++) {
		put_fields(e, &r->actions[i], action_strings,
			NCOLS(action_strings));
		put_date(e, &r->actions[i].date);
		put_date(e, &r->actions[i].effective);
	}
	for (size_t i = 0; i < r->nstates; i++)
		put32(e, (uint32_t)r->state_index[i]);
	for (size_t i = 0; i < r->ntreaties; i++)
		put32(e, (uint32_t)r->treaty_index[i]);
	for (size_t i = 0; i < r->nactions; i++)
		put32(e, (uint32_t)r->action_index[i]);
	for (size_t i = 0; i < r->nfeatured; i++) {
		put_str(e, r->featured[i].name);
		put32(e, (uint32_t)r->featured[i].count);
	}
	for (size_t i = 0; i < r->nfeatured; i++)
		for (size_t k = 0; k < r->featured[i].count; k++)
			put32(e, (uint32_t)(r->featured[i].treaties[k] -
				r->treaties));
}

static size_t featured_entries(const chancery_registry *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nfeatured; i++)
		n += r->featured[i].count;
	return n;
}

/* The words, the pool and the checksum, one after the other, in the
 * words' own block (grown, not copied: the encoding is held once). */
static int assemble(chancery_buf *out, encoder *e)
{
	size_t words = e->nw * sizeof(*e->w), total = words + e->pool.size + 8;
	unsigned char *p;
	uint64_t sum;

	e->w[7] = (uint32_t)e->pool.size;
	if (!(p = chancery__realloc(e->w, total + 1)))
		return chancery__oom();
	e->w = NULL;
	memcpy(p + words, e->pool.ptr, e->pool.size);
	sum = checksum(p, total - 8);
	memcpy(p + total - 8, &sum, 8);
	p[total] = '\0';
	chancery_buf_dispose(out);
	out->ptr = (char *)p;
	out->size = total;
	out->alloc = total + 1;
	return 0;
}

int chancery__reg_cache_encode(chancery_buf *out, const chancery_registry *r)
{
	encoder e = { NULL, 0, 0, CHANCERY_BUF_INIT, NULL, 4096, 0, 0 };
	uint32_t h[HEADER] = { MAGIC, CHANCERY__REG_CACHE_FORMAT,
		(uint32_t)r->nstates, (uint32_t)r->ntreaties,
		(uint32_t)r->nactions, (uint32_t)r->nfeatured,
		(uint32_t)featured_entries(r), 0 /* the pool's size, at the end */ };
	int error;

	if (r->nstates >= COUNT_MAX || r->ntreaties >= COUNT_MAX ||
	    r->nactions >= COUNT_MAX || r->nfeatured >= COUNT_MAX ||
	    featured_entries(r) >= COUNT_MAX)
		return chancery__error(CHANCERY_EINVALID,
			"the registry is too large to cache");
	e.alloc = words_for(h);
	e.slots = chancery__calloc(e.nslots, sizeof(*e.slots));
	e.w = chancery__malloc(e.alloc * sizeof(*e.w));
	if (!e.slots || !e.w) {
		error = chancery__oom();
		goto done;
	}
	e.pool.max = UINT32_MAX;
	for (size_t i = 0; i < HEADER; i++)
		put32(&e, h[i]);
	intern(&e, ""); /* the pool is never empty */
	put_body(&e, r);
	chancery_free(e.slots); /* the hash is done with before the copy */
	e.slots = NULL;
	if (!(error = e.error) && e.nw != e.alloc)
		error = chancery__error(CHANCERY_EINVALID,
			"the registry cache's encoding fell short of its size");
	if (!error)
		error = assemble(out, &e);
done:
	chancery_free(e.w);
	chancery_free(e.slots);
	chancery_buf_dispose(&e.pool);
	return error;
}

/* ---- decoding ------------------------------------------------------------ */

typedef struct {
	const unsigned char *p;
	size_t nw, at;    /* words, the next one to read */
	const char *pool; /* the registry's copy */
	size_t npool;
	bool bad;
} decoder;

static uint32_t get32(decoder *d)
{
	uint32_t v = 0;

	if (d->at >= d->nw) {
		d->bad = true;
		return 0;
	}
	memcpy(&v, d->p + 4 * d->at++, 4);
	return v;
}

static const char *get_str(decoder *d)
{
	uint32_t off = get32(d);

	if (off >= d->npool) {
		d->bad = true;
		return "";
	}
	return d->pool + off;
}

static void get_fields(decoder *d, void *rec, const size_t *offs, size_t n)
{
	for (size_t k = 0; k < n; k++)
		*(const char **)((char *)rec + offs[k]) = get_str(d);
}

static void get_date(decoder *d, chancery_date *out)
{
	uint32_t w = get32(d);

	out->year = (int)(w >> 9);
	out->month = (int)(w >> 5 & 15);
	out->day = (int)(w & 31);
}

static void get_index(decoder *d, size_t *idx, size_t n)
{
	for (size_t i = 0; i < n; i++)
		idx[i] = get32(d);
}

static int get_featured(decoder *d, chancery_registry *r, size_t nf,
	size_t entries)
{
	size_t total = 0;

	for (size_t i = 0; i < nf; i++) {
		featured_list *f = &r->featured[i];

		f->name = chancery__strdup(get_str(d));
		f->count = get32(d);
		total += f->count;
		if (!f->name)
			return chancery__oom();
		r->nfeatured++;
	}
	if (total != entries) {
		d->bad = true;
		return 0;
	}
	for (size_t i = 0; i < nf && !d->bad; i++) {
		featured_list *f = &r->featured[i];

		if (!(f->treaties = chancery__calloc(f->count ? f->count : 1,
				sizeof(*f->treaties))))
			return chancery__oom();
		for (size_t k = 0; k < f->count; k++) {
			uint32_t t = get32(d);

			if (t >= r->ntreaties) {
				d->bad = true;
				return 0;
			}
			f->treaties[k] = &r->treaties[t];
		}
	}
	return 0;
}

/* Every array of `r` for the counts, zeroed. */
static int alloc_arrays(chancery_registry *r, size_t nf)
{
	size_t ns = r->nstates ? r->nstates : 1;
	size_t nt = r->ntreaties ? r->ntreaties : 1;
	size_t na = r->nactions ? r->nactions : 1;

	r->states = chancery__calloc(ns, sizeof(*r->states));
	r->treaties = chancery__calloc(nt, sizeof(*r->treaties));
	r->actions = chancery__calloc(na, sizeof(*r->actions));
	r->state_index = chancery__calloc(ns, sizeof(size_t));
	r->treaty_index = chancery__calloc(nt, sizeof(size_t));
	r->action_index = chancery__calloc(na, sizeof(size_t));
	r->featured = chancery__calloc(nf ? nf : 1, sizeof(*r->featured));
	if (!r->states || !r->treaties || !r->actions || !r->state_index ||
	    !r->treaty_index || !r->action_index || !r->featured)
		return chancery__oom();
	return 0;
}

static int get_body(decoder *d, chancery_registry *r, size_t nf,
	size_t entries)
{
	size_t so[REG_MAX_COLS], to[REG_MAX_COLS];
	size_t ns = string_cols(so, &chancery__reg_spec_states);
	size_t nt = string_cols(to, &chancery__reg_spec_treaties);
	int error;

	if ((error = alloc_arrays(r, nf)) < 0)
		return error;
	for (size_t i = 0; i < r->nstates; i++)
		get_fields(d, &r->states[i], so, ns);
	for (size_t i = 0; i < r->ntreaties; i++)
		get_fields(d, &r->treaties[i], to, nt);
	for (size_t i = 0; i < r->nactions; i++) {
		get_fields(d, &r->actions[i], action_strings,
			NCOLS(action_strings));
		get_date(d, &r->actions[i].date);
		get_date(d, &r->actions[i].effective);
	}
	get_index(d, r->state_index, r->nstates);
	get_index(d, r->treaty_index, r->ntreaties);
	get_index(d, r->action_index, r->nactions);
	return get_featured(d, r, nf, entries);
}

/* The header, the sizes and the checksum: *nw the words, or 0 (bad). */
static size_t check_frame(uint32_t h[HEADER], const unsigned char *p,
	size_t size)
{
	uint64_t sum;
	size_t nw;

	if (!p || size < HEADER * 4 + 8)
		return 0;
	memcpy(h, p, HEADER * 4);
	if (h[0] != MAGIC || h[1] != CHANCERY__REG_CACHE_FORMAT ||
	    !(nw = words_for(h)) || h[7] == 0 ||
	    size != nw * 4 + (size_t)h[7] + 8)
		return 0;
	memcpy(&sum, p + size - 8, 8);
	if (sum != checksum(p, size - 8) || p[nw * 4 + h[7] - 1] != '\0')
		return 0;
	return nw;
}

int chancery__reg_cache_decode(chancery_registry **out,
	const unsigned char *p, size_t size)
{
	uint32_t h[HEADER];
	decoder d = { p, 0, HEADER, NULL, 0, false };
	chancery_registry *r = NULL;
	bool valid = false;
	int error = 0;

	*out = NULL;
	if (!(d.nw = check_frame(h, p, size)))
		return 0;
	if (!(r = chancery__calloc(1, sizeof(*r))) ||
	    !(r->pool = chancery__malloc(h[7]))) {
		error = chancery__oom();
		goto done;
	}
	memcpy(r->pool, p + d.nw * 4, h[7]);
	d.pool = r->pool;
	d.npool = h[7];
	r->nstates = h[2];
	r->ntreaties = h[3];
	r->nactions = h[4];
	if ((error = get_body(&d, r, h[5], h[6])) < 0 || d.bad ||
	    d.at != d.nw ||
	    (error = chancery__reg_indexes_valid(&valid, r)) < 0 || !valid ||
	    !chancery__reg_decoded_sound(r))
		goto done;
	*out = r;
	r = NULL;
done:
	chancery_registry_free(r);
	return error;
}
