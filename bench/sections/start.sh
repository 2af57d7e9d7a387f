#!/usr/bin/env bash
# 1. A pod run to completion (one busybox container running `true`), all contenders
#    wrapped the same way (systemd-run --wait), and the floors they stand on.
# 2. systemctl start pod@x until READY, and systemctl stop until inactive.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
rootfs=$BENCH_ROOTFS

cat >/etc/podunits/pods/benchtrue.yaml <<YAML
apiVersion: v1
kind: Pod
metadata: {name: benchtrue}
spec:
  hostNetwork: true
  restartPolicy: Never
  containers:
  - {name: main, image: "dir:$rootfs", command: ["/bin/true"]}
YAML
cat >/etc/podunits/pods/benchidle.yaml <<YAML
apiVersion: v1
kind: Pod
metadata: {name: benchidle}
spec:
  hostNetwork: true
  containers:
  - {name: main, image: "dir:$rootfs", command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]}
YAML
systemctl daemon-reload

echo "run to completion (ms, lower is better)"
alternate run-to-completion wall \
    "podunits run" "systemd-run --wait -q podunits run benchtrue" \
    "systemd-nspawn --register=yes" "systemd-run --wait -q systemd-nspawn -q --register=yes -D $rootfs /bin/true" \
    "podman run --rm (host network)" "systemd-run --wait -q podman run --rm --network=host localhost/busybox:bench true" \
    "podman run --rm (default network)" "systemd-run --wait -q podman run --rm localhost/busybox:bench true" \
    "floor: systemd-run --wait true" "systemd-run --wait -q true" \
    "floor: unshare+chroot true" "systemd-run --wait -q unshare -mpiu --fork chroot $rootfs /bin/true"

echo "start until READY and stop until inactive (ms)"
# Each contender is a service started with systemctl semantics: PodUnits' pod@.service
# (Type=notify, READY once the container runs) and nspawn as a Type=notify transient service.
dir=$(mktemp -d)
start_nspawn="systemd-run -q --collect --unit=bench-nspawn -p Type=notify systemd-nspawn -q --register=yes --notify-ready=no -D $rootfs /bin/sleep infinity"
command_of start-stop "podunits: systemctl start pod@x" "systemctl start pod@benchidle (sh -c \"trap 'exit 0' TERM; sleep infinity & wait\"); systemctl stop pod@benchidle"
command_of start-stop "nspawn as Type=notify service" "$start_nspawn; systemctl stop bench-nspawn"
command_of start-stop "floor: systemd-run sleep service" "systemd-run -q --collect --unit=bench-floor -p Type=exec /bin/sleep infinity; systemctl stop bench-floor"
for run in $(seq 0 "$BENCH_RUNS"); do
    for who in $(rotated "$run" podunits nspawn floor); do   # no one always after the same stop
        case $who in
            podunits) up="systemctl start pod@benchidle"; down="systemctl stop pod@benchidle";;
            nspawn) up=$start_nspawn; down="systemctl stop bench-nspawn";;
            floor) up="systemd-run -q --collect --unit=bench-floor -p Type=exec /bin/sleep infinity"; down="systemctl stop bench-floor";;
        esac
        t0=$(now_ns)
        if ! $up >/dev/null 2>"$dir/err"; then
            echo "$who" >>"$dir/failed"; echo "    $who: start failed: $(head -c 200 "$dir/err")" >&2
            $down >/dev/null 2>&1 || true; continue
        fi
        t1=$(now_ns)
        $down >/dev/null 2>&1 || true; t2=$(now_ns)
        [ "$run" = 0 ] && continue   # warm-up
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >>"$dir/$who.up"
        awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >>"$dir/$who.down"
    done
done
failures() { local n; n=$(grep -cx "$1" "$dir/failed" 2>/dev/null || true); [ "${n:-0}" = 0 ] || echo "$n failed starts"; }
touch "$dir"/{podunits,nspawn,floor}.{up,down}
record start-stop "podunits: systemctl start pod@x" "start to READY" ms "$dir/podunits.up" "$(failures podunits)"
record start-stop "nspawn as Type=notify service" "start to READY" ms "$dir/nspawn.up" "$(failures nspawn)"
record start-stop "floor: systemd-run sleep service" "start to READY" ms "$dir/floor.up" "$(failures floor)"
record start-stop "podunits: systemctl stop pod@x" "stop to inactive" ms "$dir/podunits.down"
record start-stop "nspawn as Type=notify service" "stop to inactive" ms "$dir/nspawn.down"
record start-stop "floor: systemd-run sleep service" "stop to inactive" ms "$dir/floor.down"
rm -rf "$dir"
rm -f /etc/podunits/pods/benchtrue.yaml /etc/podunits/pods/benchidle.yaml
