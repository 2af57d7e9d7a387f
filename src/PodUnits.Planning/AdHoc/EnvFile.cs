using PodUnits.Core.Errors;

namespace PodUnits.Planning.AdHoc;

/// <summary>
/// `--env-file FILE` as docker and podman read it: one NAME=VALUE per line, taken as it is
/// (no quotes removed, no expansion); blank lines and lines starting with # are skipped; a
/// line that is only NAME takes this process's value of NAME, or is skipped when unset.
/// </summary>
public static class EnvFile
{
    public static IEnumerable<string> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BadInputException($"--env-file {path}", IoErrors.Describe(e, path));
        }
        return Parse(lines, path, Environment.GetEnvironmentVariable);
    }

    public static List<string> Parse(IReadOnlyList<string> lines, string path, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(environment);
        var result = new List<string>();
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i].TrimStart();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq == 0 || (eq < 0 && line.Any(char.IsWhiteSpace)))
            {
                // Only the first word: the rest may be the value (a space typed for '=').
                string first = eq == 0 ? "=..." : line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0] + " ...";
                throw new BadInputException($"{path}:{i + 1}", $"\"{first}\" is not NAME=VALUE or NAME (the rest of the line is not shown: it may be a value)");
            }
            if (eq > 0)
            {
                result.Add(line);
            }
            else if (environment(line) is { } value)
            {
                result.Add($"{line}={value}");
            }
        }
        return result;
    }
}
