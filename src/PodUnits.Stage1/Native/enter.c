/*
 * The steps of PodUnits that cannot be written in C#: entering a user namespace, and
 * entering a container's mount namespace before its PID namespace.
 *
 * The kernel lets only a single-threaded process join a user namespace (setns(2): "A
 * multithreaded process may not change user namespace"), and a .NET process has threads
 * before its first line of managed code. So, as runc does with its nsexec constructor,
 * this constructor runs in podunits-stage1 before the .NET runtime starts, while the
 * process is still single-threaded, and only when PODUNITS_ENTER asks for it (a mount
 * namespace has the same rule for threads that share their file system context, and a .NET
 * process cannot fork to make a child that runs on); otherwise it
 * returns at once and stage 1 starts as always. docs/user-namespaces.md tells the story.
 *
 *   PODUNITS_ENTER="pivot ROOT USERNS-FD REPORT-FD SPEC-FD"
 *       container-start after it built the container's root as host root: pivot_root into
 *       ROOT (which needs host root: the mount namespace is the host's user namespace's),
 *       join the pod's user namespace, become its root, and carry out the exec spec in
 *       SPEC-FD (become.c): the container's command runs without .NET starting again.
 *   PODUNITS_ENTER="exec PID-FD REPORT-FD USERNS SPEC-FD TTY"
 *       container-exec: join the mount namespace of the container process PID-FD refers
 *       to (and, USERNS 1, its user namespace as the namespace's root) in a child, take
 *       every step of the exec spec in SPEC-FD but the execve there, and only then make the
 *       command's process in its PID namespace, which execs (enter_and_exec below says why);
 *       TTY 1: stdio is the container's pty, to become the command's controlling terminal.
 *   PODUNITS_ENTER="lead USERNS-FD"
 *       the pod's machine leader (Init/PodMachineLeader.cs): join the pod's user namespace,
 *       become its root and wait, with every signal at its default action, to be ended.
 *
 * None of them returns to managed code. On failure the reason goes to stderr (the
 * journal) and to REPORT-FD (one byte for container-start's exec pipe, one "failed ..."
 * message for container-exec's control socket), and the process exits 125, the code of a
 * container that could not be set up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "podunits-native.h"


/* How a failure is told to whoever waits for the outcome besides the journal. */
enum report {
    REPORT_BYTE,    /* container-start's exec pipe: one byte */
    REPORT_MESSAGE, /* container-exec's control socket: one "failed REASON" message */
    REPORT_NONE,    /* the machine leader: the pod init sees it exit */
};

/* What is being entered, for the failure's words. */
static const char *entering = "the pod's user namespace";

static void fail(enum report how, int report_fd, const char *step)
{
    char reason[400], message[512];
    unsigned char failed = 1;
    int n;
    snprintf(reason, sizeof reason, "entering %s: %s: %s", entering, step, strerror(errno));
    fprintf(stderr, "podunits: %s\n", reason);
    switch (how) {
    case REPORT_MESSAGE:
        n = snprintf(message, sizeof message, "failed %s", reason);
        (void)!write(report_fd, message, (size_t)n);
        break;
    case REPORT_BYTE:
        (void)!write(report_fd, &failed, 1);
        break;
    case REPORT_NONE:
        break;
    }
    _exit(PODUNITS_SETUP_FAILED);
}

/* Root of the namespace just joined: its uid and gid 0 (mapped onto the pod's first host
 * IDs). setns left the host IDs, which are unmapped inside; files the process creates
 * before managed code sets the container's own IDs are then the namespace root's. */
static int become_root(void)
{
    return setgroups(0, NULL) == 0 && setresgid(0, 0, 0) == 0 && setresuid(0, 0, 0) == 0 ? 0 : -1;
}

/* The capability bounding set, as a mask (bit N: capability N). */
static unsigned long long bounding_set(void)
{
    unsigned long long set = 0;
    for (int cap = 0; cap < 64; cap++) {
        int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
        if (r < 0) {
            break; /* EINVAL: past the last capability this kernel knows */
        }
        if (r == 1) {
            set |= 1ULL << cap;
        }
    }
    return set;
}

/* Joining a user namespace gives the process a full bounding set in it (the kernel's
 * set_cred_user_ns), so what pod@.service's CapabilityBoundingSet= or an administrator's
 * drop-in took away came back for the container and `podunits enter` (review of
 * 2026-12-05). Called as the namespace's root, right after joining: drops again every
 * capability the set held before. */
static int limit_bounding_set(unsigned long long before)
{
    for (int cap = 0; cap < 64; cap++) {
        int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
        if (r < 0) {
            break;
        }
        if (r == 1 && !(before & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
            return -1;
        }
    }
    return 0;
}

/* The exec spec from its sealed memfd (Container/ExecSpec.cs), which is then closed. */
static unsigned char *read_spec(int fd, size_t *length)
{
    struct stat st;
    unsigned char *spec;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || (spec = malloc((size_t)st.st_size)) == NULL) {
        return NULL;
    }
    if (pread(fd, spec, (size_t)st.st_size, 0) != st.st_size) {
        free(spec);
        return NULL;
    }
    close(fd);
    *length = (size_t)st.st_size;
    return spec;
}

/* The set-up timing carried in (Container/SetupSteps.cs), with the re-exec as its next step
 * (named what); NULL when not timing. */
static const char *timing_carried(const char *what)
{
    static char carried[1536];
    const char *value = getenv("PODUNITS_SETUP_STEPS");
    long long last, total;
    int consumed = 0;
    struct timespec t;
    if (value == NULL || sscanf(value, "%lld %lld %n", &last, &total, &consumed) != 2) {
        return NULL;
    }
    clock_gettime(CLOCK_MONOTONIC, &t);
    long long now = (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
    snprintf(carried, sizeof carried, "%lld %lld %s, %s %.3f",
             now, total + (now - last), value + consumed, what, (now - last) / 1e6);
    return carried;
}

static void pivot_and_become(const char *root, int userns_fd, int report_fd, int spec_fd)
{
    const enum report mode = REPORT_BYTE;
    char error[1024];
    size_t length = 0;
    unsigned char *spec;
    int code;
    /* The report descriptor is for failures up to the container's execve, which closes it. */
    if (fcntl(report_fd, F_SETFD, FD_CLOEXEC) != 0) fail(mode, report_fd, "fcntl");
    if ((spec = read_spec(spec_fd, &length)) == NULL) fail(mode, report_fd, "reading the exec spec");
    if (chdir(root) != 0) fail(mode, report_fd, "chdir");
    if (syscall(SYS_pivot_root, ".", ".") != 0) fail(mode, report_fd, "pivot_root");
    if (umount2(".", MNT_DETACH) != 0) fail(mode, report_fd, "umount2 old root");
    if (chdir("/") != 0) fail(mode, report_fd, "chdir /");
    unsigned long long bounding = bounding_set();
    if (setns(userns_fd, CLONE_NEWUSER) != 0) fail(mode, report_fd, "setns");
    close(userns_fd);
    if (become_root() != 0) fail(mode, report_fd, "setresuid");
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) fail(mode, report_fd, "prctl PR_SET_DUMPABLE"); /* as in lead() */
    if (limit_bounding_set(bounding) != 0) fail(mode, report_fd, "prctl PR_CAPBSET_DROP");
    code = podunits_become(spec, length, timing_carried("re-exec into the user namespace"), error, sizeof error);
    fprintf(stderr, "%s\n", error);
    unsigned char failed = 1;
    (void)!write(report_fd, &failed, 1);
    _exit(code);
}

/* machined reads a container's UID shift from its leader's /proc/PID/uid_map, and only a
 * process inside the pod's user namespace shows the pod's map there: the pod init, in the
 * host's, cannot (a threaded process cannot join one). So this process, a child of the pod
 * init registered as the machine's leader, does nothing but be there. It keeps no
 * descriptor but the pod init's standard ones and stays not dumpable (so container root, in the same user namespace, can
 * neither ptrace it nor open its /proc/PID/root, which is the pod init's). `machinectl
 * poweroff` (SIGRTMIN+4) and `reboot` (SIGINT) end it by their default action; the pod init
 * reaps it and stops (or restarts) the pod.
 *
 * Not dumpable again after become_root: changing IDs resets the flag to fs.suid_dumpable,
 * and where an administrator set that to 1 (core dumps of setuid programs), container root
 * could list /proc/LEADER/root, the host's tree (user-namespace review of 2026-12-06,
 * finding 2). It needs no capability either: the bounding set is emptied, and the root IDs'
 * capabilities in the namespace are dropped. */
static void lead(int userns_fd)
{
    sigset_t none;
    struct __user_cap_header_struct cap_header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct no_caps[_LINUX_CAPABILITY_U32S_3];
    memset(no_caps, 0, sizeof no_caps);
    if (setns(userns_fd, CLONE_NEWUSER) != 0) fail(REPORT_NONE, -1, "setns");
    if (become_root() != 0) fail(REPORT_NONE, -1, "setresuid");
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) fail(REPORT_NONE, -1, "prctl PR_SET_DUMPABLE");
    if (limit_bounding_set(0) != 0) fail(REPORT_NONE, -1, "prctl PR_CAPBSET_DROP");
    if (syscall(SYS_capset, &cap_header, no_caps) != 0) fail(REPORT_NONE, -1, "capset");
    if (chdir("/") != 0) fail(REPORT_NONE, -1, "chdir /");
    if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0) fail(REPORT_NONE, -1, "close_range");
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    for (;;) {
        pause();
    }
}

/* The relay of enter_and_exec: it stays outside the container's namespaces, holds no
 * descriptor, passes on the signals a caller sends (the command is what they are meant for)
 * and ends as the command ended, so that to its caller it is the command. */
static void relay(pid_t child, const sigset_t *forwarded)
{
    int status;
    siginfo_t info;
    for (;;) {
        int sig = sigwaitinfo(forwarded, &info);
        if (sig == SIGCHLD) {
            pid_t ended = waitpid(child, &status, WNOHANG);
            if (ended == child) {
                break;
            }
        } else if (sig > 0) {
            kill(child, sig);
        }
    }
    if (WIFSIGNALED(status)) {
        /* Ended by the same signal (not dumpable: without a core), or as a shell reports it. */
        signal(WTERMSIG(status), SIG_DFL);
        sigprocmask(SIG_UNBLOCK, forwarded, NULL);
        kill(getpid(), WTERMSIG(status));
        _exit(128 + WTERMSIG(status));
    }
    _exit(WEXITSTATUS(status));
}

/* The failure of container-exec's last steps, to the launcher (as it names the container
 * itself, without "container C: "), then the exit with its code. A caller that gave up is
 * no reason to die of SIGPIPE (podunits_prepare set it back to its default). */
static void exec_failed(int report_fd, const struct podunits_spec *spec, const char *error, int code)
{
    char message[1100];
    size_t skip = spec->name != NULL ? strlen(spec->name) : 0;
    const char *reason = spec->name != NULL && strncmp(error, "container ", 10) == 0
        && strncmp(error + 10, spec->name, skip) == 0 && strncmp(error + 10 + skip, ": ", 2) == 0 ? error + 12 + skip : error;
    int n = snprintf(message, sizeof message, "failed %s", reason);
    signal(SIGPIPE, SIG_IGN);
    (void)!write(report_fd, message, (size_t)(n < (int)sizeof message ? n : (int)sizeof message - 1));
    _exit(code);
}

/* The middle process of container-exec (enter_and_exec says why there is one): it joins
 * the container's namespaces, takes the container's confinement, makes the command's
 * process a child of the relay inside the container's PID namespace (CLONE_PARENT), tells
 * the relay its PID on pid_pipe, and ends. Never returns. */
static void step_in(const struct podunits_spec *spec, int pid_fd, int report_fd, int userns, int tty, int pid_pipe)
{
    const enum report mode = REPORT_MESSAGE;
    char error[1024];
    int lsm_fd = -1, code;
    pid_t child;
    /* The LSM attribute of this very thread, in the host's /proc: in the container's mount
     * namespace /proc is its PID namespace's, where this process has no entry. The child
     * made below inherits the value with the credentials. */
    if (spec->lsm_path[0] != '\0' && (lsm_fd = open(spec->lsm_path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
        fail(mode, report_fd, spec->lsm_path);
    }
    if (setns(pid_fd, CLONE_NEWNS) != 0) fail(mode, report_fd, "setns mount namespace");
    if (setns(pid_fd, CLONE_NEWPID) != 0) fail(mode, report_fd, "setns PID namespace");
    if (userns) {
        unsigned long long bounding = bounding_set();
        if (setns(pid_fd, CLONE_NEWUSER) != 0) fail(mode, report_fd, "setns user namespace");
        if (become_root() != 0) fail(mode, report_fd, "setresuid");
        /* Not dumpable again, as lead() does: changing IDs reset the flag to fs.suid_dumpable,
         * and where that is 1 container root could open /proc/CHILD/fd/3 of the child made
         * below (the control socket to the host's `podunits enter`) before its exec
         * (terminal review of 2026-12-06, finding 5). The child inherits it. */
        if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) fail(mode, report_fd, "prctl PR_SET_DUMPABLE");
        if (limit_bounding_set(bounding) != 0) fail(mode, report_fd, "prctl PR_CAPBSET_DROP");
    }
    close(pid_fd);
    /* Every last step but the execve, the empty signal mask among them: the child's. */
    if ((code = podunits_prepare(spec, lsm_fd, timing_carried("container-exec's re-exec"), error, sizeof error)) != 0) {
        exec_failed(report_fd, spec, error, code);
    }
    child = (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), 0UL, NULL, NULL, 0UL);
    if (child < 0) {
        snprintf(error, sizeof error, "container %s: clone: %s", spec->name, strerror(errno));
        exec_failed(report_fd, spec, error, PODUNITS_SETUP_FAILED);
    }
    if (child > 0) {
        _exit(write(pid_pipe, &child, sizeof child) == (ssize_t)sizeof child ? 0 : PODUNITS_SETUP_FAILED);
    }
    /* The command's process, a child of the relay (outside this PID namespace, so getppid()
     * says 0 while it lives): killed with it (a caller that gives up kills the process it
     * spawned); had it died already, this process would have the namespace's init for a
     * parent. A session of its own, as the launcher gave the relay: no controlling terminal
     * of the caller's, and with a terminal (stdin, stdout and stderr: the slave of the
     * container's own pty, ContainerTerminal) that one taken as its controlling terminal. */
    /* These run under the container's filter, as runc's exec runs them before its own: a
     * profile that refuses one (an allow list a recorder wrote) skips what it only makes
     * surer (the kill follows the relay's process group too), rather than failing every
     * probe. Only a terminal needs a session of its own. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == 0 && getppid() > 0) {
        snprintf(error, sizeof error, "container %s: the command's caller ended before it started", spec->name);
        exec_failed(report_fd, spec, error, PODUNITS_SETUP_FAILED);
    }
    const char *refused = setsid() < 0 ? "setsid" : tty && ioctl(0, TIOCSCTTY, 0) != 0 ? "ioctl TIOCSCTTY" : NULL;
    if (refused != NULL && tty) {
        snprintf(error, sizeof error, "container %s: its terminal: %s: %s (a seccomp profile must allow setsid and ioctl for a terminal)",
                 spec->name, refused, strerror(errno));
        exec_failed(report_fd, spec, error, PODUNITS_SETUP_FAILED);
    }
    execve(spec->path, spec->argv, spec->envp);
    code = podunits_exec_failed(spec, error, sizeof error);
    exec_failed(report_fd, spec, error, code);
}

/* container-exec (`podunits enter`, exec probes and hooks): the exec spec, built by managed
 * code outside the container (ContainerExec.cs), carried out with no managed code after it.
 *
 * A process in the container's PID namespace is visible to the container, and a container
 * holding CAP_SYS_PTRACE in the host's user namespace may attach to it, dumpable or not. So
 * no process the container can see is ever more than the container's own. Three processes:
 *  - this one, the relay, stays as it is: host root outside the container's namespaces,
 *    where no container sees it. It waits for the command, passes on the signals a caller
 *    sends and ends as the command ended, so that to its caller it is the command; outside
 *    the container's seccomp filter, which a tight Localhost profile may write without the
 *    system calls a wait needs;
 *  - a middle process (step_in), still outside the container's PID namespace, joins its
 *    mount (and user) namespace, takes every last step of the spec (user, groups,
 *    capabilities, no_new_privs, seccomp: become.c) but the execve, and only then makes the
 *    command's process inside the PID namespace, as the relay's child (CLONE_PARENT), and
 *    ends;
 *  - the command's process, born with the container's credentials and filter, execs.
 * runc's exec, and PodUnits' before 2026-12-08, dropped privileges after the process was in
 * the PID namespace, a window in which a tracing container could take over the host's root
 * (stage 1 native review of 2026-12-07, finding 1; opencontainers/runc#3987). Joining the
 * mount namespace first also keeps the host's root out of /proc/PID/root of anything the
 * container sees (the class of CVE-2016-9962). */
static void enter_and_exec(int pid_fd, int report_fd, int userns, int spec_fd, int tty)
{
    const enum report mode = REPORT_MESSAGE;
    struct podunits_spec spec;
    char error[1024];
    size_t length = 0;
    unsigned char *bytes;
    sigset_t forwarded;
    int pid_pipe[2], code, status;
    pid_t middle, child = -1;
    entering = userns ? "the pod's user namespace" : "the container's namespaces";
    if (fcntl(report_fd, F_SETFD, FD_CLOEXEC) != 0) fail(mode, report_fd, "fcntl");
    if ((bytes = read_spec(spec_fd, &length)) == NULL) fail(mode, report_fd, "reading the exec spec");
    if ((code = podunits_spec_read(bytes, length, &spec, error, sizeof error)) != 0) exec_failed(report_fd, &spec, error, code);
    if (pipe2(pid_pipe, O_CLOEXEC) != 0) fail(mode, report_fd, "pipe2");
    /* Blocked from now on, for sigwaitinfo: one sent before the command exists is passed on
     * once it does. podunits_prepare empties the middle process's mask, the command's. */
    sigemptyset(&forwarded);
    int signals[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        sigaddset(&forwarded, signals[i]);
    }
    sigprocmask(SIG_BLOCK, &forwarded, NULL);
    middle = fork();
    if (middle < 0) fail(mode, report_fd, "fork");
    if (middle == 0) {
        close(pid_pipe[0]);
        step_in(&spec, pid_fd, report_fd, userns, tty, pid_pipe[1]); /* never returns */
    }
    /* Nothing of the launcher's stays open here: the control socket's end at the command's
     * execve is how the caller learns that it runs. */
    if (pid_pipe[0] > 0) {
        syscall(SYS_close_range, 0U, (unsigned)pid_pipe[0] - 1, 0U);
    }
    syscall(SYS_close_range, (unsigned)pid_pipe[0] + 1, ~0U, 0U);
    if (read(pid_pipe[0], &child, sizeof child) != (ssize_t)sizeof child) {
        child = -1;
    }
    close(pid_pipe[0]);
    while (waitpid(middle, &status, 0) < 0 && errno == EINTR) {
    }
    if (child <= 0) {
        /* The middle process failed (and said why on the control socket): end as it did. */
        _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    /* The command's process holds the pipe's other end until its execve, and the container
     * sees it: a container that may trace could have written a PID of its choosing first,
     * for this process, host root, to pass signals on to. Only a child of this process is
     * taken (waitid fails for any other PID, without reaping anything); otherwise the exec
     * fails, and the command, whose parent this is, dies with it (PDEATHSIG, or its check of
     * getppid). */
    siginfo_t info;
    if (waitid(P_PID, (id_t)child, &info, WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT) != 0) {
        _exit(PODUNITS_SETUP_FAILED);
    }
    relay(child, &forwarded); /* never returns */
}

__attribute__((constructor)) static void podunits_enter(void)
{
    const char *value = getenv("PODUNITS_ENTER");
    char root[4096];
    int a = -1, b = -1, c = -1, d = -1, e = -1;
    if (value == NULL) {
        return;
    }
    /* Not dumpable while it joins the pod's namespaces (become.c says why). */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (sscanf(value, "pivot %4095s %d %d %d", root, &a, &b, &c) == 4) {
        pivot_and_become(root, a, b, c); /* never returns */
    }
    if (sscanf(value, "exec %d %d %d %d %d", &a, &b, &c, &d, &e) == 5) {
        enter_and_exec(a, b, c, d, e); /* never returns */
    }
    if (sscanf(value, "lead %d", &a) == 1) {
        lead(a); /* never returns */
    }
    fprintf(stderr, "podunits: PODUNITS_ENTER=\"%s\" is not a request stage 1 knows\n", value);
    _exit(PODUNITS_SETUP_FAILED);
}
