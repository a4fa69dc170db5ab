/*
 * odt_render.c - rendering an ODT template: each templated part walked
 * with the data (mustache_render.c), one step budget for the whole
 * document, and the package written back in memory.
 *
 * Everything is rendered first, so that an error writes nothing. The new
 * zip: mimetype first and stored; untouched entries copied compressed as
 * they are (no recompression); rendered parts deflated; every entry keeps
 * the template's order and timestamps, so the same template and data give
 * the same bytes. Provenance (chancery:template, chancery:registry...)
 * goes into meta.xml as <meta:user-defined> entries, XML-escaped.
 *
 * Left out on purpose: writing to a file (template.c does it, atomically),
 * streaming a package bigger than memory.
 */
#include "odt.h"

#include <stdlib.h>

int chancery__odt_render_part(chancery_buf *out, const chancery_template *t,
	const char *part, const json_t *data)
{
	for (int i = 0; i < ODT_PARTS; i++)
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

/* The parts of the document, rendered (NULL: a part with no tag). */
typedef struct {
	char *xml[ODT_PARTS];
	size_t len[ODT_PARTS];
} rendered_parts;

static int render_parts(rendered_parts *r, const chancery_template *t,
	const json_t *data)
{
	mbudget budget = { 0 };   /* one for the document's parts */
	int error;

	for (int i = 0; i < ODT_PARTS; i++) {
		chancery_buf b = CHANCERY_BUF_INIT;

		if (!t->pkg->parts[i].templated)
			continue;
		if ((error = chancery__mustache_render(&b, t,
				&t->pkg->parts[i].root, data, &budget)) < 0) {
			chancery_buf_dispose(&b);
			return error;
		}
		r->len[i] = b.size;
		if (!(r->xml[i] = chancery_buf_detach(&b)))
			return chancery__oom();
	}
	return 0;
}

/* Provenance into meta.xml, rendered or as the template has it. */
static int add_provenance(rendered_parts *r, const chancery_template *t,
	zip_t *in, const char *const *meta)
{
	const odt_package *pkg = t->pkg;
	char **xml = &r->xml[ODT_PART_META];
	size_t *len = &r->len[ODT_PART_META];
	int error;

	for (size_t i = 0; !*xml && i < pkg->nentries; i++)
		if (pkg->entries[i].part == ODT_PART_META &&
		    (error = chancery__odt_read_entry(xml, len, t, in,
				pkg->entries[i].index, "meta.xml")) < 0) {
			/* it read at load: now it is the system */
			if (error != CHANCERY_ENOMEM)
				error = chancery__error(CHANCERY_ERROR,
					"template '%s': meta.xml cannot be read",
					t->name);
			return error;
		}
	return *xml ? add_meta(xml, len, meta) : 0;
}

/* The mimetype entry, first and stored, with the template's time. */
static int add_mimetype(zip_t *zo, const chancery_template *t)
{
	const odt_package *pkg = t->pkg;
	zip_source_t *s = zip_source_buffer(zo, pkg->mimetype,
		strlen(pkg->mimetype), 0);
	zip_int64_t idx = s ? zip_file_add(zo, "mimetype", s,
		ZIP_FL_ENC_UTF_8) : -1;
	time_t mt = 0;

	if (idx < 0) {
		zip_source_free(s);
		return zip_fail(t, zo, "mimetype");
	}
	for (size_t i = 0; i < pkg->nentries; i++)
		if (!strcmp(pkg->entries[i].name, "mimetype"))
			mt = pkg->entries[i].mtime;
	zip_set_file_compression(zo, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
	zip_file_set_mtime(zo, (zip_uint64_t)idx, mt, 0);
	return 0;
}

/* Every other entry in the template's order: a rendered part deflated,
 * anything else copied compressed as it is. */
static int add_entries(zip_t *zo, zip_t *in, const rendered_parts *r,
	const chancery_template *t)
{
	const odt_package *pkg = t->pkg;

	for (size_t i = 0; i < pkg->nentries; i++) {
		const odt_entry *e = &pkg->entries[i];
		zip_source_t *s;
		zip_int64_t idx;
		bool fresh = e->part >= 0 && r->xml[e->part];

		if (!strcmp(e->name, "mimetype"))
			continue;
		if (fresh)
			s = zip_source_buffer(zo, r->xml[e->part],
				r->len[e->part], 0);
		else
			s = zip_source_zip(zo, in, e->index, 0, 0, -1);
		idx = s ? zip_file_add(zo, e->name, s, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0) {
			zip_source_free(s);
			return zip_fail(t, zo, e->name);
		}
		if (fresh)
			zip_set_file_compression(zo, (zip_uint64_t)idx,
				ZIP_CM_DEFLATE, 6);
		zip_file_set_mtime(zo, (zip_uint64_t)idx, e->mtime, 0);
	}
	return 0;
}

/* The bytes of the package written into `outsrc`. */
static int read_back(void **out, size_t *size, zip_source_t *outsrc)
{
	zip_stat_t st;
	void *buf;

	if (zip_source_stat(outsrc, &st) < 0 || zip_source_open(outsrc) < 0)
		return chancery__error(CHANCERY_ERROR,
			"cannot read the package back");
	buf = chancery__malloc((size_t)st.size);
	if (!buf) {
		zip_source_close(outsrc);
		return chancery__oom();
	}
	if (zip_source_read(outsrc, buf, st.size) != (zip_int64_t)st.size) {
		zip_source_close(outsrc);
		chancery_free(buf);
		return chancery__error(CHANCERY_ERROR,
			"cannot read the package back");
	}
	zip_source_close(outsrc);
	*out = buf;
	*size = (size_t)st.size;
	return 0;
}

int chancery__odt_render(void **out, size_t *size, const chancery_template *t,
	const json_t *data, const char *const *meta)
{
	const odt_package *pkg = t->pkg;
	zip_source_t *insrc = NULL, *outsrc = NULL;
	zip_t *in = NULL, *zo = NULL;
	zip_error_t zerr;
	rendered_parts r = { { NULL }, { 0 } };
	int error;

	*out = NULL;
	*size = 0;
	/* render first: an error writes nothing */
	if ((error = render_parts(&r, t, data)) < 0)
		goto done;
	zip_error_init(&zerr);
	insrc = zip_source_buffer_create(pkg->data, pkg->size, 0, &zerr);
	if (!insrc || !(in = zip_open_from_source(insrc, ZIP_RDONLY, &zerr))) {
		zip_source_free(insrc);
		error = chancery__error(CHANCERY_ERROR,
			"template '%s': cannot reopen the package", t->name);
		goto done;
	}
	if (meta && meta[0] && (error = add_provenance(&r, t, in, meta)) < 0)
		goto done;
	if (!(outsrc = zip_source_buffer_create(NULL, 0, 0, &zerr))) {
		error = chancery__oom();
		goto done;
	}
	zip_source_keep(outsrc);
	if (!(zo = zip_open_from_source(outsrc, ZIP_TRUNCATE, &zerr))) {
		error = chancery__error(CHANCERY_ERROR,
			"cannot create a package in memory");
		goto done;
	}
	if ((error = add_mimetype(zo, t)) < 0 ||
	    (error = add_entries(zo, in, &r, t)) < 0)
		goto done;
	if (zip_close(zo) < 0) {
		error = zip_fail(t, zo, "write the package");
		goto done;
	}
	zo = NULL;
	error = read_back(out, size, outsrc);
done:
	if (zo)
		zip_discard(zo);
	if (in)
		zip_discard(in);
	zip_source_free(outsrc);
	for (int i = 0; i < ODT_PARTS; i++)
		chancery_free(r.xml[i]);
	return error;
}
