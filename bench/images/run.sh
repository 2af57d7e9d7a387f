#!/usr/bin/env bash
# Fetch + unpack of a 4-layer image (~75 MB unpacked) from a loopback registry
# (Debian's docker-registry): `podunits image fetch` (download, verify, unpack every layer
# into the store) against `skopeo copy` to an OCI layout plus `tar -x` of each layer.
# Both start from empty storage each run; runs alternate. Runs inside the sandbox.
#
# Section 7 of bench/run.sh (which runs it inside the sandbox with BENCH_RESULTS set);
# standalone it boots its own sandbox and prints the rows:
#   bench/images/run.sh [RUNS]       (default 7)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [ -z "${PODUNITS_BENCH_INSIDE:-}" ]; then
    [ -x artifacts/publish/podunits ] || packaging/build-release.sh >/dev/null
    exec tests/sandbox/sandbox.sh -- env PODUNITS_BENCH_INSIDE=1 "$0" "$@"
fi
if [ -z "${BENCH_RESULTS:-}" ]; then
    export BENCH_RESULTS=/dev/null
    packaging/install.sh --no-build >/dev/null
fi
source bench/lib.sh
runs=${1:-$(( BENCH_RUNS < 7 ? BENCH_RUNS : 7 ))}
work=/var/lib/podunits/bench-images   # real ext4, like the store
rm -rf "$work"; mkdir -p "$work"
trap 'kill $registry_pid 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
YAML
docker-registry serve "$work/registry.yml" >/dev/null 2>&1 &
registry_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/v2/" >/dev/null && break; sleep 0.05; done

read -r compressed uncompressed < <(/usr/bin/python3 bench/images/make-layout.py "$work/layout")
ref="127.0.0.1:$port/bench/image:1"
skopeo copy --quiet --dest-tls-verify=false "oci:$work/layout:1" "docker://$ref"
echo "insecure: [\"127.0.0.1:$port\"]" > "$work/registries.yaml"

podunits_run() {
    rm -rf "$work/store"
    PODUNITS_STORE_ROOT="$work/store" PODUNITS_REGISTRIES_CONFIG="$work/registries.yaml" \
        podunits image fetch "$ref" >/dev/null 2>&1
}
skopeo_run() {
    rm -rf "$work/oci" "$work/rootfs"
    skopeo copy --quiet --src-tls-verify=false "docker://$ref" "oci:$work/oci:1"
    local manifest i=0
    manifest=$(/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1]+"/index.json")); print(d["manifests"][0]["digest"][7:])' "$work/oci")
    for layer in $(/usr/bin/python3 -c 'import json,sys; print(" ".join(l["digest"][7:] for l in json.load(open(sys.argv[1]))["layers"]))' "$work/oci/blobs/sha256/$manifest"); do
        mkdir -p "$work/rootfs/$i"; tar -xzf "$work/oci/blobs/sha256/$layer" -C "$work/rootfs/$i"; i=$((i + 1))
    done
}
podunits_run; skopeo_run   # warm-up (page cache, registry)
# Both must have produced the same files, or the timing means nothing.
# The current unpacker version's directory (layers/vN, src/PodUnits.Images/README.md).
layers=$(ls -d "$work"/store/layers/v[0-9]* | sort -V | tail -n 1)
[ "$(ls "$layers" | wc -l)" = 4 ] || { echo "podunits: expected 4 layer dirs" >&2; exit 1; }
[ "$(find "$layers" -type f | wc -l)" = "$(find "$work/rootfs" -type f | wc -l)" ] || { echo "file counts differ" >&2; exit 1; }
echo "image: 4 layers, $((compressed / 1000)) kB compressed, $((uncompressed / 1000)) kB unpacked"
BENCH_RUNS=$runs alternate images fetch+unpack \
    "podunits image fetch" "set -e; $(declare -f podunits_run); work=$work ref=$ref podunits_run" \
    "skopeo copy + tar -x per layer" "set -e; $(declare -f skopeo_run); work=$work ref=$ref skopeo_run"
