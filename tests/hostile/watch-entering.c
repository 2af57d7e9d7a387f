/*
 * watch-entering SECONDS: run in a container that holds CAP_SYS_PTRACE, it watches its PID
 * namespace for new processes (`podunits enter`, exec probes) and tries to open the host's
 * /etc/podunits through each one's /proc/PID/root, for as long as the process lives. With
 * CAP_SYS_PTRACE the kernel lets it open the root of any process it sees, dumpable or not, so
 * a process that becomes visible here while still in the host's mount namespace would hand
 * the container the host's root (the class of CVE-2016-9962). Harmless when that protection
 * fails: it only opens a directory for reading.
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
    printf("watch-entering: watching\n");
    fflush(stdout);
    while (time(NULL) < end) {
        rewinddir(proc);
        while ((entry = readdir(proc)) != NULL) {
            int pid = atoi(entry->d_name);
            if (pid <= 0 || pid >= MAX_PID || seen[pid] != 0) continue;
            seen[pid] = 2;
            fresh++;
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
