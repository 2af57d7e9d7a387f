#!/usr/bin/env bash
# 3. Log throughput: 200,000 numbered lines from a container of a pod started with
#    systemctl until all are in the journal (a one-container pod takes journald's stream
#    path, a pod of two the datagram path: docs/process-model.md#journal; a pod of four
#    writes a quarter of the lines from each container at once), vs the same
#    program as a plain service (StandardOutput=journal, journald's stream protocol) vs
#    podman's journald log driver. Lines are counted back, distinct numbers apart from
#    entries; lost and duplicated lines are reported.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
lines=${BENCH_LOG_LINES:-200000}
runs=$(( BENCH_RUNS < 5 ? BENCH_RUNS : 5 ))   # each run writes $lines lines: keep it bounded
rootfs=$BENCH_ROOTFS
dir=$(mktemp -d)

# wait_last MATCH... : waits until the last line seq prints ($want) is in
# the journal for MATCH (60 s max). Every path keeps a stream's order, so all lines before
# it are in too.
# Asking for the newest entry only keeps the polling cheap: counting every entry on each
# poll would take CPU from journald, the more so the further a contender got.
wait_last() {
    for _ in $(seq 1 1200); do
        [ "$(journalctl -q -o cat -n 1 "$@")" = "$want" ] && return 0
        sleep 0.05
    done
}

# tally WANT MATCH... : "DISTINCT ALL" for MATCH (after the clock stopped): how many of the
# numbers 1..WANT that seq printed are in the journal, and how many entries there are.
# Counting entries alone would let a duplicate hide a lost line. Empty lines are no entry:
# podman's journald driver keeps the newline in MESSAGE.
tally() {
    local want=$1; shift
    journalctl -q -o cat "$@" | awk -v w="$want" 'NF { all++ } $1 ~ /^[0-9]+$/ && $1 >= 1 && $1 <= w && !seen[$1]++ { d++ }
        END { print d + 0, all + 0 }'
}

# pod_yaml NAME [SECOND_CONTAINER]: the benchmark pod; with a second (idle) container the
# pod takes the datagram path (per-line CONTAINER_* fields), without it the stream path.
# pod_yaml4 NAME: four containers w1..w4, each printing a quarter of the lines.
pod_head() {
    printf 'apiVersion: v1\nkind: Pod\nmetadata: {name: %s}\nspec:\n  hostNetwork: true\n  restartPolicy: Never\n  containers:\n' "$1"
}
container() { # NAME PROGRAM ARG...
    local name=$1 args; shift
    args=$(printf '"%s", ' "$@")
    echo "  - {name: $name, image: \"dir:$rootfs\", command: [${args%, }]}"
}
pod_yaml() {
    pod_head "$1"
    container seq /bin/seq 1 "$lines"
    [ -z "${2:-}" ] || container idle /bin/sleep 3
}
pod_yaml4() {
    pod_head "$1"
    for c in 1 2 3 4; do container "w$c" /bin/seq 1 $((lines / 4)); done
}

command_of logs "podunits: pod of 1 container (stream path)" "systemctl start pod@TAG (seq 1 $lines; definition in place and daemon-reload done beforehand); count: journalctl -q -o cat _SYSTEMD_UNIT=pod@TAG.service CONTAINER_NAME=seq SYSLOG_IDENTIFIER=seq"
command_of logs "podunits: pod of 2 containers (datagram path)" "the same with a second, idle container in the pod"
command_of logs "podunits: pod of 4 containers (datagram path)" "four containers each printing seq 1 $((lines / 4)) at once; count: CONTAINER_NAME=wN SYSLOG_IDENTIFIER=wN of the unit, N = 1..4"
command_of logs "systemd service, StandardOutput=journal" "systemd-run -q --wait --unit=TAG -p StandardOutput=journal $rootfs/bin/seq 1 $lines; count: journalctl -q -o cat _SYSTEMD_UNIT=TAG.service SYSLOG_IDENTIFIER=seq"
command_of logs "podman --log-driver=journald" "systemd-run -q --wait --unit=TAG podman run --rm --network=host --name TAG --log-driver=journald localhost/busybox:bench seq 1 $lines; count: journalctl -q -o cat CONTAINER_NAME=TAG"
contenders=(podunits podunits2 podunits4 service podman)
for run in $(seq 1 "$runs"); do
    for who in $(rotated "$run" "${contenders[@]}"); do   # no one always after the same writer
        tag="benchlog-$who-$run-$RANDOM"
        want=$lines
        case $who in
            podunits|podunits2)
                pod_yaml "$tag" "$([ $who = podunits2 ] && echo second)" >"/etc/podunits/pods/$tag.yaml"
                systemctl daemon-reload;;
            podunits4)
                pod_yaml4 "$tag" >"/etc/podunits/pods/$tag.yaml"
                systemctl daemon-reload;;
        esac
        t0=$(now_ns)
        case $who in
            podunits|podunits2)
                systemctl start "pod@$tag" >/dev/null 2>&1 || true
                match=(_SYSTEMD_UNIT="pod@$tag.service" CONTAINER_NAME=seq SYSLOG_IDENTIFIER=seq);;
            podunits4)
                systemctl start "pod@$tag" >/dev/null 2>&1 || true
                want=$((lines / 4))
                # SYSLOG_IDENTIFIER too: the executor's "container exited" entry carries CONTAINER_NAME.
                match=()
                for c in 1 2 3 4; do
                    wait_last _SYSTEMD_UNIT="pod@$tag.service" CONTAINER_NAME=w$c SYSLOG_IDENTIFIER=w$c
                    match+=(${match[0]:++} _SYSTEMD_UNIT="pod@$tag.service" CONTAINER_NAME=w$c SYSLOG_IDENTIFIER=w$c)
                done;;
            service)
                systemd-run -q --wait --unit="$tag" -p StandardOutput=journal "$rootfs/bin/seq" 1 "$lines" >/dev/null 2>&1 || true
                match=(_SYSTEMD_UNIT="$tag.service" SYSLOG_IDENTIFIER=seq);;   # as for the pods: its lines only
            podman)
                systemd-run -q --wait --unit="$tag" podman run --rm --network=host --name "$tag" \
                    --log-driver=journald localhost/busybox:bench seq 1 "$lines" >/dev/null 2>&1 || true
                match=(CONTAINER_NAME="$tag");;
        esac
        wait_last "${match[@]}"
        t1=$(now_ns)
        if [ "$who" = podunits4 ]; then   # each container's numbers on their own
            n=0 all=0
            for c in 1 2 3 4; do
                read -r d a < <(tally "$want" _SYSTEMD_UNIT="pod@$tag.service" CONTAINER_NAME=w$c SYSLOG_IDENTIFIER=w$c)
                n=$((n + d)) all=$((all + a))
            done
        else
            read -r n all < <(tally "$want" "${match[@]}")
        fi
        rm -f "/etc/podunits/pods/$tag.yaml"
        awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.0f\n", n / ((b - a) / 1e9) }' >>"$dir/$who.rate"
        echo "$((lines - n)) $((all - n))" >>"$dir/$who.lost"   # lost, duplicated (or not seq's)
    done
done
systemctl daemon-reload
for who in "${contenders[@]}"; do
    case $who in
        podunits) name="podunits: pod of 1 container (stream path)";;
        podunits2) name="podunits: pod of 2 containers (datagram path)";;
        podunits4) name="podunits: pod of 4 containers (datagram path)";;
        service) name="systemd service, StandardOutput=journal";;
        podman) name="podman --log-driver=journald";;
    esac
    # The most of any run, not a sum: one run's duplicates must not cancel another's losses.
    read -r lost dup < <(awk '$1 > l { l = $1 } $2 > u { u = $2 } END { print l + 0, u + 0 }' "$dir/$who.lost")
    record logs "$name" "lines per second" lines/s "$dir/$who.rate" "lost $lost, duplicated $dup of $lines per run (the most in one of $runs runs)"
done
rm -rf "$dir"
