#!/usr/bin/env bash
# What a user namespace costs (issue 20: hostUsers: false may add at most 10 ms to start,
# with no chown of the image on the start path):
# 1. systemctl start until READY of the same idle busybox pod with the host's users and with
#    hostUsers: false, alternating run by run. Both join the default CNI network (a pod with
#    its own user namespace cannot use the host's), whose ADD is the same for both.
# 2. The steps themselves, timed inside the processes that take them (PODUNITS_VERBOSE=1):
#    the pod init making the namespace, and container-start's set-up, which with a user
#    namespace includes the idmapped layers and the re-exec into the namespace.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
rootfs=$BENCH_ROOTFS

pod() { # NAME HOSTUSERS
    cat >"/etc/podunits/pods/$1.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  hostUsers: $2
  containers:
  - {name: main, image: "dir:$rootfs", command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]}
YAML
}
pod usershost true
pod usersown false
systemctl daemon-reload

echo "start until READY with the host's users and with a user namespace (ms)"
pod_starts userns usershost "podunits: host users" usersown "podunits: hostUsers: false"

echo "the user namespace's own steps, timed inside the processes that take them (ms)"
for p in usershost usersown; do
    mkdir -p "/run/systemd/system/pod@$p.service.d"
    printf '[Service]\nEnvironment=PODUNITS_VERBOSE=1\n' >"/run/systemd/system/pod@$p.service.d/verbose.conf"
done
systemctl daemon-reload
since=$(date '+%Y-%m-%d %H:%M:%S'); sleep 1
for run in $(seq 0 $((BENCH_RUNS * 2))); do
    for who in $(rotated "$run" usershost usersown); do
        systemctl start "pod@$who" >/dev/null 2>&1 || echo "    $who: start failed" >&2
        systemctl stop "pod@$who" >/dev/null 2>&1 || true
    done
done
dir=$(mktemp -d)
for p in usershost usersown; do
    # The first start of each pod (round 0, the cold one after daemon-reload) warms up.
    journalctl -q -u "pod@$p" --since "$since" -o cat | awk -v dir="$dir/$p" '
        / user namespace .* made in / && !warm_made++ { next }
        / user namespace .* made in / { for (i = 1; i <= NF; i++) if ($i == "in") print $(i + 1) >>(dir ".made") }
        / set up in / && !warm++ { next }
        / set up in / {
            for (i = 1; i <= NF; i++) if ($i == "in") { print $(i + 1) >>(dir ".setup"); break }
            if (match($0, /idmapped layers [0-9.]+/)) print substr($0, RSTART + 16, RLENGTH - 16) >>(dir ".idmap")
            if (match($0, /re-exec into the user namespace [0-9.]+/)) print substr($0, RSTART + 32, RLENGTH - 32) >>(dir ".reexec")
        }'
    rm -rf "/run/systemd/system/pod@$p.service.d"
done
systemctl daemon-reload
touch "$dir"/users{host,own}.{made,setup,idmap,reexec}
for p in usershost:"podunits: host users" usersown:"podunits: hostUsers: false"; do
    name=${p%%:*} label=${p#*:}
    command_of userns "$label" "systemctl start pod@$name with Environment=PODUNITS_VERBOSE=1 (journal: set-up timings)"
    record userns "$label" "container set-up" ms "$dir/$name.setup" "in-process: container-start from reading the plan to execve"
done
record userns "podunits: hostUsers: false" "namespace creation" ms "$dir/usersown.made" "in the pod init, once per pod start"
record userns "podunits: hostUsers: false" "idmapped layers step" ms "$dir/usersown.idmap"
record userns "podunits: hostUsers: false" "re-exec step" ms "$dir/usersown.reexec"
rm -rf "$dir"
for p in usershost usersown; do
    systemctl reset-failed "pod@$p" 2>/dev/null || true
    rm -f "/etc/podunits/pods/$p.yaml"
done
systemctl daemon-reload
