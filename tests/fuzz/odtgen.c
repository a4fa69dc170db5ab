/*
 * odtgen.c - random ODT template structures from a stream of choices (see
 * odtgen.h), and the check of what the engine makes of them.
 *
 * The scanner reads a paragraph's own text before what is nested in it
 * (frames, notes), so the generator writes a paragraph's inline text first
 * and the contents of its frames and notes after, and tracks the
 * delimiters in force in that same order.
 */
#include "odtgen.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <zip.h>

#include "chancery.h"

/* ---- growable strings ------------------------------------------------------- */

typedef struct {
	char *p;
	size_t n, cap;
} gstr;

static void gs_put(gstr *s, const char *t, size_t len)
{
	if (s->n + len + 1 > s->cap) {
		s->cap = (s->n + len + 1) * 2;
		if (!(s->p = realloc(s->p, s->cap)))
			abort();
	}
	memcpy(s->p + s->n, t, len);
	s->n += len;
	s->p[s->n] = '\0';
}

static void gs_puts(gstr *s, const char *t)
{
	gs_put(s, t, strlen(t));
}

static void gs_printf(gstr *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void gs_printf(gstr *s, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	gs_put(s, buf, (size_t)len);
}

/* ---- the generator ---------------------------------------------------------- */

#define MAX_DEPTH 4
#define PLACEHOLDER '\x01'

typedef struct {
	const uint8_t *in;
	size_t n, pos;
	int budget;         /* productions left; at 0 every choice is 0 */
	unsigned words, names, alone_with_content;
	unsigned lists;     /* sections over the list "a" open */
	const char *stray;  /* a section whose close goes elsewhere, or NULL */
	bool angle;         /* delimiters <% %> in force, else {{ }} */
} gen;

static unsigned pick(gen *g, unsigned n)
{
	if (g->pos >= g->n || g->budget <= 0)
		return 0;
	g->budget--;
	return g->in[g->pos++] % n;
}

static void word(gen *g, gstr *s)
{
	gs_printf(s, "w%u;", g->words++);
}

/* A tag with the delimiters in force, as XML text. */
static void tag(gen *g, gstr *s, const char *inner)
{
	gs_puts(s, g->angle ? "&lt;%" : "{{");
	gs_puts(s, inner);
	gs_puts(s, g->angle ? "%&gt;" : "}}");
}

static void delim_change(gen *g, gstr *s)
{
	gs_puts(s, g->angle ? "&lt;%={{ }}=%&gt;" : "{{=&lt;% %&gt;=}}");
	g->angle = !g->angle;
}

/* A section that renders its content at least once: a list of two (not
 * inside another as written, lest the letter double at each level), true,
 * or an inverted false. Each open is followed by its close. */
static const char *section_open(gen *g)
{
	static const char *open[] = { "#t", "^f", "#a" };
	const char *o = open[pick(g, g->lists ? 2 : 3)];

	if (o[1] == 'a')
		g->lists++;
	return o;
}

static const char *section_close(gen *g, const char *open)
{
	if (open[1] == 'a')
		g->lists--;
	return open[1] == 'a' ? "/a" : open[1] == 't' ? "/t" : "/f";
}

static void blocks(gen *g, gstr *s, int depth);

/* Frames and notes of a paragraph, whose contents come after its text. */
typedef struct {
	size_t n;
} deferred;

#define MAX_DEFERRED 16
#define IMAGE "<draw:frame draw:name=\"I\" text:anchor-type=\"as-char\">" \
	"<draw:image xlink:href=\"Pictures/dot.png\"/></draw:frame>"

static void defer(gstr *s, deferred *d)
{
	d->n++;
	gs_put(s, (const char[]){ PLACEHOLDER }, 1);
}

/* A frame with a text box, or a note, whose contents come later. */
static void holder(gstr *line, deferred *d, bool note)
{
	gs_puts(line, note ? "<text:note text:note-class=\"footnote\">"
		"<text:note-citation>1</text:note-citation><text:note-body>" :
		"<draw:frame draw:name=\"G\"><draw:text-box>");
	defer(line, d);
	gs_puts(line, note ? "</text:note-body></text:note>" :
		"</draw:text-box></draw:frame>");
}

static void inline_items(gen *g, gstr *s, int depth, deferred *d, int nmax);

static void inline_item(gen *g, gstr *s, int depth, deferred *d)
{
	unsigned k = pick(g, depth < 3 ? 13 : 4);

	switch (k) {
	case 0:
		word(g, s);
		break;
	case 1:
		gs_printf(s, "<text:span text:style-name=\"S%u\">", pick(g, 3));
		inline_items(g, s, depth + 1, d, 3);
		gs_puts(s, "</text:span>");
		break;
	case 2:
		tag(g, s, "v");
		break;
	case 3: {
		const char *open = section_open(g);

		if (pick(g, 2)) {
			/* opened inside a span, closed after it */
			gs_puts(s, "<text:span text:style-name=\"X\">");
			word(g, s);
			tag(g, s, open);
			inline_items(g, s, depth + 1, d, 2);
			gs_puts(s, "</text:span>");
		} else {
			tag(g, s, open);
		}
		inline_items(g, s, depth + 1, d, 2);
		tag(g, s, section_close(g, open));
		break;
	}
	case 4:
		tag(g, s, "! a comment ");
		break;
	case 5: {
		static const char *ws[] = { "<text:s text:c=\"2\"/>", "<text:tab/>",
			"<text:line-break/>", "<text:soft-page-break/>",
			"<text:bookmark text:name=\"b\"/>" };

		gs_puts(s, ws[pick(g, 5)]);
		break;
	}
	case 6:
		/* a tag split by the word processor */
		gs_puts(s, g->angle ? "&lt;%" : "{{");
		gs_printf(s, "<text:span text:style-name=\"T\">v%s</text:span>",
			g->angle ? "%&gt;" : "}}");
		break;
	case 7:
		delim_change(g, s);
		break;
	case 8:
	case 9:
		if (d->n < MAX_DEFERRED)
			holder(s, d, false);
		break;
	case 10:
		gs_puts(s, IMAGE);
		break;
	case 11:
		if (d->n < MAX_DEFERRED)
			holder(s, d, true);
		break;
	default:
		if (g->stray) {
			/* the close of a section opened somewhere else */
			tag(g, s, section_close(g, g->stray));
			g->stray = NULL;
		}
		word(g, s);
		gs_puts(s, " ");
		word(g, s);
		break;
	}
}

static void inline_items(gen *g, gstr *s, int depth, deferred *d, int nmax)
{
	int n = 1 + (int)pick(g, (unsigned)nmax);

	for (int i = 0; i < n; i++)
		inline_item(g, s, depth, d);
}

/* Write the paragraph held in `line`, its frames' and notes' contents
 * generated now (after its text, as the scanner reads them). */
static void flush_para(gen *g, gstr *s, const char *el, gstr *line,
	deferred *d, int depth)
{
	gstr *inner = calloc(d->n ? d->n : 1, sizeof(gstr));
	size_t k = 0;

	if (!inner)
		abort();
	for (size_t i = 0; i < d->n; i++) {
		blocks(g, &inner[i], depth + 1);
		if (!inner[i].p)
			gs_puts(&inner[i], "");
	}
	gs_printf(s, "<%s>", el);
	for (const char *p = line->p ? line->p : ""; *p; p++) {
		if (*p == PLACEHOLDER)
			gs_puts(s, inner[k++].p);
		else
			gs_put(s, p, 1);
	}
	gs_printf(s, "</%s>", el);
	for (size_t i = 0; i < d->n; i++)
		free(inner[i].p);
	free(inner);
	free(line->p);
}

static void paragraph(gen *g, gstr *s, int depth)
{
	gstr line = { 0 };
	deferred d = { 0 };
	const char *el = pick(g, 5) == 0 ? "text:h" : "text:p";

	inline_items(g, &line, depth, &d, 4);
	flush_para(g, s, el, &line, &d, depth);
}

/* A paragraph holding one tag (or a delimiter change) and nothing else
 * but, maybe, a frame, an image or a note, before or after the tag: what
 * they hold must survive the paragraph's going. */
static void tag_paragraph(gen *g, gstr *s, const char *inner, int depth)
{
	gstr line = { 0 };
	deferred d = { 0 };
	unsigned extra = depth < MAX_DEPTH ? pick(g, 5) : 0;
	bool before = pick(g, 2);

	/* extra: 0 nothing, 1 a space, 2 a text box, 3 an image, 4 a note */
	if (extra >= 2)
		g->alone_with_content++;
	if (before && (extra == 2 || extra == 4))
		holder(&line, &d, extra == 4);
	if (before && extra == 3)
		gs_puts(&line, IMAGE);
	if (inner)
		tag(g, &line, inner);
	else
		delim_change(g, &line);
	if (extra == 1)
		gs_puts(&line, "<text:s/>");
	if (!before && (extra == 2 || extra == 4))
		holder(&line, &d, extra == 4);
	if (!before && extra == 3)
		gs_puts(&line, IMAGE);
	flush_para(g, s, "text:p", &line, &d, depth);
}

static void table(gen *g, gstr *s, int depth)
{
	unsigned cols = 1 + pick(g, 3), rows = 1 + pick(g, 3);
	unsigned kind = pick(g, 3);   /* 0 plain, 1 rows between tag rows, 2 a row repeated */
	const char *open = kind ? section_open(g) : NULL;

	if (kind == 2 && cols < 2)
		cols = 2;   /* opened in the first cell, closed in the last */
	gs_printf(s, "<table:table table:name=\"T%u\">"
		"<table:table-column table:number-columns-repeated=\"%u\"/>",
		g->names++, cols);
	if (kind == 1) {
		gs_puts(s, "<table:table-row>");
		for (unsigned c = 0; c < cols; c++) {
			gs_puts(s, "<table:table-cell>");
			if (c == 0)
				tag_paragraph(g, s, open, depth + 1);
			else if (pick(g, 2))
				blocks(g, s, depth + 1);
			gs_puts(s, "</table:table-cell>");
		}
		gs_puts(s, "</table:table-row>");
	}
	for (unsigned r = 0; r < rows; r++) {
		gs_puts(s, "<table:table-row>");
		for (unsigned c = 0; c < cols; c++) {
			gs_puts(s, "<table:table-cell>");
			if (kind == 2 && r == 0 && c == 0) {
				gstr line = { 0 };
				deferred d = { 0 };

				tag(g, &line, open);
				inline_items(g, &line, depth + 1, &d, 2);
				flush_para(g, s, "text:p", &line, &d, depth + 1);
			}
			blocks(g, s, depth + 1);
			if (kind == 2 && r == 0 && c == cols - 1) {
				gstr line = { 0 };
				deferred d = { 0 };

				inline_items(g, &line, depth + 1, &d, 2);
				tag(g, &line, section_close(g, open));
				flush_para(g, s, "text:p", &line, &d, depth + 1);
			}
			gs_puts(s, "</table:table-cell>");
		}
		gs_puts(s, "</table:table-row>");
	}
	if (kind == 1) {
		gs_puts(s, "<table:table-row>");
		for (unsigned c = 0; c < cols; c++) {
			gs_puts(s, "<table:table-cell>");
			if (c == cols - 1)
				tag_paragraph(g, s, section_close(g, open), depth + 1);
			gs_puts(s, "</table:table-cell>");
		}
		gs_puts(s, "</table:table-row>");
	}
	gs_puts(s, "</table:table>");
}

static void list(gen *g, gstr *s, int depth)
{
	unsigned items = 1 + pick(g, 3);
	bool tagged = pick(g, 2);
	const char *open = tagged ? section_open(g) : NULL;

	gs_puts(s, "<text:list>");
	if (tagged) {
		gs_puts(s, "<text:list-item>");
		tag_paragraph(g, s, open, depth + 1);
		gs_puts(s, "</text:list-item>");
	}
	for (unsigned i = 0; i < items; i++) {
		gs_puts(s, "<text:list-item>");
		blocks(g, s, depth + 1);
		gs_puts(s, "</text:list-item>");
	}
	if (tagged) {
		gs_puts(s, "<text:list-item>");
		tag_paragraph(g, s, section_close(g, open), depth + 1);
		gs_puts(s, "</text:list-item>");
	}
	gs_puts(s, "</text:list>");
}

static void block(gen *g, gstr *s, int depth)
{
	unsigned k = pick(g, depth < MAX_DEPTH ? 8 : 2);

	switch (k) {
	case 0:
	case 1:
		paragraph(g, s, depth);
		break;
	case 2: {
		const char *open = section_open(g);

		tag_paragraph(g, s, open, depth);
		if (!g->stray && pick(g, 16) == 0) {
			/* closed at the next chance, wherever that is: the
			 * structure may be refused, never mangled */
			g->stray = open;
			break;
		}
		blocks(g, s, depth + 1);
		tag_paragraph(g, s, section_close(g, open), depth);
		break;
	}
	case 3:
		tag_paragraph(g, s, pick(g, 2) ? "! alone " : NULL, depth);
		break;
	case 4:
		table(g, s, depth);
		break;
	case 5:
		list(g, s, depth);
		break;
	case 6:
		gs_printf(s, "<text:section text:name=\"S%u\">", g->names++);
		blocks(g, s, depth + 1);
		gs_puts(s, "</text:section>");
		break;
	default:
		tag_paragraph(g, s, "! alone ", depth);
		break;
	}
}

static void blocks(gen *g, gstr *s, int depth)
{
	unsigned n = 1 + pick(g, 3);

	for (unsigned i = 0; i < n; i++)
		block(g, s, depth);
}

void odtgen_make(odtgen_doc *doc, const uint8_t *choices, size_t n)
{
	gen g = { choices, n, 0, 300, 0, 0, 0, 0, NULL, false };
	gstr s = { 0 };

	blocks(&g, &s, 0);
	if (g.stray)
		tag_paragraph(&g, &s, section_close(&g, g.stray), 0);
	if (g.angle)
		gs_puts(&s, "<text:p>&lt;%={{ }}=%&gt;</text:p>");
	doc->body = s.p;
	doc->nwords = g.words;
	doc->alone_with_content = g.alone_with_content;
}

void odtgen_free(odtgen_doc *doc)
{
	free(doc->body);
	doc->body = NULL;
}

/* ---- the package -------------------------------------------------------------- */

static const char ns[] =
	"xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
	"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
	"xmlns:draw=\"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0\" "
	"xmlns:xlink=\"http://www.w3.org/1999/xlink\" office:version=\"1.3\"";

static void add(zip_t *z, const char *name, const char *data, bool store)
{
	char *copy = strdup(data);
	zip_source_t *src = copy ? zip_source_buffer(z, copy, strlen(copy), 1) : NULL;
	zip_int64_t i = src ? zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8) : -1;

	if (i < 0)
		abort();
	zip_set_file_compression(z, (zip_uint64_t)i,
		store ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0);
	zip_file_set_mtime(z, (zip_uint64_t)i, 1079082000, 0);
}

void *odtgen_package(size_t *size, const char *body)
{
	zip_error_t err;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	gstr content = { 0 };
	void *out;

	zip_error_init(&err);
	if (!(src = zip_source_buffer_create(NULL, 0, 0, &err)))
		abort();
	zip_source_keep(src);
	if (!(z = zip_open_from_source(src, ZIP_TRUNCATE, &err)))
		abort();
	gs_printf(&content, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<office:document-content %s><office:body><office:text>", ns);
	gs_puts(&content, body);
	gs_puts(&content, "</office:text></office:body></office:document-content>");
	add(z, "mimetype", "application/vnd.oasis.opendocument.text", true);
	add(z, "META-INF/manifest.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:"
		"xmlns:manifest:1.0\" manifest:version=\"1.3\"><manifest:file-entry "
		"manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis."
		"opendocument.text\"/><manifest:file-entry manifest:full-path="
		"\"content.xml\" manifest:media-type=\"text/xml\"/>"
		"</manifest:manifest>", false);
	add(z, "content.xml", content.p, false);
	free(content.p);
	if (zip_close(z) < 0 || zip_source_stat(src, &st) < 0 ||
	    zip_source_open(src) < 0 || !(out = malloc((size_t)st.size)) ||
	    zip_source_read(src, out, st.size) != (zip_int64_t)st.size)
		abort();
	zip_source_close(src);
	zip_source_free(src);
	*size = (size_t)st.size;
	return out;
}

/* ---- the check ------------------------------------------------------------------ */

static char *entry(const void *pkg, size_t size, const char *name)
{
	zip_error_t err;
	zip_source_t *src;
	zip_t *z;
	zip_stat_t st;
	zip_file_t *f;
	char *buf = NULL;

	zip_error_init(&err);
	if (!(src = zip_source_buffer_create(pkg, size, 0, &err)))
		return NULL;
	if (!(z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err))) {
		zip_source_free(src);
		return NULL;
	}
	if (zip_stat(z, name, 0, &st) == 0 && (f = zip_fopen(z, name, 0))) {
		if ((buf = malloc((size_t)st.size + 1)) &&
		    zip_fread(f, buf, st.size) == (zip_int64_t)st.size) {
			buf[st.size] = '\0';
		} else {
			free(buf);
			buf = NULL;
		}
		zip_fclose(f);
	}
	zip_discard(z);
	return buf;
}

const char *odtgen_check(const odtgen_doc *doc, int *refused)
{
	static char why[700];
	chancery_template *t = NULL;
	chancery_data *data = NULL;
	void *pkg, *out = NULL;
	size_t size, osize;
	char *xml = NULL;
	xmlDoc *x;
	int error;

	*refused = 0;
	why[0] = '\0';
	pkg = odtgen_package(&size, doc->body);
	error = chancery_template_load_odt(&t, pkg, size, NULL);
	free(pkg);
	if (error < 0) {
		const char *msg = chancery_error_last()->message;

		if (error != CHANCERY_EINVALID || strchr(msg, '\n'))
			snprintf(why, sizeof(why), "load failed with %d: %s",
				error, msg);
		*refused = 1;
		goto done;
	}
	if (chancery_data_parse(&data, ODTGEN_DATA, strlen(ODTGEN_DATA)) < 0)
		abort();
	if (chancery_template_render_odt(&out, &osize, t, data) < 0) {
		snprintf(why, sizeof(why), "render failed: %s",
			chancery_error_last()->message);
		goto done;
	}
	if (!(xml = entry(out, osize, "content.xml"))) {
		snprintf(why, sizeof(why), "the rendered package has no "
			"readable content.xml");
		goto done;
	}
	x = xmlReadMemory(xml, (int)strlen(xml), "content.xml", NULL,
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!x) {
		snprintf(why, sizeof(why), "the rendered content.xml is not "
			"well-formed");
		goto done;
	}
	xmlFreeDoc(x);
	for (unsigned i = 0; i < doc->nwords; i++) {
		char w[32];

		snprintf(w, sizeof(w), "w%u;", i);
		if (!strstr(xml, w)) {
			snprintf(why, sizeof(why), "the text '%s' is lost", w);
			goto done;
		}
	}
	if (strstr(xml, "{{") || strstr(xml, "&lt;%") || strstr(xml, "chancery-tag"))
		snprintf(why, sizeof(why), "a tag or marker is left in the letter");
done:
	free(xml);
	chancery_free(out);
	chancery_data_free(data);
	chancery_template_free(t);
	chancery_error_clear();
	return why[0] ? why : NULL;
}
