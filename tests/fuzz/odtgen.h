/*
 * odtgen.h - a structure-aware generator of ODT templates, shared by the
 * unit test (tests/unit/test_odt.c, seeds from a PRNG) and the fuzz target
 * (tests/fuzz/fuzz_odtgen.c, choices from libFuzzer's bytes).
 *
 * Each byte of the choice stream picks one production: paragraphs and
 * headings, spans, frames with text boxes, images, notes, nested tables and
 * lists, sections, tags alone in paragraphs (with frames in them) and
 * inline, section tags in table rows and list items, comments, delimiter
 * changes. Every piece of text that is not a tag is a numbered word
 * "wN;", and the data makes every section render at least once, so that
 * odtgen_check() can demand each word back in the rendered letter.
 */
#ifndef CHANCERY_ODTGEN_H
#define CHANCERY_ODTGEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	char *body;        /* the office:text content */
	unsigned nwords;   /* words w0; .. w(nwords-1); were put in */
	unsigned alone_with_content; /* tag paragraphs holding a frame or note */
} odtgen_doc;

/* The data odtgen_check() renders with. */
#define ODTGEN_DATA "{\"a\":[{\"k\":1},{\"k\":2}],\"t\":true,\"f\":false," \
	"\"v\":\"Val\"}"

/* Build a document from the choices (malloc'd; odtgen_free releases). */
void odtgen_make(odtgen_doc *doc, const uint8_t *choices, size_t n);
void odtgen_free(odtgen_doc *doc);

/* A complete .odt package (malloc'd) whose content.xml holds `body`. */
void *odtgen_package(size_t *size, const char *body);

/*
 * Load the document as a template (strict) and render it with ODTGEN_DATA.
 * Returns NULL when all is well: either the template was refused with a
 * clean one-line template error (*refused is set) or it rendered to a
 * well-formed content.xml holding every word. Otherwise returns what went
 * wrong (a static buffer).
 */
const char *odtgen_check(const odtgen_doc *doc, int *refused);

#endif
