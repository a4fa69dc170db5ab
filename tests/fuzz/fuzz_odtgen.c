/*
 * fuzz_odtgen.c - the ODT compiler on structures rather than bytes: the
 * input is a stream of choices that odtgen.c turns into a document
 * (frames, text boxes, notes, nested tables and lists, sections, tags alone
 * in paragraphs and inline, comments, delimiter changes). Beyond not
 * crashing, the template must be refused with a clean one-line error or
 * render to well-formed XML holding every piece of its text; anything else
 * aborts, with the document on stderr.
 */
#include "fuzz.h"
#include "odtgen.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	odtgen_doc doc;
	const char *why;
	int refused;

	odtgen_make(&doc, d, n);
	if ((why = odtgen_check(&doc, &refused))) {
		fprintf(stderr, "odtgen: %s\n%s\n", why, doc.body);
		abort();
	}
	odtgen_free(&doc);
	return 0;
}
