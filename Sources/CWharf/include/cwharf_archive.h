#ifndef CWHARF_ARCHIVE_H
#define CWHARF_ARCHIVE_H
#include <stddef.h>
#include <sys/types.h>
/* sys/xattr.h is not part of Swift's Glibc module; these wrap what Archive needs. */
int cwharf_lsetxattr(const char *path, const char *name, const void *value, size_t size);
ssize_t cwharf_lgetxattr(const char *path, const char *name, void *value, size_t size);
ssize_t cwharf_llistxattr(const char *path, char *list, size_t size);
#endif
