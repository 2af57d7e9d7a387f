#!/usr/bin/python3
"""Writes a 4-layer OCI image layout for the benchmark: busybox-static with applet links,
/usr/lib/python3.11 (many small files), /usr/share/perl, and 8 MB of random bytes, each a
gzip-compressed tar. Usage: make-layout.py DIR"""
import gzip, hashlib, io, json, os, sys, tarfile

out = sys.argv[1]
os.makedirs(f"{out}/blobs/sha256", exist_ok=True)

def put(data):
    h = hashlib.sha256(data).hexdigest()
    with open(f"{out}/blobs/sha256/{h}", "wb") as f:
        f.write(data)
    return "sha256:" + h

def layer(add):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        add(t)
    tar = raw.getvalue()
    return tar, gzip.compress(tar, compresslevel=6, mtime=0)

def busybox(t):
    t.add("/bin/busybox", "bin/busybox")
    for applet in ["sh", "ls", "cat", "echo", "tar"]:
        info = tarfile.TarInfo("bin/" + applet); info.type = tarfile.SYMTYPE; info.linkname = "busybox"; t.addfile(info)

def random_data(t):
    data = os.urandom(8 << 20)
    info = tarfile.TarInfo("data/random.bin"); info.size = len(data); t.addfile(info, io.BytesIO(data))

layers = [layer(busybox),
          layer(lambda t: t.add("/usr/lib/python3.11", "usr/lib/python3.11")),
          layer(lambda t: t.add("/usr/share/perl", "usr/share/perl")),
          layer(random_data)]
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/sh"]},
                     "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(t).hexdigest() for t, _ in layers]}}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": put(config), "size": len(config)},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": put(gz), "size": len(gz)} for _, gz in layers]}).encode()
index = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": put(manifest), "size": len(manifest), "annotations": {"org.opencontainers.image.ref.name": "1"}}]}
with open(f"{out}/index.json", "w") as f: json.dump(index, f)
with open(f"{out}/oci-layout", "w") as f: json.dump({"imageLayoutVersion": "1.0.0"}, f)
print(sum(len(gz) for _, gz in layers), sum(len(t) for t, _ in layers))
