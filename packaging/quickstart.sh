#!/usr/bin/env bash
# The README's quick start: on a fresh Debian 12 machine, as root, install what is missing,
# build and install PodUnits, then start the example pod and show it. Where PID 1 is not
# systemd (a container, a CI machine), the pod runs inside the throwaway systemd host of
# tests/sandbox/sandbox.sh instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ "$(id -u)" = 0 ] || { echo "quickstart: run as root" >&2; exit 2; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# containernetworking-plugins and iptables: the default pod network; libnss-mymachines: pod names on the host.
apt-get install -y -qq --no-install-recommends systemd-container busybox-static dbus iproute2 \
    containernetworking-plugins iptables libnss-mymachines >/dev/null
packaging/install.sh

demo='
set -e
install -m 0644 examples/hello.yaml /etc/podunits/pods/hello.yaml
systemctl daemon-reload
systemctl start pod@hello
sleep 1
echo "\$ machinectl list"; machinectl list --no-pager
echo "\$ journalctl -M hello"; journalctl -M hello --no-pager -q | tail -n 5
echo "\$ systemctl status pod@hello"; systemctl status pod@hello --no-pager | head -n 12 || true
systemctl stop pod@hello
'
if [ "$(cat /proc/1/comm)" = systemd ]; then
    # examples/hello.yaml runs busybox: pulled from Docker Hub when reachable, else this
    # local build of it is used (see docs/process-model.md, "Images").
    packaging/busybox-image.sh
    bash -c "$demo"
else
    echo "PID 1 is not systemd here: running the example inside a sandbox systemd host."
    tests/sandbox/sandbox.sh -- bash -c "packaging/install.sh --no-build >/dev/null; packaging/busybox-image.sh; $demo"
fi
