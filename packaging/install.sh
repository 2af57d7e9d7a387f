#!/usr/bin/env bash
# Installs PodUnits in the layout of docs/design.md ("Installed layout"), building the release
# binaries first if needed. rpm.spec and the .deb build use this script too.
#
#   packaging/install.sh [--destdir DIR] [--no-build]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
destdir=""
build=1
while [ $# -gt 0 ]; do
    case $1 in
        --destdir) destdir=${2%/}; shift 2;;
        --no-build) build=""; shift;;
        -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
        *) echo "install.sh: unknown option $1" >&2; exit 2;;
    esac
done
[ -z "$build" ] || packaging/build-release.sh
bin=artifacts/publish/podunits
stage1=artifacts/publish/podunits-stage1
for f in "$bin" "$stage1"; do
    [ -x "$f" ] || { echo "install.sh: $f missing (run packaging/build-release.sh)" >&2; exit 1; }
done

d=$destdir
install -D -m 0755 "$bin" "$d/usr/bin/podunits"
# What runs while a pod runs (the executor after planning, the pod init): a small helper
# `podunits run` execs, beyond docs/design.md's layout (docs/process-model.md).
install -D -m 0755 "$stage1" "$d/usr/libexec/podunits/podunits-stage1"
# The generator is the same executable under another name (it looks at argv[0]).
install -d "$d/usr/lib/systemd/system-generators"
ln -sf ../../../bin/podunits "$d/usr/lib/systemd/system-generators/podunits-generator"
install -D -m 0644 units/pod@.service "$d/usr/lib/systemd/system/pod@.service"
install -D -m 0644 docs/process-model.md "$d/usr/share/doc/podunits/process-model.md"
install -D -m 0644 docs/packaging.md "$d/usr/share/doc/podunits/packaging.md"
install -D -m 0644 docs/trust.md "$d/usr/share/doc/podunits/trust.md"
# `podunits auto-update`, daily once an administrator enables the timer (docs/trust.md).
install -D -m 0644 units/podunits-auto-update.service "$d/usr/lib/systemd/system/podunits-auto-update.service"
install -D -m 0644 units/podunits-auto-update.timer "$d/usr/lib/systemd/system/podunits-auto-update.timer"
install -D -m 0644 docs/podunits.1 "$d/usr/share/man/man1/podunits.1"
install -D -m 0644 packaging/completions/podunits.bash "$d/usr/share/bash-completion/completions/podunits"
install -D -m 0644 packaging/tmpfiles.conf "$d/usr/lib/tmpfiles.d/podunits.conf"
for f in packaging/catalog/*.catalog; do
    [ -e "$f" ] && install -D -m 0644 "$f" "$d/usr/lib/systemd/catalog/$(basename "$f")"
done
# For other packages' specs: %podunits_post/%podunits_preun/%podunits_postun (docs/packaging.md).
install -D -m 0644 packaging/rpm/macros.podunits "$d/usr/lib/rpm/macros.d/macros.podunits"
# The default CNI network (docs/networking.md); /etc/podunits/net.d overrides it.
install -D -m 0644 packaging/net.d/podunits.conflist "$d/usr/lib/podunits/net.d/podunits.conflist"
install -d -m 0755 "$d/etc/podunits/pods" "$d/usr/lib/podunits/pods" "$d/run/podunits/pods" "$d/etc/podunits/net.d" \
    "$d/etc/podunits/configmaps" "$d/usr/lib/podunits/configmaps"
# Root's only, as `podunits secret create` makes it: file names say what a host keeps secret.
install -d -m 0700 "$d/etc/podunits/secrets" "$d/usr/lib/podunits/secrets"
install -d -m 0700 "$d/var/lib/podunits" "$d/var/lib/podunits/pods" "$d/run/podunits/state" "$d/run/podunits/secrets"     "$d/var/cache/podunits"
# Every directory tmpfiles.d/podunits.conf makes is the packages' too, so `rpm -qf` and
# `rpm -V` vouch for them and their modes (packaging review of 2026-12-07, finding 6).
install -d -m 0755 "$d/var/lib/podunits/seccomp"
if [ ! -e "$d/etc/podunits/registries.yaml" ]; then
    install -D -m 0644 packaging/registries.yaml "$d/etc/podunits/registries.yaml"
fi
# Installed on this system (not staged for a package, whose scripts do it): rebuild
# journald's catalog, so `journalctl -x` explains PodUnits' messages.
if [ -z "$destdir" ] && command -v journalctl >/dev/null; then
    journalctl --update-catalog >/dev/null 2>&1 || echo "install.sh: journalctl --update-catalog failed; journalctl -x will not explain PodUnits' messages" >&2
fi
