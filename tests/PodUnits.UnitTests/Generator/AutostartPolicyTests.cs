using PodUnits.Definitions;
using PodUnits.Generator;

namespace PodUnits.UnitTests.Generator;

/// <summary>Which wins for a pod's start at boot (docs/packaging.md): for a package's pod the
/// first preset rule that names its boot unit, else its annotation; for an administrator's pod
/// the annotation alone. Checked on the decision and on a whole generator run.</summary>
public sealed class AutostartPolicyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("podunits-autostart-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static UnitPresets Presets(string text) => UnitPresets.Parse([("50-test.preset", text)]);

    private static PodUnitSettings Settings(string pod, bool autostart, bool socket = false) => new()
    {
        PodName = pod,
        SourcePath = $"/usr/lib/podunits/pods/{pod}.yaml",
        Description = pod,
        Restart = "no",
        TimeoutStopSeconds = 45,
        NeedsNetwork = false,
        Autostart = autostart,
        Listen = socket ? [new ListenAddress("ListenStream", "8080")] : [],
    };

    [Theory]
    [InlineData(true, "", true)]                                   // no rule: the annotation
    [InlineData(false, "", false)]
    [InlineData(true, "disable pod@web.service", false)]           // the distribution's "no" wins
    [InlineData(true, "disable *", false)]                         // Fedora's catch-all too
    [InlineData(false, "enable pod@.service web db", true)]        // an instance list turns it on
    [InlineData(false, "enable pod@.service", false)]              // a bare template names no instance
    [InlineData(true, "enable pod@web.service\ndisable *", true)]  // the first match wins
    [InlineData(false, "disable pod@other.service", false)]
    public void APackagedPodFollowsTheFirstMatchingPresetThenItsAnnotation(bool annotation, string presets, bool starts) =>
        Assert.Equal(starts, AutostartPolicy.Decide(Settings("web", annotation), packaged: true, Presets(presets)));

    [Fact]
    public void AnAdministratorsPodFollowsItsAnnotationWhateverThePresets()
    {
        Assert.True(AutostartPolicy.Decide(Settings("web", true), packaged: false, Presets("disable *")));
        Assert.False(AutostartPolicy.Decide(Settings("web", false), packaged: false, Presets("enable *")));
    }

    [Fact]
    public void ASocketActivatedPodIsJudgedByItsSocket()
    {
        Assert.Equal("pod@web.socket", Settings("web", true, socket: true).BootUnit);
        Assert.False(AutostartPolicy.Decide(Settings("web", true, socket: true), packaged: true, Presets("disable pod@web.socket")));
        Assert.True(AutostartPolicy.Decide(Settings("web", true, socket: true), packaged: true, Presets("disable pod@web.service")));
    }

    [Fact]
    public void ASocketActivatedPodWhoseServiceIsEnabledStartsAtBoot()
    {
        // The generated socket cannot be enabled ("generated"); an enabled service can, and
        // requires its socket. A masked socket still wins.
        PodUnitSettings off = Settings("web", false, socket: true);
        Assert.False(AutostartPolicy.StartsAtBoot("generated", off, packaged: false, Presets(""), serviceFileState: "disabled"));
        Assert.True(AutostartPolicy.StartsAtBoot("generated", off, packaged: false, Presets(""), serviceFileState: "enabled"));
        Assert.False(AutostartPolicy.StartsAtBoot("masked", off, packaged: false, Presets(""), serviceFileState: "enabled"));
        // Generator review of 2026-12-07, finding 5: the service masked stops an autostart socket pod.
        PodUnitSettings on = Settings("web", true, socket: true);
        Assert.True(AutostartPolicy.StartsAtBoot("generated", on, packaged: false, Presets(""), serviceFileState: "static"));
        Assert.False(AutostartPolicy.StartsAtBoot("generated", on, packaged: false, Presets(""), serviceFileState: "masked"));
        Assert.False(AutostartPolicy.StartsAtBoot("generated", on, packaged: false, Presets(""), serviceFileState: "masked-runtime"));
        // For a pod without a socket the service is the boot unit, judged as such only.
        Assert.False(AutostartPolicy.ServiceEnabled(Settings("web", false), "enabled"));
    }

    [Fact]
    public void TheGeneratorAppliesPresetsToPackagedPodsOnly()
    {
        string etc = Directory.CreateDirectory($"{_root}/etc").FullName;
        string usr = Directory.CreateDirectory($"{_root}/usr").FullName;
        string output = Directory.CreateDirectory($"{_root}/out").FullName;
        foreach ((string dir, string pod, string autostart) in (ReadOnlySpan<(string, string, string)>)[(etc, "mine", "true"), (usr, "vendor-off", "true"), (usr, "vendor-on", "false"), (usr, "vendor-plain", "true")])
        {
            File.WriteAllText($"{dir}/{pod}.yaml", $$"""
                apiVersion: v1
                kind: Pod
                metadata:
                  annotations: {podunits.io/autostart: "{{autostart}}"}
                spec:
                  containers:
                  - {name: c, image: busybox}

                """);
        }
        UnitPresets presets = Presets("enable pod@.service vendor-on\ndisable pod@vendor-*\ndisable pod@mine.service");
        using (GeneratorLog log = GeneratorLog.ForWriter(new StringWriter()))
        {
            Assert.Equal(0, PodGenerator.Run(new PodDefinitionSearchPath([etc, usr]), output, log, hostMachineId: null, presets));
        }
        string[] wanted = [.. Directory.GetFileSystemEntries($"{output}/multi-user.target.wants").Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(["pod@mine.service", "pod@vendor-on.service"], wanted);
    }
}
