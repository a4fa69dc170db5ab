/*
 * media.h - the kinds of instrument a deposit keeps, told from their bytes
 * (media.c). Private to the archive module.
 */
#ifndef CHANCERY_ARCHIVE_MEDIA_H
#define CHANCERY_ARCHIVE_MEDIA_H

#include <stddef.h>

/**
 * The media type of the instrument `d` (`n` bytes) and its extension in
 * *ext ("pdf", "png", "jpg", "tif", "odt"), both static strings; NULL with
 * the error set (CHANCERY_EINVALID, naming `path`) when it is none of
 * these, or when it is cut short.
 */
const char *chancery__instrument_media(const char **ext, const char *d,
	size_t n, const char *path);

#endif
