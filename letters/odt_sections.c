/*
 * odt_sections.c - placing the sections of an ODT part, once its tags are
 * markers (odt_tags.c): what a section repeats, and which paragraph, row
 * or list item goes with a tag.
 *
 * Both tags in one paragraph repeat inline text (the markers are lifted
 * out of spans to a common parent, splitting the spans); tags in table rows
 * repeat the rows, tags in list items repeat the items; tags that each
 * stand alone in a paragraph repeat every block between them. A tag's
 * paragraph, row or item goes only when it is bare (nothing in it but the
 * tag, blank text and markup that shows nothing): one holding a frame, a
 * picture, a note or another tag stays, so nothing but the tag is lost and
 * no node holding another tag is ever freed. A comment or a change of
 * delimiters alone in its paragraph takes the paragraph with it.
 *
 * The last check before the part is cut: each section's two markers are
 * siblings, so that what lies between them is whole elements and repeating
 * it or leaving it out keeps the XML well-formed.
 *
 * Left out on purpose: sections whose tags stand in unrelated places (a
 * paragraph and a table cell, two paragraphs with other text around the
 * tags, different levels of the document): refused, with a message that
 * says where to put the tags.
 */
#include "odt.h"

#include <stdlib.h>

static size_t depth_of(const xmlNode *n)
{
	size_t d = 0;

	for (; n; n = n->parent)
		d++;
	return d;
}

static xmlNode *lca(xmlNode *a, xmlNode *b)
{
	size_t da = depth_of(a), db = depth_of(b);

	while (da > db) {
		a = a->parent;
		da--;
	}
	while (db > da) {
		b = b->parent;
		db--;
	}
	while (a != b) {
		a = a->parent;
		b = b->parent;
	}
	return a;
}

/* The child of `anc` that contains `n`. */
static xmlNode *child_towards(xmlNode *anc, xmlNode *n)
{
	while (n && n->parent != anc)
		n = n->parent;
	return n;
}

/* Lift marker m to be a child of `target`, splitting the elements on the
 * way (the part of each element after m goes into a copy of it). */
static int hoist(xmlNode *m, xmlNode *target)
{
	while (m->parent && m->parent != target) {
		xmlNode *p = m->parent;
		xmlNode *right = xmlDocCopyNode(p, p->doc, 2);

		if (!right)
			return chancery__oom();
		while (m->next) {
			xmlNode *n = m->next;

			xmlUnlinkNode(n);
			chancery__odt_link_last_child(right, n);
		}
		xmlUnlinkNode(m);
		chancery__odt_link_after(p, m);
		if (right->children)
			chancery__odt_link_after(m, right);
		else
			xmlFreeNode(right);
	}
	return 0;
}

/* The tag of marker m (its number is its index). */
static const ptag *tag_of(const pstate *st, const xmlNode *m)
{
	unsigned long id = m->content ?
		strtoul((const char *)m->content, NULL, 10) : st->ntags;

	return id < st->ntags ? &st->tags[id] : NULL;
}

/* A marker that renders nothing and opens nothing: a comment or a change
 * of delimiters. */
static bool is_silent_marker(const pstate *st, const xmlNode *m)
{
	const ptag *tg = tag_of(st, m);

	return tg && (tg->sigil == '!' || tg->sigil == '=');
}

/* Is the content of `u` blank before `a` / after `b`? Text counts, and so
 * do other tags' markers (a value, another section) but comments and
 * delimiter changes do not. */
typedef struct {
	const pstate *st;
	const xmlNode *a, *b;
	int phase;      /* 0 before a, 1 between, 2 after b */
	bool before_blank, after_blank;
} span_check;

static void check_walk(span_check *sc, const xmlNode *n)
{
	for (const xmlNode *c = n->children; c; c = c->next) {
		bool content = false;

		if (c == sc->a) {
			sc->phase = sc->a == sc->b ? 2 : 1;
			continue;
		}
		if (c == sc->b) {
			sc->phase = 2;
			continue;
		}
		if (c->type == XML_TEXT_NODE && c->content)
			content = !odt_all_blank((const char *)c->content,
				strlen((const char *)c->content));
		else if (odt_is_marker(c))
			content = !is_silent_marker(sc->st, c);
		if (content && sc->phase == 0)
			sc->before_blank = false;
		if (content && sc->phase == 2)
			sc->after_blank = false;
		if (c->type == XML_ELEMENT_NODE &&
		    !odt_is_el(c, ODT_NS_OFFICE, "annotation"))
			check_walk(sc, c);
	}
}

static span_check check_unit(const pstate *st, const xmlNode *u,
	const xmlNode *a, const xmlNode *b)
{
	span_check sc = { st, a, b, 0, true, true };

	check_walk(&sc, u);
	return sc;
}

/* Markup that shows nothing by itself: what is left of a paragraph, row or
 * list item once its tag is gone, when it held nothing else. A frame, an
 * image, a note, a field, a nested table or section is content. */
static bool shows_nothing(const xmlNode *n)
{
	static const char *const text_els[] = { "p", "h", "span", "a", "s",
		"tab", "line-break", "soft-page-break", "bookmark",
		"bookmark-start", "bookmark-end", "reference-mark",
		"reference-mark-start", "reference-mark-end", "change",
		"change-start", "change-end", "list", "list-item",
		"list-header", NULL };

	for (size_t i = 0; text_els[i]; i++)
		if (odt_is_el(n, ODT_NS_TEXT, text_els[i]))
			return true;
	return odt_is_el(n, ODT_NS_TABLE, "table-cell") ||
		odt_is_el(n, ODT_NS_TABLE, "covered-table-cell");
}

/* Does block hold nothing but marker m, blank text, markup that shows
 * nothing and annotations (notes to the template's author)? Only such a
 * block may go with its tag: anything else in it, another tag's marker
 * above all, would go too. */
static bool bare(const xmlNode *block, const xmlNode *m)
{
	for (const xmlNode *c = block->children; c; c = c->next) {
		if (c == m)
			continue;
		if (odt_is_marker(c))
			return false;
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content && !odt_all_blank((const char *)c->content,
					strlen((const char *)c->content)))
				return false;
			continue;
		}
		if (c->type != XML_ELEMENT_NODE ||
		    odt_is_el(c, ODT_NS_OFFICE, "annotation") ||
		    odt_is_el(c, ODT_NS_OFFICE, "annotation-end"))
			continue;
		if (!shows_nothing(c) || !bare(c, m))
			return false;
	}
	return true;
}

static xmlNode *unit_of(xmlNode *n)
{
	for (; n; n = n->parent)
		if (odt_is_el(n, ODT_NS_TABLE, "table-row") ||
		    odt_is_el(n, ODT_NS_TEXT, "list-item"))
			return n;
	return NULL;
}

static bool is_unit_parent(const xmlNode *n)
{
	return odt_is_el(n, ODT_NS_TABLE, "table") ||
		odt_is_el(n, ODT_NS_TABLE, "table-rows") ||
		odt_is_el(n, ODT_NS_TABLE, "table-header-rows") ||
		odt_is_el(n, ODT_NS_TEXT, "list");
}

static void move_before(xmlNode *anchor, xmlNode *m)
{
	xmlUnlinkNode(m);
	chancery__odt_link_before(anchor, m);
}

static void move_after(xmlNode *anchor, xmlNode *m)
{
	xmlUnlinkNode(m);
	chancery__odt_link_after(anchor, m);
}

/* Replace a block holding only marker m by m itself (the caller checked
 * that it is bare). */
static void replace_by_marker(xmlNode *block, xmlNode *m)
{
	xmlUnlinkNode(m);
	chancery__odt_link_before(block, m);
	xmlUnlinkNode(block);
	xmlFreeNode(block);
}

/* The block (paragraph, row, list item) of a tag that stands alone in it:
 * it goes when it holds nothing else; when it holds more (a frame, an
 * image, a note, other cells' text) it stays without the tag, and the
 * marker goes before it (an opening tag: the block is in the section) or
 * after it (a closing tag). */
static void drop_tag_block(xmlNode *block, xmlNode *m, bool opening)
{
	if (bare(block, m))
		replace_by_marker(block, m);
	else if (opening)
		move_before(block, m);
	else
		move_after(block, m);
}

/* Repeat units u1..u2 (siblings), the tag units dropped when they hold
 * nothing else; or the one unit u1 == u2. */
static void place_units(xmlNode *u1, xmlNode *u2, ptag *o, ptag *c)
{
	if (u1 != u2) {
		drop_tag_block(u1, o->marker, true);
		drop_tag_block(u2, c->marker, false);
		return;
	}
	move_before(u1, o->marker);
	move_after(u2, c->marker);
}

static int place_section(pstate *st, ptag *o, ptag *c)
{
	xmlNode *po = o->para, *pc = c->para;

	if (po == pc) {
		xmlNode *u = unit_of(po);

		if (u) {
			span_check sc = check_unit(st, u, o->marker, c->marker);

			if (sc.before_blank && sc.after_blank) {
				place_units(u, u, o, c);
				return 0;
			}
		}
		{
			xmlNode *l = lca(o->marker, c->marker);
			int error = hoist(o->marker, l);

			return error ? error : hoist(c->marker, l);
		}
	}
	{
		xmlNode *l = lca(po, pc);
		xmlNode *a1 = child_towards(l, po), *a2 = child_towards(l, pc);

		if (odt_is_el(l, ODT_NS_TABLE, "table-row") ||
		    odt_is_el(l, ODT_NS_TEXT, "list-item")) {
			place_units(l, l, o, c);
			return 0;
		}
		if (is_unit_parent(l)) {
			place_units(a1, a2, o, c);
			return 0;
		}
		if (o->alone && c->alone && a1 == po && a2 == pc) {
			drop_tag_block(po, o->marker, true);
			drop_tag_block(pc, c->marker, false);
			return 0;
		}
		{
			char where[120];

			snprintf(where, sizeof(where), "%s paragraph %zu",
				c->loc.part, c->loc.paragraph);
			return chancery__mustache_error(st->t, &o->loc, CHANCERY_EINVALID,
				"section '%s' closes in another paragraph (%s): put "
				"each tag alone in its paragraph, both in one "
				"paragraph, or in the cells of table rows or in "
				"list items", o->name, where);
		}
	}
}

int chancery__odt_place_sections(pstate *st)
{
	size_t *stack = chancery__calloc(st->ntags + 1, sizeof(size_t));
	size_t depth = 0;
	int error = 0;

	if (!stack)
		return chancery__oom();
	for (size_t i = 0; i < st->ntags && !error; i++) {
		ptag *tg = &st->tags[i];

		switch (tg->sigil) {
		case '#':
		case '^':
		case '$':
			stack[depth++] = i;
			break;
		case '/': {
			ptag *o;

			if (!depth) {
				error = chancery__mustache_error(st->t, &tg->loc,
					CHANCERY_EINVALID,
					"closing '%s' without an opening tag",
					tg->name);
				break;
			}
			o = &st->tags[stack[--depth]];
			if (strcmp(o->name, tg->name)) {
				error = chancery__mustache_error(st->t, &tg->loc,
					CHANCERY_EINVALID,
					"closing '%s' does not match the open section '%s' (%s paragraph %zu)",
					tg->name, o->name, o->loc.part,
					o->loc.paragraph);
				break;
			}
			error = place_section(st, o, tg);
			break;
		}
		case '!':
		case '=':
			/* a comment or delimiter alone in its paragraph takes
			 * the paragraph with it, unless it holds more */
			if (tg->alone && bare(tg->para, tg->marker))
				replace_by_marker(tg->para, tg->marker);
			break;
		default:
			break;
		}
	}
	if (!error && depth)
		error = chancery__mustache_error(st->t, &st->tags[stack[depth - 1]].loc,
			CHANCERY_EINVALID, "section '%s' is never closed",
			st->tags[stack[depth - 1]].name);
	chancery_free(stack);
	return error;
}

/* Markers in document order, as the Mustache tree will have them. */
static void markers_in_order(const xmlNode *n, const xmlNode **v, size_t *k,
	size_t max)
{
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (odt_is_marker(c) && *k < max)
			v[(*k)++] = c;
		else if (c->type == XML_ELEMENT_NODE)
			markers_in_order(c, v, k, max);
	}
}

/* The last check before cutting: the tags of each section, paired as the
 * Mustache tree pairs them (in document order), are siblings, so that what
 * lies between is whole elements and repeating it or leaving it out keeps
 * the XML well-formed. A structure that placed them otherwise is refused;
 * a closing tag of another name is left to chancery__mustache_build to report. */
int chancery__odt_check_nesting(pstate *st)
{
	const xmlNode **v = chancery__calloc(st->ntags + 1, sizeof(*v));
	const xmlNode **open = chancery__calloc(st->ntags + 1, sizeof(*open));
	size_t n = 0, depth = 0;
	int error = 0;

	if (!v || !open) {
		chancery_free(v);
		chancery_free(open);
		return chancery__oom();
	}
	markers_in_order((const xmlNode *)st->doc, v, &n, st->ntags);
	for (size_t i = 0; i < n && !error; i++) {
		const ptag *tg = tag_of(st, v[i]), *o;

		if (!tg)
			continue;
		if (strchr("#^$", tg->sigil)) {
			open[depth++] = v[i];
			continue;
		}
		if (tg->sigil != '/' || !depth)
			continue;
		o = tag_of(st, open[--depth]);
		if (!o || strcmp(o->name, tg->name))
			break;
		if (open[depth]->parent != v[i]->parent)
			error = chancery__mustache_error(st->t, &o->loc, CHANCERY_EINVALID,
				"section '%s' cannot be repeated as it stands: it "
				"closes at another level of the document (%s "
				"paragraph %zu); put each tag alone in its "
				"paragraph, both in one paragraph, or in the cells "
				"of table rows or in list items", o->name,
				tg->loc.part, tg->loc.paragraph);
	}
	chancery_free(v);
	chancery_free(open);
	return error;
}
