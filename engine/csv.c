/*
 * csv.c - the one CSV/TSV cell writer: a cell as it is, or quoted per
 * RFC 4180 (between double quotes, each '"' doubled) when it holds a
 * quote, the delimiter or a line break. The registry's TSV files
 * (engine/table.c) and the tool's CSV output both write through it.
 *
 * With CHANCERY_CSV_FORMULA a cell a spreadsheet would run as a formula
 * (it starts with '=', '+', '-', '@', a tab or a CR) is also quoted, with a
 * "'" before it: exports opened in a spreadsheet show it as text. Files
 * chancery reads back (the registry) never get that guard, so what is
 * written is what is read. Reading is engine/table.c's.
 */
#include "base.h"

#include <string.h>

static bool needs_quotes(const char *cell, char delim)
{
	return strchr(cell, '"') || strchr(cell, delim) ||
		strchr(cell, '\n') || strchr(cell, '\r');
}

static bool formula(const char *cell)
{
	return *cell == '=' || *cell == '+' || *cell == '-' || *cell == '@' ||
		*cell == '\t' || *cell == '\r';
}

int chancery__csv_put(chancery_buf *buf, const char *cell, char delim,
	unsigned flags)
{
	bool guard = (flags & CHANCERY_CSV_FORMULA) && formula(cell);
	int error;

	if (!guard && !needs_quotes(cell, delim))
		return chancery_buf_puts(buf, cell);
	error = chancery_buf_putc(buf, '"');
	if (!error && guard)
		error = chancery_buf_putc(buf, '\'');
	for (const char *c = cell; !error && *c; c++)
		error = *c == '"' ? chancery_buf_put(buf, "\"\"", 2) :
			chancery_buf_putc(buf, *c);
	if (!error)
		error = chancery_buf_putc(buf, '"');
	return error;
}

int chancery_csv_quote(char **out, const char *cell, char delim,
	unsigned flags)
{
	chancery_buf buf = CHANCERY_BUF_INIT;
	int error;

	CHANCERY_ASSERT_ARG(out && cell && delim && delim != '"');
	*out = NULL;
	if ((error = chancery__csv_put(&buf, cell, delim, flags)) < 0)
		goto done;
	if (!(*out = chancery_buf_detach(&buf)))
		error = chancery__oom();
done:
	chancery_buf_dispose(&buf);
	return error;
}
