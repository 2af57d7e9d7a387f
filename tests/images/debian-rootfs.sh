#!/bin/sh
# Builds the realistic Debian-based test image: a Debian 12 (bookworm) minbase root with
# nginx-light and iputils-ping, as a directory for `image: dir:` (docs/platform-facts.md has
# the recipe this follows). Its files have owners other than root (/var/mail is group mail,
# nginx's workers run as www-data), which the user namespace tests look at. Needs a Debian mirror and root,
# so tests/run.sh runs it before the sandbox, which has no network. Kept between runs:
# rebuilt only when missing or incomplete.
#
#   tests/images/debian-rootfs.sh OUT
set -eu
out=${1:?usage: debian-rootfs.sh OUT}
[ -f "$out/.complete" ] && exit 0
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mmdebstrap --quiet --variant=minbase --include=nginx-light,iputils-ping bookworm "$out"
touch "$out/.complete"
