using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>Bad manifests with the exact diagnostics (text and position) they must produce.</summary>
public sealed class DefinitionErrorTests
{
    internal static string[] Diagnose(string yaml, string file = "x.yaml", LoadOptions? options = null) =>
        [.. PodDefinitionLoader.LoadText(yaml, file, options).Diagnostics.Select(d => d.ToString())];

    public static TheoryData<string, string[]> Cases => new()
    {
        {
            // Review of 2026-12-05: a file mode of more octal digits than a long holds threw
            // past the parser (no position, exit 1, the file's other errors lost).
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: x}
            spec:
              containers: [{name: a, image: busybox}]
              volumes: [{name: c, configMap: {name: x, optional: true, defaultMode: 07777777777777777777777}}]
            """,
            [
                "x.yaml:6:73: error: spec.volumes[0].configMap.defaultMode: must be a file mode from 0 to 0777 (octal, e.g. 0644, or decimal, e.g. 420), found \"07777777777777777777777\"",
            ]
        },
        {
            // Review of 2026-12-05: a line break added lines of its own to the pod's /etc/hosts
            // and resolv.conf; and every diagnostic is one line whatever the value quoted.
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: x}
            spec:
              containers: [{name: a, image: busybox}]
              hostAliases:
                - {ip: 10.0.0.1, hostnames: [ok.local, "bad\n10.0.0.2 evil"]}
              dnsConfig:
                searches: [example.com., "x\nnameserver 192.0.2.1"]
                options: [{name: ndots, value: "2"}, {name: "a b"}]
            """,
            [
                // Definitions review of 2026-12-07, finding 10: at the item, not the list.
                "x.yaml:7:44: error: spec.hostAliases[0].hostnames[1]: \"bad\\n10.0.0.2 evil\" is not a valid host name",
                "x.yaml:9:30: error: spec.dnsConfig.searches[1]: \"x\\nnameserver 192.0.2.1\" is not a valid domain name",
                "x.yaml:10:42: error: spec.dnsConfig.options[1]: \"a b\" is not a resolv.conf option (no spaces, line breaks or ':' in a name)",
            ]
        },
        {
            // Review of 2026-12-05: a NUL cut the path the kernel used short of the one written.
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: x}
            spec:
              containers:
                - {name: a, image: busybox, volumeMounts: [{name: h, mountPath: "/data\0x"}]}
              volumes:
                - {name: h, hostPath: {path: "/srv/app\0-old"}}
                - {name: u, hostPath: {path: /srv/../etc}}
                - {name: n, hostPath: {path: "/srv/d\n[Service]\nExecStartPre=/bin/touch /x"}}
            """,
            [
                "x.yaml:6:69: error: spec.containers[0].volumeMounts[0].mountPath: \"/data\\x00x\" must not contain NUL",
                "x.yaml:8:34: error: spec.volumes[0].hostPath.path: must not contain control characters (a line break, a tab, NUL), which a unit file's RequiresMountsFor= cannot hold",
                "x.yaml:9:34: error: spec.volumes[1].hostPath.path: must not contain a \"..\" element",
                // Review of 2026-12-06: written as RequiresMountsFor=, the line break began lines of the unit's own.
                "x.yaml:10:34: error: spec.volumes[2].hostPath.path: must not contain control characters (a line break, a tab, NUL), which a unit file's RequiresMountsFor= cannot hold",
            ]
        },
        {
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: x}
            spec:
              securityContext: {appArmorProfile: {type: Localhost}, seLinuxOptions: {type: "a:b", colour: red}}
              containers:
                - {name: a, image: busybox, securityContext: {appArmorProfile: {type: Unconfined, localhostProfile: p}}}
            """,
            [
                "x.yaml:5:45: error: spec.securityContext.appArmorProfile.localhostProfile: required (a loaded AppArmor profile's name) when type is Localhost",
                "x.yaml:5:80: error: spec.securityContext.seLinuxOptions.type: \"a:b\" is not a valid SELinux type",
                "x.yaml:5:87: error: unknown field \"colour\" in spec.securityContext.seLinuxOptions",
                "x.yaml:7:105: error: spec.containers[0].securityContext.appArmorProfile.localhostProfile: only allowed when type is Localhost",
            ]
        },
        {
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: x}
            spec:
              securityContext: {fsGroup: -1, supplementalGroups: [1, g], supplementalGroupsPolicy: strict, fsGroupChangePolicy: Sometimes, runAsNonRoot: maybe}
              containers:
                - {name: a, image: busybox, securityContext: {runAsNonRoot: 1}}
            """,
            [
                "x.yaml:5:30: error: spec.securityContext.fsGroup: must be between 0 and 2147483647, found -1",
                "x.yaml:5:58: error: spec.securityContext.supplementalGroups[1]: must be an integer, found \"g\"",
                "x.yaml:5:88: error: spec.securityContext.supplementalGroupsPolicy: must be one of Merge, Strict, found \"strict\"; did you mean \"Strict\"?",
                "x.yaml:5:117: error: spec.securityContext.fsGroupChangePolicy: must be one of OnRootMismatch, Always, found \"Sometimes\"",
                "x.yaml:5:142: error: spec.securityContext.runAsNonRoot: must be true or false, found \"maybe\"",
                "x.yaml:7:65: error: spec.containers[0].securityContext.runAsNonRoot: must be true or false, found \"1\"",
            ]
        },
        {
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: x
            spec:
              containers:
                - imagee: busybox
                  name: a
            """,
            [
                "x.yaml:7:7: error: unknown field \"imagee\" in spec.containers[0]; did you mean \"image\"?",
                "x.yaml:7:7: error: spec.containers[0]: missing required field \"image\"",
            ]
        },
        {
            // Flow style, as the Kubernetes docs write it.
            """
            {apiVersion: v1, kind: Pod, spec: {containers: [{name: a, image: busybox, comand: [sh]}]}}
            """,
            ["x.yaml:1:75: error: unknown field \"comand\" in spec.containers[0]; did you mean \"command\"?"]
        },
        {
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: x
              namespce: default
            spec:
              containers:
              - name: a
                image: busybox
                tty: true
                resources:
                  requests: {memory: 1Gi}
                  limits: {memory: 100Mb, cpu: "-1"}
              nodeSelector: {disk: ssd}
            """,
            [
                "x.yaml:5:3: error: unknown field \"namespce\" in metadata; did you mean \"namespace\"?",
                "x.yaml:10:5: error: field \"tty\" in spec.containers[0] is not supported yet",
                "x.yaml:12:18: warning: field \"memory\" in spec.containers[0].resources.requests is ignored: it only matters to a Kubernetes scheduler",
                "x.yaml:13:24: error: spec.containers[0].resources.limits.memory: \"100Mb\" is not a quantity: \"Mb\" is not a unit; write 100M (powers of 1000) or 100Mi (powers of 1024)",
                "x.yaml:13:36: error: spec.containers[0].resources.limits.cpu: \"-1\" must be greater than zero",
                "x.yaml:14:3: warning: field \"nodeSelector\" in spec is ignored: it only matters to a Kubernetes scheduler",
            ]
        },
        {
            """
            apiVersion: v1
            kind: Pod
            spec:
              containers:
              - name: web
                image: busybox
                volumeMounts:
                - {name: dat, mountPath: /data}
                - {name: data, mountPath: relative}
              initContainers:
              - name: web
                image: busybox
              volumes:
              - name: data
                secret: {secretName: s}
            """,
            [
                "x.yaml:8:14: error: spec.containers[0].volumeMounts[0].name: no volume named \"dat\" in spec.volumes; did you mean \"data\"?",
                "x.yaml:9:31: error: spec.containers[0].volumeMounts[1].mountPath: must be an absolute path, found \"relative\"",
                "x.yaml:11:11: error: spec.initContainers[0].name: \"web\" is already the name of spec.containers[0]; container names must be unique in a pod",
                "x.yaml:15:26: error: spec.volumes[0].secret.secretName: Secret \"s\" not found (looked in this file and " +
                "/etc/podunits/secrets/s.yaml (or .cred), /run/podunits/secrets/s.yaml (or .cred), /usr/lib/podunits/secrets/s.yaml (or .cred)); create it, or set optional: true",
            ]
        },
        {
            """
            apiVersion: v1
            kind: Pod
            spec:
              containers: []
            """,
            ["x.yaml:4:15: error: spec.containers: must list at least one container"]
        },
        {
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: other}
            spec: {containers: [{name: a, image: busybox}]}
            """,
            ["x.yaml:3:18: error: metadata.name: \"other\" must equal the file name \"x\" (pod@NAME loads NAME.yaml); rename the file to other.yaml or change the name"]
        },
        {
            """
            apiVersion: apps/v1
            kind: Deployment
            spec: {containers: [{name: Web_1, image: busybox}]}
            """,
            // One error at the kind: none for apps/v1 or the fields a Pod lacks.
            ["x.yaml:2:7: error: kind: PodUnits runs kind: Pod; a Deployment's spec.template is a pod template: put its metadata and spec in a Pod"]
        },
        {
            """
            apiVersion: v1
            kind: Pod
            spec:
              restartPolicy: always
              dnsPolicy: None
              terminationGracePeriodSeconds: -5
              hostNetwork: maybe
              containers:
              - name: a
                image: busybox
                imagePullPolicy: IfNotPresnt
                ports:
                - containerPort: "80"
                  protocol: tcp
                - containerPort: 70000
                - containerPort: null
                  hostPort: 8080
            """,
            [
                "x.yaml:4:18: error: spec.restartPolicy: must be one of Always, OnFailure, Never, found \"always\"; did you mean \"Always\"?",
                "x.yaml:5:14: error: spec.dnsPolicy: None needs spec.dnsConfig with at least one nameserver",
                "x.yaml:6:34: warning: spec.terminationGracePeriodSeconds: -5 is negative; taken as 1, as the API server does",
                "x.yaml:7:16: error: spec.hostNetwork: must be true or false, found \"maybe\"",
                "x.yaml:11:22: error: spec.containers[0].imagePullPolicy: must be one of Always, IfNotPresent, Never, found \"IfNotPresnt\"; did you mean \"IfNotPresent\"?",
                "x.yaml:13:22: error: spec.containers[0].ports[0].containerPort: must be an integer, found the string \"80\"",
                "x.yaml:14:17: error: spec.containers[0].ports[0].protocol: must be one of TCP, UDP, SCTP, found \"tcp\"; did you mean \"TCP\"?",
                "x.yaml:15:22: error: spec.containers[0].ports[1].containerPort: must be between 1 and 65535, found 70000",
                "x.yaml:16:7: error: spec.containers[0].ports[2].containerPort: required, found null",
            ]
        },
        {
            """
            apiVersion: v1
            kind: Pod
            spec:
              containers:
              - name: a
                image: busybox
                image: busybox:2
                env:
                - name: "B=AD"
                - {name: OK, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                envFrom: [{configMapRef: {name: c}}]
                securityContext:
                  privileged: true
                  allowPrivilegeEscalation: false
                  capabilities: {add: [net_admin, CAP_SYS_TIME, NET_ADMN], drop: [all]}
                readinessProbe:
                  httpGet: {port: 80}
                  tcpSocket: {port: http}
            """,
            [
                "x.yaml:7:5: error: duplicate field \"image\" in spec.containers[0]",
                "x.yaml:9:13: error: spec.containers[0].env[0].name: \"B=AD\" is not a valid environment variable name: may contain only printable ASCII characters other than '=' (found '=')",
                "x.yaml:11:37: error: spec.containers[0].envFrom[0].configMapRef.name: ConfigMap \"c\" not found (looked in this file and " +
                "/etc/podunits/configmaps/c.yaml, /run/podunits/configmaps/c.yaml, /usr/lib/podunits/configmaps/c.yaml); create it, or set optional: true",
                "x.yaml:14:33: error: spec.containers[0].securityContext.allowPrivilegeEscalation: cannot be false when privileged is true",
                "x.yaml:15:53: error: spec.containers[0].securityContext.capabilities.add[2]: unknown capability \"NET_ADMN\"; did you mean \"CAP_NET_ADMIN\"?",
                "x.yaml:17:7: error: spec.containers[0].readinessProbe: must have exactly one of exec, tcpSocket, httpGet or grpc (found tcpSocket and httpGet)",
                "x.yaml:18:25: error: spec.containers[0].readinessProbe.tcpSocket.port: no port named \"http\" in this container's ports",
            ]
        },
        {
            // Probes and hooks only on sidecars among init containers; restartPolicy only on them.
            """
            apiVersion: v1
            kind: Pod
            spec:
              initContainers:
              - name: setup
                image: busybox
                restartPolicy: OnFailure
                readinessProbe: {exec: {command: [true]}}
                livenessProbe: {exec: {command: [true]}}
                startupProbe: {exec: {command: [true]}}
                lifecycle: {preStop: {sleep: {seconds: 1}}}
              - name: side
                image: busybox
                restartPolicy: Always
                readinessProbe: {grpc: {port: grpc}}
                startupProbe: {grpc: {port: 70000}, successThreshold: 2}
                restartPolicyRules: []
              containers:
              - name: a
                image: busybox
                restartPolicy: Always
            """,
            [
                "x.yaml:7:20: error: spec.initContainers[0].restartPolicy: must be Always (an init container that keeps running: a sidecar), found \"OnFailure\"",
                "x.yaml:8:21: error: spec.initContainers[0].readinessProbe: init containers cannot have a readiness probe (they run to completion before the pod starts); only a sidecar (restartPolicy: Always) can",
                "x.yaml:9:20: error: spec.initContainers[0].livenessProbe: init containers cannot have a liveness probe (they run to completion before the pod starts); only a sidecar (restartPolicy: Always) can",
                "x.yaml:10:19: error: spec.initContainers[0].startupProbe: init containers cannot have a startup probe (they run to completion before the pod starts); only a sidecar (restartPolicy: Always) can",
                "x.yaml:11:16: error: spec.initContainers[0].lifecycle: init containers cannot have lifecycle hooks (they run to completion before the pod starts); only a sidecar (restartPolicy: Always) can",
                "x.yaml:15:35: error: spec.initContainers[1].readinessProbe.grpc.port: must be a port number (unlike httpGet and tcpSocket, grpc cannot name a port), found \"grpc\"",
                "x.yaml:16:33: error: spec.initContainers[1].startupProbe.grpc.port: must be between 1 and 65535, found 70000",
                "x.yaml:16:59: error: spec.initContainers[1].startupProbe.successThreshold: must be 1 for a startup probe, found 2",
                "x.yaml:17:5: error: field \"restartPolicyRules\" in spec.initContainers[1] is not supported yet",
                "x.yaml:21:20: error: spec.containers[0].restartPolicy: only init containers may set it (to Always, a sidecar); a container restarts as spec.restartPolicy says",
            ]
        },
        {
            """
            apiVersion: v1
            kind: Pod
            spec:
              containers:
              - name: a
                image: busybox
                ports: [{name: http, containerPort: 8080}]
                readinessProbe:
                  httpGet:
                    scheme: http
                    port: web
                    httpHeaders: [{name: X Bad, value: v}, {value: w}]
                  terminationGracePeriodSeconds: 5
                livenessProbe:
                  exec: {command: []}
                  tcpSocket: {port: 0}
                  successThreshold: 3
                  terminationGracePeriodSeconds: 0
                startupProbe: {periodSeconds: 0}
            """,
            [
                "x.yaml:10:17: error: spec.containers[0].readinessProbe.httpGet.scheme: must be one of HTTP, HTTPS, found \"http\"; did you mean \"HTTP\"?",
                "x.yaml:11:15: error: spec.containers[0].readinessProbe.httpGet.port: no port named \"web\" in this container's ports",
                "x.yaml:12:30: error: spec.containers[0].readinessProbe.httpGet.httpHeaders[0].name: \"X Bad\" is not a valid HTTP header name: may contain only letters, digits and '-' (found ' ')",
                "x.yaml:12:48: error: spec.containers[0].readinessProbe.httpGet.httpHeaders[1]: missing required field \"name\"",
                "x.yaml:13:38: error: spec.containers[0].readinessProbe.terminationGracePeriodSeconds: only liveness and startup probes have one (a failing readiness probe does not stop the container)",
                "x.yaml:15:7: error: spec.containers[0].livenessProbe: must have exactly one of exec, tcpSocket, httpGet or grpc (found exec and tcpSocket)",
                "x.yaml:15:23: error: spec.containers[0].livenessProbe.exec.command: must list the command to run",
                "x.yaml:16:25: error: spec.containers[0].livenessProbe.tcpSocket.port: must be between 1 and 65535, found 0",
                "x.yaml:17:25: error: spec.containers[0].livenessProbe.successThreshold: must be 1 for a liveness probe, found 3",
                "x.yaml:18:38: error: spec.containers[0].livenessProbe.terminationGracePeriodSeconds: must be greater than 0, found 0",
                "x.yaml:19:19: error: spec.containers[0].startupProbe: must have exactly one of exec, tcpSocket, httpGet or grpc",
            ]
        },
        {
            // A sleep hook is bounded by the pod's grace period; tcpSocket is no hook.
            """
            apiVersion: v1
            kind: Pod
            spec:
              terminationGracePeriodSeconds: 20
              containers:
              - name: a
                image: busybox
                lifecycle:
                  postStart: {tcpSocket: {port: 80}}
                  preStop: {sleep: {seconds: 21}, exec: {command: [x]}}
                  stopSignal: SIGUSR1
              - name: b
                image: busybox
                lifecycle:
                  postStart: {}
                  preStop: {sleep: {seconds: -1}}
                livenessProbe: {exec: null}
              - name: c
                image: busybox
                lifecycle: {postStart: {httpGet: {port: 80}}, preStop: {sleep: {}}}
            """,
            [
                "x.yaml:9:19: error: spec.containers[0].lifecycle.postStart.tcpSocket: a lifecycle hook cannot use tcpSocket (Kubernetes keeps the field only for old manifests, and the kubelet fails such a hook); use exec, httpGet or sleep",
                "x.yaml:10:16: error: spec.containers[0].lifecycle.preStop: must have exactly one of exec, httpGet or sleep (found exec and sleep)",
                "x.yaml:10:34: error: spec.containers[0].lifecycle.preStop.sleep.seconds: must be at most the pod's terminationGracePeriodSeconds (20), found 21",
                "x.yaml:11:7: error: field \"stopSignal\" in spec.containers[0].lifecycle is not supported yet",
                "x.yaml:15:18: error: spec.containers[1].lifecycle.postStart: must have exactly one of exec, httpGet or sleep",
                "x.yaml:16:34: error: spec.containers[1].lifecycle.preStop.sleep.seconds: must not be negative, found -1",
                "x.yaml:17:20: error: spec.containers[1].livenessProbe: must have exactly one of exec, tcpSocket, httpGet or grpc",
                "x.yaml:20:68: error: spec.containers[2].lifecycle.preStop.sleep: missing required field \"seconds\"",
            ]
        },
        {
            // Definitions review of 2026-12-07, finding 2: every container commented out left
            // `containers:` null, which passed as a pod without containers.
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: x}
            spec:
              containers:
              # - name: web
              #   image: nginx
            """,
            ["x.yaml:5:3: error: spec.containers: must list at least one container"]
        },
        {
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: x}
            spec:
              initContainers: [{name: i, image: busybox}]
              containers: ~
            """,
            ["x.yaml:6:3: error: spec.containers: must list at least one container"]
        },
        {
            // Definitions review of 2026-12-07, finding 6: a one-of source written as null is
            // none, as Kubernetes reads it; counted as one, the variable, the envFrom entry
            // and the file were dropped without a word.
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: x}
            spec:
              containers:
              - name: a
                image: busybox
                env: [{name: A, valueFrom: {fieldRef: null}}]
                envFrom: [{configMapRef: null}]
                volumeMounts: [{name: d, mountPath: /d}]
              volumes:
              - {name: d, downwardAPI: {items: [{path: labels, fieldRef: null}]}}
            """,
            [
                "x.yaml:8:32: error: spec.containers[0].env[0].valueFrom: must have exactly one of configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef",
                "x.yaml:9:15: error: spec.containers[0].envFrom[0]: must have exactly one of configMapRef and secretRef",
                "x.yaml:12:37: error: spec.volumes[0].downwardAPI.items[0]: must have exactly one of fieldRef and resourceFieldRef",
            ]
        },
        {
            // Definitions review of 2026-12-07, finding 10: the error named the list and the
            // line of its first item, whichever item was wrong.
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: x}
            spec:
              containers: [{name: a, image: busybox}]
              dnsConfig:
                nameservers:
                - 1.1.1.1
                - 8.8.8.8
                - 10.0.0.300
            """,
            ["x.yaml:10:7: error: spec.dnsConfig.nameservers[2]: \"10.0.0.300\" is not an IP address"]
        },
        {
            "",
            ["x.yaml:1:1: error: the file is empty; expected a Kubernetes manifest"]
        },
        {
            "- a list\n",
            ["x.yaml:1:1: error: the manifest: must be a mapping, found a list"]
        },
        {
            "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: b}]}\n---\napiVersion: apps/v1\nkind: Deployment\n---\nkind: Pod\n",
            [
                "x.yaml:5:1: error: kind: \"Deployment\" cannot be in a pod definition file; a definition file holds one Pod and the ConfigMaps, Secrets and PersistentVolumeClaims it uses",
                "x.yaml:8:1: error: a second Pod in one file (the first is at line 1); a definition file holds one Pod",
            ]
        },
        {
            "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: b}\n",
            ["x.yaml:4:1: error: YAML syntax: While parsing a flow sequence, did not find expected ',' or ']'"]
        },
        {
            "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: b}, {<<: [x], name: c}]}\n",
            ["x.yaml:3:48: error: the merge key '<<' at 3:43 needs a mapping or a list of mappings, found a scalar"]
        },
        {
            "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: b, args: *nope}]}\n",
            ["x.yaml:3:47: error: alias *nope refers to an anchor that is not defined before it"]
        },
        {
            """
            apiVersion: v1
            kind: Pod
            metadata:
              annotations:
                note: "x"
                podunits.io/autostrat: "true"
                podunits.io/autostart: yes
            spec:
              hostAliases: [{ip: 10.0.0.300, hostnames: [db]}]
              dnsConfig: {nameservers: [1.1.1.1, dns.example]}
              containers:
              - {name: a, image: busybox, workingDir: tmp, stdin: true}
            """,
            [
                "x.yaml:6:5: error: metadata.annotations: unknown PodUnits annotation \"podunits.io/autostrat\"; did you mean \"podunits.io/autostart\"?",
                "x.yaml:7:5: error: metadata.annotations.podunits.io/autostart: must be \"true\" or \"false\", found \"yes\"",
                "x.yaml:9:22: error: spec.hostAliases[0].ip: \"10.0.0.300\" is not an IP address",
                "x.yaml:10:38: error: spec.dnsConfig.nameservers[1]: \"dns.example\" is not an IP address",
                "x.yaml:12:43: error: spec.containers[0].workingDir: must be an absolute path, found \"tmp\"",
                "x.yaml:12:48: error: field \"stdin\" in spec.containers[0] is not supported yet",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ReportsExactlyTheseDiagnostics(string yaml, string[] expected)
    {
        string[] actual = Diagnose(yaml);
        Assert.Equal(expected, actual);
        Assert.Null(PodDefinitionLoader.LoadText(yaml, "x.yaml").Pod);
    }

    [Fact]
    public void AliasBombIsRefusedNotExpanded()
    {
        string yaml = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
                      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
        Assert.Equal(["x.yaml:5:4: error: the document expands to more than 100000 nodes, counting 64 characters of text as one (aliases?); refusing it"], Diagnose(yaml));
    }

    [Fact]
    public void AnAliasBombOfTextIsRefusedToo()
    {
        // 2,000 aliases of one 300 KB string: a small file, two nodes a line, 600 MB of text.
        var yaml = new System.Text.StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  k0: &b \"");
        yaml.Append('x', 300_000).Append("\"\n");
        for (int i = 1; i <= 2000; i++)
        {
            yaml.Append("  k").Append(i).Append(": *b\n");
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        string[] errors = Diagnose(yaml.ToString());
        Assert.Contains(errors, e => e.Contains("expands to more than 100000 nodes, counting 64 characters of text as one", StringComparison.Ordinal));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 * 1024 * 1024);
    }

    [Theory]
    [InlineData("\"\\ud800\\u0041\"")] // a high surrogate without its low half
    [InlineData("\"\\udc00\\udc00\"")] // a low surrogate first
    [InlineData("!<t+ag> x")]             // a verbatim tag that is no URI
    public void YamlTheParserThrowsOtherwiseOnIsASyntaxErrorAtItsPlace(string value)
    {
        // Each escaped the reader as ArgumentException: "internal error", exit 1, no position.
        string[] errors = Diagnose($"apiVersion: v1\nkind: Pod\nspec: {{containers: [{{name: a, image: b, env: [{{name: A, value: {value}}}]}}]}}\n");
        Assert.StartsWith("x.yaml:3:", Assert.Single(errors), StringComparison.Ordinal);
        Assert.Contains("error: YAML syntax", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void AResourceGivenTwiceIsAnError()
    {
        string yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - name: a\n    image: busybox\n" +
            "    resources:\n      limits:\n        memory: 64Mi\n        cpu: 500m\n        memory: 4Gi\n";
        Assert.Equal(["x.yaml:12:9: error: duplicate key \"memory\" in spec.containers[0].resources.limits"], Diagnose(yaml));
    }

    [Fact]
    public void IntegersWithALeadingZeroAreOctalAsKubernetesReadsThemAndSaidSo()
    {
        string Pod(string securityContext) => "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - name: a\n    image: busybox\n" +
            $"    securityContext: {securityContext}\n";
        LoadResult octal = PodDefinitionLoader.LoadText(Pod("{runAsUser: 01000}"), "x.yaml");
        Assert.Equal(512, octal.Pod!.Containers[0].SecurityContext!.RunAsUser);
        Assert.Equal(["x.yaml:8:34: warning: spec.containers[0].securityContext.runAsUser: 01000 is octal, 512, as Kubernetes reads a number with a leading 0; write 512 to say so"],
            octal.Diagnostics.Select(d => d.ToString()));
        Assert.Equal(1000, PodDefinitionLoader.LoadText(Pod("{runAsUser: 1000}"), "x.yaml").Pod!.Containers[0].SecurityContext!.RunAsUser);
        // Hex beyond a long was read as a negative number.
        Assert.Contains("must be an integer", Assert.Single(Diagnose(Pod("{runAsUser: 0xFFFFFFFFFFFFFFFF}"))), StringComparison.Ordinal);
    }

    private static string OneContainer(string containerYaml) =>
        "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers:\n  - name: a\n    image: busybox\n" + containerYaml;

    [Fact]
    public void ZerosAndEmptyValuesTheApiServerDefaultsAreTheDefaults()
    {
        // What Helm writes for unset values: valid in a cluster, so valid here.
        LoadResult loaded = PodDefinitionLoader.LoadText(OneContainer(
            "    readinessProbe: {exec: {command: [\"true\"]}, periodSeconds: 0, timeoutSeconds: 0, successThreshold: 0, failureThreshold: 0}\n" +
            "    env: [{name: A, value: \"\", valueFrom: {fieldRef: {fieldPath: metadata.name}}}]\n"), "x.yaml");
        Assert.Empty(loaded.Diagnostics);
        Probe probe = loaded.Pod!.Containers[0].ReadinessProbe!;
        Assert.Equal((10, 1, 1, 3), (probe.PeriodSeconds, probe.TimeoutSeconds, probe.SuccessThreshold, probe.FailureThreshold));
        Assert.NotNull(loaded.Pod.Containers[0].Env[0].From);
        // A non-empty value beside valueFrom is still an error.
        Assert.Contains("value or valueFrom, not both", Assert.Single(Diagnose(OneContainer(
            "    env: [{name: A, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]\n"))), StringComparison.Ordinal);
    }

    /// <summary>Definitions review of 2026-12-07, finding 1: `valueFrom:` left empty (a Helm
    /// `if` that rendered nothing) beside a value threw NullReferenceException past the
    /// loader; Kubernetes reads it as absent, and the variable as its value.</summary>
    [Fact]
    public void AValueBesideANullValueFromIsTheValue()
    {
        foreach (string empty in new[] { "", " ~", " null" })
        {
            LoadResult loaded = PodDefinitionLoader.LoadText(OneContainer($"    env:\n    - name: A\n      value: \"1\"\n      valueFrom:{empty}\n"), "x.yaml");
            Assert.Empty(loaded.Diagnostics);
            Assert.Equal([("A", "1", (EnvSource?)null)], loaded.Pod!.Containers[0].Env.Select(e => (e.Name, e.Value, e.From)));
        }
        Assert.Equal(["x.yaml:11:18: error: spec.containers[0].env[0].valueFrom: a variable has value or valueFrom, not both"],
            Diagnose(OneContainer("    env:\n    - name: A\n      value: \"1\"\n      valueFrom: {fieldRef: {fieldPath: metadata.name}}\n")));
    }

    /// <summary>Definitions review of 2026-12-07, finding 6: a variable whose valueFrom is
    /// null has neither, and is set empty as Kubernetes sets it; it was left unset, which
    /// `${A-x}` tells apart.</summary>
    [Fact]
    public void AVariableWithANullValueFromIsSetEmpty()
    {
        LoadResult loaded = PodDefinitionLoader.LoadText(OneContainer("    env: [{name: A, valueFrom: null}]\n"), "x.yaml");
        Assert.Empty(loaded.Diagnostics);
        Assert.Equal([("A", "")], loaded.Pod!.Containers[0].Env.Select(e => (e.Name, e.Value)));
    }

    /// <summary>Definitions review of 2026-12-07, finding 6: a volume kind written as null
    /// beside another is none, as Kubernetes counts them ("exactly one kind" said otherwise);
    /// alone it is still refused for the field it lacks.</summary>
    [Fact]
    public void AVolumeKindWrittenAsNullIsNone()
    {
        string Pod(string volume) => "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: a, image: busybox}]\n" +
            $"  volumes: [{volume}]\n";
        LoadResult loaded = PodDefinitionLoader.LoadText(Pod("{name: v, configMap: null, hostPath: {path: /srv}}"), "x.yaml");
        Assert.Empty(loaded.Diagnostics);
        Assert.Equal("/srv", Assert.Single(loaded.Pod!.Volumes).HostPath!.Path);
        Assert.Equal(["x.yaml:6:13: error: spec.volumes[0].hostPath: missing required field \"path\""], Diagnose(Pod("{name: v, hostPath: null}")));
    }

    /// <summary>Definitions review of 2026-12-07, finding 1: an error at a null node (a
    /// mapper's `Value(...)!` of a field written as null) threw NullReferenceException.</summary>
    [Fact]
    public void AnErrorAtANullNodeIsAnErrorOfTheFileNotACrash()
    {
        var ctx = new PodUnits.Definitions.Parsing.ParseContext("x.yaml");
        ctx.Error(null, "m");
        ctx.Warning(null, "w");
        Assert.Equal(["x.yaml:1:1: error: m", "x.yaml:1:1: warning: w"], ctx.Sorted().Select(d => d.ToString()));
    }

    [Fact]
    public void AMilliByteLimitIsWarnedOfAndAZeroRequestIsNone()
    {
        LoadResult loaded = PodDefinitionLoader.LoadText(OneContainer("    resources: {limits: {memory: 500m}, requests: {cpu: 0, memory: 0}}\n"), "x.yaml");
        Assert.NotNull(loaded.Pod);
        Assert.Contains(loaded.Diagnostics, d => d.ToString().Contains("warning: spec.containers[0].resources.limits.memory: \"500m\" is thousandths of a byte", StringComparison.Ordinal)
            && d.ToString().EndsWith("did you mean 500Mi?", StringComparison.Ordinal));
        Assert.DoesNotContain(loaded.Diagnostics, d => d.IsError);
    }

    /// <summary>Definitions review of 2026-12-06, finding 2: a zero request is none however
    /// it is written, as the API server takes it.</summary>
    [Theory]
    [InlineData("0m")]
    [InlineData("0Mi")]
    [InlineData("\"0.0\"")]
    public void AZeroRequestInAnySpellingIsNone(string zero)
    {
        LoadResult loaded = PodDefinitionLoader.LoadText(OneContainer($"    resources: {{limits: {{memory: 64Mi}}, requests: {{cpu: {zero}, memory: {zero}}}}}\n"), "x.yaml");
        Assert.DoesNotContain(loaded.Diagnostics, d => d.IsError);
        Assert.Equal(64L << 20, loaded.Pod!.Containers[0].Requests.MemoryBytes); // none asked: the limit, as defaulted
    }

    /// <summary>Definitions review of 2026-12-06, finding 1: a container's request above its
    /// limit is refused, as the API server refuses it (the downward API showed it).</summary>
    [Fact]
    public void AContainersRequestAboveItsLimitIsRefused()
    {
        string[] errors = Diagnose(OneContainer("    resources: {limits: {cpu: 1, memory: 64Mi}, requests: {cpu: 2, memory: 32Mi}}\n"));
        Assert.Equal(["x.yaml:8:65: error: spec.containers[0].resources.requests.cpu: 2000m is more than its limit of 1000m; a request must not exceed its limit"],
            errors.Where(e => e.Contains(": error: ", StringComparison.Ordinal)));
    }

    /// <summary>Review of the merged systemd change (2026-12-07), finding 6: once requests was a
    /// supported field (requests.cpu weighs CPU), a misspelt cpu or a scheduler-only request
    /// passed without a word.</summary>
    [Fact]
    public void AnyRequestButCpuAndMemoryIsWarnedOf()
    {
        string[] warnings = [.. Diagnose(OneContainer("    resources: {requests: {cpuu: 1, ephemeral-storage: 1Gi}}\n")).Where(e => e.Contains(": warning: ", StringComparison.Ordinal))];
        Assert.Equal([
            "x.yaml:8:28: warning: resource \"cpuu\" in spec.containers[0].resources.requests is ignored; did you mean \"cpu\"?",
            "x.yaml:8:37: warning: field \"ephemeral-storage\" in spec.containers[0].resources.requests is ignored: it only matters to a Kubernetes scheduler",
        ], warnings);
    }

    /// <summary>Definitions review of 2026-12-06, finding 3: a subPath may start with ".."
    /// ("..data" is a name); only a ".." element leaves the volume.</summary>
    [Theory]
    [InlineData("..data", true)]
    [InlineData("a/..b", true)]
    [InlineData("../x", false)]
    [InlineData("a/../../x", false)]
    public void ASubPathMayStartWithTwoDotsButNotClimb(string subPath, bool valid)
    {
        string[] errors = Diagnose("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  volumes: [{name: v, emptyDir: {}}]\n  containers:\n  - name: a\n    image: busybox\n" +
            $"    volumeMounts: [{{name: v, mountPath: /d, subPath: \"{subPath}\"}}]\n");
        Assert.Equal(valid, errors.Length == 0);
    }

    [Fact]
    public void ASubPathExprLeavingItsVolumeIsRefusedAtLoad()
    {
        string[] errors = Diagnose("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  volumes: [{name: v, emptyDir: {}}]\n  containers:\n  - name: a\n    image: busybox\n" +
            "    env: [{name: X, value: y}]\n    volumeMounts: [{name: v, mountPath: /d, subPathExpr: \"../$(X)\"}]\n");
        Assert.StartsWith("x.yaml:10:", Assert.Single(errors), StringComparison.Ordinal);
        Assert.Contains("subPathExpr: \"../$(X)\"", errors[0], StringComparison.Ordinal);
    }

    [Fact]
    public void AnIdOutsideThePodsUserNamespaceIsRefusedWhateverItsBase()
    {
        string yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  hostUsers: false\n  containers:\n  - name: a\n    image: busybox\n" +
            "    securityContext: {runAsUser: 0x10000}\n";
        Assert.Contains(Diagnose(yaml), e => e.Contains("65536 is outside the pod's user namespace", StringComparison.Ordinal));
    }

    [Fact]
    public void DeepNestingIsRefused()
    {
        string yaml = "a: " + new string('[', 200) + new string(']', 200);
        Assert.Equal(["x.yaml:1:67: error: nesting is deeper than 64 levels"], Diagnose(yaml));
    }

    [Fact]
    public void HugeInputIsRefusedBeforeParsing()
    {
        string yaml = "apiVersion: v1\n#" + new string('x', 2 * 1024 * 1024);
        Assert.Equal(["x.yaml:1:1: error: is too large for a pod definition (2097168 characters; at most 1048576)"], Diagnose(yaml));
    }

    [Fact]
    public void MissingFileAndDirectoryAreDiagnosticsNotExceptions()
    {
        Assert.Equal(["/nonexistent/a.yaml:1:1: error: no such file"],
            PodDefinitionLoader.LoadFile("/nonexistent/a.yaml").Diagnostics.Select(d => d.ToString()));
        Assert.Equal(["/tmp:1:1: error: is a directory, not a pod definition file"],
            PodDefinitionLoader.LoadFile("/tmp").Diagnostics.Select(d => d.ToString()));
    }

    /// <summary>Definitions review of 2026-12-07, finding 4: a file saved as Latin-1 was
    /// decoded with U+FFFD for its bad bytes, without a word, and the container got
    /// "caf\uFFFD"; kubectl and podman refuse such a file.</summary>
    [Fact]
    public void AFileThatIsNotUtf8IsAnErrorAtItsFirstBadByte()
    {
        string dir = Directory.CreateTempSubdirectory("podunits-utf8-").FullName;
        try
        {
            string pod = Path.Combine(dir, "x.yaml");
            File.WriteAllBytes(pod, System.Text.Encoding.Latin1.GetBytes(OneContainer("    env: [{name: A, value: \"caf\u00E9\"}]\n")));
            LoadResult loaded = PodDefinitionLoader.LoadFile(pod);
            Assert.Null(loaded.Pod);
            Assert.Equal([$"{pod}:8:32: error: not UTF-8 text (byte 0xE9); save the file as UTF-8"], loaded.Diagnostics.Select(d => d.ToString()));

            Directory.CreateDirectory(Path.Combine(dir, "configmaps"));
            string configMap = Path.Combine(dir, "configmaps", "c.yaml");
            File.WriteAllBytes(configMap, System.Text.Encoding.Latin1.GetBytes("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {greeting: \"Gr\u00FC\u00DFe\"}\n"));
            LoadResult withConfigMap = PodDefinitionLoader.LoadText(OneContainer("    envFrom: [{configMapRef: {name: c}}]\n"), "x.yaml", LoadOptions.Default with { ObjectRoots = [dir] });
            Assert.Null(withConfigMap.Pod);
            Assert.Contains($"{configMap}:4:21: error: not UTF-8 text (byte 0xFC); save the file as UTF-8", withConfigMap.Diagnostics.Select(d => d.ToString()));

            // As UTF-8, with or without a byte order mark, the same text is valid.
            File.WriteAllBytes(pod, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes(OneContainer("    env: [{name: A, value: \"caf\u00E9\"}]\n"))]);
            Assert.Equal("caf\u00E9", Assert.Single(PodDefinitionLoader.LoadFile(pod).Pod!.Containers[0].Env).Value);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Definitions review of 2026-12-07, finding 8: the lines of a file with CR line
    /// endings were counted at '\n' alone, so its Secret document was not found and an error
    /// quoting a password (YAML reads `*s3cr3t` as an alias) went unredacted to the journal.</summary>
    [Theory]
    [InlineData("\r")]
    [InlineData("\u2028")]
    [InlineData("\u0085")]
    public void AnErrorInASecretIsRedactedWhateverTheLineBreaks(string lineBreak)
    {
        string text = string.Join(lineBreak, "apiVersion: v1", "kind: Pod", "metadata: {name: x}", "spec: {containers: [{name: a, image: busybox}]}",
            "---", "apiVersion: v1", "kind: Secret", "metadata: {name: s}", "stringData:", "  password: *s3cr3t", "");
        Diagnostic error = Assert.Single(PodDefinitionLoader.LoadText(text, "x.yaml").Diagnostics);
        Assert.Equal("x.yaml:10:13: error: alias *s3cr3t refers to an anchor that is not defined before it", error.ToString());
        Assert.True(error.MayQuoteSecret);
        Assert.Equal(Diagnostic.SecretMessage, error.Redacted().Message);
    }

    [Fact]
    public void InvalidFileNameIsReportedWhenNoMetadataName()
    {
        Assert.Equal(["My_Pod.yaml:1:1: error: the pod name \"My_Pod\" (from the file name) is not valid: may contain only lowercase letters, digits and '-' (found 'M')"],
            Diagnose("apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: b}]}\n", "My_Pod.yaml"));
    }

    [Theory]
    [InlineData("StatefulSet", "spec.template")]
    [InlineData("DaemonSet", "spec.template")]
    [InlineData("ReplicaSet", "spec.template")]
    [InlineData("Job", "spec.template")]
    [InlineData("CronJob", "spec.jobTemplate.spec.template")]
    public void AWorkloadIsOneErrorPointingAtItsPodTemplate(string kind, string template) =>
        Assert.Equal([$"x.yaml:2:7: error: kind: PodUnits runs kind: Pod; a {kind}'s {template} is a pod template: put its metadata and spec in a Pod"],
            Diagnose($"apiVersion: apps/v1\nkind: {kind}\nmetadata: {{name: web}}\nspec:\n  replicas: 2\n  template: {{spec: {{containers: [{{name: a, image: b}}]}}}}\n"));

    [Fact]
    public void AnUnknownKindIsOneError() =>
        Assert.Equal(["x.yaml:2:7: error: kind: must be \"Pod\", found \"Service\" (PodUnits runs pods only)"],
            Diagnose("apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec: {ports: [{port: 80}]}\n"));

    [Fact]
    public void GetPodOrThrowNamesTheFirstErrorAndCountsTheRest()
    {
        var result = PodDefinitionLoader.LoadText("apiVersion: v2\nkind: Pod\nmetadata: {name: x, colour: red}\n", "x.yaml");
        var e = Assert.Throws<PodDefinitionException>(result.GetPodOrThrow);
        Assert.Equal("x.yaml:1:1: the manifest: missing required field \"spec\" (and 2 more errors; see 'podunits validate')", e.Message);
        Assert.Equal(2, e.ExitCode);
    }

    [Theory]
    [InlineData("/", "is the container's root")]
    [InlineData("//./", "is the container's root")]
    [InlineData("/tmp/..", "is the container's root")]
    [InlineData("/proc", "is in /proc")]
    [InlineData("/proc/", "is in /proc")]
    [InlineData("/etc/../proc/sys", "is in /proc")]
    [InlineData("/proc/sysrq-trigger", "is in /proc")]
    public void AVolumeCannotReplaceTheRootOrHideTheContainersProc(string mountPath, string why)
    {
        string yaml = $"apiVersion: v1\nkind: Pod\nmetadata: {{name: x}}\nspec:\n  containers:\n  - name: a\n    image: busybox\n" +
            $"    volumeMounts: [{{name: v, mountPath: \"{mountPath}\"}}]\n  volumes: [{{name: v, emptyDir: {{}}}}]\n";
        Assert.Equal([$"x.yaml:8:41: error: spec.containers[0].volumeMounts[0].mountPath: \"{mountPath}\" {why}"],
            Diagnose(yaml).Select(d => d[..Math.Min(d.Length, d.IndexOf(why, StringComparison.Ordinal) + why.Length)]));
    }

    [Theory]
    [InlineData("/proc/meminfo")] // lxcfs's files, as runc allows
    [InlineData("/proc/net/dev")]
    [InlineData("/dev")] // Kubernetes allows hiding /dev and /sys (hostPath /dev for device tools)
    [InlineData("/sys")]
    [InlineData("/procfs")]
    public void AVolumeMayGoWhereRuncAllowsIt(string mountPath)
    {
        string yaml = $"apiVersion: v1\nkind: Pod\nmetadata: {{name: x}}\nspec:\n  containers:\n  - name: a\n    image: busybox\n" +
            $"    volumeMounts: [{{name: v, mountPath: \"{mountPath}\"}}]\n  volumes: [{{name: v, emptyDir: {{}}}}]\n";
        Assert.Empty(Diagnose(yaml));
    }

    [Theory]
    [InlineData("Busybox", "repository 'library/Busybox' must be lowercase")]
    [InlineData("registry.example:99999/app", "registry 'registry.example:99999' has a port outside 1-65535")]
    [InlineData("app@sha256:abc", "digest 'sha256:abc' is not sha256: followed by 64 lowercase hex digits")]
    [InlineData("app:-x", "tag '-x' may only hold")]
    [InlineData("dir:relative/root", "must name an absolute path after dir:")]
    [InlineData("dir:/srv/a,b", "must not contain ':', ',' or '\\' in its dir: path")]
    public void ValidateRefusesTheImageReferencesAStartWould(string image, string why)
    {
        string[] found = Diagnose($"apiVersion: v1\nkind: Pod\nmetadata: {{name: x}}\nspec:\n  containers:\n  - {{name: a, image: \"{image}\"}}\n");
        Assert.Single(found);
        Assert.StartsWith($"x.yaml:6:22: error: spec.containers[0].image: \"{image}\" ", found[0], StringComparison.Ordinal);
        Assert.Contains(why, found[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("busybox")]
    [InlineData("docker://busybox:1.36")]
    [InlineData("localhost:5000/team/app:v2")]
    [InlineData("dir:/srv/root")]
    public void ImageReferencesAStartTakesAreValid(string image) =>
        Assert.Empty(Diagnose($"apiVersion: v1\nkind: Pod\nmetadata: {{name: x}}\nspec:\n  containers:\n  - {{name: a, image: \"{image}\"}}\n"));

    [Fact]
    public void ATabInIndentationIsReportedWhereItIs()
    {
        Assert.Equal(["x.yaml:4:1: error: YAML syntax: While scanning a mapping, found invalid tab as indentation"],
            Diagnose("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n"));
        Assert.Equal(["x.yaml:6:3: error: YAML syntax: While scanning a plain scalar, found a tab character that violate indentation"],
            Diagnose("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n  \t image: b\n"));
    }

    /// <summary>Definitions review of 2026-12-07, finding 9: a tab after the indentation of a
    /// block scalar's line is its content, and legal; the error was put there, not at line 10.</summary>
    [Fact]
    public void ATabInIndentationIsNotConfusedWithOneInABlockScalar() =>
        Assert.Equal(["x.yaml:10:1: error: YAML syntax: While scanning a mapping, found invalid tab as indentation"],
            Diagnose("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  annotations:\n    podunits.io/description: |\n      web\n      \tfrontend\n" +
                "spec:\n\tcontainers: []\n"));
}
