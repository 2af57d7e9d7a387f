using System.Text.Json;

namespace PodUnits.Runtime.Plan;

/// <summary>
/// Reads a plan as <see cref="PlanWriter"/> writes it (the serializer's form of these types),
/// token by token with <see cref="Utf8JsonReader"/>. Why not the serializer: every stage 1
/// process (the executor, the pod init, each container-start, container-exec) reads the plan
/// first thing, and on NativeAOT the serializer builds its metadata for the plan's types
/// (property tables, converters, attribute lookups through reflection) at the first call. perf put that at 85% of reading
/// a plan and 17% of all of stage 1's CPU during a pod's start, about 8-10 ms per process,
/// one after another on the path from `systemctl start` to the container's exec.
/// This reads the same JSON in well under a millisecond.
/// As the serializer does, it skips properties it does not know (a plan.json written by
/// another version of PodUnits), gives an absent property its class default, and refuses a
/// plan without a required property. PlanReaderTests round-trips a plan with every property
/// of every type set, so a property added to a plan type without a line here fails the tests.
/// </summary>
internal static class PlanReader
{
    private delegate T ReadValue<T>(ref Utf8JsonReader r);

    /// <summary>Class defaults of the types whose properties have non-trivial ones.</summary>
    private static readonly PodPlan DefaultPod = new() { Name = "", Hostname = "", MachineId = "", StateDir = "" };
    private static readonly ContainerPlan DefaultContainer = new() { Name = "", LowerDir = "", LayerDir = "" };
    private static readonly ProbePlan DefaultProbe = new();
    private static readonly HttpGetPlan DefaultHttpGet = new();
    private static readonly SeccompPlan DefaultSeccomp = new() { Profile = "" };
    private static readonly ProjectedFilePlan DefaultFile = new() { Path = "", Content = [] };

    public static PodPlan Read(ReadOnlySpan<byte> utf8)
    {
        var r = new Utf8JsonReader(utf8);
        Next(ref r);
        PodPlan plan = Pod(ref r);
        if (r.Read())
        {
            throw new JsonException($"more after the plan's object, at byte {r.TokenStartIndex}");
        }
        return plan;
    }

    private static PodPlan Pod(ref Utf8JsonReader r)
    {
        string? name = null, hostname = null, machineId = null, stateDir = null, definitionFile = null, definitionSha256 = null,
            imagePinFile = null, journalDir = null, resolvConf = null, notifyContainer = null, listenContainer = null;
        bool hostNetwork = false, shareProcessNamespace = false, interactive = false, terminal = false, keepState = false, fsGroupOnRootMismatch = false;
        int? grace = null;
        ulong? memoryMax = null, cpu = null, cpuRequest = null, tasksMax = null;
        uint? fsGroup = null;
        List<string>? hostsLines = null, claimDirs = null, fsGroupClaimDirs = null;
        List<int>? claimLockFds = null;
        List<EmptyDirPlan>? emptyDirs = null;
        List<ProjectedVolumePlan>? projected = null;
        List<SysctlPlan>? sysctls = null;
        List<ContainerPlan>? containers = null;
        NetworkPlan? network = null;
        IdMapping? users = null;
        Start(ref r, nameof(PodPlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(PodPlan.Name): name = Str(ref r); break;
                case nameof(PodPlan.Hostname): hostname = Str(ref r); break;
                case nameof(PodPlan.HostNetwork): hostNetwork = r.GetBoolean(); break;
                case nameof(PodPlan.ShareProcessNamespace): shareProcessNamespace = r.GetBoolean(); break;
                case nameof(PodPlan.Interactive): interactive = r.GetBoolean(); break;
                case nameof(PodPlan.Terminal): terminal = r.GetBoolean(); break;
                case nameof(PodPlan.KeepState): keepState = r.GetBoolean(); break;
                case nameof(PodPlan.MachineId): machineId = Str(ref r); break;
                case nameof(PodPlan.StateDir): stateDir = Str(ref r); break;
                case nameof(PodPlan.DefinitionFile): definitionFile = Str(ref r); break;
                case nameof(PodPlan.DefinitionSha256): definitionSha256 = Str(ref r); break;
                case nameof(PodPlan.ImagePinFile): imagePinFile = Str(ref r); break;
                case nameof(PodPlan.TerminationGracePeriodSeconds): grace = r.GetInt32(); break;
                case nameof(PodPlan.MemoryMaxBytes): memoryMax = ULongOrNull(ref r); break;
                case nameof(PodPlan.CpuMillicores): cpu = ULongOrNull(ref r); break;
                case nameof(PodPlan.CpuRequestMillicores): cpuRequest = ULongOrNull(ref r); break;
                case nameof(PodPlan.ContainerTasksMax): tasksMax = ULongOrNull(ref r); break;
                case nameof(PodPlan.JournalDir): journalDir = Str(ref r); break;
                case nameof(PodPlan.ResolvConf): resolvConf = Str(ref r); break;
                case nameof(PodPlan.HostsLines): hostsLines = Strings(ref r); break;
                case nameof(PodPlan.EmptyDirs): emptyDirs = List(ref r, EmptyDir); break;
                case nameof(PodPlan.ProjectedVolumes): projected = List(ref r, ProjectedVolume); break;
                case nameof(PodPlan.ClaimDirs): claimDirs = Strings(ref r); break;
                case nameof(PodPlan.ClaimLockFds): claimLockFds = List(ref r, static (ref Utf8JsonReader v) => v.GetInt32()); break;
                case nameof(PodPlan.FsGroup): fsGroup = UIntOrNull(ref r); break;
                case nameof(PodPlan.FsGroupClaimDirs): fsGroupClaimDirs = Strings(ref r); break;
                case nameof(PodPlan.FsGroupOnRootMismatch): fsGroupOnRootMismatch = r.GetBoolean(); break;
                case nameof(PodPlan.Network): network = Object(ref r, Network); break;
                case nameof(PodPlan.Sysctls): sysctls = List(ref r, Sysctl); break;
                case nameof(PodPlan.Users): users = Object(ref r, Users); break;
                case nameof(PodPlan.Containers): containers = List(ref r, Container); break;
                case nameof(PodPlan.NotifyContainer): notifyContainer = Str(ref r); break;
                case nameof(PodPlan.ListenContainer): listenContainer = Str(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new PodPlan
        {
            Name = Required(name, nameof(PodPlan), nameof(PodPlan.Name)),
            Hostname = Required(hostname, nameof(PodPlan), nameof(PodPlan.Hostname)),
            HostNetwork = hostNetwork,
            ShareProcessNamespace = shareProcessNamespace,
            Interactive = interactive,
            Terminal = terminal,
            KeepState = keepState,
            MachineId = Required(machineId, nameof(PodPlan), nameof(PodPlan.MachineId)),
            StateDir = Required(stateDir, nameof(PodPlan), nameof(PodPlan.StateDir)),
            DefinitionFile = definitionFile,
            DefinitionSha256 = definitionSha256,
            ImagePinFile = imagePinFile,
            TerminationGracePeriodSeconds = grace ?? DefaultPod.TerminationGracePeriodSeconds,
            MemoryMaxBytes = memoryMax,
            CpuMillicores = cpu,
            CpuRequestMillicores = cpuRequest,
            ContainerTasksMax = tasksMax,
            JournalDir = journalDir,
            ResolvConf = resolvConf,
            HostsLines = hostsLines ?? [],
            EmptyDirs = emptyDirs ?? [],
            ProjectedVolumes = projected ?? [],
            ClaimDirs = claimDirs ?? [],
            ClaimLockFds = claimLockFds ?? [],
            FsGroup = fsGroup,
            FsGroupClaimDirs = fsGroupClaimDirs ?? [],
            FsGroupOnRootMismatch = fsGroupOnRootMismatch,
            Network = network,
            Sysctls = sysctls ?? [],
            Users = users,
            Containers = containers ?? [],
            NotifyContainer = notifyContainer,
            ListenContainer = listenContainer,
        };
    }

    private static NetworkPlan Network(ref Utf8JsonReader r)
    {
        string? name = null, configPath = null, configText = null, containerId = null;
        List<PortMappingPlan>? ports = null;
        Start(ref r, nameof(NetworkPlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(NetworkPlan.Name): name = Str(ref r); break;
                case nameof(NetworkPlan.ConfigPath): configPath = Str(ref r); break;
                case nameof(NetworkPlan.ConfigText): configText = Str(ref r); break;
                case nameof(NetworkPlan.ContainerId): containerId = Str(ref r); break;
                case nameof(NetworkPlan.PortMappings): ports = List(ref r, PortMapping); break;
                default: r.Skip(); break;
            }
        }
        return new NetworkPlan
        {
            Name = Required(name, nameof(NetworkPlan), nameof(NetworkPlan.Name)),
            ConfigPath = Required(configPath, nameof(NetworkPlan), nameof(NetworkPlan.ConfigPath)),
            ConfigText = Required(configText, nameof(NetworkPlan), nameof(NetworkPlan.ConfigText)),
            ContainerId = Required(containerId, nameof(NetworkPlan), nameof(NetworkPlan.ContainerId)),
            PortMappings = ports ?? [],
        };
    }

    private static PortMappingPlan PortMapping(ref Utf8JsonReader r)
    {
        int hostPort = 0, containerPort = 0;
        string? protocol = null, hostIP = null;
        Start(ref r, nameof(PortMappingPlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(PortMappingPlan.HostPort): hostPort = r.GetInt32(); break;
                case nameof(PortMappingPlan.ContainerPort): containerPort = r.GetInt32(); break;
                case nameof(PortMappingPlan.Protocol): protocol = Str(ref r); break;
                case nameof(PortMappingPlan.HostIP): hostIP = Str(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new PortMappingPlan
        {
            HostPort = hostPort,
            ContainerPort = containerPort,
            Protocol = Required(protocol, nameof(PortMappingPlan), nameof(PortMappingPlan.Protocol)),
            HostIP = hostIP ?? "",
        };
    }

    private static IdMapping Users(ref Utf8JsonReader r)
    {
        uint? first = null, size = null;
        Start(ref r, nameof(IdMapping));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(IdMapping.HostFirst): first = r.GetUInt32(); break;
                case nameof(IdMapping.Size): size = r.GetUInt32(); break;
                default: r.Skip(); break;
            }
        }
        return new IdMapping(Required(first, nameof(IdMapping), nameof(IdMapping.HostFirst)),
            Required(size, nameof(IdMapping), nameof(IdMapping.Size)));
    }

    private static SysctlPlan Sysctl(ref Utf8JsonReader r)
    {
        string? name = null, procPath = null, value = null;
        Start(ref r, nameof(SysctlPlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(SysctlPlan.Name): name = Str(ref r); break;
                case nameof(SysctlPlan.ProcPath): procPath = Str(ref r); break;
                case nameof(SysctlPlan.Value): value = Str(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new SysctlPlan
        {
            Name = Required(name, nameof(SysctlPlan), nameof(SysctlPlan.Name)),
            ProcPath = Required(procPath, nameof(SysctlPlan), nameof(SysctlPlan.ProcPath)),
            Value = Required(value, nameof(SysctlPlan), nameof(SysctlPlan.Value)),
        };
    }

    private static EmptyDirPlan EmptyDir(ref Utf8JsonReader r)
    {
        string? name = null, path = null;
        bool memory = false;
        ulong? sizeLimit = null;
        uint? fsGroup = null;
        Start(ref r, nameof(EmptyDirPlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(EmptyDirPlan.Name): name = Str(ref r); break;
                case nameof(EmptyDirPlan.Path): path = Str(ref r); break;
                case nameof(EmptyDirPlan.Memory): memory = r.GetBoolean(); break;
                case nameof(EmptyDirPlan.SizeLimitBytes): sizeLimit = ULongOrNull(ref r); break;
                case nameof(EmptyDirPlan.FsGroup): fsGroup = UIntOrNull(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new EmptyDirPlan
        {
            Name = Required(name, nameof(EmptyDirPlan), nameof(EmptyDirPlan.Name)),
            Path = Required(path, nameof(EmptyDirPlan), nameof(EmptyDirPlan.Path)),
            Memory = memory,
            SizeLimitBytes = sizeLimit,
            FsGroup = fsGroup,
        };
    }

    private static ProjectedVolumePlan ProjectedVolume(ref Utf8JsonReader r)
    {
        string? name = null, path = null;
        List<ProjectedFilePlan>? files = null;
        uint? fsGroup = null;
        Start(ref r, nameof(ProjectedVolumePlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(ProjectedVolumePlan.Name): name = Str(ref r); break;
                case nameof(ProjectedVolumePlan.Path): path = Str(ref r); break;
                case nameof(ProjectedVolumePlan.Files): files = List(ref r, ProjectedFile); break;
                case nameof(ProjectedVolumePlan.FsGroup): fsGroup = UIntOrNull(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new ProjectedVolumePlan
        {
            Name = Required(name, nameof(ProjectedVolumePlan), nameof(ProjectedVolumePlan.Name)),
            Path = Required(path, nameof(ProjectedVolumePlan), nameof(ProjectedVolumePlan.Path)),
            Files = files ?? [],
            FsGroup = fsGroup,
        };
    }

    private static ProjectedFilePlan ProjectedFile(ref Utf8JsonReader r)
    {
        string? path = null;
        byte[]? content = null;
        int? mode = null;
        Start(ref r, nameof(ProjectedFilePlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(ProjectedFilePlan.Path): path = Str(ref r); break;
                case nameof(ProjectedFilePlan.Content): content = Bytes(ref r); break;
                case nameof(ProjectedFilePlan.Mode): mode = r.GetInt32(); break;
                default: r.Skip(); break;
            }
        }
        return new ProjectedFilePlan
        {
            Path = Required(path, nameof(ProjectedFilePlan), nameof(ProjectedFilePlan.Path)),
            Content = Required(content, nameof(ProjectedFilePlan), nameof(ProjectedFilePlan.Content)),
            Mode = mode ?? DefaultFile.Mode,
        };
    }

    private static ContainerPlan Container(ref Utf8JsonReader r)
    {
        string? name = null, idFull = null, image = null, lowerDir = null, layerDir = null, workingDir = null, appArmor = null, seLinux = null;
        bool init = false, readOnlyRoot = false, privileged = false, procUnmasked = false, noNewPrivileges = false, sidecar = false;
        uint uid = 0, gid = 0;
        ulong? memoryMax = null, cpu = null, cpuRequest = null;
        List<string>? podEtcFiles = null, argv = null, env = null;
        List<uint>? groups = null;
        List<int>? capabilities = null;
        List<MountPlan>? mounts = null;
        SeccompPlan? seccomp = null;
        ProbePlan? readiness = null, liveness = null, startup = null;
        HookPlan? postStart = null, preStop = null;
        ContainerRestart? restart = null;
        Start(ref r, nameof(ContainerPlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(ContainerPlan.Name): name = Str(ref r); break;
                case nameof(ContainerPlan.Init): init = r.GetBoolean(); break;
                case nameof(ContainerPlan.IdFull): idFull = Str(ref r); break;
                case nameof(ContainerPlan.PodEtcFiles): podEtcFiles = Strings(ref r); break;
                case nameof(ContainerPlan.Image): image = Str(ref r); break;
                case nameof(ContainerPlan.LowerDir): lowerDir = Str(ref r); break;
                case nameof(ContainerPlan.LayerDir): layerDir = Str(ref r); break;
                case nameof(ContainerPlan.Argv): argv = Strings(ref r); break;
                case nameof(ContainerPlan.Env): env = Strings(ref r); break;
                case nameof(ContainerPlan.WorkingDir): workingDir = Str(ref r); break;
                case nameof(ContainerPlan.Uid): uid = r.GetUInt32(); break;
                case nameof(ContainerPlan.Gid): gid = r.GetUInt32(); break;
                case nameof(ContainerPlan.SupplementaryGroups): groups = List(ref r, static (ref Utf8JsonReader v) => v.GetUInt32()); break;
                case nameof(ContainerPlan.AppArmorProfile): appArmor = Str(ref r); break;
                case nameof(ContainerPlan.SeLinuxLabel): seLinux = Str(ref r); break;
                case nameof(ContainerPlan.ReadOnlyRootFilesystem): readOnlyRoot = r.GetBoolean(); break;
                case nameof(ContainerPlan.Privileged): privileged = r.GetBoolean(); break;
                case nameof(ContainerPlan.ProcUnmasked): procUnmasked = r.GetBoolean(); break;
                case nameof(ContainerPlan.NoNewPrivileges): noNewPrivileges = r.GetBoolean(); break;
                case nameof(ContainerPlan.Capabilities): capabilities = List(ref r, static (ref Utf8JsonReader v) => v.GetInt32()); break;
                case nameof(ContainerPlan.Mounts): mounts = List(ref r, Mount); break;
                case nameof(ContainerPlan.Seccomp): seccomp = Object(ref r, Seccomp); break;
                case nameof(ContainerPlan.MemoryMaxBytes): memoryMax = ULongOrNull(ref r); break;
                case nameof(ContainerPlan.CpuMillicores): cpu = ULongOrNull(ref r); break;
                case nameof(ContainerPlan.CpuRequestMillicores): cpuRequest = ULongOrNull(ref r); break;
                case nameof(ContainerPlan.Readiness): readiness = Object(ref r, Probe); break;
                case nameof(ContainerPlan.Liveness): liveness = Object(ref r, Probe); break;
                case nameof(ContainerPlan.Startup): startup = Object(ref r, Probe); break;
                case nameof(ContainerPlan.PostStart): postStart = Object(ref r, Hook); break;
                case nameof(ContainerPlan.PreStop): preStop = Object(ref r, Hook); break;
                case nameof(ContainerPlan.Restart): restart = Restart(ref r); break;
                case nameof(ContainerPlan.Sidecar): sidecar = r.GetBoolean(); break;
                default: r.Skip(); break;
            }
        }
        return new ContainerPlan
        {
            Name = Required(name, nameof(ContainerPlan), nameof(ContainerPlan.Name)),
            Init = init,
            IdFull = idFull ?? DefaultContainer.IdFull,
            PodEtcFiles = podEtcFiles ?? [.. DefaultContainer.PodEtcFiles],
            Image = image ?? DefaultContainer.Image,
            LowerDir = Required(lowerDir, nameof(ContainerPlan), nameof(ContainerPlan.LowerDir)),
            LayerDir = Required(layerDir, nameof(ContainerPlan), nameof(ContainerPlan.LayerDir)),
            Argv = argv ?? [],
            Env = env ?? [],
            WorkingDir = workingDir ?? DefaultContainer.WorkingDir,
            Uid = uid,
            Gid = gid,
            SupplementaryGroups = groups ?? [],
            AppArmorProfile = appArmor,
            SeLinuxLabel = seLinux,
            ReadOnlyRootFilesystem = readOnlyRoot,
            Privileged = privileged,
            ProcUnmasked = procUnmasked,
            NoNewPrivileges = noNewPrivileges,
            Capabilities = capabilities ?? [],
            Mounts = mounts ?? [],
            Seccomp = seccomp,
            MemoryMaxBytes = memoryMax,
            CpuMillicores = cpu,
            CpuRequestMillicores = cpuRequest,
            Readiness = readiness,
            Liveness = liveness,
            Startup = startup,
            PostStart = postStart,
            PreStop = preStop,
            Restart = restart ?? DefaultContainer.Restart,
            Sidecar = sidecar,
        };
    }

    /// <summary>The serializer writes an enum as its number (no string converter is set);
    /// a name is read too. Checked against the range rather than with Enum.IsDefined, whose
    /// first call under NativeAOT builds the enum's metadata through reflection: about 1% of
    /// all CPU when many pods start at once (perf), for a check of three values.</summary>
    private static ContainerRestart Restart(ref Utf8JsonReader r)
    {
        ContainerRestart value = r.TokenType == JsonTokenType.String
            ? Enum.Parse<ContainerRestart>(r.GetString()!, ignoreCase: false)
            : (ContainerRestart)r.GetInt32();
        return value is >= ContainerRestart.Never and <= ContainerRestart.Always
            ? value
            : throw new JsonException($"ContainerPlan.Restart: no restart policy {(int)value}");
    }

    private static SeccompPlan Seccomp(ref Utf8JsonReader r)
    {
        string? profile = null, localhost = null, origin = null;
        byte[]? program = null;
        Start(ref r, nameof(SeccompPlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(SeccompPlan.Profile): profile = Str(ref r); break;
                case nameof(SeccompPlan.LocalhostProfile): localhost = Str(ref r); break;
                case nameof(SeccompPlan.Origin): origin = Str(ref r); break;
                case nameof(SeccompPlan.Program): program = Bytes(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new SeccompPlan
        {
            Profile = Required(profile, nameof(SeccompPlan), nameof(SeccompPlan.Profile)),
            LocalhostProfile = localhost,
            Origin = origin ?? DefaultSeccomp.Origin,
            Program = program ?? [],
        };
    }

    private static MountPlan Mount(ref Utf8JsonReader r)
    {
        string? source = null, target = null, subPath = null, volume = null;
        bool readOnly = false;
        Start(ref r, nameof(MountPlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(MountPlan.Source): source = Str(ref r); break;
                case nameof(MountPlan.Target): target = Str(ref r); break;
                case nameof(MountPlan.ReadOnly): readOnly = r.GetBoolean(); break;
                case nameof(MountPlan.SubPath): subPath = Str(ref r); break;
                case nameof(MountPlan.Volume): volume = Str(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new MountPlan
        {
            Source = Required(source, nameof(MountPlan), nameof(MountPlan.Source)),
            Target = Required(target, nameof(MountPlan), nameof(MountPlan.Target)),
            ReadOnly = readOnly,
            SubPath = subPath,
            Volume = volume,
        };
    }

    private static ProbePlan Probe(ref Utf8JsonReader r)
    {
        List<string>? exec = null;
        int? tcpPort = null, initialDelay = null, period = null, timeout = null, success = null, failure = null, grace = null;
        string? tcpHost = null;
        HttpGetPlan? httpGet = null;
        GrpcPlan? grpc = null;
        Start(ref r, nameof(ProbePlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(ProbePlan.Exec): exec = StringsOrNull(ref r); break;
                case nameof(ProbePlan.TcpPort): tcpPort = IntOrNull(ref r); break;
                case nameof(ProbePlan.TcpHost): tcpHost = Str(ref r); break;
                case nameof(ProbePlan.HttpGet): httpGet = Object(ref r, HttpGet); break;
                case nameof(ProbePlan.Grpc): grpc = Object(ref r, Grpc); break;
                case nameof(ProbePlan.InitialDelaySeconds): initialDelay = r.GetInt32(); break;
                case nameof(ProbePlan.PeriodSeconds): period = r.GetInt32(); break;
                case nameof(ProbePlan.TimeoutSeconds): timeout = r.GetInt32(); break;
                case nameof(ProbePlan.SuccessThreshold): success = r.GetInt32(); break;
                case nameof(ProbePlan.FailureThreshold): failure = r.GetInt32(); break;
                case nameof(ProbePlan.TerminationGracePeriodSeconds): grace = IntOrNull(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new ProbePlan
        {
            Exec = exec,
            TcpPort = tcpPort,
            TcpHost = tcpHost,
            HttpGet = httpGet,
            Grpc = grpc,
            InitialDelaySeconds = initialDelay ?? DefaultProbe.InitialDelaySeconds,
            PeriodSeconds = period ?? DefaultProbe.PeriodSeconds,
            TimeoutSeconds = timeout ?? DefaultProbe.TimeoutSeconds,
            SuccessThreshold = success ?? DefaultProbe.SuccessThreshold,
            FailureThreshold = failure ?? DefaultProbe.FailureThreshold,
            TerminationGracePeriodSeconds = grace,
        };
    }

    private static HttpGetPlan HttpGet(ref Utf8JsonReader r)
    {
        string? scheme = null, host = null, path = null;
        int port = 0;
        List<HttpHeaderPlan>? headers = null;
        Start(ref r, nameof(HttpGetPlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(HttpGetPlan.Scheme): scheme = Str(ref r); break;
                case nameof(HttpGetPlan.Host): host = Str(ref r); break;
                case nameof(HttpGetPlan.Port): port = r.GetInt32(); break;
                case nameof(HttpGetPlan.Path): path = Str(ref r); break;
                case nameof(HttpGetPlan.Headers): headers = List(ref r, HttpHeader); break;
                default: r.Skip(); break;
            }
        }
        return new HttpGetPlan
        {
            Scheme = scheme ?? DefaultHttpGet.Scheme,
            Host = host,
            Port = port,
            Path = path ?? DefaultHttpGet.Path,
            Headers = headers ?? [],
        };
    }

    private static HttpHeaderPlan HttpHeader(ref Utf8JsonReader r)
    {
        string? name = null, value = null;
        Start(ref r, nameof(HttpHeaderPlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(HttpHeaderPlan.Name): name = Str(ref r); break;
                case nameof(HttpHeaderPlan.Value): value = Str(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new HttpHeaderPlan
        {
            Name = Required(name, nameof(HttpHeaderPlan), nameof(HttpHeaderPlan.Name)),
            Value = Required(value, nameof(HttpHeaderPlan), nameof(HttpHeaderPlan.Value)),
        };
    }

    private static GrpcPlan Grpc(ref Utf8JsonReader r)
    {
        int port = 0;
        string? service = null;
        Start(ref r, nameof(GrpcPlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(GrpcPlan.Port): port = r.GetInt32(); break;
                case nameof(GrpcPlan.Service): service = Str(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new GrpcPlan { Port = port, Service = service };
    }

    private static HookPlan Hook(ref Utf8JsonReader r)
    {
        List<string>? exec = null;
        HttpGetPlan? httpGet = null;
        int? sleep = null;
        Start(ref r, nameof(HookPlan));
        while (NextProperty(ref r, out string property))
        {
            switch (property)
            {
                case nameof(HookPlan.Exec): exec = StringsOrNull(ref r); break;
                case nameof(HookPlan.HttpGet): httpGet = Object(ref r, HttpGet); break;
                case nameof(HookPlan.SleepSeconds): sleep = IntOrNull(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new HookPlan { Exec = exec, HttpGet = httpGet, SleepSeconds = sleep };
    }

    // The reader's moves. A value is read where NextProperty left the reader: on its first token.

    private static void Next(ref Utf8JsonReader r)
    {
        if (!r.Read())
        {
            throw new JsonException("the plan ends early");
        }
    }

    private static void Start(ref Utf8JsonReader r, string type)
    {
        if (r.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"{type}: an object was expected, not {r.TokenType}");
        }
    }

    /// <summary>The next property's name, the reader on its value; false at the object's end.</summary>
    private static bool NextProperty(ref Utf8JsonReader r, out string name)
    {
        Next(ref r);
        if (r.TokenType == JsonTokenType.EndObject)
        {
            name = "";
            return false;
        }
        name = r.GetString()!;
        Next(ref r);
        return true;
    }

    private static string? Str(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : r.GetString();

    private static byte[]? Bytes(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : r.GetBytesFromBase64();

    private static int? IntOrNull(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : r.GetInt32();

    private static uint? UIntOrNull(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : r.GetUInt32();

    private static ulong? ULongOrNull(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : r.GetUInt64();

    private static List<string> Strings(ref Utf8JsonReader r) =>
        List(ref r, static (ref Utf8JsonReader v) => v.GetString() ?? throw new JsonException("null in a list of strings"));

    private static List<string>? StringsOrNull(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : Strings(ref r);

    private static T? Object<T>(ref Utf8JsonReader r, ReadValue<T> read) where T : class =>
        r.TokenType == JsonTokenType.Null ? null : read(ref r);

    private static List<T> List<T>(ref Utf8JsonReader r, ReadValue<T> read)
    {
        if (r.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"a list was expected, not {r.TokenType}");
        }
        var list = new List<T>();
        for (Next(ref r); r.TokenType != JsonTokenType.EndArray; Next(ref r))
        {
            list.Add(read(ref r));
        }
        return list;
    }

    private static T Required<T>(T? value, string type, string property) where T : class =>
        value ?? throw new JsonException($"{type} has no {property}");

    private static uint Required(uint? value, string type, string property) =>
        value ?? throw new JsonException($"{type} has no {property}");
}
