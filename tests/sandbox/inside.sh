#!/usr/bin/env bash
# Runs inside the sandbox host (see sandbox.sh): installs the freshly built PodUnits into
# the sandbox's throwaway root exactly as a package would, then runs the integration tests.
#
#   tests/sandbox/inside.sh RESULTS_DIR [dotnet test options...]
set -euo pipefail
results=$1; shift
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

# The sandbox is a booted host: a container image's build-time policy (Debian's Docker
# images install a policy-rc.d that forbids every service start, as this CI machine's
# has) is not its administrator's, and the package's scripts honour it.
rm -f /usr/sbin/policy-rc.d
packaging/install.sh --no-build >/dev/null
systemctl daemon-reload
systemd-tmpfiles --create /usr/lib/tmpfiles.d/podunits.conf
# `image: busybox` pods run this image: the sandbox has no route to Docker Hub.
packaging/busybox-image.sh >/dev/null

exec dotnet test tests/PodUnits.IntegrationTests --no-build -c Debug --nologo "$@" \
    --logger "trx;LogFileName=integration.trx" --results-directory "$results"
