#!/usr/bin/env bash
# 3. Log throughput: 200,000 numbered lines from a container until all are in the journal,
#    vs the same program as a plain service (StandardOutput=journal, journald's stream
#    protocol) vs podman's journald log driver. Lines are counted back; loss is reported.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
lines=${BENCH_LOG_LINES:-200000}
runs=$(( BENCH_RUNS < 5 ? BENCH_RUNS : 5 ))   # each run writes $lines lines: keep it bounded
rootfs=$BENCH_ROOTFS
dir=$(mktemp -d)

# wait_count MATCH... : waits until journalctl counts $lines entries for MATCH (60 s max)
wait_count() {
    local n=0
    for _ in $(seq 1 600); do
        # grep -c ., not wc -l: podman's journald driver keeps the newline in MESSAGE
        n=$(journalctl -q -o cat "$@" | grep -c . || true)
        [ "$n" -ge "$lines" ] && break
        sleep 0.1
    done
    echo "$n"
}

cat >/etc/podunits/pods/benchlog.yaml <<YAML
apiVersion: v1
kind: Pod
metadata: {name: benchlog}
spec:
  restartPolicy: Never
  containers:
  - {name: seq, image: "dir:$rootfs", command: ["/bin/seq", "1", "$lines"]}
YAML

command_of logs "podunits run (container stdout)" "systemd-run -q --wait --unit=TAG podunits run benchlog (seq 1 $lines); count: journalctl -q -o cat _SYSTEMD_UNIT=TAG.service CONTAINER_NAME=seq"
command_of logs "systemd service, StandardOutput=journal" "systemd-run -q --wait --unit=TAG -p StandardOutput=journal $rootfs/bin/seq 1 $lines; count: journalctl -q -o cat _SYSTEMD_UNIT=TAG.service"
command_of logs "podman --log-driver=journald" "systemd-run -q --wait --unit=TAG podman run --rm --network=host --name TAG --log-driver=journald localhost/busybox:bench seq 1 $lines; count: journalctl -q -o cat CONTAINER_NAME=TAG"
for run in $(seq 1 "$runs"); do
    for who in podunits service podman; do
        tag="benchlog-$who-$run-$RANDOM"
        t0=$(now_ns)
        case $who in
            podunits)
                systemd-run -q --wait --unit="$tag" podunits run benchlog >/dev/null 2>&1 || true
                n=$(wait_count _SYSTEMD_UNIT="$tag.service" CONTAINER_NAME=seq);;
            service)
                systemd-run -q --wait --unit="$tag" -p StandardOutput=journal "$rootfs/bin/seq" 1 "$lines" >/dev/null 2>&1 || true
                n=$(wait_count _SYSTEMD_UNIT="$tag.service");;
            podman)
                systemd-run -q --wait --unit="$tag" podman run --rm --network=host --name "$tag" \
                    --log-driver=journald localhost/busybox:bench seq 1 "$lines" >/dev/null 2>&1 || true
                n=$(wait_count CONTAINER_NAME="$tag");;
        esac
        t1=$(now_ns)
        awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.0f\n", n / ((b - a) / 1e9) }' >>"$dir/$who.rate"
        echo $((lines - n)) >>"$dir/$who.lost"
    done
done
for who in podunits service podman; do
    case $who in
        podunits) name="podunits run (container stdout)";;
        service) name="systemd service, StandardOutput=journal";;
        podman) name="podman --log-driver=journald";;
    esac
    lost=$(awk '{ s += $1 } END { print s + 0 }' "$dir/$who.lost")
    record logs "$name" "lines per second" lines/s "$dir/$who.rate" "lost $lost of $((lines * runs))"
done
rm -rf "$dir" /etc/podunits/pods/benchlog.yaml
