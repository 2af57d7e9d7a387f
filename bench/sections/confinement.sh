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
# sleep under a shell that ends at SIGTERM: a container's command is PID 1 of its own PID
# namespace, which gets no signal it has no handler for.
idle='["/bin/sh", "-c", "trap \"exit 0\" TERM; sleep infinity & wait"]'
pod confdefault "{}" "$idle"
pod confunconfined "{seccompProfile: {type: Unconfined}}" "$idle"
pod confprivileged "{privileged: true}" "$idle"
pod sysdefault "{}" '["/bin/syscalls", "/out/default"]'
pod sysunconfined "{seccompProfile: {type: Unconfined}}" '["/bin/syscalls", "/out/unconfined"]'
systemctl daemon-reload

echo "start until READY with and without confinement (ms)"
pod_starts confinement confdefault "podunits: default confinement" confunconfined "podunits: seccompProfile Unconfined" \
    confprivileged "podunits: privileged (no confinement)"

echo "confinement's own steps, timed inside the processes that take them (ms)"
# Start-to-READY differences of a few ms drown in this machine's run-to-run noise, so the
# same three pods run again with PODUNITS_VERBOSE=1: container-start then says how long each
# of its set-up steps took, and the executor how long systemd took to create the scope (the
# device policy is built there). Per start, scope plus set-up is the part of a start that
# confinement can change; the difference between the pods is its cost.
for p in confdefault confunconfined confprivileged; do
    mkdir -p "/run/systemd/system/pod@$p.service.d"
    printf '[Service]\nEnvironment=PODUNITS_VERBOSE=1\n' >"/run/systemd/system/pod@$p.service.d/verbose.conf"
done
systemctl daemon-reload
since=$(date '+%Y-%m-%d %H:%M:%S'); sleep 1
for run in $(seq 0 $((BENCH_RUNS * 3))); do
    for who in $(rotated "$run" confdefault confunconfined confprivileged); do
        systemctl start "pod@$who" >/dev/null 2>&1 || echo "    $who: start failed" >&2
        systemctl stop "pod@$who" >/dev/null 2>&1 || true
    done
done
dir=$(mktemp -d)
for p in confdefault confunconfined confprivileged; do
    # "scope started in S ms" comes before the same start's "set up in T ms (steps)". The
    # first start of each pod (round 0, the cold one after daemon-reload) warms up.
    journalctl -q -u "pod@$p" --since "$since" -o cat | awk -v dir="$dir/$p" '
        /: scope started in / { scope = $(NF - 1) }
        / set up in / && !warm++ { next }
        / set up in / {
            for (i = 1; i <= NF; i++) if ($i == "in") { total = $(i + 1); break }
            printf "%.3f\n", scope + total >>(dir ".sum")
            printf "%.3f\n", total >>(dir ".setup")
            printf "%.3f\n", scope >>(dir ".scope")
            if (match($0, /masks [0-9.]+/)) printf "%s\n", substr($0, RSTART + 6, RLENGTH - 6) >>(dir ".masks")
            if (match($0, /seccomp [0-9.]+/)) printf "%s\n", substr($0, RSTART + 8, RLENGTH - 8) >>(dir ".seccomp")
        }'
    rm -rf "/run/systemd/system/pod@$p.service.d"
done
systemctl daemon-reload
touch "$dir"/conf{default,unconfined,privileged}.{sum,setup,scope,masks,seccomp}
for p in confdefault:"podunits: default confinement" confunconfined:"podunits: seccompProfile Unconfined" \
         confprivileged:"podunits: privileged (no confinement)"; do
    name=${p%%:*} label=${p#*:}
    command_of confinement "$label" "systemctl start pod@$name with Environment=PODUNITS_VERBOSE=1 (journal: scope and set-up timings)"
    record confinement "$label" "scope + container set-up" ms "$dir/$name.sum" "in-process: systemd's scope creation plus container-start's set-up"
    record confinement "$label" "scope creation" ms "$dir/$name.scope"
    record confinement "$label" "container set-up" ms "$dir/$name.setup"
done
record confinement "podunits: default confinement" "masks step" ms "$dir/confdefault.masks"
record confinement "podunits: default confinement" "seccomp step" ms "$dir/confdefault.seccomp"
rm -rf "$dir"

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
