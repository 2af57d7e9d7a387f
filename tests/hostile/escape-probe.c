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
 * missing: it writes back values it read (or the mode a file has), reads at most 512
 * bytes, passes arguments the kernel rejects before doing anything, or does its work in a
 * child that exits. Each check says why in its comment. Nothing is ever written to a
 * device.
 *
 * Environment: HOSTILE_ROOT_DEV=MAJOR:MINOR (a block device of the host's root disk),
 * HOSTILE_LOOP_DEV=MAJOR:MINOR (an unbound loop device: opening and reading one changes
 * nothing), HOSTILE_HOST_PID=PID (a process of the host, outside the pod),
 * HOSTILE_DEV_NULL=DEV:INO (st_dev and st_ino of the host's /dev/null, in decimal).
 *
 * Build: tests/hostile/build.sh (gcc -static -O2 -o escape-probe escape-probe.c probe-*.c).
 */
#include "probe.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int checks;

const char *errname(int e)
{
    const char *name = strerrorname_np(e);
    static char number[16];
    if (name) {
        return name;
    }
    snprintf(number, sizeof number, "errno%d", e);
    return number;
}

void report(const char *name, const char *verdict, const char *fmt, ...)
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
int refused(int e)
{
    return e == EPERM || e == EACCES || e == EROFS || e == ESRCH || e == ENOSYS;
}

/* Reports a failed call by its errno; anything but a refusal or ENOENT is inconclusive. */
void report_failure(const char *name, int e, const char *what)
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
void report_syscall(const char *name, long result, int e, const char *reached)
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

ssize_t read_some(const char *path, char *buf, size_t size, int *err)
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

/* A fresh empty directory in the first writable place (an image need not have /tmp):
 * DIR[64] gets its path. Returns 0, or -1 with errno. */
int scratch_dir(char *dir, const char *what)
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

/* Runs FN in a child that exits right after, so a namespace it enters or makes never
 * touches the probe (or anything else). Returns 0 or the child's errno. */
int in_child(int (*fn)(void))
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
    check_list("sys-dev-block", "/sys/dev/block");
    check_read("proc-interrupts", "/proc/interrupts");
    check_list("sys-thermal-throttle", "/sys/devices/system/cpu/cpu0/thermal_throttle");
    /* Devices: the host's root disk (issue 16), and an unused loop device, which this
     * machine's root may open where the root disk is closed to everyone. */
    check_mknod("mknod-root-disk", "HOSTILE_ROOT_DEV");
    check_mknod("mknod-loop-device", "HOSTILE_LOOP_DEV");
    /* The device nodes the container gets: the host's own must not take a chmod. */
    check_dev_node_chmod();
    check_stdin_chmod();
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
