/*
 * fuzz_table.c - the CSV/TSV reader behind imports and the registry (RFC
 * 4180 quoting, notes, line and column diagnostics); the first byte picks
 * the delimiter, or lets the guesser choose.
 */
#include "fuzz.h"
#include "internal.h"
#include "table.h"

static void diag(const char *line, void *payload)
{
	(void)payload;
	if (!line || !*line)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	chancery_table *t = NULL;
	chancery_table_diag dg = { "fuzz.tsv", diag, NULL, 0, NULL };
	char delim;

	if (!n)
		return 0;
	delim = d[0] == 't' ? '\t' : d[0] == 'c' ? ',' :
		chancery__table_guess_delimiter("fuzz", (const char *)d + 1, n - 1);
	if (chancery__table_parse(&t, (const char *)d + 1, n - 1, delim, &dg) == 0) {
		for (size_t r = 0; r < t->nrows; r++)
			for (size_t c = 0; c < t->rows[r].count; c++)
				if (!t->rows[r].cells[c].text)
					abort();
		chancery__table_free(t);
	}
	chancery_free(dg.first);
	chancery_error_clear();
	return 0;
}
