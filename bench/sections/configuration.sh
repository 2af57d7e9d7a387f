#!/usr/bin/env bash
# What configuration costs (issue 18: at most 10 ms of start): systemctl start until READY
# of the same idle pod with two ConfigMap volumes, one Secret volume and ten env references
# (configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef, envFrom), against the pod
# without them. The objects sit in the pod's file and in /etc/podunits/configmaps, so both
# places are read.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/lib.sh"
rootfs=$BENCH_ROOTFS

mkdir -p /etc/podunits/configmaps
cat >/etc/podunits/configmaps/bench-shared.yaml <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata: {name: bench-shared}
data: {region: eu-west, tier: gold, log.level: info}
YAML
cat >/etc/podunits/pods/cfgplain.yaml <<YAML
apiVersion: v1
kind: Pod
metadata: {name: cfgplain}
spec:
  hostNetwork: true
  restartPolicy: Never
  containers:
  - name: main
    image: "dir:$rootfs"
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]
    resources: {limits: {memory: 64Mi}}
YAML
cat >/etc/podunits/pods/cfgfull.yaml <<YAML
apiVersion: v1
kind: Pod
metadata: {name: cfgfull, labels: {app: bench}}
spec:
  hostNetwork: true
  restartPolicy: Never
  volumes:
  - {name: app, configMap: {name: bench-app}}
  - {name: shared, configMap: {name: bench-shared, items: [{key: region, path: region}]}}
  - {name: creds, secret: {secretName: bench-creds, defaultMode: 0400}}
  containers:
  - name: main
    image: "dir:$rootfs"
    command: ["/bin/sh", "-c", "trap 'exit 0' TERM; sleep infinity & wait"]
    resources: {limits: {memory: 64Mi}}
    volumeMounts:
    - {name: app, mountPath: /etc/app}
    - {name: shared, mountPath: /etc/shared}
    - {name: creds, mountPath: /run/creds}
    envFrom:
    - {prefix: SHARED_, configMapRef: {name: bench-shared}}
    env:
    - {name: A1, valueFrom: {configMapKeyRef: {name: bench-app, key: a1}}}
    - {name: A2, valueFrom: {configMapKeyRef: {name: bench-app, key: a2}}}
    - {name: A3, valueFrom: {configMapKeyRef: {name: bench-shared, key: tier}}}
    - {name: U, valueFrom: {secretKeyRef: {name: bench-creds, key: user}}}
    - {name: P, valueFrom: {secretKeyRef: {name: bench-creds, key: password}}}
    - {name: N, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
    - {name: APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: bench-app}
data:
  a1: one
  a2: two
  app.properties: |
    color=blue
    size=10
---
apiVersion: v1
kind: Secret
metadata: {name: bench-creds}
stringData: {user: admin, password: s3cr3t}
YAML
systemctl daemon-reload

echo "start until READY with and without configuration (ms)"
pod_starts configuration cfgplain "podunits: no configuration" cfgfull "podunits: 2 ConfigMap + 1 Secret volumes, 10 env refs"
rm -f /etc/podunits/pods/cfgplain.yaml /etc/podunits/pods/cfgfull.yaml /etc/podunits/configmaps/bench-shared.yaml
systemctl daemon-reload
