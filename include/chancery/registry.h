/*
 * chancery/registry.h - the registry: States, treaties, featured lists and
 * the participation baseline (the treaty actions known when the registry was
 * loaded). The registry lives in registry/ of the repository as TSV files; a
 * chancery_registry is a read-only snapshot of one commit.
 */
#ifndef CHANCERY_REGISTRY_H
#define CHANCERY_REGISTRY_H

#include "common.h"
#include "repository.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct chancery_registry chancery_registry;

/** A State. Every string is borrowed from the registry and never NULL. */
typedef struct {
	const char *code;         /**< ISO 3166 alpha-3, e.g. "FRA" */
	const char *name;         /**< English short name, "France" */
	const char *formal_name;  /**< "the French Republic" */
	const char *name_fr;      /**< French short name with article: "France (la)" */
	const char *language;     /**< correspondence language: en, fr or es */
	const char *member_since; /**< year of UN membership, or "" */
	const char *status;       /**< "member", "non-member", ... */
	const char *note;
	const char *name_es;      /**< Spanish short name, "México", or "" */
	const char *article_en;   /**< "the" ("the Netherlands") or "" */
	const char *plural_fr;    /**< "yes": "les Comores ont"; "no" or "" */
	const char *article_es;   /**< article of name_es: "la", "el" or "" */
	const char *plural_es;    /**< "yes" where name_es is plural */
} chancery_state;

/** A treaty of the registry. Strings are borrowed and never NULL. */
typedef struct {
	const char *id;               /**< MTDSG reference, e.g. "XVIII-10" */
	const char *chapter;          /**< roman numeral, "XVIII" */
	const char *title;
	const char *title_fr;
	const char *short_title;
	const char *place_adopted;
	const char *adopted;          /**< YYYY-MM-DD or "" */
	const char *entry_into_force; /**< YYYY-MM-DD or "" */
	const char *signature;        /**< "yes", "no" (never signed) or "" */
	const char *signature_until;  /**< last day to sign, or "" */
	const char *parent;           /**< the treaty it supplements, or "" */
	const char *note;
	/** when it enters into force for a State, counted from the deposit:
	 * "3 months", "30 days", "first day of the month after 60 days",
	 * "on deposit"; "" when the registry does not know */
	const char *entry_into_force_rule;
	/** when a denunciation (or withdrawal) takes effect, counted from its
	 * receipt: "1 year", "6 months", "90 days", "on receipt"; "none"
	 * when the treaty has no denunciation clause; "" when the registry
	 * does not know */
	const char *denunciation_rule;
	/** where the rule comes from: the article, the source read */
	const char *denunciation_basis;
	const char *title_es;            /**< Spanish title, or "" */
	const char *short_title_es;      /**< Spanish short title, or "" */
	const char *title_es_source;     /**< where title_es comes from */
	const char *title_es_confidence; /**< "confirmed", "likely", ... */
} chancery_treaty;

/** One treaty action of the baseline. */
typedef struct {
	const char *state;
	const char *treaty;
	const char *action; /**< see chancery_action_kind() */
	chancery_date date;
	const char *note;
	/** a deposited action: its archive entry
	 * ("archive/LBR/XVIII-10/2004-09-22-ratification.txt"); "" for the
	 * baseline of registry/participation.tsv */
	const char *deposit;
	/** a denunciation: the day it takes effect (party status ends);
	 * all zero for every other action */
	chancery_date effective;
} chancery_action;

/** What an action does to a State's participation. */
typedef enum {
	CHANCERY_ACTION_UNKNOWN = 0, /**< not in the vocabulary */
	CHANCERY_ACTION_SIGNS,       /**< signature */
	CHANCERY_ACTION_BINDS,       /**< makes the State a party */
	CHANCERY_ACTION_OTHER,       /**< recorded, changes no status */
	/** a denunciation or withdrawal: party status ends on its
	 * effective date */
	CHANCERY_ACTION_ENDS
} chancery_action_kind;

/** Classify an action name of the vocabulary (docs/repository-format.md). */
CHANCERY_EXTERN(chancery_action_kind) chancery_registry_action_classify(
	const char *action);

/** Load the registry of the branch head. The caller frees it. */
CHANCERY_EXTERN(int) chancery_registry_load(chancery_registry **out,
	chancery_repository *repo);

CHANCERY_EXTERN(void) chancery_registry_free(chancery_registry *registry);

CHANCERY_EXTERN(size_t) chancery_registry_state_count(
	const chancery_registry *registry);
CHANCERY_EXTERN(const chancery_state *) chancery_registry_state(
	const chancery_registry *registry, size_t i);
/** NULL (and no error set) when the code is unknown. */
CHANCERY_EXTERN(const chancery_state *) chancery_registry_state_find(
	const chancery_registry *registry, const char *code);

CHANCERY_EXTERN(size_t) chancery_registry_treaty_count(
	const chancery_registry *registry);
CHANCERY_EXTERN(const chancery_treaty *) chancery_registry_treaty(
	const chancery_registry *registry, size_t i);
CHANCERY_EXTERN(const chancery_treaty *) chancery_registry_treaty_find(
	const chancery_registry *registry, const char *id);

CHANCERY_EXTERN(size_t) chancery_registry_action_count(
	const chancery_registry *registry);
CHANCERY_EXTERN(const chancery_action *) chancery_registry_action(
	const chancery_registry *registry, size_t i);

/**
 * The actions of State `state` on treaty `treaty` (baseline and recorded),
 * in the order chancery_registry_action() lists them, into *out (borrowed
 * pointers; the array itself is the caller's, free it with chancery_free()).
 * None is not an error: 0 and *count 0. One binary search, then one run of
 * the registry's index: no scan of every action.
 */
CHANCERY_EXTERN(int) chancery_registry_actions_of(
	const chancery_action ***out, size_t *count,
	const chancery_registry *registry, const char *state,
	const char *treaty);

/**
 * The treaties of featured list `name` (registry/featured/NAME.tsv), in the
 * list's order, into *out (borrowed pointers; the array itself is the
 * caller's, free it with chancery_free()). CHANCERY_ENOTFOUND when there is
 * no such list.
 */
CHANCERY_EXTERN(int) chancery_registry_featured(const chancery_treaty ***out,
	size_t *count, const chancery_registry *registry, const char *name);

/** Where a State stands with a treaty on a date. */
typedef enum {
	CHANCERY_STATUS_NONE = 0,  /**< no action */
	CHANCERY_STATUS_SIGNATORY, /**< signed, not (yet) bound */
	CHANCERY_STATUS_PARTY      /**< bound: ratified, acceded, ... */
} chancery_status;

/** Where one State stands with one treaty. */
typedef struct {
	const chancery_state *state;
	const chancery_treaty *treaty;
	chancery_status status;
	const chancery_action *signature; /**< latest signature, or NULL */
	const chancery_action *consent;   /**< the binding action, or NULL */
	/** the State's denunciation received by the date, or NULL: status
	 * is CHANCERY_STATUS_NONE (and signature and consent NULL) from its
	 * effective date on, still what it was before */
	const chancery_action *denunciation;
} chancery_participation;

/**
 * A State's participation as of `as_of` (NULL: every action known): one
 * entry per treaty the State took any action on, in treaty order. The array
 * is the caller's (chancery_free()); what it points to is the registry's.
 */
CHANCERY_EXTERN(int) chancery_registry_participation(
	chancery_participation **out, size_t *count,
	const chancery_registry *registry, const char *state,
	const chancery_date *as_of);

/**
 * The States that signed or joined `treaty` as of `as_of` (NULL: every
 * action known), in registry order of States. The array is the caller's
 * (chancery_free()); CHANCERY_ENOTFOUND for an unknown treaty.
 */
CHANCERY_EXTERN(int) chancery_registry_parties(chancery_participation **out,
	size_t *count, const chancery_registry *registry, const char *treaty,
	const chancery_date *as_of);

/** Status of one State for one treaty as of a date (NULL: all known). */
CHANCERY_EXTERN(chancery_status) chancery_registry_status(
	const chancery_registry *registry, const char *state,
	const char *treaty, const chancery_date *as_of);

/**
 * The day `treaty` enters into force for a State whose instrument was
 * deposited on `deposit`, by the treaty's entry_into_force_rule and never
 * before the treaty's own entry into force. CHANCERY_ENOTFOUND when the
 * registry knows no rule for it.
 */
CHANCERY_EXTERN(int) chancery_registry_entry_into_force(chancery_date *out,
	const chancery_treaty *treaty, const chancery_date *deposit);

/**
 * The day a denunciation of `treaty` received on `received` takes effect,
 * by the treaty's denunciation_rule. CHANCERY_EINVALID, naming it, when
 * the treaty has no denunciation clause ("none"); CHANCERY_ENOTFOUND when
 * the registry does not know the rule ("": the date must then be given).
 */
CHANCERY_EXTERN(int) chancery_registry_denunciation_effective(
	chancery_date *out, const chancery_treaty *treaty,
	const chancery_date *received);

/** Syntax checks shared by every command that takes a code. */
CHANCERY_EXTERN(int) chancery_registry_state_code_valid(const char *code);
CHANCERY_EXTERN(int) chancery_registry_treaty_id_valid(const char *id);

/** Which registry table an import feeds. */
typedef enum {
	CHANCERY_IMPORT_STATES = 1,
	CHANCERY_IMPORT_TREATIES,
	CHANCERY_IMPORT_PARTICIPATION
} chancery_import_kind;

#define CHANCERY_IMPORT_OPTIONS_VERSION 1

typedef struct {
	unsigned int version;
	/** Called for every problem, "FILE:LINE:COLUMN: what"; the import
	 * stops after 100. May be NULL. */
	chancery_diagnostic_cb diagnostic;
	void *payload;
	/** 0: guess from the name (.csv) or the header line; else ',' or '\t'. */
	char delimiter;
} chancery_import_options;

#define CHANCERY_IMPORT_OPTIONS_INIT { CHANCERY_IMPORT_OPTIONS_VERSION, NULL, NULL, 0 }

/** What an import did. */
typedef struct {
	size_t rows;      /**< rows the file holds (after its header) */
	/** 1 when the registry holds these rows already: nothing was
	 * committed (and `commit` is "") */
	int unchanged;
	char commit[41];  /**< the commit made, or "" */
} chancery_import_result;

/**
 * Validate a CSV or TSV table and merge it into the registry as one commit.
 * Rows are keyed (state code, treaty id, or state+treaty+action+date); a
 * row with a known key replaces the columns the file has. On any problem
 * nothing is committed and CHANCERY_EINVALID is returned; the last error
 * then names the first problem and the count. A table that would change
 * nothing is not an error: 0, nothing committed, out->unchanged set.
 *
 * @param out   what was done (may be NULL)
 * @param name  the file's name, for messages
 */
CHANCERY_EXTERN(int) chancery_registry_import(chancery_import_result *out,
	chancery_repository *repo, chancery_import_kind kind, const char *name,
	const char *data, size_t size, const chancery_import_options *opts);

/**
 * 1 when treaty `t` existed on `on`: adopted on or before it. A treaty whose
 * adoption date the registry does not know (`adopted` "") has always
 * existed; `on` NULL (every date) is 1; `t` NULL (no treaty) is 0. Every
 * "as of" answer of the registry leaves out what did not exist on the day.
 */
CHANCERY_EXTERN(int) chancery_registry_treaty_adopted_by(
	const chancery_treaty *t, const chancery_date *on);

/**
 * chancery_registry_featured() as of `as_of`: the treaties of the list
 * that existed that day (chancery_registry_treaty_adopted_by()), in the
 * list's order; NULL is every treaty of the list. The array is the
 * caller's (chancery_free()).
 */
CHANCERY_EXTERN(int) chancery_registry_featured_as_of(
	const chancery_treaty ***out, size_t *count,
	const chancery_registry *registry, const char *name,
	const chancery_date *as_of);

#ifdef __cplusplus
}
#endif
#endif
