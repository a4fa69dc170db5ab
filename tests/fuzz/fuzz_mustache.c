/*
 * fuzz_mustache.c - the tag scanner and template compiler (PCRE2 scanner,
 * delimiters, sections, partials, inheritance), then rendering; the first
 * byte picks strict or lenient.
 */
#include "fuzz.h"

static int partial(char **out, size_t *size, const char *name, void *payload)
{
	(void)payload;
	if (strcmp(name, "p"))
		return CHANCERY_ENOTFOUND;
	*out = malloc(16);
	if (!*out)
		return CHANCERY_ENOMEM;
	memcpy(*out, "[{{s}}]{{>p}}", 14);
	*size = 13;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	chancery_template_options o = CHANCERY_TEMPLATE_OPTIONS_INIT;
	chancery_template *t = NULL;
	char *out = NULL;
	size_t size;

	o.lenient = n && (d[0] & 1);
	o.partials = n && (d[0] & 2) ? partial : NULL;
	o.name = "fuzz";
	if (chancery_template_compile_text(&t, (const char *)d, n, &o) == 0) {
		if (chancery_template_render_text(&out, &size, t, fuzz_data()) == 0)
			chancery_free(out);
		chancery_template_free(t);
	}
	chancery_error_clear();
	return 0;
}
