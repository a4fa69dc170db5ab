/*
 * media.c - what a deposited instrument is, from its bytes alone: a PDF, a
 * PNG, JPEG or TIFF image, or an ODT document (media.h). The extension
 * and media type it gives are what the archive entry and the record say
 * ("instrument.pdf", "application/pdf").
 *
 * Invariant: a file of a kept kind that is cut short is refused, never
 * kept as what it claims: a PDF needs its %%EOF within its last KiB, a
 * PNG its IEND chunk, a JPEG its end marker, an ODT its zip's central
 * directory (within the last 64 KiB and 22 bytes, the most a zip comment
 * can push it). A TIFF has no end marker to look for.
 *
 * Left out: anything past the first and last bytes (no parsing, no
 * validation of the document's insides), and other kinds (Word, plain
 * text): the depositary receives instruments as scans or PDF.
 */
#include "../engine/base.h"
#include "media.h"

#include <string.h>

/* Does `what` (`len` bytes) end within the last `window` bytes of `d`? */
static bool has_tail(const char *d, size_t n, const char *what, size_t len,
	size_t window)
{
	size_t from = n > window ? n - window : 0;

	for (size_t i = n >= len ? n - len + 1 : 0; i-- > from;)
		if (!memcmp(d + i, what, len))
			return true;
	return false;
}

const char *chancery__instrument_media(const char **ext, const char *d,
	size_t n, const char *path)
{
	static const char odt[] = "application/vnd.oasis.opendocument.text";

	if (n >= 5 && !memcmp(d, "%PDF-", 5)) {
		*ext = "pdf";
		if (has_tail(d, n, "%%EOF", 5, 1024))
			return "application/pdf";
		chancery__error(CHANCERY_EINVALID, "instrument '%s': the PDF "
			"is cut short (no %%%%EOF at its end)", path);
		return NULL;
	}
	if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8)) {
		*ext = "png";
		if (has_tail(d, n, "IEND", 4, 16))
			return "image/png";
		chancery__error(CHANCERY_EINVALID, "instrument '%s': the PNG "
			"image is cut short", path);
		return NULL;
	}
	if (n >= 3 && !memcmp(d, "\xff\xd8\xff", 3)) {
		*ext = "jpg";
		if (has_tail(d, n, "\xff\xd9", 2, 64))
			return "image/jpeg";
		chancery__error(CHANCERY_EINVALID, "instrument '%s': the JPEG "
			"image is cut short", path);
		return NULL;
	}
	if (n >= 8 && (!memcmp(d, "II*\0", 4) || !memcmp(d, "MM\0*", 4))) {
		*ext = "tif";
		return "image/tiff";
	}
	if (n >= 30 + 8 + sizeof(odt) - 1 && !memcmp(d, "PK\3\4", 4) &&
	    !memcmp(d + 30, "mimetype", 8) &&
	    !memcmp(d + 38, odt, sizeof(odt) - 1)) {
		*ext = "odt";
		if (has_tail(d, n, "PK\5\6", 4, 65536 + 22))
			return odt;
		chancery__error(CHANCERY_EINVALID, "instrument '%s': the "
			"document is cut short (no zip directory)", path);
		return NULL;
	}
	chancery__error(CHANCERY_EINVALID, "instrument '%s' is not a PDF, "
		"PNG, JPEG, TIFF or ODT document", path);
	return NULL;
}
