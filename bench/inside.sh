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

# A section that hangs must not take the others with it.
limit=${BENCH_SECTION_TIMEOUT:-1200}
for section in "$@"; do
    echo "== $section"
    if [ -x "bench/sections/$section.sh" ]; then
        (cd / && timeout "$limit" "$OLDPWD/bench/sections/$section.sh") || echo "bench: section $section failed or timed out" >&2
    elif [ -x "bench/$section/run.sh" ]; then
        timeout "$limit" "bench/$section/run.sh" || echo "bench: section $section failed or timed out" >&2
    else
        echo "bench: no section $section" >&2
    fi
done
