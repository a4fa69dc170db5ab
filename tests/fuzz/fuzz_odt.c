/*
 * fuzz_odt.c - the ODT package reader (zip checks, XML parsing, tags
 * across spans, sections) and the package writer.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	chancery_template *t = NULL;
	void *out = NULL;
	size_t size;

	if (chancery_template_load_odt(&t, d, n, NULL) == 0) {
		if (chancery_template_render_odt(&out, &size, t, fuzz_data()) == 0)
			chancery_free(out);
		chancery_template_free(t);
	}
	chancery_error_clear();
	return 0;
}
