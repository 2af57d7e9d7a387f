#!/usr/bin/env bash
# 9. Security: issue 16's hostile container. tests/hostile/escape-probe.c tries each way
#    out to the host (one line per check) under `podman run` with podman's default profile
#    and under a PodUnits pod with the default securityContext, both from the same busybox
#    root filesystem, plus the sandbox host itself without any container as a reference.
#    Writes docs/security.md (one row per check); records no timings.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
repo=$(dirname "$here")
work=/var/lib/podunits/bench/security
bin=$work/bin
doc=$repo/docs/security.md
rm -rf "$work"
mkdir -p "$work"
"$repo/tests/hostile/build.sh" "$bin"

# What the probe needs (see escape-probe.c): a block device of this machine's disk, from
# the first disk filesystem mounted here (as the integration tests find it), and a host
# process outside any container.
root_dev=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break }
    $(i + 1) ~ /^(ext[234]|xfs)$/ && $(i + 2) ~ /^\/dev\// && $3 !~ /^0:/ { print $3; exit }' /proc/self/mountinfo)
[ -n "$root_dev" ] || { echo "security: no disk filesystem mounted" >&2; exit 1; }
# An unbound loop device (no loop/ in sysfs, size 0), the highest-numbered: opening and
# reading one changes nothing, and this machine's root may open it.
loop_dev=""
for d in $(ls -d /sys/block/loop* 2>/dev/null | sort -V -r); do
    [ ! -d "$d/loop" ] && [ "$(cat "$d/size")" = 0 ] && { loop_dev=$(cat "$d/dev"); break; }
done
# The host's /dev/null (st_dev:st_ino, decimal): a chmod of it from a container is an escape.
dev_null=$(stat -c %d:%i /dev/null)
sleep 600 &
outsider=$!
trap 'kill "$outsider" 2>/dev/null || true; rm -f /etc/podunits/pods/benchsec.yaml' EXIT

echo "escape probe: podman run (default profile)"
# The bench's containers.conf turns podman's cgroups off for the timing sections; here they
# are on (cgroupfs, as docs/platform-facts.md found works in the sandbox), so podman's default device
# rules apply as they do on a real host.
podman_cmd="podman --cgroup-manager=cgroupfs run --rm --cgroups=enabled -v $bin:/probe:ro -e HOSTILE_ROOT_DEV=$root_dev -e HOSTILE_LOOP_DEV=$loop_dev -e HOSTILE_HOST_PID=$outsider -e HOSTILE_DEV_NULL=$dev_null localhost/busybox:bench /probe/escape-probe"
# podman and the reference run below start from the sandbox's systemd, as the pod does, so
# all three have its capability bounding set.
systemd-run --wait --pipe -q --collect $podman_cmd >"$work/podman.txt" 2>"$work/podman.err" ||
    echo "    podman run failed: $(head -c 300 "$work/podman.err")" >&2

echo "escape probe: PodUnits pod (default securityContext)"
cat >"$work/benchsec.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: benchsec}
spec:
  restartPolicy: Never
  volumes:
  - {name: probe, hostPath: {path: $bin}}
  containers:
  - name: main
    image: "dir:$BENCH_ROOTFS"
    command: ["/probe/escape-probe"]
    env:
    - {name: HOSTILE_ROOT_DEV, value: "$root_dev"}
    - {name: HOSTILE_LOOP_DEV, value: "$loop_dev"}
    - {name: HOSTILE_HOST_PID, value: "$outsider"}
    - {name: HOSTILE_DEV_NULL, value: "$dev_null"}
    volumeMounts:
    - {name: probe, mountPath: /probe, readOnly: true}
YAML
cp "$work/benchsec.yaml" /etc/podunits/pods/benchsec.yaml
systemctl daemon-reload
since=$(date '+%Y-%m-%d %H:%M:%S')
systemctl start pod@benchsec || echo "    systemctl start pod@benchsec failed" >&2
podunits_lines() { journalctl -q --no-pager -o cat -u pod@benchsec CONTAINER_NAME=main --since "$since"; }
for _ in $(seq 1 300); do
    podunits_lines | grep -q '^probe done:' && break
    case $(systemctl show -p ActiveState --value pod@benchsec) in failed|inactive) sleep 1; break;; esac
    sleep 0.1
done
podunits_lines >"$work/podunits.txt"
systemctl stop pod@benchsec 2>/dev/null || true
systemctl reset-failed pod@benchsec 2>/dev/null || true

echo "escape probe: the sandbox host itself, no container (reference)"
systemd-run --wait --pipe -q --collect -E HOSTILE_ROOT_DEV="$root_dev" -E HOSTILE_LOOP_DEV="$loop_dev" \
    -E HOSTILE_HOST_PID="$outsider" -E HOSTILE_DEV_NULL="$dev_null" "$bin/escape-probe" >"$work/host.txt" 2>&1 || true

for who in podman podunits host; do
    echo "  $who: $(grep -c '^check ' "$work/$who.txt" || true) checks, $(grep -c ': ESCAPED' "$work/$who.txt" || true) escaped"
done
"$here/security-report.sh" "$work" "$podman_cmd" >"$doc"
echo "security: wrote docs/security.md"
