using System.Text.RegularExpressions;

namespace PodUnits.Core.Errors;

/// <summary>.NET's exception messages in the NativeAOT executables, built with
/// UseSystemResourceKeys: a bare key ("net_frame_read_size", "IO_FileExists_Name, /x") says
/// nothing to a reader, so callers put words of their own in its place.</summary>
public static partial class ResourceKeys
{
    /// <summary>The key a message consists of, or null when it is words.</summary>
    public static string? Key(string? message) =>
        KeyPattern().Match(message ?? "") is { Success: true } m ? m.Groups[1].Value : null;

    public static bool IsKey(string? message) => Key(message) is not null;

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9_]*)(,|\.?$)")]
    private static partial Regex KeyPattern();
}
