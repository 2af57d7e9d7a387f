#!/usr/bin/env bash
# Builds the release binaries (NativeAOT) into artifacts/publish/, unless the last build
# finished both and no source file changed since it started. Fails on any AOT or trim warning.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=artifacts/publish
# The stamp of the last complete build, dated when that build started. Not the CLI's own
# date: after a stage 1 publish that failed or was interrupted, the new CLI was newer than
# every source and the old podunits-stage1 was there, so the next run packaged the two
# versions together; and a source edited during the CLI's publish was older than the CLI
# (packaging review of 2026-12-07, finding 4). The build's own output under src (bin/, obj/)
# is not a source: written after the stamp's date, it made every build look stale, and the
# RPM's %build, which has no SDK in the test sandbox, rebuilt and failed.
stamp=$out/.complete
sources=(src Directory.Build.props Directory.Packages.props global.json)
if [ -e "$stamp" ] && [ -x "$out/podunits" ] && [ -x "$out/podunits-stage1" ] \
    && [ -z "$(find "${sources[@]}" \( -name bin -o -name obj \) -prune -o -newer "$stamp" -type f -print -quit)" ]; then
    exit 0
fi
mkdir -p "$out"
rm -f "$stamp"
started=$(mktemp "$out/.started.XXXXXX") # dated now, before any source is read
trap 'rm -f "$started"' EXIT
# One build identity for both executables (upgrade review of 2026-12-07, finding 3):
# podunits-stage1 refuses a podunits of another build (packaging/build-id.sh says how).
build_id=$(packaging/build-id.sh)
arch=$(uname -m); case $arch in x86_64) rid=linux-x64;; aarch64) rid=linux-arm64;; *) rid=linux-$arch;; esac
dotnet publish src/PodUnits.Cli -c Release -r "$rid" -o "$out" --nologo -warnaserror -clp:NoSummary \
    -p:DebugType=none -p:PodUnitsBuildId="$build_id"
# Stage 1 (what runs while a pod runs) is its own small executable: docs/process-model.md.
dotnet publish src/PodUnits.Stage1 -c Release -r "$rid" -o "$out" --nologo -warnaserror -clp:NoSummary \
    -p:DebugType=none -p:PodUnitsBuildId="$build_id"
rm -f "$out"/*.pdb "$out"/*.dbg
mv "$started" "$stamp" # mv keeps the start date
