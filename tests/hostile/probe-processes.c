/* The probe's checks of processes outside the container and their roots (see
 * escape-probe.c). */
#include "probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <unistd.h>

static int pid_arg(const char *text)
{
    char *end;
    long v = text ? strtol(text, &end, 10) : 0;
    return text && *end == 0 && v > 0 ? (int)v : 0;
}

/* PTRACE_SEIZE does not stop the tracee, and it is made by a child that exits at once:
 * the kernel detaches a tracer's tracees when it exits (ptrace(2)). */
static int seize_target;

static int seize_it(void) { return (int)ptrace(PTRACE_SEIZE, seize_target, 0, 0); }

static int seize(int pid)
{
    seize_target = pid;
    return in_child(seize_it);
}

void check_ptrace_host(void)
{
    const char *name = "ptrace-host-pid";
    int pid = pid_arg(getenv("HOSTILE_HOST_PID"));
    if (!pid) {
        report(name, "inconclusive", "HOSTILE_HOST_PID not given");
        return;
    }
    int e = seize(pid);
    if (e == 0) {
        report(name, "ESCAPED", "seized PID %d (detached again)", pid);
    } else {
        report_failure(name, e, "PTRACE_SEIZE of the host's PID");
    }
}

static int same_cgroup(int pid)
{
    char mine[4096], theirs[4096], path[64];
    int e;
    snprintf(path, sizeof path, "/proc/%d/cgroup", pid);
    ssize_t a = read_some("/proc/self/cgroup", mine, sizeof mine - 1, &e);
    ssize_t b = read_some(path, theirs, sizeof theirs - 1, &e);
    return a >= 0 && b >= 0 && a == b && memcmp(mine, theirs, (size_t)a) == 0;
}

/* Every process this container sees that lives in another cgroup (the pod's init, its
 * journald, other containers) is outside the container: none may be traced. */
void check_ptrace_outsiders(void)
{
    const char *name = "ptrace-pod-processes";
    DIR *d = opendir("/proc");
    if (!d) {
        report_failure(name, errno, "opendir /proc");
        return;
    }
    int tried = 0, first_errno = 0, self = getpid();
    struct dirent *de;
    while ((de = readdir(d))) {
        int pid = pid_arg(de->d_name);
        if (!pid || pid == self || same_cgroup(pid)) {
            continue;
        }
        tried++;
        int e = seize(pid);
        if (e == 0) {
            closedir(d);
            report(name, "ESCAPED", "seized PID %d of another cgroup (detached again)", pid);
            return;
        }
        first_errno = first_errno ? first_errno : e;
    }
    closedir(d);
    if (!tried) {
        report(name, "contained", "(no process of another cgroup is visible)");
    } else {
        report_failure(name, first_errno, "PTRACE_SEIZE of every process of another cgroup");
    }
}

/* Opens /proc/PID/root and lists it (names only) when it is not our own root. */
static int other_root(int pid, int *entries, int *err)
{
    char path[64];
    struct stat mine, theirs;
    snprintf(path, sizeof path, "/proc/%d/root/", pid);
    DIR *d = opendir(path);
    if (!d) {
        *err = errno;
        return -1;
    }
    if (stat("/", &mine) < 0 || fstat(dirfd(d), &theirs) < 0) {
        *err = errno;
        closedir(d);
        return -1;
    }
    int other = mine.st_dev != theirs.st_dev || mine.st_ino != theirs.st_ino;
    *entries = 0;
    while (other && readdir(d)) {
        (*entries)++;
    }
    closedir(d);
    return other;
}

/* In a pod, PID 1 may be the pod's init, whose root is the host's. */
void check_proc1_root(void)
{
    const char *name = "proc1-root";
    int entries, e;
    int other = other_root(1, &entries, &e);
    if (other < 0) {
        report_failure(name, e, "opendir /proc/1/root");
    } else if (other) {
        report(name, "ESCAPED", "listed %d entries of PID 1's root, which is not this container's", entries);
    } else {
        report(name, "contained", "(PID 1's root is this container's own)");
    }
}

/* The same for every visible process. */
void check_proc_roots(void)
{
    const char *name = "proc-pid-roots";
    DIR *d = opendir("/proc");
    if (!d) {
        report_failure(name, errno, "opendir /proc");
        return;
    }
    int refusals = 0, first_errno = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        int pid = pid_arg(de->d_name), entries, e;
        if (!pid) {
            continue;
        }
        int other = other_root(pid, &entries, &e);
        if (other > 0) {
            closedir(d);
            report(name, "ESCAPED", "listed %d entries of PID %d's root, which is not this container's", entries, pid);
            return;
        }
        if (other < 0 && e != ENOENT) {
            refusals++;
            first_errno = first_errno ? first_errno : e;
        }
    }
    closedir(d);
    if (refusals) {
        report_failure(name, first_errno, "opendir of another process's root");
    } else {
        report(name, "contained", "(every visible process has this container's root)");
    }
}

/* Joining PID 1's mount namespace happens in a child that exits at once. */
static int join_pid1_mnt(void)
{
    int fd = open("/proc/1/ns/mnt", O_RDONLY | O_CLOEXEC);
    return fd < 0 ? -1 : setns(fd, CLONE_NEWNS);
}

void check_setns(void)
{
    const char *name = "setns-pid1-mnt";
    struct stat mine, theirs;
    if (stat("/proc/self/ns/mnt", &mine) < 0) {
        report(name, "inconclusive", "stat /proc/self/ns/mnt failed with %s", errname(errno));
        return;
    }
    if (stat("/proc/1/ns/mnt", &theirs) < 0) {
        report_failure(name, errno, "stat /proc/1/ns/mnt");
        return;
    }
    if (mine.st_ino == theirs.st_ino) {
        report(name, "contained", "(PID 1 shares this container's mount namespace)");
        return;
    }
    int e = in_child(join_pid1_mnt);
    if (e == 0) {
        report(name, "ESCAPED", "joined PID 1's mount namespace (in a child that exited)");
    } else {
        report_failure(name, e, "setns into PID 1's mount namespace");
    }
}

/* The classic chroot break-out, in a child: chroot into a subdirectory while the working
 * directory stays outside, climb with "..", chroot there. pivot_root plus a detached old
 * root leaves nothing above the container's root to climb to. */
static int chroot_climb(void)
{
    char dir[64];
    struct stat before, after;
    if (stat("/", &before) < 0 || scratch_dir(dir, "chroot") < 0 || chdir("/") < 0) {
        return -1;
    }
    int ok = chroot(dir);
    rmdir(dir); /* the directory may go: our working directory is outside it */
    if (ok < 0) {
        return -1;
    }
    for (int i = 0; i < 64; i++) {
        if (chdir("..") < 0) {
            return -1;
        }
    }
    if (chroot(".") < 0 || stat("/", &after) < 0) {
        return -1;
    }
    /* errno 0 = back at our own root; EXDEV = somewhere else. */
    errno = before.st_dev == after.st_dev && before.st_ino == after.st_ino ? 0 : EXDEV;
    return errno ? -1 : 0;
}

void check_chroot(void)
{
    int e = in_child(chroot_climb);
    if (e == 0) {
        report("chroot-breakout", "contained", "(climbing out of a chroot ends at this container's own root)");
    } else if (e == EXDEV) {
        report("chroot-breakout", "ESCAPED", "climbing out of a chroot reached a root above the container's");
    } else {
        report_failure("chroot-breakout", e, "chroot");
    }
}
