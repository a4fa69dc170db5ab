/*
 * embed.h - files built into the library (the sample registry, the
 * workflow schema and definitions, the shipped templates): the assembler's
 * .incbin copies a file byte for byte into read-only data at build time,
 * followed by a NUL (so text can be read as a C string) and by its size
 * (binary files hold NULs). DIR is a string literal set by CMake.
 *
 *   CHANCERY_EMBED(sym, DIR, "file") declares
 *     extern const char sym[];        the bytes, NUL-terminated
 *     extern const uint64_t sym_size; their count (without the NUL)
 */
#ifndef CHANCERY_EMBED_H
#define CHANCERY_EMBED_H

#include <stdint.h>

#define CHANCERY_EMBED(sym, dir, file) \
	__asm__(".section .rodata\n" \
		".balign 16\n" \
		".global " #sym "\n" \
		".hidden " #sym "\n" \
		#sym ":\n" \
		".incbin \"" dir "/" file "\"\n" \
		#sym "_end:\n" \
		".byte 0\n" \
		".balign 8\n" \
		".global " #sym "_size\n" \
		".hidden " #sym "_size\n" \
		#sym "_size:\n" \
		".quad " #sym "_end - " #sym "\n" \
		".previous\n"); \
	extern const char sym[]; \
	extern const uint64_t sym##_size

#endif
