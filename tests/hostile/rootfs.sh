#!/bin/sh
# Makes a root filesystem directory for `image: dir:ROOT` pods of the hostile-container
# suite: busybox-static with its applets in /bin, and (when BIN, build.sh's output, is
# given) /bin/hostile-whoami with the libc and ld.so it was linked against, and
# /lib/hostile-preload.so.
#
#   tests/hostile/rootfs.sh ROOT [BIN]
set -eu
root=${1:?usage: rootfs.sh ROOT [BIN]}
bin=${2:-}
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/var/tmp"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
[ -n "$bin" ] || exit 0
cp "$bin/hostile-whoami" "$root/bin/"
mkdir -p "$root/lib"
cp "$bin/hostile-preload.so" "$root/lib/"
# The shared libraries at the paths the program asks for (ldd prints "name => path" and
# the loader's own absolute path); cp -L copies the files behind Debian's symlinks.
for lib in $(ldd "$bin/hostile-whoami" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
