/*
 * fuzz_json.c - letter data: JSON (depth and size caps) and CSV tables read
 * as lists of objects, written back as JSON.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	chancery_data *data = NULL;
	char *json = NULL;

	if (chancery_data_parse(&data, (const char *)d, n) == 0) {
		if (chancery_data_to_json(&json, data) == 0)
			chancery_free(json);
		chancery_data_free(data);
	}
	data = NULL;
	if (chancery_data_parse_table(&data, "fuzz.csv", (const char *)d, n,
			n && d[0] == '\t' ? '\t' : ',') == 0)
		chancery_data_free(data);
	chancery_error_clear();
	return 0;
}
