#!/usr/bin/env bash
# 14. Density (issue 22): a two-container pod's start to READY and stop against `podman kube
#     play` / `podman kube down` of the same YAML (hostNetwork and each one's default
#     network), then N one-container pods (N = 1, 10, 50, 110: the kubelet's default
#     maximum) started at once and stopped at once: the total times, every pod's own start
#     to READY (p50, p99), failures, the idle PSS per pod, to show how the cost grows, and
#     whose CPU a start is (cgroups: the pod's service, its containers, PID 1, D-Bus,
#     machined, journald), which bounds how fast 2 cores can start them. Beside each N, N
#     podman containers of the same idle command: conmon's PSS per container among as many
#     (the memory section's conmon runs alone, its pages shared with no other conmon).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
rootfs=$BENCH_ROOTFS
runs=$(( BENCH_RUNS < 5 ? BENCH_RUNS : 5 ))   # podman kube play takes about a second a round
counts=(${BENCH_DENSITY_COUNTS:-1 10 50 110})
dir=$(mktemp -d)

# two_pod NAME IMAGE HOSTNETWORK: the same pod for both; only the image reference differs
# (PodUnits reads the busybox root as a dir: image, podman its import of the same root).
# The shell exits on SIGTERM at once, so neither stop waits for a grace period.
two_pod() {
    cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1}
spec:
  hostNetwork: $3
  containers:
  - {name: web, image: "$2", command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]}
  - {name: side, image: "$2", command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"]}
YAML
}
two_pod densh "dir:$rootfs" true >/etc/podunits/pods/densh.yaml
two_pod densd "dir:$rootfs" false >/etc/podunits/pods/densd.yaml
two_pod kubeh localhost/busybox:bench true >"$dir/kubeh.yaml"
two_pod kubed localhost/busybox:bench false >"$dir/kubed.yaml"
systemctl daemon-reload
# podman's pods need cgroups (bench/inside.sh turns them off for plain containers, whose
# crun runs without them here): kube play and kube down get a configuration that keeps them.
sed 's/^cgroups = "disabled"/cgroups = "enabled"/' /etc/containers/containers.conf >"$dir/kube.conf"
kube() { CONTAINERS_CONF="$dir/kube.conf" podman kube "$@"; }

cleanup() {
    systemctl stop pod@densh pod@densd 2>/dev/null || true
    kube down "$dir/kubeh.yaml" >/dev/null 2>&1 || true
    kube down "$dir/kubed.yaml" >/dev/null 2>&1 || true
    local i
    seq 1 "${counts[-1]}" | sed 's/^/pod@dens/' | xargs systemctl stop 2>/dev/null || true
    podman rm -af -t 0 >/dev/null 2>&1 || true
    rm -f /etc/podunits/pods/dens*.yaml
    systemctl daemon-reload
    rm -rf "$dir"
}
trap cleanup EXIT

declare -A label=(
    [podunits-host]="podunits: 2 containers, hostNetwork"
    [podman-host]="podman kube play: 2 containers, hostNetwork"
    [podunits-default]="podunits: 2 containers, default network"
    [podman-default]="podman kube play: 2 containers, default network")
command_of density "${label[podunits-host]}" "systemctl start pod@densh (two containers: sh -c \"trap 'exit 0' TERM; sleep 100000 & wait\"); systemctl stop pod@densh"
command_of density "${label[podman-host]}" "podman kube play kubeh.yaml (the same YAML, image localhost/busybox:bench; CONTAINERS_CONF with cgroups enabled, which pods need); podman kube down kubeh.yaml"
command_of density "${label[podunits-default]}" "the same pod without hostNetwork (CNI, the podunits network): systemctl start/stop pod@densd"
command_of density "${label[podman-default]}" "the same YAML without hostNetwork (podman's default network): podman kube play/down kubed.yaml"
# act WHO start|stop: systemctl start/stop of the pod, or kube play/down of its YAML.
act() {
    local pod yaml
    case $1 in
        podunits-host) pod=densh;; podunits-default) pod=densd;;
        podman-host) yaml=kubeh;; podman-default) yaml=kubed;;
    esac
    if [ -n "${pod:-}" ]; then
        systemctl "$2" "pod@$pod"
    else
        kube "$([ "$2" = start ] && echo play || echo down)" "$dir/$yaml.yaml"
    fi
}
up() { act "$1" start; }
down() { act "$1" stop; }
echo "two-container pod: start until READY (podman: until kube play returns), stop until down (ms)"
for run in $(seq 0 "$runs"); do   # round 0 warms up
    for who in $(rotated "$run" podunits-host podman-host podunits-default podman-default); do   # no one always after the same stop
        t0=$(now_ns)
        if ! up "$who" >/dev/null 2>"$dir/err"; then
            echo "    $who: start failed: $(head -c 300 "$dir/err")" >&2
            down "$who" >/dev/null 2>&1 || true
            continue
        fi
        t1=$(now_ns)
        down "$who" >/dev/null 2>&1 || echo "    $who: stop failed" >&2
        t2=$(now_ns)
        [ "$run" = 0 ] && continue
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >>"$dir/$who.start"
        awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >>"$dir/$who.stop"
    done
done
for who in podunits-host podman-host podunits-default podman-default; do
    touch "$dir/$who.start" "$dir/$who.stop"
    record density "${label[$who]}" "start to READY" ms "$dir/$who.start"
    record density "${label[$who]}" "stop" ms "$dir/$who.stop"
done

# The pods of the scale rounds: one container each, hostNetwork (the network's cost is
# measured above and in the network section; here the question is how PodUnits' own cost
# grows with the number of pods).
for i in $(seq 1 "${counts[-1]}"); do
    cat >"/etc/podunits/pods/dens$i.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: dens$i}
spec:
  hostNetwork: true
  containers:
  - {name: main, image: "dir:$rootfs", command: ["/bin/sh", "-c", "echo up; trap 'exit 0' TERM; sleep 100000 & wait"]}
YAML
done
systemctl daemon-reload

# pod_pids: every process of the running dens pods that PodUnits adds to a host: executors,
# pod inits and machine leaders (the containers' sleeps are not
# PodUnits' cost).
pod_pids() {
    local stage1; stage1=$(pgrep -x podunits-stage1 | paste -sd, -) || true
    [ -n "$stage1" ] || return 0
    echo "${stage1//,/ }"
    pgrep -P "$stage1" -x systemd-journal || true
}

# cpu_snapshot FILE: every cgroup's CPU time so far (usec), "path usec" sorted by path. Read
# before and after a round's start, it says whose CPU a pod start is (one awk for all files:
# a process per cgroup would itself cost a second among 110 pods).
cgroot=$(findmnt -n -t cgroup2 -o TARGET | head -1)
cpu_snapshot() {
    find "$cgroot" -name cpu.stat -exec awk -v root="$cgroot" '/^usage_usec/ {
        d = FILENAME; sub("/cpu.stat$", "", d); d = substr(d, length(root) + 1); print (d == "" ? "/" : d), $2 }' {} + | sort >"$1"
}
# cpu_per_pod BEFORE AFTER N: ms of CPU per pod by whose it was, one line each, in the order of
# cpu_parts; a cgroup made during the start (each pod's own) counts from 0.
cpu_parts=("all" "pod@ service (stage 0, executor, pod init)" "containers (their scopes)" "systemd (PID 1)" "D-Bus, machined, journald")
cpu_per_pod() {
    join -a2 -e0 -o 0,1.2,2.2 "$1" "$2" | awk -v n="$3" '
        { d = $3 - $2; c = $1 }
        c == "/" { all += d }
        c ~ /^\/machine.slice\/pod@dens[0-9]+\.service$/ { pod += d }
        c == "/machine.slice/machine-podunits.slice" { ctr += d }
        c == "/init.scope" { pid1 += d }
        c ~ /^\/system.slice\/(dbus|systemd-machined|systemd-journald)\.service$/ { bus += d }
        END { printf "%.3f\n%.3f\n%.3f\n%.3f\n%.3f\n", all / n / 1000, pod / n / 1000, ctr / n / 1000, pid1 / n / 1000, bus / n / 1000 }'
}

# Started as a boot starts them: one job per pod, all queued by one client (here one
# systemctl call; at boot multi-user.target's wants). 110 systemctl processes each waiting
# for its own job would each subscribe to all of PID 1's signals, so every unit change would
# go to all of them: PID 1's CPU per pod then grows with the number of pods (measured 57 ms
# per pod at 10, 204 at 110, against 29 and 35 for one client; docs/benchmarks.md).
# Each pod's start to READY is systemd's own account: from leaving "inactive" to "active".
for n in "${counts[@]}"; do
    name="podunits: $n pod$([ "$n" = 1 ] || echo s) at once"
    units=$(seq 1 "$n" | sed 's/^/pod@dens/; s/$/.service/')
    command_of density "$name" "systemctl start pod@dens1 ... pod@dens$n (one call, one job per pod); each pod's start to READY from systemctl show (ActiveEnterTimestampMonotonic - InactiveExitTimestampMonotonic); then systemctl stop of all (one call)"
    cpu_snapshot "$dir/cpu.before"
    t0=$(now_ns)
    # shellcheck disable=SC2086
    systemctl start $units 2>"$dir/errors" || true
    t1=$(now_ns)
    cpu_snapshot "$dir/cpu.after"
    # shellcheck disable=SC2086
    systemctl show -p InactiveExitTimestampMonotonic -p ActiveEnterTimestampMonotonic -p ActiveState $units |
        awk -v RS= -F'\n' '{   # one paragraph per unit
            s = a = 0; state = ""
            for (i = 1; i <= NF; i++) {
                split($i, kv, "=")
                if (kv[1] == "InactiveExitTimestampMonotonic") s = kv[2]
                else if (kv[1] == "ActiveEnterTimestampMonotonic") a = kv[2]
                else if (kv[1] == "ActiveState") state = kv[2]
            }
            # A pod that is not active (failed, or activating again after a failure) never
            # became READY: "inf", so that the percentiles count it rather than leave it out.
            if (state == "active" && s > 0 && a > s) printf "%.3f\n", (a - s) / 1000; else print "inf"
        }' >"$dir/each"
    failed=$(systemctl list-units --state=failed --plain --no-legend 'pod@dens*' | wc -l)
    active=$(systemctl list-units --state=active --plain --no-legend 'pod@dens*' | wc -l)
    sleep 2   # let start-up work (journal flushes, page faults) settle before the idle sample
    # shellcheck disable=SC2046
    pss=$(pss_kb $(pod_pids))
    # Every pod's first line is in the journal: nothing lost at start.
    lines=$(journalctl -q -o cat SYSLOG_IDENTIFIER=main MESSAGE=up --since "@$((t0 / 1000000000 - 1))" | grep -c '^up$' || true)
    t2=$(now_ns)
    # shellcheck disable=SC2086
    systemctl stop $units
    t3=$(now_ns)
    systemctl reset-failed 'pod@dens*' 2>/dev/null || true
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >"$dir/start"
    awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >"$dir/stop"
    touch "$dir/each"
    sort -g "$dir/each" | awk '{ v[NR] = $1 } END { i = int(0.99 * (NR - 1) + 0.5) + 1; print (NR == 0 ? "nan" : v[i] == "inf" ? "inf" : sprintf("%.3f", v[i])) }' >"$dir/p99"
    awk -v p="$pss" -v n="$n" 'BEGIN { printf "%.0f\n", p / n }' >"$dir/pss"
    record density "$name" "start all" ms "$dir/start" "$active of $n active, $failed failed starts, first line of $lines of $n pods in the journal"
    record density "$name" "each pod's start to READY" ms "$dir/each"
    record density "$name" "each pod's start to READY, p99" ms "$dir/p99"
    record density "$name" "stop all" ms "$dir/stop"
    record density "$name" "idle PSS per pod" KiB "$dir/pss"
    i=0
    while read -r ms; do
        echo "$ms" >"$dir/cpu"
        record density "$name" "CPU per pod's start: ${cpu_parts[$i]}" ms "$dir/cpu" "$([ "$i" = 0 ] && echo "cgroup cpu.stat, from before systemctl start until it returned; all = every process here")"
        i=$((i + 1))
    done < <(cpu_per_pod "$dir/cpu.before" "$dir/cpu.after" "$n")

    # The same count of podman containers, each with its conmon, as the memory section
    # starts one; conmon's PSS per container among them, after the same settling time.
    cname="podman's conmon: $n container$([ "$n" = 1 ] || echo s) at once"
    command_of density "$cname" "podman run -d --network=host localhost/busybox:bench sleep infinity, $n times; Pss of every conmon / their number; then podman rm -af -t 0"
    for _ in $(seq 1 "$n"); do
        podman run -d -q --network=host localhost/busybox:bench sleep infinity >/dev/null 2>>"$dir/podman-errors" || true
    done
    sleep 2
    # shellcheck disable=SC2046
    conmons=$(pgrep -x conmon | wc -l); pss=$(pss_kb $(pgrep -x conmon))
    podman rm -af -t 0 >/dev/null 2>&1 || true
    awk -v p="$pss" -v c="$conmons" 'BEGIN { if (c > 0) printf "%.0f\n", p / c }' >"$dir/conmon.pss"
    record density "$cname" "idle PSS per pod" KiB "$dir/conmon.pss" "$conmons of $n containers running"
done
