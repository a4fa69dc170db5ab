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
				    (error = chancery__odt_read_entry(&rendered[2], &rlen[2],
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
