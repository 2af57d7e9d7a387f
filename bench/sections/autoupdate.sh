#!/usr/bin/env bash
# Issue 23's benchmark: `podunits auto-update` over 20 running pods whose images have
# nothing new (one HEAD request each to a local registry), beside `podman auto-update` over
# 20 running containers of the same image with io.containers.autoupdate=registry, in one
# run. Both ask the same docker-registry on loopback; both leave everything as it is.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
count=${BENCH_AUTOUPDATE_PODS:-20}
dir=$(mktemp -d)
port=5123
host=127.0.0.1:$port
image=$host/bench/busybox:1

cat >"$dir/registry.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $dir/storage}}
http: {addr: $host}
YAML
docker-registry serve "$dir/registry.yml" >/dev/null 2>&1 & registry=$!
for _ in $(seq 100); do curl -fs "http://$host/v2/" >/dev/null && break; sleep 0.1; done
printf 'insecure: ["%s"]\n' "$host" >/etc/podunits/registries.yaml
mkdir -p /etc/containers/registries.conf.d
printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$host" >/etc/containers/registries.conf.d/bench-autoupdate.conf
podman push -q --tls-verify=false localhost/busybox:bench "$image"
podman pull -q --tls-verify=false "$image" >/dev/null

for i in $(seq 1 "$count"); do
    cat >"/etc/podunits/pods/au$i.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: au$i
  annotations: {podunits.io/auto-update: registry}
spec:
  hostNetwork: true
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: "$image", command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]}
YAML
    # podman auto-update needs the unit label (what `podman generate systemd --new` sets);
    # with nothing to update it never touches the unit.
    podman run -d -q --network=host --name "au$i" --label io.containers.autoupdate=registry \
        --label PODMAN_SYSTEMD_UNIT="podman-au$i.service" "$image" sleep infinity >/dev/null
done
systemctl daemon-reload
# Wait for these jobs only: a bare `wait` would wait for the registry too.
pids=(); for i in $(seq 1 "$count"); do systemctl start "pod@au$i" & pids+=($!); done; wait "${pids[@]}"
echo "  $(systemctl list-units --state=active --plain --no-legend 'pod@au*' | wc -l) pods active, $(podman ps -q --filter label=io.containers.autoupdate | wc -l) podman containers running"

echo "auto-update with nothing to update, $count pods / containers (ms, lower is better)"
alternate autoupdate wall \
    "podunits auto-update ($count pods)" "podunits auto-update" \
    "podman auto-update ($count containers)" "podman auto-update" \
    "podunits auto-update --dry-run ($count pods)" "podunits auto-update --dry-run"

# What both said, once: nothing updated.
podunits auto-update | tail -n +2 | awk '{print $NF}' | sort | uniq -c | sed 's/^/  podunits: /'
podman auto-update --format '{{.Updated}}' | sort | uniq -c | sed 's/^/  podman updated=/'

pids=(); for i in $(seq 1 "$count"); do systemctl stop "pod@au$i" & pids+=($!); done; wait "${pids[@]}"
for i in $(seq 1 "$count"); do rm -f "/etc/podunits/pods/au$i.yaml"; done
podman rm -f -t 0 $(podman ps -aq --filter label=io.containers.autoupdate) >/dev/null
systemctl daemon-reload
rm -f /etc/containers/registries.conf.d/bench-autoupdate.conf
kill "$registry"; rm -rf "$dir"
