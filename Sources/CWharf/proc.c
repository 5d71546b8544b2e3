#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cwharf_proc.h"

extern char **environ;

/* File actions and attributes for a child whose fd i is fdmap[i] (-1 → /dev/null), with
 * every other fd closed and a clean signal state. Returns 0 or an error number. */
static int prepare_spawn(posix_spawn_file_actions_t *fa, posix_spawnattr_t *attr,
                         const int *fdmap, int nfds, int setsid) {
    int rc = posix_spawn_file_actions_init(fa);
    if (rc != 0) return rc;
    rc = posix_spawnattr_init(attr);
    if (rc != 0) { posix_spawn_file_actions_destroy(fa); return rc; }

    /* Move every source above all sources and targets first, so that mapping fd a → b
     * never clobbers a source that a later mapping still needs. */
    int base = nfds;
    for (int i = 0; i < nfds; i++) if (fdmap[i] >= base) base = fdmap[i] + 1;
    for (int i = 0; i < nfds && rc == 0; i++) {
        if (fdmap[i] >= 0) rc = posix_spawn_file_actions_adddup2(fa, fdmap[i], base + i);
    }
    for (int i = 0; i < nfds && rc == 0; i++) {
        if (fdmap[i] >= 0) rc = posix_spawn_file_actions_adddup2(fa, base + i, i);
        else rc = posix_spawn_file_actions_addopen(fa, i, "/dev/null", i == 0 ? O_RDONLY : O_WRONLY, 0);
    }
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(fa, nfds);

    sigset_t empty, all;
    sigemptyset(&empty);
    sigfillset(&all);
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    if (setsid) flags |= POSIX_SPAWN_SETSID;
    if (rc == 0) rc = posix_spawnattr_setsigmask(attr, &empty);
    if (rc == 0) rc = posix_spawnattr_setsigdefault(attr, &all);
    if (rc == 0) rc = posix_spawnattr_setflags(attr, flags);
    if (rc != 0) {
        posix_spawn_file_actions_destroy(fa);
        posix_spawnattr_destroy(attr);
    }
    return rc;
}

static int do_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
                    const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {
    if (strchr(path, '/') != NULL) return posix_spawn(pid, path, fa, attr, argv, envp ? envp : environ);
    return posix_spawnp(pid, path, fa, attr, argv, envp ? envp : environ);
}

pid_t cwharf_spawn(const char *path, char *const argv[], char *const envp[],
                   const int *fdmap, int nfds, int setsid) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int rc = prepare_spawn(&fa, &attr, fdmap, nfds, setsid);
    if (rc != 0) return -rc;
    pid_t pid = -1;
    rc = do_spawn(&pid, path, &fa, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    return rc == 0 ? pid : -rc;
}

int cwharf_spawn_detached(const char *path, char *const argv[], char *const envp[], int pass_fd) {
    int fdmap[4] = { -1, -1, -1, pass_fd };
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    int rc = prepare_spawn(&fa, &attr, fdmap, pass_fd >= 0 ? 4 : 3, 1);
    if (rc != 0) return -rc;
    /* The intermediate child is a vfork child: it shares our memory (so it reports the
     * spawn's result through `result`) and costs no page-table copy, which matters in a
     * large, multi-threaded daemon. It only posix_spawns the real child (with everything
     * prepared above, no allocation) and exits, so the child is re-parented to init. */
    volatile int result = 0;
    pid_t mid = vfork();
    if (mid == 0) {
        pid_t pid;
        result = do_spawn(&pid, path, &fa, &attr, argv, envp);
        _exit(0);
    }
    int e = mid < 0 ? errno : 0;
    if (mid > 0) {
        int status;
        while (waitpid(mid, &status, 0) < 0 && errno == EINTR) {}
        e = result;
    }
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    return -e;
}

int cwharf_set_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : -errno;
}

int cwharf_signalfd_for_sigchld(int all) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    if (all) {
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGHUP);
    }
    int r = pthread_sigmask(SIG_BLOCK, &set, NULL);
    if (r != 0) return -r;
    int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int cwharf_signalfd_read(int fd) {
    struct signalfd_siginfo si;
    ssize_t n = read(fd, &si, sizeof si);
    if (n < 0) return errno == EAGAIN ? 0 : -errno;
    if (n != (ssize_t)sizeof si) return 0;
    return (int)si.ssi_signo;
}

int cwharf_recv_fd(int sock) {
    char buf[4096];
    struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf };
    union {
        char b[CMSG_SPACE(sizeof(int) * 4)];
        struct cmsghdr align;
    } ctrl;
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctrl.b;
    msg.msg_controllen = sizeof ctrl.b;
    ssize_t n;
    do { n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
    if (n < 0) return -errno;
    int found = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            int *fds = (int *)CMSG_DATA(c);
            for (int i = 0; i < count; i++) {
                if (found < 0) found = fds[i];
                else close(fds[i]);  /* only one is expected; never leak extras */
            }
        }
    }
    return found >= 0 ? found : -ENODATA;
}

int cwharf_send_fd(int sock, int fd) {
    char byte = 0;
    struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
    union {
        char b[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctrl;
    memset(&ctrl, 0, sizeof ctrl);
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctrl.b;
    msg.msg_controllen = sizeof ctrl.b;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    ssize_t n;
    do { n = sendmsg(sock, &msg, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : 0;
}

int cwharf_peer_cred(int sock, pid_t *pid, uid_t *uid) {
    struct ucred cr;
    socklen_t len = sizeof cr;
    if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &cr, &len) != 0) return -errno;
    *pid = cr.pid;
    *uid = cr.uid;
    return 0;
}

int cwharf_exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 128;
}

int cwharf_pipe2(int fds[2], int flags) {
    return pipe2(fds, flags) == 0 ? 0 : -errno;
}

int cwharf_accept4(int fd, int flags) {
    int c;
    do { c = accept4(fd, NULL, NULL, flags); } while (c < 0 && errno == EINTR);
    return c >= 0 ? c : -errno;
}

int cwharf_set_thread_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0) == 0 ? 0 : -errno;
}

int cwharf_wait_pid_gone(pid_t pid, int timeout_ms) {
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) return errno == ESRCH ? 0 : -errno;
    struct pollfd p = { .fd = fd, .events = POLLIN };
    int rc;
    do { rc = poll(&p, 1, timeout_ms); } while (rc < 0 && errno == EINTR);
    close(fd);
    if (rc < 0) return -errno;
    return rc == 0 ? -ETIMEDOUT : 0;
}
