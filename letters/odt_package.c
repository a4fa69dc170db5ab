/*
 * odt_package.c - reading an ODT template package: the checks that refuse
 * hostile or broken packages before anything is parsed, then the parts
 * that may hold tags compiled (odt_compile.c).
 *
 * Refused: more than MAX_ENTRIES entries, entries larger than
 * MAX_ENTRY_SIZE or compressed more than MAX_RATIO times (zip bombs), more
 * than MAX_TOTAL_SIZE in all, names that climb out ("../", absolute,
 * backslashes, drive letters), duplicate names, zip or ODF encryption, a
 * missing or wrong mimetype, a missing manifest or one that does not list
 * content.xml (LibreOffice cannot open such a package), XML with a DOCTYPE (in a
 * .xml or .rdf entry that is copied, not parsed: entity declarations,
 * internal subsets and outside DTDs), entries that are symbolic links,
 * devices or pipes or carry setuid/setgid/sticky bits, entries whose data
 * or CRC-32 is damaged (every entry is read through: the writer copies
 * them as they are). A mimetype entry that is present and right but not
 * first (Word 2013 writes them so) is accepted; odt_render.c writes it
 * first.
 *
 * The package keeps a copy of the template's bytes, its entries in their
 * order with their timestamps, and the compiled parts; nothing else of
 * libzip outlives chancery__odt_load.
 *
 * Left out on purpose: ODF documents other than text (spreadsheets,
 * presentations), flat ODF (.fodt), repairing damaged packages.
 */
#include "odt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_ENTRIES 10000
#define MAX_ENTRY_SIZE ((zip_uint64_t)256 << 20)
#define MAX_TOTAL_SIZE ((zip_uint64_t)1 << 30)
#define MAX_RATIO 200

static const char *part_names[ODT_PARTS] = { "content.xml", "styles.xml",
	"meta.xml" };

/* ---- errors ---------------------------------------------------------------- */

int chancery__odt_error(const chancery_template *t, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return chancery__error(CHANCERY_EINVALID, "template '%s': %s",
		t->name, msg);
}

/* ---- the package ------------------------------------------------------------------------------ */

static bool name_safe(const char *n)
{
	if (!*n || n[0] == '/' || strchr(n, '\\') || strlen(n) > 1024 ||
	    !chancery__utf8_valid(n, strlen(n), false))
		return false;
	if (n[0] && n[1] == ':')
		return false;
	for (const char *p = n; *p;) {
		const char *slash = strchr(p, '/');
		size_t seg = slash ? (size_t)(slash - p) : strlen(p);

		if ((seg == 2 && !strncmp(p, "..", 2)) ||
		    (seg == 1 && p[0] == '.'))
			return false;
		p += seg + (slash ? 1 : 0);
		if (!slash)
			break;
	}
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Entry i of `za` (NUL-terminated), which must hold exactly its declared
 * size and match its CRC-32: 0, CHANCERY_ENOMEM, or the template error
 * "NAME cannot be read (damaged package)". */
int chancery__odt_read_entry(char **out, size_t *size, const chancery_template *t,
	zip_t *za, zip_uint64_t i, const char *name)
{
	zip_file_t *f;
	zip_stat_t st;
	char *buf;
	zip_int64_t got;

	*out = NULL;
	if (zip_stat_index(za, i, ZIP_STAT_SIZE, &st) < 0 ||
	    !(f = zip_fopen_index(za, i, 0)))
		return chancery__odt_error(t, "%s cannot be read (damaged package)", name);
	buf = chancery__malloc((size_t)st.size + 1);
	if (!buf) {
		zip_fclose(f);
		return chancery__oom();
	}
	got = zip_fread(f, buf, st.size + 1);
	/* libzip reports a bad CRC-32 on the read after the data */
	if (got >= 0 && (zip_uint64_t)got == st.size &&
	    zip_fread(f, buf + got, 1) != 0)
		got = -1;
	zip_fclose(f);
	if (got < 0 || (zip_uint64_t)got != st.size) {
		chancery_free(buf);
		return chancery__odt_error(t, "%s cannot be read (damaged package)", name);
	}
	buf[got] = '\0';
	*out = buf;
	*size = (size_t)got;
	return 0;
}

/* A package is data: an entry that is a symbolic link, a device or a pipe,
 * or whose Unix mode carries setuid, setgid or sticky bits, is refused. A
 * directory entry (its name ends in '/') is allowed. */
static int check_mode(const chancery_template *t, zip_t *za, zip_uint64_t i,
	const char *name)
{
	zip_uint8_t opsys;
	zip_uint32_t attr;
	unsigned mode, type;
	size_t len = strlen(name);

	if (zip_file_get_external_attributes(za, i, 0, &opsys, &attr) < 0)
		return chancery__odt_error(t, "entry '%.80s' cannot be read", name);
	if (opsys != ZIP_OPSYS_UNIX)
		return 0;
	mode = attr >> 16;
	type = mode & 0170000;
	if (type == 0120000)
		return chancery__odt_error(t, "entry '%.80s' is a symbolic link (refused)",
			name);
	if (type && type != 0100000 &&
	    !(type == 0040000 && len && name[len - 1] == '/'))
		return chancery__odt_error(t, "entry '%.80s' is not a regular file "
			"(mode %06o, refused)", name, mode);
	if (mode & 07000)
		return chancery__odt_error(t, "entry '%.80s' has setuid, setgid or sticky "
			"bits (mode %06o, refused)", name, mode);
	return 0;
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++) {
		char c = s[n - k + i];

		if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != suffix[i])
			return false;
	}
	return true;
}

/* In an XML entry that is copied, not parsed: what a consumer of the
 * letter could act on, an entity declaration, an internal DTD subset, or an
 * outside DTD (a system identifier that is not a plain file name in the
 * package). OpenOffice's Basic and dialog libraries declare a DTD by
 * public identifier and plain name ("module.dtd"); they pass. */
static bool risky_doctype(const char *s, size_t n)
{
	if (chancery__odt_contains(s, n, "<!ENTITY"))
		return true;
	for (size_t i = 0; i + 9 <= n; i++) {
		const char *end, *lit = NULL;
		size_t litlen = 0;

		if (memcmp(s + i, "<!DOCTYPE", 9))
			continue;
		if (!(end = memchr(s + i, '>', n - i)))
			return true;
		for (const char *p = s + i + 9; p < end; p++) {
			const char *q;

			if (*p == '[')
				return true;
			if (*p != '"' && *p != '\'')
				continue;
			if (!(q = memchr(p + 1, *p, (size_t)(end - p - 1))))
				return true;
			lit = p + 1;
			litlen = (size_t)(q - p - 1);
			p = q;
		}
		for (size_t k = 0; lit && k < litlen; k++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789._-", lit[k]))
				return true;
		i = (size_t)(end - s);
	}
	return false;
}

/* Read an entry that is not parsed through to its end, so that libzip
 * checks its data and CRC-32 (the writer copies such entries as they are).
 * An XML or RDF entry (settings.xml, manifest.rdf...) is read whole and
 * refused with a risky DOCTYPE (see risky_doctype). */
static int check_entry_data(const chancery_template *t, zip_t *za,
	const odt_entry *e)
{
	char buf[16384];
	zip_file_t *f;
	zip_int64_t got;
	int error = 0;

	if (ends_with_ci(e->name, ".xml") || ends_with_ci(e->name, ".rdf")) {
		zip_stat_t st;
		char *xml = NULL;
		size_t len = 0;

		if (zip_stat_index(za, e->index, 0, &st) == 0 &&
		    st.size > ODT_MAX_PART_SIZE)
			return chancery__odt_error(t, "%s is larger than %llu bytes", e->name,
				(unsigned long long)ODT_MAX_PART_SIZE);
		if ((error = chancery__odt_read_entry(&xml, &len, t, za, e->index, e->name)) < 0)
			return error;
		if (risky_doctype(xml, len))
			error = chancery__odt_error(t, "%s: an entity declaration, an internal "
				"DTD subset or a DTD from outside the package "
				"(refused)", e->name);
		chancery_free(xml);
		return error;
	}
	if (!(f = zip_fopen_index(za, e->index, 0)))
		return chancery__odt_error(t, "entry '%.80s' is damaged (%s)", e->name,
			zip_strerror(za));
	while ((got = zip_fread(f, buf, sizeof(buf))) > 0)
		;
	if (got < 0)
		error = chancery__odt_error(t, "entry '%.80s' is damaged (%s)", e->name,
			zip_file_strerror(f));
	zip_fclose(f);
	return error;
}

void chancery__odt_free(odt_package *pkg)
{
	if (!pkg)
		return;
	for (size_t i = 0; i < pkg->nentries; i++)
		chancery_free(pkg->entries[i].name);
	chancery_free(pkg->entries);
	for (int i = 0; i < ODT_PARTS; i++)
		chancery__mnode_dispose(&pkg->parts[i].root);
	chancery_free(pkg->data);
	chancery_free(pkg);
}

/* libzip over the package's own copy of the bytes, consistency checked. */
static int open_zip(zip_t **out, const chancery_template *t,
	odt_package *pkg)
{
	zip_source_t *src;
	zip_error_t zerr;

	*out = NULL;
	zip_error_init(&zerr);
	src = zip_source_buffer_create(pkg->data, pkg->size, 0, &zerr);
	if (src && (*out = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS,
			&zerr)))
		return 0;
	zip_source_free(src);
	if (zip_error_code_zip(&zerr) == ZIP_ER_EXISTS)
		return chancery__odt_error(t, "an entry appears twice "
			"(duplicate entries are refused)");
	return chancery__odt_error(t, "not a zip package (%s)",
		zip_error_strerror(&zerr));
}

/* The checks of entry i from its directory record: name, encryption,
 * mode, size, ratio; `total` adds up the uncompressed sizes. */
static int check_stat(zip_stat_t *st, zip_uint64_t *total,
	const chancery_template *t, zip_t *za, zip_int64_t i)
{
	int error;

	if (zip_stat_index(za, (zip_uint64_t)i, 0, st) < 0 ||
	    !(st->valid & ZIP_STAT_NAME) || !(st->valid & ZIP_STAT_SIZE))
		return chancery__odt_error(t, "entry %lld cannot be read",
			(long long)i);
	if (!name_safe(st->name))
		return chancery__odt_error(t, "entry name '%.80s' is not allowed "
			"(absolute, climbing out, or not UTF-8)", st->name);
	if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st->encryption_method != ZIP_EM_NONE)
		return chancery__odt_error(t, "entry '%.80s' is encrypted: "
			"encrypted documents are refused", st->name);
	if ((error = check_mode(t, za, (zip_uint64_t)i, st->name)) < 0)
		return error;
	if (st->size > MAX_ENTRY_SIZE)
		return chancery__odt_error(t, "entry '%.80s' is %llu bytes "
			"uncompressed (the limit is %llu)", st->name,
			(unsigned long long)st->size,
			(unsigned long long)MAX_ENTRY_SIZE);
	if ((st->valid & ZIP_STAT_COMP_SIZE) && st->size > (1 << 20) &&
	    st->size / (st->comp_size ? st->comp_size : 1) > MAX_RATIO)
		return chancery__odt_error(t, "entry '%.80s' expands %llu times "
			"(a zip bomb?)", st->name, (unsigned long long)
			(st->size / (st->comp_size ? st->comp_size : 1)));
	*total += st->size;
	if (*total > MAX_TOTAL_SIZE)
		return chancery__odt_error(t, "more than %llu bytes uncompressed",
			(unsigned long long)MAX_TOTAL_SIZE);
	return 0;
}

/* No two entries of one name, whatever libzip's own check let through. */
static int check_duplicates(const chancery_template *t,
	const odt_package *pkg)
{
	char **names = chancery__calloc(pkg->nentries, sizeof(char *));
	int error = 0;

	if (!names)
		return chancery__oom();
	for (size_t i = 0; i < pkg->nentries; i++)
		names[i] = pkg->entries[i].name;
	qsort(names, pkg->nentries, sizeof(char *), cmp_str);
	for (size_t i = 1; i < pkg->nentries && !error; i++)
		if (!strcmp(names[i - 1], names[i]))
			error = chancery__odt_error(t, "entry '%.80s' appears "
				"twice", names[i]);
	chancery_free(names);
	return error;
}

/* The entries, in the package's order, each checked from its directory
 * record; *mimetype_at and *manifest_at get where those two are, or -1. */
static int read_entries(odt_package *pkg, int *mimetype_at, int *manifest_at,
	const chancery_template *t, zip_t *za)
{
	zip_int64_t n = zip_get_num_entries(za, 0);
	zip_uint64_t total = 0;
	int error;

	*mimetype_at = *manifest_at = -1;
	if (n <= 0 || n > MAX_ENTRIES)
		return chancery__odt_error(t, "%lld entries (a package has 1 to "
			"%d)", (long long)n, MAX_ENTRIES);
	pkg->entries = chancery__calloc((size_t)n, sizeof(odt_entry));
	if (!pkg->entries)
		return chancery__oom();
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		odt_entry *e = &pkg->entries[i];

		if ((error = check_stat(&st, &total, t, za, i)) < 0)
			return error;
		if (!(e->name = chancery__strdup(st.name)))
			return chancery__oom();
		e->index = (zip_uint64_t)i;
		e->mtime = (st.valid & ZIP_STAT_MTIME) ? st.mtime : 0;
		e->part = -1;
		pkg->nentries++;
		if (!strcmp(st.name, "mimetype"))
			*mimetype_at = (int)i;
		if (!strcmp(st.name, "META-INF/manifest.xml"))
			*manifest_at = (int)i;
		for (int k = 0; k < ODT_PARTS; k++)
			if (!strcmp(st.name, part_names[k]))
				e->part = k;
	}
	return check_duplicates(t, pkg);
}

/* The mimetype entry: an OpenDocument text or text template. */
static int check_mimetype(odt_package *pkg, const chancery_template *t,
	zip_t *za, int at)
{
	char *mt = NULL;
	size_t mlen = 0;
	zip_stat_t st;
	int error = 0;

	if (at < 0)
		return chancery__odt_error(t, "no mimetype entry: not an "
			"OpenDocument package");
	zip_stat_index(za, (zip_uint64_t)at, 0, &st);
	if (st.size <= 70 && (error = chancery__odt_read_entry(&mt, &mlen, t,
			za, (zip_uint64_t)at, "mimetype")) < 0)
		return error;
	if (st.size > 70 ||
	    (strcmp(mt, "application/vnd.oasis.opendocument.text") &&
	     strcmp(mt, "application/vnd.oasis.opendocument.text-template")))
		error = chancery__odt_error(t, "mimetype '%.70s' is not an "
			"OpenDocument text (.odt or .ott)", mt ? mt : "?");
	else
		snprintf(pkg->mimetype, sizeof(pkg->mimetype), "%s", mt);
	chancery_free(mt);
	return error;
}

/* The manifest: present, no DTD, and no encryption data (a document
 * protected by a password). */
static int check_manifest(const chancery_template *t, zip_t *za, int at)
{
	char *man = NULL;
	size_t mlen = 0;
	zip_stat_t st;
	int error;

	if (at < 0)
		return chancery__odt_error(t, "no META-INF/manifest.xml: not a "
			"complete OpenDocument package");
	zip_stat_index(za, (zip_uint64_t)at, 0, &st);
	if (st.size > ODT_MAX_PART_SIZE)
		return chancery__odt_error(t, "META-INF/manifest.xml cannot be "
			"read");
	if ((error = chancery__odt_read_entry(&man, &mlen, t, za,
			(zip_uint64_t)at, "META-INF/manifest.xml")) < 0)
		return error;
	if (chancery__odt_contains(man, mlen, "encryption-data"))
		error = chancery__odt_error(t, "the document is encrypted "
			"(password protected): encrypted documents are refused");
	else if (chancery__odt_contains(man, mlen, "<!DOCTYPE") ||
		 chancery__odt_contains(man, mlen, "<!ENTITY"))
		error = chancery__odt_error(t, "META-INF/manifest.xml: a DOCTYPE "
			"or entity declaration (refused)");
	else
		error = chancery__odt_manifest_check(t, man, mlen);
	chancery_free(man);
	return error;
}

/* Each part that may hold tags, read whole and compiled; content.xml
 * must be there. */
static int compile_parts(odt_package *pkg, chancery_template *t, zip_t *za)
{
	bool has_content = false;
	int error;

	for (size_t i = 0; i < pkg->nentries; i++) {
		odt_entry *e = &pkg->entries[i];
		zip_stat_t st;
		char *xml = NULL;
		size_t xlen = 0;

		if (e->part < 0)
			continue;
		has_content |= e->part == ODT_PART_CONTENT;
		zip_stat_index(za, e->index, 0, &st);
		if (st.size > ODT_MAX_PART_SIZE)
			return chancery__odt_error(t, "%s is larger than %llu "
				"bytes", e->name,
				(unsigned long long)ODT_MAX_PART_SIZE);
		if ((error = chancery__odt_read_entry(&xml, &xlen, t, za,
				e->index, e->name)) < 0)
			return error;
		error = chancery__odt_compile_part(t, &pkg->parts[e->part], xml,
			xlen);
		chancery_free(xml);
		if (error < 0)
			return error;
	}
	return has_content ? 0 : chancery__odt_error(t, "no content.xml");
}

/*
 * The checks run in this order, and a package is refused at the first
 * that fails: the zip itself, every entry's directory record, the
 * mimetype, the manifest, the parts (parsed: a part's error names its
 * paragraph), then the data of every other entry, read through.
 */
int chancery__odt_load(odt_package **out, chancery_template *t,
	const void *data, size_t size)
{
	odt_package *pkg;
	zip_t *za = NULL;
	int mimetype_at = -1, manifest_at = -1;
	int error;

	*out = NULL;
	pkg = chancery__calloc(1, sizeof(*pkg));
	if (!pkg || !(pkg->data = chancery__malloc(size ? size : 1))) {
		chancery_free(pkg);
		return chancery__oom();
	}
	memcpy(pkg->data, data, size);
	pkg->size = size;
	for (int i = 0; i < ODT_PARTS; i++)
		snprintf(pkg->parts[i].name, sizeof(pkg->parts[i].name), "%s",
			part_names[i]);
	if ((error = open_zip(&za, t, pkg)) < 0 ||
	    (error = read_entries(pkg, &mimetype_at, &manifest_at, t, za)) < 0 ||
	    (error = check_mimetype(pkg, t, za, mimetype_at)) < 0 ||
	    (error = check_manifest(t, za, manifest_at)) < 0 ||
	    (error = compile_parts(pkg, t, za)) < 0)
		goto done;
	for (size_t i = 0; i < pkg->nentries; i++) {
		const odt_entry *e = &pkg->entries[i];

		/* the parts, the manifest and the mimetype were read whole */
		if (e->part >= 0 || (int)e->index == manifest_at ||
		    (int)e->index == mimetype_at)
			continue;
		if ((error = check_entry_data(t, za, e)) < 0)
			goto done;
	}
	*out = pkg;
	pkg = NULL;
done:
	if (za)
		zip_discard(za);
	chancery__odt_free(pkg);
	return error;
}
