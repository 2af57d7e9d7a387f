#!/usr/bin/env bash
# The one benchmark command. As root on Debian 12: installs the peers (podman, crun,
# conmon, skopeo, hyperfine...), builds PodUnits, boots the same throwaway systemd host the
# integration tests use, measures PodUnits side by side with its peers (contenders
# take turns run by run, in an order rotated every round) and writes docs/benchmarks.md
# plus docs/benchmarks-*.svg. The security section (issue 16's escape probe under podman
# and PodUnits) runs in a sandbox of its own and writes docs/security.md instead.
#
#   bench/run.sh [--runs N] [SECTION...]     sections: start logs memory scale generator images definitions confinement userns configuration network interactive autoupdate density security
#                                           health only when named (50 podman healthchecks at 1 s need more than 2 cores)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=15
sections=()
while [ $# -gt 0 ]; do
    case $1 in
        --runs) runs=$2; shift 2;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
        *) sections+=("$1"); shift;;
    esac
done
[ ${#sections[@]} -gt 0 ] || sections=(start logs memory scale generator images definitions confinement userns configuration network interactive autoupdate density security)
timed=()      # sections that feed docs/benchmarks.md
security=""
for s in "${sections[@]}"; do if [ "$s" = security ]; then security=1; else timed+=("$s"); fi; done
wants() { local s; for s in "${timed[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }
[ "$(id -u)" = 0 ] || { echo "bench: run as root" >&2; exit 2; }
command -v dotnet >/dev/null || { echo "bench: the .NET 10 SDK (global.json) must be on PATH" >&2; exit 2; }

need=()
# Everything the sections call that a minimal Debian 12 may lack: python3 (images: a free
# port, the OCI layout and its JSON) with python3-yaml (definitions: the CSafeLoader floor),
# procps (pgrep: memory, scale, density, health), the rest as named. The .NET 10 SDK
# (global.json) must be on PATH already: PodUnits and the definitions helper are built here.
for pkg in systemd-container busybox-static dbus iproute2 podman crun conmon skopeo docker-registry hyperfine libsystemd-dev gcc libc6-dev \
    containernetworking-plugins iptables iperf3 curl jq catatonit python3 python3-yaml procps; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "bench: installing ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
packaging/build-release.sh
# Podman's Quadlet for the generator section (Debian 12's podman predates it).
export BENCH_QUADLET=""
if wants generator; then BENCH_QUADLET=$(bench/peers/fetch-quadlet.sh "$PWD/artifacts/bench/peers"); fi
# Built here, where the SDK's caches are warm, not inside the sandbox.
if wants definitions; then
    dotnet publish bench/definitions/PodUnits.Bench.Definitions -c Release -o artifacts/bench/definitions/bin \
        --nologo -warnaserror -clp:NoSummary -p:DebugType=none >/dev/null
fi

status=0
if [ ${#timed[@]} -gt 0 ]; then
    out=artifacts/bench
    mkdir -p "$out"
    results="$PWD/$out/results.tsv"
    : >"$results"; : >"$results.commands"
    # A section that failed is a row of the report and the run's exit status, after the
    # report is written. Without nspawn's own system call filter (--no-seccomp), as the
    # integration tests run: a real host has none, and nspawn's refuses keyctl, which every
    # container's start calls for a session keyring of its own (as runc and crun do).
    tests/sandbox/sandbox.sh --no-seccomp -- env BENCH_QUADLET="$BENCH_QUADLET" BENCH_SECTION_TIMEOUT="${BENCH_SECTION_TIMEOUT:-1200}" BENCH_HEALTH_PODS="${BENCH_HEALTH_PODS:-}" BENCH_HEALTH_SECONDS="${BENCH_HEALTH_SECONDS:-}" bench/inside.sh "$results" "$runs" "${timed[@]}" || status=$?
    # --merge always: the sections this run did not measure (health after a full run, or
    # every other one after a run of some) keep their rows, labelled as carried over.
    bench/report.sh "$results" "$runs" --merge
    echo "bench: wrote docs/benchmarks.md"
fi
if [ -n "$security" ]; then
    # Without nspawn's own system call filter (sandbox.sh --no-seccomp): the table compares
    # what podman and PodUnits install themselves, as on a real host. No timings recorded.
    tests/sandbox/sandbox.sh --no-seccomp -- bench/inside.sh /dev/null 1 security || status=$?
fi
exit "$status"
