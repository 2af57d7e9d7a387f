#!/usr/bin/env bash
# Boots a throwaway systemd host with systemd-nspawn over a volatile overlay of this
# machine's own root, runs one command inside it as root, passes its exit status through
# and always tears the host down again (also on Ctrl-C, failure or a SIGKILL of this script).
#
#   tests/sandbox/sandbox.sh [--name NAME] [--bind SRC[:DST]]... [--keep-network] [--no-seccomp] [--] CMD [ARGS...]
#
# Inside: the real systemd as PID 1, D-Bus, journald, logind; machined is D-Bus activated.
# The current directory (the checkout) is bound at the same path and is the working
# directory. CMD runs in a transient scope of the inner systemd (like a login session), so
# what it starts is managed by that systemd. Recipe and caveats: docs/platform-facts.md.
# Several sandboxes may run at once; each has its own name and mount point.
# --no-seccomp: nspawn installs no system call filter of its own (SYSTEMD_SECCOMP=0, read
# by systemd's is_seccomp_available()), so what runs inside is filtered only by what it
# installs itself, as on a real host; the hostile-container tests need that to see
# PodUnits' own filter. Its capability bounding set still applies.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
checkout=$(pwd)
binds=()
name="sbx-$$-$RANDOM"
network=(--private-network)
nspawn_env=()
while [ $# -gt 0 ]; do
    case $1 in
        --bind)
            # The inner systemd-tmpfiles empties /tmp at boot ("D /tmp" in tmp.conf): a
            # bind of the host's /tmp there would wipe the host's /tmp.
            case ${2#*:} in /tmp|/tmp/|/) echo "sandbox: --bind $2: / and /tmp inside are emptied at boot; bind another directory" >&2; exit 2;; esac
            binds+=("--bind=$2"); shift 2;;
        --keep-network) network=(); shift;;
        --no-seccomp) nspawn_env=(SYSTEMD_SECCOMP=0); shift;;
        --name) name=$2; shift 2;;
        --) shift; break;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
        -*) echo "sandbox: unknown option $1" >&2; exit 2;;
        *) break;;
    esac
done
[ $# -gt 0 ] || { echo "sandbox: no command given (try --help)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "sandbox: must run as root" >&2; exit 2; }
command -v systemd-nspawn >/dev/null || { echo "sandbox: systemd-nspawn missing (apt-get install systemd-container)" >&2; exit 2; }

case $name in *[!a-zA-Z0-9-]*|"") echo "sandbox: bad name '$name'" >&2; exit 2;; esac
base="/run/podunits-sandbox/$name"
state="/var/tmp/podunits-sandbox/$name"
root="$base/root"
log="$base/nspawn.log"
nspawn_pid=""
command_ran=""

teardown() {
    local status=$?
    trap - EXIT INT TERM HUP
    if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
        # SIGTERM asks nspawn for an orderly shutdown of the inner systemd.
        kill -TERM "$nspawn_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$nspawn_pid" 2>/dev/null; then
            echo "sandbox: $name did not stop in 10 s, killing it" >&2
            kill -KILL "$nspawn_pid" 2>/dev/null || true
            # Whatever is left of the inner tree dies with it.
            pkill -KILL -s "$nspawn_pid" 2>/dev/null || true
            wait "$nspawn_pid" 2>/dev/null || true
        fi
    fi
    if mountpoint -q "$root" 2>/dev/null; then umount -l "$root" || echo "sandbox: umount $root failed" >&2; fi
    if [ "${status}" != 0 ] && [ -z "$command_ran" ] && [ -s "$log" ]; then
        echo "sandbox: last lines of nspawn's log ($name):" >&2; tail -n 15 "$log" >&2 || true
    fi
    rm -rf "$base" "$state"
    exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mkdir -p "$root" "$state/lib"
mount --bind / "$root"
mount --make-private "$root"

# journald's rate limit would drop lines of tests that count them (docs/platform-facts.md).
binds+=("--bind-ro=$here/journald-tests.conf:/etc/systemd/journald.conf.d/90-podunits-tests.conf")
# Pod state needs a real filesystem: an overlayfs upper directory cannot live on the
# sandbox's own overlay root.
binds+=("--bind=$state/lib:/var/lib/podunits")

env ${nspawn_env[@]+"${nspawn_env[@]}"} setsid systemd-nspawn -q -D "$root" --volatile=overlay --register=no --keep-unit --boot \
    -M "$name" "${network[@]}" --bind="$checkout" "${binds[@]}" \
    systemd.mask=postgresql.service systemd.mask=docker.service systemd.mask=containerd.service systemd.mask=docker-registry.service \
    </dev/null >"$log" 2>&1 &
nspawn_pid=$!

# The trap cannot run when this script is SIGKILLed (a CI timeout, a killed tool): a
# reaper in a session of its own waits for the script to go and then tears the sandbox
# down as the trap would have, unless the trap already did (it removes $base last). A
# leftover sandbox keeps its pods running, and on hybrid cgroup hosts the v1 hierarchies
# are shared, so it would break later sandboxes' pods of the same name.
setsid bash -c '
    script=$1 nspawn=$2 root=$3 base=$4 state=$5
    tail --pid="$script" -f /dev/null
    [ -d "$base" ] || exit 0
    if [ "$(cat /proc/"$nspawn"/comm 2>/dev/null)" = systemd-nspawn ]; then
        kill -TERM "$nspawn"
        for _ in $(seq 1 100); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$nspawn" 2>/dev/null && pkill -KILL -s "$nspawn"
    fi
    mountpoint -q "$root" && umount -l "$root"
    rm -rf "$base" "$state"' sandbox-reaper "$$" "$nspawn_pid" "$root" "$base" "$state" </dev/null >/dev/null 2>&1 &

# PID 1 of the sandbox is the systemd below nspawn: its child, or its grandchild when
# setsid had to fork.
find_inner() {
    local child grandchild
    for child in $(pgrep -P "$nspawn_pid" || true); do
        [ "$(cat /proc/"$child"/comm 2>/dev/null)" = systemd ] && { echo "$child"; return; }
        for grandchild in $(pgrep -P "$child" || true); do
            [ "$(cat /proc/"$grandchild"/comm 2>/dev/null)" = systemd ] && { echo "$grandchild"; return; }
        done
    done
    # Not there yet (nspawn is still setting up): say nothing, and succeed, or `set -e`
    # would end this script at `inner=$(find_inner)` without a word (seen under load).
    return 0
}
inner=""
for _ in $(seq 1 300); do
    kill -0 "$nspawn_pid" 2>/dev/null || { echo "sandbox: systemd-nspawn exited early" >&2; exit 1; }
    [ -n "$inner" ] || inner=$(find_inner)
    if [ -n "$inner" ]; then
        state_now=$(nsenter -t "$inner" -a systemctl is-system-running 2>/dev/null || true)
        case $state_now in running|degraded) break;; esac
    fi
    sleep 0.1
done
case ${state_now:-} in
    running|degraded) ;;
    *) echo "sandbox: $name did not come up in 30 s (state: ${state_now:-none})" >&2; exit 1;;
esac

# nspawn mounts the cgroup v1 controllers read-only (hybrid hosts like this one), so the
# inner systemd would report limits it never applies. Writes stay inside the sandbox's
# own cgroup subtree (it has its own cgroup namespace); re-exec makes systemd see them rw.
if nsenter -t "$inner" -a sh -c 'grep -q " /sys/fs/cgroup/memory .*ro," /proc/self/mountinfo' 2>/dev/null; then
    nsenter -t "$inner" -a sh -c 'for c in /sys/fs/cgroup/*; do
        [ -d "$c" ] && [ "$c" != /sys/fs/cgroup/unified ] && [ "$c" != /sys/fs/cgroup/systemd ] &&
            mount -o remount,bind,rw "$c" 2>/dev/null; done; systemctl daemon-reexec' ||
        echo "sandbox: could not make the cgroup controllers writable; limits will not apply" >&2
fi

# The command runs in the background so that a signal to this script interrupts `wait`
# at once and the trap tears everything down (bash defers traps during a foreground
# child). Its standard input is passed on explicitly: background jobs get /dev/null.
set +e
command_ran=1
nsenter -t "$inner" -a --wd="$checkout" \
    env SANDBOX_NAME="$name" PODUNITS_SANDBOX=1 \
    systemd-run --scope --quiet --collect --unit="sandbox-cmd-$$" -- "$@" <&0 &
wait $!
status=$?
set -e
exit "$status"
