/* The probe's checks of /proc, /sys and device nodes (see escape-probe.c). */
#include "probe.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

/* Opens PATH for writing and writes back exactly what it holds now, so the value stays as
 * it was: harmless even when the write goes through. Refused at open = protected. */
void check_write_back(const char *name, const char *path)
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
void check_open_write(const char *name, const char *path)
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
void check_read(const char *name, const char *path)
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
void check_list(const char *name, const char *path)
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
void check_sysrq(void)
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
void check_mknod(const char *name, const char *env)
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

/* A chmod (WHAT: "chmod", ...) of the /dev/null ST describes went through: of the host's
 * node, or of one of the container's own? HOSTILE_DEV_NULL=DEV:INO (st_dev and st_ino of
 * the host's /dev/null, in decimal) tells the two apart. */
static void report_chmod_through(const char *name, const struct stat *st, const char *what)
{
    const char *spec = getenv("HOSTILE_DEV_NULL");
    unsigned long long dev, ino;
    if (!spec || sscanf(spec, "%llu:%llu", &dev, &ino) != 2) {
        report(name, "inconclusive", "%s of /dev/null went through; HOSTILE_DEV_NULL=DEV:INO not given", what);
    } else if ((unsigned long long)st->st_dev == dev && (unsigned long long)st->st_ino == ino) {
        report(name, "ESCAPED", "%s of the host's /dev/null (%llu:%llu) went through (its mode is unchanged)", what, dev, ino);
    } else {
        report(name, "contained", "(%s of a /dev/null of its own, %llu:%llu)", what,
               (unsigned long long)st->st_dev, (unsigned long long)st->st_ino);
    }
}

/* chmod of /dev/null to the mode it has (so nothing changes, though its ctime moves): a bind
 * of the host's devtmpfs node that lets it through would let a chmod to 0600 lock every
 * non-root user of the host out of /dev/null. A read-only mount refuses it (EROFS); a node
 * of the container's own (runc and crun mknod one) may take it. */
void check_dev_node_chmod(void)
{
    const char *name = "dev-node-chmod";
    struct stat st;
    if (stat("/dev/null", &st) < 0) {
        report_failure(name, errno, "stat /dev/null");
        return;
    }
    if (chmod("/dev/null", st.st_mode & 07777) < 0) {
        report_failure(name, errno, "chmod /dev/null to its own mode");
        return;
    }
    report_chmod_through(name, &st, "chmod");
}

/* fchmod of stdin to the mode it has, when stdin is the null device (1:3): the same attack
 * as dev-node-chmod, through the descriptor a container is handed rather than the path. The
 * pod init, the executor and the CLI open /dev/null in the host's mount namespace, where
 * it is the host's node on a read-write mount; become.c puts the container's own read-only
 * /dev/null in its place, so the fchmod gets EROFS (stage 1 native review of 2026-12-07,
 * finding 2). Harmless when it goes through: the mode stays the one it found (only the
 * ctime moves, which ProbeRun's HostDevNullIsUnchanged sees). */
void check_stdin_chmod(void)
{
    const char *name = "stdin-chmod";
    struct stat st;
    if (fstat(0, &st) < 0) {
        report_failure(name, errno, "fstat stdin");
        return;
    }
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
        report(name, "missing", "(stdin is not the null device)");
        return;
    }
    if (fchmod(0, st.st_mode & 07777) < 0) {
        report_failure(name, errno, "fchmod stdin to its own mode");
        return;
    }
    report_chmod_through(name, &st, "fchmod (of stdin)");
}
