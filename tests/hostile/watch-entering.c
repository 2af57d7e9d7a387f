/*
 * watch-entering SECONDS: run in a container that holds CAP_SYS_PTRACE, it watches its PID
 * namespace for new processes (`podunits enter`, exec probes and hooks). With CAP_SYS_PTRACE
 * (in the host's user namespace, as a container without a user namespace holds it) the
 * kernel lets it attach to, or open the root of, any process it sees, dumpable or not. So:
 *  - the moment it sees one, it reads the process's capabilities and seccomp mode from
 *    /proc/PID/status (readable by anyone): a process with a capability outside this
 *    container's bounding set, or without the seccomp filter this one has, is one it could
 *    trace and take over the host's root with (opencontainers/runc#3987);
 *  - it then tries to open the host's /etc/podunits through the process's /proc/PID/root, for
 *    as long as the process lives: a process visible here while still in the host's mount
 *    namespace would hand the container the host's root (the class of CVE-2016-9962).
 * Harmless when either protection fails: it reads a status file and opens a directory for
 * reading, and never attaches to anything.
 *
 * Prints "watch-entering: HIT ..." for each such process, and at the end
 * "watch-entering: done: new N, looked M, hits H", for EnteringProcessTests.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_PID (1 << 22)

/* 0 unseen, 1 there at the start, 2 watched already. */
static unsigned char seen[MAX_PID];

/* The hexadecimal "CapEff:"/"CapBnd:" or decimal "Seccomp:" field of /proc/PID/status;
 * -1 when the process is gone or has no such field. */
static long long status_field(const char *pid, const char *field)
{
    char path[64], line[256];
    long long value = -1;
    size_t n = strlen(field);
    snprintf(path, sizeof path, "/proc/%s/status", pid);
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        return -1;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, field, n) == 0) {
            value = strtoll(line + n, NULL, field[0] == 'S' ? 10 : 16);
            break;
        }
    }
    fclose(f);
    return value;
}

/* Tries PID's root until it works, the process is gone, or the tries run out. */
static int try_root(int pid, long *looked)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/root/etc/podunits", pid);
    for (int attempt = 0; attempt < 5000; attempt++) {
        ++*looked;
        int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            close(fd);
            return 1;
        }
        if (errno == ESRCH || errno == ENOTDIR) {
            return 0; /* gone */
        }
        if (errno == ENOENT && access(path, F_OK) != 0 && kill(pid, 0) != 0) {
            return 0; /* gone too */
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    int seconds = argc > 1 ? atoi(argv[1]) : 10;
    long fresh = 0, looked = 0, hits = 0;
    time_t end = time(NULL) + seconds;
    DIR *proc = opendir("/proc");
    struct dirent *entry;
    if (proc == NULL) {
        perror("watch-entering: /proc");
        return 1;
    }
    while ((entry = readdir(proc)) != NULL) {
        int pid = atoi(entry->d_name);
        if (pid > 0 && pid < MAX_PID) seen[pid] = 1;
    }
    /* What no process of this container may exceed: its bounding set, its filter. */
    long long bounding = status_field("self", "CapBnd:"), seccomp = status_field("self", "Seccomp:");
    printf("watch-entering: watching (bounding set %llx, seccomp %lld)\n", bounding, seccomp);
    fflush(stdout);
    while (time(NULL) < end) {
        rewinddir(proc);
        while ((entry = readdir(proc)) != NULL) {
            int pid = atoi(entry->d_name);
            if (pid <= 0 || pid >= MAX_PID || seen[pid] != 0) continue;
            seen[pid] = 2;
            fresh++;
            long long caps = status_field(entry->d_name, "CapEff:"), mode = status_field(entry->d_name, "Seccomp:");
            if (caps >= 0 && (caps & ~bounding) != 0) {
                hits++;
                printf("watch-entering: HIT process %d: capabilities %llx beyond the container's %llx, traceable\n", pid, caps, bounding);
                fflush(stdout);
            }
            if (mode >= 0 && mode < seccomp) {
                hits++;
                printf("watch-entering: HIT process %d: seccomp mode %lld, the container's %lld, traceable\n", pid, mode, seccomp);
                fflush(stdout);
            }
            if (try_root(pid, &looked)) {
                hits++;
                printf("watch-entering: HIT process %d: its /proc/PID/root is the host's root\n", pid);
                fflush(stdout);
            }
        }
    }
    closedir(proc);
    printf("watch-entering: done: new %ld, looked %ld, hits %ld\n", fresh, looked, hits);
    return 0;
}
