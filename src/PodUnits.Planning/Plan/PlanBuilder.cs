using PodUnits.Core.Errors;
using PodUnits.Core.Identity;
using PodUnits.Definitions;
using PodUnits.Runtime.Plan;
using PodUnits.Runtime.State;

namespace PodUnits.Planning.Plan;

/// <summary>
/// Turns a validated definition and its containers' images into a <see cref="PodPlan"/>:
/// volumes, credentials, capabilities, argv and environment by Kubernetes' rules. Pure: the
/// images are resolved before (<c>ContainerImages</c>), so it is unit-tested.
/// </summary>
public static class PlanBuilder
{
    /// <summary><paramref name="images"/> maps each container's name to its image;
    /// <paramref name="node"/> gives the host facts the downward API shows (gathered from this
    /// host, and only if the pod uses them, when null).</summary>
    public static PodPlan Build(PodDefinition pod, string machineId, IReadOnlyDictionary<string, ContainerImage> images,
        bool interactive = false, NodeFacts? node = null)
    {
        ArgumentNullException.ThrowIfNull(pod);
        ArgumentNullException.ThrowIfNull(images);
        var facts = new Lazy<NodeFacts>(() => node ?? HostFacts.Gather(machineId));
        string stateDir = PodPaths.StateDir(pod.Name);
        var projected = new List<ProjectedVolumePlan>();
        var claims = new List<string>();
        var readOnlyClaims = new HashSet<string>(StringComparer.Ordinal);
        var volumes = new Dictionary<string, string>(StringComparer.Ordinal);
        var emptyDirs = new List<EmptyDirPlan>();
        uint? fsGroup = pod.SecurityContext?.FsGroup is long g ? (uint)g : null;
        var fsGroupClaims = new List<string>();
        foreach (VolumeDefinition v in pod.Volumes)
        {
            if (v.HostPath is { } hostPath)
            {
                volumes[v.Name] = PodPaths.HostPathInPod(hostPath.Path);
            }
            else if (v.EmptyDir is { } emptyDir)
            {
                // Memory volumes are tmpfs mounted by the pod init in its private /run.
                string path = emptyDir.InMemory ? $"/run/podunits/volumes/{v.Name}" : $"{stateDir}/volumes/{v.Name}";
                emptyDirs.Add(new EmptyDirPlan
                {
                    Name = v.Name, Path = path, Memory = emptyDir.InMemory,
                    SizeLimitBytes = emptyDir.InMemory ? MemoryEmptyDirSize.Of(pod, emptyDir.SizeLimitBytes)
                        : emptyDir.SizeLimitBytes is long limit ? (ulong)limit : null,
                    FsGroup = fsGroup,
                });
                volumes[v.Name] = path;
            }
            else if (v.Claim is { } claim)
            {
                volumes[v.Name] = claim.HostPath;
                claims.Add(claim.HostPath);
                if (claim.ReadOnly)
                {
                    readOnlyClaims.Add(v.Name);
                }
                else if (fsGroup is not null)
                {
                    fsGroupClaims.Add(claim.HostPath);
                }
            }
            else if (v.Projected is { } p)
            {
                // On a tmpfs the pod init mounts in its private /run, like a memory emptyDir.
                string path = $"/run/podunits/volumes/{v.Name}";
                projected.Add(new ProjectedVolumePlan { Name = v.Name, Path = path, Files = ProjectedFiles.Of(v.Name, p, pod, facts.Value), FsGroup = fsGroup });
                volumes[v.Name] = path;
            }
        }
        var sources = new EnvSourceValues(pod, () => facts.Value);
        var containers = new List<ContainerPlan>();
        foreach ((ContainerDefinition c, bool init) in pod.InitContainers.Select(c => (c, true)).Concat(pod.Containers.Select(c => (c, false))))
        {
            ContainerImage image = images.TryGetValue(c.Name, out ContainerImage? found) ? found
                : throw new ArgumentException($"no image resolved for container {c.Name}", nameof(images));
            containers.Add(Container(pod, c, init, stateDir, volumes, image, PodIdentity.ContainerIdFull(machineId, c.Name), sources,
                [.. projected.Select(p => p.Name), .. readOnlyClaims]));
        }
        return new PodPlan
        {
            Name = pod.Name,
            Hostname = Hostname(pod),
            HostNetwork = pod.HostNetwork,
            ShareProcessNamespace = pod.ShareProcessNamespace,
            Interactive = interactive,
            MachineId = machineId,
            StateDir = stateDir,
            TerminationGracePeriodSeconds = (int)Math.Min(pod.TerminationGracePeriodSeconds, int.MaxValue),
            MemoryMaxBytes = pod.Limits.MemoryBytes is long bytes ? (ulong)bytes : null,
            CpuMillicores = pod.Limits.CpuMillis is long millis ? (ulong)millis : null,
            CpuRequestMillicores = PodRequests.CpuMillis(pod) is long requested ? (ulong)requested : null,
            ResolvConf = ResolvConf(pod),
            JournalDir = Directory.Exists("/var/log/journal") ? $"/var/log/journal/{machineId}" : $"{stateDir}/journal/{machineId}",
            HostsLines = [.. pod.HostAliases.Select(a => $"{a.Ip}\t{string.Join(' ', a.Hostnames)}")],
            EmptyDirs = emptyDirs,
            ProjectedVolumes = projected,
            ClaimDirs = [.. claims.Distinct(StringComparer.Ordinal)],
            FsGroup = fsGroup,
            FsGroupClaimDirs = [.. fsGroupClaims.Distinct(StringComparer.Ordinal)],
            FsGroupOnRootMismatch = pod.SecurityContext?.FsGroupChangePolicy == FsGroupChangePolicy.OnRootMismatch,
            Sysctls = Sysctls(pod),
            Containers = containers,
            NotifyContainer = interactive ? null : pod.Activation.NotifyContainer,
            ListenContainer = interactive ? null : pod.Activation.ListenContainer ?? (pod.Containers.Count == 1 ? pod.Containers[0].Name : null),
        };
    }

    /// <summary>The pod's own sysctls, and as podman's default_sysctls, for a pod with its own
    /// network namespace, net.ipv4.ping_group_range "0 0": ping as root works through ICMP
    /// sockets without CAP_NET_RAW, which the default capabilities leave out. A pod with its
    /// own user namespace gets its range instead (UserNamespacePlanner); a pod that sets the
    /// sysctl keeps its value.</summary>
    private static List<SysctlPlan> Sysctls(PodDefinition pod)
    {
        List<SysctlPlan> sysctls = [.. (pod.SecurityContext?.Sysctls ?? []).Select(s => SysctlPlans.Of(s.Name, s.Value))];
        const string Ping = "net.ipv4.ping_group_range";
        if (!pod.HostNetwork && !pod.UserNamespace && !sysctls.Exists(s => s.Name == Ping))
        {
            sysctls.Add(SysctlPlans.Of(Ping, "0 0"));
        }
        return sysctls;
    }

    /// <summary>dnsPolicy None uses dnsConfig only; the others copy the host's resolv.conf
    /// (there is no cluster DNS, so ClusterFirst behaves as Default, as in podman).</summary>
    public static string? ResolvConf(PodDefinition pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (pod.DnsPolicy != DnsPolicy.None)
        {
            return null;
        }
        var text = new System.Text.StringBuilder();
        foreach (string ns in pod.DnsConfig?.Nameservers ?? [])
        {
            text.Append("nameserver ").Append(ns).Append('\n');
        }
        if (pod.DnsConfig is { Searches.Count: > 0 } config)
        {
            text.Append("search ").Append(string.Join(' ', config.Searches)).Append('\n');
        }
        if (pod.DnsConfig is { Options.Count: > 0 } withOptions)
        {
            text.Append("options ")
                .Append(string.Join(' ', withOptions.Options.Select(o => o.Value is null ? o.Name : $"{o.Name}:{o.Value}")))
                .Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// The pod's hostname: spec.hostname, else the pod's name, except on the host's network,
    /// where a pod is named as the host (Kubernetes' runtimes share the node's UTS namespace
    /// with a hostNetwork pod, and podman's --network host the host's hostname): a node agent
    /// reports the node's name. The pod keeps a UTS namespace of its own, so a container that
    /// may call sethostname(2) cannot rename the host. spec.hostname, when set, still wins
    /// (Kubernetes' runtimes ignore it there; docs/networking.md).
    /// </summary>
    private static string Hostname(PodDefinition pod)
    {
        if (!pod.HostNetwork || pod.Hostname is not null)
        {
            return pod.EffectiveHostname;
        }
        try
        {
            return File.ReadAllText("/proc/sys/kernel/hostname").Trim() is { Length: > 0 } host ? host : pod.EffectiveHostname;
        }
        catch (IOException)
        {
            return pod.EffectiveHostname;
        }
    }

    private static ContainerPlan Container(PodDefinition pod, ContainerDefinition c, bool init, string stateDir,
        Dictionary<string, string> volumes, ContainerImage image, string idFull, EnvSourceValues sources, HashSet<string> readOnlyVolumes)
    {
        string what = $"pod {pod.Name}: container {c.Name}";
        // HOSTNAME as Kubernetes sets it, after the image's variables, before the container's.
        var baseEnv = new List<KeyValuePair<string, string>>(image.Env.Select(Split));
        if (!baseEnv.Any(e => e.Key == "PATH"))
        {
            baseEnv.Insert(0, new("PATH", CommandResolver.DefaultPath));
        }
        baseEnv.Add(new("HOSTNAME", Hostname(pod)));
        ContainerProcess process = ContainerProcess.Resolve(c, image.Entrypoint, image.Cmd, baseEnv, sources);
        if (process.Argv.Count == 0)
        {
            throw new BadInputException(what, $"no command: image {image.Reference} has no entrypoint or cmd, and the container sets none");
        }
        var mounts = new List<MountPlan>();
        foreach (VolumeMount m in c.VolumeMounts)
        {
            // The validator checked that every mount names a volume; a hole here is a bug.
            string source = volumes.TryGetValue(m.Name, out string? s) ? s
                : throw new BadInputException(what, $"volumeMounts names volume \"{m.Name}\", which spec.volumes does not define");
            // Projected volumes are always read-only, as the kubelet mounts them, and so is a
            // claim whose volume source says readOnly.
            mounts.Add(new MountPlan { Source = source, Target = m.MountPath, ReadOnly = m.ReadOnly || readOnlyVolumes.Contains(m.Name),
                SubPath = m.SubPathExpr is { } expr ? ExpandSubPath(what, m, expr, process.Environment) : m.SubPath, Volume = m.Name });
        }
        // Shallower first, whatever the definition's order, as containerd, CRI-O and Docker
        // mount them: /data bound after /data/db would hide it, and the database would write
        // into whatever /data is.
        mounts = [.. mounts.OrderBy(m => MountDepth(m.Target))];
        ContainerSecurityContext? security = c.SecurityContext;
        List<int> caps;
        try
        {
            caps = Capabilities.BoundingSet(security?.Privileged ?? false, security?.CapabilitiesAdd ?? [], security?.CapabilitiesDrop ?? []);
        }
        catch (ArgumentException e)
        {
            throw new BadInputException(what, e.Message.Split(" (", 2)[0]);
        }
        ContainerIdentity.Ids ids = ContainerIdentity.Resolve(what, pod, c, image);
        List<string> env = [.. process.Environment.Select(e => $"{e.Key}={e.Value}")];
        if (!process.Environment.Any(e => e.Key == "HOME"))
        {
            // As runc sets it: the user's home in the image's /etc/passwd (npm, pip and git
            // write there), else / (/root for root).
            env.Add("HOME=" + (ImageUser.Home(ids.Uid, image.Accounts) ?? (ids.Uid == 0 ? "/root" : "/")));
        }
        return new ContainerPlan
        {
            Name = c.Name,
            Init = init,
            IdFull = idFull,
            PodEtcFiles = pod.ImageResolvConf ? ["hostname", "hosts"] : ["hostname", "hosts", "resolv.conf"],
            Image = c.Image,
            LowerDir = image.LowerDirs,
            LayerDir = $"{stateDir}/containers/{c.Name}",
            Argv = [.. process.Argv],
            Env = env,
            WorkingDir = c.WorkingDir is { Length: > 0 } wd ? wd : image.WorkingDir is { Length: > 0 } iwd ? iwd : "/",
            Uid = ids.Uid,
            Gid = ids.Gid,
            SupplementaryGroups = ids.Groups,
            ReadOnlyRootFilesystem = security?.ReadOnlyRootFilesystem ?? false,
            Privileged = security?.Privileged ?? false,
            ProcUnmasked = security?.ProcUnmasked ?? false,
            NoNewPrivileges = security?.AllowPrivilegeEscalation == false,
            Capabilities = caps,
            Seccomp = Seccomp(pod, security),
            Mounts = mounts,
            MemoryMaxBytes = c.Limits.MemoryBytes is long bytes ? (ulong)bytes : null,
            CpuMillicores = c.Limits.CpuMillis is long millis ? (ulong)millis : null,
            CpuRequestMillicores = c.Requests.CpuMillis is long requested ? (ulong)requested : null,
            Readiness = HealthPlanner.Probe(c.ReadinessProbe, c.Env),
            Liveness = HealthPlanner.Probe(c.LivenessProbe, c.Env),
            Startup = HealthPlanner.Probe(c.StartupProbe, c.Env),
            PostStart = HealthPlanner.Hook(c.Lifecycle?.PostStart),
            PreStop = HealthPlanner.Hook(c.Lifecycle?.PreStop),
            Restart = HealthPlanner.Restart(pod.RestartPolicy, c, init),
            Sidecar = c.Sidecar,
        };
    }

    /// <summary>How many names a mount path has ("/data/db": 2).</summary>
    internal static int MountDepth(string target) => MountPlan.DepthOf(target);

    /// <summary>subPathExpr: $(VAR) references to the container's environment expanded (the
    /// downward API's metadata.name is the usual one), then checked as a subPath is. An
    /// address the network assigns later (status.podIP) cannot name a directory here. The
    /// expanded path is never quoted: a variable may hold a Secret's value, and the error
    /// becomes the unit's status line, which every user can read.</summary>
    private static string ExpandSubPath(string what, VolumeMount m, string expression, IReadOnlyList<KeyValuePair<string, string>> environment)
    {
        // As the kubelet's ExpandContainerVolumeMounts: a variable that is not set, or set to
        // nothing, fails the container; left as written ("$(TYPO)") or dropped ("logs/"), it
        // would give every pod sharing the volume the same directory.
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        string path = EnvExpansion.Expand(expression, n =>
        {
            string? value = environment.LastOrDefault(e => e.Key == n).Value;
            if (string.IsNullOrEmpty(value))
            {
                missing.Add(n);
            }
            return value ?? "";
        });
        if (missing.Count > 0)
        {
            throw new BadInputException(what, $"volumeMounts {m.MountPath}: subPathExpr \"{expression}\": missing value for {string.Join(", ", missing)}");
        }
        if (path.Contains(NodeFacts.PodIPToken, StringComparison.Ordinal) || path.Contains(NodeFacts.PodIPsToken, StringComparison.Ordinal))
        {
            throw new BadInputException(what, $"volumeMounts {m.MountPath}: subPathExpr \"{expression}\" uses status.podIP, which is assigned after the plan is made");
        }
        return VolumeMount.ExplainSubPath(path) is string why
            ? throw new BadInputException(what, $"volumeMounts {m.MountPath}: subPathExpr \"{expression}\" gives a path which {why}")
            : path;
    }

    /// <summary>The container's seccomp profile, else the pod's, else RuntimeDefault: PodUnits
    /// does what `kubelet --seccomp-default` does. A privileged container runs Unconfined, as
    /// containerd and Docker run privileged containers.</summary>
    public static SeccompPlan? Seccomp(PodDefinition pod, ContainerSecurityContext? security)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (security?.Privileged == true)
        {
            return null;
        }
        SeccompProfileRef? chosen = security?.SeccompProfile ?? pod.SecurityContext?.SeccompProfile;
        return chosen?.Type switch
        {
            SeccompProfileType.Unconfined => null,
            SeccompProfileType.Localhost => new SeccompPlan
            {
                Profile = "Localhost", LocalhostProfile = chosen.LocalhostProfile,
                Origin = $"{pod.SourcePath}:{chosen.Line}:{chosen.Column}",
            },
            SeccompProfileType.RuntimeDefault => new SeccompPlan { Profile = "RuntimeDefault", Origin = $"{pod.SourcePath}:{chosen.Line}:{chosen.Column}" },
            _ => new SeccompPlan { Profile = "RuntimeDefault" },
        };
    }

    private static KeyValuePair<string, string> Split(string variable)
    {
        int eq = variable.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? new(variable, "") : new(variable[..eq], variable[(eq + 1)..]);
    }
}
