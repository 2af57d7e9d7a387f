#!/usr/bin/env bash
# Podman's Quadlet generator for the generator benchmark. Debian 12's podman (4.3.1)
# predates Quadlet (podman 4.4), so this takes /usr/libexec/podman/quadlet out of Debian
# 13's podman package, from Debian's own archive, without installing that package: the
# binary needs only libc and runs on Debian 12. Prints the path of the binary.
#   bench/peers/fetch-quadlet.sh DIR
set -euo pipefail
dir=$1
bin="$dir/quadlet"
if [ -x "$bin" ]; then echo "$bin"; exit 0; fi
apt=$(mktemp -d)
trap 'rm -rf "$apt"' EXIT
mkdir -p "$apt/lists/partial" "$dir"
echo "deb http://deb.debian.org/debian trixie main" >"$apt/sources.list"
opts=(-o APT::Sandbox::User=root -o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache::archives=$apt")
apt-get "${opts[@]}" update -qq >&2
(cd "$apt" && apt-get "${opts[@]}" download podman >&2)
dpkg-deb -x "$apt"/podman_*.deb "$apt/root"
install -m 0755 "$apt/root/usr/libexec/podman/quadlet" "$bin"
"$bin" -version >&2
echo "$bin"
