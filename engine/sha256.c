/*
 * sha256.c - SHA-256 as 64 lowercase hex digits, through OpenSSL's
 * libcrypto (EVP_Digest), the one place the library calls it.
 *
 * What the digests are for (event ids, BagIt manifests) is the callers'
 * business; this file only hashes a buffer held in memory.
 */
#include "base.h"

#include <openssl/evp.h>

int chancery__sha256_hex(char out[65], const void *data, size_t len)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	static const char hex[] = "0123456789abcdef";

	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32)
		return chancery__error(CHANCERY_ERROR, "SHA-256 failed");
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return 0;
}
