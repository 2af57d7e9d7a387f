#!/usr/bin/env bash
# The rkt demo's cost (issue 21): from `podunits run -it ... -- true` to its exit, on a real
# terminal (script(1) gives each contender the same pseudo-terminal), beside `podman run -it`
# and `systemd-nspawn` (which allocates a pseudo-terminal of its own on a terminal) of the
# same root, in one run. Host network for all: what is compared is the terminal path, not
# CNI (the network section measures that). podman's default network is shown beside it.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
rootfs=$BENCH_ROOTFS

echo "run -it to exit on a terminal (ms, lower is better)"
alternate interactive wall \
    "podunits run -it" "script -qec 'podunits run -it --net host dir:$rootfs -- /bin/true' /dev/null" \
    "podman run -it --rm (host network)" "script -qec 'podman run -it --rm --network=host localhost/busybox:bench true' /dev/null" \
    "podman run -it --rm (default network)" "script -qec 'podman run -it --rm localhost/busybox:bench true' /dev/null" \
    "systemd-nspawn (its own pty)" "script -qec 'systemd-nspawn -q --register=yes -D $rootfs /bin/true' /dev/null" \
    "floor: script true" "script -qec true /dev/null"
