#!/usr/bin/env bash
# What confinement costs (issue: at most 5 ms of start, at most 5% on a syscall-heavy loop):
# 1. systemctl start until READY of the same idle pod, confined by default (masked /proc,
#    device policy, RuntimeDefault seccomp), with seccompProfile Unconfined, and privileged
#    (none of the three), alternating run by run.
# 2. 1,000,000 getpid and 1,000,000 stat calls timed inside a container
#    (bench/confinement/syscalls.c) under RuntimeDefault and Unconfined.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
rootfs=$BENCH_ROOTFS
out=/var/lib/podunits/bench/confinement
mkdir -p "$out"
gcc -static -O2 -o "$rootfs/bin/syscalls" "$here/confinement/syscalls.c"

pod() { # NAME SECURITY COMMAND
    cat >"/etc/podunits/pods/$1.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  hostNetwork: true
  restartPolicy: Never
  volumes: [{name: out, hostPath: {path: $out}}]
  containers:
  - name: main
    image: "dir:$rootfs"
    command: $3
    securityContext: $2
    volumeMounts: [{name: out, mountPath: /out}]
YAML
}
pod confdefault "{}" '["/bin/sleep", "infinity"]'
pod confunconfined "{seccompProfile: {type: Unconfined}}" '["/bin/sleep", "infinity"]'
pod confprivileged "{privileged: true}" '["/bin/sleep", "infinity"]'
pod sysdefault "{}" '["/bin/syscalls", "/out/default"]'
pod sysunconfined "{seccompProfile: {type: Unconfined}}" '["/bin/syscalls", "/out/unconfined"]'
systemctl daemon-reload

echo "start until READY with and without confinement (ms)"
pod_starts confinement confdefault "podunits: default confinement" confunconfined "podunits: seccompProfile Unconfined" \
    confprivileged "podunits: privileged (no confinement)"

echo "1,000,000 system calls inside a container (ms of CPU time)"
dir=$(mktemp -d)
command_of confinement "podunits: RuntimeDefault, syscall loop" "systemctl start --wait pod@sysdefault (bench/confinement/syscalls.c)"
command_of confinement "podunits: Unconfined, syscall loop" "systemctl start --wait pod@sysunconfined (bench/confinement/syscalls.c)"
for run in $(seq 0 "$BENCH_RUNS"); do
    for who in default unconfined; do
        rm -f "$out/$who"
        systemctl start --wait "pod@sys$who" >/dev/null 2>&1 || true
        [ -s "$out/$who" ] || { echo "    $who: no result" >&2; continue; }
        [ "$run" = 0 ] && continue   # warm-up
        read -r getpid stat <"$out/$who"
        awk -v n="$getpid" 'BEGIN { printf "%.3f\n", n / 1e6 }' >>"$dir/$who.getpid"
        awk -v n="$stat" 'BEGIN { printf "%.3f\n", n / 1e6 }' >>"$dir/$who.stat"
    done
done
touch "$dir"/{default,unconfined}.{getpid,stat}
record confinement "podunits: RuntimeDefault, syscall loop" "1M getpid (CPU)" ms "$dir/default.getpid"
record confinement "podunits: Unconfined, syscall loop" "1M getpid (CPU)" ms "$dir/unconfined.getpid"
record confinement "podunits: RuntimeDefault, syscall loop" "1M stat (CPU)" ms "$dir/default.stat"
record confinement "podunits: Unconfined, syscall loop" "1M stat (CPU)" ms "$dir/unconfined.stat"
rm -rf "$dir" "$out"
for p in confdefault confunconfined confprivileged sysdefault sysunconfined; do
    systemctl reset-failed "pod@$p" 2>/dev/null || true
    rm -f "/etc/podunits/pods/$p.yaml"
done
systemctl daemon-reload
