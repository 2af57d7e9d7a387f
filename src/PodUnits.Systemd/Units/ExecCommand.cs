namespace PodUnits.Systemd.Units;

/// <summary>
/// One ExecStart= entry of a transient service, as systemd's a(sasb) wants it: the binary,
/// the full argv (argv[0] included), and whether a non-zero exit is ignored ("-" prefix).
/// </summary>
public sealed record ExecCommand(string Path, IReadOnlyList<string> Arguments, bool IgnoreFailure = false)
{
    /// <summary>A command whose argv[0] is <paramref name="path"/>.</summary>
    public static ExecCommand Of(string path, params string[] arguments) => new(path, [path, .. arguments]);
}
