/*
 * The escape probe's shared parts (escape-probe.c): reporting one line per check and small
 * helpers, and the checks, grouped by what they try (probe-files.c: /proc, /sys and device
 * nodes; probe-syscalls.c: system calls; probe-processes.c: other processes and roots).
 */
#ifndef HOSTILE_PROBE_H
#define HOSTILE_PROBE_H
#define _GNU_SOURCE
#include <errno.h>
#include <sys/types.h>

/* Reporting (escape-probe.c). */
const char *errname(int e);
void report(const char *name, const char *verdict, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int refused(int e);
void report_failure(const char *name, int e, const char *what);
void report_syscall(const char *name, long result, int e, const char *reached);

/* Helpers (escape-probe.c). */
ssize_t read_some(const char *path, char *buf, size_t size, int *err);
int scratch_dir(char *dir, const char *what);
int in_child(int (*fn)(void));

/* probe-files.c */
void check_write_back(const char *name, const char *path);
void check_open_write(const char *name, const char *path);
void check_read(const char *name, const char *path);
void check_list(const char *name, const char *path);
void check_sysrq(void);
void check_mknod(const char *name, const char *env);
void check_dev_node_chmod(void);
void check_stdin_chmod(void);

/* probe-syscalls.c */
void check_mount(void);
void check_unshare_user(void);
void check_keyctl(void);
void check_init_module(void);
void check_open_by_handle(void);
void check_setns_self(void);
void check_kexec(void);
void check_bpf(void);
void check_userfaultfd(void);
void check_perf(void);
void check_iopl(void);
void check_reboot(void);
void check_dmesg(void);
void check_settime(void);

/* probe-processes.c */
void check_ptrace_host(void);
void check_ptrace_outsiders(void);
void check_proc1_root(void);
void check_proc_roots(void);
void check_setns(void);
void check_chroot(void);

#endif
