#ifndef CWHARF_ZSTD_H
#define CWHARF_ZSTD_H
#include <stddef.h>

/* zstd streaming decompression through the system's libzstd.so.1, loaded at first use
   (no build-time dependency; every Debian system has the library for dpkg). */
typedef struct { const void *src; size_t size; size_t pos; } cwharf_zstd_in;
typedef struct { void *dst; size_t size; size_t pos; } cwharf_zstd_out;

/* A new decompression stream, or NULL when libzstd cannot be loaded. */
void *cwharf_zstd_new(void);
/* ZSTD_decompressStream: 0 when a frame is complete, an error code, or a size hint. */
size_t cwharf_zstd_decompress(void *stream, cwharf_zstd_out *out, cwharf_zstd_in *in);
int cwharf_zstd_is_error(size_t code);
const char *cwharf_zstd_error_name(size_t code);
void cwharf_zstd_free(void *stream);

#endif
