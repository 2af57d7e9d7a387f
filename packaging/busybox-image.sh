#!/usr/bin/env bash
# Builds a one-layer OCI image from the host's busybox-static (/bin/busybox with a link per
# applet, /etc/passwd and /etc/group) and imports it into the PodUnits image store as
# docker.io/library/busybox:latest, so `image: busybox` pods run on machines that cannot
# reach Docker Hub: the quick start, the tests, air-gapped hosts.
#
#   packaging/busybox-image.sh [REFERENCE]     (default docker.io/library/busybox:latest)
#   packaging/busybox-image.sh --archive FILE  writes the image as an OCI archive instead
#                                              (what a package ships: docs/packaging.md)
#
# Needs busybox-static; importing needs root and an installed podunits. Uses only tar, gzip
# and sha256sum.
set -euo pipefail
archive=""
if [ "${1:-}" = --archive ]; then
    [ -n "${2:-}" ] || { echo "busybox-image: --archive needs a file name" >&2; exit 2; }
    archive=$(realpath -m "$2"); shift 2
fi
ref=${1:-docker.io/library/busybox:latest}
[ -x /bin/busybox ] || { echo "busybox-image: /bin/busybox missing (apt-get install busybox-static)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs" layout="$work/layout"
mkdir -p "$root"/{bin,etc,root,tmp,home,var,proc,sys,dev,run} "$layout/blobs/sha256"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"

blob() { # FILE -> its sha256, after moving it into the layout
    local sum; sum=$(sha256sum "$1" | cut -d' ' -f1)
    mv "$1" "$layout/blobs/sha256/$sum"; echo "$sum"
}
tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -n "$work/layer.tar"
layer_size=$(stat -c %s "$work/layer.tar.gz")
layer=$(blob "$work/layer.tar.gz")
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$arch" "$diff_id" >"$work/config.json"
config_size=$(stat -c %s "$work/config.json")
config=$(blob "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
    "$config" "$config_size" "$layer" "$layer_size" >"$work/manifest.json"
manifest_size=$(stat -c %s "$work/manifest.json")
manifest=$(blob "$work/manifest.json")
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s}]}' \
    "$manifest" "$manifest_size" >"$layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
if [ -n "$archive" ]; then
    tar -C "$layout" --numeric-owner --owner=0 --group=0 -cf "$archive" .
else
    podunits image import "$layout" --name "$ref"
fi
