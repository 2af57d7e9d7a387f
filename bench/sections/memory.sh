#!/usr/bin/env bash
# 4. Resident memory (RSS, and PSS: shared pages split among the processes sharing them) of everything a runtime keeps running per idle pod (not the
#    container's own program): PodUnits = every process of pod@x.service (executor, pod
#    init; the pod's journal files are written by the executor); nspawn = its supervisor process; podman = conmon.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
rootfs=$BENCH_ROOTFS
dir=$(mktemp -d)

cgroup_pids() { # unit -> pids of the unit's own cgroup (v2 or the v1 name=systemd tree)
    local cg; cg=$(systemctl show -P ControlGroup "$1")
    cat "/sys/fs/cgroup$cg/cgroup.procs" 2>/dev/null || cat "/sys/fs/cgroup/systemd$cg/cgroup.procs" 2>/dev/null || true
}

cat >/etc/podunits/pods/benchmem.yaml <<YAML
apiVersion: v1
kind: Pod
metadata: {name: benchmem}
spec:
  hostNetwork: true
  containers:
  - {name: main, image: "dir:$rootfs", command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]}
YAML
systemctl daemon-reload # the generator's drop-in, as an administrator has it
command_of memory "podunits executor (pod@x.service's main process)" "systemctl start pod@benchmem (dir: rootfs, sleep infinity under a shell that traps SIGTERM); VmRSS of the unit's MainPID"
command_of memory "podunits (all of pod@x.service)" "systemctl start pod@benchmem (dir: rootfs, sleep infinity under a shell that traps SIGTERM); VmRSS of every process in the unit's cgroup"
command_of memory "systemd-nspawn supervisor" "systemd-run --unit=bench-nspawn-mem-N systemd-nspawn -q --register=yes -D ROOTFS /bin/sleep infinity; VmRSS of nspawn"
command_of memory "podman's conmon" "systemd-run --unit=bench-podman-mem-N podman run --rm --network=host localhost/busybox:bench sleep infinity; VmRSS of conmon"
runs=$(( BENCH_RUNS < 5 ? BENCH_RUNS : 5 ))
for run in $(seq 1 "$runs"); do
    if timeout 60 systemctl start pod@benchmem; then
        sleep 1
        # shellcheck disable=SC2046
        pids=$(cgroup_pids pod@benchmem.service)
        # shellcheck disable=SC2086
        rss_kb $pids >>"$dir/podunits"; pss_kb $pids >>"$dir/podunits.pss"
        main=$(systemctl show -P MainPID pod@benchmem.service)
        rss_kb "$main" >>"$dir/executor"; pss_kb "$main" >>"$dir/executor.pss"
    fi
    timeout 60 systemctl stop pod@benchmem || true

    systemd-run -q --collect --unit=bench-nspawn-mem-$run systemd-nspawn -q --register=yes -D "$rootfs" /bin/sleep infinity
    sleep 1
    pid=$(systemctl show -P MainPID bench-nspawn-mem-$run)
    rss_kb "$pid" >>"$dir/nspawn"; pss_kb "$pid" >>"$dir/nspawn.pss"
    timeout 60 systemctl stop bench-nspawn-mem-$run || true

    systemd-run -q --collect --unit=bench-podman-mem-$run podman run --rm --network=host --name benchmem localhost/busybox:bench sleep infinity
    sleep 2
    # shellcheck disable=SC2046
    rss_kb $(pgrep -x conmon) >>"$dir/conmon"; pss_kb $(pgrep -x conmon) >>"$dir/conmon.pss"
    # sleep as the container's PID 1 ignores SIGTERM: remove the container first, so the
    # unit stops at once and the next run's unit name is free.
    podman rm -f -t 0 benchmem >/dev/null 2>&1 || true
    timeout 60 systemctl stop bench-podman-mem-$run || true
    podman rm -f benchmem >/dev/null 2>&1 || true
done
record memory "podunits executor (pod@x.service's main process)" "idle RSS" KiB "$dir/executor"
record memory "podunits (all of pod@x.service)" "idle RSS" KiB "$dir/podunits"
record memory "systemd-nspawn supervisor" "idle RSS" KiB "$dir/nspawn"
record memory "podman's conmon" "idle RSS" KiB "$dir/conmon"
record memory "podunits executor (pod@x.service's main process)" "idle PSS" KiB "$dir/executor.pss"
record memory "podunits (all of pod@x.service)" "idle PSS" KiB "$dir/podunits.pss"
record memory "systemd-nspawn supervisor" "idle PSS" KiB "$dir/nspawn.pss"
record memory "podman's conmon" "idle PSS" KiB "$dir/conmon.pss"
rm -rf "$dir" /etc/podunits/pods/benchmem.yaml
systemctl daemon-reload
