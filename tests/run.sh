#!/usr/bin/env bash
# The one test command: builds everything, runs the unit tests and the benchmark report's
# self-test (tests/bench/report-selftest.sh; also with --unit-only) here, then the integration
# tests inside a throwaway systemd host (tests/sandbox/sandbox.sh), and ends with the line
# "N passed, N failed". Exits non-zero if anything failed or could not run.
#
#   tests/run.sh [--unit-only] [--filter EXPR]
#
# --filter passes a `dotnet test --filter` expression to both suites, e.g.
#   tests/run.sh --filter 'FullyQualifiedName~Journal'
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

unit_only=""
filter=()
while [ $# -gt 0 ]; do
    case $1 in
        --unit-only) unit_only=1; shift;;
        --filter) filter=(--filter "$2"); shift 2;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0;;
        *) echo "run.sh: unknown option $1" >&2; exit 2;;
    esac
done

results="$PWD/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
broken=0   # stages that could not run at all count as failures in the total

stage() { printf '\n==> %s\n' "$*"; }

stage "build"
# The release's build identity in the Debug build too: test code starts the installed
# podunits-stage1 in-process (ExecLauncher), and stage 1 refuses another build's hand-off.
if ! dotnet build PodUnits.sln -c Debug -warnaserror --nologo -clp:NoSummary -p:PodUnitsBuildId="$(packaging/build-id.sh)"; then
    echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

stage "release binaries (NativeAOT)"
if ! packaging/build-release.sh; then
    echo "NativeAOT publish failed"; echo "0 passed, 1 failed"; exit 1
fi

stage "unit tests"
dotnet test tests/PodUnits.UnitTests --no-build -c Debug --nologo "${filter[@]}" \
    --logger "trx;LogFileName=unit.trx" --results-directory "$results" || true
[ -f "$results/unit.trx" ] || { echo "unit tests produced no results"; broken=$((broken + 1)); }

script_passed=0; script_failed=0
# script_test TITLE LOG SCRIPT: a self-test script whose last line, "N passed, N failed",
# adds to the totals; a script that does not end with that line counts as broken.
script_test() {
    stage "$1"
    # Through a file, not `tee /dev/stderr`: reopening stderr truncates it when it is a log
    # file (CI's), which wiped everything printed before this line.
    "$3" 2>&1 | tee "$results/$2"
    local line; line=$(tail -n 1 "$results/$2")
    if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        script_passed=$((script_passed + BASH_REMATCH[1])); script_failed=$((script_failed + BASH_REMATCH[2]))
    else
        broken=$((broken + 1))
    fi
}
# The benchmark report's verdicts on made-up results: no root, no sandbox, so with
# --unit-only too.
script_test "bench report self-test" bench-report-selftest.log tests/bench/report-selftest.sh
if [ -z "$unit_only" ]; then
    script_test "sandbox self-test" selftest.log tests/sandbox/selftest.sh

    stage "Debian-based test image (mmdebstrap; the sandbox has no network)"
    # A failure here is not fatal: the tests that need the image fail and say why.
    tests/images/debian-rootfs.sh "$PWD/artifacts/debian-rootfs" || echo "the Debian-based test image could not be built"

    stage "integration tests (inside a sandbox systemd host)"
    if [ -d /run/systemd/system ] && [ "$(cat /proc/1/comm)" = systemd ] && [ -n "${PODUNITS_TESTS_ON_HOST:-}" ]; then
        # A host whose PID 1 is systemd may run them directly when asked to.
        tests/sandbox/inside.sh "$results" "${filter[@]}" || true
    else
        # --no-seccomp: pods get only the system call filter PodUnits gives them, as on a
        # real host, not nspawn's own besides (the hostile-container tests look for it).
        tests/sandbox/sandbox.sh --no-seccomp -- tests/sandbox/inside.sh "$results" "${filter[@]}" || true
    fi
    [ -f "$results/integration.trx" ] || { echo "integration tests produced no results"; broken=$((broken + 1)); }
fi

# Sum the counters of every result file.
passed=$script_passed; failed=$script_failed; skipped=0
for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    get() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
    passed=$((passed + $(get passed)))
    failed=$((failed + $(get failed)))
    total=$(get total); executed=$(get executed)
    skipped=$((skipped + total - executed))
    # List failed tests by name so the summary says what to look at.
    grep -o '<UnitTestResult [^>]*outcome="Failed"' "$trx" | sed -n 's/.*testName="\([^"]*\)".*/FAILED: \1/p'
done
failed=$((failed + broken))
echo
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
