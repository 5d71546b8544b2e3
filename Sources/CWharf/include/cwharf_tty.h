#ifndef CWHARF_TTY_H
#define CWHARF_TTY_H
/* ioctl is variadic and cannot be called from Swift; these wrap the few requests we need. */
int cwharf_get_winsize(int fd, unsigned short *rows, unsigned short *cols);
int cwharf_set_winsize(int fd, unsigned short rows, unsigned short cols);
#endif
