#!/usr/bin/env bash
# Checks the sandbox itself: two sandboxes at once both boot a running systemd, exit
# statuses pass through, --no-seccomp leaves nspawn's system call filter out, and afterwards
# no mount or process of theirs is left.
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
passed=0; failed=0
check() { # description, command...
    local what=$1; shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: sandbox: $what"; fi
}
tmp=$(mktemp -d)
id="selftest-$$"
no_leftovers() {
    ! grep -q "$id" /proc/self/mountinfo &&
        ! ls /run/podunits-sandbox /var/tmp/podunits-sandbox 2>/dev/null | grep -q "$id"
}
# Each says whether its systemd (PID 1) runs under a seccomp filter (proc(5): Seccomp 2).
tests/sandbox/sandbox.sh --name "$id-a" -- sh -c 'sleep 1; systemctl is-system-running; grep "^Seccomp:" /proc/1/status; exit 3' >"$tmp/a" 2>&1 & a=$!
tests/sandbox/sandbox.sh --name "$id-b" --no-seccomp -- sh -c 'sleep 1; systemctl is-system-running; grep "^Seccomp:" /proc/1/status; exit 4' >"$tmp/b" 2>&1 & b=$!
wait $a; ra=$?; wait $b; rb=$?
check "first of two parallel sandboxes passes its exit status through" [ "$ra" = 3 ]
check "second of two parallel sandboxes passes its exit status through" [ "$rb" = 4 ]
check "both parallel sandboxes ran a real systemd" grep -qE '^(running|degraded)$' "$tmp/a"
check "both parallel sandboxes ran a real systemd (2)" grep -qE '^(running|degraded)$' "$tmp/b"
check "a sandbox's systemd runs under nspawn's system call filter" grep -qE '^Seccomp:[[:space:]]+2$' "$tmp/a"
check "with --no-seccomp it runs under none" grep -qE '^Seccomp:[[:space:]]+0$' "$tmp/b"
check "no mount or state of either is left" no_leftovers
# A background job of a script ignores SIGINT, so the interruption is a SIGTERM here.
tests/sandbox/sandbox.sh --name "$id-c" -- sleep 60 >/dev/null 2>&1 & c=$!
sleep 3; kill -TERM $c; wait $c; rc=$?
check "a terminated sandbox exits 143" [ "$rc" = 143 ]
check "a terminated sandbox leaves no mount or state" no_leftovers
check "a terminated sandbox leaves no process" sh -c "! pgrep -f 'sandbox-cm[d].*sleep 60' >/dev/null"
rm -rf "$tmp"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
