/*
 * output.c - how query results leave the tool: an aligned table for people,
 * CSV (RFC 4180) and JSON (jansson) for scripts.
 *
 * JSON output is an object {"version": 1, "<kind>": [ {...}, ... ]} whose
 * keys are the column names; the version changes only when a key changes
 * meaning or disappears. CSV cells that a spreadsheet would run as a
 * formula (starting with =, +, -, @, tab or CR) are prefixed with a single
 * quote, the usual defence against formula injection.
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

struct cli_table {
	cli_format fmt;
	const char *kind;
	size_t ncols;
	const char *const *cols;
	char **cells; /* nrows * ncols, NULL allowed */
	size_t nrows;
	size_t alloc;
	size_t width[16];
};

int cli_format_of(cli_format *out, const cli_args *a, unsigned allowed,
	cli_format dflt)
{
	static const char *names[] = { "table", "csv", "json", "text", "html" };
	const char *v = cli_opt_value(a, "format");

	*out = dflt;
	if (!v)
		return 0;
	for (int i = 0; i < 5; i++)
		if ((allowed & (1u << i)) && !strcmp(v, names[i])) {
			*out = (cli_format)i;
			return 0;
		}
	return cli_error(EXIT_USAGE, "%s: unknown format '%s'",
		a->cmd->name, v);
}

cli_table *cli_table_new(cli_format fmt, const char *kind, size_t ncols,
	const char *const *cols)
{
	cli_table *t = calloc(1, sizeof(*t));

	if (!t || ncols > 16) {
		free(t);
		return NULL;
	}
	t->fmt = fmt;
	t->kind = kind;
	t->ncols = ncols;
	t->cols = cols;
	return t;
}

void cli_table_width(cli_table *t, size_t col, size_t width)
{
	if (col < t->ncols)
		t->width[col] = width;
}

int cli_table_row(cli_table *t, const char *const *cells)
{
	if ((t->nrows + 1) * t->ncols > t->alloc) {
		size_t n = t->alloc ? t->alloc * 2 : 64 * t->ncols;
		char **p = realloc(t->cells, n * sizeof(char *));

		if (!p)
			return -1;
		t->cells = p;
		t->alloc = n;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		char **c = &t->cells[t->nrows * t->ncols + i];

		/* a table cell is one line; a CSV cell may hold lines; JSON
		 * is escaped as a whole when printed */
		*c = !cells[i] ? NULL : t->fmt == FMT_JSON ? strdup(cells[i]) :
			cli_safe_dup(cells[i], t->fmt == FMT_CSV);
		if (cells[i] && !*c) {
			for (size_t k = 0; k < i; k++)
				free(t->cells[t->nrows * t->ncols + k]);
			return -1;
		}
	}
	t->nrows++;
	return 0;
}

void cli_table_free(cli_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

static size_t utf8_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Print at most `max` characters of s (cut with "..."), padded to `pad`. */
static void put_cell(FILE *out, const char *s, size_t max, size_t pad)
{
	size_t w = utf8_width(s), shown = 0;

	if (max && w > max) {
		for (const char *p = s; *p; p++) {
			if (((unsigned char)*p & 0xc0) != 0x80) {
				if (shown == max - 3)
					break;
				shown++;
			}
			fputc(*p, out);
		}
		fputs("...", out);
		w = max;
	} else {
		fputs(s, out);
	}
	for (; w < pad; w++)
		fputc(' ', out);
}

void cli_csv_cell(FILE *out, const char *s)
{
	bool formula = *s == '=' || *s == '+' || *s == '-' || *s == '@' ||
		*s == '\t' || *s == '\r';
	bool quote = formula || strpbrk(s, ",\"\n\r") != NULL;

	if (!quote) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	if (formula)
		fputc('\'', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static int print_json(cli_table *t, FILE *out)
{
	json_t *root = json_object(), *items = json_array();
	int error = 0;

	if (!root || !items)
		error = -1;
	for (size_t r = 0; r < t->nrows && !error; r++) {
		json_t *o = json_object();

		if (!o) {
			error = -1;
			break;
		}
		for (size_t c = 0; c < t->ncols; c++) {
			const char *v = t->cells[r * t->ncols + c];

			json_object_set_new(o, t->cols[c],
				v ? json_string(v) : json_null());
		}
		json_array_append_new(items, o);
	}
	if (!error) {
		json_object_set_new(root, "version", json_integer(1));
		json_object_set(root, t->kind, items);
		error = cli_json_print(root, out);
	}
	json_decref(items);
	json_decref(root);
	return error;
}

int cli_table_print(cli_table *t, FILE *out)
{
	size_t w[16] = { 0 };
	int error = 0;

	switch (t->fmt) {
	case FMT_JSON:
		error = print_json(t, out);
		break;
	case FMT_CSV:
		for (size_t c = 0; c < t->ncols; c++) {
			cli_csv_cell(out, t->cols[c]);
			fputs(c + 1 < t->ncols ? "," : "\r\n", out);
		}
		for (size_t r = 0; r < t->nrows; r++)
			for (size_t c = 0; c < t->ncols; c++) {
				const char *v = t->cells[r * t->ncols + c];

				cli_csv_cell(out, v ? v : "");
				fputs(c + 1 < t->ncols ? "," : "\r\n", out);
			}
		break;
	default:
		for (size_t c = 0; c < t->ncols; c++)
			w[c] = utf8_width(t->cols[c]);
		for (size_t r = 0; r < t->nrows; r++)
			for (size_t c = 0; c < t->ncols; c++) {
				const char *v = t->cells[r * t->ncols + c];
				size_t n = v ? utf8_width(v) : 0;

				if (t->width[c] && n > t->width[c])
					n = t->width[c];
				if (n > w[c])
					w[c] = n;
			}
		for (size_t c = 0; c < t->ncols; c++) {
			char up[64];
			size_t i;

			for (i = 0; t->cols[c][i] && i < sizeof(up) - 1; i++)
				up[i] = t->cols[c][i] == '_' ? ' ' :
					(char)(t->cols[c][i] >= 'a' &&
					       t->cols[c][i] <= 'z' ?
					       t->cols[c][i] - 32 : t->cols[c][i]);
			up[i] = '\0';
			put_cell(out, up, 0, c + 1 < t->ncols ? w[c] + 2 : 0);
		}
		fputc('\n', out);
		for (size_t r = 0; r < t->nrows; r++) {
			for (size_t c = 0; c < t->ncols; c++) {
				const char *v = t->cells[r * t->ncols + c];

				put_cell(out, v ? v : "", t->width[c],
					c + 1 < t->ncols ? w[c] + 2 : 0);
			}
			fputc('\n', out);
		}
		break;
	}
	cli_table_free(t);
	return error;
}
