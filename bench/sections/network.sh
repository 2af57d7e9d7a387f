#!/usr/bin/env bash
# What a pod's own network costs (the default CNI network: bridge podunits0, host-local
# IPAM, portmap, firewall; packaging/net.d/podunits.conflist), against podman's default
# network and systemd-nspawn --network-veth, all in the sandbox's private network namespace:
# nothing here contacts any address but the sandbox's own, its pods' and its containers'.
# 1. systemctl start until READY (and stop until inactive) of a busybox httpd publishing
#    one port: a PodUnits pod on the default network (hostPort 18080), the same pod with
#    hostNetwork (no CNI at all), the same pod on a bridge-only network (bridge and host-local
#    IPAM alone: no NAT, no published port, no firewall rule, so about what nspawn's veth
#    does), podman run -p 18081:80 on its default network and nspawn --network-veth, each a
#    service that is READY once the server runs; alternating.
# 2. TCP throughput host -> pod/container with iperf3: the server is the host's iperf3
#    entered into each network namespace (nsenter --net), so only the network path differs.
# 3. Request latency: HTTP fetches of a tiny file, each on a new TCP connection (curl).
# 4. CNI ADD and DEL of the same conflist by the plugins alone (no PodUnits), in a fresh
#    network namespace: the floor under PodUnits' network set-up.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
rootfs=$BENCH_ROOTFS
conflist=/usr/lib/podunits/net.d/podunits.conflist
dir=$(mktemp -d)
veth_host=10.123.0.1 veth_ct=10.123.0.2   # nspawn's veth pair: private, inside the sandbox
mkdir -p "$rootfs/www"
echo "hello from the bench" >"$rootfs/www/index.html"

cat >/etc/podunits/pods/benchnet.yaml <<YAML
apiVersion: v1
kind: Pod
metadata: {name: benchnet}
spec:
  containers:
  - name: web
    image: "dir:$rootfs"
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; httpd -f -p 80 -h /www & wait"]
    ports: [{containerPort: 80, hostPort: 18080}]
YAML
cat >/etc/podunits/pods/benchnethost.yaml <<YAML
apiVersion: v1
kind: Pod
metadata: {name: benchnethost}
spec:
  hostNetwork: true
  containers:
  - name: web
    image: "dir:$rootfs"
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; httpd -f -p 18082 -h /www & wait"]
YAML
# The bridge-only network: what CNI costs without a single iptables rule.
mkdir -p /etc/podunits/net.d
cat >/etc/podunits/net.d/benchbridge.conflist <<'JSON'
{"cniVersion": "1.0.0", "name": "benchbridge", "plugins": [
  {"type": "bridge", "bridge": "benchbr0", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.124.0.0/24"}]]}}]}
JSON
cat >/etc/podunits/pods/benchnetbridge.yaml <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: benchnetbridge
  annotations: {podunits.io/network: benchbridge}
spec:
  containers:
  - name: web
    image: "dir:$rootfs"
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; httpd -f -p 80 -h /www & wait"]
YAML
systemctl daemon-reload

nspawn_up="systemd-run -q --collect --unit=bench-nspawn-net -p Type=notify systemd-nspawn -q --register=yes --notify-ready=no --network-veth -M benchveth -D $rootfs /bin/httpd -f -p 80 -h /www"
podman_up="systemd-run -q --collect --unit=bench-podman-net -p Type=notify -p NotifyAccess=all podman run --rm --sdnotify=conmon --name benchpodnet -p 18081:80 -v $rootfs/www:/www:ro localhost/busybox:bench httpd -f -p 80 -h /www"
up() {
    case $1 in
        podunits) systemctl start pod@benchnet;;
        podunits-host) systemctl start pod@benchnethost;;
        podunits-bridge) systemctl start pod@benchnetbridge;;
        nspawn) $nspawn_up;;
        podman) $podman_up;;
    esac
}
down() {
    case $1 in
        podunits) systemctl stop pod@benchnet;;
        podunits-host) systemctl stop pod@benchnethost;;
        podunits-bridge) systemctl stop pod@benchnetbridge;;
        nspawn) systemctl stop bench-nspawn-net;;
        # busybox httpd as the container's PID 1 ignores podman's forwarded SIGTERM, so
        # systemctl stop alone would wait out its timeout: kill it as nspawn kills its
        # payload (SIGKILL), then the unit ends with podman run's own --rm clean-up.
        podman) podman stop -t 0 benchpodnet && systemctl stop bench-podman-net;;
    esac
}
iperf_pids=()
cleanup() {
    local p
    for p in ${iperf_pids[@]+"${iperf_pids[@]}"}; do [ -s "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
    for who in podunits podunits-host podunits-bridge nspawn podman; do down "$who" >/dev/null 2>&1 || true; done
    podman rm -f -t 0 benchpodnet >/dev/null 2>&1 || true
    systemctl stop bench-podman-net 2>/dev/null || true
    systemctl reset-failed pod@benchnet pod@benchnethost pod@benchnetbridge bench-nspawn-net bench-podman-net 2>/dev/null || true
    ip netns del benchcni 2>/dev/null || true
    rm -f /etc/podunits/pods/benchnet.yaml /etc/podunits/pods/benchnethost.yaml /etc/podunits/pods/benchnetbridge.yaml \
        /etc/podunits/net.d/benchbridge.conflist
    ip link del benchbr0 2>/dev/null || true
    systemctl daemon-reload
    rm -rf "$dir" "$rootfs/www"
}
trap cleanup EXIT

nspawn_leader() { machinectl show benchveth -p Leader --value; }
# nspawn --network-veth makes the pair (ve-benchveth on the host, host0 inside) and leaves
# its addresses to systemd-networkd, which this host does not run: set them by hand.
nspawn_address() {
    local leader; leader=$(nspawn_leader)
    ip addr add "$veth_host/24" dev ve-benchveth && ip link set ve-benchveth up &&
        nsenter -t "$leader" -n sh -c "ip addr add $veth_ct/24 dev host0 && ip link set host0 up"
}
pod_ip() { jq -r '.ips[0]' "/run/podunits/state/${1:-benchnet}/network.json"; }
podman_ip() { podman inspect -f '{{.NetworkSettings.IPAddress}}' benchpodnet; }
podman_pid() { podman inspect -f '{{.State.Pid}}' benchpodnet; }
fetch() { curl -sf -m 3 -o /dev/null "$1"; }
# until URL: the server is READY before it listens only in podman's case (conmon's READY
# comes when the container starts); give every server a moment, untimed.
until_serves() { local _; for _ in $(seq 1 50); do fetch "$1" && return 0; sleep 0.1; done; return 1; }

echo "start until READY and stop until inactive, busybox httpd publishing one port (ms)"
declare -A label=(
    [podunits]="podunits: default network, hostPort 18080"
    [podunits-host]="podunits: hostNetwork (no CNI)"
    [podunits-bridge]="podunits: bridge-only network (no NAT, port or firewall)"
    [nspawn]="nspawn --network-veth as Type=notify service"
    [podman]="podman run -p 18081:80, default network, sdnotify=conmon service")
command_of network "${label[podunits]}" "systemctl start pod@benchnet (hostPort 18080 -> containerPort 80, busybox httpd); systemctl stop pod@benchnet"
command_of network "${label[podunits-host]}" "systemctl start pod@benchnethost (hostNetwork: true, busybox httpd); systemctl stop pod@benchnethost"
command_of network "${label[podunits-bridge]}" "systemctl start pod@benchnetbridge (podunits.io/network: benchbridge = bridge benchbr0 + host-local, ipMasq false; busybox httpd); systemctl stop pod@benchnetbridge"
command_of network "${label[nspawn]}" "$nspawn_up; systemctl stop bench-nspawn-net"
command_of network "${label[podman]}" "$podman_up; podman stop -t 0 benchpodnet && systemctl stop bench-podman-net"
served=""
for run in $(seq 0 "$BENCH_RUNS"); do
    for who in $(rotated "$run" podunits podunits-host podunits-bridge nspawn podman); do   # no one always after the same stop
        t0=$(now_ns)
        if ! up "$who" >/dev/null 2>"$dir/err"; then
            echo "$who" >>"$dir/failed"; echo "    $who: start failed: $(head -c 300 "$dir/err")" >&2
            down "$who" >/dev/null 2>&1 || true; systemctl reset-failed bench-nspawn-net bench-podman-net 2>/dev/null || true
            continue
        fi
        t1=$(now_ns)
        if [ "$run" = 0 ]; then   # warm-up, and proof that each one serves (untimed)
            case $who in
                podunits) until_serves "http://$(pod_ip)/index.html" && until_serves http://127.0.0.1:18080/index.html && served+=" podunits";;
                podunits-host) until_serves http://127.0.0.1:18082/index.html && served+=" podunits-host";;
                podunits-bridge) until_serves "http://$(pod_ip benchnetbridge)/index.html" && served+=" podunits-bridge";;
                nspawn) nspawn_address && until_serves "http://$veth_ct/index.html" && served+=" nspawn";;
                podman) until_serves "http://$(podman_ip)/index.html" && until_serves http://127.0.0.1:18081/index.html && served+=" podman";;
            esac
        fi
        t2=$(now_ns)
        down "$who" >/dev/null 2>&1 || true
        t3=$(now_ns)
        # podman run --rm removes its container on the way out; make sure (untimed).
        [ "$who" != podman ] || ! podman container exists benchpodnet || podman rm -f -t 0 benchpodnet >/dev/null 2>&1 || true
        [ "$run" = 0 ] && continue
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >>"$dir/$who.up"
        awk -v a="$t2" -v b="$t3" 'BEGIN { printf "%.3f\n", (b - a) / 1e6 }' >>"$dir/$who.down"
    done
done
note() { # WHO -> failures and whether it served at all
    local n; n=$(grep -cx "$1" "$dir/failed" 2>/dev/null || true)
    [ "${n:-0}" = 0 ] || printf '%s failed starts; ' "$n"
    case " $served " in *" $1 "*) echo "served HTTP";; *) echo "did NOT serve HTTP";; esac
}
for who in podunits podunits-host podunits-bridge nspawn podman; do
    touch "$dir/$who.up" "$dir/$who.down"
    record network "${label[$who]}" "start to READY" ms "$dir/$who.up" "$(note "$who")"
done
for who in podunits podunits-host podunits-bridge nspawn podman; do
    record network "${label[$who]}" "stop to inactive" ms "$dir/$who.down" \
        "$([ "$who" = podman ] && echo "podman stop -t 0 (SIGKILL, as nspawn kills its payload), then systemctl stop")"
done

echo "TCP throughput and request latency, host to pod/container"
# The three stay up for both measurements.
up podunits && up nspawn && up podman || { echo "    could not start the servers" >&2; exit 1; }
nspawn_address
podip=$(pod_ip) pmip=$(podman_ip)
until_serves "http://$podip/index.html" && until_serves "http://$veth_ct/index.html" &&
    until_serves "http://$pmip/index.html" || echo "    a server does not answer" >&2
# Loopback: the ceiling, no veth at all (a host-network busybox httpd for the latency).
systemctl start pod@benchnethost

iperf_server() { # NAME NSENTER-ARGS...: iperf3 -s in that network namespace
    local name=$1; shift
    iperf_pids+=("$dir/iperf-$name.pid")
    "$@" iperf3 -s -D -1 --forceflush -I "$dir/iperf-$name.pid" >/dev/null
}
declare -A tlabel=(
    [podunits]="podunits: pod IP (bridge podunits0 + veth)"
    [nspawn]="nspawn --network-veth (veth)"
    [podman]="podman: container IP (bridge cni-podman0 + veth)"
    [loopback]="ceiling: loopback (no veth)")
declare -A tnote=(
    [podunits]="server: the host's iperf3 in the pod's network namespace (nsenter --net=/run/podunits/netns/benchnet)"
    [nspawn]="server: the host's iperf3 in the container's network namespace (nsenter -t LEADER -n)"
    [podman]="server: the host's iperf3 in the container's network namespace (nsenter -t PID -n)"
    [loopback]="server and client on the host, 127.0.0.1")
declare -A target=([podunits]=$podip [nspawn]=$veth_ct [podman]=$pmip [loopback]=127.0.0.1)
serve_iperf() {
    case $1 in
        podunits) iperf_server "$1" nsenter --net=/run/podunits/netns/benchnet;;
        nspawn) iperf_server "$1" nsenter -t "$(nspawn_leader)" -n;;
        podman) iperf_server "$1" nsenter -t "$(podman_pid)" -n;;
        loopback) iperf_server "$1" env;;
    esac
}
secs=3
declare -A tserver=([podunits]="nsenter --net=/run/podunits/netns/benchnet iperf3 -s -1"
    [nspawn]="nsenter -t \$(machinectl show benchveth -p Leader --value) -n iperf3 -s -1"
    [podman]="nsenter -t \$(podman inspect -f {{.State.Pid}} benchpodnet) -n iperf3 -s -1" [loopback]="iperf3 -s -1")
for who in podunits nspawn podman loopback; do
    command_of network "${tlabel[$who]}" "${tserver[$who]} -D; iperf3 -c ${target[$who]} -t $secs -J"
done
for run in $(seq 0 "$BENCH_RUNS"); do
    for who in podunits nspawn podman loopback; do
        rm -f "$dir/iperf-$who.pid"
        serve_iperf "$who"
        # -D returns before the server listens: the client retries its connect briefly.
        for _ in $(seq 1 20); do
            if out=$(iperf3 -c "${target[$who]}" -t "$secs" -J 2>/dev/null); then break; fi
            out=""; sleep 0.1
        done
        [ -n "$out" ] || { echo "    $who: iperf3 failed" >&2; continue; }
        [ "$run" = 0 ] && continue
        jq -r '.end.sum_received.bits_per_second / 1e9' <<<"$out" >>"$dir/$who.tput"
    done
done
for who in podunits nspawn podman loopback; do
    touch "$dir/$who.tput"
    record network "${tlabel[$who]}" "TCP throughput host to pod" Gbit/s "$dir/$who.tput" "$secs s per run; ${tnote[$who]}"
done

# Latency: each fetch a new TCP connection (busybox httpd closes it after the response).
declare -A llabel=(
    [podunits]="podunits: pod IP"
    [podunits-port]="podunits: hostPort 18080 on 127.0.0.1 (portmap DNAT)"
    [nspawn]="nspawn --network-veth: container IP"
    [podman]="podman: container IP"
    [podman-port]="podman: -p 18081 on 127.0.0.1"
    [loopback]="ceiling: loopback, host-network httpd")
declare -A url=(
    [podunits]="http://$podip/index.html" [podunits-port]="http://127.0.0.1:18080/index.html"
    [nspawn]="http://$veth_ct/index.html" [podman]="http://$pmip/index.html"
    [podman-port]="http://127.0.0.1:18081/index.html" [loopback]="http://127.0.0.1:18082/index.html")
per=20
for who in podunits podunits-port nspawn podman podman-port loopback; do
    command_of network "${llabel[$who]}" "curl -s -o /dev/null -H 'Connection: close' -w '%{time_total}' ${url[$who]} ($per URLs per curl, each a new connection)"
done
for run in $(seq 0 "$BENCH_RUNS"); do
    for who in podunits podunits-port nspawn podman podman-port loopback; do
        urls=(); for _ in $(seq 1 "$per"); do urls+=(-o /dev/null "${url[$who]}"); done
        out=$(curl -s -m 10 -H 'Connection: close' -w '%{http_code} %{time_total}\n' "${urls[@]}" || true)
        [ "$run" = 0 ] && continue
        awk -v who="$who" '$1 == 200 { printf "%.3f\n", $2 * 1000 } $1 != 200 { bad++ }
            END { if (bad) print "    " who ": " bad " fetches failed" > "/dev/stderr" }' <<<"$out" >>"$dir/$who.lat"
    done
done
for who in podunits podunits-port nspawn podman podman-port loopback; do
    touch "$dir/$who.lat"
    record network "${llabel[$who]}" "HTTP fetch, new connection" ms "$dir/$who.lat" "${per} fetches per run"
done
for who in podunits nspawn podman podunits-host; do down "$who" >/dev/null 2>&1 || true; done

echo "CNI ADD and DEL of $conflist by the plugins alone (ms)"
# What PodUnits' CNI runtime does, without it: each plugin of the list in turn with the
# list's name and cniVersion, portMappings for the plugin that declares the capability and
# the previous plugin's result; DEL in reverse order with the final result. Timed with
# $EPOCHREALTIME around the plugin's own process only.
ip netns add benchcni
plugins=$(jq -r '.plugins[].type' "$conflist")
count=$(jq '.plugins | length' "$conflist")
plugin_conf() { # INDEX PREV-RESULT -> the plugin's stdin
    jq -c --argjson i "$1" --argjson prev "$2" '
        .name as $n | .cniVersion as $v | .plugins[$i] as $p
        | $p + {name: $n, cniVersion: $v}
        + (if ($p.capabilities.portMappings // false) then
              {runtimeConfig: {portMappings: [{hostPort: 18083, containerPort: 80, protocol: "tcp"}]}} else {} end)
        + (if $prev == null then {} else {prevResult: $prev} end)
' "$conflist"
}
cni() { # COMMAND TYPE CONF -> result on stdout
    CNI_COMMAND=$1 CNI_CONTAINERID=benchcni CNI_NETNS=/run/netns/benchcni CNI_IFNAME=eth0 \
        CNI_PATH=/usr/lib/cni "/usr/lib/cni/$2" <<<"$3"
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }'; }
command_of network "plugins alone: bridge+portmap+firewall" "ip netns add benchcni; for each plugin of $conflist: CNI_COMMAND=ADD CNI_NETNS=/run/netns/benchcni /usr/lib/cni/TYPE <conf+prevResult>; then DEL in reverse"
for run in $(seq 0 "$BENCH_RUNS"); do
    prev=null total=0 ok=1
    for i in $(seq 0 $((count - 1))); do
        type=$(jq -r ".plugins[$i].type" "$conflist")
        conf=$(plugin_conf "$i" "$prev")
        t0=$EPOCHREALTIME
        if ! res=$(cni ADD "$type" "$conf" 2>"$dir/err"); then
            echo "    $type ADD failed: $(head -c 300 "$dir/err") $res" >&2; ok=""; break
        fi
        t1=$EPOCHREALTIME
        prev=$res
        [ "$run" = 0 ] || elapsed "$t0" "$t1" >>"$dir/cni.$type"
        total=$(awk -v s="$total" -v a="$t0" -v b="$t1" 'BEGIN { print s + (b - a) * 1000 }')
    done
    [ "$run" = 0 ] || [ -z "$ok" ] || printf '%.3f\n' "$total" >>"$dir/cni.add"
    total=0
    for i in $(seq $((count - 1)) -1 0); do
        type=$(jq -r ".plugins[$i].type" "$conflist")
        conf=$(plugin_conf "$i" "$prev")
        t0=$EPOCHREALTIME
        cni DEL "$type" "$conf" >/dev/null 2>"$dir/err" || echo "    $type DEL failed: $(head -c 300 "$dir/err")" >&2
        t1=$EPOCHREALTIME
        total=$(awk -v s="$total" -v a="$t0" -v b="$t1" 'BEGIN { print s + (b - a) * 1000 }')
    done
    [ "$run" = 0 ] || printf '%.3f\n' "$total" >>"$dir/cni.del"
done
ip netns del benchcni
touch "$dir/cni.add" "$dir/cni.del"
record network "plugins alone: $(tr '\n' '+' <<<"$plugins" | sed 's/+$//')" "CNI ADD" ms "$dir/cni.add" "the plugins' processes only, no PodUnits"
for type in $plugins; do
    touch "$dir/cni.$type"
    record network "plugins alone: $type" "CNI ADD" ms "$dir/cni.$type"
done
record network "plugins alone: $(tr '\n' '+' <<<"$plugins" | sed 's/+$//')" "CNI DEL" ms "$dir/cni.del" "reverse order, with the ADD's result"
