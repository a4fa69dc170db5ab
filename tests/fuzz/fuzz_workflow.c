/*
 * fuzz_workflow.c - the workflow loader: XML parsing with DTDs refused,
 * RELAX NG validation, the semantic checks and guard parsing.
 */
#include "fuzz.h"

static void diag(const char *line, void *payload)
{
	(void)payload;
	if (!line)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	chancery_workflow *w = NULL;

	if (chancery_workflow_load(&w, "fuzz.xml", (const char *)d, n, diag,
			NULL) == 0)
		chancery_workflow_free(w);
	chancery_error_clear();
	return 0;
}
