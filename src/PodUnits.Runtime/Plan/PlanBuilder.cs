using PodUnits.Core.Errors;
using PodUnits.Core.Naming;
using PodUnits.Runtime.State;

namespace PodUnits.Runtime.Plan;

/// <summary>
/// Turns a definition into a <see cref="PodPlan"/>: resolves images, volumes, credentials,
/// capabilities and argv. Pure except for the image lookup it is given, so it is unit-tested.
/// </summary>
public static class PlanBuilder
{
    public static PodPlan Build(PodSpecLite spec, string machineId, Func<string, RootfsResolver.Image> resolveImage)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(resolveImage);
        string what = $"pod {spec.Name}";
        if (!ResourceNames.IsValid(spec.Name))
        {
            throw new BadInputException(what, ResourceNames.Explain(spec.Name) ?? "invalid name");
        }
        if (spec.Containers.Count == 0)
        {
            throw new BadInputException(what, "spec.containers is empty");
        }
        string stateDir = PodPaths.StateDir(spec.Name);
        var volumes = new Dictionary<string, string>(StringComparer.Ordinal);
        var emptyDirs = new List<EmptyDirPlan>();
        foreach (VolumeLite v in spec.Volumes)
        {
            if (v.HostPath is not null)
            {
                volumes[v.Name] = v.HostPath;
            }
            else if (v.EmptyDir)
            {
                // Memory volumes are tmpfs mounted by the pod init in its private /run.
                string path = v.Memory ? $"/run/podunits/volumes/{v.Name}" : $"{stateDir}/volumes/{v.Name}";
                emptyDirs.Add(new EmptyDirPlan
                {
                    Name = v.Name, Path = path, Memory = v.Memory,
                    SizeLimitBytes = v.SizeLimit is null ? null : Quantity.Bytes(v.SizeLimit),
                });
                volumes[v.Name] = path;
            }
            else
            {
                throw new BadInputException($"{what}: volume {v.Name}", "only hostPath and emptyDir volumes are supported");
            }
        }
        var containers = new List<ContainerPlan>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((ContainerLite c, bool init) in spec.InitContainers.Select(c => (c, true)).Concat(spec.Containers.Select(c => (c, false))))
        {
            if (!ResourceNames.IsValid(c.Name) || !seen.Add(c.Name))
            {
                throw new BadInputException($"{what}: container \"{c.Name}\"", ResourceNames.Explain(c.Name) ?? "name used twice");
            }
            containers.Add(Container(spec, c, init, stateDir, volumes, resolveImage));
        }
        return new PodPlan
        {
            Name = spec.Name,
            Hostname = spec.Hostname ?? spec.Name,
            HostNetwork = spec.HostNetwork,
            MachineId = machineId,
            StateDir = stateDir,
            TerminationGracePeriodSeconds = spec.TerminationGracePeriodSeconds ?? 30,
            ResolvConf = ResolvConf(spec),
            JournalDir = Directory.Exists("/var/log/journal") ? $"/var/log/journal/{machineId}" : $"{stateDir}/journal/{machineId}",
            HostsLines = [.. spec.HostAliases.Select(a => $"{a.Ip}\t{string.Join(' ', a.Hostnames)}")],
            EmptyDirs = emptyDirs,
            Containers = containers,
        };
    }

    /// <summary>dnsPolicy None uses dnsConfig only; the others copy the host's resolv.conf
    /// (there is no cluster DNS, so ClusterFirst behaves as Default, as in podman).</summary>
    public static string? ResolvConf(PodSpecLite spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.DnsPolicy != "None")
        {
            return null;
        }
        var text = new System.Text.StringBuilder();
        foreach (string ns in spec.Nameservers)
        {
            text.Append("nameserver ").Append(ns).Append('\n');
        }
        if (spec.Searches.Count > 0)
        {
            text.Append("search ").Append(string.Join(' ', spec.Searches)).Append('\n');
        }
        return text.ToString();
    }

    private static ContainerPlan Container(PodSpecLite spec, ContainerLite c, bool init, string stateDir,
        Dictionary<string, string> volumes, Func<string, RootfsResolver.Image> resolveImage)
    {
        string what = $"pod {spec.Name}: container {c.Name}";
        RootfsResolver.Image image = resolveImage(c.Image);
        List<string> argv = CommandResolver.Argv(c.Command, c.Args, image.Entrypoint, image.Cmd);
        if (argv.Count == 0)
        {
            throw new BadInputException(what, $"no command: image {c.Image} has no entrypoint or cmd, and the container sets none");
        }
        var mounts = new List<MountPlan>();
        foreach ((string name, string mountPath, bool readOnly) in c.VolumeMounts)
        {
            if (!volumes.TryGetValue(name, out string? source))
            {
                throw new BadInputException(what, $"volumeMounts names volume \"{name}\", which spec.volumes does not define");
            }
            mounts.Add(new MountPlan { Source = source, Target = mountPath, ReadOnly = readOnly });
        }
        List<int> caps;
        try
        {
            caps = Capabilities.BoundingSet(c.Privileged, c.CapAdd, c.CapDrop);
        }
        catch (ArgumentException e)
        {
            throw new BadInputException(what, e.Message.Split(" (", 2)[0]);
        }
        var env = new List<string>(image.Env) { $"HOSTNAME={spec.Hostname ?? spec.Name}" };
        env.AddRange(c.Env.Select(e => $"{e.Name}={e.Value}"));
        long uid = c.RunAsUser ?? spec.RunAsUser ?? 0;
        long gid = c.RunAsGroup ?? spec.RunAsGroup ?? ((c.RunAsUser ?? spec.RunAsUser) is null ? 0 : uid);
        if (!env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal)))
        {
            env.Add(uid == 0 ? "HOME=/root" : "HOME=/");
        }
        return new ContainerPlan
        {
            Name = c.Name,
            Init = init,
            LowerDir = image.RootDir,
            LayerDir = $"{stateDir}/containers/{c.Name}",
            Argv = argv,
            Env = env,
            WorkingDir = string.IsNullOrEmpty(c.WorkingDir) ? "/" : c.WorkingDir,
            Uid = (uint)uid,
            Gid = (uint)gid,
            ReadOnlyRootFilesystem = c.ReadOnlyRootFilesystem,
            Privileged = c.Privileged,
            NoNewPrivileges = c.AllowPrivilegeEscalation == false,
            Capabilities = caps,
            Mounts = mounts,
            MemoryMaxBytes = c.MemoryLimit is null ? null : Quantity.Bytes(c.MemoryLimit),
            CpuMillicores = c.CpuLimit is null ? null : Quantity.Millicores(c.CpuLimit),
            Readiness = c.ReadinessExec is null && c.ReadinessTcpPort is null ? null : new ProbePlan
            {
                Exec = c.ReadinessExec is null ? null : [.. c.ReadinessExec],
                TcpPort = c.ReadinessTcpPort,
                PeriodSeconds = c.ReadinessPeriodSeconds ?? 1,
            },
        };
    }
}
