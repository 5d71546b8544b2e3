#include "cwharf_archive.h"
#include <sys/xattr.h>

int cwharf_lsetxattr(const char *path, const char *name, const void *value, size_t size) {
    return lsetxattr(path, name, value, size, 0);
}

ssize_t cwharf_lgetxattr(const char *path, const char *name, void *value, size_t size) {
    return lgetxattr(path, name, value, size);
}

ssize_t cwharf_llistxattr(const char *path, char *list, size_t size) {
    return llistxattr(path, list, size);
}
