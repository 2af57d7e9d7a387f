using PodUnits.Core.Files;
using PodUnits.Core.Naming;

namespace PodUnits.Runtime.State;

/// <summary>
/// The services of the host's own, other than pod@NAME.service, that have run a defined pod
/// (`ExecStart=podunits run NAME` in a unit an administrator or a package wrote): journald
/// attributes the pod's lines to that service, and `podunits logs` matches on the unit
/// (which no client can forge) before it trusts a POD_NAME field (which any can). Kept in the
/// pod's state directory, so the lines of a pod that has stopped are found too; the last
/// <see cref="Kept"/> distinct services, the most recent last.
/// </summary>
public static class PodLogUnits
{
    private const string FileName = "log-units";
    internal const int Kept = 8;

    /// <summary>Notes that <paramref name="service"/> runs the pod now (nothing when it is
    /// the pod's own pod@NAME.service, or noted last already).</summary>
    public static void Record(string pod, string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service == PodUnitNames.Service(pod) || !IsServiceName(service))
        {
            return;
        }
        IReadOnlyList<string> known = Of(pod);
        if (known.Count > 0 && known[^1] == service)
        {
            return;
        }
        List<string> units = [.. known.Where(u => u != service), service];
        Directory.CreateDirectory(PodPaths.StateDir(pod)); // as the pod's other state makes it: the file alone is private
        AtomicFile.Write(PathOf(pod), System.Text.Encoding.ASCII.GetBytes(string.Join('\n', units.TakeLast(Kept)) + "\n"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The services noted for the pod, oldest first; none when there are none or the
    /// file cannot be read. A line that is no service's name is left out: it goes to
    /// journalctl's command line.</summary>
    public static IReadOnlyList<string> Of(string pod)
    {
        try
        {
            return File.Exists(PathOf(pod)) ? [.. File.ReadLines(PathOf(pod)).Where(IsServiceName)] : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string PathOf(string pod) => $"{PodPaths.StateDir(pod)}/{FileName}";

    /// <summary>A unit name systemd would accept for a service: at most 255 characters of
    /// its set (letters, digits, ":-_.\@"), ending in ".service".</summary>
    internal static bool IsServiceName(string unit) =>
        unit.Length is > 8 and <= 255 && unit.EndsWith(".service", StringComparison.Ordinal)
        && unit.All(c => char.IsAsciiLetterOrDigit(c) || c is ':' or '-' or '_' or '.' or '\\' or '@');
}
