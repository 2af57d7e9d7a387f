#!/usr/bin/env bash
# Entries per second into journald: libsystemd's sd_journal_send(3) (sd_send.c) against
# PodUnits' JournalClient and its Serilog sink (PodUnits.Bench.Journal, NativeAOT), in
# alternating runs, every entry counted back. Run it inside the sandbox, whose journald has
# its rate limit off:
#
#   tests/sandbox/sandbox.sh -- bench/journal/run.sh [N] [ROUNDS]
#
# A run's time is from its first send until `journalctl --sync` returns after the sender
# exits (journald has then processed everything sent): end-to-end, journald included.
# podunits-stream (lines on one stream-protocol connection, no per-entry fields) is there to
# show what journald's stream path costs compared with a datagram per entry.
# "send" is the sender's own loop time (it blocks while journald's queue is full); "CPU" is
# the sender process's CPU time per entry (startup included), the client's own cost.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
n=${1:-50000}
rounds=${2:-5}
out=../../artifacts/bench/journal
mkdir -p "$out"

gcc -O2 -Wall -Werror -o "$out/sd_send" sd_send.c $(pkg-config --cflags --libs libsystemd)
dotnet publish PodUnits.Bench.Journal -c Release -o "$out/dotnet" --nologo -warnaserror -clp:NoSummary \
    -p:DebugType=none >"$out/publish.log" 2>&1 || { cat "$out/publish.log" >&2; exit 1; }

now() { date +%s%N; }

# run_one NAME COMMAND... : prints "end_to_end_seconds send_seconds cpu_seconds"
run_one() {
    local name=$1; shift
    local id="bench-$name-$(now)"
    local match="BENCH_RUN=$id"
    [ "$name" != podunits-stream ] || match="SYSLOG_IDENTIFIER=$id"
    local first send_ns cpu_ns count end
    read -r first send_ns cpu_ns < <("$@" "$n" "$id")
    journalctl --sync
    end=$(now)
    count=$(journalctl --no-pager -q -o cat "$match" | wc -l)
    # --sync should mean all is in; poll briefly in case it did not (and say so).
    for _ in $(seq 1 100); do
        [ "$count" -ge "$n" ] && break
        sleep 0.1
        end=$(now)
        count=$(journalctl --no-pager -q -o cat "$match" | wc -l)
    done
    if [ "$count" -ne "$n" ]; then
        echo "run.sh: $name sent $n entries, the journal has $count" >&2
        exit 1
    fi
    awk -v e="$((end - first))" -v s="$send_ns" -v c="$cpu_ns" 'BEGIN { printf "%.4f %.4f %.4f\n", e / 1e9, s / 1e9, c / 1e9 }'
}

declare -A total send cpu
names=(libsystemd podunits-client podunits-serilog podunits-stream)
for name in "${names[@]}"; do total[$name]=""; send[$name]=""; cpu[$name]=""; done
for round in $(seq 1 "$rounds"); do
    for name in "${names[@]}"; do
        case $name in
            libsystemd) result=$(run_one "$name" "$out/sd_send");;
            podunits-client) result=$(run_one "$name" "$out/dotnet/PodUnits.Bench.Journal" client);;
            podunits-serilog) result=$(run_one "$name" "$out/dotnet/PodUnits.Bench.Journal" serilog);;
            podunits-stream) result=$(run_one "$name" "$out/dotnet/PodUnits.Bench.Journal" stream);;
        esac
        read -r e s c <<<"$result"
        total[$name]+="$e "; send[$name]+="$s "; cpu[$name]+="$c "
        echo "round $round $name: ${e}s end-to-end, ${s}s sending, ${c}s CPU" >&2
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo
echo "journald ingest, $n small entries per run, $rounds alternating rounds, medians, no entry lost"
printf '%-18s %10s %8s %16s %16s\n' sender "entries/s" ratio "send entries/s" "sender CPU us/entry"
base=""
for name in "${names[@]}"; do
    e=$(median <<<"${total[$name]}"); s=$(median <<<"${send[$name]}"); c=$(median <<<"${cpu[$name]}")
    rate=$(awk -v n="$n" -v t="$e" 'BEGIN { printf "%.0f", n / t }')
    srate=$(awk -v n="$n" -v t="$s" 'BEGIN { printf "%.0f", n / t }')
    [ -n "$base" ] || base=$rate
    printf '%-18s %10s %7.2fx %16s %16.2f\n' "$name" "$rate" "$(awk -v a="$rate" -v b="$base" 'BEGIN { print a / b }')" \
        "$srate" "$(awk -v c="$c" -v n="$n" 'BEGIN { print c * 1e6 / n }')"
done
