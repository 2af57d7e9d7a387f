/*
 * hostile-whoami: says who runs it, in one line on stderr and appended to
 * /tmp/hostile-preload.log (of whatever root it runs under):
 *   hostile-whoami ROLE: exe=PATH uid=N CapEff=HEX CapBnd=HEX Seccomp=N Seccomp_filters=N NoNewPrivs=N mnt=mnt:[INODE]
 * Built twice: as a dynamically linked program (ROLE "program") that an image ships with its
 * own libc, and with -DHOSTILE_PRELOAD as a shared object (ROLE "preload") whose constructor
 * runs in every dynamically linked program that loads it through LD_PRELOAD. It only reads
 * /proc/self and appends to a file in /tmp.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The value after KEY ("\nName:") in /proc/self/status, or "?". */
static void field(const char *status, const char *key, char *out, size_t size)
{
    const char *at = strstr(status, key);
    snprintf(out, size, "?");
    if (at) {
        at += strlen(key);
        at += strspn(at, "\t ");
        snprintf(out, size, "%.*s", (int)strcspn(at, "\n"), at);
    }
}

static void whoami(const char *role)
{
    char status[8192] = "", exe[256] = "?", mnt[64] = "?", line[1024];
    char capeff[32], capbnd[32], seccomp[16], filters[16], nnp[16];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, status, sizeof status - 1);
        status[n > 0 ? n : 0] = 0;
        close(fd);
    }
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 1] = 0;
    n = readlink("/proc/self/ns/mnt", mnt, sizeof mnt - 1);
    mnt[n > 0 ? n : 1] = 0;
    field(status, "\nCapEff:", capeff, sizeof capeff);
    field(status, "\nCapBnd:", capbnd, sizeof capbnd);
    field(status, "\nSeccomp:", seccomp, sizeof seccomp);
    field(status, "\nSeccomp_filters:", filters, sizeof filters);
    field(status, "\nNoNewPrivs:", nnp, sizeof nnp);
    int len = snprintf(line, sizeof line,
                       "hostile-whoami %s: exe=%s uid=%d CapEff=%s CapBnd=%s Seccomp=%s Seccomp_filters=%s NoNewPrivs=%s mnt=%s\n",
                       role, exe, (int)getuid(), capeff, capbnd, seccomp, filters, nnp, mnt);
    if (write(2, line, (size_t)len) < 0) {
        /* nothing to do: the log file below still says it */
    }
    fd = open("/tmp/hostile-preload.log", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd >= 0) {
        if (write(fd, line, (size_t)len) < 0) {
            /* best effort */
        }
        close(fd);
    }
}

#ifdef HOSTILE_PRELOAD
__attribute__((constructor)) static void preloaded(void)
{
    whoami("preload");
}
#else
int main(void)
{
    whoami("program");
    return 0;
}
#endif
