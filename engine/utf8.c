/*
 * utf8.c - the text checks: strict UTF-8 (no overlong forms, surrogates or
 * code points past U+10FFFF, no NUL, no C0 controls unless a newline or tab
 * is allowed), then text a person typed (no C1 controls either), then one
 * trailer-safe line.
 *
 * Deliberately left out: normalization and case folding; these only say
 * yes or no and never rewrite the text.
 */
#include "base.h"

#include <string.h>

bool chancery__utf8_valid(const char *str, size_t len, bool allow_newline)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			if (c < 0x20 && !(allow_newline &&
					(c == '\n' || c == '\t' || c == '\r')))
				return false;
			if (c == 0x7f)
				return false;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n >= len - i)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

bool chancery__text_valid(const char *s, size_t len, bool multiline)
{
	if (!chancery__utf8_valid(s, len, multiline))
		return false;
	/* in valid UTF-8, C2 80..C2 9F is exactly U+0080..U+009F */
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)s[i] == 0xc2 &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f)
			return false;
	return true;
}

bool chancery__line_valid(const char *value)
{
	return chancery__text_valid(value, strlen(value), false);
}
