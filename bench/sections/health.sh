#!/usr/bin/env bash
# The CPU cost of probing (issue 19): 50 PodUnits pods, each a busybox httpd with an
# httpGet liveness probe and a tcpSocket readiness probe every second, beside 50 podman
# containers serving the same way with podman's healthcheck (--health-cmd running wget
# against the same server, --health-interval=1s), one after the other in the same sandbox.
# Each side also runs once with the checks absent (the same 50 pods or containers, idle),
# so the probing cost is the difference: CPU time per minute, with minus without. PodUnits
# also runs with an exec liveness probe of podman's very health command (wget in the
# container, every second): a process per check on both sides, the like-for-like case.
#
# What is counted (CPU time, user+system, read before and after each window):
# - PodUnits: the pod@NAME.service cgroups (executor and pod init: the
#   supervisors; network probes run in the executor, no process per probe) and the
#   containers' own cgroups (machine-podunits-NAME.slice: httpd answering the probes).
# - podman: the scope all 50 `podman run -d` ran in, which holds the conmons and the
#   containers (containers.conf says cgroups = "disabled": they stay in conmon's cgroup);
#   conmon's own time is the "supervisor" part. A healthcheck is a transient systemd
#   timer that starts a transient service running `podman healthcheck run ID` (which
#   execs wget in the container through conmon and crun); those services' processes are
#   reaped by systemd, so their time is in PID 1's children's time (/proc/1/stat).
# - Both: the sandbox's own systemd (PID 1: itself and the children it reaped), journald
#   and dbus-daemon, each from /proc/PID/stat. The sandbox has its own PID namespace,
#   so these are this sandbox's processes only; its cgroup tree (system.slice,
#   init.scope) is shared with any other sandbox running on the host, so it is not used
#   for them.
# Checks per second are counted where they arrive: the TCP connections each server
# accepted (Tcp PassiveOpens of its network namespace, /proc/PID/net/snmp).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
rootfs=$BENCH_ROOTFS
count=${BENCH_HEALTH_PODS:-50}
seconds=${BENCH_HEALTH_SECONDS:-60}    # measured per phase, in BENCH_RUNS windows
warmup=${BENCH_HEALTH_WARMUP:-10}
windows=$BENCH_RUNS
[ "$windows" -le "$((seconds / 5))" ] || windows=$((seconds / 5))   # windows of 5 s at least
window=$(awk -v s="$seconds" -v w="$windows" 'BEGIN { printf "%.3f", s / w }')
hz=$(getconf CLK_TCK)
www=$rootfs/health-www
dir=$(mktemp -d)
# The cgroup v2 tree: its own mount on a pure v2 host, "unified" on a hybrid one.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then cg=/sys/fs/cgroup; else cg=/sys/fs/cgroup/unified; fi
mkdir -p "$www"
echo "ok" >"$www/index.html"
health_cmd='wget -q -O /dev/null http://127.0.0.1:8080/ || exit 1'

# pods PREFIX PROBES(yes|no|exec): the pod files PREFIX1..PREFIXcount
pods() {
    local i
    for i in $(seq 1 "$count"); do
        {
            cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1$i}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: web
    image: "dir:$rootfs"
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; httpd -f -p 8080 -h /health-www & wait"]
YAML
            [ "$2" != yes ] || cat <<YAML
    livenessProbe:
      httpGet: {path: /, port: 8080}
      periodSeconds: 1
    readinessProbe:
      tcpSocket: {port: 8080}
      periodSeconds: 1
YAML
            [ "$2" != exec ] || cat <<YAML
    livenessProbe:
      exec: {command: ["/bin/sh", "-c", "$health_cmd"]}
      periodSeconds: 1
YAML
        } >"/etc/podunits/pods/$1$i.yaml"
    done
}
# The health timers go first (systemctl, one call): with them running, the machine is
# saturated and podman rm waits on the containers' locks.
remove_podman() {
    local ids
    mapfile -t ids < <(podman ps -aq --no-trunc --filter name='^hpm' 2>/dev/null || true)
    [ ${#ids[@]} -gt 0 ] || return 0
    systemctl stop "${ids[@]/%/.timer}" >/dev/null 2>&1 || true
    podman rm -f -t 0 "${ids[@]}" >/dev/null 2>&1 || true
}
cleanup() {
    local p i
    for p in hidle hprobe hexec; do
        for i in $(seq 1 "$count"); do systemctl stop "pod@$p$i" >/dev/null 2>&1 & done
    done
    wait
    remove_podman
    rm -f /etc/podunits/pods/hidle*.yaml /etc/podunits/pods/hprobe*.yaml /etc/podunits/pods/hexec*.yaml
    systemctl daemon-reload
    rm -rf "$dir" "$www"
}
trap cleanup EXIT

# The readers below use shell builtins only, no process per file: on a machine saturated by
# the checks being measured (podman's, here), a fork per file made one snapshot take
# minutes. Clock ticks become microseconds at the end (tick_us).
tick_us=$((1000000 / hz))
# cpu_of PID -> its CPU time in microseconds: utime + stime + cutime + cstime (the last two:
# the children it has reaped). The fields after the command name, which may hold spaces.
cpu_of() {
    local stat f
    stat=$(<"/proc/$1/stat") 2>/dev/null || { echo 0; return; }
    read -r -a f <<<"${stat##*) }"
    echo $(( (f[11] + f[12] + f[13] + f[14]) * tick_us ))
}
self_cpu_of() { # PID -> utime + stime only, microseconds
    local stat f
    stat=$(<"/proc/$1/stat") 2>/dev/null || { echo 0; return; }
    read -r -a f <<<"${stat##*) }"
    echo $(( (f[11] + f[12]) * tick_us ))
}
usage_of() { # CGROUP-DIR... -> sum of cpu.stat usage_usec
    local d total=0 k v
    for d in "$@"; do
        while read -r k v; do [ "$k" != usage_usec ] || total=$((total + v)); done <"$d/cpu.stat" 2>/dev/null || true
    done
    echo "$total"
}
passive_opens() { # SNMP-FILE -> Tcp PassiveOpens
    local -a names=() values=()
    local line i
    while read -r line; do
        case $line in Tcp:*)
            if [ ${#names[@]} = 0 ]; then read -r -a names <<<"$line"; else read -r -a values <<<"$line"; fi;;
        esac
    done <"$1" 2>/dev/null || true
    for i in "${!names[@]}"; do [ "${names[$i]}" != PassiveOpens ] || { echo "${values[$i]:-0}"; return; }; done
    echo 0
}
opens_of() { # PID... -> sum of Tcp PassiveOpens in their network namespaces
    local p total=0
    for p in "$@"; do total=$((total + $(passive_opens "/proc/$p/net/snmp"))); done
    echo "$total"
}
restarts() { # PREFIX -> restarts of all the pods' containers, and failed probes in the journal since the phase began
    local i total=0 n
    for i in $(seq 1 "$count"); do
        n=$(jq '[.[].restarts] | add // 0' "/run/podunits/state/$1$i/containers.json" 2>/dev/null || echo 0)
        total=$((total + ${n:-0}))
    done
    echo "$total container restarts, $(journalctl -q --since "@$phase_began" MESSAGE_ID=f1bf8ccf53444068ba27b68589ed3333 -o cat 2>/dev/null | wc -l) failed probes"
    # What they said, most frequent first, into the log (numbers and pod names made alike):
    # a failure under load (a timeout) is not one of PodUnits' own.
    journalctl -q --since "@$phase_began" MESSAGE_ID=f1bf8ccf53444068ba27b68589ed3333 -o cat 2>/dev/null \
        | sed -E "s/$1[0-9]+/$1N/g; s/[0-9]+(\.[0-9]+)?/N/g" | sort | uniq -c | sort -rn | head -3 | sed 's/^/  failed probe: /' >&2 || true
}
journald=$(systemctl show -p MainPID --value systemd-journald)
dbus=$(systemctl show -p MainPID --value dbus)
system_cpu() { echo $(( $(cpu_of 1) + $(cpu_of "$journald") + $(cpu_of "$dbus") )); }

# snapshot: one line "ns supervisors containers system opens" from the phase's globals
# (sup_cgroups/ctr_cgroups for PodUnits; scope/conmons for podman; servers).
snapshot() {
    local t sup ctr p
    t=$(now_ns)
    if [ -n "${scope:-}" ]; then
        sup=0
        for p in "${conmons[@]}"; do sup=$((sup + $(self_cpu_of "$p"))); done
        ctr=$(( $(usage_of "$scope") - sup ))
    else
        sup=$(usage_of "${sup_cgroups[@]}"); ctr=$(usage_of "${ctr_cgroups[@]}")
    fi
    echo "$t $sup $ctr $(system_cpu) $(opens_of "${servers[@]}")"
}
# by_process CGROUP-DIR... -> "NAME CPU-us" per process of those cgroups, NAME being the
# executable and its first argument (podunits-stage1 runs the executor and the pod init)
by_process() {
    local d pid
    for d in "$@"; do
        while read -r pid; do
            printf '%s %s\n' "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | awk '{ n = split($1, p, "/"); print p[n] "_" $2 }')" "$(self_cpu_of "$pid")"
        done <"$d/cgroup.procs"
    done
}
# measure PHASE: warm-up, then `windows` windows of snapshots into $dir/PHASE
measure() {
    sleep "$warmup"
    [ -n "${scope:-}" ] || by_process "${sup_cgroups[@]}" >"$dir/$1.procs0"
    snapshot >"$dir/$1"
    for _ in $(seq 1 "$windows"); do sleep "$window"; snapshot >>"$dir/$1"; done
    if [ -z "${scope:-}" ]; then   # where the supervisors' time went, by process kind
        by_process "${sup_cgroups[@]}" >"$dir/$1.procs1"
        awk 'NR == FNR { a[$1] += $2; next } { b[$1] += $2 } END { for (k in b) printf "    %s: %.3f CPU s in all\n", k, (b[k] - a[k]) / 1e6 }' \
            "$dir/$1.procs0" "$dir/$1.procs1"
    fi
    awk -v n="$count" '
        NR > 1 { dt = ($1 - t) / 1e9; m = 60 / dt
                 printf "  %-8s window %d: %.3f s: supervisors %.3f, containers %.3f, systemd+journald+dbus %.3f CPU s/min; %.2f checks/s per server\n",
                        FILENAME, NR - 1, dt, ($2 - s) / 1e6 * m, ($3 - c) / 1e6 * m, ($4 - y) / 1e6 * m, ($5 - o) / dt / n }
        { t = $1; s = $2; c = $3; y = $4; o = $5 }' "$dir/$1"
}

# PodUnits: start all pods at once (as scale.sh does), until READY; that includes each
# readiness probe passing when there are probes.
podunits_phase() { # PHASE PREFIX PROBES
    local i job failed=0 active p ino
    pods "$2" "$3"; systemctl daemon-reload
    phase_began=$(date +%s)
    for i in $(seq 1 "$count"); do systemctl start "pod@$2$i" 2>>"$dir/errors" & done
    for job in $(jobs -p); do wait "$job" || failed=$((failed + 1)); done
    active=$(systemctl list-units --state=active --plain --no-legend "pod@$2*" | wc -l)
    echo "$active of $count active, $failed failed starts" >"$dir/$1.note"
    mapfile -t sup_cgroups < <(find "$cg" -maxdepth 3 -type d -name "pod@$2[0-9]*.service")
    mapfile -t ctr_cgroups < <(find "$cg" -maxdepth 4 -type d -name "machine-podunits-$2[0-9]*.slice")
    # The servers' TCP counters are read through a process in each pod's network namespace
    # that lives as long as the pod (the pod init's, say): a restarted container has a new
    # PID, and PassiveOpens belongs to the namespace.
    servers=()
    for i in $(seq 1 "$count"); do
        ino=$(stat -L -c %i "/run/podunits/netns/$2$i" 2>/dev/null) || continue
        while read -r p; do
            [ "$(readlink "/proc/$p/ns/net" 2>/dev/null)" != "net:[$ino]" ] || { servers+=("$p"); break; }
        done <"$cg/machine.slice/pod@$2$i.service/cgroup.procs"
    done
    echo "  $1: $(cat "$dir/$1.note"); ${#sup_cgroups[@]} pod@ cgroups, ${#ctr_cgroups[@]} container slices, ${#servers[@]} network namespaces"
    scope=""
    measure "$1"
    # A liveness probe that fails (its 1 s timeout on a saturated machine) restarts its
    # container, whose cost then counts too: say how often it happened.
    echo "$(cat "$dir/$1.note"); $(restarts "$2")" >"$dir/$1.note"
    echo "  $1: $(cat "$dir/$1.note")"
    for i in $(seq 1 "$count"); do systemctl stop "pod@$2$i" >/dev/null 2>&1 & done
    wait
    rm -f "/etc/podunits/pods/$2"[0-9]*.yaml
}

# podman: 50 `podman run -d` (four at a time) inside one transient scope, so the conmons
# and containers stay in a cgroup of their own. With DISABLE_HC_SYSTEMD=true (podman's own
# switch) they start without their healthcheck timers, which the script then starts for
# all 50 with the very command podman 4.3 runs for each (libpod's createTimer):
#   systemd-run --unit ID --on-unit-inactive=INTERVAL --timer-property=AccuracySec=1s \
#       /usr/bin/podman healthcheck run ID
# Letting podman start them as each container came up saturated this machine so much
# that starting the other containers took over ten minutes.
podman_phase() { # PHASE HEALTH(yes|no)
    local unit=bench-health-$1 pid p id
    {
        echo '#!/bin/sh'
        # shellcheck disable=SC2016 # $1 is the generated script's own argument
        printf 'exec podman run -d -q --name "hpm$1" '
        [ "$2" = no ] || printf -- "--health-cmd '%s' --health-interval=1s " "$health_cmd"
        echo "-v $www:/www:ro localhost/busybox:bench httpd -f -p 8080 -h /www >/dev/null"
    } >"$dir/podman-run.sh"
    chmod +x "$dir/podman-run.sh"
    systemd-run -q --scope --unit="$unit" -- env DISABLE_HC_SYSTEMD=true \
        sh -c "seq 1 $count | xargs -P 4 -n 1 $dir/podman-run.sh" 2>>"$dir/errors" || true
    if [ "$2" = yes ]; then
        for id in $(podman ps -q --no-trunc --filter name='^hpm'); do
            systemd-run -q --setenv=PATH="$PATH" --unit "$id" --on-unit-inactive=1s --timer-property=AccuracySec=1s \
                "$(command -v podman)" healthcheck run "$id" 2>>"$dir/errors" || true
            # An OnUnitInactiveSec= timer counts from the service's last run and never fires
            # before a first one: podman's startTimer starts the service once too.
            systemctl start --no-block "$id.service" 2>>"$dir/errors" || true
        done
    fi
    scope=$(find "$cg" -maxdepth 3 -type d -name "$unit.scope" | head -n 1)
    [ -n "$scope" ] || { echo "    no scope $unit: $(head -c 600 "$dir/errors")" >&2; return 1; }
    conmons=()
    while read -r pid; do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != conmon ] || conmons+=("$pid")
    done <"$scope/cgroup.procs"
    servers=()   # each conmon's child: the container's process (no podman inspect, which waits on locks)
    for pid in "${conmons[@]}"; do
        p=$(pgrep -P "$pid" | head -n 1) && [ -n "$p" ] && servers+=("$p")
    done
    echo "${#servers[@]} of $count running, ${#conmons[@]} conmons in the scope" >"$dir/$1.note"
    echo "  $1: $(cat "$dir/$1.note"), scope ${scope:-missing}"
    measure "$1"
    if [ "$2" = yes ]; then
        echo "  $1: hpm1 is $(timeout 60 podman inspect -f '{{.State.Health.Status}}' hpm1 2>/dev/null || echo unknown)"
    fi
    remove_podman
    scope=""
}

pods_label="podunits: $count pods"
podman_label="podman: $count containers"
command_of health "$pods_label, probes every 1 s" "systemctl start pod@hprobe1 ... pod@hprobe$count (all at once); each: busybox httpd -f -p 8080, livenessProbe httpGet / :8080 and readinessProbe tcpSocket :8080, periodSeconds 1; CPU read over ${seconds} s after ${warmup} s"
command_of health "$pods_label, no probes" "the same pods without probes (pod@hidle1 ... pod@hidle$count)"
command_of health "$pods_label, exec probe every 1 s" "the same pods with one livenessProbe exec [/bin/sh, -c, '$health_cmd'], periodSeconds 1: podman's health command (pod@hexec1 ... pod@hexec$count)"
command_of health "$podman_label, healthcheck every 1 s" "systemd-run --scope -- env DISABLE_HC_SYSTEMD=true podman run -d --name hpmN --health-cmd '$health_cmd' --health-interval=1s -v WWW:/www:ro localhost/busybox:bench httpd -f -p 8080 -h /www (N = 1..$count, four at a time); then for each: systemd-run --unit ID --on-unit-inactive=1s --timer-property=AccuracySec=1s podman healthcheck run ID (podman's own timer); CPU read over ${seconds} s after ${warmup} s"
command_of health "$podman_label, no healthcheck" "the same without --health-cmd"

echo "CPU time of probing, $count pods or containers, ${seconds} s per phase in $windows windows"
podunits_phase pu-off hidle no
podunits_phase pu-on hprobe yes
podunits_phase pu-exec hexec exec
podman_phase pm-off no
podman_phase pm-on yes
[ ! -s "$dir/errors" ] || echo "    errors: $(head -c 600 "$dir/errors")" >&2

# Per window: CPU s/min of each part; then with minus without, window by window.
rates() { # PHASE -> per window: supervisors containers system all checks-per-server-per-s
    awk -v n="$count" 'NR > 1 { m = 60e9 / ($1 - t); s = ($2 - a) / 1e6 * m; c = ($3 - b) / 1e6 * m; y = ($4 - d) / 1e6 * m
            printf "%.4f %.4f %.4f %.4f %.3f\n", s, c, y, s + c + y, ($5 - o) * 1e9 / ($1 - t) / n }
        { t = $1; a = $2; b = $3; d = $4; o = $5 }' "$dir/$1"
}
for p in pu-off pu-on pu-exec pm-off pm-on; do rates "$p" >"$dir/$p.rates"; done
# Each writes a file of its own: several are named in one command line before it runs.
column_of() { awk -v k="$2" '{ print $k }' "$dir/$1.rates" >"$dir/$1.c$2"; echo "$dir/$1.c$2"; }
diff_of() { # ON OFF COLUMN [SCALE] -> file of (on - off) * scale, window by window
    local out=$dir/$1-$2.d$3${4:+.per}
    paste -d' ' "$dir/$1.rates" "$dir/$2.rates" | awk -v k="$3" -v f="${4:-1}" '{ printf "%.4f\n", ($k - $(k + 5)) * f }' >"$out"
    echo "$out"
}
median_of() { stats "$1" | awk '{ print $1 }'; }
part() { # PHASE -> "supervisors X, containers Y, systemd+journald+dbus Z" (medians, CPU s/min)
    printf 'supervisors %s, containers %s, systemd+journald+dbus %s CPU s/min' \
        "$(median_of "$(column_of "$1" 1)")" "$(median_of "$(column_of "$1" 2)")" "$(median_of "$(column_of "$1" 3)")"
}
checks() { printf '%s checks/s per server' "$(median_of "$(column_of "$1" 5)")"; }

record health "$pods_label, probes every 1 s" "CPU per minute, everything" "CPU s" "$(column_of pu-on 4)" "$(cat "$dir/pu-on.note"); $(part pu-on); $(checks pu-on)"
record health "$pods_label, no probes" "CPU per minute, everything" "CPU s" "$(column_of pu-off 4)" "$(part pu-off)"
record health "$pods_label, exec probe every 1 s" "CPU per minute, everything" "CPU s" "$(column_of pu-exec 4)" "$(cat "$dir/pu-exec.note"); $(part pu-exec); $(checks pu-exec)"
record health "$podman_label, healthcheck every 1 s" "CPU per minute, everything" "CPU s" "$(column_of pm-on 4)" "$(cat "$dir/pm-on.note"); $(part pm-on); $(checks pm-on)"
record health "$podman_label, no healthcheck" "CPU per minute, everything" "CPU s" "$(column_of pm-off 4)" "$(part pm-off)"
# The goal's numbers: what probing adds, everything counted, on both sides.
record health "podunits: probing" "probing CPU per minute (with - without)" "CPU s" "$(diff_of pu-on pu-off 4)" \
    "$count pods; executors+inits (pod@ services) alone: $(median_of "$(diff_of pu-on pu-off 1)") CPU s/min"
# The issue's own measure: the executors' CPU time (the pod@ services: executor and pod init).
record health "podunits: probing, executors alone" "probing CPU per minute (with - without)" "CPU s" "$(diff_of pu-on pu-off 1)" \
    "$count pods; the pod@ services only, the servers answering the probes not counted"
record health "podman: healthcheck" "probing CPU per minute (with - without)" "CPU s" "$(diff_of pm-on pm-off 4)" \
    "$count containers; of it healthcheck runs (reaped by systemd) with systemd, journald and dbus: $(median_of "$(diff_of pm-on pm-off 3)") CPU s/min"
record health "podunits: probing, per pod" "probing CPU per minute per pod" "CPU ms" "$(diff_of pu-on pu-off 4 "$(awk -v n="$count" 'BEGIN { print 1000 / n }')")" \
    "executors+inits alone: $(median_of "$(diff_of pu-on pu-off 1 "$(awk -v n="$count" 'BEGIN { print 1000 / n }')")") CPU ms"
record health "podman: healthcheck, per container" "probing CPU per minute per pod" "CPU ms" "$(diff_of pm-on pm-off 4 "$(awk -v n="$count" 'BEGIN { print 1000 / n }')")"
# Per check: the two sides do not check equally often (PodUnits: two probes a second per
# pod; podman: one health command per interval, the next one timed from the end of the
# last, and fewer when the machine is saturated), so also what one check costs.
per_check() { # ON OFF -> file: (on - off) CPU s/min over the checks per minute, in ms
    paste -d' ' "$dir/$1.rates" "$dir/$2.rates" | awk -v n="$count" '{ c = $5 * n * 60; printf "%.4f\n", (c > 0) ? ($4 - $9) * 1000 / c : 0 }' >"$dir/$1.check"
    echo "$dir/$1.check"
}
record health "podunits: one probe" "probing CPU per check" "CPU ms" "$(per_check pu-on pu-off)" "a check: one TCP connection accepted by the server (httpGet or tcpSocket probe)"
record health "podunits: one exec probe" "probing CPU per check" "CPU ms" "$(per_check pu-exec pu-off)" "a check: one wget run in the container by an exec probe (entering it: docs/confinement.md), counted by its connection"
record health "podman: one healthcheck run" "probing CPU per check" "CPU ms" "$(per_check pm-on pm-off)" "a check: one wget run by podman healthcheck run"
