/* The reference side of bench/journal/run.sh: N small entries with libsystemd's own
 * sd_journal_send(3), the same fields as PodUnits.Bench.Journal sends.
 *   sd_send N RUN_ID  ->  prints "<realtime ns of the first send> <ns spent sending> <process CPU ns>" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-journal.h>

static long long ns(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: sd_send N RUN_ID\n");
        return 2;
    }
    long n = atol(argv[1]);
    const char *run = argv[2];
    long long first = ns(CLOCK_REALTIME), start = ns(CLOCK_MONOTONIC);
    for (long i = 0; i < n; i++) {
        int r = sd_journal_send("MESSAGE=bench line %ld", i, "PRIORITY=6", "SYSLOG_IDENTIFIER=bench",
                                "CONTAINER_NAME=web", "BENCH_RUN=%s", run, NULL);
        if (r < 0) {
            fprintf(stderr, "sd_journal_send: %s\n", strerror(-r));
            return 1;
        }
    }
    long long sending = ns(CLOCK_MONOTONIC) - start;
    printf("%lld %lld %lld\n", first, sending, ns(CLOCK_PROCESS_CPUTIME_ID));
    return 0;
}
