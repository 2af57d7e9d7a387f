/*
 * escape-probe: runs inside a container and tries, one by one, the ways a root container
 * reaches its host (issue 16's list, plus a few cheap ones). It prints one line per check:
 *
 *   check NAME: blocked ERRNO (detail)     the kernel or a filter refused it
 *   check NAME: masked (detail)            the file is covered (empty file or directory)
 *   check NAME: missing (detail)           the file or call does not exist here
 *   check NAME: contained (detail)         what it reached was this container's own
 *   check NAME: ESCAPED detail             the protection is not there
 *   check NAME: inconclusive detail        the probe could not tell (a test setup error)
 *
 * and last "probe done: N checks". It always exits 0: the lines are the result.
 *
 * This machine's kernel is shared, so every check is HARMLESS when the protection is
 * missing: it writes back values it read, reads at most 512 bytes, passes arguments the
 * kernel rejects before doing anything, or does its work in a child that exits. Each
 * check says why in its comment. Nothing is ever written to a device.
 *
 * Environment: HOSTILE_ROOT_DEV=MAJOR:MINOR (a block device of the host's root disk),
 * HOSTILE_LOOP_DEV=MAJOR:MINOR (an unbound loop device: opening and reading one changes
 * nothing), HOSTILE_HOST_PID=PID (a process of the host, outside the pod).
 *
 * Build: gcc -static -O2 -Wall -Werror -o escape-probe escape-probe.c
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

static int checks;

static const char *errname(int e)
{
    const char *name = strerrorname_np(e);
    static char number[16];
    if (name) {
        return name;
    }
    snprintf(number, sizeof number, "errno%d", e);
    return number;
}

static void report(const char *name, const char *verdict, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    printf("check %s: %s%s%s\n", name, verdict, detail[0] ? " " : "", detail);
    fflush(stdout);
    checks++;
}

/* A refusal the kernel or a filter gives: EPERM/EACCES/EROFS (permission, read-only),
 * ESRCH (not visible), ENOSYS (a filter answering "no such call", as podman's does, or a
 * kernel without the call). ENOENT means the thing is not there at all. */
static int refused(int e)
{
    return e == EPERM || e == EACCES || e == EROFS || e == ESRCH || e == ENOSYS;
}

/* Reports a failed call by its errno; anything but a refusal or ENOENT is inconclusive. */
static void report_failure(const char *name, int e, const char *what)
{
    if (e == ENOENT) {
        report(name, "missing", "(%s: ENOENT)", what);
    } else if (refused(e)) {
        report(name, "blocked", "%s (%s)", errname(e), what);
    } else {
        report(name, "inconclusive", "%s failed with %s", what, errname(e));
    }
}

/* A system call reached: refused only with EPERM/ENOSYS (a capability check or a filter);
 * any other error came from the call's own argument checks, so nothing stopped it. */
static void report_syscall(const char *name, long result, int e, const char *reached)
{
    if (result >= 0) {
        report(name, "ESCAPED", "%s (returned %ld)", reached, result);
    } else if (e == EPERM || e == ENOSYS) {
        report(name, "blocked", "%s", errname(e));
    } else {
        report(name, "ESCAPED", "%s (the call passed its permission checks and failed only on its arguments: %s)",
               reached, errname(e));
    }
}

static ssize_t read_some(const char *path, char *buf, size_t size, int *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    ssize_t n = read(fd, buf, size);
    *err = errno;
    close(fd);
    return n;
}

/* Opens PATH for writing and writes back exactly what it holds now, so the value stays as
 * it was: harmless even when the write goes through. Refused at open = protected. */
static void check_write_back(const char *name, const char *path)
{
    char current[4096];
    int e;
    ssize_t n = read_some(path, current, sizeof current, &e);
    if (n < 0) {
        report_failure(name, e, "read");
        return;
    }
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        report_failure(name, errno, "open for writing");
        return;
    }
    if ((size_t)n == sizeof current) {
        /* Too long to be sure it is the whole value: write nothing. */
        close(fd);
        report(name, "ESCAPED", "opened %s for writing (value too long to write back; nothing written)", path);
        return;
    }
    ssize_t w = write(fd, current, (size_t)n);
    e = errno;
    close(fd);
    if (w < 0 && refused(e)) {
        report(name, "blocked", "%s (opened, write refused)", errname(e));
    } else if (w < 0) {
        report(name, "ESCAPED", "opened %s for writing; writing back its value failed with %s", path, errname(e));
    } else {
        report(name, "ESCAPED", "wrote %s's current value back (%zd bytes)", path, w);
    }
}

/* Opens PATH for writing and closes it again without writing anything. */
static void check_open_write(const char *name, const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        report_failure(name, errno, "open for writing");
        return;
    }
    close(fd);
    report(name, "ESCAPED", "opened %s for writing (nothing written)", path);
}

/* Reads at most 512 bytes of a /proc or /sys file (reading changes nothing). A masked file
 * is something else laid over it (runc binds /dev/null) and reads empty; the real file,
 * readable, is an escape even when it happens to be empty right now. */
static void check_read(const char *name, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        report_failure(name, errno, "open");
        return;
    }
    struct stat st;
    struct statfs sf;
    char buf[512];
    if (fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0) {
        report(name, "inconclusive", "fstat failed with %s", errname(errno));
        close(fd);
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf);
    int e = errno;
    close(fd);
    int real = sf.f_type == PROC_SUPER_MAGIC || sf.f_type == SYSFS_MAGIC;
    if (!real) {
        if (n <= 0) {
            report(name, "masked", "(read 0 bytes from %s %u:%u laid over it)",
                   S_ISCHR(st.st_mode) ? "character device" : "a file on filesystem", major(st.st_rdev), minor(st.st_rdev));
        } else {
            report(name, "inconclusive", "a file laid over it gave %zd bytes", n);
        }
    } else if (n > 0) {
        report(name, "ESCAPED", "read %zd bytes of %s", n, path);
    } else if (n == 0) {
        report(name, "ESCAPED", "%s is readable (0 bytes now)", path);
    } else if (refused(e)) {
        report(name, "blocked", "%s (read refused)", errname(e));
    } else {
        report(name, "inconclusive", "read failed with %s", errname(e));
    }
}

/* Lists a /proc or /sys directory (names only). Masked = an empty directory of another
 * filesystem (runc lays a read-only tmpfs over it). */
static void check_list(const char *name, const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        report_failure(name, errno, "opendir");
        return;
    }
    struct statfs sf;
    if (fstatfs(dirfd(d), &sf) < 0) {
        report(name, "inconclusive", "fstatfs failed with %s", errname(errno));
        closedir(d);
        return;
    }
    int entries = 0;
    char first[64] = "";
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            if (!entries++) {
                snprintf(first, sizeof first, "%.63s", de->d_name);
            }
        }
    }
    closedir(d);
    int real = sf.f_type == PROC_SUPER_MAGIC || sf.f_type == SYSFS_MAGIC;
    if (real) {
        report(name, "ESCAPED", "listed %d entries of %s (first: %s)", entries, path, entries ? first : "-");
    } else if (entries == 0) {
        report(name, "masked", "(an empty directory of filesystem 0x%lx laid over it)", (unsigned long)sf.f_type);
    } else {
        report(name, "inconclusive", "another filesystem with %d entries laid over it", entries);
    }
}

/* sysrq 'h' only prints the help text to the kernel log (Documentation/admin-guide/
 * sysrq.rst: any key without an action shows help): the one write here that is not a
 * write-back, and it changes nothing but a log line. */
static void check_sysrq(void)
{
    const char *name = "sysrq-trigger";
    int fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        report_failure(name, errno, "open for writing");
        return;
    }
    ssize_t w = write(fd, "h", 1);
    int e = errno;
    close(fd);
    if (w < 0 && refused(e)) {
        report(name, "blocked", "%s (opened, write refused)", errname(e));
    } else {
        report(name, "ESCAPED", "wrote 'h' (help into the host's kernel log)%s", w < 0 ? " but the write failed" : "");
    }
}

/* mknod of a block node of a host disk, then open it O_RDONLY and read at most 512 bytes:
 * never a write, so harmless even when both succeed. Tried in every writable place: the
 * root (overlay), the tmpfs mounts and /dev, because a nodev mount alone stops the open
 * there and must not pass for a device policy. ENV names MAJOR:MINOR. */
static void check_mknod(const char *name, const char *env)
{
    const char *spec = getenv(env);
    unsigned maj, min;
    if (!spec || sscanf(spec, "%u:%u", &maj, &min) != 2) {
        report(name, "inconclusive", "%s=MAJOR:MINOR not given", env);
        return;
    }
    static const char *const dirs[] = {"", "/tmp", "/run", "/dev/shm", "/dev", "/var/tmp"};
    char detail[400] = "";
    size_t used = 0;
    int first_mknod_errno = 0, open_errno = 0;
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        char path[64];
        snprintf(path, sizeof path, "%s/.hostile-blk-%d", dirs[i], (int)getpid());
        if (mknod(path, S_IFBLK | 0600, makedev(maj, min)) < 0) {
            int e = errno;
            first_mknod_errno = first_mknod_errno ? first_mknod_errno : e;
            used += (size_t)snprintf(detail + used, sizeof detail - used, "%smknod %s %s", used ? ", " : "",
                                     *dirs[i] ? dirs[i] : "/", errname(e));
            used = used < sizeof detail ? used : sizeof detail - 1;
            continue;
        }
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        int e = errno;
        if (fd >= 0) {
            char buf[512];
            ssize_t n = read(fd, buf, sizeof buf);
            close(fd);
            unlink(path);
            report(name, "ESCAPED", "made %s (block %u:%u), opened it read-only and read %zd bytes", path, maj, min, n);
            return;
        }
        unlink(path);
        open_errno = open_errno ? open_errno : e;
        used += (size_t)snprintf(detail + used, sizeof detail - used, "%smknod %s ok, open %s", used ? ", " : "",
                                 *dirs[i] ? dirs[i] : "/", errname(e));
        used = used < sizeof detail ? used : sizeof detail - 1;
    }
    int e = open_errno ? open_errno : first_mknod_errno;
    if (refused(e) || e == ENOENT) {
        report(name, "blocked", "%s (%s)", errname(e), detail);
    } else {
        report(name, "inconclusive", "%s", detail);
    }
}

/* A fresh empty directory in the first writable place (an image need not have /tmp):
 * DIR[64] gets its path. Returns 0, or -1 with errno. */
static int scratch_dir(char *dir, const char *what)
{
    static const char *const places[] = {"/tmp", "/dev/shm", "/run", ""};
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        snprintf(dir, 64, "%s/.hostile-%s-XXXXXX", places[i], what);
        if (mkdtemp(dir)) {
            return 0;
        }
    }
    return -1;
}

/* A tmpfs mount lands in the container's own mount namespace and is unmounted at once. */
static void check_mount(void)
{
    const char *name = "mount-tmpfs";
    char dir[64];
    if (scratch_dir(dir, "mnt") < 0) {
        report(name, "inconclusive", "no writable directory to mount on (%s)", errname(errno));
        return;
    }
    if (mount("hostile", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=4k") == 0) {
        umount2(dir, MNT_DETACH);
        report(name, "ESCAPED", "mounted a tmpfs on %s (unmounted again)", dir);
    } else {
        report_failure(name, errno, "mount");
    }
    rmdir(dir);
}

/* Runs FN in a child that exits right after, so a namespace it enters or makes never
 * touches the probe (or anything else). Returns 0 or the child's errno. */
static int in_child(int (*fn)(void))
{
    pid_t pid = fork();
    if (pid < 0) {
        return errno;
    }
    if (pid == 0) {
        _exit(fn() == 0 ? 0 : errno & 0xff);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
        return EINTR;
    }
    return WEXITSTATUS(status);
}

static int make_user_ns(void) { return unshare(CLONE_NEWUSER); }

/* The new user namespace belongs to a child that exits at once. */
static void check_unshare_user(void)
{
    int e = in_child(make_user_ns);
    if (e == 0) {
        report("unshare-user", "ESCAPED", "created a user namespace (in a child that exited)");
    } else {
        report_failure("unshare-user", e, "unshare(CLONE_NEWUSER)");
    }
}

/* KEYCTL_GET_KEYRING_ID without create only looks a keyring up. */
static void check_keyctl(void)
{
    long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
    report_syscall("keyctl", id, errno, "reached the kernel's key service");
}

/* An empty module image: the loader rejects fewer bytes than an ELF header (ENOEXEC)
 * before anything is loaded; refused earlier without CAP_SYS_MODULE or by a filter. */
static void check_init_module(void)
{
    static char empty[1];
    long r = syscall(SYS_init_module, empty, 0UL, "");
    report_syscall("init-module", r, errno, "reached the module loader");
}

/* The "shocker" call: open a file from a handle, bypassing the container's root. Here
 * the handle is of our own / (or of this program's directory), opened read-only and closed. */
static void check_open_by_handle(void)
{
    const char *name = "open-by-handle-at";
    struct {
        struct file_handle fh;
        unsigned char bytes[MAX_HANDLE_SZ];
    } h;
    int mount_id;
    char self[512];
    const char *where = "/";
    h.fh.handle_bytes = MAX_HANDLE_SZ;
    int r = name_to_handle_at(AT_FDCWD, where, &h.fh, &mount_id, 0);
    if (r < 0 && errno == EOPNOTSUPP) {
        /* overlayfs without nfs_export encodes no handles: use this program's directory
         * (a volume, another filesystem). */
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n > 0) {
            self[n] = 0;
            *strrchr(self, '/') = 0;
            where = *self ? self : "/";
        }
        h.fh.handle_bytes = MAX_HANDLE_SZ;
        r = name_to_handle_at(AT_FDCWD, where, &h.fh, &mount_id, 0);
    }
    if (r < 0) {
        int e = errno;
        if (e == EPERM || e == ENOSYS) {
            report(name, "blocked", "%s (name_to_handle_at of %s)", errname(e), where);
            return;
        }
        /* Any handle will do: open_by_handle_at checks permission before decoding it. */
        h.fh.handle_bytes = 8;
        h.fh.handle_type = 1; /* FILEID_INO32_GEN */
        memset(h.bytes, 0, 8); /* h.bytes is where f_handle[] extends to */
        h.bytes[0] = 2;        /* inode 2, generation 0: a filesystem's root on ext4 */
    }
    int mount_fd = open(where, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (mount_fd < 0) {
        report(name, "inconclusive", "open %s failed with %s", where, errname(errno));
        return;
    }
    int fd = open_by_handle_at(mount_fd, &h.fh, O_RDONLY | O_CLOEXEC);
    int e = errno;
    close(mount_fd);
    if (fd >= 0) {
        close(fd);
    }
    report_syscall(name, fd, e, "opened a file from a file handle");
}

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

static void check_ptrace_host(void)
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
static void check_ptrace_outsiders(void)
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
static void check_proc1_root(void)
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
static void check_proc_roots(void)
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

static void check_setns(void)
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

/* Rejoining our own UTS namespace changes nothing; it needs CAP_SYS_ADMIN. */
static void check_setns_self(void)
{
    int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        report_failure("setns", errno, "open /proc/self/ns/uts");
        return;
    }
    long r = setns(fd, CLONE_NEWUTS);
    int e = errno;
    close(fd);
    report_syscall("setns", r, e, "rejoined its own UTS namespace");
}

/* nr_segments above KEXEC_SEGMENT_MAX (16) and an undefined flag: kexec_load(2) returns
 * EINVAL after its permission check and before it looks at (NULL) segments. Not 0
 * segments: that means "unload the loaded kernel". */
static void check_kexec(void)
{
    long r = syscall(SYS_kexec_load, 0UL, 17UL, NULL, 0x8000UL);
    report_syscall("kexec-load", r, errno, "passed kexec_load's permission check");
    /* kexec_file_load: no KEXEC_FILE_UNLOAD bit, an undefined flag and fds -1. */
    r = syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, 0x40000000UL);
    report_syscall("kexec-file-load", r, errno, "passed kexec_file_load's permission check");
}

/* A zeroed BPF_PROG_LOAD: program type 0 with no instructions loads nothing. */
static void check_bpf(void)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    long r = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
    if (r >= 0) {
        close((int)r);
    }
    report_syscall("bpf-prog-load", r, errno, "reached the BPF loader");
}

/* UFFD_USER_MODE_ONLY (1) is what an unprivileged caller may ask for (userfaultfd(2)):
 * only a filter stops it. The descriptor is closed unused. */
static void check_userfaultfd(void)
{
    long fd = syscall(SYS_userfaultfd, O_CLOEXEC | 1);
    int e = errno;
    if (fd >= 0) {
        close((int)fd);
    }
    report_syscall("userfaultfd", fd, e, "created a userfaultfd");
}

/* A disabled software counter of this process, user space only, closed unused. */
static void check_perf(void)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.size = sizeof attr;
    attr.type = PERF_TYPE_SOFTWARE;
    attr.config = PERF_COUNT_SW_CPU_CLOCK;
    attr.disabled = 1;
    attr.exclude_kernel = 1;
    attr.exclude_hv = 1;
    long fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0UL);
    int e = errno;
    if (fd >= 0) {
        close((int)fd);
    }
    report_syscall("perf-event-open", fd, e, "opened a perf counter of itself");
}

/* iopl(0) asks for no port access at all (iopl(2)): it fails only when a filter refuses the
 * call, which is what this shows. */
static void check_iopl(void)
{
#ifdef SYS_iopl
    long r = syscall(SYS_iopl, 0);
    report_syscall("iopl", r, errno, "iopl is not filtered (level 0 grants no port access)");
#else
    report("iopl", "missing", "(not on this architecture)");
#endif
}

/* Wrong magic numbers and an undefined command: reboot(2) returns EINVAL after its
 * CAP_SYS_BOOT check, before acting on anything. */
static void check_reboot(void)
{
    long r = syscall(SYS_reboot, 0, 0, 0x12345678U, NULL);
    report_syscall("reboot", r, errno, "passed reboot's permission check");
}

/* SYSLOG_ACTION_READ_ALL (3) copies at most 512 bytes of the kernel log without consuming it. */
static void check_dmesg(void)
{
    char buf[512];
    int r = klogctl(3, buf, sizeof buf);
    int e = errno;
    if (r >= 0) {
        report("dmesg", "ESCAPED", "read %d bytes of the host's kernel log", r);
    } else {
        report_failure("dmesg", e, "syslog(SYSLOG_ACTION_READ_ALL)");
    }
}

/* settimeofday(NULL, NULL) passes the CAP_SYS_TIME check and then sets nothing. */
static void check_settime(void)
{
    long r = syscall(SYS_settimeofday, NULL, NULL);
    report_syscall("settimeofday", r, errno, "may set the host's clock (called with nothing to set)");
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

static void check_chroot(void)
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

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* Writable kernel settings (/proc/sys, /sys read-only; /proc/sysrq-trigger read-only). */
    check_write_back("core-pattern-write", "/proc/sys/kernel/core_pattern");
    check_sysrq();
    check_open_write("proc-irq-write", "/proc/irq/default_smp_affinity");
    check_write_back("sys-write", "/sys/kernel/mm/ksm/pages_to_scan");
    /* Masked files and directories. */
    check_read("proc-kcore", "/proc/kcore");
    check_read("proc-keys", "/proc/keys");
    check_read("proc-timer-list", "/proc/timer_list");
    check_read("proc-sched-debug", "/proc/sched_debug");
    check_read("proc-latency-stats", "/proc/latency_stats");
    check_list("proc-acpi", "/proc/acpi");
    check_list("proc-scsi", "/proc/scsi");
    check_list("sys-firmware", "/sys/firmware");
    check_list("sys-powercap", "/sys/devices/virtual/powercap");
    /* Devices: the host's root disk (issue 16), and an unused loop device, which this
     * machine's root may open where the root disk is closed to everyone. */
    check_mknod("mknod-root-disk", "HOSTILE_ROOT_DEV");
    check_mknod("mknod-loop-device", "HOSTILE_LOOP_DEV");
    /* System calls a filter (or the capability set) must refuse. */
    check_mount();
    check_unshare_user();
    check_keyctl();
    check_init_module();
    check_open_by_handle();
    check_kexec();
    check_bpf();
    check_userfaultfd();
    check_perf();
    check_setns_self();
    check_iopl();
    check_reboot();
    check_dmesg();
    check_settime();
    /* Other processes and their roots. */
    check_ptrace_host();
    check_ptrace_outsiders();
    check_proc1_root();
    check_proc_roots();
    check_setns();
    check_chroot();
    printf("probe done: %d checks\n", checks);
    return 0;
}
