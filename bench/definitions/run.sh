#!/usr/bin/env bash
# 8. Parsing and validating 1,000 typical pod definitions (target: well under a second).
#   bench/definitions/run.sh [N] [ROUNDS]
# Over the same N generated files (PodUnits.Bench.Definitions writes them):
#  1. PodUnits.Bench.Definitions (NativeAOT): PodDefinitionLoader.LoadFile on every file,
#     ROUNDS times in one process (round 1 is cold: first touch of the files and code).
#  2. The shipped binary: `podunits validate` on all N files in one process, wall time of
#     the whole command (process start included), alternating with
#  3. a parse-only floor: Python's yaml.safe_load with libyaml's C loader over the same
#     files in one process (no validation, no model: just YAML to dicts).
# With BENCH_RESULTS set (bench/run.sh) the rows go to the results file as well.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
n=${1:-1000}
rounds=${2:-${BENCH_RUNS:-5}}
out=../../artifacts/bench/definitions
mkdir -p "$out"
files="$out/files"
rm -rf "$files"
export BENCH_RESULTS=${BENCH_RESULTS:-/dev/null} BENCH_RUNS=$rounds
source ../lib.sh

if [ ! -x "$out/bin/PodUnits.Bench.Definitions" ] || [ "$BENCH_RESULTS" = /dev/null ]; then
    dotnet publish PodUnits.Bench.Definitions -c Release -o "$out/bin" --nologo -warnaserror -clp:NoSummary \
        -p:DebugType=none >"$out/publish.log" 2>&1 || { cat "$out/publish.log" >&2; exit 1; }
fi

echo "== PodDefinitionLoader.LoadFile, NativeAOT, $n files"
"$out/bin/PodUnits.Bench.Definitions" "$files" "$n" "$rounds" | tee "$out/loader.txt"
awk 'NR > 1 { print $4 }' "$out/loader.txt" >"$out/loader.ms"
record definitions "PodDefinitionLoader (in process)" "parse+validate 1,000 files" ms "$out/loader.ms" "round 1 cold"

podunits=$(command -v podunits || echo ../../artifacts/publish/podunits)
[ -x "$podunits" ] || { echo "bench: podunits not built (packaging/build-release.sh)" >&2; exit 1; }
files=$(cd "$files" && pwd)
echo "== podunits validate vs a parse-only floor (one process each, $n files, wall ms)"
alternate definitions "parse+validate 1,000 files" \
    "podunits validate (process)" "$podunits validate $files/*.yaml" \
    "floor: python3 yaml CSafeLoader, parse only" "/usr/bin/python3 -c 'import sys, yaml
for f in sys.argv[1:]: yaml.load(open(f), Loader=yaml.CSafeLoader)' $files/*.yaml"
