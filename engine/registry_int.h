/*
 * registry_int.h - what the registry's own files share, and nothing else
 * includes: the table specifications (registry_schema.c), the loaded
 * registry (registry.c), read by participation (registry_participation.c)
 * and import (registry_import.c).
 */
#ifndef CHANCERY_REGISTRY_INT_H
#define CHANCERY_REGISTRY_INT_H

#include "internal.h"
#include "table.h"

#define REG_STATES "registry/states.tsv"
#define REG_TREATIES "registry/treaties.tsv"
#define REG_PARTICIPATION "registry/participation.tsv"
#define REG_FEATURED_DIR "registry/featured"

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- column specifications (registry_schema.c) -------------------- */

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
	K_EIF,      /* an entry-into-force rule or empty */
	K_DENOUNCE  /* a denunciation rule or empty */
};

/* The most columns a registry table has (registry_schema.c checks its
 * tables against it; the import sizes its per-row arrays by it). */
#define REG_MAX_COLS 32

typedef struct {
	const char *name;  /* canonical column name */
	const char *alias; /* another name accepted on import, or NULL */
	enum cell_kind kind;
	bool key;          /* part of the row key */
	bool needed;       /* a new row must have it */
	size_t offset;     /* where it goes in the public struct */
} colspec;

typedef struct {
	const char *path;
	const colspec *cols;
	size_t ncols;
	const char *what; /* "State", "treaty", "action" */
} tablespec;

extern const tablespec chancery__reg_spec_states;
extern const tablespec chancery__reg_spec_treaties;
extern const tablespec chancery__reg_spec_actions;
extern const tablespec chancery__reg_spec_featured;

/* Columns of the treaties table the import fills in by position. */
#define REG_TREATY_CHAPTER 1
#define REG_TREATY_SIGNATURE_UNTIL 9
#define REG_TREATY_PARENT 10

/* An entry-into-force rule: "N days" | "N months" | "first day of the month
 * after N days|months" | "on deposit". */
typedef struct {
	int n;
	bool months;
	bool first_of_month;
} eif_rule;

bool chancery__reg_eif_parse(eif_rule *r, const char *v);
/* A denunciation rule: "none" (no clause: kind 'x'), "on receipt" (n 0),
 * "N days|months|years". */
typedef struct {
	int n;
	char unit; /* 'd', 'm', 'y'; 'x' for none */
} denounce_rule;
bool chancery__reg_denounce_parse(denounce_rule *r, const char *v);
/** The roman chapter of a treaty id ("XVIII" of "XVIII-10") into buf. */
const char *chancery__reg_chapter_of(char *buf, size_t size, const char *id);
/** Check one cell; report a problem and return false when it is wrong. */
bool chancery__reg_check_cell(chancery_table_diag *d,
	const chancery_cell *cell, size_t line, const colspec *c);
/** map[i]: the table column of spec column i, or -1 (problems to d). */
void chancery__reg_map_columns(int *map, const tablespec *ts,
	const chancery_table *t, chancery_table_diag *d);
/** Rows of a table as `size`-byte public structs, each cell checked. */
int chancery__reg_fill_rows(void **out, size_t *count, const tablespec *ts,
	chancery_table *t, chancery_table_diag *d, size_t size);

/** 1 when `treaty` existed on `on` (registry_asof.c): adopted by then,
 * or of unknown adoption, or unknown to the registry, or `on` NULL. */
int chancery__reg_existed(const chancery_registry *r, const char *treaty,
	const chancery_date *on);

/* ---- the loaded registry (registry.c) ------------------------------ */

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
	char *recorded;       /* strings of the recorded actions, one block */
	char *pool;           /* every string, one block: a registry read
			       * from the cache (registry_cache.c) */
};

/** *valid: each index of `r` is a permutation of its array (a registry
 * read from the cache: no position outside it, none twice). */
int chancery__reg_indexes_valid(bool *valid, const chancery_registry *r);
/** Whether a decoded registry holds what a parse guarantees (registry.c):
 * keys in order, actions naming known States and treaties, dates. */
bool chancery__reg_decoded_sound(const chancery_registry *r);

/** A registry from its cache encoding (registry_encode.c): *out NULL
 * when the bytes are not a sound encoding; only ENOMEM is an error. */
int chancery__reg_cache_decode(chancery_registry **out,
	const unsigned char *p, size_t size);

/** Parse the registry table at `path` of `tree` (missing: ENOTREPO). */
int chancery__reg_load_table(chancery_table **out, chancery_repository *repo,
	git_tree *tree, const char *path, chancery_table_diag *d);

#endif
