/* A syscall-heavy loop for the confinement benchmark (bench/sections/confinement.sh): the
 * cost of the seccomp filter shows per system call. Times 1,000,000 getpid(2) (through
 * syscall(2): nothing is cached) and 1,000,000 stat(2) of "/", inside the container, so pod
 * start-up is not part of the number, as CPU time of this process (CLOCK_PROCESS_CPUTIME_ID,
 * user and system, which the filter's work is part of): on a virtual machine wall time also
 * holds whatever the hypervisor took, which varied by 20% from run to run here. Writes
 * "getpid_ns stat_ns" to the file named by argv[1]. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { Calls = 1000000 };

static long long now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
    struct stat st;
    long long t0 = now_ns();
    for (int i = 0; i < Calls; i++)
        syscall(SYS_getpid);
    long long t1 = now_ns();
    for (int i = 0; i < Calls; i++)
        stat("/", &st);
    long long t2 = now_ns();
    FILE *out = argc > 1 ? fopen(argv[1], "w") : stdout;
    if (!out)
        return 1;
    fprintf(out, "%lld %lld\n", t1 - t0, t2 - t1);
    return fclose(out) == 0 ? 0 : 1;
}
