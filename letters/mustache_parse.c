/*
 * mustache_parse.c - Mustache syntax trees: the parser of text templates
 * and the builder of trees from the tokens of an ODT part.
 *
 * A text template is parsed in three passes: tokens (text split after
 * each newline, so that a text token holds at most one '\n', at its end),
 * the specification's standalone lines (a line holding only whitespace and
 * tags that print nothing loses its indentation and its line end), and the
 * tree. An ODT part arrives as tokens already (odt_compile.c cuts the
 * serialized XML at its markers) and has no standalone lines: paragraphs
 * took that role.
 *
 * Invariants of a tree: a section, inverted section, parent or block node
 * holds its content as children, never deeper than MUSTACHE_MAX_DEPTH;
 * adjacent text is merged into one MN_TEXT node; a parent holds only
 * blocks; a block keeps where its content's source lies (to re-indent it).
 * Every node owns its strings; chancery__mnode_dispose frees them.
 *
 * Left out on purpose: lambdas and dynamic names; parents ({{<x}}) in ODT
 * parts (a part is XML: a parent's text could not be placed in it).
 */
#include "letters.h"

#include <string.h>
#include <stdlib.h>

/* ---- nodes and tokens --------------------------------------------------------- */

static int add_kid(mnode *parent, mnode **out)
{
	if (chancery__grow((void **)&parent->kids, &parent->akids,
			parent->nkids + 1, sizeof(mnode)) < 0)
		return CHANCERY_ENOMEM;
	*out = &parent->kids[parent->nkids++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

void chancery__mnode_dispose(mnode *n)
{
	for (size_t i = 0; i < n->nkids; i++)
		chancery__mnode_dispose(&n->kids[i]);
	chancery_free(n->kids);
	chancery_free(n->text);
	chancery_free(n->indent);
	chancery_free(n->loc.near);
	memset(n, 0, sizeof(*n));
}

/* Parser token for text templates: a token plus its standalone facts. */
typedef struct {
	mtoken tok;
	size_t start, end;      /* the tag's bytes (text: its bytes) */
	size_t line_start;      /* where the text before it really ends */
	size_t body_start;      /* where the text after it really starts */
	bool standalone;
	const char *indent;     /* whitespace before a standalone tag */
	size_t indent_len;
	/* the delimiters in effect after it */
	char otag[MUSTACHE_MAX_DELIM + 1], ctag[MUSTACHE_MAX_DELIM + 1];
} ptoken;

typedef struct {
	ptoken *v;
	size_t n, alloc;
} ptokens;

static int push_token(ptokens *ts, ptoken **out)
{
	if (chancery__grow((void **)&ts->v, &ts->alloc, ts->n + 1,
			sizeof(ptoken)) < 0)
		return CHANCERY_ENOMEM;
	*out = &ts->v[ts->n++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* ---- pass 1: tokens ---------------------------------------------------------- */

/* Where the scanner stands: line numbers are counted once, left to right. */
typedef struct {
	const char *src;
	size_t len;
	size_t line, line_at;   /* the line of `counted`; where it starts */
	size_t counted;         /* newlines seen in [0, counted) */
	char otag[MUSTACHE_MAX_DELIM + 1], ctag[MUSTACHE_MAX_DELIM + 1];
} scanner;

static void count_lines(scanner *sc, size_t upto)
{
	for (size_t k = sc->counted; k < upto; k++)
		if (sc->src[k] == '\n') {
			sc->line++;
			sc->line_at = k + 1;
		}
	sc->counted = upto;
}

/* The scanner's error `found` at the tag that starts at or after pos,
 * with its line and column. */
static int scan_failed(const scanner *sc, const chancery_template *t,
	size_t pos, int found)
{
	mloc loc = { sc->line, 1, NULL, 0, NULL };
	size_t at = pos, line_at = sc->line_at;
	long o = chancery__mustache_find(sc->src, sc->len, pos, sc->otag);
	char why[300];

	if (o >= 0)
		at = (size_t)o;
	for (size_t k = line_at; k < at; k++)
		if (sc->src[k] == '\n') {
			loc.line++;
			line_at = k + 1;
		}
	loc.column = at - line_at + 1;
	snprintf(why, sizeof(why), "%s", chancery_error_last()->message);
	return chancery__mustache_error(t, &loc, found, "%s", why);
}

/* Text tokens for src[pos..end), split after each newline. */
static int push_text(ptokens *ts, const char *src, size_t pos, size_t end)
{
	while (pos < end) {
		const char *nl = memchr(src + pos, '\n', end - pos);
		size_t stop = nl ? (size_t)(nl - src) + 1 : end;
		ptoken *p;

		if (push_token(ts, &p) < 0)
			return CHANCERY_ENOMEM;
		p->tok.text = src + pos;
		p->tok.len = stop - pos;
		p->start = pos;
		p->end = stop;
		pos = stop;
	}
	return 0;
}

/* A tag token for the tag [start, end); a set-delimiter tag changes the
 * scanner's delimiters, which each token records as in effect after it. */
static int push_tag(ptokens *ts, scanner *sc, const chancery_template *t,
	char sigil, const char *name, size_t nlen, size_t start, size_t end)
{
	ptoken *p;
	int error;

	if (push_token(ts, &p) < 0)
		return CHANCERY_ENOMEM;
	p->tok.sigil = sigil;
	p->tok.text = name;
	p->tok.len = nlen;
	p->start = start;
	p->end = end;
	p->line_start = start;
	p->body_start = end;
	count_lines(sc, start);
	p->tok.loc.line = sc->line;
	p->tok.loc.column = start - sc->line_at + 1;
	if (sigil == '=' && (error = chancery__mustache_delims(sc->otag,
			sc->ctag, name, nlen)) < 0) {
		char why[300];

		snprintf(why, sizeof(why), "%s", chancery_error_last()->message);
		return chancery__mustache_error(t, &p->tok.loc, error, "%s", why);
	}
	memcpy(p->otag, sc->otag, sizeof(sc->otag));
	memcpy(p->ctag, sc->ctag, sizeof(sc->ctag));
	return 0;
}

static int tokenize(ptokens *ts, const char *src, size_t len,
	const char *otag, const char *ctag, const chancery_template *t)
{
	scanner sc = { src, len, 1, 0, 0, "", "" };
	size_t pos = 0;
	int error;

	snprintf(sc.otag, sizeof(sc.otag), "%s", otag);
	snprintf(sc.ctag, sizeof(sc.ctag), "%s", ctag);
	while (pos <= len) {
		size_t start = 0, end = 0, nlen = 0;
		const char *name = NULL;
		char sigil = 0;
		int found = pos < len ? chancery__mustache_scan(src, len, pos,
			sc.otag, sc.ctag, &start, &end, &sigil, &name, &nlen) : 0;

		if (found < 0)
			return scan_failed(&sc, t, pos, found);
		if ((error = push_text(ts, src, pos, found > 0 ? start : len)) < 0)
			return error;
		if (found <= 0)
			break;
		if ((error = push_tag(ts, &sc, t, sigil, name, nlen, start,
				end)) < 0)
			return error;
		pos = end;
	}
	return 0;
}

/* ---- pass 2: standalone lines ------------------------------------------- */

static bool standalone_kind(char s)
{
	return s && strchr("#^/!=><$", s) != NULL;
}

static bool multi_kind(char s)
{
	return s && strchr("#^/!=<$", s) != NULL;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/*
 * Standalone lines: a line holding only whitespace and tags that print
 * nothing (sections, inverted, closes, comments, delimiters, parents,
 * blocks; or a single partial) loses its indentation and its line end.
 * Text tokens were split so that each holds at most one '\n', at its end.
 */
static void mark_standalone(ptokens *ts)
{
	size_t i = 0;

	while (i < ts->n) {
		size_t j = i, tags = 0, partials = 0;
		bool ok = true, ends_nl = false;

		/* the line: tokens i..j-1, j past the one ending in '\n' */
		for (; j < ts->n; j++) {
			ptoken *p = &ts->v[j];

			if (!p->tok.sigil) {
				bool nl = p->tok.len && p->tok.text[p->tok.len - 1] == '\n';
				size_t n = p->tok.len - (nl ? 1 : 0);

				if (nl && n && p->tok.text[n - 1] == '\r')
					n--;
				if (!blank(p->tok.text, n))
					ok = false;
				if (nl) {
					ends_nl = true;
					j++;
					break;
				}
			} else {
				tags++;
				if (!standalone_kind(p->tok.sigil))
					ok = false;
				if (p->tok.sigil == '>')
					partials++;
			}
		}
		(void)ends_nl;
		if (ok && tags && (tags == 1 || partials == 0)) {
			const char *indent = NULL;
			size_t ilen = 0, first_tag = 0;
			bool seen = false;

			if (tags > 1)
				for (size_t k = i; k < j; k++)
					if (ts->v[k].tok.sigil &&
					    !multi_kind(ts->v[k].tok.sigil))
						goto next;
			for (size_t k = i; k < j; k++) {
				ptoken *p = &ts->v[k];

				if (p->tok.sigil) {
					if (!seen) {
						first_tag = k;
						seen = true;
					}
					continue;
				}
				if (!seen) {
					/* the indentation */
					indent = p->tok.text;
					ilen = p->tok.len;
				}
				p->tok.len = 0;   /* drop the whitespace */
			}
			for (size_t k = i; k < j; k++) {
				ptoken *p = &ts->v[k];

				if (!p->tok.sigil)
					continue;
				p->standalone = true;
				p->indent = indent ? indent : "";
				p->indent_len = indent ? ilen : 0;
			}
			/* the text after the line's last tag starts on the next
			 * line; the first tag's line starts at the indentation */
			{
				size_t last = j;

				while (last > i && !ts->v[last - 1].tok.sigil)
					last--;
				ts->v[last - 1].body_start = j < ts->n ?
					ts->v[j].start : ts->v[j - 1].end;
				ts->v[first_tag].line_start = ts->v[i].start;
			}
		}
next:
		i = j > i ? j : i + 1;
	}
}

/* ---- the tree (both kinds of template) -------------------------------------- */

typedef struct {
	mnode *node;
	const ptoken *open;   /* text templates: the opening tag's token */
} frame;

typedef struct {
	const chancery_template *t;
	frame *v;             /* v[0] is the root */
	size_t depth, alloc;
} tree;

static int tree_init(tree *tr, mnode *root, const chancery_template *t)
{
	memset(tr, 0, sizeof(*tr));
	tr->t = t;
	if (chancery__grow((void **)&tr->v, &tr->alloc, 1, sizeof(frame)) < 0)
		return CHANCERY_ENOMEM;
	tr->v[0].node = root;
	tr->v[0].open = NULL;
	return 0;
}

static mnode *tree_top(const tree *tr)
{
	return tr->v[tr->depth].node;
}

/* Text into top, merged with a text node just before it. */
static int add_text(mnode *top, const char *s, size_t len)
{
	mnode *n;

	if (top->nkids && top->kids[top->nkids - 1].kind == MN_TEXT) {
		mnode *prev = &top->kids[top->nkids - 1];
		char *m = chancery__realloc(prev->text, prev->len + len + 1);

		if (!m)
			return chancery__oom();
		memcpy(m + prev->len, s, len);
		prev->len += len;
		m[prev->len] = '\0';
		prev->text = m;
		return 0;
	}
	if (add_kid(top, &n) < 0)
		return CHANCERY_ENOMEM;
	n->kind = MN_TEXT;
	n->text = chancery__strndup(s, len);
	n->len = len;
	return n->text ? 0 : chancery__oom();
}

/* The node of a tag that prints or opens something (not '!', '=', '/'). */
static int add_tag(mnode **out, mnode *top, const mtoken *tok)
{
	mnode *n;

	if (add_kid(top, &n) < 0)
		return CHANCERY_ENOMEM;
	*out = n;
	n->loc = tok->loc;
	n->loc.near = tok->loc.near ? chancery__strdup(tok->loc.near) : NULL;
	n->text = chancery__strndup(tok->text, tok->len);
	n->len = tok->len;
	switch (tok->sigil) {
	case 'v': n->kind = MN_VAR; n->escape = true; break;
	case '&': n->kind = MN_VAR; n->escape = false; break;
	case '#': n->kind = MN_SECTION; break;
	case '^': n->kind = MN_INVERTED; break;
	case '>': n->kind = MN_PARTIAL; break;
	case '<': n->kind = MN_PARENT; break;
	case '$': n->kind = MN_BLOCK; break;
	}
	if (!n->text || (tok->loc.near && !n->loc.near))
		return chancery__oom();
	return 0;
}

static bool opens(const mnode *n)
{
	return n->kind == MN_SECTION || n->kind == MN_INVERTED ||
		n->kind == MN_PARENT || n->kind == MN_BLOCK;
}

static int tree_open(tree *tr, mnode *n, const ptoken *open)
{
	if (tr->depth + 1 >= MUSTACHE_MAX_DEPTH)
		return chancery__mustache_error(tr->t, &n->loc, CHANCERY_EINVALID,
			"sections nested deeper than %d", MUSTACHE_MAX_DEPTH);
	if (chancery__grow((void **)&tr->v, &tr->alloc, tr->depth + 2,
			sizeof(frame)) < 0)
		return CHANCERY_ENOMEM;
	tr->depth++;
	tr->v[tr->depth].node = n;
	tr->v[tr->depth].open = open;
	return 0;
}

/* Close the open section with the closing tag `tok`: *out gets its frame. */
static int tree_close(frame *out, tree *tr, const mtoken *tok)
{
	mnode *open = tr->depth ? tr->v[tr->depth].node : NULL;

	if (!open)
		return chancery__mustache_error(tr->t, &tok->loc,
			CHANCERY_EINVALID, "closing '%.*s' without an opening tag",
			(int)tok->len, tok->text);
	if (strlen(open->text) != tok->len ||
	    memcmp(open->text, tok->text, tok->len)) {
		if (open->loc.part)
			return chancery__mustache_error(tr->t, &tok->loc,
				CHANCERY_EINVALID, "closing '%.*s' does not match "
				"the open section '%s' (%s paragraph %zu)",
				(int)tok->len, tok->text, open->text,
				open->loc.part, open->loc.paragraph);
		return chancery__mustache_error(tr->t, &tok->loc,
			CHANCERY_EINVALID, "closing '%.*s' does not match the "
			"open section '%s' (line %zu)", (int)tok->len, tok->text,
			open->text, open->loc.line);
	}
	*out = tr->v[tr->depth--];
	return 0;
}

static int tree_end(tree *tr)
{
	const mnode *open = tree_top(tr);

	if (!tr->depth)
		return 0;
	return chancery__mustache_error(tr->t, &open->loc, CHANCERY_EINVALID,
		"section '%s' is never closed", open->text);
}

/* ---- pass 3: the tree of a text template ------------------------------------ */

/* What closing a block or a parent of a text template settles: a block
 * keeps where its content's source lies (to re-indent it) and the
 * delimiters in force there; a parent keeps only its blocks. */
static void closed(const frame *f, const ptoken *close, const char *src)
{
	mnode *open = f->node;

	if (open->kind == MN_BLOCK) {
		open->src = src;
		open->src_start = f->open->body_start;
		open->src_end = close->line_start;
		open->def_standalone = f->open->standalone;
		memcpy(open->otag, f->open->otag, sizeof(open->otag));
		memcpy(open->ctag, f->open->ctag, sizeof(open->ctag));
	}
	if (open->kind == MN_PARENT) {
		size_t k = 0;

		for (size_t m = 0; m < open->nkids; m++) {
			if (open->kids[m].kind == MN_BLOCK)
				open->kids[k++] = open->kids[m];
			else
				chancery__mnode_dispose(&open->kids[m]);
		}
		open->nkids = k;
	}
}

static int build_text_tree(mnode *root, const ptokens *ts, const char *src,
	const chancery_template *t)
{
	tree tr;
	int error;

	if ((error = tree_init(&tr, root, t)) < 0)
		return error;
	for (size_t i = 0; i < ts->n && !error; i++) {
		const ptoken *p = &ts->v[i];
		frame f;
		mnode *n;

		if (!p->tok.sigil) {
			if (p->tok.len)
				error = add_text(tree_top(&tr), p->tok.text,
					p->tok.len);
			continue;
		}
		if (p->tok.sigil == '!' || p->tok.sigil == '=')
			continue;
		if (p->tok.sigil == '/') {
			if ((error = tree_close(&f, &tr, &p->tok)) == 0)
				closed(&f, p, src);
			continue;
		}
		if ((error = add_tag(&n, tree_top(&tr), &p->tok)) < 0)
			break;
		if (p->standalone && (n->kind == MN_PARTIAL ||
				n->kind == MN_PARENT || n->kind == MN_BLOCK) &&
		    !(n->indent = chancery__strndup(p->indent, p->indent_len)))
			error = chancery__oom();
		if (!error && opens(n))
			error = tree_open(&tr, n, p);
	}
	if (!error)
		error = tree_end(&tr);
	chancery_free(tr.v);
	return error;
}

int chancery__mustache_parse(mnode *root, const char *src, size_t len,
	const char *otag, const char *ctag, const chancery_template *t)
{
	ptokens ts = { 0 };
	int error;

	if ((error = tokenize(&ts, src, len, otag, ctag, t)) == 0) {
		mark_standalone(&ts);
		error = build_text_tree(root, &ts, src, t);
	}
	chancery_free(ts.v);
	return error;
}

/* ---- the tree of an ODT part --------------------------------------------------- */

int chancery__mustache_build(mnode *root, mtoken *toks, size_t n,
	const chancery_template *t)
{
	tree tr;
	int error;

	if ((error = tree_init(&tr, root, t)) < 0)
		return error;
	for (size_t i = 0; i < n && !error; i++) {
		const mtoken *p = &toks[i];
		frame f;
		mnode *m;

		if (p->sigil == '!' || p->sigil == '=')
			continue;
		if (p->sigil == '/') {
			error = tree_close(&f, &tr, p);
			continue;
		}
		if (p->sigil == 0) {
			error = add_text(tree_top(&tr), p->text, p->len);
			continue;
		}
		if (p->sigil == '<') {
			error = chancery__mustache_error(t, &p->loc,
				CHANCERY_EINVALID, "parent templates ({{<%.*s}}) "
				"work in text templates only", (int)p->len, p->text);
			break;
		}
		if ((error = add_tag(&m, tree_top(&tr), p)) == 0 && opens(m))
			error = tree_open(&tr, m, NULL);
	}
	if (!error)
		error = tree_end(&tr);
	chancery_free(tr.v);
	return error;
}
