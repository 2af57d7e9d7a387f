#!/usr/bin/env bash
# 6. Generator: podunits-generator over 1,000 pod definitions vs podman's Quadlet over
#    1,000 equivalent .container files (Quadlet 5.4 from Debian 13's podman package, see
#    bench/peers/fetch-quadlet.sh; $BENCH_QUADLET), and, as a C reference doing the same
#    kind of file-to-unit work, systemd-sysv-generator over 1,000 init scripts.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
count=${BENCH_GENERATOR_FILES:-1000}
work=$(mktemp -d)
mkdir -p "$work/pods" "$work/init.d" "$work/rc" "$work/out-p" "$work/out-s" "$work/quadlet" "$work/out-q"
for i in $(seq 1 "$count"); do
    cat >"/run/podunits/pods/gen$i.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: gen$i
  annotations: {podunits.io/autostart: "true"}
spec:
  restartPolicy: Always
  terminationGracePeriodSeconds: 10
  containers:
  - name: web
    image: busybox:1.36
    command: ["httpd", "-f", "-p", "8080"]
    ports: [{containerPort: 8080}]
    resources: {limits: {memory: 64Mi, cpu: 250m}}
YAML
    cat >"$work/init.d/gen$i" <<SCRIPT
#!/bin/sh
### BEGIN INIT INFO
# Provides:          gen$i
# Required-Start:    \$network \$remote_fs
# Required-Stop:     \$network \$remote_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Description:       generated service $i
### END INIT INFO
exec /bin/true
SCRIPT
    chmod +x "$work/init.d/gen$i"
    cat >"$work/quadlet/gen$i.container" <<UNIT
[Unit]
Description=gen$i

[Container]
Image=busybox:1.36
Exec=httpd -f -p 8080
PublishPort=8080:8080
PodmanArgs=--memory=64m --cpus=0.25

[Service]
Restart=always
TimeoutStopSec=10

[Install]
WantedBy=multi-user.target
UNIT
done
for level in 2 3 4 5; do
    mkdir -p "$work/rc/rc$level.d"
    for i in $(seq 1 "$count"); do ln -s "../init.d/gen$i" "$work/rc/rc$level.d/S01gen$i"; done
done
alternate generator "1,000 files" \
    "podunits-generator" "rm -rf $work/out-p/*; /usr/lib/systemd/system-generators/podunits-generator $work/out-p $work/out-p $work/out-p" \
    "podman quadlet" "rm -rf $work/out-q/*; QUADLET_UNIT_DIRS=$work/quadlet $BENCH_QUADLET $work/out-q $work/out-q $work/out-q" \
    "systemd-sysv-generator (C reference)" "rm -rf $work/out-s/*; SYSTEMD_SYSVINIT_PATH=$work/init.d SYSTEMD_SYSVRCND_PATH=$work/rc /lib/systemd/system-generators/systemd-sysv-generator $work/out-s $work/out-s $work/out-s"
echo "  (output: podunits $(find "$work/out-p" -type f | wc -l) drop-ins, quadlet $(find "$work/out-q" -name '*.service' -type f | wc -l) units, sysv $(find "$work/out-s" -name '*.service' | wc -l) units)"
rm -f /run/podunits/pods/gen*.yaml; rm -rf "$work"
