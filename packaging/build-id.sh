#!/usr/bin/env bash
# Prints the build identity both executables carry (src/PodUnits.Core/Identity/BuildIdentity.cs):
# the version and a digest of the sources. build-release.sh stamps the release binaries with
# it, and tests/run.sh the Debug build, whose test code starts the installed podunits-stage1
# in-process (enter's launcher, probes): stage 1 refuses a hand-off from another build.
# Two builds of the same sources agree (reproducible), and an edit without a commit or a
# version bump still makes another build. The build's own output (bin/, obj/) is no source.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
sources=(src Directory.Build.props Directory.Packages.props global.json)
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)
digest=$(find "${sources[@]}" \( -name bin -o -name obj \) -prune -o -type f -print0 | LC_ALL=C sort -z \
    | xargs -0 sha256sum | sha256sum | cut -c1-16)
echo "$version+$digest"
