/*
 * odt_compile.c - compiling one part of an ODT template (content.xml,
 * styles.xml, meta.xml) into a Mustache syntax tree whose literal text is
 * ready-made XML.
 *
 *   1. refuse what must never be parsed: a DOCTYPE or entity declaration
 *      (so no DTD, external entity or entity expansion can happen), the
 *      reserved <?chancery-tag?>, invalid UTF-8 or control characters, an
 *      element with more than ODT_MAX_ATTRIBUTES attributes;
 *   2. parse it with libxml2 (no network, nesting no deeper than libxml2's
 *      default limit);
 *   3. find the tags and put their markers (odt_tags.c), place the
 *      sections and check them (odt_sections.c);
 *   4. serialize with libxml2 and cut the XML at the markers into the
 *      literal and tag tokens of a Mustache tree (mustache_parse.c builds
 *      it, mustache_render.c renders it).
 * A part without "{{" is not parsed at all and is copied byte for byte; so
 * is one whose "{{" was outside any text.
 *
 * Left out on purpose: parent templates ({{<x}}) inside ODT, tags inside
 * attribute values.
 */
#include "odt.h"

#include <stdlib.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

/* ---- node helpers --------------------------------------------------------- */

void chancery__odt_link_after(xmlNode *cur, xmlNode *node)
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

void chancery__odt_link_before(xmlNode *cur, xmlNode *node)
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

void chancery__odt_link_last_child(xmlNode *parent, xmlNode *node)
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

/* ---- serialize and cut --------------------------------------------------------------------- */

static int cut(pstate *st, mnode *root, const char *xml, size_t len)
{
	mtoken *toks = NULL;
	size_t n = 0, alloc = 0, pos = 0;
	static const char open[] = "<?" ODT_MARKER " ";
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

bool chancery__odt_contains(const char *s, size_t n, const char *what)
{
	size_t w = strlen(what);

	for (size_t i = 0; i + w <= n; i++)
		if (s[i] == what[0] && !memcmp(s + i, what, w))
			return true;
	return false;
}

/* Where the first start tag with more than ODT_MAX_ATTRIBUTES attributes
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
			} else if (s[i] == '=' && ++count > ODT_MAX_ATTRIBUTES) {
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

/* `xml` parsed as part `name` into *doc (and its parser into *ctxt; the
 * caller frees both, even on error): not well-formed is "NAME line N:
 * why", a DOCTYPE is refused. */
static int parse_part(xmlDoc **doc, xmlParserCtxt **ctxt,
	const chancery_template *t, const char *name, const char *xml,
	size_t len)
{
	if (!(*ctxt = xmlNewParserCtxt()))
		return chancery__oom();
	*doc = xmlCtxtReadMemory(*ctxt, xml, (int)len, name, "UTF-8",
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!*doc) {
		const xmlError *e = xmlCtxtGetLastError(*ctxt);

		if (!e || e->code == XML_ERR_NO_MEMORY)
			return chancery__oom();
		return chancery__odt_error(t, "%s line %d: %s", name, e->line,
			e->message ? e->message : "not well-formed XML");
	}
	if ((*doc)->intSubset || (*doc)->extSubset)
		return chancery__odt_error(t, "%s: a DOCTYPE (DTDs are refused)",
			name);
	return 0;
}

int chancery__odt_xml_check(const chancery_template *t, const char *name,
	const char *xml, size_t len)
{
	xmlParserCtxt *ctxt = NULL;
	xmlDoc *doc = NULL;
	int error = parse_part(&doc, &ctxt, t, name, xml, len);

	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return error;
}

#define MANIFEST_NS "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"

/* Whether the manifest's root lists a file-entry with full-path `path`. */
static bool manifest_lists(xmlNode *root, const char *path)
{
	for (xmlNode *n = root ? root->children : NULL; n; n = n->next) {
		xmlChar *p;
		bool same;

		if (n->type != XML_ELEMENT_NODE || !n->ns ||
		    strcmp((const char *)n->name, "file-entry") ||
		    strcmp((const char *)n->ns->href, MANIFEST_NS))
			continue;
		p = xmlGetNsProp(n, BAD_CAST "full-path", BAD_CAST MANIFEST_NS);
		same = p && !strcmp((const char *)p, path);
		xmlFree(p);
		if (same)
			return true;
	}
	return false;
}

int chancery__odt_manifest_check(const chancery_template *t,
	const char *xml, size_t len)
{
	xmlParserCtxt *ctxt = NULL;
	xmlDoc *doc = NULL;
	int error = parse_part(&doc, &ctxt, t, "META-INF/manifest.xml", xml,
		len);

	if (!error && !manifest_lists(xmlDocGetRootElement(doc), "content.xml"))
		error = chancery__odt_error(t, "META-INF/manifest.xml does not "
			"list content.xml: LibreOffice cannot open such a "
			"package (add a manifest:file-entry for it)");
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return error;
}

int chancery__odt_compile_part(chancery_template *t, odt_part *part,
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
	snprintf(st.otag, sizeof(st.otag), "{{");
	snprintf(st.ctag, sizeof(st.ctag), "}}");
	if (chancery__odt_contains(xml, len, "<!DOCTYPE") || chancery__odt_contains(xml, len, "<!ENTITY"))
		return chancery__odt_error(t, "%s: a DOCTYPE or entity declaration (DTDs "
			"and entities are refused)", part->name);
	if (chancery__odt_contains(xml, len, "<?" ODT_MARKER))
		return chancery__odt_error(t, "%s: holds the reserved <?" ODT_MARKER "?>",
			part->name);
	if (!chancery__utf8_valid(xml, len, true))
		return chancery__odt_error(t, "%s: not UTF-8 (or holds control "
			"characters)", part->name);
	{
		size_t at = attribute_flood(xml, len);

		if (at < len)
			return chancery__odt_error(t, "%s line %zu: an element with more "
				"than %d attributes (the limit)", part->name,
				line_at(xml, at), ODT_MAX_ATTRIBUTES);
	}
	/* parsed even when no tag can be in it: a part that is not XML is
	 * refused here, not copied into every letter */
	if ((error = parse_part(&st.doc, &ctxt, t, part->name, xml, len)) < 0)
		goto done;
	if (!chancery__odt_contains(xml, len, "{{"))
		goto done;   /* no tag can be in it: copy it as it is */
	if ((error = chancery__odt_find_tags(&st, (xmlNode *)st.doc, meta)) < 0 ||
	    (error = chancery__odt_place_sections(&st)) < 0 || (error = chancery__odt_check_nesting(&st)) < 0)
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
