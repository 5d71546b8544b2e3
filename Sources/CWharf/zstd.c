#include "cwharf_zstd.h"
#include <dlfcn.h>
#include <pthread.h>

typedef void *(*create_fn)(void);
typedef size_t (*init_fn)(void *);
typedef size_t (*decompress_fn)(void *, cwharf_zstd_out *, cwharf_zstd_in *);
typedef unsigned (*is_error_fn)(size_t);
typedef const char *(*error_name_fn)(size_t);
typedef size_t (*free_fn)(void *);

static struct {
    create_fn create;
    init_fn init;
    decompress_fn decompress;
    is_error_fn is_error;
    error_name_fn error_name;
    free_fn free;
} zstd;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *h = dlopen("libzstd.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) return;
    zstd.init = (init_fn)dlsym(h, "ZSTD_initDStream");
    zstd.decompress = (decompress_fn)dlsym(h, "ZSTD_decompressStream");
    zstd.is_error = (is_error_fn)dlsym(h, "ZSTD_isError");
    zstd.error_name = (error_name_fn)dlsym(h, "ZSTD_getErrorName");
    zstd.free = (free_fn)dlsym(h, "ZSTD_freeDStream");
    /* Set last: a non-NULL create means everything resolved. */
    create_fn c = (create_fn)dlsym(h, "ZSTD_createDStream");
    if (zstd.init && zstd.decompress && zstd.is_error && zstd.error_name && zstd.free) zstd.create = c;
}

void *cwharf_zstd_new(void) {
    pthread_once(&once, load);
    if (!zstd.create) return 0;
    void *s = zstd.create();
    if (s && zstd.is_error(zstd.init(s))) {
        zstd.free(s);
        return 0;
    }
    return s;
}

size_t cwharf_zstd_decompress(void *stream, cwharf_zstd_out *out, cwharf_zstd_in *in) {
    return zstd.decompress(stream, out, in);
}

int cwharf_zstd_is_error(size_t code) { return zstd.is_error(code) != 0; }

const char *cwharf_zstd_error_name(size_t code) { return zstd.error_name(code); }

void cwharf_zstd_free(void *stream) {
    if (stream) zstd.free(stream);
}
