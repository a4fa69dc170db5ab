/*
 * driver.c - replay files through a fuzz target without libFuzzer, for the
 * test suite (and gcc builds): every file named, and every file under every
 * folder named; a folder that does not exist is skipped with a notice (the
 * shared corpus is not everywhere). Prints how many inputs ran.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

static size_t ran;

static void one(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (!f) {
		perror(path);
		exit(2);
	}
	do {
		if (n == cap && !(buf = realloc(buf, cap = cap ? cap * 2 : 65536)))
			abort();
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	ran++;
}

static void walk(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;

	if (stat(path, &st) < 0) {
		printf("skipped (absent): %s\n", path);
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		one(path);
		return;
	}
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		char sub[4096];

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		walk(sub);
	}
	closedir(d);
}

int main(int argc, char **argv)
{
	chancery_init();
	for (int i = 1; i < argc; i++)
		walk(argv[i]);
	printf("%zu inputs ran\n", ran);
	chancery_shutdown();
	return ran ? 0 : 1;
}
