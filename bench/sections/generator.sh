#!/usr/bin/env bash
# 6. Generator: podunits-generator over 1,000 pod definitions vs a C generator doing the
#    same kind of file-to-unit work: systemd-sysv-generator over 1,000 init scripts
#    (Debian's podman 4.3.1 predates Quadlet; see FACTS.md).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
count=${BENCH_GENERATOR_FILES:-1000}
work=$(mktemp -d)
mkdir -p "$work/pods" "$work/init.d" "$work/rc" "$work/out-p" "$work/out-s"
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
done
for level in 2 3 4 5; do
    mkdir -p "$work/rc/rc$level.d"
    for i in $(seq 1 "$count"); do ln -s "../init.d/gen$i" "$work/rc/rc$level.d/S01gen$i"; done
done
alternate generator "1,000 files" \
    "podunits-generator" "rm -rf $work/out-p/*; /usr/lib/systemd/system-generators/podunits-generator $work/out-p $work/out-p $work/out-p" \
    "systemd-sysv-generator" "rm -rf $work/out-s/*; SYSTEMD_SYSVINIT_PATH=$work/init.d SYSTEMD_SYSVRCND_PATH=$work/rc /lib/systemd/system-generators/systemd-sysv-generator $work/out-s $work/out-s $work/out-s"
echo "  (podunits output: $(find "$work/out-p" -type f | wc -l) files; sysv output: $(find "$work/out-s" -name '*.service' | wc -l) units)"
rm -f /run/podunits/pods/gen*.yaml; rm -rf "$work"
