/*
 * mustache.c - the Mustache language: the tag scanner, the parser of text
 * templates (with the specification's standalone-line rules), the tree
 * builder shared with ODT templates, and the renderer.
 *
 * The renderer walks a syntax tree whose MN_TEXT nodes are written out as
 * they are: plain text for text templates, ready-made XML for ODT parts.
 * Values are escaped by the template's mode: HTML for text (as the
 * specification says), ODF text for ODT (XML-escaped always, even for
 * {{{x}}} and {{&x}}, newlines as <text:line-break/>, tabs as <text:tab/>,
 * runs of spaces as <text:s/>; characters XML forbids are refused).
 *
 * Names: "." is the current item; "a.b.c" finds "a" up the context stack,
 * then walks b and c inside it only. Falsey: false, null, 0, "", [] (as
 * in mustache.js, so {{#count}} hides what a count of 0 has not). Strict
 * mode (the default) makes a name that is not found an error for
 * variables, sections, partials and parents; inverted sections treat it as
 * false. Lenient mode renders it empty, as the specification does.
 *
 * Inheritance (parents and blocks) follows the optional ~inheritance
 * module, including re-indentation of blocks: a block whose tags stand
 * alone is re-indented by re-compiling its source (cached per indentation).
 *
 * Work is capped per document (MUSTACHE_MAX_STEPS, letters.h): every node
 * visited and every item a section repeats for is a step, so nested
 * sections and fanning partials stop with an error instead of running for
 * hours while printing nothing.
 *
 * Left out on purpose: lambdas (data is JSON, it has no code) and dynamic
 * names.
 */
#include "letters.h"

#include <string.h>
#include <stdlib.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#define MAX_DEPTH 256        /* nested sections and partial calls */
#define MAX_DELIM 15

/* ---- errors ------------------------------------------------------------- */

int chancery__mustache_error(const chancery_template *t, const mloc *loc, int code,
	const char *fmt, ...)
{
	char msg[600], where[400] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (loc && loc->part)
		snprintf(where, sizeof(where), "%s paragraph %zu%s%.60s%s: ",
			loc->part, loc->paragraph, loc->near ? " ('" : "",
			loc->near ? loc->near : "", loc->near ? "')" : "");
	else if (loc && loc->line)
		snprintf(where, sizeof(where), "line %zu, column %zu: ",
			loc->line, loc->column);
	return chancery__error(code, "template '%s': %s%s",
		t && t->name ? t->name : "(text)", where, msg);
}

/* ---- the tag scanner ------------------------------------------------------ */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Find the closing delimiter with PCRE2: the first `close` after `from`.
 * A literal search, but through the library that does regular expressions
 * well, so that delimiters of any bytes are matched exactly. */
static long find_literal(const char *s, size_t len, size_t from,
	const char *lit)
{
	pcre2_code *re;
	pcre2_match_data *md;
	int err;
	PCRE2_SIZE off;
	long at = -1;

	re = pcre2_compile((PCRE2_SPTR)lit, PCRE2_ZERO_TERMINATED,
		PCRE2_LITERAL, &err, &off, NULL);
	if (!re)
		return -2;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	if (md && pcre2_match(re, (PCRE2_SPTR)s, len, from, 0, md, NULL) > 0)
		at = (long)pcre2_get_ovector_pointer(md)[0];
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return at;
}

int chancery__mustache_scan(const char *s, size_t len, size_t from, const char *otag,
	const char *ctag, size_t *start, size_t *end, char *sigil,
	const char **name, size_t *nlen)
{
	size_t olen = strlen(otag), clen = strlen(ctag);
	long open = find_literal(s, len, from, otag), close;
	size_t p, q;
	bool triple = false;

	if (open == -2)
		return chancery__oom();
	if (open < 0)
		return 0;
	*start = (size_t)open;
	p = (size_t)open + olen;
	if (p < len && s[p] == '{' && !strcmp(otag, "{{")) {
		triple = true;
		p++;
	}
	/* the closing delimiter: for {{{x}}} it is "}" + ctag */
	if (triple) {
		char tc[MAX_DELIM + 2];

		snprintf(tc, sizeof(tc), "}%s", ctag);
		close = find_literal(s, len, p, tc);
		if (close >= 0) {
			q = (size_t)close;
			*end = q + 1 + clen;
		}
	} else {
		close = find_literal(s, len, p, ctag);
		if (close >= 0) {
			q = (size_t)close;
			*end = q + clen;
		}
	}
	if (close == -2)
		return chancery__oom();
	if (close < 0)
		return chancery__error(CHANCERY_EINVALID, "unclosed tag");
	/* the tag's content s[p..q) */
	while (p < q && is_space(s[p]))
		p++;
	if (triple) {
		*sigil = '&';
	} else if (p < q && strchr("#^/!=><$&", s[p])) {
		*sigil = s[p++];
	} else {
		*sigil = 'v';
	}
	if (*sigil == '!') {
		*name = s + p;
		*nlen = q - p;
		return 1;
	}
	if (*sigil == '=') {
		/* "=<% %>=" : content up to the closing '=' */
		size_t r = q;

		while (r > p && is_space(s[r - 1]))
			r--;
		if (r == p || s[r - 1] != '=')
			return chancery__error(CHANCERY_EINVALID,
				"a set-delimiter tag must end with '='");
		*name = s + p;
		*nlen = r - 1 - p;
		return 1;
	}
	while (p < q && is_space(s[p]))
		p++;
	while (q > p && is_space(s[q - 1]))
		q--;
	if (p == q)
		return chancery__error(CHANCERY_EINVALID, "empty tag");
	for (size_t i = p; i < q; i++)
		if (is_space(s[i]))
			return chancery__error(CHANCERY_EINVALID,
				"a name cannot contain spaces ('%.*s')",
				(int)(q - p > 40 ? 40 : q - p), s + p);
	*name = s + p;
	*nlen = q - p;
	return 1;
}

/* The next word of spec[*at..len) into out (at most MAX_DELIM bytes). */
static bool delim_word(char *out, const char *spec, size_t len, size_t *at)
{
	size_t a = *at, b;

	while (a < len && is_space(spec[a]))
		a++;
	for (b = a; b < len && !is_space(spec[b]); b++)
		;
	if (b == a || b - a > MAX_DELIM)
		return false;
	memcpy(out, spec + a, b - a);
	out[b - a] = '\0';
	*at = b;
	return true;
}

int chancery__mustache_delims(char *otag, char *ctag, const char *spec, size_t len)
{
	size_t at = 0;

	if (!delim_word(otag, spec, len, &at) || !delim_word(ctag, spec, len, &at))
		goto bad;
	for (size_t k = at; k < len; k++)
		if (!is_space(spec[k]))
			goto bad;
	if (strchr(otag, '=') || strchr(ctag, '='))
		goto bad;
	return 0;
bad:
	return chancery__error(CHANCERY_EINVALID,
		"bad delimiters '%.*s' (two words without spaces or '=', at most %d bytes each)",
		(int)(len > 40 ? 40 : len), spec, MAX_DELIM);
}

/* ---- the tree builder -------------------------------------------------------- */

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
	char otag[MAX_DELIM + 1], ctag[MAX_DELIM + 1]; /* in effect after it */
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

/* Common leading whitespace of the non-blank lines of s[0..n). */
static size_t common_indent(const char *s, size_t n, const char **first)
{
	size_t best = (size_t)-1;
	const char *p = s, *end = s + n;

	*first = NULL;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t w = 0;

		if (!eol)
			eol = end;
		while (p + w < eol && (p[w] == ' ' || p[w] == '\t'))
			w++;
		if (p + w < eol && !(p + w + 1 == eol && p[w] == '\r')) {
			if (!*first)
				*first = p;
			if (w < best)
				best = w;
		}
		p = eol + 1;
	}
	return best == (size_t)-1 ? 0 : best;
}

int chancery__mustache_parse(mnode *root, const char *src, size_t len,
	const char *otag0, const char *ctag0, const chancery_template *t)
{
	ptokens ts = { 0 };
	char otag[MAX_DELIM + 1], ctag[MAX_DELIM + 1];
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
			long o = find_literal(src, len, pos, otag);
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
			if (depth + 1 >= MAX_DEPTH) {
				error = chancery__mustache_error(t, &p->tok.loc, CHANCERY_EINVALID,
					"sections nested deeper than %d", MAX_DEPTH);
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
			if (depth + 1 >= MAX_DEPTH) {
				error = chancery__mustache_error(t, &p->loc, CHANCERY_EINVALID,
					"sections nested deeper than %d", MAX_DEPTH);
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

/* ---- rendering ------------------------------------------------------------------ */

typedef struct {
	const mnode **blocks; /* the overrides a parent call passes */
	size_t n;
} override_frame;

typedef struct {
	const chancery_template *t;
	chancery_buf *out;
	json_t *stack[MAX_DEPTH + 1];
	size_t depth;
	override_frame frames[MAX_DEPTH];
	size_t nframes;
	size_t calls;       /* partial/parent/block nesting */
	bool plain;         /* values as they are: a partial inside ODT */
	mbudget *budget;
	const mnode *sub;   /* the partial, parent or block being rendered */
} rctx;

/* One step of work at node n (see MUSTACHE_MAX_STEPS). */
static int step(rctx *c, const mnode *n)
{
	size_t max = MUSTACHE_MAX_STEPS;

	if (++c->budget->steps <= max)
		return 0;
	if (c->sub)   /* n's place is in the sub-template's own source */
		return chancery__mustache_error(c->t, NULL, CHANCERY_EINVALID,
			"needs more than %zu steps to render (limit %zu): "
			"sections or partials repeat too often (in %s '%s', "
			"line %zu, column %zu)", max, max,
			c->sub->kind == MN_BLOCK ? "block" :
			c->sub->kind == MN_PARENT ? "parent" : "partial",
			c->sub->text, n->loc.line, n->loc.column);
	return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
		"needs more than %zu steps to render (limit %zu): sections or "
		"partials repeat too often", max, max);
}

static bool falsey(json_t *v)
{
	return !v || json_is_false(v) || json_is_null(v) ||
		(json_is_array(v) && json_array_size(v) == 0) ||
		(json_is_string(v) && json_string_length(v) == 0) ||
		(json_is_integer(v) && json_integer_value(v) == 0) ||
		(json_is_real(v) && json_real_value(v) == 0.0);
}

/* The first part of a dotted name into key; *rest gets what follows the
 * dot, or NULL after the last part. False when the part is too long. */
static bool next_part(char *key, size_t size, const char *name,
	const char **rest)
{
	const char *dot = strchr(name, '.');
	size_t n = dot ? (size_t)(dot - name) : strlen(name);

	if (n >= size)
		return false;
	memcpy(key, name, n);
	key[n] = '\0';
	*rest = dot ? dot + 1 : NULL;
	return true;
}

/* Resolve a name; NULL when it is not found. */
static json_t *lookup(rctx *c, const char *name)
{
	json_t *v = NULL;
	char key[256];

	if (!strcmp(name, "."))
		return c->stack[c->depth];
	if (!next_part(key, sizeof(key), name, &name))
		return NULL;
	for (size_t i = c->depth + 1; i-- > 0;) {
		json_t *ctx = c->stack[i];

		if (json_is_object(ctx) && (v = json_object_get(ctx, key)))
			break;
	}
	while (v && name) {
		if (!next_part(key, sizeof(key), name, &name))
			return NULL;
		v = json_is_object(v) ? json_object_get(v, key) : NULL;
	}
	return v;
}

/* Shortest text that reads back as the same double. */
static void format_real(char *buf, size_t size, double d)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

static int put_html(chancery_buf *out, const char *s, size_t n)
{
	int error = 0;
	size_t run = 0;

	for (size_t i = 0; i < n && !error; i++) {
		const char *rep = NULL;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		default: continue;
		}
		error = chancery_buf_put(out, s + run, i - run);
		if (!error)
			error = chancery_buf_puts(out, rep);
		run = i + 1;
	}
	return error ? error : chancery_buf_put(out, s + run, n - run);
}

/* ODF text: XML-escaped, line breaks, tabs, runs of spaces. */
static int put_odf(rctx *c, const mnode *n, const char *s, size_t len)
{
	chancery_buf *out = c->out;
	int error = 0;
	size_t i = 0;

	if (!chancery__utf8_valid(s, len, true))
		return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
			"the value of '%s' holds characters XML does not allow",
			n->text);
	while (i < len && !error) {
		unsigned char ch = (unsigned char)s[i];

		switch (ch) {
		case '&': error = chancery_buf_puts(out, "&amp;"); break;
		case '<': error = chancery_buf_puts(out, "&lt;"); break;
		case '>': error = chancery_buf_puts(out, "&gt;"); break;
		case '"': error = chancery_buf_puts(out, "&quot;"); break;
		case '\t': error = chancery_buf_puts(out, "<text:tab/>"); break;
		case '\r':
			if (i + 1 < len && s[i + 1] == '\n')
				i++;
			/* fall through */
		case '\n': error = chancery_buf_puts(out, "<text:line-break/>"); break;
		case ' ': {
			size_t run = 1;

			while (i + run < len && s[i + run] == ' ')
				run++;
			error = chancery_buf_putc(out, ' ');
			if (!error && run > 1)
				error = run == 2 ?
					chancery_buf_puts(out, "<text:s/>") :
					chancery_buf_printf(out,
						"<text:s text:c=\"%zu\"/>", run - 1);
			i += run;
			continue;
		}
		default: {
			/* U+FFFE and U+FFFF are not XML characters */
			if (ch == 0xef && i + 2 < len &&
			    (unsigned char)s[i + 1] == 0xbf &&
			    ((unsigned char)s[i + 2] & 0xfe) == 0xbe)
				return chancery__mustache_error(c->t, &n->loc,
					CHANCERY_EINVALID,
					"the value of '%s' holds characters XML does not allow",
					n->text);
			{
				size_t j = i + 1;

				while (j < len && !strchr("&<>\"\t\r\n ", s[j]) &&
				       (unsigned char)s[j] != 0xef)
					j++;
				error = chancery_buf_put(out, s + i, j - i);
				i = j;
				continue;
			}
		}
		}
		i++;
	}
	return error;
}

static int missing(rctx *c, const mnode *n, const char *what)
{
	return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
		"%s '%s' is not in the data (use --lenient to render it empty)",
		what, n->text);
}

static int render_nodes(rctx *c, const mnode *kids, size_t n);

static int render_var(rctx *c, const mnode *n)
{
	json_t *v = lookup(c, n->text);
	char num[64];
	const char *s = NULL;
	size_t len = 0;

	if (!v) {
		if (!c->t->lenient)
			return missing(c, n, "variable");
		return 0;
	}
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		len = json_string_length(v);
		break;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
			json_integer_value(v));
		s = num;
		len = strlen(num);
		break;
	case JSON_REAL:
		format_real(num, sizeof(num), json_real_value(v));
		s = num;
		len = strlen(num);
		break;
	case JSON_TRUE: s = "true"; len = 4; break;
	case JSON_FALSE: s = "false"; len = 5; break;
	case JSON_NULL: return 0;
	default:
		if (c->t->lenient)
			return 0;
		return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
			"'%s' is %s, not text: use it as a section",
			n->text, json_is_array(v) ? "a list" : "an object");
	}
	if (c->plain)
		return chancery_buf_put(c->out, s, len);
	if (c->t->escape == ESC_ODF)
		return put_odf(c, n, s, len);
	return n->escape ? put_html(c->out, s, len) :
		chancery_buf_put(c->out, s, len);
}

static int push(rctx *c, json_t *v, const mnode *n)
{
	if (c->depth + 1 >= MAX_DEPTH)
		return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
			"data nested deeper than %d", MAX_DEPTH);
	c->stack[++c->depth] = v;
	return 0;
}

static int render_section(rctx *c, const mnode *n)
{
	json_t *v = lookup(c, n->text);
	int error = 0;

	if (n->kind == MN_INVERTED)
		return falsey(v) ? render_nodes(c, n->kids, n->nkids) : 0;
	if (!v && !c->t->lenient)
		return missing(c, n, "section");
	if (falsey(v))
		return 0;
	if (json_is_array(v)) {
		size_t i;
		json_t *item;

		json_array_foreach(v, i, item) {
			if ((error = step(c, n)) < 0 ||
			    (error = push(c, item, n)) < 0)
				return error;
			error = render_nodes(c, n->kids, n->nkids);
			c->depth--;
			if (error)
				return error;
		}
		return 0;
	}
	if ((error = push(c, v, n)) < 0)
		return error;
	error = render_nodes(c, n->kids, n->nkids);
	c->depth--;
	return error;
}

/* Source with `indent` put before every line (not after a final '\n'). */
static char *indent_source(const char *s, size_t n, const char *indent,
	bool skip_blank, size_t dedent, size_t *out_len)
{
	chancery_buf b = CHANCERY_BUF_INIT;
	const char *p = s, *end = s + n;
	int error = 0;

	while (p < end && !error) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = eol ? (size_t)(eol - p + 1) : (size_t)(end - p);
		size_t skip = 0;
		bool is_blank = true;

		for (size_t k = 0; k < ll; k++)
			if (!is_space(p[k]))
				is_blank = false;
		while (skip < dedent && skip < ll && (p[skip] == ' ' ||
				p[skip] == '\t'))
			skip++;
		if (!(skip_blank && is_blank))
			error = chancery_buf_puts(&b, indent);
		if (!error)
			error = chancery_buf_put(&b, p + skip, ll - skip);
		p += ll;
	}
	if (error) {
		chancery_buf_dispose(&b);
		return NULL;
	}
	*out_len = b.size;
	return chancery_buf_detach(&b);
}

/* Compiled sub-template for (node or name, indent); cached in the template. */
static int cached(const mnode **out, rctx *c, const void *node,
	const char *name, const char *indent, const char *src, size_t len,
	size_t dedent, const char *otag, const char *ctag, bool skip_blank)
{
	chancery_template *t = (chancery_template *)c->t;
	mcache_entry *e = NULL;
	char *copy = NULL;
	size_t clen = 0;
	int error = 0;

	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->ncache; i++) {
		mcache_entry *x = &t->cache[i];

		if (x->key_node == node &&
		    ((!name && !x->key_name) || (name && x->key_name &&
			!strcmp(name, x->key_name))) &&
		    !strcmp(indent, x->key_indent)) {
			*out = x->root;
			pthread_mutex_unlock(&t->lock);
			return 0;
		}
	}
	copy = indent[0] || dedent ?
		indent_source(src, len, indent, skip_blank, dedent, &clen) :
		chancery__strndup(src, len);
	if (!indent[0] && !dedent)
		clen = len;
	if (!copy) {
		error = chancery__oom();
		goto done;
	}
	if (chancery__grow((void **)&t->cache, &t->acache, t->ncache + 1,
			sizeof(*t->cache)) < 0) {
		error = CHANCERY_ENOMEM;
		goto done;
	}
	e = &t->cache[t->ncache];
	memset(e, 0, sizeof(*e));
	e->key_node = node;
	e->key_name = name ? chancery__strdup(name) : NULL;
	e->key_indent = chancery__strdup(indent);
	e->root = chancery__calloc(1, sizeof(mnode));
	if ((name && !e->key_name) || !e->key_indent || !e->root) {
		chancery_free(e->key_name);
		chancery_free(e->key_indent);
		chancery_free(e->root);
		error = chancery__oom();
		goto done;
	}
	e->source = copy;
	copy = NULL;
	if ((error = chancery__mustache_parse(e->root, e->source, clen, otag, ctag,
			t)) < 0) {
		chancery__mnode_dispose(e->root);
		chancery_free(e->root);
		chancery_free(e->key_name);
		chancery_free(e->key_indent);
		chancery_free(e->source);
		goto done;
	}
	t->ncache++;
	*out = e->root;
done:
	chancery_free(copy);
	pthread_mutex_unlock(&t->lock);
	return error;
}

static int load_partial(const mnode **out, rctx *c, const mnode *n)
{
	char *src = NULL;
	size_t len = 0;
	int error;
	const char *indent = n->indent ? n->indent : "";

	*out = NULL;
	/* already compiled? (the source is only fetched once) */
	{
		chancery_template *t = (chancery_template *)c->t;

		pthread_mutex_lock(&t->lock);
		for (size_t i = 0; i < t->ncache; i++)
			if (!t->cache[i].key_node && t->cache[i].key_name &&
			    !strcmp(t->cache[i].key_name, n->text) &&
			    !strcmp(t->cache[i].key_indent, indent)) {
				*out = t->cache[i].root;
				break;
			}
		pthread_mutex_unlock(&t->lock);
		if (*out)
			return 0;
	}
	if (!c->t->partials ||
	    c->t->partials(&src, &len, n->text, c->t->payload) < 0) {
		chancery_error_clear();
		if (!c->t->lenient)
			return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
				"no partial '%s'", n->text);
		return 1;
	}
	error = cached(out, c, NULL, n->text, indent, src, len, 0, "{{", "}}",
		false);
	free(src);
	return error;
}

static int render_partial(rctx *c, const mnode *n)
{
	const mnode *root, *outer = c->sub;
	int error;

	if (c->calls >= MAX_DEPTH)
		return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
			"partials call each other deeper than %d", MAX_DEPTH);
	if ((error = load_partial(&root, c, n)) != 0)
		return error > 0 ? 0 : error;
	c->calls++;
	c->sub = n;
	if (c->t->escape == ESC_ODF && !c->plain) {
		/* a text partial inside a document: rendered as text, then
		 * inserted as one value (it can never inject markup) */
		chancery_buf tmp = CHANCERY_BUF_INIT, *saved = c->out;

		c->out = &tmp;
		c->plain = true;
		error = render_nodes(c, root->kids, root->nkids);
		c->plain = false;
		c->out = saved;
		if (!error)
			error = put_odf(c, n, tmp.ptr ? tmp.ptr : "", tmp.size);
		chancery_buf_dispose(&tmp);
	} else {
		error = render_nodes(c, root->kids, root->nkids);
	}
	c->sub = outer;
	c->calls--;
	return error;
}

static int render_parent(rctx *c, const mnode *n)
{
	const mnode *root, *outer = c->sub;
	override_frame *f;
	int error;

	if (c->calls >= MAX_DEPTH || c->nframes >= MAX_DEPTH)
		return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
			"parents call each other deeper than %d", MAX_DEPTH);
	if ((error = load_partial(&root, c, n)) != 0)
		return error > 0 ? 0 : error;
	f = &c->frames[c->nframes++];
	f->n = n->nkids;
	f->blocks = chancery__calloc(n->nkids ? n->nkids : 1, sizeof(mnode *));
	if (!f->blocks) {
		c->nframes--;
		return chancery__oom();
	}
	for (size_t i = 0; i < n->nkids; i++)
		f->blocks[i] = &n->kids[i];
	c->calls++;
	c->sub = n;
	error = render_nodes(c, root->kids, root->nkids);
	c->sub = outer;
	c->calls--;
	chancery_free(f->blocks);
	c->nframes--;
	return error;
}

static int render_block(rctx *c, const mnode *n)
{
	const mnode *chosen = n;
	char indent[256];
	const char *first;
	size_t before, dedent;
	const mnode *root, *outer = c->sub;
	int error;

	/* the outermost override wins */
	for (size_t f = 0; f < c->nframes && chosen == n; f++)
		for (size_t i = 0; i < c->frames[f].n; i++)
			if (!strcmp(c->frames[f].blocks[i]->text, n->text)) {
				chosen = c->frames[f].blocks[i];
				break;
			}
	if (!chosen->src || (!n->indent && !chosen->def_standalone))
		return render_nodes(c, chosen->kids, chosen->nkids);
	/* Indentation is removed where a block is defined (when its opening
	 * tag stands alone) and added where it is expanded (when that tag
	 * stands alone: the default content's own indentation, if it has
	 * any, else the tag's). */
	indent[0] = '\0';
	if (n->indent) {
		size_t d = common_indent(n->src + n->src_start,
			n->src_end - n->src_start, &first);

		if (first)
			snprintf(indent, sizeof(indent), "%.*s", (int)d, first);
		else
			snprintf(indent, sizeof(indent), "%s", n->indent);
	}
	dedent = 0;
	if (chosen->def_standalone)
		dedent = common_indent(chosen->src + chosen->src_start,
			chosen->src_end - chosen->src_start, &first);
	if (c->calls >= MAX_DEPTH)
		return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
			"blocks nested deeper than %d", MAX_DEPTH);
	if ((error = cached(&root, c, chosen, NULL, indent,
			chosen->src + chosen->src_start,
			chosen->src_end - chosen->src_start, dedent, chosen->otag,
			chosen->ctag, true)) < 0)
		return error;
	before = c->out->size;
	c->calls++;
	c->sub = n;
	error = render_nodes(c, root->kids, root->nkids);
	c->sub = outer;
	c->calls--;
	if (!error && n->indent && c->out->size > before &&
	    c->out->ptr[c->out->size - 1] != '\n')
		error = chancery_buf_putc(c->out, '\n');
	return error;
}

static int render_nodes(rctx *c, const mnode *kids, size_t n)
{
	int error = 0;

	for (size_t i = 0; i < n && !error; i++) {
		const mnode *k = &kids[i];

		if ((error = step(c, k)) < 0)
			break;
		switch (k->kind) {
		case MN_TEXT:
			error = chancery_buf_put(c->out, k->text, k->len);
			break;
		case MN_VAR:
			error = render_var(c, k);
			break;
		case MN_SECTION:
		case MN_INVERTED:
			error = render_section(c, k);
			break;
		case MN_PARTIAL:
			error = render_partial(c, k);
			break;
		case MN_PARENT:
			error = render_parent(c, k);
			break;
		case MN_BLOCK:
			error = render_block(c, k);
			break;
		}
	}
	return error;
}

int chancery__mustache_render(chancery_buf *out, const chancery_template *t,
	const mnode *root, json_t *data, mbudget *budget)
{
	rctx *c = chancery__calloc(1, sizeof(*c));
	mbudget own = { 0 };
	int error;

	if (!c)
		return chancery__oom();
	c->t = t;
	c->out = out;
	c->stack[0] = data;
	c->budget = budget ? budget : &own;
	error = render_nodes(c, root->kids, root->nkids);
	chancery_free(c);
	return error;
}
