/*
 * The one step of PodUnits that cannot be written in C#: entering a user namespace.
 *
 * The kernel lets only a single-threaded process join a user namespace (setns(2): "A
 * multithreaded process may not change user namespace"), and a .NET process has threads
 * before its first line of managed code. So, as runc does with its nsexec constructor,
 * this constructor runs in podunits-stage1 before the .NET runtime starts, while the
 * process is still single-threaded, and only when PODUNITS_ENTER asks for it; otherwise it
 * returns at once and stage 1 starts as always. docs/user-namespaces.md tells the story.
 *
 *   PODUNITS_ENTER="hold"
 *       the pod init's user namespace holder: unshare a new user namespace, say so with one
 *       byte on fd 3, wait until the pod init has written its ID maps (and opened the
 *       namespace) and closes fd 3, then exit. The .NET runtime never starts.
 *   PODUNITS_ENTER="pivot ROOT USERNS-FD REPORT-FD"
 *       container-start after it built the container's root as host root: pivot_root into
 *       ROOT (which needs host root: the mount namespace is the host's user namespace's),
 *       join the pod's user namespace and become its root; managed code drops the rest.
 *   PODUNITS_ENTER="join PID-FD REPORT-FD"
 *       container-exec: join the mount namespace and then the user namespace of the
 *       container process PID-FD refers to, and become the namespace's root.
 *
 * After "pivot" or "join" the variable is replaced by PODUNITS_ENTERED=1, which managed code
 * reads to skip what was done before the re-exec. On failure the reason goes to stderr (the
 * journal) and to REPORT-FD (one byte for container-start's exec pipe, one "failed ..."
 * message for container-exec's control socket), and the process exits 125, the code of a
 * container that could not be set up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#define SETUP_FAILED 125

static void fail(const char *mode, int report_fd, const char *step)
{
    char reason[400], message[512];
    snprintf(reason, sizeof reason, "entering the pod's user namespace: %s: %s", step, strerror(errno));
    fprintf(stderr, "podunits: %s\n", reason);
    if (report_fd >= 0) {
        if (strcmp(mode, "join") == 0) {
            int n = snprintf(message, sizeof message, "failed %s", reason);
            (void)!write(report_fd, message, (size_t)n);
        } else {
            unsigned char failed = 1;
            (void)!write(report_fd, &failed, 1);
        }
    }
    _exit(SETUP_FAILED);
}

static void hold(void)
{
    char byte = 'u';
    if (unshare(CLONE_NEWUSER) != 0) {
        fprintf(stderr, "podunits: cannot create the pod's user namespace: unshare: %s\n", strerror(errno));
        _exit(SETUP_FAILED);
    }
    if (write(3, &byte, 1) != 1) {
        _exit(SETUP_FAILED);
    }
    while (read(3, &byte, 1) > 0) {
    }
    _exit(0);
}

/* Root of the namespace just joined: its uid and gid 0 (mapped onto the pod's first host
 * IDs). setns left the host IDs, which are unmapped inside; files the process creates
 * before managed code sets the container's own IDs are then the namespace root's. */
static int become_root(void)
{
    return setgroups(0, NULL) == 0 && setresgid(0, 0, 0) == 0 && setresuid(0, 0, 0) == 0 ? 0 : -1;
}

__attribute__((constructor)) static void podunits_enter(void)
{
    const char *value = getenv("PODUNITS_ENTER");
    char mode[8], root[4096];
    int a = -1, b = -1, c = -1;
    if (value == NULL) {
        return;
    }
    if (strcmp(value, "hold") == 0) {
        hold();
    }
    if (sscanf(value, "pivot %4095s %d %d", root, &a, &b) == 3) {
        strcpy(mode, "pivot");
        if (chdir(root) != 0) fail(mode, b, "chdir");
        if (syscall(SYS_pivot_root, ".", ".") != 0) fail(mode, b, "pivot_root");
        if (umount2(".", MNT_DETACH) != 0) fail(mode, b, "umount2 old root");
        if (chdir("/") != 0) fail(mode, b, "chdir /");
        if (setns(a, CLONE_NEWUSER) != 0) fail(mode, b, "setns");
        close(a);
    } else if (sscanf(value, "join %d %d", &a, &c) == 2) {
        strcpy(mode, "join");
        b = c;
        if (setns(a, CLONE_NEWNS) != 0) fail(mode, b, "setns mount namespace");
        if (setns(a, CLONE_NEWUSER) != 0) fail(mode, b, "setns user namespace");
        close(a);
    } else {
        fprintf(stderr, "podunits: PODUNITS_ENTER=\"%s\" is not a request stage 1 knows\n", value);
        _exit(SETUP_FAILED);
    }
    if (become_root() != 0) fail(mode, b, "setresuid");
    unsetenv("PODUNITS_ENTER");
    setenv("PODUNITS_ENTERED", "1", 1);
}
