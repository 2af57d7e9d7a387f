using PodUnits.Core.Errors;
using PodUnits.Definitions;
using PodUnits.Planning.Plan;
using PodUnits.Runtime.Executor;
using PodUnits.Runtime.Plan;

namespace PodUnits.UnitTests.Planning;

/// <summary>PlanBuilder: the validated definition plus each container's image config, by
/// Kubernetes' rules (command/args against ENTRYPOINT/CMD, env over the image's, runAsUser
/// over the image's USER, workingDir over WorkingDir).</summary>
public sealed class PlanTests
{
    private const string MachineId = "00112233445566778899aabbccddeeff";
    private static readonly ContainerImage Busybox = new("busybox", "/layers/b:/layers/a", null, ["sh"], ["PATH=/bin"], null, null, null);

    private static ContainerDefinition Container(string name, IReadOnlyList<string>? command = null, long? memory = null,
        IReadOnlyList<VolumeMount>? mounts = null, long? uid = null, IReadOnlyList<string>? args = null, string? workingDir = null) =>
        new()
        {
            Name = name, Image = "busybox", Command = command, Args = args, WorkingDir = workingDir,
            Env = [new EnvVar("A", "1")], VolumeMounts = mounts ?? [],
            Limits = new ResourceLimits(memory, 500),
            SecurityContext = new ContainerSecurityContext(uid, null, false, false, false, [], []),
        };

    private static PodDefinition Pod(IReadOnlyList<ContainerDefinition> containers, IReadOnlyList<VolumeDefinition>? volumes = null,
        IReadOnlyList<ContainerDefinition>? init = null, DnsPolicy dnsPolicy = DnsPolicy.ClusterFirst) =>
        new()
        {
            Name = "web", SourcePath = "/etc/podunits/pods/web.yaml", Containers = containers, InitContainers = init ?? [],
            Volumes = volumes ?? [], DnsPolicy = dnsPolicy,
            DnsConfig = new DnsConfig(["10.0.0.1"], ["example.org"], [new DnsOption("ndots", "2")]),
            HostAliases = [new HostAlias("10.1.1.1", ["db", "db.local"])],
        };

    private static PodPlan Build(PodDefinition pod, ContainerImage? image = null) =>
        PlanBuilder.Build(pod, MachineId, pod.AllContainers.ToDictionary(c => c.Name, _ => image ?? Busybox));

    [Fact]
    public void SysctlsReachThePlanWithTheirProcFiles()
    {
        PodDefinition pod = Pod([Container("app")]) with
        {
            SecurityContext = new PodSecurityContext(null, null)
            {
                Sysctls = [new Sysctl("net.ipv4.ip_unprivileged_port_start", "1024"), new Sysctl("net.ipv4.conf.eth0/100.forwarding", "1")],
            },
        };
        PodPlan plan = Build(pod);
        Assert.Equal([("net.ipv4.ip_unprivileged_port_start", "net/ipv4/ip_unprivileged_port_start", "1024"),
            ("net.ipv4.conf.eth0/100.forwarding", "net/ipv4/conf/eth0.100/forwarding", "1"),
            ("net.ipv4.ping_group_range", "net/ipv4/ping_group_range", "0 0")], // podman's default_sysctls
            plan.Sysctls.Select(s => (s.Name, s.ProcPath, s.Value)));
        Assert.Equal(3, PodPlan.FromJson(plan.Redacted().ToJson(), "plan").Sysctls.Count); // not secret: kept in the host's copy
    }

    /// <summary>ping as root without CAP_NET_RAW (not a default capability): ICMP sockets for
    /// group 0 in the pod's own network namespace, as podman's default_sysctls. Not with the
    /// host's network (that would change the host), and a pod's own value wins.</summary>
    [Fact]
    public void APodWithItsOwnNetworkLetsRootPingWithoutRawSockets()
    {
        Assert.Empty(Build(Pod([Container("app")]) with { HostNetwork = true }).Sysctls);
        PodDefinition own = Pod([Container("app")]) with
        {
            HostNetwork = false,
            SecurityContext = new PodSecurityContext(null, null) { Sysctls = [new Sysctl("net.ipv4.ping_group_range", "1 0")] },
        };
        SysctlPlan ping = Assert.Single(Build(own).Sysctls, s => s.Name == "net.ipv4.ping_group_range");
        Assert.Equal("1 0", ping.Value);
    }

    [Fact]
    public void ContainerGetsImageCmdEnvLimitsAndLayers()
    {
        ContainerPlan c = Assert.Single(Build(Pod([Container("app", memory: 64L << 20)])).Containers);
        Assert.Equal(["sh"], c.Argv);
        Assert.Equal(["PATH=/bin", "HOSTNAME=web", "A=1", "HOME=/root"], c.Env);
        Assert.Equal(64UL << 20, c.MemoryMaxBytes);
        Assert.Equal(500UL, c.CpuMillicores);
        Assert.Equal("/layers/b:/layers/a", c.LowerDir);
        Assert.Equal("/var/lib/podunits/pods/web/containers/app", c.LayerDir);
        Assert.True(c.NoNewPrivileges);
    }

    [Fact]
    public void ImageConfigMergesByKubernetesRules()
    {
        var image = new ContainerImage("app:1", "/l", ["/entry"], ["--default"], ["PATH=/usr/bin", "MODE=image"], "/srv", 100, 101);
        // No command, no args: ENTRYPOINT + CMD, image WorkingDir and USER.
        ContainerPlan plain = Build(Pod([new ContainerDefinition { Name = "a", Image = "app:1" }]), image).Containers[0];
        Assert.Equal(["/entry", "--default"], plain.Argv);
        Assert.Equal("/srv", plain.WorkingDir);
        Assert.Equal((100u, 101u), (plain.Uid, plain.Gid));
        Assert.Contains("MODE=image", plain.Env);
        Assert.Contains("HOME=/", plain.Env);
        // args only: ENTRYPOINT + args; env overrides the image's and $(VAR) sees it.
        ContainerPlan withArgs = Build(Pod([new ContainerDefinition
        {
            Name = "a", Image = "app:1", Args = ["--mode=$(MODE)"], Env = [new EnvVar("MODE", "pod")], WorkingDir = "/work",
        }]), image).Containers[0];
        Assert.Equal(["/entry", "--mode=pod"], withArgs.Argv);
        Assert.Equal("/work", withArgs.WorkingDir);
        Assert.Contains("MODE=pod", withArgs.Env);
        Assert.DoesNotContain("MODE=image", withArgs.Env);
        // command: replaces ENTRYPOINT and drops CMD.
        Assert.Equal(["/bin/true"], Build(Pod([Container("a", command: ["/bin/true"])]), image).Containers[0].Argv);
        // command and args: both the container's, nothing of the image's.
        Assert.Equal(["/bin/echo", "x"], Build(Pod([Container("a", command: ["/bin/echo"], args: ["x"])]), image).Containers[0].Argv);
    }

    /// <summary>Review of 2026-12-05: `command: []` (a Helm default) counted as a command, so
    /// its args ran as the program; the API drops empty lists, and the image's ENTRYPOINT and
    /// CMD stand.</summary>
    [Theory]
    [InlineData("command: []", "/entry --default")]
    [InlineData("args: []", "/entry --default")]
    [InlineData("command: [], args: [\"--port=8080\"]", "/entry --port=8080")]
    public void EmptyCommandOrArgsAreUnset(string fields, string argv)
    {
        var image = new ContainerImage("app:1", "/l", ["/entry"], ["--default"], ["PATH=/usr/bin"], "/srv", 0, 0);
        PodDefinition pod = PodUnits.Definitions.PodDefinitionLoader.LoadText(
            $"apiVersion: v1\nkind: Pod\nmetadata: {{name: web}}\nspec:\n  containers: [{{name: a, image: \"app:1\", {fields}}}]\n", "web.yaml").GetPodOrThrow();
        Assert.Equal(argv.Split(' '), Build(pod, image).Containers[0].Argv);
    }

    /// <summary>Review of 2026-12-05: HOME was / for every non-root user, so npm, pip and git
    /// of an image running as `node` wrote to /.npm and failed. runc takes the user's home
    /// from the image's /etc/passwd; a definition's HOME still wins.</summary>
    [Fact]
    public void HomeIsTheUsersHomeInTheImagesPasswd()
    {
        var image = Busybox with { Accounts = new ImageAccounts("root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n", null) };
        Assert.Contains("HOME=/home/node", Build(Pod([Container("app", uid: 1000)]), image).Containers[0].Env);
        Assert.Contains("HOME=/", Build(Pod([Container("app", uid: 1234)]), image).Containers[0].Env);
        Assert.Contains("HOME=/root", Build(Pod([Container("app", uid: 0)]), image).Containers[0].Env);
        ContainerDefinition own = Container("app", uid: 1000) with { Env = [new EnvVar("HOME", "/data")] };
        Assert.Equal(["HOME=/data"], Build(Pod([own]), image).Containers[0].Env.Where(e => e.StartsWith("HOME=", StringComparison.Ordinal)));
    }

    [Fact]
    public void RunAsUserOverridesTheImageUserAndTakesItsGroupFromTheImagesPasswd()
    {
        var image = Busybox with { Uid = 100, Gid = 101, Accounts = new ImageAccounts("app:x:100:101::/:/bin/sh\nweb:x:1001:1002::/:/bin/sh\n", null) };
        ContainerPlan c = Build(Pod([Container("app", uid: 1000)]), image).Containers[0];
        Assert.Equal((1000u, 0u), (c.Uid, c.Gid)); // not in /etc/passwd: group 0, as containerd
        Assert.Equal(1002u, Build(Pod([Container("app", uid: 1001)]), image).Containers[0].Gid);
        Assert.Contains("HOME=/", c.Env);
        var pod = Pod([Container("app")]) with { SecurityContext = new PodSecurityContext(2000, 3000) };
        ContainerPlan fromPod = Build(pod, image).Containers[0];
        Assert.Equal((2000u, 3000u), (fromPod.Uid, fromPod.Gid));
    }

    /// <summary>supplementalGroupsPolicy Merge (the default) adds the groups /etc/group gives
    /// the container's user, as containerd does; Strict only fsGroup and supplementalGroups.</summary>
    [Fact]
    public void SupplementaryGroupsMergeTheImagesGroupsUnlessStrict()
    {
        var image = Busybox with
        {
            Uid = 1000, Gid = 1000,
            Accounts = new ImageAccounts("app:x:1000:1000::/:/bin/sh\n", "app:x:1000:\nwheel:x:10:root,app\naudio:x:29:app\nother:x:30:root\n"),
        };
        var security = new PodSecurityContext(null, null) { FsGroup = 2000, SupplementalGroups = [4000, 10] };
        ContainerPlan merged = Build(Pod([Container("app")]) with { SecurityContext = security }, image).Containers[0];
        Assert.Equal([10u, 29u, 2000u, 4000u], merged.SupplementaryGroups);
        ContainerPlan strict = Build(Pod([Container("app")]) with { SecurityContext = security with { SupplementalGroupsPolicy = SupplementalGroupsPolicy.Strict } }, image).Containers[0];
        Assert.Equal([2000u, 4000u, 10u], strict.SupplementaryGroups);
        Assert.Equal((1000u, 1000u), (strict.Uid, strict.Gid));
    }

    /// <summary>Review of 2026-12-05: the image's USER was looked up even for a container whose
    /// runAsUser overrides it, so an image whose USER names an account its /etc/passwd lacks
    /// could not run at all. containerd looks it up only without runAsUser.</summary>
    [Fact]
    public void AnImageUserThePasswdLacksMattersOnlyWithoutRunAsUser()
    {
        ContainerImage image = Busybox with { UserError = "user \"app\" is not in the image's /etc/passwd" };
        var e = Assert.Throws<BadInputException>(() => Build(Pod([Container("app")]), image));
        Assert.EndsWith("container app: image busybox: user \"app\" is not in the image's /etc/passwd; set runAsUser, or use an image whose USER it defines",
            e.Message, StringComparison.Ordinal);
        ContainerPlan overridden = Build(Pod([Container("app", uid: 1234)]), image).Containers[0];
        Assert.Equal((1234u, 0u), (overridden.Uid, overridden.Gid));
    }

    /// <summary>Review of 2026-12-05: `podunits status` reported the image the definition names
    /// now, not the one the running container was started from. The plan keeps it.</summary>
    [Fact]
    public void ThePlanKeepsTheImageAsTheDefinitionNamedIt()
    {
        PodPlan plan = Build(Pod([Container("app") with { Image = "registry.example/app:1.25" }]));
        Assert.Equal("registry.example/app:1.25", plan.Containers[0].Image);
        Assert.Equal("registry.example/app:1.25", PodPlan.FromJson(plan.Redacted().ToJson(), "plan").Containers[0].Image);
    }

    [Theory]
    [InlineData(null, null, "image busybox names no USER, so it runs as root")]
    [InlineData(0L, null, "the USER of image busybox is root (UID 0)")]
    [InlineData(null, 0L, "runAsUser is 0")]
    public void RunAsNonRootRefusesARootContainerSayingWhy(long? imageUid, long? runAsUser, string why)
    {
        var pod = Pod([Container("app", uid: runAsUser)]) with { SecurityContext = new PodSecurityContext(null, null) { RunAsNonRoot = true } };
        var e = Assert.Throws<BadInputException>(() => Build(pod, Busybox with { Uid = imageUid }));
        Assert.EndsWith($"container app: runAsNonRoot is true but {why}; set runAsUser to a non-zero UID or use an image with a non-root USER", e.Message, StringComparison.Ordinal);
        // The container's own setting wins over the pod's.
        var optedOut = Pod([Container("app") with { SecurityContext = new ContainerSecurityContext(runAsUser, null, false, false, false, [], []) { RunAsNonRoot = false } }])
            with { SecurityContext = pod.SecurityContext };
        Assert.Equal(0u, Build(optedOut, Busybox with { Uid = imageUid }).Containers[0].Uid);
    }

    [Fact]
    public void RunAsNonRootLetsANonRootUserRun()
    {
        var pod = Pod([Container("app")]) with { SecurityContext = new PodSecurityContext(null, null) { RunAsNonRoot = true } };
        Assert.Equal(1000u, Build(pod, Busybox with { Uid = 1000 }).Containers[0].Uid);
        Assert.Equal(1001u, Build(Pod([Container("app", uid: 1001)]) with { SecurityContext = pod.SecurityContext }).Containers[0].Uid);
    }

    [Fact]
    public void FsGroupReachesTheVolumesPodUnitsCreates()
    {
        var volumes = new List<VolumeDefinition>
        {
            new("scratch", null, new EmptyDirVolume(false, null)),
            new("cache", null, new EmptyDirVolume(true, null)),
            new("data", null, null, Claim: new ClaimVolume("data", false)),
            new("shared", null, null, Claim: new ClaimVolume("shared", true)),
        };
        var pod = Pod([Container("app")], volumes) with
        {
            SecurityContext = new PodSecurityContext(null, null) { FsGroup = 2000, FsGroupChangePolicy = FsGroupChangePolicy.OnRootMismatch },
        };
        PodPlan plan = Build(pod);
        Assert.All(plan.EmptyDirs, v => Assert.Equal(2000u, v.FsGroup));
        // A claim the pod may write gets the group; a readOnly one is left as it is, as the kubelet does.
        Assert.Equal([new ClaimVolume("data", false).HostPath], plan.FsGroupClaimDirs);
        Assert.True(plan.FsGroupOnRootMismatch);
        Assert.All(Build(Pod([Container("app")], volumes)).EmptyDirs, v => Assert.Null(v.FsGroup));
    }

    [Fact]
    public void NoCommandAnywhereIsBadInput()
    {
        var image = Busybox with { Cmd = null };
        var e = Assert.Throws<BadInputException>(() => Build(Pod([new ContainerDefinition { Name = "a", Image = "busybox" }]), image));
        Assert.Contains("no entrypoint or cmd", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InitContainersComeFirst()
    {
        PodPlan plan = Build(Pod([Container("app")], init: [Container("setup")]));
        Assert.Equal(["setup", "app"], plan.Containers.Select(c => c.Name));
        Assert.True(plan.Containers[0].Init);
        Assert.False(plan.Containers[1].Init);
    }

    [Fact]
    public void VolumesResolveToHostPathsAndPodDirs()
    {
        PodPlan plan = Build(Pod(
            [Container("app", mounts: [new VolumeMount("data", "/data", false), new VolumeMount("cache", "/cache", true), new VolumeMount("host", "/h", true)])],
            [
                new VolumeDefinition("data", null, new EmptyDirVolume(false, null)),
                new VolumeDefinition("cache", null, new EmptyDirVolume(true, 16L << 20)),
                new VolumeDefinition("host", new HostPathVolume("/srv", HostPathType.Directory), null),
            ]));
        Assert.Equal(["/var/lib/podunits/pods/web/volumes/data", "/run/podunits/volumes/cache", "/run/podunits/host/srv"],
            plan.Containers[0].Mounts.Select(m => m.Source));
        Assert.Equal([false, true, true], plan.Containers[0].Mounts.Select(m => m.ReadOnly));
        Assert.Equal(16UL << 20, plan.EmptyDirs.Single(v => v.Memory).SizeLimitBytes);
    }

    /// <summary>Volumes review of 2026-12-07, finding 5: a memory emptyDir without a sizeLimit
    /// was a tmpfs of half the host's RAM. Its size is capped by the pod's memory limits, as
    /// the kubelet sizes it (calculateEmptyDirMemorySize).</summary>
    [Fact]
    public void AMemoryEmptyDirIsCappedByThePodsMemoryLimits()
    {
        ulong? Size(PodDefinition pod, long? sizeLimit) => Build(pod with
        {
            Volumes = [new VolumeDefinition("cache", null, new EmptyDirVolume(true, sizeLimit)), new VolumeDefinition("disk", null, new EmptyDirVolume(false, null))],
        }).EmptyDirs.Single(v => v.Memory).SizeLimitBytes;
        PodDefinition limited = Pod([Container("a", memory: 64L << 20), Container("b", memory: 32L << 20)]);
        Assert.Equal(96UL << 20, Size(limited, null));
        Assert.Equal(96UL << 20, Size(limited, 1L << 30));
        Assert.Equal(16UL << 20, Size(limited, 16L << 20));
        Assert.Null(Build(limited with { Volumes = [new VolumeDefinition("disk", null, new EmptyDirVolume(false, null))] }).EmptyDirs.Single().SizeLimitBytes);

        // One container without a limit: the pod has none, and the kernel's default stays.
        PodDefinition open = Pod([Container("a", memory: 64L << 20), Container("b")]);
        Assert.Null(Size(open, null));
        Assert.Equal(1UL << 30, Size(open, 1L << 30));

        // The pod-level limit, when set, is the pod's.
        Assert.Equal(48UL << 20, Size(open with { Limits = new ResourceLimits(48L << 20, null) }, null));

        // Init containers run before the app containers, sidecars alongside both.
        ContainerDefinition setup = Container("setup", memory: 200L << 20), proxy = Container("proxy", memory: 16L << 20) with { Sidecar = true };
        Assert.Equal(200UL << 20, Size(Pod([Container("a", memory: 64L << 20)], init: [setup]), null));
        Assert.Equal(80UL << 20, Size(Pod([Container("a", memory: 64L << 20)], init: [proxy]), null));
        Assert.Equal(216UL << 20, Size(Pod([Container("a", memory: 64L << 20)], init: [proxy, setup]), null));
        Assert.Null(Size(Pod([Container("a", memory: 64L << 20)], init: [Container("setup")]), null));
    }

    [Fact]
    public void HostsAndDns()
    {
        PodPlan plan = Build(Pod([Container("app")]));
        Assert.Equal("web", plan.Hostname);
        Assert.Equal(["10.1.1.1\tdb db.local"], plan.HostsLines);
        Assert.Null(plan.ResolvConf); // ClusterFirst: the host's resolv.conf
        Assert.Equal("nameserver 10.0.0.1\nsearch example.org\noptions ndots:2\n",
            PlanBuilder.ResolvConf(Pod([], dnsPolicy: DnsPolicy.None)));
    }

    [Fact]
    public void OnTheHostsNetworkThePodIsNamedAsTheHostUnlessSpecHostnameSaysOtherwise()
    {
        // As Kubernetes' runtimes and podman --network host name such a pod (tour H #7).
        string host = File.ReadAllText("/proc/sys/kernel/hostname").Trim();
        PodPlan plan = Build(Pod([Container("app")]) with { HostNetwork = true });
        Assert.Equal(host, plan.Hostname);
        Assert.Contains($"HOSTNAME={host}", plan.Containers[0].Env);
        Assert.Equal("box", Build(Pod([Container("app")]) with { HostNetwork = true, Hostname = "box" }).Hostname);
        Assert.Equal("web", Build(Pod([Container("app")])).Hostname);
    }

    [Fact]
    public void OnTheHostsNetworkEtcHostsIsTheHostsWithTheAliasesAfterIt()
    {
        PodPlan plan = Build(Pod([Container("app")]) with { HostNetwork = true });
        Assert.Equal("127.0.0.1 localhost\n10.0.0.9 nas\n\n# Entries added by HostAliases.\n10.1.1.1\tdb db.local\n",
            PodUnits.Runtime.Init.PodInitSetup.HostsFile(plan, "127.0.0.1 localhost\n10.0.0.9 nas"));
        Assert.Equal("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\tweb\n10.1.1.1\tdb db.local\n",
            PodUnits.Runtime.Init.PodInitSetup.HostsFile(Build(Pod([Container("app")]))));
    }

    [Fact]
    public void ReadinessProbeKeepsKubernetesTiming()
    {
        var container = Container("app") with { ReadinessProbe = new Probe { TcpPort = 8080, InitialDelaySeconds = 3 } };
        ProbePlan probe = Build(Pod([container])).Containers[0].Readiness!;
        Assert.Equal((8080, 10, 3), (probe.TcpPort, probe.PeriodSeconds, probe.InitialDelaySeconds));
        Assert.Null(Build(Pod([Container("app")])).Containers[0].Readiness);
    }

    [Fact]
    public void AnExecProbeExpandsOnlyTheContainersOwnLiteralEnv()
    {
        var container = Container("app") with
        {
            Env = [new EnvVar("PORT", "80"), new EnvVar("PORT", "8080"), new EnvVar("TOKEN", "", new ObjectKeyRef(ConfigObjectKind.Secret, "s", "k", false))],
            LivenessProbe = new Probe { ExecCommand = ["check", "$(PORT)", "$(TOKEN)", "$(UNSET)", "$$(PORT)"] },
        };
        ContainerPlan c = Build(Pod([container])).Containers[0];
        // The kubelet's ExpandContainerCommandOnlyStatic: last entry wins, a valueFrom is "",
        // an unknown name and an escaped reference stay as written.
        Assert.Equal(["check", "8080", "", "$(UNSET)", "$(PORT)"], c.Liveness!.Exec);
    }

    [Fact]
    public void EveryProbeAndHookReachesThePlan()
    {
        var container = Container("app") with
        {
            ReadinessProbe = new Probe
            {
                HttpGet = new HttpGetAction { Scheme = "HTTPS", Host = "localhost", Port = 8443, Path = "/ready", Headers = [new("X-A", "1")] },
                TimeoutSeconds = 4, SuccessThreshold = 2, FailureThreshold = 5, PeriodSeconds = 7,
            },
            LivenessProbe = new Probe { Grpc = new GrpcAction { Port = 9000, Service = "health" }, TerminationGracePeriodSeconds = 1L << 40 },
            StartupProbe = new Probe { TcpPort = 22, TcpHost = "10.0.0.2", TerminationGracePeriodSeconds = 3 },
            Lifecycle = new Lifecycle
            {
                PostStart = new LifecycleHandler { ExecCommand = ["touch", "/started"] },
                PreStop = new LifecycleHandler { SleepSeconds = 1L << 40 },
            },
        };
        ContainerPlan c = Build(Pod([container])).Containers[0];
        ProbePlan readiness = c.Readiness!;
        Assert.Equal(("HTTPS", "localhost", 8443, "/ready"), (readiness.HttpGet!.Scheme, readiness.HttpGet.Host, readiness.HttpGet.Port, readiness.HttpGet.Path));
        Assert.Equal(("X-A", "1"), (readiness.HttpGet.Headers[0].Name, readiness.HttpGet.Headers[0].Value));
        Assert.Equal((0, 7, 4, 2, 5, null), (readiness.InitialDelaySeconds, readiness.PeriodSeconds, readiness.TimeoutSeconds,
            readiness.SuccessThreshold, readiness.FailureThreshold, readiness.TerminationGracePeriodSeconds));
        Assert.Equal((9000, "health", int.MaxValue), (c.Liveness!.Grpc!.Port, c.Liveness.Grpc.Service, c.Liveness.TerminationGracePeriodSeconds));
        Assert.Equal((22, "10.0.0.2", 3), (c.Startup!.TcpPort, c.Startup.TcpHost, c.Startup.TerminationGracePeriodSeconds));
        Assert.Equal(["touch", "/started"], c.PostStart!.Exec);
        Assert.Equal((null, null, int.MaxValue), (c.PreStop!.Exec, c.PreStop.HttpGet, c.PreStop.SleepSeconds));

        ContainerPlan none = Build(Pod([Container("app")])).Containers[0];
        Assert.Equal((null, null, null, null, null), (none.Readiness, none.Liveness, none.Startup, none.PostStart, none.PreStop));
    }

    [Theory]
    [InlineData(RestartPolicy.Always, ContainerRestart.Always, ContainerRestart.OnFailure)]
    [InlineData(RestartPolicy.OnFailure, ContainerRestart.OnFailure, ContainerRestart.OnFailure)]
    [InlineData(RestartPolicy.Never, ContainerRestart.Never, ContainerRestart.Never)]
    public void RestartFollowsThePodExceptForInitContainersAndSidecars(RestartPolicy policy, ContainerRestart container, ContainerRestart init)
    {
        PodDefinition pod = Pod([Container("app")], init: [Container("setup"), Container("proxy") with { Sidecar = true }]) with { RestartPolicy = policy };
        PodPlan plan = Build(pod);
        Assert.Equal([init, ContainerRestart.Always, container], plan.Containers.Select(c => c.Restart));
        Assert.Equal([false, true, false], plan.Containers.Select(c => c.Sidecar));
    }

    [Fact]
    public void UnitNamesEscapeDashesSoPodAndContainerStaySeparable()
    {
        Assert.Equal("podunits-my\\x2dpod-web.scope", ContainerUnits.ScopeName("my-pod", "web"));
        Assert.Equal("podunits-my-pod\\x2dweb.scope", ContainerUnits.ScopeName("my", "pod-web"));
        Assert.Equal("machine-podunits-my\\x2dpod.slice", ContainerUnits.SliceName("my-pod"));
    }

    [Fact]
    public void SubPathExprExpandsTheContainersEnvironment()
    {
        var data = new VolumeDefinition("data", new HostPathVolume("/srv/data", HostPathType.Unset), null);
        ContainerDefinition app = Container("app", mounts: [new VolumeMount("data", "/logs", false, SubPathExpr: "pods/$(POD)/$(A)")]) with
        {
            Env = [new EnvVar("A", "1"), new EnvVar("POD", "", new PodFieldRef("metadata.name"))],
        };
        PodPlan plan = Build(Pod([app], [data]));
        MountPlan mount = Assert.Single(plan.Containers[0].Mounts);
        Assert.Equal("pods/web/1", mount.SubPath);
        // Review of 2026-12-05: a variable may hold a Secret's value; the host's copy of the
        // plan keeps that there is a subPath, not what it is.
        MountPlan redacted = Assert.Single(PodPlan.FromJson(plan.Redacted().ToJson(), "plan").Containers[0].Mounts);
        Assert.Equal(("/logs", ""), (redacted.Target, redacted.SubPath));

        ContainerDefinition escape = app with { VolumeMounts = [new VolumeMount("data", "/logs", false, SubPathExpr: "$(UP)/etc")],
            Env = [new EnvVar("UP", "..")] };
        var e = Assert.Throws<BadInputException>(() => Build(Pod([escape], [data])));
        Assert.Contains("subPathExpr \"$(UP)/etc\" gives a path which must not contain \"..\"", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("../etc", e.Message, StringComparison.Ordinal); // never the expanded value: it may be a Secret's
    }

    /// <summary>Definitions review of 2026-12-07, finding 7: an expanded subPathExpr may start
    /// with ".." as a literal subPath may ("..web" is a name); validate passed it and every
    /// start refused it. A ".." element still leaves the volume, and is refused.</summary>
    [Theory]
    [InlineData("..$(POD)", "..web")]
    [InlineData("..cache", "..cache")]
    [InlineData("logs/..$(POD)", "logs/..web")]
    public void AnExpandedSubPathMayStartWithTwoDots(string expression, string expected) =>
        Assert.Equal(expected, Assert.Single(Build(WithSubPathExpr(expression, new EnvVar("POD", "", new PodFieldRef("metadata.name")))).Containers[0].Mounts).SubPath);

    /// <summary>A pod whose container "app" mounts a hostPath volume at /logs with
    /// <paramref name="expression"/> as its subPathExpr, and <paramref name="env"/>.</summary>
    private static PodDefinition WithSubPathExpr(string expression, params EnvVar[] env)
    {
        var data = new VolumeDefinition("data", new HostPathVolume("/srv/data", HostPathType.Unset), null);
        ContainerDefinition app = Container("app", mounts: [new VolumeMount("data", "/logs", false, SubPathExpr: expression)]) with { Env = env };
        return Pod([app], [data]);
    }

    /// <summary>Review of 2026-12-05: as the kubelet, a variable that is not set or is empty
    /// fails the container instead of naming a directory "$(TYPO)" or "logs/" every pod shares.</summary>
    [Theory]
    [InlineData("pods/$(POD_NAMES)", "missing value for POD_NAMES")]
    [InlineData("logs/$(EMPTY)", "missing value for EMPTY")]
    [InlineData("$(B)/$(A)/$(EMPTY)", "missing value for B, EMPTY")]
    public void SubPathExprWithAVariableNotSetOrEmptyIsRefused(string expression, string expected)
    {
        var e = Assert.Throws<BadInputException>(() => Build(WithSubPathExpr(expression, new EnvVar("A", "1"), new EnvVar("EMPTY", ""))));
        Assert.EndsWith($"volumeMounts /logs: subPathExpr \"{expression}\": {expected}", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Review of 2026-12-05: mounts went in the definition's order, so /data after
    /// /data/db hid the claim under an emptyDir. Shallower first now, ties in their order.</summary>
    [Fact]
    public void ANestedMountComesAfterTheMountThatHoldsIt()
    {
        ContainerDefinition app = Container("app", mounts:
        [
            new VolumeMount("db", "/data/db", false),
            new VolumeMount("scratch", "/data", false),
            new VolumeMount("logs", "/var/log/app", false),
            new VolumeMount("cache", "/cache", false),
        ]);
        PodPlan plan = Build(Pod([app],
        [
            new VolumeDefinition("db", null, new EmptyDirVolume(false, null)),
            new VolumeDefinition("scratch", null, new EmptyDirVolume(false, null)),
            new VolumeDefinition("logs", null, new EmptyDirVolume(false, null)),
            new VolumeDefinition("cache", null, new EmptyDirVolume(false, null)),
        ]));
        Assert.Equal(["/data", "/cache", "/data/db", "/var/log/app"], plan.Containers[0].Mounts.Select(m => m.Target));
    }
}
