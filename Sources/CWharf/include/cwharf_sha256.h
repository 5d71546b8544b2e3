#ifndef CWHARF_SHA256_H
#define CWHARF_SHA256_H
#include <stddef.h>
#include <stdint.h>

/* Whether this CPU has the SHA extensions (SHA-NI) with SSE4.1, checked once. */
int cwharf_sha256_hw_available(void);
/* SHA-256 compression of `blocks` 64-byte blocks into `state` (a, b, …, h) with SHA-NI.
   Only call when cwharf_sha256_hw_available() says so. */
void cwharf_sha256_hw_blocks(uint32_t state[8], const void *data, size_t blocks);

#endif
