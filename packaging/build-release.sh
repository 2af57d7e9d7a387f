#!/usr/bin/env bash
# Builds the release binaries (NativeAOT) into artifacts/publish/, unless they are newer
# than every source file already. Fails on any AOT or trim warning.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=artifacts/publish
bin=$out/podunits
if [ -x "$bin" ] && [ -x "$out/podunits-stage1" ] && [ -z "$(find src Directory.Build.props Directory.Packages.props -newer "$bin" -type f -print -quit)" ]; then
    exit 0
fi
arch=$(uname -m); case $arch in x86_64) rid=linux-x64;; aarch64) rid=linux-arm64;; *) rid=linux-$arch;; esac
dotnet publish src/PodUnits.Cli -c Release -r "$rid" -o "$out" --nologo -warnaserror -clp:NoSummary \
    -p:DebugType=none
# Stage 1 (what runs while a pod runs) is its own small executable: docs/process-model.md.
dotnet publish src/PodUnits.Stage1 -c Release -r "$rid" -o "$out" --nologo -warnaserror -clp:NoSummary \
    -p:DebugType=none
rm -f "$out"/*.pdb "$out"/*.dbg
