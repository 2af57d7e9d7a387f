#!/usr/bin/env bash
# 5. Scale: 50 pods started concurrently, then stopped concurrently; wall time, failures
#    and the peak total memory (PSS) of PodUnits' processes while they run. Each pod has
#    its own `systemctl start` here, on purpose (concurrent clients): every waiting client
#    subscribes to PID 1's signals, so PID 1's cost per pod grows with the number of
#    clients. The density section starts pods with one client, as a boot does.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
rootfs=$BENCH_ROOTFS
count=${BENCH_SCALE_PODS:-50}
dir=$(mktemp -d)
for i in $(seq 1 "$count"); do
    cat >"/etc/podunits/pods/scale$i.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: scale$i}
spec:
  hostNetwork: true
  containers:
  - {name: main, image: "dir:$rootfs", command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]}
YAML
done
systemctl daemon-reload

# Sample the total PSS (shared pages counted once) of every podunits process (executors and pod inits) every 100 ms.
( peak=0; while :; do
      # shellcheck disable=SC2046
      # (Two pgreps: it warns about, though it still matches, a pattern over 15 characters.)
      now=$(pss_kb $(pgrep -x podunits) $(pgrep -x podunits-stage1)); [ "$now" -gt "$peak" ] && peak=$now && echo "$peak" >"$dir/peak"
      sleep 0.1
  done ) & sampler=$!

command_of scale "podunits: $count pods" "systemctl start pod@scale1 ... pod@scale$count (all at once, in the background), then systemctl stop of all at once"
t0=$(now_ns)
for i in $(seq 1 "$count"); do systemctl start "pod@scale$i" 2>>"$dir/errors" & done
wait_failed=0
for job in $(jobs -p | grep -vx "$sampler"); do wait "$job" || wait_failed=$((wait_failed + 1)); done
t1=$(now_ns)
active=$(systemctl list-units --state=active --plain --no-legend 'pod@scale*' | wc -l)
for i in $(seq 1 "$count"); do systemctl stop "pod@scale$i" & done
for job in $(jobs -p | grep -vx "$sampler"); do wait "$job" || true; done
t2=$(now_ns)
kill "$sampler" 2>/dev/null || true

awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >"$dir/start"
awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >"$dir/stop"
cat "$dir/peak" 2>/dev/null >"$dir/peakv" || echo 0 >"$dir/peakv"
record scale "podunits: $count pods" "start all (concurrent)" ms "$dir/start" "$active of $count active, $wait_failed failed starts"
record scale "podunits: $count pods" "stop all (concurrent)" ms "$dir/stop"
record scale "podunits: $count pods" "peak PSS of all executors+inits" KiB "$dir/peakv"
rm -f /etc/podunits/pods/scale*.yaml; rm -rf "$dir"
