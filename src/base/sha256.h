/* SHA-256 (FIPS 180-4), self-contained: keys the seccomp BPF cache. */
#ifndef HARDRUN_SHA256_H
#define HARDRUN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define HR_SHA256_LEN 32

struct hr_sha256 {
	uint32_t h[8];
	uint64_t total;        /* bytes fed so far */
	uint8_t block[64];
	size_t used;           /* bytes buffered in block */
};

void hr_sha256_init(struct hr_sha256 *s);
void hr_sha256_update(struct hr_sha256 *s, const void *data, size_t len);
void hr_sha256_final(struct hr_sha256 *s, uint8_t out[HR_SHA256_LEN]);

/* One-shot digest, and its lower-case hex form (hex needs 65 bytes). */
void hr_sha256(const void *data, size_t len, uint8_t out[HR_SHA256_LEN]);
void hr_sha256_hex(const uint8_t digest[HR_SHA256_LEN], char hex[2 * HR_SHA256_LEN + 1]);

#endif
