#ifndef CWHARF_PROC_H
#define CWHARF_PROC_H
#include <sys/types.h>

/* Process helpers for the runtime and wharf-shim: the parts of posix_spawn, fork, prctl
 * and SCM_RIGHTS that are variadic, macro-based or awkward to express from Swift. */

/* posix_spawn `path` (searched in PATH when it has no '/') with argv/envp (NULL-terminated).
 * The child's fd i is fdmap[i] for i < nfds (-1 → /dev/null); every other fd is closed.
 * The child starts with an empty signal mask and default dispositions. setsid: new session.
 * Returns the pid, or -errno. */
pid_t cwharf_spawn(const char *path, char *const argv[], char *const envp[],
                   const int *fdmap, int nfds, int setsid);

/* Starts a fully detached process in a new session: an intermediate vfork child spawns it
 * and exits at once (reaped here), so the caller never waits for or reaps the process,
 * which is re-parented to init (or the nearest subreaper) and survives the caller and its
 * process group. stdin/out/err are /dev/null, `pass_fd` (if >= 0) becomes fd 3, every
 * other fd is closed; clean signal mask and dispositions. Returns 0 or -errno (exec errors
 * included: glibc's posix_spawn reports them). */
int cwharf_spawn_detached(const char *path, char *const argv[], char *const envp[], int pass_fd);

/* prctl(PR_SET_CHILD_SUBREAPER, 1). */
int cwharf_set_subreaper(void);

/* Blocks SIGCHLD (and SIGPIPE, SIGTERM, SIGINT, SIGHUP when `all`) for the calling thread
 * and returns a non-blocking, close-on-exec signalfd for them, or -errno. */
int cwharf_signalfd_for_sigchld(int all);

/* Reads one struct signalfd_siginfo from fd; returns the signal number, 0 when none is
 * pending, or -errno. */
int cwharf_signalfd_read(int fd);

/* Receives one file descriptor sent with SCM_RIGHTS (what runc's --console-socket sends).
 * Returns the fd (close-on-exec) or -errno; -ENODATA when the message had none. */
int cwharf_recv_fd(int sock);

/* Sends `fd` over `sock` with SCM_RIGHTS and a one-byte payload. 0 or -errno. */
int cwharf_send_fd(int sock, int fd);

/* Credentials of the peer of a connected UNIX socket. 0 or -errno. */
int cwharf_peer_cred(int sock, pid_t *pid, uid_t *uid);

/* A waitpid status as Docker reports it: the exit code, or 128+signal. */
int cwharf_exit_code(int status);
/* pipe2(2), which Swift's Glibc module hides behind _GNU_SOURCE. 0 or -errno. */
int cwharf_pipe2(int fds[2], int flags);
/* accept4(2) (also _GNU_SOURCE-only), retried on EINTR. The fd or -errno. */
int cwharf_accept4(int fd, int flags);
/* Names the calling thread (prctl PR_SET_NAME; 15 bytes are kept). 0 or -errno. */
int cwharf_set_thread_name(const char *name);
/* Waits until process `pid` (not necessarily a child) has exited, through a pidfd.
 * 0 when gone (or never there), -ETIMEDOUT, or -errno. */
int cwharf_wait_pid_gone(pid_t pid, int timeout_ms);
#endif
