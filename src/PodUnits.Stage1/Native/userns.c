/*
 * podunits_create_userns: a new user namespace with the given ID maps, as a descriptor,
 * for the pod init (Init/PodUserNamespace.cs). A user namespace is made by a process, and
 * the .NET pod init cannot unshare one itself (it has threads); spawning a helper program
 * costs an exec, milliseconds on every pod start. So, as glibc's posix_spawn does, a child is
 * cloned sharing this process's memory (CLONE_VM) into a new user namespace (CLONE_NEWUSER;
 * making one for a child is allowed to a threaded process). The child runs only raw system
 * calls on its own small stack, with every signal blocked, and waits to be killed; the parent
 * writes its maps (as the namespace creator's parent, with host root's privileges), opens
 * /proc/PID/ns/user, which keeps the namespace alive, and kills and reaps it.
 */
#define _GNU_SOURCE
#include "podunits-native.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { STACK_SIZE = 64 * 1024 };

static int hold(void *unused)
{
    (void)unused;
    for (;;) {
        /* Raw: no libc wrapper may touch the parent's thread state from here. */
        syscall(SYS_ppoll, NULL, 0, NULL, NULL, 0);
    }
    return 0;
}

static int write_map(pid_t pid, const char *file, const char *map)
{
    char path[64];
    size_t n = strlen(map);
    int fd, ok;
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
    if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0) {
        return -1;
    }
    ok = write(fd, map, n) == (ssize_t)n;
    close(fd);
    return ok ? 0 : -1;
}

int podunits_create_userns(const char *map, char *error, size_t error_size)
{
    sigset_t all, old;
    char path[64];
    char *stack = malloc(STACK_SIZE);
    pid_t pid;
    int fd = -1, saved = 0;
    const char *step = "clone";
    if (stack == NULL) {
        snprintf(error, error_size, "malloc: %s", strerror(ENOMEM));
        return -1;
    }
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid = clone(hold, stack + STACK_SIZE, CLONE_VM | CLONE_NEWUSER | SIGCHLD, NULL);
    saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        free(stack);
        /* ENOSPC is the kernel's word for a user namespace limit reached, a hardening setting
         * more often than a full table: say which (user-namespace review, finding 5). */
        snprintf(error, error_size, "clone CLONE_NEWUSER: %s%s", strerror(saved),
                 saved == ENOSPC ? " (the sysctl user.max_user_namespaces is 0 or reached: a pod with its own user namespace needs it; "
                                   "or set spec.hostUsers: true)"
                 : saved == EPERM || saved == EACCES ? " (refused by the kernel or a security policy; spec.hostUsers: true keeps the host's users)" : "");
        return -1;
    }
    /* setgroups stays allowed: the maps are written by a privileged process. */
    if (write_map(pid, "uid_map", map) != 0) {
        step = "uid_map";
    } else if (write_map(pid, "gid_map", map) != 0) {
        step = "gid_map";
    } else {
        snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        step = "open ns/user";
    }
    saved = errno;
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR) {
    }
    free(stack);
    if (fd < 0) {
        snprintf(error, error_size, "%s of the namespace's first process: %s", step, strerror(saved));
    }
    return fd;
}
