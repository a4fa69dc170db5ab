/*
 * sample.c - the Focus 2004 registry, embedded in the library so that
 * `chancery init` works from any folder without installed data files.
 *
 * The files are the TSV tables of workflows/focus2004/registry (facts
 * derived from shared/data by scripts/make-sample.py, with their source
 * notes), built in by embed.h. CHANCERY_SAMPLE_DIR is set by CMake to that folder's absolute path.
 */
#include "internal.h"
#include "embed.h"

#ifndef CHANCERY_SAMPLE_DIR
#error "CHANCERY_SAMPLE_DIR must name workflows/focus2004/registry"
#endif

CHANCERY_EMBED(chancery__sample_states, CHANCERY_SAMPLE_DIR, "states.tsv");
CHANCERY_EMBED(chancery__sample_treaties, CHANCERY_SAMPLE_DIR, "treaties.tsv");
CHANCERY_EMBED(chancery__sample_participation, CHANCERY_SAMPLE_DIR, "participation.tsv");
CHANCERY_EMBED(chancery__sample_featured, CHANCERY_SAMPLE_DIR, "featured-focus2004.tsv");

#define FILE_OF(path, sym) { path, sym, 0 }

const chancery__sample_file chancery__sample_files[] = {
	FILE_OF("registry/states.tsv", chancery__sample_states),
	FILE_OF("registry/treaties.tsv", chancery__sample_treaties),
	FILE_OF("registry/participation.tsv", chancery__sample_participation),
	FILE_OF("registry/featured/focus2004.tsv", chancery__sample_featured),
};

const size_t chancery__sample_count =
	sizeof(chancery__sample_files) / sizeof(chancery__sample_files[0]);
