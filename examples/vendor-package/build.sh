#!/usr/bin/env bash
# Builds the example greeter package as a .deb (dpkg-deb) and, when rpmbuild and PodUnits'
# RPM macros are installed, as an .rpm, into OUTDIR.
#
#   examples/vendor-package/build.sh [--version V] [--greeting TEXT] IMAGE_ARCHIVE OUTDIR
#
# IMAGE_ARCHIVE: an OCI archive of a busybox-like image (packaging/busybox-image.sh --archive FILE).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=1.0
greeting="Hello from a package"
while [ $# -gt 0 ]; do
    case $1 in
        --version) version=$2; shift 2;;
        --greeting) greeting=$2; shift 2;;
        -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
        -*) echo "build.sh: unknown option $1" >&2; exit 2;;
        *) break;;
    esac
done
[ $# -eq 2 ] || { echo "usage: build.sh [--version V] [--greeting TEXT] IMAGE_ARCHIVE OUTDIR" >&2; exit 2; }
case $version in *[!0-9A-Za-z.+~-]*|"") echo "build.sh: bad version '$version'" >&2; exit 2;; esac
case $greeting in *[\"\\]*) echo "build.sh: the greeting may not hold quotes or backslashes" >&2; exit 2;; esac
image=$(realpath "$1")
out=$(mkdir -p "$2" && cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The sources with the version and greeting filled in, shared by both formats.
src=$work/src
mkdir -p "$src"
sed "s/@VERSION@/$version/" "$here/greeter.yaml" >"$src/greeter.yaml"
sed "s/@GREETING@/$greeting/" "$here/greeter-content.yaml" >"$src/greeter-content.yaml"
cp "$image" "$src/greeter-image.tar"

# .deb: no maintainer script touches the pod; PodUnits' trigger does (debian/postinst only imports the image).
root=$work/deb
install -D -m 0644 "$src/greeter.yaml" "$root/usr/lib/podunits/pods/greeter.yaml"
install -D -m 0644 "$src/greeter-content.yaml" "$root/usr/lib/podunits/configmaps/greeter-content.yaml"
install -D -m 0644 "$src/greeter-image.tar" "$root/usr/share/podunits-example-greeter/greeter-image.tar"
install -d "$root/DEBIAN"
sed "s/@VERSION@/$version/" "$here/debian/control" >"$root/DEBIAN/control"
install -m 0755 "$here/debian/postinst" "$here/debian/postrm" "$root/DEBIAN/"
dpkg-deb --root-owner-group --build "$root" "$out/podunits-example-greeter_${version}_all.deb" >/dev/null
echo "$out/podunits-example-greeter_${version}_all.deb"

# .rpm, with the %podunits_* macros of the installed podunits package.
if command -v rpmbuild >/dev/null && [ -n "$(rpm --eval '%{?podunits_post:yes}' 2>/dev/null)" ]; then
    rpmbuild -bb "$here/greeter.spec" --quiet \
        --define "_topdir $work/rpm" --define "_sourcedir $src" --define "greeter_version $version" \
        --define "_rpmdir $out" --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm"
    echo "$out/podunits-example-greeter-${version}-1.noarch.rpm"
else
    echo "build.sh: no rpmbuild or no PodUnits RPM macros (/usr/lib/rpm/macros.d/macros.podunits): .rpm skipped" >&2
fi
