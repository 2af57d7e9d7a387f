/*
 * podunits_become: the last steps of every process PodUnits starts in a container, from the
 * working directory to execve, in one place for every way it is reached (see podunits-native.h):
 * called in-process by managed code (Container/ContainerCommand.cs); by the constructor in
 * enter.c right after it joined a pod's user namespace, where no managed code can run before
 * the container's command without costing a second .NET start; and by that constructor for
 * container-exec, in its parts (podunits_prepare, then a fork into the container's PID
 * namespace, then the execve), so that no process the container sees is more than it.
 *
 * What to do comes as an exec spec that managed code builds (Container/ExecSpec.cs); this
 * file only carries it out, in the order capabilities(7) and seccomp(2) require:
 *   0. stdio that is the caller's /dev/null becomes the container's own (read-only) one;
 *      every ignored signal back to its default and an empty signal mask, as systemd gives
 *      every service it starts: .NET ignores SIGPIPE, and execve keeps an ignored signal
 *      ignored, so `yes | head` in a container would otherwise end with EPIPE errors (when
 *      a step fails, SIGPIPE is ignored again for stage 1's report and exit); a session
 *      keyring of its own, the default personality and umask 0022, whoever started it;
 *   1. the working directory, resolved inside the container's root (never through a /proc
 *      magic link), created if missing, and entered (container-start made it already, before
 *      a read-only root became read-only: ContainerMounts.MakeWorkingDirectory);
 *   2. the LSM attribute for the exec (AppArmor profile, SELinux label), while still root,
 *      written only onto procfs;
 *   3. the capability bounding set, the ambient set cleared;
 *   4. without no_new_privs, the seccomp filter now, while CAP_SYS_ADMIN allows it (as runc);
 *   5. groups, gid, uid (from root to another user the kernel clears the capability sets);
 *   6. for uid 0, effective and permitted set to what the bounding set still holds (for
 *      other users none), and for every user an empty inheritable set;
 *   7. with no_new_privs, it and then the filter, last;
 *   8. execve.
 */
#define _GNU_SOURCE
#include "podunits-native.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

enum { SPEC_VERSION = 2, FLAG_CONFINE = 1, FLAG_NO_NEW_PRIVS = 2, FLAG_SECCOMP = 4 };

struct reader {
    const unsigned char *at, *end;
    int bad;
};

/* The next size bytes into value, or r->bad when the spec ends first. */
static void take(struct reader *r, void *value, size_t size)
{
    if ((size_t)(r->end - r->at) < size) {
        r->bad = 1;
        memset(value, 0, size);
        return;
    }
    memcpy(value, r->at, size);
    r->at += size;
}

static uint32_t u32(struct reader *r)
{
    uint32_t v;
    take(r, &v, sizeof v);
    return v;
}

static uint64_t u64(struct reader *r)
{
    uint64_t v;
    take(r, &v, sizeof v);
    return v;
}

/* A length-prefixed byte string, copied with a terminating NUL; *length gets its length. */
static char *bytes(struct reader *r, size_t *length)
{
    uint32_t n = u32(r);
    char *s;
    if (r->bad || (size_t)(r->end - r->at) < n || (s = malloc((size_t)n + 1)) == NULL) {
        r->bad = 1;
        return NULL;
    }
    memcpy(s, r->at, n);
    s[n] = '\0';
    r->at += n;
    if (length != NULL) {
        *length = n;
    }
    return s;
}

static char **strings(struct reader *r)
{
    uint32_t n = u32(r);
    char **list;
    if (r->bad || n > 1u << 20 || (list = calloc((size_t)n + 1, sizeof *list)) == NULL) {
        r->bad = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        list[i] = bytes(r, NULL);
    }
    return list;
}

static int failed(char *error, size_t size, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error, size, fmt, ap);
    va_end(ap);
    return code;
}

/* Timing of the steps (PODUNITS_VERBOSE=1): the steps managed code carried in
 * ("LAST-NS TOTAL-NS STEPS", Container/SetupSteps.cs), continued here. */
struct timing {
    int on;
    long long last, total;
    char steps[1024];
};

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void step(struct timing *t, const char *name)
{
    long long now, took;
    size_t used;
    if (!t->on) {
        return;
    }
    now = now_ns();
    took = now - t->last;
    t->total += took;
    t->last = now;
    used = strlen(t->steps);
    snprintf(t->steps + used, sizeof t->steps - used, "%s%s %.3f", used ? ", " : "", name, took / 1e6);
}

static void start_timing(struct timing *t, const char *carried)
{
    int consumed = 0;
    memset(t, 0, sizeof *t);
    if (carried != NULL && sscanf(carried, "%lld %lld %n", &t->last, &t->total, &consumed) == 2) {
        t->on = 1;
        snprintf(t->steps, sizeof t->steps, "%s", carried + consumed);
    }
}

/* openat2(2) tried again, a bounded number of times, when it answers EAGAIN: with
 * RESOLVE_IN_ROOT the kernel does when a rename or mount anywhere on the host raced the
 * lookup ("the caller may choose to retry"), which on a busy host (a CI run starting many
 * pods) failed a container's start with its working directory "Resource temporarily
 * unavailable". Managed code's openat2 (LibcExtra.MountApi.cs) retries the same way. */
static int openat2_retrying(int dir, const char *path, struct open_how *how)
{
    int fd = -1;
    for (int attempt = 0; attempt < 64; attempt++) {
        fd = (int)syscall(SYS_openat2, dir, path, how, sizeof *how);
        if (fd >= 0 || errno != EAGAIN) {
            break;
        }
    }
    return fd;
}

/* The working directory, entered as the container sees it: each component is resolved
 * with openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS against the container's root, so
 * neither ".." nor an image's symlink nor a /proc magic link (/proc/1/root, which in a pod
 * sharing its PID namespace is the pod init's, the host's root) can lead out of it, and
 * missing components are made with mkdirat on the descriptor of their parent, as runc
 * makes them. This runs as host root with every capability (CVE-2024-21626: a working
 * directory outside the root is a host escape), so a plain chdir(2) will not do. */
static int enter_working_directory(const char *path)
{
    char partial[4096];
    size_t n = strlen(path);
    if (n >= sizeof partial || path[0] != '/') {
        errno = n >= sizeof partial ? ENAMETOOLONG : EINVAL;
        return -1;
    }
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) {
        return -1;
    }
    struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    int dir = dup(root);
    memcpy(partial, path, n + 1);
    for (char *p = partial + 1; dir >= 0; p++) {
        if (*p != '/' && *p != '\0') {
            continue;
        }
        char saved = *p;
        *p = '\0';
        char *name = strrchr(partial, '/') + 1;
        if (name[0] != '\0') {
            int next = openat2_retrying(root, partial, &how);
            if (next < 0 && errno == ENOENT && mkdirat(dir, name, 0755) == 0) {
                next = openat2_retrying(root, partial, &how);
            }
            int saved_errno = errno;
            close(dir);
            dir = next;
            errno = saved_errno;
        }
        *p = saved;
        if (saved == '\0') {
            break;
        }
    }
    int result = dir >= 0 ? fchdir(dir) : -1;
    int saved_errno = errno;
    if (dir >= 0) {
        close(dir);
    }
    close(root);
    errno = saved_errno;
    return result;
}

/* Every one of fds 0-2 that is the null device (1:3) becomes the container's own /dev/null,
 * as runc's reOpenDevNull does. Whoever started this process opened its /dev/null in the
 * host's mount namespace: the pod init for every container's stdin, the executor for exec
 * probes, the CLI for `podunits enter`. That is the host's devtmpfs inode on a read-write
 * mount, and a root container's fchmod(0, 0600) or `chown 65534 /dev/stdin` went through it,
 * locking every non-root user of the host and every other pod out of /dev/null; the
 * read-only device binds only stopped the path (stage 1 native review of 2026-12-07,
 * finding 2). The container's /dev/null is the same inode bound read-only
 * (ContainerMounts.Dev), so chmod, chown and utimes through it get EROFS while reads and
 * writes of the device work. Every caller has entered the container's root by now (the
 * in-process path after pivot_root, enter.c's pivot path after its pivot_root, the join
 * path through setns of the mount namespace), so "/" is the container's; no symlink is
 * followed on the way, and what is opened must be the null device itself: a container that
 * could lay something else over its /dev/null would otherwise choose its exec probes'
 * stdin. Before any seccomp filter: a Localhost profile need not allow openat2. dup3 with
 * no flags: stdio stays open across the execve. */
static int reopen_dev_null(const char *name, char *error, size_t error_size)
{
    struct open_how how = { .flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
    const dev_t null_device = makedev(1, 3);
    struct stat st;
    int fd = -1, code = 0;
    for (int i = 0; i <= 2 && code == 0; i++) {
        if (fstat(i, &st) != 0 || !S_ISCHR(st.st_mode) || st.st_rdev != null_device) {
            continue; /* closed, or a pipe, socket or terminal: the command's as it is */
        }
        if (fd < 0) {
            fd = openat2_retrying(AT_FDCWD, "/dev/null", &how);
            if (fd < 0) {
                code = failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: its /dev/null for stdio: %s", name, strerror(errno));
                break;
            }
            if (fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode) || st.st_rdev != null_device) {
                code = failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: its /dev/null for stdio is not the null device (1:3)", name);
                break;
            }
        }
        if (dup3(fd, i, 0) < 0) {
            code = failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: dup3 its /dev/null onto %d: %s", name, i, strerror(errno));
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    return code;
}

static int install_filter(const char *program, size_t length)
{
    struct sock_fprog fprog = {
        .len = (unsigned short)(length / sizeof(struct sock_filter)),
        .filter = (struct sock_filter *)(uintptr_t)program,
    };
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog);
}

/* The last capability this kernel knows: the highest PR_CAPBSET_READ does not refuse. Not
 * /proc/sys/kernel/cap_last_cap, which is read in the container's mount namespace: a
 * container that made user and mount namespaces of its own (seccomp Unconfined) could bind a
 * file saying -1 over it there, and an exec probe or `podunits enter` joining that namespace
 * then dropped no capability at all, host root (review of 2026-12-06). Should the kernel
 * refuse even capability 0, the compile-time last one fails the drop below: closed. */
static int last_capability(void)
{
    int last = -1;
    for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
        last = cap;
    }
    return last < 0 ? CAP_LAST_CAP : last;
}

/* The kernel's struct sigaction: the C library's wrapper refuses the signals it keeps for
 * itself (32 and 33), which may come ignored from whoever started stage 1. */
struct kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    uint64_t mask;
};

/* execve resets a caught signal to its default itself; only an ignored one stays ignored.
 * Handlers are left alone, as stage 1's runtime still runs on other threads until execve
 * (its garbage collector signals them). The mask is this thread's, which does the execve. */
static void reset_signals(void)
{
    struct kernel_sigaction now, dfl = { .handler = SIG_DFL };
    uint64_t none = 0;
    for (int sig = 1; sig <= 64; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP && syscall(SYS_rt_sigaction, sig, NULL, &now, sizeof now.mask) == 0 && now.handler == SIG_IGN) {
            syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof dfl.mask);
        }
    }
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, sizeof none);
}

int podunits_become(const unsigned char *spec, size_t length, const char *carried_steps, char *error, size_t error_size)
{
    struct podunits_spec s;
    int code = podunits_spec_read(spec, length, &s, error, error_size);
    if (code == 0 && (code = podunits_prepare(&s, -1, carried_steps, error, error_size)) == 0) {
        execve(s.path, s.argv, s.envp);
        code = podunits_exec_failed(&s, error, error_size);
    }
    /* Back to how stage 1's runtime keeps it for its report and exit: a closed reader of
     * what it writes is an error it handles, not a signal that kills it. */
    signal(SIGPIPE, SIG_IGN);
    return code;
}

int podunits_exec_failed(const struct podunits_spec *s, char *error, size_t error_size)
{
    return failed(error, error_size, errno == ENOENT ? PODUNITS_NOT_FOUND : PODUNITS_NOT_EXECUTABLE,
                  "container %s: cannot execute \"%s\": %s", s->name, s->path, strerror(errno));
}

int podunits_spec_read(const unsigned char *spec, size_t length, struct podunits_spec *s, char *error, size_t error_size)
{
    struct reader r = { spec, spec + length, 0 };
    uint32_t version;
    memset(s, 0, sizeof *s);
    version = u32(&r);
    s->name = bytes(&r, NULL);
    s->path = bytes(&r, NULL);
    s->cwd = bytes(&r, NULL);
    s->flags = u32(&r);
    s->uid = u32(&r);
    s->gid = u32(&r);
    s->ngroups = u32(&r);
    s->groups = calloc(s->ngroups ? s->ngroups : 1, sizeof *s->groups);
    for (uint32_t i = 0; i < s->ngroups && !r.bad && s->groups != NULL; i++) {
        s->groups[i] = u32(&r);
    }
    s->keep = u64(&r);
    s->filter = bytes(&r, &s->filter_length);
    s->lsm_path = bytes(&r, NULL);
    s->lsm_value = bytes(&r, &s->lsm_length);
    s->argv = strings(&r);
    s->envp = strings(&r);
    s->passed_fds = u32(&r);
    if (r.bad || version != SPEC_VERSION || s->groups == NULL || s->argv == NULL || s->argv[0] == NULL || r.at != r.end) {
        return failed(error, error_size, PODUNITS_SETUP_FAILED, "the exec spec is malformed (version %u, %zu bytes)", version, length);
    }
    return 0;
}

int podunits_prepare(const struct podunits_spec *s, int lsm_fd, const char *carried_steps, char *error, size_t error_size)
{
    struct timing t;
    const size_t filter_length = s->filter_length, lsm_length = s->lsm_length;
    const uint32_t flags = s->flags, uid = s->uid, gid = s->gid, ngroups = s->ngroups, passed_fds = s->passed_fds;
    const uint64_t keep = s->keep;
    const gid_t *groups = s->groups;
    const char *name = s->name, *cwd = s->cwd, *filter = s->filter, *lsm_path = s->lsm_path, *lsm_value = s->lsm_value;
    int last;

    start_timing(&t, carried_steps);
    /* Not dumpable until the execve (which makes the command dumpable again): once this
     * process has the container's user and capabilities, a process of the container could
     * otherwise ptrace it and read what it holds (container-exec holds the pod's plan), as
     * runc guards its init (CVE-2016-9962). */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    /* Whatever descriptor something left open closes at the execve, but for stdio and the
     * sockets passed to the command (socket activation's, counted in the spec: an image's or
     * a definition's LISTEN_FDS says nothing here). Every descriptor stage 1 opens is
     * close-on-exec already; this is for the one a later change or a library forgets, which
     * for a host directory would be the host's tree in the container through /proc/self/fd
     * (the CVE-2024-21626 class). runc and crun do the same before their last execve
     * (confinement review of 2026-12-06, finding 2). Here, before any seccomp filter: a
     * Localhost profile need not allow close_range (review of that session's own diff). The
     * descriptors still serve until the execve: the exec-status pipe reports a failed one. */
    if (passed_fds > 65536 || syscall(SYS_close_range, 3 + passed_fds, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
        return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: close_range: %s", name, passed_fds > 65536 ? "too many descriptors passed" : strerror(errno));
    }
    int code = reopen_dev_null(name, error, error_size);
    if (code != 0) {
        return code;
    }
    /* A planned filter that is empty or no whole BPF program (a damaged cache file) fails the
     * start: fail closed, never run unfiltered because the program went missing. */
    if ((flags & FLAG_CONFINE) && (flags & FLAG_SECCOMP)
        && (filter_length == 0 || filter_length % sizeof(struct sock_filter) != 0 || filter_length / sizeof(struct sock_filter) > BPF_MAXINSNS)) {
        return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: its seccomp program is malformed (%zu bytes); refusing to run it unfiltered",
                      name, filter_length);
    }
    /* As runc: IDs above 2^31 - 1 are refused (the planner refuses them first). (uid_t)-1
     * would be setresuid's "unchanged", which leaves the process root. */
    if (uid > INT32_MAX || gid > INT32_MAX) {
        return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: user %u:%u is out of range", name, uid, gid);
    }
    for (uint32_t i = 0; i < ngroups; i++) {
        if (groups[i] > INT32_MAX) {
            return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: group %u is out of range", name, groups[i]);
        }
    }

    reset_signals();
    /* What the caller's session must not pass in, as runc resets it: a keyring of its own
     * (`podunits enter` from an administrator's login would join that session's keyring,
     * and every container of a pod pod@.service's), and the default personality (`setarch
     * -R` would turn address space randomization off). Before seccomp, which refuses keyctl. */
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 && errno != ENOSYS && errno != EACCES) {
        return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: a session keyring of its own: %s", name, strerror(errno));
    }
    if (personality(PER_LINUX) < 0) {
        return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: personality: %s", name, strerror(errno));
    }
    /* The file mode creation mask too: runc gives every container process and every exec
     * 0022, whoever runs it. `podunits enter` or `run -i` from a hardened root shell (umask
     * 077) wrote files into shared volumes that the pod's non-root containers could not read
     * (confinement review of 2026-12-07, finding 7). Resource limits stay the caller's
     * (docs/confinement.md). */
    umask(022);
    if (enter_working_directory(cwd) != 0) {
        return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: working directory %s: %s%s", name, cwd, strerror(errno),
                      errno == EXDEV || errno == ELOOP ? " (it leads out of the container's root, through a /proc link or too many symlinks)" : "");
    }
    if (flags & FLAG_CONFINE) {
        if (lsm_path[0] != '\0') {
            /* Before any filter, still root: nothing can refuse the write yet. */
            /* Only onto procfs itself: a container able to mount in its namespace could
             * have put a file of its own over /proc/thread-self/attr (runc's CVE-2019-16884),
             * and the exec would then go unconfined by the LSM. */
            int fd = lsm_fd >= 0 ? lsm_fd : open(lsm_path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
            struct statfs fs;
            if (fd >= 0 && (fstatfs(fd, &fs) != 0 || fs.f_type != PROC_SUPER_MAGIC)) {
                close(fd);
                errno = EXDEV;
                fd = -1;
            }
            if (fd < 0 || write(fd, lsm_value, lsm_length) != (ssize_t)lsm_length) {
                return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: %s \"%s\": the kernel refused it (%s)",
                              name, lsm_path, lsm_value, strerror(errno));
            }
            close(fd);
        }
        last = last_capability();
        for (int cap = 0; cap <= last; cap++) {
            if (!(keep & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
                return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: prctl PR_CAPBSET_DROP %d: %s", name, cap, strerror(errno));
            }
        }
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
        step(&t, "capability bounds");
        if (filter_length > 0 && !(flags & FLAG_NO_NEW_PRIVS)) {
            if (install_filter(filter, filter_length) != 0) {
                return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: seccomp SECCOMP_SET_MODE_FILTER: %s", name, strerror(errno));
            }
            step(&t, "seccomp");
        }
        /* Raw system calls, not the C library's wrappers: those change every thread of the
         * process (POSIX setxid semantics), and the in-process callers (container-start
         * without a user namespace, container-exec's child) run .NET's threads besides this
         * one. The filter installed above is this thread's alone, so a Localhost profile that
         * refuses setgroups let the other threads' calls through, and the wrapper, seeing the
         * threads disagree, aborted: SIGABRT, exit 134, no word in the journal, and a start
         * the pod init reported as running (stage 1 native review of 2026-12-07, finding 5).
         * Only this thread's credentials matter: execve takes them, and the other threads end
         * there. Not SECCOMP_FILTER_FLAG_TSYNC, which would put the container's filter on
         * .NET's own threads until then. */
        if (syscall(SYS_setgroups, (size_t)ngroups, groups) != 0 || syscall(SYS_setresgid, (gid_t)gid, (gid_t)gid, (gid_t)gid) != 0
            || syscall(SYS_setresuid, (uid_t)uid, (uid_t)uid, (uid_t)uid) != 0) {
            return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: cannot become user %u, group %u: %s", name, uid, gid, strerror(errno));
        }
        /* Changing IDs set the flag to fs.suid_dumpable again: where an administrator set it to
         * 1, a process of the container's user could ptrace this one, or open its descriptors,
         * until the execve (review of the 2026-12-06 session's own diff). Not fatal: a
         * Localhost seccomp profile installed above may not allow prctl. */
        (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        {
            /* Root keeps what the bounding set still holds (pod@.service takes some away from
             * everything it runs, and asking for more fails the whole capset); another user
             * keeps none, which setresuid left it. Every user's inheritable set is emptied:
             * the kernel keeps it across setresuid, and one inherited from whoever ran
             * `podunits enter` (pam_cap) would grant a file's inheritable capabilities at
             * execve, bounding set or not (runc does the same since CVE-2022-24769). */
            uint64_t mask = 0;
            struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
            struct __user_cap_data_struct data[2];
            for (int cap = 0; cap <= last && uid == 0; cap++) {
                if ((keep & (1ULL << cap)) && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1) {
                    mask |= 1ULL << cap;
                }
            }
            data[0].effective = data[0].permitted = (uint32_t)mask;
            data[1].effective = data[1].permitted = (uint32_t)(mask >> 32);
            data[0].inheritable = data[1].inheritable = 0;
            if (syscall(SYS_capset, &header, data) != 0) {
                return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: capset: %s", name, strerror(errno));
            }
        }
        step(&t, "user and capabilities");
        if (flags & FLAG_NO_NEW_PRIVS) {
            if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
                return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: prctl PR_SET_NO_NEW_PRIVS: %s", name, strerror(errno));
            }
            if (filter_length > 0 && install_filter(filter, filter_length) != 0) {
                return failed(error, error_size, PODUNITS_SETUP_FAILED, "container %s: seccomp SECCOMP_SET_MODE_FILTER: %s", name, strerror(errno));
            }
            step(&t, "no_new_privs and seccomp");
        }
    }
    if (t.on) {
        /* stderr is the container's: the journal keeps it with the container's name. */
        fprintf(stderr, "podunits: container %s: set up in %.3f ms (%s)\n", name, t.total / 1e6, t.steps);
        fflush(stderr);
    }
    return 0;
}
