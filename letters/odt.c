/*
 * odt.c - Mustache inside OpenDocument text: reading a template package,
 * turning each part into a Mustache syntax tree, and writing rendered
 * packages.
 *
 * Reading (chancery__odt_load) refuses hostile or broken packages before parsing
 * anything: more than MAX_ENTRIES entries, entries larger than
 * MAX_ENTRY_SIZE or compressed more than MAX_RATIO times (zip bombs), names
 * that climb out ("../", absolute, backslashes), duplicate names, zip or
 * ODF encryption, a missing or wrong mimetype, a missing manifest, XML with
 * a DOCTYPE (so no DTD, external entity or entity expansion can happen; in
 * a .xml or .rdf entry that is copied, not parsed, entity declarations,
 * internal subsets and outside DTDs), invalid UTF-8, nesting deeper than
 * libxml2's default limit, more than MAX_ATTRIBUTES attributes on one
 * element, entries that are symbolic links, devices or pipes or carry
 * setuid/setgid/sticky bits, entries whose data or CRC-32 is damaged
 * (every entry is read through: the writer copies them as they are). A
 * mimetype entry that is present and right but not first (Word 2013 writes
 * them so) is accepted and written first.
 *
 * Compiling a part (content.xml, styles.xml, meta.xml):
 *   1. parse it with libxml2;
 *   2. for each paragraph (text:p, text:h; in meta.xml each text element),
 *      in document order, join its text across spans, bookmarks, soft page
 *      breaks, change marks and text:s/text:tab/text:line-break, find the
 *      tags with the delimiters in force, and gather each tag into one
 *      marker node (a processing instruction <?chancery-tag N?>) placed
 *      where its first character was: the formatting around is kept and
 *      the tag's own formatting applies to its value;
 *   3. place the sections: both tags in one paragraph repeat inline text
 *      (the markers are lifted out of spans to a common parent); tags in
 *      table rows repeat the rows, tags in list items repeat the items (a
 *      row or item holding nothing but the tag is dropped); tags that each
 *      stand alone in a paragraph repeat every block between them. A tag's
 *      paragraph, row or item goes only when it is bare (nothing in it but
 *      the tag, blank text and markup that shows nothing): one holding a
 *      frame, a picture, a note or another tag stays, so nothing but the
 *      tag is lost and no node holding another tag is ever freed;
 *   4. check that each section's two markers are siblings (what lies
 *      between them is whole elements), serialize with libxml2 and cut the
 *      XML at the markers into the literal and tag tokens of a Mustache
 *      tree (mustache.c renders it).
 * A part without "{{" is not parsed at all and is copied byte for byte.
 *
 * Writing (chancery__odt_render): a new zip in memory; mimetype first and stored;
 * untouched entries copied compressed as they are (no recompression);
 * rendered parts deflated; every entry keeps the template's order and
 * timestamps, so the same template and data give the same bytes.
 *
 * Left out on purpose: tags inside attribute values (links, image names),
 * parent templates ({{<x}}) inside ODT, and ODF documents other than text.
 */
#include "letters.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <zip.h>

#define MAX_ENTRIES 10000
#define MAX_ENTRY_SIZE ((zip_uint64_t)256 << 20)
#define MAX_TOTAL_SIZE ((zip_uint64_t)1 << 30)
#define MAX_RATIO 200
#define MAX_PART_SIZE ((zip_uint64_t)128 << 20)
#define MAX_ATTRIBUTES 1000  /* per element (libxml2's duplicate check is quadratic) */
#define MARKER "chancery-tag"

static const char NS_TEXT[] = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
static const char NS_TABLE[] = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";
static const char NS_OFFICE[] = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";

typedef struct {
	char *name;
	zip_uint64_t index;
	time_t mtime;
	int part;          /* index into parts, or -1 */
} odt_entry;

typedef struct {
	char name[16];
	bool templated;    /* false: copied as it is */
	mnode root;
} odt_part;

struct odt_package {
	unsigned char *data;
	size_t size;
	char mimetype[80];
	odt_entry *entries;
	size_t nentries;
	odt_part parts[3];
};

static const char *part_names[3] = { "content.xml", "styles.xml",
	"meta.xml" };

/* ---- errors ---------------------------------------------------------------- */

static int pkg_error(const chancery_template *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int pkg_error(const chancery_template *t, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return chancery__error(CHANCERY_EINVALID, "template '%s': %s",
		t->name, msg);
}

/* ---- node helpers ------------------------------------------------------------- */

static bool is_el(const xmlNode *n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
		!strcmp((const char *)n->ns->href, ns) &&
		!strcmp((const char *)n->name, name);
}

static bool is_para(const xmlNode *n)
{
	return is_el(n, NS_TEXT, "p") || is_el(n, NS_TEXT, "h");
}

static bool is_marker(const xmlNode *n)
{
	return n && n->type == XML_PI_NODE &&
		!strcmp((const char *)n->name, MARKER);
}

/* Link without libxml2's text-node merging (it may free nodes we hold). */
static void link_after(xmlNode *cur, xmlNode *node)
{
	node->parent = cur->parent;
	node->prev = cur;
	node->next = cur->next;
	node->doc = cur->doc;
	if (cur->next)
		cur->next->prev = node;
	else if (cur->parent)
		cur->parent->last = node;
	cur->next = node;
}

static void link_before(xmlNode *cur, xmlNode *node)
{
	node->parent = cur->parent;
	node->next = cur;
	node->prev = cur->prev;
	node->doc = cur->doc;
	if (cur->prev)
		cur->prev->next = node;
	else if (cur->parent)
		cur->parent->children = node;
	cur->prev = node;
}

static void link_last_child(xmlNode *parent, xmlNode *node)
{
	node->parent = parent;
	node->next = NULL;
	node->prev = parent->last;
	node->doc = parent->doc;
	if (parent->last)
		parent->last->next = node;
	else
		parent->children = node;
	parent->last = node;
}

/* ---- paragraph text ------------------------------------------------------------- */

typedef enum { SEG_TEXT, SEG_SPACE, SEG_TAB, SEG_BREAK } seg_kind;

typedef struct {
	xmlNode *node;
	seg_kind kind;
	size_t off;  /* where it starts in the joined text */
	size_t len;
} segment;

typedef struct {
	segment *v;
	size_t n, alloc;
	chancery_buf text;
} para_text;

static int seg_push(para_text *pt, xmlNode *node, seg_kind kind,
	const char *s, size_t len)
{
	segment *sg;

	if (chancery__grow((void **)&pt->v, &pt->alloc, pt->n + 1,
			sizeof(segment)) < 0)
		return CHANCERY_ENOMEM;
	sg = &pt->v[pt->n++];
	sg->node = node;
	sg->kind = kind;
	sg->off = pt->text.size;
	sg->len = len;
	return chancery_buf_put(&pt->text, s, len);
}

/* The inline text of a paragraph: text nodes and the text namespace's
 * inline elements, not nested paragraphs, frames or annotations. A text:s,
 * text:tab or text:line-break is whitespace when empty, as ODF has them;
 * one that holds something is read like a span (a tag taking the
 * whitespace with it must not take what it holds). */
static int collect(para_text *pt, xmlNode *node)
{
	int error = 0;

	for (xmlNode *c = node->children; c && !error; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			const char *s = c->content ? (const char *)c->content : "";

			error = seg_push(pt, c, SEG_TEXT, s, strlen(s));
		} else if (c->type != XML_ELEMENT_NODE) {
			continue;
		} else if (is_el(c, NS_TEXT, "s") && !c->children) {
			xmlChar *cnt = xmlGetNsProp(c, (const xmlChar *)"c",
				(const xmlChar *)NS_TEXT);
			long n = cnt ? strtol((const char *)cnt, NULL, 10) : 1;
			char spaces[64];

			xmlFree(cnt);
			if (n < 1)
				n = 1;
			if (n > 63)
				n = 63;
			memset(spaces, ' ', (size_t)n);
			error = seg_push(pt, c, SEG_SPACE, spaces, (size_t)n);
		} else if (is_el(c, NS_TEXT, "tab") && !c->children) {
			error = seg_push(pt, c, SEG_TAB, "\t", 1);
		} else if (is_el(c, NS_TEXT, "line-break") && !c->children) {
			error = seg_push(pt, c, SEG_BREAK, "\n", 1);
		} else if (is_para(c) || is_el(c, NS_TEXT, "note") ||
			   is_el(c, NS_OFFICE, "annotation")) {
			continue;
		} else if (c->ns && c->ns->href &&
			   !strcmp((const char *)c->ns->href, NS_TEXT)) {
			error = collect(pt, c);
		}
	}
	return error;
}

/* ---- the compile state of one part ------------------------------------------------- */

typedef struct {
	char sigil;
	char *name;
	size_t nlen;
	mloc loc;
	xmlNode *marker;
	xmlNode *para;
	bool alone;   /* the only thing in its paragraph */
} ptag;

typedef struct {
	chancery_template *t;
	const char *part;
	xmlDoc *doc;
	ptag *tags;
	size_t ntags, atags;
	char otag[16], ctag[16];
	size_t paragraph;
} pstate;

static char *near_text(const char *s, size_t len, size_t at)
{
	size_t from = at > 25 ? at - 25 : 0, to = at + 35 < len ? at + 35 : len;
	char *out;

	while (from > 0 && ((unsigned char)s[from] & 0xc0) == 0x80)
		from--;
	while (to < len && ((unsigned char)s[to] & 0xc0) == 0x80)
		to++;
	out = chancery__strndup(s + from, to - from);
	if (out)
		for (char *p = out; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
	return out;
}

static xmlNode *new_marker(xmlDoc *doc, size_t id)
{
	char num[32];

	snprintf(num, sizeof(num), "%zu", id);
	return xmlNewDocPI(doc, (const xmlChar *)MARKER, (const xmlChar *)num);
}

/* Remove the bytes [from, to) of the joined text from the segments, and
 * put marker `m` where `from` was. Segments before `from` are untouched. */
static int gather(para_text *pt, size_t from, size_t to, xmlNode *m)
{
	size_t i = 0;

	while (i < pt->n && pt->v[i].off + pt->v[i].len <= from)
		i++;
	if (i >= pt->n || pt->v[i].kind != SEG_TEXT) {
		xmlFreeNode(m);
		return chancery__error(CHANCERY_ERROR, "tag start not in text");
	}
	for (size_t k = i; k < pt->n && pt->v[k].off < to; k++) {
		segment *sg = &pt->v[k];
		size_t a = from > sg->off ? from - sg->off : 0;
		size_t b = to < sg->off + sg->len ? to - sg->off : sg->len;

		if (sg->kind != SEG_TEXT) {
			/* spaces, tabs, breaks inside a tag go with it */
			xmlUnlinkNode(sg->node);
			xmlFreeNode(sg->node);
			sg->node = NULL;
			continue;
		}
		{
			const char *c = (const char *)sg->node->content;
			char *before = chancery__strndup(c, a);
			char *after = chancery__strdup(c + b);

			if (!before || !after) {
				chancery_free(before);
				chancery_free(after);
				if (k == i)
					xmlFreeNode(m);
				return chancery__oom();
			}
			if (k == i) {
				xmlNodeSetContent(sg->node, (const xmlChar *)before);
				link_after(sg->node, m);
				if (*after) {
					xmlNode *rest = xmlNewDocText(sg->node->doc,
						(const xmlChar *)after);

					if (!rest) {
						chancery_free(before);
						chancery_free(after);
						return chancery__oom();
					}
					link_after(m, rest);
				}
			} else {
				xmlNodeSetContent(sg->node, (const xmlChar *)after);
			}
			chancery_free(before);
			chancery_free(after);
		}
	}
	return 0;
}

static bool all_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

/* Scan one paragraph (or meta element) for tags; gather each. */
static int scan_para(pstate *st, xmlNode *para, bool meta)
{
	para_text pt = { 0 };
	size_t pos = 0, first = 0, count = 0;
	size_t starts[256], ends[256], ids[256];
	int error = 0;

	st->paragraph++;
	if (meta) {
		for (xmlNode *c = para->children; c && !error; c = c->next)
			if (c->type == XML_TEXT_NODE)
				error = seg_push(&pt, c, SEG_TEXT,
					(const char *)c->content,
					strlen((const char *)c->content));
	} else {
		error = collect(&pt, para);
	}
	if (error < 0 || !pt.text.size || !strstr(pt.text.ptr, st->otag))
		goto done;
	first = st->ntags;
	while (pos < pt.text.size) {
		size_t s = 0, e = 0, nlen = 0;
		const char *name = NULL;
		char sigil = 0;
		int found = chancery__mustache_scan(pt.text.ptr, pt.text.size, pos,
			st->otag, st->ctag, &s, &e, &sigil, &name, &nlen);
		mloc loc = { 0, 0, st->part, st->paragraph, NULL };
		ptag *tg;

		if (found < 0) {
			char why[200];

			snprintf(why, sizeof(why), "%s",
				chancery_error_last()->message);
			loc.near = near_text(pt.text.ptr, pt.text.size, pos);
			error = chancery__mustache_error(st->t, &loc, found, "%s", why);
			chancery_free(loc.near);
			goto done;
		}
		if (!found)
			break;
		if (count >= 256) {
			error = chancery__mustache_error(st->t, &loc, CHANCERY_EINVALID,
				"more than 256 tags in one paragraph");
			goto done;
		}
		if (chancery__grow((void **)&st->tags, &st->atags,
				st->ntags + 1, sizeof(ptag)) < 0) {
			error = CHANCERY_ENOMEM;
			goto done;
		}
		tg = &st->tags[st->ntags];
		memset(tg, 0, sizeof(*tg));
		tg->sigil = sigil;
		tg->name = chancery__strndup(name, nlen);
		tg->nlen = nlen;
		tg->loc = loc;
		tg->loc.near = near_text(pt.text.ptr, pt.text.size, s);
		tg->para = para;
		if (!tg->name || !tg->loc.near) {
			chancery_free(tg->name);
			chancery_free(tg->loc.near);
			error = chancery__oom();
			goto done;
		}
		if (sigil == '<') {
			error = chancery__mustache_error(st->t, &tg->loc, CHANCERY_EINVALID,
				"parent templates ({{<%s}}) work in text templates only",
				tg->name);
			chancery_free(tg->name);
			chancery_free(tg->loc.near);
			goto done;
		}
		st->ntags++;
		if (sigil == '=' && (error = chancery__mustache_delims(st->otag, st->ctag,
				name, nlen)) < 0) {
			char why[200];

			snprintf(why, sizeof(why), "%s",
				chancery_error_last()->message);
			error = chancery__mustache_error(st->t, &tg->loc, error, "%s", why);
			goto done;
		}
		starts[count] = s;
		ends[count] = e;
		ids[count] = st->ntags - 1;
		count++;
		pos = e;
	}
	/* alone: one tag and only whitespace around it */
	if (count == 1 && all_blank(pt.text.ptr, starts[0]) &&
	    all_blank(pt.text.ptr + ends[0], pt.text.size - ends[0]))
		st->tags[first].alone = true;
	/* right to left, so that offsets to the left stay true */
	for (size_t k = count; k-- > 0;) {
		xmlNode *m = new_marker(st->doc, ids[k]);

		if (!m) {
			error = chancery__oom();
			goto done;
		}
		if ((error = gather(&pt, starts[k], ends[k], m)) < 0)
			goto done;
		st->tags[ids[k]].marker = m;
	}
done:
	chancery_free(pt.v);
	chancery_buf_dispose(&pt.text);
	return error;
}

/* Paragraphs in document order, tracked deletions included (LibreOffice
 * shows them), annotations not (notes to the template's author). */
static int walk(pstate *st, xmlNode *node, bool meta)
{
	int error = 0;

	for (xmlNode *c = node->children; c && !error; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(c, NS_OFFICE, "annotation"))
			continue;
		if (meta) {
			bool has_text = false;

			for (xmlNode *k = c->children; k; k = k->next)
				if (k->type == XML_TEXT_NODE)
					has_text = true;
			if (has_text)
				error = scan_para(st, c, true);
			if (!error)
				error = walk(st, c, true);
			continue;
		}
		if (is_para(c))
			error = scan_para(st, c, false);
		if (!error)
			error = walk(st, c, false);
	}
	return error;
}

/* ---- placing sections ------------------------------------------------------------------ */

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
			link_last_child(right, n);
		}
		xmlUnlinkNode(m);
		link_after(p, m);
		if (right->children)
			link_after(m, right);
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
			content = !all_blank((const char *)c->content,
				strlen((const char *)c->content));
		else if (is_marker(c))
			content = !is_silent_marker(sc->st, c);
		if (content && sc->phase == 0)
			sc->before_blank = false;
		if (content && sc->phase == 2)
			sc->after_blank = false;
		if (c->type == XML_ELEMENT_NODE &&
		    !is_el(c, NS_OFFICE, "annotation"))
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
		if (is_el(n, NS_TEXT, text_els[i]))
			return true;
	return is_el(n, NS_TABLE, "table-cell") ||
		is_el(n, NS_TABLE, "covered-table-cell");
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
		if (is_marker(c))
			return false;
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content && !all_blank((const char *)c->content,
					strlen((const char *)c->content)))
				return false;
			continue;
		}
		if (c->type != XML_ELEMENT_NODE ||
		    is_el(c, NS_OFFICE, "annotation") ||
		    is_el(c, NS_OFFICE, "annotation-end"))
			continue;
		if (!shows_nothing(c) || !bare(c, m))
			return false;
	}
	return true;
}

static xmlNode *unit_of(xmlNode *n)
{
	for (; n; n = n->parent)
		if (is_el(n, NS_TABLE, "table-row") ||
		    is_el(n, NS_TEXT, "list-item"))
			return n;
	return NULL;
}

static bool is_unit_parent(const xmlNode *n)
{
	return is_el(n, NS_TABLE, "table") ||
		is_el(n, NS_TABLE, "table-rows") ||
		is_el(n, NS_TABLE, "table-header-rows") ||
		is_el(n, NS_TEXT, "list");
}

static void move_before(xmlNode *anchor, xmlNode *m)
{
	xmlUnlinkNode(m);
	link_before(anchor, m);
}

static void move_after(xmlNode *anchor, xmlNode *m)
{
	xmlUnlinkNode(m);
	link_after(anchor, m);
}

/* Replace a block holding only marker m by m itself (the caller checked
 * that it is bare). */
static void replace_by_marker(xmlNode *block, xmlNode *m)
{
	xmlUnlinkNode(m);
	link_before(block, m);
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

		if (is_el(l, NS_TABLE, "table-row") ||
		    is_el(l, NS_TEXT, "list-item")) {
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

static int place_all(pstate *st)
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
		if (is_marker(c) && *k < max)
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
static int check_nesting(pstate *st)
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

/* ---- serialize and cut --------------------------------------------------------------------- */

static int cut(pstate *st, mnode *root, const char *xml, size_t len)
{
	mtoken *toks = NULL;
	size_t n = 0, alloc = 0, pos = 0;
	static const char open[] = "<?" MARKER " ";
	int error = 0;

	while (pos <= len) {
		const char *m = pos < len ? strstr(xml + pos, open) : NULL;
		size_t stop = m ? (size_t)(m - xml) : len;

		if (stop > pos) {
			if (chancery__grow((void **)&toks, &alloc, n + 1,
					sizeof(*toks)) < 0) {
				error = CHANCERY_ENOMEM;
				goto done;
			}
			memset(&toks[n], 0, sizeof(toks[n]));
			toks[n].text = xml + pos;
			toks[n].len = stop - pos;
			n++;
		}
		if (!m)
			break;
		{
			char *end;
			unsigned long id = strtoul(m + sizeof(open) - 1, &end, 10);
			ptag *tg;

			if (strncmp(end, "?>", 2) || id >= st->ntags) {
				error = chancery__error(CHANCERY_ERROR,
					"marker lost in %s", st->part);
				goto done;
			}
			tg = &st->tags[id];
			pos = (size_t)(end + 2 - xml);
			if (chancery__grow((void **)&toks, &alloc, n + 1,
					sizeof(*toks)) < 0) {
				error = CHANCERY_ENOMEM;
				goto done;
			}
			toks[n].sigil = tg->sigil;
			toks[n].text = tg->name;
			toks[n].len = tg->nlen;
			toks[n].loc = tg->loc;
			n++;
		}
	}
	error = chancery__mustache_build(root, toks, n, st->t);
done:
	chancery_free(toks);
	return error;
}

static bool contains(const char *s, size_t n, const char *what)
{
	size_t w = strlen(what);

	for (size_t i = 0; i + w <= n; i++)
		if (s[i] == what[0] && !memcmp(s + i, what, w))
			return true;
	return false;
}

/* Where the first start tag with more than MAX_ATTRIBUTES attributes
 * begins, or n when none has. A linear scan of the bytes: '=' outside
 * quotes inside a start tag, comments, CDATA and processing instructions
 * skipped. */
static size_t attribute_flood(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		const char *lt = memchr(s + i, '<', n - i);
		size_t at, count = 0;
		const char *skip_to = NULL;

		if (!lt)
			return n;
		at = (size_t)(lt - s);
		i = at + 1;
		if (i < n && s[i] == '!')
			skip_to = i + 2 < n && s[i + 1] == '-' && s[i + 2] == '-' ?
				"-->" : i + 1 < n && s[i + 1] == '[' ? "]]>" : ">";
		else if (i < n && s[i] == '?')
			skip_to = "?>";
		if (skip_to) {
			const char *end = strstr(s + i, skip_to);

			i = end ? (size_t)(end - s) + strlen(skip_to) : n;
			continue;
		}
		for (; i < n && s[i] != '>'; i++) {
			if (s[i] == '"' || s[i] == '\'') {
				const char *q = memchr(s + i + 1, s[i], n - i - 1);

				i = q ? (size_t)(q - s) : n;
			} else if (s[i] == '=' && ++count > MAX_ATTRIBUTES) {
				return at;
			}
		}
	}
	return n;
}

static size_t line_at(const char *s, size_t at)
{
	size_t line = 1;

	for (size_t i = 0; i < at; i++)
		line += s[i] == '\n';
	return line;
}

static int compile_part(chancery_template *t, odt_part *part,
	const char *xml, size_t len)
{
	pstate st;
	xmlParserCtxt *ctxt = NULL;
	xmlBuffer *buf = NULL;
	xmlSaveCtxt *save = NULL;
	bool meta = !strcmp(part->name, "meta.xml");
	int error = 0;

	memset(&st, 0, sizeof(st));
	st.t = t;
	st.part = part->name;
	strcpy(st.otag, "{{");
	strcpy(st.ctag, "}}");
	if (contains(xml, len, "<!DOCTYPE") || contains(xml, len, "<!ENTITY"))
		return pkg_error(t, "%s: a DOCTYPE or entity declaration (DTDs "
			"and entities are refused)", part->name);
	if (contains(xml, len, "<?" MARKER))
		return pkg_error(t, "%s: holds the reserved <?" MARKER "?>",
			part->name);
	if (!chancery__utf8_valid(xml, len, true))
		return pkg_error(t, "%s: not UTF-8 (or holds control "
			"characters)", part->name);
	{
		size_t at = attribute_flood(xml, len);

		if (at < len)
			return pkg_error(t, "%s line %zu: an element with more "
				"than %d attributes (the limit)", part->name,
				line_at(xml, at), MAX_ATTRIBUTES);
	}
	if (!contains(xml, len, "{{"))
		return 0;   /* no tag can be in it: copy it as it is */
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return chancery__oom();
	st.doc = xmlCtxtReadMemory(ctxt, xml, (int)len, part->name, "UTF-8",
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!st.doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);

		error = pkg_error(t, "%s line %d: %s", part->name,
			e ? e->line : 0, e && e->message ? e->message :
			"not well-formed XML");
		goto done;
	}
	if (st.doc->intSubset || st.doc->extSubset) {
		error = pkg_error(t, "%s: a DOCTYPE (DTDs are refused)",
			part->name);
		goto done;
	}
	if ((error = walk(&st, (xmlNode *)st.doc, meta)) < 0 ||
	    (error = place_all(&st)) < 0 || (error = check_nesting(&st)) < 0)
		goto done;
	if (!st.ntags)
		goto done;   /* "{{" was outside any text: copy as it is */
	buf = xmlBufferCreate();
	save = buf ? xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_AS_XML) : NULL;
	if (!save || xmlSaveDoc(save, st.doc) < 0) {
		error = chancery__oom();
		goto done;
	}
	xmlSaveClose(save);
	save = NULL;
	if ((error = cut(&st, &part->root, (const char *)xmlBufferContent(buf),
			(size_t)xmlBufferLength(buf))) < 0)
		goto done;
	part->templated = true;
done:
	if (save)
		xmlSaveClose(save);
	xmlBufferFree(buf);
	for (size_t i = 0; i < st.ntags; i++) {
		chancery_free(st.tags[i].name);
		chancery_free(st.tags[i].loc.near);
	}
	chancery_free(st.tags);
	xmlFreeDoc(st.doc);
	xmlFreeParserCtxt(ctxt);
	return error;
}

/* ---- the package ------------------------------------------------------------------------------ */

static bool name_safe(const char *n)
{
	if (!*n || n[0] == '/' || strchr(n, '\\') || strlen(n) > 1024 ||
	    !chancery__utf8_valid(n, strlen(n), false))
		return false;
	if (n[0] && n[1] == ':')
		return false;
	for (const char *p = n; *p;) {
		const char *slash = strchr(p, '/');
		size_t seg = slash ? (size_t)(slash - p) : strlen(p);

		if ((seg == 2 && !strncmp(p, "..", 2)) ||
		    (seg == 1 && p[0] == '.'))
			return false;
		p += seg + (slash ? 1 : 0);
		if (!slash)
			break;
	}
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entry i of `za` (NUL-terminated), which must hold exactly its declared
 * size and match its CRC-32: 0, CHANCERY_ENOMEM, or the template error
 * "NAME cannot be read (damaged package)". */
static int read_entry(char **out, size_t *size, const chancery_template *t,
	zip_t *za, zip_uint64_t i, const char *name)
{
	zip_file_t *f;
	zip_stat_t st;
	char *buf;
	zip_int64_t got;

	*out = NULL;
	if (zip_stat_index(za, i, ZIP_STAT_SIZE, &st) < 0 ||
	    !(f = zip_fopen_index(za, i, 0)))
		return pkg_error(t, "%s cannot be read (damaged package)", name);
	buf = chancery__malloc((size_t)st.size + 1);
	if (!buf) {
		zip_fclose(f);
		return chancery__oom();
	}
	got = zip_fread(f, buf, st.size + 1);
	/* libzip reports a bad CRC-32 on the read after the data */
	if (got >= 0 && (zip_uint64_t)got == st.size &&
	    zip_fread(f, buf + got, 1) != 0)
		got = -1;
	zip_fclose(f);
	if (got < 0 || (zip_uint64_t)got != st.size) {
		chancery_free(buf);
		return pkg_error(t, "%s cannot be read (damaged package)", name);
	}
	buf[got] = '\0';
	*out = buf;
	*size = (size_t)got;
	return 0;
}

/* A package is data: an entry that is a symbolic link, a device or a pipe,
 * or whose Unix mode carries setuid, setgid or sticky bits, is refused. A
 * directory entry (its name ends in '/') is allowed. */
static int check_mode(const chancery_template *t, zip_t *za, zip_uint64_t i,
	const char *name)
{
	zip_uint8_t opsys;
	zip_uint32_t attr;
	unsigned mode, type;
	size_t len = strlen(name);

	if (zip_file_get_external_attributes(za, i, 0, &opsys, &attr) < 0)
		return pkg_error(t, "entry '%.80s' cannot be read", name);
	if (opsys != ZIP_OPSYS_UNIX)
		return 0;
	mode = attr >> 16;
	type = mode & 0170000;
	if (type == 0120000)
		return pkg_error(t, "entry '%.80s' is a symbolic link (refused)",
			name);
	if (type && type != 0100000 &&
	    !(type == 0040000 && len && name[len - 1] == '/'))
		return pkg_error(t, "entry '%.80s' is not a regular file "
			"(mode %06o, refused)", name, mode);
	if (mode & 07000)
		return pkg_error(t, "entry '%.80s' has setuid, setgid or sticky "
			"bits (mode %06o, refused)", name, mode);
	return 0;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++) {
		char c = s[n - k + i];

		if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != suffix[i])
			return false;
	}
	return true;
}

/* In an XML entry that is copied, not parsed: what a consumer of the
 * letter could act on, an entity declaration, an internal DTD subset, or an
 * outside DTD (a system identifier that is not a plain file name in the
 * package). OpenOffice's Basic and dialog libraries declare a DTD by
 * public identifier and plain name ("module.dtd"); they pass. */
static bool risky_doctype(const char *s, size_t n)
{
	if (contains(s, n, "<!ENTITY"))
		return true;
	for (size_t i = 0; i + 9 <= n; i++) {
		const char *end, *lit = NULL;
		size_t litlen = 0;

		if (memcmp(s + i, "<!DOCTYPE", 9))
			continue;
		if (!(end = memchr(s + i, '>', n - i)))
			return true;
		for (const char *p = s + i + 9; p < end; p++) {
			const char *q;

			if (*p == '[')
				return true;
			if (*p != '"' && *p != '\'')
				continue;
			if (!(q = memchr(p + 1, *p, (size_t)(end - p - 1))))
				return true;
			lit = p + 1;
			litlen = (size_t)(q - p - 1);
			p = q;
		}
		for (size_t k = 0; lit && k < litlen; k++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789._-", lit[k]))
				return true;
		i = (size_t)(end - s);
	}
	return false;
}

/* Read an entry that is not parsed through to its end, so that libzip
 * checks its data and CRC-32 (the writer copies such entries as they are).
 * An XML or RDF entry (settings.xml, manifest.rdf...) is read whole and
 * refused with a risky DOCTYPE (see risky_doctype). */
static int check_entry_data(const chancery_template *t, zip_t *za,
	const odt_entry *e)
{
	char buf[16384];
	zip_file_t *f;
	zip_int64_t got;
	int error = 0;

	if (ends_with_ci(e->name, ".xml") || ends_with_ci(e->name, ".rdf")) {
		zip_stat_t st;
		char *xml = NULL;
		size_t len = 0;

		if (zip_stat_index(za, e->index, 0, &st) == 0 &&
		    st.size > MAX_PART_SIZE)
			return pkg_error(t, "%s is larger than %llu bytes", e->name,
				(unsigned long long)MAX_PART_SIZE);
		if ((error = read_entry(&xml, &len, t, za, e->index, e->name)) < 0)
			return error;
		if (risky_doctype(xml, len))
			error = pkg_error(t, "%s: an entity declaration, an internal "
				"DTD subset or a DTD from outside the package "
				"(refused)", e->name);
		chancery_free(xml);
		return error;
	}
	if (!(f = zip_fopen_index(za, e->index, 0)))
		return pkg_error(t, "entry '%.80s' is damaged (%s)", e->name,
			zip_strerror(za));
	while ((got = zip_fread(f, buf, sizeof(buf))) > 0)
		;
	if (got < 0)
		error = pkg_error(t, "entry '%.80s' is damaged (%s)", e->name,
			zip_file_strerror(f));
	zip_fclose(f);
	return error;
}

void chancery__odt_free(odt_package *pkg)
{
	if (!pkg)
		return;
	for (size_t i = 0; i < pkg->nentries; i++)
		chancery_free(pkg->entries[i].name);
	chancery_free(pkg->entries);
	for (int i = 0; i < 3; i++)
		chancery__mnode_dispose(&pkg->parts[i].root);
	chancery_free(pkg->data);
	chancery_free(pkg);
}

int chancery__odt_load(odt_package **out, chancery_template *t, const void *data,
	size_t size)
{
	odt_package *pkg;
	zip_source_t *src = NULL;
	zip_t *za = NULL;
	zip_error_t zerr;
	char **names = NULL;
	zip_int64_t n;
	zip_uint64_t total = 0;
	int mimetype_at = -1, manifest_at = -1;
	int error = 0;

	*out = NULL;
	pkg = chancery__calloc(1, sizeof(*pkg));
	if (!pkg || !(pkg->data = chancery__malloc(size ? size : 1))) {
		chancery_free(pkg);
		return chancery__oom();
	}
	memcpy(pkg->data, data, size);
	pkg->size = size;
	for (int i = 0; i < 3; i++)
		strcpy(pkg->parts[i].name, part_names[i]);
	zip_error_init(&zerr);
	src = zip_source_buffer_create(pkg->data, size, 0, &zerr);
	if (!src || !(za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS,
			&zerr))) {
		if (zip_error_code_zip(&zerr) == ZIP_ER_EXISTS)
			error = pkg_error(t, "an entry appears twice "
				"(duplicate entries are refused)");
		else
			error = pkg_error(t, "not a zip package (%s)",
				zip_error_strerror(&zerr));
		zip_source_free(src);
		goto done;
	}
	n = zip_get_num_entries(za, 0);
	if (n <= 0 || n > MAX_ENTRIES) {
		error = pkg_error(t, "%lld entries (a package has 1 to %d)",
			(long long)n, MAX_ENTRIES);
		goto done;
	}
	pkg->entries = chancery__calloc((size_t)n, sizeof(odt_entry));
	names = chancery__calloc((size_t)n, sizeof(char *));
	if (!pkg->entries || !names) {
		error = chancery__oom();
		goto done;
	}
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		odt_entry *e = &pkg->entries[i];

		if (zip_stat_index(za, (zip_uint64_t)i, 0, &st) < 0 ||
		    !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE)) {
			error = pkg_error(t, "entry %lld cannot be read",
				(long long)i);
			goto done;
		}
		if (!name_safe(st.name)) {
			error = pkg_error(t, "entry name '%.80s' is not allowed "
				"(absolute, climbing out, or not UTF-8)", st.name);
			goto done;
		}
		if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
		    st.encryption_method != ZIP_EM_NONE) {
			error = pkg_error(t, "entry '%.80s' is encrypted: "
				"encrypted documents are refused", st.name);
			goto done;
		}
		if ((error = check_mode(t, za, (zip_uint64_t)i, st.name)) < 0)
			goto done;
		if (st.size > MAX_ENTRY_SIZE) {
			error = pkg_error(t, "entry '%.80s' is %llu bytes "
				"uncompressed (the limit is %llu)", st.name,
				(unsigned long long)st.size,
				(unsigned long long)MAX_ENTRY_SIZE);
			goto done;
		}
		if ((st.valid & ZIP_STAT_COMP_SIZE) && st.size > (1 << 20) &&
		    st.size / (st.comp_size ? st.comp_size : 1) > MAX_RATIO) {
			error = pkg_error(t, "entry '%.80s' expands %llu times "
				"(a zip bomb?)", st.name, (unsigned long long)
				(st.size / (st.comp_size ? st.comp_size : 1)));
			goto done;
		}
		total += st.size;
		if (total > MAX_TOTAL_SIZE) {
			error = pkg_error(t, "more than %llu bytes uncompressed",
				(unsigned long long)MAX_TOTAL_SIZE);
			goto done;
		}
		e->name = chancery__strdup(st.name);
		if (!e->name) {
			error = chancery__oom();
			goto done;
		}
		names[i] = e->name;
		e->index = (zip_uint64_t)i;
		e->mtime = (st.valid & ZIP_STAT_MTIME) ? st.mtime : 0;
		e->part = -1;
		pkg->nentries++;
		if (!strcmp(st.name, "mimetype"))
			mimetype_at = (int)i;
		if (!strcmp(st.name, "META-INF/manifest.xml"))
			manifest_at = (int)i;
		for (int k = 0; k < 3; k++)
			if (!strcmp(st.name, part_names[k]))
				e->part = k;
	}
	qsort(names, (size_t)n, sizeof(char *), cmp_str);
	for (zip_int64_t i = 1; i < n; i++)
		if (!strcmp(names[i - 1], names[i])) {
			error = pkg_error(t, "entry '%.80s' appears twice",
				names[i]);
			goto done;
		}
	if (mimetype_at < 0) {
		error = pkg_error(t, "no mimetype entry: not an OpenDocument "
			"package");
		goto done;
	}
	{
		char *mt = NULL;
		size_t mlen = 0;
		zip_stat_t st;

		zip_stat_index(za, (zip_uint64_t)mimetype_at, 0, &st);
		if (st.size <= 70 && (error = read_entry(&mt, &mlen, t, za,
				(zip_uint64_t)mimetype_at, "mimetype")) < 0)
			goto done;
		if (st.size > 70 ||
		    (strcmp(mt, "application/vnd.oasis.opendocument.text") &&
		     strcmp(mt, "application/vnd.oasis.opendocument.text-template"))) {
			error = pkg_error(t, "mimetype '%.70s' is not an "
				"OpenDocument text (.odt or .ott)",
				mt ? mt : "?");
			chancery_free(mt);
			goto done;
		}
		snprintf(pkg->mimetype, sizeof(pkg->mimetype), "%s", mt);
		chancery_free(mt);
	}
	if (manifest_at < 0) {
		error = pkg_error(t, "no META-INF/manifest.xml: not a complete "
			"OpenDocument package");
		goto done;
	}
	{
		char *man = NULL;
		size_t mlen = 0;
		zip_stat_t st;

		zip_stat_index(za, (zip_uint64_t)manifest_at, 0, &st);
		if (st.size > MAX_PART_SIZE) {
			error = pkg_error(t, "META-INF/manifest.xml cannot be read");
			goto done;
		}
		if ((error = read_entry(&man, &mlen, t, za,
				(zip_uint64_t)manifest_at,
				"META-INF/manifest.xml")) < 0)
			goto done;
		if (contains(man, mlen, "encryption-data")) {
			chancery_free(man);
			error = pkg_error(t, "the document is encrypted (password "
				"protected): encrypted documents are refused");
			goto done;
		}
		if (contains(man, mlen, "<!DOCTYPE") ||
		    contains(man, mlen, "<!ENTITY")) {
			chancery_free(man);
			error = pkg_error(t, "META-INF/manifest.xml: a DOCTYPE "
				"or entity declaration (refused)");
			goto done;
		}
		chancery_free(man);
	}
	for (size_t i = 0; i < pkg->nentries; i++) {
		odt_entry *e = &pkg->entries[i];
		zip_stat_t st;
		char *xml = NULL;
		size_t xlen = 0;

		if (e->part < 0)
			continue;
		zip_stat_index(za, e->index, 0, &st);
		if (st.size > MAX_PART_SIZE) {
			error = pkg_error(t, "%s is larger than %llu bytes",
				e->name, (unsigned long long)MAX_PART_SIZE);
			goto done;
		}
		if ((error = read_entry(&xml, &xlen, t, za, e->index,
				e->name)) < 0)
			goto done;
		error = compile_part(t, &pkg->parts[e->part], xml, xlen);
		chancery_free(xml);
		if (error < 0)
			goto done;
	}
	{
		bool has_content = false;

		for (size_t i = 0; i < pkg->nentries; i++)
			if (pkg->entries[i].part == 0)
				has_content = true;
		if (!has_content) {
			error = pkg_error(t, "no content.xml");
			goto done;
		}
	}
	for (size_t i = 0; i < pkg->nentries; i++) {
		const odt_entry *e = &pkg->entries[i];

		/* the parts, the manifest and the mimetype were read whole */
		if (e->part >= 0 || (int)e->index == manifest_at ||
		    (int)e->index == mimetype_at)
			continue;
		if ((error = check_entry_data(t, za, e)) < 0)
			goto done;
	}
	*out = pkg;
	pkg = NULL;
done:
	chancery_free(names);
	if (za)
		zip_discard(za);
	chancery__odt_free(pkg);
	return error;
}

/* ---- rendering -------------------------------------------------------------------------------- */

int chancery__odt_render_part(chancery_buf *out, const chancery_template *t,
	const char *part, json_t *data)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(t->pkg->parts[i].name, part)) {
			if (!t->pkg->parts[i].templated)
				return chancery__error(CHANCERY_ENOTFOUND,
					"template '%s': %s has no tags",
					t->name, part);
			return chancery__mustache_render(out, t, &t->pkg->parts[i].root,
				data, NULL);
		}
	return chancery__error(CHANCERY_ENOTFOUND, "no part %s", part);
}

static int zip_fail(const chancery_template *t, zip_t *za, const char *what)
{
	return chancery__error(CHANCERY_ERROR, "template '%s': %s: %s",
		t->name, what, za ? zip_strerror(za) : "zip error");
}

/* meta.xml with <meta:user-defined> entries added before </office:meta> */
static int add_meta(char **xml, size_t *len, const char *const *pairs)
{
	chancery_buf b = CHANCERY_BUF_INIT;
	const char *end = *xml ? strstr(*xml, "</office:meta>") : NULL;
	int error = 0;

	if (!end)
		return 0;   /* no meta element: nothing to add to */
	error = chancery_buf_put(&b, *xml, (size_t)(end - *xml));
	for (size_t i = 0; !error && pairs[i] && pairs[i + 1]; i += 2) {
		error = chancery_buf_puts(&b, "<meta:user-defined meta:name=\"");
		for (int k = 0; k < 2 && !error; k++) {
			for (const char *c = pairs[i + k]; *c && !error; c++)
				error = *c == '&' ? chancery_buf_puts(&b, "&amp;") :
					*c == '<' ? chancery_buf_puts(&b, "&lt;") :
					*c == '>' ? chancery_buf_puts(&b, "&gt;") :
					*c == '"' ? chancery_buf_puts(&b, "&quot;") :
					chancery_buf_putc(&b, *c);
			if (!error)
				error = chancery_buf_puts(&b, k == 0 ? "\">" :
					"</meta:user-defined>");
		}
	}
	if (!error)
		error = chancery_buf_puts(&b, end);
	if (error) {
		chancery_buf_dispose(&b);
		return error;
	}
	chancery_free(*xml);
	*len = b.size;
	*xml = chancery_buf_detach(&b);
	return *xml ? 0 : chancery__oom();
}

int chancery__odt_render(void **out, size_t *size, const chancery_template *t,
	json_t *data, const char *const *meta)
{
	const odt_package *pkg = t->pkg;
	zip_source_t *insrc = NULL, *outsrc = NULL;
	zip_t *in = NULL, *zo = NULL;
	zip_error_t zerr;
	char *rendered[3] = { NULL, NULL, NULL };
	size_t rlen[3] = { 0, 0, 0 };
	mbudget budget = { 0 };   /* one for the document's parts */
	int error = 0;

	*out = NULL;
	*size = 0;
	/* render first: an error writes nothing */
	for (int i = 0; i < 3; i++) {
		chancery_buf b = CHANCERY_BUF_INIT;

		if (!pkg->parts[i].templated)
			continue;
		if ((error = chancery__mustache_render(&b, t, &pkg->parts[i].root,
				data, &budget)) < 0) {
			chancery_buf_dispose(&b);
			goto done;
		}
		rlen[i] = b.size;
		rendered[i] = chancery_buf_detach(&b);
		if (!rendered[i]) {
			error = chancery__oom();
			goto done;
		}
	}
	zip_error_init(&zerr);
	insrc = zip_source_buffer_create(pkg->data, pkg->size, 0, &zerr);
	if (!insrc || !(in = zip_open_from_source(insrc, ZIP_RDONLY, &zerr))) {
		zip_source_free(insrc);
		error = chancery__error(CHANCERY_ERROR,
			"template '%s': cannot reopen the package", t->name);
		goto done;
	}
	if (meta && meta[0]) {
		/* provenance: meta.xml, rendered or as the template has it */
		if (!rendered[2]) {
			for (size_t i = 0; i < pkg->nentries; i++)
				if (pkg->entries[i].part == 2 &&
				    (error = read_entry(&rendered[2], &rlen[2],
						t, in, pkg->entries[i].index,
						"meta.xml")) < 0) {
					/* it read at load: now it is the system */
					if (error != CHANCERY_ENOMEM)
						error = chancery__error(CHANCERY_ERROR,
							"template '%s': meta.xml cannot "
							"be read", t->name);
					goto done;
				}
		}
		if (rendered[2] && (error = add_meta(&rendered[2], &rlen[2],
				meta)) < 0)
			goto done;
	}
	outsrc = zip_source_buffer_create(NULL, 0, 0, &zerr);
	if (!outsrc) {
		error = chancery__oom();
		goto done;
	}
	zip_source_keep(outsrc);
	if (!(zo = zip_open_from_source(outsrc, ZIP_TRUNCATE, &zerr))) {
		error = chancery__error(CHANCERY_ERROR,
			"cannot create a package in memory");
		goto done;
	}
	/* mimetype first, stored */
	{
		zip_source_t *s = zip_source_buffer(zo, pkg->mimetype,
			strlen(pkg->mimetype), 0);
		zip_int64_t idx = s ? zip_file_add(zo, "mimetype", s,
			ZIP_FL_ENC_UTF_8) : -1;
		time_t mt = 0;

		if (idx < 0) {
			zip_source_free(s);
			error = zip_fail(t, zo, "mimetype");
			goto done;
		}
		for (size_t i = 0; i < pkg->nentries; i++)
			if (!strcmp(pkg->entries[i].name, "mimetype"))
				mt = pkg->entries[i].mtime;
		zip_set_file_compression(zo, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
		zip_file_set_mtime(zo, (zip_uint64_t)idx, mt, 0);
	}
	for (size_t i = 0; i < pkg->nentries; i++) {
		const odt_entry *e = &pkg->entries[i];
		zip_source_t *s;
		zip_int64_t idx;
		bool fresh = e->part >= 0 && rendered[e->part];

		if (!strcmp(e->name, "mimetype"))
			continue;
		if (fresh) {
			s = zip_source_buffer(zo, rendered[e->part],
				rlen[e->part], 0);
		} else {
			s = zip_source_zip(zo, in, e->index, 0, 0, -1);
		}
		idx = s ? zip_file_add(zo, e->name, s, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0) {
			zip_source_free(s);
			error = zip_fail(t, zo, e->name);
			goto done;
		}
		if (fresh)
			zip_set_file_compression(zo, (zip_uint64_t)idx,
				ZIP_CM_DEFLATE, 6);
		zip_file_set_mtime(zo, (zip_uint64_t)idx, e->mtime, 0);
	}
	if (zip_close(zo) < 0) {
		error = zip_fail(t, zo, "write the package");
		zip_discard(zo);
		zo = NULL;
		goto done;
	}
	zo = NULL;
	{
		zip_stat_t st;
		void *buf;

		if (zip_source_stat(outsrc, &st) < 0 ||
		    zip_source_open(outsrc) < 0) {
			error = chancery__error(CHANCERY_ERROR,
				"cannot read the package back");
			goto done;
		}
		buf = chancery__malloc((size_t)st.size);
		if (!buf) {
			zip_source_close(outsrc);
			error = chancery__oom();
			goto done;
		}
		if (zip_source_read(outsrc, buf, st.size) != (zip_int64_t)st.size) {
			zip_source_close(outsrc);
			chancery_free(buf);
			error = chancery__error(CHANCERY_ERROR,
				"cannot read the package back");
			goto done;
		}
		zip_source_close(outsrc);
		*out = buf;
		*size = (size_t)st.size;
	}
done:
	if (zo)
		zip_discard(zo);
	if (in)
		zip_discard(in);
	zip_source_free(outsrc);
	for (int i = 0; i < 3; i++)
		chancery_free(rendered[i]);
	return error;
}
