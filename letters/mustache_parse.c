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
	char otag[MUSTACHE_MAX_DELIM + 1], ctag[MUSTACHE_MAX_DELIM + 1]; /* in effect after it */
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

int chancery__mustache_parse(mnode *root, const char *src, size_t len,
	const char *otag0, const char *ctag0, const chancery_template *t)
{
	ptokens ts = { 0 };
	char otag[MUSTACHE_MAX_DELIM + 1], ctag[MUSTACHE_MAX_DELIM + 1];
	size_t pos = 0, line = 1, line_at = 0, counted = 0; /* newlines seen in [0, counted) */
	mnode **stack = NULL;
	ptoken **opens = NULL;
	size_t depth = 0, adepth = 0, aopens = 0;
	int error = 0;

	snprintf(otag, sizeof(otag), "%s", otag0);
	snprintf(ctag, sizeof(ctag), "%s", ctag0);
	/* 1. tokens, text split after each newline */
	while (pos <= len) {
		size_t start = 0, end = 0, nlen = 0;
		const char *name = NULL;
		char sigil = 0;
		int found = pos < len ? chancery__mustache_scan(src, len, pos, otag, ctag,
			&start, &end, &sigil, &name, &nlen) : 0;
		size_t text_end = found > 0 ? start : len;
		ptoken *p;

		if (found < 0) {
			mloc loc = { line, 1, NULL, 0, NULL };
			size_t at = pos;
			long o = chancery__mustache_find(src, len, pos, otag);
			char why[300];

			if (o >= 0)
				at = (size_t)o;
			for (size_t k = line_at; k < at; k++)
				if (src[k] == '\n') {
					loc.line++;
					line_at = k + 1;
				}
			loc.column = at - line_at + 1;
			snprintf(why, sizeof(why), "%s", chancery_error_last()->message);
			error = chancery__mustache_error(t, &loc, found, "%s", why);
			goto done;
		}
		while (pos < text_end) {
			const char *nl = memchr(src + pos, '\n', text_end - pos);
			size_t stop = nl ? (size_t)(nl - src) + 1 : text_end;

			if ((error = push_token(&ts, &p)) < 0)
				goto done;
			p->tok.text = src + pos;
			p->tok.len = stop - pos;
			p->start = pos;
			p->end = stop;
			pos = stop;
		}
		if (found <= 0)
			break;
		if ((error = push_token(&ts, &p)) < 0)
			goto done;
		p->tok.sigil = sigil;
		p->tok.text = name;
		p->tok.len = nlen;
		p->start = start;
		p->end = end;
		p->line_start = start;
		p->body_start = end;
		for (size_t k = counted; k < start; k++)
			if (src[k] == '\n') {
				line++;
				line_at = k + 1;
			}
		counted = start;
		p->tok.loc.line = line;
		p->tok.loc.column = start - line_at + 1;
		if (sigil == '=') {
			if ((error = chancery__mustache_delims(otag, ctag, name, nlen)) < 0) {
				char why[300];

				snprintf(why, sizeof(why), "%s",
					chancery_error_last()->message);
				error = chancery__mustache_error(t, &p->tok.loc, error, "%s", why);
				goto done;
			}
		}
		memcpy(p->otag, otag, sizeof(otag));
		memcpy(p->ctag, ctag, sizeof(ctag));
		pos = end;
	}
	/* 2. standalone lines */
	mark_standalone(&ts);
	/* 3. the tree */
	if (chancery__grow((void **)&stack, &adepth, 1, sizeof(*stack)) < 0 ||
	    chancery__grow((void **)&opens, &aopens, 1, sizeof(*opens)) < 0) {
		error = CHANCERY_ENOMEM;
		goto done;
	}
	stack[0] = root;
	opens[0] = NULL;
	for (size_t i = 0; i < ts.n; i++) {
		ptoken *p = &ts.v[i];
		mnode *top = stack[depth], *n;

		if (!p->tok.sigil) {
			if (!p->tok.len)
				continue;
			/* merge with the previous text node */
			if (top->nkids && top->kids[top->nkids - 1].kind == MN_TEXT) {
				mnode *prev = &top->kids[top->nkids - 1];
				char *m = chancery__realloc(prev->text,
					prev->len + p->tok.len + 1);

				if (!m) {
					error = chancery__oom();
					goto done;
				}
				memcpy(m + prev->len, p->tok.text, p->tok.len);
				prev->len += p->tok.len;
				m[prev->len] = '\0';
				prev->text = m;
				continue;
			}
			if ((error = add_kid(top, &n)) < 0)
				goto done;
			n->kind = MN_TEXT;
			n->text = chancery__strndup(p->tok.text, p->tok.len);
			n->len = p->tok.len;
			if (!n->text) {
				error = chancery__oom();
				goto done;
			}
			continue;
		}
		if (p->tok.sigil == '!' || p->tok.sigil == '=')
			continue;
		if (p->tok.sigil == '/') {
			mnode *open = depth ? stack[depth] : NULL;

			if (!open) {
				error = chancery__mustache_error(t, &p->tok.loc, CHANCERY_EINVALID,
					"closing '%.*s' without an opening tag",
					(int)p->tok.len, p->tok.text);
				goto done;
			}
			if (strlen(open->text) != p->tok.len ||
			    memcmp(open->text, p->tok.text, p->tok.len)) {
				error = chancery__mustache_error(t, &p->tok.loc, CHANCERY_EINVALID,
					"closing '%.*s' does not match the open section '%s' (line %zu)",
					(int)p->tok.len, p->tok.text, open->text,
					open->loc.line);
				goto done;
			}
			if (open->kind == MN_BLOCK) {
				ptoken *o = opens[depth];

				open->src = src;
				open->src_start = o->body_start;
				open->src_end = p->line_start;
				open->def_standalone = o->standalone;
				memcpy(open->otag, o->otag, sizeof(open->otag));
				memcpy(open->ctag, o->ctag, sizeof(open->ctag));
			}
			if (open->kind == MN_PARENT) {
				/* only the blocks inside a parent count */
				size_t k = 0;

				for (size_t m = 0; m < open->nkids; m++) {
					if (open->kids[m].kind == MN_BLOCK)
						open->kids[k++] = open->kids[m];
					else
						chancery__mnode_dispose(&open->kids[m]);
				}
				open->nkids = k;
			}
			depth--;
			continue;
		}
		if ((error = add_kid(top, &n)) < 0)
			goto done;
		n->loc = p->tok.loc;
		n->text = chancery__strndup(p->tok.text, p->tok.len);
		n->len = p->tok.len;
		if (!n->text) {
			error = chancery__oom();
			goto done;
		}
		switch (p->tok.sigil) {
		case 'v': n->kind = MN_VAR; n->escape = true; break;
		case '&': n->kind = MN_VAR; n->escape = false; break;
		case '#': n->kind = MN_SECTION; break;
		case '^': n->kind = MN_INVERTED; break;
		case '>': n->kind = MN_PARTIAL; break;
		case '<': n->kind = MN_PARENT; break;
		case '$': n->kind = MN_BLOCK; break;
		}
		if (p->standalone && (n->kind == MN_PARTIAL || n->kind == MN_PARENT ||
				n->kind == MN_BLOCK)) {
			n->indent = chancery__strndup(p->indent, p->indent_len);
			if (!n->indent) {
				error = chancery__oom();
				goto done;
			}
		}
		if (n->kind == MN_SECTION || n->kind == MN_INVERTED ||
		    n->kind == MN_PARENT || n->kind == MN_BLOCK) {
			if (depth + 1 >= MUSTACHE_MAX_DEPTH) {
				error = chancery__mustache_error(t, &p->tok.loc, CHANCERY_EINVALID,
					"sections nested deeper than %d", MUSTACHE_MAX_DEPTH);
				goto done;
			}
			if (chancery__grow((void **)&stack, &adepth, depth + 2,
					sizeof(*stack)) < 0 ||
			    chancery__grow((void **)&opens, &aopens, depth + 2,
					sizeof(*opens)) < 0) {
				error = CHANCERY_ENOMEM;
				goto done;
			}
			stack[++depth] = n;
			opens[depth] = p;
		}
	}
	if (depth) {
		error = chancery__mustache_error(t, &stack[depth]->loc, CHANCERY_EINVALID,
			"section '%s' is never closed", stack[depth]->text);
		goto done;
	}
done:
	chancery_free(stack);
	chancery_free(opens);
	chancery_free(ts.v);
	return error;
}

int chancery__mustache_build(mnode *root, mtoken *toks, size_t n,
	const chancery_template *t)
{
	mnode **stack = NULL;
	size_t depth = 0, adepth = 0;
	int error = 0;

	if (chancery__grow((void **)&stack, &adepth, 1, sizeof(*stack)) < 0)
		return CHANCERY_ENOMEM;
	stack[0] = root;
	for (size_t i = 0; i < n; i++) {
		mtoken *p = &toks[i];
		mnode *top = stack[depth], *m;

		if (p->sigil == '!' || p->sigil == '=')
			continue;
		if (p->sigil == '/') {
			mnode *open = depth ? stack[depth] : NULL;

			if (!open) {
				error = chancery__mustache_error(t, &p->loc, CHANCERY_EINVALID,
					"closing '%.*s' without an opening tag",
					(int)p->len, p->text);
				goto done;
			}
			if (strlen(open->text) != p->len ||
			    memcmp(open->text, p->text, p->len)) {
				error = chancery__mustache_error(t, &p->loc, CHANCERY_EINVALID,
					"closing '%.*s' does not match the open section '%s' (%s paragraph %zu)",
					(int)p->len, p->text, open->text,
					open->loc.part ? open->loc.part : "",
					open->loc.paragraph);
				goto done;
			}
			depth--;
			continue;
		}
		if (p->sigil == 0 && top->nkids &&
		    top->kids[top->nkids - 1].kind == MN_TEXT) {
			mnode *prev = &top->kids[top->nkids - 1];
			char *m2 = chancery__realloc(prev->text, prev->len + p->len + 1);

			if (!m2) {
				error = chancery__oom();
				goto done;
			}
			memcpy(m2 + prev->len, p->text, p->len);
			prev->len += p->len;
			m2[prev->len] = '\0';
			prev->text = m2;
			continue;
		}
		if ((error = add_kid(top, &m)) < 0)
			goto done;
		m->loc = p->loc;
		m->loc.near = p->loc.near ? chancery__strdup(p->loc.near) : NULL;
		m->text = chancery__strndup(p->text, p->len);
		m->len = p->len;
		if (!m->text || (p->loc.near && !m->loc.near)) {
			error = chancery__oom();
			goto done;
		}
		switch (p->sigil) {
		case 0: m->kind = MN_TEXT; break;
		case 'v': m->kind = MN_VAR; m->escape = true; break;
		case '&': m->kind = MN_VAR; m->escape = false; break;
		case '#': m->kind = MN_SECTION; break;
		case '^': m->kind = MN_INVERTED; break;
		case '>': m->kind = MN_PARTIAL; break;
		case '<':
			error = chancery__mustache_error(t, &p->loc, CHANCERY_EINVALID,
				"parent templates ({{<%.*s}}) work in text templates only",
				(int)p->len, p->text);
			goto done;
		case '$': m->kind = MN_BLOCK; break;
		}
		if (m->kind == MN_SECTION || m->kind == MN_INVERTED ||
		    m->kind == MN_BLOCK) {
			if (depth + 1 >= MUSTACHE_MAX_DEPTH) {
				error = chancery__mustache_error(t, &p->loc, CHANCERY_EINVALID,
					"sections nested deeper than %d", MUSTACHE_MAX_DEPTH);
				goto done;
			}
			if (chancery__grow((void **)&stack, &adepth, depth + 2,
					sizeof(*stack)) < 0) {
				error = CHANCERY_ENOMEM;
				goto done;
			}
			stack[++depth] = m;
		}
	}
	if (depth)
		error = chancery__mustache_error(t, &stack[depth]->loc, CHANCERY_EINVALID,
			"section '%s' is never closed", stack[depth]->text);
done:
	chancery_free(stack);
	return error;
}
