#!/usr/bin/env bash
# Checks the benchmark report's arithmetic and verdicts (bench/report.sh) and the sample
# accounting of bench/lib.sh without running any benchmark: a copy of report.sh turns
# made-up results TSVs into a report in a temporary tree (docs/benchmarks.md stays as it
# is), and lib.sh's helpers time stub commands. Needs no root and no sandbox.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
passed=0; failed=0
check() { # description, command...
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: bench report: $what"; fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# report.sh writes docs/ next to the bench/ it runs from. Without bench/analysis.md in the
# copy, the report is the tables only.
mkdir -p "$tmp/tree/bench" "$tmp/tree/docs"
cp bench/report.sh bench/lib.sh "$tmp/tree/bench/"
doc=$tmp/tree/docs/benchmarks.md

# row SECTION CONTENDER METRIC UNIT MEDIAN [N [NOTE]]: a results line (bench/lib.sh's TSV)
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$5" "$5" "$5" "$5" "${6:-15}" "${7:-}"; }
# report RESULTS [--merge]: report.sh over that results file, into $doc
report() { (cd "$tmp/tree" && bash bench/report.sh "$1" 15 ${2:+"$2"}) >"$tmp/report.out" 2>&1; }
# goal TEXT: "RATIO | VERDICT" of the goal row that begins with TEXT
goal() { awk -v g="| $1" '/^## Goals/ { on = 1 } on && index($0, g) == 1 { n = split($0, f, / \| /); sub(/ \|$/, "", f[n]); print f[n - 1] " | " f[n]; exit }' "$doc"; }
# is TEXT EXPECTED: the goal row reads EXPECTED ("RATIO | VERDICT")
is() { [ "$(goal "$1")" = "$2" ] || { echo "    goal \"$1\": \"$(goal "$1")\", expected \"$2\"" >&2; return 1; }; }

# start_rows S F U W: start-stop's PodUnits start S and the floor service's start F; the
# run-to-completion floors unshare+chroot U and systemd-run --wait true W
start_rows() {
    row start-stop "podunits: systemctl start pod@x" "start to READY" ms "$1"
    row start-stop "floor: systemd-run sleep service" "start to READY" ms "$2"
    row run-to-completion "floor: systemd-run --wait true" wall ms "$4"
    row run-to-completion "floor: unshare+chroot true" wall ms "$3"
}
floor_goal="start to READY within 1.5x of a bare service start plus the namespace floor"

# Finding 1: the namespace floor is unshare+chroot minus the same wrapper, not a second
# service start on top of the first.
start_rows 60 30 40 40 >"$tmp/r1.tsv"; report "$tmp/r1.tsv"
check "the start floor adds nothing when unshare+chroot costs no more than its wrapper (60 / 30)" is "$floor_goal" "2.00 | MISSED"
start_rows 60 30 50 40 >"$tmp/r1.tsv"; report "$tmp/r1.tsv"
check "the start floor adds what unshare+chroot costs beyond its wrapper (60 / (30 + 10))" is "$floor_goal" "1.50 | met"
start_rows 53.870 26.135 21.197 30.970 >"$tmp/r1.tsv"; report "$tmp/r1.tsv"
check "the start floor of docs/benchmarks.md's run of 2026-12-04: 2.06, missed" is "$floor_goal" "2.06 | MISSED"
start_rows 60 30 nan 40 >"$tmp/r1.tsv"; report "$tmp/r1.tsv"
check "a floor contender that never ran leaves the start floor goal not measured" is "$floor_goal" "n/a | not measured"

# Finding 3: "all started within 10 s" needs every pod active, and a pod that never became
# active counts in the p99 as "inf".
density_rows() { # START-ALL-MS NOTE P99
    row density "podunits: 110 pods at once" "start all" ms "$1" 1 "$2"
    row density "podunits: 110 pods at once" "each pod's start to READY, p99" ms "$3" 1
}
all_goal="110 pods at once: all started within 10 s"
p99_goal="110 pods at once: each pod's start to READY, p99 under 1 s"
density_rows 4000 "110 of 110 active, 0 failed starts, first line of 110 of 110 pods in the journal" 900 >"$tmp/r3.tsv"; report "$tmp/r3.tsv"
check "110 of 110 pods active in 4 s: all started, met" is "$all_goal" "4000 ms (110 of 110 active, 0 failed starts, first line of 110 of 110 pods in the journal) | met"
check "a p99 of 900 ms is under 1 s" is "$p99_goal" "900 ms | met"
density_rows 4000 "90 of 110 active, 0 failed starts, first line of 90 of 110 pods in the journal" inf >"$tmp/r3.tsv"; report "$tmp/r3.tsv"
check "90 of 110 pods active within 4 s: not all started, missed" is "$all_goal" "4000 ms (90 of 110 active, 0 failed starts, first line of 90 of 110 pods in the journal) | MISSED"
check "a p99 that is a pod never active (inf) is missed" is "$p99_goal" "inf ms | MISSED"
density_rows 4000 "110 of 110 active, 2 failed starts, first line of 110 of 110 pods in the journal" 900 >"$tmp/r3.tsv"; report "$tmp/r3.tsv"
check "110 pods active after 2 failed starts: missed" is "$all_goal" "4000 ms (110 of 110 active, 2 failed starts, first line of 110 of 110 pods in the journal) | MISSED"
density_rows 4000 "110 of 110 active, 0 failed starts, first line of 108 of 110 pods in the journal" 900 >"$tmp/r3.tsv"; report "$tmp/r3.tsv"
check "110 pods active, 2 first lines missing from the journal: missed" is "$all_goal" "4000 ms (110 of 110 active, 0 failed starts, first line of 108 of 110 pods in the journal) | MISSED"
# lib.sh's stats keep "inf" above every number
BENCH_RESULTS=/dev/null source bench/lib.sh
printf '3\ninf\n1\n' >"$tmp/samples"
check "stats sorts a never-active pod (inf) last and keeps it" [ "$(stats "$tmp/samples")" = "3.000 3.000 inf 1.000 inf 3" ]

# Finding 7: a full run (no section named) keeps the rows of the sections it did not
# measure, health's among them, with the time each one's run ended.
check "bench/run.sh always has the report merge" grep -q 'bench/report.sh "$results" "$runs" --merge$' bench/run.sh
probe_goal="CPU time of probing N pods"
{
    row health "podunits: probing" "probing CPU per minute (with - without)" "CPU s" 4.675 3
    row health "podman: healthcheck" "probing CPU per minute (with - without)" "CPU s" 60.698 3
} >"$tmp/health.tsv"
printf 'health\tpodunits: probing\tsystemctl start pod@h1 ... pod@h10\n' >"$tmp/health.tsv.commands"
touch -d '2026-12-05 08:19 UTC' "$tmp/health.tsv"
rm -f "$doc"; report "$tmp/health.tsv" --merge
probe_ratio() { goal "$probe_goal" | sed 's/ .*//'; }
check "health rows alone: probing 0.077x podman's" [ "$(probe_ratio)" = 0.077 ]
start_rows 53.870 26.135 21.197 30.970 >"$tmp/r7.tsv"; : >"$tmp/r7.tsv.commands"
touch -d '2026-12-06 10:00 UTC' "$tmp/r7.tsv"
report "$tmp/r7.tsv" --merge
check "a run without health keeps the health rows" grep -q '^| health | podman: healthcheck | probing CPU per minute (with - without) | 60.698 CPU s |' "$doc"
check "... and health's probing goal (0.077x)" [ "$(probe_ratio)" = 0.077 ]
check "... and health's exact commands" grep -q '^| health | podunits: probing | `systemctl start pod@h1 ... pod@h10` |' "$doc"
check "... and says health is carried over" grep -q '^those of health are carried over' "$doc"
check "... and when each section's run ended" grep -qx "Runs (when each section's run ended): 2026-12-05 08:19 UTC: health; 2026-12-06 10:00 UTC: start-stop, run-to-completion." "$doc"
# A third run, of health only: start's rows carried with their own time.
touch -d '2026-12-07 09:00 UTC' "$tmp/health.tsv"; report "$tmp/health.tsv" --merge
check "a carried section keeps the time its run ended" grep -qx "Runs (when each section's run ended): 2026-12-06 10:00 UTC: start-stop, run-to-completion; 2026-12-07 09:00 UTC: health." "$doc"
check "... and its goal (2.06)" is "$floor_goal" "2.06 | MISSED"
check "the carried rows are said to be from the same machine when it is described alike" grep -q 'on the same machine\.' "$doc"
sed -i 's/^Machine: [0-9]* cores/Machine: 64 cores/' "$doc"; report "$tmp/health.tsv" --merge
check "... and from the machine the file described when it is not" grep -q 'on a machine the file described as "64 cores, ' "$doc"

# Finding 8: no lost line means 0 lost and 0 duplicated on every path; more entries than
# lines ("lost -5") hides losses behind duplicates.
lost_goal="zero log lines lost (podunits, every path)"
logs_rows() { # NOTE-OF-THE-FOUR-CONTAINER-POD
    row logs "podunits: pod of 1 container (stream path)" "lines per second" lines/s 43813 5 "lost 0, duplicated 0 of 200000 per run (the most in one of 5 runs)"
    row logs "podunits: pod of 4 containers (datagram path)" "lines per second" lines/s 42448 5 "$1"
}
lost_verdict() { goal "$lost_goal" | sed 's/.* | //'; }
while IFS='|' read -r note want what; do
    logs_rows "$note" >"$tmp/r8.tsv"; report "$tmp/r8.tsv"
    check "$what" [ "$(lost_verdict)" = "$want" ]
done <<'CASES'
lost 0, duplicated 0 of 200000 per run (the most in one of 5 runs)|met|lost 0, duplicated 0 on every path: met
lost 0 of 1000000|met|an older row's 'lost 0 of 1000000' (duplicates not counted then): met
lost -5 of 1000000|MISSED|a negative loss (more entries than lines): missed
lost 0, duplicated 5 of 200000 per run (the most in one of 5 runs)|MISSED|lines duplicated: missed
lost 3, duplicated 0 of 200000 per run (the most in one of 5 runs)|MISSED|lines lost: missed
lost 10, duplicated 0 of 200000 per run (the most in one of 5 runs)|MISSED|lost 10 (a 0 after the first digit): missed
CASES

# Finding 9: bench/inside.sh's run_section ends what a section left running in the
# background, and passes its failure on; the report shows a failed section's row for that
# run only.
eval "$(sed -n '/^run_section() {/,/^}/p' bench/inside.sh)"
printf '#!/bin/sh\nsleep 300 & echo $! >"$1"\nexit 3\n' >"$tmp/section.sh"; chmod +x "$tmp/section.sh"
limit=20; rc=0; run_section "$tmp" ./section.sh "$tmp/left" || rc=$?
check "run_section returns the section's failure" [ "$rc" = 3 ]
gone() { ! grep -qE '^State:[[:space:]]+[^Z]' "/proc/$1/status" 2>/dev/null; }   # ended (a zombie where nothing reaps)
check "run_section ends what the section left running in the background" gone "$(cat "$tmp/left")"
limit=1; rc=0; run_section "$tmp" sleep 30 || rc=$?
check "run_section stops a section at the time limit" [ "$rc" = 124 ]
{ row images "bench" "section failed" - nan 0 "failed or timed out (bench/inside.sh)"; start_rows 60 30 40 40; } >"$tmp/r9.tsv"
report "$tmp/r9.tsv" --merge
check "a failed section is a row of its run's report" grep -q '^| images | bench | section failed | ' "$doc"
row density "podunits: 1 pod at once" "start all" ms 65 1 >"$tmp/r9.tsv"; report "$tmp/r9.tsv" --merge
check "... and is not carried into the next run's" sh -c "! grep -q 'section failed' '$doc'"

# Finding 10: lib.sh's alternate and pod_starts with stub commands; a contender that never
# failed gets no "0 failed runs", one that failed once says so and has one sample less.
(
    export BENCH_RESULTS=$tmp/r10.tsv BENCH_RUNS=3
    source bench/lib.sh
    echo 0 >"$tmp/calls"   # the flaky one's second call (run 1, after the warm-up) fails
    alternate alt wall steady "echo s >>$tmp/order" flaky "echo f >>$tmp/order; n=\$(cat $tmp/calls); echo \$((n + 1)) >$tmp/calls; [ \$n != 1 ]"
    echo 0 >"$tmp/starts"  # pod b's third start (round 2) fails
    systemctl() { [ "$1 $2" != "start pod@b" ] && return 0; local n; n=$(cat "$tmp/starts"); echo $((n + 1)) >"$tmp/starts"; [ "$n" != 2 ]; }
    BENCH_RUNS=1 pod_starts ps a "pod a" b "pod b"
) >/dev/null 2>&1
field() { awk -F'\t' -v c="$1" -v m="$2" -v k="$3" '$2 == c && $3 == m { print $k }' "$tmp/r10.tsv"; }
check "alternate: a contender that never failed has all its runs and no note" [ "$(field steady wall 10)|$(field steady wall 11)" = "3|" ]
check "alternate: one that failed once has a run less and says so" [ "$(field flaky wall 10)|$(field flaky wall 11)" = "2|1 failed runs" ]
# Finding 5: the order rotates round by round (the warm-up as given), so neither always
# runs right after the other's run.
check "alternate rotates the order every round" [ "$(tr -d '\n' <"$tmp/order")" = sffssffs ]
check "pod_starts: 3 rounds after the warm-up, no failure, no note" [ "$(field "pod a" "start to READY" 10)|$(field "pod a" "start to READY" 11)" = "3|" ]
check "pod_starts: a failed start is a sample less and a note" [ "$(field "pod b" "start to READY" 10)|$(field "pod b" "start to READY" 11)" = "2|1 failed starts" ]

# Finding 2: the PSS goal divides PodUnits' per pod among N by conmon's per container among
# N, never by the memory section's conmon alone.
pss_goal="supervision PSS of an idle one-container pod"
pss_rows() {
    density_rows 4000 "110 of 110 active, 0 failed starts, first line of 110 of 110 pods in the journal" 900
    row density "podunits: 110 pods at once" "idle PSS per pod" KiB 1991 1
    row memory "podman's conmon" "idle PSS" KiB 1140 5
}
pss_rows >"$tmp/r2.tsv"; report "$tmp/r2.tsv"
check "without conmon among 110 containers the PSS goal is not measured (not 1991 / 1140 alone)" is "$pss_goal" "n/a | not measured"
{ pss_rows; row density "podman's conmon: 110 containers at once" "idle PSS per pod" KiB 900 1 "110 of 110 containers running"; } >"$tmp/r2.tsv"; report "$tmp/r2.tsv"
check "with conmon among 110 containers the PSS goal divides by it (1991 / 900)" is "$pss_goal" "2.21 | MISSED"
check "... and the Results table divides the PodUnits row of the same count by it" \
    grep -q "^| density | podman's conmon: 110 containers at once | idle PSS per pod | 900 KiB | .* | 2.21 | 110 of 110 containers running |$" "$doc"
{ pss_rows; row density "podman's conmon: 110 containers at once" "idle PSS per pod" KiB 900 1 "108 of 110 containers running"; } >"$tmp/r2.tsv"; report "$tmp/r2.tsv"
check "conmon among fewer containers than pods: not measured" is "$pss_goal" "n/a | not measured"

# Finding 4: analysis.md is printed under every new run's numbers, so it dates what it quotes.
check "bench/analysis.md quotes no undated run ('this run', 'the run above')" \
    sh -c "! grep -niE 'in this run|run above|the one above|\(above\)|in the same run' bench/analysis.md"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
