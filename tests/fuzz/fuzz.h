/*
 * fuzz.h - what every fuzz target shares. A target defines
 * LLVMFuzzerTestOneInput() and must never crash, hang, leak or trip a
 * sanitizer on any input; an error return of the library is fine. Built
 * with clang -fsanitize=fuzzer it is a libFuzzer binary (make fuzz);
 * linked with driver.c it replays files (the test suite's regressions).
 */
#ifndef CHANCERY_FUZZ_H
#define CHANCERY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chancery.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The data every template target renders with: names of every kind. */
#define FUZZ_DATA "{\"state\":{\"code\":\"LBR\",\"name\":\"Liberia <&>\"}," \
	"\"treaties\":[{\"id\":\"IV-4\",\"action\":\"ratify\"},{\"id\":\"XVIII-10\"}]," \
	"\"n\":0,\"t\":true,\"f\":false,\"e\":[],\"x\":null,\"s\":\"a\\nb\"," \
	"\"a\":{\"b\":{\"c\":\"deep\"}},\"list\":[1,2,3]}"

static inline chancery_data *fuzz_data(void)
{
	static chancery_data *data;

	if (!data && chancery_data_parse(&data, FUZZ_DATA, strlen(FUZZ_DATA)) < 0)
		abort();
	return data;
}

/* A NUL-terminated copy (the caller frees it). */
static inline char *fuzz_text(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, d, n);
	s[n] = '\0';
	return s;
}

#endif
