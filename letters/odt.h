/*
 * odt.h - what the ODT files of letters/ share (private to them): the
 * package as loaded (odt_package.c), the compile state of one part while
 * its tags are found (odt_tags.c), its sections placed (odt_sections.c)
 * and it is cut into a Mustache tree (odt_compile.c), and the node helpers
 * all of them use. libxml2 and libzip types stop here: letters.h and the
 * rest of the library never see them.
 */
#ifndef CHANCERY_LETTERS_ODT_H
#define CHANCERY_LETTERS_ODT_H

#include "letters.h"

#include <string.h>
#include <time.h>

#include <libxml/tree.h>
#include <zip.h>

#define ODT_MAX_PART_SIZE ((zip_uint64_t)128 << 20)
/* attributes per element (libxml2's duplicate check is quadratic) */
#define ODT_MAX_ATTRIBUTES 1000
#define ODT_MARKER "chancery-tag"

#define ODT_NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define ODT_NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define ODT_NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"

/* The parts that may hold tags, in this order in odt_package.parts. */
#define ODT_PARTS 3
#define ODT_PART_CONTENT 0
#define ODT_PART_STYLES 1
#define ODT_PART_META 2

typedef struct {
	char *name;
	zip_uint64_t index;
	time_t mtime;
	int part;          /* index into parts, or -1 */
} odt_entry;

typedef struct {
	char name[16];
	bool templated;    /* false: copied as it is */
	mnode root;
} odt_part;

struct odt_package {
	unsigned char *data;   /* the template's bytes (a copy) */
	size_t size;
	char mimetype[80];
	odt_entry *entries;    /* in the template's order */
	size_t nentries;
	odt_part parts[ODT_PARTS];
};

/* A tag found in a part, and the marker node that stands for it. */
typedef struct {
	char sigil;
	char *name;
	size_t nlen;
	mloc loc;
	xmlNode *marker;
	xmlNode *para;
	bool alone;   /* the only thing in its paragraph */
} ptag;

/* The compile state of one part; a marker's number is its tag's index. */
typedef struct {
	chancery_template *t;
	const char *part;
	xmlDoc *doc;
	ptag *tags;
	size_t ntags, atags;
	char otag[MUSTACHE_MAX_DELIM + 1], ctag[MUSTACHE_MAX_DELIM + 1];
	size_t paragraph;
} pstate;

/* ---- node helpers ---------------------------------------------------------- */

static inline bool odt_is_el(const xmlNode *n, const char *ns,
	const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
		!strcmp((const char *)n->ns->href, ns) &&
		!strcmp((const char *)n->name, name);
}

static inline bool odt_is_para(const xmlNode *n)
{
	return odt_is_el(n, ODT_NS_TEXT, "p") || odt_is_el(n, ODT_NS_TEXT, "h");
}

static inline bool odt_is_marker(const xmlNode *n)
{
	return n && n->type == XML_PI_NODE &&
		!strcmp((const char *)n->name, ODT_MARKER);
}

static inline bool odt_all_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

/* Linking without libxml2's text-node merging (it may free nodes we hold). */
void chancery__odt_link_after(xmlNode *cur, xmlNode *node);
void chancery__odt_link_before(xmlNode *cur, xmlNode *node);
void chancery__odt_link_last_child(xmlNode *parent, xmlNode *node);

/* ---- shared by the ODT files -------------------------------------------- */

/* "template 'NAME': ..." as CHANCERY_EINVALID */
int chancery__odt_error(const chancery_template *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Does s[0..n) hold `what`? (s need not be NUL-terminated) */
bool chancery__odt_contains(const char *s, size_t n, const char *what);

/* Entry i of `za` (NUL-terminated), which must hold exactly its declared
 * size and match its CRC-32: 0, CHANCERY_ENOMEM, or the template error
 * "NAME cannot be read (damaged package)". */
int chancery__odt_read_entry(char **out, size_t *size,
	const chancery_template *t, zip_t *za, zip_uint64_t i, const char *name);

/* Compile one part's XML into part->root (odt_compile.c); a part with no
 * tag stays untemplated (copied as it is). */
/* Is `xml` (part `name` of template `t`) well-formed XML without a
 * DOCTYPE? 0, or the one-line error naming the part and the line. */
int chancery__odt_xml_check(const chancery_template *t, const char *name,
	const char *xml, size_t len);
/* The manifest: well-formed, and listing content.xml (a package whose
 * manifest leaves it out cannot be opened by LibreOffice). */
int chancery__odt_manifest_check(const chancery_template *t,
	const char *xml, size_t len);
int chancery__odt_compile_part(chancery_template *t, odt_part *part,
	const char *xml, size_t len);

/* Find the tags of every paragraph and put their markers (odt_tags.c). */
int chancery__odt_find_tags(pstate *st, xmlNode *node, bool meta);

/* Place the sections, then check that each section's markers are
 * siblings (odt_sections.c). */
int chancery__odt_place_sections(pstate *st);
int chancery__odt_check_nesting(pstate *st);

#endif
