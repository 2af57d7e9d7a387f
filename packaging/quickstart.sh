#!/usr/bin/env bash
# The README's quick start: on a fresh Debian 12 machine, as root, install what is
# missing, build and install PodUnits.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ "$(id -u)" = 0 ] || { echo "quickstart: run as root" >&2; exit 2; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends systemd-container busybox-static dbus iproute2 >/dev/null
packaging/install.sh
echo "PodUnits is installed: /usr/bin/podunits, pod@.service, the generator."
echo "Running the example pod is not possible yet: the executor has not landed."
