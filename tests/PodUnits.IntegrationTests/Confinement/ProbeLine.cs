using System.Text.RegularExpressions;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// One line of tests/hostile/escape-probe.c: <c>check NAME: VERDICT [DETAIL]</c>. A check is
/// refused when it was blocked with a refusing errno, masked, missing, or reached only the
/// container's own things (contained); ESCAPED and inconclusive are failures.
/// </summary>
internal sealed partial record ProbeLine(string Name, string Verdict, string Detail, string Text)
{
    /// <summary>What issue 16 accepts: a permission or read-only error, a missing file or
    /// process, or a filter's "no such call".</summary>
    private static readonly string[] RefusingErrnos = ["EPERM", "EACCES", "EROFS", "ENOENT", "ESRCH", "ENOSYS"];

    public bool Refused => Verdict switch
    {
        "masked" or "missing" or "contained" => true,
        "blocked" => RefusingErrnos.Contains(Detail.Split(' ')[0]),
        _ => false,
    };

    public static ProbeLine? Parse(string text)
    {
        Match m = Shape().Match(text);
        return m.Success ? new ProbeLine(m.Groups["name"].Value, m.Groups["verdict"].Value, m.Groups["detail"].Value, text) : null;
    }

    [GeneratedRegex(@"^check (?<name>[a-z0-9-]+): (?<verdict>[A-Za-z]+)(?: (?<detail>.*))?$")]
    private static partial Regex Shape();
}
