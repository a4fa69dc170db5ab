/*
 * sample.c - the Focus 2004 registry, embedded in the library so that
 * `chancery init` works from any folder without installed data files.
 *
 * The files are the TSV tables of workflows/focus2004/registry (facts derived from
 * shared/data by scripts/make-sample.py, with their source notes). The
 * assembler's .incbin copies them byte for byte into read-only data at
 * build time; each gets a NUL after it so it can be read as a C string.
 * CHANCERY_SAMPLE_DIR is set by CMake to that folder's absolute path.
 */
#include "internal.h"

#ifndef CHANCERY_SAMPLE_DIR
#error "CHANCERY_SAMPLE_DIR must name workflows/focus2004/registry"
#endif

#define EMBED(sym, file) \
	__asm__(".section .rodata\n" \
		".balign 16\n" \
		".global " #sym "\n" \
		".hidden " #sym "\n" \
		#sym ":\n" \
		".incbin \"" CHANCERY_SAMPLE_DIR "/" file "\"\n" \
		".global " #sym "_end\n" \
		".hidden " #sym "_end\n" \
		#sym "_end:\n" \
		".byte 0\n" \
		".previous\n"); \
	extern const char sym[]; \
	extern const char sym##_end[]

EMBED(chancery__sample_states, "states.tsv");
EMBED(chancery__sample_treaties, "treaties.tsv");
EMBED(chancery__sample_participation, "participation.tsv");
EMBED(chancery__sample_featured, "featured-focus2004.tsv");

#define FILE_OF(path, sym) { path, sym, 0 }

const chancery__sample_file chancery__sample_files[] = {
	FILE_OF("registry/states.tsv", chancery__sample_states),
	FILE_OF("registry/treaties.tsv", chancery__sample_treaties),
	FILE_OF("registry/participation.tsv", chancery__sample_participation),
	FILE_OF("registry/featured/focus2004.tsv", chancery__sample_featured),
};

const size_t chancery__sample_count =
	sizeof(chancery__sample_files) / sizeof(chancery__sample_files[0]);
