/* The probe's system call checks (see escape-probe.c): each is refused by the capability
 * set or by a seccomp filter, and is harmless when it is not. */
#include "probe.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A tmpfs mount lands in the container's own mount namespace and is unmounted at once. */
void check_mount(void)
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

static int make_user_ns(void) { return unshare(CLONE_NEWUSER); }

/* The new user namespace belongs to a child that exits at once. */
void check_unshare_user(void)
{
    int e = in_child(make_user_ns);
    if (e == 0) {
        report("unshare-user", "ESCAPED", "created a user namespace (in a child that exited)");
    } else {
        report_failure("unshare-user", e, "unshare(CLONE_NEWUSER)");
    }
}

/* KEYCTL_GET_KEYRING_ID without create only looks a keyring up. */
void check_keyctl(void)
{
    long id = syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0);
    report_syscall("keyctl", id, errno, "reached the kernel's key service");
}

/* An empty module image: the loader rejects fewer bytes than an ELF header (ENOEXEC)
 * before anything is loaded; refused earlier without CAP_SYS_MODULE or by a filter. */
void check_init_module(void)
{
    static char empty[1];
    long r = syscall(SYS_init_module, empty, 0UL, "");
    report_syscall("init-module", r, errno, "reached the module loader");
}

/* The "shocker" call: open a file from a handle, bypassing the container's root. Here
 * the handle is of our own / (or of this program's directory), opened read-only and closed. */
void check_open_by_handle(void)
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

/* Rejoining our own UTS namespace changes nothing; it needs CAP_SYS_ADMIN. */
void check_setns_self(void)
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
void check_kexec(void)
{
    long r = syscall(SYS_kexec_load, 0UL, 17UL, NULL, 0x8000UL);
    report_syscall("kexec-load", r, errno, "passed kexec_load's permission check");
    /* kexec_file_load: no KEXEC_FILE_UNLOAD bit, an undefined flag and fds -1. */
    r = syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, 0x40000000UL);
    report_syscall("kexec-file-load", r, errno, "passed kexec_file_load's permission check");
}

/* A zeroed BPF_PROG_LOAD: program type 0 with no instructions loads nothing. */
void check_bpf(void)
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
void check_userfaultfd(void)
{
    long fd = syscall(SYS_userfaultfd, O_CLOEXEC | 1);
    int e = errno;
    if (fd >= 0) {
        close((int)fd);
    }
    report_syscall("userfaultfd", fd, e, "created a userfaultfd");
}

/* A disabled software counter of this process, user space only, closed unused. */
void check_perf(void)
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
void check_iopl(void)
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
void check_reboot(void)
{
    long r = syscall(SYS_reboot, 0, 0, 0x12345678U, NULL);
    report_syscall("reboot", r, errno, "passed reboot's permission check");
}

/* SYSLOG_ACTION_READ_ALL (3) copies at most 512 bytes of the kernel log without consuming it. */
void check_dmesg(void)
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
void check_settime(void)
{
    long r = syscall(SYS_settimeofday, NULL, NULL);
    report_syscall("settimeofday", r, errno, "may set the host's clock (called with nothing to set)");
}
