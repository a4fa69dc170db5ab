/*
 * template.c - the life cycle of a compiled template: compiling text or
 * loading ODT, rendering, freeing. The work is in mustache_*.c (the
 * language) and odt_*.c (packages). A text template must be UTF-8 text:
 * a PDF or a zip package handed in as one is refused by its name.
 */
#include "letters.h"

#include <stdlib.h>
#include <string.h>

static int template_new(chancery_template **out,
	const chancery_template_options *opts, bool odt)
{
	chancery_template *t;

	*out = NULL;
	t = chancery__calloc(1, sizeof(*t));
	if (!t)
		return chancery__oom();
	t->odt = odt;
	t->escape = odt ? ESC_ODF : ESC_HTML;
	if (opts) {
		t->lenient = opts->lenient != 0;
		t->partials = opts->partials;
		t->payload = opts->payload;
	}
	t->name = chancery__strdup(opts && opts->name ? opts->name :
		odt ? "template.odt" : "template");
	if (!t->name) {
		chancery_free(t);
		return chancery__oom();
	}
	pthread_mutex_init(&t->lock, NULL);
	*out = t;
	return 0;
}

/*
 * A text template is UTF-8 text (tabs and line ends, no other control
 * character). A document some program mistook for one is named by its
 * signature: a PDF may be all UTF-8 (a header and uncompressed streams),
 * a zip package is an ODT template under another name.
 */
static int text_source_check(const char *source, size_t size,
	const char *name)
{
	if (size >= 5 && !memcmp(source, "%PDF-", 5))
		return chancery__error(CHANCERY_EINVALID, "template '%s': a PDF "
			"document, neither an ODT package nor UTF-8 text", name);
	if (size >= 4 && !memcmp(source, "PK\3\4", 4))
		return chancery__error(CHANCERY_EINVALID, "template '%s': a zip "
			"package, not UTF-8 text (an ODT template's name ends in "
			".odt or .ott)", name);
	if (!chancery__utf8_valid(source, size, true))
		return chancery__error(CHANCERY_EINVALID, "template '%s': neither "
			"an ODT package nor UTF-8 text", name);
	return 0;
}

int chancery_template_compile_text(chancery_template **out,
	const char *source, size_t size, const chancery_template_options *opts)
{
	chancery_template *t = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && (source || !size));
	*out = NULL;
	CHANCERY_CHECK_VERSION(opts, CHANCERY_TEMPLATE_OPTIONS_VERSION);
	if ((error = template_new(&t, opts, false)) < 0)
		return error;
	if ((error = text_source_check(source ? source : "", size,
			t->name)) < 0)
		goto done;
	t->source = chancery__strndup(source ? source : "", size);
	t->source_len = size;
	if (!t->source) {
		error = chancery__oom();
		goto done;
	}
	if ((error = chancery__mustache_parse(&t->root, t->source, size, "{{", "}}",
			t)) < 0)
		goto done;
	*out = t;
	t = NULL;
done:
	chancery_template_free(t);
	return error;
}

int chancery_template_load_odt(chancery_template **out, const void *package,
	size_t size, const chancery_template_options *opts)
{
	chancery_template *t = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && (package || !size));
	*out = NULL;
	CHANCERY_CHECK_VERSION(opts, CHANCERY_TEMPLATE_OPTIONS_VERSION);
	if ((error = template_new(&t, opts, true)) < 0)
		return error;
	if ((error = chancery__odt_load(&t->pkg, t, package, size)) < 0) {
		chancery_template_free(t);
		return error;
	}
	*out = t;
	return 0;
}

int chancery_template_open_odt(chancery_template **out, const char *path,
	const chancery_template_options *opts)
{
	chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
	char *data = NULL;
	size_t size = 0;
	int error;

	CHANCERY_ASSERT_ARG(out && path);
	*out = NULL;
	CHANCERY_CHECK_VERSION(opts, CHANCERY_TEMPLATE_OPTIONS_VERSION);
	if ((error = chancery__read_file(&data, &size, path,
			(size_t)512 << 20)) < 0)
		return error;
	if (opts)
		o = *opts;
	if (!o.name) {
		const char *slash = strrchr(path, '/');

		o.name = slash ? slash + 1 : path;
	}
	error = chancery_template_load_odt(out, data, size, &o);
	chancery_free(data);
	return error;
}

void chancery_template_free(chancery_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncache; i++) {
		chancery__mnode_dispose(t->cache[i].root);
		chancery_free(t->cache[i].root);
		chancery_free(t->cache[i].key_name);
		chancery_free(t->cache[i].key_indent);
		chancery_free(t->cache[i].source);
	}
	chancery_free(t->cache);
	chancery__mnode_dispose(&t->root);
	chancery__odt_free(t->pkg);
	pthread_mutex_destroy(&t->lock);
	chancery_free(t->source);
	chancery_free(t->name);
	chancery_free(t);
}

int chancery_template_is_odt(const chancery_template *t)
{
	return t && t->odt;
}

int chancery_template_render_text(char **out, size_t *size,
	const chancery_template *t, const chancery_data *data)
{
	chancery_buf b = CHANCERY_BUF_INIT;
	json_t *empty = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && t);
	*out = NULL;
	if (!data && !(empty = json_object()))
		return chancery__oom();
	if (t->odt)
		error = chancery__odt_render_part(&b, t, "content.xml",
			data ? chancery__data_json(data) : empty);
	else
		error = chancery__mustache_render(&b, t, &t->root,
			data ? chancery__data_json(data) : empty, NULL);
	json_decref(empty);
	if (error < 0) {
		chancery_buf_dispose(&b);
		return error;
	}
	if (size)
		*size = b.size;
	*out = chancery_buf_detach(&b);
	return *out ? 0 : chancery__oom();
}

int chancery_template_render_odt(void **out, size_t *size,
	const chancery_template *t, const chancery_data *data)
{
	return chancery_template_render_odt_meta(out, size, t, data, NULL);
}

int chancery_template_render_odt_meta(void **out, size_t *size,
	const chancery_template *t, const chancery_data *data,
	const char *const *meta)
{
	json_t *empty = NULL;
	int error;

	CHANCERY_ASSERT_ARG(out && size && t);
	*out = NULL;
	*size = 0;
	if (!t->odt)
		return chancery__error(CHANCERY_EINVALID,
			"template '%s' is text, not ODT", t->name);
	if (!data && !(empty = json_object()))
		return chancery__oom();
	error = chancery__odt_render(out, size, t,
		data ? chancery__data_json(data) : empty, meta);
	json_decref(empty);
	return error;
}

int chancery_template_render_odt_file(const chancery_template *t,
	const chancery_data *data, const char *path)
{
	void *buf = NULL;
	size_t size = 0;
	int error;

	CHANCERY_ASSERT_ARG(t && path);
	if ((error = chancery_template_render_odt(&buf, &size, t, data)) < 0)
		return error;
	error = chancery__write_file_atomic(path, buf, size);
	chancery_free(buf);
	return error;
}
