/*
 * odt_tags.c - finding Mustache tags in the paragraphs of an ODT part.
 *
 * For each paragraph (text:p, text:h; in meta.xml each element holding
 * text), in document order, tracked deletions included (LibreOffice shows
 * them) and annotations not (notes to the template's author): its text is
 * joined across spans, bookmarks, soft page breaks, change marks and
 * text:s/text:tab/text:line-break; the tags are found in it with the
 * delimiters in force (mustache_scan.c); and each tag is gathered into one
 * marker node (a processing instruction <?chancery-tag N?>, N the tag's
 * index in the compile state) placed where its first character was. The
 * formatting around a tag is kept and the tag's own formatting applies to
 * its value; spaces, tabs and breaks inside a tag go with it.
 *
 * Invariants: a tag starts in a text node; at most 256 tags in one
 * paragraph; a tag alone in its paragraph (only whitespace around it) is
 * marked so, for odt_sections.c.
 *
 * Left out on purpose: tags inside attribute values (links, image names)
 * and in nested paragraphs, frames or notes as part of the outer
 * paragraph (each is a paragraph of its own).
 */
#include "odt.h"

#include <stdlib.h>

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
		} else if (odt_is_el(c, ODT_NS_TEXT, "s") && !c->children) {
			xmlChar *cnt = xmlGetNsProp(c, (const xmlChar *)"c",
				(const xmlChar *)ODT_NS_TEXT);
			long n = cnt ? strtol((const char *)cnt, NULL, 10) : 1;
			char spaces[64];

			xmlFree(cnt);
			if (n < 1)
				n = 1;
			if (n > 63)
				n = 63;
			memset(spaces, ' ', (size_t)n);
			error = seg_push(pt, c, SEG_SPACE, spaces, (size_t)n);
		} else if (odt_is_el(c, ODT_NS_TEXT, "tab") && !c->children) {
			error = seg_push(pt, c, SEG_TAB, "\t", 1);
		} else if (odt_is_el(c, ODT_NS_TEXT, "line-break") && !c->children) {
			error = seg_push(pt, c, SEG_BREAK, "\n", 1);
		} else if (odt_is_para(c) || odt_is_el(c, ODT_NS_TEXT, "note") ||
			   odt_is_el(c, ODT_NS_OFFICE, "annotation")) {
			continue;
		} else if (c->ns && c->ns->href &&
			   !strcmp((const char *)c->ns->href, ODT_NS_TEXT)) {
			error = collect(pt, c);
		}
	}
	return error;
}

/* ---- tags and their markers ---------------------------------------------- */

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
	return xmlNewDocPI(doc, (const xmlChar *)ODT_MARKER, (const xmlChar *)num);
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
				chancery__odt_link_after(sg->node, m);
				if (*after) {
					xmlNode *rest = xmlNewDocText(sg->node->doc,
						(const xmlChar *)after);

					if (!rest) {
						chancery_free(before);
						chancery_free(after);
						return chancery__oom();
					}
					chancery__odt_link_after(m, rest);
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
	if (count == 1 && odt_all_blank(pt.text.ptr, starts[0]) &&
	    odt_all_blank(pt.text.ptr + ends[0], pt.text.size - ends[0]))
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
int chancery__odt_find_tags(pstate *st, xmlNode *node, bool meta)
{
	int error = 0;

	for (xmlNode *c = node->children; c && !error; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (odt_is_el(c, ODT_NS_OFFICE, "annotation"))
			continue;
		if (meta) {
			bool has_text = false;

			for (xmlNode *k = c->children; k; k = k->next)
				if (k->type == XML_TEXT_NODE)
					has_text = true;
			if (has_text)
				error = scan_para(st, c, true);
			if (!error)
				error = chancery__odt_find_tags(st, c, true);
			continue;
		}
		if (odt_is_para(c))
			error = scan_para(st, c, false);
		if (!error)
			error = chancery__odt_find_tags(st, c, false);
	}
	return error;
}
