#!/bin/sh
# Builds the hostile-container suite's programs into OUT (used by the integration tests
# in tests/PodUnits.IntegrationTests/Confinement and by bench/sections/security.sh):
#   escape-probe         static: runs in any image and tries every escape
#   watch-entering       static: looks for processes that enter the container with the host's root
#   hostile-whoami       dynamically linked: an image's own program (rootfs.sh adds its libc)
#   hostile-preload.so   the same code as an LD_PRELOAD library
#
#   tests/hostile/build.sh OUT
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build.sh OUT}
mkdir -p "$out"
gcc -static -O2 -Wall -Wextra -Werror -o "$out/escape-probe" "$src/escape-probe.c" "$src"/probe-*.c
gcc -static -O2 -Wall -Wextra -Werror -o "$out/watch-entering" "$src/watch-entering.c"
gcc -O2 -Wall -Wextra -Werror -o "$out/hostile-whoami" "$src/hostile-whoami.c"
gcc -O2 -Wall -Wextra -Werror -shared -fPIC -DHOSTILE_PRELOAD -o "$out/hostile-preload.so" "$src/hostile-whoami.c"
