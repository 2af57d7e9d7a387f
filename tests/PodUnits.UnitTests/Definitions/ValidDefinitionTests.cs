using PodUnits.Definitions;

namespace PodUnits.UnitTests.Definitions;

/// <summary>Valid manifests map into the model with Kubernetes' defaults.</summary>
public sealed class ValidDefinitionTests
{
    [Fact]
    public void HelloExampleIsTheReadmePod()
    {
        var result = PodDefinitionLoader.LoadFile(RepoFiles.Path("examples/hello.yaml"));
        Assert.Empty(result.Diagnostics);
        PodDefinition pod = result.Pod!;
        Assert.Equal("hello", pod.Name);
        Assert.Equal("hello", pod.EffectiveHostname);
        ContainerDefinition c = Assert.Single(pod.Containers);
        Assert.Equal("greeter", c.Name);
        Assert.Equal("busybox", c.Image);
        Assert.Equal(ImagePullPolicy.Always, c.ImagePullPolicy);   // no tag: Always, like Kubernetes
        Assert.Equal(["sh", "-c", "trap 'exit 0' TERM; while true; do echo hello from $(hostname); sleep 5 & wait $!; done"], c.Command);
        Assert.Null(c.Args);
        Assert.Equal(RestartPolicy.Always, pod.RestartPolicy);
        Assert.Equal(30, pod.TerminationGracePeriodSeconds);
        Assert.Equal(DnsPolicy.ClusterFirst, pod.DnsPolicy);
        Assert.False(pod.Autostart);
    }

    /// <summary>kubectl and podman kube play read YAML 1.1 merge keys (go-yaml): a container
    /// sharing another's fields through an anchor means the same here.</summary>
    [Fact]
    public void MergeKeysWorkAsInKubectlOwnKeysWinThenTheFirstSource()
    {
        var result = PodDefinitionLoader.LoadText("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - &base
                  name: a
                  image: busybox
                  workingDir: /a
                  env: &env [{name: X, value: "1"}]
                - <<: *base
                  name: b
                - <<: [{name: c, workingDir: /c}, *base]
                  image: alpine
            """, "p.yaml");

        Assert.Empty(result.Diagnostics);
        PodDefinition pod = result.Pod!;
        Assert.Equal(["a", "b", "c"], pod.Containers.Select(c => c.Name));
        Assert.Equal(["busybox", "busybox", "alpine"], pod.Containers.Select(c => c.Image));
        Assert.Equal(["/a", "/a", "/c"], pod.Containers.Select(c => c.WorkingDir));
        Assert.All(pod.Containers, c => Assert.Equal("X", Assert.Single(c.Env).Name));
    }

    /// <summary>Definitions review of 2026-12-07, finding 5: kubectl and podman (go-yaml v2)
    /// apply a merge where its '&lt;&lt;' stands, over the keys written before it, and a second
    /// '&lt;&lt;' over the first; YAML 1.1, which this followed, lets those keys and the first
    /// source win. Container b ran with 1Gi and no CPU limit here, 64Mi and 500m in a cluster.
    /// Where the two disagree, it is an error.</summary>
    [Fact]
    public void AMergeKeyThatKubectlReadsOtherwiseIsAnError()
    {
        string[] Diagnose(string containers) => [.. PodDefinitionLoader.LoadText(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n" + containers, "p.yaml").Diagnostics.Select(d => d.ToString())];
        Assert.Equal(["p.yaml:12:7: error: \"limits\" is set here and by the merge key '<<' at 13:7 after it: kubectl and podman take the merged value, " +
            "YAML 1.1 this one; move the key after the '<<'"],
            Diagnose("""
                  - name: a
                    image: busybox
                    resources: &small {limits: {memory: 64Mi, cpu: 500m}}
                  - name: b
                    image: busybox
                    resources:
                      limits: {memory: 1Gi}
                      <<: *small

                """));
        Assert.Equal(["p.yaml:9:5: error: a second merge key '<<' in one mapping (the first is at 8:5): kubectl and podman let the later one win, " +
            "YAML 1.1 the first; merge both with one, <<: [*a, *b], where the first source wins"],
            Diagnose("""
                  - &a {name: a, image: busybox, workingDir: /a}
                  - &b {name: b, image: busybox, workingDir: /b}
                  - <<: *a
                    <<: *b
                    name: c

                """));
    }

    [Fact]
    public void EnvironmentNamesAreAnyPrintableAsciiButEqualsAsSinceKubernetes134()
    {
        var result = PodDefinitionLoader.LoadText("""
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers:
                - name: c
                  image: busybox
                  env:
                    - {name: 1ST, value: a}
                    - {name: "x:y z", value: b}
                    - {name: "$(1ST)", value: "$(1ST)"}
            """, "p.yaml");
        Assert.Empty(result.Diagnostics);
        Assert.Equal(["1ST", "x:y z", "$(1ST)"], result.Pod!.Containers[0].Env.Select(e => e.Name));
    }

    [Fact]
    public void WebExampleHasInitContainerSharedEmptyDirLimitsAndProbe()
    {
        var result = PodDefinitionLoader.LoadFile(RepoFiles.Path("examples/web.yaml"));
        Assert.Empty(result.Diagnostics);
        PodDefinition pod = result.Pod!;
        Assert.True(pod.Autostart);
        Assert.Equal("web", pod.Labels["app"]);
        Assert.Equal(10, pod.TerminationGracePeriodSeconds);
        VolumeDefinition volume = Assert.Single(pod.Volumes);
        Assert.Equal(new EmptyDirVolume(true, 16 * 1024 * 1024), volume.EmptyDir);
        Assert.Equal("setup", Assert.Single(pod.InitContainers).Name);
        Assert.Equal(["setup", "server", "stamper"], pod.AllContainers.Select(c => c.Name));

        ContainerDefinition server = pod.Containers[0];
        Assert.Equal(ImagePullPolicy.IfNotPresent, server.ImagePullPolicy);
        Assert.Equal(new ResourceLimits(64 * 1024 * 1024, 250), server.Limits);
        Assert.Equal([new ContainerPort(8080, PortProtocol.TCP, "http", HostPort: 8080)], server.Ports);
        Assert.Equal([new VolumeMount("content", "/www", true)], server.VolumeMounts);
        Assert.Equal([new EnvVar("PORT", "8080")], server.Env);
        Probe probe = server.ReadinessProbe!;
        Assert.Equal(["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"], probe.ExecCommand);
        Assert.Equal((1, 2, 1, 1, 3), (probe.InitialDelaySeconds, probe.PeriodSeconds, probe.TimeoutSeconds, probe.SuccessThreshold, probe.FailureThreshold));
        ContainerSecurityContext sc = server.SecurityContext!;
        Assert.Equal(false, sc.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], sc.CapabilitiesDrop);
        Assert.Equal(["CAP_NET_BIND_SERVICE"], sc.CapabilitiesAdd);

        var process = ContainerProcess.Resolve(server, null, null, []);
        Assert.Equal(["sh", "-c", "trap 'exit 0' TERM; httpd -f -v -p 8080 -h /www & wait"], process.Argv);
    }

    [Fact]
    public void EverySupportedFieldMaps()
    {
        const string yaml = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: full
              annotations: {podunits.io/autostart: "false", other/x: "1"}
            spec:
              hostname: box
              hostNetwork: true
              dnsPolicy: None
              dnsConfig:
                nameservers: [192.0.2.1, "2001:db8::1"]
                searches: [example.org]
                options: [{name: ndots, value: "2"}, {name: edns0}]
              hostAliases: [{ip: 127.0.0.2, hostnames: [db, cache]}]
              restartPolicy: OnFailure
              terminationGracePeriodSeconds: 0
              securityContext: {runAsUser: 1000, runAsGroup: 2000, runAsNonRoot: true, fsGroup: 3000, fsGroupChangePolicy: OnRootMismatch,
                supplementalGroups: [4000, 0], supplementalGroupsPolicy: Strict}
              volumes:
              - {name: host, hostPath: {path: /srv/data, type: DirectoryOrCreate}}
              - {name: scratch}
              containers:
              - name: app
                image: registry.example:5000/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
                imagePullPolicy: Never
                args: ["--port", "8080"]
                workingDir: /app
                env: [{name: A}, {name: B, value: "x"}]
                ports: [{containerPort: 53, protocol: UDP}]
                volumeMounts: [{name: host, mountPath: /data}, {name: scratch, mountPath: /tmp}]
                resources: {limits: {memory: 1e9, cpu: 2}}
                securityContext:
                  runAsUser: 0x10
                  runAsGroup: 0o17
                  readOnlyRootFilesystem: yes
                  privileged: true
                  capabilities: {add: [sys_admin, Cap_Net_Raw]}
                readinessProbe:
                  tcpSocket: {port: 53}
                  timeoutSeconds: 5
                  failureThreshold: 1
                  successThreshold: 2
            """;
        var result = PodDefinitionLoader.LoadText(yaml, "/etc/podunits/pods/full.yml");
        Assert.Empty(result.Diagnostics);
        PodDefinition pod = result.Pod!;
        Assert.Equal("box", pod.EffectiveHostname);
        Assert.True(pod.HostNetwork);
        Assert.Equal(DnsPolicy.None, pod.DnsPolicy);
        Assert.Equal(["192.0.2.1", "2001:db8::1"], pod.DnsConfig!.Nameservers);
        Assert.Equal([new DnsOption("ndots", "2"), new DnsOption("edns0", null)], pod.DnsConfig.Options);
        Assert.Equal(["db", "cache"], Assert.Single(pod.HostAliases).Hostnames);
        Assert.Equal(RestartPolicy.OnFailure, pod.RestartPolicy);
        Assert.Equal(0, pod.TerminationGracePeriodSeconds);
        PodSecurityContext security = pod.SecurityContext!;
        Assert.Equal((1000L, 2000L, true, 3000L), (security.RunAsUser, security.RunAsGroup, security.RunAsNonRoot, security.FsGroup));
        Assert.Equal((FsGroupChangePolicy.OnRootMismatch, SupplementalGroupsPolicy.Strict), (security.FsGroupChangePolicy, security.SupplementalGroupsPolicy));
        Assert.Equal([4000L, 0L], security.SupplementalGroups);
        Assert.Equal(new HostPathVolume("/srv/data", HostPathType.DirectoryOrCreate), pod.Volumes[0].HostPath);
        Assert.Equal(new EmptyDirVolume(false, null), pod.Volumes[1].EmptyDir);
        Assert.Equal("/etc/podunits/pods/full.yml", pod.SourcePath);

        ContainerDefinition c = Assert.Single(pod.Containers);
        Assert.Equal(ImagePullPolicy.Never, c.ImagePullPolicy);
        Assert.Null(c.Command);
        Assert.Equal(["--port", "8080"], c.Args);
        Assert.Equal([new EnvVar("A", ""), new EnvVar("B", "x")], c.Env);
        Assert.Equal(PortProtocol.UDP, c.Ports[0].Protocol);
        Assert.Equal(new ResourceLimits(1_000_000_000, 2000), c.Limits);
        ContainerSecurityContext sc = c.SecurityContext!;
        Assert.Equal((16L, 15L, true, true), (sc.RunAsUser, sc.RunAsGroup, sc.ReadOnlyRootFilesystem, sc.Privileged));
        Assert.Equal(["CAP_SYS_ADMIN", "CAP_NET_RAW"], sc.CapabilitiesAdd);
        Assert.Equal(53, c.ReadinessProbe!.TcpPort);
        Assert.Equal((5, 1, 2, 10), (c.ReadinessProbe.TimeoutSeconds, c.ReadinessProbe.FailureThreshold, c.ReadinessProbe.SuccessThreshold, c.ReadinessProbe.PeriodSeconds));
    }

    [Theory]
    [InlineData("busybox", ImagePullPolicy.Always)]
    [InlineData("busybox:latest", ImagePullPolicy.Always)]
    [InlineData("busybox:1.36", ImagePullPolicy.IfNotPresent)]
    [InlineData("localhost:5000/app", ImagePullPolicy.Always)]
    [InlineData("localhost:5000/app:v2", ImagePullPolicy.IfNotPresent)]
    [InlineData("app@sha256:abcd", ImagePullPolicy.IfNotPresent)]
    [InlineData("app:latest@sha256:abcd", ImagePullPolicy.Always)] // review of 2026-12-05: the tag stays "latest"
    [InlineData("app:1@sha256:abcd", ImagePullPolicy.IfNotPresent)]
    [InlineData("localhost:5000/app@sha256:abcd", ImagePullPolicy.IfNotPresent)]
    public void DefaultPullPolicyFollowsKubernetes(string image, ImagePullPolicy expected) =>
        Assert.Equal(expected, ImageReferences.DefaultPullPolicy(image));

    /// <summary>Review of 2026-12-05: empty strings and zeros that the API server defaults (a
    /// Helm chart's unset values) were errors; they are the defaults, as kubectl apply makes them.</summary>
    [Fact]
    public void EmptyValuesTheApiServerDefaultsAreTheDefaults()
    {
        const string yaml = """
            apiVersion: v1
            kind: Pod
            spec:
              restartPolicy: ""
              dnsPolicy: ""
              terminationGracePeriodSeconds: -3
              containers:
              - name: a
                image: app:1.2
                imagePullPolicy: ""
                ports: [{containerPort: 80, protocol: "", hostPort: 0}]
                readinessProbe: {httpGet: {port: 80, scheme: ""}}
            """;
        LoadResult result = PodDefinitionLoader.LoadText(yaml, "p.yaml");
        Assert.Equal(["p.yaml:6:34: warning: spec.terminationGracePeriodSeconds: -3 is negative; taken as 1, as the API server does"],
            result.Diagnostics.Select(d => d.ToString()));
        PodDefinition pod = result.GetPodOrThrow();
        Assert.Equal((RestartPolicy.Always, DnsPolicy.ClusterFirst, 1L), (pod.RestartPolicy, pod.DnsPolicy, pod.TerminationGracePeriodSeconds));
        ContainerDefinition c = pod.Containers[0];
        Assert.Equal(ImagePullPolicy.IfNotPresent, c.ImagePullPolicy);
        Assert.Equal([new ContainerPort(80, PortProtocol.TCP, null, null, null)], c.Ports);
        Assert.Equal("HTTP", c.ReadinessProbe!.HttpGet!.Scheme);
        // Where "" is no API default, it stays an error.
        Assert.Contains(PodDefinitionLoader.LoadText(yaml.Replace("image: app:1.2", "image: app:1.2\n    securityContext: {seccompProfile: {type: \"\"}}", StringComparison.Ordinal), "p.yaml").Diagnostics,
            d => d.Severity == Severity.Error && d.Message.Contains("seccompProfile.type", StringComparison.Ordinal));
    }

    [Fact]
    public void NamedProbePortResolvesToItsNumber()
    {
        const string yaml = "{apiVersion: v1, kind: Pod, spec: {containers: [{name: a, image: b, ports: [{name: http, containerPort: 8080}], readinessProbe: {tcpSocket: {port: http}}}]}}";
        Assert.Equal(8080, PodDefinitionLoader.LoadText(yaml, "p.yaml").Pod!.Containers[0].ReadinessProbe!.TcpPort);
    }

    [Fact]
    public void ProbesHooksAndSidecarsMapWithKubernetesDefaults()
    {
        const string yaml = """
            apiVersion: v1
            kind: Pod
            spec:
              terminationGracePeriodSeconds: 45
              initContainers:
              - name: proxy
                image: envoy
                restartPolicy: Always
                ports: [{name: admin, containerPort: 9901}]
                readinessProbe: {httpGet: {port: admin, path: ready}}
                startupProbe: {tcpSocket: {port: 9901, host: 127.0.0.1}, failureThreshold: 30, periodSeconds: 1}
                livenessProbe: {grpc: {port: 9902, service: envoy}, terminationGracePeriodSeconds: 5}
                lifecycle: {preStop: {sleep: {seconds: 0}}}
              - name: setup
                image: busybox
              containers:
              - name: web
                image: nginx
                ports: [{name: http, containerPort: 8080}]
                livenessProbe:
                  httpGet:
                    scheme: HTTPS
                    host: localhost
                    port: http
                    path: /healthz
                    httpHeaders: [{name: X-Probe, value: kubelet}, {name: Accept, value: ""}, {name: X-Probe, value: again}]
                  initialDelaySeconds: 3
                  timeoutSeconds: 2
                startupProbe: {exec: {command: [cat, /ready]}, terminationGracePeriodSeconds: 9999999999}
                lifecycle:
                  postStart: {exec: {command: [sh, -c, "echo hi"]}}
                  preStop: {sleep: {seconds: 45}, httpGet: null}
              - name: plain
                image: nginx
                lifecycle: {preStop: {httpGet: {port: 80}}}
            """;
        var result = PodDefinitionLoader.LoadText(yaml, "p.yaml");
        Assert.Empty(result.Diagnostics);
        PodDefinition pod = result.Pod!;
        ContainerDefinition proxy = pod.InitContainers[0];
        Assert.Equal((true, false, false), (proxy.Sidecar, pod.InitContainers[1].Sidecar, pod.Containers[0].Sidecar));
        HttpGetAction ready = proxy.ReadinessProbe!.HttpGet!;
        Assert.Equal(("HTTP", null, 9901, "ready"), (ready.Scheme, ready.Host, ready.Port, ready.Path)); // kept as written
        Assert.Empty(ready.Headers);
        Probe startup = proxy.StartupProbe!;
        Assert.Equal((9901, "127.0.0.1", 30, 1), (startup.TcpPort, startup.TcpHost, startup.FailureThreshold, startup.PeriodSeconds));
        Assert.Equal(new GrpcAction { Port = 9902, Service = "envoy" }, proxy.LivenessProbe!.Grpc);
        Assert.Equal(5, proxy.LivenessProbe.TerminationGracePeriodSeconds);
        Assert.Null(proxy.ReadinessProbe.TerminationGracePeriodSeconds);
        Assert.Equal(0, proxy.Lifecycle!.PreStop!.SleepSeconds);
        Assert.Null(proxy.Lifecycle.PostStart);

        ContainerDefinition web = pod.Containers[0];
        Probe liveness = web.LivenessProbe!;
        Assert.Equal(("HTTPS", "localhost", 8080, "/healthz"), (liveness.HttpGet!.Scheme, liveness.HttpGet.Host, liveness.HttpGet.Port, liveness.HttpGet.Path));
        Assert.Equal([new("X-Probe", "kubelet"), new("Accept", ""), new KeyValuePair<string, string>("X-Probe", "again")], liveness.HttpGet.Headers);
        Assert.Equal((3, 10, 2, 1, 3), (liveness.InitialDelaySeconds, liveness.PeriodSeconds, liveness.TimeoutSeconds, liveness.SuccessThreshold, liveness.FailureThreshold));
        Assert.Equal((null, null, null), (liveness.ExecCommand, liveness.TcpPort, liveness.Grpc));
        Assert.Equal(["cat", "/ready"], web.StartupProbe!.ExecCommand);
        Assert.Equal(9_999_999_999, web.StartupProbe.TerminationGracePeriodSeconds);
        Assert.Equal(["sh", "-c", "echo hi"], web.Lifecycle!.PostStart!.ExecCommand);
        Assert.Equal((45L, null), (web.Lifecycle.PreStop!.SleepSeconds, web.Lifecycle.PreStop.HttpGet)); // up to the grace period
        HttpGetAction plain = pod.Containers[1].Lifecycle!.PreStop!.HttpGet!;
        Assert.Equal(("HTTP", null, 80, "/"), (plain.Scheme, plain.Host, plain.Port, plain.Path));
    }

    [Fact]
    public void AliasesWithinTheLimitWork()
    {
        // Block style: YamlDotNet 18.1 rejects an anchored plain scalar inside a flow mapping.
        const string yaml = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: &img busybox:1.36\n    command: &cmd [sleep, '1']\n" +
                            "  - name: b\n    image: *img\n    command: *cmd\n";
        var pod = PodDefinitionLoader.LoadText(yaml, "p.yaml").Pod!;
        Assert.Equal("busybox:1.36", pod.Containers[1].Image);
        Assert.Equal(["sleep", "1"], pod.Containers[1].Command);
    }

    [Fact]
    public void SearchPathPrefersEarlierRootsAndYamlOverYml()
    {
        string root = Directory.CreateTempSubdirectory("podunits-search").FullName;
        try
        {
            string etc = Directory.CreateDirectory(Path.Combine(root, "etc")).FullName;
            string usr = Directory.CreateDirectory(Path.Combine(root, "usr")).FullName;
            File.WriteAllText(Path.Combine(usr, "a.yaml"), "");
            File.WriteAllText(Path.Combine(etc, "a.yml"), "");
            File.WriteAllText(Path.Combine(etc, "a.yaml"), "");
            File.WriteAllText(Path.Combine(usr, "b.yml"), "");
            File.WriteAllText(Path.Combine(usr, "notes.txt"), "");
            var search = new PodDefinitionSearchPath([etc, Path.Combine(root, "missing"), usr]);
            Assert.Equal(Path.Combine(etc, "a.yaml"), search.Find("a"));
            Assert.Equal(Path.Combine(usr, "b.yml"), search.Find("b"));
            Assert.Null(search.Find("c"));
            Assert.Equal(
                [new("a", Path.Combine(etc, "a.yaml")), new KeyValuePair<string, string>("b", Path.Combine(usr, "b.yml"))],
                search.All());
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
