#!/usr/bin/env bash
# Builds the .rpm (rpmbuild from rpm.spec) and the .deb into OUTDIR. Both take their files
# from packaging/install.sh, so the two packages cannot drift apart.
#
#   packaging/build-packages.sh [--no-build] OUTDIR
# --no-build packages the binaries already in artifacts/publish (tests use it).
set -euo pipefail
build=1
[ "${1:-}" = --no-build ] && { build=""; shift; }
[ $# -eq 1 ] || { echo "usage: packaging/build-packages.sh [--no-build] OUTDIR" >&2; exit 2; }
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$(mkdir -p "$1" && cd "$1" && pwd)
version=${PODUNITS_VERSION:-0.1.0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -z "$build" ] || packaging/build-release.sh
[ -x artifacts/publish/podunits ] || { echo "build-packages: artifacts/publish/podunits missing" >&2; exit 1; }

# RPM: _sourcedir is the checkout; rpmbuild's own tree lives in a temporary top dir.
rpmbuild -bb rpm.spec --quiet \
    --define "_topdir $work/rpm" --define "_sourcedir $PWD" --define "pkg_version $version" \
    --define "_rpmdir $out" --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm"

# .deb: the same install script into a staging root, plus the maintainer scripts.
root=$work/deb
packaging/install.sh --no-build --destdir "$root"
rm -rf "$root/run"   # /run is a tmpfs: systemd-tmpfiles creates it at boot (podunits.conf)
install -d "$root/DEBIAN"
# The architecture the binaries were built for: build-release.sh publishes for this host's.
arch=$(dpkg --print-architecture)
# control's Depends: has systemd-container (machined: a pod whose registration fails stops,
# so without it no pod runs; a Recommends is skipped by --no-install-recommends) and the
# system bus it needs (packaging review of 2026-12-07, finding 2). A binary control file
# takes no comments, hence this one here.
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" packaging/deb/control >"$root/DEBIAN/control"
install -m 0644 packaging/deb/conffiles "$root/DEBIAN/conffiles"
install -m 0644 packaging/deb/triggers "$root/DEBIAN/triggers"
for script in postinst prerm postrm; do
    install -m 0755 "packaging/deb/$script" "$root/DEBIAN/$script"
done
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/podunits_${version}_${arch}.deb" >/dev/null
ls -1 "$out"
