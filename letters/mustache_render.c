/*
 * mustache_render.c - the Mustache renderer: walking a syntax tree with
 * the data, writing into a buffer.
 *
 * MN_TEXT nodes are written out as they are: plain text for text
 * templates, ready-made XML for ODT parts. Values are escaped by the
 * template's mode: HTML for text (as the specification says), ODF text for
 * ODT (XML-escaped always, even for {{{x}}} and {{&x}}, newlines as
 * <text:line-break/>, tabs as <text:tab/>, runs of spaces as <text:s/>;
 * characters XML forbids are refused). A text partial inside a document is
 * rendered as text and inserted as one value, so it can never inject
 * markup.
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
 * alone is re-indented by re-compiling its source (cached per indentation,
 * in the template, under its lock: a template renders in many threads).
 *
 * Work is capped per document (MUSTACHE_MAX_STEPS, letters.h): every node
 * visited and every item a section repeats for is a step, so nested
 * sections and fanning partials stop with an error instead of running for
 * hours while printing nothing. The data is only read, never changed.
 *
 * Left out on purpose: lambdas (data is JSON, it has no code) and dynamic
 * names.
 */
#include "letters.h"

#include <string.h>
#include <stdlib.h>

typedef struct {
	const mnode **blocks; /* the overrides a parent call passes */
	size_t n;
} override_frame;

typedef struct {
	const chancery_template *t;
	chancery_buf *out;
	const json_t *stack[MUSTACHE_MAX_DEPTH + 1];
	size_t depth;
	override_frame frames[MUSTACHE_MAX_DEPTH];
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

static bool falsey(const json_t *v)
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
static const json_t *lookup(rctx *c, const char *name)
{
	const json_t *v = NULL;
	char key[256];

	if (!strcmp(name, "."))
		return c->stack[c->depth];
	if (!next_part(key, sizeof(key), name, &name))
		return NULL;
	for (size_t i = c->depth + 1; i-- > 0;) {
		const json_t *ctx = c->stack[i];

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
	const json_t *v = lookup(c, n->text);
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

static int push(rctx *c, const json_t *v, const mnode *n)
{
	if (c->depth + 1 >= MUSTACHE_MAX_DEPTH)
		return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
			"data nested deeper than %d", MUSTACHE_MAX_DEPTH);
	c->stack[++c->depth] = v;
	return 0;
}

static int render_section(rctx *c, const mnode *n)
{
	const json_t *v = lookup(c, n->text);
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
			if (!mustache_is_space(p[k]))
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
	if ((error = chancery__mustache_parse(e->root, e->source, clen, otag,
			ctag, t)) < 0) {
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

	if (c->calls >= MUSTACHE_MAX_DEPTH)
		return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
			"partials call each other deeper than %d", MUSTACHE_MAX_DEPTH);
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

	if (c->calls >= MUSTACHE_MAX_DEPTH || c->nframes >= MUSTACHE_MAX_DEPTH)
		return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
			"parents call each other deeper than %d", MUSTACHE_MAX_DEPTH);
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
	if (c->calls >= MUSTACHE_MAX_DEPTH)
		return chancery__mustache_error(c->t, &n->loc, CHANCERY_EINVALID,
			"blocks nested deeper than %d", MUSTACHE_MAX_DEPTH);
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
	const mnode *root, const json_t *data, mbudget *budget)
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
