#!/usr/bin/env bash
# Parsing and validating 1,000 typical pod definitions (target: well under a second).
#   bench/definitions/run.sh [N] [ROUNDS]
# Two measurements over the same N generated files:
#  1. PodUnits.Bench.Definitions (NativeAOT): PodDefinitionLoader.LoadFile on every file,
#     ROUNDS times in one process (round 1 is cold: first touch of the files and code).
#  2. The shipped binary: `podunits validate` on all N files in one process, wall time of the
#     whole command (process start included), if artifacts/publish/podunits exists
#     (packaging/build-release.sh builds it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
n=${1:-1000}
rounds=${2:-5}
out=../../artifacts/bench/definitions
mkdir -p "$out"
files="$out/files"
rm -rf "$files"

dotnet publish PodUnits.Bench.Definitions -c Release -o "$out/bin" --nologo -warnaserror -clp:NoSummary \
    -p:DebugType=none >"$out/publish.log" 2>&1 || { cat "$out/publish.log" >&2; exit 1; }

echo "== PodDefinitionLoader.LoadFile, NativeAOT, $n files"
"$out/bin/PodUnits.Bench.Definitions" "$files" "$n" "$rounds"

podunits=../../artifacts/publish/podunits
if [ -x "$podunits" ]; then
    echo
    echo "== podunits validate (one process, $n files), wall time"
    printf '%-6s %9s\n' run "total ms"
    for r in $(seq 1 "$rounds"); do
        start=$(date +%s%N)
        "$podunits" validate "$files"/*.yaml >/dev/null 2>"$out/validate.stderr"
        end=$(date +%s%N)
        printf '%-6s %9.1f\n' "$r" "$(echo "($end - $start) / 1000000" | bc -l)"
    done
else
    echo "(artifacts/publish/podunits not built: run packaging/build-release.sh for the CLI row)"
fi
