using System.Globalization;
using System.Text.RegularExpressions;
using PodUnits.IntegrationTests.Runtime;

namespace PodUnits.IntegrationTests.Confinement;

/// <summary>
/// PODUNITS_VERBOSE=1 on pod@NAME.service (a drop-in, as an administrator would add it) makes
/// container-start say how long each set-up step took and the executor how long the scope
/// took: the in-process measurement the confinement benchmark reads. The steps must be the
/// ones confinement adds for a default container and absent for a privileged one.
/// </summary>
public sealed partial class SetupTimingTests
{
    [Theory]
    [InlineData("timing-default", "", true)]
    [InlineData("timing-privileged", "      securityContext: {privileged: true}", false)]
    public void VerbosePodsSayWhatEachSetUpStepCost(string name, string security, bool confined)
    {
        using IDisposable verbose = PodHarness.VerboseExecutor(name);
        using var pod = new PodHarness(name, PodHarness.BusyboxPod(name, "echo started; " + PodHarness.Idle, security));
        var start = pod.Systemctl("start", pod.Unit);
        Assert.True(start.Code == 0, start.Output + string.Join('\n', pod.Journal("-u", pod.Unit)));
        string? setUp = null;
        Assert.True(PodHarness.WaitFor(() => (setUp = pod.Journal("-u", pod.Unit).FirstOrDefault(l => l.Contains(" set up in ", StringComparison.Ordinal))) is not null),
            string.Join('\n', pod.Journal("-u", pod.Unit)));
        Assert.Contains(pod.Journal("-u", pod.Unit), l => ScopeLine().IsMatch(l));

        Match m = SetUpLine().Match(setUp!);
        Assert.True(m.Success, setUp);
        var steps = m.Groups["steps"].Value.Split(", ").Select(s => s[..s.LastIndexOf(' ')]).ToList();
        double total = Number(m.Groups["total"].Value);
        double sum = m.Groups["steps"].Value.Split(", ").Sum(s => Number(s[(s.LastIndexOf(' ') + 1)..]));
        Assert.InRange(sum, total - 0.01, total + 0.01); // the total is the steps' sum
        Assert.Contains("overlay", steps);
        Assert.Contains("pivot_root", steps);
        Assert.Equal(confined, steps.Contains("masks"));
        Assert.Equal(confined, steps.Any(s => s.Contains("seccomp", StringComparison.Ordinal)));
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^podunits: container main: set up in (?<total>[0-9.]+) ms \((?<steps>[^)]*)\)$")]
    private static partial Regex SetUpLine();

    [GeneratedRegex(@"^podunits: container main: scope started in [0-9.]+ ms$")]
    private static partial Regex ScopeLine();
}
