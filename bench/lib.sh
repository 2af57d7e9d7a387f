#!/usr/bin/env bash
# Helpers shared by the benchmark sections (sourced, not run). Each section appends rows
# to $BENCH_RESULTS (tab-separated: section, contender, metric, unit, median, p25, p75,
# min, max, runs, note) which bench/report.sh turns into docs/benchmarks.md.

: "${BENCH_RESULTS:?BENCH_RESULTS must name the results file}"
: "${BENCH_RUNS:=15}"

now_ns() { date +%s%N; }

# command_of SECTION CONTENDER COMMAND: notes the exact command line a contender ran, for
# the report's "Exact commands" table ($BENCH_RESULTS.commands, tab-separated).
command_of() {
    [ "$BENCH_RESULTS" = /dev/null ] && return 0
    printf '%s\t%s\t%s\n' "$1" "$2" "$3" | tr -s ' \n' ' ' >>"$BENCH_RESULTS.commands"
    echo >>"$BENCH_RESULTS.commands"
}

# stats FILE -> "median p25 p75 min max n" over the numbers in FILE (one per line). A
# sample "inf" (a pod that never became active) sorts above every number and stays "inf".
stats() {
    sort -g "$1" | awk '
        function fmt(x) { return (x ~ /^-?[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?$/) ? sprintf("%.3f", x) : x }
        function pick(p,   i) { i = int(p * (NR - 1) + 0.5) + 1; return fmt(v[i]) }
        { v[NR] = $1 }
        END {
            if (NR == 0) { print "nan nan nan nan nan 0"; exit }
            printf "%s %s %s %s %s %d\n", pick(0.5), pick(0.25), pick(0.75), fmt(v[1]), fmt(v[NR]), NR
        }'
}

# record SECTION CONTENDER METRIC UNIT SAMPLES_FILE [NOTE]
record() {
    local s; s=$(stats "$5")
    # shellcheck disable=SC2086
    set -- "$1" "$2" "$3" "$4" $s "${6:-}"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_RESULTS"
    printf '  %-34s %-22s median %10s %s (p25 %s, p75 %s, n=%s)\n' "$2" "$3" "$5" "$4" "$6" "$7" "${10}"
}

# rotated ROUND WORD...: the words, their order rotated by ROUND (0: as given, 1: from the
# second, ...). Contenders run in this order each round, so none always follows the same
# one: a stop's tail work (machined's queries, the namespaces' teardown) would otherwise
# land on the same neighbour's start every time.
rotated() {
    local round=$1 n i k; shift; n=$#
    for ((i = 0; i < n; i++)); do k=$(( (round + i) % n + 1 )); echo "${!k}"; done
}

# alternate SECTION METRIC NAME1 CMD1 NAME2 CMD2 ...: runs the contenders in turn BENCH_RUNS
# times, the order rotated every round (A B C, B C A, C A B, ...), so machine noise and each
# one's aftermath hit all alike; wall time in ms.
alternate() {
    local section=$1 metric=$2; shift 2
    local names=() cmds=() i run start end dir
    while [ $# -gt 0 ]; do names+=("$1"); cmds+=("$2"); command_of "$section" "$1" "$2"; shift 2; done
    dir=$(mktemp -d)
    for i in "${!names[@]}"; do bash -c "${cmds[$i]}" >/dev/null 2>&1 || true; done   # warm-up
    for run in $(seq 1 "$BENCH_RUNS"); do
        for i in $(rotated "$run" "${!names[@]}"); do
            start=$(now_ns)
            if ! bash -c "${cmds[$i]}" >/dev/null 2>"$dir/err"; then
                # systemd-run --wait says nothing of why: the unit's own lines are in the journal.
                echo "    ${names[$i]}: run $run failed: $(head -c 300 "$dir/err" | grep . || echo "no message (a systemd-run command: see the journal)")" >&2
                echo "${names[$i]}" >>"$dir/failures"
                continue
            fi
            end=$(now_ns)
            awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", (e - s) / 1e6 }' >>"$dir/$i"
        done
    done
    for i in "${!names[@]}"; do
        local failures; failures=$(grep -cx "${names[$i]}" "$dir/failures" 2>/dev/null || true)
        [ "${failures:-0}" != 0 ] || failures=""   # grep -c prints 0 for a contender that never failed
        touch "$dir/$i"
        record "$section" "${names[$i]}" "$metric" ms "$dir/$i" "${failures:+$failures failed runs}"
    done
    rm -rf "$dir"
}

# pod_starts SECTION POD LABEL [POD LABEL...]: `systemctl start pod@POD` until READY (then a
# stop, off the clock) for each pod, 3 x BENCH_RUNS rounds after a warm-up round, the order
# rotated every round so no pod always follows the same one (a stop's tail work would
# otherwise land on the same neighbour every time); records "start to READY" per label,
# with the number of failed starts (after the warm-up) as the note.
# Three times the usual runs: what these sections compare (a few milliseconds) is smaller
# than this machine's run-to-run jitter, which the median of 15 did not average out.
pod_starts() {
    local section=$1 pods=() labels=() dir run k n who i t0 t1; shift
    while [ $# -gt 0 ]; do pods+=("$1"); labels+=("$2"); command_of "$section" "$2" "systemctl start pod@$1 (stopped after the clock)"; shift 2; done
    dir=$(mktemp -d); n=${#pods[@]}
    for run in $(seq 0 $((BENCH_RUNS * 3))); do
        for k in $(seq 0 $((n - 1))); do
            i=$(( (run + k) % n )); who=${pods[$i]}
            t0=$(now_ns)
            if ! systemctl start "pod@$who" >/dev/null 2>"$dir/err"; then
                echo "    $who: start failed: $(head -c 300 "$dir/err")" >&2
                [ "$run" = 0 ] || echo "$i" >>"$dir/failed"
            else
                t1=$(now_ns)
                [ "$run" = 0 ] || awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >>"$dir/$i"
            fi
            systemctl stop "pod@$who" >/dev/null 2>&1 || true
        done
    done
    for i in "${!pods[@]}"; do
        touch "$dir/$i"
        k=$(grep -cx "$i" "$dir/failed" 2>/dev/null || true)
        record "$section" "${labels[$i]}" "start to READY" ms "$dir/$i" "$([ "${k:-0}" = 0 ] || echo "$k failed starts")"
    done
    rm -rf "$dir"
}

# pss_kb PID... -> total proportional set size in KiB: each shared page counted once across
# all processes (several podunits processes map the same binary; RSS would count it in each)
pss_kb() {
    local total=0 pid kb
    for pid in "$@"; do
        kb=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
        total=$((total + ${kb:-0}))
    done
    echo "$total"
}

# rss_kb PID... -> total resident memory in KiB of the given processes
rss_kb() {
    local total=0 pid kb
    for pid in "$@"; do
        kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
        total=$((total + ${kb:-0}))
    done
    echo "$total"
}
