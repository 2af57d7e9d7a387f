using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>CLI review of 2026-12-07, finding 3: `podunits generate` without --dir (DESIGN.md
/// fixes `generate [--dir DIR]`) was a usage error; it prints what the generator would write,
/// each file after its path, each link with its target, in path order.</summary>
public sealed class GeneratorListingTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("podunits-gen-list-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public void EachFileFollowsItsPathAndEachLinkShowsItsTarget()
    {
        var output = new GeneratorOutput(_output);
        output.Write(Settings("web", autostart: true));
        output.Write(Settings("api", autostart: false));
        using var printed = new StringWriter();
        GeneratorListing.Write(_output, printed);

        string api = File.ReadAllText($"{_output}/pod@api.service.d/50-podunits.conf");
        string web = File.ReadAllText($"{_output}/pod@web.service.d/50-podunits.conf");
        Assert.EndsWith("\n", api, StringComparison.Ordinal);
        Assert.Equal(
            $"# multi-user.target.wants/pod@web.service -> /usr/lib/systemd/system/pod@.service\n\n"
            + $"# pod@api.service.d/50-podunits.conf\n{api}\n"
            + $"# pod@web.service.d/50-podunits.conf\n{web}",
            printed.ToString());
    }

    private static PodUnitSettings Settings(string pod, bool autostart) => new()
    {
        PodName = pod,
        SourcePath = $"/etc/podunits/pods/{pod}.yaml",
        Description = $"pod {pod}",
        Restart = "on-failure",
        TimeoutStopSeconds = 45,
        NeedsNetwork = false,
        Autostart = autostart,
    };

    [Fact]
    public void NoPodsPrintNothing()
    {
        using var printed = new StringWriter();
        GeneratorListing.Write(_output, printed);
        Assert.Equal("", printed.ToString());
    }
}
