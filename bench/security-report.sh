#!/usr/bin/env bash
# Turns bench/sections/security.sh's probe outputs (DIR/podman.txt, DIR/podunits.txt,
# DIR/host.txt: tests/hostile/escape-probe.c's lines; DIR/benchsec.yaml: the pod) into
# docs/security.md on stdout.
#   bench/security-report.sh DIR PODMAN_COMMAND
set -euo pipefail
dir=$1 podman_cmd=$2
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# What each check tries (escape-probe.c says how each stays harmless).
describe() {
    case $1 in
        core-pattern-write) echo "write /proc/sys/kernel/core_pattern (its current value back)";;
        sysrq-trigger) echo "write \`h\` (help) to /proc/sysrq-trigger";;
        proc-irq-write) echo "open /proc/irq/default_smp_affinity for writing";;
        sys-write) echo "write /sys/kernel/mm/ksm/pages_to_scan (its current value back)";;
        proc-kcore) echo "read /proc/kcore";;
        proc-keys) echo "read /proc/keys";;
        proc-timer-list) echo "read /proc/timer_list";;
        proc-sched-debug) echo "read /proc/sched_debug";;
        proc-latency-stats) echo "read /proc/latency_stats";;
        proc-acpi) echo "list /proc/acpi";;
        proc-scsi) echo "list /proc/scsi";;
        sys-firmware) echo "list /sys/firmware";;
        sys-powercap) echo "list /sys/devices/virtual/powercap";;
        sys-dev-block) echo "list /sys/dev/block (the host's disks, their sizes and serial numbers)";;
        proc-interrupts) echo "read /proc/interrupts (every device's interrupt counts per CPU)";;
        sys-thermal-throttle) echo "list /sys/devices/system/cpu/cpu0/thermal_throttle";;
        mknod-root-disk) echo "mknod a node of the host's root disk (in /, /tmp, /run, /dev/shm, /dev, /var/tmp), open it read-only, read 512 bytes";;
        mknod-loop-device) echo "the same with an unbound loop device (this machine keeps its root disk closed even to its root)";;
        dev-node-chmod) echo "chmod /dev/null to the mode it has (the host's node would take it)";;
        stdin-chmod) echo "fchmod stdin, which is /dev/null, to the mode it has (the host's node would take it)";;
        mount-tmpfs) echo "mount a tmpfs";;
        unshare-user) echo "unshare(CLONE_NEWUSER)";;
        keyctl) echo "keyctl(KEYCTL_GET_KEYRING_ID)";;
        init-module) echo "init_module of an empty image";;
        open-by-handle-at) echo "open_by_handle_at (the \"shocker\" call)";;
        kexec-load) echo "kexec_load (arguments refused after the permission check)";;
        kexec-file-load) echo "kexec_file_load (arguments refused after the permission check)";;
        bpf-prog-load) echo "bpf(BPF_PROG_LOAD) of nothing";;
        userfaultfd) echo "userfaultfd(UFFD_USER_MODE_ONLY)";;
        perf-event-open) echo "perf_event_open of a counter of itself";;
        setns) echo "setns into its own UTS namespace";;
        iopl) echo "iopl(0) (no port access; only a filter refuses it)";;
        reboot) echo "reboot with wrong magic numbers";;
        dmesg) echo "read the kernel log (syslog READ_ALL)";;
        settimeofday) echo "settimeofday with nothing to set";;
        ptrace-host-pid) echo "PTRACE_SEIZE a host process outside the pod";;
        ptrace-pod-processes) echo "PTRACE_SEIZE every visible process of another cgroup";;
        proc1-root) echo "list /proc/1/root when PID 1 has another root";;
        proc-pid-roots) echo "list /proc/PID/root of every visible process with another root";;
        setns-pid1-mnt) echo "join PID 1's mount namespace";;
        chroot-breakout) echo "climb out of a chroot with .. and chroot(\".\")";;
        *) echo "";;
    esac
}

# verdict FILE CHECK -> "blocked EPERM", "masked", "**ESCAPED**", ... or "no line"
verdict() {
    awk -v c="$2" '
        index($0, "check " c ": ") == 1 {
            split(substr($0, length("check " c ": ") + 1), w, " ")
            if (w[1] == "blocked") print "blocked " w[2]
            else if (w[1] == "ESCAPED") print "**ESCAPED**"
            else print w[1]
            found = 1; exit
        }
        END { if (!found) print "no line" }' "$1"
}
# The checkout's commit, "+ changes" when files other than this document differ from it.
commit() {
    local id; id=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null) || { echo unknown; return; }
    if [ -n "$(git -C "$repo" status --porcelain -- . ':!docs/security.md' 2>/dev/null)" ]; then id="$id + changes"; fi
    echo "$id"
}
refused() { case $1 in blocked*|masked|missing|contained) return 0;; *) return 1;; esac; }

checks=$(grep -ho '^check [a-z0-9-]*' "$dir/podunits.txt" "$dir/podman.txt" "$dir/host.txt" | awk '!seen[$2]++ { print $2 }')
podman_version=$(podman --version 2>/dev/null | awk '{ print $3 }')
podman_version=${podman_version:-unknown}
rows="" misses=0 podunits_escapes=0 podman_escapes=0
for c in $checks; do
    p=$(verdict "$dir/podman.txt" "$c"); u=$(verdict "$dir/podunits.txt" "$c"); h=$(verdict "$dir/host.txt" "$c")
    ok=yes
    if refused "$p" && ! refused "$u"; then ok="**NO**"; misses=$((misses + 1)); fi
    refused "$u" || podunits_escapes=$((podunits_escapes + 1))
    refused "$p" || podman_escapes=$((podman_escapes + 1))
    rows+="| \`$c\` | $(describe "$c") | $p | $u | $ok | $h |"$'\n'
done

cat <<DOC
# Security: a hostile container under podman and under PodUnits

Written by \`bench/sections/security.sh\` from a run that ended $(date -u '+%Y-%m-%d %H:%M UTC'), at
commit $(commit); regenerate it with

    sudo bench/run.sh security

The table is issue 16's hostile-container suite: [tests/hostile/escape-probe.c](../tests/hostile/escape-probe.c),
a static program that tries, one line per check, each way a root container reaches its
host (every check is harmless when it succeeds: it writes back values it read, reads at
most 512 bytes, or passes arguments the kernel rejects after its permission check). It ran
from the same busybox root filesystem under

- **podman $podman_version default**: \`podman run\` with podman's default profile (its seccomp
  profile, masked and read-only paths, capability set, device cgroup);
- **PodUnits default**: a pod (\`systemctl start pod@benchsec\`) with the default
  securityContext, the probe given in a readOnly hostPath volume.

Both ran inside the throwaway systemd host of the tests and benchmarks
(tests/sandbox/sandbox.sh, systemd-nspawn) started without nspawn's own system call filter
(\`--no-seccomp\`), so the only filters are the ones podman and PodUnits install; nspawn's
capability bounding set still applies to everything in it, and this machine keeps its root
disk closed even to its own root. The last column, the probe run as a plain service of that
host without any container, shows which refusals come from the sandbox or the kernel
(kernel $(uname -r)) and not from the container runtime.

**blocked ERRNO**: refused (EPERM/EACCES/EROFS: permission or read-only; ESRCH: not
visible; ENOSYS: podman's filter answers "no such call", or the kernel lacks it).
**masked**: the file is covered by an empty one. **missing**: not on this kernel.
**contained**: it reached only the container's own things. **ESCAPED**: the protection is
missing. PodUnits must refuse at least everything podman refuses (the "PodUnits ≥ podman"
column); the integration tests (tests/PodUnits.IntegrationTests/Confinement) require every
check refused.

Escaped: podman $podman_escapes, PodUnits $podunits_escapes of $(printf '%s\n' $checks | grep -c .) checks. Checks podman refuses and PodUnits does not: $misses.

| check | what it tries | podman $podman_version default | PodUnits default | PodUnits ≥ podman | sandbox host, no container |
| --- | --- | --- | --- | --- | --- |
${rows}
## Exact commands

Inside the sandbox started by \`tests/sandbox/sandbox.sh --no-seccomp\` (see bench/run.sh),
with podman set up by bench/inside.sh:

- podman: \`systemd-run --wait --pipe $podman_cmd\`
- PodUnits: \`systemctl start pod@benchsec\` with /etc/podunits/pods/benchsec.yaml:

\`\`\`yaml
$(cat "$dir/benchsec.yaml")
\`\`\`

- the sandbox host: \`systemd-run --wait --pipe\` of the probe with the same environment.

## Probe output

podman:

\`\`\`
$(cat "$dir/podman.txt")
\`\`\`

PodUnits:

\`\`\`
$(cat "$dir/podunits.txt")
\`\`\`

The sandbox host, no container:

\`\`\`
$(cat "$dir/host.txt")
\`\`\`
DOC
