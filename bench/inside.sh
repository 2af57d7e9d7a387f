#!/usr/bin/env bash
# Runs inside the sandbox host (bench/run.sh starts it): installs PodUnits, sets the peers
# up the way docs/platform-facts.md found they work here, then runs each section.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export BENCH_RESULTS=$1 BENCH_RUNS=$2 PODUNITS_BENCH_INSIDE=1; shift 2
export BENCH_ROOTFS=/var/lib/podunits/bench/busybox-rootfs

packaging/install.sh --no-build >/dev/null
systemctl daemon-reload
systemd-tmpfiles --create /usr/lib/tmpfiles.d/podunits.conf

# A busybox root filesystem all contenders start: PodUnits (dir: image), nspawn, podman.
mkdir -p "$BENCH_ROOTFS/bin" "$BENCH_ROOTFS/usr" "$BENCH_ROOTFS/etc"
cp /bin/busybox "$BENCH_ROOTFS/bin/"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$BENCH_ROOTFS/bin/$applet"
done
touch "$BENCH_ROOTFS/etc/os-release"

# podman 4.3.1 in this sandbox (docs/platform-facts.md): crun without cgroups (v1 controllers are
# read-only inside), no keyring, storage on ext4 with the vfs driver (its overlay check
# fails here), and launched from / (conmon fails in a bind-mounted working directory).
mkdir -p /etc/containers
cat >/etc/containers/containers.conf <<'CONF'
[containers]
keyring = false
cgroups = "disabled"
[engine]
runtime = "crun"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
cat >/etc/containers/storage.conf <<'CONF'
[storage]
driver = "vfs"
graphroot = "/var/lib/podunits/bench/podman"
runroot = "/run/containers/storage"
CONF
(cd / && tar -C "$BENCH_ROOTFS" -c . | podman import -q - localhost/busybox:bench >/dev/null)

# A section that hangs must not take the others with it, and one that fails or times out
# must not leave its pods, units, containers, background processes or configuration to
# the sections after it (they would count its executors, its CPU, its definitions).
limit=${BENCH_SECTION_TIMEOUT:-1200}
snapshot=$(mktemp -d)
mkdir -p /run/podunits/pods
for d in /etc/podunits /etc/containers /run/podunits/pods; do cp -a "$d" "$snapshot/${d//\//_}"; done
# run_section DIR COMMAND...: COMMAND in DIR under the time limit. timeout puts it in a
# process group of its own: whatever it started in the background (a registry, a sampler)
# and left running ends with it.
run_section() {
    local rc=0 pid
    (cd "$1" && shift && exec timeout "$limit" "$@") & pid=$!
    wait "$pid" || rc=$?
    kill -- "-$pid" 2>/dev/null || true
    return "$rc"
}
# settle: every pod, bench unit and podman container stopped, the configuration as it was
# before the first section.
settle() {
    local d
    systemctl stop 'pod@*.service' 'podunits-*.scope' 'bench-*' >/dev/null 2>&1 || true
    podman pod rm -af -t 0 >/dev/null 2>&1 || true
    podman rm -af -t 0 >/dev/null 2>&1 || true
    rm -rf /run/systemd/system/pod@*.service.d
    for d in /etc/podunits /etc/containers /run/podunits/pods; do rm -rf "$d"; cp -a "$snapshot/${d//\//_}" "$d"; done
    systemctl daemon-reload
    systemctl reset-failed >/dev/null 2>&1 || true
}
failed=()
for section in "$@"; do
    echo "== $section"
    why=""
    if [ -x "bench/sections/$section.sh" ]; then
        run_section / "$PWD/bench/sections/$section.sh" || why="failed or timed out"
    elif [ -x "bench/$section/run.sh" ]; then
        run_section "$PWD" "bench/$section/run.sh" || why="failed or timed out"
    else
        why="no such section"
    fi
    if [ -n "$why" ]; then
        # A row the report shows (and does not carry into later reports): the section's
        # other rows, if any, are what it recorded before it stopped.
        echo "bench: section $section: $why" >&2
        printf '%s\tbench\tsection failed\t-\tnan\tnan\tnan\tnan\tnan\t0\t%s (bench/inside.sh); any other rows of it are what it recorded before\n' \
            "$section" "$why" >>"$BENCH_RESULTS"
        failed+=("$section")
    fi
    settle
done
rm -rf "$snapshot"
[ ${#failed[@]} -eq 0 ] || { echo "bench: sections failed: ${failed[*]}" >&2; exit 1; }
