/*
 * mustache_scan.c - the Mustache tag scanner: where the next tag of a text
 * is, what kind it is and what name it holds, with the delimiters in force;
 * the parsing of set-delimiter tags; and the one error formatter of the
 * language, which puts the template's name and the tag's place (line and
 * column of a text template, part and paragraph of an ODT one) before the
 * message.
 *
 * Delimiters are found with PCRE2 as literals, so that delimiters of any
 * bytes are matched exactly. A delimiter is at most MUSTACHE_MAX_DELIM
 * bytes, has no space and no '='. The scanner never allocates a result:
 * names point into the scanned text.
 *
 * Left out on purpose: dynamic names ({{*name}}) and lambdas; the scanner
 * knows nothing of standalone lines (mustache_parse.c) or of documents
 * (odt_tags.c).
 */
#include "letters.h"

#include <string.h>
#include <stdlib.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* ---- errors ------------------------------------------------------------- */

int chancery__mustache_error(const chancery_template *t, const mloc *loc,
	int code, const char *fmt, ...)
{
	char msg[600], where[400] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (loc && loc->part)
		snprintf(where, sizeof(where), "%s paragraph %zu%s%.60s%s: ",
			loc->part, loc->paragraph, loc->near ? " ('" : "",
			loc->near ? loc->near : "", loc->near ? "')" : "");
	else if (loc && loc->line)
		snprintf(where, sizeof(where), "line %zu, column %zu: ",
			loc->line, loc->column);
	return chancery__error(code, "template '%s': %s%s",
		t && t->name ? t->name : "(text)", where, msg);
}

/* ---- the tag scanner ------------------------------------------------------ */

/* Find a delimiter with PCRE2: the first `lit` at or after `from`, -1 when
 * there is none, -2 out of memory. A literal search, but through the
 * library that does regular expressions well, so that delimiters of any
 * bytes are matched exactly. */
long chancery__mustache_find(const char *s, size_t len, size_t from,
	const char *lit)
{
	pcre2_code *re;
	pcre2_match_data *md;
	int err;
	PCRE2_SIZE off;
	long at = -1;

	re = pcre2_compile((PCRE2_SPTR)lit, PCRE2_ZERO_TERMINATED,
		PCRE2_LITERAL, &err, &off, NULL);
	if (!re)
		return -2;
	md = pcre2_match_data_create_from_pattern(re, NULL);
	if (md && pcre2_match(re, (PCRE2_SPTR)s, len, from, 0, md, NULL) > 0)
		at = (long)pcre2_get_ovector_pointer(md)[0];
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return at;
}

int chancery__mustache_scan(const char *s, size_t len, size_t from,
	const char *otag, const char *ctag, size_t *start, size_t *end,
	char *sigil, const char **name, size_t *nlen)
{
	size_t olen = strlen(otag), clen = strlen(ctag);
	long open = chancery__mustache_find(s, len, from, otag), close;
	size_t p, q;
	bool triple = false;

	if (open == -2)
		return chancery__oom();
	if (open < 0)
		return 0;
	*start = (size_t)open;
	p = (size_t)open + olen;
	if (p < len && s[p] == '{' && !strcmp(otag, "{{")) {
		triple = true;
		p++;
	}
	/* the closing delimiter: for {{{x}}} it is "}" + ctag */
	if (triple) {
		char tc[MUSTACHE_MAX_DELIM + 2];

		snprintf(tc, sizeof(tc), "}%s", ctag);
		close = chancery__mustache_find(s, len, p, tc);
		if (close >= 0) {
			q = (size_t)close;
			*end = q + 1 + clen;
		}
	} else {
		close = chancery__mustache_find(s, len, p, ctag);
		if (close >= 0) {
			q = (size_t)close;
			*end = q + clen;
		}
	}
	if (close == -2)
		return chancery__oom();
	if (close < 0)
		return chancery__error(CHANCERY_EINVALID, "unclosed tag");
	/* the tag's content s[p..q) */
	while (p < q && mustache_is_space(s[p]))
		p++;
	if (triple) {
		*sigil = '&';
	} else if (p < q && strchr("#^/!=><$&", s[p])) {
		*sigil = s[p++];
	} else {
		*sigil = 'v';
	}
	if (*sigil == '!') {
		*name = s + p;
		*nlen = q - p;
		return 1;
	}
	if (*sigil == '=') {
		/* "=<% %>=" : content up to the closing '=' */
		size_t r = q;

		while (r > p && mustache_is_space(s[r - 1]))
			r--;
		if (r == p || s[r - 1] != '=')
			return chancery__error(CHANCERY_EINVALID,
				"a set-delimiter tag must end with '='");
		*name = s + p;
		*nlen = r - 1 - p;
		return 1;
	}
	while (p < q && mustache_is_space(s[p]))
		p++;
	while (q > p && mustache_is_space(s[q - 1]))
		q--;
	if (p == q)
		return chancery__error(CHANCERY_EINVALID, "empty tag");
	for (size_t i = p; i < q; i++)
		if (mustache_is_space(s[i]))
			return chancery__error(CHANCERY_EINVALID,
				"a name cannot contain spaces ('%.*s')",
				(int)(q - p > 40 ? 40 : q - p), s + p);
	*name = s + p;
	*nlen = q - p;
	return 1;
}

/* The next word of spec[*at..len) into out (at most MUSTACHE_MAX_DELIM
 * bytes). */
static bool delim_word(char *out, const char *spec, size_t len, size_t *at)
{
	size_t a = *at, b;

	while (a < len && mustache_is_space(spec[a]))
		a++;
	for (b = a; b < len && !mustache_is_space(spec[b]); b++)
		;
	if (b == a || b - a > MUSTACHE_MAX_DELIM)
		return false;
	memcpy(out, spec + a, b - a);
	out[b - a] = '\0';
	*at = b;
	return true;
}

int chancery__mustache_delims(char *otag, char *ctag, const char *spec,
	size_t len)
{
	size_t at = 0;

	if (!delim_word(otag, spec, len, &at) || !delim_word(ctag, spec, len, &at))
		goto bad;
	for (size_t k = at; k < len; k++)
		if (!mustache_is_space(spec[k]))
			goto bad;
	if (strchr(otag, '=') || strchr(ctag, '='))
		goto bad;
	return 0;
bad:
	return chancery__error(CHANCERY_EINVALID,
		"bad delimiters '%.*s' (two words without spaces or '=', at most %d bytes each)",
		(int)(len > 40 ? 40 : len), spec, MUSTACHE_MAX_DELIM);
}
