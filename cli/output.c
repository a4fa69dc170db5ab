/*
 * output.c - what the tool says, escaped: the error line ("chancery: ..."
 * on stderr, one line), the exit code of a library error, and the one
 * escaper of text read from a repository.
 *
 * Nothing read from a repository reaches a terminal as a control character:
 * a forged trailer holding ESC ]52 (set the clipboard), ESC [2J or a CR
 * would otherwise rewrite what a listing shows. escape() is the one
 * escaper: C0 characters (but '\n' and '\t' in multi-line text), DEL and
 * bytes that are not UTF-8 come out as "\xNN", C1 characters (U+0080 to
 * U+009F, which terminals obey like ESC) as "\u0080". Table and CSV cells,
 * the tool's messages and every printed value go through it; JSON gets the
 * same characters as its own \u escapes (the same data, nothing a terminal
 * obeys).
 */
#include "cli.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Length of the UTF-8 sequence at s (n bytes left), 0 when it is none;
 * its code point in *cp. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 :
		s[0] >= 0xe0 && s[0] < 0xf0 ? 3 :
		s[0] >= 0xc2 && s[0] <= 0xdf ? 2 : 0;
	unsigned v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (!len || len > n)
		return 0;
	v = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
	    v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* Feed s to `put` with control characters escaped as the header says;
 * `json`: s is JSON text (jansson escaped C0 already), and DEL and C1
 * become JSON's own \u00NN escapes. */
static void escape(void (*put)(const char *, size_t, void *), void *arg,
	const char *str, size_t len, bool multiline, bool json)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, start = 0;
	char esc[8];

	while (i < len) {
		unsigned cp = 0;
		size_t n = utf8_seq(s + i, len - i, &cp);
		bool bad = !n || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
			(cp < 0x20 && !(multiline && (cp == '\n' || cp == '\t')));

		if (!bad) {
			i += n;
			continue;
		}
		put(str + start, i - start, arg);
		if (n && (json || cp >= 0x80))
			snprintf(esc, sizeof(esc), "\\u%04x", cp);
		else if (json)   /* jansson writes UTF-8 only: never here */
			snprintf(esc, sizeof(esc), "\\ufffd");
		else
			snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
		put(esc, strlen(esc), arg);
		i += n ? n : 1;
		start = i;
	}
	put(str + start, len - start, arg);
}

static void put_file(const char *s, size_t n, void *arg)
{
	fwrite(s, 1, n, arg);
}

void cli_put_safe(FILE *out, const char *s, size_t len, bool multiline)
{
	escape(put_file, out, s, len, multiline, false);
}

int cli_printf_safe(FILE *out, const char *fmt, ...)
{
	va_list ap;
	char small[1024], *big = NULL;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(small)) {
		if (!(big = malloc((size_t)n + 1)))
			return -1;
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	cli_put_safe(out, big ? big : small, (size_t)n, true);
	free(big);
	return n;
}

void cli_json_text(FILE *out, const char *json)
{
	escape(put_file, out, json, strlen(json), true, true);
}

int cli_json_print(json_t *root, FILE *out)
{
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (!s)
		return -1;
	cli_json_text(out, s);
	fputc('\n', out);
	free(s);
	return 0;
}

typedef struct {
	char *p;
	size_t n;
	size_t cap;
	bool failed;
} strbuf;

static void put_buf(const char *s, size_t n, void *arg)
{
	strbuf *b = arg;

	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = (b->n + n + 1) * 2;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->failed = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

char *cli_safe_dup(const char *s, bool multiline)
{
	strbuf b = { NULL, 0, 0, false };

	put_buf("", 0, &b);
	escape(put_buf, &b, s, strlen(s), multiline, false);
	if (b.failed) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;
	char msg[2048];
	int n;

	/* one line, and whatever of a repository it quotes is escaped */
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	fputs("chancery: ", stderr);
	cli_put_safe(stderr, msg, (size_t)n < sizeof(msg) ? (size_t)n :
		sizeof(msg) - 1, false);
	fputc('\n', stderr);
	return code;
}

int cli_exit_code(int error)
{
	switch (error) {
	case CHANCERY_OK:
	case CHANCERY_EUNCHANGED:
		return EXIT_OK;
	case CHANCERY_EINVALID:
	case CHANCERY_ENOTFOUND:
	case CHANCERY_ENOTREPO:
	case CHANCERY_EEXISTS:
		return EXIT_INVALID;
	case CHANCERY_ECONFLICT:
	case CHANCERY_ELOCKED:
	case CHANCERY_EDIRTY:
		return EXIT_CONFLICT;
	default:
		return EXIT_INTERNAL;
	}
}

int cli_fail(int error)
{
	const chancery_error *e = chancery_error_last();

	return cli_error(cli_exit_code(error), "%s", e && e->message[0] ?
		e->message : chancery_error_string(error));
}
