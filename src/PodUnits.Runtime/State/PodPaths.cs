namespace PodUnits.Runtime.State;

/// <summary>Where a pod's files live (docs/design.md "Installed layout").</summary>
public static class PodPaths
{
    /// <summary>Runtime state of running pods (plan, pid of the pod init). Not the definitions
    /// dir /run/podunits/pods, which holds runtime pod definitions.</summary>
    public const string RuntimeRoot = "/run/podunits/state";

    /// <summary>Inside the pod (seen from the pod init's mount namespace): its /run/podunits,
    /// which holds the plan container-start reads and the files every container shares.</summary>
    public const string InsidePodRun = "/run/podunits";
    public const string InsidePodPlan = InsidePodRun + "/plan.json";

    /// <summary>Inside the pod: a copy of the host's mount tree, taken before the pod's own
    /// /proc, /run, /var/log, machine-id and os-release hid the host's, which hostPath
    /// volumes are resolved in (only in a pod that has one). Containers never see it.</summary>
    public const string InsidePodHostRoot = InsidePodRun + "/host";

    /// <summary>A hostPath volume's source as the pod init sees it (<see cref="InsidePodHostRoot"/>).</summary>
    public static string HostPathInPod(string hostPath) => InsidePodHostRoot + "/" + hostPath.TrimStart('/');

    /// <summary>Why a hostPath without a type cannot be mounted: nothing is at its path.</summary>
    public const string HostPathMissing = "nothing is there on the host (type: DirectoryOrCreate or FileOrCreate creates it)";

    /// <summary>The host path a source of <see cref="HostPathInPod"/> names, or null for any other source.</summary>
    public static string? HostPathOf(string source) =>
        source.StartsWith(InsidePodHostRoot + "/", StringComparison.Ordinal) ? "/" + source[(InsidePodHostRoot.Length + 1)..] : null;
    public const string StateRoot = "/var/lib/podunits/pods";

    public static string RuntimeDir(string pod) => $"{RuntimeRoot}/{pod}";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>/run/podunits/state, root's only (mode 0700; tmpfiles.d makes it so at boot).</summary>
    public static void CreateRuntimeRoot() => CreatePrivateDirectory(RuntimeRoot);

    /// <summary>A directory (and its missing parents) of mode 0700 whatever the umask, made
    /// so again if it exists with a wider mode.</summary>
    public static void CreatePrivateDirectory(string path)
    {
        Directory.CreateDirectory(path, OwnerOnly);
        if (File.GetUnixFileMode(path) != OwnerOnly)
        {
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }

    /// <summary>Writes a file that is mode 0600 from its creation on (never briefly readable
    /// by others), replacing what was there at once: a reader (`podunits stop` reading pids,
    /// a start counting failures) sees the old content or the new, never an empty file, and a
    /// crash in between leaves the old one.</summary>
    public static void WritePrivateFile(string path, string text) =>
        Core.Files.AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(text), UnixFileMode.UserRead | UnixFileMode.UserWrite);

    public static string StateDir(string pod) => $"{StateRoot}/{pod}";
}
