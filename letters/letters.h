/*
 * letters.h - the private header of letters/: what its files share. The
 * compiled template (a Mustache syntax tree whose literal text is either
 * plain text or ready-made XML), the scanner, parser and renderer of the
 * language, and the ODT package reader and writer (whose libxml2 and
 * libzip types stay in odt.h, for the ODT files only).
 *
 * From engine/ it needs only the shared base (errors, the allocator,
 * chancery_buf, UTF-8 checks, files): engine/base.h, which includes no
 * dependency's header, so letters/ never compiles against libgit2.
 * The rest of the library sees letters/ through the public
 * chancery/letters.h and letters/data.h, never through this header.
 */
#ifndef CHANCERY_LETTERS_INTERNAL_H
#define CHANCERY_LETTERS_INTERNAL_H

#include <pthread.h>
#include <jansson.h>

#include "../engine/base.h"
#include "data.h"

#define MUSTACHE_MAX_DEPTH 256  /* nested sections and partial calls */
#define MUSTACHE_MAX_DELIM 15   /* bytes of a delimiter */

static inline bool mustache_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

typedef enum {
	MN_TEXT,     /* literal output */
	MN_VAR,      /* {{name}}, {{{name}}}, {{&name}} */
	MN_SECTION,  /* {{#name}} */
	MN_INVERTED, /* {{^name}} */
	MN_PARTIAL,  /* {{>name}} */
	MN_PARENT,   /* {{<name}} (children: the blocks it overrides) */
	MN_BLOCK     /* {{$name}} */
} mnode_kind;

typedef struct mnode mnode;

/* Where a tag stood, for messages. */
typedef struct {
	size_t line, column;  /* text templates (1-based) */
	const char *part;     /* ODT: "content.xml", or NULL */
	size_t paragraph;     /* ODT: 1-based paragraph of the part */
	char *near;           /* ODT: the paragraph's text around it */
} mloc;

struct mnode {
	mnode_kind kind;
	bool escape;           /* MN_VAR */
	char *text;            /* MN_TEXT: bytes; others: the name */
	size_t len;
	mnode *kids;
	size_t nkids, akids;
	mloc loc;
	/* standalone partials, parents and blocks */
	char *indent;          /* whitespace before a standalone tag, or NULL */
	/* blocks: their content's source, to re-indent it (text only) */
	const char *src;
	size_t src_start, src_end;
	bool def_standalone;   /* the opening tag stood alone on its line */
	char otag[16], ctag[16];
};

typedef enum { ESC_HTML, ESC_ODF } escape_mode;

typedef struct odt_package odt_package;

/* compiled sub-templates: partials by (name, indent), blocks by (node, indent) */
typedef struct {
	const void *key_node;
	char *key_name;
	char *key_indent;
	mnode *root;
	char *source;
} mcache_entry;

struct chancery_template {
	bool odt;
	escape_mode escape;
	bool lenient;
	char *name;
	chancery_partial_cb partials;
	void *payload;
	char *source;          /* text templates: the source */
	size_t source_len;
	mnode root;
	odt_package *pkg;      /* ODT templates */
	pthread_mutex_t lock;  /* guards the cache */
	mcache_entry *cache;
	size_t ncache, acache;
};

/* ---- the language (mustache_*.c) ------------------------------------------ */

/*
 * The tag scanner (mustache_scan.c): find the next tag at or after `from`
 * in s, with the given delimiters. start and end bound the whole tag;
 * sigil, name and nlen describe it (for '=' tags, name holds the new
 * delimiters). Returns 1 found, 0 none, or a negative error (unclosed or
 * malformed tag).
 */
int chancery__mustache_scan(const char *s, size_t len, size_t from,
	const char *otag, const char *ctag, size_t *start, size_t *end,
	char *sigil, const char **name, size_t *nlen);
/* the first `lit` at or after `from` in s: its offset, -1 none, -2 no
 * memory */
long chancery__mustache_find(const char *s, size_t len, size_t from,
	const char *lit);
/* parse "=<% %>=" content into new delimiters */
int chancery__mustache_delims(char *otag, char *ctag, const char *spec,
	size_t len);
/* error with the template's name and the tag's place */
int chancery__mustache_error(const chancery_template *t, const mloc *loc,
	int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* a token of an already scanned template (ODT): text or tag */
typedef struct {
	char sigil;      /* 0 text, 'v' variable, '&' raw, # ^ / ! = > < $ */
	const char *text;
	size_t len;
	mloc loc;
} mtoken;

/* Parse text into the children of root, starting with delimiters otag and
 * ctag (mustache_parse.c). */
int chancery__mustache_parse(mnode *root, const char *src, size_t len,
	const char *otag, const char *ctag, const chancery_template *t);
/* Build root's children from tokens (no standalone processing). */
int chancery__mustache_build(mnode *root, mtoken *toks, size_t n,
	const chancery_template *t);
/* Free what n holds (not n itself) and zero it. */
void chancery__mnode_dispose(mnode *n);

/*
 * The work one document may take: every node visited (text, a value, a
 * section, a partial, a parent, a block) and every item a section repeats
 * for is a step. The output is capped apart (chancery_buf's maximum); this
 * caps the time, which nested sections and fanning partials can make
 * exponential while writing nothing. The shipped letters take a few
 * thousand steps (docs/template-language.md).
 */
#define MUSTACHE_MAX_STEPS ((size_t)10000000)

typedef struct {
	size_t steps;   /* taken so far */
} mbudget;

/* Render root's children into out, charging `budget` (shared by the parts
 * of one document; NULL: a budget of its own) (mustache_render.c). The
 * data is only read. */
int chancery__mustache_render(chancery_buf *out, const chancery_template *t,
	const mnode *root, const json_t *data, mbudget *budget);

/* ---- ODT packages (odt_*.c) ------------------------------------------------ */

/* Check and compile a package (odt_package.c); *out is the template's. */
int chancery__odt_load(odt_package **out, chancery_template *t,
	const void *data, size_t size);
void chancery__odt_free(odt_package *pkg);
/* A rendered package in memory, *out freed with chancery_free; `meta`:
 * NULL or name/value pairs for meta.xml, NULL-terminated (odt_render.c). */
int chancery__odt_render(void **out, size_t *size, const chancery_template *t,
	const json_t *data, const char *const *meta);
/* One part rendered as XML (CHANCERY_ENOTFOUND: it has no tag). */
int chancery__odt_render_part(chancery_buf *out, const chancery_template *t,
	const char *part, const json_t *data);

#endif
