using System.Globalization;
using System.Text;
using PodUnits.Core.Native;
using PodUnits.Runtime.Plan;

namespace PodUnits.Runtime.State;

/// <summary>
/// How the whole plan travels, so that what it holds (environment values, secret files, an
/// encrypted Secret's plaintext) never lands in a file outside the pod: stage 0 writes it to a
/// sealed memfd (memory only, no longer writable once sealed) that stage 1 inherits across
/// exec and hands to the pod init at a fixed descriptor; the pod init keeps its copy in its
/// private /run (the pod's tmpfs), where container-start, `enter` and exec probes read it. The
/// host's /run/podunits/state/NAME/plan.json is a redacted copy (<see cref="PodPlan.Redacted"/>)
/// for the tools that only need names, paths and PIDs.
/// </summary>
public static unsafe class PlanHandoff
{
    private const string ProcSelfFd = "/proc/self/fd/";

    /// <summary>A sealed memfd holding <paramref name="json"/>, inherited across exec; returns
    /// the path that opens it in this process (/proc/self/fd/N).</summary>
    public static string Seal(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return PathOf(Seal("podunits-plan", Encoding.UTF8.GetBytes(json)));
    }

    /// <summary>A sealed memfd holding <paramref name="bytes"/> (memory only, no longer
    /// writable), inherited across exec; returns its descriptor.</summary>
    public static int Seal(string name, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        int fd;
        using (var n = new CString(name))
        {
            fd = Check.Io(Tmds.Linux.LibC.memfd_create(n, (uint)(Tmds.Linux.LibC.MFD_CLOEXEC | Tmds.Linux.LibC.MFD_ALLOW_SEALING)), "memfd_create", name);
        }
        fixed (byte* p = bytes)
        {
            for (int done = 0; done < bytes.Length;)
            {
                long written = LibcExtra.write(fd, p + done, (nuint)(bytes.Length - done));
                done += (int)Check.Io(written, "write", name);
            }
        }
        int seals = Tmds.Linux.LibC.F_SEAL_SEAL | Tmds.Linux.LibC.F_SEAL_SHRINK | Tmds.Linux.LibC.F_SEAL_GROW | Tmds.Linux.LibC.F_SEAL_WRITE;
        Check.Io(LibcExtra.fcntl(fd, Tmds.Linux.LibC.F_ADD_SEALS, seals), "fcntl F_ADD_SEALS", name);
        Check.Io(LibcExtra.fcntl(fd, LibcExtra.F_SETFD, 0), "fcntl F_SETFD", name); // for the exec
        return fd;
    }

    public static string PathOf(int fd) => ProcSelfFd + fd.ToString(CultureInfo.InvariantCulture);

    /// <summary>The descriptor behind a /proc/self/fd/N plan path, or null for a plain file.</summary>
    public static int? FdOf(string planPath) =>
        planPath.StartsWith(ProcSelfFd, StringComparison.Ordinal) && int.TryParse(planPath.AsSpan(ProcSelfFd.Length), NumberStyles.None,
            CultureInfo.InvariantCulture, out int fd)
            ? fd
            : null;

    /// <summary>After reading: the inherited memfd must not reach anything this process starts
    /// (CNI plugins, containers); children that need it get it mapped explicitly.</summary>
    public static void KeepFromChildren(string planPath)
    {
        if (FdOf(planPath) is int fd)
        {
            Check.Io(LibcExtra.fcntl(fd, LibcExtra.F_SETFD, LibcExtra.FD_CLOEXEC), "fcntl F_SETFD", "plan memfd");
        }
    }

    /// <summary>The full plan of a running pod as root can read it: the pod init's copy in
    /// the pod's private /run, reached through its root.</summary>
    public static string RunningPlanPath(int podInitPid) =>
        $"/proc/{podInitPid.ToString(CultureInfo.InvariantCulture)}/root{PodPaths.InsidePodPlan}";
}
