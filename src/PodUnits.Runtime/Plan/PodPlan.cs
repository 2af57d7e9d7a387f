using System.Text.Json;
using System.Text.Json.Serialization;

namespace PodUnits.Runtime.Plan;

/// <summary>
/// Everything the pod init and container-start need, resolved by the executor from the
/// definition and the image store: paths, argv, credentials, mounts. Written once to the
/// pod's runtime directory as JSON, so the helpers (fresh processes) never parse YAML or
/// look at images again.
/// </summary>
public sealed class PodPlan
{
    public required string Name { get; init; }
    public required string Hostname { get; init; }
    public bool HostNetwork { get; init; }
    /// <summary>spec.shareProcessNamespace: every container in the pod's PID namespace;
    /// otherwise each gets one of its own, nested in the pod's (Init/PodInit.cs).</summary>
    public bool ShareProcessNamespace { get; init; }
    /// <summary>`run --interactive`: the one container gets the executor's stdin/stdout/stderr
    /// (the terminal) instead of journal pipes.</summary>
    public bool Interactive { get; init; }
    /// <summary>`run -it`: with <see cref="Interactive"/>, the container gets a pseudo-terminal
    /// of its own devpts whose master the executor relays to the caller's terminal
    /// (Attach/TerminalHub.cs, Container/ContainerTerminal.cs).</summary>
    public bool Terminal { get; set; }
    /// <summary>`run -i --keep`: an ad-hoc pod's state directory (writable layer, volumes, the
    /// definition it was made from) stays after it ends, for inspection and `podunits export`.</summary>
    public bool KeepState { get; set; }
    /// <summary>32 hex digits: the pod's machine ID (machined, /etc/machine-id, journal).</summary>
    public required string MachineId { get; init; }
    /// <summary>/var/lib/podunits/pods/NAME: upper layers, volumes.</summary>
    public required string StateDir { get; init; }
    /// <summary>The installed definition the pod started from, and the SHA-256 (hex) of its
    /// bytes then; null for a pod from `run -i` or a file outside the search path. `podunits
    /// refresh` restarts a running pod whose definition changed since (docs/packaging.md).</summary>
    public string? DefinitionFile { get; set; }
    public string? DefinitionSha256 { get; set; }

    /// <summary>The file of the image store that pins this pod's images (Images/Store/PodImages),
    /// which stage 1 deletes at the end; null when nothing was pinned. A path rather than the
    /// store, so stage 1 needs none of the store's code.</summary>
    public string? ImagePinFile { get; set; }
    public int TerminationGracePeriodSeconds { get; init; } = 30;
    /// <summary>Pod-level resources (spec.resources.limits): MemoryMax= and CPUQuota= of the
    /// pod's slice, which holds every container's scope (Executor/PodSlice.cs).</summary>
    public ulong? MemoryMaxBytes { get; init; }
    public ulong? CpuMillicores { get; init; }
    /// <summary>The pod's CPU request in millicores, for CPUWeight= of its slice: its own
    /// (spec.resources.requests.cpu) or else its containers' together, as the kubelet sizes
    /// a pod's cgroup (PodRequests); null when nothing in the pod requests CPU.</summary>
    public ulong? CpuRequestMillicores { get; init; }
    /// <summary>TasksMax= of each container's scope (podunits.yaml's pidsLimit); null for
    /// systemd's default.</summary>
    public ulong? ContainerTasksMax { get; set; }
    /// <summary>The host directory the pod's own journald writes to (like nspawn's
    /// --link-journal): /var/log/journal/MACHINE-ID, readable on the host after the pod stops.</summary>
    public string? JournalDir { get; init; }
    /// <summary>The text of /etc/resolv.conf inside the pod, or null to copy the host's.</summary>
    public string? ResolvConf { get; set; }
    /// <summary>Extra "IP NAME..." lines of /etc/hosts (hostAliases).</summary>
    public List<string> HostsLines { get; init; } = [];
    public List<EmptyDirPlan> EmptyDirs { get; init; } = [];
    /// <summary>configMap, secret, downwardAPI and projected volumes: files the pod init
    /// writes on a tmpfs of its own (Init/ProjectedVolumeWriter).</summary>
    public List<ProjectedVolumePlan> ProjectedVolumes { get; init; } = [];
    /// <summary>Named volumes (persistentVolumeClaim) this pod mounts: host directories under
    /// /var/lib/podunits/volumes, created if missing, never removed with the pod.</summary>
    public List<string> ClaimDirs { get; init; } = [];
    /// <summary>The descriptors of the shared locks stage 0 took on <see cref="ClaimDirs"/>'
    /// volumes (State/VolumeLocks), which the executor inherits at these numbers and holds
    /// for the pod's life, so that `podunits volume rm` cannot remove a volume under it.</summary>
    public List<int> ClaimLockFds { get; set; } = [];
    /// <summary>securityContext.fsGroup for the claims the pod may write (volume source not
    /// readOnly): <see cref="FsGroupClaimDirs"/> get that group (State/ClaimOwnership).</summary>
    public uint? FsGroup { get; init; }
    public List<string> FsGroupClaimDirs { get; init; } = [];
    /// <summary>fsGroupChangePolicy OnRootMismatch: a claim whose root has the group and mode is not walked.</summary>
    public bool FsGroupOnRootMismatch { get; init; }
    /// <summary>The pod's CNI network; null with hostNetwork.</summary>
    public NetworkPlan? Network { get; set; }
    /// <summary>spec.securityContext.sysctls, validated: the pod init writes them in the
    /// pod's own network and IPC namespaces before any container starts (Init/PodSysctls).</summary>
    public List<SysctlPlan> Sysctls { get; init; } = [];
    /// <summary>hostUsers: false (or the host's `userNamespaces: auto`): the host IDs the pod's
    /// user namespace maps its IDs 0..Size-1 onto; null for a pod that shares the host's users.</summary>
    public IdMapping? Users { get; set; }
    /// <summary>Init containers first (Init = true), in order, then the containers.</summary>
    public List<ContainerPlan> Containers { get; init; } = [];

    /// <summary>podunits.io/notify: the container that gets the pod's notify socket
    /// (NOTIFY_SOCKET) and whose READY=1 the pod's READY waits for (docs/activation.md).</summary>
    public string? NotifyContainer { get; init; }
    /// <summary>The container that gets the sockets systemd passes (LISTEN_FDS): the
    /// podunits.io/listen-container annotation, else the pod's only container; null: none can.</summary>
    public string? ListenContainer { get; init; }

    public string ToJson() => PlanWriter.Write(this);

    /// <summary>A copy without what the processes of the pod alone need: environment values
    /// (names kept), argv (values may be expanded into it), subPaths (a subPathExpr may expand
    /// a Secret's value into one) and the files of projected volumes (secrets among them). It
    /// is what stays in the host's /run (State/PlanHandoff.cs).</summary>
    public PodPlan Redacted()
    {
        PodPlan copy = CopyWithoutProjectedFiles();
        foreach (ContainerPlan c in copy.Containers)
        {
            for (int i = 0; i < c.Env.Count; i++)
            {
                c.Env[i] = c.Env[i].Split('=', 2)[0] + "=";
            }
            c.Argv.Clear();
            for (int i = 0; i < c.Mounts.Count; i++)
            {
                MountPlan m = c.Mounts[i];
                c.Mounts[i] = new MountPlan { Source = m.Source, Target = m.Target, ReadOnly = m.ReadOnly, SubPath = m.SubPath is null ? null : "", Volume = m.Volume };
            }
        }
        return copy;
    }

    /// <summary>A copy holding one container's plan and no projected file: what a process
    /// entering that container (`podunits enter`, an exec probe) needs. The helper that enters
    /// runs inside the container's PID namespace before its exec, where a container with
    /// CAP_SYS_PTRACE could read its memory: it must not carry the other containers' values.</summary>
    public PodPlan OnlyContainer(string container)
    {
        PodPlan copy = CopyWithoutProjectedFiles();
        copy.Containers.RemoveAll(c => c.Name != container);
        return copy;
    }

    /// <summary>A deep copy (through the plan's JSON) without the files of projected volumes.</summary>
    private PodPlan CopyWithoutProjectedFiles()
    {
        PodPlan copy = FromJson(ToJson(), "plan");
        foreach (ProjectedVolumePlan v in copy.ProjectedVolumes)
        {
            v.Files.Clear();
        }
        return copy;
    }

    public static PodPlan FromJson(string json, string source) => FromUtf8(System.Text.Encoding.UTF8.GetBytes(json), source);

    /// <summary>Whether a container mounts a hostPath volume: the pod init then keeps a copy of
    /// the host's mount tree for them (State.PodPaths.InsidePodHostRoot).</summary>
    public bool NeedsHostTree() => Containers.Any(c => c.Mounts.Any(m => State.PodPaths.HostPathOf(m.Source) is not null));

    /// <summary>Reads a plan file (root's only: it holds every container's environment).</summary>
    public static PodPlan Read(string path) => FromUtf8(File.ReadAllBytes(path), path);

    /// <summary>The host's copy of a running pod's plan (it holds no values): what runs, whatever
    /// its definition says now; null when it cannot be read (not root, the pod is not running,
    /// or it is just starting or ending).</summary>
    public static PodPlan? ReadRunning(string pod)
    {
        try
        {
            return Read($"{State.PodPaths.RuntimeDir(pod)}/plan.json");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Errors.PodUnitsException)
        {
            return null;
        }
    }

    /// <summary>How long the executor of this plan may take to stop it (its scope's and
    /// pod@.service's TimeoutStopSec).</summary>
    public int StopTimeoutSeconds() =>
        Core.Timing.ExecutorStop.TimeoutSeconds(TerminationGracePeriodSeconds, Containers.Count(c => c.Sidecar));

    /// <summary>Read by <see cref="PlanReader"/>, not by the serializer that wrote it: see why there.</summary>
    private static PodPlan FromUtf8(ReadOnlySpan<byte> json, string source)
    {
        try
        {
            return PlanReader.Read(json);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new Core.Errors.PodUnitsException(source, $"not a plan PodUnits can read: {e.Message}");
        }
    }
}

/// <summary>The network a pod joins (docs/networking.md), resolved in stage 0.</summary>
public sealed class NetworkPlan
{
    public required string Name { get; init; }
    public required string ConfigPath { get; init; }
    /// <summary>The configuration as stage 0 read it: stage 1 runs exactly this.</summary>
    public required string ConfigText { get; init; }
    /// <summary>CNI_CONTAINERID: the pod's machine ID and a part new in every run
    /// (NetworkPlanner.ContainerIdOf says why).</summary>
    public required string ContainerId { get; init; }
    public List<PortMappingPlan> PortMappings { get; init; } = [];
}

/// <summary>A hostPort, in the portMappings capability's terms (portmap's runtimeConfig).</summary>
public sealed class PortMappingPlan
{
    public int HostPort { get; init; }
    public int ContainerPort { get; init; }
    /// <summary>"tcp", "udp" or "sctp".</summary>
    public required string Protocol { get; init; }
    /// <summary>The host address to publish on; empty for every address.</summary>
    public string HostIP { get; init; } = "";

    /// <summary>ADDRESS:PORT/PROTOCOL, an IPv6 address in brackets ([::1]:8080/tcp), as URLs
    /// and ss(8) write it; PORT/PROTOCOL for every address.</summary>
    public override string ToString() =>
        $"{HostIP switch { "" => "", _ when HostIP.Contains(':', StringComparison.Ordinal) => $"[{HostIP}]:", _ => HostIP + ":" }}{HostPort}/{Protocol}";
}

/// <summary>A user namespace's mapping: container IDs 0..Size-1 are host IDs
/// HostFirst..HostFirst+Size-1, the same range for users and groups (as Kubernetes and
/// systemd-nspawn's --private-users=pick map them).</summary>
public sealed record IdMapping(uint HostFirst, uint Size)
{
    /// <summary>The host ID of container ID <paramref name="id"/>.</summary>
    public uint ToHost(uint id) => id < Size ? HostFirst + id : throw new ArgumentOutOfRangeException(nameof(id), $"{id} is outside the pod's {Size} IDs");

    /// <summary>One line of /proc/PID/uid_map and gid_map: "0 FIRST SIZE". Derived, so not
    /// part of the plan's JSON.</summary>
    [JsonIgnore]
    public string MapLine => $"0 {HostFirst} {Size}\n";

    public override string ToString() => $"0-{Size - 1} → {HostFirst}-{HostFirst + Size - 1}";
}

public sealed class SysctlPlan
{
    /// <summary>Dot form, for messages: net.ipv4.ip_local_port_range.</summary>
    public required string Name { get; init; }
    /// <summary>Below /proc/sys: net/ipv4/ip_local_port_range.</summary>
    public required string ProcPath { get; init; }
    public required string Value { get; init; }
}

public sealed class EmptyDirPlan
{
    public required string Name { get; init; }
    /// <summary>Where the volume lives as seen by the pod init (a dir, or a tmpfs it mounts).</summary>
    public required string Path { get; init; }
    public bool Memory { get; init; }
    public ulong? SizeLimitBytes { get; init; }
    /// <summary>securityContext.fsGroup: the group of the new volume (Init/FsGroupOwnership).</summary>
    public uint? FsGroup { get; init; }
}

/// <summary>A projected volume's files (docs/configuration.md): in the pod's private /run,
/// never on disk, laid out as the kubelet's atomic writer does.</summary>
public sealed class ProjectedVolumePlan
{
    public required string Name { get; init; }
    /// <summary>The tmpfs as the pod init sees it: /run/podunits/volumes/NAME.</summary>
    public required string Path { get; init; }
    public List<ProjectedFilePlan> Files { get; init; } = [];
    /// <summary>securityContext.fsGroup: the group of its files (Init/FsGroupOwnership).</summary>
    public uint? FsGroup { get; init; }
}

public sealed class ProjectedFilePlan
{
    /// <summary>Relative to the volume (validated: no "..", not absolute).</summary>
    public required string Path { get; init; }
    public required byte[] Content { get; init; }
    public int Mode { get; init; } = 0b110_100_100;
}

public sealed class ContainerPlan
{
    public required string Name { get; init; }
    public bool Init { get; init; }
    /// <summary>CONTAINER_ID_FULL (PodIdentity.ContainerIdFull), computed while planning so the
    /// running executor needs no hashing (and so no OpenSSL in its memory).</summary>
    public string IdFull { get; init; } = "";
    /// <summary>The pod's files bound over the container's /etc (from /run/podunits/etc):
    /// hostname, hosts and resolv.conf, without resolv.conf for podunits.io/dns: none.</summary>
    public List<string> PodEtcFiles { get; init; } = ["hostname", "hosts", "resolv.conf"];
    /// <summary>The image as the definition named it when the pod started (what status reports
    /// while the file may already name another); empty in a plan written before it was kept.</summary>
    public string Image { get; init; } = "";
    /// <summary>The image's root filesystem directory: the overlay's lower layer.</summary>
    public required string LowerDir { get; init; }
    /// <summary>The directory holding the overlay's upper and work dirs.</summary>
    public required string LayerDir { get; init; }
    /// <summary>Command and args after Kubernetes' rules against the image config; argv[0] is
    /// resolved against PATH inside the container's root at start.</summary>
    public List<string> Argv { get; init; } = [];
    public List<string> Env { get; init; } = [];
    public string WorkingDir { get; init; } = "/";
    public uint Uid { get; init; }
    public uint Gid { get; init; }
    public List<uint> SupplementaryGroups { get; init; } = [];
    /// <summary>The AppArmor profile to exec into, or null (Confinement/Lsm/LsmPlanner).</summary>
    public string? AppArmorProfile { get; set; }
    /// <summary>The SELinux label to exec into, or null.</summary>
    public string? SeLinuxLabel { get; set; }
    public bool ReadOnlyRootFilesystem { get; init; }
    public bool Privileged { get; init; }
    /// <summary>procMount: Unmasked: no masked or read-only paths in /proc and /sys (a pod
    /// with its own user namespace only).</summary>
    public bool ProcUnmasked { get; init; }
    public bool NoNewPrivileges { get; init; }
    /// <summary>Capability numbers (capabilities(7)) kept in the bounding set.</summary>
    public List<int> Capabilities { get; init; } = [];
    public List<MountPlan> Mounts { get; init; } = [];
    /// <summary>The seccomp filter, or null for Unconfined (also what privileged means).</summary>
    public SeccompPlan? Seccomp { get; init; }
    public ulong? MemoryMaxBytes { get; init; }
    public ulong? CpuMillicores { get; init; }
    /// <summary>resources.requests.cpu (defaulted to limits.cpu), for CPUWeight= of the scope.</summary>
    public ulong? CpuRequestMillicores { get; init; }
    public ProbePlan? Readiness { get; init; }
    public ProbePlan? Liveness { get; init; }
    public ProbePlan? Startup { get; init; }
    public HookPlan? PostStart { get; init; }
    public HookPlan? PreStop { get; init; }
    /// <summary>Restarted when it ends, as restartPolicy says for this container: the pod's
    /// restartPolicy for a container, Always for a sidecar, OnFailure or Never for an init
    /// container (Kubernetes: an init container never restarts after success).</summary>
    public ContainerRestart Restart { get; init; } = ContainerRestart.Never;
    /// <summary>An init container with restartPolicy Always (Init is true as well).</summary>
    public bool Sidecar { get; init; }
}

public enum ContainerRestart
{
    Never,
    OnFailure,
    Always,
}

public sealed class SeccompPlan
{
    /// <summary>"RuntimeDefault", or "Localhost" with <see cref="LocalhostProfile"/>.</summary>
    public required string Profile { get; init; }
    /// <summary>The profile's path below /var/lib/podunits/seccomp (Localhost only).</summary>
    public string? LocalhostProfile { get; init; }
    /// <summary>Where the definition names the profile (FILE:LINE:COLUMN), for errors; or
    /// "default" when it names none and RuntimeDefault applies.</summary>
    public string Origin { get; init; } = "default";
    /// <summary>The compiled classic BPF program (struct sock_filter[]), filled in by
    /// <see cref="Confinement.Seccomp.SeccompPlanner"/> before the plan is written.</summary>
    public byte[] Program { get; set; } = [];

    public override string ToString() => LocalhostProfile is null ? Profile : $"{Profile} {LocalhostProfile}";
}

public sealed class MountPlan
{
    /// <summary>Source path as the pod init sees it.</summary>
    public required string Source { get; init; }
    /// <summary>Absolute path inside the container.</summary>
    public required string Target { get; init; }
    public bool ReadOnly { get; init; }
    /// <summary>volumeMounts[].subPath: the entry of the volume to mount instead of all of
    /// it, resolved inside the volume (never outside it) when the container starts.</summary>
    public string? SubPath { get; init; }
    /// <summary>The volume's name in the definition, for a mount's errors: its source alone
    /// is a path of the pod's or /proc/self/fd/N (volumes review of 2026-12-07, finding 7).
    /// Null in a plan written before it was.</summary>
    public string? Volume { get; init; }

    /// <summary>How many names a mount path has ("/data/db": 2): the plan's mounts are in
    /// that order, and the pod's /etc files go between depth 1 and 2.</summary>
    public static int DepthOf(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Split('/', StringSplitOptions.RemoveEmptyEntries).Count(n => n != ".");
    }
}

/// <summary>A probe as the kubelet runs it: one handler, Kubernetes' timing fields.</summary>
public sealed class ProbePlan
{
    public List<string>? Exec { get; init; }
    public int? TcpPort { get; init; }
    /// <summary>tcpSocket.host; null = the pod's address (Health/ProbeRunner).</summary>
    public string? TcpHost { get; init; }
    public HttpGetPlan? HttpGet { get; init; }
    public GrpcPlan? Grpc { get; init; }
    public int InitialDelaySeconds { get; init; }
    public int PeriodSeconds { get; init; } = 10;
    public int TimeoutSeconds { get; init; } = 1;
    public int SuccessThreshold { get; init; } = 1;
    public int FailureThreshold { get; init; } = 3;
    /// <summary>The grace period when this probe's failure kills the container; null = the pod's.</summary>
    public int? TerminationGracePeriodSeconds { get; init; }
}

public sealed class HttpGetPlan
{
    /// <summary>"HTTP" or "HTTPS".</summary>
    public string Scheme { get; init; } = "HTTP";
    /// <summary>null = the pod's address.</summary>
    public string? Host { get; init; }
    public int Port { get; init; }
    public string Path { get; init; } = "/";
    public List<HttpHeaderPlan> Headers { get; init; } = [];
}

public sealed class HttpHeaderPlan
{
    public required string Name { get; init; }
    public required string Value { get; init; }
}

public sealed class GrpcPlan
{
    public int Port { get; init; }
    public string? Service { get; init; }
}

/// <summary>postStart / preStop: exactly one of exec, httpGet, sleep.</summary>
public sealed class HookPlan
{
    public List<string>? Exec { get; init; }
    public HttpGetPlan? HttpGet { get; init; }
    public int? SleepSeconds { get; init; }
}
