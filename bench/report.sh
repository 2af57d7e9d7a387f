#!/usr/bin/env bash
# Turns bench results (bench/lib.sh's TSV) into docs/benchmarks.md and two SVG charts.
#   bench/report.sh RESULTS.tsv RUNS [--merge]
# --merge (bench/run.sh always passes it): the rows and commands of every section this run
# did not measure (health, say, after a full run) are read back from the
# docs/benchmarks.md being replaced and kept, instead of vanishing from it, with the time
# each section's run ended and, if the machine's description changed, the one it was
# measured on.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
results=$1 runs=$2 merge=${3:-}
doc=docs/benchmarks.md
mkdir -p docs
per_row=" (in the latest run; the n column gives the number behind each row)"
if [ ! -s "$results" ]; then
    echo "bench: no results in $results; $doc left as it was" >&2
    exit 1
fi
ended=$(date -u -r "$results" '+%Y-%m-%d %H:%M UTC')
measured=$(awk -F'\t' '!seen[$1]++ { printf "%s%s", sep, $1; sep = ", " }' "$results")
new_sections=$(cut -f1 "$results" | sort -u | tr '\n' ' ')
machine="$(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"),\
 kernel $(uname -r), systemd $( (systemctl --version || true) | awk 'NR == 1 { print $2 }'), podman $( (podman --version 2>/dev/null || true) | awk '{ print $3 }')"
runs_line="Runs (when each section's run ended):"
ends=$(mktemp); trap 'rm -f "$ends"' EXIT   # "section<TAB>when its run ended", every section of the report
new_ends=$(awk -F'\t' -v e="$ended" '!seen[$1]++ { print $1 "\t" e }' "$results")
if [ "$merge" = --merge ] && [ -f "$doc" ]; then
    # The Results table's rows back into the TSV (the ratio column is recomputed), and
    # the Exact commands table's rows, for the sections this run did not measure.
    merged=$(mktemp); trap 'rm -f "$ends" "$merged" "$merged.commands"' EXIT
    awk -v new_sections="$new_sections" 'BEGIN { n = split(new_sections, s, " "); for (i = 1; i <= n; i++) new[s[i]] = 1 }
        /^## / { in_results = ($0 == "## Results") }
        in_results && /^\| / && !/^\| (section|---) / {
            line = substr($0, 3, length($0) - 4); n = split(line, f, / \| /)
            # A "section failed" row (bench/inside.sh) speaks of its own run only.
            if (n < 9 || (f[1] in new) || f[3] == "section failed") next
            median = f[4]; unit = f[4]; sub(/ .*/, "", median); sub(/^[^ ]* /, "", unit)
            # A range with no numbers (a row added by hand) reads back as empty ends, which
            # render as "-" again; anything else would grow by a dash at every merge.
            if (match(f[5], /^-?[0-9.a-z]+-/)) { p25 = substr(f[5], 1, RLENGTH - 1); p75 = substr(f[5], RLENGTH + 1) } else p25 = p75 = ""
            if (match(f[6], /^-?[0-9.a-z]+-/)) { lo = substr(f[6], 1, RLENGTH - 1); hi = substr(f[6], RLENGTH + 1) } else lo = hi = ""
            note = f[9]; for (i = 10; i <= n; i++) note = note " | " f[i]
            printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f[1], f[2], f[3], unit, median, p25, p75, lo, hi, f[7], note
        }' "$doc" >"$merged"
    carried=$(awk -F'\t' '!seen[$1]++ { printf "%s%s", sep, $1; sep = ", " }' "$merged")
    # When each carried section's run ended, from the line this script wrote (absent from
    # files older than it: "an earlier run"), and the machine the file described.
    awk -F'\t' -v prefix="$runs_line " '
        NR == FNR { if (index($0, prefix) == 1) { l = substr($0, length(prefix) + 1); sub(/[.]$/, "", l); n = split(l, g, "; ")
                for (i = 1; i <= n; i++) { p = index(g[i], ": "); k = split(substr(g[i], p + 2), ss, ", ")
                    for (j = 1; j <= k; j++) when[ss[j]] = substr(g[i], 1, p - 1) } }
            next }
        !seen[$1]++ { printf "%s\t%s\n", $1, ($1 in when) ? when[$1] : "an earlier run" }' "$doc" "$merged" >"$ends"
    carried_on=$(awk '/^Machine: / { on = 1 } on { s = s (s == "" ? "" : " ") $0 } on && /runs per contender/ { print s; exit }' "$doc" |
        sed 's/^Machine: //; s/, [0-9]* runs per contender.*//')
    cat "$results" >>"$merged"
    awk -v new_sections="$new_sections" 'BEGIN { n = split(new_sections, s, " "); for (i = 1; i <= n; i++) new[s[i]] = 1 }
        /^## / { in_commands = ($0 == "## Exact commands") }
        in_commands && /^\| / && !/^\| (section|---) / {
            line = substr($0, 3, length($0) - 4); n = split(line, f, / \| /)
            if (n < 3 || (f[1] in new)) next
            cmd = f[3]; for (i = 4; i <= n; i++) cmd = cmd " | " f[i]
            gsub(/^`|`$/, "", cmd); gsub(/\\\|/, "|", cmd)
            printf "%s\t%s\t%s\n", f[1], f[2], cmd
        }' "$doc" >"$merged.commands"
    [ ! -s "$results.commands" ] || cat "$results.commands" >>"$merged.commands"
    results=$merged
fi
echo "$new_ends" >>"$ends"

median() { # section contender-prefix metric -> median (first match) or empty
    awk -F'\t' -v s="$1" -v c="$2" -v m="$3" '$1 == s && index($2, c) == 1 && $3 == m { print $5; exit }' "$results"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
verdict() { [ "$1" = n/a ] && { echo "not measured"; return; }; awk -v r="$1" -v g="$2" -v d="$3" 'BEGIN {
    ok = (d == "le") ? (r <= g) : (r >= g); print ok ? "met" : "MISSED" }'; }

{
    echo "# Benchmarks"
    echo
    if [ -n "${carried:-}" ]; then
        if [ "$carried_on" = "$machine" ]; then on="on the same machine"
        else on="on a machine the file described as \"${carried_on:-nothing}\" (this run's is below)"; fi
        echo "Written by \`bench/run.sh\`. The rows of $measured come from a run that ended $ended;"
        echo "those of $carried are carried over from the earlier run(s) this file was written"
        echo "from (\`git log docs/benchmarks.md\`), $on. Within a section every number comes"
    else
        echo "Written by \`bench/run.sh\` from a run that ended $ended. Every number below comes"
    fi
    echo "from one run of that command; contenders take turns run by run (A B C, then B C A,"
    echo "C A B, ... in runs that ended after 2026-12-07; A B C A B C ... before), inside the"
    echo "same throwaway systemd host the integration tests use (tests/sandbox/sandbox.sh)."
    echo
    echo "Machine: $machine, $runs runs per contender unless noted${carried:+$per_row}."
    echo "Times are wall-clock medians with the 25th-75th percentile range; each includes the"
    echo "same few ms of \`bash -c\` overhead for every contender."
    echo
    # One group per time, in the order the sections first appear.
    awk -F'\t' -v prefix="$runs_line" '!($2 in at) { at[$2] = ++n; when[n] = $2 } { list[at[$2]] = list[at[$2]] (list[at[$2]] == "" ? "" : ", ") $1 }
        END { printf "%s", prefix; for (i = 1; i <= n; i++) printf "%s %s: %s", (i > 1 ? ";" : ""), when[i], list[i]; print "." }' "$ends"
    echo
    echo "## Results"
    echo
    echo "\"PodUnits ÷ row\" divides PodUnits' median by that row's, same section and metric:"
    echo "below 1 means PodUnits took less (time, memory) or did less (lines per second)."
    echo
    echo "| section | contender | metric | median | p25-p75 | min-max | n | PodUnits ÷ row | note |"
    echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
    # A peer row is divided into the PodUnits row of its own case when one is named alike
    # ("podman kube play: 2 containers, default network" into "podunits: 2 containers,
    # default network"), else into the section's first PodUnits row for that metric.
    awk -F'\t' '
        # A peer row of "N containers at once" (each with its conmon) is the case of the
        # PodUnits row of "N pods at once" (one-container pods).
        function case_of(c) { c = index(c, ": ") ? substr(c, index(c, ": ") + 2) : ""; sub(/ containers at once$/, " pods at once", c)
            sub(/ container at once$/, " pod at once", c); return c }
        NR == FNR {
            k = $1 SUBSEP $3
            if (index($2, "podunits") == 1) {
                if (!(k in pod)) pod[k] = $5
                if (case_of($2) != "" && !((k, case_of($2)) in alike)) alike[k, case_of($2)] = $5
            }
            next
        }
        {
            k = $1 SUBSEP $3; r = "-"
            if (index($2, "podunits") != 1 && (k in pod) && $5 + 0 != 0) {
                base = ((k, case_of($2)) in alike) ? alike[k, case_of($2)] : pod[k]
                r = sprintf("%.2f", base / $5)
            }
            printf "| %s | %s | %s | %s %s | %s-%s | %s-%s | %s | %s | %s |\n", $1, $2, $3, $5, $4, $6, $7, $8, $9, $10, r, $11
        }' "$results" "$results"
    echo
    echo "## Goals"
    echo
    echo "| goal | ratio | verdict |"
    echo "| --- | ---: | --- |"
    p=$(median run-to-completion "podunits run" wall); n=$(median run-to-completion "systemd-nspawn" wall)
    d=$(median run-to-completion "podman run --rm (default" wall)
    r=$(ratio "$p" "$n"); echo "| run to completion no slower than systemd-nspawn (podunits/nspawn) | $r | $(verdict "$r" 1 le) |"
    r=$(ratio "$d" "$p"); echo "| run to completion at least 3x faster than podman, default network (podman/podunits) | $r | $(verdict "$r" 3 ge) |"
    s=$(median start-stop "podunits: systemctl start" "start to READY"); x=$(median start-stop "podunits: systemctl stop" "stop to inactive")
    ns=$(median start-stop "nspawn" "start to READY"); nx=$(median start-stop "nspawn" "stop to inactive")
    r=$(awk -v a="$s" -v b="$x" -v c="$ns" -v d="$nx" 'BEGIN { if (a == "" || b == "" || c == "" || d == "" || c + d == 0) print "n/a"; else printf "%.2f", (a + b) / (c + d) }')
    echo "| start to READY plus stop to inactive no slower than nspawn as a notify service (podunits/nspawn) | $r | $(verdict "$r" 1 le) |"
    # The floor is one service start plus what the namespaces add to a process: unshare+chroot
    # run to completion minus the same systemd-run --wait wrapper without them (never below 0).
    # Both run-to-completion rows are whole transient services; adding either to the service
    # start would count a service start twice.
    f=$(median start-stop "floor:" "start to READY")
    u=$(median run-to-completion "floor: unshare" wall); w=$(median run-to-completion "floor: systemd-run --wait" wall)
    floor=$(awk -v a="$f" -v b="$u" -v c="$w" 'BEGIN { n = "^[0-9]+([.][0-9]*)?$"   # a median, not "" or "nan"
        if (a !~ n || b !~ n || c !~ n) print ""; else { d = b - c; print a + (d > 0 ? d : 0) } }')
    r=$(ratio "$s" "$floor"); echo "| start to READY within 1.5x of a bare service start plus the namespace floor | $r | $(verdict "$r" 1.5 le) |"
    l=$(median logs "podunits: pod of 1" "lines per second"); sv=$(median logs "systemd service" "lines per second")
    r=$(ratio "$l" "$sv"); echo "| log throughput at least 0.8x of systemd's own stdout path (one-container pod) | $r | $(verdict "$r" 0.8 ge) |"
    l2=$(median logs "podunits: pod of 2" "lines per second")
    r=$(ratio "$l2" "$sv"); echo "| the same for a pod of two containers (datagram path, one writing) | $r | $(verdict "$r" 0.8 ge) |"
    l4=$(median logs "podunits: pod of 4" "lines per second")
    r=$(ratio "$l4" "$sv"); echo "| the same for a pod of four containers, all writing at once | $r | $(verdict "$r" 0.8 ge) |"
    lost=$(awk -F'\t' '$1 == "logs" && index($2, "podunits") == 1 { printf "%s%s", sep, $11; sep = "; " }' "$results")
    # Met only when every path lost 0 and (where the note counts them) duplicated 0: "lost -5"
    # (more entries than lines) or "duplicated 3" is no proof that nothing was lost.
    ok=$(awk -F'\t' '$1 == "logs" && index($2, "podunits") == 1 { n++
            if ($11 !~ /(^|[^-0-9])lost 0([^0-9.]|$)/ || ($11 ~ /duplicated/ && $11 !~ /duplicated 0([^0-9.]|$)/)) bad++ }
        END { print (n == 0) ? "not measured" : bad ? "MISSED" : "met" }' "$results")
    echo "| zero log lines lost (podunits, every path) | ${lost:-n/a} | $ok |"
    m=$(median memory "podunits executor" "idle RSS"); ns=$(median memory "systemd-nspawn" "idle RSS")
    r=$(ratio "$m" "$ns"); echo "| executor RSS (idle pod) no larger than systemd-nspawn's supervisor | $r | $(verdict "$r" 1 le) |"
    m=$(median memory "podunits executor" "idle PSS"); ns=$(median memory "systemd-nspawn" "idle PSS")
    r=$(ratio "$m" "$ns"); echo "| the same, by PSS (shared pages split among their users) | $r | $(verdict "$r" 1 le) |"
    m=$(median memory "podunits (all" "idle RSS"); ns=$(median memory "systemd-nspawn" "idle RSS")
    r=$(ratio "$m" "$ns"); echo "| all of pod@x.service (executor, pod init) no larger than it, by RSS | $r | $(verdict "$r" 1 le) |"
    sc=$(awk -F'\t' '$1 == "scale" && $3 ~ /^start all/ { print $11 }' "$results")
    echo "| 50 concurrent pods with no failure | ${sc:-n/a} | $(case $sc in "50 of 50 active, 0 failed starts") echo met;; "") echo "not measured";; *) echo MISSED;; esac) |"
    g=$(median generator "podunits-generator" "1,000 files"); q=$(median generator "podman quadlet" "1,000 files")
    r=$(ratio "$g" "$q"); echo "| generator faster than podman's Quadlet (podunits/quadlet) | $r | $(verdict "$r" 1 le) |"
    i=$(median images "podunits" "fetch+unpack"); k=$(median images "skopeo" "fetch+unpack")
    r=$(ratio "$i" "$k"); echo "| image fetch+unpack no slower than skopeo copy + tar -x | $r | $(verdict "$r" 1 le) |"
    c=$(median confinement "podunits: default confinement" "start to READY"); u=$(median confinement "podunits: privileged" "start to READY")
    r=$(awk -v a="$c" -v b="$u" 'BEGIN { if (a == "" || b == "") print "n/a"; else printf "%+.1f ms", a - b }')
    echo "| confinement costs at most 5 ms of start (default minus privileged, start to READY) | $r | $(case $r in n/a) echo "not measured";; *) awk -v d="${r% ms}" 'BEGIN { print (d <= 5) ? "met" : "MISSED" }';; esac) |"
    c=$(median confinement "podunits: default confinement" "scope + container set-up"); u=$(median confinement "podunits: privileged" "scope + container set-up")
    r=$(awk -v a="$c" -v b="$u" 'BEGIN { if (a == "" || b == "") print "n/a"; else printf "%+.1f ms", a - b }')
    echo "| the same, measured in-process (scope creation plus container-start's set-up, default minus privileged) | $r | $(case $r in n/a) echo "not measured";; *) awk -v d="${r% ms}" 'BEGIN { print (d <= 5) ? "met" : "MISSED" }';; esac) |"
    c=$(median configuration "podunits: 2 ConfigMap" "start to READY"); u=$(median configuration "podunits: no configuration" "start to READY")
    r=$(awk -v a="$c" -v b="$u" 'BEGIN { if (a == "" || b == "") print "n/a"; else printf "%+.1f ms", a - b }')
    echo "| two ConfigMap volumes, a Secret volume and ten env references cost at most 10 ms of start | $r | $(case $r in n/a) echo "not measured";; *) awk -v d="${r% ms}" 'BEGIN { print (d <= 10) ? "met" : "MISSED" }';; esac) |"
    o=$(median userns "podunits: hostUsers: false" "start to READY"); h=$(median userns "podunits: host users" "start to READY")
    r=$(awk -v a="$o" -v b="$h" 'BEGIN { if (a == "" || b == "") print "n/a"; else printf "%+.1f ms", a - b }')
    echo "| a user namespace (hostUsers: false) costs at most 10 ms of start (minus the host's users, start to READY) | $r | $(case $r in n/a) echo "not measured";; *) awk -v d="${r% ms}" 'BEGIN { print (d <= 10) ? "met" : "MISSED" }';; esac) |"
    o=$(median userns "podunits: hostUsers: false" "container set-up"); h=$(median userns "podunits: host users" "container set-up")
    m=$(median userns "podunits: hostUsers: false" "namespace creation")
    r=$(awk -v a="$o" -v b="$h" -v c="$m" 'BEGIN { if (a == "" || b == "" || c == "") print "n/a"; else printf "%+.1f ms", a - b + c }')
    echo "| the same, measured in-process (namespace creation plus container-start's set-up, minus the host's users' set-up) | $r | $(case $r in n/a) echo "not measured";; *) awk -v d="${r% ms}" 'BEGIN { print (d <= 10) ? "met" : "MISSED" }';; esac) |"
    for call in getpid stat; do
        d=$(median confinement "podunits: RuntimeDefault" "1M $call (CPU)"); n=$(median confinement "podunits: Unconfined" "1M $call (CPU)")
        r=$(ratio "$d" "$n"); echo "| RuntimeDefault seccomp costs at most 5% on 1,000,000 $call calls (RuntimeDefault/Unconfined) | $r | $(verdict "$r" 1.05 le) |"
    done
    i=$(median interactive "podunits run -it" "wall"); m=$(median interactive "podman run -it --rm (host network)" "wall")
    r=$(ratio "$i" "$m"); echo "| \`podunits run -it\` to exit on a terminal at most 0.5x \`podman run -it\` (podunits/podman, host network) | $r | $(verdict "$r" 0.5 le) |"
    n=$(median interactive "systemd-nspawn" "wall")
    r=$(ratio "$i" "$n"); echo "| the same beside systemd-nspawn of the same root on a terminal (podunits/nspawn; not a goal, shown for honesty) | $r | - |"
    a=$(median autoupdate "podunits auto-update (" "wall"); m=$(median autoupdate "podman auto-update" "wall")
    r=$(ratio "$a" "$m"); echo "| \`podunits auto-update\` of 20 pods with nothing to update beside \`podman auto-update\` of 20 containers, one registry HEAD each (podunits/podman; the issue sets no goal, shown side by side) | $r | - |"
    p=$(median network "podunits: default network" "start to READY"); h=$(median network "podunits: hostNetwork" "start to READY")
    d=$(median network "podman run" "start to READY"); n=$(median network "nspawn --network-veth" "start to READY")
    r=$(ratio "$p" "$d"); echo "| start to READY on the default network (one hostPort) at most 0.5x podman's default network (podunits/podman) | $r | $(verdict "$r" 0.5 le) |"
    r=$(ratio "$p" "$n"); echo "| the same no slower than systemd-nspawn --network-veth as a notify service (podunits/nspawn) | $r | $(verdict "$r" 1 le) |"
    b=$(median network "podunits: bridge-only network" "start to READY")
    r=$(ratio "$b" "$n"); echo "| a bridge-only network (bridge + host-local: no NAT, port or firewall rule, about what nspawn's veth does) beside systemd-nspawn --network-veth (podunits/nspawn; not a goal, shown for honesty) | $r | - |"
    r=$(awk -v a="$p" -v b="$h" 'BEGIN { if (a == "" || b == "") print "n/a"; else printf "%+.1f ms", a - b }')
    echo "| what the default network adds to a pod's start (default network minus hostNetwork; not a goal, shown for honesty) | $r | - |"
    t=$(median network "podunits: pod IP" "TCP throughput host to pod"); tn=$(median network "nspawn --network-veth" "TCP throughput host to pod")
    r=$(ratio "$t" "$tn"); echo "| TCP throughput host to pod within 10% of nspawn's veth (podunits/nspawn) | $r | $(verdict "$r" 0.9 ge) |"
    p=$(median health "podunits: probing" "probing CPU per minute (with - without)"); d=$(median health "podman: healthcheck" "probing CPU per minute (with - without)")
    r=$(awk -v a="$p" -v b="$d" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.3f", a / b }')
    echo "| CPU time of probing N pods (httpGet liveness + tcpSocket readiness, periodSeconds 1) at most 1/10 of podman's healthcheck on N containers (--health-interval=1s), everything counted; the goal says N = 50, the health rows say which N ran (50 podman healthchecks at 1 s saturate 2 cores) (podunits/podman) | $r | $(verdict "$r" 0.1 le) |"
    p=$(median health "podunits: probing, executors alone" "probing CPU per minute (with - without)")
    r=$(awk -v a="$p" -v b="$d" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.3f", a / b }')
    echo "| the same as the issue measures it: the executors' CPU time per minute (podunits/podman) | $r | $(verdict "$r" 0.1 le) |"
    p=$(median health "podunits: one probe" "probing CPU per check"); d=$(median health "podman: one healthcheck run" "probing CPU per check")
    r=$(ratio "$p" "$d"); echo "| the same per check, since the two do not check equally often (not a goal, shown for honesty) | $r | - |"
    p=$(median health "podunits: one exec probe" "probing CPU per check")
    r=$(ratio "$p" "$d"); echo "| an exec probe running podman's health command, per check, beside podman's healthcheck (podunits/podman; the like-for-like case, not a goal) | $r | - |"
    p=$(median density "podunits: 2 containers, default network" "start to READY"); k=$(median density "podman kube play: 2 containers, default network" "start to READY")
    r=$(ratio "$p" "$k"); echo "| a two-container pod's start to READY at most 0.1x \`podman kube play\` of the same YAML, default network (podunits/podman) | $r | $(verdict "$r" 0.1 le) |"
    p=$(median density "podunits: 2 containers, hostNetwork" "start to READY"); k=$(median density "podman kube play: 2 containers, hostNetwork" "start to READY")
    r=$(ratio "$p" "$k"); echo "| the same with hostNetwork (podunits/podman) | $r | $(verdict "$r" 0.1 le) |"
    p=$(median density "podunits: 2 containers, default network" "stop"); k=$(median density "podman kube play: 2 containers, default network" "stop")
    r=$(ratio "$p" "$k"); echo "| its stop beside \`podman kube down\`, default network (podunits/podman; no goal set, shown side by side) | $r | - |"
    n=$(awk -F'\t' '$1 == "density" && $3 == "start all" { c = $2 } END { print c }' "$results")
    if [ -n "$n" ]; then
        a=$(median density "$n" "start all"); q=$(median density "$n" "each pod's start to READY, p99")
        note=$(awk -F'\t' -v c="$n" '$1 == "density" && $2 == c && $3 == "start all" { print $11 }' "$results")
        # "All started" needs every pod active and in the journal, not only the call's return
        # within 10 s (failed starts end fast; a pod restarting after one is not active).
        count=${n#podunits: }; count=${count%% *}
        all=$(case $note in "$count of $count active, 0 failed starts, first line of $count of $count "*) echo 1;; esac)
        echo "| ${n#podunits: }: all started within 10 s | $a ms ($note) | $(awk -v a="$a" -v all="$all" 'BEGIN { print (all != "" && a ~ /^[0-9]+([.][0-9]*)?$/ && a <= 10000) ? "met" : "MISSED" }') |"
        echo "| ${n#podunits: }: each pod's start to READY, p99 under 1 s | $q ms | $(awk -v a="$q" 'BEGIN { print (a ~ /^[0-9]+([.][0-9]*)?$/ && a < 1000) ? "met" : "MISSED" }') |"
        # Per pod among the most pods started (a node's worth), where the binary's pages are
        # shared as they are on a node, against conmon's per container among as many
        # containers, whose pages are shared alike (the density section's rows; not the
        # memory section's conmon, which runs alone). A pod alone is shown beside the conmon
        # that runs alone.
        cn="podman's conmon: $count container$([ "$count" = 1 ] || echo s) at once"
        c=$(awk -F'\t' -v c="$cn" -v all="$count of $count containers running" '$1 == "density" && $2 == c && $3 == "idle PSS per pod" && $11 == all { print $5; exit }' "$results")
        p=$(median density "$n" "idle PSS per pod")
        r=$(ratio "$p" "$c"); echo "| supervision PSS of an idle one-container pod (executor, pod init), per pod among ${n#podunits: }, at most 2x conmon's per container among as many containers (podunits/conmon) | $r | $(verdict "$r" 2 le) |"
        c=$(median memory "podman's conmon" "idle PSS")
        p=$(median density "podunits: 1 pod at once" "idle PSS per pod")
        r=$(ratio "$p" "$c"); echo "| the same for a pod alone, its executable's pages shared by its own two processes only (podunits/conmon; shown, no goal) | $r | - |"
    fi
    echo
    echo "Charts: [start latency](benchmarks-start.svg), [log throughput](benchmarks-logs.svg), [N pods at once: start all](benchmarks-density-start.svg), [N pods at once: PSS per idle pod](benchmarks-density-pss.svg)."
    echo
    [ -f bench/analysis.md ] && { cat bench/analysis.md; echo; }
    echo "## Exact commands"
    echo
    echo "Run everything with \`bench/run.sh\` (as root; \`--runs N\`, or name sections). The"
    echo "scripts are bench/sections/*.sh, bench/images/run.sh and bench/definitions/run.sh; the"
    echo "peers' setup (podman storage, cgroups) is in bench/inside.sh. What each contender ran:"
    echo
    echo "| section | contender | command |"
    echo "| --- | --- | --- |"
    if [ -s "$results.commands" ]; then
        awk -F'\t' 'NF >= 3 { gsub(/\|/, "\\|", $3); printf "| %s | %s | `%s` |\n", $1, $2, $3 }' "$results.commands"
    fi
} >"$doc"

# bars SECTION METRIC TITLE UNIT FILE: a horizontal bar chart of the medians.
bars() {
    awk -F'\t' -v s="$1" -v m="$2" -v title="$3" -v unit="$4" '
        $1 == s && $3 == m { name[++n] = $2; val[n] = $5 + 0; if (val[n] > max) max = val[n] }
        END {
            if (n == 0) { n = 1; name[1] = "not measured"; val[1] = 0; max = 1 }
            h = 40 + n * 34
            printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"%d\" font-family=\"sans-serif\" font-size=\"13\">\n", h
            printf "<rect width=\"760\" height=\"%d\" fill=\"white\"/>\n", h
            printf "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>\n", title
            for (i = 1; i <= n; i++) {
                y = 36 + (i - 1) * 34; w = (max > 0) ? 380 * val[i] / max : 0
                color = (index(name[i], "podunits") == 1) ? "#2b7bb9" : "#9aa5b1"
                printf "<text x=\"10\" y=\"%d\">%s</text>\n", y + 18, name[i]
                printf "<rect x=\"270\" y=\"%d\" width=\"%.1f\" height=\"24\" fill=\"%s\"/>\n", y + 2, w, color
                printf "<text x=\"%.1f\" y=\"%d\">%s %s</text>\n", 276 + w, y + 18, val[i], unit
            }
            print "</svg>"
        }' "$results" >"$5"
}
bars run-to-completion wall "Pod run to completion (median ms, lower is better)" ms docs/benchmarks-start.svg
bars logs "lines per second" "Log throughput to the journal (median lines/s, higher is better)" "lines/s" docs/benchmarks-logs.svg
bars density "start all" "N pods started at once, until every one is READY (ms, lower is better)" ms docs/benchmarks-density-start.svg
bars density "idle PSS per pod" "Supervision memory per idle pod, by PSS, as N grows (KiB, lower is better)" KiB docs/benchmarks-density-pss.svg
