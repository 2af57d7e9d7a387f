using System.Text.Json;

namespace PodUnits.Runtime.Plan;

/// <summary>
/// Writes a plan as JSON, property by property with <see cref="Utf8JsonWriter"/>, in the
/// form System.Text.Json's serializer gives these types (declaration order, nulls written,
/// enums as numbers, byte arrays as base64, indented). Why not the serializer: stage 0
/// writes a plan at every pod start, and on NativeAOT even the source-generated writer
/// builds the serializer's metadata for every plan type at its first call (converters,
/// property tables, an assembly lookup through reflection), which perf put at about 3% of
/// all CPU while many pods start at once, most of it allocating and faulting in memory for
/// tables used once. This writes the same bytes without them. <see cref="PlanReader"/> reads
/// them back. PlanWriterTests compares this with the serializer's output for a plan whose
/// every property is set, so a property added to a plan type without a line here fails there.
/// </summary>
internal static class PlanWriter
{
    private delegate void WriteValue<in T>(Utf8JsonWriter w, T value);

    public static string Write(PodPlan plan)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(16 * 1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            Pod(w, plan);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Pod(Utf8JsonWriter w, PodPlan p)
    {
        w.WriteStartObject();
        w.WriteString(nameof(PodPlan.Name), p.Name);
        w.WriteString(nameof(PodPlan.Hostname), p.Hostname);
        w.WriteBoolean(nameof(PodPlan.HostNetwork), p.HostNetwork);
        w.WriteBoolean(nameof(PodPlan.ShareProcessNamespace), p.ShareProcessNamespace);
        w.WriteBoolean(nameof(PodPlan.Interactive), p.Interactive);
        w.WriteBoolean(nameof(PodPlan.Terminal), p.Terminal);
        w.WriteBoolean(nameof(PodPlan.KeepState), p.KeepState);
        w.WriteString(nameof(PodPlan.MachineId), p.MachineId);
        w.WriteString(nameof(PodPlan.StateDir), p.StateDir);
        w.WriteString(nameof(PodPlan.DefinitionFile), p.DefinitionFile);
        w.WriteString(nameof(PodPlan.DefinitionSha256), p.DefinitionSha256);
        w.WriteString(nameof(PodPlan.ImagePinFile), p.ImagePinFile);
        w.WriteNumber(nameof(PodPlan.TerminationGracePeriodSeconds), p.TerminationGracePeriodSeconds);
        Number(w, nameof(PodPlan.MemoryMaxBytes), p.MemoryMaxBytes);
        Number(w, nameof(PodPlan.CpuMillicores), p.CpuMillicores);
        Number(w, nameof(PodPlan.CpuRequestMillicores), p.CpuRequestMillicores);
        Number(w, nameof(PodPlan.ContainerTasksMax), p.ContainerTasksMax);
        w.WriteString(nameof(PodPlan.JournalDir), p.JournalDir);
        w.WriteString(nameof(PodPlan.ResolvConf), p.ResolvConf);
        Strings(w, nameof(PodPlan.HostsLines), p.HostsLines);
        List(w, nameof(PodPlan.EmptyDirs), p.EmptyDirs, EmptyDir);
        List(w, nameof(PodPlan.ProjectedVolumes), p.ProjectedVolumes, ProjectedVolume);
        Strings(w, nameof(PodPlan.ClaimDirs), p.ClaimDirs);
        List(w, nameof(PodPlan.ClaimLockFds), p.ClaimLockFds, (w, n) => w.WriteNumberValue(n));
        Number(w, nameof(PodPlan.FsGroup), p.FsGroup);
        Strings(w, nameof(PodPlan.FsGroupClaimDirs), p.FsGroupClaimDirs);
        w.WriteBoolean(nameof(PodPlan.FsGroupOnRootMismatch), p.FsGroupOnRootMismatch);
        Object(w, nameof(PodPlan.Network), p.Network, Network);
        List(w, nameof(PodPlan.Sysctls), p.Sysctls, Sysctl);
        Object(w, nameof(PodPlan.Users), p.Users, Users);
        List(w, nameof(PodPlan.Containers), p.Containers, Container);
        w.WriteString(nameof(PodPlan.NotifyContainer), p.NotifyContainer);
        w.WriteString(nameof(PodPlan.ListenContainer), p.ListenContainer);
        w.WriteEndObject();
    }

    private static void Network(Utf8JsonWriter w, NetworkPlan n)
    {
        w.WriteStartObject();
        w.WriteString(nameof(NetworkPlan.Name), n.Name);
        w.WriteString(nameof(NetworkPlan.ConfigPath), n.ConfigPath);
        w.WriteString(nameof(NetworkPlan.ConfigText), n.ConfigText);
        w.WriteString(nameof(NetworkPlan.ContainerId), n.ContainerId);
        List(w, nameof(NetworkPlan.PortMappings), n.PortMappings, PortMapping);
        w.WriteEndObject();
    }

    private static void PortMapping(Utf8JsonWriter w, PortMappingPlan m)
    {
        w.WriteStartObject();
        w.WriteNumber(nameof(PortMappingPlan.HostPort), m.HostPort);
        w.WriteNumber(nameof(PortMappingPlan.ContainerPort), m.ContainerPort);
        w.WriteString(nameof(PortMappingPlan.Protocol), m.Protocol);
        w.WriteString(nameof(PortMappingPlan.HostIP), m.HostIP);
        w.WriteEndObject();
    }

    private static void Users(Utf8JsonWriter w, IdMapping u)
    {
        w.WriteStartObject();
        w.WriteNumber(nameof(IdMapping.HostFirst), u.HostFirst);
        w.WriteNumber(nameof(IdMapping.Size), u.Size);
        w.WriteEndObject();
    }

    private static void Sysctl(Utf8JsonWriter w, SysctlPlan s)
    {
        w.WriteStartObject();
        w.WriteString(nameof(SysctlPlan.Name), s.Name);
        w.WriteString(nameof(SysctlPlan.ProcPath), s.ProcPath);
        w.WriteString(nameof(SysctlPlan.Value), s.Value);
        w.WriteEndObject();
    }

    private static void EmptyDir(Utf8JsonWriter w, EmptyDirPlan e)
    {
        w.WriteStartObject();
        w.WriteString(nameof(EmptyDirPlan.Name), e.Name);
        w.WriteString(nameof(EmptyDirPlan.Path), e.Path);
        w.WriteBoolean(nameof(EmptyDirPlan.Memory), e.Memory);
        Number(w, nameof(EmptyDirPlan.SizeLimitBytes), e.SizeLimitBytes);
        Number(w, nameof(EmptyDirPlan.FsGroup), e.FsGroup);
        w.WriteEndObject();
    }

    private static void ProjectedVolume(Utf8JsonWriter w, ProjectedVolumePlan v)
    {
        w.WriteStartObject();
        w.WriteString(nameof(ProjectedVolumePlan.Name), v.Name);
        w.WriteString(nameof(ProjectedVolumePlan.Path), v.Path);
        List(w, nameof(ProjectedVolumePlan.Files), v.Files, ProjectedFile);
        Number(w, nameof(ProjectedVolumePlan.FsGroup), v.FsGroup);
        w.WriteEndObject();
    }

    private static void ProjectedFile(Utf8JsonWriter w, ProjectedFilePlan f)
    {
        w.WriteStartObject();
        w.WriteString(nameof(ProjectedFilePlan.Path), f.Path);
        Bytes(w, nameof(ProjectedFilePlan.Content), f.Content);
        w.WriteNumber(nameof(ProjectedFilePlan.Mode), f.Mode);
        w.WriteEndObject();
    }

    private static void Container(Utf8JsonWriter w, ContainerPlan c)
    {
        w.WriteStartObject();
        w.WriteString(nameof(ContainerPlan.Name), c.Name);
        w.WriteBoolean(nameof(ContainerPlan.Init), c.Init);
        w.WriteString(nameof(ContainerPlan.IdFull), c.IdFull);
        Strings(w, nameof(ContainerPlan.PodEtcFiles), c.PodEtcFiles);
        w.WriteString(nameof(ContainerPlan.Image), c.Image);
        w.WriteString(nameof(ContainerPlan.LowerDir), c.LowerDir);
        w.WriteString(nameof(ContainerPlan.LayerDir), c.LayerDir);
        Strings(w, nameof(ContainerPlan.Argv), c.Argv);
        Strings(w, nameof(ContainerPlan.Env), c.Env);
        w.WriteString(nameof(ContainerPlan.WorkingDir), c.WorkingDir);
        w.WriteNumber(nameof(ContainerPlan.Uid), c.Uid);
        w.WriteNumber(nameof(ContainerPlan.Gid), c.Gid);
        List(w, nameof(ContainerPlan.SupplementaryGroups), c.SupplementaryGroups, (w, g) => w.WriteNumberValue(g));
        w.WriteString(nameof(ContainerPlan.AppArmorProfile), c.AppArmorProfile);
        w.WriteString(nameof(ContainerPlan.SeLinuxLabel), c.SeLinuxLabel);
        w.WriteBoolean(nameof(ContainerPlan.ReadOnlyRootFilesystem), c.ReadOnlyRootFilesystem);
        w.WriteBoolean(nameof(ContainerPlan.Privileged), c.Privileged);
        w.WriteBoolean(nameof(ContainerPlan.ProcUnmasked), c.ProcUnmasked);
        w.WriteBoolean(nameof(ContainerPlan.NoNewPrivileges), c.NoNewPrivileges);
        List(w, nameof(ContainerPlan.Capabilities), c.Capabilities, (w, n) => w.WriteNumberValue(n));
        List(w, nameof(ContainerPlan.Mounts), c.Mounts, Mount);
        Object(w, nameof(ContainerPlan.Seccomp), c.Seccomp, Seccomp);
        Number(w, nameof(ContainerPlan.MemoryMaxBytes), c.MemoryMaxBytes);
        Number(w, nameof(ContainerPlan.CpuMillicores), c.CpuMillicores);
        Number(w, nameof(ContainerPlan.CpuRequestMillicores), c.CpuRequestMillicores);
        Object(w, nameof(ContainerPlan.Readiness), c.Readiness, Probe);
        Object(w, nameof(ContainerPlan.Liveness), c.Liveness, Probe);
        Object(w, nameof(ContainerPlan.Startup), c.Startup, Probe);
        Object(w, nameof(ContainerPlan.PostStart), c.PostStart, Hook);
        Object(w, nameof(ContainerPlan.PreStop), c.PreStop, Hook);
        w.WriteNumber(nameof(ContainerPlan.Restart), (int)c.Restart);
        w.WriteBoolean(nameof(ContainerPlan.Sidecar), c.Sidecar);
        w.WriteEndObject();
    }

    private static void Seccomp(Utf8JsonWriter w, SeccompPlan s)
    {
        w.WriteStartObject();
        w.WriteString(nameof(SeccompPlan.Profile), s.Profile);
        w.WriteString(nameof(SeccompPlan.LocalhostProfile), s.LocalhostProfile);
        w.WriteString(nameof(SeccompPlan.Origin), s.Origin);
        Bytes(w, nameof(SeccompPlan.Program), s.Program);
        w.WriteEndObject();
    }

    private static void Mount(Utf8JsonWriter w, MountPlan m)
    {
        w.WriteStartObject();
        w.WriteString(nameof(MountPlan.Source), m.Source);
        w.WriteString(nameof(MountPlan.Target), m.Target);
        w.WriteBoolean(nameof(MountPlan.ReadOnly), m.ReadOnly);
        w.WriteString(nameof(MountPlan.SubPath), m.SubPath);
        w.WriteString(nameof(MountPlan.Volume), m.Volume);
        w.WriteEndObject();
    }

    private static void Probe(Utf8JsonWriter w, ProbePlan p)
    {
        w.WriteStartObject();
        Strings(w, nameof(ProbePlan.Exec), p.Exec);
        Number(w, nameof(ProbePlan.TcpPort), p.TcpPort);
        w.WriteString(nameof(ProbePlan.TcpHost), p.TcpHost);
        Object(w, nameof(ProbePlan.HttpGet), p.HttpGet, HttpGet);
        Object(w, nameof(ProbePlan.Grpc), p.Grpc, Grpc);
        w.WriteNumber(nameof(ProbePlan.InitialDelaySeconds), p.InitialDelaySeconds);
        w.WriteNumber(nameof(ProbePlan.PeriodSeconds), p.PeriodSeconds);
        w.WriteNumber(nameof(ProbePlan.TimeoutSeconds), p.TimeoutSeconds);
        w.WriteNumber(nameof(ProbePlan.SuccessThreshold), p.SuccessThreshold);
        w.WriteNumber(nameof(ProbePlan.FailureThreshold), p.FailureThreshold);
        Number(w, nameof(ProbePlan.TerminationGracePeriodSeconds), p.TerminationGracePeriodSeconds);
        w.WriteEndObject();
    }

    private static void HttpGet(Utf8JsonWriter w, HttpGetPlan h)
    {
        w.WriteStartObject();
        w.WriteString(nameof(HttpGetPlan.Scheme), h.Scheme);
        w.WriteString(nameof(HttpGetPlan.Host), h.Host);
        w.WriteNumber(nameof(HttpGetPlan.Port), h.Port);
        w.WriteString(nameof(HttpGetPlan.Path), h.Path);
        List(w, nameof(HttpGetPlan.Headers), h.Headers, Header);
        w.WriteEndObject();
    }

    private static void Header(Utf8JsonWriter w, HttpHeaderPlan h)
    {
        w.WriteStartObject();
        w.WriteString(nameof(HttpHeaderPlan.Name), h.Name);
        w.WriteString(nameof(HttpHeaderPlan.Value), h.Value);
        w.WriteEndObject();
    }

    private static void Grpc(Utf8JsonWriter w, GrpcPlan g)
    {
        w.WriteStartObject();
        w.WriteNumber(nameof(GrpcPlan.Port), g.Port);
        w.WriteString(nameof(GrpcPlan.Service), g.Service);
        w.WriteEndObject();
    }

    private static void Hook(Utf8JsonWriter w, HookPlan h)
    {
        w.WriteStartObject();
        Strings(w, nameof(HookPlan.Exec), h.Exec);
        Object(w, nameof(HookPlan.HttpGet), h.HttpGet, HttpGet);
        Number(w, nameof(HookPlan.SleepSeconds), h.SleepSeconds);
        w.WriteEndObject();
    }

    /// <summary>int? and uint? too: their digits are the same as a long's.</summary>
    private static void Number(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, ulong? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Bytes(Utf8JsonWriter w, string name, byte[]? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteBase64String(name, value);
        }
    }

    private static void Strings(Utf8JsonWriter w, string name, List<string>? values) =>
        List(w, name, values, (w, s) => w.WriteStringValue(s));

    private static void List<T>(Utf8JsonWriter w, string name, List<T>? values, WriteValue<T> write)
    {
        if (values is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WriteStartArray(name);
        foreach (T value in values)
        {
            write(w, value);
        }
        w.WriteEndArray();
    }

    private static void Object<T>(Utf8JsonWriter w, string name, T? value, WriteValue<T> write) where T : class
    {
        if (value is null)
        {
            w.WriteNull(name);
            return;
        }
        w.WritePropertyName(name);
        write(w, value);
    }
}
