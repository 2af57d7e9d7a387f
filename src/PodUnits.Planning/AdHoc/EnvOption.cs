namespace PodUnits.Planning.AdHoc;

/// <summary>
/// `--env NAME` without a value takes this process's value of NAME, and is skipped when it is
/// unset, as podman and docker do and as <see cref="EnvFile"/> does for a bare line: the
/// idiom that keeps a secret off the command line (and out of /proc/PID/cmdline for the whole
/// pull) was refused (interactive review of 2026-12-07, finding 8).
/// </summary>
public static class EnvOption
{
    /// <summary>The entries with each bare NAME resolved through <paramref name="environment"/>;
    /// any other entry as it is, for <see cref="AdHocOptions"/> to check (one with a space
    /// may be a value typed after a space for '=': it is never looked up, and is refused).</summary>
    public static List<string> Resolve(IEnumerable<string> entries, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(environment);
        var result = new List<string>();
        foreach (string entry in entries)
        {
            bool bare = entry.Length > 0 && !entry.Any(c => c == '=' || c == '\0' || char.IsWhiteSpace(c));
            if (!bare)
            {
                result.Add(entry);
            }
            else if (environment(entry) is { } value)
            {
                result.Add($"{entry}={value}");
            }
        }
        return result;
    }
}
